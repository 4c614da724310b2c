use super::{finding, int_value, shown};
use crate::ast::{self, Call};
use crate::rules::crypto::password_in;
use crate::{FileContext, StructuralRule};
use rampart_core::{Finding, Language};
use tree_sitter::Node;

/// PBKDF2 iterations below which a password hash is far too cheap (OWASP asks for 600,000
/// with HMAC-SHA256; 100,000 is the floor below which we report).
const MIN_PBKDF2_ITERATIONS: i64 = 100_000;
/// bcrypt cost below which hashing is too fast (the library defaults are 10-12).
const MIN_BCRYPT_COST: i64 = 10;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds passwords stored with a fast hash or too little work:
    /// - SHA-2, SHA-3 and BLAKE2 over a password, salted or not (`hashlib.sha256(salt + password)`,
    ///   `crypto.createHash('sha256').update(password)`, `DigestUtils.sha256Hex(password)`,
    ///   `SHA256.HashData(...)`, `sha256.Sum256([]byte(password))`);
    /// - PBKDF2 with fewer than 100,000 iterations (`pbkdf2_hmac`, `PBKDF2HMAC`,
    ///   `crypto.pbkdf2Sync`, `PBEKeySpec`, `Rfc2898DeriveBytes`, `pbkdf2.Key`);
    /// - bcrypt with a cost below 10 (`gensalt(rounds=4)`, `bcrypt.hash(pw, 8)`,
    ///   `new BCryptPasswordEncoder(6)`, `bcrypt.MinCost`);
    /// - passwords stored as received (Python: Django `objects.create(password=...)`, model
    ///   constructors given the raw password in a function that hashes nothing), as CWE-256;
    /// - password encoders and hasher settings that are not password hashes (Spring
    ///   `NoOpPasswordEncoder`, `StandardPasswordEncoder`, `MessageDigestPasswordEncoder`,
    ///   Django `MD5PasswordHasher`/`SHA1PasswordHasher` first in `PASSWORD_HASHERS`, passlib
    ///   `md5_crypt`/`des_crypt`/`plaintext` schemes).
    ///
    /// MD5 and SHA-1 over passwords are reported by `weak-hash` (as CWE-916), not here.
    ///
    /// ## Why is this bad
    /// General-purpose hashes are built to be fast: a single GPU computes billions of SHA-256
    /// hashes a second, so a leaked table of salted SHA-256 password hashes gives up most
    /// passwords in days. Password hashes (Argon2, scrypt, bcrypt, PBKDF2 with a high
    /// iteration count) make every guess expensive.
    ///
    /// ## Example
    /// ```python
    /// salt = os.urandom(16).hex()
    /// user.password_hash = salt + hashlib.sha256((salt + password).encode()).hexdigest()
    /// ```
    ///
    /// ## Fix
    /// ```python
    /// from argon2 import PasswordHasher
    /// user.password_hash = PasswordHasher().hash(password)
    /// ```
    /// Or `bcrypt.hashpw(password, bcrypt.gensalt())`, `werkzeug.security.generate_password_hash`,
    /// Django's default hasher, `bcrypt.hash(pw, 12)` in Node, `BCryptPasswordEncoder()` or
    /// `Argon2PasswordEncoder` in Spring, ASP.NET Core Identity's `PasswordHasher`, Go
    /// `bcrypt.DefaultCost`.
    ///
    /// ## References
    /// - [CWE-916: Use of Password Hash With Insufficient Computational Effort](https://cwe.mitre.org/data/definitions/916.html)
    /// - [OWASP Password Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html)
    pub static WEAK_PASSWORD_HASH = {
        id: "weak-password-hash",
        name: "WeakPasswordHash",
        cwe: 916,
        other_cwes: [256],
        severity: High,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Password stored in plain text, with a fast hash or with too few iterations",
        help: "hash passwords with Argon2, scrypt, bcrypt (cost >= 10) or PBKDF2 (>= 600,000 iterations)",
    }
}

pub struct WeakPasswordHash;

const FAST_HASHES: &[&str] = &[
    "sha224",
    "sha256",
    "sha384",
    "sha512",
    "sha3_224",
    "sha3_256",
    "sha3_384",
    "sha3_512",
    "blake2b",
    "blake2s",
    "sha512_256",
    "Sum224",
    "Sum256",
    "Sum384",
    "Sum512",
    "Sum512_256",
    "SHA256",
    "SHA384",
    "SHA512",
    "SHA224",
    "SHA3",
    "sha256Hex",
    "sha384Hex",
    "sha512Hex",
    "sha256Hex",
    "sha3_256Hex",
    "HashData",
];

