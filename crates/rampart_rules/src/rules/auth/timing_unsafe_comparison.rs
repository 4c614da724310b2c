use super::{finding, shown};
use crate::ast;
use crate::{FileContext, StructuralRule};
use rampart_core::{Finding, Language};
use tree_sitter::Node;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds secrets, tokens, signatures, MACs, API keys, one-time codes and passwords compared
    /// with `==`/`===`/`!=` (or `equals`, `Arrays.equals`, `bytes.Equal`, `SequenceEqual`)
    /// instead of a constant-time comparison. Comparisons with `None`/`null`, string literals
    /// (hard-coded secrets are reported by `hardcoded-secret`), numbers, lengths and type names
    /// are not reported.
    ///
    /// ## Why is this bad
    /// Ordinary string comparison stops at the first differing byte, so the time a request
    /// takes reveals how much of a guess was right. An attacker measuring many requests can
    /// recover a webhook signature, API key or reset token byte by byte.
    ///
    /// ## Example
    /// ```python
    /// expected = hmac.new(SECRET, request.data, hashlib.sha256).hexdigest()
    /// if request.headers.get("X-Signature") == expected:
    ///     process(request.json)
    /// ```
    ///
    /// ## Fix
    /// Use the platform's constant-time comparison: Python `hmac.compare_digest`, Node
    /// `crypto.timingSafeEqual`, Java `MessageDigest.isEqual`, Go `hmac.Equal` or
    /// `subtle.ConstantTimeCompare`, .NET `CryptographicOperations.FixedTimeEquals`:
    /// ```python
    /// if hmac.compare_digest(request.headers.get("X-Signature", ""), expected):
    ///     process(request.json)
    /// ```
    ///
    /// ## References
    /// - [CWE-208: Observable Timing Discrepancy](https://cwe.mitre.org/data/definitions/208.html)
    /// - [Python `hmac.compare_digest`](https://docs.python.org/3/library/hmac.html#hmac.compare_digest)
    pub static TIMING_UNSAFE_COMPARISON = {
        id: "timing-unsafe-comparison",
        name: "TimingUnsafeComparison",
        cwe: 208,
        severity: Medium,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Secret, token or signature compared with a non-constant-time comparison",
        help: "compare secrets with a constant-time function (hmac.compare_digest, crypto.timingSafeEqual, MessageDigest.isEqual)",
    }
}

pub struct TimingUnsafeComparison;

impl StructuralRule for TimingUnsafeComparison {
    fn meta(&self) -> &'static rampart_core::RuleMeta {
        &TIMING_UNSAFE_COMPARISON
    }

    fn check(&self, ctx: &FileContext<'_>, out: &mut Vec<Finding>) {
        let src = ctx.file.text.as_str();
        let lang = ctx.file.language;
        // A secret is only recognized by one of these words in its name; without any of them
        // in the file there is nothing to find.
        let lower = ctx.lowercase();
        if !SECRET_WORDS
            .iter()
            .chain(&["key"])
            .any(|w| lower.contains(w))
        {
            return;
        }
        let mut pairs: Vec<(Node<'_>, Node<'_>, Node<'_>)> = Vec::new();
        for n in ctx.all_of_kind(&["comparison_operator", "binary_expression"]) {
            let (a, b) = if n.kind() == "comparison_operator" {
                let kids = ast::named_children(n);
                if kids.len() != 2 {
                    continue;
                }
                let op = src
                    .get(kids[0].end_byte()..kids[1].start_byte())
                    .unwrap_or("");
                if !matches!(op.trim(), "==" | "!=") {
                    continue;
                }
                (kids[0], kids[1])
            } else {
                let op = n
                    .child_by_field_name("operator")
                    .map(|o| ast::text(o, src))
                    .unwrap_or("");
                if !matches!(op, "==" | "===" | "!=" | "!==") || lang == Language::Java {
                    continue;
                }
                let (Some(a), Some(b)) = (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) else {
                    continue;
                };
                (a, b)
            };
            pairs.push((n, a, b));
        }
        for call in ctx.calls_named(|n| {
            matches!(
                n,
                "equals" | "Equals" | "Equal" | "SequenceEqual" | "equalsIgnoreCase"
            )
        }) {
            let path = call.path.as_deref().unwrap_or("");
            let operands = match (call.receiver, call.positional(0), call.positional(1)) {
                (Some(r), Some(a), None)
                    if !matches!(path, "Arrays.equals" | "bytes.Equal" | "Objects.equals") =>
                {
                    (r, a)
                }
                (_, Some(a), Some(b)) => (a, b),
                _ => continue,
            };
            if path.starts_with("hmac.")
                || path.starts_with("subtle.")
                || path.contains("MessageDigest")
            {
                continue;
            }
            pairs.push((call.node, operands.0, operands.1));
        }
        for (node, a, b) in pairs {
            let secret = match (secret_name(a, src), secret_name(b, src)) {
                (Some(s), _) if comparable(b, src) => s,
                (_, Some(s)) if comparable(a, src) => s,
                _ => continue,
            };
            out.push(
                finding(
                    &TIMING_UNSAFE_COMPARISON,
                    ctx,
                    node,
                    format!(
                        "`{}` compares the secret `{secret}` in non-constant time, leaking it through response timing",
                        shown(node, src)
                    ),
                )
                .build(),
            );
        }
    }
}

