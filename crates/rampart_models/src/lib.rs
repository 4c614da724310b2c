//! Sources, sinks, sanitizers, guards, propagators, type facts and entry points as data.
//!
//! Models live in `models/<lang>/<library>.toml` at the repository root and are compiled into
//! the binary ([`BUILTIN`]); users add their own under `[models]` in `rampart.toml`. The schema
//! is [`schema::ModelFile`], documented in `docs/models.md`. [`Models`] indexes them for the
//! taint engine; it holds no per-library logic.

pub mod schema;

pub use schema::{
    ClassSpec, EntryModel, FromNamed, FromSpec, GuardModel, ModelFile, ParamSources,
    PropagatorModel, SinkModel, SourceKind, ToSpec, VulnClass,
};

use rustc_hash::{FxHashMap, FxHashSet};

/// `(name, text)` for each file under `models/`, compiled into the binary.
macro_rules! builtin_models {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../models/", $name)))),*]
    };
}

/// Every built-in model file: (name, text). Adding a library is one line here.
pub static BUILTIN: &[(&str, &str)] = builtin_models![
    "python/stdlib.toml",
    "python/flask.toml",
    "python/django.toml",
    "python/fastapi.toml",
    "python/requests.toml",
    "python/lxml.toml",
    "python/ldap.toml",
    "python/dbapi.toml",
    "python/sqlalchemy.toml",
    "python/jinja2.toml",
    "python/pyyaml.toml",
    "python/pymongo.toml",
    "python/serverless.toml",
    "python/aiohttp.toml",
    "python/bottle.toml",
    "python/loguru.toml",
    "csharp/adonet.toml",
    "csharp/aspnetcore.toml",
    "csharp/dapper.toml",
    "csharp/deserialization.toml",
    "csharp/efcore.toml",
    "csharp/http.toml",
    "csharp/io.toml",
    "csharp/ldap.toml",
    "csharp/logging.toml",
    "csharp/mongodb.toml",
    "csharp/process.toml",
    "csharp/sanitizers.toml",
    "csharp/xml.toml",
    "go/database.toml",
    "go/nethttp.toml",
    "go/stdlib.toml",
    "go/web-frameworks.toml",
    "java/http-clients.toml",
    "java/io.toml",
    "java/jdbc.toml",
    "java/lang.toml",
    "java/logging.toml",
    "java/naming-xml-serialization.toml",
    "java/process.toml",
    "java/sanitizers.toml",
    "java/servlet.toml",
    "java/spring.toml",
    "javascript/builtins.toml",
    "javascript/child_process.toml",
    "javascript/data-access.toml",
    "javascript/deserialization.toml",
    "javascript/dom.toml",
    "javascript/eval.toml",
    "javascript/express.toml",
    "javascript/fastify.toml",
    "javascript/fs.toml",
    "javascript/http-clients.toml",
    "javascript/koa.toml",
    "javascript/ldap.toml",
    "javascript/logging.toml",
    "javascript/mongodb.toml",
    "javascript/nestjs.toml",
    "javascript/nextjs.toml",
    "javascript/node-http.toml",
    "javascript/realtime.toml",
    "javascript/sanitizers.toml",
    "javascript/serverless.toml",
    "javascript/sql.toml",
    "javascript/xml.toml",
    "javascript/xpath.toml",
];

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("invalid model file {name}: {message}")]
    Invalid { name: String, message: String },
}

/// A compiled sanitizer: the classes it neutralizes (bit set) and whether it normalizes paths.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sanitizer {
    pub classes: u16,
    pub normalizes: bool,
}

/// A compiled guard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard {
    /// `None`: the receiver is the checked value.
    pub arg: Option<u32>,
    pub classes: u16,
    pub requires_normalized: bool,
}

/// Every model, indexed by qualified path. Wildcard entries (`*.execute`) are indexed by their
/// method name and apply to receivers of unknown type.
#[derive(Debug, Default)]
pub struct Models {
    sources: FxHashMap<String, SourceKind>,
    sinks: FxHashMap<String, Vec<SinkModel>>,
    wildcard_sinks: FxHashMap<String, Vec<SinkModel>>,
    sanitizers: FxHashMap<String, Sanitizer>,
    wildcard_sanitizers: FxHashMap<String, Sanitizer>,
    guards: FxHashMap<String, Vec<Guard>>,
    wildcard_guards: FxHashMap<String, Vec<Guard>>,
    propagators: FxHashMap<String, Vec<PropagatorModel>>,
    wildcard_propagators: FxHashMap<String, Vec<PropagatorModel>>,
    returns: FxHashMap<String, String>,
    noreturn: FxHashSet<String>,
    entries: Vec<EntryModel>,
    by_decorator: FxHashMap<String, Vec<usize>>,
    by_call: FxHashMap<String, Vec<usize>>,
    by_class_base: FxHashMap<String, Vec<usize>>,
}

/// Bit set of classes from a spec list (`all` sets every bit).
pub fn class_mask(specs: &[ClassSpec]) -> u16 {
    specs.iter().fold(0, |m, s| match s {
        ClassSpec::One(c) => m | c.bit(),
        ClassSpec::All(_) => u16::MAX,
    })
}

