"""OpenSearch (and Elasticsearch) domains encrypt traffic between nodes and to clients, with TLS 1.2.

Follows Checkov CKV_AWS_6 (node-to-node encryption), CKV_AWS_83 (HTTPS enforced) and CKV_AWS_228
(an up-to-date TLS policy), cdk-nag AwsSolutions-OS2 and Prowler
``opensearch_service_domains_node_to_node_encryption_enabled`` /
``opensearch_service_domains_https_communications_enforced``:

- ``nodeToNodeEncryption.enabled`` true (the provider's default is false);
- ``domainEndpointOptions.enforceHttps`` not false (the provider's default is true);
- ``domainEndpointOptions.tlsSecurityPolicy`` one of ``Policy-Min-TLS-1-2-2019-07`` or
  ``Policy-Min-TLS-1-2-PFS-2023-10`` (absent fails, as in CKV_AWS_228: the provider documents no
  default, and the service's oldest default accepts TLS 1.0).

Advisory: domains live in VPCs; HIPAA and PCI tenants need all three.
"""

from policies.meta import resource_policy
from policies.props import get

TLS_POLICIES = ("Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10")


def check(props, config):
    if get(props, "nodeToNodeEncryption.enabled") is not True:
        yield "Node-to-node encryption is off."
    endpoint = props.get("domainEndpointOptions") or {}
    if get(endpoint, "enforceHttps") is False:
        yield "HTTPS is not enforced: the endpoint accepts plain HTTP."
    tls = get(endpoint, "tlsSecurityPolicy")
    if tls not in TLS_POLICIES:
        yield f"The TLS security policy is {tls!r}; use Policy-Min-TLS-1-2-2019-07 or Policy-Min-TLS-1-2-PFS-2023-10."


POLICY = resource_policy(
    name="aws-opensearch-domain-transit-encrypted",
    description="OpenSearch domains encrypt node-to-node traffic and enforce HTTPS with TLS 1.2 or later.",
    types=["aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.7", "hipaa:164.312(e)(1)", "hipaa:164.312(e)(2)(ii)", "gdpr:Art.32"],
    remediation=(
        "Set nodeToNodeEncryption.enabled: true and domainEndpointOptions: {enforceHttps: true, "
        "tlsSecurityPolicy: Policy-Min-TLS-1-2-PFS-2023-10}."
    ),
)
