use super::{display, is_password_name};
use crate::ast::{self, Call, Climb, Destination, Imports};
use crate::{FileContext, StructuralRule};
use rampart_core::{Confidence, Finding, Language, RuleMeta, Severity};
use rustc_hash::FxHashSet;
use tree_sitter::Node;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds values from a predictable random number generator that end up in a token,
    /// password, key, nonce, salt, IV, one-time code or session identifier: Python `random`
    /// (and `numpy.random`), JavaScript `Math.random()`, Java `java.util.Random`,
    /// `ThreadLocalRandom`, `Math.random()` and Commons `RandomStringUtils`, .NET `System.Random`,
    /// Go `math/rand`.
    ///
    /// Whether a value is security-relevant is read from where it goes: the variable, field,
    /// key or argument name it is stored under, the function that returns it, or the buffer
    /// it fills, or the route of the handler it is in. Shuffling, jitter, sampling, colours,
    /// games and test data are not reported, nor are test files (`test_*.py`, `*_test.go`,
    /// `*.spec.ts`, `*Test.java`). Secrets derived from the time or from user data, and
    /// generator values that reach a secret through helper functions, are reported by
    /// `predictable-token`.
    ///
    /// ## Why is this bad
    /// These generators are designed for simulations, not secrets: their state can be
    /// recovered from a few outputs (Mersenne Twister from 624 values, V8's `Math.random` from
    /// a handful, `java.util.Random` from two), or they are seeded with the time. An attacker
    /// who sees some tokens predicts the next password-reset link, session id or one-time code.
    ///
    /// ## Example
    /// ```python
    /// import random, string
    ///
    /// def make_reset_token():
    ///     return "".join(random.choices(string.ascii_letters + string.digits, k=32))
    /// ```
    ///
    /// ## Fix
    /// Use the platform's cryptographically secure generator: Python `secrets`
    /// (`secrets.token_urlsafe(32)`), Node `crypto.randomBytes`/`crypto.randomUUID`/
    /// `crypto.randomInt`, browsers `crypto.getRandomValues`, Java `SecureRandom`, .NET
    /// `RandomNumberGenerator`, Go `crypto/rand`:
    /// ```python
    /// import secrets
    ///
    /// def make_reset_token():
    ///     return secrets.token_urlsafe(32)
    /// ```
    ///
    /// ## References
    /// - [CWE-330: Use of Insufficiently Random Values](https://cwe.mitre.org/data/definitions/330.html)
    /// - [CWE-338: Use of Cryptographically Weak PRNG](https://cwe.mitre.org/data/definitions/338.html)
    /// - [Python `random` module: not for security purposes](https://docs.python.org/3/library/random.html)
    pub static WEAK_RANDOM = {
        id: "weak-random",
        name: "WeakRandom",
        cwe: 330,
        severity: Medium,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Predictable random numbers used for a token, password, key or other secret",
        help: "use a cryptographically secure generator (secrets, crypto.randomBytes, SecureRandom, RandomNumberGenerator, crypto/rand)",
    }
}

pub struct WeakRandom;

impl StructuralRule for WeakRandom {
    fn meta(&self) -> &'static RuleMeta {
        &WEAK_RANDOM
    }

    fn check(&self, ctx: &FileContext<'_>, out: &mut Vec<Finding>) {
        let language = ctx.file.language;
        if !WEAK_RANDOM.supports(language) || is_test_path(&ctx.file.rel_path) {
            return;
        }
        let src = ctx.file.text.as_str();
        let imports = ctx.imports();
        let generators = generator_variables(ctx, imports);
        let wanted = |name: &str| {
            let lower = name.to_ascii_lowercase();
            imports.get(name).is_some()
                || ["rand", "next", "int", "uint", "float"]
                    .iter()
                    .any(|p| lower.starts_with(p))
                || matches!(
                    lower.as_str(),
                    "choice"
                        | "choices"
                        | "sample"
                        | "getrandbits"
                        | "uniform"
                        | "bytes"
                        | "read"
                        | "perm"
                        | "n"
                        | "getitems"
                        | "ints"
                        | "longs"
                        | "doubles"
                )
        };
        for call in ctx.calls_named(wanted) {
            if !is_weak_random(call, src, language, imports, &generators) {
                continue;
            }
            let Some(use_) = security_use(call, src) else {
                continue;
            };
            let (severity, confidence) = if use_.direct {
                (Severity::High, Confidence::High)
            } else {
                (Severity::Medium, Confidence::Medium)
            };
            let message = format!(
                "`{}` is predictable but makes {}; use {}",
                display(call, src),
                use_.what,
                secure_alternative(language)
            );
            out.push(
                Finding::builder(
                    &WEAK_RANDOM,
                    ctx.file
                        .location(call.node.start_byte(), call.node.end_byte()),
                    message,
                )
                .severity(severity)
                .confidence(confidence)
                .scope(ast::enclosing_scope(call.node, src))
                .anchor(ast::text(call.node, src))
                .build(),
            );
        }
    }
}

