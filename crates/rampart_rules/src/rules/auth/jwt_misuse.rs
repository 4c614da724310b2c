use super::{finding, is_false, is_true, pairs, shown};
use crate::ast::{self, Call, Imports};
use crate::{FileContext, StructuralRule};
use rampart_core::{Confidence, Finding, Language, Severity};
use tree_sitter::Node;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds JSON Web Tokens accepted or issued unsafely:
    /// - decoded without verifying the signature: PyJWT `options={"verify_signature": False}`
    ///   or `verify=False`, python-jose `get_unverified_claims`, `jsonwebtoken`'s `jwt.decode`
    ///   in a function that never calls `jwt.verify`, jose `decodeJwt` without `jwtVerify`,
    ///   auth0 `JWT.decode` without a verifier, jjwt `parseClaimsJwt`/`parseUnsecuredClaims`,
    ///   Go `ParseUnverified`, .NET `RequireSignedTokens = false` or
    ///   `ValidateIssuerSigningKey = false`;
    /// - the `none` algorithm allowed (`algorithms=["none"]`, `algorithm: 'none'`,
    ///   `Algorithm.none()`, `jwt.SigningMethodNone`);
    /// - the algorithm taken from the token itself (`algorithms=[header["alg"]]`), or a Go
    ///   `jwt.Parse` key function that never checks `token.Method`;
    /// - empty signing secrets (`jwt.sign(payload, '')`);
    /// - expiry not checked (`verify_exp: False`, `ignoreExpiration: true`,
    ///   `ValidateLifetime = false`) or tokens issued without any expiry.
    ///
    /// Hard-coded non-empty signing secrets are reported by `hardcoded-secret`.
    ///
    /// ## Why is this bad
    /// A token whose signature is not checked is just JSON the client wrote: anyone can set
    /// `"role": "admin"` or another user's id. Accepting `none`, or the algorithm the token
    /// names, lets an attacker strip the signature or sign with the public key as an HMAC
    /// secret. Tokens that never expire stay valid forever once leaked.
    ///
    /// ## Example
    /// ```python
    /// payload = jwt.decode(token, options={"verify_signature": False})
    /// user = User.query.get(payload["user_id"])
    /// ```
    ///
    /// ## Fix
    /// Verify with a fixed algorithm list and a secret from configuration; require `exp`:
    /// ```python
    /// payload = jwt.decode(token, current_app.config["JWT_SECRET"], algorithms=["HS256"])
    /// ```
    /// ```javascript
    /// const claims = jwt.verify(token, process.env.JWT_SECRET, { algorithms: ['HS256'] });
    /// const token = jwt.sign({ sub: user.id }, process.env.JWT_SECRET, { expiresIn: '1h' });
    /// ```
    ///
    /// ## References
    /// - [CWE-347: Improper Verification of Cryptographic Signature](https://cwe.mitre.org/data/definitions/347.html)
    /// - [CWE-613: Insufficient Session Expiration](https://cwe.mitre.org/data/definitions/613.html)
    /// - [OWASP JSON Web Token Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html)
    pub static JWT_MISUSE = {
        id: "jwt-misuse",
        name: "JwtMisuse",
        cwe: 347,
        other_cwes: [613],
        severity: High,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "JWT decoded without signature verification, `none` or token-chosen algorithm, empty secret or no expiry",
        help: "verify tokens with a fixed algorithm list and a configured secret, and require an expiry",
    }
}

pub struct JwtMisuse;

