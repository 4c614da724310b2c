//! Field access by id: tree-sitter's by-name lookups compare the name against every field of
//! the grammar on each call, which dominated lowering time.

use rampart_core::Language;
use rustc_hash::FxHashMap;
use std::num::NonZeroU16;
use std::sync::OnceLock;
use tree_sitter::Node;

fn ids() -> &'static FxHashMap<String, NonZeroU16> {
    static IDS: OnceLock<FxHashMap<String, NonZeroU16>> = OnceLock::new();
    IDS.get_or_init(|| {
        let mut map = FxHashMap::default();
        if let Some(lang) = rampart_syntax::parse::grammar(Language::Python) {
            for id in 1..=lang.field_count() as u16 {
                if let (Some(name), Some(nz)) = (lang.field_name_for_id(id), NonZeroU16::new(id)) {
                    map.insert(name.to_string(), nz);
                }
            }
        }
        map
    })
}

pub(super) trait NodeExt<'t> {
    /// The first child in field `name`.
    fn field(&self, name: &str) -> Option<Node<'t>>;
    /// Every child in field `name`.
    fn fields(&self, name: &str) -> Vec<Node<'t>>;
}

impl<'t> NodeExt<'t> for Node<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>> {
        let id = ids().get(name)?;
        self.child_by_field_id(id.get())
    }

    fn fields(&self, name: &str) -> Vec<Node<'t>> {
        let Some(&id) = ids().get(name) else {
            return Vec::new();
        };
        let mut cursor = self.walk();
        self.children_by_field_id(id, &mut cursor).collect()
    }
}
