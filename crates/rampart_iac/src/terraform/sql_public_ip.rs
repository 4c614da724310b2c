use super::network::is_world;
use super::{report, setting, Expr, Module};
use rampart_core::{Confidence, Finding, Severity};

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports managed SQL databases reachable from the whole internet: a Cloud SQL instance
    /// (`google_sql_database_instance`) whose `authorized_networks` include `0.0.0.0/0` (or that
    /// sets `ipv4_enabled = true` with neither authorized networks nor a private network), Azure
    /// SQL, PostgreSQL and MySQL firewall rules from `0.0.0.0` to `255.255.255.255`, and Azure
    /// database servers with `public_network_access_enabled = true`.
    ///
    /// ## Why is this bad
    /// The database answers connection attempts from any address: credentials are brute-forced
    /// and any pre-authentication flaw of the engine is exploitable by everyone.
    ///
    /// ## Example
    /// ```hcl
    /// resource "google_sql_database_instance" "main" {
    ///   database_version = "POSTGRES_15"
    ///   settings {
    ///     tier = "db-f1-micro"
    ///     ip_configuration {
    ///       ipv4_enabled = true
    ///       authorized_networks {
    ///         name  = "anywhere"
    ///         value = "0.0.0.0/0"
    ///       }
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Use private IP (`ipv4_enabled = false` with `private_network`) and the Cloud SQL Auth Proxy,
    /// or authorize only specific addresses.
    ///
    /// ## References
    /// - [CWE-668: Exposure of Resource to Wrong Sphere](https://cwe.mitre.org/data/definitions/668.html)
    /// - [Google Cloud: Authorize with authorized networks](https://cloud.google.com/sql/docs/postgres/authorize-networks)
    pub static TF_SQL_PUBLIC_IP = {
        id: "tf-sql-public-ip",
        name: "TfSqlPublicIp",
        cwe: 668,
        other_cwes: [284],
        severity: High,
        languages: [Terraform],
        summary: "SQL database open to the internet",
        help: "use private IP and the auth proxy, or authorize specific address ranges only",
    }
}

const AZURE_SERVERS: &[&str] = &[
    "azurerm_mssql_server",
    "azurerm_sql_server",
    "azurerm_postgresql_server",
    "azurerm_mysql_server",
    "azurerm_mariadb_server",
    "azurerm_postgresql_flexible_server",
    "azurerm_mysql_flexible_server",
];

