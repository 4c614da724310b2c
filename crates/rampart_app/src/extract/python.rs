//! Flask, FastAPI and Django (function views, class-based views, DRF) routes and protections.

use super::{is_denial_status, path_params, short, span, strings_in};
use crate::classify::{
    is_anonymous_name, is_auth_check_call, is_auth_name, is_rate_limit_name, is_write_call,
};
use crate::model::{Control, FileFacts, Global, Route, RouteParam, UrlPattern};
use rampart_core::Language;
use rampart_rules::ast::{self, Call, Imports};
use rampart_rules::FileContext;
use rampart_syntax::SourceFile;
use tree_sitter::Node;

const PY: Language = Language::Python;
const ROUTE_DECORATORS: &[&str] = &[
    "route",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "api_route",
    "head",
    "options",
];
/// Receivers whose `.get(...)` is never a route decorator.
const NOT_APPS: &[&str] = &["requests", "httpx", "session", "client", "self", "cls"];

/// A decorator: its dotted name and, when called, the call.
struct Deco<'t> {
    name: String,
    call: Option<Call<'t>>,
    node: Node<'t>,
}

fn decorators<'t>(def: Node<'t>, src: &str) -> Vec<Deco<'t>> {
    let Some(parent) = def.parent().filter(|p| p.kind() == "decorated_definition") else {
        return Vec::new();
    };
    ast::named_children(parent)
        .into_iter()
        .filter(|d| d.kind() == "decorator")
        .filter_map(|d| {
            let expr = ast::named_children(d).into_iter().next()?;
            let call = ast::call(expr, src, PY);
            let name = match &call {
                Some(c) => c.path.clone().unwrap_or_else(|| c.name.clone()),
                None => ast::dotted_path(expr, src, PY)?,
            };
            Some(Deco {
                name,
                call,
                node: d,
            })
        })
        .collect()
}

fn framework(imports: &Imports) -> &'static str {
    if imports.imports_module("fastapi") {
        "fastapi"
    } else if imports.imports_module("starlette") {
        "starlette"
    } else if imports.imports_module("django") || imports.imports_module("rest_framework") {
        "django"
    } else {
        "flask"
    }
}

pub fn extract(ctx: &FileContext<'_>, facts: &mut FileFacts) {
    let (file, src) = (ctx.file, ctx.src());
    let fw = framework(ctx.imports());
    let flask_apps = app_objects(ctx);
    let views_file = {
        let name = file.rel_path.rsplit('/').next().unwrap_or("");
        name.contains("views") || name.contains("viewsets") || file.rel_path.contains("/views/")
    };
    for def in ctx.all_of_kind(&["function_definition", "class_definition"]) {
        let decos = decorators(def, src);
        if def.kind() == "class_definition" {
            django_class(file, def, &decos, facts);
            continue;
        }
        if let Some(d) = decos.iter().find(|d| last(&d.name) == "before_request") {
            before_request(file, def, d, &flask_apps, facts);
            continue;
        }
        let route_deco = decos.iter().find(|d| is_route_decorator(d, src));
        match route_deco {
            Some(d) => {
                let mut r = decorated_route(file, def, d, fw);
                protections(&mut r, &decos, src, Some(d.node));
                if fw == "fastapi" {
                    fastapi_params(&mut r, def, src);
                }
                body_facts(&mut r, def, src);
                facts.routes.push(r);
            }
            None if fw != "starlette" && is_django_function_view(def, &decos, views_file, src) => {
                let mut r = Route::new("django", &file.rel_path, span(file, def), def.start_byte());
                r.handler = name_of(def, src);
                r.handler_span = Some(span(file, def));
                r.methods = vec!["ANY".to_string()];
                r.params.push(RouteParam {
                    name: "request".into(),
                    source: "request".into(),
                    ty: None,
                });
                django_methods(&mut r, &decos, src);
                protections(&mut r, &decos, src, None);
                body_facts(&mut r, def, src);
                facts.routes.push(r);
            }
            None => {}
        }
    }
    registered_routes(ctx, fw, facts);
    router_prefixes(ctx, facts);
    module_settings(ctx, facts);
}

