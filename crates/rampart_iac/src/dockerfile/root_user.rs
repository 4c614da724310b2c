use super::{Kind, Model};
use rampart_core::{Confidence, Finding, Location};

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports Dockerfiles whose final stage runs as root: it never sets `USER`, or the last
    /// `USER` is `root` or `0`. Stages built `FROM` an earlier stage inherit its user.
    ///
    /// ## Why is this bad
    /// A process running as root inside a container is root on the container's filesystem and
    /// shares the kernel with the host. Any remote code execution in the application becomes root
    /// access, and a container escape or a mis-mounted volume becomes root on the node.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY . .
    /// RUN pip install -r requirements.txt
    /// CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    /// ```
    ///
    /// ## Fix
    /// Create an unprivileged user and switch to it before the entry point:
    /// ```dockerfile
    /// RUN useradd --create-home --uid 10001 app
    /// USER app
    /// CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    /// ```
    ///
    /// ## References
    /// - [CWE-250: Execution with Unnecessary Privileges](https://cwe.mitre.org/data/definitions/250.html)
    /// - [Docker: Dockerfile best practices, USER](https://docs.docker.com/build/building/best-practices/#user)
    pub static DOCKER_ROOT_USER = {
        id: "docker-root-user",
        name: "DockerRootUser",
        cwe: 250,
        other_cwes: [269],
        severity: Medium,
        languages: [Dockerfile],
        summary: "Container runs as root",
        help: "add a non-root user and a `USER` instruction to the final stage",
    }
}

/// The last `USER` of stage `idx`, following `FROM <earlier stage>` links.
fn effective_user(m: &Model, idx: usize, depth: usize) -> Option<(&str, &Location)> {
    let stage = m.stages.get(idx)?;
    let own = stage.instructions.iter().rev().find_map(|i| match &i.kind {
        Kind::User(u) => Some((u.as_str(), &i.location)),
        _ => None,
    });
    if own.is_some() || depth > 16 {
        return own;
    }
    let parent = m.stage_named(&stage.image, idx)?;
    effective_user(m, parent, depth + 1)
}

/// Images that already run as an unprivileged user.
fn base_is_non_root(image: &str) -> bool {
    let lower = image.to_ascii_lowercase();
    let tag = lower.rsplit_once(':').map(|(_, t)| t).unwrap_or("");
    tag.contains("nonroot")
        || tag.contains("rootless")
        || lower.contains("unprivileged")
        || lower.starts_with("bitnami/")
        || (lower.starts_with("cgr.dev/chainguard/") && !tag.contains("dev"))
}

fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name == "root" || name == "0"
}

pub(super) fn check(m: &Model, out: &mut Vec<Finding>) {
    let Some(last) = m.stages.len().checked_sub(1) else {
        return;
    };
    let stage = &m.stages[last];
    match effective_user(m, last, 0) {
        Some((user, location)) if is_root(user) => out.push(
            Finding::builder(
                &DOCKER_ROOT_USER,
                location.clone(),
                format!(
                    "final {} switches to `USER {user}`, so the container runs as root",
                    stage.display_name()
                ),
            )
            .scope(stage.scope())
            .anchor(format!("USER {user}"))
            .build(),
        ),
        Some(_) => {}
        None => {
            // Walk to the external base image to see whether it already drops root.
            let mut idx = last;
            let mut depth = 0;
            while let Some(p) = m.stage_named(&m.stages[idx].image, idx) {
                idx = p;
                depth += 1;
                if depth > 16 {
                    break;
                }
            }
            let base = &m.stages[idx].image;
            if base_is_non_root(base) {
                return;
            }
            out.push(
                Finding::builder(
                    &DOCKER_ROOT_USER,
                    stage.location.clone(),
                    format!(
                        "final {} never sets `USER`, so the container runs as root",
                        stage.display_name()
                    ),
                )
                .confidence(Confidence::Medium)
                .scope(stage.scope())
                .anchor(format!("FROM {}", stage.image))
                .build(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::findings_of;

    #[test]
    fn flags_missing_and_root_user() {
        let flask = "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nEXPOSE 5000\nCMD [\"flask\", \"run\", \"--host=0.0.0.0\"]\n";
        let got = findings_of(&DOCKER_ROOT_USER, flask);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, 1);
        assert!(got[0].1.contains("never sets `USER`"), "{}", got[0].1);

        let back_to_root = "FROM node:20-alpine\nUSER node\nRUN npm ci\nUSER root\nCMD [\"node\", \"server.js\"]\n";
        let got = findings_of(&DOCKER_ROOT_USER, back_to_root);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, 4);

        let uid0 = "FROM debian:12\nUSER 0:0\n";
        assert_eq!(findings_of(&DOCKER_ROOT_USER, uid0).len(), 1);
    }

    #[test]
    fn multi_stage_uses_the_final_stage() {
        let builder_has_user = "FROM node:20 AS build\nUSER node\nRUN npm ci && npm run build\n\nFROM nginx:1.27-alpine\nCOPY --from=build /app/dist /usr/share/nginx/html\n";
        let got = findings_of(&DOCKER_ROOT_USER, builder_has_user);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, 5);
        assert!(got[0].1.contains("nginx:1.27-alpine"));
    }

    #[test]
    fn passes_non_root_final_stage() {
        let ok = [
            "FROM python:3.12-slim AS build\nRUN pip wheel -r requirements.txt\nFROM python:3.12-slim\nRUN useradd -m app\nUSER app\nCMD [\"python\", \"app.py\"]\n",
            "FROM node:20 AS base\nUSER node\nFROM base AS final\nCMD [\"node\", \"index.js\"]\n",
            "FROM golang:1.22 AS build\nRUN go build -o /app\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n",
            "FROM alpine:3.20\nUSER root\nRUN apk add --no-cache curl\nUSER 10001:10001\n",
            "FROM node:20-alpine\nUSER ${APP_UID}\n",
        ];
        for text in ok {
            assert!(findings_of(&DOCKER_ROOT_USER, text).is_empty(), "{text}");
        }
    }
}
