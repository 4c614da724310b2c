//! Routes and the facts that protect them, per file and joined over the project.

use rampart_core::{AuthState, Span};
use serde::Serialize;

/// One HTTP entry point.
#[derive(Debug, Clone, Serialize)]
pub struct Route {
    /// `flask`, `fastapi`, `django`, `express`, `spring`, ...
    pub framework: &'static str,
    /// Upper-case HTTP methods; `ANY` when the route accepts every method.
    pub methods: Vec<String>,
    /// The path as declared, with router prefixes applied; `?` when unknown.
    pub path: String,
    /// The handler: function name, `Class.method`, or `<inline>` for an anonymous callback.
    pub handler: String,
    pub file: String,
    /// Line of the registration (decorator, annotation or registering call).
    pub line: u32,
    pub params: Vec<RouteParam>,
    /// Decorators, middleware, filters and attributes that apply, as written.
    pub middleware: Vec<String>,
    pub auth: AuthState,
    /// Why the route is classified as it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_evidence: Option<String>,
    pub rate_limited: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_limit_evidence: Option<String>,
    /// `exempt` when CSRF protection is switched off for this route.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf: Option<String>,
    /// Marked public on purpose (`permitAll`, `[AllowAnonymous]`, `@login_not_required`).
    #[serde(skip)]
    pub anonymous: bool,
    /// The handler body writes data (saves, deletes, inserts).
    #[serde(skip)]
    pub writes: bool,
    /// Span of the registration, where findings point.
    #[serde(skip)]
    pub span: Span,
    /// Span of the handler function (taint sources inside it belong to this route).
    #[serde(skip)]
    pub handler_span: Option<Span>,
    /// The app, router or blueprint object the route is registered on (`app`, `bp`, `router`).
    #[serde(skip)]
    pub scope: String,
    /// Byte offset of the registration, for order-dependent middleware (Express `app.use`).
    #[serde(skip)]
    pub order: usize,
    /// The files and positions of the `app.use(prefix, router)` calls that mount this route's
    /// router, innermost first.
    #[serde(skip)]
    pub mounted_at: Vec<(String, usize)>,
    /// The application the route belongs to: the directory of the nearest file above it that
    /// creates an application.
    #[serde(skip)]
    pub app: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RouteParam {
    pub name: String,
    /// `path`, `query`, `body`, `header`, `cookie`, `form`, `request`.
    pub source: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
}

impl Route {
    pub fn new(framework: &'static str, file: &str, span: Span, order: usize) -> Route {
        Route {
            framework,
            methods: Vec::new(),
            path: "?".to_string(),
            handler: "<inline>".to_string(),
            file: file.to_string(),
            line: span.start_line,
            params: Vec::new(),
            middleware: Vec::new(),
            auth: AuthState::Unknown,
            auth_evidence: None,
            rate_limited: false,
            rate_limit_evidence: None,
            csrf: None,
            anonymous: false,
            writes: false,
            span,
            handler_span: None,
            scope: String::new(),
            order,
            mounted_at: Vec::new(),
            app: String::new(),
        }
    }

    pub fn require_auth(&mut self, evidence: impl Into<String>) {
        if self.auth != AuthState::Required {
            self.auth = AuthState::Required;
            self.auth_evidence = Some(evidence.into());
        }
    }

    pub fn limit(&mut self, evidence: impl Into<String>) {
        if !self.rate_limited {
            self.rate_limited = true;
            self.rate_limit_evidence = Some(evidence.into());
        }
    }

    pub fn mark_anonymous(&mut self, evidence: impl Into<String>) {
        self.anonymous = true;
        self.auth = AuthState::Public;
        self.auth_evidence = Some(evidence.into());
    }
}

/// What a protection applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Auth,
    RateLimit,
}

/// A protection declared outside the route: `app.use(authenticate)`, `@bp.before_request`,
/// `Limiter(app, default_limits=...)`, DRF settings, Spring Security rules.
#[derive(Debug, Clone)]
pub struct Global {
    pub control: Control,
    /// Framework family it applies to (`python`, `express`, `spring`, ...).
    pub family: &'static str,
    /// The object it is installed on (`app`, `router`), or empty for the whole project.
    pub scope: String,
    /// Only routes under this path prefix.
    pub prefix: Option<String>,
    /// Express middleware applies to routes registered after it.
    pub order: usize,
    pub evidence: String,
    pub file: String,
}

/// A Spring Security `authorizeHttpRequests` rule: paths matched by `pattern` are public or
/// need authentication. Rules are tried in declaration order.
#[derive(Debug, Clone)]
pub struct AccessRule {
    pub pattern: String,
    pub public: bool,
    pub evidence: String,
    pub file: String,
}

/// An Express router mounted on a path (`app.use('/api/users', auth, usersRouter)`): routes
/// declared in `module` gain the prefix and the middleware.
#[derive(Debug, Clone)]
pub struct Mount {
    pub prefix: String,
    /// The module the router comes from, relative to the scan root without extension.
    pub module: String,
    pub auth: Option<String>,
    pub limit: Option<String>,
    /// Where the mount is: app-level middleware installed before it covers the router.
    pub file: String,
    pub order: usize,
}

