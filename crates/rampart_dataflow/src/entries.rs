//! Entry points: functions a framework calls with untrusted input, found through the
//! `[[entries]]` models (decorators, registration calls, handler base classes).

use crate::infer::{resolve_callee, CalleeRef, Ctx, FuncFacts, Sym};
use crate::program::{FuncKey, Program, Target};
use rampart_ir::{Const, DecoratorValue, Function, InstKind, Operand, ParamKind};
use rampart_models::{EntryModel, Models, ParamSources, SourceKind, VulnClass};
use rustc_hash::FxHashMap;

/// How a handler's parameters are seeded.
#[derive(Debug, Clone)]
pub struct EntryCtx {
    pub param_types: Vec<String>,
    pub sources: ParamSources,
    pub kind: SourceKind,
    pub returns_sink: Option<VulnClass>,
    /// Parameters a route pattern declares numeric (`<int:user_id>`): never sources.
    pub typed_params: Vec<String>,
    /// What registered it: `app.route("/users/<name>")`.
    pub registration: String,
}

impl EntryCtx {
    fn from_model(e: &EntryModel, registration: String) -> EntryCtx {
        EntryCtx {
            param_types: e.param_types.clone(),
            sources: e.sources,
            kind: e.kind,
            returns_sink: e.returns_sink,
            typed_params: Vec::new(),
            registration,
        }
    }
}

/// Finds every entry point. `facts` are the facts of every function computed without entry
/// context.
pub fn find_entries(
    program: &Program,
    models: &Models,
    cache: &crate::infer::SymCache,
    facts: &FxHashMap<FuncKey, FuncFacts>,
) -> FxHashMap<FuncKey, EntryCtx> {
    let mut out: FxHashMap<FuncKey, EntryCtx> = FxHashMap::default();
    for (mi, module) in program.modules.iter().enumerate() {
        let mi = mi as u32;
        let ctx = Ctx {
            program,
            models,
            module: mi,
            cache,
        };
        for (fi, func) in module.functions.iter().enumerate() {
            let key = (mi, fi as u32);
            for d in &func.decorators {
                let full = resolve_dotted(&ctx, &d.name);
                let route = d.args.iter().find_map(|a| match &a.value {
                    DecoratorValue::Const(Const::Str(s)) if a.keyword.is_none() => Some(s.as_str()),
                    _ => None,
                });
                for e in models.entries_for_decorator(&full) {
                    let mut entry = EntryCtx::from_model(e, format!("@{}", d.name));
                    if let Some(r) = route {
                        entry.registration = format!("@{}(\"{r}\")", d.name);
                        entry.typed_params = typed_route_params(r);
                    }
                    add_entry(&mut out, key, entry);
                }
            }
            if let Some(f) = facts.get(&key) {
                registrations(&ctx, func, f, &mut out);
            }
        }
        let slashed = format!("/{}", module.path);
        for e in models.module_entries() {
            let Some(fragment) = &e.module else { continue };
            if !slashed.contains(fragment.as_str()) {
                continue;
            }
            for x in &module.exports {
                if x.from.is_some() || !e.exports.contains(&x.name) {
                    continue;
                }
                let local = format!("{}.{}", module.name, x.local);
                if let Target::Func(f) = program.resolve(&local, mi) {
                    out.insert(
                        f,
                        EntryCtx::from_model(e, format!("{} export {}", module.path, x.name)),
                    );
                } else if let Some(Sym::Func(f)) = program
                    .module_var(mi, &x.local)
                    .and_then(|v| facts.get(&(mi, 0))?.syms.get(v as usize)?.clone())
                {
                    out.insert(
                        f,
                        EntryCtx::from_model(e, format!("{} export {}", module.path, x.name)),
                    );
                }
            }
        }
        for e in models.param_name_entries() {
            let Some(name) = &e.param_name else { continue };
            if e.module
                .as_ref()
                .is_some_and(|f| !slashed.contains(f.as_str()))
            {
                continue;
            }
            if let Some(prefix) = &e.imports {
                let imported = module
                    .imports
                    .iter()
                    .any(|i| i.target == *prefix || i.target.starts_with(&format!("{prefix}.")));
                if !imported {
                    continue;
                }
            }
            for (fi, f) in module.functions.iter().enumerate().skip(1) {
                let key = (mi, fi as u32);
                if out.contains_key(&key) || f.parent.is_some() {
                    continue;
                }
                // A method is a handler only as an HTTP verb of a view class (`get(self,
                // request)`); a constructor or helper taking a request is not an entry point.
                let method =
                    f.is_constructor || f.params.iter().any(|p| p.kind == ParamKind::Receiver);
                if method && !VIEW_METHODS.contains(&f.name.as_str()) {
                    continue;
                }
                let first = f.params.iter().find(|p| p.kind != ParamKind::Receiver);
                if first.is_some_and(|p| p.name == *name) {
                    out.insert(key, EntryCtx::from_model(e, f.qualified_name.clone()));
                }
            }
        }
        for (ci, class) in module.classes.iter().enumerate() {
            let bases = program.all_bases(mi, ci as u32);
            for base in &bases {
                for e in models.entries_for_class_base(base) {
                    for &mid in &class.methods {
                        let Some(m) = module.functions.get(mid as usize) else {
                            continue;
                        };
                        if e.methods.iter().any(|pat| handler_matches(pat, m)) {
                            add_entry(
                                &mut out,
                                (mi, mid),
                                EntryCtx::from_model(e, format!("{}.{}", class.name, m.name)),
                            );
                        }
                    }
                }
            }
        }
    }
    out
}

