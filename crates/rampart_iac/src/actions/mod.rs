//! GitHub Actions workflows: a typed model of triggers, permissions, jobs and steps (each value
//! with its position and its `${{ }}` expressions located), and the checks over it.

pub mod expr;
#[cfg(test)]
pub(crate) mod fixtures;

mod artifact_poisoning;
mod cache_poisoning;
mod excessive_permissions;
mod persist_credentials;
mod pwn_request;
mod secrets_exposed;
mod self_hosted_runner;
mod template_injection;
mod unpinned_action;
mod unsecure_commands;

use crate::yaml::{self, Node, ScalarStyle};
use rampart_core::{Finding, FindingBuilder, Location, RuleMeta, Span};
use rampart_syntax::SourceFile;
use tree_sitter::Tree;

pub static RULES: &[&RuleMeta] = &[
    &template_injection::RULE,
    &pwn_request::RULE,
    &unpinned_action::RULE,
    &excessive_permissions::RULE,
    &secrets_exposed::RULE,
    &unsecure_commands::RULE,
    &self_hosted_runner::RULE,
    &persist_credentials::RULE,
    &cache_poisoning::RULE,
    &artifact_poisoning::RULE,
];

/// A workflow file reduced to what the checks need.
pub struct Model {
    pub path: String,
    /// `name:` of the workflow, or its file name.
    pub name: String,
    pub triggers: Vec<Trigger>,
    /// Where `on:` is written.
    pub on_span: Option<Span>,
    pub permissions: Option<Permissions>,
    pub env: Vec<EnvVar>,
    pub jobs: Vec<Job>,
}

/// One event under `on:`.
pub struct Trigger {
    pub event: String,
    /// The event's filters (`branches`, `tags`, `workflows`, `types`); null when none.
    pub config: Node,
}

/// A scalar value with its position and its `${{ }}` expressions.
pub struct Text {
    pub value: String,
    pub span: Span,
    pub exprs: Vec<Expr>,
    /// For scripts (`run:`, `script:`): each source line with its span.
    pub lines: Vec<Line>,
}

/// A `${{ ... }}` occurrence.
pub struct Expr {
    /// The expression inside the braces.
    pub source: String,
    /// The whole `${{ ... }}`.
    pub span: Span,
}

pub struct Line {
    pub text: String,
    pub span: Span,
}

pub struct EnvVar {
    pub name: String,
    pub value: Option<Text>,
    pub key_span: Span,
}

/// `permissions:` at workflow or job level.
pub struct Permissions {
    pub span: Span,
    pub level: PermLevel,
}

pub enum PermLevel {
    WriteAll,
    ReadAll,
    /// `{}` or a mapping of scopes.
    Scopes(Vec<Scope>),
    /// An expression or something unrecognized.
    Other,
}

pub struct Scope {
    pub name: String,
    pub access: String,
    pub span: Span,
}

pub struct Job {
    pub id: String,
    /// Runner labels of `runs-on`, with the position of each.
    pub runs_on: Vec<(String, Span)>,
    pub permissions: Option<Permissions>,
    pub env: Vec<EnvVar>,
    pub steps: Vec<Step>,
    /// A reusable workflow called by this job.
    pub uses: Option<Text>,
    /// Where `secrets: inherit` is written.
    pub secrets_inherit: Option<Span>,
    pub if_cond: Option<String>,
    pub environment: bool,
}

pub struct Step {
    pub index: usize,
    pub id: Option<String>,
    pub name: Option<String>,
    pub uses: Option<Text>,
    pub run: Option<Text>,
    pub with: Vec<Input>,
    pub env: Vec<EnvVar>,
    pub if_cond: Option<String>,
}

pub struct Input {
    pub key: String,
    pub value: Option<Text>,
}

/// What a `uses:` refers to.
#[derive(Debug, PartialEq, Eq)]
pub enum UsesRef<'a> {
    /// `./path` in this repository.
    Local,
    /// `docker://image[:tag][@digest]`.
    Docker(&'a str),
    /// `owner/repo[/path]@ref`.
    Repo {
        owner: &'a str,
        repo: &'a str,
        git_ref: Option<&'a str>,
    },
}

