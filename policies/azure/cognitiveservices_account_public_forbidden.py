"""Azure AI services (Cognitive Services, Azure OpenAI) are not open to every network.

Follows Checkov CKV_AZURE_134 (Cognitive Services accounts disable public network access or use Network ACLs): the
account passes with ``properties.publicNetworkAccess: Disabled`` or ``properties.networkAcls.defaultAction: Deny``;
public access with an Allow default (or no ACLs) is the service default and fails. Advisory (high): calls still need a
key or an Entra ID token (see azure-cognitiveservices-account-localauth-disabled).
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if get(props, "properties.publicNetworkAccess") == "Disabled":
        return
    if get(props, "properties.networkAcls.defaultAction") != "Deny":
        yield "The AI service accepts calls from every network (public access with no deny-by-default ACL)."


POLICY = resource_policy(
    name="azure-cognitiveservices-account-public-forbidden",
    description="Azure AI services accept calls only from selected or private networks.",
    types=["azure-native:cognitiveservices:Account"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6", "gdpr:Art.32"],
    remediation=(
        'Set properties.publicNetworkAccess: "Disabled" with a private endpoint, or properties.networkAcls: '
        '{defaultAction: "Deny", ipRules/virtualNetworkRules: ...}.'
    ),
)
