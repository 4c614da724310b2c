use super::{Model, Service};
use crate::yaml::Node;
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds Compose services that publish a database port (PostgreSQL 5432, MySQL 3306,
    /// MongoDB 27017, Redis 6379, Elasticsearch 9200, ...) or any port of a database image on
    /// all host interfaces: `"5432:5432"`, `"0.0.0.0:5432:5432"`, or a bare `"5432"`.
    ///
    /// ## Why is this bad
    /// A published port without a host IP listens on every interface of the host, including
    /// public ones, and Docker's iptables rules bypass host firewalls such as `ufw`. Databases
    /// in development setups usually have default or weak passwords (Redis often none), and
    /// exposed instances are found and wiped or ransomed by scanners within hours.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     ports:
    ///       - "5432:5432"
    /// ```
    ///
    /// ## Fix
    /// Do not publish the port: services on the same Compose network reach the database by
    /// its service name (`db:5432`). If the host needs it, bind to loopback:
    /// `"127.0.0.1:5432:5432"`.
    ///
    /// ## References
    /// - https://docs.docker.com/reference/compose-file/services/#ports
    /// - https://docs.docker.com/engine/network/packet-filtering-firewalls/#docker-and-ufw
    /// - https://cwe.mitre.org/data/definitions/668.html
    pub static RULE = {
        id: "compose-exposed-database-port",
        name: "ComposeExposedDatabasePort",
        cwe: 668,
        other_cwes: [200],
        severity: Medium,
        languages: [Compose],
        summary: "Database port published on all host interfaces",
        help: "Remove the published port or bind it to `127.0.0.1`",
    }
}

/// Well-known database ports and what listens there.
const DB_PORTS: &[(u16, &str)] = &[
    (5432, "PostgreSQL"),
    (3306, "MySQL"),
    (33060, "MySQL X"),
    (27017, "MongoDB"),
    (6379, "Redis"),
    (9200, "Elasticsearch"),
    (9300, "Elasticsearch"),
    (11211, "Memcached"),
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (5984, "CouchDB"),
    (7474, "Neo4j"),
    (7687, "Neo4j"),
    (9042, "Cassandra"),
    (8086, "InfluxDB"),
    (26257, "CockroachDB"),
    (8123, "ClickHouse"),
    (2379, "etcd"),
];

/// Database images, matched against the image's repository name.
const DB_IMAGES: &[&str] = &[
    "postgres",
    "postgis",
    "mysql",
    "mariadb",
    "mongo",
    "redis",
    "valkey",
    "elasticsearch",
    "opensearch",
    "memcached",
    "mssql",
    "oracle",
    "couchdb",
    "neo4j",
    "cassandra",
    "influxdb",
    "cockroach",
    "clickhouse",
    "timescaledb",
    "keydb",
    "dragonfly",
    "etcd",
];

/// One entry of `ports`, reduced to where it listens and which container ports it maps.
struct Published {
    host_ip: Option<String>,
    container: (u16, u16),
}

pub fn check(m: &Model, s: &Service, out: &mut Vec<Finding>) {
    let db_image = s.image().and_then(database_image);
    for entry in s.node.get("ports").into_iter().flat_map(Node::iter_seq) {
        let Some(p) = parse_port(entry) else {
            continue;
        };
        if !all_interfaces(p.host_ip.as_deref()) {
            continue;
        }
        let by_port = DB_PORTS
            .iter()
            .find(|(port, _)| (p.container.0..=p.container.1).contains(port));
        let what = match (by_port, db_image) {
            (Some((port, name)), _) => format!("{name} port {port}"),
            (None, Some(img)) => format!("port {} of the {img} database", p.container.0),
            (None, None) => continue,
        };
        let written = entry
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("target: {}", p.container.0));
        let message = format!(
            "Service {} publishes {what} on all host interfaces (`{written}`)",
            s.label()
        );
        // Long syntax: point at the `published:` line rather than the whole mapping.
        let span = entry
            .entry("published")
            .map(|e| e.span())
            .unwrap_or(entry.span);
        out.push(m.finding(&RULE, span, s, message).anchor(written).build());
    }
}

