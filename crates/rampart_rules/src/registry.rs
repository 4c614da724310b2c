use crate::rules;
use crate::StructuralRule;
use rampart_core::RuleMeta;

/// Every structural rule, in a stable order.
pub fn structural_rules() -> impl Iterator<Item = &'static dyn StructuralRule> {
    rules::STRUCTURAL_AREAS
        .iter()
        .flat_map(|a| a.iter().copied())
}

/// Metadata of every rule in this crate.
pub fn all_rules() -> Vec<&'static RuleMeta> {
    let mut v: Vec<&'static RuleMeta> = structural_rules().map(|r| r.meta()).collect();
    v.extend(rules::OTHER_RULES.iter().copied());
    v
}
