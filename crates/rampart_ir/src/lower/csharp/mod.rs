//! C# → IR (tree-sitter-c-sharp).
//!
//! The module is the file's namespace (file-scoped or block; the file stem when the file declares
//! none). Types are resolved to qualified names through `using` directives, the implicit usings
//! of modern ASP.NET Core projects ([`WELL_KNOWN`]), aliases and the file's own declarations, so
//! that models match on meaning (`Microsoft.Data.SqlClient.SqlCommand`); a project type that could
//! come from several imported namespaces is placed by the role the namespace is named for
//! (`IOrderService` in `Shop.Services`, `OrderStatus` in `Shop.Models`). Top-level statements
//! lower into `functions[0]`; lambdas, anonymous methods and local functions become their own
//! functions with `parent` set. Unqualified names read fields of `this` (instance members) or
//! globals (`<class>.<NAME>`, static members); members a controller inherits from its framework
//! base (`Request`, `Content(...)`, `Redirect(...)`) are read from the base class's path so that
//! `Microsoft.AspNetCore.Mvc.ControllerBase.Request.Query` is a modeled source.

mod expr;
mod names;
mod stmt;

use crate::ir::*;
use crate::FunctionBuilder;
use names::{is_interface_name, predefined, WELL_KNOWN};
use rampart_core::Span;
use rampart_syntax::SourceFile;
use rustc_hash::{FxHashMap, FxHashSet};
use std::cell::RefCell;
use tree_sitter::{Node, Tree};

/// Syntax nested deeper than this (expressions, statements, patterns, types) is not lowered
/// further: expressions become `Unknown` (bounds recursion on generated code).
const MAX_DEPTH: u32 = 100;

pub fn lower(file: &SourceFile, tree: &Tree) -> Module {
    let mut l = Lowerer::new(file);
    let root = tree.root_node();
    l.header(root);
    let top = l.reserve_fn();
    let name = l.module.name.clone();
    let b = FunctionBuilder::new("<module>", name, l.span(root));
    // Top-level statements (C# 9): local functions are visible from the start of the program.
    l.fns.push(FnCx::new(top, b, None));
    let globals: Vec<Node> = {
        let mut c = root.walk();
        root.named_children(&mut c)
            .filter(|n| n.kind() == "global_statement")
            .filter_map(|n| n.named_child(0))
            .collect()
    };
    l.hoist_local_functions(&globals);
    for s in &globals {
        l.stmt(*s);
    }
    l.finish_fn(top);
    let mut ns = Vec::new();
    l.declarations(root, &mut ns);
    l.module
}

fn is_type_declaration(kind: &str) -> bool {
    matches!(
        kind,
        "class_declaration"
            | "struct_declaration"
            | "record_declaration"
            | "interface_declaration"
            | "enum_declaration"
    )
}

struct ClassCx {
    id: ClassId,
    qualified: String,
    /// Field and property name → is static.
    fields: FxHashMap<String, bool>,
    /// Methods declared in the class body (unqualified calls to them dispatch on `this`).
    methods: FxHashSet<String>,
    /// The first base that is a class (not an interface): where inherited members come from.
    base: Option<String>,
}

struct FnCx {
    id: FuncId,
    b: FunctionBuilder,
    /// Variables known to hold strings (results of concatenation).
    stringy: FxHashSet<VarId>,
    /// (break target, continue target) of enclosing loops and switches.
    loops: Vec<(BlockId, Option<BlockId>)>,
    this_var: Option<VarId>,
    /// The values an iterator hands out with `yield return`, returned as its result.
    yielded: Option<VarId>,
}

impl FnCx {
    fn new(id: FuncId, b: FunctionBuilder, this_var: Option<VarId>) -> Self {
        FnCx {
            id,
            b,
            stringy: FxHashSet::default(),
            loops: Vec::new(),
            this_var,
            yielded: None,
        }
    }
}

struct Lowerer<'a> {
    src: &'a str,
    file: &'a SourceFile,
    /// `using X.Y;` namespaces, implicit usings included.
    usings: Vec<String>,
    /// `using static X.Y.C;` classes.
    static_usings: Vec<String>,
    /// `using A = X.Y.Z;`
    aliases: FxHashMap<String, String>,
    /// Simple names of the types declared in this file → qualified names.
    declared: FxHashMap<String, String>,
    /// The namespace of the first namespace declaration (empty: global namespace).
    namespace: String,
    /// Simple type names already resolved (the usings do not change while lowering).
    resolved: RefCell<FxHashMap<String, String>>,
    module: Module,
    classes: Vec<ClassCx>,
    fns: Vec<FnCx>,
    depth: u32,
}

impl<'a> Lowerer<'a> {
    fn new(file: &'a SourceFile) -> Self {
        Lowerer {
            src: &file.text,
            file,
            usings: Vec::new(),
            static_usings: Vec::new(),
            aliases: FxHashMap::default(),
            declared: FxHashMap::default(),
            namespace: String::new(),
            resolved: RefCell::new(FxHashMap::default()),
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
            depth: 0,
        }
    }