impl StructuralRule for JwtMisuse {
    fn meta(&self) -> &'static rampart_core::RuleMeta {
        &JWT_MISUSE
    }

    fn check(&self, ctx: &FileContext<'_>, out: &mut Vec<Finding>) {
        let src = ctx.file.text.as_str();
        let mentions = [
            "jwt",
            "Jwt",
            "JWT",
            "jose",
            "Algorithm.none",
            "TokenValidationParameters",
        ];
        if !mentions.iter().any(|m| src.contains(m)) {
            return;
        }
        let lang = ctx.file.language;
        let root = ctx.tree.root_node();
        let imports = Imports::collect(root, src, lang);
        let mut issues: Vec<(Node<'_>, String, Confidence, u32)> = Vec::new();
        for call in ast::calls(root, src, lang) {
            let path = call
                .resolved_path(&imports)
                .unwrap_or_else(|| call.name.clone());
            match lang {
                Language::Python => python(&call, &path, src, &mut issues),
                Language::JavaScript | Language::TypeScript | Language::Tsx => {
                    javascript(&call, &path, src, &mut issues)
                }
                Language::Java => java(&call, &path, src, &mut issues),
                Language::Go => go(&call, &path, src, &mut issues),
                _ => {}
            }
        }
        if lang == Language::CSharp {
            csharp(root, src, &mut issues);
        }
        if matches!(lang, Language::Java | Language::Go) {
            for n in ast::descendants_of_kind(
                root,
                &["field_access", "selector_expression", "method_invocation"],
            ) {
                let t = ast::text(n, src);
                if t == "jwt.SigningMethodNone"
                    || t == "jwt.UnsafeAllowNoneSignatureType"
                    || t == "Algorithm.none()"
                {
                    issues.push((
                        n,
                        format!("`{t}` accepts unsigned tokens"),
                        Confidence::High,
                        347,
                    ));
                }
            }
        }
        let mut seen = Vec::new();
        for (node, message, confidence, cwe) in issues {
            if seen.contains(&node.id()) {
                continue;
            }
            seen.push(node.id());
            // A token without expiry is a weakness, not a forgery.
            let severity = if cwe == 613 {
                Severity::Medium
            } else {
                Severity::High
            };
            out.push(
                finding(&JWT_MISUSE, ctx, node, message)
                    .confidence(confidence)
                    .severity(severity)
                    .cwe(cwe)
                    .build(),
            );
        }
    }
}

type Issues<'t> = Vec<(Node<'t>, String, Confidence, u32)>;

fn is_jwt(path: &str, name: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    (lower.contains("jwt") || lower.contains("jose")) && path.ends_with(name)
}

fn lists_none(node: Node<'_>, src: &str) -> bool {
    ast::descendants_of_kind(
        node,
        &["string", "string_literal", "interpreted_string_literal"],
    )
    .into_iter()
    .chain(std::iter::once(node))
    .any(|s| ast::string_value(s, src).is_some_and(|v| v.eq_ignore_ascii_case("none")))
}

/// `algorithms=[header["alg"]]`, `{ algorithms: [decoded.header.alg] }`: the token picks.
fn algorithm_from_token(node: Node<'_>, src: &str) -> bool {
    let t = ast::text(node, src);
    t.contains("header") || t.contains("[\"alg\"]") || t.contains("['alg']") || t.contains(".alg")
}

fn python<'t>(call: &Call<'t>, path: &str, src: &str, issues: &mut Issues<'t>) {
    let shown_call = shown(call.node, src);
    if is_jwt(path, "get_unverified_claims") {
        issues.push((
            call.node,
            format!("`{shown_call}` reads claims without verifying the signature"),
            Confidence::High,
            347,
        ));
        return;
    }
    if is_jwt(path, ".decode") {
        if let Some(opts) = call.keyword("options") {
            for (k, v) in pairs(opts, src) {
                if k == "verify_signature" && is_false(v, src) {
                    issues.push((
                        call.node,
                        format!("`{shown_call}` decodes the token without verifying its signature"),
                        Confidence::High,
                        347,
                    ));
                } else if k == "verify_exp" && is_false(v, src) {
                    issues.push((
                        call.node,
                        format!("`{shown_call}` does not check the token's expiry"),
                        Confidence::High,
                        613,
                    ));
                }
            }
        }
        if call.keyword("verify").is_some_and(|v| is_false(v, src)) {
            issues.push((
                call.node,
                format!("`{shown_call}` decodes the token without verifying its signature"),
                Confidence::High,
                347,
            ));
        }
        if let Some(algs) = call.keyword("algorithms") {
            if lists_none(algs, src) {
                issues.push((
                    call.node,
                    format!("`{shown_call}` accepts the `none` algorithm"),
                    Confidence::High,
                    347,
                ));
            } else if algorithm_from_token(algs, src) {
                issues.push((
                    call.node,
                    format!("`{shown_call}` lets the token choose its own algorithm"),
                    Confidence::High,
                    347,
                ));
            }
        }
    }
    if is_jwt(path, ".encode") {
        let alg = call.keyword("algorithm").or_else(|| call.positional(2));
        if alg.is_some_and(|a| {
            ast::string_value(a, src).is_some_and(|v| v.eq_ignore_ascii_case("none"))
        }) {
            issues.push((
                call.node,
                format!("`{shown_call}` issues an unsigned token (`none` algorithm)"),
                Confidence::High,
                347,
            ));
        }
        if call
            .positional(1)
            .or_else(|| call.keyword("key"))
            .is_some_and(|k| ast::string_value(k, src).is_some_and(|v| v.is_empty()))
        {
            issues.push((
                call.node,
                format!("`{shown_call}` signs with an empty secret"),
                Confidence::High,
                347,
            ));
        }
        if let Some(payload) = call.positional(0) {
            no_expiry(call, payload, src, issues);
        }
    }
}

