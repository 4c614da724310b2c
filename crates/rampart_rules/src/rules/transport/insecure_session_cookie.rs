use crate::ast;
use crate::rules::secrets::detect::is_test_path;
use crate::{FileContext, StructuralRule};
use rampart_core::{Confidence, Finding, Language, RuleMeta, Severity};
use tree_sitter::Node;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds framework settings that weaken the session (or authentication, remember-me, CSRF
    /// and JWT) cookie for the whole application, rather than one cookie set by code (that is
    /// `insecure-cookie`):
    /// - Django and Flask `SESSION_COOKIE_SECURE = False`, `SESSION_COOKIE_HTTPONLY = False`,
    ///   `SESSION_COOKIE_SAMESITE = "None"` (and the `CSRF_`, `REMEMBER_` and `JWT_COOKIE_`
    ///   variants), as module settings, `app.config[...]`, `config.update(...)` or dict keys;
    ///   Starlette `SessionMiddleware(same_site="none")` without `https_only=True`;
    /// - `express-session` and `@fastify/session` `cookie: { secure: false, httpOnly: false,
    ///   sameSite: 'none' }`, `cookie-session` options, NextAuth `cookies.sessionToken.options`,
    ///   Lucia `sessionCookie.attributes`, better-auth `defaultCookieAttributes`;
    /// - ASP.NET Core `options.Cookie.SecurePolicy = CookieSecurePolicy.None`,
    ///   `options.Cookie.HttpOnly = false`, `options.Cookie.SameSite = SameSiteMode.None`
    ///   (session, cookie authentication, antiforgery) and `CookieBuilder` initializers;
    /// - Java `SessionCookieConfig.setSecure(false)` / `setHttpOnly(false)`, Spring Session
    ///   `DefaultCookieSerializer.setUseSecureCookie(false)`, `setSameSite("None")`,
    ///   `CookieSameSiteSupplier.ofNone()`, Tomcat `context.setUseHttpOnly(false)` and
    ///   `setSameSiteCookies("None")`;
    /// - Go gorilla and gin-contrib `sessions.Options{Secure: false, SameSite:
    ///   http.SameSiteNoneMode}`, Fiber `session.Config{CookieSecure: false}`,
    ///   `store.Options.Secure = false`, scs `sessionManager.Cookie.Secure = false`,
    ///   gorilla/csrf `csrf.Secure(false)`.
    ///
    /// Each finding carries the exact weakness: CWE-614 when `Secure` is switched off,
    /// CWE-1004 when `HttpOnly` is, CWE-1275 when `SameSite` is explicitly `None`. `SameSite=None`
    /// together with `Secure` is a deliberate cross-site setting and is reported at low severity;
    /// `SameSite=None` where the framework then leaves `Secure` off (Django, Flask, express-session,
    /// gorilla default to it) is reported as the missing `Secure` flag (CWE-614). Dropping the
    /// attribute altogether (`SESSION_COOKIE_SAMESITE = None`, `sameSite: false`) is reported as
    /// CWE-1275 at low confidence, since browsers then fall back to their own default. Settings in
    /// development or test files, development config classes (`DevelopmentConfig`) and
    /// `if DEBUG:` branches are reported at a lower severity and confidence. Values computed
    /// at run time (`secure: isProd`) are trusted.
    ///
    /// ## Why is this bad
    /// The session cookie is the user's identity. Without `Secure` it is also sent over plain
    /// HTTP, where anyone on the network can read it and hijack the session. Without `HttpOnly`
    /// any cross-site scripting bug can read it from JavaScript. With `SameSite=None` the browser
    /// attaches it to requests from every other site, which re-opens cross-site request forgery.
    ///
    /// ## Example
    /// ```python
    /// SESSION_COOKIE_SECURE = False
    /// SESSION_COOKIE_SAMESITE = "None"
    /// ```
    /// ```javascript
    /// app.use(session({ secret, cookie: { secure: false, httpOnly: false } }));
    /// ```
    ///
    /// ## Fix
    /// Keep all three protections on the session cookie:
    /// ```python
    /// SESSION_COOKIE_SECURE = True
    /// SESSION_COOKIE_HTTPONLY = True
    /// SESSION_COOKIE_SAMESITE = "Lax"
    /// ```
    /// ```javascript
    /// app.use(session({ secret, cookie: { secure: true, httpOnly: true, sameSite: "lax" } }));
    /// ```
    ///
    /// ## References
    /// - [CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute](https://cwe.mitre.org/data/definitions/614.html)
    /// - [CWE-1004: Sensitive Cookie Without 'HttpOnly' Flag](https://cwe.mitre.org/data/definitions/1004.html)
    /// - [CWE-1275: Sensitive Cookie with Improper SameSite Attribute](https://cwe.mitre.org/data/definitions/1275.html)
    /// - [OWASP Session Management Cheat Sheet: Cookies](https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies)
    /// - [Django settings: SESSION_COOKIE_SECURE](https://docs.djangoproject.com/en/stable/ref/settings/#session-cookie-secure)
    pub static INSECURE_SESSION_COOKIE = {
        id: "insecure-session-cookie",
        name: "InsecureSessionCookie",
        cwe: 614,
        other_cwes: [1004, 1275],
        severity: Medium,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Session cookie settings switch off Secure or HttpOnly, or set SameSite=None",
        help: "keep `Secure`, `HttpOnly` and a `SameSite` of `Lax` or `Strict` on the session cookie",
    }
}

