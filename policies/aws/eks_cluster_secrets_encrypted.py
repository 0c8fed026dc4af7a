"""EKS clusters envelope-encrypt Kubernetes Secrets with a KMS key.

Follows Checkov CKV_AWS_58 ("Ensure EKS Cluster has Secrets Encryption Enabled"), CIS Amazon EKS
Benchmark 5.3.1 and Prowler ``eks_cluster_kms_cmk_encryption_in_secrets_enabled``: an
``encryptionConfig`` whose ``resources`` include ``secrets`` and whose ``provider.keyArn`` names the
KMS key. Advisory: EKS encrypts etcd volumes anyway; envelope encryption with the account's key is
what lets the key policy, not only cluster RBAC, govern who reads Secrets.
"""

from policies.meta import resource_policy
from policies.props import as_list, get


def check(props, config):
    encryption = props.get("encryptionConfig")
    resources = [str(r) for r in as_list(get(encryption, "resources"))] if encryption else []
    if "secrets" not in resources:
        yield "Kubernetes Secrets are not envelope-encrypted with a KMS key (encryptionConfig.resources lacks secrets)."
    elif not get(encryption, "provider.keyArn"):
        yield "encryptionConfig names no KMS key (provider.keyArn)."


POLICY = resource_policy(
    name="aws-eks-cluster-secrets-encrypted",
    description="EKS clusters envelope-encrypt Kubernetes Secrets with a customer-managed KMS key.",
    types=["aws:eks/cluster:Cluster"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32"],
    remediation="Set encryptionConfig: {resources: [secrets], provider: {keyArn: <customer-managed key ARN>}}.",
)
