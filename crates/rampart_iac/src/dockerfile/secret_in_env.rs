use super::{mask, Kind, Model, Pair, Stage};
use rampart_core::{Confidence, Finding, Severity};
use regex::Regex;
use std::sync::OnceLock;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports secrets in `ENV`, `ARG` and `LABEL`: a literal value under a secret-looking name
    /// (`DB_PASSWORD`, `SECRET_KEY`, `API_TOKEN`...), a value in a known credential format (AWS
    /// access key, GitHub token, private key...) or a URL with an embedded password under any
    /// name. In the final stage it also reports secret-named `ARG`s and `ENV`s filled from build
    /// arguments, which end up in the image metadata. Credentials written on a `RUN` command line
    /// (a token, a URL with a password, `--password <literal>`) are reported too: they stay in the
    /// image history.
    ///
    /// ## Why is this bad
    /// `ENV` values are stored in the image configuration and `ARG` values in its history; anyone
    /// who can pull the image reads them with `docker inspect` or `docker history`. A literal in
    /// the Dockerfile is also in version control forever.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV DATABASE_URL=postgres://app:s3cretpass@db:5432/app
    /// ARG NPM_TOKEN
    /// RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
    /// ```
    ///
    /// ## Fix
    /// Pass secrets at run time (orchestrator secrets, environment of the running container) and
    /// use BuildKit secret mounts for build-time credentials:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [CWE-538: Insertion of Sensitive Information into Externally-Accessible File or Directory](https://cwe.mitre.org/data/definitions/538.html)
    /// - [Docker build checks: SecretsUsedInArgOrEnv](https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/)
    pub static DOCKER_SECRET_IN_ENV = {
        id: "docker-secret-in-env",
        name: "DockerSecretInEnv",
        cwe: 798,
        other_cwes: [538],
        severity: High,
        languages: [Dockerfile],
        summary: "Secret stored in ENV, ARG, LABEL or a RUN command",
        help: "pass secrets at run time or with `RUN --mount=type=secret`; never bake them into the image",
    }
}

/// Name parts that make a variable a secret.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PWD",
    "SECRET",
    "SECRETS",
    "TOKEN",
    "APIKEY",
    "CREDENTIALS",
    "CREDENTIAL",
];
/// Two-part names that make a variable a secret (`API_KEY`, `PRIVATE_KEY`...).
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("API", "KEY"),
    ("PRIVATE", "KEY"),
    ("ACCESS", "KEY"),
    ("SIGNING", "KEY"),
    ("ENCRYPTION", "KEY"),
    ("MASTER", "KEY"),
    ("AUTH", "KEY"),
    ("SECRET", "KEY"),
    ("SSH", "KEY"),
    ("DEPLOY", "KEY"),
];
/// A last name part that says the value is about a secret, not the secret itself.
const NOT_SECRET_SUFFIX: &[&str] = &[
    "FILE",
    "PATH",
    "DIR",
    "NAME",
    "ID",
    "URL",
    "URI",
    "ENDPOINT",
    "HOST",
    "PORT",
    "HEADER",
    "LENGTH",
    "SIZE",
    "EXPIRY",
    "EXPIRES",
    "EXPIRATION",
    "TTL",
    "TIMEOUT",
    "TYPE",
    "USER",
    "USERNAME",
    "ENABLED",
    "ENABLE",
    "MODE",
    "ALGORITHM",
    "ALG",
    "VERSION",
    "FIELD",
    "PARAM",
    "POLICY",
    "MIN",
    "MAX",
    "ROUNDS",
    "LOCATION",
    "REF",
    "ARN",
    "REGION",
    "PREFIX",
    "KIND",
    "LIFETIME",
    "ENCRYPTION",
    "COMPLEXITY",
    "REQUIRED",
    "RESET",
    "VALIDATION",
    "STRENGTH",
    "HASH",
    "HASHING",
    "CHECK",
    "ROTATION",
    "AGE",
    "DAYS",
    "COUNT",
    "ATTEMPTS",
    "HISTORY",
    "REUSE",
    "FORMAT",
    "METHOD",
    "PLUGIN",
    "SOURCE",
    "PROVIDER",
];

fn name_parts(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_uppercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub(crate) fn is_secret_name(key: &str) -> bool {
    let parts = name_parts(key);
    let Some(last) = parts.last() else {
        return false;
    };
    if NOT_SECRET_SUFFIX.contains(&last.as_str()) || (parts.len() == 1 && last == "PWD") {
        return false;
    }
    parts.iter().any(|p| SECRET_WORDS.contains(&p.as_str()))
        || parts
            .windows(2)
            .any(|w| SECRET_PAIRS.contains(&(w[0].as_str(), w[1].as_str())))
}

fn credential_format() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?:^|[^A-Za-z0-9])(?:(?:AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{40,}",
            r"|glpat-[A-Za-z0-9_-]{20}|sk_live_[A-Za-z0-9]{20,}|sk-(?:proj-)?[A-Za-z0-9_-]{32,}|xox[abprs]-[A-Za-z0-9-]{10,}",
            r"|AIza[0-9A-Za-z_-]{35}|-----BEGIN [A-Z ]*PRIVATE KEY)"
        ))
        .expect("valid regex")
    })
}

