use super::pwn_request::untrusted_checkout;
use super::{scope, Model, Step, Trigger};
use rampart_core::{Finding, Severity, Span};

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds release workflows (triggered by `release` or by pushing tags) that restore the
    /// GitHub Actions cache: `actions/cache`, the `cache:` option of the `setup-*` actions
    /// (on by default in `setup-go`), `Swatinem/rust-cache`, or Docker builds with
    /// `cache-from: type=gha`. Also finds the other end: privileged workflows
    /// (`pull_request_target`, `workflow_run`, `issue_comment`) that use a cache in a job that
    /// runs a pull request's code, which lets the pull request write cache entries that
    /// default-branch and release workflows later restore.
    ///
    /// ## Why is this bad
    /// The cache is shared across workflows of the repository: any workflow that runs on the
    /// default branch, including ones that process untrusted input (`pull_request_target`,
    /// `issue_comment`) or that a compromised dependency hijacks, can write entries that the
    /// release build later restores. Poisoned dependencies or build outputs then end up in the
    /// artifacts you sign and publish.
    ///
    /// ## Example
    /// ```yaml
    /// on:
    ///   push:
    ///     tags: ['v*']
    /// jobs:
    ///   publish:
    ///     steps:
    ///       - uses: actions/setup-node@v4
    ///         with:
    ///           cache: npm
    ///       - run: npm ci && npm publish
    /// ```
    ///
    /// ## Fix
    /// Build releases from a clean state: drop caching from release workflows (`cache: ''`,
    /// `cache: false` for `setup-go`), or use a dedicated cache key prefix that only release
    /// workflows write.
    ///
    /// ## References
    /// - https://adnanthekhan.com/2024/05/06/the-monsters-in-your-build-cache-github-actions-cache-poisoning/
    /// - https://docs.github.com/en/actions/writing-workflows/choosing-what-your-workflow-does/caching-dependencies-to-speed-up-workflows#restrictions-for-accessing-a-cache
    /// - https://cwe.mitre.org/data/definitions/349.html
    pub static RULE = {
        id: "gha-cache-poisoning",
        name: "GhaCachePoisoning",
        cwe: 349,
        other_cwes: [829],
        severity: Medium,
        languages: [GithubActions],
        summary: "Release workflow restores a cache that other workflows can write",
        help: "Disable caching in release and publishing workflows",
    }
}

pub fn check(wf: &Model, out: &mut Vec<Finding>) {
    poisoned_by_pull_requests(wf, out);
    let Some(trigger) = publishing_trigger(wf) else {
        return;
    };
    // Jobs gated to pull request events never run for the release.
    let pr_only = |c: &str| c.contains("event_name == 'pull_request'");
    for job in wf
        .jobs
        .iter()
        .filter(|j| !j.if_cond.as_deref().is_some_and(pr_only))
    {
        for step in &job.steps {
            let Some((span, how)) = restores_cache(step) else {
                continue;
            };
            let message = format!(
                "Step {} in job {} of release workflow `{}` (triggered by `{}`) restores the Actions cache ({how}); entries written by other workflows can poison the release",
                step.label(),
                job.label(),
                wf.name,
                trigger.event
            );
            out.push(
                wf.finding(&RULE, span, scope(job, Some(step)), message)
                    .anchor(how)
                    .build(),
            );
        }
    }
}

/// A privileged workflow running pull request code saves caches in the base branch's scope.
fn poisoned_by_pull_requests(wf: &Model, out: &mut Vec<Finding>) {
    let Some(trigger) = wf.privileged_trigger() else {
        return;
    };
    for job in &wf.jobs {
        if !job.steps.iter().any(|s| untrusted_checkout(s).is_some()) {
            continue;
        }
        for step in &job.steps {
            let Some((span, how)) = restores_cache(step) else {
                continue;
            };
            let message = format!(
                "Step {} in job {} of workflow `{}` uses the Actions cache ({how}) in a `{}` job that runs pull request code: the pull request can write poisoned entries that default-branch and release workflows restore",
                step.label(),
                job.label(),
                wf.name,
                trigger.event
            );
            out.push(
                wf.finding(&RULE, span, scope(job, Some(step)), message)
                    .anchor(how)
                    .severity(Severity::High)
                    .build(),
            );
        }
    }
}

/// `release`, or `push` restricted to tags.
fn publishing_trigger(wf: &Model) -> Option<&Trigger> {
    wf.triggers.iter().find(|t| match t.event.as_str() {
        "release" => true,
        "push" => t.config.get("tags").is_some() && t.config.get("branches").is_none(),
        _ => false,
    })
}

fn restores_cache(step: &Step) -> Option<(Span, String)> {
    let uses = step.uses.as_ref()?;
    let action = step.action()?;
    let lower = uses.value.to_ascii_lowercase();
    let input = |key: &str| step.input(key).and_then(|i| i.value.as_ref());
    let enabled = |key: &str| {
        input(key).and_then(|t| {
            let v = t.value.trim();
            (!v.is_empty() && v != "false").then(|| (t.span, format!("`{key}: {v}`")))
        })
    };
    match action.as_str() {
        "actions/cache" if !lower.starts_with("actions/cache/save") => {
            Some((uses.span, format!("`{}`", uses.value)))
        }
        "actions/setup-node"
        | "actions/setup-python"
        | "actions/setup-java"
        | "actions/setup-dotnet" => enabled("cache").or_else(|| enabled("cache-dependency-path")),
        "actions/setup-go" => match input("cache").map(|t| t.value.trim().to_string()) {
            Some(v) if v == "false" => None,
            _ => Some((uses.span, "`setup-go` caches by default".to_string())),
        },
        "swatinem/rust-cache" => Some((uses.span, format!("`{}`", uses.value))),
        "astral-sh/setup-uv" => enabled("enable-cache"),
        "docker/build-push-action" => input("cache-from")
            .filter(|t| t.value.contains("type=gha"))
            .map(|t| (t.span, "`cache-from: type=gha`".to_string())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;

    const ID: &str = "gha-cache-poisoning";

    #[test]
    fn flags_caches_in_release_workflows() {
        let f = run(
            ID,
            r#"name: Publish
on:
  push:
    tags: ['v*.*.*']
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - uses: actions/setup-go@v5
      - run: npm ci && npm publish
"#,
        );
        assert_eq!(f.len(), 2, "{f:#?}");
        assert_eq!(f[0].location.span.start_line, 13);
    }

    #[test]
    fn flags_caches_written_by_pull_request_code() {
        let f = run(
            ID,
            r#"on: pull_request_target
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - uses: actions/cache@v4
        with:
          path: ~/.npm
          key: npm-${{ hashFiles('package-lock.json') }}
      - run: npm ci && npm test
"#,
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].location.span.start_line, 9);
    }

    #[test]
    fn ci_workflows_and_uncached_releases_are_fine() {
        let ci = "on: [push, pull_request]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@v4\n        with:\n          cache: npm\n";
        assert!(run(ID, ci).is_empty());
        let release = "on:\n  release:\n    types: [published]\njobs:\n  p:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@v4\n        with:\n          node-version: 20\n      - uses: actions/setup-go@v5\n        with:\n          cache: false\n";
        assert!(run(ID, release).is_empty());
    }
}
