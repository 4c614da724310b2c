//! Dockerfile checks. A Dockerfile is modelled as build stages (one per `FROM`), each with its
//! instructions; `RUN` scripts are split into simple shell commands with their own locations.

mod add_remote;
mod chmod_777;
mod copy_secret_file;
mod curl_pipe_shell;
mod expose_ssh;
mod package_verification_disabled;
mod root_user;
mod secret_in_env;
pub mod shell;
mod sudo;
mod tls_disabled;
mod unpinned_base_image;
mod unpinned_packages;

#[cfg(test)]
mod fixtures;

pub(crate) use secret_in_env::{embedded_credential, is_secret_name};

use rampart_core::{Finding, Location, RuleMeta};
use rampart_syntax::SourceFile;
use tree_sitter::{Node, Tree};

pub static RULES: &[&RuleMeta] = &[
    &root_user::DOCKER_ROOT_USER,
    &unpinned_base_image::DOCKER_UNPINNED_BASE_IMAGE,
    &curl_pipe_shell::DOCKER_CURL_PIPE_SHELL,
    &add_remote::DOCKER_ADD_REMOTE,
    &secret_in_env::DOCKER_SECRET_IN_ENV,
    &copy_secret_file::DOCKER_COPY_SECRET_FILE,
    &tls_disabled::DOCKER_TLS_DISABLED,
    &chmod_777::DOCKER_CHMOD_777,
    &sudo::DOCKER_SUDO,
    &expose_ssh::DOCKER_EXPOSE_SSH,
    &unpinned_packages::DOCKER_UNPINNED_PACKAGES,
    &package_verification_disabled::DOCKER_PACKAGE_VERIFICATION_DISABLED,
];

/// The file reduced to what the checks need.
pub struct Model {
    pub path: String,
    /// `ARG`s declared before the first `FROM` (usable in `FROM` lines).
    pub global_args: Vec<Pair>,
    pub stages: Vec<Stage>,
}

/// One build stage: a `FROM` and the instructions up to the next one.
pub struct Stage {
    /// The image reference as written, e.g. `python:3.12-slim` or `${BASE}`.
    pub image: String,
    /// `AS name`, if any.
    pub alias: Option<String>,
    pub location: Location,
    pub instructions: Vec<Instruction>,
}

/// A `KEY=value` of `ENV`, `ARG` or `LABEL` (value without quotes).
pub struct Pair {
    pub key: String,
    pub value: Option<String>,
    pub location: Location,
}

pub struct Instruction {
    pub kind: Kind,
    pub location: Location,
}

pub enum Kind {
    Run(Vec<RunCommand>),
    User(String),
    Env(Vec<Pair>),
    Arg(Vec<Pair>),
    Label(Vec<Pair>),
    /// `COPY` or `ADD` with its `--flag=value` options, sources and destination.
    Copy {
        add: bool,
        flags: Vec<String>,
        sources: Vec<String>,
        dest: String,
    },
    Expose(Vec<(String, Location)>),
    Other,
}

/// A simple command of a `RUN` script, located at its own line.
pub struct RunCommand {
    pub cmd: shell::Command,
    pub location: Location,
}

impl Model {
    pub fn build(file: &SourceFile, tree: &Tree) -> Model {
        let mut model = Model {
            path: file.rel_path.clone(),
            global_args: Vec::new(),
            stages: Vec::new(),
        };
        let root = tree.root_node();
        let mut cursor = root.walk();
        for node in root.named_children(&mut cursor) {
            if node.kind() == "from_instruction" {
                model.stages.push(stage(file, node));
                continue;
            }
            let Some(kind) = instruction(file, node) else {
                continue;
            };
            match model.stages.last_mut() {
                Some(stage) => stage.instructions.push(Instruction {
                    kind,
                    location: file.location(node.start_byte(), line_end(file, node)),
                }),
                None => {
                    if let Kind::Arg(pairs) = kind {
                        model.global_args.extend(pairs);
                    }
                }
            }
        }
        model
    }

