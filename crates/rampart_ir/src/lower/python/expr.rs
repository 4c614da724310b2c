//! Expressions, conditions and assignment targets.

use super::fields::NodeExt;
use super::literal::{self, FieldRef, Piece};
use super::{set_dst, Lowerer, MAX_DEPTH};
use crate::ir::*;
use rampart_core::Span;
use tree_sitter::Node;

/// Builtin calls that turn any value into a number, bool or UUID: their result carries no
/// injection payload.
const CONVERSIONS: &[(&str, &str)] = &[
    ("int", "int"),
    ("float", "float"),
    ("bool", "bool"),
    ("uuid.UUID", "uuid"),
];

impl<'a> Lowerer<'a> {
    /// The constant a literal denotes: strings without interpolation, numbers, booleans, None.
    pub(super) fn const_value(&self, node: Node) -> Option<Const> {
        match node.kind() {
            "string" | "concatenated_string" => {
                literal::string_value(node, self.src).map(Const::Str)
            }
            "integer" => parse_int(self.text(node)).map(Const::Int),
            "float" => {
                let t = self.text(node).replace('_', "");
                t.parse::<f64>().ok().map(Const::Float)
            }
            "true" => Some(Const::Bool(true)),
            "false" => Some(Const::Bool(false)),
            "none" => Some(Const::Null),
            "unary_operator" => {
                let op = node.field("operator").map(|o| self.text(o));
                let arg = self.const_value(node.field("argument")?)?;
                match (op, arg) {
                    (Some("-"), Const::Int(i)) => Some(Const::Int(i.checked_neg()?)),
                    (Some("-"), Const::Float(f)) => Some(Const::Float(-f)),
                    (Some("+"), c @ (Const::Int(_) | Const::Float(_))) => Some(c),
                    _ => None,
                }
            }
            "parenthesized_expression" => self.const_value(node.named_child(0)?),
            _ => None,
        }
    }

    /// Lowers an expression to an operand (a constant or the variable holding its value).
    pub(super) fn expr(&mut self, node: Node) -> Operand {
        self.depth += 1;
        let r = if self.depth > MAX_DEPTH {
            let span = self.span(node);
            self.unknown(Vec::new(), span)
        } else {
            self.expr_inner(node)
        };
        self.depth -= 1;
        r
    }

    /// Lowers an expression into a variable (constants get a temporary).
    pub(super) fn expr_var(&mut self, node: Node) -> VarId {
        let span = self.span(node);
        let op = self.expr(node);
        self.materialize(op, span)
    }

    pub(super) fn materialize(&mut self, op: Operand, span: Span) -> VarId {
        match op {
            Operand::Var(v) => v,
            Operand::Const(c) => {
                let t = self.temp();
                self.emit(
                    InstKind::Assign {
                        dst: t,
                        src: Operand::Const(c),
                    },
                    span,
                );
                t
            }
        }
    }

    pub(super) fn unknown(&mut self, operands: Vec<Operand>, span: Span) -> Operand {
        let dst = self.temp();
        self.emit(InstKind::Unknown { dst, operands }, span);
        Operand::Var(dst)
    }

    fn read_name(&mut self, name: &str, span: Span) -> Operand {
        if let Some(v) = self.local(name) {
            return Operand::Var(v);
        }
        let path = self.global_path(name);
        let dst = self.temp();
        self.emit(InstKind::Global { dst, path }, span);
        Operand::Var(dst)
    }

