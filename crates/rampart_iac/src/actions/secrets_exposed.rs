use super::expr::{self, Control};
use super::pwn_request::untrusted_checkout;
use super::{parse_uses, scope, EnvVar, Job, Model, Step, UsesRef};
use crate::kubernetes::secret_literal;
use rampart_core::{Confidence, Finding, Severity};

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds secrets leaking out of a workflow: `run` scripts that print a secret (directly or
    /// through an environment variable) with `echo`/`printf`, `toJSON(secrets)` that dumps
    /// every secret, secrets handed to steps that run an untrusted pull request's code,
    /// credentials written as literals in `env:` or `with:`, and `secrets: inherit` that hands
    /// all of the repository's secrets to a workflow in another repository.
    ///
    /// ## Why is this bad
    /// Log masking only hides the exact secret string: a secret printed base64-encoded, split,
    /// or inside JSON shows up in logs that every reader of the repository (for public
    /// repositories, everyone) can download. A literal credential in the workflow file is in
    /// the Git history for good. A called workflow receiving every secret can leak any of them.
    ///
    /// ## Example
    /// ```yaml
    /// - run: echo "Deploying with token ${{ secrets.DEPLOY_TOKEN }}"
    /// - env:
    ///     API_KEY: sk-live-4f9a8b7c6d5e4f3a2b1c
    ///   run: ./deploy.sh
    /// ```
    ///
    /// ## Fix
    /// Never print secrets; pass them to the command that needs them through `env:` or stdin
    /// (`echo "$TOKEN" | docker login --password-stdin`). Store credentials as repository or
    /// environment secrets, and pass a called workflow only the secrets it names.
    ///
    /// ## References
    /// - https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions
    /// - https://cwe.mitre.org/data/definitions/532.html
    /// - https://cwe.mitre.org/data/definitions/798.html
    pub static RULE = {
        id: "gha-secrets-exposed",
        name: "GhaSecretsExposed",
        cwe: 532,
        other_cwes: [798, 200],
        severity: High,
        languages: [GithubActions],
        summary: "Secret printed, dumped, hard-coded or passed wholesale in a workflow",
        help: "Keep secrets in `secrets.*`, pass them only to the step that needs them, never print them",
    }
}

const PRINT_COMMANDS: &[&str] = &["echo", "printf", "Write-Host", "Write-Output", "print"];

pub fn check(wf: &Model, out: &mut Vec<Finding>) {
    literal_env(wf, None, None, &wf.env, out);
    for job in &wf.jobs {
        literal_env(wf, Some(job), None, &job.env, out);
        if let (Some(span), Some(uses)) = (job.secrets_inherit, &job.uses) {
            if matches!(parse_uses(&uses.value), UsesRef::Repo { .. }) {
                let message = format!(
                    "Job {} of workflow `{}` passes every repository secret (`secrets: inherit`) to `{}` in another repository",
                    job.label(),
                    wf.name,
                    uses.value
                );
                out.push(
                    wf.finding(&RULE, span, scope(job, None), message)
                        .anchor("secrets: inherit")
                        .cwe(200)
                        .severity(Severity::Medium)
                        .confidence(Confidence::Medium)
                        .build(),
                );
            }
        }
        secrets_to_untrusted_code(wf, job, out);
        for step in &job.steps {
            literal_env(wf, Some(job), Some(step), &step.env, out);
            literal_inputs(wf, job, step, out);
            dumped_secrets(wf, job, step, out);
            printed_secrets(wf, job, step, out);
        }
    }
}

/// In a privileged workflow that checked out a pull request, steps that then run code with a
/// secret in their environment hand it to the pull request's author.
fn secrets_to_untrusted_code(wf: &Model, job: &Job, out: &mut Vec<Finding>) {
    if wf.privileged_trigger().is_none() {
        return;
    }
    let Some(first) = job
        .steps
        .iter()
        .position(|s| untrusted_checkout(s).is_some())
    else {
        return;
    };
    for step in job.steps[first + 1..].iter().filter(|s| s.executes_code()) {
        for var in &step.env {
            let Some(secret) = var
                .value
                .iter()
                .flat_map(|v| &v.exprs)
                .find_map(|e| secret_context(&e.source).map(|s| (s, e)))
            else {
                continue;
            };
            if secret.0.eq_ignore_ascii_case("secrets.GITHUB_TOKEN") {
                continue;
            }
            let message = format!(
                "Step {} in job {} of workflow `{}` runs pull request code with secret `{}` in its environment (`{}`)",
                step.label(),
                job.label(),
                wf.name,
                secret.0,
                var.name
            );
            out.push(
                wf.finding(&RULE, secret.1.span, scope(job, Some(step)), message)
                    .anchor(secret.0.clone())
                    .cwe(200)
                    .build(),
            );
        }
    }
}

