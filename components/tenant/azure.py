"""Azure part of a tenant: resource group, Key Vault and key, a CMK storage account, workload identity."""

from __future__ import annotations

import datetime
from typing import Any

import pulumi
import pulumi_azure_native as azure
import pulumiverse_time as time

from components import conventions
from components.tenant import budget as budgets
from components.tenant.context import CloudResult, TenantContext

# Built-in role definition ids: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
ROLE_KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6"
ROLE_STORAGE_BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
#: Audience of Entra ID workload identity federation tokens.
TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange"
SOFT_DELETE_DAYS = 90
KEY_ROTATION = "P90D"
KEY_EXPIRY = "P1Y"
#: The blob container holding the tenant's data in its storage account.
DATA_CONTAINER = "data"


def resource_group_name(ctx: TenantContext) -> str:
    return "rg-" + ctx.physical(max_len=conventions.AZURE_RESOURCE_GROUP_MAX - 3)


def vault_name(ctx: TenantContext) -> str:
    # Vault names are global and must start with a letter: "kv" + hash of the subscription.
    return conventions.physical_name(
        "kv",
        ctx.environment,
        ctx.spec.id,
        conventions.short_hash(ctx.settings.subscription_id, length=4),
        max_len=conventions.AZURE_KEYVAULT_MAX,
    )


def storage_account_name(ctx: TenantContext) -> str:
    return conventions.physical_name(
        "st",
        ctx.environment,
        ctx.spec.id,
        conventions.short_hash(ctx.settings.subscription_id, length=4),
        max_len=conventions.AZURE_STORAGE_MAX,
        alnum_only=True,
    )


def data_uri(ctx: TenantContext) -> str:
    """Where the tenant's workloads find its data (model artefacts...): the ``data`` container, as a URI."""
    return f"https://{storage_account_name(ctx)}.blob.core.windows.net/{DATA_CONTAINER}/"


def workload_identity(ctx: TenantContext) -> dict[str, Any]:
    """What a pod needs to act as the tenant on Azure: the label that makes the Azure Workload Identity
    webhook project a token for the client id annotated on the ServiceAccount (a federated credential exists
    only when the cluster has an OIDC issuer)."""
    if ctx.cluster is None or ctx.cluster.oidc_issuer_url is None:
        return {}
    return {"azure_workload_identity": True}


def role_definition(subscription_id: str, role: str) -> str:
    return f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{role}"


def arm_id(ctx: TenantContext, provider: str, name: str) -> str:
    """ARM id of a resource in the tenant's resource group (known before it exists)."""
    group = f"/subscriptions/{ctx.settings.subscription_id}/resourceGroups/{resource_group_name(ctx)}"
    return f"{group}/providers/{provider}/{name}"


def vault_uri(ctx: TenantContext) -> str:
    return f"https://{vault_name(ctx)}.vault.azure.net/"


#: Azure keeps soft-deleted blobs and containers at most 365 days.
AZURE_SOFT_DELETE_MAX_DAYS = 365
#: Days the tenant's Log Analytics workspace keeps audit logs (at least a year: annual audits see it all).
AUDIT_RETENTION_DAYS = 365


def audit_logs(ctx: TenantContext, group: pulumi.Resource, vault: pulumi.Resource, rg: str, location: str) -> None:
    """The vault's audit log (who used which key, when) in a Log Analytics workspace of the tenant's own.

    The workspace is audit evidence, kept like data; the tenant's workload identity has no access to it.
    """
    workspace_name = "log-" + ctx.physical(max_len=59)
    workspace = azure.operationalinsights.Workspace(
        f"{ctx.name}-audit-workspace",
        workspace_name=workspace_name,
        resource_group_name=rg,
        location=location,
        sku={"name": "PerGB2018"},
        retention_in_days=AUDIT_RETENTION_DAYS,
        tags=ctx.tags,
        opts=ctx.after(group, data=True),
    )
    azure.monitor.DiagnosticSetting(
        f"{ctx.name}-vault-audit",
        name="plinth-audit",
        resource_uri=arm_id(ctx, "Microsoft.KeyVault/vaults", vault_name(ctx)),
        workspace_id=arm_id(ctx, "Microsoft.OperationalInsights/workspaces", workspace_name),
        logs=[{"category_group": "audit", "enabled": True}],
        metrics=[{"category": "AllMetrics", "enabled": True}],
        opts=ctx.after(workspace, vault),
    )


def wrapping_key(
    resource_name: str, key_name: str, vault: str, rg: str, tags: dict[str, str], opts: pulumi.ResourceOptions
) -> azure.keyvault.Key:
    """An RSA key that wraps storage or backup encryption keys, rotated every 90 days and never without an expiry.

    Keys have an expiry date (CIS Azure 8.1/8.2): the first version expires a year after creation (a time
    Offset, fixed once created); rotation creates a new version every 90 days, each expiring a year later.
    """
    expiry = time.Offset(f"{resource_name}-expiry", offset_years=1, opts=opts)
    return azure.keyvault.Key(
        resource_name,
        key_name=key_name,
        vault_name=vault,
        resource_group_name=rg,
        properties={
            "kty": "RSA",
            "key_size": 3072,
            "key_ops": ["wrapKey", "unwrapKey"],
            "attributes": {"enabled": True, "expires": expiry.unix},
            "rotation_policy": {
                "attributes": {"expiry_time": KEY_EXPIRY},
                "lifetime_actions": [{"action": {"type": "rotate"}, "trigger": {"time_after_create": KEY_ROTATION}}],
            },
        },
        tags=tags,
        opts=opts,
    )