fn secure_alternative(language: Language) -> &'static str {
    match language {
        Language::Python => "`secrets`",
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            "`crypto.randomBytes`, `crypto.randomInt` or `crypto.getRandomValues`"
        }
        Language::Java => "`SecureRandom`",
        Language::CSharp => "`RandomNumberGenerator`",
        _ => "`crypto/rand`",
    }
}

/// Test files by their conventional names: predictable values there protect nothing.
/// Directories are not consulted, so fixtures of a scanned project are still judged.
fn is_test_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    let stem = file.split('.').next().unwrap_or(file);
    file.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_tests")
        || file.contains(".test.")
        || file.contains(".spec.")
        || (path.ends_with(".java") && (stem.ends_with("test") || stem.ends_with("tests")))
        || (path.ends_with(".cs") && stem.ends_with("tests"))
        || file == "conftest.py"
}

/// Variables holding a predictable generator: Java/C# `Random` (not `SecureRandom`), Go
/// `rand.New(...)` from `math/rand`, Python `random.Random(...)`.
fn generator_variables(ctx: &FileContext<'_>, imports: &Imports) -> FxHashSet<String> {
    let (src, language) = (ctx.src(), ctx.language());
    let mut out = FxHashSet::default();
    let weak_type = |t: &str| {
        let t = t.trim();
        let last = t.rsplit('.').next().unwrap_or(t);
        last == "Random" && !t.contains("Secure")
    };
    let kinds = [
        "local_variable_declaration",
        "field_declaration",
        "variable_declaration",
        "formal_parameter",
        "parameter",
        "short_var_declaration",
        "assignment",
        "var_spec",
    ];
    for n in ctx.all_of_kind(&kinds) {
        match n.kind() {
            // Java `Random rnd = ...`, fields and parameters; C# `Random rng`, `var rng = new Random()`.
            "local_variable_declaration" | "field_declaration" | "variable_declaration" => {
                let ty = n
                    .child_by_field_name("type")
                    .map(|t| ast::text(t, src))
                    .unwrap_or("");
                for d in ctx.of_kind(n, &["variable_declarator"]) {
                    let Some(name) = d.child_by_field_name("name") else {
                        continue;
                    };
                    let value = ast::assignment_parts(d).map(|(_, v)| v);
                    let created = value
                        .and_then(|v| ast::call(v, src, language))
                        .is_some_and(|c| c.constructor && weak_type(&c.name));
                    // `Random rng = new SecureRandom();` holds a secure generator.
                    let secure = value.is_some_and(|v| ast::text(v, src).contains("Secure"));
                    if (weak_type(ty) && !secure) || created {
                        out.insert(ast::text(name, src).to_string());
                    }
                }
            }
            "formal_parameter" | "parameter" => {
                let ty = n
                    .child_by_field_name("type")
                    .map(|t| ast::text(t, src))
                    .unwrap_or("");
                if weak_type(ty) {
                    if let Some(name) = n.child_by_field_name("name") {
                        out.insert(ast::text(name, src).to_string());
                    }
                }
            }
            // Go `r := rand.New(rand.NewSource(...))`, Python `rng = random.Random(42)`.
            "short_var_declaration" | "assignment" | "var_spec" => {
                let Some((target, value)) = ast::assignment_parts(n) else {
                    continue;
                };
                let Some(c) = ast::call(value, src, language) else {
                    continue;
                };
                let path = c.resolved_path(imports).unwrap_or_default();
                if matches!(
                    path.as_str(),
                    "math/rand.New" | "math/rand/v2.New" | "random.Random"
                ) {
                    out.insert(ast::text(target, src).to_string());
                }
            }
            _ => {}
        }
    }
    out
}

