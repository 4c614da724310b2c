//! String literals and format templates (`%` and `str.format`), parsed into the pieces that
//! string building is made of.

use tree_sitter::Node;

/// The value of a string literal without interpolations (`'a'`, `r"\d"`, `b"x"`, `"""doc"""`);
/// `None` for f-strings with replacement fields.
pub(super) fn string_value(node: Node, src: &[u8]) -> Option<String> {
    match node.kind() {
        "string" => {
            let mut out = String::new();
            let mut raw = false;
            let mut is_f = false;
            let mut cursor = node.walk();
            for c in node.children(&mut cursor) {
                match c.kind() {
                    "string_start" => {
                        let prefix = c.utf8_text(src).unwrap_or("").to_ascii_lowercase();
                        raw = prefix.contains('r');
                        is_f = prefix.contains('f') || prefix.contains('t');
                    }
                    "string_content" => {
                        let t = c.utf8_text(src).unwrap_or("");
                        let t = if raw { t.to_string() } else { unescape(t) };
                        if is_f {
                            out.push_str(&t.replace("{{", "{").replace("}}", "}"));
                        } else {
                            out.push_str(&t);
                        }
                    }
                    "interpolation" => return None,
                    _ => {}
                }
            }
            Some(out)
        }
        "concatenated_string" => {
            let mut out = String::new();
            let mut cursor = node.walk();
            for c in node.named_children(&mut cursor) {
                if c.kind() == "string" {
                    out.push_str(&string_value(c, src)?);
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// Decodes the common backslash escapes; unknown escapes stay as written (as Python does).
pub(super) fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('\\') => out.push('\\'),
            Some('\'') => out.push('\''),
            Some('"') => out.push('"'),
            Some('\n') => {}
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// One piece of a format template.
#[derive(Debug, PartialEq)]
pub(super) enum Piece {
    Lit(String),
    /// A replacement field: which argument, and whether its conversion only accepts numbers
    /// (`%d`, `%f`, `{:d}`), which means the result carries no injection payload.
    Field {
        arg: FieldRef,
        numeric: Option<&'static str>,
    },
}

#[derive(Debug, PartialEq)]
pub(super) enum FieldRef {
    /// The next positional argument.
    Next,
    Index(usize),
    Name(String),
}

/// `"id = %s and n = %(name)d"` → literal and field pieces.
pub(super) fn percent_template(t: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            lit.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            lit.push('%');
            continue;
        }
        let mut name = None;
        if chars.peek() == Some(&'(') {
            chars.next();
            let mut n = String::new();
            for ch in chars.by_ref() {
                if ch == ')' {
                    break;
                }
                n.push(ch);
            }
            name = Some(n);
        }
        // flags, width, precision, length modifier
        while let Some(&ch) = chars.peek() {
            if "#0- +*.0123456789hlL".contains(ch) {
                chars.next();
            } else {
                break;
            }
        }
        let Some(conv) = chars.next() else {
            lit.push('%');
            break;
        };
        let numeric = match conv {
            'd' | 'i' | 'u' | 'x' | 'X' | 'o' => Some("int"),
            'e' | 'E' | 'f' | 'F' | 'g' | 'G' => Some("float"),
            _ => None,
        };
        if !lit.is_empty() {
            pieces.push(Piece::Lit(std::mem::take(&mut lit)));
        }
        pieces.push(Piece::Field {
            arg: match name {
                Some(n) => FieldRef::Name(n),
                None => FieldRef::Next,
            },
            numeric,
        });
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    pieces
}

/// `"{} and {name!r} and {0:d}"` → literal and field pieces.
pub(super) fn brace_template(t: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut lit = String::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                lit.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                lit.push('}');
            }
            '{' => {
                let mut field = String::new();
                let mut nesting = 0;
                for ch in chars.by_ref() {
                    match ch {
                        '{' => nesting += 1,
                        '}' if nesting == 0 => break,
                        '}' => nesting -= 1,
                        _ => {}
                    }
                    field.push(ch);
                }
                let (head, spec) = match field.split_once(':') {
                    Some((h, s)) => (h, s),
                    None => (field.as_str(), ""),
                };
                let head = head.split('!').next().unwrap_or("");
                let name: String = head
                    .chars()
                    .take_while(|&ch| ch != '.' && ch != '[')
                    .collect();
                let arg = if name.is_empty() {
                    FieldRef::Next
                } else if let Ok(i) = name.parse::<usize>() {
                    FieldRef::Index(i)
                } else {
                    FieldRef::Name(name)
                };
                let numeric = match spec.chars().last() {
                    Some('d' | 'x' | 'X' | 'o' | 'b' | 'n') if !spec.contains('{') => Some("int"),
                    Some('f' | 'F' | 'e' | 'E' | 'g' | 'G' | '%') if !spec.contains('{') => {
                        Some("float")
                    }
                    _ => None,
                };
                if !lit.is_empty() {
                    pieces.push(Piece::Lit(std::mem::take(&mut lit)));
                }
                pieces.push(Piece::Field { arg, numeric });
            }
            _ => lit.push(c),
        }
    }
    if !lit.is_empty() {
        pieces.push(Piece::Lit(lit));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_pieces() {
        let p = percent_template("id = %d and name = '%(name)s' 100%%");
        assert_eq!(
            p,
            vec![
                Piece::Lit("id = ".into()),
                Piece::Field {
                    arg: FieldRef::Next,
                    numeric: Some("int")
                },
                Piece::Lit(" and name = '".into()),
                Piece::Field {
                    arg: FieldRef::Name("name".into()),
                    numeric: None
                },
                Piece::Lit("' 100%".into()),
            ]
        );
    }

    #[test]
    fn brace_pieces() {
        let p = brace_template("{{x}} {} {1} {user.name!r:>10} {n:d}");
        assert_eq!(
            p,
            vec![
                Piece::Lit("{x} ".into()),
                Piece::Field {
                    arg: FieldRef::Next,
                    numeric: None
                },
                Piece::Lit(" ".into()),
                Piece::Field {
                    arg: FieldRef::Index(1),
                    numeric: None
                },
                Piece::Lit(" ".into()),
                Piece::Field {
                    arg: FieldRef::Name("user".into()),
                    numeric: None
                },
                Piece::Lit(" ".into()),
                Piece::Field {
                    arg: FieldRef::Name("n".into()),
                    numeric: Some("int")
                },
            ]
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(unescape(r"a\nb\\c\d"), "a\nb\\c\\d");
    }
}
