//! What names mean: which decorators and middleware authenticate or rate-limit, which routes
//! log users in, which are public by nature. Names are split into words
//! (`loginRequired` → `login required`) so every naming style matches.

use rampart_rules::ast::words;

fn has(ws: &[String], list: &[&str]) -> bool {
    ws.iter().any(|w| list.contains(&w.as_str()))
}

/// Words that say a decorator or middleware is about something other than enforcing login.
const NOT_AUTH: &[&str] = &[
    "optional",
    "anonymous",
    "public",
    "csrf",
    "cors",
    "limit",
    "limiter",
    "ratelimit",
    "throttle",
    "exempt",
    "cache",
    "cached",
    "logger",
    "logging",
    "log",
    "helmet",
    "json",
    "urlencoded",
    "parser",
    "static",
    "compression",
    "morgan",
    "not",
    "skip",
    "allow",
    "any",
    "upload",
    "multer",
    "validation",
    "schema",
    "body",
    "routes",
    "router",
    "route",
    "controller",
    "controllers",
    "service",
    "initialize",
];

/// Whether a decorator, middleware, dependency or filter named `name` enforces authentication
/// (`login_required`, `jwt_required`, `requireAuth`, `passport.authenticate`, `verifyToken`,
/// `get_current_user`, `IsAuthenticated`, `hasRole`).
pub fn is_auth_name(name: &str) -> bool {
    let ws = words(name);
    if ws.is_empty() || has(&ws, NOT_AUTH) {
        return false;
    }
    if has(
        &ws,
        &[
            "auth",
            "authenticate",
            "authenticated",
            "authentication",
            "authorize",
            "authorized",
            "authorization",
            "jwt",
            "passport",
            "permission",
            "permissions",
            "roles",
            "admin",
            "staff",
            "superuser",
            "protect",
            "protected",
            "guard",
            "authed",
            "secured",
            "loggedin",
            "signedin",
            "bearer",
            "oauth2",
            "isauthenticated",
            "authorise",
        ],
    ) {
        return true;
    }
    let phrase = ws.join(" ");
    [
        "login required",
        "logged in",
        "signed in",
        "token required",
        "verify token",
        "check token",
        "validate token",
        "require token",
        "current user",
        "current active user",
        "api key",
        "apikey required",
        "require user",
        "user required",
        "require role",
        "has role",
        "requires role",
        "user passes test",
        "session required",
        "require session",
        "require login",
        "ensure login",
        "verify session",
        "check session",
        "must be logged",
        "require api",
        "verify api",
        "check api",
    ]
    .iter()
    .any(|p| phrase.contains(p))
}

/// Whether a name enforces a rate limit (`limiter.limit`, `rateLimit`, `loginLimiter`,
/// `throttle_classes`, `slowDown`, `ratelimit`, `EnableRateLimiting`).
pub fn is_rate_limit_name(name: &str) -> bool {
    let ws = words(name);
    has(
        &ws,
        &[
            "limit",
            "limiter",
            "limits",
            "ratelimit",
            "ratelimiter",
            "ratelimited",
            "throttle",
            "throttled",
            "throttling",
            "throttles",
            "slowdown",
            "brute",
            "bruteforce",
            "limiting",
        ],
    ) || ws.join(" ").contains("slow down")
}

/// Whether a name marks a route public on purpose.
pub fn is_anonymous_name(name: &str) -> bool {
    let phrase = words(name).join(" ");
    [
        "allow anonymous",
        "login not required",
        "public route",
        "public endpoint",
        "no auth",
        "skip auth",
        "permit all",
        "allow any",
        "public",
        "anonymous",
    ]
    .iter()
    .any(|p| phrase == *p || phrase.ends_with(p))
}

fn route_words(path: &str, handler: &str) -> Vec<String> {
    let mut ws = words(path);
    ws.extend(words(handler));
    ws
}

