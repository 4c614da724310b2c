use crate::ast;
use crate::rules::secrets::detect::is_test_path;
use crate::{FileContext, StructuralRule};
use rampart_core::{Confidence, Finding, Language, RuleMeta, Severity};
use tree_sitter::Node;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds cookies set without the `Secure` flag (CWE-614) or without `HttpOnly` (CWE-1004)
    /// where the framework makes the flags explicit: Flask, Django and Starlette
    /// `response.set_cookie(...)` and `set_signed_cookie(...)`; Express `res.cookie(...)`,
    /// Fastify `reply.setCookie(...)`, Hono `setCookie(c, ...)`, Koa `ctx.cookies.set(...)`,
    /// Next.js `cookies().set(...)`; Java `new Cookie(...)` passed to `response.addCookie` or
    /// returned from a factory method, and Spring `ResponseCookie` builders; ASP.NET Core `Response.Cookies.Append(...)` and
    /// `HttpCookie`; Go `http.Cookie` values passed to `http.SetCookie` or returned, Gin
    /// `c.SetCookie(...)`. Options built elsewhere (a spread, an imported object) are trusted.
    /// Framework-wide session cookie settings (`SESSION_COOKIE_SECURE = False`,
    /// `express-session` options, `options.Cookie.SecurePolicy`, gorilla `sessions.Options`)
    /// are the job of `insecure-session-cookie`.
    ///
    /// Cookies whose name or value suggests a session, authentication or token are reported
    /// with high confidence; cookies with a neutral name get a lower severity and confidence.
    /// Preference cookies (`theme`, `lang`, `locale`, `consent`, ...) and anti-CSRF cookies
    /// (`XSRF-TOKEN`) are meant to be read by scripts, so a missing `HttpOnly` is not reported
    /// for them, and a missing `Secure` only when it is explicitly switched off. Cookies being deleted (`max_age=0`, `MaxAge: -1`)
    /// are not reported. The finding carries CWE-614 when `Secure` is missing or false, and
    /// CWE-1004 when only `HttpOnly` is.
    ///
    /// ## Why is this bad
    /// A cookie without `Secure` is also sent over plain HTTP, where anyone on the network can
    /// read it and hijack the session. A cookie without `HttpOnly` is readable from JavaScript,
    /// so a single cross-site scripting bug is enough to steal it.
    ///
    /// ## Example
    /// ```python
    /// resp.set_cookie("session_id", session_id)
    /// ```
    /// ```javascript
    /// res.cookie("token", jwt, { httpOnly: false });
    /// ```
    ///
    /// ## Fix
    /// Set both flags (and a `SameSite` policy) on every cookie that identifies a user:
    /// ```python
    /// resp.set_cookie("session_id", session_id, secure=True, httponly=True, samesite="Lax")
    /// ```
    /// ```javascript
    /// res.cookie("token", jwt, { httpOnly: true, secure: true, sameSite: "lax" });
    /// ```
    ///
    /// ## References
    /// - [CWE-614: Sensitive Cookie in HTTPS Session Without 'Secure' Attribute](https://cwe.mitre.org/data/definitions/614.html)
    /// - [CWE-1004: Sensitive Cookie Without 'HttpOnly' Flag](https://cwe.mitre.org/data/definitions/1004.html)
    /// - [OWASP Session Management Cheat Sheet: Cookies](https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#cookies)
    pub static INSECURE_COOKIE = {
        id: "insecure-cookie",
        name: "InsecureCookie",
        cwe: 614,
        other_cwes: [1004],
        severity: Medium,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Cookie set without the Secure or HttpOnly flag",
        help: "set `Secure` and `HttpOnly` (and `SameSite`) on cookies that carry sessions or tokens",
    }
}

pub struct InsecureCookie;

impl StructuralRule for InsecureCookie {
    fn meta(&self) -> &'static RuleMeta {
        &INSECURE_COOKIE
    }

    fn check(&self, ctx: &FileContext<'_>, out: &mut Vec<Finding>) {
        let src = ctx.file.text.as_str();
        let language = ctx.file.language;
        let root = ctx.tree.root_node();
        // Everything this rule knows names a cookie; other files are skipped without a walk.
        if !src.contains("ookie") {
            return;
        }
        let mut issues = Vec::new();
        ctx.walk(root, |node| match language {
            Language::Python => python(node, src, &mut issues),
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                javascript(node, src, language, &mut issues)
            }
            Language::Java => java(node, src, &mut issues),
            Language::CSharp => csharp(node, src, &mut issues),
            Language::Go => go(node, src, &mut issues),
            _ => {}
        });
        let in_tests = is_test_path(&ctx.file.rel_path);
        for mut issue in issues {
            if in_tests {
                issue.severity = issue.severity.lowered();
                issue.confidence = issue.confidence.lowered();
            }
            out.push(
                Finding::builder(
                    &INSECURE_COOKIE,
                    ctx.file
                        .location(issue.node.start_byte(), issue.node.end_byte()),
                    issue.message,
                )
                .cwe(issue.cwe)
                .severity(issue.severity)
                .confidence(issue.confidence)
                .scope(ast::enclosing_scope(issue.node, src))
                .anchor(issue.anchor)
                .build(),
            );
        }
    }
}

struct Issue<'t> {
    node: Node<'t>,
    message: String,
    anchor: String,
    cwe: u32,
    severity: Severity,
    confidence: Confidence,
}

/// What the code says about one cookie flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flag {
    Missing,
    On,
    Off,
    /// Set from an expression (`secure: isProd`): trusted.
    Unknown,
}

