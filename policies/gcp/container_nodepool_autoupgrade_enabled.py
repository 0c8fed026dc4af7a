"""GKE node pools upgrade and repair their nodes automatically.

Follows Checkov CKV_GCP_10 ('Automatic node upgrade' is enabled for Kubernetes Clusters) and CKV_GCP_9 ('Automatic
node repair' is enabled), CIS GKE Benchmark v1.5 5.5.2 and 5.5.3. Both ``management.autoUpgrade`` and
``management.autoRepair`` are enabled by default in the provider, so only an explicit false is a finding; Autopilot
nodes are always managed. Advisory: a pool that does not upgrade keeps known node vulnerabilities until someone acts.
"""

from policies.gcp._gke import pools
from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    for label, pool in pools(props):
        if get(pool, "management.autoUpgrade") is False:
            yield f"{label} does not upgrade its nodes automatically (management.autoUpgrade: false)."
        if get(pool, "management.autoRepair") is False:
            yield f"{label} does not repair its nodes automatically (management.autoRepair: false)."


POLICY = resource_policy(
    name="gcp-container-nodepool-autoupgrade-enabled",
    description="GKE node pools upgrade and repair their nodes automatically.",
    types=["gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC7.1", "soc2:CC8.1"],
    remediation=(
        "Remove management.autoUpgrade/autoRepair: false (both default to true) and enroll in a release channel."
    ),
)
