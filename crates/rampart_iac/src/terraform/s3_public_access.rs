use super::{policy, report, setting, Expr, Module};
use rampart_core::{Finding, Severity};

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports S3 buckets made public: a canned ACL of `public-read`, `public-read-write` or
    /// `authenticated-read` (on `aws_s3_bucket` or `aws_s3_bucket_acl`), an ACL grant to the
    /// `AllUsers` or `AuthenticatedUsers` group, or a bucket policy that
    /// allows principal `"*"` without a condition (inline JSON, `jsonencode`, or an
    /// `aws_iam_policy_document`).
    ///
    /// ## Why is this bad
    /// Anyone on the internet can list or download the objects (and with `public-read-write`,
    /// replace them). Public buckets are one of the most common sources of data breaches:
    /// backups, user uploads and logs end up indexed by scanners within hours.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_s3_bucket_acl" "uploads" {
    ///   bucket = aws_s3_bucket.uploads.id
    ///   acl    = "public-read"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Keep the bucket private and serve public content through CloudFront with an origin access
    /// control, or hand out pre-signed URLs:
    /// ```hcl
    /// resource "aws_s3_bucket_acl" "uploads" {
    ///   bucket = aws_s3_bucket.uploads.id
    ///   acl    = "private"
    /// }
    /// ```
    ///
    /// ## References
    /// - [CWE-284: Improper Access Control](https://cwe.mitre.org/data/definitions/284.html)
    /// - [AWS: Blocking public access to your Amazon S3 storage](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html)
    pub static TF_S3_PUBLIC_ACCESS = {
        id: "tf-s3-public-access",
        name: "TfS3PublicAccess",
        cwe: 284,
        other_cwes: [200],
        severity: High,
        languages: [Terraform],
        summary: "S3 bucket readable or writable by anyone",
        help: "use a private ACL and a policy limited to known principals; serve public files via CloudFront",
    }
}

const PUBLIC_ACLS: &[&str] = &["public-read", "public-read-write", "authenticated-read"];

/// An ACL grant to the AllUsers or AuthenticatedUsers group, in any nested `grant`/`grantee`.
fn public_grant<'b>(
    m: &Module,
    b: &'b super::Block,
    depth: usize,
) -> Option<(String, &'b super::Attr)> {
    if depth > 4 {
        return None;
    }
    if let Some((v, attr)) = setting(m, b, "uri") {
        if let Some(uri) = v
            .as_str()
            .filter(|u| u.ends_with("/AllUsers") || u.ends_with("/AuthenticatedUsers"))
        {
            return Some((uri.rsplit('/').next().unwrap_or(uri).to_string(), attr));
        }
    }
    b.blocks.iter().find_map(|n| public_grant(m, n, depth + 1))
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    for ty in ["aws_s3_bucket", "aws_s3_bucket_acl"] {
        for r in m.resources(ty) {
            if let Some((group, attr)) = public_grant(m, r.block, 0) {
                out.push(report(
                    &TF_S3_PUBLIC_ACCESS,
                    &attr.location,
                    format!(
                        "`{}` grants access to the `{group}` group, making the bucket public",
                        r.address()
                    ),
                    &r.address(),
                    format!("grant {group}"),
                ));
            }
        }
    }
    let resources = ["aws_s3_bucket", "aws_s3_bucket_acl"]
        .into_iter()
        .flat_map(|ty| m.resources(ty));
    for r in resources.chain(m.module_calls("terraform-aws-modules/s3-bucket")) {
        let Some((Expr::Str(acl), attr)) = setting(m, r.block, "acl") else {
            continue;
        };
        if !PUBLIC_ACLS.contains(&acl.as_str()) {
            continue;
        }
        let mut f = report(
            &TF_S3_PUBLIC_ACCESS,
            &attr.location,
            format!(
                "`{}` sets the canned ACL `{acl}`, making the bucket public",
                r.address()
            ),
            &r.address(),
            format!("acl = {acl}"),
        );
        if acl == "public-read-write" {
            f.severity = Severity::Critical;
        }
        out.push(f);
    }
    for (ty, attr_name) in [
        ("aws_s3_bucket_policy", "policy"),
        ("aws_s3_bucket", "policy"),
    ] {
        for r in m.resources(ty) {
            let Some(attr) = r.block.attr(attr_name) else {
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
                let actions = s.actions.join(", ");
                out.push(report(
                    &TF_S3_PUBLIC_ACCESS,
                    location,
                    format!(
                        "bucket policy of `{}` allows `{actions}` to any principal (`\"*\"`) without a condition",
                        r.address()
                    ),
                    &r.address(),
                    format!("Principal * {actions}"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::findings_of;

    #[test]
    fn flags_public_acls_and_policies() {
        let text = r#"
resource "aws_s3_bucket" "assets" {
  bucket = "acme-assets"
  acl    = "public-read"
}

resource "aws_s3_bucket_acl" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  acl    = "public-read-write"
}

resource "aws_s3_bucket_policy" "assets" {
  bucket = aws_s3_bucket.assets.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "PublicRead"
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.assets.arn}/*"
    }]
  })
}

data "aws_iam_policy_document" "site" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::site/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

resource "aws_s3_bucket_policy" "site" {
  bucket = "site"
  policy = data.aws_iam_policy_document.site.json
}

resource "aws_s3_bucket_acl" "grants" {
  bucket = "grants"
  access_control_policy {
    grant {
      grantee {
        type = "Group"
        uri  = "http://acs.amazonaws.com/groups/global/AllUsers"
      }
      permission = "READ"
    }
  }
}

module "public_bucket" {
  source = "terraform-aws-modules/s3-bucket/aws"
  bucket = "acme-public"
  acl    = "public-read"
}
"#;
        let got = findings_of(&TF_S3_PUBLIC_ACCESS, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![4, 9, 14, 27, 48, 58],
            "{got:?}"
        );
        assert!(got[0].1.contains("aws_s3_bucket.assets") && got[0].1.contains("public-read"));
    }

    #[test]
    fn passes_private_and_conditioned_access() {
        let text = r#"
resource "aws_s3_bucket_acl" "data" {
  bucket = aws_s3_bucket.data.id
  acl    = "private"
}
resource "aws_s3_bucket_policy" "cdn" {
  bucket = aws_s3_bucket.data.id
  policy = <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Service": "cloudfront.amazonaws.com"},
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::data/*",
      "Condition": {"StringEquals": {"AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1"}}
    },
    {
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": "arn:aws:s3:::data/*",
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    }
  ]
}
POLICY
}
"#;
        assert!(findings_of(&TF_S3_PUBLIC_ACCESS, text).is_empty());
    }
}
