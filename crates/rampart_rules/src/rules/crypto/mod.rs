use crate::StructuralRule;

pub static RULES: &[&dyn StructuralRule] = &[];
