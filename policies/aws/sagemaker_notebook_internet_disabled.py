"""SageMaker notebook instances reach the internet only through the tenant's VPC.

Follows Checkov CKV_AWS_122 ("Ensure that direct internet access is disabled for an Amazon SageMaker
Notebook Instance"), cdk-nag AwsSolutions-SM3 and Prowler
``sagemaker_notebook_instance_without_direct_internet_access_configured``: ``directInternetAccess``
must be ``Disabled`` (the provider's default is ``Enabled``), which also requires a ``subnetId`` and
security groups, so egress goes through the VPC's controls. Advisory.
"""

from policies.meta import resource_policy


def check(props, config):
    access = props.get("directInternetAccess") or "Enabled"
    if access != "Disabled":
        yield f"The notebook has direct internet access (directInternetAccess {access!r})."


POLICY = resource_policy(
    name="aws-sagemaker-notebook-internet-disabled",
    description="SageMaker notebook instances have no direct internet access.",
    types=["aws:sagemaker/notebookInstance:NotebookInstance"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6", "hipaa:164.312(e)(1)", "gdpr:Art.32"],
    remediation="Set directInternetAccess: Disabled with subnetId and securityGroups; go out through a NAT gateway.",
)
