//! Go routes: net/http (`http.HandleFunc`, `mux.HandleFunc("POST /x", h)`), gin, echo, chi
//! and fiber, with route, group and `Use` middleware.

use super::{is_denial_status, path_params, short, span};
use crate::classify::{is_auth_check_call, is_auth_name, is_rate_limit_name, is_write_call};
use crate::model::{join_path, Control, FileFacts, Global, Route, RouteParam};
use rampart_core::Language;
use rampart_rules::ast::{self, Call, Imports};
use rampart_rules::FileContext;
use rampart_syntax::SourceFile;
use std::collections::HashMap;
use tree_sitter::Node;

const GO: Language = Language::Go;
const METHODS: &[&str] = &[
    "GET",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "Any",
    "Get",
    "Post",
    "Put",
    "Patch",
    "Delete",
    "HandleFunc",
    "Handle",
    "All",
];

fn framework(imports: &Imports) -> &'static str {
    if imports.imports_module("github.com/gin-gonic/gin") {
        "gin"
    } else if imports
        .namespaces
        .iter()
        .any(|n| n.contains("labstack/echo"))
        || imports.imports_module("github.com/labstack/echo/v4")
    {
        "echo"
    } else if imports.imports_module("github.com/go-chi/chi/v5")
        || imports.imports_module("github.com/go-chi/chi")
    {
        "chi"
    } else if imports.imports_module("github.com/gofiber/fiber/v2") {
        "fiber"
    } else {
        "nethttp"
    }
}

pub fn extract(ctx: &FileContext<'_>, facts: &mut FileFacts) {
    let (file, src) = (ctx.file, ctx.src());
    let fw = framework(ctx.imports());
    let funcs: HashMap<&str, Node<'_>> = ctx
        .all_of_kind(&["function_declaration"])
        .into_iter()
        .filter_map(|f| Some((ast::text(f.child_by_field_name("name")?, src), f)))
        .collect();
    let mut prefixes: HashMap<String, (String, Option<String>)> = HashMap::new();
    for c in ctx.calls_named(|n| METHODS.contains(&n) || n == "Use" || n == "Group") {
        let Some(recv) = c.receiver else { continue };
        match c.name.as_str() {
            "Group" => {
                let (Some(p), Some(ast::Destination::Variable(v))) = (
                    c.positional(0).and_then(|p| ast::string_value(p, src)),
                    ast::destination(c.node, src, ast::Climb::Value),
                ) else {
                    continue;
                };
                let parent = ast::dotted_path(recv, src, GO).unwrap_or_default();
                let base = prefixes
                    .get(&parent)
                    .map(|(p, _)| p.clone())
                    .unwrap_or_default();
                let auth = c
                    .args
                    .iter()
                    .skip(1)
                    .map(|a| ast::text(a.value, src))
                    .find(|t| is_auth_name(t))
                    .map(str::to_string);
                prefixes.insert(v, (join_path(&base, &p), auth));
            }
            "Use" => {
                let Some(scope) = ast::dotted_path(recv, src, GO) else {
                    continue;
                };
                for a in &c.args {
                    let name = middleware_name(a.value, src);
                    let control = if is_rate_limit_name(&name) {
                        Control::RateLimit
                    } else if is_auth_name(&name) {
                        Control::Auth
                    } else {
                        continue;
                    };
                    facts.globals.push(Global {
                        control,
                        family: "go",
                        scope: scope.clone(),
                        prefix: None,
                        order: c.node.start_byte(),
                        evidence: format!("{scope}.Use({})", short(a.value, src)),
                        file: file.rel_path.clone(),
                    });
                }
            }
            _ => {
                if let Some(r) = route(file, c, recv, fw, &funcs, &prefixes) {
                    facts.routes.push(r);
                }
            }
        }
    }
}

fn middleware_name(n: Node<'_>, src: &str) -> String {
    match ast::call(n, src, GO) {
        Some(c) => c.path.unwrap_or(c.name),
        None => ast::text(n, src).to_string(),
    }
}

