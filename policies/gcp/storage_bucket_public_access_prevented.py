from policies.meta import resource_policy


def check(props, config):
    if props.get("publicAccessPrevention") != "enforced":
        yield "Public access prevention is not enforced on the bucket."


POLICY = resource_policy(
    name="gcp-storage-bucket-public-access-prevented",
    description="Cloud Storage buckets enforce public access prevention.",
    types=["gcp:storage/bucket:Bucket"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "gdpr:Art.32", "cis:gcp-5.1"],
    remediation="Set publicAccessPrevention: enforced.",
    enforcement="mandatory",
    never_waive=True,
)
