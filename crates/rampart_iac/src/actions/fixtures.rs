//! The fixture suite: runs detection, parsing, `prepare` and `check` over the example files
//! under `tests/fixtures/iac/<kind>/` and compares the rule ids found in each file with the
//! `# expect:` line at its top. Reports recall and false positives per kind.

use crate::{check, prepare};
use rampart_syntax::detect::detect_language;
use rampart_syntax::SourceFile;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub struct SuiteResult {
    pub files: usize,
    pub expected: usize,
    pub found: usize,
    /// `(file, rule)` pairs reported but not expected.
    pub false_positives: Vec<(String, String)>,
    /// `(file, rule)` pairs expected but not reported.
    pub missed: Vec<(String, String)>,
}

fn fixture_root(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/iac")
        .join(kind)
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files_under(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("yml" | "yaml")) {
            out.push(p);
        }
    }
}

/// Runs the suite over one kind; `prefix` selects the rules it measures (`gha-`, `k8s-`, ...).
pub fn run_suite(kind: &str, prefix: &str) -> SuiteResult {
    let root = fixture_root(kind);
    let mut paths = Vec::new();
    files_under(&root, &mut paths);
    let mut result = SuiteResult {
        files: 0,
        expected: 0,
        found: 0,
        false_positives: Vec::new(),
        missed: Vec::new(),
    };
    let mut models = Vec::new();
    let mut expectations = Vec::new();
    for path in &paths {
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/");
        let language = detect_language(Path::new(&rel), Some(&text))
            .unwrap_or_else(|| panic!("{rel}: language not detected"));
        let file = SourceFile::from_text(&rel, language, &text);
        let tree = rampart_syntax::parse::parse(language, &text)
            .expect("fixture parses")
            .tree;
        let model = prepare(&file, &tree).unwrap_or_else(|| panic!("{rel}: not modelled as IaC"));
        let expected: BTreeSet<String> = text
            .lines()
            .find_map(|l| l.strip_prefix("# expect:"))
            .unwrap_or_else(|| panic!("{rel}: no `# expect:` line"))
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        models.push(model);
        expectations.push((rel, expected));
    }
    let findings = check(&models);
    for (rel, expected) in expectations {
        result.files += 1;
        let actual: BTreeSet<String> = findings
            .iter()
            .filter(|f| f.location.path == rel && f.rule_id.starts_with(prefix))
            .map(|f| f.rule_id.clone())
            .collect();
        result.expected += expected.len();
        result.found += expected.intersection(&actual).count();
        for id in actual.difference(&expected) {
            result.false_positives.push((rel.clone(), id.clone()));
        }
        for id in expected.difference(&actual) {
            result.missed.push((rel.clone(), id.clone()));
        }
    }
    result
}

/// Asserts a perfect score and prints the measurement.
pub fn assert_suite(kind: &str, prefix: &str) {
    let r = run_suite(kind, prefix);
    eprintln!(
        "{kind}: {} files, recall {}/{}, false positives {}",
        r.files,
        r.found,
        r.expected,
        r.false_positives.len()
    );
    assert!(r.files > 0, "no fixtures found for {kind}");
    assert!(r.missed.is_empty(), "missed: {:#?}", r.missed);
    assert!(
        r.false_positives.is_empty(),
        "false positives: {:#?}",
        r.false_positives
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_core::Language;
    use std::time::Instant;

    #[test]
    fn actions_fixture_suite() {
        assert_suite("actions", "gha-");
    }

    #[test]
    fn a_thousand_workflows_scan_quickly() {
        let path = fixture_root("actions").join(".github/workflows/insecure-ci.yml");
        let text = std::fs::read_to_string(path).expect("fixture is readable");
        let start = Instant::now();
        let mut models = Vec::new();
        for i in 0..1000 {
            let rel = format!(".github/workflows/ci-{i}.yml");
            let file = SourceFile::from_text(&rel, Language::GithubActions, &text);
            let tree = rampart_syntax::parse::parse(Language::GithubActions, &text)
                .expect("parses")
                .tree;
            models.extend(prepare(&file, &tree));
        }
        let findings = check(&models);
        let elapsed = start.elapsed();
        eprintln!(
            "1000 workflows: {} findings in {:.2?} (one thread, test profile)",
            findings.len(),
            elapsed
        );
        assert!(findings.len() >= 1000);
        // Generous bound for an unoptimized build on a loaded machine; release is far faster.
        assert!(elapsed.as_secs() < 20);
    }
}
