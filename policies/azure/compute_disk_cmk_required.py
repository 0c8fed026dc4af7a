from policies.meta import resource_policy
from policies.props import get

CMK = ("EncryptionAtRestWithCustomerKey", "EncryptionAtRestWithPlatformAndCustomerKeys")


def check(props, config):
    if get(props, "encryption.type") not in CMK:
        yield "The disk is encrypted with platform-managed keys only."


POLICY = resource_policy(
    name="azure-compute-disk-cmk-required",
    description="Managed disks are encrypted with customer-managed keys.",
    types=["azure-native:compute:Disk"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "cis:azure-7.3"],
    remediation=(
        "Set encryption: {type: EncryptionAtRestWithCustomerKey, diskEncryptionSetId: <set with a Key Vault key>}."
    ),
)
