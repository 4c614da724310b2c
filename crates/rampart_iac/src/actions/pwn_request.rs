use super::expr;
use super::{scope, Job, Model, Step};
use rampart_core::{Confidence, Finding, Span};

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds `pull_request_target`, `workflow_run` and `issue_comment` workflows that check out
    /// the pull request's code (its head ref or SHA, `refs/pull/N/merge`, `gh pr checkout`) and
    /// then run it: a build, tests, an install script or a local action.
    ///
    /// ## Why is this bad
    /// These triggers run in the context of the base repository, with its secrets and a token
    /// that can write to it, even for pull requests from forks. Building or testing the pull
    /// request's code there lets anyone who opens a pull request run code with those privileges
    /// (a "pwn request"): `npm install` alone runs the fork's lifecycle scripts.
    ///
    /// ## Example
    /// ```yaml
    /// on: pull_request_target
    /// jobs:
    ///   test:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - uses: actions/checkout@v4
    ///         with:
    ///           ref: ${{ github.event.pull_request.head.sha }}
    ///       - run: npm ci && npm test
    /// ```
    ///
    /// ## Fix
    /// Build and test pull requests with the unprivileged `pull_request` trigger. If a
    /// privileged follow-up is needed (commenting, labelling), do it in a separate
    /// `workflow_run` job that never executes the pull request's code, or gate the job behind
    /// an environment with required reviewers.
    ///
    /// ## References
    /// - https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/
    /// - https://docs.github.com/en/actions/writing-workflows/choosing-when-your-workflow-runs/events-that-trigger-workflows#pull_request_target
    /// - https://cwe.mitre.org/data/definitions/829.html
    pub static RULE = {
        id: "gha-pwn-request",
        name: "GhaPwnRequest",
        cwe: 829,
        other_cwes: [94],
        severity: Critical,
        languages: [GithubActions],
        summary: "Privileged workflow checks out and runs pull request code",
        help: "Run untrusted pull request code only under the `pull_request` trigger",
    }
}

/// Contexts that name the pull request's (attacker's) code.
const UNTRUSTED_REF_CONTEXTS: &[&str] = &[
    "github.event.pull_request.head.sha",
    "github.event.pull_request.head.ref",
    "github.event.pull_request.merge_commit_sha",
    "github.event.pull_request.head.repo.full_name",
    "github.event.pull_request.number",
    "github.event.number",
    "github.head_ref",
    "github.event.workflow_run.head_sha",
    "github.event.workflow_run.head_branch",
    "github.event.workflow_run.head_repository.full_name",
    "github.event.workflow_run.pull_requests.*.head.sha",
    "github.event.workflow_run.pull_requests.*.head.ref",
    "github.event.workflow_run.pull_requests.*.number",
    "github.event.issue.number",
];

/// Commands that fetch a pull request's code in a script.
const CHECKOUT_COMMANDS: &[&str] = &["gh pr checkout", "hub pr checkout", "pull/"];

pub fn check(wf: &Model, out: &mut Vec<Finding>) {
    let Some(trigger) = wf.privileged_trigger() else {
        return;
    };
    for job in &wf.jobs {
        if same_repository_only(job) {
            continue;
        }
        for (i, step) in job.steps.iter().enumerate() {
            let Some((span, what, certain)) = untrusted_checkout(step) else {
                continue;
            };
            let runner = job.steps[i + 1..].iter().find(|s| s.executes_code());
            let gated = job.environment
                || [job.if_cond.as_deref(), step.if_cond.as_deref()]
                    .into_iter()
                    .flatten()
                    .any(|c| c.contains("labels") || c.contains("author_association"));
            let then = match runner {
                Some(r) => format!(" and then runs it in step {}", r.label()),
                None => String::new(),
            };
            let message = format!(
                "Job {} of workflow `{}` (triggered by `{}`) checks out pull request code ({what}){then}, with the base repository's secrets and write token",
                job.label(),
                wf.name,
                trigger.event
            );
            let mut b = wf
                .finding(&RULE, span, scope(job, Some(step)), message)
                .anchor(what);
            if runner.is_none() || gated || !certain {
                b = b.confidence(Confidence::Medium);
            }
            out.push(b.build());
            break;
        }
    }
}

