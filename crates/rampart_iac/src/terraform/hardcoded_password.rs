use super::{mask, report, Attr, Block, Expr, Module};
use rampart_core::{Finding, Location};
use std::collections::HashSet;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports passwords and tokens written into Terraform: a literal string (or a variable
    /// default, or a local that resolves to a literal) in settings such as `password`,
    /// `master_password`, `admin_password`, `administrator_login_password`, `auth_token` or
    /// `root_password` of resources and module calls, including nested blocks; secret-named keys
    /// with literal values in setting maps and lists (a Lambda function's environment variables,
    /// App Service `app_settings`, `{ name = "DB_PASSWORD", value = "..." }` in ECS container
    /// definitions, Helm `set` and Kubernetes `env` blocks); and literal values stored in
    /// `aws_secretsmanager_secret_version` (`secret_string`) or a `SecureString`
    /// `aws_ssm_parameter`.
    ///
    /// ## Why is this bad
    /// The secret is in version control for good, in every clone and CI log, and also in the
    /// Terraform state in plain text. Rotating it means editing code, and everyone with read access
    /// to the repository can log in to the database.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   username = "admin"
    ///   password = "SuperSecret123!"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Let the service manage the secret, or generate it and keep it in a secret store:
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   username                    = "admin"
    ///   manage_master_user_password = true
    /// }
    /// ```
    ///
    /// ## References
    /// - [CWE-798: Use of Hard-coded Credentials](https://cwe.mitre.org/data/definitions/798.html)
    /// - [CWE-259: Use of Hard-coded Password](https://cwe.mitre.org/data/definitions/259.html)
    pub static TF_HARDCODED_PASSWORD = {
        id: "tf-hardcoded-password",
        name: "TfHardcodedPassword",
        cwe: 798,
        other_cwes: [259],
        severity: High,
        languages: [Terraform],
        summary: "Hard-coded password in Terraform",
        help: "use `manage_master_user_password`, a `random_password`, or a secret manager data source",
    }
}

const SECRET_SETTINGS: &[&str] = &[
    "password",
    "master_password",
    "admin_password",
    "administrator_login_password",
    "root_password",
    "auth_token",
    "master_user_password",
    "db_password",
    "database_password",
    "admin_pass",
];

/// The literal a setting holds, and where it is written (the variable default when it comes from
/// one).
fn literal<'a>(m: &Module<'a>, attr: &'a Attr) -> Option<(String, &'a Location, Option<&'a str>)> {
    if let Expr::Ref(parts) = &attr.value {
        if parts.len() == 2 && parts[0] == "var" {
            let default = m.variable_default(&parts[1])?;
            let v = m.eval(&default.value);
            return v
                .as_str()
                .map(|s| (s.to_string(), &default.location, Some(parts[1].as_str())));
        }
    }
    if matches!(attr.value, Expr::Call(..) | Expr::Cond(..)) {
        return None;
    }
    match m.eval(&attr.value) {
        Expr::Str(s) => Some((s, &attr.location, None)),
        _ => None,
    }
}

/// A secret-named key with a literal value in a map of settings, such as a Lambda function's
/// `environment { variables = { API_KEY = "..." } }` or an App Service's `app_settings`.
fn secret_in_map(m: &Module, attr: &Attr) -> Option<(String, String)> {
    if matches!(
        attr.name.as_str(),
        "tags" | "tags_all" | "labels" | "metadata"
    ) {
        return None;
    }
    match &attr.value {
        Expr::Str(s) => crate::dockerfile::embedded_credential(s).map(|c| (attr.name.clone(), c)),
        Expr::Object(_) | Expr::List(_) | Expr::Call(..) => {
            find_secret_literal(&m.eval(&attr.value), 0)
        }
        _ => None,
    }
}

fn is_literal_secret(value: &Expr) -> Option<&str> {
    match value {
        Expr::Str(s) if !is_placeholder(s) && !s.chars().all(|c| c.is_ascii_digit()) => Some(s),
        _ => None,
    }
}

/// A secret-named key with a literal value anywhere in a (bounded) nested value, including
/// `{ name = "DB_PASSWORD", value = "..." }` pairs of container definitions.
fn find_secret_literal(value: &Expr, depth: usize) -> Option<(String, String)> {
    if depth > 8 {
        return None;
    }
    match value {
        Expr::Object(fields) => {
            if let (Some(Expr::Str(name)), Some(v)) = (value.get("name"), value.get("value")) {
                if crate::dockerfile::is_secret_name(name) {
                    if let Some(s) = is_literal_secret(v) {
                        return Some((name.clone(), s.to_string()));
                    }
                }
            }
            fields.iter().find_map(|(k, v)| {
                if crate::dockerfile::is_secret_name(k) {
                    if let Some(s) = is_literal_secret(v) {
                        return Some((k.clone(), s.to_string()));
                    }
                }
                match v {
                    Expr::Str(s) => {
                        crate::dockerfile::embedded_credential(s).map(|c| (k.clone(), c))
                    }
                    _ => find_secret_literal(v, depth + 1),
                }
            })
        }
        Expr::List(items) => items.iter().find_map(|i| find_secret_literal(i, depth + 1)),
        Expr::Str(s) => crate::dockerfile::embedded_credential(s).map(|c| ("value".to_string(), c)),
        _ => None,
    }
}

