use super::{display, enclosing_body};
use crate::ast::{self, Call, Imports, StringResolver};
use crate::{FileContext, StructuralRule};
use rampart_core::{Finding, Language, RuleMeta, Severity};
use tree_sitter::Node;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds broken ciphers and cipher modes: DES, 3DES (DESede, TripleDES), RC2, RC4 (ARC4,
    /// ARCFOUR) and Blowfish; ECB mode, including Java's `Cipher.getInstance("AES")`, which
    /// defaults to ECB; RSA without padding; Node's deprecated `crypto.createCipher`; and
    /// initialisation vectors that never change (a literal, a constant, or a zero-filled
    /// buffer such as `new byte[16]` or `b"\x00" * 16` that is never filled with random bytes).
    ///
    /// Algorithm names are resolved through constants (`static final String ALGO = "DES"`,
    /// module-level constants, Go and C# `const`s) and through the project's own configuration
    /// files when the code reads them by key (`props.getProperty("crypto.algorithm")`,
    /// `@Value("${crypto.algorithm}")`, `configuration["Crypto:Algorithm"]`).
    ///
    /// Covered APIs: Python `cryptography` and PyCryptodome, `pyDes`; Node `crypto`,
    /// `crypto-js` and `node-forge`; Java JCE; .NET `System.Security.Cryptography`; Go
    /// `crypto/des`, `crypto/rc4`, `x/crypto/blowfish` and `crypto/cipher`.
    ///
    /// ## Why is this bad
    /// DES keys are found by brute force in hours; 3DES, Blowfish and other 64-bit block ciphers
    /// leak plaintext after a few gigabytes (Sweet32); RC4 output is biased and has been used to
    /// recover cookies. ECB encrypts equal blocks to equal ciphertext, so the structure of the
    /// plaintext shows through. A fixed IV makes equal messages encrypt equally and, for CTR and
    /// GCM, reuses the keystream, which reveals the XOR of the plaintexts and lets attackers
    /// forge GCM tags. RSA without padding is deterministic and malleable.
    ///
    /// ## Example
    /// ```java
    /// Cipher cipher = Cipher.getInstance("DES/ECB/PKCS5Padding");
    /// cipher.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(new byte[8]));
    /// ```
    ///
    /// ## Fix
    /// Use an authenticated mode of AES (AES-GCM) or ChaCha20-Poly1305 with a fresh random
    /// nonce for every message, sent along with the ciphertext:
    /// ```java
    /// byte[] nonce = new byte[12];
    /// new SecureRandom().nextBytes(nonce);
    /// Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    /// cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
    /// ```
    /// Use OAEP padding with RSA (`RSA/ECB/OAEPWithSHA-256AndMGF1Padding`).
    ///
    /// ## References
    /// - [CWE-327: Use of a Broken or Risky Cryptographic Algorithm](https://cwe.mitre.org/data/definitions/327.html)
    /// - [CWE-329: Generation of Predictable IV with CBC Mode](https://cwe.mitre.org/data/definitions/329.html)
    /// - [Sweet32: birthday attacks on 64-bit block ciphers](https://sweet32.info/)
    /// - [OWASP Cryptographic Storage Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Cryptographic_Storage_Cheat_Sheet.html)
    pub static WEAK_CIPHER = {
        id: "weak-cipher",
        name: "WeakCipher",
        cwe: 327,
        severity: Medium,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Broken cipher, ECB mode, unpadded RSA or a fixed IV",
        help: "use AES-GCM or ChaCha20-Poly1305 with a fresh random nonce per message",
    }
}

pub struct WeakCipher;

impl StructuralRule for WeakCipher {
    fn meta(&self) -> &'static RuleMeta {
        &WEAK_CIPHER
    }

    fn check(&self, ctx: &FileContext<'_>, out: &mut Vec<Finding>) {
        let language = ctx.file.language;
        if !WEAK_CIPHER.supports(language) {
            return;
        }
        let src = ctx.file.text.as_str();
        let root = ctx.tree.root_node();
        let checker = Checker {
            src,
            language,
            imports: ctx.imports(),
            resolver: StringResolver::new(root, src, language, ctx.settings),
            ctx,
        };
        let mut issues = Vec::new();
        let wanted = |name: &str| {
            let lower = name.to_ascii_lowercase();
            checker.imports.get(name).is_some()
                || [
                    "cipher",
                    "des",
                    "rc2",
                    "rc4",
                    "arc4",
                    "blowfish",
                    "ecb",
                    "cbc",
                    "cfb",
                    "ofb",
                    "ctr",
                    "gcm",
                    "xts",
                    "crypt",
                    "spec",
                    "create",
                    "getinstance",
                    "seal",
                ]
                .iter()
                .any(|w| lower.contains(w))
                || lower == "new"
        };
        for call in ctx.calls_named(wanted) {
            checker.check_call(call, &mut issues);
        }
        checker.check_non_calls(&mut issues);
        issues.sort_by_key(|i| i.node.start_byte());
        issues.dedup_by_key(|i| i.node.id());
        let primary_scopes: Vec<Option<usize>> = issues
            .iter()
            .filter(|i| !i.secondary && i.message.contains("a broken cipher"))
            .map(|i| ast::enclosing_function(i.node).map(|f| f.id()))
            .collect();
        issues.retain(|i| {
            !i.secondary
                || !primary_scopes.contains(&ast::enclosing_function(i.node).map(|f| f.id()))
        });
        for issue in issues {
            let mut b = Finding::builder(
                &WEAK_CIPHER,
                ctx.file
                    .location(issue.node.start_byte(), issue.node.end_byte()),
                issue.message,
            )
            .scope(ast::enclosing_scope(issue.node, src))
            .anchor(ast::text(issue.node, src));
            if let Some(s) = issue.severity {
                b = b.severity(s);
            }
            out.push(b.build());
        }
    }
}

struct Issue<'t> {
    node: Node<'t>,
    message: String,
    severity: Option<Severity>,
    /// A key spec or key generator for a broken cipher: reported only when no cipher
    /// creation in the same function already is.
    secondary: bool,
}

/// What is wrong with a cipher name or transformation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weakness {
    Cipher(&'static str),
    Ecb,
    /// Java `Cipher.getInstance("AES")`: the provider default is ECB.
    DefaultEcb,
    RsaNoPadding,
}