/// Methods of a view class that serve requests (Django views and viewsets, DRF).
const VIEW_METHODS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "dispatch",
    "list",
    "create",
    "retrieve",
    "update",
    "partial_update",
    "destroy",
];

/// Records `entry` for `key`. A handler can be named twice (a route registration in `urls.py`
/// and a decorator on the view): what each knows is kept, so numeric route parameters stay
/// typed and the message keeps the route.
fn add_entry(out: &mut FxHashMap<FuncKey, EntryCtx>, key: FuncKey, mut entry: EntryCtx) {
    if let Some(old) = out.get(&key) {
        for p in &old.typed_params {
            if !entry.typed_params.contains(p) {
                entry.typed_params.push(p.clone());
            }
        }
        if old.registration.contains("(\"") && !entry.registration.contains("(\"") {
            entry.registration = old.registration.clone();
        }
    }
    out.insert(key, entry);
}

/// Whether method `m` is a handler named by `pattern` of a class-based entry: an exact name,
/// `*` for every public action (MVC controllers route each public method unless it is marked
/// `[NonAction]`), or a prefix such as `OnGet*` (Razor Pages handlers, public too).
fn handler_matches(pattern: &str, m: &Function) -> bool {
    let Some(prefix) = pattern.strip_suffix('*') else {
        return m.name == pattern;
    };
    m.name.starts_with(prefix)
        && !m.non_public
        && !m.is_static
        && !m.is_constructor
        && m.parent.is_none()
        && !m.name.starts_with('<')
        && !m.decorators.iter().any(|d| {
            let last = d.name.rsplit('.').next().unwrap_or(&d.name);
            last == "NonAction" || last == "NonActionAttribute"
        })
}

/// Registration calls in one function: `app.get("/x", handler)`.
fn registrations(
    ctx: &Ctx,
    func: &Function,
    facts: &FuncFacts,
    out: &mut FxHashMap<FuncKey, EntryCtx>,
) {
    for b in &func.blocks {
        for inst in &b.insts {
            let InstKind::Call { callee, args, .. } = &inst.kind else {
                continue;
            };
            let CalleeRef::External(path) = resolve_callee(ctx, callee, &facts.syms) else {
                continue;
            };
            for e in ctx.models.entries_for_call(&path) {
                let route = args.iter().find_map(|a| match &a.value {
                    Operand::Const(Const::Str(s)) => Some(s.clone()),
                    _ => None,
                });
                for a in args.iter().skip(e.callbacks as usize) {
                    let Operand::Var(v) = a.value else { continue };
                    let handler = match facts.syms.get(v as usize) {
                        Some(Some(Sym::Func(f))) => Some(*f),
                        _ => wrapped_handler(func, facts, v),
                    };
                    if let Some(f) = &handler {
                        let reg = match &route {
                            Some(r) => format!("{path}(\"{r}\")"),
                            None => path.to_string(),
                        };
                        let mut entry = EntryCtx::from_model(e, reg);
                        if let Some(r) = &route {
                            entry.typed_params = typed_route_params(r);
                        }
                        add_entry(out, *f, entry);
                    }
                }
            }
        }
    }
}

