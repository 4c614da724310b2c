//! Snapshot tests of the three reporters on hand-built findings over real files, and validation
//! of the SARIF output against the official 2.1.0 schema.

use rampart_core::{
    declare_rule, AuthState, Confidence, Context, Finding, Location, Reachability, RuleMeta,
    Severity, Span, TraceStep,
};
use rampart_report::{Note, NoteKind, ScanReport, ScanStats};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

declare_rule! {
    /// ## What it does
    /// Finds SQL queries built from untrusted input.
    ///
    /// ## Why is this bad
    /// An attacker can change the meaning of the query.
    ///
    /// ## Example
    /// ```python
    /// cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    /// ```
    ///
    /// ## Fix
    /// Pass values as query parameters.
    ///
    /// ## References
    /// - [CWE-89](https://cwe.mitre.org/data/definitions/89.html)
    pub static SQL_INJECTION = {
        id: "sql-injection",
        name: "SqlInjection",
        cwe: 89,
        severity: High,
        languages: [Python],
        summary: "SQL query built from untrusted input",
        help: "Use a parameterized query: `cursor.execute(\"... WHERE name = %s\", (name,))`",
    }
}

declare_rule! {
    /// ## What it does
    /// Finds broken hash functions.
    pub static WEAK_HASH = {
        id: "weak-hash",
        name: "WeakHash",
        cwe: 328,
        other_cwes: [916],
        severity: Medium,
        languages: [Python],
        summary: "Broken or weak hash function",
        help: "Use SHA-256 for integrity and argon2/bcrypt/scrypt for passwords",
    }
}

declare_rule! {
    /// ## What it does
    /// Finds untrusted input written into HTML responses.
    pub static XSS = {
        id: "xss",
        name: "CrossSiteScripting",
        cwe: 79,
        severity: High,
        languages: [JavaScript],
        status: Preview,
        summary: "Untrusted input reflected in HTML",
        help: "Escape the value or render it through a template that escapes by default",
    }
}

declare_rule! {
    /// ## What it does
    /// Finds credentials written into source code.
    pub static HARDCODED_SECRET = {
        id: "hardcoded-secret",
        name: "HardcodedSecret",
        cwe: 798,
        severity: Critical,
        languages: [Python],
        summary: "Credential hard-coded in source",
        help: "Read the credential from the environment or a secret manager",
    }
}

const APP_PY: &str = r#"from flask import Flask, request
import sqlite3

app = Flask(__name__)

@app.route("/users")
def search_users():
    name = request.args.get("name")
    query = f"SELECT * FROM users WHERE name = '{name}'"
    conn = sqlite3.connect("app.db")
    rows = conn.execute(query).fetchall()
    return {"users": rows}
"#;

const CRYPTO_PY: &str = "import hashlib\n\nSTRIPE_KEY = \"sk_live_51HxQ2eKz9aBcDeFgHiJ\"\n\ndef hash_password(password):\n    return hashlib.md5(password.encode()).hexdigest()\n";

const VIEWS_JS: &str = "// Grüße 👋 from the greeting service\napp.get('/hi', (req, res) => {\n\tconst note = 'naïve café'; res.send('<h1>Héllo ' + req.query.name + '</h1>');\n});\n";

fn span(start_line: u32, start_col: u32, end_line: u32, end_col: u32) -> Span {
    Span {
        start_line,
        start_col,
        end_line,
        end_col,
        start_byte: 0,
        end_byte: 0,
    }
}

fn loc(path: &str, span: Span) -> Location {
    Location {
        path: path.to_string(),
        span,
    }
}

