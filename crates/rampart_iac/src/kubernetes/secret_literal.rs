//! Telling a hard-coded credential from a placeholder, for literal values in environment
//! variables of workflows, manifests and Compose files.

use regex::Regex;
use std::sync::OnceLock;

/// Names that hold credentials: `DB_PASSWORD`, `apiKey`, `GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`.
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace(['-', '.'], "_");
    let words = [
        "password",
        "passwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "access_key",
        "private_key",
        "credential",
        "auth_key",
        "client_secret",
        "conn_str",
        "connection_string",
    ];
    words.iter().any(|w| n.contains(w))
        && ![
            "_file", "_path", "_name", "_user", "_url_env", "_ref", "_length", "_ttl", "_expiry",
        ]
        .iter()
        .any(|s| n.ends_with(s))
}

fn known_formats() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"^(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,}|AKIA[0-9A-Z]{16}",
            r"|sk-[A-Za-z0-9_-]{20,}|sk_live_[A-Za-z0-9]{16,}|rk_live_[A-Za-z0-9]{16,}",
            r"|xox[abprs]-[A-Za-z0-9-]{10,}|glpat-[A-Za-z0-9_-]{20}|npm_[A-Za-z0-9]{36}",
            r"|AIza[0-9A-Za-z_-]{35}|SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,})$|-----BEGIN [A-Z ]*PRIVATE KEY"
        ))
        .expect("valid regex")
    })
}

/// Whether a literal value is a real credential rather than a placeholder, a reference or a
/// throwaway local default. A value in a known token format always is; otherwise it must sit
/// under a secret-like name, be long and mixed enough, and not look like an example.
pub fn is_real_secret(name: &str, value: &str) -> bool {
    let v = value.trim();
    if v.contains("${") || v.contains("$(") || v.starts_with('$') || v.contains("{{") {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if lower.contains("example") {
        return false;
    }
    if known_formats().is_match(v) {
        return true;
    }
    if !is_secret_name(name) || v.len() < 10 || v.contains(char::is_whitespace) {
        return false;
    }
    let placeholders = [
        "example",
        "changeme",
        "change_me",
        "change-me",
        "dummy",
        "placeholder",
        "your",
        "xxx",
        "test",
        "sample",
        "fake",
        "secret",
        "password",
        "redacted",
        "todo",
        "replace",
        "insert",
        "<",
        "localhost",
        "default",
        "dev",
        "local",
    ];
    if placeholders.iter().any(|p| lower.contains(p)) {
        return false;
    }
    let has_digit = v.bytes().any(|b| b.is_ascii_digit());
    let has_alpha = v.bytes().any(|b| b.is_ascii_alphabetic());
    let distinct = {
        let mut seen = [false; 256];
        v.bytes().for_each(|b| seen[b as usize] = true);
        seen.iter().filter(|s| **s).count()
    };
    has_digit && has_alpha && distinct >= 8
}

/// Any non-trivial literal under a credential-like name: in a manifest or Compose file even a
/// weak password is a hard-coded credential. References, booleans, numbers and template
/// placeholders are not.
pub fn is_literal_credential(name: &str, value: &str) -> bool {
    let v = value.trim();
    if !is_secret_name(name) || v.len() < 4 {
        return false;
    }
    if v.starts_with('$')
        || v.contains("${")
        || v.contains("$(")
        || v.contains("{{")
        || v.starts_with('<')
    {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "none" | "null" | "disabled" | "enabled"
    ) || v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        || v.starts_with('/')
    {
        return false;
    }
    ![
        "changeme",
        "change-me",
        "replace",
        "placeholder",
        "your-",
        "your_",
        "xxxx",
        "redacted",
    ]
    .iter()
    .any(|p| lower.contains(p))
}

/// The first characters of a secret and its length, never the whole value.
pub fn mask(value: &str) -> String {
    let shown: String = value.chars().take(4).collect();
    format!("{shown}… ({} chars)", value.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_secrets_and_placeholders() {
        assert!(is_real_secret(
            "TOKEN",
            "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
        ));
        assert!(is_real_secret("X", "AKIAIOSFODNN7EXAMPL2"));
        assert!(is_real_secret("DB_PASSWORD", "Xk9#mQ2$vL7pR4wZ"));
        assert!(is_real_secret(
            "STRIPE_SECRET_KEY",
            "sk_live_51HxYzAbCdEfGhIjKlMn"
        ));
        assert!(!is_real_secret("DB_PASSWORD", "postgres"));
        assert!(!is_real_secret("DB_PASSWORD", "changeme123456"));
        assert!(!is_real_secret("API_KEY", "${API_KEY}"));
        assert!(!is_real_secret("API_KEY", "your-api-key-here"));
        assert!(!is_real_secret("LOG_LEVEL", "Xk9mQ2vL7pR4wZ88"));
        assert!(!is_real_secret(
            "PASSWORD_FILE",
            "/run/secrets/db_password1"
        ));
        assert_eq!(mask("ghp_abcdef"), "ghp_… (10 chars)");
    }
}
