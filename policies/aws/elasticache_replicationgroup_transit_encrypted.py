"""ElastiCache (Redis OSS / Valkey) replication groups encrypt data in transit.

Follows Checkov CKV_AWS_30 ("Ensure all data stored in the ElastiCache Replication Group is securely
encrypted at transit"), cdk-nag AwsSolutions-AEC3 and Prowler
``elasticache_redis_cluster_in_transit_encryption_enabled``: ``transitEncryptionEnabled`` must be
true (the provider's default is false), and ``transitEncryptionMode`` must not be ``preferred``,
the migration mode that still accepts plaintext connections. Advisory: caches sit in private
subnets; HIPAA and PCI tenants need it on.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("transitEncryptionEnabled") is not True:
        yield "Encryption in transit is off (transitEncryptionEnabled is not true)."
    elif props.get("transitEncryptionMode") == "preferred":
        yield "transitEncryptionMode is 'preferred': plaintext connections are still accepted."


POLICY = resource_policy(
    name="aws-elasticache-replicationgroup-transit-encrypted",
    description="ElastiCache replication groups require TLS for every connection.",
    types=["aws:elasticache/replicationGroup:ReplicationGroup"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.7", "hipaa:164.312(e)(1)", "hipaa:164.312(e)(2)(ii)", "gdpr:Art.32"],
    remediation="Set transitEncryptionEnabled: true and transitEncryptionMode: required (or leave the mode unset).",
)
