use crate::ast;
use crate::rules::secrets::detect::{self, SecretName};
use crate::{FileContext, StructuralRule};
use rampart_core::{Confidence, Finding, Language, RuleMeta, Severity};
use tree_sitter::Node;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds credentials written into source code: strings in a known credential format (AWS
    /// access key IDs, GitHub, GitLab, Slack, Stripe, Google, SendGrid, Twilio, npm, OpenAI and
    /// Anthropic keys, private key PEM blocks, JSON Web Tokens), passwords inside connection
    /// strings (`postgres://user:pass@host`, `Password=...;`), and string literals of real
    /// entropy assigned to a password, secret, key or token: variables, fields, constants,
    /// dictionary and object keys, keyword arguments, setters, default parameter values and
    /// comparisons (`if password == "..."`).
    ///
    /// Placeholders (`changeme`, `your-api-key-here`, `<token>`, `${VAR}`, `xxx`, `example`,
    /// `dummy`, `test`), empty and short values, environment lookups, and names that only
    /// mention a secret (`password_field`, `token_type`, `PASSWORD_RESET_URL`, `secret_name`)
    /// are not reported. In test code (`tests/`, `test_*.py`, `*.spec.ts`, `*Test.java`) and
    /// sample payloads in API schemas (`"example": {...}`) only vendor credential formats are
    /// reported, with a lower severity and confidence: a test user's password is made up, a
    /// cloud key in a test is still a leaked key. Lines already
    /// reviewed for other scanners (`# pragma: allowlist secret`, `gitleaks:allow`) are
    /// skipped. Messages never show a secret in full.
    ///
    /// Signing keys are reported whatever they look like, since a short or placeholder key is
    /// the first one an attacker tries: the key passed to `jwt.encode`/`jwt.decode` (PyJWT,
    /// python-jose), `jsonwebtoken`'s `sign`/`verify`, `hmac.new`, `crypto.createHmac`,
    /// itsdangerous serializers and `cookie-parser`, directly or through a constant of the file;
    /// Flask/Django `SECRET_KEY` and `app.secret_key`; `express-session`'s `secret`; and a
    /// literal default for a secret environment variable (`os.environ.get("JWT_SECRET",
    /// "dev")`, `process.env.JWT_SECRET || 'dev'`), which is what runs when the variable is
    /// missing. Encryption keys written into the code are reported the same way, as CWE-321:
    /// the key of `crypto.createCipheriv`, PyCryptodome `AES.new`, `Fernet(...)` and crypto-js
    /// `AES.encrypt`, also through `Buffer.from(...)`, `b"..."`, `.encode()` or `bytes.fromhex`.
    /// Only empty values and template slots (`<secret>`, `${SECRET}`) are skipped.
    ///
    /// ## Why is this bad
    /// Source code is copied, shared, pushed to public repositories and kept forever in version
    /// control history. Anyone who can read it can use the credential; rotating it means a code
    /// change and a deployment, so leaked keys tend to stay valid. Automated scanners harvest
    /// keys from public commits within minutes.
    ///
    /// ## Example
    /// ```python
    /// AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
    /// app.config["SECRET_KEY"] = "8f42a73054b1749f8f58848be5e6502c"
    /// conn = psycopg2.connect(host="db", user="app", password="Sup3rS3cret!")
    /// ```
    ///
    /// ## Fix
    /// Read credentials from the environment or a secret manager at run time, and rotate any
    /// credential that was ever committed:
    /// ```python
    /// AWS_ACCESS_KEY_ID = os.environ["AWS_ACCESS_KEY_ID"]
    /// app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
    /// conn = psycopg2.connect(host="db", user="app", password=os.environ["DB_PASSWORD"])
    /// ```
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [OWASP Secrets Management Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html)
    pub static HARDCODED_SECRET = {
        id: "hardcoded-secret",
        name: "HardcodedSecret",
        cwe: 798,
        other_cwes: [321],
        severity: High,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "Credential hard-coded in source code",
        help: "load the secret from the environment or a secret manager, and rotate the exposed one",
    }
}

pub struct HardcodedSecret;

impl StructuralRule for HardcodedSecret {
    fn meta(&self) -> &'static RuleMeta {
        &HARDCODED_SECRET
    }

    fn check(&self, ctx: &FileContext<'_>, out: &mut Vec<Finding>) {
        let src = ctx.file.text.as_str();
        let language = ctx.file.language;
        let in_tests = detect::is_test_path(&ctx.file.rel_path);
        let mut reported: Vec<usize> = Vec::new();
        for node in ctx.all_of_kind(ast::STRING_LITERAL_KINDS) {
            let Some(hit) = judge(node, src, language) else {
                continue;
            };
            reported.push(node.start_byte());
            if allowlisted(ctx, node) {
                continue;
            }
            let example = in_example_context(node, src);
            // Sample payloads and test suites hold made-up passwords (`password="secret123"` for a
            // throwaway user); only a real credential format still counts there.
            if (example || in_tests) && !hit.known_format {
                continue;
            }
            let (mut severity, mut confidence) = (hit.severity, hit.confidence);
            if in_tests || example {
                severity = severity.lowered();
                confidence = confidence.lowered();
            }
            out.push(
                Finding::builder(
                    &HARDCODED_SECRET,
                    ctx.file.location(node.start_byte(), node.end_byte()),
                    hit.message,
                )
                .severity(severity)
                .confidence(confidence)
                .scope(ast::enclosing_scope(node, src))
                .anchor(hit.anchor)
                .build(),
            );
        }
        // Signing keys count whatever they look like: a short or placeholder key is the one
        // an attacker tries first.
        if in_tests {
            return;
        }
        for key in super::signing_key::find(ctx) {
            let node = key.literal;
            if reported.contains(&node.start_byte())
                || allowlisted(ctx, node)
                || in_example_context(node, src)
            {
                continue;
            }
            out.push(
                Finding::builder(
                    &HARDCODED_SECRET,
                    ctx.file.location(node.start_byte(), node.end_byte()),
                    key.message,
                )
                .severity(Severity::High)
                .confidence(if key.fallback {
                    Confidence::Medium
                } else {
                    Confidence::High
                })
                .cwe(if key.cipher { 321 } else { 798 })
                .scope(ast::enclosing_scope(node, src))
                .anchor(format!("signing-key {}", ast::text(node, src)))
                .build(),
            );
        }
    }
}

