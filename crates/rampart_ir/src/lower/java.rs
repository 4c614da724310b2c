//! Java → IR (tree-sitter-java).
//!
//! Types are resolved to qualified names through the file's imports, `java.lang` and the file's
//! own package so that models match on meaning (`java.sql.Statement.executeQuery`). Unqualified
//! method calls become `Callee::Path(<class>.<method>)`; unqualified field reads become loads from
//! `this` (instance fields) or globals (`<class>.<FIELD>`, static fields) so constants can be
//! folded by the analysis.

use crate::ir::*;
use crate::FunctionBuilder;
use rampart_core::Span;
use rampart_syntax::SourceFile;
use rustc_hash::FxHashMap;
use tree_sitter::{Node, Tree};

/// `java.lang` classes that need no import.
const JAVA_LANG: &[&str] = &[
    "String",
    "StringBuilder",
    "StringBuffer",
    "Integer",
    "Long",
    "Short",
    "Byte",
    "Double",
    "Float",
    "Boolean",
    "Character",
    "Number",
    "Object",
    "System",
    "Runtime",
    "Process",
    "ProcessBuilder",
    "Math",
    "Thread",
    "Class",
    "ClassLoader",
    "Exception",
    "RuntimeException",
    "IllegalArgumentException",
    "Iterable",
    "CharSequence",
    "Enum",
    "Record",
    "Void",
    "Override",
    "Deprecated",
    "SuppressWarnings",
    "FunctionalInterface",
    "SafeVarargs",
    "AutoCloseable",
    "Comparable",
    "Cloneable",
    "Error",
    "Throwable",
    "SecurityException",
    "IllegalStateException",
    "NullPointerException",
    "NumberFormatException",
    "UnsupportedOperationException",
];

/// Parse/convert calls whose result carries no injection taint: `(class, method, type)`.
const CONVERSIONS: &[(&str, &str, &str)] = &[
    ("java.lang.Integer", "parseInt", "int"),
    ("java.lang.Integer", "valueOf", "int"),
    ("java.lang.Long", "parseLong", "long"),
    ("java.lang.Long", "valueOf", "long"),
    ("java.lang.Short", "parseShort", "int"),
    ("java.lang.Byte", "parseByte", "int"),
    ("java.lang.Double", "parseDouble", "float"),
    ("java.lang.Double", "valueOf", "float"),
    ("java.lang.Float", "parseFloat", "float"),
    ("java.lang.Boolean", "parseBoolean", "bool"),
    ("java.lang.Boolean", "valueOf", "bool"),
    ("java.util.UUID", "fromString", "uuid"),
];

/// List types whose contents the lowering follows through straight-line `add`/`remove`/`get`.
const LIST_TYPES: &[&str] = &["java.util.ArrayList", "java.util.LinkedList"];

/// Map types whose `put`/`get` with constant keys lower to keyed element accesses.
const MAP_TYPES: &[&str] = &[
    "java.util.Map",
    "java.util.HashMap",
    "java.util.LinkedHashMap",
    "java.util.TreeMap",
    "java.util.concurrent.ConcurrentHashMap",
    "java.util.Hashtable",
    "java.util.Properties",
];

const PRIMITIVE_NUMERIC: &[&str] = &["int", "long", "short", "byte", "double", "float", "char"];

pub fn lower(file: &SourceFile, tree: &Tree) -> Module {
    let mut l = Lowerer::new(file);
    let root = tree.root_node();
    l.header(root);
    let top = l.reserve_fn();
    let mut cursor = root.walk();
    for child in root.named_children(&mut cursor) {
        if is_type_declaration(child.kind()) {
            l.type_declaration(child);
        }
    }
    let name = l.module.name.clone();
    l.module.functions[top as usize] =
        FunctionBuilder::new("<module>", name, l.span(root)).finish();
    l.module
}

fn is_type_declaration(kind: &str) -> bool {
    matches!(
        kind,
        "class_declaration"
            | "interface_declaration"
            | "enum_declaration"
            | "record_declaration"
            | "annotation_type_declaration"
    )
}

struct ClassCx {
    id: ClassId,
    qualified: String,
    /// Field name → is static.
    fields: FxHashMap<String, bool>,
}

struct FnCx {
    id: FuncId,
    /// Lists whose contents are known: created empty and changed only by `add`/`remove` with
    /// constant indexes in the current block. `get(i)` on them reads the element directly.
    lists: FxHashMap<VarId, (BlockId, Vec<Operand>)>,
    b: FunctionBuilder,
    /// Variables known to hold strings (results of concatenation).
    stringy: rustc_hash::FxHashSet<VarId>,
    /// (break target, continue target) of enclosing loops and switches.
    loops: Vec<(BlockId, Option<BlockId>)>,
    this_var: Option<VarId>,
    /// Result variable of the innermost switch expression (for `yield`).
    yields: Vec<(VarId, BlockId)>,
}

struct Lowerer<'a> {
    src: &'a str,
    file: &'a SourceFile,
    package: String,
    imports: FxHashMap<String, String>,
    wildcards: Vec<String>,
    /// Simple names of the classes declared in this file → qualified names.
    declared: FxHashMap<String, String>,
    module: Module,
    classes: Vec<ClassCx>,
    fns: Vec<FnCx>,
    anon: u32,
}

impl<'a> Lowerer<'a> {
    fn new(file: &'a SourceFile) -> Self {
        Lowerer {
            src: &file.text,
            file,
            package: String::new(),
            imports: FxHashMap::default(),
            wildcards: Vec::new(),
            declared: FxHashMap::default(),
            module: Module {
                path: file.rel_path.clone(),
                language: file.language,
                name: String::new(),
                imports: Vec::new(),
                exports: Vec::new(),
                classes: Vec::new(),
                functions: Vec::new(),
                text: file.text.as_str().into(),
            },
            classes: Vec::new(),
            fns: Vec::new(),
            anon: 0,
        }
    }