/// A nested block written as a name/value pair (`env { name = ... value = ... }`, Helm `set`).
fn secret_pair<'a>(m: &Module, b: &'a Block) -> Option<(String, String, &'a Attr)> {
    let name = m.attr(b, "name")?;
    let name = name
        .as_str()
        .filter(|n| crate::dockerfile::is_secret_name(n))?
        .to_string();
    let attr = b.attr("value")?;
    let value = m.eval(&attr.value);
    let secret = is_literal_secret(&value)?.to_string();
    Some((name, secret, attr))
}

fn is_placeholder(s: &str) -> bool {
    let t = s.trim();
    t.is_empty()
        || t.len() < 4
        || t.starts_with("arn:")
        || t.starts_with("${")
        || t.contains("{{resolve:")
}

fn walk<'a>(
    m: &Module<'a>,
    address: &str,
    b: &'a Block,
    seen: &mut HashSet<(String, u32)>,
    out: &mut Vec<Finding>,
) {
    for attr in &b.attrs {
        if let Some((key, secret)) = secret_in_map(m, attr) {
            if seen.insert((attr.location.path.clone(), attr.location.span.start_line)) {
                out.push(report(
                    &TF_HARDCODED_PASSWORD,
                    &attr.location,
                    if key == attr.name {
                        format!(
                            "`{key}` of `{address}` embeds a credential (`{}`)",
                            mask(&secret)
                        )
                    } else {
                        format!(
                            "`{key}` in `{}` of `{address}` is hard-coded (`{}`)",
                            attr.name,
                            mask(&secret)
                        )
                    },
                    address,
                    format!("{} {key} literal", attr.name),
                ));
            }
            continue;
        }
        if !SECRET_SETTINGS.contains(&attr.name.as_str()) {
            continue;
        }
        let Some((secret, location, variable)) = literal(m, attr) else {
            continue;
        };
        if is_placeholder(&secret)
            || !seen.insert((location.path.clone(), location.span.start_line))
        {
            continue;
        }
        let message = match variable {
            Some(v) => format!(
                "`{}` of `{address}` comes from the default of `var.{v}`, a hard-coded secret (`{}`)",
                attr.name,
                mask(&secret)
            ),
            None => format!("`{}` of `{address}` is hard-coded (`{}`)", attr.name, mask(&secret)),
        };
        out.push(report(
            &TF_HARDCODED_PASSWORD,
            location,
            message,
            address,
            format!("{} literal", attr.name),
        ));
    }
    if b.kind != "resource" && b.kind != "module" {
        if let Some((name, secret, attr)) = secret_pair(m, b) {
            if seen.insert((attr.location.path.clone(), attr.location.span.start_line)) {
                out.push(report(
                    &TF_HARDCODED_PASSWORD,
                    &attr.location,
                    format!(
                        "`{name}` of `{address}` is hard-coded (`{}`)",
                        mask(&secret)
                    ),
                    address,
                    format!("{name} literal"),
                ));
            }
        }
    }
    for nested in &b.blocks {
        walk(m, address, nested, seen, out);
    }
}

/// A literal in a secret store resource: the store protects nothing when the value is in code.
fn stored_literal(m: &Module, value: &Expr) -> Option<String> {
    match m.eval(value) {
        Expr::Str(s) if !is_placeholder(&s) => Some(s),
        obj @ Expr::Object(_) => {
            let Expr::Object(fields) = &obj else {
                return None;
            };
            fields.iter().find_map(|(k, v)| {
                let key = k.to_ascii_lowercase();
                let secret_key = [
                    "password",
                    "secret",
                    "token",
                    "api_key",
                    "apikey",
                    "private_key",
                ]
                .iter()
                .any(|s| key.contains(s));
                match v {
                    Expr::Str(s) if secret_key && !is_placeholder(s) => Some(s.clone()),
                    _ => None,
                }
            })
        }
        _ => None,
    }
}

