use super::{context_names, display, enclosing_body, password_in, refers_to, stored_in};
use crate::ast::{self, Call, Climb, Imports, StringResolver};
use crate::{FileContext, StructuralRule};
use rampart_core::{Confidence, Finding, Language, RuleMeta, Severity};
use tree_sitter::Node;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds MD5, SHA-1, MD4, MD2 and RIPEMD-160 used as hashes: Python `hashlib`, PyCryptodome
    /// and `cryptography`, Node `crypto.createHash` and the `md5`/`sha1`/`crypto-js` packages,
    /// Java `MessageDigest`, `Signature`, Apache Commons `DigestUtils` and Guava `Hashing`,
    /// .NET `MD5`/`SHA1` and their providers, Go `crypto/md5`, `crypto/sha1`, `x/crypto/md4`
    /// and `x/crypto/ripemd160`. A weak hash over a password is reported as CWE-916; sound but
    /// fast hashes over passwords (salted SHA-256, SHA-512) are left to `weak-password-hash`.
    ///
    /// Uses marked as non-security (`usedforsecurity=False`) and content fingerprints stored as
    /// an ETag, checksum, cache key or file hash are not reported.
    ///
    /// ## Why is this bad
    /// Collisions for MD5 and SHA-1 can be computed on a laptop, so signatures, integrity checks
    /// and identifiers built on them can be forged. They are also fast: an attacker who gets a
    /// table of MD5 or SHA-1 password hashes recovers most passwords within hours, salted or not.
    ///
    /// ## Example
    /// ```python
    /// import hashlib
    ///
    /// def store_user(username, password):
    ///     db.save(username, hashlib.md5(password.encode()).hexdigest())
    /// ```
    ///
    /// ## Fix
    /// Hash passwords with a slow, salted password hash (Argon2, bcrypt, scrypt, PBKDF2); use
    /// SHA-256 or better everywhere else:
    /// ```python
    /// from argon2 import PasswordHasher
    ///
    /// def store_user(username, password):
    ///     db.save(username, PasswordHasher().hash(password))
    /// ```
    /// A checksum that protects nothing can say so: `hashlib.md5(data, usedforsecurity=False)`.
    ///
    /// ## References
    /// - [CWE-328: Use of Weak Hash](https://cwe.mitre.org/data/definitions/328.html)
    /// - [CWE-916: Use of Password Hash With Insufficient Computational Effort](https://cwe.mitre.org/data/definitions/916.html)
    /// - [OWASP Password Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
    pub static WEAK_HASH = {
        id: "weak-hash",
        name: "WeakHash",
        cwe: 328,
        other_cwes: [916],
        severity: Medium,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Broken hash function (MD5, SHA-1, MD4, RIPEMD) used for security or passwords",
        help: "use SHA-256 or better; hash passwords with Argon2, bcrypt, scrypt or PBKDF2",
    }
}

pub struct WeakHash;

