//! Python lowering (tree-sitter-python) to the IR.
//!
//! Name resolution follows Python's scoping: a name assigned anywhere in a function is local to
//! it (unless declared `global`/`nonlocal`); other names come from enclosing functions (captures),
//! imports, module-level definitions, or builtins, and become `Global` paths. Module-level
//! definitions and imports are collected before any body is lowered, so a function may use a name
//! bound further down the file.

mod expr;
mod fields;
mod literal;
mod scan;
mod stmt;

use crate::ir::*;
use crate::FunctionBuilder;
use fields::NodeExt;
use rampart_core::Span;
use rampart_syntax::SourceFile;
use rustc_hash::{FxHashMap, FxHashSet};
use tree_sitter::{Node, Tree};

/// Expressions nested deeper than this lower to `unknown` instead of recursing further, so
/// generated or adversarial files cannot overflow the stack.
const MAX_DEPTH: u32 = 150;

pub fn lower(file: &SourceFile, tree: &Tree) -> Module {
    let (name, is_package) = module_name(&file.rel_path);
    let root = tree.root_node();
    let mut l = Lowerer {
        file,
        src: file.text.as_bytes(),
        ascii: file.text.is_ascii(),
        request_type: None,
        module_name: name,
        is_package,
        imports: Vec::new(),
        import_map: FxHashMap::default(),
        star_imports: Vec::new(),
        module_defs: FxHashSet::default(),
        module_vars: FxHashSet::default(),
        classes: Vec::new(),
        functions: Vec::new(),
        stack: Vec::new(),
        depth: 0,
    };
    l.collect_module_imports(root);
    l.request_type = request_type(&l.imports);
    let bindings = scan::bindings(root, l.src);
    l.module_defs = bindings.defs.clone();
    l.module_vars = bindings.assigned.clone();

    let span = l.span(root);
    let mut b = FunctionBuilder::new("<module>", l.module_name.clone(), span);
    let mut locals: Vec<&String> = bindings.assigned.iter().collect();
    locals.sort();
    for name in locals {
        b.declare(name, None);
    }
    l.functions.push(placeholder());
    l.stack.push(FnCtx {
        b,
        id: 0,
        is_top: true,
        locals: bindings.assigned,
        globals: FxHashSet::default(),
        imports: FxHashMap::default(),
        loops: Vec::new(),
        yielded: None,
        instances: FxHashMap::default(),
    });
    l.block(root);
    if let Some(ctx) = l.stack.pop() {
        l.functions[0] = ctx.b.finish();
    }

    Module {
        path: file.rel_path.clone(),
        language: file.language,
        name: l.module_name,
        imports: l.imports,
        exports: Vec::new(),
        classes: l.classes,
        functions: l.functions,
        text: file.text.as_str().into(),
    }
}

/// The request class handlers receive in a module that imports a web framework.
fn request_type(imports: &[Import]) -> Option<&'static str> {
    let uses = |root: &str| {
        imports
            .iter()
            .any(|i| i.target == root || i.target.starts_with(&format!("{root}.")))
    };
    if uses("rest_framework") {
        Some("rest_framework.request.Request")
    } else if uses("django") {
        Some("django.http.HttpRequest")
    } else if uses("starlette") || uses("fastapi") {
        Some("starlette.requests.Request")
    } else if uses("aiohttp") {
        Some("aiohttp.web.Request")
    } else if uses("sanic") {
        Some("sanic.request.Request")
    } else if uses("functions_framework") {
        // Google Cloud Functions hand HTTP functions a Flask request.
        Some("flask.Request")
    } else {
        None
    }
}

/// Django and DRF class-based views get the current request as `self.request` (set by
/// `View.setup`), so `self.request.GET` in `get_queryset` reads request data.
fn view_request_field(bases: &[String], span: Span) -> Option<Field> {
    let ty = if bases.iter().any(|b| b.starts_with("rest_framework.")) {
        "rest_framework.request.Request"
    } else if bases.iter().any(|b| b.starts_with("django.views.")) {
        "django.http.HttpRequest"
    } else {
        return None;
    };
    Some(Field {
        name: "request".to_string(),
        ty: Some(ty.to_string()),
        is_static: false,
        is_final: false,
        init: None,
        decorators: Vec::new(),
        span,
    })
}

