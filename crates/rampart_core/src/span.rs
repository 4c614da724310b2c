use serde::{Deserialize, Serialize};

/// A region of a source file. Lines and columns are 1-based; columns count characters.
/// Byte offsets are 0-based and half-open.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
pub struct Span {
    pub start_line: u32,
    pub start_col: u32,
    pub end_line: u32,
    pub end_col: u32,
    #[serde(skip)]
    pub start_byte: u32,
    #[serde(skip)]
    pub end_byte: u32,
}

impl Span {
    /// The smallest span that covers both.
    pub fn cover(self, other: Span) -> Span {
        let (start, end) = (self.min(other), self.max_end(other));
        Span {
            start_line: start.start_line,
            start_col: start.start_col,
            start_byte: start.start_byte,
            end_line: end.end_line,
            end_col: end.end_col,
            end_byte: end.end_byte,
        }
    }

    fn max_end(self, other: Span) -> Span {
        if (self.end_line, self.end_col) >= (other.end_line, other.end_col) {
            self
        } else {
            other
        }
    }

    pub fn byte_range(self) -> std::ops::Range<usize> {
        self.start_byte as usize..self.end_byte as usize
    }
}

/// Maps byte offsets of one file to 1-based lines and character columns.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        LineIndex { line_starts }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, byte: usize) -> u32 {
        match self.line_starts.binary_search(&(byte as u32)) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    /// Byte offset where a 1-based line starts.
    pub fn line_start(&self, line: u32) -> usize {
        self.line_starts
            .get(line.saturating_sub(1) as usize)
            .copied()
            .unwrap_or(0) as usize
    }

    /// (line, column), both 1-based, column in characters.
    pub fn position(&self, text: &str, byte: usize) -> (u32, u32) {
        let byte = byte.min(text.len());
        let line = self.line_of(byte);
        let start = self.line_start(line);
        let col = text
            .get(start..byte)
            .map(|s| s.chars().count())
            .unwrap_or(byte - start);
        (line, col as u32 + 1)
    }

    pub fn span(&self, text: &str, start: usize, end: usize) -> Span {
        let (start_line, start_col) = self.position(text, start);
        let (end_line, end_col) = self.position(text, end.max(start));
        Span {
            start_line,
            start_col,
            end_line,
            end_col,
            start_byte: start as u32,
            end_byte: end.max(start) as u32,
        }
    }

    /// The text of a 1-based line without its line terminator.
    pub fn line_text<'a>(&self, text: &'a str, line: u32) -> &'a str {
        let start = self.line_start(line);
        let end = self
            .line_starts
            .get(line as usize)
            .map(|e| *e as usize)
            .unwrap_or(text.len());
        text.get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_chars() {
        let text = "ab\nçd = 1\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(text, 0), (1, 1));
        assert_eq!(idx.position(text, 3), (2, 1));
        let d = text.find('d').unwrap();
        assert_eq!(idx.position(text, d), (2, 2));
        assert_eq!(idx.line_text(text, 2), "çd = 1");
        assert_eq!(idx.line_count(), 3);
    }
}
