"""Azure coverage policies beyond one mutation: every resource type a policy reads, what a property's absence means
(the service's default), the stack policies over companion resources, and what each policy leaves alone."""

from __future__ import annotations

import pytest

from policies.meta import all_policies
from tests.policies.cases_gcp_azure import AKS
from tests.policies.harness import UNKNOWN, analyze, analyze_stack

P = {p.name: p for p in all_policies()}
NSG = "azure-native:network:NetworkSecurityGroup"
RULE = "azure-native:network:SecurityRule"


def inbound(port: str, source: str = "*", protocol: str = "Tcp", **extra) -> dict:
    return {
        "name": "r",
        "direction": "Inbound",
        "access": "Allow",
        "protocol": protocol,
        "sourceAddressPrefix": source,
        "destinationPortRange": port,
        "priority": 100.0,
        **extra,
    }


# --- Network exposure ------------------------------------------------------------------------------


def test_nsg_opens_only_web_ports_to_the_internet():
    policy = P["azure-network-nsg-admin-ports-restricted"]
    assert analyze(policy, RULE, inbound("443")).passed and analyze(policy, RULE, inbound("80")).passed
    assert analyze(policy, RULE, inbound("8443", "Internet")).violations == [
        "Rule r lets the internet reach port(s) 8443."
    ]
    assert analyze(policy, RULE, inbound("53", protocol="Udp")).violations, "CIS 6.3: UDP from the internet"
    wide = analyze(policy, NSG, {"securityRules": [inbound("*", "0.0.0.0/0")]})
    assert "0-79 (incl. 22)" in wide.violations[0]
    ranges = analyze(
        policy, RULE, {**inbound("443"), "destinationPortRange": None, "destinationPortRanges": ["443", "5000-5010"]}
    )
    assert ranges.violations == ["Rule r lets the internet reach port(s) 5000-5010."]
    assert analyze(policy, RULE, inbound("8443"), config={"allowedPorts": [443, 8443]}).passed


@pytest.mark.parametrize(
    "rule",
    [
        inbound("22", access="Deny"),
        inbound("22", direction="Outbound"),
        inbound("22", "10.0.0.0/8"),
        inbound("*", protocol="Icmp"),
        inbound("22", "VirtualNetwork"),
    ],
)
def test_nsg_rules_that_do_not_admit_the_internet_are_not_applicable(rule):
    assert analyze(P["azure-network-nsg-admin-ports-restricted"], RULE, rule).passed


@pytest.mark.parametrize(
    ("type_", "rule"),
    [
        ("azure-native:dbformysql:FirewallRule", {"startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255"}),
        ("azure-native:dbformariadb:FirewallRule", {"startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255"}),
        ("azure-native:redis:FirewallRule", {"startIP": "0.0.0.0", "endIP": "255.255.255.255"}),
        (
            "azure-native:cosmosdb:MongoClusterFirewallRule",
            {"startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255"},
        ),
        ("azure-native:synapse:IpFirewallRule", {"startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255"}),
    ],
)
def test_world_firewall_rules_of_every_database(type_, rule):
    assert analyze(P["azure-database-firewallrule-world-forbidden"], type_, rule).violations
    assert analyze(P["azure-database-firewallrule-azureservices-forbidden"], type_, rule).passed
    narrow = {k: ("10.1.2.3" if k.startswith("start") else "10.1.2.9") for k in rule}
    assert analyze(P["azure-database-firewallrule-world-forbidden"], type_, narrow).passed


def test_azure_services_rule_on_sql_servers():
    rule = {"serverName": "sql", "startIpAddress": "0.0.0.0", "endIpAddress": "0.0.0.0"}
    out = analyze(P["azure-database-firewallrule-azureservices-forbidden"], "azure-native:sql:FirewallRule", rule)
    assert out.violations and out.levels == ["advisory"]