    fn expr_inner(&mut self, node: Node) -> Operand {
        let span = self.span(node);
        match node.kind() {
            "identifier" => {
                let name = self.text(node);
                self.read_name(name, span)
            }
            "integer" | "float" | "true" | "false" | "none" => match self.const_value(node) {
                Some(c) => Operand::Const(c),
                None => self.unknown(Vec::new(), span),
            },
            "string" | "concatenated_string" => match self.const_value(node) {
                Some(c) => Operand::Const(c),
                None => self.fstring(node, span),
            },
            "ellipsis" => Operand::Const(Const::Null),
            "parenthesized_expression"
            | "list_splat"
            | "dictionary_splat"
            | "parenthesized_list_splat"
            | "as_pattern"
            | "type" => match node.named_child(0) {
                Some(inner) => self.expr(inner),
                None => self.unknown(Vec::new(), span),
            },
            "attribute" => {
                if let Some(path) = self.imported_path(node) {
                    let dst = self.temp();
                    self.emit(InstKind::Global { dst, path }, span);
                    return Operand::Var(dst);
                }
                let (Some(obj), Some(attr)) = (node.field("object"), node.field("attribute"))
                else {
                    return self.unknown(Vec::new(), span);
                };
                let obj = self.expr_var(obj);
                let dst = self.temp();
                let field = self.text(attr).to_string();
                self.emit(InstKind::Load { dst, obj, field }, span);
                Operand::Var(dst)
            }
            "subscript" => self.subscript(node, span),
            "call" => self.call(node, true).unwrap_or(Operand::Const(Const::Null)),
            "binary_operator" => self.binary(node, span),
            "unary_operator" => {
                if let Some(c) = self.const_value(node) {
                    return Operand::Const(c);
                }
                let op = match node.field("operator").map(|o| self.text(o)) {
                    Some("-") => UnOp::Neg,
                    _ => UnOp::Other,
                };
                let operand = match node.field("argument") {
                    Some(a) => self.expr(a),
                    None => Operand::Const(Const::Null),
                };
                let dst = self.temp();
                self.emit(InstKind::UnOp { dst, op, operand }, span);
                Operand::Var(dst)
            }
            "not_operator" => {
                let operand = match node.field("argument") {
                    Some(a) => self.expr(a),
                    None => Operand::Const(Const::Null),
                };
                let dst = self.temp();
                self.emit(
                    InstKind::UnOp {
                        dst,
                        op: UnOp::Not,
                        operand,
                    },
                    span,
                );
                Operand::Var(dst)
            }
            "await" => {
                let operand = match node.named_child(0) {
                    Some(a) => self.expr(a),
                    None => Operand::Const(Const::Null),
                };
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
            "boolean_operator" => self.short_circuit(node, span),
            "comparison_operator" => self.comparison(node, span),
            "conditional_expression" => self.conditional(node, span),
            "named_expression" => {
                let value = match node.field("value") {
                    Some(v) => self.expr(v),
                    None => Operand::Const(Const::Null),
                };
                let Some(name) = node.field("name") else {
                    return value;
                };
                let name = self.text(name);
                let var = self.b().lookup_or_declare(name);
                self.assign_local(var, value, span);
                Operand::Var(var)
            }
            "lambda" => {
                let func = self.lambda(node);
                let dst = self.temp();
                self.emit(InstKind::FuncRef { dst, func }, span);
                Operand::Var(dst)
            }
            "list" | "tuple" | "set" | "expression_list" | "pattern_list" => {
                let mut items = Vec::new();
                let mut cursor = node.walk();
                let children: Vec<Node> = node
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() != "comment")
                    .collect();
                for c in children {
                    items.push(self.expr(c));
                }
                let dst = self.temp();
                self.emit(InstKind::MakeList { dst, items }, span);
                Operand::Var(dst)
            }
            "dictionary" => {
                let mut entries = Vec::new();
                let mut cursor = node.walk();
                let children: Vec<Node> = node.named_children(&mut cursor).collect();
                for c in children {
                    match c.kind() {
                        "pair" => {
                            let (Some(k), Some(v)) = (c.field("key"), c.field("value")) else {
                                continue;
                            };
                            let key = match self.const_value(k) {
                                Some(Const::Str(s)) => Some(s),
                                Some(Const::Int(i)) => Some(i.to_string()),
                                Some(Const::Bool(b)) => Some(b.to_string()),
                                _ => None,
                            };
                            if key.is_none() {
                                // A computed key matters for taint too (it may be the payload).
                                let kv = self.expr(k);
                                entries.push((None, kv));
                            }
                            let value = self.expr(v);
                            entries.push((key, value));
                        }
                        "dictionary_splat" => {
                            let v = match c.named_child(0) {
                                Some(inner) => self.expr(inner),
                                None => continue,
                            };
                            entries.push((None, v));
                        }
                        _ => {}
                    }
                }
                let dst = self.temp();
                self.emit(InstKind::MakeMap { dst, entries }, span);
                Operand::Var(dst)
            }
            "list_comprehension"
            | "set_comprehension"
            | "generator_expression"
            | "dictionary_comprehension" => self.comprehension(node, span),
            "yield" => {
                if let Some(v) = node.named_child(0) {
                    // What a generator yields is what iterating its result produces: gather
                    // every yielded value into one variable the function returns.
                    let value = self.expr(v);
                    let acc = match self.ctx().yielded {
                        Some(acc) => acc,
                        None => {
                            let acc = self.temp();
                            self.ctx().yielded = Some(acc);
                            acc
                        }
                    };
                    self.emit(
                        InstKind::Unknown {
                            dst: acc,
                            operands: vec![Operand::Var(acc), value],
                        },
                        span,
                    );
                }
                // The value sent back into a generator is unrelated to what it yields.
                self.unknown(Vec::new(), span)
            }
            "keyword_argument" => match node.field("value") {
                Some(v) => self.expr(v),
                None => self.unknown(Vec::new(), span),
            },
            _ => {
                // ERROR nodes and constructs without a dedicated lowering: the value depends on
                // whatever expressions they contain.
                let mut cursor = node.walk();
                let children: Vec<Node> = node
                    .named_children(&mut cursor)
                    .filter(|c| is_expression(c.kind()))
                    .collect();
                let mut operands = Vec::new();
                for c in children {
                    operands.push(self.expr(c));
                }
                self.unknown(operands, span)
            }
        }
    }

