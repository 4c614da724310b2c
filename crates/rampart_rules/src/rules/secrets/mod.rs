pub mod detect;
pub mod hardcoded_secret;

use crate::StructuralRule;

pub static RULES: &[&dyn StructuralRule] = &[&hardcoded_secret::HardcodedSecret];