/// Routes registered by call: Flask `app.add_url_rule("/x", view_func=f, methods=[...])`,
/// Starlette `Route("/x", endpoint=f, methods=[...])`.
fn registered_routes(ctx: &FileContext<'_>, fw: &'static str, facts: &mut FileFacts) {
    let (file, src) = (ctx.file, ctx.src());
    for c in ctx.calls_named(|n| n == "add_url_rule" || n == "Route") {
        let Some(path) = c
            .positional(0)
            .or_else(|| c.keyword("rule"))
            .or_else(|| c.keyword("path"))
            .and_then(|n| ast::string_value(n, src))
            .filter(|p| p.starts_with('/'))
        else {
            continue;
        };
        let view = if c.name == "Route" {
            c.positional(1).or_else(|| c.keyword("endpoint"))
        } else {
            c.keyword("view_func").or_else(|| c.positional(2))
        };
        let Some(view) = view else { continue };
        let framework = if c.name == "Route" { "starlette" } else { fw };
        let mut r = Route::new(
            framework,
            &file.rel_path,
            span(file, c.node),
            c.node.start_byte(),
        );
        r.path = path;
        r.scope = c
            .receiver
            .and_then(|n| ast::dotted_path(n, src, PY))
            .unwrap_or_default();
        r.methods = c
            .keyword("methods")
            .map(|m| strings_in(m, src))
            .unwrap_or_default()
            .into_iter()
            .map(|m| m.to_uppercase())
            .collect();
        if r.methods.is_empty() {
            r.methods.push("GET".into());
        }
        let view_name = ast::dotted_path(view, src, PY).unwrap_or_default();
        r.handler = view_name.clone();
        let def = ctx
            .all_of_kind(&["function_definition"])
            .into_iter()
            .find(|d| name_of(*d, src) == last(&view_name));
        if let Some(def) = def {
            r.handler_span = Some(span(file, def));
            let decos = decorators(def, src);
            protections(&mut r, &decos, src, None);
            body_facts(&mut r, def, src);
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

/// `router = APIRouter(prefix="/orders")`, `bp = Blueprint("admin", __name__,
/// url_prefix="/admin")`: the prefix of every route declared on them in this file.
fn router_prefixes(ctx: &FileContext<'_>, facts: &mut FileFacts) {
    let src = ctx.src();
    for c in ctx.calls_named(|n| n == "APIRouter" || n == "Blueprint") {
        let Some(prefix) = c
            .keyword("prefix")
            .or_else(|| c.keyword("url_prefix"))
            .and_then(|p| ast::string_value(p, src))
        else {
            continue;
        };
        let Some(scope) = ast::destination(c.node, src, ast::Climb::Value) else {
            continue;
        };
        for r in facts.routes.iter_mut().filter(|r| r.scope == scope.name()) {
            r.path = crate::model::join_path(&prefix, &r.path);
        }
    }
}

fn last(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

fn name_of(def: Node<'_>, src: &str) -> String {
    def.child_by_field_name("name")
        .map(|n| ast::text(n, src).to_string())
        .unwrap_or_default()
}

/// Names assigned a `Flask(...)`/`FastAPI(...)` application: their hooks cover every route.
fn app_objects(ctx: &FileContext<'_>) -> Vec<String> {
    let src = ctx.src();
    let mut out = Vec::new();
    for c in ctx.calls_named(|n| matches!(n, "Flask" | "FastAPI" | "Quart" | "Starlette")) {
        if let Some(ast::Destination::Variable(v)) =
            ast::destination(c.node, src, ast::Climb::Value)
        {
            out.push(v);
        }
    }
    out
}

fn is_route_decorator(d: &Deco<'_>, src: &str) -> bool {
    let Some(call) = &d.call else { return false };
    let Some((recv, method)) = d.name.rsplit_once('.') else {
        return false;
    };
    if !ROUTE_DECORATORS.contains(&method) || NOT_APPS.contains(&recv) {
        return false;
    }
    let path = call
        .positional(0)
        .or_else(|| call.keyword("path"))
        .or_else(|| call.keyword("rule"))
        .and_then(|n| ast::string_value(n, src));
    match path {
        Some(p) => p.starts_with('/') || (p.is_empty() && method == "route"),
        None => false,
    }
}

fn decorated_route(file: &SourceFile, def: Node<'_>, d: &Deco<'_>, fw: &'static str) -> Route {
    let src = file.text.as_str();
    let mut r = Route::new(fw, &file.rel_path, span(file, d.node), d.node.start_byte());
    r.handler = name_of(def, src);
    r.handler_span = Some(span(file, def));
    let (recv, method) = d.name.rsplit_once('.').unwrap_or(("", &d.name));
    r.scope = recv.to_string();
    if let Some(call) = &d.call {
        if let Some(p) = call
            .positional(0)
            .or_else(|| call.keyword("path"))
            .or_else(|| call.keyword("rule"))
            .and_then(|n| ast::string_value(n, src))
        {
            r.path = p;
        }
        r.methods = match method {
            "route" | "api_route" => call
                .keyword("methods")
                .map(|m| strings_in(m, src))
                .unwrap_or_default()
                .into_iter()
                .map(|m| m.to_uppercase())
                .collect(),
            m => vec![m.to_uppercase()],
        };
    }
    if r.methods.is_empty() {
        r.methods.push("GET".into());
    }
    for (name, ty) in path_params(&r.path) {
        r.params.push(RouteParam {
            name,
            source: "path".into(),
            ty,
        });
    }
    r
}

/// Decorators and FastAPI dependencies that authenticate, rate-limit or exempt from CSRF.
fn protections(r: &mut Route, decos: &[Deco<'_>], src: &str, route_deco: Option<Node<'_>>) {
    for d in decos {
        if Some(d.node) == route_deco {
            if let Some(call) = &d.call {
                if let Some(deps) = call.keyword("dependencies") {
                    dependencies(r, deps, src);
                }
            }
            continue;
        }
        let text = short(d.node, src);
        let optional = d
            .call
            .as_ref()
            .and_then(|c| c.keyword("optional"))
            .is_some_and(|v| ast::text(v, src) == "True");
        let inner = d
            .call
            .as_ref()
            .and_then(|c| c.positional(0))
            .and_then(|a| ast::dotted_path(a, src, PY))
            .unwrap_or_default();
        let n = last(&d.name);
        if n.contains("csrf_exempt") || d.name == "csrf.exempt" || inner.ends_with("csrf_exempt") {
            r.csrf = Some("exempt".into());
        } else if is_anonymous_name(n) || n == "login_not_required" || text.contains("AllowAny") {
            r.mark_anonymous(text.clone());
        } else if is_rate_limit_name(&d.name) || is_rate_limit_name(&inner) {
            r.limit(text.clone());
        } else if !optional && (is_auth_name(&d.name) || is_auth_name(&inner) || n == "requires") {
            r.require_auth(text.clone());
        }
        r.middleware.push(text);
    }
}

/// `dependencies=[Depends(verify_token)]` and `Depends(...)`/`Security(...)` in parameters.
fn dependencies(r: &mut Route, node: Node<'_>, src: &str) {
    for c in ast::calls_named(node, src, PY, |n| matches!(n, "Depends" | "Security")) {
        let dep = c
            .positional(0)
            .or_else(|| c.keyword("dependency"))
            .map(|a| match ast::call(a, src, PY) {
                Some(inner) => inner.path.unwrap_or(inner.name),
                None => ast::dotted_path(a, src, PY).unwrap_or_default(),
            })
            .unwrap_or_default();
        let text = short(c.node, src);
        if is_rate_limit_name(&dep) {
            r.limit(text.clone());
        } else if c.name == "Security" || is_auth_name(&dep) {
            r.require_auth(text.clone());
        } else {
            continue;
        }
        r.middleware.push(text);
    }
}

/// FastAPI handler parameters: path, query, body, header, cookie; dependencies that
/// authenticate.
fn fastapi_params(r: &mut Route, def: Node<'_>, src: &str) {
    let Some(params) = def.child_by_field_name("parameters") else {
        return;
    };
    dependencies(r, params, src);
    for p in ast::named_children(params) {
        let name_node = match p.kind() {
            "identifier" => Some(p),
            _ => p.child_by_field_name("name").or_else(|| {
                ast::named_children(p)
                    .into_iter()
                    .find(|c| c.kind() == "identifier")
            }),
        };
        let Some(name_node) = name_node else { continue };
        let name = ast::text(name_node, src).to_string();
        let ty = p
            .child_by_field_name("type")
            .map(|t| ast::text(t, src).to_string());
        let default = p.child_by_field_name("value");
        let default_call = default.and_then(|v| ast::call(v, src, PY));
        let marker = default_call.as_ref().map(|c| c.name.as_str()).or_else(|| {
            ty.as_deref()
                .filter(|t| t.starts_with("Annotated"))
                .and_then(|t| {
                    [
                        "Depends", "Security", "Query", "Body", "Header", "Cookie", "Form", "File",
                        "Path",
                    ]
                    .into_iter()
                    .find(|m| t.contains(&format!("{m}(")))
                })
        });
        let source = match marker {
            Some("Depends" | "Security") => continue,
            Some("Query") => "query",
            Some("Body") => "body",
            Some("Header") => "header",
            Some("Cookie") => "cookie",
            Some("Form" | "File") => "form",
            Some("Path") => "path",
            _ => {
                let t = ty.as_deref().unwrap_or("");
                if matches!(name.as_str(), "request" | "response" | "db" | "session")
                    || t.contains("Request")
                    || t.contains("Session")
                    || t.contains("BackgroundTasks")
                {
                    continue;
                }
                if r.params.iter().any(|x| x.name == name) {
                    continue;
                }
                let scalar = t.is_empty()
                    || [
                        "str", "int", "float", "bool", "Optional", "List", "list", "UUID",
                    ]
                    .iter()
                    .any(|s| t.starts_with(s));
                if scalar {
                    "query"
                } else {
                    "body"
                }
            }
        };
        r.params.retain(|x| x.name != name);
        r.params.push(RouteParam {
            name,
            source: source.into(),
            ty,
        });
    }
}

/// Authentication checks, writes and request reads inside a handler's body.
fn body_facts(r: &mut Route, def: Node<'_>, src: &str) {
    let Some(body) = def.child_by_field_name("body") else {
        return;
    };
    for c in ast::calls(body, src, PY) {
        let path = c.path.clone().unwrap_or_else(|| c.name.clone());
        if is_write_call(&c.name) && c.receiver.is_some() {
            r.writes = true;
        }
        if is_auth_check_call(&path) {
            r.require_auth(format!("calls `{}`", short(c.node, src)));
        }
        if matches!(
            c.name.as_str(),
            "abort" | "HTTPException" | "PermissionDenied"
        ) && c
            .args
            .iter()
            .any(|a| is_denial_status(ast::text(a.value, src)))
        {
            r.require_auth(format!("`{}`", short(c.node, src)));
        }
        if c.name == "PermissionDenied" {
            r.require_auth(format!("`{}`", short(c.node, src)));
        }
        if c.name == "get" {
            request_read(r, &c, src);
        }
    }
    for cond in ast::descendants_of_kind(body, &["if_statement"]) {
        let Some(cond) = cond.child_by_field_name("condition") else {
            continue;
        };
        let t = ast::text(cond, src);
        if t.contains("is_authenticated")
            || t.contains("is_anonymous")
            || (t.contains("session") && (t.contains("user") || t.contains("logged")))
            || t.contains("is_staff")
            || t.contains("is_superuser")
        {
            r.require_auth(format!("checks `{}`", short(cond, src)));
        }
    }
    let t = ast::text(body, src);
    if t.contains("request.POST")
        || t.contains("request.method == \"POST\"")
        || t.contains("request.method == 'POST'")
    {
        r.writes = true;
    }
}

/// `request.args.get("q")`, `request.form.get("name")`: a parameter of the route.
fn request_read(r: &mut Route, c: &Call<'_>, src: &str) {
    let Some(recv) = c.receiver.and_then(|n| ast::dotted_path(n, src, PY)) else {
        return;
    };
    let source = match recv.as_str() {
        "request.args" => "query",
        "request.form" | "request.values" | "request.files" => "form",
        "request.headers" => "header",
        "request.cookies" => "cookie",
        "request.json" => "body",
        "request.GET" => "query",
        "request.POST" | "request.data" => "body",
        _ => return,
    };
    let Some(name) = c.positional(0).and_then(|n| ast::string_value(n, src)) else {
        return;
    };
    if !r.params.iter().any(|p| p.name == name) {
        r.params.push(RouteParam {
            name,
            source: source.into(),
            ty: None,
        });
    }
}

/// `@app.before_request` hooks that reject unauthenticated requests protect the app's (or
/// the blueprint's) routes.
fn before_request(
    file: &SourceFile,
    def: Node<'_>,
    d: &Deco<'_>,
    apps: &[String],
    facts: &mut FileFacts,
) {
    let src = file.text.as_str();
    let mut probe = Route::new("flask", &file.rel_path, span(file, def), 0);
    body_facts(&mut probe, def, src);
    if probe.auth != rampart_core::AuthState::Required {
        if let Some(body) = def.child_by_field_name("body") {
            let t = ast::text(body, src);
            let redirects_to_login = t.contains("redirect") && t.contains("login");
            if !redirects_to_login {
                return;
            }
        } else {
            return;
        }
    }
    let recv = d.name.rsplit_once('.').map_or("", |(r, _)| r).to_string();
    let whole_app = apps.contains(&recv) || recv == "app";
    facts.globals.push(Global {
        control: Control::Auth,
        family: "python",
        scope: if whole_app {
            String::new()
        } else {
            recv.clone()
        },
        prefix: None,
        order: 0,
        evidence: format!("@{}.before_request {}", recv, name_of(def, src)),
        file: file.rel_path.clone(),
    });
}

fn is_django_function_view(def: Node<'_>, decos: &[Deco<'_>], views_file: bool, src: &str) -> bool {
    // Module-level functions only.
    let top = def
        .parent()
        .map(|p| {
            if p.kind() == "decorated_definition" {
                p.parent()
            } else {
                Some(p)
            }
        })
        .is_some_and(|p| p.is_some_and(|p| p.kind() == "module"));
    if !top {
        return false;
    }
    let first = def
        .child_by_field_name("parameters")
        .and_then(|p| ast::named_children(p).into_iter().next())
        .map(|p| {
            ast::text(p, src)
                .split([':', '='])
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        });
    if first.as_deref() != Some("request") {
        return false;
    }
    views_file
        || decos.iter().any(|d| {
            matches!(
                last(&d.name),
                "api_view"
                    | "require_POST"
                    | "require_GET"
                    | "require_http_methods"
                    | "login_required"
            )
        })
}

fn django_methods(r: &mut Route, decos: &[Deco<'_>], src: &str) {
    for d in decos {
        let methods = match last(&d.name) {
            "require_POST" => vec!["POST".to_string()],
            "require_GET" | "require_safe" => vec!["GET".to_string()],
            "api_view" | "require_http_methods" => d
                .call
                .as_ref()
                .and_then(|c| c.positional(0).or_else(|| c.keyword("http_method_names")))
                .map(|n| strings_in(n, src))
                .unwrap_or_else(|| vec!["GET".to_string()]),
            _ => continue,
        };
        r.methods = methods.into_iter().map(|m| m.to_uppercase()).collect();
    }
}

const CBV_METHODS: &[(&str, &str)] = &[
    ("get", "GET"),
    ("post", "POST"),
    ("put", "PUT"),
    ("patch", "PATCH"),
    ("delete", "DELETE"),
    ("list", "GET"),
    ("retrieve", "GET"),
    ("create", "POST"),
    ("update", "PUT"),
    ("partial_update", "PATCH"),
    ("destroy", "DELETE"),
];

/// Django class-based views and DRF views/viewsets.
fn django_class(file: &SourceFile, class: Node<'_>, decos: &[Deco<'_>], facts: &mut FileFacts) {
    let src = file.text.as_str();
    let bases: Vec<String> = class
        .child_by_field_name("superclasses")
        .map(|s| {
            ast::named_children(s)
                .into_iter()
                .map(|b| ast::text(b, src).to_string())
                .collect()
        })
        .unwrap_or_default();
    let is_view = bases
        .iter()
        .any(|b| b.ends_with("View") || b.ends_with("ViewSet") || b.ends_with("APIView"));
    if !is_view {
        return;
    }
    let class_name = name_of(class, src);
    let Some(body) = class.child_by_field_name("body") else {
        return;
    };
    let mut template = Route::new(
        "django",
        &file.rel_path,
        span(file, class),
        class.start_byte(),
    );
    for b in &bases {
        if matches!(
            last(b),
            "LoginRequiredMixin"
                | "PermissionRequiredMixin"
                | "UserPassesTestMixin"
                | "StaffRequiredMixin"
        ) || is_auth_name(last(b))
        {
            template.require_auth(b.clone());
        }
    }
    protections(&mut template, decos, src, None);
    for stmt in ast::named_children(body) {
        let Some(assign) = ast::named_children(stmt)
            .into_iter()
            .find(|c| c.kind() == "assignment")
        else {
            continue;
        };
        let (Some(left), Some(right)) = (
            assign.child_by_field_name("left"),
            assign.child_by_field_name("right"),
        ) else {
            continue;
        };
        let value = ast::text(right, src);
        match ast::text(left, src) {
            "permission_classes" => {
                if value.contains("AllowAny") {
                    template.mark_anonymous(format!("permission_classes = {value}"));
                } else if value
                    .trim_matches(['[', ']', '(', ')', ' ', ','])
                    .is_empty()
                {
                    template.mark_anonymous("permission_classes = []".to_string());
                } else {
                    template.require_auth(format!("permission_classes = {value}"));
                }
            }
            "throttle_classes" | "throttle_scope" => {
                template.limit(format!("{} = {value}", ast::text(left, src)));
            }
            _ => {}
        }
    }
    let mut methods = Vec::new();
    for m in ast::descendants_of_kind(body, &["function_definition"]) {
        if m.parent().map(|p| p.id()) != Some(body.id())
            && m.parent().and_then(|p| p.parent()).map(|p| p.id()) != Some(body.id())
        {
            continue;
        }
        let name = name_of(m, src);
        let Some((_, verb)) = CBV_METHODS.iter().find(|(n, _)| *n == name) else {
            continue;
        };
        let mut r = template.clone();
        r.methods = vec![verb.to_string()];
        r.handler = format!("{class_name}.{name}");
        r.handler_span = Some(span(file, m));
        r.span = span(file, m);
        r.line = r.span.start_line;
        r.order = m.start_byte();
        protections(&mut r, &decorators(m, src), src, None);
        body_facts(&mut r, m, src);
        methods.push(r);
    }
    if methods.is_empty() {
        let mut r = template;
        r.handler = class_name;
        r.methods = if bases
            .iter()
            .any(|b| b.contains("ReadOnly") || b.starts_with("List") || b.starts_with("Retrieve"))
        {
            vec!["GET".into()]
        } else {
            vec!["ANY".into()]
        };
        r.writes = bases.iter().any(|b| {
            b.contains("Model")
                || b.contains("Create")
                || b.contains("Update")
                || b.contains("Destroy")
        });
        r.handler_span = Some(span(file, class));
        methods.push(r);
    }
    facts.routes.extend(methods);
}

/// URL patterns, limiter defaults and settings that protect every route.
fn module_settings(ctx: &FileContext<'_>, facts: &mut FileFacts) {
    let (file, src) = (ctx.file, ctx.src());
    let global = |control, evidence: String| Global {
        control,
        family: "python",
        scope: String::new(),
        prefix: None,
        order: 0,
        evidence,
        file: file.rel_path.clone(),
    };
    for c in ctx.calls_named(|n| {
        matches!(
            n,
            "path"
                | "re_path"
                | "url"
                | "Limiter"
                | "register"
                | "add_middleware"
                | "APIRouter"
                | "include_router"
        )
    }) {
        match c.name.as_str() {
            // `router = APIRouter(dependencies=[Depends(get_current_user)])` and
            // `app.include_router(router, dependencies=[...])`: every route of the router.
            "APIRouter" | "include_router" => {
                let Some(deps) = c.keyword("dependencies") else {
                    continue;
                };
                let mut probe = Route::new("fastapi", &file.rel_path, span(file, c.node), 0);
                dependencies(&mut probe, deps, src);
                let scope = if c.name == "APIRouter" {
                    ast::destination(c.node, src, ast::Climb::Value).map(|d| d.name().to_string())
                } else {
                    c.positional(0).and_then(|r| ast::dotted_path(r, src, PY))
                };
                let Some(scope) = scope else { continue };
                let auth = probe
                    .auth_evidence
                    .filter(|_| probe.auth == rampart_core::AuthState::Required);
                for (control, evidence) in [
                    (Control::Auth, auth),
                    (Control::RateLimit, probe.rate_limit_evidence),
                ] {
                    if let Some(evidence) = evidence {
                        facts.globals.push(Global {
                            control,
                            family: "python",
                            scope: scope.clone(),
                            prefix: None,
                            order: 0,
                            evidence: format!("{scope}: {evidence}"),
                            file: file.rel_path.clone(),
                        });
                    }
                }
            }
            "path" | "re_path" | "url" if c.receiver.is_none() => {
                let (Some(p), Some(view)) = (
                    c.positional(0).and_then(|n| ast::string_value(n, src)),
                    c.positional(1),
                ) else {
                    continue;
                };
                let view_name = match ast::call(view, src, PY) {
                    Some(v) if v.name == "as_view" => v
                        .receiver
                        .and_then(|r| ast::dotted_path(r, src, PY))
                        .unwrap_or_default(),
                    Some(_) => continue,
                    None => ast::dotted_path(view, src, PY).unwrap_or_default(),
                };
                facts.urls.push(UrlPattern {
                    path: format!("/{}", p.trim_start_matches('^').trim_end_matches('$')),
                    view: last(&view_name).to_string(),
                });
            }
            "register" if c.receiver.is_some() => {
                if let (Some(p), Some(view)) = (
                    c.positional(0).and_then(|n| ast::string_value(n, src)),
                    c.positional(1).and_then(|n| ast::dotted_path(n, src, PY)),
                ) {
                    facts.urls.push(UrlPattern {
                        path: format!("/{}/", p.trim_start_matches('^').trim_matches('/')),
                        view: last(&view).to_string(),
                    });
                }
            }
            "Limiter"
                if c.keyword("default_limits").is_some()
                    || c.keyword("application_limits").is_some() =>
            {
                facts
                    .globals
                    .push(global(Control::RateLimit, short(c.node, src)));
            }
            "add_middleware" => {
                let arg = c.positional(0).map(|a| ast::text(a, src)).unwrap_or("");
                if is_rate_limit_name(arg) {
                    facts
                        .globals
                        .push(global(Control::RateLimit, short(c.node, src)));
                }
            }
            _ => {}
        }
    }
    // Django settings: middleware and DRF defaults are strings in lists and dicts.
    for pair in ctx.all_of_kind(&["pair"]) {
        let (Some(k), Some(v)) = (
            pair.child_by_field_name("key"),
            pair.child_by_field_name("value"),
        ) else {
            continue;
        };
        let key = ast::string_value(k, src).unwrap_or_default();
        let value = ast::text(v, src);
        if key == "DEFAULT_PERMISSION_CLASSES"
            && !value.contains("AllowAny")
            && strings_in(v, src).iter().any(|s| !s.is_empty())
        {
            facts
                .globals
                .push(global(Control::Auth, format!("REST_FRAMEWORK {key}")));
        }
        if key == "DEFAULT_THROTTLE_CLASSES" && !strings_in(v, src).is_empty() {
            facts
                .globals
                .push(global(Control::RateLimit, format!("REST_FRAMEWORK {key}")));
        }
    }
    // Only settings modules name these middlewares: skip the string walk elsewhere.
    if !["LoginRequiredMiddleware", "axes", "Axes"]
        .iter()
        .any(|w| src.contains(w))
    {
        return;
    }
    for s in ctx.all_of_kind(&["string"]) {
        let Some(v) = ast::string_value(s, src) else {
            continue;
        };
        if v.ends_with("LoginRequiredMiddleware") {
            facts.globals.push(global(Control::Auth, v));
        } else if v == "axes" || v.ends_with("AxesMiddleware") {
            facts.globals.push(global(Control::RateLimit, v));
        }
    }
}
