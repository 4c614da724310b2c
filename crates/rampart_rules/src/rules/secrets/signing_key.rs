//! Signing keys written into the code, however short or placeholder-like: the value that signs
//! JWTs, session cookies and HMACs (`jwt.sign(payload, 'secret')`, `app.secret_key = "dev"`,
//! `session({ secret: 'keyboard cat' })`, `os.environ.get("JWT_SECRET", "change-me")`). A weak
//! key is exactly what an attacker guesses first, so the entropy and placeholder checks that
//! keep `hardcoded-secret` quiet on sample values do not apply here.

use crate::ast::{self, Call};
use crate::FileContext;
use rampart_core::Language;
use rustc_hash::FxHashMap;
use std::cell::OnceCell;
use tree_sitter::Node;

/// A literal that is a signing key, with a message.
pub struct SigningKey<'t> {
    pub literal: Node<'t>,
    pub message: String,
    /// The key is a fallback for a missing environment variable.
    pub fallback: bool,
    /// An encryption key rather than a signing key (CWE-321).
    pub cipher: bool,
}

/// Calls whose argument is a signing key: resolved callee path, positional index, keyword.
const KEY_ARGS: &[(&str, usize, &str)] = &[
    // PyJWT, python-jose, authlib.
    ("jwt.encode", 1, "key"),
    ("jwt.decode", 1, "key"),
    ("jose.jwt.encode", 1, "key"),
    ("jose.jwt.decode", 1, "key"),
    // itsdangerous serializers sign cookies and reset links.
    ("itsdangerous.URLSafeTimedSerializer", 0, "secret_key"),
    ("itsdangerous.URLSafeSerializer", 0, "secret_key"),
    ("itsdangerous.TimedSerializer", 0, "secret_key"),
    ("itsdangerous.Serializer", 0, "secret_key"),
    ("hmac.new", 0, "key"),
    // jsonwebtoken, cookie-parser, Node crypto.
    ("jsonwebtoken.sign", 1, ""),
    ("jsonwebtoken.verify", 1, ""),
    ("cookie-parser", 0, ""),
    ("crypto.createHmac", 1, ""),
];

/// Calls whose argument is an encryption key.
const CIPHER_KEY_ARGS: &[(&str, usize, &str)] = &[
    ("crypto.createCipheriv", 1, ""),
    ("crypto.createDecipheriv", 1, ""),
    ("Crypto.Cipher.AES.new", 0, "key"),
    ("Cryptodome.Cipher.AES.new", 0, "key"),
    ("cryptography.fernet.Fernet", 0, "key"),
    (
        "cryptography.hazmat.primitives.ciphers.algorithms.AES",
        0,
        "key",
    ),
    ("crypto-js.AES.encrypt", 1, ""),
    ("crypto-js.AES.decrypt", 1, ""),
];

/// Object keys and settings whose value is a signing key.
const KEY_SETTINGS: &[&str] = &[
    "SECRET_KEY",
    "JWT_SECRET_KEY",
    "JWT_SECRET",
    "SESSION_SECRET",
    "secret_key",
    "jwtSecret",
    "sessionSecret",
];

