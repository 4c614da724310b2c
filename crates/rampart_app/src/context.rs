//! Exploitability context for taint findings: the route a finding's input enters through,
//! whether that route requires authentication, and severity and confidence adjusted to it.

use crate::model::{AppModel, Route};
use rampart_core::{AuthState, Confidence, Context, Finding, Reachability};

/// The innermost route whose handler contains `line` of `path`.
fn route_at<'m>(model: &'m AppModel, path: &str, line: u32) -> Option<&'m Route> {
    model
        .routes
        .iter()
        .filter(|r| r.file == path)
        .filter_map(|r| r.handler_span.map(|s| (r, s)))
        .filter(|(_, s)| s.start_line <= line && line <= s.end_line)
        .min_by_key(|(_, s)| s.end_line - s.start_line)
        .map(|(r, _)| r)
}

/// Gives each finding of a rule `is_taint` accepts the context of the route its source is in.
/// From a public route confidence rises one step; from an authenticated route severity and
/// confidence drop one step. A source in no handler, in an application whose entry points are
/// known, is marked not reachable (and hidden by `--reachable-only`).
pub fn contextualize(model: &AppModel, findings: &mut [Finding], is_taint: impl Fn(&str) -> bool) {
    for f in findings.iter_mut().filter(|f| is_taint(&f.rule_id)) {
        let source = f.trace.first().map_or(&f.location, |s| &s.location);
        let Some(route) = route_at(model, &source.path, source.span.start_line) else {
            // Not lowered: a helper that reads the request may still be called from a route
            // the dataflow analysis did not connect it to.
            if f.context.is_none() && knows_entry_points(model, &source.path) {
                f.context = Some(Context {
                    entry_point: None,
                    method: None,
                    route: None,
                    parameter: None,
                    auth: AuthState::Unknown,
                    reachability: Reachability::NotReachable,
                });
            }
            continue;
        };
        let source_text = f.trace.first().map_or("", |s| s.message.as_str());
        let parameter = route
            .params
            .iter()
            .find(|p| source_text.contains(p.name.as_str()))
            .map(|p| format!("{} ({})", p.name, p.source));
        let reachability = match route.auth {
            AuthState::Required => Reachability::AuthenticatedRoute,
            AuthState::Public => Reachability::PublicRoute,
            AuthState::Unknown => Reachability::Unknown,
        };
        match reachability {
            Reachability::AuthenticatedRoute => {
                f.severity = f.severity.lowered();
                f.confidence = f.confidence.lowered();
            }
            Reachability::PublicRoute => {
                f.confidence = match f.confidence {
                    Confidence::Low => Confidence::Medium,
                    _ => Confidence::High,
                };
            }
            _ => {}
        }
        let entry_point = f
            .context
            .as_ref()
            .and_then(|c| c.entry_point.clone())
            .unwrap_or_else(|| route.handler.clone());
        f.context = Some(Context {
            entry_point: Some(entry_point),
            method: Some(route.methods.join("|")),
            route: Some(route.path.clone()),
            parameter,
            auth: route.auth,
            reachability,
        });
    }
}

/// Whether the model has routes in `path`'s language, so that a flow outside every handler
/// (and not traced to one by the dataflow analysis) is reachable from no known entry point.
fn knows_entry_points(model: &AppModel, path: &str) -> bool {
    let ext = |p: &str| match p.rsplit('.').next().unwrap_or("") {
        "py" => "python",
        "js" | "jsx" | "mjs" | "cjs" | "ts" | "tsx" | "mts" | "cts" => "js",
        "java" => "java",
        _ => "other",
    };
    let want = ext(path);
    want != "other" && model.routes.iter().any(|r| ext(&r.file) == want)
}

/// Whether a finding is reached from an entry point (for `--reachable-only`): findings without
/// a dataflow trace always are; taint findings need a route or a handler registration.
pub fn is_reachable(f: &Finding) -> bool {
    if f.trace.is_empty() {
        return true;
    }
    f.context.as_ref().is_some_and(|c| {
        c.reachability != Reachability::NotReachable
            && (c.entry_point.is_some() || c.route.is_some())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::model;
    use rampart_core::{Location, Severity, Span, TraceStep};

    fn finding(path: &str, line: u32) -> Finding {
        static RULE: rampart_core::RuleMeta = rampart_core::RuleMeta {
            id: "sql-injection",
            name: "SqlInjection",
            cwe: 89,
            other_cwes: &[],
            severity: Severity::High,
            languages: &[],
            status: rampart_core::RuleStatus::Stable,
            summary: "",
            help: "",
            docs: "",
        };
        let loc = Location {
            path: path.into(),
            span: Span {
                start_line: line,
                start_col: 1,
                end_line: line,
                end_col: 2,
                start_byte: 0,
                end_byte: 1,
            },
        };
        Finding::builder(&RULE, loc.clone(), "m")
            .confidence(Confidence::Medium)
            .trace(vec![TraceStep {
                location: loc,
                message: "`request.args.get(\"q\")`".into(),
            }])
            .build()
    }

    #[test]
    fn public_and_authenticated_routes() {
        let code = r#"from flask import Flask, request
app = Flask(__name__)

@app.route("/search")
def search():
    q = request.args.get("q")
    return db.execute(q)

@app.route("/admin/search")
@login_required
def admin_search():
    q = request.args.get("q")
    return db.execute(q)
"#;
        let m = model(&[("app.py", code)]);
        let mut fs = vec![finding("app.py", 6), finding("app.py", 12)];
        contextualize(&m, &mut fs, |_| true);
        let c0 = fs[0].context.as_ref().unwrap();
        assert_eq!(c0.reachability, Reachability::PublicRoute);
        assert_eq!(c0.route.as_deref(), Some("/search"));
        assert_eq!(c0.parameter.as_deref(), Some("q (query)"));
        assert_eq!(fs[0].confidence, Confidence::High);
        let c1 = fs[1].context.as_ref().unwrap();
        assert_eq!(c1.reachability, Reachability::AuthenticatedRoute);
        assert_eq!(fs[1].severity, Severity::Medium);
        assert_eq!(fs[1].confidence, Confidence::Low);
    }
}
