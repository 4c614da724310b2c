//! Linking: every lowered [`Module`] of a scan in one [`Program`] with a module table, a symbol
//! table (qualified name to function/class), import and export resolution and method lookup
//! through the project's class hierarchy.

use rampart_ir::{ClassId, Const, FuncId, InstKind, Module, Operand};
use rustc_hash::{FxHashMap, FxHashSet};

/// A function of the program: (module index, function index).
pub type FuncKey = (u32, FuncId);

/// What a qualified path names in the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target<'p> {
    Func(FuncKey),
    Class(u32, ClassId),
    /// A module-level variable, and the attribute path read from it.
    ModuleVar(u32, &'p str, String),
    Module(u32),
    /// Not defined in the project (a library, a builtin, or something unresolvable).
    External,
}

/// Every module of a scan, linked.
pub struct Program<'m> {
    pub modules: &'m [Module],
    module_by_name: FxHashMap<&'m str, u32>,
    /// Python module names by dotted suffix, for scans rooted above the package root
    /// (`src.app.views` is found as `app.views`); `None` when ambiguous.
    module_by_suffix: FxHashMap<&'m str, Option<u32>>,
    functions: FxHashMap<&'m str, FuncKey>,
    classes: FxHashMap<&'m str, (u32, ClassId)>,
    /// Per module: the top level's named locals (module-level variables).
    module_vars: Vec<FxHashMap<&'m str, rampart_ir::VarId>>,
    /// Per module: module-level names bound once to a constant.
    module_consts: Vec<FxHashMap<&'m str, Const>>,
    imports: Vec<FxHashMap<&'m str, &'m str>>,
    /// Concrete project classes by every base they have, transitively (for dispatch through
    /// interfaces and abstract methods).
    subclasses: FxHashMap<String, Vec<(u32, ClassId)>>,
    /// First segments of every module imported anywhere in the program (`pymongo`).
    imported_roots: FxHashSet<&'m str>,
    resolved: ResolveCache<'m>,
}

/// Resolutions by importing module and path.
type ResolveCache<'m> = std::sync::Mutex<FxHashMap<u32, FxHashMap<Box<str>, Target<'m>>>>;

const MAX_DEPTH: u32 = 8;
const JS_EXTENSIONS: [&str; 7] = [".js", ".ts", ".tsx", ".jsx", ".mjs", ".cjs", ".d.ts"];

impl<'m> Program<'m> {
    /// Whether some module of the program imports `module` or something under it.
    pub fn imports_module(&self, module: &str) -> bool {
        self.imported_roots.contains(module)
    }

