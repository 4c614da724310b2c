//! Which language a file is, from its name, extension, location and (for YAML and scripts) content.

use rampart_core::Language;
use std::path::Path;

/// Detects the language of `path`. `head` is the start of the file's content (used for shebangs
/// and to tell Kubernetes manifests from other YAML); pass what has been read, or nothing.
pub fn detect_language(path: &Path, head: Option<&str>) -> Option<Language> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    if is_dockerfile_name(&lower) {
        return Some(Language::Dockerfile);
    }
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let lang = match ext {
        "py" | "pyi" | "pyw" => Language::Python,
        "js" | "mjs" | "cjs" | "jsx" => Language::JavaScript,
        "ts" | "mts" | "cts" => {
            if lower.ends_with(".d.ts") || lower.ends_with(".d.mts") || lower.ends_with(".d.cts") {
                return None;
            }
            Language::TypeScript
        }
        "tsx" => Language::Tsx,
        "java" => Language::Java,
        "cs" => Language::CSharp,
        "go" => Language::Go,
        "tf" => Language::Terraform,
        "properties" => Language::Properties,
        "json" => Language::Json,
        "yml" | "yaml" => return Some(detect_yaml(path, &lower, head)),
        "" => return head.and_then(detect_shebang),
        _ => return None,
    };
    Some(lang)
}

/// Whether a file is test code: named as a test (`test_*.py`, `*_test.go`, `*.spec.ts`,
/// `*Test.java`, `conftest.py`), or inside a test directory (`tests/`, `__tests__/`,
/// `src/test/`) and written against a test framework. The content check keeps an application
/// that merely lives under a `tests/` folder (a fixture, a sample app) from counting as tests.
pub fn is_test_code(rel_path: &str, text: &str) -> bool {
    let path = rel_path.replace('\\', "/");
    let mut parts: Vec<&str> = path.split('/').collect();
    let file = parts.pop().unwrap_or("").to_ascii_lowercase();
    let stem = file.split('.').next().unwrap_or(&file);
    let named = file.starts_with("test_")
        || file == "conftest.py"
        || stem.ends_with("_test")
        || stem.ends_with("_tests")
        || file.contains(".test.")
        || file.contains(".spec.")
        || ((file.ends_with(".java") || file.ends_with(".cs"))
            && (stem.ends_with("test") || stem.ends_with("tests"))
            && stem.len() > 5);
    let in_test_dir = parts.iter().any(|p| {
        matches!(
            p.to_ascii_lowercase().as_str(),
            "test" | "tests" | "__tests__" | "spec" | "specs" | "testing" | "e2e"
        )
    });
    (named || in_test_dir) && TEST_MARKERS.iter().any(|m| text.contains(m))
}

/// Text that test frameworks make test code contain.
const TEST_MARKERS: &[&str] = &[
    "def test",
    "import pytest",
    "import unittest",
    "from unittest",
    "from django.test",
    "TestCase",
    "describe(",
    "expect(",
    "assert.",
    "@Test",
    "func Test",
    "[Fact]",
    "[Test]",
    "[TestMethod]",
];

fn is_dockerfile_name(lower: &str) -> bool {
    lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
        || lower.ends_with(".containerfile")
}

fn detect_yaml(path: &Path, lower: &str, head: Option<&str>) -> Language {
    let mut comps = path
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect::<Vec<_>>();
    comps.pop();
    let n = comps.len();
    if n >= 2 && comps[n - 2] == ".github" && comps[n - 1] == "workflows" {
        return Language::GithubActions;
    }
    if lower.starts_with("docker-compose")
        || lower.starts_with("compose.")
        || lower.starts_with("compose-")
    {
        return Language::Compose;
    }
    match head {
        Some(h) if looks_like_kubernetes(h) => Language::Kubernetes,
        _ => Language::Yaml,
    }
}

/// A manifest has top-level `apiVersion:` and `kind:` keys.
fn looks_like_kubernetes(text: &str) -> bool {
    let mut api = false;
    let mut kind = false;
    for line in text.lines() {
        api |= line.starts_with("apiVersion:");
        kind |= line.starts_with("kind:");
        if api && kind {
            return true;
        }
    }
    false
}

fn detect_shebang(head: &str) -> Option<Language> {
    let first = head.lines().next()?;
    let rest = first.strip_prefix("#!")?;
    if rest.contains("python") {
        Some(Language::Python)
    } else if rest.contains("node") || rest.contains("deno") || rest.contains("bun") {
        Some(Language::JavaScript)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(p: &str, head: Option<&str>) -> Option<Language> {
        detect_language(Path::new(p), head)
    }

    #[test]
    fn test_code_needs_a_test_location_and_a_test_framework() {
        let pytest = "import pytest\n\ndef test_login(client):\n    assert client.get('/').status_code == 200\n";
        assert!(is_test_code("tests/test_auth.py", pytest));
        assert!(is_test_code("app/test_views.py", pytest));
        assert!(is_test_code(
            "src/auth.test.ts",
            "describe('auth', () => { expect(1).toBe(1); });"
        ));
        assert!(is_test_code(
            "src/test/java/a/TokenServiceTest.java",
            "class T { @Test void f() {} }"
        ));
        assert!(is_test_code(
            "auth/token_test.go",
            "package auth\nfunc TestToken(t *testing.T) {}\n"
        ));
        // An application kept under a tests/ folder is still application code.
        let app = "from flask import Flask, request\napp = Flask(__name__)\n";
        assert!(!is_test_code("tests/fixtures/app/app.py", app));
        assert!(!is_test_code("tests/app.py", app));
        // Test-like content outside a test location is application code.
        assert!(!is_test_code("app/views.py", pytest));
        assert!(!is_test_code("src/latest.py", pytest));
    }

    #[test]
    fn by_extension_name_and_place() {
        assert_eq!(d("app/views.py", None), Some(Language::Python));
        assert_eq!(d("src/App.tsx", None), Some(Language::Tsx));
        assert_eq!(d("types/index.d.ts", None), None);
        assert_eq!(d("Dockerfile", None), Some(Language::Dockerfile));
        assert_eq!(
            d("docker/Dockerfile.prod", None),
            Some(Language::Dockerfile)
        );
        assert_eq!(d("infra/main.tf", None), Some(Language::Terraform));
        assert_eq!(
            d(".github/workflows/ci.yml", None),
            Some(Language::GithubActions)
        );
        assert_eq!(d("docker-compose.yml", None), Some(Language::Compose));
        assert_eq!(
            d(
                "k8s/deploy.yaml",
                Some("apiVersion: apps/v1\nkind: Deployment\n")
            ),
            Some(Language::Kubernetes)
        );
        assert_eq!(
            d("config.yaml", Some("debug: true\n")),
            Some(Language::Yaml)
        );
        assert_eq!(d("README.md", None), None);
    }

    #[test]
    fn by_shebang() {
        assert_eq!(
            d("bin/tool", Some("#!/usr/bin/env python3\nimport os\n")),
            Some(Language::Python)
        );
        assert_eq!(
            d("bin/cli", Some("#!/usr/bin/env node\n")),
            Some(Language::JavaScript)
        );
        assert_eq!(d("bin/run", Some("#!/bin/sh\n")), None);
    }
}
