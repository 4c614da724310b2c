pub(crate) mod secret_literal;

use rampart_core::{Finding, RuleMeta};
use rampart_syntax::SourceFile;
use tree_sitter::Tree;

pub static RULES: &[&RuleMeta] = &[];

/// The file reduced to what the checks need.
pub struct Model {
    pub path: String,
}

impl Model {
    pub fn build(file: &SourceFile, _tree: &Tree) -> Model {
        Model {
            path: file.rel_path.clone(),
        }
    }
}

pub fn check(_models: &[&Model], _out: &mut Vec<Finding>) {}
