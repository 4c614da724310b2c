use super::Model;
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports `FROM` lines whose image has no tag or the `latest` tag (and no `@sha256:` digest).
    /// References to earlier build stages and `scratch` are not images and are skipped; `ARG`
    /// defaults used in `FROM` are resolved first.
    ///
    /// ## Why is this bad
    /// `latest` moves: every build may pull a different base image, with different packages,
    /// a different user and new vulnerabilities, and a compromised or typosquatted publisher push
    /// lands in your image silently. Builds stop being reproducible and reviews stop meaning much.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:latest
    /// FROM ubuntu
    /// ```
    ///
    /// ## Fix
    /// Pin a version tag, and preferably the digest of the image you tested:
    /// ```dockerfile
    /// FROM node:20.15-alpine@sha256:<digest>
    /// ```
    ///
    /// ## References
    /// - [CWE-1104: Use of Unmaintained Third Party Components](https://cwe.mitre.org/data/definitions/1104.html)
    /// - [Docker: pin base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
    pub static DOCKER_UNPINNED_BASE_IMAGE = {
        id: "docker-unpinned-base-image",
        name: "DockerUnpinnedBaseImage",
        cwe: 1104,
        other_cwes: [829],
        severity: Medium,
        languages: [Dockerfile],
        summary: "Base image is not pinned to a version or digest",
        help: "pin the base image to a version tag and its `@sha256:` digest",
    }
}

pub(super) fn check(m: &Model, out: &mut Vec<Finding>) {
    for (idx, stage) in m.stages.iter().enumerate() {
        let written = stage.image.trim();
        if written.is_empty()
            || written.eq_ignore_ascii_case("scratch")
            || m.stage_named(written, idx).is_some()
        {
            continue;
        }
        // An image chosen by a build argument without a default is decided at build time.
        let Some(image) = m.expand_global(written) else {
            continue;
        };
        if image.contains('@') || image.is_empty() || image.eq_ignore_ascii_case("scratch") {
            continue;
        }
        let last_segment = image.rsplit('/').next().unwrap_or(&image);
        let tag = last_segment.split_once(':').map(|(_, t)| t);
        let problem = match tag {
            None => "has no tag, so it pulls `latest`",
            Some(t) if t.eq_ignore_ascii_case("latest") => "uses the moving `latest` tag",
            Some(_) => continue,
        };
        out.push(
            Finding::builder(
                &DOCKER_UNPINNED_BASE_IMAGE,
                stage.location.clone(),
                format!(
                    "base image `{image}` of {} {problem}; pin a version and digest",
                    stage.display_name()
                ),
            )
            .scope(stage.scope())
            .anchor(format!("FROM {written}"))
            .build(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::findings_of;

    #[test]
    fn flags_latest_and_untagged() {
        let text = "FROM node:latest AS build\nRUN npm ci\nFROM nginx\nCOPY --from=build /app/dist /usr/share/nginx/html\n";
        let got = findings_of(&DOCKER_UNPINNED_BASE_IMAGE, text);
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), vec![1, 3]);
        assert!(got[0].1.contains("`node:latest`"));
        let via_arg = "ARG BASE=python\nFROM ${BASE}\n";
        assert_eq!(findings_of(&DOCKER_UNPINNED_BASE_IMAGE, via_arg).len(), 1);
        let registry_port = "FROM registry.local:5000/team/api\n";
        assert_eq!(
            findings_of(&DOCKER_UNPINNED_BASE_IMAGE, registry_port).len(),
            1
        );
    }

    #[test]
    fn passes_pinned_stages_and_scratch() {
        let ok = [
            "FROM python:3.12-slim\n",
            "FROM node:20-alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
            "FROM golang:1.22 AS build\nFROM build AS test\nFROM scratch\nCOPY --from=build /out /app\n",
            "ARG PY_VERSION=3.12\nFROM python:${PY_VERSION}-slim\n",
            "ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\n",
            "FROM registry.local:5000/team/api:1.4.2\n",
        ];
        for text in ok {
            assert!(
                findings_of(&DOCKER_UNPINNED_BASE_IMAGE, text).is_empty(),
                "{text}"
            );
        }
    }
}
