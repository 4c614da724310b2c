use serde::{Deserialize, Serialize};
use std::fmt;

/// Every kind of file Rampart understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Language {
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Java,
    CSharp,
    Go,
    Dockerfile,
    Terraform,
    GithubActions,
    Kubernetes,
    Compose,
    /// YAML that is none of the above; kept for config lookups, not analyzed.
    Yaml,
    /// Java `.properties` files; read for configuration values, not analyzed.
    Properties,
    /// JSON configuration (`appsettings.json`, `package.json`); read, not analyzed.
    Json,
}

impl Language {
    pub const APPLICATION: [Language; 7] = [
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Tsx,
        Language::Java,
        Language::CSharp,
        Language::Go,
    ];

    pub const INFRASTRUCTURE: [Language; 5] = [
        Language::Dockerfile,
        Language::Terraform,
        Language::GithubActions,
        Language::Kubernetes,
        Language::Compose,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::JavaScript => "javascript",
            Language::TypeScript => "typescript",
            Language::Tsx => "tsx",
            Language::Java => "java",
            Language::CSharp => "csharp",
            Language::Go => "go",
            Language::Dockerfile => "dockerfile",
            Language::Terraform => "terraform",
            Language::GithubActions => "github-actions",
            Language::Kubernetes => "kubernetes",
            Language::Compose => "compose",
            Language::Yaml => "yaml",
            Language::Properties => "properties",
            Language::Json => "json",
        }
    }

    /// Whether the language is in the JavaScript family (one set of models covers all four).
    pub fn is_js_family(self) -> bool {
        matches!(
            self,
            Language::JavaScript | Language::TypeScript | Language::Tsx
        )
    }

    /// Whether files of this language are analyzed (as opposed to only read for configuration).
    pub fn is_analyzed(self) -> bool {
        !matches!(self, Language::Yaml | Language::Properties | Language::Json)
    }

    /// Line-comment markers of the language, used to recognize suppression comments.
    pub fn comment_markers(self) -> &'static [&'static str] {
        match self {
            Language::Python
            | Language::Dockerfile
            | Language::GithubActions
            | Language::Kubernetes
            | Language::Compose
            | Language::Yaml
            | Language::Properties => &["#"],
            Language::Terraform => &["#", "//", "/*"],
            Language::JavaScript
            | Language::TypeScript
            | Language::Tsx
            | Language::Java
            | Language::CSharp
            | Language::Go
            | Language::Json => &["//", "/*", "{/*"],
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
