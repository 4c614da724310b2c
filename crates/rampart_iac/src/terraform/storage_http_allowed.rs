use super::{report, setting, Module};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports Azure storage accounts that accept plain HTTP (`https_traffic_only_enabled = false`,
    /// or `enable_https_traffic_only = false` in older providers) or TLS older than 1.2
    /// (`min_tls_version = "TLS1_0"` or `"TLS1_1"`).
    ///
    /// ## Why is this bad
    /// Requests over HTTP, including the shared-key or SAS signatures that authorize them, travel
    /// in clear text and can be read or modified on the network. TLS 1.0 and 1.1 have known
    /// weaknesses and are deprecated.
    ///
    /// ## Example
    /// ```hcl
    /// resource "azurerm_storage_account" "main" {
    ///   name                       = "acmedata"
    ///   https_traffic_only_enabled = false
    ///   min_tls_version            = "TLS1_0"
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    ///   https_traffic_only_enabled = true
    ///   min_tls_version            = "TLS1_2"
    /// ```
    ///
    /// ## References
    /// - [CWE-319: Cleartext Transmission of Sensitive Information](https://cwe.mitre.org/data/definitions/319.html)
    /// - [Azure: Require secure transfer](https://learn.microsoft.com/azure/storage/common/storage-require-secure-transfer)
    pub static TF_STORAGE_HTTP_ALLOWED = {
        id: "tf-storage-http-allowed",
        name: "TfStorageHttpAllowed",
        cwe: 319,
        other_cwes: [326],
        severity: Medium,
        languages: [Terraform],
        summary: "Storage account allows HTTP or old TLS",
        help: "require HTTPS and set `min_tls_version = \"TLS1_2\"`",
    }
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    for r in m.resources("azurerm_storage_account") {
        for name in ["https_traffic_only_enabled", "enable_https_traffic_only"] {
            if let Some((v, attr)) = setting(m, r.block, name) {
                if v.as_bool() == Some(false) {
                    out.push(report(
                        &TF_STORAGE_HTTP_ALLOWED,
                        &attr.location,
                        format!("`{}` accepts plain HTTP (`{name} = false`)", r.address()),
                        &r.address(),
                        format!("{name} = false"),
                    ));
                }
            }
        }
        if let Some((v, attr)) = setting(m, r.block, "min_tls_version") {
            if let Some(tls) = v.as_str().filter(|t| matches!(*t, "TLS1_0" | "TLS1_1")) {
                out.push(
                    Finding::builder(
                        &TF_STORAGE_HTTP_ALLOWED,
                        attr.location.clone(),
                        format!("`{}` accepts deprecated `{tls}`", r.address()),
                    )
                    .cwe(326)
                    .scope(r.address())
                    .anchor(format!("min_tls_version {tls}"))
                    .build(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::findings_of;

    #[test]
    fn flags_http_and_old_tls() {
        let text = "resource \"azurerm_storage_account\" \"main\" {\n  name = \"acme\"\n  enable_https_traffic_only = false\n  min_tls_version = \"TLS1_0\"\n}\n";
        let got = findings_of(&TF_STORAGE_HTTP_ALLOWED, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![3, 4],
            "{got:?}"
        );
    }

    #[test]
    fn passes_https_only() {
        let text = "resource \"azurerm_storage_account\" \"main\" {\n  https_traffic_only_enabled = true\n  min_tls_version = \"TLS1_2\"\n}\n";
        assert!(findings_of(&TF_STORAGE_HTTP_ALLOWED, text).is_empty());
    }
}
