//! A small POSIX shell reader for `RUN` scripts: splits a script into pipelines of simple commands
//! (on `&&`, `||`, `;`, `&`, `|`, newlines, subshells and groups) and each command into unquoted
//! words. It does not expand variables; checks look at literal words.

/// One simple command, e.g. `curl -fsSL https://x | bash` is two commands in one pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// `NAME=value` words before the command name.
    pub assignments: Vec<(String, String)>,
    /// The command name and its arguments, quotes removed.
    pub words: Vec<String>,
    /// Byte range in the script text.
    pub start: usize,
    pub end: usize,
    /// Index of the pipeline this command belongs to, and its position inside it.
    pub pipeline: usize,
    pub stage: usize,
}

#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word {
        text: String,
        start: usize,
        end: usize,
    },
    /// `&&`, `||`, `;`, `&`, newline, `(`, `)`, `{`, `}` (as separators).
    Break,
    Pipe,
    /// A redirection operator; the next word is its target.
    Redirect {
        takes_target: bool,
    },
}

/// Splits `script` into simple commands. Command substitutions (`$(...)`, backticks, `<(...)`)
/// stay inside their word and are also read as commands of their own, so `bash -c "$(curl ...)"`
/// yields both the `bash` and the `curl` command.
pub fn parse(script: &str) -> Vec<Command> {
    let mut out = Vec::new();
    let mut pipeline = 0;
    parse_into(script, 0, &mut out, &mut pipeline, 0);
    out
}

fn parse_into(
    script: &str,
    base: usize,
    out: &mut Vec<Command>,
    pipeline: &mut usize,
    depth: usize,
) {
    let mut nested = Vec::new();
    let tokens = tokenize(script, &mut nested);
    let mut current: Option<Command> = None;
    let mut stage = 0;
    let mut skip_target = false;
    for tok in tokens {
        match tok {
            Token::Word { text, start, end } => {
                if skip_target {
                    skip_target = false;
                    continue;
                }
                let cmd = current.get_or_insert_with(|| Command {
                    assignments: Vec::new(),
                    words: Vec::new(),
                    start: base + start,
                    end: base + end,
                    pipeline: *pipeline,
                    stage,
                });
                cmd.end = base + end;
                if cmd.words.is_empty() {
                    if let Some((name, value)) = assignment(&text) {
                        cmd.assignments.push((name, value));
                        continue;
                    }
                }
                cmd.words.push(text);
            }
            Token::Redirect { takes_target } => skip_target = takes_target,
            Token::Pipe => {
                skip_target = false;
                if let Some(c) = current.take() {
                    out.push(c);
                }
                stage += 1;
            }
            Token::Break => {
                skip_target = false;
                if let Some(c) = current.take() {
                    out.push(c);
                }
                *pipeline += 1;
                stage = 0;
            }
        }
    }
    if let Some(c) = current.take() {
        out.push(c);
    }
    *pipeline += 1;
    // Bounded: substitutions nested deeper than this are left as plain words.
    if depth < 4 {
        for (start, end) in nested {
            if let Some(inner) = script.get(start..end) {
                parse_into(inner, base + start, out, pipeline, depth + 1);
            }
        }
    }
}

fn assignment(word: &str) -> Option<(String, String)> {
    let (name, value) = word.split_once('=')?;
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(|| (name.to_string(), value.to_string()))
}

