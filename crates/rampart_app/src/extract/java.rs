//! Spring MVC/WebFlux controllers, method security annotations and Spring Security
//! `authorizeHttpRequests` rules.

use super::{short, span};
use crate::classify::{is_rate_limit_name, is_write_call};
use crate::model::{join_path, AccessRule, FileFacts, Route, RouteParam};
use rampart_core::Language;
use rampart_rules::ast;
use rampart_rules::FileContext;
use tree_sitter::Node;

struct Annotation<'t> {
    name: String,
    node: Node<'t>,
    /// Positional value and named values (`value`, `path`, `method`).
    args: Vec<(Option<String>, Node<'t>)>,
}

fn annotations<'t>(decl: Node<'t>, src: &str) -> Vec<Annotation<'t>> {
    let Some(mods) = ast::named_children(decl)
        .into_iter()
        .find(|c| c.kind() == "modifiers")
    else {
        return Vec::new();
    };
    ast::named_children(mods)
        .into_iter()
        .filter(|a| matches!(a.kind(), "annotation" | "marker_annotation"))
        .filter_map(|a| {
            let name = ast::text(a.child_by_field_name("name")?, src);
            let name = name.rsplit('.').next().unwrap_or(name).to_string();
            let mut args = Vec::new();
            if let Some(list) = a.child_by_field_name("arguments") {
                for arg in ast::named_children(list) {
                    if arg.kind() == "element_value_pair" {
                        if let (Some(k), Some(v)) = (
                            arg.child_by_field_name("key"),
                            arg.child_by_field_name("value"),
                        ) {
                            args.push((Some(ast::text(k, src).to_string()), v));
                        }
                    } else {
                        args.push((None, arg));
                    }
                }
            }
            Some(Annotation {
                name,
                node: a,
                args,
            })
        })
        .collect()
}

impl Annotation<'_> {
    fn paths(&self, src: &str) -> Vec<String> {
        self.args
            .iter()
            .filter(|(k, _)| k.is_none() || matches!(k.as_deref(), Some("value" | "path")))
            .flat_map(|(_, v)| super::strings_in(*v, src))
            .collect()
    }
}

const MAPPINGS: &[(&str, &str)] = &[
    ("GetMapping", "GET"),
    ("PostMapping", "POST"),
    ("PutMapping", "PUT"),
    ("PatchMapping", "PATCH"),
    ("DeleteMapping", "DELETE"),
    ("RequestMapping", "ANY"),
];
const AUTH_ANNOTATIONS: &[&str] = &["PreAuthorize", "Secured", "RolesAllowed", "PostAuthorize"];

pub fn extract(ctx: &FileContext<'_>, facts: &mut FileFacts) {
    let (file, src) = (ctx.file, ctx.src());
    for class in ctx.all_of_kind(&["class_declaration"]) {
        let class_ann = annotations(class, src);
        if !class_ann
            .iter()
            .any(|a| matches!(a.name.as_str(), "RestController" | "Controller"))
        {
            continue;
        }
        let class_name = class
            .child_by_field_name("name")
            .map(|n| ast::text(n, src))
            .unwrap_or("");
        let prefix = class_ann
            .iter()
            .find(|a| a.name == "RequestMapping")
            .and_then(|a| a.paths(src).into_iter().next())
            .unwrap_or_default();
        let Some(body) = class.child_by_field_name("body") else {
            continue;
        };
        for m in ast::named_children(body)
            .into_iter()
            .filter(|m| m.kind() == "method_declaration")
        {
            let ann = annotations(m, src);
            let Some((mapping, verb)) = ann.iter().find_map(|a| {
                MAPPINGS
                    .iter()
                    .find(|(n, _)| *n == a.name)
                    .map(|(_, v)| (a, *v))
            }) else {
                continue;
            };
            let name = m
                .child_by_field_name("name")
                .map(|n| ast::text(n, src))
                .unwrap_or("");
            let paths = mapping.paths(src);
            let sub = paths.first().cloned().unwrap_or_default();
            let mut r = Route::new(
                "spring",
                &file.rel_path,
                span(file, mapping.node),
                m.start_byte(),
            );
            r.path = join_path(&prefix, &sub);
            r.handler = format!("{class_name}.{name}");
            r.handler_span = Some(span(file, m));
            r.methods = vec![verb.to_string()];
            if verb == "ANY" {
                if let Some((_, v)) = mapping
                    .args
                    .iter()
                    .find(|(k, _)| k.as_deref() == Some("method"))
                {
                    let t = ast::text(*v, src);
                    let found: Vec<String> = ["GET", "POST", "PUT", "PATCH", "DELETE"]
                        .iter()
                        .filter(|x| t.contains(*x))
                        .map(|x| x.to_string())
                        .collect();
                    if !found.is_empty() {
                        r.methods = found;
                    }
                }
            }
            for a in class_ann.iter().chain(ann.iter()) {
                let text = short(a.node, src);
                if AUTH_ANNOTATIONS.contains(&a.name.as_str()) {
                    let permits_all = text.contains("permitAll()");
                    if permits_all {
                        r.mark_anonymous(text.clone());
                    } else {
                        r.require_auth(text.clone());
                    }
                    r.middleware.push(text);
                } else if a.name == "PermitAll" || a.name == "AnonymousAllowed" {
                    r.mark_anonymous(text.clone());
                    r.middleware.push(text);
                } else if is_rate_limit_name(&a.name) {
                    r.limit(text.clone());
                    r.middleware.push(text);
                }
            }
            params(&mut r, m, src);
            if let Some(b) = m.child_by_field_name("body") {
                for c in ast::calls(b, src, Language::Java) {
                    if is_write_call(&c.name) && c.receiver.is_some() {
                        r.writes = true;
                    }
                    if matches!(
                        c.name.as_str(),
                        "tryConsume" | "tryAcquire" | "acquirePermission"
                    ) {
                        r.limit(format!("calls `{}`", short(c.node, src)));
                    }
                }
            }
            facts.routes.push(r);
        }
    }
    servlets(ctx, facts);
    access_rules(ctx, facts);
}

