"""Azure part of a tenant: resource group, Key Vault and key, a CMK storage account, workload identity."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_azure_native as azure

from components import conventions
from components.tenant.context import TenantContext

# Built-in role definition ids: https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
ROLE_KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER = "e147488a-f6f5-4113-8e2d-b22465e65bf6"
ROLE_STORAGE_BLOB_DATA_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
#: Audience of Entra ID workload identity federation tokens.
TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange"
SOFT_DELETE_DAYS = 90
KEY_ROTATION = "P90D"
KEY_EXPIRY = "P1Y"


def resource_group_name(ctx: TenantContext) -> str:
    return "rg-" + ctx.physical(max_len=conventions.AZURE_RESOURCE_GROUP_MAX - 3)


def vault_name(ctx: TenantContext) -> str:
    # Vault names are global and must start with a letter: "kv" + hash of the subscription.
    return conventions.physical_name(
        "kv", ctx.stack.environment, ctx.spec.id, conventions.short_hash(ctx.stack.azure.subscription_id, length=4),
        max_len=conventions.AZURE_KEYVAULT_MAX,
    )


def storage_account_name(ctx: TenantContext) -> str:
    return conventions.physical_name(
        "st", ctx.stack.environment, ctx.spec.id, conventions.short_hash(ctx.stack.azure.subscription_id, length=4),
        max_len=conventions.AZURE_STORAGE_MAX, alnum_only=True,
    )


def role_definition(subscription_id: str, role: str) -> str:
    return f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{role}"


def build(ctx: TenantContext) -> dict[str, Any]:
    name, spec, settings = ctx.name, ctx.spec, ctx.stack.azure
    location = ctx.region
    group = azure.resources.ResourceGroup(
        f"{name}-rg", resource_group_name=resource_group_name(ctx), location=location, tags=ctx.tags, opts=ctx.data_opts
    )
    vault = azure.keyvault.Vault(
        f"{name}-vault",
        vault_name=vault_name(ctx),
        resource_group_name=group.name,
        location=location,
        properties={
            "tenant_id": settings.tenant_id,
            "sku": {"family": "A", "name": "standard"},
            "enable_rbac_authorization": True,
            "enable_purge_protection": True,
            "enable_soft_delete": True,
            "soft_delete_retention_in_days": SOFT_DELETE_DAYS,
            "public_network_access": "Enabled",
            # Only trusted Azure services (storage encryption) and allow-listed networks get in.
            "network_acls": {"default_action": "Deny", "bypass": "AzureServices"},
        },
        tags=ctx.tags,
        opts=ctx.data_opts,
    )
    key = azure.keyvault.Key(
        f"{name}-key",
        key_name="data",
        vault_name=vault.name,
        resource_group_name=group.name,
        properties={
            "kty": "RSA",
            "key_size": 3072,
            "key_ops": ["wrapKey", "unwrapKey"],
            "rotation_policy": {
                "attributes": {"expiry_time": KEY_EXPIRY},
                "lifetime_actions": [{"action": {"type": "rotate"}, "trigger": {"time_after_create": KEY_ROTATION}}],
            },
        },
        tags=ctx.tags,
        opts=ctx.data_opts,
    )
    encryption_identity = azure.managedidentity.UserAssignedIdentity(
        f"{name}-storage-identity",
        resource_name_=ctx.physical("storage", max_len=128),
        resource_group_name=group.name,
        location=location,
        tags=ctx.tags,
        opts=ctx.opts,
    )
    key_access = azure.authorization.RoleAssignment(
        f"{name}-storage-key-access",
        principal_id=encryption_identity.principal_id,
        principal_type="ServicePrincipal",
        role_definition_id=role_definition(settings.subscription_id, ROLE_KEY_VAULT_CRYPTO_SERVICE_ENCRYPTION_USER),
        scope=vault.id,
        opts=ctx.opts,
    )
    account = azure.storage.StorageAccount(
        f"{name}-storage",
        account_name=storage_account_name(ctx),
        resource_group_name=group.name,
        location=location,
        kind="StorageV2",
        sku={"name": "Standard_GZRS" if spec.tier in conventions.PRODUCTION_TIERS else "Standard_ZRS"},
        enable_https_traffic_only=True,
        minimum_tls_version="TLS1_2",
        allow_blob_public_access=False,
        allow_shared_key_access=False,
        allow_cross_tenant_replication=False,
        default_to_o_auth_authentication=True,
        network_rule_set={"default_action": "Deny", "bypass": "AzureServices"},
        identity={"type": "UserAssigned", "user_assigned_identities": [encryption_identity.id]},
        encryption={
            "require_infrastructure_encryption": True,
            "key_source": "Microsoft.Keyvault",
            "key_vault_properties": {"key_name": key.name, "key_vault_uri": vault.properties.vault_uri},
            "encryption_identity": {"encryption_user_assigned_identity": encryption_identity.id},
            "services": {"blob": {"enabled": True, "key_type": "Account"}, "file": {"enabled": True, "key_type": "Account"}},
        },
        tags=ctx.tags,
        opts=pulumi.ResourceOptions.merge(ctx.data_opts, pulumi.ResourceOptions(depends_on=[key_access])),
    )
    container = azure.storage.BlobContainer(
        f"{name}-data",
        container_name="data",
        account_name=account.name,
        resource_group_name=group.name,
        public_access="None",
        opts=ctx.data_opts,
    )
    outputs: dict[str, Any] = {
        "resourceGroup": resource_group_name(ctx),
        "storageAccount": storage_account_name(ctx),
        "container": container.name,
        "keyVault": vault_name(ctx),
        "keyId": key.key_uri,
        "region": location,
    }
    workload = azure.managedidentity.UserAssignedIdentity(
        f"{name}-workload-identity",
        resource_name_=ctx.physical("workload", max_len=128),
        resource_group_name=group.name,
        location=location,
        tags=ctx.tags,
        opts=ctx.opts,
    )
    azure.authorization.RoleAssignment(
        f"{name}-workload-data-access",
        principal_id=workload.principal_id,
        principal_type="ServicePrincipal",
        role_definition_id=role_definition(settings.subscription_id, ROLE_STORAGE_BLOB_DATA_CONTRIBUTOR),
        scope=account.id,
        opts=ctx.opts,
    )
    outputs["identityClientId"] = workload.client_id
    if ctx.stack.kubernetes is not None and ctx.stack.kubernetes.oidc_issuer_url is not None:
        azure.managedidentity.FederatedIdentityCredential(
            f"{name}-workload-federation",
            federated_identity_credential_resource_name=ctx.physical("k8s", max_len=120),
            resource_name_=workload.name,
            resource_group_name=group.name,
            issuer=ctx.stack.kubernetes.oidc_issuer_url,
            subject=ctx.workload_subject,
            audiences=[TOKEN_EXCHANGE_AUDIENCE],
            opts=ctx.opts,
        )
        outputs["serviceAccountAnnotations"] = {"azure.workload.identity/client-id": workload.client_id}
    return outputs