struct Fixture {
    dir: tempfile::TempDir,
    findings: Vec<Finding>,
    notes: Vec<Note>,
    rules: Vec<&'static RuleMeta>,
    stats: ScanStats,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join("src")).expect("mkdir");
        std::fs::write(dir.path().join("src/app.py"), APP_PY).expect("write");
        std::fs::write(dir.path().join("src/crypto.py"), CRYPTO_PY).expect("write");
        std::fs::write(dir.path().join("src/views.js"), VIEWS_JS).expect("write");

        let sqli = Finding::builder(
            &SQL_INJECTION,
            loc("src/app.py", span(11, 12, 11, 31)),
            "`request.args.get(\"name\")` reaches `conn.execute(query)` through `query`",
        )
        .confidence(Confidence::High)
        .trace(vec![
            TraceStep {
                location: loc("src/app.py", span(8, 12, 8, 37)),
                message: "source: `name = request.args.get(\"name\")` (HTTP query parameter)"
                    .into(),
            },
            TraceStep {
                location: loc("src/app.py", span(9, 13, 9, 57)),
                message: "`query` is an f-string containing `name`".into(),
            },
            TraceStep {
                location: loc("src/app.py", span(11, 12, 11, 31)),
                message: "sink: `conn.execute(query)` runs SQL".into(),
            },
        ])
        .context(Context {
            entry_point: Some("search_users".into()),
            method: Some("GET".into()),
            route: Some("/users".into()),
            parameter: Some("name".into()),
            auth: AuthState::Public,
            reachability: Reachability::PublicRoute,
        })
        .scope("search_users")
        .anchor("conn.execute(query)")
        .source("request.args.get(\"name\")")
        .build();

        let secret = Finding::builder(
            &HARDCODED_SECRET,
            loc("src/crypto.py", span(3, 14, 3, 44)),
            "`STRIPE_KEY` holds a Stripe live secret key (`sk_live_…`)",
        )
        .scope("crypto")
        .anchor("STRIPE_KEY")
        .build();

        let hash = Finding::builder(
            &WEAK_HASH,
            loc("src/crypto.py", span(6, 12, 6, 42)),
            "`hashlib.md5(password.encode())` hashes a password with MD5",
        )
        .cwe(916)
        .confidence(Confidence::Medium)
        .scope("hash_password")
        .anchor("hashlib.md5(password.encode())")
        .build();

        // Columns count characters; the line starts with a tab and holds multi-byte text.
        let xss = Finding::builder(
            &XSS,
            loc("src/views.js", span(3, 29, 3, 80)),
            "`req.query.name` is written into HTML by `res.send`",
        )
        .severity(Severity::Medium)
        .confidence(Confidence::Low)
        .scope("GET /hi")
        .anchor("res.send('<h1>Héllo ' + req.query.name + '</h1>')")
        .build();

        // The file is gone by the time the report is written.
        let gone = Finding::builder(
            &WEAK_HASH,
            loc("src/deleted.py", span(4, 5, 4, 20)),
            "`hashlib.sha1(data)` uses SHA-1, a broken hash",
        )
        .severity(Severity::Low)
        .anchor("hashlib.sha1(data)")
        .build();

        Fixture {
            dir,
            findings: vec![sqli, secret, hash, gone, xss],
            notes: vec![
                Note {
                    path: Some("static/bundle.min.js".into()),
                    kind: NoteKind::Skipped,
                    message: "minified file (average line length over 500 characters)".into(),
                },
                Note {
                    path: Some("src/broken.py".into()),
                    kind: NoteKind::ParseError,
                    message: "syntax error at line 3; analyzed as far as the parser recovered"
                        .into(),
                },
                Note {
                    path: None,
                    kind: NoteKind::Budget,
                    message: "taint analysis stopped after 10,000 steps in `huge_function`".into(),
                },
            ],
            rules: vec![&SQL_INJECTION, &WEAK_HASH, &XSS, &HARDCODED_SECRET],
            stats: ScanStats {
                files_scanned: 3,
                files_skipped: 1,
                lines: 1234,
                duration: std::time::Duration::ZERO,
            },
        }
    }

    fn report(&self) -> ScanReport<'_> {
        ScanReport {
            root: self.dir.path(),
            findings: &self.findings,
            notes: &self.notes,
            rules: &self.rules,
            stats: &self.stats,
            tool_version: "0.1.0",
        }
    }

    /// The SARIF root URI depends on where the temp dir is; snapshots hold a placeholder.
    fn stable(&self, text: &str) -> String {
        let sarif: serde_json::Value = serde_json::from_str(text).expect("SARIF is JSON");
        let root = sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .expect("root uri")
            .to_string();
        assert!(
            root.starts_with("file:///") && root.ends_with('/'),
            "{root}"
        );
        text.replace(&root, "file:///<root>/")
    }
}

#[test]
fn text_report() {
    let fx = Fixture::new();
    insta::assert_snapshot!("text", rampart_report::text::render(&fx.report(), false));
}

