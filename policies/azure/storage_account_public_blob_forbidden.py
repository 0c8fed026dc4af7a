from policies.meta import resource_policy


def check(props, config):
    if props.get("allowBlobPublicAccess") is not False:
        yield "Anonymous public read access to blobs is allowed."


POLICY = resource_policy(
    name="azure-storage-account-public-blob-forbidden",
    description="Storage accounts forbid anonymous public access to blobs.",
    types=["azure-native:storage:StorageAccount"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "gdpr:Art.32", "cis:azure-3.17"],
    remediation="Set allowBlobPublicAccess: false.",
    enforcement="mandatory",
    never_waive=True,
)