/// `def handler(event, context)`: the AWS Lambda calling convention, where `event` carries
/// the caller's request (API Gateway query strings, bodies, headers).
fn type_lambda_event(func: &mut Function) {
    let [event, context] = func.params.as_mut_slice() else {
        return;
    };
    if event.name == "event" && context.name == "context" && event.ty.is_none() {
        event.ty = Some("aws_lambda.LambdaEvent".to_string());
        if let Some(local) = func.locals.get_mut(event.var as usize) {
            local.ty = event.ty.clone();
        }
    }
}

/// `app/views.py` → (`app.views`, false); `pkg/__init__.py` → (`pkg`, true).
fn module_name(rel_path: &str) -> (String, bool) {
    let path = rel_path.trim_start_matches("./");
    let stem = path
        .strip_suffix(".py")
        .or_else(|| path.strip_suffix(".pyi"))
        .or_else(|| path.strip_suffix(".pyw"))
        .unwrap_or(path);
    let dotted = stem.replace(['/', '\\'], ".");
    match dotted.strip_suffix(".__init__") {
        Some(pkg) => (pkg.to_string(), true),
        None => (dotted, stem == "__init__"),
    }
}

fn placeholder() -> Function {
    FunctionBuilder::new("", "", Span::default()).finish()
}

/// One function being built, with what Python scoping needs to resolve its names.
struct FnCtx {
    b: FunctionBuilder,
    id: FuncId,
    is_top: bool,
    /// Names bound in this function (assigned, parameters, nested definitions, imports).
    locals: FxHashSet<String>,
    /// Names declared `global`: never locals.
    globals: FxHashSet<String>,
    /// Imports inside this function: local name → qualified target.
    imports: FxHashMap<String, String>,
    /// (continue target, break target) of the enclosing loops.
    loops: Vec<(BlockId, BlockId)>,
    /// Everything a generator yields, gathered (see `yield` in `expr.rs`).
    yielded: Option<VarId>,
    /// Locals assigned an instance of an imported class: name → class path.
    instances: FxHashMap<String, String>,
}

struct Lowerer<'a> {
    file: &'a SourceFile,
    src: &'a [u8],
    /// Whether the file is ASCII, so spans can come straight from tree-sitter positions.
    ascii: bool,
    /// The request type of the web framework this module imports, if any.
    request_type: Option<&'static str>,
    module_name: String,
    is_package: bool,
    imports: Vec<Import>,
    /// Module-level import bindings: local name → qualified target.
    import_map: FxHashMap<String, String>,
    /// Targets of `from x import *`, which may define any unresolved name.
    star_imports: Vec<String>,
    /// Functions and classes defined at module level.
    module_defs: FxHashSet<String>,
    /// Names assigned at module level.
    module_vars: FxHashSet<String>,
    classes: Vec<Class>,
    functions: Vec<Function>,
    stack: Vec<FnCtx>,
    depth: u32,
}

/// Python builtins that a star import cannot be the source of.
const BUILTINS: &[&str] = &[
    "abs",
    "all",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
    "__import__",
    "__name__",
    "__file__",
    "__doc__",
    "Exception",
    "ValueError",
    "KeyError",
    "TypeError",
    "RuntimeError",
    "None",
    "True",
    "False",
    "NotImplemented",
    "Ellipsis",
];

impl<'a> Lowerer<'a> {
    fn span(&self, node: Node) -> Span {
        if !self.ascii {
            return self.file.span(node.start_byte(), node.end_byte());
        }
        // ASCII text: tree-sitter's byte columns are character columns, no line scan needed.
        let (start, end) = (node.start_position(), node.end_position());
        Span {
            start_line: start.row as u32 + 1,
            start_col: start.column as u32 + 1,
            end_line: end.row as u32 + 1,
            end_col: end.column as u32 + 1,
            start_byte: node.start_byte() as u32,
            end_byte: node.end_byte() as u32,
        }
    }