    fn subscript(&mut self, node: Node, span: Span) -> Operand {
        let Some(value) = node.field("value") else {
            return self.unknown(Vec::new(), span);
        };
        let obj = self.expr_var(value);
        let subs: Vec<Node> = node.fields("subscript");
        let dst = self.temp();
        match subs.as_slice() {
            [one] if one.kind() != "slice" => {
                let key = self.expr(*one);
                self.emit(InstKind::LoadIndex { dst, obj, key }, span);
            }
            _ => {
                // Slices and multi-dimensional keys keep (part of) the container.
                let mut operands = vec![Operand::Var(obj)];
                for s in subs {
                    if s.kind() == "slice" {
                        let mut c = s.walk();
                        let parts: Vec<Node> = s.named_children(&mut c).collect();
                        for p in parts {
                            operands.push(self.expr(p));
                        }
                    } else {
                        operands.push(self.expr(s));
                    }
                }
                self.emit(InstKind::Unknown { dst, operands }, span);
            }
        }
        Operand::Var(dst)
    }

    /// An f-string (or an implicit concatenation containing one) → `Concat`.
    fn fstring(&mut self, node: Node, span: Span) -> Operand {
        let mut parts = Vec::new();
        self.fstring_parts(node, &mut parts);
        self.concat(parts, span)
    }

    fn fstring_parts(&mut self, node: Node, parts: &mut Vec<Operand>) {
        if node.kind() == "concatenated_string" {
            let mut cursor = node.walk();
            let children: Vec<Node> = node.named_children(&mut cursor).collect();
            for c in children {
                self.fstring_parts(c, parts);
            }
            return;
        }
        let mut raw = false;
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        for c in children {
            match c.kind() {
                "string_start" => raw = self.text(c).to_ascii_lowercase().contains('r'),
                "string_content" => {
                    let t = self.text(c);
                    let t = if raw {
                        t.to_string()
                    } else {
                        literal::unescape(t)
                    };
                    parts.push(Operand::Const(Const::Str(
                        t.replace("{{", "{").replace("}}", "}"),
                    )));
                }
                "interpolation" => {
                    let Some(e) = c.field("expression") else {
                        continue;
                    };
                    let espan = self.span(e);
                    let v = self.expr(e);
                    let spec = c
                        .field("format_specifier")
                        .map(|s| self.text(s).trim_start_matches(':').to_string());
                    let numeric = spec.as_deref().and_then(numeric_spec);
                    let v = match numeric {
                        Some(ty) => self.convert(ty, v, espan),
                        None => v,
                    };
                    parts.push(v);
                }
                _ => {}
            }
        }
    }

    /// A `Concat` of the parts, with adjacent constants merged.
    pub(super) fn concat(&mut self, parts: Vec<Operand>, span: Span) -> Operand {
        let mut merged: Vec<Operand> = Vec::with_capacity(parts.len());
        for p in parts {
            if let (Some(Operand::Const(Const::Str(prev))), Operand::Const(Const::Str(s))) =
                (merged.last_mut(), &p)
            {
                prev.push_str(s);
                continue;
            }
            if matches!(&p, Operand::Const(Const::Str(s)) if s.is_empty()) {
                continue;
            }
            merged.push(p);
        }
        let dst = self.temp();
        self.emit(InstKind::Concat { dst, parts: merged }, span);
        Operand::Var(dst)
    }

    fn convert(&mut self, ty: &str, src: Operand, span: Span) -> Operand {
        let dst = self.temp();
        self.emit(
            InstKind::Convert {
                dst,
                ty: ty.to_string(),
                src,
            },
            span,
        );
        Operand::Var(dst)
    }

    /// Whether an expression obviously builds a string (so `+`/`+=` on it is concatenation).
    pub(super) fn is_stringish(&self, node: Node) -> bool {
        match node.kind() {
            "string" | "concatenated_string" => true,
            "parenthesized_expression" => node.named_child(0).is_some_and(|c| self.is_stringish(c)),
            "binary_operator" => {
                let op = node.field("operator").map(|o| self.text(o));
                match op {
                    Some("+") => {
                        node.field("left").is_some_and(|l| self.is_stringish(l))
                            || node.field("right").is_some_and(|r| self.is_stringish(r))
                    }
                    Some("%") => node.field("left").is_some_and(|l| self.is_stringish(l)),
                    _ => false,
                }
            }
            "call" => node
                .field("function")
                .filter(|f| f.kind() == "attribute")
                .and_then(|f| f.field("attribute"))
                .is_some_and(|a| matches!(self.text(a), "format" | "join")),
            _ => false,
        }
    }

