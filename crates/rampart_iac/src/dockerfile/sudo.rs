use super::{Kind, Model};
use rampart_core::{Finding, Severity};

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports `sudo` in `RUN` steps and steps that grant passwordless sudo
    /// (`NOPASSWD` written to `/etc/sudoers`).
    ///
    /// ## Why is this bad
    /// Build steps already run as the current `USER`; `sudo` in a Dockerfile means the image ships
    /// a sudo binary and sudoers rules. Passwordless sudo for the application user turns any code
    /// execution in the app into root in the container, which undoes running as a non-root user.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y sudo \
    ///  && echo "app ALL=(ALL) NOPASSWD:ALL" >> /etc/sudoers
    /// USER app
    /// RUN sudo apt-get install -y curl
    /// ```
    ///
    /// ## Fix
    /// Do privileged steps before `USER app` (or switch with `USER root` and back), and do not
    /// install sudo in the image.
    ///
    /// ## References
    /// - [CWE-250: Execution with Unnecessary Privileges](https://cwe.mitre.org/data/definitions/250.html)
    /// - [Hadolint DL3004](https://github.com/hadolint/hadolint/wiki/DL3004)
    pub static DOCKER_SUDO = {
        id: "docker-sudo",
        name: "DockerSudo",
        cwe: 250,
        other_cwes: [269],
        severity: Medium,
        languages: [Dockerfile],
        summary: "sudo used in a Dockerfile",
        help: "run privileged steps as `USER root` before switching to the app user; do not ship sudo",
    }
}

pub(super) fn check(m: &Model, out: &mut Vec<Finding>) {
    for stage in &m.stages {
        for inst in &stage.instructions {
            let Kind::Run(cmds) = &inst.kind else {
                continue;
            };
            for rc in cmds {
                let grants = rc.cmd.words.iter().any(|w| w.contains("NOPASSWD"));
                let uses = rc
                    .cmd
                    .words
                    .first()
                    .is_some_and(|w| super::shell::basename(w) == "sudo");
                if !(grants || uses) {
                    continue;
                }
                let (message, severity) = if grants {
                    (
                        format!(
                            "`{}` in {} grants passwordless sudo",
                            rc.cmd.display(),
                            stage.display_name()
                        ),
                        Severity::High,
                    )
                } else {
                    (
                        format!(
                            "`{}` in {} uses sudo",
                            rc.cmd.display(),
                            stage.display_name()
                        ),
                        Severity::Medium,
                    )
                };
                out.push(
                    Finding::builder(&DOCKER_SUDO, rc.location.clone(), message)
                        .severity(severity)
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
    fn flags_sudo_and_nopasswd() {
        let text = "FROM ubuntu:24.04\nRUN useradd -m dev && echo \"dev ALL=(ALL) NOPASSWD:ALL\" >> /etc/sudoers\nUSER dev\nRUN sudo apt-get update && sudo -E apt-get install -y git\n";
        let got = findings_of(&DOCKER_SUDO, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![2, 4, 4],
            "{got:?}"
        );
        assert!(got[0].1.contains("passwordless"));
    }

    #[test]
    fn passes_without_sudo() {
        let ok = "FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y --no-install-recommends git\nRUN echo 'no sudo here' && groupadd sudoers-team\n";
        assert!(findings_of(&DOCKER_SUDO, ok).is_empty());
    }
}
