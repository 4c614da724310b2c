use super::{report, setting, Module};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports Azure storage opened to anonymous access: `azurerm_storage_container` with
    /// `container_access_type` `blob` or `container`, and `azurerm_storage_account` with
    /// `allow_nested_items_to_be_public = true` (or the older `allow_blob_public_access = true`).
    ///
    /// ## Why is this bad
    /// Anonymous access lets anyone who guesses or finds the URL read blobs (and, for `container`,
    /// list everything in the container) without any credential or audit of who read what.
    ///
    /// ## Example
    /// ```hcl
    /// resource "azurerm_storage_container" "uploads" {
    ///   name                  = "uploads"
    ///   storage_account_name  = azurerm_storage_account.main.name
    ///   container_access_type = "container"
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    ///   container_access_type = "private"
    /// ```
    /// and set `allow_nested_items_to_be_public = false` on the account; share files with SAS
    /// tokens or through a CDN with authentication.
    ///
    /// ## References
    /// - [CWE-284: Improper Access Control](https://cwe.mitre.org/data/definitions/284.html)
    /// - [Azure: Prevent anonymous read access to blobs](https://learn.microsoft.com/azure/storage/blobs/anonymous-read-access-prevent)
    pub static TF_AZURE_STORAGE_PUBLIC = {
        id: "tf-azure-storage-public",
        name: "TfAzureStoragePublic",
        cwe: 284,
        other_cwes: [200],
        severity: High,
        languages: [Terraform],
        summary: "Azure storage allows anonymous public access",
        help: "use `container_access_type = \"private\"` and `allow_nested_items_to_be_public = false`",
    }
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    for r in m.resources("azurerm_storage_container") {
        let Some((v, attr)) = setting(m, r.block, "container_access_type") else {
            continue;
        };
        if let Some(t) = v.as_str().filter(|t| matches!(*t, "blob" | "container")) {
            out.push(report(
                &TF_AZURE_STORAGE_PUBLIC,
                &attr.location,
                format!(
                    "`{}` allows anonymous read access (`container_access_type = \"{t}\"`)",
                    r.address()
                ),
                &r.address(),
                format!("container_access_type {t}"),
            ));
        }
    }
    for r in m.resources("azurerm_storage_account") {
        for name in [
            "allow_nested_items_to_be_public",
            "allow_blob_public_access",
        ] {
            if let Some((v, attr)) = setting(m, r.block, name) {
                if v.as_bool() == Some(true) {
                    out.push(report(
                        &TF_AZURE_STORAGE_PUBLIC,
                        &attr.location,
                        format!(
                            "`{}` allows public blob access (`{name} = true`)",
                            r.address()
                        ),
                        &r.address(),
                        format!("{name} = true"),
                    ));
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
    fn flags_public_containers_and_accounts() {
        let text = "resource \"azurerm_storage_account\" \"main\" {\n  name = \"acme\"\n  allow_nested_items_to_be_public = true\n}\nresource \"azurerm_storage_container\" \"c\" {\n  container_access_type = \"blob\"\n}\n";
        let got = findings_of(&TF_AZURE_STORAGE_PUBLIC, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![3, 6],
            "{got:?}"
        );
    }

    #[test]
    fn passes_private_storage() {
        let text = "resource \"azurerm_storage_account\" \"main\" {\n  allow_nested_items_to_be_public = false\n}\nresource \"azurerm_storage_container\" \"c\" {\n  container_access_type = \"private\"\n}\n";
        assert!(findings_of(&TF_AZURE_STORAGE_PUBLIC, text).is_empty());
    }
}
