//! Taint rules: untrusted input reaching a sink of one vulnerability class. The taint engine
//! (`rampart_dataflow`) finds the flows; each rule here is its metadata and documentation plus
//! the class it reports, and [`judge`] turns flows into findings.

pub mod code_injection;
pub mod command_injection;
pub mod ldap_injection;
pub mod log_injection;
pub mod nosql_injection;
pub mod open_redirect;
pub mod path_traversal;
pub mod sql_injection;
pub mod ssrf;
pub mod trust_boundary_violation;
pub mod unsafe_deserialization;
pub mod xpath_injection;
pub mod xss;
pub mod xxe;

#[cfg(test)]
mod fixtures;

use rampart_core::{AuthState, Confidence, Context, Finding, Reachability, RuleMeta};
use rampart_dataflow::TaintFlow;
use rampart_models::{SourceKind, VulnClass};

/// Every taint rule, with the vulnerability class it reports and what that class means in a
/// message.
pub static TAINT_RULES: &[(&RuleMeta, VulnClass, &str)] = &[
    (
        &sql_injection::SQL_INJECTION,
        VulnClass::Sql,
        sql_injection::EXPLANATION,
    ),
    (&xss::XSS, VulnClass::Xss, xss::EXPLANATION),
    (
        &log_injection::LOG_INJECTION,
        VulnClass::Log,
        log_injection::EXPLANATION,
    ),
    (
        &command_injection::COMMAND_INJECTION,
        VulnClass::Command,
        command_injection::EXPLANATION,
    ),
    (
        &path_traversal::PATH_TRAVERSAL,
        VulnClass::Path,
        path_traversal::EXPLANATION,
    ),
    (&ssrf::SSRF, VulnClass::Ssrf, ssrf::EXPLANATION),
    (
        &code_injection::CODE_INJECTION,
        VulnClass::Code,
        code_injection::EXPLANATION,
    ),
    (
        &open_redirect::OPEN_REDIRECT,
        VulnClass::Redirect,
        open_redirect::EXPLANATION,
    ),
    (
        &unsafe_deserialization::UNSAFE_DESERIALIZATION,
        VulnClass::Deserialization,
        unsafe_deserialization::EXPLANATION,
    ),
    (&xxe::XXE, VulnClass::Xxe, xxe::EXPLANATION),
    (
        &xpath_injection::XPATH_INJECTION,
        VulnClass::Xpath,
        xpath_injection::EXPLANATION,
    ),
    (
        &ldap_injection::LDAP_INJECTION,
        VulnClass::Ldap,
        ldap_injection::EXPLANATION,
    ),
    (
        &nosql_injection::NOSQL_INJECTION,
        VulnClass::Nosql,
        nosql_injection::EXPLANATION,
    ),
    (
        &trust_boundary_violation::TRUST_BOUNDARY_VIOLATION,
        VulnClass::TrustBoundary,
        trust_boundary_violation::EXPLANATION,
    ),
];

fn rule_for(class: VulnClass) -> Option<(&'static RuleMeta, &'static str)> {
    TAINT_RULES
        .iter()
        .find(|(_, c, _)| *c == class)
        .map(|(r, _, e)| (*r, *e))
}

/// Callees that evaluate code (CWE-95) rather than build it some other way (CWE-94).
fn evaluates_code(callee: &str) -> bool {
    let last = callee.rsplit('.').next().unwrap_or(callee);
    matches!(
        last,
        "eval"
            | "exec"
            | "Function"
            | "runInNewContext"
            | "runInThisContext"
            | "runInContext"
            | "compile"
            | "setTimeout"
            | "setInterval"
            | "literal_eval"
    ) || callee.starts_with("vm.")
}