/// Markers other secret scanners honour on the literal's line (detect-secrets, gitleaks): the
/// author has already reviewed the value as not a secret.
fn allowlisted(ctx: &FileContext<'_>, node: Node<'_>) -> bool {
    let line = node.end_position().row as u32 + 1;
    let text = ctx.file.lines.line_text(&ctx.file.text, line);
    text.contains("pragma: allowlist secret") || text.contains("gitleaks:allow")
}

struct Hit {
    message: String,
    /// Found by a vendor credential format rather than by name.
    known_format: bool,
    anchor: String,
    severity: Severity,
    confidence: Confidence,
}

/// Decides whether one string literal is a hard-coded credential. Checks that only read the
/// literal come first: climbing to parents is costly in tree-sitter, and most literals are
/// ruled out by their text alone.
fn judge(lit: Node<'_>, src: &str, language: Language) -> Option<Hit> {
    // Shorter than the shortest password plus its quotes: nothing to decode.
    if lit.end_byte() - lit.start_byte() < 8 {
        return None;
    }
    let value = ast::string_value(lit, src);
    let scanned = value.as_deref().unwrap_or_else(|| ast::text(lit, src));
    // Embedded images and fonts: random base64 can spell any prefix.
    if scanned.starts_with("data:") {
        return None;
    }
    let format = detect::find_format(scanned);
    let inline = if format.is_none() && (scanned.contains('@') || scanned.contains('=')) {
        detect::find_inline_password(scanned)
    } else {
        None
    };
    let by_name = value.as_deref().is_some_and(could_be_named_secret);
    if (format.is_none() && inline.is_none() && !by_name) || is_part_or_docstring(lit, language) {
        return None;
    }
    let target = secret_target(lit, src, language);
    let place = target
        .as_ref()
        .map(|t| format!(" in {}", t.shown))
        .unwrap_or_default();
    let anchor_name = target.as_ref().map_or("", |t| t.name.as_str());

    if let Some(found) = format {
        let shown = if found.label == "private key" {
            "`-----BEGIN … PRIVATE KEY-----`".to_string()
        } else {
            format!("`{}`", detect::mask(&found.secret))
        };
        let named = target
            .as_ref()
            .is_some_and(|t| t.kind.is_some() || detect::classify_name(&t.name).is_some());
        return Some(Hit {
            message: format!("hard-coded {} {shown}{place}", found.label),
            known_format: true,
            anchor: format!("{} {anchor_name} {shown}", found.label),
            severity: Severity::High,
            confidence: if found.weak && !named {
                Confidence::Medium
            } else {
                Confidence::High
            },
        });
    }

    if let Some(inline) = inline {
        let masked = detect::mask(&inline.password);
        let local = ["localhost", "127.0.0.1", "0.0.0.0"]
            .iter()
            .any(|h| scanned.contains(h));
        return Some(Hit {
            message: format!(
                "{} contains the hard-coded password `{masked}`{place}",
                match inline.form {
                    "URL" => "connection URL",
                    "DSN" => "database DSN",
                    _ => "connection string",
                }
            ),
            anchor: format!("{} {anchor_name} {masked}", inline.form),
            known_format: false,
            severity: Severity::High,
            confidence: if local {
                Confidence::Medium
            } else {
                Confidence::High
            },
        });
    }

    let value = value?;
    let target = target?;
    if detect::is_aws_secret_key(&target.name, &value) {
        let masked = detect::mask(&value);
        return Some(Hit {
            message: format!(
                "hard-coded AWS secret access key `{masked}` in {}",
                target.shown
            ),
            known_format: true,
            anchor: format!("aws-secret {} {masked}", target.name),
            severity: Severity::High,
            confidence: Confidence::High,
        });
    }
    let secret = match target.kind {
        Some(kind) => detect::is_positional_secret_value(&value).then_some(kind),
        None => detect::classify_name(&target.name)
            .filter(|kind| detect::is_secret_value(&target.name, *kind, &value)),
    };
    let kind = secret?;
    let masked = detect::mask(&value);
    let what = what_of(&target.name, kind);
    let message = match target.site {
        Site::Assigned => format!(
            "{} is assigned the hard-coded {what} `{masked}`",
            target.shown
        ),
        Site::Key => format!("hard-coded {what} `{masked}` stored under {}", target.shown),
        Site::Argument => format!("hard-coded {what} `{masked}` passed to {}", target.shown),
        Site::Compared => format!(
            "{} is compared with the hard-coded {what} `{masked}`",
            target.shown
        ),
        Site::Default => format!(
            "parameter {} defaults to the hard-coded {what} `{masked}`",
            target.shown
        ),
        Site::Returned => format!("{} returns the hard-coded {what} `{masked}`", target.shown),
    };
    let mixed = [
        value.chars().any(|c| c.is_ascii_lowercase()),
        value.chars().any(|c| c.is_ascii_uppercase()),
        value.chars().any(|c| c.is_ascii_digit()),
        value.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count()
        >= 2;
    Some(Hit {
        message,
        known_format: false,
        anchor: format!("{} {masked}", target.name),
        severity: if target.site == Site::Compared {
            Severity::Medium
        } else {
            Severity::High
        },
        confidence: if kind == SecretName::Token || mixed {
            Confidence::High
        } else {
            Confidence::Medium
        },
    })
}

/// Whether a literal's text alone leaves room for a secret found by its name: long enough for
/// the shortest password, short enough not to be prose or a document.
fn could_be_named_secret(value: &str) -> bool {
    let len = value.len();
    (6..=512).contains(&len)
        && value.split_whitespace().nth(4).is_none()
        // 40 characters may be an AWS secret key, recognized by name even in AWS's samples.
        && (len == 40 || !detect::is_placeholder(value))
}

/// "password", "secret", "token" or "key", for messages.
fn what_of(name: &str, kind: SecretName) -> &'static str {
    let words = detect::name_words(name).join(" ");
    if words.contains("secret") {
        "secret"
    } else if kind == SecretName::Password {
        "password"
    } else if words.contains("token") {
        "token"
    } else if words.contains("cred") || words.contains("auth") {
        "credential"
    } else {
        "key"
    }
}

