//! Flow-sensitive taint analysis of one function over its CFG, using the summaries of the
//! functions it calls, producing flows (real source to sink) and its own summary (parameter or
//! captured variable to return and to sinks).

use crate::entries::{is_safe_scalar_type, EntryCtx};
use crate::infer::{resolve_callee, truthy, CalleeRef, Ctx, FuncFacts, Sym};
use crate::program::FuncKey;
use crate::taint::{
    append_trace, push_step, trace_steps, Label, Origin, SourceInfo, State, Taint, Trace, VarTaint,
};
use crate::{FlowSink, FlowSource, TaintFlow};
use rampart_core::{Language, Location, Span};
use rampart_ir::{
    Arg, BinOp, Callee, Const, Function, InstKind, Module, Operand, ParamKind, Terminator, UnOp,
    VarId,
};
use rampart_models::{FromNamed, FromSpec, ParamSources, SinkModel, SourceKind, ToSpec, VulnClass};
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Arc;

/// A sink reached by a parameter or captured variable of a function.
#[derive(Debug, Clone)]
pub struct SummarySink {
    pub origin: Origin,
    pub class: VulnClass,
    pub unknown: bool,
    /// From the parameter to the sink, the sink step included.
    pub trace: Trace,
    pub sink: FlowSink,
    pub function: Arc<str>,
}

/// What callers need to know about a function.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Labels that reach a return: parameters (with the sanitizers applied on the way), captured
    /// variables, and real sources read inside.
    pub ret: Taint,
    pub sinks: Vec<SummarySink>,
    /// Taint a function leaves in fields of its parameters (`self.query = ...` in a
    /// constructor): (parameter index, field, taint).
    pub fields: Vec<(u32, String, Taint)>,
    /// Every return yields a boolean computed by checks: with a validating name
    /// (`is_safe_url`), a call is a guard on its arguments.
    pub returns_check: bool,
}

impl Summary {
    /// A cheap signature to detect a fixpoint in recursive components.
    pub fn signature(&self) -> (usize, usize, u32) {
        let s: u32 = self.ret.0.iter().map(|l| l.sanitized as u32).sum();
        (self.ret.0.len(), self.sinks.len() + self.fields.len(), s)
    }
}

/// The summaries a function's analysis can use: those of finished components, and those of
/// its own (recursive) component so far.
#[derive(Clone, Copy)]
pub struct Summaries<'a> {
    pub done: &'a FxHashMap<FuncKey, Summary>,
    pub component: &'a FxHashMap<FuncKey, Summary>,
}

impl<'a> Summaries<'a> {
    fn get(&self, f: FuncKey) -> Option<&'a Summary> {
        self.component.get(&f).or_else(|| self.done.get(&f))
    }
}

/// Instruction visits allowed per function before its analysis stops.
pub const FUNCTION_BUDGET: u32 = 200_000;
/// Visits of one block allowed before a loop's fixpoint is cut off.
const MAX_BLOCK_VISITS: u32 = 8;

pub struct Outcome {
    pub summary: Summary,
    pub flows: Vec<TaintFlow>,
    pub visits: u32,
    pub exhausted: bool,
}

/// Conversions that carry no injection taint.
fn kills_taint(ty: &str) -> bool {
    matches!(
        ty,
        "int" | "float" | "bool" | "uuid" | "number" | "boolean" | "bigint" | "Number" | "Boolean"
    ) || is_safe_scalar_type(ty)
}

pub struct FnAnalysis<'a, 'm> {
    ctx: &'a Ctx<'a, 'm>,
    func: &'m Function,
    module: &'m Module,
    facts: &'a FuncFacts,
    summaries: Summaries<'a>,
    entry: Option<&'a EntryCtx>,
    fields: FxHashMap<String, u32>,
    local_by_name: FxHashMap<&'m str, VarId>,
    fn_name: Arc<str>,
    flows: Vec<TaintFlow>,
    seen: FxHashSet<(u32, u32, VulnClass, usize)>,
    summary: Summary,
    seen_summary_sinks: FxHashSet<(String, u32, VulnClass)>,
    visits: u32,
    /// Fields a constructor call leaves on the object it creates, for the call's result.
    pending_fields: Vec<(String, Taint)>,
    /// Whether anything calls or refers to this function (its summary is needed).
    summarize: bool,
}

enum Flow {
    Continue,
    /// The block ends here (a call that never returns).
    Dead,
}

