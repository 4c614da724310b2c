rampart_core::declare_rule! {
    /// ## What it does
    /// Reports `rampart: ignore[...]` comments that give no reason, or that suppress nothing.
    ///
    /// ## Why is this bad
    /// A suppression is a security decision. Without a reason nobody can review it later; one that
    /// no longer matches a finding hides the next real problem on that line.
    ///
    /// ## Example
    /// ```python
    /// digest = hashlib.md5(data).hexdigest()  # rampart: ignore[weak-hash]
    /// ```
    ///
    /// ## Fix
    /// State why the finding does not apply, or delete the stale comment:
    /// ```python
    /// digest = hashlib.md5(data).hexdigest()  # rampart: ignore[weak-hash] ETag only, not security
    /// ```
    ///
    /// ## References
    /// - [CWE-1164: Irrelevant Code](https://cwe.mitre.org/data/definitions/1164.html)
    pub static INVALID_SUPPRESSION = {
        id: "invalid-suppression",
        name: "InvalidSuppression",
        cwe: 1164,
        severity: Low,
        languages: [Python, JavaScript, TypeScript, Tsx, Java, CSharp, Go, Dockerfile, Terraform, GithubActions, Kubernetes, Compose],
        summary: "Suppression comment without a reason or that suppresses nothing",
        help: "give the reason after the rule list, or remove the stale comment",
    }
}
