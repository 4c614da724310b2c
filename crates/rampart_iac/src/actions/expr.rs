//! The GitHub Actions expression language (`${{ ... }}`): a tokenizer, a parser, and the
//! question the checks ask of an expression: which contexts can its value come from?
//!
//! Only contexts whose *value* can reach the expansion count: `contains(github.event.issue.title,
//! 'x')` is a boolean and `a == b` a comparison, so neither carries the title into a script, while
//! `format('{0}', github.head_ref)`, `toJSON(github.event)` and `a || b` do.

/// A `${{ ... }}` occurrence found in a scalar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprSite {
    /// The expression between the braces, trimmed.
    pub source: String,
    /// Byte offset of `${{` relative to the scalar's raw text.
    pub start: usize,
    /// Byte offset just past `}}` relative to the scalar's raw text.
    pub end: usize,
}

/// Finds every `${{ ... }}` in raw text. An unterminated expression ends the search.
pub fn find_expressions(raw: &str) -> Vec<ExprSite> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = raw.get(from..).and_then(|s| s.find("${{")) {
        let start = from + rel;
        let body_start = start + 3;
        let Some(end_rel) = closing_braces(&raw[body_start..]) else {
            break;
        };
        let body_end = body_start + end_rel;
        out.push(ExprSite {
            source: raw[body_start..body_end].trim().to_string(),
            start,
            end: body_end + 2,
        });
        from = body_end + 2;
    }
    out
}

/// Offset of the `}}` that closes an expression, skipping `}}` inside string literals.
fn closing_braces(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut in_str = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => {
                // `''` inside a literal is an escaped quote.
                if in_str && bytes.get(i + 1) == Some(&b'\'') {
                    i += 1;
                } else {
                    in_str = !in_str;
                }
            }
            b'}' if !in_str && bytes.get(i + 1) == Some(&b'}') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str,
    Num,
    Dot,
    Star,
    LBracket,
    RBracket,
    LParen,
    RParen,
    Comma,
    Not,
    And,
    Or,
    Cmp,
}

fn tokenize(s: &str) -> Option<Vec<Tok>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'.' if !b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                out.push(Tok::Dot);
                i += 1;
            }
            b'*' => {
                out.push(Tok::Star);
                i += 1;
            }
            b'[' => {
                out.push(Tok::LBracket);
                i += 1;
            }
            b']' => {
                out.push(Tok::RBracket);
                i += 1;
            }
            b'(' => {
                out.push(Tok::LParen);
                i += 1;
            }
            b')' => {
                out.push(Tok::RParen);
                i += 1;
            }
            b',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            b'\'' => {
                i += 1;
                loop {
                    match b.get(i) {
                        None => return None,
                        Some(b'\'') if b.get(i + 1) == Some(&b'\'') => i += 2,
                        Some(b'\'') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                out.push(Tok::Str);
            }
            b'&' if b.get(i + 1) == Some(&b'&') => {
                out.push(Tok::And);
                i += 2;
            }
            b'|' if b.get(i + 1) == Some(&b'|') => {
                out.push(Tok::Or);
                i += 2;
            }
            b'=' | b'!' | b'<' | b'>' => {
                if b.get(i + 1) == Some(&b'=') {
                    out.push(Tok::Cmp);
                    i += 2;
                } else if c == b'!' {
                    out.push(Tok::Not);
                    i += 1;
                } else if c == b'=' {
                    return None;
                } else {
                    out.push(Tok::Cmp);
                    i += 1;
                }
            }
            b'0'..=b'9' | b'-' | b'+' | b'.' => {
                let start = i;
                i += 1;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                    i += 1;
                }
                if start == i {
                    return None;
                }
                out.push(Tok::Num);
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-')
                {
                    i += 1;
                }
                out.push(Tok::Ident(s[start..i].to_string()));
            }
            _ => return None,
        }
    }
    Some(out)
}

/// A parsed expression, reduced to what matters for data flow.
#[derive(Debug, Clone, PartialEq)]
enum Ast {
    Literal,
    /// A context path as written, with indexes written as `*` (`github.event.commits.*.message`).
    Context(String),
    /// A value of boolean type: comparisons, `!`, and predicate functions.
    Boolean,
    Call(String, Vec<Ast>),
    And(Box<Ast>, Box<Ast>),
    Or(Box<Ast>, Box<Ast>),
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Option<Ast> {
        self.depth += 1;
        if self.depth > 64 {
            return None;
        }
        let mut left = self.and()?;
        while self.eat(&Tok::Or) {
            let right = self.and()?;
            left = Ast::Or(Box::new(left), Box::new(right));
        }
        self.depth -= 1;
        Some(left)
    }

