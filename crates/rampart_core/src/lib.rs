//! Core types shared by every Rampart crate. This crate depends on no other Rampart crate.

pub mod config;
pub mod finding;
pub mod language;
pub mod rule;
pub mod severity;
pub mod span;

pub use config::{Config, ConfigError};
pub use finding::{AuthState, Context, Finding, FindingBuilder, Location, Reachability, TraceStep};
pub use language::Language;
pub use rule::{RuleMeta, RuleStatus};
pub use severity::{Confidence, Severity};
pub use span::{LineIndex, Span};