    pub fn new(modules: &'m [Module]) -> Program<'m> {
        let mut module_by_name = FxHashMap::default();
        let mut module_by_suffix: FxHashMap<&str, Option<u32>> = FxHashMap::default();
        let mut functions = FxHashMap::default();
        let mut classes = FxHashMap::default();
        let mut module_vars = Vec::with_capacity(modules.len());
        let mut module_consts = Vec::with_capacity(modules.len());
        let mut imports = Vec::with_capacity(modules.len());
        let mut imported_roots = FxHashSet::default();
        for (mi, m) in modules.iter().enumerate() {
            for i in &m.imports {
                let root = i.target.split(['.', '/']).next().unwrap_or("");
                imported_roots.insert(root);
            }
            let mi = mi as u32;
            module_by_name.insert(m.name.as_str(), mi);
            let mut rest = m.name.as_str();
            while let Some(i) = rest.find('.') {
                rest = &rest[i + 1..];
                module_by_suffix
                    .entry(rest)
                    .and_modify(|e| {
                        if *e != Some(mi) {
                            *e = None
                        }
                    })
                    .or_insert(Some(mi));
            }
            for (fi, f) in m.functions.iter().enumerate() {
                if fi > 0 {
                    functions.insert(f.qualified_name.as_str(), (mi, fi as FuncId));
                }
            }
            for (ci, c) in m.classes.iter().enumerate() {
                classes.insert(c.qualified_name.as_str(), (mi, ci as ClassId));
            }
            let (vars, consts) = top_level_names(m);
            module_vars.push(vars);
            module_consts.push(consts);
            imports.push(
                m.imports
                    .iter()
                    .map(|i| (i.local.as_str(), i.target.as_str()))
                    .collect(),
            );
        }
        let mut program = Program {
            modules,
            module_by_name,
            module_by_suffix,
            functions,
            classes,
            module_vars,
            module_consts,
            imports,
            subclasses: FxHashMap::default(),
            imported_roots,
            resolved: Default::default(),
        };
        let mut subclasses: FxHashMap<String, Vec<(u32, ClassId)>> = FxHashMap::default();
        for (mi, m) in modules.iter().enumerate() {
            for (ci, c) in m.classes.iter().enumerate() {
                if c.is_interface || c.bases.is_empty() {
                    continue;
                }
                let key = (mi as u32, ci as ClassId);
                let mut bases = program.all_bases(key.0, key.1);
                bases.sort_unstable();
                bases.dedup();
                for b in bases {
                    subclasses.entry(b).or_default().push(key);
                }
            }
        }
        program.subclasses = subclasses;
        program
    }

    /// The project implementations a call of method `f` (found on class `class` of module `m`)
    /// may dispatch to: every concrete subclass's own method of that name, when the receiver's
    /// class is an interface or `f` is abstract (has no body). Empty when the call is direct.
    pub fn implementations(&self, m: u32, class: ClassId, f: FuncKey, name: &str) -> Vec<FuncKey> {
        let Some(cls) = self
            .modules
            .get(m as usize)
            .and_then(|x| x.classes.get(class as usize))
        else {
            return Vec::new();
        };
        let owner_is_interface = self
            .function(f)
            .and_then(|func| func.class)
            .and_then(|c| self.modules.get(f.0 as usize)?.classes.get(c as usize))
            .is_some_and(|c| c.is_interface);
        let is_abstract = self
            .function(f)
            .is_some_and(|func| func.blocks.iter().all(|b| b.insts.is_empty()));
        if !(cls.is_interface || owner_is_interface || is_abstract) {
            return Vec::new();
        }
        let Some(subs) = self.subclasses.get(cls.qualified_name.as_str()) else {
            return Vec::new();
        };
        let mut out: Vec<FuncKey> = subs
            .iter()
            .filter_map(|&(sm, sc)| self.method(sm, sc, name))
            .filter(|&g| g != f)
            .filter(|&g| {
                self.function(g)
                    .is_some_and(|func| !func.blocks.iter().all(|b| b.insts.is_empty()))
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn function(&self, key: FuncKey) -> Option<&'m rampart_ir::Function> {
        self.modules
            .get(key.0 as usize)
            .and_then(|m| m.functions.get(key.1 as usize))
    }

    /// Whether `name` is the exact name of a project module.
    pub fn is_module(&self, name: &str) -> bool {
        self.module_by_name.contains_key(name)
    }

    pub fn module(&self, index: u32) -> &'m Module {
        &self.modules[index as usize]
    }

    /// The local of a module-level variable.
    pub fn module_var(&self, module: u32, name: &str) -> Option<rampart_ir::VarId> {
        self.module_vars
            .get(module as usize)
            .and_then(|v| v.get(name).copied())
    }

    /// What `path`, as written in module `from`, names. Memoized: the same globals and
    /// callees are resolved from every function of a module.
    pub fn resolve(&self, path: &str, from: u32) -> Target<'m> {
        if let Ok(cache) = self.resolved.lock() {
            if let Some(t) = cache.get(&from).and_then(|m| m.get(path)) {
                return t.clone();
            }
        }
        let t = self.resolve_depth(path, from, 0);
        if let Ok(mut cache) = self.resolved.lock() {
            cache
                .entry(from)
                .or_default()
                .insert(path.into(), t.clone());
        }
        t
    }

    /// A module-level constant named by `path` (`app.config.DEBUG`).
    pub fn constant(&self, path: &str, from: u32) -> Option<&Const> {
        match self.resolve(path, from) {
            Target::ModuleVar(m, name, rest) if rest.is_empty() => {
                self.module_consts.get(m as usize)?.get(name)
            }
            _ => None,
        }
    }

    fn resolve_depth(&self, path: &str, from: u32, depth: u32) -> Target<'m> {
        if depth > MAX_DEPTH || path.is_empty() {
            return Target::External;
        }
        if path.starts_with("./") || path.starts_with("../") {
            return self.resolve_relative(path, from, depth);
        }
        // Longest dotted prefix that names a module.
        let mut end = path.len();
        loop {
            let prefix = &path[..end];
            if let Some(m) = self.find_module(prefix) {
                let rest = path.get(end + 1..).unwrap_or("");
                return self.resolve_member(m, rest, depth);
            }
            match prefix.rfind('.') {
                Some(i) => end = i,
                None => break,
            }
        }
        Target::External
    }

    fn find_module(&self, name: &str) -> Option<u32> {
        if let Some(&m) = self.module_by_name.get(name) {
            return Some(m);
        }
        if let Some(m) = self.module_by_suffix.get(name).copied().flatten() {
            return Some(m);
        }
        // Go imports name a package by its module path (`example.com/notes/internal/store`);
        // the scan knows it by its directory (`internal/store`).
        name.match_indices('/')
            .find_map(|(i, _)| self.module_by_name.get(&name[i + 1..]).copied())
    }

