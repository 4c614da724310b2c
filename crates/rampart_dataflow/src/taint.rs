//! Taint labels, their traces, and the per-variable taint state of one program point.

use rampart_core::{Location, TraceStep};
use rampart_ir::VarId;
use rampart_models::SourceKind;
use rustc_hash::FxHashMap;
use smallvec::SmallVec;
use std::sync::Arc;

/// Where a taint source was read.
#[derive(Debug)]
pub struct SourceInfo {
    pub kind: SourceKind,
    /// The code that reads it: `request.args["name"]`, `req.query.id`.
    pub description: String,
    pub location: Location,
}

/// What a label stands for: a real source, or (while computing a summary) a parameter or a
/// variable captured from an enclosing function, whose taint the caller supplies.
#[derive(Debug, Clone)]
pub enum Origin {
    Source(Arc<SourceInfo>),
    Param(u32),
    /// `<enclosing function qualified name>.<variable>`.
    Captured(Arc<str>),
}

impl Origin {
    pub fn same(&self, other: &Origin) -> bool {
        match (self, other) {
            (Origin::Source(a), Origin::Source(b)) => Arc::ptr_eq(a, b),
            (Origin::Param(a), Origin::Param(b)) => a == b,
            (Origin::Captured(a), Origin::Captured(b)) => a == b,
            _ => false,
        }
    }
}

/// One step of a trace, newest first; shared between labels.
#[derive(Debug)]
pub struct Step {
    pub location: Location,
    pub message: String,
    pub prev: Trace,
    len: u16,
}

pub type Trace = Option<Arc<Step>>;

/// Traces keep at most this many steps (later steps are dropped, the sink step is always added).
const MAX_TRACE: u16 = 32;

pub fn push_step(trace: &Trace, location: Location, message: String) -> Trace {
    let len = trace.as_ref().map(|s| s.len).unwrap_or(0);
    if len >= MAX_TRACE {
        return trace.clone();
    }
    if let Some(last) = trace {
        if last.location == location {
            return trace.clone();
        }
    }
    Some(Arc::new(Step {
        location,
        message,
        prev: trace.clone(),
        len: len + 1,
    }))
}

/// The steps of a trace, oldest first.
pub fn trace_steps(trace: &Trace) -> Vec<TraceStep> {
    let mut out = Vec::new();
    let mut cur = trace.as_ref();
    while let Some(s) = cur {
        out.push(TraceStep {
            location: s.location.clone(),
            message: s.message.clone(),
        });
        cur = s.prev.as_ref();
    }
    out.reverse();
    out
}

/// Appends the steps of `tail` (oldest first) to `head`.
pub fn append_trace(head: &Trace, tail: &Trace) -> Trace {
    let mut t = head.clone();
    for s in trace_steps(tail) {
        t = push_step(&t, s.location, s.message);
    }
    t
}

pub fn trace_len(trace: &Trace) -> u16 {
    trace.as_ref().map(|s| s.len).unwrap_or(0)
}

/// One taint label: an origin, the vulnerability classes it has been sanitized for, and how it
/// got here.
#[derive(Debug, Clone)]
pub struct Label {
    pub origin: Origin,
    /// Bit set of [`rampart_models::VulnClass`] this value is safe for.
    pub sanitized: u16,
    /// Passed through a path normalization (`os.path.realpath`, `path.resolve`).
    pub normalized: bool,
    /// Passed through something the engine could not see into (lower confidence).
    pub unknown: bool,
    pub trace: Trace,
}

/// Labels per value are capped; beyond this, further origins are dropped (the value is
/// already tainted by several).
const MAX_LABELS: usize = 4;

/// The taint of one value: empty when clean.
#[derive(Debug, Clone, Default)]
pub struct Taint(pub SmallVec<[Label; 1]>);

impl Taint {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn single(label: Label) -> Taint {
        let mut t = Taint::default();
        t.0.push(label);
        t
    }

    /// Joins `other` into `self` (sanitizer sets intersect: a value sanitized on one path only
    /// is not sanitized). Returns whether `self` changed, ignoring traces.
    pub fn join(&mut self, other: &Taint) -> bool {
        let mut changed = false;
        for l in &other.0 {
            let pos = self.0.iter().position(|m| m.origin.same(&l.origin));
            let len = self.0.len();
            match pos {
                Some(i) => {
                    let m = &mut self.0[i];
                    let s = m.sanitized & l.sanitized;
                    let n = m.normalized && l.normalized;
                    let u = m.unknown || l.unknown;
                    if s != m.sanitized || n != m.normalized || u != m.unknown {
                        changed = true;
                        m.sanitized = s;
                        m.normalized = n;
                        m.unknown = u;
                    }
                    if trace_len(&l.trace) < trace_len(&m.trace) && !changed {
                        m.trace = l.trace.clone();
                    }
                }
                None if len < MAX_LABELS => {
                    self.0.push(l.clone());
                    changed = true;
                }
                None => {
                    // Real sources matter more than summary placeholders.
                    if matches!(l.origin, Origin::Source(_)) {
                        if let Some(slot) = self
                            .0
                            .iter_mut()
                            .find(|m| !matches!(m.origin, Origin::Source(_)))
                        {
                            *slot = l.clone();
                            changed = true;
                        }
                    }
                }
            }
        }
        changed
    }