/// A credential embedded in a value: a known token format, a URL with a password, or a
/// `Password=...;` connection-string field. Returns the secret part.
pub(crate) fn embedded_credential(value: &str) -> Option<String> {
    if let Some(found) = credential_format().find(value) {
        let token = found
            .as_str()
            .trim_start_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-');
        return Some(token.to_string());
    }
    if let Some(p) = url_password(value) {
        return Some(p.to_string());
    }
    connection_string_password(value).map(str::to_string)
}

/// `Password=secret;` (or `Pwd=`) in an ADO.NET/ODBC/JDBC-style connection string.
fn connection_string_password(value: &str) -> Option<&str> {
    value.split(';').find_map(|field| {
        let (k, v) = field.split_once('=')?;
        let key = k.trim().to_ascii_lowercase();
        let v = v.trim();
        (matches!(key.as_str(), "password" | "pwd")
            && !v.is_empty()
            && !v.starts_with('$')
            && !v.starts_with('{')
            && !v.starts_with('<'))
        .then_some(v)
    })
}

fn url_password(value: &str) -> Option<&str> {
    let (_, rest) = value.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    (!password.is_empty() && !password.starts_with('$')).then_some(password)
}

/// A value that is a build-time reference rather than a literal (`$TOKEN`, `${TOKEN}`).
fn is_reference(value: &str) -> bool {
    value.starts_with('$')
}

fn is_harmless_literal(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || v.starts_with('/')
        || v.starts_with("./")
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "none" | "null"
        )
        || v.chars().all(|c| c.is_ascii_digit())
}

fn report(
    out: &mut Vec<Finding>,
    stage: &Stage,
    what: &str,
    pair: &Pair,
    message: String,
) -> Option<()> {
    out.push(
        Finding::builder(&DOCKER_SECRET_IN_ENV, pair.location.clone(), message)
            .scope(stage.scope())
            .anchor(format!("{what} {}", pair.key))
            .build(),
    );
    Some(())
}

/// A literal credential on a `RUN` command line: an embedded credential (see
/// [`embedded_credential`]) or the value of a `--password`/`--token` option.
fn run_credential(words: &[String]) -> Option<String> {
    for (i, w) in words.iter().enumerate() {
        if let Some(secret) = embedded_credential(w) {
            return Some(secret);
        }
        let (flag, inline) = match w.split_once('=') {
            Some((f, v)) => (f, Some(v)),
            None => (w.as_str(), None),
        };
        if matches!(
            flag,
            "--password" | "--token" | "--api-key" | "--auth-token" | "--secret"
        ) {
            let value = inline.or_else(|| words.get(i + 1).map(String::as_str))?;
            if !value.is_empty() && !value.starts_with('$') && !value.starts_with('-') {
                return Some(value.to_string());
            }
        }
    }
    None
}

