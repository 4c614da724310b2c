//! Express, Koa router, Fastify, Hono and Next.js routes and protections.

use super::{is_denial_status, path_params, short, span};
use crate::classify::{
    is_anonymous_name, is_auth_check_call, is_auth_name, is_rate_limit_name, is_write_call,
};
use crate::model::{join_path, Control, FileFacts, Global, Mount, Route, RouteParam};
use rampart_rules::ast::{self, Call, Imports};
use rampart_rules::FileContext;
use rampart_syntax::SourceFile;
use std::collections::HashMap;
use tree_sitter::Node;

const METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "all", "options", "head",
];
/// HTTP clients whose `.get('/path', ...)` calls a server instead of declaring a route.
const CLIENTS: &[&str] = &[
    "axios",
    "http",
    "https",
    "request",
    "superagent",
    "got",
    "ky",
    "api",
    "client",
    "$http",
    "fetch",
    "instance",
    "httpClient",
    "this.http",
    "cy",
    "agent",
    "supertest",
    "apiClient",
    "localStorage",
    "sessionStorage",
    "cache",
    "redis",
    "map",
    "params",
    "searchParams",
    "headers",
    "cookies",
    "formData",
    "url",
    "config",
    "store",
    "db",
];

fn framework(imports: &Imports) -> &'static str {
    if imports.imports_module("fastify") {
        "fastify"
    } else if imports.imports_module("koa-router") || imports.imports_module("@koa/router") {
        "koa"
    } else if imports.imports_module("hono") {
        "hono"
    } else {
        "express"
    }
}

pub fn extract(ctx: &FileContext<'_>, facts: &mut FileFacts) {
    let (file, src) = (ctx.file, ctx.src());
    let fw = framework(ctx.imports());
    let modules = relative_imports(ctx);
    for c in ctx.calls_named(|n| METHODS.contains(&n) || n == "use" || n == "register") {
        if c.constructor {
            continue;
        }
        match c.name.as_str() {
            "use" => use_call(file, c, &modules, facts),
            "register" => {
                let t = c.positional(0).map(|a| ast::text(a, src)).unwrap_or("");
                if t.contains("rate-limit") || t.contains("rateLimit") {
                    facts.globals.push(Global {
                        control: Control::RateLimit,
                        family: "express",
                        scope: String::new(),
                        prefix: None,
                        order: 0,
                        evidence: short(c.node, src),
                        file: file.rel_path.clone(),
                    });
                }
            }
            _ => {
                if let Some(r) = route_call(ctx, c, fw) {
                    facts.routes.push(r);
                }
            }
        }
    }
    nextjs(ctx, facts);
    nestjs(ctx, facts);
}

/// A decorator's name and first string argument: `@Get(':id')` → (`Get`, `:id`).
fn decorator(d: Node<'_>, src: &str) -> Option<(String, Option<String>, String)> {
    let expr = ast::named_children(d).into_iter().next()?;
    let (callee, arg) = match expr.kind() {
        "call_expression" => (
            expr.child_by_field_name("function")?,
            expr.child_by_field_name("arguments")
                .and_then(|a| ast::named_children(a).into_iter().next())
                .and_then(|a| ast::string_value(a, src)),
        ),
        _ => (expr, None),
    };
    Some((ast::text(callee, src).to_string(), arg, short(expr, src)))
}

const NEST_METHODS: &[(&str, &str)] = &[
    ("Get", "GET"),
    ("Post", "POST"),
    ("Put", "PUT"),
    ("Patch", "PATCH"),
    ("Delete", "DELETE"),
    ("All", "ANY"),
];