const AZURE_FIREWALL_RULES: &[&str] = &[
    "azurerm_sql_firewall_rule",
    "azurerm_mssql_firewall_rule",
    "azurerm_postgresql_firewall_rule",
    "azurerm_mysql_firewall_rule",
    "azurerm_mariadb_firewall_rule",
    "azurerm_postgresql_flexible_server_firewall_rule",
    "azurerm_mysql_flexible_server_firewall_rule",
];

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    for r in m.resources("google_sql_database_instance") {
        for settings in r.block.blocks_named("settings") {
            for ip in settings.blocks_named("ip_configuration") {
                let ipv4 = setting(m, ip, "ipv4_enabled");
                let enabled = ipv4.as_ref().and_then(|(v, _)| v.as_bool());
                if enabled == Some(false) {
                    continue;
                }
                // Explicitly public, and not limited to known client networks.
                if let (Some(true), Some((_, attr))) = (enabled, &ipv4) {
                    if ip.block("authorized_networks").is_none()
                        && ip.attr("private_network").is_none()
                    {
                        out.push(
                            Finding::builder(
                                &TF_SQL_PUBLIC_IP,
                                attr.location.clone(),
                                format!(
                                    "`{}` has a public IPv4 address (`ipv4_enabled = true`)",
                                    r.address()
                                ),
                            )
                            .severity(Severity::Medium)
                            .confidence(Confidence::Medium)
                            .scope(r.address())
                            .anchor("ipv4_enabled = true")
                            .build(),
                        );
                    }
                }
                for net in ip.blocks_named("authorized_networks") {
                    let Some((v, attr)) = setting(m, net, "value") else {
                        continue;
                    };
                    if let Some(cidr) = v.as_str().filter(|c| is_world(c)) {
                        out.push(report(
                            &TF_SQL_PUBLIC_IP,
                            &attr.location,
                            format!(
                                "`{}` authorizes connections from `{cidr}` on its public IP",
                                r.address()
                            ),
                            &r.address(),
                            format!("authorized_networks {cidr}"),
                        ));
                    }
                }
            }
        }
    }
    for ty in AZURE_SERVERS {
        for r in m.resources(ty) {
            if let Some((v, attr)) = setting(m, r.block, "public_network_access_enabled") {
                if v.as_bool() == Some(true) {
                    out.push(
                        Finding::builder(
                            &TF_SQL_PUBLIC_IP,
                            attr.location.clone(),
                            format!("`{}` accepts connections from the public internet (`public_network_access_enabled = true`)", r.address()),
                        )
                        .severity(Severity::Medium)
                        .scope(r.address())
                        .anchor("public_network_access_enabled = true")
                        .build(),
                    );
                }
            }
        }
    }
    for ty in AZURE_FIREWALL_RULES {
        for r in m.resources(ty) {
            let start = m.attr(r.block, "start_ip_address");
            let Some((end, attr)) = setting(m, r.block, "end_ip_address") else {
                continue;
            };
            if start.as_ref().and_then(Expr::as_str) == Some("0.0.0.0")
                && end.as_str() == Some("255.255.255.255")
            {
                out.push(report(
                    &TF_SQL_PUBLIC_IP,
                    &attr.location,
                    format!(
                        "`{}` allows every IPv4 address (0.0.0.0-255.255.255.255)",
                        r.address()
                    ),
                    &r.address(),
                    "0.0.0.0-255.255.255.255",
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
    fn flags_world_authorized_databases() {
        let text = "resource \"google_sql_database_instance\" \"main\" {\n  settings {\n    ip_configuration {\n      ipv4_enabled = true\n      authorized_networks {\n        name  = \"all\"\n        value = \"0.0.0.0/0\"\n      }\n    }\n  }\n}\nresource \"azurerm_postgresql_flexible_server_firewall_rule\" \"all\" {\n  start_ip_address = \"0.0.0.0\"\n  end_ip_address   = \"255.255.255.255\"\n}\nresource \"google_sql_database_instance\" \"b\" {\n  settings {\n    ip_configuration {\n      ipv4_enabled = true\n    }\n  }\n}\nresource \"azurerm_mssql_server\" \"s\" {\n  public_network_access_enabled = true\n}\n";
        let got = findings_of(&TF_SQL_PUBLIC_IP, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![7, 14, 19, 24],
            "{got:?}"
        );
    }

    #[test]
    fn passes_private_and_narrow_access() {
        let text = "resource \"google_sql_database_instance\" \"main\" {\n  settings {\n    ip_configuration {\n      ipv4_enabled    = false\n      private_network = google_compute_network.vpc.id\n    }\n  }\n}\nresource \"google_sql_database_instance\" \"office\" {\n  settings {\n    ip_configuration {\n      ipv4_enabled = true\n      authorized_networks {\n        value = \"203.0.113.0/24\"\n      }\n    }\n  }\n}\nresource \"azurerm_mssql_firewall_rule\" \"azure\" {\n  start_ip_address = \"0.0.0.0\"\n  end_ip_address   = \"0.0.0.0\"\n}\nresource \"azurerm_mssql_firewall_rule\" \"office\" {\n  start_ip_address = \"203.0.113.10\"\n  end_ip_address   = \"203.0.113.20\"\n}\n";
        assert!(findings_of(&TF_SQL_PUBLIC_IP, text).is_empty());
    }
}
