use super::network::{exposure, is_world};
use super::{report, setting, Block, Expr, Module};
use rampart_core::{Finding, Severity};

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports AWS security group ingress open to the whole internet (`0.0.0.0/0` or `::/0`) on
    /// administrative or database ports (SSH 22, RDP 3389, MySQL 3306, PostgreSQL 5432, Redis,
    /// MongoDB, Elasticsearch...) or on all ports. It reads `ingress` blocks of
    /// `aws_security_group`, `aws_security_group_rule` of type `ingress` and
    /// `aws_vpc_security_group_ingress_rule`, with variables and locals resolved. Web ports such as
    /// 80 and 443 open to the world are not reported.
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

/// The ports a rule opens: all for protocol `-1`/`all`, else its port range.
fn opened(m: &Module, b: &Block, protocol_attr: &str) -> Option<String> {
    let protocol = m.attr(b, protocol_attr).and_then(|p| match p {
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
    let from = m.attr(b, "from_port")?.as_num()? as i64;
    let to = m.attr(b, "to_port")?.as_num()? as i64;
    exposure(from, to)
}

/// The first world-open CIDR attribute of a rule.
fn world_source<'b>(m: &Module, b: &'b Block, attrs: &[&str]) -> Option<(String, &'b super::Attr)> {
    attrs.iter().find_map(|name| {
        let (v, attr) = setting(m, b, name)?;
        let cidr = v
            .strings()
            .into_iter()
            .find(|c| is_world(c) && c.contains('/'))?
            .to_string();
        Some((cidr, attr))
    })
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    let mut push = |address: String, b: &Block, cidr_attrs: &[&str], protocol_attr: &str| {
        let Some((cidr, attr)) = world_source(m, b, cidr_attrs) else {
            return;
        };
        let Some(ports) = opened(m, b, protocol_attr) else {
            return;
        };
        let mut f = report(
            &TF_OPEN_SECURITY_GROUP,
            &attr.location,
            format!("`{address}` allows {ports} from `{cidr}`"),
            &address,
            format!("{ports} from {cidr}"),
        );
        if ports == "all ports" {
            f.severity = Severity::Critical;
        }
        out.push(f);
    };
    for r in m.resources("aws_security_group") {
        for ingress in r.block.blocks_named("ingress") {
            push(
                r.address(),
                ingress,
                &["cidr_blocks", "ipv6_cidr_blocks"],
                "protocol",
            );
        }
    }
    for r in m.resources("aws_security_group_rule") {
        if m.attr(r.block, "type").as_ref().and_then(Expr::as_str) == Some("ingress") {
            push(
                r.address(),
                r.block,
                &["cidr_blocks", "ipv6_cidr_blocks"],
                "protocol",
            );
        }
    }
    for r in m.resources("aws_vpc_security_group_ingress_rule") {
        push(
            r.address(),
            r.block,
            &["cidr_ipv4", "cidr_ipv6"],
            "ip_protocol",
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
"#;
        let got = findings_of(&TF_OPEN_SECURITY_GROUP, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![19, 28, 34],
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