/// NestJS controllers: `@Controller('users')` classes, `@Get(':id')` methods, guards
/// (`@UseGuards(JwtAuthGuard)`), `@Public()`, `@Throttle()`; `useGlobalGuards` and `APP_GUARD`.
fn nestjs(ctx: &FileContext<'_>, facts: &mut FileFacts) {
    let (file, src) = (ctx.file, ctx.src());
    if !src.contains("@nestjs") && !src.contains("@Controller") && !src.contains("APP_GUARD") {
        return;
    }
    let global = |control, evidence: String| Global {
        control,
        family: "express",
        scope: String::new(),
        prefix: None,
        order: 0,
        evidence,
        file: file.rel_path.clone(),
    };
    for c in ctx.calls_named(|n| n == "useGlobalGuards") {
        let t = ast::text(c.node, src);
        if is_auth_name(t.trim_start_matches("app.useGlobalGuards")) {
            facts
                .globals
                .push(global(Control::Auth, short(c.node, src)));
        }
    }
    for obj in ctx.all_of_kind(&["object"]) {
        let t = ast::text(obj, src);
        if t.contains("APP_GUARD") {
            if t.contains("Throttler") {
                facts
                    .globals
                    .push(global(Control::RateLimit, short(obj, src)));
            } else if is_auth_name(t.split("useClass").nth(1).unwrap_or("")) {
                facts.globals.push(global(Control::Auth, short(obj, src)));
            }
        }
    }
    for class in ctx.all_of_kind(&["class_declaration"]) {
        let mut class_decos: Vec<Node<'_>> = ast::named_children(class)
            .into_iter()
            .filter(|c| c.kind() == "decorator")
            .collect();
        if let Some(p) = class.parent().filter(|p| p.kind() == "export_statement") {
            class_decos.extend(
                ast::named_children(p)
                    .into_iter()
                    .filter(|c| c.kind() == "decorator"),
            );
        }
        let class_decos: Vec<_> = class_decos
            .into_iter()
            .filter_map(|d| decorator(d, src))
            .collect();
        let Some((_, prefix, _)) = class_decos.iter().find(|(n, _, _)| n == "Controller") else {
            continue;
        };
        let prefix = prefix.clone().unwrap_or_default();
        let class_name = class
            .child_by_field_name("name")
            .map(|n| ast::text(n, src))
            .unwrap_or("");
        let Some(body) = class.child_by_field_name("body") else {
            continue;
        };
        let mut pending: Vec<Node<'_>> = Vec::new();
        for member in ast::named_children(body) {
            if member.kind() == "decorator" {
                pending.push(member);
                continue;
            }
            let decos: Vec<_> = std::mem::take(&mut pending)
                .into_iter()
                .filter_map(|d| decorator(d, src))
                .collect();
            if member.kind() != "method_definition" {
                continue;
            }
            let Some((verb, sub, node)) = decos.iter().find_map(|(n, a, _)| {
                NEST_METHODS
                    .iter()
                    .find(|(m, _)| m == n)
                    .map(|(_, v)| (*v, a.clone(), member))
            }) else {
                continue;
            };
            let name = member
                .child_by_field_name("name")
                .map(|n| ast::text(n, src))
                .unwrap_or("");
            let mut r = Route::new(
                "nestjs",
                &file.rel_path,
                span(file, node),
                member.start_byte(),
            );
            r.path = join_path(
                &format!("/{}", prefix.trim_start_matches('/')),
                &sub.unwrap_or_default(),
            );
            r.methods = vec![verb.to_string()];
            r.handler = format!("{class_name}.{name}");
            r.handler_span = Some(span(file, member));
            for (n, _, text) in class_decos.iter().chain(decos.iter()) {
                match n.as_str() {
                    "UseGuards" if text.contains("Throttler") => r.limit(text.clone()),
                    "UseGuards" | "Roles" | "Auth" if is_auth_name(text) || n != "UseGuards" => {
                        r.require_auth(text.clone())
                    }
                    "Public" | "AllowAnonymous" | "SkipAuth" => r.mark_anonymous(text.clone()),
                    "Throttle" => r.limit(text.clone()),
                    _ => continue,
                }
                r.middleware.push(text.clone());
            }
            body_facts(&mut r, member, src);
            for (name, ty) in path_params(&r.path) {
                r.params.push(RouteParam {
                    name,
                    source: "path".into(),
                    ty,
                });
            }
            facts.routes.push(r);
        }
    }
}

fn literal_path(node: Node<'_>, src: &str) -> Option<String> {
    ast::string_value(node, src).filter(|p| p.starts_with('/') || p == "*")
}

