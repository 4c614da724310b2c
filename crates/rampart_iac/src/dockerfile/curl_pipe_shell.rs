use super::{Kind, Model};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports `RUN` commands that download a script and run it in the same step:
    /// `curl ... | sh`, `wget -qO- ... | bash`, `bash -c "$(curl ...)"`, `sh <(curl ...)`.
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

pub(super) fn check(m: &Model, out: &mut Vec<Finding>) {
    for stage in &m.stages {
        for inst in &stage.instructions {
            let Kind::Run(cmds) = &inst.kind else {
                continue;
            };
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
