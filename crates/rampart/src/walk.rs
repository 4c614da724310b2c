//! Finding the files to scan: `.gitignore`, `.rampartignore`, `--exclude` and config globs.

use anyhow::{bail, Context, Result};
use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::WalkBuilder;
use rampart_core::Language;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Directories that hold other people's code or build output, never the project's own.
const ALWAYS_SKIPPED_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".mypy_cache",
    "site-packages",
    ".terraform",
];

/// A file found by the walk, with the language it was detected as.
#[derive(Debug)]
pub struct Candidate {
    pub path: PathBuf,
    pub rel_path: String,
    pub language: Language,
}

pub struct WalkOptions<'a> {
    pub exclude: &'a [String],
    pub include: &'a [String],
}

fn globset(globs: &[String]) -> Result<Option<GlobSet>> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for g in globs {
        b.add(Glob::new(g).with_context(|| format!("bad glob `{g}`"))?);
        // `dir/` or `dir` also excludes everything below it.
        let trimmed = g.trim_end_matches('/');
        if !trimmed.contains('*') {
            b.add(Glob::new(&format!("{trimmed}/**")).with_context(|| format!("bad glob `{g}`"))?);
        }
    }
    Ok(Some(b.build()?))
}

/// Walks `root` (a directory or one file). Paths are reported relative to `base`.
pub fn walk(root: &Path, base: &Path, opts: &WalkOptions<'_>) -> Result<Vec<Candidate>> {
    if !root.exists() {
        bail!("{}: no such file or directory", root.display());
    }
    let exclude = globset(opts.exclude)?;
    let include = globset(opts.include)?;
    let mut out = Vec::new();
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .add_custom_ignore_filename(".rampartignore")
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && e.file_name()
                    .to_str()
                    .is_some_and(|n| ALWAYS_SKIPPED_DIRS.contains(&n)))
        })
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                eprintln!("warning: {err}");
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let rel = relative(path, base);
        if exclude.as_ref().is_some_and(|g| g.is_match(&rel)) {
            continue;
        }
        if include.as_ref().is_some_and(|g| !g.is_match(&rel)) {
            continue;
        }
        let Some(language) = detect(path) else {
            continue;
        };
        out.push(Candidate {
            path: path.to_path_buf(),
            rel_path: rel,
            language,
        });
    }
    out.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    Ok(out)
}

/// Detects by name first; reads the head of the file only when the name cannot tell
/// (extension-less scripts, YAML that may be a Kubernetes manifest).
fn detect(path: &Path) -> Option<Language> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let needs_head = !name.contains('.') || name.ends_with(".yml") || name.ends_with(".yaml");
    if !needs_head {
        return rampart_syntax::detect_language(path, None);
    }
    let mut head = [0u8; 2048];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let text = String::from_utf8_lossy(&head[..n]);
    rampart_syntax::detect_language(path, Some(&text))
}

/// `path` relative to `base` with forward slashes; the path itself when it is not below `base`.
pub fn relative(path: &Path, base: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    let s = s.strip_prefix("./").unwrap_or(&s).to_string();
    if s.is_empty() {
        path.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default()
    } else {
        s
    }
}
