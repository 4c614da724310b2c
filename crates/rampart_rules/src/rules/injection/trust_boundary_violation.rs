rampart_core::declare_rule! {
    /// ## What it does
    /// Finds HTTP request data stored in the server-side session (`HttpSession.setAttribute`,
    /// `putValue`; ASP.NET Core `ISession.SetString`) without validation, as the name of the
    /// attribute or as its value.
    ///
    /// ## Why is this bad
    /// Code that reads the session trusts what it finds there: it was put there by the server.
    /// Mixing unvalidated request data into it lets an attacker plant values that later checks
    /// (roles, user ids, flags) take at face value.
    ///
    /// ## Example
    /// ```java
    /// String user = request.getParameter("user");
    /// request.getSession().setAttribute("userId", user);
    /// ```
    ///
    /// ## Fix
    /// Validate the value against what the server knows (look the user up, parse it as a number,
    /// check it against an allow-list) before it crosses into the session:
    /// ```java
    /// long id = Long.parseLong(request.getParameter("user"));
    /// request.getSession().setAttribute("userId", accounts.require(id).getId());
    /// ```
    ///
    /// ## References
    /// - [CWE-501: Trust Boundary Violation](https://cwe.mitre.org/data/definitions/501.html)
    pub static TRUST_BOUNDARY_VIOLATION = {
        id: "trust-boundary-violation",
        name: "TrustBoundaryViolation",
        cwe: 501,
        severity: Medium,
        languages: [Java, CSharp],
        summary: "Untrusted input is stored in the server-side session",
        help: "validate the value (parse it, look it up, check it against an allow-list) before storing it in the session",
    }
}

/// How a finding's message describes the sink.
pub const EXPLANATION: &str = "untrusted data stored in the session";

#[cfg(test)]
mod tests {
    use crate::rules::injection::testing::assert_cases;
    use rampart_core::Language;

    const HEAD: &str = r#"package org.example;

import java.io.IOException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;

public class Login extends HttpServlet {
    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
"#;

    fn case(body: &str) -> String {
        format!("{HEAD}{body}\n    }}\n}}\n")
    }

    #[test]
    fn java_cases() {
        let fail = [
            case(
                r#"        String user = request.getParameter("user");
        request.getSession().setAttribute("userId", user);"#,
            ),
            case(
                r#"        HttpSession session = request.getSession();
        session.setAttribute(request.getParameter("key"), "10340");"#,
            ),
            case(
                r#"        String role = request.getHeader("X-Role");
        request.getSession(true).putValue("role", "r:" + role);"#,
            ),
        ];
        let pass = [
            case(
                r#"        long id = Long.parseLong(request.getParameter("user"));
        request.getSession().setAttribute("userId", id);"#,
            ),
            case(r#"        request.getSession().setAttribute("visited", "yes");"#),
            case(
                r#"        String user = request.getParameter("user");
        request.setAttribute("user", user);"#,
            ),
        ];
        let fail: Vec<&str> = fail.iter().map(String::as_str).collect();
        let pass: Vec<&str> = pass.iter().map(String::as_str).collect();
        assert_cases("trust-boundary-violation", Language::Java, &fail, &pass);
    }
}