impl UsesRef<'_> {
    /// The `owner/repo` of an action, lower-cased, for comparisons.
    pub fn slug(&self) -> String {
        match self {
            UsesRef::Repo { owner, repo, .. } => format!("{owner}/{repo}").to_ascii_lowercase(),
            _ => String::new(),
        }
    }
}

pub fn parse_uses(s: &str) -> UsesRef<'_> {
    let s = s.trim();
    if s.starts_with("./") || s.starts_with('.') {
        return UsesRef::Local;
    }
    if let Some(image) = s.strip_prefix("docker://") {
        return UsesRef::Docker(image);
    }
    let (path, git_ref) = match s.split_once('@') {
        Some((p, r)) => (p, Some(r)),
        None => (s, None),
    };
    let mut parts = path.splitn(3, '/');
    let owner = parts.next().unwrap_or("");
    let repo = parts.next().unwrap_or("");
    UsesRef::Repo {
        owner,
        repo,
        git_ref,
    }
}

impl Step {
    /// `actions/checkout` and the like: the action's `owner/repo`, lower-cased.
    pub fn action(&self) -> Option<String> {
        let uses = self.uses.as_ref()?;
        match parse_uses(&uses.value) {
            r @ UsesRef::Repo { .. } => Some(r.slug()),
            _ => None,
        }
    }

    pub fn uses_action(&self, slug: &str) -> bool {
        self.action().as_deref() == Some(slug)
    }

    pub fn input(&self, key: &str) -> Option<&Input> {
        self.with.iter().find(|i| i.key == key)
    }

    pub fn input_value(&self, key: &str) -> Option<&str> {
        self.input(key)?.value.as_ref().map(|t| t.value.as_str())
    }

    /// How the step is named in messages.
    pub fn label(&self) -> String {
        if let Some(n) = &self.name {
            return format!("`{n}`");
        }
        if let Some(id) = &self.id {
            return format!("`{id}`");
        }
        if let Some(u) = &self.uses {
            return format!("`{}`", u.value);
        }
        if let Some(r) = &self.run {
            let first = r.value.lines().next().unwrap_or("").trim();
            let short: String = first.chars().take(40).collect();
            return format!("`{short}`");
        }
        format!("#{}", self.index + 1)
    }

    /// Stable identity for fingerprints: the step's id or name, else its position.
    pub fn key(&self) -> String {
        self.id
            .clone()
            .or_else(|| self.name.clone())
            .or_else(|| self.uses.as_ref().map(|u| u.value.clone()))
            .unwrap_or_else(|| format!("#{}", self.index + 1))
    }

    /// Runs code from the workspace: a script, or a local action.
    pub fn executes_code(&self) -> bool {
        self.run.is_some()
            || self
                .uses
                .as_ref()
                .is_some_and(|u| parse_uses(&u.value) == UsesRef::Local)
    }
}

impl Job {
    pub fn label(&self) -> String {
        format!("`{}`", self.id)
    }
}

impl Model {
    pub fn build(file: &SourceFile, tree: &Tree) -> Model {
        let docs = yaml::parse_documents(file, tree);
        let default_name = file
            .rel_path
            .rsplit('/')
            .next()
            .unwrap_or(&file.rel_path)
            .to_string();
        let mut model = Model {
            path: file.rel_path.clone(),
            name: default_name,
            triggers: Vec::new(),
            on_span: None,
            permissions: None,
            env: Vec::new(),
            jobs: Vec::new(),
        };
        let Some(root) = docs.into_iter().find(Node::is_map) else {
            return model;
        };
        if let Some(n) = root.get("name").and_then(Node::as_str) {
            model.name = n.to_string();
        }
        // YAML 1.1 loaders read a bare `on` key as `true`; accept both spellings.
        if let Some(on) = root.entry("on").or_else(|| root.entry("true")) {
            model.on_span = Some(on.key_span);
            model.triggers = triggers(&on.value);
        }
        model.permissions = root.get("permissions").map(permissions);
        model.env = env_vars(file, root.get("env"));
        for job in root.get("jobs").into_iter().flat_map(Node::iter_map) {
            model.jobs.push(build_job(file, &job.key, &job.value));
        }
        model
    }