impl StructuralRule for WeakHash {
    fn meta(&self) -> &'static RuleMeta {
        &WEAK_HASH
    }

    fn check(&self, ctx: &FileContext<'_>, out: &mut Vec<Finding>) {
        let language = ctx.file.language;
        if !WEAK_HASH.supports(language) {
            return;
        }
        let src = ctx.file.text.as_str();
        let root = ctx.tree.root_node();
        let imports = ctx.imports();
        let resolver = StringResolver::new(root, src, language, ctx.settings);
        let wanted = |name: &str| {
            let lower = name.to_ascii_lowercase();
            imports.get(name).is_some()
                || ["md5", "sha", "md4", "md2", "ripemd", "hash", "digest"]
                    .iter()
                    .any(|w| lower.contains(w))
                || matches!(
                    lower.as_str(),
                    "new" | "create" | "getinstance" | "sum" | "createfromname"
                )
        };
        for call in ctx.calls_named(wanted) {
            let Some(hash) = weak_hash(call, language, imports, &resolver) else {
                continue;
            };
            if language == Language::Python && not_for_security(call, src) {
                continue;
            }
            let inputs = hashed_inputs(call, &hash, src);
            let password = inputs
                .iter()
                .find_map(|n| password_in(*n, src))
                .map(|p| format!("`{p}`"))
                .or_else(|| {
                    context_names(call.node, src, Climb::Derived)
                        .iter()
                        .any(|n| super::is_password_name(n) || is_password_function(n))
                        .then(|| "a password".to_string())
                });
            let names = context_names(call.node, src, Climb::Derived);
            if password.is_none() && names.iter().any(|n| is_fingerprint_name(n)) {
                continue;
            }
            if password.is_none()
                && (sets_fingerprint_header(call.node, src) || builds_gravatar_url(call.node, src))
            {
                continue;
            }
            // Hashed literals may be secrets: show the call without them.
            let literal_data = hash
                .data_arg
                .and_then(|i| call.positional(i))
                .is_some_and(|a| contains_string_literal(a));
            let shown = match (&call.path, literal_data) {
                (Some(path), true) => format!("{path}(…)"),
                _ => display(call, src),
            };
            let builder = match &password {
                Some(p) => Finding::builder(
                    &WEAK_HASH,
                    ctx.file
                        .location(call.node.start_byte(), call.node.end_byte()),
                    format!(
                        "`{shown}` hashes a password ({p}) with {}, a fast broken hash",
                        hash.algorithm
                    ),
                )
                .cwe(916)
                .severity(Severity::High),
                None => {
                    let security = names.iter().any(|n| is_security_name(n));
                    Finding::builder(
                        &WEAK_HASH,
                        ctx.file
                            .location(call.node.start_byte(), call.node.end_byte()),
                        format!("`{shown}` uses {}, a broken hash", hash.algorithm),
                    )
                    .confidence(if security {
                        Confidence::High
                    } else {
                        Confidence::Medium
                    })
                }
            };
            out.push(
                builder
                    .scope(ast::enclosing_scope(call.node, src))
                    .anchor(ast::text(call.node, src))
                    .build(),
            );
        }
    }
}

/// A weak hash call and where its input goes.
struct WeakHashCall {
    algorithm: &'static str,
    /// The call itself takes the data (`hashlib.md5(data)`, `md5.Sum(data)`) from this
    /// positional argument; otherwise data is fed to the returned object (`update`, `Write`).
    data_arg: Option<usize>,
}

