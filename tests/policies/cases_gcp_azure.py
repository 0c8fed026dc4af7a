"""Happy-path props and one mutation per failing condition for the GCP and Azure coverage policies.

Same shape as tests/policies/cases.py (which merges these): name -> (type, good props, [(path, bad value), ...],
a path whose unknown value must stop the check). Props are written as the engine sends them (camelCase, numbers as
floats).
"""

from __future__ import annotations

from tests.policies.harness import DELETE

KEY = "projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k"
SA = "serviceAccount:app@p.iam.gserviceaccount.com"
DEFAULT_SA = "123456789012-compute@developer.gserviceaccount.com"
SECURE_POOL_CONFIG = {
    "serviceAccount": "nodes@p.iam.gserviceaccount.com",
    "shieldedInstanceConfig": {"enableSecureBoot": True, "enableIntegrityMonitoring": True},
    "workloadMetadataConfig": {"mode": "GKE_METADATA"},
}
NODE_POOL = {
    "cluster": "projects/p/locations/europe-west4/clusters/c",
    "nodeConfig": SECURE_POOL_CONFIG,
    "management": {"autoUpgrade": True, "autoRepair": True},
}
CLUSTER = {
    "location": "europe-west4",
    "removeDefaultNodePool": True,
    "initialNodeCount": 1.0,
    "privateClusterConfig": {"enablePrivateNodes": True, "masterIpv4CidrBlock": "172.16.0.0/28"},
    "masterAuthorizedNetworksConfig": {"cidrBlocks": [{"cidrBlock": "10.0.0.0/8", "displayName": "corp"}]},
    "datapathProvider": "ADVANCED_DATAPATH",
    "workloadIdentityConfig": {"workloadPool": "p.svc.id.goog"},
}
INSTANCE = {
    "name": "vm",
    "machineType": "e2-small",
    "zone": "europe-west4-a",
    "bootDisk": {"initializeParams": {"image": "debian-12"}, "kmsKeySelfLink": KEY},
    "networkInterfaces": [{"network": "default", "subnetwork": "s"}],
    "serviceAccount": {"email": "vm@p.iam.gserviceaccount.com", "scopes": ["cloud-platform"]},
}
SQL_BACKED_UP = {
    "databaseVersion": "POSTGRES_16",
    "settings": {
        "tier": "db-custom-2-7680",
        "backupConfiguration": {"enabled": True, "pointInTimeRecoveryEnabled": True},
    },
}
AKS = {
    "resourceGroupName": "rg",
    "enableRBAC": True,
    "disableLocalAccounts": True,
    "aadProfile": {"managed": True, "enableAzureRBAC": True},
    "apiServerAccessProfile": {"authorizedIPRanges": ["203.0.113.0/24"]},
    "networkProfile": {"networkPlugin": "azure", "networkPolicy": "cilium", "networkDataplane": "cilium"},
    "agentPoolProfiles": [{"name": "system", "mode": "System", "count": 3.0, "enableNodePublicIP": False}],
}
NIC = {
    "resourceGroupName": "rg",
    "ipConfigurations": [{"name": "ip", "subnet": {"id": "/subscriptions/s/.../subnets/a"}}],
    "enableIPForwarding": False,
}
ROTATING_KEY = {
    "vaultName": "kv",
    "resourceGroupName": "rg",
    "properties": {
        "kty": "RSA",
        "attributes": {"expires": 1924992000.0},
        "rotationPolicy": {"lifetimeActions": [{"trigger": {"timeAfterCreate": "P90D"}, "action": {"type": "rotate"}}]},
    },
}

