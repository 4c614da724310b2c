//! YAML with positions, built from the tree-sitter-yaml tree.