/// How a literal reaches its secret-looking name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Site {
    Assigned,
    Key,
    Argument,
    Compared,
    Default,
    Returned,
}

/// The name that says what a literal holds.
struct Target {
    /// The name judged by [`detect::classify_name`].
    name: String,
    /// How the message names the place (with backticks).
    shown: String,
    site: Site,
    /// Set when the place itself implies a credential (`DriverManager.getConnection`'s third
    /// argument), whatever it is called.
    kind: Option<SecretName>,
}

impl Target {
    fn named(name: String, site: Site) -> Target {
        Target {
            shown: format!("`{name}`"),
            name,
            site,
            kind: None,
        }
    }
}

/// Methods that keep a literal's meaning: `"s3cret".getBytes()`, `b"k".decode()`.
const TRANSPARENT_METHODS: &[&str] = &[
    "encode",
    "decode",
    "getBytes",
    "toCharArray",
    "ToCharArray",
    "toByteArray",
    "trim",
    "strip",
    "toString",
    "ToString",
    "intern",
    "as_bytes",
];

/// Calls that wrap a literal without changing what it is: `Buffer.from("k")`,
/// `Encoding.UTF8.GetBytes("k")`, `SecretStr("k")`.
const WRAPPER_CALLS: &[&str] = &[
    "GetBytes",
    "bytes",
    "bytearray",
    "str",
    "String",
    "SecretStr",
    "SecretBytes",
    "Secret",
    "NewString",
    // Hashing a literal still hard-codes it: `generate_password_hash("admin123")`.
    "make_password",
    "generate_password_hash",
    "hashpw",
    "HashPassword",
];

/// Whether a call only wraps its first argument. Receiver-dependent names are checked
/// against the receiver: `Buffer.from("k")` and `passwordEncoder.encode("pw")` wrap,
/// `password.encode("latin1")` does not.
fn is_wrapper(call: &ast::Call<'_>, src: &str) -> bool {
    let receiver = call
        .receiver
        .map(|r| ast::text(r, src).to_ascii_lowercase())
        .unwrap_or_default();
    match call.name.as_str() {
        "from" => receiver == "buffer",
        "encode" => receiver.contains("encoder"),
        "hash" | "hashSync" => ["bcrypt", "argon", "hasher", "scrypt"]
            .iter()
            .any(|h| receiver.contains(h)),
        name => WRAPPER_CALLS.contains(&name),
    }
}

