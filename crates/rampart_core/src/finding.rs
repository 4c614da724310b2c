use crate::{Confidence, RuleMeta, Severity, Span};
use serde::{Deserialize, Serialize};

/// A place in the scanned tree: a path relative to the scan root (forward slashes) and a span.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    pub path: String,
    #[serde(flatten)]
    pub span: Span,
}

/// One step of a dataflow trace: source, each propagation, sink.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceStep {
    pub location: Location,
    pub message: String,
}

/// Whether the entry point behind a finding requires authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthState {
    Required,
    Public,
    Unknown,
}

/// Whether an attacker can reach a finding from a real entry point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reachability {
    PublicRoute,
    AuthenticatedRoute,
    NotReachable,
    Unknown,
}

/// Exploitability context of a finding: where its input comes from and who can send it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_point: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    pub auth: AuthState,
    pub reachability: Reachability,
}

/// A reported problem. Built with [`FindingBuilder`]; reporters only read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub cwe: u32,
    pub severity: Severity,
    pub confidence: Confidence,
    pub location: Location,
    /// Names the actual call and variable, e.g. "`request.args[\"q\"]` reaches `cursor.execute`".
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<TraceStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    /// Line-independent identity: rule, enclosing function, normalized sink text, source identity.
    pub fingerprint: String,
}

impl Finding {
    pub fn builder(
        rule: &'static RuleMeta,
        location: Location,
        message: impl Into<String>,
    ) -> FindingBuilder {
        FindingBuilder::new(rule, location, message)
    }

    /// Sort key: file, position, rule.
    pub fn sort_key(&self) -> (&str, u32, u32, &str) {
        (
            &self.location.path,
            self.location.span.start_line,
            self.location.span.start_col,
            &self.rule_id,
        )
    }
}

/// Builds a [`Finding`] with the rule's defaults and a fingerprint.
pub struct FindingBuilder {
    rule: &'static RuleMeta,
    location: Location,
    message: String,
    cwe: u32,
    severity: Severity,
    confidence: Confidence,
    trace: Vec<TraceStep>,
    context: Option<Context>,
    scope: String,
    anchor: String,
    source: String,
}

impl FindingBuilder {
    pub fn new(rule: &'static RuleMeta, location: Location, message: impl Into<String>) -> Self {
        FindingBuilder {
            rule,
            location,
            message: message.into(),
            cwe: rule.cwe,
            severity: rule.severity,
            confidence: Confidence::High,
            trace: Vec::new(),
            context: None,
            scope: String::new(),
            anchor: String::new(),
            source: String::new(),
        }
    }

    pub fn cwe(mut self, cwe: u32) -> Self {
        self.cwe = cwe;
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn confidence(mut self, confidence: Confidence) -> Self {
        self.confidence = confidence;
        self
    }

    pub fn trace(mut self, trace: Vec<TraceStep>) -> Self {
        self.trace = trace;
        self
    }

    pub fn context(mut self, context: Context) -> Self {
        self.context = Some(context);
        self
    }

    /// Qualified name of the enclosing function, class, resource, job or stage.
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }

    /// The offending code or setting (whitespace is normalized before hashing).
    pub fn anchor(mut self, anchor: impl Into<String>) -> Self {
        self.anchor = anchor.into();
        self
    }

    /// Identity of the tainted source, for dataflow findings.
    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.source = source.into();
        self
    }

    pub fn build(self) -> Finding {
        let anchor = if self.anchor.is_empty() {
            &self.message
        } else {
            &self.anchor
        };
        let fingerprint = fingerprint(
            self.rule.id,
            &self.location.path,
            &self.scope,
            anchor,
            &self.source,
        );
        Finding {
            rule_id: self.rule.id.to_string(),
            cwe: self.cwe,
            severity: self.severity,
            confidence: self.confidence,
            location: self.location,
            message: self.message,
            trace: self.trace,
            context: self.context,
            fingerprint,
        }
    }
}

/// Hash of the line-independent parts of a finding. Whitespace in the anchor is collapsed so
/// reformatting does not change the identity.
pub fn fingerprint(rule: &str, path: &str, scope: &str, anchor: &str, source: &str) -> String {
    let normalized: String = anchor.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut hasher = blake3::Hasher::new();
    for part in [rule, path, scope, &normalized, source] {
        hasher.update(part.as_bytes());
        hasher.update(&[0]);
    }
    hasher.finalize().to_hex()[..32].to_string()
}

/// Gives findings whose fingerprints collide (the same code twice in one scope) distinct
/// fingerprints by order of appearance. Call on findings sorted by location.
pub fn disambiguate_fingerprints(findings: &mut [Finding]) {
    let mut seen: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    for f in findings.iter_mut() {
        let n = seen.entry(f.fingerprint.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            f.fingerprint = format!("{}:{}", f.fingerprint, n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_whitespace_and_lines() {
        let a = fingerprint("r", "a.py", "f", "hashlib.md5( x )", "");
        let b = fingerprint("r", "a.py", "f", "hashlib.md5(   x\n )", "");
        assert_eq!(a, b);
        assert_ne!(a, fingerprint("r", "a.py", "g", "hashlib.md5( x )", ""));
    }
}
