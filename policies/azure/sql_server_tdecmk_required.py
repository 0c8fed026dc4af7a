"""Azure SQL servers protect transparent data encryption with a customer-managed key.

Follows CIS Azure Foundations v2.1 4.1.3 (the SQL server's TDE protector is encrypted with a customer-managed key) and
Prowler sqlserver_tde_encrypted_with_cmk. A stack policy, because the protector is a separate resource: a
``sql:Server`` passes when it sets ``keyId`` (CMK at creation) or an ``sql:EncryptionProtector`` of
``serverKeyType: AzureKeyVault`` names it (``serverName``); a protector of type ServiceManaged is a finding itself.
Advisory, as the other customer-managed-key policies.
"""

from policies.companions import missing_companions
from policies.meta import stack_policy
from policies.props import get

SERVER = "azure-native:sql:Server"
PROTECTOR = "azure-native:sql:EncryptionProtector"


def check(resources, config):
    protectors = [r for r in resources if r.resource_type == PROTECTOR]
    for protector in protectors:
        if get(protector.props, "serverKeyType") != "AzureKeyVault":
            yield "The TDE protector uses a service-managed key; set serverKeyType: AzureKeyVault.", protector
    cmk = [p for p in protectors if get(p.props, "serverKeyType") == "AzureKeyVault"]
    servers = [r for r in resources if r.resource_type == SERVER]
    for server in missing_companions(
        servers + cmk,
        subjects=[SERVER],
        companions=[PROTECTOR],
        link="serverName",
        subject_names=("serverName",),
        inline=lambda props: bool(props.get("keyId")),
    ):
        yield (
            f"SQL server {server.name}: TDE uses a service-managed key (no keyId, no AzureKeyVault protector).",
            server,
        )


POLICY = stack_policy(
    name="azure-sql-server-tdecmk-required",
    description="Azure SQL servers protect transparent data encryption with a customer-managed key.",
    check=check,
    reads=[SERVER, PROTECTOR],
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32", "cis:azure-4.1.3"],
    remediation=(
        "Set keyId (with a user-assigned identity) on the server, or add an EncryptionProtector with serverKeyType: "
        "AzureKeyVault and a ServerKey from Key Vault."
    ),
)
