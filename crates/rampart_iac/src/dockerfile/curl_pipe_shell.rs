use super::{Kind, Model};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports `RUN` commands that download a script and run it in the same step:
    /// `curl ... | sh`, `wget -qO- ... | bash`, `bash -c "$(curl ...)"`, `sh <(curl ...)`, and
    /// `curl -o get.sh URL && sh get.sh` with no checksum or signature check in between.
    ///
    /// ## Why is this bad
    /// The downloaded code is executed without any integrity check. Whoever controls the server,
    /// the DNS name or the network path (or a compromised CDN) decides what runs as root inside
    /// your build, and the image records nothing about what was executed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
    /// ```
    ///
    /// ## Fix
    /// Download to a file, verify a pinned checksum (or signature), then run it; or install from
    /// the distribution's signed package repository:
    /// ```dockerfile
    /// RUN curl -fsSLo /tmp/setup.sh https://deb.nodesource.com/setup_20.x \
    ///  && echo "<sha256>  /tmp/setup.sh" | sha256sum -c - \
    ///  && bash /tmp/setup.sh
    /// ```
    ///
    /// ## References
    /// - [CWE-494: Download of Code Without Integrity Check](https://cwe.mitre.org/data/definitions/494.html)
    pub static DOCKER_CURL_PIPE_SHELL = {
        id: "docker-curl-pipe-shell",
        name: "DockerCurlPipeShell",
        cwe: 494,
        other_cwes: [829],
        severity: High,
        languages: [Dockerfile],
        summary: "Downloaded script is piped into a shell without verification",
        help: "download to a file, verify its checksum or signature, then run it",
    }
}

const FETCHERS: &[&str] = &["curl", "wget"];

fn is_interpreter(program: &str) -> bool {
    matches!(
        program,
        "sh" | "bash" | "zsh" | "dash" | "ash" | "ksh" | "perl" | "ruby" | "node" | "php"
    ) || program.starts_with("python")
}

fn fetches_inline(word: &str) -> bool {
    FETCHERS.iter().any(|f| {
        word.contains(&format!("$({f} "))
            || word.contains(&format!("<({f} "))
            || word.contains(&format!("`{f} "))
    })
}

/// The file a `curl`/`wget` command saves to, if any.
fn downloaded_file(program: &str, args: &[String]) -> Option<String> {
    let url_name = || {
        args.iter()
            .find(|a| a.starts_with("http://") || a.starts_with("https://"))
            .and_then(|u| u.split(['?', '#']).next())
            .and_then(|u| u.rsplit('/').next())
            .filter(|n| !n.is_empty())
            .map(str::to_string)
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        let next = args.get(i + 1).cloned();
        match (program, a) {
            ("curl", "-o" | "--output") | ("wget", "-O" | "--output-document") => {
                return next.filter(|n| n != "-");
            }
            ("curl", "-O" | "--remote-name") => return url_name(),
            ("wget", _) if a.starts_with("--output-document=") => {
                return a
                    .split_once('=')
                    .map(|(_, f)| f.to_string())
                    .filter(|f| f != "-");
            }
            ("curl", _) if a.starts_with('-') && !a.starts_with("--") && a.ends_with('o') => {
                return next
            }
            ("curl", _) if a.starts_with('-') && !a.starts_with("--") && a.ends_with('O') => {
                return url_name()
            }
            ("wget", _) if a.starts_with('-') && !a.starts_with("--") && a.ends_with('O') => {
                return next.filter(|n| n != "-");
            }
            _ => {}
        }
        i += 1;
    }
    (program == "wget").then(url_name).flatten()
}

const VERIFIERS: &[&str] = &[
    "sha256sum",
    "sha512sum",
    "sha1sum",
    "shasum",
    "md5sum",
    "gpg",
    "gpgv",
    "cosign",
    "minisign",
    "openssl",
];

/// `curl -o x.sh URL && sh x.sh` in one `RUN`, with no checksum or signature check in between.
fn download_then_run(stage: &super::Stage, cmds: &[super::RunCommand], out: &mut Vec<Finding>) {
    for (i, fetch) in cmds.iter().enumerate() {
        let program = fetch.cmd.program();
        if !FETCHERS.contains(&program) {
            continue;
        }
        let Some(file) = downloaded_file(program, &fetch.cmd.argv()[1..]) else {
            continue;
        };
        let base = super::shell::basename(&file).to_string();
        for later in &cmds[i + 1..] {
            let argv = later.cmd.argv();
            if VERIFIERS.contains(&later.cmd.program())
                || argv.iter().any(|w| w.contains(&base) && w.contains(".sha"))
            {
                break;
            }
            let runs_it = match argv.first() {
                Some(first) if super::shell::basename(first) == base && first.contains('/') => true,
                Some(_) if is_interpreter(later.cmd.program()) => argv[1..]
                    .iter()
                    .find(|a| !a.starts_with('-'))
                    .is_some_and(|a| super::shell::basename(a) == base),
                _ => false,
            };
            if runs_it {
                out.push(
                    Finding::builder(
                        &DOCKER_CURL_PIPE_SHELL,
                        later.location.clone(),
                        format!(
                            "`{}` runs `{file}`, downloaded by `{}` in the same step of {} without a checksum or signature check",
                            later.cmd.display(),
                            fetch.cmd.display(),
                            stage.display_name()
                        ),
                    )
                    .scope(stage.scope())
                    .anchor(format!("{} then {}", fetch.cmd.display(), later.cmd.display()))
                    .build(),
                );
                break;
            }
        }
    }
}