    fn text(&self, node: Node) -> &'a str {
        self.file
            .text
            .get(node.start_byte()..node.end_byte())
            .unwrap_or("")
    }

    fn ctx(&mut self) -> &mut FnCtx {
        self.stack
            .last_mut()
            .expect("a function context is always active while lowering")
    }

    fn b(&mut self) -> &mut FunctionBuilder {
        &mut self.ctx().b
    }

    fn emit(&mut self, kind: InstKind, span: Span) {
        self.b().emit(kind, span);
    }

    fn temp(&mut self) -> VarId {
        self.b().temp()
    }

    fn new_block(&mut self) -> BlockId {
        self.b().new_block()
    }

    fn switch_to(&mut self, block: BlockId) {
        self.b().switch_to(block);
    }

    fn terminate(&mut self, term: Terminator) {
        self.b().terminate(term);
    }

    // ---- names ----

    /// The local a name refers to in the current function, if it is one.
    fn local(&self, name: &str) -> Option<VarId> {
        let ctx = self.stack.last()?;
        if ctx.globals.contains(name) {
            return None;
        }
        ctx.b.lookup(name)
    }

    /// The qualified path of a name that is not a local of the current function: an import
    /// inside an enclosing function, a capture from an enclosing function, or a module name.
    fn global_path(&self, name: &str) -> String {
        for (i, ctx) in self.stack.iter().rev().enumerate() {
            if i == 0 {
                if ctx.globals.contains(name) {
                    break;
                }
                if let Some(t) = ctx.imports.get(name) {
                    return t.clone();
                }
                continue;
            }
            if ctx.is_top {
                break;
            }
            if let Some(t) = ctx.imports.get(name) {
                return t.clone();
            }
            if ctx.locals.contains(name) {
                return format!("{}.{}", ctx.b.func.qualified_name, name);
            }
        }
        self.module_path(name)
    }

    /// A name at module scope: an import, a module-level definition, or a builtin.
    fn module_path(&self, name: &str) -> String {
        if let Some(t) = self.import_map.get(name) {
            return t.clone();
        }
        if self.module_defs.contains(name) || self.module_vars.contains(name) {
            return format!("{}.{}", self.module_name, name);
        }
        if !BUILTINS.contains(&name) {
            if let Some(star) = self.star_imports.last() {
                return format!("{star}.{name}");
            }
        }
        name.to_string()
    }

    /// A dotted name (`app.route`, `models.Model`, `Optional`) with its root resolved the way
    /// decorators, base classes and annotations are: imports and module-level definitions
    /// qualified, module variables (`app`) left as written.
    fn static_dotted(&self, node: Node) -> Option<String> {
        match node.kind() {
            "identifier" => {
                let name = self.text(node);
                let instance = self
                    .stack
                    .iter()
                    .rev()
                    .take_while(|c| !c.is_top)
                    .find_map(|c| c.instances.get(name));
                if let Some(class) = instance {
                    return Some(class.clone());
                }
                if let Some(t) = self.import_map.get(name) {
                    return Some(t.clone());
                }
                if self.module_defs.contains(name) && !self.module_vars.contains(name) {
                    return Some(format!("{}.{}", self.module_name, name));
                }
                Some(name.to_string())
            }
            "attribute" => {
                let obj = node.field("object")?;
                let attr = node.field("attribute")?;
                Some(format!("{}.{}", self.static_dotted(obj)?, self.text(attr)))
            }
            "dotted_name" => {
                let first = node.named_child(0)?;
                let root = self.static_dotted(first)?;
                let rest = self.text(node).get(self.text(first).len()..).unwrap_or("");
                Some(format!("{root}{rest}"))
            }
            "parenthesized_expression" => self.static_dotted(node.named_child(0)?),
            _ => None,
        }
    }

    /// The qualified path of a callee that is a name or attribute chain rooted at a non-local
    /// (`int`, `uuid.UUID`, `shlex.quote`), as the engine would derive it.
    fn callee_path(&self, node: Node) -> Option<String> {
        match node.kind() {
            "identifier" => {
                let name = self.text(node);
                if self.local(name).is_some() {
                    return None;
                }
                Some(self.global_path(name))
            }
            "attribute" => {
                let obj = node.field("object")?;
                let attr = node.field("attribute")?;
                Some(format!("{}.{}", self.callee_path(obj)?, self.text(attr)))
            }
            _ => None,
        }
    }

    /// `views.index`, `os.path` with `views`/`os` imported: the whole dotted path, so that
    /// a member of an imported module resolves like a name imported from it (the linker finds
    /// the project function `app.views.index`).
    fn imported_path(&self, node: Node) -> Option<String> {
        let mut segments = Vec::new();
        let mut cur = node;
        while cur.kind() == "attribute" {
            segments.push(self.text(cur.field("attribute")?));
            cur = cur.field("object")?;
        }
        if cur.kind() != "identifier" {
            return None;
        }
        let root = self.text(cur);
        if self.local(root).is_some() {
            return None;
        }
        let target = self
            .stack
            .iter()
            .rev()
            .find_map(|c| c.imports.get(root))
            .or_else(|| self.import_map.get(root))?;
        let mut path = target.clone();
        for seg in segments.iter().rev() {
            path.push('.');
            path.push_str(seg);
        }
        Some(path)
    }

    // ---- imports ----

    /// Imports anywhere at module level (including inside `if`/`try` blocks), before any body
    /// is lowered.
    fn collect_module_imports(&mut self, root: Node) {
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            match node.kind() {
                "import_statement" | "import_from_statement" => {
                    for (local, target, whole, span) in self.import_bindings(node) {
                        if local == "*" {
                            self.star_imports.push(target.clone());
                        } else {
                            self.import_map.insert(local.clone(), target.clone());
                        }
                        self.imports.push(Import {
                            local,
                            target,
                            whole_module: whole,
                            span,
                        });
                    }
                }
                "function_definition" | "class_definition" | "decorated_definition" => {}
                _ => {
                    let mut cursor = node.walk();
                    let children: Vec<Node> = node.named_children(&mut cursor).collect();
                    stack.extend(children.into_iter().rev());
                }
            }
        }
    }

    /// (local name, target, whole module, span) for each name an import statement binds.
    fn import_bindings(&self, node: Node) -> Vec<(String, String, bool, Span)> {
        let mut out = Vec::new();
        let span = self.span(node);
        if node.kind() == "import_statement" {
            for item in node.fields("name").into_iter() {
                match item.kind() {
                    "dotted_name" => {
                        // `import os.path` binds `os`.
                        let full = self.text(item);
                        let root = full.split('.').next().unwrap_or(full).trim();
                        out.push((root.to_string(), root.to_string(), true, span));
                    }
                    "aliased_import" => {
                        let (Some(name), Some(alias)) = (item.field("name"), item.field("alias"))
                        else {
                            continue;
                        };
                        out.push((
                            self.text(alias).to_string(),
                            dotted_text(self.text(name)),
                            true,
                            span,
                        ));
                    }
                    _ => {}
                }
            }
            return out;
        }
        let Some(module) = node.field("module_name") else {
            return out;
        };
        let base = if module.kind() == "relative_import" {
            self.relative_module(module)
        } else {
            dotted_text(self.text(module))
        };
        let mut names = node.fields("name").into_iter().peekable();
        if names.peek().is_none() {
            let mut c2 = node.walk();
            if node
                .named_children(&mut c2)
                .any(|c| c.kind() == "wildcard_import")
            {
                out.push(("*".to_string(), base, true, span));
            }
            return out;
        }
        for item in names {
            let (name, alias) = match item.kind() {
                "aliased_import" => match (item.field("name"), item.field("alias")) {
                    (Some(n), Some(a)) => (self.text(n), self.text(a)),
                    _ => continue,
                },
                _ => (self.text(item), self.text(item)),
            };
            let name = dotted_text(name);
            let target = if base.is_empty() {
                name.clone()
            } else {
                format!("{base}.{name}")
            };
            out.push((alias.trim().to_string(), target, false, span));
        }
        out
    }

    /// `from ..pkg import x` in `app/sub/views.py` → `app.pkg`.
    fn relative_module(&self, node: Node) -> String {
        let mut level = 0;
        let mut rest = None;
        let mut cursor = node.walk();
        for c in node.named_children(&mut cursor) {
            match c.kind() {
                "import_prefix" => level = self.text(c).chars().filter(|&ch| ch == '.').count(),
                "dotted_name" => rest = Some(dotted_text(self.text(c))),
                _ => {}
            }
        }
        let mut parts: Vec<&str> = if self.module_name.is_empty() {
            Vec::new()
        } else {
            self.module_name.split('.').collect()
        };
        if !self.is_package {
            parts.pop();
        }
        for _ in 1..level {
            parts.pop();
        }
        let mut out = parts.join(".");
        if let Some(r) = rest {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&r);
        }
        out
    }

    // ---- functions and classes ----

    /// Lowers a `def` (or `async def`) into its own function and returns its id.
    fn function(
        &mut self,
        node: Node,
        decorators: Vec<Decorator>,
        class: Option<ClassId>,
        qn_prefix: &str,
    ) -> FuncId {
        let id = self.functions.len() as FuncId;
        self.functions.push(placeholder());
        let name = node
            .field("name")
            .map(|n| self.text(n))
            .unwrap_or("<anonymous>");
        let qn = format!("{qn_prefix}.{name}");
        let span = self.span(node);
        let mut b = FunctionBuilder::new(name, qn, span);
        b.func.parent = self.stack.last().filter(|c| !c.is_top).map(|c| c.id);
        b.func.class = class;
        b.func.is_static = decorators.iter().any(|d| d.name == "staticmethod");
        b.func.is_constructor = class.is_some() && name == "__init__";
        b.func.return_type = node.field("return_type").map(|t| self.type_name(t));
        b.func.decorators = decorators;
        let receiver = class.is_some() && !b.func.is_static;
        if let Some(params) = node.field("parameters") {
            self.params(&mut b, params, receiver);
        }
        if class.is_none() && b.func.parent.is_none() {
            type_lambda_event(&mut b.func);
        }
        let body = node.field("body");
        let bindings = body
            .map(|bd| scan::bindings(bd, self.src))
            .unwrap_or_default();
        self.enter(b, id, bindings);
        if let Some(body) = body {
            self.block(body);
        }
        self.leave(id);
        id
    }

    /// A lambda: a function whose body is one returned expression.
    fn lambda(&mut self, node: Node) -> FuncId {
        let id = self.functions.len() as FuncId;
        self.functions.push(placeholder());
        let span = self.span(node);
        let name = format!("<lambda@{}:{}>", span.start_line, span.start_col);
        let prefix = self
            .stack
            .last()
            .map(|c| c.b.func.qualified_name.clone())
            .unwrap_or_default();
        let mut b = FunctionBuilder::new(name.clone(), format!("{prefix}.{name}"), span);
        b.func.parent = self.stack.last().map(|c| c.id);
        if let Some(params) = node.field("parameters") {
            self.params(&mut b, params, false);
        }
        let body = node.field("body");
        let bindings = body
            .map(|bd| scan::bindings(bd, self.src))
            .unwrap_or_default();
        self.enter(b, id, bindings);
        if let Some(body) = body {
            let v = self.expr(body);
            self.terminate(Terminator::Return(Some(v)));
        }
        self.leave(id);
        id
    }

    /// Pushes a function context, pre-declaring its locals so reads before the first
    /// assignment (loops) still resolve to the local.
    fn enter(&mut self, mut b: FunctionBuilder, id: FuncId, bindings: scan::Bindings) {
        let mut locals: FxHashSet<String> = bindings.assigned;
        locals.extend(bindings.defs);
        for p in &b.func.params {
            locals.insert(p.name.clone());
        }
        let globals: FxHashSet<String> = bindings.globals;
        locals.retain(|n| !globals.contains(n) && !bindings.nonlocals.contains(n));
        let mut sorted: Vec<&String> = locals.iter().collect();
        sorted.sort();
        for name in sorted {
            if b.lookup(name).is_none() {
                b.declare(name, None);
            }
        }
        self.stack.push(FnCtx {
            b,
            id,
            is_top: false,
            locals,
            globals,
            imports: FxHashMap::default(),
            loops: Vec::new(),
            yielded: None,
            instances: FxHashMap::default(),
        });
    }

    fn leave(&mut self, id: FuncId) {
        if let Some(ctx) = self.stack.pop() {
            let mut func = ctx.b.finish();
            if let Some(acc) = ctx.yielded {
                for block in &mut func.blocks {
                    if let Terminator::Return(None) = block.term {
                        block.term = Terminator::Return(Some(Operand::Var(acc)));
                    }
                }
            }
            if let Some(slot) = self.functions.get_mut(id as usize) {
                *slot = func;
            }
        }
    }

    fn params(&mut self, b: &mut FunctionBuilder, params: Node, receiver: bool) {
        let mut keyword_only = false;
        let mut first = true;
        let mut positional = 0;
        let mut cursor = params.walk();
        for p in params.named_children(&mut cursor) {
            let (mut name_node, mut kind) = (None, ParamKind::Normal);
            let mut ty = None;
            let mut default_node = None;
            match p.kind() {
                "identifier" => name_node = Some(p),
                "typed_parameter" => {
                    ty = p.field("type");
                    let mut c = p.walk();
                    for ch in p.named_children(&mut c) {
                        match ch.kind() {
                            "identifier" => name_node = Some(ch),
                            "list_splat_pattern" => {
                                name_node = ch.named_child(0);
                                kind = ParamKind::Rest;
                            }
                            "dictionary_splat_pattern" => {
                                name_node = ch.named_child(0);
                                kind = ParamKind::KeywordRest;
                            }
                            _ => {}
                        }
                    }
                }
                "default_parameter" | "typed_default_parameter" => {
                    name_node = p.field("name");
                    ty = p.field("type");
                    default_node = p.field("value");
                }
                "list_splat_pattern" => {
                    name_node = p.named_child(0);
                    kind = ParamKind::Rest;
                }
                "dictionary_splat_pattern" => {
                    name_node = p.named_child(0);
                    kind = ParamKind::KeywordRest;
                }
                "keyword_separator" => {
                    keyword_only = true;
                    continue;
                }
                _ => continue,
            }
            let Some(name_node) = name_node.filter(|n| n.kind() == "identifier") else {
                continue;
            };
            if kind == ParamKind::Rest {
                keyword_only = true;
            } else if kind == ParamKind::Normal {
                if first && receiver {
                    kind = ParamKind::Receiver;
                } else if keyword_only {
                    kind = ParamKind::KeywordOnly;
                }
            }
            first = false;
            let mut decorators = Vec::new();
            let ty_name = ty.map(|t| {
                self.annotation_markers(t, &mut decorators);
                self.type_name(t)
            });
            let default = default_node.and_then(|d| self.const_value(d));
            if let Some(d) = default_node {
                // FastAPI-style markers (`q: str = Query(None)`, `db = Depends(get_db)`)
                // describe where the value comes from, like a parameter decorator does.
                if d.kind() == "call" {
                    if let Some(dec) = self.decorator_from_call(d) {
                        decorators.push(dec);
                    }
                }
            }
            let name = self.text(name_node);
            let ty_name = match ty_name {
                // Django, DRF and Starlette pass the request as a handler's first argument, and
                // handlers name it `request`: type it so `request.GET` reads as request data
                // even when the URL configuration is not part of the scan.
                None if name == "request" && positional == 0 && kind == ParamKind::Normal => {
                    self.request_type.map(str::to_string)
                }
                ty => ty,
            };
            if kind != ParamKind::Receiver {
                positional += 1;
            }
            b.add_param(Param {
                name: name.to_string(),
                var: 0,
                ty: ty_name,
                kind,
                default,
                decorators,
                span: self.span(p),
            });
        }
    }

    /// `Annotated[str, Query(max_length=5)]`: the call markers become parameter decorators.
    fn annotation_markers(&self, ty: Node, out: &mut Vec<Decorator>) {
        let mut stack = vec![ty];
        let mut seen = 0;
        while let Some(n) = stack.pop() {
            seen += 1;
            if seen > 64 {
                break;
            }
            if n.kind() == "call" {
                if let Some(d) = self.decorator_from_call(n) {
                    out.push(d);
                }
                continue;
            }
            let mut c = n.walk();
            stack.extend(n.named_children(&mut c));
        }
    }

    fn decorators(&self, node: Node) -> Vec<Decorator> {
        let mut out = Vec::new();
        let mut cursor = node.walk();
        for d in node.named_children(&mut cursor) {
            if d.kind() != "decorator" {
                continue;
            }
            let Some(e) = d.named_child(0) else { continue };
            let dec = if e.kind() == "call" {
                self.decorator_from_call(e)
            } else {
                self.static_dotted(e).map(|name| Decorator {
                    name,
                    args: Vec::new(),
                    span: self.span(d),
                })
            };
            if let Some(mut dec) = dec {
                dec.span = self.span(d);
                out.push(dec);
            }
        }
        out
    }

    fn decorator_from_call(&self, call: Node) -> Option<Decorator> {
        let func = call.field("function")?;
        let name = self.static_dotted(func)?;
        let mut args = Vec::new();
        if let Some(list) = call.field("arguments") {
            let mut cursor = list.walk();
            for a in list.named_children(&mut cursor) {
                match a.kind() {
                    "keyword_argument" => {
                        let (Some(k), Some(v)) = (a.field("name"), a.field("value")) else {
                            continue;
                        };
                        args.push(DecoratorArg {
                            keyword: Some(self.text(k).to_string()),
                            value: self.decorator_value(v),
                        });
                    }
                    "comment" => {}
                    _ => args.push(DecoratorArg {
                        keyword: None,
                        value: self.decorator_value(a),
                    }),
                }
            }
        }
        Some(Decorator {
            name,
            args,
            span: self.span(call),
        })
    }

    fn decorator_value(&self, node: Node) -> DecoratorValue {
        if let Some(c) = self.const_value(node) {
            return DecoratorValue::Const(c);
        }
        match node.kind() {
            "list" | "tuple" | "set" => {
                let mut cursor = node.walk();
                DecoratorValue::List(
                    node.named_children(&mut cursor)
                        .filter(|c| c.kind() != "comment")
                        .map(|c| self.decorator_value(c))
                        .collect(),
                )
            }
            _ => DecoratorValue::Expr(
                self.static_dotted(node)
                    .unwrap_or_else(|| self.text(node).to_string()),
            ),
        }
    }

    /// A type annotation as a resolved name: `int`, `uuid.UUID`, `app.models.Item`;
    /// `Optional[X]`, `Annotated[X, ...]` and `X | None` reduce to `X`.
    fn type_name(&self, node: Node) -> String {
        self.type_name_depth(node, 0)
    }

    fn type_name_depth(&self, node: Node, depth: u32) -> String {
        if depth > 16 {
            return self.text(node).to_string();
        }
        let d = depth + 1;
        match node.kind() {
            "type" | "parenthesized_expression" => match node.named_child(0) {
                Some(c) => self.type_name_depth(c, d),
                None => self.text(node).to_string(),
            },
            "identifier" | "attribute" | "dotted_name" => self
                .static_dotted(node)
                .unwrap_or_else(|| self.text(node).to_string()),
            "none" => "None".to_string(),
            "string" => {
                let inner = literal::string_value(node, self.src).unwrap_or_default();
                let ident = inner
                    .split('.')
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'));
                if ident {
                    let root = inner.split('.').next().unwrap_or("");
                    match self.import_map.get(root) {
                        Some(t) => format!("{t}{}", &inner[root.len()..]),
                        None if self.module_defs.contains(root) => {
                            format!("{}.{inner}", self.module_name)
                        }
                        None => inner,
                    }
                } else {
                    inner
                }
            }
            "binary_operator" | "union_type" => {
                let mut members = Vec::new();
                self.union_members(node, d, &mut members);
                members.retain(|m| m != "None");
                if members.is_empty() {
                    "None".to_string()
                } else {
                    members.join(" | ")
                }
            }
            "subscript" | "generic_type" => {
                let (base_node, args) = if node.kind() == "subscript" {
                    let args: Vec<Node> = node.fields("subscript");
                    (node.field("value"), args)
                } else {
                    let mut c = node.walk();
                    let mut base = None;
                    let mut args = Vec::new();
                    for ch in node.named_children(&mut c) {
                        match ch.kind() {
                            "type_parameter" => {
                                let mut c2 = ch.walk();
                                args.extend(ch.named_children(&mut c2));
                            }
                            _ if base.is_none() => base = Some(ch),
                            _ => {}
                        }
                    }
                    (base, args)
                };
                let base = base_node
                    .map(|b| self.type_name_depth(b, d))
                    .unwrap_or_default();
                let short = base.rsplit('.').next().unwrap_or(&base);
                match short {
                    "Optional" | "Annotated" | "Required" | "NotRequired" | "Final"
                    | "ClassVar" => match args.first() {
                        Some(a) => self.type_name_depth(*a, d),
                        None => base,
                    },
                    "Union" => {
                        let members: Vec<String> = args
                            .iter()
                            .map(|a| self.type_name_depth(*a, d))
                            .filter(|m| m != "None")
                            .collect();
                        members.join(" | ")
                    }
                    _ => {
                        let inner: Vec<String> =
                            args.iter().map(|a| self.type_name_depth(*a, d)).collect();
                        format!("{base}[{}]", inner.join(", "))
                    }
                }
            }
            _ => self.text(node).to_string(),
        }
    }

    fn union_members(&self, node: Node, depth: u32, out: &mut Vec<String>) {
        match node.kind() {
            "binary_operator" | "union_type" if depth < 16 => {
                let mut c = node.walk();
                for ch in node.named_children(&mut c) {
                    self.union_members(ch, depth + 1, out);
                }
            }
            "type"
                if node
                    .named_child(0)
                    .is_some_and(|c| c.kind() == "union_type") =>
            {
                if let Some(c) = node.named_child(0) {
                    self.union_members(c, depth + 1, out);
                }
            }
            _ => out.push(self.type_name_depth(node, depth + 1)),
        }
    }

    /// A class: its methods become functions, class-level assignments become fields.
    fn class(&mut self, node: Node, decorators: Vec<Decorator>, qn_prefix: &str) -> ClassId {
        let name = node
            .field("name")
            .map(|n| self.text(n))
            .unwrap_or("<anonymous>");
        let qn = format!("{qn_prefix}.{name}");
        let mut bases = Vec::new();
        if let Some(sup) = node.field("superclasses") {
            let mut c = sup.walk();
            for s in sup.named_children(&mut c) {
                if matches!(s.kind(), "keyword_argument" | "comment") {
                    continue;
                }
                if let Some(b) = self.static_dotted(s) {
                    bases.push(b);
                } else if s.kind() == "subscript" {
                    // `Generic[T]`, `BaseModel[T]`
                    if let Some(v) = s.field("value") {
                        if let Some(b) = self.static_dotted(v) {
                            bases.push(b);
                        }
                    }
                }
            }
        }
        let cid = self.classes.len() as ClassId;
        let fields = view_request_field(&bases, self.span(node))
            .into_iter()
            .collect();
        self.classes.push(Class {
            name: name.to_string(),
            qualified_name: qn.clone(),
            bases,
            is_interface: false,
            methods: Vec::new(),
            fields,
            decorators,
            span: self.span(node),
        });
        let Some(body) = node.field("body") else {
            return cid;
        };
        let mut cursor = body.walk();
        for st in body.named_children(&mut cursor) {
            match st.kind() {
                "function_definition" => {
                    let f = self.function(st, Vec::new(), Some(cid), &qn);
                    self.classes[cid as usize].methods.push(f);
                }
                "class_definition" => {
                    self.class(st, Vec::new(), &qn);
                }
                "decorated_definition" => {
                    let decs = self.decorators(st);
                    let Some(def) = st.field("definition") else {
                        continue;
                    };
                    if def.kind() == "function_definition" {
                        let f = self.function(def, decs, Some(cid), &qn);
                        self.classes[cid as usize].methods.push(f);
                    } else {
                        self.class(def, decs, &qn);
                    }
                }
                "expression_statement" => {
                    if let Some(a) = st.named_child(0).filter(|a| a.kind() == "assignment") {
                        self.class_field(cid, a);
                    }
                }
                _ => {}
            }
        }
        cid
    }

    fn class_field(&mut self, cid: ClassId, node: Node) {
        let Some(left) = node.field("left") else {
            return;
        };
        if left.kind() != "identifier" {
            return;
        }
        let ty_node = node.field("type");
        let ty = ty_node.map(|t| self.type_name(t));
        let ty_text = ty_node.map(|t| self.text(t)).unwrap_or("");
        let init = node.field("right").and_then(|r| self.const_value(r));
        let field = Field {
            name: self.text(left).to_string(),
            ty,
            is_static: ty_text.contains("ClassVar"),
            is_final: ty_text.contains("Final"),
            init,
            decorators: Vec::new(),
            span: self.span(node),
        };
        if let Some(c) = self.classes.get_mut(cid as usize) {
            c.fields.push(field);
        }
    }

    /// The qualified-name prefix for definitions nested in the current function.
    fn current_prefix(&self) -> String {
        self.stack
            .last()
            .map(|c| c.b.func.qualified_name.clone())
            .unwrap_or_else(|| self.module_name.clone())
    }
}

