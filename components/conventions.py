"""Every naming, tagging and limit convention of Plinth, in one place.

Components, policies and tools import from here; nothing else spells a tag key, a label
name or a provider length limit. Functions here are pure and covered by property tests.
"""

from __future__ import annotations

import hashlib
import re
from typing import Mapping

# --- Pulumi type tokens --------------------------------------------------------------------
PACKAGE = "plinth"


def type_token(class_name: str) -> str:
    """Type token of a Plinth component: ``plinth:index:<ClassName>`` (DESIGN example 2)."""
    return f"{PACKAGE}:index:{class_name}"


# --- Labels and tags -----------------------------------------------------------------------
# Kubernetes recommended labels: https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/
LABEL_MANAGED_BY = "app.kubernetes.io/managed-by"
LABEL_PART_OF = "app.kubernetes.io/part-of"
# Plinth's own label keys (prefix owned by the project).
LABEL_PREFIX = "plinth.dev"
LABEL_TENANT = f"{LABEL_PREFIX}/tenant"
LABEL_TIER = f"{LABEL_PREFIX}/tier"
LABEL_ENVIRONMENT = f"{LABEL_PREFIX}/environment"
LABEL_COST_CENTER = f"{LABEL_PREFIX}/cost-center"
LABEL_COMPLIANCE = f"{LABEL_PREFIX}/compliance"  # dot-joined, e.g. "gdpr.soc2"
LABEL_DATA_RESIDENCY = f"{LABEL_PREFIX}/data-residency"
#: On a restore drill (CronJob): the tenant whose backups it restores.
LABEL_RESTORE_DRILL = f"{LABEL_PREFIX}/restore-drill"

# Cloud tag keys (AWS and Azure accept these; GCP labels are normalised by gcp_labels()).
TAG_MANAGED_BY = "managed-by"
TAG_STACK = "plinth-stack"
TAG_ENVIRONMENT = "environment"
TAG_TENANT = "tenant"
TAG_TIER = "tier"
TAG_COST_CENTER = "cost-center"
TAG_COMPLIANCE = "compliance"
TAG_DATA_RESIDENCY = "data-residency"
#: Present (value "delete") only on data a tenant spec allows Pulumi to delete; policies read it.
TAG_DATA_DELETION = "data-deletion"
MANAGED_BY_VALUE = "plinth"

#: Tags every taggable cloud resource must carry (the required-tags policy checks these).
REQUIRED_TAGS: tuple[str, ...] = (TAG_MANAGED_BY, TAG_ENVIRONMENT)
#: Additionally required on resources that belong to a tenant.
REQUIRED_TENANT_TAGS: tuple[str, ...] = (TAG_TENANT, TAG_COST_CENTER)


def tags(base: Mapping[str, str] | None = None, /, **extra: str | None) -> dict[str, str]:
    """Merge tag sets left to right; later (user-given) values win, ``None`` values are dropped.

    ``tags({"a": "1"}, a="2") == {"a": "2"}`` - user tags always override defaults.
    Keyword names use ``_`` where tag keys use ``-`` (``cost_center`` -> ``cost-center``).
    """
    merged: dict[str, str] = {}
    for source in (base or {}), {k.replace("_", "-"): v for k, v in extra.items()}:
        for key, value in source.items():
            if value is None:
                continue
            merged[str(key)] = str(value)
    return merged


# GCP labels: keys and values <= 63 chars, lowercase letters, digits, '_' and '-'; keys start
# with a letter. https://cloud.google.com/resource-manager/docs/labels-overview#requirements
GCP_LABEL_MAX = 63
_GCP_LABEL_BAD = re.compile(r"[^a-z0-9_-]")


def gcp_label_value(value: str) -> str:
    return _GCP_LABEL_BAD.sub("_", value.lower())[:GCP_LABEL_MAX]


def gcp_labels(source: Mapping[str, str]) -> dict[str, str]:
    """Normalise a tag map into valid GCP labels (keys and values)."""
    out: dict[str, str] = {}
    for key, value in source.items():
        k = gcp_label_value(key)
        if not k or not k[0].isalpha():
            k = ("l" + k)[:GCP_LABEL_MAX]
        out[k] = gcp_label_value(value)
    return out


