"""Azure Machine Learning workspaces are not reachable from public networks.

Follows Checkov CKV_AZURE_144 (Public Access is disabled for Machine Learning Workspace): ``publicNetworkAccess``
defaults to Enabled and must be Disabled (access through private endpoints). Advisory (high): the workspace still
requires Entra ID sign-in, but notebooks, data stores and models of every tenant sit behind it.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("publicNetworkAccess") != "Disabled":
        yield "The workspace accepts connections from public networks (publicNetworkAccess is not Disabled)."


POLICY = resource_policy(
    name="azure-machinelearningservices-workspace-public-forbidden",
    description="Azure Machine Learning workspaces are reachable only through private endpoints.",
    types=["azure-native:machinelearningservices:Workspace"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6", "gdpr:Art.32"],
    remediation=(
        'Set publicNetworkAccess: "Disabled" and connect through a private endpoint (managedNetwork for computes).'
    ),
)
