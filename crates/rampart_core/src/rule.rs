use crate::{Language, Severity};
use serde::Serialize;

/// Whether a rule is on by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleStatus {
    Stable,
    /// Off unless selected explicitly.
    Preview,
}

impl RuleStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleStatus::Stable => "stable",
            RuleStatus::Preview => "preview",
        }
    }
}

/// Everything about a rule that does not depend on the code it checks. Declared once per rule
/// with [`declare_rule!`](crate::declare_rule).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleMeta {
    /// Kebab-case id, e.g. `sql-injection`.
    pub id: &'static str,
    /// PascalCase name, e.g. `SqlInjection` (SARIF `name`).
    pub name: &'static str,
    /// The primary CWE. Findings may carry a more exact one (e.g. CWE-916 for a weak hash over a password).
    pub cwe: u32,
    /// Other CWEs the rule can report.
    pub other_cwes: &'static [u32],
    pub severity: Severity,
    pub languages: &'static [Language],
    pub status: RuleStatus,
    /// One line: what is wrong (SARIF shortDescription, `rampart rules`).
    pub summary: &'static str,
    /// One line: how to fix it (text output `help:`).
    pub help: &'static str,
    /// Markdown documentation under the headings What it does / Why is this bad / Example / Fix / References.
    #[serde(skip)]
    pub docs: &'static str,
}

impl RuleMeta {
    /// Documentation with the one leading space of each doc-comment line removed.
    pub fn docs_markdown(&self) -> String {
        let mut out = String::with_capacity(self.docs.len());
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim().to_string() + "\n"
    }

    /// The first paragraph under "What it does" (SARIF fullDescription).
    pub fn full_description(&self) -> String {
        let md = self.docs_markdown();
        let mut lines = md
            .lines()
            .skip_while(|l| !l.starts_with("## What it does"))
            .skip(1)
            .skip_while(|l| l.trim().is_empty())
            .take_while(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ");
        if lines.is_empty() {
            lines = self.summary.to_string();
        }
        lines
    }

    pub fn all_cwes(&self) -> Vec<u32> {
        let mut v = vec![self.cwe];
        v.extend(self.other_cwes.iter().copied().filter(|c| *c != self.cwe));
        v
    }

    pub fn supports(&self, language: Language) -> bool {
        self.languages.contains(&language)
    }
}

/// Declares a rule's metadata from its doc comment, in the style of ruff's violation metadata:
///
/// ```
/// rampart_core::declare_rule! {
///     /// ## What it does
///     /// Finds things.
///     pub static EXAMPLE = {
///         id: "example-rule",
///         name: "ExampleRule",
///         cwe: 1,
///         severity: Low,
///         languages: [Python],
///         summary: "An example",
///         help: "Do something else",
///     }
/// }
/// assert_eq!(EXAMPLE.id, "example-rule");
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $ident:ident = {
            id: $id:literal,
            name: $name:literal,
            cwe: $cwe:literal,
            $(other_cwes: [$($other:literal),* $(,)?],)?
            severity: $sev:ident,
            languages: [$($lang:ident),* $(,)?],
            $(status: $status:ident,)?
            summary: $summary:literal,
            help: $help:literal $(,)?
        }
    ) => {
        $vis static $ident: $crate::RuleMeta = $crate::RuleMeta {
            id: $id,
            name: $name,
            cwe: $cwe,
            other_cwes: &[$($($other),*)?],
            severity: $crate::Severity::$sev,
            languages: &[$($crate::Language::$lang),*],
            status: $crate::declare_rule!(@status $($status)?),
            summary: $summary,
            help: $help,
            docs: concat!($($doc, "\n"),*),
        };
    };
    (@status) => { $crate::RuleStatus::Stable };
    (@status $s:ident) => { $crate::RuleStatus::$s };
}
