"""The root and EBS volumes that instances and launch configurations declare are encrypted.

Follows Checkov CKV_AWS_8 ("Ensure all data stored in the Launch configuration or instance Elastic
Blocks Store is securely encrypted") and CKV_AWS_3's launch-template reading, with Prowler
``ec2_ebs_volume_encryption``: on an ``ec2.Instance`` or ``ec2.LaunchConfiguration`` the
``rootBlockDevice`` must be declared with ``encrypted: true`` (omitted, the provider creates an
unencrypted root unless the account encrypts by default - CKV_AWS_8 fails it too), and every
``ebsBlockDevices[]`` must be encrypted unless it is restored from a snapshot. Launch templates are
``aws-ec2-launchtemplate-volumes-encrypted``'s. Advisory: ``ebs.EncryptionByDefault`` (checked by
``aws-ebs-volume-encryption-required``) encrypts them anyway when it is on.
"""

from policies.meta import resource_policy
from policies.props import as_bool, as_list, get


def unencrypted(device) -> bool:
    """A declared volume that is neither encrypted nor restored from a snapshot (which decides for it)."""
    return as_bool(get(device, "encrypted")) is not True and not get(device, "snapshotId")


def check(props, config):
    root = props.get("rootBlockDevice")
    if not root:
        if props.get("launchTemplate"):
            return  # the template declares the volumes (aws-ec2-launchtemplate-volumes-encrypted)
        yield "The root volume is not declared, so it is created unencrypted (set rootBlockDevice.encrypted)."
    elif as_bool(get(root, "encrypted")) is not True:
        yield "The root volume is not encrypted."
    for device in as_list(props.get("ebsBlockDevices")):
        if unencrypted(device):
            yield f"EBS volume {get(device, 'deviceName') or '?'} is not encrypted."


POLICY = resource_policy(
    name="aws-ec2-instance-volumes-encrypted",
    description="The root and EBS volumes declared by instances and launch configurations are encrypted.",
    types=["aws:ec2/instance:Instance", "aws:ec2/launchConfiguration:LaunchConfiguration"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32", "cis:aws-2.2.1"],
    remediation="Set rootBlockDevice.encrypted: true (with kmsKeyId) and encrypted: true on each ebsBlockDevices item.",
)