# --- Identifiers and names -----------------------------------------------------------------
#: Tenant ids: DNS-1123 label, short enough to leave room for prefixes/suffixes in every
#: provider's limit below.
TENANT_ID_PATTERN = r"^[a-z]([a-z0-9-]{0,18}[a-z0-9])?$"
TENANT_ID_MAX = 20

# Kubernetes: DNS-1123 label, 63 chars.
# https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
K8S_NAME_MAX = 63
# S3 bucket names: 3-63 chars, lowercase, digits, '-', '.'.
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
S3_BUCKET_MAX = 63
# GCS bucket names: 3-63 chars (without dots). https://cloud.google.com/storage/docs/buckets#naming
GCS_BUCKET_MAX = 63
# Azure storage account: 3-24 chars, lowercase letters and digits only.
# https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftstorage
AZURE_STORAGE_MAX = 24
# Azure Key Vault: 3-24 chars, alphanumerics and hyphens, starts with a letter.
# https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftkeyvault
AZURE_KEYVAULT_MAX = 24
# IAM role names: 64 chars. https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
AWS_IAM_ROLE_MAX = 64
# GCP service account id: 6-30 chars, [a-z][a-z0-9-]*[a-z0-9].
# https://cloud.google.com/iam/docs/service-accounts-create#creating
GCP_SERVICE_ACCOUNT_MAX = 30
# GCP KMS key ring / key ids: up to 63 chars [a-zA-Z0-9_-].
GCP_KMS_MAX = 63
# GCP workload identity pool and provider ids: 4-32 chars [a-z0-9-], "gcp-" prefix reserved.
# https://cloud.google.com/iam/docs/reference/rest/v1/projects.locations.workloadIdentityPools/create
GCP_WIF_ID_MAX = 28  # leaves room for the provider's "-k8s" suffix
# Azure resource group: up to 90 chars.
AZURE_RESOURCE_GROUP_MAX = 90


def short_hash(*parts: str, length: int = 6) -> str:
    """Deterministic lowercase hex digest of the parts; stable across runs and machines."""
    digest = hashlib.sha256("/".join(parts).encode()).hexdigest()
    return digest[:length]


def physical_name(*parts: str, max_len: int, sep: str = "-", alnum_only: bool = False) -> str:
    """A provider-safe physical name from parts, unique and stable.

    Lowercases, joins with ``sep`` and, when the result is too long, truncates and appends a
    hash of the full name so two long names never collide. ``alnum_only`` drops every
    non-alphanumeric character (Azure storage accounts).
    """
    raw = sep.join(p for p in parts if p).lower()
    if alnum_only:
        cleaned = re.sub(r"[^a-z0-9]", "", raw)
        sep = ""
    else:
        cleaned = re.sub(r"[^a-z0-9-]", "-", raw).strip("-")
        cleaned = re.sub(r"-{2,}", "-", cleaned)
    if len(cleaned) <= max_len:
        return cleaned
    suffix = short_hash(raw)
    keep = max_len - len(suffix) - len(sep)
    head = cleaned[:keep].rstrip("-")
    return f"{head}{sep}{suffix}"