    fn text(&self, n: Node) -> &'a str {
        n.utf8_text(self.src.as_bytes()).unwrap_or("")
    }

    fn span(&self, n: Node) -> Span {
        self.file.span(n.start_byte(), n.end_byte())
    }

    fn reserve_fn(&mut self) -> FuncId {
        self.module
            .functions
            .push(FunctionBuilder::new("", "", Span::default()).finish());
        self.module.functions.len() as FuncId - 1
    }

    // ---- header: namespaces, usings, declared types ------------------------------------------

    fn header(&mut self, root: Node) {
        self.scan_usings_and_namespace(root, "", 0);
        self.module.name = if self.namespace.is_empty() {
            file_stem(&self.file.rel_path)
        } else {
            self.namespace.clone()
        };
        self.collect_declared(root, "", 0);
    }

    fn scan_usings_and_namespace(&mut self, node: Node, outer: &str, depth: u32) {
        if depth > MAX_DEPTH {
            return;
        }
        let mut c = node.walk();
        let kids: Vec<Node> = node.named_children(&mut c).collect();
        let mut current = outer.to_string();
        for child in kids {
            match child.kind() {
                "using_directive" => self.using(child),
                "file_scoped_namespace_declaration" => {
                    if let Some(n) = child.child_by_field_name("name") {
                        current = join(outer, self.text(n));
                        if self.namespace.is_empty() {
                            self.namespace = current.clone();
                        }
                    }
                }
                "namespace_declaration" => {
                    let inner = child
                        .child_by_field_name("name")
                        .map(|n| join(&current, self.text(n)))
                        .unwrap_or_else(|| current.clone());
                    if self.namespace.is_empty() {
                        self.namespace = inner.clone();
                    }
                    if let Some(body) = child.child_by_field_name("body") {
                        self.scan_usings_and_namespace(body, &inner, depth + 1);
                    }
                }
                _ => {}
            }
        }
    }

    fn using(&mut self, n: Node) {
        let text = self.text(n);
        let is_static = text.split_whitespace().take(3).any(|w| w == "static");
        let alias = n
            .child_by_field_name("name")
            .map(|a| self.text(a).to_string());
        let mut c = n.walk();
        let Some(target) = n
            .named_children(&mut c)
            .filter(|x| Some(*x) != n.child_by_field_name("name"))
            .find(|x| matches!(x.kind(), "identifier" | "qualified_name" | "generic_name"))
        else {
            return;
        };
        let target = strip_generics(self.text(target));
        let span = self.span(n);
        match alias {
            Some(local) => {
                self.aliases.insert(local.clone(), target.clone());
                self.module.imports.push(Import {
                    local,
                    target,
                    whole_module: false,
                    span,
                });
            }
            None if is_static => {
                self.static_usings.push(target.clone());
                self.module.imports.push(Import {
                    local: "*".to_string(),
                    target,
                    whole_module: false,
                    span,
                });
            }
            None => {
                self.usings.push(target.clone());
                self.module.imports.push(Import {
                    local: "*".to_string(),
                    target,
                    whole_module: true,
                    span,
                });
            }
        }
    }

    /// Records every type declared in the file, nested ones too, so references resolve.
    fn collect_declared(&mut self, node: Node, prefix: &str, depth: u32) {
        if depth > MAX_DEPTH {
            return;
        }
        let mut c = node.walk();
        let kids: Vec<Node> = node.named_children(&mut c).collect();
        let mut current = prefix.to_string();
        for child in kids {
            match child.kind() {
                "file_scoped_namespace_declaration" => {
                    if let Some(n) = child.child_by_field_name("name") {
                        current = join(prefix, self.text(n));
                    }
                }
                "namespace_declaration" => {
                    let inner = child
                        .child_by_field_name("name")
                        .map(|n| join(&current, self.text(n)))
                        .unwrap_or_else(|| current.clone());
                    if let Some(body) = child.child_by_field_name("body") {
                        self.collect_declared(body, &inner, depth + 1);
                    }
                }
                k if is_type_declaration(k) || k == "delegate_declaration" => {
                    if let Some(name) = child.child_by_field_name("name") {
                        let name = self.text(name).to_string();
                        let q = join(&current, &name);
                        self.declared.entry(name).or_insert_with(|| q.clone());
                        if let Some(body) = child.child_by_field_name("body") {
                            self.collect_declared(body, &q, depth + 1);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    // ---- types -------------------------------------------------------------------------------

    /// A simple type name, qualified. Unknown names resolve to the file's namespace when no
    /// other project namespace is imported; otherwise they stay simple (ambiguous).
    fn resolve_simple(&self, name: &str) -> String {
        let name = name.strip_prefix('@').unwrap_or(name);
        if let Some(q) = self.resolved.borrow().get(name) {
            return q.clone();
        }
        let q = self.resolve_uncached(name);
        self.resolved
            .borrow_mut()
            .insert(name.to_string(), q.clone());
        q
    }

    fn resolve_uncached(&self, name: &str) -> String {
        if let Some(q) = self.aliases.get(name) {
            return q.clone();
        }
        if let Some(q) = self.declared.get(name) {
            return q.clone();
        }
        if let Some(p) = predefined(name) {
            return p.to_string();
        }
        if let Some(q) = self.well_known(name) {
            return q;
        }
        // A project type: the file's namespace or one of the project namespaces it imports.
        let mut candidates: Vec<&str> = self
            .usings
            .iter()
            .filter(|u| !is_library_namespace(u))
            .map(String::as_str)
            .collect();
        if !self.namespace.is_empty() {
            candidates.push(&self.namespace);
        }
        match candidates.as_slice() {
            [] => name.to_string(),
            [only] => format!("{only}.{name}"),
            _ => {
                // Several: projects keep types in namespaces named for their role
                // (`IOrderService` in `Shop.Services`, `OrderDto` in `Shop.Models`).
                let roles = role_namespaces(name);
                let matching: Vec<&&str> = candidates
                    .iter()
                    .filter(|ns| roles.contains(&ns.rsplit('.').next().unwrap_or(ns)))
                    .collect();
                match matching.as_slice() {
                    [only] => format!("{only}.{name}"),
                    _ => name.to_string(),
                }
            }
        }
    }

    /// A well-known library type: the namespace imported by the file wins when the name exists
    /// in several (`SqlCommand` in `Microsoft.Data.SqlClient` or `System.Data.SqlClient`).
    fn well_known(&self, name: &str) -> Option<String> {
        let candidates: Vec<&str> = WELL_KNOWN
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, ns)| *ns)
            .collect();
        let first = candidates.first()?;
        let ns = candidates
            .iter()
            .find(|ns| self.usings.iter().any(|u| u == *ns))
            .unwrap_or(first);
        Some(format!("{ns}.{name}"))
    }

    fn resolve_type(&self, n: Node) -> String {
        match n.kind() {
            "identifier" => self.resolve_simple(self.text(n)),
            "predefined_type" => {
                let t = self.text(n);
                predefined(t).unwrap_or(t).to_string()
            }
            "generic_name" => {
                let mut c = n.walk();
                let base = n.named_children(&mut c).find(|x| x.kind() == "identifier");
                base.map(|b| self.resolve_simple(self.text(b)))
                    .unwrap_or_default()
            }
            "qualified_name" => {
                let text = strip_generics(self.text(n));
                let first = text.split('.').next().unwrap_or("");
                match self.aliases.get(first).or_else(|| self.declared.get(first)) {
                    Some(q) => format!("{q}{}", &text[first.len()..]),
                    None => text,
                }
            }
            "alias_qualified_name" => n
                .child_by_field_name("name")
                .map(|x| self.resolve_type(x))
                .unwrap_or_default(),
            "nullable_type" | "ref_type" | "scoped_type" | "pointer_type" => n
                .child_by_field_name("type")
                .map(|t| self.resolve_type(t))
                .unwrap_or_default(),
            "array_type" => {
                let elem = n
                    .child_by_field_name("type")
                    .map(|e| self.resolve_type(e))
                    .unwrap_or_default();
                format!("{elem}[]")
            }
            "implicit_type" => String::new(),
            _ => strip_generics(self.text(n)),
        }
    }

    /// A declared type, or `None` for `var`.
    fn declared_type(&self, n: Option<Node>) -> Option<String> {
        let t = self.resolve_type(n?);
        (!t.is_empty() && t != "var").then_some(t)
    }

    // ---- attributes --------------------------------------------------------------------------

    fn attributes(&self, n: Node) -> Vec<Decorator> {
        let mut out = Vec::new();
        let mut c = n.walk();
        for list in n.children(&mut c) {
            if list.kind() != "attribute_list" {
                continue;
            }
            let mut c2 = list.walk();
            for a in list.named_children(&mut c2) {
                if a.kind() == "attribute" {
                    out.push(self.attribute(a));
                }
            }
        }
        out
    }

    fn attribute(&self, a: Node) -> Decorator {
        let name = a
            .child_by_field_name("name")
            .map(|n| {
                let t = strip_generics(self.text(n));
                let t = t.strip_suffix("Attribute").unwrap_or(&t).to_string();
                if t.contains('.') {
                    t
                } else {
                    self.resolve_simple(&t)
                }
            })
            .unwrap_or_default();
        let mut args = Vec::new();
        let mut c = a.walk();
        if let Some(list) = a
            .named_children(&mut c)
            .find(|x| x.kind() == "attribute_argument_list")
        {
            let mut c2 = list.walk();
            for arg in list.named_children(&mut c2) {
                if arg.kind() != "attribute_argument" {
                    continue;
                }
                let keyword = arg
                    .child_by_field_name("name")
                    .map(|k| self.text(k).to_string());
                let mut c3 = arg.walk();
                let value = arg
                    .named_children(&mut c3)
                    .filter(|x| Some(*x) != arg.child_by_field_name("name"))
                    .last();
                if let Some(v) = value {
                    args.push(DecoratorArg {
                        keyword,
                        value: self.attribute_value(v),
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

    fn attribute_value(&self, v: Node) -> DecoratorValue {
        if matches!(
            v.kind(),
            "array_creation_expression"
                | "implicit_array_creation_expression"
                | "collection_expression"
        ) {
            let mut items = Vec::new();
            collect_initializer_items(v, &mut items);
            return DecoratorValue::List(
                items.into_iter().map(|x| self.attribute_value(x)).collect(),
            );
        }
        if v.kind() == "typeof_expression" {
            if let Some(t) = v.child_by_field_name("type") {
                return DecoratorValue::Expr(self.resolve_type(t));
            }
        }
        match self.const_expr(v) {
            Some(c) => DecoratorValue::Const(c),
            None => DecoratorValue::Expr(self.text(v).to_string()),
        }
    }

    fn has_modifier(&self, n: Node, word: &str) -> bool {
        let mut c = n.walk();
        let found = n
            .children(&mut c)
            .any(|x| x.kind() == "modifier" && self.text(x) == word);
        found
    }

    // ---- declarations ------------------------------------------------------------------------

    /// Type declarations at any namespace depth (top-level statements are lowered already).
    fn declarations(&mut self, node: Node, ns: &mut Vec<String>) {
        if ns.len() as u32 > MAX_DEPTH {
            return;
        }
        let mut kids = Vec::new();
        members_of(node, &mut kids);
        let depth = ns.len();
        for child in kids {
            match child.kind() {
                "file_scoped_namespace_declaration" => {
                    if let Some(n) = child.child_by_field_name("name") {
                        ns.truncate(depth);
                        ns.push(self.text(n).to_string());
                    }
                }
                "namespace_declaration" => {
                    let name = child
                        .child_by_field_name("name")
                        .map(|n| self.text(n).to_string())
                        .unwrap_or_default();
                    ns.push(name);
                    if let Some(body) = child.child_by_field_name("body") {
                        self.declarations(body, ns);
                    }
                    ns.pop();
                }
                k if is_type_declaration(k) => {
                    let prefix = ns
                        .iter()
                        .filter(|s| !s.is_empty())
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(".");
                    self.type_declaration(child, &prefix);
                }
                _ => {}
            }
        }
        ns.truncate(depth);
    }

    fn type_declaration(&mut self, n: Node, namespace: &str) {
        let Some(name_node) = n.child_by_field_name("name") else {
            return;
        };
        if self.classes.len() as u32 > MAX_DEPTH {
            return;
        }
        let name = self.text(name_node).to_string();
        let outer = self
            .classes
            .last()
            .map(|c| c.qualified.clone())
            .unwrap_or_else(|| namespace.to_string());
        let qualified = join(&outer, &name);
        let is_interface = n.kind() == "interface_declaration";
        let mut bases = Vec::new();
        let mut base_args = None;
        let mut c = n.walk();
        if let Some(list) = n.children(&mut c).find(|x| x.kind() == "base_list") {
            let mut c2 = list.walk();
            for t in list.named_children(&mut c2) {
                match t.kind() {
                    "primary_constructor_base_type" => {
                        if let Some(ty) = t.child_by_field_name("type") {
                            bases.push(self.resolve_type(ty));
                        }
                        let mut c3 = t.walk();
                        base_args = t
                            .named_children(&mut c3)
                            .find(|x| x.kind() == "argument_list");
                    }
                    "argument_list" => base_args = Some(t),
                    _ => bases.push(self.resolve_type(t)),
                }
            }
        }
        let base = if is_interface || n.kind() == "enum_declaration" {
            None
        } else {
            let mut c = n.walk();
            let list = n.children(&mut c).find(|x| x.kind() == "base_list");
            list.and_then(|l| {
                let mut c2 = l.walk();
                let first = l
                    .named_children(&mut c2)
                    .find(|x| x.kind() != "argument_list");
                first
            })
            .and_then(|first| {
                let simple = match first.kind() {
                    "primary_constructor_base_type" => first
                        .child_by_field_name("type")
                        .map(|t| self.text(t))
                        .unwrap_or(""),
                    _ => self.text(first),
                };
                let last = strip_generics(simple);
                let last = last.rsplit('.').next().unwrap_or("").to_string();
                (!is_interface_name(&last)).then(|| bases.first().cloned())
            })
            .flatten()
        };
        let decorators = self.attributes(n);
        if n.kind() == "enum_declaration" {
            // Every enum derives from `System.Enum`: its values are names, not free text.
            bases.insert(0, "System.Enum".to_string());
        }
        let id = self.module.classes.len() as ClassId;
        self.module.classes.push(Class {
            name: name.clone(),
            qualified_name: qualified.clone(),
            bases,
            is_interface,
            methods: Vec::new(),
            fields: Vec::new(),
            decorators,
            span: self.span(n),
        });
        self.classes.push(ClassCx {
            id,
            qualified: qualified.clone(),
            fields: FxHashMap::default(),
            methods: FxHashSet::default(),
            base,
        });
        // Positional records and primary constructors: parameters are members.
        let mut c = n.walk();
        let primary = n.children(&mut c).find(|x| x.kind() == "parameter_list");
        if let Some(params) = primary {
            let is_record = n.kind() == "record_declaration";
            let mut c = params.walk();
            for p in params.named_children(&mut c) {
                if p.kind() != "parameter" {
                    continue;
                }
                if let Some(pn) = p.child_by_field_name("name") {
                    let fname = self.text(pn).to_string();
                    let ty = self.declared_type(p.child_by_field_name("type"));
                    self.add_field(
                        &fname,
                        ty,
                        false,
                        is_record,
                        None,
                        self.attributes(p),
                        self.span(p),
                    );
                }
            }
        }
        if n.kind() == "enum_declaration" {
            if let Some(body) = n.child_by_field_name("body") {
                let mut c = body.walk();
                let members: Vec<Node> = body
                    .named_children(&mut c)
                    .filter(|m| m.kind() == "enum_member_declaration")
                    .collect();
                for m in members {
                    if let Some(mn) = m.child_by_field_name("name") {
                        let mname = self.text(mn).to_string();
                        let q = qualified.clone();
                        self.add_field(
                            &mname,
                            Some(q),
                            true,
                            true,
                            Some(Const::Str(mname.clone())),
                            Vec::new(),
                            self.span(m),
                        );
                    }
                }
            }
        } else if let Some(body) = n.child_by_field_name("body") {
            self.class_body(body, is_interface);
        }
        if let Some(params) = primary {
            self.primary_constructor(n, params, base_args);
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

    fn class_body(&mut self, body: Node, is_interface: bool) {
        let mut members = Vec::new();
        members_of(body, &mut members);
        // Fields and properties first, so methods declared above them still resolve them.
        for m in &members {
            match m.kind() {
                "field_declaration" | "event_field_declaration" => self.field_declaration(*m),
                "property_declaration" => self.property_members(*m, is_interface),
                "method_declaration" => {
                    if let Some(name) = m.child_by_field_name("name") {
                        let name = self.text(name).to_string();
                        if let Some(c) = self.classes.last_mut() {
                            c.methods.insert(name);
                        }
                    }
                }
                _ => {}
            }
        }
        for m in members {
            match m.kind() {
                "method_declaration"
                | "constructor_declaration"
                | "operator_declaration"
                | "conversion_operator_declaration"
                | "destructor_declaration" => self.method(m),
                "property_declaration" => self.property_accessors(m),
                "indexer_declaration" => self.property_accessors(m),
                k if is_type_declaration(k) => self.type_declaration(m, ""),
                _ => {}
            }
        }
    }

    fn field_declaration(&mut self, n: Node) {
        let in_interface = self
            .classes
            .last()
            .is_some_and(|c| self.module.classes[c.id as usize].is_interface);
        let is_const = self.has_modifier(n, "const");
        let is_static = self.has_modifier(n, "static") || is_const || in_interface;
        let is_final = self.has_modifier(n, "readonly") || is_const;
        let decorators = self.attributes(n);
        let mut c = n.walk();
        let Some(decl) = n
            .named_children(&mut c)
            .find(|x| x.kind() == "variable_declaration")
        else {
            return;
        };
        let ty = self.declared_type(decl.child_by_field_name("type"));
        let mut c = decl.walk();
        let declarators: Vec<Node> = decl
            .named_children(&mut c)
            .filter(|x| x.kind() == "variable_declarator")
            .collect();
        for d in declarators {
            let Some(name) = d.child_by_field_name("name") else {
                continue;
            };
            let init = declarator_value(d).and_then(|v| self.const_expr(v));
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

    /// Properties are fields (auto-properties and those with bodies alike: reads of `X` load
    /// `this.X`; bodies become `get_X`/`set_X` methods).
    fn property_members(&mut self, n: Node, in_interface: bool) {
        let Some(name) = n.child_by_field_name("name") else {
            return;
        };
        let name = self.text(name).to_string();
        let ty = self.declared_type(n.child_by_field_name("type"));
        let is_static = self.has_modifier(n, "static");
        let accessors = n.child_by_field_name("accessors");
        let has_setter = accessors.is_some_and(|a| {
            let mut c = a.walk();
            let found = a.named_children(&mut c).any(|x| {
                x.child_by_field_name("name")
                    .is_some_and(|k| matches!(self.text(k), "set" | "init"))
            });
            found
        });
        let init = n
            .child_by_field_name("value")
            .filter(|v| v.kind() != "arrow_expression_clause")
            .and_then(|v| self.const_expr(v));
        let is_final = !has_setter && !in_interface;
        let decorators = self.attributes(n);
        self.add_field(
            &name,
            ty,
            is_static,
            is_final,
            init,
            decorators,
            self.span(n),
        );
    }

    fn property_accessors(&mut self, n: Node) {
        let name = n
            .child_by_field_name("name")
            .map(|x| self.text(x).to_string())
            .unwrap_or_else(|| "Item".to_string());
        let is_static = self.has_modifier(n, "static");
        let ty = self.declared_type(n.child_by_field_name("type"));
        if let Some(v) = n
            .child_by_field_name("value")
            .filter(|v| v.kind() == "arrow_expression_clause")
        {
            self.accessor_fn(&format!("get_{name}"), n, v, is_static, ty.clone(), false);
        }
        if let Some(acc) = n.child_by_field_name("accessors") {
            let mut c = acc.walk();
            let list: Vec<Node> = acc.named_children(&mut c).collect();
            for a in list {
                let (Some(kind), Some(body)) =
                    (a.child_by_field_name("name"), a.child_by_field_name("body"))
                else {
                    continue;
                };
                let kind = self.text(kind).to_string();
                let is_set = matches!(kind.as_str(), "set" | "init");
                let fname = match kind.as_str() {
                    "get" => format!("get_{name}"),
                    "set" | "init" => format!("set_{name}"),
                    other => format!("{other}_{name}"),
                };
                self.accessor_fn(&fname, a, body, is_static, ty.clone(), is_set);
            }
        }
    }

    fn accessor_fn(
        &mut self,
        name: &str,
        decl: Node,
        body: Node,
        is_static: bool,
        ty: Option<String>,
        is_setter: bool,
    ) {
        let cls = self.class_qualified();
        let id = self.reserve_fn();
        let mut b = FunctionBuilder::new(name, format!("{cls}.{name}"), self.span(decl));
        b.func.is_static = is_static;
        b.func.class = self.classes.last().map(|c| c.id);
        b.func.decorators = self.attributes(decl);
        let this_var = (!is_static).then(|| b.add_param(receiver_param(&cls, self.span(decl))));
        if is_setter {
            b.add_param(Param {
                name: "value".to_string(),
                var: 0,
                ty: ty.clone(),
                kind: ParamKind::Normal,
                default: None,
                decorators: Vec::new(),
                span: self.span(decl),
            });
        } else {
            b.func.return_type = ty;
        }
        if let Some(c) = self.classes.last() {
            let cid = c.id as usize;
            self.module.classes[cid].methods.push(id);
        }
        self.fns.push(FnCx::new(id, b, this_var));
        self.body(body, !is_setter);
        self.finish_fn(id);
    }

    fn class_qualified(&self) -> String {
        self.classes
            .last()
            .map(|c| c.qualified.clone())
            .unwrap_or_else(|| self.module.name.clone())
    }

    fn method(&mut self, m: Node) {
        let is_ctor = m.kind() == "constructor_declaration";
        let name = match m.kind() {
            "constructor_declaration" => "<init>".to_string(),
            "destructor_declaration" => "<finalize>".to_string(),
            "operator_declaration" | "conversion_operator_declaration" => "<operator>".to_string(),
            _ => m
                .child_by_field_name("name")
                .map(|n| self.text(n).to_string())
                .unwrap_or_default(),
        };
        let is_static = self.has_modifier(m, "static");
        let cls = self.class_qualified();
        let id = self.reserve_fn();
        let mut b = FunctionBuilder::new(name.clone(), format!("{cls}.{name}"), self.span(m));
        b.func.decorators = self.attributes(m);
        b.func.is_static = is_static;
        b.func.is_constructor = is_ctor;
        b.func.non_public = !self.has_modifier(m, "public");
        b.func.class = self.classes.last().map(|c| c.id);
        let returns = m
            .child_by_field_name("returns")
            .or_else(|| m.child_by_field_name("type"));
        b.func.return_type = self.declared_type(returns);
        let is_void = b.func.return_type.as_deref() == Some("void");
        let this_var = (!is_static).then(|| b.add_param(receiver_param(&cls, self.span(m))));
        if let Some(params) = m.child_by_field_name("parameters") {
            self.params(&mut b, params);
        }
        if let Some(c) = self.classes.last() {
            let cid = c.id as usize;
            self.module.classes[cid].methods.push(id);
        }
        self.fns.push(FnCx::new(id, b, this_var));
        if is_ctor {
            self.constructor_initializer(m);
        }
        match m.child_by_field_name("body") {
            Some(body) => self.body(body, !is_void && !is_ctor),
            // Interface and abstract members: the implementation is not known here, so the
            // result depends on the receiver and every argument.
            None if !is_void && !is_ctor => {
                let span = self.span(m);
                let operands = self
                    .f()
                    .b
                    .func
                    .params
                    .iter()
                    .map(|p| Operand::Var(p.var))
                    .collect();
                let v = self.unknown(operands, span);
                self.terminate(Terminator::Return(Some(v)));
            }
            None => {}
        }
        self.finish_fn(id);
    }

    /// `: base(args)` / `: this(args)` runs before the body.
    fn constructor_initializer(&mut self, m: Node) {
        let mut c = m.walk();
        let Some(init) = m
            .children(&mut c)
            .find(|x| x.kind() == "constructor_initializer")
        else {
            return;
        };
        let is_base = self
            .text(init)
            .trim_start_matches(':')
            .trim_start()
            .starts_with("base");
        let mut c = init.walk();
        let list = init
            .named_children(&mut c)
            .find(|x| x.kind() == "argument_list");
        let target = if is_base {
            self.classes.last().and_then(|c| c.base.clone())
        } else {
            Some(self.class_qualified())
        };
        let span = self.span(init);
        let args = self.args(list);
        if let Some(t) = target {
            self.call_init(format!("{t}.<init>"), args, span);
        }
    }

    fn call_init(&mut self, path: String, args: Vec<Arg>, span: Span) {
        self.emit(
            InstKind::Call {
                dst: None,
                callee: Callee::Path(path),
                args,
            },
            span,
        );
    }

    /// Records and primary constructors: `<init>(params)` stores each parameter in its member.
    fn primary_constructor(&mut self, n: Node, params: Node, base_args: Option<Node>) {
        let cls = self.class_qualified();
        let id = self.reserve_fn();
        let span = self.span(n);
        let mut b = FunctionBuilder::new("<init>", format!("{cls}.<init>"), span);
        b.func.is_constructor = true;
        b.func.class = self.classes.last().map(|c| c.id);
        let this = b.add_param(receiver_param(&cls, span));
        self.params(&mut b, params);
        let stores: Vec<(String, VarId, Span)> = b
            .func
            .params
            .iter()
            .filter(|p| p.kind != ParamKind::Receiver)
            .map(|p| (p.name.clone(), p.var, p.span))
            .collect();
        if let Some(c) = self.classes.last() {
            let cid = c.id as usize;
            self.module.classes[cid].methods.push(id);
        }
        self.fns.push(FnCx::new(id, b, Some(this)));
        if let Some(list) = base_args {
            let base = self.classes.last().and_then(|c| c.base.clone());
            let args = self.args(Some(list));
            if let Some(base) = base {
                self.call_init(format!("{base}.<init>"), args, span);
            }
        }
        for (name, var, pspan) in stores {
            self.emit(
                InstKind::Store {
                    obj: this,
                    field: name,
                    src: Operand::Var(var),
                },
                pspan,
            );
        }
        self.finish_fn(id);
    }

    fn finish_fn(&mut self, id: FuncId) {
        if let Some(f) = self.fns.pop() {
            let mut func = f.b.finish();
            if let Some(y) = f.yielded {
                // An iterator's exits return what it yielded.
                for block in &mut func.blocks {
                    if matches!(block.term, Terminator::Return(None)) {
                        block.term = Terminator::Return(Some(Operand::Var(y)));
                    }
                }
            }
            self.module.functions[id as usize] = func;
        }
    }

    /// A method, accessor, lambda or local function body: a block, or `=> expr` (returned when
    /// `returns`).
    fn body(&mut self, body: Node, returns: bool) {
        match body.kind() {
            "block" => self.block(body),
            "arrow_expression_clause" => {
                if let Some(e) = body.named_child(0) {
                    self.expr_body(e, returns);
                }
            }
            _ => self.expr_body(body, returns),
        }
    }

    fn expr_body(&mut self, e: Node, returns: bool) {
        let v = self.expr(e);
        if returns {
            self.f().b.terminate(Terminator::Return(Some(v)));
        }
    }

    fn params(&mut self, b: &mut FunctionBuilder, params: Node) {
        let mut c = params.walk();
        for p in params.named_children(&mut c) {
            match p.kind() {
                "parameter" => {
                    let name = p
                        .child_by_field_name("name")
                        .map(|n| self.text(n).to_string())
                        .unwrap_or_default();
                    let ty = self.declared_type(p.child_by_field_name("type"));
                    let is_params = self.has_modifier(p, "params");
                    let default = {
                        let mut c2 = p.walk();
                        let skip = [p.child_by_field_name("name"), p.child_by_field_name("type")];
                        let value = p.named_children(&mut c2).find(|x| {
                            !skip.contains(&Some(*x))
                                && !matches!(x.kind(), "attribute_list" | "modifier")
                        });
                        value.and_then(|v| self.const_expr(v))
                    };
                    b.add_param(Param {
                        name,
                        var: 0,
                        ty,
                        kind: if is_params {
                            ParamKind::Rest
                        } else {
                            ParamKind::Normal
                        },
                        default,
                        decorators: self.attributes(p),
                        span: self.span(p),
                    });
                }
                "identifier" | "implicit_parameter" => {
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

    // ---- function-level helpers --------------------------------------------------------------

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
            InstKind::Assign {
                dst,
                src: Operand::Const(Const::Str(_)),
            } => {
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

    fn unknown(&mut self, operands: Vec<Operand>, span: Span) -> Operand {
        let dst = self.temp();
        self.emit(InstKind::Unknown { dst, operands }, span);
        Operand::Var(dst)
    }

    fn new_block(&mut self) -> BlockId {
        self.f().b.new_block()
    }

    fn switch_to(&mut self, b: BlockId) {
        self.f().b.switch_to(b);
    }

    fn terminate(&mut self, t: Terminator) {
        self.f().b.terminate(t);
    }
}

fn receiver_param(class: &str, span: Span) -> Param {
    Param {
        name: "this".to_string(),
        var: 0,
        ty: Some(class.to_string()),
        kind: ParamKind::Receiver,
        default: None,
        decorators: Vec::new(),
        span,
    }
}

/// The members of a declaration list, with those inside `#if`/`#elif`/`#else` blocks (every
/// branch: any may be compiled).
fn members_of<'t>(n: Node<'t>, out: &mut Vec<Node<'t>>) {
    let mut stack: Vec<Vec<Node<'t>>> = vec![children_rev(n)];
    while let Some(top) = stack.last_mut() {
        let Some(k) = top.pop() else {
            stack.pop();
            continue;
        };
        if matches!(k.kind(), "preproc_if" | "preproc_elif" | "preproc_else") {
            stack.push(children_rev(k));
        } else {
            out.push(k);
        }
    }
}

/// The initializer of a `variable_declarator` (`x = value`), which has no field name.
fn declarator_value(d: Node) -> Option<Node> {
    let name = d.child_by_field_name("name");
    let mut c = d.walk();
    let v = d.named_children(&mut c).find(|x| {
        Some(*x) != name && !matches!(x.kind(), "bracketed_argument_list" | "tuple_pattern")
    });
    v
}

/// Elements of an array/collection initializer, in order (nested initializer wrappers are
/// walked with an explicit stack: generated code nests them deeply).
fn collect_initializer_items<'t>(n: Node<'t>, out: &mut Vec<Node<'t>>) {
    // Each entry: the children still to visit of one wrapper, in reverse order.
    let mut stack: Vec<Vec<Node<'t>>> = vec![children_rev(n)];
    while let Some(top) = stack.last_mut() {
        let Some(k) = top.pop() else {
            stack.pop();
            continue;
        };
        match k.kind() {
            "initializer_expression" | "collection_element" | "expression_element" => {
                stack.push(children_rev(k))
            }
            "array_type" | "array_rank_specifier" => {}
            _ => out.push(k),
        }
    }
}

fn children_rev(n: Node) -> Vec<Node> {
    let mut c = n.walk();
    let mut kids: Vec<Node> = n.named_children(&mut c).collect();
    kids.reverse();
    kids
}

/// The last namespace segments a project type of this name conventionally lives under.
fn role_namespaces(name: &str) -> &'static [&'static str] {
    let ends = |suffixes: &[&str]| suffixes.iter().any(|s| name.ends_with(s));
    if ends(&["Service", "Services"]) {
        &[
            "Services",
            "Service",
            "Application",
            "Interfaces",
            "Abstractions",
            "Contracts",
            "Core",
        ]
    } else if ends(&["Repository"]) {
        &[
            "Repositories",
            "Repository",
            "Data",
            "Infrastructure",
            "Persistence",
            "Interfaces",
        ]
    } else if ends(&["Context"]) {
        &["Data", "Infrastructure", "Persistence", "Database", "Db"]
    } else if ends(&[
        "Dto",
        "DTO",
        "Request",
        "Response",
        "Model",
        "ViewModel",
        "Command",
        "Query",
    ]) {
        &[
            "Models",
            "Dtos",
            "DTOs",
            "Contracts",
            "ViewModels",
            "Requests",
            "Responses",
            "Commands",
            "Queries",
        ]
    } else if ends(&["Options", "Settings", "Config"]) {
        &["Options", "Settings", "Configuration", "Config"]
    } else if ends(&["Controller"]) {
        &["Controllers"]
    } else if ends(&["Exception"]) {
        &["Exceptions"]
    } else if ends(&["Validator"]) {
        &["Validators", "Validation"]
    } else if ends(&["Helper", "Helpers", "Utils", "Extensions"]) {
        &["Helpers", "Utils", "Utilities", "Common", "Extensions"]
    } else {
        &["Models", "Entities", "Domain", "Enums"]
    }
}

/// Namespaces of the platform and common libraries (never the project's own).
fn is_library_namespace(ns: &str) -> bool {
    let root = ns.split('.').next().unwrap_or("");
    matches!(
        root,
        "System"
            | "Microsoft"
            | "Newtonsoft"
            | "Dapper"
            | "Serilog"
            | "NLog"
            | "AutoMapper"
            | "FluentValidation"
            | "MediatR"
            | "Npgsql"
            | "MySql"
            | "MySqlConnector"
            | "MongoDB"
            | "StackExchange"
            | "Swashbuckle"
            | "Polly"
            | "RestSharp"
            | "Xunit"
            | "NUnit"
            | "Moq"
            | "HtmlAgilityPack"
            | "Ganss"
            | "BCrypt"
            | "Azure"
            | "Amazon"
            | "Google"
    )
}

fn file_stem(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".cs").unwrap_or(name).to_string()
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
    let mut depth = 0i32;
    for ch in t.chars() {
        match ch {
            '<' => depth += 1,
            '>' => depth -= 1,
            '?' if depth == 0 => {}
            c if depth == 0 && !c.is_whitespace() => out.push(c),
            _ => {}
        }
    }
    out.strip_prefix("global::")
        .map(str::to_string)
        .unwrap_or(out)
}