    /// `./db.query` from `src/routes/users`: the module `src/routes/db` (or
    /// `src/routes/db/index`), member `query`.
    fn resolve_relative(&self, path: &str, from: u32, depth: u32) -> Target<'m> {
        let base = self
            .modules
            .get(from as usize)
            .map(|m| m.name.rsplit_once('/').map(|(d, _)| d).unwrap_or(""))
            .unwrap_or("");
        let mut end = path.len();
        loop {
            let spec = &path[..end];
            let joined = join_path(base, spec);
            let stem = strip_js_ext(&joined);
            let found = self
                .module_by_name
                .get(stem)
                .or_else(|| self.module_by_name.get(format!("{stem}/index").as_str()))
                .copied();
            if let Some(m) = found {
                let rest = path.get(end + 1..).unwrap_or("");
                return self.resolve_member(m, rest, depth);
            }
            match spec.rfind('.') {
                // Stop inside the leading `./` or `../`.
                Some(i) if spec[..i].trim_start_matches(['.', '/']).is_empty() => break,
                Some(i) => end = i,
                None => break,
            }
        }
        Target::External
    }

    fn resolve_member(&self, m: u32, rest: &str, depth: u32) -> Target<'m> {
        if rest.is_empty() {
            return Target::Module(m);
        }
        let module = &self.modules[m as usize];
        let (first, tail) = rest.split_once('.').unwrap_or((rest, ""));
        let qualified = format!("{}.{}", module.name, first);
        if let Some(&f) = self.functions.get(qualified.as_str()) {
            return if tail.is_empty() {
                Target::Func(f)
            } else {
                Target::External
            };
        }
        if let Some(&(cm, ci)) = self.classes.get(qualified.as_str()) {
            if tail.is_empty() {
                return Target::Class(cm, ci);
            }
            let (method, _) = tail.split_once('.').unwrap_or((tail, ""));
            return self
                .method(cm, ci, method)
                .map(Target::Func)
                .unwrap_or(Target::External);
        }
        for e in &module.exports {
            if e.name != first && e.name != "*" {
                continue;
            }
            let member = if e.name == "*" {
                first
            } else {
                e.local.as_str()
            };
            let next = join_member(member, tail);
            let t = match &e.from {
                Some(spec) => self.resolve_depth(&join_member(spec, &next), m, depth + 1),
                None if e.local != first => self.resolve_member(m, &next, depth + 1),
                None => continue,
            };
            if t != Target::External {
                return t;
            }
        }
        if let Some(target) = self.imports.get(m as usize).and_then(|i| i.get(first)) {
            return self.resolve_depth(&join_member(target, tail), m, depth + 1);
        }
        if let Some((name, _)) = self.module_vars[m as usize].get_key_value(first) {
            return Target::ModuleVar(m, name, tail.to_string());
        }
        // A package's submodule: `app` + `views` when `app/__init__.py` exists.
        let sub = format!("{}.{}", module.name, first);
        if let Some(&sm) = self.module_by_name.get(sub.as_str()) {
            return self.resolve_member(sm, tail, depth + 1);
        }
        // `module.exports = logger`: members of the module are members of `logger`.
        if let Some(e) = module
            .exports
            .iter()
            .find(|e| e.name == "default" && e.from.is_none() && e.local != first)
        {
            return self.resolve_member(m, &join_member(&e.local, rest), depth + 1);
        }
        Target::External
    }

    /// A method by name on a project class or its project bases.
    pub fn method(&self, m: u32, class: ClassId, name: &str) -> Option<FuncKey> {
        self.method_depth(m, class, name, 0)
    }

    fn method_depth(&self, m: u32, class: ClassId, name: &str, depth: u32) -> Option<FuncKey> {
        if depth > MAX_DEPTH {
            return None;
        }
        let module = self.modules.get(m as usize)?;
        let c = module.classes.get(class as usize)?;
        for &fid in &c.methods {
            if module.functions.get(fid as usize).map(|f| f.name.as_str()) == Some(name) {
                return Some((m, fid));
            }
        }
        for base in &c.bases {
            if let Some((bm, bc)) = self.class_of(base, m) {
                if let Some(f) = self.method_depth(bm, bc, name, depth + 1) {
                    return Some(f);
                }
            }
        }
        None
    }

    /// The project class a (possibly unqualified) name denotes.
    pub fn class_of(&self, name: &str, from: u32) -> Option<(u32, ClassId)> {
        if let Some(&c) = self.classes.get(name) {
            return Some(c);
        }
        match self.resolve(name, from) {
            Target::Class(m, c) => Some((m, c)),
            _ => self.same_package_class(name, from),
        }
    }

    /// Java: a class of the importing file's own package shadows a wildcard import, so
    /// `javax.servlet.http.User` (guessed from `import javax.servlet.http.*`) is the project's
    /// `com.acme.User` when that class exists and `javax.servlet.http` is a wildcard import.
    fn same_package_class(&self, name: &str, from: u32) -> Option<(u32, ClassId)> {
        let module = self.modules.get(from as usize)?;
        if module.language != rampart_core::Language::Java {
            return None;
        }
        let (prefix, simple) = name.rsplit_once('.')?;
        let wildcard = module
            .imports
            .iter()
            .any(|i| i.local == "*" && i.target == prefix);
        if !wildcard {
            return None;
        }
        self.classes
            .get(format!("{}.{simple}", module.name).as_str())
            .copied()
    }

    /// Every base of a class, transitively, as written (external bases included).
    pub fn all_bases(&self, m: u32, class: ClassId) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![(m, class, 0u32)];
        while let Some((m, c, depth)) = stack.pop() {
            let Some(cls) = self
                .modules
                .get(m as usize)
                .and_then(|x| x.classes.get(c as usize))
            else {
                continue;
            };
            for base in &cls.bases {
                out.push(base.clone());
                if depth < MAX_DEPTH {
                    if let Some((bm, bc)) = self.class_of(base, m) {
                        let q = &self.modules[bm as usize].classes[bc as usize].qualified_name;
                        out.push(q.clone());
                        stack.push((bm, bc, depth + 1));
                    }
                }
            }
        }
        out
    }

    /// The declared type of a field of a project class or of one of its project bases.
    pub fn field_type(&self, class: &str, field: &str, from: u32) -> Option<&'m str> {
        let (m, c) = self.class_of(class, from)?;
        let mut stack = vec![(m, c, 0u32)];
        while let Some((m, c, depth)) = stack.pop() {
            let Some(cls) = self
                .modules
                .get(m as usize)
                .and_then(|x| x.classes.get(c as usize))
            else {
                continue;
            };
            if let Some(ty) = cls
                .fields
                .iter()
                .find(|f| f.name == field)
                .and_then(|f| f.ty.as_deref())
            {
                return Some(ty);
            }
            if depth < MAX_DEPTH {
                for base in &cls.bases {
                    if let Some((bm, bc)) = self.class_of(base, m) {
                        stack.push((bm, bc, depth + 1));
                    }
                }
            }
        }
        None
    }

    /// Qualified name of a class.
    pub fn class_name(&self, m: u32, class: ClassId) -> Option<&'m str> {
        self.modules
            .get(m as usize)?
            .classes
            .get(class as usize)
            .map(|c| c.qualified_name.as_str())
    }
}

