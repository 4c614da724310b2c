use super::{report, setting, Module};
use rampart_core::{Confidence, Finding, Severity};

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports `aws_cloudtrail` trails that are switched off (`enable_logging = false`) and, at low
    /// severity, trails that only record one region (`is_multi_region_trail` false or left out).
    ///
    /// ## Why is this bad
    /// CloudTrail is the audit log of the AWS account. With logging off, or limited to one region,
    /// an attacker's API calls (new access keys, instances started in an unused region, deleted
    /// resources) leave no record to alert on or investigate.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   name           = "main"
    ///   s3_bucket_name = aws_s3_bucket.trail.id
    ///   enable_logging = false
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   name                       = "main"
    ///   s3_bucket_name             = aws_s3_bucket.trail.id
    ///   is_multi_region_trail      = true
    ///   enable_log_file_validation = true
    /// }
    /// ```
    ///
    /// ## References
    /// - [CWE-778: Insufficient Logging](https://cwe.mitre.org/data/definitions/778.html)
    /// - [AWS: Creating a trail for all regions](https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail.html)
    pub static TF_CLOUDTRAIL_DISABLED = {
        id: "tf-cloudtrail-disabled",
        name: "TfCloudtrailDisabled",
        cwe: 778,
        severity: Medium,
        languages: [Terraform],
        summary: "CloudTrail logging disabled or single-region",
        help: "keep `enable_logging` on and set `is_multi_region_trail = true`",
    }
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    for r in m.resources("aws_cloudtrail") {
        if let Some((v, attr)) = setting(m, r.block, "enable_logging") {
            if v.as_bool() == Some(false) {
                out.push(report(
                    &TF_CLOUDTRAIL_DISABLED,
                    &attr.location,
                    format!("`{}` has logging turned off", r.address()),
                    &r.address(),
                    "enable_logging = false",
                ));
                continue;
            }
        }
        let (location, what) = match setting(m, r.block, "is_multi_region_trail") {
            Some((v, attr)) if v.as_bool() == Some(false) => (
                attr.location.clone(),
                "sets `is_multi_region_trail = false`",
            ),
            Some(_) => continue,
            None => (
                r.block.location.clone(),
                "does not set `is_multi_region_trail`",
            ),
        };
        out.push(
            Finding::builder(
                &TF_CLOUDTRAIL_DISABLED,
                location,
                format!(
                    "`{}` {what}, so activity in other regions is not logged",
                    r.address()
                ),
            )
            .severity(Severity::Low)
            .confidence(Confidence::Medium)
            .scope(r.address())
            .anchor("single-region trail")
            .build(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::findings_of;

    #[test]
    fn flags_disabled_and_single_region_trails() {
        let text = "resource \"aws_cloudtrail\" \"off\" {\n  enable_logging = false\n}\nresource \"aws_cloudtrail\" \"one\" {\n  name = \"one\"\n}\n";
        let got = findings_of(&TF_CLOUDTRAIL_DISABLED, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![2, 4],
            "{got:?}"
        );
    }

    #[test]
    fn passes_multi_region_trail() {
        let text = "resource \"aws_cloudtrail\" \"main\" {\n  is_multi_region_trail = true\n  enable_logging = true\n}\n";
        assert!(findings_of(&TF_CLOUDTRAIL_DISABLED, text).is_empty());
    }
}
