use super::{report, setting, Module};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports Google Cloud Storage buckets and objects granted to `allUsers` or
    /// `allAuthenticatedUsers` (IAM members and bindings, bucket and object ACLs, default object
    /// ACLs) and buckets or objects with a `publicRead`/`publicReadWrite` predefined ACL.
    ///
    /// ## Why is this bad
    /// `allUsers` is everyone on the internet; `allAuthenticatedUsers` is anyone with any Google
    /// account, which is no restriction at all. Data in such buckets is public.
    ///
    /// ## Example
    /// ```hcl
    /// resource "google_storage_bucket_iam_member" "public" {
    ///   bucket = google_storage_bucket.uploads.name
    ///   role   = "roles/storage.objectViewer"
    ///   member = "allUsers"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Grant access to specific service accounts or groups, and enforce public access prevention:
    /// ```hcl
    /// resource "google_storage_bucket" "uploads" {
    ///   name                        = "acme-uploads"
    ///   location                    = "EU"
    ///   uniform_bucket_level_access = true
    ///   public_access_prevention    = "enforced"
    /// }
    /// ```
    ///
    /// ## References
    /// - [CWE-284: Improper Access Control](https://cwe.mitre.org/data/definitions/284.html)
    /// - [Google Cloud: Public access prevention](https://cloud.google.com/storage/docs/public-access-prevention)
    pub static TF_GCS_PUBLIC_BUCKET = {
        id: "tf-gcs-public-bucket",
        name: "TfGcsPublicBucket",
        cwe: 284,
        other_cwes: [200],
        severity: High,
        languages: [Terraform],
        summary: "Cloud Storage bucket is public",
        help: "grant access to specific principals and set `public_access_prevention = \"enforced\"`",
    }
}

const PUBLIC_MEMBERS: &[&str] = &["allUsers", "allAuthenticatedUsers"];

fn public_member(s: &str) -> bool {
    PUBLIC_MEMBERS
        .iter()
        .any(|p| s == *p || s.contains(&format!(":{p}")) || s.starts_with(&format!("{p}:")))
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    let checks: &[(&str, &[&str])] = &[
        ("google_storage_bucket_iam_member", &["member"]),
        ("google_storage_bucket_iam_binding", &["members"]),
        ("google_storage_bucket_access_control", &["entity"]),
        ("google_storage_default_object_access_control", &["entity"]),
        ("google_storage_object_access_control", &["entity"]),
        ("google_storage_bucket_acl", &["role_entity"]),
        ("google_storage_default_object_acl", &["role_entity"]),
        ("google_storage_object_acl", &["role_entity"]),
    ];
    for (ty, attrs) in checks {
        for r in m.resources(ty) {
            for name in *attrs {
                let Some((v, attr)) = setting(m, r.block, name) else {
                    continue;
                };
                if let Some(member) = v.strings().into_iter().find(|s| public_member(s)) {
                    out.push(report(
                        &TF_GCS_PUBLIC_BUCKET,
                        &attr.location,
                        format!(
                            "`{}` grants access to `{member}`, making the data public",
                            r.address()
                        ),
                        &r.address(),
                        format!("{name} {member}"),
                    ));
                }
            }
        }
    }
    for ty in [
        "google_storage_bucket_acl",
        "google_storage_object_acl",
        "google_storage_default_object_acl",
    ] {
        for r in m.resources(ty) {
            let Some((v, attr)) = setting(m, r.block, "predefined_acl") else {
                continue;
            };
            if let Some(acl) = v
                .as_str()
                .filter(|a| a.starts_with("publicRead") || *a == "authenticatedRead")
            {
                out.push(report(
                    &TF_GCS_PUBLIC_BUCKET,
                    &attr.location,
                    format!(
                        "`{}` uses the predefined ACL `{acl}`, making the data public",
                        r.address()
                    ),
                    &r.address(),
                    format!("predefined_acl {acl}"),
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
    fn flags_public_grants() {
        let text = "resource \"google_storage_bucket_iam_member\" \"public\" {\n  bucket = google_storage_bucket.site.name\n  role   = \"roles/storage.objectViewer\"\n  member = \"allUsers\"\n}\nresource \"google_storage_bucket_iam_binding\" \"b\" {\n  members = [\"user:a@acme.com\", \"allAuthenticatedUsers\"]\n}\nresource \"google_storage_bucket_acl\" \"acl\" {\n  predefined_acl = \"publicRead\"\n}\n";
        let got = findings_of(&TF_GCS_PUBLIC_BUCKET, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![4, 7, 10],
            "{got:?}"
        );
    }

    #[test]
    fn passes_private_grants() {
        let text = "resource \"google_storage_bucket_iam_member\" \"sa\" {\n  member = \"serviceAccount:app@acme.iam.gserviceaccount.com\"\n}\nresource \"google_storage_bucket_acl\" \"acl\" {\n  predefined_acl = \"projectPrivate\"\n}\n";
        assert!(findings_of(&TF_GCS_PUBLIC_BUCKET, text).is_empty());
    }
}
