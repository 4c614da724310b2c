//! A readable text form of the IR, for snapshot tests and `rampart ir`.

use crate::ir::*;
use std::fmt::{self, Write};

/// Renders a whole module.
pub fn module_to_string(m: &Module) -> String {
    let mut s = String::new();
    let _ = write_module(&mut s, m);
    s
}

fn write_module(s: &mut String, m: &Module) -> fmt::Result {
    writeln!(s, "module {} ({}) [{}]", m.name, m.path, m.language)?;
    for i in &m.imports {
        let star = if i.whole_module { " (module)" } else { "" };
        writeln!(s, "  import {} = {}{}", i.local, i.target, star)?;
    }
    for e in &m.exports {
        match &e.from {
            Some(from) => writeln!(s, "  export {} = {} from {}", e.name, e.local, from)?,
            None => writeln!(s, "  export {} = {}", e.name, e.local)?,
        }
    }
    for c in &m.classes {
        let kind = if c.is_interface { "interface" } else { "class" };
        write!(s, "  {kind} {}", c.qualified_name)?;
        if !c.bases.is_empty() {
            write!(s, " : {}", c.bases.join(", "))?;
        }
        writeln!(s)?;
        for d in &c.decorators {
            writeln!(s, "    @{}", decorator(d))?;
        }
        for f in &c.fields {
            let mut mods = String::new();
            if f.is_static {
                mods.push_str("static ");
            }
            if f.is_final {
                mods.push_str("final ");
            }
            write!(s, "    field {mods}{}", f.name)?;
            if let Some(t) = &f.ty {
                write!(s, ": {t}")?;
            }
            if let Some(init) = &f.init {
                write!(s, " = {}", constant(init))?;
            }
            writeln!(s)?;
        }
        for &mid in &c.methods {
            if let Some(f) = m.functions.get(mid as usize) {
                writeln!(s, "    method {}", f.qualified_name)?;
            }
        }
    }
    for (i, f) in m.functions.iter().enumerate() {
        write_function(s, i, f)?;
    }
    Ok(())
}

fn write_function(s: &mut String, index: usize, f: &Function) -> fmt::Result {
    writeln!(s)?;
    for d in &f.decorators {
        writeln!(s, "  @{}", decorator(d))?;
    }
    write!(s, "  fn#{index} {}(", f.qualified_name)?;
    for (i, p) in f.params.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        for d in &p.decorators {
            write!(s, "@{} ", decorator(d))?;
        }
        let prefix = match p.kind {
            ParamKind::Rest => "*",
            ParamKind::KeywordRest => "**",
            ParamKind::Receiver => "&",
            ParamKind::KeywordOnly => "kw ",
            ParamKind::Normal => "",
        };
        write!(s, "{prefix}{}", p.name)?;
        if let Some(t) = &p.ty {
            write!(s, ": {t}")?;
        }
        if let Some(d) = &p.default {
            write!(s, " = {}", constant(d))?;
        }
    }
    s.push(')');
    if let Some(r) = &f.return_type {
        write!(s, " -> {r}")?;
    }
    if let Some(p) = f.parent {
        write!(s, " (in fn#{p})")?;
    }
    writeln!(s, " @{}:{}", f.span.start_line, f.span.start_col)?;
    for (bi, b) in f.blocks.iter().enumerate() {
        writeln!(s, "    bb{bi}:")?;
        for inst in &b.insts {
            writeln!(s, "      {}", inst_to_string(f, &inst.kind))?;
        }
        writeln!(s, "      {}", terminator(f, &b.term))?;
    }
    Ok(())
}

fn var(f: &Function, v: VarId) -> String {
    let name = f.local_name(v);
    if name.starts_with('$') {
        name.to_string()
    } else {
        format!("{name}#{v}")
    }
}

fn operand(f: &Function, o: &Operand) -> String {
    match o {
        Operand::Var(v) => var(f, *v),
        Operand::Const(c) => constant(c),
    }
}

pub fn constant(c: &Const) -> String {
    match c {
        Const::Str(s) => format!("{s:?}"),
        Const::Int(i) => i.to_string(),
        Const::Float(x) => x.to_string(),
        Const::Bool(b) => b.to_string(),
        Const::Null => "null".to_string(),
    }
}