/// Follows a literal up through wrappers to the variable, field, key, argument, comparison,
/// parameter or function that gives it a name.
fn secret_target(lit: Node<'_>, src: &str, language: Language) -> Option<Target> {
    let mut child = lit;
    let mut list_index = 0usize;
    for _ in 0..12 {
        let parent = child.parent()?;
        let field = |name: &str| parent.child_by_field_name(name);
        match parent.kind() {
            "parenthesized_expression"
            | "await_expression"
            | "as_expression"
            | "non_null_expression"
            | "satisfies_expression"
            | "type_assertion"
            | "cast_expression"
            | "equals_value_clause"
            | "literal_element"
            | "type_conversion_expression" => {}
            "argument" if field("name").is_none() => {}
            // `requests.get(url, auth=("admin", "s3cret"))`: the second element is the password.
            "tuple" | "array" | "list"
                if ast::named_children(parent).len() == 2
                    && ast::named_children(parent).get(1) == Some(&child)
                    && parent.parent().is_some_and(|p| {
                        let key = p
                            .child_by_field_name("name")
                            .or_else(|| p.child_by_field_name("key"));
                        matches!(p.kind(), "keyword_argument" | "pair")
                            && key.is_some_and(|k| {
                                matches!(ast::text(k, src).trim_matches(['"', '\'']), "auth")
                            })
                    }) =>
            {
                return Some(Target {
                    name: "auth".to_string(),
                    shown: "`auth`".to_string(),
                    site: Site::Key,
                    kind: Some(SecretName::Password),
                });
            }
            "expression_list" => {
                list_index = ast::named_children(parent)
                    .iter()
                    .position(|c| *c == child)
                    .unwrap_or(0);
            }
            "attribute"
            | "member_expression"
            | "member_access_expression"
            | "selector_expression"
            | "field_access" => {
                let (object, method) = ast::member_parts(parent)?;
                let call = parent.parent()?;
                if object != child
                    || !TRANSPARENT_METHODS.contains(&ast::text(method, src))
                    || ast::call(call, src, language).is_none()
                {
                    return None;
                }
                child = call;
                continue;
            }
            "method_invocation" if field("object") == Some(child) => {
                let name = ast::text(field("name")?, src);
                if name == "equals" || name == "equalsIgnoreCase" {
                    let other = ast::call(parent, src, language)?.positional(0)?;
                    return compared(other, src);
                }
                if !TRANSPARENT_METHODS.contains(&name) {
                    return None;
                }
            }
            "argument_list" | "arguments" => {
                let call_node = parent.parent()?;
                let call = ast::call(call_node, src, language)?;
                // C# wraps each argument in an `argument` node; calls list the value inside.
                if child.kind() == "argument" {
                    child = ast::named_children(child).into_iter().next_back()?;
                }
                let first = call.args.first().map(|a| a.value);
                if first == Some(child) && is_wrapper(&call, src) {
                    child = call_node;
                    continue;
                }
                return argument_target(&call, child, src);
            }
            "assignment" | "assignment_expression" => {
                let left = field("left")?;
                if left == child {
                    return None;
                }
                return Some(Target::named(target_name(left, src)?, Site::Assigned));
            }
            "variable_declarator" | "property_declaration" | "public_field_definition" => {
                let name = field("name")?;
                if name == child {
                    return None;
                }
                return Some(Target::named(target_name(name, src)?, Site::Assigned));
            }
            "field_definition" => {
                let name = field("property")?;
                return Some(Target::named(target_name(name, src)?, Site::Assigned));
            }
            "var_spec" | "const_spec" => {
                let mut cursor = parent.walk();
                let names: Vec<Node<'_>> =
                    parent.children_by_field_name("name", &mut cursor).collect();
                let name = names.get(list_index).or(names.first())?;
                return Some(Target::named(target_name(*name, src)?, Site::Assigned));
            }
            "short_var_declaration" | "assignment_statement" => {
                let left = ast::named_children(field("left")?);
                let name = left.get(list_index).or(left.first())?;
                return Some(Target::named(target_name(*name, src)?, Site::Assigned));
            }
            "pair" | "keyed_element" => {
                let key =
                    field("key").or_else(|| ast::named_children(parent).into_iter().next())?;
                if key == child {
                    return None;
                }
                return Some(Target::named(target_name(key, src)?, Site::Key));
            }
            "keyword_argument" | "argument" => {
                return Some(Target::named(target_name(field("name")?, src)?, Site::Key));
            }
            "jsx_attribute" => {
                let name = ast::named_children(parent).into_iter().next()?;
                return Some(Target::named(ast::text(name, src).to_string(), Site::Key));
            }
            "anonymous_object_creation_expression" => {
                let name = child
                    .prev_named_sibling()
                    .filter(|n| n.kind() == "identifier")?;
                return Some(Target::named(ast::text(name, src).to_string(), Site::Key));
            }
            "default_parameter" | "typed_default_parameter" | "parameter" => {
                return Some(Target::named(
                    target_name(field("name")?, src)?,
                    Site::Default,
                ));
            }
            "assignment_pattern" | "object_assignment_pattern" => {
                let left = field("left")?;
                return Some(Target::named(target_name(left, src)?, Site::Default));
            }
            "required_parameter" | "optional_parameter" => {
                let pattern = field("pattern")?;
                return Some(Target::named(target_name(pattern, src)?, Site::Default));
            }
            "comparison_operator" | "binary_expression" => {
                let mut cursor = parent.walk();
                let is_equality = parent
                    .children(&mut cursor)
                    .any(|c| matches!(c.kind(), "==" | "!=" | "===" | "!=="));
                if !is_equality {
                    return None;
                }
                let other = ast::named_children(parent)
                    .into_iter()
                    .find(|c| *c != child)?;
                return compared(other, src);
            }
            "return_statement" => {
                let name = ast::enclosing_function_name(parent, src)?;
                return Some(Target::named(name, Site::Returned));
            }
            _ => return None,
        }
        child = parent;
    }
    None
}

fn compared(other: Node<'_>, src: &str) -> Option<Target> {
    Some(Target::named(target_name(other, src)?, Site::Compared))
}

