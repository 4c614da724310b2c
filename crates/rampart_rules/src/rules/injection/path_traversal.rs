rampart_core::declare_rule! {
    /// ## What it does
    /// Finds HTTP request data that reaches a file-system path: `open`, `os.path`/`pathlib` operations,
    /// `send_file`, Node `fs` functions and `res.sendFile`. A value reduced with
    /// `os.path.basename`/`path.basename`, or resolved (`os.path.realpath`, `path.resolve`) and then
    /// checked with `startswith` against a base directory, is not reported.
    ///
    /// ## Why is this bad
    /// `../` sequences and absolute paths escape the intended directory: an attacker reads
    /// configuration, keys and source code, or overwrites files the server trusts.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/download")
    /// def download():
    ///     name = request.args.get("file")
    ///     with open(os.path.join(UPLOAD_DIR, name)) as f:
    ///         return f.read()
    /// ```
    ///
    /// ## Fix
    /// Resolve the path and check it stays under the directory:
    /// ```python
    ///     path = os.path.realpath(os.path.join(UPLOAD_DIR, name))
    ///     if not path.startswith(os.path.realpath(UPLOAD_DIR) + os.sep):
    ///         abort(404)
    /// ```
    ///
    /// ## References
    /// - [CWE-22: Path Traversal](https://cwe.mitre.org/data/definitions/22.html)
    /// - [OWASP Path Traversal](https://owasp.org/www-community/attacks/Path_Traversal)
    pub static PATH_TRAVERSAL = {
        id: "path-traversal",
        name: "PathTraversal",
        cwe: 22,
        severity: High,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Untrusted input chooses which file is read or written",
        help: "reduce the name to its base name, or resolve the path and check it stays under the intended directory",
    }
}

/// How a finding's message describes the sink.
pub const EXPLANATION: &str = "file path built from untrusted input";

#[cfg(test)]
mod tests {
    use crate::rules::injection::testing::assert_cases;
    use rampart_core::Language;

    #[test]
    fn python_cases() {
        assert_cases(
            "path-traversal",
            Language::Python,
            &[r#"from flask import Flask, request

app = Flask(__name__)
UPLOAD_DIR = "/srv/uploads"

@app.route("/download")
def download():
    name = request.args.get("file")
    with open(UPLOAD_DIR + "/" + name) as f:
        return f.read()
"#],
            &[
                r#"from flask import Flask, request, abort

app = Flask(__name__)

@app.route("/read")
def read():
    name = request.args.get("name", "")
    if ".." in name or name.startswith("/"):
        abort(400)
    with open("/srv/files/" + name) as f:
        return f.read()
"#,
                r#"import os
from flask import Flask, request

app = Flask(__name__)
UPLOAD_DIR = "/srv/uploads"

@app.route("/download")
def download():
    name = os.path.basename(request.args.get("file"))
    with open(UPLOAD_DIR + "/" + name) as f:
        return f.read()
"#,
            ],
        );
    }

    #[test]
    fn javascript_cases() {
        assert_cases(
            "path-traversal",
            Language::JavaScript,
            &[r#"const express = require("express");
const fs = require("fs");
const app = express();

app.get("/files", (req, res) => {
  fs.readFile("/srv/files/" + req.query.name, (err, data) => res.send(data));
});
"#],
            &[
                r#"const express = require("express");
const fs = require("fs");
const app = express();

app.get("/files", (req, res) => {
  const name = req.query.name;
  if (name.includes("..")) {
    return res.status(400).end();
  }
  fs.readFile("/srv/files/" + name, (err, data) => res.json({ size: data.length }));
});
"#,
                r#"const express = require("express");
const fs = require("fs");
const path = require("path");
const app = express();

app.get("/files", (req, res) => {
  const name = path.basename(req.query.name);
  fs.readFile("/srv/files/" + name, (err, data) => res.json({ size: data.length }));
});
"#,
            ],
        );
    }
}
