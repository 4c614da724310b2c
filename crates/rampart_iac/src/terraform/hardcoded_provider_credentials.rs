use super::{mask, report, Block, Expr, Module};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports credentials written into `provider` blocks: AWS `access_key`, `secret_key` and
    /// `token`, Azure `client_secret`, Google `credentials` given as inline JSON or `access_token`,
    /// and `token`, `api_key`, `api_token`, `password` or `*_secret` settings of other providers,
    /// when they are literals (directly, or through a variable default or a local). State
    /// backends (`backend "s3"`, `"azurerm"`, `"gcs"`) are read the same way.
    ///
    /// ## Why is this bad
    /// Cloud credentials in the repository give everyone with read access (and every leak of the
    /// repository) the permissions of the deploy identity, which is usually close to administrator.
    /// Leaked AWS keys are found and abused by bots within minutes of a public push.
    ///
    /// ## Example
    /// ```hcl
    /// provider "aws" {
    ///   region     = "us-east-1"
    ///   access_key = "AKIAIOSFODNN7EXAMPLE"
    ///   secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Leave credentials out of the configuration; the providers read them from the environment,
    /// shared config files, instance roles or OIDC federation in CI:
    /// ```hcl
    /// provider "aws" {
    ///   region = "us-east-1"
    /// }
    /// ```
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [Terraform AWS provider: authentication and configuration](https://registry.terraform.io/providers/hashicorp/aws/latest/docs#authentication-and-configuration)
    pub static TF_HARDCODED_PROVIDER_CREDENTIALS = {
        id: "tf-hardcoded-provider-credentials",
        name: "TfHardcodedProviderCredentials",
        cwe: 798,
        severity: Critical,
        languages: [Terraform],
        summary: "Hard-coded credentials in a provider block",
        help: "remove the credentials; use environment variables, profiles, instance roles or OIDC",
    }
}

fn is_credential_setting(kind: &str, name: &str) -> bool {
    match (kind, name) {
        ("aws", "access_key" | "secret_key" | "token") => true,
        ("azurerm", "client_secret" | "client_certificate_password") => true,
        ("azurerm-backend", "access_key" | "sas_token" | "client_secret") => true,
        ("google", "credentials" | "access_token") => true,
        _ => {
            matches!(
                name,
                "token"
                    | "api_key"
                    | "api_token"
                    | "password"
                    | "app_key"
                    | "secret_key"
                    | "access_token"
                    | "auth_token"
            ) || name.ends_with("_secret")
        }
    }
}

/// Provider blocks, and state backends (`terraform { backend "s3" { ... } }`) with the provider
/// whose credential settings they share.
fn credential_blocks<'a>(m: &Module<'a>) -> Vec<(&'a Block, String, &'static str)> {
    let mut out = Vec::new();
    for (block, _) in m.top_blocks("provider") {
        let name = block.labels.first().map_or("", String::as_str);
        out.push((block, format!("provider `{name}`"), provider_kind(name)));
    }
    for (tf, _) in m.top_blocks("terraform") {
        for backend in tf.blocks_named("backend") {
            let name = backend.labels.first().map_or("", String::as_str);
            let kind = match name {
                "s3" => "aws",
                "azurerm" => "azurerm-backend",
                "gcs" => "google",
                _ => "",
            };
            out.push((backend, format!("backend `{name}`"), kind));
        }
    }
    out
}

fn provider_kind(name: &str) -> &'static str {
    match name {
        "aws" => "aws",
        "azurerm" | "azuread" => "azurerm",
        "google" | "google-beta" => "google",
        _ => "",
    }
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    for (block, what, kind) in credential_blocks(m) {
        for attr in &block.attrs {
            if !is_credential_setting(kind, &attr.name) {
                continue;
            }
            let (value, location) = match &attr.value {
                Expr::Ref(parts) if parts.len() == 2 && parts[0] == "var" => {
                    match m.variable_default(&parts[1]) {
                        Some(d) => (m.eval(&d.value), &d.location),
                        None => continue,
                    }
                }
                Expr::Call(..) => continue,
                other => (m.eval(other), &attr.location),
            };
            let Some(secret) = value.as_str().filter(|s| s.trim().len() >= 8) else {
                continue;
            };
            // Google's `credentials` also takes a file path; only inline JSON keys are secrets.
            if attr.name == "credentials" && !secret.contains("private_key") {
                continue;
            }
            let scope = what.replace(['`', ' '], "");
            out.push(report(
                &TF_HARDCODED_PROVIDER_CREDENTIALS,
                location,
                format!(
                    "{what} has a hard-coded `{}` (`{}`)",
                    attr.name,
                    mask(secret)
                ),
                &scope,
                format!("{} literal", attr.name),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::findings_of;

    #[test]
    fn flags_literal_keys() {
        let text = "provider \"aws\" {\n  region     = \"us-east-1\"\n  access_key = \"AKIAIOSFODNN7EXAMPLE\"\n  secret_key = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"\n}\nvariable \"gh_token\" {\n  default = \"ghp_abcdefghijklmnopqrstuvwxyz0123456789\"\n}\nprovider \"github\" {\n  token = var.gh_token\n}\nterraform {\n  backend \"s3\" {\n    bucket     = \"acme-tf-state\"\n    access_key = \"AKIAIOSFODNN7EXAMPLE\"\n  }\n}\n";
        let got = findings_of(&TF_HARDCODED_PROVIDER_CREDENTIALS, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![3, 4, 7, 15],
            "{got:?}"
        );
        assert!(!got.iter().any(|g| g.1.contains("AKIAIOSFODNN7EXAMPLE")));
    }

    #[test]
    fn passes_credentials_from_outside() {
        let text = "variable \"secret_key\" {\n  type = string\n  sensitive = true\n}\nprovider \"aws\" {\n  region     = \"us-east-1\"\n  secret_key = var.secret_key\n  profile    = \"deploy\"\n}\nprovider \"google\" {\n  credentials = file(\"account.json\")\n  project     = \"acme\"\n}\nprovider \"google\" {\n  alias       = \"b\"\n  credentials = \"keys/account.json\"\n}\n";
        assert!(findings_of(&TF_HARDCODED_PROVIDER_CREDENTIALS, text).is_empty());
    }
}
