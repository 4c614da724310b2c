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
        // Test suites compare fake secrets in assertions; nothing there faces an attacker.
        if rampart_syntax::is_test_code(&ctx.file.rel_path, src) {
            return;
        }
        // `token` alone is ambiguous: parsers, lexers and ORMs are full of tokens that are not
        // credentials. It counts in files that deal with authentication.
        let tokens_are_credentials = !LEXER_MARKERS.iter().any(|m| src.contains(m))
            && AUTH_MARKERS.iter().any(|m| lower.contains(m));
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
            // Both sides must be values a secret could be: not a literal, a length, `None`.
            if !comparable(a, src) || !comparable(b, src) || in_equality_method(node, src) {
                continue;
            }
            let secret = match (secret_name(a, src), secret_name(b, src)) {
                (Some(s), _) if !is_confirmation(b, src) => s,
                (_, Some(s)) if !is_confirmation(a, src) => s,
                _ => continue,
            };
            if only_token(&secret)
                && !tokens_are_credentials
                && !names_a_credential(a, src)
                && !names_a_credential(b, src)
            {
                continue;
            }
            // The secret's name is only the constant's: `attributeName.equals(SIGNATURE)`.
            let constant_only = |c: Node<'_>, other: Node<'_>| {
                is_named_constant(c, src)
                    && secret_name(other, src).is_none()
                    && !names_a_credential(other, src)
            };
            if constant_only(a, b) || constant_only(b, a) {
                continue;
            }
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
/// Text that marks a tokenizer or parser, where `token` means a lexical token.
const LEXER_MARKERS: &[&str] = &[
    "lexer",
    "Lexer",
    "tokenize",
    "Tokenizer",
    "TokenType",
    "token.type",
    "token_type ==",
    "getTokenBefore",
    "getTokenAfter",
    "getFirstToken",
    "getLastToken",
    "sourceCode",
    "TOKEN_",
];

/// Lowercase text that marks code dealing with authentication.
const AUTH_MARKERS: &[&str] = &[
    "authent", "authoriz", "request.", "req.", "hmac", "webhook", "headers", "login", "jwt",
    "bearer", "csrf", "verify", "reset", "password", "apikey", "api_key", "oauth",
];

/// Whether the only secret word of `name` is `token` (ambiguous: lexers and ORMs have them).
fn only_token(name: &str) -> bool {
    let ambiguous = |w: &str| matches!(w, "token" | "tokens" | "signature" | "signatures" | "sig");
    let ws = ast::words(name);
    ws.iter().any(|w| ambiguous(w))
        && !ws
            .iter()
            .any(|w| SECRET_WORDS.contains(&w.as_str()) && !ambiguous(w))
        && !ws.iter().any(|w| {
            matches!(
                w.as_str(),
                "auth"
                    | "access"
                    | "refresh"
                    | "reset"
                    | "api"
                    | "bearer"
                    | "session"
                    | "jwt"
                    | "webhook"
                    | "expected"
                    | "computed"
            )
        })
}