#[test]
fn text_report_in_color_has_escapes_only_when_asked() {
    let fx = Fixture::new();
    let colored = rampart_report::text::render(&fx.report(), true);
    assert!(colored.contains('\u{1b}'));
    let plain = rampart_report::text::render(&fx.report(), false);
    assert!(!plain.contains('\u{1b}'));
}

#[test]
fn text_report_without_findings() {
    let fx = Fixture::new();
    let stats = ScanStats {
        files_scanned: 1,
        files_skipped: 0,
        lines: 1,
        duration: std::time::Duration::from_millis(420),
    };
    let report = ScanReport {
        findings: &[],
        notes: &[],
        stats: &stats,
        ..fx.report()
    };
    assert_eq!(
        rampart_report::text::render(&report, false),
        "Scanned 1 file (1 line) in 0.42s: no findings\n"
    );
}

#[test]
fn secrets_are_never_printed_in_full() {
    let fx = Fixture::new();
    let report = fx.report();
    for out in [
        rampart_report::text::render(&report, false),
        rampart_report::text::render(&report, true),
        rampart_report::json::render(&report),
        rampart_report::sarif::render(&report),
    ] {
        assert!(!out.contains("sk_live_51HxQ2eKz9aBcDeFgHiJ"), "{out}");
    }
}

#[test]
fn json_report() {
    let fx = Fixture::new();
    insta::assert_snapshot!("json", rampart_report::json::render(&fx.report()));
}

#[test]
fn sarif_report() {
    let fx = Fixture::new();
    let out = rampart_report::sarif::render(&fx.report());
    insta::assert_snapshot!("sarif", fx.stable(&out));
}

/// The committed copy of the official schema (the e2e test checks it against the shared one).
fn schema_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/schemas/sarif-schema-2.1.0.json")
}