fn weak_hash(
    call: &Call<'_>,
    language: Language,
    imports: &Imports,
    resolver: &StringResolver<'_>,
) -> Option<WeakHashCall> {
    let path = call.resolved_path(imports).unwrap_or_default();
    let arg_algorithm = |i: usize| {
        call.positional(i)
            .and_then(|a| resolver.resolve(a))
            .and_then(|s| algorithm_named(&s, language == Language::Java))
    };
    let found = |algorithm, data_arg| {
        Some(WeakHashCall {
            algorithm,
            data_arg,
        })
    };
    match language {
        Language::Python => {
            if let Some(f) = path.strip_prefix("hashlib.") {
                return match f {
                    "new" => arg_algorithm(0).and_then(|a| found(a, Some(1))),
                    _ => found(algorithm_named(f, false)?, Some(0)),
                };
            }
            let segs: Vec<&str> = path.split('.').collect();
            // PyCryptodome: `Crypto.Hash.MD5.new(data)`.
            if let [pkg, "Hash", alg, "new"] = segs.as_slice() {
                if matches!(*pkg, "Crypto" | "Cryptodome") {
                    return found(algorithm_named(alg, true)?, Some(0));
                }
            }
            // `cryptography`: `hashes.MD5()`.
            if let [.., "hashes", alg] = segs.as_slice() {
                if call.args.is_empty() {
                    return found(algorithm_named(alg, false)?, None);
                }
            }
            None
        }
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            if path == "crypto.createHash" || path.ends_with(".createHash") {
                return arg_algorithm(0).and_then(|a| found(a, None));
            }
            // WebCrypto `crypto.subtle.digest('SHA-1', data)`.
            if path.ends_with("subtle.digest") {
                return arg_algorithm(0).and_then(|a| found(a, Some(1)));
            }
            // Package functions count only when imported: a local `md5` helper is not MD5.
            let head = call
                .path
                .as_deref()
                .unwrap_or("")
                .split('.')
                .next()
                .unwrap_or("");
            imports.get(head)?;
            match path.as_str() {
                "md5" | "crypto-js/md5" | "crypto-js.MD5" | "blueimp-md5" | "js-md5" => {
                    found("MD5", Some(0))
                }
                "sha1" | "crypto-js/sha1" | "crypto-js.SHA1" | "js-sha1" => found("SHA-1", Some(0)),
                "crypto-js/ripemd160" | "crypto-js.RIPEMD160" => found("RIPEMD-160", Some(0)),
                _ => None,
            }
        }
        Language::Java => {
            let class = path.rsplit('.').nth(1).unwrap_or("");
            match (class, call.name.as_str()) {
                ("MessageDigest", "getInstance") => arg_algorithm(0).and_then(|a| found(a, None)),
                ("Signature", "getInstance") => {
                    let alg = call.positional(0).and_then(|a| resolver.resolve(a))?;
                    let digest = alg.to_ascii_uppercase();
                    let digest = digest.split("WITH").next().unwrap_or("");
                    found(algorithm_named(digest, true)?, None)
                }
                ("DigestUtils", m) => {
                    let alg = m
                        .trim_end_matches("Hex")
                        .trim_end_matches("Digest")
                        .trim_start_matches("get");
                    found(algorithm_named(alg, true)?, Some(0))
                }
                ("Hashing", m) if call.args.is_empty() => found(algorithm_named(m, false)?, None),
                _ => None,
            }
        }
        Language::CSharp => {
            let name = call.name.as_str();
            if call.constructor {
                let alg = name
                    .trim_end_matches("CryptoServiceProvider")
                    .trim_end_matches("Managed")
                    .trim_end_matches("Cng");
                if alg.len() == name.len() {
                    return None;
                }
                return found(algorithm_named(alg, false)?, None);
            }
            let class = path.rsplit('.').nth(1).unwrap_or("");
            match name {
                "Create" if call.args.is_empty() => found(algorithm_named(class, false)?, None),
                "HashData" => found(algorithm_named(class, false)?, Some(0)),
                "Create" | "CreateFromName"
                    if matches!(class, "HashAlgorithm" | "CryptoConfig") =>
                {
                    arg_algorithm(0).and_then(|a| found(a, None))
                }
                _ => None,
            }
        }
        Language::Go => {
            let (pkg, f) = path.rsplit_once('.')?;
            let algorithm = match pkg {
                "crypto/md5" => "MD5",
                "crypto/sha1" => "SHA-1",
                "golang.org/x/crypto/md4" => "MD4",
                "golang.org/x/crypto/ripemd160" => "RIPEMD-160",
                _ => return None,
            };
            match f {
                "Sum" => found(algorithm, Some(0)),
                "New" => found(algorithm, None),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `MD5`, `md5`, `SHA-1`, `sha1`, `RIPEMD160`, `rmd160`; bare `SHA` (Java's name for SHA-1)
/// only when `sha_is_sha1`.
fn algorithm_named(name: &str, sha_is_sha1: bool) -> Option<&'static str> {
    let n: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    match n.as_str() {
        "MD5" => Some("MD5"),
        "SHA1" => Some("SHA-1"),
        "SHA" if sha_is_sha1 => Some("SHA-1"),
        "MD4" => Some("MD4"),
        "MD2" => Some("MD2"),
        "RIPEMD" | "RIPEMD160" | "RMD160" => Some("RIPEMD-160"),
        _ => None,
    }
}

/// Whether an expression contains a string literal.
fn contains_string_literal(node: Node<'_>) -> bool {
    let mut found = false;
    ast::walk(node, |n| found |= ast::is_string_literal(n));
    found
}

/// Python `usedforsecurity=False`.
fn not_for_security(call: &Call<'_>, src: &str) -> bool {
    call.keyword("usedforsecurity")
        .is_some_and(|v| ast::text(v, src) == "False")
}

/// The expressions hashed: the data argument, data given to methods chained on the call
/// (`createHash('md5').update(pw)`), and data given to the variable holding the hasher
/// (`md.update(pw)`, `h.Write(pw)`, `io.WriteString(h, pw)`, `md5.ComputeHash(pw)`).
fn hashed_inputs<'t>(call: &Call<'t>, hash: &WeakHashCall, src: &str) -> Vec<Node<'t>> {
    let mut inputs: Vec<Node<'t>> = match hash.data_arg {
        Some(i) => call.positional(i).into_iter().collect(),
        None => Vec::new(),
    };
    // Methods chained on the result.
    let mut cur = call.node;
    while let Some(member) = cur.parent() {
        let Some(outer) = member.parent() else { break };
        let is_receiver = ast::member_parts(member).is_some_and(|(o, _)| o == cur)
            || (member.kind() == "method_invocation"
                && member.child_by_field_name("object") == Some(cur));
        if !is_receiver {
            break;
        }
        let chained = if member.kind() == "method_invocation" {
            member
        } else {
            outer
        };
        if let Some(args) = chained.child_by_field_name("arguments") {
            inputs.extend(ast::named_children(args));
        }
        cur = chained;
    }
    // The variable holding the hasher, used later in the same function.
    if let Some(var) = stored_in(call.node, src) {
        let body = enclosing_body(call.node);
        let lang_calls = ast::descendants_of_kind(
            body,
            &[
                "call",
                "call_expression",
                "method_invocation",
                "invocation_expression",
            ],
        );
        for c in lang_calls {
            if c.start_byte() < call.node.end_byte() {
                continue;
            }
            let callee = c
                .child_by_field_name("function")
                .or_else(|| c.child_by_field_name("object"));
            let receiver = callee.and_then(|f| {
                if c.kind() == "method_invocation" {
                    Some(f)
                } else {
                    ast::member_parts(f).map(|(o, _)| o)
                }
            });
            let args: Vec<Node<'t>> = c
                .child_by_field_name("arguments")
                .map(ast::named_children)
                .unwrap_or_default();
            if receiver.is_some_and(|r| refers_to(r, &var, src)) {
                inputs.extend(args);
            } else if args.iter().any(|a| refers_to(*a, &var, src)) {
                inputs.extend(args.into_iter().filter(|a| !refers_to(*a, &var, src)));
            }
        }
    }
    inputs
}

