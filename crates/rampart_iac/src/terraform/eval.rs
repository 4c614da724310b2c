//! A Terraform module (the `.tf` files of one directory) and the evaluation of expressions in it:
//! `var.*` resolves to the variable's default, `local.*` to the local's value, literals fold.
//! Anything that depends on input at apply time stays unresolved, so rules do not guess.

use super::{Attr, Block, Expr, Model};
use rustc_hash::FxHashMap;

pub struct Module<'a> {
    pub files: Vec<&'a Model>,
    variables: FxHashMap<&'a str, &'a Block>,
    locals: FxHashMap<&'a str, &'a Expr>,
    /// Values the calling module passes for this module's variables (already evaluated there).
    inputs: FxHashMap<String, Expr>,
}

/// A `resource` or `data` block with the file it is in.
#[derive(Clone, Copy)]
pub struct Resource<'a> {
    pub block: &'a Block,
    pub path: &'a str,
}

impl<'a> Resource<'a> {
    pub fn ty(&self) -> &'a str {
        self.block.labels.first().map_or("", String::as_str)
    }

    pub fn name(&self) -> &'a str {
        self.block.labels.get(1).map_or("", String::as_str)
    }

    /// `aws_s3_bucket.logs`, for messages and fingerprints.
    pub fn address(&self) -> String {
        self.block.address()
    }
}

/// Evaluation depth limit: breaks reference cycles (`local.a = local.b`, `local.b = local.a`).
const MAX_DEPTH: usize = 24;

