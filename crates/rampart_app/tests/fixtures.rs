//! Route inventories of the fixture apps under `tests/fixtures/app/<framework>/{insecure,secure}`,
//! snapshot-tested, and the model rules' verdicts on them.

use rampart_app::{check, extract, AppModel};
use rampart_rules::FileContext;
use rampart_syntax::{ProjectSettings, SourceFile};
use std::path::{Path, PathBuf};

fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/app")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn model(framework: &str, variant: &str) -> AppModel {
    let root = fixture_root().join(framework).join(variant);
    let mut paths = Vec::new();
    files(&root, &mut paths);
    let facts = paths
        .iter()
        .filter_map(|p| {
            let language = rampart_syntax::detect_language(p, None)?;
            let rel = p
                .strip_prefix(&root)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            let file = SourceFile::read(p, rel, language, u64::MAX).ok()?;
            let parsed = rampart_syntax::parse(language, &file.text).ok()?;
            Some(extract(&FileContext::new(
                &file,
                &parsed.tree,
                &ProjectSettings::default(),
            )))
        })
        .collect();
    AppModel::build(facts)
}

const FRAMEWORKS: &[&str] = &[
    "flask",
    "fastapi",
    "django",
    "express",
    "spring",
    "nextjs",
    "aspnetcore",
    "go",
];

#[test]
fn route_inventories() {
    for fw in FRAMEWORKS {
        for variant in ["insecure", "secure"] {
            let m = model(fw, variant);
            assert!(!m.routes.is_empty(), "{fw}/{variant} has no routes");
            insta::assert_snapshot!(format!("{fw}_{variant}"), rampart_app::render::json(&m));
        }
    }
}

#[test]
fn insecure_apps_are_reported_and_secure_apps_are_not() {
    for fw in FRAMEWORKS {
        let insecure = check(&model(fw, "insecure"));
        assert!(!insecure.is_empty(), "{fw}/insecure: no finding");
        let secure = check(&model(fw, "secure"));
        assert!(
            secure.is_empty(),
            "{fw}/secure: {:?}",
            secure.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
    }
}

/// Every prefix of a fixture file is malformed somewhere; extraction and the rules must not
/// panic on any of them.
#[test]
fn truncated_files_never_panic() {
    let mut paths = Vec::new();
    files(&fixture_root(), &mut paths);
    for p in paths {
        let Some(language) = rampart_syntax::detect_language(&p, None) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        for end in (0..text.len())
            .step_by(17)
            .filter(|i| text.is_char_boundary(*i))
        {
            let prefix = &text[..end];
            let file = SourceFile::from_text("case", language, prefix);
            let Ok(parsed) = rampart_syntax::parse(language, prefix) else {
                continue;
            };
            let m = AppModel::build(vec![extract(&FileContext::new(
                &file,
                &parsed.tree,
                &ProjectSettings::default(),
            ))]);
            check(&m);
        }
    }
}
