use super::{finding, is_true, pairs, shown};
use crate::ast::{self, Call};
use crate::{FileContext, StructuralRule};
use rampart_core::{Finding, Language};
use tree_sitter::Node;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds CORS configurations that allow any origin, or reflect the request's `Origin`,
    /// together with credentials (cookies, HTTP authentication):
    /// - Python: Flask-CORS `CORS(app, supports_credentials=True)` with the default or a `*`
    ///   origin, Starlette/FastAPI `CORSMiddleware(allow_origins=["*"], allow_credentials=True)`
    ///   or a match-all `allow_origin_regex`, django-cors-headers `CORS_ALLOW_ALL_ORIGINS = True`
    ///   with `CORS_ALLOW_CREDENTIALS = True`;
    /// - JavaScript: `cors({ origin: true | '*' | (o, cb) => cb(null, true), credentials: true })`;
    /// - Java: `@CrossOrigin(origins = "*", allowCredentials = "true")`, `allowedOrigins("*")`
    ///   or `allowedOriginPatterns("*")` with `allowCredentials(true)`;
    /// - C#: `AllowAnyOrigin()` or `SetIsOriginAllowed(_ => true)` with `AllowCredentials()`;
    /// - Go: gin-contrib/cors and rs/cors options with every origin allowed and
    ///   `AllowCredentials: true`;
    /// - and, in every language, `Access-Control-Allow-Origin` set to `*` or to the request's
    ///   `Origin` header in code that also sends `Access-Control-Allow-Credentials: true`.
    ///
    /// ## Why is this bad
    /// With credentials allowed, any website the victim visits can send authenticated requests
    /// to the API and read the responses: the same-origin policy no longer protects the user's
    /// data. Reflecting the `Origin` header is the same as `*`, and it is what libraries do
    /// with `origin: true`.
    ///
    /// ## Example
    /// ```python
    /// app.add_middleware(
    ///     CORSMiddleware,
    ///     allow_origins=["*"],
    ///     allow_credentials=True,
    ///     allow_methods=["*"],
    /// )
    /// ```
    ///
    /// ## Fix
    /// List the origins that may call the API:
    /// ```python
    /// app.add_middleware(
    ///     CORSMiddleware,
    ///     allow_origins=["https://app.example.com"],
    ///     allow_credentials=True,
    /// )
    /// ```
    ///
    /// ## References
    /// - [CWE-942: Permissive Cross-domain Policy with Untrusted Domains](https://cwe.mitre.org/data/definitions/942.html)
    /// - [PortSwigger: CORS vulnerabilities](https://portswigger.net/web-security/cors)
    pub static CORS_MISCONFIGURATION = {
        id: "cors-misconfiguration",
        name: "CorsMisconfiguration",
        cwe: 942,
        severity: High,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "CORS allows any or a reflected origin together with credentials",
        help: "allow credentials only for an explicit list of trusted origins",
    }
}

pub struct CorsMisconfiguration;

impl StructuralRule for CorsMisconfiguration {
    fn meta(&self) -> &'static rampart_core::RuleMeta {
        &CORS_MISCONFIGURATION
    }

    fn check(&self, ctx: &FileContext<'_>, out: &mut Vec<Finding>) {
        let src = ctx.file.text.as_str();
        let lower = ctx.lowercase();
        if !lower.contains("cors")
            && !lower.contains("access-control-allow")
            && !lower.contains("crossorigin")
        {
            return;
        }
        let lang = ctx.file.language;
        let root = ctx.tree.root_node();
        let mut hits: Vec<(Node<'_>, String)> = Vec::new();
        let calls = ast::calls(root, src, lang);
        for call in &calls {
            options_call(call, src, &mut hits);
        }
        chains(&calls, src, &mut hits);
        headers(&calls, root, src, &mut hits);
        match lang {
            Language::Python => django_settings(root, src, &mut hits),
            Language::Java => cross_origin_annotations(root, src, &mut hits),
            Language::Go => go_options(root, src, &mut hits),
            _ => {}
        }
        let mut seen = Vec::new();
        for (node, message) in hits {
            if seen.contains(&node.start_byte()) {
                continue;
            }
            seen.push(node.start_byte());
            out.push(finding(&CORS_MISCONFIGURATION, ctx, node, message).build());
        }
    }
}

