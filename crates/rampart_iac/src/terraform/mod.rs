//! Terraform checks. Each `.tf` file is modelled as blocks of attributes with expression values;
//! the files of one directory form a module, inside which `var.*` defaults and `local.*` values are
//! resolved before any rule judges a setting.

mod eval;
mod network;
mod policy;

mod azure_storage_public;
mod cloudtrail_disabled;
mod eks_public_endpoint;
mod firewall_open_to_world;
mod gcs_public_bucket;
mod hardcoded_password;
mod hardcoded_provider_credentials;
mod iam_passrole_wildcard;
mod iam_trust_any_principal;
mod iam_wildcard;
mod kms_rotation_disabled;
mod open_security_group;
mod rds_public;
mod rds_unencrypted;
mod s3_no_public_access_block;
mod s3_public_access;
mod s3_unencrypted;
mod sql_no_ssl;
mod sql_public_ip;
mod storage_http_allowed;
mod unencrypted_storage;

#[cfg(test)]
mod fixtures;

pub use eval::Module;

use rampart_core::{Finding, Location, RuleMeta};
use rampart_syntax::SourceFile;
use rustc_hash::FxHashMap;
use tree_sitter::{Node, Tree};

pub static RULES: &[&RuleMeta] = &[
    &s3_public_access::TF_S3_PUBLIC_ACCESS,
    &s3_no_public_access_block::TF_S3_NO_PUBLIC_ACCESS_BLOCK,
    &s3_unencrypted::TF_S3_UNENCRYPTED,
    &open_security_group::TF_OPEN_SECURITY_GROUP,
    &rds_public::TF_RDS_PUBLIC,
    &rds_unencrypted::TF_RDS_UNENCRYPTED,
    &hardcoded_password::TF_HARDCODED_PASSWORD,
    &iam_wildcard::TF_IAM_WILDCARD,
    &iam_passrole_wildcard::TF_IAM_PASSROLE_WILDCARD,
    &iam_trust_any_principal::TF_IAM_TRUST_ANY_PRINCIPAL,
    &unencrypted_storage::TF_UNENCRYPTED_STORAGE,
    &kms_rotation_disabled::TF_KMS_ROTATION_DISABLED,
    &cloudtrail_disabled::TF_CLOUDTRAIL_DISABLED,
    &eks_public_endpoint::TF_EKS_PUBLIC_ENDPOINT,
    &hardcoded_provider_credentials::TF_HARDCODED_PROVIDER_CREDENTIALS,
    &gcs_public_bucket::TF_GCS_PUBLIC_BUCKET,
    &azure_storage_public::TF_AZURE_STORAGE_PUBLIC,
    &firewall_open_to_world::TF_FIREWALL_OPEN_TO_WORLD,
    &storage_http_allowed::TF_STORAGE_HTTP_ALLOWED,
    &sql_public_ip::TF_SQL_PUBLIC_IP,
    &sql_no_ssl::TF_SQL_NO_SSL,
];

/// One `.tf` file reduced to its blocks.
pub struct Model {
    pub path: String,
    /// The directory of the file: all files of a directory form one module.
    pub dir: String,
    pub blocks: Vec<Block>,
}

/// A block such as `resource "aws_s3_bucket" "logs" { ... }`.
pub struct Block {
    /// `resource`, `data`, `variable`, `locals`, `provider`, or a nested block's name.
    pub kind: String,
    pub labels: Vec<String>,
    pub attrs: Vec<Attr>,
    pub blocks: Vec<Block>,
    /// The block's first line.
    pub location: Location,
}

/// `name = value`, located at its line.
pub struct Attr {
    pub name: String,
    pub value: Expr,
    pub location: Location,
}

/// An HCL expression, kept as written; [`Module::eval`] resolves variables and locals.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    /// A string with interpolations: literal parts are `Str`.
    Template(Vec<Expr>),
    List(Vec<Expr>),
    Object(Vec<(String, Expr)>),
    /// A traversal such as `var.name`, `local.x`, `aws_s3_bucket.logs.id` (index steps as text).
    Ref(Vec<String>),
    Call(String, Vec<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Unknown,
}

