//! Go → IR (tree-sitter-go).
//!
//! A Go package spans the files of one directory, so the module name is the directory
//! (`internal/handlers`; the package name for files at the root). Functions are
//! `<module>.<Func>`, methods `<module>.<Type>.<Method>`, package-level names are globals
//! `<module>.<name>`. Imported names qualify by import path: `http.Request` is
//! `net/http.Request`, so models read `net/http.Request.FormValue`. Multiple results are a
//! list: `rows, err := db.Query(q)` reads elements 0 and 1 of the call's result.

use crate::ir::*;
use crate::FunctionBuilder;
use rampart_core::Span;
use rampart_syntax::SourceFile;
use rustc_hash::{FxHashMap, FxHashSet};
use tree_sitter::{Node, Tree};

/// Calls whose result carries no injection taint: `(path, type)`.
const CONVERSIONS: &[(&str, &str)] = &[
    ("strconv.Atoi", "int"),
    ("strconv.ParseInt", "int"),
    ("strconv.ParseUint", "int"),
    ("strconv.ParseFloat", "float"),
    ("strconv.ParseBool", "bool"),
    ("github.com/google/uuid.Parse", "uuid"),
    ("github.com/google/uuid.MustParse", "uuid"),
];

/// Calls that build strings from their arguments.
const FORMATTERS: &[&str] = &["fmt.Sprintf", "fmt.Sprint", "fmt.Sprintln", "strings.Join"];

const BASIC_TYPES: &[&str] = &[
    "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
    "uintptr", "float32", "float64", "bool", "byte", "rune",
];

pub fn lower(file: &SourceFile, tree: &Tree) -> Module {
    let mut l = Lowerer::new(file);
    let root = tree.root_node();
    l.header(root);
    let top = l.reserve_fn();
    let name = l.module.name.clone();
    l.fns.push(FnCx::new(
        top,
        FunctionBuilder::new("<package>", name, l.span(root)),
    ));
    let mut cursor = root.walk();
    let kids: Vec<Node> = root.named_children(&mut cursor).collect();
    // Types first so methods can attach to them wherever they are declared.
    for k in &kids {
        if k.kind() == "type_declaration" {
            l.type_declaration(*k);
        }
    }
    for k in kids {
        match k.kind() {
            "function_declaration" | "method_declaration" => l.function(k),
            "var_declaration" | "const_declaration" => l.stmt(k),
            _ => {}
        }
    }
    l.finish_fn();
    l.module
}

struct FnCx {
    id: FuncId,
    b: FunctionBuilder,
    loops: Vec<(BlockId, Option<BlockId>)>,
}

impl FnCx {
    fn new(id: FuncId, b: FunctionBuilder) -> Self {
        FnCx {
            id,
            b,
            loops: Vec::new(),
        }
    }
}

struct Lowerer<'a> {
    src: &'a str,
    file: &'a SourceFile,
    /// Local package name → import path.
    imports: FxHashMap<String, String>,
    /// Package-level functions, variables, constants and types of this file.
    package_names: FxHashSet<String>,
    /// Type name → class index.
    types: FxHashMap<String, ClassId>,
    module: Module,
    fns: Vec<FnCx>,
    closures: u32,
}

impl<'a> Lowerer<'a> {
    fn new(file: &'a SourceFile) -> Self {
        Lowerer {
            src: &file.text,
            file,
            imports: FxHashMap::default(),
            package_names: FxHashSet::default(),
            types: FxHashMap::default(),
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
            fns: Vec::new(),
            closures: 0,
        }
    }