fn route_call(ctx: &FileContext<'_>, c: &Call<'_>, fw: &'static str) -> Option<Route> {
    let file = ctx.file;
    let src = file.text.as_str();
    let lang = file.language;
    let recv = c.receiver?;
    // `router.route('/x').get(h).post(h)`: the path is on the `route` call.
    let (scope, path, handlers): (String, String, Vec<Node<'_>>) =
        match ast::call(recv, src, lang).filter(|r| r.name == "route") {
            Some(route) => (
                route
                    .receiver
                    .and_then(|n| ast::dotted_path(n, src, lang))
                    .unwrap_or_default(),
                literal_path(route.positional(0)?, src)?,
                c.args.iter().map(|a| a.value).collect(),
            ),
            None => {
                let scope = ast::dotted_path(recv, src, lang)?;
                let path = literal_path(c.positional(0)?, src)?;
                (
                    scope,
                    path,
                    c.args.iter().skip(1).map(|a| a.value).collect(),
                )
            }
        };
    if CLIENTS.contains(&scope.as_str()) || scope.ends_with("Client") || scope.ends_with("client") {
        return None;
    }
    let (handler, middleware) = handlers.split_last()?;
    if !is_handler(*handler) {
        return None;
    }
    let mut r = Route::new(fw, &file.rel_path, span(file, c.node), c.node.start_byte());
    r.scope = scope;
    r.path = path;
    r.methods = vec![match c.name.as_str() {
        "all" => "ANY".to_string(),
        m => m.to_uppercase(),
    }];
    for (name, ty) in path_params(&r.path) {
        r.params.push(RouteParam {
            name,
            source: "path".into(),
            ty,
        });
    }
    for m in middleware {
        middleware_arg(&mut r, *m, src);
    }
    let handler = unwrap_wrapper(*handler, src, lang);
    if ast::is_function(handler) {
        r.handler_span = Some(span(file, handler));
        body_facts(&mut r, handler, src);
    } else {
        r.handler = short(handler, src);
        if let Some(def) = local_function(ctx, ast::text(handler, src)) {
            r.handler_span = Some(span(file, def));
            body_facts(&mut r, def, src);
        }
    }
    Some(r)
}

fn is_handler(n: Node<'_>) -> bool {
    ast::is_function(n)
        || matches!(
            n.kind(),
            "identifier" | "member_expression" | "call_expression" | "array"
        )
}

/// `asyncHandler(async (req, res) => ...)`, `catchAsync(fn)`: the wrapped function.
fn unwrap_wrapper<'t>(n: Node<'t>, src: &str, lang: rampart_core::Language) -> Node<'t> {
    if let Some(c) = ast::call(n, src, lang) {
        if let Some(f) = c
            .args
            .iter()
            .map(|a| a.value)
            .find(|a| ast::is_function(*a))
        {
            return f;
        }
    }
    n
}

/// A function declared in this file under `name` (`function createUser(req, res) {}`,
/// `const createUser = async (req, res) => {}`).
fn local_function<'t>(ctx: &FileContext<'t>, name: &str) -> Option<Node<'t>> {
    let src = ctx.src();
    if name.contains('.') || name.is_empty() {
        return None;
    }
    for n in ctx.all_of_kind(&["function_declaration", "variable_declarator"]) {
        let Some(id) = n.child_by_field_name("name") else {
            continue;
        };
        if ast::text(id, src) != name {
            continue;
        }
        if n.kind() == "function_declaration" {
            return Some(n);
        }
        if let Some(v) = n
            .child_by_field_name("value")
            .filter(|v| ast::is_function(*v))
        {
            return Some(v);
        }
    }
    None
}

