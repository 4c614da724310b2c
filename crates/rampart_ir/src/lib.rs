//! The language-neutral IR: modules of functions, each a control-flow graph of simple
//! instructions with source spans, plus classes and imports. One lowering per language lives in
//! `lower/`; `print` renders the IR for snapshot tests and `rampart ir`.

pub mod builder;
pub mod ir;
pub mod lower;
pub mod print;

pub use builder::FunctionBuilder;
pub use ir::*;
pub use lower::{lower, LowerError};
