//! JavaScript and TypeScript (JS, JSX, TS, TSX) lowering: one lowering for the whole family.
//! TypeScript-only syntax (type annotations, `as`, `!`, interfaces, type aliases) is either
//! skipped or passed through; enums become classes of constant fields.
//!
//! Choices a reader of the IR should know:
//! - `obj["name"]` with a string literal key is lowered like `obj.name` (a `Load`/`Store` of the
//!   field): the two are the same property in JavaScript, and access paths stay precise.
//! - `require('x')` anywhere is the module `x` itself (`Global x`), so
//!   `require('child_process').exec(cmd)` is a method `exec` on `child_process`.
//! - JSX `<Tag a={x}>kids</Tag>` is `call react.createElement(tag, props, kids...)` where `tag`
//!   is the constant tag name for intrinsic elements (`"div"`) or the component value, and
//!   `props` a map built from the spread attributes, then one `Store` per named attribute
//!   (spanning that attribute). `dangerouslySetInnerHTML={{__html: x}}` is therefore a store
//!   of field `dangerouslySetInnerHTML` (a property sink, reported on the attribute), and the
//!   props reach argument 1 of `react.createElement` with the field path
//!   `dangerouslySetInnerHTML.__html`.
//! - Tagged templates ``tag`a${x}b` `` are `call tag([strings...], x)`, as JavaScript calls them.
//! - Function declarations are hoisted: their `FuncRef` is emitted at the start of the
//!   enclosing block; `var`s are declared at function entry.

mod expr;
mod stmt;

use crate::ir::*;
use crate::FunctionBuilder;
use rampart_core::Span;
use rampart_syntax::SourceFile;
use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::RefCell;
use tree_sitter::{Node, Tree};

/// Nesting beyond this lowers to `Unknown` instead of recursing (deeply nested generated code
/// must not overflow the stack).
const MAX_DEPTH: u32 = 100;

pub fn lower(file: &SourceFile, tree: &Tree) -> Module {
    load_field_ids(tree);
    let mut l = Lowerer::new(file);
    l.lower_program(tree.root_node());
    l.finish()
}

/// Every field name the lowering asks for.
const FIELD_NAMES: &[&str] = &[
    "alias",
    "alternative",
    "argument",
    "arguments",
    "body",
    "condition",
    "consequence",
    "constructor",
    "declaration",
    "finalizer",
    "flags",
    "function",
    "handler",
    "increment",
    "index",
    "initializer",
    "key",
    "kind",
    "label",
    "left",
    "module",
    "name",
    "object",
    "open_tag",
    "operator",
    "parameter",
    "parameters",
    "pattern",
    "property",
    "return_type",
    "right",
    "source",
    "type",
    "value",
];

thread_local! {
    /// Field ids of the grammar being lowered: `child_by_field_name` searches the grammar's
    /// field-name table on every call, which showed up in profiles.
    static FIELD_IDS: RefCell<FxHashMap<&'static str, std::num::NonZeroU16>> =
        RefCell::new(FxHashMap::default());
}

fn load_field_ids(tree: &Tree) {
    let language = tree.language();
    FIELD_IDS.with(|ids| {
        let mut ids = ids.borrow_mut();
        ids.clear();
        for name in FIELD_NAMES {
            if let Some(id) = language.field_id_for_name(name) {
                ids.insert(name, id);
            }
        }
    });
}

/// `node.field("name")`: `child_by_field_name` through the cached field ids.
trait NodeExt<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>>;
}

impl<'t> NodeExt<'t> for Node<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>> {
        match FIELD_IDS.with(|ids| ids.borrow().get(name).copied()) {
            Some(id) => self.child_by_field_id(id.get()),
            None => self.child_by_field_name(name),
        }
    }
}

/// `src/routes/users.js` → `src/routes/users`.
pub fn module_name(rel_path: &str) -> String {
    let file_start = rel_path.rfind('/').map(|i| i + 1).unwrap_or(0);
    match rel_path[file_start..].rfind('.') {
        Some(dot) if dot > 0 => rel_path[..file_start + dot].to_string(),
        _ => rel_path.to_string(),
    }
}

/// Strips the `node:` scheme so `node:fs` and `fs` are the same module, and resolves the
/// project-root aliases of Next.js/Nuxt/Vite templates (`@/lib/db`, `~/lib/db`) to a module
/// path: under `src/` when the importing file is there (the `src` layout), else the root.
fn normalize_specifier(spec: &str, module_name: &str) -> String {
    let spec = spec.strip_prefix("node:").unwrap_or(spec);
    match spec.strip_prefix("@/").or_else(|| spec.strip_prefix("~/")) {
        Some(rest) if module_name.starts_with("src/") => format!("src/{rest}"),
        Some(rest) => rest.to_string(),
        None => spec.to_string(),
    }
}

/// What a name refers to from the current function.
enum Name {
    Local(VarId),
    Global(String),
}

/// A `break`/`continue` target.
struct LoopTarget {
    label: Option<String>,
    brk: BlockId,
    cont: Option<BlockId>,
    /// A labeled block: only `break label` leaves it.
    plain_block: bool,
}

/// A function being built.
struct FnCtx {
    b: FunctionBuilder,
    id: FuncId,
    loops: Vec<LoopTarget>,
    /// Locals bound to a nested function declaration: calls through them go by path.
    decl_fns: FxHashMap<VarId, String>,
}