    /// Index of the stage named `name` (by alias or number) before stage `before`.
    pub fn stage_named(&self, name: &str, before: usize) -> Option<usize> {
        self.stages[..before.min(self.stages.len())]
            .iter()
            .position(|s| {
                s.alias
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(name))
            })
            .or_else(|| name.parse::<usize>().ok().filter(|n| *n < before))
    }

    /// Expands `$NAME` / `${NAME}` from global `ARG` defaults (for `FROM` lines).
    pub fn expand_global(&self, text: &str) -> Option<String> {
        expand(text, &|name| {
            self.global_args
                .iter()
                .rev()
                .find(|p| p.key == name)
                .and_then(|p| p.value.clone())
        })
    }
}

impl Stage {
    /// The name used in messages: the alias, or the image.
    pub fn display_name(&self) -> String {
        match &self.alias {
            Some(a) => format!("stage `{a}`"),
            None => format!("stage `FROM {}`", self.image),
        }
    }

    /// Scope for fingerprints.
    pub fn scope(&self) -> String {
        self.alias.clone().unwrap_or_else(|| self.image.clone())
    }
}

/// Expands `$NAME` and `${NAME}` (also `${NAME:-default}`); `None` when a variable is unknown.
pub fn expand(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let (name, default, len) = if let Some(inner) = after.strip_prefix('{') {
            let close = inner.find('}')?;
            let body = &inner[..close];
            match body.split_once(":-").or_else(|| body.split_once('-')) {
                Some((n, d)) => (n, Some(d), close + 2),
                None => (body, None, close + 2),
            }
        } else {
            let n = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..n], None, n)
        };
        if name.is_empty() {
            return None;
        }
        match lookup(name).or_else(|| default.map(str::to_string)) {
            Some(v) => out.push_str(&v),
            None => return None,
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    Some(out)
}

fn text<'a>(file: &'a SourceFile, node: Node) -> &'a str {
    file.text.get(node.byte_range()).unwrap_or("")
}

/// End of the first line of a node (findings point at the instruction's first line).
fn line_end(file: &SourceFile, node: Node) -> usize {
    let t = text(file, node);
    node.start_byte() + t.find('\n').unwrap_or(t.len())
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    for q in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return s[1..s.len() - 1].to_string();
        }
    }
    s.to_string()
}

fn stage(file: &SourceFile, node: Node) -> Stage {
    let mut image = String::new();
    let mut alias = None;
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "image_spec" => image = text(file, child).to_string(),
            "image_alias" => alias = Some(text(file, child).to_string()),
            _ => {}
        }
    }
    Stage {
        image,
        alias,
        location: file.location(node.start_byte(), line_end(file, node)),
        instructions: Vec::new(),
    }
}

fn pairs(file: &SourceFile, node: Node, key_field: &str, value_field: &str) -> Vec<Pair> {
    let mut out = Vec::new();
    let mut cursor = node.walk();
    for pair in node.named_children(&mut cursor) {
        let Some(key) = pair.child_by_field_name(key_field) else {
            continue;
        };
        out.push(Pair {
            key: unquote(text(file, key)),
            value: pair
                .child_by_field_name(value_field)
                .map(|v| unquote(text(file, v))),
            location: file.location(pair.start_byte(), pair.end_byte()),
        });
    }
    out
}

