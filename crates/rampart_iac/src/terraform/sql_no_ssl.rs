use super::{report, setting, Expr, Module};
use rampart_core::{Confidence, Finding};

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports managed databases that accept unencrypted connections: Cloud SQL instances with
    /// `require_ssl = false` or `ssl_mode = "ALLOW_UNENCRYPTED_AND_ENCRYPTED"` (or neither set
    /// while the instance has a public IP), Azure PostgreSQL/MySQL servers with
    /// `ssl_enforcement_enabled = false`, flexible-server configurations setting
    /// `require_secure_transport` off, and RDS parameter groups setting `rds.force_ssl` to 0.
    ///
    /// ## Why is this bad
    /// Without enforced TLS, clients can connect in clear text; passwords and query results then
    /// cross the network readable and modifiable by anyone on the path.
    ///
    /// ## Example
    /// ```hcl
    /// resource "google_sql_database_instance" "main" {
    ///   settings {
    ///     ip_configuration {
    ///       ipv4_enabled = true
    ///       require_ssl  = false
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    ///     ip_configuration {
    ///       ipv4_enabled = true
    ///       ssl_mode     = "ENCRYPTED_ONLY"
    ///     }
    /// ```
    ///
    /// ## References
    /// - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    /// - [Google Cloud: Configure SSL/TLS certificates](https://cloud.google.com/sql/docs/postgres/configure-ssl-instance)
    pub static TF_SQL_NO_SSL = {
        id: "tf-sql-no-ssl",
        name: "TfSqlNoSsl",
        cwe: 319,
        severity: Medium,
        languages: [Terraform],
        summary: "Database accepts unencrypted connections",
        help: "require TLS for every connection (`ssl_mode = \"ENCRYPTED_ONLY\"`, `ssl_enforcement_enabled = true`)",
    }
}

fn is_off(v: &Expr) -> bool {
    v.as_bool() == Some(false)
        || v.as_str()
            .is_some_and(|s| matches!(s.to_ascii_lowercase().as_str(), "off" | "0"))
        || v.as_num() == Some(0.0)
}

fn gcp(m: &Module, out: &mut Vec<Finding>) {
    for r in m.resources("google_sql_database_instance") {
        for settings in r.block.blocks_named("settings") {
            for ip in settings.blocks_named("ip_configuration") {
                let require = setting(m, ip, "require_ssl");
                let mode = setting(m, ip, "ssl_mode");
                if let Some((v, attr)) = &mode {
                    if v.as_str() == Some("ALLOW_UNENCRYPTED_AND_ENCRYPTED") {
                        out.push(report(
                            &TF_SQL_NO_SSL,
                            &attr.location,
                            format!("`{}` accepts unencrypted connections (`ssl_mode = \"ALLOW_UNENCRYPTED_AND_ENCRYPTED\"`)", r.address()),
                            &r.address(),
                            "ssl_mode ALLOW_UNENCRYPTED_AND_ENCRYPTED",
                        ));
                    }
                    continue;
                }
                match &require {
                    Some((v, attr)) if v.as_bool() == Some(false) => out.push(report(
                        &TF_SQL_NO_SSL,
                        &attr.location,
                        format!(
                            "`{}` does not require SSL (`require_ssl = false`)",
                            r.address()
                        ),
                        &r.address(),
                        "require_ssl = false",
                    )),
                    Some(_) => {}
                    None => {
                        let public =
                            m.attr(ip, "ipv4_enabled").and_then(|v| v.as_bool()) != Some(false);
                        if public {
                            out.push(
                                Finding::builder(
                                    &TF_SQL_NO_SSL,
                                    ip.location.clone(),
                                    format!("`{}` has a public IP and does not require SSL (`ssl_mode` not set)", r.address()),
                                )
                                .confidence(Confidence::Medium)
                                .scope(r.address())
                                .anchor("ssl_mode missing")
                                .build(),
                            );
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    gcp(m, out);
    for ty in [
        "azurerm_postgresql_server",
        "azurerm_mysql_server",
        "azurerm_mariadb_server",
    ] {
        for r in m.resources(ty) {
            if let Some((v, attr)) = setting(m, r.block, "ssl_enforcement_enabled") {
                if v.as_bool() == Some(false) {
                    out.push(report(
                        &TF_SQL_NO_SSL,
                        &attr.location,
                        format!(
                            "`{}` does not enforce SSL (`ssl_enforcement_enabled = false`)",
                            r.address()
                        ),
                        &r.address(),
                        "ssl_enforcement_enabled = false",
                    ));
                }
            }
        }
    }
    for ty in [
        "azurerm_postgresql_flexible_server_configuration",
        "azurerm_mysql_flexible_server_configuration",
        "azurerm_postgresql_configuration",
        "azurerm_mysql_configuration",
    ] {
        for r in m.resources(ty) {
            let name = m.attr(r.block, "name");
            if name.as_ref().and_then(Expr::as_str) != Some("require_secure_transport") {
                continue;
            }
            if let Some((v, attr)) = setting(m, r.block, "value") {
                if is_off(&v) {
                    out.push(report(
                        &TF_SQL_NO_SSL,
                        &attr.location,
                        format!("`{}` turns `require_secure_transport` off", r.address()),
                        &r.address(),
                        "require_secure_transport off",
                    ));
                }
            }
        }
    }
    for ty in ["aws_db_parameter_group", "aws_rds_cluster_parameter_group"] {
        for r in m.resources(ty) {
            for p in r.block.blocks_named("parameter") {
                let name = m.attr(p, "name");
                if !matches!(
                    name.as_ref().and_then(Expr::as_str),
                    Some("rds.force_ssl") | Some("require_secure_transport")
                ) {
                    continue;
                }
                if let Some((v, attr)) = setting(m, p, "value") {
                    if is_off(&v) {
                        out.push(report(
                            &TF_SQL_NO_SSL,
                            &attr.location,
                            format!("`{}` turns off forced SSL for the database", r.address()),
                            &r.address(),
                            "force_ssl off",
                        ));
                    }
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
    fn flags_unenforced_ssl() {
        let text = "resource \"google_sql_database_instance\" \"main\" {\n  settings {\n    ip_configuration {\n      ipv4_enabled = true\n      require_ssl  = false\n    }\n  }\n}\nresource \"azurerm_postgresql_server\" \"pg\" {\n  ssl_enforcement_enabled = false\n}\nresource \"aws_db_parameter_group\" \"pg\" {\n  parameter {\n    name  = \"rds.force_ssl\"\n    value = \"0\"\n  }\n}\n";
        let got = findings_of(&TF_SQL_NO_SSL, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![5, 10, 15],
            "{got:?}"
        );
    }

    #[test]
    fn passes_enforced_ssl_and_private_instances() {
        let text = "resource \"google_sql_database_instance\" \"a\" {\n  settings {\n    ip_configuration {\n      ssl_mode = \"ENCRYPTED_ONLY\"\n    }\n  }\n}\nresource \"google_sql_database_instance\" \"b\" {\n  settings {\n    ip_configuration {\n      ipv4_enabled    = false\n      private_network = var.network\n    }\n  }\n}\nresource \"azurerm_postgresql_server\" \"pg\" {\n  ssl_enforcement_enabled = true\n}\n";
        assert!(findings_of(&TF_SQL_NO_SSL, text).is_empty());
    }
}