pub struct InsecureSessionCookie;

/// The cookie attribute a setting controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Attr {
    Secure,
    HttpOnly,
    SameSite,
}

/// What a setting sets its attribute to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Value {
    On,
    Off,
    /// `SameSite=None`, explicitly.
    SameSiteNone,
    /// No `SameSite` attribute at all (Python `None`, express `sameSite: false`).
    SameSiteUnset,
    /// Anything else, including expressions: trusted.
    Other,
}

/// One attribute of one session cookie, as a setting in the code sets it.
struct Setting<'t> {
    node: Node<'t>,
    /// Settings of the same cookie share a group (`SESSION_COOKIE_` in one file, one options
    /// object, one `options.Cookie` in one function).
    group: String,
    attr: Attr,
    value: Value,
    /// The setting as written, for messages and fingerprints.
    code: String,
    /// Whether the framework marks the cookie `Secure` when nothing says otherwise.
    secure_by_default: bool,
}

impl StructuralRule for InsecureSessionCookie {
    fn meta(&self) -> &'static RuleMeta {
        &INSECURE_SESSION_COOKIE
    }

    fn check(&self, ctx: &FileContext<'_>, out: &mut Vec<Finding>) {
        let src = ctx.file.text.as_str();
        let language = ctx.file.language;
        // Every setting this rule knows names a cookie, a session, a CSRF option or a flag.
        if !["ookie", "COOKIE", "ession", "csrf.", "HttpOnly", "SameSite"]
            .iter()
            .any(|w| src.contains(w))
        {
            return;
        }
        let mut settings = Vec::new();
        ctx.walk(ctx.root(), |node| match language {
            Language::Python => python(node, src, &mut settings),
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                javascript(node, src, &mut settings)
            }
            Language::Java => java(node, src, &mut settings),
            Language::CSharp => csharp(node, src, &mut settings),
            Language::Go => go(node, src, &mut settings),
            _ => {}
        });
        let path = ctx.file.rel_path.as_str();
        // `settings/dev.py`, `config/local.py`, `class DevelopmentConfig`, `if DEBUG:`: meant
        // for plain-HTTP development servers.
        let relaxed = is_test_path(path) || looks_dev(path.rsplit('/').next().unwrap_or(path));
        for s in &settings {
            let Some((cwe, mut severity, mut confidence, what)) = judge(s, &settings) else {
                continue;
            };
            let scope = ast::enclosing_scope(s.node, src);
            if relaxed || looks_dev(&scope) || in_dev_branch(s.node, src) {
                severity = severity.lowered();
                confidence = confidence.lowered();
            }
            out.push(
                Finding::builder(
                    &INSECURE_SESSION_COOKIE,
                    ctx.file.location(s.node.start_byte(), s.node.end_byte()),
                    format!("`{}` {what}", s.code),
                )
                .cwe(cwe)
                .severity(severity)
                .confidence(confidence)
                .scope(scope)
                .anchor(s.code.clone())
                .build(),
            );
        }
    }
}

/// The CWE, severity, confidence and message tail for one setting, if it weakens the cookie.
fn judge(
    s: &Setting<'_>,
    all: &[Setting<'_>],
) -> Option<(u32, Severity, Confidence, &'static str)> {
    match (s.attr, s.value) {
        (Attr::Secure, Value::Off) => Some((
            614,
            Severity::Medium,
            Confidence::High,
            "switches off the `Secure` flag of the session cookie: it is also sent over plain HTTP",
        )),
        (Attr::HttpOnly, Value::Off) => Some((
            1004,
            Severity::Medium,
            Confidence::High,
            "switches off the `HttpOnly` flag of the session cookie: scripts can read it",
        )),
        (Attr::SameSite, Value::SameSiteUnset) => Some((
            1275,
            Severity::Low,
            Confidence::Low,
            "leaves the session cookie without a `SameSite` attribute",
        )),
        (Attr::SameSite, Value::SameSiteNone) => {
            let secure = all
                .iter()
                .filter(|o| o.group == s.group && o.attr == Attr::Secure)
                .map(|o| o.value)
                .next_back();
            match secure {
                // Reported on the `Secure` setting itself.
                Some(Value::Off) => None,
                None if !s.secure_by_default => Some((
                    614,
                    Severity::Medium,
                    Confidence::Medium,
                    "sends the session cookie cross-site (`SameSite=None`) without the `Secure` flag",
                )),
                _ => Some((
                    1275,
                    Severity::Low,
                    Confidence::Medium,
                    "sends the session cookie on cross-site requests (`SameSite=None`)",
                )),
            }
        }
        _ => None,
    }
}

/// Whether a class, file or condition name points at development or tests
/// (`DevelopmentConfig`, `settings/local.py`, `if DEBUG:`).
fn looks_dev(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["dev", "local", "test", "debug"]
        .iter()
        .any(|w| name.contains(w))
}

/// Whether `node` sits in the body of an `if DEBUG:` / `if (env.IsDevelopment())` branch.
fn in_dev_branch(node: Node<'_>, src: &str) -> bool {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if n.kind() == "if_statement" {
            let condition = n
                .child_by_field_name("condition")
                .map_or("", |c| ast::text(c, src));
            let negated = condition.contains('!') || condition.contains("not ");
            // `if DEBUG:`, `if (env !== "production")`.
            let dev = if condition.to_ascii_lowercase().contains("prod") {
                negated
            } else {
                !negated && looks_dev(condition)
            };
            let in_body = n.child_by_field_name("consequence").is_some_and(|b| {
                b.start_byte() <= node.start_byte() && node.end_byte() <= b.end_byte()
            });
            if in_body && dev {
                return true;
            }
        }
        cur = n.parent();
    }
    false
}

