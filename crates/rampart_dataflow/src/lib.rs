//! rampart_dataflow
