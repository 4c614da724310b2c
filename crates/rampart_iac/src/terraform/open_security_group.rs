use super::eval::{bind, Binding};
use super::network::{exposure, is_world};
use super::{report, setting, Block, Expr, Module};
use rampart_core::{Finding, Severity};

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports AWS security group ingress open to the whole internet (`0.0.0.0/0` or `::/0`) on
    /// administrative or database ports (SSH 22, RDP 3389, MySQL 3306, PostgreSQL 5432, Redis,
    /// MongoDB, Elasticsearch...) or on all ports. It reads `ingress` blocks of
    /// `aws_security_group`, `aws_security_group_rule` of type `ingress` and
    /// `aws_vpc_security_group_ingress_rule` (expanding `dynamic "ingress"` blocks and `for_each`
    /// over known collections), and the inputs of the
    /// `terraform-aws-modules/security-group` registry module, with variables and locals
    /// resolved. Web ports such as 80 and 443 open to the world are not reported.
    ///
    /// ## Why is this bad
    /// Internet-wide scanners find open SSH, RDP and database ports within minutes and start
    /// brute-forcing credentials or exploiting unpatched services. Databases and admin interfaces
    /// should only be reachable from the application tier or a VPN.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_security_group" "db" {
    ///   ingress {
    ///     from_port   = 5432
    ///     to_port     = 5432
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["0.0.0.0/0"]
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Allow only the security group of the clients (or a bastion/VPN range):
    /// ```hcl
    ///   ingress {
    ///     from_port       = 5432
    ///     to_port         = 5432
    ///     protocol        = "tcp"
    ///     security_groups = [aws_security_group.app.id]
    ///   }
    /// ```
    ///
    /// ## References
    /// - [CWE-284: Improper Access Control](https://cwe.mitre.org/data/definitions/284.html)
    /// - [AWS: Security group rules](https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html)
    pub static TF_OPEN_SECURITY_GROUP = {
        id: "tf-open-security-group",
        name: "TfOpenSecurityGroup",
        cwe: 284,
        other_cwes: [668],
        severity: High,
        languages: [Terraform],
        summary: "Security group open to the internet on a sensitive port",
        help: "restrict the source to known CIDRs or security groups; reach admin ports through a VPN or SSM",
    }
}

/// A setting of a rule, evaluated under the iteration it is in, if any.
fn value(m: &Module, b: &Block, name: &str, binding: Option<&Binding>) -> Option<Expr> {
    let attr = b.attr(name)?;
    Some(match binding {
        Some(bd) => m.eval(&bind(&attr.value, bd)),
        None => m.eval(&attr.value),
    })
}

/// The ports a rule opens: all for protocol `-1`/`all`, else its port range.
fn opened(m: &Module, b: &Block, protocol_attr: &str, binding: Option<&Binding>) -> Option<String> {
    let protocol = value(m, b, protocol_attr, binding).and_then(|p| match p {
        Expr::Str(s) => Some(s.to_ascii_lowercase()),
        Expr::Num(n) => Some(n.to_string()),
        _ => None,
    });
    if matches!(protocol.as_deref(), Some("-1") | Some("all")) {
        return Some("all ports".to_string());
    }
    if matches!(
        protocol.as_deref(),
        Some("icmp") | Some("icmpv6") | Some("1") | Some("58")
    ) {
        return None;
    }
    let from = value(m, b, "from_port", binding)?.as_num()? as i64;
    let to = value(m, b, "to_port", binding)?.as_num()? as i64;
    exposure(from, to)
}

/// The first world-open CIDR attribute of a rule.
fn world_source<'b>(
    m: &Module,
    b: &'b Block,
    attrs: &[&str],
    binding: Option<&Binding>,
) -> Option<(String, &'b super::Attr)> {
    attrs.iter().find_map(|name| {
        let v = value(m, b, name, binding)?;
        let cidr = v
            .strings()
            .into_iter()
            .find(|c| is_world(c) && c.contains('/'))?
            .to_string();
        Some((cidr, b.attr(name)?))
    })
}

/// Ports of a named rule of `terraform-aws-modules/security-group` (`ssh-tcp`, `all-all`...).
fn named_rule_ports(rule: &str) -> Option<(i64, i64)> {
    let service = rule.split('-').next().unwrap_or(rule);
    Some(match service {
        "all" => (0, 65535),
        "ssh" => (22, 22),
        "rdp" => (3389, 3389),
        "mysql" => (3306, 3306),
        "postgresql" => (5432, 5432),
        "mssql" => (1433, 1433),
        "oracle" => (1521, 1521),
        "mongodb" => (27017, 27017),
        "redis" => (6379, 6379),
        "memcached" => (11211, 11211),
        "elasticsearch" => (9200, 9200),
        "kafka" => (9092, 9092),
        "telnet" => (23, 23),
        "docker" => (2375, 2376),
        "cassandra" => (9042, 9042),
        _ => return None,
    })
}

