use super::pwn_request::untrusted_checkout;
use super::{scope, Model, Step};
use rampart_core::{Finding, Severity};

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds `actions/checkout` steps that leave `persist-credentials` at its default (`true`)
    /// when the job afterwards either uploads the checked-out directory as an artifact, or
    /// runs code from an untrusted pull request in a privileged workflow.
    ///
    /// ## Why is this bad
    /// By default `actions/checkout` writes the job's token into `.git/config`, where every
    /// later step can read it. Uploading the workspace puts that token into an artifact anyone
    /// with read access can download ("ArtiPACKED"); running pull request code hands it to the
    /// pull request's author, and in `pull_request_target` or `workflow_run` workflows that
    /// token can write to the repository.
    ///
    /// ## Example
    /// ```yaml
    /// - uses: actions/checkout@v4
    /// - run: npm run build
    /// - uses: actions/upload-artifact@v4
    ///   with:
    ///     path: .
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - uses: actions/checkout@v4
    ///   with:
    ///     persist-credentials: false
    /// ```
    /// and upload only the build output directory.
    ///
    /// ## References
    /// - https://unit42.paloaltonetworks.com/github-repo-artifacts-leak-tokens/
    /// - https://github.com/actions/checkout#usage
    /// - https://cwe.mitre.org/data/definitions/522.html
    pub static RULE = {
        id: "gha-persist-credentials",
        name: "GhaPersistCredentials",
        cwe: 522,
        other_cwes: [200],
        severity: Medium,
        languages: [GithubActions],
        summary: "Checkout keeps the token on disk before untrusted code or an artifact upload",
        help: "Set `persist-credentials: false` on `actions/checkout`",
    }
}

pub fn check(wf: &Model, out: &mut Vec<Finding>) {
    for job in &wf.jobs {
        for (i, step) in job.steps.iter().enumerate() {
            if !step.uses_action("actions/checkout") || !persists(step) {
                continue;
            }
            let later = &job.steps[i + 1..];
            let upload = later.iter().find(|s| uploads_workspace(s));
            let untrusted_run = wf.privileged_trigger().is_some()
                && untrusted_checkout(step).is_some()
                && later.iter().any(Step::executes_code);
            let (why, severity) = match (upload, untrusted_run) {
                (_, true) => (
                    "then runs the pull request's code, which can read the token".to_string(),
                    Severity::High,
                ),
                (Some(u), false) => (
                    format!(
                        "then uploads the workspace, token included, in step {}",
                        u.label()
                    ),
                    RULE.severity,
                ),
                (None, false) => continue,
            };
            let Some(uses) = &step.uses else {
                continue;
            };
            let message = format!(
                "Checkout step {} in job {} of workflow `{}` keeps the token in `.git/config` (`persist-credentials` is not `false`) and {why}",
                step.label(),
                job.label(),
                wf.name
            );
            out.push(
                wf.finding(&RULE, uses.span, scope(job, Some(step)), message)
                    .anchor(uses.value.clone())
                    .severity(severity)
                    .build(),
            );
        }
    }
}

fn persists(checkout: &Step) -> bool {
    !matches!(
        checkout.input_value("persist-credentials").map(str::trim),
        Some("false" | "False" | "FALSE")
    )
}

/// An artifact upload whose paths include the repository root or its `.git` directory.
fn uploads_workspace(step: &Step) -> bool {
    if !step.uses_action("actions/upload-artifact") {
        return false;
    }
    step.input_value("path").is_some_and(|paths| {
        paths.lines().map(str::trim).any(|p| {
            let p = p.trim_end_matches('/');
            matches!(p, "." | "" | "*" | "**" | "./*" | "${{ github.workspace }}")
                || p.split('/').any(|seg| seg == ".git")
        }) && !paths.trim().is_empty()
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;

    const ID: &str = "gha-persist-credentials";

    #[test]
    fn flags_workspace_upload_and_untrusted_code() {
        let f = run(
            ID,
            r#"on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci && npm run build
      - uses: actions/upload-artifact@v4
        with:
          name: site
          path: .
"#,
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].location.span.start_line, 6);
        let g = run(
            ID,
            r#"on: pull_request_target
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.ref }}
      - run: make test
"#,
        );
        assert_eq!(g.len(), 1);
    }

    #[test]
    fn disabled_persistence_or_narrow_uploads_are_fine() {
        let f = run(
            ID,
            r#"on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci && npm run build
      - uses: actions/upload-artifact@v4
        with:
          path: dist/
  pack:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - uses: actions/upload-artifact@v4
        with:
          path: .
"#,
        );
        assert!(f.is_empty(), "{f:#?}");
    }
}