impl Flag {
    fn from_text(text: &str) -> Flag {
        match text {
            "True" | "true" => Flag::On,
            "False" | "false" => Flag::Off,
            _ => Flag::Unknown,
        }
    }

    fn is_weak(self) -> bool {
        matches!(self, Flag::Missing | Flag::Off)
    }
}

/// One cookie being set, as far as the code shows it.
struct Cookie<'t> {
    node: Node<'t>,
    /// The creating call or literal, for messages.
    display: String,
    name: Option<String>,
    /// Source text of the value expression, a hint at what the cookie holds.
    value: String,
    secure: Flag,
    http_only: Flag,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sensitivity {
    /// Session, authentication or token cookies.
    Sensitive,
    Neutral,
    /// Preferences meant for scripts: `theme`, `lang`.
    Preference,
}

const SENSITIVE_WORDS: &[&str] = &[
    "session",
    "sess",
    "sid",
    "auth",
    "token",
    "jwt",
    "access",
    "refresh",
    "remember",
    "login",
    "logged",
    "credential",
    "credentials",
    "apikey",
    "identity",
    "bearer",
    "secret",
    "oauth",
    "saml",
    "sso",
];

/// Words that make a cookie sensitive unless it is also a preference (`user_theme`).
const WEAKLY_SENSITIVE_WORDS: &[&str] = &["user", "userid", "uid", "account", "connect"];

const PREFERENCE_WORDS: &[&str] = &[
    "theme",
    "lang",
    "language",
    "locale",
    "i18n",
    "tz",
    "timezone",
    "currency",
    "consent",
    "preferences",
    "preference",
    "prefs",
    "pref",
    "ui",
    "sidebar",
    "dark",
    "mode",
    "color",
    "font",
    "region",
    "country",
    "banner",
    "tour",
    "onboarding",
    "dismissed",
    "seen",
    "visited",
    "layout",
    "view",
    "sort",
    "filter",
    "csrf",
    "xsrf",
    "ga",
    "gdpr",
    "analytics",
    "cart",
];

fn sensitivity(name: Option<&str>, value: &str) -> Sensitivity {
    let is = |text: &str, list: &[&str]| {
        let words = ast::words(text);
        words.iter().any(|w| list.contains(&w.as_str()))
            || list
                .iter()
                .any(|l| l.len() > 4 && text.to_ascii_lowercase().contains(l))
    };
    if let Some(name) = name {
        // Anti-CSRF cookies (`XSRF-TOKEN`) are read by scripts on purpose.
        if is(name, &["csrf", "xsrf", "csrftoken"]) {
            return Sensitivity::Preference;
        }
        if is(name, SENSITIVE_WORDS) {
            return Sensitivity::Sensitive;
        }
        if is(name, PREFERENCE_WORDS) {
            return Sensitivity::Preference;
        }
        if is(name, WEAKLY_SENSITIVE_WORDS) {
            return Sensitivity::Sensitive;
        }
    }
    if is(value, &["session", "token", "jwt", "sid", "auth"]) {
        return Sensitivity::Sensitive;
    }
    Sensitivity::Neutral
}

fn judge<'t>(cookie: Cookie<'t>, out: &mut Vec<Issue<'t>>) {
    let level = sensitivity(cookie.name.as_deref(), &cookie.value);
    let shown = cookie
        .name
        .as_deref()
        .map(|n| format!("cookie `{n}`"))
        .unwrap_or_else(|| "cookie".to_string());
    let phrase = |flag: Flag, name: &str| match flag {
        Flag::Off => format!("`{name}` switched off"),
        _ => format!("no `{name}` flag"),
    };
    let (cwe, what) = match (cookie.secure.is_weak(), cookie.http_only.is_weak()) {
        (true, true) => (
            614,
            format!(
                "{} and {}",
                phrase(cookie.secure, "Secure"),
                phrase(cookie.http_only, "HttpOnly")
            ),
        ),
        (true, false) => (614, phrase(cookie.secure, "Secure")),
        (false, true) => (1004, phrase(cookie.http_only, "HttpOnly")),
        (false, false) => return,
    };
    let explicit_off = (cwe == 614 && cookie.secure == Flag::Off)
        || (cwe == 1004 && cookie.http_only == Flag::Off);
    let (severity, confidence) = match level {
        Sensitivity::Sensitive => (Severity::Medium, Confidence::High),
        Sensitivity::Neutral if explicit_off => (Severity::Low, Confidence::High),
        Sensitivity::Neutral if cwe == 614 => (Severity::Low, Confidence::Medium),
        Sensitivity::Neutral => (Severity::Low, Confidence::Low),
        Sensitivity::Preference if cwe == 614 && cookie.secure == Flag::Off => {
            (Severity::Low, Confidence::Medium)
        }
        Sensitivity::Preference => return,
    };
    out.push(Issue {
        node: cookie.node,
        message: format!("{shown} is set with {what} in `{}`", cookie.display),
        anchor: format!(
            "{} {}",
            cookie.name.as_deref().unwrap_or(""),
            cookie.display
        ),
        cwe,
        severity,
        confidence,
    });
}

/// Whether the callee text of a call (its `field` child) ends with one of `names`: a cheap test
/// before reading the call in full.
fn callee_ends_with(node: Node<'_>, field: &str, src: &str, names: &[&str]) -> bool {
    node.child_by_field_name(field).is_some_and(|f| {
        let t = ast::text(f, src);
        names.iter().any(|n| t.ends_with(n))
    })
}

