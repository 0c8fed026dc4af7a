from policies.meta import resource_policy


def check(props, config):
    if props.get("uniformBucketLevelAccess") is not True:
        yield "Object ACLs are in use; enable uniform bucket-level access."


POLICY = resource_policy(
    name="gcp-storage-bucket-uniform-access-required",
    description="Cloud Storage buckets use uniform bucket-level access instead of object ACLs.",
    types=["gcp:storage/bucket:Bucket"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "cis:gcp-5.2"],
    remediation="Set uniformBucketLevelAccess: true.",
    enforcement="mandatory",
)
