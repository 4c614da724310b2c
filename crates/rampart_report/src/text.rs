//! Human-readable diagnostics with code frames, in the style of rustc and ruff.

use crate::source::Sources;
use crate::{Note, NoteKind, ScanReport};
use annotate_snippets::renderer::{AnsiColor, Style};
use annotate_snippets::{
    normalize_untrusted_str, AnnotationKind, Group, Level, Origin, Renderer, Snippet,
};
use rampart_core::{AuthState, Context, Finding, Reachability, RuleMeta, Severity, TraceStep};
use std::collections::HashMap;
use std::fmt::Write;

/// Skipped-file notes shown before the rest are summarized in one line (a vendored tree can
/// hold thousands of minified files; JSON output lists them all).
const MAX_SKIPPED_NOTES: usize = 10;

/// Renders every finding with a code frame, then the notes, then a one-line summary.
pub fn render(report: &ScanReport, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let rules: HashMap<&str, &RuleMeta> = report.rules.iter().map(|r| (r.id, *r)).collect();
    let mut sources = Sources::new(report.root);
    let mut out = String::new();
    for finding in report.findings {
        let rule = rules.get(finding.rule_id.as_str()).copied();
        out.push_str(&render_finding(&renderer, finding, rule, &mut sources));
        out.push_str("\n\n");
    }
    render_notes(&renderer, report.notes, &mut out);
    out.push_str(&summary(report, color));
    out.push('\n');
    out
}

fn render_finding(
    renderer: &Renderer,
    finding: &Finding,
    rule: Option<&RuleMeta>,
    sources: &mut Sources,
) -> String {
    let title = format!("{} (CWE-{})", clean(&finding.message), finding.cwe);
    let title = level(finding.severity)
        .with_name(finding.severity.as_str())
        .primary_title(title)
        .id(finding.rule_id.as_str());
    let location = &finding.location;
    let path = normalize_untrusted_str(&location.path);
    let excerpt = sources
        .get(&location.path)
        .and_then(|source| source.excerpt(finding));
    let label = rule.map(|r| r.summary).filter(|s| !s.is_empty());
    let mut group = match &excerpt {
        Some(excerpt) => title.element(
            Snippet::source(excerpt.text.as_str())
                .line_start(excerpt.first_line as usize)
                .path(path.as_str())
                .annotation(
                    AnnotationKind::Primary
                        .span(excerpt.range.clone())
                        .label(label),
                ),
        ),
        // The file changed or vanished since the scan: still say where the finding was.
        None if location.span.start_line == 0 => title.element(Origin::path(path.as_str())),
        None => title.element(
            Origin::path(path.as_str())
                .line(location.span.start_line as usize)
                .char_column(location.span.start_col.max(1) as usize),
        ),
    };
    group = group.element(Level::NOTE.message(format!(
        "severity: {}, confidence: {}",
        finding.severity, finding.confidence
    )));
    if let Some(context) = &finding.context {
        group = group.element(Level::NOTE.message(clean(&describe_context(context))));
    }
    if !finding.trace.is_empty() {
        group = group.element(Level::NOTE.message(describe_trace(&finding.trace)));
    }
    if let Some(help) = rule.map(|r| r.help).filter(|h| !h.is_empty()) {
        group = group.element(Level::HELP.message(help));
    }
    renderer.render(&[group])
}

/// The annotate-snippets level whose color fits a severity; the printed name is the severity.
fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Critical | Severity::High => Level::ERROR,
        Severity::Medium => Level::WARNING,
        Severity::Low => Level::NOTE,
        Severity::Info => Level::INFO,
    }
}