fn args(f: &Function, args: &[Arg]) -> String {
    args.iter()
        .map(|a| {
            let mut s = String::new();
            if a.spread {
                s.push_str("...");
            }
            if let Some(k) = &a.keyword {
                s.push_str(k);
                s.push('=');
            }
            s.push_str(&operand(f, &a.value));
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One instruction as text.
pub fn inst_to_string(f: &Function, k: &InstKind) -> String {
    match k {
        InstKind::Assign { dst, src } => format!("{} = {}", var(f, *dst), operand(f, src)),
        InstKind::Global { dst, path } => format!("{} = global {path}", var(f, *dst)),
        InstKind::Load { dst, obj, field } => {
            format!("{} = {}.{field}", var(f, *dst), var(f, *obj))
        }
        InstKind::Store { obj, field, src } => {
            format!("{}.{field} = {}", var(f, *obj), operand(f, src))
        }
        InstKind::LoadIndex { dst, obj, key } => {
            format!("{} = {}[{}]", var(f, *dst), var(f, *obj), operand(f, key))
        }
        InstKind::StoreIndex { obj, key, src } => format!(
            "{}[{}] = {}",
            var(f, *obj),
            operand(f, key),
            operand(f, src)
        ),
        InstKind::Concat { dst, parts } => format!(
            "{} = concat({})",
            var(f, *dst),
            parts
                .iter()
                .map(|p| operand(f, p))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        InstKind::Call {
            dst,
            callee,
            args: a,
        } => {
            let c = match callee {
                Callee::Path(p) => p.clone(),
                Callee::Method { receiver, name } => format!("{}.{name}", var(f, *receiver)),
                Callee::Value(v) => format!("(*{})", var(f, *v)),
            };
            match dst {
                Some(d) => format!("{} = call {c}({})", var(f, *d), args(f, a)),
                None => format!("call {c}({})", args(f, a)),
            }
        }
        InstKind::New {
            dst,
            class,
            args: a,
        } => {
            format!("{} = new {class}({})", var(f, *dst), args(f, a))
        }
        InstKind::BinOp { dst, op, lhs, rhs } => format!(
            "{} = {} {:?} {}",
            var(f, *dst),
            operand(f, lhs),
            op,
            operand(f, rhs)
        ),
        InstKind::UnOp {
            dst,
            op,
            operand: o,
        } => {
            format!("{} = {:?} {}", var(f, *dst), op, operand(f, o))
        }
        InstKind::MakeList { dst, items } => format!(
            "{} = [{}]",
            var(f, *dst),
            items
                .iter()
                .map(|p| operand(f, p))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        InstKind::MakeMap { dst, entries } => format!(
            "{} = {{{}}}",
            var(f, *dst),
            entries
                .iter()
                .map(|(k, v)| format!("{}: {}", k.as_deref().unwrap_or("*"), operand(f, v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        InstKind::FuncRef { dst, func } => format!("{} = fn#{func}", var(f, *dst)),
        InstKind::Convert { dst, ty, src } => {
            format!("{} = convert<{ty}>({})", var(f, *dst), operand(f, src))
        }
        InstKind::Unknown { dst, operands } => format!(
            "{} = unknown({})",
            var(f, *dst),
            operands
                .iter()
                .map(|p| operand(f, p))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn terminator(f: &Function, t: &Terminator) -> String {
    match t {
        Terminator::Goto(b) => format!("goto bb{b}"),
        Terminator::Branch {
            cond,
            then,
            otherwise,
        } => format!("branch {} ? bb{then} : bb{otherwise}", operand(f, cond)),
        Terminator::Switch {
            value,
            cases,
            default,
        } => format!(
            "switch {} [{}] default bb{default}",
            operand(f, value),
            cases
                .iter()
                .map(|(c, b)| format!("{} => bb{b}", constant(c)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Terminator::Return(Some(o)) => format!("return {}", operand(f, o)),
        Terminator::Return(None) => "return".to_string(),
        Terminator::Throw(Some(o)) => format!("throw {}", operand(f, o)),
        Terminator::Throw(None) => "throw".to_string(),
        Terminator::Unreachable => "unreachable".to_string(),
    }
}

fn decorator(d: &Decorator) -> String {
    if d.args.is_empty() {
        return d.name.clone();
    }
    let args = d
        .args
        .iter()
        .map(|a| match &a.keyword {
            Some(k) => format!("{k}={}", decorator_value(&a.value)),
            None => decorator_value(&a.value),
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!("{}({args})", d.name)
}

fn decorator_value(v: &DecoratorValue) -> String {
    match v {
        DecoratorValue::Const(c) => constant(c),
        DecoratorValue::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(decorator_value)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        DecoratorValue::Expr(e) => e.clone(),
    }
}
