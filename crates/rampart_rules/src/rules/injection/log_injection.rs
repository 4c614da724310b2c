rampart_core::declare_rule! {
    /// ## What it does
    /// Finds HTTP request data written to a log (`logging`, `console`, winston, pino, bunyan) without
    /// removing carriage returns and line feeds and not as a separate structured field.
    ///
    /// ## Why is this bad
    /// A value containing a line break forges log entries: an attacker can fake a successful login,
    /// hide their tracks or inject content that misleads whoever reads the log or breaks the tools that
    /// parse it.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/login", methods=["POST"])
    /// def login():
    ///     user = request.form["username"]
    ///     logger.info("login attempt for " + user)
    /// ```
    ///
    /// ## Fix
    /// Neutralize line breaks, or pass the value as an argument of a structured logger:
    /// ```python
    ///     safe_user = user.replace("\r", "").replace("\n", "")
    ///     logger.info("login attempt for %s", safe_user)
    /// ```
    ///
    /// ## References
    /// - [CWE-117: Improper Output Neutralization for Logs](https://cwe.mitre.org/data/definitions/117.html)
    /// - [OWASP Logging Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Logging_Cheat_Sheet.html)
    pub static LOG_INJECTION = {
        id: "log-injection",
        name: "LogInjection",
        cwe: 117,
        severity: Low,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Untrusted input is written to a log without neutralizing line breaks",
        help: "strip CR/LF from the value (`value.replace('\\r', '').replace('\\n', '')`) or log it as a structured field",
    }
}

/// How a finding's message describes the sink.
pub const EXPLANATION: &str = "log entry written from untrusted input";

#[cfg(test)]
mod tests {
    use crate::rules::injection::testing::assert_cases;
    use rampart_core::Language;

    #[test]
    fn python_cases() {
        assert_cases(
            "log-injection",
            Language::Python,
            &[r#"import logging
from flask import Flask, request

app = Flask(__name__)
logger = logging.getLogger(__name__)

@app.route("/login", methods=["POST"])
def login():
    user = request.form["username"]
    logger.info("login attempt for " + user)
    return "ok"
"#],
            &[r#"import logging
from flask import Flask, request

app = Flask(__name__)
logger = logging.getLogger(__name__)

@app.route("/login", methods=["POST"])
def login():
    user = request.form["username"]
    logger.info("login attempt for " + user.replace("\r", "").replace("\n", ""))
    return "ok"
"#],
        );
    }
}
