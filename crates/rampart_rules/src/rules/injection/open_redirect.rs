rampart_core::declare_rule! {
    /// ## What it does
    /// Finds HTTP request data used as the target of a redirect: Flask/Django `redirect`,
    /// `HttpResponseRedirect`, Express `res.redirect` and `Location` headers.
    ///
    /// ## Why is this bad
    /// A link on the trusted domain that lands on the attacker's site makes phishing convincing, and
    /// redirect-based flows (OAuth, SSO) can leak tokens to the attacker.
    ///
    /// ## Example
    /// ```javascript
    /// app.get("/login/done", (req, res) => {
    ///   res.redirect(req.query.next);
    /// });
    /// ```
    ///
    /// ## Fix
    /// Accept only local paths:
    /// ```javascript
    /// app.get("/login/done", (req, res) => {
    ///   const next = req.query.next;
    ///   res.redirect(next.startsWith("/") && !next.startsWith("//") ? next : "/");
    /// });
    /// ```
    ///
    /// ## References
    /// - [CWE-601: Open Redirect](https://cwe.mitre.org/data/definitions/601.html)
    /// - [OWASP Unvalidated Redirects and Forwards Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html)
    pub static OPEN_REDIRECT = {
        id: "open-redirect",
        name: "OpenRedirect",
        cwe: 601,
        severity: Medium,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Untrusted input chooses where the user is redirected",
        help: "redirect only to relative paths or to hosts on an allow-list",
    }
}

/// How a finding's message describes the sink.
pub const EXPLANATION: &str = "redirect target taken from untrusted input";

#[cfg(test)]
mod tests {
    use crate::rules::injection::testing::assert_cases;
    use rampart_core::Language;

    #[test]
    fn javascript_cases() {
        assert_cases(
            "open-redirect",
            Language::JavaScript,
            &[r#"const express = require("express");
const app = express();

app.get("/login/done", (req, res) => {
  const next = req.query.next;
  res.redirect(next);
});
"#],
            &[
                r#"const express = require("express");
const User = require("./models/user");
const app = express();

app.get("/users/:id/avatar", async (req, res) => {
  const user = await User.findById(req.params.id);
  res.redirect(user.avatarUrl || "/img/default.png");
});
"#,
                r#"const express = require("express");
const app = express();

app.get("/login/done", (req, res) => {
  res.redirect("/dashboard");
});
"#,
            ],
        );
    }

    #[test]
    fn python_cases() {
        assert_cases(
            "open-redirect",
            Language::Python,
            &[r#"from flask import Flask, redirect, request

app = Flask(__name__)

@app.route("/login/done")
def done():
    return redirect(request.args.get("next", "/"))
"#],
            &[r#"from urllib.parse import urljoin, urlparse

from flask import Flask, abort, redirect, request

app = Flask(__name__)


def is_safe_url(target):
    ref_url = urlparse(request.host_url)
    test_url = urlparse(urljoin(request.host_url, target))
    return test_url.scheme in ("http", "https") and ref_url.netloc == test_url.netloc


@app.route("/login/done")
def done():
    next_url = request.args.get("next")
    if not is_safe_url(next_url):
        abort(400)
    return redirect(next_url)
"#],
        );
    }
}