/// `Secure`/`HttpOnly` value from a boolean literal.
fn bool_value(text: &str) -> Value {
    match text {
        "True" | "true" => Value::On,
        "False" | "false" => Value::Off,
        _ => Value::Other,
    }
}

fn short(node: Node<'_>, src: &str) -> String {
    let text = ast::text(node, src);
    let line = text.lines().next().unwrap_or(text).trim();
    line.chars().take(100).collect()
}

/// A group key: `prefix` within `scope` (a node id keeps groups apart between functions).
fn group(scope: Option<Node<'_>>, prefix: &str) -> String {
    format!("{}:{prefix}", scope.map_or(0, |s| s.id()))
}

// ---------------------------------------------------------------------------------------------
// Python

/// Setting prefixes of Django, Flask, Flask-Login and flask-jwt-extended cookies.
const PY_PREFIXES: &[&str] = &[
    "SESSION_COOKIE_",
    "CSRF_COOKIE_",
    "REMEMBER_COOKIE_",
    "JWT_COOKIE_",
];

/// The cookie prefix and attribute of a setting name such as `SESSION_COOKIE_SECURE`.
fn py_setting(name: &str) -> Option<(&str, Attr)> {
    let (prefix, attr) = [
        ("SECURE", Attr::Secure),
        ("HTTPONLY", Attr::HttpOnly),
        ("SAMESITE", Attr::SameSite),
    ]
    .into_iter()
    .find_map(|(suffix, attr)| name.strip_suffix(suffix).map(|p| (p, attr)))?;
    // The CSRF cookie is meant to be read by scripts that echo it in a header.
    if !PY_PREFIXES.contains(&prefix) || (prefix == "CSRF_COOKIE_" && attr == Attr::HttpOnly) {
        return None;
    }
    Some((prefix, attr))
}

fn py_value(attr: Attr, value: Node<'_>, src: &str) -> Value {
    match (attr, value.kind()) {
        (Attr::SameSite, "none" | "false") => Value::SameSiteUnset,
        (Attr::SameSite, _) => match ast::string_value(value, src) {
            Some(s) if s.eq_ignore_ascii_case("none") => Value::SameSiteNone,
            _ => Value::Other,
        },
        _ => bool_value(ast::text(value, src)),
    }
}

fn python<'t>(node: Node<'t>, src: &str, out: &mut Vec<Setting<'t>>) {
    let (name, value) = match node.kind() {
        "assignment" => {
            let (Some(left), Some(right)) = (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ) else {
                return;
            };
            let name = match left.kind() {
                "identifier" => Some(ast::text(left, src).to_string()),
                // `app.config["SESSION_COOKIE_SECURE"] = False`
                "subscript" => left
                    .child_by_field_name("subscript")
                    .and_then(|k| ast::string_value(k, src)),
                // `settings.SESSION_COOKIE_SECURE = False`
                "attribute" => left
                    .child_by_field_name("attribute")
                    .map(|a| ast::text(a, src).to_string()),
                _ => None,
            };
            (name, right)
        }
        // `app.config.update(SESSION_COOKIE_SECURE=False)`
        "keyword_argument" => {
            let (Some(name), Some(value)) = (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            ) else {
                return;
            };
            let name = ast::text(name, src);
            if matches!(name, "https_only" | "same_site") {
                starlette_session(node, name, value, src, out);
                return;
            }
            (Some(name.to_string()), value)
        }
        // `app.config.update({"SESSION_COOKIE_SECURE": False})`
        "pair" => {
            let (Some(key), Some(value)) = (
                node.child_by_field_name("key"),
                node.child_by_field_name("value"),
            ) else {
                return;
            };
            (ast::string_value(key, src), value)
        }
        _ => return,
    };
    let Some((prefix, attr)) = name.as_deref().and_then(py_setting) else {
        return;
    };
    out.push(Setting {
        node,
        group: group(None, prefix),
        attr,
        value: py_value(attr, value, src),
        code: short(node, src),
        secure_by_default: false,
    });
}

/// Starlette `SessionMiddleware(..., https_only=False, same_site="none")`.
fn starlette_session<'t>(
    node: Node<'t>,
    name: &str,
    value: Node<'t>,
    src: &str,
    out: &mut Vec<Setting<'t>>,
) {
    let Some(call) = node.parent().and_then(|args| args.parent()) else {
        return;
    };
    if call.kind() != "call" || !ast::text(call, src).contains("SessionMiddleware") {
        return;
    }
    let attr = if name == "https_only" {
        Attr::Secure
    } else {
        Attr::SameSite
    };
    out.push(Setting {
        node,
        group: group(Some(call), ""),
        attr,
        value: py_value(attr, value, src),
        code: short(node, src),
        secure_by_default: false,
    });
}

