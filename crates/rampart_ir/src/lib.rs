//! rampart_ir