fn instruction(file: &SourceFile, node: Node) -> Option<Kind> {
    Some(match node.kind() {
        "run_instruction" => Kind::Run(run_commands(file, node)),
        "user_instruction" => Kind::User(
            node.child_by_field_name("user")
                .map(|u| text(file, u).to_string())
                .unwrap_or_default(),
        ),
        "env_instruction" => Kind::Env(pairs(file, node, "name", "value")),
        "arg_instruction" => Kind::Arg(pairs(file, node, "name", "default")),
        "label_instruction" => Kind::Label(pairs(file, node, "key", "value")),
        "copy_instruction" | "add_instruction" => copy(file, node),
        "expose_instruction" => {
            let mut cursor = node.walk();
            Kind::Expose(
                node.named_children(&mut cursor)
                    .filter(|c| c.kind() == "expose_port")
                    .map(|c| {
                        (
                            text(file, c).to_string(),
                            file.location(c.start_byte(), c.end_byte()),
                        )
                    })
                    .collect(),
            )
        }
        "comment" => return None,
        _ => Kind::Other,
    })
}

fn copy(file: &SourceFile, node: Node) -> Kind {
    let mut flags = Vec::new();
    let mut paths = Vec::new();
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "param" => flags.push(text(file, child).to_string()),
            "path" => paths.push(text(file, child).to_string()),
            "json_string_array" => {
                let mut c2 = child.walk();
                paths.extend(
                    child
                        .named_children(&mut c2)
                        .map(|s| json_string(text(file, s))),
                );
            }
            _ => {}
        }
    }
    let dest = paths.pop().unwrap_or_default();
    Kind::Copy {
        add: node.kind() == "add_instruction",
        flags,
        sources: paths,
        dest,
    }
}

fn json_string(raw: &str) -> String {
    serde_json::from_str::<String>(raw).unwrap_or_else(|_| unquote(raw))
}

/// The shell script of a `RUN`, with its simple commands located in the file.
fn run_commands(file: &SourceFile, node: Node) -> Vec<RunCommand> {
    let mut cursor = node.walk();
    let children: Vec<Node> = node.named_children(&mut cursor).collect();
    if let Some(arr) = children.iter().find(|c| c.kind() == "json_string_array") {
        return exec_form(file, *arr);
    }
    let shells: Vec<&Node> = children
        .iter()
        .filter(|c| c.kind() == "shell_command")
        .collect();
    let (Some(first), Some(last)) = (shells.first(), shells.last()) else {
        return Vec::new();
    };
    let (script, map) = normalize(file, **first, last.end_byte());
    let heredoc_marker = shells.iter().any(|s| {
        let mut c = s.walk();
        let found = s
            .named_children(&mut c)
            .any(|n| n.kind() == "heredoc_marker");
        found
    });
    let mut out = located(file, &script, &map);
    if heredoc_marker {
        // `RUN <<EOF` (or `RUN bash <<EOF`) runs the heredoc as a shell script; `RUN python3 <<EOF`
        // feeds it to another program, whose code is not shell.
        let runs_shell = out.iter().all(|c| {
            c.cmd.words.iter().all(|w| w.starts_with("<<"))
                || matches!(c.cmd.program(), "sh" | "bash" | "ash" | "dash" | "zsh")
        });
        if runs_shell {
            out.retain(|c| !c.cmd.words.iter().all(|w| w.starts_with("<<")));
            for block in children.iter().filter(|c| c.kind() == "heredoc_block") {
                let mut c = block.walk();
                for content in block
                    .named_children(&mut c)
                    .filter(|n| n.kind() == "heredoc_content")
                {
                    let (s, m) = normalize(file, content, content.end_byte());
                    out.extend(located(file, &s, &m));
                }
            }
        }
    }
    out
}

/// `RUN ["sh", "-c", "script"]` is read as the script; other exec forms as one command.
fn exec_form(file: &SourceFile, arr: Node) -> Vec<RunCommand> {
    let mut cursor = arr.walk();
    let words: Vec<String> = arr
        .named_children(&mut cursor)
        .map(|s| json_string(text(file, s)))
        .collect();
    let location = file.location(arr.start_byte(), arr.end_byte());
    let is_shell = words.len() >= 3
        && matches!(
            shell::basename(&words[0]),
            "sh" | "bash" | "ash" | "dash" | "zsh"
        )
        && words[1].starts_with('-')
        && words[1].contains('c');
    let cmds = if is_shell {
        shell::parse(&words[2])
    } else {
        vec![shell::Command {
            assignments: Vec::new(),
            words,
            start: 0,
            end: 0,
            pipeline: 0,
            stage: 0,
        }]
    };
    cmds.into_iter()
        .map(|cmd| RunCommand {
            cmd,
            location: location.clone(),
        })
        .collect()
}