/// Functions that hash or check passwords: `hash_password`, `verifyPassword`, `checkPwd`.
fn is_password_function(name: &str) -> bool {
    let words = ast::words(name);
    super::is_password_name(name)
        && words.iter().any(|w| {
            matches!(
                w.as_str(),
                "hash"
                    | "hashed"
                    | "encrypt"
                    | "encode"
                    | "verify"
                    | "check"
                    | "set"
                    | "store"
                    | "save"
                    | "compare"
                    | "validate"
                    | "digest"
            )
        })
}

/// Names of content fingerprints: ETags, checksums, cache keys, file or content hashes,
/// deduplication and sharding keys, Gravatar URLs.
fn is_fingerprint_name(name: &str) -> bool {
    let words = ast::words(name);
    let has = |w: &str| words.iter().any(|x| x == w);
    let joined = words.concat();
    has("etag")
        || has("checksum")
        || has("checksums")
        || has("cache")
        || has("cached")
        || has("fingerprint")
        || has("dedup")
        || has("dedupe")
        || has("shard")
        || has("bucket")
        || has("partition")
        || has("gravatar")
        || has("md5sum")
        || joined.contains("etag")
        || joined.contains("checksum")
        || joined.contains("cachekey")
        || ((has("file") || has("content") || has("body") || has("blob") || has("chunk"))
            && (has("hash") || has("digest") || has("md5") || has("sha1")))
}