/// How a function node is lowered.
#[derive(Default)]
struct FnSpec<'t> {
    name: Option<String>,
    class: Option<ClassId>,
    is_static: bool,
    is_constructor: bool,
    /// Methods and arrow-function class fields get a `this` receiver parameter.
    receiver: bool,
    decorators: Vec<Decorator>,
    /// A FuncId and qualified name reserved earlier (hoisted declarations).
    reserved: Option<(FuncId, String)>,
    /// Constructors: instance field initializers (`pool = new Pool()`), run on entry.
    field_inits: Vec<(String, Node<'t>)>,
}

struct Lowerer<'a> {
    file: &'a SourceFile,
    src: &'a [u8],
    /// Whether the file is ASCII (spans then come straight from the tree).
    ascii: bool,
    module_name: String,
    imports: Vec<Import>,
    import_map: FxHashMap<String, String>,
    /// Top-level declared names (not imports) → `<module>.<name>`.
    module_names: FxHashMap<String, String>,
    /// Top-level function and class declarations: called by path everywhere.
    module_decls: FxHashSet<String>,
    exports: Vec<Export>,
    classes: Vec<Class>,
    functions: Vec<Option<Function>>,
    qnames: FxHashSet<String>,
    stack: Vec<FnCtx>,
    /// Hoisted function declarations: node id → reserved FuncId and qualified name.
    hoisted: FxHashMap<usize, (FuncId, String)>,
    /// Top-level declarators that are `require` imports (not lowered as code).
    import_decls: FxHashSet<usize>,
    /// While a class body is lowered, its methods are named under the class: (stack depth,
    /// class qualified name).
    class_prefix: Vec<(usize, String)>,
    depth: u32,
}

impl<'a> Lowerer<'a> {
    fn new(file: &'a SourceFile) -> Self {
        Lowerer {
            file,
            src: file.text.as_bytes(),
            ascii: file.text.is_ascii(),
            module_name: module_name(&file.rel_path),
            imports: Vec::new(),
            import_map: FxHashMap::default(),
            module_names: FxHashMap::default(),
            module_decls: FxHashSet::default(),
            exports: Vec::new(),
            classes: Vec::new(),
            functions: Vec::new(),
            qnames: FxHashSet::default(),
            stack: Vec::new(),
            hoisted: FxHashMap::default(),
            import_decls: FxHashSet::default(),
            class_prefix: Vec::new(),
            depth: 0,
        }
    }

    fn finish(self) -> Module {
        let functions = self
            .functions
            .into_iter()
            .map(|f| {
                f.unwrap_or_else(|| {
                    FunctionBuilder::new("<missing>", "<missing>", Span::default()).finish()
                })
            })
            .collect();
        Module {
            path: self.file.rel_path.clone(),
            language: self.file.language,
            name: self.module_name,
            imports: self.imports,
            exports: self.exports,
            classes: self.classes,
            functions,
            text: self.file.text.as_str().into(),
        }
    }

    // ----- small helpers -------------------------------------------------------------------

