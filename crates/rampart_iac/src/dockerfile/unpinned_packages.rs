use super::{Kind, Model};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports language-package installs in `RUN` steps that name packages without a version:
    /// `pip install flask`, `npm install -g pm2`, `yarn global add serve`, `gem install bundler`,
    /// `go install example.com/tool@latest`, `cargo install sqlx-cli`. Installs from lock or
    /// requirements files, local paths and packaging tools (`pip`, `setuptools`, `wheel`) are not
    /// reported. Operating-system packages (`apt-get`, `apk`) are not reported either: they come
    /// from the base image's release, and pinning them exactly breaks builds when the archive drops
    /// old versions, so a pinned base image is the right control there.
    ///
    /// ## Why is this bad
    /// An unpinned install takes whatever the registry serves at build time: builds are not
    /// reproducible, and a hijacked or malicious new release is installed without review.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install flask gunicorn psycopg2-binary
    /// ```
    ///
    /// ## Fix
    /// Pin versions, ideally through a lock file with hashes:
    /// ```dockerfile
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir --require-hashes -r requirements.txt
    /// ```
    ///
    /// ## References
    /// - [CWE-1104: Use of Unmaintained Third Party Components](https://cwe.mitre.org/data/definitions/1104.html)
    /// - [CWE-829: Inclusion of Functionality from Untrusted Control Sphere](https://cwe.mitre.org/data/definitions/829.html)
    pub static DOCKER_UNPINNED_PACKAGES = {
        id: "docker-unpinned-packages",
        name: "DockerUnpinnedPackages",
        cwe: 1104,
        other_cwes: [829],
        severity: Low,
        languages: [Dockerfile],
        summary: "Packages installed without a pinned version",
        help: "pin package versions, preferably through a lock file",
    }
}

const PIP_OPTIONS_WITH_VALUE: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--trusted-host",
    "--platform",
    "--python-version",
    "--only-binary",
    "--no-binary",
    "--upgrade-strategy",
    "--progress-bar",
    "--cache-dir",
    "--src",
    "--config-settings",
    "-C",
    "--implementation",
    "--abi",
    "--python",
];
const TOOLING: &[&str] = &[
    "pip",
    "setuptools",
    "wheel",
    "pipenv",
    "poetry",
    "uv",
    "virtualenv",
    "npm",
    "yarn",
    "pnpm",
    "corepack",
    "bundler",
];

/// Package arguments of an install command (options and their values removed).
fn package_args<'a>(args: &'a [String], with_value: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
            continue;
        }
        if a.starts_with('-') {
            skip = with_value.contains(&a.as_str());
            continue;
        }
        out.push(a.as_str());
    }
    out
}

fn is_local(arg: &str) -> bool {
    arg.starts_with('.')
        || arg.starts_with('/')
        || arg.starts_with('$')
        || arg.contains("://")
        || arg.ends_with(".whl")
        || arg.ends_with(".tar.gz")
        || arg.ends_with(".tgz")
        || arg.ends_with(".zip")
        || arg.ends_with(".gem")
}

fn pip_unpinned(arg: &str) -> Option<&str> {
    if is_local(arg)
        || arg.contains("==")
        || arg.contains(" @ ")
        || arg.contains('@')
        || arg.contains("~=")
    {
        return None;
    }
    let name = arg
        .split(['<', '>', '=', '!', '[', ';', ' '])
        .next()
        .unwrap_or(arg);
    (!TOOLING.contains(&name.to_ascii_lowercase().as_str())).then_some(name)
}

fn npm_unpinned(arg: &str) -> Option<&str> {
    if is_local(arg) || arg.contains('/') && !arg.starts_with('@') || arg.starts_with("git") {
        return None;
    }
    let (name, version) = match arg.strip_prefix('@') {
        Some(scoped) => match scoped.split_once('@') {
            Some((n, v)) => (&arg[..n.len() + 1], Some(v)),
            None => (arg, None),
        },
        None => match arg.split_once('@') {
            Some((n, v)) => (n, Some(v)),
            None => (arg, None),
        },
    };
    let floating = matches!(
        version,
        None | Some("latest") | Some("next") | Some("*") | Some("")
    );
    (floating && !TOOLING.contains(&name)).then_some(name)
}