def network_rules(subnets: list[str], ip_ranges: list[str]) -> dict[str, Any]:
    """Deny by default; trusted Azure services (encryption, backup) and the cluster's networks get in."""
    rules: dict[str, Any] = {"default_action": "Deny", "bypass": "AzureServices"}
    if subnets:
        rules["virtual_network_rules"] = [{"virtual_network_resource_id": s, "action": "Allow"} for s in subnets]
    if ip_ranges:
        rules["ip_rules"] = [{"i_p_address_or_range": r, "action": "Allow"} for r in ip_ranges]
    return rules


def build(ctx: TenantContext) -> CloudResult:
    name, spec, settings = ctx.name, ctx.spec, ctx.settings
    location = str(ctx.region)
    rg = resource_group_name(ctx)
    storage_identity_name = ctx.physical("storage", max_len=128)
    workload_identity_name = ctx.physical("workload", max_len=128)
    group = azure.resources.ResourceGroup(
        f"{name}-rg", resource_group_name=rg, location=location, tags=ctx.tags, opts=ctx.data_opts
    )
    vault = azure.keyvault.Vault(
        f"{name}-vault",
        vault_name=vault_name(ctx),
        resource_group_name=rg,
        location=location,
        properties={
            "tenant_id": settings.tenant_id,
            "sku": {"family": "A", "name": "standard"},
            "enable_rbac_authorization": True,
            "enable_purge_protection": True,
            "enable_soft_delete": True,
            "soft_delete_retention_in_days": SOFT_DELETE_DAYS,
            # No public endpoint: only trusted Azure services (storage encryption through the bypass) and private
            # endpoints reach the vault; workloads never need it (they use the storage account).
            "public_network_access": "Disabled",
            "network_acls": {"default_action": "Deny", "bypass": "AzureServices"},
        },
        tags=ctx.tags,
        opts=ctx.after(group, data=True),
    )
    key = wrapping_key(f"{name}-key", "data", vault_name(ctx), rg, ctx.tags, ctx.after(vault, data=True))
    encryption_identity = azure.managedidentity.UserAssignedIdentity(
        f"{name}-storage-identity",
        resource_name_=storage_identity_name,
        resource_group_name=rg,
        location=location,
        tags=ctx.tags,
        opts=ctx.after(group),
    )
    key_access = azure.authorization.RoleAssignment(
        f"{name}-storage-key-access",
        principal_id=encryption_identity.principal_id,
        principal_type="ServicePrincipal",
        role_definition_id=role_definition(settings.subscription_id, ROLE_KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER),
        scope=arm_id(ctx, "Microsoft.KeyVault/vaults", vault_name(ctx)),
        opts=ctx.after(vault),
    )
    # Role assignments take effect after a delay: the account must not use the key before its identity
    # may (https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected).
    propagated = time.Sleep(
        f"{name}-storage-key-access-propagation",
        create_duration=settings.role_assignment_propagation,
        triggers={"roleAssignment": key_access.id},
        opts=ctx.after(key_access),
    )
    account = azure.storage.StorageAccount(
        f"{name}-storage",
        account_name=storage_account_name(ctx),
        resource_group_name=rg,
        location=location,
        kind="StorageV2",
        sku={"name": "Standard_GZRS" if spec.tier in conventions.PRODUCTION_TIERS else "Standard_ZRS"},
        enable_https_traffic_only=True,
        minimum_tls_version="TLS1_2",
        allow_blob_public_access=False,
        allow_shared_key_access=False,
        allow_cross_tenant_replication=False,
        default_to_o_auth_authentication=True,
        network_rule_set=network_rules(settings.allowed_subnet_ids, settings.allowed_ip_ranges),
        # A public endpoint only when some network must reach the account through it (firewall rules still deny
        # everything else); otherwise private endpoints only (CIS Azure 3.7).
        public_network_access="Enabled" if settings.allowed_subnet_ids or settings.allowed_ip_ranges else "Disabled",
        identity={
            "type": "UserAssigned",
            "user_assigned_identities": [
                arm_id(ctx, "Microsoft.ManagedIdentity/userAssignedIdentities", storage_identity_name)
            ],
        },
        encryption={
            "require_infrastructure_encryption": True,
            "key_source": "Microsoft.Keyvault",
            "key_vault_properties": {"key_name": "data", "key_vault_uri": vault_uri(ctx)},
            "encryption_identity": {
                "encryption_user_assigned_identity": arm_id(
                    ctx, "Microsoft.ManagedIdentity/userAssignedIdentities", storage_identity_name
                )
            },
            "services": {
                "blob": {"enabled": True, "key_type": "Account"},
                "file": {"enabled": True, "key_type": "Account"},
            },
        },
        tags=ctx.tags,
        opts=ctx.after(key, encryption_identity, key_access, propagated, data=True),
    )
    # Deleted blobs and containers stay recoverable for the tier's retention; every overwrite keeps a version.
    retention = {
        "enabled": True,
        "days": min(AZURE_SOFT_DELETE_MAX_DAYS, conventions.TIER_NONCURRENT_RETENTION_DAYS[spec.tier]),
    }
    azure.storage.BlobServiceProperties(
        f"{name}-storage-blob-service",
        account_name=storage_account_name(ctx),
        resource_group_name=rg,
        blob_services_name="default",
        delete_retention_policy=retention,
        container_delete_retention_policy=retention,
        is_versioning_enabled=True,
        opts=ctx.after(account),
    )
    audit_logs(ctx, group, vault, rg, location)
    container = azure.storage.BlobContainer(
        f"{name}-data",
        container_name=DATA_CONTAINER,
        account_name=storage_account_name(ctx),
        resource_group_name=rg,
        public_access="None",
        opts=ctx.after(account, data=True),
    )
    outputs: dict[str, Any] = {
        "resource_group": resource_group_name(ctx),
        "storage_account": storage_account_name(ctx),
        "container": DATA_CONTAINER,
        "key_vault": vault_name(ctx),
        "key_id": f"{vault_uri(ctx)}keys/data",
        "region": location,
    }
    annotations: dict[str, Any] = {}
    workload = azure.managedidentity.UserAssignedIdentity(
        f"{name}-workload-identity",
        resource_name_=workload_identity_name,
        resource_group_name=rg,
        location=location,
        tags=ctx.tags,
        opts=ctx.after(group),
    )
    azure.authorization.RoleAssignment(
        f"{name}-workload-data-access",
        principal_id=workload.principal_id,
        principal_type="ServicePrincipal",
        role_definition_id=role_definition(settings.subscription_id, ROLE_STORAGE_BLOB_DATA_CONTRIBUTOR),
        scope=arm_id(ctx, "Microsoft.Storage/storageAccounts", storage_account_name(ctx)),
        opts=ctx.after(account, container),
    )
    outputs["identity_client_id"] = workload.client_id
    if ctx.cluster is not None and not (settings.allowed_subnet_ids or settings.allowed_ip_ranges):
        pulumi.log.warn(
            f"tenant {spec.id}: storage account {storage_account_name(ctx)} denies every network, so workloads on the "
            "cluster cannot reach it; set plinth:azure.allowedSubnetIds (AKS) or allowedIpRanges "
            "(the cluster's egress IPs)",
            resource=account,
        )
    if ctx.cluster is not None and ctx.cluster.oidc_issuer_url is not None:
        azure.managedidentity.FederatedIdentityCredential(
            f"{name}-workload-federation",
            federated_identity_credential_resource_name=ctx.physical("k8s", max_len=120),
            resource_name_=workload_identity_name,
            resource_group_name=rg,
            issuer=ctx.cluster.oidc_issuer_url,
            subject=ctx.workload_subject,
            audiences=[TOKEN_EXCHANGE_AUDIENCE],
            opts=ctx.after(workload),
        )
        annotations["azure.workload.identity/client-id"] = workload.client_id
    monthly_budget(ctx)
    return CloudResult(outputs, annotations)


