"""GKE clusters enforce Kubernetes NetworkPolicies.

Follows Checkov CKV_GCP_12 (Network Policy is enabled on Kubernetes Engine Clusters) and CIS GKE Benchmark 5.6.7
(Network Policy is Enabled and set as appropriate). Enforcement comes from ``networkPolicy.enabled: true`` (Calico)
or from GKE Dataplane V2 (``datapathProvider: ADVANCED_DATAPATH``), which always enforces policies; Autopilot clusters
run Dataplane V2. Without either, NetworkPolicy objects are accepted but do nothing. Mandatory: Plinth isolates tenants
with default-deny NetworkPolicies, which an unenforcing cluster silently ignores.
"""

from policies.gcp._gke import is_autopilot
from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if is_autopilot(props) or props.get("datapathProvider") == "ADVANCED_DATAPATH":
        return
    if get(props, "networkPolicy.enabled") is not True:
        yield "NetworkPolicies are not enforced: enable networkPolicy or GKE Dataplane V2."


POLICY = resource_policy(
    name="gcp-container-cluster-networkpolicy-enabled",
    description="GKE clusters enforce Kubernetes NetworkPolicies.",
    types=["gcp:container/cluster:Cluster"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6", "soc2:CC6.1"],
    remediation='Set datapathProvider: "ADVANCED_DATAPATH" (Dataplane V2) or networkPolicy: {enabled: true}.',
    enforcement="mandatory",
)
