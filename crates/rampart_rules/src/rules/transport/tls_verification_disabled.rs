use crate::ast;
use crate::rules::secrets::detect::is_test_path;
use crate::{FileContext, StructuralRule};
use rampart_core::{Confidence, Finding, Language, RuleMeta};
use tree_sitter::Node;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds code that turns off TLS certificate or host name verification:
    /// - Python: `verify=False` on `requests`, `httpx` and other HTTP clients (also
    ///   `verify_ssl`/`verify_certs`, aiohttp `ssl=False`), `session.verify = False`,
    ///   `ssl._create_unverified_context`, `ssl.CERT_NONE`, `check_hostname = False`;
    /// - JavaScript/TypeScript: `rejectUnauthorized: false` (`https.Agent`, `tls.connect`,
    ///   axios `httpsAgent`), `strictSSL: false`, an empty `checkServerIdentity`, and
    ///   `process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'`;
    /// - Java: an `X509TrustManager` whose `checkServerTrusted` is empty, a `HostnameVerifier`
    ///   that returns `true` (also as a lambda), `NoopHostnameVerifier`,
    ///   `ALLOW_ALL_HOSTNAME_VERIFIER`, `TrustAllStrategy`, `TrustSelfSignedStrategy`,
    ///   Netty's `InsecureTrustManagerFactory`;
    /// - C#: `ServerCertificateCustomValidationCallback`,
    ///   `ServicePointManager.ServerCertificateValidationCallback` or an `SslStream` validation
    ///   callback that returns `true`, and `DangerousAcceptAnyServerCertificateValidator`;
    /// - Go: `tls.Config{InsecureSkipVerify: true}`;
    /// - MongoDB drivers (Python and Node): `tlsAllowInvalidCertificates`,
    ///   `tlsAllowInvalidHostnames` or `tlsInsecure` set to true.
    ///
    /// `urllib3.disable_warnings()` alone, `verify=True`, `verify="/path/ca.pem"`,
    /// `rejectUnauthorized: true`, callbacks that check `sslPolicyErrors` and trust managers that
    /// delegate or throw are not reported.
    ///
    /// ## Why is this bad
    /// Without certificate verification, TLS still encrypts but no longer authenticates the
    /// server: anyone on the network path (public Wi-Fi, a compromised router, a proxy) can
    /// present their own certificate, read the traffic, steal credentials and tokens, and alter
    /// responses. Code written to get past a self-signed certificate in development tends to
    /// ship to production unchanged.
    ///
    /// ## Example
    /// ```python
    /// resp = requests.get("https://api.internal/users", verify=False)
    /// ```
    /// ```javascript
    /// const agent = new https.Agent({ rejectUnauthorized: false });
    /// ```
    ///
    /// ## Fix
    /// Keep verification on and trust the right certificate authority instead:
    /// ```python
    /// resp = requests.get("https://api.internal/users", verify="/etc/ssl/internal-ca.pem")
    /// ```
    /// ```javascript
    /// const agent = new https.Agent({ ca: fs.readFileSync("internal-ca.pem") });
    /// ```
    ///
    /// ## References
    /// - [CWE-295: Improper Certificate Validation](https://cwe.mitre.org/data/definitions/295.html)
    /// - [OWASP Transport Layer Security Cheat Sheet](https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html)
    pub static TLS_VERIFICATION_DISABLED = {
        id: "tls-verification-disabled",
        name: "TlsVerificationDisabled",
        cwe: 295,
        severity: High,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go],
        summary: "TLS certificate or host name verification is disabled",
        help: "keep verification on; trust a private CA through a CA bundle or trust store instead",
    }
}

pub struct TlsVerificationDisabled;

