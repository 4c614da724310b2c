//! Language detection, tree-sitter parsing with limits, and suppression comments.

pub mod detect;
pub mod index;
pub mod parse;
pub mod settings;
pub mod source;
pub mod suppress;

pub use detect::{detect_language, is_test_code};
pub use index::NodeIndex;
pub use parse::{parse, ParseError, ParseOutcome};
pub use settings::ProjectSettings;
pub use source::{SkipReason, SourceFile};
pub use suppress::{scan_suppressions, Suppression};
pub use tree_sitter;
