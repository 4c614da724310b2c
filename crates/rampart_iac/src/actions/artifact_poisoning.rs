use super::{scope, Model, Step};
use rampart_core::{Confidence, Finding, Severity, Span};

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds `workflow_run` workflows that download artifacts produced by the triggering run
    /// (`actions/download-artifact` with `run-id`, `dawidd6/action-download-artifact`,
    /// `gh run download`, or `github-script` calling `downloadArtifact`). When the triggering
    /// workflow is in the same repository and runs on `pull_request`, the finding is certain.
    ///
    /// ## Why is this bad
    /// A `pull_request` workflow from a fork runs the fork's code, which decides what goes into
    /// its artifacts. The `workflow_run` follow-up runs with secrets and a write token; if it
    /// extracts those artifacts into its workspace (overwriting scripts, `package.json` or
    /// config) or executes or trusts their content, the pull request's author controls a
    /// privileged job.
    ///
    /// ## Example
    /// ```yaml
    /// on:
    ///   workflow_run:
    ///     workflows: [CI]
    ///     types: [completed]
    /// jobs:
    ///   report:
    ///     steps:
    ///       - uses: actions/checkout@v4
    ///       - uses: actions/download-artifact@v4
    ///         with:
    ///           run-id: ${{ github.event.workflow_run.id }}
    ///           github-token: ${{ secrets.GITHUB_TOKEN }}
    ///       - run: ./scripts/post-coverage.sh
    /// ```
    ///
    /// ## Fix
    /// Extract artifacts into a fresh directory outside the workspace (`${{ runner.temp }}`),
    /// treat their content as untrusted data (validate, never execute or `source` it), and
    /// never pass it unquoted to a shell.
    ///
    /// ## References
    /// - https://securitylab.github.com/resources/github-actions-preventing-pwn-requests/
    /// - https://www.legitsecurity.com/blog/artifact-poisoning-vulnerability-discovered-in-rust
    /// - https://cwe.mitre.org/data/definitions/829.html
    pub static RULE = {
        id: "gha-artifact-poisoning",
        name: "GhaArtifactPoisoning",
        cwe: 829,
        other_cwes: [494],
        severity: High,
        languages: [GithubActions],
        summary: "Privileged `workflow_run` workflow consumes artifacts from an untrusted run",
        help: "Extract artifacts outside the workspace and treat their content as untrusted",
    }
}

pub fn check(wf: &Model, all: &[&Model], out: &mut Vec<Finding>) {
    let Some(trigger) = wf.trigger("workflow_run") else {
        return;
    };
    let upstream: Vec<&str> = trigger
        .config
        .get("workflows")
        .map(|w| w.scalars().into_iter().filter_map(|n| n.as_str()).collect())
        .unwrap_or_default();
    let known: Vec<&&Model> = all
        .iter()
        .filter(|m| upstream.contains(&m.name.as_str()))
        .collect();
    let from_pr = known
        .iter()
        .find(|m| m.has_trigger("pull_request") || m.has_trigger("pull_request_target"));
    // The producer is in this scan and never runs on pull requests: its artifacts are trusted.
    if from_pr.is_none() && !known.is_empty() {
        return;
    }
    for job in &wf.jobs {
        for (i, step) in job.steps.iter().enumerate() {
            let Some((span, into_workspace)) = downloads_run_artifacts(step) else {
                continue;
            };
            let runs_after = job.steps[i + 1..].iter().any(Step::executes_code);
            let producer = match from_pr {
                Some(m) => format!(" from `{}`, which runs on pull requests,", m.name),
                None => String::new(),
            };
            let place = if into_workspace {
                "into the workspace"
            } else {
                "into a directory"
            };
            let message = format!(
                "Step {} in job {} of workflow `{}` (triggered by `workflow_run`) downloads artifacts{producer} {place}{}",
                step.label(),
                job.label(),
                wf.name,
                if runs_after { " and then runs code in a privileged context" } else { " in a privileged context" }
            );
            let mut b = wf
                .finding(&RULE, span, scope(job, Some(step)), message)
                .anchor(step.key());
            if from_pr.is_none() {
                b = b.confidence(Confidence::Medium);
            }
            if !into_workspace && !runs_after {
                b = b.severity(Severity::Medium);
            }
            out.push(b.build());
        }
    }
}

/// A download of another run's artifacts: where, and whether into the workspace root.
fn downloads_run_artifacts(step: &Step) -> Option<(Span, bool)> {
    let into_workspace = |s: &Step| {
        s.input_value("path").is_none_or(|p| {
            matches!(
                p.trim().trim_end_matches('/'),
                "" | "." | "${{ github.workspace }}"
            )
        })
    };
    match step.action().as_deref() {
        Some("actions/download-artifact") => {
            let cross_run = step.input("run-id").is_some() || step.input("github-token").is_some();
            let uses = step.uses.as_ref()?;
            cross_run.then(|| (uses.span, into_workspace(step)))
        }
        Some("dawidd6/action-download-artifact") => {
            step.uses.as_ref().map(|u| (u.span, into_workspace(step)))
        }
        Some("actions/github-script") => {
            let script = step.input("script")?.value.as_ref()?;
            let line = script
                .lines
                .iter()
                .find(|l| l.text.contains("downloadArtifact"))?;
            Some((line.span, true))
        }
        _ => {
            let run = step.run.as_ref()?;
            let line = run
                .lines
                .iter()
                .find(|l| l.text.contains("gh run download"))?;
            let elsewhere = line.text.contains(" -D ") || line.text.contains("--dir");
            Some((line.span, !elsewhere))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::check;
    use super::super::testing::model_at;
    use rampart_core::Confidence;

    const ID: &str = "gha-artifact-poisoning";

    const CI: &str = "name: CI\non: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test > coverage.txt\n      - uses: actions/upload-artifact@v4\n        with:\n          name: coverage\n          path: coverage.txt\n";

    const REPORT: &str = r#"name: Coverage report
on:
  workflow_run:
    workflows: [CI]
    types: [completed]
jobs:
  comment:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/download-artifact@v4
        with:
          name: coverage
          run-id: ${{ github.event.workflow_run.id }}
          github-token: ${{ secrets.GITHUB_TOKEN }}
      - run: ./scripts/post-coverage.sh
"#;

    fn run_all(files: &[(&str, &str)]) -> Vec<rampart_core::Finding> {
        let models: Vec<_> = files.iter().map(|(p, t)| model_at(p, t)).collect();
        let refs: Vec<_> = models.iter().collect();
        let mut out = Vec::new();
        check(&refs, &mut out);
        out.retain(|f| f.rule_id == ID);
        out
    }

    #[test]
    fn flags_downloads_from_pull_request_runs() {
        let f = run_all(&[
            (".github/workflows/ci.yml", CI),
            (".github/workflows/report.yml", REPORT),
        ]);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].location.span.start_line, 11);
        assert_eq!(f[0].confidence, Confidence::High);
        assert!(f[0].message.contains("`CI`"));
        let alone = run_all(&[(".github/workflows/report.yml", REPORT)]);
        assert_eq!(alone[0].confidence, Confidence::Medium);
    }

    #[test]
    fn trusted_producers_and_same_run_downloads_are_fine() {
        let push_ci = CI.replace("on: pull_request", "on: push");
        assert!(run_all(&[
            (".github/workflows/ci.yml", &push_ci),
            (".github/workflows/report.yml", REPORT)
        ])
        .is_empty());
        let same_run = "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/download-artifact@v4\n        with:\n          name: dist\n";
        assert!(run_all(&[(".github/workflows/d.yml", same_run)]).is_empty());
    }
}
