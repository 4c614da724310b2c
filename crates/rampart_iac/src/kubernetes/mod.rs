//! Kubernetes manifests: every workload's pod spec (Pod, Deployment, StatefulSet, DaemonSet,
//! ReplicaSet, Job, CronJob, ... in multi-document files and `List`s), and the checks over
//! its pod and containers.

pub(crate) mod secret_literal;

pub(crate) mod dangerous_capabilities;
mod host_namespace;
mod latest_image;
mod no_resource_limits;
mod privilege_escalation;
mod privileged_container;
mod run_as_root;
mod secret_in_env;
mod sensitive_host_path;

use crate::yaml::{self, Entry, Node};
use rampart_core::{Finding, FindingBuilder, Location, RuleMeta, Span};
use rampart_syntax::SourceFile;
use tree_sitter::Tree;

pub static RULES: &[&RuleMeta] = &[
    &privileged_container::RULE,
    &host_namespace::RULE,
    &privilege_escalation::RULE,
    &run_as_root::RULE,
    &dangerous_capabilities::RULE,
    &sensitive_host_path::RULE,
    &secret_in_env::RULE,
    &latest_image::RULE,
    &no_resource_limits::RULE,
];

/// A manifest file reduced to its workloads.
pub struct Model {
    pub path: String,
    pub workloads: Vec<Workload>,
    pub config_maps: Vec<ConfigMap>,
    /// A Helm or other Go template: settings may be injected by `{{ }}` lines the YAML
    /// parser cannot see, so checks for a *missing* setting stay silent.
    pub templated: bool,
}

/// A ConfigMap's literal `data` entries.
pub struct ConfigMap {
    pub name: String,
    /// Key, value, and the span of the value.
    pub data: Vec<(String, String, Span)>,
}

/// A resource that runs pods.
pub struct Workload {
    pub kind: String,
    pub name: String,
    /// The pod spec (`spec`, `spec.template.spec`, `spec.jobTemplate.spec.template.spec`).
    pub pod: Node,
}

/// A container of a pod, regular, init or ephemeral.
pub struct Container<'a> {
    pub node: &'a Node,
    pub name: String,
    /// The `name:` setting, or the container's first line.
    pub span: Span,
    pub init: bool,
}

impl Model {
    pub fn build(file: &SourceFile, tree: &Tree) -> Model {
        let mut workloads = Vec::new();
        let mut config_maps = Vec::new();
        for doc in yaml::parse_documents(file, tree) {
            collect(&doc, &mut workloads, 0);
            if doc.get("kind").and_then(Node::as_str) == Some("ConfigMap") {
                config_maps.push(ConfigMap {
                    name: doc
                        .get_path(&["metadata", "name"])
                        .and_then(Node::as_str)
                        .unwrap_or("<unnamed>")
                        .to_string(),
                    data: doc
                        .get("data")
                        .into_iter()
                        .flat_map(Node::iter_map)
                        .filter_map(|e| {
                            Some((e.key.clone(), e.value.as_str()?.to_string(), e.value.span))
                        })
                        .collect(),
                });
            }
        }
        Model {
            path: file.rel_path.clone(),
            workloads,
            config_maps,
            templated: file.text.contains("{{") || file.rel_path.contains("/templates/"),
        }
    }

    pub fn finding(
        &self,
        rule: &'static RuleMeta,
        span: Span,
        scope: String,
        message: String,
    ) -> FindingBuilder {
        Finding::builder(
            rule,
            Location {
                path: self.path.clone(),
                span,
            },
            message,
        )
        .scope(scope)
    }
}

fn collect(doc: &Node, out: &mut Vec<Workload>, depth: usize) {
    let Some(kind) = doc.get("kind").and_then(Node::as_str) else {
        return;
    };
    if kind == "List" || kind.ends_with("List") {
        if depth < 2 {
            for item in doc.get("items").into_iter().flat_map(Node::iter_seq) {
                collect(item, out, depth + 1);
            }
        }
        return;
    }
    let path: &[&str] = match kind {
        "Pod" => &["spec"],
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job"
        | "Rollout" => &["spec", "template", "spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        "PodTemplate" => &["template", "spec"],
        _ => return,
    };
    let Some(pod) = doc.get_path(path).filter(|p| p.is_map()) else {
        return;
    };
    let name = doc
        .get_path(&["metadata", "name"])
        .and_then(Node::as_str)
        .unwrap_or("<unnamed>")
        .to_string();
    out.push(Workload {
        kind: kind.to_string(),
        name,
        pod: pod.clone(),
    });
}

impl Workload {
    /// "Deployment `web`"
    pub fn label(&self) -> String {
        format!("{} `{}`", self.kind, self.name)
    }

    /// Fingerprint scope of the workload, or of one of its containers.
    pub fn scope(&self, container: Option<&Container<'_>>) -> String {
        match container {
            Some(c) => format!("{}/{}/containers/{}", self.kind, self.name, c.name),
            None => format!("{}/{}", self.kind, self.name),
        }
    }

    pub fn containers(&self) -> Vec<Container<'_>> {
        let mut out = Vec::new();
        for (key, init) in [
            ("initContainers", true),
            ("containers", false),
            ("ephemeralContainers", false),
        ] {
            for (i, node) in self
                .pod
                .get(key)
                .into_iter()
                .flat_map(Node::iter_seq)
                .enumerate()
            {
                let entry = node.entry("name");
                out.push(Container {
                    node,
                    name: entry
                        .and_then(|e| e.value.as_str())
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("#{}", i + 1)),
                    span: entry.map(Entry::span).unwrap_or(first_line(node.span)),
                    init,
                });
            }
        }
        out
    }

    /// A security setting of a container, falling back to the pod's `securityContext` for
    /// the fields that exist at both levels.
    pub fn security_setting<'a>(&'a self, c: &Container<'a>, key: &str) -> Option<&'a Entry> {
        c.node
            .get("securityContext")
            .and_then(|sc| sc.entry(key))
            .filter(|e| !e.value.is_null())
            .or_else(|| {
                self.pod
                    .get("securityContext")
                    .and_then(|sc| sc.entry(key))
                    .filter(|e| !e.value.is_null())
            })
    }
}

