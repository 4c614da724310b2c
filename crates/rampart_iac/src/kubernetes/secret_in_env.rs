use super::secret_literal;
use super::{Model, Workload};
use crate::yaml::Node;
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Finds container environment variables with credential-like names (`*_PASSWORD`,
    /// `*_TOKEN`, `*_SECRET`, `API_KEY`, ...) whose value is written literally in the manifest
    /// instead of coming from a Secret (`valueFrom.secretKeyRef`), and credentials stored in
    /// a ConfigMap's `data`.
    ///
    /// ## Why is this bad
    /// The manifest lives in Git and in the cluster's object store in plain text; anyone who
    /// can read the repository, `kubectl get deployment -o yaml`, or a CI log has the
    /// credential. Secrets can be encrypted at rest, access-controlled separately and rotated
    /// without editing the workload.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: DATABASE_PASSWORD
    ///     value: "s3cr3t-Pa55word"
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// env:
    ///   - name: DATABASE_PASSWORD
    ///     valueFrom:
    ///       secretKeyRef:
    ///         name: db-credentials
    ///         key: password
    /// ```
    ///
    /// ## References
    /// - https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables
    /// - https://cwe.mitre.org/data/definitions/798.html
    pub static RULE = {
        id: "k8s-secret-in-env",
        name: "K8sSecretInEnv",
        cwe: 798,
        other_cwes: [312],
        severity: High,
        languages: [Kubernetes],
        summary: "Credential written literally in a container's environment",
        help: "Move the value into a Secret and reference it with `valueFrom.secretKeyRef`",
    }
}

pub fn check(m: &Model, w: &Workload, out: &mut Vec<Finding>) {
    for c in w.containers() {
        for var in c.node.get("env").into_iter().flat_map(Node::iter_seq) {
            let (Some(name), Some(value)) =
                (var.get("name").and_then(Node::as_str), var.get("value"))
            else {
                continue;
            };
            let Some(text) = value.as_str() else {
                continue;
            };
            if !secret_literal::is_literal_credential(name, text) {
                continue;
            }
            let message = format!(
                "The {} of {} sets `{name}` to a literal credential ({})",
                c.label(),
                w.label(),
                secret_literal::mask(text)
            );
            out.push(
                m.finding(&RULE, value.span, w.scope(Some(&c)), message)
                    .anchor(name)
                    .build(),
            );
        }
    }
}

/// Credentials kept in a ConfigMap, which is neither access-restricted nor encrypted like a
/// Secret.
pub fn check_config_maps(m: &Model, out: &mut Vec<Finding>) {
    for cm in &m.config_maps {
        for (key, value, span) in &cm.data {
            if !secret_literal::is_literal_credential(key, value) {
                continue;
            }
            let message = format!(
                "ConfigMap `{}` stores the credential `{key}` in plain text ({})",
                cm.name,
                secret_literal::mask(value)
            );
            out.push(
                m.finding(&RULE, *span, format!("ConfigMap/{}", cm.name), message)
                    .anchor(key.clone())
                    .build(),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;

    const ID: &str = "k8s-secret-in-env";

    #[test]
    fn flags_literal_credentials_only() {
        let f = run(
            ID,
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: acme/api:1.0
          env:
            - name: DATABASE_PASSWORD
              value: "SuperSecret123!"
            - name: JWT_SECRET
              value: my-jwt-signing-key-2024
            - name: API_TOKEN
              valueFrom:
                secretKeyRef:
                  name: api
                  key: token
            - name: PASSWORD_MIN_LENGTH
              value: "12"
            - name: ENABLE_TOKEN_AUTH
              value: "true"
            - name: DB_PASSWORD_FILE
              value: /run/secrets/db
            - name: LOG_LEVEL
              value: info
"#,
        );
        assert_eq!(f.len(), 2, "{f:#?}");
        assert_eq!(f[0].location.span.start_line, 13);
        assert!(!f[0].message.contains("SuperSecret123"));
    }

    #[test]
    fn flags_credentials_in_config_maps() {
        let f = run(
            ID,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  LOG_LEVEL: info\n  DB_HOST: postgres\n  DB_PASSWORD: hunter2-prod\n  STRIPE_API_KEY: sk_live_51Hx9aBcDeFgHiJkLm\n",
        );
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].location.span.start_line, 8);
        assert!(f[0].message.contains("ConfigMap `app-config`"));
    }
}
