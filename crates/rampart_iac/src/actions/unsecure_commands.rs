use super::{scope, EnvVar, Job, Model, Step};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds workflows that set `ACTIONS_ALLOW_UNSECURE_COMMANDS: true` or still use the
    /// removed `::set-env` and `::add-path` workflow commands.
    ///
    /// ## Why is this bad
    /// `set-env` and `add-path` were disabled because any process that can write to the log
    /// (a test printing an issue title, a dependency, a malicious file name) can use them to set
    /// `LD_PRELOAD`, `NODE_OPTIONS` or `PATH` for every later step and so run code in the job.
    /// Re-enabling them brings that injection back.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   ACTIONS_ALLOW_UNSECURE_COMMANDS: true
    /// steps:
    ///   - run: echo "::set-env name=VERSION::$(cat VERSION)"
    /// ```
    ///
    /// ## Fix
    /// Remove the variable and write to the environment files instead:
    /// `echo "VERSION=$(cat VERSION)" >> "$GITHUB_ENV"` and `echo "$DIR" >> "$GITHUB_PATH"`.
    ///
    /// ## References
    /// - https://github.blog/changelog/2020-10-01-github-actions-deprecating-set-env-and-add-path-commands/
    /// - https://cwe.mitre.org/data/definitions/94.html
    pub static RULE = {
        id: "gha-unsecure-commands",
        name: "GhaUnsecureCommands",
        cwe: 94,
        other_cwes: [77],
        severity: High,
        languages: [GithubActions],
        summary: "Deprecated, injectable `set-env`/`add-path` workflow commands enabled",
        help: "Remove `ACTIONS_ALLOW_UNSECURE_COMMANDS` and write to `$GITHUB_ENV`/`$GITHUB_PATH`",
    }
}

pub fn check(wf: &Model, out: &mut Vec<Finding>) {
    env_flag(wf, None, None, &wf.env, out);
    for job in &wf.jobs {
        env_flag(wf, Some(job), None, &job.env, out);
        for step in &job.steps {
            env_flag(wf, Some(job), Some(step), &step.env, out);
            let Some(run) = &step.run else {
                continue;
            };
            if let Some(line) = run
                .lines
                .iter()
                .find(|l| l.text.contains("::set-env ") || l.text.contains("::add-path::"))
            {
                let message = format!(
                    "Step {} in job {} of workflow `{}` uses the removed `set-env`/`add-path` workflow command",
                    step.label(),
                    job.label(),
                    wf.name
                );
                out.push(
                    wf.finding(&RULE, line.span, scope(job, Some(step)), message)
                        .anchor(line.text.clone())
                        .build(),
                );
            }
        }
    }
}

fn env_flag(
    wf: &Model,
    job: Option<&Job>,
    step: Option<&Step>,
    env: &[EnvVar],
    out: &mut Vec<Finding>,
) {
    for var in env {
        if !var
            .name
            .eq_ignore_ascii_case("ACTIONS_ALLOW_UNSECURE_COMMANDS")
        {
            continue;
        }
        let enabled = var.value.as_ref().is_some_and(|v| {
            matches!(
                v.value.trim().to_ascii_lowercase().as_str(),
                "true" | "1" | "yes"
            )
        });
        if !enabled {
            continue;
        }
        let (whose, fp_scope) = match (job, step) {
            (Some(j), Some(s)) => (
                format!(
                    "Step {} in job {} of workflow `{}`",
                    s.label(),
                    j.label(),
                    wf.name
                ),
                scope(j, Some(s)),
            ),
            (Some(j), None) => (
                format!("Job {} of workflow `{}`", j.label(), wf.name),
                scope(j, None),
            ),
            _ => (format!("Workflow `{}`", wf.name), "workflow".to_string()),
        };
        let message = format!(
            "{whose} sets `ACTIONS_ALLOW_UNSECURE_COMMANDS`, re-enabling the injectable `set-env` and `add-path` commands"
        );
        out.push(
            wf.finding(&RULE, var.key_span, fp_scope, message)
                .anchor("ACTIONS_ALLOW_UNSECURE_COMMANDS")
                .build(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;

    const ID: &str = "gha-unsecure-commands";

    #[test]
    fn flags_the_variable_and_the_commands() {
        let f = run(
            ID,
            r#"on: push
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      ACTIONS_ALLOW_UNSECURE_COMMANDS: true
    steps:
      - run: echo "::set-env name=VERSION::1.0"
"#,
        );
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].location.span.start_line, 6);
        assert_eq!(f[1].location.span.start_line, 8);
    }

    #[test]
    fn disabled_or_environment_files_are_fine() {
        let f = run(
            ID,
            r#"on: push
env:
  ACTIONS_ALLOW_UNSECURE_COMMANDS: false
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "VERSION=1.0" >> "$GITHUB_ENV"
"#,
        );
        assert!(f.is_empty());
    }
}