const SECRET_WORDS: &[&str] = &[
    "token",
    "signature",
    "sig",
    "hmac",
    "mac",
    "digest",
    "hexdigest",
    "secret",
    "apikey",
    "otp",
    "totp",
    "passcode",
    "password",
    "passwd",
    "pwd",
    "csrf",
    "xsrf",
];
const NOT_SECRET: &[&str] = &[
    "type",
    "length",
    "len",
    "count",
    "expires",
    "expiry",
    "expiration",
    "exp",
    "name",
    "prefix",
    "kind",
    "format",
    "field",
    "url",
    "mode",
    "status",
    "scheme",
    "version",
    "label",
    "id",
    "header",
    "at",
    "date",
    "time",
    "enabled",
    "required",
    "policy",
    "hint",
    "confirm",
    "confirmation",
    "repeat",
    "new",
    "old",
    "min",
    "max",
    "size",
    "method",
    "algorithm",
    "alg",
];

/// The secret-like name an operand is built from: an identifier, attribute, string key
/// (`headers["X-Signature"]`, `headers.get("X-Api-Key")`).
fn secret_name(node: Node<'_>, src: &str) -> Option<String> {
    if ast::text(node, src).len() > 120 {
        return None;
    }
    let mut names: Vec<String> = Vec::new();
    ast::walk(node, |n| match n.kind() {
        "identifier" | "property_identifier" | "field_identifier" => {
            names.push(ast::text(n, src).to_string());
        }
        _ if ast::is_string_literal(n) => {
            if let Some(v) = ast::string_value(n, src).filter(|v| v.len() <= 32 && !v.contains(' '))
            {
                names.push(v);
            }
        }
        _ => {}
    });
    // The last name is what the operand is (`user.reset_token`), earlier ones its owner.
    let last = names.last()?.clone();
    let candidates: Vec<&String> = if matches!(
        last.as_str(),
        "get" | "hexdigest" | "digest" | "decode" | "encode" | "strip" | "lower"
    ) {
        names.iter().collect()
    } else {
        vec![names.last()?]
    };
    candidates
        .into_iter()
        .rev()
        .find(|n| is_secret(n))
        .cloned()
        .or_else(|| (names.iter().any(|n| n == "hexdigest" || n == "digest")).then(|| last.clone()))
}

fn is_secret(name: &str) -> bool {
    let ws = ast::words(name);
    if ws.iter().any(|w| NOT_SECRET.contains(&w.as_str())) {
        return false;
    }
    ws.iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
        || ws.windows(2).any(|p| p[0] == "api" && p[1] == "key")
        || ws.windows(2).any(|p| p[0] == "secret" && p[1] == "key")
}