/// Arguments whose position means "password" or "signing key", by callee name, and the
/// index of that argument.
const CREDENTIAL_ARGUMENTS: &[(&str, usize)] = &[
    ("getConnection", 2),
    ("NetworkCredential", 1),
    ("UsernamePasswordCredentials", 1),
    ("PasswordAuthentication", 1),
    ("PlainAuth", 2),
    ("SetBasicAuth", 1),
    ("HTTPBasicAuth", 1),
    ("HTTPDigestAuth", 1),
    ("HTTPProxyAuth", 1),
    ("BasicAuth", 1),
    ("HMAC256", 0),
    ("HMAC384", 0),
    ("HMAC512", 0),
    ("hmacShaKeyFor", 0),
    ("setSigningKey", 0),
    ("SignedString", 0),
    ("SymmetricSecurityKey", 0),
    ("SecretKeySpec", 0),
    // Session and cookie signing keys: gorilla `sessions.NewCookieStore([]byte("..."))`,
    // Express `cookieParser("...")`.
    ("NewCookieStore", 0),
    ("cookieParser", 0),
];

/// Prefixes of methods that store a value under a key: `props.put("password", "...")`,
/// `os.Setenv("API_KEY", "...")`, `headers.set("Authorization", "...")`.
const STORE_PREFIXES: &[&str] = &[
    "set", "put", "add", "append", "with", "header", "insert", "store",
];

fn argument_target(call: &ast::Call<'_>, arg: Node<'_>, src: &str) -> Option<Target> {
    let positional: Vec<Node<'_>> = call
        .args
        .iter()
        .filter(|a| a.name.is_none())
        .map(|a| a.value)
        .collect();
    let index = positional.iter().position(|a| *a == arg)?;
    let callee = call.path.clone().unwrap_or_else(|| call.name.clone());
    let implied = |kind: SecretName| Target {
        name: call.name.clone(),
        shown: format!("`{callee}`"),
        site: Site::Argument,
        kind: Some(kind),
    };
    let name = call.name.as_str();
    if matches!(
        name,
        "equals" | "equalsIgnoreCase" | "Equals" | "compare_digest" | "timingSafeEqual"
    ) {
        // `password.equals("...")`, `string.Equals(password, "...")`, `compare_digest(a, "...")`.
        let other = positional.iter().find(|a| **a != arg).copied().or(call
            .receiver
            .filter(|r| !matches!(ast::text(*r, src), "string" | "String")))?;
        return compared(other, src);
    }
    let path_lower = callee.to_ascii_lowercase();
    if CREDENTIAL_ARGUMENTS
        .iter()
        .any(|(n, i)| *n == name && *i == index)
        || (name == "login" && positional.len() == 2 && index == 1)
        || (matches!(name, "encode" | "decode" | "sign" | "verify")
            && index == 1
            && path_lower.contains("jwt"))
        || (path_lower == "hmac.new" && index == 0)
        || (name == "signWith" && index + 1 == positional.len())
    {
        return Some(implied(SecretName::Password));
    }
    let lower = name.to_ascii_lowercase();
    // `ds.setPassword("...")`, `builder.withApiKey("...")`.
    if (lower.starts_with("set") || lower.starts_with("with"))
        && index + 1 == positional.len()
        && detect::classify_name(name).is_some()
    {
        return Some(Target {
            name: name.to_string(),
            shown: format!("`{callee}`"),
            site: Site::Argument,
            kind: None,
        });
    }
    if positional.len() == 2 && index == 1 && STORE_PREFIXES.iter().any(|p| lower.starts_with(p)) {
        let key = ast::string_value(positional[0], src)?;
        return Some(Target {
            shown: format!("`{key}`"),
            name: key,
            site: Site::Key,
            kind: None,
        });
    }
    None
}

/// The most specific name of an assignment target or key: `self.api_key` → `api_key`,
/// `app.config['SECRET_KEY']` → `SECRET_KEY`, `"password"` → `password`.
fn target_name(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind() {
        "identifier"
        | "property_identifier"
        | "field_identifier"
        | "private_property_identifier"
        | "type_identifier"
        | "shorthand_property_identifier"
        | "shorthand_property_identifier_pattern" => {
            Some(ast::text(node, src).trim_start_matches('#').to_string())
        }
        "string"
        | "string_literal"
        | "interpreted_string_literal"
        | "raw_string_literal"
        | "template_string" => ast::string_value(node, src),
        "literal_element" | "parenthesized_expression" | "argument" => {
            target_name(ast::named_children(node).into_iter().next_back()?, src)
        }
        "subscript" => target_name(node.child_by_field_name("subscript")?, src),
        "subscript_expression" | "index_expression" => {
            target_name(node.child_by_field_name("index")?, src)
        }
        "element_access_expression" => {
            let args = node.child_by_field_name("subscript")?;
            target_name(ast::named_children(args).into_iter().next()?, src)
        }
        _ => {
            let (_, member) = ast::member_parts(node)?;
            Some(ast::text(member, src).to_string())
        }
    }
}

/// Parts of a larger literal (Python implicit concatenation) and docstrings are not judged
/// on their own.
fn is_part_or_docstring(node: Node<'_>, language: Language) -> bool {
    let Some(parent) = node.parent() else {
        return false;
    };
    parent.kind() == "concatenated_string"
        || (language == Language::Python && parent.kind() == "expression_statement")
}