    pub fn has_trigger(&self, event: &str) -> bool {
        self.triggers.iter().any(|t| t.event == event)
    }

    pub fn trigger(&self, event: &str) -> Option<&Trigger> {
        self.triggers.iter().find(|t| t.event == event)
    }

    /// Triggers that run with the base repository's secrets and a write token while reacting
    /// to something an outsider controls.
    pub fn privileged_trigger(&self) -> Option<&Trigger> {
        self.triggers.iter().find(|t| {
            matches!(
                t.event.as_str(),
                "pull_request_target" | "workflow_run" | "issue_comment"
            )
        })
    }

    pub fn location(&self, span: Span) -> Location {
        Location {
            path: self.path.clone(),
            span,
        }
    }

    /// A finding with the workflow's location and a fingerprint scope naming job and step.
    pub fn finding(
        &self,
        rule: &'static RuleMeta,
        span: Span,
        scope: String,
        message: String,
    ) -> FindingBuilder {
        Finding::builder(rule, self.location(span), message).scope(scope)
    }

    /// The value of `env.NAME` as seen by a step: step, then job, then workflow level.
    pub fn env_value<'a>(
        &'a self,
        job: &'a Job,
        step: Option<&'a Step>,
        name: &str,
    ) -> Option<&'a EnvVar> {
        let levels = [
            step.map(|s| s.env.as_slice()).unwrap_or(&[]),
            &job.env,
            &self.env,
        ];
        levels
            .into_iter()
            .flat_map(|l| l.iter())
            .find(|e| e.name.eq_ignore_ascii_case(name))
    }
}

/// `jobs.<job>.steps[<step>]`: the scope used in fingerprints.
pub fn scope(job: &Job, step: Option<&Step>) -> String {
    match step {
        Some(s) => format!("jobs.{}.steps[{}]", job.id, s.key()),
        None => format!("jobs.{}", job.id),
    }
}

fn triggers(on: &Node) -> Vec<Trigger> {
    let null = |span| Node {
        value: yaml::Value::Null,
        span,
    };
    if on.is_map() {
        on.iter_map()
            .map(|e| Trigger {
                event: e.key.clone(),
                config: e.value.clone(),
            })
            .collect()
    } else {
        on.scalars()
            .into_iter()
            .filter_map(|n| {
                Some(Trigger {
                    event: n.as_str()?.to_string(),
                    config: null(n.span),
                })
            })
            .collect()
    }
}

fn permissions(node: &Node) -> Permissions {
    let level = match node.as_str() {
        Some("write-all") => PermLevel::WriteAll,
        Some("read-all") => PermLevel::ReadAll,
        Some(_) => PermLevel::Other,
        None if node.is_map() || node.is_null() => PermLevel::Scopes(
            node.iter_map()
                .map(|e| Scope {
                    name: e.key.clone(),
                    access: e.value.as_str().unwrap_or_default().to_string(),
                    span: e.span(),
                })
                .collect(),
        ),
        None => PermLevel::Other,
    };
    Permissions {
        span: node.span,
        level,
    }
}

fn env_vars(file: &SourceFile, node: Option<&Node>) -> Vec<EnvVar> {
    node.into_iter()
        .flat_map(Node::iter_map)
        .map(|e| EnvVar {
            name: e.key.clone(),
            value: text(file, &e.value, false),
            key_span: e.key_span,
        })
        .collect()
}

fn inputs(file: &SourceFile, node: Option<&Node>, script_keys: &[&str]) -> Vec<Input> {
    node.into_iter()
        .flat_map(Node::iter_map)
        .map(|e| Input {
            key: e.key.clone(),
            value: text(file, &e.value, script_keys.contains(&e.key.as_str())),
        })
        .collect()
}