/// `a . b` (dotted names may contain whitespace) → `a.b`.
fn dotted_text(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Points an instruction's result at `var`; false for instructions without a result.
fn set_dst(kind: &mut InstKind, var: VarId) -> bool {
    match kind {
        InstKind::Assign { dst, .. }
        | InstKind::Global { dst, .. }
        | InstKind::Load { dst, .. }
        | InstKind::LoadIndex { dst, .. }
        | InstKind::Concat { dst, .. }
        | InstKind::New { dst, .. }
        | InstKind::BinOp { dst, .. }
        | InstKind::UnOp { dst, .. }
        | InstKind::MakeList { dst, .. }
        | InstKind::MakeMap { dst, .. }
        | InstKind::FuncRef { dst, .. }
        | InstKind::Convert { dst, .. }
        | InstKind::Unknown { dst, .. } => {
            *dst = var;
            true
        }
        InstKind::Call { dst: Some(d), .. } => {
            *d = var;
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::module_name;

    #[test]
    fn module_names_follow_packages() {
        assert_eq!(
            module_name("app/views.py"),
            ("app.views".to_string(), false)
        );
        assert_eq!(module_name("pkg/__init__.py"), ("pkg".to_string(), true));
        assert_eq!(module_name("main.py"), ("main".to_string(), false));
    }
}