    fn and(&mut self) -> Option<Ast> {
        let mut left = self.cmp()?;
        while self.eat(&Tok::And) {
            let right = self.cmp()?;
            left = Ast::And(Box::new(left), Box::new(right));
        }
        Some(left)
    }

    fn cmp(&mut self) -> Option<Ast> {
        let mut left = self.unary()?;
        while self.eat(&Tok::Cmp) {
            self.unary()?;
            left = Ast::Boolean;
        }
        Some(left)
    }

    fn unary(&mut self) -> Option<Ast> {
        if self.eat(&Tok::Not) {
            self.unary()?;
            return Some(Ast::Boolean);
        }
        self.primary()
    }

    fn primary(&mut self) -> Option<Ast> {
        let tok = self.peek()?.clone();
        self.pos += 1;
        match tok {
            Tok::Str | Tok::Num => Some(Ast::Literal),
            Tok::LParen => {
                let inner = self.or()?;
                self.eat(&Tok::RParen).then_some(())?;
                self.postfix(inner)
            }
            Tok::Ident(name) => {
                let lower = name.to_ascii_lowercase();
                if matches!(lower.as_str(), "true" | "false" | "null") {
                    return Some(Ast::Literal);
                }
                if self.eat(&Tok::LParen) {
                    let mut args = Vec::new();
                    if !self.eat(&Tok::RParen) {
                        loop {
                            args.push(self.or()?);
                            if self.eat(&Tok::RParen) {
                                break;
                            }
                            self.eat(&Tok::Comma).then_some(())?;
                        }
                    }
                    let call = Ast::Call(lower, args);
                    return self.postfix(call);
                }
                self.postfix(Ast::Context(name))
            }
            _ => None,
        }
    }

    /// `.name`, `.*`, `[0]`, `['name']`, `[expr]` after a value.
    fn postfix(&mut self, mut base: Ast) -> Option<Ast> {
        loop {
            if self.eat(&Tok::Dot) {
                let seg = match self.peek()?.clone() {
                    Tok::Ident(s) => s,
                    Tok::Star => "*".to_string(),
                    _ => return None,
                };
                self.pos += 1;
                base = extend(base, &seg);
            } else if self.eat(&Tok::LBracket) {
                // Any index, even a literal key (`['title']`), becomes `*`: patterns match
                // `*` against every segment.
                self.or()?;
                self.eat(&Tok::RBracket).then_some(())?;
                base = extend(base, "*");
            } else {
                return Some(base);
            }
        }
    }
}

fn extend(base: Ast, seg: &str) -> Ast {
    match base {
        Ast::Context(mut p) => {
            p.push('.');
            p.push_str(seg);
            Ast::Context(p)
        }
        // A field of a function result (`fromJSON(x).y`): its sources are the call's.
        other => other,
    }
}

/// Functions whose result is a boolean or a hash: they carry no text into a script.
const NON_PROPAGATING: &[&str] = &[
    "contains",
    "startswith",
    "endswith",
    "success",
    "always",
    "failure",
    "cancelled",
    "hashfiles",
];

/// The contexts an expression's value can come from, in order of appearance. `None` when the
/// expression does not parse (the checks then fall back to every context it names).
pub fn value_sources(source: &str) -> Option<Vec<String>> {
    let toks = tokenize(source)?;
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    let ast = p.or()?;
    if p.pos != p.toks.len() {
        return None;
    }
    let mut out = Vec::new();
    collect(&ast, &mut out);
    Some(out)
}

fn collect(ast: &Ast, out: &mut Vec<String>) {
    match ast {
        Ast::Literal | Ast::Boolean => {}
        Ast::Context(p) => out.push(p.clone()),
        Ast::Call(name, args) => {
            if !NON_PROPAGATING.contains(&name.as_str()) {
                args.iter().for_each(|a| collect(a, out));
            }
        }
        // `a && b` yields `b` when `a` is truthy, else the falsy (empty) `a`.
        Ast::And(_, b) => collect(b, out),
        Ast::Or(a, b) => {
            collect(a, out);
            collect(b, out);
        }
    }
}

