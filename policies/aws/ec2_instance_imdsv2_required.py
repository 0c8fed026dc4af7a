"""EC2 instances and launch templates only allow IMDSv2.

Follows CIS AWS Foundations v3.0 5.6 ("Ensure that EC2 Metadata Service only allows IMDSv2"),
Checkov CKV_AWS_79 and Prowler ``ec2_instance_imdsv2_enabled``: ``metadataOptions.httpTokens`` is
``required`` (absent, the provider leaves IMDSv1 on). Mandatory.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if get(props, "metadataOptions.httpTokens") != "required":
        yield "The instance metadata service accepts IMDSv1 requests (httpTokens is not required)."


POLICY = resource_policy(
    name="aws-ec2-instance-imdsv2-required",
    description="EC2 instances and launch templates only allow IMDSv2.",
    types=["aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6", "cis:aws-5.6"],
    remediation="Set metadataOptions: {httpTokens: required, httpPutResponseHopLimit: 1}.",
    enforcement="mandatory",
)