@pytest.mark.parametrize(
    ("type_", "public", "private"),
    [
        (
            "azure-native:dbformysql:Server",
            {"serverName": "my"},
            {"serverName": "my", "network": {"delegatedSubnetResourceId": "/subnets/db"}},
        ),
        (
            "azure-native:dbforpostgresql:SingleServer",
            {"properties": {"createMode": "Default"}},
            {"properties": {"publicNetworkAccess": "Disabled"}},
        ),
        (
            "azure-native:dbformariadb:Server",
            {"properties": {"publicNetworkAccess": "Enabled"}},
            {"properties": {"publicNetworkAccess": "Disabled"}},
        ),
        (
            "azure-native:cosmosdb:DatabaseAccount",
            {"databaseAccountOfferType": "Standard"},
            {"databaseAccountOfferType": "Standard", "isVirtualNetworkFilterEnabled": True},
        ),
        (
            "azure-native:cosmosdb:DatabaseAccount",
            {"databaseAccountOfferType": "Standard", "publicNetworkAccess": "Enabled"},
            {"databaseAccountOfferType": "Standard", "ipRules": [{"ipAddressOrRange": "203.0.113.0/24"}]},
        ),
        (
            "azure-native:redis:Redis",
            {"sku": {"name": "Basic", "family": "C", "capacity": 0.0}},
            {"sku": {"name": "Premium"}, "publicNetworkAccess": "Disabled"},
        ),
        (
            "azure-native:redis:Redis",
            {"sku": {"name": "Premium"}, "publicNetworkAccess": "Enabled"},
            {"sku": {"name": "Premium"}, "subnetId": "/subscriptions/s/.../subnets/cache"},
        ),
    ],
)
def test_database_public_network_access_is_every_services_default(type_, public, private):
    policy = P["azure-database-server-public-forbidden"]
    assert analyze(policy, type_, public).violations, f"{type_}: public access is the default"
    assert analyze(policy, type_, private).passed, type_


def test_storage_and_key_vault_firewalls_pass_when_public_access_is_disabled():
    storage = P["azure-storage-account-network-restricted"]
    assert analyze(storage, "azure-native:storage:StorageAccount", {"publicNetworkAccess": "Disabled"}).passed
    assert analyze(storage, "azure-native:storage:StorageAccount", {"kind": "StorageV2"}).violations == [
        "The storage account accepts connections from any network (default action Allow)."
    ], "no networkRuleSet: default action Allow"
    vault = P["azure-keyvault-vault-network-restricted"]
    assert analyze(vault, "azure-native:keyvault:Vault", {"properties": {"publicNetworkAccess": "Disabled"}}).passed
    assert analyze(vault, "azure-native:keyvault:Vault", {"properties": {"tenantId": "t"}}).violations


@pytest.mark.parametrize(
    ("type_", "props"),
    [
        (
            "azure-native:compute:VirtualMachine",
            {
                "networkProfile": {
                    "networkInterfaceConfigurations": [
                        {
                            "name": "nic",
                            "enableIPForwarding": True,
                            "ipConfigurations": [{"name": "ip", "publicIPAddressConfiguration": {"name": "pip"}}],
                        }
                    ]
                }
            },
        ),
        (
            "azure-native:compute:VirtualMachineScaleSet",
            {
                "virtualMachineProfile": {
                    "networkProfile": {
                        "networkInterfaceConfigurations": [
                            {
                                "name": "nic",
                                "enableIPForwarding": True,
                                "ipConfigurations": [{"name": "ip", "publicIPAddressConfiguration": {"name": "pip"}}],
                            }
                        ]
                    }
                }
            },
        ),
    ],
)
def test_nics_declared_inline_on_vms_and_scale_sets(type_, props):
    assert analyze(P["azure-network-interface-publicip-forbidden"], type_, props).violations == [
        "Network interface nic has a public IP address."
    ]
    assert analyze(P["azure-network-interface-ipforwarding-disabled"], type_, props).violations
    by_reference = {"networkProfile": {"networkInterfaces": [{"id": "/subscriptions/s/.../networkInterfaces/nic"}]}}
    assert analyze(P["azure-network-interface-publicip-forbidden"], type_, by_reference).passed, (
        "a referenced NIC is judged itself"
    )


# --- Transport ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "fails"),
    [
        ("require_secure_transport", "OFF", True),
        ("require_secure_transport", "on", False),
        ("ssl_min_protocol_version", "TLSv1.1", True),
        ("ssl_min_protocol_version", "TLSv1.2", False),
        ("tls_version", "TLSv1,TLSv1.1,TLSv1.2", True),
        ("tls_version", "TLSv1.2,TLSv1.3", False),
        ("log_connections", "off", False),
    ],
)
def test_flexible_server_parameters(name, value, fails):
    props = {"serverName": "db", "configurationName": name, "value": value, "source": "user-override"}
    out = analyze(P["azure-database-server-tls-required"], "azure-native:dbformysql:Configuration", props)
    assert bool(out.violations) is fails, (name, value)