const SERVLET_METHODS: &[(&str, &str)] = &[
    ("doGet", "GET"),
    ("doPost", "POST"),
    ("doPut", "PUT"),
    ("doPatch", "PATCH"),
    ("doDelete", "DELETE"),
    ("service", "ANY"),
];

/// `@WebServlet("/x")` servlets (one route per `doGet`/`doPost`/...) and `@WebFilter` filters
/// that reject unauthenticated requests.
fn servlets(ctx: &FileContext<'_>, facts: &mut FileFacts) {
    let (file, src) = (ctx.file, ctx.src());
    for class in ctx.all_of_kind(&["class_declaration"]) {
        let ann = annotations(class, src);
        let Some(a) = ann
            .iter()
            .find(|a| a.name == "WebServlet" || a.name == "WebFilter")
        else {
            continue;
        };
        let patterns: Vec<String> = a
            .args
            .iter()
            .filter(|(k, _)| k.is_none() || matches!(k.as_deref(), Some("value" | "urlPatterns")))
            .flat_map(|(_, v)| super::strings_in(*v, src))
            .collect();
        let Some(body) = class.child_by_field_name("body") else {
            continue;
        };
        let class_name = class
            .child_by_field_name("name")
            .map(|n| ast::text(n, src))
            .unwrap_or("");
        if a.name == "WebFilter" {
            let t = ast::text(body, src);
            let checks = (t.contains("getSession")
                || t.contains("getUserPrincipal")
                || t.contains("Authorization"))
                && (t.contains("SC_UNAUTHORIZED")
                    || t.contains("SC_FORBIDDEN")
                    || t.contains("sendRedirect")
                    || t.contains("401"));
            if checks {
                for p in &patterns {
                    facts.globals.push(crate::model::Global {
                        control: crate::model::Control::Auth,
                        family: "spring",
                        scope: String::new(),
                        prefix: Some(p.trim_end_matches('*').to_string()),
                        order: 0,
                        evidence: format!("@WebFilter {class_name}"),
                        file: file.rel_path.clone(),
                    });
                }
            }
            continue;
        }
        let path = patterns.first().cloned().unwrap_or_else(|| "?".into());
        for m in ast::named_children(body)
            .into_iter()
            .filter(|m| m.kind() == "method_declaration")
        {
            let name = m
                .child_by_field_name("name")
                .map(|n| ast::text(n, src))
                .unwrap_or("");
            let Some((_, verb)) = SERVLET_METHODS.iter().find(|(n, _)| *n == name) else {
                continue;
            };
            let mut r = Route::new(
                "servlet",
                &file.rel_path,
                span(file, a.node),
                m.start_byte(),
            );
            r.path = path.clone();
            r.methods = vec![verb.to_string()];
            r.handler = format!("{class_name}.{name}");
            r.handler_span = Some(span(file, m));
            if let Some(b) = m.child_by_field_name("body") {
                let t = ast::text(b, src);
                if (t.contains("getSession(false)")
                    || t.contains("getUserPrincipal")
                    || t.contains("isUserInRole")
                    || t.contains("getRemoteUser")
                    || t.contains("getAttribute(\"user"))
                    && (t.contains("SC_UNAUTHORIZED")
                        || t.contains("SC_FORBIDDEN")
                        || t.contains("sendRedirect")
                        || t.contains("sendError"))
                {
                    r.require_auth(format!("{name} checks the session"));
                }
                r.writes = ast::calls(b, src, Language::Java).iter().any(|c| {
                    is_write_call(&c.name) || matches!(c.name.as_str(), "executeUpdate" | "execute")
                });
            }
            facts.routes.push(r);
        }
    }
}