/// Django `path('users/<int:pk>/', views.user_detail)`: the view a URL pattern names.
#[derive(Debug, Clone)]
pub struct UrlPattern {
    pub path: String,
    /// Last name of the view (`user_detail`, `UserDetailView`).
    pub view: String,
}

/// Everything one file contributes to the model.
#[derive(Debug, Clone, Default)]
pub struct FileFacts {
    pub path: String,
    pub routes: Vec<Route>,
    pub globals: Vec<Global>,
    pub access_rules: Vec<AccessRule>,
    pub mounts: Vec<Mount>,
    pub urls: Vec<UrlPattern>,
    /// The file creates an application (`Flask(__name__)`, `express()`,
    /// `SpringApplication.run`, `WebApplication.CreateBuilder`, `gin.Default()`): its directory
    /// is the root of an application, whose routes share conventions.
    pub creates_app: bool,
}

impl FileFacts {
    pub fn is_empty(&self) -> bool {
        !self.creates_app
            && self.routes.is_empty()
            && self.globals.is_empty()
            && self.access_rules.is_empty()
            && self.mounts.is_empty()
            && self.urls.is_empty()
    }
}

/// The project's routes with every protection applied.
#[derive(Debug, Clone, Default)]
pub struct AppModel {
    pub routes: Vec<Route>,
}

/// The framework family whose project-wide settings apply to a route.
pub fn family(framework: &str) -> &'static str {
    match framework {
        "flask" | "fastapi" | "django" | "starlette" => "python",
        "express" | "koa" | "fastify" | "hono" | "nextjs" | "nestjs" => "express",
        "spring" | "servlet" => "spring",
        "aspnetcore" => "aspnetcore",
        "gin" | "echo" | "chi" | "nethttp" | "fiber" => "go",
        _ => "other",
    }
}

impl AppModel {
    /// Joins per-file facts: mounts give router routes their prefix and middleware, app-level
    /// protections apply to the routes they cover, settings apply project-wide.
    pub fn build(files: Vec<FileFacts>) -> AppModel {
        let mut globals = Vec::new();
        let mut access = Vec::new();
        let mut mounts = Vec::new();
        let mut urls = Vec::new();
        let mut routes = Vec::new();
        let mut roots: Vec<String> = Vec::new();
        for f in files {
            if f.creates_app {
                roots.push(dir_of(&f.path).to_string());
            }
            globals.extend(f.globals);
            access.extend(f.access_rules);
            mounts.extend(f.mounts);
            urls.extend(f.urls);
            routes.extend(f.routes);
        }
        for r in &mut routes {
            r.app = app_root(&r.file, &roots);
            forget_credential_checks(r);
            apply_mounts(r, &mounts);
            if r.framework == "django" && r.path == "?" {
                let view = r.handler.split('.').next().unwrap_or(&r.handler);
                if let Some(u) = urls.iter().find(|u| u.view == view) {
                    r.path = u.path.clone();
                }
            }
            // Protections of one application never cover another's routes.
            let same_app = |file: &str| app_root(file, &roots) == r.app;
            let app_globals: Vec<&Global> = globals.iter().filter(|g| same_app(&g.file)).collect();
            let app_access: Vec<&AccessRule> =
                access.iter().filter(|a| same_app(&a.file)).collect();
            apply_globals(r, &app_globals);
            if r.framework == "spring" && r.auth != AuthState::Required && !r.anonymous {
                apply_access_rules(r, &app_access);
            }
            if r.auth == AuthState::Unknown {
                r.auth = AuthState::Public;
            }
        }
        routes.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        AppModel { routes }
    }
}

/// A login or token handler rejects bad credentials with 401 and verifies passwords: that is
/// the authentication it performs, not a requirement to be logged in already.
fn forget_credential_checks(r: &mut Route) {
    let from_body = r.auth_evidence.as_deref().is_some_and(|e| {
        e.starts_with('`') || e.starts_with("calls `") || e.starts_with("checks `")
    });
    if from_body && crate::classify::credential_kind(&r.path, &r.handler).is_some() {
        r.auth = AuthState::Unknown;
        r.auth_evidence = None;
    }
}

fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The deepest application root at or above the file's directory ("" for the scan root).
fn app_root(file: &str, roots: &[String]) -> String {
    let dir = dir_of(file);
    roots
        .iter()
        .filter(|root| {
            root.is_empty()
                || dir == root.as_str()
                || dir
                    .strip_prefix(root.as_str())
                    .is_some_and(|rest| rest.starts_with('/'))
        })
        .max_by_key(|root| root.len())
        .cloned()
        .unwrap_or_default()
}

fn module_of(file: &str) -> String {
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    stem.strip_suffix("/index").unwrap_or(stem).to_string()
}

