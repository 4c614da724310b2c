use super::{scope, Job, Model, PermLevel, Permissions};
use rampart_core::{Confidence, Finding, Severity};

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds workflows and jobs whose `GITHUB_TOKEN` gets more than they need:
    /// `permissions: write-all`, write scopes granted to jobs that never use the token, and
    /// workflows with no `permissions` block at all (whose jobs then get the repository's
    /// default, read-write on many repositories).
    ///
    /// ## Why is this bad
    /// Every step of a job can read its token. If any of them is compromised (a poisoned
    /// dependency, a hijacked action, a script injection) the token's scopes decide the damage:
    /// with `contents: write` it can push to branches and tags, with `actions: write` rewrite
    /// workflows' caches, with `id-token: write` impersonate the repository in your cloud.
    ///
    /// ## Example
    /// ```yaml
    /// permissions: write-all
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - uses: actions/checkout@v4
    ///       - run: npm test
    /// ```
    ///
    /// ## Fix
    /// Default to read-only at the top and grant write scopes only to the job that needs them:
    /// ```yaml
    /// permissions:
    ///   contents: read
    /// jobs:
    ///   release:
    ///     permissions:
    ///       contents: write
    /// ```
    ///
    /// ## References
    /// - https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/controlling-permissions-for-github_token
    /// - https://cwe.mitre.org/data/definitions/732.html
    pub static RULE = {
        id: "gha-excessive-permissions",
        name: "GhaExcessivePermissions",
        cwe: 732,
        other_cwes: [250, 269],
        severity: Medium,
        languages: [GithubActions],
        summary: "Workflow token has broader permissions than the job needs",
        help: "Set `permissions: contents: read` at the top and grant write scopes per job",
    }
}

/// Write scopes that popular actions need; an action listed with none only reads. Any other
/// action may use any scope.
const ACTION_SCOPES: &[(&str, &[&str])] = &[
    ("actions/checkout", &[]),
    ("actions/setup-node", &[]),
    ("actions/setup-python", &[]),
    ("actions/setup-go", &[]),
    ("actions/setup-java", &[]),
    ("actions/setup-dotnet", &[]),
    ("actions/cache", &[]),
    ("actions/upload-artifact", &[]),
    ("actions/download-artifact", &[]),
    ("actions/upload-pages-artifact", &[]),
    ("pnpm/action-setup", &[]),
    ("dtolnay/rust-toolchain", &[]),
    ("swatinem/rust-cache", &[]),
    ("astral-sh/setup-uv", &[]),
    ("oven-sh/setup-bun", &[]),
    ("ruby/setup-ruby", &[]),
    ("shivammathur/setup-php", &[]),
    ("hashicorp/setup-terraform", &[]),
    ("docker/setup-buildx-action", &[]),
    ("docker/setup-qemu-action", &[]),
    ("docker/metadata-action", &[]),
    ("azure/setup-helm", &[]),
    ("azure/setup-kubectl", &[]),
    ("codecov/codecov-action", &["id-token"]),
    ("actions/labeler", &["pull-requests", "issues"]),
    ("actions/stale", &["issues", "pull-requests"]),
    ("actions/first-interaction", &["issues", "pull-requests"]),
    ("actions/deploy-pages", &["pages", "id-token"]),
    (
        "actions/attest-build-provenance",
        &["id-token", "attestations"],
    ),
    (
        "peter-evans/create-or-update-comment",
        &["issues", "pull-requests"],
    ),
    (
        "marocchino/sticky-pull-request-comment",
        &["pull-requests", "issues"],
    ),
    ("softprops/action-gh-release", &["contents"]),
    ("ncipollo/release-action", &["contents"]),
    ("peaceiris/actions-gh-pages", &["contents"]),
    ("stefanzweifel/git-auto-commit-action", &["contents"]),
    ("docker/login-action", &["packages"]),
    ("docker/build-push-action", &["packages"]),
    ("aws-actions/configure-aws-credentials", &["id-token"]),
    ("google-github-actions/auth", &["id-token"]),
    ("azure/login", &["id-token"]),
    ("pypa/gh-action-pypi-publish", &["id-token"]),
    ("github/codeql-action", &["security-events"]),
];

/// Script text that uses the token or publishes something with it.
const TOKEN_USES: &[&str] = &[
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "github.token",
    "gh ",
    "git push",
    "git tag",
    "api.github.com",
    "ghcr.io",
    "publish",
    "release",
    "gh-pages",
    "changeset",
];

pub fn check(wf: &Model, out: &mut Vec<Finding>) {
    if let Some(p) = &wf.permissions {
        let inheriting: Vec<&Job> = wf.jobs.iter().filter(|j| j.permissions.is_none()).collect();
        check_block(wf, None, p, &inheriting, out);
    } else if !called_only(wf) {
        let without: Vec<&Job> = wf.jobs.iter().filter(|j| j.permissions.is_none()).collect();
        if !without.is_empty() {
            if let Some(on) = wf.on_span {
                let names: Vec<String> = without.iter().take(5).map(|j| j.label()).collect();
                let message = format!(
                    "Workflow `{}` sets no `permissions`, so job{} {} run{} with the repository's default token permissions, which may be read-write",
                    wf.name,
                    if without.len() == 1 { "" } else { "s" },
                    names.join(", "),
                    if without.len() == 1 { "s" } else { "" },
                );
                out.push(
                    wf.finding(&RULE, on, "workflow".to_string(), message)
                        .anchor("missing permissions")
                        .severity(Severity::Low)
                        .confidence(Confidence::Medium)
                        .build(),
                );
            }
        }
    }
    for job in &wf.jobs {
        if let Some(p) = &job.permissions {
            check_block(wf, Some(job), p, &[job], out);
        }
    }
}

