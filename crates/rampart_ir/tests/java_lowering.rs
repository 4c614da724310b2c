//! Snapshot tests of the Java lowering.

use rampart_core::Language;
use rampart_syntax::SourceFile;

fn lower(code: &str) -> String {
    let file = SourceFile::from_text("src/main/java/com/acme/web/Case.java", Language::Java, code);
    let parsed = rampart_syntax::parse(Language::Java, code).expect("parses");
    let module = rampart_ir::lower(&file, &parsed.tree).expect("lowers");
    rampart_ir::print::module_to_string(&module)
}

#[test]
fn servlet_with_types_imports_and_string_building() {
    insta::assert_snapshot!(lower(
        r#"package com.acme.web;

import java.io.IOException;
import java.sql.Connection;
import java.sql.Statement;
import javax.servlet.annotation.WebServlet;
import javax.servlet.http.*;

@WebServlet("/users")
public class UserServlet extends HttpServlet {
    private static final String TABLE = "users";
    private DataSource ds;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = request.getParameter("name");
        int id = Integer.parseInt(request.getParameter("id"));
        String sql = "SELECT * FROM " + TABLE + " WHERE name = '" + name + "'";
        try (Connection conn = ds.getConnection(); Statement st = conn.createStatement()) {
            st.executeQuery(sql);
        } catch (Exception e) {
            response.sendError(500);
        }
        response.getWriter().println(String.format("<p>%s</p>", name));
    }
}
"#
    ));
}

#[test]
fn spring_controller_lambdas_switch_and_fields() {
    insta::assert_snapshot!(lower(
        r#"package com.acme.web;

import org.springframework.web.bind.annotation.*;
import java.util.List;
import java.util.Map;
import java.util.HashMap;

@RestController
@RequestMapping("/api")
public class ItemController {
    private final ItemService service;

    public ItemController(ItemService service) {
        this.service = service;
    }

    @GetMapping("/items/{id}")
    public String item(@PathVariable("id") String id, @RequestParam(value = "sort", required = false) String sort) {
        Map<String, String> m = new HashMap<>();
        m.put("k", id);
        String order = switch (sort) {
            case "asc" -> "ASC";
            case "desc" -> "DESC";
            default -> "ASC";
        };
        List<String> names = service.find(m.get("k"));
        names.forEach(n -> log(n + order));
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            sb.append(n).append(",");
        }
        return sb.toString();
    }

    private void log(String s) {
        System.out.println(s);
    }
}
"#
    ));
}

#[test]
fn anonymous_classes_ternaries_and_loops() {
    insta::assert_snapshot!(lower(
        r#"package com.acme.web;

import javax.net.ssl.*;

class Tls {
    static final int LIMIT = 10 * 2;

    static TrustManager[] trustAll() {
        return new TrustManager[] { new X509TrustManager() {
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}
        }};
    }

    String pick(String a, int n) {
        String r = n > LIMIT ? a : "safe";
        int i = 0;
        while (i < n) { i++; if (i == 3) break; }
        do { r += "x"; } while (r.length() < 5);
        return r;
    }
}
"#
    ));
}
