"""The EBS volumes a launch template maps are encrypted.

The launch-template reading of Checkov CKV_AWS_8 / CKV_AWS_3 and Prowler ``ec2_ebs_volume_encryption``:
every ``blockDeviceMappings[].ebs`` of an ``ec2.LaunchTemplate`` says ``encrypted: "true"`` (the
provider sends it as a string) unless it is restored from a snapshot, whose encryption it keeps. A
template without mappings uses its image's volumes and is not reported. Advisory, as for instances.
"""

from policies.aws.ec2_instance_volumes_encrypted import unencrypted
from policies.meta import resource_policy
from policies.props import as_list, get


def check(props, config):
    for mapping in as_list(props.get("blockDeviceMappings")):
        ebs = get(mapping, "ebs")
        if ebs and unencrypted(ebs):
            yield f"Volume {get(mapping, 'deviceName') or '?'} of the launch template is not encrypted."


POLICY = resource_policy(
    name="aws-ec2-launchtemplate-volumes-encrypted",
    description="The EBS volumes a launch template maps are encrypted.",
    types=["aws:ec2/launchTemplate:LaunchTemplate"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32", "cis:aws-2.2.1"],
    remediation='Set blockDeviceMappings[].ebs.encrypted: "true" (and kmsKeyId to a customer-managed key).',
)