impl Container<'_> {
    /// "container `app`" or "init container `migrate`"
    pub fn label(&self) -> String {
        if self.init {
            format!("init container `{}`", self.name)
        } else {
            format!("container `{}`", self.name)
        }
    }

    /// A setting of the container's own `securityContext`.
    pub fn security(&self, key: &str) -> Option<&Entry> {
        self.node.get("securityContext")?.entry(key)
    }
}

/// The first line of a span (findings point at one line, not a whole block).
pub fn first_line(span: Span) -> Span {
    Span {
        end_line: span.start_line,
        end_col: span.start_col,
        end_byte: span.start_byte,
        ..span
    }
}

pub fn check(models: &[&Model], out: &mut Vec<Finding>) {
    for m in models {
        for w in &m.workloads {
            privileged_container::check(m, w, out);
            host_namespace::check(m, w, out);
            privilege_escalation::check(m, w, out);
            run_as_root::check(m, w, out);
            dangerous_capabilities::check(m, w, out);
            sensitive_host_path::check(m, w, out);
            secret_in_env::check(m, w, out);
            latest_image::check(m, w, out);
            no_resource_limits::check(m, w, out);
        }
        secret_in_env::check_config_maps(m, out);
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use rampart_core::Language;

    pub fn model(text: &str) -> Model {
        let file = SourceFile::from_text("k8s/app.yaml", Language::Kubernetes, text);
        let tree = rampart_syntax::parse::parse(Language::Kubernetes, text)
            .expect("yaml parses")
            .tree;
        Model::build(&file, &tree)
    }

    pub fn run(rule: &str, text: &str) -> Vec<Finding> {
        let m = model(text);
        let mut out = Vec::new();
        check(&[&m], &mut out);
        out.retain(|f| f.rule_id == rule);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::testing::model;

    #[test]
    fn odd_shapes_do_not_panic() {
        for text in [
            "apiVersion: v1\nkind: Pod\nspec: []\n",
            "apiVersion: v1\nkind: Pod\nspec:\n  containers: x\n  volumes: [{hostPath: 1}, {hostPath: {path: [a]}}]\n",
            "apiVersion: v1\nkind: Pod\nspec:\n  securityContext: []\n  containers:\n    - securityContext: {capabilities: {add: ALL}}\n      env: [{name: TOKEN}, {value: x}, {name: [a], value: b}]\n      image: [a]\n      resources: {limits: []}\n",
            "apiVersion: v1\nkind: List\nitems:\n  - kind: List\n    items:\n      - kind: List\n        items: []\n",
            "apiVersion: v1\nkind: ConfigMap\ndata: [1]\n",
        ] {
            let m = model(text);
            let mut out = Vec::new();
            super::check(&[&m], &mut out);
        }
    }

    #[test]
    fn finds_pod_specs_of_every_workload_kind() {
        let m = model(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: a\n      image: nginx\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: '0 0 * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers:\n            - name: init\n              image: busybox\n          containers:\n            - name: job\n              image: alpine\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports: [{port: 80}]\n---\napiVersion: v1\nkind: List\nitems:\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: d\n    spec:\n      template:\n        spec:\n          containers: [{name: web, image: web}]\n",
        );
        let names: Vec<_> = m.workloads.iter().map(|w| w.label()).collect();
        assert_eq!(names, ["Pod `p`", "CronJob `nightly`", "Deployment `d`"]);
        let cron = &m.workloads[1];
        let cs = cron.containers();
        assert_eq!(cs.len(), 2);
        assert!(cs[0].init);
        assert_eq!(cs[1].span.start_line, 24);
    }
}

#[cfg(test)]
mod fixture_suite {
    #[test]
    fn kubernetes_fixture_suite() {
        crate::actions::fixtures::assert_suite("kubernetes", "k8s-");
    }
}
