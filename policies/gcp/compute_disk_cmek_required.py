"""Compute Engine disks are encrypted with a customer-managed or customer-supplied key.

Follows CIS GCP Foundations v3.0 4.7 (VM disks for critical VMs are encrypted with customer-supplied encryption
keys), Checkov CKV_GCP_37 (disks: a ``diskEncryptionKey``) and CKV_GCP_38 (instances: the boot disk's
``diskEncryptionKeyRaw``/``kmsKeySelfLink``), Prowler compute_instance_encryption_with_csek_enabled. A Cloud KMS key
(CMEK) or a raw/RSA-wrapped key (CSEK) both pass; no key means Google-managed encryption. Attached disks of an
instance are separate Disk resources and judged there; template disks are judged in the template. Advisory.
"""

from policies.meta import resource_policy
from policies.props import as_list, get

KEY_FIELDS = ("kmsKeySelfLink", "rawKey", "rsaEncryptedKey", "rawKeyWo", "rsaEncryptedKeyWo")
BOOT_KEY_FIELDS = ("kmsKeySelfLink", "diskEncryptionKeyRaw", "diskEncryptionKeyRsa")


def check(props, config):
    if "disks" in props:  # instance templates
        for index, disk in enumerate(as_list(props.get("disks"))):
            if not get(disk, "diskEncryptionKey.kmsKeySelfLink"):
                yield f"Template disk {disk.get('deviceName') or index} has no customer-managed key."
    elif "bootDisk" in props:  # instances
        boot = props.get("bootDisk")
        if not any(boot.get(f) for f in BOOT_KEY_FIELDS):
            yield "The boot disk is encrypted with Google-managed keys."
    elif not any(get(props, f"diskEncryptionKey.{f}") for f in KEY_FIELDS):
        yield "The disk is encrypted with Google-managed keys; set diskEncryptionKey.kmsKeySelfLink."


POLICY = resource_policy(
    name="gcp-compute-disk-cmek-required",
    description="Compute Engine disks are encrypted with a customer-managed or customer-supplied key.",
    types=[
        "gcp:compute/disk:Disk",
        "gcp:compute/regionDisk:RegionDisk",
        "gcp:compute/instance:Instance",
        "gcp:compute/instanceTemplate:InstanceTemplate",
        "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
    ],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32", "cis:gcp-4.7"],
    remediation=(
        "Set diskEncryptionKey.kmsKeySelfLink (disks), bootDisk.kmsKeySelfLink (instances) or "
        "disks[].diskEncryptionKey.kmsKeySelfLink (templates) to a Cloud KMS key."
    ),
)