fn tokenize(s: &str, nested: &mut Vec<(usize, usize)>) -> Vec<Token> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\\' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'\n' | b';' | b'(' | b')' => {
                out.push(Token::Break);
                i += 1;
            }
            b'&' if b.get(i + 1) == Some(&b'>') => {
                i += if b.get(i + 2) == Some(&b'>') { 3 } else { 2 };
                out.push(Token::Redirect { takes_target: true });
            }
            b'&' => {
                out.push(Token::Break);
                i += if b.get(i + 1) == Some(&b'&') { 2 } else { 1 };
            }
            b'|' => {
                if b.get(i + 1) == Some(&b'|') {
                    out.push(Token::Break);
                    i += 2;
                } else {
                    out.push(Token::Pipe);
                    i += if b.get(i + 1) == Some(&b'&') { 2 } else { 1 };
                }
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'<' if b.get(i + 1) == Some(&b'(') => {
                let end = matching_paren(b, i + 1);
                nested.push((i + 2, end.saturating_sub(1).max(i + 2)));
                out.push(Token::Word {
                    text: s.get(i..end).unwrap_or("").to_string(),
                    start: i,
                    end,
                });
                i = end;
            }
            b'<' | b'>' => {
                i = redirect(b, i, &mut out);
            }
            b'0'..=b'9' if redirect_follows_digits(b, i) => {
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                i = redirect(b, i, &mut out);
            }
            b'{' | b'}'
                if b.get(i + 1)
                    .is_none_or(|n| n.is_ascii_whitespace() || *n == b';') =>
            {
                out.push(Token::Break);
                i += 1;
            }
            _ => {
                let (text, end) = word(s, i, nested);
                out.push(Token::Word {
                    text,
                    start: i,
                    end,
                });
                i = end.max(i + 1);
            }
        }
    }
    out
}

fn redirect_follows_digits(b: &[u8], mut i: usize) -> bool {
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    matches!(b.get(i), Some(b'<') | Some(b'>'))
}

/// Reads a redirection operator at `i` (`>`, `>>`, `<`, `<<<`, `>&2`, `<&0`...).
fn redirect(b: &[u8], mut i: usize, out: &mut Vec<Token>) -> usize {
    let first = b[i];
    i += 1;
    while i < b.len() && (b[i] == first || b[i] == b'|') {
        i += 1;
    }
    if b.get(i) == Some(&b'&') {
        // `2>&1`, `>&-`: the target is part of the operator.
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'-') {
            i += 1;
        }
        out.push(Token::Redirect {
            takes_target: false,
        });
        return i;
    }
    out.push(Token::Redirect { takes_target: true });
    i
}

/// Index just past the `)` matching the `(` at `open`.
fn matching_paren(b: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' && q == b'"' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b'\\' => i += 1,
                b'(' => depth += 1,
                b')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    b.len()
}

/// Reads one word starting at `start`; returns its unquoted text and end offset.
fn word(s: &str, start: usize, nested: &mut Vec<(usize, usize)>) -> (String, usize) {
    let b = s.as_bytes();
    let mut text = String::new();
    let mut i = start;
    let push = |text: &mut String, from: usize, to: usize| {
        if let Some(part) = s.get(from..to) {
            text.push_str(part);
        }
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b')' => break,
            b'(' if text.is_empty() => break,
            b'\\' => {
                let len = s
                    .get(i + 1..)
                    .and_then(|r| r.chars().next())
                    .map_or(1, char::len_utf8);
                // A backslash-newline is a line continuation: it joins, it adds nothing.
                if b.get(i + 1) != Some(&b'\n') {
                    push(&mut text, i + 1, i + 1 + len);
                }
                i += 1 + len;
            }
            b'\'' => {
                let end = s[i + 1..].find('\'').map(|p| i + 1 + p).unwrap_or(b.len());
                push(&mut text, i + 1, end);
                i = end + 1;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\'
                        && i + 1 < b.len()
                        && matches!(b[i + 1], b'"' | b'\\' | b'$' | b'`')
                    {
                        push(&mut text, i + 1, i + 2);
                        i += 2;
                        continue;
                    }
                    if b[i] == b'$' && b.get(i + 1) == Some(&b'(') {
                        let end = matching_paren(b, i + 1);
                        nested.push((i + 2, end.saturating_sub(1).max(i + 2)));
                        push(&mut text, i, end);
                        i = end;
                        continue;
                    }
                    let ch_len = s[i..].chars().next().map_or(1, char::len_utf8);
                    push(&mut text, i, i + ch_len);
                    i += ch_len;
                }
                i += 1;
            }
            b'`' => {
                let end = s[i + 1..].find('`').map(|p| i + 1 + p).unwrap_or(b.len());
                nested.push((i + 1, end));
                push(&mut text, i, (end + 1).min(b.len()));
                i = end + 1;
            }
            b'$' if b.get(i + 1) == Some(&b'(') => {
                let end = matching_paren(b, i + 1);
                nested.push((i + 2, end.saturating_sub(1).max(i + 2)));
                push(&mut text, i, end);
                i = end;
            }
            _ => {
                let ch_len = s[i..].chars().next().map_or(1, char::len_utf8);
                push(&mut text, i, i + ch_len);
                i += ch_len;
            }
        }
    }
    (text, i.min(b.len()))
}

