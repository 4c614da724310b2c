//! Infrastructure-as-code checks: Dockerfile, Terraform, GitHub Actions, Kubernetes, Compose.
//!
//! Each file is first turned into a compact model (its syntax tree is dropped right after), then
//! checked. Checks that need several files (a Terraform module is a directory; cache poisoning
//! spans workflows) run over all models of their kind at once.

pub mod actions;
pub mod compose;
pub mod dockerfile;
pub mod kubernetes;
pub mod terraform;
pub mod yaml;

use rampart_core::{Finding, Language, RuleMeta};
use rampart_syntax::SourceFile;
use tree_sitter::Tree;

/// One infrastructure file, modelled.
pub enum IacFile {
    Dockerfile(dockerfile::Model),
    Terraform(terraform::Model),
    Workflow(actions::Model),
    Kubernetes(kubernetes::Model),
    Compose(compose::Model),
}

/// Models one file, or `None` when it is not infrastructure code.
pub fn prepare(file: &SourceFile, tree: &Tree) -> Option<IacFile> {
    Some(match file.language {
        Language::Dockerfile => IacFile::Dockerfile(dockerfile::Model::build(file, tree)),
        Language::Terraform => IacFile::Terraform(terraform::Model::build(file, tree)),
        Language::GithubActions => IacFile::Workflow(actions::Model::build(file, tree)),
        Language::Kubernetes => IacFile::Kubernetes(kubernetes::Model::build(file, tree)),
        Language::Compose => IacFile::Compose(compose::Model::build(file, tree)),
        _ => return None,
    })
}

/// Runs every infrastructure check over the modelled files.
pub fn check(files: &[IacFile]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut docker = Vec::new();
    let mut tf = Vec::new();
    let mut wf = Vec::new();
    let mut k8s = Vec::new();
    let mut compose = Vec::new();
    for f in files {
        match f {
            IacFile::Dockerfile(m) => docker.push(m),
            IacFile::Terraform(m) => tf.push(m),
            IacFile::Workflow(m) => wf.push(m),
            IacFile::Kubernetes(m) => k8s.push(m),
            IacFile::Compose(m) => compose.push(m),
        }
    }
    dockerfile::check(&docker, &mut out);
    terraform::check(&tf, &mut out);
    actions::check(&wf, &mut out);
    kubernetes::check(&k8s, &mut out);
    compose::check(&compose, &mut out);
    out
}

/// Metadata of every infrastructure rule.
pub fn all_rules() -> Vec<&'static RuleMeta> {
    let mut v = Vec::new();
    v.extend_from_slice(dockerfile::RULES);
    v.extend_from_slice(terraform::RULES);
    v.extend_from_slice(actions::RULES);
    v.extend_from_slice(kubernetes::RULES);
    v.extend_from_slice(compose::RULES);
    v
}

#[cfg(test)]
mod tests {
    /// Every infrastructure rule is named for its area and documented under the fixed headings
    /// with its CWE.
    #[test]
    fn rules_are_documented() {
        let areas: [(&str, &[&rampart_core::RuleMeta]); 5] = [
            ("docker-", super::dockerfile::RULES),
            ("tf-", super::terraform::RULES),
            ("gha-", super::actions::RULES),
            ("k8s-", super::kubernetes::RULES),
            ("compose-", super::compose::RULES),
        ];
        for (prefix, rules) in areas {
            for rule in rules {
                assert!(rule.id.starts_with(prefix), "{}", rule.id);
                let docs = rule.docs_markdown();
                for heading in [
                    "## What it does",
                    "## Why is this bad",
                    "## Example",
                    "## Fix",
                    "## References",
                ] {
                    assert!(docs.contains(heading), "{} lacks {heading}", rule.id);
                }
                assert!(
                    docs.contains("https://cwe.mitre.org/data/definitions/"),
                    "{}",
                    rule.id
                );
            }
        }
    }
}
