//! The Terraform fixture suite: modules of several files, each file with the rules it must (and
//! only must) trigger. All fixture modules are checked in one run, as a scan would.

use super::{check, Model};
use rampart_core::Language;
use rampart_syntax::SourceFile;
use std::collections::BTreeSet;
use std::path::Path;

const EXPECTED: &[(&str, &[&str])] = &[
    ("aws-app-insecure/variables.tf", &["tf-hardcoded-password"]),
    ("aws-app-insecure/locals.tf", &[]),
    (
        "aws-app-insecure/main.tf",
        &["tf-hardcoded-provider-credentials"],
    ),
    (
        "aws-app-insecure/s3.tf",
        &[
            "tf-s3-public-access",
            "tf-s3-no-public-access-block",
            "tf-s3-unencrypted",
        ],
    ),
    (
        "aws-app-insecure/rds.tf",
        &["tf-rds-public", "tf-rds-unencrypted"],
    ),
    (
        "aws-app-insecure/security_groups.tf",
        &["tf-open-security-group"],
    ),
    (
        "aws-app-insecure/iam.tf",
        &[
            "tf-iam-wildcard",
            "tf-iam-trust-any-principal",
            "tf-iam-passrole-wildcard",
            "tf-kms-rotation-disabled",
        ],
    ),
    (
        "aws-app-insecure/monitoring.tf",
        &[
            "tf-cloudtrail-disabled",
            "tf-unencrypted-storage",
            "tf-eks-public-endpoint",
        ],
    ),
    ("aws-app-secure/variables.tf", &[]),
    ("aws-app-secure/locals.tf", &[]),
    ("aws-app-secure/main.tf", &[]),
    ("aws-app-secure/s3.tf", &[]),
    ("aws-app-secure/rds.tf", &[]),
    ("aws-app-secure/security_groups.tf", &[]),
    ("aws-app-secure/iam.tf", &[]),
    ("aws-app-secure/monitoring.tf", &[]),
    (
        "gcp-insecure/main.tf",
        &[
            "tf-gcs-public-bucket",
            "tf-firewall-open-to-world",
            "tf-sql-public-ip",
            "tf-sql-no-ssl",
        ],
    ),
    ("gcp-secure/main.tf", &[]),
    (
        "azure-insecure/main.tf",
        &[
            "tf-azure-storage-public",
            "tf-storage-http-allowed",
            "tf-firewall-open-to-world",
            "tf-sql-no-ssl",
            "tf-sql-public-ip",
            "tf-hardcoded-password",
        ],
    ),
    ("azure-secure/main.tf", &[]),
    (
        "aws-modules-insecure/main.tf",
        &[
            "tf-rds-public",
            "tf-hardcoded-password",
            "tf-s3-public-access",
            "tf-s3-no-public-access-block",
            "tf-eks-public-endpoint",
            "tf-open-security-group",
        ],
    ),
    ("aws-modules-secure/main.tf", &[]),
    ("app-with-modules/main.tf", &[]),
    (
        "app-with-modules/modules/database/main.tf",
        &["tf-rds-public", "tf-open-security-group"],
    ),
    ("app-with-modules/modules/database/variables.tf", &[]),
];

#[test]
fn fixture_suite() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/iac/terraform");
    let models: Vec<Model> = EXPECTED
        .iter()
        .map(|(rel, _)| {
            let text = std::fs::read_to_string(root.join(rel)).expect("fixture exists");
            let file = SourceFile::from_text(rel, Language::Terraform, &text);
            let parsed = rampart_syntax::parse(Language::Terraform, &file.text).expect("parses");
            assert_eq!(parsed.first_error_line, None, "{rel} has a syntax error");
            Model::build(&file, &parsed.tree)
        })
        .collect();
    let refs: Vec<&Model> = models.iter().collect();
    let mut out = Vec::new();
    check(&refs, &mut out);

    let (mut expected_total, mut found, mut false_positives) = (0, 0, 0);
    let mut problems = Vec::new();
    for (rel, expected) in EXPECTED {
        let got: BTreeSet<&str> = out
            .iter()
            .filter(|f| f.location.path == *rel)
            .map(|f| f.rule_id.as_str())
            .collect();
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
    println!(
        "terraform fixtures: recall {found}/{expected_total}, false positives {false_positives}"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Checks stay linear: a thousand files (in one module, the worst case for cross-resource
/// lookups) are modelled and checked well within the scan budget even in a debug build.
#[test]
fn a_thousand_files_scan_quickly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/iac/terraform");
    let texts: Vec<String> = EXPECTED
        .iter()
        .map(|(rel, _)| std::fs::read_to_string(root.join(rel)).expect("fixture exists"))
        .collect();
    let started = std::time::Instant::now();
    let models: Vec<Model> = (0..1000)
        .map(|i| {
            let text = &texts[i % texts.len()];
            let file =
                SourceFile::from_text(&format!("infra/file{i}.tf"), Language::Terraform, text);
            let parsed = rampart_syntax::parse(Language::Terraform, &file.text).expect("parses");
            Model::build(&file, &parsed.tree)
        })
        .collect();
    let refs: Vec<&Model> = models.iter().collect();
    let mut out = Vec::new();
    check(&refs, &mut out);
    let elapsed = started.elapsed();
    println!("1000 terraform files: {elapsed:?}, {} findings", out.len());
    assert!(!out.is_empty());
    assert!(elapsed.as_secs() < 10, "took {elapsed:?}");
}

/// Malformed input never panics: prefixes of every fixture (every third byte) are modelled and
/// checked.
#[test]
fn no_panic_on_any_prefix() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/iac/terraform");
    for (rel, _) in EXPECTED {
        let text = std::fs::read_to_string(root.join(rel)).expect("fixture exists");
        for end in (0..=text.len())
            .step_by(3)
            .filter(|i| text.is_char_boundary(*i))
        {
            let file = SourceFile::from_text(rel, Language::Terraform, &text[..end]);
            let Ok(parsed) = rampart_syntax::parse(Language::Terraform, &file.text) else {
                continue;
            };
            let model = Model::build(&file, &parsed.tree);
            let mut out = Vec::new();
            check(&[&model], &mut out);
        }
    }
}