    fn binary(&mut self, node: Node, span: Span) -> Operand {
        let op_text = node.field("operator").map(|o| self.text(o)).unwrap_or("");
        let (Some(left), Some(right)) = (node.field("left"), node.field("right")) else {
            return self.unknown(Vec::new(), span);
        };
        if op_text == "+" {
            // Flatten the left-leaning chain `a + b + c` without recursion.
            let mut leaves = vec![right];
            let mut cur = left;
            while cur.kind() == "binary_operator"
                && cur.field("operator").is_some_and(|o| self.text(o) == "+")
            {
                let (Some(l), Some(r)) = (cur.field("left"), cur.field("right")) else {
                    break;
                };
                leaves.push(r);
                cur = l;
            }
            leaves.push(cur);
            leaves.reverse();
            if leaves.iter().any(|l| self.is_stringish(*l)) {
                let parts: Vec<Operand> = leaves.iter().map(|l| self.expr(*l)).collect();
                return self.concat(parts, span);
            }
            let mut acc = self.expr(leaves[0]);
            for leaf in &leaves[1..] {
                let rhs = self.expr(*leaf);
                let dst = self.temp();
                let lspan = self.span(*leaf);
                self.emit(
                    InstKind::BinOp {
                        dst,
                        op: BinOp::Add,
                        lhs: acc,
                        rhs,
                    },
                    Span::cover(span, lspan),
                );
                acc = Operand::Var(dst);
            }
            return acc;
        }
        if op_text == "%" {
            if let Some(Const::Str(template)) = self.const_value(left) {
                return self.percent_format(&template, right, span);
            }
            if self.is_stringish(left) {
                let l = self.expr(left);
                let r = self.expr(right);
                return self.concat(vec![l, r], span);
            }
        }
        // `/` stays `Other`: on `pathlib` paths it joins (`UPLOAD_DIR / filename`).
        let op = match op_text {
            "-" => BinOp::Sub,
            "*" => BinOp::Mul,
            "//" => BinOp::Div,
            "%" => BinOp::Mod,
            _ => BinOp::Other,
        };
        let lhs = self.expr(left);
        let rhs = self.expr(right);
        let dst = self.temp();
        self.emit(InstKind::BinOp { dst, op, lhs, rhs }, span);
        Operand::Var(dst)
    }

    /// `"... %s ... %(k)d" % args` → `Concat`, with numeric conversions as `Convert`.
    fn percent_format(&mut self, template: &str, rhs: Node, span: Span) -> Operand {
        let pieces = literal::percent_template(template);
        let mut positional: Vec<Node> = Vec::new();
        let mut named: Vec<(String, Node)> = Vec::new();
        let inner = if rhs.kind() == "parenthesized_expression" {
            rhs.named_child(0).unwrap_or(rhs)
        } else {
            rhs
        };
        let mut whole = None;
        match inner.kind() {
            "tuple" => {
                let mut c = inner.walk();
                positional = inner
                    .named_children(&mut c)
                    .filter(|n| n.kind() != "comment")
                    .collect();
            }
            "dictionary" => {
                let mut c = inner.walk();
                for p in inner.named_children(&mut c) {
                    if let (Some(k), Some(v)) = (p.field("key"), p.field("value")) {
                        if let Some(Const::Str(k)) = self.const_value(k) {
                            named.push((k, v));
                        }
                    }
                }
            }
            _ => {}
        }
        let fields = pieces
            .iter()
            .filter(|p| matches!(p, Piece::Field { .. }))
            .count();
        let structured = !positional.is_empty() || !named.is_empty();
        if !structured {
            // One value (or a tuple held in a variable) feeds every field.
            whole = Some(self.expr(rhs));
        }
        let mut parts = Vec::new();
        let mut next = 0usize;
        for piece in pieces {
            match piece {
                Piece::Lit(s) => parts.push(Operand::Const(Const::Str(s))),
                Piece::Field { arg, numeric } => {
                    let (value, vspan) = match (&whole, arg) {
                        (Some(w), _) => (w.clone(), span),
                        (None, FieldRef::Name(n)) => {
                            match named.iter().find(|(k, _)| *k == n).map(|(_, v)| *v) {
                                Some(v) => (self.expr(v), self.span(v)),
                                None => continue,
                            }
                        }
                        (None, _) => {
                            let v = positional.get(next).copied();
                            next += 1;
                            match v {
                                Some(v) => (self.expr(v), self.span(v)),
                                None => continue,
                            }
                        }
                    };
                    // A single tuple variable spread over several fields: types unknown.
                    let numeric = if whole.is_some() && fields > 1 {
                        None
                    } else {
                        numeric
                    };
                    match numeric {
                        Some(ty) => {
                            let c = self.convert(ty, value, vspan);
                            parts.push(c);
                        }
                        None => parts.push(value),
                    }
                }
            }
        }
        if let (Some(w), 0) = (&whole, fields) {
            parts.push(w.clone());
        }
        self.concat(parts, span)
    }

