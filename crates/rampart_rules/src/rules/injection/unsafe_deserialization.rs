rampart_core::declare_rule! {
    /// ## What it does
    /// Finds HTTP request data passed to deserializers that can instantiate arbitrary types: `pickle`,
    /// `marshal`, `shelve`, `yaml.load` without a safe loader, `jsonpickle`, Node `node-serialize` and
    /// `serialize-javascript` evaluation.
    ///
    /// ## Why is this bad
    /// These formats call constructors and methods chosen by the data: a crafted payload runs code in
    /// the server (pickle's `__reduce__`, YAML's `!!python/object`).
    ///
    /// ## Example
    /// ```python
    /// @app.route("/session", methods=["POST"])
    /// def restore():
    ///     state = pickle.loads(base64.b64decode(request.form["state"]))
    /// ```
    ///
    /// ## Fix
    /// Use JSON (and sign it if it must round-trip through the client):
    /// ```python
    ///     state = json.loads(request.form["state"])
    /// ```
    ///
    /// ## References
    /// - [CWE-502: Deserialization of Untrusted Data](https://cwe.mitre.org/data/definitions/502.html)
    /// - [OWASP Deserialization Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Deserialization_Cheat_Sheet.html)
    pub static UNSAFE_DESERIALIZATION = {
        id: "unsafe-deserialization",
        name: "UnsafeDeserialization",
        cwe: 502,
        severity: High,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Untrusted data is deserialized with a format that can build arbitrary objects",
        help: "use a data-only format (`json`, `yaml.safe_load`) for anything a client can send",
    }
}

/// How a finding's message describes the sink.
pub const EXPLANATION: &str = "untrusted data deserialized into objects";

#[cfg(test)]
mod tests {
    use crate::rules::injection::testing::assert_cases;
    use rampart_core::Language;

    #[test]
    fn python_cases() {
        assert_cases(
            "unsafe-deserialization",
            Language::Python,
            &[
                r#"import base64
import pickle
from flask import Flask, request

app = Flask(__name__)

@app.route("/session", methods=["POST"])
def restore():
    raw = base64.b64decode(request.form["state"])
    state = pickle.loads(raw)
    return "ok"
"#,
                r#"import yaml
from flask import Flask, request

app = Flask(__name__)

@app.route("/config", methods=["POST"])
def upload_config():
    cfg = yaml.load(request.get_data(), Loader=yaml.Loader)
    return "ok"
"#,
            ],
            &[r#"import yaml
from flask import Flask, request

app = Flask(__name__)

@app.route("/config", methods=["POST"])
def upload_config():
    cfg = yaml.load(request.data, Loader=yaml.SafeLoader)
    return "ok"
"#],
        );
    }
}