impl<'a, 'm> FnAnalysis<'a, 'm> {
    pub fn new(
        ctx: &'a Ctx<'a, 'm>,
        func: &'m Function,
        facts: &'a FuncFacts,
        summaries: Summaries<'a>,
        entry: Option<&'a EntryCtx>,
    ) -> Self {
        let module = ctx.program.module(ctx.module);
        let local_by_name = func
            .locals
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.name.starts_with('$'))
            .map(|(i, l)| (l.name.as_str(), i as VarId))
            .collect();
        FnAnalysis {
            ctx,
            func,
            module,
            facts,
            summaries,
            entry,
            fields: FxHashMap::default(),
            local_by_name,
            fn_name: func.qualified_name.as_str().into(),
            flows: Vec::new(),
            seen: FxHashSet::default(),
            summary: Summary::default(),
            seen_summary_sinks: FxHashSet::default(),
            visits: 0,
            pending_fields: Vec::new(),
            summarize: true,
        }
    }

    /// Skips parameter labels for a function no code refers to.
    pub fn without_summary(mut self) -> Self {
        self.summarize = false;
        self
    }

    fn loc(&self, span: Span) -> Location {
        Location {
            path: self.module.path.clone(),
            span,
        }
    }

    fn snippet(&self, span: Span) -> String {
        let s: String = self
            .module
            .snippet(span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if s.chars().count() > 80 {
            let cut: String = s.chars().take(77).collect();
            format!("{cut}...")
        } else {
            s
        }
    }

    fn field_id(&mut self, name: &str) -> u32 {
        let n = self.fields.len() as u32;
        *self.fields.entry(name.to_string()).or_insert(n)
    }

    fn const_of<'o>(&'o self, o: &'o Operand) -> Option<&'o Const> {
        match o {
            Operand::Const(c) => Some(c),
            Operand::Var(v) => self.facts.consts.get(*v as usize).and_then(|c| c.as_ref()),
        }
    }

    fn sym_of(&self, v: VarId) -> Option<&Sym> {
        self.facts.syms.get(v as usize).and_then(|s| s.as_ref())
    }

    fn deep(&self, state: &State, o: &Operand) -> Taint {
        match o {
            Operand::Var(v) => state.deep(*v),
            Operand::Const(_) => Taint::default(),
        }
    }

    fn var_taint(&self, state: &State, o: &Operand) -> VarTaint {
        match o {
            Operand::Var(v) => state.get(*v).cloned().unwrap_or_default(),
            Operand::Const(_) => VarTaint::default(),
        }
    }

    /// The initial state: parameters carry their own labels (for the summary) and, in entry
    /// points, source labels.
    fn entry_state(&self) -> State {
        let mut state = State::default();
        let mut positional = 0usize;
        for (i, p) in self.func.params.iter().enumerate() {
            // Parameter labels only matter to callers: a function nothing refers to skips them,
            // which keeps its states small.
            let mut t = if self.summarize {
                Taint::single(Label {
                    origin: Origin::Param(i as u32),
                    sanitized: 0,
                    normalized: false,
                    unknown: false,
                    trace: None,
                })
            } else {
                Taint::default()
            };
            // A parameter whose declared (or entry-given) type is itself a source: an AWS
            // Lambda `event`.
            if let Some(Sym::Path(ty)) = self.sym_of(p.var) {
                if let Some((kind, _)) = self.ctx.models.source(ty) {
                    if self.entry.is_some() || p.ty.is_some() {
                        let location = self.loc(p.span);
                        t.join(&Taint::single(Label {
                            origin: Origin::Source(Arc::new(SourceInfo {
                                kind,
                                description: p.name.clone(),
                                location: location.clone(),
                            })),
                            sanitized: 0,
                            normalized: false,
                            unknown: false,
                            trace: push_step(
                                &None,
                                location,
                                format!("`{}` is untrusted {} input", p.name, kind.as_str()),
                            ),
                        }));
                    }
                }
            }
            if p.kind != ParamKind::Receiver {
                if let Some(e) = self.entry {
                    let typed = positional < e.param_types.len();
                    let safe_type = p.ty.as_deref().is_some_and(|t| self.param_type_safe(t, e));
                    let source = match e.sources {
                        ParamSources::None => false,
                        ParamSources::Rest => !typed,
                        ParamSources::Untyped => !typed && !safe_type,
                    } && !e.typed_params.contains(&p.name)
                        && !p.ty.as_deref().is_some_and(is_safe_scalar_type)
                        && !injected_service(p);
                    if source {
                        let location = self.loc(p.span);
                        let info = Arc::new(SourceInfo {
                            kind: e.kind,
                            description: p.name.clone(),
                            location: location.clone(),
                        });
                        t.join(&Taint::single(Label {
                            origin: Origin::Source(info),
                            sanitized: 0,
                            normalized: false,
                            unknown: false,
                            trace: push_step(
                                &None,
                                location,
                                format!(
                                    "`{}` is a request parameter of {}",
                                    p.name, e.registration
                                ),
                            ),
                        }));
                    }
                }
                positional += 1;
            }
            state.set_own(p.var, t);
        }
        state
    }

    /// Declared parameter types that are not request data in `untyped` mode: scalars, enums,
    /// and library types (a database session, a request object read through its own models).
    fn param_type_safe(&self, ty: &str, _e: &EntryCtx) -> bool {
        if is_safe_scalar_type(ty) {
            return true;
        }
        match self.ctx.program.class_of(ty, self.ctx.module) {
            // Model binding cannot build an interface, and a project class deriving from a
            // framework service (`AppDbContext : DbContext`) is injected, not bound.
            Some((m, c)) => {
                let is_interface = self
                    .ctx
                    .program
                    .modules
                    .get(m as usize)
                    .and_then(|x| x.classes.get(c as usize))
                    .is_some_and(|cls| cls.is_interface);
                is_interface
                    || self
                        .ctx
                        .program
                        .all_bases(m, c)
                        .iter()
                        .any(|b| b.contains("Enum") || is_service_base(b))
            }
            None => match scalar_collection(ty) {
                Some(safe) => safe,
                None => ty.contains('.') && !ty.starts_with("typing.") && !carries_text(ty),
            },
        }
    }

    pub fn run(mut self) -> Outcome {
        let nblocks = self.func.blocks.len();
        if nblocks == 0 {
            return self.finish(false);
        }
        let mut preds = vec![0u32; nblocks];
        for b in 0..nblocks {
            for s in self.func.successors(b as u32) {
                if let Some(p) = preds.get_mut(s as usize) {
                    *p += 1;
                }
            }
        }
        let mut inputs: Vec<Option<State>> = vec![None; nblocks];
        let mut block_visits = vec![0u32; nblocks];
        inputs[0] = Some(self.entry_state());
        let mut worklist: std::collections::VecDeque<usize> = std::collections::VecDeque::new();
        let mut queued = vec![false; nblocks];
        worklist.push_back(0);
        queued[0] = true;
        let mut exhausted = false;
        while let Some(b) = worklist.pop_front() {
            queued[b] = false;
            block_visits[b] += 1;
            if block_visits[b] > MAX_BLOCK_VISITS {
                continue;
            }
            // A block with one predecessor gets a fresh input whenever that predecessor
            // changes (its output only grows), so its input need not be kept.
            let input = if b != 0 && preds[b] <= 1 {
                inputs[b].take()
            } else {
                inputs[b].clone()
            };
            let Some(mut state) = input else {
                continue;
            };
            let block = &self.func.blocks[b];
            let mut dead = false;
            for inst in &block.insts {
                self.visits += 1;
                if let Flow::Dead = self.transfer(&mut state, &inst.kind, inst.span) {
                    dead = true;
                    break;
                }
            }
            if self.visits > FUNCTION_BUDGET {
                exhausted = true;
                break;
            }
            if dead {
                continue;
            }
            self.terminator(b, &block.term, &state);
            let succs = self.successors(&block.term);
            let last = succs.len().saturating_sub(1);
            let mut state = Some(state);
            for (k, (succ, refine)) in succs.into_iter().enumerate() {
                let succ = succ as usize;
                if succ >= nblocks {
                    continue;
                }
                // The last successor takes the state instead of a copy.
                let mut out = if k == last {
                    state.take().unwrap_or_default()
                } else {
                    state.clone().unwrap_or_default()
                };
                for (v, classes, needs_norm) in refine {
                    if let Some(vt) = out.vars.get_mut(&v) {
                        sanitize_var(vt, classes, needs_norm);
                    }
                    if !needs_norm {
                        if let Some(p) = self.access_path(v) {
                            out.guarded.push((p.into_boxed_str(), classes));
                        }
                    }
                }
                let changed = match &mut inputs[succ] {
                    Some(existing) => existing.join(&out),
                    slot @ None => {
                        *slot = Some(out);
                        true
                    }
                };
                if changed && !queued[succ] {
                    queued[succ] = true;
                    worklist.push_back(succ);
                }
            }
        }
        self.finish(exhausted)
    }

    fn finish(mut self, exhausted: bool) -> Outcome {
        self.summary.returns_check = self.returns_check();
        Outcome {
            summary: self.summary,
            flows: self.flows,
            visits: self.visits,
            exhausted,
        }
    }

    /// Successor blocks with the sanitization a guard applies on each.
    fn successors(&self, term: &Terminator) -> Vec<(u32, Refinements)> {
        match term {
            Terminator::Goto(b) => vec![(*b, Vec::new())],
            Terminator::Branch {
                cond,
                then,
                otherwise,
            } => {
                if let Some(c) = self.const_of(cond) {
                    return vec![(if truthy(c) { *then } else { *otherwise }, Vec::new())];
                }
                let (on_true, on_false) = match cond {
                    Operand::Var(v) => self.guard(*v, 0),
                    Operand::Const(_) => (Vec::new(), Vec::new()),
                };
                vec![(*then, on_true), (*otherwise, on_false)]
            }
            Terminator::Switch {
                value,
                cases,
                default,
            } => {
                if let Some(c) = self.const_of(value) {
                    let target = cases
                        .iter()
                        .find(|(k, _)| k == c)
                        .map(|(_, b)| *b)
                        .unwrap_or(*default);
                    return vec![(target, Vec::new())];
                }
                // Every case compares the value with a constant: safe in the cases.
                let mut v: Vec<(u32, Refinements)> = cases
                    .iter()
                    .map(|(_, b)| {
                        let r = match value {
                            Operand::Var(x) => vec![(*x, u16::MAX, false)],
                            Operand::Const(_) => Vec::new(),
                        };
                        (*b, r)
                    })
                    .collect();
                v.push((*default, Vec::new()));
                v
            }
            _ => Vec::new(),
        }
    }

    /// What a branch on `cond` proves on its true and false sides: (variable, classes made
    /// safe, only for normalized values).
    fn guard(&self, cond: VarId, depth: u32) -> (Refinements, Refinements) {
        let none = (Vec::new(), Vec::new());
        if depth > 4 {
            return none;
        }
        let Some((b, i)) = self.facts.def.get(cond as usize).copied().flatten() else {
            return none;
        };
        let Some(inst) = self
            .func
            .blocks
            .get(b as usize)
            .and_then(|bl| bl.insts.get(i as usize))
        else {
            return none;
        };
        match &inst.kind {
            InstKind::UnOp {
                op: UnOp::Not,
                operand: Operand::Var(v),
                ..
            } => {
                let (t, f) = self.guard(*v, depth + 1);
                (f, t)
            }
            InstKind::Assign {
                src: Operand::Var(v),
                ..
            }
            | InstKind::UnOp {
                op: UnOp::Other,
                operand: Operand::Var(v),
                ..
            } => self.guard(*v, depth + 1),
            InstKind::BinOp { op, lhs, rhs, .. } => {
                let var_const = match (lhs, rhs) {
                    (Operand::Var(x), o) if self.const_of(o).is_some() => Some(*x),
                    (o, Operand::Var(x)) if self.const_of(o).is_some() => Some(*x),
                    _ => None,
                };
                // `if ".." in name: abort()`: a value without `..` cannot climb out of a
                // directory.
                let dotdot = |o: &Operand| matches!(self.const_of(o), Some(Const::Str(s)) if s.contains(".."));
                if let (true, Operand::Var(x)) = (dotdot(lhs), rhs) {
                    let safe = self.aliases(*x, VulnClass::Path.bit());
                    return match op {
                        BinOp::In => (Vec::new(), safe),
                        BinOp::NotIn => (safe, Vec::new()),
                        _ => none,
                    };
                }
                match op {
                    BinOp::In => match lhs {
                        Operand::Var(x) => (self.checked(*x, u16::MAX), Vec::new()),
                        _ => none,
                    },
                    BinOp::NotIn => match lhs {
                        Operand::Var(x) => (Vec::new(), self.checked(*x, u16::MAX)),
                        _ => none,
                    },
                    BinOp::Eq => match var_const {
                        Some(x) => (self.checked(x, u16::MAX), Vec::new()),
                        None => none,
                    },
                    BinOp::Ne => match var_const {
                        Some(x) => (Vec::new(), self.checked(x, u16::MAX)),
                        None => none,
                    },
                    _ => none,
                }
            }
            InstKind::Call { callee, args, .. } => {
                let cref = resolve_callee(self.ctx, callee, &self.facts.syms);
                if let CalleeRef::Project(f) = &cref {
                    let validates = self.summaries.get(*f).is_some_and(|s| s.returns_check)
                        && self
                            .ctx
                            .program
                            .function(*f)
                            .is_some_and(|cf| validating_name(&cf.name));
                    if validates {
                        let mut out = Vec::new();
                        for a in args {
                            if let Operand::Var(v) = a.value {
                                out.extend(self.aliases(v, u16::MAX));
                            }
                        }
                        return (out, Vec::new());
                    }
                }
                let models = self.ctx.models;
                let name = match callee {
                    Callee::Method { name, .. } => Some(name.as_str()),
                    _ => None,
                };
                if let (Some("includes" | "contains"), Callee::Method { receiver, .. }) =
                    (name, callee)
                {
                    let dotdot = args.first().is_some_and(|a| {
                        matches!(self.const_of(&a.value), Some(Const::Str(s)) if s.contains(".."))
                    });
                    if dotdot {
                        return (Vec::new(), self.aliases(*receiver, VulnClass::Path.bit()));
                    }
                }
                let mut guards = match &cref {
                    CalleeRef::External(p) => models.guards(p),
                    _ => &[],
                };
                if guards.is_empty() {
                    if let Some(n) = name {
                        guards = models.wildcard_guards(n);
                    }
                }
                let mut out = Vec::new();
                for g in guards {
                    let checked = match g.arg {
                        Some(i) => positional(args, i as usize).and_then(|a| match a.value {
                            Operand::Var(v) => Some(v),
                            Operand::Const(_) => None,
                        }),
                        None => match callee {
                            Callee::Method { receiver, .. } => Some(*receiver),
                            _ => None,
                        },
                    };
                    if let Some(v) = checked {
                        for (x, c, _) in self.checked(v, g.classes) {
                            out.push((x, c, g.requires_normalized));
                        }
                    }
                }
                (out, Vec::new())
            }
            _ => none,
        }
    }

    /// A value compared with constants or an allow-list is safe; when it is the host of a parsed
    /// URL (`urlparse(u).hostname`, `new URL(u).host`), the URL is safe as a destination.
    fn checked(&self, v: VarId, classes: u16) -> Refinements {
        let mut out = self.aliases(v, classes);
        let dest = classes & (VulnClass::Ssrf.bit() | VulnClass::Redirect.bit());
        if dest == 0 {
            return out;
        }
        let mut cur = v;
        for _ in 0..3 {
            match self.def_kind(cur) {
                Some(InstKind::Assign {
                    src: Operand::Var(s),
                    ..
                }) => cur = *s,
                Some(InstKind::Load { obj, field, .. })
                    if matches!(field.as_str(), "hostname" | "host" | "netloc" | "origin") =>
                {
                    // The parsed URL object, and the string it was parsed from.
                    out.extend(self.aliases(*obj, dest));
                    let mut url = *obj;
                    for _ in 0..3 {
                        match self.def_kind(url) {
                            Some(InstKind::Assign {
                                src: Operand::Var(s),
                                ..
                            }) => url = *s,
                            Some(InstKind::Call { args, .. })
                            | Some(InstKind::New { args, .. }) => {
                                if let Some(Operand::Var(u)) = args.first().map(|a| &a.value) {
                                    out.extend(self.aliases(*u, dest));
                                }
                                break;
                            }
                            _ => break,
                        }
                    }
                    break;
                }
                _ => break,
            }
        }
        out
    }

    /// A checked variable and the variable it was copied from (`t = name.strip()` checks are
    /// not followed; plain copies and awaits are).
    fn aliases(&self, v: VarId, classes: u16) -> Refinements {
        let mut out = vec![(v, classes, false)];
        let mut cur = v;
        for _ in 0..4 {
            let Some((b, i)) = self.facts.def.get(cur as usize).copied().flatten() else {
                break;
            };
            match self
                .func
                .blocks
                .get(b as usize)
                .and_then(|bl| bl.insts.get(i as usize))
                .map(|x| &x.kind)
            {
                Some(InstKind::Assign {
                    src: Operand::Var(s),
                    ..
                }) => {
                    out.push((*s, classes, false));
                    cur = *s;
                }
                _ => break,
            }
        }
        out
    }

    fn terminator(&mut self, block: usize, term: &Terminator, state: &State) {
        if matches!(term, Terminator::Return(_)) {
            self.record_field_stores(state);
        }
        let Terminator::Return(Some(op)) = term else {
            return;
        };
        let t = self.deep(state, op);
        if t.is_empty() {
            return;
        }
        self.summary.ret.join(&t);
        if let (Some(e), Operand::Var(v)) = (self.entry, op) {
            if let Some(class) = e.returns_sink {
                let Some(own) = self.response_body(state, *v) else {
                    return;
                };
                let span = self.return_span(block, *v);
                let callee = format!("return from {}", short_name(&self.func.qualified_name));
                for l in &own.0 {
                    self.hit(l, class, span, callee.clone(), false);
                }
            }
        }
    }

    /// Whether every `return` yields a boolean built from comparisons, membership tests,
    /// negations and constants.
    fn returns_check(&self) -> bool {
        let mut any = false;
        for b in &self.func.blocks {
            match &b.term {
                Terminator::Return(Some(Operand::Var(v))) => {
                    if !self.is_check(*v, 0) {
                        return false;
                    }
                    any = true;
                }
                Terminator::Return(Some(Operand::Const(Const::Bool(_)))) => {}
                Terminator::Return(_) => return false,
                _ => {}
            }
        }
        any
    }

    fn is_check(&self, v: VarId, depth: u32) -> bool {
        if depth > 6 {
            return false;
        }
        let mut defs = 0;
        for b in &self.func.blocks {
            for inst in &b.insts {
                if inst.kind.dst() != Some(v) {
                    continue;
                }
                defs += 1;
                let ok = match &inst.kind {
                    InstKind::BinOp { op, lhs, rhs, .. } => match op {
                        BinOp::And | BinOp::Or => [lhs, rhs].iter().all(|o| match o {
                            Operand::Var(x) => self.is_check(*x, depth + 1),
                            Operand::Const(c) => matches!(c, Const::Bool(_)),
                        }),
                        BinOp::Eq
                        | BinOp::Ne
                        | BinOp::Lt
                        | BinOp::Le
                        | BinOp::Gt
                        | BinOp::Ge
                        | BinOp::In
                        | BinOp::NotIn => true,
                        _ => false,
                    },
                    InstKind::UnOp { op: UnOp::Not, .. } => true,
                    InstKind::Assign { src, .. } => match src {
                        Operand::Var(x) => self.is_check(*x, depth + 1),
                        Operand::Const(c) => matches!(c, Const::Bool(_)),
                    },
                    InstKind::Convert { ty, .. } => ty == "bool",
                    _ => false,
                };
                if !ok {
                    return false;
                }
            }
        }
        defs > 0
    }

    /// Field taint left on parameters (the receiver above all) when the function returns.
    fn record_field_stores(&mut self, state: &State) {
        let names: FxHashMap<u32, &str> =
            self.fields.iter().map(|(k, v)| (*v, k.as_str())).collect();
        let mut found: Vec<(u32, String, Taint)> = Vec::new();
        for (i, p) in self.func.params.iter().enumerate() {
            let Some(vt) = state.get(p.var) else { continue };
            for (fid, t) in &vt.fields {
                if t.is_empty() {
                    continue;
                }
                if let Some(name) = names.get(fid) {
                    found.push((i as u32, name.to_string(), t.clone()));
                }
            }
        }
        for (i, name, t) in found {
            match self
                .summary
                .fields
                .iter_mut()
                .find(|(j, n, _)| *j == i && *n == name)
            {
                Some((_, _, existing)) => {
                    existing.join(&t);
                }
                None => self.summary.fields.push((i, name, t)),
            }
        }
    }

    /// The taint of a handler's response body: a returned value, or the first item of a
    /// `(body, status, headers)` tuple unless its headers declare a non-HTML content type.
    fn response_body(&self, state: &State, v: VarId) -> Option<Taint> {
        let Some(InstKind::MakeList { items, .. }) = self.def_kind(v) else {
            return Some(state.get(v).map(|x| x.own.clone()).unwrap_or_default());
        };
        for item in items.iter().skip(1) {
            let Operand::Var(h) = item else { continue };
            if let Some(InstKind::MakeMap { entries, .. }) = self.def_kind(*h) {
                for (k, val) in entries {
                    let is_ct = k
                        .as_deref()
                        .is_some_and(|k| k.eq_ignore_ascii_case("content-type"));
                    if let (true, Some(Const::Str(ct))) = (is_ct, self.const_of(val)) {
                        if !ct.contains("html") {
                            return None;
                        }
                    }
                }
            }
        }
        match items.first() {
            Some(Operand::Var(b)) => Some(state.get(*b).map(|x| x.own.clone()).unwrap_or_default()),
            _ => None,
        }
    }

    /// Where a returned value is returned: the expression when it is returned directly, else
    /// the `return` statement that follows the block's last instruction.
    fn return_span(&self, block: usize, v: VarId) -> Span {
        let def = self.def_span(v).unwrap_or(self.func.span);
        let is_temp = self
            .func
            .locals
            .get(v as usize)
            .is_none_or(|l| l.name.starts_with('$'));
        if is_temp {
            return def;
        }
        let after = self.func.blocks[block]
            .insts
            .last()
            .map(|i| i.span.end_byte as usize)
            .unwrap_or(def.end_byte as usize);
        let text: &str = &self.module.text;
        let window_end = (after + 400).min(text.len());
        let Some(window) = text.get(after..window_end) else {
            return def;
        };
        let Some(pos) = window.find("return") else {
            return def;
        };
        let start = after + pos;
        let end = text[start..]
            .find('\n')
            .map(|n| start + n)
            .unwrap_or(text.len());
        let lines = rampart_core::LineIndex::new(text);
        lines.span(text, start, end)
    }

    fn def_span(&self, v: VarId) -> Option<Span> {
        let (b, i) = self.facts.def.get(v as usize).copied().flatten()?;
        self.func
            .blocks
            .get(b as usize)?
            .insts
            .get(i as usize)
            .map(|x| x.span)
    }

    /// A tainted value reached a sink of `class` at `span`.
    fn hit(&mut self, label: &Label, class: VulnClass, span: Span, callee: String, unknown: bool) {
        if label.sanitized & class.bit() != 0 {
            return;
        }
        let location = self.loc(span);
        let trace = push_step(
            &label.trace,
            location.clone(),
            format!("reaches `{callee}`"),
        );
        let sink = FlowSink {
            callee,
            location: location.clone(),
        };
        match &label.origin {
            Origin::Source(info) => {
                let key = (
                    span.start_byte,
                    span.end_byte,
                    class,
                    Arc::as_ptr(info) as usize,
                );
                if !self.seen.insert(key) {
                    return;
                }
                self.flows.push(TaintFlow {
                    class,
                    source: FlowSource {
                        kind: info.kind,
                        description: info.description.clone(),
                        location: info.location.clone(),
                    },
                    sink,
                    steps: trace_steps(&trace),
                    function: self.fn_name.to_string(),
                    through_unknown: label.unknown || unknown,
                    entry: self.entry.map(|e| e.registration.clone()),
                });
            }
            origin => {
                let id = match origin {
                    Origin::Param(i) => format!("p{i}"),
                    Origin::Captured(c) => format!("c{c}"),
                    Origin::Source(_) => return,
                };
                if !self.seen_summary_sinks.insert((id, span.start_byte, class)) {
                    return;
                }
                self.summary.sinks.push(SummarySink {
                    origin: origin.clone(),
                    class,
                    unknown: label.unknown || unknown,
                    trace,
                    sink,
                    function: self.fn_name.clone(),
                });
            }
        }
    }

    /// A new source label read at `span`.
    fn source_label(&self, kind: rampart_models::SourceKind, span: Span) -> Label {
        let location = self.loc(span);
        let description = self.snippet(span);
        let trace = push_step(
            &None,
            location.clone(),
            format!("`{description}` is untrusted {} input", kind.as_str()),
        );
        Label {
            origin: Origin::Source(Arc::new(SourceInfo {
                kind,
                description,
                location,
            })),
            sanitized: 0,
            normalized: false,
            unknown: false,
            trace,
        }
    }

    /// `request.args` read, then `request.args["name"]`: the source is described by the
    /// longer expression.
    fn widen_sources(&self, t: &mut Taint, span: Span) {
        for l in &mut t.0 {
            let Origin::Source(info) = &l.origin else {
                continue;
            };
            let fresh = l
                .trace
                .as_ref()
                .is_some_and(|s| s.prev.is_none() && s.location == info.location);
            let s = info.location.span;
            if fresh && s.start_byte == span.start_byte && span.end_byte > s.end_byte {
                let fresh_label = self.source_label(info.kind, span);
                l.origin = fresh_label.origin;
                l.trace = fresh_label.trace;
            }
        }
    }

    fn assign_step(&self, dst: VarId, t: &mut Taint, span: Span) {
        if let Some(l) = self.func.locals.get(dst as usize) {
            if !l.name.starts_with('$') && !t.is_empty() {
                let loc = self.loc(span);
                t.step(&loc, &format!("assigned to `{}`", l.name));
            }
        }
    }

    fn transfer(&mut self, state: &mut State, kind: &InstKind, span: Span) -> Flow {
        match kind {
            InstKind::Assign { dst, src } => {
                let mut vt = self.var_taint(state, src);
                self.assign_step(*dst, &mut vt.own, span);
                state.set(*dst, vt);
            }
            InstKind::Global { dst, path } => {
                let mut t = Taint::default();
                if let Some(Sym::Path(p)) = self.sym_of(*dst) {
                    if let Some((kind, _)) = self.ctx.models.source(p) {
                        t.join(&Taint::single(self.source_label(kind, span)));
                    }
                }
                if let Some(c) = self.captured(path) {
                    t.join(&Taint::single(Label {
                        origin: Origin::Captured(c),
                        sanitized: 0,
                        normalized: false,
                        unknown: false,
                        trace: None,
                    }));
                }
                state.set_own(*dst, t);
            }
            InstKind::Load { dst, obj, field } => {
                let key = self.field_id(field);
                self.load(state, *dst, *obj, Some(key), span);
            }
            InstKind::LoadIndex { dst, obj, key } => {
                let key = self.const_key(key);
                self.load(state, *dst, *obj, key, span);
            }
            InstKind::Store { obj, field, src } => {
                let t = self.deep(state, src);
                self.property_sink(*obj, field, &t, span);
                let key = self.field_id(field);
                let mut vt = state.get(*obj).cloned().unwrap_or_default();
                vt.set_field(key, t);
                state.set(*obj, vt);
            }
            InstKind::StoreIndex { obj, key, src } => {
                let t = self.deep(state, src);
                let key = self.const_key(key);
                let mut vt = state.get(*obj).cloned().unwrap_or_default();
                match key {
                    Some(k) => vt.set_field(k, t),
                    None => {
                        vt.own.join(&t);
                    }
                }
                state.set(*obj, vt);
            }
            InstKind::Concat { dst, parts } => {
                let mut t = Taint::default();
                for p in parts {
                    t.join(&self.deep(state, p));
                }
                if let Some(prefix) = parts.first().and_then(|p| self.const_of(p)) {
                    t.sanitize(fixed_destination(prefix), false);
                }
                self.assign_step(*dst, &mut t, span);
                state.set_own(*dst, t);
            }
            InstKind::Call { dst, callee, args } => {
                return self.call(state, *dst, callee, args, span);
            }
            InstKind::New { dst, class, args } => {
                let path: Arc<str> = class.as_str().into();
                let cref = self.ctx.callee_path(class);
                let t = match cref {
                    CalleeRef::Project(f) => self.apply_summary(state, f, None, args, span),
                    _ => self.external_call(state, Some(&path), None, None, args, span),
                };
                self.set_with_fields(state, *dst, t);
            }
            InstKind::BinOp { dst, op, lhs, rhs } => {
                let t = match op {
                    BinOp::Add | BinOp::Mod | BinOp::And | BinOp::Or | BinOp::Other => {
                        let mut t = self.deep(state, lhs);
                        t.join(&self.deep(state, rhs));
                        t
                    }
                    _ => Taint::default(),
                };
                state.set_own(*dst, t);
            }
            InstKind::UnOp { dst, op, operand } => match op {
                UnOp::Other => {
                    let vt = self.var_taint(state, operand);
                    state.set(*dst, vt);
                }
                _ => state.set_own(*dst, Taint::default()),
            },
            InstKind::MakeList { dst, items } => {
                // Array initializers of the typed languages keep taint per index, so `parts[0]`
                // of `{"a", param}` is clean; reads at an unknown index still join them all.
                let per_index = matches!(
                    self.ctx.program.module(self.ctx.module).language,
                    Language::Java | Language::CSharp | Language::Go
                );
                if per_index {
                    let mut vt = VarTaint::default();
                    for (i, item) in items.iter().enumerate() {
                        let t = self.deep(state, item);
                        if !t.is_empty() {
                            let id = self.field_id(&i.to_string());
                            vt.set_field(id, t);
                        }
                    }
                    state.set(*dst, vt);
                } else {
                    let mut t = Taint::default();
                    for i in items {
                        t.join(&self.deep(state, i));
                    }
                    state.set_own(*dst, t);
                }
            }
            InstKind::MakeMap { dst, entries } => {
                let mut vt = VarTaint::default();
                for (k, v) in entries {
                    let t = self.deep(state, v);
                    match k {
                        Some(k) => {
                            self.property_sink_key(k, &t, span);
                            let id = self.field_id(k);
                            vt.set_field(id, t);
                        }
                        None => {
                            vt.own.join(&t);
                        }
                    }
                }
                state.set(*dst, vt);
            }
            InstKind::FuncRef { dst, func } => {
                self.closure_created(state, (self.ctx.module, *func), span);
                state.set_own(*dst, Taint::default());
            }
            InstKind::Convert { dst, ty, src } => {
                if kills_taint(ty) {
                    state.set_own(*dst, Taint::default());
                } else {
                    let vt = self.var_taint(state, src);
                    state.set(*dst, vt);
                }
            }
            InstKind::Unknown { dst, operands } => {
                let mut t = Taint::default();
                for o in operands {
                    t.join(&self.deep(state, o));
                }
                state.set_own(*dst, t);
            }
        }
        Flow::Continue
    }

    /// The enclosing function's variable a global path names, when this is a closure.
    fn captured(&self, path: &str) -> Option<Arc<str>> {
        let mut parent = self.func.parent;
        let module = self.module;
        for _ in 0..8 {
            let p = module.functions.get(parent? as usize)?;
            if let Some(rest) = path.strip_prefix(p.qualified_name.as_str()) {
                if rest.starts_with('.') && !rest[1..].contains('.') {
                    return Some(path.into());
                }
            }
            parent = p.parent;
        }
        None
    }

    fn const_key(&mut self, key: &Operand) -> Option<u32> {
        let text = match self.const_of(key)? {
            Const::Str(s) => s.clone(),
            Const::Int(i) => i.to_string(),
            _ => return None,
        };
        Some(self.field_id(&text))
    }

    fn load(&mut self, state: &mut State, dst: VarId, obj: VarId, key: Option<u32>, span: Span) {
        let mut out = VarTaint::default();
        if let Some(o) = state.get(obj) {
            out.own = o.own.clone();
            match key {
                Some(k) => {
                    if let Some(f) = o.field(k) {
                        out.own.join(f);
                    }
                }
                None => {
                    for (_, f) in &o.fields {
                        out.own.join(f);
                    }
                }
            }
        }
        if let Some(Sym::Path(p)) = self.sym_of(dst) {
            if let Some((kind, _)) = self.ctx.models.source(p) {
                if !out
                    .own
                    .0
                    .iter()
                    .any(|l| matches!(l.origin, Origin::Source(_)))
                {
                    out.own.join(&Taint::single(self.source_label(kind, span)));
                }
            }
        }
        self.widen_sources(&mut out.own, span);
        if !state.guarded.is_empty() && !out.own.is_empty() {
            if let Some(p) = self.access_path(dst) {
                for (g, classes) in &state.guarded {
                    if **g == *p {
                        out.own.sanitize(*classes, false);
                    }
                }
            }
        }
        state.set(dst, out);
    }

    /// The access path a variable was read from: `req.query.sort`, `flask.request.args.sort`
    /// (roots are named variables, parameters or globals).
    fn access_path(&self, v: VarId) -> Option<String> {
        let mut fields: Vec<&str> = Vec::new();
        let mut cur = v;
        for _ in 0..4 {
            match self.def_kind(cur) {
                Some(InstKind::Load { obj, field, .. }) => {
                    fields.push(field);
                    cur = *obj;
                }
                Some(InstKind::LoadIndex {
                    obj,
                    key: Operand::Const(Const::Str(k)),
                    ..
                }) => {
                    fields.push(k);
                    cur = *obj;
                }
                _ => break,
            }
        }
        if fields.is_empty() {
            return None;
        }
        let root = match self.def_kind(cur) {
            Some(InstKind::Global { path, .. }) => format!("global {path}"),
            _ => {
                let name = &self.func.locals.get(cur as usize)?.name;
                if name.starts_with('$') {
                    return None;
                }
                format!("{name}#{cur}")
            }
        };
        fields.reverse();
        Some(format!("{root}.{}", fields.join(".")))
    }

    fn property_sink(&mut self, obj: VarId, field: &str, t: &Taint, span: Span) {
        if t.is_empty() {
            return;
        }
        let models = self.ctx.models;
        let mut sinks: Vec<&SinkModel> = Vec::new();
        if let Some(Sym::Path(p)) = self.sym_of(obj) {
            sinks.extend(
                models
                    .sinks(&format!("{p}.{field}"))
                    .iter()
                    .filter(|s| s.property),
            );
        }
        if sinks.is_empty() {
            sinks.extend(models.wildcard_sinks(field).iter().filter(|s| s.property));
        }
        let text = self.snippet(span);
        let callee = text
            .split_once('=')
            .map(|(l, _)| l.trim().to_string())
            .unwrap_or(text);
        for s in sinks {
            for l in t.0.clone() {
                self.hit(&l, s.class, span, callee.clone(), false);
            }
        }
    }

    /// `{ dangerouslySetInnerHTML: { __html: x } }`.
    fn property_sink_key(&mut self, key: &str, t: &Taint, span: Span) {
        if t.is_empty() {
            return;
        }
        let sinks: Vec<VulnClass> = self
            .ctx
            .models
            .wildcard_sinks(key)
            .iter()
            .filter(|s| s.property)
            .map(|s| s.class)
            .collect();
        for class in sinks {
            for l in t.0.clone() {
                self.hit(&l, class, span, key.to_string(), false);
            }
        }
    }

    /// A closure is created here: its captured variables' sinks are this function's.
    fn closure_created(&mut self, state: &State, closure: FuncKey, span: Span) {
        let Some(summary) = self.summaries.get(closure) else {
            return;
        };
        let sinks = summary.sinks.clone();
        for s in sinks {
            let Origin::Captured(path) = &s.origin else {
                continue;
            };
            let Some((owner, name)) = path.rsplit_once('.') else {
                continue;
            };
            if owner != self.func.qualified_name {
                // Captured from further out: this function passes it on.
                let label = Label {
                    origin: s.origin.clone(),
                    sanitized: 0,
                    normalized: false,
                    unknown: s.unknown,
                    trace: None,
                };
                self.summary_sink_through(&label, &s, span);
                continue;
            }
            let Some(&v) = self.local_by_name.get(name) else {
                continue;
            };
            let t = state.deep(v);
            for l in &t.0 {
                self.summary_sink_through(l, &s, span);
            }
        }
    }

    /// A label flows into a callee's summarized sink.
    fn summary_sink_through(&mut self, label: &Label, s: &SummarySink, span: Span) {
        if label.sanitized & s.class.bit() != 0 {
            return;
        }
        let loc = self.loc(span);
        let head = push_step(
            &label.trace,
            loc,
            format!("flows into `{}`", short_name(&s.function)),
        );
        let trace = append_trace(&head, &s.trace);
        let unknown = label.unknown || s.unknown;
        match &label.origin {
            Origin::Source(info) => {
                let key = (
                    s.sink.location.span.start_byte,
                    s.sink.location.span.end_byte,
                    s.class,
                    Arc::as_ptr(info) as usize,
                );
                if !self.seen.insert(key) {
                    return;
                }
                self.flows.push(TaintFlow {
                    class: s.class,
                    source: FlowSource {
                        kind: info.kind,
                        description: info.description.clone(),
                        location: info.location.clone(),
                    },
                    sink: s.sink.clone(),
                    steps: trace_steps(&trace),
                    function: s.function.to_string(),
                    through_unknown: unknown,
                    entry: self.entry.map(|e| e.registration.clone()),
                });
            }
            origin => {
                let id = match origin {
                    Origin::Param(i) => format!("p{i}"),
                    Origin::Captured(c) => format!("c{c}"),
                    Origin::Source(_) => return,
                };
                if !self
                    .seen_summary_sinks
                    .insert((id, s.sink.location.span.start_byte, s.class))
                {
                    return;
                }
                self.summary.sinks.push(SummarySink {
                    origin: origin.clone(),
                    class: s.class,
                    unknown,
                    trace,
                    sink: s.sink.clone(),
                    function: s.function.clone(),
                });
            }
        }
    }

    fn call(
        &mut self,
        state: &mut State,
        dst: Option<VarId>,
        callee: &Callee,
        args: &[Arg],
        span: Span,
    ) -> Flow {
        let cref = resolve_callee(self.ctx, callee, &self.facts.syms);
        let (receiver, name) = match callee {
            Callee::Method { receiver, name } => (Some(*receiver), Some(name.as_str())),
            _ => (None, None),
        };
        let result = match &cref {
            CalleeRef::Project(f) => self.apply_summary(state, *f, receiver, args, span),
            CalleeRef::Dispatch(fs) => {
                // Any implementation may run: the result is the join of theirs, and each one's
                // sinks are reported only through its own summary.
                let mut t = Taint::default();
                for f in fs.iter() {
                    t.join(&self.apply_summary(state, *f, receiver, args, span));
                }
                t
            }
            CalleeRef::External(p) => {
                if self.ctx.models.is_noreturn(p) {
                    return Flow::Dead;
                }
                let p = p.clone();
                self.external_call(state, Some(&p), receiver, name, args, span)
            }
            CalleeRef::UnknownMethod | CalleeRef::Unknown => {
                self.external_call(state, None, receiver, name, args, span)
            }
        };
        if let Some(d) = dst {
            let mut t = result;
            self.widen_sources(&mut t, span);
            self.assign_step(d, &mut t, span);
            self.set_with_fields(state, d, t);
        }
        self.pending_fields.clear();
        Flow::Continue
    }

    /// Sets a call's result, with the fields its constructor stored.
    fn set_with_fields(&mut self, state: &mut State, dst: VarId, t: Taint) {
        let mut vt = VarTaint {
            own: t,
            fields: Default::default(),
        };
        for (name, ft) in std::mem::take(&mut self.pending_fields) {
            let id = self.field_id(&name);
            vt.set_field(id, ft);
        }
        state.set(dst, vt);
    }

    /// The text of a call's callee: `cursor.execute` for `cursor.execute(q, args)`.
    fn callee_text(&self, span: Span, fallback: &str) -> String {
        let text = self.module.snippet(span).trim();
        let head = strip_call_args(text);
        let head: String = head.split_whitespace().collect::<Vec<_>>().join(" ");
        let head = head.strip_prefix("await ").unwrap_or(&head);
        let head = head.strip_prefix("new ").unwrap_or(head).trim();
        if head.is_empty() || head.len() > 80 || head.contains('\n') {
            fallback.to_string()
        } else {
            head.to_string()
        }
    }

    fn external_call(
        &mut self,
        state: &mut State,
        path: Option<&Arc<str>>,
        receiver: Option<VarId>,
        name: Option<&str>,
        args: &[Arg],
        span: Span,
    ) -> Taint {
        let models = self.ctx.models;
        let arg_taints: Vec<Taint> = args.iter().map(|a| self.deep(state, &a.value)).collect();
        let recv_taint = receiver.map(|r| state.deep(r)).unwrap_or_default();

        // Sinks: the exact path first, `*.name` for receivers of unknown type.
        let mut sinks: &[SinkModel] = path.map(|p| models.sinks(p)).unwrap_or(&[]);
        let mut wildcard_on_input = false;
        if sinks.is_empty() {
            if let Some(n) = name {
                // A string receiver (`text.find(q)`) is not a database, logger or DOM node, and
                // request data (an uploaded file's `save`) is no database either.
                let recv_is_source = receiver
                    .and_then(|r| self.sym_of(r))
                    .is_some_and(|s| matches!(s, Sym::Path(p) if models.source(p).is_some()));
                let recv_is_string = receiver.is_some_and(|r| {
                    matches!(self.facts.consts.get(r as usize), Some(Some(Const::Str(_))))
                        || matches!(self.def_kind(r), Some(InstKind::Concat { .. }))
                });
                let recv_is_input = recv_is_source
                    || recv_taint.0.iter().any(
                        |l| matches!(&l.origin, Origin::Source(i) if i.kind == SourceKind::Remote),
                    );
                if !recv_is_string {
                    sinks = models.wildcard_sinks(n);
                }
                if recv_is_input {
                    wildcard_on_input = true;
                }
            }
        }
        let program = self.ctx.program;
        let sinks: Vec<&SinkModel> = sinks
            .iter()
            .filter(|s| !s.property)
            .filter(|s| {
                s.when_imported.is_empty()
                    || s.when_imported.iter().any(|m| program.imports_module(m))
            })
            .filter(|s| {
                !wildcard_on_input
                    || !matches!(
                        s.class,
                        VulnClass::Sql | VulnClass::Nosql | VulnClass::Ldap | VulnClass::Xpath
                    )
            })
            .collect();
        let is_sink = !sinks.is_empty();
        // Queries, requests and commands return what the database, server or process produced,
        // not the input; path builders, markup wrappers and parsers return the input, changed.
        let result_is_new_data = sinks.iter().any(|s| {
            matches!(
                s.class,
                VulnClass::Sql
                    | VulnClass::Nosql
                    | VulnClass::Ssrf
                    | VulnClass::Command
                    | VulnClass::Ldap
                    | VulnClass::Xpath
            )
            // `Path(p).read_text()` returns the file's content; `new File(dir, p)` still is the path.
        }) || sinks
            .iter()
            .any(|s| s.receiver && s.class == VulnClass::Path);
        if is_sink {
            let text = self.callee_text(span, path.map(|p| p.as_ref()).or(name).unwrap_or("?"));
            for s in sinks {
                if !self.sink_applies(s, args) {
                    continue;
                }
                if s.class == VulnClass::Xss && self.non_html_response(receiver) {
                    continue;
                }
                if s.receiver {
                    for l in recv_taint.0.clone() {
                        self.hit(&l, s.class, span, text.clone(), false);
                    }
                }
                for (i, a) in args.iter().enumerate() {
                    // Objects and arrays sent as a response are serialized as JSON.
                    if s.class == VulnClass::Xss && self.is_literal_container(&a.value) {
                        continue;
                    }
                    let option_keys = self.map_has_key(&a.value, &s.keywords);
                    // A query config object (`{ text, values }`): only the named keys matter.
                    let dangerous = self.arg_is_dangerous(s, args, i) && !option_keys;
                    if dangerous {
                        for l in arg_taints[i].0.clone() {
                            self.hit(&l, s.class, span, text.clone(), false);
                        }
                    } else if option_keys {
                        if let Operand::Var(v) = a.value {
                            for k in &s.keywords {
                                let id = self.field_id(k);
                                let t = state.get(v).and_then(|x| x.field(id).cloned());
                                for l in t.unwrap_or_default().0 {
                                    self.hit(&l, s.class, span, text.clone(), false);
                                }
                            }
                        }
                    }
                }
            }
        }

        self.callbacks_of_tainted(
            path.map(|p| p.as_ref()),
            name,
            args,
            &arg_taints,
            &recv_taint,
            span,
        );
        let mut sanitizer = path.and_then(|p| models.sanitizer(p));
        if sanitizer.is_none() {
            sanitizer = name.and_then(|n| models.wildcard_sanitizer(n));
        }
        let mut props = path.map(|p| models.propagators(p)).unwrap_or(&[]);
        if props.is_empty() {
            if let Some(n) = name {
                props = models.wildcard_propagators(n);
            }
        }

        let mut result = Taint::default();
        let mut default_return = true;
        for p in props {
            let mut from = Taint::default();
            match p.from {
                None => {
                    for t in &arg_taints {
                        from.join(t);
                    }
                    from.join(&recv_taint);
                }
                Some(FromSpec::Named(FromNamed::Args)) => {
                    for t in &arg_taints {
                        from.join(t);
                    }
                }
                Some(FromSpec::Named(FromNamed::Receiver)) => {
                    from.join(&recv_taint);
                }
                Some(FromSpec::Arg(i)) => {
                    if let Some(idx) = positional_index(args, i as usize) {
                        from.join(&arg_taints[idx]);
                    }
                }
            }
            match p.to {
                ToSpec::Return => {
                    default_return = false;
                    result.join(&from);
                }
                ToSpec::Receiver => {
                    if let Some(r) = receiver {
                        if !from.is_empty() {
                            let mut vt = state.get(r).cloned().unwrap_or_default();
                            vt.own.join(&from);
                            state.set(r, vt);
                        }
                    }
                }
            }
        }
        // `User.findById(id)`, `cache.get(key)`: a lookup on a clean object returns stored
        // data, not its key.
        let lookup = receiver.is_some()
            && recv_taint.is_empty()
            && name.is_some_and(|n| {
                ["find", "get", "fetch", "select", "count", "exists", "has"]
                    .iter()
                    .any(|p| n.starts_with(p))
            });
        if default_return && !result_is_new_data && !lookup {
            for t in &arg_taints {
                result.join(t);
            }
            result.join(&recv_taint);
        }
        if let Some(s) = sanitizer {
            result.sanitize(s.classes, s.normalizes);
        }

        if let Some(p) = path {
            if let Some((kind, _)) = models.source(p) {
                if !result
                    .0
                    .iter()
                    .any(|l| matches!(l.origin, Origin::Source(_)))
                {
                    result.join(&Taint::single(self.source_label(kind, span)));
                }
            }
        }
        // `request.args.get("id", type=int)`: the call converts its result.
        let converts = args.iter().any(|a| {
            a.keyword.as_deref() == Some("type")
                && matches!(&a.value, Operand::Var(v) if matches!(
                    self.sym_of(*v),
                    Some(Sym::Path(p)) if kills_taint(p)
                ))
        });
        if converts {
            result = Taint::default();
        }
        result
    }

    fn is_literal_container(&self, o: &Operand) -> bool {
        let Operand::Var(v) = o else { return false };
        matches!(
            self.def_kind(*v),
            Some(InstKind::MakeMap { .. }) | Some(InstKind::MakeList { .. })
        )
    }

    /// `res.type("text/plain").send(x)`: a response whose declared content type is not HTML.
    fn non_html_response(&self, receiver: Option<VarId>) -> bool {
        let Some(r) = receiver else { return false };
        match self.def_kind(r) {
            Some(InstKind::Call {
                callee: Callee::Method { name, .. },
                args,
                ..
            }) if matches!(name.as_str(), "type" | "contentType") => {
                matches!(
                    args.first().and_then(|a| self.const_of(&a.value)),
                    Some(Const::Str(t)) if !t.contains("html")
                )
            }
            _ => false,
        }
    }

    /// A callback handed to an iteration or promise method of a tainted receiver
    /// (`ids.forEach(id => ...)`, `fetchUser().then(u => ...)`) receives the receiver's data as
    /// its first parameter.
    fn callbacks_of_tainted(
        &mut self,
        path: Option<&str>,
        name: Option<&str>,
        args: &[Arg],
        arg_taints: &[Taint],
        recv: &Taint,
        span: Span,
    ) {
        // Python's `map(f, xs)` / `filter(f, xs)`: the function gets the other arguments' items.
        if matches!(path, Some("map" | "filter")) {
            let mut items = Taint::default();
            for (a, t) in args.iter().zip(arg_taints) {
                let is_func = matches!(a.value, Operand::Var(v) if matches!(self.sym_of(v), Some(Sym::Func(_))));
                if !is_func {
                    items.join(t);
                }
            }
            if !items.is_empty() {
                return self.callbacks_of_tainted(None, Some("map"), args, &[], &items, span);
            }
            return;
        }
        let iterates = matches!(
            name,
            Some(
                "map"
                    | "forEach"
                    | "filter"
                    | "flatMap"
                    | "some"
                    | "every"
                    | "find"
                    | "then"
                    | "each"
            )
        );
        if !iterates || recv.is_empty() {
            return;
        }
        for a in args {
            let Operand::Var(v) = a.value else { continue };
            let Some(Sym::Func(f)) = self.sym_of(v).cloned() else {
                continue;
            };
            let Some(summary) = self.summaries.get(f) else {
                continue;
            };
            let first = self
                .ctx
                .program
                .function(f)
                .and_then(|cf| cf.params.iter().position(|p| p.kind != ParamKind::Receiver));
            let Some(first) = first else { continue };
            for s in summary.sinks.clone() {
                if matches!(s.origin, Origin::Param(i) if i as usize == first) {
                    for l in recv.0.clone() {
                        self.summary_sink_through(&l, &s, span);
                    }
                }
            }
        }
    }

    /// Whether an argument is an object literal with one of `keys` (a query config object
    /// like `{ text, values }`).
    fn map_has_key(&self, o: &Operand, keys: &[String]) -> bool {
        let Operand::Var(v) = o else { return false };
        match self.def_kind(*v) {
            Some(InstKind::MakeMap { entries, .. }) => entries
                .iter()
                .any(|(k, _)| k.as_ref().is_some_and(|k| keys.contains(k))),
            _ => false,
        }
    }

    fn def_kind(&self, v: VarId) -> Option<&'m InstKind> {
        let (b, i) = self.facts.def.get(v as usize).copied().flatten()?;
        self.func
            .blocks
            .get(b as usize)?
            .insts
            .get(i as usize)
            .map(|x| &x.kind)
    }

    /// A keyword argument (or options-object key) and its constant value, if constant.
    fn keyword_value<'o>(&'o self, args: &'o [Arg], name: &str) -> Option<KwValue<'o>> {
        for a in args {
            if a.keyword.as_deref() == Some(name) {
                return Some(self.kw_value(&a.value));
            }
        }
        for a in args {
            let Operand::Var(v) = a.value else { continue };
            if let Some(InstKind::MakeMap { entries, .. }) = self.def_kind(v) {
                for (k, val) in entries {
                    if k.as_deref() == Some(name) {
                        return Some(self.kw_value(val));
                    }
                }
            }
        }
        None
    }

    fn kw_value<'o>(&'o self, o: &'o Operand) -> KwValue<'o> {
        if let Some(c) = self.const_of(o) {
            return KwValue::Const(c);
        }
        match o {
            Operand::Var(v) => match self.sym_of(*v) {
                Some(Sym::Path(p)) => KwValue::Path(p),
                _ => KwValue::Other,
            },
            Operand::Const(_) => KwValue::Other,
        }
    }

    fn sink_applies(&self, s: &SinkModel, args: &[Arg]) -> bool {
        if let Some(k) = &s.requires_keyword {
            match self.keyword_value(args, k) {
                Some(KwValue::Const(c)) if truthy(c) => {}
                // A non-constant flag may be true.
                Some(KwValue::Path(_)) | Some(KwValue::Other) => {}
                _ => return false,
            }
        }
        if let Some(i) = s.content_type_arg {
            let given = args
                .iter()
                .filter(|a| a.keyword.is_none())
                .nth(i as usize)
                .or_else(|| {
                    args.iter()
                        .find(|a| a.keyword.as_deref() == Some("contentType"))
                })
                .map(|a| self.kw_value(&a.value));
            let markup = |t: &str| {
                let t = t.to_ascii_lowercase();
                t.contains("html") || t.contains("xml") || t.contains("svg")
            };
            match given {
                None => return false,
                Some(KwValue::Const(Const::Str(t))) if !markup(t) => return false,
                Some(KwValue::Path(p)) if !markup(p) => return false,
                _ => {}
            }
        }
        if let Some(safe) = &s.safe_keyword {
            let is_safe = match self.keyword_value(args, &safe.name) {
                Some(KwValue::Path(p)) => safe
                    .values
                    .iter()
                    .any(|v| *v == *p || p.ends_with(&format!(".{v}"))),
                Some(KwValue::Const(Const::Str(s))) => safe.values.iter().any(|v| v == s),
                _ => false,
            };
            if is_safe {
                return false;
            }
        }
        true
    }

    fn arg_is_dangerous(&self, s: &SinkModel, args: &[Arg], i: usize) -> bool {
        let a = &args[i];
        if s.args.is_empty() && s.keywords.is_empty() {
            // A receiver sink with no dangerous argument named: only the receiver.
            return !s.receiver;
        }
        match &a.keyword {
            Some(k) => s.keywords.iter().any(|x| x == k),
            None => {
                let pos = args[..i].iter().filter(|x| x.keyword.is_none()).count() as u32;
                let spread_before = args[..i].iter().any(|x| x.spread);
                a.spread || spread_before || s.args.contains(&pos)
            }
        }
    }

    /// Applies a project function's summary at a call.
    fn apply_summary(
        &mut self,
        state: &mut State,
        f: FuncKey,
        receiver: Option<VarId>,
        args: &[Arg],
        span: Span,
    ) -> Taint {
        let Some(callee) = self.ctx.program.function(f) else {
            return Taint::default();
        };
        // A getter (`return this.name;`) yields that field of the receiver, not every field:
        // `u.getRole()` stays clean after `u.setName(input)`.
        if let (Some(r), Some(field)) = (receiver, getter_field(callee)) {
            let id = self.field_id(field);
            let Some(vt) = state.get(r) else {
                return Taint::default();
            };
            let mut t = vt.own.clone();
            if let Some(ft) = vt.field(id) {
                t.join(ft);
            }
            return t;
        }
        let param_taint = bind_params(callee, receiver, args, state, |st, o| self.deep(st, o));
        let Some(summary) = self.summaries.get(f) else {
            // Not summarized yet (recursion): the result depends on the arguments.
            let mut t = Taint::default();
            for pt in &param_taint {
                t.join(pt);
            }
            for l in &mut t.0 {
                l.unknown = true;
            }
            return t;
        };
        let loc = self.loc(span);
        let fname = short_name(&callee.qualified_name).to_string();
        let sinks = summary.sinks.clone();
        for s in &sinks {
            match &s.origin {
                Origin::Param(i) => {
                    let Some(t) = param_taint.get(*i as usize) else {
                        continue;
                    };
                    for l in t.0.clone() {
                        self.summary_sink_through(&l, s, span);
                    }
                }
                Origin::Captured(c) => {
                    // A closure called directly by its parent: the parent's variable.
                    if let Some((owner, name)) = c.rsplit_once('.') {
                        if owner == self.func.qualified_name {
                            if let Some(&v) = self.local_by_name.get(name) {
                                let t = state.deep(v);
                                for l in &t.0 {
                                    self.summary_sink_through(l, s, span);
                                }
                            }
                            continue;
                        }
                    }
                    let label = Label {
                        origin: s.origin.clone(),
                        sanitized: 0,
                        normalized: false,
                        unknown: s.unknown,
                        trace: None,
                    };
                    self.summary_sink_through(&label, s, span);
                }
                Origin::Source(_) => {}
            }
        }
        let mut result = Taint::default();
        for r in &summary.ret.0 {
            match &r.origin {
                Origin::Param(i) => {
                    let Some(t) = param_taint.get(*i as usize) else {
                        continue;
                    };
                    for l in &t.0 {
                        let head = push_step(&l.trace, loc.clone(), format!("passed to `{fname}`"));
                        let mut trace = append_trace(&head, &r.trace);
                        trace = push_step(&trace, loc.clone(), format!("returned from `{fname}`"));
                        result.join(&Taint::single(Label {
                            origin: l.origin.clone(),
                            sanitized: l.sanitized | r.sanitized,
                            normalized: l.normalized || r.normalized,
                            unknown: l.unknown || r.unknown,
                            trace,
                        }));
                    }
                }
                Origin::Source(_) => {
                    let trace =
                        push_step(&r.trace, loc.clone(), format!("returned from `{fname}`"));
                    result.join(&Taint::single(Label { trace, ..r.clone() }));
                }
                Origin::Captured(_) => {}
            }
        }
        // Fields the callee stored on its parameters: on the receiver for a method, on the
        // new object for a constructor.
        for (i, name, ft) in &summary.fields {
            let mut moved = Taint::default();
            for l in &ft.0 {
                match &l.origin {
                    Origin::Param(j) => {
                        if let Some(t) = param_taint.get(*j as usize) {
                            for pl in &t.0 {
                                moved.join(&Taint::single(Label {
                                    origin: pl.origin.clone(),
                                    sanitized: pl.sanitized | l.sanitized,
                                    normalized: pl.normalized || l.normalized,
                                    unknown: pl.unknown || l.unknown,
                                    trace: append_trace(&pl.trace, &l.trace),
                                }));
                            }
                        }
                    }
                    Origin::Source(_) => {
                        moved.join(&Taint::single(l.clone()));
                    }
                    Origin::Captured(_) => {}
                }
            }
            if moved.is_empty() {
                continue;
            }
            let is_receiver = callee
                .params
                .get(*i as usize)
                .is_some_and(|p| p.kind == ParamKind::Receiver);
            match (is_receiver, receiver) {
                (true, Some(r)) => {
                    let id = self.field_id(name);
                    let mut vt = state.get(r).cloned().unwrap_or_default();
                    let mut cur = vt.field(id).cloned().unwrap_or_default();
                    cur.join(&moved);
                    vt.set_field(id, cur);
                    state.set(r, vt);
                }
                (true, None) if callee.is_constructor || callee.name == "__init__" => {
                    self.pending_fields.push((name.clone(), moved));
                }
                _ => {}
            }
        }
        result
    }
}