/// Every context an expression names, whatever its role (used when it does not parse, and for
/// questions like "does this step read any secret").
pub fn mentioned_contexts(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Some(toks) = tokenize(source) else {
        return out;
    };
    let mut i = 0;
    while i < toks.len() {
        if let Tok::Ident(name) = &toks[i] {
            if toks.get(i + 1) == Some(&Tok::LParen) {
                i += 1;
                continue;
            }
            let mut path = name.clone();
            i += 1;
            loop {
                match (toks.get(i), toks.get(i + 1)) {
                    (Some(Tok::Dot), Some(Tok::Ident(s))) => {
                        path.push('.');
                        path.push_str(s);
                        i += 2;
                    }
                    (Some(Tok::Dot), Some(Tok::Star)) => {
                        path.push_str(".*");
                        i += 2;
                    }
                    (Some(Tok::LBracket), _) => {
                        path.push_str(".*");
                        while i < toks.len() && toks[i] != Tok::RBracket {
                            i += 1;
                        }
                        i += 1;
                    }
                    _ => break,
                }
            }
            out.push(path);
        } else {
            i += 1;
        }
    }
    out
}

/// Who can control a context's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Free text an outside contributor writes: titles, bodies, branch names, commit messages.
    Attacker,
    /// An environment variable: as dangerous as its definition.
    Env,
    Secret,
    /// Fixed or structured values (SHAs, ids, numbers, repository names of this repo).
    Safe,
}

/// Attacker-controlled free text below `github.event`, and the events that carry it.
/// `*` matches one path segment (an array index or a map key).
const ATTACKER_EVENT_FIELDS: &[(&str, &[&str])] = &[
    ("issue.title", &["issues", "issue_comment"]),
    ("issue.body", &["issues", "issue_comment"]),
    ("issue.pull_request.title", &["issue_comment"]),
    ("pull_request.title", PR_EVENTS),
    ("pull_request.body", PR_EVENTS),
    ("pull_request.head.ref", PR_EVENTS),
    ("pull_request.head.label", PR_EVENTS),
    ("pull_request.head.repo.default_branch", PR_EVENTS),
    ("pull_request.head.repo.description", PR_EVENTS),
    ("pull_request.head.repo.homepage", PR_EVENTS),
    (
        "comment.body",
        &[
            "issue_comment",
            "pull_request_review_comment",
            "commit_comment",
            "discussion_comment",
        ],
    ),
    ("review.body", &["pull_request_review"]),
    ("answer.body", &["discussion", "discussion_comment"]),
    ("review_comment.body", &["pull_request_review_comment"]),
    ("discussion.title", &["discussion", "discussion_comment"]),
    ("discussion.body", &["discussion", "discussion_comment"]),
    ("pages.*.page_name", &["gollum"]),
    ("pages.*.title", &["gollum"]),
    ("commits.*.message", &["push"]),
    ("commits.*.author.name", &["push"]),
    ("commits.*.author.email", &["push"]),
    ("commits.*.committer.name", &["push"]),
    ("commits.*.committer.email", &["push"]),
    ("head_commit.message", &["push"]),
    ("head_commit.author.name", &["push"]),
    ("head_commit.author.email", &["push"]),
    ("head_commit.committer.name", &["push"]),
    ("head_commit.committer.email", &["push"]),
    ("workflow_run.head_branch", &["workflow_run"]),
    ("workflow_run.display_title", &["workflow_run"]),
    ("workflow_run.head_commit.message", &["workflow_run"]),
    ("workflow_run.head_commit.author.name", &["workflow_run"]),
    ("workflow_run.head_commit.author.email", &["workflow_run"]),
    (
        "workflow_run.head_repository.description",
        &["workflow_run"],
    ),
    ("workflow_run.pull_requests.*.head.ref", &["workflow_run"]),
    ("changes.title.from", EDIT_EVENTS),
    ("changes.body.from", EDIT_EVENTS),
    ("check_suite.head_branch", &["check_suite"]),
    ("check_run.check_suite.head_branch", &["check_run"]),
    ("merge_group.head_commit.message", &["merge_group"]),
    ("merge_group.head_commit.author.name", &["merge_group"]),
    ("merge_group.head_commit.author.email", &["merge_group"]),
];

/// Events whose `edited` payload carries the previous title and body.
const EDIT_EVENTS: &[&str] = &[
    "issues",
    "issue_comment",
    "pull_request",
    "pull_request_target",
    "discussion",
    "discussion_comment",
];

const PR_EVENTS: &[&str] = &[
    "pull_request",
    "pull_request_target",
    "pull_request_review",
    "pull_request_review_comment",
];