impl StructuralRule for WeakPasswordHash {
    fn meta(&self) -> &'static rampart_core::RuleMeta {
        &WEAK_PASSWORD_HASH
    }

    fn check(&self, ctx: &FileContext<'_>, out: &mut Vec<Finding>) {
        let src = ctx.file.text.as_str();
        let lang = ctx.file.language;
        // Everything this rule reports names a password or a key-derivation function; other
        // files are skipped before any walk.
        let lower = ctx.lowercase();
        if !PREFILTER.iter().any(|w| lower.contains(w)) {
            return;
        }
        let imports = ctx.imports();
        let mut hits: Vec<(Node<'_>, String)> = Vec::new();
        for call in ctx.calls() {
            let path = call
                .resolved_path(imports)
                .unwrap_or_else(|| call.name.clone());
            if let Some(m) = fast_hash(call, src) {
                hits.push((call.node, m));
            } else if let Some(m) = low_work(call, &path, src, lang) {
                hits.push((call.node, m));
            }
        }
        if lang == Language::Python {
            settings(ctx, &mut hits);
            plaintext(ctx, &mut hits);
        }
        let mut seen = Vec::new();
        for (node, message) in hits {
            if seen.contains(&node.start_byte()) {
                continue;
            }
            seen.push(node.start_byte());
            let cwe = if message.ends_with("in plain text") {
                256
            } else {
                916
            };
            out.push(
                finding(&WEAK_PASSWORD_HASH, ctx, node, message)
                    .cwe(cwe)
                    .build(),
            );
        }
    }
}

/// A SHA-2/SHA-3/BLAKE2 hash whose input is a password.
/// Lowercase fragments of which a file must contain one for this rule to find anything.
const PREFILTER: &[&str] = &[
    "pass",
    "pw",
    "pbkdf",
    "pbekeyspec",
    "rfc2898",
    "gensalt",
    "bcrypt",
];

fn fast_hash(call: &Call<'_>, src: &str) -> Option<String> {
    let algorithm_call = |c: &Call<'_>| -> Option<String> {
        let p = c.path.as_deref().unwrap_or(&c.name);
        let name = c.name.as_str();
        if FAST_HASHES.contains(&name) && !p.contains("hmac") {
            return Some(p.to_string());
        }
        if name == "Create" && p.starts_with("SHA") && !p.starts_with("SHA1") {
            return Some(p.to_string());
        }
        if matches!(
            name,
            "createHash" | "createHmac" | "new" | "getInstance" | "Create"
        ) {
            let alg = c.positional(0).and_then(|a| ast::string_value(a, src))?;
            let alg = alg.to_ascii_lowercase().replace('-', "");
            if alg.starts_with("sha2")
                || alg.starts_with("sha3")
                || alg.starts_with("sha5")
                || alg.starts_with("blake2")
                || alg == "sha384"
            {
                return Some(format!("{p}({alg})"));
            }
        }
        None
    };
    // `hashlib.sha256(password)`, `DigestUtils.sha256Hex(password)`, `sha256.Sum256(...)`.
    if let Some(alg) = algorithm_call(call) {
        let input = call.args.iter().find_map(|a| password_in(a.value, src));
        if let Some(pw) = input {
            return Some(format!(
                "`{}` hashes the password `{pw}` with {alg}, a fast hash",
                shown(call.node, src)
            ));
        }
        return None;
    }
    // `createHash('sha256').update(password)`, `md.digest(password.getBytes())`,
    // `SHA256.Create().ComputeHash(...)`, `Hashing.sha256().hashString(password, UTF_8)`.
    if matches!(
        call.name.as_str(),
        "update" | "digest" | "ComputeHash" | "hashString" | "hashBytes"
    ) {
        let receiver = call.receiver?;
        let inner = match ast::call(receiver, src, call_lang(receiver)) {
            Some(rc) => std::iter::successors(Some(rc), |c| {
                c.receiver.and_then(|r| ast::call(r, src, call_lang(r)))
            })
            .find_map(|c| algorithm_call(&c))?,
            // `sha = SHA256.Create()` earlier in the function.
            None => {
                let name = ast::text(receiver, src);
                let body = crate::rules::crypto::enclosing_body(call.node);
                ast::calls(body, src, call_lang(call.node))
                    .iter()
                    .filter(|c| {
                        crate::rules::crypto::stored_in(c.node, src).as_deref() == Some(name)
                    })
                    .find_map(&algorithm_call)?
            }
        };
        let pw = call.args.iter().find_map(|a| password_in(a.value, src))?;
        return Some(format!(
            "`{}` hashes the password `{pw}` with {inner}, a fast hash",
            shown(call.node, src)
        ));
    }
    None
}

