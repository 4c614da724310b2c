//! One lowering per language, from a tree-sitter tree to a [`Module`](crate::Module).

pub mod csharp;
pub mod go;
pub mod java;
pub mod javascript;
pub mod python;

use crate::Module;
use rampart_core::Language;
use rampart_syntax::SourceFile;
use tree_sitter::Tree;

#[derive(Debug, thiserror::Error)]
pub enum LowerError {
    #[error("no IR lowering for {0} yet")]
    Unsupported(Language),
}

/// Lowers one parsed file.
pub fn lower(file: &SourceFile, tree: &Tree) -> Result<Module, LowerError> {
    match file.language {
        Language::Python => Ok(python::lower(file, tree)),
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            Ok(javascript::lower(file, tree))
        }
        Language::Java => Ok(java::lower(file, tree)),
        Language::CSharp => Ok(csharp::lower(file, tree)),
        Language::Go => Ok(go::lower(file, tree)),
        other => Err(LowerError::Unsupported(other)),
    }
}
