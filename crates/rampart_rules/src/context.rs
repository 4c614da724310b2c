use rampart_core::{Finding, RuleMeta};
use rampart_syntax::{ProjectSettings, SourceFile};
use tree_sitter::Tree;

/// What a structural rule sees of one file: its text and syntax tree, and project-wide settings
/// (values from `.properties`, `appsettings.json` and similar files, by key).
pub struct FileContext<'a> {
    pub file: &'a SourceFile,
    pub tree: &'a Tree,
    pub settings: &'a ProjectSettings,
}

/// A rule that judges one file's syntax tree.
pub trait StructuralRule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, ctx: &FileContext<'_>, out: &mut Vec<Finding>);
}
