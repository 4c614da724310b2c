rampart_core::declare_rule! {
    /// ## What it does
    /// Finds HTTP request data built into an XPath expression: `lxml` `xpath`/`XPath`, `ElementTree`
    /// `find`/`findall` and Node `xpath.select`.
    ///
    /// ## Why is this bad
    /// Quotes in the value change the query: an attacker can bypass checks built on it (`' or '1'='1`)
    /// or read other nodes of the document.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/user")
    /// def user():
    ///     name = request.args.get("name")
    ///     nodes = tree.xpath("//user[name='" + name + "']")
    /// ```
    ///
    /// ## Fix
    /// Bind the value as an XPath variable:
    /// ```python
    ///     nodes = tree.xpath("//user[name=$name]", name=name)
    /// ```
    ///
    /// ## References
    /// - [CWE-643: XPath Injection](https://cwe.mitre.org/data/definitions/643.html)
    /// - [OWASP XPath Injection](https://owasp.org/www-community/attacks/XPATH_Injection)
    pub static XPATH_INJECTION = {
        id: "xpath-injection",
        name: "XpathInjection",
        cwe: 643,
        severity: Medium,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp],
        summary: "Untrusted input is built into an XPath expression",
        help: "pass values as XPath variables (`tree.xpath(\"//user[name=$name]\", name=value)`) instead of building the expression",
    }
}

/// How a finding's message describes the sink.
pub const EXPLANATION: &str = "XPath expression built from untrusted input";

#[cfg(test)]
mod tests {
    use crate::rules::injection::testing::assert_cases;
    use rampart_core::Language;

    #[test]
    fn python_cases() {
        assert_cases(
            "xpath-injection",
            Language::Python,
            &[r#"from flask import Flask, request
from lxml import etree

app = Flask(__name__)
tree = etree.parse("users.xml")

@app.route("/user")
def user():
    name = request.args.get("name")
    nodes = tree.xpath("//user[name='" + name + "']")
    return str(len(nodes))
"#],
            &[r#"from flask import Flask, request
from lxml import etree

app = Flask(__name__)
tree = etree.parse("users.xml")

@app.route("/user")
def user():
    name = request.args.get("name")
    nodes = tree.xpath("//user[name=$name]", name=name)
    return str(len(nodes))
"#],
        );
    }
}
