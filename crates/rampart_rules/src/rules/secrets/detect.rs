//! String-level secret recognition shared by every language: credential formats, secret-like
//! names, placeholder and entropy checks, and masking. Knows nothing about syntax trees.

use regex::Regex;
use std::sync::LazyLock;

/// A recognized credential inside a string literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatHit {
    /// What it is, e.g. "AWS access key ID".
    pub label: &'static str,
    /// The credential text itself (never printed unmasked).
    pub secret: String,
    /// Formats that are shaped like tokens but also appear as harmless sample data (JWTs).
    pub weak: bool,
}

struct Format {
    label: &'static str,
    regex: Regex,
    weak: bool,
}

fn format(label: &'static str, pattern: &str, weak: bool) -> Format {
    Format {
        label,
        regex: Regex::new(pattern).expect("credential pattern compiles"),
        weak,
    }
}

/// Vendor formats with a fixed prefix or shape, most specific first (Anthropic before OpenAI).
static FORMATS: LazyLock<Vec<Format>> = LazyLock::new(|| {
    vec![
        format(
            "private key",
            r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----",
            false,
        ),
        format(
            "AWS access key ID",
            r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b",
            false,
        ),
        format("GitHub token", r"\bgh[pousr]_[A-Za-z0-9]{36,255}\b", false),
        format(
            "GitHub token",
            r"\bgithub_pat_[A-Za-z0-9_]{22,255}\b",
            false,
        ),
        format("GitLab token", r"\bglpat-[A-Za-z0-9_\-]{20,}", false),
        format("Slack token", r"\bxox[baprs]-[A-Za-z0-9\-]{10,}", false),
        format(
            "Slack webhook URL",
            r"https://hooks\.slack\.com/services/T[A-Za-z0-9_]+/B[A-Za-z0-9_]+/[A-Za-z0-9_]+",
            false,
        ),
        format(
            "Stripe secret key",
            r"\b(?:sk|rk)_live_[A-Za-z0-9]{16,}",
            false,
        ),
        format("Stripe webhook secret", r"\bwhsec_[A-Za-z0-9]{24,}", false),
        format("Google API key", r"\bAIza[0-9A-Za-z_\-]{35}", false),
        format(
            "Google OAuth client secret",
            r"\bGOCSPX-[A-Za-z0-9_\-]{28}",
            false,
        ),
        format(
            "SendGrid API key",
            r"\bSG\.[A-Za-z0-9_\-]{16,32}\.[A-Za-z0-9_\-]{16,64}",
            false,
        ),
        format("Twilio API key", r"\bSK[0-9a-fA-F]{32}\b", false),
        format("npm token", r"\bnpm_[A-Za-z0-9]{36}\b", false),
        format("Anthropic API key", r"\bsk-ant-[A-Za-z0-9_\-]{20,}", false),
        format(
            "OpenAI API key",
            r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}",
            false,
        ),
        format("Hugging Face token", r"\bhf_[A-Za-z0-9]{34,}\b", false),
        format(
            "PyPI token",
            r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}",
            false,
        ),
        format("Mailgun API key", r"\bkey-[0-9a-f]{32}\b", false),
        format(
            "Shopify token",
            r"\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b",
            false,
        ),
        format(
            "Square token",
            r"\bsq0(?:atp|csp)-[0-9A-Za-z_\-]{22,}",
            false,
        ),
        format("DigitalOcean token", r"\bdo[opr]_v1_[a-f0-9]{64}\b", false),
        format("Databricks token", r"\bdapi[a-f0-9]{32}\b", false),
        format(
            "Azure storage account key",
            r"AccountKey=[A-Za-z0-9+/]{80,}={0,2}",
            false,
        ),
        format(
            "Telegram bot token",
            r"\b[0-9]{8,10}:AA[A-Za-z0-9_\-]{33}\b",
            false,
        ),
        format(
            "Discord webhook URL",
            r"https://(?:discord|discordapp)\.com/api/webhooks/[0-9]+/[A-Za-z0-9_\-]{30,}",
            false,
        ),
        format("Mailchimp API key", r"\b[0-9a-f]{32}-us[0-9]{1,2}\b", false),
        format(
            "Firebase Cloud Messaging server key",
            r"\bAAAA[A-Za-z0-9_\-]{7}:[A-Za-z0-9_\-]{100,}",
            false,
        ),
        format(
            "JSON Web Token",
            r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",
            true,
        ),
    ]
});

