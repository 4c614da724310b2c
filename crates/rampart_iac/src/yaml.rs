//! YAML with positions, built from the tree-sitter-yaml tree.
//!
//! Every node keeps its span so checks can point at the exact offending setting. Scalars keep
//! their decoded value and their style (a quoted `"true"` is a string, a plain `true` a boolean).
//! Aliases are expanded to copies of their anchored node (whose spans point at the anchor) and
//! `<<` merge keys are applied, so checks see the mapping a YAML loader would produce.

use rampart_core::Span;
use rampart_syntax::SourceFile;
use rustc_hash::FxHashMap;
use tree_sitter::{Node as TsNode, Tree};

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|` block scalar.
    Literal,
    /// `>` block scalar.
    Folded,
}

/// The content of a node.
#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Scalar(String, ScalarStyle),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A YAML node and where it is written.
#[derive(Debug, Clone)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

/// One key of a mapping, in source order.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

impl Entry {
    /// From the key to the end of the value: the whole `key: value` setting.
    pub fn span(&self) -> Span {
        self.key_span.cover(self.value.span)
    }
}

static EMPTY_ENTRIES: [Entry; 0] = [];
static EMPTY_NODES: [Node; 0] = [];

impl Node {
    /// The value under `key` when this is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    /// The entry (key and value) under `key` when this is a mapping.
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.iter_map().find(|e| e.key == key)
    }

    /// Follows a chain of mapping keys.
    pub fn get_path(&self, keys: &[&str]) -> Option<&Node> {
        keys.iter().try_fold(self, |n, k| n.get(k))
    }

    /// The entries of a mapping; empty for anything else.
    pub fn iter_map(&self) -> std::slice::Iter<'_, Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter(),
            _ => EMPTY_ENTRIES.iter(),
        }
    }

    /// The items of a sequence; empty for anything else.
    pub fn iter_seq(&self) -> std::slice::Iter<'_, Node> {
        match &self.value {
            Value::Seq(items) => items.iter(),
            _ => EMPTY_NODES.iter(),
        }
    }

    /// The decoded text of a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    pub fn style(&self) -> Option<ScalarStyle> {
        match &self.value {
            Value::Scalar(_, style) => Some(*style),
            _ => None,
        }
    }

    /// A plain boolean scalar (`true`, `false`, and the YAML 1.1 `yes`/`no`/`on`/`off` that
    /// Kubernetes and Compose loaders still accept). Quoted scalars are strings, not booleans.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar(s, ScalarStyle::Plain) => match s.to_ascii_lowercase().as_str() {
                "true" | "yes" | "on" | "y" => Some(true),
                "false" | "no" | "off" | "n" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// A plain integer scalar.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Scalar(s, ScalarStyle::Plain) => s.parse().ok(),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        match &self.value {
            Value::Null => true,
            Value::Scalar(s, ScalarStyle::Plain) => {
                matches!(s.as_str(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    /// A scalar or each scalar of a sequence: the shape of fields like `runs-on` and `on`.
    pub fn scalars(&self) -> Vec<&Node> {
        match &self.value {
            Value::Scalar(..) => vec![self],
            Value::Seq(items) => items.iter().filter(|n| n.as_str().is_some()).collect(),
            _ => Vec::new(),
        }
    }
}

/// Nesting deeper than this is not modelled (it only occurs in hostile input).
const MAX_DEPTH: usize = 128;
/// Upper bound on nodes copied while expanding aliases ("billion laughs" protection).
const MAX_ALIAS_NODES: usize = 100_000;

/// The documents of a YAML stream. Malformed regions are skipped; what parsed is kept.
pub fn parse_documents(file: &SourceFile, tree: &Tree) -> Vec<Node> {
    let mut b = Builder {
        file,
        anchors: FxHashMap::default(),
        alias_budget: MAX_ALIAS_NODES,
    };
    let root = tree.root_node();
    let mut docs = Vec::new();
    if root.kind() == "stream" {
        let mut cursor = root.walk();
        for child in root.named_children(&mut cursor) {
            if child.kind() == "document" || child.kind() == "ERROR" {
                // Anchors are scoped to their document.
                b.anchors.clear();
                if let Some(n) = b.document(child) {
                    docs.push(n);
                }
            }
        }
    } else if let Some(n) = b.document(root) {
        docs.push(n);
    }
    docs
}

struct Builder<'f> {
    file: &'f SourceFile,
    anchors: FxHashMap<String, Node>,
    alias_budget: usize,
}

impl Builder<'_> {
    fn text(&self, n: TsNode<'_>) -> &str {
        self.file.text.get(n.byte_range()).unwrap_or("")
    }

    fn span(&self, n: TsNode<'_>) -> Span {
        self.file.span(n.start_byte(), n.end_byte())
    }

    fn document(&mut self, doc: TsNode<'_>) -> Option<Node> {
        if doc.kind() == "document" {
            let mut cursor = doc.walk();
            let content = doc
                .named_children(&mut cursor)
                .find(|c| matches!(c.kind(), "block_node" | "flow_node"));
            return content.map(|c| self.node(c, 0));
        }
        // An error node at the top: keep the pairs or items that did parse.
        Some(self.node(doc, 0))
    }

    fn node(&mut self, n: TsNode<'_>, depth: usize) -> Node {
        let span = self.span(n);
        if depth > MAX_DEPTH {
            return Node {
                value: Value::Null,
                span,
            };
        }
        match n.kind() {
            "block_node" | "flow_node" => self.wrapped(n, depth),
            "block_mapping" | "flow_mapping" => self.mapping(n, depth),
            "block_sequence" | "flow_sequence" => self.sequence(n, depth),
            "plain_scalar" => self.scalar(n, ScalarStyle::Plain),
            "single_quote_scalar" => self.scalar(n, ScalarStyle::SingleQuoted),
            "double_quote_scalar" => self.scalar(n, ScalarStyle::DoubleQuoted),
            "block_scalar" => {
                let style = if self.text(n).starts_with('>') {
                    ScalarStyle::Folded
                } else {
                    ScalarStyle::Literal
                };
                self.scalar(n, style)
            }
            "alias" => self.alias(n, span),
            "ERROR" => self.recover(n, depth),
            _ => Node {
                value: Value::Null,
                span,
            },
        }
    }

    /// `block_node`/`flow_node`: optional anchor and tag, then the content.
    fn wrapped(&mut self, n: TsNode<'_>, depth: usize) -> Node {
        let mut anchor = None;
        let mut content = None;
        let mut cursor = n.walk();
        for child in n.named_children(&mut cursor) {
            match child.kind() {
                "anchor" => {
                    anchor = Some(self.text(child).trim_start_matches('&').to_string());
                }
                "tag" | "comment" => {}
                _ => {
                    if content.is_none() {
                        content = Some(child);
                    }
                }
            }
        }
        let node = match content {
            Some(c) => self.node(c, depth + 1),
            None => Node {
                value: Value::Null,
                span: self.span(n),
            },
        };
        if let Some(name) = anchor {
            self.anchors.insert(name, node.clone());
        }
        node
    }

    fn alias(&mut self, n: TsNode<'_>, span: Span) -> Node {
        let name = self.text(n).trim_start_matches('*');
        match self.anchors.get(name) {
            Some(target) => {
                let size = count_nodes(target);
                if size > self.alias_budget {
                    return Node {
                        value: Value::Null,
                        span,
                    };
                }
                self.alias_budget -= size;
                target.clone()
            }
            None => Node {
                value: Value::Null,
                span,
            },
        }
    }

    fn mapping(&mut self, n: TsNode<'_>, depth: usize) -> Node {
        let span = self.span(n);
        let mut entries: Vec<Entry> = Vec::new();
        let mut merged: Vec<Entry> = Vec::new();
        let mut cursor = n.walk();
        for child in n.named_children(&mut cursor) {
            match child.kind() {
                "block_mapping_pair" | "flow_pair" => {
                    let Some(entry) = self.pair(child, depth) else {
                        continue;
                    };
                    if entry.key == "<<" && entry.value.style().is_none() {
                        merge_into(&mut merged, entry.value);
                    } else {
                        entries.push(entry);
                    }
                }
                // `{a, b}`: keys without values.
                "flow_node" => {
                    let key = self.node(child, depth + 1);
                    entries.push(Entry {
                        key: key.as_str().unwrap_or_default().to_string(),
                        key_span: key.span,
                        value: Node {
                            value: Value::Null,
                            span: key.span,
                        },
                    });
                }
                _ => {}
            }
        }
        // Explicit keys win over merged ones, whatever their order.
        for m in merged {
            if !entries.iter().any(|e| e.key == m.key) {
                entries.push(m);
            }
        }
        Node {
            value: Value::Map(entries),
            span,
        }
    }

    fn pair(&mut self, p: TsNode<'_>, depth: usize) -> Option<Entry> {
        let key_node = p.child_by_field_name("key")?;
        let key = self.node(key_node, depth + 1);
        let key_text = match key.as_str() {
            Some(s) => s.to_string(),
            None => self.text(key_node).to_string(),
        };
        let value = match p.child_by_field_name("value") {
            Some(v) => self.node(v, depth + 1),
            None => Node {
                value: Value::Null,
                span: Span {
                    start_byte: key.span.end_byte,
                    start_line: key.span.end_line,
                    start_col: key.span.end_col,
                    ..key.span
                },
            },
        };
        Some(Entry {
            key: key_text,
            key_span: key.span,
            value,
        })
    }

    fn sequence(&mut self, n: TsNode<'_>, depth: usize) -> Node {
        let span = self.span(n);
        let mut items = Vec::new();
        let mut cursor = n.walk();
        for child in n.named_children(&mut cursor) {
            match child.kind() {
                "block_sequence_item" => {
                    let mut c2 = child.walk();
                    let inner = child
                        .named_children(&mut c2)
                        .find(|c| matches!(c.kind(), "block_node" | "flow_node"));
                    items.push(match inner {
                        Some(i) => self.node(i, depth + 1),
                        None => Node {
                            value: Value::Null,
                            span: self.span(child),
                        },
                    });
                }
                "flow_node" => items.push(self.node(child, depth + 1)),
                // `[a: b]` is a sequence holding a one-pair mapping.
                "flow_pair" => {
                    if let Some(e) = self.pair(child, depth) {
                        items.push(Node {
                            span: self.span(child),
                            value: Value::Map(vec![e]),
                        });
                    }
                }
                _ => {}
            }
        }
        Node {
            value: Value::Seq(items),
            span,
        }
    }

    fn scalar(&mut self, n: TsNode<'_>, style: ScalarStyle) -> Node {
        let raw = self.text(n);
        let value = match style {
            ScalarStyle::Plain => fold_lines(raw),
            ScalarStyle::SingleQuoted => fold_lines(strip_quotes(raw, '\'')).replace("''", "'"),
            ScalarStyle::DoubleQuoted => unescape_double(&fold_lines(strip_quotes(raw, '"'))),
            ScalarStyle::Literal | ScalarStyle::Folded => block_scalar(raw, style),
        };
        Node {
            value: Value::Scalar(value, style),
            span: self.span(n),
        }
    }

    /// Keeps what parsed inside an error node: its pairs as a mapping, or its items as a sequence.
    fn recover(&mut self, n: TsNode<'_>, depth: usize) -> Node {
        let mut cursor = n.walk();
        let children: Vec<TsNode<'_>> = n.named_children(&mut cursor).collect();
        if children.iter().any(|c| c.kind() == "block_mapping_pair") {
            self.mapping(n, depth)
        } else if children.iter().any(|c| c.kind() == "block_sequence_item") {
            self.sequence(n, depth)
        } else if let Some(c) = children
            .iter()
            .find(|c| matches!(c.kind(), "block_node" | "flow_node"))
        {
            self.node(*c, depth + 1)
        } else {
            Node {
                value: Value::Null,
                span: self.span(n),
            }
        }
    }
}

fn count_nodes(n: &Node) -> usize {
    1 + match &n.value {
        Value::Seq(items) => items.iter().map(count_nodes).sum(),
        Value::Map(entries) => entries.iter().map(|e| 1 + count_nodes(&e.value)).sum(),
        _ => 0,
    }
}

/// `<<: *base` or `<<: [*a, *b]`: earlier sources win over later ones.
fn merge_into(merged: &mut Vec<Entry>, source: Node) {
    let sources = match source.value {
        Value::Map(entries) => vec![entries],
        Value::Seq(items) => items
            .into_iter()
            .filter_map(|i| match i.value {
                Value::Map(e) => Some(e),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    for entries in sources {
        for e in entries {
            if !merged.iter().any(|m| m.key == e.key) {
                merged.push(e);
            }
        }
    }
}

fn strip_quotes(raw: &str, q: char) -> &str {
    let s = raw.strip_prefix(q).unwrap_or(raw);
    s.strip_suffix(q).unwrap_or(s)
}

/// Multi-line flow scalars: line breaks fold to spaces, blank lines to newlines.
fn fold_lines(raw: &str) -> String {
    if !raw.contains('\n') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for (i, line) in raw.lines().enumerate() {
        let line = if i == 0 { line.trim_end() } else { line.trim() };
        if line.is_empty() {
            out.push('\n');
            pending_space = false;
            continue;
        }
        if pending_space {
            out.push(' ');
        }
        out.push_str(line);
        pending_space = true;
    }
    out
}

fn unescape_double(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let hex_len = match e {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            _ => 0,
        };
        if hex_len > 0 {
            let code: String = chars.by_ref().take(hex_len).collect();
            match u32::from_str_radix(&code, 16).ok().and_then(char::from_u32) {
                Some(ch) => out.push(ch),
                None => {
                    out.push('\\');
                    out.push(e);
                    out.push_str(&code);
                }
            }
            continue;
        }
        out.push(match e {
            'n' => '\n',
            't' | '\t' => '\t',
            'r' => '\r',
            '0' => '\0',
            'a' => '\u{7}',
            'b' => '\u{8}',
            'e' => '\u{1b}',
            'f' => '\u{c}',
            'v' => '\u{b}',
            'N' => '\u{85}',
            '_' => '\u{a0}',
            'L' => '\u{2028}',
            'P' => '\u{2029}',
            ' ' => ' ',
            other => other,
        });
    }
    out
}

/// Decodes `|` and `>` block scalars: header indicators, indentation, folding and chomping.
fn block_scalar(raw: &str, style: ScalarStyle) -> String {
    let (header, body) = raw.split_once('\n').unwrap_or((raw, ""));
    let header = header.split(" #").next().unwrap_or(header);
    let chomp = if header.contains('-') {
        '-'
    } else if header.contains('+') {
        '+'
    } else {
        ' '
    };
    let lines: Vec<&str> = body.lines().collect();
    let indent = lines
        .iter()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .unwrap_or(0);
    let content: Vec<&str> = lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").trim_end_matches('\r'))
        .collect();
    let mut out = String::with_capacity(body.len());
    match style {
        ScalarStyle::Folded => {
            let mut prev_text = false;
            for line in &content {
                if line.is_empty() {
                    out.push('\n');
                    prev_text = false;
                } else if line.starts_with([' ', '\t']) {
                    // More-indented lines keep their line breaks.
                    if prev_text {
                        out.push('\n');
                    }
                    out.push_str(line);
                    out.push('\n');
                    prev_text = false;
                } else {
                    if prev_text {
                        out.push(' ');
                    }
                    out.push_str(line);
                    prev_text = true;
                }
            }
        }
        _ => {
            for (i, line) in content.iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(line);
            }
        }
    }
    let trimmed_len = out.trim_end_matches('\n').len();
    out.truncate(trimmed_len);
    if chomp != '-' && !out.is_empty() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_core::Language;

    fn docs(text: &str) -> Vec<Node> {
        let file = SourceFile::from_text("x.yaml", Language::Yaml, text);
        let tree = rampart_syntax::parse::parse(Language::Yaml, text)
            .unwrap()
            .tree;
        parse_documents(&file, &tree)
    }

    #[test]
    fn mappings_sequences_and_positions() {
        let d = docs("name: CI\non:\n  push:\n    branches: [main]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci\n");
        assert_eq!(d.len(), 1);
        let root = &d[0];
        assert_eq!(root.get("name").and_then(Node::as_str), Some("CI"));
        let branches = root.get_path(&["on", "push", "branches"]).unwrap();
        assert_eq!(
            branches.iter_seq().next().and_then(Node::as_str),
            Some("main")
        );
        let steps = root.get_path(&["jobs", "build", "steps"]).unwrap();
        let run = steps.iter_seq().nth(1).and_then(|s| s.get("run")).unwrap();
        assert_eq!(run.as_str(), Some("npm ci"));
        assert_eq!(run.span.start_line, 10);
        assert_eq!(run.span.start_col, 14);
        let e = root
            .get_path(&["jobs", "build"])
            .unwrap()
            .entry("runs-on")
            .unwrap();
        assert_eq!(e.key_span.start_line, 7);
    }

    #[test]
    fn scalar_styles_and_decoding() {
        let d = docs("a: \"x\\ty \\u00e9\"\nb: 'it''s'\nc: true\nd: \"true\"\ne: |\n  echo one\n  echo two\nf: >-\n  folded\n  text\n\n  para\ng: plain\n  continued\nh:\n");
        let r = &d[0];
        assert_eq!(r.get("a").and_then(Node::as_str), Some("x\ty é"));
        assert_eq!(r.get("b").and_then(Node::as_str), Some("it's"));
        assert_eq!(r.get("c").and_then(Node::as_bool), Some(true));
        assert_eq!(r.get("d").and_then(Node::as_bool), None);
        assert_eq!(
            r.get("e").and_then(Node::as_str),
            Some("echo one\necho two\n")
        );
        assert_eq!(r.get("e").and_then(Node::style), Some(ScalarStyle::Literal));
        assert_eq!(r.get("f").and_then(Node::as_str), Some("folded text\npara"));
        assert_eq!(r.get("g").and_then(Node::as_str), Some("plain continued"));
        assert!(r.get("h").unwrap().is_null());
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let d = docs("base: &base\n  image: redis\n  privileged: true\nsvc:\n  <<: *base\n  image: postgres\nlist: [*base]\n");
        let svc = d[0].get("svc").unwrap();
        assert_eq!(svc.get("image").and_then(Node::as_str), Some("postgres"));
        assert_eq!(svc.get("privileged").and_then(Node::as_bool), Some(true));
        // The merged value points at where it was written.
        assert_eq!(svc.get("privileged").unwrap().span.start_line, 3);
        assert!(d[0]
            .get("list")
            .unwrap()
            .iter_seq()
            .next()
            .unwrap()
            .is_map());
    }

    #[test]
    fn flow_collections_and_multiple_documents() {
        let d = docs("a: {b: 1, c: [x, 'y']}\n---\nkind: Pod\n---\n- one\n- two\n");
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].get_path(&["a", "b"]).and_then(Node::as_i64), Some(1));
        let c: Vec<_> = d[0]
            .get_path(&["a", "c"])
            .unwrap()
            .iter_seq()
            .filter_map(Node::as_str)
            .collect();
        assert_eq!(c, ["x", "y"]);
        assert_eq!(d[1].get("kind").and_then(Node::as_str), Some("Pod"));
        assert_eq!(d[2].iter_seq().count(), 2);
    }

    #[test]
    fn malformed_input_does_not_panic() {
        for text in [
            "a: [1, 2\nb: : :\n",
            "- - - [[[{{{\n",
            "key: *missing\n",
            "a: &a [*a]\n",
            "\t- x\n  y: z\n",
            "",
            "---\n---\n",
        ] {
            let _ = docs(text);
        }
        let deep = "[".repeat(5000);
        let _ = docs(&deep);
    }

    #[test]
    fn alias_expansion_is_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let d = docs(&text);
        assert!(count_nodes(&d[0]) <= MAX_ALIAS_NODES * 2);
    }
}