/// `res.setHeader("ETag", md5(body))`, `headers["Content-MD5"] = ...`: the hash is a header
/// value describing content.
fn sets_fingerprint_header(node: Node<'_>, src: &str) -> bool {
    let Some(args) = ast::value_root(node).parent() else {
        return false;
    };
    if !matches!(args.kind(), "arguments" | "argument_list") {
        return false;
    }
    ast::named_children(args).iter().any(|a| {
        ast::string_value(*a, src).is_some_and(|s| {
            let s = s.to_ascii_lowercase();
            s == "etag" || s == "content-md5" || s.contains("checksum")
        })
    })
}

/// Gravatar addresses are the MD5 of an e-mail address by definition.
fn builds_gravatar_url(node: Node<'_>, src: &str) -> bool {
    let Some(f) = ast::enclosing_function(node) else {
        return false;
    };
    ast::text(f, src).to_ascii_lowercase().contains("gravatar")
}

/// Names that say the hash protects something: tokens, signatures, keys, sessions, auth.
fn is_security_name(name: &str) -> bool {
    let words = ast::words(name);
    let qualified_key = words.iter().any(|w| w == "key")
        && words.iter().any(|w| {
            matches!(
                w.as_str(),
                "api" | "secret" | "session" | "signing" | "private"
            )
        });
    qualified_key
        || words.iter().any(|w| {
            matches!(
                w.as_str(),
                "token"
                    | "signature"
                    | "sign"
                    | "signed"
                    | "auth"
                    | "secret"
                    | "apikey"
                    | "session"
                    | "hmac"
                    | "verify"
                    | "integrity"
                    | "otp"
                    | "nonce"
                    | "salt"
                    | "credential"
                    | "credentials"
                    | "login"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_cases, check};

    #[test]
    fn python() {
        assert_cases(
            &WeakHash,
            Language::Python,
            &[
                "import hashlib\n\ndef store_user(username, password):\n    hashed = hashlib.md5(password.encode()).hexdigest()\n    db.save(username, hashed)\n",
                "import hashlib as h\n\ndef sign(payload: bytes, secret: bytes) -> str:\n    return h.sha1(secret + payload).hexdigest()\n",
                "from hashlib import md5\n\ndef make_token(user_id):\n    return md5(str(user_id).encode()).hexdigest()\n",
                "import hashlib\n\ndef api_key_digest(key):\n    m = hashlib.new('md5')\n    m.update(key)\n    return m.hexdigest()\n",
                "from Crypto.Hash import MD5\n\ndef digest(data):\n    return MD5.new(data).hexdigest()\n",
                "from cryptography.hazmat.primitives import hashes\n\ndigest = hashes.Hash(hashes.SHA1())\n",
            ],
            &[
                "import hashlib\n\ndef etag_for(body: bytes) -> str:\n    return hashlib.md5(body).hexdigest()\n",
                "import hashlib\n\ncache_key = hashlib.md5(url.encode()).hexdigest()\n",
                "import hashlib\n\ndef file_hash(path):\n    with open(path, 'rb') as f:\n        return hashlib.md5(f.read(), usedforsecurity=False).hexdigest()\n",
                "import hashlib\n\ndef store(password):\n    return hashlib.sha256(password.encode()).hexdigest()\n",
                "import hashlib\n\nchecksum = hashlib.sha1(open('a.bin', 'rb').read()).hexdigest()\n",
                "def md5(x):\n    return x\n\nmd5('a')\n",
            ],
        );
    }

    #[test]
    fn password_input_is_cwe_916() {
        let f = check(
            &WeakHash,
            Language::Python,
            "import hashlib\n\ndef register(user, password):\n    user.pw = hashlib.md5(password.encode()).hexdigest()\n",
        );
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].cwe, 916);
        assert_eq!(f[0].severity, Severity::High);
        assert!(
            f[0].message.contains(
                "`hashlib.md5(password.encode())` hashes a password (`password`) with MD5"
            ),
            "{}",
            f[0].message
        );
        let f = check(
            &WeakHash,
            Language::Python,
            "import hashlib\nh = hashlib.md5(data)\n",
        );
        assert_eq!(f[0].cwe, 328);
        assert_eq!(f[0].message, "`hashlib.md5(data)` uses MD5, a broken hash");
        let f = check(
            &WeakHash,
            Language::Python,
            "import hashlib\nADMIN = hashlib.md5(b'hunter2-admin').hexdigest()\n",
        );
        assert_eq!(f[0].message, "`hashlib.md5(…)` uses MD5, a broken hash");
    }

    #[test]
    fn javascript() {
        assert_cases(
            &WeakHash,
            Language::JavaScript,
            &[
                "const crypto = require('crypto');\n\nfunction hashPassword(password) {\n  return crypto.createHash('md5').update(password).digest('hex');\n}\n",
                "import { createHash } from 'node:crypto';\nexport const sign = (body, secret) => createHash('sha1').update(secret + body).digest('hex');\n",
                "const md5 = require('md5');\napp.post('/login', (req, res) => {\n  const hash = md5(req.body.password);\n  users.check(req.body.user, hash);\n});\n",
                "async function signPayload(data) { return crypto.subtle.digest('SHA-1', data); }\n",
                "const ALGO = 'md5';\nconst crypto = require('crypto');\nfunction tokenFor(id) { const h = crypto.createHash(ALGO); h.update(String(id)); return h.digest('hex'); }\n",
            ],
            &[
                "const crypto = require('crypto');\nfunction hashPassword(pw) { return crypto.createHash('sha256').update(pw).digest('hex'); }\n",
                "const crypto = require('crypto');\nconst etag = crypto.createHash('md5').update(body).digest('hex');\n",
                "const crypto = require('crypto');\nres.setHeader('ETag', crypto.createHash('md5').update(html).digest('hex'));\n",
                "const md5 = (s) => s;\nmd5('x');\n",
                "const crypto = require('crypto');\nfunction avatarUrl(email) {\n  const hash = crypto.createHash('md5').update(email.trim().toLowerCase()).digest('hex');\n  return `https://www.gravatar.com/avatar/${hash}`;\n}\n",
                "async function digest(data) { return crypto.subtle.digest('SHA-256', data); }\n",
            ],
        );
    }

    #[test]
    fn typescript() {
        assert_cases(
            &WeakHash,
            Language::TypeScript,
            &[
                "import * as crypto from 'crypto';\nexport function hashPassword(password: string): string {\n  return crypto.createHash('md5').update(password).digest('hex');\n}\n",
                "import crypto from 'crypto';\nexport class Signer { sign(data: string): string { return crypto.createHash('sha1').update(data).digest('base64'); } }\n",
                "import { createHash } from 'crypto';\nconst ALGORITHM = 'sha1';\nexport const signature = (body: string): string => createHash(ALGORITHM as string).update(body).digest('hex');\n",
                "import CryptoJS from 'crypto-js';\nconst hashed: string = CryptoJS.MD5(userPassword).toString();\n",
            ],
            &[
                "import { createHash } from 'crypto';\nexport const digest = (s: string) => createHash('sha512').update(s).digest('hex');\n",
                "import { createHash } from 'crypto';\nexport function cacheKey(url: string): string { return createHash('md5').update(url).digest('hex'); }\n",
                "import { createHash } from 'crypto';\nconst fileHash: string = createHash('sha1').update(buffer).digest('hex');\n",
            ],
        );
        assert_cases(
            &WeakHash,
            Language::Tsx,
            &["import { createHash } from 'crypto';\nconst token = createHash('md5').update(seed).digest('hex');\n"],
            &["import { createHash } from 'crypto';\nconst etag = createHash('md5').update(seed).digest('hex');\n"],
        );
    }

    #[test]
    fn java() {
        assert_cases(
            &WeakHash,
            Language::Java,
            &[
                "import java.security.MessageDigest;\nclass UserService {\n  String hashPassword(String password) throws Exception {\n    MessageDigest md = MessageDigest.getInstance(\"MD5\");\n    md.update(password.getBytes());\n    return toHex(md.digest());\n  }\n}\n",
                "class Tokens {\n  private static final String ALGORITHM = \"SHA-1\";\n  byte[] tokenDigest(byte[] data) throws Exception {\n    return MessageDigest.getInstance(ALGORITHM).digest(data);\n  }\n}\n",
                "import org.apache.commons.codec.digest.DigestUtils;\nclass Auth { String h(String pwd) { return DigestUtils.md5Hex(pwd); } }\n",
                "class Sig { void s() throws Exception { Signature sig = Signature.getInstance(\"SHA1withRSA\"); } }\n",
            ],
            &[
                "class UserService { byte[] h(String s) throws Exception { return MessageDigest.getInstance(\"SHA-256\").digest(s.getBytes()); } }\n",
                "class Files { String checksum(byte[] content) throws Exception { return hex(MessageDigest.getInstance(\"MD5\").digest(content)); } }\n",
                "class Etags { void f(byte[] body) { String etag = DigestUtils.md5Hex(body); } }\n",
            ],
        );
    }

    #[test]
    fn csharp() {
        assert_cases(
            &WeakHash,
            Language::CSharp,
            &[
                "using System.Security.Cryptography;\nclass Users {\n  string HashPassword(string password) {\n    using var md5 = MD5.Create();\n    return Convert.ToHexString(md5.ComputeHash(Encoding.UTF8.GetBytes(password)));\n  }\n}\n",
                "class Signer { byte[] Sign(byte[] data) { return SHA1.HashData(data); } }\n",
                "class Legacy { void F() { var sha = new SHA1CryptoServiceProvider(); } }\n",
                "class Legacy { void F() { var h = HashAlgorithm.Create(\"MD5\"); } }\n",
            ],
            &[
                "class Users { byte[] H(byte[] data) { return SHA256.HashData(data); } }\n",
                "class Cache { string CacheKey(string url) { using var md5 = MD5.Create(); return Hex(md5.ComputeHash(Bytes(url))); } }\n",
                "class Blob { void F(byte[] content) { var contentHash = MD5.HashData(content); } }\n",
            ],
        );
    }

    #[test]
    fn go() {
        assert_cases(
            &WeakHash,
            Language::Go,
            &[
                "package auth\n\nimport (\n\t\"crypto/md5\"\n\t\"encoding/hex\"\n)\n\nfunc HashPassword(password string) string {\n\tsum := md5.Sum([]byte(password))\n\treturn hex.EncodeToString(sum[:])\n}\n",
                "package auth\n\nimport weak \"crypto/sha1\"\n\nfunc Sign(msg []byte) []byte {\n\th := weak.New()\n\th.Write(msg)\n\treturn h.Sum(nil)\n}\n",
                "package auth\n\nimport (\n\t\"crypto/md5\"\n\t\"io\"\n)\n\nfunc token(pw string) []byte {\n\th := md5.New()\n\tio.WriteString(h, pw)\n\treturn h.Sum(nil)\n}\n",
            ],
            &[
                "package auth\n\nimport \"crypto/sha256\"\n\nfunc Hash(b []byte) [32]byte { return sha256.Sum256(b) }\n",
                "package store\n\nimport \"crypto/md5\"\n\nfunc ETag(body []byte) [16]byte { return md5.Sum(body) }\n",
                "package store\n\nimport \"github.com/acme/md5\"\n\nfunc F(b []byte) { md5.Sum(b) }\n",
            ],
        );
        let f = check(
            &WeakHash,
            Language::Go,
            "package auth\n\nimport (\n\t\"crypto/md5\"\n\t\"io\"\n)\n\nfunc token(pw string) []byte {\n\th := md5.New()\n\tio.WriteString(h, pw)\n\treturn h.Sum(nil)\n}\n",
        );
        assert_eq!(f[0].cwe, 916);
        assert_eq!(f[0].location.span.start_line, 9);
    }
}
