"""EKS managed node groups do not open SSH (or RDP) to the internet.

Follows Checkov CKV_AWS_100 ("Ensure AWS EKS node group does not have implicit SSH access from
0.0.0.0/0"): a ``remoteAccess`` block with ``ec2SshKey`` but no ``sourceSecurityGroupIds`` makes EKS
open port 22 (3389 on Windows) to 0.0.0.0/0, as the provider documents. Mandatory, as for security
groups that open administration ports (CIS AWS Foundations v3.0 5.2).
"""

from policies.meta import resource_policy
from policies.props import as_list, get


def check(props, config):
    remote = props.get("remoteAccess")
    if remote and get(remote, "ec2SshKey") and not as_list(get(remote, "sourceSecurityGroupIds")):
        yield "remoteAccess names an SSH key but no sourceSecurityGroupIds: EKS opens SSH to 0.0.0.0/0."


POLICY = resource_policy(
    name="aws-eks-nodegroup-ssh-restricted",
    description="EKS node groups with remote access limit it to named security groups.",
    types=["aws:eks/nodeGroup:NodeGroup"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "hipaa:164.312(e)(1)", "cis:aws-5.2"],
    remediation=(
        "Drop remoteAccess and reach nodes through SSM Session Manager, or set "
        "remoteAccess.sourceSecurityGroupIds to a bastion's security group."
    ),
    enforcement="mandatory",
)
