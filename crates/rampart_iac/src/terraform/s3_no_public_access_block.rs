use super::{report, setting, Module};
use rampart_core::{Confidence, Finding, Severity};

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports `aws_s3_bucket_public_access_block` resources that turn a protection off
    /// (`block_public_acls`, `block_public_policy`, `ignore_public_acls` or
    /// `restrict_public_buckets` set to `false`), and, at low severity, buckets with no public
    /// access block at all (neither their own nor an account-level
    /// `aws_s3_account_public_access_block` in the module).
    ///
    /// ## Why is this bad
    /// The public access block is the guard rail that keeps a later ACL or policy mistake from
    /// publishing the bucket. Switching it off removes that guard; leaving it undeclared relies on
    /// account defaults that Terraform does not control (new buckets block public access by default
    /// since April 2023, which is why a missing block is only low severity).
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_s3_bucket_public_access_block" "uploads" {
    ///   bucket                  = aws_s3_bucket.uploads.id
    ///   block_public_acls       = false
    ///   block_public_policy     = false
    ///   ignore_public_acls      = false
    ///   restrict_public_buckets = false
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_s3_bucket_public_access_block" "uploads" {
    ///   bucket                  = aws_s3_bucket.uploads.id
    ///   block_public_acls       = true
    ///   block_public_policy     = true
    ///   ignore_public_acls      = true
    ///   restrict_public_buckets = true
    /// }
    /// ```
    ///
    /// ## References
    /// - [CWE-284: Improper Access Control](https://cwe.mitre.org/data/definitions/284.html)
    /// - [AWS: Blocking public access to your Amazon S3 storage](https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html)
    pub static TF_S3_NO_PUBLIC_ACCESS_BLOCK = {
        id: "tf-s3-no-public-access-block",
        name: "TfS3NoPublicAccessBlock",
        cwe: 284,
        other_cwes: [200],
        severity: Medium,
        languages: [Terraform],
        summary: "S3 public access block missing or disabled",
        help: "add an aws_s3_bucket_public_access_block with all four settings true",
    }
}

const SETTINGS: &[&str] = &[
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
];

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    let blocks = m.resources("aws_s3_bucket_public_access_block");
    for r in blocks.chain(m.module_calls("terraform-aws-modules/s3-bucket")) {
        // One finding per block, at the first setting turned off, naming all of them.
        let off: Vec<(&str, &super::Attr)> = SETTINGS
            .iter()
            .filter_map(|name| {
                let (v, attr) = setting(m, r.block, name)?;
                (v.as_bool() == Some(false)).then_some((*name, attr))
            })
            .collect();
        if let Some((_, first)) = off.first() {
            let names: Vec<String> = off.iter().map(|(n, _)| format!("`{n}`")).collect();
            out.push(report(
                &TF_S3_NO_PUBLIC_ACCESS_BLOCK,
                &first.location,
                format!("`{}` turns off {}", r.address(), names.join(", ")),
                &r.address(),
                "public access block disabled",
            ));
        }
    }
    if m.resources("aws_s3_account_public_access_block")
        .next()
        .is_some()
    {
        return;
    }
    let blocks: Vec<_> = m.resources("aws_s3_bucket_public_access_block").collect();
    for bucket in m.resources("aws_s3_bucket") {
        let covered = blocks.iter().any(|b| {
            m.attr(b.block, "bucket")
                .is_some_and(|v| m.refers_to(&v, &bucket, "bucket"))
        });
        if !covered {
            out.push(
                Finding::builder(
                    &TF_S3_NO_PUBLIC_ACCESS_BLOCK,
                    bucket.block.location.clone(),
                    format!("`{}` has no public access block", bucket.address()),
                )
                .severity(Severity::Low)
                .confidence(Confidence::Medium)
                .scope(bucket.address())
                .anchor("missing aws_s3_bucket_public_access_block")
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
    fn flags_missing_and_disabled_blocks() {
        let text = r#"
resource "aws_s3_bucket" "uploads" {
  bucket = "acme-uploads"
}
resource "aws_s3_bucket" "logs" {
  bucket = "acme-logs"
}
resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = false
  ignore_public_acls      = true
  restrict_public_buckets = true
}
module "site" {
  source            = "terraform-aws-modules/s3-bucket/aws"
  block_public_acls = false
}
"#;
        let got = findings_of(&TF_S3_NO_PUBLIC_ACCESS_BLOCK, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![2, 11, 17],
            "{got:?}"
        );
        assert!(got[0].1.contains("aws_s3_bucket.uploads"));
    }

    #[test]
    fn passes_blocked_buckets() {
        let text = r#"
variable "bucket_name" {
  default = "acme-data"
}
resource "aws_s3_bucket" "data" {
  bucket = var.bucket_name
}
resource "aws_s3_bucket_public_access_block" "data" {
  bucket                  = var.bucket_name
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
"#;
        assert!(findings_of(&TF_S3_NO_PUBLIC_ACCESS_BLOCK, text).is_empty());
        let account = "resource \"aws_s3_account_public_access_block\" \"this\" {\n  block_public_acls = true\n}\nresource \"aws_s3_bucket\" \"x\" {\n  bucket = \"x\"\n}\n";
        assert!(findings_of(&TF_S3_NO_PUBLIC_ACCESS_BLOCK, account).is_empty());
    }
}
