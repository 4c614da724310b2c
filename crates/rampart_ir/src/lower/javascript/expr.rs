//! Expressions, assignments, calls and JSX.

use super::{compact, normalize_specifier, Lowerer, Name, NodeExt, MAX_DEPTH};
use crate::ir::*;
use rampart_core::Span;
use tree_sitter::Node;

/// Builtins that convert to a number or boolean: their result carries no injection taint.
fn conversion(name: &str) -> Option<&'static str> {
    match name {
        "Number" | "parseInt" | "parseFloat" | "Number.parseInt" | "Number.parseFloat"
        | "Math.round" | "Math.floor" | "Math.ceil" | "Math.trunc" | "Math.abs" => Some("number"),
        "Boolean" => Some("bool"),
        _ => None,
    }
}

fn is_function_node(kind: &str) -> bool {
    matches!(
        kind,
        "function_expression" | "function" | "generator_function" | "arrow_function"
    )
}

impl<'a> Lowerer<'a> {
    pub(super) fn var_of(&mut self, op: Operand, span: Span) -> VarId {
        match op {
            Operand::Var(v) => v,
            c => {
                let dst = self.temp();
                self.emit(InstKind::Assign { dst, src: c }, span);
                dst
            }
        }
    }

    /// `var = value`. A temporary that the previous instruction just defined is renamed to
    /// `var` instead, so `const q = req.query.q` reads as one `Load` into `q`.
    pub(super) fn assign_to(&mut self, var: VarId, value: Operand, span: Span) {
        if let Operand::Var(t) = value {
            let is_temp = self
                .b()
                .func
                .locals
                .get(t as usize)
                .is_some_and(|l| l.name.starts_with('$'));
            if is_temp && t != var && !self.b().is_terminated() {
                let block = self.b().current_block() as usize;
                if let Some(last) = self.b().func.blocks[block].insts.last_mut() {
                    if last.kind.dst() == Some(t) {
                        set_dst(&mut last.kind, var);
                        return;
                    }
                }
            }
        }
        self.emit(
            InstKind::Assign {
                dst: var,
                src: value,
            },
            span,
        );
    }

    pub(super) fn load_field(&mut self, obj: VarId, field: String, span: Span) -> Operand {
        let dst = self.temp();
        self.emit(InstKind::Load { dst, obj, field }, span);
        Operand::Var(dst)
    }

    fn unknown(&mut self, operands: Vec<Operand>, span: Span) -> Operand {
        let dst = self.temp();
        self.emit(InstKind::Unknown { dst, operands }, span);
        Operand::Var(dst)
    }

    fn global(&mut self, path: String, span: Span) -> Operand {
        let dst = self.temp();
        self.emit(InstKind::Global { dst, path }, span);
        Operand::Var(dst)
    }

    fn load_name(&mut self, name: &str, span: Span) -> Operand {
        match self.resolve(name) {
            Name::Local(v) => Operand::Var(v),
            Name::Global(p) => self.global(p, span),
        }
    }

    pub(super) fn lower_expr(&mut self, n: Node) -> Operand {
        self.lower_expr_named(n, None)
    }

    /// Lowers an expression; `hint` names a function, class or object method defined by it
    /// (`const getUser = async (req, res) => ...` is function `getUser`).
    pub(super) fn lower_expr_named(&mut self, n: Node, hint: Option<String>) -> Operand {
        if self.depth > MAX_DEPTH {
            return self.unknown(Vec::new(), self.span(n));
        }
        self.depth += 1;
        let v = self.lower_expr_inner(n, hint);
        self.depth -= 1;
        v
    }

