use super::policy::{self, Statement};
use super::{report, setting, Module};
use rampart_core::{Confidence, Finding, Location, Severity};
use std::collections::HashSet;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports IAM policies that allow every action (`"*"`) on every resource (`"*"`), and, at
    /// medium severity, every action of a service (`"s3:*"`, `"dynamodb:*"`) on every resource: in
    /// `aws_iam_policy`, `aws_iam_role_policy`, `aws_iam_user_policy`, `aws_iam_group_policy`,
    /// inline policies of `aws_iam_role`, and `aws_iam_policy_document` data sources, whether
    /// written with `jsonencode`, as a JSON heredoc or as statement blocks. Attaching the AWS
    /// managed `AdministratorAccess` policy is reported too.
    ///
    /// ## Why is this bad
    /// `Action: "*"` on `Resource: "*"` is full administrator access. Whoever gets hold of the role
    /// (a compromised instance, a leaked CI credential, an SSRF to the metadata service) owns the
    /// whole account: data, billing, and the ability to create new backdoor users.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_iam_role_policy" "app" {
    ///   role = aws_iam_role.app.id
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Fix
    /// Grant the actions the workload uses on the resources it needs:
    /// ```hcl
    ///     Statement = [{
    ///       Effect   = "Allow"
    ///       Action   = ["s3:GetObject", "s3:PutObject"]
    ///       Resource = "${aws_s3_bucket.uploads.arn}/*"
    ///     }]
    /// ```
    ///
    /// ## References
    /// - [CWE-269: Improper Privilege Management](https://cwe.mitre.org/data/definitions/269.html)
    /// - [AWS: Apply least-privilege permissions](https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege)
    pub static TF_IAM_WILDCARD = {
        id: "tf-iam-wildcard",
        name: "TfIamWildcard",
        cwe: 269,
        other_cwes: [732],
        severity: High,
        languages: [Terraform],
        summary: "IAM policy allows all actions on all resources",
        help: "list the specific actions and resource ARNs the workload needs",
    }
}

/// Resources that hold identity-based (permission) policies, and the attribute.
pub(super) const PERMISSION_POLICIES: &[(&str, &str)] = &[
    ("aws_iam_policy", "policy"),
    ("aws_iam_role_policy", "policy"),
    ("aws_iam_user_policy", "policy"),
    ("aws_iam_group_policy", "policy"),
];

/// Every permission policy of the module with its statements, located; documents referenced by
/// several resources are read once, where they are written.
pub(super) fn permission_statements(m: &Module) -> Vec<(String, Location, Statement)> {
    let mut out = Vec::new();
    let mut seen_docs = HashSet::new();
    let mut add =
        |address: String, attr: &super::Attr, out: &mut Vec<(String, Location, Statement)>| {
            let Some(p) = policy::resolve(m, attr) else {
                return;
            };
            if let Some(doc) = &p.document {
                // Documents are visited on their own below.
                seen_docs.insert(doc.address());
                return;
            }
            for s in p.statements {
                out.push((address.clone(), attr.location.clone(), s));
            }
        };
    for (ty, name) in PERMISSION_POLICIES {
        for r in m.resources(ty) {
            if let Some(attr) = r.block.attr(name) {
                add(r.address(), attr, &mut out);
            }
        }
    }
    for r in m.resources("aws_iam_role") {
        for inline in r.block.blocks_named("inline_policy") {
            if let Some(attr) = inline.attr("policy") {
                add(r.address(), attr, &mut out);
            }
        }
    }
    for doc in m.data("aws_iam_policy_document") {
        for s in policy::document_statements(m, doc.block) {
            let location = s
                .location
                .clone()
                .unwrap_or_else(|| doc.block.location.clone());
            out.push((doc.address(), location, s));
        }
    }
    out
}

/// A whole-service wildcard such as `s3:*` or `dynamodb:*`.
fn service_wildcard(action: &str) -> Option<&str> {
    action
        .strip_suffix(":*")
        .filter(|svc| !svc.is_empty() && !svc.contains('*'))
}

