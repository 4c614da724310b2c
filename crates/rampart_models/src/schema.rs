//! The on-disk schema of a model file (`models/<lang>/<library>.toml` and the `[models]` table
//! of `rampart.toml`). Documented with examples in `docs/models.md`.

use serde::Deserialize;

/// One model file. Every table is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelFile {
    #[serde(default)]
    pub sources: Vec<SourceModel>,
    #[serde(default)]
    pub sinks: Vec<SinkModel>,
    #[serde(default)]
    pub sanitizers: Vec<SanitizerModel>,
    #[serde(default)]
    pub guards: Vec<GuardModel>,
    #[serde(default)]
    pub propagators: Vec<PropagatorModel>,
    #[serde(default)]
    pub returns: Vec<ReturnsModel>,
    #[serde(default)]
    pub noreturn: Vec<NoReturnModel>,
    #[serde(default)]
    pub entries: Vec<EntryModel>,
}

/// Where untrusted data comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// HTTP request data: query, body, headers, cookies, path parameters.
    Remote,
    /// Environment variables.
    Env,
    /// File contents.
    File,
    /// Command-line arguments and standard input.
    Cli,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Remote => "remote",
            SourceKind::Env => "env",
            SourceKind::File => "file",
            SourceKind::Cli => "cli",
        }
    }

    /// One bit per kind, for label sets.
    pub fn bit(self) -> u8 {
        match self {
            SourceKind::Remote => 1,
            SourceKind::Env => 2,
            SourceKind::File => 4,
            SourceKind::Cli => 8,
        }
    }
}

/// The vulnerability class of a sink; sanitizers neutralize classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VulnClass {
    Sql,
    Xss,
    Log,
    Command,
    Path,
    Ssrf,
    Code,
    Redirect,
    Deserialization,
    Xxe,
    Xpath,
    Ldap,
    Nosql,
    /// Untrusted data stored in a trusted container (the server-side session).
    TrustBoundary,
}

