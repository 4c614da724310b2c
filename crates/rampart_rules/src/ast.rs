//! Syntax-tree helpers shared by the structural rules of the application languages (Python,
//! JavaScript/TypeScript, Java, C#, Go): calls with their arguments, dotted callee paths,
//! imports, string literals and string constants, enclosing scopes and where a value is stored.
//!
//! Everything here is best effort on possibly malformed trees: a helper that cannot answer
//! returns `None` or an empty result, never panics.

use rampart_core::Language;
use rampart_syntax::ProjectSettings;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use tree_sitter::Node;

/// The source text of `node` (empty if the range is not valid UTF-8 boundaries).
pub fn text<'s>(node: Node<'_>, src: &'s str) -> &'s str {
    src.get(node.byte_range()).unwrap_or("")
}

/// Calls `f` on every node under `root` (including `root`), in source order.
pub fn walk<'t>(root: Node<'t>, mut f: impl FnMut(Node<'t>)) {
    let mut cursor = root.walk();
    // Depth below `root`: cheaper than comparing the cursor's node with `root` at every step.
    let mut depth = 0usize;
    loop {
        f(cursor.node());
        if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if depth == 0 {
                return;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            depth -= 1;
        }
    }
}

/// Like [`walk`], but below a node only when `descend` accepts it.
fn walk_pruned<'t>(
    root: Node<'t>,
    descend: impl Fn(Node<'t>) -> bool,
    mut f: impl FnMut(Node<'t>),
) {
    let mut cursor = root.walk();
    let mut depth = 0usize;
    loop {
        let node = cursor.node();
        f(node);
        if descend(node) && cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        loop {
            if depth == 0 {
                return;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            depth -= 1;
        }
    }
}

/// Python node kinds that cannot contain a statement when free of parse errors: simple
/// statements and expressions (a lambda's body is an expression).
const PYTHON_NO_STATEMENTS: &[&str] = &[
    "expression_statement",
    "return_statement",
    "raise_statement",
    "assert_statement",
    "delete_statement",
    "global_statement",
    "nonlocal_statement",
    "pass_statement",
    "print_statement",
    "type_alias_statement",
    "decorator",
    "parameters",
    "argument_list",
    "call",
    "assignment",
    "augmented_assignment",
    "attribute",
    "subscript",
    "string",
    "concatenated_string",
    "comparison_operator",
    "boolean_operator",
    "binary_operator",
    "unary_operator",
    "not_operator",
    "conditional_expression",
    "parenthesized_expression",
    "lambda",
    "await",
    "keyword_argument",
    "list",
    "tuple",
    "set",
    "dictionary",
    "list_comprehension",
    "dictionary_comprehension",
    "set_comprehension",
    "generator_expression",
    "identifier",
    "comment",
];

/// Every node under `root` whose kind is one of `kinds`, in source order.
pub fn descendants_of_kind<'t>(root: Node<'t>, kinds: &[&str]) -> Vec<Node<'t>> {
    let ids = kind_ids(root, kinds);
    let mut out = Vec::new();
    walk(root, |n| {
        if ids.contains(&n.kind_id()) {
            out.push(n);
        }
    });
    out
}

/// The grammar's ids of the named node kinds `kinds` (a name can have several ids through
/// aliases). Comparing ids keeps whole-tree walks cheap.
pub fn kind_ids(root: Node<'_>, kinds: &[&str]) -> Vec<u16> {
    thread_local! {
        // Named kind ids by name, per grammar: built once instead of scanning every kind name
        // of the grammar on each call.
        static NAMED_IDS: RefCell<FxHashMap<tree_sitter::Language, FxHashMap<String, Vec<u16>>>> =
            RefCell::default();
    }
    let language = root.language();
    NAMED_IDS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let by_name = cache.entry((*language).clone()).or_insert_with(|| {
            let mut by_name: FxHashMap<String, Vec<u16>> = FxHashMap::default();
            for id in (0..language.node_kind_count()).filter_map(|i| u16::try_from(i).ok()) {
                if !language.node_kind_is_named(id) {
                    continue;
                }
                if let Some(k) = language.node_kind_for_id(id) {
                    by_name.entry(k.to_string()).or_default().push(id);
                }
            }
            by_name
        });
        kinds
            .iter()
            .filter_map(|k| by_name.get(*k))
            .flatten()
            .copied()
            .collect()
    })
}

/// Nodes of `kinds` among the file's top-level declarations, looking into namespaces and
/// import groups but not into types or functions: where Java, C# and Go put their imports.
pub fn declarations_of_kind<'t>(root: Node<'t>, kinds: &[&str]) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        for c in named_children(n).into_iter().rev() {
            if kinds.contains(&c.kind()) {
                out.push(c);
            } else if matches!(
                c.kind(),
                "namespace_declaration"
                    | "file_scoped_namespace_declaration"
                    | "declaration_list"
                    | "import_declaration"
                    | "import_spec_list"
            ) {
                stack.push(c);
            }
        }
    }
    out.sort_by_key(|n| n.start_byte());
    out
}

/// Named children without comments.
pub fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor)
        .filter(|c| !c.kind().contains("comment"))
        .collect()
}

/// Node kinds of calls and object creations, per language.
pub fn call_kinds(language: Language) -> &'static [&'static str] {
    match language {
        Language::Python => &["call"],
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            &["call_expression", "new_expression"]
        }
        Language::Java => &["method_invocation", "object_creation_expression"],
        Language::CSharp => &[
            "invocation_expression",
            "object_creation_expression",
            "implicit_object_creation_expression",
        ],
        Language::Go => &["call_expression"],
        _ => &[],
    }
}

/// One argument of a call: `name` is set for keyword (Python) and named (C#) arguments.
#[derive(Debug, Clone)]
pub struct Arg<'t> {
    pub name: Option<String>,
    pub value: Node<'t>,
}

/// A call or object creation.
#[derive(Debug, Clone)]
pub struct Call<'t> {
    pub node: Node<'t>,
    /// The callee as a dotted path when it is one (`hashlib.md5`, `crypto.createHash`,
    /// `MessageDigest.getInstance`, `md5.Sum`, `java.util.Random` for `new java.util.Random()`).
    /// For a method on a computed receiver (`createHash('md5').update`) this is `None`.
    pub path: Option<String>,
    /// The last name of the callee: the function, method or constructed type.
    pub name: String,
    /// The object a method is called on (`md` in `md.update(x)`), if any.
    pub receiver: Option<Node<'t>>,
    /// Whether this creates an object (`new X(...)`).
    pub constructor: bool,
    pub args: Vec<Arg<'t>>,
}

impl<'t> Call<'t> {
    /// The `i`-th positional argument.
    pub fn positional(&self, i: usize) -> Option<Node<'t>> {
        self.args
            .iter()
            .filter(|a| a.name.is_none())
            .nth(i)
            .map(|a| a.value)
    }

    /// The keyword or named argument `name`.
    pub fn keyword(&self, name: &str) -> Option<Node<'t>> {
        self.args
            .iter()
            .find(|a| a.name.as_deref() == Some(name))
            .map(|a| a.value)
    }

    /// The callee path with its first segment resolved through the file's imports.
    pub fn resolved_path(&self, imports: &Imports) -> Option<String> {
        self.path.as_deref().map(|p| imports.resolve(p))
    }
}