/// The cookie name or value named by an argument: a literal's value, otherwise the code.
fn literal_or_text(node: Option<Node<'_>>, src: &str) -> Option<String> {
    let node = node?;
    Some(ast::string_value(node, src).unwrap_or_else(|| ast::text(node, src).to_string()))
}

fn is_zero_or_negative(node: Option<Node<'_>>, src: &str) -> bool {
    node.is_some_and(|n| {
        let t = ast::text(n, src).trim();
        t == "0" || t.starts_with('-') || t == "new Date(0)" || t.contains("Unix(0")
    })
}

/// Whether the cookie value is an empty string literal: clearing, not setting.
fn is_empty_value(node: Option<Node<'_>>, src: &str) -> bool {
    node.is_some_and(|n| ast::string_value(n, src).is_some_and(|s| s.is_empty()))
}

/// The scope to search for a variable's creation and later changes: its function, or the file.
fn scope_of(node: Node<'_>) -> Node<'_> {
    let mut top = node;
    while let Some(p) = top.parent() {
        top = p;
    }
    ast::enclosing_function(node).unwrap_or(top)
}

/// The last value assigned to variable `name` before `at`, in `at`'s function, else at the
/// top of the file (shared cookie options are often module constants).
fn creation_of<'t>(at: Node<'t>, name: &str, src: &str) -> Option<Node<'t>> {
    let scope = scope_of(at);
    ast::assignments_before(scope, name, at.start_byte(), src)
        .into_iter()
        .next_back()
        .or_else(|| {
            let mut root = scope;
            while let Some(p) = root.parent() {
                root = p;
            }
            ast::assignments_before(root, name, at.start_byte(), src)
                .into_iter()
                .rfind(|v| ast::enclosing_function(*v).is_none())
        })
}

/// `(field, value)` for each `var.field = value` in `at`'s function.
fn member_assignments<'t>(at: Node<'t>, var: &str, src: &str) -> Vec<(String, Node<'t>)> {
    let mut out = Vec::new();
    ast::walk(scope_of(at), |n| {
        if let Some((target, value)) = ast::assignment_parts(n) {
            if let Some((object, field)) = ast::member_parts(target) {
                if ast::text(object, src) == var {
                    out.push((ast::text(field, src).to_string(), value));
                }
            }
        }
    });
    out
}

// ---------------------------------------------------------------------------------------------
// Python

fn python<'t>(node: Node<'t>, src: &str, out: &mut Vec<Issue<'t>>) {
    if node.kind() != "call" {
        return;
    }
    if !callee_ends_with(node, "function", src, &["set_cookie", "set_signed_cookie"]) {
        return;
    }
    let Some(call) = ast::call(node, src, Language::Python) else {
        return;
    };
    let signed = call.name == "set_signed_cookie";
    if !(call.name == "set_cookie" || signed) || call.receiver.is_none() {
        return;
    }
    if call
        .args
        .iter()
        .any(|a| matches!(a.value.kind(), "dictionary_splat" | "list_splat"))
    {
        return;
    }
    let arg = |kw: &str, i: usize| call.keyword(kw).or_else(|| call.positional(i));
    // `jar.set_cookie(cookie_obj)` is a client cookie jar, and no value means clearing.
    let Some(value) = arg("value", 1) else {
        return;
    };
    let value = Some(value);
    if is_zero_or_negative(arg("max_age", 2), src)
        || is_zero_or_negative(arg("expires", 3), src)
        || is_empty_value(value, src)
    {
        return;
    }
    // `set_signed_cookie(key, value, salt="", **kwargs)` takes its flags by keyword only.
    let flag = |kw: &str, i: usize| {
        let found = if signed { call.keyword(kw) } else { arg(kw, i) };
        found.map_or(Flag::Missing, |v| Flag::from_text(ast::text(v, src)))
    };
    judge(
        Cookie {
            node,
            display: ast::call_display(&call, src),
            name: literal_or_text(arg("key", 0), src),
            value: literal_or_text(value, src).unwrap_or_default(),
            secure: flag("secure", 6),
            http_only: flag("httponly", 7),
        },
        out,
    );
}

// ---------------------------------------------------------------------------------------------
// JavaScript / TypeScript

/// The `secure` and `httpOnly` flags of an options object literal (a spread makes a missing
/// flag unknown).
fn js_object_flags<'t>(obj: Node<'t>, src: &str) -> (Flag, Flag, Option<Node<'t>>) {
    let mut secure = Flag::Missing;
    let mut http_only = Flag::Missing;
    let mut max_age = None;
    let mut spread = false;
    for member in ast::named_children(obj) {
        match member.kind() {
            "pair" => {
                let (Some(k), Some(v)) = (
                    member.child_by_field_name("key"),
                    member.child_by_field_name("value"),
                ) else {
                    continue;
                };
                let key = ast::string_value(k, src).unwrap_or_else(|| ast::text(k, src).into());
                match key.to_ascii_lowercase().as_str() {
                    "secure" => secure = Flag::from_text(ast::text(v, src)),
                    "httponly" => http_only = Flag::from_text(ast::text(v, src)),
                    "maxage" | "expires" => max_age = Some(v),
                    _ => {}
                }
            }
            "shorthand_property_identifier" => match ast::text(member, src) {
                "secure" => secure = Flag::Unknown,
                "httpOnly" => http_only = Flag::Unknown,
                _ => {}
            },
            "spread_element" => spread = true,
            _ => {}
        }
    }
    if spread {
        if secure == Flag::Missing {
            secure = Flag::Unknown;
        }
        if http_only == Flag::Missing {
            http_only = Flag::Unknown;
        }
    }
    (secure, http_only, max_age)
}