def test_single_server_tls_defaults_and_web_app_slots():
    tls = P["azure-database-server-tls-required"]
    assert analyze(tls, "azure-native:dbformariadb:Server", {"properties": {"minimalTlsVersion": "TLS1_2"}}).passed, (
        "sslEnforcement defaults to Enabled"
    )
    web = P["azure-web-app-https-required"]
    assert analyze(web, "azure-native:web:WebAppSlot", {"name": "app", "slot": "staging", "httpsOnly": True}).passed, (
        "minTlsVersion defaults to 1.2"
    )
    assert analyze(web, "azure-native:web:WebAppSlot", {"name": "app", "slot": "staging"}).violations
    redis = P["azure-redis-cache-tls-required"]
    assert analyze(redis, "azure-native:redis:Redis", {"sku": {"name": "Basic"}}).passed, (
        "non-TLS port off and TLS 1.2 by default"
    )


# --- AKS ------------------------------------------------------------------------------------------


def test_aks_private_clusters_need_no_authorized_ranges_and_pools_are_checked_alone():
    private = {**AKS, "apiServerAccessProfile": {"enablePrivateCluster": True}}
    assert analyze(
        P["azure-containerservice-cluster-apiserver-restricted"],
        "azure-native:containerservice:ManagedCluster",
        private,
    ).passed
    pool = P["azure-containerservice-agentpool-publicip-forbidden"]
    agent = "azure-native:containerservice:AgentPool"
    assert analyze(pool, agent, {"resourceName": "aks", "count": 2.0}).passed
    assert analyze(pool, agent, {"resourceName": "aks", "enableNodePublicIP": True}).violations
    bare = {"resourceGroupName": "rg"}
    assert analyze(
        P["azure-containerservice-cluster-rbac-enabled"], "azure-native:containerservice:ManagedCluster", bare
    ).passed, "RBAC is on by default"
    assert (
        len(
            analyze(
                P["azure-containerservice-cluster-localaccounts-disabled"],
                "azure-native:containerservice:ManagedCluster",
                bare,
            ).violations
        )
        == 2
    )


# --- AI, secrets, identity -------------------------------------------------------------------------


def test_ai_services_with_deny_acls_and_search_local_auth():
    acl = {"kind": "OpenAI", "properties": {"publicNetworkAccess": "Enabled", "networkAcls": {"defaultAction": "Deny"}}}
    assert analyze(
        P["azure-cognitiveservices-account-public-forbidden"], "azure-native:cognitiveservices:Account", acl
    ).passed
    local = P["azure-cognitiveservices-account-localauth-disabled"]
    assert analyze(local, "azure-native:search:Service", {"sku": {"name": "basic"}}).violations
    assert analyze(local, "azure-native:search:Service", {"sku": {"name": "basic"}, "disableLocalAuth": True}).passed