/// Reads `node` as a call or object creation, if it is one.
pub fn call<'t>(node: Node<'t>, src: &str, language: Language) -> Option<Call<'t>> {
    let kind = node.kind();
    let (callee, constructor, args_node) = match (language, kind) {
        (Language::Java, "method_invocation") => {
            let name = node.child_by_field_name("name")?;
            let receiver = node.child_by_field_name("object");
            let path = match receiver {
                Some(r) => {
                    dotted_path(r, src, language).map(|p| format!("{p}.{}", text(name, src)))
                }
                None => Some(text(name, src).to_string()),
            };
            return Some(Call {
                node,
                path,
                name: text(name, src).to_string(),
                receiver,
                constructor: false,
                args: arguments(node.child_by_field_name("arguments"), src),
            });
        }
        (Language::Java | Language::CSharp, "object_creation_expression") => (
            node.child_by_field_name("type"),
            true,
            node.child_by_field_name("arguments"),
        ),
        (Language::CSharp, "implicit_object_creation_expression") => (
            None,
            true,
            named_children(node)
                .into_iter()
                .find(|c| c.kind() == "argument_list"),
        ),
        (_, "new_expression") => (
            node.child_by_field_name("constructor"),
            true,
            node.child_by_field_name("arguments"),
        ),
        (_, "call" | "call_expression" | "invocation_expression") => (
            node.child_by_field_name("function"),
            false,
            node.child_by_field_name("arguments"),
        ),
        _ => return None,
    };
    let args = arguments(args_node, src);
    let Some(callee) = callee else {
        // `new()` in C#: the type is the declared one.
        let name = declared_type_of_value(node, src).unwrap_or_default();
        return Some(Call {
            node,
            path: (!name.is_empty()).then(|| name.clone()),
            name,
            receiver: None,
            constructor,
            args,
        });
    };
    let callee = strip_generic(callee);
    let (receiver, name) = match member_parts(callee) {
        Some((obj, prop)) => (Some(obj), text(prop, src).to_string()),
        None => (None, last_segment(text(callee, src)).to_string()),
    };
    Some(Call {
        node,
        path: dotted_path(callee, src, language),
        name: strip_type_args(&name).to_string(),
        receiver,
        constructor,
        args,
    })
}

/// Every call and object creation under `root`, in source order.
pub fn calls<'t>(root: Node<'t>, src: &str, language: Language) -> Vec<Call<'t>> {
    calls_named(root, src, language, |_| true)
}

/// The calls under `root` whose callee name (the last identifier: `md5` in `hashlib.md5(x)`,
/// `Random` in `new Random()`) passes `wanted`. Cheaper than [`calls`] on large files, since
/// only matching calls are read in full.
pub fn calls_named<'t>(
    root: Node<'t>,
    src: &str,
    language: Language,
    wanted: impl Fn(&str) -> bool,
) -> Vec<Call<'t>> {
    let ids = kind_ids(root, call_kinds(language));
    let mut out = Vec::new();
    walk(root, |n| {
        if ids.contains(&n.kind_id()) && callee_name(n, src).is_none_or(&wanted) {
            if let Some(c) = call(n, src, language) {
                out.push(c);
            }
        }
    });
    out
}

/// The last identifier of a call's callee, without building the call; `None` when the
/// callee has no name of its own (C# `new()`, a call of a call).
pub fn callee_name<'s>(node: Node<'_>, src: &'s str) -> Option<&'s str> {
    let callee = match node.kind() {
        "method_invocation" => return node.child_by_field_name("name").map(|n| text(n, src)),
        "object_creation_expression" => node.child_by_field_name("type")?,
        "new_expression" => node.child_by_field_name("constructor")?,
        _ => node.child_by_field_name("function")?,
    };
    let callee = strip_generic(callee);
    let name = match member_parts(callee) {
        Some((_, prop)) => text(strip_generic(prop), src),
        None => text(callee, src),
    };
    Some(last_segment(name))
}

fn arguments<'t>(args: Option<Node<'t>>, src: &str) -> Vec<Arg<'t>> {
    let Some(args) = args else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for a in named_children(args) {
        match a.kind() {
            // Python `f(x=1)`.
            "keyword_argument" => {
                if let (Some(n), Some(v)) = (
                    a.child_by_field_name("name"),
                    a.child_by_field_name("value"),
                ) {
                    out.push(Arg {
                        name: Some(text(n, src).to_string()),
                        value: v,
                    });
                }
            }
            // C# `F(name: x, ref y)`.
            "argument" => {
                let name = a
                    .child_by_field_name("name")
                    .map(|n| text(n, src).to_string());
                let value = named_children(a)
                    .into_iter()
                    .rfind(|c| Some(*c) != a.child_by_field_name("name"));
                if let Some(value) = value {
                    out.push(Arg { name, value });
                }
            }
            _ => out.push(Arg {
                name: None,
                value: a,
            }),
        }
    }
    out
}

/// For `x.y` style nodes, the object and the member name nodes.
pub fn member_parts(node: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    let (obj, prop) = match node.kind() {
        "attribute" => ("object", "attribute"),
        "member_expression" => ("object", "property"),
        "field_access" => ("object", "field"),
        "member_access_expression" => ("expression", "name"),
        "selector_expression" => ("operand", "field"),
        "scoped_identifier" | "scoped_type_identifier" => ("scope", "name"),
        "qualified_name" => ("qualifier", "name"),
        _ => return None,
    };
    Some((
        node.child_by_field_name(obj)?,
        node.child_by_field_name(prop)?,
    ))
}

/// `a.b.c` for identifiers and member accesses (attribute, member, selector, field access,
/// qualified and scoped names); `this`/`self` stay as written. In JavaScript `require("m")`
/// reads as the path `m`, so `require('crypto').createHash` is `crypto.createHash`.
pub fn dotted_path(node: Node<'_>, src: &str, language: Language) -> Option<String> {
    let node = strip_generic(node);
    match node.kind() {
        "identifier"
        | "type_identifier"
        | "property_identifier"
        | "field_identifier"
        | "package_identifier"
        | "this"
        | "self"
        | "predefined_type" => Some(strip_type_args(text(node, src)).to_string()),
        "parenthesized_expression" => {
            let inner = named_children(node);
            (inner.len() == 1).then(|| dotted_path(inner[0], src, language))?
        }
        "non_null_expression" | "await_expression" => {
            dotted_path(named_children(node).into_iter().next()?, src, language)
        }
        "call_expression" if language.is_js_family() => {
            let f = node.child_by_field_name("function")?;
            if text(f, src) != "require" {
                return None;
            }
            let arg = named_children(node.child_by_field_name("arguments")?)
                .into_iter()
                .next()?;
            Some(module_name(&string_value(arg, src)?))
        }
        "scoped_type_identifier" => {
            // Java `java.util.Random` as a type: unnamed children.
            let parts: Vec<&str> = named_children(node).iter().map(|c| text(*c, src)).collect();
            (!parts.is_empty()).then(|| parts.join("."))
        }
        _ => {
            let (obj, prop) = member_parts(node)?;
            let base = dotted_path(obj, src, language)?;
            Some(format!("{base}.{}", strip_type_args(text(prop, src))))
        }
    }
}