// ---------------------------------------------------------------------------------------------
// JavaScript / TypeScript

const JS_SESSION_MIDDLEWARE: &[&str] = &["session", "cookieSession", "expressSession"];

/// `session({ cookie: { secure: false } })`, `cookieSession({ httpOnly: false })`.
fn javascript<'t>(node: Node<'t>, src: &str, out: &mut Vec<Setting<'t>>) {
    if node.kind() != "object" {
        return;
    }
    let mut found = Vec::new();
    for member in ast::named_children(node) {
        if member.kind() != "pair" {
            continue;
        }
        let (Some(k), Some(v)) = (
            member.child_by_field_name("key"),
            member.child_by_field_name("value"),
        ) else {
            continue;
        };
        let key = ast::string_value(k, src).unwrap_or_else(|| ast::text(k, src).into());
        let (attr, value) = match key.to_ascii_lowercase().as_str() {
            "secure" => (Attr::Secure, bool_value(ast::text(v, src))),
            "httponly" => (Attr::HttpOnly, bool_value(ast::text(v, src))),
            "samesite" => {
                // `'none' as const`
                let v = match v.kind() {
                    "as_expression" | "satisfies_expression" => {
                        ast::named_children(v).into_iter().next().unwrap_or(v)
                    }
                    _ => v,
                };
                let value = match ast::string_value(v, src) {
                    Some(s) if s.eq_ignore_ascii_case("none") => Value::SameSiteNone,
                    None if ast::text(v, src) == "false" => Value::SameSiteUnset,
                    _ => Value::Other,
                };
                (Attr::SameSite, value)
            }
            _ => continue,
        };
        found.push((member, attr, value));
    }
    // The settings first: looking at the parent costs little, but most objects have none.
    if found.is_empty() {
        return;
    }
    let Some(parent) = node.parent() else {
        return;
    };
    let in_middleware = |args: Node<'_>| {
        args.parent()
            .and_then(|c| c.child_by_field_name("function"))
            .is_some_and(|f| {
                let t = ast::text(f, src);
                JS_SESSION_MIDDLEWARE.contains(&t.rsplit('.').next().unwrap_or(t))
            })
    };
    let pair_key = |pair: Node<'_>| {
        pair.child_by_field_name("key")
            .map(|k| ast::string_value(k, src).unwrap_or_else(|| ast::text(k, src).into()))
    };
    // `None` when the object is not a session cookie's options; else whether the framework
    // marks the cookie `Secure` by itself.
    let secure_by_default = match parent.kind() {
        "pair" => match pair_key(parent).as_deref() {
            // express-session, @fastify/session, better-auth.
            Some("cookie") if is_socket_io(parent, src) => None,
            Some("cookie" | "cookieOptions" | "defaultCookieAttributes") => Some(false),
            // NextAuth `cookies: { sessionToken: { options } }` (secure on an https URL) and
            // Lucia `sessionCookie: { attributes }`.
            Some("options" | "attributes") => {
                let owner = parent
                    .parent()
                    .and_then(|o| o.parent())
                    .filter(|p| p.kind() == "pair")
                    .and_then(pair_key);
                match owner.as_deref() {
                    Some("sessionToken" | "csrfToken") => Some(true),
                    Some("sessionCookie") => Some(false),
                    _ => None,
                }
            }
            _ => None,
        },
        "arguments" if in_middleware(parent) => Some(false),
        _ => None,
    };
    let Some(secure_by_default) = secure_by_default else {
        return;
    };
    let group = group(Some(node), "");
    for (member, attr, value) in found {
        out.push(Setting {
            node: member,
            group: group.clone(),
            attr,
            value,
            code: short(member, src),
            secure_by_default,
        });
    }
}

/// Whether the options object holding `pair` configures socket.io (`new Server(http, { cookie })`),
/// whose sticky-session cookie identifies no user.
fn is_socket_io(pair: Node<'_>, src: &str) -> bool {
    let Some(call) = pair
        .parent()
        .and_then(|options| options.parent())
        .filter(|args| args.kind() == "arguments")
        .and_then(|args| args.parent())
    else {
        return false;
    };
    let callee = call
        .child_by_field_name("constructor")
        .or_else(|| call.child_by_field_name("function"))
        .map_or("", |c| ast::text(c, src));
    matches!(callee, "Server" | "io" | "socketIo" | "SocketIOServer") || callee.ends_with(".Server")
}

// ---------------------------------------------------------------------------------------------
// Java