fn params(r: &mut Route, m: Node<'_>, src: &str) {
    let Some(ps) = m.child_by_field_name("parameters") else {
        return;
    };
    for p in ast::named_children(ps) {
        let ann = annotations(p, src);
        let source = ann.iter().find_map(|a| match a.name.as_str() {
            "RequestParam" => Some("query"),
            "PathVariable" => Some("path"),
            "RequestBody" => Some("body"),
            "RequestHeader" => Some("header"),
            "CookieValue" => Some("cookie"),
            "ModelAttribute" => Some("form"),
            "AuthenticationPrincipal" => None,
            _ => None,
        });
        if ann.iter().any(|a| a.name == "AuthenticationPrincipal") {
            r.require_auth("@AuthenticationPrincipal parameter".to_string());
        }
        let Some(source) = source else { continue };
        let name = p
            .child_by_field_name("name")
            .map(|n| ast::text(n, src).to_string())
            .unwrap_or_default();
        r.params.push(RouteParam {
            name,
            source: source.into(),
            ty: p
                .child_by_field_name("type")
                .map(|t| ast::text(t, src).to_string()),
        });
    }
}

const MATCHERS: &[&str] = &[
    "requestMatchers",
    "antMatchers",
    "mvcMatchers",
    "regexMatchers",
    "pathMatchers",
];

/// `http.authorizeHttpRequests(a -> a.requestMatchers("/api/public/**").permitAll()
/// .anyRequest().authenticated())`: access rules in declaration order.
fn access_rules(ctx: &FileContext<'_>, facts: &mut FileFacts) {
    let (file, src) = (ctx.file, ctx.src());
    let mut rules: Vec<(usize, AccessRule)> = Vec::new();
    for c in ctx.calls_named(|n| {
        matches!(
            n,
            "permitAll"
                | "authenticated"
                | "fullyAuthenticated"
                | "hasRole"
                | "hasAnyRole"
                | "hasAuthority"
                | "hasAnyAuthority"
                | "denyAll"
                | "access"
        )
    }) {
        let Some(target) = c.receiver.and_then(|r| ast::call(r, src, Language::Java)) else {
            continue;
        };
        let public = c.name == "permitAll";
        let evidence = format!("{}.{}()", short_matcher(&target, src), c.name);
        let patterns: Vec<String> = if target.name == "anyRequest" || target.name == "anyExchange" {
            // `anyRequest().permitAll()` opts nothing out on purpose: routes stay unclassified.
            if public {
                continue;
            }
            vec!["/**".into()]
        } else if MATCHERS.contains(&target.name.as_str()) {
            target
                .args
                .iter()
                .filter_map(|a| ast::string_value(a.value, src))
                .collect()
        } else {
            continue;
        };
        for pattern in patterns {
            rules.push((
                target.node.end_byte(),
                AccessRule {
                    pattern,
                    public,
                    evidence: evidence.clone(),
                    file: file.rel_path.clone(),
                },
            ));
        }
    }
    // A chain's calls nest outside-in; the matcher written first ends first.
    rules.sort_by_key(|(end, _)| *end);
    facts.access_rules.extend(rules.into_iter().map(|(_, r)| r));
}

fn short_matcher(c: &ast::Call<'_>, src: &str) -> String {
    let args: Vec<String> = c
        .args
        .iter()
        .map(|a| ast::text(a.value, src).to_string())
        .collect();
    format!("{}({})", c.name, args.join(", "))
}