/// `asyncHandler(async (req, res) => ...)`: a handler wrapped by a call; the wrapped function.
fn wrapped_handler(func: &Function, facts: &FuncFacts, v: u32) -> Option<FuncKey> {
    let (b, i) = facts.def.get(v as usize).copied().flatten()?;
    let InstKind::Call { args, .. } = &func.blocks.get(b as usize)?.insts.get(i as usize)?.kind
    else {
        return None;
    };
    args.iter().find_map(|a| match a.value {
        Operand::Var(x) => match facts.syms.get(x as usize) {
            Some(Some(Sym::Func(f))) => Some(*f),
            _ => None,
        },
        Operand::Const(_) => None,
    })
}

/// `app.route` with `app = Flask(__name__)` at module level: `flask.Flask.route`.
fn resolve_dotted(ctx: &Ctx, name: &str) -> String {
    let (root, rest) = name.split_once('.').unwrap_or((name, ""));
    let module_name = &ctx.program.module(ctx.module).name;
    match ctx.global_sym(&format!("{module_name}.{root}")) {
        Sym::Path(p) if !p.starts_with(module_name.as_str()) || rest.is_empty() => {
            if rest.is_empty() {
                p.to_string()
            } else {
                format!("{p}.{rest}")
            }
        }
        _ => name.to_string(),
    }
}

/// Parameters a Flask/Werkzeug route declares with a numeric or UUID converter.
fn typed_route_params(route: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = route;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let Some(j) = rest.find('>') else { break };
        if let Some((conv, name)) = rest[..j].split_once(':') {
            if matches!(conv.trim(), "int" | "float" | "uuid") {
                out.push(name.trim().to_string());
            }
        }
        rest = &rest[j + 1..];
    }
    out
}

/// Declared types that carry no injection taint.
pub fn is_safe_scalar_type(ty: &str) -> bool {
    let mut t = ty.trim();
    for prefix in ["typing.", "Optional[", "Annotated[", "typing.Optional["] {
        if let Some(r) = t.strip_prefix(prefix) {
            t = r.trim();
        }
    }
    let core: String = t
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    matches!(
        core.as_str(),
        "int"
            | "float"
            | "bool"
            | "complex"
            | "number"
            | "boolean"
            | "bigint"
            | "Number"
            | "Boolean"
            | "uuid.UUID"
            | "UUID"
            | "decimal.Decimal"
            | "Decimal"
            | "datetime.date"
            | "datetime.datetime"
            | "datetime.time"
            | "date"
            | "datetime"
            | "pydantic.UUID4"
            | "pydantic.PositiveInt"
            | "pydantic.conint"
            | "PositiveInt"
            | "conint"
    ) || is_typed_scalar(&core)
}

/// Numbers, booleans, UUIDs and dates of the statically typed languages (Java, C#, Go).
fn is_typed_scalar(core: &str) -> bool {
    matches!(
        core,
        "long"
            | "short"
            | "byte"
            | "double"
            | "char"
            | "java.lang.Integer"
            | "java.lang.Long"
            | "java.lang.Short"
            | "java.lang.Double"
            | "java.lang.Float"
            | "java.lang.Boolean"
            | "java.math.BigDecimal"
            | "java.math.BigInteger"
            | "java.util.UUID"
            | "java.time.LocalDate"
            | "java.time.LocalDateTime"
            | "java.time.Instant"
            | "java.time.OffsetDateTime"
            | "System.Guid"
            | "Guid"
            | "System.DateTime"
            | "DateTime"
            | "DateTimeOffset"
            | "decimal"
            | "uint"
            | "ulong"
            | "ushort"
            | "sbyte"
            | "int8"
            | "int16"
            | "int32"
            | "int64"
            | "uint8"
            | "uint16"
            | "uint32"
            | "uint64"
            | "float32"
            | "float64"
            | "time.Time"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_converters() {
        assert_eq!(
            typed_route_params("/users/<int:user_id>/files/<path:name>"),
            vec!["user_id".to_string()]
        );
        assert!(typed_route_params("/x/<name>").is_empty());
    }

    #[test]
    fn scalar_types() {
        assert!(is_safe_scalar_type("int"));
        assert!(is_safe_scalar_type("Optional[int]"));
        assert!(is_safe_scalar_type("uuid.UUID"));
        assert!(!is_safe_scalar_type("str"));
        assert!(!is_safe_scalar_type("app.schemas.UserIn"));
    }
}