fn call_lang(n: Node<'_>) -> Language {
    match n.kind() {
        "method_invocation" => Language::Java,
        "invocation_expression" => Language::CSharp,
        "call" => Language::Python,
        _ => Language::JavaScript,
    }
}

fn low_work(call: &Call<'_>, path: &str, src: &str, lang: Language) -> Option<String> {
    let shown_call = shown(call.node, src);
    let iterations = |n: Option<Node<'_>>| n.and_then(|v| int_value(v, src));
    let name = call.name.as_str();
    match name {
        "pbkdf2_hmac" | "pbkdf2Sync" | "pbkdf2" | "PBKDF2HMAC" | "PBEKeySpec"
        | "Rfc2898DeriveBytes" | "Pbkdf2" | "Key"
            if name != "Key" || path.contains("pbkdf2") =>
        {
            let index = match name {
                "pbkdf2_hmac" => 3,
                "PBEKeySpec" | "Rfc2898DeriveBytes" | "Pbkdf2" | "pbkdf2Sync" | "pbkdf2"
                | "Key" => 2,
                _ => 99,
            };
            let n = iterations(
                call.keyword("iterations")
                    .or_else(|| call.keyword("rounds"))
                    .or_else(|| call.positional(index)),
            )?;
            (n < MIN_PBKDF2_ITERATIONS).then(|| {
                format!("`{shown_call}` derives with {n} PBKDF2 iterations; use at least 600,000")
            })
        }
        "gensalt" | "genSalt" | "genSaltSync" => {
            let n = iterations(call.keyword("rounds").or_else(|| call.positional(0)))?;
            (n < MIN_BCRYPT_COST).then(|| {
                format!("`{shown_call}` uses bcrypt cost {n}; use at least 10 (12 preferred)")
            })
        }
        "hash" | "hashSync"
            if lang.is_js_family()
                && call
                    .receiver
                    .is_some_and(|r| ast::text(r, src).contains("bcrypt")) =>
        {
            let n = iterations(call.positional(1))?;
            (n < MIN_BCRYPT_COST).then(|| {
                format!("`{shown_call}` uses bcrypt cost {n}; use at least 10 (12 preferred)")
            })
        }
        "GenerateFromPassword" => {
            let cost = call.positional(1)?;
            let t = ast::text(cost, src);
            let weak =
                t.ends_with("MinCost") || int_value(cost, src).is_some_and(|n| n < MIN_BCRYPT_COST);
            weak.then(|| {
                format!("`{shown_call}` uses bcrypt cost `{t}`; use `bcrypt.DefaultCost` or higher")
            })
        }
        "BCryptPasswordEncoder" => {
            let n = iterations(
                call.positional(0)
                    .filter(|a| a.kind() == "decimal_integer_literal"),
            )?;
            (n < MIN_BCRYPT_COST)
                .then(|| format!("`{shown_call}` uses bcrypt strength {n}; use at least 10"))
        }
        "NoOpPasswordEncoder"
        | "StandardPasswordEncoder"
        | "MessageDigestPasswordEncoder"
        | "Md5PasswordEncoder"
        | "ShaPasswordEncoder"
        | "LdapShaPasswordEncoder"
        | "Md4PasswordEncoder" => Some(format!("`{shown_call}` is not a password hash")),
        "getInstance" if path.contains("NoOpPasswordEncoder") => {
            Some(format!("`{shown_call}` stores passwords in plain text"))
        }
        "CryptContext" => {
            let schemes = call.keyword("schemes")?;
            let weak = ast::named_children(schemes)
                .into_iter()
                .filter_map(|s| ast::string_value(s, src))
                .find(|s| {
                    matches!(
                        s.as_str(),
                        "md5_crypt"
                            | "des_crypt"
                            | "bsdi_crypt"
                            | "plaintext"
                            | "hex_md5"
                            | "hex_sha1"
                            | "hex_sha256"
                            | "hex_sha512"
                            | "ldap_md5"
                            | "ldap_sha1"
                            | "ldap_salted_md5"
                            | "ldap_salted_sha1"
                            | "apr_md5_crypt"
                    )
                })?;
            Some(format!("`{shown_call}` hashes passwords with `{weak}`"))
        }
        _ => None,
    }
}