/// An options argument as an object literal, following a variable to its initialiser.
fn js_options<'t>(arg: Node<'t>, src: &str) -> Option<Node<'t>> {
    match arg.kind() {
        "object" => Some(arg),
        "identifier" => creation_of(arg, ast::text(arg, src), src).filter(|v| v.kind() == "object"),
        _ => None,
    }
}

fn javascript<'t>(node: Node<'t>, src: &str, language: Language, out: &mut Vec<Issue<'t>>) {
    if node.kind() != "call_expression"
        || !callee_ends_with(node, "function", src, &["cookie", "Cookie", ".set"])
    {
        return;
    }
    let Some(call) = ast::call(node, src, language) else {
        return;
    };
    let positional: Vec<Node<'t>> = call.args.iter().map(|a| a.value).collect();
    let Some(receiver) = call.receiver else {
        // Hono: `setCookie(c, name, value, options)`.
        if call.name == "setCookie" && positional.len() >= 3 {
            js_cookie_call(node, &call, &positional[1..], false, src, out);
        }
        return;
    };
    let receiver_text = ast::text(receiver, src);
    let koa = receiver_text.starts_with("ctx") && receiver_text.ends_with("cookies");
    // Server-side cookie stores only: Next.js `cookies()` / `cookieStore`, Koa `ctx.cookies`,
    // `response.cookies`. Browser libraries (`Cookies.set`, `$.cookie`) cannot set HttpOnly.
    let server_store = receiver_text.ends_with("cookies()")
        || receiver_text.ends_with("cookieStore")
        || receiver_text.split_once('.').is_some_and(|(head, rest)| {
            rest == "cookies"
                && matches!(
                    head,
                    "ctx" | "context" | "res" | "response" | "reply" | "c" | "nextResponse"
                )
        });
    let is_setter = match call.name.as_str() {
        "cookie" | "setCookie" => !matches!(receiver_text, "$" | "jQuery"),
        "set" => server_store,
        _ => false,
    };
    if !is_setter {
        return;
    }
    js_cookie_call(node, &call, &positional, koa, src, out);
}

/// Judges `name, value[, options]` arguments of a cookie setter (or one options object).
fn js_cookie_call<'t>(
    node: Node<'t>,
    call: &ast::Call<'t>,
    positional: &[Node<'t>],
    koa: bool,
    src: &str,
    out: &mut Vec<Issue<'t>>,
) {
    // Next.js `cookies().set({ name, value, httpOnly, secure })`.
    let (name, value, options) = match positional {
        [obj] if obj.kind() == "object" => {
            let field = |k: &str| {
                ast::named_children(*obj)
                    .into_iter()
                    .filter(|p| p.kind() == "pair")
                    .find(|p| {
                        p.child_by_field_name("key")
                            .is_some_and(|key| ast::text(key, src) == k)
                    })
                    .and_then(|p| p.child_by_field_name("value"))
            };
            (field("name"), field("value"), Some(*obj))
        }
        [n, v] => (Some(*n), Some(*v), None),
        [n, v, o, ..] => match js_options(*o, src) {
            Some(obj) => (Some(*n), Some(*v), Some(obj)),
            // Options built elsewhere: cannot tell.
            None => return,
        },
        _ => return,
    };
    if is_empty_value(value, src) {
        return;
    }
    let (secure, mut http_only) = match options {
        Some(obj) => {
            let (s, h, max_age) = js_object_flags(obj, src);
            if is_zero_or_negative(max_age, src) {
                return;
            }
            (s, h)
        }
        None => (Flag::Missing, Flag::Missing),
    };
    // Koa cookies are HttpOnly unless told otherwise.
    if koa && http_only == Flag::Missing {
        http_only = Flag::On;
    }
    judge(
        Cookie {
            node,
            display: ast::call_display(call, src),
            name: literal_or_text(name, src),
            value: literal_or_text(value, src).unwrap_or_default(),
            secure,
            http_only,
        },
        out,
    );
}

// ---------------------------------------------------------------------------------------------
// Java

/// A servlet `Cookie` handed over at `at` (to `addCookie`, or returned from a helper): the
/// cookie expression is a `new Cookie(...)` or a variable holding one, whose setters are read
/// from the same function.
fn java_servlet_cookie<'t>(
    at: Node<'t>,
    display: String,
    cookie: Node<'t>,
    src: &str,
    out: &mut Vec<Issue<'t>>,
) {
    let (creation, var) = match cookie.kind() {
        "object_creation_expression" => (cookie, None),
        "identifier" => {
            let var = ast::text(cookie, src);
            match creation_of(at, var, src) {
                Some(c) if c.kind() == "object_creation_expression" => (c, Some(var)),
                // Built by a helper or passed in: judged where it is built.
                _ => return,
            }
        }
        _ => return,
    };
    let Some(created) = ast::call(creation, src, Language::Java) else {
        return;
    };
    if created.name != "Cookie" {
        return;
    }
    let mut secure = Flag::Missing;
    let mut http_only = Flag::Missing;
    if let Some(var) = var {
        for setter in ast::calls(scope_of(at), src, Language::Java) {
            if setter.receiver.map(|r| ast::text(r, src)) != Some(var) {
                continue;
            }
            let value = setter.positional(0).map(|v| ast::text(v, src));
            match (setter.name.as_str(), value) {
                ("setSecure", Some(v)) => secure = Flag::from_text(v),
                ("setHttpOnly", Some(v)) => http_only = Flag::from_text(v),
                ("setMaxAge", _) if is_zero_or_negative(setter.positional(0), src) => return,
                _ => {}
            }
        }
    }
    judge(
        Cookie {
            node: at,
            display,
            name: literal_or_text(created.positional(0), src),
            value: literal_or_text(created.positional(1), src).unwrap_or_default(),
            secure,
            http_only,
        },
        out,
    );
}