/// `GetValue<string>` → the `GetValue` identifier (C# generic names, TS type arguments).
fn strip_generic(node: Node<'_>) -> Node<'_> {
    if node.kind() == "generic_name" || node.kind() == "generic_type" {
        if let Some(c) = named_children(node).into_iter().next() {
            return c;
        }
    }
    node
}

fn strip_type_args(s: &str) -> &str {
    s.split('<').next().unwrap_or(s).trim()
}

fn last_segment(path: &str) -> &str {
    let path = strip_type_args(path);
    path.rsplit(['.', ':']).next().unwrap_or(path)
}

/// `node:crypto` → `crypto`.
fn module_name(spec: &str) -> String {
    spec.strip_prefix("node:").unwrap_or(spec).to_string()
}

/// The type named on the left of `Random r = new();` (C# target-typed `new`).
fn declared_type_of_value(node: Node<'_>, src: &str) -> Option<String> {
    let decl = node.parent()?;
    if decl.kind() != "variable_declarator" {
        return None;
    }
    let var_decl = decl.parent()?;
    let ty = var_decl.child_by_field_name("type")?;
    Some(last_segment(text(ty, src)).to_string())
}

/// Local names bound by imports, mapped to what they stand for:
/// Python `import hashlib as h` (`h` → `hashlib`), `from hashlib import md5` (`md5` →
/// `hashlib.md5`); JavaScript `require`/`import` (`createHash` → `crypto.createHash`);
/// Java single-type and static imports (`MessageDigest` → `java.security.MessageDigest`);
/// Go import specs (`md5` or its alias → `crypto/md5`); C# `using X = A.B;` aliases.
#[derive(Debug, Default, Clone)]
pub struct Imports {
    names: FxHashMap<String, String>,
    /// Wildcard imports: Java `import a.b.*;`, C# `using A.B;`, Go dot imports.
    pub namespaces: Vec<String>,
}

impl Imports {
    pub fn collect(root: Node<'_>, src: &str, language: Language) -> Imports {
        let mut im = Imports::default();
        match language {
            Language::Python => im.collect_python(root, src),
            Language::JavaScript | Language::TypeScript | Language::Tsx => im.collect_js(root, src),
            Language::Java => im.collect_java(root, src),
            Language::CSharp => im.collect_csharp(root, src),
            Language::Go => im.collect_go(root, src),
            _ => {}
        }
        im
    }

    /// What a local name was imported as.
    pub fn get(&self, local: &str) -> Option<&str> {
        self.names.get(local).map(String::as_str)
    }

    /// `h.md5` → `hashlib.md5` when `h` is an import of `hashlib`; other paths unchanged.
    pub fn resolve(&self, path: &str) -> String {
        let (head, rest) = match path.find('.') {
            Some(i) => (&path[..i], &path[i..]),
            None => (path, ""),
        };
        match self.names.get(head) {
            Some(full) => format!("{full}{rest}"),
            None => path.to_string(),
        }
    }

    /// Whether any import brings in `module` (or something under it).
    pub fn imports_module(&self, module: &str) -> bool {
        let under = |v: &str| {
            v == module
                || v.strip_prefix(module)
                    .is_some_and(|r| r.starts_with('.') || r.starts_with('/'))
        };
        self.names.values().any(|v| under(v)) || self.namespaces.iter().any(|v| under(v))
    }

    fn add(&mut self, local: &str, full: String) {
        if !local.is_empty() && !full.is_empty() {
            self.names.insert(local.to_string(), full);
        }
    }

    fn collect_python(&mut self, root: Node<'_>, src: &str) {
        let ids = kind_ids(root, &["import_statement", "import_from_statement"]);
        let mut found = Vec::new();
        // Imports are statements: a well-formed expression or simple statement holds none, so
        // the walk skips those subtrees (most of the tree) unless they contain a parse error.
        walk_pruned(
            root,
            |n| n.has_error() || !PYTHON_NO_STATEMENTS.contains(&n.kind()),
            |n| {
                if ids.contains(&n.kind_id()) {
                    found.push(n);
                }
            },
        );
        for node in found {
            let mut cursor = node.walk();
            let names: Vec<Node<'_>> = node.children_by_field_name("name", &mut cursor).collect();
            if node.kind() == "import_statement" {
                for n in names {
                    match n.kind() {
                        "aliased_import" => {
                            if let (Some(name), Some(alias)) = (
                                n.child_by_field_name("name"),
                                n.child_by_field_name("alias"),
                            ) {
                                self.add(text(alias, src), text(name, src).to_string());
                            }
                        }
                        _ => {
                            // `import os.path` binds `os`.
                            let full = text(n, src);
                            let head = full.split('.').next().unwrap_or(full);
                            self.add(head, head.to_string());
                        }
                    }
                }
            } else {
                let Some(module) = node.child_by_field_name("module_name") else {
                    continue;
                };
                let module = text(module, src);
                if names.is_empty() {
                    self.namespaces.push(module.to_string());
                }
                for n in names {
                    let (name, alias) = match n.kind() {
                        "aliased_import" => (
                            n.child_by_field_name("name"),
                            n.child_by_field_name("alias"),
                        ),
                        _ => (Some(n), Some(n)),
                    };
                    if let (Some(name), Some(alias)) = (name, alias) {
                        self.add(text(alias, src), format!("{module}.{}", text(name, src)));
                    }
                }
            }
        }
    }

    fn collect_js(&mut self, root: Node<'_>, src: &str) {
        for node in descendants_of_kind(root, &["import_statement", "variable_declarator"]) {
            if node.kind() == "import_statement" {
                // TypeScript `import crypto = require('crypto');`.
                if let Some(clause) = named_children(node)
                    .into_iter()
                    .find(|c| c.kind() == "import_require_clause")
                {
                    let parts = named_children(clause);
                    let module = clause
                        .child_by_field_name("source")
                        .and_then(|m| string_value(m, src));
                    if let (Some(local), Some(module)) = (parts.first(), module) {
                        self.add(text(*local, src), module_name(&module));
                    }
                    continue;
                }
                let Some(source) = node.child_by_field_name("source") else {
                    continue;
                };
                let Some(module) = string_value(source, src).map(|m| module_name(&m)) else {
                    continue;
                };
                for clause in named_children(node)
                    .into_iter()
                    .filter(|c| c.kind() == "import_clause")
                {
                    for part in named_children(clause) {
                        match part.kind() {
                            "identifier" => self.add(text(part, src), module.clone()),
                            "namespace_import" => {
                                if let Some(id) = named_children(part).into_iter().next() {
                                    self.add(text(id, src), module.clone());
                                }
                            }
                            "named_imports" => {
                                for spec in named_children(part) {
                                    let Some(name) = spec.child_by_field_name("name") else {
                                        continue;
                                    };
                                    let local = spec.child_by_field_name("alias").unwrap_or(name);
                                    let name = text(name, src).trim_matches(['"', '\'']);
                                    let full = if name == "default" {
                                        module.clone()
                                    } else {
                                        format!("{module}.{name}")
                                    };
                                    self.add(text(local, src), full);
                                }
                            }
                            _ => {}
                        }
                    }
                }
                continue;
            }
            // `const x = require('m')`, `const { a, b: c } = require('m')`.
            let (Some(name), Some(value)) = (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            ) else {
                continue;
            };
            let Some(module) = dotted_path(value, src, Language::JavaScript) else {
                continue;
            };
            if !is_require(value, src) {
                continue;
            }
            match name.kind() {
                "identifier" => self.add(text(name, src), module),
                "object_pattern" => {
                    for p in named_children(name) {
                        match p.kind() {
                            "shorthand_property_identifier_pattern" => {
                                let n = text(p, src);
                                self.add(n, format!("{module}.{n}"));
                            }
                            "pair_pattern" => {
                                if let (Some(k), Some(v)) =
                                    (p.child_by_field_name("key"), p.child_by_field_name("value"))
                                {
                                    self.add(text(v, src), format!("{module}.{}", text(k, src)));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn collect_java(&mut self, root: Node<'_>, src: &str) {
        for node in declarations_of_kind(root, &["import_declaration"]) {
            let parts = named_children(node);
            let Some(path) = parts
                .iter()
                .find(|c| matches!(c.kind(), "scoped_identifier" | "identifier"))
            else {
                continue;
            };
            let full = text(*path, src).to_string();
            if parts.iter().any(|c| c.kind() == "asterisk") {
                self.namespaces.push(full);
            } else {
                let local = last_segment(&full).to_string();
                self.add(&local, full);
            }
        }
    }

    fn collect_csharp(&mut self, root: Node<'_>, src: &str) {
        for node in declarations_of_kind(root, &["using_directive"]) {
            let parts = named_children(node);
            if let Some(alias) = node.child_by_field_name("name") {
                if let Some(target) = parts.iter().rev().find(|c| **c != alias) {
                    self.add(text(alias, src), text(*target, src).to_string());
                }
            } else if let Some(ns) = parts.last() {
                self.namespaces.push(text(*ns, src).to_string());
            }
        }
    }

    fn collect_go(&mut self, root: Node<'_>, src: &str) {
        for spec in declarations_of_kind(root, &["import_spec"]) {
            let Some(path) = spec
                .child_by_field_name("path")
                .and_then(|p| string_value(p, src))
            else {
                continue;
            };
            match spec.child_by_field_name("name").map(|n| text(n, src)) {
                Some("_") => {}
                Some(".") => self.namespaces.push(path),
                Some(alias) => self.add(alias, path),
                None => {
                    let last = path.rsplit('/').next().unwrap_or(&path);
                    // `gopkg.in/yaml.v3` is package `yaml`; `github.com/x/go-redis` is `redis`.
                    let last = last.split('.').next().unwrap_or(last);
                    let last = last.strip_prefix("go-").unwrap_or(last);
                    self.add(last, path.clone());
                }
            }
        }
    }
}

fn is_require(node: Node<'_>, src: &str) -> bool {
    let mut n = node;
    loop {
        match n.kind() {
            "call_expression" => {
                let Some(f) = n.child_by_field_name("function") else {
                    return false;
                };
                if text(f, src) == "require" {
                    return true;
                }
                n = f;
            }
            "member_expression" => match n.child_by_field_name("object") {
                Some(o) => n = o,
                None => return false,
            },
            "await_expression" | "parenthesized_expression" => {
                match named_children(n).into_iter().next() {
                    Some(c) => n = c,
                    None => return false,
                }
            }
            _ => return false,
        }
    }
}

/// The value of a string literal without interpolation, escapes decoded: Python strings
/// (including implicit concatenation; bytes literals read as text), JavaScript strings and
/// plain template strings, Java strings and text blocks, C# regular, verbatim and raw strings,
/// Go interpreted and raw strings.
pub fn string_value(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind() {
        "concatenated_string" => {
            let mut out = String::new();
            for part in named_children(node) {
                out.push_str(&string_value(part, src)?);
            }
            Some(out)
        }
        "parenthesized_expression" => {
            let inner = named_children(node);
            (inner.len() == 1).then(|| string_value(inner[0], src))?
        }
        "verbatim_string_literal" => {
            let t = text(node, src);
            let inner = t.strip_prefix("@\"").or_else(|| t.strip_prefix("\"@"))?;
            Some(inner.strip_suffix('"')?.replace("\"\"", "\""))
        }
        "raw_string_literal" if text(node, src).starts_with('`') => {
            let t = text(node, src);
            Some(t.trim_start_matches('`').trim_end_matches('`').to_string())
        }
        "string"
        | "string_literal"
        | "template_string"
        | "interpreted_string_literal"
        | "raw_string_literal"
        | "character_literal" => {
            let raw = node.kind() == "string" && is_python_raw(node, src);
            let mut out = String::new();
            for part in named_children(node) {
                match part.kind() {
                    "escape_sequence" if !raw => out.push_str(&decode_escape(text(part, src))),
                    "string_start"
                    | "string_end"
                    | "raw_string_start"
                    | "raw_string_end"
                    | "raw_string_delimiter" => {}
                    "string_content" if raw => out.push_str(text(part, src)),
                    "string_content" => {
                        // Python keeps escapes inside `string_content`.
                        out.push_str(&decode_all_escapes(text(part, src)));
                    }
                    k if k.contains("interpolation") || k.contains("substitution") => return None,
                    k if k.ends_with("content")
                        || k.ends_with("string_fragment")
                        || k == "escape_sequence" =>
                    {
                        out.push_str(text(part, src))
                    }
                    _ => return None,
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// Node kinds of string literals in every supported language (including interpolated ones).
pub const STRING_LITERAL_KINDS: &[&str] = &[
    "string",
    "concatenated_string",
    "string_literal",
    "template_string",
    "interpreted_string_literal",
    "raw_string_literal",
    "verbatim_string_literal",
    "interpolated_string_expression",
];

/// Whether `node` is a string literal of any supported language (including interpolated ones).
pub fn is_string_literal(node: Node<'_>) -> bool {
    STRING_LITERAL_KINDS.contains(&node.kind())
}

fn is_python_raw(node: Node<'_>, src: &str) -> bool {
    node.child(0)
        .filter(|c| c.kind() == "string_start")
        .is_some_and(|c| text(c, src).to_ascii_lowercase().contains('r'))
}

fn decode_all_escapes(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let esc = &rest[i..];
        let len = escape_len(esc);
        out.push_str(&decode_escape(&esc[..len]));
        rest = &esc[len..];
    }
    out.push_str(rest);
    out
}

/// Byte length of the escape sequence at the start of `s` (which starts with a backslash).
fn escape_len(s: &str) -> usize {
    let body = &s[1..];
    let Some(c) = body.chars().next() else {
        return 1;
    };
    let hex_run = |max: usize| {
        1 + c.len_utf8()
            + body[c.len_utf8()..]
                .chars()
                .take(max)
                .take_while(char::is_ascii_hexdigit)
                .count()
    };
    match c {
        'x' => hex_run(2),
        'u' => hex_run(4),
        'U' => hex_run(8),
        '0'..='7' => {
            1 + body
                .chars()
                .take(3)
                .take_while(|c| ('0'..='7').contains(c))
                .count()
        }
        _ => 1 + c.len_utf8(),
    }
}

/// Decodes one escape sequence (`\n`, `\x00`, `\u0041`, `\u{41}`, octal); unknown escapes
/// stand for the escaped character.
pub fn decode_escape(esc: &str) -> String {
    let body = esc.strip_prefix('\\').unwrap_or(esc);
    let mut chars = body.chars();
    let Some(c) = chars.next() else {
        return String::new();
    };
    let rest: String = chars.collect();
    let code = |digits: &str, radix| {
        u32::from_str_radix(digits, radix)
            .ok()
            .and_then(char::from_u32)
    };
    let decoded = match c {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        '0'..='7' => code(body, 8),
        'x' | 'u' | 'U' => code(rest.trim_start_matches('{').trim_end_matches('}'), 16),
        'a' => Some('\x07'),
        'b' => Some('\x08'),
        'f' => Some('\x0c'),
        'v' => Some('\x0b'),
        '\n' => return String::new(),
        other => Some(other),
    };
    decoded.map(String::from).unwrap_or_else(|| esc.to_string())
}

/// Name of the function, method, class or type declared by `node`, if it declares one.
fn declared_name(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind() {
        "function_definition"
        | "class_definition"
        | "function_declaration"
        | "generator_function_declaration"
        | "method_definition"
        | "class_declaration"
        | "abstract_class_declaration"
        | "interface_declaration"
        | "enum_declaration"
        | "record_declaration"
        | "struct_declaration"
        | "constructor_declaration"
        | "local_function_statement"
        | "property_declaration"
        | "namespace_declaration"
        | "file_scoped_namespace_declaration"
        | "function_signature" => Some(text(node.child_by_field_name("name")?, src).to_string()),
        "method_declaration" => {
            let name = text(node.child_by_field_name("name")?, src);
            // Go methods: `(s *Server) Handle` → `Server.Handle`.
            match node.child_by_field_name("receiver") {
                Some(recv) => {
                    let ty = descendants_of_kind(recv, &["type_identifier"])
                        .first()
                        .map(|t| text(*t, src).to_string());
                    Some(match ty {
                        Some(t) => format!("{t}.{name}"),
                        None => name.to_string(),
                    })
                }
                None => Some(name.to_string()),
            }
        }
        "arrow_function" | "function_expression" | "function" | "lambda" => {
            // Named by what holds it: `const handler = () => ...`, `{ login: function () {} }`.
            let parent = node.parent()?;
            match parent.kind() {
                "variable_declarator" => {
                    Some(text(parent.child_by_field_name("name")?, src).to_string())
                }
                "pair" => Some(text(parent.child_by_field_name("key")?, src).to_string()),
                "assignment_expression" | "assignment" => {
                    Some(text(parent.child_by_field_name("left")?, src).to_string())
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether `node` is a function-like node (function, method, lambda, constructor).
pub fn is_function(node: Node<'_>) -> bool {
    matches!(
        node.kind(),
        "function_definition"
            | "function_declaration"
            | "generator_function_declaration"
            | "method_definition"
            | "method_declaration"
            | "constructor_declaration"
            | "local_function_statement"
            | "arrow_function"
            | "function_expression"
            | "function"
            | "func_literal"
            | "lambda"
            | "lambda_expression"
            | "anonymous_method_expression"
    )
}

/// The innermost function-like node containing `node`.
pub fn enclosing_function(node: Node<'_>) -> Option<Node<'_>> {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if is_function(n) {
            return Some(n);
        }
        cur = n.parent();
    }
    None
}

/// The name of the innermost named function containing `node` (Go methods as `Type.Method`).
pub fn enclosing_function_name(node: Node<'_>, src: &str) -> Option<String> {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if is_function(n) {
            if let Some(name) = declared_name(n, src) {
                return Some(name);
            }
        }
        cur = n.parent();
    }
    None
}

/// Qualified name of the enclosing classes and functions, outermost first (`Auth.login`),
/// for [`rampart_core::FindingBuilder::scope`]. Empty at module level.
pub fn enclosing_scope(node: Node<'_>, src: &str) -> String {
    let mut parts = Vec::new();
    let mut cur = node.parent();
    while let Some(n) = cur {
        if !matches!(
            n.kind(),
            "namespace_declaration" | "file_scoped_namespace_declaration"
        ) {
            if let Some(name) = declared_name(n, src) {
                parts.push(name);
            }
        }
        cur = n.parent();
    }
    parts.reverse();
    parts.join(".")
}

/// Where a value ends up, as found by [`destination`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Assigned to a variable, field or attribute (the target as written: `self.token`).
    Variable(String),
    /// Stored under a key: dict/object literal key, keyword or named argument, struct field.
    Key(String),
    /// Returned from the named function.
    Return(String),
}

impl Destination {
    /// The last identifier of the target (`self.api_token` → `api_token`); for a subscript the
    /// string key (`headers["ETag"]` → `ETag`) or else the container (`b[i]` → `b`).
    pub fn name(&self) -> &str {
        let s = match self {
            Destination::Variable(s) | Destination::Key(s) | Destination::Return(s) => s.trim(),
        };
        let s = match (s.find('['), s.strip_suffix(']')) {
            (Some(open), Some(inner)) => {
                let key = inner[open + 1..].trim();
                if key.starts_with(['"', '\'']) {
                    key.trim_matches(['"', '\''])
                } else {
                    &s[..open]
                }
            }
            _ => s.trim_matches(['"', '\'', '`']),
        };
        s.rsplit(['.', '>']).next().unwrap_or(s)
    }
}

/// How far [`destination`] follows a value upwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Climb {
    /// Only through wrappers that keep the value: parentheses, `await`, casts, and method calls
    /// on it (`md5(x).hexdigest()`, `createHash('md5').update(x).digest('hex')`).
    Value,
    /// Also through values derived from it: string building (`+`, f-strings, templates,
    /// `join`, `format`), conversions (`str`, `String.valueOf`, `strconv.Itoa`), arithmetic,
    /// comprehensions and collection literals.
    Derived,
}

/// Where the value of expression `node` is stored: the assignment or declaration target, the
/// key it is stored under, or the function it is returned from.
pub fn destination(node: Node<'_>, src: &str, climb: Climb) -> Option<Destination> {
    let mut child = node;
    let mut cur = node.parent()?;
    for _ in 0..32 {
        let field = |name: &str| cur.child_by_field_name(name);
        match cur.kind() {
            "assignment"
            | "assignment_expression"
            | "augmented_assignment"
            | "augmented_assignment_expression" => {
                let left = field("left")?;
                if left == child {
                    return None;
                }
                return Some(Destination::Variable(text(left, src).to_string()));
            }
            "variable_declarator" | "var_spec" | "const_spec" => {
                let name = field("name")?;
                if name == child {
                    return None;
                }
                return Some(Destination::Variable(text(name, src).to_string()));
            }
            "short_var_declaration" | "assignment_statement" => {
                let left = named_children(field("left")?);
                let right = field("right").map(named_children).unwrap_or_default();
                let idx = right.iter().position(|r| *r == child).unwrap_or(0);
                let target = left.get(idx).or(left.first())?;
                return Some(Destination::Variable(text(*target, src).to_string()));
            }
            "expression_list" => {}
            "pair" | "keyed_element" => {
                let key = field("key").or_else(|| named_children(cur).into_iter().next())?;
                if key == child {
                    return None;
                }
                return Some(Destination::Key(text(key, src).to_string()));
            }
            "keyword_argument" => {
                return Some(Destination::Key(text(field("name")?, src).to_string()));
            }
            "argument" if field("name").is_some() => {
                return Some(Destination::Key(text(field("name")?, src).to_string()));
            }
            "assignment_expression_statement" | "initializer_expression" => {}
            // C# `string Otp() => ...;` returns like `return`.
            "return_statement" | "arrow_function" | "arrow_expression_clause" => {
                let f = if cur.kind() == "arrow_function" {
                    Some(cur)
                } else {
                    enclosing_function(cur)
                };
                let f = f?;
                if let Some(name) = declared_name(f, src) {
                    return Some(Destination::Return(name));
                }
                // An anonymous callback's result feeds the call it is passed to.
                if climb != Climb::Derived {
                    return None;
                }
                child = f;
                cur = f.parent()?;
                continue;
            }
            "parenthesized_expression"
            | "await_expression"
            | "cast_expression"
            | "as_expression"
            | "non_null_expression"
            | "type_assertion"
            | "satisfies_expression"
            | "type_assertion_expression"
            | "equals_value_clause"
            | "expression_statement"
            | "literal_element"
            | "checked_expression" => {
                if cur.kind() == "expression_statement" {
                    return None;
                }
            }
            // A method called on the value: `md5(x).hexdigest()`.
            "attribute"
            | "member_expression"
            | "member_access_expression"
            | "selector_expression"
            | "field_access"
                if member_parts(cur).map(|(o, _)| o) == Some(child) =>
            {
                let call = cur.parent()?;
                if !call_kinds_any(call.kind()) {
                    return None;
                }
                child = call;
                cur = call.parent()?;
                continue;
            }
            "method_invocation" if field("object") == Some(child) => {}
            "argument_list" | "arguments" if climb == Climb::Derived => {
                let call = cur.parent()?;
                if !call_kinds_any(call.kind()) {
                    return None;
                }
                child = call;
                cur = call.parent()?;
                continue;
            }
            "binary_operator"
            | "binary_expression"
            | "template_substitution"
            | "template_string"
            | "interpolation"
            | "string"
            | "interpolated_string_expression"
            | "formatted_string"
            | "concatenated_string"
            | "generator_expression"
            | "list_comprehension"
            | "list"
            | "array"
            | "tuple"
            | "list_splat"
            | "spread_element"
            | "for_in_clause"
            | "unary_expression"
            | "unary_operator"
            | "conditional_expression"
            | "ternary_expression"
            | "type_conversion_expression"
            | "composite_literal"
            | "literal_value"
            | "array_initializer"
            | "array_creation_expression"
            | "subscript"
            | "element_access_expression"
            | "index_expression"
            | "array_access"
            | "subscript_expression"
            | "slice_expression"
            | "interpolation_brace"
            | "argument"
            | "bracketed_argument_list"
            | "lambda"
            | "lambda_expression"
                if climb == Climb::Derived => {}
            _ => return None,
        }
        child = cur;
        cur = cur.parent()?;
    }
    None
}

/// The outermost expression that still carries `node`'s value: through parentheses, `await`,
/// and methods called on it (`createHash('md5')` in `createHash('md5').update(x).digest()`
/// gives the whole chain).
pub fn value_root(node: Node<'_>) -> Node<'_> {
    let mut cur = node;
    while let Some(p) = cur.parent() {
        match p.kind() {
            "parenthesized_expression" | "await_expression" | "non_null_expression" => cur = p,
            "method_invocation" if p.child_by_field_name("object") == Some(cur) => cur = p,
            _ if member_parts(p).map(|(o, _)| o) == Some(cur) => match p.parent() {
                Some(c) if call_kinds_any(c.kind()) => cur = c,
                _ => break,
            },
            _ => break,
        }
    }
    cur
}

fn call_kinds_any(kind: &str) -> bool {
    matches!(
        kind,
        "call"
            | "call_expression"
            | "invocation_expression"
            | "method_invocation"
            | "new_expression"
            | "object_creation_expression"
    )
}

/// The values of names assigned exactly once outside any function: Python and JavaScript
/// top-level variables, Java and C# fields, Go package-level `const`/`var`.
pub fn top_level_values<'t>(
    root: Node<'t>,
    src: &str,
    language: Language,
) -> FxHashMap<String, Node<'t>> {
    let mut out: FxHashMap<String, Node<'t>> = FxHashMap::default();
    let mut repeated: Vec<String> = Vec::new();
    let kinds: &[&str] = match language {
        Language::Python => &["assignment"],
        Language::JavaScript | Language::TypeScript | Language::Tsx => &["variable_declarator"],
        Language::Java | Language::CSharp => &["variable_declarator"],
        Language::Go => &["const_spec", "var_spec"],
        _ => &[],
    };
    for node in descendants_of_kind(root, kinds) {
        if enclosing_function(node).is_some() {
            continue;
        }
        let Some((name, value)) = assignment_parts(node) else {
            continue;
        };
        if name.kind() != "identifier" {
            continue;
        }
        let name = text(name, src);
        if out.insert(name.to_string(), value).is_some() {
            repeated.push(name.to_string());
        }
    }
    for name in repeated {
        out.remove(&name);
    }
    out
}

/// Resolves expressions to constant strings: literals, constants of the file, local variables
/// assigned exactly one literal in the same function, `+` concatenation, and settings read by
/// key from the project's configuration files (`props.getProperty("k")`,
/// `config["Section:Key"]`, `configuration.GetValue<string>("k")`, Java fields annotated
/// `@Value("${k}")`).
pub struct StringResolver<'a> {
    src: &'a str,
    root: Node<'a>,
    language: Language,
    /// Computed on first use: most files never need a constant.
    top_level: std::cell::OnceCell<FxHashMap<String, Node<'a>>>,
    /// Java fields injected from settings with `@Value`.
    injected: std::cell::OnceCell<FxHashMap<String, String>>,
    settings: &'a ProjectSettings,
}

impl<'a> StringResolver<'a> {
    pub fn new(
        root: Node<'a>,
        src: &'a str,
        language: Language,
        settings: &'a ProjectSettings,
    ) -> Self {
        StringResolver {
            src,
            root,
            language,
            top_level: std::cell::OnceCell::new(),
            injected: std::cell::OnceCell::new(),
            settings,
        }
    }

    fn constant(&self, name: &str, depth: u32) -> Option<String> {
        let injected = self.injected.get_or_init(|| {
            let mut out = FxHashMap::default();
            if self.language == Language::Java {
                for (field, key, default) in java_value_fields(self.root, self.src) {
                    if let Some(v) = self.settings.get(&key).map(str::to_string).or(default) {
                        out.entry(field).or_insert(v);
                    }
                }
            }
            out
        });
        if let Some(v) = injected.get(name) {
            return Some(v.clone());
        }
        let top = self
            .top_level
            .get_or_init(|| top_level_values(self.root, self.src, self.language));
        let value = *top.get(name)?;
        self.resolve_depth(value, depth + 1)
    }

    /// The constant string value of `node`, if it has one.
    pub fn resolve(&self, node: Node<'_>) -> Option<String> {
        self.resolve_depth(node, 0)
    }

    fn resolve_depth(&self, node: Node<'_>, depth: u32) -> Option<String> {
        if depth > 8 {
            return None;
        }
        if let Some(s) = string_value(node, self.src) {
            return Some(s);
        }
        match node.kind() {
            "identifier" => {
                let name = text(node, self.src);
                if let Some(v) = self.local_value(node, name, depth) {
                    return Some(v);
                }
                self.constant(name, depth)
            }
            "field_access"
            | "member_expression"
            | "member_access_expression"
            | "attribute"
            | "selector_expression" => {
                // `this.ALGO`, `Config.ALGO`, `settings.ALGO`: a constant of this file by name.
                let (_, prop) = member_parts(node)?;
                self.constant(text(prop, self.src), depth)
            }
            "binary_expression" | "binary_operator" => {
                let op = node
                    .child_by_field_name("operator")
                    .map(|o| text(o, self.src));
                if op.is_some_and(|o| o != "+") {
                    return None;
                }
                let l = self.resolve_depth(node.child_by_field_name("left")?, depth + 1)?;
                let r = self.resolve_depth(node.child_by_field_name("right")?, depth + 1)?;
                Some(l + &r)
            }
            // TypeScript `algo as string`, `algo!`, `<string>algo`.
            "parenthesized_expression"
            | "as_expression"
            | "non_null_expression"
            | "satisfies_expression"
            | "type_assertion" => {
                let inner = named_children(node)
                    .into_iter()
                    .find(|c| !c.kind().contains("type"))?;
                self.resolve_depth(inner, depth + 1)
            }
            "element_access_expression" | "subscript" => {
                let parts = named_children(node);
                let key = descendants_of_kind(*parts.last()?, &["string_literal", "string"])
                    .into_iter()
                    .next()?;
                let key = string_value(key, self.src)?;
                // `configuration.GetSection("Crypto")["Algorithm"]` reads `Crypto:Algorithm`.
                let section = parts
                    .first()
                    .and_then(|c| call(*c, self.src, Language::CSharp))
                    .filter(|c| c.name == "GetSection")
                    .and_then(|c| c.positional(0))
                    .and_then(|k| self.resolve_depth(k, depth + 1));
                match section {
                    Some(section) => self.setting(&format!("{section}:{key}")),
                    None => self.setting(&key),
                }
            }
            _ => {
                let language = guess_call_language(node.kind())?;
                let c = call(node, self.src, language)?;
                // `config.get("crypto.algorithm")` (node-config and similar) only on a receiver
                // named for configuration: a plain map lookup is not a setting.
                let config_get = c.name == "get"
                    && c.receiver.is_some_and(|r| {
                        let r = text(r, self.src).to_ascii_lowercase();
                        r.contains("config") || r.contains("settings") || r.contains("conf")
                    });
                if !config_get
                    && !matches!(
                        c.name.as_str(),
                        "getProperty"
                            | "getRequiredProperty"
                            | "GetValue"
                            | "getString"
                            | "GetSection"
                    )
                {
                    return None;
                }
                let key = self.resolve_depth(c.positional(0)?, depth + 1)?;
                // `getProperty("k", "default")`.
                self.setting(&key).or_else(|| {
                    c.positional(1)
                        .and_then(|d| self.resolve_depth(d, depth + 1))
                })
            }
        }
    }

    fn setting(&self, key: &str) -> Option<String> {
        self.settings
            .get(key)
            .or_else(|| self.settings.get(&key.replace("__", ":")))
            .map(str::to_string)
    }

    /// The single literal a local variable is assigned in the enclosing function before `use`.
    fn local_value(&self, use_: Node<'_>, name: &str, depth: u32) -> Option<String> {
        let func = enclosing_function(use_)?;
        let values = assignments_before(func, name, use_.start_byte(), self.src);
        let mut resolved = values.iter().map(|v| self.resolve_depth(*v, depth + 1));
        let first = resolved.next()??;
        // Reassigned to something else or unknown: no constant.
        resolved
            .all(|r| r.as_deref() == Some(first.as_str()))
            .then_some(first)
    }
}

/// The values assigned to the plain variable `name` inside `scope` before byte offset
/// `before`, in source order: declarations with initialisers and simple assignments.
pub fn assignments_before<'t>(
    scope: Node<'t>,
    name: &str,
    before: usize,
    src: &str,
) -> Vec<Node<'t>> {
    let mut values = Vec::new();
    walk(scope, |n| {
        if n.start_byte() >= before {
            return;
        }
        if let Some((t, v)) = assignment_parts(n) {
            if text(t, src) == name {
                values.push(v);
            }
        }
    });
    values
}

/// The target and value of a declaration or assignment node (the first pair for Go lists).
pub fn assignment_parts(n: Node<'_>) -> Option<(Node<'_>, Node<'_>)> {
    let (target, value) = match n.kind() {
        "variable_declarator" => (
            n.child_by_field_name("name"),
            n.child_by_field_name("value").or_else(|| {
                // C#: the initialiser is an unnamed child after the name.
                named_children(n)
                    .into_iter()
                    .skip(1)
                    .find(|c| c.kind() != "bracketed_argument_list")
            }),
        ),
        "assignment" | "assignment_expression" => (
            n.child_by_field_name("left"),
            n.child_by_field_name("right"),
        ),
        "short_var_declaration" | "assignment_statement" | "var_spec" | "const_spec" => {
            let left = n
                .child_by_field_name("left")
                .map(|l| named_children(l).into_iter().next())
                .unwrap_or_else(|| n.child_by_field_name("name"));
            let right = n
                .child_by_field_name("right")
                .or_else(|| n.child_by_field_name("value"))
                .and_then(|r| named_children(r).into_iter().next());
            (left, right)
        }
        _ => return None,
    };
    Some((target?, value?))
}

/// Splits an identifier into lower-case words: `resetToken` → `reset token`,
/// `API_KEY` → `api key`, `sessionID` → `session id`.
pub fn words(ident: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = ident.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
        let next = chars.get(i + 1).copied();
        let boundary = c.is_uppercase()
            && prev.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
            });
        if boundary && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The call as written, shortened for messages: long argument lists become `…`.
pub fn call_display(call: &Call<'_>, src: &str) -> String {
    let full: String = text(call.node, src)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if full.chars().count() <= 60 {
        return full;
    }
    let callee = call
        .path
        .clone()
        .unwrap_or_else(|| format!("….{}", call.name));
    let prefix = if call.constructor { "new " } else { "" };
    let first = call
        .args
        .first()
        .map(|a| {
            text(a.value, src)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|a| a.chars().count() <= 40);
    match first {
        Some(a) if call.args.len() > 1 => format!("{prefix}{callee}({a}, …)"),
        Some(a) => format!("{prefix}{callee}({a})"),
        None if call.args.is_empty() => format!("{prefix}{callee}()"),
        None => format!("{prefix}{callee}(…)"),
    }
}

fn guess_call_language(kind: &str) -> Option<Language> {
    match kind {
        "method_invocation" => Some(Language::Java),
        "invocation_expression" => Some(Language::CSharp),
        "call" => Some(Language::Python),
        "call_expression" => Some(Language::JavaScript),
        _ => None,
    }
}

/// Java fields annotated `@Value("${key}")` or `@Value("${key:default}")`:
/// (field, key, default).
fn java_value_fields(root: Node<'_>, src: &str) -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    for field in descendants_of_kind(root, &["field_declaration", "formal_parameter"]) {
        let Some(mods) = named_children(field)
            .into_iter()
            .find(|c| c.kind() == "modifiers")
        else {
            continue;
        };
        for ann in named_children(mods) {
            if ann.kind() != "annotation"
                || ann.child_by_field_name("name").map(|n| text(n, src)) != Some("Value")
            {
                continue;
            }
            let Some(lit) = ann
                .child_by_field_name("arguments")
                .and_then(|a| {
                    descendants_of_kind(a, &["string_literal"])
                        .into_iter()
                        .next()
                })
                .and_then(|l| string_value(l, src))
            else {
                continue;
            };
            let Some(key) = lit.strip_prefix("${").and_then(|k| k.strip_suffix('}')) else {
                continue;
            };
            // `${key:default}`: the default applies when no settings file has the key.
            let (key, default) = match key.split_once(':') {
                Some((k, d)) => (k.to_string(), Some(d.to_string())),
                None => (key.to_string(), None),
            };
            let names = descendants_of_kind(field, &["variable_declarator"])
                .into_iter()
                .filter_map(|d| d.child_by_field_name("name"))
                .chain(field.child_by_field_name("name"));
            for n in names {
                out.push((text(n, src).to_string(), key.clone(), default.clone()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_tree<R>(language: Language, code: &str, f: impl FnOnce(Node<'_>) -> R) -> R {
        let parsed = rampart_syntax::parse(language, code).expect("parses");
        f(parsed.tree.root_node())
    }

    fn call_paths(language: Language, code: &str) -> Vec<String> {
        with_tree(language, code, |root| {
            let imports = Imports::collect(root, code, language);
            calls(root, code, language)
                .iter()
                .map(|c| {
                    c.resolved_path(&imports)
                        .unwrap_or_else(|| format!("?.{}", c.name))
                })
                .collect()
        })
    }

    #[test]
    fn resolves_callees_through_imports() {
        let py = "import hashlib as h\nfrom hashlib import md5 as m\nh.sha1(b'x')\nm(data)\n";
        assert_eq!(
            call_paths(Language::Python, py),
            ["hashlib.sha1", "hashlib.md5"]
        );
        let js = "const crypto = require('node:crypto');\nimport { createHash as ch } from 'crypto';\ncrypto.createHash('md5');\nch('sha1').update(x);\nrequire('crypto').randomBytes(4);\n";
        assert_eq!(
            call_paths(Language::JavaScript, js),
            [
                "require",
                "crypto.createHash",
                "?.update",
                "crypto.createHash",
                "crypto.randomBytes",
                "require"
            ]
        );
        let go = "package main\nimport (\n m \"crypto/md5\"\n \"crypto/sha1\"\n)\nfunc f() { m.Sum(nil); sha1.New() }\n";
        assert_eq!(
            call_paths(Language::Go, go),
            ["crypto/md5.Sum", "crypto/sha1.New"]
        );
        let ts = "import crypto = require('crypto');\ncrypto.createHash('md5');\n";
        assert_eq!(call_paths(Language::TypeScript, ts), ["crypto.createHash"]);
        let java = "import java.security.MessageDigest;\nclass A { void f() { MessageDigest.getInstance(\"MD5\"); new java.util.Random(); } }";
        assert_eq!(
            call_paths(Language::Java, java),
            [
                "java.security.MessageDigest.getInstance",
                "java.util.Random"
            ]
        );
        let cs = "using System.Security.Cryptography;\nclass A { void F() { var m = MD5.Create(); Random r = new(); x.GetValue<string>(\"k\"); } }";
        assert_eq!(
            call_paths(Language::CSharp, cs),
            ["MD5.Create", "Random", "x.GetValue"]
        );
    }

    #[test]
    fn reads_arguments_and_strings() {
        let py = "hashlib.md5(b'\\x00ab', usedforsecurity=False)\n";
        with_tree(Language::Python, py, |root| {
            let c = &calls(root, py, Language::Python)[0];
            assert_eq!(
                string_value(c.positional(0).unwrap(), py).as_deref(),
                Some("\0ab")
            );
            assert_eq!(text(c.keyword("usedforsecurity").unwrap(), py), "False");
        });
        let cs = "class A { void F() { Foo(@\"a\"\"b\", name: \"x\\ty\", $\"{z}\"); } }";
        with_tree(Language::CSharp, cs, |root| {
            let c = &calls(root, cs, Language::CSharp)[0];
            assert_eq!(
                string_value(c.positional(0).unwrap(), cs).as_deref(),
                Some("a\"b")
            );
            assert_eq!(
                string_value(c.keyword("name").unwrap(), cs).as_deref(),
                Some("x\ty")
            );
            assert_eq!(string_value(c.positional(1).unwrap(), cs), None);
        });
        let go = "package main\nfunc f() { g(\"a\\x41\", `r\\n`) }\n";
        with_tree(Language::Go, go, |root| {
            let c = &calls(root, go, Language::Go)[0];
            assert_eq!(
                string_value(c.positional(0).unwrap(), go).as_deref(),
                Some("aA")
            );
            assert_eq!(
                string_value(c.positional(1).unwrap(), go).as_deref(),
                Some("r\\n")
            );
        });
    }

    #[test]
    fn finds_scopes_and_destinations() {
        let py = "class Auth:\n    def reset(self, user):\n        self.reset_token = str(random.randint(0, 9))\n        return hashlib.md5(user).hexdigest()\n";
        with_tree(Language::Python, py, |root| {
            let cs = calls(root, py, Language::Python);
            let randint = cs.iter().find(|c| c.name == "randint").unwrap();
            assert_eq!(enclosing_scope(randint.node, py), "Auth.reset");
            assert_eq!(destination(randint.node, py, Climb::Value), None);
            let d = destination(randint.node, py, Climb::Derived).unwrap();
            assert_eq!(d.name(), "reset_token");
            let md5 = cs.iter().find(|c| c.name == "md5").unwrap();
            assert_eq!(
                destination(md5.node, py, Climb::Value),
                Some(Destination::Return("reset".into()))
            );
        });
        let go = "package main\nfunc (s *Server) Issue() { tok, err := rand.Int(), nil }\n";
        with_tree(Language::Go, go, |root| {
            let c = &calls(root, go, Language::Go)[0];
            assert_eq!(enclosing_scope(c.node, go), "Server.Issue");
            assert_eq!(destination(c.node, go, Climb::Value).unwrap().name(), "tok");
        });
    }

    #[test]
    fn resolves_constants_locals_and_settings() {
        let java = "class C { private static final String ALGO = \"DES\"; @Value(\"${crypto.alg}\") private String alg;\n @Value(\"${crypto.mode:CBC}\") String mode2;\n void f() { String mode = \"/ECB\"; g(ALGO + mode); g(this.alg); g(props.getProperty(\"crypto.alg\")); g(mode2); g(env.getProperty(\"missing\", \"AES\")); } }";
        let mut settings = ProjectSettings::default();
        settings.insert("crypto.alg", "RC4");
        with_tree(Language::Java, java, |root| {
            let r = StringResolver::new(root, java, Language::Java, &settings);
            let gs: Vec<_> = calls(root, java, Language::Java)
                .into_iter()
                .filter(|c| c.name == "g")
                .collect();
            let vals: Vec<_> = gs
                .iter()
                .map(|c| r.resolve(c.positional(0).unwrap()))
                .collect();
            assert_eq!(
                vals,
                [
                    Some("DES/ECB".into()),
                    Some("RC4".into()),
                    Some("RC4".into()),
                    Some("CBC".into()),
                    Some("AES".into())
                ]
            );
        });
        let cs = "class C { const string Algo = \"DES\"; void F() { G(Algo); G(config[\"crypto:alg\"]); G(config.GetSection(\"crypto\")[\"alg\"]); } }";
        settings.insert("crypto:alg", "RC2");
        with_tree(Language::CSharp, cs, |root| {
            let r = StringResolver::new(root, cs, Language::CSharp, &settings);
            let vals: Vec<_> = calls(root, cs, Language::CSharp)
                .iter()
                .filter(|c| c.name == "G")
                .map(|c| r.resolve(c.positional(0).unwrap()))
                .collect();
            assert_eq!(
                vals,
                [Some("DES".into()), Some("RC2".into()), Some("RC2".into())]
            );
        });
        let js = "const algo = config.get('crypto.alg');\nfunction f(m) { g(algo); g(m.get('crypto.alg')); }\n";
        settings.insert("crypto.alg", "des-cbc");
        with_tree(Language::JavaScript, js, |root| {
            let r = StringResolver::new(root, js, Language::JavaScript, &settings);
            let vals: Vec<_> = calls(root, js, Language::JavaScript)
                .iter()
                .filter(|c| c.name == "g")
                .map(|c| r.resolve(c.positional(0).unwrap()))
                .collect();
            assert_eq!(vals, [Some("des-cbc".into()), None]);
        });
    }

    #[test]
    fn splits_identifiers_into_words() {
        assert_eq!(words("resetToken"), ["reset", "token"]);
        assert_eq!(words("API_KEY"), ["api", "key"]);
        assert_eq!(words("sessionID"), ["session", "id"]);
        assert_eq!(words("HTTPServer2fa"), ["http", "server2fa"]);
        let d = |s: &str| Destination::Variable(s.to_string());
        assert_eq!(d("headers[\"ETag\"]").name(), "ETag");
        assert_eq!(d("b[i]").name(), "b");
        assert_eq!(d("this.resetToken").name(), "resetToken");
    }

    #[test]
    fn never_panics_on_broken_code() {
        for (lang, code) in [
            (Language::Python, "hashlib.md5(\n'\\x"),
            (Language::JavaScript, "crypto.createHash('\\u{zz"),
            (
                Language::Java,
                "class { void f( { Cipher.getInstance(\"\\u12",
            ),
            (Language::CSharp, "class A { void F() { new(; x[\"a"),
            (Language::Go, "package x\nimport m \"crypto/"),
        ] {
            with_tree(lang, code, |root| {
                let imports = Imports::collect(root, code, lang);
                let settings = ProjectSettings::default();
                let r = StringResolver::new(root, code, lang, &settings);
                for c in calls(root, code, lang) {
                    let _ = c.resolved_path(&imports);
                    let _ = enclosing_scope(c.node, code);
                    let _ = destination(c.node, code, Climb::Derived);
                    for a in &c.args {
                        let _ = r.resolve(a.value);
                    }
                }
            });
        }
    }
}