impl StructuralRule for TlsVerificationDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &TLS_VERIFICATION_DISABLED
    }

    fn check(&self, ctx: &FileContext<'_>, out: &mut Vec<Finding>) {
        let src = ctx.file.text.as_str();
        let language = ctx.file.language;
        let root = ctx.tree.root_node();
        // Each pattern names one of these words; a file without any is skipped without a walk.
        let words: &[&str] = match language {
            Language::Python => &[
                "verify",
                "ssl",
                "CERT_NONE",
                "check_hostname",
                "unverified",
                "tlsAllow",
                "tlsInsecure",
            ],
            Language::JavaScript | Language::TypeScript | Language::Tsx => &[
                "rejectUnauthorized",
                "strictSSL",
                "checkServerIdentity",
                "NODE_TLS_REJECT_UNAUTHORIZED",
                "tlsAllow",
                "tlsInsecure",
                "sslAllow",
            ],
            Language::Java => &[
                "checkServerTrusted",
                "ostnameVerifier",
                "TrustStrategy",
                "TrustAllStrategy",
                "TrustSelfSignedStrategy",
                "InsecureTrustManagerFactory",
                "ALLOW_ALL_HOSTNAME_VERIFIER",
                "loadTrustMaterial",
            ],
            Language::CSharp => &[
                "ValidationCallback",
                "DangerousAcceptAnyServerCertificateValidator",
                "SslStream",
            ],
            Language::Go => &["InsecureSkipVerify"],
            _ => &[],
        };
        if !words.iter().any(|w| src.contains(w)) {
            return;
        }
        // Test suites talk to local servers with throwaway certificates.
        let in_tests = is_test_path(&ctx.file.rel_path);
        ctx.walk(root, |node| {
            let message = match language {
                Language::Python => python(node, src),
                Language::JavaScript | Language::TypeScript | Language::Tsx => {
                    javascript(node, src)
                }
                Language::Java => java(node, src),
                Language::CSharp => csharp(node, src, root),
                Language::Go => go(node, src),
                _ => None,
            };
            if let Some(message) = message {
                out.push(
                    Finding::builder(
                        &TLS_VERIFICATION_DISABLED,
                        ctx.file.location(node.start_byte(), node.end_byte()),
                        message,
                    )
                    .severity(if in_tests {
                        TLS_VERIFICATION_DISABLED.severity.lowered()
                    } else {
                        TLS_VERIFICATION_DISABLED.severity
                    })
                    .confidence(if in_tests {
                        Confidence::Medium
                    } else {
                        Confidence::High
                    })
                    .scope(ast::enclosing_scope(node, src))
                    .anchor(anchor(node, src))
                    .build(),
                );
            }
        });
    }
}

/// The flagged code, cut short: enough to tell findings apart in one scope.
fn anchor(node: Node<'_>, src: &str) -> String {
    ast::text(node, src).chars().take(120).collect()
}

fn is_literal(node: Node<'_>, src: &str, value: &str) -> bool {
    ast::text(node, src) == value
}

fn in_import(node: Node<'_>) -> bool {
    let mut cur = node.parent();
    while let Some(n) = cur {
        if matches!(
            n.kind(),
            "import_statement"
                | "import_from_statement"
                | "import_declaration"
                | "using_directive"
                | "import_spec"
        ) {
            return true;
        }
        cur = n.parent();
    }
    false
}

/// The callee of the call whose argument list holds `arg`, as written.
fn callee_of_argument<'t>(arg: Node<'t>, src: &str, language: Language) -> Option<ast::Call<'t>> {
    let list = arg.parent()?;
    let call = list.parent()?;
    ast::call(call, src, language)
}

/// Keyword arguments that switch certificate verification off when `False`.
const PY_VERIFY_KEYWORDS: &[&str] = &["verify", "verify_ssl", "ssl_verify", "verify_certs"];

/// MongoDB driver options (Python and Node) that accept invalid certificates or host names.
const MONGO_INSECURE_OPTIONS: &[&str] = &[
    "tlsAllowInvalidCertificates",
    "tlsAllowInvalidHostnames",
    "tlsInsecure",
    "sslAllowInvalidCertificates",
    "sslAllowInvalidHostnames",
];