/// A middleware argument: `authenticate`, `passport.authenticate('jwt')`, `requireRole('admin')`,
/// `[auth, limiter]`, `loginLimiter`, `csrfProtection`; Fastify route options.
fn middleware_arg(r: &mut Route, m: Node<'_>, src: &str) {
    match m.kind() {
        "array" => {
            for e in ast::named_children(m) {
                middleware_arg(r, e, src);
            }
        }
        "object" => {
            for pair in ast::named_children(m) {
                let Some(k) = pair.child_by_field_name("key") else {
                    continue;
                };
                let key = ast::text(k, src).trim_matches(['"', '\'']);
                let value = pair.child_by_field_name("value");
                match key {
                    "preHandler" | "onRequest" | "preValidation" | "beforeHandler" => {
                        if let Some(v) = value {
                            middleware_arg(r, v, src);
                        }
                    }
                    "config" if value.is_some_and(|v| ast::text(v, src).contains("rateLimit")) => {
                        r.limit(short(pair, src));
                    }
                    _ => {}
                }
            }
        }
        _ => {
            let text = short(m, src);
            let name = middleware_name(m, src);
            if name.contains("csrf") || name.contains("Csrf") {
                r.csrf = Some("protected".into());
            } else if is_rate_limit_name(&name) {
                r.limit(text.clone());
            } else if is_anonymous_name(&name) {
                r.mark_anonymous(text.clone());
            } else if is_auth_name(&name) {
                r.require_auth(text.clone());
            }
            r.middleware.push(text);
        }
    }
}

/// The name a middleware expression goes by: `requireRole('admin')` → `requireRole`,
/// `passport.authenticate('jwt', ...)` → `passport.authenticate`.
fn middleware_name(m: Node<'_>, src: &str) -> String {
    let callee = if m.kind() == "call_expression" {
        m.child_by_field_name("function").unwrap_or(m)
    } else {
        m
    };
    let name = ast::text(callee, src).to_string();
    if name == "passport.session" || name.ends_with(".initialize") {
        return String::new();
    }
    name
}

fn use_call(
    file: &SourceFile,
    c: &Call<'_>,
    imports: &HashMap<String, String>,
    facts: &mut FileFacts,
) {
    let src = file.text.as_str();
    let lang = file.language;
    let Some(scope) = c.receiver.and_then(|n| ast::dotted_path(n, src, lang)) else {
        return;
    };
    let mut args = c.args.iter().map(|a| a.value).peekable();
    let prefix = args
        .peek()
        .and_then(|a| ast::string_value(*a, src))
        .filter(|p| p.starts_with('/'));
    if prefix.is_some() {
        args.next();
    }
    let mut auth = None;
    let mut limit = None;
    let mut routers = Vec::new();
    for a in args {
        let name = middleware_name(a, src);
        if let Some(module) = router_module(a, src, lang, imports) {
            routers.push(module);
        } else if is_rate_limit_name(&name) {
            limit = Some(short(a, src));
        } else if is_auth_name(&name) {
            auth = Some(short(a, src));
        }
    }
    let dir = file.rel_path.rsplit_once('/').map_or("", |(d, _)| d);
    for module in routers {
        facts.mounts.push(Mount {
            prefix: prefix.clone().unwrap_or_default(),
            module: resolve_module(dir, &module),
            auth: auth.clone(),
            limit: limit.clone(),
            file: file.rel_path.clone(),
            order: c.node.start_byte(),
        });
    }
    for (control, evidence) in [(Control::Auth, auth), (Control::RateLimit, limit)] {
        if let Some(evidence) = evidence {
            facts.globals.push(Global {
                control,
                family: "express",
                scope: scope.clone(),
                prefix: prefix.clone(),
                order: c.node.start_byte(),
                evidence: format!("{scope}.use({evidence})"),
                file: file.rel_path.clone(),
            });
        }
    }
}

/// The relative module a mounted router comes from: an imported name or `require('./x')`.
fn router_module(
    a: Node<'_>,
    src: &str,
    lang: rampart_core::Language,
    imports: &HashMap<String, String>,
) -> Option<String> {
    let target = match a.kind() {
        "identifier" => imports.get(ast::text(a, src))?.to_string(),
        "call_expression" => {
            let c = ast::call(a, src, lang)?;
            if c.name != "require" {
                return None;
            }
            ast::string_value(c.positional(0)?, src)?
        }
        _ => return None,
    };
    target.starts_with('.').then_some(target)
}

