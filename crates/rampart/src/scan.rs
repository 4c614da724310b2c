//! The scan pipeline: walk → read → parse → per-file checks and lowering (in parallel) →
//! project-wide analyses → rule selection, suppressions → report.

use crate::catalog;
use crate::cli::{Format, ScanArgs};
use crate::progress::Progress;
use crate::walk::{self, Candidate, WalkOptions};
use anyhow::{bail, Context, Result};
use rampart_core::{finding::disambiguate_fingerprints, Config, Finding, Language, RuleMeta};
use rampart_iac::IacFile;
use rampart_ir::Module;
use rampart_report::{Note, NoteKind, ScanReport, ScanStats};
use rampart_rules::FileContext;
use rampart_syntax::{ProjectSettings, SourceFile, Suppression};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024;

pub struct ScanResult {
    pub root: PathBuf,
    pub findings: Vec<Finding>,
    pub notes: Vec<Note>,
    pub rules: Vec<&'static RuleMeta>,
    pub stats: ScanStats,
}

/// What one file contributes.
#[derive(Default)]
struct FileOutput {
    findings: Vec<Finding>,
    notes: Vec<Note>,
    iac: Option<IacFile>,
    module: Option<Module>,
    app: Option<rampart_app::FileFacts>,
    suppressions: Vec<Suppression>,
    lines: usize,
    analyzed: bool,
    /// The file is test code ([`rampart_syntax::is_test_code`]).
    test_code: bool,
    /// CPU time per stage of this file: read, parse, structural rules, app facts, lowering.
    timings: [Duration; 5],
    /// Time per structural rule, measured only when timings are printed.
    rule_timings: Vec<(&'static str, Duration)>,
}

/// Names of the per-file stages in [`FileOutput::timings`].
const FILE_STAGES: [&str; 5] = [
    "read",
    "parse",
    "structural rules",
    "app facts",
    "IR lowering",
];

/// Stage timings printed to stderr when `RAMPART_TIMINGS` is set: where a slow scan spends
/// its time, for benchmarks and bug reports.
struct Timings {
    enabled: bool,
    last: Instant,
}

impl Timings {
    fn new() -> Timings {
        Timings {
            enabled: std::env::var_os("RAMPART_TIMINGS").is_some(),
            last: Instant::now(),
        }
    }

    /// Prints the wall time since the previous phase ended.
    fn phase(&mut self, name: &str) {
        let now = Instant::now();
        if self.enabled {
            eprintln!(
                "timing: {name:<28} {:>8.3} s wall",
                (now - self.last).as_secs_f64()
            );
        }
        self.last = now;
    }

    fn file_stages(&self, totals: &[Duration; 5], rules: &HashMap<&'static str, Duration>) {
        if self.enabled {
            for (name, d) in FILE_STAGES.iter().zip(totals) {
                eprintln!("timing:   {name:<26} {:>8.3} s cpu", d.as_secs_f64());
                if *name == "structural rules" {
                    let mut by_rule: Vec<_> = rules.iter().collect();
                    by_rule.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                    for (rule, d) in by_rule.iter().take(10) {
                        eprintln!("timing:     {rule:<24} {:>8.3} s cpu", d.as_secs_f64());
                    }
                }
            }
        }
    }
}

/// Which rules run, from configuration and flags.
struct RuleSelection {
    enabled: Vec<&'static RuleMeta>,
}

impl RuleSelection {
    fn new(config: &Config, args: &ScanArgs) -> Result<RuleSelection> {
        let all = catalog::all_rules();
        let select: Vec<&String> = config.select.iter().chain(&args.select).collect();
        let ignore: Vec<&String> = config.ignore.iter().chain(&args.ignore).collect();
        for pat in select.iter().chain(&ignore) {
            if !all.iter().any(|r| matches_pattern(pat, r.id)) {
                bail!("unknown rule `{pat}` in select/ignore (run `rampart rules` to list them)");
            }
        }
        for id in config.severity.keys() {
            if !all.iter().any(|r| r.id == id) {
                bail!("unknown rule `{id}` in [severity]");
            }
        }
        let enabled = all
            .into_iter()
            .filter(|r| {
                let selected = if select.is_empty() {
                    r.status == rampart_core::RuleStatus::Stable
                } else {
                    select.iter().any(|p| matches_pattern(p, r.id))
                };
                selected && !ignore.iter().any(|p| matches_pattern(p, r.id))
            })
            .collect();
        Ok(RuleSelection { enabled })
    }

