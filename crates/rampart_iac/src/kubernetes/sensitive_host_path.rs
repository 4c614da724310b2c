use super::{Model, Workload};
use crate::yaml::Node;
use rampart_core::{Finding, Severity};

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds `hostPath` volumes that mount sensitive parts of the node: the container runtime
    /// socket (`/var/run/docker.sock`, containerd, CRI-O), `/`, `/etc`, `/root`, `/proc`,
    /// `/sys`, `/dev`, `/boot`, `/var/lib/kubelet`, `/var/lib/docker` and similar.
    ///
    /// ## Why is this bad
    /// The runtime socket lets the pod start a privileged container on the node; `/etc`,
    /// `/root` and `/` expose credentials and let it plant cron jobs or SSH keys; the kubelet
    /// directory holds every pod's service-account tokens and secrets. Any of these is a
    /// direct path from the pod to the node.
    ///
    /// ## Example
    /// ```yaml
    /// volumes:
    ///   - name: docker
    ///     hostPath:
    ///       path: /var/run/docker.sock
    /// ```
    ///
    /// ## Fix
    /// Use `emptyDir`, a PersistentVolumeClaim, a ConfigMap or a Secret instead. Build images
    /// with a daemonless builder (BuildKit rootless, Kaniko) rather than the node's Docker.
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/storage/volumes/#hostpath
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
    /// - https://cwe.mitre.org/data/definitions/668.html
    pub static RULE = {
        id: "k8s-sensitive-host-path",
        name: "K8sSensitiveHostPath",
        cwe: 668,
        other_cwes: [250],
        severity: High,
        languages: [Kubernetes],
        summary: "Pod mounts a sensitive path of the node",
        help: "Replace the hostPath volume with emptyDir, a PVC, a ConfigMap or a Secret",
    }
}

const RUNTIME_SOCKETS: &[&str] = &[
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock",
];

/// Directories whose contents (or whose subtrees) give away the node.
const SENSITIVE_DIRS: &[&str] = &[
    "/",
    "/etc",
    "/root",
    "/home",
    "/proc",
    "/sys",
    "/dev",
    "/boot",
    "/var/run",
    "/run",
    "/var/lib/kubelet",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/etc/kubernetes",
    "/var/lib/etcd",
];

pub fn check(m: &Model, w: &Workload, out: &mut Vec<Finding>) {
    for vol in w.pod.get("volumes").into_iter().flat_map(Node::iter_seq) {
        let Some(path_node) = vol.get_path(&["hostPath", "path"]) else {
            continue;
        };
        let Some(raw) = path_node.as_str() else {
            continue;
        };
        let path = normalize(raw);
        let (what, severity) = if RUNTIME_SOCKETS.contains(&path.as_str()) {
            ("the container runtime socket", Severity::Critical)
        } else if SENSITIVE_DIRS.contains(&path.as_str())
            || [
                "/etc/",
                "/root/",
                "/var/lib/kubelet/",
                "/etc/kubernetes/",
                "/proc/",
                "/sys/",
                "/boot/",
            ]
            .iter()
            .any(|p| path.starts_with(p))
        {
            ("a sensitive host path", RULE.severity)
        } else {
            continue;
        };
        let vol_name = vol
            .get("name")
            .and_then(Node::as_str)
            .unwrap_or("<unnamed>");
        let message = format!(
            "{} mounts {what} `{raw}` from the node (volume `{vol_name}`)",
            w.label()
        );
        out.push(
            m.finding(&RULE, path_node.span, w.scope(None), message)
                .anchor(path)
                .severity(severity)
                .build(),
        );
    }
}

fn normalize(p: &str) -> String {
    let trimmed = p.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        trimmed.replace("//", "/")
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use rampart_core::Severity;

    const ID: &str = "k8s-sensitive-host-path";

    #[test]
    fn flags_socket_and_system_dirs() {
        let f = run(
            ID,
            "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: builder\nspec:\n  template:\n    spec:\n      containers:\n        - name: b\n          image: docker:27-cli\n      volumes:\n        - name: sock\n          hostPath:\n            path: /var/run/docker.sock\n        - name: etc\n          hostPath:\n            path: /etc/\n        - name: logs\n          hostPath:\n            path: /var/log/app\n        - name: cache\n          emptyDir: {}\n",
        );
        assert_eq!(f.len(), 2, "{f:#?}");
        assert_eq!(f[0].location.span.start_line, 14);
        assert_eq!(f[0].severity, Severity::Critical);
        assert!(f[1].message.contains("`/etc/`"));
    }
}
