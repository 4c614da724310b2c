rampart_core::declare_rule! {
    /// ## What it does
    /// Finds HTTP request data that reaches an HTML response or the DOM unescaped: a Flask view
    /// returning a string, Django `HttpResponse` and `mark_safe`, Jinja2 `Markup` and templates with
    /// autoescape off, Express `res.send`/`res.write`/`res.end`, `innerHTML`, `document.write` and
    /// React's `dangerouslySetInnerHTML`. HTML-escaping sanitizes the value for this rule only: escaped
    /// data is still reported by the SQL or command rules.
    ///
    /// ## Why is this bad
    /// Script injected into a page runs with the user's session: it can read the page, act as the user,
    /// steal tokens that are not `HttpOnly`, and rewrite what the user sees.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/hello")
    /// def hello():
    ///     name = request.args.get("name", "")
    ///     return f"<h1>Hello {name}</h1>"
    /// ```
    ///
    /// ## Fix
    /// Escape the value, or render a template with autoescaping:
    /// ```python
    /// from markupsafe import escape
    ///
    /// @app.route("/hello")
    /// def hello():
    ///     return f"<h1>Hello {escape(request.args.get('name', ''))}</h1>"
    /// ```
    ///
    /// ## References
    /// - [CWE-79: Cross-site Scripting](https://cwe.mitre.org/data/definitions/79.html)
    /// - [OWASP XSS Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html)
    pub static XSS = {
        id: "xss",
        name: "CrossSiteScripting",
        cwe: 79,
        severity: Medium,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Untrusted input is written into an HTML page without escaping",
        help: "escape it for HTML (`markupsafe.escape`, `escape-html`) or render it through an autoescaping template",
    }
}

/// How a finding's message describes the sink.
pub const EXPLANATION: &str = "HTML response built from untrusted input";

#[cfg(test)]
mod tests {
    use crate::rules::injection::testing::assert_cases;
    use rampart_core::Language;

    #[test]
    fn python_cases() {
        assert_cases(
            "xss",
            Language::Python,
            &[
                r#"from django.http import HttpResponse


def search(request):
    q = request.GET.get("q", "")
    return HttpResponse(f"<p>Results for {q}</p>")
"#,
                r#"from flask import Flask, request

app = Flask(__name__)

@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    return f"<h1>Hello {name}</h1>"
"#,
            ],
            &[
                r#"from django.http import HttpResponse
from django.utils.html import escape


def search(request):
    q = request.GET.get("q", "")
    return HttpResponse(f"<p>Results for {escape(q)}</p>")
"#,
                r#"from flask import Flask, request
from markupsafe import escape

app = Flask(__name__)

@app.route("/hello")
def hello():
    name = request.args.get("name", "")
    return f"<h1>Hello {escape(name)}</h1>"
"#,
                r#"from flask import Flask, request, jsonify

app = Flask(__name__)

@app.route("/api/hello")
def hello():
    name = request.args.get("name", "")
    return jsonify({"greeting": "Hello " + name})
"#,
            ],
        );
    }

    #[test]
    fn javascript_cases() {
        assert_cases(
            "xss",
            Language::JavaScript,
            &[r#"const express = require("express");
const app = express();

app.get("/hello", (req, res) => {
  const name = req.query.name;
  res.send("<h1>Hello " + name + "</h1>");
});
"#],
            &[
                r#"const express = require("express");
const app = express();

app.get("/echo", (req, res) => {
  res.send({ message: req.query.msg });
});
"#,
                r#"const express = require("express");
const app = express();

app.get("/echo", (req, res) => {
  res.type("text/plain").send(req.query.msg);
});
"#,
                r#"const express = require("express");
const escapeHtml = require("escape-html");
const app = express();

app.get("/hello", (req, res) => {
  res.send("<h1>Hello " + escapeHtml(req.query.name) + "</h1>");
});
"#,
            ],
        );
    }

    /// `Content(body, type)` renders HTML only when the type says so; ASP.NET Core's default is
    /// plain text.
    #[test]
    fn csharp_content_result_types() {
        let action = |body: &str| {
            format!(
                r#"using Microsoft.AspNetCore.Mvc;

namespace Shop.Controllers
{{
    public class GreetingController : Controller
    {{
        public IActionResult Hello(string name)
        {{
            {body}
        }}
    }}
}}
"#
            )
        };
        let fail = [
            action(r#"return Content("<h1>Hello " + name + "</h1>", "text/html");"#),
            action(r#"return Content($"<p>{name}</p>", contentType: "text/html; charset=utf-8");"#),
        ];
        let pass = [
            action(r#"return Content("{\"name\":\"" + name + "\"}", "application/json");"#),
            action(r#"return Content("Hello " + name, "text/plain");"#),
            action(r#"return Content("Hello " + name);"#),
        ];
        let fail: Vec<&str> = fail.iter().map(String::as_str).collect();
        let pass: Vec<&str> = pass.iter().map(String::as_str).collect();
        assert_cases("xss", Language::CSharp, &fail, &pass);
    }
}