    /// Whether any dataflow rule runs (otherwise the IR is never built).
    fn any_taint_rule(&self) -> bool {
        rampart_rules::rules::injection::TAINT_RULES
            .iter()
            .any(|(meta, _, _)| self.is_enabled(meta.id))
    }

    fn is_enabled(&self, id: &str) -> bool {
        self.enabled.iter().any(|r| r.id == id)
    }
}

/// `weak-hash` matches itself; `docker-*` or `docker-` match a family; `ALL` matches every rule.
fn matches_pattern(pattern: &str, id: &str) -> bool {
    if pattern.eq_ignore_ascii_case("all") {
        return true;
    }
    match pattern.strip_suffix('*') {
        Some(prefix) => id.starts_with(prefix),
        None if pattern.ends_with('-') => id.starts_with(pattern),
        None => pattern == id,
    }
}

/// The directory reported paths are relative to.
fn scan_base(paths: &[PathBuf]) -> PathBuf {
    match paths {
        [one] if one.is_dir() => one.clone(),
        [one] => one
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(".")),
        _ => PathBuf::from("."),
    }
}

pub fn scan(args: &ScanArgs, config: &Config, show_progress: bool) -> Result<ScanResult> {
    let started = Instant::now();
    let mut timings = Timings::new();
    let selection = RuleSelection::new(config, args)?;
    let max_size = args
        .max_file_size
        .or(config.max_file_size)
        .unwrap_or(DEFAULT_MAX_FILE_SIZE);
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let base = scan_base(&paths);
    let exclude: Vec<String> = config
        .exclude
        .iter()
        .chain(&args.exclude)
        .cloned()
        .collect();
    let opts = WalkOptions {
        exclude: &exclude,
        include: &config.include,
    };
    let mut candidates: Vec<Candidate> = Vec::new();
    for p in &paths {
        candidates.extend(walk::walk(p, &base, &opts)?);
    }
    candidates.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    candidates.dedup_by(|a, b| a.rel_path == b.rel_path);

    let models =
        rampart_models::Models::load(config.models.as_ref()).map_err(|e| match &config.path {
            Some(p) => anyhow::anyhow!("{}: [models]: {e}", p.display()),
            None => anyhow::anyhow!("{e}"),
        })?;
    let run_taint = selection.any_taint_rule();
    let settings = read_settings(&candidates, max_size);
    timings.phase("walk, models, settings");
    let progress = Progress::new(candidates.len(), show_progress);
    let outputs: Vec<(String, FileOutput)> = candidates
        .par_iter()
        .filter(|c| c.language.is_analyzed())
        .map(|c| {
            let out = process_file(c, max_size, &settings, run_taint, timings.enabled);
            progress.inc();
            (c.rel_path.clone(), out)
        })
        .collect();
    progress.finish();
    timings.phase("per-file stages");

    let mut findings = Vec::new();
    let mut notes = Vec::new();
    let mut iac_models = Vec::new();
    let mut modules = Vec::new();
    let mut app_facts = Vec::new();
    let mut suppressions: HashMap<String, Vec<Suppression>> = HashMap::new();
    let mut test_files: HashSet<String> = HashSet::new();
    let mut stats = ScanStats::default();
    let mut stage_totals = [Duration::ZERO; 5];
    let mut rule_totals: HashMap<&'static str, Duration> = HashMap::new();
    for (path, out) in outputs {
        for (total, d) in stage_totals.iter_mut().zip(out.timings) {
            *total += d;
        }
        for (rule, d) in out.rule_timings {
            *rule_totals.entry(rule).or_default() += d;
        }
        if out.analyzed {
            stats.files_scanned += 1;
            stats.lines += out.lines;
        } else {
            stats.files_skipped += 1;
        }
        findings.extend(out.findings);
        notes.extend(out.notes);
        iac_models.extend(out.iac);
        modules.extend(out.module);
        app_facts.extend(out.app);
        if out.test_code {
            test_files.insert(path.clone());
        }
        if !out.suppressions.is_empty() {
            suppressions.insert(path, out.suppressions);
        }
    }
    timings.file_stages(&stage_totals, &rule_totals);
    findings.extend(rampart_iac::check(&iac_models));
    drop(iac_models);
    timings.phase("infrastructure rules");
    if run_taint && !modules.is_empty() {
        let analysis = rampart_dataflow::analyze(&modules, &models, &settings);
        findings.extend(rampart_rules::rules::injection::judge(&analysis.flows));
        notes.extend(analysis.notes.into_iter().map(|n| Note {
            path: Some(n.path),
            kind: NoteKind::Budget,
            message: n.message,
        }));
    }
    drop(modules);
    timings.phase("dataflow");
    let app = rampart_app::AppModel::build(app_facts);
    findings.extend(rampart_app::check(&app));
    rampart_app::context::contextualize(&app, &mut findings, |id| {
        rampart_rules::rules::injection::TAINT_RULES
            .iter()
            .any(|(meta, _, _)| meta.id == id)
    });

    timings.phase("application model");
    let findings = judge(findings, &selection, config, &suppressions, args);
    let findings = hide_test_findings(findings, &test_files, args, &mut notes);
    timings.phase("selection, suppressions");
    notes.sort_by(|a, b| a.path.cmp(&b.path));
    stats.duration = started.elapsed();
    Ok(ScanResult {
        root: base,
        findings,
        notes,
        rules: selection.enabled,
        stats,
    })
}

