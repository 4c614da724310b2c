//! Inline suppressions: `rampart: ignore[rule-id, other-id] reason` in a comment on the finding's
//! line or the line above.

use rampart_core::{Language, LineIndex, Span};

const MARKER: &str = "rampart:";

/// One suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// 1-based line of the comment.
    pub line: u32,
    /// Whether the comment is alone on its line (then it applies to the next line).
    pub own_line: bool,
    /// Rule ids; empty means every rule.
    pub rules: Vec<String>,
    pub reason: Option<String>,
    pub span: Span,
}

impl Suppression {
    /// Whether this suppresses a finding of `rule` that starts on `line`.
    pub fn covers(&self, rule: &str, line: u32) -> bool {
        let line_ok = self.line == line || (self.own_line && self.line + 1 == line);
        line_ok && (self.rules.is_empty() || self.rules.iter().any(|r| r == rule))
    }
}

/// Finds the suppression comments in a file. A marker counts only after one of the language's
/// comment starters on the same line.
pub fn scan_suppressions(language: Language, text: &str, lines: &LineIndex) -> Vec<Suppression> {
    let mut out = Vec::new();
    if !text.contains(MARKER) {
        return out;
    }
    let markers = language.comment_markers();
    let mut offset = 0usize;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let line_start = offset;
        offset += line.len();
        let Some(pos) = line.find(MARKER) else {
            continue;
        };
        let before = &line[..pos];
        let Some(comment_at) = markers.iter().filter_map(|m| before.find(m)).min() else {
            continue;
        };
        let Some(parsed) = parse_directive(&line[pos + MARKER.len()..]) else {
            continue;
        };
        let own_line = before[..comment_at].trim().is_empty();
        let end = line_start + line.trim_end().len();
        out.push(Suppression {
            line: i as u32 + 1,
            own_line,
            rules: parsed.0,
            reason: parsed.1,
            span: lines.span(text, line_start + comment_at, end),
        });
    }
    out
}

fn parse_directive(rest: &str) -> Option<(Vec<String>, Option<String>)> {
    let rest = rest.trim_start();
    let rest = rest.strip_prefix("ignore")?;
    let (rules, tail) = if let Some(r) = rest.strip_prefix('[') {
        let close = r.find(']')?;
        let rules = r[..close]
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && s != "*" && s != "all")
            .collect();
        (rules, &r[close + 1..])
    } else if rest.is_empty() || rest.starts_with(char::is_whitespace) {
        (Vec::new(), rest)
    } else {
        return None;
    };
    let reason = tail
        .trim()
        .trim_end_matches("*/}")
        .trim_end_matches("*/")
        .trim_end_matches("-->")
        .trim()
        .trim_start_matches([':', '-', '—'])
        .trim();
    let reason = (!reason.is_empty()).then(|| reason.to_string());
    Some((rules, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(lang: Language, text: &str) -> Vec<Suppression> {
        scan_suppressions(lang, text, &LineIndex::new(text))
    }

    #[test]
    fn python_trailing_and_own_line() {
        let s = scan(
            Language::Python,
            "h = md5(x)  # rampart: ignore[weak-hash] cache key only\n# rampart: ignore[a, b]\ny = 1\n",
        );
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].rules, vec!["weak-hash"]);
        assert_eq!(s[0].reason.as_deref(), Some("cache key only"));
        assert!(!s[0].own_line);
        assert!(s[0].covers("weak-hash", 1));
        assert!(!s[0].covers("weak-hash", 2));
        assert_eq!(s[1].rules, vec!["a", "b"]);
        assert_eq!(s[1].reason, None);
        assert!(s[1].covers("b", 3));
    }

    #[test]
    fn block_comments_and_no_comment() {
        let s = scan(
            Language::Java,
            "int a; /* rampart: ignore[weak-random] test data */\n",
        );
        assert_eq!(s[0].reason.as_deref(), Some("test data"));
        let s = scan(Language::Python, "x = 'rampart: ignore[weak-hash] no'\n");
        assert!(s.is_empty());
        let s = scan(Language::JavaScript, "// rampart: ignored stuff\n");
        assert!(s.is_empty());
    }
}