pub(super) fn check(m: &Model, out: &mut Vec<Finding>) {
    for stage in &m.stages {
        for inst in &stage.instructions {
            let Kind::Run(cmds) = &inst.kind else {
                continue;
            };
            for rc in cmds {
                if let Some(secret) = run_credential(&rc.cmd.words) {
                    out.push(
                        Finding::builder(
                            &DOCKER_SECRET_IN_ENV,
                            rc.location.clone(),
                            format!(
                                "`{}` in {} has a hard-coded credential (`{}`) on its command line",
                                rc.cmd.program(),
                                stage.display_name(),
                                mask(&secret)
                            ),
                        )
                        .scope(stage.scope())
                        .anchor(format!("RUN {} credential", rc.cmd.program()))
                        .build(),
                    );
                }
            }
        }
    }
    let last = m.stages.len().saturating_sub(1);
    for (idx, stage) in m.stages.iter().enumerate() {
        let is_final = idx == last;
        for inst in &stage.instructions {
            let (what, pairs) = match &inst.kind {
                Kind::Env(p) => ("ENV", p),
                Kind::Arg(p) => ("ARG", p),
                Kind::Label(p) => ("LABEL", p),
                _ => continue,
            };
            for pair in pairs {
                let value = pair.value.as_deref().unwrap_or("").trim();
                if let Some(found) = credential_format().find(value) {
                    let token = found
                        .as_str()
                        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-');
                    report(
                        out,
                        stage,
                        what,
                        pair,
                        format!(
                            "`{what} {}` in {} contains a credential (`{}`)",
                            pair.key,
                            stage.display_name(),
                            mask(token)
                        ),
                    );
                    continue;
                }
                if let Some(password) = embedded_credential(value) {
                    report(
                        out,
                        stage,
                        what,
                        pair,
                        format!(
                            "`{what} {}` in {} embeds a password (`{}`)",
                            pair.key,
                            stage.display_name(),
                            mask(&password)
                        ),
                    );
                    continue;
                }
                if !is_secret_name(&pair.key) {
                    continue;
                }
                if value.is_empty() || is_reference(value) {
                    // Filled in at build time: only the shipped (final) stage keeps it.
                    if !is_final || (what == "ENV" && value.is_empty()) || what == "LABEL" {
                        continue;
                    }
                    let detail = if what == "ARG" {
                        "is recorded in the image history"
                    } else {
                        "is stored in the image configuration"
                    };
                    out.push(
                        Finding::builder(&DOCKER_SECRET_IN_ENV, pair.location.clone(), format!(
                            "secret `{what} {}` of final {} {detail}; use a secret mount or a run-time variable",
                            pair.key, stage.display_name()
                        ))
                        .severity(Severity::Medium)
                        .confidence(Confidence::Medium)
                        .cwe(538)
                        .scope(stage.scope())
                        .anchor(format!("{what} {}", pair.key))
                        .build(),
                    );
                    continue;
                }
                if is_harmless_literal(value) {
                    continue;
                }
                report(
                    out,
                    stage,
                    what,
                    pair,
                    format!(
                        "`{what} {}` in {} hard-codes a secret (`{}`)",
                        pair.key,
                        stage.display_name(),
                        mask(value)
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::findings_of;

    #[test]
    fn secret_names() {
        for n in [
            "DB_PASSWORD",
            "SECRET_KEY",
            "apiKey",
            "GITHUB_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "STRIPE_API_KEY",
            "JWT_SECRET",
            "db.pass",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "PASSWORD_FILE",
            "AWS_ACCESS_KEY_ID",
            "PWD",
            "TOKEN_TTL",
            "KEYCLOAK_URL",
            "NODE_ENV",
            "SECRET_NAME",
            "PASSAGE",
            "password_encryption",
            "validate_password.policy",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn flags_literal_and_formatted_secrets() {
        let text = "FROM python:3.12-slim\nENV FLASK_ENV=production \\\n    SECRET_KEY=\"super-secret-key-change-me\"\nENV DATABASE_URL=postgresql://app:Sup3rS3cret@db:5432/app\nARG AWS_KEY=AKIAIOSFODNN7EXAMPLE\nLABEL api_token=\"abcd1234efgh5678\"\nENV ConnectionStrings__Default=\"Server=db;Database=app;User Id=sa;Password=Str0ngPa55!;\"\nUSER app\n";
        let got = findings_of(&DOCKER_SECRET_IN_ENV, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![3, 4, 5, 6, 7],
            "{got:?}"
        );
        assert!(got[0].1.contains("SECRET_KEY") && got[0].1.contains("supe****"));
        assert!(!got
            .iter()
            .any(|g| g.1.contains("Sup3rS3cret") || g.1.contains("AKIAIOSFODNN7EXAMPLE")));
    }

    #[test]
    fn flags_build_args_persisted_in_final_stage() {
        let text = "FROM node:20-alpine\nARG NPM_TOKEN\nENV NPM_TOKEN=${NPM_TOKEN}\nRUN npm ci\n";
        let got = findings_of(&DOCKER_SECRET_IN_ENV, text);
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), vec![2, 3]);
    }

    #[test]
    fn flags_credentials_on_run_lines() {
        let text = "FROM node:20\nRUN git clone https://oauth2:glpat-AbCdEfGhIjKlMnOpQrSt@gitlab.com/acme/app.git\nRUN npm login --token npm_abcdefghijklmnop1234\nRUN git clone https://${GIT_TOKEN}@github.com/acme/app.git && docker login --password $REGISTRY_PASSWORD\n";
        let got = findings_of(&DOCKER_SECRET_IN_ENV, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![2, 3],
            "{got:?}"
        );
        assert!(!got[0].1.contains("AbCdEfGh"));
    }

    #[test]
    fn passes_safe_look_alikes() {
        let ok = [
            "FROM node:20 AS build\nARG NPM_TOKEN\nRUN --mount=type=secret,id=npm npm ci\nFROM node:20-alpine\nUSER node\n",
            "FROM python:3.12\nENV DB_PASSWORD_FILE=/run/secrets/db_password\nENV PASSWORD_MIN_LENGTH=12\nENV AWS_ACCESS_KEY_ID=\n",
            "FROM python:3.12\nENV DATABASE_URL=postgresql://app@db:5432/app\nENV REDIS_URL=redis://:${REDIS_PASSWORD}@redis:6379/0\n",
            "FROM python:3.12\nENV TOKEN_EXPIRY=3600 ENABLE_API_KEY_AUTH=true\nLABEL org.opencontainers.image.source=https://github.com/acme/api\n",
        ];
        for text in ok {
            assert!(
                findings_of(&DOCKER_SECRET_IN_ENV, text).is_empty(),
                "{text}"
            );
        }
    }
}