/// A password stored as received: `User.objects.create(password=password)` (Django's
/// `create` does not hash; `create_user` does) or `User(username=u, password=data["password"])`
/// in a function that hashes nothing.
fn plaintext<'t>(ctx: &FileContext<'t>, hits: &mut Vec<(Node<'t>, String)>) {
    let src = ctx.src();
    for call in
        ctx.calls_named(|n| n == "create" || n.starts_with(|c: char| c.is_ascii_uppercase()))
    {
        let django_create = call.name == "create"
            && call
                .receiver
                .is_some_and(|r| ast::text(r, src).ends_with(".objects"));
        let entity = [
            "User", "Account", "Customer", "Member", "Admin", "Employee", "Person", "Student",
            "Patient",
        ]
        .iter()
        .any(|e| call.name == *e || call.name.ends_with(e));
        if !django_create && (call.name == "create" || !entity) {
            continue;
        }
        let Some(value) = ["password", "passwd", "pwd"]
            .iter()
            .find_map(|k| call.keyword(k))
        else {
            continue;
        };
        let raw = matches!(value.kind(), "identifier" | "subscript" | "attribute")
            || ast::call(value, src, Language::Python).is_some_and(|c| c.name == "get");
        if !raw || password_in(value, src).is_none() {
            continue;
        }
        let scope = crate::rules::crypto::enclosing_body(call.node);
        let body = ast::text(scope, src).to_ascii_lowercase();
        if !django_create
            && [
                "hash",
                "crypt",
                "bcrypt",
                "argon",
                "make_password",
                "set_password",
                "pbkdf2",
                "scrypt",
            ]
            .iter()
            .any(|h| body.contains(h))
        {
            continue;
        }
        hits.push((
            call.node,
            format!(
                "`{}` stores the password `{}` in plain text",
                shown(call.node, src),
                ast::text(value, src)
            ),
        ));
    }
}

