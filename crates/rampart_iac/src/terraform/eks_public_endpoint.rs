use super::network::is_world;
use super::{report, setting, Module};
use rampart_core::Finding;

rampart_core::declare_rule! {
    /// ## What it does
    /// Reports `aws_eks_cluster` resources whose Kubernetes API endpoint is public and open to
    /// the whole internet: `endpoint_public_access` true or left out (the default is true) with
    /// `public_access_cidrs` left out (the default is `0.0.0.0/0`) or containing `0.0.0.0/0`.
    ///
    /// ## Why is this bad
    /// The cluster's control plane becomes reachable by anyone: leaked kubeconfigs and tokens
    /// work from anywhere, and the API server is exposed to credential stuffing and to any future
    /// pre-authentication vulnerability.
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_eks_cluster" "main" {
    ///   name     = "main"
    ///   role_arn = aws_iam_role.eks.arn
    ///   vpc_config {
    ///     subnet_ids = var.private_subnet_ids
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```hcl
    ///   vpc_config {
    ///     subnet_ids              = var.private_subnet_ids
    ///     endpoint_private_access = true
    ///     endpoint_public_access  = false
    ///   }
    /// ```
    ///
    /// ## References
    /// - [CWE-668: Exposure of Resource to Wrong Sphere](https://cwe.mitre.org/data/definitions/668.html)
    /// - [AWS: Amazon EKS cluster endpoint access control](https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html)
    pub static TF_EKS_PUBLIC_ENDPOINT = {
        id: "tf-eks-public-endpoint",
        name: "TfEksPublicEndpoint",
        cwe: 668,
        other_cwes: [284],
        severity: Medium,
        languages: [Terraform],
        summary: "EKS API endpoint open to the internet",
        help: "disable the public endpoint or restrict `public_access_cidrs` to known ranges",
    }
}

/// `terraform-aws-modules/eks`: the public endpoint is opt-in (input renamed in v21).
fn modules(m: &Module, out: &mut Vec<Finding>) {
    for r in m.module_calls("terraform-aws-modules/eks") {
        let public = ["cluster_endpoint_public_access", "endpoint_public_access"]
            .iter()
            .find_map(|n| setting(m, r.block, n));
        let Some((v, attr)) = public else { continue };
        if v.as_bool() != Some(true) {
            continue;
        }
        let cidrs = [
            "cluster_endpoint_public_access_cidrs",
            "endpoint_public_access_cidrs",
        ]
        .iter()
        .find_map(|n| setting(m, r.block, n));
        let (open, location) = match cidrs {
            Some((c, cattr)) => (
                c.strings().into_iter().any(is_world),
                cattr.location.clone(),
            ),
            None => (true, attr.location.clone()),
        };
        if open {
            out.push(report(
                &TF_EKS_PUBLIC_ENDPOINT,
                &location,
                format!(
                    "`{}` exposes its Kubernetes API endpoint to `0.0.0.0/0`",
                    r.address()
                ),
                &r.address(),
                "public endpoint 0.0.0.0/0",
            ));
        }
    }
}

pub(super) fn check(m: &Module, out: &mut Vec<Finding>) {
    modules(m, out);
    for r in m.resources("aws_eks_cluster") {
        let Some(vpc) = r.block.block("vpc_config") else {
            continue;
        };
        let public = setting(m, vpc, "endpoint_public_access");
        if public
            .as_ref()
            .is_some_and(|(v, _)| v.as_bool() != Some(true))
        {
            continue;
        }
        let location = match &public {
            Some((_, attr)) => attr.location.clone(),
            None => vpc.location.clone(),
        };
        let (open, location) = match setting(m, vpc, "public_access_cidrs") {
            Some((v, attr)) => (v.strings().into_iter().any(is_world), attr.location.clone()),
            None => (true, location),
        };
        if open {
            out.push(report(
                &TF_EKS_PUBLIC_ENDPOINT,
                &location,
                format!(
                    "`{}` exposes its Kubernetes API endpoint to `0.0.0.0/0`",
                    r.address()
                ),
                &r.address(),
                "public endpoint 0.0.0.0/0",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terraform::findings_of;

    #[test]
    fn flags_world_open_endpoint() {
        let text = "resource \"aws_eks_cluster\" \"main\" {\n  name = \"main\"\n  vpc_config {\n    subnet_ids = var.subnets\n  }\n}\nresource \"aws_eks_cluster\" \"b\" {\n  vpc_config {\n    endpoint_public_access = true\n    public_access_cidrs    = [\"0.0.0.0/0\"]\n  }\n}\nmodule \"eks\" {\n  source = \"terraform-aws-modules/eks/aws\"\n  cluster_endpoint_public_access = true\n}\n";
        let got = findings_of(&TF_EKS_PUBLIC_ENDPOINT, text);
        assert_eq!(
            got.iter().map(|g| g.0).collect::<Vec<_>>(),
            vec![3, 10, 15],
            "{got:?}"
        );
    }

    #[test]
    fn passes_private_or_restricted_endpoint() {
        let text = "resource \"aws_eks_cluster\" \"a\" {\n  vpc_config {\n    endpoint_public_access = false\n  }\n}\nresource \"aws_eks_cluster\" \"b\" {\n  vpc_config {\n    public_access_cidrs = [\"203.0.113.0/24\"]\n  }\n}\n";
        assert!(findings_of(&TF_EKS_PUBLIC_ENDPOINT, text).is_empty());
    }
}