/// Values of the project's `.properties` and JSON settings files, for code that reads
/// settings by key.
fn read_settings(candidates: &[Candidate], max_size: u64) -> ProjectSettings {
    let mut settings = ProjectSettings::default();
    for c in candidates
        .iter()
        .filter(|c| matches!(c.language, Language::Properties | Language::Json))
    {
        if let Ok(f) = SourceFile::read(&c.path, c.rel_path.clone(), c.language, max_size) {
            settings.add_config_file(&c.rel_path, c.language, &f.text);
        }
    }
    settings
}

fn process_file(
    c: &Candidate,
    max_size: u64,
    settings: &ProjectSettings,
    lower_ir: bool,
    time_rules: bool,
) -> FileOutput {
    let mut out = FileOutput::default();
    let mut clock = Instant::now();
    let mut lap = |stage: usize, out: &mut FileOutput| {
        let now = Instant::now();
        out.timings[stage] += now - clock;
        clock = now;
    };
    let file = match SourceFile::read(&c.path, c.rel_path.clone(), c.language, max_size) {
        Ok(f) => f,
        Err(reason) => {
            out.notes.push(Note {
                path: Some(c.rel_path.clone()),
                kind: NoteKind::Skipped,
                message: reason.to_string(),
            });
            return out;
        }
    };
    out.analyzed = true;
    out.lines = file.lines.line_count();
    out.test_code = Language::APPLICATION.contains(&file.language)
        && rampart_syntax::is_test_code(&file.rel_path, &file.text);
    out.suppressions = rampart_syntax::scan_suppressions(file.language, &file.text, &file.lines);
    lap(0, &mut out);
    let parsed = match rampart_syntax::parse(file.language, &file.text) {
        Ok(p) => p,
        Err(e) => {
            out.notes.push(Note {
                path: Some(c.rel_path.clone()),
                kind: NoteKind::ParseError,
                message: format!("not analyzed: {e}"),
            });
            return out;
        }
    };
    if let Some(line) = parsed.first_error_line {
        out.notes.push(Note {
            path: Some(c.rel_path.clone()),
            kind: NoteKind::ParseError,
            message: format!(
                "syntax error at line {line}; analyzed as far as the parser recovered"
            ),
        });
    }
    lap(1, &mut out);
    let ctx = FileContext::new(&file, &parsed.tree, settings);
    for rule in rampart_rules::structural_rules() {
        if rule.meta().supports(file.language) {
            let started = time_rules.then(Instant::now);
            rule.check(&ctx, &mut out.findings);
            if let Some(t) = started {
                out.rule_timings.push((rule.meta().id, t.elapsed()));
            }
        }
    }
    out.iac = rampart_iac::prepare(&file, &parsed.tree);
    lap(2, &mut out);
    if Language::APPLICATION.contains(&file.language) {
        let facts = rampart_app::extract(&ctx);
        out.app = (!facts.is_empty()).then_some(facts);
    }
    lap(3, &mut out);
    if lower_ir && Language::APPLICATION.contains(&file.language) {
        out.module = rampart_ir::lower(&file, &parsed.tree).ok();
    }
    lap(4, &mut out);
    out
}

