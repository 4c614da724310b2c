//! Values from the project's own configuration files (`.properties`, `appsettings.json`, ...),
//! by key. Code that reads a setting by key gets a constant, not user input.

use rampart_core::Language;
use rustc_hash::FxHashMap;

#[derive(Debug, Default, Clone)]
pub struct ProjectSettings {
    values: FxHashMap<String, String>,
}

impl ProjectSettings {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.values.insert(key.into(), value.into());
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Adds the `key=value` / `key: value` lines of a Java `.properties` file.
    pub fn add_properties(&mut self, text: &str) {
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
                continue;
            }
            let Some(i) = line.find(['=', ':']) else {
                continue;
            };
            let key = line[..i].trim();
            let value = line[i + 1..].trim();
            if !key.is_empty() {
                self.insert(key, value);
            }
        }
    }

    /// Adds a file the code may read settings from: Java `.properties`, ASP.NET
    /// `appsettings*.json`, `config/*.json` (node-config and similar), `config.json`,
    /// `settings.json`. Other files (such as `package.json`) add nothing.
    pub fn add_config_file(&mut self, rel_path: &str, language: Language, text: &str) {
        match language {
            Language::Properties => self.add_properties(text),
            Language::Json if is_settings_json(rel_path) => self.add_json(text),
            _ => {}
        }
    }

    /// Adds the leaves of a JSON configuration file (`appsettings.json`, `config/default.json`)
    /// under their paths joined both ASP.NET style and dotted: `{"Crypto":{"Algorithm":"DES"}}`
    /// gives `Crypto:Algorithm` and `Crypto.Algorithm`. Invalid JSON adds nothing.
    pub fn add_json(&mut self, text: &str) {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
            return;
        };
        let mut path = Vec::new();
        self.add_json_value(&value, &mut path);
    }

    fn add_json_value<'v>(&mut self, value: &'v serde_json::Value, path: &mut Vec<&'v str>) {
        use serde_json::Value;
        // Settings files are shallow; the bound keeps hostile input from recursing deeply.
        if path.len() > 16 {
            return;
        }
        let leaf = match value {
            Value::Object(map) => {
                for (k, v) in map {
                    path.push(k);
                    self.add_json_value(v, path);
                    path.pop();
                }
                return;
            }
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Array(_) | Value::Null => return,
        };
        if path.is_empty() {
            return;
        }
        self.insert(path.join(":"), leaf.clone());
        self.insert(path.join("."), leaf);
    }
}

fn is_settings_json(rel_path: &str) -> bool {
    let lower = rel_path.to_ascii_lowercase();
    let mut parts = lower.rsplit('/');
    let name = parts.next().unwrap_or("");
    let dir = parts.next().unwrap_or("");
    name.ends_with(".json")
        && (name.starts_with("appsettings")
            || dir == "config"
            || name == "config.json"
            || name == "settings.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_properties() {
        let mut s = ProjectSettings::default();
        s.add_properties("# c\ncrypto.algorithm=DES/ECB/PKCS5Padding\napp.name : demo\n");
        assert_eq!(s.get("crypto.algorithm"), Some("DES/ECB/PKCS5Padding"));
        assert_eq!(s.get("app.name"), Some("demo"));
    }

    #[test]
    fn flattens_json_settings() {
        let mut s = ProjectSettings::default();
        s.add_json(
            r#"{"Crypto": {"Algorithm": "DES", "KeySize": 64}, "Logging": {"Enabled": true}}"#,
        );
        assert_eq!(s.get("Crypto:Algorithm"), Some("DES"));
        assert_eq!(s.get("Crypto.Algorithm"), Some("DES"));
        assert_eq!(s.get("Crypto:KeySize"), Some("64"));
        assert_eq!(s.get("Logging:Enabled"), Some("true"));
        s.add_json("{not json");
        assert_eq!(s.len(), 6);
        s.add_config_file("package.json", Language::Json, r#"{"name": "x"}"#);
        s.add_config_file(
            "config/default.json",
            Language::Json,
            r#"{"crypto": {"alg": "rc4"}}"#,
        );
        s.add_config_file(
            "src/appsettings.Development.json",
            Language::Json,
            r#"{"A": "b"}"#,
        );
        assert_eq!(s.get("name"), None);
        assert_eq!(s.get("crypto.alg"), Some("rc4"));
        assert_eq!(s.get("A"), Some("b"));
    }
}