    /// Adds sanitized classes (and normalization) to every label.
    pub fn sanitize(&mut self, classes: u16, normalizes: bool) {
        for l in &mut self.0 {
            l.sanitized |= classes;
            l.normalized |= normalizes;
        }
    }

    /// Adds a step to every label's trace.
    pub fn step(&mut self, location: &Location, message: &str) {
        for l in &mut self.0 {
            l.trace = push_step(&l.trace, location.clone(), message.to_string());
        }
    }
}

/// The taint of a variable: the value itself and its constant-key fields/elements.
#[derive(Debug, Clone, Default)]
pub struct VarTaint {
    pub own: Taint,
    /// Field or constant key (interned) → taint.
    pub fields: SmallVec<[(u32, Taint); 2]>,
}

impl VarTaint {
    pub fn is_empty(&self) -> bool {
        self.own.is_empty() && self.fields.iter().all(|(_, t)| t.is_empty())
    }

    /// The value and everything in it.
    pub fn deep(&self) -> Taint {
        let mut t = self.own.clone();
        for (_, f) in &self.fields {
            t.join(f);
        }
        t
    }

    pub fn field(&self, key: u32) -> Option<&Taint> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, t)| t)
    }

    pub fn set_field(&mut self, key: u32, taint: Taint) {
        match self.fields.iter_mut().find(|(k, _)| *k == key) {
            Some((_, t)) => *t = taint,
            None => self.fields.push((key, taint)),
        }
    }

    fn join(&mut self, other: &VarTaint) -> bool {
        let mut changed = self.own.join(&other.own);
        for (k, t) in &other.fields {
            match self.fields.iter_mut().find(|(m, _)| m == k) {
                Some((_, mine)) => changed |= mine.join(t),
                None => {
                    self.fields.push((*k, t.clone()));
                    changed = true;
                }
            }
        }
        changed
    }
}

/// Taint of every tainted variable at one program point.
#[derive(Debug, Clone, Default)]
pub struct State {
    pub vars: FxHashMap<VarId, VarTaint>,
    /// Access paths (`req.query.sort`) a guard proved safe for some classes on this path: a
    /// later read of the same path is safe too.
    pub guarded: SmallVec<[(Box<str>, u16); 1]>,
}

impl State {
    pub fn get(&self, v: VarId) -> Option<&VarTaint> {
        self.vars.get(&v)
    }

    pub fn deep(&self, v: VarId) -> Taint {
        self.vars.get(&v).map(VarTaint::deep).unwrap_or_default()
    }

    pub fn set(&mut self, v: VarId, t: VarTaint) {
        if t.is_empty() {
            self.vars.remove(&v);
        } else {
            self.vars.insert(v, t);
        }
    }

    pub fn set_own(&mut self, v: VarId, t: Taint) {
        self.set(
            v,
            VarTaint {
                own: t,
                fields: SmallVec::new(),
            },
        );
    }

    /// Joins `other` into `self`; returns whether anything changed.
    pub fn join(&mut self, other: &State) -> bool {
        let mut changed = false;
        let before = self.guarded.len();
        self.guarded
            .retain(|(p, c)| match other.guarded.iter().find(|(q, _)| q == p) {
                Some((_, oc)) => {
                    if *c & oc != *c {
                        changed = true;
                    }
                    *c &= oc;
                    *c != 0
                }
                None => false,
            });
        changed |= self.guarded.len() != before;
        for (v, t) in &other.vars {
            match self.vars.get_mut(v) {
                Some(mine) => changed |= mine.join(t),
                None => {
                    self.vars.insert(*v, t.clone());
                    changed = true;
                }
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(p: u32, sanitized: u16) -> Label {
        Label {
            origin: Origin::Param(p),
            sanitized,
            normalized: false,
            unknown: false,
            trace: None,
        }
    }

    #[test]
    fn join_intersects_sanitizers() {
        let mut a = Taint::single(label(0, 0b11));
        assert!(a.join(&Taint::single(label(0, 0b01))));
        assert_eq!(a.0[0].sanitized, 0b01);
        assert!(!a.join(&Taint::single(label(0, 0b01))));
        assert!(a.join(&Taint::single(label(1, 0))));
        assert_eq!(a.0.len(), 2);
    }

    #[test]
    fn traces_are_capped_and_ordered() {
        let loc = |l: u32| Location {
            path: "a.py".into(),
            span: rampart_core::Span {
                start_line: l,
                ..Default::default()
            },
        };
        let mut t: Trace = None;
        for i in 0..100 {
            t = push_step(&t, loc(i), format!("s{i}"));
        }
        let steps = trace_steps(&t);
        assert_eq!(steps.len(), MAX_TRACE as usize);
        assert_eq!(steps[0].message, "s0");
    }
}