fn route(
    file: &SourceFile,
    c: &Call<'_>,
    recv: Node<'_>,
    fw: &'static str,
    funcs: &HashMap<&str, Node<'_>>,
    prefixes: &HashMap<String, (String, Option<String>)>,
) -> Option<Route> {
    let src = file.text.as_str();
    let pattern = ast::string_value(c.positional(0)?, src)?;
    // Go 1.22 patterns: `"POST /users/{id}"`.
    let (method, path) = match pattern.split_once(' ') {
        Some((m, p)) if m.chars().all(|ch| ch.is_ascii_uppercase()) => {
            (Some(m.to_string()), p.to_string())
        }
        _ => (None, pattern.clone()),
    };
    if !path.starts_with('/') {
        return None;
    }
    let mut r = Route::new(fw, &file.rel_path, span(file, c.node), c.node.start_byte());
    // `r.With(auth).Get(...)` (chi): the middleware and the router it is on.
    let (scope, with) = match ast::call(recv, src, GO).filter(|w| w.name == "With") {
        Some(w) => (
            w.receiver
                .and_then(|n| ast::dotted_path(n, src, GO))
                .unwrap_or_default(),
            w.args.iter().map(|a| a.value).collect::<Vec<_>>(),
        ),
        None => (
            ast::dotted_path(recv, src, GO).unwrap_or_default(),
            Vec::new(),
        ),
    };
    let (prefix, group_auth) = prefixes.get(&scope).cloned().unwrap_or_default();
    r.path = join_path(&prefix, &path);
    r.scope = scope;
    if let Some(a) = group_auth {
        r.require_auth(format!("group middleware `{a}`"));
    }
    r.methods = vec![match (method, c.name.as_str()) {
        (Some(m), _) => m,
        (None, "HandleFunc" | "Handle" | "Any" | "All") => "ANY".to_string(),
        (None, m) => m.to_uppercase(),
    }];
    let rest: Vec<Node<'_>> = c.args.iter().skip(1).map(|a| a.value).collect();
    let (handler, middleware): (Option<Node<'_>>, Vec<Node<'_>>) = match fw {
        "gin" | "fiber" => match rest.split_last() {
            Some((h, mw)) => (Some(*h), mw.to_vec()),
            None => (None, Vec::new()),
        },
        _ => (
            rest.first().copied(),
            rest.iter().skip(1).copied().collect(),
        ),
    };
    for m in with.into_iter().chain(middleware) {
        classify_middleware(&mut r, m, src);
    }
    let mut handler = handler?;
    // `authMiddleware(http.HandlerFunc(h))`: wrappers around the handler.
    while let Some(w) = ast::call(handler, src, GO) {
        classify_middleware(&mut r, handler, src);
        match w.args.first() {
            Some(a) => handler = a.value,
            None => break,
        }
    }
    let def = if handler.kind() == "func_literal" {
        Some(handler)
    } else {
        let name = ast::text(handler, src);
        r.handler = name.to_string();
        funcs.get(name.rsplit('.').next().unwrap_or(name)).copied()
    };
    if let Some(def) = def {
        r.handler_span = Some(span(file, def));
        body_facts(&mut r, def, src);
    }
    for (name, ty) in path_params(&r.path) {
        r.params.push(RouteParam {
            name,
            source: "path".into(),
            ty,
        });
    }
    Some(r)
}

fn classify_middleware(r: &mut Route, m: Node<'_>, src: &str) {
    let name = middleware_name(m, src);
    let text = short(m, src);
    if is_rate_limit_name(&name) {
        r.limit(text.clone());
    } else if is_auth_name(&name) {
        r.require_auth(text.clone());
    } else {
        return;
    }
    r.middleware.push(text);
}

fn body_facts(r: &mut Route, def: Node<'_>, src: &str) {
    let Some(body) = def.child_by_field_name("body") else {
        return;
    };
    for c in ast::calls(body, src, GO) {
        let path = c.path.clone().unwrap_or_else(|| c.name.clone());
        if is_write_call(&c.name)
            || matches!(
                c.name.as_str(),
                "Exec"
                    | "ExecContext"
                    | "Delete"
                    | "Create"
                    | "Save"
                    | "Updates"
                    | "Update"
                    | "Insert"
                    | "InsertOne"
                    | "DeleteOne"
                    | "UpdateOne"
            )
        {
            r.writes = true;
        }
        if is_auth_check_call(&path) {
            r.require_auth(format!("calls `{}`", short(c.node, src)));
        }
        if c.args
            .iter()
            .any(|a| is_denial_status(ast::text(a.value, src)))
            && !matches!(c.name.as_str(), "Println" | "Printf")
        {
            r.require_auth(format!("`{}`", short(c.node, src)));
        }
    }
}
