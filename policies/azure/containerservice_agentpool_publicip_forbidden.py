"""AKS nodes have no public IP addresses.

Follows Checkov CKV_AZURE_143 (AKS cluster nodes do not have public IP addresses): ``enableNodePublicIP`` defaults to
false on the pools a cluster declares (``agentPoolProfiles``) and on stand-alone AgentPools. Advisory (high), as for
VMs: the nodes remain behind network security groups.
"""

from policies.meta import resource_policy
from policies.props import as_list


def check(props, config):
    if "agentPoolProfiles" in props:
        for index, pool in enumerate(as_list(props.get("agentPoolProfiles"))):
            if pool.get("enableNodePublicIP") is True:
                yield f"Agent pool {pool.get('name') or index} gives its nodes public IP addresses."
    elif props.get("enableNodePublicIP") is True:
        yield "The agent pool gives its nodes public IP addresses."


POLICY = resource_policy(
    name="azure-containerservice-agentpool-publicip-forbidden",
    description="AKS nodes have no public IP addresses.",
    types=["azure-native:containerservice:ManagedCluster", "azure-native:containerservice:AgentPool"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6"],
    remediation="Remove enableNodePublicIP (or set it false); reach nodes through the API server or Azure Bastion.",
)
