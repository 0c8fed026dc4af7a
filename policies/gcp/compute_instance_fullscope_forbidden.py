"""Compute Engine instances never run as the default service account with access to all Cloud APIs.

Follows CIS GCP Foundations v3.0 4.2 (instances are not configured to use the default service account with full
access to all Cloud APIs), Checkov CKV_GCP_31 and Prowler
compute_instance_default_service_account_in_use_with_full_api_access: the default account (no ``email``, "default",
or ``<number>-compute@developer.gserviceaccount.com``) with the ``cloud-platform`` scope. Mandatory: any process on
the VM then holds the project's Editor role.
"""

from policies.gcp._compute import INSTANCE_TYPES, uses_default_account
from policies.meta import resource_policy
from policies.props import as_list

FULL_SCOPES = ("https://www.googleapis.com/auth/cloud-platform", "cloud-platform")


def check(props, config):
    if not uses_default_account(props):
        return
    if any(scope in FULL_SCOPES for scope in as_list(props.get("serviceAccount").get("scopes"))):
        yield "The instance runs as the default service account with full access to all Cloud APIs."


POLICY = resource_policy(
    name="gcp-compute-instance-fullscope-forbidden",
    description="Compute Engine instances never combine the default service account with full API access.",
    types=list(INSTANCE_TYPES),
    check=check,
    severity="high",
    frameworks=["soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)", "cis:gcp-4.2"],
    remediation=(
        "Attach a dedicated service account (serviceAccount.email) or restrict scopes to what the workload calls."
    ),
    enforcement="mandatory",
)