impl VulnClass {
    pub const ALL: [VulnClass; 14] = [
        VulnClass::Sql,
        VulnClass::Xss,
        VulnClass::Log,
        VulnClass::Command,
        VulnClass::Path,
        VulnClass::Ssrf,
        VulnClass::Code,
        VulnClass::Redirect,
        VulnClass::Deserialization,
        VulnClass::Xxe,
        VulnClass::Xpath,
        VulnClass::Ldap,
        VulnClass::Nosql,
        VulnClass::TrustBoundary,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VulnClass::Sql => "sql",
            VulnClass::Xss => "xss",
            VulnClass::Log => "log",
            VulnClass::Command => "command",
            VulnClass::Path => "path",
            VulnClass::Ssrf => "ssrf",
            VulnClass::Code => "code",
            VulnClass::Redirect => "redirect",
            VulnClass::Deserialization => "deserialization",
            VulnClass::Xxe => "xxe",
            VulnClass::Xpath => "xpath",
            VulnClass::Ldap => "ldap",
            VulnClass::Nosql => "nosql",
            VulnClass::TrustBoundary => "trust-boundary",
        }
    }

    /// One bit per class, for sanitizer sets.
    pub fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A sanitizer's or guard's classes: named classes or `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum ClassSpec {
    One(VulnClass),
    All(AllClasses),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AllClasses {
    All,
}

/// Reading `path` (or anything under it: `flask.request.args.get(...)`, `req.query.name`) or
/// calling it yields tainted data.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceModel {
    pub path: String,
    #[serde(default = "remote")]
    pub kind: SourceKind,
    #[serde(default)]
    pub note: Option<String>,
}

fn remote() -> SourceKind {
    SourceKind::Remote
}

/// A call (or, with `property = true`, an assignment to a property) where tainted data is
/// dangerous.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SinkModel {
    /// Qualified callee (`sqlite3.Cursor.execute`), or `*.name` for a method of any receiver
    /// whose type is unknown.
    pub path: String,
    pub class: VulnClass,
    /// Dangerous positional arguments (0-based, the receiver not counted). Empty with no
    /// `keywords`: every argument.
    #[serde(default)]
    pub args: Vec<u32>,
    /// Dangerous keyword arguments (or keys of an options object argument).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The sink is an assignment to the property named by the path's last segment
    /// (`Element.innerHTML`, `*.innerHTML`); object literal entries with that key count too.
    #[serde(default)]
    pub property: bool,
    /// Only a sink when this keyword argument (or key of an options object) is a true constant:
    /// `shell` for `subprocess.run`.
    #[serde(default)]
    pub requires_keyword: Option<String>,
    /// The positional argument (0-based) that gives the response's content type, also accepted
    /// as the `contentType` named argument: only a sink when that type may render markup (a
    /// constant naming HTML, XML or SVG, or a value not known). Absent: the framework's
    /// default, plain text, so not a sink. `Content(body, "text/html")` in ASP.NET Core.
    #[serde(default)]
    pub content_type_arg: Option<u32>,
    /// Not a sink when a keyword argument names one of these values: `yaml.load(..., Loader=yaml.SafeLoader)`.
    #[serde(default)]
    pub safe_keyword: Option<SafeKeyword>,
    /// The object the method is called on is dangerous too: `Path(p).read_text()` opens the
    /// path `p` is.
    #[serde(default)]
    pub receiver: bool,
    /// Only a sink in projects where some file imports one of these modules (by first
    /// segment: `pymongo` covers `pymongo.collection`): a `*.find` wildcard is a database
    /// query only where a database driver is in use.
    #[serde(default)]
    pub when_imported: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SafeKeyword {
    pub name: String,
    pub values: Vec<String>,
}

/// A call whose result is safe for some classes (`html.escape` for `xss`), or, with
/// `normalizes = true`, a path normalization that makes a later prefix check meaningful.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SanitizerModel {
    pub path: String,
    #[serde(default)]
    pub classes: Vec<ClassSpec>,
    #[serde(default)]
    pub normalizes: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// A check that, used as a branch condition, makes a value safe on the branch where it
/// succeeded: `re.fullmatch(P, x)`, `x.isdigit()`, `validator.isUUID(x)`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuardModel {
    pub path: String,
    /// The checked argument (0-based); absent: the receiver is checked.
    #[serde(default)]
    pub arg: Option<u32>,
    pub classes: Vec<ClassSpec>,
    /// Only counts for values passed through a `normalizes` sanitizer first
    /// (`os.path.realpath(p).startswith(base)`).
    #[serde(default)]
    pub requires_normalized: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// Where a library call moves taint beyond the default (the result depends on every argument
/// and the receiver): `list.append(x)` taints the list.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PropagatorModel {
    pub path: String,
    /// Default: every argument and the receiver.
    #[serde(default)]
    pub from: Option<FromSpec>,
    #[serde(default)]
    pub to: ToSpec,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum FromSpec {
    /// One positional argument.
    Arg(u32),
    Named(FromNamed),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FromNamed {
    Args,
    Receiver,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ToSpec {
    #[default]
    Return,
    Receiver,
}

/// The type a call returns (or a constructor creates): `express()` returns `express.Application`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReturnsModel {
    pub path: String,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// A call that never returns normally (`flask.abort`, `sys.exit`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoReturnModel {
    pub path: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// Which parameters of a handler are tainted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParamSources {
    /// No parameter is a source; request data is read through typed parameters
    /// (`req.query` with `req: express.Request`).
    #[default]
    None,
    /// Every parameter without a `param_types` entry (Flask path parameters).
    Rest,
    /// Like `rest`, but parameters declared as numbers, booleans, UUIDs, dates or enums carry no
    /// injection taint (FastAPI).
    Untyped,
}

/// A framework entry point: functions registered here handle untrusted input.
/// Exactly one of `decorator`, `call`, `class_base`, `module` + `exports`, `param_name` is set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryModel {
    /// Decorated functions are handlers: `flask.Flask.route`, `fastapi.APIRouter.get`.
    #[serde(default)]
    pub decorator: Option<String>,
    /// Function arguments of this call are handlers: `express.Application.get`.
    #[serde(default)]
    pub call: Option<String>,
    /// For `call`: the first argument index that may be a handler (every function argument
    /// at or after it is one).
    #[serde(default)]
    pub callbacks: u32,
    /// Functions a module exports under one of `exports` are handlers, for modules whose path
    /// (with a leading `/`) contains this fragment: `/pages/api/` with `["default"]` (Next.js
    /// API routes), `/route.` with `["GET", "POST"]` (app-router handlers).
    #[serde(default)]
    pub module: Option<String>,
    #[serde(default)]
    pub exports: Vec<String>,
    /// Functions whose first parameter (the receiver not counted) has this name are handlers,
    /// in modules that import something under `imports` (and, with `module`, whose path
    /// matches): `request` in modules importing `django` (views not registered in a scanned
    /// `urls.py`). `param_types[0]` is that parameter's type.
    #[serde(default)]
    pub param_name: Option<String>,
    #[serde(default)]
    pub imports: Option<String>,
    /// Methods named in `methods` of subclasses are handlers: `django.views.View`.
    #[serde(default)]
    pub class_base: Option<String>,
    #[serde(default)]
    pub methods: Vec<String>,
    /// Types of the leading parameters (the receiver not counted).
    #[serde(default)]
    pub param_types: Vec<String>,
    #[serde(default)]
    pub sources: ParamSources,
    #[serde(default = "remote")]
    pub kind: SourceKind,
    /// Returning tainted data from the handler is a sink of this class (a Flask view returning
    /// a string renders it as HTML).
    #[serde(default)]
    pub returns_sink: Option<VulnClass>,
    #[serde(default)]
    pub note: Option<String>,
}