/// Rules whose findings stay visible in test code: a credential committed in a test leaks as
/// much as one in the application, and a suppression comment is checked wherever it is.
const REPORTED_IN_TESTS: &[&str] = &["hardcoded-secret", "invalid-suppression"];

/// Leaves out findings in test code (unless `--include-tests`), with one note saying how many.
fn hide_test_findings(
    findings: Vec<Finding>,
    test_files: &HashSet<String>,
    args: &ScanArgs,
    notes: &mut Vec<Note>,
) -> Vec<Finding> {
    if args.include_tests || test_files.is_empty() {
        return findings;
    }
    let before = findings.len();
    let kept: Vec<Finding> = findings
        .into_iter()
        .filter(|f| {
            REPORTED_IN_TESTS.contains(&f.rule_id.as_str())
                || !test_files.contains(&f.location.path)
        })
        .collect();
    let hidden = before - kept.len();
    if hidden > 0 {
        notes.push(Note {
            path: None,
            kind: NoteKind::Hidden,
            message: format!(
                "{hidden} {} in test code not shown (pass --include-tests to see {})",
                if hidden == 1 { "finding" } else { "findings" },
                if hidden == 1 { "it" } else { "them" }
            ),
        });
    }
    kept
}

/// Rule selection, severity overrides, confidence filter, suppressions, ordering, fingerprints.
fn judge(
    findings: Vec<Finding>,
    selection: &RuleSelection,
    config: &Config,
    suppressions: &HashMap<String, Vec<Suppression>>,
    args: &ScanArgs,
) -> Vec<Finding> {
    let mut used: HashMap<(&str, u32), bool> = HashMap::new();
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    for mut f in findings {
        if !selection.is_enabled(&f.rule_id) {
            continue;
        }
        if let Some(sev) = config.severity.get(&f.rule_id) {
            f.severity = *sev;
        }
        if args.min_confidence.is_some_and(|c| f.confidence < c) {
            continue;
        }
        if args.reachable_only && !rampart_app::context::is_reachable(&f) {
            continue;
        }
        let line = f.location.span.start_line;
        let suppressed = suppressions.get(&f.location.path).and_then(|list| {
            list.iter()
                .find(|s| s.covers(&f.rule_id, line))
                .map(|s| (f.location.path.as_str(), s.line))
        });
        match suppressed {
            Some((path, sline)) => {
                let key = (
                    suppressions
                        .get_key_value(path)
                        .map(|(k, _)| k.as_str())
                        .unwrap_or(""),
                    sline,
                );
                used.insert(key, true);
            }
            None => kept.push(f),
        }
    }
    if selection.is_enabled(rampart_rules::rules::meta::invalid_suppression::INVALID_SUPPRESSION.id)
    {
        kept.extend(suppression_findings(suppressions, &used, selection));
    }
    kept.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    disambiguate_fingerprints(&mut kept);
    kept
}