fn java<'t>(node: Node<'t>, src: &str, out: &mut Vec<Issue<'t>>) {
    if node.kind() == "return_statement" {
        // `return cookie;` from a cookie factory method.
        if let Some(value) = ast::named_children(node).into_iter().next() {
            let display = ast::text(node, src).chars().take(60).collect();
            java_servlet_cookie(node, display, value, src, out);
        }
        return;
    }
    if node.kind() != "method_invocation"
        || !callee_ends_with(
            node,
            "name",
            src,
            &["addCookie", "from", "fromClientResponse"],
        )
    {
        return;
    }
    let Some(call) = ast::call(node, src, Language::Java) else {
        return;
    };
    match call.name.as_str() {
        "addCookie" => {
            if let Some(arg) = call.positional(0) {
                java_servlet_cookie(node, ast::call_display(&call, src), arg, src, out);
            }
        }
        "from" | "fromClientResponse"
            if call
                .receiver
                .is_some_and(|r| ast::text(r, src).ends_with("ResponseCookie")) =>
        {
            // Walk up the builder chain: `ResponseCookie.from(..).httpOnly(true).secure(true).build()`.
            let mut secure = Flag::Missing;
            let mut http_only = Flag::Missing;
            let mut cur = node;
            let mut built = false;
            while let Some(parent) = cur.parent() {
                if parent.kind() != "method_invocation"
                    || parent.child_by_field_name("object") != Some(cur)
                {
                    break;
                }
                let Some(step) = ast::call(parent, src, Language::Java) else {
                    break;
                };
                let arg = step.positional(0);
                match step.name.as_str() {
                    "secure" => {
                        secure = arg.map_or(Flag::On, |a| Flag::from_text(ast::text(a, src)))
                    }
                    "httpOnly" => {
                        http_only = arg.map_or(Flag::On, |a| Flag::from_text(ast::text(a, src)))
                    }
                    "maxAge" if is_zero_or_negative(arg, src) => return,
                    "build" => built = true,
                    _ => {}
                }
                cur = parent;
            }
            if !built {
                return;
            }
            judge(
                Cookie {
                    node: cur,
                    display: format!(
                        "ResponseCookie.from({}, …)",
                        call.positional(0).map_or("", |a| ast::text(a, src))
                    ),
                    name: literal_or_text(call.positional(0), src),
                    value: literal_or_text(call.positional(1), src).unwrap_or_default(),
                    secure,
                    http_only,
                },
                out,
            );
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// C#

/// `Secure` and `HttpOnly` from an object initializer `{ Secure = true, HttpOnly = false }`.
fn cs_initializer_flags(creation: Node<'_>, src: &str, secure: &mut Flag, http_only: &mut Flag) {
    let Some(init) = creation.child_by_field_name("initializer") else {
        return;
    };
    for a in ast::named_children(init) {
        if let Some((t, v)) = ast::assignment_parts(a) {
            match ast::text(t, src) {
                "Secure" => *secure = Flag::from_text(ast::text(v, src)),
                "HttpOnly" => *http_only = Flag::from_text(ast::text(v, src)),
                _ => {}
            }
        }
    }
}

/// Flags of a `CookieOptions`/`HttpCookie` value: an inline creation, or a variable with its
/// creation and later `x.Secure = ...` assignments. `None` when it cannot be told.
fn cs_flags(value: Node<'_>, at: Node<'_>, src: &str) -> Option<(Flag, Flag, String)> {
    let mut secure = Flag::Missing;
    let mut http_only = Flag::Missing;
    let ty = |c: Node<'_>| {
        c.child_by_field_name("type")
            .map(|t| ast::text(t, src).to_string())
            .unwrap_or_default()
    };
    match value.kind() {
        "object_creation_expression" => {
            cs_initializer_flags(value, src, &mut secure, &mut http_only);
            Some((secure, http_only, ty(value)))
        }
        "identifier" => {
            let var = ast::text(value, src);
            let creation =
                creation_of(at, var, src).filter(|c| c.kind() == "object_creation_expression")?;
            cs_initializer_flags(creation, src, &mut secure, &mut http_only);
            for (field, v) in member_assignments(at, var, src) {
                match field.as_str() {
                    "Secure" => secure = Flag::from_text(ast::text(v, src)),
                    "HttpOnly" => http_only = Flag::from_text(ast::text(v, src)),
                    _ => {}
                }
            }
            Some((secure, http_only, ty(creation)))
        }
        _ => None,
    }
}

fn csharp<'t>(node: Node<'t>, src: &str, out: &mut Vec<Issue<'t>>) {
    if node.kind() != "invocation_expression" {
        return;
    }
    if !callee_ends_with(node, "function", src, &["Append", "Add", "Set"]) {
        return;
    }
    let Some(call) = ast::call(node, src, Language::CSharp) else {
        return;
    };
    let receiver = call.receiver.map_or("", |r| ast::text(r, src));
    if !receiver.ends_with("Cookies") {
        return;
    }
    let positional: Vec<Node<'t>> = call.args.iter().map(|a| a.value).collect();
    let cookie = match (call.name.as_str(), positional.as_slice()) {
        // ASP.NET Core: `Response.Cookies.Append(name, value[, options])`.
        ("Append", [name, value, rest @ ..]) => {
            let (secure, http_only) = match rest.first() {
                Some(opts) => match cs_flags(*opts, node, src) {
                    Some((s, h, _)) => (s, h),
                    None => return,
                },
                None => (Flag::Missing, Flag::Missing),
            };
            if is_empty_value(Some(*value), src) {
                return;
            }
            Cookie {
                node,
                display: ast::call_display(&call, src),
                name: literal_or_text(Some(*name), src),
                value: ast::text(*value, src).to_string(),
                secure,
                http_only,
            }
        }
        // ASP.NET: `Response.Cookies.Add(new HttpCookie(name, value) { ... })`.
        ("Add" | "Set", [cookie]) => {
            let Some((secure, http_only, ty)) = cs_flags(*cookie, node, src) else {
                return;
            };
            if !ty.ends_with("HttpCookie") {
                return;
            }
            let creation = if cookie.kind() == "identifier" {
                creation_of(node, ast::text(*cookie, src), src)
            } else {
                Some(*cookie)
            };
            let created = creation.and_then(|c| ast::call(c, src, Language::CSharp));
            Cookie {
                node,
                display: ast::call_display(&call, src),
                name: literal_or_text(created.as_ref().and_then(|c| c.positional(0)), src),
                value: literal_or_text(created.as_ref().and_then(|c| c.positional(1)), src)
                    .unwrap_or_default(),
                secure,
                http_only,
            }
        }
        _ => return,
    };
    judge(cookie, out);
}