/// Whether an origin setting allows every origin: `*`, `["*"]`, `.*`, `true`, a function that
/// always accepts.
fn any_origin(v: Node<'_>, src: &str) -> bool {
    let t = ast::text(v, src).trim();
    if matches!(t, "true" | "True") {
        return true;
    }
    if ast::is_function(v) {
        let body = ast::text(v, src);
        return (body.contains("null, true")
            || body.ends_with("=> true")
            || body.contains("return true"))
            && !body.contains("includes")
            && !body.contains("indexOf")
            && !body.contains(" in ")
            && !body.contains("contains")
            && !body.contains("Contains");
    }
    let mut any = false;
    ast::walk(v, |n| {
        if ast::is_string_literal(n) {
            if let Some(s) = ast::string_value(n, src) {
                if matches!(
                    s.as_str(),
                    "*" | ".*" | ".+" | "^.*$" | "https?://.*" | "*://*"
                ) {
                    any = true;
                }
            }
        }
    });
    any
}

/// Reflects the request's origin: `req.headers.origin`, `request.headers.get("Origin")`.
fn reflects(v: Node<'_>, src: &str) -> bool {
    let t = ast::text(v, src);
    (t.contains("req") || t.contains("request") || t.contains("Request") || t.contains("r.Header"))
        && (t.contains("origin") || t.contains("Origin"))
}

fn options_call<'t>(call: &Call<'t>, src: &str, hits: &mut Vec<(Node<'t>, String)>) {
    let shown_call = shown(call.node, src);
    match call.name.as_str() {
        // Flask-CORS: origins default to `*`.
        "CORS" | "cross_origin" => {
            let creds = call
                .keyword("supports_credentials")
                .is_some_and(|v| is_true(v, src));
            let origins = call
                .keyword("origins")
                .or_else(|| call.keyword("resources"));
            if creds && origins.is_none_or(|o| any_origin(o, src)) {
                hits.push((
                    call.node,
                    format!("`{shown_call}` allows credentials from every origin"),
                ));
            }
        }
        "add_middleware" | "CORSMiddleware" | "Middleware" => {
            if !call
                .args
                .iter()
                .any(|a| ast::text(a.value, src).contains("CORSMiddleware"))
                && call.name != "CORSMiddleware"
            {
                return;
            }
            let creds = call
                .keyword("allow_credentials")
                .is_some_and(|v| is_true(v, src));
            let any = call
                .keyword("allow_origins")
                .is_some_and(|v| any_origin(v, src))
                || call
                    .keyword("allow_origin_regex")
                    .is_some_and(|v| any_origin(v, src));
            if creds && any {
                hits.push((
                    call.node,
                    format!("`{shown_call}` allows credentials from every origin"),
                ));
            }
        }
        "cors" | "enableCors" | "register" => {
            let Some(obj) = call
                .args
                .iter()
                .map(|a| a.value)
                .find(|v| v.kind() == "object")
            else {
                return;
            };
            let ps = pairs(obj, src);
            let creds = ps
                .iter()
                .any(|(k, v)| k == "credentials" && is_true(*v, src));
            let origin = ps.iter().find(|(k, _)| k == "origin").map(|(_, v)| *v);
            if creds && origin.is_some_and(|o| any_origin(o, src) || reflects(o, src)) {
                hits.push((
                    call.node,
                    format!("`{shown_call}` allows credentials from every origin"),
                ));
            }
        }
        _ => {}
    }
}

