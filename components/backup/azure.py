"""Azure part of a tenant's backup: an Azure Backup (Data Protection) vault, a blob policy with operational and
vaulted backup, a backup instance for the tenant's storage account, and the role assignments it needs.

What Azure enforces and the SDK does not:
- the vault's managed identity needs "Storage Account Backup Contributor" on the storage account before
  the backup instance is created, and role assignments take effect after a delay: the instance waits for
  the assignment and a propagation sleep (as the tenant's storage account waits for its key grant);
- a customer-managed key needs an identity that may wrap and unwrap with it before the vault uses it:
  a user-assigned identity is granted first, then the vault is created with it;
- soft delete "AlwaysOn" and immutability "Locked" are irreversible; cross-region restore needs
  geo-redundant vault storage, which copies to the region's Azure pair only
  (https://learn.microsoft.com/azure/reliability/cross-region-replication-azure);
- vaulted blob backups run at most daily (``P1D`` or ``P1W`` intervals), operational backup keeps up to
  360 days (https://learn.microsoft.com/azure/backup/blob-backup-overview).
"""

from __future__ import annotations

from typing import Any

from components import conventions
from components.backup import objectives, rpo
from components.backup.context import BackupContext
from components.backup.spec import BackupPolicy, BackupTenant

ROLE_STORAGE_ACCOUNT_BACKUP_CONTRIBUTOR = "e5e2a7ff-d759-4cd2-bb51-3152d37e2eb1"
ROLE_KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6"
BLOB_DATASOURCE = "Microsoft.Storage/storageAccounts/blobServices"
#: Recovery points reach the paired region up to 12 hours after they are made: "the RPO in the primary region
#: is 24 hours and it can take up to 12 hours to replicate the backup data from the primary to the secondary
#: region" (https://learn.microsoft.com/azure/backup/backup-azure-arm-restore-vms#cross-region-restore).
COPY_WINDOW = "12h"
#: Operational backup (blob point-in-time restore) lag assumed: as for AWS continuous backups.
CONTINUOUS_LAG = 15
MAX_OPERATIONAL_DAYS = 360
MAX_VAULTED_DAYS = 3650
SOFT_DELETE_DAYS = 14
#: Regions and their Azure pair (geo-redundant storage replicates to the pair only).
PAIRS: dict[str, str] = {
    "westeurope": "northeurope",
    "northeurope": "westeurope",
    "francecentral": "francesouth",
    "francesouth": "francecentral",
    "germanywestcentral": "germanynorth",
    "germanynorth": "germanywestcentral",
    "swedencentral": "swedensouth",
    "swedensouth": "swedencentral",
    "norwayeast": "norwaywest",
    "norwaywest": "norwayeast",
    "switzerlandnorth": "switzerlandwest",
    "switzerlandwest": "switzerlandnorth",
    "uksouth": "ukwest",
    "ukwest": "uksouth",
    "eastus": "westus",
    "westus": "eastus",
    "eastus2": "centralus",
    "centralus": "eastus2",
    "northcentralus": "southcentralus",
    "southcentralus": "northcentralus",
    "westus2": "westcentralus",
    "westcentralus": "westus2",
    "westus3": "eastus",
    "canadacentral": "canadaeast",
    "canadaeast": "canadacentral",
    "australiaeast": "australiasoutheast",
    "australiasoutheast": "australiaeast",
    "japaneast": "japanwest",
    "japanwest": "japaneast",
    "koreacentral": "koreasouth",
    "koreasouth": "koreacentral",
    "centralindia": "southindia",
    "southindia": "centralindia",
    "eastasia": "southeastasia",
    "southeastasia": "eastasia",
    "uaenorth": "uaecentral",
    "uaecentral": "uaenorth",
    "southafricanorth": "southafricawest",
    "southafricawest": "southafricanorth",
}
#: Weekly, monthly and yearly points are the first of each period, tagged and kept by their own rule.
TAGS = {
    "weekly": ("Weekly", 20, "FirstOfWeek"),
    "monthly": ("Monthly", 15, "FirstOfMonth"),
    "yearly": ("Yearly", 10, "FirstOfYear"),
}


# --- names ------------------------------------------------------------------------------------------
def vault_name(environment: str, tenant_id: str, subscription_id: str) -> str:
    """2-50 letters, digits and hyphens, a letter first; unique per resource group."""
    return conventions.physical_name(
        "bv", environment, tenant_id, conventions.short_hash(subscription_id, length=4), max_len=50
    )