/// Follows the chain of mounts from the route's router out to the app (`app.use('/api',
/// routes)` → `router.use('/users', users)`), collecting prefixes and middleware.
fn apply_mounts(r: &mut Route, mounts: &[Mount]) {
    if family(r.framework) != "express" {
        return;
    }
    let mut module = module_of(&r.file);
    for _ in 0..6 {
        let Some(m) = mounts.iter().find(|m| m.module == module) else {
            break;
        };
        r.path = join_path(&m.prefix, &r.path);
        r.mounted_at.push((m.file.clone(), m.order));
        if let Some(a) = &m.auth {
            r.require_auth(format!("mounted with `{a}`"));
            r.middleware.push(a.clone());
        }
        if let Some(l) = &m.limit {
            r.limit(format!("mounted with `{l}`"));
            r.middleware.push(l.clone());
        }
        let outer = module_of(&m.file);
        if outer == module {
            break;
        }
        module = outer;
    }
}

fn apply_globals(r: &mut Route, globals: &[&Global]) {
    let fam = family(r.framework);
    for g in globals.iter().filter(|g| g.family == fam) {
        if !covers(g, r) {
            continue;
        }
        match g.control {
            Control::Auth if !r.anonymous => {
                r.require_auth(g.evidence.clone());
                r.middleware.push(g.evidence.clone());
            }
            Control::RateLimit => {
                r.limit(g.evidence.clone());
                r.middleware.push(g.evidence.clone());
            }
            Control::Auth => {}
        }
    }
}

/// Whether a global protection covers the route: installed on the same object earlier (or
/// project-wide), and the path is under its prefix.
fn covers(g: &Global, r: &Route) -> bool {
    let prefix_ok = g.prefix.as_deref().is_none_or(|p| path_under(&r.path, p));
    if g.scope.is_empty() {
        return prefix_ok;
    }
    if g.file != r.file {
        if let Some((_, order)) = r.mounted_at.iter().find(|(file, _)| *file == g.file) {
            return prefix_ok && g.order <= *order;
        }
        // `app.use(auth)` in the app's file covers the routers mounted on the app; middleware
        // installed on a router covers only that router's own routes.
        return prefix_ok && g.family == "express" && !g.scope.to_lowercase().contains("router");
    }
    g.scope == r.scope && g.order <= r.order && prefix_ok
}

fn apply_access_rules(r: &mut Route, rules: &[&AccessRule]) {
    for rule in rules {
        if ant_match(&rule.pattern, &r.path) {
            if rule.public {
                r.mark_anonymous(rule.evidence.clone());
            } else {
                r.require_auth(rule.evidence.clone());
            }
            return;
        }
    }
}

/// Spring's Ant-style patterns: `/**` any rest, `*` one segment, `{id}` any segment.
pub fn ant_match(pattern: &str, path: &str) -> bool {
    if pattern == "/**" || pattern == "**" {
        return true;
    }
    let pat: Vec<&str> = pattern.trim_matches('/').split('/').collect();
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    ant_segments(&pat, &segs)
}

fn ant_segments(pat: &[&str], segs: &[&str]) -> bool {
    match pat.split_first() {
        None => segs.is_empty(),
        Some((&"**", rest)) => (0..=segs.len()).any(|i| ant_segments(rest, &segs[i..])),
        Some((p, rest)) => match segs.split_first() {
            Some((s, srest)) => segment_match(p, s) && ant_segments(rest, srest),
            None => false,
        },
    }
}

fn segment_match(p: &str, s: &str) -> bool {
    if p == "*" || s.starts_with('{') || (p.starts_with('{') && p.ends_with('}')) {
        return true;
    }
    match p.split_once('*') {
        Some((a, b)) => s.starts_with(a) && s.ends_with(b),
        None => p == s,
    }
}

/// `/api` + `/users` → `/api/users`; `/api` + `/` → `/api`.
pub fn join_path(prefix: &str, path: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    let path = path.trim_start_matches('/');
    match (prefix.is_empty(), path.is_empty()) {
        (true, _) => format!("/{path}"),
        (false, true) => prefix.to_string(),
        (false, false) => format!("{prefix}/{path}"),
    }
}

fn path_under(path: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_end_matches(['/', '*']);
    prefix.is_empty()
        || path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ant_patterns() {
        assert!(ant_match("/api/admin/**", "/api/admin/users/{id}"));
        assert!(ant_match("/api/public/*", "/api/public/x"));
        assert!(!ant_match("/api/public/*", "/api/public/x/y"));
        assert!(ant_match("/login", "/login"));
        assert!(!ant_match("/login", "/logout"));
        assert!(ant_match("/api/users/*", "/api/users/{id}"));
    }

    #[test]
    fn joins_paths() {
        assert_eq!(join_path("/api/users", "/"), "/api/users");
        assert_eq!(join_path("/api", "/:id"), "/api/:id");
        assert!(path_under("/api/users/1", "/api"));
        assert!(!path_under("/apiary", "/api"));
    }
}
