use super::{finding, shown};
use crate::ast::{self, Call, Climb};
use crate::{FileContext, StructuralRule};
use rampart_core::{Confidence, Finding};
use tree_sitter::Node;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds reset tokens, API keys, session ids, verification codes and other secrets derived
    /// from predictable values rather than random ones: the current time (`time.time()`,
    /// `datetime.now()`, `Date.now()`, `System.currentTimeMillis()`, `DateTime.Now.Ticks`,
    /// `time.Now().UnixNano()`), time-based UUIDs (`uuid.uuid1()`, `uuid.v1()`), name-based UUIDs
    /// (`UUID.nameUUIDFromBytes`), and hashes of user data (`sha256(email + str(user.id))`).
    /// Values that also mix in a cryptographically secure generator (`secrets`, `os.urandom`,
    /// `crypto.randomBytes`, `SecureRandom`, `uuid4`) are not reported.
    ///
    /// Secrets drawn from non-cryptographic random generators (`random`, `Math.random`) are
    /// reported by `weak-random`, MD5 and SHA-1 by `weak-hash`: statements that use them are
    /// left to those rules.
    ///
    /// ## Why is this bad
    /// An attacker who knows roughly when a password reset was requested, or the victim's
    /// email address, can compute the token: timestamps have a few thousand plausible values
    /// per second, and hashing public data adds no secret.
    ///
    /// ## Example
    /// ```python
    /// def create_reset_token(user):
    ///     return hashlib.sha256(f"{user.email}{time.time()}".encode()).hexdigest()
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// def create_reset_token(user):
    ///     return secrets.token_urlsafe(32)
    /// ```
    ///
    /// ## References
    /// - [CWE-330: Use of Insufficiently Random Values](https://cwe.mitre.org/data/definitions/330.html)
    /// - [CWE-338: Use of Cryptographically Weak PRNG](https://cwe.mitre.org/data/definitions/338.html)
    /// - [OWASP Forgot Password Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Forgot_Password_Cheat_Sheet.html)
    pub static PREDICTABLE_TOKEN = {
        id: "predictable-token",
        name: "PredictableToken",
        cwe: 330,
        other_cwes: [338],
        severity: High,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Security token derived from the time, a time-based UUID or user data",
        help: "generate tokens with a cryptographically secure generator (secrets.token_urlsafe, crypto.randomBytes, SecureRandom)",
    }
}

pub struct PredictableToken;

/// Calls whose value an attacker can guess.
fn predictable(call: &Call<'_>) -> Option<&'static str> {
    let path = call.path.as_deref().unwrap_or(&call.name);
    let name = call.name.as_str();
    match name {
        "uuid1" | "v1" if path.contains("uuid") || name == "uuid1" => Some("a time-based UUID"),
        "nameUUIDFromBytes" => Some("a name-based UUID"),
        "time" | "time_ns" if path.starts_with("time") => Some("the current time"),
        "now" | "utcnow" | "today"
            if path.contains("datetime") || path == "Date.now" || path.starts_with("time.Now") =>
        {
            Some("the current time")
        }
        "currentTimeMillis" | "nanoTime" => Some("the current time"),
        "Now" if path.starts_with("time") => Some("the current time"),
        "getTime" | "valueOf" if call.receiver.is_some_and(|r| r.kind() == "new_expression") => {
            Some("the current time")
        }
        _ => None,
    }
}

const SECURE: &[&str] = &[
    "secrets",
    "urandom",
    "randomBytes",
    "randomUUID",
    "getRandomValues",
    "SecureRandom",
    "crypto/rand",
    "rand.Read",
    "uuid4",
    "token_hex",
    "token_urlsafe",
    "token_bytes",
    "v4",
    "RandomNumberGenerator",
    "GetBytes",
    "NewGuid",
    "randomInt",
    "SystemRandom",
    "nanoid",
];

fn is_token_name(name: &str) -> bool {
    let ws = ast::words(name);
    let has = |w: &str| ws.iter().any(|x| x == w);
    let about = [
        "expires",
        "expiry",
        "expiration",
        "exp",
        "created",
        "at",
        "date",
        "time",
        "timestamp",
        "ttl",
        "type",
        "name",
        "count",
        "length",
    ];
    if ws.iter().any(|w| about.contains(&w.as_str())) {
        return false;
    }
    has("token")
        || has("apikey")
        || (has("api") && has("key"))
        || (has("session") && (has("id") || has("key")))
        || has("sid")
        || has("nonce")
        || has("otp")
        || (has("reset") && (has("code") || has("key") || has("link")))
        || (has("verification") && has("code"))
        || (has("invite") && has("code"))
        || has("secret")
}

impl StructuralRule for PredictableToken {
    fn meta(&self) -> &'static rampart_core::RuleMeta {
        &PREDICTABLE_TOKEN
    }

    fn check(&self, ctx: &FileContext<'_>, out: &mut Vec<Finding>) {
        let src = ctx.file.text.as_str();
        let mut seen: Vec<usize> = Vec::new();
        for call in ctx.calls_named(|n| {
            matches!(
                n,
                "uuid1"
                    | "v1"
                    | "nameUUIDFromBytes"
                    | "time"
                    | "time_ns"
                    | "now"
                    | "utcnow"
                    | "today"
                    | "currentTimeMillis"
                    | "nanoTime"
                    | "Now"
                    | "getTime"
                    | "valueOf"
                    | "Ticks"
            )
        }) {
            let Some(what) = predictable(call) else {
                continue;
            };
            let Some(dest) = ast::destination(call.node, src, Climb::Derived) else {
                continue;
            };
            let name = dest.name().to_string();
            let name = name.rsplit('.').next().unwrap_or(&name).to_string();
            if !is_token_name(&name) {
                continue;
            }
            let statement = statement_of(call.node);
            let text = ast::text(statement, src);
            let lower = text.to_ascii_lowercase();
            if SECURE.iter().any(|s| text.contains(s))
                || lower.contains("random")
                || text.contains("rand.")
                || lower.contains("md5")
                || lower.contains("sha1")
            {
                continue;
            }
            if seen.contains(&statement.start_byte()) {
                continue;
            }
            seen.push(statement.start_byte());
            out.push(
                finding(
                    &PREDICTABLE_TOKEN,
                    ctx,
                    call.node,
                    format!(
                        "`{name}` is derived from {what} (`{}`), which an attacker can guess",
                        shown(call.node, src)
                    ),
                )
                .confidence(Confidence::High)
                .build(),
            );
        }
    }
}

