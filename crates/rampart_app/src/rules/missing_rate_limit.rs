use super::{route_label, route_location};
use crate::classify::credential_kind;
use crate::model::AppModel;
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds login, password reset, one-time code (OTP/MFA) verification, sign-up and token
    /// endpoints with no rate limiting on their path. Limits are recognized on the route
    /// (`@limiter.limit("5/minute")`, `@ratelimit(...)`, `throttle_classes`, a `loginLimiter`
    /// middleware, Fastify `config.rateLimit`, `@RateLimiter`), on a router or path prefix
    /// (`app.use('/api/auth', authLimiter)`, a router mounted behind a limiter) and app-wide
    /// (`Limiter(app, default_limits=[...])`, `app.use(rateLimit(...))`, DRF
    /// `DEFAULT_THROTTLE_CLASSES`, django-axes, `@fastify/rate-limit`).
    ///
    /// Routes that only serve a form (`GET /login`) are not reported.
    ///
    /// ## Why is this bad
    /// Without a limit an attacker can try passwords, reset codes and one-time codes as fast as
    /// the server answers: a six-digit code falls in minutes, leaked password lists are replayed
    /// against every account (credential stuffing), and sign-up endpoints are flooded with
    /// fake accounts.
    ///
    /// ## Example
    /// ```javascript
    /// app.post('/api/auth/login', async (req, res) => {
    ///   const user = await User.findOne({ email: req.body.email });
    ///   if (!user || !(await bcrypt.compare(req.body.password, user.password))) {
    ///     return res.status(401).json({ error: 'Invalid credentials' });
    ///   }
    ///   res.json({ token: issueToken(user) });
    /// });
    /// ```
    ///
    /// ## Fix
    /// Limit attempts per client and per account:
    /// ```javascript
    /// const rateLimit = require('express-rate-limit');
    /// const loginLimiter = rateLimit({ windowMs: 15 * 60 * 1000, max: 5 });
    /// app.post('/api/auth/login', loginLimiter, login);
    /// ```
    /// In Flask use Flask-Limiter (`@limiter.limit("5 per minute")`), in FastAPI slowapi, in
    /// Django django-ratelimit or DRF throttles, in Spring Bucket4j or Resilience4j.
    ///
    /// ## References
    /// - [CWE-307: Improper Restriction of Excessive Authentication Attempts](https://cwe.mitre.org/data/definitions/307.html)
    /// - [CWE-770: Allocation of Resources Without Limits or Throttling](https://cwe.mitre.org/data/definitions/770.html)
    /// - [OWASP Authentication Cheat Sheet: Login Throttling](https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#login-throttling)
    pub static MISSING_RATE_LIMIT = {
        id: "missing-rate-limit",
        name: "MissingRateLimit",
        cwe: 307,
        other_cwes: [770],
        severity: Medium,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Login, password reset, OTP, sign-up or token endpoint without rate limiting",
        help: "limit attempts per client and account (Flask-Limiter, slowapi, django-ratelimit, express-rate-limit, Bucket4j)",
    }
}