/// A reusable workflow's token is the caller's: its permissions are decided there.
fn called_only(wf: &Model) -> bool {
    !wf.triggers.is_empty() && wf.triggers.iter().all(|t| t.event == "workflow_call")
}

/// Checks one `permissions` block against the jobs it applies to.
fn check_block(
    wf: &Model,
    owner: Option<&Job>,
    p: &Permissions,
    jobs: &[&Job],
    out: &mut Vec<Finding>,
) {
    let (where_, fp_scope) = match owner {
        Some(j) => (
            format!("Job {} of workflow `{}`", j.label(), wf.name),
            scope(j, None),
        ),
        None => (format!("Workflow `{}`", wf.name), "workflow".to_string()),
    };
    match &p.level {
        PermLevel::WriteAll => {
            let message = format!(
                "{where_} grants `permissions: write-all`: every step can push code, edit releases and change repository settings with the token"
            );
            out.push(
                wf.finding(&RULE, p.span, fp_scope, message)
                    .anchor("write-all")
                    .severity(Severity::High)
                    .build(),
            );
        }
        PermLevel::Scopes(scopes) => {
            if jobs.is_empty() {
                return;
            }
            let needs: Vec<Needs> = jobs.iter().map(|j| scopes_needed(j)).collect();
            for s in scopes.iter().filter(|s| s.access == "write") {
                if needs.iter().any(|n| n.includes(&s.name)) {
                    continue;
                }
                let names: Vec<String> = jobs.iter().take(5).map(|j| j.label()).collect();
                let message = format!(
                    "{where_} grants `{}: write`, but no step of job{} {} needs it",
                    s.name,
                    if jobs.len() == 1 { "" } else { "s" },
                    names.join(", "),
                );
                out.push(
                    wf.finding(&RULE, s.span, fp_scope.clone(), message)
                        .anchor(format!("{}: write", s.name))
                        .confidence(Confidence::Medium)
                        .build(),
                );
            }
        }
        PermLevel::ReadAll | PermLevel::Other => {}
    }
}

/// The write scopes a job's steps can use.
enum Needs {
    Any,
    Only(Vec<&'static str>),
}

impl Needs {
    fn includes(&self, scope: &str) -> bool {
        match self {
            Needs::Any => true,
            Needs::Only(v) => v.contains(&scope),
        }
    }
}

/// Known actions contribute their scopes; unknown actions, reusable workflows and scripts
/// that use the token or publish may need any scope.
fn scopes_needed(job: &Job) -> Needs {
    if job.uses.is_some() {
        return Needs::Any;
    }
    let mut needed = Vec::new();
    for s in &job.steps {
        let env_mentions = s
            .env
            .iter()
            .chain(&job.env)
            .filter_map(|e| e.value.as_ref())
            .any(|v| mentions_token(&v.value));
        let script_uses = s
            .run
            .as_ref()
            .is_some_and(|r| TOKEN_USES.iter().any(|t| r.value.contains(t)));
        if env_mentions || script_uses {
            return Needs::Any;
        }
        match s.action() {
            Some(a) => match ACTION_SCOPES.iter().find(|(slug, _)| *slug == a) {
                Some((_, scopes)) => needed.extend_from_slice(scopes),
                None => return Needs::Any,
            },
            // `docker://` images and local actions: unknown.
            None if s.uses.is_some() => return Needs::Any,
            None => {}
        }
    }
    Needs::Only(needed)
}

fn mentions_token(v: &str) -> bool {
    v.contains("GITHUB_TOKEN") || v.contains("github.token")
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use rampart_core::Severity;

    const ID: &str = "gha-excessive-permissions";

    #[test]
    fn flags_write_all_and_unused_write_scopes() {
        let f = run(
            ID,
            r#"name: CI
on: [push, pull_request]
permissions: write-all
jobs:
  test:
    runs-on: ubuntu-latest
    permissions:
      contents: write
      pull-requests: write
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
      - run: npm ci && npm test
"#,
        );
        assert_eq!(f.len(), 3, "{f:#?}");
        assert_eq!(f[0].severity, Severity::High);
        assert_eq!(f[0].location.span.start_line, 3);
        assert!(f[1].message.contains("`contents: write`"));
        assert!(f[1].message.contains("no step of job `test` needs it"));
        assert_eq!(f[1].location.span.start_line, 8);
    }

    #[test]
    fn flags_scopes_known_actions_do_not_need() {
        let f = run(
            ID,
            r#"on: pull_request_target
permissions:
  contents: write
  pull-requests: write
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/labeler@v5
"#,
        );
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(f[0].message.contains("`contents: write`"));
    }

    #[test]
    fn flags_missing_permissions_once() {
        let f = run(
            ID,
            "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Low);
        assert!(f[0].message.contains("`a`, `b`"));
    }

    #[test]
    fn reusable_workflows_inherit_the_callers_permissions() {
        let f = run(
            ID,
            "on:\n  workflow_call:\n    inputs:\n      env:\n        type: string\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make deploy\n",
        );
        assert!(f.is_empty());
    }

    #[test]
    fn used_write_scopes_and_read_only_are_fine() {
        let f = run(
            ID,
            r#"on:
  push:
    tags: ['v*']
permissions:
  contents: read
jobs:
  release:
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - uses: actions/checkout@v4
      - run: gh release create "$GITHUB_REF_NAME" --generate-notes
        env:
          GH_TOKEN: ${{ github.token }}
  deploy:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::123456789012:role/deploy
          aws-region: us-east-1
"#,
        );
        assert!(f.is_empty(), "{f:#?}");
    }
}
