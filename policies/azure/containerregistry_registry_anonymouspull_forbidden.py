"""Container registries allow no anonymous pull.

Follows Checkov CKV_AZURE_138 (ACR disables anonymous pulling of images): ``anonymousPullEnabled`` defaults to false;
true lets anyone on the internet pull every image (Standard and Premium SKUs). Mandatory: tenant images and whatever
they embed become public.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("anonymousPullEnabled") is True:
        yield "Anyone can pull images from the registry without credentials (anonymousPullEnabled: true)."


POLICY = resource_policy(
    name="azure-containerregistry-registry-anonymouspull-forbidden",
    description="Container registries allow no anonymous pull.",
    types=["azure-native:containerregistry:Registry"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "soc2:CC6.1"],
    remediation="Set anonymousPullEnabled: false and grant AcrPull to the identities that pull.",
    enforcement="mandatory",
)
