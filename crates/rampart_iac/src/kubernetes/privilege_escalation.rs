use super::{Model, Workload};
use rampart_core::{Confidence, Finding, Severity};

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds containers whose `securityContext.allowPrivilegeEscalation` is not `false`:
    /// set to `true`, or left unset (Kubernetes then allows escalation).
    ///
    /// ## Why is this bad
    /// Without `allowPrivilegeEscalation: false` the kernel's `no_new_privs` flag is off, so a
    /// process in the container can gain more privileges than its parent through setuid
    /// binaries (`sudo`, `su`, a planted setuid shell) or file capabilities. That turns a
    /// foothold as the app user into root inside the container, one step from the node.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:3.2.0
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     securityContext:
    ///       allowPrivilegeEscalation: false
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
    /// - https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
    /// - https://cwe.mitre.org/data/definitions/269.html
    pub static RULE = {
        id: "k8s-privilege-escalation",
        name: "K8sPrivilegeEscalation",
        cwe: 269,
        other_cwes: [250],
        severity: Medium,
        languages: [Kubernetes],
        summary: "Container allows privilege escalation",
        help: "Set `securityContext.allowPrivilegeEscalation: false` on every container",
    }
}

pub fn check(m: &Model, w: &Workload, out: &mut Vec<Finding>) {
    for c in w.containers() {
        let setting = c.security("allowPrivilegeEscalation");
        let (span, message, explicit) = match setting.map(|e| (e, e.value.as_bool())) {
            Some((_, Some(false))) => continue,
            Some((e, Some(true))) => (
                e.span(),
                format!(
                    "The {} of {} sets `allowPrivilegeEscalation: true`",
                    c.label(),
                    w.label()
                ),
                true,
            ),
            _ if m.templated => continue,
            _ => (
                c.span,
                format!(
                    "The {} of {} does not set `allowPrivilegeEscalation: false`, so setuid binaries can raise its privileges",
                    c.label(),
                    w.label()
                ),
                false,
            ),
        };
        let mut b = m
            .finding(&RULE, span, w.scope(Some(&c)), message)
            .anchor("allowPrivilegeEscalation");
        if !explicit {
            b = b.severity(Severity::Low).confidence(Confidence::Medium);
        }
        out.push(b.build());
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use rampart_core::Severity;

    const ID: &str = "k8s-privilege-escalation";

    #[test]
    fn flags_true_and_missing() {
        let f = run(
            ID,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: acme/api:1.0\n          securityContext:\n            allowPrivilegeEscalation: true\n        - name: proxy\n          image: envoyproxy/envoy:v1.30.1\n",
        );
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].location.span.start_line, 12);
        assert_eq!(f[0].severity, Severity::Medium);
        assert_eq!(f[1].location.span.start_line, 13);
        assert_eq!(f[1].severity, Severity::Low);
    }

    #[test]
    fn false_is_fine() {
        let f = run(
            ID,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: nginx:1.27\n      securityContext:\n        allowPrivilegeEscalation: false\n",
        );
        assert!(f.is_empty());
    }
}
