"""Happy-path props per policy (as the engine sends them) and one mutation per failing case."""

from __future__ import annotations

import json

from tests.policies.harness import DELETE, mutate

TAGS = {"managed-by": "plinth", "environment": "dev"}
SECURE_CONTAINER = {
    "name": "app",
    "image": "registry.example.com/app:1.4.2",
    "securityContext": {
        "runAsNonRoot": True,
        "runAsUser": 10001,
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    },
    "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}},
}
DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "app", "namespace": "tenant-acme", "labels": {"plinth.dev/tier": "premium"}},
    "spec": {
        "template": {
            "metadata": {"labels": {"app": "x"}},
            "spec": {"containers": [SECURE_CONTAINER], "automountServiceAccountToken": False},
        }
    },
}
C = "spec.template.spec.containers.0"
ALLOW_S3 = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}],
}
TLS_POLICY = {
    "Statement": [
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]
}

ROLE_DEFINITIONS = "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions"
COPY_DEST = "arn:aws:backup:eu-central-1:1:backup-vault:v"
# name: (type, good props, [(path, bad value), ...], a path whose unknown value must stop the check)
CASES: dict[str, tuple[str, dict, list, str]] = {
    "aws-s3-bucket-encryption-required": (
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        {
            "bucket": "b",
            "rules": [
                {
                    "applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": "k"},
                    "bucketKeyEnabled": True,
                }
            ],
        },
        [("rules.0.applyServerSideEncryptionByDefault.sseAlgorithm", "AES256"), ("rules", [])],
        "rules",
    ),
    "aws-s3-bucket-public-access-blocked": (
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        {
            "bucket": "b",
            "blockPublicAcls": True,
            "blockPublicPolicy": True,
            "ignorePublicAcls": True,
            "restrictPublicBuckets": True,
        },
        [("restrictPublicBuckets", False), ("blockPublicAcls", DELETE)],
        "blockPublicPolicy",
    ),
    "aws-s3-bucket-public-acl-forbidden": (
        "aws:s3/bucket:Bucket",
        {"bucket": "b", "acl": "private"},
        [
            ("acl", "public-read"),
            ("acl", "authenticated-read"),
            (
                "grants",
                [{"type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers", "permissions": ["READ"]}],
            ),
        ],
        "acl",
    ),
    "aws-s3-bucketpolicy-tls-required": (
        "aws:s3/bucketPolicy:BucketPolicy",
        {"bucket": "b", "policy": json.dumps(TLS_POLICY)},
        [
            (
                "policy",
                json.dumps(
                    {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}
                ),
            )
        ],
        "policy",
    ),
    "aws-s3-bucket-versioning-enabled": (
        "aws:s3/bucketVersioning:BucketVersioning",
        {"bucket": "b", "versioningConfiguration": {"status": "Enabled"}},
        [("versioningConfiguration.status", "Suspended")],
        "versioningConfiguration.status",
    ),
    "aws-ebs-volume-encryption-required": (
        "aws:ebs/volume:Volume",
        {"size": 100.0, "encrypted": True},
        [("encrypted", False), ("encrypted", DELETE)],
        "encrypted",
    ),
    "aws-rds-instance-encryption-required": (
        "aws:rds/instance:Instance",
        {"storageEncrypted": True},
        [("storageEncrypted", False)],
        "storageEncrypted",
    ),
    "aws-rds-instance-public-forbidden": (
        "aws:rds/instance:Instance",
        {"publiclyAccessible": False},
        [("publiclyAccessible", True)],
        "publiclyAccessible",
    ),
    "aws-rds-instance-backup-retained": (
        "aws:rds/instance:Instance",
        {"backupRetentionPeriod": 14.0, "tags": {"compliance": "soc2"}},
        [("backupRetentionPeriod", 3.0), ("tags.compliance", "hipaa.soc2"), ("backupRetentionPeriod", DELETE)],
        "backupRetentionPeriod",
    ),
    "aws-dynamodb-table-encryption-required": (
        "aws:dynamodb/table:Table",
        {"serverSideEncryption": {"enabled": True, "kmsKeyArn": "arn:aws:kms:eu-west-1:123456789012:key/k"}},
        [("serverSideEncryption.enabled", False), ("serverSideEncryption.kmsKeyArn", DELETE)],
        "serverSideEncryption",
    ),
    "aws-kms-key-rotation-enabled": (
        "aws:kms/key:Key",
        {"enableKeyRotation": True},
        [("enableKeyRotation", False)],
        "enableKeyRotation",
    ),
    "aws-ec2-instance-imdsv2-required": (
        "aws:ec2/instance:Instance",
        {"metadataOptions": {"httpTokens": "required"}},
        [("metadataOptions.httpTokens", "optional"), ("metadataOptions", DELETE)],
        "metadataOptions.httpTokens",
    ),
    "aws-ec2-instance-public-ip-forbidden": (
        "aws:ec2/instance:Instance",
        {"associatePublicIpAddress": False},
        [("associatePublicIpAddress", True)],
        "associatePublicIpAddress",
    ),
    "aws-ec2-securitygroup-admin-ports-restricted": (
        "aws:ec2/securityGroup:SecurityGroup",
        {
            "ingress": [
                {"protocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrBlocks": ["0.0.0.0/0"]},
                {"protocol": "tcp", "fromPort": 22.0, "toPort": 22.0, "cidrBlocks": ["10.0.0.0/8"]},
            ]
        },
        [
            ("ingress.1.cidrBlocks", ["0.0.0.0/0"]),
            ("ingress.0", {"protocol": "-1", "fromPort": 0.0, "toPort": 0.0, "ipv6CidrBlocks": ["::/0"]}),
        ],
        "ingress",
    ),
    "aws-iam-policy-wildcard-forbidden": (
        "aws:iam/rolePolicy:RolePolicy",
        {"role": "r", "policy": json.dumps(ALLOW_S3)},
        [
            ("policy", json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"}]})),
            ("policy", json.dumps({"Statement": [{"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": "*"}]})),
            ("policy", json.dumps({"Statement": [{"Effect": "Allow", "Action": "*:*", "Resource": "arn:aws:s3:::b"}]})),
        ],
        "policy",
    ),
    "aws-iam-role-admin-forbidden": (
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        {"role": "r", "policyArn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
        [("policyArn", "arn:aws:iam::aws:policy/AdministratorAccess")],
        "policyArn",
    ),
    "aws-cloudtrail-trail-validated": (
        "aws:cloudtrail/trail:Trail",
        {"isMultiRegionTrail": True, "enableLogFileValidation": True},
        [("isMultiRegionTrail", False), ("enableLogFileValidation", DELETE)],
        "isMultiRegionTrail",
    ),
    "aws-backup-plan-retention-minimum": (
        "aws:backup/plan:Plan",
        {"rules": [{"ruleName": "daily", "lifecycle": {"deleteAfter": 35.0}}], "tags": {"compliance": "soc2"}},
        [
            ("rules.0.lifecycle.deleteAfter", 7.0),
            ("tags.compliance", "hipaa"),
            (
                "rules.0.copyActions",
                [{"destinationVaultArn": COPY_DEST, "lifecycle": {"deleteAfter": 7.0}}],
            ),
        ],
        "rules",
    ),
    "aws-ec2-instance-type-allowed": (
        "aws:ec2/instance:Instance",
        {"instanceType": "t3.small", "tags": {"tier": "free"}},
        [("instanceType", "p4d.24xlarge"), ("instanceType", "g5.xlarge")],
        "instanceType",
    ),
    "gcp-storage-bucket-cmek-required": (
        "gcp:storage/bucket:Bucket",
        {"encryption": {"defaultKmsKeyName": "projects/p/locations/l/keyRings/r/cryptoKeys/k"}},
        [("encryption", DELETE)],
        "encryption.defaultKmsKeyName",
    ),
    "gcp-storage-bucket-public-access-prevented": (
        "gcp:storage/bucket:Bucket",
        {"publicAccessPrevention": "enforced"},
        [("publicAccessPrevention", "inherited")],
        "publicAccessPrevention",
    ),
    "gcp-storage-bucket-uniform-access-required": (
        "gcp:storage/bucket:Bucket",
        {"uniformBucketLevelAccess": True},
        [("uniformBucketLevelAccess", False)],
        "uniformBucketLevelAccess",
    ),
    "gcp-storage-bucketiam-public-forbidden": (
        "gcp:storage/bucketIAMMember:BucketIAMMember",
        {"bucket": "b", "role": "roles/storage.objectViewer", "member": "serviceAccount:a@p.iam.gserviceaccount.com"},
        [("member", "allUsers"), ("member", "allAuthenticatedUsers")],
        "member",
    ),
    "gcp-kms-cryptokey-rotation-required": (
        "gcp:kms/cryptoKey:CryptoKey",
        {"rotationPeriod": "7776000s"},
        [("rotationPeriod", "31536000s"), ("rotationPeriod", DELETE)],
        "rotationPeriod",
    ),
    "gcp-sql-instance-ssl-required": (
        "gcp:sql/databaseInstance:DatabaseInstance",
        {"settings": {"ipConfiguration": {"sslMode": "ENCRYPTED_ONLY", "ipv4Enabled": False, "privateNetwork": "n"}}},
        [("settings.ipConfiguration.sslMode", "ALLOW_UNENCRYPTED_AND_ENCRYPTED")],
        "settings.ipConfiguration.sslMode",
    ),
    "gcp-sql-instance-public-forbidden": (
        "gcp:sql/databaseInstance:DatabaseInstance",
        {"settings": {"ipConfiguration": {"ipv4Enabled": False, "privateNetwork": "n", "authorizedNetworks": []}}},
        [
            ("settings.ipConfiguration.authorizedNetworks", [{"name": "all", "value": "0.0.0.0/0"}]),
            ("settings.ipConfiguration", {"ipv4Enabled": True}),
        ],
        "settings.ipConfiguration.authorizedNetworks",
    ),
    "gcp-compute-firewall-admin-ports-restricted": (
        "gcp:compute/firewall:Firewall",
        {"network": "n", "sourceRanges": ["0.0.0.0/0"], "allows": [{"protocol": "tcp", "ports": ["443"]}]},
        [("allows.0.ports", ["20-25"]), ("allows.0", {"protocol": "all"})],
        "sourceRanges",
    ),
    "gcp-projects-iam-primitive-forbidden": (
        "gcp:projects/iAMMember:IAMMember",
        {"project": "p", "role": "roles/storage.objectViewer", "member": "serviceAccount:a@p.iam.gserviceaccount.com"},
        [("role", "roles/owner"), ("role", "roles/editor")],
        "role",
    ),
    "azure-storage-account-transport-secured": (
        "azure-native:storage:StorageAccount",
        {"enableHttpsTrafficOnly": True, "minimumTlsVersion": "TLS1_2"},
        [("enableHttpsTrafficOnly", False), ("minimumTlsVersion", "TLS1_0")],
        "minimumTlsVersion",
    ),
    "azure-storage-account-public-blob-forbidden": (
        "azure-native:storage:StorageAccount",
        {"allowBlobPublicAccess": False},
        # Unset is false in the storage API azure-native 3 uses (2024-01-01): see test_azure_policies.py.
        [("allowBlobPublicAccess", True)],
        "allowBlobPublicAccess",
    ),
    "azure-storage-account-encryption-hardened": (
        "azure-native:storage:StorageAccount",
        {
            "allowSharedKeyAccess": False,
            "encryption": {"requireInfrastructureEncryption": True, "keySource": "Microsoft.Keyvault"},
        },
        [
            ("encryption.keySource", "Microsoft.Storage"),
            ("allowSharedKeyAccess", True),
            ("encryption.requireInfrastructureEncryption", False),
        ],
        "encryption.keySource",
    ),
    "azure-keyvault-vault-recoverable": (
        "azure-native:keyvault:Vault",
        {"properties": {"enablePurgeProtection": True, "enableSoftDelete": True, "enableRbacAuthorization": True}},
        [
            ("properties.enablePurgeProtection", False),
            ("properties.enableSoftDelete", False),
            ("properties.enableRbacAuthorization", DELETE),
        ],
        "properties.enablePurgeProtection",
    ),
    "azure-compute-disk-cmk-required": (
        "azure-native:compute:Disk",
        {"encryption": {"type": "EncryptionAtRestWithCustomerKey"}},
        [("encryption.type", "EncryptionAtRestWithPlatformKey")],
        "encryption.type",
    ),
    "azure-sql-server-public-forbidden": (
        "azure-native:sql:Server",
        {"publicNetworkAccess": "Disabled", "minimalTlsVersion": "1.2"},
        [("publicNetworkAccess", "Enabled"), ("minimalTlsVersion", "1.0")],
        "publicNetworkAccess",
    ),
    "azure-network-nsg-admin-ports-restricted": (
        "azure-native:network:NetworkSecurityGroup",
        {
            "securityRules": [
                {
                    "name": "https",
                    "direction": "Inbound",
                    "access": "Allow",
                    "sourceAddressPrefix": "*",
                    "destinationPortRange": "443",
                }
            ]
        },
        [("securityRules.0.destinationPortRange", "3389"), ("securityRules.0.destinationPortRange", "*")],
        "securityRules",
    ),
    "azure-authorization-roleassignment-owner-forbidden": (
        "azure-native:authorization:RoleAssignment",
        {
            "principalType": "ServicePrincipal",
            "roleDefinitionId": f"{ROLE_DEFINITIONS}/ba92f5b4-2d11-453d-a403-e96b0029c9fe",
        },
        [
            (
                "roleDefinitionId",
                f"{ROLE_DEFINITIONS}/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
            )
        ],
        "roleDefinitionId",
    ),
    "kubernetes-pod-privileged-forbidden": (
        "kubernetes:apps/v1:Deployment",
        DEPLOYMENT,
        [(f"{C}.securityContext.privileged", True)],
        f"{C}.securityContext",
    ),
    "kubernetes-pod-hostnamespaces-forbidden": (
        "kubernetes:apps/v1:Deployment",
        DEPLOYMENT,
        [("spec.template.spec.hostNetwork", True), ("spec.template.spec.hostPID", True)],
        "spec.template.spec",
    ),
    "kubernetes-pod-hostpath-forbidden": (
        "kubernetes:apps/v1:Deployment",
        DEPLOYMENT,
        [("spec.template.spec.volumes", [{"name": "docker", "hostPath": {"path": "/var/run/docker.sock"}}])],
        "spec.template.spec.volumes",
    ),
    "kubernetes-pod-runasnonroot-required": (
        "kubernetes:apps/v1:Deployment",
        DEPLOYMENT,
        [(f"{C}.securityContext.runAsNonRoot", DELETE), (f"{C}.securityContext.runAsUser", 0.0)],
        f"{C}.securityContext.runAsNonRoot",
    ),
    "kubernetes-pod-privilegeescalation-forbidden": (
        "kubernetes:apps/v1:Deployment",
        DEPLOYMENT,
        [(f"{C}.securityContext.allowPrivilegeEscalation", True)],
        f"{C}.securityContext.allowPrivilegeEscalation",
    ),
    "kubernetes-pod-capabilities-restricted": (
        "kubernetes:apps/v1:Deployment",
        DEPLOYMENT,
        [(f"{C}.securityContext.capabilities.add", ["SYS_ADMIN"]), (f"{C}.securityContext.capabilities.drop", [])],
        f"{C}.securityContext.capabilities",
    ),
    "kubernetes-pod-readonlyrootfs-required": (
        "kubernetes:apps/v1:Deployment",
        DEPLOYMENT,
        [(f"{C}.securityContext.readOnlyRootFilesystem", False)],
        f"{C}.securityContext.readOnlyRootFilesystem",
    ),
    "kubernetes-pod-resourcelimits-required": (
        "kubernetes:apps/v1:Deployment",
        DEPLOYMENT,
        [(f"{C}.resources.limits", {"cpu": "1"})],
        f"{C}.resources",
    ),
    "kubernetes-pod-image-pinned": (
        "kubernetes:apps/v1:Deployment",
        DEPLOYMENT,
        [(f"{C}.image", "nginx:latest"), (f"{C}.image", "nginx")],
        f"{C}.image",
    ),
    "kubernetes-serviceaccount-token-automount-disabled": (
        "kubernetes:core/v1:ServiceAccount",
        {"apiVersion": "v1", "kind": "ServiceAccount", "automountServiceAccountToken": False},
        [("automountServiceAccountToken", True), ("automountServiceAccountToken", DELETE)],
        "automountServiceAccountToken",
    ),
    "kubernetes-rbac-clusteradmin-binding-forbidden": (
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
        {"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}},
        [("roleRef.name", "cluster-admin")],
        "roleRef.name",
    ),
    "kubernetes-service-loadbalancer-restricted": (
        "kubernetes:core/v1:Service",
        {"spec": {"type": "LoadBalancer", "loadBalancerSourceRanges": ["203.0.113.0/24"]}},
        [("spec.loadBalancerSourceRanges", DELETE), ("spec.loadBalancerSourceRanges", ["0.0.0.0/0"])],
        "spec.type",
    ),
    "kubernetes-rollout-analysis-required": (
        "kubernetes:argoproj.io/v1alpha1:Rollout",
        {
            "metadata": {"name": "api", "namespace": "tenant-acme"},
            "spec": {
                "strategy": {
                    "canary": {
                        "steps": [{"setWeight": 10}, {"pause": {"duration": "5m"}}],
                        "analysis": {"templates": [{"templateName": "api-analysis"}]},
                    }
                }
            },
        },
        [
            ("spec.strategy.canary.analysis", DELETE),
            (
                "spec.strategy",
                {"blueGreen": {"activeService": "api", "previewService": "api-preview", "autoPromotionEnabled": False}},
            ),
        ],
        "spec.strategy.canary.analysis",
    ),
    "kubernetes-autoscaler-minreplicas-production": (
        "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        {
            "metadata": {"name": "api", "namespace": "tenant-acme", "labels": {"plinth.dev/tier": "premium"}},
            "spec": {
                "scaleTargetRef": {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "api"},
                "minReplicas": 2,
                "maxReplicas": 6,
            },
        },
        [("spec.minReplicas", 1), ("spec.minReplicas", DELETE)],
        "spec.minReplicas",
    ),
    "kubernetes-pod-gpu-limited": (
        "kubernetes:apps/v1:Deployment",
        DEPLOYMENT,
        [(f"{C}.resources.limits.nvidia\\.com/gpu", 4.0)],
        f"{C}.resources.limits",
    ),
    "stack-resource-tags-required": (
        "aws:s3/bucket:Bucket",
        {"bucket": "b", "tags": {**TAGS, "tenant": "acme", "cost-center": "cc-1"}},
        [("tags.environment", DELETE), ("tags.cost-center", DELETE)],
        "tags",
    ),
    "gcp-sql-instance-cmek-required": (
        "gcp:sql/databaseInstance:DatabaseInstance",
        {
            "databaseVersion": "POSTGRES_16",
            "encryptionKeyName": "projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k",
        },
        [("encryptionKeyName", DELETE), ("encryptionKeyName", "")],
        "encryptionKeyName",
    ),
    "azure-sql-database-tde-enabled": (
        "azure-native:sql:TransparentDataEncryption",
        {"databaseName": "db", "serverName": "s", "resourceGroupName": "rg", "tdeName": "current", "state": "Enabled"},
        [("state", "Disabled")],
        "state",
    ),
    "aws-backup-vault-cmk-required": (
        "aws:backup/vault:Vault",
        {"name": "v", "kmsKeyArn": "arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab"},
        [("kmsKeyArn", DELETE), ("kmsKeyArn", "arn:aws:kms:eu-west-1:210987654321:alias/aws/backup")],
        "kmsKeyArn",
    ),
    "azure-dataprotection-vault-cmk-required": (
        "azure-native:dataprotection:BackupVault",
        {
            "properties": {
                "securitySettings": {
                    "encryptionSettings": {
                        "state": "Enabled",
                        "keyVaultProperties": {"keyUri": "https://kv.vault.azure.net/keys/backup"},
                    }
                }
            }
        },
        [
            ("properties.securitySettings.encryptionSettings.state", "Disabled"),
            ("properties.securitySettings.encryptionSettings.keyVaultProperties", DELETE),
        ],
        "properties.securitySettings.encryptionSettings.state",
    ),
    "gcp-backupdisasterrecovery-vault-cmek-required": (
        "gcp:backupdisasterrecovery/backupVault:BackupVault",
        {"encryptionConfig": {"kmsKeyName": "projects/p/locations/europe-west4/keyRings/r/cryptoKeys/backup"}},
        [("encryptionConfig", DELETE), ("encryptionConfig.kmsKeyName", "")],
        "encryptionConfig.kmsKeyName",
    ),
    "azure-dataprotection-vault-immutable-hipaa": (
        "azure-native:dataprotection:BackupVault",
        {
            "tags": {"compliance": "hipaa.soc2"},
            "properties": {
                "securitySettings": {
                    "immutabilitySettings": {"state": "Unlocked"},
                    "softDeleteSettings": {"state": "AlwaysOn"},
                }
            },
        },
        [
            ("properties.securitySettings.immutabilitySettings.state", "Disabled"),
            ("properties.securitySettings.softDeleteSettings.state", "Off"),
        ],
        "properties.securitySettings.immutabilitySettings.state",
    ),
    "azure-dataprotection-vault-crossregion-enabled": (
        "azure-native:dataprotection:BackupVault",
        {
            "tags": {"tier": "premium"},
            "properties": {
                "storageSettings": [{"datastoreType": "VaultStore", "type": "GeoRedundant"}],
                "featureSettings": {"crossRegionRestoreSettings": {"state": "Enabled"}},
            },
        },
        [
            ("properties.storageSettings.0.type", "ZoneRedundant"),
            ("properties.featureSettings.crossRegionRestoreSettings.state", "Disabled"),
        ],
        "properties.storageSettings",
    ),
    "kubernetes-pod-token-automount-disabled": (
        "kubernetes:batch/v1:CronJob",
        {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "spec": {
                "schedule": "0 * * * *",
                "jobTemplate": {"spec": {"template": {"spec": {"containers": [SECURE_CONTAINER]}}}},
            },
        },
        [("spec.jobTemplate.spec.template.spec.automountServiceAccountToken", True)],
        "spec.jobTemplate.spec.template.spec",
    ),
}

# --- Pod Security Standards, credentials, Ingress and RBAC (issue 13) -------------------------------------------
S = "spec.template.spec"
PSA = "pod-security\\.kubernetes\\.io/enforce"
CASES.update(
    {
        "kubernetes-pod-hostports-forbidden": (
            "kubernetes:apps/v1:Deployment",
            mutate(DEPLOYMENT, f"{C}.ports", [{"name": "http", "containerPort": 8080.0}]),
            [(f"{C}.ports", [{"containerPort": 8080.0, "hostPort": 8080.0}])],
            f"{C}.ports",
        ),
        "kubernetes-pod-seccomp-required": (
            "kubernetes:apps/v1:Deployment",
            DEPLOYMENT,
            [
                (f"{C}.securityContext.seccompProfile", DELETE),
                (f"{C}.securityContext.seccompProfile.type", "Unconfined"),
                (f"{S}.securityContext", {"seccompProfile": {"type": "Unconfined"}}),
            ],
            f"{C}.securityContext.seccompProfile.type",
        ),
        "kubernetes-pod-apparmor-restricted": (
            "kubernetes:apps/v1:Deployment",
            mutate(DEPLOYMENT, f"{C}.securityContext.appArmorProfile", {"type": "RuntimeDefault"}),
            [
                (f"{C}.securityContext.appArmorProfile", {"type": "Unconfined"}),
                (f"{S}.securityContext", {"appArmorProfile": {"type": "Unconfined"}}),
                (
                    "spec.template.metadata.annotations",
                    {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"},
                ),
            ],
            f"{C}.securityContext.appArmorProfile",
        ),
        "kubernetes-pod-selinux-restricted": (
            "kubernetes:apps/v1:Deployment",
            mutate(DEPLOYMENT, f"{C}.securityContext.seLinuxOptions", {"type": "container_t", "level": "s0:c1,c2"}),
            [
                (f"{C}.securityContext.seLinuxOptions", {"type": "spc_t"}),
                (f"{C}.securityContext.seLinuxOptions", {"user": "system_u"}),
                (f"{S}.securityContext", {"seLinuxOptions": {"role": "sysadm_r"}}),
            ],
            f"{C}.securityContext.seLinuxOptions",
        ),
        "kubernetes-pod-procmount-restricted": (
            "kubernetes:apps/v1:Deployment",
            mutate(DEPLOYMENT, f"{C}.securityContext.procMount", "Default"),
            [(f"{C}.securityContext.procMount", "Unmasked")],
            f"{C}.securityContext.procMount",
        ),
        "kubernetes-pod-sysctls-restricted": (
            "kubernetes:apps/v1:Deployment",
            mutate(
                DEPLOYMENT, f"{S}.securityContext", {"sysctls": [{"name": "net.ipv4.tcp_syncookies", "value": "1"}]}
            ),
            [(f"{S}.securityContext", {"sysctls": [{"name": "kernel.msgmax", "value": "65536"}]})],
            f"{S}.securityContext",
        ),
        "kubernetes-pod-volumetypes-restricted": (
            "kubernetes:apps/v1:Deployment",
            mutate(
                DEPLOYMENT,
                f"{S}.volumes",
                [{"name": "tmp", "emptyDir": {}}, {"name": "data", "persistentVolumeClaim": {"claimName": "data"}}],
            ),
            [(f"{S}.volumes", [{"name": "data", "nfs": {"server": "nfs.example.com", "path": "/exports"}}])],
            f"{S}.volumes",
        ),
        "kubernetes-pod-probehost-forbidden": (
            "kubernetes:apps/v1:Deployment",
            mutate(DEPLOYMENT, f"{C}.livenessProbe", {"httpGet": {"path": "/healthz", "port": 8080.0}}),
            [
                (f"{C}.livenessProbe", {"httpGet": {"host": "169.254.169.254", "path": "/", "port": 80.0}}),
                (f"{C}.lifecycle", {"preStop": {"tcpSocket": {"host": "10.0.0.1", "port": 22.0}}}),
            ],
            f"{C}.livenessProbe",
        ),
        "kubernetes-pod-envcredentials-forbidden": (
            "kubernetes:apps/v1:Deployment",
            mutate(
                DEPLOYMENT,
                f"{C}.env",
                [
                    {"name": "LOG_LEVEL", "value": "info"},
                    {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
                ],
            ),
            [
                (f"{C}.env", [{"name": "AWS_ACCESS_KEY_ID", "value": "AKIAIOSFODNN7EXAMPLE"}]),
                (f"{C}.env", [{"name": "DB_PASSWORD", "value": "hunter2hunter2"}]),
            ],
            f"{C}.env",
        ),
        "kubernetes-pod-secretenvvars-avoided": (
            "kubernetes:apps/v1:Deployment",
            mutate(DEPLOYMENT, f"{C}.env", [{"name": "LOG_LEVEL", "value": "info"}]),
            [
                (
                    f"{C}.env",
                    [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}],
                ),
                (f"{C}.envFrom", [{"secretRef": {"name": "db"}}]),
            ],
            f"{C}.env",
        ),
        "kubernetes-configmap-credentials-forbidden": (
            "kubernetes:core/v1:ConfigMap",
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": "app", "namespace": "tenant-acme"},
                "data": {"LOG_LEVEL": "info", "API_URL": "https://api.example.com/v1", "PASSWORD_FILE": "/etc/app/pw"},
            },
            [
                ("data.DB_PASSWORD", "hunter2hunter2"),
                ("data.app\\.properties", "db.user=app\ndb.password=s3cr3t-passw0rd\n"),
                ("data.settings\\.json", json.dumps({"stripe": {"apiKey": "rk_live_" + "a" * 24}})),
            ],
            "data",
        ),
        "kubernetes-ingress-tls-required": (
            "kubernetes:networking.k8s.io/v1:Ingress",
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "Ingress",
                "metadata": {"name": "app", "namespace": "tenant-acme"},
                "spec": {
                    "tls": [{"hosts": ["app.example.com", "*.api.example.com"], "secretName": "app-tls"}],
                    "rules": [{"host": "app.example.com"}, {"host": "v1.api.example.com"}],
                },
            },
            [("spec.tls", DELETE), ("spec.rules.0.host", "admin.example.com")],
            "spec.tls",
        ),
        "kubernetes-rbac-role-wildcard-forbidden": (
            "kubernetes:rbac.authorization.k8s.io/v1:Role",
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "Role",
                "metadata": {"name": "reader", "namespace": "tenant-acme"},
                "rules": [
                    {"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list"]},
                    {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get"]},
                ],
            },
            [("rules.1.verbs", ["*"]), ("rules.1.resources", ["*"]), ("rules.0.apiGroups", ["*"])],
            "rules",
        ),
        "kubernetes-rbac-role-escalation-forbidden": (
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "ClusterRole",
                "metadata": {"name": "rbac-auditor"},
                "rules": [
                    {
                        "apiGroups": ["rbac.authorization.k8s.io"],
                        "resources": ["roles", "clusterroles", "rolebindings"],
                        "verbs": ["get", "list", "watch"],
                    }
                ],
            },
            [
                ("rules.0.verbs", ["escalate"]),
                ("rules.0.verbs", ["bind"]),
                ("rules.0", {"apiGroups": [""], "resources": ["users", "groups"], "verbs": ["impersonate"]}),
                ("rules.0", {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}),
            ],
            "rules",
        ),
        "kubernetes-namespace-podsecurity-restricted": (
            "kubernetes:core/v1:Namespace",
            {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {
                    "name": "tenant-acme",
                    "labels": {"plinth.dev/tenant": "acme", "pod-security.kubernetes.io/enforce": "restricted"},
                },
            },
            [(f"metadata.labels.{PSA}", DELETE), (f"metadata.labels.{PSA}", "baseline")],
            "metadata.labels",
        ),
        "kubernetes-rbac-defaultserviceaccount-forbidden": (
            "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "RoleBinding",
                "metadata": {"name": "app", "namespace": "tenant-acme"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "app"},
                "subjects": [{"kind": "ServiceAccount", "name": "app", "namespace": "tenant-acme"}],
            },
            [("subjects.0.name", "default")],
            "subjects",
        ),
    }
)

# The AWS families of issue 13 live in their own module; they join the common table here.
from tests.policies.cases_aws import AWS_CASES  # noqa: E402

CASES.update(AWS_CASES)
# The GCP and Azure coverage policies keep their cases in their own module (one file per branch of work).
from tests.policies.cases_gcp_azure import CASES as _GCP_AZURE_CASES  # noqa: E402

CASES.update(_GCP_AZURE_CASES)