/// Django `PASSWORD_HASHERS` whose first (preferred) entry is a fast hash.
fn settings<'t>(ctx: &FileContext<'t>, hits: &mut Vec<(Node<'t>, String)>) {
    let src = ctx.src();
    for a in ctx.all_of_kind(&["assignment"]) {
        let (Some(l), Some(r)) = (
            a.child_by_field_name("left"),
            a.child_by_field_name("right"),
        ) else {
            continue;
        };
        if ast::text(l, src) != "PASSWORD_HASHERS" {
            continue;
        }
        let first = ast::named_children(r)
            .into_iter()
            .find_map(|n| ast::string_value(n, src));
        if let Some(first) = first {
            let last = first.rsplit('.').next().unwrap_or(&first);
            if matches!(
                last,
                "MD5PasswordHasher"
                    | "UnsaltedMD5PasswordHasher"
                    | "SHA1PasswordHasher"
                    | "UnsaltedSHA1PasswordHasher"
                    | "CryptPasswordHasher"
            ) {
                hits.push((
                    a,
                    format!("`PASSWORD_HASHERS` prefers `{last}`, a fast hash"),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_cases;

    #[test]
    fn python() {
        assert_cases(
            &WeakPasswordHash,
            Language::Python,
            &[
                "import hashlib\n\ndef hash_password(password, salt):\n    return hashlib.sha256((salt + password).encode()).hexdigest()\n",
                "import hashlib\n\ndef hash_password(password):\n    return hashlib.pbkdf2_hmac(\"sha256\", password.encode(), salt, 1000)\n",
                "import bcrypt\n\ndef hash_password(password):\n    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4))\n",
                "PASSWORD_HASHERS = [\"django.contrib.auth.hashers.MD5PasswordHasher\"]\n",
                "from passlib.context import CryptContext\npwd_context = CryptContext(schemes=[\"md5_crypt\"])\n",
                "def register(request):\n    User.objects.create(username=request.POST[\"username\"], password=request.POST[\"password\"])\n",
                "@app.post(\"/register\")\ndef register():\n    data = request.get_json()\n    db.session.add(User(username=data[\"username\"], password=data[\"password\"]))\n    db.session.commit()\n",
            ],
            &[
                "import hashlib\n\ndef file_digest(data):\n    return hashlib.sha256(data).hexdigest()\n",
                "import hashlib\n\ndef hash_password(password):\n    return hashlib.pbkdf2_hmac(\"sha256\", password.encode(), salt, 600_000)\n",
                "import bcrypt\n\ndef hash_password(password):\n    return bcrypt.hashpw(password.encode(), bcrypt.gensalt())\n",
                "import hashlib\n\ndef hash_token(reset_token):\n    return hashlib.sha256(reset_token.encode()).hexdigest()\n",
                "from passlib.context import CryptContext\npwd_context = CryptContext(schemes=[\"bcrypt\"], deprecated=\"auto\")\n",
                "def register(request):\n    User.objects.create_user(username=request.POST[\"username\"], password=request.POST[\"password\"])\n",
                "@app.post(\"/register\")\ndef register():\n    data = request.get_json()\n    hashed = generate_password_hash(data[\"password\"])\n    db.session.add(User(username=data[\"username\"], password=hashed))\n",
                "def login(data):\n    form = LoginForm(username=data[\"username\"], password=data[\"password\"])\n    return form\n",
            ],
        );
    }

    #[test]
    fn javascript() {
        assert_cases(
            &WeakPasswordHash,
            Language::JavaScript,
            &[
                "const crypto = require('crypto');\nconst hash = crypto.createHash('sha256').update(password + salt).digest('hex');\n",
                "const hashed = await bcrypt.hash(req.body.password, 8);\n",
                "const key = crypto.pbkdf2Sync(password, salt, 1000, 64, 'sha512');\n",
            ],
            &[
                "const hashed = await bcrypt.hash(req.body.password, 12);\n",
                "const etag = crypto.createHash('sha256').update(body).digest('hex');\n",
                "const key = crypto.pbkdf2Sync(password, salt, 600000, 64, 'sha512');\n",
            ],
        );
    }

    #[test]
    fn java_csharp_go() {
        assert_cases(
            &WeakPasswordHash,
            Language::Java,
            &[
                "class A { PasswordEncoder e() { return NoOpPasswordEncoder.getInstance(); } }",
                "class A { PasswordEncoder e() { return new BCryptPasswordEncoder(4); } }",
                "class A { String h(String password) { return DigestUtils.sha256Hex(password); } }",
                "class A { void h(char[] password) { new PBEKeySpec(password, salt, 1000, 256); } }",
            ],
            &[
                "class A { PasswordEncoder e() { return new BCryptPasswordEncoder(12); } }",
                "class A { String h(byte[] data) { return DigestUtils.sha256Hex(data); } }",
                "class A { void h(char[] password) { new PBEKeySpec(password, salt, 600000, 256); } }",
            ],
        );
        assert_cases(
            &WeakPasswordHash,
            Language::CSharp,
            &[
                "class A { byte[] H(string password) { return SHA256.HashData(Encoding.UTF8.GetBytes(password)); } }",
                "class A { byte[] H(string password) { using var sha = SHA256.Create(); return sha.ComputeHash(Encoding.UTF8.GetBytes(password)); } }",
                "class A { void H(string password) { var k = new Rfc2898DeriveBytes(password, salt, 1000); } }",
            ],
            &[
                "class A { byte[] H(byte[] data) { return SHA256.HashData(data); } }",
                "class A { void H(string password) { var k = new Rfc2898DeriveBytes(password, salt, 600000, HashAlgorithmName.SHA256); } }",
                "class A { string H(string password) { return _hasher.HashPassword(user, password); } }",
            ],
        );
        assert_cases(
            &WeakPasswordHash,
            Language::Go,
            &[
                "package main\nimport \"crypto/sha256\"\nfunc h(password string) [32]byte { return sha256.Sum256([]byte(password)) }\n",
                "package main\nimport \"golang.org/x/crypto/bcrypt\"\nfunc h(password string) { bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost) }\n",
                "package main\nimport \"golang.org/x/crypto/pbkdf2\"\nfunc h(password string) { pbkdf2.Key([]byte(password), salt, 1000, 32, sha256.New) }\n",
            ],
            &[
                "package main\nimport \"crypto/sha256\"\nfunc h(data []byte) [32]byte { return sha256.Sum256(data) }\n",
                "package main\nimport \"golang.org/x/crypto/bcrypt\"\nfunc h(password string) { bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost) }\n",
                "package main\nimport \"golang.org/x/crypto/pbkdf2\"\nfunc h(password string) { pbkdf2.Key([]byte(password), salt, 600000, 32, sha256.New) }\n",
            ],
        );
    }
}
