//! Authentication and session rules that need only one file's syntax tree: token signing and
//! verification, secret comparison, password hashing cost, CORS and CSRF configuration.
//! Rules over the whole application model (missing authentication, missing rate limits) live
//! with the model.

pub mod cors_misconfiguration;
pub mod csrf_disabled;
pub mod jwt_misuse;
pub mod predictable_token;
pub mod timing_unsafe_comparison;
pub mod weak_password_hash;

use crate::ast;
use crate::{FileContext, StructuralRule};
use rampart_core::{Finding, RuleMeta};
use tree_sitter::Node;

pub static RULES: &[&dyn StructuralRule] = &[
    &jwt_misuse::JwtMisuse,
    &timing_unsafe_comparison::TimingUnsafeComparison,
    &cors_misconfiguration::CorsMisconfiguration,
    &csrf_disabled::CsrfDisabled,
    &weak_password_hash::WeakPasswordHash,
    &predictable_token::PredictableToken,
];

/// An integer literal's value (`100_000`, `1e5` is not an integer literal, `10`).
pub(crate) fn int_value(node: Node<'_>, src: &str) -> Option<i64> {
    let t: String = ast::text(node, src).chars().filter(|c| *c != '_').collect();
    let t = t.trim_end_matches(['L', 'l', 'n', 'u', 'U']);
    t.parse().ok()
}

/// `True`/`true`.
pub(crate) fn is_true(node: Node<'_>, src: &str) -> bool {
    matches!(ast::text(node, src), "True" | "true")
}

/// `False`/`false`.
pub(crate) fn is_false(node: Node<'_>, src: &str) -> bool {
    matches!(ast::text(node, src), "False" | "false")
}

/// Pairs of an object or dict literal (`{ key: value }`, `{"key": value}`), keys unquoted.
pub(crate) fn pairs<'t>(obj: Node<'t>, src: &str) -> Vec<(String, Node<'t>)> {
    let mut out = Vec::new();
    for p in ast::named_children(obj) {
        let (k, v) = match p.kind() {
            "pair" => (p.child_by_field_name("key"), p.child_by_field_name("value")),
            // C# `new X { Key = value }` and Go `Key: value`.
            "assignment_expression" => (
                p.child_by_field_name("left"),
                p.child_by_field_name("right"),
            ),
            "keyed_element" => {
                let kids = ast::named_children(p);
                (kids.first().copied(), kids.get(1).copied())
            }
            "shorthand_property_identifier" => (Some(p), Some(p)),
            _ => continue,
        };
        let (Some(k), Some(v)) = (k, v) else { continue };
        let key = ast::string_value(k, src).unwrap_or_else(|| ast::text(k, src).to_string());
        let v = if v.kind() == "literal_element" {
            ast::named_children(v).into_iter().next().unwrap_or(v)
        } else {
            v
        };
        out.push((key, v));
    }
    out
}

/// A finding at `node` with the rule's scope and the node's text as anchor.
pub(crate) fn finding(
    rule: &'static RuleMeta,
    ctx: &FileContext<'_>,
    node: Node<'_>,
    message: String,
) -> rampart_core::FindingBuilder {
    let src = ctx.file.text.as_str();
    Finding::builder(
        rule,
        ctx.file.location(node.start_byte(), node.end_byte()),
        message,
    )
    .scope(ast::enclosing_scope(node, src))
    .anchor(ast::text(node, src).to_string())
}

/// The call shown in a message, shortened.
pub(crate) fn shown(node: Node<'_>, src: &str) -> String {
    let t: String = ast::text(node, src)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if t.chars().count() > 70 {
        let cut: String = t.chars().take(67).collect();
        format!("{cut}...")
    } else {
        t
    }
}

#[cfg(test)]
mod tests {
    use super::RULES;
    use crate::testing::check;
    use rampart_core::Language;

    /// Every prefix of realistic code is malformed somewhere; no rule may panic on it.
    #[test]
    fn truncated_code_never_panics() {
        let cases = [
            (
                Language::Python,
                include_str!("../../../../../tests/fixtures/app/flask/insecure/app.py"),
            ),
            (
                Language::Python,
                include_str!("../../../../../tests/fixtures/app/fastapi/insecure/main.py"),
            ),
            (
                Language::JavaScript,
                include_str!(
                    "../../../../../tests/fixtures/app/express/insecure/src/routes/auth.js"
                ),
            ),
            (
                Language::Java,
                include_str!(
                    "../../../../../tests/fixtures/app/spring/insecure/SecurityConfig.java"
                ),
            ),
            (
                Language::CSharp,
                include_str!(
                    "../../../../../tests/fixtures/app/aspnetcore/insecure/UsersController.cs"
                ),
            ),
            (
                Language::Go,
                include_str!("../../../../../tests/fixtures/app/go/insecure/main.go"),
            ),
        ];
        for (language, code) in cases {
            for end in (0..code.len())
                .step_by(11)
                .filter(|i| code.is_char_boundary(*i))
            {
                for rule in RULES {
                    check(*rule, language, &code[..end]);
                }
            }
        }
    }
}
