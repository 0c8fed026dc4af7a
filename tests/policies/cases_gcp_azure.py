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
}