/// A token issued from a literal payload, in a function that never mentions an expiry.
fn no_expiry<'t>(call: &Call<'t>, payload: Node<'_>, src: &str, issues: &mut Issues<'t>) {
    let scope = ast::enclosing_function(call.node).unwrap_or(call.node);
    let scope_text = ast::text(scope, src);
    if scope_text.contains("exp") || scope_text.contains("Exp") || scope_text.contains("ttl") {
        return;
    }
    let literal = matches!(payload.kind(), "dictionary" | "object");
    let assigned_literal = payload.kind() == "identifier";
    if literal || assigned_literal {
        issues.push((
            call.node,
            format!("`{}` issues a token with no expiry", shown(call.node, src)),
            Confidence::Medium,
            613,
        ));
    }
}

fn javascript<'t>(call: &Call<'t>, path: &str, src: &str, issues: &mut Issues<'t>) {
    let shown_call = shown(call.node, src);
    let name = call.name.as_str();
    let jwt_receiver = call.receiver.is_some_and(|r| {
        let t = ast::text(r, src).to_ascii_lowercase();
        t.contains("jwt") || t.contains("jsonwebtoken")
    }) || path.starts_with("jsonwebtoken");
    let scope = ast::enclosing_function(call.node).unwrap_or(call.node);
    let scope_text = ast::text(scope, src);
    if (jwt_receiver && name == "decode" && !scope_text.contains("verify"))
        || (name == "decodeJwt" && path.contains("jose") && !scope_text.contains("jwtVerify"))
    {
        issues.push((
            call.node,
            format!("`{shown_call}` reads the token without verifying its signature"),
            Confidence::Medium,
            347,
        ));
        return;
    }
    if !jwt_receiver {
        return;
    }
    let options = call
        .args
        .iter()
        .map(|a| a.value)
        .find(|v| v.kind() == "object");
    match name {
        "verify" => {
            if call
                .positional(1)
                .is_some_and(|k| ast::string_value(k, src).is_some_and(|v| v.is_empty()))
            {
                issues.push((
                    call.node,
                    format!("`{shown_call}` verifies with an empty secret"),
                    Confidence::High,
                    347,
                ));
            }
            for (k, v) in options.map(|o| pairs(o, src)).unwrap_or_default() {
                match k.as_str() {
                    "algorithms" if lists_none(v, src) => issues.push((
                        call.node,
                        format!("`{shown_call}` accepts the `none` algorithm"),
                        Confidence::High,
                        347,
                    )),
                    "algorithms" if algorithm_from_token(v, src) => issues.push((
                        call.node,
                        format!("`{shown_call}` lets the token choose its own algorithm"),
                        Confidence::High,
                        347,
                    )),
                    "ignoreExpiration" if is_true(v, src) => issues.push((
                        call.node,
                        format!("`{shown_call}` ignores the token's expiry"),
                        Confidence::High,
                        613,
                    )),
                    _ => {}
                }
            }
        }
        "sign" => {
            if call
                .positional(1)
                .is_some_and(|k| ast::string_value(k, src).is_some_and(|v| v.is_empty()))
            {
                issues.push((
                    call.node,
                    format!("`{shown_call}` signs with an empty secret"),
                    Confidence::High,
                    347,
                ));
            }
            let opts = options.filter(|o| Some(*o) != call.positional(0));
            if opts
                .map(|o| pairs(o, src))
                .unwrap_or_default()
                .iter()
                .any(|(k, v)| {
                    k == "algorithm"
                        && ast::string_value(*v, src)
                            .is_some_and(|s| s.eq_ignore_ascii_case("none"))
                })
            {
                issues.push((
                    call.node,
                    format!("`{shown_call}` issues an unsigned token (`none` algorithm)"),
                    Confidence::High,
                    347,
                ));
            }
            if let Some(payload) = call.positional(0) {
                if opts.is_none() {
                    no_expiry(call, payload, src, issues);
                }
            }
        }
        _ => {}
    }
}

