//! Rules judged on the whole application model, one per file.

pub mod missing_authentication;
pub mod missing_rate_limit;

use crate::model::AppModel;
use rampart_core::{Finding, Location, RuleMeta};

/// Metadata of every rule in this crate.
pub static RULES: &[&RuleMeta] = &[
    &missing_authentication::MISSING_AUTHENTICATION,
    &missing_rate_limit::MISSING_RATE_LIMIT,
];

/// Findings of every model rule.
pub fn check(model: &AppModel) -> Vec<Finding> {
    let mut out = Vec::new();
    missing_authentication::check(model, &mut out);
    missing_rate_limit::check(model, &mut out);
    out
}

pub(crate) fn route_location(r: &crate::Route) -> Location {
    Location {
        path: r.file.clone(),
        span: r.span,
    }
}

/// `POST /users/<id>` for messages.
pub(crate) fn route_label(r: &crate::Route) -> String {
    format!("{} {}", r.methods.join("|"), r.path)
}

#[cfg(test)]
pub(crate) mod testing {
    use crate::{extract, AppModel};
    use rampart_core::{Finding, Language};
    use rampart_syntax::SourceFile;

    /// The model of a project made of `(path, code)` files.
    pub fn model(files: &[(&str, &str)]) -> AppModel {
        let facts = files
            .iter()
            .map(|(path, code)| {
                let language = rampart_syntax::detect_language(std::path::Path::new(path), None)
                    .unwrap_or(Language::Python);
                let file = SourceFile::from_text(path, language, code);
                let parsed = rampart_syntax::parse(language, code).expect("case parses");
                let settings = rampart_syntax::ProjectSettings::default();
                extract(&rampart_rules::FileContext::new(
                    &file,
                    &parsed.tree,
                    &settings,
                ))
            })
            .collect();
        AppModel::build(facts)
    }

    pub fn findings(
        rule: fn(&AppModel, &mut Vec<Finding>),
        path: &str,
        code: &str,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        rule(&model(&[(path, code)]), &mut out);
        out
    }

    pub fn assert_cases(
        rule: fn(&AppModel, &mut Vec<Finding>),
        path: &str,
        fail: &[&str],
        pass: &[&str],
    ) {
        for code in fail {
            assert!(
                !findings(rule, path, code).is_empty(),
                "expected a finding in:\n{code}\nroutes: {:#?}",
                model(&[(path, code)]).routes
            );
        }
        for code in pass {
            let f = findings(rule, path, code);
            assert!(
                f.is_empty(),
                "expected no finding in:\n{code}\ngot: {:?}",
                f.iter().map(|f| &f.message).collect::<Vec<_>>()
            );
        }
    }
}