impl<'a> Module<'a> {
    pub fn new(files: &[&'a Model]) -> Module<'a> {
        let mut variables = FxHashMap::default();
        let mut locals = FxHashMap::default();
        for f in files {
            for b in &f.blocks {
                match b.kind.as_str() {
                    "variable" => {
                        if let Some(name) = b.labels.first() {
                            variables.insert(name.as_str(), b);
                        }
                    }
                    "locals" => {
                        for a in &b.attrs {
                            locals.insert(a.name.as_str(), &a.value);
                        }
                    }
                    _ => {}
                }
            }
        }
        Module {
            files: files.to_vec(),
            variables,
            locals,
            inputs: FxHashMap::default(),
        }
    }

    /// This module as instantiated by a `module` block that passes `inputs`.
    pub fn with_inputs(mut self, inputs: FxHashMap<String, Expr>) -> Self {
        self.inputs = inputs;
        self
    }

    /// The inputs a `module "x" { source = "./dir" ... }` call passes, evaluated in this module.
    pub fn call_inputs(&self, call: &Block) -> FxHashMap<String, Expr> {
        const META: &[&str] = &[
            "source",
            "version",
            "count",
            "for_each",
            "providers",
            "depends_on",
        ];
        call.attrs
            .iter()
            .filter(|a| !META.contains(&a.name.as_str()))
            .map(|a| (a.name.clone(), self.eval(&a.value)))
            .collect()
    }

    /// Every `resource` block of type `ty`.
    pub fn resources(&self, ty: &'a str) -> impl Iterator<Item = Resource<'a>> + '_ {
        self.blocks_of("resource", ty)
    }

    /// Every `data` block of type `ty`.
    pub fn data(&self, ty: &'a str) -> impl Iterator<Item = Resource<'a>> + '_ {
        self.blocks_of("data", ty)
    }

    fn blocks_of(&self, kind: &'a str, ty: &'a str) -> impl Iterator<Item = Resource<'a>> + '_ {
        self.files.iter().flat_map(move |f| {
            f.blocks
                .iter()
                .filter(move |b| b.kind == kind && b.labels.first().is_some_and(|l| l == ty))
                .map(move |block| Resource {
                    block,
                    path: &f.path,
                })
        })
    }

    /// Every `module` call whose `source` contains `source` (registry modules such as
    /// `terraform-aws-modules/rds/aws`), whose inputs map onto resource settings.
    pub fn module_calls(&self, source: &'a str) -> impl Iterator<Item = Resource<'a>> + '_ {
        self.files.iter().flat_map(move |f| {
            f.blocks
                .iter()
                .filter(move |b| {
                    b.kind == "module"
                        && b.attr("source")
                            .and_then(|a| a.value.as_str())
                            .is_some_and(|s| s.contains(source))
                })
                .map(move |block| Resource {
                    block,
                    path: &f.path,
                })
        })
    }

    /// Every top-level block of a kind (`provider`, `variable`...).
    pub fn top_blocks(&self, kind: &'a str) -> impl Iterator<Item = (&'a Block, &'a str)> + '_ {
        self.files.iter().flat_map(move |f| {
            f.blocks
                .iter()
                .filter(move |b| b.kind == kind)
                .map(move |b| (b, f.path.as_str()))
        })
    }

    /// Whether `value` (evaluated) points at `target`: a reference such as
    /// `aws_s3_bucket.logs.id`, or the literal name held in the target's `name_attr`.
    pub fn refers_to(&self, value: &Expr, target: &Resource, name_attr: &str) -> bool {
        match value.resource_ref() {
            Some((ty, name)) => ty == target.ty() && name == target.name(),
            None => match (value.as_str(), self.attr(target.block, name_attr)) {
                (Some(v), Some(Expr::Str(n))) => v == n,
                _ => false,
            },
        }
    }

    /// The `default` attribute of variable `name`.
    pub fn variable_default(&self, name: &str) -> Option<&'a Attr> {
        if self.inputs.contains_key(name) {
            // The caller's value replaces the default.
            return None;
        }
        self.variables.get(name).and_then(|b| b.attr("default"))
    }

    /// The value of an attribute of `block`, evaluated.
    pub fn attr(&self, block: &Block, name: &str) -> Option<Expr> {
        block.attr(name).map(|a| self.eval(&a.value))
    }

    pub fn eval(&self, e: &Expr) -> Expr {
        self.eval_at(e, 0)
    }

    fn eval_at(&self, e: &Expr, depth: usize) -> Expr {
        if depth > MAX_DEPTH {
            return Expr::Unknown;
        }
        let d = depth + 1;
        match e {
            Expr::Ref(parts) => self.deref(parts, d),
            Expr::Template(parts) => {
                let mut out = String::new();
                for p in parts {
                    match self.eval_at(p, d) {
                        Expr::Str(s) => out.push_str(&s),
                        Expr::Num(n) => out.push_str(&n.to_string()),
                        Expr::Bool(b) => out.push_str(&b.to_string()),
                        _ => {
                            return Expr::Template(
                                parts.iter().map(|p| self.eval_at(p, d)).collect(),
                            )
                        }
                    }
                }
                Expr::Str(out)
            }
            Expr::List(items) => Expr::List(items.iter().map(|i| self.eval_at(i, d)).collect()),
            Expr::Object(fields) => Expr::Object(
                fields
                    .iter()
                    .map(|(k, v)| (k.clone(), self.eval_at(v, d)))
                    .collect(),
            ),
            Expr::Cond(c, a, b) => match self.eval_at(c, d).as_bool() {
                Some(true) => self.eval_at(a, d),
                Some(false) => self.eval_at(b, d),
                None => Expr::Unknown,
            },
            Expr::Not(x) => match self.eval_at(x, d).as_bool() {
                Some(b) => Expr::Bool(!b),
                None => Expr::Unknown,
            },
            Expr::Neg(x) => match self.eval_at(x, d).as_num() {
                Some(n) => Expr::Num(-n),
                None => Expr::Unknown,
            },
            Expr::Call(name, args) => self.call(name, args, d),
            other => other.clone(),
        }
    }

    fn deref(&self, parts: &[String], depth: usize) -> Expr {
        let (base, rest) = match parts.first().map(String::as_str) {
            Some("var") if parts.len() >= 2 => {
                match (self.inputs.get(&parts[1]), self.variable_default(&parts[1])) {
                    (Some(input), _) => (input.clone(), &parts[2..]),
                    (None, Some(attr)) => (self.eval_at(&attr.value, depth), &parts[2..]),
                    (None, None) => return Expr::Unknown,
                }
            }
            Some("local") if parts.len() >= 2 => match self.locals.get(parts[1].as_str()) {
                Some(v) => (self.eval_at(v, depth), &parts[2..]),
                None => return Expr::Unknown,
            },
            _ => return Expr::Ref(parts.to_vec()),
        };
        let mut cur = base;
        for step in rest {
            cur = match cur {
                Expr::Object(_) => cur.get(step).cloned().unwrap_or(Expr::Unknown),
                Expr::List(items) => step
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.into_iter().nth(i))
                    .unwrap_or(Expr::Unknown),
                _ => Expr::Unknown,
            };
        }
        cur
    }

    fn call(&self, name: &str, args: &[Expr], depth: usize) -> Expr {
        let vals: Vec<Expr> = args.iter().map(|a| self.eval_at(a, depth)).collect();
        match name {
            // The policy rules read the encoded document's structure, so keep it.
            "jsonencode" | "tolist" | "toset" | "tomap" | "tostring" | "tobool" | "tonumber"
            | "sensitive" | "nonsensitive" => vals.into_iter().next().unwrap_or(Expr::Unknown),
            "jsondecode" => match vals.first() {
                Some(Expr::Str(s)) => from_json_text(s).unwrap_or(Expr::Unknown),
                _ => Expr::Unknown,
            },
            "concat" => {
                let mut out = Vec::new();
                for v in vals {
                    match v {
                        Expr::List(items) => out.extend(items),
                        _ => return Expr::Unknown,
                    }
                }
                Expr::List(out)
            }
            "flatten" => {
                let mut out = Vec::new();
                for v in vals {
                    flatten_into(v, &mut out);
                }
                Expr::List(out)
            }
            "merge" => {
                let mut out: Vec<(String, Expr)> = Vec::new();
                for v in vals {
                    match v {
                        Expr::Object(fields) => out.extend(fields),
                        _ => return Expr::Unknown,
                    }
                }
                Expr::Object(out)
            }
            "lookup" => match (vals.first(), vals.get(1)) {
                (Some(obj @ Expr::Object(_)), Some(Expr::Str(k))) => obj
                    .get(k)
                    .cloned()
                    .or_else(|| vals.get(2).cloned())
                    .unwrap_or(Expr::Unknown),
                _ => Expr::Unknown,
            },
            "coalesce" => vals
                .into_iter()
                .find(|v| !matches!(v, Expr::Null) && v.as_str() != Some(""))
                .unwrap_or(Expr::Unknown),
            "try" => vals
                .into_iter()
                .find(|v| !matches!(v, Expr::Unknown))
                .unwrap_or(Expr::Unknown),
            "format" => Expr::Unknown,
            _ => Expr::Unknown,
        }
    }
}

/// One value of an iteration: `each.key`/`each.value` of a `for_each` resource, or
/// `<name>.key`/`<name>.value` inside a `dynamic "<name>"` block.
pub struct Binding<'b> {
    pub name: &'b str,
    pub key: Expr,
    pub value: Expr,
}