    fn text(&self, n: Node) -> &'a str {
        n.utf8_text(self.src).unwrap_or("")
    }

    fn span(&self, n: Node) -> Span {
        if !self.ascii {
            return self.file.span(n.start_byte(), n.end_byte());
        }
        // In ASCII text, tree-sitter's byte columns are character columns: no line lookup.
        let (start, end) = (n.start_position(), n.end_position());
        Span {
            start_line: start.row as u32 + 1,
            start_col: start.column as u32 + 1,
            end_line: end.row as u32 + 1,
            end_col: end.column as u32 + 1,
            start_byte: n.start_byte() as u32,
            end_byte: n.end_byte() as u32,
        }
    }

    fn ctx(&mut self) -> &mut FnCtx {
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }

    fn b(&mut self) -> &mut FunctionBuilder {
        &mut self.ctx().b
    }

    fn at_top_level(&self) -> bool {
        self.stack.len() <= 1
    }

    fn current_qn(&self) -> String {
        if let Some((depth, prefix)) = self.class_prefix.last() {
            if *depth == self.stack.len() {
                return prefix.clone();
            }
        }
        self.stack
            .last()
            .map(|c| c.b.func.qualified_name.clone())
            .unwrap_or_else(|| self.module_name.clone())
    }

    fn emit(&mut self, kind: InstKind, span: Span) {
        self.b().emit(kind, span);
    }

    fn temp(&mut self) -> VarId {
        self.b().temp()
    }

    /// A unique qualified name under `parent`.
    fn unique_qn(&mut self, parent: &str, name: &str, span: Span) -> String {
        let mut qn = format!("{parent}.{name}");
        if self.qnames.contains(&qn) {
            qn = format!("{parent}.{name}@{}:{}", span.start_line, span.start_col);
        }
        self.qnames.insert(qn.clone());
        qn
    }

    /// Resolves a name used in the current function (see the IR contract).
    fn resolve(&self, name: &str) -> Name {
        let top = self.stack.len().saturating_sub(1);
        if let Some(ctx) = self.stack.last() {
            if let Some(v) = ctx.b.lookup(name) {
                return Name::Local(v);
            }
        }
        if top > 0 {
            for ctx in self.stack[1..top].iter().rev() {
                if ctx.b.lookup(name).is_some() {
                    return Name::Global(format!("{}.{name}", ctx.b.func.qualified_name));
                }
            }
        }
        if let Some(t) = self.import_map.get(name) {
            return Name::Global(t.clone());
        }
        if let Some(p) = self.module_names.get(name) {
            return Name::Global(p.clone());
        }
        if top > 0 && self.stack[0].b.lookup(name).is_some() {
            return Name::Global(format!("{}.{name}", self.module_name));
        }
        Name::Global(name.to_string())
    }

    /// A type annotation's text with its root resolved through imports (`Request` imported
    /// from express → `express.Request`); generic arguments are dropped.
    fn type_text(&self, annotation: Option<Node>) -> Option<String> {
        let ann = annotation?;
        let ty = if ann.kind() == "type_annotation" {
            ann.named_child(0)?
        } else {
            ann
        };
        let raw = self.text(ty).trim();
        let base = raw.split('<').next().unwrap_or(raw).trim();
        let is_path = !base.is_empty()
            && base
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.');
        if !is_path {
            return Some(raw.to_string());
        }
        let (root, rest) = match base.find('.') {
            Some(i) => (&base[..i], &base[i..]),
            None => (base, ""),
        };
        let root = match self.import_map.get(root) {
            Some(t) => t.clone(),
            None => root.to_string(),
        };
        Some(format!("{root}{rest}"))
    }

    /// The string value of a `string` node.
    fn string_value(&self, n: Node) -> Option<String> {
        match n.kind() {
            "string" => {
                let mut out = String::new();
                let mut cursor = n.walk();
                for c in n.named_children(&mut cursor) {
                    match c.kind() {
                        "string_fragment" => out.push_str(self.text(c)),
                        "escape_sequence" => out.push_str(&unescape(self.text(c))),
                        _ => {}
                    }
                }
                Some(out)
            }
            "template_string" => {
                let mut out = String::new();
                let mut cursor = n.walk();
                for c in n.named_children(&mut cursor) {
                    match c.kind() {
                        "string_fragment" => out.push_str(self.text(c)),
                        "escape_sequence" => out.push_str(&unescape(self.text(c))),
                        _ => return None,
                    }
                }
                Some(out)
            }
            _ => None,
        }
    }

    /// The constant a literal node denotes.
    fn const_of(&self, n: Node) -> Option<Const> {
        match n.kind() {
            "string" | "template_string" => self.string_value(n).map(Const::Str),
            "number" => Some(parse_number(self.text(n))),
            "true" => Some(Const::Bool(true)),
            "false" => Some(Const::Bool(false)),
            "null" | "undefined" => Some(Const::Null),
            "unary_expression" => {
                let op = n.field("operator").map(|o| self.text(o));
                let arg = n.field("argument")?;
                match (op, self.const_of(arg)?) {
                    (Some("-"), Const::Int(i)) => Some(Const::Int(-i)),
                    (Some("-"), Const::Float(f)) => Some(Const::Float(-f)),
                    _ => None,
                }
            }
            "parenthesized_expression" => {
                let mut inner = n.named_child(0)?;
                while inner.kind() == "parenthesized_expression" {
                    inner = inner.named_child(0)?;
                }
                if inner.kind() == "unary_expression" {
                    return None;
                }
                self.const_of(inner)
            }
            _ => None,
        }
    }

    /// The text of a property name (`a`, `"a"`, `1`, `#a`); `None` for computed names.
    fn property_name(&self, n: Node) -> Option<String> {
        match n.kind() {
            "property_identifier"
            | "private_property_identifier"
            | "shorthand_property_identifier"
            | "shorthand_property_identifier_pattern"
            | "identifier"
            | "type_identifier"
            | "number" => Some(self.text(n).to_string()),
            "string" => self.string_value(n),
            _ => None,
        }
    }

    /// `a.b.c` as a dotted path with its root resolved (for `new`, decorators, bases).
    fn dotted_path(&self, n: Node) -> Option<String> {
        match n.kind() {
            "identifier" | "type_identifier" | "this" => Some(match self.resolve(self.text(n)) {
                Name::Global(p) => p,
                Name::Local(_) => self.text(n).to_string(),
            }),
            "member_expression" | "nested_identifier" | "nested_type_identifier" => {
                let obj = n.field("object").or_else(|| n.field("module"))?;
                let prop = n.field("property").or_else(|| n.field("name"))?;
                Some(format!("{}.{}", self.dotted_path(obj)?, self.text(prop)))
            }
            "generic_type" => n.field("name").and_then(|c| self.dotted_path(c)),
            "parenthesized_expression" | "non_null_expression" | "as_expression" => {
                n.named_child(0).and_then(|c| self.dotted_path(c))
            }
            "call_expression" => {
                let f = n.field("function")?;
                if self.text(f) == "require" {
                    let arg = n.field("arguments")?.named_child(0)?;
                    return self
                        .string_value(arg)
                        .map(|s| normalize_specifier(&s, &self.module_name));
                }
                None
            }
            _ => None,
        }
    }

    // ----- program --------------------------------------------------------------------------

    fn lower_program(&mut self, root: Node) {
        let span = self.span(root);
        self.functions.push(None);
        self.qnames.insert(self.module_name.clone());
        let b = FunctionBuilder::new("<module>", self.module_name.clone(), span);
        self.stack.push(FnCtx {
            b,
            id: 0,
            loops: Vec::new(),
            decl_fns: FxHashMap::default(),
        });
        self.collect_module_names(root);
        self.declare_vars(root);
        self.lower_statements(root);
        if let Some(ctx) = self.stack.pop() {
            self.functions[0] = Some(ctx.b.finish());
        }
    }

    /// First pass over the top level: imports, `require`s and declared names, so functions
    /// lowered before a later declaration still resolve it.
    fn collect_module_names(&mut self, root: Node) {
        let mut cursor = root.walk();
        for stmt in root.named_children(&mut cursor) {
            let decl = if stmt.kind() == "export_statement" {
                match stmt.field("declaration") {
                    Some(d) => d,
                    None => continue,
                }
            } else {
                stmt
            };
            match decl.kind() {
                "import_statement" => self.collect_import(decl),
                "lexical_declaration" | "variable_declaration" => {
                    let mut c = decl.walk();
                    for d in decl.named_children(&mut c) {
                        if d.kind() != "variable_declarator" {
                            continue;
                        }
                        if self.collect_require(d) || self.collect_promisify(d) {
                            self.import_decls.insert(d.id());
                            continue;
                        }
                        if let Some(name) = d.field("name") {
                            let mut names = Vec::new();
                            self.pattern_names(name, &mut names);
                            for n in names {
                                let path = format!("{}.{n}", self.module_name);
                                self.module_names.insert(n, path);
                            }
                        }
                    }
                }
                "function_declaration"
                | "generator_function_declaration"
                | "class_declaration"
                | "abstract_class_declaration"
                | "enum_declaration" => {
                    if let Some(name) = decl.field("name") {
                        let n = self.text(name).to_string();
                        let path = format!("{}.{n}", self.module_name);
                        self.module_names.insert(n.clone(), path);
                        if decl.kind() != "enum_declaration" {
                            self.module_decls.insert(n);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn add_import(&mut self, local: &str, target: String, whole_module: bool, span: Span) {
        self.import_map.insert(local.to_string(), target.clone());
        self.imports.push(Import {
            local: local.to_string(),
            target,
            whole_module,
            span,
        });
    }

    fn collect_import(&mut self, n: Node) {
        let span = self.span(n);
        let source = n.field("source").and_then(|s| self.string_value(s));
        let mut cursor = n.walk();
        for c in n.named_children(&mut cursor) {
            match c.kind() {
                "import_clause" => {
                    let Some(module) = source
                        .as_deref()
                        .map(|s| normalize_specifier(s, &self.module_name))
                    else {
                        continue;
                    };
                    let mut cc = c.walk();
                    for part in c.named_children(&mut cc) {
                        match part.kind() {
                            "identifier" => {
                                self.add_import(self.text(part), module.clone(), true, span)
                            }
                            "namespace_import" => {
                                if let Some(id) = part.named_child(0) {
                                    self.add_import(self.text(id), module.clone(), true, span);
                                }
                            }
                            "named_imports" => {
                                let mut sc = part.walk();
                                for spec in part.named_children(&mut sc) {
                                    if spec.kind() != "import_specifier" {
                                        continue;
                                    }
                                    let Some(name) =
                                        spec.field("name").and_then(|x| self.property_name(x))
                                    else {
                                        continue;
                                    };
                                    let local = spec
                                        .field("alias")
                                        .map(|a| self.text(a).to_string())
                                        .unwrap_or_else(|| name.clone());
                                    self.add_import(
                                        &local,
                                        format!("{module}.{name}"),
                                        false,
                                        span,
                                    );
                                }
                            }
                            _ => {}
                        }
                    }
                }
                // TypeScript `import x = require('y')`.
                "import_require_clause" => {
                    let module = c.field("source").and_then(|s| self.string_value(s));
                    if let (Some(id), Some(m)) = (c.named_child(0), module) {
                        if id.kind() == "identifier" {
                            self.add_import(
                                self.text(id),
                                normalize_specifier(&m, &self.module_name),
                                true,
                                span,
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// `const x = require('m')`, `const { a, b: c } = require('m')`, `const y = require('m').y`,
    /// and the same destructuring of an imported module (`const { Pool } = pg`):
    /// records imports and returns true when the declarator is one.
    fn collect_require(&mut self, d: Node) -> bool {
        let (Some(name), Some(value)) = (d.field("name"), d.field("value")) else {
            return false;
        };
        // `const { Pool } = pg` / `const Router = express.Router` with `pg`, `express` imported
        // (ES-module interop with CommonJS packages) alias the imported members too.
        let (module, member) = match self.require_target(value) {
            Some(t) => t,
            None => match value.kind() {
                "identifier" | "member_expression" => match self.import_chain(value) {
                    Some(path) => (path, None),
                    None => return false,
                },
                _ => return false,
            },
        };
        let span = self.span(d);
        let base = match &member {
            Some(m) => format!("{module}.{m}"),
            None => module.clone(),
        };
        match name.kind() {
            "identifier" => {
                self.add_import(self.text(name), base, member.is_none(), span);
                true
            }
            "object_pattern" => {
                let mut cursor = name.walk();
                let mut entries = Vec::new();
                for p in name.named_children(&mut cursor) {
                    match p.kind() {
                        "shorthand_property_identifier_pattern" => {
                            let n = self.text(p).to_string();
                            entries.push((n.clone(), n));
                        }
                        "pair_pattern" => {
                            let key = p.field("key").and_then(|k| self.property_name(k));
                            let val = p.field("value");
                            match (key, val) {
                                (Some(k), Some(v)) if v.kind() == "identifier" => {
                                    entries.push((self.text(v).to_string(), k))
                                }
                                _ => return false,
                            }
                        }
                        "object_assignment_pattern" => match p.field("left") {
                            Some(l) if l.kind() == "shorthand_property_identifier_pattern" => {
                                let n = self.text(l).to_string();
                                entries.push((n.clone(), n));
                            }
                            _ => return false,
                        },
                        "comment" => {}
                        _ => return false,
                    }
                }
                for (local, member) in entries {
                    self.add_import(&local, format!("{base}.{member}"), false, span);
                }
                true
            }
            _ => false,
        }
    }

    /// `const execAsync = util.promisify(exec)` with `exec` imported: the promisified function
    /// takes the same arguments, so it is recorded as another name for `child_process.exec`.
    fn collect_promisify(&mut self, d: Node) -> bool {
        let (Some(name), Some(value)) = (d.field("name"), d.field("value")) else {
            return false;
        };
        if name.kind() != "identifier" || value.kind() != "call_expression" {
            return false;
        }
        let callee = value.field("function").and_then(|f| self.dotted_path(f));
        if callee.as_deref() != Some("util.promisify") {
            return false;
        }
        let Some(arg) = value
            .field("arguments")
            .filter(|a| a.named_child_count() == 1)
            .and_then(|a| a.named_child(0))
        else {
            return false;
        };
        let Some(target) = self.import_chain(arg) else {
            return false;
        };
        let span = self.span(d);
        self.add_import(self.text(name), target, false, span);
        true
    }

    /// `require('m')` → (`m`, None); `require('m').y` → (`m`, Some(`y`)).
    fn require_target(&self, value: Node) -> Option<(String, Option<String>)> {
        match value.kind() {
            "call_expression" => {
                let f = value.field("function")?;
                if f.kind() != "identifier" || self.text(f) != "require" {
                    return None;
                }
                let args = value.field("arguments")?;
                if args.named_child_count() != 1 {
                    return None;
                }
                let spec = self.string_value(args.named_child(0)?)?;
                Some((normalize_specifier(&spec, &self.module_name), None))
            }
            "member_expression" => {
                let obj = value.field("object")?;
                let prop = value.field("property")?;
                let (m, None) = self.require_target(obj)? else {
                    return None;
                };
                Some((m, Some(self.text(prop).to_string())))
            }
            _ => None,
        }
    }

    /// Names a binding pattern declares.
    fn pattern_names(&self, n: Node, out: &mut Vec<String>) {
        match n.kind() {
            "identifier" | "shorthand_property_identifier_pattern" => {
                out.push(self.text(n).to_string())
            }
            "object_pattern" | "array_pattern" => {
                let mut cursor = n.walk();
                for c in n.named_children(&mut cursor) {
                    self.pattern_names(c, out);
                }
            }
            "pair_pattern" => {
                if let Some(v) = n.field("value") {
                    self.pattern_names(v, out);
                }
            }
            "assignment_pattern" | "object_assignment_pattern" => {
                if let Some(l) = n.field("left") {
                    self.pattern_names(l, out);
                }
            }
            "rest_pattern" => {
                if let Some(c) = n.named_child(0) {
                    self.pattern_names(c, out);
                }
            }
            _ => {}
        }
    }

    /// Declares every `var` of a function body at entry (JavaScript hoists them).
    fn declare_vars(&mut self, body: Node) {
        // Most modern code has no `var`: skip the walk then.
        if !self.text(body).contains("var ") {
            return;
        }
        let mut names = Vec::new();
        self.collect_vars(body, &mut names, 0);
        for n in names {
            if self.b().lookup(&n).is_none() {
                self.b().declare(&n, None);
            }
        }
    }

    fn collect_vars(&self, n: Node, out: &mut Vec<String>, depth: u32) {
        if depth > MAX_DEPTH {
            return;
        }
        let mut cursor = n.walk();
        for c in n.named_children(&mut cursor) {
            match c.kind() {
                "variable_declaration" => {
                    let mut dc = c.walk();
                    for d in c.named_children(&mut dc) {
                        if self.import_decls.contains(&d.id()) {
                            continue;
                        }
                        if let Some(name) = d.field("name") {
                            self.pattern_names(name, out);
                        }
                    }
                }
                // Nested functions and classes have their own scope.
                "function_declaration"
                | "generator_function_declaration"
                | "function_expression"
                | "generator_function"
                | "arrow_function"
                | "class_declaration"
                | "class"
                | "method_definition" => {}
                _ => self.collect_vars(c, out, depth + 1),
            }
        }
    }

    // ----- functions ------------------------------------------------------------------------

    /// Lowers a function-like node (declaration, expression, arrow, method) into its own
    /// [`Function`] and returns its id.
    fn lower_function<'t>(&mut self, node: Node<'t>, spec: FnSpec<'t>) -> FuncId {
        let span = self.span(node);
        let name = spec
            .name
            .clone()
            .or_else(|| node.field("name").and_then(|n| self.property_name(n)))
            .unwrap_or_else(|| format!("<anon@{}:{}>", span.start_line, span.start_col));
        let (id, qn) = match spec.reserved {
            Some(r) => r,
            None => {
                let parent_qn = self.current_qn();
                let qn = self.unique_qn(&parent_qn, &name, span);
                self.functions.push(None);
                ((self.functions.len() - 1) as FuncId, qn)
            }
        };
        let mut b = FunctionBuilder::new(name, qn, span);
        if !self.at_top_level() {
            b.func.parent = self.stack.last().map(|c| c.id);
        }
        b.func.class = spec.class;
        b.func.is_static = spec.is_static;
        b.func.is_constructor = spec.is_constructor;
        b.func.decorators = spec.decorators;
        b.func.return_type = self.type_text(node.field("return_type"));
        self.stack.push(FnCtx {
            b,
            id,
            loops: Vec::new(),
            decl_fns: FxHashMap::default(),
        });
        if self.depth > MAX_DEPTH {
            return self.pop_function(id);
        }
        self.depth += 1;
        if spec.receiver {
            self.b().add_param(Param {
                name: "this".into(),
                var: 0,
                ty: None,
                kind: ParamKind::Receiver,
                default: None,
                decorators: Vec::new(),
                span,
            });
        }
        if let Some(p) = node.field("parameter") {
            self.lower_param(p, spec.class, spec.is_constructor);
        } else if let Some(params) = node.field("parameters") {
            let mut cursor = params.walk();
            for p in params.named_children(&mut cursor) {
                self.lower_param(p, spec.class, spec.is_constructor);
            }
        }
        for (field, init) in spec.field_inits {
            let value = self.lower_expr_named(init, Some(field.clone()));
            let span = self.span(init);
            if let Some(this) = self.b().lookup("this") {
                self.emit(
                    InstKind::Store {
                        obj: this,
                        field,
                        src: value,
                    },
                    span,
                );
            }
        }
        if let Some(body) = node.field("body") {
            if body.kind() == "statement_block" {
                self.declare_vars(body);
                self.lower_statements(body);
            } else {
                let v = self.lower_expr(body);
                self.b().terminate(Terminator::Return(Some(v)));
            }
        }
        self.depth -= 1;
        self.pop_function(id)
    }

    fn pop_function(&mut self, id: FuncId) -> FuncId {
        if let Some(ctx) = self.stack.pop() {
            if let Some(slot) = self.functions.get_mut(id as usize) {
                *slot = Some(ctx.b.finish());
            }
        }
        id
    }

    /// A function value: lowers the function and emits its `FuncRef`.
    fn func_value(&mut self, node: Node, name: Option<String>) -> Operand {
        let id = self.lower_function(
            node,
            FnSpec {
                name,
                ..Default::default()
            },
        );
        let dst = self.temp();
        let span = self.span(node);
        self.emit(InstKind::FuncRef { dst, func: id }, span);
        Operand::Var(dst)
    }

    fn lower_param(&mut self, p: Node, class: Option<ClassId>, is_ctor: bool) {
        let span = self.span(p);
        match p.kind() {
            "comment" => {}
            "required_parameter" | "optional_parameter" => {
                let Some(pattern) = p.field("pattern") else {
                    return;
                };
                if pattern.kind() == "this" {
                    return;
                }
                let ty = self.type_text(p.field("type"));
                let default = p.field("value").and_then(|v| self.const_of(v));
                let mut decorators = Vec::new();
                let mut cursor = p.walk();
                let mut is_property = false;
                for c in p.children(&mut cursor) {
                    match c.kind() {
                        "decorator" => decorators.extend(self.decorator(c)),
                        "accessibility_modifier" | "readonly" | "override_modifier" => {
                            is_property = true
                        }
                        _ => {}
                    }
                }
                let var = self.param_from_pattern(pattern, ty.clone(), default, decorators, span);
                // TypeScript parameter properties: `constructor(private db: Db)` sets `this.db`.
                if let (true, true, Some(cid), Some(var)) = (is_property, is_ctor, class, var) {
                    let name = self.text(pattern).to_string();
                    if let Some(class) = self.classes.get_mut(cid as usize) {
                        class.fields.push(Field {
                            name: name.clone(),
                            ty,
                            is_static: false,
                            is_final: false,
                            init: None,
                            decorators: Vec::new(),
                            span,
                        });
                    }
                    if let Some(this) = self.b().lookup("this") {
                        self.emit(
                            InstKind::Store {
                                obj: this,
                                field: name,
                                src: Operand::Var(var),
                            },
                            span,
                        );
                    }
                }
            }
            "assignment_pattern" => {
                let Some(left) = p.field("left") else {
                    return;
                };
                let default = p.field("right").and_then(|v| self.const_of(v));
                self.param_from_pattern(left, None, default, Vec::new(), span);
            }
            _ => {
                self.param_from_pattern(p, None, None, Vec::new(), span);
            }
        }
    }

    /// Adds one parameter; destructuring patterns bind their names from it.
    fn param_from_pattern(
        &mut self,
        pattern: Node,
        ty: Option<String>,
        default: Option<Const>,
        decorators: Vec<Decorator>,
        span: Span,
    ) -> Option<VarId> {
        let (name, kind, inner) = match pattern.kind() {
            "identifier" => (self.text(pattern).to_string(), ParamKind::Normal, None),
            "rest_pattern" => match pattern.named_child(0) {
                Some(c) if c.kind() == "identifier" => {
                    (self.text(c).to_string(), ParamKind::Rest, None)
                }
                Some(c) => (compact(self.text(pattern)), ParamKind::Rest, Some(c)),
                None => return None,
            },
            _ => (
                compact(self.text(pattern)),
                ParamKind::Normal,
                Some(pattern),
            ),
        };
        let var = self.b().add_param(Param {
            name,
            var: 0,
            ty,
            kind,
            default,
            decorators,
            span,
        });
        if let Some(pat) = inner {
            self.bind_pattern(pat, Operand::Var(var), stmt::Bind::Let);
        }
        Some(var)
    }

    // ----- decorators -----------------------------------------------------------------------

    fn decorator(&self, n: Node) -> Option<Decorator> {
        let span = self.span(n);
        let mut expr = n.named_child(0)?;
        while expr.kind() == "parenthesized_expression" {
            expr = expr.named_child(0)?;
        }
        let (callee, args) = if expr.kind() == "call_expression" {
            (expr.field("function")?, expr.field("arguments"))
        } else {
            (expr, None)
        };
        let name = self
            .dotted_path(callee)
            .unwrap_or_else(|| self.text(callee).to_string());
        let mut out = Vec::new();
        if let Some(args) = args {
            let mut cursor = args.walk();
            for a in args.named_children(&mut cursor) {
                if a.kind() == "comment" {
                    continue;
                }
                out.push(DecoratorArg {
                    keyword: None,
                    value: self.decorator_value(a),
                });
            }
        }
        Some(Decorator {
            name,
            args: out,
            span,
        })
    }

    fn decorator_value(&self, n: Node) -> DecoratorValue {
        if let Some(c) = self.const_of(n) {
            return DecoratorValue::Const(c);
        }
        if n.kind() == "array" {
            let mut cursor = n.walk();
            return DecoratorValue::List(
                n.named_children(&mut cursor)
                    .filter(|c| c.kind() != "comment")
                    .map(|c| self.decorator_value(c))
                    .collect(),
            );
        }
        DecoratorValue::Expr(self.dotted_path(n).unwrap_or_else(|| compact(self.text(n))))
    }

    // ----- classes --------------------------------------------------------------------------

    /// Lowers a class (declaration or expression) and returns its id.
    fn lower_class(
        &mut self,
        node: Node,
        name_hint: Option<String>,
        mut decorators: Vec<Decorator>,
    ) -> ClassId {
        let span = self.span(node);
        let name = node
            .field("name")
            .map(|n| self.text(n).to_string())
            .or(name_hint)
            .unwrap_or_else(|| format!("<class@{}:{}>", span.start_line, span.start_col));
        let parent_qn = self.current_qn();
        let qualified_name = self.unique_qn(&parent_qn, &name, span);
        let mut bases = Vec::new();
        let mut cursor = node.walk();
        for c in node.children(&mut cursor) {
            match c.kind() {
                "decorator" => decorators.extend(self.decorator(c)),
                "class_heritage" => self.class_bases(c, &mut bases),
                _ => {}
            }
        }
        let id = self.classes.len() as ClassId;
        self.classes.push(Class {
            name,
            qualified_name: qualified_name.clone(),
            bases,
            is_interface: false,
            methods: Vec::new(),
            fields: Vec::new(),
            decorators,
            span,
        });
        let Some(body) = node.field("body") else {
            return id;
        };
        // Methods are named under the class.
        self.class_prefix.push((self.stack.len(), qualified_name));
        let mut field_inits = self.instance_field_inits(body);
        let mut has_constructor = false;
        let mut pending: Vec<Decorator> = Vec::new();
        let mut cursor = body.walk();
        for m in body.named_children(&mut cursor) {
            match m.kind() {
                "decorator" => pending.extend(self.decorator(m)),
                "method_definition" => {
                    let mut decs = std::mem::take(&mut pending);
                    let mut is_static = false;
                    let mut mc = m.walk();
                    for c in m.children(&mut mc) {
                        match c.kind() {
                            "decorator" => decs.extend(self.decorator(c)),
                            "static" => is_static = true,
                            _ => {}
                        }
                    }
                    let mname = m.field("name").and_then(|n| self.property_name(n));
                    let is_ctor = mname.as_deref() == Some("constructor");
                    has_constructor |= is_ctor;
                    let inits = if is_ctor {
                        std::mem::take(&mut field_inits)
                    } else {
                        Vec::new()
                    };
                    let fid = self.lower_function(
                        m,
                        FnSpec {
                            name: mname,
                            class: Some(id),
                            is_static,
                            is_constructor: is_ctor,
                            receiver: !is_static,
                            decorators: decs,
                            reserved: None,
                            field_inits: inits,
                        },
                    );
                    if let Some(c) = self.classes.get_mut(id as usize) {
                        c.methods.push(fid);
                    }
                }
                "field_definition" | "public_field_definition" => {
                    let decs = std::mem::take(&mut pending);
                    self.lower_field(m, id, decs);
                }
                "class_static_block" => {
                    let fid = self.lower_function(
                        m,
                        FnSpec {
                            name: Some("<static>".into()),
                            class: Some(id),
                            is_static: true,
                            ..Default::default()
                        },
                    );
                    if let Some(c) = self.classes.get_mut(id as usize) {
                        c.methods.push(fid);
                    }
                }
                _ => pending.clear(),
            }
        }
        // Field initializers without a constructor run in an implicit one.
        if !has_constructor && !field_inits.is_empty() {
            let fid = self.lower_function(
                body,
                FnSpec {
                    name: Some("constructor".into()),
                    class: Some(id),
                    is_constructor: true,
                    receiver: true,
                    field_inits,
                    ..Default::default()
                },
            );
            if let Some(c) = self.classes.get_mut(id as usize) {
                c.methods.push(fid);
            }
        }
        self.class_prefix.pop();
        id
    }

    /// Instance fields initialized with a computed value (not a constant, not a function).
    fn instance_field_inits<'t>(&self, body: Node<'t>) -> Vec<(String, Node<'t>)> {
        let mut out = Vec::new();
        let mut cursor = body.walk();
        for m in body.named_children(&mut cursor) {
            if !matches!(m.kind(), "field_definition" | "public_field_definition") {
                continue;
            }
            let mut mc = m.walk();
            if m.children(&mut mc).any(|c| c.kind() == "static") {
                continue;
            }
            let (Some(name), Some(value)) = (
                m.field("name")
                    .or_else(|| m.field("property"))
                    .and_then(|n| self.property_name(n)),
                m.field("value"),
            ) else {
                continue;
            };
            if self.const_of(value).is_none()
                && !matches!(value.kind(), "arrow_function" | "function_expression")
            {
                out.push((name, value));
            }
        }
        out
    }

    /// A lowered class's qualified (or simple) name.
    fn class_name(&self, id: ClassId, qualified: bool) -> String {
        self.classes
            .get(id as usize)
            .map(|c| {
                if qualified {
                    c.qualified_name.clone()
                } else {
                    c.name.clone()
                }
            })
            .unwrap_or_default()
    }

    fn class_bases(&self, heritage: Node, out: &mut Vec<String>) {
        let mut cursor = heritage.walk();
        for c in heritage.named_children(&mut cursor) {
            match c.kind() {
                "extends_clause" => {
                    if let Some(v) = c.field("value") {
                        out.extend(self.dotted_path(v));
                    }
                }
                "implements_clause" => {
                    let mut ic = c.walk();
                    for t in c.named_children(&mut ic) {
                        out.extend(self.type_text(Some(t)));
                    }
                }
                _ => out.extend(self.dotted_path(c)),
            }
        }
    }

    fn lower_field(&mut self, m: Node, class: ClassId, mut decorators: Vec<Decorator>) {
        let span = self.span(m);
        let Some(name) = m
            .field("name")
            .or_else(|| m.field("property"))
            .and_then(|n| self.property_name(n))
        else {
            return;
        };
        let mut is_static = false;
        let mut is_final = false;
        let mut cursor = m.walk();
        for c in m.children(&mut cursor) {
            match c.kind() {
                "decorator" => decorators.extend(self.decorator(c)),
                "static" => is_static = true,
                "readonly" => is_final = true,
                _ => {}
            }
        }
        let value = m.field("value");
        // `handler = async (req, res) => {...}`: a method whose `this` is the instance.
        if let Some(v) = value {
            if matches!(v.kind(), "arrow_function" | "function_expression") {
                let fid = self.lower_function(
                    v,
                    FnSpec {
                        name: Some(name),
                        class: Some(class),
                        is_static,
                        receiver: !is_static,
                        decorators,
                        ..Default::default()
                    },
                );
                if let Some(c) = self.classes.get_mut(class as usize) {
                    c.methods.push(fid);
                }
                return;
            }
        }
        // `pool = new Pool()` has the type it constructs.
        let ty = self.type_text(m.field("type")).or_else(|| {
            value
                .filter(|v| v.kind() == "new_expression")
                .and_then(|v| v.field("constructor"))
                .and_then(|c| self.dotted_path(c))
        });
        let field = Field {
            name,
            ty,
            is_static,
            is_final,
            init: value.and_then(|v| self.const_of(v)),
            decorators,
            span,
        };
        if let Some(c) = self.classes.get_mut(class as usize) {
            c.fields.push(field);
        }
    }

    /// `enum Role { Admin = "admin" }` → a class of static constant fields.
    fn lower_enum(&mut self, node: Node) {
        let span = self.span(node);
        let Some(name) = node.field("name") else {
            return;
        };
        let name = self.text(name).to_string();
        let parent_qn = self.current_qn();
        let qualified_name = self.unique_qn(&parent_qn, &name, span);
        let mut fields = Vec::new();
        if let Some(body) = node.field("body") {
            let mut cursor = body.walk();
            for (i, m) in body.named_children(&mut cursor).enumerate() {
                let (key, init) = match m.kind() {
                    "enum_assignment" => (
                        m.field("name").and_then(|n| self.property_name(n)),
                        m.field("value").and_then(|v| self.const_of(v)),
                    ),
                    "comment" => continue,
                    _ => (self.property_name(m), Some(Const::Int(i as i64))),
                };
                if let Some(key) = key {
                    fields.push(Field {
                        name: key,
                        ty: None,
                        is_static: true,
                        is_final: true,
                        init,
                        decorators: Vec::new(),
                        span: self.span(m),
                    });
                }
            }
        }
        self.classes.push(Class {
            name,
            qualified_name,
            bases: Vec::new(),
            is_interface: false,
            methods: Vec::new(),
            fields,
            decorators: Vec::new(),
            span,
        });
    }
}

/// Collapses whitespace so multi-line patterns read well as parameter names.
fn compact(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn unescape(e: &str) -> String {
    match e {
        "\\n" => "\n".into(),
        "\\t" => "\t".into(),
        "\\r" => "\r".into(),
        "\\0" => "\0".into(),
        _ => match e.strip_prefix('\\') {
            Some(rest) if rest.chars().count() == 1 => rest.to_string(),
            _ => e.to_string(),
        },
    }
}

fn parse_number(text: &str) -> Const {
    let t: String = text.chars().filter(|c| *c != '_').collect();
    let t = t.strip_suffix('n').unwrap_or(&t);
    let lower = t.to_ascii_lowercase();
    let radix = |p: &str, r: u32| i64::from_str_radix(&lower[p.len()..], r).ok();
    let int = if lower.starts_with("0x") {
        radix("0x", 16)
    } else if lower.starts_with("0o") {
        radix("0o", 8)
    } else if lower.starts_with("0b") {
        radix("0b", 2)
    } else {
        t.parse::<i64>().ok()
    };
    match int {
        Some(i) => Const::Int(i),
        None => Const::Float(t.parse::<f64>().unwrap_or(f64::NAN)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_drop_the_extension() {
        assert_eq!(module_name("src/routes/users.js"), "src/routes/users");
        assert_eq!(module_name("src/db/index.ts"), "src/db/index");
        assert_eq!(module_name("app.test.tsx"), "app.test");
        assert_eq!(module_name(".eslintrc"), ".eslintrc");
    }

    #[test]
    fn specifiers_normalize() {
        assert_eq!(normalize_specifier("node:fs", "app"), "fs");
        assert_eq!(normalize_specifier("@/lib/db", "app/api/route"), "lib/db");
        assert_eq!(
            normalize_specifier("@/lib/db", "src/app/page"),
            "src/lib/db"
        );
        assert_eq!(
            normalize_specifier("@nestjs/common", "src/app"),
            "@nestjs/common"
        );
        assert_eq!(normalize_specifier("./db", "src/app"), "./db");
    }

    #[test]
    fn numbers_parse() {
        assert_eq!(parse_number("0x1F"), Const::Int(31));
        assert_eq!(parse_number("1_000"), Const::Int(1000));
        assert_eq!(parse_number("1.5"), Const::Float(1.5));
        assert_eq!(parse_number("10n"), Const::Int(10));
    }
}
