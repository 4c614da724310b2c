use super::network::is_world;
use super::{report, setting, Expr, Module};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports managed SQL databases reachable from the whole internet: a Cloud SQL instance
    /// (`google_sql_database_instance`) whose `authorized_networks` include `0.0.0.0/0`, and Azure
    /// SQL, PostgreSQL and MySQL firewall rules from `0.0.0.0` to `255.255.255.255`.
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
                if m.attr(ip, "ipv4_enabled").and_then(|v| v.as_bool()) == Some(false) {
                    continue;
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
        let text = "resource \"google_sql_database_instance\" \"main\" {\n  settings {\n    ip_configuration {\n      ipv4_enabled = true\n      authorized_networks {\n        name  = \"all\"\n        value = \"0.0.0.0/0\"\n      }\n    }\n  }\n}\nresource \"azurerm_postgresql_flexible_server_firewall_rule\" \"all\" {\n  start_ip_address = \"0.0.0.0\"\n  end_ip_address   = \"255.255.255.255\"\n}\n";
        let got = findings_of(&TF_SQL_PUBLIC_IP, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![7, 14],
            "{got:?}"
        );
    }

    #[test]
    fn passes_private_and_narrow_access() {
        let text = "resource \"google_sql_database_instance\" \"main\" {\n  settings {\n    ip_configuration {\n      ipv4_enabled    = false\n      private_network = google_compute_network.vpc.id\n    }\n  }\n}\nresource \"azurerm_mssql_firewall_rule\" \"azure\" {\n  start_ip_address = \"0.0.0.0\"\n  end_ip_address   = \"0.0.0.0\"\n}\nresource \"azurerm_mssql_firewall_rule\" \"office\" {\n  start_ip_address = \"203.0.113.10\"\n  end_ip_address   = \"203.0.113.20\"\n}\n";
        assert!(findings_of(&TF_SQL_PUBLIC_IP, text).is_empty());
    }
}
