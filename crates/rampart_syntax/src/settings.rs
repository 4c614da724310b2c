//! Values from the project's own configuration files (`.properties`, `appsettings.json`, ...),
//! by key. Code that reads a setting by key gets a constant, not user input.

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
}