static FORMAT_SET: LazyLock<regex::RegexSet> = LazyLock::new(|| {
    regex::RegexSet::new(FORMATS.iter().map(|f| f.regex.as_str()))
        .expect("credential patterns compile")
});

/// The first known credential format in `text` whose body is not an obvious filler
/// (`sk-xxxxxxxx…`, `ghp_<your-token>`).
pub fn find_format(text: &str) -> Option<FormatHit> {
    // One pass over the text says which formats can match at all.
    for i in FORMAT_SET.matches(text).iter() {
        let Some(f) = FORMATS.get(i) else {
            continue;
        };
        for m in f.regex.find_iter(text) {
            let secret = m.as_str();
            if f.label != "private key" && is_filler_token(secret) {
                continue;
            }
            return Some(FormatHit {
                label: f.label,
                secret: secret.to_string(),
                weak: f.weak,
            });
        }
    }
    None
}

/// AWS secret access keys have no prefix: 40 base64 characters under a name that says so
/// (`aws_secret_access_key`, `secretAccessKey`, `AWS_SECRET_KEY`).
pub fn is_aws_secret_key(name: &str, value: &str) -> bool {
    let words = name_words(name);
    let has = |w: &str| words.iter().any(|x| x == w);
    let named = (has("aws") && (has("secret") || has("secretkey")))
        || (has("secret") && has("access"))
        || has("secretaccesskey");
    named
        && value.len() == 40
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '+')
        && value.chars().any(|c| c.is_ascii_digit())
        && value.chars().any(|c| c.is_ascii_uppercase())
}

/// Token-shaped text that is padding rather than a credential: few distinct characters,
/// long runs of one character, or placeholder words.
fn is_filler_token(token: &str) -> bool {
    let lower = token.to_ascii_lowercase();
    if ["xxxx", "your", "here", "0000000000"]
        .iter()
        .any(|p| lower.contains(p))
    {
        return true;
    }
    // Generated credentials always mix in digits; `sk-lang-selector-dropdown` is a CSS class.
    distinct_chars(token) < 8
        || longest_run(token) >= 6
        || !token.chars().any(|c| c.is_ascii_digit())
}

/// How a literal's name says it holds a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretName {
    /// Passwords and secrets: people choose them, so short, low-entropy values still count.
    Password,
    /// Tokens and keys: machine-generated, so only long random-looking values count.
    Token,
}

/// Trailing words that do not change what a name holds (`api_key_value`, `db_password_prod`).
const NEUTRAL_SUFFIXES: &[&str] = &[
    "value",
    "val",
    "str",
    "string",
    "raw",
    "plain",
    "plaintext",
    "b64",
    "base64",
    "hex",
    "bytes",
    "live",
    "prod",
    "production",
    "dev",
    "development",
    "staging",
    "local",
    "default",
    "v",
];

/// Qualifiers that make `<qualifier>_key` a lookup or structural key, not a credential.
const NON_SECRET_KEY_QUALIFIERS: &[&str] = &[
    "cache",
    "primary",
    "foreign",
    "sort",
    "partition",
    "hash",
    "lookup",
    "dict",
    "map",
    "storage",
    "redis",
    "s3",
    "bucket",
    "object",
    "idempotency",
    "i18n",
    "translation",
    "message",
    "react",
    "unique",
    "composite",
    "row",
    "column",
    "index",
    "public",
    "pub",
    "registry",
    "route",
    "query",
    "state",
    "local",
    "config",
    "setting",
    "settings",
    "env",
    "context",
    "event",
    "metric",
    "group",
    "item",
    "list",
    "field",
    "form",
    "json",
    "sequence",
    "natural",
    "surrogate",
    "search",
    "range",
    "hot",
    "short",
    "menu",
    "nav",
    "tab",
    "shortcut",
    "keyboard",
    "dedup",
    "dedupe",
    "lock",
    "mutex",
    "throttle",
    "rate",
    "ratelimit",
    "limit",
    "counter",
    "queue",
    "topic",
    "job",
    "task",
    "prefix",
    "namespace",
    "tenant",
    "project",
    "entity",
    "model",
    "table",
    "record",
    "doc",
    "document",
    "file",
    "path",
    "attribute",
    "attr",
    "property",
    "prop",
    "param",
    "label",
    "name",
    "id",
    "type",
    "kind",
    "sku",
    "product",
    "order",
    "user",
    "customer",
    "data",
    "dataset",
    "feature",
    "flag",
    "experiment",
    "request",
    "response",
    "header",
    "sentry",
    "publishable",
    "site",
    "recaptcha",
    "analytics",
    "tracking",
    "measurement",
    "gtm",
    "child",
    "parent",
    "next",
    "prev",
    "previous",
    "last",
    "first",
    "start",
    "end",
    "min",
    "max",
    "default",
    "option",
    "options",
    "locale",
    "lang",
    "language",
    "color",
    "theme",
    "style",
    "css",
    "class",
    "component",
    "widget",
    "view",
    "page",
    "screen",
    "template",
    "element",
    "node",
    "tree",
    "graph",
    "edge",
    "vertex",
    "pk",
    "fk",
    "cert",
    "certificate",
];