/// `toJSON(secrets)` anywhere in a step.
fn dumped_secrets(wf: &Model, job: &Job, step: &Step, out: &mut Vec<Finding>) {
    let texts = step
        .run
        .iter()
        .chain(step.with.iter().filter_map(|i| i.value.as_ref()))
        .chain(step.env.iter().filter_map(|e| e.value.as_ref()));
    for t in texts {
        for e in &t.exprs {
            let dumps = expr::value_sources(&e.source)
                .unwrap_or_default()
                .iter()
                .any(|c| c.eq_ignore_ascii_case("secrets"));
            if dumps {
                let message = format!(
                    "Step {} in job {} of workflow `{}` expands `${{{{ {} }}}}`, which serializes every secret of the repository",
                    step.label(),
                    job.label(),
                    wf.name,
                    e.source
                );
                out.push(
                    wf.finding(&RULE, e.span, scope(job, Some(step)), message)
                        .anchor(e.source.clone())
                        .build(),
                );
            }
        }
    }
}

/// `echo ${{ secrets.X }}` or `echo "$TOKEN"` with `TOKEN: ${{ secrets.X }}`, printed to the log.
fn printed_secrets(wf: &Model, job: &Job, step: &Step, out: &mut Vec<Finding>) {
    let Some(run) = &step.run else {
        return;
    };
    for line in &run.lines {
        if line.text.contains("::add-mask::") {
            continue;
        }
        for cmd in line.text.split("&&").flat_map(|c| c.split(';')) {
            let cmd = cmd.trim();
            let Some(first) = cmd.split_whitespace().next() else {
                continue;
            };
            // Piped into a command or redirected to a file, the value does not reach the log,
            // unless the pipe only re-encodes it, which also defeats log masking.
            if !PRINT_COMMANDS.contains(&first) || cmd.contains('>') {
                continue;
            }
            if cmd.contains('|') && !encodes_to_log(cmd) {
                continue;
            }
            let Some(secret) = secret_in(wf, job, step, cmd) else {
                continue;
            };
            let message = format!(
                "Step {} in job {} of workflow `{}` prints {secret} to the build log with `{first}`",
                step.label(),
                job.label(),
                wf.name
            );
            out.push(
                wf.finding(&RULE, line.span, scope(job, Some(step)), message)
                    .anchor(cmd.to_string())
                    .build(),
            );
            break;
        }
    }
}

/// `echo "$T" | base64`: every stage of the pipe after the first only transforms text.
fn encodes_to_log(cmd: &str) -> bool {
    cmd.split('|').skip(1).all(|stage| {
        let prog = stage.split_whitespace().next().unwrap_or("");
        ENCODERS.contains(&prog)
    })
}

const ENCODERS: &[&str] = &[
    "base64", "base32", "xxd", "od", "hexdump", "rev", "tr", "sed", "awk", "cut", "fold",
];

/// The secret a command mentions, directly or through a shell variable set from one.
fn secret_in(wf: &Model, job: &Job, step: &Step, cmd: &str) -> Option<String> {
    for site in expr::find_expressions(cmd) {
        if let Some(s) = secret_context(&site.source) {
            return Some(format!("secret `{s}`"));
        }
    }
    for var in shell_variables(cmd) {
        let Some(env) = wf.env_value(job, Some(step), var) else {
            continue;
        };
        let from = env
            .value
            .iter()
            .flat_map(|v| &v.exprs)
            .find_map(|e| secret_context(&e.source));
        if let Some(s) = from {
            return Some(format!("`${}` (set from secret `{s}`)", env.name));
        }
    }
    None
}

fn secret_context(source: &str) -> Option<String> {
    expr::value_sources(source)
        .unwrap_or_else(|| expr::mentioned_contexts(source))
        .into_iter()
        .find(|c| expr::classify(c).0 == Control::Secret && c.contains('.'))
}

