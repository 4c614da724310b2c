//! IAM-style policy documents from any of the ways Terraform writes them: `jsonencode({...})`,
//! a JSON heredoc or string, or a `data "aws_iam_policy_document"` block.

use super::eval::{from_json_text, Resource};
use super::{Attr, Block, Expr, Module};
use rampart_core::Location;

/// One statement, with lists normalized.
pub struct Statement {
    pub allow: bool,
    pub actions: Vec<String>,
    pub not_action: bool,
    pub resources: Vec<String>,
    pub not_resource: bool,
    /// Principal values (`"*"`, account ARNs, service names).
    pub principals: Vec<String>,
    pub has_condition: bool,
    /// Where the statement is written, when it is a block of a policy document.
    pub location: Option<Location>,
}

impl Statement {
    pub fn grants_all_actions(&self) -> bool {
        self.allow && !self.not_action && self.actions.iter().any(|a| a == "*" || a == "*:*")
    }

    pub fn on_any_resource(&self) -> bool {
        !self.not_resource && self.resources.iter().any(|r| r == "*")
    }

    pub fn any_principal(&self) -> bool {
        self.allow && self.principals.iter().any(|p| p == "*")
    }
}

/// A policy and where it came from.
pub struct Policy<'a> {
    pub statements: Vec<Statement>,
    /// The policy document data source, when the attribute references one.
    pub document: Option<Resource<'a>>,
}

/// Reads the policy an attribute holds, if it can be resolved.
pub fn resolve<'a>(m: &Module<'a>, attr: &Attr) -> Option<Policy<'a>> {
    let v = m.eval(&attr.value);
    if let Expr::Ref(parts) = &v {
        if parts.len() >= 3 && parts[0] == "data" && parts[1] == "aws_iam_policy_document" {
            let doc = m
                .data("aws_iam_policy_document")
                .find(|d| d.name() == parts[2])?;
            return Some(Policy {
                statements: document_statements(m, doc.block),
                document: Some(doc),
            });
        }
    }
    Some(Policy {
        statements: statements_from_value(&v)?,
        document: None,
    })
}

/// Statements of a JSON policy (already an expression, or a JSON string).
pub fn statements_from_value(v: &Expr) -> Option<Vec<Statement>> {
    if let Expr::Str(s) = v {
        return statements_from_value(&from_json_text(s)?);
    }
    let statements = v.get("Statement")?;
    Some(
        statements
            .items()
            .into_iter()
            .filter(|s| matches!(s, Expr::Object(_)))
            .map(|s| Statement {
                allow: s
                    .get("Effect")
                    .and_then(Expr::as_str)
                    .is_some_and(|e| e.eq_ignore_ascii_case("allow")),
                actions: owned(s.get("Action").or_else(|| s.get("NotAction"))),
                not_action: s.get("NotAction").is_some(),
                resources: owned(s.get("Resource").or_else(|| s.get("NotResource"))),
                not_resource: s.get("NotResource").is_some(),
                principals: principals(s.get("Principal")),
                has_condition: s
                    .get("Condition")
                    .is_some_and(|c| !matches!(c, Expr::Object(f) if f.is_empty())),
                location: None,
            })
            .collect(),
    )
}

fn owned(v: Option<&Expr>) -> Vec<String> {
    v.map(|v| v.strings().into_iter().map(str::to_string).collect())
        .unwrap_or_default()
}

fn principals(v: Option<&Expr>) -> Vec<String> {
    match v {
        None => Vec::new(),
        Some(Expr::Object(fields)) => fields
            .iter()
            .flat_map(|(_, v)| v.strings())
            .map(str::to_string)
            .collect(),
        Some(other) => owned(Some(other)),
    }
}

/// Statements of a `data "aws_iam_policy_document"` block.
pub fn document_statements(m: &Module, doc: &Block) -> Vec<Statement> {
    let strings = |b: &Block, name: &str| -> Vec<String> {
        m.attr(b, name)
            .map(|v| v.strings().into_iter().map(str::to_string).collect())
            .unwrap_or_default()
    };
    doc.blocks_named("statement")
        .map(|s| {
            let effect = m.attr(s, "effect");
            let allow = effect
                .as_ref()
                .and_then(Expr::as_str)
                .is_none_or(|e| e.eq_ignore_ascii_case("allow"));
            let not_action = s.attr("not_actions").is_some();
            let not_resource = s.attr("not_resources").is_some();
            Statement {
                allow,
                actions: strings(s, if not_action { "not_actions" } else { "actions" }),
                not_action,
                resources: strings(
                    s,
                    if not_resource {
                        "not_resources"
                    } else {
                        "resources"
                    },
                ),
                not_resource,
                principals: s
                    .blocks_named("principals")
                    .flat_map(|p| strings(p, "identifiers"))
                    .collect(),
                has_condition: s.block("condition").is_some(),
                location: Some(s.location.clone()),
            }
        })
        .collect()
}