def vaulted_interval(expression: str) -> rpo.Every:
    """The vaulted blob schedule: ``R/<start>/P1D`` or ``R/<start>/P1W`` only."""
    parsed = rpo.parse_iso_repeating(expression)
    if parsed.months or parsed.period not in (rpo.timedelta(days=1), rpo.timedelta(weeks=1)):
        raise rpo.ScheduleError(f"{expression}: vaulted blob backups run daily (P1D) or weekly (P1W)")
    return parsed


def _iso_days(days: int) -> str:
    return f"P{days}D"


def policy_rules(policy: BackupPolicy) -> list[dict[str, Any]]:
    """The blob policy's rules (snake_case keys, as azure-native's SDK takes them): operational retention when
    point-in-time recovery is on, the vaulted schedule with its tags, and one retention rule per tag."""
    days = policy.retention_days()
    store = {"vault": {"data_store_type": "VaultStore", "object_type": "DataStoreInfoBase"}}
    rules: list[dict[str, Any]] = []

    def retention(name: str, kept: int, data_store: str, default: bool) -> dict[str, Any]:
        return {
            "name": name,
            "object_type": "AzureRetentionRule",
            "is_default": default,
            "lifecycles": [
                {
                    "delete_after": {"object_type": "AbsoluteDeleteOption", "duration": _iso_days(kept)},
                    "source_data_store": {"data_store_type": data_store, "object_type": "DataStoreInfoBase"},
                    "target_data_store_copy_settings": [],
                }
            ],
        }

    if policy.point_in_time_recovery.enabled:
        rules.append(retention("Default", policy.point_in_time_recovery.days, "OperationalStore", True))
    tagging: list[dict[str, Any]] = [{"is_default": True, "tag_info": {"tag_name": "Default"}, "tagging_priority": 99}]
    for period, (tag, priority, marker) in TAGS.items():
        if period in days:
            tagging.append(
                {
                    "is_default": False,
                    "tag_info": {"tag_name": tag},
                    "tagging_priority": priority,
                    "criteria": [{"object_type": "ScheduleBasedBackupCriteria", "absolute_criteria": [marker]}],
                }
            )
    rules.append(
        {
            "name": "BackupIntervals",
            "object_type": "AzureBackupRule",
            "backup_parameters": {"backup_type": "Discrete", "object_type": "AzureBackupParams"},
            "data_store": store["vault"],
            "trigger": {
                "object_type": "ScheduleBasedTriggerContext",
                "schedule": {"repeating_time_intervals": [policy.schedule.azure], "time_zone": "UTC"},
                "tagging_criteria": tagging,
            },
        }
    )
    rules.append(retention("Default", days["daily"], "VaultStore", True))
    for period, (tag, _priority, _marker) in TAGS.items():
        if period in days:
            rules.append(retention(tag, days[period], "VaultStore", False))
    return rules


def immutability_state(mode: str) -> str:
    return {"none": "Disabled", "governance": "Unlocked", "compliance": "Locked"}[mode]


