use super::iam_wildcard::permission_statements;
use super::{report, Module};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports IAM policies that allow `iam:PassRole` (also through `iam:*` or `iam:Pass*`) on
    /// `Resource: "*"`. Policies that allow every action are reported by `tf-iam-wildcard` instead.
    ///
    /// ## Why is this bad
    /// `iam:PassRole` lets a principal hand any role in the account to a service it controls
    /// (an EC2 instance, a Lambda function, a Glue job). With `"*"` as the resource, a low-privilege
    /// user can pass an administrator role and run code with it: a classic privilege escalation.
    ///
    /// ## Example
    /// ```hcl
    /// data "aws_iam_policy_document" "deployer" {
    ///   statement {
    ///     actions   = ["lambda:CreateFunction", "iam:PassRole"]
    ///     resources = ["*"]
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Name the roles that may be passed, and the service they may be passed to:
    /// ```hcl
    ///   statement {
    ///     actions   = ["iam:PassRole"]
    ///     resources = [aws_iam_role.lambda_exec.arn]
    ///     condition {
    ///       test     = "StringEquals"
    ///       variable = "iam:PassedToService"
    ///       values   = ["lambda.amazonaws.com"]
    ///     }
    ///   }
    /// ```
    ///
    /// ## References
    /// - [CWE-269: Improper Privilege Management](https://cwe.mitre.org/data/definitions/269.html)
    /// - [AWS: Granting a user permissions to pass a role](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html)
    pub static TF_IAM_PASSROLE_WILDCARD = {
        id: "tf-iam-passrole-wildcard",
        name: "TfIamPassroleWildcard",
        cwe: 269,
        other_cwes: [732],
        severity: High,
        languages: [Terraform],
        summary: "iam:PassRole allowed on all roles",
        help: "restrict iam:PassRole to specific role ARNs and an iam:PassedToService condition",
    }
}

fn passes_roles(action: &str) -> bool {
    let a = action.to_ascii_lowercase();
    a == "iam:passrole" || a == "iam:*" || a == "iam:pass*" || a == "iam:p*"
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    for (address, location, s) in permission_statements(m) {
        if !s.allow || s.not_action || s.grants_all_actions() || !s.on_any_resource() {
            continue;
        }
        let Some(action) = s.actions.iter().find(|a| passes_roles(a)) else {
            continue;
        };
        out.push(report(
            &TF_IAM_PASSROLE_WILDCARD,
            &location,
            format!("`{address}` allows `{action}` on every role (`Resource: \"*\"`)"),
            &address,
            format!("{action} on *"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::findings_of;

    #[test]
    fn flags_passrole_on_any_role() {
        let text = r#"
data "aws_iam_policy_document" "deployer" {
  statement {
    actions   = ["lambda:CreateFunction", "iam:PassRole"]
    resources = ["*"]
  }
}
resource "aws_iam_user_policy" "ops" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "iam:*", Resource = "*" }]
  })
}
"#;
        let got = findings_of(&TF_IAM_PASSROLE_WILDCARD, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![3, 9],
            "{got:?}"
        );
    }

    #[test]
    fn passes_scoped_passrole() {
        let text = r#"
data "aws_iam_policy_document" "deployer" {
  statement {
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.lambda_exec.arn]
  }
  statement {
    actions   = ["iam:GetRole"]
    resources = ["*"]
  }
}
"#;
        assert!(findings_of(&TF_IAM_PASSROLE_WILDCARD, text).is_empty());
    }
}
