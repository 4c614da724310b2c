use super::network::{exposure, is_world, port_range};
use super::{report, setting, Block, Expr, Module};
use rampart_core::{Finding, Severity};

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports GCP and Azure firewall rules that admit the whole internet on administrative or
    /// database ports or on all ports: `google_compute_firewall` with `source_ranges` containing
    /// `0.0.0.0/0`, and Azure network security rules (`azurerm_network_security_rule` or inline
    /// `security_rule` blocks) that allow inbound traffic from `*`, `Internet`, `Any` or
    /// `0.0.0.0/0`.
    ///
    /// ## Why is this bad
    /// SSH, RDP and database ports reachable from anywhere are scanned and brute-forced
    /// continuously; one weak password or unpatched service is enough for a compromise.
    ///
    /// ## Example
    /// ```hcl
    /// resource "google_compute_firewall" "ssh" {
    ///   network       = google_compute_network.vpc.name
    ///   source_ranges = ["0.0.0.0/0"]
    ///   allow {
    ///     protocol = "tcp"
    ///     ports    = ["22"]
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Limit the source to known ranges, or use Identity-Aware Proxy (`35.235.240.0/20`) / Azure
    /// Bastion for administrative access.
    ///
    /// ## References
    /// - [CWE-284: Improper Access Control](https://cwe.mitre.org/data/definitions/284.html)
    /// - [Google Cloud: VPC firewall rules](https://cloud.google.com/firewall/docs/firewalls)
    pub static TF_FIREWALL_OPEN_TO_WORLD = {
        id: "tf-firewall-open-to-world",
        name: "TfFirewallOpenToWorld",
        cwe: 284,
        other_cwes: [668],
        severity: High,
        languages: [Terraform],
        summary: "Firewall rule open to the internet on a sensitive port",
        help: "restrict the source range; use IAP, a bastion or a VPN for administrative access",
    }
}

fn push(
    out: &mut Vec<Finding>,
    address: &str,
    location: &rampart_core::Location,
    ports: String,
    source: &str,
) {
    let mut f = report(
        &TF_FIREWALL_OPEN_TO_WORLD,
        location,
        format!("`{address}` allows {ports} from `{source}`"),
        address,
        format!("{ports} from {source}"),
    );
    if ports == "all ports" {
        f.severity = Severity::Critical;
    }
    out.push(f);
}

fn gcp(m: &Module, out: &mut Vec<Finding>) {
    for r in m.resources("google_compute_firewall") {
        let b = r.block;
        let direction = m.attr(b, "direction");
        if direction
            .as_ref()
            .and_then(Expr::as_str)
            .is_some_and(|d| !d.eq_ignore_ascii_case("INGRESS"))
            || m.attr(b, "disabled").and_then(|d| d.as_bool()) == Some(true)
        {
            continue;
        }
        let Some((ranges, attr)) = setting(m, b, "source_ranges") else {
            continue;
        };
        let Some(source) = ranges
            .strings()
            .into_iter()
            .find(|c| is_world(c))
            .map(str::to_string)
        else {
            continue;
        };
        let mut exposed = Vec::new();
        for allow in b.blocks_named("allow") {
            let protocol = m.attr(allow, "protocol");
            let protocol = protocol.as_ref().and_then(Expr::as_str).unwrap_or("");
            if protocol.eq_ignore_ascii_case("icmp") {
                continue;
            }
            let ports = m.attr(allow, "ports");
            let specs: Vec<String> = ports
                .as_ref()
                .map(|p| p.strings().into_iter().map(str::to_string).collect())
                .unwrap_or_default();
            if protocol.eq_ignore_ascii_case("all") || ports.is_none() {
                exposed.push("all ports".to_string());
                continue;
            }
            exposed.extend(
                specs
                    .iter()
                    .filter_map(|s| port_range(s))
                    .filter_map(|(lo, hi)| exposure(lo, hi)),
            );
        }
        if exposed.is_empty() {
            continue;
        }
        let ports = if exposed.iter().any(|e| e == "all ports") {
            "all ports".to_string()
        } else {
            exposed.join(", ")
        };
        push(out, &r.address(), &attr.location, ports, &source);
    }
}

