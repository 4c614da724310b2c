use super::eval::Resource;
use super::{report, setting, Block, Module};
use rampart_core::{Confidence, Finding, Severity};

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports AWS storage and messaging without encryption at rest: `aws_ebs_volume` and
    /// `aws_efs_file_system` with `encrypted` false or left out (both default to unencrypted;
    /// EBS volumes are skipped when the module enables `aws_ebs_encryption_by_default`), instance
    /// and launch-template block devices with `encrypted = false`, `aws_sns_topic` without
    /// `kms_master_key_id` (low severity), and `aws_sqs_queue` with `sqs_managed_sse_enabled = false`
    /// and no KMS key.
    ///
    /// ## Why is this bad
    /// Unencrypted volumes, file systems and snapshots are readable by anyone who can copy a
    /// snapshot or share it across accounts, and many compliance regimes require encryption at
    /// rest for any customer data.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_ebs_volume" "data" {
    ///   availability_zone = "us-east-1a"
    ///   size              = 100
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_ebs_volume" "data" {
    ///   availability_zone = "us-east-1a"
    ///   size              = 100
    ///   encrypted         = true
    ///   kms_key_id        = aws_kms_key.ebs.arn
    /// }
    /// ```
    ///
    /// ## References
    /// - [CWE-311: Missing Encryption of Sensitive Data](https://cwe.mitre.org/data/definitions/311.html)
    /// - [AWS: Amazon EBS encryption](https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html)
    pub static TF_UNENCRYPTED_STORAGE = {
        id: "tf-unencrypted-storage",
        name: "TfUnencryptedStorage",
        cwe: 311,
        other_cwes: [312],
        severity: Medium,
        languages: [Terraform],
        summary: "Storage or queue without encryption at rest",
        help: "enable encryption (`encrypted = true` or a `kms_master_key_id`)",
    }
}

fn explicit_false(
    m: &Module,
    r: &Resource,
    b: &Block,
    name: &str,
    what: &str,
    out: &mut Vec<Finding>,
) -> Option<bool> {
    let (v, attr) = setting(m, b, name)?;
    let value = v.as_bool()?;
    if !value {
        out.push(report(
            &TF_UNENCRYPTED_STORAGE,
            &attr.location,
            format!(
                "`{}` ({what}) is not encrypted (`{name} = false`)",
                r.address()
            ),
            &r.address(),
            format!("{what} {name} = false"),
        ));
    }
    Some(value)
}

fn missing(r: &Resource, what: &str, setting: &str, severity: Severity, out: &mut Vec<Finding>) {
    out.push(
        Finding::builder(
            &TF_UNENCRYPTED_STORAGE,
            r.block.location.clone(),
            format!(
                "`{}` ({what}) does not set `{setting}`, so it is not encrypted at rest",
                r.address()
            ),
        )
        .severity(severity)
        .confidence(Confidence::Medium)
        .scope(r.address())
        .anchor(format!("{setting} missing"))
        .build(),
    );
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    let ebs_default = m.resources("aws_ebs_encryption_by_default").any(|r| {
        m.attr(r.block, "enabled")
            .is_none_or(|v| v.as_bool() != Some(false))
    });
    for r in m.resources("aws_ebs_volume") {
        let set = explicit_false(m, &r, r.block, "encrypted", "EBS volume", out);
        if set.is_none() && !ebs_default && r.block.attr("snapshot_id").is_none() {
            missing(&r, "EBS volume", "encrypted", Severity::Medium, out);
        }
    }
    for r in m.resources("aws_efs_file_system") {
        if explicit_false(m, &r, r.block, "encrypted", "EFS file system", out).is_none() {
            missing(&r, "EFS file system", "encrypted", Severity::Medium, out);
        }
    }
    for ty in ["aws_instance", "aws_launch_configuration"] {
        for r in m.resources(ty) {
            for dev in ["root_block_device", "ebs_block_device"] {
                for b in r.block.blocks_named(dev) {
                    explicit_false(m, &r, b, "encrypted", dev, out);
                }
            }
        }
    }
    for r in m.resources("aws_launch_template") {
        for mapping in r.block.blocks_named("block_device_mappings") {
            for ebs in mapping.blocks_named("ebs") {
                explicit_false(m, &r, ebs, "encrypted", "block device", out);
            }
        }
    }
    for r in m.resources("aws_sns_topic") {
        if r.block.attr("kms_master_key_id").is_none() {
            missing(&r, "SNS topic", "kms_master_key_id", Severity::Low, out);
        }
    }
    for r in m.resources("aws_sqs_queue") {
        if r.block.attr("kms_master_key_id").is_none() {
            explicit_false(m, &r, r.block, "sqs_managed_sse_enabled", "SQS queue", out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::findings_of;

    #[test]
    fn flags_unencrypted_storage() {
        let text = r#"
resource "aws_ebs_volume" "data" {
  availability_zone = "us-east-1a"
  size              = 100
}
resource "aws_efs_file_system" "shared" {
  encrypted = false
}
resource "aws_instance" "app" {
  root_block_device {
    encrypted = false
  }
}
resource "aws_sns_topic" "alerts" {
  name = "alerts"
}
resource "aws_sqs_queue" "jobs" {
  sqs_managed_sse_enabled = false
}
"#;
        let got = findings_of(&TF_UNENCRYPTED_STORAGE, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![2, 7, 11, 14, 18],
            "{got:?}"
        );
    }

    #[test]
    fn passes_encrypted_storage() {
        let text = r#"
resource "aws_ebs_volume" "data" {
  size      = 100
  encrypted = true
}
resource "aws_efs_file_system" "shared" {
  encrypted  = true
  kms_key_id = aws_kms_key.efs.arn
}
resource "aws_instance" "app" {
  root_block_device {
    volume_size = 20
  }
}
resource "aws_sns_topic" "alerts" {
  kms_master_key_id = "alias/aws/sns"
}
resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}
"#;
        assert!(findings_of(&TF_UNENCRYPTED_STORAGE, text).is_empty());
        let by_default = "resource \"aws_ebs_encryption_by_default\" \"this\" {\n  enabled = true\n}\nresource \"aws_ebs_volume\" \"v\" {\n  size = 10\n}\n";
        assert!(findings_of(&TF_UNENCRYPTED_STORAGE, by_default).is_empty());
    }
}