/// `$NAME` and `${NAME}` references in a shell command.
fn shell_variables(cmd: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let b = cmd.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            let start = if b.get(i + 1) == Some(&b'{') {
                i + 2
            } else {
                i + 1
            };
            let mut end = start;
            while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
                end += 1;
            }
            if end > start {
                out.push(&cmd[start..end]);
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// Credentials written as literals in `env:`.
fn literal_env(
    wf: &Model,
    job: Option<&Job>,
    step: Option<&Step>,
    env: &[EnvVar],
    out: &mut Vec<Finding>,
) {
    for var in env {
        let Some(v) = &var.value else {
            continue;
        };
        if v.exprs.is_empty() && secret_literal::is_real_secret(&var.name, &v.value) {
            report_literal(wf, job, step, &var.name, v, out);
        }
    }
}

fn literal_inputs(wf: &Model, job: &Job, step: &Step, out: &mut Vec<Finding>) {
    for input in &step.with {
        let Some(v) = &input.value else {
            continue;
        };
        if v.exprs.is_empty() && secret_literal::is_real_secret(&input.key, &v.value) {
            report_literal(wf, Some(job), Some(step), &input.key, v, out);
        }
    }
}

fn report_literal(
    wf: &Model,
    job: Option<&Job>,
    step: Option<&Step>,
    name: &str,
    v: &super::Text,
    out: &mut Vec<Finding>,
) {
    let whose = match (job, step) {
        (Some(j), Some(s)) => format!(
            "Step {} in job {} of workflow `{}`",
            s.label(),
            j.label(),
            wf.name
        ),
        (Some(j), None) => format!("Job {} of workflow `{}`", j.label(), wf.name),
        _ => format!("Workflow `{}`", wf.name),
    };
    let message = format!(
        "{whose} hard-codes a credential in `{name}` ({})",
        secret_literal::mask(&v.value)
    );
    let fp_scope = match job {
        Some(j) => scope(j, step),
        None => "workflow".to_string(),
    };
    out.push(
        wf.finding(&RULE, v.span, fp_scope, message)
            .anchor(name.to_string())
            .cwe(798)
            .build(),
    );
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;

    const ID: &str = "gha-secrets-exposed";

    #[test]
    fn flags_printed_dumped_literal_and_inherited_secrets() {
        let f = run(
            ID,
            r#"name: Deploy
on: push
env:
  SENTRY_AUTH_TOKEN: sntrys_9f8e7d6c5b4a39281706f5e4d3c2b1a0
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - name: Debug
        env:
          TOKEN: ${{ secrets.DEPLOY_TOKEN }}
        run: |
          echo "Deploying..."
          echo "Using token $TOKEN"
      - run: echo '${{ toJSON(secrets) }}' > secrets.json
      - run: echo ${{ secrets.NPM_TOKEN }}
      - run: echo "$TOKEN" | base64 -w0
        env:
          TOKEN: ${{ secrets.DEPLOY_TOKEN }}
  shared:
    uses: other-org/pipelines/.github/workflows/deploy.yml@v2
    secrets: inherit
"#,
        );
        let lines: Vec<u32> = f.iter().map(|x| x.location.span.start_line).collect();
        assert_eq!(lines, [4, 14, 15, 16, 17, 22], "{f:#?}");
        assert!(f[0].message.contains("sntr…"));
        assert!(!f[0].message.contains("9f8e7d6c5b4a"));
        assert!(f[1].message.contains("DEPLOY_TOKEN"));
    }

    #[test]
    fn flags_secrets_given_to_pull_request_code() {
        let f = run(
            ID,
            r#"on: pull_request_target
jobs:
  e2e:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: npm ci && npm run e2e
        env:
          API_KEY: ${{ secrets.STAGING_API_KEY }}
          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
"#,
        );
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].location.span.start_line, 11);
        assert!(f[0].message.contains("STAGING_API_KEY"));
    }

    #[test]
    fn safe_secret_handling_is_not_flagged() {
        let f = run(
            ID,
            r#"on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    env:
      POSTGRES_PASSWORD: postgres
    steps:
      - run: echo "${{ secrets.REGISTRY_PASSWORD }}" | docker login ghcr.io -u me --password-stdin
      - run: echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > ~/.npmrc
        env:
          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
      - run: echo "::add-mask::${{ secrets.API_KEY }}"
      - run: echo "Building ${{ github.sha }}"
      - uses: codecov/codecov-action@v4
        with:
          token: ${{ secrets.CODECOV_TOKEN }}
  called:
    uses: ./.github/workflows/deploy.yml
    secrets: inherit
"#,
        );
        assert!(f.is_empty(), "{f:#?}");
    }
}