/// The statement (or return) a call is part of.
fn statement_of(node: Node<'_>) -> Node<'_> {
    let mut cur = node;
    while let Some(p) = cur.parent() {
        if p.kind().ends_with("statement")
            || p.kind() == "lexical_declaration"
            || p.kind() == "local_declaration_statement"
            || ast::is_function(p)
        {
            return if ast::is_function(p) { cur } else { p };
        }
        cur = p;
    }
    cur
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_cases;
    use rampart_core::Language;

    #[test]
    fn python() {
        assert_cases(
            &PredictableToken,
            Language::Python,
            &[
                "import hashlib, time\n\ndef create_reset_token(user):\n    return hashlib.sha256(f\"{user.email}{time.time()}\".encode()).hexdigest()\n",
                "import uuid\n\ndef new_session(user):\n    session_id = str(uuid.uuid1())\n    return session_id\n",
                "import time\n\ndef issue(user):\n    user.reset_token = str(user.id) + str(int(time.time()))\n",
            ],
            &[
                "import secrets\n\ndef create_reset_token(user):\n    return secrets.token_urlsafe(32)\n",
                "import time\n\ndef issue(user):\n    user.token_created_at = time.time()\n",
                "import uuid\n\ndef new_session():\n    session_id = str(uuid.uuid4())\n    return session_id\n",
                "import time, secrets\n\ndef f():\n    token = f\"{int(time.time())}.{secrets.token_hex(16)}\"\n    return token\n",
            ],
        );
    }

    #[test]
    fn javascript_java_go() {
        assert_cases(
            &PredictableToken,
            Language::JavaScript,
            &[
                "function createResetToken(user) {\n  const token = user.id + '-' + Date.now();\n  return token;\n}\n",
                "const apiKey = 'key_' + new Date().getTime().toString(36);\n",
                "const { v1 } = require('uuid');\nconst sessionId = uuid.v1();\n",
            ],
            &[
                "const token = crypto.randomBytes(32).toString('hex');\n",
                "const tokenExpires = Date.now() + 3600000;\n",
                "const createdAt = Date.now();\n",
            ],
        );
        assert_cases(
            &PredictableToken,
            Language::Java,
            &[
                "class A { String f(User u) { String resetToken = u.getEmail() + System.currentTimeMillis(); return resetToken; } }",
                "class A { String f(User u) { String apiKey = UUID.nameUUIDFromBytes(u.getEmail().getBytes()).toString(); return apiKey; } }",
                "class A { void f(User u) { u.setToken(String.valueOf(System.nanoTime())); String token = Long.toHexString(System.nanoTime()); } }",
            ],
            &[
                "class A { String f() { byte[] b = new byte[32]; new SecureRandom().nextBytes(b); String token = Base64.getEncoder().encodeToString(b); return token; } }",
                "class A { void f() { long tokenExpiry = System.currentTimeMillis() + 3600000; } }",
                "class A { void f() { long start = System.nanoTime(); } }",
            ],
        );
        assert_cases(
            &PredictableToken,
            Language::Go,
            &[
                "package main\nimport (\"fmt\"; \"time\")\nfunc f() string { token := fmt.Sprintf(\"%d\", time.Now().UnixNano()); return token }\n",
                "package main\nimport (\"strconv\"; \"time\")\nfunc f(id int) { sessionID := strconv.Itoa(id) + strconv.FormatInt(time.Now().Unix(), 10); _ = sessionID }\n",
                "package main\nimport \"time\"\nfunc f() { apiKey := time.Now().String(); _ = apiKey }\n",
            ],
            &[
                "package main\nimport \"crypto/rand\"\nfunc f() { b := make([]byte, 32); rand.Read(b); token := b; _ = token }\n",
                "package main\nimport \"time\"\nfunc f() { tokenExpiry := time.Now().Add(time.Hour); _ = tokenExpiry }\n",
                "package main\nimport \"time\"\nfunc f() { start := time.Now(); _ = start }\n",
            ],
        );
    }
}
