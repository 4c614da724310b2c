use super::{Kind, Model};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports Dockerfile steps that turn off TLS certificate verification: `curl -k` /
    /// `--insecure`, `wget --no-check-certificate`, `pip --trusted-host`, `npm`/`yarn config set
    /// strict-ssl false`, `git config http.sslVerify false`, apt's `Verify-Peer=false`,
    /// `conda config --set ssl_verify false`, yum/dnf `sslverify=false`, and `GIT_SSL_NO_VERIFY`,
    /// `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0` or `PIP_TRUSTED_HOST` in `ENV` or
    /// on a command.
    ///
    /// ## Why is this bad
    /// Without certificate checks anyone on the network path (a proxy, a compromised Wi-Fi, a
    /// poisoned DNS answer) can serve their own packages or scripts, which then run inside the
    /// build. When set with `ENV` the setting also stays on for the application at run time.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install --trusted-host pypi.org --trusted-host files.pythonhosted.org -r requirements.txt
    /// ENV NODE_TLS_REJECT_UNAUTHORIZED=0
    /// ```
    ///
    /// ## Fix
    /// Keep verification on. Behind a TLS-intercepting proxy, add the proxy's CA to the image
    /// (`COPY corp-ca.crt /usr/local/share/ca-certificates/ && update-ca-certificates`) instead.
    ///
    /// ## References
    /// - [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
    pub static DOCKER_TLS_DISABLED = {
        id: "docker-tls-disabled",
        name: "DockerTlsDisabled",
        cwe: 295,
        severity: High,
        languages: [Dockerfile],
        summary: "TLS certificate verification disabled",
        help: "keep certificate verification on; trust a private CA by installing its certificate instead",
    }
}

/// Short curl options that take a value: a `k` after one of these is part of the value.
const CURL_SHORT_WITH_VALUE: &str = "oHduxXAeTwFmrCbcDEKQtyYzPU";

fn curl_insecure(args: &[String]) -> Option<String> {
    for a in args {
        if a == "--insecure" || a == "-k" {
            return Some(a.clone());
        }
        if let Some(flags) = a.strip_prefix('-').filter(|f| !f.starts_with('-')) {
            for c in flags.chars() {
                if c == 'k' {
                    return Some(a.clone());
                }
                if CURL_SHORT_WITH_VALUE.contains(c) {
                    break;
                }
            }
        }
    }
    None
}

/// Environment settings that disable verification, with the value that does it.
fn insecure_variable(name: &str, value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
    match name.to_ascii_uppercase().as_str() {
        "GIT_SSL_NO_VERIFY" => !v.is_empty() && v != "0" && v != "false",
        "NODE_TLS_REJECT_UNAUTHORIZED" | "PYTHONHTTPSVERIFY" => v == "0",
        "NPM_CONFIG_STRICT_SSL" | "YARN_STRICT_SSL" => v == "false",
        "PIP_TRUSTED_HOST" => !v.is_empty(),
        _ => false,
    }
}

fn command_reason(argv: &[String], program: &str) -> Option<String> {
    let args = argv.get(1..).unwrap_or(&[]);
    let lower: Vec<String> = args.iter().map(|a| a.to_ascii_lowercase()).collect();
    let has = |s: &str| lower.iter().any(|a| a == s);
    match program {
        "curl" => curl_insecure(args),
        "wget" => lower
            .iter()
            .find(|a| a.starts_with("--no-check-certificate"))
            .cloned(),
        "pip" | "pip3" | "pipenv" | "uv" | "poetry" => lower
            .iter()
            .find(|a| a.starts_with("--trusted-host") || a.ends_with("trusted-host"))
            .cloned(),
        p if p.starts_with("python") && has("pip") => lower
            .iter()
            .find(|a| a.starts_with("--trusted-host"))
            .cloned(),
        "npm" | "yarn" | "pnpm" => {
            let pos = lower
                .iter()
                .position(|a| a == "strict-ssl" || a.starts_with("strict-ssl="));
            if let Some(p) = pos {
                let value = lower[p]
                    .split_once('=')
                    .map(|(_, v)| v.to_string())
                    .or_else(|| lower.get(p + 1).cloned());
                if value.as_deref() == Some("false") {
                    return Some("strict-ssl false".to_string());
                }
            }
            lower
                .iter()
                .find(|a| a.as_str() == "--strict-ssl=false")
                .cloned()
        }
        "git" => {
            let pos = lower
                .iter()
                .position(|a| a.starts_with("http.sslverify") || a.contains(".sslverify"))?;
            let value = lower[pos]
                .split_once('=')
                .map(|(_, v)| v.to_string())
                .or_else(|| lower.get(pos + 1).cloned())?;
            matches!(value.as_str(), "false" | "0" | "no" | "off")
                .then(|| "http.sslVerify false".to_string())
        }
        "yum" | "dnf" | "microdnf" => lower
            .iter()
            .find(|a| {
                a.contains("sslverify=0")
                    || a.contains("sslverify=false")
                    || a.contains("sslverify=no")
            })
            .cloned(),
        "apt-get" | "apt" | "aptitude" => lower
            .iter()
            .find(|a| {
                (a.contains("verify-peer") || a.contains("verify-host")) && a.ends_with("false")
            })
            .cloned(),
        "conda" | "mamba" | "micromamba" => {
            let pos = lower.iter().position(|a| a == "ssl_verify")?;
            matches!(
                lower.get(pos + 1).map(String::as_str),
                Some("false") | Some("no")
            )
            .then(|| "ssl_verify false".to_string())
        }
        "export" => args.iter().find_map(|a| {
            let (k, v) = a.split_once('=')?;
            insecure_variable(k, v).then(|| a.clone())
        }),
        _ => None,
    }
}