impl Weakness {
    fn describe(self) -> String {
        match self {
            Weakness::Cipher(c) => format!("uses {c}, a broken cipher"),
            Weakness::Ecb => "uses ECB mode, which shows patterns of the plaintext".to_string(),
            Weakness::DefaultEcb => {
                "names no mode, so it defaults to ECB, which shows patterns of the plaintext"
                    .to_string()
            }
            Weakness::RsaNoPadding => "uses RSA without padding (textbook RSA)".to_string(),
        }
    }
}

/// Reads a cipher name or transformation: Java `DES/CBC/PKCS5Padding`, Node `des-ede3-cbc`,
/// forge `3DES-ECB`, .NET `TripleDES`.
fn classify(name: &str, java_transformation: bool) -> Option<Weakness> {
    let upper = name.trim().to_ascii_uppercase();
    let tokens: Vec<&str> = upper
        .split(['/', '-', '_', ' ', '.'])
        .filter(|t| !t.is_empty())
        .collect();
    let first = *tokens.first()?;
    // Password-based schemes name their cipher last: `PBEWithMD5AndDES`,
    // `PBEWithSHA1AndDESede`, `PBEWithSHA1AndRC4_128`.
    if let Some(rest) = first.strip_prefix("PBEWITH") {
        let cipher = rest.rsplit_once("AND").map(|(_, c)| c)?;
        return match classify(cipher, false) {
            Some(w @ Weakness::Cipher(_)) => Some(w),
            _ => None,
        };
    }
    let second = tokens.get(1).copied().unwrap_or("");
    let cipher = match first {
        "DES" | "DESX" if second.starts_with("EDE") => Some("3DES"),
        "DES" | "DESX" => Some("DES"),
        "DESEDE" | "DESEDE3" | "TRIPLEDES" | "3DES" | "DES3" | "TDES" | "TDEA" => Some("3DES"),
        "RC2" => Some("RC2"),
        "RC4" | "ARC4" | "ARCFOUR" => Some("RC4"),
        "BF" | "BLOWFISH" => Some("Blowfish"),
        _ => None,
    };
    if let Some(c) = cipher {
        return Some(Weakness::Cipher(c));
    }
    if first.starts_with("RSA") {
        return tokens
            .contains(&"NOPADDING")
            .then_some(Weakness::RsaNoPadding);
    }
    if tokens.iter().skip(1).any(|t| *t == "ECB") {
        return Some(Weakness::Ecb);
    }
    if java_transformation && tokens.len() == 1 && matches!(first, "AES" | "RIJNDAEL") {
        return Some(Weakness::DefaultEcb);
    }
    None
}

struct Checker<'a, 't> {
    src: &'a str,
    language: Language,
    imports: &'a Imports,
    resolver: StringResolver<'a>,
    ctx: &'a FileContext<'t>,
}