fn azure_rule(m: &Module, address: &str, rule: &Block, out: &mut Vec<Finding>) {
    let is = |name: &str, want: &str| {
        m.attr(rule, name)
            .as_ref()
            .and_then(Expr::as_str)
            .is_some_and(|v| v.eq_ignore_ascii_case(want))
    };
    if !is("direction", "Inbound") || !is("access", "Allow") {
        return;
    }
    let source = ["source_address_prefix", "source_address_prefixes"]
        .iter()
        .find_map(|n| {
            let (v, attr) = setting(m, rule, n)?;
            let s = v.strings().into_iter().find(|s| is_world(s))?.to_string();
            Some((s, attr))
        });
    let Some((source, attr)) = source else {
        return;
    };
    let mut specs: Vec<String> = Vec::new();
    for n in ["destination_port_range", "destination_port_ranges"] {
        if let Some(v) = m.attr(rule, n) {
            specs.extend(v.strings().into_iter().map(str::to_string));
        }
    }
    let exposed: Vec<String> = specs
        .iter()
        .filter_map(|s| port_range(s))
        .filter_map(|(lo, hi)| exposure(lo, hi))
        .collect();
    if exposed.is_empty() {
        return;
    }
    let ports = if exposed.iter().any(|e| e == "all ports") {
        "all ports".to_string()
    } else {
        exposed.join(", ")
    };
    let name = m.attr(rule, "name");
    let scope = match name.as_ref().and_then(Expr::as_str) {
        Some(n) if !address.ends_with(n) => format!("{address} rule {n}"),
        _ => address.to_string(),
    };
    push(out, &scope, &attr.location, ports, &source);
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    gcp(m, out);
    for r in m.resources("azurerm_network_security_rule") {
        azure_rule(m, &r.address(), r.block, out);
    }
    for r in m.resources("azurerm_network_security_group") {
        for rule in r.block.blocks_named("security_rule") {
            azure_rule(m, &r.address(), rule, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::findings_of;

    #[test]
    fn flags_gcp_and_azure_rules() {
        let text = r#"
resource "google_compute_firewall" "allow_ssh" {
  name          = "allow-ssh"
  network       = google_compute_network.vpc.name
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = ["22", "80"]
  }
}

resource "azurerm_network_security_group" "vm" {
  name                = "vm-nsg"
  location            = azurerm_resource_group.rg.location
  resource_group_name = azurerm_resource_group.rg.name

  security_rule {
    name                       = "RDP"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3389"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_network_security_rule" "any" {
  name                        = "allow-all"
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "*"
  source_port_range           = "*"
  destination_port_range      = "*"
  source_address_prefix       = "Internet"
  destination_address_prefix  = "*"
}
"#;
        let got = findings_of(&TF_FIREWALL_OPEN_TO_WORLD, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![5, 25, 37],
            "{got:?}"
        );
        assert!(got[0].1.contains("SSH (22)"));
        assert!(got[1].1.contains("RDP (3389)"));
        assert!(got[2].1.contains("all ports"));
    }

    #[test]
    fn passes_restricted_rules() {
        let text = r#"
resource "google_compute_firewall" "web" {
  network       = "default"
  source_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "tcp"
    ports    = ["80", "443"]
  }
}
resource "google_compute_firewall" "iap" {
  network       = "default"
  source_ranges = ["35.235.240.0/20"]
  allow {
    protocol = "tcp"
    ports    = ["22"]
  }
}
resource "azurerm_network_security_rule" "https" {
  direction                  = "Inbound"
  access                     = "Allow"
  destination_port_range     = "443"
  source_address_prefix      = "*"
}
resource "azurerm_network_security_rule" "deny" {
  direction                  = "Inbound"
  access                     = "Deny"
  destination_port_range     = "*"
  source_address_prefix      = "*"
}
"#;
        assert!(findings_of(&TF_FIREWALL_OPEN_TO_WORLD, text).is_empty());
    }
}
