//! The rule catalogue. One rule per file under `rules/<area>/<rule_id>.rs`, each with its
//! metadata (declared with [`rampart_core::declare_rule!`]), documentation and cases.

pub mod ast;
pub mod context;
pub mod registry;
pub mod rules;
#[cfg(test)]
pub mod testing;

pub use context::{FileContext, StructuralRule};
pub use registry::{all_rules, structural_rules};