/// Builder chains and setters (Spring `CorsRegistry`/`CorsConfiguration`, ASP.NET Core
/// `CorsPolicyBuilder`): every origin in one call, credentials in the same statement or
/// function.
fn chains<'t>(calls: &[Call<'t>], src: &str, hits: &mut Vec<(Node<'t>, String)>) {
    let creds_scopes: Vec<Node<'_>> = calls
        .iter()
        .filter(|c| {
            (matches!(c.name.as_str(), "allowCredentials" | "setAllowCredentials")
                && c.positional(0).is_some_and(|v| is_true(v, src)))
                || c.name == "AllowCredentials"
        })
        .map(|c| scope_of(c.node))
        .collect();
    if creds_scopes.is_empty() {
        return;
    }
    for c in calls {
        let any = match c.name.as_str() {
            "allowedOrigins"
            | "allowedOriginPatterns"
            | "addAllowedOrigin"
            | "addAllowedOriginPattern"
            | "setAllowedOrigins"
            | "setAllowedOriginPatterns"
            | "WithOrigins" => c.args.iter().any(|a| any_origin(a.value, src)),
            "AllowAnyOrigin" => true,
            "SetIsOriginAllowed" => c.positional(0).is_some_and(|f| any_origin(f, src)),
            _ => false,
        };
        if any && creds_scopes.iter().any(|s| *s == scope_of(c.node)) {
            hits.push((
                c.node,
                format!(
                    "`{}` allows every origin while credentials are allowed",
                    shown(c.node, src)
                ),
            ));
        }
    }
}

fn scope_of(n: Node<'_>) -> Node<'_> {
    ast::enclosing_function(n).unwrap_or_else(|| {
        let mut cur = n;
        while let Some(p) = cur.parent() {
            cur = p;
        }
        cur
    })
}

/// `Access-Control-Allow-Origin` set by hand to `*` or the request's origin, in code that
/// also allows credentials.
fn headers<'t>(calls: &[Call<'t>], root: Node<'t>, src: &str, hits: &mut Vec<(Node<'t>, String)>) {
    let lower = src.to_ascii_lowercase();
    if !lower.contains("access-control-allow-credentials") {
        return;
    }
    let is_acao = |n: Node<'_>| {
        ast::string_value(n, src)
            .is_some_and(|s| s.eq_ignore_ascii_case("access-control-allow-origin"))
    };
    for c in calls {
        if let (Some(k), Some(v)) = (c.positional(0), c.positional(1)) {
            if is_acao(k) && (any_origin(v, src) || reflects(v, src)) {
                hits.push((
                    c.node,
                    format!(
                        "`{}` allows every origin while credentials are allowed",
                        shown(c.node, src)
                    ),
                ));
            }
        }
    }
    for a in ast::descendants_of_kind(root, &["assignment", "assignment_expression"]) {
        let (Some(l), Some(r)) = (
            a.child_by_field_name("left"),
            a.child_by_field_name("right"),
        ) else {
            continue;
        };
        let key = ast::named_children(l)
            .into_iter()
            .rev()
            .find(|n| ast::is_string_literal(*n));
        if key.is_some_and(is_acao) && (any_origin(r, src) || reflects(r, src)) {
            hits.push((
                a,
                format!(
                    "`{}` allows every origin while credentials are allowed",
                    shown(a, src)
                ),
            ));
        }
    }
}

/// django-cors-headers: `CORS_ALLOW_ALL_ORIGINS = True` with `CORS_ALLOW_CREDENTIALS = True`.
fn django_settings<'t>(root: Node<'t>, src: &str, hits: &mut Vec<(Node<'t>, String)>) {
    let mut allow_all = None;
    let mut creds = false;
    for a in ast::descendants_of_kind(root, &["assignment"]) {
        let (Some(l), Some(r)) = (
            a.child_by_field_name("left"),
            a.child_by_field_name("right"),
        ) else {
            continue;
        };
        match ast::text(l, src) {
            "CORS_ALLOW_ALL_ORIGINS" | "CORS_ORIGIN_ALLOW_ALL" if is_true(r, src) => {
                allow_all = Some(a)
            }
            "CORS_ALLOW_CREDENTIALS" if is_true(r, src) => creds = true,
            _ => {}
        }
    }
    if let (Some(a), true) = (allow_all, creds) {
        hits.push((
            a,
            format!(
                "`{}` with `CORS_ALLOW_CREDENTIALS = True` allows credentials from every origin",
                shown(a, src)
            ),
        ));
    }
}

