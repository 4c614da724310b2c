//! tree-sitter parsing with a time budget.

use rampart_core::Language;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};
use tree_sitter::{Node, ParseOptions, Parser, Tree};

/// How long one file may take to parse before it is given up.
pub const PARSE_BUDGET: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ParseError {
    #[error("no parser for {0}")]
    NoGrammar(Language),
    #[error("parsing took longer than {}s and was stopped", PARSE_BUDGET.as_secs())]
    Timeout,
    #[error("the parser failed")]
    Failed,
}

/// A tree and where it has syntax errors (tree-sitter recovers, so a tree with errors is still
/// analyzed; the errors become a warning).
pub struct ParseOutcome {
    pub tree: Tree,
    /// 1-based line of the first syntax error, if any.
    pub first_error_line: Option<u32>,
}

pub fn grammar(language: Language) -> Option<tree_sitter::Language> {
    let lang = match language {
        Language::Python => tree_sitter_python::LANGUAGE,
        Language::JavaScript => tree_sitter_javascript::LANGUAGE,
        Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT,
        Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX,
        Language::Java => tree_sitter_java::LANGUAGE,
        Language::CSharp => tree_sitter_c_sharp::LANGUAGE,
        Language::Go => tree_sitter_go::LANGUAGE,
        Language::Dockerfile => tree_sitter_containerfile::LANGUAGE,
        Language::Terraform => tree_sitter_hcl::LANGUAGE,
        Language::GithubActions | Language::Kubernetes | Language::Compose | Language::Yaml => {
            tree_sitter_yaml::LANGUAGE
        }
        Language::Json => tree_sitter_json::LANGUAGE,
        Language::Properties => return None,
    };
    Some(lang.into())
}

thread_local! {
    static PARSERS: std::cell::RefCell<Vec<(Language, Parser)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Parses `text` as `language`, reusing one parser per language per thread.
pub fn parse(language: Language, text: &str) -> Result<ParseOutcome, ParseError> {
    let grammar = grammar(language).ok_or(ParseError::NoGrammar(language))?;
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let idx = match parsers.iter().position(|(l, _)| *l == language) {
            Some(i) => i,
            None => {
                let mut p = Parser::new();
                p.set_language(&grammar).map_err(|_| ParseError::Failed)?;
                parsers.push((language, p));
                parsers.len() - 1
            }
        };
        let parser = &mut parsers[idx].1;
        let start = Instant::now();
        let mut timed_out = false;
        let mut progress = |_: &tree_sitter::ParseState| {
            if start.elapsed() > PARSE_BUDGET {
                timed_out = true;
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let options = ParseOptions::new().progress_callback(&mut progress);
        let bytes = text.as_bytes();
        let tree = parser.parse_with_options(
            &mut |i, _| bytes.get(i..).unwrap_or(&[]),
            None,
            Some(options),
        );
        parser.reset();
        match tree {
            Some(tree) => {
                let first_error_line = if tree.root_node().has_error() {
                    first_error(tree.root_node()).map(|n| n.start_position().row as u32 + 1)
                } else {
                    None
                };
                Ok(ParseOutcome {
                    tree,
                    first_error_line,
                })
            }
            None if timed_out => Err(ParseError::Timeout),
            None => Err(ParseError::Failed),
        }
    })
}

fn first_error(node: Node<'_>) -> Option<Node<'_>> {
    if node.is_error() || node.is_missing() {
        return Some(node);
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if child.has_error() {
            if let Some(n) = first_error(child) {
                return Some(n);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_grammar() {
        let cases = [
            (Language::Python, "import os\nprint(os.getcwd())\n"),
            (Language::JavaScript, "const a = require('x');\n"),
            (Language::TypeScript, "let a: number = 1;\n"),
            (Language::Tsx, "const A = () => <div/>;\n"),
            (Language::Java, "class A { void f() {} }\n"),
            (Language::CSharp, "class A { void F() {} }\n"),
            (Language::Go, "package main\nfunc main() {}\n"),
            (Language::Dockerfile, "FROM python:3.12\nUSER app\n"),
            (
                Language::Terraform,
                "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n",
            ),
            (Language::Yaml, "a: 1\n"),
            (Language::Json, "{\"a\": 1}\n"),
        ];
        for (lang, text) in cases {
            let out = parse(lang, text).unwrap();
            assert_eq!(
                out.first_error_line,
                None,
                "{lang}: {}",
                out.tree.root_node().to_sexp()
            );
        }
    }

    #[test]
    fn reports_the_first_syntax_error_line() {
        let out = parse(Language::Python, "x = 1\ndef f(:\n  pass\n").unwrap();
        assert_eq!(out.first_error_line, Some(2));
    }
}