impl<'t> Checker<'_, 't> {
    fn check_call(&self, call: &Call<'t>, issues: &mut Vec<Issue<'t>>) {
        let path = call.resolved_path(self.imports).unwrap_or_default();
        match self.language {
            Language::Python => self.python(call, &path, issues),
            Language::JavaScript | Language::TypeScript | Language::Tsx => {
                self.javascript(call, &path, issues)
            }
            Language::Java => self.java(call, &path, issues),
            Language::CSharp => self.csharp(call, &path, issues),
            Language::Go => self.go(call, &path, issues),
            _ => {}
        }
    }

    fn issue(&self, call: &Call<'t>, what: String, issues: &mut Vec<Issue<'t>>) {
        issues.push(Issue {
            node: call.node,
            message: format!("`{}` {what}", display(call, self.src)),
            severity: None,
            secondary: false,
        });
    }

    /// Classifies the algorithm argument; names the constant or setting it came from.
    fn algorithm_arg(
        &self,
        call: &Call<'t>,
        i: usize,
        java: bool,
        secondary: bool,
        issues: &mut Vec<Issue<'t>>,
    ) {
        let Some(arg) = call.positional(i) else {
            return;
        };
        let Some(value) = self.resolver.resolve(arg) else {
            return;
        };
        let Some(weakness) = classify(&value, java) else {
            return;
        };
        let mut what = weakness.describe();
        if ast::string_value(arg, self.src).is_none() {
            what = format!(
                "{what} (`{}` is \"{value}\")",
                ast::text(arg, self.src).trim()
            );
        }
        issues.push(Issue {
            node: call.node,
            message: format!("`{}` {what}", display(call, self.src)),
            severity: (weakness == Weakness::RsaNoPadding).then_some(Severity::High),
            secondary,
        });
    }

    fn iv_arg(&self, call: &Call<'t>, iv: Option<Node<'t>>, issues: &mut Vec<Issue<'t>>) {
        self.fixed_input(call, iv, "IV", issues);
    }

    /// An AEAD nonce: reusing one with the same key reveals plaintext and the MAC key.
    fn nonce_arg(&self, call: &Call<'t>, nonce: Option<Node<'t>>, issues: &mut Vec<Issue<'t>>) {
        self.fixed_input(call, nonce, "nonce", issues);
    }

    fn fixed_input(
        &self,
        call: &Call<'t>,
        value: Option<Node<'t>>,
        label: &str,
        issues: &mut Vec<Issue<'t>>,
    ) {
        let Some(value) = value else { return };
        if let Some(kind) = self.static_bytes(value, call.node, 0) {
            let shown = ast::text(value, self.src).trim();
            let what = match (kind, shown.len() <= 40) {
                (SHARED, _) => format!(
                    "uses the same {label} (`{shown}`) for every message: it is generated once, \
                     at load time"
                ),
                (_, true) => format!("uses {kind} {label} (`{shown}`)"),
                (_, false) => format!("uses {kind} {label}"),
            };
            self.issue(
                call,
                format!("{what}; every message must get a fresh random {label}"),
                issues,
            );
        }
    }

    /// Whether a method is called on an AEAD object: `AESGCM(key).encrypt(...)` or
    /// `aesgcm.encrypt(...)` after `aesgcm = AESGCM(key)`.
    fn on_aead(&self, call: &Call<'t>) -> bool {
        let Some(r) = call.receiver else {
            return false;
        };
        let created = |n: Node<'t>| {
            ast::call(n, self.src, self.language).is_some_and(|c| {
                matches!(
                    c.name.as_str(),
                    "AESGCM" | "ChaCha20Poly1305" | "AESCCM" | "AESOCB3" | "XChaCha20Poly1305"
                )
            })
        };
        if created(r) {
            return true;
        }
        if r.kind() != "identifier" {
            return false;
        }
        let name = ast::text(r, self.src);
        let local = ast::assignments_before(enclosing_body(r), name, r.start_byte(), self.src);
        let value = local.last().copied().or_else(|| {
            ast::assignments_before(self.ctx.root(), name, r.start_byte(), self.src)
                .into_iter()
                .rfind(|v| ast::enclosing_function(*v).is_none())
        });
        value.is_some_and(created)
    }

    fn python(&self, call: &Call<'t>, path: &str, issues: &mut Vec<Issue<'t>>) {
        let segs: Vec<&str> = path.split('.').collect();
        match segs.as_slice() {
            // cryptography: `algorithms.TripleDES(key)`, `modes.ECB()`, `modes.CBC(iv)`.
            [.., "algorithms", alg] => {
                if let Some(Weakness::Cipher(c)) = classify(alg, false) {
                    self.issue(call, Weakness::Cipher(c).describe(), issues);
                }
            }
            [.., "modes", "ECB"] => self.issue(call, Weakness::Ecb.describe(), issues),
            [.., "modes", "CBC" | "CFB" | "CFB8" | "OFB" | "CTR" | "GCM" | "XTS"] => {
                let iv = call
                    .positional(0)
                    .or_else(|| call.keyword("initialization_vector"))
                    .or_else(|| call.keyword("nonce"));
                self.iv_arg(call, iv, issues);
            }
            // PyCryptodome: `DES.new(key, DES.MODE_CBC)`, `AES.new(key, AES.MODE_ECB)`.
            [pkg, "Cipher", alg, "new"] if matches!(*pkg, "Crypto" | "Cryptodome") => {
                if let Some(Weakness::Cipher(c)) = classify(alg, false) {
                    self.issue(call, Weakness::Cipher(c).describe(), issues);
                    return;
                }
                let mode = call.positional(1).or_else(|| call.keyword("mode"));
                let mode_text = mode.map(|m| ast::text(m, self.src)).unwrap_or("");
                // `MODE_ECB` is 1.
                if mode_text.ends_with("MODE_ECB") || mode_text == "1" {
                    self.issue(call, Weakness::Ecb.describe(), issues);
                    return;
                }
                let iv = call
                    .keyword("iv")
                    .or_else(|| call.keyword("nonce"))
                    .or_else(|| call.positional(2));
                self.iv_arg(call, iv, issues);
            }
            // `AESGCM(key).encrypt(nonce, data, aad)`.
            _ if call.name == "encrypt" && call.args.len() == 3 && self.on_aead(call) => {
                self.nonce_arg(call, call.positional(0), issues)
            }
            ["pyDes", "des"] => self.issue(call, Weakness::Cipher("DES").describe(), issues),
            ["pyDes", "triple_des"] => {
                self.issue(call, Weakness::Cipher("3DES").describe(), issues)
            }
            _ => {}
        }
    }

    fn javascript(&self, call: &Call<'t>, path: &str, issues: &mut Vec<Issue<'t>>) {
        match call.name.as_str() {
            "createCipheriv" | "createDecipheriv" => {
                self.algorithm_arg(call, 0, false, false, issues);
                self.iv_arg(call, call.positional(2), issues);
            }
            "createCipher" | "createDecipher" if path.starts_with("crypto.") => {
                self.issue(
                    call,
                    "derives its key and IV from a password with one round of MD5 and no salt \
                     (deprecated; removed in Node 22)"
                        .to_string(),
                    issues,
                );
            }
            // node-forge `forge.cipher.createCipher('3DES-CBC', key)`.
            "createCipher" | "createDecipher" if path.contains('.') => {
                self.algorithm_arg(call, 0, false, false, issues)
            }
            // crypto-js `CryptoJS.TripleDES.encrypt(msg, key)`.
            "encrypt" | "decrypt" => {
                let segs: Vec<&str> = path.split('.').collect();
                let is_crypto_js = segs.first().is_some_and(|s| s.starts_with("crypto-js"));
                if !is_crypto_js {
                    return;
                }
                let alg = segs
                    .iter()
                    .rev()
                    .nth(1)
                    .map(|s| s.trim_start_matches("crypto-js/"))
                    .unwrap_or("");
                match classify(alg, false) {
                    Some(w @ Weakness::Cipher(_)) => self.issue(call, w.describe(), issues),
                    _ => {
                        if let Some(opts) = call.positional(2) {
                            let iv = object_value(opts, "iv", self.src);
                            self.iv_arg(call, iv, issues);
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn java(&self, call: &Call<'t>, path: &str, issues: &mut Vec<Issue<'t>>) {
        let class = path.rsplit('.').nth(1).unwrap_or("");
        match (class, call.name.as_str(), call.constructor) {
            ("Cipher", "getInstance", false) => self.algorithm_arg(call, 0, true, false, issues),
            ("KeyGenerator" | "SecretKeyFactory", "getInstance", false) => {
                self.algorithm_arg(call, 0, false, true, issues)
            }
            (_, "SecretKeySpec", true) => self.algorithm_arg(call, 1, false, true, issues),
            (_, "IvParameterSpec", true) => self.iv_arg(call, call.positional(0), issues),
            (_, "GCMParameterSpec", true) => self.iv_arg(call, call.positional(1), issues),
            _ => {}
        }
    }

    fn csharp(&self, call: &Call<'t>, path: &str, issues: &mut Vec<Issue<'t>>) {
        let name = call.name.as_str();
        if call.constructor {
            let alg = name
                .trim_end_matches("CryptoServiceProvider")
                .trim_end_matches("Managed")
                .trim_end_matches("Cng");
            if alg.len() != name.len() {
                if let Some(w @ Weakness::Cipher(_)) = classify(alg, false) {
                    self.issue(call, w.describe(), issues);
                }
            }
            return;
        }
        let class = path.rsplit('.').nth(1).unwrap_or("");
        match name {
            "Create" if call.args.is_empty() => {
                if let Some(w @ Weakness::Cipher(_)) = classify(class, false) {
                    self.issue(call, w.describe(), issues);
                }
            }
            "Create" if matches!(class, "SymmetricAlgorithm" | "CryptoConfig") => {
                self.algorithm_arg(call, 0, false, false, issues)
            }
            "CreateFromName" => self.algorithm_arg(call, 0, false, false, issues),
            "EncryptEcb" | "DecryptEcb" => self.issue(call, Weakness::Ecb.describe(), issues),
            "CreateEncryptor" | "CreateDecryptor" => self.iv_arg(
                call,
                call.positional(1).or_else(|| call.keyword("rgbIV")),
                issues,
            ),
            "EncryptCbc" | "DecryptCbc" | "EncryptCfb" | "DecryptCfb" => self.iv_arg(
                call,
                call.positional(1).or_else(|| call.keyword("iv")),
                issues,
            ),
            _ => {}
        }
    }

    fn go(&self, call: &Call<'t>, path: &str, issues: &mut Vec<Issue<'t>>) {
        // `aead.Seal(dst, nonce, plaintext, additionalData)`.
        if call.name == "Seal" && call.args.len() == 4 {
            self.nonce_arg(call, call.positional(1), issues);
            return;
        }
        let Some((pkg, f)) = path.rsplit_once('.') else {
            return;
        };
        let cipher = match (pkg, f) {
            ("crypto/des", "NewCipher") => Some("DES"),
            ("crypto/des", "NewTripleDESCipher") => Some("3DES"),
            ("crypto/rc4", "NewCipher") => Some("RC4"),
            ("golang.org/x/crypto/blowfish", "NewCipher" | "NewSaltedCipher") => Some("Blowfish"),
            _ => None,
        };
        if let Some(c) = cipher {
            self.issue(call, Weakness::Cipher(c).describe(), issues);
            return;
        }
        if pkg == "crypto/cipher"
            && matches!(
                f,
                "NewCBCEncrypter"
                    | "NewCBCDecrypter"
                    | "NewCFBEncrypter"
                    | "NewCFBDecrypter"
                    | "NewOFB"
                    | "NewCTR"
            )
        {
            self.iv_arg(call, call.positional(1), issues);
        }
    }

    /// What is not a call: ECB selected through a mode constant (C# `aes.Mode =
    /// CipherMode.ECB`, crypto-js `{ mode: CryptoJS.mode.ECB }`) and C# IVs set as a property
    /// (`aes.IV = new byte[16]`, `new AesManaged { IV = ... }`).
    fn check_non_calls(&self, issues: &mut Vec<Issue<'t>>) {
        let member_kind = match self.language {
            Language::CSharp => "member_access_expression",
            Language::JavaScript | Language::TypeScript | Language::Tsx => "member_expression",
            _ => return,
        };
        for node in self
            .ctx
            .all_of_kind(&[member_kind, "assignment_expression"])
        {
            if node.kind() == member_kind {
                self.ecb_constant(node, issues);
            } else if self.language == Language::CSharp {
                self.iv_property(node, issues);
            }
        }
    }

    fn ecb_constant(&self, node: Node<'t>, issues: &mut Vec<Issue<'t>>) {
        let named_ecb =
            ast::member_parts(node).is_some_and(|(_, p)| ast::text(p, self.src) == "ECB");
        if !named_ecb {
            return;
        }
        // `if (mode == CipherMode.ECB) throw ...` rejects ECB rather than selecting it.
        let compared = node.parent().is_some_and(|p| {
            matches!(
                p.kind(),
                "binary_expression"
                    | "constant_pattern"
                    | "case_switch_label"
                    | "switch_expression_arm"
                    | "is_pattern_expression"
                    | "switch_case"
            )
        });
        if compared {
            return;
        }
        let Some(path) = ast::dotted_path(node, self.src, self.language) else {
            return;
        };
        let resolved = self.imports.resolve(&path);
        let ecb = match self.language {
            Language::CSharp => path == "CipherMode.ECB" || path.ends_with(".CipherMode.ECB"),
            _ => resolved.starts_with("crypto-js") && resolved.ends_with("mode.ECB"),
        };
        if ecb {
            issues.push(Issue {
                node,
                message: format!(
                    "`{path}` selects ECB mode, which shows patterns of the plaintext"
                ),
                severity: None,
                secondary: false,
            });
        }
    }

    fn iv_property(&self, node: Node<'t>, issues: &mut Vec<Issue<'t>>) {
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return;
        };
        let target = ast::text(left, self.src);
        if target != "IV" && !target.ends_with(".IV") {
            return;
        }
        if let Some(kind) = self.static_bytes(right, node, 0) {
            issues.push(Issue {
                node,
                message: format!(
                    "`{}` sets {kind} IV; every message must get a fresh random IV",
                    ast::text(node, self.src)
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                severity: None,
                secondary: false,
            });
        }
    }

    /// Whether `node` is a byte string that is the same for every message: "a zero" (an
    /// unfilled new buffer), "a constant" (a literal) or "a shared" (random, but made once at
    /// load time and reused by every call). Variables are followed to their assignment in the
    /// same function, or at top level (module variables, fields); a buffer that is later passed
    /// to any call (such as `rand.Read(iv)` or `random.nextBytes(iv)`) counts as filled.
    fn static_bytes(&self, node: Node<'t>, use_site: Node<'t>, depth: u32) -> Option<&'static str> {
        if depth > 4 {
            return None;
        }
        let src = self.src;
        if ast::is_string_literal(node) {
            return ast::string_value(node, src).map(|_| CONSTANT);
        }
        match node.kind() {
            "identifier" => {
                let name = ast::text(node, src);
                let body = enclosing_body(node);
                let local = ast::assignments_before(body, name, node.start_byte(), src);
                if !local.is_empty() {
                    let [value] = local.as_slice() else {
                        return None;
                    };
                    let kind = self.static_bytes(*value, use_site, depth + 1)?;
                    if kind == ZERO && filled_later(body, name, use_site, src) {
                        return None;
                    }
                    return Some(kind);
                }
                // A module-level variable or a field: made once, shared by every call.
                let top: Vec<Node<'t>> =
                    ast::assignments_before(self.ctx.root(), name, usize::MAX, src)
                        .into_iter()
                        .filter(|v| ast::enclosing_function(*v).is_none())
                        .collect();
                let [value] = top.as_slice() else {
                    return None;
                };
                let in_function = ast::enclosing_function(use_site).is_some();
                match self.static_bytes(*value, use_site, depth + 1) {
                    Some(ZERO) if filled_later(self.ctx.root(), name, use_site, src) => {
                        in_function.then_some(SHARED)
                    }
                    Some(kind) => Some(kind),
                    None => (in_function && is_random_source(*value, src)).then_some(SHARED),
                }
            }
            // `self.IV`, `this.iv`, `Config.IV`: a class-level literal.
            "attribute"
            | "member_expression"
            | "field_access"
            | "member_access_expression"
            | "selector_expression" => {
                let (object, member) = ast::member_parts(node)?;
                let object = ast::text(object, src);
                let own = matches!(object, "self" | "this" | "cls")
                    || object.chars().next().is_some_and(char::is_uppercase);
                if !own {
                    return None;
                }
                let name = ast::text(member, src);
                let top: Vec<Node<'t>> =
                    ast::assignments_before(self.ctx.root(), name, usize::MAX, src)
                        .into_iter()
                        .filter(|v| ast::enclosing_function(*v).is_none())
                        .collect();
                let [value] = top.as_slice() else {
                    return None;
                };
                // Zero buffers may be filled elsewhere; only literals are certain.
                self.static_bytes(*value, use_site, depth + 1)
                    .filter(|k| *k == CONSTANT)
            }
            "parenthesized_expression" => self.static_bytes(
                ast::named_children(node).into_iter().next()?,
                use_site,
                depth + 1,
            ),
            // Python `b"\x00" * 16`.
            "binary_operator" | "binary_expression" => {
                let op = node
                    .child_by_field_name("operator")
                    .map(|o| ast::text(o, src));
                if op != Some("*") {
                    return None;
                }
                let left = node.child_by_field_name("left")?;
                let bytes = ast::string_value(left, src)?;
                Some(if bytes.chars().all(|c| c == '\0') {
                    ZERO
                } else {
                    CONSTANT
                })
            }
            // Java/C# `new byte[16]`, `new byte[] {1, 2}`; Java field `byte[] IV = {0, 1}`.
            "array_creation_expression" => {
                if !ast::descendants_of_kind(node, &["array_initializer", "initializer_expression"])
                    .is_empty()
                {
                    Some(CONSTANT)
                } else {
                    Some(ZERO)
                }
            }
            "array_initializer" => Some(CONSTANT),
            // Go `[]byte("0123456789abcdef")`, `[]byte{0, 1}`.
            "type_conversion_expression" => {
                let operand = node.child_by_field_name("operand")?;
                self.resolver.resolve(operand).map(|_| CONSTANT)
            }
            "composite_literal" => {
                let ty = node.child_by_field_name("type").map(|t| ast::text(t, src));
                ty.is_some_and(|t| t.ends_with("byte")).then_some(CONSTANT)
            }
            _ => {
                let call = ast::call(node, src, self.language)?;
                self.static_bytes_call(&call, use_site, depth)
            }
        }
    }

    fn static_bytes_call(
        &self,
        call: &Call<'t>,
        use_site: Node<'t>,
        depth: u32,
    ) -> Option<&'static str> {
        let src = self.src;
        let path = call.resolved_path(self.imports).unwrap_or_default();
        let first = call.positional(0);
        let is_int = |n: Option<Node<'_>>| {
            n.is_some_and(|n| {
                matches!(
                    n.kind(),
                    "integer" | "number" | "int_literal" | "decimal_integer_literal"
                ) || ast::text(n, src).ends_with("BlockSize")
                    || ast::text(n, src).ends_with("block_size")
            })
        };
        let constant_arg =
            |n: Option<Node<'_>>| n.is_some_and(|n| self.resolver.resolve(n).is_some());
        match (self.language, path.as_str(), call.name.as_str()) {
            // Python `bytes(16)`, `"0123456789abcdef".encode()`, `bytes.fromhex("00ff...")`.
            (Language::Python, "bytes" | "bytearray", _) if is_int(first) => Some(ZERO),
            (Language::Python, _, "encode" | "fromhex" | "unhexlify" | "b64decode") => {
                let subject = call.receiver.filter(|_| call.name == "encode").or(first);
                constant_arg(subject).then_some(CONSTANT)
            }
            // Node `Buffer.alloc(16)`, `Buffer.from('...')`, `new Uint8Array(16)`,
            // crypto-js `CryptoJS.enc.Utf8.parse('...')`.
            (_, "Buffer.alloc", _) => {
                let fill = call.positional(1);
                (fill.is_none() || constant_arg(fill) || is_int(fill)).then_some(ZERO)
            }
            (_, "Buffer.from", _) => {
                let literal_array = first.is_some_and(|a| a.kind() == "array" && all_literals(a));
                (constant_arg(first) || literal_array).then_some(CONSTANT)
            }
            (_, _, "Uint8Array") if call.constructor => {
                if is_int(first) {
                    Some(ZERO)
                } else {
                    first
                        .filter(|a| a.kind() == "array" && all_literals(*a))
                        .map(|_| CONSTANT)
                }
            }
            (_, _, "parse") if path.contains("enc.") => constant_arg(first).then_some(CONSTANT),
            // Java `"...".getBytes(UTF_8)`, C# `Encoding.UTF8.GetBytes("...")`.
            (Language::Java, _, "getBytes") => constant_arg(call.receiver).then_some(CONSTANT),
            (Language::CSharp, _, "GetBytes") if path.contains("Encoding") => {
                constant_arg(first).then_some(CONSTANT)
            }
            // Decoded literals: `Base64.getDecoder().decode("...")`, `Hex.decodeHex("...")`,
            // `Convert.FromBase64String("...")`.
            (
                Language::Java
                | Language::CSharp
                | Language::JavaScript
                | Language::TypeScript
                | Language::Tsx,
                _,
                "decode" | "decodeHex" | "parseHexBinary" | "FromBase64String" | "FromHexString",
            ) => constant_arg(first).then_some(CONSTANT),
            (Language::Java, _, "copyOf") => {
                let arr = first?;
                self.static_bytes(arr, use_site, depth + 1)
            }
            // Go `make([]byte, aes.BlockSize)`.
            (Language::Go, "make", _) => {
                let ty = first.map(|t| ast::text(t, src)).unwrap_or("");
                ty.ends_with("byte").then_some(ZERO)
            }
            _ => None,
        }
    }
}

const ZERO: &str = "a zero";
const CONSTANT: &str = "a constant";
const SHARED: &str = "a shared";

/// Whether a value comes from a random generator (`crypto.randomBytes(16)`, `os.urandom(16)`,
/// `get_random_bytes(16)`, `secrets.token_bytes()`).
fn is_random_source(value: Node<'_>, src: &str) -> bool {
    let kind = value.kind();
    let is_call =
        kind.contains("call") || kind.contains("invocation") || kind == "method_invocation";
    let t = ast::text(value, src).to_ascii_lowercase();
    is_call && (t.contains("random") || t.contains("token_bytes"))
}

/// Whether every element of an array literal is a literal.
fn all_literals(array: Node<'_>) -> bool {
    ast::named_children(array).iter().all(|e| {
        matches!(
            e.kind(),
            "number" | "integer" | "decimal_integer_literal" | "int_literal"
        )
    })
}

/// The value of key `key` in an object literal.
fn object_value<'t>(object: Node<'t>, key: &str, src: &str) -> Option<Node<'t>> {
    if object.kind() != "object" {
        return None;
    }
    ast::named_children(object).into_iter().find_map(|p| {
        let k = p.child_by_field_name("key")?;
        (ast::text(k, src).trim_matches(['"', '\'']) == key)
            .then(|| p.child_by_field_name("value"))
            .flatten()
    })
}