// ---------------------------------------------------------------------------------------------
// Go

/// Fields of an `http.Cookie{...}` literal plus later `c.Secure = ...` assignments.
fn go_cookie<'t>(arg: Node<'t>, at: Node<'t>, src: &str) -> Option<(Node<'t>, Flag, Flag)> {
    let unwrap = |n: Node<'t>| {
        if n.kind() == "unary_expression" {
            n.child_by_field_name("operand").unwrap_or(n)
        } else {
            n
        }
    };
    let arg = unwrap(arg);
    let (literal, var) = match arg.kind() {
        "composite_literal" => (arg, None),
        "identifier" => {
            let var = ast::text(arg, src);
            let created = creation_of(at, var, src).map(unwrap)?;
            (created.kind() == "composite_literal").then_some(())?;
            (created, Some(var))
        }
        _ => return None,
    };
    let ty = ast::text(literal.child_by_field_name("type")?, src);
    if !ty.ends_with("Cookie") {
        return None;
    }
    let mut secure = Flag::Missing;
    let mut http_only = Flag::Missing;
    let body = literal.child_by_field_name("body")?;
    for el in ast::named_children(body) {
        if el.kind() != "keyed_element" {
            continue;
        }
        let parts = ast::named_children(el);
        let (Some(k), Some(v)) = (parts.first(), parts.get(1)) else {
            continue;
        };
        match ast::text(*k, src) {
            "Secure" => secure = Flag::from_text(ast::text(*v, src)),
            "HttpOnly" | "HTTPOnly" => http_only = Flag::from_text(ast::text(*v, src)),
            "MaxAge" if is_zero_or_negative(Some(*v), src) => return None,
            "Expires" if ast::text(*v, src).contains("Unix(0") => return None,
            "Value" if is_empty_value(Some(*v), src) => return None,
            _ => {}
        }
    }
    if let Some(var) = var {
        for (field, v) in member_assignments(at, var, src) {
            match field.as_str() {
                "Secure" => secure = Flag::from_text(ast::text(v, src)),
                "HttpOnly" | "HTTPOnly" => http_only = Flag::from_text(ast::text(v, src)),
                "MaxAge" if is_zero_or_negative(Some(v), src) => return None,
                _ => {}
            }
        }
    }
    Some((literal, secure, http_only))
}

fn go_field<'t>(literal: Node<'t>, field: &str, src: &str) -> Option<Node<'t>> {
    let body = literal.child_by_field_name("body")?;
    ast::named_children(body)
        .into_iter()
        .filter(|e| e.kind() == "keyed_element")
        .find_map(|e| {
            let parts = ast::named_children(e);
            (parts.first().map(|k| ast::text(*k, src)) == Some(field))
                .then(|| parts.get(1).copied())
                .flatten()
                // The value inside its `literal_element` wrapper.
                .map(|v| ast::named_children(v).into_iter().next().unwrap_or(v))
        })
}

