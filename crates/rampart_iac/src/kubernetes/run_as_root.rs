use super::{Model, Workload};
use rampart_core::{Confidence, Finding, Severity};

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds containers that may run as root: `runAsUser: 0` or `runAsNonRoot: false`, or
    /// neither the container nor its pod `securityContext` sets `runAsNonRoot: true` or a
    /// non-zero `runAsUser` (the image's default user, often root, then applies).
    ///
    /// ## Why is this bad
    /// Root in a container is root on the node's kernel with only namespaces in between: a
    /// container breakout, a writable `hostPath` or a kernel bug gives full control of the
    /// node. `runAsNonRoot: true` makes the kubelet refuse to start the container as root.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: ghcr.io/acme/web:2.0.1
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// spec:
    ///   securityContext:
    ///     runAsNonRoot: true
    ///     runAsUser: 10001
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
    /// - https://cwe.mitre.org/data/definitions/250.html
    pub static RULE = {
        id: "k8s-run-as-root",
        name: "K8sRunAsRoot",
        cwe: 250,
        other_cwes: [269],
        severity: Medium,
        languages: [Kubernetes],
        summary: "Container may run as root",
        help: "Set `runAsNonRoot: true` and a non-zero `runAsUser` in the pod securityContext",
    }
}

pub fn check(m: &Model, w: &Workload, out: &mut Vec<Finding>) {
    for c in w.containers() {
        let user = w.security_setting(&c, "runAsUser");
        let non_root = w.security_setting(&c, "runAsNonRoot");
        let uid = user.and_then(|e| e.value.as_i64());
        let (span, detail, explicit) = if let Some(e) = user.filter(|_| uid == Some(0)) {
            (e.span(), "runs as root (`runAsUser: 0`)".to_string(), true)
        } else if uid.is_some_and(|u| u > 0) {
            continue;
        } else {
            match non_root.map(|e| (e, e.value.as_bool())) {
                Some((_, Some(true))) => continue,
                Some((e, Some(false))) => (
                    e.span(),
                    "allows running as root (`runAsNonRoot: false`)".to_string(),
                    true,
                ),
                _ if m.templated || non_root_image(c.node) => continue,
                _ => (
                    c.span,
                    "does not set `runAsNonRoot: true` or a non-zero `runAsUser`, so it runs as the image's default user, often root"
                        .to_string(),
                    false,
                ),
            }
        };
        let message = format!("The {} of {} {detail}", c.label(), w.label());
        let mut b = m
            .finding(&RULE, span, w.scope(Some(&c)), message)
            .anchor("runAsNonRoot");
        if !explicit {
            b = b.severity(Severity::Low).confidence(Confidence::Medium);
        }
        out.push(b.build());
    }
}

/// Images built to run as an unprivileged user (distroless `:nonroot`, `*-unprivileged`,
/// `*-rootless`) need no `runAsNonRoot` to avoid root.
fn non_root_image(container: &crate::yaml::Node) -> bool {
    container
        .get("image")
        .and_then(crate::yaml::Node::as_str)
        .is_some_and(|i| {
            let i = i.to_ascii_lowercase();
            i.contains(":nonroot") || i.contains("unprivileged") || i.contains("rootless")
        })
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use rampart_core::Severity;

    const ID: &str = "k8s-run-as-root";

    #[test]
    fn flags_root_user_explicit_false_and_missing() {
        let f = run(
            ID,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: nginx:1.27\n      securityContext:\n        runAsUser: 0\n    - name: b\n      image: nginx:1.27\n      securityContext:\n        runAsNonRoot: false\n    - name: c\n      image: nginx:1.27\n",
        );
        let lines: Vec<u32> = f.iter().map(|x| x.location.span.start_line).collect();
        assert_eq!(lines, [10, 14, 15]);
        assert_eq!(f[0].severity, Severity::Medium);
        assert_eq!(f[2].severity, Severity::Low);
    }

    #[test]
    fn non_root_images_need_no_setting() {
        let f = run(
            ID,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: gcr.io/distroless/static-debian12:nonroot\n    - name: b\n      image: nginxinc/nginx-unprivileged:1.27\n",
        );
        assert!(f.is_empty());
    }

    #[test]
    fn helm_templates_are_not_judged_on_missing_settings() {
        let f = run(
            ID,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"app.fullname\" . }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n          securityContext:\n            {{- toYaml .Values.securityContext | nindent 12 }}\n",
        );
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn pod_level_non_root_is_inherited_and_container_can_override() {
        let f = run(
            ID,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n      containers:\n        - name: web\n          image: acme/web:1.0\n        - name: metrics\n          image: acme/metrics:1.0\n          securityContext:\n            runAsUser: 2000\n",
        );
        assert!(f.is_empty(), "{f:#?}");
        let g = run(
            ID,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n    - name: a\n      image: nginx:1.27\n      securityContext:\n        runAsUser: 0\n",
        );
        assert_eq!(g.len(), 1);
    }
}