/// Local names bound to relative modules: `const users = require('./routes/users')`,
/// `import users from './routes/users'`.
fn relative_imports(ctx: &FileContext<'_>) -> HashMap<String, String> {
    let (src, lang) = (ctx.src(), ctx.language());
    let mut out = HashMap::new();
    for n in ctx.all_of_kind(&["variable_declarator", "import_statement"]) {
        if n.kind() == "variable_declarator" {
            let (Some(name), Some(value)) = (
                n.child_by_field_name("name"),
                n.child_by_field_name("value"),
            ) else {
                continue;
            };
            let Some(c) = ast::call(value, src, lang).filter(|c| c.name == "require") else {
                continue;
            };
            if let Some(spec) = c.positional(0).and_then(|a| ast::string_value(a, src)) {
                out.insert(ast::text(name, src).to_string(), spec);
            }
        } else if let Some(spec) = n
            .child_by_field_name("source")
            .and_then(|s| ast::string_value(s, src))
        {
            for clause in ast::named_children(n)
                .into_iter()
                .filter(|c| c.kind() == "import_clause")
            {
                for id in ast::named_children(clause)
                    .into_iter()
                    .filter(|c| c.kind() == "identifier")
                {
                    out.insert(ast::text(id, src).to_string(), spec.clone());
                }
            }
        }
    }
    out
}

/// `routes/users` from `src` and `../routes/users.js`.
fn resolve_module(dir: &str, spec: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in spec.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    let stem = joined
        .strip_suffix(".js")
        .or_else(|| joined.strip_suffix(".ts"))
        .unwrap_or(&joined);
    stem.strip_suffix("/index").unwrap_or(stem).to_string()
}

/// Authentication checks, writes and request reads inside a handler.
fn body_facts(r: &mut Route, func: Node<'_>, src: &str) {
    let lang = rampart_core::Language::JavaScript;
    let body = func.child_by_field_name("body").unwrap_or(func);
    for c in ast::calls(body, src, lang) {
        let path = c.path.clone().unwrap_or_else(|| c.name.clone());
        if is_write_call(&c.name) && c.receiver.is_some() {
            r.writes = true;
        }
        if is_auth_check_call(&path) || (is_auth_name(&path) && !path.ends_with("sign")) {
            r.require_auth(format!("calls `{}`", short(c.node, src)));
        }
        if matches!(c.name.as_str(), "status" | "sendStatus" | "code" | "throw")
            && c.args
                .first()
                .is_some_and(|a| is_denial_status(ast::text(a.value, src)))
        {
            r.require_auth(format!("`{}`", short(c.node, src)));
        }
    }
    for cond in ast::descendants_of_kind(body, &["if_statement"]) {
        let Some(cond) = cond.child_by_field_name("condition") else {
            continue;
        };
        let t = ast::text(cond, src);
        if t.contains("req.user")
            || t.contains("isAuthenticated")
            || t.contains("state.user")
            || (t.contains("session") && (t.contains("user") || t.contains("User")))
        {
            r.require_auth(format!("checks `{}`", short(cond, src)));
        }
    }
    for m in ast::descendants_of_kind(body, &["member_expression", "variable_declarator"]) {
        let (obj, names) = if m.kind() == "member_expression" {
            let (Some(o), Some(p)) = (
                m.child_by_field_name("object"),
                m.child_by_field_name("property"),
            ) else {
                continue;
            };
            (o, vec![ast::text(p, src).to_string()])
        } else {
            let (Some(n), Some(v)) = (
                m.child_by_field_name("name"),
                m.child_by_field_name("value"),
            ) else {
                continue;
            };
            if n.kind() != "object_pattern" {
                continue;
            }
            let names = ast::named_children(n)
                .into_iter()
                .filter_map(|p| match p.kind() {
                    "shorthand_property_identifier_pattern" => Some(ast::text(p, src).to_string()),
                    "pair_pattern" => p
                        .child_by_field_name("key")
                        .map(|k| ast::text(k, src).to_string()),
                    _ => None,
                })
                .collect();
            (v, names)
        };
        let source = match ast::text(obj, src) {
            "req.query" | "ctx.query" | "ctx.request.query" | "request.query" => "query",
            "req.body" | "ctx.request.body" | "request.body" => "body",
            "req.params" | "ctx.params" | "request.params" => "path",
            "req.headers" | "ctx.headers" | "request.headers" => "header",
            "req.cookies" | "request.cookies" => "cookie",
            _ => continue,
        };
        for name in names {
            if !r.params.iter().any(|p| p.name == name) {
                r.params.push(RouteParam {
                    name,
                    source: source.into(),
                    ty: None,
                });
            }
        }
    }
}

