rampart_core::declare_rule! {
    /// ## What it does
    /// Finds HTTP request data (query strings, form fields, JSON bodies, headers, cookies, path
    /// parameters) that reaches a SQL query: DB-API `cursor.execute`, `sqlite3`, psycopg2, PyMySQL,
    /// SQLAlchemy `text()`, Django `raw`/`extra`, `mysql`/`mysql2`, `pg`, `sequelize.query` and knex
    /// `raw`. The flow is followed through assignments, string building, helper functions and other
    /// files. Values converted to numbers, checked against an allow-list, or passed as query parameters
    /// are not reported.
    ///
    /// ## Why is this bad
    /// Whoever controls part of the SQL text controls the query: they can read other users' rows,
    /// bypass a login check with `' OR '1'='1`, modify or drop tables, and on some databases run
    /// commands. Quoting by hand fails on edge cases (backslashes, multi-byte encodings, numeric
    /// contexts).
    ///
    /// ## Example
    /// ```python
    /// @app.route("/users")
    /// def find_user():
    ///     name = request.args.get("name")
    ///     cur = get_db().cursor()
    ///     cur.execute(f"SELECT * FROM users WHERE name = '{name}'")
    ///     return jsonify(cur.fetchall())
    /// ```
    ///
    /// ## Fix
    /// Let the driver bind the value:
    /// ```python
    ///     cur.execute("SELECT * FROM users WHERE name = ?", (name,))
    /// ```
    /// Identifiers (table or column names) cannot be parameters: check them against an allow-list.
    ///
    /// ## References
    /// - [CWE-89: SQL Injection](https://cwe.mitre.org/data/definitions/89.html)
    /// - [OWASP SQL Injection Prevention Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html)
    pub static SQL_INJECTION = {
        id: "sql-injection",
        name: "SqlInjection",
        cwe: 89,
        severity: High,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Untrusted input reaches a SQL query",
        help: "pass values as query parameters (`?`, `%s`, `$1`) instead of building the SQL text",
    }
}

/// How a finding's message describes the sink.
pub const EXPLANATION: &str = "SQL query built from untrusted input";

#[cfg(test)]
mod tests {
    use crate::rules::injection::testing::{assert_cases, run};
    use rampart_core::Language;

    #[test]
    fn python_cases() {
        assert_cases(
            "sql-injection",
            Language::Python,
            &[
                r#"import sqlite3
from flask import Flask, request

app = Flask(__name__)


class Report:
    def __init__(self, owner):
        self.query = f"SELECT * FROM reports WHERE owner = '{owner}'"

    def run(self, conn):
        return conn.execute(self.query).fetchall()


@app.route("/reports")
def reports():
    conn = sqlite3.connect("app.db")
    Report(request.args["owner"]).run(conn)
    return "ok"
"#,
                r#"import sqlite3
from flask import Flask, request

app = Flask(__name__)

@app.route("/users")
def find_user():
    name = request.args.get("name")
    conn = sqlite3.connect("app.db")
    cur = conn.cursor()
    cur.execute("SELECT * FROM users WHERE name = '" + name + "'")
    return "ok"
"#,
                r#"from flask import Flask, request
from .db import get_db

app = Flask(__name__)

def build_query(term):
    return "SELECT id FROM items WHERE title LIKE '%{}%'".format(term)

@app.route("/search")
def search():
    q = request.args["q"]
    db = get_db()
    db.execute(build_query(q))
    return "ok"
"#,
            ],
            &[
                r#"import sqlite3
from flask import Flask, request

app = Flask(__name__)

@app.route("/items")
def items():
    limit = request.args.get("limit", 10, type=int)
    conn = sqlite3.connect("app.db")
    conn.execute(f"SELECT * FROM items LIMIT {limit}")
    return "ok"
"#,
                r#"import sqlite3
from flask import Flask, request

app = Flask(__name__)

@app.route("/users")
def find_user():
    name = request.args.get("name")
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users WHERE name = ?", (name,))
    return "ok"
"#,
                r#"import sqlite3
from flask import Flask, request

app = Flask(__name__)

@app.route("/users")
def get_user():
    user_id = int(request.args.get("id", "0"))
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users WHERE id = " + str(user_id))
    return "ok"
"#,
                r#"import sqlite3
from flask import Flask, request

app = Flask(__name__)
ALLOWED_SORT = {"name", "created_at"}

@app.route("/users")
def list_users():
    sort = request.args.get("sort", "name")
    if sort not in ALLOWED_SORT:
        sort = "name"
    conn = sqlite3.connect("app.db")
    conn.execute("SELECT * FROM users ORDER BY " + sort)
    return "ok"
"#,
            ],
        );
    }

