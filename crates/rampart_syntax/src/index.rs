//! A flat, preorder index of one syntax tree, built once per file and shared by every rule.
//!
//! Moving a tree-sitter cursor over a whole tree is the most expensive thing a structural
//! check does (each step recomputes positions), and a file is looked at by a dozen rules and
//! the application model. The index walks the tree once and keeps each node with its kind
//! and the end of its subtree, so "every node of these kinds below this one" becomes a scan
//! over a slice of small integers.

use tree_sitter::{Node, Tree};

/// Every node of a tree in preorder (source order, parents before children).
pub struct NodeIndex<'t> {
    nodes: Vec<Node<'t>>,
    /// The grammar's kind id of each node.
    kinds: Vec<u16>,
    /// The start byte of each node: nondecreasing in preorder, so a node is found by search.
    starts: Vec<u32>,
    /// One past the preorder position of each node's last descendant.
    ends: Vec<u32>,
}

impl<'t> NodeIndex<'t> {
    /// Indexes every node of `tree`, named or not.
    pub fn new(tree: &'t Tree) -> NodeIndex<'t> {
        let root = tree.root_node();
        let capacity = (root.descendant_count()).min(1 << 24);
        let mut index = NodeIndex {
            nodes: Vec::with_capacity(capacity),
            kinds: Vec::with_capacity(capacity),
            starts: Vec::with_capacity(capacity),
            ends: Vec::with_capacity(capacity),
        };
        let mut cursor = root.walk();
        // Preorder positions of the nodes whose subtree is still open.
        let mut open: Vec<u32> = Vec::new();
        loop {
            let node = cursor.node();
            let pos = index.nodes.len() as u32;
            index.nodes.push(node);
            index.kinds.push(node.kind_id());
            index.starts.push(node.start_byte() as u32);
            index.ends.push(pos + 1);
            open.push(pos);
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                // The node under the cursor and its subtree are complete.
                if let Some(done) = open.pop() {
                    index.ends[done as usize] = index.nodes.len() as u32;
                }
                if open.is_empty() {
                    return index;
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    // Unreachable for a well-formed cursor; close what is open and stop.
                    let end = index.nodes.len() as u32;
                    for p in open.drain(..) {
                        index.ends[p as usize] = end;
                    }
                    return index;
                }
            }
        }
    }

    /// How many nodes the tree has.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// All nodes, in preorder.
    pub fn nodes(&self) -> &[Node<'t>] {
        &self.nodes
    }

    /// The preorder position of `node`, if it belongs to the indexed tree.
    pub fn position(&self, node: Node<'_>) -> Option<usize> {
        let start = node.start_byte() as u32;
        let first = self.starts.partition_point(|s| *s < start);
        let id = node.id();
        (first..self.nodes.len())
            .take_while(|&i| self.starts[i] == start)
            .find(|&i| self.nodes[i].id() == id)
            // Start bytes are nondecreasing in preorder on every tree seen so far; should error
            // recovery ever break that, a linear search still finds the node.
            .or_else(|| self.nodes.iter().position(|n| n.id() == id))
    }

    /// The preorder range of `node` and its descendants (empty when `node` is not indexed).
    pub fn subtree(&self, node: Node<'_>) -> std::ops::Range<usize> {
        match self.position(node) {
            Some(p) => p..self.ends[p] as usize,
            None => 0..0,
        }
    }

    /// `node` and every node below it, in source order.
    pub fn descendants(&self, node: Node<'_>) -> &[Node<'t>] {
        &self.nodes[self.subtree(node)]
    }

    /// The nodes of `range` (preorder positions) whose kind id is one of `ids`, in order.
    pub fn of_kind_ids_in<'s>(
        &'s self,
        range: std::ops::Range<usize>,
        ids: &'s [u16],
    ) -> impl Iterator<Item = Node<'t>> + 's {
        let start = range.start;
        self.kinds[range]
            .iter()
            .enumerate()
            .filter(move |(_, k)| ids.contains(k))
            .map(move |(i, _)| self.nodes[start + i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_core::Language;

    fn preorder<'t>(root: Node<'t>) -> Vec<Node<'t>> {
        let mut out = vec![root];
        let mut cursor = root.walk();
        for c in root.children(&mut cursor).collect::<Vec<_>>() {
            out.extend(preorder(c));
        }
        out
    }

    #[test]
    fn matches_a_recursive_walk_and_finds_subtrees() {
        let src = "def f(a):\n    return g(a, [1, 2])\n\nx = f(h(3))\n";
        let parsed = crate::parse(Language::Python, src).unwrap();
        let index = NodeIndex::new(&parsed.tree);
        let expected = preorder(parsed.tree.root_node());
        assert_eq!(index.len(), expected.len());
        for (i, n) in expected.iter().enumerate() {
            assert_eq!(index.nodes()[i].id(), n.id());
            assert_eq!(index.position(*n), Some(i));
            // The subtree of `n` is exactly its preorder descendants.
            let sub = index.descendants(*n);
            assert_eq!(sub.len(), preorder(*n).len(), "{}", n.kind());
        }
        let call = expected.iter().find(|n| n.kind() == "call").unwrap();
        let kinds: Vec<&str> = index.descendants(*call).iter().map(|n| n.kind()).collect();
        assert!(kinds.contains(&"list"));
        assert!(!kinds.contains(&"assignment"));
    }

    #[test]
    fn a_node_of_another_tree_has_no_position() {
        let a = crate::parse(Language::Python, "x = 1\n").unwrap();
        let b = crate::parse(Language::Python, "x = 1\n").unwrap();
        let index = NodeIndex::new(&a.tree);
        let other = b.tree.root_node().child(0).unwrap();
        assert_eq!(index.position(other), None);
        assert!(index.descendants(other).is_empty());
    }
}
