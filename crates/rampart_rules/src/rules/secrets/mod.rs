pub mod detect;
pub mod hardcoded_secret;
mod signing_key;

use crate::StructuralRule;

pub static RULES: &[&dyn StructuralRule] = &[&hardcoded_secret::HardcodedSecret];