/// Routes that log users in, issue tokens, reset passwords, check one-time codes or create
/// accounts: the targets of credential stuffing and brute force.
pub fn credential_kind(path: &str, handler: &str) -> Option<&'static str> {
    let ws = route_words(path, handler);
    let phrase = ws.join(" ");
    if has(&ws, &["logout", "signout", "logoff"]) || phrase.contains("sign out") {
        return None;
    }
    if has(&ws, &["otp", "mfa", "totp", "2fa", "twofactor"])
        || phrase.contains("two factor")
        || phrase.contains("verify code")
        || phrase.contains("verification code")
    {
        return Some("one-time code verification");
    }
    if has(&ws, &["forgot"])
        || (has(&ws, &["reset", "change", "update"])
            && has(&ws, &["password", "passwd", "pwd", "pass", "credentials"]))
    {
        return Some("password reset");
    }
    if has(&ws, &["login", "signin", "logon", "authenticate"])
        || phrase.contains("sign in")
        || phrase.contains("log in")
    {
        return Some("login");
    }
    // Registering a device, webhook or push token is not creating an account.
    let things = [
        "device",
        "devices",
        "webhook",
        "webhooks",
        "hook",
        "plugin",
        "service",
        "client",
        "push",
        "fcm",
        "apns",
        "notification",
        "notifications",
        "callback",
    ];
    if has(&ws, &things) {
        return None;
    }
    if has(&ws, &["signup", "register", "registration"]) || phrase.contains("sign up") {
        return Some("sign-up");
    }
    if has(&ws, &["token", "tokens"]) && !has(&ws, &["csrf", "revoke", "list"]) {
        return Some("token");
    }
    None
}

/// Routes that are public by nature: authentication flows themselves, health checks, static
/// files, documentation, webhooks (authenticated by signature), the home page.
pub fn public_by_nature(path: &str, handler: &str) -> bool {
    let ws = route_words(path, handler);
    if is_admin(path, handler) {
        return false;
    }
    if credential_kind(path, handler).is_some() {
        return true;
    }
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() && !has(&ws, &["admin", "delete", "update"]) {
        return true;
    }
    // Probes name the whole route (`/health`, `/api/status`), not a property of a resource
    // (`/orders/<id>/status`).
    let last = trimmed.rsplit('/').next().unwrap_or("");
    let probe = [
        "health",
        "healthz",
        "healthcheck",
        "ping",
        "status",
        "ready",
        "readyz",
        "livez",
        "liveness",
        "readiness",
        "version",
        "metrics",
    ];
    let resource_property = trimmed.split('/').count() > 2
        || trimmed.contains('<')
        || trimmed.contains('{')
        || trimmed.contains(':');
    if has(&words(last), &probe) && !resource_property {
        return true;
    }
    has(
        &ws,
        &[
            "logout",
            "signout",
            "auth",
            "oauth",
            "callback",
            "webhook",
            "webhooks",
            "static",
            "public",
            "docs",
            "openapi",
            "swagger",
            "favicon",
            "robots",
            "index",
            "home",
            "csrf",
            "about",
            "contact",
            "verify",
            "confirm",
            "activate",
            "subscribe",
            "unsubscribe",
            "sitemap",
            "assets",
            "landing",
            "pricing",
            "faq",
            "terms",
            "privacy",
            "feedback",
            "newsletter",
        ],
    )
}

/// Read-only routes worth protecting by what they return.
pub fn sensitive_data(path: &str, handler: &str) -> bool {
    let ws = route_words(path, handler);
    has(
        &ws,
        &[
            "admin",
            "users",
            "user",
            "account",
            "accounts",
            "profile",
            "profiles",
            "settings",
            "order",
            "orders",
            "payment",
            "payments",
            "invoice",
            "invoices",
            "billing",
            "internal",
            "export",
            "dashboard",
            "private",
            "secret",
            "secrets",
            "keys",
            "config",
            "report",
            "reports",
            "transaction",
            "transactions",
            "customer",
            "customers",
            "employee",
            "employees",
            "patient",
            "patients",
            "me",
            "download",
            "backup",
            "backups",
            "logs",
            "audit",
            "delete",
            "manage",
            "members",
            "salary",
            "records",
            "messages",
            "inbox",
            "wallet",
            "balance",
            "documents",
            "files",
            "notes",
        ],
    )
}