# --- checks and objectives --------------------------------------------------------------------------
def problems(policy: BackupPolicy, tenant: BackupTenant, settings: Any, region: str, at: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    try:
        vaulted_interval(policy.schedule.azure)
    except rpo.ScheduleError as err:
        out.append((at("schedule", "azure"), str(err)))
    pitr = policy.point_in_time_recovery
    if pitr.enabled and pitr.days > MAX_OPERATIONAL_DAYS:
        out.append(
            (at("point_in_time_recovery", "days"), f"{pitr.days} days: operational blob backups keep at most 360")
        )
    for period, kept in policy.retention_days().items():
        if kept > MAX_VAULTED_DAYS:
            out.append((at("retention", period), f"{kept} days: vaulted blob backups keep at most {MAX_VAULTED_DAYS}"))
    if len(policy.copy_to) > 1:
        out.append((at("copy_to"), "Azure vaults copy to one region, the pair of theirs: give one copyTo"))
    for i, target in enumerate(policy.copy_to[:1]):
        pair = PAIRS.get(region)
        if pair is None:
            out.append(
                (
                    at("copy_to", i, "region"),
                    f"{region} has no Azure region pair: its vaults cannot keep a geo-redundant copy",
                )
            )
        elif target.region != pair:
            out.append(
                (
                    at("copy_to", i, "region"),
                    f"Azure backup vaults in {region} copy to its pair {pair} only (geo-redundant storage): set "
                    f"copyTo.region to {pair}",
                )
            )
        for key in ("account", "project", "vault", "schedule"):
            if getattr(target, key) is not None:
                out.append((at("copy_to", i, key), f"Azure vault copies follow geo-replication: remove {key}"))
    return out


def datasets(policy: BackupPolicy, tenant: BackupTenant, environment: str, settings: Any) -> list[objectives.Dataset]:
    completion = rpo.duration_minutes(policy.windows.completion)
    vaulted = rpo.Source(vaulted_interval(policy.schedule.azure), completion, label="vaulted backup")
    lag = rpo.duration_minutes(policy.copy_to[0].window or COPY_WINDOW) if policy.copy_to else 0
    dr = (
        [rpo.Source(vaulted.schedule, completion, lag, "geo-replication to the paired region")]
        if policy.copy_to
        else None
    )

    def local_fix(_target: int) -> str | None:
        return "enable pointInTimeRecovery (operational backup restores blobs to any point in time)"

    def dr_fix(_target: int) -> str | None:
        best = rpo.MINUTES_PER_DAY + completion + lag
        return (
            "vaulted blob backups run at most daily and reach the paired region up to "
            f"{rpo.format_minutes(lag)} later: "
            f"the best achievable is {rpo.format_minutes(best)} with schedule.azure R/<start>/P1D; set drRpo to at "
            f"least {rpo.format_minutes(best)}"
        )

    return [
        objectives.Dataset(
            name=f"tenant {tenant.id} Azure blobs",
            local=[vaulted],
            local_key=("schedule", "azure"),
            continuous_lag=CONTINUOUS_LAG if policy.point_in_time_recovery.enabled else None,
            dr=dr,
            local_fix=local_fix,
            dr_fix=dr_fix,
        )
    ]


# --- resources --------------------------------------------------------------------------------------
def build(ctx: BackupContext) -> dict[str, Any]:
    import pulumi
    import pulumi_azure_native as azure
    import pulumiverse_time as time

    from components.tenant import azure as tenant_azure

    policy, tenant, settings = ctx.policy, ctx.tenant, ctx.settings
    tctx = ctx.tenant_context()
    name, location = ctx.name, ctx.region
    rg = tenant_azure.resource_group_name(tctx)
    vault = vault_name(ctx.environment, tenant.id, settings.subscription_id)
    account_id = tenant_azure.arm_id(tctx, "Microsoft.Storage/storageAccounts", tenant_azure.storage_account_name(tctx))
    key_vault_id = tenant_azure.arm_id(tctx, "Microsoft.KeyVault/vaults", tenant_azure.vault_name(tctx))
    identity_name = ctx.physical("backup", max_len=128)
    identity_id = tenant_azure.arm_id(tctx, "Microsoft.ManagedIdentity/userAssignedIdentities", identity_name)

    key = tenant_azure.wrapping_key(f"{name}-key", "backup", tenant_azure.vault_name(tctx), rg, ctx.tags, ctx.data_opts)
    identity = azure.managedidentity.UserAssignedIdentity(
        f"{name}-identity",
        resource_name_=identity_name,
        resource_group_name=rg,
        location=location,
        tags=ctx.tags,
        opts=ctx.opts,
    )
    key_access = azure.authorization.RoleAssignment(
        f"{name}-key-access",
        principal_id=identity.principal_id,
        principal_type="ServicePrincipal",
        role_definition_id=tenant_azure.role_definition(
            settings.subscription_id, ROLE_KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER
        ),
        scope=key_vault_id,
        opts=ctx.after(identity),
    )
    key_propagated = time.Sleep(
        f"{name}-key-access-propagation",
        create_duration=settings.role_assignment_propagation,
        triggers={"roleAssignment": key_access.id},
        opts=ctx.after(key_access),
    )
    geo = bool(policy.copy_to)
    created = azure.dataprotection.BackupVault(
        f"{name}-vault",
        vault_name=vault,
        resource_group_name=rg,
        location=location,
        identity={"type": "SystemAssigned,UserAssigned", "user_assigned_identities": [identity_id]},
        properties={
            "storage_settings": [{"datastore_type": "VaultStore", "type": "GeoRedundant" if geo else "ZoneRedundant"}],
            "feature_settings": {"cross_region_restore_settings": {"state": "Enabled" if geo else "Disabled"}},
            "monitoring_settings": {"azure_monitor_alert_settings": {"alerts_for_all_job_failures": "Enabled"}},
            "security_settings": {
                "soft_delete_settings": {"state": "AlwaysOn", "retention_duration_in_days": SOFT_DELETE_DAYS},
                "immutability_settings": {"state": immutability_state(policy.immutability.mode)},
                "encryption_settings": {
                    "state": "Enabled",
                    "key_vault_properties": {"key_uri": f"{tenant_azure.vault_uri(tctx)}keys/backup"},
                    "kek_identity": {"identity_type": "UserAssigned", "identity_id": identity_id},
                    "infrastructure_encryption": "Enabled",
                },
            },
        },
        tags=ctx.tags,
        opts=ctx.after(key, key_propagated, data=True),
    )
    backup_policy = azure.dataprotection.BackupPolicy(
        f"{name}-policy",
        backup_policy_name="blobs",
        vault_name=vault,
        resource_group_name=rg,
        properties={
            "object_type": "BackupPolicy",
            "datasource_types": [BLOB_DATASOURCE],
            "policy_rules": policy_rules(policy),
        },
        opts=ctx.after(created),
    )
    # The vault's own identity reads and snapshots the account: it must hold the role before the instance exists.
    data_access = azure.authorization.RoleAssignment(
        f"{name}-storage-access",
        principal_id=created.identity.apply(lambda i: i.principal_id if i else None),
        principal_type="ServicePrincipal",
        role_definition_id=tenant_azure.role_definition(
            settings.subscription_id, ROLE_STORAGE_ACCOUNT_BACKUP_CONTRIBUTOR
        ),
        scope=account_id,
        opts=ctx.after(created),
    )
    propagated = time.Sleep(
        f"{name}-storage-access-propagation",
        create_duration=settings.role_assignment_propagation,
        triggers={"roleAssignment": data_access.id},
        opts=ctx.after(data_access),
    )
    account = tenant_azure.storage_account_name(tctx)
    policy_id = f"{tenant_azure.arm_id(tctx, 'Microsoft.DataProtection/backupVaults', vault)}/backupPolicies/blobs"
    source = {
        "object_type": "Datasource",
        "datasource_type": BLOB_DATASOURCE,
        "resource_id": account_id,
        "resource_location": location,
        "resource_name": account,
        "resource_type": "Microsoft.Storage/storageAccounts",
        "resource_uri": account_id,
    }
    azure.dataprotection.BackupInstance(
        f"{name}-instance",
        backup_instance_name=f"{account}-{account}-blobs",
        vault_name=vault,
        resource_group_name=rg,
        properties={
            "object_type": "BackupInstance",
            "friendly_name": f"{account} blobs",
            "data_source_info": source,
            "data_source_set_info": {**source, "object_type": "DatasourceSet"},
            "policy_info": {
                "policy_id": policy_id,
                "policy_parameters": {
                    "backup_datasource_parameters_list": [
                        {"object_type": "BlobBackupDatasourceParameters", "containers_list": ["data"]}
                    ]
                },
            },
        },
        tags=ctx.tags,
        opts=ctx.after(backup_policy, data_access, propagated),
    )
    outputs: dict[str, Any] = {"vault": vault, "policy": "blobs", "resource_group": rg}
    if policy.notify.email and tenant.requires_eu:
        # Action groups and alert processing rules live in "Global": not where an EU tenant's data may go.
        pulumi.log.warn(
            f"tenant {tenant.id}: backup job failures are alerted in Azure Monitor (Backup center) only; Azure action "
            "groups are global, so Plinth does not e-mail an EU tenant's backup alerts through one",
            resource=created,
        )
    elif policy.notify.email:
        group = azure.monitor.ActionGroup(
            f"{name}-alerts",
            action_group_name=ctx.physical("backup", max_len=260),
            group_short_name=f"bk{tenant.id}"[:12],
            resource_group_name=rg,
            location="Global",
            enabled=True,
            email_receivers=[
                {"name": f"email-{i}", "email_address": e, "use_common_alert_schema": True}
                for i, e in enumerate(policy.notify.email)
            ],
            tags=ctx.tags,
            opts=ctx.opts,
        )
        azure.alertsmanagement.AlertProcessingRuleByName(
            f"{name}-alert-routing",
            alert_processing_rule_name=ctx.physical("backup-alerts", max_len=260),
            resource_group_name=rg,
            location="Global",
            properties={
                "scopes": [tenant_azure.arm_id(tctx, "Microsoft.DataProtection/backupVaults", vault)],
                "actions": [{"action_type": "AddActionGroups", "action_group_ids": [group.id]}],
                "enabled": True,
                "description": f"Backup job failures of tenant {tenant.id} go to its backup contacts",
            },
            tags=ctx.tags,
            opts=ctx.after(group, created),
        )
    if policy.immutability.mode == "compliance":
        pulumi.log.warn(
            f"tenant {tenant.id}: Azure backup vault {vault} gets locked immutability: it is irreversible, and "
            "recovery "
            "points cannot be deleted before they expire",
            resource=created,
        )
    return outputs