fn java<'t>(call: &Call<'t>, path: &str, src: &str, issues: &mut Issues<'t>) {
    let shown_call = shown(call.node, src);
    match call.name.as_str() {
        // `Jwts.builder()...compact()` / `JWT.create()...sign(alg)` without an expiry.
        "compact" | "sign" => {
            let chain = ast::text(call.node, src);
            let builds = chain.starts_with("Jwts.builder") || chain.starts_with("JWT.create");
            if builds
                && !chain.contains("xpiration")
                && !chain.contains("xpiresAt")
                && !chain.contains(".expiration(")
            {
                issues.push((
                    call.node,
                    format!("`{shown_call}` issues a token with no expiry"),
                    Confidence::Medium,
                    613,
                ));
            }
        }
        "parseClaimsJwt" | "parseUnsecuredClaims" | "parseUnsecuredContent" => {
            issues.push((
                call.node,
                format!("`{shown_call}` accepts unsigned tokens"),
                Confidence::High,
                347,
            ));
        }
        "decode" if path == "JWT.decode" || path.ends_with("auth0.jwt.JWT.decode") => {
            let root = {
                let mut n = call.node;
                while let Some(p) = n.parent() {
                    n = p;
                }
                n
            };
            if !ast::text(root, src).contains("JWT.require") {
                issues.push((
                    call.node,
                    format!("`{shown_call}` reads the token without verifying its signature"),
                    Confidence::Medium,
                    347,
                ));
            }
        }
        _ => {}
    }
}

fn go<'t>(call: &Call<'t>, path: &str, src: &str, issues: &mut Issues<'t>) {
    let shown_call = shown(call.node, src);
    if call.name == "NewWithClaims" {
        let claims = call.positional(1).map(|c| ast::text(c, src)).unwrap_or("");
        if claims.contains("MapClaims{") && !claims.contains("\"exp\"") {
            issues.push((
                call.node,
                format!("`{shown_call}` issues a token with no expiry"),
                Confidence::Medium,
                613,
            ));
        }
    }
    if call.name == "ParseUnverified" {
        issues.push((
            call.node,
            format!("`{shown_call}` reads the token without verifying its signature"),
            Confidence::High,
            347,
        ));
        return;
    }
    if matches!(call.name.as_str(), "Parse" | "ParseWithClaims") && path.contains("jwt") {
        let keyfunc = call
            .args
            .iter()
            .map(|a| a.value)
            .find(|a| a.kind() == "func_literal");
        if let Some(f) = keyfunc {
            let body = ast::text(f, src);
            if !body.contains("Method") && !body.contains("Alg()") {
                issues.push((call.node, format!("`{}` key function never checks `token.Method`: the token chooses its algorithm", call.path.as_deref().unwrap_or("jwt.Parse")), Confidence::Medium, 347));
            }
        }
    }
}

