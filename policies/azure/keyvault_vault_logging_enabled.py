"""Key Vaults send their audit logs to a diagnostic setting.

Follows CIS Azure Foundations v2.1 5.1.4 (logging for Azure Key Vault is 'Enabled') and Prowler
keyvault_logging_enabled. A stack policy, because the setting is a separate ``monitor:DiagnosticSetting`` whose
``resourceUri`` is the vault's id: a vault passes when a setting for it enables the AuditEvent category (or the
``audit``/``allLogs`` category group). Advisory: without it, who read which secret is not recorded.
"""

from policies.meta import stack_policy
from policies.props import as_list, get

VAULT = "azure-native:keyvault:Vault"
DIAGNOSTIC = "azure-native:monitor:DiagnosticSetting"


def _audits(props) -> bool:
    for log in as_list(props.get("logs")):
        if log.get("enabled") is not True:
            continue
        if log.get("category") == "AuditEvent" or str(log.get("categoryGroup") or "").lower() in ("audit", "alllogs"):
            return True
    return False


def logged_vaults(resources) -> set[str]:
    """Lower-case names of the vaults a diagnostic setting audits (``.../Microsoft.KeyVault/vaults/<name>``)."""
    names = set()
    for r in resources:
        if r.resource_type != DIAGNOSTIC:
            continue
        uri = str(r.props.get("resourceUri") or "").rstrip("/").lower()
        if "/microsoft.keyvault/vaults/" in uri and _audits(r.props):
            names.add(uri.rsplit("/", 1)[-1])
    return names


def check(resources, config):
    logged = logged_vaults(resources)
    for vault in (r for r in resources if r.resource_type == VAULT):
        name = str(get(vault.props, "vaultName") or vault.name).lower()
        if name not in logged:
            yield f"Key Vault {vault.name} has no diagnostic setting recording AuditEvent logs.", vault


POLICY = stack_policy(
    name="azure-keyvault-vault-logging-enabled",
    description="Key Vaults send their audit logs to a diagnostic setting.",
    check=check,
    reads=[VAULT, DIAGNOSTIC],
    severity="medium",
    frameworks=["soc2:CC7.2", "hipaa:164.312(b)", "cis:azure-5.1.4"],
    remediation=(
        'Add a monitor.DiagnosticSetting with resourceUri: the vault\'s id, logs: [{categoryGroup: "audit", enabled: '
        "true}] and a Log Analytics workspace or storage account."
    ),
)
