use super::{Model, Workload};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds container images with no tag or the `:latest` tag and no `@sha256:` digest.
    ///
    /// ## Why is this bad
    /// `latest` is whatever was pushed last: each node may pull a different image, a rollback
    /// redeploys the broken version, and a compromised or typo-squatted registry push is
    /// picked up on the next restart without any change to the manifest.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: nginx:latest
    /// ```
    ///
    /// ## Fix
    /// Pin a version tag, ideally with its digest:
    /// `image: nginx:1.27.2@sha256:...`
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/containers/images/#image-names
    /// - https://kubernetes.io/docs/concepts/configuration/overview/#container-images
    /// - https://cwe.mitre.org/data/definitions/1104.html
    pub static RULE = {
        id: "k8s-latest-image",
        name: "K8sLatestImage",
        cwe: 1104,
        other_cwes: [829],
        severity: Low,
        languages: [Kubernetes],
        summary: "Container image uses `latest` or no tag",
        help: "Pin the image to a version tag and digest",
    }
}

/// `Some(reason)` when an image reference floats: no tag, or `latest`, and no digest.
pub fn floating_tag(image: &str) -> Option<&'static str> {
    let image = image.trim();
    if image.is_empty() || image.contains('@') || image.contains("${") || image.contains("{{") {
        return None;
    }
    // A `:` after the last `/` is a tag; one before it is a registry port.
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, "latest")) => Some("the `latest` tag"),
        Some(_) => None,
        None => Some("no tag (so `latest`)"),
    }
}

pub fn check(m: &Model, w: &Workload, out: &mut Vec<Finding>) {
    for c in w.containers() {
        let Some(node) = c.node.get("image") else {
            continue;
        };
        let Some(image) = node.as_str() else {
            continue;
        };
        let Some(why) = floating_tag(image) else {
            continue;
        };
        let message = format!(
            "The {} of {} uses image `{image}` with {why}",
            c.label(),
            w.label()
        );
        out.push(
            m.finding(&RULE, node.span, w.scope(Some(&c)), message)
                .anchor(image.to_string())
                .build(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use super::floating_tag;

    const ID: &str = "k8s-latest-image";

    #[test]
    fn classifies_image_references() {
        assert!(floating_tag("nginx").is_some());
        assert!(floating_tag("nginx:latest").is_some());
        assert!(floating_tag("registry.local:5000/team/app").is_some());
        assert!(floating_tag("registry.local:5000/team/app:1.2").is_none());
        assert!(floating_tag("nginx@sha256:abcd").is_none());
        assert!(floating_tag("nginx:1.27-alpine").is_none());
    }

    #[test]
    fn flags_latest_images() {
        let f = run(
            ID,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: nginx:latest\n    - name: b\n      image: redis:7.2\n",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].location.span.start_line, 8);
    }
}