fn join_member(base: &str, tail: &str) -> String {
    if tail.is_empty() {
        base.to_string()
    } else {
        format!("{base}.{tail}")
    }
}

/// Joins a relative specifier to a directory, resolving `.` and `..`.
fn join_path(dir: &str, spec: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for p in spec.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

fn strip_js_ext(path: &str) -> &str {
    for ext in JS_EXTENSIONS {
        if let Some(stem) = path.strip_suffix(ext) {
            return stem;
        }
    }
    path
}

/// Module-level variables (named locals of the top level) and those bound exactly once to a
/// constant.
fn top_level_names(m: &Module) -> (FxHashMap<&str, u32>, FxHashMap<&str, Const>) {
    let mut vars = FxHashMap::default();
    let mut consts = FxHashMap::default();
    let Some(top) = m.functions.first() else {
        return (vars, consts);
    };
    let mut defs = vec![0u32; top.locals.len()];
    let mut value: Vec<Option<&Const>> = vec![None; top.locals.len()];
    for b in &top.blocks {
        for inst in &b.insts {
            if let Some(d) = inst.kind.dst() {
                if let Some(n) = defs.get_mut(d as usize) {
                    *n += 1;
                }
                if let InstKind::Assign {
                    src: Operand::Const(c),
                    ..
                } = &inst.kind
                {
                    value[d as usize] = Some(c);
                }
            }
        }
    }
    for (i, l) in top.locals.iter().enumerate() {
        if l.name.starts_with('$') {
            continue;
        }
        vars.insert(l.name.as_str(), i as u32);
        if defs[i] == 1 {
            if let Some(c) = value[i] {
                consts.insert(l.name.as_str(), c.clone());
            }
        }
    }
    (vars, consts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_relative_paths() {
        assert_eq!(join_path("src/routes", "./db"), "src/routes/db");
        assert_eq!(join_path("src/routes", "../db/index.js"), "src/db/index.js");
        assert_eq!(strip_js_ext("src/db/index.js"), "src/db/index");
    }
}