/// Programs that only run their arguments as another command; `sudo -E bash -` runs `bash`.
const WRAPPERS: &[&str] = &[
    "sudo", "env", "exec", "nohup", "time", "command", "nice", "doas", "su-exec", "gosu",
];

impl Command {
    /// The command name and arguments after wrappers such as `sudo`, `env` and `exec`.
    pub fn argv(&self) -> &[String] {
        let mut w = &self.words[..];
        while let Some(first) = w.first() {
            let name = basename(first);
            if !WRAPPERS.contains(&name) {
                break;
            }
            let takes_user = matches!(name, "gosu" | "su-exec");
            w = &w[1..];
            // Options of the wrapper, and `env`'s assignments.
            while let Some(next) = w.first() {
                if next.starts_with('-') {
                    let with_value =
                        matches!(next.as_str(), "-u" | "-g" | "-n" | "-C" | "-h" | "-p");
                    w = &w[(if with_value { 2 } else { 1 }).min(w.len())..];
                } else if name == "env" && next.contains('=') {
                    w = &w[1..];
                } else {
                    break;
                }
            }
            if takes_user && !w.is_empty() {
                w = &w[1..];
            }
        }
        w
    }

    /// The program name (basename) after wrappers, e.g. `bash` for `sudo /bin/bash -s`.
    pub fn program(&self) -> &str {
        self.argv().first().map(|w| basename(w)).unwrap_or("")
    }

    /// The command as written, words joined by spaces (for messages and fingerprints).
    pub fn display(&self) -> String {
        let mut parts: Vec<String> = self
            .assignments
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        parts.extend(self.words.iter().cloned());
        let s = parts.join(" ");
        if s.chars().count() > 120 {
            let cut: String = s.chars().take(117).collect();
            format!("{cut}...")
        } else {
            s
        }
    }
}

pub fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(script: &str) -> Vec<(usize, usize, String)> {
        parse(script)
            .iter()
            .map(|c| (c.pipeline, c.stage, c.words.join(" ")))
            .collect()
    }

    #[test]
    fn splits_lists_and_pipelines() {
        let got = names(
            "apt-get update && apt-get install -y curl; curl -fsSL https://x.sh | sudo -E bash -",
        );
        assert_eq!(
            got,
            vec![
                (0, 0, "apt-get update".to_string()),
                (1, 0, "apt-get install -y curl".to_string()),
                (2, 0, "curl -fsSL https://x.sh".to_string()),
                (2, 1, "sudo -E bash -".to_string()),
            ]
        );
        let cmds = parse("curl x | sudo -E bash -");
        assert_eq!(cmds[1].program(), "bash");
    }

    #[test]
    fn quotes_redirections_and_substitutions() {
        let cmds =
            parse("echo \"a b\" 'c d' > /tmp/x 2>&1 && FOO=1 bash -c \"$(curl -s https://x)\"");
        assert_eq!(cmds[0].words, vec!["echo", "a b", "c d"]);
        assert_eq!(
            cmds[1].assignments,
            vec![("FOO".to_string(), "1".to_string())]
        );
        assert_eq!(cmds[1].words[0], "bash");
        assert_eq!(cmds[2].words, vec!["curl", "-s", "https://x"]);
    }

    #[test]
    fn survives_unbalanced_input() {
        for s in [
            "echo \"unterminated",
            "$(",
            "a 'b",
            "`x",
            "<(",
            "2>",
            "{ a; }",
            "é ü",
        ] {
            let _ = parse(s);
        }
    }
}