fn go<'t>(node: Node<'t>, src: &str, out: &mut Vec<Issue<'t>>) {
    if node.kind() == "return_statement" {
        // `return &http.Cookie{...}` from a cookie constructor.
        let value = ast::named_children(node)
            .into_iter()
            .next()
            .map(|v| match v.kind() {
                "expression_list" => ast::named_children(v).into_iter().next().unwrap_or(v),
                _ => v,
            });
        if let Some((literal, secure, http_only)) = value.and_then(|v| go_cookie(v, node, src)) {
            judge(
                Cookie {
                    node,
                    display: ast::text(node, src).chars().take(60).collect(),
                    name: literal_or_text(go_field(literal, "Name", src), src),
                    value: go_field(literal, "Value", src)
                        .map(|v| ast::text(v, src).to_string())
                        .unwrap_or_default(),
                    secure,
                    http_only,
                },
                out,
            );
        }
        return;
    }
    if node.kind() != "call_expression" || !callee_ends_with(node, "function", src, &["Cookie"]) {
        return;
    }
    let Some(call) = ast::call(node, src, Language::Go) else {
        return;
    };
    let positional: Vec<Node<'t>> = call.args.iter().map(|a| a.value).collect();
    let display = ast::call_display(&call, src);
    match (call.name.as_str(), positional.as_slice()) {
        // Gin: `c.SetCookie(name, value, maxAge, path, domain, secure, httpOnly)`.
        ("SetCookie", [name, value, max_age, _, _, secure, http_only]) => {
            if is_zero_or_negative(Some(*max_age), src) || is_empty_value(Some(*value), src) {
                return;
            }
            judge(
                Cookie {
                    node,
                    display,
                    name: literal_or_text(Some(*name), src),
                    value: ast::text(*value, src).to_string(),
                    secure: Flag::from_text(ast::text(*secure, src)),
                    http_only: Flag::from_text(ast::text(*http_only, src)),
                },
                out,
            );
        }
        // `http.SetCookie(w, cookie)`, Echo `c.SetCookie(cookie)`, Fiber `c.Cookie(cookie)`.
        ("SetCookie", [_, cookie]) | ("SetCookie" | "Cookie", [cookie]) => {
            let Some((literal, secure, http_only)) = go_cookie(*cookie, node, src) else {
                return;
            };
            judge(
                Cookie {
                    node,
                    display,
                    name: literal_or_text(go_field(literal, "Name", src), src),
                    value: go_field(literal, "Value", src)
                        .map(|v| ast::text(v, src).to_string())
                        .unwrap_or_default(),
                    secure,
                    http_only,
                },
                out,
            );
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_cases, check};

    const RULE: &InsecureCookie = &InsecureCookie;

    #[test]
    fn python() {
        assert_cases(
            RULE,
            Language::Python,
            &[
                "@app.route('/login', methods=['POST'])\ndef login():\n    resp = make_response(redirect('/'))\n    resp.set_cookie('session_id', session_id)\n    return resp\n",
                "def login(request):\n    response = HttpResponse('ok')\n    response.set_cookie('auth_token', token, httponly=True, secure=False)\n    return response\n",
                "@router.post('/token')\nasync def token(response: Response):\n    response.set_cookie(key='access_token', value=f'Bearer {jwt}', secure=True)\n    return {}\n",
                "response.set_signed_cookie('user_id', str(user.pk), salt='auth', httponly=True)\n",
            ],
            &[
                "resp.set_cookie('session_id', sid, secure=True, httponly=True, samesite='Lax')\n",
                "resp.set_cookie('theme', 'dark')\n",
                "resp.set_cookie('session_id', '', max_age=0)\n",
                "resp.set_cookie('session', sid, **COOKIE_OPTS)\n",
                "SESSION_COOKIE_SECURE = False\napp.config['SESSION_COOKIE_HTTPONLY'] = False\n",
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
                    "app.post('/login', (req, res) => {\n  res.cookie('token', token);\n  res.json({ ok: true });\n});\n",
                    "res.cookie('sessionId', id, { httpOnly: false, secure: true });\n",
                    "res.cookie('jwt', accessToken, { httpOnly: true, maxAge: 3600000 });\n",
                    "cookies().set('session', token, { httpOnly: true });\n",
                    "const cookieStore = await cookies();\ncookieStore.set('session', token);\n",
                    "router.post('/login', async (ctx) => {\n  ctx.cookies.set('session', sid);\n});\n",
                    "app.post('/login', async (c) => {\n  setCookie(c, 'auth_token', token);\n  return c.json({ ok: true });\n});\n",
                ],
                &[
                    "res.cookie('token', token, { httpOnly: true, secure: true, sameSite: 'strict' });\n",
                    "res.cookie('theme', 'dark', { maxAge: 31536000 });\n",
                    "res.cookie('token', '', { expires: new Date(0) });\n",
                    "res.cookie('token', token, cookieOptions);\n",
                    "res.cookie('XSRF-TOKEN', req.csrfToken());\nres.cookie('user_theme', 'dark');\n",
                    "res.cookie('session', sid, { httpOnly: true, secure: process.env.NODE_ENV === 'production' });\n",
                    "Cookies.set('token', token);\ncookies.set('session', sid);\n$.cookie('session', sid);\n",
                    "router.post('/login', async (ctx) => {\n  ctx.cookies.set('session', sid, { secure: true });\n});\n",
                    "const opts = { httpOnly: true, secure: true };\nres.cookie('session', sid, opts);\n",
                    "const opts = { httpOnly: true, secure: true };\napp.post('/login', (req, res) => {\n  res.cookie('session', sid, opts);\n});\n",
                    "setCookie(c, 'session', sid, { httpOnly: true, secure: true, sameSite: 'Lax' });\n",
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
                "class C {\n  void login(HttpServletResponse response, String token) {\n    Cookie cookie = new Cookie(\"JSESSIONID\", token);\n    cookie.setPath(\"/\");\n    response.addCookie(cookie);\n  }\n}\n",
                "class C {\n  void login(HttpServletResponse response, String token) {\n    Cookie cookie = new Cookie(\"auth_token\", token);\n    cookie.setHttpOnly(true);\n    cookie.setSecure(false);\n    response.addCookie(cookie);\n  }\n}\n",
                "class C {\n  void f(HttpServletResponse response) {\n    response.addCookie(new Cookie(\"remember_me\", value));\n  }\n}\n",
                "class CookieUtil {\n  static Cookie sessionCookie(String id) {\n    Cookie c = new Cookie(\"SESSION\", id);\n    c.setPath(\"/\");\n    return c;\n  }\n}\n",
                "class C {\n  ResponseEntity<?> f(String jwt) {\n    ResponseCookie c = ResponseCookie.from(\"access_token\", jwt).httpOnly(true).path(\"/\").build();\n    return ok(c);\n  }\n}\n",
            ],
            &[
                "class C {\n  void login(HttpServletResponse response, String token) {\n    Cookie cookie = new Cookie(\"JSESSIONID\", token);\n    cookie.setHttpOnly(true);\n    cookie.setSecure(true);\n    response.addCookie(cookie);\n  }\n}\n",
                "class C {\n  void logout(HttpServletResponse response) {\n    Cookie cookie = new Cookie(\"token\", null);\n    cookie.setMaxAge(0);\n    response.addCookie(cookie);\n  }\n}\n",
                "class C {\n  void f(HttpServletResponse response) {\n    response.addCookie(cookieFactory.session(token));\n  }\n}\n",
                "class C {\n  ResponseCookie f(String jwt) {\n    return ResponseCookie.from(\"access_token\", jwt).httpOnly(true).secure(true).build();\n  }\n}\n",
                "class CookieUtil {\n  static Cookie sessionCookie(String id) {\n    Cookie c = new Cookie(\"SESSION\", id);\n    c.setSecure(true);\n    c.setHttpOnly(true);\n    return c;\n  }\n}\n",
            ],
        );
    }

    #[test]
    fn csharp() {
        assert_cases(
            RULE,
            Language::CSharp,
            &[
                "class C {\n  IActionResult Login() {\n    Response.Cookies.Append(\"AuthToken\", token);\n    return Ok();\n  }\n}\n",
                "class C {\n  IActionResult Login() {\n    Response.Cookies.Append(\"session\", sid, new CookieOptions { Secure = false, HttpOnly = false });\n    return Ok();\n  }\n}\n",
                "class C {\n  void Login() {\n    var options = new CookieOptions { HttpOnly = true };\n    Response.Cookies.Append(\"refresh_token\", refresh, options);\n  }\n}\n",
                "class C {\n  void Login() {\n    var cookie = new HttpCookie(\"ASP.NET_SessionId\", id);\n    Response.Cookies.Add(cookie);\n  }\n}\n",
            ],
            &[
                "class C {\n  void Login() {\n    Response.Cookies.Append(\"session\", sid, new CookieOptions { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Strict });\n  }\n}\n",
                "class C {\n  void Login() {\n    var options = new CookieOptions();\n    options.Secure = true;\n    options.HttpOnly = true;\n    Response.Cookies.Append(\"session\", sid, options);\n  }\n}\n",
                "class C {\n  void Pref() {\n    Response.Cookies.Append(\"theme\", \"dark\", new CookieOptions { Secure = true });\n  }\n}\n",
            ],
        );
    }

    #[test]
    fn go() {
        assert_cases(
            RULE,
            Language::Go,
            &[
                "package main\n\nfunc login(w http.ResponseWriter, r *http.Request) {\n\thttp.SetCookie(w, &http.Cookie{Name: \"session_token\", Value: token, Path: \"/\"})\n}\n",
                "package main\n\nfunc login(w http.ResponseWriter, r *http.Request) {\n\tcookie := &http.Cookie{Name: \"session\", Value: sid, HttpOnly: true}\n\thttp.SetCookie(w, cookie)\n}\n",
                "package main\n\nfunc login(c *gin.Context) {\n\tc.SetCookie(\"token\", token, 3600, \"/\", \"\", false, true)\n}\n",
                "package main\n\nfunc login(w http.ResponseWriter) {\n\tc := http.Cookie{Name: \"auth\", Value: tok, Secure: true}\n\thttp.SetCookie(w, &c)\n}\n",
                "package main\n\nfunc sessionCookie(v string) *http.Cookie {\n\treturn &http.Cookie{Name: \"session\", Value: v, Path: \"/\"}\n}\n",
            ],
            &[
                "package main\n\nfunc login(w http.ResponseWriter) {\n\thttp.SetCookie(w, &http.Cookie{Name: \"session_token\", Value: token, Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})\n}\n",
                "package main\n\nfunc logout(w http.ResponseWriter) {\n\thttp.SetCookie(w, &http.Cookie{Name: \"session_token\", Value: \"\", MaxAge: -1})\n}\n",
                "package main\n\nfunc login(c *gin.Context) {\n\tc.SetCookie(\"token\", token, 3600, \"/\", \"\", true, true)\n}\n",
                "package main\n\nfunc login(w http.ResponseWriter) {\n\tcookie := &http.Cookie{Name: \"session\", Value: sid}\n\tcookie.Secure = true\n\tcookie.HttpOnly = true\n\thttp.SetCookie(w, cookie)\n}\n",
            ],
        );
    }

    #[test]
    fn names_the_cookie() {
        let f = check(
            RULE,
            Language::Go,
            "package main\n\nfunc f(w http.ResponseWriter) {\n\thttp.SetCookie(w, &http.Cookie{Name: \"session\", Value: v})\n}\n",
        );
        assert!(
            f[0].message.contains("cookie `session`"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn reports_the_exact_cwe() {
        let f = check(
            RULE,
            Language::JavaScript,
            "res.cookie('token', t, { secure: true });\n",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].cwe, 1004);
        let f = check(
            RULE,
            Language::JavaScript,
            "res.cookie('token', t, { httpOnly: true });\n",
        );
        assert_eq!(f[0].cwe, 614);
        assert!(f[0].message.contains("`token`"), "{}", f[0].message);
    }
}
