//! ASP.NET Core controllers (attribute routing, `[Authorize]`, `[AllowAnonymous]`,
//! `[EnableRateLimiting]`) and minimal APIs (`app.MapPost(...).RequireAuthorization()`).

use super::{path_params, short, span};
use crate::classify::{is_auth_name, is_rate_limit_name, is_write_call};
use crate::model::{join_path, Control, FileFacts, Global, Route, RouteParam};
use rampart_core::Language;
use rampart_rules::ast;
use rampart_rules::FileContext;
use rampart_syntax::SourceFile;
use tree_sitter::Node;

const CS: Language = Language::CSharp;
const VERBS: &[(&str, &str)] = &[
    ("HttpGet", "GET"),
    ("HttpPost", "POST"),
    ("HttpPut", "PUT"),
    ("HttpPatch", "PATCH"),
    ("HttpDelete", "DELETE"),
];
const MAPS: &[(&str, &str)] = &[
    ("MapGet", "GET"),
    ("MapPost", "POST"),
    ("MapPut", "PUT"),
    ("MapPatch", "PATCH"),
    ("MapDelete", "DELETE"),
];

/// `[Name("arg")]` attributes of a declaration: name and first string argument.
fn attributes<'t>(decl: Node<'t>, src: &str) -> Vec<(String, Option<String>, Node<'t>)> {
    let mut out = Vec::new();
    for list in ast::named_children(decl)
        .into_iter()
        .filter(|c| c.kind() == "attribute_list")
    {
        for a in ast::named_children(list)
            .into_iter()
            .filter(|a| a.kind() == "attribute")
        {
            let Some(name) = a.child_by_field_name("name").map(|n| ast::text(n, src)) else {
                continue;
            };
            let name = name.rsplit('.').next().unwrap_or(name);
            let name = name.strip_suffix("Attribute").unwrap_or(name).to_string();
            let arg = ast::descendants_of_kind(a, &["string_literal", "verbatim_string_literal"])
                .into_iter()
                .find_map(|s| ast::string_value(s, src));
            out.push((name, arg, a));
        }
    }
    out
}

pub fn extract(ctx: &FileContext<'_>, facts: &mut FileFacts) {
    controllers(ctx, facts);
    minimal_apis(ctx, facts);
}

fn controllers(ctx: &FileContext<'_>, facts: &mut FileFacts) {
    let (file, src) = (ctx.file, ctx.src());
    for class in ctx.all_of_kind(&["class_declaration"]) {
        let class_attrs = attributes(class, src);
        let name = class
            .child_by_field_name("name")
            .map(|n| ast::text(n, src).to_string())
            .unwrap_or_default();
        let bases = ast::named_children(class)
            .into_iter()
            .find(|c| c.kind() == "base_list")
            .map(|b| ast::text(b, src).to_string())
            .unwrap_or_default();
        let is_controller = class_attrs.iter().any(|(n, _, _)| n == "ApiController")
            || bases.contains("Controller");
        if !is_controller {
            continue;
        }
        let short_name = name.strip_suffix("Controller").unwrap_or(&name).to_string();
        let prefix = class_attrs
            .iter()
            .find(|(n, _, _)| n == "Route")
            .and_then(|(_, a, _)| a.clone())
            .unwrap_or_default()
            .replace("[controller]", &short_name.to_lowercase());
        let Some(body) = class.child_by_field_name("body") else {
            continue;
        };
        for m in ast::named_children(body)
            .into_iter()
            .filter(|m| m.kind() == "method_declaration")
        {
            let attrs = attributes(m, src);
            let verb = attrs.iter().find_map(|(n, a, node)| {
                VERBS
                    .iter()
                    .find(|(v, _)| v == n)
                    .map(|(_, v)| (*v, a.clone(), *node))
            });
            let Some((verb, sub, node)) = verb else {
                continue;
            };
            let method_name = m
                .child_by_field_name("name")
                .map(|n| ast::text(n, src))
                .unwrap_or("");
            let sub = sub.or_else(|| {
                attrs
                    .iter()
                    .find(|(n, _, _)| n == "Route")
                    .and_then(|(_, a, _)| a.clone())
            });
            let mut r = Route::new(
                "aspnetcore",
                &file.rel_path,
                span(file, node),
                m.start_byte(),
            );
            r.path = match sub {
                Some(s) if s.starts_with('/') || s.starts_with('~') => {
                    s.trim_start_matches('~').to_string()
                }
                Some(s) => join_path(&format!("/{prefix}"), &s),
                None => join_path(&format!("/{prefix}"), ""),
            }
            .replace("[action]", &method_name.to_lowercase());
            r.handler = format!("{name}.{method_name}");
            r.handler_span = Some(span(file, m));
            r.methods = vec![verb.to_string()];
            for (n, _, node) in class_attrs.iter().chain(attrs.iter()) {
                let text = short(*node, src);
                match n.as_str() {
                    "Authorize" => r.require_auth(text.clone()),
                    "AllowAnonymous" => r.mark_anonymous(text.clone()),
                    "EnableRateLimiting" => r.limit(text.clone()),
                    "IgnoreAntiforgeryToken" => r.csrf = Some("exempt".into()),
                    _ if is_rate_limit_name(n) && !n.starts_with("Disable") => {
                        r.limit(text.clone())
                    }
                    _ if is_auth_name(n) => r.require_auth(text.clone()),
                    _ => continue,
                }
                r.middleware.push(text);
            }
            for (name, ty) in path_params(&r.path) {
                r.params.push(RouteParam {
                    name,
                    source: "path".into(),
                    ty,
                });
            }
            if let Some(b) = m.child_by_field_name("body") {
                r.writes = ast::calls(b, src, CS).iter().any(|c| {
                    is_write_call(&c.name)
                        || matches!(
                            c.name.as_str(),
                            "Add" | "Remove" | "SaveChanges" | "SaveChangesAsync" | "Update"
                        )
                });
            }
            facts.routes.push(r);
        }
    }
}