    #[test]
    fn javascript_cases() {
        assert_cases(
            "sql-injection",
            Language::JavaScript,
            &[r#"const express = require("express");
const app = express();

app.get("/users", async (req, res) => {
  const sql = `SELECT * FROM users WHERE name = '${req.query.name}'`;
  const rows = await db.execute(sql);
  res.json(rows);
});
"#],
            &[r#"const express = require("express");
const app = express();

app.get("/users", async (req, res) => {
  const rows = await db.execute("SELECT * FROM users WHERE name = ?", [req.query.name]);
  res.json(rows);
});
"#],
        );
    }

    const JAVA_SERVLET: &str = r#"package com.acme.web;

import java.io.IOException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

public class SearchServlet extends HttpServlet {
    private final UserStore store = StoreFactory.create();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = request.getParameter("name");
        store.findByName(name);
    }
}
"#;

    const JAVA_INTERFACE: &str = r#"package com.acme.web;

public interface UserStore {
    void findByName(String name);
}
"#;

    const JAVA_SAFE_STORE: &str = r#"package com.acme.web;

import java.sql.Connection;
import java.sql.PreparedStatement;

public class JdbcUserStore implements UserStore {
    private Connection connection;

    @Override
    public void findByName(String name) {
        try {
            PreparedStatement ps = connection.prepareStatement("SELECT * FROM users WHERE name = ?");
            ps.setString(1, name);
            ps.executeQuery();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
"#;

    const JAVA_CACHE_STORE: &str = r#"package com.acme.web;

import java.util.HashMap;
import java.util.Map;

public class CachedUserStore implements UserStore {
    private final Map<String, String> cache = new HashMap<>();

    @Override
    public void findByName(String name) {
        cache.get(name);
    }
}
"#;

    const JAVA_UNSAFE_STORE: &str = r#"package com.acme.web;

import java.sql.Connection;
import java.sql.Statement;

public class LegacyUserStore implements UserStore {
    private Connection connection;

    @Override
    public void findByName(String name) {
        try {
            Statement st = connection.createStatement();
            st.executeQuery("SELECT * FROM users WHERE name = '" + name + "'");
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
"#;

    /// A call through a project interface reaches every implementation: reported when one of
    /// them builds SQL from its argument, not when all of them bind it.
    #[test]
    fn java_interface_dispatch() {
        let unsafe_project = [
            ("SearchServlet.java", JAVA_SERVLET),
            ("UserStore.java", JAVA_INTERFACE),
            ("JdbcUserStore.java", JAVA_SAFE_STORE),
            ("LegacyUserStore.java", JAVA_UNSAFE_STORE),
        ];
        let found = run("sql-injection", Language::Java, &unsafe_project);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].location.path, "LegacyUserStore.java");
        let safe_project = [
            ("SearchServlet.java", JAVA_SERVLET),
            ("UserStore.java", JAVA_INTERFACE),
            ("JdbcUserStore.java", JAVA_SAFE_STORE),
            ("CachedUserStore.java", JAVA_CACHE_STORE),
        ];
        let found = run("sql-injection", Language::Java, &safe_project);
        assert!(found.is_empty(), "{found:?}");
    }

    /// Every public method of an MVC controller is an action; `[NonAction]` and non-public
    /// helpers are not, so their parameters are not request input.
    #[test]
    fn csharp_controller_actions() {
        assert_cases(
            "sql-injection",
            Language::CSharp,
            &[r#"using Microsoft.AspNetCore.Mvc;
using Microsoft.Data.SqlClient;

namespace Shop.Controllers
{
    public class CatalogController : Controller
    {
        private readonly SqlConnection _connection;

        public CatalogController(SqlConnection connection)
        {
            _connection = connection;
        }

        public IActionResult Browse(string category)
        {
            var cmd = new SqlCommand("SELECT * FROM Products WHERE Category = '" + category + "'", _connection);
            return View(cmd.ExecuteReader());
        }
    }
}
"#],
            &[r#"using Microsoft.AspNetCore.Mvc;
using Microsoft.Data.SqlClient;

namespace Shop.Controllers
{
    public class CatalogController : Controller
    {
        private readonly SqlConnection _connection;

        public CatalogController(SqlConnection connection)
        {
            _connection = connection;
        }

        [NonAction]
        public int CountWhere(string filter)
        {
            var cmd = new SqlCommand("SELECT COUNT(*) FROM Products WHERE " + filter, _connection);
            return (int)cmd.ExecuteScalar();
        }

        private int Count(string column)
        {
            var cmd = new SqlCommand("SELECT COUNT(" + column + ") FROM Products", _connection);
            return (int)cmd.ExecuteScalar();
        }

        public IActionResult Stats(int year)
        {
            return Json(new { total = CountWhere("Year = " + year), named = Count("Name") });
        }
    }
}
"#],
        );
    }

    /// Services the framework injects into an action (`[FromServices]`, project interfaces,
    /// project `DbContext` subclasses) are not request input; bound DTOs are.
    #[test]
    fn csharp_injected_services_are_not_sources() {
        let prelude = r#"using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Shop.Controllers
{
    public class AppDb : DbContext { }

    public interface ITenantResolver
    {
        string Current { get; }
    }

    public class PurgeOptions
    {
        public string Table { get; set; }
    }
"#;
        let fail = format!(
            r#"{prelude}
    public class AdminController : Controller
    {{
        private readonly AppDb _db;

        public AdminController(AppDb db)
        {{
            _db = db;
        }}

        [HttpPost]
        public IActionResult Purge(PurgeOptions options)
        {{
            _db.Database.ExecuteSqlRaw("DELETE FROM " + options.Table);
            return Ok();
        }}
    }}
}}
"#
        );
        let pass = format!(
            r#"{prelude}
    public class AdminController : Controller
    {{
        private readonly AppDb _db;

        public AdminController(AppDb db)
        {{
            _db = db;
        }}

        [HttpPost]
        public IActionResult Purge([FromServices] PurgeOptions options, ITenantResolver tenants, AppDb db)
        {{
            _db.Database.ExecuteSqlRaw("DELETE FROM " + options.Table + " WHERE Tenant = '" + tenants.Current + "'");
            db.Database.ExecuteSqlRaw("DELETE FROM Audit WHERE Source = '" + db.ContextId + "'");
            return Ok();
        }}
    }}
}}
"#
        );
        assert_cases("sql-injection", Language::CSharp, &[&fail], &[&pass]);
    }

    /// Bound collections of strings are request input; typed scalars (`Guid`, enums,
    /// `int.Parse`) are not.
    #[test]
    fn csharp_typed_action_parameters() {
        let action = |params: &str, expr: &str| {
            format!(
                r#"using Microsoft.AspNetCore.Mvc;
using Microsoft.Data.SqlClient;

namespace Shop.Controllers
{{
    public enum SortOrder {{ Name, Price }}

    [ApiController]
    [Route("api/items")]
    public class ItemsController : ControllerBase
    {{
        private readonly SqlConnection _connection;

        public ItemsController(SqlConnection connection)
        {{
            _connection = connection;
        }}

        [HttpGet]
        public IActionResult Find({params})
        {{
            var cmd = new SqlCommand("SELECT * FROM Items WHERE Tag = '" + {expr} + "'", _connection);
            return Ok(cmd.ExecuteScalar());
        }}
    }}
}}
"#
            )
        };
        let fail = [
            action("[FromQuery] List<string> tags", "tags[0]"),
            action("string[] names", "string.Join(\"','\", names)"),
        ];
        let pass = [
            action("Guid id", "id"),
            action("SortOrder sort", "sort"),
            action("string page", "int.Parse(page)"),
        ];
        let fail: Vec<&str> = fail.iter().map(String::as_str).collect();
        let pass: Vec<&str> = pass.iter().map(String::as_str).collect();
        assert_cases("sql-injection", Language::CSharp, &fail, &pass);
    }

    const JAVA_USER_BEAN: &str = r#"package com.acme.web;

public class UserForm {
    private String name;
    private String role = "user";

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public String getRole() { return role; }
    public void setRole(String role) { this.role = role; }
}
"#;

    /// A bean of the same package in another file (found despite a wildcard import) carries
    /// taint per field through its setters and getters.
    #[test]
    fn java_bean_fields_across_files() {
        let servlet = |column: &str| {
            format!(
                r#"package com.acme.web;

import javax.servlet.http.*;

public class ProfileServlet extends HttpServlet {{
    private java.sql.Connection connection;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws java.io.IOException {{
        UserForm form = new UserForm();
        form.setName(request.getParameter("name"));
        form.setRole("admin");
        try {{
            java.sql.Statement st = connection.createStatement();
            st.executeUpdate("UPDATE users SET x = 1 WHERE v = '" + form.{column}() + "'");
        }} catch (java.sql.SQLException e) {{
            throw new java.io.IOException(e);
        }}
    }}
}}
"#
            )
        };
        let tainted = servlet("getName");
        let found = run(
            "sql-injection",
            Language::Java,
            &[
                ("UserForm.java", JAVA_USER_BEAN),
                ("ProfileServlet.java", &tainted),
            ],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        let clean = servlet("getRole");
        let found = run(
            "sql-injection",
            Language::Java,
            &[
                ("UserForm.java", JAVA_USER_BEAN),
                ("ProfileServlet.java", &clean),
            ],
        );
        assert!(found.is_empty(), "{found:?}");
    }
}