fn java<'t>(node: Node<'t>, src: &str, out: &mut Vec<Setting<'t>>) {
    if node.kind() != "method_invocation" {
        return;
    }
    let Some(name) = node.child_by_field_name("name").map(|n| ast::text(n, src)) else {
        return;
    };
    if !matches!(
        name,
        "setSecure"
            | "setHttpOnly"
            | "setUseSecureCookie"
            | "setUseHttpOnlyCookie"
            | "setSameSite"
            | "setUseHttpOnly"
            | "setSameSiteCookies"
            | "ofNone"
    ) {
        return;
    }
    let Some(call) = ast::call(node, src, Language::Java) else {
        return;
    };
    let receiver = call.receiver.map_or("", |r| ast::text(r, src));
    let arg = call.positional(0);
    let arg_text = arg.map_or("", |a| ast::text(a, src));
    // `setSecure`/`setHttpOnly` on the servlet container's session cookie, not on a `Cookie`.
    let session_config = receiver.to_ascii_lowercase().contains("cookieconfig");
    let (attr, value) = match name {
        "setSecure" if session_config => (Attr::Secure, bool_value(arg_text)),
        "setHttpOnly" if session_config => (Attr::HttpOnly, bool_value(arg_text)),
        // Spring Session `DefaultCookieSerializer`.
        "setUseSecureCookie" => (Attr::Secure, bool_value(arg_text)),
        "setUseHttpOnlyCookie" => (Attr::HttpOnly, bool_value(arg_text)),
        // Tomcat `Context.setUseHttpOnly(false)` for the session cookie.
        "setUseHttpOnly" => (Attr::HttpOnly, bool_value(arg_text)),
        // Spring Session serializer; Tomcat `Rfc6265CookieProcessor.setSameSiteCookies`.
        "setSameSite" | "setSameSiteCookies"
            if name == "setSameSiteCookies"
                || session_config
                || receiver.to_ascii_lowercase().contains("serializer") =>
        {
            let none = arg
                .and_then(|a| ast::string_value(a, src))
                .is_some_and(|s| s.eq_ignore_ascii_case("none"));
            (
                Attr::SameSite,
                if none {
                    Value::SameSiteNone
                } else {
                    Value::Other
                },
            )
        }
        // Spring Boot `CookieSameSiteSupplier.ofNone()`.
        "ofNone" if receiver.ends_with("CookieSameSiteSupplier") => {
            (Attr::SameSite, Value::SameSiteNone)
        }
        _ => return,
    };
    out.push(Setting {
        node,
        group: group(ast::enclosing_function(node), receiver),
        attr,
        value,
        code: short(node, src),
        // Both the servlet container and Spring Session follow the request's scheme.
        secure_by_default: true,
    });
}

// ---------------------------------------------------------------------------------------------
// C#

fn cs_value(attr: Attr, value: &str) -> Value {
    match attr {
        Attr::Secure if value.ends_with("CookieSecurePolicy.None") => Value::Off,
        Attr::Secure if value.ends_with("CookieSecurePolicy.Always") => Value::On,
        Attr::Secure => Value::Other,
        Attr::HttpOnly => bool_value(value),
        Attr::SameSite if value.ends_with("SameSiteMode.None") => Value::SameSiteNone,
        Attr::SameSite => Value::Other,
    }
}

fn cs_attr(name: &str) -> Option<Attr> {
    match name {
        "SecurePolicy" => Some(Attr::Secure),
        "HttpOnly" => Some(Attr::HttpOnly),
        "SameSite" => Some(Attr::SameSite),
        _ => None,
    }
}

/// `options.Cookie.SecurePolicy = CookieSecurePolicy.None` (session, cookie authentication,
/// antiforgery options) and `new CookieBuilder { HttpOnly = false }`.
fn csharp<'t>(node: Node<'t>, src: &str, out: &mut Vec<Setting<'t>>) {
    if node.kind() != "assignment_expression" {
        return;
    }
    let Some((target, value)) = ast::assignment_parts(node) else {
        return;
    };
    let target_text = ast::text(target, src);
    let (attr, group_key) = if let Some((object, field)) = target_text.rsplit_once('.') {
        // `options.Cookie.HttpOnly`: the framework's cookie builder, not a `CookieOptions`.
        if !(object == "Cookie" || object.ends_with(".Cookie")) {
            return;
        }
        let Some(attr) = cs_attr(field) else {
            return;
        };
        (attr, group(ast::enclosing_function(node), object))
    } else {
        let Some(attr) = cs_attr(target_text) else {
            return;
        };
        let Some(creation) = node
            .parent()
            .filter(|p| p.kind() == "initializer_expression")
            .and_then(|p| p.parent())
        else {
            return;
        };
        let is_builder = creation
            .child_by_field_name("type")
            .is_some_and(|t| ast::text(t, src).ends_with("CookieBuilder"));
        if !is_builder {
            return;
        }
        (attr, group(Some(creation), ""))
    };
    out.push(Setting {
        node,
        group: group_key,
        attr,
        value: cs_value(attr, ast::text(value, src)),
        code: short(node, src),
        // The default policy is `SameAsRequest`: secure on HTTPS.
        secure_by_default: true,
    });
}

// ---------------------------------------------------------------------------------------------
// Go

fn go_attr(name: &str) -> Option<Attr> {
    match name {
        "Secure" => Some(Attr::Secure),
        "HttpOnly" | "HTTPOnly" => Some(Attr::HttpOnly),
        "SameSite" => Some(Attr::SameSite),
        _ => None,
    }
}

fn go_value(attr: Attr, value: &str) -> Value {
    match attr {
        Attr::SameSite
            if value.ends_with("SameSiteNoneMode")
                || value.trim_matches('"').eq_ignore_ascii_case("none") =>
        {
            Value::SameSiteNone
        }
        Attr::SameSite => Value::Other,
        _ => bool_value(value),
    }
}

