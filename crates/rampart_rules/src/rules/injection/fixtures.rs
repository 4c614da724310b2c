//! Scores the taint rules on the fixture apps under `tests/fixtures/taint/<language>/<app>/`.
//! A sink line carries `# expect: <rule-id>` (must be reported) or `# safe: <rule-id>` (must
//! not be), with `//` in JavaScript/TypeScript. Each app is analyzed as one project with the
//! shipped models.

use rampart_core::Finding;
use rampart_models::Models;
use rampart_syntax::{detect_language, ProjectSettings, SourceFile};
use std::path::{Path, PathBuf};

/// Per-language floor for recall on the fixtures: a language's apps must not drop below it.
/// Python, JavaScript and TypeScript measured 100%; Java, C# and Go are scored on the same
/// engine (measured 26/26, 49/49 and 12/12) with the same floor.
const MIN_RECALL: [(&str, f64); 6] = [
    ("python", 0.90),
    ("javascript", 0.90),
    ("typescript", 0.90),
    ("java", 0.90),
    ("csharp", 0.90),
    ("go", 0.90),
];

#[derive(Debug, PartialEq, Eq, Clone)]
struct Mark {
    file: String,
    line: u32,
    rule: String,
}

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/taint")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "node_modules") {
                continue;
            }
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// `expect:`/`safe:` marks in a comment at the end of a line.
fn marks(text: &str, file: &str) -> (Vec<Mark>, Vec<Mark>) {
    let (mut expect, mut safe) = (Vec::new(), Vec::new());
    for (i, line) in text.lines().enumerate() {
        let comment = match (line.rfind('#'), line.rfind("//")) {
            (Some(a), Some(b)) => &line[a.max(b)..],
            (Some(a), None) => &line[a..],
            (None, Some(b)) => &line[b..],
            (None, None) => continue,
        };
        for (key, out) in [("expect:", &mut expect), ("safe:", &mut safe)] {
            if let Some(pos) = comment.find(key) {
                let rest = &comment[pos + key.len()..];
                for rule in rest
                    .split([',', ' '])
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                {
                    if !rule.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                        break;
                    }
                    out.push(Mark {
                        file: file.to_string(),
                        line: i as u32 + 1,
                        rule: rule.to_string(),
                    });
                }
            }
        }
    }
    (expect, safe)
}

/// Findings of the taint rules on one app, and its marks.
fn scan_app(root: &Path, models: &Models) -> (Vec<Finding>, Vec<Mark>, Vec<Mark>) {
    let mut paths = Vec::new();
    files_under(root, &mut paths);
    let mut modules = Vec::new();
    let (mut expect, mut safe) = (Vec::new(), Vec::new());
    for p in paths {
        let Some(language) = detect_language(&p, None) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        let rel = p
            .strip_prefix(root)
            .unwrap_or(&p)
            .to_string_lossy()
            .replace('\\', "/");
        let file = SourceFile::from_text(&rel, language, &text);
        let Ok(parsed) = rampart_syntax::parse(language, &text) else {
            continue;
        };
        let Ok(module) = rampart_ir::lower(&file, &parsed.tree) else {
            continue;
        };
        let (e, s) = marks(&text, &rel);
        expect.extend(e);
        safe.extend(s);
        modules.push(module);
    }
    let analysis = rampart_dataflow::analyze(&modules, models, &ProjectSettings::default());
    (super::judge(&analysis.flows), expect, safe)
}

fn covers(f: &Finding, m: &Mark) -> bool {
    f.rule_id == m.rule
        && f.location.path == m.file
        && f.location.span.start_line <= m.line
        && m.line <= f.location.span.end_line.max(f.location.span.start_line)
}