pub(super) fn check(m: &Model, out: &mut Vec<Finding>) {
    for stage in &m.stages {
        for inst in &stage.instructions {
            match &inst.kind {
                Kind::Env(pairs) | Kind::Arg(pairs) => {
                    for p in pairs {
                        let Some(value) = &p.value else { continue };
                        if insecure_variable(&p.key, value) {
                            out.push(
                                Finding::builder(
                                    &DOCKER_TLS_DISABLED,
                                    p.location.clone(),
                                    format!(
                                        "`{}={value}` in {} disables TLS certificate verification",
                                        p.key,
                                        stage.display_name()
                                    ),
                                )
                                .scope(stage.scope())
                                .anchor(format!("{}={value}", p.key))
                                .build(),
                            );
                        }
                    }
                }
                Kind::Run(cmds) => {
                    for rc in cmds {
                        let argv = rc.cmd.argv();
                        let reason = rc
                            .cmd
                            .assignments
                            .iter()
                            .find(|(k, v)| insecure_variable(k, v))
                            .map(|(k, v)| format!("{k}={v}"))
                            .or_else(|| command_reason(argv, rc.cmd.program()));
                        if let Some(reason) = reason {
                            out.push(
                                Finding::builder(
                                    &DOCKER_TLS_DISABLED,
                                    rc.location.clone(),
                                    format!(
                                        "`{}` in {} disables TLS certificate verification (`{reason}`)",
                                        rc.cmd.display(),
                                        stage.display_name()
                                    ),
                                )
                                .scope(stage.scope())
                                .anchor(rc.cmd.display())
                                .build(),
                            );
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::findings_of;

    #[test]
    fn flags_insecure_downloads_and_settings() {
        let text = "FROM python:3.11\nRUN curl -fsSLk https://internal/artifact.tgz -o /tmp/a.tgz\nRUN wget --no-check-certificate https://example.com/x.zip\nRUN pip install --trusted-host pypi.org --trusted-host files.pythonhosted.org -r requirements.txt\nRUN npm config set strict-ssl false && npm install\nRUN git config --global http.sslVerify false\nENV NODE_TLS_REJECT_UNAUTHORIZED=0 PIP_TRUSTED_HOST=pypi.org\nRUN GIT_SSL_NO_VERIFY=true git clone https://git.internal/app.git\nRUN apt-get -o Acquire::https::Verify-Peer=false update\nRUN curl --insecure https://x\nRUN yum install -y --setopt=sslverify=false nginx\n";
        let got = findings_of(&DOCKER_TLS_DISABLED, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![2, 3, 4, 5, 6, 7, 7, 8, 9, 10, 11],
            "{got:?}"
        );
        assert!(got[2].1.contains("--trusted-host"));
    }

    #[test]
    fn passes_verified_transfers() {
        let ok = [
            "FROM debian:12\nRUN curl -fsSL -o /tmp/k https://example.com/k\n",
            "FROM debian:12\nRUN curl -H 'X-Api: k' https://example.com && curl -ok https://example.com\n",
            "FROM node:20\nRUN npm config set strict-ssl true && npm ci\n",
            "FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt\nENV PYTHONHTTPSVERIFY=1 NODE_TLS_REJECT_UNAUTHORIZED=1\n",
            "FROM alpine:3.20\nRUN echo 'use curl -k only for debugging' > /README\n",
        ];
        for text in ok {
            assert!(findings_of(&DOCKER_TLS_DISABLED, text).is_empty(), "{text}");
        }
    }
}
