use super::{route_label, route_location};
use crate::classify::{is_admin, public_by_nature, sensitive_data};
use crate::model::{family, AppModel, Route};
use rampart_core::{AuthState, Confidence, Finding};
use std::collections::HashMap;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds HTTP routes that change state or return user data without authentication in an
    /// application that authenticates its other routes. The convention is inferred from the
    /// application model: decorators and dependencies (`@login_required`, `@jwt_required()`,
    /// `Depends(get_current_user)`, `LoginRequiredMixin`, `permission_classes`), middleware
    /// (`app.use(authenticate)`, `router.post('/x', requireAuth, ...)`, routers mounted behind
    /// authentication), hooks (`@app.before_request`), Spring Security rules
    /// (`requestMatchers(...).authenticated()`, `@PreAuthorize`) and checks inside the handler.
    ///
    /// Login, sign-up, password reset, health, static, documentation, webhook and home routes,
    /// and routes marked public on purpose (`permitAll()`, `AllowAny`, `@login_not_required`),
    /// are not reported. Administrative routes (`/admin/...`) are reported even when no other
    /// route is authenticated.
    ///
    /// ## Why is this bad
    /// Code assistants add the decorator or middleware to the routes they were asked about and
    /// forget it on the one written next: a `DELETE /users/<id>` or `GET /admin/export` that
    /// anyone on the network can call. Attackers enumerate routes; an unauthenticated
    /// state-changing route is a direct account takeover or data loss.
    ///
    /// ## Example
    /// ```python
    /// @app.route("/profile")
    /// @login_required
    /// def profile():
    ///     return render_template("profile.html", user=current_user)
    ///
    /// @app.route("/users/<int:user_id>/delete", methods=["POST"])
    /// def delete_user(user_id):
    ///     User.query.filter_by(id=user_id).delete()
    ///     db.session.commit()
    ///     return redirect("/")
    /// ```
    ///
    /// ## Fix
    /// Apply the application's authentication to the route (and check that the caller may act
    /// on the object):
    /// ```python
    /// @app.route("/users/<int:user_id>/delete", methods=["POST"])
    /// @login_required
    /// def delete_user(user_id):
    ///     if not current_user.is_admin:
    ///         abort(403)
    ///     ...
    /// ```
    /// Prefer authenticating by default (a `before_request` hook, `app.use(auth)` before the
    /// routers, `anyRequest().authenticated()`) and opting routes out explicitly.
    ///
    /// ## References
    /// - [CWE-306: Missing Authentication for Critical Function](https://cwe.mitre.org/data/definitions/306.html)
    /// - [CWE-862: Missing Authorization](https://cwe.mitre.org/data/definitions/862.html)
    /// - [OWASP API Security Top 10: API2 Broken Authentication](https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/)
    pub static MISSING_AUTHENTICATION = {
        id: "missing-authentication",
        name: "MissingAuthentication",
        cwe: 306,
        other_cwes: [862],
        severity: High,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Route that changes state or returns user data has no authentication",
        help: "apply the application's authentication (decorator, middleware, security rule) to this route",
    }
}

/// Whether the route changes state: a write method, or any method with a handler that writes.
fn changes_state(r: &Route) -> bool {
    r.methods
        .iter()
        .any(|m| matches!(m.as_str(), "POST" | "PUT" | "PATCH" | "DELETE"))
        || (r.methods.iter().any(|m| m == "ANY") && r.writes)
}

/// A route that would be reported if the application authenticates: public, not public by
/// nature, and changing state or returning data.
fn candidate(r: &Route) -> bool {
    r.auth == AuthState::Public
        && !r.anonymous
        && !public_by_nature(&r.path, &r.handler)
        && (changes_state(r) || sensitive_data(&r.path, &r.handler))
}

