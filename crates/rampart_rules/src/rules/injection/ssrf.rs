rampart_core::declare_rule! {
    /// ## What it does
    /// Finds HTTP request data that becomes the URL (or host) of an outgoing request: `requests`,
    /// `httpx`, `urllib`, `axios`, `fetch`, `got` and Node `http.request`.
    ///
    /// ## Why is this bad
    /// The server can reach what the attacker cannot: cloud metadata endpoints with credentials,
    /// internal admin services, databases on localhost. A forged request also borrows the server's
    /// identity and network position.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/preview")
    /// def preview():
    ///     url = request.args.get("url")
    ///     return requests.get(url, timeout=5).text
    /// ```
    ///
    /// ## Fix
    /// Check the host against an allow-list before fetching:
    /// ```python
    ///     host = urllib.parse.urlparse(url).hostname
    ///     if host not in ALLOWED_HOSTS:
    ///         abort(400)
    /// ```
    ///
    /// ## References
    /// - [CWE-918: Server-Side Request Forgery](https://cwe.mitre.org/data/definitions/918.html)
    /// - [OWASP SSRF Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html)
    pub static SSRF = {
        id: "ssrf",
        name: "ServerSideRequestForgery",
        cwe: 918,
        severity: High,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Untrusted input chooses where the server sends a request",
        help: "only fetch URLs whose host is on an allow-list; never let the client pick the full URL",
    }
}

/// How a finding's message describes the sink.
pub const EXPLANATION: &str = "outgoing request URL taken from untrusted input";

#[cfg(test)]
mod tests {
    use crate::rules::injection::testing::assert_cases;
    use rampart_core::Language;

    #[test]
    fn python_cases() {
        assert_cases(
            "ssrf",
            Language::Python,
            &[r#"import requests
from flask import Flask, request

app = Flask(__name__)

@app.route("/preview")
def preview():
    url = request.args.get("url")
    resp = requests.get(url, timeout=5)
    return resp.text
"#],
            &[r#"import requests
from flask import Flask, request

app = Flask(__name__)
API = "https://api.example.com/items/"

@app.route("/item")
def item():
    item_id = int(request.args.get("id"))
    return requests.get(API + str(item_id), timeout=5).text
"#],
        );
    }

    #[test]
    fn javascript_cases() {
        assert_cases(
            "ssrf",
            Language::JavaScript,
            &[r#"const express = require("express");
const axios = require("axios");
const app = express();

app.get("/proxy", async (req, res) => {
  const target = req.query.url;
  const r = await axios.get(target);
  res.json(r.data);
});
"#],
            &[r#"const express = require("express");
const axios = require("axios");
const app = express();

app.get("/proxy", async (req, res) => {
  const r = await axios.get("https://api.example.com/status");
  res.json(r.data);
});
"#],
        );
    }
}
