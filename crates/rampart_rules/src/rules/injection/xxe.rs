rampart_core::declare_rule! {
    /// ## What it does
    /// Finds HTTP request data parsed as XML by a parser that resolves external entities: `lxml.etree`
    /// with default or entity-resolving parsers, `xml.sax` with external entities enabled, and Node
    /// `libxmljs` with `noent: true`.
    ///
    /// ## Why is this bad
    /// An external entity makes the parser read local files (`file:///etc/passwd`) or fetch URLs from
    /// the server's network, and entity expansion can exhaust memory.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/import", methods=["POST"])
    /// def import_xml():
    ///     tree = etree.fromstring(request.data)
    /// ```
    ///
    /// ## Fix
    /// Use `defusedxml`, or a parser with entities and network access off:
    /// ```python
    /// from defusedxml.lxml import fromstring
    ///
    /// tree = fromstring(request.data)
    /// ```
    ///
    /// ## References
    /// - [CWE-611: XML External Entity Reference](https://cwe.mitre.org/data/definitions/611.html)
    /// - [OWASP XXE Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html)
    pub static XXE = {
        id: "xxe",
        name: "XmlExternalEntities",
        cwe: 611,
        severity: High,
        languages: [Python, JavaScript, TypeScript, Tsx, CSharp],
        summary: "Untrusted XML is parsed by a parser that resolves external entities",
        help: "parse with `defusedxml`, or disable entity resolution and DTD loading on the parser",
    }
}

/// How a finding's message describes the sink.
pub const EXPLANATION: &str = "untrusted XML parsed with external entities enabled";

#[cfg(test)]
mod tests {
    use crate::rules::injection::testing::assert_cases;
    use rampart_core::Language;

    #[test]
    fn python_cases() {
        assert_cases(
            "xxe",
            Language::Python,
            &[r#"from flask import Flask, request
from lxml import etree

app = Flask(__name__)

@app.route("/import", methods=["POST"])
def import_xml():
    doc = etree.fromstring(request.get_data())
    return doc.tag
"#],
            &[r#"from flask import Flask, request
from lxml import etree

app = Flask(__name__)

@app.route("/import", methods=["POST"])
def import_xml():
    doc = etree.fromstring(open("template.xml", "rb").read())
    return doc.tag
"#],
        );
    }
}