    fn text(&self, n: Node) -> &'a str {
        n.utf8_text(self.src.as_bytes()).unwrap_or("")
    }

    fn span(&self, n: Node) -> Span {
        self.file.span(n.start_byte(), n.end_byte())
    }

    fn header(&mut self, root: Node) {
        let dir = self
            .file
            .rel_path
            .rsplit_once('/')
            .map(|(d, _)| d.to_string())
            .unwrap_or_default();
        let mut package = String::new();
        let mut cursor = root.walk();
        for child in root.named_children(&mut cursor) {
            match child.kind() {
                "package_clause" => {
                    if let Some(id) = child.named_child(0) {
                        package = self.text(id).to_string();
                    }
                }
                "import_declaration" => self.imports_of(child),
                "function_declaration"
                | "type_declaration"
                | "var_declaration"
                | "const_declaration" => self.collect_package_names(child),
                _ => {}
            }
        }
        self.module.name = if dir.is_empty() { package } else { dir };
    }

    fn collect_package_names(&mut self, n: Node) {
        match n.kind() {
            "function_declaration" => {
                if let Some(name) = n.child_by_field_name("name") {
                    self.package_names.insert(self.text(name).to_string());
                }
            }
            "type_spec" | "type_alias" | "var_spec" | "const_spec" => {
                let mut c = n.walk();
                let names: Vec<String> = n
                    .children_by_field_name("name", &mut c)
                    .filter(|x| x.kind() != ",")
                    .map(|x| self.text(x).to_string())
                    .collect();
                self.package_names.extend(names);
            }
            _ => {
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                for k in kids {
                    self.collect_package_names(k);
                }
            }
        }
    }

    fn imports_of(&mut self, n: Node) {
        let mut c = n.walk();
        let kids: Vec<Node> = n.named_children(&mut c).collect();
        for k in kids {
            match k.kind() {
                "import_spec" => {
                    let Some(path) = k.child_by_field_name("path") else {
                        continue;
                    };
                    let path = self.text(path).trim_matches(['"', '`']).to_string();
                    let local = match k.child_by_field_name("name") {
                        Some(n) => self.text(n).to_string(),
                        None => default_package_name(&path),
                    };
                    if local == "_" || local == "." {
                        continue;
                    }
                    self.imports.insert(local.clone(), path.clone());
                    self.module.imports.push(Import {
                        local,
                        target: path,
                        whole_module: true,
                        span: self.span(k),
                    });
                }
                "import_spec_list" => self.imports_of(k),
                _ => {}
            }
        }
    }

    fn reserve_fn(&mut self) -> FuncId {
        self.module
            .functions
            .push(FunctionBuilder::new("", "", Span::default()).finish());
        self.module.functions.len() as FuncId - 1
    }

    fn finish_fn(&mut self) {
        if let Some(f) = self.fns.pop() {
            self.module.functions[f.id as usize] = f.b.finish();
        }
    }

    fn qualify(&self, name: &str) -> String {
        if self.module.name.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.module.name)
        }
    }

    fn resolve_type(&self, n: Node) -> String {
        match n.kind() {
            "pointer_type" => n
                .named_child(0)
                .map(|t| self.resolve_type(t))
                .unwrap_or_default(),
            "qualified_type" => {
                let pkg = n
                    .child_by_field_name("package")
                    .map(|p| self.text(p))
                    .unwrap_or("");
                let name = n
                    .child_by_field_name("name")
                    .map(|p| self.text(p))
                    .unwrap_or("");
                let path = self.imports.get(pkg).map(String::as_str).unwrap_or(pkg);
                format!("{path}.{name}")
            }
            "type_identifier" => {
                let t = self.text(n);
                if BASIC_TYPES.contains(&t) || t == "string" || t == "error" || t == "any" {
                    t.to_string()
                } else {
                    self.qualify(t)
                }
            }
            "generic_type" => n
                .child_by_field_name("type")
                .map(|t| self.resolve_type(t))
                .unwrap_or_default(),
            _ => self.text(n).to_string(),
        }
    }

    // ---- declarations ----------------------------------------------------------------------

    fn type_declaration(&mut self, n: Node) {
        let mut c = n.walk();
        let specs: Vec<Node> = n
            .named_children(&mut c)
            .filter(|s| matches!(s.kind(), "type_spec" | "type_alias"))
            .collect();
        for spec in specs {
            let Some(name) = spec.child_by_field_name("name") else {
                continue;
            };
            let name = self.text(name).to_string();
            let ty = spec.child_by_field_name("type");
            let is_interface = ty.is_some_and(|t| t.kind() == "interface_type");
            let mut fields = Vec::new();
            let mut bases = Vec::new();
            if let Some(t) = ty.filter(|t| t.kind() == "struct_type") {
                let mut c = t.walk();
                let lists: Vec<Node> = t.named_children(&mut c).collect();
                for list in lists {
                    let mut c2 = list.walk();
                    let decls: Vec<Node> = list.named_children(&mut c2).collect();
                    for d in decls {
                        let fty = d.child_by_field_name("type").map(|x| self.resolve_type(x));
                        let mut c3 = d.walk();
                        let names: Vec<Node> = d.children_by_field_name("name", &mut c3).collect();
                        if names.is_empty() {
                            // Embedded struct: its fields and methods are promoted.
                            if let Some(t) = fty {
                                bases.push(t);
                            }
                            continue;
                        }
                        for fname in names {
                            fields.push(Field {
                                name: self.text(fname).to_string(),
                                ty: fty.clone(),
                                is_static: false,
                                is_final: false,
                                init: None,
                                decorators: Vec::new(),
                                span: self.span(d),
                            });
                        }
                    }
                }
            }
            let id = self.module.classes.len() as ClassId;
            self.types.insert(name.clone(), id);
            self.module.classes.push(Class {
                qualified_name: self.qualify(&name),
                name,
                bases,
                is_interface,
                methods: Vec::new(),
                fields,
                decorators: Vec::new(),
                span: self.span(spec),
            });
        }
    }

    fn function(&mut self, n: Node) {
        let Some(name) = n.child_by_field_name("name") else {
            return;
        };
        let name = self.text(name).to_string();
        let id = self.reserve_fn();
        let receiver = n.child_by_field_name("receiver");
        let recv_type = receiver.and_then(|r| {
            let mut c = r.walk();
            let decl = r.named_children(&mut c).next();
            decl.and_then(|d| d.child_by_field_name("type"))
                .map(|t| self.resolve_type(t))
        });
        let qn = match &recv_type {
            Some(t) => format!("{t}.{name}"),
            None => self.qualify(&name),
        };
        let mut b = FunctionBuilder::new(name.clone(), qn, self.span(n));
        if let Some(r) = receiver {
            let mut c = r.walk();
            let decl = r.named_children(&mut c).next();
            if let Some(d) = decl {
                let rname = d
                    .child_by_field_name("name")
                    .map(|x| self.text(x).to_string())
                    .unwrap_or_else(|| "_".to_string());
                b.add_param(Param {
                    name: rname,
                    var: 0,
                    ty: recv_type.clone(),
                    kind: ParamKind::Receiver,
                    default: None,
                    decorators: Vec::new(),
                    span: self.span(d),
                });
            }
            let short = recv_type
                .as_deref()
                .and_then(|t| t.rsplit('.').next())
                .unwrap_or("");
            if let Some(&cid) = self.types.get(short) {
                self.module.classes[cid as usize].methods.push(id);
                b.func.class = Some(cid);
            }
        }
        if let Some(params) = n.child_by_field_name("parameters") {
            self.params(&mut b, params);
        }
        b.func.return_type = n
            .child_by_field_name("result")
            .map(|r| self.text(r).to_string());
        self.fns.push(FnCx::new(id, b));
        if let Some(body) = n.child_by_field_name("body") {
            self.block(body);
        }
        self.finish_fn();
    }

    fn params(&self, b: &mut FunctionBuilder, list: Node) {
        let mut c = list.walk();
        for p in list.named_children(&mut c) {
            let ty = p.child_by_field_name("type").map(|t| self.resolve_type(t));
            let kind = if p.kind() == "variadic_parameter_declaration" {
                ParamKind::Rest
            } else {
                ParamKind::Normal
            };
            let mut c2 = p.walk();
            let names: Vec<Node> = p.children_by_field_name("name", &mut c2).collect();
            if names.is_empty() {
                b.add_param(Param {
                    name: "_".to_string(),
                    var: 0,
                    ty,
                    kind,
                    default: None,
                    decorators: Vec::new(),
                    span: self.span(p),
                });
                continue;
            }
            for name in names {
                b.add_param(Param {
                    name: self.text(name).to_string(),
                    var: 0,
                    ty: ty.clone(),
                    kind,
                    default: None,
                    decorators: Vec::new(),
                    span: self.span(p),
                });
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    fn f(&mut self) -> &mut FnCx {
        self.fns.last_mut().expect("inside a function")
    }

    fn is_top(&self) -> bool {
        self.fns.len() == 1
    }

    fn emit(&mut self, kind: InstKind, span: Span) {
        self.f().b.emit(kind, span);
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

    fn null() -> Operand {
        Operand::Const(Const::Null)
    }

    fn list(&self, n: Option<Node<'a>>) -> Vec<Node<'a>> {
        let Some(n) = n else {
            return Vec::new();
        };
        if n.kind() != "expression_list" {
            return vec![n];
        }
        let mut c = n.walk();
        let v = n.named_children(&mut c).collect();
        v
    }

    // ---- statements ------------------------------------------------------------------------

    fn block(&mut self, n: Node) {
        self.f().b.push_scope();
        self.stmts(n);
        self.f().b.pop_scope();
    }

    fn stmts(&mut self, n: Node) {
        let mut c = n.walk();
        let kids: Vec<Node> = n.named_children(&mut c).collect();
        for s in kids {
            if s.kind() == "statement_list" {
                self.stmts(s);
            } else {
                self.stmt(s);
            }
        }
    }

    fn stmt(&mut self, n: Node) {
        let span = self.span(n);
        match n.kind() {
            "block" => self.block(n),
            "statement_list" => self.stmts(n),
            "expression_statement" => {
                if let Some(e) = n.named_child(0) {
                    self.expr(e);
                }
            }
            "short_var_declaration" => {
                let left = self.list(n.child_by_field_name("left"));
                let right = self.list(n.child_by_field_name("right"));
                self.bind(&left, &right, true, None, span);
            }
            "assignment_statement" => self.assign(n, span),
            "var_declaration" | "const_declaration" => {
                let mut c = n.walk();
                let specs: Vec<Node> = n.named_children(&mut c).collect();
                for s in specs {
                    if s.kind() == "var_spec_list" {
                        self.stmt(s);
                        continue;
                    }
                    if !matches!(s.kind(), "var_spec" | "const_spec") {
                        continue;
                    }
                    let mut c2 = s.walk();
                    let names: Vec<Node> = s
                        .children_by_field_name("name", &mut c2)
                        .filter(|x| x.kind() == "identifier")
                        .collect();
                    let right = self.list(s.child_by_field_name("value"));
                    let ty = s.child_by_field_name("type").map(|t| self.resolve_type(t));
                    self.bind(&names, &right, true, ty, self.span(s));
                }
            }
            "var_spec_list" => {
                let mut c = n.walk();
                let specs: Vec<Node> = n.named_children(&mut c).collect();
                for s in specs {
                    let mut c2 = s.walk();
                    let names: Vec<Node> = s.children_by_field_name("name", &mut c2).collect();
                    let right = self.list(s.child_by_field_name("value"));
                    let ty = s.child_by_field_name("type").map(|t| self.resolve_type(t));
                    self.bind(&names, &right, true, ty, self.span(s));
                }
            }
            "inc_statement" | "dec_statement" => {
                if let Some(t) = n.named_child(0) {
                    let cur = self.expr(t);
                    let dst = self.temp();
                    let op = if n.kind() == "inc_statement" {
                        BinOp::Add
                    } else {
                        BinOp::Sub
                    };
                    self.emit(
                        InstKind::BinOp {
                            dst,
                            op,
                            lhs: cur,
                            rhs: Operand::Const(Const::Int(1)),
                        },
                        span,
                    );
                    self.store_to(t, Operand::Var(dst), span);
                }
            }
            "return_statement" => {
                let values = self.list(n.named_child(0));
                let v = match values.len() {
                    0 => None,
                    1 => Some(self.expr(values[0])),
                    _ => {
                        let items = values.iter().map(|v| self.expr(*v)).collect();
                        let dst = self.temp();
                        self.emit(InstKind::MakeList { dst, items }, span);
                        Some(Operand::Var(dst))
                    }
                };
                self.f().b.terminate(Terminator::Return(v));
            }
            "if_statement" => self.if_stmt(n),
            "for_statement" => self.for_stmt(n),
            "expression_switch_statement" | "type_switch_statement" => self.switch(n),
            "select_statement" => {
                let mut c = n.walk();
                let cases: Vec<Node> = n.named_children(&mut c).collect();
                let exit = self.f().b.new_block();
                let blocks: Vec<BlockId> = cases.iter().map(|_| self.f().b.new_block()).collect();
                let pick = self.temp();
                self.emit(
                    InstKind::Unknown {
                        dst: pick,
                        operands: Vec::new(),
                    },
                    span,
                );
                self.f().b.terminate(Terminator::Switch {
                    value: Operand::Var(pick),
                    cases: blocks
                        .iter()
                        .enumerate()
                        .map(|(i, b)| (Const::Int(i as i64), *b))
                        .collect(),
                    default: exit,
                });
                self.f().loops.push((exit, None));
                for (case, b) in cases.iter().zip(blocks) {
                    self.f().b.switch_to(b);
                    self.stmts(*case);
                    self.f().b.terminate(Terminator::Goto(exit));
                }
                self.f().loops.pop();
                self.f().b.switch_to(exit);
            }
            "defer_statement" | "go_statement" => {
                if let Some(e) = n.named_child(0) {
                    self.expr(e);
                }
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
            "labeled_statement" => {
                let mut c = n.walk();
                let inner = n.named_children(&mut c).find(|x| x.kind() != "label_name");
                if let Some(s) = inner {
                    self.stmt(s);
                }
            }
            "send_statement" => {
                let ch = n.child_by_field_name("channel").map(|c| self.expr(c));
                let v = n.child_by_field_name("value").map(|v| self.expr(v));
                if let (Some(ch), Some(v)) = (ch, v) {
                    let obj = self.materialize(ch, span);
                    self.emit(
                        InstKind::StoreIndex {
                            obj,
                            key: Self::null(),
                            src: v,
                        },
                        span,
                    );
                }
            }
            "type_declaration" => self.type_declaration(n),
            "comment" | "empty_statement" | "fallthrough_statement" | "goto_statement" => {}
            _ => {
                self.expr(n);
            }
        }
    }

    /// `a, b := x, y`, `rows, err := db.Query(q)`, `var x T = v`.
    fn bind(
        &mut self,
        left: &[Node],
        right: &[Node],
        declare: bool,
        ty: Option<String>,
        span: Span,
    ) {
        let values: Vec<Operand> = if right.len() == left.len() {
            right.iter().map(|r| self.expr(*r)).collect()
        } else if right.len() == 1 && left.len() > 1 {
            let whole = self.expr(right[0]);
            let obj = self.materialize(whole, span);
            (0..left.len())
                .map(|i| {
                    let dst = self.temp();
                    self.emit(
                        InstKind::LoadIndex {
                            dst,
                            obj,
                            key: Operand::Const(Const::Int(i as i64)),
                        },
                        span,
                    );
                    Operand::Var(dst)
                })
                .collect()
        } else {
            let ops: Vec<Operand> = right.iter().map(|r| self.expr(*r)).collect();
            left.iter()
                .map(|_| ops.first().cloned().unwrap_or(Self::null()))
                .collect()
        };
        for (l, v) in left.iter().zip(values) {
            if l.kind() == "identifier" && declare {
                let name = self.text(*l);
                if name == "_" {
                    continue;
                }
                let top = self.is_top();
                let existing = self.f().b.lookup(name);
                let var = match existing {
                    // `:=` redeclares only when at least one name is new; reuse existing ones.
                    Some(v) if !top => v,
                    _ => self.f().b.declare(name, ty.clone()),
                };
                self.emit(InstKind::Assign { dst: var, src: v }, span);
            } else {
                self.store_to(*l, v, span);
            }
        }
    }

    fn assign(&mut self, n: Node, span: Span) {
        let op = n
            .child_by_field_name("operator")
            .map(|o| self.text(o).to_string())
            .unwrap_or_else(|| "=".to_string());
        let left = self.list(n.child_by_field_name("left"));
        let right = self.list(n.child_by_field_name("right"));
        if op == "=" {
            self.bind(&left, &right, false, None, span);
            return;
        }
        let (Some(l), Some(r)) = (left.first(), right.first()) else {
            return;
        };
        let cur = self.expr(*l);
        let rhs = self.expr(*r);
        let dst = self.temp();
        let kind = if op == "+=" && (is_string_const(&rhs) || is_string_const(&cur)) {
            InstKind::Concat {
                dst,
                parts: vec![cur, rhs],
            }
        } else {
            let bop = match op.as_str() {
                "+=" => BinOp::Add,
                "-=" => BinOp::Sub,
                "*=" => BinOp::Mul,
                "/=" => BinOp::Div,
                "%=" => BinOp::Mod,
                _ => BinOp::Other,
            };
            InstKind::BinOp {
                dst,
                op: bop,
                lhs: cur,
                rhs,
            }
        };
        self.emit(kind, span);
        self.store_to(*l, Operand::Var(dst), span);
    }

    fn store_to(&mut self, left: Node, value: Operand, span: Span) {
        match left.kind() {
            "identifier" => {
                let name = self.text(left);
                if name == "_" {
                    return;
                }
                if let Some(v) = self.f().b.lookup(name) {
                    self.emit(InstKind::Assign { dst: v, src: value }, span);
                    return;
                }
                if self.package_names.contains(name) || self.captured(name).is_some() {
                    let path = self.captured(name).unwrap_or_else(|| self.qualify(name));
                    let g = self.global(path.clone(), span);
                    let obj = self.materialize(g, span);
                    // A package variable written from a function: a store on its global.
                    self.emit(
                        InstKind::Store {
                            obj,
                            field: String::new(),
                            src: value,
                        },
                        span,
                    );
                    return;
                }
                let v = self.f().b.declare(name, None);
                self.emit(InstKind::Assign { dst: v, src: value }, span);
            }
            "selector_expression" => {
                let field = left
                    .child_by_field_name("field")
                    .map(|f| self.text(f).to_string())
                    .unwrap_or_default();
                let obj = left
                    .child_by_field_name("operand")
                    .map(|o| self.expr(o))
                    .unwrap_or(Self::null());
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
            "index_expression" => {
                let obj = left
                    .child_by_field_name("operand")
                    .map(|o| self.expr(o))
                    .unwrap_or(Self::null());
                let obj = self.materialize(obj, span);
                let key = left
                    .child_by_field_name("index")
                    .map(|i| self.expr(i))
                    .unwrap_or(Self::null());
                self.emit(
                    InstKind::StoreIndex {
                        obj,
                        key,
                        src: value,
                    },
                    span,
                );
            }
            "unary_expression" | "parenthesized_expression" => {
                if let Some(inner) = left
                    .child_by_field_name("operand")
                    .or_else(|| left.named_child(0))
                {
                    self.store_to(inner, value, span);
                }
            }
            _ => {}
        }
    }

    fn cond(&mut self, c: Option<Node>, then: BlockId, otherwise: BlockId) {
        let v = c
            .map(|c| self.expr(c))
            .unwrap_or(Operand::Const(Const::Bool(true)));
        self.f().b.terminate(Terminator::Branch {
            cond: v,
            then,
            otherwise,
        });
    }

    fn if_stmt(&mut self, n: Node) {
        self.f().b.push_scope();
        if let Some(init) = n.child_by_field_name("initializer") {
            self.stmt(init);
        }
        let then_b = self.f().b.new_block();
        let else_b = self.f().b.new_block();
        let join = self.f().b.new_block();
        self.cond(n.child_by_field_name("condition"), then_b, else_b);
        self.f().b.switch_to(then_b);
        if let Some(c) = n.child_by_field_name("consequence") {
            self.block(c);
        }
        self.f().b.terminate(Terminator::Goto(join));
        self.f().b.switch_to(else_b);
        if let Some(a) = n.child_by_field_name("alternative") {
            self.stmt(a);
        }
        self.f().b.terminate(Terminator::Goto(join));
        self.f().b.switch_to(join);
        self.f().b.pop_scope();
    }

    fn for_stmt(&mut self, n: Node) {
        self.f().b.push_scope();
        let span = self.span(n);
        let mut c = n.walk();
        let header = n
            .named_children(&mut c)
            .find(|x| x.kind() != "block" && x.kind() != "comment");
        let head = self.f().b.new_block();
        let body = self.f().b.new_block();
        let update = self.f().b.new_block();
        let exit = self.f().b.new_block();
        match header.map(|h| (h.kind(), h)) {
            Some(("for_clause", h)) => {
                if let Some(init) = h.child_by_field_name("initializer") {
                    self.stmt(init);
                }
                self.f().b.goto_and_switch(head);
                self.cond(h.child_by_field_name("condition"), body, exit);
            }
            Some(("range_clause", h)) => {
                let over = h
                    .child_by_field_name("right")
                    .map(|r| self.expr(r))
                    .unwrap_or(Self::null());
                let obj = self.materialize(over, span);
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
                let left = self.list(h.child_by_field_name("left"));
                // `for i, v := range xs`: the key is an index, the value an element.
                for (i, l) in left.iter().enumerate() {
                    let dst = self.temp();
                    if i == 0 && left.len() > 1 {
                        self.emit(
                            InstKind::Unknown {
                                dst,
                                operands: Vec::new(),
                            },
                            span,
                        );
                    } else {
                        self.emit(
                            InstKind::LoadIndex {
                                dst,
                                obj,
                                key: Self::null(),
                            },
                            span,
                        );
                    }
                    if l.kind() == "identifier" {
                        let name = self.text(*l);
                        if name != "_" {
                            let var = self.f().b.declare(name, None);
                            self.emit(
                                InstKind::Assign {
                                    dst: var,
                                    src: Operand::Var(dst),
                                },
                                span,
                            );
                        }
                    } else {
                        self.store_to(*l, Operand::Var(dst), span);
                    }
                }
                self.f().loops.push((exit, Some(update)));
                if let Some(b) = n.child_by_field_name("body") {
                    self.block(b);
                }
                self.f().loops.pop();
                self.f().b.goto_and_switch(update);
                self.f().b.terminate(Terminator::Goto(head));
                self.f().b.switch_to(exit);
                self.f().b.pop_scope();
                return;
            }
            Some((_, cond)) => {
                self.f().b.goto_and_switch(head);
                self.cond(Some(cond), body, exit);
            }
            None => {
                self.f().b.goto_and_switch(head);
                self.f().b.terminate(Terminator::Goto(body));
            }
        }
        self.f().b.switch_to(body);
        self.f().loops.push((exit, Some(update)));
        if let Some(b) = n.child_by_field_name("body") {
            self.block(b);
        }
        self.f().loops.pop();
        self.f().b.goto_and_switch(update);
        if let Some(("for_clause", h)) = header.map(|h| (h.kind(), h)) {
            if let Some(u) = h.child_by_field_name("update") {
                self.stmt(u);
            }
        }
        self.f().b.terminate(Terminator::Goto(head));
        self.f().b.switch_to(exit);
        self.f().b.pop_scope();
    }

    fn switch(&mut self, n: Node) {
        self.f().b.push_scope();
        let span = self.span(n);
        if let Some(init) = n.child_by_field_name("initializer") {
            self.stmt(init);
        }
        let value = n
            .child_by_field_name("value")
            .map(|v| self.expr(v))
            .unwrap_or(Operand::Const(Const::Bool(true)));
        if let Some(alias) = n.child_by_field_name("alias") {
            // `switch v := x.(type)`: v is x in every case.
            for a in self.list(Some(alias)) {
                let name = self.text(a);
                let var = self.f().b.declare(name, None);
                self.emit(
                    InstKind::Assign {
                        dst: var,
                        src: value.clone(),
                    },
                    span,
                );
            }
        }
        let exit = self.f().b.new_block();
        let mut c = n.walk();
        let cases: Vec<Node> = n
            .named_children(&mut c)
            .filter(|x| matches!(x.kind(), "expression_case" | "type_case" | "default_case"))
            .collect();
        let blocks: Vec<BlockId> = cases.iter().map(|_| self.f().b.new_block()).collect();
        let mut consts = Vec::new();
        let mut default = exit;
        for (case, b) in cases.iter().zip(&blocks) {
            match case.kind() {
                "default_case" => default = *b,
                "expression_case" => {
                    for v in self.list(case.child_by_field_name("value")) {
                        match literal(self.text(v), v.kind()) {
                            Some(k) => consts.push((k, *b)),
                            None => default = *b,
                        }
                    }
                }
                _ => default = *b,
            }
        }
        self.f().b.terminate(Terminator::Switch {
            value,
            cases: consts,
            default,
        });
        self.f().loops.push((exit, None));
        for (i, case) in cases.iter().enumerate() {
            self.f().b.switch_to(blocks[i]);
            let mut c = case.walk();
            let lists: Vec<Node> = case
                .named_children(&mut c)
                .filter(|x| x.kind() == "statement_list")
                .collect();
            let falls = lists.iter().any(|l| {
                let mut c2 = l.walk();
                let last = l.named_children(&mut c2).last();
                last.is_some_and(|s| s.kind() == "fallthrough_statement")
            });
            for l in lists {
                self.stmts(l);
            }
            let next = if falls {
                blocks.get(i + 1).copied().unwrap_or(exit)
            } else {
                exit
            };
            self.f().b.terminate(Terminator::Goto(next));
        }
        self.f().loops.pop();
        self.f().b.switch_to(exit);
        self.f().b.pop_scope();
    }

    // ---- expressions -----------------------------------------------------------------------

    /// A name captured from an enclosing function literal's scope.
    fn captured(&self, name: &str) -> Option<String> {
        let depth = self.fns.len();
        // Index 0 is the package scope: its names are package globals, not captures.
        (1..depth.saturating_sub(1)).rev().find_map(|i| {
            self.fns[i]
                .b
                .lookup(name)
                .map(|_| format!("{}.{name}", self.fns[i].b.func.qualified_name))
        })
    }

    fn name(&mut self, name: &str, span: Span) -> Operand {
        match name {
            "nil" => return Self::null(),
            "true" => return Operand::Const(Const::Bool(true)),
            "false" => return Operand::Const(Const::Bool(false)),
            _ => {}
        }
        if let Some(v) = self.f().b.lookup(name) {
            return Operand::Var(v);
        }
        if let Some(path) = self.captured(name) {
            return self.global(path, span);
        }
        if let Some(path) = self.imports.get(name).cloned() {
            return self.global(path, span);
        }
        if self.package_names.contains(name) {
            let path = self.qualify(name);
            return self.global(path, span);
        }
        // Builtins and names from other files of the package.
        let path = if is_builtin(name) {
            name.to_string()
        } else {
            self.qualify(name)
        };
        self.global(path, span)
    }

    fn expr(&mut self, n: Node) -> Operand {
        let span = self.span(n);
        if let Some(c) = literal(self.text(n), n.kind()) {
            return Operand::Const(c);
        }
        match n.kind() {
            "parenthesized_expression" => n
                .named_child(0)
                .map(|e| self.expr(e))
                .unwrap_or(Self::null()),
            "identifier" => self.name(self.text(n), span),
            "nil" => Self::null(),
            "true" => Operand::Const(Const::Bool(true)),
            "false" => Operand::Const(Const::Bool(false)),
            "selector_expression" => {
                let field = n
                    .child_by_field_name("field")
                    .map(|f| self.text(f).to_string())
                    .unwrap_or_default();
                let obj = n
                    .child_by_field_name("operand")
                    .map(|o| self.expr(o))
                    .unwrap_or(Self::null());
                let obj = self.materialize(obj, span);
                let dst = self.temp();
                self.emit(InstKind::Load { dst, obj, field }, span);
                Operand::Var(dst)
            }
            "index_expression" => {
                let obj = n
                    .child_by_field_name("operand")
                    .map(|o| self.expr(o))
                    .unwrap_or(Self::null());
                let obj = self.materialize(obj, span);
                let key = n
                    .child_by_field_name("index")
                    .map(|i| self.expr(i))
                    .unwrap_or(Self::null());
                let dst = self.temp();
                self.emit(InstKind::LoadIndex { dst, obj, key }, span);
                Operand::Var(dst)
            }
            "slice_expression" => {
                let v = n
                    .child_by_field_name("operand")
                    .map(|o| self.expr(o))
                    .unwrap_or(Self::null());
                let dst = self.temp();
                self.emit(
                    InstKind::Unknown {
                        dst,
                        operands: vec![v],
                    },
                    span,
                );
                Operand::Var(dst)
            }
            "call_expression" => self.call(n, span),
            "composite_literal" => self.composite(n, span),
            "func_literal" => self.closure(n, span),
            "unary_expression" => {
                let operand = n
                    .child_by_field_name("operand")
                    .map(|o| self.expr(o))
                    .unwrap_or(Self::null());
                let op = match n.child_by_field_name("operator").map(|o| self.text(o)) {
                    Some("!") => UnOp::Not,
                    Some("-") => UnOp::Neg,
                    // `&x`, `*p`, `<-ch`: the value passes through.
                    _ => UnOp::Other,
                };
                let dst = self.temp();
                self.emit(InstKind::UnOp { dst, op, operand }, span);
                Operand::Var(dst)
            }
            "binary_expression" => self.binary(n, span),
            "type_assertion_expression" => n
                .child_by_field_name("operand")
                .map(|o| self.expr(o))
                .unwrap_or(Self::null()),
            "type_conversion_expression" => {
                let v = n
                    .child_by_field_name("operand")
                    .map(|o| self.expr(o))
                    .unwrap_or(Self::null());
                let ty = n
                    .child_by_field_name("type")
                    .map(|t| self.text(t).to_string())
                    .unwrap_or_default();
                self.conversion(&ty, v, span)
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

    /// `int(x)`, `float64(x)` kill injection taint; `string(b)`, `[]byte(s)` pass it through.
    fn conversion(&mut self, ty: &str, v: Operand, span: Span) -> Operand {
        let kind = if ty == "bool" {
            Some("bool")
        } else if ty.starts_with("float") {
            Some("float")
        } else if BASIC_TYPES.contains(&ty) && ty != "byte" && ty != "rune" {
            Some("int")
        } else {
            None
        };
        match kind {
            Some(k) => {
                let dst = self.temp();
                self.emit(
                    InstKind::Convert {
                        dst,
                        ty: k.to_string(),
                        src: v,
                    },
                    span,
                );
                Operand::Var(dst)
            }
            None => v,
        }
    }

    /// The qualified name of a callee written as `pkg.Func` or `Func`, when it is one.
    fn static_callee(&self, f: Node) -> Option<String> {
        match f.kind() {
            "identifier" => {
                let name = self.text(f);
                if self.fns.iter().any(|x| x.b.lookup(name).is_some())
                    && !self.is_package_level(name)
                {
                    return None;
                }
                if is_builtin(name) {
                    return Some(name.to_string());
                }
                Some(self.qualify(name))
            }
            "selector_expression" => {
                let operand = f.child_by_field_name("operand")?;
                if operand.kind() != "identifier" {
                    return None;
                }
                let pkg = self.text(operand);
                if self.fns.iter().any(|x| x.b.lookup(pkg).is_some()) {
                    return None;
                }
                let path = self.imports.get(pkg)?;
                let field = f.child_by_field_name("field")?;
                Some(format!("{path}.{}", self.text(field)))
            }
            _ => None,
        }
    }

    fn is_package_level(&self, name: &str) -> bool {
        self.fns
            .first()
            .is_some_and(|top| top.b.lookup(name).is_some())
            && !self.fns[1..].iter().any(|f| f.b.lookup(name).is_some())
    }

    fn call(&mut self, n: Node, span: Span) -> Operand {
        let Some(func) = n.child_by_field_name("function") else {
            return Self::null();
        };
        let args = self.args(n.child_by_field_name("arguments"));
        let path = self.static_callee(func);
        if let Some(p) = &path {
            if FORMATTERS.contains(&p.as_str()) {
                let dst = self.temp();
                let parts = args.into_iter().map(|a| a.value).collect();
                self.emit(InstKind::Concat { dst, parts }, span);
                return Operand::Var(dst);
            }
            if let Some((_, ty)) = CONVERSIONS.iter().find(|(c, _)| c == p) {
                let src = args
                    .into_iter()
                    .next()
                    .map(|a| a.value)
                    .unwrap_or(Self::null());
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
            // A conversion written as a call: `int64(x)`.
            if BASIC_TYPES.contains(&p.as_str()) || p == "string" {
                let src = args
                    .into_iter()
                    .next()
                    .map(|a| a.value)
                    .unwrap_or(Self::null());
                return self.conversion(&p.clone(), src, span);
            }
        }
        let callee = match (path, func.kind()) {
            (Some(p), _) => Callee::Path(p),
            (None, "selector_expression") => {
                let name = func
                    .child_by_field_name("field")
                    .map(|f| self.text(f).to_string())
                    .unwrap_or_default();
                let recv = func
                    .child_by_field_name("operand")
                    .map(|o| self.expr(o))
                    .unwrap_or(Self::null());
                Callee::Method {
                    receiver: self.materialize(recv, span),
                    name,
                }
            }
            (None, _) => {
                let v = self.expr(func);
                Callee::Value(self.materialize(v, span))
            }
        };
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

    fn args(&mut self, list: Option<Node>) -> Vec<Arg> {
        let Some(list) = list else {
            return Vec::new();
        };
        let mut c = list.walk();
        let kids: Vec<Node> = list.named_children(&mut c).collect();
        kids.into_iter()
            .map(|a| {
                if a.kind() == "variadic_argument" {
                    let v = a
                        .named_child(0)
                        .map(|x| self.expr(x))
                        .unwrap_or(Self::null());
                    Arg {
                        value: v,
                        keyword: None,
                        spread: true,
                    }
                } else {
                    Arg {
                        value: self.expr(a),
                        keyword: None,
                        spread: false,
                    }
                }
            })
            .collect()
    }

    /// `User{Name: n}`, `&http.Cookie{...}`, `[]string{a, b}`, `map[string]string{"k": v}`.
    fn composite(&mut self, n: Node, span: Span) -> Operand {
        let ty = n.child_by_field_name("type");
        let is_struct = ty.is_some_and(|t| {
            matches!(
                t.kind(),
                "type_identifier" | "qualified_type" | "generic_type"
            )
        });
        let mut entries: Vec<(Option<String>, Operand)> = Vec::new();
        let mut items = Vec::new();
        if let Some(body) = n.child_by_field_name("body") {
            let mut c = body.walk();
            let elems: Vec<Node> = body.named_children(&mut c).collect();
            for e in elems {
                match e.kind() {
                    "keyed_element" => {
                        let key = e.child_by_field_name("key");
                        let value = e.child_by_field_name("value");
                        let key_text = key.map(|k| {
                            let t = self.text(k);
                            t.trim_matches(['"', '`']).to_string()
                        });
                        let v = value.map(|v| self.element(v)).unwrap_or(Self::null());
                        entries.push((key_text, v));
                    }
                    "literal_element" => {
                        let v = self.element(e);
                        items.push(v);
                    }
                    _ => {}
                }
            }
        }
        let dst = self.temp();
        if is_struct {
            let class = ty.map(|t| self.resolve_type(t)).unwrap_or_default();
            let args = entries
                .iter()
                .map(|(k, v)| Arg {
                    value: v.clone(),
                    keyword: k.clone(),
                    spread: false,
                })
                .chain(items.into_iter().map(|v| Arg {
                    value: v,
                    keyword: None,
                    spread: false,
                }))
                .collect();
            self.emit(InstKind::New { dst, class, args }, span);
            for (k, v) in entries {
                if let Some(field) = k {
                    self.emit(
                        InstKind::Store {
                            obj: dst,
                            field,
                            src: v,
                        },
                        span,
                    );
                }
            }
        } else if !entries.is_empty() {
            self.emit(InstKind::MakeMap { dst, entries }, span);
        } else {
            self.emit(InstKind::MakeList { dst, items }, span);
        }
        Operand::Var(dst)
    }

    fn element(&mut self, e: Node) -> Operand {
        match e.kind() {
            "literal_element" => e
                .named_child(0)
                .map(|x| self.element(x))
                .unwrap_or(Self::null()),
            "literal_value" => {
                let span = self.span(e);
                let mut c = e.walk();
                let kids: Vec<Node> = e.named_children(&mut c).collect();
                let items = kids.into_iter().map(|k| self.element(k)).collect();
                let dst = self.temp();
                self.emit(InstKind::MakeList { dst, items }, span);
                Operand::Var(dst)
            }
            _ => self.expr(e),
        }
    }

    fn closure(&mut self, n: Node, span: Span) -> Operand {
        self.closures += 1;
        let parent = self.fns.last().map(|f| f.id);
        let parent_qn = self
            .fns
            .last()
            .map(|f| f.b.func.qualified_name.clone())
            .unwrap_or_default();
        let id = self.reserve_fn();
        let name = format!("<func@{}:{}>", span.start_line, span.start_col);
        let mut b = FunctionBuilder::new(name.clone(), format!("{parent_qn}.{name}"), span);
        b.func.parent = parent;
        if let Some(p) = n.child_by_field_name("parameters") {
            self.params(&mut b, p);
        }
        self.fns.push(FnCx::new(id, b));
        if let Some(body) = n.child_by_field_name("body") {
            self.block(body);
        }
        self.finish_fn();
        let dst = self.temp();
        self.emit(InstKind::FuncRef { dst, func: id }, span);
        Operand::Var(dst)
    }

    fn binary(&mut self, n: Node, span: Span) -> Operand {
        let op = n
            .child_by_field_name("operator")
            .map(|o| self.text(o).to_string())
            .unwrap_or_default();
        let lhs = n
            .child_by_field_name("left")
            .map(|l| self.expr(l))
            .unwrap_or(Self::null());
        let rhs = n
            .child_by_field_name("right")
            .map(|r| self.expr(r))
            .unwrap_or(Self::null());
        let dst = self.temp();
        if op == "+" && (is_string_const(&lhs) || is_string_const(&rhs) || self.is_concat(&lhs)) {
            let mut parts = self.concat_parts(lhs);
            parts.push(rhs);
            self.emit(InstKind::Concat { dst, parts }, span);
            return Operand::Var(dst);
        }
        let bop = BinOp::from_symbol(&op);
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

    fn is_concat(&self, op: &Operand) -> bool {
        self.last_concat(op).is_some()
    }

    /// The parts of the concatenation that defined `op` in the current block, if any.
    fn last_concat(&self, op: &Operand) -> Option<Vec<Operand>> {
        let Operand::Var(v) = op else {
            return None;
        };
        let f = self.fns.last()?;
        let block = f.b.func.blocks.get(f.b.current_block() as usize)?;
        match block.insts.last().map(|i| &i.kind) {
            Some(InstKind::Concat { dst, parts }) if dst == v => Some(parts.clone()),
            _ => None,
        }
    }

    /// Flattens `a + b + c` into one concatenation.
    fn concat_parts(&self, lhs: Operand) -> Vec<Operand> {
        self.last_concat(&lhs).unwrap_or_else(|| vec![lhs])
    }
}

fn is_string_const(op: &Operand) -> bool {
    matches!(op, Operand::Const(Const::Str(_)))
}

fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        "append"
            | "len"
            | "cap"
            | "make"
            | "new"
            | "panic"
            | "recover"
            | "print"
            | "println"
            | "copy"
            | "delete"
            | "close"
            | "min"
            | "max"
            | "string"
            | "error"
    ) || BASIC_TYPES.contains(&name)
}

/// The package name an import path gets by default (`net/http` → `http`,
/// `github.com/go-chi/chi/v5` → `chi`, `gopkg.in/yaml.v3` → `yaml`).
fn default_package_name(path: &str) -> String {
    let mut segs: Vec<&str> = path.split('/').collect();
    if segs.len() > 1
        && segs.last().is_some_and(|s| {
            s.len() > 1 && s.starts_with('v') && s[1..].chars().all(|c| c.is_ascii_digit())
        })
    {
        segs.pop();
    }
    let last = segs.last().copied().unwrap_or(path);
    let last = last.split('.').next().unwrap_or(last);
    last.trim_start_matches("go-").replace('-', "_")
}

fn literal(text: &str, kind: &str) -> Option<Const> {
    Some(match kind {
        "interpreted_string_literal" => Const::Str(unescape(
            text.strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .unwrap_or(text),
        )),
        "raw_string_literal" => Const::Str(text.trim_matches('`').to_string()),
        "rune_literal" => Const::Str(unescape(text.trim_matches('\''))),
        "int_literal" => {
            let t = text.replace('_', "");
            let v = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                i64::from_str_radix(h, 16).ok()?
            } else if let Some(b) = t.strip_prefix("0b").or_else(|| t.strip_prefix("0B")) {
                i64::from_str_radix(b, 2).ok()?
            } else if let Some(o) = t.strip_prefix("0o").or_else(|| t.strip_prefix("0O")) {
                i64::from_str_radix(o, 8).ok()?
            } else {
                t.parse().ok()?
            };
            Const::Int(v)
        }
        "float_literal" => Const::Float(text.replace('_', "").parse().ok()?),
        "true" => Const::Bool(true),
        "false" => Const::Bool(false),
        "nil" => Const::Null,
        _ => return None,
    })
}

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
            Some('0') => out.push('\0'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}