/// A checkout of the pull request's code: where, what it names, and whether that is certain
/// (a ref computed by an earlier step, typically from the pull request API, is likely).
pub(super) fn untrusted_checkout(step: &Step) -> Option<(Span, String, bool)> {
    if step.uses_action("actions/checkout") {
        for key in ["ref", "repository"] {
            let Some(t) = step.input(key).and_then(|i| i.value.as_ref()) else {
                continue;
            };
            let names_pr = t.exprs.iter().any(|e| {
                expr::mentioned_contexts(&e.source)
                    .iter()
                    .any(|c| UNTRUSTED_REF_CONTEXTS.contains(&c.to_ascii_lowercase().as_str()))
            }) || t.value.contains("refs/pull/");
            if names_pr {
                return Some((t.span, format!("`{key}: {}`", t.value), true));
            }
            let computed = key == "ref"
                && t.exprs.iter().any(|e| {
                    expr::mentioned_contexts(&e.source).iter().any(|c| {
                        let c = c.to_ascii_lowercase();
                        (c.starts_with("steps.") || c.starts_with("needs."))
                            && ["sha", "ref", "head", "branch", "pr"]
                                .iter()
                                .any(|w| c.rsplit('.').next().is_some_and(|last| last.contains(w)))
                    })
                });
            if computed {
                return Some((t.span, format!("`{key}: {}`", t.value), false));
            }
        }
        return None;
    }
    let run = step.run.as_ref()?;
    run.lines
        .iter()
        .find(|l| {
            let t = &l.text;
            CHECKOUT_COMMANDS.iter().any(|c| t.contains(c))
                && (t.starts_with("gh ") || t.starts_with("hub ") || t.starts_with("git "))
        })
        .map(|l| (l.span, format!("`{}`", l.text), true))
}

/// `if: github.event.pull_request.head.repo.full_name == github.repository` excludes forks.
fn same_repository_only(job: &Job) -> bool {
    job.if_cond.as_deref().is_some_and(|c| {
        let c = c.replace(' ', "");
        c.contains("head.repo.full_name==github.repository")
            || c.contains("github.repository==github.event.pull_request.head.repo.full_name")
            || c.contains("head.repo.fork==false")
            || c.contains("!github.event.pull_request.head.repo.fork")
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use rampart_core::Confidence;

    const ID: &str = "gha-pwn-request";

    #[test]
    fn flags_pull_request_target_checkout_and_build() {
        let f = run(
            ID,
            r#"name: PR checks
on:
  pull_request_target:
    types: [opened, synchronize]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - run: npm ci
      - run: npm test
"#,
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].location.span.start_line, 11);
        assert!(f[0].message.contains("`npm ci`"));
        assert_eq!(f[0].confidence, Confidence::High);
    }

    #[test]
    fn flags_gh_pr_checkout_on_issue_comment() {
        let f = run(
            ID,
            r#"on:
  issue_comment:
    types: [created]
jobs:
  benchmark:
    if: contains(github.event.comment.body, '/bench')
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: gh pr checkout ${{ github.event.issue.number }}
        env:
          GH_TOKEN: ${{ github.token }}
      - run: make bench
"#,
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].location.span.start_line, 10);
    }

    #[test]
    fn ref_computed_from_the_pull_request_api_is_likely() {
        let f = run(
            ID,
            r#"on:
  issue_comment:
    types: [created]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - id: pr
        run: echo "head_sha=$(gh pr view ${{ github.event.issue.number }} --json headRefOid -q .headRefOid)" >> "$GITHUB_OUTPUT"
      - uses: actions/checkout@v4
        with:
          ref: ${{ steps.pr.outputs.head_sha }}
      - run: make test
"#,
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].confidence, Confidence::Medium);
    }

    #[test]
    fn base_checkout_pull_request_trigger_and_same_repo_guard_are_safe() {
        let base = r#"on: pull_request_target
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/labeler@v5
"#;
        assert!(run(ID, base).is_empty());
        let unprivileged = r#"on: pull_request
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: npm test
"#;
        assert!(run(ID, unprivileged).is_empty());
        let guarded = r#"on: pull_request_target
jobs:
  test:
    if: github.event.pull_request.head.repo.full_name == github.repository
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: npm test
"#;
        assert!(run(ID, guarded).is_empty());
    }
}