/// Names of functions that validate their arguments.
fn validating_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "safe",
        "valid",
        "allowed",
        "permitted",
        "allowlist",
        "whitelist",
        "verify",
        "check",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// What a guard proves on one branch: (variable, classes made safe, only if normalized).
type Refinements = Vec<(VarId, u16, bool)>;

enum KwValue<'a> {
    Const(&'a Const),
    Path(&'a str),
    Other,
}

fn short_name(q: &str) -> &str {
    q.rsplit(['.', '/']).next().unwrap_or(q)
}

/// `db.pool.promise().query(sql)` without its trailing argument list: `db.pool.promise().query`.
fn strip_call_args(text: &str) -> &str {
    if !text.ends_with(')') {
        return text.split('(').next().unwrap_or(text);
    }
    let mut depth = 0i32;
    for (i, c) in text.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return text[..i].trim_end_matches(['?', '.', '!']).trim_end();
                }
            }
            _ => {}
        }
    }
    text
}

/// A string that starts with a constant scheme and host (`https://api.example.com/...`) or a
/// local path (`/users/...`) fixes where a request or redirect goes, whatever follows.
fn fixed_destination(prefix: &Const) -> u16 {
    let Const::Str(p) = prefix else { return 0 };
    let fixed_host = p.split_once("://").is_some_and(|(scheme, rest)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+')
            && rest
                .find(['/', '?', '#'])
                .is_some_and(|i| i > 0 && !rest[..i].contains(['@', '{']))
    });
    // `/` alone is not enough: `"/" + next` with `next = "/evil.example"` leaves the site.
    let local_path =
        p.len() > 1 && p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/\\");
    if fixed_host {
        VulnClass::Ssrf.bit() | VulnClass::Redirect.bit()
    } else if local_path {
        VulnClass::Redirect.bit()
    } else {
        0
    }
}

