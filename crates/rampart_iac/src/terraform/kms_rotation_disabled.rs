use super::{report, setting, Expr, Module};
use rampart_core::{Confidence, Finding};

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports symmetric `aws_kms_key` resources without automatic rotation
    /// (`enable_key_rotation` false or left out; the default is off) and `google_kms_crypto_key`
    /// without a `rotation_period`. Asymmetric and HMAC keys, which cannot rotate automatically,
    /// are skipped.
    ///
    /// ## Why is this bad
    /// A key that never rotates protects ever more data, and a key compromised once stays useful
    /// to the attacker forever. Automatic rotation limits the amount of data under any one key
    /// version at no operational cost.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_kms_key" "app" {
    ///   description = "app data"
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_kms_key" "app" {
    ///   description         = "app data"
    ///   enable_key_rotation = true
    /// }
    /// ```
    ///
    /// ## References
    /// - [CWE-324: Use of a Key Past its Expiration Date](https://cwe.mitre.org/data/definitions/324.html)
    /// - [AWS: Rotating AWS KMS keys](https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html)
    pub static TF_KMS_ROTATION_DISABLED = {
        id: "tf-kms-rotation-disabled",
        name: "TfKmsRotationDisabled",
        cwe: 324,
        other_cwes: [320],
        severity: Medium,
        languages: [Terraform],
        summary: "KMS key rotation disabled",
        help: "set `enable_key_rotation = true` (AWS) or a `rotation_period` (GCP)",
    }
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    for r in m.resources("aws_kms_key") {
        let spec = m.attr(r.block, "customer_master_key_spec");
        let usage = m.attr(r.block, "key_usage");
        let symmetric = spec
            .as_ref()
            .and_then(Expr::as_str)
            .is_none_or(|s| s == "SYMMETRIC_DEFAULT")
            && usage
                .as_ref()
                .and_then(Expr::as_str)
                .is_none_or(|u| u == "ENCRYPT_DECRYPT");
        if !symmetric {
            continue;
        }
        match setting(m, r.block, "enable_key_rotation") {
            Some((v, attr)) => {
                if v.as_bool() == Some(false) {
                    out.push(report(
                        &TF_KMS_ROTATION_DISABLED,
                        &attr.location,
                        format!("`{}` disables automatic key rotation", r.address()),
                        &r.address(),
                        "enable_key_rotation = false",
                    ));
                }
            }
            None => out.push(
                Finding::builder(
                    &TF_KMS_ROTATION_DISABLED,
                    r.block.location.clone(),
                    format!("`{}` does not enable automatic key rotation", r.address()),
                )
                .confidence(Confidence::Medium)
                .scope(r.address())
                .anchor("enable_key_rotation missing")
                .build(),
            ),
        }
    }
    for r in m.resources("google_kms_crypto_key") {
        let purpose = m.attr(r.block, "purpose");
        let symmetric = purpose
            .as_ref()
            .and_then(Expr::as_str)
            .is_none_or(|p| p == "ENCRYPT_DECRYPT");
        if symmetric && r.block.attr("rotation_period").is_none() {
            out.push(
                Finding::builder(
                    &TF_KMS_ROTATION_DISABLED,
                    r.block.location.clone(),
                    format!(
                        "`{}` has no `rotation_period`, so it never rotates",
                        r.address()
                    ),
                )
                .confidence(Confidence::Medium)
                .scope(r.address())
                .anchor("rotation_period missing")
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
    fn flags_keys_without_rotation() {
        let text = "resource \"aws_kms_key\" \"app\" {\n  description = \"app\"\n}\nresource \"aws_kms_key\" \"logs\" {\n  enable_key_rotation = false\n}\nresource \"google_kms_crypto_key\" \"k\" {\n  name = \"k\"\n}\n";
        let got = findings_of(&TF_KMS_ROTATION_DISABLED, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![1, 5, 7],
            "{got:?}"
        );
    }

    #[test]
    fn passes_rotating_and_asymmetric_keys() {
        let text = "resource \"aws_kms_key\" \"app\" {\n  enable_key_rotation = true\n}\nresource \"aws_kms_key\" \"sign\" {\n  customer_master_key_spec = \"RSA_2048\"\n  key_usage = \"SIGN_VERIFY\"\n}\nresource \"google_kms_crypto_key\" \"k\" {\n  rotation_period = \"7776000s\"\n}\n";
        assert!(findings_of(&TF_KMS_ROTATION_DISABLED, text).is_empty());
    }
}