/// Replaces references to the iteration variable in `e` by the bound key or value.
pub fn bind(e: &Expr, b: &Binding) -> Expr {
    match e {
        Expr::Ref(parts) if parts.first().is_some_and(|p| p == b.name) => {
            let (mut cur, rest) = match parts.get(1).map(String::as_str) {
                Some("value") => (b.value.clone(), &parts[2..]),
                Some("key") => (b.key.clone(), &parts[2..]),
                _ => return Expr::Unknown,
            };
            for step in rest {
                cur = cur.get(step).cloned().unwrap_or(Expr::Unknown);
            }
            cur
        }
        Expr::Template(parts) => Expr::Template(parts.iter().map(|p| bind(p, b)).collect()),
        Expr::List(items) => Expr::List(items.iter().map(|i| bind(i, b)).collect()),
        Expr::Object(fields) => Expr::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), bind(v, b)))
                .collect(),
        ),
        Expr::Call(name, args) => {
            Expr::Call(name.clone(), args.iter().map(|a| bind(a, b)).collect())
        }
        Expr::Cond(c, x, y) => Expr::Cond(
            Box::new(bind(c, b)),
            Box::new(bind(x, b)),
            Box::new(bind(y, b)),
        ),
        Expr::Not(x) => Expr::Not(Box::new(bind(x, b))),
        Expr::Neg(x) => Expr::Neg(Box::new(bind(x, b))),
        other => other.clone(),
    }
}

