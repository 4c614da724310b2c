use super::Module;
use rampart_core::{Confidence, Finding};

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports S3 buckets with no server-side encryption configuration: neither an inline
    /// `server_side_encryption_configuration` block nor an
    /// `aws_s3_bucket_server_side_encryption_configuration` resource for the bucket.
    ///
    /// This rule is in preview and low severity: since January 2023 S3 encrypts every new object
    /// with S3-managed keys (SSE-S3) whatever the configuration says, so a missing configuration
    /// no longer means plaintext storage. Enable it when policy requires customer-managed KMS keys
    /// (key policies, audit of key use, crypto-shredding).
    ///
    /// ## Why is this bad
    /// Without an explicit configuration the bucket uses the default SSE-S3 keys, which anyone
    /// with `s3:GetObject` can decrypt transparently; there is no key policy or key-use audit trail.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_s3_bucket" "backups" {
    ///   bucket = "acme-backups"
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_s3_bucket_server_side_encryption_configuration" "backups" {
    ///   bucket = aws_s3_bucket.backups.id
    ///   rule {
    ///     apply_server_side_encryption_by_default {
    ///       sse_algorithm     = "aws:kms"
    ///       kms_master_key_id = aws_kms_key.backups.arn
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## References
    /// - [CWE-311: Missing Encryption of Sensitive Data](https://cwe.mitre.org/data/definitions/311.html)
    /// - [AWS: default encryption for S3 buckets](https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-bucket-encryption.html)
    pub static TF_S3_UNENCRYPTED = {
        id: "tf-s3-unencrypted",
        name: "TfS3Unencrypted",
        cwe: 311,
        other_cwes: [312],
        severity: Low,
        languages: [Terraform],
        status: Preview,
        summary: "S3 bucket without an explicit encryption configuration",
        help: "add aws_s3_bucket_server_side_encryption_configuration, ideally with a KMS key",
    }
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    let configs: Vec<_> = m
        .resources("aws_s3_bucket_server_side_encryption_configuration")
        .collect();
    for bucket in m.resources("aws_s3_bucket") {
        if bucket
            .block
            .block("server_side_encryption_configuration")
            .is_some()
        {
            continue;
        }
        let covered = configs.iter().any(|c| {
            m.attr(c.block, "bucket")
                .is_some_and(|v| m.refers_to(&v, &bucket, "bucket"))
        });
        if !covered {
            out.push(
                Finding::builder(
                    &TF_S3_UNENCRYPTED,
                    bucket.block.location.clone(),
                    format!(
                        "`{}` has no server-side encryption configuration (only the S3-managed default applies)",
                        bucket.address()
                    ),
                )
                .confidence(Confidence::Medium)
                .scope(bucket.address())
                .anchor("missing server-side encryption configuration")
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
    fn flags_bucket_without_configuration() {
        let text = "resource \"aws_s3_bucket\" \"backups\" {\n  bucket = \"acme-backups\"\n}\n";
        assert_eq!(findings_of(&TF_S3_UNENCRYPTED, text).len(), 1);
    }

    #[test]
    fn passes_configured_buckets() {
        let text = r#"
resource "aws_s3_bucket" "a" {
  bucket = "a"
}
resource "aws_s3_bucket_server_side_encryption_configuration" "a" {
  bucket = aws_s3_bucket.a.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}
resource "aws_s3_bucket" "b" {
  bucket = "b"
  server_side_encryption_configuration {
    rule {
      apply_server_side_encryption_by_default {
        sse_algorithm = "AES256"
      }
    }
  }
}
"#;
        assert!(findings_of(&TF_S3_UNENCRYPTED, text).is_empty());
    }
}
