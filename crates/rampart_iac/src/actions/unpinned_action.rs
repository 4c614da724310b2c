use super::{parse_uses, scope, Job, Model, Step, Text, UsesRef};
use rampart_core::{Finding, Severity};

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds third-party actions, reusable workflows and `docker://` images referenced by a
    /// tag or branch instead of a full commit SHA (or image digest). Actions published by
    /// GitHub itself (`actions/*`, `github/*`) are not reported.
    ///
    /// ## Why is this bad
    /// Tags and branches are mutable: whoever controls the action's repository (its owner, or
    /// an attacker who compromised it, as happened to `tj-actions/changed-files` in 2025) can
    /// point `v4` at new code, which then runs in your workflow with your secrets and token.
    ///
    /// ## Example
    /// ```yaml
    /// - uses: docker/login-action@v3
    /// - uses: some-org/deploy-action@main
    /// ```
    ///
    /// ## Fix
    /// Pin to the full 40-character commit SHA and keep the tag in a comment; Dependabot and
    /// Renovate update both:
    /// ```yaml
    /// - uses: docker/login-action@74a5d142397b4f367a81961eba4e8cd7edddf772 # v3.4.0
    /// ```
    ///
    /// ## References
    /// - https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#using-third-party-actions
    /// - https://cwe.mitre.org/data/definitions/829.html
    pub static RULE = {
        id: "gha-unpinned-action",
        name: "GhaUnpinnedAction",
        cwe: 829,
        other_cwes: [1357],
        severity: Medium,
        languages: [GithubActions],
        summary: "Third-party action not pinned to a commit SHA",
        help: "Pin the action to a full commit SHA (keep the version in a comment)",
    }
}

/// Owners whose actions GitHub itself publishes and maintains.
const FIRST_PARTY: &[&str] = &["actions", "github"];

const BRANCH_NAMES: &[&str] = &[
    "main", "master", "develop", "dev", "trunk", "latest", "HEAD",
];

pub fn check(wf: &Model, out: &mut Vec<Finding>) {
    for job in &wf.jobs {
        if let Some(uses) = &job.uses {
            report(wf, job, None, uses, out);
        }
        for step in &job.steps {
            if let Some(uses) = &step.uses {
                report(wf, job, Some(step), uses, out);
            }
        }
    }
}

fn report(wf: &Model, job: &Job, step: Option<&Step>, uses: &Text, out: &mut Vec<Finding>) {
    let (problem, severity) = match parse_uses(&uses.value) {
        UsesRef::Local => return,
        UsesRef::Docker(image) => {
            if image.contains("@sha256:") {
                return;
            }
            (
                "a Docker image referenced by tag, not by digest".to_string(),
                RULE.severity,
            )
        }
        UsesRef::Repo { owner, git_ref, .. } => {
            if FIRST_PARTY.contains(&owner.to_ascii_lowercase().as_str()) {
                return;
            }
            match git_ref {
                Some(r) if is_commit_sha(r) => return,
                Some(r) if BRANCH_NAMES.contains(&r) => (
                    format!("a third-party action that follows the branch `{r}`"),
                    Severity::High,
                ),
                Some(r) => (
                    format!("a third-party action pinned to the mutable ref `{r}`"),
                    RULE.severity,
                ),
                None => (
                    "a third-party action with no ref at all".to_string(),
                    Severity::High,
                ),
            }
        }
    };
    let whose = match step {
        Some(s) => format!("Step {} in job {}", s.label(), job.label()),
        None => format!("Job {}", job.label()),
    };
    let message = format!(
        "{whose} of workflow `{}` uses `{}`, {problem} instead of a full commit SHA",
        wf.name, uses.value
    );
    out.push(
        wf.finding(&RULE, uses.span, scope(job, step), message)
            .anchor(uses.value.clone())
            .severity(severity)
            .build(),
    );
}

fn is_commit_sha(r: &str) -> bool {
    r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use rampart_core::Severity;

    const ID: &str = "gha-unpinned-action";

    #[test]
    fn flags_tags_branches_and_docker_tags() {
        let f = run(
            ID,
            r#"name: Release
on:
  push:
    tags: ['v*']
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: docker/login-action@v3
      - uses: softprops/action-gh-release@master
      - uses: docker://ghcr.io/org/tool:1.2
  shared:
    uses: some-org/workflows/.github/workflows/deploy.yml@v1
"#,
        );
        assert_eq!(f.len(), 4, "{f:#?}");
        assert_eq!(f[0].location.span.start_line, 10);
        assert!(f[0].message.contains("docker/login-action@v3"));
        assert_eq!(f[1].severity, Severity::High);
        assert!(f[3].message.contains("Job `shared`"));
    }

    #[test]
    fn sha_pins_first_party_and_local_are_fine() {
        let f = run(
            ID,
            r#"on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: github/codeql-action/init@v3
      - uses: docker/setup-buildx-action@b5ca514318bd6ebac0fb2aedd5d36ec1b5c232a2 # v3.10.0
      - uses: ./.github/actions/setup
      - uses: docker://alpine@sha256:a8560b36e8b8210634f77d9f7f9efd7ffa463e380b75e2e74aff4511df3ef88c
  reuse:
    uses: ./.github/workflows/test.yml
"#,
        );
        assert!(f.is_empty(), "{f:#?}");
    }
}