    /// `template.format(args)` → `Concat` (fields matched to arguments when the template is a
    /// literal; otherwise the receiver followed by every argument).
    fn format_call(&mut self, receiver: Node, args_node: Option<Node>, span: Span) -> Operand {
        let mut positional = Vec::new();
        let mut named = Vec::new();
        let mut spreads = Vec::new();
        if let Some(list) = args_node {
            let mut c = list.walk();
            for a in list.named_children(&mut c) {
                match a.kind() {
                    "keyword_argument" => {
                        if let (Some(k), Some(v)) = (a.field("name"), a.field("value")) {
                            named.push((self.text(k).to_string(), v));
                        }
                    }
                    "list_splat" | "dictionary_splat" => spreads.push(a),
                    "comment" => {}
                    _ => positional.push(a),
                }
            }
        }
        let template = self.const_value(receiver);
        let Some(Const::Str(template)) = template.filter(|_| spreads.is_empty()) else {
            let mut parts = vec![self.expr(receiver)];
            for a in positional
                .iter()
                .chain(named.iter().map(|(_, v)| v))
                .chain(&spreads)
            {
                parts.push(self.expr(*a));
            }
            return self.concat(parts, span);
        };
        let mut parts = Vec::new();
        let mut next = 0usize;
        for piece in literal::brace_template(&template) {
            match piece {
                Piece::Lit(s) => parts.push(Operand::Const(Const::Str(s))),
                Piece::Field { arg, numeric } => {
                    let node = match arg {
                        FieldRef::Next => {
                            next += 1;
                            positional.get(next - 1).copied()
                        }
                        FieldRef::Index(i) => positional.get(i).copied(),
                        FieldRef::Name(n) => named.iter().find(|(k, _)| *k == n).map(|(_, v)| *v),
                    };
                    let Some(node) = node else { continue };
                    let vspan = self.span(node);
                    let v = self.expr(node);
                    let v = match numeric {
                        Some(ty) => self.convert(ty, v, vspan),
                        None => v,
                    };
                    parts.push(v);
                }
            }
        }
        self.concat(parts, span)
    }

    /// A call; `want` says whether its result is used (statement calls get no `dst`).
    pub(super) fn call(&mut self, node: Node, want: bool) -> Option<Operand> {
        let span = self.span(node);
        let func = node.field("function")?;
        let args_node = node.field("arguments");
        if func.kind() == "attribute" {
            if let (Some(obj), Some(attr)) = (func.field("object"), func.field("attribute")) {
                if self.text(attr) == "format"
                    && args_node.is_none_or(|a| a.kind() == "argument_list")
                {
                    return Some(self.format_call(obj, args_node, span));
                }
            }
        }
        if let Some(path) = self.callee_path(func) {
            if let Some((_, ty)) = CONVERSIONS.iter().find(|(p, _)| *p == path) {
                if let Some(arg) = args_node.and_then(|a| first_positional(a)) {
                    let v = self.expr(arg);
                    return Some(self.convert(ty, v, span));
                }
            }
        }
        let callee = match func.kind() {
            "identifier" => {
                let name = self.text(func);
                match self.local(name) {
                    Some(v) => Callee::Value(v),
                    None => Callee::Path(self.global_path(name)),
                }
            }
            "attribute" => {
                let (Some(obj), Some(attr)) = (func.field("object"), func.field("attribute"))
                else {
                    return None;
                };
                let receiver = self.expr_var(obj);
                Callee::Method {
                    receiver,
                    name: self.text(attr).to_string(),
                }
            }
            _ => Callee::Value(self.expr_var(func)),
        };
        let args = match args_node {
            Some(a) => self.args(a),
            None => Vec::new(),
        };
        let dst = if want { Some(self.temp()) } else { None };
        self.emit(InstKind::Call { dst, callee, args }, span);
        Some(match dst {
            Some(d) => Operand::Var(d),
            None => Operand::Const(Const::Null),
        })
    }

    fn args(&mut self, list: Node) -> Vec<Arg> {
        if list.kind() == "generator_expression" {
            let v = self.expr(list);
            return vec![Arg {
                value: v,
                keyword: None,
                spread: false,
            }];
        }
        let mut out = Vec::new();
        let mut cursor = list.walk();
        let children: Vec<Node> = list.named_children(&mut cursor).collect();
        for a in children {
            match a.kind() {
                "keyword_argument" => {
                    let (Some(k), Some(v)) = (a.field("name"), a.field("value")) else {
                        continue;
                    };
                    let value = self.expr(v);
                    out.push(Arg {
                        value,
                        keyword: Some(self.text(k).to_string()),
                        spread: false,
                    });
                }
                "list_splat" | "dictionary_splat" => {
                    let Some(inner) = a.named_child(0) else {
                        continue;
                    };
                    let value = self.expr(inner);
                    out.push(Arg {
                        value,
                        keyword: None,
                        spread: true,
                    });
                }
                "comment" => {}
                _ => {
                    let value = self.expr(a);
                    out.push(Arg {
                        value,
                        keyword: None,
                        spread: false,
                    });
                }
            }
        }
        out
    }

    /// `a and b` / `a or b` as a value: short-circuit branches joining into one temporary.
    fn short_circuit(&mut self, node: Node, span: Span) -> Operand {
        let is_and = node
            .field("operator")
            .is_some_and(|o| self.text(o) == "and");
        let (Some(left), Some(right)) = (node.field("left"), node.field("right")) else {
            return self.unknown(Vec::new(), span);
        };
        let l = self.expr(left);
        let dst = self.temp();
        self.emit(
            InstKind::Assign {
                dst,
                src: l.clone(),
            },
            span,
        );
        let rhs_block = self.new_block();
        let join = self.new_block();
        let (then, otherwise) = if is_and {
            (rhs_block, join)
        } else {
            (join, rhs_block)
        };
        self.terminate(Terminator::Branch {
            cond: l,
            then,
            otherwise,
        });
        self.switch_to(rhs_block);
        let r = self.expr(right);
        self.emit(InstKind::Assign { dst, src: r }, span);
        self.b().goto_and_switch(join);
        Operand::Var(dst)
    }