fn build_job(file: &SourceFile, id: &str, node: &Node) -> Job {
    let runs_on = match node.get("runs-on") {
        Some(r) if r.is_map() => r
            .get("labels")
            .map(Node::scalars)
            .unwrap_or_default()
            .into_iter()
            .chain(r.get("group").map(|g| g.scalars()).unwrap_or_default())
            .filter_map(|n| Some((n.as_str()?.to_string(), n.span)))
            .collect(),
        Some(r) => r
            .scalars()
            .into_iter()
            .filter_map(|n| Some((n.as_str()?.to_string(), n.span)))
            .collect(),
        None => Vec::new(),
    };
    let steps = node
        .get("steps")
        .into_iter()
        .flat_map(Node::iter_seq)
        .enumerate()
        .map(|(index, s)| build_step(file, index, s))
        .collect();
    Job {
        id: id.to_string(),
        runs_on,
        permissions: node.get("permissions").map(permissions),
        env: env_vars(file, node.get("env")),
        steps,
        uses: node.get("uses").and_then(|u| text(file, u, false)),
        secrets_inherit: node
            .get("secrets")
            .filter(|s| s.as_str() == Some("inherit"))
            .map(|s| s.span),
        if_cond: node.get("if").and_then(Node::as_str).map(str::to_string),
        environment: node.get("environment").is_some_and(|e| !e.is_null()),
    }
}

fn build_step(file: &SourceFile, index: usize, node: &Node) -> Step {
    let uses = node.get("uses").and_then(|u| text(file, u, false));
    // actions/github-script runs its `script` input as JavaScript.
    let is_github_script = uses.as_ref().is_some_and(|u| {
        u.value
            .to_ascii_lowercase()
            .starts_with("actions/github-script")
    });
    let script_keys: &[&str] = if is_github_script { &["script"] } else { &[] };
    Step {
        index,
        id: node.get("id").and_then(Node::as_str).map(str::to_string),
        name: node.get("name").and_then(Node::as_str).map(str::to_string),
        uses,
        run: node.get("run").and_then(|r| text(file, r, true)),
        with: inputs(file, node.get("with"), script_keys),
        env: env_vars(file, node.get("env")),
        if_cond: node.get("if").and_then(Node::as_str).map(str::to_string),
    }
}

/// A scalar with its expressions located in the source, and for scripts its lines.
fn text(file: &SourceFile, node: &Node, with_lines: bool) -> Option<Text> {
    let (value, style) = match &node.value {
        yaml::Value::Scalar(v, style) => (v.clone(), *style),
        _ => return None,
    };
    let start = node.span.start_byte as usize;
    let raw = file.text.get(node.span.byte_range()).unwrap_or("");
    let exprs = expr::find_expressions(raw)
        .into_iter()
        .map(|site| Expr {
            source: site.source,
            span: file.span(start + site.start, start + site.end),
        })
        .collect();
    let mut lines = Vec::new();
    if with_lines {
        let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
        let mut offset = 0;
        for (i, line) in raw.split_inclusive('\n').enumerate() {
            let line_start = offset;
            offset += line.len();
            // The header line of a block scalar (`|`, `>-`) holds no script.
            if block && i == 0 {
                continue;
            }
            let body = line.trim_end_matches(['\n', '\r']);
            let trimmed = body.trim_start();
            if trimmed.is_empty() {
                continue;
            }
            let lead = body.len() - trimmed.len();
            let s = start + line_start + lead;
            lines.push(Line {
                text: trimmed.trim_end().to_string(),
                span: file.span(s, s + trimmed.trim_end().len()),
            });
        }
    }
    Some(Text {
        value,
        span: node.span,
        exprs,
        lines,
    })
}