/// Findings for taint flows. Only remote (HTTP) input is reported: environment variables,
/// files and command-line arguments are under the operator's control in the apps this targets.
pub fn judge(flows: &[TaintFlow]) -> Vec<Finding> {
    let mut out = Vec::new();
    for flow in flows {
        if flow.source.kind != SourceKind::Remote {
            continue;
        }
        let Some((rule, explanation)) = rule_for(flow.class) else {
            continue;
        };
        let message = format!(
            "`{}` flows into `{}` ({explanation})",
            flow.source.description, flow.sink.callee
        );
        let mut b = Finding::builder(rule, flow.sink.location.clone(), message)
            .trace(flow.steps.clone())
            .scope(flow.function.clone())
            .anchor(flow.sink.callee.clone())
            .source(flow.source.description.clone());
        if flow.class == VulnClass::Code && evaluates_code(&flow.sink.callee) {
            b = b.cwe(95);
        }
        if flow.through_unknown {
            b = b.confidence(Confidence::Medium);
        }
        if let Some(entry) = &flow.entry {
            b = b.context(Context {
                entry_point: Some(entry.clone()),
                method: None,
                route: None,
                parameter: None,
                auth: AuthState::Unknown,
                reachability: Reachability::Unknown,
            });
        }
        out.push(b.build());
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

#[cfg(test)]
pub(crate) mod testing {
    //! Runs the whole pipeline (parse, lower, analyze, judge) over snippets.

    use rampart_core::{Finding, Language};
    use rampart_models::Models;
    use rampart_syntax::{ProjectSettings, SourceFile};

    /// Framework models the cases rely on, so rule cases do not depend on the exact contents of
    /// the shipped model files (those are scored by the fixture test).
    const FRAMEWORKS: &str = r#"
[[sources]]
path = "flask.request.args"
[[sources]]
path = "flask.request.form"
[[sources]]
path = "flask.request.values"
[[sources]]
path = "flask.request.cookies"
[[sources]]
path = "flask.request.headers"
[[sources]]
path = "flask.request.get_json"
[[sources]]
path = "flask.request.json"
[[sources]]
path = "flask.request.data"
[[returns]]
path = "flask.Flask"
type = "flask.Flask"
[[noreturn]]
path = "flask.abort"
[[entries]]
decorator = "flask.Flask.route"
sources = "rest"
returns_sink = "xss"
[[sanitizers]]
path = "flask.jsonify"
classes = ["all"]
[[sanitizers]]
path = "flask.render_template"
classes = ["all"]
[[sanitizers]]
path = "markupsafe.escape"
classes = ["xss"]

[[sources]]
path = "express.Request.query"
[[sources]]
path = "express.Request.body"
[[sources]]
path = "express.Request.params"
[[sources]]
path = "express.Request.headers"
[[sources]]
path = "express.Request.cookies"
[[returns]]
path = "express"
type = "express.Application"
[[returns]]
path = "express.Router"
type = "express.Router"
[[entries]]
call = "express.Application.get"
callbacks = 1
param_types = ["express.Request", "express.Response", "express.NextFunction"]
[[entries]]
call = "express.Application.post"
callbacks = 1
param_types = ["express.Request", "express.Response", "express.NextFunction"]
[[entries]]
call = "express.Router.get"
callbacks = 1
param_types = ["express.Request", "express.Response", "express.NextFunction"]
[[entries]]
call = "express.Router.post"
callbacks = 1
param_types = ["express.Request", "express.Response", "express.NextFunction"]
[[sinks]]
path = "express.Response.send"
class = "xss"
args = [0]
[[sinks]]
path = "express.Response.redirect"
class = "redirect"
args = [0]
[[sanitizers]]
path = "escape-html"
classes = ["xss"]
[[sanitizers]]
path = "encodeURIComponent"
classes = ["xss", "redirect", "ssrf", "path", "command", "sql", "nosql", "ldap", "xpath"]
[[sanitizers]]
path = "String"
classes = ["nosql"]

[[sinks]]
path = "flask.redirect"
class = "redirect"
args = [0]
[[sinks]]
path = "requests.get"
class = "ssrf"
args = [0]
keywords = ["url"]
[[sinks]]
path = "axios.get"
class = "ssrf"
args = [0]
[[sinks]]
path = "fetch"
class = "ssrf"
args = [0]
[[returns]]
path = "logging.getLogger"
type = "logging.Logger"
[[sinks]]
path = "logging.Logger.info"
class = "log"
args = [0]
[[sinks]]
path = "console.log"
class = "log"
[[sinks]]
path = "lxml.etree.fromstring"
class = "xxe"
args = [0]
[[sinks]]
path = "*.xpath"
class = "xpath"
args = [0]
[[sinks]]
path = "ldap3.Connection.search"
class = "ldap"
args = [1]
keywords = ["search_filter"]
[[returns]]
path = "ldap3.Connection"
type = "ldap3.Connection"
[[sinks]]
path = "*.findOne"
class = "nosql"
args = [0]
[[sinks]]
path = "child_process.exec"
class = "command"
args = [0]
[[sinks]]
path = "fs.readFile"
class = "path"
args = [0]
[[sanitizers]]
path = "path.basename"
classes = ["path"]

[[entries]]
param_name = "request"
imports = "django"
param_types = ["django.http.HttpRequest"]
sources = "rest"
[[sources]]
path = "django.http.HttpRequest.GET"
[[sinks]]
path = "django.http.HttpResponse"
class = "xss"
args = [0]
"#;

    /// Findings of the rule `rule_id` over files written in one language: `(path, code)`.
    pub fn run(rule_id: &str, language: Language, files: &[(&str, &str)]) -> Vec<Finding> {
        let mut models = Models::builtin().expect("built-in models parse");
        models
            .add_text("test frameworks", FRAMEWORKS)
            .expect("test models parse");
        let mut modules = Vec::new();
        for (path, code) in files {
            let file = SourceFile::from_text(path, language, code);
            let parsed = rampart_syntax::parse(language, code).expect("case parses");
            modules.push(rampart_ir::lower(&file, &parsed.tree).expect("lowering"));
        }
        let analysis = rampart_dataflow::analyze(&modules, &models, &ProjectSettings::default());
        super::judge(&analysis.flows)
            .into_iter()
            .filter(|f| f.rule_id == rule_id)
            .collect()
    }

    /// Asserts each failing case yields a finding of `rule_id` and each passing case none.
    pub fn assert_cases(rule_id: &str, language: Language, fail: &[&str], pass: &[&str]) {
        let name = match language {
            Language::Python => "app.py",
            Language::TypeScript => "app.ts",
            Language::Tsx => "app.tsx",
            Language::Java => "App.java",
            Language::CSharp => "App.cs",
            Language::Go => "main.go",
            _ => "app.js",
        };
        for code in fail {
            let f = run(rule_id, language, &[(name, code)]);
            assert!(
                !f.is_empty(),
                "{rule_id}: expected a finding in {language} case:\n{code}"
            );
        }
        for code in pass {
            let f = run(rule_id, language, &[(name, code)]);
            assert!(
                f.is_empty(),
                "{rule_id}: expected no finding in {language} case:\n{code}\ngot: {:?}",
                f.iter().map(|f| &f.message).collect::<Vec<_>>()
            );
        }
    }
}