/// Marks a variable's taint safe for `classes`.
fn sanitize_var(vt: &mut VarTaint, classes: u16, needs_normalized: bool) {
    let apply = |t: &mut Taint| {
        for l in &mut t.0 {
            if !needs_normalized || l.normalized {
                l.sanitized |= classes;
            }
        }
    };
    apply(&mut vt.own);
    for (_, t) in &mut vt.fields {
        apply(t);
    }
}

/// The `n`th positional argument.
fn positional(args: &[Arg], n: usize) -> Option<&Arg> {
    args.iter().filter(|a| a.keyword.is_none()).nth(n)
}

fn positional_index(args: &[Arg], n: usize) -> Option<usize> {
    args.iter()
        .enumerate()
        .filter(|(_, a)| a.keyword.is_none())
        .nth(n)
        .map(|(i, _)| i)
}

/// The taint each parameter of `callee` receives at a call.
fn bind_params(
    callee: &Function,
    receiver: Option<VarId>,
    args: &[Arg],
    state: &State,
    deep: impl Fn(&State, &Operand) -> Taint,
) -> Vec<Taint> {
    let mut out = vec![Taint::default(); callee.params.len()];
    let mut slots: Vec<usize> = Vec::new();
    for (i, p) in callee.params.iter().enumerate() {
        match p.kind {
            ParamKind::Receiver => {
                if let Some(r) = receiver {
                    out[i] = state.deep(r);
                }
            }
            ParamKind::Normal | ParamKind::Rest => slots.push(i),
            _ => {}
        }
    }
    let mut next = 0usize;
    for a in args {
        let t = deep(state, &a.value);
        if t.is_empty() {
            if a.keyword.is_none() {
                next += 1;
            }
            continue;
        }
        if let Some(k) = &a.keyword {
            let idx = callee.params.iter().position(|p| p.name == *k).or_else(|| {
                callee
                    .params
                    .iter()
                    .position(|p| p.kind == ParamKind::KeywordRest)
            });
            if let Some(i) = idx {
                out[i].join(&t);
            }
            continue;
        }
        if a.spread {
            for &s in &slots[next.min(slots.len())..] {
                out[s].join(&t);
            }
            // `f(**request.args)`: keyword parameters too.
            for (i, p) in callee.params.iter().enumerate() {
                if matches!(p.kind, ParamKind::KeywordRest | ParamKind::KeywordOnly) {
                    out[i].join(&t);
                }
            }
            continue;
        }
        match slots.get(next) {
            Some(&s) => {
                out[s].join(&t);
                if callee.params[s].kind != ParamKind::Rest {
                    next += 1;
                }
            }
            None => {
                if let Some(&s) = slots.last() {
                    if callee.params[s].kind == ParamKind::Rest {
                        out[s].join(&t);
                    }
                }
            }
        }
    }
    out
}

