"""Which input changes force a replacement, for every resource type Plinth creates: one table, with sources.

A provider decides in its ``Diff`` whether a change can be made in place or needs a new resource
(create a replacement, delete the old one). Offline there is no provider to ask, so ``plinth
diff`` reads this table. Each rule names the provider's own source of the fact:

* **Terraform-bridged providers** (``aws``, ``gcp``, ``time``, ``random``): the upstream Terraform provider marks
  the attribute ``ForceNew: true`` in the resource's schema; the Pulumi bridge turns that into a
  replacement (the link is to the resource's implementation in the upstream provider).
* **azure-native**: every property that is part of the resource's ARM URL path (resource group,
  account, vault, key, ... names) replaces the resource (pulumi-azure-native ``provider/pkg/provider/diff.go``,
  issue #77 "Force replacements if any of the identifier properties changes"), and so does a body
  property the provider's metadata marks ``forceNew`` (``location`` of tracked resources).
* **kubernetes**: ``metadata.name`` and ``metadata.namespace`` of every object, plus the per-kind list
  of ``forceNewProperties`` (pulumi-kubernetes ``provider/pkg/provider/diff.go``), e.g. a
  RoleBinding's ``roleRef``; ConfigMap ``data``/``binaryData`` unless the provider enables mutable
  ConfigMaps (Plinth's kubernetes provider does not); Helm releases replace on ``name``/``namespace``
  (``helm_release.go``: ``forceNewFields``).
* **providers**: a change of the AWS provider's ``region`` replaces every resource it manages
  (pulumi-aws #4000); a Kubernetes provider pointed at another cluster (kubeconfig, context, cluster
  or ``clusterIdentifier``) replaces its resources (pulumi-kubernetes ``DiffConfig``).

Paths are the camelCase input names of the plan (``pulumi preview --json``), dotted, without list
indexes; a change at or below a path matches it. ``tests/test_replacements.py`` checks every
property named here against the installed provider SDK's input types (so a renamed input cannot
go unnoticed), that every custom type in the committed plans has an entry, and the rules sourced
from the SDK's own documentation ("This field is immutable") against that documentation.

Not covered (said in the report instead of guessed): a type without an entry falls back to
"update" with the note that its replacement rules are unknown to Plinth.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scripts.pulumi_json import PROVIDER_PREFIX

_TF_AWS = "https://github.com/hashicorp/terraform-provider-aws/blob/main/internal/service/"
_TF_GOOGLE = "https://github.com/hashicorp/terraform-provider-google/blob/main/google/services/"
_TF_TIME = "https://github.com/hashicorp/terraform-provider-time/blob/main/internal/provider/"
_TF_RANDOM = "https://github.com/hashicorp/terraform-provider-random/blob/main/internal/provider/"
_AZURE_PATH = "https://github.com/pulumi/pulumi-azure-native/issues/77"
_AZURE_FORCE_NEW = "https://github.com/pulumi/pulumi-azure-native/blob/master/provider/pkg/provider/diff.go"
_K8S = "https://github.com/pulumi/pulumi-kubernetes/blob/master/provider/pkg/provider/diff.go"
_K8S_HELM = "https://github.com/pulumi/pulumi-kubernetes/blob/master/provider/pkg/provider/helm_release.go"
_K8S_PROVIDER = "https://github.com/pulumi/pulumi-kubernetes/blob/master/provider/pkg/provider/provider.go"
_AWS_REGION = "https://github.com/pulumi/pulumi-aws/pull/4000"

#: Evidence kinds: the upstream provider's code, or the installed SDK's own documentation of the input.
UPSTREAM = "upstream"
SDK_DOC = "sdk-doc"


@dataclass(frozen=True)
class Rule:
    """Changes at or below any of ``paths`` replace a resource of ``type``."""

    type: str
    paths: tuple[str, ...]
    source: str
    evidence: str = UPSTREAM

    def segments(self) -> list[tuple[str, ...]]:
        return [tuple(p.split(".")) for p in self.paths]


def _aws_bucket_child(type_: str, file: str) -> Rule:
    return Rule(type_, ("bucket", "expectedBucketOwner"), _TF_AWS + f"s3/{file}")


_RULES: tuple[Rule, ...] = (
    # -- AWS (terraform-provider-aws, ForceNew) ------------------------------------------------
    Rule("aws:s3/bucket:Bucket", ("bucket", "bucketPrefix", "objectLockEnabled", "region"), _TF_AWS + "s3/bucket.go"),
    _aws_bucket_child("aws:s3/bucketVersioning:BucketVersioning", "bucket_versioning.go"),
    _aws_bucket_child(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "bucket_server_side_encryption_configuration.go",
    ),
    _aws_bucket_child(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "bucket_lifecycle_configuration.go"
    ),
    _aws_bucket_child("aws:s3/bucketLogging:BucketLogging", "bucket_logging.go"),
    Rule("aws:s3/bucketPolicy:BucketPolicy", ("bucket",), _TF_AWS + "s3/bucket_policy.go"),
    Rule(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        ("bucket",),
        _TF_AWS + "s3/bucket_public_access_block.go",
    ),
    Rule(
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
        ("bucket",),
        _TF_AWS + "s3/bucket_ownership_controls.go",
    ),
    Rule(
        "aws:kms/key:Key",
        ("customerMasterKeySpec", "keyUsage", "multiRegion", "customKeyStoreId", "xksKeyId"),
        _TF_AWS + "kms/key.go",
    ),
    Rule("aws:kms/alias:Alias", ("name", "namePrefix"), _TF_AWS + "kms/alias.go"),
    Rule("aws:iam/role:Role", ("name", "namePrefix", "path"), _TF_AWS + "iam/role.go"),
    Rule("aws:iam/rolePolicy:RolePolicy", ("name", "namePrefix", "role"), _TF_AWS + "iam/role_policy.go"),
    Rule("aws:iam/openIdConnectProvider:OpenIdConnectProvider", ("url",), _TF_AWS + "iam/openid_connect_provider.go"),
    Rule(
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        ("role", "policyArn"),
        _TF_AWS + "iam/role_policy_attachment.go",
    ),
    Rule("aws:sns/topic:Topic", ("name", "namePrefix", "fifoTopic"), _TF_AWS + "sns/topic.go"),
    Rule("aws:sns/topicPolicy:TopicPolicy", ("arn",), _TF_AWS + "sns/topic_policy.go"),
    Rule(
        "aws:sns/topicSubscription:TopicSubscription",
        ("topic", "protocol", "endpoint"),
        _TF_AWS + "sns/topic_subscription.go",
    ),
    # AWS Backup: plans and vaults replace on their name (and a vault on its key); selections, vault
    # lock configurations and vault notifications have no update at all (every argument ForceNew).
    Rule("aws:backup/plan:Plan", ("name",), _TF_AWS + "backup/plan.go"),
    Rule("aws:backup/vault:Vault", ("name", "kmsKeyArn"), _TF_AWS + "backup/vault.go"),
    Rule(
        "aws:backup/selection:Selection",
        ("name", "planId", "iamRoleArn", "selectionTags", "conditions", "resources", "notResources"),
        _TF_AWS + "backup/selection.go",
    ),
    Rule(
        "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
        ("backupVaultName", "changeableForDays", "maxRetentionDays", "minRetentionDays"),
        _TF_AWS + "backup/vault_lock_configuration.go",
    ),
    Rule(
        "aws:backup/vaultNotifications:VaultNotifications",
        ("backupVaultName", "snsTopicArn", "backupVaultEvents"),
        _TF_AWS + "backup/vault_notifications.go",
    ),
    Rule("aws:backup/restoreTestingPlan:RestoreTestingPlan", ("name",), _TF_AWS + "backup/restore_testing_plan.go"),
    Rule(
        "aws:backup/restoreTestingSelection:RestoreTestingSelection",
        ("name", "restoreTestingPlanName", "protectedResourceType"),
        _TF_AWS + "backup/restore_testing_selection.go",
    ),
    # -- GCP (terraform-provider-google, ForceNew) ---------------------------------------------
    Rule(
        "gcp:storage/bucket:Bucket", ("name", "location", "project"), _TF_GOOGLE + "storage/resource_storage_bucket.go"
    ),
    Rule(
        "gcp:storage/bucketIAMMember:BucketIAMMember",
        ("bucket", "role", "member", "condition"),
        _TF_GOOGLE + "storage/iam_storage_bucket.go",
    ),
    Rule("gcp:kms/keyRing:KeyRing", ("name", "location", "project"), _TF_GOOGLE + "kms/resource_kms_key_ring.go"),
    Rule(
        "gcp:kms/cryptoKey:CryptoKey",
        ("name", "keyRing", "purpose", "importOnly", "skipInitialVersionCreation", "versionTemplate.protectionLevel"),
        _TF_GOOGLE + "kms/resource_kms_crypto_key.go",
    ),
    Rule("gcp:kms/cryptoKey:CryptoKey", ("purpose",), "pulumi_gcp.kms.CryptoKey: purpose", SDK_DOC),
    Rule(
        "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
        ("cryptoKeyId", "role", "member", "condition"),
        _TF_GOOGLE + "kms/iam_kms_crypto_key.go",
    ),
    Rule(
        "gcp:serviceaccount/account:Account",
        ("accountId", "project"),
        _TF_GOOGLE + "resourcemanager/resource_google_service_account.go",
    ),
    Rule(
        "gcp:serviceaccount/iAMMember:IAMMember",
        ("serviceAccountId", "role", "member", "condition"),
        _TF_GOOGLE + "resourcemanager/iam_service_account.go",
    ),
    Rule(
        "gcp:iam/workloadIdentityPool:WorkloadIdentityPool",
        ("workloadIdentityPoolId", "project"),
        _TF_GOOGLE + "iambeta/resource_iam_workload_identity_pool.go",
    ),
    Rule(
        "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
        ("workloadIdentityPoolId", "workloadIdentityPoolProviderId", "project"),
        _TF_GOOGLE + "iambeta/resource_iam_workload_identity_pool_provider.go",
    ),
    Rule(
        "gcp:backupdisasterrecovery/backupVault:BackupVault",
        ("backupVaultId", "location", "project"),
        _TF_GOOGLE + "backupdr/resource_backup_dr_backup_vault.go",
    ),
    Rule(
        "gcp:monitoring/alertPolicy:AlertPolicy",
        ("project",),
        _TF_GOOGLE + "monitoring/resource_monitoring_alert_policy.go",
    ),
    Rule(
        "gcp:monitoring/notificationChannel:NotificationChannel",
        ("project",),
        _TF_GOOGLE + "monitoring/resource_monitoring_notification_channel.go",
    ),
    Rule(
        "gcp:storage/transferJob:TransferJob",
        ("project",),
        _TF_GOOGLE + "storagetransfer/resource_storage_transfer_job.go",
    ),
    # -- Azure (azure-native: URL path parameters, forceNew body properties) --------------------
    Rule("azure-native:resources:ResourceGroup", ("resourceGroupName", "location"), _AZURE_PATH),
    Rule(
        "azure-native:resources:ResourceGroup",
        ("location",),
        "pulumi_azure_native.resources.ResourceGroup: location",
        SDK_DOC,
    ),
    Rule("azure-native:storage:StorageAccount", ("resourceGroupName", "accountName", "location"), _AZURE_PATH),
    Rule("azure-native:storage:BlobContainer", ("resourceGroupName", "accountName", "containerName"), _AZURE_PATH),
    Rule(
        "azure-native:storage:BlobServiceProperties",
        ("resourceGroupName", "accountName", "blobServicesName"),
        _AZURE_PATH,
    ),
    Rule("azure-native:keyvault:Vault", ("resourceGroupName", "vaultName", "location"), _AZURE_PATH),
    Rule("azure-native:keyvault:Key", ("resourceGroupName", "vaultName", "keyName"), _AZURE_PATH),
    Rule(
        "azure-native:managedidentity:UserAssignedIdentity",
        ("resourceGroupName", "resourceName", "location"),
        _AZURE_PATH,
    ),
    Rule(
        "azure-native:managedidentity:FederatedIdentityCredential",
        ("resourceGroupName", "resourceName", "federatedIdentityCredentialResourceName"),
        _AZURE_PATH,
    ),
    Rule("azure-native:authorization:RoleAssignment", ("scope", "roleAssignmentName"), _AZURE_PATH),
    Rule("azure-native:authorization:RoleAssignment", ("principalId", "roleDefinitionId"), _AZURE_FORCE_NEW),
    Rule("azure-native:monitor:DiagnosticSetting", ("resourceUri", "name"), _AZURE_PATH),
    Rule("azure-native:operationalinsights:Workspace", ("resourceGroupName", "workspaceName", "location"), _AZURE_PATH),
    Rule("azure-native:dataprotection:BackupVault", ("resourceGroupName", "vaultName", "location"), _AZURE_PATH),
    Rule(
        "azure-native:dataprotection:BackupPolicy", ("resourceGroupName", "vaultName", "backupPolicyName"), _AZURE_PATH
    ),
    Rule(
        "azure-native:dataprotection:BackupInstance",
        ("resourceGroupName", "vaultName", "backupInstanceName"),
        _AZURE_PATH,
    ),
    # -- Kubernetes (pulumi-kubernetes forceNewProperties) --------------------------------------
    Rule("kubernetes:", ("metadata.name", "metadata.namespace"), _K8S),
    Rule("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", ("roleRef",), _K8S),
    Rule(
        "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
        ("roleRef",),
        "pulumi_kubernetes.rbac.v1.RoleBinding: role_ref",
        SDK_DOC,
    ),
    Rule("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", ("roleRef",), _K8S),
    Rule("kubernetes:core/v1:ConfigMap", ("data", "binaryData"), _K8S),
    Rule("kubernetes:core/v1:Secret", ("type", "data", "stringData"), _K8S),
    Rule("kubernetes:core/v1:ResourceQuota", ("spec.scopes",), _K8S),
    Rule("kubernetes:helm.sh/v3:Release", ("name", "namespace"), _K8S_HELM),
    # -- time (terraform-provider-time: every argument ForceNew) --------------------------------
    Rule(
        "time:index/sleep:Sleep", ("createDuration", "destroyDuration", "triggers"), _TF_TIME + "resource_time_sleep.go"
    ),
    Rule(
        "time:index/offset:Offset",
        (
            "baseRfc3339",
            "offsetDays",
            "offsetHours",
            "offsetMinutes",
            "offsetMonths",
            "offsetSeconds",
            "offsetYears",
            "triggers",
        ),
        _TF_TIME + "resource_time_offset.go",
    ),
    # -- random (terraform-provider-random: every argument RequiresReplace) ----------------------
    Rule(
        "random:index/randomPassword:RandomPassword",
        (
            "keepers",
            "length",
            "lower",
            "minLower",
            "minNumeric",
            "minSpecial",
            "minUpper",
            "number",
            "numeric",
            "overrideSpecial",
            "special",
            "upper",
        ),
        _TF_RANDOM + "resource_password.go",
    ),
    # -- providers: a change that moves every resource the provider manages --------------------
    Rule(f"{PROVIDER_PREFIX}aws", ("region",), _AWS_REGION),
    Rule(f"{PROVIDER_PREFIX}kubernetes", ("kubeconfig", "context", "cluster", "clusterIdentifier"), _K8S_PROVIDER),
)

#: Types whose inputs Plinth knows hold no replace-on-change property beyond the package-wide rules.
NO_EXTRA_RULES: dict[str, str] = {
    "kubernetes:core/v1:Namespace": _K8S,
    "kubernetes:core/v1:LimitRange": _K8S,
    "kubernetes:core/v1:ServiceAccount": _K8S,
    "kubernetes:core/v1:ServiceAccountPatch": _K8S,
    "kubernetes:networking.k8s.io/v1:NetworkPolicy": _K8S,
    "kubernetes:rbac.authorization.k8s.io/v1:Role": _K8S,
    "kubernetes:monitoring.coreos.com/v1:PodMonitor": _K8S,
    "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": _K8S,
    "kubernetes:monitoring.coreos.com/v1:PrometheusRule": _K8S,
    f"{PROVIDER_PREFIX}gcp": "https://github.com/pulumi/pulumi-gcp",
    f"{PROVIDER_PREFIX}azure-native": "https://github.com/pulumi/pulumi-azure-native",
    f"{PROVIDER_PREFIX}time": "https://github.com/pulumiverse/pulumi-time",
    f"{PROVIDER_PREFIX}random": "https://github.com/pulumi/pulumi-random",
}

RULES: tuple[Rule, ...] = _RULES


def rules_for(type_: str) -> list[Rule]:
    """The rules of one type: its own, then its package's (``kubernetes:``), Helm releases excepted."""
    own = [r for r in RULES if r.type == type_]
    if type_.startswith("kubernetes:") and not type_.startswith("kubernetes:helm.sh/"):
        own += [r for r in RULES if r.type == "kubernetes:"]
    return own


def known(type_: str) -> bool:
    """Whether Plinth knows this type's replacement rules."""
    return bool(rules_for(type_)) or type_ in NO_EXTRA_RULES


def forcing_rule(type_: str, segments: tuple[str, ...], old: Any = None, new: Any = None) -> Rule | None:
    """The rule a change at ``segments`` (a path's keys, no list indexes) triggers, if any.

    A change at or below a rule's path matches. A change of a whole object that contains the path
    (``metadata`` added or removed as a whole, values ``old``/``new``) matches when the value at
    the rest of the path differs between the two.
    """
    for rule in rules_for(type_):
        for path in rule.segments():
            if path[: len(segments)] != segments[: len(path)]:
                continue
            if len(segments) >= len(path) or _dig(old, path[len(segments) :]) != _dig(new, path[len(segments) :]):
                return rule
    return None


def _dig(value: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value
