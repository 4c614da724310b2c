use super::{Kind, Model};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports package installs that skip signature checks: `apt-get --allow-unauthenticated`,
    /// `--allow-insecure-repositories` or `--force-yes`, `apk add --allow-untrusted`,
    /// `yum`/`dnf --nogpgcheck` (or `gpgcheck=0`), and `rpm --nosignature`/`--nodigest`.
    ///
    /// ## Why is this bad
    /// Package signatures are what proves a package comes from the distribution and was not
    /// altered by a mirror, a proxy or an attacker on the network. Without them, a tampered package
    /// installs and runs its install scripts as root in the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --allow-unauthenticated curl
    /// RUN apk add --allow-untrusted /tmp/custom.apk
    /// ```
    ///
    /// ## Fix
    /// Keep signature checks on; for a private repository, install its signing key
    /// (`/etc/apt/keyrings`, `/etc/apk/keys`, `rpm --import`) instead.
    ///
    /// ## References
    /// - [CWE-494: Download of Code Without Integrity Check](https://cwe.mitre.org/data/definitions/494.html)
    /// - [CWE-347: Improper Verification of Cryptographic Signature](https://cwe.mitre.org/data/definitions/347.html)
    pub static DOCKER_PACKAGE_VERIFICATION_DISABLED = {
        id: "docker-package-verification-disabled",
        name: "DockerPackageVerificationDisabled",
        cwe: 494,
        other_cwes: [347],
        severity: High,
        languages: [Dockerfile],
        summary: "Package signature verification disabled",
        help: "keep package signature checks on; import the repository's signing key instead",
    }
}

fn unverified_flag(program: &str, args: &[String]) -> Option<String> {
    let find = |flags: &[&str]| {
        args.iter()
            .find(|a| {
                flags
                    .iter()
                    .any(|f| a.as_str() == *f || a.starts_with(&format!("{f}=")))
            })
            .cloned()
    };
    match program {
        "apt-get" | "apt" | "aptitude" => find(&[
            "--allow-unauthenticated",
            "--allow-insecure-repositories",
            "--force-yes",
        ])
        .or_else(|| {
            args.iter()
                .find(|a| a.contains("AllowUnauthenticated") && a.ends_with("true"))
                .cloned()
        }),
        "apk" => find(&["--allow-untrusted"]),
        "yum" | "dnf" | "microdnf" | "zypper" => find(&["--nogpgcheck", "--no-gpg-checks"])
            .or_else(|| {
                args.iter()
                    .find(|a| a.ends_with("gpgcheck=0") || a.ends_with("gpgcheck=false"))
                    .cloned()
            }),
        "rpm" => find(&["--nosignature", "--nodigest"]),
        _ => None,
    }
}

pub(super) fn check(m: &Model, out: &mut Vec<Finding>) {
    for stage in &m.stages {
        for inst in &stage.instructions {
            let Kind::Run(cmds) = &inst.kind else {
                continue;
            };
            for rc in cmds {
                let argv = rc.cmd.argv();
                let Some(flag) = unverified_flag(rc.cmd.program(), argv.get(1..).unwrap_or(&[]))
                else {
                    continue;
                };
                out.push(
                    Finding::builder(
                        &DOCKER_PACKAGE_VERIFICATION_DISABLED,
                        rc.location.clone(),
                        format!(
                            "`{}` in {} installs packages without signature verification (`{flag}`)",
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::findings_of;

    #[test]
    fn flags_unsigned_installs() {
        let text = "FROM debian:12\nRUN apt-get update && apt-get install -y --allow-unauthenticated curl\nRUN apk add --allow-untrusted /tmp/pkg.apk\nRUN yum install -y --nogpgcheck nginx\nRUN rpm -ivh --nosignature /tmp/x.rpm\n";
        let got = findings_of(&DOCKER_PACKAGE_VERIFICATION_DISABLED, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![2, 3, 4, 5],
            "{got:?}"
        );
        assert!(got[0].1.contains("--allow-unauthenticated"));
    }

    #[test]
    fn passes_signed_installs() {
        let text = "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN apk add --no-cache curl\nRUN yum install -y nginx && rpm --import https://example.com/key.asc\nRUN echo 'apk add --allow-untrusted is bad' > /notes\n";
        assert!(findings_of(&DOCKER_PACKAGE_VERIFICATION_DISABLED, text).is_empty());
    }
}
