//! Source text for code frames and snippets: each file is read once, spans are mapped back to
//! byte ranges, and secrets are masked before any of their text is shown.

use rampart_core::{Finding, LineIndex, Span};
use std::collections::VecDeque;
use std::ops::Range;
use std::path::Path;

/// The CWE of hard-coded credentials: the text of such a finding is the secret itself.
const HARD_CODED_CREDENTIALS: u32 = 798;

/// Characters of a secret left visible so a reader can recognize which one it is.
const VISIBLE_SECRET_CHARS: usize = 4;

/// Longest snippet line kept in machine-readable output (minified code has megabyte lines).
const MAX_SNIPPET_LINE_CHARS: usize = 240;

/// Most lines a snippet carries; longer spans (a whole function) keep their first lines.
const MAX_SNIPPET_LINES: usize = 5;

/// Files kept in memory at once. Findings arrive sorted by path, so each file is still read
/// once while memory stays bounded on a repository with findings in thousands of files.
const CACHED_FILES: usize = 8;

/// Lazily read files under the scan root.
pub(crate) struct Sources<'a> {
    root: &'a Path,
    /// Most recently used last.
    files: VecDeque<(String, Option<SourceText>)>,
}

impl<'a> Sources<'a> {
    pub(crate) fn new(root: &'a Path) -> Self {
        Sources {
            root,
            files: VecDeque::with_capacity(CACHED_FILES),
        }
    }

    /// The text of a file relative to the root, or `None` when it can no longer be read.
    pub(crate) fn get(&mut self, path: &str) -> Option<&SourceText> {
        match self.files.iter().position(|(p, _)| p == path) {
            Some(i) => {
                let entry = self.files.remove(i)?;
                self.files.push_back(entry);
            }
            None => {
                if self.files.len() == CACHED_FILES {
                    self.files.pop_front();
                }
                let text = read(&self.root.join(path));
                self.files.push_back((path.to_string(), text));
            }
        }
        self.files.back()?.1.as_ref()
    }
}

fn read(path: &Path) -> Option<SourceText> {
    let bytes = std::fs::read(path).ok()?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    Some(SourceText::new(text))
}

pub(crate) struct SourceText {
    pub(crate) text: String,
    lines: LineIndex,
}

/// The lines a span covers, ready to be shown: `text` starts at the beginning of `first_line`,
/// `range` is the span's byte range inside `text`.
pub(crate) struct Excerpt {
    pub(crate) text: String,
    pub(crate) first_line: u32,
    pub(crate) range: Range<usize>,
}

impl SourceText {
    pub(crate) fn new(text: String) -> Self {
        let lines = LineIndex::new(&text);
        SourceText { text, lines }
    }

    /// Byte range of a span. Byte offsets are not serialized, so they are trusted only when
    /// they agree with the line and column; otherwise the range is recomputed from those.
    pub(crate) fn byte_range(&self, span: &Span) -> Option<Range<usize>> {
        let text = self.text.as_str();
        let (start, end) = (span.start_byte as usize, span.end_byte as usize);
        if (start, end) != (0, 0)
            && start <= end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end)
            && self.lines.position(text, start) == (span.start_line, span.start_col)
            && self.lines.position(text, end) == (span.end_line, span.end_col)
        {
            return Some(start..end);
        }
        let start = self.offset(span.start_line, span.start_col)?;
        let end = if (span.end_line, span.end_col) > (span.start_line, span.start_col) {
            self.offset(span.end_line, span.end_col).unwrap_or(start)
        } else {
            start
        };
        Some(start..end.max(start))
    }

    /// Byte offset of a 1-based line and character column, clamped to the line's end.
    fn offset(&self, line: u32, col: u32) -> Option<usize> {
        if line == 0 || line as usize > self.lines.line_count() {
            return None;
        }
        let line_text = self.lines.line_text(&self.text, line);
        let within = line_text
            .char_indices()
            .nth(col.saturating_sub(1) as usize)
            .map_or(line_text.len(), |(i, _)| i);
        Some(self.lines.line_start(line) + within)
    }

    /// The whole lines a finding's span covers, with a secret masked.
    pub(crate) fn excerpt(&self, finding: &Finding) -> Option<Excerpt> {
        let range = self.byte_range(&finding.location.span)?;
        let text = self.text.as_str();
        let first = self.lines.line_start(self.lines.line_of(range.start));
        let last = text[range.end..]
            .find('\n')
            .map_or(text.len(), |i| range.end + i);
        let mut excerpt = text[first..last].trim_end_matches('\r').to_string();
        let range = range.start - first..(range.end - first).min(excerpt.len());
        if finding.cwe == HARD_CODED_CREDENTIALS {
            excerpt = mask_secret(&excerpt, range.clone());
        }
        Some(Excerpt {
            text: excerpt,
            first_line: self.lines.line_of(first),
            range,
        })
    }

    /// The source lines of a finding for machine-readable output: at most a few lines, each
    /// cut to a window around the span when it is very long.
    pub(crate) fn snippet(&self, finding: &Finding) -> Option<String> {
        let excerpt = self.excerpt(finding)?;
        let start_col = finding.location.span.start_col.saturating_sub(1) as usize;
        let lines: Vec<String> = excerpt
            .text
            .lines()
            .take(MAX_SNIPPET_LINES)
            .enumerate()
            .map(|(i, line)| {
                let line = line.trim_end_matches('\r');
                let anchor = if i == 0 { start_col } else { 0 };
                window(line, anchor)
            })
            .collect();
        Some(lines.join("\n"))
    }
}

