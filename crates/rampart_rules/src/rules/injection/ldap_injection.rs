rampart_core::declare_rule! {
    /// ## What it does
    /// Finds HTTP request data built into an LDAP search filter or distinguished name: `ldap3`
    /// `Connection.search`, `python-ldap` `search_s` and Node `ldapjs` `search`.
    ///
    /// ## Why is this bad
    /// Filter metacharacters (`*`, `(`, `)`, `|`, `&`) rewrite the filter: an attacker bypasses
    /// authentication built on a search or enumerates the directory.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/lookup")
    /// def lookup():
    ///     uid = request.args.get("uid")
    ///     conn.search("dc=example,dc=com", f"(uid={uid})")
    /// ```
    ///
    /// ## Fix
    /// Escape the value for a filter:
    /// ```python
    /// from ldap3.utils.conv import escape_filter_chars
    ///
    /// conn.search("dc=example,dc=com", f"(uid={escape_filter_chars(uid)})")
    /// ```
    ///
    /// ## References
    /// - [CWE-90: LDAP Injection](https://cwe.mitre.org/data/definitions/90.html)
    /// - [OWASP LDAP Injection Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/LDAP_Injection_Prevention_Cheat_Sheet.html)
    pub static LDAP_INJECTION = {
        id: "ldap-injection",
        name: "LdapInjection",
        cwe: 90,
        severity: Medium,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp],
        summary: "Untrusted input is built into an LDAP filter or DN",
        help: "escape values with `ldap3.utils.conv.escape_filter_chars` (or your library's equivalent) before building the filter",
    }
}

/// How a finding's message describes the sink.
pub const EXPLANATION: &str = "LDAP filter built from untrusted input";

#[cfg(test)]
mod tests {
    use crate::rules::injection::testing::assert_cases;
    use rampart_core::Language;

    #[test]
    fn python_cases() {
        assert_cases(
            "ldap-injection",
            Language::Python,
            &[r#"from flask import Flask, request
from ldap3 import Connection, Server

app = Flask(__name__)

@app.route("/lookup")
def lookup():
    uid = request.args.get("uid")
    conn = Connection(Server("ldap://ldap.example.com"), auto_bind=True)
    conn.search("dc=example,dc=com", f"(uid={uid})")
    return str(conn.entries)
"#],
            &[r#"from flask import Flask, request
from ldap3 import Connection, Server

app = Flask(__name__)

@app.route("/lookup")
def lookup():
    uid = request.args.get("uid")
    conn = Connection(Server("ldap://ldap.example.com"), auto_bind=True)
    conn.search("dc=example,dc=com", "(objectClass=person)")
    return str(len(uid))
"#],
        );
    }
}
