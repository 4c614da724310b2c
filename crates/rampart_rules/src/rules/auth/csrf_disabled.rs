use super::{finding, is_false, shown};
use crate::ast;
use crate::{FileContext, StructuralRule};
use rampart_core::{Confidence, Finding, Language};
use tree_sitter::Node;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds cross-site request forgery protection switched off where the application
    /// authenticates with cookies:
    /// - Django `@csrf_exempt` (also through `method_decorator`) and a `MIDDLEWARE` list with
    ///   sessions but without `CsrfViewMiddleware`; Flask-WTF `@csrf.exempt`,
    ///   `WTF_CSRF_ENABLED = False` outside test configuration;
    /// - Spring Security `csrf().disable()`, `csrf(c -> c.disable())`,
    ///   `csrf(AbstractHttpConfigurer::disable)` unless the same configuration makes sessions
    ///   `STATELESS` (a token-authenticated API);
    /// - Express `express-session`/`cookie-session` middleware in a file with state-changing
    ///   routes and no CSRF middleware (`csurf`, `csrf-csrf`, `lusca`) or `sameSite` cookie;
    /// - ASP.NET Core `[IgnoreAntiforgeryToken]`, `IgnoreAntiforgeryTokenAttribute` filters and
    ///   `DisableAntiforgery()`.
    ///
    /// Exemptions of webhook and callback views (authenticated by a signature, not a cookie)
    /// are not reported.
    ///
    /// ## Why is this bad
    /// Browsers attach cookies to requests that other sites trigger. Without a CSRF token a
    /// malicious page can make a logged-in user change their email, transfer money or delete
    /// data with a hidden form post.
    ///
    /// ## Example
    /// ```python
    /// @csrf_exempt
    /// @login_required
    /// def update_email(request):
    ///     request.user.email = request.POST["email"]
    ///     request.user.save()
    /// ```
    ///
    /// ## Fix
    /// Keep the framework's CSRF protection on and send the token with forms and AJAX requests
    /// (`{% csrf_token %}`, the `X-CSRFToken` header). APIs authenticated only by bearer tokens
    /// may disable it; make that explicit with stateless sessions.
    ///
    /// ## References
    /// - [CWE-352: Cross-Site Request Forgery](https://cwe.mitre.org/data/definitions/352.html)
    /// - [OWASP CSRF Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html)
    pub static CSRF_DISABLED = {
        id: "csrf-disabled",
        name: "CsrfDisabled",
        cwe: 352,
        severity: Medium,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp],
        summary: "CSRF protection disabled for cookie-authenticated requests",
        help: "keep CSRF protection on for cookie-authenticated state-changing requests",
    }
}

pub struct CsrfDisabled;

impl StructuralRule for CsrfDisabled {
    fn meta(&self) -> &'static rampart_core::RuleMeta {
        &CSRF_DISABLED
    }

    fn check(&self, ctx: &FileContext<'_>, out: &mut Vec<Finding>) {
        let src = ctx.file.text.as_str();
        let lower = ctx.lowercase();
        let root = ctx.tree.root_node();
        let mut hits: Vec<(Node<'_>, String, Confidence)> = Vec::new();
        match ctx.file.language {
            Language::Python if lower.contains("csrf") || lower.contains("middleware") => {
                python(root, src, &mut hits)
            }
            Language::Java if lower.contains("csrf") => java(root, src, lower, &mut hits),
            Language::JavaScript | Language::TypeScript | Language::Tsx
                if lower.contains("session") =>
            {
                javascript(ctx, root, src, lower, &mut hits)
            }
            Language::CSharp if lower.contains("antiforgery") => csharp(root, src, &mut hits),
            _ => {}
        }
        for (node, message, confidence) in hits {
            out.push(
                finding(&CSRF_DISABLED, ctx, node, message)
                    .confidence(confidence)
                    .build(),
            );
        }
    }
}

/// Views that receive signed callbacks from other services rather than browser requests.
fn is_callback(name: &str) -> bool {
    let ws = ast::words(name);
    ws.iter().any(|w| {
        matches!(
            w.as_str(),
            "webhook"
                | "webhooks"
                | "callback"
                | "hook"
                | "ipn"
                | "notify"
                | "notification"
                | "stripe"
                | "slack"
                | "github"
                | "twilio"
        )
    })
}

