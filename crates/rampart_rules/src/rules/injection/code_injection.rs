rampart_core::declare_rule! {
    /// ## What it does
    /// Finds HTTP request data evaluated as code: Python `eval`, `exec`, `compile`, JavaScript `eval`,
    /// `new Function`, `setTimeout`/`setInterval` with a string and the `vm` module. Direct evaluation
    /// is reported as CWE-95; other code construction as CWE-94.
    ///
    /// ## Why is this bad
    /// Evaluating input runs the attacker's code in the server process: full access to its data,
    /// credentials and network.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/calc")
    /// def calc():
    ///     expr = request.args.get("expr")
    ///     return str(eval(expr))
    /// ```
    ///
    /// ## Fix
    /// Parse the data you expect instead of evaluating it:
    /// ```python
    /// import ast
    ///
    /// @app.route("/calc")
    /// def calc():
    ///     return str(ast.literal_eval(request.args.get("expr")))
    /// ```
    ///
    /// ## References
    /// - [CWE-94: Code Injection](https://cwe.mitre.org/data/definitions/94.html)
    /// - [CWE-95: Eval Injection](https://cwe.mitre.org/data/definitions/95.html)
    pub static CODE_INJECTION = {
        id: "code-injection",
        name: "CodeInjection",
        cwe: 94,
        other_cwes: [95],
        severity: Critical,
        languages: [Python, JavaScript, TypeScript, Tsx, CSharp],
        summary: "Untrusted input is evaluated as code",
        help: "parse data with a data parser (`json.loads`, `ast.literal_eval`, `JSON.parse`) instead of evaluating it",
    }
}

/// How a finding's message describes the sink.
pub const EXPLANATION: &str = "code evaluated from untrusted input";

#[cfg(test)]
mod tests {
    use crate::rules::injection::testing::assert_cases;
    use rampart_core::Language;

    #[test]
    fn python_cases() {
        assert_cases(
            "code-injection",
            Language::Python,
            &[r#"from flask import Flask, request

app = Flask(__name__)

@app.route("/calc")
def calc():
    expr = request.args.get("expr")
    return str(eval(expr))
"#],
            &[r#"import json
from flask import Flask, request

app = Flask(__name__)

@app.route("/calc")
def calc():
    data = request.args.get("data")
    eval("1 + 1")
    return str(len(data))
"#],
        );
    }

    #[test]
    fn javascript_cases() {
        assert_cases(
            "code-injection",
            Language::JavaScript,
            &[r#"const express = require("express");
const app = express();

app.post("/calc", (req, res) => {
  const result = eval(req.body.expression);
  res.json({ result });
});
"#],
            &[r#"const express = require("express");
const app = express();

app.post("/calc", (req, res) => {
  const result = JSON.parse(req.body.expression);
  res.json({ result });
});
"#],
        );
    }
}
