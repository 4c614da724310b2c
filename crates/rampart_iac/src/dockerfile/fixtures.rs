//! The Dockerfile fixture suite: every fixture with the rules it must (and only must) trigger.

use super::{check, Model};
use rampart_core::Language;
use rampart_syntax::SourceFile;
use std::collections::BTreeSet;
use std::path::Path;

const EXPECTED: &[(&str, &[&str])] = &[
    (
        "flask-insecure/Dockerfile",
        &[
            "docker-root-user",
            "docker-secret-in-env",
            "docker-tls-disabled",
            "docker-unpinned-packages",
            "docker-copy-secret-file",
            "docker-chmod-777",
        ],
    ),
    ("flask-secure/Dockerfile", &[]),
    (
        "node-multistage-insecure/Dockerfile",
        &[
            "docker-unpinned-base-image",
            "docker-secret-in-env",
            "docker-tls-disabled",
            "docker-copy-secret-file",
            "docker-unpinned-packages",
            "docker-curl-pipe-shell",
            "docker-sudo",
            "docker-add-remote",
            "docker-root-user",
            "docker-expose-ssh",
        ],
    ),
    ("node-multistage-secure/Dockerfile", &[]),
    (
        "go-heredoc-insecure/Dockerfile",
        &[
            "docker-unpinned-base-image",
            "docker-tls-disabled",
            "docker-curl-pipe-shell",
            "docker-unpinned-packages",
            "docker-secret-in-env",
            "docker-copy-secret-file",
            "docker-root-user",
            "docker-package-verification-disabled",
        ],
    ),
    ("go-distroless-secure/Dockerfile", &[]),
];

#[test]
fn fixture_suite() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/iac/docker");
    let (mut expected_total, mut found, mut false_positives) = (0, 0, 0);
    let mut problems = Vec::new();
    for (rel, expected) in EXPECTED {
        let text = std::fs::read_to_string(root.join(rel)).expect("fixture exists");
        let file = SourceFile::from_text(rel, Language::Dockerfile, &text);
        let parsed = rampart_syntax::parse(Language::Dockerfile, &file.text).expect("parses");
        let model = Model::build(&file, &parsed.tree);
        let mut out = Vec::new();
        check(&[&model], &mut out);
        let got: BTreeSet<&str> = out.iter().map(|f| f.rule_id.as_str()).collect();
        let want: BTreeSet<&str> = expected.iter().copied().collect();
        expected_total += want.len();
        found += want.intersection(&got).count();
        false_positives += got.difference(&want).count();
        if got != want {
            problems.push(format!(
                "{rel}: missing {:?}, unexpected {:?}",
                want.difference(&got).collect::<Vec<_>>(),
                got.difference(&want).collect::<Vec<_>>()
            ));
        }
    }
    println!("docker fixtures: recall {found}/{expected_total}, false positives {false_positives}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Malformed input never panics: prefixes of every fixture (every third byte) are modelled and
/// checked.
#[test]
fn no_panic_on_any_prefix() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/iac/docker");
    for (rel, _) in EXPECTED {
        let text = std::fs::read_to_string(root.join(rel)).expect("fixture exists");
        for end in (0..=text.len())
            .step_by(3)
            .filter(|i| text.is_char_boundary(*i))
        {
            let file = SourceFile::from_text(rel, Language::Dockerfile, &text[..end]);
            let Ok(parsed) = rampart_syntax::parse(Language::Dockerfile, &file.text) else {
                continue;
            };
            let model = Model::build(&file, &parsed.tree);
            let mut out = Vec::new();
            check(&[&model], &mut out);
        }
    }
}
