use super::{policy, report, Module};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports IAM role trust policies (`assume_role_policy` of `aws_iam_role`) that let any
    /// principal (`"*"` or `{"AWS": "*"}`) assume the role without a condition such as
    /// `sts:ExternalId` or `aws:PrincipalOrgID`.
    ///
    /// ## Why is this bad
    /// With a wildcard principal any AWS account in the world can call `sts:AssumeRole` on the role
    /// and act with its permissions. Attackers enumerate role ARNs; the only barrier left is
    /// knowing the name.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_iam_role" "cross_account" {
    ///   assume_role_policy = jsonencode({
    ///     Version = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow"
    ///       Principal = { AWS = "*" }
    ///       Action    = "sts:AssumeRole"
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Fix
    /// Name the trusted account or service, and require an external ID for third parties:
    /// ```hcl
    ///       Principal = { AWS = "arn:aws:iam::123456789012:root" }
    ///       Condition = { StringEquals = { "sts:ExternalId" = var.external_id } }
    /// ```
    ///
    /// ## References
    /// - [CWE-284: Improper Access Control](https://cwe.mitre.org/data/definitions/284.html)
    /// - [AWS: IAM role trust policies](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html)
    pub static TF_IAM_TRUST_ANY_PRINCIPAL = {
        id: "tf-iam-trust-any-principal",
        name: "TfIamTrustAnyPrincipal",
        cwe: 284,
        other_cwes: [269],
        severity: Critical,
        languages: [Terraform],
        summary: "IAM role can be assumed by any principal",
        help: "trust specific accounts or services, with an sts:ExternalId or aws:PrincipalOrgID condition",
    }
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    for r in m.resources("aws_iam_role") {
        let Some(attr) = r.block.attr("assume_role_policy") else {
            continue;
        };
        let Some(p) = policy::resolve(m, attr) else {
            continue;
        };
        for s in p
            .statements
            .iter()
            .filter(|s| s.any_principal() && !s.has_condition)
        {
            let location = s.location.as_ref().unwrap_or(&attr.location);
            out.push(report(
                &TF_IAM_TRUST_ANY_PRINCIPAL,
                location,
                format!(
                    "trust policy of `{}` lets any AWS principal (`*`) assume the role",
                    r.address()
                ),
                &r.address(),
                "Principal * AssumeRole",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::findings_of;

    #[test]
    fn flags_wildcard_trust() {
        let text = r#"
resource "aws_iam_role" "cross_account" {
  name = "partner-access"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "sts:AssumeRole"
    }]
  })
}
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}
resource "aws_iam_role" "other" {
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
"#;
        let got = findings_of(&TF_IAM_TRUST_ANY_PRINCIPAL, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![4, 14],
            "{got:?}"
        );
    }

    #[test]
    fn passes_service_and_conditioned_trust() {
        let text = r#"
resource "aws_iam_role" "lambda" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}
resource "aws_iam_role" "org" {
  assume_role_policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:PrincipalOrgID" = "o-abc123" } }
    }]
  })
}
"#;
        assert!(findings_of(&TF_IAM_TRUST_ANY_PRINCIPAL, text).is_empty());
    }
}
