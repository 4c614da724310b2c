//! Command-line interface.

use crate::{catalog, scan};
use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use rampart_core::{Confidence, Config, Severity};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "rampart",
    version,
    about = "Security analyzer for code that AI assistants write",
    long_about = "Rampart follows attacker-controlled data across lines, functions and files, \
                  and checks Dockerfiles, Terraform, GitHub Actions, Kubernetes and Compose files."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan files and directories for security problems.
    Scan(ScanArgs),
    /// List the rules.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Print a rule's documentation.
    Explain {
        /// Rule id, e.g. `weak-hash`.
        rule: String,
    },
    /// Regenerate `docs/rules/*.md` from the rules' documentation.
    Docs {
        /// Directory to write to.
        #[arg(long, default_value = "docs/rules")]
        out: PathBuf,
        /// Fail (exit 1) if the directory is not up to date instead of writing.
        #[arg(long)]
        check: bool,
    },
    /// List the HTTP routes of an application with their authentication and rate limits.
    Routes {
        /// Files or directories to read.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
        #[arg(long, short, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Print the IR a file lowers to (for debugging the analysis).
    Ir { file: PathBuf },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

#[derive(clap::Args)]
pub struct ScanArgs {
    /// Files or directories to scan.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to this file instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Exit with 1 when a finding is at or above this severity (`none` never fails).
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    /// Skip files matching this glob (relative to the scanned directory); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Skip files larger than this many bytes.
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Configuration file (default: rampart.toml or [tool.rampart] in pyproject.toml, found
    /// from the first path upwards).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Only these rules (comma-separated ids); adds to the configuration's `select`.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Never these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Hide findings below this confidence.
    #[arg(long, value_name = "LEVEL")]
    pub min_confidence: Option<Confidence>,
    /// Hide dataflow findings not reachable from an HTTP entry point.
    #[arg(long)]
    pub reachable_only: bool,
    /// Also report findings in test code (hidden by default, except leaked credentials).
    #[arg(long)]
    pub include_tests: bool,
    /// Do not show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Number of threads (default: one per core).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Rules { format } => {
            let rules = catalog::all_rules();
            let out = match format {
                ListFormat::Json => serde_json::to_string_pretty(&rules)? + "\n",
                ListFormat::Text => {
                    let mut s = format!(
                        "{:<34} {:<9} {:<9} {:<8} {}\n",
                        "RULE", "CWE", "SEVERITY", "STATUS", "LANGUAGES"
                    );
                    for r in &rules {
                        let langs = r
                            .languages
                            .iter()
                            .map(|l| l.name())
                            .collect::<Vec<_>>()
                            .join(",");
                        s.push_str(&format!(
                            "{:<34} {:<9} {:<9} {:<8} {}\n",
                            r.id,
                            format!("CWE-{}", r.cwe),
                            r.severity.as_str(),
                            r.status.as_str(),
                            langs
                        ));
                    }
                    s.push_str(&format!("{} rules\n", rules.len()));
                    s
                }
            };
            print_stdout(&out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { rule } => {
            let Some(meta) = catalog::find(&rule) else {
                bail!("unknown rule `{rule}` (run `rampart rules` to list them)");
            };
            print_stdout(&catalog::rule_page(meta))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Docs { out, check } => run_docs(&out, check),
        Command::Routes { paths, format } => {
            let model = scan::routes(&paths)?;
            let out = match format {
                ListFormat::Json => rampart_app::render::json(&model),
                ListFormat::Text => rampart_app::render::text(&model),
            };
            print_stdout(&out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Ir { file } => {
            print_stdout(&scan::ir_dump(&file)?)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_stdout(s: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        // A closed pipe (`rampart rules | head`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.context("cannot write to standard output"),
    }
}

fn run_docs(out: &Path, check: bool) -> Result<ExitCode> {
    let files = catalog::doc_files();
    if check {
        let mut stale = Vec::new();
        for (name, content) in &files {
            let p = out.join(name);
            if std::fs::read_to_string(&p).ok().as_deref() != Some(content.as_str()) {
                stale.push(p.display().to_string());
            }
        }
        if stale.is_empty() {
            println!("{} rule pages are up to date", files.len());
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "stale rule documentation (run `cargo run -- docs`):\n  {}",
            stale.join("\n  ")
        );
        return Ok(ExitCode::from(1));
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    for entry in std::fs::read_dir(out)? {
        let p = entry?.path();
        if p.extension().is_some_and(|e| e == "md") {
            std::fs::remove_file(&p)?;
        }
    }
    for (name, content) in &files {
        std::fs::write(out.join(name), content)
            .with_context(|| format!("cannot write {}", out.join(name).display()))?;
    }
    println!("wrote {} pages to {}", files.len(), out.display());
    Ok(ExitCode::SUCCESS)
}

/// The severity threshold for the exit code; `None` never fails.
fn fail_threshold(cli: Option<&str>, config: &Config) -> Result<Option<Severity>> {
    let value = cli.or(config.fail_on.as_deref()).unwrap_or("low");
    if value.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    value
        .parse::<Severity>()
        .map(Some)
        .map_err(|e| anyhow::anyhow!("--fail-on: {e}"))
}

fn run_scan(args: ScanArgs) -> Result<ExitCode> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .ok();
    }
    let first = args
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    let config = match &args.config {
        Some(p) => Config::load(p)?,
        None => {
            let dir = if first.is_dir() {
                first.clone()
            } else {
                first
                    .parent()
                    .map(Path::to_path_buf)
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or_else(|| PathBuf::from("."))
            };
            Config::discover(&dir)?
        }
    };
    let threshold = fail_threshold(args.fail_on.as_deref(), &config)?;
    let result = scan::scan(&args, &config, !args.no_progress)?;

    let color = args.output.is_none()
        && args.format == Format::Text
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let rendered = scan::render(&result, args.format, color);
    match &args.output {
        Some(path) => std::fs::write(path, rendered)
            .with_context(|| format!("cannot write report to {}", path.display()))?,
        None => print_stdout(&rendered)?,
    }
    let failed = threshold.is_some_and(|t| result.findings.iter().any(|f| f.severity >= t));
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