    fn lower_expr_inner(&mut self, n: Node, hint: Option<String>) -> Operand {
        let span = self.span(n);
        match n.kind() {
            "identifier" | "shorthand_property_identifier" => {
                let name = self.text(n);
                if name == "undefined" {
                    return Operand::Const(Const::Null);
                }
                self.load_name(name, span)
            }
            "this" | "super" => self.load_name(self.text(n), span),
            "string" | "number" | "true" | "false" | "null" | "undefined" => {
                Operand::Const(self.const_of(n).unwrap_or(Const::Null))
            }
            "template_string" => self.lower_template(n),
            "regex" => {
                let pattern = n
                    .field("pattern")
                    .map(|p| self.text(p).to_string())
                    .unwrap_or_default();
                let flags = n
                    .field("flags")
                    .map(|p| self.text(p).to_string())
                    .unwrap_or_default();
                let dst = self.temp();
                self.emit(
                    InstKind::New {
                        dst,
                        class: "RegExp".into(),
                        args: vec![
                            plain(Operand::Const(Const::Str(pattern))),
                            plain(Operand::Const(Const::Str(flags))),
                        ],
                    },
                    span,
                );
                Operand::Var(dst)
            }
            "parenthesized_expression" => {
                let mut cursor = n.walk();
                let inner: Vec<Node> = n
                    .named_children(&mut cursor)
                    .filter(|c| !matches!(c.kind(), "comment" | "type_annotation"))
                    .collect();
                match inner.first() {
                    Some(e) => self.lower_expr_named(*e, hint),
                    None => Operand::Const(Const::Null),
                }
            }
            // TypeScript casts and assertions are not conversions: the value passes through.
            "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion"
            | "instantiation_expression" => {
                let mut cursor = n.walk();
                let inner = n
                    .named_children(&mut cursor)
                    .find(|c| !c.kind().contains("type") && c.kind() != "comment");
                match inner {
                    Some(e) => self.lower_expr_named(e, hint),
                    None => Operand::Const(Const::Null),
                }
            }
            "member_expression" => {
                // `controllers.getUser` with `controllers` imported: the imported member by
                // path, so a handler passed by reference resolves to the project function.
                if let Some(path) = self.import_chain(n) {
                    return self.global(path, span);
                }
                let (Some(obj), Some(prop)) = (n.field("object"), n.field("property")) else {
                    return self.unknown(Vec::new(), span);
                };
                let o = self.lower_expr(obj);
                let o = self.var_of(o, span);
                let field = self.text(prop).to_string();
                self.load_field(o, field, span)
            }
            "subscript_expression" => {
                let (Some(obj), Some(index)) = (n.field("object"), n.field("index")) else {
                    return self.unknown(Vec::new(), span);
                };
                let o = self.lower_expr(obj);
                let o = self.var_of(o, span);
                match self.const_of(index) {
                    Some(Const::Str(field)) => self.load_field(o, field, span),
                    Some(c) => {
                        let dst = self.temp();
                        self.emit(
                            InstKind::LoadIndex {
                                dst,
                                obj: o,
                                key: Operand::Const(c),
                            },
                            span,
                        );
                        Operand::Var(dst)
                    }
                    None => {
                        let key = self.lower_expr(index);
                        let dst = self.temp();
                        self.emit(InstKind::LoadIndex { dst, obj: o, key }, span);
                        Operand::Var(dst)
                    }
                }
            }
            "call_expression" => self.lower_call(n, true),
            "new_expression" => self.lower_new(n),
            "await_expression" | "yield_expression" | "spread_element" => {
                let operand = match n.named_child(0) {
                    Some(e) => self.lower_expr(e),
                    None => Operand::Const(Const::Null),
                };
                if n.kind() == "spread_element" {
                    return operand;
                }
                let dst = self.temp();
                self.emit(
                    InstKind::UnOp {
                        dst,
                        op: UnOp::Other,
                        operand,
                    },
                    span,
                );
                Operand::Var(dst)
            }
            "unary_expression" => self.lower_unary(n),
            "update_expression" => {
                let Some(arg) = n.field("argument") else {
                    return self.unknown(Vec::new(), span);
                };
                let cur = self.lower_expr(arg);
                let dst = self.temp();
                let op = if self.op_text(n) == "--" {
                    BinOp::Sub
                } else {
                    BinOp::Add
                };
                self.emit(
                    InstKind::BinOp {
                        dst,
                        op,
                        lhs: cur.clone(),
                        rhs: Operand::Const(Const::Int(1)),
                    },
                    span,
                );
                self.assign_target(arg, Operand::Var(dst), span);
                Operand::Var(dst)
            }
            "binary_expression" => self.lower_binary(n),
            "ternary_expression" => {
                let result = self.temp();
                let then_bb = self.b().new_block();
                let else_bb = self.b().new_block();
                let join = self.b().new_block();
                match n.field("condition") {
                    Some(c) => self.lower_cond(c, then_bb, else_bb),
                    None => self.b().terminate(Terminator::Goto(then_bb)),
                }
                for (bb, field) in [(then_bb, "consequence"), (else_bb, "alternative")] {
                    self.b().switch_to(bb);
                    let v = match n.field(field) {
                        Some(e) => self.lower_expr(e),
                        None => Operand::Const(Const::Null),
                    };
                    self.emit(
                        InstKind::Assign {
                            dst: result,
                            src: v,
                        },
                        span,
                    );
                    self.b().terminate(Terminator::Goto(join));
                }
                self.b().switch_to(join);
                Operand::Var(result)
            }
            "assignment_expression" => {
                let (Some(left), Some(right)) = (n.field("left"), n.field("right")) else {
                    return self.unknown(Vec::new(), span);
                };
                self.record_commonjs_export(left, right);
                let hint = self.assignment_hint(left);
                let v = self.lower_expr_named(right, hint);
                self.assign_target(left, v, span)
            }
            "augmented_assignment_expression" => self.lower_augmented(n),
            "sequence_expression" => {
                let mut cursor = n.walk();
                let parts: Vec<Node> = n.named_children(&mut cursor).collect();
                let mut last = Operand::Const(Const::Null);
                for p in parts {
                    last = self.lower_expr(p);
                }
                last
            }
            "array" => {
                let mut cursor = n.walk();
                let items: Vec<Node> = n
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() != "comment")
                    .collect();
                let items = items.into_iter().map(|i| self.lower_expr(i)).collect();
                let dst = self.temp();
                self.emit(InstKind::MakeList { dst, items }, span);
                Operand::Var(dst)
            }
            "object" => self.lower_object(n, hint),
            "function_expression" | "function" | "generator_function" | "arrow_function" => {
                let name = n.field("name").map(|x| self.text(x).to_string()).or(hint);
                self.func_value(n, name)
            }
            "class" => {
                let cid = self.lower_class(n, hint, Vec::new());
                let path = self.class_name(cid, true);
                self.global(path, span)
            }
            "jsx_element" | "jsx_self_closing_element" => self.lower_jsx(n),
            "jsx_expression" => match n.named_child(0) {
                Some(e) if e.kind() != "comment" => self.lower_expr(e),
                _ => Operand::Const(Const::Null),
            },
            "jsx_text" => Operand::Const(Const::Str(self.text(n).trim().to_string())),
            "meta_property" => self.global(self.text(n).to_string(), span),
            "import" => self.global("import".into(), span),
            _ => {
                // ERROR nodes and unforeseen expressions: unknown over what is inside.
                let mut cursor = n.walk();
                let children: Vec<Node> = n
                    .named_children(&mut cursor)
                    .filter(|c| !c.kind().contains("type") && c.kind() != "comment")
                    .collect();
                let operands = children.into_iter().map(|c| self.lower_expr(c)).collect();
                self.unknown(operands, span)
            }
        }
    }

    /// `a.b.c` whose root `a` is an import (not shadowed), as the path `<import target>.b.c`.
    pub(super) fn import_chain(&self, n: Node) -> Option<String> {
        match n.kind() {
            "identifier" => {
                let name = self.text(n);
                if !self.import_map.contains_key(name) {
                    return None;
                }
                match self.resolve(name) {
                    Name::Global(p) => Some(p),
                    Name::Local(_) => None,
                }
            }
            "member_expression" => {
                let obj = n.field("object")?;
                let prop = n.field("property")?;
                if prop.kind() != "property_identifier" {
                    return None;
                }
                Some(format!("{}.{}", self.import_chain(obj)?, self.text(prop)))
            }
            _ => None,
        }
    }

    /// Names a function assigned to `x`, `obj.x` (as `obj.x`), `exports.x` or `module.exports`.
    fn assignment_hint(&self, left: Node) -> Option<String> {
        match left.kind() {
            "identifier" => Some(self.text(left).to_string()),
            "member_expression" => {
                let target: String = self
                    .text(left)
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                if target == "module.exports" {
                    return Some("default".into());
                }
                // `exports.f = ...` is the module's `f`; `router.handlers.f = ...` keeps its
                // owner so it cannot take the name of a module-level `f`.
                let exported = target
                    .strip_prefix("module.exports.")
                    .or_else(|| target.strip_prefix("exports."));
                match exported {
                    Some(name) => Some(name.to_string()),
                    None if target.len() <= 80 => Some(target),
                    None => left.field("property").map(|p| self.text(p).to_string()),
                }
            }
            _ => None,
        }
    }

    /// Stores `value` into an assignment target and returns the value.
    pub(super) fn assign_target(&mut self, left: Node, value: Operand, span: Span) -> Operand {
        match left.kind() {
            "identifier" => {
                let name = self.text(left).to_string();
                self.assign_name(&name, value, span);
                match self.resolve(&name) {
                    Name::Local(v) => Operand::Var(v),
                    Name::Global(_) => Operand::Const(Const::Null),
                }
            }
            "member_expression" => {
                let (Some(obj), Some(prop)) = (left.field("object"), left.field("property")) else {
                    return value;
                };
                let o = self.lower_expr(obj);
                let o = self.var_of(o, span);
                let field = self.text(prop).to_string();
                self.emit(
                    InstKind::Store {
                        obj: o,
                        field,
                        src: value.clone(),
                    },
                    span,
                );
                value
            }
            "subscript_expression" => {
                let (Some(obj), Some(index)) = (left.field("object"), left.field("index")) else {
                    return value;
                };
                let o = self.lower_expr(obj);
                let o = self.var_of(o, span);
                match self.const_of(index) {
                    Some(Const::Str(field)) => self.emit(
                        InstKind::Store {
                            obj: o,
                            field,
                            src: value.clone(),
                        },
                        span,
                    ),
                    other => {
                        let key = match other {
                            Some(c) => Operand::Const(c),
                            None => self.lower_expr(index),
                        };
                        self.emit(
                            InstKind::StoreIndex {
                                obj: o,
                                key,
                                src: value.clone(),
                            },
                            span,
                        );
                    }
                }
                value
            }
            "parenthesized_expression" | "non_null_expression" | "as_expression" => {
                match left.named_child(0) {
                    Some(inner) => self.assign_target(inner, value, span),
                    None => value,
                }
            }
            "object_pattern" | "array_pattern" => {
                self.bind_pattern(left, value.clone(), super::stmt::Bind::Assign);
                value
            }
            _ => value,
        }
    }

    fn lower_augmented(&mut self, n: Node) -> Operand {
        let span = self.span(n);
        let (Some(left), Some(right)) = (n.field("left"), n.field("right")) else {
            return self.unknown(Vec::new(), span);
        };
        let op = self.op_text(n);
        let cur = self.lower_expr(left);
        // `x ||= y`, `x ??= y`, `x &&= y`: either value.
        if matches!(op, "||=" | "??=" | "&&=") {
            let rhs = self.lower_expr(right);
            let v = self.unknown(vec![cur, rhs], span);
            return self.assign_target(left, v, span);
        }
        let stringy = op == "+=" && self.is_stringy(right);
        let rhs = self.lower_expr(right);
        let dst = self.temp();
        if stringy {
            self.emit(
                InstKind::Concat {
                    dst,
                    parts: vec![cur, rhs],
                },
                span,
            );
        } else {
            let bop = match op {
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
                    rhs,
                },
                span,
            );
        }
        self.assign_target(left, Operand::Var(dst), span)
    }

    fn lower_unary(&mut self, n: Node) -> Operand {
        let span = self.span(n);
        let Some(arg) = n.field("argument") else {
            return self.unknown(Vec::new(), span);
        };
        if let Some(c) = self.const_of(n) {
            return Operand::Const(c);
        }
        let op = self.op_text(n);
        let operand = self.lower_expr(arg);
        let dst = self.temp();
        let kind = match op {
            "!" => InstKind::UnOp {
                dst,
                op: UnOp::Not,
                operand,
            },
            "-" => InstKind::UnOp {
                dst,
                op: UnOp::Neg,
                operand,
            },
            // `+x` converts to a number.
            "+" => InstKind::Convert {
                dst,
                ty: "number".into(),
                src: operand,
            },
            "void" => return Operand::Const(Const::Null),
            "delete" => InstKind::Unknown {
                dst,
                operands: vec![operand],
            },
            _ => InstKind::UnOp {
                dst,
                op: UnOp::Other,
                operand,
            },
        };
        self.emit(kind, span);
        Operand::Var(dst)
    }

    /// Whether an expression is certainly a string (a literal, a template, or `+` over one).
    /// Walks left-nested `+` chains iteratively: generated code nests them thousands deep.
    fn is_stringy(&self, n: Node) -> bool {
        self.is_stringy_at(n, 0)
    }

    fn is_stringy_at(&self, n: Node, depth: u32) -> bool {
        let mut cur = n;
        for _ in 0..100_000 {
            match cur.kind() {
                "string" | "template_string" => return true,
                "parenthesized_expression" => match cur.named_child(0) {
                    Some(c) => cur = c,
                    None => return false,
                },
                "binary_expression" if self.op_text(cur) == "+" => {
                    if depth < 8
                        && cur
                            .field("right")
                            .is_some_and(|r| self.is_stringy_at(r, depth + 1))
                    {
                        return true;
                    }
                    match cur.field("left") {
                        Some(l) => cur = l,
                        None => return false,
                    }
                }
                _ => return false,
            }
        }
        false
    }

    /// The operands of a left-nested `+` chain, in order.
    fn plus_chain<'t>(&self, n: Node<'t>, out: &mut Vec<Node<'t>>) {
        let mut rights = Vec::new();
        let mut cur = n;
        while cur.kind() == "binary_expression" && self.op_text(cur) == "+" {
            let (Some(l), Some(r)) = (cur.field("left"), cur.field("right")) else {
                break;
            };
            rights.push(r);
            cur = l;
        }
        out.push(cur);
        out.extend(rights.into_iter().rev());
    }

    fn lower_binary(&mut self, n: Node) -> Operand {
        let span = self.span(n);
        let op = self.op_text(n);
        let (Some(left), Some(right)) = (n.field("left"), n.field("right")) else {
            return self.unknown(Vec::new(), span);
        };
        if matches!(op, "&&" | "||" | "??") {
            // Short-circuit: the result is one of the operands.
            let result = self.temp();
            let l = self.lower_expr(left);
            self.emit(
                InstKind::Assign {
                    dst: result,
                    src: l.clone(),
                },
                span,
            );
            let rhs_bb = self.b().new_block();
            let join = self.b().new_block();
            let (then, otherwise) = if op == "&&" {
                (rhs_bb, join)
            } else {
                (join, rhs_bb)
            };
            self.b().terminate(Terminator::Branch {
                cond: l,
                then,
                otherwise,
            });
            self.b().switch_to(rhs_bb);
            let r = self.lower_expr(right);
            self.emit(
                InstKind::Assign {
                    dst: result,
                    src: r,
                },
                span,
            );
            self.b().terminate(Terminator::Goto(join));
            self.b().switch_to(join);
            return Operand::Var(result);
        }
        if op == "+" && self.is_stringy(n) {
            let mut nodes = Vec::new();
            self.plus_chain(n, &mut nodes);
            let mut parts = Vec::new();
            for p in nodes {
                match p.kind() {
                    "template_string" => self.template_parts(p, &mut parts),
                    _ => {
                        let v = self.lower_expr(p);
                        parts.push(v);
                    }
                }
            }
            let dst = self.temp();
            self.emit(InstKind::Concat { dst, parts }, span);
            return Operand::Var(dst);
        }
        let lhs = self.lower_expr(left);
        let rhs = self.lower_expr(right);
        let bop = match op {
            "+" => BinOp::Add,
            "-" => BinOp::Sub,
            "*" | "**" => BinOp::Mul,
            "/" => BinOp::Div,
            "%" => BinOp::Mod,
            "==" | "===" => BinOp::Eq,
            "!=" | "!==" => BinOp::Ne,
            "<" => BinOp::Lt,
            "<=" => BinOp::Le,
            ">" => BinOp::Gt,
            ">=" => BinOp::Ge,
            "in" => BinOp::In,
            _ => BinOp::Other,
        };
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

    fn template_parts(&mut self, n: Node, parts: &mut Vec<Operand>) {
        let mut text = String::new();
        let mut cursor = n.walk();
        let children: Vec<Node> = n.named_children(&mut cursor).collect();
        for c in children {
            match c.kind() {
                "string_fragment" => text.push_str(self.text(c)),
                "escape_sequence" => text.push_str(&super::unescape(self.text(c))),
                "template_substitution" => {
                    if !text.is_empty() {
                        parts.push(Operand::Const(Const::Str(std::mem::take(&mut text))));
                    }
                    if let Some(e) = c.named_child(0) {
                        let v = self.lower_expr(e);
                        parts.push(v);
                    }
                }
                _ => {}
            }
        }
        if !text.is_empty() {
            parts.push(Operand::Const(Const::Str(text)));
        }
    }

    fn lower_template(&mut self, n: Node) -> Operand {
        let span = self.span(n);
        if let Some(s) = self.string_value(n) {
            return Operand::Const(Const::Str(s));
        }
        let mut parts = Vec::new();
        self.template_parts(n, &mut parts);
        let dst = self.temp();
        self.emit(InstKind::Concat { dst, parts }, span);
        Operand::Var(dst)
    }

    fn lower_object(&mut self, n: Node, hint: Option<String>) -> Operand {
        let span = self.span(n);
        let mut entries = Vec::new();
        let mut cursor = n.walk();
        let props: Vec<Node> = n.named_children(&mut cursor).collect();
        for p in props {
            match p.kind() {
                "pair" => {
                    let (Some(key), Some(value)) = (p.field("key"), p.field("value")) else {
                        continue;
                    };
                    let k = self.property_name(key);
                    if k.is_none() {
                        // Computed keys are evaluated for their effects.
                        if let Some(e) = key.named_child(0) {
                            self.lower_expr(e);
                        }
                    }
                    let fn_hint = k.as_ref().map(|k| match &hint {
                        Some(h) if h != "default" => format!("{h}.{k}"),
                        _ => k.clone(),
                    });
                    let v = if is_function_node(value.kind()) || value.kind() == "class" {
                        self.lower_expr_named(value, fn_hint)
                    } else {
                        self.lower_expr(value)
                    };
                    entries.push((k, v));
                }
                "shorthand_property_identifier" => {
                    let name = self.text(p).to_string();
                    let v = self.lower_expr(p);
                    entries.push((Some(name), v));
                }
                "spread_element" => {
                    let v = self.lower_expr(p);
                    entries.push((None, v));
                }
                "method_definition" => {
                    let k = p.field("name").and_then(|x| self.property_name(x));
                    let fn_hint = k.as_ref().map(|k| match &hint {
                        Some(h) if h != "default" => format!("{h}.{k}"),
                        _ => k.clone(),
                    });
                    let v = self.func_value(p, fn_hint);
                    entries.push((k, v));
                }
                _ => {}
            }
        }
        let dst = self.temp();
        self.emit(InstKind::MakeMap { dst, entries }, span);
        Operand::Var(dst)
    }

    fn lower_args(&mut self, args: Option<Node>) -> Vec<Arg> {
        let Some(args) = args else {
            return Vec::new();
        };
        let mut cursor = args.walk();
        let nodes: Vec<Node> = args
            .named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .collect();
        nodes
            .into_iter()
            .map(|a| {
                let spread = a.kind() == "spread_element";
                Arg {
                    value: self.lower_expr(a),
                    keyword: None,
                    spread,
                }
            })
            .collect()
    }

    /// The qualified path of a plain identifier callee, when it is not a local.
    fn callee_path(&self, f: Node) -> Option<String> {
        match f.kind() {
            "identifier" => {
                let name = self.text(f);
                if self.module_decls.contains(name) && self.resolve_is_module_level(name) {
                    return Some(format!("{}.{name}", self.module_name));
                }
                match self.resolve(name) {
                    Name::Global(p) => Some(p),
                    Name::Local(v) => self.stack.last().and_then(|c| c.decl_fns.get(&v).cloned()),
                }
            }
            _ => None,
        }
    }

    /// A top-level function or class name not shadowed in the current function.
    fn resolve_is_module_level(&self, name: &str) -> bool {
        if self.stack.len() <= 1 {
            return true;
        }
        self.stack[1..].iter().all(|c| c.b.lookup(name).is_none())
    }

    pub(super) fn lower_call(&mut self, n: Node, want: bool) -> Operand {
        let span = self.span(n);
        let Some(mut f) = n.field("function") else {
            return self.unknown(Vec::new(), span);
        };
        while matches!(
            f.kind(),
            "parenthesized_expression" | "non_null_expression" | "instantiation_expression"
        ) && f.named_child_count() >= 1
        {
            match f.named_child(0) {
                Some(inner) if !inner.kind().contains("type") => f = inner,
                _ => break,
            }
        }
        let args_node = n.field("arguments");
        // `require('m')` is the module itself.
        if f.kind() == "identifier" && self.text(f) == "require" {
            if let Some(spec) = args_node
                .filter(|a| a.kind() == "arguments" && a.named_child_count() == 1)
                .and_then(|a| a.named_child(0))
                .and_then(|s| self.string_value(s))
            {
                if matches!(self.resolve("require"), Name::Global(ref p) if p == "require") {
                    return self.global(normalize_specifier(&spec, &self.module_name), span);
                }
            }
        }
        // `handler.bind(this)` is the same function (registered handlers stay recognizable).
        if f.kind() == "member_expression"
            && f.field("property").is_some_and(|p| self.text(p) == "bind")
        {
            if let Some(obj) = f.field("object") {
                let func = self.lower_expr(obj);
                self.lower_args(args_node);
                let dst = self.temp();
                self.emit(
                    InstKind::UnOp {
                        dst,
                        op: UnOp::Other,
                        operand: func,
                    },
                    span,
                );
                return Operand::Var(dst);
            }
        }
        let callee_path = match f.kind() {
            "identifier" => self.callee_path(f),
            "member_expression" => self.dotted_path(f),
            _ => None,
        };
        if let Some(ty) = callee_path.as_deref().and_then(conversion) {
            let args = self.lower_args(args_node);
            let src = args
                .into_iter()
                .next()
                .map(|a| a.value)
                .unwrap_or(Operand::Const(Const::Null));
            let dst = self.temp();
            self.emit(
                InstKind::Convert {
                    dst,
                    ty: ty.into(),
                    src,
                },
                span,
            );
            return Operand::Var(dst);
        }
        let callee = match f.kind() {
            "identifier" => match callee_path {
                Some(p) => Callee::Path(p),
                None => match self.resolve(self.text(f)) {
                    Name::Local(v) => Callee::Value(v),
                    Name::Global(p) => Callee::Path(p),
                },
            },
            "member_expression" => {
                let (Some(obj), Some(prop)) = (f.field("object"), f.field("property")) else {
                    return self.unknown(Vec::new(), span);
                };
                let o = self.lower_expr(obj);
                let receiver = self.var_of(o, span);
                Callee::Method {
                    receiver,
                    name: self.text(prop).to_string(),
                }
            }
            "super" => Callee::Path("super".into()),
            // `require('fastify')(opts)`: a call of the module itself.
            "call_expression" if self.require_target(f).is_some_and(|(_, m)| m.is_none()) => {
                match self.require_target(f) {
                    Some((module, _)) => Callee::Path(module),
                    None => Callee::Path("require".into()),
                }
            }
            "import" => Callee::Path("import".into()),
            _ => {
                let v = self.lower_expr(f);
                Callee::Value(self.var_of(v, span))
            }
        };
        let args = match args_node {
            // Tagged template: `tag(strings, ...values)`.
            Some(t) if t.kind() == "template_string" => self.tagged_args(t),
            other => self.lower_args(other),
        };
        let dst = want.then(|| self.temp());
        self.emit(InstKind::Call { dst, callee, args }, span);
        match dst {
            Some(d) => Operand::Var(d),
            None => Operand::Const(Const::Null),
        }
    }

    fn tagged_args(&mut self, t: Node) -> Vec<Arg> {
        let span = self.span(t);
        let mut strings = Vec::new();
        let mut values = Vec::new();
        let mut text = String::new();
        let mut cursor = t.walk();
        let children: Vec<Node> = t.named_children(&mut cursor).collect();
        for c in children {
            match c.kind() {
                "string_fragment" => text.push_str(self.text(c)),
                "escape_sequence" => text.push_str(self.text(c)),
                "template_substitution" => {
                    strings.push(Operand::Const(Const::Str(std::mem::take(&mut text))));
                    if let Some(e) = c.named_child(0) {
                        let v = self.lower_expr(e);
                        values.push(plain(v));
                    }
                }
                _ => {}
            }
        }
        strings.push(Operand::Const(Const::Str(text)));
        let dst = self.temp();
        self.emit(
            InstKind::MakeList {
                dst,
                items: strings,
            },
            span,
        );
        let mut args = vec![plain(Operand::Var(dst))];
        args.extend(values);
        args
    }

    fn lower_new(&mut self, n: Node) -> Operand {
        let span = self.span(n);
        let ctor = n.field("constructor");
        let class = ctor
            .and_then(|c| match c.kind() {
                "identifier" => Some(match self.resolve(self.text(c)) {
                    Name::Global(p) => p,
                    Name::Local(_) => self.text(c).to_string(),
                }),
                _ => self.dotted_path(c),
            })
            .or_else(|| ctor.map(|c| compact(self.text(c))))
            .unwrap_or_default();
        // `new (class { ... })()` and similar still lower the constructor expression.
        if let Some(c) = ctor {
            if !matches!(c.kind(), "identifier" | "member_expression") {
                self.lower_expr(c);
            }
        }
        let args = self.lower_args(n.field("arguments"));
        let dst = self.temp();
        self.emit(InstKind::New { dst, class, args }, span);
        Operand::Var(dst)
    }

    /// JSX `<Tag a={x} {...rest}>children</Tag>` → `react.createElement(tag, {a: x, *: rest},
    /// children...)`; intrinsic tags are constant strings, components are values.
    fn lower_jsx(&mut self, n: Node) -> Operand {
        let span = self.span(n);
        let (open, children) = if n.kind() == "jsx_element" {
            (n.field("open_tag"), true)
        } else {
            (Some(n), false)
        };
        let tag = match open.and_then(|o| o.field("name")) {
            Some(name) => {
                let text = self.text(name);
                let intrinsic = name.kind() == "identifier"
                    && text.chars().next().is_some_and(|c| c.is_ascii_lowercase());
                if intrinsic || name.kind() == "jsx_namespace_name" {
                    Operand::Const(Const::Str(text.to_string()))
                } else {
                    self.lower_expr(name)
                }
            }
            None => Operand::Const(Const::Str(String::new())),
        };
        // Attributes are evaluated first; named ones are then stored one by one so a sink such
        // as `dangerouslySetInnerHTML` is reported on its own attribute.
        let mut spreads = Vec::new();
        let mut named = Vec::new();
        if let Some(open) = open {
            let mut cursor = open.walk();
            let attrs: Vec<Node> = open
                .children_by_field_name("attribute", &mut cursor)
                .collect();
            for a in attrs {
                match a.kind() {
                    "jsx_attribute" => {
                        let Some(name) = a.named_child(0) else {
                            continue;
                        };
                        let value = match a.named_child(1) {
                            Some(v) => match v.kind() {
                                "string" => Operand::Const(Const::Str(
                                    self.string_value(v).unwrap_or_default(),
                                )),
                                _ => self.lower_expr(v),
                            },
                            None => Operand::Const(Const::Bool(true)),
                        };
                        named.push((self.text(name).to_string(), value, self.span(a)));
                    }
                    // `{...props}`
                    "jsx_expression" => {
                        let v = self.lower_expr(a);
                        spreads.push((None, v));
                    }
                    _ => {}
                }
            }
        }
        let props = self.temp();
        let pspan = open.map(|o| self.span(o)).unwrap_or(span);
        self.emit(
            InstKind::MakeMap {
                dst: props,
                entries: spreads,
            },
            pspan,
        );
        for (field, src, aspan) in named {
            self.emit(
                InstKind::Store {
                    obj: props,
                    field,
                    src,
                },
                aspan,
            );
        }
        let mut args = vec![plain(tag), plain(Operand::Var(props))];
        if children {
            let mut cursor = n.walk();
            let kids: Vec<Node> = n
                .named_children(&mut cursor)
                .filter(|c| {
                    matches!(
                        c.kind(),
                        "jsx_element" | "jsx_self_closing_element" | "jsx_expression" | "jsx_text"
                    )
                })
                .collect();
            for k in kids {
                if k.kind() == "jsx_text" && self.text(k).trim().is_empty() {
                    continue;
                }
                if k.kind() == "jsx_expression"
                    && k.named_child(0).is_none_or(|c| c.kind() == "comment")
                {
                    continue;
                }
                let v = self.lower_expr(k);
                args.push(plain(v));
            }
        }
        let dst = self.temp();
        self.emit(
            InstKind::Call {
                dst: Some(dst),
                callee: Callee::Path("react.createElement".into()),
                args,
            },
            span,
        );
        Operand::Var(dst)
    }
}

fn plain(value: Operand) -> Arg {
    Arg {
        value,
        keyword: None,
        spread: false,
    }
}

/// Redirects the destination of an instruction (see `assign_to`).
fn set_dst(kind: &mut InstKind, var: VarId) {
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
        | InstKind::Unknown { dst, .. } => *dst = var,
        InstKind::Call { dst, .. } => *dst = Some(var),
        InstKind::Store { .. } | InstKind::StoreIndex { .. } => {}
    }
}
