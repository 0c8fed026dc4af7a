"""MSK clusters encrypt data in transit, between clients and brokers and between brokers.

Follows Checkov CKV_AWS_81 ("Ensure MSK Cluster encryption in rest and transit is enabled", its
transit part), cdk-nag AwsSolutions-MSK2 and Prowler ``kafka_cluster_in_transit_encryption_enabled``:
``encryptionInfo.encryptionInTransit.clientBroker`` must be ``TLS`` (``TLS_PLAINTEXT`` and
``PLAINTEXT`` accept plaintext clients; absent is the provider's default, TLS) and ``inCluster`` must
not be false (default true). The at-rest key is ``aws-kms-cmk-required``'s. Advisory: plaintext is
a deliberate choice in the program; HIPAA tenants should not make it.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    transit = get(props, "encryptionInfo.encryptionInTransit") or {}
    client_broker = get(transit, "clientBroker") or "TLS"
    if client_broker != "TLS":
        yield f"Clients may talk to brokers in plaintext (clientBroker {client_broker!r})."
    if get(transit, "inCluster") is False:
        yield "Traffic between brokers is not encrypted (inCluster false)."


POLICY = resource_policy(
    name="aws-msk-cluster-transit-encrypted",
    description="MSK clusters accept only TLS from clients and encrypt traffic between brokers.",
    types=["aws:msk/cluster:Cluster"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.7", "hipaa:164.312(e)(1)", "hipaa:164.312(e)(2)(ii)", "gdpr:Art.32"],
    remediation="Set encryptionInfo.encryptionInTransit: {clientBroker: TLS, inCluster: true}.",
)