fn python<'t>(root: Node<'t>, src: &str, hits: &mut Vec<(Node<'t>, String, Confidence)>) {
    for d in ast::descendants_of_kind(root, &["decorator"]) {
        let t = ast::text(d, src);
        if !(t.contains("csrf_exempt") || t.contains("csrf.exempt")) {
            continue;
        }
        let def = d.parent().and_then(|p| p.child_by_field_name("definition"));
        let name = def
            .and_then(|f| f.child_by_field_name("name"))
            .map(|n| ast::text(n, src))
            .unwrap_or("");
        let route = d
            .parent()
            .map(|p| {
                ast::text(p, src)
                    .lines()
                    .take(4)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        if is_callback(name) || is_callback(&route) {
            continue;
        }
        hits.push((
            d,
            format!("`{}` turns off CSRF protection for `{name}`", t.trim()),
            Confidence::High,
        ));
    }
    for a in ast::descendants_of_kind(root, &["assignment", "keyword_argument", "pair"]) {
        let (k, v) = match a.kind() {
            "keyword_argument" => (
                a.child_by_field_name("name"),
                a.child_by_field_name("value"),
            ),
            "pair" => (a.child_by_field_name("key"), a.child_by_field_name("value")),
            _ => (
                a.child_by_field_name("left"),
                a.child_by_field_name("right"),
            ),
        };
        let (Some(k), Some(v)) = (k, v) else { continue };
        let key_text = ast::text(k, src);
        let key = ast::named_children(k)
            .into_iter()
            .rev()
            .find_map(|n| ast::string_value(n, src))
            .or_else(|| ast::string_value(k, src))
            .unwrap_or_else(|| key_text.to_string());
        if matches!(key.as_str(), "WTF_CSRF_ENABLED" | "WTF_CSRF_CHECK_DEFAULT") && is_false(v, src)
        {
            let in_test = ast::enclosing_scope(a, src)
                .to_ascii_lowercase()
                .contains("test");
            if !in_test {
                hits.push((
                    a,
                    format!("`{}` turns off Flask-WTF CSRF protection", shown(a, src)),
                    Confidence::High,
                ));
            }
        }
        if key_text == "MIDDLEWARE" && v.kind() == "list" {
            let items: Vec<String> = ast::named_children(v)
                .into_iter()
                .filter_map(|n| ast::string_value(n, src))
                .collect();
            let sessions = items.iter().any(|s| {
                s.ends_with("SessionMiddleware") || s.ends_with("AuthenticationMiddleware")
            });
            let csrf = items.iter().any(|s| s.ends_with("CsrfViewMiddleware"));
            if sessions && !csrf {
                hits.push((a, "`MIDDLEWARE` has sessions but not `CsrfViewMiddleware`: CSRF protection is off".to_string(), Confidence::High));
            }
        }
    }
}

fn java<'t>(
    root: Node<'t>,
    src: &str,
    lower: &str,
    hits: &mut Vec<(Node<'t>, String, Confidence)>,
) {
    if src.contains("STATELESS") {
        return;
    }
    let token_api =
        lower.contains("oauth2resourceserver") || lower.contains("jwt") || lower.contains("bearer");
    let confidence = if token_api {
        Confidence::Medium
    } else {
        Confidence::High
    };
    for c in ast::calls_named(root, src, Language::Java, |n| n == "disable" || n == "csrf") {
        let disabled = match c.name.as_str() {
            "disable" => c
                .receiver
                .and_then(|r| ast::call(r, src, Language::Java))
                .is_some_and(|r| r.name == "csrf"),
            _ => c.positional(0).is_some_and(|a| {
                let t = ast::text(a, src);
                t.ends_with("::disable")
                    || (a.kind() == "lambda_expression" && t.contains(".disable()"))
            }),
        };
        if disabled {
            hits.push((
                c.node,
                format!(
                    "`{}` turns off CSRF protection for session-authenticated requests",
                    shown(c.node, src)
                ),
                confidence,
            ));
        }
    }
}

fn javascript<'t>(
    ctx: &FileContext<'t>,
    root: Node<'t>,
    src: &str,
    lower: &str,
    hits: &mut Vec<(Node<'t>, String, Confidence)>,
) {
    if lower.contains("csrf")
        || lower.contains("csurf")
        || lower.contains("lusca")
        || lower.contains("xsrf")
    {
        return;
    }
    let lang = ctx.file.language;
    let calls = ast::calls(root, src, lang);
    let changes_state = calls.iter().any(|c| {
        matches!(c.name.as_str(), "post" | "put" | "patch" | "delete")
            && c.positional(0)
                .and_then(|p| ast::string_value(p, src))
                .is_some_and(|p| p.starts_with('/'))
            && c.args.len() >= 2
    });
    if !changes_state {
        return;
    }
    for c in calls.iter().filter(|c| {
        matches!(
            c.name.as_str(),
            "session" | "cookieSession" | "expressSession"
        )
    }) {
        let Some(opts) = c.positional(0).filter(|o| o.kind() == "object") else {
            continue;
        };
        let t = ast::text(opts, src).to_ascii_lowercase();
        if t.contains("samesite")
            && (t.contains("'strict'")
                || t.contains("\"strict\"")
                || t.contains("'lax'")
                || t.contains("\"lax\"")
                || t.contains("true"))
        {
            continue;
        }
        hits.push((
            c.node,
            format!(
                "cookie sessions (`{}`) with state-changing routes and no CSRF protection",
                shown(c.node, src)
            ),
            Confidence::Medium,
        ));
    }
}

fn csharp<'t>(root: Node<'t>, src: &str, hits: &mut Vec<(Node<'t>, String, Confidence)>) {
    for a in ast::descendants_of_kind(root, &["attribute"]) {
        let name = a
            .child_by_field_name("name")
            .map(|n| ast::text(n, src))
            .unwrap_or("");
        if name == "IgnoreAntiforgeryToken" || name == "IgnoreAntiforgeryTokenAttribute" {
            hits.push((
                a,
                format!("`[{name}]` turns off CSRF protection"),
                Confidence::High,
            ));
        }
    }
    for c in ast::calls_named(root, src, Language::CSharp, |n| {
        n == "DisableAntiforgery" || n == "IgnoreAntiforgeryTokenAttribute"
    }) {
        hits.push((
            c.node,
            format!("`{}` turns off CSRF protection", shown(c.node, src)),
            Confidence::High,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_cases;

    #[test]
    fn python() {
        assert_cases(
            &CsrfDisabled,
            Language::Python,
            &[
                "from django.views.decorators.csrf import csrf_exempt\n\n@csrf_exempt\n@login_required\ndef update_email(request):\n    request.user.email = request.POST[\"email\"]\n    request.user.save()\n",
                "app.config[\"WTF_CSRF_ENABLED\"] = False\n",
                "@method_decorator(csrf_exempt, name=\"dispatch\")\nclass TransferView(LoginRequiredMixin, View):\n    pass\n",
                "MIDDLEWARE = [\n    \"django.contrib.sessions.middleware.SessionMiddleware\",\n    \"django.contrib.auth.middleware.AuthenticationMiddleware\",\n]\n",
            ],
            &[
                "@csrf_exempt\ndef stripe_webhook(request):\n    verify_signature(request)\n",
                "class TestingConfig(Config):\n    WTF_CSRF_ENABLED = False\n",
                "MIDDLEWARE = [\n    \"django.contrib.sessions.middleware.SessionMiddleware\",\n    \"django.middleware.csrf.CsrfViewMiddleware\",\n]\n",
                "@login_required\ndef update_email(request):\n    pass\n",
            ],
        );
    }

    #[test]
    fn java() {
        assert_cases(
            &CsrfDisabled,
            Language::Java,
            &[
                "class S { SecurityFilterChain f(HttpSecurity http) throws Exception { http.csrf().disable().formLogin(); return http.build(); } }",
                "class S { SecurityFilterChain f(HttpSecurity http) throws Exception { http.csrf(csrf -> csrf.disable()).formLogin(Customizer.withDefaults()); return http.build(); } }",
                "class S { SecurityFilterChain f(HttpSecurity http) throws Exception { http.csrf(AbstractHttpConfigurer::disable); return http.build(); } }",
            ],
            &[
                "class S { SecurityFilterChain f(HttpSecurity http) throws Exception { http.csrf(AbstractHttpConfigurer::disable).sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS)); return http.build(); } }",
                "class S { SecurityFilterChain f(HttpSecurity http) throws Exception { http.csrf(Customizer.withDefaults()); return http.build(); } }",
                "class S { void f() { button.disable(); } }",
            ],
        );
    }

    #[test]
    fn javascript_and_csharp() {
        assert_cases(
            &CsrfDisabled,
            Language::JavaScript,
            &[
                "const session = require('express-session');\napp.use(session({ secret: process.env.SECRET, resave: false, saveUninitialized: false }));\napp.post('/transfer', requireLogin, transfer);\n",
                "app.use(cookieSession({ name: 'session', keys: [key] }));\napp.delete('/account', (req, res) => deleteAccount(req, res));\n",
                "app.use(session({ secret: s, cookie: { secure: true } }));\nrouter.post('/profile', (req, res) => save(req, res));\n",
            ],
            &[
                "const csrf = require('csurf');\napp.use(session({ secret: s }));\napp.use(csrf());\napp.post('/transfer', transfer);\n",
                "app.use(session({ secret: s, cookie: { sameSite: 'strict', secure: true } }));\napp.post('/transfer', transfer);\n",
                "app.use(session({ secret: s }));\napp.get('/profile', show);\n",
            ],
        );
        assert_cases(
            &CsrfDisabled,
            Language::CSharp,
            &[
                "[IgnoreAntiforgeryToken]\npublic class AccountController : Controller { }",
                "class A { void F() { services.AddControllersWithViews(o => o.Filters.Add(new IgnoreAntiforgeryTokenAttribute())); } }",
                "class A { void F() { app.MapPost(\"/transfer\", Transfer).DisableAntiforgery(); } }",
            ],
            &[
                "[ValidateAntiForgeryToken]\npublic class AccountController : Controller { }",
                "[AutoValidateAntiforgeryToken]\npublic class AccountController : Controller { }",
                "class A { void F() { services.AddAntiforgery(); } }",
            ],
        );
    }
}
