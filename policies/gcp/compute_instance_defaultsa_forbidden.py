"""Compute Engine instances do not run as the Compute Engine default service account.

Follows CIS GCP Foundations v3.0 4.1 (instances are not configured to use the default service account), Checkov
CKV_GCP_30 and Prowler compute_instance_default_service_account_in_use. A ``serviceAccount`` block without ``email``
attaches the default account (``<number>-compute@developer.gserviceaccount.com``, Editor on the project); without the
block the VM has no account at all, which passes. GKE node VMs (``gke-...``) are judged by the node pool policies.
Advisory: CIS L1, but the full-scope case (gcp-compute-instance-fullscope-forbidden) is the exploitable one.
"""

from policies.gcp._compute import INSTANCE_TYPES, uses_default_account
from policies.meta import resource_policy


def check(props, config):
    if uses_default_account(props):
        yield "The instance runs as the Compute Engine default service account (Editor on the project)."


POLICY = resource_policy(
    name="gcp-compute-instance-defaultsa-forbidden",
    description="Compute Engine instances run as a dedicated service account, not the default one.",
    types=list(INSTANCE_TYPES),
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.3", "cis:gcp-4.1"],
    remediation="Create a service account with the roles the workload needs and set serviceAccount.email to it.",
)
