"""ElastiCache replication groups encrypt data at rest.

Follows Checkov CKV_AWS_29 ("Ensure all data stored in the ElastiCache Replication Group is securely
encrypted at rest"), cdk-nag AwsSolutions-AEC3 and Prowler ``elasticache_redis_cluster_rest_encryption_enabled``:
``atRestEncryptionEnabled`` true. Absent it is off for Redis OSS and on for Valkey (the service's
defaults), so a Valkey group without it passes. The key is ``aws-kms-cmk-required``'s
(CKV_AWS_191). Advisory.
"""

from policies.meta import resource_policy


def check(props, config):
    enabled = props.get("atRestEncryptionEnabled")
    if enabled is None:
        enabled = str(props.get("engine") or "redis").lower() == "valkey"
    if enabled is not True:
        yield "Encryption at rest is off (atRestEncryptionEnabled is not true)."


POLICY = resource_policy(
    name="aws-elasticache-replicationgroup-encryption-required",
    description="ElastiCache replication groups encrypt their data at rest.",
    types=["aws:elasticache/replicationGroup:ReplicationGroup"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32"],
    remediation="Set atRestEncryptionEnabled: true with kmsKeyId of a customer-managed key (a new replication group).",
)
