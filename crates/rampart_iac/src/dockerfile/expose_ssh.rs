use super::{Kind, Model};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports `EXPOSE 22` (or a port range that includes 22): the image is meant to run an SSH
    /// server.
    ///
    /// ## Why is this bad
    /// An SSH daemon in a container is one more network service with credentials or keys to
    /// steal and patch, and it bypasses the orchestrator's access control and audit trail. Use
    /// `docker exec` / `kubectl exec` for access instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y openssh-server
    /// EXPOSE 22
    /// CMD ["/usr/sbin/sshd", "-D"]
    /// ```
    ///
    /// ## Fix
    /// Remove the SSH server and the `EXPOSE 22`; expose only the application port.
    ///
    /// ## References
    /// - [CWE-668: Exposure of Resource to Wrong Sphere](https://cwe.mitre.org/data/definitions/668.html)
    pub static DOCKER_EXPOSE_SSH = {
        id: "docker-expose-ssh",
        name: "DockerExposeSsh",
        cwe: 668,
        other_cwes: [284],
        severity: Medium,
        languages: [Dockerfile],
        summary: "SSH port exposed by the image",
        help: "remove the SSH server and `EXPOSE 22`; use `docker exec` or `kubectl exec` for access",
    }
}

fn includes_ssh(port: &str) -> bool {
    let number = port.split('/').next().unwrap_or(port);
    match number.split_once('-') {
        Some((lo, hi)) => match (lo.parse::<u32>(), hi.parse::<u32>()) {
            (Ok(lo), Ok(hi)) => lo <= 22 && 22 <= hi,
            _ => false,
        },
        None => number == "22",
    }
}

pub(super) fn check(m: &Model, out: &mut Vec<Finding>) {
    for stage in &m.stages {
        for inst in &stage.instructions {
            let Kind::Expose(ports) = &inst.kind else {
                continue;
            };
            for (port, location) in ports.iter().filter(|(p, _)| includes_ssh(p)) {
                out.push(
                    Finding::builder(
                        &DOCKER_EXPOSE_SSH,
                        location.clone(),
                        format!("{} exposes SSH port `{port}`", stage.display_name()),
                    )
                    .scope(stage.scope())
                    .anchor(format!("EXPOSE {port}"))
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
    fn flags_port_22() {
        let text = "FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y openssh-server\nEXPOSE 8080 22/tcp\nCMD [\"/usr/sbin/sshd\", \"-D\"]\n";
        let got = findings_of(&DOCKER_EXPOSE_SSH, text);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, 3);
        assert_eq!(
            findings_of(&DOCKER_EXPOSE_SSH, "FROM a:1\nEXPOSE 20-25\n").len(),
            1
        );
    }

    #[test]
    fn passes_other_ports() {
        let ok = "FROM node:20\nEXPOSE 3000 2222 8022/tcp 220\nEXPOSE ${PORT}\n";
        assert!(findings_of(&DOCKER_EXPOSE_SSH, ok).is_empty());
    }
}
