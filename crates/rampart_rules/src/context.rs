use crate::ast::{self, Call, Imports};
use rampart_core::{Finding, Language, RuleMeta};
use rampart_syntax::{NodeIndex, ProjectSettings, SourceFile};
use std::cell::OnceCell;
use tree_sitter::{Node, Tree};

/// What a structural rule sees of one file: its text and syntax tree, and project-wide settings
/// (values from `.properties`, `appsettings.json` and similar files, by key).
///
/// The context also holds what every rule would otherwise recompute for itself: a preorder
/// index of the tree, the file's imports and its calls, each built at most once per file.
pub struct FileContext<'a> {
    pub file: &'a SourceFile,
    pub tree: &'a Tree,
    pub settings: &'a ProjectSettings,
    pub index: NodeIndex<'a>,
    imports: OnceCell<Imports>,
    calls: OnceCell<FileCalls<'a>>,
    lowercase: OnceCell<String>,
}

/// Every call of the file in source order, with the callee's last name as
/// [`ast::callee_name`] reads it.
struct FileCalls<'a> {
    calls: Vec<Call<'a>>,
    names: Vec<Option<&'a str>>,
}

impl<'a> FileContext<'a> {
    pub fn new(
        file: &'a SourceFile,
        tree: &'a Tree,
        settings: &'a ProjectSettings,
    ) -> FileContext<'a> {
        FileContext {
            file,
            tree,
            settings,
            index: NodeIndex::new(tree),
            imports: OnceCell::new(),
            calls: OnceCell::new(),
            lowercase: OnceCell::new(),
        }
    }

    pub fn src(&self) -> &'a str {
        self.file.text.as_str()
    }

    pub fn language(&self) -> Language {
        self.file.language
    }

    pub fn root(&self) -> Node<'a> {
        self.tree.root_node()
    }

    /// The file's text in ASCII lowercase, for the cheap word checks that let a rule skip a
    /// file before looking at its tree.
    pub fn lowercase(&self) -> &str {
        self.lowercase
            .get_or_init(|| self.src().to_ascii_lowercase())
    }

    /// The file's imports, collected once.
    pub fn imports(&self) -> &Imports {
        self.imports
            .get_or_init(|| Imports::collect(self.root(), self.src(), self.language()))
    }

    fn file_calls(&self) -> &FileCalls<'a> {
        self.calls.get_or_init(|| {
            let src = self.src();
            let language = self.language();
            let ids = ast::kind_ids(self.root(), ast::call_kinds(language));
            let mut out = FileCalls {
                calls: Vec::new(),
                names: Vec::new(),
            };
            for node in self
                .index
                .nodes()
                .iter()
                .filter(|n| ids.contains(&n.kind_id()))
            {
                if let Some(call) = ast::call(*node, src, language) {
                    out.names.push(ast::callee_name(*node, src));
                    out.calls.push(call);
                }
            }
            out
        })
    }

    /// Every call and object creation of the file, in source order (as [`ast::calls`]).
    pub fn calls(&self) -> &[Call<'a>] {
        &self.file_calls().calls
    }

    /// The calls of the file whose callee name passes `wanted` (as [`ast::calls_named`]:
    /// calls whose callee has no name of its own are always included).
    pub fn calls_named(&self, wanted: impl Fn(&str) -> bool) -> Vec<&Call<'a>> {
        let fc = self.file_calls();
        fc.calls
            .iter()
            .zip(&fc.names)
            .filter(|(_, name)| name.is_none_or(&wanted))
            .map(|(c, _)| c)
            .collect()
    }

    /// `root` and the nodes below it whose kind is one of `kinds`, in source order (as
    /// [`ast::descendants_of_kind`]).
    pub fn of_kind(&self, root: Node<'a>, kinds: &[&str]) -> Vec<Node<'a>> {
        let range = self.index.subtree(root);
        if range.is_empty() {
            return ast::descendants_of_kind(root, kinds);
        }
        let ids = ast::kind_ids(self.root(), kinds);
        self.index.of_kind_ids_in(range, &ids).collect()
    }

    /// Every node of the file whose kind is one of `kinds`, in source order.
    pub fn all_of_kind(&self, kinds: &[&str]) -> Vec<Node<'a>> {
        let ids = ast::kind_ids(self.root(), kinds);
        self.index
            .of_kind_ids_in(0..self.index.len(), &ids)
            .collect()
    }

    /// Calls `f` on `root` and every node below it, in source order (as [`ast::walk`]).
    pub fn walk(&self, root: Node<'a>, mut f: impl FnMut(Node<'a>)) {
        let range = self.index.subtree(root);
        if range.is_empty() {
            return ast::walk(root, f);
        }
        for n in &self.index.nodes()[range] {
            f(*n);
        }
    }
}

/// A rule that judges one file's syntax tree.
pub trait StructuralRule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, ctx: &FileContext<'_>, out: &mut Vec<Finding>);
}
