use super::{scope, Model};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds jobs that run on `self-hosted` runners in workflows triggered by pull requests or
    /// comments (`pull_request`, `pull_request_target`, `pull_request_review`,
    /// `issue_comment`, ...), which outside contributors can start.
    ///
    /// ## Why is this bad
    /// A self-hosted runner is your machine. In a public repository anyone can open a pull
    /// request whose workflow or build scripts then run on it; unlike GitHub's ephemeral
    /// runners, a persistent self-hosted runner keeps what the attacker leaves behind (a
    /// backdoor, a poisoned tool cache) for the next, privileged job, and sits inside your
    /// network.
    ///
    /// ## Example
    /// ```yaml
    /// on: pull_request
    /// jobs:
    ///   test:
    ///     runs-on: [self-hosted, linux, gpu]
    /// ```
    ///
    /// ## Fix
    /// Run pull request jobs on GitHub-hosted runners, or use ephemeral, isolated self-hosted
    /// runners (just-in-time runners, Actions Runner Controller) in a runner group restricted
    /// to trusted workflows, and require approval for workflows from outside collaborators.
    ///
    /// ## References
    /// - https://docs.github.com/en/actions/hosting-your-own-runners/managing-self-hosted-runners/about-self-hosted-runners#self-hosted-runner-security
    /// - https://cwe.mitre.org/data/definitions/668.html
    pub static RULE = {
        id: "gha-self-hosted-runner",
        name: "GhaSelfHostedRunner",
        cwe: 668,
        other_cwes: [829],
        severity: Medium,
        languages: [GithubActions],
        summary: "Self-hosted runner used by a workflow that outside contributors can trigger",
        help: "Use GitHub-hosted or ephemeral isolated runners for pull request workflows",
    }
}

const PUBLIC_TRIGGERS: &[&str] = &[
    "pull_request",
    "pull_request_target",
    "pull_request_review",
    "pull_request_review_comment",
    "issue_comment",
    "issues",
    "discussion",
    "discussion_comment",
];

pub fn check(wf: &Model, out: &mut Vec<Finding>) {
    let Some(trigger) = wf
        .triggers
        .iter()
        .find(|t| PUBLIC_TRIGGERS.contains(&t.event.as_str()))
    else {
        return;
    };
    for job in &wf.jobs {
        let Some((label, span)) = job
            .runs_on
            .iter()
            .find(|(l, _)| l.eq_ignore_ascii_case("self-hosted"))
        else {
            continue;
        };
        let message = format!(
            "Job {} of workflow `{}` runs on a `{label}` runner although `{}` lets outside contributors trigger it",
            job.label(),
            wf.name,
            trigger.event
        );
        out.push(
            wf.finding(&RULE, *span, scope(job, None), message)
                .anchor("self-hosted")
                .build(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;

    const ID: &str = "gha-self-hosted-runner";

    #[test]
    fn flags_self_hosted_on_pull_request() {
        let f = run(
            ID,
            "on:\n  pull_request:\n    branches: [main]\njobs:\n  gpu-tests:\n    runs-on: [self-hosted, linux, gpu]\n    steps:\n      - run: pytest\n",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].location.span.start_line, 6);
        assert!(f[0].message.contains("`gpu-tests`"));
    }

    #[test]
    fn hosted_runners_or_trusted_triggers_are_fine() {
        assert!(run(ID, "on: pull_request\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n").is_empty());
        assert!(run(ID, "on:\n  push:\n    branches: [main]\njobs:\n  t:\n    runs-on: self-hosted\n    steps:\n      - run: make\n").is_empty());
    }
}
