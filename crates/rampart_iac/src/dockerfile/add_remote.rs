use super::{Kind, Model};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports `ADD` instructions that fetch a remote URL or Git repository without
    /// `--checksum=sha256:...` (or, for Git, without a full commit hash).
    ///
    /// ## Why is this bad
    /// `ADD https://...` downloads at build time and trusts whatever the server returns; remote
    /// archives are then unpacked into the image. A compromised server or a moved release asset
    /// changes the image without any change to the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
    /// ```
    ///
    /// ## Fix
    /// Pin the content with `--checksum` (BuildKit), or download with `curl` and verify with
    /// `sha256sum -c` in a `RUN` step:
    /// ```dockerfile
    /// ADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c \
    ///     https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
    /// ```
    ///
    /// ## References
    /// - [CWE-494: Download of Code Without Integrity Check](https://cwe.mitre.org/data/definitions/494.html)
    /// - [Dockerfile reference: ADD --checksum](https://docs.docker.com/reference/dockerfile/#add---checksum)
    pub static DOCKER_ADD_REMOTE = {
        id: "docker-add-remote",
        name: "DockerAddRemote",
        cwe: 494,
        other_cwes: [829],
        severity: Medium,
        languages: [Dockerfile],
        summary: "ADD downloads a remote file without a checksum",
        help: "add `--checksum=sha256:<digest>` or download and verify in a RUN step",
    }
}

fn is_git(src: &str) -> bool {
    src.starts_with("git@")
        || src.starts_with("git://")
        || src.split('#').next().is_some_and(|u| u.ends_with(".git"))
}

fn pinned_commit(src: &str) -> bool {
    src.rsplit_once('#').is_some_and(|(_, r)| {
        let r = r.split(':').next().unwrap_or(r);
        r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit())
    })
}

pub(super) fn check(m: &Model, out: &mut Vec<Finding>) {
    for stage in &m.stages {
        for inst in &stage.instructions {
            let Kind::Copy {
                add: true,
                flags,
                sources,
                ..
            } = &inst.kind
            else {
                continue;
            };
            if flags.iter().any(|f| f.starts_with("--checksum")) {
                continue;
            }
            for src in sources {
                let lower = src.to_ascii_lowercase();
                let remote = lower.starts_with("http://")
                    || lower.starts_with("https://")
                    || lower.starts_with("ftp://");
                let git = is_git(&lower);
                if !(remote || git) || (git && pinned_commit(src)) {
                    continue;
                }
                let what = if git {
                    "a Git repository without a pinned commit"
                } else {
                    "a remote file without `--checksum`"
                };
                out.push(
                    Finding::builder(
                        &DOCKER_ADD_REMOTE,
                        inst.location.clone(),
                        format!("`ADD {src}` in {} fetches {what}", stage.display_name()),
                    )
                    .scope(stage.scope())
                    .anchor(format!("ADD {src}"))
                    .build(),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::findings_of;

    #[test]
    fn flags_remote_add() {
        let text = "FROM alpine:3.20\nADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini\nADD https://example.com/app-1.2.tar.gz /opt/\nADD git@github.com:acme/tools.git#main /src/tools\n";
        let got = findings_of(&DOCKER_ADD_REMOTE, text);
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), vec![2, 3, 4]);
        assert!(got[0].1.contains("tini"));
    }

    #[test]
    fn passes_checksums_local_files_and_pinned_git() {
        let ok = [
            "FROM alpine:3.20\nADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini\n",
            "FROM alpine:3.20\nADD rootfs.tar.gz /\nADD . /app\n",
            "FROM alpine:3.20\nCOPY https-proxy.conf /etc/\n",
            "FROM alpine:3.20\nADD https://github.com/acme/tools.git#0123456789abcdef0123456789abcdef01234567 /src\n",
        ];
        for text in ok {
            assert!(findings_of(&DOCKER_ADD_REMOTE, text).is_empty(), "{text}");
        }
    }
}