pub fn check(model: &AppModel, out: &mut Vec<Finding>) {
    for r in &model.routes {
        if r.rate_limited {
            continue;
        }
        let Some(kind) = credential_kind(&r.path, &r.handler) else {
            continue;
        };
        let submits = r
            .methods
            .iter()
            .any(|m| matches!(m.as_str(), "POST" | "PUT" | "PATCH" | "ANY"));
        if !submits {
            continue;
        }
        let label = route_label(r);
        let cwe = match kind {
            "sign-up" | "token" => 770,
            _ => 307,
        };
        out.push(
            Finding::builder(
                &MISSING_RATE_LIMIT,
                route_location(r),
                format!(
                    "{kind} endpoint `{label}` (handler `{}`) has no rate limiting",
                    r.handler
                ),
            )
            .cwe(cwe)
            .scope(r.handler.clone())
            .anchor(label)
            .build(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{assert_cases, model};

    #[test]
    fn python() {
        assert_cases(
            check,
            "app.py",
            &[
                r#"
from flask import Flask, request
app = Flask(__name__)

@app.route("/login", methods=["GET", "POST"])
def login():
    user = User.query.filter_by(email=request.form["email"]).first()
    return "ok"
"#,
                r#"
from fastapi import FastAPI
app = FastAPI()

@app.post("/auth/verify-otp")
async def verify_otp(body: OtpIn):
    return {"ok": True}
"#,
                r#"
from flask import Blueprint
auth = Blueprint("auth", __name__)

@auth.post("/forgot-password")
def forgot_password():
    send_reset_email(request.json["email"])
    return {}
"#,
            ],
            &[
                r#"
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
app = Flask(__name__)
limiter = Limiter(get_remote_address, app=app)

@app.route("/login", methods=["POST"])
@limiter.limit("5 per minute")
def login():
    return "ok"
"#,
                r#"
from flask import Flask
from flask_limiter import Limiter
app = Flask(__name__)
limiter = Limiter(get_remote_address, app=app, default_limits=["200 per day"])

@app.post("/register")
def register():
    return "ok"
"#,
                r#"
from flask import Flask
app = Flask(__name__)

@app.route("/login")
def login_form():
    return render_template("login.html")

@app.post("/logout")
def logout():
    return "bye"
"#,
            ],
        );
    }

    #[test]
    fn django() {
        assert_cases(
            check,
            "accounts/views.py",
            &[r#"
from django.contrib.auth import authenticate, login as auth_login

def login_view(request):
    if request.method == "POST":
        user = authenticate(request, username=request.POST["username"], password=request.POST["password"])
    return render(request, "login.html")
"#],
            &[r#"
from django_ratelimit.decorators import ratelimit

@ratelimit(key="ip", rate="5/m", block=True)
def login_view(request):
    return render(request, "login.html")

class LoginAPIView(APIView):
    throttle_classes = [AnonRateThrottle]
    def post(self, request):
        return Response({})
"#],
        );
    }

    #[test]
    fn express() {
        assert_cases(
            check,
            "app.js",
            &[
                r#"
const express = require('express');
const app = express();
app.post('/api/auth/login', async (req, res) => {
  const user = await User.findOne({ email: req.body.email });
  res.json({ token: sign(user) });
});
"#,
                r#"
const router = express.Router();
router.post('/signup', register);
router.post('/reset-password', resetPassword);
"#,
                r#"
fastify.post('/login', async (request, reply) => {
  return { token };
});
"#,
            ],
            &[
                r#"
const rateLimit = require('express-rate-limit');
const loginLimiter = rateLimit({ windowMs: 15 * 60 * 1000, max: 5 });
app.post('/api/auth/login', loginLimiter, login);
"#,
                r#"
const limiter = rateLimit({ windowMs: 60000, max: 100 });
app.use(limiter);
app.post('/api/auth/login', login);
"#,
                r#"
app.use('/api/auth', authLimiter);
app.post('/api/auth/login', login);
app.get('/login', (req, res) => res.render('login'));
"#,
            ],
        );
    }

    #[test]
    fn limiter_on_mounted_router() {
        let m = model(&[
            (
                "src/app.js",
                "const express = require('express');\nconst authRoutes = require('./routes/auth');\nconst app = express();\napp.use('/api/auth', authLimiter, authRoutes);\n",
            ),
            (
                "src/routes/auth.js",
                "const router = require('express').Router();\nrouter.post('/login', login);\nmodule.exports = router;\n",
            ),
        ]);
        assert_eq!(m.routes[0].path, "/api/auth/login");
        assert!(m.routes[0].rate_limited);
        let mut out = Vec::new();
        check(&m, &mut out);
        assert!(out.is_empty());
    }
}
