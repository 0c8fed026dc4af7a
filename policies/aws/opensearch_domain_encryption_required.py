"""OpenSearch (and Elasticsearch) domains encrypt data at rest.

Follows Checkov CKV_AWS_5 ("Ensure all data stored in the Elasticsearch is securely encrypted at
rest"), cdk-nag AwsSolutions-OS8 and Prowler ``opensearch_service_domains_encryption_at_rest_enabled``:
``encryptAtRest.enabled`` true (the provider's default without the block is false). The key is
``aws-kms-cmk-required``'s (CKV_AWS_247). Advisory.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if get(props, "encryptAtRest.enabled") is not True:
        yield "The domain does not encrypt data at rest (encryptAtRest.enabled is not true)."


POLICY = resource_policy(
    name="aws-opensearch-domain-encryption-required",
    description="OpenSearch domains encrypt their indexes at rest.",
    types=["aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32"],
    remediation="Set encryptAtRest: {enabled: true, kmsKeyId: <customer-managed key>}.",
)