/// Words for a credential a person chooses.
fn is_password_word(w: &str) -> bool {
    matches!(
        w,
        "password" | "passwd" | "passphrase" | "pwd" | "pass" | "pw" | "secret"
    ) || w.ends_with("password")
        || w.ends_with("passwd")
        || w.ends_with("secret")
}

/// Words for a machine-issued credential.
fn is_token_word(w: &str) -> bool {
    matches!(
        w,
        "token"
            | "apikey"
            | "credential"
            | "credentials"
            | "creds"
            | "auth"
            | "authorization"
            | "bearer"
            | "accesskey"
            | "secretkey"
            | "privatekey"
            | "signingkey"
            | "encryptionkey"
            | "masterkey"
            | "clientkey"
            | "authkey"
    ) || w.ends_with("token")
        || w.ends_with("apikey")
}

/// Splits an identifier, dotted path or header name into lowercase words:
/// `dbPassword` → `db password`, `APIKey` → `api key`, `mail.smtp.password` → `mail smtp password`.
pub fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if let Some(&prev) = i.checked_sub(1).and_then(|j| chars.get(j)) {
            let next = chars.get(i + 1).copied();
            let boundary = (prev.is_ascii_lowercase() && c.is_ascii_uppercase())
                || (prev.is_ascii_uppercase()
                    && c.is_ascii_uppercase()
                    && next.is_some_and(|n| n.is_ascii_lowercase()))
                || (prev.is_ascii_digit() != c.is_ascii_digit() && prev.is_ascii_alphanumeric());
            if boundary && !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words.retain(|w| !w.chars().all(|c| c.is_ascii_digit()));
    words
}

/// Whether `name` (a variable, field, key, keyword argument or setter) names a secret, judged by
/// its head word: `db_password` and `SECRET_KEY` do, `password_field`, `token_type`,
/// `PASSWORD_RESET_URL` and `secret_name` do not.
pub fn classify_name(name: &str) -> Option<SecretName> {
    let mut words = name_words(name);
    // `setPassword`, `set_api_key`: the setter's subject is the name.
    if words.first().is_some_and(|w| w == "set" || w == "with") && words.len() > 1 {
        words.remove(0);
    }
    while words.len() > 1
        && words
            .last()
            .is_some_and(|w| NEUTRAL_SUFFIXES.contains(&w.as_str()))
    {
        words.pop();
    }
    let head = words.last()?.as_str();
    let earlier = &words[..words.len() - 1];
    let mentions_secret = words
        .iter()
        .any(|w| w.contains("secret") || w.contains("password") || w.contains("passwd"));
    if is_password_word(head) {
        return Some(SecretName::Password);
    }
    if is_token_word(head) {
        return Some(if mentions_secret {
            SecretName::Password
        } else {
            SecretName::Token
        });
    }
    if head == "key" {
        let qualifier = earlier.last()?.as_str();
        if NON_SECRET_KEY_QUALIFIERS.contains(&qualifier) {
            return None;
        }
        return Some(if mentions_secret {
            SecretName::Password
        } else {
            SecretName::Token
        });
    }
    None
}

/// Substrings that mark a value as a stand-in for a real secret.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "change-this",
    "changethis",
    "change_this",
    "replace",
    "your",
    "<",
    ">",
    "${",
    "{{",
    "xxx",
    "***",
    "...",
    "example",
    "dummy",
    "placeholder",
    "sample",
    "fake",
    "test",
    "mock",
    "todo",
    "fixme",
    "insert",
    "here",
    "redacted",
    "foobar",
    "notreal",
    "not-real",
    "not_real",
    "not-a-real",
    "lorem",
    "•",
    // SQLAlchemy's documented sample credentials (`scott:tiger`).
    "tiger",
];

