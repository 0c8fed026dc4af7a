"""Vertex AI Workbench instances boot with Shielded VM secure boot.

Follows CIS GCP Foundations v3.0 4.8 (Compute instances are launched with Shielded VM enabled) and Prowler
compute_instance_shielded_vm_enabled as they apply to the Workbench VM, as the issue asks ("no secure boot"):
``gceSetup.shieldedInstanceConfig.enableSecureBoot`` defaults to false and must be true; an explicit false for vTPM or
integrity monitoring (both default true) is also a finding. Advisory: boot-level tampering needs a prior compromise.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    shielded = get(props, "gceSetup.shieldedInstanceConfig") or {}
    if shielded.get("enableSecureBoot") is not True:
        yield "The notebook VM boots without secure boot (gceSetup.shieldedInstanceConfig.enableSecureBoot)."
    for key in ("enableVtpm", "enableIntegrityMonitoring"):
        if shielded.get(key) is False:
            yield f"The notebook VM disables {key[6:]}."


POLICY = resource_policy(
    name="gcp-workbench-instance-secureboot-enabled",
    description="Vertex AI Workbench instances boot with secure boot, vTPM and integrity monitoring.",
    types=["gcp:workbench/instance:Instance"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.8", "cis:gcp-4.8"],
    remediation=(
        "Set gceSetup.shieldedInstanceConfig: {enableSecureBoot: true, enableVtpm: true, "
        "enableIntegrityMonitoring: true}."
    ),
)