fn is_weak_random(
    call: &Call<'_>,
    src: &str,
    language: Language,
    imports: &Imports,
    generators: &FxHashSet<String>,
) -> bool {
    let path = call.resolved_path(imports).unwrap_or_default();
    let receiver_is_generator = || {
        call.receiver.is_some_and(|r| {
            let t = ast::text(r, src).trim();
            let t = t
                .strip_prefix("this.")
                .or_else(|| t.strip_prefix("self."))
                .unwrap_or(t);
            generators.contains(t)
                || ast::call(r, src, language).is_some_and(|c| c.constructor && c.name == "Random")
        })
    };
    let name = call.name.as_str();
    match language {
        Language::Python => {
            let f = path
                .strip_prefix("random.")
                .or_else(|| path.strip_prefix("numpy.random."))
                .unwrap_or("");
            let weak = matches!(
                f,
                "random"
                    | "randint"
                    | "randrange"
                    | "choice"
                    | "choices"
                    | "sample"
                    | "getrandbits"
                    | "uniform"
                    | "randbytes"
                    | "rand"
                    | "bytes"
                    | "integers"
            ) || (receiver_is_generator() && is_python_draw(name));
            // `random = secrets.SystemRandom()` shadows the module. Checked last: it searches
            // the whole file.
            let head = call.path.as_deref().and_then(|p| p.split('.').next());
            weak && !head
                .is_some_and(|h| imports.get(h).is_none() && assigned_in_file(call.node, h, src))
        }
        Language::JavaScript | Language::TypeScript | Language::Tsx => path == "Math.random",
        Language::Java => {
            if path == "Math.random" {
                return true;
            }
            let draws = name.starts_with("next") || matches!(name, "ints" | "longs" | "doubles");
            // `ThreadLocalRandom.current().nextInt(...)`.
            let thread_local = || {
                call.receiver
                    .and_then(|r| ast::call(r, src, language))
                    .and_then(|r| r.path)
                    .is_some_and(|p| p.ends_with("ThreadLocalRandom.current"))
            };
            if draws && (receiver_is_generator() || thread_local()) {
                return true;
            }
            path.rsplit('.').nth(1) == Some("RandomStringUtils") && name.starts_with("random")
        }
        Language::CSharp => {
            let draws = matches!(
                name,
                "Next" | "NextBytes" | "NextDouble" | "NextInt64" | "NextSingle" | "GetItems"
            );
            draws
                && (receiver_is_generator()
                    || call
                        .receiver
                        .is_some_and(|r| ast::text(r, src).ends_with("Random.Shared")))
        }
        Language::Go => {
            let f = path
                .strip_prefix("math/rand.")
                .or_else(|| path.strip_prefix("math/rand/v2."))
                .unwrap_or("");
            let draws = |f: &str| {
                (f.starts_with("Int") || f.starts_with("Uint") || f.starts_with("Float"))
                    || matches!(f, "Read" | "Perm" | "N")
            };
            draws(f) || (receiver_is_generator() && draws(name))
        }
        _ => false,
    }
}

/// Whether `name` is assigned anywhere in the file that contains `node`.
fn assigned_in_file(node: Node<'_>, name: &str, src: &str) -> bool {
    let mut root = node;
    while let Some(p) = root.parent() {
        root = p;
    }
    !ast::assignments_before(root, name, usize::MAX, src).is_empty()
}

fn is_python_draw(name: &str) -> bool {
    matches!(
        name,
        "random"
            | "randint"
            | "randrange"
            | "choice"
            | "choices"
            | "sample"
            | "getrandbits"
            | "randbytes"
    )
}

/// How a random value is used for security.
struct SecurityUse {
    /// For the message: "`reset_token`", "the value returned by `generate_password`".
    what: String,
    /// Named directly by where it is stored (rather than by the enclosing function).
    direct: bool,
}

