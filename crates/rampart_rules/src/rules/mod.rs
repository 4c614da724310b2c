//! Rule areas. Each area module lists its rules in `RULES`.

pub mod crypto;
pub mod meta;
pub mod secrets;
pub mod transport;

use crate::StructuralRule;
use rampart_core::RuleMeta;

/// Every structural rule, area by area.
pub static STRUCTURAL_AREAS: &[&[&dyn StructuralRule]] =
    &[crypto::RULES, secrets::RULES, transport::RULES];

/// Rules that are not structural (taint rules, meta rules); their logic lives elsewhere.
pub static OTHER_RULES: &[&RuleMeta] = &[&meta::invalid_suppression::INVALID_SUPPRESSION];