/// Declared types of bound parameters that hold request text (`@RequestParam String name`,
/// `List<String> ids`), unlike framework objects (`HttpServletRequest`) whose reads are sources
/// of their own.
fn carries_text(ty: &str) -> bool {
    let base = ty.split(['<', '[']).next().unwrap_or(ty);
    if matches!(
        base,
        "java.lang.String"
            | "java.lang.CharSequence"
            | "java.lang.Object"
            | "System.String"
            | "System.Object"
            | "Microsoft.Extensions.Primitives.StringValues"
    ) {
        return true;
    }
    scalar_collection(ty) == Some(false)
}

/// For a collection type: whether every element type is a typed scalar (`List<int>`,
/// `ISet<Guid>`); `None` for other types.
fn scalar_collection(ty: &str) -> Option<bool> {
    let base = ty.split(['<', '[']).next().unwrap_or(ty).trim();
    let last = base.rsplit('.').next().unwrap_or(base);
    let known = (base.starts_with("java.util.")
        && matches!(last, "List" | "Set" | "Collection" | "Map" | "Optional"))
        || ((base.starts_with("System.Collections.Generic.") || !base.contains('.'))
            && matches!(
                last,
                "List"
                    | "IList"
                    | "IEnumerable"
                    | "ICollection"
                    | "IReadOnlyList"
                    | "IReadOnlyCollection"
                    | "HashSet"
                    | "ISet"
                    | "Dictionary"
                    | "IDictionary"
                    | "IReadOnlyDictionary"
            ));
    if !known {
        return None;
    }
    Some(match (ty.find('<'), ty.rfind('>')) {
        (Some(open), Some(close)) if open < close => ty[open + 1..close]
            .split(',')
            .all(|arg| is_safe_scalar_type(arg.trim())),
        _ => false,
    })
}