fn security_use(call: &Call<'_>, src: &str) -> Option<SecurityUse> {
    // Buffers filled in place: `rnd.nextBytes(salt)`, `rand.Read(key)`.
    for a in &call.args {
        let t = ast::text(a.value, src);
        if a.value.kind() == "identifier" && is_security_name(t) {
            return Some(SecurityUse {
                what: format!("`{t}`"),
                direct: true,
            });
        }
    }
    // Stored under a named key: `res.cookie('session_id', value)`,
    // `localStorage.setItem('authToken', value)`.
    if let Some(key) = key_argument(call.node, src) {
        return Some(SecurityUse {
            what: format!("the `{key}` value"),
            direct: true,
        });
    }
    let dest = ast::destination(call.node, src, Climb::Derived);
    let func = handler_name(call.node, src);
    let func_use = |func: &Option<String>| {
        func.as_deref()
            .filter(|f| is_security_name(f) && !is_non_security_name(f))
            .map(|f| SecurityUse {
                what: format!("the value returned by `{f}`"),
                direct: false,
            })
    };
    match dest {
        Some(Destination::Return(f)) => {
            if is_security_name(&f) && !is_non_security_name(&f) {
                return Some(SecurityUse {
                    what: format!("the value returned by `{f}`"),
                    direct: true,
                });
            }
            None
        }
        Some(d) => {
            let name = d.name().to_string();
            if is_security_name(&name) && !is_non_security_name(&name) {
                return Some(SecurityUse {
                    what: format!("`{name}`"),
                    direct: true,
                });
            }
            // A generic accumulator (`result`, `code`, `b`) that the function returns: the
            // function's name says what it is.
            let generic = is_generic_name(&name);
            if generic && returned_from_function(call.node, &name, src) {
                return func_use(&func);
            }
            // `code = random.randint(100000, 999999)` in `send_verification_email`: a code
            // made inside a function about verification is a one-time code.
            if matches!(
                name.to_ascii_lowercase().as_str(),
                "code" | "pin" | "digits"
            ) {
                return func
                    .as_deref()
                    .filter(|f| is_verification_context(f))
                    .map(|f| SecurityUse {
                        what: format!("`{name}` in `{f}`"),
                        direct: false,
                    });
            }
            None
        }
        None => {
            // Values built in a loop into an element or passed along: judge by the function,
            // but only when the function returns something.
            let f = ast::enclosing_function(call.node)?;
            let returns = !ast::descendants_of_kind(f, &["return_statement"]).is_empty()
                || matches!(f.kind(), "arrow_function" | "lambda_expression" | "lambda");
            if returns {
                func_use(&func)
            } else {
                None
            }
        }
    }
}

/// What the code around `node` is about: the nearest named function, or for an anonymous
/// handler the route it is registered under (`app.post('/send-otp', (req, res) => ...)`,
/// `http.HandleFunc("/reset-password", func(w, r) {...})`).
fn handler_name(node: Node<'_>, src: &str) -> Option<String> {
    let f = ast::enclosing_function(node)?;
    let registered = f
        .parent()
        .filter(|p| matches!(p.kind(), "arguments" | "argument_list"))
        .and_then(|args| {
            ast::named_children(args)
                .into_iter()
                .find_map(|a| ast::string_value(a, src))
        })
        .filter(|route| route.starts_with('/'));
    registered.or_else(|| ast::enclosing_function_name(node, src))
}

/// A string literal naming a secret among the other arguments of the call that `node` is an
/// argument of (looking through a few wrapping expressions).
fn key_argument(node: Node<'_>, src: &str) -> Option<String> {
    let mut child = node;
    for _ in 0..6 {
        let parent = child.parent()?;
        if matches!(parent.kind(), "arguments" | "argument_list") {
            let key = ast::named_children(parent)
                .into_iter()
                .filter(|a| *a != child)
                .filter_map(|a| ast::string_value(a, src))
                .find(|k| k.len() <= 40 && is_security_name(k) && !is_non_security_name(k));
            if key.is_some() {
                return key;
            }
        }
        if matches!(
            parent.kind(),
            "expression_statement" | "block" | "statement_block" | "return_statement"
        ) || ast::is_function(parent)
        {
            return None;
        }
        child = parent;
    }
    None
}

