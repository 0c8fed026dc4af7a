"""App Service apps keep no credentials in plaintext app settings or connection strings.

Follows CIS Azure Foundations v2.1 9.10 (Azure Key Vaults are used to store secrets) as it applies to App Service
configuration, the Azure counterpart of CIS GCP 1.17: app settings (``siteConfig.appSettings``,
WebAppApplicationSettings) and connection strings (``siteConfig.connectionStrings``, WebAppConnectionStrings) are
read with Plinth's credential detector (policies/credentials.py). A Key Vault reference
(``@Microsoft.KeyVault(...)``) is never a literal. Findings name the setting and the kind, never the value; a
connection string with ``Password=``/``Pwd=`` counts too. Advisory: the detector is heuristic.
"""

import re
from collections.abc import Iterator
from typing import Any

from policies.credentials import credential_kinds
from policies.meta import resource_policy
from policies.props import as_list, get

KEY_VAULT_REFERENCE = "@Microsoft.KeyVault("
#: ADO.NET / ODBC connection strings carry the password as a key=value pair.
EMBEDDED_PASSWORD = re.compile(r"(?i)(^|;)\s*(password|pwd)\s*=\s*[^;\s]+")


def settings(props: Any) -> Iterator[tuple[str, Any]]:
    """(name, value) of every app setting and connection string the resource sets."""
    for item in as_list(get(props, "siteConfig.appSettings")):
        yield str(item.get("name")), item.get("value")
    for item in as_list(get(props, "siteConfig.connectionStrings")):
        yield str(item.get("name")), item.get("connectionString")
    values = props.get("properties") if "siteConfig" not in props else None
    if values is not None:
        for name in values:
            value = values[name]
            yield str(name), value.get("value") if hasattr(value, "get") else value


def check(props, config):
    for name, value in settings(props):
        if not isinstance(value, str) or value.startswith(KEY_VAULT_REFERENCE):
            continue
        kinds = credential_kinds(value, name)
        if EMBEDDED_PASSWORD.search(value):
            kinds.append("password in a connection string")
        if kinds:
            yield f"Setting {name} holds a plaintext credential ({', '.join(kinds)}); use a Key Vault reference."


POLICY = resource_policy(
    name="azure-web-appsettings-credentials-forbidden",
    description="App Service apps keep no credentials in plaintext settings or connection strings.",
    types=[
        "azure-native:web:WebApp",
        "azure-native:web:WebAppSlot",
        "azure-native:web:WebAppApplicationSettings",
        "azure-native:web:WebAppApplicationSettingsSlot",
        "azure-native:web:WebAppConnectionStrings",
        "azure-native:web:WebAppConnectionStringsSlot",
    ],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(1)", "cis:azure-9.10"],
    remediation=(
        "Store the value in Key Vault and reference it as @Microsoft.KeyVault(SecretUri=...), or connect with the "
        "app's managed identity."
    ),
)
