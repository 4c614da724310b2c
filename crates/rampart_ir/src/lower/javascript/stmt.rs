//! Statements and control flow.

use super::{FnSpec, LoopTarget, Lowerer, Name, NodeExt, MAX_DEPTH};
use crate::ir::*;
use tree_sitter::Node;

/// How a pattern binds its names.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Bind {
    /// `let`/`const`/parameters: new locals in the current scope.
    Let,
    /// `var`: the function-scoped local (declared at entry).
    Var,
    /// Assignment to existing names.
    Assign,
}

impl<'a> Lowerer<'a> {
    /// Lowers the statements of a block or program in a new scope, hoisting function
    /// declarations to its start.
    pub(super) fn lower_statements(&mut self, block: Node) {
        self.b().push_scope();
        self.hoist_functions(block);
        let mut cursor = block.walk();
        for stmt in block.named_children(&mut cursor) {
            self.lower_stmt(stmt);
        }
        self.b().pop_scope();
    }

    /// Reserves and binds every function declared directly in `block`, so calls before the
    /// declaration and closures that capture it resolve.
    fn hoist_functions(&mut self, block: Node) {
        let mut cursor = block.walk();
        for stmt in block.named_children(&mut cursor) {
            let decl = if stmt.kind() == "export_statement" {
                match stmt.field("declaration") {
                    Some(d) => d,
                    None => continue,
                }
            } else {
                stmt
            };
            if !matches!(
                decl.kind(),
                "function_declaration" | "generator_function_declaration"
            ) {
                continue;
            }
            let Some(name) = decl.field("name") else {
                continue;
            };
            let name = self.text(name).to_string();
            let span = self.span(decl);
            let parent_qn = self.current_qn();
            let qn = self.unique_qn(&parent_qn, &name, span);
            self.functions.push(None);
            let id = (self.functions.len() - 1) as FuncId;
            self.hoisted.insert(decl.id(), (id, qn.clone()));
            let var = self.b().declare(&name, None);
            self.ctx().decl_fns.insert(var, qn);
            self.emit(InstKind::FuncRef { dst: var, func: id }, span);
        }
    }

