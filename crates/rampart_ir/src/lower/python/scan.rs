//! Which names a function body (or the module) binds, found before lowering it: Python decides
//! whether a name is local from every assignment in the body, not from the ones seen so far.

use super::fields::NodeExt;
use rustc_hash::FxHashSet;
use tree_sitter::Node;

#[derive(Default)]
pub(super) struct Bindings {
    /// Assignment, loop, `with`, `except` and walrus targets.
    pub assigned: FxHashSet<String>,
    /// Nested `def` and `class` names.
    pub defs: FxHashSet<String>,
    /// `global` declarations.
    pub globals: FxHashSet<String>,
    /// `nonlocal` declarations.
    pub nonlocals: FxHashSet<String>,
}

/// The bindings of a block, not descending into nested functions, classes or lambdas.
pub(super) fn bindings(body: Node, src: &[u8]) -> Bindings {
    let mut b = Bindings::default();
    let text = |n: Node| n.utf8_text(src).unwrap_or("").to_string();
    let mut stack = vec![body];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "function_definition" | "class_definition" => {
                if let Some(n) = node.field("name") {
                    b.defs.insert(text(n));
                }
                continue;
            }
            "lambda" => continue,
            "assignment" | "augmented_assignment" | "for_statement" => {
                if let Some(left) = node.field("left") {
                    targets(left, src, &mut b.assigned);
                }
            }
            "named_expression" => {
                if let Some(n) = node.field("name") {
                    b.assigned.insert(text(n));
                }
            }
            "as_pattern" => {
                if let Some(alias) = node.field("alias") {
                    targets(alias, src, &mut b.assigned);
                }
            }
            "except_clause" => {
                if let Some(alias) = node.field("alias") {
                    targets(alias, src, &mut b.assigned);
                }
            }
            // Imports are resolved as qualified names, not locals.
            "import_statement" | "import_from_statement" => continue,
            "global_statement" | "nonlocal_statement" => {
                let set = if node.kind() == "global_statement" {
                    &mut b.globals
                } else {
                    &mut b.nonlocals
                };
                let mut c = node.walk();
                for n in node.named_children(&mut c) {
                    set.insert(text(n));
                }
                continue;
            }
            _ => {}
        }
        let mut c = node.walk();
        stack.extend(node.named_children(&mut c));
    }
    b
}

/// The identifiers an assignment target binds (`a`, `a, (b, *c)`), not attributes/subscripts.
pub(super) fn targets(node: Node, src: &[u8], out: &mut FxHashSet<String>) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "identifier" => {
                out.insert(n.utf8_text(src).unwrap_or("").to_string());
            }
            "pattern_list"
            | "tuple_pattern"
            | "list_pattern"
            | "tuple"
            | "list"
            | "list_splat_pattern"
            | "list_splat"
            | "parenthesized_expression"
            | "expression_list"
            | "as_pattern_target" => {
                let mut c = n.walk();
                stack.extend(n.named_children(&mut c));
            }
            _ => {}
        }
    }
}