/// A line cut to at most [`MAX_SNIPPET_LINE_CHARS`] characters, starting a little before
/// `anchor` (a character column) so the interesting part stays visible.
fn window(line: &str, anchor: usize) -> String {
    let len = line.chars().count();
    if len <= MAX_SNIPPET_LINE_CHARS {
        return line.to_string();
    }
    let start = anchor
        .saturating_sub(MAX_SNIPPET_LINE_CHARS / 4)
        .min(len - MAX_SNIPPET_LINE_CHARS);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(line.chars().skip(start).take(MAX_SNIPPET_LINE_CHARS));
    if start + MAX_SNIPPET_LINE_CHARS < len {
        out.push('…');
    }
    out
}

/// Replaces the characters of a secret with `*`, one for one so columns still line up. When the
/// span holds a quoted literal only its contents are masked, so `KEY = "…"` keeps its name; an
/// unquoted setting (`ENV DB_PASSWORD=…`, `password: …`) keeps its key.
pub(crate) fn mask_secret(text: &str, range: Range<usize>) -> String {
    let Some(span) = text.get(range.clone()) else {
        return text.to_string();
    };
    let secret = quoted_contents(span)
        .or_else(|| setting_value(span))
        .unwrap_or(0..span.len());
    let secret = range.start + secret.start..range.start + secret.end;
    let secret_chars = text[secret.clone()].chars().count();
    let visible = if secret_chars >= 3 * VISIBLE_SECRET_CHARS {
        VISIBLE_SECRET_CHARS
    } else {
        0
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..secret.start]);
    for (i, c) in text[secret.clone()].chars().enumerate() {
        // Line breaks stay so a multi-line key keeps its shape in the frame.
        out.push(if i < visible || c == '\n' || c == '\r' {
            c
        } else {
            '*'
        });
    }
    out.push_str(&text[secret.end..]);
    out
}

/// The byte range of the contents of the first quoted literal in `span`.
fn quoted_contents(span: &str) -> Option<Range<usize>> {
    let (open, quote) = span
        .char_indices()
        .find(|(_, c)| matches!(c, '"' | '\'' | '`'))?;
    let start = open + quote.len_utf8();
    let close = span[start..].rfind(quote)? + start;
    (close > start).then_some(start..close)
}