/// Unpinned package names of one command.
fn unpinned(argv: &[String], program: &str) -> Vec<String> {
    let args = argv.get(1..).unwrap_or(&[]);
    let sub = |name: &str| args.iter().position(|a| a == name);
    let names: Vec<&str> = match program {
        "pip" | "pip3" => match sub("install") {
            Some(i) => package_args(&args[i + 1..], PIP_OPTIONS_WITH_VALUE)
                .into_iter()
                .filter_map(pip_unpinned)
                .collect(),
            None => Vec::new(),
        },
        p if p.starts_with("python") => match (sub("pip"), sub("install")) {
            (Some(_), Some(i)) => package_args(&args[i + 1..], PIP_OPTIONS_WITH_VALUE)
                .into_iter()
                .filter_map(pip_unpinned)
                .collect(),
            _ => Vec::new(),
        },
        "uv" => match (sub("pip"), sub("install")) {
            (Some(_), Some(i)) => package_args(&args[i + 1..], PIP_OPTIONS_WITH_VALUE)
                .into_iter()
                .filter_map(pip_unpinned)
                .collect(),
            _ => Vec::new(),
        },
        "npm" | "pnpm" => match args
            .iter()
            .position(|a| matches!(a.as_str(), "install" | "i" | "add"))
        {
            Some(i) => package_args(
                &args[i + 1..],
                &["--prefix", "--registry", "--cache", "--tag"],
            )
            .into_iter()
            .filter_map(npm_unpinned)
            .collect(),
            None => Vec::new(),
        },
        "yarn" => match (sub("global"), sub("add")) {
            (_, Some(i)) => package_args(
                &args[i + 1..],
                &["--prefix", "--registry", "--cache-folder"],
            )
            .into_iter()
            .filter_map(npm_unpinned)
            .collect(),
            _ => Vec::new(),
        },
        "gem" => match sub("install") {
            Some(i) if !args.iter().any(|a| a == "-v" || a.starts_with("--version")) => {
                package_args(
                    &args[i + 1..],
                    &["-i", "--install-dir", "-n", "--bindir", "--source", "-s"],
                )
                .into_iter()
                .filter(|a| !a.contains(':') && !is_local(a) && !TOOLING.contains(a))
                .collect()
            }
            _ => Vec::new(),
        },
        "go" => match sub("install") {
            Some(i) => package_args(&args[i + 1..], &[])
                .into_iter()
                // Without `@version` the module's go.mod pins the version.
                .filter(|a| {
                    a.ends_with("@latest") || a.ends_with("@master") || a.ends_with("@main")
                })
                .collect(),
            None => Vec::new(),
        },
        "cargo" => match sub("install") {
            Some(i)
                if !args
                    .iter()
                    .any(|a| a == "--version" || a.starts_with("--version=")) =>
            {
                package_args(
                    &args[i + 1..],
                    &[
                        "--git",
                        "--branch",
                        "--tag",
                        "--rev",
                        "--path",
                        "--root",
                        "--bin",
                        "--features",
                        "-F",
                        "--target",
                        "--registry",
                        "--index",
                        "-j",
                        "--jobs",
                        "--profile",
                    ],
                )
                .into_iter()
                .filter(|a| !a.contains('@') && !is_local(a))
                .collect()
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    names.into_iter().map(str::to_string).collect()
}

pub(super) fn check(m: &Model, out: &mut Vec<Finding>) {
    for stage in &m.stages {
        for inst in &stage.instructions {
            let Kind::Run(cmds) = &inst.kind else {
                continue;
            };
            for rc in cmds {
                let names = unpinned(rc.cmd.argv(), rc.cmd.program());
                if names.is_empty() {
                    continue;
                }
                let mut listed = names
                    .iter()
                    .take(5)
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                if names.len() > 5 {
                    listed.push_str(&format!(" and {} more", names.len() - 5));
                }
                out.push(
                    Finding::builder(
                        &DOCKER_UNPINNED_PACKAGES,
                        rc.location.clone(),
                        format!(
                            "`{}` in {} installs {listed} without a pinned version",
                            rc.cmd.display(),
                            stage.display_name()
                        ),
                    )
                    .scope(stage.scope())
                    .anchor(rc.cmd.display())
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
    fn flags_unpinned_language_packages() {
        let text = "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask gunicorn \"requests>=2\"\nRUN npm install -g pm2 @nestjs/cli typescript@latest\nRUN go install github.com/air-verse/air@latest\nRUN python -m pip install --upgrade pip && python -m pip install celery\nRUN gem install rails\n";
        let got = findings_of(&DOCKER_UNPINNED_PACKAGES, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![2, 3, 4, 5, 6],
            "{got:?}"
        );
        assert!(
            got[0].1.contains("`flask`, `gunicorn`, `requests`"),
            "{}",
            got[0].1
        );
        assert!(got[1].1.contains("`@nestjs/cli`"), "{}", got[1].1);
    }

    #[test]
    fn passes_pinned_and_lockfile_installs() {
        let ok = "FROM python:3.12-slim\nRUN pip install --upgrade pip setuptools wheel\nRUN pip install --no-cache-dir -r requirements.txt\nRUN pip install flask==3.0.3 gunicorn==22.0.0 -e .\nRUN npm ci --omit=dev && npm install -g pm2@5.4.2 @nestjs/cli@10.4.5\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN go install github.com/air-verse/air@v1.52.3\nRUN yarn install --frozen-lockfile\nRUN gem install bundler -v 2.5.11\n";
        let got = findings_of(&DOCKER_UNPINNED_PACKAGES, ok);
        assert!(got.is_empty(), "{got:?}");
    }
}
