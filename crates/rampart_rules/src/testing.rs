//! Helpers for rule cases: run one structural rule over a snippet.

use crate::{FileContext, StructuralRule};
use rampart_core::{Finding, Language};
use rampart_syntax::{ProjectSettings, SourceFile};

/// Findings of `rule` on `code` written in `language`.
pub fn check(rule: &dyn StructuralRule, language: Language, code: &str) -> Vec<Finding> {
    check_with_settings(rule, language, code, &ProjectSettings::default())
}

pub fn check_with_settings(
    rule: &dyn StructuralRule,
    language: Language,
    code: &str,
    settings: &ProjectSettings,
) -> Vec<Finding> {
    let name = match language {
        Language::Python => "case.py",
        Language::JavaScript => "case.js",
        Language::TypeScript => "case.ts",
        Language::Tsx => "case.tsx",
        Language::Java => "Case.java",
        Language::CSharp => "Case.cs",
        Language::Go => "case.go",
        _ => "case.txt",
    };
    let file = SourceFile::from_text(name, language, code);
    let parsed = rampart_syntax::parse(language, code).expect("case parses");
    let ctx = FileContext::new(&file, &parsed.tree, settings);
    let mut out = Vec::new();
    rule.check(&ctx, &mut out);
    out
}

/// Asserts that each case yields at least one finding (`fail`) or none (`pass`).
pub fn assert_cases(rule: &dyn StructuralRule, language: Language, fail: &[&str], pass: &[&str]) {
    for code in fail {
        let f = check(rule, language, code);
        assert!(
            !f.is_empty(),
            "{}: expected a finding in {language} case:\n{code}",
            rule.meta().id
        );
    }
    for code in pass {
        let f = check(rule, language, code);
        assert!(
            f.is_empty(),
            "{}: expected no finding in {language} case:\n{code}\ngot: {:?}",
            rule.meta().id,
            f.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
    }
}
