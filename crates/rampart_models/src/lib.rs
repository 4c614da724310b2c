//! rampart_models