pub fn check(model: &AppModel, out: &mut Vec<Finding>) {
    // The convention is the application's: routes of other applications scanned together
    // (a monorepo, a directory of examples) do not count. It holds when at least half as
    // many routes are authenticated as are left open: one protected route among twenty-five
    // open ones says the application is public.
    let mut authenticated: HashMap<(&str, &str), usize> = HashMap::new();
    let mut open: HashMap<(&str, &str), usize> = HashMap::new();
    for r in &model.routes {
        let key = (family(r.framework), r.app.as_str());
        if r.auth == AuthState::Required {
            *authenticated.entry(key).or_default() += 1;
        } else if candidate(r) {
            *open.entry(key).or_default() += 1;
        }
    }
    for r in model.routes.iter().filter(|r| candidate(r)) {
        let changing = changes_state(r);
        let key = (family(r.framework), r.app.as_str());
        let mut others = authenticated.get(&key).copied().unwrap_or(0);
        let unprotected = open.get(&key).copied().unwrap_or(0);
        if others * 2 < unprotected {
            others = 0;
        }
        let admin = is_admin(&r.path, &r.handler);
        if others == 0 && !admin {
            continue;
        }
        let label = route_label(r);
        let why = if others > 0 {
            format!(
                "while {others} other route{} in the application require{} it",
                if others == 1 { "" } else { "s" },
                if others == 1 { "s" } else { "" }
            )
        } else {
            "although it is an administrative route".to_string()
        };
        let what = if changing {
            "changes state"
        } else {
            "returns data"
        };
        let confidence = if others >= unprotected && (changing || admin) {
            Confidence::High
        } else {
            Confidence::Medium
        };
        out.push(
            Finding::builder(
                &MISSING_AUTHENTICATION,
                route_location(r),
                format!(
                    "`{label}` (handler `{}`) {what} without authentication, {why}",
                    r.handler
                ),
            )
            .cwe(if admin && others > 0 { 862 } else { 306 })
            .confidence(confidence)
            .scope(r.handler.clone())
            .anchor(label)
            .build(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::assert_cases;

    #[test]
    fn flask() {
        assert_cases(
            check,
            "app.py",
            &[
                r#"
from flask import Flask, request, jsonify
from flask_login import login_required, current_user

app = Flask(__name__)

@app.route("/profile")
@login_required
def profile():
    return jsonify(current_user.to_dict())

@app.route("/users/<int:user_id>/delete", methods=["POST"])
def delete_user(user_id):
    User.query.filter_by(id=user_id).delete()
    db.session.commit()
    return jsonify({"ok": True})
"#,
                r#"
from flask import Flask, jsonify
from flask_jwt_extended import jwt_required

app = Flask(__name__)

@app.get("/api/notes")
@jwt_required()
def list_notes():
    return jsonify([])

@app.put("/api/notes/<int:note_id>")
def update_note(note_id):
    note = Note.query.get(note_id)
    note.body = request.json["body"]
    db.session.commit()
    return jsonify(note.to_dict())
"#,
                r#"
from flask import Flask, jsonify

app = Flask(__name__)

@app.route("/admin/users")
def admin_users():
    return jsonify([u.to_dict() for u in User.query.all()])
"#,
            ],
            &[
                r#"
from flask import Flask, jsonify
from flask_login import login_required

app = Flask(__name__)

@app.route("/login", methods=["POST"])
def login():
    return jsonify({})

@app.route("/users/<int:user_id>/delete", methods=["POST"])
@login_required
def delete_user(user_id):
    User.query.filter_by(id=user_id).delete()
    return jsonify({"ok": True})
"#,
                r#"
from flask import Flask, jsonify, session, abort

app = Flask(__name__)

@app.route("/dashboard")
@login_required
def dashboard():
    return "hi"

@app.route("/account", methods=["POST"])
def update_account():
    if "user_id" not in session:
        abort(401)
    db.session.commit()
    return jsonify({})
"#,
                r#"
from flask import Flask, jsonify, session, redirect

app = Flask(__name__)

@app.before_request
def require_login():
    if request.endpoint != "login" and "user_id" not in session:
        return redirect("/login")

@app.route("/orders", methods=["POST"])
def create_order():
    db.session.add(Order())
    return jsonify({})

@app.route("/health")
def health():
    return "ok"
"#,
                r#"
from flask import Flask, jsonify

app = Flask(__name__)

@app.route("/items", methods=["POST"])
def create_item():
    return jsonify({})
"#,
            ],
        );
    }

    #[test]
    fn fastapi_and_django() {
        assert_cases(
            check,
            "main.py",
            &[r#"
from fastapi import FastAPI, Depends
from .auth import get_current_user

app = FastAPI()

@app.get("/me")
def me(user: User = Depends(get_current_user)):
    return user

@app.delete("/items/{item_id}")
def delete_item(item_id: int, db: Session = Depends(get_db)):
    db.query(Item).filter(Item.id == item_id).delete()
    db.commit()
"#],
            &[r#"
from fastapi import FastAPI, Depends

app = FastAPI()

@app.get("/me")
def me(user: User = Depends(get_current_user)):
    return user

@app.delete("/items/{item_id}", dependencies=[Depends(verify_token)])
def delete_item(item_id: int):
    pass

@app.post("/token")
def token(form: OAuth2PasswordRequestForm = Depends()):
    pass
"#],
        );
        assert_cases(
            check,
            "blog/views.py",
            &[r#"
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

@login_required
def edit_post(request, pk):
    post = Post.objects.get(pk=pk)
    post.save()
    return redirect("/")

def delete_post(request, pk):
    Post.objects.get(pk=pk).delete()
    return redirect("/")
"#],
            &[r#"
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin

@login_required
def edit_post(request, pk):
    Post.objects.get(pk=pk).save()

class DeletePostView(LoginRequiredMixin, View):
    def post(self, request, pk):
        Post.objects.get(pk=pk).delete()

def post_list(request):
    return render(request, "list.html", {"posts": Post.objects.all()})
"#],
        );
    }

    #[test]
    fn express() {
        assert_cases(
            check,
            "server.js",
            &[
                r#"
const express = require('express');
const { authenticateToken } = require('./middleware/auth');
const app = express();

app.get('/api/profile', authenticateToken, async (req, res) => {
  res.json(await User.findById(req.user.id));
});

app.delete('/api/users/:id', async (req, res) => {
  await User.findByIdAndDelete(req.params.id);
  res.sendStatus(204);
});
"#,
                r#"
const router = require('express').Router();
router.post('/posts', requireAuth, createPost);
router.put('/posts/:id', async (req, res) => {
  await Post.updateOne({ _id: req.params.id }, req.body);
  res.json({ ok: true });
});
module.exports = router;
"#,
                r#"
const express = require('express');
const app = express();
app.post('/admin/reset-db', async (req, res) => {
  await db.dropDatabase();
  res.send('ok');
});
"#,
            ],
            &[
                r#"
const express = require('express');
const app = express();
app.post('/api/login', login);
app.use(authenticate);
app.get('/api/profile', (req, res) => res.json(req.user));
app.delete('/api/users/:id', async (req, res) => {
  await User.findByIdAndDelete(req.params.id);
  res.sendStatus(204);
});
"#,
                r#"
const router = require('express').Router();
router.post('/posts', requireAuth, createPost);
router.put('/posts/:id', async (req, res) => {
  if (!req.session.userId) return res.status(401).json({ error: 'Unauthorized' });
  await Post.updateOne({ _id: req.params.id }, req.body);
});
router.get('/health', (req, res) => res.send('ok'));
"#,
                r#"
const api = axios.create({ baseURL: '/api' });
export const deleteUser = (id) => api.delete(`/users/${id}`);
axios.post('/api/users', { name });
"#,
            ],
        );
    }

    #[test]
    fn spring() {
        assert_cases(
            check,
            "UserController.java",
            &[r#"
@RestController
@RequestMapping("/api/users")
public class UserController {
    @GetMapping("/me")
    @PreAuthorize("isAuthenticated()")
    public User me(@AuthenticationPrincipal User user) { return user; }

    @DeleteMapping("/{id}")
    public void delete(@PathVariable Long id) { repo.deleteById(id); }
}
"#],
            &[r#"
@RestController
@RequestMapping("/api/users")
@PreAuthorize("hasRole('USER')")
public class UserController {
    @GetMapping("/me")
    public User me() { return null; }

    @DeleteMapping("/{id}")
    public void delete(@PathVariable Long id) { repo.deleteById(id); }
}
"#],
        );
    }

    #[test]
    fn aspnetcore_and_go() {
        assert_cases(
            check,
            "UsersController.cs",
            &[
                "[ApiController]\n[Route(\"api/[controller]\")]\npublic class UsersController : ControllerBase {\n  [HttpGet(\"me\")]\n  [Authorize]\n  public IActionResult Me() => Ok();\n  [HttpDelete(\"{id}\")]\n  public IActionResult Delete(int id) { _db.Users.Remove(_db.Users.Find(id)); return NoContent(); }\n}\n",
                "var app = builder.Build();\napp.MapGet(\"/api/orders\", (AppDb db) => db.Orders.ToList()).RequireAuthorization();\napp.MapPost(\"/api/orders\", (Order o, AppDb db) => db.Orders.Add(o));\n",
            ],
            &[
                "[ApiController]\n[Route(\"api/[controller]\")]\n[Authorize]\npublic class UsersController : ControllerBase {\n  [HttpGet(\"me\")]\n  public IActionResult Me() => Ok();\n  [HttpDelete(\"{id}\")]\n  public IActionResult Delete(int id) => NoContent();\n  [HttpPost(\"login\")]\n  [AllowAnonymous]\n  public IActionResult Login() => Ok();\n}\n",
                "var app = builder.Build();\napp.MapGet(\"/api/orders\", (AppDb db) => db.Orders.ToList()).RequireAuthorization();\napp.MapPost(\"/api/orders\", (Order o, AppDb db) => db.Orders.Add(o)).RequireAuthorization();\n",
            ],
        );
        assert_cases(
            check,
            "main.go",
            &[
                "package main\nimport \"github.com/gin-gonic/gin\"\nfunc main() {\n\tr := gin.Default()\n\tapi := r.Group(\"/api\")\n\tapi.Use(AuthMiddleware())\n\tapi.GET(\"/profile\", profile)\n\tr.DELETE(\"/users/:id\", deleteUser)\n}\n",
                "package main\nimport \"net/http\"\nfunc routes(mux *http.ServeMux) {\n\tmux.Handle(\"GET /api/me\", requireAuth(http.HandlerFunc(me)))\n\tmux.HandleFunc(\"DELETE /api/items/{id}\", deleteItem)\n}\n",
            ],
            &[
                "package main\nimport \"github.com/gin-gonic/gin\"\nfunc main() {\n\tr := gin.Default()\n\tr.POST(\"/login\", login)\n\tr.Use(AuthMiddleware())\n\tr.GET(\"/profile\", profile)\n\tr.DELETE(\"/users/:id\", deleteUser)\n}\n",
                "package main\nimport \"net/http\"\nfunc routes(mux *http.ServeMux) {\n\tmux.Handle(\"GET /api/me\", requireAuth(http.HandlerFunc(me)))\n\tmux.Handle(\"DELETE /api/items/{id}\", requireAuth(http.HandlerFunc(deleteItem)))\n\tmux.HandleFunc(\"GET /healthz\", health)\n}\n",
            ],
        );
    }

    #[test]
    fn nested_express_routers_inherit_mount_middleware() {
        let model = crate::rules::testing::model(&[
            (
                "src/app.js",
                "const express = require('express');\nconst routes = require('./routes');\nconst app = express();\napp.use('/api', authenticate, routes);\n",
            ),
            (
                "src/routes/index.js",
                "const router = require('express').Router();\nconst users = require('./users');\nrouter.use('/users', users);\nmodule.exports = router;\n",
            ),
            (
                "src/routes/users.js",
                "const router = require('express').Router();\nrouter.get('/', list);\nrouter.delete('/:id', remove);\nmodule.exports = router;\n",
            ),
        ]);
        assert_eq!(model.routes[1].path, "/api/users/:id");
        assert_eq!(model.routes[1].auth, AuthState::Required);
        let mut out = Vec::new();
        check(&model, &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn nestjs() {
        assert_cases(
            check,
            "users.controller.ts",
            &[
                "import { Controller, Get, Delete, UseGuards } from '@nestjs/common';\n@Controller('users')\nexport class UsersController {\n  @UseGuards(JwtAuthGuard)\n  @Get('me')\n  me(@Req() req) { return req.user; }\n\n  @Delete(':id')\n  remove(@Param('id') id: string) { return this.users.remove(id); }\n}\n",
            ],
            &[
                "import { Controller, Get, Delete, UseGuards } from '@nestjs/common';\n@Controller('users')\n@UseGuards(JwtAuthGuard)\nexport class UsersController {\n  @Get('me')\n  me(@Req() req) { return req.user; }\n\n  @Delete(':id')\n  remove(@Param('id') id: string) { return this.users.remove(id); }\n\n  @Public()\n  @Post('login')\n  login(@Body() dto) { return this.auth.login(dto); }\n}\n",
                "import { Controller, Get, Delete, UseGuards } from '@nestjs/common';\n@Controller('users')\nexport class UsersController {\n  @UseGuards(ThrottlerGuard)\n  @Get('me')\n  me(@Req() req) { return req.user; }\n  @Delete(':id')\n  remove(@Param('id') id: string) { return this.users.remove(id); }\n}\n",
            ],
        );
    }

    #[test]
    fn starlette() {
        assert_cases(
            check,
            "app.py",
            &["from starlette.applications import Starlette\nfrom starlette.routing import Route\n\n@requires(\"authenticated\")\nasync def me(request):\n    return JSONResponse({})\n\nasync def delete_user(request):\n    await db.execute(\"DELETE FROM users\")\n\nroutes = [Route(\"/me\", me), Route(\"/users/{id}\", delete_user, methods=[\"DELETE\"])]\n"],
            &["from starlette.applications import Starlette\nfrom starlette.routing import Route\n\n@requires(\"authenticated\")\nasync def me(request):\n    return JSONResponse({})\n\n@requires(\"admin\")\nasync def delete_user(request):\n    await db.execute(\"DELETE FROM users\")\n\nroutes = [Route(\"/me\", me), Route(\"/users/{id}\", delete_user, methods=[\"DELETE\"])]\n"],
        );
    }

    #[test]
    fn servlets() {
        let profile = "@WebServlet(\"/profile\")\nclass ProfileServlet extends HttpServlet {\n  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {\n    if (req.getSession(false) == null) { resp.sendError(HttpServletResponse.SC_UNAUTHORIZED); return; }\n  }\n}\n";
        let delete = "@WebServlet(\"/account/delete\")\nclass DeleteServlet extends HttpServlet {\n  protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {\n    dao.delete(req.getParameter(\"id\"));\n  }\n}\n";
        let filter = "@WebFilter(\"/account/*\")\nclass AuthFilter implements Filter {\n  public void doFilter(ServletRequest r, ServletResponse s, FilterChain c) {\n    if (((HttpServletRequest) r).getSession(false) == null) { ((HttpServletResponse) s).sendError(HttpServletResponse.SC_UNAUTHORIZED); return; }\n    c.doFilter(r, s);\n  }\n}\n";
        let mut out = Vec::new();
        check(
            &crate::rules::testing::model(&[("P.java", profile), ("D.java", delete)]),
            &mut out,
        );
        assert_eq!(out.len(), 1);
        let mut out = Vec::new();
        check(
            &crate::rules::testing::model(&[
                ("P.java", profile),
                ("D.java", delete),
                ("F.java", filter),
            ]),
            &mut out,
        );
        assert!(out.is_empty());
    }

    #[test]
    fn spring_security_rules_apply_across_files() {
        let model = crate::rules::testing::model(&[
            (
                "SecurityConfig.java",
                r#"
public class SecurityConfig {
    @Bean
    SecurityFilterChain chain(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a
            .requestMatchers("/api/auth/**").permitAll()
            .anyRequest().authenticated());
        return http.build();
    }
}
"#,
            ),
            (
                "OrderController.java",
                r#"
@RestController
@RequestMapping("/api/orders")
public class OrderController {
    @PostMapping
    public Order create(@RequestBody Order o) { return repo.save(o); }
}
"#,
            ),
        ]);
        assert_eq!(model.routes[0].auth, AuthState::Required);
        let mut out = Vec::new();
        check(&model, &mut out);
        assert!(out.is_empty());
    }
}
