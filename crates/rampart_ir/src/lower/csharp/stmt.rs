//! Statements: declarations, control flow, `using`, `try`, `switch`, local functions.

use super::{declarator_value, FnCx, Lowerer, MAX_DEPTH};
use crate::ir::*;
use crate::FunctionBuilder;
use tree_sitter::Node;

impl Lowerer<'_> {
    pub(super) fn block(&mut self, n: Node) {
        self.f().b.push_scope();
        let mut c = n.walk();
        let kids: Vec<Node> = n.named_children(&mut c).collect();
        self.hoist_local_functions(&kids);
        for s in kids {
            self.stmt(s);
        }
        self.f().b.pop_scope();
    }

    /// Local functions are visible in their whole block, before their declaration too: each
    /// is lowered first and bound to a local holding its function value.
    pub(super) fn hoist_local_functions(&mut self, stmts: &[Node]) {
        for s in stmts {
            if s.kind() == "local_function_statement" {
                self.local_function(*s);
            }
        }
    }

    fn local_function(&mut self, n: Node) {
        let Some(name) = n.child_by_field_name("name") else {
            return;
        };
        let name = self.text(name).to_string();
        let span = self.span(n);
        let var = self.f().b.declare(&name, None);
        let returns = n
            .child_by_field_name("type")
            .is_none_or(|t| self.text(t) != "void");
        let func = self.nested_fn(&name, n, n.child_by_field_name("parameters"), returns);
        self.emit(InstKind::FuncRef { dst: var, func }, span);
    }

    /// Lowers a lambda, anonymous method or local function as its own function nested in the
    /// current one; returns its id.
    pub(super) fn nested_fn(
        &mut self,
        name: &str,
        n: Node,
        params: Option<Node>,
        returns: bool,
    ) -> FuncId {
        let span = self.span(n);
        let parent_depth = self.fns.len() - 1;
        let parent = self.fns[parent_depth].id;
        let id = self.reserve_fn();
        let parent_qn = self.fns[parent_depth].b.func.qualified_name.clone();
        let mut b = FunctionBuilder::new(name, format!("{parent_qn}.{name}"), span);
        b.func.parent = Some(parent);
        b.func.class = self.classes.last().map(|c| c.id);
        b.func.decorators = self.attributes(n);
        b.func.is_static = self.has_modifier(n, "static");
        if let Some(t) = n.child_by_field_name("type") {
            b.func.return_type = self.declared_type(Some(t));
        }
        if let Some(params) = params {
            match params.kind() {
                "implicit_parameter" | "identifier" => {
                    let pname = self.text(params).to_string();
                    b.add_param(Param {
                        name: pname,
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
        self.fns.push(FnCx::new(id, b, this_var));
        if let Some(this) = this_var {
            let path = format!("{parent_qn}.this");
            self.emit(InstKind::Global { dst: this, path }, span);
        }
        if let Some(body) = n.child_by_field_name("body") {
            self.body(body, returns);
        } else {
            // Anonymous methods (`delegate (...) { }`) have their block as a plain child.
            let mut c = n.walk();
            let block = n.named_children(&mut c).find(|x| x.kind() == "block");
            if let Some(block) = block {
                self.block(block);
            }
        }
        self.finish_fn(id);
        id
    }

    pub(super) fn stmt(&mut self, n: Node) {
        if self.depth > MAX_DEPTH {
            // Pathologically nested code: the rest of this subtree is not lowered.
            return;
        }
        self.depth += 1;
        self.stmt_inner(n);
        self.depth -= 1;
    }

    fn stmt_inner(&mut self, n: Node) {
        match n.kind() {
            "block" => self.block(n),
            "local_declaration_statement" => {
                let mut c = n.walk();
                let decl = n
                    .named_children(&mut c)
                    .find(|x| x.kind() == "variable_declaration");
                if let Some(d) = decl {
                    self.variable_declaration(d);
                }
            }
            "expression_statement" => {
                if let Some(e) = n.named_child(0) {
                    self.expr(e);
                }
            }
            "return_statement" => {
                let v = n.named_child(0).map(|e| self.expr(e));
                self.terminate(Terminator::Return(v));
            }
            "throw_statement" => {
                let v = n.named_child(0).map(|e| self.expr(e));
                self.terminate(Terminator::Throw(v));
            }
            "if_statement" => self.if_stmt(n),
            "while_statement" => self.while_stmt(n),
            "do_statement" => self.do_stmt(n),
            "for_statement" => self.for_stmt(n),
            "foreach_statement" => self.foreach_stmt(n),
            "try_statement" => self.try_stmt(n),
            "switch_statement" => self.switch_stmt(n),
            "using_statement" => self.using_stmt(n),
            "break_statement" => {
                if let Some(&(brk, _)) = self.f().loops.last() {
                    self.terminate(Terminator::Goto(brk));
                }
            }
            "continue_statement" => {
                let target = self.f().loops.iter().rev().find_map(|(_, c)| *c);
                if let Some(t) = target {
                    self.terminate(Terminator::Goto(t));
                }
            }
            "yield_statement" => match n.named_child(0) {
                // `yield return x` adds `x` to the iterator's results and continues.
                Some(e) => {
                    let v = self.expr(e);
                    let y = match self.f().yielded {
                        Some(y) => y,
                        None => {
                            let y = self.temp();
                            self.f().yielded = Some(y);
                            y
                        }
                    };
                    let span = self.span(n);
                    self.emit(
                        InstKind::Unknown {
                            dst: y,
                            operands: vec![Operand::Var(y), v],
                        },
                        span,
                    );
                }
                // `yield break` ends the iteration.
                None => self.terminate(Terminator::Return(None)),
            },
            "local_function_statement" | "empty_statement" | "comment" | "goto_statement" => {}
            "preproc_if" | "preproc_elif" | "preproc_else" => {
                // Every branch may be compiled; the condition is a preprocessor symbol.
                let mut c = n.walk();
                let kids: Vec<Node> = n
                    .named_children(&mut c)
                    .filter(|k| {
                        is_statement(k.kind())
                            || matches!(k.kind(), "preproc_elif" | "preproc_else")
                    })
                    .collect();
                for k in kids {
                    self.stmt(k);
                }
            }
            "labeled_statement" => {
                let mut c = n.walk();
                let inner = n.named_children(&mut c).find(|x| x.kind() != "identifier");
                if let Some(s) = inner {
                    self.stmt(s);
                }
            }
            "lock_statement" | "fixed_statement" | "checked_statement" | "unsafe_statement" => {
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                for k in kids {
                    match k.kind() {
                        "variable_declaration" => self.variable_declaration(k),
                        k2 if is_statement(k2) => self.stmt(k),
                        _ => {
                            self.expr(k);
                        }
                    }
                }
            }
            _ => {
                // Anything else that holds expressions: evaluate them for their effects.
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                for k in kids {
                    if is_statement(k.kind()) {
                        self.stmt(k);
                    } else {
                        self.expr(k);
                    }
                }
            }
        }
    }

    pub(super) fn variable_declaration(&mut self, d: Node) {
        let ty = self.declared_type(d.child_by_field_name("type"));
        let mut c = d.walk();
        let declarators: Vec<Node> = d
            .named_children(&mut c)
            .filter(|x| x.kind() == "variable_declarator")
            .collect();
        for decl in declarators {
            let value = declarator_value(decl).map(|v| {
                if v.kind() == "implicit_object_creation_expression" {
                    // `List<string> names = new();`: the declared type is the created one.
                    let span = self.span(v);
                    self.construct(ty.clone().unwrap_or_default(), v, span)
                } else {
                    self.expr(v)
                }
            });
            let span = self.span(decl);
            let mut c2 = decl.walk();
            let tuple = decl
                .named_children(&mut c2)
                .find(|x| x.kind() == "tuple_pattern");
            if let Some(t) = tuple {
                // `var (a, b) = expr;`
                let src = value.unwrap_or(Operand::Const(Const::Null));
                let src = self.materialize(src, span);
                self.deconstruct(t, src, span);
                continue;
            }
            let Some(name) = decl.child_by_field_name("name") else {
                continue;
            };
            let name = self.text(name).to_string();
            let var = self.f().b.declare(&name, ty.clone());
            if let Some(v) = value {
                self.emit(InstKind::Assign { dst: var, src: v }, span);
            }
        }
    }

    /// Binds the names of a tuple pattern to the elements of `src`.
    pub(super) fn deconstruct(&mut self, pattern: Node, src: VarId, span: rampart_core::Span) {
        if self.depth > MAX_DEPTH {
            return;
        }
        let mut c = pattern.walk();
        let names: Vec<Node> = pattern.named_children(&mut c).collect();
        for (i, n) in names.into_iter().enumerate() {
            match n.kind() {
                "identifier" => {
                    let name = self.text(n).to_string();
                    let var = self.f().b.declare(&name, None);
                    self.emit(
                        InstKind::LoadIndex {
                            dst: var,
                            obj: src,
                            key: Operand::Const(Const::Int(i as i64)),
                        },
                        span,
                    );
                }
                "tuple_pattern" | "parenthesized_variable_designation" => {
                    let inner = self.temp();
                    self.emit(
                        InstKind::LoadIndex {
                            dst: inner,
                            obj: src,
                            key: Operand::Const(Const::Int(i as i64)),
                        },
                        span,
                    );
                    self.depth += 1;
                    self.deconstruct(n, inner, span);
                    self.depth -= 1;
                }
                _ => {}
            }
        }
    }

    /// `if`/`else if`/`else`: the chain is walked in a loop (generated code has long ones).
    /// Pattern variables of the conditions stay in scope after the statement, as in C#.
    fn if_stmt(&mut self, n: Node) {
        let join_b = self.new_block();
        let mut current = n;
        loop {
            let then_b = self.new_block();
            let else_b = self.new_block();
            self.cond_opt(current.child_by_field_name("condition"), then_b, else_b);
            self.switch_to(then_b);
            if let Some(s) = current.child_by_field_name("consequence") {
                self.stmt(s);
            }
            self.terminate(Terminator::Goto(join_b));
            self.switch_to(else_b);
            match current.child_by_field_name("alternative") {
                Some(alt) if alt.kind() == "if_statement" => current = alt,
                Some(alt) => {
                    self.stmt(alt);
                    break;
                }
                None => break,
            }
        }
        self.terminate(Terminator::Goto(join_b));
        self.switch_to(join_b);
    }

    fn cond_opt(&mut self, cond: Option<Node>, then: BlockId, otherwise: BlockId) {
        match cond {
            Some(c) => self.cond(c, then, otherwise),
            None => self.terminate(Terminator::Goto(then)),
        }
    }

    fn while_stmt(&mut self, n: Node) {
        let head = self.new_block();
        let body = self.new_block();
        let exit = self.new_block();
        self.f().b.goto_and_switch(head);
        self.cond_opt(n.child_by_field_name("condition"), body, exit);
        self.switch_to(body);
        self.f().loops.push((exit, Some(head)));
        if let Some(s) = n.child_by_field_name("body") {
            self.stmt(s);
        }
        self.f().loops.pop();
        self.terminate(Terminator::Goto(head));
        self.switch_to(exit);
    }

    fn do_stmt(&mut self, n: Node) {
        let body = self.new_block();
        let cond = self.new_block();
        let exit = self.new_block();
        self.f().b.goto_and_switch(body);
        self.f().loops.push((exit, Some(cond)));
        if let Some(s) = n.child_by_field_name("body") {
            self.stmt(s);
        }
        self.f().loops.pop();
        self.f().b.goto_and_switch(cond);
        self.cond_opt(n.child_by_field_name("condition"), body, exit);
        self.switch_to(exit);
    }

    fn for_stmt(&mut self, n: Node) {
        self.f().b.push_scope();
        let mut c = n.walk();
        let inits: Vec<Node> = n.children_by_field_name("initializer", &mut c).collect();
        for i in inits {
            if i.kind() == "variable_declaration" {
                self.variable_declaration(i);
            } else if i.is_named() {
                self.expr(i);
            }
        }
        let head = self.new_block();
        let body = self.new_block();
        let update = self.new_block();
        let exit = self.new_block();
        self.f().b.goto_and_switch(head);
        self.cond_opt(n.child_by_field_name("condition"), body, exit);
        self.switch_to(body);
        self.f().loops.push((exit, Some(update)));
        if let Some(s) = n.child_by_field_name("body") {
            self.stmt(s);
        }
        self.f().loops.pop();
        self.f().b.goto_and_switch(update);
        let mut c = n.walk();
        let updates: Vec<Node> = n.children_by_field_name("update", &mut c).collect();
        for u in updates {
            if u.is_named() {
                self.expr(u);
            }
        }
        self.terminate(Terminator::Goto(head));
        self.switch_to(exit);
        self.f().b.pop_scope();
    }

    fn foreach_stmt(&mut self, n: Node) {
        let span = self.span(n);
        let iterable = n
            .child_by_field_name("right")
            .map(|v| self.expr(v))
            .unwrap_or(Operand::Const(Const::Null));
        let iter_var = self.materialize(iterable, span);
        let head = self.new_block();
        let body = self.new_block();
        let exit = self.new_block();
        self.f().b.goto_and_switch(head);
        let more = self.temp();
        self.emit(
            InstKind::Unknown {
                dst: more,
                operands: Vec::new(),
            },
            span,
        );
        self.terminate(Terminator::Branch {
            cond: Operand::Var(more),
            then: body,
            otherwise: exit,
        });
        self.switch_to(body);
        self.f().b.push_scope();
        let ty = self.declared_type(n.child_by_field_name("type"));
        if let Some(left) = n.child_by_field_name("left") {
            let item = self.temp();
            self.emit(
                InstKind::LoadIndex {
                    dst: item,
                    obj: iter_var,
                    key: Operand::Const(Const::Null),
                },
                span,
            );
            match left.kind() {
                "identifier" => {
                    let name = self.text(left).to_string();
                    let var = self.f().b.declare(&name, ty);
                    self.emit(
                        InstKind::Assign {
                            dst: var,
                            src: Operand::Var(item),
                        },
                        span,
                    );
                }
                _ => self.deconstruct(left, item, span),
            }
        }
        self.f().loops.push((exit, Some(head)));
        if let Some(s) = n.child_by_field_name("body") {
            self.stmt(s);
        }
        self.f().loops.pop();
        self.f().b.pop_scope();
        self.terminate(Terminator::Goto(head));
        self.switch_to(exit);
    }

    /// `using (var x = e) body` / `using (e) body`: the resource is bound, then the body runs.
    fn using_stmt(&mut self, n: Node) {
        self.f().b.push_scope();
        let mut c = n.walk();
        let kids: Vec<Node> = n.named_children(&mut c).collect();
        let body = n.child_by_field_name("body");
        for k in kids {
            if Some(k) == body {
                continue;
            }
            if k.kind() == "variable_declaration" {
                self.variable_declaration(k);
            } else {
                self.expr(k);
            }
        }
        if let Some(b) = body {
            self.stmt(b);
        }
        self.f().b.pop_scope();
    }

    fn try_stmt(&mut self, n: Node) {
        let body_b = self.new_block();
        let after = self.new_block();
        let mut c = n.walk();
        let catches: Vec<Node> = n
            .named_children(&mut c)
            .filter(|x| x.kind() == "catch_clause")
            .collect();
        let mut c = n.walk();
        let finally = n
            .named_children(&mut c)
            .find(|x| x.kind() == "finally_clause");
        let handler_blocks: Vec<BlockId> = catches.iter().map(|_| self.new_block()).collect();
        let span = self.span(n);
        // An exception may leave the body at its start or its end and reach any handler: both
        // jump into a dispatch block that picks one.
        let dispatch = match handler_blocks.as_slice() {
            [] => None,
            [only] => Some(*only),
            _ => {
                let d = self.new_block();
                let cur = self.f().b.current_block();
                self.switch_to(d);
                let mut rest = handler_blocks.as_slice();
                while let [first, tail @ ..] = rest {
                    if tail.is_empty() {
                        self.terminate(Terminator::Goto(*first));
                        break;
                    }
                    let pick = self.temp();
                    self.emit(
                        InstKind::Unknown {
                            dst: pick,
                            operands: Vec::new(),
                        },
                        span,
                    );
                    let next = self.new_block();
                    self.terminate(Terminator::Branch {
                        cond: Operand::Var(pick),
                        then: *first,
                        otherwise: next,
                    });
                    self.switch_to(next);
                    rest = tail;
                }
                self.switch_to(cur);
                Some(d)
            }
        };
        self.branch_unknown(body_b, dispatch, span);
        self.switch_to(body_b);
        if let Some(body) = n.child_by_field_name("body") {
            self.block(body);
        }
        self.branch_unknown(after, dispatch, span);
        for (clause, hb) in catches.iter().zip(&handler_blocks) {
            self.switch_to(*hb);
            self.f().b.push_scope();
            let mut c = clause.walk();
            let kids: Vec<Node> = clause.named_children(&mut c).collect();
            for k in &kids {
                match k.kind() {
                    "catch_declaration" => {
                        if let Some(name) = k.child_by_field_name("name") {
                            let name = self.text(name).to_string();
                            let ty = self.declared_type(k.child_by_field_name("type"));
                            let var = self.f().b.declare(&name, ty);
                            let span = self.span(*k);
                            self.emit(
                                InstKind::Unknown {
                                    dst: var,
                                    operands: Vec::new(),
                                },
                                span,
                            );
                        }
                    }
                    "catch_filter_clause" => {
                        if let Some(e) = k.named_child(0) {
                            self.expr(e);
                        }
                    }
                    _ => {}
                }
            }
            if let Some(body) = clause.child_by_field_name("body") {
                self.block(body);
            }
            self.f().b.pop_scope();
            self.terminate(Terminator::Goto(after));
        }
        self.switch_to(after);
        if let Some(fin) = finally {
            if let Some(b) = fin.named_child(0) {
                self.block(b);
            }
        }
    }

    /// Ends the block with a jump to `target`, or, with an exception handler, a branch on an
    /// unknown condition to either.
    fn branch_unknown(
        &mut self,
        target: BlockId,
        handler: Option<BlockId>,
        span: rampart_core::Span,
    ) {
        match handler {
            Some(h) if !self.f().b.is_terminated() => {
                let t = self.temp();
                self.emit(
                    InstKind::Unknown {
                        dst: t,
                        operands: Vec::new(),
                    },
                    span,
                );
                self.terminate(Terminator::Branch {
                    cond: Operand::Var(t),
                    then: target,
                    otherwise: h,
                });
            }
            _ => self.terminate(Terminator::Goto(target)),
        }
    }

    fn switch_stmt(&mut self, n: Node) {
        let value = n
            .child_by_field_name("value")
            .map(|c| self.expr(c))
            .unwrap_or(Operand::Const(Const::Null));
        let exit = self.new_block();
        let Some(body) = n.child_by_field_name("body") else {
            return;
        };
        let mut c = body.walk();
        let sections: Vec<Node> = body
            .named_children(&mut c)
            .filter(|x| x.kind() == "switch_section")
            .collect();
        let mut cases: Vec<(Const, BlockId)> = Vec::new();
        let mut default = exit;
        let mut blocks = Vec::new();
        let mut bindings: Vec<Vec<Node>> = Vec::new();
        for s in &sections {
            let b = self.new_block();
            blocks.push(b);
            let mut binds = Vec::new();
            let mut c2 = s.walk();
            let labels: Vec<Node> = s
                .children(&mut c2)
                .take_while(|x| !x.is_named() || !is_statement(x.kind()))
                .filter(|x| x.is_named())
                .collect();
            let is_default = {
                let mut c3 = s.walk();
                let found = s
                    .children(&mut c3)
                    .any(|x| !x.is_named() && self.text(x) == "default");
                found
            };
            if is_default {
                default = b;
            }
            for label in labels {
                if label.kind() == "when_clause" {
                    default = b;
                    continue;
                }
                match self.pattern_const(label) {
                    Some(k) => cases.push((k, b)),
                    None => {
                        // Type and relational patterns: reachable whatever the value.
                        default = b;
                        binds.push(label);
                    }
                }
            }
            bindings.push(binds);
        }
        self.terminate(Terminator::Switch {
            value: value.clone(),
            cases,
            default,
        });
        self.f().loops.push((exit, None));
        for (i, s) in sections.iter().enumerate() {
            self.switch_to(blocks[i]);
            self.f().b.push_scope();
            let span = self.span(*s);
            for p in &bindings[i] {
                self.bind_pattern(*p, value.clone(), span);
            }
            let mut c2 = s.walk();
            let stmts: Vec<Node> = s
                .named_children(&mut c2)
                .filter(|x| is_statement(x.kind()))
                .collect();
            // An empty section shares the next section's statements (`case "a": case "b":`);
            // other sections never fall through.
            let next = if stmts.is_empty() {
                blocks.get(i + 1).copied().unwrap_or(exit)
            } else {
                exit
            };
            for st in stmts {
                self.stmt(st);
            }
            self.f().b.pop_scope();
            self.terminate(Terminator::Goto(next));
        }
        self.f().loops.pop();
        self.switch_to(exit);
    }
}

pub(super) fn is_statement(kind: &str) -> bool {
    kind.ends_with("_statement") || kind == "block"
}