    fn text(&self, n: Node) -> &'a str {
        n.utf8_text(self.src.as_bytes()).unwrap_or("")
    }

    fn span(&self, n: Node) -> Span {
        self.file.span(n.start_byte(), n.end_byte())
    }

    // ---- header: package and imports -------------------------------------------------------

    fn header(&mut self, root: Node) {
        let mut cursor = root.walk();
        for child in root.named_children(&mut cursor) {
            match child.kind() {
                "package_declaration" => {
                    let mut c = child.walk();
                    let id = child
                        .named_children(&mut c)
                        .find(|n| matches!(n.kind(), "identifier" | "scoped_identifier"));
                    if let Some(id) = id {
                        self.package = self.text(id).to_string();
                    }
                }
                "import_declaration" => self.import(child),
                _ => {}
            }
        }
        self.module.name = self.package.clone();
        self.collect_declared(root, &self.package.clone());
    }

    fn import(&mut self, n: Node) {
        let text = self.text(n);
        let is_static = text.trim_start().starts_with("import static");
        let mut c = n.walk();
        let Some(path_node) = n
            .named_children(&mut c)
            .find(|x| matches!(x.kind(), "identifier" | "scoped_identifier"))
        else {
            return;
        };
        let path = self.text(path_node).to_string();
        let wildcard = {
            let mut c2 = n.walk();
            let has = n.named_children(&mut c2).any(|x| x.kind() == "asterisk");
            has
        };
        if wildcard {
            if !is_static {
                self.wildcards.push(path.clone());
            }
            self.module.imports.push(Import {
                local: "*".to_string(),
                target: path,
                whole_module: true,
                span: self.span(n),
            });
            return;
        }
        let local = path.rsplit('.').next().unwrap_or(&path).to_string();
        self.imports.insert(local.clone(), path.clone());
        self.module.imports.push(Import {
            local,
            target: path,
            whole_module: false,
            span: self.span(n),
        });
    }

    /// Records every class declared in the file, nested ones too, so references resolve.
    fn collect_declared(&mut self, node: Node, prefix: &str) {
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            if is_type_declaration(child.kind()) {
                if let Some(name) = child.child_by_field_name("name") {
                    let name = self.text(name).to_string();
                    let q = join(prefix, &name);
                    self.declared.entry(name).or_insert_with(|| q.clone());
                    if let Some(body) = child.child_by_field_name("body") {
                        self.collect_declared(body, &q);
                    }
                }
            } else if matches!(
                child.kind(),
                "class_body" | "interface_body" | "enum_body_declarations"
            ) {
                self.collect_declared(child, prefix);
            }
        }
    }

    // ---- types -----------------------------------------------------------------------------

    fn resolve_simple(&self, name: &str) -> String {
        if let Some(q) = self.imports.get(name) {
            return q.clone();
        }
        if let Some(q) = self.declared.get(name) {
            return q.clone();
        }
        if JAVA_LANG.contains(&name) {
            return format!("java.lang.{name}");
        }
        if PRIMITIVE_NUMERIC.contains(&name) || name == "boolean" || name == "void" {
            return name.to_string();
        }
        match self.wildcards.as_slice() {
            [only] => format!("{only}.{name}"),
            [] if !self.package.is_empty() => format!("{}.{name}", self.package),
            _ => name.to_string(),
        }
    }

    fn resolve_type(&self, n: Node) -> String {
        match n.kind() {
            "type_identifier" | "identifier" => self.resolve_simple(self.text(n)),
            "generic_type" => {
                let mut c = n.walk();
                let base = n
                    .named_children(&mut c)
                    .find(|x| matches!(x.kind(), "type_identifier" | "scoped_type_identifier"));
                base.map(|b| self.resolve_type(b)).unwrap_or_default()
            }
            "scoped_type_identifier" => {
                let text = self.text(n);
                let first = text.split('.').next().unwrap_or("");
                if first.chars().next().is_some_and(char::is_uppercase) {
                    // Outer.Inner: resolve the outer class.
                    let rest = &text[first.len()..];
                    format!("{}{rest}", self.resolve_simple(first))
                } else {
                    strip_generics(text)
                }
            }
            "array_type" => {
                let elem = n
                    .child_by_field_name("element")
                    .map(|e| self.resolve_type(e))
                    .unwrap_or_default();
                format!("{elem}[]")
            }
            "annotated_type" => {
                let mut c = n.walk();
                let inner = n.named_children(&mut c).last();
                inner.map(|i| self.resolve_type(i)).unwrap_or_default()
            }
            _ => self.text(n).to_string(),
        }
    }

    // ---- declarations ----------------------------------------------------------------------

    fn reserve_fn(&mut self) -> FuncId {
        self.module
            .functions
            .push(FunctionBuilder::new("", "", Span::default()).finish());
        self.module.functions.len() as FuncId - 1
    }

    fn decorators(&self, modifiers: Option<Node>) -> Vec<Decorator> {
        let Some(m) = modifiers else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut c = m.walk();
        for a in m.named_children(&mut c) {
            if matches!(a.kind(), "annotation" | "marker_annotation") {
                out.push(self.annotation(a));
            }
        }
        out
    }

    fn annotation(&self, a: Node) -> Decorator {
        let name = a
            .child_by_field_name("name")
            .map(|n| {
                let t = self.text(n);
                if t.contains('.') {
                    t.to_string()
                } else {
                    self.resolve_simple(t)
                }
            })
            .unwrap_or_default();
        let mut args = Vec::new();
        if let Some(list) = a.child_by_field_name("arguments") {
            let mut c = list.walk();
            for arg in list.named_children(&mut c) {
                if arg.kind() == "element_value_pair" {
                    let key = arg
                        .child_by_field_name("key")
                        .map(|k| self.text(k).to_string());
                    if let Some(v) = arg.child_by_field_name("value") {
                        args.push(DecoratorArg {
                            keyword: key,
                            value: self.annotation_value(v),
                        });
                    }
                } else {
                    args.push(DecoratorArg {
                        keyword: None,
                        value: self.annotation_value(arg),
                    });
                }
            }
        }
        Decorator {
            name,
            args,
            span: self.span(a),
        }
    }

    fn annotation_value(&self, v: Node) -> DecoratorValue {
        if v.kind() == "element_value_array_initializer" {
            let mut c = v.walk();
            return DecoratorValue::List(
                v.named_children(&mut c)
                    .map(|x| self.annotation_value(x))
                    .collect(),
            );
        }
        match self.literal(v) {
            Some(c) => DecoratorValue::Const(c),
            None => DecoratorValue::Expr(self.text(v).to_string()),
        }
    }

    fn modifiers_of(n: Node) -> Option<Node> {
        let mut c = n.walk();
        let m = n.children(&mut c).find(|x| x.kind() == "modifiers");
        m
    }

    fn has_modifier(&self, n: Node, word: &str) -> bool {
        Self::modifiers_of(n).is_some_and(|m| {
            let mut c = m.walk();
            let found = m
                .children(&mut c)
                .any(|x| !x.is_named() && self.text(x) == word);
            found
        })
    }

    fn type_declaration(&mut self, n: Node) {
        let Some(name_node) = n.child_by_field_name("name") else {
            return;
        };
        let name = self.text(name_node).to_string();
        let outer = self
            .classes
            .last()
            .map(|c| c.qualified.clone())
            .unwrap_or_else(|| self.package.clone());
        let qualified = join(&outer, &name);
        let mut bases = Vec::new();
        if let Some(sc) = n.child_by_field_name("superclass") {
            let mut c = sc.walk();
            for t in sc.named_children(&mut c) {
                bases.push(self.resolve_type(t));
            }
        }
        let mut c = n.walk();
        for child in n.children(&mut c) {
            if matches!(child.kind(), "super_interfaces" | "extends_interfaces") {
                let mut c2 = child.walk();
                for list in child.named_children(&mut c2) {
                    let mut c3 = list.walk();
                    for t in list.named_children(&mut c3) {
                        bases.push(self.resolve_type(t));
                    }
                }
            }
        }
        let decorators = self.decorators(Self::modifiers_of(n));
        let id = self.module.classes.len() as ClassId;
        self.module.classes.push(Class {
            name: name.clone(),
            qualified_name: qualified.clone(),
            bases,
            is_interface: matches!(
                n.kind(),
                "interface_declaration" | "annotation_type_declaration"
            ),
            methods: Vec::new(),
            fields: Vec::new(),
            decorators,
            span: self.span(n),
        });
        self.classes.push(ClassCx {
            id,
            qualified,
            fields: FxHashMap::default(),
        });
        if n.kind() == "record_declaration" {
            if let Some(params) = n.child_by_field_name("parameters") {
                let mut c = params.walk();
                for p in params.named_children(&mut c) {
                    if let Some(pn) = p.child_by_field_name("name") {
                        let fname = self.text(pn).to_string();
                        let ty = p.child_by_field_name("type").map(|t| self.resolve_type(t));
                        self.add_field(&fname, ty, false, true, None, Vec::new(), self.span(p));
                    }
                }
            }
        }
        if let Some(body) = n.child_by_field_name("body") {
            self.class_body(body);
        }
        self.classes.pop();
    }

    #[allow(clippy::too_many_arguments)]
    fn add_field(
        &mut self,
        name: &str,
        ty: Option<String>,
        is_static: bool,
        is_final: bool,
        init: Option<Const>,
        decorators: Vec<Decorator>,
        span: Span,
    ) {
        let Some(cls) = self.classes.last_mut() else {
            return;
        };
        cls.fields.insert(name.to_string(), is_static);
        let id = cls.id as usize;
        self.module.classes[id].fields.push(Field {
            name: name.to_string(),
            ty,
            is_static,
            is_final,
            init,
            decorators,
            span,
        });
    }

    fn class_body(&mut self, body: Node) {
        // Fields first, so methods declared above a field still resolve it.
        let mut cursor = body.walk();
        let members: Vec<Node> = body.named_children(&mut cursor).collect();
        for m in &members {
            match m.kind() {
                "field_declaration" | "constant_declaration" => self.field_declaration(*m),
                "enum_constant" => {
                    if let Some(n) = m.child_by_field_name("name") {
                        let name = self.text(n).to_string();
                        let q = self
                            .classes
                            .last()
                            .map(|c| c.qualified.clone())
                            .unwrap_or_default();
                        self.add_field(
                            &name,
                            Some(q),
                            true,
                            true,
                            Some(Const::Str(name.clone())),
                            Vec::new(),
                            self.span(*m),
                        );
                    }
                }
                "enum_body_declarations" => {
                    let mut c = m.walk();
                    for x in m.named_children(&mut c) {
                        if matches!(x.kind(), "field_declaration" | "constant_declaration") {
                            self.field_declaration(x);
                        }
                    }
                }
                _ => {}
            }
        }
        for m in members {
            self.member(m);
        }
    }

    fn member(&mut self, m: Node) {
        match m.kind() {
            "method_declaration"
            | "constructor_declaration"
            | "compact_constructor_declaration" => {
                self.method(m);
            }
            "static_initializer" | "block" => self.initializer(m),
            "enum_body_declarations" => {
                let mut c = m.walk();
                let inner: Vec<Node> = m.named_children(&mut c).collect();
                for x in inner {
                    self.member(x);
                }
            }
            k if is_type_declaration(k) => self.type_declaration(m),
            _ => {}
        }
    }

    fn field_declaration(&mut self, n: Node) {
        let ty = n.child_by_field_name("type").map(|t| self.resolve_type(t));
        let in_interface = self
            .classes
            .last()
            .is_some_and(|c| self.module.classes[c.id as usize].is_interface);
        let is_static = self.has_modifier(n, "static") || in_interface;
        let is_final = self.has_modifier(n, "final") || in_interface;
        let decorators = self.decorators(Self::modifiers_of(n));
        let mut c = n.walk();
        let declarators: Vec<Node> = n.children_by_field_name("declarator", &mut c).collect();
        for d in declarators {
            let Some(name) = d.child_by_field_name("name") else {
                continue;
            };
            let init = d
                .child_by_field_name("value")
                .and_then(|v| self.const_expr(v));
            let name = self.text(name).to_string();
            self.add_field(
                &name,
                ty.clone(),
                is_static,
                is_final,
                init,
                decorators.clone(),
                self.span(d),
            );
        }
    }

    /// A constant expression built only from literals (`"SELECT " + "x"`, `16 * 2`).
    fn const_expr(&self, n: Node) -> Option<Const> {
        if let Some(c) = self.literal(n) {
            return Some(c);
        }
        match n.kind() {
            "parenthesized_expression" => n.named_child(0).and_then(|x| self.const_expr(x)),
            "binary_expression" => {
                let l = self.const_expr(n.child_by_field_name("left")?)?;
                let r = self.const_expr(n.child_by_field_name("right")?)?;
                let op = self.text(n.child_by_field_name("operator")?);
                match (op, l, r) {
                    ("+", Const::Str(a), b) => Some(Const::Str(a + &const_text(&b))),
                    ("+", a, Const::Str(b)) => Some(Const::Str(const_text(&a) + &b)),
                    ("+", Const::Int(a), Const::Int(b)) => a.checked_add(b).map(Const::Int),
                    ("-", Const::Int(a), Const::Int(b)) => a.checked_sub(b).map(Const::Int),
                    ("*", Const::Int(a), Const::Int(b)) => a.checked_mul(b).map(Const::Int),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn literal(&self, n: Node) -> Option<Const> {
        let t = self.text(n);
        Some(match n.kind() {
            "string_literal" => Const::Str(self.string_value(n)),
            "character_literal" => Const::Str(unescape(t.trim_matches('\''))),
            "decimal_integer_literal" => Const::Int(
                t.trim_end_matches(['l', 'L'])
                    .replace('_', "")
                    .parse()
                    .ok()?,
            ),
            "hex_integer_literal" => Const::Int(
                i64::from_str_radix(&t[2..].trim_end_matches(['l', 'L']).replace('_', ""), 16)
                    .ok()?,
            ),
            "octal_integer_literal" => Const::Int(
                i64::from_str_radix(
                    t.trim_end_matches(['l', 'L'])
                        .replace('_', "")
                        .trim_start_matches('0'),
                    8,
                )
                .unwrap_or(0),
            ),
            "binary_integer_literal" => Const::Int(
                i64::from_str_radix(&t[2..].trim_end_matches(['l', 'L']).replace('_', ""), 2)
                    .ok()?,
            ),
            "decimal_floating_point_literal" => Const::Float(
                t.trim_end_matches(['f', 'F', 'd', 'D'])
                    .replace('_', "")
                    .parse()
                    .ok()?,
            ),
            "true" => Const::Bool(true),
            "false" => Const::Bool(false),
            "null_literal" => Const::Null,
            _ => return None,
        })
    }

    fn string_value(&self, n: Node) -> String {
        let t = self.text(n);
        if let Some(body) = t.strip_prefix("\"\"\"") {
            // Text block: drop the opening line break and the common indentation.
            let body = body.strip_suffix("\"\"\"").unwrap_or(body);
            let body = body.strip_prefix('\n').unwrap_or(body);
            let indent = body
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.len() - l.trim_start().len())
                .min()
                .unwrap_or(0);
            let lines: Vec<&str> = body
                .lines()
                .map(|l| l.get(indent..).unwrap_or(l.trim_start()))
                .collect();
            return unescape(&lines.join("\n"));
        }
        unescape(
            t.strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .unwrap_or(t),
        )
    }

    fn class_qualified(&self) -> String {
        self.classes
            .last()
            .map(|c| c.qualified.clone())
            .unwrap_or_else(|| self.package.clone())
    }

    fn method(&mut self, m: Node) {
        let is_ctor = m.kind() != "method_declaration";
        let name = if is_ctor {
            "<init>".to_string()
        } else {
            m.child_by_field_name("name")
                .map(|n| self.text(n).to_string())
                .unwrap_or_default()
        };
        let is_static = self.has_modifier(m, "static");
        let cls = self.class_qualified();
        let id = self.reserve_fn();
        let mut b = FunctionBuilder::new(name.clone(), format!("{cls}.{name}"), self.span(m));
        b.func.decorators = self.decorators(Self::modifiers_of(m));
        b.func.is_static = is_static;
        b.func.is_constructor = is_ctor;
        b.func.class = self.classes.last().map(|c| c.id);
        b.func.return_type = m.child_by_field_name("type").map(|t| self.resolve_type(t));
        let this_var = if is_static {
            None
        } else {
            Some(b.add_param(Param {
                name: "this".to_string(),
                var: 0,
                ty: Some(cls.clone()),
                kind: ParamKind::Receiver,
                default: None,
                decorators: Vec::new(),
                span: self.span(m),
            }))
        };
        if let Some(params) = m.child_by_field_name("parameters") {
            self.params(&mut b, params);
        }
        if m.kind() == "compact_constructor_declaration" {
            if let Some(rec) = self.classes.last() {
                let fields: Vec<String> = self.module.classes[rec.id as usize]
                    .fields
                    .iter()
                    .map(|f| f.name.clone())
                    .collect();
                for f in fields {
                    b.add_param(Param {
                        name: f,
                        var: 0,
                        ty: None,
                        kind: ParamKind::Normal,
                        default: None,
                        decorators: Vec::new(),
                        span: self.span(m),
                    });
                }
            }
        }
        if let Some(c) = self.classes.last() {
            let cid = c.id as usize;
            self.module.classes[cid].methods.push(id);
        }
        self.fns.push(FnCx {
            id,
            b,
            lists: Default::default(),
            stringy: Default::default(),
            loops: Vec::new(),
            this_var,
            yields: Vec::new(),
        });
        if let Some(body) = m.child_by_field_name("body") {
            self.block(body);
        }
        self.finish_fn(id);
    }

    fn finish_fn(&mut self, id: FuncId) {
        if let Some(f) = self.fns.pop() {
            self.module.functions[id as usize] = f.b.finish();
        }
    }

    fn params(&mut self, b: &mut FunctionBuilder, params: Node) {
        let mut c = params.walk();
        for p in params.named_children(&mut c) {
            match p.kind() {
                "formal_parameter" => {
                    let name = p
                        .child_by_field_name("name")
                        .map(|n| self.text(n).to_string())
                        .unwrap_or_default();
                    let ty = p.child_by_field_name("type").map(|t| self.resolve_type(t));
                    b.add_param(Param {
                        name,
                        var: 0,
                        ty,
                        kind: ParamKind::Normal,
                        default: None,
                        decorators: self.decorators(Self::modifiers_of(p)),
                        span: self.span(p),
                    });
                }
                "spread_parameter" => {
                    let mut c2 = p.walk();
                    let kids: Vec<Node> = p.named_children(&mut c2).collect();
                    let ty = kids
                        .iter()
                        .find(|k| {
                            !matches!(
                                k.kind(),
                                "modifiers"
                                    | "variable_declarator"
                                    | "annotation"
                                    | "marker_annotation"
                            )
                        })
                        .map(|t| format!("{}[]", self.resolve_type(*t)));
                    let name = kids
                        .iter()
                        .find(|k| k.kind() == "variable_declarator")
                        .and_then(|d| d.child_by_field_name("name"))
                        .map(|n| self.text(n).to_string())
                        .unwrap_or_default();
                    b.add_param(Param {
                        name,
                        var: 0,
                        ty,
                        kind: ParamKind::Rest,
                        default: None,
                        decorators: self.decorators(Self::modifiers_of(p)),
                        span: self.span(p),
                    });
                }
                "identifier" => {
                    let name = self.text(p).to_string();
                    b.add_param(Param {
                        name,
                        var: 0,
                        ty: None,
                        kind: ParamKind::Normal,
                        default: None,
                        decorators: Vec::new(),
                        span: self.span(p),
                    });
                }
                _ => {}
            }
        }
    }

    fn initializer(&mut self, n: Node) {
        let cls = self.class_qualified();
        let is_static = n.kind() == "static_initializer";
        let name = if is_static {
            "<clinit>"
        } else {
            "<instance-init>"
        };
        let id = self.reserve_fn();
        let mut b = FunctionBuilder::new(name, format!("{cls}.{name}"), self.span(n));
        b.func.is_static = is_static;
        b.func.class = self.classes.last().map(|c| c.id);
        let this_var = (!is_static).then(|| {
            b.add_param(Param {
                name: "this".to_string(),
                var: 0,
                ty: Some(cls.clone()),
                kind: ParamKind::Receiver,
                default: None,
                decorators: Vec::new(),
                span: self.span(n),
            })
        });
        self.fns.push(FnCx {
            id,
            b,
            lists: Default::default(),
            stringy: Default::default(),
            loops: Vec::new(),
            this_var,
            yields: Vec::new(),
        });
        let body = if is_static { n.named_child(0) } else { Some(n) };
        if let Some(body) = body {
            self.block(body);
        }
        self.finish_fn(id);
    }

    // ---- function-level helpers ----------------------------------------------------------

    fn f(&mut self) -> &mut FnCx {
        self.fns.last_mut().expect("inside a function")
    }

    fn emit(&mut self, kind: InstKind, span: Span) {
        let f = self.f();
        match &kind {
            InstKind::Concat { dst, .. } => {
                f.stringy.insert(*dst);
            }
            InstKind::Assign {
                dst,
                src: Operand::Var(src),
            } if f.stringy.contains(src) => {
                f.stringy.insert(*dst);
            }
            _ => {}
        }
        f.b.emit(kind, span);
    }

    fn temp(&mut self) -> VarId {
        self.f().b.temp()
    }

    fn materialize(&mut self, op: Operand, span: Span) -> VarId {
        match op {
            Operand::Var(v) => v,
            c => {
                let t = self.temp();
                self.emit(InstKind::Assign { dst: t, src: c }, span);
                t
            }
        }
    }

    fn global(&mut self, path: String, span: Span) -> Operand {
        let t = self.temp();
        self.emit(InstKind::Global { dst: t, path }, span);
        Operand::Var(t)
    }

    // ---- statements ------------------------------------------------------------------------

    fn block(&mut self, n: Node) {
        self.f().b.push_scope();
        let mut c = n.walk();
        let kids: Vec<Node> = n.named_children(&mut c).collect();
        for s in kids {
            self.stmt(s);
        }
        self.f().b.pop_scope();
    }

    fn stmt(&mut self, n: Node) {
        match n.kind() {
            "block" | "constructor_body" => self.block(n),
            "local_variable_declaration" => self.local_decl(n),
            "expression_statement" => {
                if let Some(e) = n.named_child(0) {
                    self.expr(e);
                }
            }
            "explicit_constructor_invocation" => {
                let args = self.args(n.child_by_field_name("arguments"));
                let base = self
                    .classes
                    .last()
                    .and_then(|c| self.module.classes[c.id as usize].bases.first().cloned());
                let is_super = n
                    .child_by_field_name("constructor")
                    .is_some_and(|c| c.kind() == "super");
                let target = if is_super {
                    base.map(|b| format!("{b}.<init>"))
                } else {
                    Some(format!("{}.<init>", self.class_qualified()))
                };
                if let Some(path) = target {
                    let span = self.span(n);
                    let mut all = Vec::new();
                    if let Some(this) = self.f().this_var {
                        all.push(Arg {
                            value: Operand::Var(this),
                            keyword: None,
                            spread: false,
                        });
                    }
                    all.extend(args);
                    self.emit(
                        InstKind::Call {
                            dst: None,
                            callee: Callee::Path(path),
                            args: all,
                        },
                        span,
                    );
                }
            }
            "return_statement" => {
                let v = n.named_child(0).map(|e| self.expr(e));
                self.f().b.terminate(Terminator::Return(v));
            }
            "throw_statement" => {
                let v = n.named_child(0).map(|e| self.expr(e));
                self.f().b.terminate(Terminator::Throw(v));
            }
            "if_statement" => self.if_stmt(n),
            "while_statement" => self.while_stmt(n),
            "do_statement" => self.do_stmt(n),
            "for_statement" => self.for_stmt(n),
            "enhanced_for_statement" => self.foreach_stmt(n),
            "try_statement" | "try_with_resources_statement" => self.try_stmt(n),
            "switch_expression" => {
                self.switch(n);
            }
            "break_statement" => {
                if let Some(&(brk, _)) = self.f().loops.last() {
                    self.f().b.terminate(Terminator::Goto(brk));
                }
            }
            "continue_statement" => {
                let target = self.f().loops.iter().rev().find_map(|(_, c)| *c);
                if let Some(t) = target {
                    self.f().b.terminate(Terminator::Goto(t));
                }
            }
            "yield_statement" => {
                let v = n.named_child(0).map(|e| self.expr(e));
                if let (Some(v), Some(&(res, end))) = (v, self.f().yields.last()) {
                    let span = self.span(n);
                    self.emit(InstKind::Assign { dst: res, src: v }, span);
                    self.f().b.terminate(Terminator::Goto(end));
                }
            }
            "labeled_statement" => {
                let mut c = n.walk();
                let inner = n.named_children(&mut c).find(|x| x.kind() != "identifier");
                if let Some(s) = inner {
                    self.stmt(s);
                }
            }
            "synchronized_statement" => {
                if let Some(b) = n.child_by_field_name("body") {
                    self.block(b);
                }
            }
            "assert_statement" => {
                if let Some(cond) = n.named_child(0) {
                    let c = self.expr(cond);
                    let ok = self.f().b.new_block();
                    let fail = self.f().b.new_block();
                    self.f().b.terminate(Terminator::Branch {
                        cond: c,
                        then: ok,
                        otherwise: fail,
                    });
                    self.f().b.switch_to(fail);
                    self.f().b.terminate(Terminator::Throw(None));
                    self.f().b.switch_to(ok);
                }
            }
            k if is_type_declaration(k) => self.type_declaration(n),
            ";" | "line_comment" | "block_comment" => {}
            _ => {
                // Anything else that holds expressions: evaluate them for their effects.
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                for k in kids {
                    if k.kind().ends_with("statement") || k.kind() == "block" {
                        self.stmt(k);
                    } else {
                        self.expr(k);
                    }
                }
            }
        }
    }

    fn local_decl(&mut self, n: Node) {
        let ty = n.child_by_field_name("type").and_then(|t| {
            let text = self.text(t);
            (text != "var").then(|| self.resolve_type(t))
        });
        let mut c = n.walk();
        let declarators: Vec<Node> = n.children_by_field_name("declarator", &mut c).collect();
        for d in declarators {
            let Some(name) = d.child_by_field_name("name") else {
                continue;
            };
            let name = self.text(name).to_string();
            let value_node = d.child_by_field_name("value");
            let value = value_node.map(|v| self.expr(v));
            let var = self.f().b.declare(&name, ty.clone());
            if let Some(v) = value {
                let span = self.span(d);
                self.emit(InstKind::Assign { dst: var, src: v }, span);
            }
            if value_node.is_some_and(|v| self.is_new_empty_list(v)) {
                let block = self.f().b.current_block();
                self.f().lists.insert(var, (block, Vec::new()));
            }
        }
    }

    fn cond_branch(&mut self, cond: Option<Node>, then: BlockId, otherwise: BlockId) {
        let c = match cond {
            Some(c) => self.expr(c),
            None => Operand::Const(Const::Bool(true)),
        };
        self.f().b.terminate(Terminator::Branch {
            cond: c,
            then,
            otherwise,
        });
    }

    fn if_stmt(&mut self, n: Node) {
        let then_b = self.f().b.new_block();
        let else_b = self.f().b.new_block();
        let join_b = self.f().b.new_block();
        self.cond_branch(n.child_by_field_name("condition"), then_b, else_b);
        self.f().b.switch_to(then_b);
        if let Some(s) = n.child_by_field_name("consequence") {
            self.stmt(s);
        }
        self.f().b.terminate(Terminator::Goto(join_b));
        self.f().b.switch_to(else_b);
        if let Some(s) = n.child_by_field_name("alternative") {
            self.stmt(s);
        }
        self.f().b.terminate(Terminator::Goto(join_b));
        self.f().b.switch_to(join_b);
    }

    fn while_stmt(&mut self, n: Node) {
        let head = self.f().b.new_block();
        let body = self.f().b.new_block();
        let exit = self.f().b.new_block();
        self.f().b.goto_and_switch(head);
        self.cond_branch(n.child_by_field_name("condition"), body, exit);
        self.f().b.switch_to(body);
        self.f().loops.push((exit, Some(head)));
        if let Some(s) = n.child_by_field_name("body") {
            self.stmt(s);
        }
        self.f().loops.pop();
        self.f().b.terminate(Terminator::Goto(head));
        self.f().b.switch_to(exit);
    }

    fn do_stmt(&mut self, n: Node) {
        let body = self.f().b.new_block();
        let cond = self.f().b.new_block();
        let exit = self.f().b.new_block();
        self.f().b.goto_and_switch(body);
        self.f().loops.push((exit, Some(cond)));
        if let Some(s) = n.child_by_field_name("body") {
            self.stmt(s);
        }
        self.f().loops.pop();
        self.f().b.goto_and_switch(cond);
        self.cond_branch(n.child_by_field_name("condition"), body, exit);
        self.f().b.switch_to(exit);
    }

    fn for_stmt(&mut self, n: Node) {
        self.f().b.push_scope();
        let mut c = n.walk();
        let inits: Vec<Node> = n.children_by_field_name("init", &mut c).collect();
        for i in inits {
            if i.kind() == "local_variable_declaration" {
                self.local_decl(i);
            } else {
                self.expr(i);
            }
        }
        let head = self.f().b.new_block();
        let body = self.f().b.new_block();
        let update = self.f().b.new_block();
        let exit = self.f().b.new_block();
        self.f().b.goto_and_switch(head);
        self.cond_branch(n.child_by_field_name("condition"), body, exit);
        self.f().b.switch_to(body);
        self.f().loops.push((exit, Some(update)));
        if let Some(s) = n.child_by_field_name("body") {
            self.stmt(s);
        }
        self.f().loops.pop();
        self.f().b.goto_and_switch(update);
        let mut c = n.walk();
        let updates: Vec<Node> = n.children_by_field_name("update", &mut c).collect();
        for u in updates {
            self.expr(u);
        }
        self.f().b.terminate(Terminator::Goto(head));
        self.f().b.switch_to(exit);
        self.f().b.pop_scope();
    }

    fn foreach_stmt(&mut self, n: Node) {
        let iterable = n
            .child_by_field_name("value")
            .map(|v| self.expr(v))
            .unwrap_or(Operand::Const(Const::Null));
        let span = self.span(n);
        let iter_var = self.materialize(iterable, span);
        let head = self.f().b.new_block();
        let body = self.f().b.new_block();
        let exit = self.f().b.new_block();
        self.f().b.goto_and_switch(head);
        let more = self.temp();
        self.emit(
            InstKind::Unknown {
                dst: more,
                operands: Vec::new(),
            },
            span,
        );
        self.f().b.terminate(Terminator::Branch {
            cond: Operand::Var(more),
            then: body,
            otherwise: exit,
        });
        self.f().b.switch_to(body);
        self.f().b.push_scope();
        let ty = n.child_by_field_name("type").and_then(|t| {
            let text = self.text(t);
            (text != "var").then(|| self.resolve_type(t))
        });
        if let Some(name) = n.child_by_field_name("name") {
            let name = self.text(name).to_string();
            let var = self.f().b.declare(&name, ty);
            self.emit(
                InstKind::LoadIndex {
                    dst: var,
                    obj: iter_var,
                    key: Operand::Const(Const::Null),
                },
                span,
            );
        }
        self.f().loops.push((exit, Some(head)));
        if let Some(s) = n.child_by_field_name("body") {
            self.stmt(s);
        }
        self.f().loops.pop();
        self.f().b.pop_scope();
        self.f().b.terminate(Terminator::Goto(head));
        self.f().b.switch_to(exit);
    }

    fn try_stmt(&mut self, n: Node) {
        self.f().b.push_scope();
        if let Some(res) = n.child_by_field_name("resources") {
            let mut c = res.walk();
            let resources: Vec<Node> = res.named_children(&mut c).collect();
            for r in resources {
                if r.kind() != "resource" {
                    continue;
                }
                let ty = r.child_by_field_name("type").and_then(|t| {
                    let text = self.text(t);
                    (text != "var").then(|| self.resolve_type(t))
                });
                match (
                    r.child_by_field_name("name"),
                    r.child_by_field_name("value"),
                ) {
                    (Some(name), Some(value)) => {
                        let v = self.expr(value);
                        let name = self.text(name).to_string();
                        let var = self.f().b.declare(&name, ty);
                        let span = self.span(r);
                        self.emit(InstKind::Assign { dst: var, src: v }, span);
                    }
                    _ => {
                        if let Some(e) = r.named_child(0) {
                            self.expr(e);
                        }
                    }
                }
            }
        }
        // The handlers may start anywhere in the body: branch to them from its entry and its end.
        let body_b = self.f().b.new_block();
        let after = self.f().b.new_block();
        let mut c = n.walk();
        let catches: Vec<Node> = n
            .named_children(&mut c)
            .filter(|x| x.kind() == "catch_clause")
            .collect();
        let mut c = n.walk();
        let finally = n
            .named_children(&mut c)
            .find(|x| x.kind() == "finally_clause");
        let handler_blocks: Vec<BlockId> = catches.iter().map(|_| self.f().b.new_block()).collect();
        let entry_target = handler_blocks.first().copied().unwrap_or(body_b);
        let unknown = self.temp();
        let span = self.span(n);
        self.emit(
            InstKind::Unknown {
                dst: unknown,
                operands: Vec::new(),
            },
            span,
        );
        self.f().b.terminate(Terminator::Branch {
            cond: Operand::Var(unknown),
            then: body_b,
            otherwise: entry_target,
        });
        self.f().b.switch_to(body_b);
        if let Some(body) = n.child_by_field_name("body") {
            self.block(body);
        }
        self.f().b.terminate(Terminator::Goto(after));
        for (clause, hb) in catches.iter().zip(&handler_blocks) {
            self.f().b.switch_to(*hb);
            self.f().b.push_scope();
            let mut c = clause.walk();
            if let Some(param) = clause
                .named_children(&mut c)
                .find(|x| x.kind() == "catch_formal_parameter")
            {
                if let Some(name) = param.child_by_field_name("name") {
                    let name = self.text(name).to_string();
                    let var = self.f().b.declare(&name, None);
                    let span = self.span(param);
                    self.emit(
                        InstKind::Unknown {
                            dst: var,
                            operands: Vec::new(),
                        },
                        span,
                    );
                }
            }
            if let Some(body) = clause.child_by_field_name("body") {
                self.block(body);
            }
            self.f().b.pop_scope();
            self.f().b.terminate(Terminator::Goto(after));
        }
        self.f().b.switch_to(after);
        if let Some(fin) = finally {
            if let Some(b) = fin.named_child(0) {
                self.block(b);
            }
        }
        self.f().b.pop_scope();
    }

    /// Switch statements and expressions; returns the value of a switch expression.
    fn switch(&mut self, n: Node) -> Operand {
        let value = n
            .child_by_field_name("condition")
            .map(|c| self.expr(c))
            .unwrap_or(Operand::Const(Const::Null));
        let result = self.temp();
        let exit = self.f().b.new_block();
        let Some(body) = n.child_by_field_name("body") else {
            return Operand::Var(result);
        };
        let mut c = body.walk();
        let groups: Vec<Node> = body.named_children(&mut c).collect();
        let mut cases: Vec<(Const, BlockId)> = Vec::new();
        let mut default = exit;
        let mut blocks = Vec::new();
        for g in &groups {
            let b = self.f().b.new_block();
            blocks.push(b);
            let mut c2 = g.walk();
            for label in g
                .named_children(&mut c2)
                .filter(|x| x.kind() == "switch_label")
            {
                let mut c3 = label.walk();
                let exprs: Vec<Node> = label.named_children(&mut c3).collect();
                if exprs.is_empty() {
                    default = b;
                }
                for e in exprs {
                    match self.case_const(e) {
                        Some(k) => cases.push((k, b)),
                        // Patterns and guards: reachable whatever the value.
                        None => default = b,
                    }
                }
            }
        }
        self.f().b.terminate(Terminator::Switch {
            value,
            cases,
            default,
        });
        self.f().loops.push((exit, None));
        self.f().yields.push((result, exit));
        for (i, g) in groups.iter().enumerate() {
            self.f().b.switch_to(blocks[i]);
            let mut c2 = g.walk();
            let kids: Vec<Node> = g
                .named_children(&mut c2)
                .filter(|x| x.kind() != "switch_label")
                .collect();
            let is_rule = g.kind() == "switch_rule";
            for k in kids {
                if is_rule && k.kind() == "expression_statement" {
                    if let Some(e) = k.named_child(0) {
                        let v = self.expr(e);
                        let span = self.span(k);
                        self.emit(
                            InstKind::Assign {
                                dst: result,
                                src: v,
                            },
                            span,
                        );
                    }
                } else {
                    self.stmt(k);
                }
            }
            // Rules never fall through; statement groups fall into the next group.
            let next = if is_rule {
                exit
            } else {
                blocks.get(i + 1).copied().unwrap_or(exit)
            };
            self.f().b.terminate(Terminator::Goto(next));
        }
        self.f().yields.pop();
        self.f().loops.pop();
        self.f().b.switch_to(exit);
        Operand::Var(result)
    }

    fn case_const(&self, e: Node) -> Option<Const> {
        if let Some(c) = self.const_expr(e) {
            return Some(c);
        }
        // Enum constants (`case ADMIN ->`) compare by name.
        (e.kind() == "identifier").then(|| Const::Str(self.text(e).to_string()))
    }

    // ---- expressions -----------------------------------------------------------------------

    fn args(&mut self, list: Option<Node>) -> Vec<Arg> {
        let Some(list) = list else {
            return Vec::new();
        };
        let mut c = list.walk();
        let kids: Vec<Node> = list.named_children(&mut c).collect();
        kids.into_iter()
            .map(|a| Arg {
                value: self.expr(a),
                keyword: None,
                spread: false,
            })
            .collect()
    }

    fn expr(&mut self, n: Node) -> Operand {
        let span = self.span(n);
        if let Some(c) = self.literal(n) {
            return Operand::Const(c);
        }
        match n.kind() {
            "parenthesized_expression" => n
                .named_child(0)
                .map(|e| self.expr(e))
                .unwrap_or(Operand::Const(Const::Null)),
            "identifier" => {
                let op = self.name(self.text(n), span);
                // A tracked list that escapes (argument, alias, return) may change behind our back.
                if let Operand::Var(v) = op {
                    self.f().lists.remove(&v);
                }
                op
            }
            "this" => match self.f().this_var {
                Some(v) => Operand::Var(v),
                None => self.global(self.class_qualified(), span),
            },
            "super" => match self.f().this_var {
                Some(v) => Operand::Var(v),
                None => Operand::Const(Const::Null),
            },
            "field_access" => self.field_access(n, span),
            "array_access" => {
                let obj = n
                    .child_by_field_name("array")
                    .map(|a| self.expr(a))
                    .unwrap_or(Operand::Const(Const::Null));
                let obj = self.materialize(obj, span);
                let key = n
                    .child_by_field_name("index")
                    .map(|i| self.expr(i))
                    .unwrap_or(Operand::Const(Const::Null));
                let dst = self.temp();
                self.emit(InstKind::LoadIndex { dst, obj, key }, span);
                Operand::Var(dst)
            }
            "method_invocation" => self.call(n, span),
            "object_creation_expression" => self.new_expr(n, span),
            "assignment_expression" => self.assign(n, span),
            "binary_expression" => self.binary(n, span),
            "unary_expression" => {
                let operand = n
                    .child_by_field_name("operand")
                    .map(|o| self.expr(o))
                    .unwrap_or(Operand::Const(Const::Null));
                let op = match n.child_by_field_name("operator").map(|o| self.text(o)) {
                    Some("!") => UnOp::Not,
                    Some("-") => UnOp::Neg,
                    _ => UnOp::Other,
                };
                let dst = self.temp();
                self.emit(InstKind::UnOp { dst, op, operand }, span);
                Operand::Var(dst)
            }
            "update_expression" => {
                let Some(target) = n.named_child(0) else {
                    return Operand::Const(Const::Null);
                };
                let cur = self.expr(target);
                let dst = self.temp();
                self.emit(
                    InstKind::BinOp {
                        dst,
                        op: BinOp::Add,
                        lhs: cur.clone(),
                        rhs: Operand::Const(Const::Int(1)),
                    },
                    span,
                );
                self.store_to(target, Operand::Var(dst), span);
                cur
            }
            "ternary_expression" => {
                let result = self.temp();
                let then_b = self.f().b.new_block();
                let else_b = self.f().b.new_block();
                let join_b = self.f().b.new_block();
                self.cond_branch(n.child_by_field_name("condition"), then_b, else_b);
                for (b, field) in [(then_b, "consequence"), (else_b, "alternative")] {
                    self.f().b.switch_to(b);
                    if let Some(e) = n.child_by_field_name(field) {
                        let v = self.expr(e);
                        self.emit(
                            InstKind::Assign {
                                dst: result,
                                src: v,
                            },
                            span,
                        );
                    }
                    self.f().b.terminate(Terminator::Goto(join_b));
                }
                self.f().b.switch_to(join_b);
                Operand::Var(result)
            }
            "cast_expression" => {
                let v = n
                    .child_by_field_name("value")
                    .map(|v| self.expr(v))
                    .unwrap_or(Operand::Const(Const::Null));
                let ty = n
                    .child_by_field_name("type")
                    .map(|t| self.text(t).to_string())
                    .unwrap_or_default();
                if PRIMITIVE_NUMERIC.contains(&ty.as_str()) || ty == "boolean" {
                    let dst = self.temp();
                    let ty = if ty == "boolean" {
                        "bool".to_string()
                    } else {
                        ty
                    };
                    self.emit(InstKind::Convert { dst, ty, src: v }, span);
                    Operand::Var(dst)
                } else {
                    v
                }
            }
            "instanceof_expression" => {
                let l = n
                    .child_by_field_name("left")
                    .map(|x| self.expr(x))
                    .unwrap_or(Operand::Const(Const::Null));
                if let Some(name) = n.child_by_field_name("name") {
                    let name = self.text(name).to_string();
                    let ty = n.child_by_field_name("right").map(|t| self.resolve_type(t));
                    let var = self.f().b.declare(&name, ty);
                    self.emit(
                        InstKind::Assign {
                            dst: var,
                            src: l.clone(),
                        },
                        span,
                    );
                }
                let dst = self.temp();
                self.emit(
                    InstKind::BinOp {
                        dst,
                        op: BinOp::Other,
                        lhs: l,
                        rhs: Operand::Const(Const::Null),
                    },
                    span,
                );
                Operand::Var(dst)
            }
            "lambda_expression" => self.lambda(n, span),
            "method_reference" => {
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                let target = kids
                    .first()
                    .map(|k| self.text(*k).to_string())
                    .unwrap_or_default();
                let method = kids
                    .last()
                    .map(|k| self.text(*k).to_string())
                    .unwrap_or_default();
                let owner = if target.chars().next().is_some_and(char::is_uppercase) {
                    self.resolve_simple(&target)
                } else if target == "this" {
                    self.class_qualified()
                } else {
                    target
                };
                self.global(format!("{owner}.{method}"), span)
            }
            "array_creation_expression" => match n.child_by_field_name("value") {
                Some(init) => self.expr(init),
                None => {
                    let dst = self.temp();
                    self.emit(
                        InstKind::MakeList {
                            dst,
                            items: Vec::new(),
                        },
                        span,
                    );
                    Operand::Var(dst)
                }
            },
            "array_initializer" => {
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                let items = kids.into_iter().map(|k| self.expr(k)).collect();
                let dst = self.temp();
                self.emit(InstKind::MakeList { dst, items }, span);
                Operand::Var(dst)
            }
            "switch_expression" => self.switch(n),
            "class_literal" => {
                let dst = self.temp();
                self.emit(
                    InstKind::Unknown {
                        dst,
                        operands: Vec::new(),
                    },
                    span,
                );
                Operand::Var(dst)
            }
            _ => {
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                let operands = kids.into_iter().map(|k| self.expr(k)).collect();
                let dst = self.temp();
                self.emit(InstKind::Unknown { dst, operands }, span);
                Operand::Var(dst)
            }
        }
    }

    /// A bare name: local, field of an enclosing class, captured local, or class.
    fn name(&mut self, name: &str, span: Span) -> Operand {
        if let Some(v) = self.f().b.lookup(name) {
            return Operand::Var(v);
        }
        // Locals of enclosing functions (lambdas and anonymous classes capture them).
        let depth = self.fns.len();
        for i in (0..depth.saturating_sub(1)).rev() {
            if self.fns[i].b.lookup(name).is_some() {
                let path = format!("{}.{name}", self.fns[i].b.func.qualified_name);
                return self.global(path, span);
            }
        }
        for cls in self.classes.iter().rev() {
            if let Some(&is_static) = cls.fields.get(name) {
                let q = cls.qualified.clone();
                let this = self.f().this_var;
                return match (is_static, this) {
                    (false, Some(this)) => {
                        let dst = self.temp();
                        self.emit(
                            InstKind::Load {
                                dst,
                                obj: this,
                                field: name.to_string(),
                            },
                            span,
                        );
                        Operand::Var(dst)
                    }
                    _ => self.global(format!("{q}.{name}"), span),
                };
            }
        }
        let path = self.resolve_simple(name);
        self.global(path, span)
    }

    fn field_access(&mut self, n: Node, span: Span) -> Operand {
        // A fully qualified class (`org.apache.commons.io.FilenameUtils`) names a class, not a
        // chain of field reads.
        if let Some(path) = self.static_path(n) {
            return self.global(path, span);
        }
        let field = n
            .child_by_field_name("field")
            .map(|f| self.text(f).to_string())
            .unwrap_or_default();
        let Some(obj) = n.child_by_field_name("object") else {
            return Operand::Const(Const::Null);
        };
        if let Some(path) = self.static_path(obj) {
            return self.global(format!("{path}.{field}"), span);
        }
        let o = self.expr(obj);
        let o = self.materialize(o, span);
        let dst = self.temp();
        self.emit(InstKind::Load { dst, obj: o, field }, span);
        Operand::Var(dst)
    }

    /// The qualified class a receiver expression names, when it is a class rather than a value
    /// (`Runtime` in `Runtime.getRuntime()`, `java.util.UUID`).
    fn static_path(&self, n: Node) -> Option<String> {
        match n.kind() {
            "identifier" => {
                let name = self.text(n);
                let is_value = self.fns.iter().any(|f| f.b.lookup(name).is_some())
                    || self.classes.iter().any(|c| c.fields.contains_key(name));
                if is_value {
                    return None;
                }
                if name.chars().next().is_some_and(char::is_uppercase)
                    || self.imports.contains_key(name)
                {
                    return Some(self.resolve_simple(name));
                }
                None
            }
            "field_access" => {
                // `java.util.UUID` written out, or `Outer.Inner`.
                let text = self.text(n);
                let first = text.split('.').next().unwrap_or("");
                let is_value = self.fns.iter().any(|f| f.b.lookup(first).is_some())
                    || self.classes.iter().any(|c| c.fields.contains_key(first));
                let last_upper = text
                    .rsplit('.')
                    .next()
                    .and_then(|s| s.chars().next())
                    .is_some_and(char::is_uppercase);
                if !is_value
                    && last_upper
                    && text
                        .chars()
                        .all(|c| c.is_alphanumeric() || c == '.' || c == '_')
                {
                    if first.chars().next().is_some_and(char::is_uppercase) {
                        let rest = &text[first.len()..];
                        return Some(format!("{}{rest}", self.resolve_simple(first)));
                    }
                    return Some(text.to_string());
                }
                None
            }
            _ => None,
        }
    }

    fn call(&mut self, n: Node, span: Span) -> Operand {
        let name = n
            .child_by_field_name("name")
            .map(|x| self.text(x).to_string())
            .unwrap_or_default();
        let obj = n.child_by_field_name("object");
        // String building and conversions the analysis should see as such.
        if let Some(o) = obj {
            if let Some(class) = self.static_path(o) {
                if class == "java.lang.String" && matches!(name.as_str(), "format" | "join") {
                    let args = self.args(n.child_by_field_name("arguments"));
                    let dst = self.temp();
                    let parts = args.into_iter().map(|a| a.value).collect();
                    self.emit(InstKind::Concat { dst, parts }, span);
                    return Operand::Var(dst);
                }
                if let Some((_, _, ty)) = CONVERSIONS
                    .iter()
                    .find(|(c, m, _)| *c == class && *m == name)
                {
                    let mut args = self.args(n.child_by_field_name("arguments"));
                    let src = if args.is_empty() {
                        Operand::Const(Const::Null)
                    } else {
                        args.swap_remove(0).value
                    };
                    let dst = self.temp();
                    self.emit(
                        InstKind::Convert {
                            dst,
                            ty: ty.to_string(),
                            src,
                        },
                        span,
                    );
                    return Operand::Var(dst);
                }
            }
        }
        if let Some(o) = obj {
            if let Some(op) = self.map_access(o, &name, n, span) {
                return op;
            }
            if let Some(op) = self.list_access(o, &name, n, span) {
                return op;
            }
        }
        let callee = match obj {
            // Unqualified calls dispatch on `this` in instance context (so overrides in
            // subclasses resolve), and name the class's method in static context.
            None => match self.f().this_var {
                Some(this) => Callee::Method {
                    receiver: this,
                    name: name.clone(),
                },
                None => Callee::Path(format!("{}.{name}", self.class_qualified())),
            },
            Some(o) if o.kind() == "super" => {
                let base = self
                    .classes
                    .last()
                    .and_then(|c| self.module.classes[c.id as usize].bases.first().cloned());
                match (base, self.f().this_var) {
                    (Some(b), _) => Callee::Path(format!("{b}.{name}")),
                    (None, Some(this)) => Callee::Method {
                        receiver: this,
                        name: name.clone(),
                    },
                    (None, None) => Callee::Path(name.clone()),
                }
            }
            Some(o) => {
                let recv = self.expr(o);
                let receiver = self.materialize(recv, span);
                if matches!(name.as_str(), "append" | "insert") {
                    // Builders return themselves: `sb.append(a).append(b)` appends both to `sb`.
                    let args = self.args(n.child_by_field_name("arguments"));
                    self.emit(
                        InstKind::Call {
                            dst: None,
                            callee: Callee::Method {
                                receiver,
                                name: name.clone(),
                            },
                            args,
                        },
                        span,
                    );
                    return Operand::Var(receiver);
                }
                Callee::Method {
                    receiver,
                    name: name.clone(),
                }
            }
        };
        let args = self.args(n.child_by_field_name("arguments"));
        let dst = self.temp();
        self.emit(
            InstKind::Call {
                dst: Some(dst),
                callee,
                args,
            },
            span,
        );
        Operand::Var(dst)
    }

    /// `map.put("k", v)` and `map.get("k")` on a local declared as a `java.util` map are element
    /// stores and loads with a constant key, so each key keeps its own taint.
    fn map_access(&mut self, recv: Node, method: &str, call: Node, span: Span) -> Option<Operand> {
        if recv.kind() != "identifier" || !matches!(method, "put" | "get" | "getOrDefault") {
            return None;
        }
        let name = self.text(recv);
        let var = self.f().b.lookup(name)?;
        let ty = self.f().b.func.locals.get(var as usize)?.ty.clone()?;
        if !MAP_TYPES.contains(&ty.as_str()) {
            return None;
        }
        let list = call.child_by_field_name("arguments")?;
        let mut c = list.walk();
        let args: Vec<Node> = list.named_children(&mut c).collect();
        let key = self.const_expr(*args.first()?)?;
        match (method, args.len()) {
            ("put", 2) => {
                let value = self.expr(args[1]);
                let old = self.temp();
                self.emit(
                    InstKind::LoadIndex {
                        dst: old,
                        obj: var,
                        key: Operand::Const(key.clone()),
                    },
                    span,
                );
                self.emit(
                    InstKind::StoreIndex {
                        obj: var,
                        key: Operand::Const(key),
                        src: value,
                    },
                    span,
                );
                Some(Operand::Var(old))
            }
            ("get", 1) | ("getOrDefault", 2) => {
                let dst = self.temp();
                self.emit(
                    InstKind::LoadIndex {
                        dst,
                        obj: var,
                        key: Operand::Const(key),
                    },
                    span,
                );
                if let Some(default) = args.get(1) {
                    let d = self.expr(*default);
                    let joined = self.temp();
                    self.emit(
                        InstKind::Unknown {
                            dst: joined,
                            operands: vec![Operand::Var(dst), d],
                        },
                        span,
                    );
                    return Some(Operand::Var(joined));
                }
                Some(Operand::Var(dst))
            }
            _ => None,
        }
    }

    fn is_new_empty_list(&self, v: Node) -> bool {
        v.kind() == "object_creation_expression"
            && v.child_by_field_name("type")
                .is_some_and(|t| LIST_TYPES.contains(&self.resolve_type(t).as_str()))
            && v.child_by_field_name("arguments")
                .is_some_and(|a| a.named_child_count() == 0)
            && {
                let mut c = v.walk();
                let has_body = v.named_children(&mut c).any(|x| x.kind() == "class_body");
                !has_body
            }
    }

    /// `list.add(x)`, `list.remove(0)`, `list.get(1)` on a list whose contents are known: the
    /// calls are still emitted (the list as a whole carries what was added), but `get` with a
    /// constant index reads the very element, so a constant element stays clean.
    fn list_access(&mut self, recv: Node, method: &str, call: Node, span: Span) -> Option<Operand> {
        if recv.kind() != "identifier" {
            return None;
        }
        let name = self.text(recv);
        let var = self.f().b.lookup(name)?;
        let block = self.f().b.current_block();
        let (at, _) = self.f().lists.get(&var)?;
        if *at != block {
            self.f().lists.remove(&var);
            return None;
        }
        let list = call.child_by_field_name("arguments")?;
        let mut c = list.walk();
        let args: Vec<Node> = list.named_children(&mut c).collect();
        let index = |l: &Self, a: Option<&Node>| match a.and_then(|a| l.const_expr(*a)) {
            Some(Const::Int(i)) if i >= 0 => Some(i as usize),
            _ => None,
        };
        match (method, args.len()) {
            ("get", 1) => {
                let i = index(self, args.first())?;
                let elem = self.f().lists.get(&var)?.1.get(i).cloned()?;
                let dst = self.temp();
                self.emit(InstKind::Assign { dst, src: elem }, span);
                Some(Operand::Var(dst))
            }
            ("add", 1) | ("add", 2) | ("remove", 1) | ("size" | "isEmpty" | "contains", _) => {
                let values: Vec<Operand> = args.iter().map(|a| self.expr(*a)).collect();
                let i = if method == "add" && args.len() == 1 {
                    None
                } else {
                    index(self, args.first())
                };
                let known = self.f().lists.get_mut(&var).map(|(_, items)| {
                    match (method, i, values.last()) {
                        ("size" | "isEmpty" | "contains", _, _) => true,
                        ("add", None, Some(v)) => {
                            items.push(v.clone());
                            true
                        }
                        ("add", Some(i), Some(v)) if i <= items.len() => {
                            items.insert(i, v.clone());
                            true
                        }
                        ("remove", Some(i), _) if i < items.len() => {
                            items.remove(i);
                            true
                        }
                        _ => false,
                    }
                });
                if known != Some(true) {
                    self.f().lists.remove(&var);
                }
                let dst = self.temp();
                self.emit(
                    InstKind::Call {
                        dst: Some(dst),
                        callee: Callee::Method {
                            receiver: var,
                            name: method.to_string(),
                        },
                        args: values
                            .into_iter()
                            .map(|value| Arg {
                                value,
                                keyword: None,
                                spread: false,
                            })
                            .collect(),
                    },
                    span,
                );
                Some(Operand::Var(dst))
            }
            _ => {
                self.f().lists.remove(&var);
                None
            }
        }
    }

    fn new_expr(&mut self, n: Node, span: Span) -> Operand {
        let class = n
            .child_by_field_name("type")
            .map(|t| self.resolve_type(t))
            .unwrap_or_default();
        let args = self.args(n.child_by_field_name("arguments"));
        let mut c = n.walk();
        let body = n.named_children(&mut c).find(|x| x.kind() == "class_body");
        let class = match body {
            Some(body) => self.anonymous_class(body, &class),
            None => class,
        };
        let dst = self.temp();
        self.emit(InstKind::New { dst, class, args }, span);
        Operand::Var(dst)
    }

    /// `new Base() { ... }`: a class named `<Outer>$<n>` extending `Base`.
    fn anonymous_class(&mut self, body: Node, base: &str) -> String {
        self.anon += 1;
        let q = format!("{}${}", self.class_qualified(), self.anon);
        let id = self.module.classes.len() as ClassId;
        self.module.classes.push(Class {
            name: format!("${}", self.anon),
            qualified_name: q.clone(),
            bases: vec![base.to_string()],
            is_interface: false,
            methods: Vec::new(),
            fields: Vec::new(),
            decorators: Vec::new(),
            span: self.span(body),
        });
        self.classes.push(ClassCx {
            id,
            qualified: q.clone(),
            fields: FxHashMap::default(),
        });
        let parent = self.fns.len().checked_sub(1);
        let before = self.module.functions.len();
        self.class_body(body);
        if let Some(p) = parent {
            let parent_id = self.current_fn_id(p);
            for f in &mut self.module.functions[before..] {
                if f.parent.is_none() {
                    f.parent = parent_id;
                }
            }
        }
        self.classes.pop();
        q
    }

    fn current_fn_id(&self, depth: usize) -> Option<FuncId> {
        self.fns.get(depth).map(|f| f.id)
    }

    fn lambda(&mut self, n: Node, span: Span) -> Operand {
        let parent_depth = self.fns.len() - 1;
        let parent = self.current_fn_id(parent_depth);
        let id = self.reserve_fn();
        let parent_qn = self.fns[parent_depth].b.func.qualified_name.clone();
        let name = format!("<lambda@{}:{}>", span.start_line, span.start_col);
        let mut b = FunctionBuilder::new(name.clone(), format!("{parent_qn}.{name}"), span);
        b.func.parent = parent;
        b.func.class = self.classes.last().map(|c| c.id);
        if let Some(params) = n.child_by_field_name("parameters") {
            match params.kind() {
                "identifier" => {
                    let name = self.text(params).to_string();
                    b.add_param(Param {
                        name,
                        var: 0,
                        ty: None,
                        kind: ParamKind::Normal,
                        default: None,
                        decorators: Vec::new(),
                        span: self.span(params),
                    });
                }
                _ => self.params(&mut b, params),
            }
        }
        let this_var = self.fns[parent_depth].this_var.map(|_| {
            // The enclosing instance, read as a captured value.
            b.declare("this", self.classes.last().map(|c| c.qualified.clone()))
        });
        self.fns.push(FnCx {
            id,
            b,
            lists: Default::default(),
            stringy: Default::default(),
            loops: Vec::new(),
            this_var,
            yields: Vec::new(),
        });
        if let Some(this) = this_var {
            let path = format!("{parent_qn}.this");
            self.emit(InstKind::Global { dst: this, path }, span);
        }
        if let Some(body) = n.child_by_field_name("body") {
            if body.kind() == "block" {
                self.block(body);
            } else {
                let v = self.expr(body);
                self.f().b.terminate(Terminator::Return(Some(v)));
            }
        }
        self.finish_fn(id);
        let dst = self.temp();
        self.emit(InstKind::FuncRef { dst, func: id }, span);
        Operand::Var(dst)
    }

    fn assign(&mut self, n: Node, span: Span) -> Operand {
        let Some(left) = n.child_by_field_name("left") else {
            return Operand::Const(Const::Null);
        };
        let op = n
            .child_by_field_name("operator")
            .map(|o| self.text(o).to_string())
            .unwrap_or_else(|| "=".to_string());
        let right = n
            .child_by_field_name("right")
            .map(|r| self.expr(r))
            .unwrap_or(Operand::Const(Const::Null));
        let value = if op == "=" {
            right
        } else {
            let cur = self.expr(left);
            let dst = self.temp();
            let is_string = self.is_stringy(&cur) || matches!(right, Operand::Const(Const::Str(_)));
            if op == "+=" && is_string {
                self.emit(
                    InstKind::Concat {
                        dst,
                        parts: vec![cur, right],
                    },
                    span,
                );
            } else {
                let bop = match op.as_str() {
                    "+=" => BinOp::Add,
                    "-=" => BinOp::Sub,
                    "*=" => BinOp::Mul,
                    "/=" => BinOp::Div,
                    "%=" => BinOp::Mod,
                    _ => BinOp::Other,
                };
                self.emit(
                    InstKind::BinOp {
                        dst,
                        op: bop,
                        lhs: cur,
                        rhs: right,
                    },
                    span,
                );
            }
            Operand::Var(dst)
        };
        self.store_to(left, value.clone(), span);
        value
    }

    fn store_to(&mut self, left: Node, value: Operand, span: Span) {
        match left.kind() {
            "identifier" => {
                let name = self.text(left);
                if let Some(v) = self.f().b.lookup(name) {
                    self.emit(InstKind::Assign { dst: v, src: value }, span);
                    return;
                }
                for cls in self.classes.iter().rev() {
                    if let Some(&is_static) = cls.fields.get(name) {
                        let q = cls.qualified.clone();
                        let field = name.to_string();
                        let obj = match (is_static, self.f().this_var) {
                            (false, Some(this)) => this,
                            _ => {
                                let g = self.global(q, span);
                                self.materialize(g, span)
                            }
                        };
                        self.emit(
                            InstKind::Store {
                                obj,
                                field,
                                src: value,
                            },
                            span,
                        );
                        return;
                    }
                }
                let v = self.f().b.declare(name, None);
                self.emit(InstKind::Assign { dst: v, src: value }, span);
            }
            "field_access" => {
                let field = left
                    .child_by_field_name("field")
                    .map(|f| self.text(f).to_string())
                    .unwrap_or_default();
                let obj = match left.child_by_field_name("object") {
                    Some(o) => match self.static_path(o) {
                        Some(p) => self.global(p, span),
                        None => self.expr(o),
                    },
                    None => Operand::Const(Const::Null),
                };
                let obj = self.materialize(obj, span);
                self.emit(
                    InstKind::Store {
                        obj,
                        field,
                        src: value,
                    },
                    span,
                );
            }
            "array_access" => {
                let obj = left
                    .child_by_field_name("array")
                    .map(|a| self.expr(a))
                    .unwrap_or(Operand::Const(Const::Null));
                let obj = self.materialize(obj, span);
                let key = left
                    .child_by_field_name("index")
                    .map(|i| self.expr(i))
                    .unwrap_or(Operand::Const(Const::Null));
                self.emit(
                    InstKind::StoreIndex {
                        obj,
                        key,
                        src: value,
                    },
                    span,
                );
            }
            _ => {}
        }
    }

    /// Whether an operand is known to be a string (literal, string-typed local, concatenation).
    fn is_stringy(&self, op: &Operand) -> bool {
        match op {
            Operand::Const(Const::Str(_)) => true,
            Operand::Var(v) => self.fns.last().is_some_and(|f| {
                let local = f.b.func.locals.get(*v as usize);
                local.is_some_and(|l| l.ty.as_deref() == Some("java.lang.String"))
                    || f.stringy.contains(v)
            }),
            _ => false,
        }
    }

    fn binary(&mut self, n: Node, span: Span) -> Operand {
        let op = n
            .child_by_field_name("operator")
            .map(|o| self.text(o).to_string())
            .unwrap_or_default();
        if op == "+" {
            // Flatten `a + b + c` chains into one concatenation when any part is a string.
            let mut leaves = Vec::new();
            collect_plus_chain(n, self.src, &mut leaves);
            let parts: Vec<Operand> = leaves.into_iter().map(|l| self.expr(l)).collect();
            let stringy = parts.iter().any(|p| self.is_stringy(p));
            let dst = self.temp();
            if stringy {
                self.emit(InstKind::Concat { dst, parts }, span);
            } else {
                let mut it = parts.into_iter();
                let mut acc = it.next().unwrap_or(Operand::Const(Const::Int(0)));
                let mut last = dst;
                let rest: Vec<Operand> = it.collect();
                let count = rest.len();
                for (i, p) in rest.into_iter().enumerate() {
                    let d = if i + 1 == count { dst } else { self.temp() };
                    self.emit(
                        InstKind::BinOp {
                            dst: d,
                            op: BinOp::Add,
                            lhs: acc,
                            rhs: p,
                        },
                        span,
                    );
                    acc = Operand::Var(d);
                    last = d;
                }
                if count == 0 {
                    self.emit(InstKind::Assign { dst, src: acc }, span);
                } else {
                    debug_assert_eq!(last, dst);
                }
            }
            return Operand::Var(dst);
        }
        let lhs = n
            .child_by_field_name("left")
            .map(|l| self.expr(l))
            .unwrap_or(Operand::Const(Const::Null));
        let rhs = n
            .child_by_field_name("right")
            .map(|r| self.expr(r))
            .unwrap_or(Operand::Const(Const::Null));
        let bop = BinOp::from_symbol(&op);
        let dst = self.temp();
        self.emit(
            InstKind::BinOp {
                dst,
                op: bop,
                lhs,
                rhs,
            },
            span,
        );
        Operand::Var(dst)
    }
}

fn collect_plus_chain<'t>(n: Node<'t>, src: &str, out: &mut Vec<Node<'t>>) {
    let is_plus = n.kind() == "binary_expression"
        && n.child_by_field_name("operator")
            .and_then(|o| o.utf8_text(src.as_bytes()).ok())
            == Some("+");
    if !is_plus {
        out.push(n);
        return;
    }
    if let Some(l) = n.child_by_field_name("left") {
        collect_plus_chain(l, src, out);
    }
    if let Some(r) = n.child_by_field_name("right") {
        out.push(r);
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

fn strip_generics(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    let mut depth = 0;
    for ch in t.chars() {
        match ch {
            '<' => depth += 1,
            '>' => depth -= 1,
            c if depth == 0 && !c.is_whitespace() => out.push(c),
            _ => {}
        }
    }
    out
}

fn const_text(c: &Const) -> String {
    match c {
        Const::Str(s) => s.clone(),
        Const::Int(i) => i.to_string(),
        Const::Float(f) => f.to_string(),
        Const::Bool(b) => b.to_string(),
        Const::Null => "null".to_string(),
    }
}

/// Java escape sequences.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('s') => out.push(' '),
            Some('0') => out.push('\0'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        out.push_str("\\u");
                        out.push_str(&hex);
                    }
                }
            }
            Some('\n') => {}
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}
