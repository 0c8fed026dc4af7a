"""Azure Backup vaults of premium and enterprise tenants keep a copy in the paired region they can restore from.

Geo-redundant vault storage replicates backups to the region's pair; Cross Region Restore lets them be
restored there at any time, not only after Microsoft declares an outage
(https://learn.microsoft.com/azure/reliability/reliability-backup).
"""

from policies.meta import resource_policy
from policies.props import as_list, get, tier_of

TIERS = ("premium", "enterprise")


def check(props, config):
    if tier_of(props) not in TIERS:
        return
    kinds = {get(s, "type") for s in as_list(get(props, "properties.storageSettings"))}
    if "GeoRedundant" not in kinds:
        yield f"The {tier_of(props)} tier's vault keeps its backups in one region only (no geo-redundant storage)."
    elif get(props, "properties.featureSettings.crossRegionRestoreSettings.state") != "Enabled":
        yield (
            "The vault's geo-redundant copy cannot be restored until Microsoft declares an outage "
            "(Cross Region Restore is off)."
        )


POLICY = resource_policy(
    name="azure-dataprotection-vault-crossregion-enabled",
    description=(
        "Azure Backup vaults of premium and enterprise tenants keep a copy they can restore in the paired region."
    ),
    types=["azure-native:dataprotection:BackupVault"],
    check=check,
    severity="medium",
    frameworks=["soc2:A1.2", "hipaa:164.308(a)(7)(ii)(B)", "gdpr:Art.32(1)(c)"],
    remediation=(
        "Set properties.storageSettings to a GeoRedundant VaultStore and "
        "featureSettings.crossRegionRestoreSettings.state to Enabled (plinth: copyTo the region's pair)."
    ),
)