/// Finds the signing keys of one file.
pub fn find<'t>(ctx: &FileContext<'t>) -> Vec<SigningKey<'t>> {
    let language = ctx.language();
    if !matches!(
        language,
        Language::Python | Language::JavaScript | Language::TypeScript | Language::Tsx
    ) {
        return Vec::new();
    }
    let lower = ctx.lowercase();
    if ![
        "jwt", "secret", "hmac", "session", "cookie", "cipher", "fernet", "aes",
    ]
    .iter()
    .any(|w| lower.contains(w))
    {
        return Vec::new();
    }
    let src = ctx.src();
    let constants = OnceCell::new();
    let constants = || constants.get_or_init(|| ast::top_level_values(ctx.root(), src, language));
    let mut out = Vec::new();
    for call in ctx.calls() {
        let path = call
            .resolved_path(ctx.imports())
            .unwrap_or_else(|| call.name.clone());
        let signing = KEY_ARGS.iter().find(|(p, _, _)| *p == path);
        let cipher = CIPHER_KEY_ARGS.iter().find(|(p, _, _)| *p == path);
        if let Some((_, pos, kw)) = signing.or(cipher) {
            let arg = call
                .positional(*pos)
                .or_else(|| (!kw.is_empty()).then(|| call.keyword(kw)).flatten());
            if let Some(lit) = arg.and_then(|a| literal_of(a, src, constants())) {
                out.push(SigningKey {
                    literal: lit,
                    message: format!(
                        "`{}` uses the hard-coded {} key `{}`",
                        ast::call_display(call, src),
                        if cipher.is_some() {
                            "encryption"
                        } else {
                            "signing"
                        },
                        masked(lit, src)
                    ),
                    fallback: false,
                    cipher: cipher.is_some(),
                });
            }
        }
        // `session({ secret: 'keyboard cat' })`, `app.config.update(SECRET_KEY="dev")`.
        // Option keys besides the settings names: session middlewares call theirs `secret`.
        let keys: Option<&[&str]> = match path.as_str() {
            "express-session" | "cookie-session" => Some(&["secret", "keys"]),
            _ if matches!(call.name.as_str(), "update" | "from_mapping") => Some(&[]),
            _ => None,
        };
        for lit in keys.map_or(Vec::new(), |k| keyed_literals(call, src, k)) {
            out.push(setting(lit, src));
        }
        if let Some(fallback) = env_fallback(call, src) {
            out.push(fallback);
        }
    }
    for node in ctx.all_of_kind(&["assignment", "assignment_expression", "binary_expression"]) {
        if node.kind() == "binary_expression" {
            if let Some(f) = js_env_fallback(node, src) {
                out.push(f);
            }
            continue;
        }
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            continue;
        };
        if !is_key_setting(left, src) {
            continue;
        }
        if let Some(lit) = direct_literal(right, src) {
            out.push(setting(lit, src));
        }
    }
    out.retain(|k| !is_template(&ast::string_value(k.literal, src).unwrap_or_default()));
    out.sort_by_key(|k| k.literal.start_byte());
    out.dedup_by_key(|k| k.literal.start_byte());
    out
}

/// Empty, or a slot a template or deployment tool fills in (`<secret>`, `${SECRET}`,
/// `{{ secret }}`, `****`): not a key anything signs with.
fn is_template(value: &str) -> bool {
    let v = value.trim();
    v.is_empty()
        || (v.starts_with('<') && v.ends_with('>'))
        || v.contains("${")
        || v.contains("{{")
        || v.chars().all(|c| c == '*' || c == 'x' || c == 'X')
}

fn setting<'t>(lit: Node<'t>, src: &str) -> SigningKey<'t> {
    SigningKey {
        literal: lit,
        message: format!(
            "the signing key is set to the hard-coded value `{}`",
            masked(lit, src)
        ),
        fallback: false,
        cipher: false,
    }
}

/// `app.secret_key = ...`, `app.config["SECRET_KEY"] = ...`, `SECRET_KEY = ...`.
fn is_key_setting(left: Node<'_>, src: &str) -> bool {
    let name = match left.kind() {
        "subscript" | "subscript_expression" => left
            .child_by_field_name("subscript")
            .or_else(|| left.child_by_field_name("index"))
            .and_then(|k| ast::string_value(k, src)),
        "attribute" | "member_expression" => ast::member_parts(left)
            .map(|(_, p)| ast::text(p, src).to_string())
            .or_else(|| {
                left.child_by_field_name("attribute")
                    .map(|a| ast::text(a, src).to_string())
            }),
        "identifier" => Some(ast::text(left, src).to_string()),
        _ => None,
    };
    name.is_some_and(|n| KEY_SETTINGS.contains(&n.as_str()))
}

/// A string literal, directly or through a constant of the file (the constant's literal, so
/// the finding points at the value).
fn literal_of<'t>(
    node: Node<'t>,
    src: &str,
    constants: &FxHashMap<String, Node<'t>>,
) -> Option<Node<'t>> {
    if let Some(lit) = direct_literal(node, src) {
        return Some(lit);
    }
    // `Buffer.from('k')`, `b"k"`, `"k".encode()`, `bytes.fromhex("…")`, `key.getBytes()`.
    if let Some(inner) = ast::call(node, src, Language::JavaScript)
        .or_else(|| ast::call(node, src, Language::Python))
        .filter(|c| {
            matches!(
                c.name.as_str(),
                "from" | "encode" | "fromhex" | "b64decode" | "getBytes"
            )
        })
    {
        let wrapped = inner.positional(0).or(inner.receiver)?;
        return literal_of(wrapped, src, constants);
    }
    if node.kind() != "identifier" {
        return None;
    }
    constants
        .get(ast::text(node, src))
        .and_then(|v| direct_literal(*v, src))
}