def test_app_settings_resources_and_connection_strings():
    policy = P["azure-web-appsettings-credentials-forbidden"]
    settings = {
        "name": "app",
        "properties": {
            "FEATURE": "on",
            "SLACK_WEBHOOK": "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        },
    }
    out = analyze(policy, "azure-native:web:WebAppApplicationSettings", settings)
    assert out.violations == [
        "Setting SLACK_WEBHOOK holds a plaintext credential (Slack webhook URL); use a Key Vault reference."
    ]
    strings = {"name": "app", "properties": {"db": {"value": "Server=s;Database=d;Password=p4ss", "type": "SQLAzure"}}}
    assert (
        "password in a connection string"
        in analyze(policy, "azure-native:web:WebAppConnectionStrings", strings).violations[0]
    )
    ref = {"name": "app", "properties": {"DB_PASSWORD": "@Microsoft.KeyVault(VaultName=kv;SecretName=db)"}}
    assert analyze(policy, "azure-native:web:WebAppApplicationSettings", ref).passed


def test_custom_roles_with_specific_actions_and_key_rotation_case():
    role = P["azure-authorization-roledefinition-wildcard-forbidden"]
    not_actions = {"roleName": "r", "permissions": [{"actions": ["Microsoft.Compute/*/read"], "notActions": ["*"]}]}
    assert analyze(role, "azure-native:authorization:RoleDefinition", not_actions).passed, "'*' in notActions denies"
    rotation = P["azure-keyvault-key-rotation-enabled"]
    key = {"vaultName": "kv", "properties": {"rotationPolicy": {"lifetimeActions": [{"action": {"type": "Rotate"}}]}}}
    assert analyze(rotation, "azure-native:keyvault:Key", key).passed, "the action type is case-insensitive"


# --- Stack policies over companion resources -----------------------------------------------------

SERVER = {
    "type": "azure-native:sql:Server",
    "name": "sql",
    "props": {"serverName": "sql-acme", "resourceGroupName": "rg"},
}
CMK_PROTECTOR = {
    "type": "azure-native:sql:EncryptionProtector",
    "name": "tde",
    "props": {"serverName": "sql-acme", "serverKeyType": "AzureKeyVault", "serverKeyName": "kv_k_v1"},
}


def test_sql_tde_protector_with_a_customer_managed_key():
    policy = P["azure-sql-server-tdecmk-required"]
    assert analyze_stack(policy, [SERVER, CMK_PROTECTOR]).passed
    assert analyze_stack(
        policy, [{**SERVER, "props": {**SERVER["props"], "keyId": "https://kv.vault.azure.net/keys/k/1"}}]
    ).passed
    alone = analyze_stack(policy, [SERVER])
    assert alone.violations == [
        "SQL server sql: TDE uses a service-managed key (no keyId, no AzureKeyVault protector)."
    ]
    managed = {**CMK_PROTECTOR, "props": {**CMK_PROTECTOR["props"], "serverKeyType": "ServiceManaged"}}
    assert len(analyze_stack(policy, [SERVER, managed]).violations) == 2, (
        "the protector and the server it leaves unkeyed"
    )
    unknown = {**CMK_PROTECTOR, "props": {**CMK_PROTECTOR["props"], "serverName": UNKNOWN}}
    assert analyze_stack(policy, [SERVER, unknown]).unknown


ACCOUNT = {
    "type": "azure-native:storage:StorageAccount",
    "name": "st",
    "props": {"accountName": "stacme", "kind": "StorageV2"},
}
SOFT_DELETE = {
    "type": "azure-native:storage:BlobServiceProperties",
    "name": "blob",
    "props": {
        "accountName": "stacme",
        "deleteRetentionPolicy": {"enabled": True, "days": 7.0},
        "containerDeleteRetentionPolicy": {"enabled": True, "days": 7.0},
    },
}


def test_storage_soft_delete_lives_in_blob_service_properties():
    policy = P["azure-storage-account-softdelete-enabled"]
    assert analyze_stack(policy, [ACCOUNT, SOFT_DELETE]).passed
    assert analyze_stack(policy, [ACCOUNT]).violations == [
        "Storage account st has no blob service properties enabling soft delete."
    ]
    half = {**SOFT_DELETE, "props": {**SOFT_DELETE["props"], "containerDeleteRetentionPolicy": {"enabled": False}}}
    assert len(analyze_stack(policy, [ACCOUNT, half]).violations) == 2
    files = {**ACCOUNT, "props": {"accountName": "stfiles", "kind": "FileStorage"}}
    assert analyze_stack(policy, [files]).passed, "file-only accounts have no blobs"
    assert analyze_stack(
        policy, [ACCOUNT, {**SOFT_DELETE, "props": {**SOFT_DELETE["props"], "accountName": UNKNOWN}}]
    ).unknown


VAULT = {"type": "azure-native:keyvault:Vault", "name": "kv", "props": {"vaultName": "kv-acme", "properties": {}}}


def diagnostic(uri: str, logs: list) -> dict:
    return {
        "type": "azure-native:monitor:DiagnosticSetting",
        "name": "diag",
        "props": {"resourceUri": uri, "logs": logs, "workspaceId": "w"},
    }


def test_key_vault_audit_logs_go_to_a_diagnostic_setting():
    policy = P["azure-keyvault-vault-logging-enabled"]
    uri = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-acme"
    assert analyze_stack(policy, [VAULT, diagnostic(uri, [{"categoryGroup": "audit", "enabled": True}])]).passed
    assert analyze_stack(policy, [VAULT, diagnostic(uri.upper(), [{"category": "AuditEvent", "enabled": True}])]).passed
    assert analyze_stack(policy, [VAULT]).violations == [
        "Key Vault kv has no diagnostic setting recording AuditEvent logs."
    ]
    metrics_only = diagnostic(uri, [{"category": "AuditEvent", "enabled": False}])
    assert analyze_stack(policy, [VAULT, metrics_only]).violations
    assert analyze_stack(policy, [VAULT, diagnostic(UNKNOWN, [])]).unknown


def test_absent_settings_read_as_the_storage_apis_documented_defaults():
    # pulumi_azure_native 3 documents allowBlobPublicAccess as "interpreted as false" when unset (API 2024-01-01)
    # and minimumTlsVersion as TLS 1.0: an unset public-blob flag is compliant, an unset TLS floor is not.
    account = "azure-native:storage:StorageAccount"
    assert analyze(P["azure-storage-account-public-blob-forbidden"], account, {"kind": "StorageV2"}).passed
    assert analyze(P["azure-storage-account-transport-secured"], account, {"kind": "StorageV2"}).violations
