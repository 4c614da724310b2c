//! Expressions: names, member access, calls, string building, conversions, operators,
//! lambdas, patterns, switch expressions and LINQ queries.

use super::names::{
    conversion_type, convert_method, framework_base, INHERITED_MEMBERS, INHERITED_METHODS,
};
use super::stmt::is_statement;
use super::{collect_initializer_items, Lowerer, MAX_DEPTH};
use crate::ir::*;
use rampart_core::Span;
use tree_sitter::Node;

impl Lowerer<'_> {
    // ---- constants ---------------------------------------------------------------------------

    pub(super) fn literal(&self, n: Node) -> Option<Const> {
        let t = self.text(n);
        Some(match n.kind() {
            "string_literal" => Const::Str(unescape(strip_quotes(t.trim_end_matches("u8")))),
            "verbatim_string_literal" => Const::Str(
                t.strip_prefix('@')
                    .and_then(|s| s.strip_prefix('"'))
                    .and_then(|s| s.strip_suffix('"'))
                    .unwrap_or(t)
                    .replace("\"\"", "\""),
            ),
            "raw_string_literal" => Const::Str(raw_string_value(t)),
            "character_literal" => Const::Str(unescape(
                t.strip_prefix('\'')
                    .and_then(|s| s.strip_suffix('\''))
                    .unwrap_or(t),
            )),
            "integer_literal" => Const::Int(parse_int(t)?),
            "real_literal" => Const::Float(
                t.trim_end_matches(['f', 'F', 'd', 'D', 'm', 'M'])
                    .replace('_', "")
                    .parse()
                    .ok()?,
            ),
            "boolean_literal" => Const::Bool(t == "true"),
            "null_literal" => Const::Null,
            "interpolated_string_expression" => {
                // Constant when it has no interpolations.
                let mut c = n.walk();
                let mut s = String::new();
                for k in n.named_children(&mut c) {
                    match k.kind() {
                        "string_content" => s.push_str(&self.interpolated_text(n, k)),
                        "escape_sequence" => s.push_str(&unescape(self.text(k))),
                        "interpolation" => return None,
                        _ => {}
                    }
                }
                Const::Str(s)
            }
            _ => return None,
        })
    }

    fn interpolated_text(&self, whole: Node, content: Node) -> String {
        let t = self.text(content);
        let verbatim = self.text(whole).starts_with("$@") || self.text(whole).starts_with("@$");
        if verbatim {
            t.replace("\"\"", "\"")
                .replace("{{", "{")
                .replace("}}", "}")
        } else {
            unescape(&t.replace("{{", "{").replace("}}", "}"))
        }
    }

    /// A constant expression built only from literals and constants (`"SELECT " + "x"`).
    pub(super) fn const_expr(&self, n: Node) -> Option<Const> {
        self.const_expr_at(n, 0)
    }

    fn const_expr_at(&self, n: Node, depth: u32) -> Option<Const> {
        if let Some(c) = self.literal(n) {
            return Some(c);
        }
        if depth > MAX_DEPTH {
            return None;
        }
        let d = depth + 1;
        match n.kind() {
            "parenthesized_expression" => n.named_child(0).and_then(|x| self.const_expr_at(x, d)),
            "prefix_unary_expression" => {
                let op = n.child(0).map(|o| self.text(o))?;
                match (op, self.const_expr_at(n.named_child(0)?, d)?) {
                    ("-", Const::Int(i)) => Some(Const::Int(i.checked_neg()?)),
                    ("-", Const::Float(f)) => Some(Const::Float(-f)),
                    ("!", Const::Bool(b)) => Some(Const::Bool(!b)),
                    ("+", c) => Some(c),
                    _ => None,
                }
            }
            "binary_expression" => {
                let l = self.const_expr_at(n.child_by_field_name("left")?, d)?;
                let r = self.const_expr_at(n.child_by_field_name("right")?, d)?;
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
            "invocation_expression" => {
                // `nameof(x)`
                let f = n.child_by_field_name("function")?;
                (self.text(f) == "nameof").then(|| Const::Str(self.nameof(n)))
            }
            _ => None,
        }
    }

    fn nameof(&self, call: Node) -> String {
        let arg = call
            .child_by_field_name("arguments")
            .map(|a| self.text(a))
            .unwrap_or("");
        let inner = arg.trim_start_matches('(').trim_end_matches(')');
        strip_generic_args(inner.rsplit('.').next().unwrap_or(inner)).to_string()
    }

    // ---- expressions -------------------------------------------------------------------------

    pub(super) fn expr(&mut self, n: Node) -> Operand {
        if self.depth > MAX_DEPTH {
            let span = self.span(n);
            return self.unknown(Vec::new(), span);
        }
        self.depth += 1;
        let v = self.expr_inner(n);
        self.depth -= 1;
        v
    }

    fn expr_inner(&mut self, n: Node) -> Operand {
        let span = self.span(n);
        if let Some(c) = self.literal(n) {
            return Operand::Const(c);
        }
        match n.kind() {
            "parenthesized_expression" | "checked_expression" | "ref_expression" => n
                .named_child(0)
                .map(|e| self.expr(e))
                .unwrap_or(Operand::Const(Const::Null)),
            "identifier" => self.name(self.text(n), span),
            "this" => self.this_value(span),
            "base" => self.base_value(span),
            "predefined_type" | "generic_name" | "qualified_name" => {
                let t = self.resolve_type(n);
                self.global(t, span)
            }
            "member_access_expression" => self.member_access(n, span),
            "element_access_expression" => {
                let obj = n
                    .child_by_field_name("expression")
                    .map(|a| self.expr(a))
                    .unwrap_or(Operand::Const(Const::Null));
                self.index(obj, n.child_by_field_name("subscript"), span)
            }
            "conditional_access_expression" => self.conditional_access(n, span),
            "member_binding_expression" | "element_binding_expression" => {
                // Outside a conditional access: malformed; keep the operands.
                self.unknown(Vec::new(), span)
            }
            "invocation_expression" => self.call(n, span),
            "object_creation_expression" => self.new_expr(n, span),
            "implicit_object_creation_expression" => self.implicit_new(n, span),
            "anonymous_object_creation_expression" => self.anonymous_object(n, span),
            "array_creation_expression"
            | "implicit_array_creation_expression"
            | "collection_expression"
            | "initializer_expression"
            | "stackalloc_expression"
            | "implicit_stackalloc_expression" => {
                let mut items = Vec::new();
                collect_initializer_items(n, &mut items);
                let items = items
                    .into_iter()
                    .map(|k| {
                        if k.kind() == "spread_element" {
                            k.named_child(0)
                                .map(|e| self.expr(e))
                                .unwrap_or(Operand::Const(Const::Null))
                        } else {
                            self.expr(k)
                        }
                    })
                    .collect();
                let dst = self.temp();
                self.emit(InstKind::MakeList { dst, items }, span);
                Operand::Var(dst)
            }
            "tuple_expression" => {
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                let items = kids
                    .into_iter()
                    .filter_map(|a| a.named_children(&mut a.walk()).last())
                    .map(|e| self.expr(e))
                    .collect();
                let dst = self.temp();
                self.emit(InstKind::MakeList { dst, items }, span);
                Operand::Var(dst)
            }
            "interpolated_string_expression" => self.interpolated(n, span),
            "assignment_expression" => self.assign(n, span),
            "binary_expression" => self.binary(n, span),
            "prefix_unary_expression" => self.prefix_unary(n, span),
            "postfix_unary_expression" => self.postfix_unary(n, span),
            "await_expression" => {
                let operand = n
                    .named_child(0)
                    .map(|o| self.expr(o))
                    .unwrap_or(Operand::Const(Const::Null));
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
            "conditional_expression" => {
                let result = self.temp();
                let then_b = self.new_block();
                let else_b = self.new_block();
                let join_b = self.new_block();
                match n.child_by_field_name("condition") {
                    Some(c) => self.cond(c, then_b, else_b),
                    None => self.terminate(Terminator::Goto(then_b)),
                }
                for (b, field) in [(then_b, "consequence"), (else_b, "alternative")] {
                    self.switch_to(b);
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
                    self.terminate(Terminator::Goto(join_b));
                }
                self.switch_to(join_b);
                Operand::Var(result)
            }
            "cast_expression" => {
                let v = n
                    .child_by_field_name("value")
                    .map(|v| self.expr(v))
                    .unwrap_or(Operand::Const(Const::Null));
                let ty = n
                    .child_by_field_name("type")
                    .map(|t| self.resolve_type(t))
                    .unwrap_or_default();
                match conversion_type(&ty) {
                    Some(conv) => {
                        let dst = self.temp();
                        self.emit(
                            InstKind::Convert {
                                dst,
                                ty: conv.to_string(),
                                src: v,
                            },
                            span,
                        );
                        Operand::Var(dst)
                    }
                    None => v,
                }
            }
            "as_expression" => n
                .child_by_field_name("left")
                .map(|x| self.expr(x))
                .unwrap_or(Operand::Const(Const::Null)),
            "is_expression" => {
                let l = n
                    .child_by_field_name("left")
                    .map(|x| self.expr(x))
                    .unwrap_or(Operand::Const(Const::Null));
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
            "is_pattern_expression" => self.is_pattern(n, span),
            "lambda_expression" => {
                let name = format!("<lambda@{}:{}>", span.start_line, span.start_col);
                let func = self.nested_fn(&name, n, n.child_by_field_name("parameters"), true);
                let dst = self.temp();
                self.emit(InstKind::FuncRef { dst, func }, span);
                Operand::Var(dst)
            }
            "anonymous_method_expression" => {
                let name = format!("<delegate@{}:{}>", span.start_line, span.start_col);
                let func = self.nested_fn(&name, n, n.child_by_field_name("parameters"), true);
                let dst = self.temp();
                self.emit(InstKind::FuncRef { dst, func }, span);
                Operand::Var(dst)
            }
            "switch_expression" => self.switch_expr(n, span),
            "query_expression" => self.query(n, span),
            "throw_expression" => {
                let v = n.named_child(0).map(|e| self.expr(e));
                self.terminate(Terminator::Throw(v));
                Operand::Const(Const::Null)
            }
            "typeof_expression" | "sizeof_expression" | "default_expression" => {
                self.unknown(Vec::new(), span)
            }
            "with_expression" => {
                // A copy with some members replaced.
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                let Some(first) = kids.first() else {
                    return self.unknown(Vec::new(), span);
                };
                let src = self.expr(*first);
                let copy = self.unknown(vec![src], span);
                let obj = self.materialize(copy.clone(), span);
                for k in kids.iter().skip(1) {
                    if k.kind() != "with_initializer" {
                        continue;
                    }
                    let mut c2 = k.walk();
                    let parts: Vec<Node> = k.named_children(&mut c2).collect();
                    if let [field, value] = parts.as_slice() {
                        let field = self.text(*field).to_string();
                        let v = self.expr(*value);
                        self.emit(InstKind::Store { obj, field, src: v }, span);
                    }
                }
                copy
            }
            "declaration_expression" => {
                // `out var x` outside a call's argument list: declare it.
                let name = n
                    .child_by_field_name("name")
                    .map(|x| self.text(x).to_string())
                    .unwrap_or_default();
                let ty = self.declared_type(n.child_by_field_name("type"));
                let v = self.f().b.declare(&name, ty);
                Operand::Var(v)
            }
            _ => {
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                let mut operands = Vec::new();
                for k in kids {
                    if is_statement(k.kind()) {
                        self.stmt(k);
                    } else if !matches!(k.kind(), "comment" | "modifier") {
                        operands.push(self.expr(k));
                    }
                }
                self.unknown(operands, span)
            }
        }
    }

    fn this_value(&mut self, span: Span) -> Operand {
        match self.f().this_var {
            Some(v) => Operand::Var(v),
            None => self.global(self.class_qualified(), span),
        }
    }

    fn base_value(&mut self, span: Span) -> Operand {
        match self.classes.last().and_then(|c| c.base.clone()) {
            Some(b) => self.global(b, span),
            None => self.this_value(span),
        }
    }

    /// Whether a bare name denotes a value in scope (local, captured local, own member).
    fn is_value_name(&self, name: &str) -> bool {
        self.fns.iter().any(|f| f.b.lookup(name).is_some())
            || self.classes.iter().any(|c| c.fields.contains_key(name))
    }

    /// Whether a bare name is a member inherited from the framework base of the current class.
    fn inherited_member(&self, name: &str) -> Option<String> {
        let base = self.classes.last()?.base.clone()?;
        INHERITED_MEMBERS
            .contains(&name)
            .then(|| framework_base(&base))
    }

    /// A bare name: local, captured local, member of an enclosing class, inherited member, or
    /// type.
    pub(super) fn name(&mut self, name: &str, span: Span) -> Operand {
        let name = name.strip_prefix('@').unwrap_or(name);
        if let Some(v) = self.f().b.lookup(name) {
            return Operand::Var(v);
        }
        // Locals of enclosing functions (lambdas and local functions capture them).
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
        if let Some(base) = self.inherited_member(name) {
            return self.global(format!("{base}.{name}"), span);
        }
        // A method group (`app.MapPost("/", Create)`): the method's qualified name.
        if let Some(owner) = self.classes.iter().rev().find(|c| c.methods.contains(name)) {
            let path = format!("{}.{name}", owner.qualified);
            return self.global(path, span);
        }
        // An unknown lower-case name in a method is a member declared elsewhere (a partial
        // class or a base class).
        let lower = name.starts_with('_') || name.starts_with(char::is_lowercase);
        if lower && !self.classes.is_empty() {
            if let Some(this) = self.f().this_var {
                let dst = self.temp();
                self.emit(
                    InstKind::Load {
                        dst,
                        obj: this,
                        field: name.to_string(),
                    },
                    span,
                );
                return Operand::Var(dst);
            }
        }
        let path = self.resolve_simple(name);
        self.global(path, span)
    }

    /// The qualified type or namespace a receiver expression names, when it is one rather than
    /// a value (`File` in `File.ReadAllText(p)`, `System.IO.File`, `int` in `int.Parse(s)`).
    pub(super) fn static_path(&self, n: Node) -> Option<String> {
        match n.kind() {
            "predefined_type" => Some(self.resolve_type(n)),
            "generic_name" => {
                let mut c = n.walk();
                let id = n
                    .named_children(&mut c)
                    .find(|x| x.kind() == "identifier")?;
                let name = self.text(id);
                (!self.is_value_name(name)).then(|| self.resolve_simple(name))
            }
            "identifier" => {
                let name = self.text(n);
                if self.is_value_name(name) || self.inherited_member(name).is_some() {
                    return None;
                }
                if self.aliases.contains_key(name)
                    || self.declared.contains_key(name)
                    || name.starts_with(char::is_uppercase)
                {
                    return Some(self.resolve_simple(name));
                }
                None
            }
            "qualified_name" | "alias_qualified_name" => Some(self.resolve_type(n)),
            "member_access_expression" => {
                // `System.IO.File` written out: a namespace root the file knows, then names.
                let text = self.text(n);
                if !text
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '.' || c == '_')
                {
                    return None;
                }
                let first = text.split('.').next().unwrap_or("");
                if self.is_value_name(first) {
                    return None;
                }
                let known_root = matches!(first, "System" | "Microsoft")
                    || self.namespace.split('.').next() == Some(first)
                    || self
                        .usings
                        .iter()
                        .any(|u| u.split('.').next() == Some(first));
                if known_root && !self.declared.contains_key(first) {
                    return Some(text.to_string());
                }
                if let Some(target) = self.aliases.get(first) {
                    // `IO.File` with `using IO = System.IO;`
                    return Some(format!("{target}{}", &text[first.len()..]));
                }
                if self.declared.contains_key(first) {
                    // `Outer.Inner` nested types.
                    let last = text.rsplit('.').next().unwrap_or("");
                    if last.starts_with(char::is_uppercase) && self.declared.contains_key(last) {
                        return Some(self.resolve_simple(last));
                    }
                }
                None
            }
            _ => None,
        }
    }

    fn member_access(&mut self, n: Node, span: Span) -> Operand {
        let field = n
            .child_by_field_name("name")
            .map(|f| strip_generic_args(self.text(f)).to_string())
            .unwrap_or_default();
        let Some(obj) = n.child_by_field_name("expression") else {
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

    fn index(&mut self, obj: Operand, subscript: Option<Node>, span: Span) -> Operand {
        let obj = self.materialize(obj, span);
        let keys = self.bracket_args(subscript);
        let key = keys
            .into_iter()
            .next()
            .unwrap_or(Operand::Const(Const::Null));
        let dst = self.temp();
        self.emit(InstKind::LoadIndex { dst, obj, key }, span);
        Operand::Var(dst)
    }

    fn bracket_args(&mut self, list: Option<Node>) -> Vec<Operand> {
        let Some(list) = list else {
            return Vec::new();
        };
        let mut c = list.walk();
        let kids: Vec<Node> = list
            .named_children(&mut c)
            .filter(|a| a.kind() == "argument")
            .collect();
        kids.into_iter()
            .filter_map(|a| a.named_children(&mut a.walk()).last())
            .map(|e| self.expr(e))
            .collect()
    }

    /// `a?.b`, `a?[k]`, `a?.b?.c`: the value path, without the null branch.
    fn conditional_access(&mut self, n: Node, span: Span) -> Operand {
        let recv = n
            .child_by_field_name("condition")
            .map(|c| self.expr(c))
            .unwrap_or(Operand::Const(Const::Null));
        let mut c = n.walk();
        let binding = n.named_children(&mut c).find(|x| {
            matches!(
                x.kind(),
                "member_binding_expression" | "element_binding_expression"
            )
        });
        let Some(binding) = binding else {
            return recv;
        };
        self.binding(recv, binding, span)
    }

    fn binding(&mut self, recv: Operand, binding: Node, span: Span) -> Operand {
        if binding.kind() == "element_binding_expression" {
            let obj = self.materialize(recv, span);
            let keys = self.bracket_args(Some(binding));
            let key = keys
                .into_iter()
                .next()
                .unwrap_or(Operand::Const(Const::Null));
            let dst = self.temp();
            self.emit(InstKind::LoadIndex { dst, obj, key }, span);
            return Operand::Var(dst);
        }
        let field = binding
            .child_by_field_name("name")
            .map(|f| strip_generic_args(self.text(f)).to_string())
            .unwrap_or_default();
        let obj = self.materialize(recv, span);
        let dst = self.temp();
        self.emit(InstKind::Load { dst, obj, field }, span);
        Operand::Var(dst)
    }

    // ---- calls -------------------------------------------------------------------------------

    /// Call arguments; `out`/`ref` targets are returned so the call can define them.
    fn call_args<'t>(&mut self, list: Option<Node<'t>>) -> (Vec<Arg>, Vec<Node<'t>>) {
        let Some(list) = list else {
            return (Vec::new(), Vec::new());
        };
        let mut c = list.walk();
        let kids: Vec<Node> = list
            .named_children(&mut c)
            .filter(|a| a.kind() == "argument")
            .collect();
        let mut args = Vec::new();
        let mut outs = Vec::new();
        for a in kids {
            let keyword = a
                .child_by_field_name("name")
                .map(|k| self.text(k).to_string());
            let is_out = {
                let mut c2 = a.walk();
                let found = a
                    .children(&mut c2)
                    .any(|x| !x.is_named() && matches!(self.text(x), "out" | "ref"));
                found
            };
            let Some(value) = a
                .named_children(&mut a.walk())
                .filter(|x| Some(*x) != a.child_by_field_name("name"))
                .last()
            else {
                continue;
            };
            if is_out {
                outs.push(value);
                if value.kind() == "declaration_expression" {
                    continue;
                }
            }
            let v = self.expr(value);
            args.push(Arg {
                value: v,
                keyword,
                spread: false,
            });
        }
        (args, outs)
    }

    pub(super) fn args(&mut self, list: Option<Node>) -> Vec<Arg> {
        self.call_args(list).0
    }

    fn call(&mut self, n: Node, span: Span) -> Operand {
        let Some(func) = n.child_by_field_name("function") else {
            return self.unknown(Vec::new(), span);
        };
        let list = n.child_by_field_name("arguments");
        if self.text(func) == "nameof" {
            return Operand::Const(Const::Str(self.nameof(n)));
        }
        let (callee, name, class) = match func.kind() {
            "identifier" | "generic_name" => {
                let name = simple_name(self.text(func));
                (self.unqualified_callee(&name, span), name, None)
            }
            "member_access_expression" => {
                let name = func
                    .child_by_field_name("name")
                    .map(|x| strip_generic_args(self.text(x)).to_string())
                    .unwrap_or_default();
                let obj = func.child_by_field_name("expression");
                match obj {
                    Some(o) if o.kind() == "base" => {
                        let base = self.classes.last().and_then(|c| c.base.clone());
                        let callee = match (base, self.f().this_var) {
                            (Some(b), _) => Callee::Path(format!("{b}.{name}")),
                            (None, Some(this)) => Callee::Method {
                                receiver: this,
                                name: name.clone(),
                            },
                            (None, None) => Callee::Path(name.clone()),
                        };
                        (callee, name, None)
                    }
                    Some(o) => match self.static_path(o) {
                        Some(class) => (Callee::Path(format!("{class}.{name}")), name, Some(class)),
                        None => {
                            let recv = self.expr(o);
                            let receiver = self.materialize(recv, span);
                            (
                                Callee::Method {
                                    receiver,
                                    name: name.clone(),
                                },
                                name,
                                None,
                            )
                        }
                    },
                    None => (Callee::Path(name.clone()), name, None),
                }
            }
            "conditional_access_expression" => {
                let recv = func
                    .child_by_field_name("condition")
                    .map(|c| self.expr(c))
                    .unwrap_or(Operand::Const(Const::Null));
                let mut c = func.walk();
                let binding = func
                    .named_children(&mut c)
                    .find(|x| x.kind() == "member_binding_expression");
                let name = binding
                    .and_then(|b| b.child_by_field_name("name"))
                    .map(|x| strip_generic_args(self.text(x)).to_string())
                    .unwrap_or_default();
                let receiver = self.materialize(recv, span);
                (
                    Callee::Method {
                        receiver,
                        name: name.clone(),
                    },
                    name,
                    None,
                )
            }
            _ => {
                let v = self.expr(func);
                let v = self.materialize(v, span);
                (Callee::Value(v), String::new(), None)
            }
        };
        let (args, outs) = self.call_args(list);
        if let Some(class) = &class {
            if let Some(v) = self.special_static_call(class, &name, &args, &outs, span) {
                return v;
            }
        }
        let dst = self.temp();
        let receiver = match &callee {
            Callee::Method { receiver, .. } => Some(*receiver),
            _ => None,
        };
        let out_sources: Vec<Operand> = receiver
            .map(Operand::Var)
            .into_iter()
            .chain(args.iter().map(|a| a.value.clone()))
            .collect();
        self.emit(
            InstKind::Call {
                dst: Some(dst),
                callee,
                args,
            },
            span,
        );
        for o in outs {
            // `dict.TryGetValue(k, out var v)`: `v` comes from the receiver and arguments.
            let v = self.unknown(out_sources.clone(), span);
            self.store_to(o, v, span);
        }
        Operand::Var(dst)
    }

    /// Unqualified `M(...)`: a delegate or local function in scope, a method of the class
    /// (dispatched on `this` in instance context), or a method inherited from the base class.
    fn unqualified_callee(&mut self, name: &str, span: Span) -> Callee {
        if let Some(v) = self.f().b.lookup(name) {
            return Callee::Value(v);
        }
        let depth = self.fns.len();
        for i in (0..depth.saturating_sub(1)).rev() {
            if self.fns[i].b.lookup(name).is_some() {
                let path = format!("{}.{name}", self.fns[i].b.func.qualified_name);
                let g = self.global(path, span);
                return Callee::Value(self.materialize(g, span));
            }
        }
        let Some((cls_q, cls_base)) = self
            .classes
            .last()
            .map(|c| (c.qualified.clone(), c.base.clone()))
        else {
            return Callee::Path(format!("{}.{name}", self.module.name));
        };
        let declared = self.classes.iter().rev().find(|c| c.methods.contains(name));
        if let Some(owner) = declared {
            let q = owner.qualified.clone();
            return match self.f().this_var {
                Some(this) => Callee::Method {
                    receiver: this,
                    name: name.to_string(),
                },
                None => Callee::Path(format!("{q}.{name}")),
            };
        }
        if let Some(base) = cls_base {
            let owner = if INHERITED_METHODS.contains(&name) {
                framework_base(&base)
            } else {
                base
            };
            return Callee::Path(format!("{owner}.{name}"));
        }
        if let [only] = self.static_usings.as_slice() {
            return Callee::Path(format!("{only}.{name}"));
        }
        match self.f().this_var {
            Some(this) => Callee::Method {
                receiver: this,
                name: name.to_string(),
            },
            None => Callee::Path(format!("{cls_q}.{name}")),
        }
    }

    /// String building and conversions the analysis should see as such.
    fn special_static_call(
        &mut self,
        class: &str,
        name: &str,
        args: &[Arg],
        outs: &[Node],
        span: Span,
    ) -> Option<Operand> {
        if class == "string" && matches!(name, "Format" | "Concat" | "Join") {
            let dst = self.temp();
            let parts = args.iter().map(|a| a.value.clone()).collect();
            self.emit(InstKind::Concat { dst, parts }, span);
            return Some(Operand::Var(dst));
        }
        let conv = match (class, name) {
            ("System.Convert", m) => convert_method(m),
            (c, "Parse" | "ParseExact") => conversion_type(c),
            _ => None,
        };
        if let Some(ty) = conv {
            let src = args
                .first()
                .map(|a| a.value.clone())
                .unwrap_or(Operand::Const(Const::Null));
            let dst = self.temp();
            self.emit(
                InstKind::Convert {
                    dst,
                    ty: ty.to_string(),
                    src,
                },
                span,
            );
            return Some(Operand::Var(dst));
        }
        if matches!(name, "TryParse" | "TryParseExact") {
            if let Some(ty) = conversion_type(class) {
                // `int.TryParse(s, out var id)`: `id` is a number; the call is a success flag.
                let src = args
                    .first()
                    .map(|a| a.value.clone())
                    .unwrap_or(Operand::Const(Const::Null));
                for o in outs {
                    let dst = self.temp();
                    self.emit(
                        InstKind::Convert {
                            dst,
                            ty: ty.to_string(),
                            src: src.clone(),
                        },
                        span,
                    );
                    self.store_to(*o, Operand::Var(dst), span);
                }
                let ok = self.temp();
                self.emit(
                    InstKind::Convert {
                        dst: ok,
                        ty: "bool".to_string(),
                        src,
                    },
                    span,
                );
                return Some(Operand::Var(ok));
            }
        }
        None
    }

    fn new_expr(&mut self, n: Node, span: Span) -> Operand {
        let class = n
            .child_by_field_name("type")
            .map(|t| self.resolve_type(t))
            .unwrap_or_default();
        self.construct(class, n, span)
    }

    /// `new()` where the type is not declared alongside (an argument, a return value).
    fn implicit_new(&mut self, n: Node, span: Span) -> Operand {
        self.construct(String::new(), n, span)
    }

    pub(super) fn construct(&mut self, class: String, n: Node, span: Span) -> Operand {
        let list = n.child_by_field_name("arguments").or_else(|| {
            let mut c = n.walk();
            let l = n
                .named_children(&mut c)
                .find(|x| x.kind() == "argument_list");
            l
        });
        let args = self.args(list);
        let dst = self.temp();
        self.emit(InstKind::New { dst, class, args }, span);
        let init = n.child_by_field_name("initializer").or_else(|| {
            let mut c = n.walk();
            let i = n
                .named_children(&mut c)
                .find(|x| x.kind() == "initializer_expression");
            i
        });
        if let Some(init) = init {
            self.object_initializer(dst, init, span);
        }
        Operand::Var(dst)
    }

    /// `{ A = x, B = { ... }, ["k"] = v }` or a collection initializer `{ a, b }`.
    fn object_initializer(&mut self, obj: VarId, init: Node, span: Span) {
        let mut c = init.walk();
        let kids: Vec<Node> = init.named_children(&mut c).collect();
        for k in kids {
            if k.kind() == "assignment_expression" {
                let (Some(left), Some(right)) = (
                    k.child_by_field_name("left"),
                    k.child_by_field_name("right"),
                ) else {
                    continue;
                };
                let kspan = self.span(k);
                match left.kind() {
                    "identifier" => {
                        let field = self.text(left).to_string();
                        if right.kind() == "initializer_expression" {
                            let inner = self.temp();
                            self.emit(
                                InstKind::Load {
                                    dst: inner,
                                    obj,
                                    field,
                                },
                                kspan,
                            );
                            self.object_initializer(inner, right, kspan);
                        } else {
                            let v = self.expr(right);
                            self.emit(InstKind::Store { obj, field, src: v }, kspan);
                        }
                    }
                    _ => {
                        // `["key"] = value`
                        let mut c2 = left.walk();
                        let key = left
                            .named_children(&mut c2)
                            .find(|x| x.kind() == "argument")
                            .and_then(|a| a.named_child(0));
                        let key = key
                            .map(|kn| self.expr(kn))
                            .unwrap_or(Operand::Const(Const::Null));
                        let v = self.expr(right);
                        self.emit(InstKind::StoreIndex { obj, key, src: v }, kspan);
                    }
                }
            } else {
                // Collection initializer element: `list.Add(x)`.
                let items: Vec<Operand> = if k.kind() == "initializer_expression" {
                    let mut c2 = k.walk();
                    let parts: Vec<Node> = k.named_children(&mut c2).collect();
                    parts.into_iter().map(|p| self.expr(p)).collect()
                } else {
                    vec![self.expr(k)]
                };
                self.emit(
                    InstKind::Call {
                        dst: None,
                        callee: Callee::Method {
                            receiver: obj,
                            name: "Add".to_string(),
                        },
                        args: items
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
            }
        }
    }

    /// `new { Name = x, y }` → a map with constant keys.
    fn anonymous_object(&mut self, n: Node, span: Span) -> Operand {
        let mut c = n.walk();
        let kids: Vec<Node> = n.named_children(&mut c).collect();
        let mut entries = Vec::new();
        let mut i = 0;
        while i < kids.len() {
            let k = kids[i];
            // `Name = value` appears as identifier followed by an expression.
            let next = kids.get(i + 1).copied();
            let is_named = k.kind() == "identifier"
                && next.is_some()
                && self
                    .src
                    .get(k.end_byte()..next.map(|x| x.start_byte()).unwrap_or(k.end_byte()))
                    .is_some_and(|between| between.contains('='));
            if is_named {
                let key = self.text(k).to_string();
                let v = next
                    .map(|x| self.expr(x))
                    .unwrap_or(Operand::Const(Const::Null));
                entries.push((Some(key), v));
                i += 2;
            } else {
                let key = self.text(k).rsplit('.').next().map(str::to_string);
                let v = self.expr(k);
                entries.push((key, v));
                i += 1;
            }
        }
        let dst = self.temp();
        self.emit(InstKind::MakeMap { dst, entries }, span);
        Operand::Var(dst)
    }

    fn interpolated(&mut self, n: Node, span: Span) -> Operand {
        let mut c = n.walk();
        let kids: Vec<Node> = n.named_children(&mut c).collect();
        let mut parts = Vec::new();
        let mut pending = String::new();
        for k in kids {
            match k.kind() {
                "string_content" => pending.push_str(&self.interpolated_text(n, k)),
                "escape_sequence" => pending.push_str(&unescape(self.text(k))),
                "interpolation" => {
                    let mut c2 = k.walk();
                    let e = k.named_children(&mut c2).find(|x| {
                        !matches!(
                            x.kind(),
                            "interpolation_brace"
                                | "interpolation_format_clause"
                                | "interpolation_alignment_clause"
                        )
                    });
                    if let Some(e) = e {
                        if !pending.is_empty() {
                            parts.push(Operand::Const(Const::Str(std::mem::take(&mut pending))));
                        }
                        parts.push(self.expr(e));
                    }
                }
                _ => {}
            }
        }
        if !pending.is_empty() {
            parts.push(Operand::Const(Const::Str(pending)));
        }
        let dst = self.temp();
        self.emit(InstKind::Concat { dst, parts }, span);
        Operand::Var(dst)
    }

    // ---- assignment and operators ------------------------------------------------------------

    fn assign(&mut self, n: Node, span: Span) -> Operand {
        let Some(left) = n.child_by_field_name("left") else {
            return Operand::Const(Const::Null);
        };
        let op = n
            .child_by_field_name("operator")
            .map(|o| self.text(o).to_string())
            .unwrap_or_else(|| "=".to_string());
        if op == "??=" {
            // `x ??= y`: `y` only when `x` is null.
            let cur = self.expr(left);
            let result = self.temp();
            self.emit(
                InstKind::Assign {
                    dst: result,
                    src: cur.clone(),
                },
                span,
            );
            let rhs_b = self.new_block();
            let join = self.new_block();
            self.terminate(Terminator::Branch {
                cond: cur,
                then: join,
                otherwise: rhs_b,
            });
            self.switch_to(rhs_b);
            let r = n
                .child_by_field_name("right")
                .map(|r| self.expr(r))
                .unwrap_or(Operand::Const(Const::Null));
            self.emit(
                InstKind::Assign {
                    dst: result,
                    src: r.clone(),
                },
                span,
            );
            self.store_to(left, r, span);
            self.f().b.goto_and_switch(join);
            return Operand::Var(result);
        }
        let right = n
            .child_by_field_name("right")
            .map(|r| self.expr(r))
            .unwrap_or(Operand::Const(Const::Null));
        let value = if op == "=" {
            right
        } else {
            let cur = self.expr(left);
            let dst = self.temp();
            let is_string = self.is_stringy(&cur) || self.is_stringy(&right);
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

    pub(super) fn store_to(&mut self, left: Node, value: Operand, span: Span) {
        match left.kind() {
            "identifier" => {
                let name = self.text(left);
                let name = name.strip_prefix('@').unwrap_or(name);
                if let Some(v) = self.f().b.lookup(name) {
                    self.emit(InstKind::Assign { dst: v, src: value }, span);
                    return;
                }
                let depth = self.fns.len();
                for i in (0..depth.saturating_sub(1)).rev() {
                    if self.fns[i].b.lookup(name).is_some() {
                        // A captured local assigned in a lambda: later reads in the lambda see
                        // the new value.
                        let v = self.f().b.declare(name, None);
                        self.emit(InstKind::Assign { dst: v, src: value }, span);
                        return;
                    }
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
                if let Some(this) = self.f().this_var {
                    // A member declared elsewhere (partial class, base class).
                    self.emit(
                        InstKind::Store {
                            obj: this,
                            field: name.to_string(),
                            src: value,
                        },
                        span,
                    );
                    return;
                }
                let v = self.f().b.declare(name, None);
                self.emit(InstKind::Assign { dst: v, src: value }, span);
            }
            "member_access_expression" => {
                let field = left
                    .child_by_field_name("name")
                    .map(|f| self.text(f).to_string())
                    .unwrap_or_default();
                let obj = match left.child_by_field_name("expression") {
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
            "element_access_expression" => {
                let obj = left
                    .child_by_field_name("expression")
                    .map(|a| self.expr(a))
                    .unwrap_or(Operand::Const(Const::Null));
                let obj = self.materialize(obj, span);
                let key = self
                    .bracket_args(left.child_by_field_name("subscript"))
                    .into_iter()
                    .next()
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
            "declaration_expression" => {
                let name = left
                    .child_by_field_name("name")
                    .map(|x| self.text(x).to_string())
                    .unwrap_or_default();
                let ty = self.declared_type(left.child_by_field_name("type"));
                let v = self.f().b.declare(&name, ty);
                self.emit(InstKind::Assign { dst: v, src: value }, span);
            }
            "tuple_expression" => {
                // `(a, b) = (x, y)`
                let src = self.materialize(value, span);
                let mut c = left.walk();
                let targets: Vec<Node> = left
                    .named_children(&mut c)
                    .filter_map(|a| a.named_children(&mut a.walk()).last())
                    .collect();
                for (i, t) in targets.into_iter().enumerate() {
                    let item = self.temp();
                    self.emit(
                        InstKind::LoadIndex {
                            dst: item,
                            obj: src,
                            key: Operand::Const(Const::Int(i as i64)),
                        },
                        span,
                    );
                    self.store_to(t, Operand::Var(item), span);
                }
            }
            "parenthesized_expression" => {
                if let Some(inner) = left.named_child(0) {
                    self.store_to(inner, value, span);
                }
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
                local.is_some_and(|l| l.ty.as_deref() == Some("string")) || f.stringy.contains(v)
            }),
            _ => false,
        }
    }

    fn binary(&mut self, n: Node, span: Span) -> Operand {
        let op = n
            .child_by_field_name("operator")
            .map(|o| self.text(o).to_string())
            .unwrap_or_default();
        match op.as_str() {
            "+" => return self.plus_chain(n, span),
            "&&" | "||" | "??" => return self.short_circuit(n, &op, span),
            _ => {}
        }
        let lhs = n
            .child_by_field_name("left")
            .map(|l| self.expr(l))
            .unwrap_or(Operand::Const(Const::Null));
        let rhs = n
            .child_by_field_name("right")
            .map(|r| self.expr(r))
            .unwrap_or(Operand::Const(Const::Null));
        let bop = match op.as_str() {
            "-" => BinOp::Sub,
            "*" => BinOp::Mul,
            "/" => BinOp::Div,
            "%" => BinOp::Mod,
            "==" => BinOp::Eq,
            "!=" => BinOp::Ne,
            "<" => BinOp::Lt,
            "<=" => BinOp::Le,
            ">" => BinOp::Gt,
            ">=" => BinOp::Ge,
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

    /// `a + b + c`: one concatenation when any part is a string, else additions.
    fn plus_chain(&mut self, n: Node, span: Span) -> Operand {
        let leaves = plus_leaves(n, self.src);
        let parts: Vec<Operand> = leaves.into_iter().map(|l| self.expr(l)).collect();
        let stringy = parts.iter().any(|p| self.is_stringy(p));
        if stringy {
            let dst = self.temp();
            self.emit(InstKind::Concat { dst, parts }, span);
            return Operand::Var(dst);
        }
        let mut it = parts.into_iter();
        let mut acc = it.next().unwrap_or(Operand::Const(Const::Int(0)));
        for p in it {
            let d = self.temp();
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
        }
        acc
    }

    /// `a && b`, `a || b`, `a ?? b` as values: branches joining into one temporary.
    fn short_circuit(&mut self, n: Node, op: &str, span: Span) -> Operand {
        let (Some(left), Some(right)) = (
            n.child_by_field_name("left"),
            n.child_by_field_name("right"),
        ) else {
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
        // `??` evaluates the right side when the left is null (falsy).
        let (then, otherwise) = if op == "&&" {
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
        self.f().b.goto_and_switch(join);
        Operand::Var(dst)
    }

    fn prefix_unary(&mut self, n: Node, span: Span) -> Operand {
        let op = n.child(0).map(|o| self.text(o)).unwrap_or("");
        let Some(arg) = n.named_child(0) else {
            return Operand::Const(Const::Null);
        };
        match op {
            "++" | "--" => {
                let cur = self.expr(arg);
                let dst = self.temp();
                self.emit(
                    InstKind::BinOp {
                        dst,
                        op: if op == "++" { BinOp::Add } else { BinOp::Sub },
                        lhs: cur,
                        rhs: Operand::Const(Const::Int(1)),
                    },
                    span,
                );
                self.store_to(arg, Operand::Var(dst), span);
                Operand::Var(dst)
            }
            "+" => {
                let src = self.expr(arg);
                let dst = self.temp();
                self.emit(
                    InstKind::Convert {
                        dst,
                        ty: "number".to_string(),
                        src,
                    },
                    span,
                );
                Operand::Var(dst)
            }
            _ => {
                let operand = self.expr(arg);
                let uop = match op {
                    "!" => UnOp::Not,
                    "-" => UnOp::Neg,
                    _ => UnOp::Other,
                };
                let dst = self.temp();
                self.emit(
                    InstKind::UnOp {
                        dst,
                        op: uop,
                        operand,
                    },
                    span,
                );
                Operand::Var(dst)
            }
        }
    }

    fn postfix_unary(&mut self, n: Node, span: Span) -> Operand {
        let Some(arg) = n.named_child(0) else {
            return Operand::Const(Const::Null);
        };
        let op = n
            .child(n.child_count().saturating_sub(1))
            .map(|o| self.text(o))
            .unwrap_or("");
        let cur = self.expr(arg);
        if matches!(op, "++" | "--") {
            let dst = self.temp();
            self.emit(
                InstKind::BinOp {
                    dst,
                    op: if op == "++" { BinOp::Add } else { BinOp::Sub },
                    lhs: cur.clone(),
                    rhs: Operand::Const(Const::Int(1)),
                },
                span,
            );
            self.store_to(arg, Operand::Var(dst), span);
        }
        // `x!` (null-forgiving) is the value itself.
        cur
    }

    // ---- conditions and patterns -------------------------------------------------------------

    /// Lowers a condition as control flow: `!` swaps the targets and `&&`/`||` short-circuit,
    /// so a guard's test is the branch condition itself.
    pub(super) fn cond(&mut self, n: Node, then: BlockId, otherwise: BlockId) {
        if self.depth > MAX_DEPTH {
            let v = self.unknown(Vec::new(), self.span(n));
            self.terminate(Terminator::Branch {
                cond: v,
                then,
                otherwise,
            });
            return;
        }
        self.depth += 1;
        match n.kind() {
            "parenthesized_expression" if n.named_child(0).is_some() => {
                if let Some(inner) = n.named_child(0) {
                    self.cond(inner, then, otherwise);
                }
            }
            "prefix_unary_expression"
                if n.child(0).is_some_and(|o| self.text(o) == "!")
                    && n.named_child(0).is_some() =>
            {
                if let Some(arg) = n.named_child(0) {
                    self.cond(arg, otherwise, then);
                }
            }
            "binary_expression"
                if matches!(
                    n.child_by_field_name("operator").map(|o| self.text(o)),
                    Some("&&" | "||")
                ) =>
            {
                let is_and = n
                    .child_by_field_name("operator")
                    .is_some_and(|o| self.text(o) == "&&");
                match (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) {
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
                        let v = self.expr(n);
                        self.terminate(Terminator::Branch {
                            cond: v,
                            then,
                            otherwise,
                        });
                    }
                }
            }
            _ => {
                let v = self.expr(n);
                self.terminate(Terminator::Branch {
                    cond: v,
                    then,
                    otherwise,
                });
            }
        }
        self.depth -= 1;
    }

    /// The constant a `case` label or switch arm pattern compares with, if it is one.
    pub(super) fn pattern_const(&self, p: Node) -> Option<Const> {
        match p.kind() {
            "constant_pattern" => p.named_child(0).and_then(|e| self.case_const(e)),
            "parenthesized_pattern" => p.named_child(0).and_then(|e| self.pattern_const(e)),
            _ => self.case_const(p),
        }
    }

    fn case_const(&self, e: Node) -> Option<Const> {
        if let Some(c) = self.const_expr(e) {
            return Some(c);
        }
        // Enum members (`case Role.Admin:`) compare by name.
        match e.kind() {
            "member_access_expression" => e
                .child_by_field_name("name")
                .map(|n| Const::Str(self.text(n).to_string())),
            "identifier" => Some(Const::Str(self.text(e).to_string())),
            _ => None,
        }
    }

    /// Binds the variables a pattern declares (`string s`, `var x`, `{ Name: var n }`) to the
    /// matched value.
    pub(super) fn bind_pattern(&mut self, p: Node, value: Operand, span: Span) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        self.bind_pattern_inner(p, value, span);
        self.depth -= 1;
    }

    fn bind_pattern_inner(&mut self, p: Node, value: Operand, span: Span) {
        match p.kind() {
            "declaration_pattern" | "recursive_pattern" => {
                if let Some(name) = p.child_by_field_name("name") {
                    let name = self.text(name).to_string();
                    let ty = self.declared_type(p.child_by_field_name("type"));
                    let var = self.f().b.declare(&name, ty);
                    self.emit(
                        InstKind::Assign {
                            dst: var,
                            src: value.clone(),
                        },
                        span,
                    );
                }
                if p.kind() == "recursive_pattern" {
                    let obj = self.materialize(value, span);
                    let mut c = p.walk();
                    let clauses: Vec<Node> = p
                        .named_children(&mut c)
                        .filter(|x| x.kind() == "property_pattern_clause")
                        .collect();
                    for clause in clauses {
                        let mut c2 = clause.walk();
                        let subs: Vec<Node> = clause
                            .named_children(&mut c2)
                            .filter(|x| x.kind() == "subpattern")
                            .collect();
                        for s in subs {
                            let mut c3 = s.walk();
                            let parts: Vec<Node> = s.named_children(&mut c3).collect();
                            if let [field, pat] = parts.as_slice() {
                                let field = self.text(*field).to_string();
                                let dst = self.temp();
                                self.emit(InstKind::Load { dst, obj, field }, span);
                                self.bind_pattern(*pat, Operand::Var(dst), span);
                            }
                        }
                    }
                }
            }
            "var_pattern" => {
                if let Some(name) = p.child_by_field_name("name") {
                    let name = self.text(name).to_string();
                    let var = self.f().b.declare(&name, None);
                    self.emit(
                        InstKind::Assign {
                            dst: var,
                            src: value,
                        },
                        span,
                    );
                }
            }
            "list_pattern" => {
                // `[first, .., var last]`: each element pattern matches some element.
                let obj = self.materialize(value, span);
                let mut c = p.walk();
                let elems: Vec<Node> = p.named_children(&mut c).collect();
                for e in elems {
                    let item = self.temp();
                    self.emit(
                        InstKind::LoadIndex {
                            dst: item,
                            obj,
                            key: Operand::Const(Const::Null),
                        },
                        span,
                    );
                    self.bind_pattern(e, Operand::Var(item), span);
                }
            }
            "and_pattern" | "or_pattern" => {
                for f in ["left", "right"] {
                    if let Some(x) = p.child_by_field_name(f) {
                        self.bind_pattern(x, value.clone(), span);
                    }
                }
            }
            "parenthesized_pattern" | "negated_pattern" => {
                if let Some(x) = p.named_child(0) {
                    self.bind_pattern(x, value, span);
                }
            }
            _ => {}
        }
    }

    /// `x is T t`, `x is null`, `x is "a" or "b"`: a comparison (constant patterns) or a test,
    /// binding the pattern's variables.
    fn is_pattern(&mut self, n: Node, span: Span) -> Operand {
        let v = n
            .child_by_field_name("expression")
            .map(|x| self.expr(x))
            .unwrap_or(Operand::Const(Const::Null));
        let Some(p) = n.child_by_field_name("pattern") else {
            return self.unknown(vec![v], span);
        };
        let negated = p.kind() == "negated_pattern";
        let inner = if negated { p.named_child(0) } else { Some(p) };
        if let Some(c) = inner.and_then(|x| {
            (x.kind() == "constant_pattern")
                .then(|| self.pattern_const(x))
                .flatten()
        }) {
            let dst = self.temp();
            self.emit(
                InstKind::BinOp {
                    dst,
                    op: if negated { BinOp::Ne } else { BinOp::Eq },
                    lhs: v,
                    rhs: Operand::Const(c),
                },
                span,
            );
            return Operand::Var(dst);
        }
        self.bind_pattern(p, v.clone(), span);
        let dst = self.temp();
        self.emit(
            InstKind::BinOp {
                dst,
                op: BinOp::Other,
                lhs: v,
                rhs: Operand::Const(Const::Null),
            },
            span,
        );
        Operand::Var(dst)
    }

    /// `value switch { "a" => x, _ => y }`: a multi-way branch on constant arms.
    fn switch_expr(&mut self, n: Node, span: Span) -> Operand {
        let mut c = n.walk();
        let kids: Vec<Node> = n.named_children(&mut c).collect();
        let value = kids
            .iter()
            .find(|k| k.kind() != "switch_expression_arm")
            .map(|k| self.expr(*k))
            .unwrap_or(Operand::Const(Const::Null));
        let arms: Vec<Node> = kids
            .into_iter()
            .filter(|k| k.kind() == "switch_expression_arm")
            .collect();
        let result = self.temp();
        let exit = self.new_block();
        let mut cases = Vec::new();
        let mut blocks = Vec::new();
        // Arms with a non-constant pattern (types, guards, discards) are tried in order when
        // no constant arm matches.
        let mut chain = Vec::new();
        for arm in &arms {
            let b = self.new_block();
            blocks.push(b);
            let mut c2 = arm.walk();
            let parts: Vec<Node> = arm.named_children(&mut c2).collect();
            let has_when = parts.iter().any(|x| x.kind() == "when_clause");
            match parts.first().and_then(|p| self.pattern_const(*p)) {
                Some(k) if !has_when => cases.push((k, b)),
                _ => chain.push(b),
            }
        }
        self.terminate(Terminator::Switch {
            value: value.clone(),
            cases,
            default: chain.first().copied().unwrap_or(exit),
        });
        for (i, arm) in arms.iter().enumerate() {
            self.switch_to(blocks[i]);
            self.f().b.push_scope();
            let mut c2 = arm.walk();
            let parts: Vec<Node> = arm.named_children(&mut c2).collect();
            if let Some(p) = parts.first() {
                if p.kind() != "discard" && self.pattern_const(*p).is_none() {
                    self.bind_pattern(*p, value.clone(), span);
                }
            }
            for w in parts.iter().filter(|x| x.kind() == "when_clause") {
                if let Some(e) = w.named_child(0) {
                    self.expr(e);
                }
            }
            if let Some(body) = parts
                .last()
                .filter(|x| parts.len() > 1 && x.kind() != "when_clause")
            {
                let v = self.expr(*body);
                self.emit(
                    InstKind::Assign {
                        dst: result,
                        src: v,
                    },
                    span,
                );
            }
            self.f().b.pop_scope();
            let next = chain
                .iter()
                .position(|b| *b == blocks[i])
                .and_then(|p| chain.get(p + 1))
                .copied();
            match next {
                Some(next) => {
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
                        then: exit,
                        otherwise: next,
                    });
                }
                None => self.terminate(Terminator::Goto(exit)),
            }
        }
        self.switch_to(exit);
        Operand::Var(result)
    }

    /// A LINQ query: `from u in src where p select e` as `src.Where(u => p).Select(u => e)`,
    /// with the clauses' expressions lowered in place over a range variable that holds the
    /// source's elements.
    fn query(&mut self, n: Node, span: Span) -> Operand {
        let mut c = n.walk();
        let clauses: Vec<Node> = n.named_children(&mut c).collect();
        self.f().b.push_scope();
        let mut current: Option<Operand> = None;
        let mut result: Option<Operand> = None;
        for cl in clauses {
            match cl.kind() {
                "from_clause" | "join_clause" => {
                    // `from T x in src` / `join x in src on a equals b into g`.
                    let mut c2 = cl.walk();
                    let ty_node = cl.child_by_field_name("type");
                    let parts: Vec<Node> = cl
                        .named_children(&mut c2)
                        .filter(|x| Some(*x) != ty_node && x.kind() != "join_into_clause")
                        .collect();
                    let (name, src, rest) = match cl.child_by_field_name("name") {
                        Some(name) => {
                            let others: Vec<Node> =
                                parts.iter().copied().filter(|x| *x != name).collect();
                            (
                                Some(name),
                                others.first().copied(),
                                others.get(1..).unwrap_or(&[]).to_vec(),
                            )
                        }
                        None => (
                            parts.first().copied(),
                            parts.get(1).copied(),
                            parts.get(2..).unwrap_or(&[]).to_vec(),
                        ),
                    };
                    let v = src
                        .map(|s| self.expr(s))
                        .unwrap_or(Operand::Const(Const::Null));
                    let obj = self.materialize(v.clone(), span);
                    if let Some(name) = name {
                        let name = self.text(name).to_string();
                        let ty = self.declared_type(ty_node);
                        let var = self.f().b.declare(&name, ty);
                        self.emit(
                            InstKind::LoadIndex {
                                dst: var,
                                obj,
                                key: Operand::Const(Const::Null),
                            },
                            span,
                        );
                    }
                    current.get_or_insert(v);
                    // Join keys (`on a equals b`) are evaluated for their effects.
                    for r in rest {
                        self.expr(r);
                    }
                }
                "let_clause" => {
                    let mut c2 = cl.walk();
                    let parts: Vec<Node> = cl.named_children(&mut c2).collect();
                    if let [name, value] = parts.as_slice() {
                        let v = self.expr(*value);
                        let name = self.text(*name).to_string();
                        let var = self.f().b.declare(&name, None);
                        self.emit(InstKind::Assign { dst: var, src: v }, span);
                    }
                }
                "where_clause" | "order_by_clause" => {
                    let mut c2 = cl.walk();
                    let parts: Vec<Node> = cl.named_children(&mut c2).collect();
                    for p in parts {
                        self.expr(p);
                    }
                }
                "select_clause" | "group_clause" => {
                    let mut c2 = cl.walk();
                    let parts: Vec<Node> = cl.named_children(&mut c2).collect();
                    let vals: Vec<Operand> = parts.into_iter().map(|p| self.expr(p)).collect();
                    let dst = self.temp();
                    // The query's result holds the selected values.
                    self.emit(InstKind::MakeList { dst, items: vals }, span);
                    result = Some(Operand::Var(dst));
                }
                _ => {
                    self.expr(cl);
                }
            }
        }
        self.f().b.pop_scope();
        result.or(current).unwrap_or(Operand::Const(Const::Null))
    }
}

/// Operands of a left-nested `+` chain, in order (iterative: long chains must not recurse).
fn plus_leaves<'t>(n: Node<'t>, src: &str) -> Vec<Node<'t>> {
    let mut rights = Vec::new();
    let mut cur = n;
    loop {
        let is_plus = cur.kind() == "binary_expression"
            && cur
                .child_by_field_name("operator")
                .and_then(|o| o.utf8_text(src.as_bytes()).ok())
                == Some("+");
        if !is_plus {
            break;
        }
        if let Some(r) = cur.child_by_field_name("right") {
            rights.push(r);
        }
        match cur.child_by_field_name("left") {
            Some(l) => cur = l,
            None => {
                rights.reverse();
                return rights;
            }
        }
    }
    let mut out = vec![cur];
    rights.reverse();
    out.extend(rights);
    out
}

fn simple_name(t: &str) -> String {
    strip_generic_args(t)
        .trim()
        .trim_start_matches('@')
        .to_string()
}

fn strip_generic_args(t: &str) -> &str {
    t.split('<').next().unwrap_or(t).trim()
}

fn strip_quotes(t: &str) -> &str {
    t.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(t)
}

/// `"""..."""`: content between the delimiters, common indentation removed when multi-line.
fn raw_string_value(t: &str) -> String {
    let quotes = t.chars().take_while(|c| *c == '"').count();
    let body = t.get(quotes..t.len().saturating_sub(quotes)).unwrap_or("");
    if !body.contains('\n') {
        return body.to_string();
    }
    let body = body
        .strip_prefix('\n')
        .or_else(|| body.strip_prefix("\r\n"))
        .unwrap_or(body);
    let (content, last) = body.rsplit_once('\n').unwrap_or((body, ""));
    let indent = last.len();
    content
        .lines()
        .map(|l| l.get(indent..).unwrap_or(l.trim_start()))
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_int(t: &str) -> Option<i64> {
    let t = t.trim_end_matches(['u', 'U', 'l', 'L']).replace('_', "");
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return i64::from_str_radix(h, 16).ok();
    }
    if let Some(b) = t.strip_prefix("0b").or_else(|| t.strip_prefix("0B")) {
        return i64::from_str_radix(b, 2).ok();
    }
    t.parse().ok()
}

fn const_text(c: &Const) -> String {
    match c {
        Const::Str(s) => s.clone(),
        Const::Int(i) => i.to_string(),
        Const::Float(f) => f.to_string(),
        Const::Bool(b) => b.to_string(),
        Const::Null => String::new(),
    }
}

/// C# escape sequences.
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
            Some('a') => out.push('\u{7}'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some('e') => out.push('\u{1b}'),
            Some(u @ ('u' | 'x' | 'U')) => {
                let max = if u == 'U' { 8 } else { 4 };
                let hex: String = chars
                    .clone()
                    .take(max)
                    .take_while(|c| c.is_ascii_hexdigit())
                    .collect();
                for _ in 0..hex.len() {
                    chars.next();
                }
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) => out.push(ch),
                    None => {
                        out.push('\\');
                        out.push(u);
                        out.push_str(&hex);
                    }
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}