    fn comparison(&mut self, node: Node, span: Span) -> Operand {
        let mut cursor = node.walk();
        let operands: Vec<Node> = node
            .named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .collect();
        let ops: Vec<&str> = node
            .fields("operators")
            .into_iter()
            .map(|o| self.text(o))
            .collect();
        let Some(first) = operands.first() else {
            return self.unknown(Vec::new(), span);
        };
        let mut lhs = self.expr(*first);
        let mut result: Option<Operand> = None;
        for (i, rhs_node) in operands.iter().enumerate().skip(1) {
            let rhs = self.expr(*rhs_node);
            let op = match ops
                .get(i - 1)
                .map(|s| s.split_whitespace().collect::<Vec<_>>())
            {
                Some(words) => match words.as_slice() {
                    ["=="] => BinOp::Eq,
                    ["!="] | ["<>"] => BinOp::Ne,
                    ["<"] => BinOp::Lt,
                    ["<="] => BinOp::Le,
                    [">"] => BinOp::Gt,
                    [">="] => BinOp::Ge,
                    ["in"] => BinOp::In,
                    ["not", "in"] => BinOp::NotIn,
                    _ => BinOp::Other,
                },
                None => BinOp::Other,
            };
            let dst = self.temp();
            self.emit(
                InstKind::BinOp {
                    dst,
                    op,
                    lhs: lhs.clone(),
                    rhs: rhs.clone(),
                },
                span,
            );
            result = Some(match result {
                None => Operand::Var(dst),
                Some(prev) => {
                    let both = self.temp();
                    self.emit(
                        InstKind::BinOp {
                            dst: both,
                            op: BinOp::And,
                            lhs: prev,
                            rhs: Operand::Var(dst),
                        },
                        span,
                    );
                    Operand::Var(both)
                }
            });
            lhs = rhs;
        }
        result.unwrap_or(lhs)
    }

    /// `a if cond else b`.
    fn conditional(&mut self, node: Node, span: Span) -> Operand {
        let mut cursor = node.walk();
        let parts: Vec<Node> = node
            .named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .collect();
        let [a, cond, b] = parts.as_slice() else {
            let ops: Vec<Operand> = parts.iter().map(|p| self.expr(*p)).collect();
            return self.unknown(ops, span);
        };
        let dst = self.temp();
        let then = self.new_block();
        let otherwise = self.new_block();
        let join = self.new_block();
        self.cond(*cond, then, otherwise);
        self.switch_to(then);
        let va = self.expr(*a);
        self.emit(InstKind::Assign { dst, src: va }, span);
        self.b().goto_and_switch(join);
        self.switch_to(otherwise);
        let vb = self.expr(*b);
        self.emit(InstKind::Assign { dst, src: vb }, span);
        self.b().goto_and_switch(join);
        Operand::Var(dst)
    }

    /// Lowers a condition as control flow: `not` swaps the targets and `and`/`or`
    /// short-circuit, so a guard's test is the branch condition itself.
    pub(super) fn cond(&mut self, node: Node, then: BlockId, otherwise: BlockId) {
        if self.depth > MAX_DEPTH {
            let v = self.expr(node);
            self.terminate(Terminator::Branch {
                cond: v,
                then,
                otherwise,
            });
            return;
        }
        self.depth += 1;
        match node.kind() {
            "parenthesized_expression" if node.named_child(0).is_some() => {
                if let Some(inner) = node.named_child(0) {
                    self.cond(inner, then, otherwise);
                }
            }
            "not_operator" if node.field("argument").is_some() => {
                if let Some(arg) = node.field("argument") {
                    self.cond(arg, otherwise, then);
                }
            }
            "boolean_operator" => {
                let is_and = node
                    .field("operator")
                    .is_some_and(|o| self.text(o) == "and");
                match (node.field("left"), node.field("right")) {
                    (Some(l), Some(r)) => {
                        let mid = self.new_block();
                        if is_and {
                            self.cond(l, mid, otherwise);
                        } else {
                            self.cond(l, then, mid);
                        }
                        self.switch_to(mid);
                        self.cond(r, then, otherwise);
                    }
                    _ => {
                        let v = self.expr(node);
                        self.terminate(Terminator::Branch {
                            cond: v,
                            then,
                            otherwise,
                        });
                    }
                }
            }
            _ => {
                let v = self.expr(node);
                self.terminate(Terminator::Branch {
                    cond: v,
                    then,
                    otherwise,
                });
            }
        }
        self.depth -= 1;
    }