fn minimal_apis(ctx: &FileContext<'_>, facts: &mut FileFacts) {
    let (file, src) = (ctx.file, ctx.src());
    for c in ctx.calls_named(|n| {
        MAPS.iter().any(|(m, _)| *m == n)
            || matches!(
                n,
                "RequireAuthorization" | "AddRateLimiter" | "MapControllers"
            )
    }) {
        if c.name == "AddRateLimiter" {
            if ast::text(c.node, src).contains("GlobalLimiter") {
                facts
                    .globals
                    .push(global(file, Control::RateLimit, short(c.node, src)));
            }
            continue;
        }
        if c.name == "RequireAuthorization" {
            // `app.MapControllers().RequireAuthorization()`: every controller action.
            let on_controllers = c
                .receiver
                .and_then(|r| ast::call(r, src, CS))
                .is_some_and(|r| r.name == "MapControllers");
            if on_controllers {
                facts
                    .globals
                    .push(global(file, Control::Auth, short(c.node, src)));
            }
            continue;
        }
        let Some(verb) = MAPS.iter().find(|(m, _)| *m == c.name).map(|(_, v)| *v) else {
            continue;
        };
        let Some(path) = c.positional(0).and_then(|p| ast::string_value(p, src)) else {
            continue;
        };
        let mut r = Route::new(
            "aspnetcore",
            &file.rel_path,
            span(file, c.node),
            c.node.start_byte(),
        );
        r.path = path;
        r.methods = vec![verb.to_string()];
        r.scope = c
            .receiver
            .and_then(|n| ast::dotted_path(n, src, CS))
            .unwrap_or_default();
        if let Some(h) = c.positional(1) {
            if ast::is_function(h) {
                r.handler_span = Some(span(file, h));
            } else {
                r.handler = ast::text(h, src).to_string();
            }
            let t = ast::text(h, src);
            if t.contains("[Authorize") {
                r.require_auth("[Authorize] on the handler".to_string());
            }
        }
        // Chained conventions: `.RequireAuthorization()`, `.AllowAnonymous()`, `.RequireRateLimiting("x")`.
        let mut cur = c.node;
        while let Some(parent) = cur.parent() {
            if parent.kind() != "member_access_expression" {
                break;
            }
            let Some(call) = parent
                .parent()
                .filter(|p| p.kind() == "invocation_expression")
            else {
                break;
            };
            let name = parent
                .child_by_field_name("name")
                .map(|n| ast::text(n, src))
                .unwrap_or("");
            match name {
                "RequireAuthorization" => r.require_auth(format!(".{name}()")),
                "AllowAnonymous" => r.mark_anonymous(format!(".{name}()")),
                "RequireRateLimiting" => r.limit(format!(".{name}()")),
                "DisableAntiforgery" => r.csrf = Some("exempt".into()),
                _ => {}
            }
            cur = call;
        }
        for (name, ty) in path_params(&r.path) {
            r.params.push(RouteParam {
                name: name.split(':').next().unwrap_or(&name).to_string(),
                source: "path".into(),
                ty,
            });
        }
        facts.routes.push(r);
    }
    for a in ctx.all_of_kind(&["assignment_expression"]) {
        let t = ast::text(a, src);
        if t.contains("FallbackPolicy") && t.contains("RequireAuthenticatedUser") {
            facts
                .globals
                .push(global(file, Control::Auth, short(a, src)));
        }
    }
}

fn global(file: &SourceFile, control: Control, evidence: String) -> Global {
    Global {
        control,
        family: "aspnetcore",
        scope: String::new(),
        prefix: None,
        order: 0,
        evidence,
        file: file.rel_path.clone(),
    }
}
