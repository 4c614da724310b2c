//! End-to-end tests: the built binary on fixture projects.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crate is two levels below the repo root")
        .to_path_buf()
}

fn rampart(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rampart"))
        .args(args)
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .output()
        .expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Output with the parts that vary between machines and runs replaced.
fn stable(text: &str) -> String {
    let time = regex::Regex::new(r"in \d+(\.\d+)?(ms|s)").expect("regex");
    let uri = regex::Regex::new(r#""file://[^"]*""#).expect("regex");
    let version =
        regex::Regex::new(r#""(semanticVersion|version)": "\d+\.\d+\.\d+""#).expect("regex");
    let text = time.replace_all(text, "in <time>");
    let text = uri.replace_all(&text, "\"file://<root>/\"");
    version
        .replace_all(&text, "\"$1\": \"<version>\"")
        .into_owned()
}

const BASIC: &str = "tests/fixtures/e2e/basic";

#[test]
fn text_report_snapshot() {
    let out = rampart(&["scan", BASIC]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    insta::assert_snapshot!("basic_text", stable(&stdout(&out)));
}

#[test]
fn json_report_snapshot() {
    let out = rampart(&["scan", BASIC, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    assert!(json["findings"].as_array().is_some_and(|f| !f.is_empty()));
    insta::assert_snapshot!("basic_json", stable(&stdout(&out)));
}

#[test]
fn sarif_report_snapshot_and_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let report = dir.path().join("out.sarif");
    let report_arg = report.to_str().expect("utf-8 path");
    let out = rampart(&["scan", BASIC, "--format", "sarif", "--output", report_arg]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = std::fs::read_to_string(&report).expect("report written");
    let sarif: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    validate_sarif(&sarif);
    insta::assert_snapshot!("basic_sarif", stable(&text));
}

fn validate_sarif(sarif: &serde_json::Value) {
    // The official SARIF 2.1.0 schema, kept in the repository so a fresh clone validates on its
    // own; when the team's shared copy sits beside the repository, the two must agree.
    let schema_path = repo_root().join("tests/schemas/sarif-schema-2.1.0.json");
    let schema_text = std::fs::read_to_string(&schema_path)
        .unwrap_or_else(|e| panic!("the SARIF schema must be at {}: {e}", schema_path.display()));
    let shared = repo_root().join("../shared/schemas/sarif-schema-2.1.0.json");
    if let Ok(shared_text) = std::fs::read_to_string(&shared) {
        assert_eq!(
            schema_text,
            shared_text,
            "tests/schemas differs from {}",
            shared.display()
        );
    }
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
}

#[test]
fn example_app_has_findings_in_every_language() {
    let out = rampart(&["scan", "examples/vulnerable-app", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    let findings = json["findings"].as_array().expect("findings");
    for path in [
        "api/app.py",
        "web/server.js",
        "service/src/main/java/com/example/demo/ReportController.java",
        "Dockerfile",
        "infra/main.tf",
        ".github/workflows/ci.yml",
    ] {
        assert!(
            findings.iter().any(|f| f["path"] == path),
            "no finding in {path}"
        );
    }
    let sarif_out = rampart(&["scan", "examples/vulnerable-app", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&sarif_out)).expect("valid JSON");
    validate_sarif(&sarif);
}

#[test]
fn fail_on_controls_the_exit_code() {
    assert_eq!(
        rampart(&["scan", BASIC, "--fail-on", "none"]).status.code(),
        Some(0)
    );
    assert_eq!(
        rampart(&["scan", BASIC, "--fail-on", "critical"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        rampart(&["scan", BASIC, "--fail-on", "low"]).status.code(),
        Some(1)
    );
    let bad = rampart(&["scan", BASIC, "--fail-on", "sometimes"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("sometimes"), "{}", stderr(&bad));
}

#[test]
fn usage_and_io_errors_exit_2() {
    let out = rampart(&["scan", "does/not/exist"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does/not/exist"), "{}", stderr(&out));
    assert_eq!(
        rampart(&["scan", "--format", "xml", BASIC]).status.code(),
        Some(2)
    );
    let out = rampart(&["explain", "no-such-rule"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_config_names_the_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("rampart.toml"),
        "select = [\"weak-hash\"]\nfail-on = 3\n",
    )
    .expect("write config");
    std::fs::write(dir.path().join("a.py"), "x = 1\n").expect("write file");
    let out = rampart(&["scan", dir.path().to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("rampart.toml") && err.contains("line 2"),
        "{err}"
    );
}

#[test]
fn config_selects_ignores_and_overrides() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("pyproject.toml"),
        "[project]\nname = \"x\"\n\n[tool.rampart]\nignore = [\"weak-hash\"]\n",
    )
    .expect("write config");
    std::fs::write(
        dir.path().join("a.py"),
        "import hashlib\n\ndef f(password):\n    return hashlib.md5(password.encode()).hexdigest()\n",
    )
    .expect("write file");
    let out = rampart(&[
        "scan",
        dir.path().to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert!(
        json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["rule_id"] != "weak-hash"),
        "{}",
        stdout(&out)
    );
    let out = rampart(&[
        "scan",
        dir.path().to_str().expect("utf-8"),
        "--ignore",
        "no-such-rule",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn suppressions_apply_and_rot_is_reported() {
    let out = rampart(&["scan", BASIC, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let findings = json["findings"].as_array().expect("findings");
    let at = |line: u64, rule: &str| {
        findings
            .iter()
            .any(|f| f["path"] == "src/app.py" && f["start_line"] == line && f["rule_id"] == rule)
    };
    // Suppressed with a reason: gone, and nothing reported about the comment.
    assert!(!at(22, "weak-hash") && !at(22, "invalid-suppression"));
    // Suppressed without a reason: the finding is gone, the comment is reported.
    assert!(!at(18, "weak-hash") && at(18, "invalid-suppression"));
    // Suppresses nothing: reported.
    assert!(at(26, "invalid-suppression"));
}

#[test]
fn bad_files_are_notes_not_crashes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::write(root.join("big.py"), "x = 1\n".repeat(300_000)).expect("write");
    std::fs::write(
        root.join("bundle.js"),
        format!("var a={};\n", "1+".repeat(200_000) + "1"),
    )
    .expect("write");
    std::fs::write(root.join("blob.py"), [0u8, 159, 146, 150, 0, 1]).expect("write");
    std::fs::write(
        root.join("latin1.py"),
        [b'x', b'=', b'"', 0xe9, b'"', b'\n'],
    )
    .expect("write");
    std::fs::write(
        root.join("broken.py"),
        "def f(:\n    return hashlib.md5(password)\n",
    )
    .expect("write");
    std::fs::write(
        root.join("ok.py"),
        "import hashlib\nh = hashlib.md5(password.encode())\n",
    )
    .expect("write");
    let out = rampart(&["scan", root.to_str().expect("utf-8"), "--format", "json"]);
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{}",
        stderr(&out)
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let notes = json["notes"].as_array().expect("notes");
    for (path, needle) in [
        ("big.py", "limit"),
        ("bundle.js", "minified"),
        ("blob.py", "binary"),
        ("latin1.py", "UTF-8"),
        ("broken.py", "syntax error"),
    ] {
        assert!(
            notes
                .iter()
                .any(|n| n["path"] == path
                    && n["message"].as_str().is_some_and(|m| m.contains(needle))),
            "no note for {path}: {notes:?}"
        );
    }
    let limited = rampart(&[
        "scan",
        root.to_str().expect("utf-8"),
        "--max-file-size",
        "10",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&limited)).expect("json");
    assert!(json["findings"].as_array().expect("findings").is_empty());
}

#[test]
fn findings_in_test_code_are_hidden_unless_asked_for() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("tests")).expect("mkdir");
    let weak = "import hashlib\n\ndef digest(password):\n    return hashlib.md5(password.encode()).hexdigest()\n";
    std::fs::write(root.join("app.py"), weak).expect("write");
    std::fs::write(
        root.join("tests/test_app.py"),
        format!("{weak}\ndef test_digest():\n    assert digest('x')\n\nAWS_KEY = \"AKIAIOSFODNN7EXAMPL3\"\n"),
    )
    .expect("write");
    // An app that merely lives under tests/ (no test framework) is still scanned.
    std::fs::write(root.join("tests/sample_app.py"), weak).expect("write");
    let scan = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["scan", root.to_str().expect("utf-8"), "--format", "json"];
        args.extend_from_slice(extra);
        serde_json::from_str(&stdout(&rampart(&args))).expect("json")
    };
    let found = |json: &serde_json::Value| -> Vec<(String, String)> {
        json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap_or("").to_string(),
                    f["rule_id"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let default = scan(&[]);
    let paths = found(&default);
    assert!(
        paths.contains(&("app.py".into(), "weak-hash".into())),
        "{paths:?}"
    );
    assert!(
        paths.contains(&("tests/sample_app.py".into(), "weak-hash".into())),
        "{paths:?}"
    );
    assert!(
        !paths.contains(&("tests/test_app.py".into(), "weak-hash".into())),
        "{paths:?}"
    );
    // A leaked credential is reported in tests too.
    assert!(
        paths.contains(&("tests/test_app.py".into(), "hardcoded-secret".into())),
        "{paths:?}"
    );
    let notes = default["notes"].as_array().expect("notes");
    assert!(
        notes.iter().any(|n| n["kind"] == "hidden"
            && n["message"]
                .as_str()
                .is_some_and(|m| m.contains("1 finding in test code"))),
        "{notes:?}"
    );
    let all = found(&scan(&["--include-tests"]));
    assert!(
        all.contains(&("tests/test_app.py".into(), "weak-hash".into())),
        "{all:?}"
    );
}

#[test]
fn exclude_and_rampartignore() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("vendor")).expect("mkdir");
    std::fs::create_dir_all(root.join("gen")).expect("mkdir");
    let bad = "import hashlib\n\ndef f(password):\n    return hashlib.md5(password.encode()).hexdigest()\n";
    std::fs::write(root.join("vendor/a.py"), bad).expect("write");
    std::fs::write(root.join("gen/b.py"), bad).expect("write");
    std::fs::write(root.join("c.py"), bad).expect("write");
    std::fs::write(root.join(".rampartignore"), "gen/\n").expect("write");
    let out = rampart(&[
        "scan",
        root.to_str().expect("utf-8"),
        "--exclude",
        "vendor/**",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let paths: Vec<&str> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert!(paths.contains(&"c.py"), "{paths:?}");
    assert!(
        !paths
            .iter()
            .any(|p| p.starts_with("vendor") || p.starts_with("gen")),
        "{paths:?}"
    );
}

#[test]
fn rules_explain_and_docs_are_current() {
    let out = rampart(&["rules"]);
    assert_eq!(out.status.code(), Some(0));
    for id in [
        "weak-hash",
        "weak-cipher",
        "weak-random",
        "hardcoded-secret",
        "tls-verification-disabled",
        "insecure-cookie",
    ] {
        assert!(stdout(&out).contains(id), "rules lacks {id}");
    }
    let out = rampart(&["explain", "weak-hash"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("## What it does"));
    let out = rampart(&["docs", "--check", "--out", "docs/rules"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "docs/rules is stale: run `cargo run -- docs`\n{}",
        stderr(&out)
    );
}
