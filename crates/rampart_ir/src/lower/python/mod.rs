use crate::{FunctionBuilder, Module};
use rampart_syntax::SourceFile;
use tree_sitter::Tree;

pub fn lower(file: &SourceFile, _tree: &Tree) -> Module {
    let top = FunctionBuilder::new("<module>", file.rel_path.clone(), Default::default()).finish();
    Module {
        path: file.rel_path.clone(),
        language: file.language,
        name: file.rel_path.clone(),
        imports: Vec::new(),
        exports: Vec::new(),
        classes: Vec::new(),
        functions: vec![top],
        text: file.text.as_str().into(),
    }
}