fn wildcard_name(path: &str) -> Option<&str> {
    path.strip_prefix("*.")
}

impl Models {
    /// The built-in models plus the user's `[models]` table, if any.
    pub fn load(user: Option<&toml::Value>) -> Result<Models, ModelError> {
        let mut models = Models::builtin()?;
        if let Some(value) = user {
            let file: ModelFile =
                value
                    .clone()
                    .try_into()
                    .map_err(|e: toml::de::Error| ModelError::Invalid {
                        name: "rampart.toml [models]".to_string(),
                        message: e.message().to_string(),
                    })?;
            models.add(file);
        }
        Ok(models)
    }

    /// Only the built-in models.
    pub fn builtin() -> Result<Models, ModelError> {
        let mut models = Models::default();
        for (name, text) in BUILTIN {
            models.add_text(name, text)?;
        }
        Ok(models)
    }

    /// Adds one model file given as TOML text.
    pub fn add_text(&mut self, name: &str, text: &str) -> Result<(), ModelError> {
        let file: ModelFile = toml::from_str(text).map_err(|e| ModelError::Invalid {
            name: name.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        self.add(file);
        Ok(())
    }

    /// Adds one parsed model file.
    pub fn add(&mut self, file: ModelFile) {
        for s in file.sources {
            self.sources.insert(s.path, s.kind);
        }
        for s in file.sinks {
            match wildcard_name(&s.path) {
                Some(name) => self
                    .wildcard_sinks
                    .entry(name.to_string())
                    .or_default()
                    .push(s),
                None => self.sinks.entry(s.path.clone()).or_default().push(s),
            }
        }
        for s in file.sanitizers {
            let san = Sanitizer {
                classes: class_mask(&s.classes),
                normalizes: s.normalizes,
            };
            let map = match wildcard_name(&s.path) {
                Some(name) => self.wildcard_sanitizers.entry(name.to_string()),
                None => self.sanitizers.entry(s.path.clone()),
            };
            let e = map.or_default();
            e.classes |= san.classes;
            e.normalizes |= san.normalizes;
        }
        for g in file.guards {
            let guard = Guard {
                arg: g.arg,
                classes: class_mask(&g.classes),
                requires_normalized: g.requires_normalized,
            };
            match wildcard_name(&g.path) {
                Some(name) => self
                    .wildcard_guards
                    .entry(name.to_string())
                    .or_default()
                    .push(guard),
                None => self.guards.entry(g.path).or_default().push(guard),
            }
        }
        for p in file.propagators {
            match wildcard_name(&p.path) {
                Some(name) => self
                    .wildcard_propagators
                    .entry(name.to_string())
                    .or_default()
                    .push(p),
                None => self.propagators.entry(p.path.clone()).or_default().push(p),
            }
        }
        for r in file.returns {
            self.returns.insert(r.path, r.ty);
        }
        for n in file.noreturn {
            self.noreturn.insert(n.path);
        }
        for e in file.entries {
            let idx = self.entries.len();
            if let Some(d) = &e.decorator {
                self.by_decorator.entry(d.clone()).or_default().push(idx);
            }
            if let Some(c) = &e.call {
                self.by_call.entry(c.clone()).or_default().push(idx);
            }
            if let Some(b) = &e.class_base {
                self.by_class_base.entry(b.clone()).or_default().push(idx);
            }
            self.entries.push(e);
        }
    }

    /// The source `path` reads from: the path itself or its longest modeled prefix
    /// (`flask.request.args.get` is under `flask.request.args`). Returns the kind and the
    /// matched model path.
    pub fn source(&self, path: &str) -> Option<(SourceKind, &str)> {
        let mut end = path.len();
        loop {
            let prefix = &path[..end];
            if let Some((k, kind)) = self.sources.get_key_value(prefix) {
                return Some((*kind, k.as_str()));
            }
            end = prefix.rfind('.')?;
        }
    }

    /// Sinks modeled for exactly this qualified callee (or property).
    pub fn sinks(&self, path: &str) -> &[SinkModel] {
        self.sinks.get(path).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Sinks modeled as `*.name`.
    pub fn wildcard_sinks(&self, name: &str) -> &[SinkModel] {
        self.wildcard_sinks
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn sanitizer(&self, path: &str) -> Option<Sanitizer> {
        self.sanitizers.get(path).copied()
    }

    pub fn wildcard_sanitizer(&self, name: &str) -> Option<Sanitizer> {
        self.wildcard_sanitizers.get(name).copied()
    }

    pub fn guards(&self, path: &str) -> &[Guard] {
        self.guards.get(path).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn wildcard_guards(&self, name: &str) -> &[Guard] {
        self.wildcard_guards
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn propagators(&self, path: &str) -> &[PropagatorModel] {
        self.propagators.get(path).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn wildcard_propagators(&self, name: &str) -> &[PropagatorModel] {
        self.wildcard_propagators
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The type a call to `path` returns.
    pub fn returns(&self, path: &str) -> Option<&str> {
        self.returns.get(path).map(String::as_str)
    }

    pub fn is_noreturn(&self, path: &str) -> bool {
        self.noreturn.contains(path)
    }

    pub fn entries_for_decorator(&self, name: &str) -> impl Iterator<Item = &EntryModel> {
        self.indexed(&self.by_decorator, name)
    }

    pub fn entries_for_call(&self, path: &str) -> impl Iterator<Item = &EntryModel> {
        self.indexed(&self.by_call, path)
    }

    /// Entries that make a module's exports handlers.
    pub fn module_entries(&self) -> impl Iterator<Item = &EntryModel> {
        self.entries
            .iter()
            .filter(|e| e.module.is_some() && e.param_name.is_none())
    }

    /// Entries that recognize handlers by their first parameter's name.
    pub fn param_name_entries(&self) -> impl Iterator<Item = &EntryModel> {
        self.entries.iter().filter(|e| e.param_name.is_some())
    }

    pub fn entries_for_class_base(&self, base: &str) -> impl Iterator<Item = &EntryModel> {
        self.indexed(&self.by_class_base, base)
    }

    fn indexed<'a>(
        &'a self,
        index: &'a FxHashMap<String, Vec<usize>>,
        key: &str,
    ) -> impl Iterator<Item = &'a EntryModel> {
        index
            .get(key)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.entries.get(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_models_parse() {
        for (name, text) in BUILTIN {
            let mut m = Models::default();
            if let Err(e) = m.add_text(name, text) {
                panic!("{e}");
            }
        }
        assert!(Models::builtin().is_ok());
    }

    #[test]
    fn sources_match_by_prefix() {
        let mut m = Models::default();
        m.add_text(
            "t",
            r#"
[[sources]]
path = "flask.request.args"

[[sources]]
path = "os.environ"
kind = "env"
"#,
        )
        .unwrap();
        assert_eq!(
            m.source("flask.request.args.get"),
            Some((SourceKind::Remote, "flask.request.args"))
        );
        assert_eq!(m.source("os.environ").map(|s| s.0), Some(SourceKind::Env));
        assert!(m.source("flask.request").is_none());
        assert!(m.source("flask.request.argsx").is_none());
    }

    #[test]
    fn sinks_sanitizers_and_entries_index() {
        let mut m = Models::default();
        m.add_text(
            "t",
            r#"
[[sinks]]
path = "subprocess.run"
class = "command"
args = [0]
keywords = ["args"]
requires_keyword = "shell"

[[sinks]]
path = "*.execute"
class = "sql"
args = [0]

[[sinks]]
path = "yaml.load"
class = "deserialization"
safe_keyword = { name = "Loader", values = ["yaml.SafeLoader"] }

[[sanitizers]]
path = "html.escape"
classes = ["xss"]

[[sanitizers]]
path = "len"
classes = ["all"]

[[sanitizers]]
path = "os.path.realpath"
normalizes = true

[[guards]]
path = "re.fullmatch"
arg = 1
classes = ["all"]

[[propagators]]
path = "*.append"
from = "args"
to = "receiver"

[[returns]]
path = "sqlite3.connect"
type = "sqlite3.Connection"

[[noreturn]]
path = "flask.abort"

[[entries]]
call = "express.Application.get"
callbacks = 1
param_types = ["express.Request", "express.Response"]

[[entries]]
decorator = "flask.Flask.route"
sources = "rest"
returns_sink = "xss"
"#,
        )
        .unwrap();
        assert_eq!(
            m.sinks("subprocess.run")[0].requires_keyword.as_deref(),
            Some("shell")
        );
        assert_eq!(m.wildcard_sinks("execute")[0].class, VulnClass::Sql);
        assert_eq!(
            m.sanitizer("html.escape").unwrap().classes,
            VulnClass::Xss.bit()
        );
        assert_eq!(m.sanitizer("len").unwrap().classes, u16::MAX);
        assert!(m.sanitizer("os.path.realpath").unwrap().normalizes);
        assert_eq!(m.guards("re.fullmatch")[0].arg, Some(1));
        assert_eq!(m.wildcard_propagators("append")[0].to, ToSpec::Receiver);
        assert_eq!(m.returns("sqlite3.connect"), Some("sqlite3.Connection"));
        assert!(m.is_noreturn("flask.abort"));
        assert_eq!(m.entries_for_call("express.Application.get").count(), 1);
        let flask = m.entries_for_decorator("flask.Flask.route").next().unwrap();
        assert_eq!(flask.sources, ParamSources::Rest);
        assert_eq!(flask.returns_sink, Some(VulnClass::Xss));
    }

    #[test]
    fn user_models_extend_builtin_and_typos_are_errors() {
        let value: toml::Value = toml::from_str(
            r#"
[[sinks]]
path = "myapp.db.raw_query"
class = "sql"
args = [0]
"#,
        )
        .unwrap();
        let m = Models::load(Some(&value)).unwrap();
        assert_eq!(m.sinks("myapp.db.raw_query").len(), 1);
        let bad: toml::Value = toml::from_str("[[sinks]]\npath = \"x\"\nclas = \"sql\"\n").unwrap();
        assert!(Models::load(Some(&bad)).is_err());
    }
}
