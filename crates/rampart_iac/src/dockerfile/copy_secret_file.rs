use super::{Kind, Model};
use rampart_core::{Confidence, Finding, Severity};

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports `COPY` and `ADD` of files that hold secrets: `.env` files, SSH private keys
    /// (`id_rsa`, `id_ed25519`...), private keys and keystores (`*.key`, `*.pem`, `*.p12`,
    /// `*.pfx`), and credential files (`.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`,
    /// `.aws/credentials`, `credentials.json`, service-account keys). Example files
    /// (`.env.example`) and certificates (`ca.pem`, `cert.pem`, `fullchain.pem`) are not secrets.
    ///
    /// ## Why is this bad
    /// Every layer of an image is readable by anyone who can pull it; deleting the file in a
    /// later layer does not remove it. The key or token leaks with the image to every registry,
    /// CI cache and laptop it is copied to.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY .env /app/.env
    /// COPY id_rsa /root/.ssh/id_rsa
    /// ```
    ///
    /// ## Fix
    /// Keep secrets out of the build context (`.dockerignore`), provide them at run time, and use
    /// BuildKit mounts for build-time access:
    /// ```dockerfile
    /// RUN --mount=type=ssh git clone git@github.com:acme/private.git
    /// ```
    ///
    /// ## References
    /// - [CWE-538: Insertion of Sensitive Information into Externally-Accessible File or Directory](https://cwe.mitre.org/data/definitions/538.html)
    /// - [Docker: build secrets](https://docs.docker.com/build/building/secrets/)
    pub static DOCKER_COPY_SECRET_FILE = {
        id: "docker-copy-secret-file",
        name: "DockerCopySecretFile",
        cwe: 538,
        other_cwes: [798],
        severity: High,
        languages: [Dockerfile],
        summary: "Secret file copied into the image",
        help: "exclude the file with .dockerignore and provide it at run time or via a BuildKit secret mount",
    }
}

/// Why `source` is a secret file, if it is one.
fn secret_kind(source: &str) -> Option<&'static str> {
    let trimmed = source.trim_end_matches('/');
    let lower = trimmed.to_ascii_lowercase();
    let base = lower.rsplit('/').next().unwrap_or(&lower);
    let ext = base.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if base == ".env" || base.starts_with(".env.") {
        let harmless = [
            "example", "sample", "template", "dist", "defaults", "tpl", "schema",
        ];
        return (!harmless.iter().any(|h| base.ends_with(h)))
            .then_some("an environment file with secrets");
    }
    if matches!(base, "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519") || lower.ends_with(".ssh") {
        return Some("an SSH private key");
    }
    if lower.contains(".ssh/")
        && !base.ends_with(".pub")
        && base != "known_hosts"
        && base != "config"
    {
        return Some("an SSH private key");
    }
    if matches!(
        base,
        ".npmrc" | ".pypirc" | ".netrc" | ".git-credentials" | ".dockercfg" | "credentials.json"
    ) || lower.ends_with(".aws/credentials")
        || lower.ends_with(".docker/config.json")
        || (base.starts_with("service-account") && ext == "json")
        || (base.starts_with("serviceaccount") && ext == "json")
    {
        return Some("a credentials file");
    }
    match ext {
        "key" if !base.contains("pub") => Some("a private key"),
        "p12" | "pfx" | "jks" | "keystore" => Some("a keystore with private keys"),
        "pem" => {
            let certificate = [
                "cert", "crt", "ca.", "ca-", "-ca", "_ca", "chain", "bundle", "pub", "root",
                "trust",
            ];
            (!certificate.iter().any(|c| base.contains(c)))
                .then_some("a PEM file that may hold a private key")
        }
        _ => None,
    }
}

pub(super) fn check(m: &Model, out: &mut Vec<Finding>) {
    for stage in &m.stages {
        for inst in &stage.instructions {
            let Kind::Copy { add, sources, .. } = &inst.kind else {
                continue;
            };
            let verb = if *add { "ADD" } else { "COPY" };
            for src in sources {
                if src.contains("://") {
                    continue;
                }
                if let Some(kind) = secret_kind(src) {
                    let mut f = Finding::builder(
                        &DOCKER_COPY_SECRET_FILE,
                        inst.location.clone(),
                        format!("`{verb} {src}` copies {kind} into {}", stage.display_name()),
                    )
                    .scope(stage.scope())
                    .anchor(format!("{verb} {src}"));
                    // An `.npmrc` often only names a registry; it holds a token only sometimes.
                    if src.trim_end_matches('/').ends_with(".npmrc") {
                        f = f.severity(Severity::Medium).confidence(Confidence::Medium);
                    }
                    out.push(f.build());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::findings_of;

    #[test]
    fn flags_secret_files() {
        let text = "FROM node:20-alpine\nWORKDIR /app\nCOPY package*.json .npmrc ./\nCOPY .env ./\nCOPY keys/id_rsa /root/.ssh/id_rsa\nCOPY certs/server.key certs/tls.pem /etc/ssl/private/\nADD config/service-account.json /secrets/\n";
        let got = findings_of(&DOCKER_COPY_SECRET_FILE, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![3, 4, 5, 6, 6, 7],
            "{got:?}"
        );
        assert!(got[1].1.contains("`COPY .env`"));
    }

    #[test]
    fn passes_examples_and_certificates() {
        let ok = [
            "FROM node:20\nCOPY .env.example ./.env.example\nCOPY package.json package-lock.json ./\n",
            "FROM nginx:1.27\nCOPY certs/ca.pem /usr/local/share/ca-certificates/ca.crt\nCOPY certs/fullchain.pem /etc/nginx/certs/\nCOPY certs/cert.pem /etc/nginx/certs/\n",
            "FROM alpine:3.20\nCOPY id_rsa.pub /root/.ssh/authorized_keys\nCOPY .ssh/known_hosts /root/.ssh/known_hosts\n",
            "FROM python:3.12\nCOPY environment.yml .\nCOPY src/keys.py /app/\n",
        ];
        for text in ok {
            assert!(
                findings_of(&DOCKER_COPY_SECRET_FILE, text).is_empty(),
                "{text}"
            );
        }
    }
}