/// Suppressions without a reason, and suppressions that matched no finding of an enabled rule.
fn suppression_findings(
    suppressions: &HashMap<String, Vec<Suppression>>,
    used: &HashMap<(&str, u32), bool>,
    selection: &RuleSelection,
) -> Vec<Finding> {
    use rampart_rules::rules::meta::invalid_suppression::INVALID_SUPPRESSION as RULE;
    let mut out = Vec::new();
    for (path, list) in suppressions {
        for s in list {
            let location = rampart_core::Location {
                path: path.clone(),
                span: s.span,
            };
            let rules = if s.rules.is_empty() {
                "all rules".to_string()
            } else {
                s.rules.join(", ")
            };
            if s.reason.is_none() {
                out.push(
                    Finding::builder(
                        &RULE,
                        location.clone(),
                        format!("suppression of {rules} gives no reason"),
                    )
                    .anchor(format!("no-reason {rules}"))
                    .build(),
                );
            }
            let covers_disabled_only =
                !s.rules.is_empty() && s.rules.iter().all(|r| !selection.is_enabled(r));
            if !used.contains_key(&(path.as_str(), s.line)) && !covers_disabled_only {
                out.push(
                    Finding::builder(
                        &RULE,
                        location,
                        format!("suppression of {rules} suppresses nothing"),
                    )
                    .anchor(format!("unused {rules}"))
                    .build(),
                );
            }
        }
    }
    out
}

pub fn render(result: &ScanResult, format: Format, color: bool) -> String {
    let report = ScanReport {
        root: &result.root,
        findings: &result.findings,
        notes: &result.notes,
        rules: &result.rules,
        stats: &result.stats,
        tool_version: env!("CARGO_PKG_VERSION"),
    };
    match format {
        Format::Text => rampart_report::text::render(&report, color),
        Format::Json => rampart_report::json::render(&report),
        Format::Sarif => rampart_report::sarif::render(&report),
    }
}

/// `rampart routes PATH`: the application model of the files under `paths`.
pub fn routes(paths: &[PathBuf]) -> Result<rampart_app::AppModel> {
    let base = scan_base(paths);
    let opts = WalkOptions {
        exclude: &[],
        include: &[],
    };
    let mut candidates: Vec<Candidate> = Vec::new();
    for p in paths {
        candidates.extend(walk::walk(p, &base, &opts)?);
    }
    let facts = candidates
        .par_iter()
        .filter(|c| Language::APPLICATION.contains(&c.language))
        .filter_map(|c| {
            let file = SourceFile::read(
                &c.path,
                c.rel_path.clone(),
                c.language,
                DEFAULT_MAX_FILE_SIZE,
            )
            .ok()?;
            let parsed = rampart_syntax::parse(file.language, &file.text).ok()?;
            let settings = ProjectSettings::default();
            Some(rampart_app::extract(&FileContext::new(
                &file,
                &parsed.tree,
                &settings,
            )))
        })
        .collect();
    Ok(rampart_app::AppModel::build(facts))
}

/// `rampart ir FILE`.
pub fn ir_dump(path: &Path) -> Result<String> {
    let Some(language) = rampart_syntax::detect_language(path, None) else {
        bail!("{}: not a file type Rampart analyzes", path.display());
    };
    let rel = walk::relative(path, Path::new("."));
    let file = SourceFile::read(path, rel, language, u64::MAX)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let parsed = rampart_syntax::parse(language, &file.text)
        .with_context(|| format!("cannot parse {}", path.display()))?;
    let module = rampart_ir::lower(&file, &parsed.tree)?;
    Ok(rampart_ir::print::module_to_string(&module))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_patterns() {
        assert!(matches_pattern("weak-hash", "weak-hash"));
        assert!(!matches_pattern("weak-hash", "weak-hash-x"));
        assert!(matches_pattern("docker-*", "docker-root-user"));
        assert!(matches_pattern("ALL", "xss"));
    }
}
