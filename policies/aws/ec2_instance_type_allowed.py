"""EC2 instance types stay within the families allowed for the tenant's tier.

Plinth's own cost rule (no peer rule: the families per tier are the platform's price list), read
from the tenant's ``tier`` tag. Advisory.
"""

from policies.meta import resource_policy
from policies.props import tier_of

CONFIG = {
    "allowedFamilies": {
        "type": "object",
        "description": "Instance families allowed per tenant tier (prefix before the dot).",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "default": {
            "free": ["t3", "t4g"],
            "standard": ["t3", "t4g", "m6i", "m7g", "c6i", "c7g"],
            "premium": ["t3", "t4g", "m6i", "m7g", "c6i", "c7g", "r6i", "r7g", "g5"],
            "enterprise": ["t3", "t4g", "m6i", "m7g", "c6i", "c7g", "r6i", "r7g", "g5", "g6", "p4d", "p5"],
        },
    },
}


def check(props, config):
    tier = tier_of(props)
    if tier is None:
        return
    kind = props.get("instanceType") or ""
    allowed = config["allowedFamilies"].get(tier)
    if allowed is not None and kind.split(".")[0] not in allowed:
        yield f"Instance type {kind} is not allowed for the {tier} tier (allowed families: {', '.join(allowed)})."


POLICY = resource_policy(
    name="aws-ec2-instance-type-allowed",
    description="EC2 instance types stay within the families allowed for the tenant's tier.",
    types=["aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate"],
    check=check,
    severity="medium",
    frameworks=[],
    remediation="Pick a family allowed for the tier or move the tenant to a higher tier.",
    config=CONFIG,
)