#: Provider naming rules the length limits above do not cover: (pattern the whole name must match,
#: patterns it must not contain), by kind of name.
NAME_RULES: dict[str, tuple[str, tuple[str, ...]]] = {
    # https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
    "s3-bucket": (
        r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
        (
            r"\.\.",
            r"^xn--",
            r"^sthree-",
            r"^amzn-s3-demo-",
            r"-s3alias$",
            r"--ol-s3$",
            r"--x-s3$",
            r"--table-s3$",
            r"^\d+\.\d+\.\d+\.\d+$",
        ),
    ),
    # https://cloud.google.com/storage/docs/buckets#naming: no "google" or close misspellings, no "goog" prefix
    "gcs-bucket": (r"[a-z0-9][a-z0-9_.-]{1,61}[a-z0-9]", (r"g[o0][o0]g[l1][e3]", r"^goog")),
    # https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules
    "azure-key-vault": (r"[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]", (r"--",)),
    "azure-storage-account": (r"[a-z0-9]{3,24}", ()),
    "azure-resource-group": (r"[-\w._()]{0,89}[-\w_()]", ()),
    "azure-managed-identity": (r"[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}", ()),
    "azure-federated-credential": (r"[a-zA-Z0-9][a-zA-Z0-9_-]{2,119}", ()),
    # https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
    "aws-iam-role": (r"[\w+=,.@-]{1,64}", ()),
    # https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html
    "aws-kms-alias": (r"alias/[a-zA-Z0-9/_-]{1,250}", (r"^alias/aws/",)),
    # https://cloud.google.com/iam/docs/service-accounts-create
    "gcp-service-account": (r"[a-z][a-z0-9-]{4,28}[a-z0-9]", ()),
    # https://cloud.google.com/kms/docs/resource-hierarchy (key rings and keys)
    "gcp-kms": (r"[a-zA-Z0-9_-]{1,63}", ()),
    "gcp-wif": (r"[a-z][a-z0-9-]{2,30}[a-z0-9]", (r"^gcp-",)),
    "kubernetes-namespace": (r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?", ()),
}


def name_problems(kind: str, name: str) -> list[str]:
    """Why ``name`` breaks the provider's rules for ``kind`` (empty when it is valid)."""
    pattern, forbidden = NAME_RULES[kind]
    problems = [] if re.fullmatch(pattern, name) else [f"{name!r} is not a valid {kind} name (must match {pattern})"]
    problems += [
        f"{name!r} is not a valid {kind} name (must not match {bad})" for bad in forbidden if re.search(bad, name)
    ]
    return problems


def gcs_bucket_name_problems(tenant_id: str, project: str) -> list[str]:
    """Cloud Storage refuses bucket names containing "google" or close misspellings (e.g. "g00gle")."""
    name = physical_name("plinth", "dev", tenant_id, "data", project, max_len=GCS_BUCKET_MAX)
    if name_problems("gcs-bucket", name):
        return [
            f"tenant id {tenant_id!r} cannot name a Cloud Storage bucket: bucket names must not contain 'google' "
            "or a close misspelling of it; choose another id"
        ]
    return []


def namespace_name(tenant_id: str) -> str:
    """Kubernetes namespace of a tenant."""
    return physical_name("tenant", tenant_id, max_len=K8S_NAME_MAX)


def workload_service_account(tenant_id: str) -> str:
    """Name of the tenant's workload Kubernetes ServiceAccount (in its namespace)."""
    return "workload"


# --- Namespaces the platform itself owns --------------------------------------------------
MONITORING_NAMESPACE = "monitoring"
INGRESS_NAMESPACE = "ingress-nginx"


# --- Tiers ---------------------------------------------------------------------------------
TIERS: tuple[str, ...] = ("free", "standard", "premium", "enterprise")
#: Tiers whose data is never deleted by Plinth, whatever the spec says.
PRODUCTION_TIERS: frozenset[str] = frozenset({"premium", "enterprise"})

#: Default Kubernetes ResourceQuota per tier (a tenant's ``quotas`` override single values).
#: CPU and memory are Kubernetes quantities; counts are integers.
#: Budget names: AWS Budgets allow 100 characters, GCP budget display names 60, Azure budget names 63.
AWS_BUDGET_NAME_MAX, GCP_BUDGET_NAME_MAX, AZURE_BUDGET_NAME_MAX = 100, 60, 63

TIER_QUOTAS: dict[str, dict[str, str | int]] = {
    "free": {"cpu": "2", "memory": "4Gi", "pods": 20, "pvcs": 2, "gpus": 0, "storage": "20Gi"},
    "standard": {"cpu": "8", "memory": "32Gi", "pods": 100, "pvcs": 10, "gpus": 0, "storage": "200Gi"},
    "premium": {"cpu": "32", "memory": "128Gi", "pods": 300, "pvcs": 50, "gpus": 2, "storage": "1Ti"},
    "enterprise": {"cpu": "128", "memory": "512Gi", "pods": 1000, "pvcs": 200, "gpus": 8, "storage": "10Ti"},
}

#: Days S3 server access logs of tenant buckets are kept: more than a year, so an annual audit
#: (SOC2 Type II, HIPAA 164.312(b) activity review) always finds the whole period.
ACCESS_LOG_RETENTION_DAYS = 400

#: Days before noncurrent object versions expire, per tier (bucket lifecycle rules).
TIER_NONCURRENT_RETENTION_DAYS: dict[str, int] = {"free": 7, "standard": 30, "premium": 90, "enterprise": 365}


# --- Regions ---------------------------------------------------------------------------------
# Region names and the EU test are per cloud: see components/clouds.py. These names stay for
# callers that only need the EU test.
from components.clouds import CLOUDS as _CLOUDS  # noqa: E402
from components.clouds import is_eu_region  # noqa: E402,F401

CLOUDS: tuple[str, ...] = tuple(_CLOUDS)
REGION_PATTERNS: dict[str, str] = {name: c.region_pattern for name, c in _CLOUDS.items()}


# --- Resource-type catalogues --------------------------------------------------------------
# Pulumi type tokens that policies, components and tests classify resources by. Every token is
# checked against the installed provider SDKs (tests/policies/test_catalogues.py).

#: Cloud resources whose deletion loses data or the keys to it: stores (buckets, databases,
#: disks, file systems, secrets) and the keys and containers (resource groups) around them.
#: Plinth protects and retains them unless a tenant allows ``dataDeletion: delete``, and the
#: stateful-resource policy requires ``protect`` on them (the only option packs can see).
STATEFUL_CLOUD_TYPES: frozenset[str] = frozenset(
    {
        "aws:s3/bucket:Bucket",
        "aws:s3/bucketV2:BucketV2",
        "aws:kms/key:Key",
        "aws:rds/instance:Instance",
        "aws:rds/cluster:Cluster",
        "aws:docdb/cluster:Cluster",
        "aws:redshift/cluster:Cluster",
        "aws:dynamodb/table:Table",
        "aws:opensearch/domain:Domain",
        "aws:ebs/volume:Volume",
        "aws:efs/fileSystem:FileSystem",
        "aws:backup/vault:Vault",
        "aws:secretsmanager/secret:Secret",
        "aws:rds/snapshot:Snapshot",
        "aws:rds/clusterSnapshot:ClusterSnapshot",
        "aws:kinesis/stream:Stream",
        "aws:msk/cluster:Cluster",
        "gcp:storage/bucket:Bucket",
        "gcp:backupdisasterrecovery/backupVault:BackupVault",
        "gcp:kms/keyRing:KeyRing",
        "gcp:kms/cryptoKey:CryptoKey",
        "gcp:sql/databaseInstance:DatabaseInstance",
        "gcp:spanner/instance:Instance",
        "gcp:bigquery/dataset:Dataset",
        "gcp:compute/disk:Disk",
        "gcp:compute/regionDisk:RegionDisk",
        "gcp:filestore/instance:Instance",
        "gcp:secretmanager/secret:Secret",
        "azure-native:resources:ResourceGroup",
        "azure-native:storage:StorageAccount",
        "azure-native:storage:BlobContainer",
        "azure-native:keyvault:Vault",
        "azure-native:keyvault:Key",
        "azure-native:keyvault:Secret",
        "azure-native:sql:Server",
        "azure-native:sql:Database",
        "azure-native:dbforpostgresql:Server",
        "azure-native:dbformysql:Server",
        "azure-native:cosmosdb:DatabaseAccount",
        "azure-native:compute:Disk",
        "azure-native:dataprotection:BackupVault",
    }
)
#: Kubernetes objects whose deletion deletes data with them: a namespace takes its volumes and
#: secrets, a claim its volume. Plinth retains them on delete (``retainOnDelete``, which policy
#: packs cannot see), so the stateful-resource policy does not ask for ``protect`` on them.
STATEFUL_KUBERNETES_TYPES: frozenset[str] = frozenset(
    {"kubernetes:core/v1:Namespace", "kubernetes:core/v1:PersistentVolumeClaim"}
)
#: Every type that holds data: retained on delete unless the tenant allows deleting its data.
STATEFUL_TYPES: frozenset[str] = STATEFUL_CLOUD_TYPES | STATEFUL_KUBERNETES_TYPES

#: Taggable cloud resources and where their tags (AWS, Azure) or labels (GCP) live in the
#: resource's properties; the required-tags policy checks exactly these types. Stateful types
#: that take tags are all here; a few kinds take none (a GCP key ring, an Azure blob container).
TAGGABLE_TYPES: dict[str, str] = {
    **{
        token: "tags"
        for token in (
            "aws:s3/bucket:Bucket",
            "aws:s3/bucketV2:BucketV2",
            "aws:kms/key:Key",
            "aws:iam/role:Role",
            "aws:rds/instance:Instance",
            "aws:rds/cluster:Cluster",
            "aws:docdb/cluster:Cluster",
            "aws:redshift/cluster:Cluster",
            "aws:dynamodb/table:Table",
            "aws:opensearch/domain:Domain",
            "aws:ec2/instance:Instance",
            "aws:ebs/volume:Volume",
            "aws:efs/fileSystem:FileSystem",
            "aws:backup/vault:Vault",
            "aws:backup/plan:Plan",
            "aws:backup/restoreTestingPlan:RestoreTestingPlan",
            "aws:sns/topic:Topic",
            "aws:secretsmanager/secret:Secret",
            "aws:ec2/vpc:Vpc",
            "aws:ec2/securityGroup:SecurityGroup",
            "aws:cloudtrail/trail:Trail",
            "aws:rds/snapshot:Snapshot",
            "aws:rds/clusterSnapshot:ClusterSnapshot",
            "aws:rds/clusterInstance:ClusterInstance",
            "aws:kinesis/stream:Stream",
            "aws:msk/cluster:Cluster",
            "aws:eks/cluster:Cluster",
            "aws:eks/nodeGroup:NodeGroup",
            "aws:elasticache/replicationGroup:ReplicationGroup",
            "aws:elasticsearch/domain:Domain",
            "aws:sqs/queue:Queue",
            "aws:sns/topic:Topic",
            "aws:ecr/repository:Repository",
            "aws:lambda/function:Function",
            "aws:ecs/taskDefinition:TaskDefinition",
            "aws:sagemaker/notebookInstance:NotebookInstance",
            "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
            "aws:cloudwatch/logGroup:LogGroup",
            "aws:ec2/launchTemplate:LaunchTemplate",
            "aws:ec2/subnet:Subnet",
            "azure-native:resources:ResourceGroup",
            "azure-native:storage:StorageAccount",
            "azure-native:keyvault:Vault",
            "azure-native:keyvault:Key",
            "azure-native:keyvault:Secret",
            "azure-native:managedidentity:UserAssignedIdentity",
            "azure-native:compute:Disk",
            "azure-native:compute:VirtualMachine",
            "azure-native:sql:Server",
            "azure-native:sql:Database",
            "azure-native:dbforpostgresql:Server",
            "azure-native:dbformysql:Server",
            "azure-native:cosmosdb:DatabaseAccount",
            "azure-native:network:VirtualNetwork",
            "azure-native:network:NetworkSecurityGroup",
            "azure-native:dataprotection:BackupVault",
        )
    },
    **{
        token: "labels"
        for token in (
            "gcp:storage/bucket:Bucket",
            "gcp:kms/cryptoKey:CryptoKey",
            "gcp:spanner/instance:Instance",
            "gcp:bigquery/dataset:Dataset",
            "gcp:compute/instance:Instance",
            "gcp:compute/disk:Disk",
            "gcp:compute/regionDisk:RegionDisk",
            "gcp:filestore/instance:Instance",
            "gcp:secretmanager/secret:Secret",
            "gcp:backupdisasterrecovery/backupVault:BackupVault",
        )
    },
    # Cloud SQL keeps its labels inside the instance settings.
    "gcp:sql/databaseInstance:DatabaseInstance": "settings.userLabels",
    # GKE calls a cluster's GCP labels resourceLabels (nodeConfig.labels are Kubernetes node labels), Cloud Run v1
    # keeps them in the Knative metadata.
    "gcp:container/cluster:Cluster": "resourceLabels",
    "gcp:container/nodePool:NodePool": "nodeConfig.resourceLabels",
    "gcp:cloudrun/service:Service": "metadata.labels",
}