/// Whether buffer `name` is handed to some call other than `use_site` in `body`, or has an
/// element assigned, such as `rand.Read(iv)`, `io.ReadFull(rand.Reader, iv)`,
/// `secureRandom.nextBytes(iv)`, `RandomNumberGenerator.Fill(iv)` or `iv[i] = ...`.
fn filled_later(body: Node<'_>, name: &str, use_site: Node<'_>, src: &str) -> bool {
    let mut filled = false;
    ast::walk(body, |n| {
        if filled || n.kind() != "identifier" || ast::text(n, src) != name {
            return;
        }
        if n.start_byte() >= use_site.start_byte() && n.end_byte() <= use_site.end_byte() {
            return;
        }
        let Some(parent) = n.parent() else { return };
        let in_args = matches!(parent.kind(), "argument_list" | "arguments")
            || (parent.kind() == "argument"
                && parent.parent().is_some_and(|p| p.kind() == "argument_list"));
        let receiver = ast::member_parts(parent).is_some_and(|(o, _)| o == n)
            && parent.parent().is_some_and(|c| {
                matches!(
                    c.kind(),
                    "call" | "call_expression" | "invocation_expression"
                )
            })
            || (parent.kind() == "method_invocation"
                && parent.child_by_field_name("object") == Some(n));
        let element = matches!(
            parent.kind(),
            "subscript"
                | "element_access_expression"
                | "index_expression"
                | "array_access"
                | "subscript_expression"
        ) && parent.parent().and_then(|a| a.child_by_field_name("left"))
            == Some(parent);
        // Go slices of the buffer (`iv := ciphertext[:16]`) are not at issue here.
        if in_args || receiver || element {
            filled = true;
        }
    });
    filled
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_cases, check, check_with_settings};
    use rampart_syntax::ProjectSettings;

    #[test]
    fn classifies_names() {
        assert_eq!(
            classify("DES/CBC/PKCS5Padding", true),
            Some(Weakness::Cipher("DES"))
        );
        assert_eq!(
            classify("des-ede3-cbc", false),
            Some(Weakness::Cipher("3DES"))
        );
        assert_eq!(classify("DESede", true), Some(Weakness::Cipher("3DES")));
        assert_eq!(classify("aes-128-ecb", false), Some(Weakness::Ecb));
        assert_eq!(classify("AES", true), Some(Weakness::DefaultEcb));
        assert_eq!(classify("AES", false), None);
        assert_eq!(
            classify("RSA/ECB/NoPadding", true),
            Some(Weakness::RsaNoPadding)
        );
        assert_eq!(
            classify("RSA/ECB/OAEPWithSHA-256AndMGF1Padding", true),
            None
        );
        assert_eq!(classify("AES/GCM/NoPadding", true), None);
        assert_eq!(classify("rc4", false), Some(Weakness::Cipher("RC4")));
        assert_eq!(
            classify("bf-cbc", false),
            Some(Weakness::Cipher("Blowfish"))
        );
        assert_eq!(classify("aes-256-gcm", false), None);
        assert_eq!(
            classify("PBEWithMD5AndDES", true),
            Some(Weakness::Cipher("DES"))
        );
        assert_eq!(
            classify("PBEWithSHA1AndDESede", true),
            Some(Weakness::Cipher("3DES"))
        );
        assert_eq!(
            classify("PBEWithSHA1AndRC4_128", true),
            Some(Weakness::Cipher("RC4"))
        );
        assert_eq!(classify("PBEWithHmacSHA256AndAES_256", true), None);
    }

    #[test]
    fn python() {
        assert_cases(
            &WeakCipher,
            Language::Python,
            &[
                "from Crypto.Cipher import DES\n\ndef encrypt(key, data):\n    cipher = DES.new(key, DES.MODE_CBC)\n    return cipher.encrypt(data)\n",
                "from Crypto.Cipher import AES\n\ndef encrypt(key, data):\n    return AES.new(key, AES.MODE_ECB).encrypt(pad(data, 16))\n",
                "from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes\n\ncipher = Cipher(algorithms.TripleDES(key), modes.CBC(iv))\n",
                "from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes\n\nIV = b'\\x00' * 16\n\ndef enc(key, data):\n    c = Cipher(algorithms.AES(key), modes.CBC(IV)).encryptor()\n    return c.update(data)\n",
                "from Crypto.Cipher import AES\n\ndef enc(key, data):\n    iv = b'1234567890abcdef'\n    return AES.new(key, AES.MODE_CBC, iv).encrypt(data)\n",
                "from Crypto.Cipher import ARC4\nc = ARC4.new(key)\n",
                "from Crypto.Cipher import AES\n\nclass Vault:\n    IV = b'fedcba9876543210'\n\n    def seal(self, key, data):\n        return AES.new(key, AES.MODE_CBC, self.IV).encrypt(data)\n",
                "import os\nfrom Crypto.Cipher import AES\n\nKEY = os.environ['KEY'].encode()\nIV = os.urandom(16)\n\ndef encrypt(data):\n    return AES.new(KEY, AES.MODE_CBC, IV).encrypt(data)\n",
                "from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n\nNONCE = b'\\x00' * 12\n\ndef seal(key, data):\n    aesgcm = AESGCM(key)\n    return aesgcm.encrypt(NONCE, data, None)\n",
            ],
            &[
                "from Crypto.Cipher import AES\nfrom Crypto.Random import get_random_bytes\n\ndef enc(key, data):\n    iv = get_random_bytes(16)\n    return iv + AES.new(key, AES.MODE_CBC, iv).encrypt(data)\n",
                "import os\nfrom cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes\n\ndef enc(key, data):\n    nonce = os.urandom(12)\n    return Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor().update(data)\n",
                "from Crypto.Cipher import AES\n\ndef enc(key, data):\n    return AES.new(key, AES.MODE_GCM).encrypt_and_digest(data)\n",
                "from cryptography.hazmat.primitives.ciphers.aead import AESGCM\nAESGCM(key).encrypt(os.urandom(12), data, None)\n",
                "from cryptography.hazmat.primitives.ciphers.aead import AESGCM\n\ndef seal(key, data):\n    nonce = os.urandom(12)\n    aesgcm = AESGCM(key)\n    return nonce + aesgcm.encrypt(nonce, data, None)\n",
            ],
        );
    }

    #[test]
    fn javascript() {
        assert_cases(
            &WeakCipher,
            Language::JavaScript,
            &[
                "const crypto = require('crypto');\nfunction encrypt(text, key) {\n  const cipher = crypto.createCipheriv('des-ede3-cbc', key, iv);\n  return cipher.update(text, 'utf8', 'hex') + cipher.final('hex');\n}\n",
                "const crypto = require('crypto');\nconst cipher = crypto.createCipheriv('aes-256-ecb', key, null);\n",
                "const crypto = require('crypto');\nconst key = crypto.randomBytes(32);\nconst iv = crypto.randomBytes(16);\nfunction encrypt(text) {\n  const cipher = crypto.createCipheriv('aes-256-cbc', key, iv);\n  return cipher.update(text, 'utf8', 'hex') + cipher.final('hex');\n}\n",
                "const crypto = require('crypto');\nconst cipher = crypto.createCipher('aes-256-cbc', process.env.SECRET);\n",
                "const crypto = require('crypto');\nconst IV = Buffer.alloc(16, 0);\nfunction enc(key, text) { return crypto.createCipheriv('aes-256-cbc', key, IV).update(text); }\n",
                "const CryptoJS = require('crypto-js');\nconst enc = CryptoJS.AES.encrypt(msg, key, { mode: CryptoJS.mode.ECB });\n",
                "const CryptoJS = require('crypto-js');\nconst enc = CryptoJS.TripleDES.encrypt(msg, key);\n",
            ],
            &[
                "const crypto = require('crypto');\nfunction enc(key, text) {\n  const iv = crypto.randomBytes(16);\n  const c = crypto.createCipheriv('aes-256-gcm', key, iv);\n  return Buffer.concat([iv, c.update(text), c.final()]);\n}\n",
                "const crypto = require('crypto');\nfunction dec(key, data) {\n  const iv = data.subarray(0, 16);\n  return crypto.createDecipheriv('aes-256-cbc', key, iv).update(data.subarray(16));\n}\n",
                "const crypto = require('crypto');\nconst iv = Buffer.alloc(16);\ncrypto.randomFillSync(iv);\nconst c = crypto.createCipheriv('aes-256-cbc', key, iv);\n",
                "const forge = require('node-forge');\nconst c = forge.cipher.createCipher('AES-GCM', key);\n",
                "const crypto = require('crypto');\nconst iv = crypto.randomBytes(16);\nconst cipher = crypto.createCipheriv('aes-256-cbc', key, iv);\n",
            ],
        );
    }

    #[test]
    fn typescript() {
        for lang in [Language::TypeScript, Language::Tsx] {
            assert_cases(
                &WeakCipher,
                lang,
                &[
                    "import { createCipheriv } from 'crypto';\nconst ALGORITHM = 'des-cbc';\nexport function encrypt(data: string, key: Buffer, iv: Buffer): string {\n  const c = createCipheriv(ALGORITHM, key, iv);\n  return c.update(data, 'utf8', 'hex');\n}\n",
                    "import * as crypto from 'crypto';\nexport const enc = (key: Buffer, s: string) => crypto.createCipheriv('aes-256-cbc', key, Buffer.from('0000000000000000')).update(s);\n",
                    "import crypto from 'crypto';\nconst c = crypto.createCipheriv('rc4', key, '');\n",
                ],
                &[
                    "import { createCipheriv, randomBytes } from 'crypto';\nexport function encrypt(data: string, key: Buffer) {\n  const iv = randomBytes(12);\n  const c = createCipheriv('aes-256-gcm', key, iv);\n  return [iv, c.update(data), c.final(), c.getAuthTag()];\n}\n",
                    "import { createCipheriv } from 'crypto';\nexport function encrypt(data: string, key: Buffer, iv: Buffer) { return createCipheriv('chacha20-poly1305', key, iv, { authTagLength: 16 }); }\n",
                    "export function createCipher(name: string) { return name; }\ncreateCipher('des');\n",
                ],
            );
        }
    }

    #[test]
    fn java() {
        assert_cases(
            &WeakCipher,
            Language::Java,
            &[
                "import javax.crypto.Cipher;\nclass Crypto {\n  byte[] enc(byte[] data, SecretKey key) throws Exception {\n    Cipher cipher = Cipher.getInstance(\"DES/CBC/PKCS5Padding\");\n    cipher.init(Cipher.ENCRYPT_MODE, key);\n    return cipher.doFinal(data);\n  }\n}\n",
                "class Crypto { Cipher c() throws Exception { return Cipher.getInstance(\"AES\"); } }\n",
                "class Crypto { private static final String TRANSFORMATION = \"AES/ECB/PKCS5Padding\";\n  Cipher c() throws Exception { return Cipher.getInstance(TRANSFORMATION); } }\n",
                "class Crypto { void init(Cipher c, SecretKey k) throws Exception { byte[] iv = new byte[16]; c.init(Cipher.ENCRYPT_MODE, k, new IvParameterSpec(iv)); } }\n",
                "class Crypto { private static final byte[] IV = \"0123456789abcdef\".getBytes(); void f() { new IvParameterSpec(IV); } }\n",
                "class Crypto { void f(Cipher c, SecretKey k) throws Exception { c.init(Cipher.ENCRYPT_MODE, k, new IvParameterSpec(Base64.getDecoder().decode(\"AAAAAAAAAAAAAAAAAAAAAA==\"))); } }\n",
                "class Rsa { Cipher c() throws Exception { return Cipher.getInstance(\"RSA/ECB/NoPadding\"); } }\n",
            ],
            &[
                "class Crypto { Cipher c() throws Exception { return Cipher.getInstance(\"AES/GCM/NoPadding\"); } }\n",
                "class Crypto { void init(Cipher c, SecretKey k) throws Exception { byte[] iv = new byte[12]; new SecureRandom().nextBytes(iv); c.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, iv)); } }\n",
                "class Rsa { Cipher c() throws Exception { return Cipher.getInstance(\"RSA/ECB/OAEPWithSHA-256AndMGF1Padding\"); } }\n",
                "class Crypto { Cipher c(String algo) throws Exception { return Cipher.getInstance(algo); } }\n",
            ],
        );
    }

    #[test]
    fn java_settings() {
        let mut settings = ProjectSettings::default();
        settings.insert("crypto.algorithm", "DESede/CBC/PKCS5Padding");
        let code = "class Crypto {\n  @Value(\"${crypto.algorithm}\")\n  private String algorithm;\n  Cipher c() throws Exception { return Cipher.getInstance(algorithm); }\n  Cipher d(Properties props) throws Exception { return Cipher.getInstance(props.getProperty(\"crypto.algorithm\")); }\n}\n";
        let f = check_with_settings(&WeakCipher, Language::Java, code, &settings);
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f[0].message.contains("uses 3DES"), "{}", f[0].message);
        assert!(check(&WeakCipher, Language::Java, code).is_empty());
    }

    #[test]
    fn csharp() {
        assert_cases(
            &WeakCipher,
            Language::CSharp,
            &[
                "using System.Security.Cryptography;\nclass Enc { byte[] F(byte[] data) { using var des = DES.Create(); return des.CreateEncryptor().TransformFinalBlock(data, 0, data.Length); } }\n",
                "class Enc { void F() { var tdes = new TripleDESCryptoServiceProvider(); } }\n",
                "class Enc { void F() { using var aes = Aes.Create(); aes.Mode = CipherMode.ECB; } }\n",
                "class Enc { void F(byte[] key) { using var aes = Aes.Create(); var enc = aes.CreateEncryptor(key, new byte[16]); } }\n",
                "class Enc { void F(byte[] key) { using var aes = Aes.Create(); aes.Key = key; aes.IV = new byte[16]; } }\n",
                "class Enc { void F(byte[] key) { var aes = new AesManaged { Key = key, IV = Encoding.ASCII.GetBytes(\"abcdefghijklmnop\") }; } }\n",
                "class Enc { private static readonly byte[] Iv = Encoding.UTF8.GetBytes(\"1234567890123456\"); void F(byte[] key) { using var aes = Aes.Create(); var e = aes.CreateEncryptor(key, Iv); } }\n",
            ],
            &[
                "class Enc { void F(byte[] key) { using var aes = Aes.Create(); aes.Key = key; aes.GenerateIV(); var e = aes.CreateEncryptor(); } }\n",
                "class Enc { void F(byte[] key) { var iv = new byte[16]; RandomNumberGenerator.Fill(iv); using var aes = Aes.Create(); var e = aes.CreateEncryptor(key, iv); } }\n",
                "class Enc { void F() { using var aes = Aes.Create(); aes.Mode = CipherMode.CBC; } }\n",
                "class Enc { void Check(SymmetricAlgorithm alg) { if (alg.Mode == CipherMode.ECB) throw new CryptographicException(\"ECB is not allowed\"); } }\n",
                "class Enc { void F(byte[] key, byte[] iv) { using var aes = Aes.Create(); aes.IV = iv; } }\n",
            ],
        );
    }

    #[test]
    fn csharp_settings() {
        let mut settings = ProjectSettings::default();
        settings.insert("Crypto:Algorithm", "DES");
        let code = "class Enc { void F(IConfiguration config) { var alg = SymmetricAlgorithm.Create(config[\"Crypto:Algorithm\"]); } }\n";
        assert_eq!(
            check_with_settings(&WeakCipher, Language::CSharp, code, &settings).len(),
            1
        );
    }

    #[test]
    fn go() {
        assert_cases(
            &WeakCipher,
            Language::Go,
            &[
                "package crypt\n\nimport \"crypto/des\"\n\nfunc NewBlock(key []byte) (cipher.Block, error) {\n\treturn des.NewCipher(key)\n}\n",
                "package crypt\n\nimport \"crypto/rc4\"\n\nfunc Enc(key, data []byte) []byte {\n\tc, _ := rc4.NewCipher(key)\n\tout := make([]byte, len(data))\n\tc.XORKeyStream(out, data)\n\treturn out\n}\n",
                "package crypt\n\nimport (\n\t\"crypto/aes\"\n\t\"crypto/cipher\"\n)\n\nfunc Enc(key, data []byte) []byte {\n\tblock, _ := aes.NewCipher(key)\n\tiv := make([]byte, aes.BlockSize)\n\tmode := cipher.NewCBCEncrypter(block, iv)\n\tout := make([]byte, len(data))\n\tmode.CryptBlocks(out, data)\n\treturn out\n}\n",
                "package crypt\n\nimport (\n\t\"crypto/aes\"\n\t\"crypto/cipher\"\n)\n\nfunc Seal(key, data []byte) []byte {\n\tblock, _ := aes.NewCipher(key)\n\tgcm, _ := cipher.NewGCM(block)\n\tnonce := make([]byte, gcm.NonceSize())\n\treturn gcm.Seal(nil, nonce, data, nil)\n}\n",
                "package crypt\n\nimport (\n\t\"crypto/aes\"\n\t\"crypto/cipher\"\n)\n\nvar iv = []byte(\"abcdefghijklmnop\")\n\nfunc Enc(key, data []byte) {\n\tblock, _ := aes.NewCipher(key)\n\tcipher.NewCFBEncrypter(block, iv)\n}\n",
            ],
            &[
                "package crypt\n\nimport (\n\t\"crypto/aes\"\n\t\"crypto/cipher\"\n\t\"crypto/rand\"\n\t\"io\"\n)\n\nfunc Enc(key, data []byte) []byte {\n\tblock, _ := aes.NewCipher(key)\n\tout := make([]byte, aes.BlockSize+len(data))\n\tiv := out[:aes.BlockSize]\n\tio.ReadFull(rand.Reader, iv)\n\tcipher.NewCFBEncrypter(block, iv).XORKeyStream(out[aes.BlockSize:], data)\n\treturn out\n}\n",
                "package crypt\n\nimport (\n\t\"crypto/aes\"\n\t\"crypto/cipher\"\n\t\"crypto/rand\"\n)\n\nfunc Enc(key, data []byte) {\n\tblock, _ := aes.NewCipher(key)\n\tiv := make([]byte, aes.BlockSize)\n\trand.Read(iv)\n\tcipher.NewCBCEncrypter(block, iv)\n}\n",
                "package crypt\n\nimport \"github.com/acme/des\"\n\nfunc F(k []byte) { des.NewCipher(k) }\n",
                "package crypt\n\nimport (\n\t\"crypto/aes\"\n\t\"crypto/cipher\"\n\t\"crypto/rand\"\n\t\"io\"\n)\n\nfunc Seal(key, data []byte) []byte {\n\tblock, _ := aes.NewCipher(key)\n\tgcm, _ := cipher.NewGCM(block)\n\tnonce := make([]byte, gcm.NonceSize())\n\tif _, err := io.ReadFull(rand.Reader, nonce); err != nil {\n\t\tpanic(err)\n\t}\n\treturn gcm.Seal(nonce, nonce, data, nil)\n}\n",
            ],
        );
    }
}
