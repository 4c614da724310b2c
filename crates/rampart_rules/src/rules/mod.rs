//! Rule areas. Each area module lists its rules.

pub mod meta;

use crate::StructuralRule;
use rampart_core::RuleMeta;

pub static STRUCTURAL: &[&dyn StructuralRule] = &[];

/// Rules that are not structural (taint rules, meta rules); their logic lives elsewhere.
pub static OTHER_RULES: &[&RuleMeta] = &[&meta::invalid_suppression::INVALID_SUPPRESSION];