/// Names of secrets: tokens, passwords, keys, nonces, salts, IVs, one-time codes, sessions.
fn is_security_name(name: &str) -> bool {
    if is_password_name(name) {
        return true;
    }
    let words = ast::words(name);
    let has = |w: &str| words.iter().any(|x| x == w);
    let joined = words.concat();
    let strong = words.iter().any(|w| {
        matches!(
            w.as_str(),
            "token"
                | "tokens"
                | "secret"
                | "secrets"
                | "nonce"
                | "salt"
                | "otp"
                | "totp"
                | "hotp"
                | "csrf"
                | "xsrf"
                | "apikey"
                | "passphrase"
                | "iv"
                | "sid"
                | "credential"
                | "credentials"
                | "mfa"
                | "2fa"
                | "sessionid"
                | "signature"
                | "jti"
                | "pin"
                | "passcode"
        )
    });
    // `generate_key()`, `newKey`: a freshly made key, unless it is a lookup key.
    let made_key = has("key")
        && words.iter().any(|w| {
            matches!(
                w.as_str(),
                "generate" | "gen" | "create" | "make" | "new" | "random" | "rand"
            )
        })
        && !words.iter().any(|w| {
            matches!(
                w.as_str(),
                "cache"
                    | "sort"
                    | "dict"
                    | "map"
                    | "lookup"
                    | "index"
                    | "row"
                    | "list"
                    | "item"
                    | "react"
                    | "partition"
                    | "shard"
                    | "idempotency"
                    | "storage"
                    | "redis"
                    | "object"
                    | "bucket"
                    | "file"
                    | "s3"
                    | "table"
                    | "column"
                    | "field"
            )
        });
    let key = has("key")
        && words.iter().any(|w| {
            matches!(
                w.as_str(),
                "api"
                    | "secret"
                    | "session"
                    | "encryption"
                    | "private"
                    | "signing"
                    | "access"
                    | "auth"
                    | "crypto"
                    | "aes"
                    | "hmac"
                    | "license"
                    | "activation"
                    | "master"
                    | "symmetric"
                    | "jwt"
                    | "client"
            )
        });
    let session = has("session")
        && words
            .iter()
            .any(|w| matches!(w.as_str(), "id" | "key" | "token" | "cookie" | "secret"));
    // One-time codes and links: `verification_code`, `reset_link`, `magic_url`; ids only
    // for strongly secret purposes (`reset_id`, not `login_id`).
    let strong_purpose = words.iter().any(|w| {
        matches!(
            w.as_str(),
            "verification"
                | "verify"
                | "reset"
                | "confirm"
                | "confirmation"
                | "activation"
                | "activate"
                | "invite"
                | "invitation"
                | "recovery"
                | "magic"
                | "unlock"
                | "otp"
                | "backup"
                | "onetime"
        )
    });
    let weak_purpose = words.iter().any(|w| {
        matches!(
            w.as_str(),
            "auth" | "sms" | "email" | "login" | "security" | "access" | "authorization"
        )
    });
    let carrier = has("code") || has("link") || has("url");
    let code = (carrier && (strong_purpose || weak_purpose)) || (has("id") && strong_purpose);
    strong
        || key
        || made_key
        || session
        || code
        || joined.contains("onetimepass")
        || joined == "sessid"
}

/// Functions about one-time codes: `send_verification_email`, `resetPassword`, `start2fa`.
fn is_verification_context(name: &str) -> bool {
    is_security_name(name)
        || ast::words(name).iter().any(|w| {
            matches!(
                w.as_str(),
                "verification"
                    | "verify"
                    | "otp"
                    | "reset"
                    | "activation"
                    | "activate"
                    | "confirm"
                    | "confirmation"
                    | "mfa"
                    | "2fa"
                    | "twofactor"
                    | "recovery"
                    | "magic"
                    | "invite"
                    | "invitation"
            )
        })
}

/// Names that say the value is not a secret even if they mention one (`token_count`,
/// `password_length`, `key_index`).
fn is_non_security_name(name: &str) -> bool {
    ast::words(name).iter().any(|w| {
        matches!(
            w.as_str(),
            "count"
                | "length"
                | "len"
                | "index"
                | "idx"
                | "delay"
                | "jitter"
                | "timeout"
                | "color"
                | "colour"
                | "position"
                | "offset"
                | "size"
                | "width"
                | "height"
                | "shuffle"
                | "sample"
                | "retry"
                | "backoff"
                | "sleep"
                | "mock"
                | "fake"
                | "dummy"
                | "test"
                | "example"
                | "demo"
        )
    })
}