/// Whole values that are words, not secrets.
const NON_SECRET_VALUES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "key",
    "bearer",
    "basic",
    "null",
    "none",
    "nil",
    "undefined",
    "true",
    "false",
    "string",
    "required",
    "hidden",
    "text",
    "n/a",
    "tbd",
    "pass",
    "pwd",
    "str",
    "default",
    "unknown",
    "empty",
    "disabled",
    "enabled",
    "secret_key",
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "authorization",
    "x-api-key",
    "new-password",
    "current-password",
    "one-time-code",
];

static FORMAT_SPEC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{[A-Za-z0-9_.:]*\}|%[sdrif]|%\(|\$\{|\$\(|#\{|^\$[A-Za-z_][A-Za-z0-9_]*$")
        .expect("format specifier pattern compiles")
});
/// Regular expressions assigned to `*_token`/`*_key` names (`qtoken = r'(?:"[^"]+?")'`).
static REGEX_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\(\?[:=!<P]|\[\^|\\[dwsbDWS]|\.\*|\.\+|\]\+|\]\*|\)\?|\)\+|^\^.*\$$")
        .expect("regex-like pattern compiles")
});
/// Values that name a setting, field or environment variable rather than hold a secret:
/// `spring.datasource.password`, `DB_PASSWORD`, `user_password`, `authToken`, `session:token`.
/// Longer phrases (`super_secret_key`, `mySecretKeyForJwt123`) are made-up secrets.
static IDENTIFIER_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z]+_[a-z]+|[a-z]+[A-Z][a-z]+|[A-Z][a-z]+[A-Z][a-z]+|[a-z]+(?::[a-z_]+)+)$",
    )
    .expect("identifier pattern compiles")
});

/// Whether a value is an obvious stand-in: placeholders, templates, names of things.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    v.is_empty()
        || NON_SECRET_VALUES.contains(&lower.as_str())
        || PLACEHOLDER_MARKERS.iter().any(|m| lower.contains(m))
        || FORMAT_SPEC.is_match(v)
        || distinct_chars(v) < 4
}

/// Whether the literal assigned to a secret-named target is itself a secret, given the
/// target `name`. Rejects placeholders, UI text, paths, URLs, header and identifier names, and
/// values too short or too uniform for the kind of secret.
pub fn is_secret_value(name: &str, kind: SecretName, value: &str) -> bool {
    // `Authorization: "Bearer abc…"`, `"Basic dXNl…"`: judge the credential after the scheme.
    let value = ["Bearer ", "Basic ", "Token ", "token ", "bearer "]
        .iter()
        .find_map(|p| value.strip_prefix(p))
        .map_or(value, str::trim);
    if is_placeholder(value) || value.chars().any(|c| c.is_control()) {
        return false;
    }
    if value.chars().any(char::is_whitespace) && !is_passphrase(kind, value) {
        return false;
    }
    let lower = value.to_ascii_lowercase();
    if lower.contains("://")
        || value.starts_with('/')
        || value.starts_with("./")
        || value.starts_with("~/")
        || lower.starts_with("x-")
        || value.ends_with(':')
        || IDENTIFIER_LIKE.is_match(value)
        || REGEX_LIKE.is_match(value)
    {
        return false;
    }
    // `password_field = "password"`, `TOKEN_KEY = "token_key"`: the value names the field.
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .flat_map(|c| c.to_lowercase())
            .collect()
    };
    let (v, n) = (squash(value), squash(name));
    if v.is_empty() || n.contains(&v) {
        return false;
    }
    // `"Passwort"`, `"Contraseña"`: a capitalized word is a translated label.
    let mut chars = value.chars();
    if chars.next().is_some_and(char::is_uppercase) && chars.all(char::is_lowercase) {
        return false;
    }
    let len = value.chars().count();
    match kind {
        SecretName::Password => len >= 6 && distinct_chars(value) >= 4,
        SecretName::Token => {
            let has_digit = value.chars().any(|c| c.is_ascii_digit());
            let has_alpha = value.chars().any(|c| c.is_ascii_alphabetic());
            let has_upper = value.chars().any(|c| c.is_ascii_uppercase());
            let has_lower = value.chars().any(|c| c.is_ascii_lowercase());
            len >= 12
                && shannon_entropy(value) >= 3.0
                && ((has_digit && has_alpha) || (has_upper && has_lower && len >= 20))
        }
    }
}

