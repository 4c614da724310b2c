//! `rampart.toml` (or `[tool.rampart]` in `pyproject.toml`).

use crate::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid configuration in {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// User configuration. Unknown keys are errors so typos do not silently disable anything.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Only these rules (ids); empty means every stable rule.
    #[serde(default)]
    pub select: Vec<String>,
    /// Never these rules.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Rule id -> severity.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Only files matching these globs (relative to the project root).
    #[serde(default)]
    pub include: Vec<String>,
    /// Skip files matching these globs.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Default for `--fail-on`.
    #[serde(default)]
    pub fail_on: Option<String>,
    /// Default for `--max-file-size`, in bytes.
    #[serde(default)]
    pub max_file_size: Option<u64>,
    /// Custom sources, sinks, sanitizers and propagators (schema in `docs/models.md`).
    #[serde(default)]
    pub models: Option<toml::Value>,
    /// Where the file was read from, if anywhere.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

impl Config {
    /// Finds `rampart.toml`, `.rampart.toml` or a `pyproject.toml` with `[tool.rampart]` in `dir`
    /// or its ancestors.
    pub fn discover(dir: &Path) -> Result<Config, ConfigError> {
        let mut cur = Some(dir);
        while let Some(d) = cur {
            for name in ["rampart.toml", ".rampart.toml"] {
                let p = d.join(name);
                if p.is_file() {
                    return Config::load(&p);
                }
            }
            let pyproject = d.join("pyproject.toml");
            if pyproject.is_file() {
                if let Some(cfg) = Config::load_pyproject(&pyproject)? {
                    return Ok(cfg);
                }
            }
            if d.join(".git").exists() {
                break;
            }
            cur = d.parent();
        }
        Ok(Config::default())
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = read(path)?;
        if path.file_name().and_then(|n| n.to_str()) == Some("pyproject.toml") {
            return Ok(Config::load_pyproject(path)?.unwrap_or_default());
        }
        let mut cfg = Config::parse(&text).map_err(|message| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        })?;
        cfg.path = Some(path.to_path_buf());
        cfg.validate()?;
        Ok(cfg)
    }

    fn load_pyproject(path: &Path) -> Result<Option<Config>, ConfigError> {
        let text = read(path)?;
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let doc: toml::Table = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        let Some(section) = doc.get("tool").and_then(|t| t.get("rampart")) else {
            return Ok(None);
        };
        let mut cfg: Config = section
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| invalid(format!("in [tool.rampart]: {}", e.message())))?;
        cfg.path = Some(path.to_path_buf());
        cfg.validate()?;
        Ok(Some(cfg))
    }

    /// Parses `rampart.toml` text; the error names the line.
    pub fn parse(text: &str) -> Result<Config, String> {
        toml::from_str::<Config>(text).map_err(|e| e.to_string().trim_end().to_string())
    }

    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: self.path.clone().unwrap_or_default(),
            message,
        };
        for g in self.include.iter().chain(&self.exclude) {
            globset::Glob::new(g).map_err(|e| invalid(format!("bad glob `{g}`: {e}")))?;
        }
        if let Some(f) = &self.fail_on {
            if f != "none" {
                f.parse::<Severity>()
                    .map_err(|e| invalid(format!("fail-on: {e}")))?;
            }
        }
        Ok(())
    }
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_config() {
        let cfg = Config::parse(
            r#"
select = ["weak-hash", "sql-injection"]
ignore = ["weak-random"]
exclude = ["tests/**"]
fail-on = "high"

[severity]
weak-hash = "low"
"#,
        )
        .unwrap();
        assert_eq!(cfg.select.len(), 2);
        assert_eq!(cfg.severity["weak-hash"], Severity::Low);
        assert_eq!(cfg.fail_on.as_deref(), Some("high"));
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_line() {
        let err = Config::parse("select = []\nselekt = [\"x\"]\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        let err = Config::parse("[severity]\nweak-hash = \"huge\"\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }
}