def budget_start(spec: budgets.Budget, today: datetime.date | None = None) -> str:
    """The budget's first month as Azure wants it: the first of a month, ``YYYY-MM-01T00:00:00Z``."""
    month = spec.start_month or (today or datetime.datetime.now(datetime.timezone.utc).date()).strftime("%Y-%m")
    return f"{month}-01T00:00:00Z"


def monthly_budget(ctx: TenantContext) -> Any:
    """The tenant's consumption budget on the subscription, filtered on the ``tenant`` tag. Azure accepts a
    start in the current month or later at creation only, so later runs ignore the start date."""
    spec = ctx.spec.budget
    if spec is None:
        return None
    return azure.consumption.Budget(
        f"{ctx.name}-budget",
        budget_name=ctx.physical("budget", max_len=conventions.AZURE_BUDGET_NAME_MAX),
        scope=f"/subscriptions/{ctx.settings.subscription_id}",
        amount=spec.monthly,
        category="Cost",
        time_grain="Monthly",
        time_period={"start_date": budget_start(spec)},
        filter={"tags": {"name": conventions.TAG_TENANT, "operator": "In", "values": [ctx.spec.id]}},
        notifications={
            f"{'forecast' if n.forecast else 'actual'}{n.threshold}": {
                "enabled": True,
                "operator": "GreaterThan",
                "threshold": n.threshold,
                "threshold_type": "Forecasted" if n.forecast else "Actual",
                "contact_emails": list(n.emails),
            }
            for n in budgets.notifications(spec)
        },
        opts=pulumi.ResourceOptions.merge(ctx.opts, pulumi.ResourceOptions(ignore_changes=["timePeriod"])),
    )