fn go<'t>(node: Node<'t>, src: &str, out: &mut Vec<Setting<'t>>) {
    match node.kind() {
        // gorilla/sessions and gin-contrib/sessions `sessions.Options{Secure: false}`.
        "composite_literal" => {
            let ty = node
                .child_by_field_name("type")
                .map_or("", |t| ast::text(t, src));
            // Fiber `session.Config{CookieSecure: false}` and `csrf.Config{...}`: the same
            // flags behind a `Cookie` prefix.
            let fiber = ty == "session.Config" || ty == "csrf.Config";
            if !(fiber || ty.ends_with("sessions.Options")) {
                return;
            }
            let Some(body) = node.child_by_field_name("body") else {
                return;
            };
            let group = group(Some(node), "");
            for el in ast::named_children(body) {
                if el.kind() != "keyed_element" {
                    continue;
                }
                let parts = ast::named_children(el);
                let (Some(k), Some(v)) = (parts.first(), parts.get(1)) else {
                    continue;
                };
                let key = ast::text(*k, src);
                let key = if fiber {
                    match key.strip_prefix("Cookie") {
                        Some(rest) => rest,
                        None => continue,
                    }
                } else {
                    key
                };
                let Some(attr) = go_attr(key) else {
                    continue;
                };
                // The CSRF cookie is meant to be read by scripts that echo it in a header.
                if ty == "csrf.Config" && attr == Attr::HttpOnly {
                    continue;
                }
                out.push(Setting {
                    node: el,
                    group: group.clone(),
                    attr,
                    value: go_value(attr, ast::text(*v, src)),
                    code: short(el, src),
                    secure_by_default: false,
                });
            }
        }
        // gorilla `store.Options.Secure = false`, scs `sessionManager.Cookie.Secure = false`.
        "assignment_statement" => {
            let Some((target, value)) = ast::assignment_parts(node) else {
                return;
            };
            let target_text = ast::text(target, src);
            let Some((object, field)) = target_text.rsplit_once('.') else {
                return;
            };
            if !(object.ends_with(".Options") || object.ends_with(".Cookie")) {
                return;
            }
            let Some(attr) = go_attr(field) else {
                return;
            };
            out.push(Setting {
                node,
                group: group(ast::enclosing_function(node), object),
                attr,
                value: go_value(attr, ast::text(value, src)),
                code: short(node, src),
                secure_by_default: false,
            });
        }
        // gorilla/csrf `csrf.Protect(key, csrf.Secure(false))`: secure unless told otherwise.
        "call_expression" => {
            let Some(function) = node.child_by_field_name("function") else {
                return;
            };
            let Some(attr) = ast::text(function, src)
                .strip_prefix("csrf.")
                .and_then(go_attr)
            else {
                return;
            };
            let Some(arg) = node
                .child_by_field_name("arguments")
                .and_then(|a| ast::named_children(a).into_iter().next())
            else {
                return;
            };
            out.push(Setting {
                node,
                group: group(node.parent(), "csrf"),
                attr,
                value: go_value(attr, ast::text(arg, src)),
                code: short(node, src),
                secure_by_default: true,
            });
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_cases, check};

    const RULE: &InsecureSessionCookie = &InsecureSessionCookie;

    #[test]
    fn python() {
        assert_cases(
            RULE,
            Language::Python,
            &[
                "SESSION_COOKIE_SECURE = False\n",
                "app.config['JWT_COOKIE_SECURE'] = False\n",
                "app.config['SESSION_COOKIE_HTTPONLY'] = False\n",
                "app.config.update(\n    SESSION_COOKIE_SECURE=False,\n    SESSION_COOKIE_SAMESITE='Lax',\n)\n",
                "SESSION_COOKIE_SECURE = True\nSESSION_COOKIE_SAMESITE = 'None'\n",
                "CSRF_COOKIE_SAMESITE = 'None'\n",
                "app.add_middleware(SessionMiddleware, secret_key=SECRET, same_site='none')\n",
            ],
            &[
                "SESSION_COOKIE_SECURE = True\nSESSION_COOKIE_HTTPONLY = True\n",
                "SESSION_COOKIE_SAMESITE = 'Lax'\nCSRF_COOKIE_SAMESITE = 'Strict'\n",
                "CSRF_COOKIE_HTTPONLY = False\n",
                "SESSION_COOKIE_SECURE = os.environ.get('SECURE', 'true') == 'true'\n",
                "app.add_middleware(SessionMiddleware, secret_key=SECRET, https_only=True, same_site='lax')\n",
                "resp.set_cookie('session_id', sid, secure=False)\n",
            ],
        );
    }

    #[test]
    fn javascript() {
        for lang in [Language::JavaScript, Language::TypeScript] {
            assert_cases(
                RULE,
                lang,
                &[
                    "app.use(session({ secret: process.env.SECRET, cookie: { secure: false } }));\n",
                    "app.use(session({\n  secret: 'keyboard cat',\n  resave: false,\n  cookie: { httpOnly: false, secure: true },\n}));\n",
                    "app.use(cookieSession({ name: 'session', keys: [key], sameSite: 'none' }));\n",
                    "app.use(session({ secret, cookie: { secure: true, sameSite: 'none' } }));\n",
                    "export const authOptions: NextAuthOptions = {\n  cookies: {\n    sessionToken: {\n      name: 'next-auth.session-token',\n      options: { httpOnly: false, sameSite: 'lax', path: '/' },\n    },\n  },\n};\n",
                    "export const lucia = new Lucia(adapter, {\n  sessionCookie: { attributes: { secure: false } },\n});\n",
                    "const sessionConfig = {\n  secret: process.env.SESSION_SECRET,\n  cookie: { maxAge: 86400000, secure: false, httpOnly: true },\n};\napp.use(session(sessionConfig));\n",
                ],
                &[
                    "app.use(session({ secret, cookie: { secure: true, httpOnly: true, sameSite: 'lax' } }));\n",
                    "app.use(session({ secret, cookie: { secure: process.env.NODE_ENV === 'production' } }));\n",
                    "res.cookie('token', token, { secure: false, sameSite: 'none' });\n",
                    "const config = { database: { secure: false } };\n",
                    "const providers = { github: { options: { secure: false } } };\n",
                    "const io = new Server(httpServer, { cookie: { name: 'io', httpOnly: false } });\n",
                    "export const authOptions = {\n  cookies: {\n    sessionToken: { name: 'session', options: { httpOnly: true, sameSite: 'lax', secure: true } },\n  },\n};\n",
                    "app.use(cookieSession({ name: 'session', keys: [key], secure: true, sameSite: 'strict' }));\n",
                ],
            );
        }
    }

    #[test]
    fn java() {
        assert_cases(
            RULE,
            Language::Java,
            &[
                "class Init implements ServletContextListener {\n  public void contextInitialized(ServletContextEvent sce) {\n    sce.getServletContext().getSessionCookieConfig().setSecure(false);\n  }\n}\n",
                "class Init {\n  void onStartup(ServletContext ctx) {\n    SessionCookieConfig cookieConfig = ctx.getSessionCookieConfig();\n    cookieConfig.setHttpOnly(false);\n  }\n}\n",
                "class SessionConfig {\n  @Bean\n  CookieSerializer cookieSerializer() {\n    DefaultCookieSerializer serializer = new DefaultCookieSerializer();\n    serializer.setUseSecureCookie(false);\n    return serializer;\n  }\n}\n",
                "class TomcatConfig {\n  @Bean\n  WebServerFactoryCustomizer<TomcatServletWebServerFactory> customizer() {\n    return factory -> factory.addContextCustomizers(context -> context.setUseHttpOnly(false));\n  }\n}\n",
                "class SessionConfig {\n  @Bean\n  CookieSerializer cookieSerializer() {\n    DefaultCookieSerializer serializer = new DefaultCookieSerializer();\n    serializer.setSameSite(\"None\");\n    return serializer;\n  }\n}\n",
            ],
            &[
                "class C {\n  void login(HttpServletResponse response, String token) {\n    Cookie cookie = new Cookie(\"JSESSIONID\", token);\n    cookie.setSecure(false);\n    response.addCookie(cookie);\n  }\n}\n",
                "class Init {\n  void onStartup(ServletContext ctx) {\n    ctx.getSessionCookieConfig().setSecure(true);\n    ctx.getSessionCookieConfig().setHttpOnly(true);\n  }\n}\n",
                "class SessionConfig {\n  CookieSerializer cookieSerializer() {\n    DefaultCookieSerializer serializer = new DefaultCookieSerializer();\n    serializer.setUseSecureCookie(true);\n    serializer.setSameSite(\"Lax\");\n    return serializer;\n  }\n}\n",
            ],
        );
    }

    #[test]
    fn csharp() {
        assert_cases(
            RULE,
            Language::CSharp,
            &[
                "class Startup {\n  void Configure(CookieAuthenticationOptions options) {\n    options.Cookie.SecurePolicy = CookieSecurePolicy.None;\n  }\n}\n",
                "class Startup {\n  void ConfigureServices(IServiceCollection services) {\n    services.AddSession(options => {\n      options.Cookie.HttpOnly = false;\n    });\n  }\n}\n",
                "class Startup {\n  void ConfigureServices(IServiceCollection services) {\n    services.ConfigureApplicationCookie(o => {\n      o.Cookie.SameSite = SameSiteMode.None;\n      o.Cookie.SecurePolicy = CookieSecurePolicy.Always;\n    });\n  }\n}\n",
                "class Startup {\n  void ConfigureServices(IServiceCollection services) {\n    services.AddSession(o => o.Cookie = new CookieBuilder { Name = \".App.Session\", HttpOnly = false });\n  }\n}\n",
            ],
            &[
                "class Startup {\n  void ConfigureServices(IServiceCollection services) {\n    services.AddSession(options => {\n      options.Cookie.HttpOnly = true;\n      options.Cookie.SecurePolicy = CookieSecurePolicy.Always;\n      options.Cookie.SameSite = SameSiteMode.Strict;\n    });\n  }\n}\n",
                "class C {\n  void Login() {\n    Response.Cookies.Append(\"session\", sid, new CookieOptions { Secure = false, HttpOnly = false });\n  }\n}\n",
                "class C {\n  void Login() {\n    var options = new CookieOptions();\n    options.HttpOnly = false;\n  }\n}\n",
            ],
        );
    }

    #[test]
    fn go() {
        assert_cases(
            RULE,
            Language::Go,
            &[
                "package main\n\nfunc init() {\n\tstore.Options = &sessions.Options{Path: \"/\", MaxAge: 86400, HttpOnly: true, Secure: false}\n}\n",
                "package main\n\nfunc init() {\n\tstore.Options = &sessions.Options{Path: \"/\", HttpOnly: true, SameSite: http.SameSiteNoneMode}\n}\n",
                "package main\n\nvar store = session.New(session.Config{\n\tExpiration:     24 * time.Hour,\n\tCookieHTTPOnly: false,\n\tCookieSecure:   true,\n})\n",
                "package main\n\nvar store = session.New(session.Config{CookieSameSite: \"None\"})\n",
                "package main\n\nfunc main() {\n\tsessionManager = scs.New()\n\tsessionManager.Cookie.Secure = false\n}\n",
                "package main\n\nfunc main() {\n\tCSRF := csrf.Protect([]byte(key), csrf.Secure(false))\n\thttp.ListenAndServe(\":8000\", CSRF(r))\n}\n",
            ],
            &[
                "package main\n\nfunc init() {\n\tstore.Options = &sessions.Options{Path: \"/\", HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode}\n}\n",
                "package main\n\nfunc login(w http.ResponseWriter) {\n\tcookie := &http.Cookie{Name: \"session\", Value: sid}\n\tcookie.Secure = false\n\thttp.SetCookie(w, cookie)\n}\n",
                "package main\n\nvar store = session.New(session.Config{CookieSecure: true, CookieHTTPOnly: true, CookieSameSite: \"Lax\"})\n",
                "package main\n\nfunc main() {\n\tapp.Use(csrf.New(csrf.Config{CookieName: \"csrf_\", CookieHTTPOnly: false, CookieSecure: true}))\n}\n",
                "package main\n\nfunc main() {\n\tsessionManager.Cookie.Secure = true\n\tsessionManager.Cookie.HttpOnly = true\n}\n",
            ],
        );
    }

    #[test]
    fn reports_the_exact_cwe() {
        let cwes =
            |lang, code| -> Vec<u32> { check(RULE, lang, code).iter().map(|f| f.cwe).collect() };
        assert_eq!(
            cwes(Language::Python, "SESSION_COOKIE_SECURE = False\n"),
            [614]
        );
        assert_eq!(
            cwes(Language::Python, "SESSION_COOKIE_HTTPONLY = False\n"),
            [1004]
        );
        // SameSite=None with Secure: the deliberate cross-site cookie, low severity.
        let f = check(
            RULE,
            Language::Python,
            "SESSION_COOKIE_SECURE = True\nSESSION_COOKIE_SAMESITE = 'None'\n",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].cwe, 1275);
        assert_eq!(f[0].severity, Severity::Low);
        assert_eq!(f[0].confidence, Confidence::Medium);
        // SameSite=None without Secure: the missing Secure flag.
        assert_eq!(
            cwes(Language::Python, "SESSION_COOKIE_SAMESITE = 'None'\n"),
            [614]
        );
        assert_eq!(
            cwes(
                Language::TypeScript,
                "app.use(session({ cookie: { secure: true, sameSite: 'none' as const } }));\n"
            ),
            [1275]
        );
        // Both off: one finding per setting, none for SameSite again.
        assert_eq!(
            cwes(
                Language::JavaScript,
                "app.use(session({ cookie: { secure: false, httpOnly: false, sameSite: 'none' } }));\n"
            ),
            [614, 1004]
        );
        assert_eq!(
            cwes(
                Language::CSharp,
                "class S {\n  void F(CookieAuthenticationOptions o) {\n    o.Cookie.SameSite = SameSiteMode.None;\n  }\n}\n"
            ),
            [1275]
        );
    }

    #[test]
    fn development_branches_are_lowered() {
        for code in [
            "class DevelopmentConfig(Config):\n    SESSION_COOKIE_SECURE = False\n",
            "if DEBUG:\n    SESSION_COOKIE_SECURE = False\n",
            "if os.environ.get('ENV') != 'production':\n    SESSION_COOKIE_SECURE = False\n",
        ] {
            let f = check(RULE, Language::Python, code);
            assert_eq!(f.len(), 1, "{code}");
            assert_eq!(f[0].severity, Severity::Low, "{code}");
        }
        let f = check(
            RULE,
            Language::Python,
            "if not DEBUG:\n    SESSION_COOKIE_SECURE = True\nelse:\n    SESSION_COOKIE_SECURE = False\n",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Medium);
    }

    #[test]
    fn development_settings_are_lowered() {
        let code = "SESSION_COOKIE_SECURE = False\n";
        let file = rampart_syntax::SourceFile::from_text("settings/dev.py", Language::Python, code);
        let Ok(parsed) = rampart_syntax::parse(Language::Python, code) else {
            panic!("case parses");
        };
        let settings = rampart_syntax::ProjectSettings::default();
        let ctx = FileContext::new(&file, &parsed.tree, &settings);
        let mut f = Vec::new();
        RULE.check(&ctx, &mut f);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Low);
    }
}