/// `terraform-aws-modules/security-group`: named `ingress_rules` (or a service submodule such as
/// `//modules/ssh`) with `ingress_cidr_blocks`, and `ingress_with_cidr_blocks` objects.
fn modules(m: &Module, out: &mut Vec<Finding>) {
    for r in m.module_calls("terraform-aws-modules/security-group") {
        let address = r.address();
        let mut push = |ports: String, cidr: &str, location: &rampart_core::Location| {
            let mut f = report(
                &TF_OPEN_SECURITY_GROUP,
                location,
                format!("`{address}` allows {ports} from `{cidr}`"),
                &address,
                format!("{ports} from {cidr}"),
            );
            if ports == "all ports" {
                f.severity = Severity::Critical;
            }
            out.push(f);
        };
        if let Some((cidr, attr)) = world_source(
            m,
            r.block,
            &["ingress_cidr_blocks", "ingress_ipv6_cidr_blocks"],
            None,
        ) {
            let mut rules: Vec<String> = m
                .attr(r.block, "ingress_rules")
                .map(|v| v.strings().into_iter().map(str::to_string).collect())
                .unwrap_or_default();
            // `.../security-group/aws//modules/ssh` opens its service without listing rules.
            let source = r
                .block
                .attr("source")
                .and_then(|a| a.value.as_str())
                .unwrap_or("");
            if let Some((_, sub)) = source.split_once("//modules/") {
                rules.push(format!("{sub}-tcp"));
            }
            let exposed: Vec<String> = rules
                .iter()
                .filter_map(|rule| named_rule_ports(rule))
                .filter_map(|(lo, hi)| exposure(lo, hi))
                .collect();
            if !exposed.is_empty() {
                let ports = if exposed.iter().any(|e| e == "all ports") {
                    "all ports".to_string()
                } else {
                    exposed.join(", ")
                };
                push(ports, &cidr, &attr.location);
            }
        }
        let Some((list, attr)) = setting(m, r.block, "ingress_with_cidr_blocks") else {
            continue;
        };
        for item in list.items() {
            let Some(cidrs) = item.get("cidr_blocks").and_then(Expr::as_str) else {
                continue;
            };
            let Some(cidr) = cidrs
                .split(',')
                .map(str::trim)
                .find(|c| is_world(c) && c.contains('/'))
            else {
                continue;
            };
            let range = match (
                item.get("from_port").and_then(Expr::as_num),
                item.get("to_port").and_then(Expr::as_num),
            ) {
                (Some(a), Some(b)) => Some((a as i64, b as i64)),
                _ => item
                    .get("rule")
                    .and_then(Expr::as_str)
                    .and_then(named_rule_ports),
            };
            let all = item
                .get("protocol")
                .and_then(Expr::as_str)
                .is_some_and(|p| p == "-1" || p == "all");
            let ports = if all {
                Some("all ports".to_string())
            } else {
                range.and_then(|(lo, hi)| exposure(lo, hi))
            };
            if let Some(ports) = ports {
                push(ports, cidr, &attr.location);
            }
        }
    }
}

/// Judges one ingress rule (a block, or a resource) under each iteration it is expanded to.
fn judge(
    m: &Module,
    address: &str,
    b: &Block,
    cidr_attrs: &[&str],
    protocol_attr: &str,
    bindings: &[Binding],
    out: &mut Vec<Finding>,
) {
    let runs: Vec<Option<&Binding>> = if bindings.is_empty() {
        vec![None]
    } else {
        bindings.iter().map(Some).collect()
    };
    for binding in runs {
        let Some((cidr, attr)) = world_source(m, b, cidr_attrs, binding) else {
            continue;
        };
        let Some(ports) = opened(m, b, protocol_attr, binding) else {
            continue;
        };
        let mut f = report(
            &TF_OPEN_SECURITY_GROUP,
            &attr.location,
            format!("`{address}` allows {ports} from `{cidr}`"),
            address,
            format!("{ports} from {cidr}"),
        );
        if ports == "all ports" {
            f.severity = Severity::Critical;
        }
        out.push(f);
    }
}

