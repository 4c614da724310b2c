//! The taint engine: links lowered modules into a [`Program`](program::Program), infers
//! symbolic paths and constants per function, finds framework entry points, computes function
//! summaries bottom-up over the call graph's strongly connected components, and reports every
//! flow from an untrusted source to a sink of a vulnerability class.
//!
//! ```text
//! let models = rampart_models::Models::builtin()?;
//! let analysis = rampart_dataflow::analyze(&modules, &models, &settings);
//! for flow in &analysis.flows { /* judge */ }
//! for note in &analysis.notes { eprintln!("{}: {}", note.path, note.message); }
//! ```

pub mod analyze;
pub mod callgraph;
pub mod entries;
pub mod infer;
pub mod program;
pub mod taint;

use analyze::{FnAnalysis, Summary};
use infer::{infer, Ctx, FuncFacts};
use program::{FuncKey, Program};
use rampart_core::{Location, TraceStep};
use rampart_ir::Module;
use rampart_models::{Models, SourceKind, VulnClass};
use rampart_syntax::ProjectSettings;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// Where a flow starts.
#[derive(Debug, Clone)]
pub struct FlowSource {
    pub kind: SourceKind,
    /// The code that reads the input: `request.args["name"]`, `req.query.id`, a handler
    /// parameter's name.
    pub description: String,
    pub location: Location,
}

/// Where a flow ends.
#[derive(Debug, Clone)]
pub struct FlowSink {
    /// The callee as written (`cursor.execute`), or the assigned property (`el.innerHTML`).
    pub callee: String,
    pub location: Location,
}

/// Untrusted data reaching a sink.
#[derive(Debug, Clone)]
pub struct TaintFlow {
    pub class: VulnClass,
    pub source: FlowSource,
    pub sink: FlowSink,
    /// Source, each assignment/call/return on the way, sink.
    pub steps: Vec<TraceStep>,
    /// Qualified name of the function that contains the sink.
    pub function: String,
    /// The flow passed through code the engine could not fully see (lower confidence).
    pub through_unknown: bool,
    /// The framework registration of the handler the flow starts in, when known.
    pub entry: Option<String>,
}

/// Something the user should know about the analysis (a budget was hit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Analysis {
    pub flows: Vec<TaintFlow>,
    pub notes: Vec<Note>,
}

/// Instruction visits allowed per file; past it, the file's remaining functions are not
/// analyzed (calls to them pass taint through) and a note says so.
pub const FILE_BUDGET: u64 = 4_000_000;
/// Iterations of a recursive component's summaries before the fixpoint is cut off.
const MAX_SCC_ROUNDS: usize = 3;

