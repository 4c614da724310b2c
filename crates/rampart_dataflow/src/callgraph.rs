//! The call graph of project functions and its strongly connected components, callees first.

use crate::infer::{resolve_callee, CalleeRef, Ctx, FuncFacts, Sym};
use crate::program::FuncKey;
use rampart_ir::{Function, InstKind};
use rustc_hash::FxHashMap;

/// Project functions a function may call or create (closures: their summaries are needed
/// where they are created).
pub fn callees(ctx: &Ctx, func: &Function, facts: &FuncFacts) -> Vec<FuncKey> {
    let mut out = Vec::new();
    for b in &func.blocks {
        for inst in &b.insts {
            match &inst.kind {
                InstKind::Call { callee, .. } => match resolve_callee(ctx, callee, &facts.syms) {
                    CalleeRef::Project(f) => out.push(f),
                    CalleeRef::Dispatch(fs) => out.extend(fs.iter().copied()),
                    _ => {}
                },
                InstKind::FuncRef { func, .. } => out.push((ctx.module, *func)),
                InstKind::Global { dst, .. } => {
                    if let Some(Some(Sym::Func(f))) = facts.syms.get(*dst as usize) {
                        out.push(*f);
                    }
                }
                _ => {}
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Tarjan's algorithm, iterative. Returns SCCs in reverse topological order: every SCC comes
/// after the SCCs it calls into.
pub fn sccs(nodes: &[FuncKey], edges: &FxHashMap<FuncKey, Vec<FuncKey>>) -> Vec<Vec<FuncKey>> {
    let index_of: FxHashMap<FuncKey, usize> =
        nodes.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let n = nodes.len();
    let succ: Vec<Vec<usize>> = nodes
        .iter()
        .map(|k| {
            edges
                .get(k)
                .map(|es| es.iter().filter_map(|e| index_of.get(e).copied()).collect())
                .unwrap_or_default()
        })
        .collect();
    const UNVISITED: usize = usize::MAX;
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut next = 0usize;
    for root in 0..n {
        if index[root] != UNVISITED {
            continue;
        }
        // (node, next successor position)
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut pos)) = work.last_mut() {
            if let Some(&w) = succ[v].get(*pos) {
                *pos += 1;
                if index[w] == UNVISITED {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp.push(nodes[w]);
                        if w == v {
                            break;
                        }
                    }
                    out.push(comp);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sccs_come_callees_first() {
        let nodes = vec![(0, 1), (0, 2), (0, 3), (0, 4)];
        let mut edges = FxHashMap::default();
        edges.insert((0, 1), vec![(0, 2)]);
        edges.insert((0, 2), vec![(0, 3)]);
        edges.insert((0, 3), vec![(0, 2), (0, 4)]);
        let s = sccs(&nodes, &edges);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0], vec![(0, 4)]);
        let mut mid = s[1].clone();
        mid.sort();
        assert_eq!(mid, vec![(0, 2), (0, 3)]);
        assert_eq!(s[2], vec![(0, 1)]);
    }
}