/// The iterations of a `for_each` resource; empty when it has none (or they are unknown).
fn each<'b>(m: &Module, b: &Block) -> Vec<Binding<'b>> {
    b.attr("for_each")
        .and_then(|fe| m.iterations("each", &fe.value))
        .unwrap_or_default()
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    modules(m, out);
    const CIDRS: &[&str] = &["cidr_blocks", "ipv6_cidr_blocks"];
    for ty in ["aws_security_group", "aws_default_security_group"] {
        for r in m.resources(ty) {
            let address = r.address();
            for ingress in r.block.blocks_named("ingress") {
                judge(m, &address, ingress, CIDRS, "protocol", &[], out);
            }
            // `dynamic "ingress" { for_each = ...; content { ... } }`
            for dynamic in r.block.blocks_named("dynamic") {
                if dynamic.labels.first().map(String::as_str) != Some("ingress") {
                    continue;
                }
                let (Some(for_each), Some(content)) =
                    (dynamic.attr("for_each"), dynamic.block("content"))
                else {
                    continue;
                };
                let iterator = match dynamic.attr("iterator").map(|a| &a.value) {
                    Some(Expr::Ref(parts)) if parts.len() == 1 => parts[0].as_str(),
                    _ => "ingress",
                };
                if let Some(bindings) = m.iterations(iterator, &for_each.value) {
                    judge(m, &address, content, CIDRS, "protocol", &bindings, out);
                }
            }
        }
    }
    for r in m.resources("aws_security_group_rule") {
        if m.attr(r.block, "type").as_ref().and_then(Expr::as_str) == Some("ingress") {
            judge(
                m,
                &r.address(),
                r.block,
                CIDRS,
                "protocol",
                &each(m, r.block),
                out,
            );
        }
    }
    for r in m.resources("aws_vpc_security_group_ingress_rule") {
        judge(
            m,
            &r.address(),
            r.block,
            &["cidr_ipv4", "cidr_ipv6"],
            "ip_protocol",
            &each(m, r.block),
            out,
        );
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::{findings_of, run};

    #[test]
    fn flags_open_admin_and_database_ports() {
        let text = r#"
resource "aws_security_group" "web" {
  name   = "web-sg"
  vpc_id = var.vpc_id

  ingress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    description = "SSH"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group_rule" "all" {
  type              = "ingress"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  ipv6_cidr_blocks  = ["::/0"]
  security_group_id = aws_security_group.web.id
}

resource "aws_vpc_security_group_ingress_rule" "pg" {
  security_group_id = aws_security_group.web.id
  cidr_ipv4         = "0.0.0.0/0"
  from_port         = 5432
  to_port           = 5432
  ip_protocol       = "tcp"
}

resource "aws_security_group" "app" {
  dynamic "ingress" {
    for_each = var.app_ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

variable "app_ports" {
  default = [80, 443, 3306]
}

resource "aws_security_group_rule" "each" {
  for_each          = { ssh = 22, web = 443 }
  type              = "ingress"
  from_port         = each.value
  to_port           = each.value
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.app.id
}

module "web_sg" {
  source              = "terraform-aws-modules/security-group/aws"
  ingress_cidr_blocks = ["0.0.0.0/0"]
  ingress_rules       = ["https-443-tcp", "ssh-tcp"]
}

module "db_sg" {
  source = "terraform-aws-modules/security-group/aws"
  ingress_with_cidr_blocks = [
    {
      from_port   = 5432
      to_port     = 5432
      protocol    = "tcp"
      cidr_blocks = "0.0.0.0/0"
    },
  ]
}
"#;
        let got = findings_of(&TF_OPEN_SECURITY_GROUP, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![19, 28, 34, 47, 62, 68, 74],
            "{got:?}"
        );
        assert!(got[0]
            .1
            .contains("`aws_security_group.web` allows SSH (22) from `0.0.0.0/0`"));
    }

    #[test]
    fn resolves_variables_across_files() {
        let vars = "variable \"ssh_cidrs\" {\n  type    = list(string)\n  default = [\"0.0.0.0/0\"]\n}\nvariable \"ssh_port\" {\n  default = 22\n}\n";
        let main = "resource \"aws_security_group\" \"bastion\" {\n  ingress {\n    from_port   = var.ssh_port\n    to_port     = var.ssh_port\n    protocol    = \"tcp\"\n    cidr_blocks = var.ssh_cidrs\n  }\n}\n";
        let got = run(&[("infra/variables.tf", vars), ("infra/main.tf", main)]);
        assert_eq!(
            got.iter()
                .filter(|f| f.rule_id == TF_OPEN_SECURITY_GROUP.id)
                .count(),
            1
        );
        let other_module = run(&[("other/variables.tf", vars), ("infra/main.tf", main)]);
        assert!(other_module
            .iter()
            .all(|f| f.rule_id != TF_OPEN_SECURITY_GROUP.id));
    }

    #[test]
    fn passes_restricted_sources_and_web_ports() {
        let text = r#"
resource "aws_security_group" "db" {
  ingress {
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/16"]
  }
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_security_group_rule" "egress" {
  type        = "egress"
  from_port   = 0
  to_port     = 0
  protocol    = "-1"
  cidr_blocks = ["0.0.0.0/0"]
}
"#;
        assert!(findings_of(&TF_OPEN_SECURITY_GROUP, text).is_empty());
    }
}
