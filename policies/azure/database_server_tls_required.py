"""Azure database servers require TLS 1.2 or newer on every connection.

Follows CIS Azure Foundations v2.1 4.3.1 ('Enforce SSL connection' is set to 'ENABLED' for PostgreSQL), 4.4.1 (same
for MySQL) and 4.4.2 ('TLS Version' is set to 'TLSV1.2' for MySQL flexible), Checkov CKV_AZURE_28/29/47 (SSL
enforcement) and CKV_AZURE_54/147 (TLS 1.2), Prowler postgresql_flexible_server_enforce_ssl_enabled,
mysql_flexible_server_ssl_connection_enabled and mysql_flexible_server_minimum_tls_version_12.
Single servers and MariaDB: ``properties.sslEnforcement`` defaults to Enabled (only Disabled fails) and
``properties.minimalTlsVersion`` defaults to TLSEnforcementDisabled (it must be TLS1_2). Flexible servers keep these in
server parameters: a Configuration that sets ``require_secure_transport`` to off, or ``ssl_min_protocol_version``
(PostgreSQL) / ``tls_version`` (MySQL) to allow TLS 1.0 or 1.1, is a finding; their defaults are secure.
Mandatory: credentials and data cross the network in the clear otherwise.
"""

from policies.azure._database import SINGLE_SERVERS
from policies.meta import resource_policy
from policies.props import get

CONFIGURATIONS = ("azure-native:dbforpostgresql:Configuration", "azure-native:dbformysql:Configuration")
OLD_TLS = ("TLSV1", "TLSV1.0", "TLSV1.1", "TLS1_0", "TLS1_1")


def _configuration(props):
    name = str(props.get("configurationName") or "").lower()
    value = str(props.get("value") or "")
    if name == "require_secure_transport" and value.upper() == "OFF":
        yield "The server accepts unencrypted connections (require_secure_transport = OFF)."
    elif name in ("ssl_min_protocol_version", "tls_version"):
        old = [v for v in value.replace(" ", "").upper().split(",") if v in OLD_TLS]
        if old:
            yield f"The server accepts {', '.join(old)} ({name} = {value}); allow TLS 1.2 or newer only."


def check(props, config):
    if "configurationName" in props:
        yield from _configuration(props)
        return
    if get(props, "properties.sslEnforcement") == "Disabled":
        yield "The server accepts unencrypted connections (sslEnforcement: Disabled)."
    tls = get(props, "properties.minimalTlsVersion", "TLSEnforcementDisabled")
    if tls not in ("TLS1_2", "TLS1_3"):
        yield f"The server's minimal TLS version is {tls}; TLS1_2 is required."


POLICY = resource_policy(
    name="azure-database-server-tls-required",
    description="Azure database servers require TLS 1.2 or newer.",
    types=[*SINGLE_SERVERS, *CONFIGURATIONS],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.7", "hipaa:164.312(e)(1)", "cis:azure-4.3.1", "cis:azure-4.4.1", "cis:azure-4.4.2"],
    remediation=(
        "Single servers: properties.sslEnforcement: Enabled and minimalTlsVersion: TLS1_2. Flexible servers: leave "
        "require_secure_transport ON and set ssl_min_protocol_version/tls_version to TLSv1.2."
    ),
    enforcement="mandatory",
)