/// Analyzes every module of a scan together: cross-file, interprocedural taint.
pub fn analyze(modules: &[Module], models: &Models, settings: &ProjectSettings) -> Analysis {
    // Settings values are constants; nothing reads them as input yet.
    let _ = settings;
    let program = Program::new(modules);
    let cache = infer::SymCache::default();
    let ctxs: Vec<Ctx> = (0..modules.len() as u32)
        .map(|m| Ctx {
            program: &program,
            models,
            module: m,
            cache: &cache,
        })
        .collect();

    let keys: Vec<FuncKey> = modules
        .iter()
        .enumerate()
        .flat_map(|(mi, m)| (0..m.functions.len()).map(move |fi| (mi as u32, fi as u32)))
        .collect();
    let mut facts: FxHashMap<FuncKey, FuncFacts> = keys
        .par_iter()
        .filter_map(|key| {
            let f = program.function(*key)?;
            Some((*key, infer(&ctxs[key.0 as usize], *key, f, &[], &|_| None)))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    // Closures see the symbols of the variables they capture.
    let nested: Vec<(FuncKey, FuncFacts)> = keys
        .par_iter()
        .filter_map(|key| {
            let f = program.function(*key).filter(|f| f.parent.is_some())?;
            let lookup = |path: &str| captured_sym(&program, &facts, *key, path);
            Some((*key, infer(&ctxs[key.0 as usize], *key, f, &[], &lookup)))
        })
        .collect();
    facts.extend(nested);
    let entries = entries::find_entries(&program, models, &cache, &facts);
    let mut typed: Vec<(FuncKey, FuncFacts)> = Vec::new();
    for (key, e) in &entries {
        if let Some(f) = program.function(*key) {
            let lookup = |path: &str| captured_sym(&program, &facts, *key, path);
            typed.push((
                *key,
                infer(&ctxs[key.0 as usize], *key, f, &e.param_types, &lookup),
            ));
        }
    }
    facts.extend(typed);
    // Closures inside typed handlers see the handlers' parameter types (`req` captured by a
    // database callback).
    let renested: Vec<(FuncKey, FuncFacts)> = keys
        .par_iter()
        .filter_map(|key| {
            let f = program.function(*key).filter(|f| f.parent.is_some())?;
            let param_types = entries
                .get(key)
                .map(|e| e.param_types.as_slice())
                .unwrap_or(&[]);
            let lookup = |path: &str| captured_sym(&program, &facts, *key, path);
            Some((
                *key,
                infer(&ctxs[key.0 as usize], *key, f, param_types, &lookup),
            ))
        })
        .collect();
    facts.extend(renested);
    let edges: FxHashMap<FuncKey, Vec<FuncKey>> = keys
        .par_iter()
        .filter_map(|key| {
            let (f, fa) = (program.function(*key)?, facts.get(key)?);
            Some((*key, callgraph::callees(&ctxs[key.0 as usize], f, fa)))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    let components = callgraph::sccs(&keys, &edges);

    // Components in waves: a component runs once everything it calls is summarized, and the
    // components of one wave run in parallel.
    let comp_of: FxHashMap<FuncKey, usize> = components
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.iter().map(move |k| (*k, i)))
        .collect();
    let mut level = vec![0usize; components.len()];
    for (i, comp) in components.iter().enumerate() {
        let mut l = 0;
        for k in comp {
            for callee in edges.get(k).into_iter().flatten() {
                if let Some(&j) = comp_of.get(callee) {
                    if j != i {
                        l = l.max(level[j] + 1);
                    }
                }
            }
        }
        level[i] = l;
    }
    let mut waves: Vec<Vec<usize>> = Vec::new();
    for (i, l) in level.iter().enumerate() {
        if waves.len() <= *l {
            waves.resize_with(*l + 1, Vec::new);
        }
        waves[*l].push(i);
    }

    let mut summaries: FxHashMap<FuncKey, Summary> = FxHashMap::default();
    let mut file_visits = vec![0u64; modules.len()];
    let mut notes = Vec::new();
    let mut flows: Vec<TaintFlow> = Vec::new();
    let referenced: FxHashSet<FuncKey> = edges.values().flatten().copied().collect();
    let job = Job {
        program: &program,
        ctxs: &ctxs,
        facts: &facts,
        entries: &entries,
        edges: &edges,
        referenced: &referenced,
    };
    for wave in &waves {
        let results: Vec<ComponentResult> = wave
            .par_iter()
            .map(|&c| job.component(&components[c], &summaries, &file_visits))
            .collect();
        for r in results {
            summaries.extend(r.summaries);
            flows.extend(r.flows);
            notes.extend(r.notes);
            for (m, v) in r.visits {
                file_visits[m] += v;
            }
        }
    }
    notes.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    notes.dedup();
    Analysis {
        flows: dedupe(flows),
        notes,
    }
}

struct Job<'a, 'm> {
    program: &'a Program<'m>,
    ctxs: &'a [Ctx<'a, 'm>],
    facts: &'a FxHashMap<FuncKey, FuncFacts>,
    entries: &'a FxHashMap<FuncKey, entries::EntryCtx>,
    edges: &'a FxHashMap<FuncKey, Vec<FuncKey>>,
    referenced: &'a FxHashSet<FuncKey>,
}

#[derive(Default)]
struct ComponentResult {
    summaries: FxHashMap<FuncKey, Summary>,
    flows: Vec<TaintFlow>,
    notes: Vec<Note>,
    visits: Vec<(usize, u64)>,
}

impl Job<'_, '_> {
    /// Analyzes one strongly connected component: once, or to a bounded fixpoint when recursive.
    fn component(
        &self,
        comp: &[FuncKey],
        done: &FxHashMap<FuncKey, Summary>,
        file_visits: &[u64],
    ) -> ComponentResult {
        let mut out = ComponentResult::default();
        let recursive = comp.len() > 1
            || self
                .edges
                .get(&comp[0])
                .is_some_and(|es| es.contains(&comp[0]));
        let rounds = if recursive { MAX_SCC_ROUNDS } else { 1 };
        let mut local: FxHashMap<FuncKey, Summary> = FxHashMap::default();
        for round in 0..rounds {
            let mut changed = false;
            let mut round_flows = Vec::new();
            for key in comp {
                let mi = key.0 as usize;
                let spent: u64 = file_visits.get(mi).copied().unwrap_or(0)
                    + out
                        .visits
                        .iter()
                        .filter(|(m, _)| *m == mi)
                        .map(|(_, v)| v)
                        .sum::<u64>();
                if spent > FILE_BUDGET {
                    continue;
                }
                let (Some(func), Some(fa)) = (self.program.function(*key), self.facts.get(key))
                else {
                    continue;
                };
                let summaries = analyze::Summaries {
                    done,
                    component: &local,
                };
                let mut analysis =
                    FnAnalysis::new(&self.ctxs[mi], func, fa, summaries, self.entries.get(key));
                if !self.referenced.contains(key) {
                    analysis = analysis.without_summary();
                }
                let outcome = analysis.run();
                out.visits.push((mi, outcome.visits as u64));
                let path = &self.program.module(key.0).path;
                if outcome.exhausted {
                    out.notes.push(Note {
                        path: path.clone(),
                        message: format!(
                            "taint analysis of `{}` stopped at its budget; flows through it may be missed",
                            func.qualified_name
                        ),
                    });
                }
                if spent + outcome.visits as u64 > FILE_BUDGET {
                    out.notes.push(Note {
                        path: path.clone(),
                        message: "taint analysis budget for this file exhausted; remaining functions were skipped".to_string(),
                    });
                }
                let sig = outcome.summary.signature();
                let old = local.insert(*key, outcome.summary);
                if old.map(|o| o.signature()) != Some(sig) {
                    changed = true;
                }
                round_flows.extend(outcome.flows);
            }
            // Flows of the last round (or of the round that found the fixpoint) stand.
            if !changed || round + 1 == rounds || !recursive {
                out.flows = round_flows;
                break;
            }
        }
        out.summaries = local;
        out
    }
}

/// The symbol of `<enclosing function>.<name>` for a variable a closure captures.
fn captured_sym(
    program: &Program,
    facts: &FxHashMap<FuncKey, FuncFacts>,
    key: FuncKey,
    path: &str,
) -> Option<infer::Sym> {
    let (owner, name) = path.rsplit_once('.')?;
    let module = program.module(key.0);
    let mut parent = program.function(key)?.parent;
    for _ in 0..8 {
        let pid = parent?;
        let p = module.functions.get(pid as usize)?;
        if p.qualified_name == owner {
            let var = p.locals.iter().position(|l| l.name == name)?;
            return facts.get(&(key.0, pid))?.syms.get(var)?.clone();
        }
        parent = p.parent;
    }
    None
}

/// One flow per (sink, class, source).
fn dedupe(mut flows: Vec<TaintFlow>) -> Vec<TaintFlow> {
    flows.sort_by(|a, b| {
        (&a.sink.location, a.class, &a.source.location, a.steps.len()).cmp(&(
            &b.sink.location,
            b.class,
            &b.source.location,
            b.steps.len(),
        ))
    });
    let mut seen = FxHashSet::default();
    flows.retain(|f| seen.insert((f.sink.location.clone(), f.class, f.source.location.clone())));
    flows
}

#[cfg(test)]
mod tests;
