from components import conventions
from policies.meta import stack_policy
from policies.props import compliance_of

CLOUD_OF = {"aws": "aws", "gcp": "gcp", "azure-native": "azure"}


def region_of(r) -> str | None:
    cloud = CLOUD_OF.get(r.resource_type.split(":", 1)[0])
    if cloud == "azure":
        location = r.props.get("location") or (r.provider.props.get("location") if r.provider else None)
        # Azure accepts display names ("West Europe") as well as names ("westeurope").
        return str(location).replace(" ", "").lower() if location else None
    if cloud == "gcp":
        location = r.props.get("location") or r.props.get("region")
        if location:
            return str(location).lower()
        return r.provider.props.get("region") if r.provider else None
    if cloud == "aws":
        return r.props.get("region") or (r.provider.props.get("region") if r.provider else None)
    return None


def check(resources, config):
    for r in resources:
        cloud = CLOUD_OF.get(r.resource_type.split(":", 1)[0])
        if cloud is None or "gdpr" not in compliance_of(r.props):
            continue
        region = region_of(r)
        if region is None:
            continue  # no location of its own (e.g. IAM); residency follows the data resources
        if cloud == "gcp" and region == "eu":
            continue  # the EU multi-region
        if not conventions.is_eu_region(cloud, region):
            yield f"{r.name} belongs to a GDPR tenant but lives in {region}, outside the EU.", r


POLICY = stack_policy(
    name="stack-gdpr-data-resident",
    description="Resources of GDPR tenants stay in EU regions.",
    check=check,
    reads=["aws:", "gcp:", "azure-native:"],
    severity="critical",
    frameworks=["gdpr:Art.44"],
    remediation="Deploy the tenant to an EU region (plinth:tenants[].region) or remove gdpr from its compliance list.",
    enforcement="mandatory",
    never_waive=True,
)
