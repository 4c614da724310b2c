//! A file read from disk, checked for the limits that make it unanalyzable.

use rampart_core::{Language, LineIndex};
use std::path::{Path, PathBuf};

/// A text file to analyze.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as found on disk.
    pub path: PathBuf,
    /// Path relative to the scan root, with forward slashes (used in every report).
    pub rel_path: String,
    pub language: Language,
    pub text: String,
    pub lines: LineIndex,
}

/// Why a file was not analyzed. Each is reported as a note, never as an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    TooLarge { size: u64, limit: u64 },
    Binary,
    NotUtf8,
    Minified,
    Unreadable(String),
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::TooLarge { size, limit } => write!(
                f,
                "skipped: {size} bytes is over the {limit}-byte limit (--max-file-size)"
            ),
            SkipReason::Binary => f.write_str("skipped: binary file"),
            SkipReason::NotUtf8 => f.write_str("skipped: not valid UTF-8 text"),
            SkipReason::Minified => f.write_str("skipped: minified code"),
            SkipReason::Unreadable(e) => write!(f, "skipped: cannot read file: {e}"),
        }
    }
}

impl SourceFile {
    /// Reads a file, refusing binary, oversized, non-UTF-8 and minified files.
    pub fn read(
        path: &Path,
        rel_path: String,
        language: Language,
        max_size: u64,
    ) -> Result<SourceFile, SkipReason> {
        let size = std::fs::metadata(path)
            .map_err(|e| SkipReason::Unreadable(e.to_string()))?
            .len();
        if size > max_size {
            return Err(SkipReason::TooLarge {
                size,
                limit: max_size,
            });
        }
        let bytes = std::fs::read(path).map_err(|e| SkipReason::Unreadable(e.to_string()))?;
        SourceFile::from_bytes(path.to_path_buf(), rel_path, language, bytes)
    }

    pub fn from_bytes(
        path: PathBuf,
        rel_path: String,
        language: Language,
        bytes: Vec<u8>,
    ) -> Result<SourceFile, SkipReason> {
        if bytes[..bytes.len().min(8192)].contains(&0) {
            return Err(SkipReason::Binary);
        }
        let mut text = String::from_utf8(bytes).map_err(|_| SkipReason::NotUtf8)?;
        if text.starts_with('\u{feff}') {
            text.replace_range(..3, "");
        }
        if language.is_js_family() && is_minified(&rel_path, &text) {
            return Err(SkipReason::Minified);
        }
        let lines = LineIndex::new(&text);
        Ok(SourceFile {
            path,
            rel_path,
            language,
            text,
            lines,
        })
    }

    /// An in-memory file (tests, editors).
    pub fn from_text(rel_path: &str, language: Language, text: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from(rel_path),
            rel_path: rel_path.to_string(),
            language,
            lines: LineIndex::new(text),
            text: text.to_string(),
        }
    }

    pub fn span(&self, start: usize, end: usize) -> rampart_core::Span {
        self.lines.span(&self.text, start, end)
    }

    pub fn location(&self, start: usize, end: usize) -> rampart_core::Location {
        rampart_core::Location {
            path: self.rel_path.clone(),
            span: self.span(start, end),
        }
    }
}

/// Bundles and minified files: a `.min.` name, or long lines that make up most of the file.
fn is_minified(rel_path: &str, text: &str) -> bool {
    if rel_path.contains(".min.") || rel_path.ends_with(".bundle.js") {
        return true;
    }
    if text.len() < 2048 {
        return false;
    }
    let long: usize = text.lines().filter(|l| l.len() > 500).map(str::len).sum();
    long * 2 > text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_binary_and_minified() {
        let p = PathBuf::from("x.js");
        let bin = SourceFile::from_bytes(
            p.clone(),
            "x.js".into(),
            Language::JavaScript,
            vec![b'a', 0, b'b'],
        );
        assert_eq!(bin.unwrap_err(), SkipReason::Binary);
        let min = format!("var a={};", "x".repeat(5000));
        let r = SourceFile::from_bytes(
            p.clone(),
            "x.js".into(),
            Language::JavaScript,
            min.into_bytes(),
        );
        assert_eq!(r.unwrap_err(), SkipReason::Minified);
        let ok = SourceFile::from_bytes(
            p,
            "x.js".into(),
            Language::JavaScript,
            b"let a = 1;\n".to_vec(),
        );
        assert!(ok.is_ok());
    }
}
