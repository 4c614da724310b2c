rampart_core::declare_rule! {
    /// ## What it does
    /// Finds HTTP request data placed into a MongoDB query (`find`, `findOne`, `updateOne`,
    /// `deleteMany`, `$where`, Mongoose models, PyMongo collections) without conversion to a string or
    /// number. A JSON body or a query string like `?user[$ne]=x` turns a value into an operator object.
    ///
    /// ## Why is this bad
    /// An object such as `{"$ne": null}` where a string was expected changes the query: login checks
    /// pass for any password, filters return every document, and `$where` runs JavaScript on the
    /// database.
    ///
    /// ## Example
    /// ```javascript
    /// app.post("/login", async (req, res) => {
    ///   const user = await User.findOne({ username: req.body.username, password: req.body.password });
    /// });
    /// ```
    ///
    /// ## Fix
    /// Force the expected type:
    /// ```javascript
    ///   const user = await User.findOne({ username: String(req.body.username) });
    /// ```
    ///
    /// ## References
    /// - [CWE-943: Improper Neutralization of Special Elements in Data Query Logic](https://cwe.mitre.org/data/definitions/943.html)
    /// - [OWASP Testing for NoSQL Injection](https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/07-Input_Validation_Testing/05.6-Testing_for_NoSQL_Injection)
    pub static NOSQL_INJECTION = {
        id: "nosql-injection",
        name: "NosqlInjection",
        cwe: 943,
        severity: High,
        languages: [Python, JavaScript, TypeScript, Tsx, CSharp],
        summary: "Untrusted input is used as a MongoDB query object or operator",
        help: "convert values to the expected type (`String(x)`) or reject objects before putting them in a query",
    }
}

/// How a finding's message describes the sink.
pub const EXPLANATION: &str = "NoSQL query built from untrusted input";

#[cfg(test)]
mod tests {
    use crate::rules::injection::testing::assert_cases;
    use rampart_core::Language;

    #[test]
    fn javascript_cases() {
        assert_cases(
            "nosql-injection",
            Language::JavaScript,
            &[r#"const express = require("express");
const app = express();
app.use(express.json());

app.post("/login", async (req, res) => {
  const user = await User.findOne({ username: req.body.username, password: req.body.password });
  res.json({ ok: !!user });
});
"#],
            &[r#"const express = require("express");
const app = express();
app.use(express.json());

app.post("/login", async (req, res) => {
  const user = await User.findOne({ username: String(req.body.username) });
  res.json({ ok: !!user });
});
"#],
        );
    }

    #[test]
    fn python_cases() {
        assert_cases(
            "nosql-injection",
            Language::Python,
            &[r#"from flask import Flask, request, jsonify
from pymongo import MongoClient

app = Flask(__name__)
users = MongoClient("mongodb://localhost:27017/")["app"]["users"]

@app.route("/login", methods=["POST"])
def login():
    data = request.get_json()
    user = users.find_one({"username": data["username"], "password": data["password"]})
    return jsonify({"ok": user is not None})
"#],
            &[
                r#"from flask import Flask, request, jsonify

app = Flask(__name__)

@app.route("/search")
def search():
    q = request.args.get("q", "")
    title = "Welcome to the docs"
    return jsonify({"pos": title.find(q)})
"#,
                r#"from bson import ObjectId
from flask import Flask, request, jsonify
from pymongo import MongoClient

app = Flask(__name__)
users = MongoClient("mongodb://localhost:27017/")["app"]["users"]

@app.route("/users/<user_id>")
def get_user(user_id):
    user = users.find_one({"_id": ObjectId(user_id)})
    return jsonify({"found": user is not None})
"#,
            ],
        );
    }
}