pub fn check(models: &[&Model], out: &mut Vec<Finding>) {
    for wf in models {
        template_injection::check(wf, out);
        pwn_request::check(wf, out);
        unpinned_action::check(wf, out);
        excessive_permissions::check(wf, out);
        secrets_exposed::check(wf, out);
        unsecure_commands::check(wf, out);
        self_hosted_runner::check(wf, out);
        persist_credentials::check(wf, out);
        cache_poisoning::check(wf, out);
        artifact_poisoning::check(wf, models, out);
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use rampart_core::Language;

    pub fn model(text: &str) -> Model {
        model_at(".github/workflows/ci.yml", text)
    }

    pub fn model_at(path: &str, text: &str) -> Model {
        let file = SourceFile::from_text(path, Language::GithubActions, text);
        let tree = rampart_syntax::parse::parse(Language::GithubActions, text)
            .expect("yaml parses")
            .tree;
        Model::build(&file, &tree)
    }

    /// Findings of one rule over one workflow.
    pub fn run(rule: &str, text: &str) -> Vec<Finding> {
        let m = model(text);
        let mut out = Vec::new();
        check(&[&m], &mut out);
        out.retain(|f| f.rule_id == rule);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::testing::model;
    use super::*;

    #[test]
    fn builds_triggers_jobs_steps_and_expressions() {
        let m = model(
            "name: Triage\non:\n  issues:\n    types: [opened]\n  pull_request_target:\npermissions:\n  issues: write\njobs:\n  greet:\n    runs-on: [self-hosted, linux]\n    steps:\n      - name: Say hi\n        run: |\n          echo \"hello\"\n          echo \"${{ github.event.issue.title }}\"\n",
        );
        assert_eq!(m.name, "Triage");
        assert!(m.has_trigger("issues") && m.has_trigger("pull_request_target"));
        assert!(
            matches!(m.permissions.as_ref().map(|p| &p.level), Some(PermLevel::Scopes(s)) if s.len() == 1)
        );
        let job = &m.jobs[0];
        assert_eq!(job.runs_on.len(), 2);
        let run = job.steps[0].run.as_ref().unwrap();
        assert_eq!(run.lines.len(), 2);
        assert_eq!(run.lines[1].span.start_line, 15);
        assert_eq!(run.exprs[0].source, "github.event.issue.title");
        assert_eq!(run.exprs[0].span.start_line, 15);
        assert_eq!(run.exprs[0].span.start_col, 17);
    }

    #[test]
    fn parses_uses_references() {
        assert_eq!(parse_uses("./.github/actions/setup"), UsesRef::Local);
        assert_eq!(parse_uses("docker://alpine:3"), UsesRef::Docker("alpine:3"));
        assert_eq!(
            parse_uses("aws-actions/configure-aws-credentials@v4"),
            UsesRef::Repo {
                owner: "aws-actions",
                repo: "configure-aws-credentials",
                git_ref: Some("v4")
            }
        );
        assert_eq!(
            parse_uses("org/repo/.github/workflows/x.yml@main").slug(),
            "org/repo"
        );
    }

    #[test]
    fn odd_shapes_and_broken_files_do_not_panic() {
        for text in [
            "",
            "on: 123\njobs: [a, b]\n",
            "on: {push: }\npermissions: 5\njobs:\n  a:\n    runs-on: {labels: self-hosted}\n    steps: {a: 1}\n",
            "on: pull_request_target\nenv: ${{ fromJSON(vars.ENV) }}\njobs:\n  a:\n    steps:\n      - run: [a]\n        with: [1, 2]\n      - run: echo ${{ github.event.issue.title\n      - run: \"echo ${{ github.event.issue.title }} é ${{ ) }}\"\n      - uses: actions/checkout\n        with:\n          ref: ${{ github.event.pull_request.head.sha\n      - uses: '@@@'\n      - uses: /\n",
            "jobs:\n  a:\n    steps:\n      - run: |\n\t\techo tab\n  b: [\n",
        ] {
            let m = model(text);
            let mut out = Vec::new();
            check(&[&m], &mut out);
        }
    }

    #[test]
    fn triggers_in_every_shape() {
        assert_eq!(model("on: push\njobs: {}\n").triggers.len(), 1);
        assert_eq!(
            model("on: [push, pull_request]\njobs: {}\n").triggers.len(),
            2
        );
        assert!(model("'on':\n  workflow_run:\n    workflows: [CI]\n").has_trigger("workflow_run"));
    }
}
