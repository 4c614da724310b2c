use super::{Model, Workload};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds containers without `resources.limits` for memory or CPU.
    ///
    /// ## Why is this bad
    /// A container without limits can use all of a node's memory and CPU: a memory leak, a
    /// request flood or a decompression bomb then starves or evicts every other pod on the
    /// node (denial of service), and the scheduler cannot place pods sensibly.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: api
    ///     image: ghcr.io/acme/api:1.8.0
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    ///     resources:
    ///       requests: { cpu: 100m, memory: 128Mi }
    ///       limits: { cpu: 500m, memory: 256Mi }
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
    /// - https://cwe.mitre.org/data/definitions/770.html
    pub static RULE = {
        id: "k8s-no-resource-limits",
        name: "K8sNoResourceLimits",
        cwe: 770,
        other_cwes: [400],
        severity: Low,
        languages: [Kubernetes],
        summary: "Container has no memory or CPU limits",
        help: "Set `resources.limits.memory` and `resources.limits.cpu`",
    }
}

pub fn check(m: &Model, w: &Workload, out: &mut Vec<Finding>) {
    if m.templated {
        return;
    }
    for c in w.containers() {
        let limits = c.node.get_path(&["resources", "limits"]);
        let has = |k: &str| limits.and_then(|l| l.get(k)).is_some_and(|v| !v.is_null());
        let missing: Vec<&str> = ["memory", "cpu"].into_iter().filter(|k| !has(k)).collect();
        if missing.is_empty() {
            continue;
        }
        // A memory limit alone bounds the damage that matters most; CPU is only throttled.
        if missing == ["cpu"] {
            continue;
        }
        let span = c
            .node
            .entry("resources")
            .map(|e| super::first_line(e.key_span))
            .unwrap_or(c.span);
        let message = format!(
            "The {} of {} sets no {} limit",
            c.label(),
            w.label(),
            missing.join(" or ")
        );
        out.push(
            m.finding(&RULE, span, w.scope(Some(&c)), message)
                .anchor("resources.limits")
                .build(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;

    const ID: &str = "k8s-no-resource-limits";

    #[test]
    fn flags_missing_limits() {
        let f = run(
            ID,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: nginx:1.27\n    - name: b\n      image: nginx:1.27\n      resources:\n        requests:\n          memory: 64Mi\n    - name: c\n      image: nginx:1.27\n      resources:\n        limits:\n          memory: 128Mi\n",
        );
        assert_eq!(f.len(), 2, "{f:#?}");
        assert_eq!(f[0].location.span.start_line, 7);
        assert_eq!(f[1].location.span.start_line, 11);
        assert!(f[0].message.contains("memory or cpu"));
    }
}
