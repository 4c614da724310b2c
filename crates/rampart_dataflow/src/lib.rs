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
    let ctxs: Vec<Ctx> = (0..modules.len() as u32)
        .map(|m| Ctx {
            program: &program,
            models,
            module: m,
        })
        .collect();

    let mut keys: Vec<FuncKey> = Vec::new();
    let mut facts: FxHashMap<FuncKey, FuncFacts> = FxHashMap::default();
    for (mi, m) in modules.iter().enumerate() {
        for (fi, f) in m.functions.iter().enumerate() {
            let key = (mi as u32, fi as u32);
            keys.push(key);
            facts.insert(key, infer(&ctxs[mi], key, f, &[], &|_| None));
        }
    }
    // Closures see the symbols of the variables they capture.
    let mut nested: Vec<(FuncKey, FuncFacts)> = Vec::new();
    for key in &keys {
        let Some(f) = program.function(*key).filter(|f| f.parent.is_some()) else {
            continue;
        };
        let lookup = |path: &str| captured_sym(&program, &facts, *key, path);
        nested.push((*key, infer(&ctxs[key.0 as usize], *key, f, &[], &lookup)));
    }
    facts.extend(nested);
    let entries = entries::find_entries(&program, models, &facts);
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
    let mut edges: FxHashMap<FuncKey, Vec<FuncKey>> = FxHashMap::default();
    for key in &keys {
        if let (Some(f), Some(fa)) = (program.function(*key), facts.get(key)) {
            edges.insert(*key, callgraph::callees(&ctxs[key.0 as usize], f, fa));
        }
    }
    let components = callgraph::sccs(&keys, &edges);

    let mut summaries: FxHashMap<FuncKey, Summary> = FxHashMap::default();
    let mut file_visits = vec![0u64; modules.len()];
    let mut notes = Vec::new();
    let mut flows: Vec<TaintFlow> = Vec::new();
    for comp in &components {
        let recursive =
            comp.len() > 1 || edges.get(&comp[0]).is_some_and(|es| es.contains(&comp[0]));
        let rounds = if recursive { MAX_SCC_ROUNDS } else { 1 };
        for round in 0..rounds {
            let mut changed = false;
            let last = round + 1 == rounds;
            for key in comp {
                let mi = key.0 as usize;
                if file_visits[mi] > FILE_BUDGET {
                    continue;
                }
                let (Some(func), Some(fa)) = (program.function(*key), facts.get(key)) else {
                    continue;
                };
                let outcome =
                    FnAnalysis::new(&ctxs[mi], func, fa, &summaries, entries.get(key)).run();
                file_visits[mi] += outcome.visits as u64;
                if outcome.exhausted {
                    notes.push(Note {
                        path: modules[mi].path.clone(),
                        message: format!(
                            "taint analysis of `{}` stopped at its budget; flows through it may be missed",
                            func.qualified_name
                        ),
                    });
                }
                if file_visits[mi] > FILE_BUDGET {
                    notes.push(Note {
                        path: modules[mi].path.clone(),
                        message: "taint analysis budget for this file exhausted; remaining functions were skipped".to_string(),
                    });
                }
                let sig = outcome.summary.signature();
                let old = summaries.insert(*key, outcome.summary);
                if old.map(|o| o.signature()) != Some(sig) {
                    changed = true;
                }
                if last || !recursive {
                    flows.extend(outcome.flows);
                }
            }
            if !changed && !last {
                // Settled early: one more round collects the flows.
                for key in comp {
                    let mi = key.0 as usize;
                    let (Some(func), Some(fa)) = (program.function(*key), facts.get(key)) else {
                        continue;
                    };
                    let outcome =
                        FnAnalysis::new(&ctxs[mi], func, fa, &summaries, entries.get(key)).run();
                    flows.extend(outcome.flows);
                }
                break;
            }
        }
    }
    notes.dedup();
    Analysis {
        flows: dedupe(flows),
        notes,
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