/// A parameter the framework fills from its service container: `[FromServices]` (ASP.NET
/// Core), `@Autowired` on a handler parameter.
fn injected_service(p: &rampart_ir::Param) -> bool {
    p.decorators.iter().any(|d| {
        let last = d.name.rsplit('.').next().unwrap_or(&d.name);
        matches!(
            last,
            "FromServices" | "FromServicesAttribute" | "FromKeyedServices" | "Autowired"
        )
    })
}

/// Library base types whose project subclasses are services rather than request data.
fn is_service_base(base: &str) -> bool {
    let last = base.split('<').next().unwrap_or(base);
    let last = last.rsplit('.').next().unwrap_or(last);
    matches!(
        last,
        "DbContext"
            | "IdentityDbContext"
            | "ILogger"
            | "IConfiguration"
            | "HttpClient"
            | "IHostEnvironment"
            | "IWebHostEnvironment"
            | "IMemoryCache"
            | "IDistributedCache"
    )
}

/// The field a method only reads from its receiver and returns: `getName() { return name; }`.
fn getter_field(func: &Function) -> Option<&str> {
    let this = func
        .params
        .iter()
        .find(|p| p.kind == ParamKind::Receiver)?
        .var;
    let [block] = func.blocks.as_slice() else {
        return None;
    };
    let [inst] = block.insts.as_slice() else {
        return None;
    };
    match (&inst.kind, &block.term) {
        (InstKind::Load { dst, obj, field }, Terminator::Return(Some(Operand::Var(v))))
            if *obj == this && dst == v =>
        {
            Some(field.as_str())
        }
        _ => None,
    }
}
