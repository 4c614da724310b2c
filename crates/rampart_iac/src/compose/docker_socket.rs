use super::{Model, Service};
use crate::yaml::Node;
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds Compose services that mount the Docker (or containerd, Podman) socket, in the
    /// short (`/var/run/docker.sock:/var/run/docker.sock`) or long (`source:`) volume syntax,
    /// read-only or not.
    ///
    /// ## Why is this bad
    /// The socket is the Docker API, and the Docker API is root on the host: anyone who controls
    /// the service can start a privileged container that mounts `/`. Mounting it `:ro` does
    /// not help; the read-only flag applies to the socket file, not to the API calls sent
    /// through it.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ci-runner:
    ///     image: acme/runner:2.3
    ///     volumes:
    ///       - /var/run/docker.sock:/var/run/docker.sock
    /// ```
    ///
    /// ## Fix
    /// Avoid giving containers the socket. If a tool needs the API (a reverse proxy reading
    /// labels, a CI runner), put a filtering socket proxy in front of it that allows only the
    /// calls the tool needs, or use rootless Docker.
    ///
    /// ## References
    /// - https://docs.docker.com/engine/security/#docker-daemon-attack-surface
    /// - https://cwe.mitre.org/data/definitions/250.html
    pub static RULE = {
        id: "compose-docker-socket",
        name: "ComposeDockerSocket",
        cwe: 250,
        other_cwes: [668],
        severity: High,
        languages: [Compose],
        summary: "Compose service mounts the container runtime socket",
        help: "Do not mount the socket; use a filtering socket proxy if API access is required",
    }
}

const SOCKETS: &[&str] = &["docker.sock", "containerd.sock", "podman.sock", "crio.sock"];

pub fn check(m: &Model, s: &Service, out: &mut Vec<Finding>) {
    for vol in s.node.get("volumes").into_iter().flat_map(Node::iter_seq) {
        let source = match vol.as_str() {
            Some(short) => short.split(':').next().unwrap_or("").to_string(),
            None => vol
                .get("source")
                .and_then(Node::as_str)
                .unwrap_or("")
                .to_string(),
        };
        let source = source.trim();
        if !SOCKETS.iter().any(|sock| source.ends_with(sock)) {
            continue;
        }
        let message = format!(
            "Service {} mounts the container runtime socket `{source}`, which gives root access to the host",
            s.label()
        );
        out.push(
            m.finding(&RULE, vol.span, s, message)
                .anchor(source.to_string())
                .build(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;

    const ID: &str = "compose-docker-socket";

    #[test]
    fn flags_short_and_long_socket_mounts() {
        let f = run(
            ID,
            "services:\n  traefik:\n    image: traefik:v3.1\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n      - ./traefik.yml:/etc/traefik/traefik.yml\n  runner:\n    image: acme/runner:1\n    volumes:\n      - type: bind\n        source: /run/docker.sock\n        target: /var/run/docker.sock\n  app:\n    image: acme/app:1\n    volumes:\n      - app-data:/data\n",
        );
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].location.span.start_line, 5);
        assert_eq!(f[1].location.span.start_line, 10);
    }
}
