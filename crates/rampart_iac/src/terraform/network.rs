//! Network helpers shared by the security-group and firewall rules.

/// Ports whose exposure to the internet is a finding, with the service usually behind them.
const SENSITIVE_PORTS: &[(i64, &str)] = &[
    (20, "FTP data"),
    (21, "FTP"),
    (22, "SSH"),
    (23, "Telnet"),
    (135, "RPC"),
    (445, "SMB"),
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (2375, "Docker API"),
    (2376, "Docker API"),
    (2379, "etcd"),
    (3306, "MySQL"),
    (3389, "RDP"),
    (5432, "PostgreSQL"),
    (5601, "Kibana"),
    (5900, "VNC"),
    (5984, "CouchDB"),
    (6379, "Redis"),
    (7001, "Cassandra"),
    (9042, "Cassandra"),
    (9092, "Kafka"),
    (9200, "Elasticsearch"),
    (9300, "Elasticsearch"),
    (11211, "Memcached"),
    (27017, "MongoDB"),
];

/// Whether a CIDR (or Azure prefix) means "anywhere".
pub fn is_world(cidr: &str) -> bool {
    matches!(
        cidr.trim().to_ascii_lowercase().as_str(),
        "0.0.0.0/0" | "::/0" | "0.0.0.0" | "*" | "internet" | "any" | "0::/0"
    )
}

/// What a port range exposes: "all ports", or the sensitive services in it; `None` if nothing
/// sensitive (a web server on 80/443 open to the world is normal).
pub fn exposure(from: i64, to: i64) -> Option<String> {
    let (lo, hi) = if from <= to { (from, to) } else { (to, from) };
    if (lo <= 1 && hi >= 65535) || (lo == -1 && hi == -1) {
        return Some("all ports".to_string());
    }
    let hits: Vec<String> = SENSITIVE_PORTS
        .iter()
        .filter(|(p, _)| lo <= *p && *p <= hi)
        .map(|(p, name)| format!("{name} ({p})"))
        .collect();
    match hits.len() {
        0 => None,
        1..=3 => Some(hits.join(", ")),
        n => Some(format!(
            "{}, and {} more sensitive ports",
            hits[..3].join(", "),
            n - 3
        )),
    }
}

/// Parses `"22"`, `"8000-9000"`, `"*"` into a range.
pub fn port_range(spec: &str) -> Option<(i64, i64)> {
    let s = spec.trim();
    if s == "*" {
        return Some((0, 65535));
    }
    match s.split_once('-') {
        Some((a, b)) => Some((a.trim().parse().ok()?, b.trim().parse().ok()?)),
        None => {
            let p = s.parse().ok()?;
            Some((p, p))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(exposure(22, 22).as_deref(), Some("SSH (22)"));
        assert_eq!(exposure(0, 65535).as_deref(), Some("all ports"));
        assert_eq!(exposure(443, 443), None);
        assert_eq!(exposure(80, 80), None);
        assert!(exposure(3000, 6000).is_some_and(|s| s.contains("MySQL")));
        assert_eq!(port_range("8000-8080"), Some((8000, 8080)));
        assert!(is_world("0.0.0.0/0") && is_world("::/0") && !is_world("10.0.0.0/16"));
    }
}
