"""Azure AI services (Cognitive Services, Azure OpenAI) accept Entra ID tokens, not API keys.

Follows the Azure Policy built-in "Azure AI Services resources should have key access disabled (disable local
authentication)" and Microsoft cloud security benchmark IM-1 (use a centralized identity system), the
local-authentication rule Checkov applies per service (CKV_AZURE_142 ML computes, CKV_AZURE_192 Event Grid,
CKV_AZURE_203 Service Bus): ``properties.disableLocalAuth`` defaults to false (the account's two keys work) and must be
true. Also Azure AI Search (``disableLocalAuth`` at the top level). Advisory (high): keys are shared secrets that no
identity owns and that are rarely rotated.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    value = get(props, "properties.disableLocalAuth") if "properties" in props else props.get("disableLocalAuth")
    if value is not True:
        yield "The service accepts API keys (disableLocalAuth is not true); require Entra ID tokens."


POLICY = resource_policy(
    name="azure-cognitiveservices-account-localauth-disabled",
    description="Azure AI services disable key (local) authentication.",
    types=["azure-native:cognitiveservices:Account", "azure-native:search:Service"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(1)"],
    remediation=(
        "Set properties.disableLocalAuth: true (AI Search: disableLocalAuth: true) and grant callers the "
        "Cognitive Services User / Search Index Data roles."
    ),
)