CASES: dict[str, tuple[str, dict, list, str]] = {
    # --- GCP: public exposure ---------------------------------------------------------------------
    "gcp-iam-grant-public-forbidden": (
        "gcp:bigquery/datasetIamMember:DatasetIamMember",
        {"datasetId": "d", "role": "roles/bigquery.dataViewer", "member": SA},
        [("member", "allUsers"), ("member", "allAuthenticatedUsers")],
        "member",
    ),
    "gcp-bigquery-dataset-public-forbidden": (
        "gcp:bigquery/dataset:Dataset",
        {
            "datasetId": "d",
            "accesses": [
                {"role": "OWNER", "specialGroup": "projectOwners"},
                {"role": "READER", "userByEmail": "analyst@example.com"},
            ],
        },
        [
            ("accesses.1", {"role": "READER", "specialGroup": "allAuthenticatedUsers"}),
            ("accesses.1", {"role": "READER", "iamMember": "allUsers"}),
            ("accesses.1", {"role": "READER"}),
        ],
        "accesses",
    ),
    # --- GCP: managed Kubernetes ------------------------------------------------------------------
    "gcp-container-cluster-legacyauth-disabled": (
        "gcp:container/cluster:Cluster",
        {
            **CLUSTER,
            "enableLegacyAbac": False,
            "masterAuth": {"clientCertificateConfig": {"issueClientCertificate": False}},
        },
        [("enableLegacyAbac", True), ("masterAuth.clientCertificateConfig.issueClientCertificate", True)],
        "enableLegacyAbac",
    ),
    "gcp-container-cluster-controlplane-restricted": (
        "gcp:container/cluster:Cluster",
        CLUSTER,
        [
            ("masterAuthorizedNetworksConfig", DELETE),
            ("masterAuthorizedNetworksConfig.cidrBlocks.0.cidrBlock", "0.0.0.0/0"),
        ],
        "masterAuthorizedNetworksConfig",
    ),
    "gcp-container-cluster-privatenodes-required": (
        "gcp:container/cluster:Cluster",
        CLUSTER,
        [("privateClusterConfig", DELETE), ("privateClusterConfig.enablePrivateNodes", False)],
        "privateClusterConfig.enablePrivateNodes",
    ),
    "gcp-container-cluster-networkpolicy-enabled": (
        "gcp:container/cluster:Cluster",
        CLUSTER,
        [("datapathProvider", DELETE), ("datapathProvider", "LEGACY_DATAPATH")],
        "datapathProvider",
    ),
    "gcp-container-cluster-workloadidentity-enabled": (
        "gcp:container/cluster:Cluster",
        {**CLUSTER, "removeDefaultNodePool": False, "nodeConfig": SECURE_POOL_CONFIG},
        [("workloadIdentityConfig", DELETE), ("nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA")],
        "workloadIdentityConfig.workloadPool",
    ),
    "gcp-container-nodepool-defaultsa-forbidden": (
        "gcp:container/nodePool:NodePool",
        NODE_POOL,
        [
            ("nodeConfig.serviceAccount", DELETE),
            ("nodeConfig.serviceAccount", "default"),
            ("nodeConfig.serviceAccount", DEFAULT_SA),
        ],
        "nodeConfig.serviceAccount",
    ),
    "gcp-container-nodepool-shielded-required": (
        "gcp:container/nodePool:NodePool",
        NODE_POOL,
        [
            ("nodeConfig.shieldedInstanceConfig.enableSecureBoot", DELETE),
            ("nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", False),
            ("nodeConfig", DELETE),
        ],
        "nodeConfig.shieldedInstanceConfig",
    ),
    "gcp-container-nodepool-autoupgrade-enabled": (
        "gcp:container/nodePool:NodePool",
        NODE_POOL,
        [("management.autoUpgrade", False), ("management.autoRepair", False)],
        "management.autoUpgrade",
    ),
    # --- GCP: compute -------------------------------------------------------------------------------
    "gcp-compute-instance-publicip-forbidden": (
        "gcp:compute/instance:Instance",
        INSTANCE,
        [
            ("networkInterfaces.0.accessConfigs", [{}]),
            ("networkInterfaces.0.ipv6AccessConfigs", [{"networkTier": "PREMIUM"}]),
        ],
        "networkInterfaces",
    ),
    "gcp-compute-instance-ipforwarding-disabled": (
        "gcp:compute/instance:Instance",
        {**INSTANCE, "canIpForward": False},
        [("canIpForward", True)],
        "canIpForward",
    ),
    "gcp-compute-instance-defaultsa-forbidden": (
        "gcp:compute/instance:Instance",
        INSTANCE,
        [("serviceAccount.email", DEFAULT_SA), ("serviceAccount.email", DELETE)],
        "serviceAccount.email",
    ),
    "gcp-compute-instance-fullscope-forbidden": (
        "gcp:compute/instance:Instance",
        {**INSTANCE, "serviceAccount": {"email": DEFAULT_SA, "scopes": ["storage-ro", "logging-write"]}},
        [
            ("serviceAccount.scopes", ["https://www.googleapis.com/auth/cloud-platform"]),
            ("serviceAccount", {"scopes": ["cloud-platform"]}),
        ],
        "serviceAccount.scopes",
    ),
    "gcp-compute-disk-cmek-required": (
        "gcp:compute/disk:Disk",
        {"zone": "europe-west4-a", "size": 100.0, "diskEncryptionKey": {"kmsKeySelfLink": KEY}},
        [
            ("diskEncryptionKey", DELETE),
            ("diskEncryptionKey", {"kmsKeyServiceAccount": "sa@p.iam.gserviceaccount.com"}),
        ],
        "diskEncryptionKey",
    ),
    # --- GCP: identity ----------------------------------------------------------------------------
    "gcp-projects-iam-impersonation-forbidden": (
        "gcp:projects/iAMMember:IAMMember",
        {"project": "p", "role": "roles/storage.objectViewer", "member": "user:dev@example.com"},
        [("role", "roles/iam.serviceAccountUser"), ("role", "roles/iam.serviceAccountTokenCreator")],
        "role",
    ),
    "gcp-iam-customrole-privileged-forbidden": (
        "gcp:projects/iAMCustomRole:IAMCustomRole",
        {"roleId": "reader", "title": "Reader", "permissions": ["storage.objects.get", "storage.objects.list"]},
        [
            ("permissions", ["storage.*"]),
            ("permissions", ["resourcemanager.projects.setIamPolicy"]),
            ("permissions", ["iam.serviceAccounts.actAs"]),
        ],
        "permissions",
    ),
    # --- GCP: ML, secrets ------------------------------------------------------------------------
    "gcp-workbench-instance-publicip-forbidden": (
        "gcp:workbench/instance:Instance",
        {"location": "europe-west4-a", "gceSetup": {"disablePublicIp": True, "networkInterfaces": [{"network": "n"}]}},
        [
            ("gceSetup.disablePublicIp", DELETE),
            ("gceSetup.disablePublicIp", False),
            ("gceSetup.networkInterfaces.0.accessConfigs", [{"externalIp": "203.0.113.10"}]),
        ],
        "gceSetup.disablePublicIp",
    ),
    "gcp-workbench-instance-secureboot-enabled": (
        "gcp:workbench/instance:Instance",
        {"location": "europe-west4-a", "gceSetup": {"shieldedInstanceConfig": {"enableSecureBoot": True}}},
        [
            ("gceSetup.shieldedInstanceConfig", DELETE),
            ("gceSetup.shieldedInstanceConfig.enableVtpm", False),
            ("gceSetup.shieldedInstanceConfig.enableIntegrityMonitoring", False),
        ],
        "gceSetup.shieldedInstanceConfig",
    ),
    "gcp-secretmanager-secret-rotation-required": (
        "gcp:secretmanager/secret:Secret",
        {"secretId": "db", "rotation": {"rotationPeriod": "2592000s", "nextRotationTime": "2030-01-01T00:00:00Z"}},
        [("rotation", DELETE), ("rotation.rotationPeriod", "31536000s")],
        "rotation.rotationPeriod",
    ),
    "gcp-serverless-environment-credentials-forbidden": (
        "gcp:cloudfunctionsv2/function:Function",
        {
            "location": "europe-west4",
            "serviceConfig": {
                "environmentVariables": {"LOG_LEVEL": "info", "DB_HOST": "10.0.0.5"},
                "secretEnvironmentVariables": [{"key": "DB_PASSWORD", "secret": "db", "version": "latest"}],
            },
        },
        [
            ("serviceConfig.environmentVariables.DB_PASSWORD", "hunter2hunter2"),
            ("serviceConfig.environmentVariables.STRIPE", "sk_live_" + "a" * 24),
            ("buildConfig", {"environmentVariables": {"GITHUB_TOKEN": "ghp_" + "a1B2" * 9}}),
        ],
        "serviceConfig.environmentVariables",
    ),
    # --- GCP: encryption at rest, resilience, logging (compliance pack) ------------------------------
    "gcp-bigquery-dataset-cmek-required": (
        "gcp:bigquery/dataset:Dataset",
        {"datasetId": "d", "defaultEncryptionConfiguration": {"kmsKeyName": KEY}},
        [("defaultEncryptionConfiguration", DELETE), ("defaultEncryptionConfiguration.kmsKeyName", "")],
        "defaultEncryptionConfiguration.kmsKeyName",
    ),
    "gcp-bigquery-table-cmek-required": (
        "gcp:bigquery/table:Table",
        {"datasetId": "d", "tableId": "t", "encryptionConfiguration": {"kmsKeyName": KEY}},
        [("encryptionConfiguration", DELETE)],
        "encryptionConfiguration",
    ),
    "gcp-pubsub-topic-cmek-required": (
        "gcp:pubsub/topic:Topic",
        {"name": "events", "kmsKeyName": KEY},
        [("kmsKeyName", DELETE)],
        "kmsKeyName",
    ),
    "gcp-logging-bucket-cmek-required": (
        "gcp:logging/projectBucketConfig:ProjectBucketConfig",
        {"project": "p", "location": "global", "bucketId": "audit", "cmekSettings": {"kmsKeyName": KEY}},
        [("cmekSettings", DELETE)],
        "cmekSettings.kmsKeyName",
    ),
    "gcp-logging-bucket-retention-minimum": (
        "gcp:logging/projectBucketConfig:ProjectBucketConfig",
        {"project": "p", "location": "global", "bucketId": "audit", "retentionDays": 400.0},
        [("retentionDays", DELETE), ("retentionDays", 90.0)],
        "retentionDays",
    ),
    "gcp-sql-instance-backup-enabled": (
        "gcp:sql/databaseInstance:DatabaseInstance",
        SQL_BACKED_UP,
        [("settings.backupConfiguration.enabled", False), ("settings.backupConfiguration", DELETE)],
        "settings.backupConfiguration.enabled",
    ),
    "gcp-sql-instance-pitr-enabled": (
        "gcp:sql/databaseInstance:DatabaseInstance",
        SQL_BACKED_UP,
        [("settings.backupConfiguration.pointInTimeRecoveryEnabled", DELETE), ("databaseVersion", "MYSQL_8_0")],
        "settings.backupConfiguration",
    ),
    "gcp-datastore-deletionprotection-enabled": (
        "gcp:bigquery/table:Table",
        {"datasetId": "d", "tableId": "t"},
        [("deletionProtection", False)],
        "deletionProtection",
    ),
    "gcp-storage-bucket-versioning-enabled": (
        "gcp:storage/bucket:Bucket",
        {"name": "b", "location": "EU", "versioning": {"enabled": True}},
        [("versioning", DELETE), ("versioning.enabled", False)],
        "versioning.enabled",
    ),
    # --- Azure: public exposure and network ---------------------------------------------------------
    "azure-storage-container-public-forbidden": (
        "azure-native:storage:BlobContainer",
        {"accountName": "st", "resourceGroupName": "rg", "containerName": "data", "publicAccess": "None"},
        [("publicAccess", "Blob"), ("publicAccess", "Container")],
        "publicAccess",
    ),
    "azure-storage-account-network-restricted": (
        "azure-native:storage:StorageAccount",
        {"kind": "StorageV2", "networkRuleSet": {"defaultAction": "Deny", "bypass": "AzureServices"}},
        [("networkRuleSet", DELETE), ("networkRuleSet.defaultAction", "Allow"), ("networkRuleSet.bypass", "None")],
        "networkRuleSet.defaultAction",
    ),
    "azure-keyvault-vault-network-restricted": (
        "azure-native:keyvault:Vault",
        {"properties": {"tenantId": "t", "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices"}}},
        [("properties.networkAcls", DELETE), ("properties.networkAcls.defaultAction", "Allow")],
        "properties.networkAcls.defaultAction",
    ),
    "azure-keyvault-vault-public-forbidden": (
        "azure-native:keyvault:Vault",
        {"properties": {"tenantId": "t", "publicNetworkAccess": "Disabled"}},
        [("properties.publicNetworkAccess", DELETE), ("properties.publicNetworkAccess", "Enabled")],
        "properties.publicNetworkAccess",
    ),
    "azure-storage-account-publicnetwork-disabled": (
        "azure-native:storage:StorageAccount",
        {"kind": "StorageV2", "publicNetworkAccess": "Disabled"},
        [("publicNetworkAccess", DELETE), ("publicNetworkAccess", "Enabled")],
        "publicNetworkAccess",
    ),
    "azure-containerregistry-registry-anonymouspull-forbidden": (
        "azure-native:containerregistry:Registry",
        {"sku": {"name": "Premium"}, "anonymousPullEnabled": False},
        [("anonymousPullEnabled", True)],
        "anonymousPullEnabled",
    ),
    "azure-containerregistry-registry-adminuser-disabled": (
        "azure-native:containerregistry:Registry",
        {"sku": {"name": "Premium"}, "adminUserEnabled": False},
        [("adminUserEnabled", True)],
        "adminUserEnabled",
    ),
    "azure-containerregistry-registry-public-forbidden": (
        "azure-native:containerregistry:Registry",
        {"sku": {"name": "Premium"}, "publicNetworkAccess": "Disabled"},
        [("publicNetworkAccess", DELETE), ("publicNetworkAccess", "Enabled")],
        "publicNetworkAccess",
    ),
    "azure-database-server-public-forbidden": (
        "azure-native:dbforpostgresql:Server",
        {"serverName": "pg", "version": "16", "network": {"publicNetworkAccess": "Disabled"}},
        [("network", DELETE), ("network.publicNetworkAccess", "Enabled")],
        "network.publicNetworkAccess",
    ),
    # Each firewall policy judges one range; its passing case starts from the range the other policy judges, so one
    # mutated bound turns it into the range this policy forbids.
    "azure-database-firewallrule-world-forbidden": (
        "azure-native:sql:FirewallRule",
        {"serverName": "sql", "startIpAddress": "0.0.0.0", "endIpAddress": "0.0.0.0"},
        [("endIpAddress", "255.255.255.255")],
        "endIpAddress",
    ),
    "azure-database-firewallrule-azureservices-forbidden": (
        "azure-native:dbforpostgresql:FirewallRule",
        {"serverName": "pg", "startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255"},
        [("endIpAddress", "0.0.0.0")],
        "endIpAddress",
    ),
    "azure-network-interface-publicip-forbidden": (
        "azure-native:network:NetworkInterface",
        NIC,
        [("ipConfigurations.0.publicIPAddress", {"id": "/subscriptions/s/.../publicIPAddresses/pip"})],
        "ipConfigurations",
    ),
    "azure-network-interface-ipforwarding-disabled": (
        "azure-native:network:NetworkInterface",
        NIC,
        [("enableIPForwarding", True)],
        "enableIPForwarding",
    ),
    # --- Azure: encryption in transit ----------------------------------------------------------------
    "azure-database-server-tls-required": (
        "azure-native:dbforpostgresql:SingleServer",
        {"serverName": "pg", "properties": {"sslEnforcement": "Enabled", "minimalTlsVersion": "TLS1_2"}},
        [
            ("properties.sslEnforcement", "Disabled"),
            ("properties.minimalTlsVersion", DELETE),
            ("properties.minimalTlsVersion", "TLS1_0"),
        ],
        "properties.minimalTlsVersion",
    ),
    "azure-redis-cache-tls-required": (
        "azure-native:redis:Redis",
        {
            "sku": {"name": "Standard", "family": "C", "capacity": 1.0},
            "enableNonSslPort": False,
            "minimumTlsVersion": "1.2",
        },
        [("enableNonSslPort", True), ("minimumTlsVersion", "1.0")],
        "enableNonSslPort",
    ),
    "azure-web-app-https-required": (
        "azure-native:web:WebApp",
        {"serverFarmId": "plan", "httpsOnly": True, "siteConfig": {"minTlsVersion": "1.2"}},
        [("httpsOnly", DELETE), ("siteConfig.minTlsVersion", "1.0")],
        "httpsOnly",
    ),
    # --- Azure: managed Kubernetes -------------------------------------------------------------------
    "azure-containerservice-cluster-rbac-enabled": (
        "azure-native:containerservice:ManagedCluster",
        AKS,
        [("enableRBAC", False)],
        "enableRBAC",
    ),
    "azure-containerservice-cluster-localaccounts-disabled": (
        "azure-native:containerservice:ManagedCluster",
        AKS,
        [("disableLocalAccounts", DELETE), ("aadProfile", DELETE)],
        "disableLocalAccounts",
    ),
    "azure-containerservice-cluster-apiserver-restricted": (
        "azure-native:containerservice:ManagedCluster",
        AKS,
        [("apiServerAccessProfile", DELETE), ("apiServerAccessProfile.authorizedIPRanges", ["0.0.0.0/0"])],
        "apiServerAccessProfile",
    ),
    "azure-containerservice-cluster-networkpolicy-enabled": (
        "azure-native:containerservice:ManagedCluster",
        AKS,
        [("networkProfile.networkPolicy", DELETE), ("networkProfile.networkPolicy", "none")],
        "networkProfile.networkPolicy",
    ),
    "azure-containerservice-agentpool-publicip-forbidden": (
        "azure-native:containerservice:ManagedCluster",
        AKS,
        [("agentPoolProfiles.0.enableNodePublicIP", True)],
        "agentPoolProfiles",
    ),
    # --- Azure: identity, ML, secrets --------------------------------------------------------------
    "azure-authorization-roledefinition-wildcard-forbidden": (
        "azure-native:authorization:RoleDefinition",
        {
            "roleName": "blob-reader",
            "scope": "/subscriptions/s",
            "assignableScopes": ["/subscriptions/s"],
            "permissions": [{"actions": ["Microsoft.Storage/storageAccounts/read"]}],
        },
        [
            ("permissions.0.actions", ["*"]),
            ("permissions", [{"actions": ["Microsoft.Storage/*/read"]}, {"actions": ["*"]}]),
        ],
        "permissions",
    ),
    "azure-machinelearningservices-workspace-public-forbidden": (
        "azure-native:machinelearningservices:Workspace",
        {"workspaceName": "ml", "publicNetworkAccess": "Disabled"},
        [("publicNetworkAccess", DELETE), ("publicNetworkAccess", "Enabled")],
        "publicNetworkAccess",
    ),
    "azure-machinelearningservices-compute-localauth-disabled": (
        "azure-native:machinelearningservices:Compute",
        {"workspaceName": "ml", "properties": {"computeType": "AmlCompute", "disableLocalAuth": True}},
        [("properties.disableLocalAuth", DELETE), ("properties.disableLocalAuth", False)],
        "properties.disableLocalAuth",
    ),
    "azure-cognitiveservices-account-public-forbidden": (
        "azure-native:cognitiveservices:Account",
        {"kind": "OpenAI", "properties": {"publicNetworkAccess": "Disabled"}},
        [("properties.publicNetworkAccess", "Enabled"), ("properties", DELETE)],
        "properties.publicNetworkAccess",
    ),
    "azure-cognitiveservices-account-localauth-disabled": (
        "azure-native:cognitiveservices:Account",
        {"kind": "OpenAI", "properties": {"disableLocalAuth": True}},
        [("properties.disableLocalAuth", DELETE), ("properties.disableLocalAuth", False)],
        "properties.disableLocalAuth",
    ),
    "azure-keyvault-key-rotation-enabled": (
        "azure-native:keyvault:Key",
        ROTATING_KEY,
        [("properties.rotationPolicy", DELETE), ("properties.rotationPolicy.lifetimeActions.0.action.type", "notify")],
        "properties.rotationPolicy",
    ),
    "azure-keyvault-key-expiry-required": (
        "azure-native:keyvault:Key",
        ROTATING_KEY,
        [("properties.attributes", DELETE)],
        "properties.attributes.expires",
    ),
    "azure-keyvault-secret-expiry-required": (
        "azure-native:keyvault:Secret",
        {"vaultName": "kv", "properties": {"value": "s", "attributes": {"expires": 1924992000.0}}},
        [("properties.attributes.expires", DELETE)],
        "properties.attributes",
    ),
    "azure-web-appsettings-credentials-forbidden": (
        "azure-native:web:WebApp",
        {
            "serverFarmId": "plan",
            "siteConfig": {
                "appSettings": [
                    {"name": "WEBSITE_RUN_FROM_PACKAGE", "value": "1"},
                    {
                        "name": "DB_PASSWORD",
                        "value": "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)",
                    },
                ],
                "connectionStrings": [
                    {"name": "db", "connectionString": "Server=tcp:s;Authentication=Active Directory Managed Identity"}
                ],
            },
        },
        [
            ("siteConfig.appSettings.1.value", "hunter2hunter2"),
            ("siteConfig.connectionStrings.0.connectionString", "Server=tcp:s;Database=d;User ID=u;Password=p4ss;"),
        ],
        "siteConfig.appSettings",
    ),
    # --- Azure: encryption at rest, logging (compliance pack) ---------------------------------------
    "azure-cosmosdb-account-cmk-required": (
        "azure-native:cosmosdb:DatabaseAccount",
        {"databaseAccountOfferType": "Standard", "keyVaultKeyUri": "https://kv.vault.azure.net/keys/cosmos"},
        [("keyVaultKeyUri", DELETE)],
        "keyVaultKeyUri",
    ),
    "azure-monitor-subscriptiondiagnostic-categories-required": (
        "azure-native:monitor:SubscriptionDiagnosticSetting",
        {
            "workspaceId": "w",
            "logs": [
                {"category": c, "enabled": True}
                for c in ("Administrative", "Alert", "Policy", "Security", "Recommendation")
            ],
        },
        [("logs.3.enabled", False), ("logs", [{"categoryGroup": "audit", "enabled": True}])],
        "logs",
    ),
    "azure-operationalinsights-workspace-retention-minimum": (
        "azure-native:operationalinsights:Workspace",
        {"workspaceName": "logs", "retentionInDays": 365.0},
        [("retentionInDays", DELETE), ("retentionInDays", 90.0)],
        "retentionInDays",
    ),
}
