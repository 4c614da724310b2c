use super::{Model, Service};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds Compose services that share the host's network, process or IPC namespace:
    /// `network_mode: host`, `pid: host`, `ipc: host`.
    ///
    /// ## Why is this bad
    /// With the host network, every port the service opens is open on the host's interfaces
    /// (no port mapping, no Docker network isolation) and the container can reach services
    /// bound to the host's localhost. `pid: host` lets it see and signal every host process and
    /// read their environment; `ipc: host` shares the host's shared memory.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: acme/api:1.0
    ///     network_mode: host
    /// ```
    ///
    /// ## Fix
    /// Use the default bridge network and publish only the ports you need, bound to
    /// `127.0.0.1` when only the host should reach them.
    ///
    /// ## References
    /// - https://docs.docker.com/engine/network/drivers/host/
    /// - https://docs.docker.com/reference/compose-file/services/#network_mode
    /// - https://cwe.mitre.org/data/definitions/668.html
    pub static RULE = {
        id: "compose-host-network",
        name: "ComposeHostNetwork",
        cwe: 668,
        other_cwes: [250],
        severity: Medium,
        languages: [Compose],
        summary: "Compose service shares the host's network, PID or IPC namespace",
        help: "Use a Compose network and publish only the needed ports",
    }
}

pub fn check(m: &Model, s: &Service, out: &mut Vec<Finding>) {
    for (key, what) in [
        ("network_mode", "network"),
        ("pid", "process namespace"),
        ("ipc", "IPC namespace"),
    ] {
        let Some(e) = s.node.entry(key) else {
            continue;
        };
        if e.value.as_str().map(str::trim) != Some("host") {
            continue;
        }
        let message = format!(
            "Service {} shares the host's {what} (`{key}: host`)",
            s.label()
        );
        out.push(m.finding(&RULE, e.span(), s, message).anchor(key).build());
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;

    const ID: &str = "compose-host-network";

    #[test]
    fn flags_host_modes_only() {
        let f = run(
            ID,
            "services:\n  api:\n    image: acme/api:1.0\n    network_mode: host\n    pid: \"host\"\n  worker:\n    image: acme/worker:1.0\n    network_mode: \"service:api\"\n  web:\n    image: nginx:1.27\n    networks: [front]\n",
        );
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].location.span.start_line, 4);
        assert!(f[1].message.contains("`pid: host`"));
    }
}