fn cross_origin_annotations<'t>(root: Node<'t>, src: &str, hits: &mut Vec<(Node<'t>, String)>) {
    for a in ast::descendants_of_kind(root, &["annotation"]) {
        if a.child_by_field_name("name").map(|n| ast::text(n, src)) != Some("CrossOrigin") {
            continue;
        }
        let Some(args) = a.child_by_field_name("arguments") else {
            continue;
        };
        let mut any = false;
        let mut creds = false;
        for p in ast::named_children(args) {
            let (Some(k), Some(v)) = (p.child_by_field_name("key"), p.child_by_field_name("value"))
            else {
                continue;
            };
            match ast::text(k, src) {
                "origins" | "value" | "originPatterns" => any |= any_origin(v, src),
                "allowCredentials" => creds |= ast::string_value(v, src).as_deref() == Some("true"),
                _ => {}
            }
        }
        if creds && (any || !ast::text(args, src).contains("origin")) {
            hits.push((
                a,
                format!("`{}` allows credentials from every origin", shown(a, src)),
            ));
        }
    }
}

/// gin-contrib/cors `cors.Config{AllowAllOrigins: true, AllowCredentials: true}` and rs/cors
/// `cors.Options{AllowedOrigins: []string{"*"}, AllowCredentials: true}`.
fn go_options<'t>(root: Node<'t>, src: &str, hits: &mut Vec<(Node<'t>, String)>) {
    for lit in ast::descendants_of_kind(root, &["literal_value"]) {
        let ps = pairs(lit, src);
        let creds = ps
            .iter()
            .any(|(k, v)| k == "AllowCredentials" && is_true(*v, src));
        let any = ps.iter().any(|(k, v)| match k.as_str() {
            "AllowAllOrigins" => is_true(*v, src),
            "AllowOrigins" | "AllowedOrigins" => any_origin(*v, src),
            "AllowOriginFunc" | "AllowOriginRequestFunc" => any_origin(*v, src),
            _ => false,
        });
        if creds && any {
            let node = lit.parent().unwrap_or(lit);
            hits.push((
                node,
                format!(
                    "`{}` allows credentials from every origin",
                    shown(node, src)
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_cases;

    #[test]
    fn python() {
        assert_cases(
            &CorsMisconfiguration,
            Language::Python,
            &[
                "app.add_middleware(\n    CORSMiddleware,\n    allow_origins=[\"*\"],\n    allow_credentials=True,\n    allow_methods=[\"*\"],\n)\n",
                "from flask_cors import CORS\nCORS(app, supports_credentials=True)\n",
                "CORS(app, resources={r\"/api/*\": {\"origins\": \"*\"}}, supports_credentials=True)\n",
                "CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n",
                "@app.after_request\ndef cors(resp):\n    resp.headers[\"Access-Control-Allow-Origin\"] = request.headers.get(\"Origin\")\n    resp.headers[\"Access-Control-Allow-Credentials\"] = \"true\"\n    return resp\n",
            ],
            &[
                "app.add_middleware(CORSMiddleware, allow_origins=[\"https://app.example.com\"], allow_credentials=True)\n",
                "app.add_middleware(CORSMiddleware, allow_origins=[\"*\"], allow_methods=[\"*\"])\n",
                "CORS(app)\n",
                "CORS_ALLOW_ALL_ORIGINS = True\n",
                "CORS(app, origins=[\"https://app.example.com\"], supports_credentials=True)\n",
            ],
        );
    }

    #[test]
    fn javascript() {
        assert_cases(
            &CorsMisconfiguration,
            Language::JavaScript,
            &[
                "app.use(cors({ origin: true, credentials: true }));\n",
                "app.use(cors({ origin: '*', credentials: true }));\n",
                "app.use(cors({ origin: (origin, callback) => callback(null, true), credentials: true }));\n",
                "app.use((req, res, next) => {\n  res.setHeader('Access-Control-Allow-Origin', req.headers.origin);\n  res.setHeader('Access-Control-Allow-Credentials', 'true');\n  next();\n});\n",
            ],
            &[
                "app.use(cors({ origin: ['https://app.example.com'], credentials: true }));\n",
                "app.use(cors());\n",
                "app.use(cors({ origin: (origin, cb) => cb(null, allowed.includes(origin)), credentials: true }));\n",
                "res.setHeader('Access-Control-Allow-Origin', '*');\n",
            ],
        );
    }

    #[test]
    fn java_csharp_go() {
        assert_cases(
            &CorsMisconfiguration,
            Language::Java,
            &[
                "@CrossOrigin(origins = \"*\", allowCredentials = \"true\")\nclass A {}",
                "class A { void f(CorsRegistry r) { r.addMapping(\"/**\").allowedOriginPatterns(\"*\").allowCredentials(true); } }",
                "class A { CorsConfigurationSource s() { CorsConfiguration c = new CorsConfiguration(); c.setAllowedOrigins(List.of(\"*\")); c.setAllowCredentials(true); return null; } }",
            ],
            &[
                "@CrossOrigin(origins = \"https://app.example.com\", allowCredentials = \"true\")\nclass A {}",
                "class A { void f(CorsRegistry r) { r.addMapping(\"/**\").allowedOrigins(\"*\"); } }",
                "class A { void f(CorsRegistry r) { r.addMapping(\"/**\").allowedOrigins(\"https://a.example\").allowCredentials(true); } }",
            ],
        );
        assert_cases(
            &CorsMisconfiguration,
            Language::CSharp,
            &[
                "class A { void F(IServiceCollection s) { s.AddCors(o => o.AddDefaultPolicy(p => p.AllowAnyOrigin().AllowAnyHeader().AllowCredentials())); } }",
                "class A { void F(IServiceCollection s) { s.AddCors(o => o.AddPolicy(\"x\", p => p.SetIsOriginAllowed(_ => true).AllowCredentials())); } }",
                "class A { void F(CorsPolicyBuilder p) { p.WithOrigins(\"*\").AllowCredentials(); } }",
            ],
            &[
                "class A { void F(IServiceCollection s) { s.AddCors(o => o.AddDefaultPolicy(p => p.WithOrigins(\"https://a.example\").AllowCredentials())); } }",
                "class A { void F(IServiceCollection s) { s.AddCors(o => o.AddDefaultPolicy(p => p.AllowAnyOrigin().AllowAnyHeader())); } }",
                "class A { void F() { var cors = 1; } }",
            ],
        );
        assert_cases(
            &CorsMisconfiguration,
            Language::Go,
            &[
                "package main\nfunc f() { r.Use(cors.New(cors.Config{AllowAllOrigins: true, AllowCredentials: true})) }\n",
                "package main\nfunc f() { c := cors.New(cors.Options{AllowedOrigins: []string{\"*\"}, AllowCredentials: true}); _ = c }\n",
                "package main\nfunc f() { r.Use(cors.New(cors.Config{AllowOriginFunc: func(origin string) bool { return true }, AllowCredentials: true})) }\n",
            ],
            &[
                "package main\nfunc f() { r.Use(cors.New(cors.Config{AllowOrigins: []string{\"https://a.example\"}, AllowCredentials: true})) }\n",
                "package main\nfunc f() { r.Use(cors.New(cors.Config{AllowAllOrigins: true})) }\n",
                "package main\nfunc f() { r.Use(cors.Default()) }\n",
            ],
        );
    }
}