impl Expr {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Expr::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A boolean, also from the strings `"true"`/`"false"` Terraform converts.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Expr::Bool(b) => Some(*b),
            Expr::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Expr::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    pub fn as_num(&self) -> Option<f64> {
        match self {
            Expr::Num(n) => Some(*n),
            Expr::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// Items of a list; a single value is a list of one (Terraform and IAM both allow that).
    pub fn items(&self) -> Vec<&Expr> {
        match self {
            Expr::List(items) => items.iter().collect(),
            Expr::Null | Expr::Unknown => Vec::new(),
            other => vec![other],
        }
    }

    /// String items of a list (or the string itself).
    pub fn strings(&self) -> Vec<&str> {
        self.items().into_iter().filter_map(Expr::as_str).collect()
    }

    /// A key of an object (case-sensitive).
    pub fn get(&self, key: &str) -> Option<&Expr> {
        match self {
            Expr::Object(fields) => fields.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The resource a reference points at: `aws_s3_bucket.logs.id` is `("aws_s3_bucket", "logs")`.
    pub fn resource_ref(&self) -> Option<(&str, &str)> {
        match self {
            Expr::Ref(parts)
                if parts.len() >= 2
                    && !matches!(
                        parts[0].as_str(),
                        "var" | "local" | "data" | "module" | "each" | "count" | "self" | "path"
                    ) =>
            {
                Some((&parts[0], &parts[1]))
            }
            _ => None,
        }
    }
}

impl Block {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().rev().find(|a| a.name == name)
    }

    pub fn blocks_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == name)
    }

    pub fn block(&self, name: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.kind == name)
    }

    /// `type.name` of a resource or data block.
    pub fn address(&self) -> String {
        let base = self.labels.join(".");
        match self.kind.as_str() {
            "data" | "module" => format!("{}.{base}", self.kind),
            _ => base,
        }
    }
}

impl Model {
    pub fn build(file: &SourceFile, tree: &Tree) -> Model {
        let dir = match file.rel_path.rsplit_once('/') {
            Some((d, _)) => d.to_string(),
            None => String::new(),
        };
        let mut blocks = Vec::new();
        let root = tree.root_node();
        let mut cursor = root.walk();
        for child in root.named_children(&mut cursor) {
            if child.kind() == "body" {
                let (_, b) = body(file, child, 0);
                blocks = b;
            }
        }
        Model {
            path: file.rel_path.clone(),
            dir,
            blocks,
        }
    }
}

fn text<'a>(file: &'a SourceFile, node: Node) -> &'a str {
    file.text.get(node.byte_range()).unwrap_or("")
}

fn first_line(file: &SourceFile, node: Node) -> Location {
    let t = text(file, node);
    let end = node.start_byte() + t.find('\n').unwrap_or(t.len());
    file.location(node.start_byte(), end)
}

/// Nesting limit: deeper blocks and expressions are not modelled (bounded work on odd input).
const MAX_DEPTH: usize = 64;

fn body(file: &SourceFile, node: Node, depth: usize) -> (Vec<Attr>, Vec<Block>) {
    let mut attrs = Vec::new();
    let mut blocks = Vec::new();
    if depth > MAX_DEPTH {
        return (attrs, blocks);
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "attribute" => {
                let mut c = child.walk();
                let mut name = None;
                let mut value = Expr::Unknown;
                for part in child.named_children(&mut c) {
                    match part.kind() {
                        "identifier" => name = Some(text(file, part).to_string()),
                        "expression" => value = expr(file, part, depth + 1),
                        _ => {}
                    }
                }
                if let Some(name) = name {
                    attrs.push(Attr {
                        name,
                        value,
                        location: first_line(file, child),
                    });
                }
            }
            "block" => blocks.push(block(file, child, depth + 1)),
            _ => {}
        }
    }
    (attrs, blocks)
}

fn block(file: &SourceFile, node: Node, depth: usize) -> Block {
    let mut kind = String::new();
    let mut labels = Vec::new();
    let mut attrs = Vec::new();
    let mut blocks = Vec::new();
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "identifier" if kind.is_empty() => kind = text(file, child).to_string(),
            "identifier" => labels.push(text(file, child).to_string()),
            "string_lit" => labels.push(string_lit(file, child)),
            "body" => (attrs, blocks) = body(file, child, depth),
            _ => {}
        }
    }
    Block {
        kind,
        labels,
        attrs,
        blocks,
        location: first_line(file, node),
    }
}

