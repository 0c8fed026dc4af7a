"""GKE control planes accept connections only from authorized networks, never from 0.0.0.0/0.

Follows Checkov CKV_GCP_20 (master authorized networks is set to enabled in GKE clusters) and CKV_GCP_18 (GKE Control
Plane is not public), CIS GKE Benchmark 5.6.3 (Control Plane Authorized Networks is Enabled). Without
``masterAuthorizedNetworksConfig`` the public endpoint accepts connections from any address; a cidrBlock of
0.0.0.0/0 is the same. Mandatory: the Kubernetes API of every tenant is behind this endpoint.
"""

from policies.meta import resource_policy
from policies.props import as_list, get, is_world


def check(props, config):
    if props.get("masterAuthorizedNetworksConfig") is None:
        yield "The control plane accepts connections from any address: masterAuthorizedNetworksConfig is not set."
        return
    for block in as_list(get(props, "masterAuthorizedNetworksConfig.cidrBlocks")):
        if is_world(block.get("cidrBlock")):
            label = block.get("displayName") or block.get("cidrBlock")
            yield f"Authorized network {label} opens the control plane to the internet."


POLICY = resource_policy(
    name="gcp-container-cluster-controlplane-restricted",
    description="GKE control planes accept connections only from authorized networks.",
    types=["gcp:container/cluster:Cluster"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6"],
    remediation=(
        "Set masterAuthorizedNetworksConfig with the CIDR blocks of your administration networks (or a private "
        "endpoint); never 0.0.0.0/0."
    ),
    enforcement="mandatory",
)
