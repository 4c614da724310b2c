//! The application model: what a project exposes over HTTP (routes, their handlers and
//! parameters), which protections apply to each route (authentication, rate limiting, CSRF),
//! the rules that judge missing controls, and the exploitability context of taint findings.
//!
//! Routes are read from each file's syntax tree ([`extract`]), then joined project-wide
//! ([`AppModel::build`]) so that app-level middleware, router mounts, security configuration
//! and settings files apply to routes declared elsewhere.

pub mod classify;
pub mod context;
pub mod extract;
pub mod model;
pub mod render;
pub mod rules;

pub use extract::extract;
pub use model::{AppModel, FileFacts, Route, RouteParam};
pub use rules::{check, RULES};