    pub(super) fn lower_stmt(&mut self, n: Node) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        self.lower_stmt_inner(n, None);
        self.depth -= 1;
    }

    fn lower_stmt_inner(&mut self, n: Node, label: Option<String>) {
        let span = self.span(n);
        match n.kind() {
            "expression_statement" => {
                if let Some(e) = n.named_child(0) {
                    self.lower_expr_stmt(e);
                }
            }
            "lexical_declaration" | "variable_declaration" => {
                let bind = if n.kind() == "variable_declaration" {
                    Bind::Var
                } else {
                    Bind::Let
                };
                let mut cursor = n.walk();
                for d in n.named_children(&mut cursor) {
                    if d.kind() == "variable_declarator" {
                        self.lower_declarator(d, bind);
                    }
                }
            }
            "function_declaration" | "generator_function_declaration" => {
                let reserved = self.hoisted.get(&n.id()).cloned();
                let was_hoisted = reserved.is_some();
                let id = self.lower_function(
                    n,
                    FnSpec {
                        reserved,
                        ..Default::default()
                    },
                );
                // Declared in a position hoisting did not see (e.g. a labeled statement).
                if !was_hoisted {
                    if let Some(name) = n.field("name") {
                        let name = self.text(name).to_string();
                        let var = self.b().lookup_or_declare(&name);
                        self.emit(InstKind::FuncRef { dst: var, func: id }, span);
                    }
                }
            }
            "class_declaration" | "abstract_class_declaration" => {
                self.lower_class_decl(n, Vec::new());
            }
            "enum_declaration" => self.lower_enum(n),
            "export_statement" => self.lower_export(n),
            "statement_block" => self.lower_statements(n),
            "if_statement" => self.lower_if(n),
            "for_statement" => self.lower_for(n, label),
            "for_in_statement" => self.lower_for_in(n, label),
            "while_statement" => self.lower_while(n, label),
            "do_statement" => self.lower_do(n, label),
            "try_statement" => self.lower_try(n),
            "switch_statement" => self.lower_switch(n, label),
            "labeled_statement" => {
                let label = n.field("label").map(|l| self.text(l).to_string());
                if let Some(body) = n.field("body") {
                    if matches!(
                        body.kind(),
                        "for_statement"
                            | "for_in_statement"
                            | "while_statement"
                            | "do_statement"
                            | "switch_statement"
                    ) {
                        self.lower_stmt_inner(body, label);
                    } else {
                        // A labeled block: `break label` leaves it.
                        let exit = self.b().new_block();
                        self.ctx().loops.push(LoopTarget {
                            label,
                            brk: exit,
                            cont: None,
                            plain_block: true,
                        });
                        self.lower_stmt(body);
                        self.ctx().loops.pop();
                        self.b().goto_and_switch(exit);
                    }
                }
            }
            "return_statement" => {
                let value = n.named_child(0).filter(|c| c.kind() != "comment");
                let v = value.map(|e| self.lower_expr(e));
                self.b().terminate(Terminator::Return(v));
            }
            "throw_statement" => {
                let v = n.named_child(0).map(|e| self.lower_expr(e));
                self.b().terminate(Terminator::Throw(v));
            }
            "break_statement" | "continue_statement" => {
                let label = n.field("label").map(|l| self.text(l).to_string());
                let is_break = n.kind() == "break_statement";
                let target = self
                    .ctx()
                    .loops
                    .iter()
                    .rev()
                    .find_map(|t| match (&label, is_break) {
                        (Some(l), true) if t.label.as_ref() == Some(l) => Some(t.brk),
                        (Some(l), false) if t.label.as_ref() == Some(l) => t.cont,
                        (None, true) if !t.plain_block => Some(t.brk),
                        (None, false) => t.cont,
                        _ => None,
                    });
                if let Some(t) = target {
                    self.b().terminate(Terminator::Goto(t));
                }
            }
            "with_statement" => {
                if let Some(o) = n.field("object") {
                    self.lower_expr(o);
                }
                if let Some(b) = n.field("body") {
                    self.lower_stmt(b);
                }
            }
            // TypeScript namespaces: their statements run in place.
            "internal_module" | "module" => {
                if let Some(b) = n.field("body") {
                    self.lower_statements(b);
                }
            }
            "import_statement"
            | "comment"
            | "empty_statement"
            | "debugger_statement"
            | "hash_bang_line"
            | "interface_declaration"
            | "type_alias_declaration"
            | "ambient_declaration"
            | "function_signature"
            | "abstract_method_signature"
            | "import_alias" => {}
            _ => {
                // ERROR nodes and anything unforeseen: lower what is inside.
                let mut cursor = n.walk();
                let children: Vec<Node> = n.named_children(&mut cursor).collect();
                for c in children {
                    if c.kind().ends_with("statement") || c.kind().ends_with("declaration") {
                        self.lower_stmt(c);
                    } else if !c.kind().contains("type") && c.kind() != "comment" {
                        self.lower_expr(c);
                    }
                }
            }
        }
    }

    fn lower_class_decl(&mut self, n: Node, decorators: Vec<crate::ir::Decorator>) {
        let span = self.span(n);
        let cid = self.lower_class(n, None, decorators);
        // Nested classes are values of the enclosing function; top-level ones are module names.
        if !self.at_top_level() {
            if let Some(name) = n.field("name") {
                let name = self.text(name).to_string();
                let path = self.class_name(cid, true);
                let var = self.b().declare(&name, None);
                self.emit(InstKind::Global { dst: var, path }, span);
            }
        }
    }

    fn lower_declarator(&mut self, d: Node, bind: Bind) {
        if self.import_decls.contains(&d.id()) {
            return;
        }
        let Some(name) = d.field("name") else {
            return;
        };
        let ty = self.type_text(d.field("type"));
        let value = match d.field("value") {
            Some(v) => {
                let hint = (name.kind() == "identifier").then(|| self.text(name).to_string());
                self.lower_expr_named(v, hint)
            }
            None => {
                if bind == Bind::Var {
                    return;
                }
                Operand::Const(Const::Null)
            }
        };
        if name.kind() == "identifier" {
            let n = self.text(name).to_string();
            let var = match bind {
                Bind::Let => self.b().declare(&n, ty),
                _ => self.b().lookup_or_declare(&n),
            };
            let span = self.span(d);
            self.assign_to(var, value, span);
        } else {
            self.bind_pattern(name, value, bind);
        }
    }

    /// Binds a destructuring pattern (or a plain name) to a value: `{ a, b: c = 1, ...rest }`
    /// loads `a` and `b`, `[x, y]` loads elements 0 and 1, rest is unknown over the whole.
    pub(super) fn bind_pattern(&mut self, pat: Node, value: Operand, bind: Bind) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        let span = self.span(pat);
        match pat.kind() {
            "identifier" | "shorthand_property_identifier_pattern" => {
                let name = self.text(pat).to_string();
                let var = match bind {
                    Bind::Let => self.b().declare(&name, None),
                    Bind::Var | Bind::Assign => self.b().lookup_or_declare(&name),
                };
                self.assign_to(var, value, span);
            }
            "object_pattern" => {
                let obj = self.var_of(value, span);
                let mut cursor = pat.walk();
                let props: Vec<Node> = pat.named_children(&mut cursor).collect();
                for p in props {
                    let pspan = self.span(p);
                    match p.kind() {
                        "shorthand_property_identifier_pattern" => {
                            let field = self.text(p).to_string();
                            let v = self.load_field(obj, field, pspan);
                            self.bind_pattern(p, v, bind);
                        }
                        "object_assignment_pattern" => {
                            if let Some(left) = p.field("left") {
                                let v = match left.kind() {
                                    "shorthand_property_identifier_pattern" => {
                                        let field = self.text(left).to_string();
                                        self.load_field(obj, field, pspan)
                                    }
                                    _ => Operand::Var(obj),
                                };
                                self.bind_pattern(left, v, bind);
                            }
                        }
                        "pair_pattern" => {
                            let (Some(key), Some(val)) = (p.field("key"), p.field("value")) else {
                                continue;
                            };
                            let v = match self.property_name(key) {
                                Some(field) => self.load_field(obj, field, pspan),
                                None => {
                                    let k = key
                                        .named_child(0)
                                        .map(|e| self.lower_expr(e))
                                        .unwrap_or(Operand::Const(Const::Null));
                                    let dst = self.temp();
                                    self.emit(InstKind::LoadIndex { dst, obj, key: k }, pspan);
                                    Operand::Var(dst)
                                }
                            };
                            self.bind_pattern(val, v, bind);
                        }
                        "rest_pattern" => {
                            let dst = self.temp();
                            self.emit(
                                InstKind::Unknown {
                                    dst,
                                    operands: vec![Operand::Var(obj)],
                                },
                                pspan,
                            );
                            if let Some(inner) = p.named_child(0) {
                                self.bind_pattern(inner, Operand::Var(dst), bind);
                            }
                        }
                        _ => {}
                    }
                }
            }
            "array_pattern" => {
                let arr = self.var_of(value, span);
                let mut cursor = pat.walk();
                let items: Vec<Node> = pat.named_children(&mut cursor).collect();
                for (i, item) in items
                    .into_iter()
                    .filter(|c| c.kind() != "comment")
                    .enumerate()
                {
                    let ispan = self.span(item);
                    if item.kind() == "rest_pattern" {
                        let dst = self.temp();
                        self.emit(
                            InstKind::Unknown {
                                dst,
                                operands: vec![Operand::Var(arr)],
                            },
                            ispan,
                        );
                        if let Some(inner) = item.named_child(0) {
                            self.bind_pattern(inner, Operand::Var(dst), bind);
                        }
                        continue;
                    }
                    let dst = self.temp();
                    self.emit(
                        InstKind::LoadIndex {
                            dst,
                            obj: arr,
                            key: Operand::Const(Const::Int(i as i64)),
                        },
                        ispan,
                    );
                    self.bind_pattern(item, Operand::Var(dst), bind);
                }
            }
            "assignment_pattern" => {
                if let Some(left) = pat.field("left") {
                    self.bind_pattern(left, value, bind);
                }
            }
            "rest_pattern" => {
                if let Some(inner) = pat.named_child(0) {
                    self.bind_pattern(inner, value, bind);
                }
            }
            // Destructuring assignment into properties: `({ a: this.a } = obj)`.
            "member_expression"
            | "subscript_expression"
            | "parenthesized_expression"
            | "non_null_expression" => {
                self.assign_target(pat, value, span);
            }
            _ => {}
        }
        self.depth -= 1;
    }

    fn lower_export(&mut self, n: Node) {
        let mut decorators = Vec::new();
        let mut is_default = false;
        let mut cursor = n.walk();
        for c in n.children(&mut cursor) {
            match c.kind() {
                "decorator" => decorators.extend(self.decorator(c)),
                "default" => is_default = true,
                _ => {}
            }
        }
        let source = n
            .field("source")
            .and_then(|s| self.string_value(s))
            .map(|s| super::normalize_specifier(&s, &self.module_name));
        if let Some(decl) = n.field("declaration") {
            let mut names = Vec::new();
            match decl.kind() {
                "lexical_declaration" | "variable_declaration" => {
                    let mut c = decl.walk();
                    for d in decl.named_children(&mut c) {
                        if let Some(name) = d.field("name") {
                            self.pattern_names(name, &mut names);
                        }
                    }
                }
                _ => {
                    if let Some(name) = decl.field("name") {
                        names.push(self.text(name).to_string());
                    }
                }
            }
            if matches!(
                decl.kind(),
                "class_declaration" | "abstract_class_declaration"
            ) {
                self.lower_class_decl(decl, decorators);
            } else {
                self.lower_stmt(decl);
            }
            for name in names {
                let export = if is_default { "default" } else { &name }.to_string();
                self.exports.push(Export {
                    name: export,
                    local: name,
                    from: None,
                });
            }
            return;
        }
        // `export default <expr>`, or TypeScript `export = <expr>`.
        let value = n.field("value").or_else(|| {
            let mut c = n.walk();
            let has_eq = n.children(&mut c).any(|c| c.kind() == "=");
            let mut c = n.walk();
            let found = n
                .named_children(&mut c)
                .find(|c| !matches!(c.kind(), "decorator" | "comment"));
            found.filter(|_| has_eq)
        });
        if let Some(value) = value {
            self.lower_default_export(value, decorators);
            return;
        }
        let mut cursor = n.walk();
        for c in n.named_children(&mut cursor) {
            match c.kind() {
                "export_clause" => {
                    let mut sc = c.walk();
                    for spec in c.named_children(&mut sc) {
                        if spec.kind() != "export_specifier" {
                            continue;
                        }
                        let Some(local) = spec
                            .field("name")
                            .and_then(|x| self.property_name(x).or(Some(self.text(x).into())))
                        else {
                            continue;
                        };
                        let name = spec
                            .field("alias")
                            .and_then(|x| self.property_name(x).or(Some(self.text(x).into())))
                            .unwrap_or_else(|| local.clone());
                        self.exports.push(Export {
                            name,
                            local,
                            from: source.clone(),
                        });
                    }
                }
                "namespace_export" => {
                    let name = c
                        .named_child(0)
                        .and_then(|x| self.property_name(x))
                        .unwrap_or_else(|| "*".into());
                    self.exports.push(Export {
                        name,
                        local: "*".into(),
                        from: source.clone(),
                    });
                }
                _ => {}
            }
        }
        // `export * from './x'`
        if source.is_some() && !self.exports.iter().any(|e| e.from == source) {
            self.exports.push(Export {
                name: "*".into(),
                local: "*".into(),
                from: source,
            });
        }
    }

    /// `export default <expr>` (and TypeScript `export = <expr>`).
    fn lower_default_export(&mut self, value: Node, decorators: Vec<crate::ir::Decorator>) {
        let span = self.span(value);
        let local = match value.kind() {
            "identifier" => self.text(value).to_string(),
            "function_expression"
            | "function"
            | "generator_function"
            | "arrow_function"
            | "function_declaration"
            | "generator_function_declaration" => {
                let name = value
                    .field("name")
                    .map(|n| self.text(n).to_string())
                    .unwrap_or_else(|| "default".to_string());
                let id = self.lower_function(
                    value,
                    FnSpec {
                        name: Some(name.clone()),
                        reserved: self.hoisted.get(&value.id()).cloned(),
                        ..Default::default()
                    },
                );
                let var = self.b().lookup_or_declare(&name);
                self.emit(InstKind::FuncRef { dst: var, func: id }, span);
                self.module_names
                    .entry(name.clone())
                    .or_insert_with(|| format!("{}.{name}", self.module_name));
                name
            }
            "class" | "class_declaration" | "abstract_class_declaration" => {
                let cid = self.lower_class(value, Some("default".into()), decorators);
                let name = self.class_name(cid, false);
                self.module_names
                    .entry(name.clone())
                    .or_insert_with(|| format!("{}.{name}", self.module_name));
                name
            }
            _ => {
                let v = self.lower_expr_named(value, Some("default".into()));
                let var = self.b().lookup_or_declare("default");
                self.assign_to(var, v, span);
                "default".to_string()
            }
        };
        self.exports.push(Export {
            name: "default".into(),
            local,
            from: None,
        });
    }

    /// Records CommonJS exports: `module.exports = x`, `module.exports = { a, b: c }`,
    /// `module.exports.f = ...`, `exports.f = ...`. Only at the top level.
    pub(super) fn record_commonjs_export(&mut self, left: Node, right: Node) {
        if !self.at_top_level() {
            return;
        }
        let target = self.text(left);
        let target: String = target.chars().filter(|c| !c.is_whitespace()).collect();
        if target == "module.exports" {
            match right.kind() {
                "object" => {
                    let mut cursor = right.walk();
                    for p in right.named_children(&mut cursor) {
                        let (name, local) = match p.kind() {
                            "shorthand_property_identifier" => {
                                let n = self.text(p).to_string();
                                (n.clone(), n)
                            }
                            "pair" => {
                                let Some(key) = p.field("key").and_then(|k| self.property_name(k))
                                else {
                                    continue;
                                };
                                let local = match p.field("value") {
                                    Some(v) if v.kind() == "identifier" => self.text(v).to_string(),
                                    _ => key.clone(),
                                };
                                (key, local)
                            }
                            "method_definition" => {
                                let Some(key) = p.field("name").and_then(|k| self.property_name(k))
                                else {
                                    continue;
                                };
                                (key.clone(), key)
                            }
                            _ => continue,
                        };
                        self.exports.push(Export {
                            name,
                            local,
                            from: None,
                        });
                    }
                }
                "identifier" => self.exports.push(Export {
                    name: "default".into(),
                    local: self.text(right).to_string(),
                    from: None,
                }),
                "call_expression" => {
                    // `module.exports = require('./x')`: a re-export.
                    if let Some((m, None)) = self.require_target(right) {
                        self.exports.push(Export {
                            name: "*".into(),
                            local: "*".into(),
                            from: Some(m),
                        });
                    } else {
                        self.exports.push(Export {
                            name: "default".into(),
                            local: "default".into(),
                            from: None,
                        });
                    }
                }
                _ => self.exports.push(Export {
                    name: "default".into(),
                    local: "default".into(),
                    from: None,
                }),
            }
            return;
        }
        let member = target
            .strip_prefix("module.exports.")
            .or_else(|| target.strip_prefix("exports."));
        if let Some(name) = member {
            if name.contains('.') || name.contains('[') {
                return;
            }
            let local = if right.kind() == "identifier" {
                self.text(right).to_string()
            } else {
                name.to_string()
            };
            self.exports.push(Export {
                name: name.to_string(),
                local,
                from: None,
            });
        }
    }

    // ----- control flow ---------------------------------------------------------------------

    fn lower_if(&mut self, n: Node) {
        let then_bb = self.b().new_block();
        let join = self.b().new_block();
        let alt = n.field("alternative");
        let else_bb = if alt.is_some() {
            self.b().new_block()
        } else {
            join
        };
        match n.field("condition") {
            Some(c) => self.lower_cond(c, then_bb, else_bb),
            None => self.b().terminate(Terminator::Goto(then_bb)),
        }
        self.b().switch_to(then_bb);
        if let Some(c) = n.field("consequence") {
            self.lower_stmt(c);
        }
        self.b().terminate(Terminator::Goto(join));
        if let Some(alt) = alt {
            self.b().switch_to(else_bb);
            // `else_clause` wraps the statement.
            let mut cursor = alt.walk();
            let stmts: Vec<Node> = alt.named_children(&mut cursor).collect();
            for s in stmts {
                self.lower_stmt(s);
            }
            self.b().terminate(Terminator::Goto(join));
        }
        self.b().switch_to(join);
    }

    /// Lowers a condition into branches, short-circuiting `&&` and `||` so guards such as
    /// `if (!id || !UUID_RE.test(id)) return` keep one branch per test.
    pub(super) fn lower_cond(&mut self, c: Node, then_bb: BlockId, else_bb: BlockId) {
        if self.depth > MAX_DEPTH {
            self.b().terminate(Terminator::Goto(then_bb));
            return;
        }
        self.depth += 1;
        match c.kind() {
            "parenthesized_expression" if c.named_child_count() == 1 => {
                if let Some(inner) = c.named_child(0) {
                    self.lower_cond(inner, then_bb, else_bb);
                }
            }
            "binary_expression" if matches!(self.op_text(c), "&&" | "||") => {
                let op = self.op_text(c);
                let mid = self.b().new_block();
                if let Some(l) = c.field("left") {
                    if op == "&&" {
                        self.lower_cond(l, mid, else_bb);
                    } else {
                        self.lower_cond(l, then_bb, mid);
                    }
                }
                self.b().switch_to(mid);
                if let Some(r) = c.field("right") {
                    self.lower_cond(r, then_bb, else_bb);
                }
            }
            _ => {
                let cond = self.lower_expr(c);
                self.b().terminate(Terminator::Branch {
                    cond,
                    then: then_bb,
                    otherwise: else_bb,
                });
            }
        }
        self.depth -= 1;
    }

    pub(super) fn op_text(&self, n: Node) -> &'a str {
        n.field("operator").map(|o| self.text(o)).unwrap_or("")
    }

    /// A loop condition nobody can evaluate (`for...of` has another element).
    fn opaque_cond(&mut self, span: rampart_core::Span) -> Operand {
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

    fn lower_for(&mut self, n: Node, label: Option<String>) {
        let span = self.span(n);
        self.b().push_scope();
        if let Some(init) = n.field("initializer") {
            match init.kind() {
                "lexical_declaration" | "variable_declaration" => self.lower_stmt(init),
                "empty_statement" | ";" => {}
                _ => {
                    self.lower_expr_stmt(init);
                }
            }
        }
        let header = self.b().new_block();
        let body = self.b().new_block();
        let step = self.b().new_block();
        let exit = self.b().new_block();
        self.b().goto_and_switch(header);
        let cond = n.field("condition").and_then(|c| match c.kind() {
            "expression_statement" => c.named_child(0),
            "empty_statement" | ";" => None,
            _ => Some(c),
        });
        match cond {
            Some(c) => self.lower_cond(c, body, exit),
            None => self.b().terminate(Terminator::Goto(body)),
        }
        self.b().switch_to(body);
        self.ctx().loops.push(LoopTarget {
            label,
            brk: exit,
            cont: Some(step),
            plain_block: false,
        });
        if let Some(b) = n.field("body") {
            self.lower_stmt(b);
        }
        self.ctx().loops.pop();
        self.b().goto_and_switch(step);
        if let Some(inc) = n.field("increment") {
            self.lower_expr_stmt(inc);
        }
        self.b().terminate(Terminator::Goto(header));
        let _ = span;
        self.b().switch_to(exit);
        self.b().pop_scope();
    }

    fn lower_for_in(&mut self, n: Node, label: Option<String>) {
        let span = self.span(n);
        let is_of = n
            .field("operator")
            .map(|o| self.text(o) == "of")
            .unwrap_or(true);
        let bind = match n.field("kind").map(|k| self.text(k)) {
            Some("var") => Bind::Var,
            Some(_) => Bind::Let,
            None => Bind::Assign,
        };
        let iterable = n
            .field("right")
            .map(|r| self.lower_expr(r))
            .unwrap_or(Operand::Const(Const::Null));
        let iter_var = self.var_of(iterable, span);
        let header = self.b().new_block();
        let body = self.b().new_block();
        let exit = self.b().new_block();
        self.b().goto_and_switch(header);
        let cond = self.opaque_cond(span);
        self.b().terminate(Terminator::Branch {
            cond,
            then: body,
            otherwise: exit,
        });
        self.b().switch_to(body);
        self.b().push_scope();
        // for-of reads elements; for-in reads keys (still controlled by whoever built the object).
        let dst = self.temp();
        if is_of {
            let key = self.opaque_cond(span);
            self.emit(
                InstKind::LoadIndex {
                    dst,
                    obj: iter_var,
                    key,
                },
                span,
            );
        } else {
            self.emit(
                InstKind::Unknown {
                    dst,
                    operands: vec![Operand::Var(iter_var)],
                },
                span,
            );
        }
        if let Some(left) = n.field("left") {
            self.bind_pattern(left, Operand::Var(dst), bind);
        }
        self.ctx().loops.push(LoopTarget {
            label,
            brk: exit,
            cont: Some(header),
            plain_block: false,
        });
        if let Some(b) = n.field("body") {
            self.lower_stmt(b);
        }
        self.ctx().loops.pop();
        self.b().pop_scope();
        self.b().terminate(Terminator::Goto(header));
        self.b().switch_to(exit);
    }

    fn lower_while(&mut self, n: Node, label: Option<String>) {
        let header = self.b().new_block();
        let body = self.b().new_block();
        let exit = self.b().new_block();
        self.b().goto_and_switch(header);
        match n.field("condition") {
            Some(c) => self.lower_cond(c, body, exit),
            None => self.b().terminate(Terminator::Goto(body)),
        }
        self.b().switch_to(body);
        self.ctx().loops.push(LoopTarget {
            label,
            brk: exit,
            cont: Some(header),
            plain_block: false,
        });
        if let Some(b) = n.field("body") {
            self.lower_stmt(b);
        }
        self.ctx().loops.pop();
        self.b().terminate(Terminator::Goto(header));
        self.b().switch_to(exit);
    }

    fn lower_do(&mut self, n: Node, label: Option<String>) {
        let body = self.b().new_block();
        let cond_bb = self.b().new_block();
        let exit = self.b().new_block();
        self.b().goto_and_switch(body);
        self.ctx().loops.push(LoopTarget {
            label,
            brk: exit,
            cont: Some(cond_bb),
            plain_block: false,
        });
        if let Some(b) = n.field("body") {
            self.lower_stmt(b);
        }
        self.ctx().loops.pop();
        self.b().goto_and_switch(cond_bb);
        match n.field("condition") {
            Some(c) => self.lower_cond(c, body, exit),
            None => self.b().terminate(Terminator::Goto(exit)),
        }
        self.b().switch_to(exit);
    }

    /// The handler is reachable from the start and the end of the `try` body (conservative:
    /// any statement may throw); `finally` runs after both.
    fn lower_try(&mut self, n: Node) {
        let span = self.span(n);
        let try_bb = self.b().new_block();
        let handler_bb = self.b().new_block();
        let after = self.b().new_block();
        let handler = n.field("handler");
        let entry_cond = self.opaque_cond(span);
        let catch_target = if handler.is_some() { handler_bb } else { after };
        self.b().terminate(Terminator::Branch {
            cond: entry_cond,
            then: try_bb,
            otherwise: catch_target,
        });
        self.b().switch_to(try_bb);
        if let Some(body) = n.field("body") {
            self.lower_statements(body);
        }
        if !self.b().is_terminated() {
            let c = self.opaque_cond(span);
            self.b().terminate(Terminator::Branch {
                cond: c,
                then: after,
                otherwise: catch_target,
            });
        }
        if let Some(h) = handler {
            self.b().switch_to(handler_bb);
            self.b().push_scope();
            if let Some(param) = h.field("parameter") {
                let err = self.opaque_cond(self.span(param));
                self.bind_pattern(param, err, Bind::Let);
            }
            if let Some(body) = h.field("body") {
                self.lower_statements(body);
            }
            self.b().pop_scope();
            self.b().terminate(Terminator::Goto(after));
        }
        self.b().switch_to(after);
        if let Some(fin) = n.field("finalizer").and_then(|f| f.field("body")) {
            self.lower_statements(fin);
        }
    }

    /// `switch` on constants becomes `Terminator::Switch`; cases with computed values are
    /// tested in order after the constant ones. Case bodies fall through unless they break.
    fn lower_switch(&mut self, n: Node, label: Option<String>) {
        let span = self.span(n);
        let value = n
            .field("value")
            .map(|v| self.lower_expr(v))
            .unwrap_or(Operand::Const(Const::Null));
        let Some(body) = n.field("body") else {
            return;
        };
        let exit = self.b().new_block();
        let dispatch = self.b().current_block();
        let mut cursor = body.walk();
        let cases: Vec<Node> = body
            .named_children(&mut cursor)
            .filter(|c| matches!(c.kind(), "switch_case" | "switch_default"))
            .collect();
        let blocks: Vec<BlockId> = cases.iter().map(|_| self.b().new_block()).collect();
        let mut consts = Vec::new();
        let mut computed = Vec::new();
        let mut default = exit;
        for (case, &bb) in cases.iter().zip(&blocks) {
            if case.kind() == "switch_default" {
                default = bb;
                continue;
            }
            match case.field("value") {
                Some(v) => match self.const_of(v) {
                    Some(c) => consts.push((c, bb)),
                    None => computed.push((v, bb)),
                },
                None => computed.push((*case, bb)),
            }
        }
        // Computed cases: an `==` chain tried after the constant ones.
        let mut chain_start = default;
        if !computed.is_empty() {
            let first = self.b().new_block();
            chain_start = first;
            self.b().switch_to(first);
            let count = computed.len();
            for (i, (v, bb)) in computed.into_iter().enumerate() {
                let rhs = self.lower_expr(v);
                let dst = self.temp();
                let vspan = self.span(v);
                self.emit(
                    InstKind::BinOp {
                        dst,
                        op: BinOp::Eq,
                        lhs: value.clone(),
                        rhs,
                    },
                    vspan,
                );
                let next = if i + 1 == count {
                    default
                } else {
                    self.b().new_block()
                };
                self.b().terminate(Terminator::Branch {
                    cond: Operand::Var(dst),
                    then: bb,
                    otherwise: next,
                });
                self.b().switch_to(next);
            }
        }
        self.b().switch_to(dispatch);
        self.b().terminate(Terminator::Switch {
            value,
            cases: consts,
            default: chain_start,
        });
        self.ctx().loops.push(LoopTarget {
            label,
            brk: exit,
            cont: None,
            plain_block: false,
        });
        for (i, case) in cases.iter().enumerate() {
            self.b().switch_to(blocks[i]);
            let mut cc = case.walk();
            let stmts: Vec<Node> = case.children_by_field_name("body", &mut cc).collect();
            self.b().push_scope();
            for s in stmts {
                self.lower_stmt(s);
            }
            self.b().pop_scope();
            let next = blocks.get(i + 1).copied().unwrap_or(exit);
            self.b().terminate(Terminator::Goto(next));
        }
        self.ctx().loops.pop();
        let _ = span;
        self.b().switch_to(exit);
    }

    /// An expression whose value is unused: calls get no destination.
    pub(super) fn lower_expr_stmt(&mut self, e: Node) {
        match e.kind() {
            "call_expression" => {
                self.lower_call(e, false);
            }
            "sequence_expression" => {
                let mut cursor = e.walk();
                let parts: Vec<Node> = e.named_children(&mut cursor).collect();
                for p in parts {
                    self.lower_expr_stmt(p);
                }
            }
            "parenthesized_expression" if e.named_child_count() == 1 => {
                if let Some(inner) = e.named_child(0) {
                    self.lower_expr_stmt(inner);
                }
            }
            "await_expression" => {
                if let Some(inner) = e.named_child(0) {
                    if inner.kind() == "call_expression" {
                        self.lower_call(inner, false);
                        return;
                    }
                }
                self.lower_expr(e);
            }
            _ => {
                self.lower_expr(e);
            }
        }
    }

    /// Resolves a `Name` for assignment: locals are assigned, anything else gets a local in
    /// this function (module-level variables assigned from a function).
    pub(super) fn assign_name(&mut self, name: &str, value: Operand, span: rampart_core::Span) {
        let var = match self.resolve(name) {
            Name::Local(v) => v,
            Name::Global(_) => self.b().lookup_or_declare(name),
        };
        self.assign_to(var, value, span);
    }
}
