use super::{Model, Workload};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds containers with `securityContext.privileged: true`.
    ///
    /// ## Why is this bad
    /// A privileged container has every Linux capability and access to all host devices; it
    /// can mount the host's disks, load kernel modules and escape to the node in a few
    /// commands. Anyone who gets code execution in it (a vulnerable dependency, an exposed
    /// debug endpoint) owns the node and every pod on it.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: ghcr.io/acme/app:1.4.2
    ///     securityContext:
    ///       privileged: true
    /// ```
    ///
    /// ## Fix
    /// Remove `privileged: true`. If the container needs one specific capability, add only that
    /// one under `capabilities.add`; device plugins and CSI drivers cover most hardware needs.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    /// - https://cwe.mitre.org/data/definitions/250.html
    pub static RULE = {
        id: "k8s-privileged-container",
        name: "K8sPrivilegedContainer",
        cwe: 250,
        severity: High,
        languages: [Kubernetes],
        summary: "Container runs privileged",
        help: "Remove `privileged: true` and add only the capabilities the container needs",
    }
}

pub fn check(m: &Model, w: &Workload, out: &mut Vec<Finding>) {
    for c in w.containers() {
        let Some(e) = c.security("privileged") else {
            continue;
        };
        if e.value.as_bool() != Some(true) {
            continue;
        }
        let message = format!(
            "The {} of {} runs privileged (`privileged: true`): it has full access to the node",
            c.label(),
            w.label()
        );
        out.push(
            m.finding(&RULE, e.span(), w.scope(Some(&c)), message)
                .anchor("privileged: true")
                .build(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;

    const ID: &str = "k8s-privileged-container";

    #[test]
    fn flags_privileged_and_ignores_unprivileged() {
        let f = run(
            ID,
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  template:\n    spec:\n      containers:\n        - name: agent\n          image: acme/agent:2.1\n          securityContext:\n            privileged: true\n        - name: sidecar\n          image: acme/sidecar:2.1\n          securityContext:\n            privileged: false\n",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].location.span.start_line, 12);
        assert!(f[0]
            .message
            .contains("container `agent` of DaemonSet `agent`"));
    }
}