/// The byte range of the value of an unquoted `key=value`, `key: value` or `key value`.
fn setting_value(span: &str) -> Option<Range<usize>> {
    let (sep, c) = span
        .char_indices()
        .find(|&(_, c)| c == '=' || c == ':' || c.is_whitespace())?;
    let rest = &span[sep + c.len_utf8()..];
    let start = span.len() - rest.trim_start().len();
    (start < span.len()).then_some(start..span.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_core::Location;

    fn span(start_line: u32, start_col: u32, end_line: u32, end_col: u32) -> Span {
        Span {
            start_line,
            start_col,
            end_line,
            end_col,
            start_byte: 0,
            end_byte: 0,
        }
    }

    #[test]
    fn files_are_read_once_and_the_cache_is_bounded() {
        let dir = std::env::temp_dir().join(format!("rampart-sources-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..=CACHED_FILES {
            std::fs::write(dir.join(format!("{i}.py")), format!("x = {i}\n")).unwrap();
        }
        let mut sources = Sources::new(&dir);
        assert_eq!(sources.get("0.py").unwrap().text, "x = 0\n");
        std::fs::remove_file(dir.join("0.py")).unwrap();
        // Served from memory although the file is gone.
        assert_eq!(sources.get("0.py").unwrap().text, "x = 0\n");
        for i in 1..=CACHED_FILES {
            assert!(sources.get(&format!("{i}.py")).is_some());
        }
        assert_eq!(sources.files.len(), CACHED_FILES);
        // Evicted, and unreadable now: no text rather than an error.
        assert!(sources.get("0.py").is_none());
        assert!(sources.get("missing.py").is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn byte_ranges_come_from_columns_when_offsets_are_missing() {
        let src = SourceText::new("x = 1\nnom = \"café\" + é(q)\n".to_string());
        let range = src.byte_range(&span(2, 16, 2, 20)).unwrap();
        assert_eq!(&src.text[range], "é(q)");
    }

    #[test]
    fn stale_byte_offsets_are_ignored() {
        let src = SourceText::new("a = 1\nb = f(x)\n".to_string());
        let mut s = span(2, 5, 2, 9);
        s.start_byte = 1;
        s.end_byte = 3;
        assert_eq!(&src.text[src.byte_range(&s).unwrap()], "f(x)");
    }

    #[test]
    fn spans_past_the_end_have_no_range() {
        let src = SourceText::new("a = 1\n".to_string());
        assert!(src.byte_range(&span(9, 1, 9, 3)).is_none());
        assert!(src.byte_range(&span(0, 0, 0, 0)).is_none());
        // A column past the end of its line is clamped, not a panic.
        let r = src.byte_range(&span(1, 3, 1, 99)).unwrap();
        assert_eq!(&src.text[r], "= 1");
    }

    #[test]
    fn secrets_keep_their_name_and_quotes() {
        let line = "API_KEY = \"sk_live_51HxQ2eKz9aBcDeF\"";
        let masked = mask_secret(line, 0..line.len());
        assert_eq!(masked, "API_KEY = \"sk_l********************\"");
        assert_eq!(masked.chars().count(), line.chars().count());
        assert_eq!(mask_secret("pw = 'hunter2'", 5..14), "pw = '*******'");
        let env = "ENV DB_PASSWORD=correct-horse-battery";
        assert_eq!(
            mask_secret(env, 4..env.len()),
            "ENV DB_PASSWORD=corr*****************"
        );
        assert_eq!(mask_secret("password: s3cr3t", 0..16), "password: ******");
        assert_eq!(mask_secret("ghp_abc", 0..7), "*******");
    }

    #[test]
    fn snippets_of_secrets_are_masked_and_long_lines_windowed() {
        let meta = &rampart_core::RuleMeta {
            id: "hardcoded-secret",
            name: "HardcodedSecret",
            cwe: 798,
            other_cwes: &[],
            severity: rampart_core::Severity::High,
            languages: &[],
            status: rampart_core::RuleStatus::Stable,
            summary: "",
            help: "",
            docs: "",
        };
        let text = format!("token = \"ghp_{}\"\n", "a".repeat(36));
        let src = SourceText::new(text);
        let loc = Location {
            path: "a.py".into(),
            span: span(1, 9, 1, 51),
        };
        let f = rampart_core::Finding::builder(meta, loc, "token").build();
        let snippet = src.snippet(&f).unwrap();
        assert_eq!(snippet, format!("token = \"ghp_{}\"", "*".repeat(36)));

        let long = "x".repeat(1000);
        let w = window(&long, 500);
        assert_eq!(w.chars().count(), MAX_SNIPPET_LINE_CHARS + 2);
    }
}
