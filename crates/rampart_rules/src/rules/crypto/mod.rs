//! Cryptography misuse: broken hashes, broken ciphers and modes, predictable randomness.

pub mod weak_cipher;
pub mod weak_hash;
pub mod weak_random;

use crate::ast::{self, Call};
use crate::StructuralRule;
use tree_sitter::Node;

pub static RULES: &[&dyn StructuralRule] = &[
    &weak_hash::WeakHash,
    &weak_cipher::WeakCipher,
    &weak_random::WeakRandom,
];

/// Whether an identifier names a password (`password`, `userPwd`, `new_passwd`, `pass_hash`),
/// but not things about passwords (`password_reset_token`, `passwordLength`).
pub(crate) fn is_password_name(ident: &str) -> bool {
    let words = ast::words(ident);
    let about = [
        "token", "reset", "length", "len", "policy", "url", "link", "hint", "field", "label",
        "expiry", "expires", "expired", "changed", "at", "date", "attempts", "count", "regex",
        "pattern", "min", "max", "strength", "rules", "input", "form", "prompt", "message",
    ];
    if words.iter().any(|w| about.contains(&w.as_str())) {
        return false;
    }
    words.iter().any(|w| {
        matches!(
            w.as_str(),
            "pwd" | "pass" | "pw" | "passwd" | "passw" | "pword"
        ) || w.contains("password")
            || w.contains("passwd")
            || w.contains("passphrase")
            || w.contains("passcode")
    })
}

/// The password-like name an expression is built from, if any: an identifier, attribute or
/// field (`user.password`), or a string key (`request.form["password"]`).
pub(crate) fn password_in(node: Node<'_>, src: &str) -> Option<String> {
    let mut found = None;
    ast::walk(node, |n| {
        if found.is_some() {
            return;
        }
        let name = match n.kind() {
            "identifier"
            | "property_identifier"
            | "field_identifier"
            | "shorthand_property_identifier" => Some(ast::text(n, src).to_string()),
            k if ast::is_string_literal(n) && k != "template_string" => {
                // Only short keys, such as `form["password"]`, not prose.
                ast::string_value(n, src).filter(|s| s.len() <= 32 && !s.contains(' '))
            }
            _ => None,
        };
        if let Some(name) = name.filter(|s| is_password_name(s)) {
            found = Some(name);
        }
    });
    found
}

/// Where a value is kept, as plain names: the destination it flows to (assignment target,
/// key, returning function) and, when that says nothing, the enclosing function.
pub(crate) fn context_names(node: Node<'_>, src: &str, climb: ast::Climb) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(d) = ast::destination(node, src, climb) {
        names.push(d.name().to_string());
    }
    if let Some(f) = ast::enclosing_function_name(node, src) {
        names.push(f.rsplit('.').next().unwrap_or(&f).to_string());
    }
    names
}

/// The call text for messages.
pub(crate) fn display(call: &Call<'_>, src: &str) -> String {
    ast::call_display(call, src)
}

/// The function body `node` is in, or the whole file at top level.
pub(crate) fn enclosing_body(node: Node<'_>) -> Node<'_> {
    if let Some(f) = ast::enclosing_function(node) {
        return f;
    }
    let mut root = node;
    while let Some(p) = root.parent() {
        root = p;
    }
    root
}

/// The variable a call's result is stored in (`md = MessageDigest.getInstance("MD5")`,
/// `using var md5 = MD5.Create()`), as a plain identifier.
pub(crate) fn stored_in(call: Node<'_>, src: &str) -> Option<String> {
    let d = ast::destination(call, src, ast::Climb::Value)?;
    match d {
        ast::Destination::Variable(v) => {
            let v = v.trim();
            let v = v
                .strip_prefix("self.")
                .or_else(|| v.strip_prefix("this."))
                .unwrap_or(v);
            v.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
                .then(|| v.to_string())
        }
        _ => None,
    }
}

/// Whether `node` refers to variable `name` (`x`, `self.x`, `this.x`).
pub(crate) fn refers_to(node: Node<'_>, name: &str, src: &str) -> bool {
    let t = ast::text(node, src).trim();
    t == name || t.strip_prefix("self.") == Some(name) || t.strip_prefix("this.") == Some(name)
}

#[cfg(test)]
mod tests {
    use super::RULES;
    use crate::testing::check;
    use rampart_core::Language;

    /// Every prefix of realistic code is malformed somewhere; no rule may panic on it.
    #[test]
    fn truncated_code_never_panics() {
        let cases = [
            (Language::Python, "import hashlib as h\nfrom Crypto.Cipher import AES\nIV = b'\\x00' * 16\n\ndef enc(key, password):\n    d = h.md5(password.encode()).hexdigest()\n    t = ''.join(random.choice('ab') for _ in range(8))\n    return AES.new(key, AES.MODE_CBC, IV).encrypt(d)\n"),
            (Language::JavaScript, "const crypto = require('crypto');\nconst IV = Buffer.alloc(16);\nfunction f(pw) {\n  const h = crypto.createHash('md5').update(pw).digest('hex');\n  const token = Math.random().toString(36);\n  return crypto.createCipheriv(`aes-128-ecb`, key, IV);\n}\n"),
            (Language::Java, "class A { static final byte[] IV = {0,1}; @Value(\"${a.b}\") String alg;\n String t(String password) throws Exception { MessageDigest.getInstance(\"MD5\").digest(password.getBytes()); new IvParameterSpec(IV); return Long.toString(new Random().nextLong()); } }\n"),
            (Language::CSharp, "class A { Random r = new(); string T(string password) { using var m = MD5.Create(); aes.IV = new byte[16]; var token = r.Next().ToString(); return $\"{token}\"; } }\n"),
            (Language::Go, "package a\nimport (\n m \"crypto/md5\"\n \"math/rand\"\n)\nfunc Token(pw string) string { iv := make([]byte, 16); cipher.NewCBCEncrypter(b, iv); m.Sum([]byte(pw)); return string(rand.Intn(9)) }\n"),
        ];
        for (language, code) in cases {
            for cut in (0..=code.len()).filter(|i| code.is_char_boundary(*i)) {
                for rule in RULES {
                    let _ = check(*rule, language, &code[..cut]);
                }
            }
        }
    }
}