/// aiohttp calls where `ssl=False` means "do not verify" rather than "no TLS".
const AIOHTTP_SSL_CALLS: &[&str] = &[
    "TCPConnector",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "request",
    "ws_connect",
];

fn python(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind() {
        "keyword_argument" => {
            let name = ast::text(node.child_by_field_name("name")?, src);
            let value = node.child_by_field_name("value")?;
            // The keyword first: finding the call costs walks to the parents.
            let relevant = match value.kind() {
                "false" => PY_VERIFY_KEYWORDS.contains(&name) || name == "ssl",
                "true" => MONGO_INSECURE_OPTIONS.contains(&name),
                "string" => name == "cert_reqs",
                _ => false,
            };
            if !relevant {
                return None;
            }
            let call = callee_of_argument(node, src, Language::Python)?;
            let callee = call.path.clone().unwrap_or_else(|| call.name.clone());
            let off = value.kind() == "false";
            // PyJWT 1.x `jwt.decode(token, verify=False)` skips the signature, not TLS.
            if call.name == "decode" || callee.to_ascii_lowercase().contains("jwt") {
                return None;
            }
            if (PY_VERIFY_KEYWORDS.contains(&name) && off)
                || (name == "ssl" && off && AIOHTTP_SSL_CALLS.contains(&call.name.as_str()))
            {
                return Some(format!(
                    "`{callee}(..., {name}=False)` disables TLS certificate verification"
                ));
            }
            if MONGO_INSECURE_OPTIONS.contains(&name) && value.kind() == "true" {
                return Some(format!(
                    "`{callee}(..., {name}=True)` turns off TLS certificate verification"
                ));
            }
            if name == "cert_reqs"
                && value.kind() == "string"
                && ast::string_value(value, src).as_deref() == Some("CERT_NONE")
            {
                return Some(format!(
                    "`{callee}(..., cert_reqs=\"CERT_NONE\")` disables TLS certificate verification"
                ));
            }
            None
        }
        "attribute" | "identifier" => {
            // Cheap name test first: parent lookups cost a walk from the root in tree-sitter.
            let last_name = match node.kind() {
                "attribute" => ast::text(node.child_by_field_name("attribute")?, src),
                _ => ast::text(node, src),
            };
            if !matches!(last_name, "_create_unverified_context" | "CERT_NONE") {
                return None;
            }
            let (full, last) = if node.kind() == "attribute" {
                (
                    ast::text(node, src),
                    ast::text(node.child_by_field_name("attribute")?, src),
                )
            } else {
                if node.parent().is_some_and(|p| p.kind() == "attribute") {
                    return None;
                }
                (ast::text(node, src), ast::text(node, src))
            };
            // Imports and definitions (`CERT_NONE = 0` in a compatibility shim) disable nothing.
            let defined = node.parent().is_some_and(|p| {
                p.kind() == "assignment" && p.child_by_field_name("left") == Some(node)
            });
            if in_import(node) || defined {
                return None;
            }
            match last {
                "_create_unverified_context" => Some(format!(
                    "`{full}` creates an SSL context that skips certificate verification"
                )),
                // Only where it is set or passed: comparisons and option tables disable nothing.
                "CERT_NONE"
                    if node.parent().is_some_and(|p| {
                        matches!(
                            p.kind(),
                            "assignment" | "keyword_argument" | "argument_list"
                        )
                    }) =>
                {
                    Some(format!("`{full}` turns off TLS certificate verification"))
                }
                _ => None,
            }
        }
        "assignment" => {
            let left = node.child_by_field_name("left")?;
            let right = node.child_by_field_name("right")?;
            if left.kind() != "attribute" || right.kind() != "false" {
                return None;
            }
            let attr = ast::text(left.child_by_field_name("attribute")?, src);
            match attr {
                "check_hostname" => Some(format!(
                    "`{} = False` turns off TLS host name verification",
                    ast::text(left, src)
                )),
                "verify" => Some(format!(
                    "`{} = False` disables TLS certificate verification for the session",
                    ast::text(left, src)
                )),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The property name of a JavaScript key or assignment target.
fn js_name(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind() {
        "property_identifier" | "identifier" | "shorthand_property_identifier" => {
            Some(ast::text(node, src).to_string())
        }
        "string" => ast::string_value(node, src),
        "member_expression" => js_name(node.child_by_field_name("property")?, src),
        "subscript_expression" => js_name(node.child_by_field_name("index")?, src),
        _ => None,
    }
}

/// Whether a function value does nothing: `() => undefined`, `() => {}`, `function () {}`.
fn js_noop_function(node: Node<'_>, src: &str) -> bool {
    if !matches!(
        node.kind(),
        "arrow_function" | "function_expression" | "function"
    ) {
        return false;
    }
    let Some(body) = node.child_by_field_name("body") else {
        return false;
    };
    match body.kind() {
        "statement_block" => ast::named_children(body).iter().all(|s| {
            s.kind() == "return_statement"
                && ast::named_children(*s)
                    .first()
                    .is_none_or(|v| matches!(ast::text(*v, src), "undefined" | "null"))
        }),
        _ => matches!(ast::text(body, src), "undefined" | "null"),
    }
}

fn javascript(node: Node<'_>, src: &str) -> Option<String> {
    let (name, value) = match node.kind() {
        "pair" => (
            js_name(node.child_by_field_name("key")?, src)?,
            node.child_by_field_name("value")?,
        ),
        "assignment_expression" => (
            js_name(node.child_by_field_name("left")?, src)?,
            node.child_by_field_name("right")?,
        ),
        _ => return None,
    };
    let value_text = ast::text(value, src);
    match name.as_str() {
        n if MONGO_INSECURE_OPTIONS.contains(&n) && value.kind() == "true" => Some(format!(
            "`{n}: true` turns off TLS certificate verification for the database connection"
        )),
        "rejectUnauthorized" if value.kind() == "false" => Some(
            "`rejectUnauthorized: false` accepts any TLS certificate, including forged ones"
                .to_string(),
        ),
        "strictSSL" if value.kind() == "false" => {
            Some("`strictSSL: false` disables TLS certificate verification".to_string())
        }
        "checkServerIdentity" if js_noop_function(value, src) => Some(
            "`checkServerIdentity` that accepts every host turns off TLS host name verification"
                .to_string(),
        ),
        "NODE_TLS_REJECT_UNAUTHORIZED"
            if (ast::string_value(value, src).as_deref() == Some("0")
                    || matches!(value_text, "0" | "false")) =>
        {
            Some(
                "`NODE_TLS_REJECT_UNAUTHORIZED = '0'` turns off TLS certificate verification for the whole process"
                    .to_string(),
            )
        }
        _ => None,
    }
}

/// Whether a method or lambda body only returns `true`: `-> true`, `=> true`,
/// `{ return true; }`.
fn returns_only_true(body: Node<'_>, src: &str) -> bool {
    if ast::text(body, src) == "true" {
        return true;
    }
    let body = if body.kind() == "arrow_expression_clause" {
        match ast::named_children(body).first() {
            Some(b) => return ast::text(*b, src) == "true",
            None => return false,
        }
    } else {
        body
    };
    if body.kind() != "block" {
        return false;
    }
    let stmts = ast::named_children(body);
    stmts.len() == 1
        && stmts[0].kind() == "return_statement"
        && ast::named_children(stmts[0])
            .first()
            .is_some_and(|v| ast::text(*v, src) == "true")
}

/// Whether a block has no statements (comments and a bare `return;` aside).
fn is_empty_body(body: Node<'_>) -> bool {
    body.kind() == "block"
        && ast::named_children(body)
            .iter()
            .all(|s| s.kind() == "return_statement" && ast::named_children(*s).is_empty())
}

/// The types a Java class or anonymous class declares or implements, as text.
fn java_class_header<'s>(body: Node<'_>, src: &'s str) -> &'s str {
    let Some(owner) = body.parent() else {
        return "";
    };
    match owner.kind() {
        "object_creation_expression" => owner
            .child_by_field_name("type")
            .map_or("", |t| ast::text(t, src)),
        "class_declaration" | "enum_declaration" | "record_declaration" => {
            let end = owner
                .child_by_field_name("body")
                .map_or(owner.end_byte(), |b| b.start_byte());
            src.get(owner.start_byte()..end).unwrap_or("")
        }
        _ => "",
    }
}

const JAVA_INSECURE_TYPES: &[&str] = &[
    "NoopHostnameVerifier",
    "AllowAllHostnameVerifier",
    "TrustAllStrategy",
    "TrustSelfSignedStrategy",
    "InsecureTrustManagerFactory",
];

fn java(node: Node<'_>, src: &str) -> Option<String> {
    match node.kind() {
        "method_declaration" => {
            let name = ast::text(node.child_by_field_name("name")?, src);
            if name != "checkServerTrusted" && name != "verify" {
                return None;
            }
            let body = node.child_by_field_name("body")?;
            if name == "checkServerTrusted" && is_empty_body(body) {
                return Some(
                    "`checkServerTrusted` accepts every certificate: this trust manager trusts any server"
                        .to_string(),
                );
            }
            if name == "verify"
                && returns_only_true(body, src)
                && java_class_header(node.parent()?, src).contains("HostnameVerifier")
            {
                return Some(
                    "`HostnameVerifier.verify` returns `true` for every host: host name verification is off"
                        .to_string(),
                );
            }
            None
        }
        "lambda_expression" => {
            let body = node.child_by_field_name("body")?;
            if !returns_only_true(body, src) {
                return None;
            }
            let parent = node.parent()?;
            let context = match parent.kind() {
                "argument_list" => ast::call(parent.parent()?, src, Language::Java)?.name,
                "variable_declarator" => parent
                    .parent()
                    .and_then(|d| d.child_by_field_name("type"))
                    .map(|t| ast::text(t, src).to_string())?,
                _ => return None,
            };
            let lower = context.to_ascii_lowercase();
            if lower.contains("hostnameverifier") {
                Some(format!(
                    "lambda returning `true` used as a host name verifier in `{context}`: host name verification is off"
                ))
            } else if context == "loadTrustMaterial" || lower.contains("truststrategy") {
                Some(format!(
                    "trust strategy returning `true` in `{context}` trusts every certificate"
                ))
            } else {
                None
            }
        }
        "object_creation_expression" => {
            let ty = ast::text(node.child_by_field_name("type")?, src);
            let short = ty.rsplit('.').next().unwrap_or(ty);
            JAVA_INSECURE_TYPES.contains(&short).then(|| {
                format!("`new {short}()` turns off TLS certificate or host name verification")
            })
        }
        "field_access" => {
            let object = ast::text(node.child_by_field_name("object")?, src);
            let field = ast::text(node.child_by_field_name("field")?, src);
            let short = object.rsplit('.').next().unwrap_or(object);
            if JAVA_INSECURE_TYPES.contains(&short) || field == "ALLOW_ALL_HOSTNAME_VERIFIER" {
                Some(format!(
                    "`{short}.{field}` turns off TLS certificate or host name verification"
                ))
            } else {
                None
            }
        }
        "identifier"
            if ast::text(node, src) == "ALLOW_ALL_HOSTNAME_VERIFIER"
                && node.parent().is_some_and(|p| p.kind() != "field_access")
                && !in_import(node) =>
        {
            Some("`ALLOW_ALL_HOSTNAME_VERIFIER` turns off TLS host name verification".to_string())
        }
        _ => None,
    }
}

/// Names of the C# settings and parameters that take a certificate validation callback.
fn is_cs_validation_target(name: &str) -> bool {
    name.contains("CertificateValidationCallback")
        || name.contains("CertificateCustomValidationCallback")
        || name == "RemoteCertificateValidationCallback"
        || name == "SslStream"
}

fn csharp(node: Node<'_>, src: &str, root: Node<'_>) -> Option<String> {
    match node.kind() {
        "assignment_expression" => {
            let left = node.child_by_field_name("left")?;
            let right = node.child_by_field_name("right")?;
            let target = match ast::member_parts(left) {
                Some((_, name)) => ast::text(name, src),
                None => ast::text(left, src),
            };
            if !is_cs_validation_target(target) {
                return None;
            }
            cs_accepts_all(right, src, root).then(|| {
                format!("`{target}` accepts every certificate: TLS certificate validation is off")
            })
        }
        "argument" => {
            let value = ast::named_children(node).into_iter().next_back()?;
            // Only callback-shaped values are worth finding the call for.
            if !matches!(
                value.kind(),
                "lambda_expression"
                    | "anonymous_method_expression"
                    | "identifier"
                    | "object_creation_expression"
            ) {
                return None;
            }
            let named = node
                .child_by_field_name("name")
                .map(|n| ast::text(n, src).to_string());
            let call = callee_of_argument(node, src, Language::CSharp)?;
            // `X = new RemoteCertificateValidationCallback(...)` is judged at the assignment.
            if call.name == "RemoteCertificateValidationCallback"
                && call
                    .node
                    .parent()
                    .is_some_and(|p| matches!(p.kind(), "assignment_expression" | "argument"))
            {
                return None;
            }
            let context = named.unwrap_or(call.name);
            let context_ok = is_cs_validation_target(&context)
                || context
                    .to_ascii_lowercase()
                    .contains("certificatevalidation");
            (context_ok && cs_accepts_all(value, src, root)).then(|| {
                format!("certificate validation callback in `{context}` accepts every certificate")
            })
        }
        "member_access_expression" => {
            let name = ast::text(node.child_by_field_name("name")?, src);
            (name == "DangerousAcceptAnyServerCertificateValidator").then(|| {
                "`HttpClientHandler.DangerousAcceptAnyServerCertificateValidator` accepts every certificate"
                    .to_string()
            })
        }
        _ => None,
    }
}

/// Whether a C# callback value accepts every certificate: a lambda or anonymous method that
/// only returns `true`, or a method of this file that does.
fn cs_accepts_all(value: Node<'_>, src: &str, root: Node<'_>) -> bool {
    match value.kind() {
        "lambda_expression" | "anonymous_method_expression" => {
            let body = value
                .child_by_field_name("body")
                .or_else(|| ast::named_children(value).into_iter().next_back());
            body.is_some_and(|b| returns_only_true(b, src))
        }
        "parenthesized_expression" | "cast_expression" => ast::named_children(value)
            .into_iter()
            .next_back()
            .is_some_and(|v| cs_accepts_all(v, src, root)),
        "object_creation_expression" => {
            // `new RemoteCertificateValidationCallback(AcceptAll)`.
            ast::call(value, src, Language::CSharp)
                .and_then(|c| c.positional(0))
                .is_some_and(|v| cs_accepts_all(v, src, root))
        }
        "identifier" => {
            let name = ast::text(value, src);
            ast::descendants_of_kind(root, &["method_declaration", "local_function_statement"])
                .into_iter()
                .any(|m| {
                    m.child_by_field_name("name")
                        .is_some_and(|n| ast::text(n, src) == name)
                        && m.child_by_field_name("body")
                            .is_some_and(|b| returns_only_true(b, src))
                })
        }
        _ => false,
    }
}

fn go(node: Node<'_>, src: &str) -> Option<String> {
    let (name, value) = match node.kind() {
        "keyed_element" => {
            let parts = ast::named_children(node);
            (ast::text(*parts.first()?, src), *parts.get(1)?)
        }
        "assignment_statement" => {
            let left = ast::named_children(node.child_by_field_name("left")?);
            let right = ast::named_children(node.child_by_field_name("right")?);
            let i = left.iter().position(|l| {
                ast::member_parts(*l)
                    .is_some_and(|(_, f)| ast::text(f, src) == "InsecureSkipVerify")
            })?;
            ("InsecureSkipVerify", *right.get(i)?)
        }
        _ => return None,
    };
    (name == "InsecureSkipVerify" && is_literal(value, src, "true"))
        .then(|| "`InsecureSkipVerify: true` accepts any certificate for any host".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::assert_cases;

    const RULE: &TlsVerificationDisabled = &TlsVerificationDisabled;

    #[test]
    fn python() {
        assert_cases(
            RULE,
            Language::Python,
            &[
                "import requests\n\ndef fetch(url):\n    return requests.get(url, timeout=10, verify=False).json()\n",
                "import httpx\nclient = httpx.Client(base_url=API, verify=False)\n",
                "import ssl\nssl._create_default_https_context = ssl._create_unverified_context\n",
                "import ssl\nctx = ssl.create_default_context()\nctx.check_hostname = False\nctx.verify_mode = ssl.CERT_NONE\n",
                "session = requests.Session()\nsession.verify = False\n",
                "conn = aiohttp.TCPConnector(ssl=False)\n",
                "client = MongoClient(MONGO_URI, tls=True, tlsAllowInvalidCertificates=True)\n",
                "http = urllib3.PoolManager(cert_reqs=\"CERT_NONE\")\n",
            ],
            &[
                "import requests\nrequests.get(url, verify=True)\n",
                "import requests\nrequests.post(url, json=data, verify=\"/etc/ssl/certs/internal-ca.pem\")\n",
                "import urllib3\nurllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)\n",
                "import jwt\npayload = jwt.decode(token, verify=False)\n",
                "CERT_NONE = 0\nCERT_REQUIRED = 2\n",
                "import ssl\nMODES = {\"none\": ssl.CERT_NONE, \"required\": ssl.CERT_REQUIRED}\n",
                "import ssl\nctx = ssl.create_default_context(cafile=CA)\nctx.check_hostname = True\nctx.verify_mode = ssl.CERT_REQUIRED\n",
                "from ssl import CERT_NONE\nif ctx.verify_mode == CERT_NONE:\n    raise RuntimeError('insecure')\n",
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
                    "const https = require('https');\nconst agent = new https.Agent({ rejectUnauthorized: false });\n",
                    "const client = axios.create({\n  baseURL: API,\n  httpsAgent: new https.Agent({ rejectUnauthorized: false }),\n});\n",
                    "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';\n",
                    "Object.assign(process.env, { NODE_TLS_REJECT_UNAUTHORIZED: '0' });\n",
                    "const socket = tls.connect(443, host, { rejectUnauthorized: false, checkServerIdentity: () => undefined });\n",
                    "request({ url, strictSSL: false }, cb);\n",
                    "const client = new MongoClient(uri, { tls: true, tlsAllowInvalidCertificates: true });\n",
                ],
                &[
                    "const agent = new https.Agent({ rejectUnauthorized: true, ca: fs.readFileSync('ca.pem') });\n",
                    "const opts = { rejectUnauthorized: process.env.NODE_ENV === 'production' ? true : true };\n",
                    "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '1';\n",
                    "const socket = tls.connect(443, host, { checkServerIdentity: (h, cert) => tls.checkServerIdentity(h, cert) });\n",
                ],
            );
        }
    }

    #[test]
    fn java() {
        assert_cases(
            RULE,
            Language::Java,
            &[
                "class Insecure {\n  TrustManager[] trustAll = new TrustManager[] {\n    new X509TrustManager() {\n      public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }\n      public void checkClientTrusted(X509Certificate[] certs, String authType) {}\n      public void checkServerTrusted(X509Certificate[] certs, String authType) {}\n    }\n  };\n}\n",
                "class C {\n  void f() {\n    HttpsURLConnection.setDefaultHostnameVerifier((hostname, session) -> true);\n  }\n}\n",
                "class C {\n  CloseableHttpClient client() {\n    return HttpClients.custom().setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE).build();\n  }\n}\n",
                "class C {\n  SSLContext ctx() throws Exception {\n    return SSLContexts.custom().loadTrustMaterial(null, new TrustSelfSignedStrategy()).build();\n  }\n}\n",
                "class AllowAll implements HostnameVerifier {\n  @Override\n  public boolean verify(String hostname, SSLSession session) {\n    return true;\n  }\n}\n",
                "class C {\n  OkHttpClient c = new OkHttpClient.Builder().hostnameVerifier((h, s) -> true).build();\n}\n",
            ],
            &[
                "class Delegating implements X509TrustManager {\n  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {\n    delegate.checkServerTrusted(chain, authType);\n  }\n}\n",
                "class Strict implements X509TrustManager {\n  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {\n    throw new CertificateException(\"untrusted\");\n  }\n}\n",
                "class Pinned implements HostnameVerifier {\n  public boolean verify(String hostname, SSLSession session) {\n    return \"api.example.com\".equals(hostname);\n  }\n}\n",
                "import org.apache.http.conn.ssl.NoopHostnameVerifier;\nclass C {\n  boolean ok = list.stream().anyMatch(x -> true);\n}\n",
            ],
        );
    }

    #[test]
    fn csharp() {
        assert_cases(
            RULE,
            Language::CSharp,
            &[
                "class C {\n  HttpClient Make() {\n    var handler = new HttpClientHandler {\n      ServerCertificateCustomValidationCallback = (message, cert, chain, errors) => true\n    };\n    return new HttpClient(handler);\n  }\n}\n",
                "class C {\n  void Init() {\n    ServicePointManager.ServerCertificateValidationCallback += (sender, certificate, chain, sslPolicyErrors) => true;\n  }\n}\n",
                "class C {\n  void Init() {\n    handler.ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator;\n  }\n}\n",
                "class C {\n  void Init() {\n    ServicePointManager.ServerCertificateValidationCallback = delegate { return true; };\n  }\n}\n",
                "class C {\n  static bool AcceptAll(object s, X509Certificate c, X509Chain ch, SslPolicyErrors e) { return true; }\n  void Init() {\n    var ssl = new SslStream(stream, false, AcceptAll);\n  }\n}\n",
            ],
            &[
                "class C {\n  void Init() {\n    handler.ServerCertificateCustomValidationCallback = (msg, cert, chain, errors) => errors == SslPolicyErrors.None;\n  }\n}\n",
                "class C {\n  void Init() {\n    handler.ServerCertificateCustomValidationCallback = (msg, cert, chain, errors) => {\n      if (errors == SslPolicyErrors.None) return true;\n      return cert.GetCertHashString() == PinnedHash;\n    };\n  }\n}\n",
                "class C {\n  bool Check(object s, X509Certificate c, X509Chain ch, SslPolicyErrors e) => e == SslPolicyErrors.None;\n  void Init() { var ssl = new SslStream(stream, false, Check); var ok = items.All(x => true); }\n}\n",
            ],
        );
    }

    #[test]
    fn go() {
        assert_cases(
            RULE,
            Language::Go,
            &[
                "package main\n\nimport \"crypto/tls\"\n\nvar cfg = &tls.Config{InsecureSkipVerify: true}\n",
                "package main\n\nfunc client() *http.Client {\n\ttr := &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: true}}\n\treturn &http.Client{Transport: tr}\n}\n",
                "package main\n\nfunc f(tr *http.Transport) {\n\ttr.TLSClientConfig.InsecureSkipVerify = true\n}\n",
            ],
            &[
                "package main\n\nvar cfg = &tls.Config{InsecureSkipVerify: false}\n",
                "package main\n\nvar cfg = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool}\n",
                "package main\n\nfunc f(insecure bool) *tls.Config {\n\treturn &tls.Config{InsecureSkipVerify: insecure}\n}\n",
            ],
        );
    }
}