/// Whether the other operand is a value a secret could equal: not `None`/`null`, a number,
/// a boolean, an empty or short literal, a length or a type check.
fn comparable(node: Node<'_>, src: &str) -> bool {
    let t = ast::text(node, src).trim();
    if matches!(
        t,
        "None"
            | "null"
            | "undefined"
            | "nil"
            | "True"
            | "False"
            | "true"
            | "false"
            | "''"
            | "\"\""
            | "``"
    ) {
        return false;
    }
    if t.chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c == '.')
    {
        return false;
    }
    if t.ends_with(".length")
        || t.starts_with("len(")
        || t.starts_with("typeof")
        || t.ends_with("Length")
        || t.ends_with(".Count")
    {
        return false;
    }
    // A literal is either a format check (`"Bearer"`) or a hard-coded secret, which
    // `hardcoded-secret` reports on this line.
    if ast::string_value(node, src).is_some() {
        return false;
    }
    !matches!(
        node.kind(),
        "integer" | "float" | "number" | "true" | "false" | "none" | "null"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_cases;

    #[test]
    fn python() {
        assert_cases(
            &TimingUnsafeComparison,
            Language::Python,
            &[
                "def verify(req):\n    expected = hmac.new(SECRET, req.data, hashlib.sha256).hexdigest()\n    if req.headers.get(\"X-Signature\") == expected:\n        return True\n",
                "def check_key():\n    if request.headers.get(\"X-API-Key\") != API_KEY:\n        abort(401)\n",
                "def reset(user, token):\n    if user.reset_token == token:\n        user.set_password(new)\n",
                "def verify_otp(user, code):\n    return user.otp_code == code\n",
            ],
            &[
                "def verify(req, expected):\n    if hmac.compare_digest(req.headers.get(\"X-Signature\", \"\"), expected):\n        return True\n",
                "def f(token):\n    if token == None or token == \"\":\n        abort(401)\n",
                "def f(data):\n    if data[\"token_type\"] == \"bearer\":\n        pass\n",
                "def f(password, confirm_password):\n    if len(password) == 0:\n        pass\n",
            ],
        );
    }

    #[test]
    fn javascript() {
        assert_cases(
            &TimingUnsafeComparison,
            Language::JavaScript,
            &[
                "function auth(req, res, next) {\n  if (req.headers['x-api-key'] !== process.env.API_KEY) return res.status(401).end();\n  next();\n}\n",
                "const digest = crypto.createHmac('sha256', secret).update(body).digest('hex');\nif (signature === digest) { ok(); }\n",
                "if (user.resetToken === req.body.token) { reset(); }\n",
            ],
            &[
                "if (crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(digest))) { ok(); }\n",
                "if (!token || token === undefined || typeof token !== 'string') { fail(); }\n",
                "if (token.length !== 64) { fail(); }\n",
                "if (tokenType === 'Bearer') { ok(); }\n",
            ],
        );
    }

    #[test]
    fn java_go_csharp() {
        assert_cases(
            &TimingUnsafeComparison,
            Language::Java,
            &[
                "class A { boolean f(String token) { return storedToken.equals(token); } }",
                "class A { boolean f(byte[] sig) { return Arrays.equals(sig, expectedSignature); } }",
                "class A { boolean f(String apiKey) { return apiKey.equals(this.apiKey); } }",
            ],
            &[
                "class A { boolean f(byte[] sig) { return MessageDigest.isEqual(sig, expectedSignature); } }",
                "class A { boolean f(String name) { return name.equals(other); } }",
                "class A { boolean f(String tokenType) { return tokenType.equals(\"Bearer\"); } }",
            ],
        );
        assert_cases(
            &TimingUnsafeComparison,
            Language::Go,
            &[
                "package main\nfunc f(token string) bool { return token == expectedToken }\n",
                "package main\nimport \"bytes\"\nfunc f(mac, expectedMAC []byte) bool { return bytes.Equal(mac, expectedMAC) }\n",
                "package main\nfunc f(r *http.Request) bool { return r.Header.Get(\"X-Api-Key\") == apiKey }\n",
            ],
            &[
                "package main\nimport \"crypto/hmac\"\nfunc f(mac, expectedMAC []byte) bool { return hmac.Equal(mac, expectedMAC) }\n",
                "package main\nfunc f(token string) bool { return token == \"\" }\n",
                "package main\nfunc f(token string) bool { return len(token) == 0 }\n",
            ],
        );
        assert_cases(
            &TimingUnsafeComparison,
            Language::CSharp,
            &[
                "class A { bool F(string token) { return token == _storedToken; } }",
                "class A { bool F(byte[] sig) { return sig.SequenceEqual(expectedSignature); } }",
                "class A { bool F(string apiKey) { return apiKey.Equals(_apiKey); } }",
            ],
            &[
                "class A { bool F(byte[] sig) { return CryptographicOperations.FixedTimeEquals(sig, expectedSignature); } }",
                "class A { bool F(string token) { return token == null; } }",
                "class A { bool F(string name) { return name == other; } }",
            ],
        );
    }
}
