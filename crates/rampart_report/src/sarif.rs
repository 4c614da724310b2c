//! SARIF 2.1.0 report, shaped for GitHub code scanning: rules carry `security-severity` and CWE
//! tags, results carry stable `partialFingerprints`, dataflow findings carry `codeFlows`. CWEs are
//! also given the way the standard asks (a CWE taxonomy that rules and results reference), for
//! consumers other than GitHub.

use crate::{NoteKind, ScanReport};
use rampart_core::{AuthState, Finding, Location, Reachability, RuleMeta, RuleStatus, Span};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/rampart-sec/rampart";
const SRCROOT: &str = "%SRCROOT%";
const FINGERPRINT_KEY: &str = "rampartFingerprint/v1";
const CWE: &str = "CWE";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    taxonomies: Vec<Taxonomy>,
    invocations: [Invocation; 1],
    original_uri_base_ids: HashMap<&'static str, ArtifactLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    information_uri: &'static str,
    semantic_version: &'a str,
    rules: Vec<Descriptor>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    supported_taxonomies: Vec<ComponentReference>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Taxonomy {
    name: &'static str,
    organization: &'static str,
    information_uri: &'static str,
    short_description: Text,
    is_comprehensive: bool,
    taxa: Vec<Taxon>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Taxon {
    id: String,
    help_uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ComponentReference {
    name: &'static str,
    index: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TaxonReference {
    id: String,
    index: usize,
    tool_component: ComponentReference,
}

#[derive(Serialize)]
struct Relationship {
    target: TaxonReference,
    kinds: [&'static str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'static str>,
    short_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Help>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_configuration: Option<Configuration>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    relationships: Vec<Relationship>,
    properties: DescriptorProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct DescriptorProperties {
    tags: Vec<String>,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    precision: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    descriptor: DescriptorReference,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation>,
}

#[derive(Serialize)]
struct DescriptorReference {
    id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [SarifLocation; 1],
    partial_fingerprints: HashMap<&'static str, &'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_flows: Vec<CodeFlow>,
    taxa: [TaxonReference; 1],
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeFlow {
    thread_flows: [ThreadFlow; 1],
}

#[derive(Serialize)]
struct ThreadFlow {
    locations: Vec<ThreadFlowLocation>,
}

#[derive(Serialize)]
struct ThreadFlowLocation {
    location: SarifLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    severity: &'static str,
    confidence: &'static str,
    cwe: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry_point: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    route: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reachability: Option<&'static str>,
}

/// Renders the report as pretty-printed SARIF 2.1.0 ending in a newline.
pub fn render(report: &ScanReport) -> String {
    let cwes = Cwes::new(report);
    let (rules, index) = descriptors(report, &cwes);
    let results = report
        .findings
        .iter()
        .map(|f| result(f, index[f.rule_id.as_str()], &cwes))
        .collect();
    let notifications = report
        .notes
        .iter()
        .map(|note| {
            let (level, id) = match note.kind {
                NoteKind::Skipped => ("note", "skipped"),
                NoteKind::ParseError => ("warning", "parse-error"),
                NoteKind::Budget => ("warning", "budget"),
                NoteKind::Hidden => ("note", "hidden"),
            };
            Notification {
                level,
                message: Text {
                    text: note.message.clone(),
                },
                descriptor: DescriptorReference { id },
                locations: note
                    .path
                    .iter()
                    .map(|path| SarifLocation {
                        physical_location: PhysicalLocation {
                            artifact_location: artifact(path),
                            region: None,
                        },
                        message: None,
                    })
                    .collect(),
            }
        })
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "Rampart",
                    information_uri: INFORMATION_URI,
                    semantic_version: report.tool_version,
                    rules,
                    supported_taxonomies: vec![ComponentReference {
                        name: CWE,
                        index: 0,
                    }],
                },
            },
            taxonomies: vec![cwes.taxonomy()],
            invocations: [Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: HashMap::from([(
                SRCROOT,
                ArtifactLocation {
                    uri: root_uri(report.root),
                    uri_base_id: None,
                },
            )]),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut out = serde_json::to_string_pretty(&log)
        .expect("the log holds only strings, numbers and string-keyed maps");
    out.push('\n');
    out
}

/// Every CWE the run mentions, in order, for the taxonomy that rules and results point into.
struct Cwes {
    ids: Vec<u32>,
}

impl Cwes {
    fn new(report: &ScanReport) -> Cwes {
        let mut ids: Vec<u32> = report
            .rules
            .iter()
            .flat_map(|r| r.all_cwes())
            .chain(report.findings.iter().map(|f| f.cwe))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        Cwes { ids }
    }

    fn reference(&self, cwe: u32) -> TaxonReference {
        TaxonReference {
            id: cwe.to_string(),
            // Every CWE of every rule and finding was collected in `new`.
            index: self.ids.binary_search(&cwe).unwrap_or_default(),
            tool_component: ComponentReference {
                name: CWE,
                index: 0,
            },
        }
    }

    fn taxonomy(&self) -> Taxonomy {
        Taxonomy {
            name: CWE,
            organization: "MITRE",
            information_uri: "https://cwe.mitre.org/",
            short_description: Text {
                text: "The MITRE Common Weakness Enumeration".to_string(),
            },
            is_comprehensive: false,
            taxa: self
                .ids
                .iter()
                .map(|id| Taxon {
                    id: id.to_string(),
                    help_uri: format!("https://cwe.mitre.org/data/definitions/{id}.html"),
                })
                .collect(),
        }
    }
}

/// One descriptor per enabled rule, plus a bare one for any finding whose rule was not listed
/// (every result must point at a descriptor), and each rule id's index.
fn descriptors<'a>(
    report: &'a ScanReport,
    cwes: &Cwes,
) -> (Vec<Descriptor>, HashMap<&'a str, usize>) {
    let mut rules = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for rule in report.rules {
        if !index.contains_key(rule.id) {
            index.insert(rule.id, rules.len());
            rules.push(descriptor(rule, report.findings, cwes));
        }
    }
    for f in report.findings {
        if !index.contains_key(f.rule_id.as_str()) {
            index.insert(&f.rule_id, rules.len());
            rules.push(Descriptor {
                id: f.rule_id.clone(),
                name: None,
                short_description: Text {
                    text: f.rule_id.clone(),
                },
                full_description: None,
                help: None,
                help_uri: None,
                default_configuration: None,
                relationships: vec![relationship(cwes, f.cwe)],
                properties: DescriptorProperties {
                    tags: vec!["security".to_string(), format!("CWE-{}", f.cwe)],
                    security_severity: None,
                    precision: None,
                },
            });
        }
    }
    (rules, index)
}

fn relationship(cwes: &Cwes, cwe: u32) -> Relationship {
    Relationship {
        target: cwes.reference(cwe),
        // The rule finds instances of the weakness: a subset of what the CWE covers.
        kinds: ["relevant"],
    }
}

fn descriptor(rule: &RuleMeta, findings: &[Finding], cwes: &Cwes) -> Descriptor {
    let mut cwe_ids = rule.all_cwes();
    // A finding may carry a more exact CWE than the rule declares; tag the rule with it too so
    // code scanning can filter by it.
    for f in findings.iter().filter(|f| f.rule_id == rule.id) {
        if !cwe_ids.contains(&f.cwe) {
            cwe_ids.push(f.cwe);
        }
    }
    let mut tags = vec!["security".to_string()];
    tags.extend(cwe_ids.iter().map(|c| format!("CWE-{c}")));
    let markdown = rule.docs_markdown();
    let help_text = if rule.docs.trim().is_empty() {
        rule.help.to_string()
    } else {
        markdown.clone()
    };
    Descriptor {
        id: rule.id.to_string(),
        name: Some(rule.name),
        short_description: Text {
            text: rule.summary.to_string(),
        },
        full_description: Some(Text {
            text: rule.full_description(),
        }),
        help: Some(Help {
            text: help_text,
            markdown,
        }),
        help_uri: Some(format!(
            "{INFORMATION_URI}/blob/main/docs/rules/{}.md",
            rule.id
        )),
        default_configuration: Some(Configuration {
            level: rule.severity.sarif_level(),
        }),
        relationships: cwe_ids.iter().map(|&c| relationship(cwes, c)).collect(),
        properties: DescriptorProperties {
            tags,
            security_severity: Some(rule.severity.security_severity()),
            precision: Some(match rule.status {
                RuleStatus::Stable => "high",
                RuleStatus::Preview => "medium",
            }),
        },
    }
}

fn result<'a>(f: &'a Finding, rule_index: usize, cwes: &Cwes) -> SarifResult<'a> {
    let context = f.context.as_ref();
    let code_flows = if f.trace.is_empty() {
        Vec::new()
    } else {
        vec![CodeFlow {
            thread_flows: [ThreadFlow {
                locations: f
                    .trace
                    .iter()
                    .map(|step| ThreadFlowLocation {
                        location: location(&step.location, Some(&step.message)),
                    })
                    .collect(),
            }],
        }]
    };
    SarifResult {
        rule_id: &f.rule_id,
        rule_index,
        level: f.severity.sarif_level(),
        message: Text {
            text: f.message.clone(),
        },
        locations: [location(&f.location, None)],
        partial_fingerprints: HashMap::from([(FINGERPRINT_KEY, f.fingerprint.as_str())]),
        code_flows,
        taxa: [cwes.reference(f.cwe)],
        properties: ResultProperties {
            severity: f.severity.as_str(),
            confidence: f.confidence.as_str(),
            cwe: format!("CWE-{}", f.cwe),
            entry_point: context.and_then(|c| c.entry_point.as_deref()),
            method: context.and_then(|c| c.method.as_deref()),
            route: context.and_then(|c| c.route.as_deref()),
            parameter: context.and_then(|c| c.parameter.as_deref()),
            auth: context.map(|c| match c.auth {
                AuthState::Required => "required",
                AuthState::Public => "public",
                AuthState::Unknown => "unknown",
            }),
            reachability: context.map(|c| match c.reachability {
                Reachability::PublicRoute => "public-route",
                Reachability::AuthenticatedRoute => "authenticated-route",
                Reachability::NotReachable => "not-reachable",
                Reachability::Unknown => "unknown",
            }),
        },
    }
}

fn location(loc: &Location, message: Option<&str>) -> SarifLocation {
    SarifLocation {
        physical_location: PhysicalLocation {
            artifact_location: artifact(&loc.path),
            region: region(loc.span),
        },
        message: message.map(|m| Text {
            text: m.to_string(),
        }),
    }
}

fn artifact(path: &str) -> ArtifactLocation {
    ArtifactLocation {
        uri: percent_encode(&path.replace('\\', "/")),
        uri_base_id: Some(SRCROOT),
    }
}

/// A region valid under the schema's minimums (lines and columns start at 1, the end does not
/// precede the start); `None` for a whole-file finding without a line.
fn region(span: Span) -> Option<Region> {
    if span.start_line == 0 {
        return None;
    }
    let start = (span.start_line, span.start_col.max(1));
    let end = (span.end_line, span.end_col.max(1)).max(start);
    Some(Region {
        start_line: start.0,
        start_column: start.1,
        end_line: end.0,
        end_column: end.1,
    })
}

/// `file:///abs/root/`: the scan root as an absolute, percent-encoded URI ending in `/`.
fn root_uri(root: &Path) -> String {
    let absolute = std::fs::canonicalize(root).unwrap_or_else(|_| {
        std::env::current_dir()
            .map(|cwd| cwd.join(root))
            .unwrap_or_else(|_| PathBuf::from(root))
    });
    let mut path = absolute.to_string_lossy().replace('\\', "/");
    // Windows: `\\?\C:\src` from canonicalize, `C:/src` otherwise; URIs want `/C:/src`.
    if let Some(rest) = path.strip_prefix("//?/") {
        path = rest.to_string();
    }
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    if !path.ends_with('/') {
        path.push('/');
    }
    format!("file://{}", percent_encode(&path))
}

/// Percent-encodes everything but unreserved characters, `/` and a drive letter's `:`.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for (i, b) in path.bytes().enumerate() {
        let drive_colon = b == b':' && i == 2 && path.as_bytes()[0] == b'/';
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) || drive_colon {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(percent_encode("src/my app/ü.py"), "src/my%20app/%C3%BC.py");
        assert_eq!(percent_encode("/C:/src/a#b"), "/C:/src/a%23b");
        assert_eq!(artifact("a\\b c.py").uri, "a/b%20c.py");
    }

    #[test]
    fn root_uri_is_absolute_and_ends_with_a_slash() {
        let dir = std::env::temp_dir();
        let uri = root_uri(&dir);
        assert!(uri.starts_with("file:///"), "{uri}");
        assert!(uri.ends_with('/'), "{uri}");
        let relative = root_uri(Path::new("no/such/dir here"));
        assert!(relative.starts_with("file:///"), "{relative}");
        assert!(relative.ends_with("no/such/dir%20here/"), "{relative}");
    }

    #[test]
    fn regions_always_satisfy_the_schema_minimums() {
        let span = |sl, sc, el, ec| Span {
            start_line: sl,
            start_col: sc,
            end_line: el,
            end_col: ec,
            ..Span::default()
        };
        assert!(region(span(0, 0, 0, 0)).is_none());
        let r = region(span(3, 0, 2, 0)).unwrap();
        assert_eq!(
            (r.start_line, r.start_column, r.end_line, r.end_column),
            (3, 1, 3, 1)
        );
    }
}
