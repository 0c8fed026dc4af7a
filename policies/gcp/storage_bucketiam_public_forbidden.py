from policies.meta import resource_policy
from policies.props import as_list

PUBLIC = ("allUsers", "allAuthenticatedUsers")


def check(props, config):
    members = as_list(props.get("member")) + as_list(props.get("members"))
    for member in members:
        if member in PUBLIC:
            yield f"The bucket grants {props.get('role')} to {member}."


POLICY = resource_policy(
    name="gcp-storage-bucketiam-public-forbidden",
    description="Cloud Storage IAM never grants access to allUsers or allAuthenticatedUsers.",
    types=["gcp:storage/bucketIAMMember:BucketIAMMember", "gcp:storage/bucketIAMBinding:BucketIAMBinding"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "gdpr:Art.32", "cis:gcp-5.1"],
    remediation="Grant roles to named principals only; serve public content through a CDN with signed URLs.",
    enforcement="mandatory",
    never_waive=True,
)
