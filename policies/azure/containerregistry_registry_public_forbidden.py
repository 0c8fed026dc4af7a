"""Container registries are not open to every network.

Follows Checkov CKV_AZURE_139 (ACR set to disable public networking) and Prowler
containerregistry_not_publicly_accessible: ``publicNetworkAccess`` defaults to Enabled; the registry is restricted when
it is Disabled or when ``networkRuleSet.defaultAction`` is Deny (Premium). Advisory: clusters often pull over the
internet with credentials; private endpoints are the stronger design.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if props.get("publicNetworkAccess") == "Disabled" or get(props, "networkRuleSet.defaultAction") == "Deny":
        return
    yield "The registry accepts connections from any network (publicNetworkAccess is not Disabled)."


POLICY = resource_policy(
    name="azure-containerregistry-registry-public-forbidden",
    description="Container registries are reachable only from selected networks.",
    types=["azure-native:containerregistry:Registry"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.6"],
    remediation='Set publicNetworkAccess: "Disabled" with a private endpoint, or networkRuleSet.defaultAction: "Deny".',
)
