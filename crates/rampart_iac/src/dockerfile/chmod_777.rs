use super::{Kind, Model};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports `chmod` in `RUN` steps and `COPY --chmod`/`ADD --chmod` that make files or
    /// directories writable by everyone (`777`, `666`, `o+w`, `a+rwx`). Modes with the sticky bit
    /// (`1777`, the standard for shared temporary directories) are not reported.
    ///
    /// ## Why is this bad
    /// In a world-writable application directory any process in the container, whatever user it
    /// runs as, can replace code, configuration or scripts that a privileged process later runs.
    /// It usually hides a permissions problem that should be fixed with the right owner.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN chmod -R 777 /app
    /// ```
    ///
    /// ## Fix
    /// Give ownership to the user that needs to write, and keep the mode tight:
    /// ```dockerfile
    /// COPY --chown=app:app . /app
    /// RUN chmod -R u=rwX,go=rX /app
    /// ```
    ///
    /// ## References
    /// - [CWE-732: Incorrect Permission Assignment for Critical Resource](https://cwe.mitre.org/data/definitions/732.html)
    pub static DOCKER_CHMOD_777 = {
        id: "docker-chmod-777",
        name: "DockerChmod777",
        cwe: 732,
        severity: Medium,
        languages: [Dockerfile],
        summary: "World-writable file permissions",
        help: "set the owner with `--chown`/`chown` and use a mode such as 755 or 644",
    }
}

/// Whether a chmod mode grants write permission to others.
pub(crate) fn world_writable(mode: &str) -> bool {
    if !mode.is_empty() && mode.chars().all(|c| c.is_ascii_digit()) {
        let digits: Vec<u32> = mode.chars().filter_map(|c| c.to_digit(8)).collect();
        if digits.len() != mode.len() || digits.len() < 3 || digits.len() > 4 {
            return false;
        }
        let sticky = digits.len() == 4 && digits[0] & 1 == 1;
        return !sticky && digits[digits.len() - 1] & 2 == 2;
    }
    mode.split(',').any(|clause| {
        let Some(op_at) = clause.find(['+', '=']) else {
            return false;
        };
        let (who, perms) = clause.split_at(op_at);
        (who.contains('o') || who.contains('a')) && perms.contains('w') && !perms.contains('t')
    })
}

pub(super) fn check(m: &Model, out: &mut Vec<Finding>) {
    for stage in &m.stages {
        for inst in &stage.instructions {
            match &inst.kind {
                Kind::Run(cmds) => {
                    for rc in cmds.iter().filter(|c| c.cmd.program() == "chmod") {
                        let mode = rc.cmd.argv()[1..].iter().find(|a| {
                            !a.starts_with('-')
                                || (a.len() > 1 && a[1..].chars().all(|c| "rwxXst".contains(c)))
                        });
                        let Some(mode) = mode.filter(|m| world_writable(m)) else {
                            continue;
                        };
                        out.push(
                            Finding::builder(
                                &DOCKER_CHMOD_777,
                                rc.location.clone(),
                                format!(
                                    "`{}` in {} makes files world-writable (mode `{mode}`)",
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
                Kind::Copy {
                    add, flags, dest, ..
                } => {
                    let Some(mode) = flags
                        .iter()
                        .find_map(|f| f.strip_prefix("--chmod="))
                        .filter(|m| world_writable(m))
                    else {
                        continue;
                    };
                    let verb = if *add { "ADD" } else { "COPY" };
                    out.push(
                        Finding::builder(
                            &DOCKER_CHMOD_777,
                            inst.location.clone(),
                            format!(
                                "`{verb} --chmod={mode}` to `{dest}` in {} makes files world-writable",
                                stage.display_name()
                            ),
                        )
                        .scope(stage.scope())
                        .anchor(format!("{verb} --chmod={mode} {dest}"))
                        .build(),
                    );
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::findings_of;

    #[test]
    fn modes() {
        for m in ["777", "0777", "666", "a+rwx", "o+w", "ugo=rwx", "u+x,o+w"] {
            assert!(world_writable(m), "{m}");
        }
        for m in ["755", "0644", "1777", "+x", "u+rwx", "go-w", "a+rX", "400"] {
            assert!(!world_writable(m), "{m}");
        }
    }

    #[test]
    fn flags_world_writable() {
        let text = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci && chmod -R 777 /app\nRUN chmod a+rwx /data\nCOPY --chmod=777 entrypoint.sh /entrypoint.sh\n";
        let got = findings_of(&DOCKER_CHMOD_777, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![4, 5, 6],
            "{got:?}"
        );
        assert!(got[0].1.contains("chmod -R 777 /app"));
    }

    #[test]
    fn passes_tight_modes() {
        let ok = "FROM alpine:3.20\nRUN chmod +x /entrypoint.sh && chmod 1777 /tmp/shared && chmod -R 755 /app\nCOPY --chmod=0755 run.sh /run.sh\nRUN echo 'chmod 777 is bad' > /notes\n";
        assert!(findings_of(&DOCKER_CHMOD_777, ok).is_empty());
    }
}