fn secret_stores(m: &Module, seen: &mut HashSet<(String, u32)>, out: &mut Vec<Finding>) {
    for r in m.resources("aws_secretsmanager_secret_version") {
        let Some(attr) = r.block.attr("secret_string") else {
            continue;
        };
        if let Some(secret) = stored_literal(m, &attr.value) {
            seen.insert((attr.location.path.clone(), attr.location.span.start_line));
            out.push(report(
                &TF_HARDCODED_PASSWORD,
                &attr.location,
                format!(
                    "`secret_string` of `{}` is a literal (`{}`): the secret is in the code",
                    r.address(),
                    mask(&secret)
                ),
                &r.address(),
                "secret_string literal",
            ));
        }
    }
    for r in m.resources("aws_ssm_parameter") {
        let secure =
            m.attr(r.block, "type").as_ref().and_then(Expr::as_str) == Some("SecureString");
        let Some(attr) = r.block.attr("value").filter(|_| secure) else {
            continue;
        };
        if let Some(secret) = stored_literal(m, &attr.value) {
            seen.insert((attr.location.path.clone(), attr.location.span.start_line));
            out.push(report(
                &TF_HARDCODED_PASSWORD,
                &attr.location,
                format!(
                    "SecureString `{}` has a literal value (`{}`)",
                    r.address(),
                    mask(&secret)
                ),
                &r.address(),
                "value literal",
            ));
        }
    }
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    let mut seen = HashSet::new();
    secret_stores(m, &mut seen, out);
    for f in &m.files {
        for b in f
            .blocks
            .iter()
            .filter(|b| matches!(b.kind.as_str(), "resource" | "module"))
        {
            walk(m, &b.address(), b, &mut seen, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::{findings_of, run};

    #[test]
    fn flags_literals_and_variable_defaults() {
        let vars = "variable \"db_password\" {\n  description = \"Database password\"\n  type        = string\n  default     = \"ChangeMe123!\"\n  sensitive   = true\n}\n";
        let main = "resource \"aws_db_instance\" \"app\" {\n  username = \"admin\"\n  password = var.db_password\n}\nresource \"aws_elasticache_replication_group\" \"cache\" {\n  auth_token = \"redis-auth-token-1234567890\"\n}\nresource \"azurerm_linux_virtual_machine\" \"vm\" {\n  admin_password = \"P@ssw0rd1234!\"\n}\nresource \"aws_lambda_function\" \"api\" {\n  environment {\n    variables = {\n      TABLE_NAME = \"items\"\n      STRIPE_SECRET_KEY = \"sk_live_51Habcdefghijkl\"\n    }\n  }\n}\nresource \"aws_secretsmanager_secret_version\" \"db\" {\n  secret_id     = aws_secretsmanager_secret.db.id\n  secret_string = jsonencode({ username = \"admin\", password = \"Sup3rS3cret!\" })\n}\nresource \"aws_ecs_task_definition\" \"app\" {\n  container_definitions = jsonencode([{\n    name = \"app\"\n    environment = [\n      { name = \"DB_HOST\", value = \"db.internal\" },\n      { name = \"DB_PASSWORD\", value = \"ecs-pass-1234\" }\n    ]\n  }])\n}\nresource \"azurerm_linux_web_app\" \"app\" {\n  app_settings = {\n    DATABASE_URL = \"Server=tcp:db.windows.net;User ID=sqladmin;Password=P@ss1234!;\"\n  }\n  connection_string {\n    value = \"postgres://app:Pg-Pass-99@db:5432/app\"\n  }\n}\nresource \"helm_release\" \"redis\" {\n  set {\n    name  = \"auth.password\"\n    value = \"redis-pass-1234\"\n  }\n}\n";
        let got: Vec<_> = run(&[("db/variables.tf", vars), ("db/main.tf", main)])
            .into_iter()
            .filter(|f| f.rule_id == TF_HARDCODED_PASSWORD.id)
            .collect();
        assert_eq!(got.len(), 9, "{got:?}");
        let var = got
            .iter()
            .find(|f| f.location.path == "db/variables.tf")
            .expect("points at the default");
        assert_eq!(var.location.span.start_line, 4);
        assert!(var.message.contains("var.db_password") && !var.message.contains("ChangeMe123!"));
    }

    #[test]
    fn passes_generated_and_managed_secrets() {
        let text = r#"
variable "db_password" {
  type      = string
  sensitive = true
}
resource "random_password" "db" {
  length = 24
}
resource "aws_db_instance" "a" {
  password = var.db_password
}
resource "aws_db_instance" "b" {
  password = random_password.db.result
}
resource "aws_db_instance" "c" {
  manage_master_user_password = true
}
resource "aws_rds_cluster" "d" {
  master_password = data.aws_secretsmanager_secret_version.db.secret_string
}
resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({ username = "admin", password = random_password.db.result })
}
resource "aws_lambda_function" "api" {
  environment {
    variables = {
      TABLE_NAME     = aws_dynamodb_table.items.name
      API_KEY        = var.api_key
      TOKEN_TTL      = "3600"
    }
  }
  tags = { SecretRotation = "enabled" }
}
resource "aws_ecs_task_definition" "app" {
  container_definitions = jsonencode([{
    name    = "app"
    secrets = [{ name = "DB_PASSWORD", valueFrom = aws_secretsmanager_secret.db.arn }]
    environment = [{ name = "LOG_LEVEL", value = "info" }]
  }])
}
resource "helm_release" "app" {
  set {
    name  = "image.tag"
    value = "1.2.3"
  }
  set_sensitive {
    name  = "auth.password"
    value = var.redis_password
  }
}
resource "azurerm_linux_web_app" "app" {
  app_settings = {
    DATABASE_URL = "Server=tcp:db.windows.net;Authentication=Active Directory Default;"
    REDIS_URL    = "redis://cache:6379/0"
  }
}
resource "aws_ssm_parameter" "url" {
  name  = "/app/api_url"
  type  = "String"
  value = "https://api.example.com"
}
"#;
        assert!(findings_of(&TF_HARDCODED_PASSWORD, text).is_empty());
    }
}