/// A few lowercase words (`keyboard cat`) can be a passphrase; capitalized or punctuated text,
/// longer phrases and text that talks about secrets are labels and messages.
fn is_passphrase(kind: SecretName, value: &str) -> bool {
    let words: Vec<&str> = value.split_whitespace().collect();
    let lower = value.to_ascii_lowercase();
    kind == SecretName::Password
        && (2..=4).contains(&words.len())
        && !value.starts_with(|c: char| c.is_uppercase())
        && !value.ends_with(['.', ':', '!', '?'])
        && !lower.split_whitespace().any(|w| {
            ["password", "secret", "token"]
                .iter()
                .any(|m| w.contains(m))
                || ["key", "enter", "please", "must", "invalid", "your"].contains(&w)
        })
}

/// Whether a literal in a position that can only hold a credential (the password argument of
/// `DriverManager.getConnection`, a JWT signing key) is a real value rather than a stand-in.
pub fn is_positional_secret_value(value: &str) -> bool {
    !is_placeholder(value)
        && value.chars().count() >= 6
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A password written into a connection string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlinePassword {
    pub password: String,
    /// `postgres://…`, `Server=…;Password=…`, `user:pass@tcp(…)`.
    pub form: &'static str,
}

static URL_CREDENTIALS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b([a-zA-Z][a-zA-Z0-9+.\-]{1,20})://([^:/@\s]{1,64}):([^@/\s]{1,128})@([^\s/:?#]+)",
    )
    .expect("url pattern compiles")
});
static DSN_CREDENTIALS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([^:@/\s]{1,64}):([^@\s]{1,128})@(?:tcp|unix)\(").expect("dsn pattern compiles")
});
static QUERY_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)://[^\s?]*\?(?:[^\s#]*&)?(?:password|passwd|pwd)=([^&\s#]+)")
        .expect("query pattern compiles")
});
static KV_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[;\s])(?:password|pwd)\s*=\s*'?([^;\s']+)").expect("kv pattern compiles")
});
static KV_USER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[;\s])(?:user id|uid|user|username)\s*=\s*'?([^;\s']+)")
        .expect("kv pattern compiles")
});
static KV_OTHER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[;\s])(?:server|host|data source|user id|uid|user|username|database|dbname|initial catalog|port)\s*=")
        .expect("kv pattern compiles")
});

/// A password inside a database URL, Go MySQL DSN or ADO.NET/libpq key-value connection string.
pub fn find_inline_password(text: &str) -> Option<InlinePassword> {
    let candidate = if let Some(c) = URL_CREDENTIALS.captures(text) {
        let user = c.get(2).map_or("", |m| m.as_str());
        let password = c.get(3).map_or("", |m| m.as_str());
        (user != password).then(|| (password.to_string(), "URL"))
    } else if let Some(c) = DSN_CREDENTIALS.captures(text) {
        let user = c.get(1).map_or("", |m| m.as_str());
        let password = c.get(2).map_or("", |m| m.as_str());
        (user != password).then(|| (password.to_string(), "DSN"))
    } else if let Some(c) = QUERY_PASSWORD.captures(text) {
        c.get(1).map(|m| (m.as_str().to_string(), "URL"))
    } else if KV_OTHER.is_match(text) {
        let user = KV_USER
            .captures(text)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str());
        KV_PASSWORD
            .captures(text)
            .and_then(|c| c.get(1))
            .filter(|m| Some(m.as_str()) != user)
            .map(|m| (m.as_str().to_string(), "connection string"))
    } else {
        None
    }?;
    let (password, form) = candidate;
    let p = password.trim_matches(|c| c == '"' || c == '\'');
    if p.chars().count() < 4 || is_placeholder(p) || p.starts_with(['$', '%', '{', '[', '(']) {
        return None;
    }
    Some(InlinePassword {
        password: p.to_string(),
        form,
    })
}

/// `AKIA…MPLE`: enough to recognize the value, never enough to use it.
pub fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let n = chars.len();
    if n >= 12 {
        let head: String = chars[..4].iter().collect();
        let tail: String = chars[n - 4..].iter().collect();
        format!("{head}…{tail}")
    } else if n >= 6 {
        let head: String = chars[..2].iter().collect();
        format!("{head}…")
    } else {
        "…".to_string()
    }
}