fn database_image(image: &str) -> Option<&'static str> {
    let repo = image.split(['@', ':']).next().unwrap_or(image);
    let last = image
        .split('@')
        .next()
        .unwrap_or(image)
        .rsplit('/')
        .next()
        .unwrap_or(repo);
    let name = last.split(':').next().unwrap_or(last).to_ascii_lowercase();
    DB_IMAGES
        .iter()
        .find(|db| name == **db || name.starts_with(&format!("{db}-")) || name.starts_with(*db))
        .copied()
}

fn all_interfaces(ip: Option<&str>) -> bool {
    match ip.map(str::trim) {
        None | Some("") => true,
        Some(ip) => matches!(ip, "0.0.0.0" | "::" | "[::]" | "*"),
    }
}

fn parse_port(entry: &Node) -> Option<Published> {
    if entry.is_map() {
        let target = entry.get("target")?.as_str()?;
        // A long-syntax entry without `published` is not published on the host.
        entry.get("published")?;
        let container = range(target)?;
        let host_ip = entry
            .get("host_ip")
            .and_then(Node::as_str)
            .map(str::to_string);
        return Some(Published { host_ip, container });
    }
    let raw = entry.as_str()?.trim();
    let raw = raw.split('/').next().unwrap_or(raw);
    // Bracketed IPv6 host addresses contain colons of their own.
    let (host_ip, rest) = if let Some(after) = raw.strip_prefix('[') {
        let (ip, rest) = after.split_once(']')?;
        (Some(ip.to_string()), rest.trim_start_matches(':'))
    } else {
        (None, raw)
    };
    let parts = split_outside_braces(rest);
    let (ip, container) = match parts.as_slice() {
        [c] => (None, *c),
        [_, c] => (None, *c),
        [ip, _, c] => (Some(ip.to_string()), *c),
        _ => return None,
    };
    Some(Published {
        host_ip: host_ip.or(ip),
        container: range(container)?,
    })
}

/// Splits on `:` but not inside `${VAR:-default}`.
fn split_outside_braces(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ':' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn range(s: &str) -> Option<(u16, u16)> {
    let s = s.trim();
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
    use super::super::testing::run;

    const ID: &str = "compose-exposed-database-port";

    #[test]
    fn flags_databases_published_on_all_interfaces() {
        let f = run(
            ID,
            r#"services:
  db:
    image: postgres:16-alpine
    ports:
      - "5432:5432"
  cache:
    image: redis:7
    ports:
      - 6379
  mongo:
    image: mongo:7
    ports:
      - target: 27017
        published: 27017
  search:
    image: docker.elastic.co/elasticsearch/elasticsearch:8.15.0
    ports:
      - "0.0.0.0:9201:9200"
"#,
        );
        let lines: Vec<u32> = f.iter().map(|x| x.location.span.start_line).collect();
        assert_eq!(lines, [5, 9, 14, 18], "{f:#?}");
        assert!(f[0].message.contains("PostgreSQL port 5432"));
        assert!(f[0].message.contains("`db`"));
    }

    #[test]
    fn loopback_bindings_and_app_ports_are_fine() {
        let f = run(
            ID,
            r#"services:
  db:
    image: postgres:16
    ports:
      - "127.0.0.1:5432:5432"
  cache:
    image: redis:7
    expose:
      - "6379"
  mysql:
    image: mysql:8
    ports:
      - "[::1]:3306:3306"
      - target: 3306
        host_ip: 127.0.0.1
        published: "3307"
  api:
    image: acme/api:1.0
    ports:
      - "8080:8080"
      - "${API_PORT:-3000}:3000"
"#,
        );
        assert!(f.is_empty(), "{f:#?}");
    }
}