#[test]
fn taint_fixtures_score() {
    let models = Models::builtin().expect("built-in models parse");
    let root = fixtures_root();
    let mut failures = Vec::new();
    for (lang, min_recall) in MIN_RECALL {
        let Ok(entries) = std::fs::read_dir(root.join(lang)) else {
            continue;
        };
        let mut apps: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        apps.sort();
        let score = score_language(&apps, &models);
        eprintln!(
            "taint fixtures [{lang}]: {} apps, recall {}/{} = {:.1}%, {} reported safe sinks, {} unmarked findings",
            apps.len(),
            score.found,
            score.expected,
            score.recall() * 100.0,
            score.false_positives.len(),
            score.unmarked
        );
        for m in &score.missed {
            eprintln!("missed [{lang}]: {m}");
            // Every marked sink was found once: losing one is a regression, not noise.
            failures.push(format!("[{lang}] expected sink missed: {m}"));
        }
        for f in &score.false_positives {
            eprintln!("false positive [{lang}]: {f}");
            failures.push(format!("[{lang}] safe sink reported: {f}"));
        }
        if score.recall() < min_recall {
            failures.push(format!(
                "[{lang}] recall {:.1}% below {:.0}%",
                score.recall() * 100.0,
                min_recall * 100.0
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[derive(Default)]
struct Score {
    expected: usize,
    found: usize,
    unmarked: usize,
    missed: Vec<String>,
    false_positives: Vec<String>,
}

impl Score {
    fn recall(&self) -> f64 {
        if self.expected == 0 {
            1.0
        } else {
            self.found as f64 / self.expected as f64
        }
    }
}

fn score_language(apps: &[PathBuf], models: &Models) -> Score {
    let mut score = Score::default();
    for app in apps {
        let (findings, expect, safe) = scan_app(app, models);
        let name = app
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        for m in &expect {
            score.expected += 1;
            if findings.iter().any(|f| covers(f, m)) {
                score.found += 1;
            } else {
                score
                    .missed
                    .push(format!("{name}/{}:{} {}", m.file, m.line, m.rule));
            }
        }
        for f in &findings {
            if safe.iter().any(|m| covers(f, m)) {
                score.false_positives.push(format!(
                    "{name}/{}:{} {}: {}",
                    f.location.path, f.location.span.start_line, f.rule_id, f.message
                ));
            } else if !expect.iter().any(|m| covers(f, m)) {
                score.unmarked += 1;
                eprintln!(
                    "unmarked: {name}/{}:{} {}: {}",
                    f.location.path, f.location.span.start_line, f.rule_id, f.message
                );
            }
        }
    }
    score
}

#[test]
fn marks_are_parsed_from_comments() {
    let (e, s) = marks(
        "cur.execute(q)  # expect: sql-injection\nres.send(x) // safe: xss, open-redirect\n",
        "a.py",
    );
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].rule, "sql-injection");
    assert_eq!(s.len(), 2);
    assert_eq!(s[1].rule, "open-redirect");
    assert_eq!(s[0].line, 2);
}

/// Timing and robustness over a real corpus: `RAMPART_CORPUS=/path cargo test -p rampart_rules
/// corpus_timing -- --ignored --nocapture`.
#[test]
#[ignore]
fn corpus_timing() {
    let Ok(dir) = std::env::var("RAMPART_CORPUS") else {
        return;
    };
    let models = Models::builtin().expect("built-in models parse");
    let mut paths = Vec::new();
    files_under(Path::new(&dir), &mut paths);
    let start = std::time::Instant::now();
    let mut modules = Vec::new();
    let mut lines = 0usize;
    for p in paths {
        let Some(language) = detect_language(&p, None) else {
            continue;
        };
        if !matches!(
            language,
            rampart_core::Language::Python
                | rampart_core::Language::JavaScript
                | rampart_core::Language::TypeScript
                | rampart_core::Language::Tsx
        ) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        lines += text.lines().count();
        let rel = p
            .strip_prefix(&dir)
            .unwrap_or(&p)
            .to_string_lossy()
            .to_string();
        let file = SourceFile::from_text(&rel, language, &text);
        let Ok(parsed) = rampart_syntax::parse(language, &text) else {
            continue;
        };
        if let Ok(m) = rampart_ir::lower(&file, &parsed.tree) {
            modules.push(m);
        }
    }
    let lowered = start.elapsed();
    let analysis = rampart_dataflow::analyze(&modules, &models, &ProjectSettings::default());
    let analyzed = start.elapsed() - lowered;
    let findings = super::judge(&analysis.flows);
    eprintln!(
        "{} modules, {lines} lines: parse+lower {:.2?}, analyze {:.2?}, {} flows, {} findings, {} notes",
        modules.len(),
        lowered,
        analyzed,
        analysis.flows.len(),
        findings.len(),
        analysis.notes.len()
    );
}