/// A named constant (`SIGNATURE`, `Constants.SIGNATURE`, `MH_SIG`): comparing with one checks
/// for a known value, like comparing with a literal, unless the other side is a credential.
fn is_named_constant(node: Node<'_>, src: &str) -> bool {
    let t = ast::text(node, src);
    let last = t.rsplit('.').next().unwrap_or(t);
    last.len() > 1
        && last.chars().any(|c| c.is_ascii_uppercase())
        && last
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// An operand named as the credential a guess is checked against (`expectedToken`,
/// `stored_token`) or as what a client sent (`providedToken`).
fn names_a_credential(node: Node<'_>, src: &str) -> bool {
    ast::words(ast::text(node, src)).iter().any(|w| {
        matches!(
            w.as_str(),
            "expected"
                | "stored"
                | "valid"
                | "saved"
                | "correct"
                | "provided"
                | "supplied"
                | "received"
                | "incoming"
                | "secret"
                | "hashed"
        )
    })
}

/// Inside `__eq__`/`equals`/`Equals`: two objects compared field by field, not a credential
/// checked against a guess.
fn in_equality_method(node: Node<'_>, src: &str) -> bool {
    ast::enclosing_function_name(node, src).is_some_and(|n| {
        matches!(
            n.as_str(),
            "__eq__" | "__ne__" | "__hash__" | "equals" | "Equals" | "hashCode" | "GetHashCode"
        )
    })
}

/// A second entry of the same password (`password != password2`, `confirm_password`): a
/// form check, not an authentication.
fn is_confirmation(node: Node<'_>, src: &str) -> bool {
    let t = ast::text(node, src);
    let ws = ast::words(t);
    t.ends_with('2')
        || ws.iter().any(|w| {
            matches!(
                w.as_str(),
                "confirm"
                    | "confirmation"
                    | "confirmed"
                    | "repeat"
                    | "repeated"
                    | "again"
                    | "retype"
            )
        })
}

const NOT_SECRET: &[&str] = &[
    "type",
    "types",
    "start",
    "end",
    "begin",
    "first",
    "last",
    "next",
    "prev",
    "previous",
    "before",
    "after",
    "preceding",
    "following",
    "final",
    "opening",
    "closing",
    "left",
    "right",
    "is",
    "has",
    "strategy",
    "provider",
    "oid",
    "reason",
    "message",
    "error",
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
    // A call's arguments are not what the call returns (`isSpaceBetweenTokens(prev, token)`
    // is a boolean), except for the key of a lookup (`headers.get("X-Signature")`) and the
    // data of a digest.
    if let Some(callee) = call_callee(node) {
        let method = ast::callee_name(node, src).unwrap_or("");
        if !matches!(
            method,
            "get" | "Get" | "getHeader" | "header" | "hexdigest" | "digest" | "decode" | "encode"
        ) {
            return secret_name(callee, src);
        }
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

/// The callee of a call expression.
fn call_callee(node: Node<'_>) -> Option<Node<'_>> {
    match node.kind() {
        "call" | "call_expression" | "invocation_expression" => {
            node.child_by_field_name("function")
        }
        "method_invocation" => node.child_by_field_name("name"),
        _ => None,
    }
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
            | "void 0"
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
    let upper = t.to_ascii_uppercase();
    if t.ends_with(".length")
        || t.starts_with("len(")
        || t.starts_with("typeof")
        || t.ends_with("Length")
        || t.ends_with(".Count")
        || t.ends_with(".size()")
        || t.ends_with(".length()")
        || upper.ends_with("_LENGTH")
        || upper.ends_with("_LEN")
        || upper.ends_with("_SIZE")
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
                "API_TOKEN = os.environ[\"API_TOKEN\"]\n\ndef check(request):\n    token = request.headers.get(\"Authorization\", \"\")\n    if token != API_TOKEN:\n        abort(401)\n",
                "def login(user, current_password):\n    if user.password != current_password:\n        abort(403)\n",
            ],
            &[
                "def verify(req, expected):\n    if hmac.compare_digest(req.headers.get(\"X-Signature\", \"\"), expected):\n        return True\n",
                "def f(token):\n    if token == None or token == \"\":\n        abort(401)\n",
                "def f(data):\n    if data[\"token_type\"] == \"bearer\":\n        pass\n",
                "def f(password, confirm_password):\n    if len(password) == 0:\n        pass\n",
                // A setting name, a length, a field-by-field `__eq__`, a confirmation field.
                "def f(name):\n    if name == \"SECRET_KEY\":\n        pass\n",
                "def f(request_csrf_token):\n    if len(request_csrf_token) == CSRF_TOKEN_LENGTH:\n        pass\n",
                "class Auth:\n    def __eq__(self, other):\n        return self.password == other.password\n",
                "def register(form):\n    if form.password != form.password2:\n        raise ValueError()\n",
                // Lexical tokens of a tokenizer.
                "def tokenize(source):\n    for token in lexer(source):\n        if token == TOKEN_DATA:\n            yield token\n",
                "def parse(token_start):\n    if token_start == BLOCK_TAG_START:\n        pass\n",
                // An ORM's identity token, in a file that never deals with authentication.
                "def merge(state, identity_token):\n    if state.identity_token == identity_token:\n        return state\n",
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
                "if (firstToken === closeBrace) { report(); }\n",
                "if (options.before !== sourceCode.isSpaceBetweenTokens(previousToken, token)) { report(); }\n",
                "if (void 0 !== r.hashDigest) { ok(); }\n",
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
                // A class-file attribute named SIGNATURE and a method type signature.
                "class R { boolean f(String attributeName) { return Constants.SIGNATURE.equals(attributeName); } }",
                "class L { boolean f(String sig) { return sig.equals(basicTypeSignature()); } }",
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