impl Module<'_> {
    /// The bindings a `for_each` expression produces: list items keyed by themselves (as
    /// `toset` does) or map entries; `None` when the collection is not known.
    pub fn iterations<'b>(&self, name: &'b str, for_each: &Expr) -> Option<Vec<Binding<'b>>> {
        match self.eval(for_each) {
            Expr::List(items) => Some(
                items
                    .into_iter()
                    .map(|v| Binding {
                        name,
                        key: v.clone(),
                        value: v,
                    })
                    .collect(),
            ),
            Expr::Object(fields) => Some(
                fields
                    .into_iter()
                    .map(|(k, v)| Binding {
                        name,
                        key: Expr::Str(k),
                        value: v,
                    })
                    .collect(),
            ),
            _ => None,
        }
    }
}

fn flatten_into(v: Expr, out: &mut Vec<Expr>) {
    match v {
        Expr::List(items) => items.into_iter().for_each(|i| flatten_into(i, out)),
        other => out.push(other),
    }
}

/// A JSON document (an IAM policy in a heredoc, a `jsondecode` argument) as an expression.
pub fn from_json_text(text: &str) -> Option<Expr> {
    let value: serde_json::Value = serde_json::from_str(text.trim()).ok()?;
    Some(from_json(value))
}

fn from_json(v: serde_json::Value) -> Expr {
    use serde_json::Value;
    match v {
        Value::Null => Expr::Null,
        Value::Bool(b) => Expr::Bool(b),
        Value::Number(n) => n.as_f64().map_or(Expr::Unknown, Expr::Num),
        Value::String(s) => Expr::Str(s),
        Value::Array(items) => Expr::List(items.into_iter().map(from_json).collect()),
        Value::Object(map) => {
            Expr::Object(map.into_iter().map(|(k, v)| (k, from_json(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rampart_core::Language;
    use rampart_syntax::SourceFile;

    fn model(path: &str, text: &str) -> Model {
        let file = SourceFile::from_text(path, Language::Terraform, text);
        let parsed = rampart_syntax::parse(file.language, &file.text).expect("parses");
        Model::build(&file, &parsed.tree)
    }

    #[test]
    fn resolves_variables_locals_and_templates() {
        let vars = model(
            "infra/variables.tf",
            "variable \"env\" {\n  default = \"prod\"\n}\nvariable \"cidrs\" {\n  type = list(string)\n  default = [\"0.0.0.0/0\"]\n}\nvariable \"db_password\" {\n  type = string\n  sensitive = true\n}\n",
        );
        let main = model(
            "infra/main.tf",
            "locals {\n  name = \"app-${var.env}\"\n  open = var.cidrs\n  cfg = { public = !false }\n  loop_a = local.loop_b\n  loop_b = local.loop_a\n}\nresource \"x\" \"y\" {\n  a = local.name\n  b = concat(local.open, [\"10.0.0.0/8\"])\n  c = local.cfg.public\n  d = var.db_password\n  e = local.loop_a\n  f = var.env == \"prod\" ? true : false\n  g = aws_s3_bucket.logs.id\n}\n",
        );
        let m = Module::new(&[&vars, &main]);
        let r = m.resources("x").next().expect("resource");
        let get = |n: &str| m.attr(r.block, n).expect("attr");
        assert_eq!(get("a"), Expr::Str("app-prod".into()));
        assert_eq!(get("b").strings(), vec!["0.0.0.0/0", "10.0.0.0/8"]);
        assert_eq!(get("c"), Expr::Bool(true));
        assert_eq!(get("d"), Expr::Unknown);
        assert_eq!(get("e"), Expr::Unknown);
        assert_eq!(get("f"), Expr::Unknown);
        assert_eq!(get("g").resource_ref(), Some(("aws_s3_bucket", "logs")));
    }
}
