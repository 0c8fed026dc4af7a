from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if not get(props, "encryption.defaultKmsKeyName"):
        yield "The bucket uses Google-managed keys; set a customer-managed default KMS key."


POLICY = resource_policy(
    name="gcp-storage-bucket-cmek-required",
    description="Cloud Storage buckets encrypt objects with a customer-managed key.",
    types=["gcp:storage/bucket:Bucket"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32"],
    remediation=(
        "Set encryption.defaultKmsKeyName and grant the Cloud Storage service agent encrypt/decrypt on that key."
    ),
    enforcement="mandatory",
)