/// Shannon entropy in bits per character.
pub fn shannon_entropy(s: &str) -> f64 {
    let mut counts = rustc_hash::FxHashMap::<char, usize>::default();
    let mut total = 0usize;
    for c in s.chars() {
        *counts.entry(c).or_default() += 1;
        total += 1;
    }
    if total == 0 {
        return 0.0;
    }
    counts
        .values()
        .map(|&n| {
            let p = n as f64 / total as f64;
            -p * p.log2()
        })
        .sum()
}

fn distinct_chars(s: &str) -> usize {
    let mut seen: Vec<char> = s.chars().collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

fn longest_run(s: &str) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut prev = None;
    for c in s.chars() {
        run = if Some(c) == prev { run + 1 } else { 1 };
        prev = Some(c);
        best = best.max(run);
    }
    best
}

/// Test code: fixtures there are usually fake, so findings are downgraded rather than dropped.
pub fn is_test_path(rel_path: &str) -> bool {
    let path = rel_path.replace('\\', "/");
    let mut parts = path.split('/').collect::<Vec<_>>();
    let file = parts.pop().unwrap_or("");
    let test_dir = parts.iter().any(|p| {
        matches!(
            p.to_ascii_lowercase().as_str(),
            "test"
                | "tests"
                | "__tests__"
                | "spec"
                | "specs"
                | "testdata"
                | "testing"
                | "e2e"
                | "__mocks__"
                | "fixtures"
                | "test-fixtures"
        )
    });
    let lower = file.to_ascii_lowercase();
    test_dir
        || lower.starts_with("test_")
        || lower == "conftest.py"
        || lower.ends_with("_test.py")
        || lower.ends_with("_test.go")
        || lower.contains(".test.")
        || lower.contains(".spec.")
        || file.ends_with("Test.java")
        || file.ends_with("Tests.java")
        || file.ends_with("IT.java")
        || file.ends_with("Test.cs")
        || file.ends_with("Tests.cs")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognizes_vendor_formats() {
        let cases = [
            ("AKIAIOSFODNN7EXAMPLE", "AWS access key ID"),
            ("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", "GitHub token"),
            (
                "xoxb-2048204820-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
                "Slack token",
            ),
            ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Stripe secret key"),
            ("AIzaSyD3x8Gq9Lw2VbN5mT7kR1pZ4cH6jY0uE8s", "Google API key"),
            ("-----BEGIN RSA PRIVATE KEY-----\nMIIE", "private key"),
            ("-----BEGIN PRIVATE KEY-----", "private key"),
            (
                "sk-ant-api03-Zx8Kq2LmN4pR7sT1vW3yB5dF9hJ0",
                "Anthropic API key",
            ),
            ("sk-proj-8fKq2LmN4pR7sT1vW3yB5dF9hJ0aZ", "OpenAI API key"),
            (
                "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",
                "SendGrid API key",
            ),
            ("npm_k3Lq9Zx8Wv7Ut6Sr5Qp4On3Ml2Kj1Ih0Gf9E", "npm token"),
            (
                "https://discord.com/api/webhooks/1234567890/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
                "Discord webhook URL",
            ),
            ("0123456789abcdef0123456789abcdef-us21", "Mailchimp API key"),
        ];
        for (text, label) in cases {
            let hit = find_format(text).unwrap_or_else(|| panic!("no format in {text}"));
            assert_eq!(hit.label, label, "{text}");
        }
        for text in [
            "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "AKIAXXXXXXXXXXXXXXXX",
            "ghp_yourtokenhere",
            "sk-lang-selector-dropdown-menu",
            "skeleton-key",
        ] {
            assert_eq!(find_format(text), None, "{text}");
        }
    }

    #[test]
    fn recognizes_aws_secret_keys_by_name() {
        let key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        assert!(is_aws_secret_key("aws_secret_access_key", key));
        assert!(is_aws_secret_key("secretAccessKey", key));
        assert!(!is_aws_secret_key("session_id", key));
        assert!(!is_aws_secret_key("aws_secret_access_key", "short"));
    }

    #[test]
    fn classifies_names_by_head_word() {
        use SecretName::*;
        for (name, kind) in [
            ("password", Some(Password)),
            ("DB_PASSWORD", Some(Password)),
            ("dbPassword", Some(Password)),
            ("SECRET_KEY", Some(Password)),
            ("client_secret", Some(Password)),
            ("jwtSecret", Some(Password)),
            ("api_key", Some(Token)),
            ("APIKey", Some(Token)),
            ("stripeApiKey", Some(Token)),
            ("AWS_SECRET_ACCESS_KEY", Some(Password)),
            ("authToken", Some(Token)),
            ("X-Api-Key", Some(Token)),
            ("setPassword", Some(Password)),
            ("mail.smtp.password", Some(Password)),
            ("password_field", None),
            ("token_type", None),
            ("PASSWORD_RESET_URL", None),
            ("secret_name", None),
            ("cache_key", None),
            ("key", None),
            ("passwordHash", None),
            ("api_key_header", None),
            ("bypass", None),
        ] {
            assert_eq!(classify_name(name), kind, "{name}");
        }
    }

    #[test]
    fn judges_values() {
        use SecretName::*;
        assert!(is_secret_value("password", Password, "hunter22"));
        assert!(is_secret_value(
            "SECRET_KEY",
            Password,
            "django-insecure-8f$k2l"
        ));
        assert!(is_secret_value("api_key", Token, "a1b2c3d4e5f6g7h8i9j0"));
        assert!(is_secret_value(
            "Authorization",
            Token,
            "Basic dXNlcjpwYXNzd29yZA=="
        ));
        assert!(!is_secret_value("Authorization", Token, "Bearer "));
        for v in [
            "",
            "changeme",
            "your-api-key-here",
            "<token>",
            "xxx",
            "${API_KEY}",
            "example-key",
            "dummy",
            "test123456",
            "password",
            "Enter your password",
            "/reset",
            "DB_PASSWORD",
            "user_password",
            "bearer",
            "{}",
            "%s",
            "aaaaaaaa",
            r#"(?:"[^"]+?")"#,
            r"^\d{6}$",
        ] {
            assert!(!is_secret_value("password", Password, v), "{v}");
        }
        assert!(!is_secret_value("api_key", Token, "abc123"));
        assert!(is_secret_value("api_key", Token, "sk-abc123def456"));
        assert!(!is_secret_value("api_key", Token, "aaaa1111bbbb"));
        assert!(is_secret_value("secret_key", Password, "super_secret_key"));
        assert!(is_secret_value("secret", Password, "mySecretKeyForJwt2024"));
        for v in [
            "spring.datasource.password",
            "userPassword",
            "auth_token",
            "session:token",
        ] {
            assert!(!is_secret_value("password", Password, v), "{v}");
        }
        assert!(!is_secret_value("api_key", Token, "users-sessions-cache"));
    }

    #[test]
    fn finds_connection_string_passwords() {
        assert_eq!(
            find_inline_password("postgresql://admin:S3cretPass@db.internal:5432/app")
                .map(|p| p.password),
            Some("S3cretPass".into())
        );
        assert!(
            find_inline_password("Server=tcp:x;Database=d;User Id=sa;Password=Str0ng!Pass;")
                .is_some()
        );
        assert!(find_inline_password("app:s3cr3tpw@tcp(localhost:3306)/shop").is_some());
        assert!(
            find_inline_password("jdbc:postgresql://db:5432/app?user=app&password=Xk92jfQp")
                .is_some()
        );
        assert!(find_inline_password("host=db user=app password=hunter22 dbname=x").is_some());
        for text in [
            "postgres://user:password@localhost/db",
            "postgres://postgres:postgres@localhost/db",
            "postgresql+psycopg2://scott:tiger@localhost/test",
            "postgres://user:${DB_PASSWORD}@host/db",
            "Server=x;Password={0};",
            "Host=localhost;Database=app;Username=postgres;Password=postgres",
            "https://example.com/path",
        ] {
            assert_eq!(find_inline_password(text), None, "{text}");
        }
    }

    #[test]
    fn masks_and_measures() {
        assert_eq!(mask("AKIAIOSFODNN7EXAMPLE"), "AKIA…MPLE");
        assert_eq!(mask("hunter2"), "hu…");
        assert!(shannon_entropy("aaaa") < 0.01);
        assert!(shannon_entropy("a1b2c3d4e5f6g7h8i9j0") > 4.0);
        assert!(is_test_path("tests/test_app.py"));
        assert!(is_test_path("src/api.spec.ts"));
        assert!(is_test_path("src/test/java/AppTest.java"));
        assert!(!is_test_path("src/app.py"));
    }
}