/// Next.js API routes: `pages/api/**` default exports and `app/**/route.ts` method exports;
/// `middleware.ts` that checks a session covers the routes its matcher names.
fn nextjs(ctx: &FileContext<'_>, facts: &mut FileFacts) {
    let (file, root, src) = (ctx.file, ctx.root(), ctx.src());
    let path = &file.rel_path;
    let stem = path.rsplit_once('.').map_or(path.as_str(), |(s, _)| s);
    let file_name = stem.rsplit('/').next().unwrap_or(stem);
    if file_name == "middleware" && !path.contains("/pages/") && !path.contains("/api/") {
        let mut probe = Route::new("nextjs", path, span(file, root), 0);
        body_facts(&mut probe, root, src);
        if probe.auth == rampart_core::AuthState::Required {
            facts.globals.push(Global {
                control: Control::Auth,
                family: "express",
                scope: String::new(),
                prefix: None,
                order: 0,
                evidence: format!("Next.js middleware ({path})"),
                file: path.clone(),
            });
        }
        return;
    }
    let url = if let Some(i) = stem.find("pages/api/") {
        let rest = &stem[i + "pages/".len()..];
        rest.strip_suffix("/index").unwrap_or(rest).to_string()
    } else if file_name == "route" {
        match stem.find("app/") {
            Some(i) => stem[i + "app".len()..]
                .strip_suffix("/route")
                .unwrap_or("")
                .to_string(),
            None => return,
        }
    } else {
        return;
    };
    let url = join_path("", &next_segments(&url));
    for export in ctx.all_of_kind(&["export_statement"]) {
        let decl = export.child_by_field_name("declaration");
        let default = ast::text(export, src).starts_with("export default");
        let (method, func) = match decl {
            Some(d) if d.kind() == "function_declaration" => {
                let name = d
                    .child_by_field_name("name")
                    .map(|n| ast::text(n, src))
                    .unwrap_or("");
                (name.to_string(), Some(d))
            }
            Some(d) if d.kind() == "lexical_declaration" => {
                let Some(v) = ast::named_children(d).into_iter().next() else {
                    continue;
                };
                let name = v
                    .child_by_field_name("name")
                    .map(|n| ast::text(n, src))
                    .unwrap_or("");
                (name.to_string(), v.child_by_field_name("value"))
            }
            _ if default => (
                "ANY".to_string(),
                export.child_by_field_name("value").or(decl),
            ),
            _ => continue,
        };
        let method = if default { "ANY".to_string() } else { method };
        if !matches!(
            method.as_str(),
            "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "ANY"
        ) {
            continue;
        }
        let mut r = Route::new("nextjs", path, span(file, export), export.start_byte());
        r.path = url.clone();
        r.methods = vec![method];
        r.handler = if default {
            "default".into()
        } else {
            r.methods[0].clone()
        };
        if let Some(f) = func {
            r.handler_span = Some(span(file, f));
            body_facts(&mut r, f, src);
        }
        for (name, ty) in path_params(&r.path) {
            r.params.push(RouteParam {
                name,
                source: "path".into(),
                ty,
            });
        }
        facts.routes.push(r);
    }
}

/// `users/[id]` → `users/{id}`; route groups `(admin)` vanish.
fn next_segments(url: &str) -> String {
    url.split('/')
        .filter(|s| !(s.starts_with('(') && s.ends_with(')')))
        .map(
            |s| match s.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
                Some(inner) => format!("{{{}}}", inner.trim_start_matches("...")),
                None => s.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}