fn describe_context(context: &Context) -> String {
    let mut parts = Vec::new();
    let route = [context.method.as_deref(), context.route.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let entry = match (&context.entry_point, route.is_empty()) {
        (Some(entry), false) => Some(format!("{route} (`{entry}`)")),
        (Some(entry), true) => Some(format!("`{entry}`")),
        (None, false) => Some(route),
        (None, true) => None,
    };
    if let Some(entry) = entry {
        parts.push(format!("entry point {entry}"));
    }
    if let Some(parameter) = &context.parameter {
        parts.push(format!("parameter `{parameter}`"));
    }
    parts.push(
        match context.auth {
            AuthState::Required => "authentication required",
            AuthState::Public => "no authentication",
            AuthState::Unknown => "authentication unknown",
        }
        .to_string(),
    );
    parts.push(
        match context.reachability {
            Reachability::PublicRoute => "reachable from a public route",
            Reachability::AuthenticatedRoute => "reachable from an authenticated route",
            Reachability::NotReachable => "not reachable from an entry point",
            Reachability::Unknown => "reachability unknown",
        }
        .to_string(),
    );
    format!("context: {}", parts.join("; "))
}

/// Source → steps → sink, one numbered line per step.
fn describe_trace(trace: &[TraceStep]) -> String {
    let mut out = String::from("trace:");
    for (i, step) in trace.iter().enumerate() {
        let span = step.location.span;
        let _ = write!(
            out,
            "\n{}. {}:{}:{}: {}",
            i + 1,
            clean(&step.location.path),
            span.start_line,
            span.start_col,
            clean(&step.message)
        );
    }
    out
}

/// Message text from the scanned code, made safe to print on one line: control characters
/// (terminal escapes, bidi overrides) become visible symbols.
fn clean(text: &str) -> String {
    normalize_untrusted_str(&text.replace(['\n', '\r'], " "))
}

fn render_notes(renderer: &Renderer, notes: &[Note], out: &mut String) {
    let mut skipped = 0;
    for note in notes {
        if note.kind == NoteKind::Skipped {
            skipped += 1;
            if skipped > MAX_SKIPPED_NOTES {
                continue;
            }
        }
        let (level, id) = match note.kind {
            NoteKind::Skipped => (Level::NOTE, "skipped"),
            NoteKind::ParseError => (Level::WARNING, "parse-error"),
            NoteKind::Budget => (Level::WARNING, "budget"),
            NoteKind::Hidden => (Level::NOTE, "hidden"),
        };
        let text = match &note.path {
            Some(path) => format!("{}: {}", path, note.message),
            None => note.message.clone(),
        };
        let title = level.primary_title(clean(&text)).id(id);
        out.push_str(&renderer.render(&[Group::with_title(title)]));
        out.push('\n');
    }
    if skipped > MAX_SKIPPED_NOTES {
        let more = skipped - MAX_SKIPPED_NOTES;
        let title = Level::NOTE
            .primary_title(format!(
                "{more} more skipped {} (the JSON report lists them all)",
                plural(more, "file", "files")
            ))
            .id("skipped");
        out.push_str(&renderer.render(&[Group::with_title(title)]));
        out.push('\n');
    }
    if !notes.is_empty() {
        out.push('\n');
    }
}

/// `Scanned 12 files (3,456 lines) in 0.42s: 3 findings (1 critical, 2 high)`.
fn summary(report: &ScanReport, color: bool) -> String {
    let stats = report.stats;
    let mut line = format!(
        "Scanned {} {} ({} {}",
        thousands(stats.files_scanned),
        plural(stats.files_scanned, "file", "files"),
        thousands(stats.lines),
        plural(stats.lines, "line", "lines"),
    );
    if stats.files_skipped > 0 {
        let _ = write!(line, ", {} skipped", thousands(stats.files_skipped));
    }
    let _ = write!(line, ") in {:.2}s: ", stats.duration.as_secs_f64());
    let total = report.findings.len();
    let (result, style) = if total == 0 {
        ("no findings".to_string(), AnsiColor::Green.on_default())
    } else {
        let counts: Vec<String> = Severity::ALL
            .iter()
            .filter_map(|&sev| {
                let n = report.findings.iter().filter(|f| f.severity == sev).count();
                (n > 0).then(|| format!("{n} {sev}"))
            })
            .collect();
        let text = format!(
            "{} {} ({})",
            thousands(total),
            plural(total, "finding", "findings"),
            counts.join(", ")
        );
        (text, AnsiColor::Red.on_default())
    };
    if color {
        let style: Style = style.bold();
        let _ = write!(line, "{style}{result}{style:#}");
    } else {
        line.push_str(&result);
    }
    line
}

fn plural<'s>(n: usize, one: &'s str, many: &'s str) -> &'s str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// `12345` → `12,345`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn untrusted_text_cannot_emit_terminal_escapes() {
        let cleaned = clean("x\u{1b}[31mred\nnext");
        assert!(!cleaned.contains('\u{1b}') && !cleaned.contains('\n'));
    }
}