/// The script text from `node`'s start to `end` without line continuations and the comment
/// lines Docker strips, plus the original byte offset of every byte kept.
fn normalize(file: &SourceFile, node: Node, end: usize) -> (String, Vec<usize>) {
    let start = node.start_byte();
    let mut skip: Vec<(usize, usize)> = Vec::new();
    let mut cursor = node.walk();
    for c in node.named_children(&mut cursor) {
        if matches!(c.kind(), "line_continuation" | "comment") {
            skip.push((c.start_byte(), c.end_byte()));
        }
    }
    let raw = file.text.get(start..end).unwrap_or("");
    let mut script = String::with_capacity(raw.len());
    let mut map = Vec::with_capacity(raw.len() + 1);
    let mut skips = skip.iter().peekable();
    for (i, ch) in raw.char_indices() {
        let abs = start + i;
        while skips.peek().is_some_and(|(_, e)| *e <= abs) {
            skips.next();
        }
        if skips.peek().is_some_and(|(s, e)| *s <= abs && abs < *e) {
            continue;
        }
        script.push(ch);
        map.extend(std::iter::repeat_n(abs, ch.len_utf8()));
    }
    map.push(end);
    (script, map)
}

fn located(file: &SourceFile, script: &str, map: &[usize]) -> Vec<RunCommand> {
    let at = |i: usize| map.get(i).or(map.last()).copied().unwrap_or(0);
    shell::parse(script)
        .into_iter()
        .map(|cmd| {
            let start = at(cmd.start);
            let end = at(cmd.end.saturating_sub(1)) + 1;
            // Point at the first line of the command.
            let first_line_end = file
                .text
                .get(start..end.max(start))
                .and_then(|t| t.find('\n'))
                .map_or(end, |n| start + n);
            RunCommand {
                location: file.location(start, first_line_end.max(start)),
                cmd,
            }
        })
        .collect()
}

/// Shows the start of a secret and hides the rest.
pub(crate) fn mask(secret: &str) -> String {
    let shown: String = secret.chars().take(4).collect();
    if secret.chars().count() <= 8 {
        "****".to_string()
    } else {
        format!("{shown}****")
    }
}

pub fn check(models: &[&Model], out: &mut Vec<Finding>) {
    for m in models {
        root_user::check(m, out);
        unpinned_base_image::check(m, out);
        curl_pipe_shell::check(m, out);
        add_remote::check(m, out);
        secret_in_env::check(m, out);
        copy_secret_file::check(m, out);
        tls_disabled::check(m, out);
        chmod_777::check(m, out);
        sudo::check(m, out);
        expose_ssh::check(m, out);
        unpinned_packages::check(m, out);
        package_verification_disabled::check(m, out);
    }
}

/// Runs every Dockerfile check over `text` (rule tests).
#[cfg(test)]
pub(crate) fn run(text: &str) -> Vec<Finding> {
    let file = SourceFile::from_text("Dockerfile", rampart_core::Language::Dockerfile, text);
    let parsed = rampart_syntax::parse(file.language, &file.text).expect("parses");
    let model = Model::build(&file, &parsed.tree);
    let mut out = Vec::new();
    check(&[&model], &mut out);
    out
}

/// Findings of one rule over `text`, as (line, message).
#[cfg(test)]
pub(crate) fn findings_of(rule: &RuleMeta, text: &str) -> Vec<(u32, String)> {
    run(text)
        .into_iter()
        .filter(|f| f.rule_id == rule.id)
        .map(|f| (f.location.span.start_line, f.message))
        .collect()
}
