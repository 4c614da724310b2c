//! JSON report with a stable schema, documented field by field in `docs/json-schema.md`.
//! Deterministic: no timings or absolute paths, so two scans of the same tree diff cleanly.

use crate::source::Sources;
use crate::{Note, ScanReport};
use rampart_core::{Confidence, Context, Finding, RuleMeta, Severity};
use serde::Serialize;
use std::collections::HashMap;

/// Bumped on any incompatible change to the shape below.
pub const SCHEMA_VERSION: &str = "1";

#[derive(Serialize)]
struct Report<'a> {
    version: &'static str,
    tool: Tool<'a>,
    findings: Vec<JsonFinding<'a>>,
    notes: &'a [Note],
    stats: Stats,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    cwe: u32,
    severity: Severity,
    confidence: Confidence,
    path: &'a str,
    start_line: u32,
    start_col: u32,
    end_line: u32,
    end_col: u32,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<String>,
    trace: Vec<Step<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    context: Option<&'a Context>,
    fingerprint: &'a str,
}

#[derive(Serialize)]
struct Step<'a> {
    path: &'a str,
    start_line: u32,
    start_col: u32,
    end_line: u32,
    end_col: u32,
    message: &'a str,
}

#[derive(Serialize)]
struct Stats {
    files_scanned: usize,
    files_skipped: usize,
    lines: usize,
    findings: usize,
    by_severity: BySeverity,
}

#[derive(Serialize, Default)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

/// Renders the report as pretty-printed JSON ending in a newline.
pub fn render(report: &ScanReport) -> String {
    let rules: HashMap<&str, &RuleMeta> = report.rules.iter().map(|r| (r.id, *r)).collect();
    let mut sources = Sources::new(report.root);
    let findings = report
        .findings
        .iter()
        .map(|f| finding(f, rules.get(f.rule_id.as_str()).copied(), &mut sources))
        .collect();
    let mut by_severity = BySeverity::default();
    for f in report.findings {
        *match f.severity {
            Severity::Critical => &mut by_severity.critical,
            Severity::High => &mut by_severity.high,
            Severity::Medium => &mut by_severity.medium,
            Severity::Low => &mut by_severity.low,
            Severity::Info => &mut by_severity.info,
        } += 1;
    }
    let doc = Report {
        version: SCHEMA_VERSION,
        tool: Tool {
            name: "rampart",
            version: report.tool_version,
        },
        findings,
        notes: report.notes,
        stats: Stats {
            files_scanned: report.stats.files_scanned,
            files_skipped: report.stats.files_skipped,
            lines: report.stats.lines,
            findings: report.findings.len(),
            by_severity,
        },
    };
    let mut out = serde_json::to_string_pretty(&doc)
        .expect("the report holds only strings, numbers and plain enums");
    out.push('\n');
    out
}

fn finding<'a>(f: &'a Finding, rule: Option<&RuleMeta>, sources: &mut Sources) -> JsonFinding<'a> {
    let span = f.location.span;
    JsonFinding {
        rule_id: &f.rule_id,
        cwe: f.cwe,
        severity: f.severity,
        confidence: f.confidence,
        path: &f.location.path,
        start_line: span.start_line,
        start_col: span.start_col,
        end_line: span.end_line,
        end_col: span.end_col,
        message: &f.message,
        help: rule.map(|r| r.help).filter(|h| !h.is_empty()),
        snippet: sources
            .get(&f.location.path)
            .and_then(|source| source.snippet(f)),
        trace: f
            .trace
            .iter()
            .map(|step| Step {
                path: &step.location.path,
                start_line: step.location.span.start_line,
                start_col: step.location.span.start_col,
                end_line: step.location.span.end_line,
                end_col: step.location.span.end_col,
                message: &step.message,
            })
            .collect(),
        context: f.context.as_ref(),
        fingerprint: &f.fingerprint,
    }
}
