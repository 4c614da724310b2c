use super::{Model, Workload};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds pods that share the node's network, process or IPC namespace (`hostNetwork`,
    /// `hostPID`, `hostIPC` set to `true`).
    ///
    /// ## Why is this bad
    /// With `hostNetwork` the pod binds the node's interfaces, bypasses network policies and
    /// can reach services listening on the node's localhost (the kubelet, cloud metadata
    /// proxies). With `hostPID` it sees and can signal or `ptrace` every process on the node,
    /// reading their environment and secrets; `hostIPC` exposes shared memory of host
    /// processes.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   hostNetwork: true
    ///   hostPID: true
    /// ```
    ///
    /// ## Fix
    /// Remove these fields (they default to `false`). Expose ports through a Service, and use a
    /// dedicated, reviewed DaemonSet for the rare node agent that truly needs them.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    /// - https://cwe.mitre.org/data/definitions/668.html
    pub static RULE = {
        id: "k8s-host-namespace",
        name: "K8sHostNamespace",
        cwe: 668,
        other_cwes: [250],
        severity: High,
        languages: [Kubernetes],
        summary: "Pod shares the node's network, PID or IPC namespace",
        help: "Remove `hostNetwork`, `hostPID` and `hostIPC` from the pod spec",
    }
}

pub fn check(m: &Model, w: &Workload, out: &mut Vec<Finding>) {
    for (key, what) in [
        ("hostNetwork", "network namespace"),
        ("hostPID", "process namespace"),
        ("hostIPC", "IPC namespace"),
    ] {
        let Some(e) = w.pod.entry(key) else {
            continue;
        };
        if e.value.as_bool() != Some(true) {
            continue;
        }
        let message = format!("{} shares the node's {what} (`{key}: true`)", w.label());
        out.push(
            m.finding(&RULE, e.span(), w.scope(None), message)
                .anchor(key)
                .build(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;

    const ID: &str = "k8s-host-namespace";

    #[test]
    fn flags_each_host_namespace() {
        let f = run(
            ID,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  hostNetwork: true\n  hostPID: true\n  hostIPC: false\n  containers:\n    - name: shell\n      image: busybox:1.36\n",
        );
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].location.span.start_line, 6);
        assert!(f[1].message.contains("`hostPID: true`"));
    }

    #[test]
    fn absent_or_false_is_fine() {
        let f = run(
            ID,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: false\n  containers:\n    - name: a\n      image: nginx:1.27\n",
        );
        assert!(f.is_empty());
    }
}
