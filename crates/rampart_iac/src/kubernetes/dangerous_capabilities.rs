use super::{Model, Workload};
use crate::yaml::Node;
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds containers that add dangerous Linux capabilities under
    /// `securityContext.capabilities.add`: `ALL`, `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE`,
    /// `SYS_MODULE`, `SYS_RAWIO`, `DAC_READ_SEARCH`, `BPF`, `SYS_BOOT` and similar.
    ///
    /// ## Why is this bad
    /// These capabilities are most of root's power: `SYS_ADMIN` allows mounting filesystems and
    /// is enough for known container escapes, `SYS_MODULE` loads kernel code, `SYS_PTRACE`
    /// reads other processes' memory, `NET_ADMIN` reconfigures the network and sniffs traffic,
    /// `ALL` is equivalent to a privileged container without the name.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     add: ["NET_ADMIN", "SYS_ADMIN"]
    /// ```
    ///
    /// ## Fix
    /// Drop all capabilities and add back only narrow ones the process needs
    /// (`NET_BIND_SERVICE` to bind ports below 1024):
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     drop: ["ALL"]
    ///     add: ["NET_BIND_SERVICE"]
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    /// - https://man7.org/linux/man-pages/man7/capabilities.7.html
    /// - https://cwe.mitre.org/data/definitions/250.html
    pub static RULE = {
        id: "k8s-dangerous-capabilities",
        name: "K8sDangerousCapabilities",
        cwe: 250,
        other_cwes: [269],
        severity: High,
        languages: [Kubernetes],
        summary: "Container adds a dangerous Linux capability",
        help: "Drop `ALL` capabilities and add back only narrow ones such as `NET_BIND_SERVICE`",
    }
}

/// Capabilities that amount to root on the node, or close to it.
pub const DANGEROUS: &[&str] = &[
    "ALL",
    "SYS_ADMIN",
    "NET_ADMIN",
    "SYS_PTRACE",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_BOOT",
    "SYS_TIME",
    "DAC_READ_SEARCH",
    "DAC_OVERRIDE",
    "BPF",
    "PERFMON",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "SETFCAP",
];

/// `SYS_ADMIN` for `CAP_SYS_ADMIN`, `sys_admin`.
pub fn normalize(cap: &str) -> String {
    let up = cap.trim().to_ascii_uppercase();
    up.strip_prefix("CAP_").map(str::to_string).unwrap_or(up)
}

pub fn check(m: &Model, w: &Workload, out: &mut Vec<Finding>) {
    for c in w.containers() {
        let added = c
            .node
            .get_path(&["securityContext", "capabilities", "add"])
            .into_iter()
            .flat_map(Node::iter_seq);
        for cap in added {
            let Some(name) = cap.as_str() else {
                continue;
            };
            let norm = normalize(name);
            if !DANGEROUS.contains(&norm.as_str()) {
                continue;
            }
            let message = format!(
                "The {} of {} adds the `{norm}` capability",
                c.label(),
                w.label()
            );
            out.push(
                m.finding(&RULE, cap.span, w.scope(Some(&c)), message)
                    .anchor(norm)
                    .build(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;

    const ID: &str = "k8s-dangerous-capabilities";

    #[test]
    fn flags_dangerous_adds_only() {
        let f = run(
            ID,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: vpn\nspec:\n  containers:\n    - name: vpn\n      image: acme/vpn:1.0\n      securityContext:\n        capabilities:\n          drop: [ALL]\n          add:\n            - NET_ADMIN\n            - CAP_SYS_ADMIN\n            - NET_BIND_SERVICE\n",
        );
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].location.span.start_line, 13);
        assert!(f[1].message.contains("`SYS_ADMIN`"));
    }
}
