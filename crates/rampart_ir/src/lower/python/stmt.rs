//! Statements and control flow.

use super::expr::is_expression;
use super::fields::NodeExt;
use super::{Lowerer, MAX_DEPTH};
use crate::ir::*;
use tree_sitter::Node;

impl<'a> Lowerer<'a> {
    /// Lowers every statement of a block (or the module).
    pub(super) fn block(&mut self, node: Node) {
        let mut cursor = node.walk();
        let children: Vec<Node> = node.named_children(&mut cursor).collect();
        for st in children {
            self.stmt(st);
        }
    }

    fn stmt(&mut self, node: Node) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        self.stmt_inner(node);
        self.depth -= 1;
    }

    fn stmt_inner(&mut self, node: Node) {
        let span = self.span(node);
        match node.kind() {
            "expression_statement" => {
                let mut cursor = node.walk();
                let children: Vec<Node> = node.named_children(&mut cursor).collect();
                for c in children {
                    match c.kind() {
                        "assignment" => {
                            self.assignment(c);
                        }
                        "augmented_assignment" => self.augmented(c),
                        "call" => {
                            self.call(c, false);
                        }
                        "comment" => {}
                        _ => {
                            self.expr(c);
                        }
                    }
                }
            }
            "return_statement" => {
                let v = node.named_child(0).map(|e| self.expr(e));
                self.terminate(Terminator::Return(v));
            }
            "if_statement" => self.if_stmt(node),
            "for_statement" => self.for_stmt(node),
            "while_statement" => self.while_stmt(node),
            "try_statement" => self.try_stmt(node),
            "with_statement" => self.with_stmt(node),
            "match_statement" => self.match_stmt(node),
            "raise_statement" => {
                let cause = node.field("cause").map(|c| c.id());
                let mut c = node.walk();
                let exc = node
                    .named_children(&mut c)
                    .find(|n| Some(n.id()) != cause && n.kind() != "comment");
                let v = exc.map(|e| self.expr(e));
                self.terminate(Terminator::Throw(v));
            }
            "assert_statement" => {
                let mut c = node.walk();
                let parts: Vec<Node> = node.named_children(&mut c).collect();
                let Some(test) = parts.first() else { return };
                let ok = self.new_block();
                let fail = self.new_block();
                self.cond(*test, ok, fail);
                self.switch_to(fail);
                let msg = parts.get(1).map(|m| self.expr(*m));
                self.terminate(Terminator::Throw(msg));
                self.switch_to(ok);
            }
            "break_statement" => {
                if let Some(&(_, brk)) = self.ctx().loops.last() {
                    self.terminate(Terminator::Goto(brk));
                }
            }
            "continue_statement" => {
                if let Some(&(cont, _)) = self.ctx().loops.last() {
                    self.terminate(Terminator::Goto(cont));
                }
            }
            "import_statement" | "import_from_statement" => {
                if self.ctx().is_top {
                    return;
                }
                // A function-level import binds the name for this function (and the ones nested
                // in it); the linker still learns the dependency.
                for (local, target, whole, ispan) in self.import_bindings(node) {
                    if local == "*" {
                        continue;
                    }
                    self.ctx().imports.insert(local.clone(), target.clone());
                    self.imports.push(Import {
                        local,
                        target,
                        whole_module: whole,
                        span: ispan,
                    });
                }
            }
            "function_definition" => self.def_stmt(node, Vec::new()),
            "class_definition" => self.class_stmt(node, Vec::new()),
            "decorated_definition" => {
                let decs = self.decorators(node);
                if let Some(def) = node.field("definition") {
                    if def.kind() == "class_definition" {
                        self.class_stmt(def, decs);
                    } else {
                        self.def_stmt(def, decs);
                    }
                }
            }
            "delete_statement"
            | "pass_statement"
            | "global_statement"
            | "nonlocal_statement"
            | "future_import_statement"
            | "type_alias_statement"
            | "comment" => {}
            "print_statement" | "exec_statement" => {
                let mut c = node.walk();
                let parts: Vec<Node> = node
                    .named_children(&mut c)
                    .filter(|n| is_expression(n.kind()))
                    .collect();
                let mut args = Vec::new();
                for p in parts {
                    let value = self.expr(p);
                    args.push(Arg {
                        value,
                        keyword: None,
                        spread: false,
                    });
                }
                let name = if node.kind() == "print_statement" {
                    "print"
                } else {
                    "exec"
                };
                self.emit(
                    InstKind::Call {
                        dst: None,
                        callee: Callee::Path(name.to_string()),
                        args,
                    },
                    span,
                );
            }
            "block" | "module" | "ERROR" => {
                // Statements the parser could only recover inside an error node.
                let mut c = node.walk();
                let children: Vec<Node> = node.named_children(&mut c).collect();
                for ch in children {
                    if is_expression(ch.kind()) {
                        self.expr(ch);
                    } else {
                        self.stmt(ch);
                    }
                }
            }
            kind if is_expression(kind) => {
                self.expr(node);
            }
            _ => {}
        }
    }

    /// `a = b = value`, `x: T = value`, `a, b = pair`; returns the assigned value.
    fn assignment(&mut self, node: Node) -> Operand {
        let span = self.span(node);
        let left = node.field("left");
        let ty = node.field("type").map(|t| self.type_name(t));
        let value = match node.field("right") {
            Some(r) if r.kind() == "assignment" => self.assignment(r),
            Some(r) if r.kind() == "augmented_assignment" => {
                self.augmented(r);
                Operand::Const(Const::Null)
            }
            Some(r) => {
                // `a, b = x, y`: pair the elements directly.
                if let (Some(l), true) = (left, r.kind() == "expression_list") {
                    if let Some(done) = self.parallel_assign(l, r) {
                        return done;
                    }
                }
                self.expr(r)
            }
            None => {
                // `x: int` declares a type only.
                if let (Some(l), Some(ty)) = (left, ty) {
                    if l.kind() == "identifier" {
                        let name = self.text(l);
                        let var = self.b().lookup_or_declare(name);
                        if let Some(local) = self.b().func.locals.get_mut(var as usize) {
                            local.ty = Some(ty);
                        }
                    }
                }
                return Operand::Const(Const::Null);
            }
        };
        let Some(left) = left else { return value };
        self.note_instance(left, node.field("right"));
        if let (Some(ty), "identifier") = (ty, left.kind()) {
            let name = self.text(left);
            let var = self.b().lookup_or_declare(name);
            if let Some(local) = self.b().func.locals.get_mut(var as usize) {
                local.ty = Some(ty);
            }
        }
        self.assign_target(left, value.clone(), span);
        match (&value, left.kind()) {
            // Later targets of a chain read the variable just assigned.
            (Operand::Var(_), "identifier") => self
                .local(self.text(left))
                .map(Operand::Var)
                .unwrap_or(value),
            _ => value,
        }
    }

    /// `app = Flask(__name__)` inside a function (an application factory): remember that the
    /// local holds a `flask.Flask`, so `@app.route(...)` on nested handlers names the class.
    fn note_instance(&mut self, left: Node, right: Option<Node>) {
        if left.kind() != "identifier" || self.ctx().is_top {
            return;
        }
        let Some(func) = right
            .filter(|r| r.kind() == "call")
            .and_then(|r| r.field("function"))
        else {
            return;
        };
        let Some(path) = self.callee_path(func) else {
            return;
        };
        let is_class = path
            .rsplit('.')
            .next()
            .and_then(|last| last.chars().next())
            .is_some_and(char::is_uppercase);
        if is_class && path.contains('.') {
            let name = self.text(left).to_string();
            self.ctx().instances.insert(name, path);
        }
    }

    fn parallel_assign(&mut self, left: Node, right: Node) -> Option<Operand> {
        if !matches!(left.kind(), "pattern_list" | "tuple_pattern" | "tuple") {
            return None;
        }
        let mut c1 = left.walk();
        let targets: Vec<Node> = left
            .named_children(&mut c1)
            .filter(|c| c.kind() != "comment")
            .collect();
        let mut c2 = right.walk();
        let values: Vec<Node> = right
            .named_children(&mut c2)
            .filter(|c| c.kind() != "comment")
            .collect();
        if targets.len() != values.len()
            || targets
                .iter()
                .chain(&values)
                .any(|n| matches!(n.kind(), "list_splat_pattern" | "list_splat"))
        {
            return None;
        }
        // Evaluate every value before assigning any (`a, b = b, a`).
        let mut evaluated = Vec::new();
        for v in &values {
            let span = self.span(*v);
            let op = self.expr(*v);
            let var = match op {
                Operand::Var(x) if self.local_name_is_temp(x) => Operand::Var(x),
                Operand::Var(x) => {
                    let t = self.temp();
                    self.emit(
                        InstKind::Assign {
                            dst: t,
                            src: Operand::Var(x),
                        },
                        span,
                    );
                    Operand::Var(t)
                }
                c => c,
            };
            evaluated.push(var);
        }
        for (t, v) in targets.iter().zip(evaluated) {
            let span = self.span(*t);
            self.assign_target(*t, v, span);
        }
        Some(Operand::Const(Const::Null))
    }

    fn local_name_is_temp(&self, v: VarId) -> bool {
        self.stack
            .last()
            .is_some_and(|c| c.b.func.local_name(v).starts_with('$'))
    }

    /// `x += y` and friends; `+=` with a string operand is concatenation.
    fn augmented(&mut self, node: Node) {
        let span = self.span(node);
        let (Some(left), Some(right)) = (node.field("left"), node.field("right")) else {
            return;
        };
        let op_text = node.field("operator").map(|o| self.text(o)).unwrap_or("");
        let stringish = op_text == "+=" && self.is_stringish(right);
        let current = match left.kind() {
            "identifier" => {
                let name = self.text(left);
                match self.local(name) {
                    Some(v) => Operand::Var(v),
                    None => self.expr(left),
                }
            }
            "attribute" | "subscript" => self.expr(left),
            _ => return,
        };
        let rhs = self.expr(right);
        let result = if stringish {
            self.concat(vec![current, rhs], span)
        } else {
            let op = match op_text {
                "+=" => BinOp::Add,
                "-=" => BinOp::Sub,
                "*=" => BinOp::Mul,
                "//=" => BinOp::Div,
                "%=" => BinOp::Mod,
                _ => BinOp::Other,
            };
            let dst = self.temp();
            self.emit(
                InstKind::BinOp {
                    dst,
                    op,
                    lhs: current,
                    rhs,
                },
                span,
            );
            Operand::Var(dst)
        };
        self.assign_target(left, result, span);
    }

    fn if_stmt(&mut self, node: Node) {
        let join = self.new_block();
        let alternatives: Vec<Node> = node.fields("alternative");
        let mut branches: Vec<(Option<Node>, Option<Node>)> =
            vec![(node.field("condition"), node.field("consequence"))];
        for alt in &alternatives {
            match alt.kind() {
                "elif_clause" => branches.push((alt.field("condition"), alt.field("consequence"))),
                _ => branches.push((None, alt.field("body"))),
            }
        }
        let n = branches.len();
        for (i, (cond, body)) in branches.into_iter().enumerate() {
            match cond {
                Some(cond) => {
                    let then = self.new_block();
                    let next = if i + 1 < n { self.new_block() } else { join };
                    self.cond(cond, then, next);
                    self.switch_to(then);
                    if let Some(body) = body {
                        self.block(body);
                    }
                    self.terminate(Terminator::Goto(join));
                    self.switch_to(next);
                }
                None => {
                    if let Some(body) = body {
                        self.block(body);
                    }
                    self.terminate(Terminator::Goto(join));
                }
            }
        }
        self.switch_to(join);
    }

    fn for_stmt(&mut self, node: Node) {
        let iter = match node.field("right") {
            Some(r) => self.expr_var(r),
            None => return,
        };
        let (idx, header, body_block) = self.loop_header(node);
        let exit = self.new_block();
        let else_clause = node.field("alternative");
        let on_done = match else_clause {
            Some(_) => self.new_block(),
            None => exit,
        };
        self.terminate(Terminator::Branch {
            cond: Operand::Var(idx),
            then: body_block,
            otherwise: on_done,
        });
        self.switch_to(body_block);
        if let Some(left) = node.field("left") {
            self.loop_element(left, iter, idx);
        }
        self.loop_body(node.field("body"), header, exit);
        if let Some(e) = else_clause {
            self.switch_to(on_done);
            if let Some(body) = e.field("body") {
                self.block(body);
            }
            self.terminate(Terminator::Goto(exit));
        }
        self.switch_to(exit);
    }

    fn loop_body(&mut self, body: Option<Node>, header: BlockId, exit: BlockId) {
        self.ctx().loops.push((header, exit));
        if let Some(body) = body {
            self.block(body);
        }
        self.ctx().loops.pop();
        self.terminate(Terminator::Goto(header));
    }

    fn while_stmt(&mut self, node: Node) {
        let header = self.new_block();
        self.b().goto_and_switch(header);
        let body_block = self.new_block();
        let exit = self.new_block();
        let else_clause = node.field("alternative");
        let on_done = match else_clause {
            Some(_) => self.new_block(),
            None => exit,
        };
        match node.field("condition") {
            Some(c) => self.cond(c, body_block, on_done),
            None => self.terminate(Terminator::Goto(body_block)),
        }
        self.switch_to(body_block);
        self.loop_body(node.field("body"), header, exit);
        if let Some(e) = else_clause {
            self.switch_to(on_done);
            if let Some(body) = e.field("body") {
                self.block(body);
            }
            self.terminate(Terminator::Goto(exit));
        }
        self.switch_to(exit);
    }

    /// try/except/else/finally, conservatively: every handler is reachable from the state
    /// before the body and from the state at its end.
    fn try_stmt(&mut self, node: Node) {
        let span = self.span(node);
        let mut cursor = node.walk();
        let clauses: Vec<Node> = node.named_children(&mut cursor).collect();
        let handlers: Vec<Node> = clauses
            .iter()
            .copied()
            .filter(|c| c.kind() == "except_clause" || c.kind() == "except_group_clause")
            .collect();
        let else_clause = clauses.iter().copied().find(|c| c.kind() == "else_clause");
        let finally = clauses
            .iter()
            .copied()
            .find(|c| c.kind() == "finally_clause");

        let raised = self.temp();
        self.emit(
            InstKind::Unknown {
                dst: raised,
                operands: Vec::new(),
            },
            span,
        );
        let body_block = self.new_block();
        let dispatch = self.new_block();
        let after = self.new_block();
        let finally_block = match finally {
            Some(_) => self.new_block(),
            None => after,
        };
        let else_block = match else_clause {
            Some(_) => self.new_block(),
            None => finally_block,
        };
        self.terminate(Terminator::Branch {
            cond: Operand::Var(raised),
            then: dispatch,
            otherwise: body_block,
        });
        self.switch_to(body_block);
        if let Some(body) = node.field("body") {
            self.block(body);
        }
        self.terminate(Terminator::Branch {
            cond: Operand::Var(raised),
            then: dispatch,
            otherwise: else_block,
        });

        self.switch_to(dispatch);
        if handlers.is_empty() {
            self.terminate(Terminator::Goto(finally_block));
        }
        let n = handlers.len();
        for (i, h) in handlers.into_iter().enumerate() {
            let handler_block = self.new_block();
            if i + 1 < n {
                let next = self.new_block();
                self.terminate(Terminator::Branch {
                    cond: Operand::Var(raised),
                    then: handler_block,
                    otherwise: next,
                });
                self.switch_to(handler_block);
                self.handler(h);
                self.terminate(Terminator::Goto(finally_block));
                self.switch_to(next);
            } else {
                self.terminate(Terminator::Goto(handler_block));
                self.switch_to(handler_block);
                self.handler(h);
                self.terminate(Terminator::Goto(finally_block));
            }
        }
        if let Some(e) = else_clause {
            self.switch_to(else_block);
            if let Some(body) = e.field("body") {
                self.block(body);
            }
            self.terminate(Terminator::Goto(finally_block));
        }
        if let Some(f) = finally {
            self.switch_to(finally_block);
            let mut c = f.walk();
            let body = f.named_children(&mut c).find(|n| n.kind() == "block");
            if let Some(body) = body {
                self.block(body);
            }
            self.terminate(Terminator::Goto(after));
        }
        self.switch_to(after);
    }

    fn handler(&mut self, clause: Node) {
        let span = self.span(clause);
        let alias = clause.field("alias").or_else(|| {
            let mut c = clause.walk();
            let found = clause
                .named_children(&mut c)
                .find(|n| n.kind() == "as_pattern")
                .and_then(|a| a.field("alias"));
            found
        });
        if let Some(alias) = alias {
            let exc = self.unknown(Vec::new(), span);
            self.assign_target(alias, exc, span);
        }
        let mut c = clause.walk();
        let body = clause.named_children(&mut c).find(|n| n.kind() == "block");
        if let Some(body) = body {
            self.block(body);
        }
    }

    /// `with open(p) as f:` → the call, then `f` bound to its result.
    fn with_stmt(&mut self, node: Node) {
        let mut cursor = node.walk();
        let clause = node
            .named_children(&mut cursor)
            .find(|n| n.kind() == "with_clause");
        if let Some(clause) = clause {
            let mut c = clause.walk();
            let items: Vec<Node> = clause
                .named_children(&mut c)
                .filter(|n| n.kind() == "with_item")
                .collect();
            for item in items {
                let Some(value) = item.field("value") else {
                    continue;
                };
                let span = self.span(item);
                if value.kind() == "as_pattern" {
                    let Some(ctx_expr) = value.named_child(0) else {
                        continue;
                    };
                    let v = self.expr(ctx_expr);
                    if let Some(alias) = value.field("alias") {
                        self.assign_target(alias, v, span);
                    }
                } else {
                    self.expr(value);
                }
            }
        }
        if let Some(body) = node.field("body") {
            self.block(body);
        }
    }

    /// `match subject:` → a chain of opaque tests; capture patterns bind (parts of) the subject.
    fn match_stmt(&mut self, node: Node) {
        let span = self.span(node);
        let subjects: Vec<Node> = node.fields("subject");
        let mut operands = Vec::new();
        for s in subjects {
            operands.push(self.expr(s));
        }
        let subject = self.unknown(operands, span);
        let join = self.new_block();
        let Some(body) = node.field("body") else {
            self.b().goto_and_switch(join);
            return;
        };
        let mut c = body.walk();
        let cases: Vec<Node> = body
            .named_children(&mut c)
            .filter(|n| n.kind() == "case_clause")
            .collect();
        for case in cases {
            let cspan = self.span(case);
            let test = self.unknown(vec![subject.clone()], cspan);
            let then = self.new_block();
            let next = self.new_block();
            self.terminate(Terminator::Branch {
                cond: test,
                then,
                otherwise: next,
            });
            self.switch_to(then);
            let mut cc = case.walk();
            let patterns: Vec<Node> = case
                .named_children(&mut cc)
                .filter(|n| n.kind() == "case_pattern")
                .collect();
            for p in patterns {
                for name in self.pattern_captures(p) {
                    let var = self.b().lookup_or_declare(&name);
                    self.emit(
                        InstKind::Unknown {
                            dst: var,
                            operands: vec![subject.clone()],
                        },
                        cspan,
                    );
                }
            }
            if let Some(guard) = case.field("guard") {
                if let Some(g) = guard.named_child(0) {
                    let ok = self.new_block();
                    self.cond(g, ok, next);
                    self.switch_to(ok);
                }
            }
            if let Some(cbody) = case.field("consequence") {
                self.block(cbody);
            }
            self.terminate(Terminator::Goto(join));
            self.switch_to(next);
        }
        self.b().goto_and_switch(join);
    }

    /// Names a case pattern captures (`case {"id": uid}`, `case [x, *rest]`, `case P() as p`).
    fn pattern_captures(&self, pattern: Node) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![pattern];
        while let Some(n) = stack.pop() {
            match n.kind() {
                "identifier" => {
                    let t = self.text(n);
                    let in_dotted = n.parent().is_some_and(|p| p.kind() == "dotted_name");
                    let is_keyword = n.parent().is_some_and(|p| {
                        p.kind() == "keyword_pattern"
                            && p.named_child(0).is_some_and(|f| f.id() == n.id())
                    });
                    if t != "_" && !in_dotted && !is_keyword {
                        out.push(t.to_string());
                    }
                }
                "dotted_name" => {
                    // A lone name in a pattern is a capture; a dotted one is a value.
                    let capture_position = n.parent().is_some_and(|p| {
                        p.kind() == "case_pattern"
                            || (p.kind() == "keyword_pattern"
                                && p.named_child(0).is_some_and(|f| f.id() != n.id()))
                    });
                    if n.named_child_count() == 1 && capture_position {
                        if let Some(id) = n.named_child(0) {
                            let t = self.text(id);
                            if t != "_" {
                                out.push(t.to_string());
                            }
                        }
                    }
                }
                "class_pattern" => {
                    let mut c = n.walk();
                    stack.extend(
                        n.named_children(&mut c)
                            .filter(|x| x.kind() != "dotted_name"),
                    );
                }
                _ => {
                    let mut c = n.walk();
                    stack.extend(n.named_children(&mut c));
                }
            }
        }
        out
    }

    fn def_stmt(&mut self, node: Node, decorators: Vec<Decorator>) {
        let prefix = self.current_prefix();
        let is_top = self.ctx().is_top;
        let func = self.function(node, decorators, None, &prefix);
        if is_top {
            // Module-level functions are referenced by qualified path.
            return;
        }
        if let Some(name) = node.field("name") {
            let name = self.text(name);
            let span = self.span(node);
            let var = self.b().lookup_or_declare(name);
            self.emit(InstKind::FuncRef { dst: var, func }, span);
        }
    }

    fn class_stmt(&mut self, node: Node, decorators: Vec<Decorator>) {
        let prefix = self.current_prefix();
        let is_top = self.ctx().is_top;
        let cid = self.class(node, decorators, &prefix);
        if is_top {
            return;
        }
        if let Some(name) = node.field("name") {
            let name = self.text(name);
            let span = self.span(node);
            let path = self
                .classes
                .get(cid as usize)
                .map(|c| c.qualified_name.clone())
                .unwrap_or_default();
            let var = self.b().lookup_or_declare(name);
            self.emit(InstKind::Global { dst: var, path }, span);
        }
    }
}