    /// Comprehensions and generator expressions: loops that fill a fresh list or dict; the
    /// loop variables are scoped to the comprehension.
    fn comprehension(&mut self, node: Node, span: Span) -> Operand {
        let is_dict = node.kind() == "dictionary_comprehension";
        let dst = self.temp();
        if is_dict {
            self.emit(
                InstKind::MakeMap {
                    dst,
                    entries: Vec::new(),
                },
                span,
            );
        } else {
            self.emit(
                InstKind::MakeList {
                    dst,
                    items: Vec::new(),
                },
                span,
            );
        }
        let mut cursor = node.walk();
        let clauses: Vec<Node> = node
            .named_children(&mut cursor)
            .filter(|c| matches!(c.kind(), "for_in_clause" | "if_clause"))
            .collect();
        let Some(body) = node.field("body") else {
            return Operand::Var(dst);
        };
        let exit = self.new_block();
        self.b().push_scope();
        self.comp_level(&clauses, body, dst, None, exit);
        self.b().pop_scope();
        self.switch_to(exit);
        Operand::Var(dst)
    }

    fn comp_level(
        &mut self,
        clauses: &[Node],
        body: Node,
        dst: VarId,
        index: Option<VarId>,
        done: BlockId,
    ) {
        let Some((first, rest)) = clauses.split_first() else {
            let span = self.span(body);
            let key = match index {
                Some(i) => Operand::Var(i),
                None => Operand::Const(Const::Int(0)),
            };
            if body.kind() == "pair" {
                let k = match body.field("key") {
                    Some(k) => self.expr(k),
                    None => key,
                };
                let v = match body.field("value") {
                    Some(v) => self.expr(v),
                    None => Operand::Const(Const::Null),
                };
                self.emit(
                    InstKind::StoreIndex {
                        obj: dst,
                        key: k,
                        src: v,
                    },
                    span,
                );
            } else {
                let v = self.expr(body);
                self.emit(
                    InstKind::StoreIndex {
                        obj: dst,
                        key,
                        src: v,
                    },
                    span,
                );
            }
            self.terminate(Terminator::Goto(done));
            return;
        };
        if first.kind() == "if_clause" {
            let then = self.new_block();
            if let Some(c) = first.named_child(0) {
                self.cond(c, then, done);
            } else {
                self.terminate(Terminator::Goto(then));
            }
            self.switch_to(then);
            self.comp_level(rest, body, dst, index, done);
            return;
        }
        let iter_node = first.fields("right").into_iter().find(|n| n.is_named());
        let iter = match iter_node {
            Some(n) => self.expr_var(n),
            None => {
                let span = self.span(*first);
                let u = self.unknown(Vec::new(), span);
                self.materialize(u, span)
            }
        };
        let (idx, header, body_block) = self.loop_header(*first);
        self.terminate(Terminator::Branch {
            cond: Operand::Var(idx),
            then: body_block,
            otherwise: done,
        });
        self.switch_to(body_block);
        if let Some(left) = first.field("left") {
            let mut names = rustc_hash::FxHashSet::default();
            super::scan::targets(left, self.src, &mut names);
            let mut names: Vec<String> = names.into_iter().collect();
            names.sort();
            for n in names {
                self.b().declare(&n, None);
            }
            self.loop_element(left, iter, idx);
        }
        self.comp_level(rest, body, dst, Some(idx), header);
    }

    /// Starts a loop: an opaque index (also the "has more elements" condition) and a header
    /// block; returns (index, header, body block) with the current block at the header.
    pub(super) fn loop_header(&mut self, node: Node) -> (VarId, BlockId, BlockId) {
        let span = self.span(node);
        let idx = self.temp();
        self.emit(
            InstKind::Unknown {
                dst: idx,
                operands: Vec::new(),
            },
            span,
        );
        let header = self.new_block();
        self.b().goto_and_switch(header);
        let body = self.new_block();
        (idx, header, body)
    }

    /// Binds a loop target to "some element" of the iterable.
    pub(super) fn loop_element(&mut self, target: Node, iter: VarId, idx: VarId) {
        let span = self.span(target);
        if target.kind() == "identifier" {
            let name = self.text(target);
            let var = self.b().lookup_or_declare(name);
            self.emit(
                InstKind::LoadIndex {
                    dst: var,
                    obj: iter,
                    key: Operand::Var(idx),
                },
                span,
            );
            return;
        }
        let t = self.temp();
        self.emit(
            InstKind::LoadIndex {
                dst: t,
                obj: iter,
                key: Operand::Var(idx),
            },
            span,
        );
        self.assign_target(target, Operand::Var(t), span);
    }