/// Attachments of the AWS managed `AdministratorAccess` policy: `Action: "*"` on `Resource: "*"`
/// by another name.
fn admin_attachments(m: &Module, out: &mut Vec<Finding>) {
    let attachments = [
        "aws_iam_role_policy_attachment",
        "aws_iam_user_policy_attachment",
        "aws_iam_group_policy_attachment",
        "aws_iam_policy_attachment",
    ];
    let candidates = attachments
        .into_iter()
        .flat_map(|ty| m.resources(ty))
        .map(|r| (r, "policy_arn"))
        .chain(
            m.resources("aws_iam_role")
                .map(|r| (r, "managed_policy_arns")),
        );
    for (r, name) in candidates {
        let Some((v, attr)) = setting(m, r.block, name) else {
            continue;
        };
        if v.strings()
            .iter()
            .any(|arn| arn.ends_with(":policy/AdministratorAccess"))
        {
            out.push(report(
                &TF_IAM_WILDCARD,
                &attr.location,
                format!("`{}` attaches the AWS managed `AdministratorAccess` policy (every action on every resource)", r.address()),
                &r.address(),
                "AdministratorAccess",
            ));
        }
    }
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    admin_attachments(m, out);
    for (address, location, s) in permission_statements(m) {
        if !s.on_any_resource() {
            continue;
        }
        if s.grants_all_actions() {
            out.push(report(
                &TF_IAM_WILDCARD,
                &location,
                format!("`{address}` allows every action (`*`) on every resource (`*`): full administrator access"),
                &address,
                "Action * Resource *",
            ));
        } else if s.allow && !s.not_action {
            let services: Vec<&str> = s
                .actions
                .iter()
                .filter_map(|a| service_wildcard(a))
                .collect();
            if services.is_empty() {
                continue;
            }
            let listed = services
                .iter()
                .map(|s| format!("`{s}:*`"))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(
                Finding::builder(
                    &TF_IAM_WILDCARD,
                    location,
                    format!("`{address}` allows every action of a service ({listed}) on every resource (`*`)"),
                )
                .severity(Severity::Medium)
                .confidence(Confidence::Medium)
                .scope(address)
                .anchor(format!("{listed} Resource *"))
                .build(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::findings_of;

    #[test]
    fn flags_admin_policies_in_every_form() {
        let text = r#"
resource "aws_iam_role_policy" "app" {
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

resource "aws_iam_policy" "ci" {
  name   = "ci-deploy"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    { "Effect": "Allow", "Action": ["*"], "Resource": ["*"] }
  ]
}
EOF
}

data "aws_iam_policy_document" "admin" {
  statement {
    effect    = "Allow"
    actions   = ["*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "admin" {
  policy = data.aws_iam_policy_document.admin.json
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.ci.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role_policy" "s3_full" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = ["s3:*", "sqs:SendMessage"], Resource = "*" }]
  })
}
"#;
        let got = findings_of(&TF_IAM_WILDCARD, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![4, 12, 23, 36, 40],
            "{got:?}"
        );
        assert!(got[0].1.contains("aws_iam_role_policy.app"));
        assert!(got[3].1.contains("AdministratorAccess"));
        assert!(got[4].1.contains("`s3:*`"));
    }

    #[test]
    fn passes_scoped_policies() {
        let text = r#"
resource "aws_iam_role_policy" "app" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["s3:GetObject"], Resource = "*" },
      { Effect = "Allow", Action = ["s3:*"], Resource = "arn:aws:s3:::acme-uploads/*" },
      { Effect = "Allow", Action = "*", Resource = "arn:aws:s3:::acme-uploads/*" },
      { Effect = "Deny", Action = "*", Resource = "*" }
    ]
  })
}
data "aws_iam_policy_document" "logs" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["*"]
  }
}
resource "aws_iam_role_policy_attachment" "lambda_logs" {
  role       = aws_iam_role.lambda.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}
resource "aws_iam_role" "reader" {
  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
}
"#;
        assert!(findings_of(&TF_IAM_WILDCARD, text).is_empty());
    }
}