fn csharp<'t>(root: Node<'t>, src: &str, issues: &mut Issues<'t>) {
    for a in ast::descendants_of_kind(root, &["assignment_expression"]) {
        let (Some(l), Some(r)) = (
            a.child_by_field_name("left"),
            a.child_by_field_name("right"),
        ) else {
            continue;
        };
        let key = ast::text(l, src);
        let key = key.rsplit('.').next().unwrap_or(key);
        let (what, cwe) = match key {
            "RequireSignedTokens" | "ValidateIssuerSigningKey" if is_false(r, src) => {
                ("accepts tokens without a verified signature", 347)
            }
            "ValidateLifetime" | "RequireExpirationTime" if is_false(r, src) => {
                ("does not check token expiry", 613)
            }
            "SignatureValidator" => ("replaces signature validation", 347),
            _ => continue,
        };
        issues.push((
            a,
            format!("`{}` {what}", shown(a, src)),
            Confidence::High,
            cwe,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_cases;

    #[test]
    fn python() {
        assert_cases(
            &JwtMisuse,
            Language::Python,
            &[
                "import jwt\n\ndef current_user(token):\n    payload = jwt.decode(token, options={\"verify_signature\": False})\n    return User.query.get(payload[\"user_id\"])\n",
                "import jwt\n\ndef check(token):\n    header = jwt.get_unverified_header(token)\n    return jwt.decode(token, SECRET, algorithms=[header[\"alg\"]])\n",
                "import jwt\n\ndef check(token):\n    return jwt.decode(token, SECRET, algorithms=[\"HS256\", \"none\"])\n",
                "from jose import jwt\n\ndef claims(token):\n    return jwt.get_unverified_claims(token)\n",
                "import jwt\n\ndef make_token(user):\n    return jwt.encode({\"user_id\": user.id}, SECRET_KEY, algorithm=\"HS256\")\n",
                "import jwt\n\ndef check(token):\n    return jwt.decode(token, SECRET, algorithms=[\"HS256\"], options={\"verify_exp\": False})\n",
            ],
            &[
                "import jwt\n\ndef check(token):\n    return jwt.decode(token, current_app.config[\"SECRET_KEY\"], algorithms=[\"HS256\"])\n",
                "import jwt\nfrom datetime import datetime, timedelta\n\ndef make_token(user):\n    payload = {\"user_id\": user.id, \"exp\": datetime.utcnow() + timedelta(hours=1)}\n    return jwt.encode(payload, SECRET_KEY, algorithm=\"HS256\")\n",
                "import jwt\n\ndef kid(token):\n    return jwt.get_unverified_header(token)[\"kid\"]\n",
                "import base64\n\ndef f(x):\n    return base64.b64decode(x).decode()\n",
            ],
        );
    }

    #[test]
    fn javascript() {
        assert_cases(
            &JwtMisuse,
            Language::JavaScript,
            &[
                "const jwt = require('jsonwebtoken');\nfunction auth(req, res, next) {\n  const user = jwt.decode(req.headers.authorization.split(' ')[1]);\n  req.user = user;\n  next();\n}\n",
                "const jwt = require('jsonwebtoken');\nconst claims = jwt.verify(token, secret, { algorithms: ['HS256', 'none'] });\n",
                "const jwt = require('jsonwebtoken');\nconst claims = jwt.verify(token, process.env.SECRET, { ignoreExpiration: true });\n",
                "const jwt = require('jsonwebtoken');\nconst token = jwt.sign({ id: user.id }, '');\n",
                "const jwt = require('jsonwebtoken');\nfunction login(user) {\n  return jwt.sign({ id: user._id, role: user.role }, process.env.JWT_SECRET);\n}\n",
            ],
            &[
                "const jwt = require('jsonwebtoken');\nconst claims = jwt.verify(token, process.env.JWT_SECRET, { algorithms: ['HS256'] });\n",
                "const jwt = require('jsonwebtoken');\nconst token = jwt.sign({ id: user.id }, process.env.JWT_SECRET, { expiresIn: '1h' });\n",
                "const jwt = require('jsonwebtoken');\nfunction auth(token) {\n  const { header } = jwt.decode(token, { complete: true });\n  return jwt.verify(token, keys[header.kid], { algorithms: ['RS256'] });\n}\n",
                "import { jwtDecode } from 'jwt-decode';\nconst claims = jwtDecode(localStorage.getItem('token'));\n",
            ],
        );
    }

    #[test]
    fn java_go_csharp() {
        assert_cases(
            &JwtMisuse,
            Language::Java,
            &[
                "class A { Claims f(String t) { return Jwts.parser().setSigningKey(k).parseClaimsJwt(t).getBody(); } }",
                "import com.auth0.jwt.JWT;\nclass A { String f(String t) { return JWT.decode(t).getSubject(); } }",
                "class A { Algorithm a = Algorithm.none(); }",
                "class A { String t(User u) { return Jwts.builder().setSubject(u.getUsername()).signWith(key).compact(); } }",
            ],
            &[
                "class A { Claims f(String t) { return Jwts.parserBuilder().setSigningKey(k).build().parseClaimsJws(t).getBody(); } }",
                "import com.auth0.jwt.JWT;\nclass A { String f(String t) { return JWT.require(alg).build().verify(t).getSubject(); } }",
                "class A { String f(String t) { return decoder.decode(t); } }",
                "class A { String t(User u) { return Jwts.builder().setSubject(u.getUsername()).setExpiration(new Date(now + TTL)).signWith(key).compact(); } }",
            ],
        );
        assert_cases(
            &JwtMisuse,
            Language::Go,
            &[
                "package main\nimport \"github.com/golang-jwt/jwt/v5\"\nfunc f(s string) {\n\ttok, _, _ := jwt.NewParser().ParseUnverified(s, jwt.MapClaims{})\n\t_ = tok\n}\n",
                "package main\nimport \"github.com/golang-jwt/jwt/v5\"\nfunc f(s string) {\n\ttok, _ := jwt.Parse(s, func(t *jwt.Token) (interface{}, error) { return secret, nil })\n\t_ = tok\n}\n",
                "package main\nimport \"github.com/golang-jwt/jwt/v5\"\nvar m = jwt.SigningMethodNone\n",
                "package main\nimport \"github.com/golang-jwt/jwt/v5\"\nfunc f(id string) { t := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{\"sub\": id}); _ = t }\n",
            ],
            &[
                "package main\nimport \"github.com/golang-jwt/jwt/v5\"\nfunc f(s string) {\n\ttok, _ := jwt.Parse(s, func(t *jwt.Token) (interface{}, error) {\n\t\tif _, ok := t.Method.(*jwt.SigningMethodHMAC); !ok { return nil, errBad }\n\t\treturn secret, nil\n\t})\n\t_ = tok\n}\n",
                "package main\nimport \"github.com/golang-jwt/jwt/v5\"\nfunc f(s string) {\n\ttok, _ := jwt.Parse(s, keyFunc, jwt.WithValidMethods([]string{\"HS256\"}))\n\t_ = tok\n}\n",
                "package main\nimport \"net/url\"\nfunc f(s string) { url.Parse(s) }\n",
                "package main\nimport \"github.com/golang-jwt/jwt/v5\"\nfunc f(id string) { t := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{\"sub\": id, \"exp\": time.Now().Add(time.Hour).Unix()}); _ = t }\n",
            ],
        );
        assert_cases(
            &JwtMisuse,
            Language::CSharp,
            &[
                "class A { void F() { var p = new TokenValidationParameters { ValidateIssuerSigningKey = false, IssuerSigningKey = key }; } }",
                "class A { void F() { var p = new TokenValidationParameters { ValidateLifetime = false }; } }",
                "class A { void F() { var p = new TokenValidationParameters { RequireSignedTokens = false }; } }",
            ],
            &[
                "class A { void F() { var p = new TokenValidationParameters { ValidateIssuerSigningKey = true, ValidateLifetime = true, IssuerSigningKey = key }; } }",
                "class A { void F() { var p = new TokenValidationParameters { ValidateAudience = false, ValidateIssuer = true }; } }",
                "class A { void F() { var jwt = \"x\"; } }",
            ],
        );
    }
}