/// The node itself when it is a plain string literal (no interpolation).
fn direct_literal<'t>(node: Node<'t>, src: &str) -> Option<Node<'t>> {
    let node = if node.kind() == "parenthesized_expression" {
        ast::named_children(node).into_iter().next()?
    } else {
        node
    };
    (ast::is_string_literal(node)
        && node.kind() != "template_string"
        && node.kind() != "interpolated_string_expression"
        && ast::string_value(node, src).is_some())
    .then_some(node)
}

/// Literal values of `keys` in an options object or keyword arguments of `call`.
fn keyed_literals<'t>(call: &Call<'t>, src: &str, keys: &[&str]) -> Vec<Node<'t>> {
    let mut out = Vec::new();
    for arg in &call.args {
        if let Some(name) = &arg.name {
            if KEY_SETTINGS.contains(&name.as_str()) || keys.contains(&name.as_str()) {
                out.extend(direct_literal(arg.value, src));
            }
            continue;
        }
        if arg.value.kind() != "object" {
            continue;
        }
        for pair in ast::named_children(arg.value) {
            let (Some(k), Some(v)) = (
                pair.child_by_field_name("key"),
                pair.child_by_field_name("value"),
            ) else {
                continue;
            };
            let key = ast::string_value(k, src).unwrap_or_else(|| ast::text(k, src).to_string());
            if keys.contains(&key.as_str()) || KEY_SETTINGS.contains(&key.as_str()) {
                out.extend(direct_literal(v, src));
                if v.kind() == "array" {
                    out.extend(
                        ast::named_children(v)
                            .into_iter()
                            .filter_map(|e| direct_literal(e, src)),
                    );
                }
            }
        }
    }
    out
}

/// Whether an environment variable name holds a signing key or credential.
fn secret_env_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    (upper.contains("SECRET") || upper.ends_with("_KEY") || upper.contains("TOKEN"))
        && !upper.contains("PUBLIC")
        && !upper.ends_with("_PATH")
        && !upper.ends_with("_FILE")
        && !upper.ends_with("_ID")
}

/// `os.environ.get("JWT_SECRET", "dev")`, `os.getenv("SECRET_KEY", "change-me")`.
fn env_fallback<'t>(call: &Call<'t>, src: &str) -> Option<SigningKey<'t>> {
    let path = call.path.as_deref()?;
    if !matches!(
        path,
        "os.environ.get" | "os.getenv" | "environ.get" | "getenv" | "config" | "env"
    ) {
        return None;
    }
    let name = call.positional(0).and_then(|n| ast::string_value(n, src))?;
    if !secret_env_name(&name) {
        return None;
    }
    let default = call
        .positional(1)
        .or_else(|| call.keyword("default"))
        .and_then(|d| direct_literal(d, src))?;
    Some(SigningKey {
        literal: default,
        message: format!(
            "`{name}` falls back to the hard-coded secret `{}` when the variable is not set",
            masked(default, src)
        ),
        fallback: true,
        cipher: false,
    })
}

/// `process.env.JWT_SECRET || 'dev-secret'` (also `??`).
fn js_env_fallback<'t>(node: Node<'t>, src: &str) -> Option<SigningKey<'t>> {
    let op = node
        .child_by_field_name("operator")
        .map(|o| ast::text(o, src))?;
    if op != "||" && op != "??" {
        return None;
    }
    let left = node.child_by_field_name("left")?;
    let right = node.child_by_field_name("right")?;
    let env = ast::text(left, src);
    let name = env
        .strip_prefix("process.env.")
        .or_else(|| {
            env.strip_prefix("process.env['")
                .map(|s| s.trim_end_matches("']"))
        })
        .or_else(|| {
            env.strip_prefix("process.env[\"")
                .map(|s| s.trim_end_matches("\"]"))
        })?;
    if !secret_env_name(name) {
        return None;
    }
    let lit = direct_literal(right, src)?;
    Some(SigningKey {
        literal: lit,
        message: format!(
            "`process.env.{name}` falls back to the hard-coded secret `{}` when the variable is not set",
            masked(lit, src)
        ),
        fallback: true,
        cipher: false,
    })
}

fn masked(lit: Node<'_>, src: &str) -> String {
    super::detect::mask(&ast::string_value(lit, src).unwrap_or_default())
}
