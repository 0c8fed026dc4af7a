"""GKE clusters use neither legacy ABAC authorization nor client-certificate authentication.

Follows Checkov CKV_GCP_7 (Legacy Authorization is set to Disabled on Kubernetes Engine Clusters) and CKV_GCP_13
(client certificate authentication to Kubernetes Engine Clusters is disabled), CIS GKE Benchmark 5.8.1 (client
certificates) and 5.8.3 (Legacy Authorization). ``enableLegacyAbac`` and
``masterAuth.clientCertificateConfig.issueClientCertificate`` default to false, so only an explicit true is a
finding. Mandatory: ABAC grants bypass RBAC and a client certificate is a non-revocable cluster credential.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if props.get("enableLegacyAbac") is True:
        yield "Legacy ABAC authorization is enabled: permissions bypass Kubernetes RBAC."
    if get(props, "masterAuth.clientCertificateConfig.issueClientCertificate") is True:
        yield "The cluster issues a client certificate: a credential that cannot be revoked."


POLICY = resource_policy(
    name="gcp-container-cluster-legacyauth-disabled",
    description="GKE clusters disable legacy ABAC authorization and client-certificate authentication.",
    types=["gcp:container/cluster:Cluster"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "soc2:CC6.3", "hipaa:164.312(a)(1)"],
    remediation=(
        "Remove enableLegacyAbac (or set it false) and set masterAuth.clientCertificateConfig.issueClientCertificate: "
        "false; authenticate with Google identities and authorize with RBAC."
    ),
    enforcement="mandatory",
)