/// Sample payloads in API schemas (`json_schema_extra={"example": {...}}`, OpenAPI
/// `examples`) are documentation, not configuration.
fn in_example_context(node: Node<'_>, src: &str) -> bool {
    let mut cur = node.parent();
    for _ in 0..8 {
        let Some(n) = cur else {
            return false;
        };
        let key = match n.kind() {
            "pair" | "keyed_element" => n.child_by_field_name("key"),
            "keyword_argument" => n.child_by_field_name("name"),
            _ => None,
        };
        if let Some(k) = key {
            let k = ast::text(k, src).to_ascii_lowercase();
            if k.contains("example") || k.contains("sample") {
                return true;
            }
        }
        cur = n.parent();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{assert_cases, check};
    use rampart_syntax::{ProjectSettings, SourceFile};

    const RULE: &HardcodedSecret = &HardcodedSecret;

    #[test]
    fn python() {
        assert_cases(
            RULE,
            Language::Python,
            &[
                "AWS_ACCESS_KEY_ID = \"AKIAIOSFODNN7EXAMPLE\"\n",
                "s3 = boto3.client(\"s3\", aws_secret_access_key=\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\")\n",
                "import os\nfrom flask import Flask\napp = Flask(__name__)\napp.config['SECRET_KEY'] = 'f3a9c1d27b8e4f60a5d2c9e1b7f4a8d3'\n",
                "conn = psycopg2.connect(host=\"db.internal\", user=\"app\", password=\"Sup3rS3cret!\")\n",
                "DATABASE_URL = \"postgresql://admin:Xk92jfQp@prod-db.internal:5432/shop\"\n",
                "class Settings:\n    stripe_api_key: str = \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"\n",
                "def login(username, password):\n    if username == 'admin' and password == 'Adm1n@2024':\n        return True\n",
                "client = OpenAI(api_key=\"sk-proj-Rf8kQ2mLn4pZ7sT1vW3yB5dF9hJ0aXc\")\n",
                "r = requests.get(API_URL, auth=(\"admin\", \"Adm1nP@ss!\"))\n",
                "headers = {\"Authorization\": \"Basic YWRtaW46c2VjcmV0MTIz\"}\n",
                "PRIVATE_KEY = \"\"\"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7Z\n-----END RSA PRIVATE KEY-----\"\"\"\n",
                "app.secret_key = 'keyboard cat'\n",
                "JWT_SECRET = b\"my-jwt-s1gning-key\"\n",
                "token = jwt.encode(payload, \"s3cr3t-signing-key\", algorithm=\"HS256\")\n",
                "headers = {\"Authorization\": \"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U\"}\n",
            ],
            &[
                "import os\nAWS_ACCESS_KEY_ID = os.environ[\"AWS_ACCESS_KEY_ID\"]\nSECRET_KEY = os.getenv(\"SECRET_KEY\")\n",
                "password_field = \"password\"\ntoken_type = \"bearer\"\nPASSWORD_RESET_URL = \"/reset\"\nsecret_name = \"prod/db/credentials\"\n",
                "API_KEY = \"your-api-key-here\"\nPASSWORD = \"changeme\"\nSECRET_KEY = \"<secret>\"\ntoken = \"\"\n",
                "DB_PASSWORD = os.environ.get(\"DB_PASSWORD\", \"\")\nDATABASE_URL = f\"postgresql://{user}:{password}@{host}/db\"\n",
                "password = request.form[\"password\"]\nif password == \"\":\n    abort(400)\n",
                "API_KEY_HEADER = \"X-API-Key\"\nCACHE_KEY = \"user:profile:v1:sessions\"\nDB_PASSWORD_ENV = \"DB_PASSWORD\"\n",
                "class User(BaseModel):\n    password: str = Field(..., min_length=8)\n    model_config = {\"json_schema_extra\": {\"example\": {\"password\": \"Str0ngPass!\"}}}\n",
                "def auth(username, password):\n    if isinstance(password, str):\n        password = password.encode(\"latin1\")\n",
                "def get_password_hint():\n    \"\"\"Returns 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 as sample.\"\"\"\n    return \"Use at least 8 characters\"\n",
                "labels = {\"password\": \"Passwort\", \"confirm_password\": \"Confirm password\"}\n",
                "TEST_PASSWORD = \"Sup3rS3cret!\"  # pragma: allowlist secret\n",
            ],
        );
    }

    #[test]
    fn javascript() {
        for lang in [Language::JavaScript, Language::TypeScript] {
            assert_cases(
                RULE,
                lang,
                &[
                    "const stripe = require('stripe')('sk_live_4eC39HqLyjWDarjtT1zdp7dc');\n",
                    "const config = {\n  db: { host: 'db.internal', user: 'app', password: 'Pr0d-Passw0rd!' },\n};\n",
                    "app.use(session({ secret: 'keyboard cat', resave: false }));\n",
                    "app.use(cookieParser('c00kie-s1gning-s3cret'));\n",
                    "const JWT_SECRET = 'a8f5f167f44f4964e6c998dee827110c';\njwt.sign(payload, JWT_SECRET);\n",
                    "const token = jwt.sign({ id: user.id }, 'my-super-secret-jwt-key-2024', { expiresIn: '1h' });\n",
                    "const GITHUB_TOKEN = \"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\";\n",
                    "const client = new MongoClient('mongodb+srv://admin:Xk92jfQp@cluster0.mongodb.net/app');\n",
                    "class Api {\n  apiKey = 'Zk82jFq01LmNp7Rt5Vw3';\n}\n",
                    "function connect({ host = 'db', password = 'Pr0d-Passw0rd!' } = {}) {\n  return new Client({ host, password });\n}\n",
                ],
                &[
                    "const apiKey = process.env.API_KEY;\nconst secret = process.env.JWT_SECRET || '';\n",
                    "const passwordInput = document.querySelector('#password');\nconst TOKEN_KEY = 'auth_token';\nlocalStorage.setItem(TOKEN_KEY, token);\n",
                    "const API_KEY = '<YOUR_API_KEY>';\nconst password = 'changeme';\nconst secret = `${process.env.SECRET}`;\n",
                    "if (password === '') { throw new Error('password required'); }\nconst tokenType = 'Bearer';\n",
                    "const headers = { Authorization: `Bearer ${token}`, 'X-Api-Key': apiKey };\n",
                    "const url = `postgres://${user}:${pass}@${host}:5432/db`;\n",
                ],
            );
        }
        assert_cases(
            RULE,
            Language::Tsx,
            &["export const Map = () => <GoogleMap apiKey=\"AIzaSyD3x8Gq9Lw2VbN5mT7kR1pZ4cH6jY0uE8s\" />;\n"],
            &["export const F = () => <input type=\"password\" name=\"password\" placeholder=\"Password\" />;\n"],
        );
    }

    #[test]
    fn signing_keys_count_however_weak() {
        assert_cases(
            RULE,
            Language::Python,
            &[
                "from flask import Flask\napp = Flask(__name__)\napp.config[\"SECRET_KEY\"] = \"dev\"\n",
                "from flask import Flask\napp = Flask(__name__)\napp.secret_key = \"changeme\"\n",
                "import jwt\n\ndef token(uid):\n    return jwt.encode({\"sub\": uid}, \"secret\", algorithm=\"HS256\")\n",
                "import os\nJWT_SECRET = os.environ.get(\"JWT_SECRET\", \"dev-secret\")\n",
                "app.config.update(SECRET_KEY=\"dev\")\n",
                "from Crypto.Cipher import AES\nKEY = b\"0123456789abcdef\"\ncipher = AES.new(KEY, AES.MODE_GCM)\n",
            ],
            &[
                "import os\napp.config[\"SECRET_KEY\"] = os.environ[\"SECRET_KEY\"]\n",
                "import jwt\n\ndef token(uid, key):\n    return jwt.encode({\"sub\": uid}, key, algorithm=\"HS256\")\n",
                "import os\nDEBUG = os.environ.get(\"DEBUG\", \"false\")\nKEY_PATH = os.getenv(\"SIGNING_KEY_PATH\", \"/etc/key.pem\")\n",
                "SECRET_KEY = \"\"\n",
                "import os\nfrom Crypto.Cipher import AES\ncipher = AES.new(bytes.fromhex(os.environ[\"KEY\"]), AES.MODE_GCM)\n",
            ],
        );
        assert_cases(
            RULE,
            Language::JavaScript,
            &[
                "const jwt = require('jsonwebtoken');\nconst t = jwt.sign({ id: 1 }, 'secret');\n",
                "const jwt = require('jsonwebtoken');\nconst SECRET = 'secret';\nfunction v(t) { return jwt.verify(t, SECRET); }\n",
                "const session = require('express-session');\napp.use(session({ secret: 'keyboard cat', resave: false }));\n",
                "const JWT_SECRET = process.env.JWT_SECRET || 'mysecretkey';\n",
                "const crypto = require('crypto');\nconst c = crypto.createCipheriv('aes-256-cbc', Buffer.from('0123456789abcdef0123456789abcdef'), iv);\n",
            ],
            &[
                "const jwt = require('jsonwebtoken');\nconst t = jwt.sign({ id: 1 }, process.env.JWT_SECRET);\n",
                "const session = require('express-session');\napp.use(session({ secret: process.env.SESSION_SECRET }));\n",
                "const PORT = process.env.PORT || '3000';\nconst KEY_FILE = process.env.TLS_KEY_FILE || './key.pem';\n",
            ],
        );
    }

    #[test]
    fn java() {
        assert_cases(
            RULE,
            Language::Java,
            &[
                "class Db {\n  private static final String DB_PASSWORD = \"Pr0dP@ss2024\";\n}\n",
                "class Db {\n  Connection open() throws Exception {\n    return DriverManager.getConnection(\"jdbc:mysql://db:3306/app\", \"root\", \"r00tPassw0rd\");\n  }\n}\n",
                "class Seed {\n  void run() {\n    admin.setPassword(passwordEncoder.encode(\"Adm1n!2024\"));\n  }\n}\n",
                "class Cfg {\n  DataSource ds() {\n    HikariDataSource ds = new HikariDataSource();\n    ds.setPassword(\"hik4ri-S3cret\");\n    return ds;\n  }\n}\n",
                "class Jwt {\n  private final Algorithm algorithm = Algorithm.HMAC256(\"jwt-signing-s3cret\");\n}\n",
                "class Aws {\n  static final String ACCESS_KEY = \"AKIAIOSFODNN7EXAMPLE\";\n}\n",
                "class Creds {\n  public String getPassword() {\n    return \"Pr0dP@ss!2024\";\n  }\n}\n",
                "class Auth {\n  boolean check(String password) {\n    return password.equals(\"Adm1n!2024\");\n  }\n}\n",
            ],
            &[
                "class Db {\n  private static final String DB_PASSWORD = System.getenv(\"DB_PASSWORD\");\n}\n",
                "class Db {\n  @Value(\"${spring.datasource.password}\")\n  private String password;\n  private static final String PASSWORD_PARAM = \"password\";\n}\n",
                "class Form {\n  static final String PASSWORD_RESET_URL = \"/auth/reset\";\n  static final String TOKEN_TYPE = \"Bearer\";\n  String password = \"\";\n}\n",
                "class Cfg {\n  String secret = props.getProperty(\"app.secret\", \"changeme\");\n}\n",
            ],
        );
    }

    #[test]
    fn csharp() {
        assert_cases(
            RULE,
            Language::CSharp,
            &[
                "class Db {\n  private const string ConnectionString = \"Server=prod-sql;Database=Shop;User Id=sa;Password=Str0ng!Pass;\";\n}\n",
                "class Keys {\n  public string ApiKey { get; set; } = \"Zk82jFq01LmNp7Rt5Vw3\";\n}\n",
                "class Mail {\n  void Send() {\n    var client = new SmtpClient(\"smtp.example.com\") { Credentials = new NetworkCredential(\"bot\", \"m4il-P@ssword\") };\n  }\n}\n",
                "class Auth {\n  void Configure() {\n    var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(\"ThisIsMyVerySecretJwtKey123\"));\n  }\n}\n",
                "class S {\n  static readonly string StripeKey = \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\";\n}\n",
            ],
            &[
                "class Db {\n  string password = Environment.GetEnvironmentVariable(\"DB_PASSWORD\");\n  string conn = Configuration.GetConnectionString(\"Default\");\n}\n",
                "class Db {\n  const string PasswordKey = \"Password\";\n  const string TokenType = \"Bearer\";\n  string secretName = \"prod-db-secret\";\n}\n",
                "class Db {\n  string cs = \"Server=localhost;Database=Shop;Trusted_Connection=True;\";\n  string password = \"\";\n  string apiKey = \"YOUR_API_KEY\";\n}\n",
            ],
        );
    }

    #[test]
    fn go() {
        assert_cases(
            RULE,
            Language::Go,
            &[
                "package main\n\nvar jwtKey = []byte(\"my-s3cret-jwt-key-2024\")\n",
                "package main\n\nvar store = sessions.NewCookieStore([]byte(\"sup3r-s3cret-c00kie-key\"))\n",
                "package main\n\nconst awsAccessKeyID = \"AKIAIOSFODNN7EXAMPLE\"\n",
                "package main\n\nfunc open() {\n\tdb, _ := sql.Open(\"mysql\", \"app:Xk92jfQp@tcp(db.internal:3306)/shop\")\n\t_ = db\n}\n",
                "package main\n\nfunc cfg() Config {\n\treturn Config{Host: \"db\", Password: \"Pr0d-Passw0rd!\"}\n}\n",
                "package main\n\nfunc auth() {\n\tauth := smtp.PlainAuth(\"\", \"bot@example.com\", \"m4ilP@ssword\", \"smtp.gmail.com\")\n\t_ = auth\n}\n",
            ],
            &[
                "package main\n\nimport \"os\"\n\nvar jwtKey = []byte(os.Getenv(\"JWT_SECRET\"))\n",
                "package main\n\nconst passwordField = \"password\"\nconst tokenType = \"Bearer\"\nconst secretName = \"prod/db\"\n",
                "package main\n\nfunc f() {\n\tdsn := fmt.Sprintf(\"%s:%s@tcp(%s)/app\", user, pass, host)\n\tpassword := \"\"\n\t_, _ = dsn, password\n}\n",
            ],
        );
    }

    #[test]
    fn masks_secrets_in_messages() {
        let f = check(RULE, Language::Python, "KEY = \"AKIAIOSFODNN7EXAMPLE\"\n");
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("AKIA…MPLE"), "{}", f[0].message);
        assert!(!f[0].message.contains("AKIAIOSFODNN7EXAMPLE"));
        let f = check(RULE, Language::Python, "db_password = \"hunter2hunter\"\n");
        assert!(!f[0].message.contains("hunter2hunter"), "{}", f[0].message);
        assert!(f[0].message.contains("db_password"), "{}", f[0].message);
    }

    #[test]
    fn test_files_report_only_credential_formats_downgraded() {
        let code = "PASSWORD = \"Sup3rS3cret!\"\nAWS_KEY = \"AKIAIOSFODNN7REALKEY\"\n";
        let file = SourceFile::from_text("tests/test_login.py", Language::Python, code);
        let parsed = rampart_syntax::parse(Language::Python, code).expect("parses");
        let settings = ProjectSettings::default();
        let ctx = FileContext::new(&file, &parsed.tree, &settings);
        let mut out = Vec::new();
        RULE.check(&ctx, &mut out);
        assert_eq!(
            out.len(),
            1,
            "{:?}",
            out.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
        assert_eq!(out[0].location.span.start_line, 2);
        assert!(out[0].severity < HARDCODED_SECRET.severity);
    }
}