fn string_lit(file: &SourceFile, node: Node) -> String {
    let mut cursor = node.walk();
    let mut out = String::new();
    for part in node.named_children(&mut cursor) {
        if part.kind() == "template_literal" {
            out.push_str(&unescape(text(file, part)));
        }
    }
    out
}

fn unescape(s: &str) -> String {
    if !s.contains('\\') && !s.contains("$${") && !s.contains("%%{") {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            '$' | '%' if chars.peek() == Some(&c) => {
                chars.next();
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn expr(file: &SourceFile, node: Node, depth: usize) -> Expr {
    if depth > MAX_DEPTH {
        return Expr::Unknown;
    }
    let mut cursor = node.walk();
    let children: Vec<Node> = node
        .named_children(&mut cursor)
        .filter(|c| c.kind() != "comment")
        .collect();
    match node.kind() {
        "expression" => {
            let Some(first) = children.first() else {
                return Expr::Unknown;
            };
            if children.len() == 1 {
                return expr(file, *first, depth + 1);
            }
            if first.kind() != "variable_expr" {
                return Expr::Unknown;
            }
            let mut parts = vec![text(file, *first).trim().to_string()];
            for step in &children[1..] {
                match step.kind() {
                    "get_attr" => {
                        let mut c = step.walk();
                        let id = step
                            .named_children(&mut c)
                            .find(|n| n.kind() == "identifier");
                        parts.push(id.map(|n| text(file, n).to_string()).unwrap_or_default());
                    }
                    "index" => {
                        let raw = text(file, *step);
                        parts.push(
                            raw.trim_matches(['[', ']', '.'])
                                .trim_matches('"')
                                .to_string(),
                        );
                    }
                    _ => parts.push("*".to_string()),
                }
            }
            Expr::Ref(parts)
        }
        "literal_value" => children
            .first()
            .map_or(Expr::Unknown, |c| expr(file, *c, depth + 1)),
        "numeric_lit" => text(file, node).parse().map_or(Expr::Unknown, Expr::Num),
        "bool_lit" => Expr::Bool(text(file, node).trim() == "true"),
        "null_lit" => Expr::Null,
        "string_lit" => Expr::Str(string_lit(file, node)),
        "variable_expr" => Expr::Ref(vec![text(file, node).trim().to_string()]),
        "template_expr" => children
            .first()
            .map_or(Expr::Unknown, |c| expr(file, *c, depth + 1)),
        "quoted_template" | "heredoc_template" => {
            let mut parts = Vec::new();
            for c in &children {
                match c.kind() {
                    "template_literal" => parts.push(Expr::Str(unescape(text(file, *c)))),
                    "template_interpolation" => {
                        let mut c2 = c.walk();
                        let inner = c.named_children(&mut c2).find(|n| n.kind() == "expression");
                        parts.push(inner.map_or(Expr::Unknown, |n| expr(file, n, depth + 1)));
                    }
                    "heredoc_start"
                    | "heredoc_identifier"
                    | "quoted_template_start"
                    | "quoted_template_end" => {}
                    _ => parts.push(Expr::Unknown),
                }
            }
            match parts.as_slice() {
                [] => Expr::Str(String::new()),
                [Expr::Str(s)] => Expr::Str(s.clone()),
                _ => Expr::Template(parts),
            }
        }
        "collection_value" => children
            .first()
            .map_or(Expr::Unknown, |c| expr(file, *c, depth + 1)),
        "tuple" => Expr::List(
            children
                .iter()
                .filter(|c| c.kind() == "expression")
                .map(|c| expr(file, *c, depth + 1))
                .collect(),
        ),
        "object" => {
            let mut fields = Vec::new();
            for elem in children.iter().filter(|c| c.kind() == "object_elem") {
                let (Some(k), Some(v)) = (
                    elem.child_by_field_name("key"),
                    elem.child_by_field_name("val"),
                ) else {
                    continue;
                };
                let key = match expr(file, k, depth + 1) {
                    Expr::Str(s) => s,
                    Expr::Ref(parts) if parts.len() == 1 => {
                        parts.into_iter().next().unwrap_or_default()
                    }
                    _ => continue,
                };
                fields.push((key, expr(file, v, depth + 1)));
            }
            Expr::Object(fields)
        }
        "function_call" => {
            let name = children
                .iter()
                .find(|c| c.kind() == "identifier")
                .map(|c| text(file, *c).to_string())
                .unwrap_or_default();
            let args = children
                .iter()
                .find(|c| c.kind() == "function_arguments")
                .map(|a| {
                    let mut c = a.walk();
                    a.named_children(&mut c)
                        .filter(|n| n.kind() == "expression")
                        .map(|n| expr(file, n, depth + 1))
                        .collect()
                })
                .unwrap_or_default();
            Expr::Call(name, args)
        }
        "conditional" => {
            let e: Vec<Expr> = children.iter().map(|c| expr(file, *c, depth + 1)).collect();
            match <[Expr; 3]>::try_from(e) {
                Ok([c, a, b]) => Expr::Cond(Box::new(c), Box::new(a), Box::new(b)),
                Err(_) => Expr::Unknown,
            }
        }
        "operation" => children
            .first()
            .map_or(Expr::Unknown, |c| expr(file, *c, depth + 1)),
        "unary_operation" => {
            let op = node.child(0).map(|c| c.kind()).unwrap_or("");
            let operand = children
                .first()
                .map_or(Expr::Unknown, |c| expr(file, *c, depth + 1));
            match op {
                "!" => Expr::Not(Box::new(operand)),
                "-" => Expr::Neg(Box::new(operand)),
                _ => Expr::Unknown,
            }
        }
        _ => Expr::Unknown,
    }
}

/// The evaluated value of a setting of `block`, with the attribute (for its location).
pub(crate) fn setting<'b>(m: &Module, block: &'b Block, name: &str) -> Option<(Expr, &'b Attr)> {
    block.attr(name).map(|a| (m.eval(&a.value), a))
}

/// A finding at `location`, scoped to a resource address, with the setting as its anchor.
pub(crate) fn report(
    rule: &'static RuleMeta,
    location: &Location,
    message: String,
    scope: &str,
    anchor: impl Into<String>,
) -> Finding {
    Finding::builder(rule, location.clone(), message)
        .scope(scope)
        .anchor(anchor)
        .build()
}

/// Shows the start of a secret and hides the rest.
pub(crate) fn mask(secret: &str) -> String {
    crate::dockerfile::mask(secret)
}

pub fn check(models: &[&Model], out: &mut Vec<Finding>) {
    let mut by_dir: Vec<(&str, Vec<&Model>)> = Vec::new();
    let mut sorted: Vec<&Model> = models.to_vec();
    sorted.sort_by(|a, b| a.dir.cmp(&b.dir).then(a.path.cmp(&b.path)));
    for m in sorted {
        match by_dir.last_mut() {
            Some((dir, files)) if *dir == m.dir => files.push(m),
            _ => by_dir.push((&m.dir, vec![m])),
        }
    }
    // Local modules (`source = "./modules/db"`) are checked once per call, with the values the
    // caller passes for their variables; modules nobody calls are checked on their defaults.
    let mut calls: FxHashMap<String, Vec<FxHashMap<String, Expr>>> = FxHashMap::default();
    for (dir, files) in &by_dir {
        let caller = Module::new(files);
        for f in files {
            for call in f.blocks.iter().filter(|b| b.kind == "module") {
                let Some(source) = call.attr("source").and_then(|a| a.value.as_str()) else {
                    continue;
                };
                if let Some(callee) = local_module_dir(dir, source) {
                    if callee != *dir {
                        calls
                            .entry(callee)
                            .or_default()
                            .push(caller.call_inputs(call));
                    }
                }
            }
        }
    }
    for (dir, files) in &by_dir {
        match calls.remove(*dir) {
            Some(instances) => {
                let mut found = Vec::new();
                for inputs in instances {
                    check_module(&Module::new(files).with_inputs(inputs), &mut found);
                }
                // Two calls with the same problem are one finding in the module's code.
                let mut seen = std::collections::HashSet::new();
                out.extend(found.into_iter().filter(|f| {
                    seen.insert((f.rule_id.clone(), f.location.clone(), f.message.clone()))
                }));
            }
            None => check_module(&Module::new(files), out),
        }
    }
}

/// The directory a local module source points at, relative to the scan root.
fn local_module_dir(caller_dir: &str, source: &str) -> Option<String> {
    if !(source.starts_with("./") || source.starts_with("../")) {
        return None;
    }
    let mut parts: Vec<&str> = caller_dir.split('/').filter(|p| !p.is_empty()).collect();
    for step in source.trim_end_matches('/').split('/') {
        match step {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

fn check_module(m: &Module, out: &mut Vec<Finding>) {
    s3_public_access::check(m, out);
    s3_no_public_access_block::check(m, out);
    s3_unencrypted::check(m, out);
    open_security_group::check(m, out);
    rds_public::check(m, out);
    rds_unencrypted::check(m, out);
    hardcoded_password::check(m, out);
    iam_wildcard::check(m, out);
    iam_passrole_wildcard::check(m, out);
    iam_trust_any_principal::check(m, out);
    unencrypted_storage::check(m, out);
    kms_rotation_disabled::check(m, out);
    cloudtrail_disabled::check(m, out);
    eks_public_endpoint::check(m, out);
    hardcoded_provider_credentials::check(m, out);
    gcs_public_bucket::check(m, out);
    azure_storage_public::check(m, out);
    firewall_open_to_world::check(m, out);
    storage_http_allowed::check(m, out);
    sql_public_ip::check(m, out);
    sql_no_ssl::check(m, out);
}

/// Runs every Terraform check over one module given as `(path, text)` files (rule tests).
#[cfg(test)]
pub(crate) fn run(files: &[(&str, &str)]) -> Vec<Finding> {
    let models: Vec<Model> = files
        .iter()
        .map(|(path, text)| {
            let file = SourceFile::from_text(path, rampart_core::Language::Terraform, text);
            let parsed = rampart_syntax::parse(file.language, &file.text).expect("parses");
            Model::build(&file, &parsed.tree)
        })
        .collect();
    let refs: Vec<&Model> = models.iter().collect();
    let mut out = Vec::new();
    check(&refs, &mut out);
    out
}

/// Findings of one rule over a single `main.tf`, as (line, message) in line order.
#[cfg(test)]
pub(crate) fn findings_of(rule: &RuleMeta, text: &str) -> Vec<(u32, String)> {
    let mut found: Vec<(u32, String)> = run(&[("infra/main.tf", text)])
        .into_iter()
        .filter(|f| f.rule_id == rule.id)
        .map(|f| (f.location.span.start_line, f.message))
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_module_sources_resolve_against_the_caller() {
        assert_eq!(
            local_module_dir("infra", "./modules/db").as_deref(),
            Some("infra/modules/db")
        );
        assert_eq!(
            local_module_dir("envs/prod", "../../modules/db/").as_deref(),
            Some("modules/db")
        );
        assert_eq!(local_module_dir("", "./db").as_deref(), Some("db"));
        assert_eq!(local_module_dir("a", "../../x"), None);
        assert_eq!(local_module_dir("a", "terraform-aws-modules/rds/aws"), None);
    }

    #[test]
    fn module_calls_pass_their_inputs() {
        let caller = "module \"db\" {\n  source = \"./modules/db\"\n  public = true\n}\nmodule \"db2\" {\n  source = \"./modules/db\"\n  public = true\n}\n";
        let vars = "variable \"public\" {\n  default = false\n}\n";
        let db = "resource \"aws_db_instance\" \"this\" {\n  storage_encrypted   = true\n  publicly_accessible = var.public\n}\n";
        let found = run(&[
            ("app/main.tf", caller),
            ("app/modules/db/variables.tf", vars),
            ("app/modules/db/main.tf", db),
        ]);
        let public: Vec<_> = found
            .iter()
            .filter(|f| f.rule_id == "tf-rds-public")
            .collect();
        assert_eq!(public.len(), 1, "{found:?}");
        assert_eq!(public[0].location.path, "app/modules/db/main.tf");
        let uncalled = run(&[
            ("app/modules/db/variables.tf", vars),
            ("app/modules/db/main.tf", db),
        ]);
        assert!(uncalled.iter().all(|f| f.rule_id != "tf-rds-public"));
    }
}
