//! Reports: text (code frames), JSON (stable schema), SARIF 2.1.0. Reporters only read findings.

pub mod json;
pub mod sarif;
mod source;
pub mod text;

use rampart_core::{Finding, RuleMeta};
use serde::Serialize;
use std::path::Path;
use std::time::Duration;

/// Something the user should know that is not a finding: a skipped file, a syntax error, a
/// budget that was hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub kind: NoteKind,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    /// A file that was not analyzed (binary, too large, minified, unreadable).
    Skipped,
    /// A file with syntax errors; analyzed as far as the parser recovered.
    ParseError,
    /// An analysis budget was hit; results for the file may be incomplete.
    Budget,
    /// Findings left out of the report by a default filter (findings in test code).
    Hidden,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ScanStats {
    pub files_scanned: usize,
    pub files_skipped: usize,
    pub lines: usize,
    #[serde(skip)]
    pub duration: Duration,
}

/// Everything a reporter needs.
pub struct ScanReport<'a> {
    /// The directory findings' paths are relative to (SARIF `%SRCROOT%`).
    pub root: &'a Path,
    /// Sorted by path, line, column, rule.
    pub findings: &'a [Finding],
    pub notes: &'a [Note],
    /// Every rule that was enabled for the scan.
    pub rules: &'a [&'static RuleMeta],
    pub stats: &'a ScanStats,
    pub tool_version: &'a str,
}