/// Accumulator names that say nothing about their contents.
fn is_generic_name(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "result"
            | "res"
            | "ret"
            | "rv"
            | "out"
            | "output"
            | "s"
            | "str"
            | "string"
            | "b"
            | "buf"
            | "buffer"
            | "bytes"
            | "chars"
            | "value"
            | "val"
            | "v"
            | "r"
            | "n"
            | "num"
            | "number"
            | "digits"
            | "code"
            | "sb"
            | "builder"
            | "text"
            | "random"
            | "rand"
            | "rnd"
            | "id"
            | "key"
            | "parts"
            | "arr"
            | "array"
            | "list"
            | "runes"
            | "letters"
            | "data"
            | "x"
    )
}

/// Whether a `return` in the function around `node` returns something built from `name`.
fn returned_from_function(node: Node<'_>, name: &str, src: &str) -> bool {
    let Some(f) = ast::enclosing_function(node) else {
        return false;
    };
    ast::descendants_of_kind(f, &["return_statement"])
        .into_iter()
        .any(|r| {
            let mut found = false;
            ast::walk(r, |n| {
                if n.kind() == "identifier" && ast::text(n, src) == name {
                    found = true;
                }
            });
            found
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_cases, check};

    #[test]
    fn names() {
        for n in [
            "reset_token",
            "apiKey",
            "sessionId",
            "otp",
            "verificationCode",
            "salt",
            "new_password",
            "csrf_token",
        ] {
            assert!(is_security_name(n), "{n}");
        }
        assert!(is_security_name("reset_id"));
        assert!(!is_security_name("login_id"));
        for n in [
            "color",
            "delay",
            "cache_key",
            "index",
            "item_id",
            "code",
            "key",
            "question",
        ] {
            assert!(!is_security_name(n), "{n}");
        }
        assert!(is_security_name("generate_key"));
        assert!(!is_security_name("make_cache_key"));
        assert!(is_test_path("tests/test_auth.py"));
        assert!(is_test_path("src/test/java/TokenServiceTest.java"));
        assert!(is_test_path("auth/token_test.go"));
        assert!(!is_test_path("tests/fixtures/app/tokens.py"));
        assert!(is_test_path("src/auth.test.ts"));
        assert!(!is_test_path("src/auth/tokens.py"));
    }

    #[test]
    fn python() {
        assert_cases(
            &WeakRandom,
            Language::Python,
            &[
                "import random\nimport string\n\ndef generate_reset_token(length=32):\n    return ''.join(random.choices(string.ascii_letters + string.digits, k=length))\n",
                "import random\n\ndef send_otp(user):\n    otp = random.randint(100000, 999999)\n    sms.send(user.phone, f'Your code is {otp}')\n",
                "from random import choice\n\ndef make_password():\n    chars = 'abcdefghijklmnopqrstuvwxyz0123456789'\n    password = ''.join(choice(chars) for _ in range(12))\n    return password\n",
                "import random\n\ndef send_verification_email(user):\n    code = random.randint(100000, 999999)\n    cache.set(f'verify:{user.id}', code, 600)\n    mail.send(user.email, f'Your code: {code}')\n",
                "import random\n\nclass Session:\n    def __init__(self):\n        self.session_id = str(random.getrandbits(128))\n",
                "import random\n\ndef create_user(name):\n    return User(name=name, api_key=hex(random.getrandbits(128)))\n",
            ],
            &[
                "import secrets\n\ndef generate_reset_token():\n    return secrets.token_urlsafe(32)\n",
                "import random\n\ndef pick_questions(questions):\n    random.shuffle(questions)\n    return random.sample(questions, 10)\n",
                "import random\nimport time\n\ndef backoff(attempt):\n    delay = 2 ** attempt + random.uniform(0, 1)\n    time.sleep(delay)\n",
                "import random\n\ndef random_color():\n    return '#%06x' % random.randint(0, 0xFFFFFF)\n",
                "import random\n\ndef make_token():\n    rng = random.SystemRandom()\n    return ''.join(rng.choice('abc') for _ in range(32))\n",
                "import random\n\ndef make_puzzle():\n    code = random.randint(1000, 9999)\n    return Puzzle(code)\n",
                "import secrets\n\nrandom = secrets.SystemRandom()\n\ndef make_token():\n    return ''.join(random.choice('abc') for _ in range(32))\n",
                "import random\n\ndef roll_dice():\n    return random.randint(1, 6)\n",
            ],
        );
        let f = check(
            &WeakRandom,
            Language::Python,
            "import random\n\ndef send_otp(user):\n    otp = random.randint(100000, 999999)\n",
        );
        assert_eq!(
            f[0].message,
            "`random.randint(100000, 999999)` is predictable but makes `otp`; use `secrets`"
        );
    }

    #[test]
    fn javascript() {
        assert_cases(
            &WeakRandom,
            Language::JavaScript,
            &[
                "function generateToken(length) {\n  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';\n  let result = '';\n  for (let i = 0; i < length; i++) {\n    result += chars.charAt(Math.floor(Math.random() * chars.length));\n  }\n  return result;\n}\n",
                "app.post('/reset', async (req, res) => {\n  const resetToken = Math.random().toString(36).substring(2);\n  await db.saveToken(req.body.email, resetToken);\n});\n",
                "const sessionId = Math.random().toString(36).slice(2) + Date.now().toString(36);\n",
                "const password = Array.from({ length: 16 }, () => charset[Math.floor(Math.random() * charset.length)]).join('');\n",
                "app.get('/login', (req, res) => {\n  res.cookie('session_id', Math.random().toString(36).slice(2), { httpOnly: true });\n  res.redirect('/');\n});\n",
                "localStorage.setItem('authToken', String(Math.random()));\n",
                "router.post('/send-otp', async (req, res) => {\n  const code = Math.floor(100000 + Math.random() * 900000);\n  await sms.send(req.body.phone, `Your code is ${code}`);\n  res.sendStatus(204);\n});\n",
                "const user = { name, apiKey: Math.random().toString(36).substr(2) };\n",
            ],
            &[
                "const crypto = require('crypto');\nconst resetToken = crypto.randomBytes(32).toString('hex');\n",
                "function shuffle(array) {\n  for (let i = array.length - 1; i > 0; i--) {\n    const j = Math.floor(Math.random() * (i + 1));\n    [array[i], array[j]] = [array[j], array[i]];\n  }\n  return array;\n}\n",
                "const delay = Math.random() * 1000;\nsetTimeout(retry, delay);\n",
                "localStorage.setItem('theme', Math.random() > 0.5 ? 'dark' : 'light');\n",
                "router.get('/quiz', (req, res) => {\n  const code = Math.floor(Math.random() * questions.length);\n  res.json(questions[code]);\n});\n",
                "function randomColor() { return '#' + Math.floor(Math.random() * 16777215).toString(16); }\n",
                "const id = Math.random().toString(36).substr(2, 9);\ntodos.push({ id, text });\n",
            ],
        );
    }

    #[test]
    fn typescript() {
        for lang in [Language::TypeScript, Language::Tsx] {
            assert_cases(
                &WeakRandom,
                lang,
                &[
                    "export function generateOtp(): string {\n  return Math.floor(100000 + Math.random() * 900000).toString();\n}\n",
                    "export class AuthService {\n  createSessionToken(): string {\n    const token: string = Math.random().toString(36).substring(2, 15);\n    return token;\n  }\n}\n",
                    "const nonce: string = `${Date.now()}-${Math.random()}`;\n",
                ],
                &[
                    "export function generateOtp(): string {\n  return crypto.randomInt(100000, 999999).toString();\n}\n",
                    "export const jitter = (ms: number): number => ms + Math.random() * 100;\n",
                    "const token: string = crypto.randomUUID();\n",
                ],
            );
        }
    }

    #[test]
    fn java() {
        assert_cases(
            &WeakRandom,
            Language::Java,
            &[
                "import java.util.Random;\nclass Tokens {\n  private final Random random = new Random();\n  String resetToken() {\n    return Long.toHexString(random.nextLong());\n  }\n}\n",
                "class Otp { String generate() { int otp = new Random().nextInt(900000) + 100000; return String.valueOf(otp); } }\n",
                "class Salts { byte[] salt() { byte[] salt = new byte[16]; new java.util.Random().nextBytes(salt); return salt; } }\n",
                "class Pw { String tempPassword() { return RandomStringUtils.randomAlphanumeric(12); } }\n",
                "class Codes { String verificationCode() { return String.valueOf(ThreadLocalRandom.current().nextInt(100000, 999999)); } }\n",
            ],
            &[
                "import java.security.SecureRandom;\nclass Tokens {\n  private final SecureRandom random = new SecureRandom();\n  String resetToken() { return Long.toHexString(random.nextLong()); }\n}\n",
                "class Game { private final Random random = new Random(); int rollDice() { return random.nextInt(6) + 1; } }\n",
                "class Tokens { private final Random random = new SecureRandom(); String resetToken() { return Long.toHexString(random.nextLong()); } }\n",
                "class Retry { long backoff(int attempt) { long jitter = new Random().nextInt(100); return attempt * 1000L + jitter; } }\n",
            ],
        );
    }

    #[test]
    fn csharp() {
        assert_cases(
            &WeakRandom,
            Language::CSharp,
            &[
                "class Tokens {\n  private static readonly Random _random = new Random();\n  public string GenerateResetToken() {\n    var bytes = new byte[32];\n    _random.NextBytes(bytes);\n    return Convert.ToBase64String(bytes);\n  }\n}\n",
                "class Otp { private readonly Random _rng = new Random(); public string Otp() => _rng.Next(100000, 999999).ToString(); }\n",
                "class Otp { public string Code() { var otp = new Random().Next(100000, 999999); return otp.ToString(); } }\n",
                "class TokenService {\n  private static readonly Random _random = new Random();\n  public string GeneratePasswordResetToken() {\n    const string chars = \"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\";\n    return new string(Enumerable.Repeat(chars, 32).Select(s => s[_random.Next(s.Length)]).ToArray());\n  }\n}\n",
                "class Keys { string F() { string apiKey = Random.Shared.Next().ToString(\"x\"); return apiKey; } }\n",
            ],
            &[
                "using System.Security.Cryptography;\nclass Tokens { string GenerateResetToken() { return Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)); } }\n",
                "class Game { Random rng = new Random(); int Roll() { return rng.Next(1, 7); } }\n",
                "class Colors { string Pick() { var color = new Random().Next(0xFFFFFF); return color.ToString(\"X6\"); } }\n",
            ],
        );
    }

    #[test]
    fn go() {
        assert_cases(
            &WeakRandom,
            Language::Go,
            &[
                "package auth\n\nimport \"math/rand\"\n\nconst letters = \"abcdefghijklmnopqrstuvwxyz\"\n\nfunc GenerateToken(n int) string {\n\tb := make([]byte, n)\n\tfor i := range b {\n\t\tb[i] = letters[rand.Intn(len(letters))]\n\t}\n\treturn string(b)\n}\n",
                "package auth\n\nimport (\n\t\"fmt\"\n\t\"math/rand\"\n)\n\nfunc sendCode(u User) {\n\totp := fmt.Sprintf(\"%06d\", rand.Intn(1000000))\n\tsms.Send(u.Phone, otp)\n}\n",
                "package auth\n\nimport \"math/rand\"\n\nfunc Salt() []byte {\n\tsalt := make([]byte, 16)\n\trand.Read(salt)\n\treturn salt\n}\n",
            ],
            &[
                "package auth\n\nimport \"crypto/rand\"\n\nfunc Salt() []byte {\n\tsalt := make([]byte, 16)\n\trand.Read(salt)\n\treturn salt\n}\n",
                "package retry\n\nimport \"math/rand\"\n\nfunc Backoff(n int) time.Duration {\n\tjitter := time.Duration(rand.Intn(100)) * time.Millisecond\n\treturn time.Duration(n)*time.Second + jitter\n}\n",
                "package game\n\nimport \"math/rand\"\n\nfunc Roll() int { return rand.Intn(6) + 1 }\n",
            ],
        );
    }
}
