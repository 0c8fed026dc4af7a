"""The default security group of every VPC restricts all traffic.

Follows CIS AWS Foundations v3.0 5.4 ("Ensure the default security group of every VPC restricts all
traffic"), Checkov CKV2_AWS_12 and Prowler ``ec2_securitygroup_default_restrict_traffic``: an
``ec2.DefaultSecurityGroup`` (the resource that adopts a VPC's default group) with any ingress or
egress rule fails; with none, Pulumi removes AWS's default rules. Advisory: resources land in the
default group only by omission, and the admin-ports policy already blocks the dangerous rules.
"""

from policies.meta import resource_policy
from policies.props import as_list


def check(props, config):
    for direction in ("ingress", "egress"):
        rules = as_list(props.get(direction))
        if rules:
            yield f"The default security group keeps {len(rules)} {direction} rule(s); it must allow no traffic."


POLICY = resource_policy(
    name="aws-ec2-defaultsecuritygroup-rules-forbidden",
    description="The default security group of every VPC has no ingress or egress rules.",
    types=["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.6", "cis:aws-5.4"],
    remediation="Declare aws.ec2.DefaultSecurityGroup with no ingress and egress, and give resources their own groups.",
)
