"""Every VPC records flow logs.

Follows CIS AWS Foundations v3.0 3.7 ("Ensure VPC flow logging is enabled in all VPCs"), Checkov
CKV2_AWS_11, cdk-nag AwsSolutions-VPC7 and Prowler ``vpc_flow_logs_enabled``. Flow logs are a
separate resource (``ec2.FlowLog`` naming the VPC in ``vpcId``), so this is a stack policy built on
policies/companions.py: an ``ec2.Vpc`` that no flow log refers to fails (CIS asks at least for
rejected traffic; any traffic type counts). A ``vpcId`` written as ``vpc.id`` is unknown at preview
and resolved through its property dependency. Advisory.
"""

from policies.companions import missing_companions
from policies.meta import stack_policy

VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"


def check(resources, config):
    for vpc in missing_companions(
        resources, subjects=[VPC], companions=[FLOW_LOG], link="vpcId", subject_names=("id",)
    ):
        yield f"VPC {vpc.name} records no flow logs.", vpc


POLICY = stack_policy(
    name="aws-ec2-vpc-flowlogs-enabled",
    description="Every VPC has a flow log.",
    check=check,
    reads=[VPC, FLOW_LOG],
    severity="medium",
    frameworks=["soc2:CC7.2", "hipaa:164.312(b)", "cis:aws-3.7"],
    remediation="Add an aws.ec2.FlowLog with the VPC's vpcId, trafficType ALL (at least REJECT), to CloudWatch or S3.",
)
