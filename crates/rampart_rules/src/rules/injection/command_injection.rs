rampart_core::declare_rule! {
    /// ## What it does
    /// Finds HTTP request data that reaches a shell or a process launch: `os.system`, `os.popen`,
    /// `subprocess` with `shell=True`, Node `child_process.exec`/`execSync` and `spawn` with `shell:
    /// true`. Values quoted with `shlex.quote`, converted to numbers or validated against a strict
    /// pattern are not reported.
    ///
    /// ## Why is this bad
    /// Shell metacharacters (`;`, `|`, `$(...)`, backticks) in the value run commands of the attacker's
    /// choice with the server's privileges.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/ping")
    /// def ping():
    ///     host = request.args.get("host")
    ///     return os.popen("ping -c 1 " + host).read()
    /// ```
    ///
    /// ## Fix
    /// Run the program directly with an argument list, no shell:
    /// ```python
    ///     out = subprocess.run(["ping", "-c", "1", host], capture_output=True, text=True)
    /// ```
    ///
    /// ## References
    /// - [CWE-78: OS Command Injection](https://cwe.mitre.org/data/definitions/78.html)
    /// - [OWASP OS Command Injection Defense Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/OS_Command_Injection_Defense_Cheat_Sheet.html)
    pub static COMMAND_INJECTION = {
        id: "command-injection",
        name: "CommandInjection",
        cwe: 78,
        severity: Critical,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Untrusted input reaches an operating-system command",
        help: "pass arguments as a list without a shell, or quote them with `shlex.quote`",
    }
}

/// How a finding's message describes the sink.
pub const EXPLANATION: &str = "shell command built from untrusted input";

#[cfg(test)]
mod tests {
    use crate::rules::injection::testing::assert_cases;
    use rampart_core::Language;

    #[test]
    fn python_cases() {
        assert_cases(
            "command-injection",
            Language::Python,
            &[
                r#"import os
from flask import Flask, request

app = Flask(__name__)

@app.route("/ping")
def ping():
    host = request.args.get("host")
    os.system("ping -c 1 " + host)
    return "ok"
"#,
                r#"import subprocess
from flask import Flask, request

app = Flask(__name__)

@app.route("/convert", methods=["POST"])
def convert():
    name = request.form["file"]
    subprocess.run(f"convert {name} out.png", shell=True)
    return "ok"
"#,
            ],
            &[
                r#"import subprocess
from flask import Flask, request

app = Flask(__name__)

@app.route("/ping")
def ping():
    host = request.args.get("host")
    subprocess.run(["ping", "-c", "1", host])
    return "ok"
"#,
                r#"import os
import shlex
from flask import Flask, request

app = Flask(__name__)

@app.route("/ping")
def ping():
    host = request.args.get("host")
    os.system("ping -c 1 " + shlex.quote(host))
    return "ok"
"#,
                r#"import os
import re
from flask import Flask, request, abort

app = Flask(__name__)

@app.route("/ping")
def ping():
    host = request.args.get("host", "")
    if not re.fullmatch(r"[a-z0-9.-]+", host):
        abort(400)
    os.system("ping -c 1 " + host)
    return "ok"
"#,
            ],
        );
    }

    #[test]
    fn javascript_cases() {
        assert_cases(
            "command-injection",
            Language::JavaScript,
            &[
                r#"const express = require("express");
const { exec } = require("child_process");
const app = express();

app.post("/ping-all", (req, res) => {
  req.body.hosts.forEach((host) => {
    exec("ping -c 1 " + host);
  });
  res.json({ ok: true });
});
"#,
                r#"const express = require("express");
const { exec } = require("child_process");
const app = express();

app.get("/ping", (req, res) => {
  exec(`ping -c 1 ${req.query.host}`, (err, out) => res.send(out));
});
"#,
            ],
            &[r#"const express = require("express");
const { execFile } = require("child_process");
const app = express();

app.get("/ping", (req, res) => {
  execFile("ping", ["-c", "1", "localhost"], (err, out) => res.send(out));
});
"#],
        );
    }
}