/// Classifies a context path and lists the events in which it is attacker-controlled.
pub fn classify(path: &str) -> (Control, &'static [&'static str]) {
    let lower = path.to_ascii_lowercase();
    let path = lower.as_str();
    if path == "github.head_ref" {
        return (Control::Attacker, PR_EVENTS);
    }
    if let Some(rest) = path.strip_prefix("github.event") {
        let rest = rest.strip_prefix('.').unwrap_or(rest);
        if rest.is_empty() {
            // The whole payload serialized (`toJSON(github.event)`).
            return (Control::Attacker, &[]);
        }
        for (pattern, events) in ATTACKER_EVENT_FIELDS {
            if matches_pattern(rest, pattern) || is_object_prefix(rest, pattern) {
                return (Control::Attacker, events);
            }
        }
        return (Control::Safe, &[]);
    }
    if path.starts_with("env.") {
        return (Control::Env, &[]);
    }
    if path == "secrets" || path.starts_with("secrets.") {
        return (Control::Secret, &[]);
    }
    (Control::Safe, &[])
}

fn matches_pattern(path: &str, pattern: &str) -> bool {
    let mut p = path.split('.');
    let mut q = pattern.split('.');
    loop {
        match (p.next(), q.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if b == "*" || a == "*" || a == b => {}
            _ => return false,
        }
    }
}

/// `github.event.pull_request` used whole contains the title; `.head.sha` does not.
fn is_object_prefix(path: &str, pattern: &str) -> bool {
    let n = path.split('.').count();
    let prefix: Vec<&str> = pattern.split('.').take(n).collect();
    prefix.len() == n && pattern.split('.').count() > n && matches_pattern(path, &prefix.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_expressions_with_offsets() {
        let raw = "echo \"${{ github.event.issue.title }}\" and ${{ format('}}{0}', x) }}";
        let sites = find_expressions(raw);
        assert_eq!(sites.len(), 2);
        assert_eq!(sites[0].source, "github.event.issue.title");
        assert_eq!(
            &raw[sites[0].start..sites[0].end],
            "${{ github.event.issue.title }}"
        );
        assert_eq!(sites[1].source, "format('}}{0}', x)");
        assert!(find_expressions("${{ unterminated").is_empty());
    }

    #[test]
    fn value_sources_follow_data_not_predicates() {
        let v = |s| value_sources(s).unwrap();
        assert_eq!(v("github.event.issue.title"), ["github.event.issue.title"]);
        assert_eq!(
            v("github.event.commits[0].message"),
            ["github.event.commits.*.message"]
        );
        assert_eq!(
            v("github.event['pull_request'].title"),
            ["github.event.*.title"]
        );
        assert!(v("contains(github.event.issue.title, 'bug')").is_empty());
        assert!(v("github.head_ref == 'main'").is_empty());
        assert!(v("!github.event.pull_request.draft").is_empty());
        assert_eq!(v("format('{0}-x', github.head_ref)"), ["github.head_ref"]);
        assert_eq!(v("github.head_ref || 'main'"), ["github.head_ref"]);
        assert_eq!(
            v("github.event_name == 'push' && github.sha"),
            ["github.sha"]
        );
        assert_eq!(v("toJSON(github.event)"), ["github.event"]);
        assert_eq!(
            v("steps.my-step.outputs.result"),
            ["steps.my-step.outputs.result"]
        );
        assert!(value_sources("a ==").is_none());
    }

    #[test]
    fn classifies_contexts() {
        assert_eq!(classify("github.event.issue.title").0, Control::Attacker);
        assert_eq!(
            classify("github.event.pull_request.head.ref").0,
            Control::Attacker
        );
        assert_eq!(
            classify("github.event.commits.*.message").0,
            Control::Attacker
        );
        assert_eq!(classify("github.event.pull_request").0, Control::Attacker);
        assert_eq!(classify("github.event").0, Control::Attacker);
        assert_eq!(classify("github.head_ref").0, Control::Attacker);
        assert_eq!(
            classify("github.event.pull_request.head.sha").0,
            Control::Safe
        );
        assert_eq!(
            classify("github.event.pull_request.number").0,
            Control::Safe
        );
        assert_eq!(classify("github.event.issue.user.login").0, Control::Safe);
        assert_eq!(classify("github.sha").0, Control::Safe);
        assert_eq!(classify("github.run_id").0, Control::Safe);
        assert_eq!(classify("env.title").0, Control::Env);
        assert_eq!(classify("secrets.npm_token").0, Control::Secret);
    }

    #[test]
    fn mentioned_contexts_lists_every_path() {
        assert_eq!(
            mentioned_contexts("format('{0}', secrets.TOKEN) && env.A[0]"),
            ["secrets.TOKEN", "env.A.*"]
        );
    }
}