pub(super) fn check(m: &Model, out: &mut Vec<Finding>) {
    for stage in &m.stages {
        for inst in &stage.instructions {
            let Kind::Run(cmds) = &inst.kind else {
                continue;
            };
            download_then_run(stage, cmds, out);
            for (i, fetch) in cmds.iter().enumerate() {
                let program = fetch.cmd.program();
                if FETCHERS.contains(&program) {
                    let runner = cmds[i + 1..].iter().find(|c| {
                        c.cmd.pipeline == fetch.cmd.pipeline
                            && c.cmd.stage > fetch.cmd.stage
                            && is_interpreter(c.cmd.program())
                    });
                    if let Some(runner) = runner {
                        out.push(
                            Finding::builder(
                                &DOCKER_CURL_PIPE_SHELL,
                                fetch.location.clone(),
                                format!(
                                    "`{}` is piped into `{}` in {}: the downloaded script runs without an integrity check",
                                    fetch.cmd.display(),
                                    runner.cmd.program(),
                                    stage.display_name()
                                ),
                            )
                            .scope(stage.scope())
                            .anchor(format!("{} | {}", fetch.cmd.display(), runner.cmd.program()))
                            .build(),
                        );
                    }
                } else if is_interpreter(program)
                    && fetch.cmd.argv().iter().skip(1).any(|w| fetches_inline(w))
                {
                    out.push(
                        Finding::builder(
                            &DOCKER_CURL_PIPE_SHELL,
                            fetch.location.clone(),
                            format!(
                                "`{}` runs a script downloaded in the same command in {}, without an integrity check",
                                fetch.cmd.display(),
                                stage.display_name()
                            ),
                        )
                        .scope(stage.scope())
                        .anchor(fetch.cmd.display())
                        .build(),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::findings_of;

    #[test]
    fn flags_pipes_into_shells() {
        let text = "FROM node:20-bullseye\nRUN apt-get update \\\n    && curl -fsSL https://deb.nodesource.com/setup_20.x | bash - \\\n    && apt-get install -y nodejs\nRUN wget -qO- https://get.pnpm.io/install.sh | env PNPM_VERSION=9.0.0 sh -\nRUN sh -c \"$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)\"\nRUN curl -sSL https://install.python-poetry.org | python3 -\nRUN curl -fsSL https://get.docker.com | sudo sh\n";
        let got = findings_of(&DOCKER_CURL_PIPE_SHELL, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![3, 5, 6, 7, 8],
            "{got:?}"
        );
        assert!(got[0]
            .1
            .contains("`curl -fsSL https://deb.nodesource.com/setup_20.x` is piped into `bash`"));
    }

    #[test]
    fn flags_download_then_run() {
        let text = "FROM ubuntu:22.04\nRUN curl -fsSL https://get.docker.com -o get-docker.sh && sh get-docker.sh\nRUN wget https://example.com/install.sh && chmod +x install.sh && ./install.sh\nRUN curl -fsSLO https://example.com/setup.sh \\\n && echo \"abc  setup.sh\" | sha256sum -c - \\\n && bash setup.sh\n";
        let got = findings_of(&DOCKER_CURL_PIPE_SHELL, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![2, 3],
            "{got:?}"
        );
        assert!(got[0].1.contains("get-docker.sh"));
    }

    #[test]
    fn flags_heredoc_scripts() {
        let text = "FROM ubuntu:24.04\nRUN <<EOF\nset -eux\ncurl -fsSL https://sh.rustup.rs | sh -s -- -y\nEOF\n";
        let got = findings_of(&DOCKER_CURL_PIPE_SHELL, text);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, 4);
    }

    #[test]
    fn passes_verified_downloads_and_other_pipes() {
        let ok = [
            "FROM debian:12\nRUN curl -fsSLo /tmp/install.sh https://example.com/install.sh && echo \"abc  /tmp/install.sh\" | sha256sum -c - && sh /tmp/install.sh\n",
            "FROM debian:12\nRUN curl -fsSL https://example.com/app.tar.gz | tar -xz -C /opt\n",
            "FROM debian:12\nRUN curl -fsSL https://download.docker.com/linux/debian/gpg | gpg --dearmor -o /etc/apt/keyrings/docker.gpg\n",
            "FROM debian:12\nRUN curl -s https://api.example.com/health | grep ok; bash -c 'echo done'\n",
            "FROM debian:12\nRUN echo 'curl https://x | sh' > /usr/local/share/doc.txt\n",
        ];
        for text in ok {
            assert!(
                findings_of(&DOCKER_CURL_PIPE_SHELL, text).is_empty(),
                "{text}"
            );
        }
    }
}