    /// `local = value`, reusing the instruction that just computed `value` when it produced a
    /// fresh temporary (so `x = f()` is one call, not a call and a copy).
    pub(super) fn assign_local(&mut self, local: VarId, value: Operand, span: Span) {
        if let Operand::Var(t) = value {
            let is_temp = self
                .stack
                .last()
                .is_some_and(|c| c.b.func.local_name(t).starts_with('$'));
            if is_temp && t != local {
                let b = self.b();
                let cur = b.current_block() as usize;
                if !b.is_terminated() {
                    if let Some(last) = b.func.blocks[cur].insts.last_mut() {
                        if last.kind.dst() == Some(t) && set_dst(&mut last.kind, local) {
                            return;
                        }
                    }
                }
            }
        }
        self.emit(
            InstKind::Assign {
                dst: local,
                src: value,
            },
            span,
        );
    }

    /// Assigns `value` to an assignment target (name, attribute, subscript, or a pattern that
    /// destructures by position).
    pub(super) fn assign_target(&mut self, target: Node, value: Operand, span: Span) {
        match target.kind() {
            "identifier" => {
                let name = self.text(target);
                let var = self.b().lookup_or_declare(name);
                self.assign_local(var, value, span);
            }
            "attribute" => {
                let (Some(obj), Some(attr)) = (target.field("object"), target.field("attribute"))
                else {
                    return;
                };
                let obj = self.expr_var(obj);
                let field = self.text(attr).to_string();
                self.emit(
                    InstKind::Store {
                        obj,
                        field,
                        src: value,
                    },
                    span,
                );
            }
            "subscript" => {
                let Some(v) = target.field("value") else {
                    return;
                };
                let obj = self.expr_var(v);
                let subs: Vec<Node> = target.fields("subscript").into_iter().collect();
                let key = match subs.as_slice() {
                    [one] if one.kind() != "slice" => self.expr(*one),
                    _ => {
                        let s = self.span(target);
                        self.unknown(Vec::new(), s)
                    }
                };
                self.emit(
                    InstKind::StoreIndex {
                        obj,
                        key,
                        src: value,
                    },
                    span,
                );
            }
            "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list"
            | "expression_list" => {
                let src = self.materialize(value, span);
                let mut cursor = target.walk();
                let items: Vec<Node> = target
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() != "comment")
                    .collect();
                let mut after_star = false;
                for (i, item) in items.iter().enumerate() {
                    let ispan = self.span(*item);
                    if matches!(item.kind(), "list_splat_pattern" | "list_splat") {
                        after_star = true;
                        let rest = self.unknown(vec![Operand::Var(src)], ispan);
                        if let Some(inner) = item.named_child(0) {
                            self.assign_target(inner, rest, ispan);
                        }
                        continue;
                    }
                    let dst = self.temp();
                    if after_star {
                        self.emit(
                            InstKind::Unknown {
                                dst,
                                operands: vec![Operand::Var(src)],
                            },
                            ispan,
                        );
                    } else {
                        self.emit(
                            InstKind::LoadIndex {
                                dst,
                                obj: src,
                                key: Operand::Const(Const::Int(i as i64)),
                            },
                            ispan,
                        );
                    }
                    self.assign_target(*item, Operand::Var(dst), ispan);
                }
            }
            "parenthesized_expression" | "as_pattern_target" | "list_splat_pattern" => {
                if let Some(inner) = target.named_child(0) {
                    self.assign_target(inner, value, span);
                }
            }
            _ => {}
        }
    }
}

fn first_positional(list: Node) -> Option<Node> {
    if list.kind() != "argument_list" {
        return None;
    }
    let mut cursor = list.walk();
    let first = list
        .named_children(&mut cursor)
        .find(|c| c.kind() != "comment")?;
    if matches!(
        first.kind(),
        "keyword_argument" | "list_splat" | "dictionary_splat"
    ) {
        return None;
    }
    Some(first)
}

/// A format spec that only accepts numbers (`d`, `.2f`, `>10x`).
fn numeric_spec(spec: &str) -> Option<&'static str> {
    if spec.contains('{') {
        return None;
    }
    match spec.chars().last()? {
        'd' | 'x' | 'X' | 'o' | 'b' | 'n' => Some("int"),
        'f' | 'F' | 'e' | 'E' | 'g' | 'G' | '%' => Some("float"),
        _ => None,
    }
}

fn parse_int(text: &str) -> Option<i64> {
    let t = text.replace('_', "").to_ascii_lowercase();
    let t = t.trim_end_matches('l');
    if let Some(h) = t.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()
    } else if let Some(o) = t.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()
    } else if let Some(b) = t.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()
    } else {
        t.parse().ok()
    }
}

pub(super) fn is_expression(kind: &str) -> bool {
    matches!(
        kind,
        "identifier"
            | "attribute"
            | "subscript"
            | "call"
            | "binary_operator"
            | "unary_operator"
            | "not_operator"
            | "boolean_operator"
            | "comparison_operator"
            | "conditional_expression"
            | "named_expression"
            | "lambda"
            | "list"
            | "tuple"
            | "set"
            | "dictionary"
            | "string"
            | "concatenated_string"
            | "integer"
            | "float"
            | "true"
            | "false"
            | "none"
            | "await"
            | "parenthesized_expression"
            | "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression"
            | "expression_list"
            | "keyword_argument"
            | "list_splat"
            | "dictionary_splat"
    )
}
