use super::{report, setting, Module};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports databases with a public endpoint: `publicly_accessible = true` on
    /// `aws_db_instance`, `aws_rds_cluster_instance`, `aws_redshift_cluster` or
    /// `aws_dms_replication_instance`, or as an input of the `terraform-aws-modules/rds` and
    /// `rds-aurora` registry modules (variables and locals resolved).
    ///
    /// ## Why is this bad
    /// A publicly accessible database gets a public IP and DNS name; with a permissive security
    /// group it is one leaked or guessed password away from a full data breach, and it is exposed
    /// to every pre-authentication vulnerability of the engine.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   engine              = "postgres"
    ///   instance_class      = "db.t3.micro"
    ///   publicly_accessible = true
    /// }
    /// ```
    ///
    /// ## Fix
    /// Keep the database in private subnets and connect from the application tier, a bastion or
    /// SSM port forwarding:
    /// ```hcl
    ///   publicly_accessible    = false
    ///   db_subnet_group_name   = aws_db_subnet_group.private.name
    /// ```
    ///
    /// ## References
    /// - [CWE-668: Exposure of Resource to Wrong Sphere](https://cwe.mitre.org/data/definitions/668.html)
    /// - [AWS: Hiding a DB instance in a VPC from the internet](https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html)
    pub static TF_RDS_PUBLIC = {
        id: "tf-rds-public",
        name: "TfRdsPublic",
        cwe: 668,
        other_cwes: [284],
        severity: High,
        languages: [Terraform],
        summary: "Database instance is publicly accessible",
        help: "set `publicly_accessible = false` and place the database in private subnets",
    }
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    let resources = [
        "aws_db_instance",
        "aws_rds_cluster_instance",
        "aws_redshift_cluster",
        "aws_dms_replication_instance",
    ]
    .into_iter()
    .flat_map(|ty| m.resources(ty));
    // `terraform-aws-modules/rds` and `rds-aurora` take the same input name.
    let modules = m.module_calls("terraform-aws-modules/rds");
    for r in resources.chain(modules) {
        if let Some((v, attr)) = setting(m, r.block, "publicly_accessible") {
            if v.as_bool() == Some(true) {
                out.push(report(
                    &TF_RDS_PUBLIC,
                    &attr.location,
                    format!("`{}` is publicly accessible from the internet", r.address()),
                    &r.address(),
                    "publicly_accessible = true",
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
    fn flags_public_databases() {
        let text = "variable \"public\" {\n  default = true\n}\nresource \"aws_db_instance\" \"app\" {\n  engine              = \"postgres\"\n  publicly_accessible = var.public\n}\nresource \"aws_rds_cluster_instance\" \"i\" {\n  publicly_accessible = true\n}\nmodule \"db\" {\n  source = \"terraform-aws-modules/rds/aws\"\n  publicly_accessible = true\n}\n";
        let got = findings_of(&TF_RDS_PUBLIC, text);
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), vec![6, 9, 13]);
        assert!(got[0].1.contains("aws_db_instance.app"));
    }

    #[test]
    fn passes_private_databases() {
        let text = "variable \"public\" {\n  type = bool\n}\nresource \"aws_db_instance\" \"a\" {\n  publicly_accessible = false\n}\nresource \"aws_db_instance\" \"b\" {\n  engine = \"mysql\"\n}\nresource \"aws_db_instance\" \"c\" {\n  publicly_accessible = var.public\n}\n";
        assert!(findings_of(&TF_RDS_PUBLIC, text).is_empty());
    }
}
