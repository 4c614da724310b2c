//! Compose files: each service's settings with positions, and the checks over them.

mod docker_socket;
mod exposed_database_port;
mod host_network;
mod privileged;

use crate::yaml::{self, Node};
use rampart_core::{Finding, FindingBuilder, Location, RuleMeta, Span};
use rampart_syntax::SourceFile;
use tree_sitter::Tree;

pub static RULES: &[&RuleMeta] = &[
    &privileged::RULE,
    &host_network::RULE,
    &docker_socket::RULE,
    &exposed_database_port::RULE,
];

/// A Compose file reduced to its services.
pub struct Model {
    pub path: String,
    pub services: Vec<Service>,
}

pub struct Service {
    pub name: String,
    /// The service's settings (`image`, `ports`, `volumes`, ...).
    pub node: Node,
}

impl Service {
    pub fn label(&self) -> String {
        format!("`{}`", self.name)
    }

    pub fn scope(&self) -> String {
        format!("services.{}", self.name)
    }

    pub fn image(&self) -> Option<&str> {
        self.node.get("image").and_then(Node::as_str)
    }
}

impl Model {
    pub fn build(file: &SourceFile, tree: &Tree) -> Model {
        let mut services = Vec::new();
        for doc in yaml::parse_documents(file, tree) {
            for e in doc.get("services").into_iter().flat_map(Node::iter_map) {
                if e.value.is_map() {
                    services.push(Service {
                        name: e.key.clone(),
                        node: e.value.clone(),
                    });
                }
            }
        }
        Model {
            path: file.rel_path.clone(),
            services,
        }
    }

    pub fn finding(
        &self,
        rule: &'static RuleMeta,
        span: Span,
        s: &Service,
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
        .scope(s.scope())
    }
}

pub fn check(models: &[&Model], out: &mut Vec<Finding>) {
    for m in models {
        for s in &m.services {
            privileged::check(m, s, out);
            host_network::check(m, s, out);
            docker_socket::check(m, s, out);
            exposed_database_port::check(m, s, out);
        }
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use rampart_core::Language;

    pub fn run(rule: &str, text: &str) -> Vec<Finding> {
        let file = SourceFile::from_text("docker-compose.yml", Language::Compose, text);
        let tree = rampart_syntax::parse::parse(Language::Compose, text)
            .expect("yaml parses")
            .tree;
        let m = Model::build(&file, &tree);
        let mut out = Vec::new();
        check(&[&m], &mut out);
        out.retain(|f| f.rule_id == rule);
        out
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn odd_shapes_do_not_panic() {
        for text in [
            "services: [a, b]\n",
            "services:\n  db:\n    image: [postgres]\n    ports: \"5432:5432\"\n",
            "services:\n  db:\n    image: postgres\n    ports: [{}, {target: x, published: 1}, \"a:b:c:d\", \"[::\", \"99999:99999\", \"5432-x:1\"]\n    volumes: [{source: 1}, 5]\n    cap_add: ALL\n",
        ] {
            super::testing::run("compose-exposed-database-port", text);
        }
    }
}

#[cfg(test)]
mod fixture_suite {
    #[test]
    fn compose_fixture_suite() {
        crate::actions::fixtures::assert_suite("compose", "compose-");
    }
}