fn assert_valid_sarif(text: &str) {
    let path = schema_path();
    let schema_text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the SARIF 2.1.0 schema must be at {}: {e}", path.display()));
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let sarif: serde_json::Value = serde_json::from_str(text).expect("SARIF is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

#[test]
fn sarif_validates_against_the_schema() {
    let fx = Fixture::new();
    assert_valid_sarif(&rampart_report::sarif::render(&fx.report()));
    // The empty report and one whose findings use a rule that was not listed are valid too.
    let none = ScanReport {
        findings: &[],
        notes: &[],
        rules: &[],
        ..fx.report()
    };
    assert_valid_sarif(&rampart_report::sarif::render(&none));
    let unlisted = ScanReport {
        rules: &[],
        ..fx.report()
    };
    assert_valid_sarif(&rampart_report::sarif::render(&unlisted));
}

#[test]
fn sarif_points_every_result_at_its_rule() {
    let fx = Fixture::new();
    for rules in [fx.rules.clone(), Vec::new()] {
        let report = ScanReport {
            rules: &rules,
            ..fx.report()
        };
        let sarif: serde_json::Value =
            serde_json::from_str(&rampart_report::sarif::render(&report)).expect("JSON");
        let run = &sarif["runs"][0];
        let descriptors = run["tool"]["driver"]["rules"].as_array().expect("rules");
        for result in run["results"].as_array().expect("results") {
            let index = result["ruleIndex"].as_u64().expect("index") as usize;
            assert_eq!(descriptors[index]["id"], result["ruleId"]);
            // The exact CWE, also through the taxonomy reference.
            let taxon = &result["taxa"][0];
            let taxa = &run["taxonomies"][0]["taxa"];
            let cwe = format!("CWE-{}", taxon["id"].as_str().expect("id"));
            assert_eq!(result["properties"]["cwe"], cwe.as_str());
            assert_eq!(
                taxa[taxon["index"].as_u64().expect("index") as usize]["id"],
                taxon["id"]
            );
        }
        for descriptor in descriptors {
            for rel in descriptor["relationships"]
                .as_array()
                .expect("relationships")
            {
                let target = &rel["target"];
                let i = target["index"].as_u64().expect("index") as usize;
                assert_eq!(run["taxonomies"][0]["taxa"][i]["id"], target["id"]);
            }
        }
    }
}

/// Every key path the JSON report emits, as `a.b[].c`.
fn key_paths(value: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                out.insert(path.clone());
                key_paths(child, &path, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                key_paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn json_schema_doc_matches_the_output() {
    let doc_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/json-schema.md");
    let doc = std::fs::read_to_string(&doc_path).expect("docs/json-schema.md exists");
    let documented: BTreeSet<String> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    let fx = Fixture::new();
    let json: serde_json::Value =
        serde_json::from_str(&rampart_report::json::render(&fx.report())).expect("JSON");
    let mut emitted = BTreeSet::new();
    key_paths(&json, "", &mut emitted);
    let undocumented: Vec<_> = emitted.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "not in docs/json-schema.md: {undocumented:?}"
    );
    let stale: Vec<_> = documented.difference(&emitted).collect();
    assert!(stale.is_empty(), "documented but never emitted: {stale:?}");
}

#[test]
fn multi_line_spans_in_crlf_files_render_cleanly() {
    let fx = Fixture::new();
    let source =
        "def handler(event):\r\n    subprocess.run(\r\n        event[\"cmd\"], shell=True)\r\n";
    std::fs::write(fx.dir.path().join("src/lambda.py"), source).expect("write");
    let finding = Finding::builder(
        &SQL_INJECTION,
        loc("src/lambda.py", span(2, 5, 3, 35)),
        "`event[\"cmd\"]` reaches `subprocess.run`",
    )
    .build();
    let findings = [finding];
    let report = ScanReport {
        findings: &findings,
        notes: &[],
        ..fx.report()
    };
    let text = rampart_report::text::render(&report, false);
    assert!(!text.contains('\r'), "{text:?}");
    assert!(text.contains("2 | /     subprocess.run(\n"), "{text}");
    assert!(
        text.contains("3 | |         event[\"cmd\"], shell=True)\n"),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&rampart_report::json::render(&report)).expect("JSON");
    assert_eq!(
        json["findings"][0]["snippet"],
        "    subprocess.run(\n        event[\"cmd\"], shell=True)"
    );
}

#[test]
fn many_skipped_files_are_summarized_in_text() {
    let fx = Fixture::new();
    let notes: Vec<Note> = (0..25)
        .map(|i| Note {
            path: Some(format!("vendor/lib{i}.min.js")),
            kind: NoteKind::Skipped,
            message: "minified file".into(),
        })
        .collect();
    let report = ScanReport {
        findings: &[],
        notes: &notes,
        ..fx.report()
    };
    let text = rampart_report::text::render(&report, false);
    assert_eq!(text.matches("note[skipped]: vendor/").count(), 10, "{text}");
    assert!(text.contains("15 more skipped files"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&rampart_report::json::render(&report)).expect("JSON");
    assert_eq!(json["notes"].as_array().map(Vec::len), Some(25));
}

#[test]
fn awkward_spans_never_break_frames() {
    let fx = Fixture::new();
    let minified = format!(
        "var a={};eval(location.hash.slice(1));{}\n",
        "1+".repeat(3000) + "1",
        "b();".repeat(2000)
    );
    std::fs::write(fx.dir.path().join("src/bundle.js"), &minified).expect("write");
    let body: String = (0..300).map(|i| format!("    x{i} = {i}\n")).collect();
    std::fs::write(
        fx.dir.path().join("src/long.py"),
        format!("def handler(request):\n{body}    return x1\n"),
    )
    .expect("write");
    let eval_col = minified.find("eval").expect("eval") as u32 + 1;
    let cases = [
        ("src/bundle.js", span(1, eval_col, 1, eval_col + 32)),
        ("src/long.py", span(1, 1, 302, 14)),
        ("src/app.py", span(11, 12, 11, 12)),
        ("src/app.py", span(11, 200, 11, 300)),
        ("src/app.py", span(11, 31, 11, 12)),
        ("src/app.py", span(500, 1, 500, 9)),
        ("src/app.py", span(0, 0, 0, 0)),
    ];
    for (path, s) in cases {
        let findings = [Finding::builder(&XSS, loc(path, s), "`eval(location.hash)`").build()];
        let report = ScanReport {
            findings: &findings,
            notes: &[],
            ..fx.report()
        };
        let text = rampart_report::text::render(&report, false);
        assert!(text.contains("high[xss]"), "{text}");
        assert!(text.lines().count() < 20, "{path} {s:?}: {text}");
        assert!(
            text.lines().all(|l| l.chars().count() < 200),
            "{path} {s:?}: {text}"
        );
        assert_valid_sarif(&rampart_report::sarif::render(&report));
        let json = rampart_report::json::render(&report);
        assert!(json.len() < 4000, "{path} {s:?}: {json}");
    }
}
