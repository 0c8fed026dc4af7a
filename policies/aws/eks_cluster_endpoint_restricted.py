"""EKS API endpoints are not open to the whole internet.

Follows Checkov CKV_AWS_38 ("Ensure Amazon EKS public endpoint not accessible to 0.0.0.0/0"), CIS
Amazon EKS Benchmark 5.4.2 and Prowler ``eks_cluster_not_publicly_accessible``: with the public
endpoint on (``vpcConfig.endpointPublicAccess``, default true) the allowed sources
(``vpcConfig.publicAccessCidrs``, which EKS defaults to 0.0.0.0/0) must not include 0.0.0.0/0 or
::/0, and must not be empty. A cluster with only the private endpoint passes. Advisory: the API still
authenticates every caller; restricting its network reach is defence in depth.
"""

from policies.meta import resource_policy
from policies.props import as_list, get, is_world


def check(props, config):
    if get(props, "vpcConfig.endpointPublicAccess") is False:
        return
    cidrs = get(props, "vpcConfig.publicAccessCidrs")
    if cidrs is None:
        yield "The public API endpoint is on and publicAccessCidrs is not set: EKS opens it to 0.0.0.0/0."
        return
    cidrs = [str(c) for c in as_list(cidrs)]
    if not cidrs or any(is_world(c) for c in cidrs):
        yield f"The public API endpoint is open to the whole internet (publicAccessCidrs {cidrs})."


POLICY = resource_policy(
    name="aws-eks-cluster-endpoint-restricted",
    description="EKS clusters keep their public API endpoint off or limited to known CIDRs.",
    types=["aws:eks/cluster:Cluster"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6", "hipaa:164.312(e)(1)"],
    remediation=(
        "Set vpcConfig.endpointPublicAccess: false (with endpointPrivateAccess: true), or list the office/CI "
        "CIDRs in vpcConfig.publicAccessCidrs."
    ),
)
