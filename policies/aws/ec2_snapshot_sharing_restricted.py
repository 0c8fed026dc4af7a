"""AMIs and EBS snapshots are never public, and are shared only with allow-listed accounts when a list is kept.

Follows Prowler ``ec2_ami_public`` / ``ec2_ebs_public_snapshot`` and AWS Security Hub EC2.1: an AMI
launch permission for the group ``all`` makes the image public and always fails. Checkov CKV_AWS_205
("Ensure to Limit AMI launch Permissions") goes further and fails every ``ec2.AmiLaunchPermission``;
Plinth asks that of the shares the organization has not listed: once ``trustedAccountIds`` or
``trustedOrganizationArns`` is configured, an AMI launch permission or an
``ec2.SnapshotCreateVolumePermission`` for an account, organization or OU outside the lists fails.
The provider cannot make an EBS snapshot public (``SnapshotCreateVolumePermission`` takes an account
id only), so for snapshots only the allow-list applies. Advisory: sharing an image with a partner
account is often intended.
"""

from policies.meta import resource_policy

CONFIG = {
    "trustedAccountIds": {
        "type": "array",
        "items": {"type": "string"},
        "default": [],
        "description": "Account ids AMIs and snapshots may be shared with; empty: any account (only public fails).",
    },
    "trustedOrganizationArns": {
        "type": "array",
        "items": {"type": "string"},
        "default": [],
        "description": "Organization and OU ARNs AMIs may be shared with; empty: any (only public fails).",
    },
}


def check(props, config):
    if str(props.get("group") or "") == "all":
        yield "The AMI launch permission is for the group 'all': the image is public."
    account = props.get("accountId")
    trusted_accounts = config["trustedAccountIds"]
    if account and trusted_accounts and str(account) not in trusted_accounts:
        yield f"The image or snapshot is shared with account {account}, which is not in trustedAccountIds."
    trusted_orgs = config["trustedOrganizationArns"]
    for key in ("organizationArn", "organizationalUnitArn"):
        arn = props.get(key)
        if arn and trusted_orgs and str(arn) not in trusted_orgs:
            yield f"The AMI is shared with {arn}, which is not in trustedOrganizationArns."


POLICY = resource_policy(
    name="aws-ec2-snapshot-sharing-restricted",
    description="AMIs and EBS snapshots are never public and are shared only with trusted accounts.",
    types=[
        "aws:ec2/amiLaunchPermission:AmiLaunchPermission",
        "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission",
    ],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "soc2:CC6.6", "gdpr:Art.32"],
    remediation=(
        "Remove the public (group 'all') launch permission; share with named accounts or your organization, "
        "and keep trustedAccountIds / trustedOrganizationArns listing them."
    ),
    config=CONFIG,
)
