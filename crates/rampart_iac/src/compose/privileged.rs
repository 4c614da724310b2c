use super::{Model, Service};
use crate::kubernetes::dangerous_capabilities::{normalize, DANGEROUS};
use crate::yaml::Node;
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds Compose services with `privileged: true`, or that add dangerous capabilities
    /// (`ALL`, `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE`, ...) with `cap_add`.
    ///
    /// ## Why is this bad
    /// A privileged container has every capability and all host devices: it can mount the
    /// host's disks and escape to the host in a few commands. Whoever exploits the service
    /// (an injection in the app, an exposed admin port) owns the machine running Docker.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: acme/app:1.0
    ///     privileged: true
    /// ```
    ///
    /// ## Fix
    /// Remove `privileged: true`; if one capability is really needed, add only it with
    /// `cap_add` (for example `NET_BIND_SERVICE`) and `cap_drop: [ALL]`.
    ///
    /// ## References
    /// - https://docs.docker.com/reference/compose-file/services/#privileged
    /// - https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities
    /// - https://cwe.mitre.org/data/definitions/250.html
    pub static RULE = {
        id: "compose-privileged",
        name: "ComposePrivileged",
        cwe: 250,
        other_cwes: [269],
        severity: High,
        languages: [Compose],
        summary: "Compose service runs privileged or with dangerous capabilities",
        help: "Remove `privileged: true` and add only the capabilities the service needs",
    }
}

pub fn check(m: &Model, s: &Service, out: &mut Vec<Finding>) {
    if let Some(e) = s.node.entry("privileged") {
        if e.value.as_bool() == Some(true) {
            let message = format!(
                "Service {} runs privileged (`privileged: true`): it has full access to the host",
                s.label()
            );
            out.push(
                m.finding(&RULE, e.span(), s, message)
                    .anchor("privileged: true")
                    .build(),
            );
        }
    }
    for cap in s.node.get("cap_add").into_iter().flat_map(Node::iter_seq) {
        let Some(name) = cap.as_str() else {
            continue;
        };
        let norm = normalize(name);
        if DANGEROUS.contains(&norm.as_str()) {
            let message = format!("Service {} adds the `{norm}` capability", s.label());
            out.push(m.finding(&RULE, cap.span, s, message).anchor(norm).build());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;

    const ID: &str = "compose-privileged";

    #[test]
    fn flags_privileged_and_capabilities() {
        let f = run(
            ID,
            "services:\n  app:\n    image: acme/app:1.0\n    privileged: true\n  vpn:\n    image: acme/vpn:1.0\n    cap_add:\n      - NET_ADMIN\n      - NET_BIND_SERVICE\n  web:\n    image: nginx:1.27\n    privileged: false\n",
        );
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].location.span.start_line, 4);
        assert!(f[0].message.contains("`app`"));
        assert_eq!(f[1].location.span.start_line, 8);
    }
}
