use super::{report, setting, Expr, Module};
use rampart_core::{Confidence, Finding};

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports `aws_db_instance` and `aws_rds_cluster` (also DocumentDB and Neptune clusters)
    /// whose storage is not encrypted: `storage_encrypted = false`, or the setting left out (the
    /// provider default is `false`). Replicas, snapshot restores and Aurora Serverless v1 clusters,
    /// which inherit or force encryption, are skipped when the setting is absent.
    ///
    /// ## Why is this bad
    /// Unencrypted database storage, snapshots and backups can be read by anyone who obtains a
    /// snapshot copy or the underlying volumes, and encryption cannot be turned on later without
    /// recreating the database from a snapshot.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   engine         = "postgres"
    ///   instance_class = "db.t3.micro"
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    ///   storage_encrypted = true
    ///   kms_key_id        = aws_kms_key.rds.arn
    /// ```
    ///
    /// ## References
    /// - [CWE-311: Missing Encryption of Sensitive Data](https://cwe.mitre.org/data/definitions/311.html)
    /// - [AWS: Encrypting Amazon RDS resources](https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html)
    pub static TF_RDS_UNENCRYPTED = {
        id: "tf-rds-unencrypted",
        name: "TfRdsUnencrypted",
        cwe: 311,
        other_cwes: [312],
        severity: Medium,
        languages: [Terraform],
        summary: "Database storage is not encrypted",
        help: "set `storage_encrypted = true` (with a KMS key) when creating the database",
    }
}

/// Settings that make the database inherit encryption from elsewhere.
const INHERITS: &[&str] = &[
    "replicate_source_db",
    "snapshot_identifier",
    "replication_source_identifier",
    "global_cluster_identifier",
    "source_region",
];

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    // The registry modules encrypt by default: only an explicit `false` is a finding.
    for r in m.module_calls("terraform-aws-modules/rds") {
        if let Some((v, attr)) = setting(m, r.block, "storage_encrypted") {
            if v.as_bool() == Some(false) {
                out.push(report(
                    &TF_RDS_UNENCRYPTED,
                    &attr.location,
                    format!("`{}` disables storage encryption", r.address()),
                    &r.address(),
                    "storage_encrypted = false",
                ));
            }
        }
    }
    for ty in [
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_docdb_cluster",
        "aws_neptune_cluster",
    ] {
        for r in m.resources(ty) {
            match setting(m, r.block, "storage_encrypted") {
                Some((v, attr)) => {
                    if v.as_bool() == Some(false) {
                        out.push(report(
                            &TF_RDS_UNENCRYPTED,
                            &attr.location,
                            format!("`{}` disables storage encryption", r.address()),
                            &r.address(),
                            "storage_encrypted = false",
                        ));
                    }
                }
                None => {
                    let inherits = INHERITS.iter().any(|a| r.block.attr(a).is_some());
                    let serverless_v1 = m
                        .attr(r.block, "engine_mode")
                        .as_ref()
                        .and_then(Expr::as_str)
                        == Some("serverless");
                    // A DB instance that joins an Aurora cluster takes the cluster's setting.
                    let in_cluster =
                        r.block.attr("cluster_identifier").is_some() && ty == "aws_db_instance";
                    if inherits || serverless_v1 || in_cluster {
                        continue;
                    }
                    out.push(
                        Finding::builder(
                            &TF_RDS_UNENCRYPTED,
                            r.block.location.clone(),
                            format!(
                                "`{}` does not set `storage_encrypted`, so its storage is unencrypted",
                                r.address()
                            ),
                        )
                        .confidence(Confidence::Medium)
                        .scope(r.address())
                        .anchor("storage_encrypted missing")
                        .build(),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::findings_of;

    #[test]
    fn flags_unencrypted_databases() {
        let text = "resource \"aws_db_instance\" \"app\" {\n  engine = \"postgres\"\n}\nresource \"aws_rds_cluster\" \"aurora\" {\n  engine            = \"aurora-postgresql\"\n  storage_encrypted = false\n}\nmodule \"db\" {\n  source            = \"terraform-aws-modules/rds/aws\"\n  storage_encrypted = false\n}\nmodule \"db2\" {\n  source = \"terraform-aws-modules/rds/aws\"\n}\n";
        let got = findings_of(&TF_RDS_UNENCRYPTED, text);
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), vec![1, 6, 10]);
        assert!(got[0].1.contains("aws_db_instance.app"));
    }

    #[test]
    fn passes_encrypted_and_inheriting_databases() {
        let text = "resource \"aws_db_instance\" \"a\" {\n  storage_encrypted = true\n}\nresource \"aws_db_instance\" \"replica\" {\n  replicate_source_db = aws_db_instance.a.identifier\n}\nresource \"aws_rds_cluster\" \"s\" {\n  engine_mode = \"serverless\"\n}\nvariable \"enc\" {\n  type = bool\n}\nresource \"aws_rds_cluster\" \"v\" {\n  storage_encrypted = var.enc\n}\n";
        assert!(findings_of(&TF_RDS_UNENCRYPTED, text).is_empty());
    }
}