/// Whether a route is administrative by its path or handler name.
pub fn is_admin(path: &str, handler: &str) -> bool {
    has(
        &route_words(path, handler),
        &["admin", "administrator", "superuser", "internal"],
    )
}

/// Callee names inside a handler that perform an authentication check
/// (`verify_token(...)`, `jwt.verify`, `get_jwt_identity()`, `req.isAuthenticated()`).
pub fn is_auth_check_call(name: &str) -> bool {
    let ws = words(name);
    if ws.is_empty() {
        return false;
    }
    let verb = has(
        &ws,
        &[
            "verify",
            "validate",
            "check",
            "require",
            "requires",
            "ensure",
            "decode",
            "authenticated",
            "identity",
            "authorize",
            "assert",
        ],
    );
    let noun = has(
        &ws,
        &[
            "auth",
            "token",
            "jwt",
            "session",
            "login",
            "credentials",
            "permission",
            "permissions",
            "role",
            "admin",
            "identity",
            "authenticated",
            "user",
            "api",
            "key",
            "signature",
            "authorize",
        ],
    );
    let phrase = ws.join(" ");
    (verb && noun)
        || phrase == "is authenticated"
        || phrase == "get jwt identity"
        || phrase == "verify jwt in request"
        || phrase.ends_with("get current user")
        || phrase.ends_with("get server session")
        || phrase.ends_with("get session")
        || phrase.ends_with("get token")
}

/// Names of calls that write data.
pub fn is_write_call(name: &str) -> bool {
    matches!(
        name,
        "save"
            | "delete"
            | "create"
            | "update"
            | "insert"
            | "insert_one"
            | "insertOne"
            | "insertMany"
            | "updateOne"
            | "updateMany"
            | "deleteOne"
            | "deleteMany"
            | "findByIdAndUpdate"
            | "findByIdAndDelete"
            | "findOneAndUpdate"
            | "findOneAndDelete"
            | "destroy"
            | "remove"
            | "commit"
            | "bulk_create"
            | "update_one"
            | "delete_one"
            | "delete_many"
            | "deleteById"
            | "saveAndFlush"
            | "persist"
            | "merge"
            | "unlink"
            | "rmtree"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_names() {
        for n in [
            "login_required",
            "jwt_required",
            "requireAuth",
            "passport.authenticate",
            "verifyToken",
            "get_current_user",
            "IsAuthenticated",
            "token_required",
            "authMiddleware",
            "admin_required",
            "ensureLoggedIn",
            "require_api_key",
            "PreAuthorize",
            "protect",
            "validateToken",
            "isLoggedIn",
        ] {
            assert!(is_auth_name(n), "{n}");
        }
        for n in [
            "limiter.limit",
            "csrf_exempt",
            "express.json",
            "get_db",
            "cors",
            "AllowAny",
            "get_optional_user",
        ] {
            assert!(!is_auth_name(n), "{n}");
        }
    }

    #[test]
    fn public_routes() {
        assert!(public_by_nature("/health", "health"));
        assert!(public_by_nature("/api/status", "status"));
        assert!(!public_by_nature(
            "/orders/<int:id>/status",
            "update_status"
        ));
        assert!(public_by_nature("/webhooks/stripe", "stripe_webhook"));
        assert!(!public_by_nature("/admin/health", "admin_health"));
    }

    #[test]
    fn credential_routes() {
        assert_eq!(credential_kind("/api/auth/login", "login"), Some("login"));
        assert_eq!(
            credential_kind("/forgot-password", "forgot"),
            Some("password reset")
        );
        assert_eq!(
            credential_kind("/verify-otp", "verify"),
            Some("one-time code verification")
        );
        assert_eq!(credential_kind("/token", "issue"), Some("token"));
        assert_eq!(credential_kind("/logout", "logout"), None);
        assert_eq!(
            credential_kind("/devices/register", "register_device"),
            None
        );
        assert_eq!(credential_kind("/push-token", "save_push_token"), None);
        assert_eq!(credential_kind("/users/<id>", "get_user"), None);
    }
}
