"""Azure Data Protection and GCP as their providers enforce them: identities granted (and propagated) before
they are relied on, keys in the copy's region, service agents from the providers' lookups."""

from __future__ import annotations

import pytest

from components.backup import azure as backup_azure
from components.backup import gcp as backup_gcp
from components.backup.spec import TIER_DEFAULTS, BackupPolicy
from tests.backup.helpers import backup_resources, backup_stack, run_platform, tenant
from tests.tenant.helpers import named, of_kind, only, tenant_resources

STORAGE_ACCOUNT_BACKUP_CONTRIBUTOR = "e5e2a7ff-d759-4cd2-bb51-3152d37e2eb1"


# --- Azure --------------------------------------------------------------------------------------------------
def test_the_vault_identity_holds_its_role_on_the_account_before_the_instance_exists(dev_plan):
    resources = backup_resources(dev_plan, "initech")
    grant = named(resources, "azure-native:authorization:RoleAssignment", "initech-backup-storage-access")
    assert grant.inputs["roleDefinitionId"].endswith(STORAGE_ACCOUNT_BACKUP_CONTRIBUTOR)
    account = only(tenant_resources(dev_plan, "initech"), "azure-native:storage:StorageAccount")
    assert grant.inputs["scope"].endswith(
        f"/providers/Microsoft.Storage/storageAccounts/{account.inputs['accountName']}"
    )
    sleep = named(resources, "time:index/sleep:Sleep", "initech-backup-storage-access-propagation")
    assert grant.urn in sleep.dependencies and sleep.inputs["createDuration"] == "120s"
    instance = only(resources, "azure-native:dataprotection:BackupInstance")
    assert grant.urn in instance.dependencies and sleep.urn in instance.dependencies, (
        "Azure validates the vault's access when the instance is created: the role must have propagated"
    )
    assert account.urn in instance.dependencies, "the instance protects an account that exists"
    source = instance.inputs["properties"]["dataSourceInfo"]
    assert source["datasourceType"] == "Microsoft.Storage/storageAccounts/blobServices"
    assert instance.inputs["properties"]["policyInfo"]["policyParameters"]["backupDatasourceParametersList"] == [
        {"objectType": "BlobBackupDatasourceParameters", "containersList": ["data"]}
    ]


def test_the_vault_is_soft_deleted_encrypted_with_a_granted_key_and_geo_redundant_when_copying(dev_plan):
    resources = backup_resources(dev_plan, "initech")
    vault = only(resources, "azure-native:dataprotection:BackupVault")
    props = vault.inputs["properties"]
    assert props["securitySettings"]["softDeleteSettings"]["state"] == "AlwaysOn"
    assert props["storageSettings"] == [{"datastoreType": "VaultStore", "type": "GeoRedundant"}]
    assert props["featureSettings"]["crossRegionRestoreSettings"]["state"] == "Enabled"
    assert props["securitySettings"]["immutabilitySettings"]["state"] == "Disabled", "standard: not immutable"
    encryption = props["securitySettings"]["encryptionSettings"]
    assert encryption["kekIdentity"]["identityType"] == "UserAssigned"
    assert encryption["keyVaultProperties"]["keyUri"].endswith("/keys/backup")
    key_grant = named(resources, "time:index/sleep:Sleep", "initech-backup-key-access-propagation")
    assert key_grant.urn in vault.dependencies, "the vault uses its key only after the identity's grant propagated"
    assert vault.inputs["identity"]["type"] == "SystemAssigned,UserAssigned"
    assert vault.protect and vault.retain_on_delete


def test_the_blob_policy_has_operational_and_vaulted_backup_with_the_tiers_retention(dev_plan):
    rules = only(backup_resources(dev_plan, "initech"), "azure-native:dataprotection:BackupPolicy").inputs[
        "properties"
    ]["policyRules"]
    defaults = {
        r["lifecycles"][0]["sourceDataStore"]["dataStoreType"]: r["lifecycles"][0]["deleteAfter"]["duration"]
        for r in rules
        if r["objectType"] == "AzureRetentionRule" and r["isDefault"]
    }
    assert defaults == {"OperationalStore": "P14D", "VaultStore": "P14D"}, "standard: 14 days of each"
    weekly = next(r for r in rules if r["name"] == "Weekly")
    assert weekly["lifecycles"][0]["deleteAfter"]["duration"] == "P28D"
    backup = next(r for r in rules if r["objectType"] == "AzureBackupRule")
    assert backup["trigger"]["schedule"]["repeatingTimeIntervals"] == ["R/2024-01-01T03:00:00+00:00/P1D"]
    tags = {t["tagInfo"]["tagName"] for t in backup["trigger"]["taggingCriteria"]}
    assert tags == {"Default", "Weekly"}, "every retention rule has the tag that selects its points"


def test_azure_immutability_by_tier_and_a_warning_for_locked_vaults():
    plan = run_platform(
        backup_stack(
            tenant(cloud="azure", tier="enterprise", region="eastus"),
            backup={
                "tenants": {
                    "acme": {
                        "copyTo": {"region": "westus"},
                        "immutability": {"mode": "compliance"},
                        "notify": {"email": ["ops@example.com"]},
                    }
                }
            },
        )
    )
    resources = backup_resources(plan, "acme")
    vault = only(resources, "azure-native:dataprotection:BackupVault")
    assert vault.inputs["properties"]["securitySettings"]["immutabilitySettings"]["state"] == "Locked"
    warnings = [d.message for d in plan.diagnostics if d.severity == "warning"]
    assert any("locked immutability: it is irreversible" in w for w in warnings), warnings
    group = only(resources, "azure-native:monitor:ActionGroup").inputs
    assert group["emailReceivers"] == [
        {"name": "email-0", "emailAddress": "ops@example.com", "useCommonAlertSchema": True}
    ]
    routing = only(resources, "azure-native:alertsmanagement:AlertProcessingRuleByName").inputs["properties"]
    assert routing["scopes"][0].endswith(f"/backupVaults/{vault.inputs['vaultName']}")


def test_azure_pairs_are_symmetric_where_azure_pairs_both_ways():
    one_way = {"westus3"}
    for region, pair in backup_azure.PAIRS.items():
        if region not in one_way:
            assert backup_azure.PAIRS[pair] == region, region


# --- GCP ----------------------------------------------------------------------------------------------------
def test_the_copy_bucket_has_its_own_regional_key_granted_to_the_storage_agent_first(dev_plan):
    resources = backup_resources(dev_plan, "globex")
    bucket = named(resources, "gcp:storage/bucket:Bucket", "globex-backup-copy")
    assert bucket.inputs["location"] == "EUROPE-WEST1"
    key = bucket.inputs["encryption"]["defaultKmsKeyName"]
    assert key.startswith("projects/plinth-dev-4821/locations/europe-west1/keyRings/"), "KMS keys are regional"
    grant = named(resources, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "globex-backup-copy-key-storage-agent")
    assert grant.inputs["member"] == "serviceAccount:service-482193756012@gs-project-accounts.iam.gserviceaccount.com"
    assert grant.urn in bucket.dependencies, "Cloud Storage refuses a default key its agent may not use"
    assert bucket.inputs["versioning"] == {"enabled": True} and "retentionPolicy" not in bucket.inputs, (
        "a bucket retention policy excludes versioning and blocks the copy of changed objects"
    )
    assert bucket.inputs["softDeletePolicy"]["retentionDurationSeconds"] == 90 * 24 * 3600, "immutable tier: 90 days"
    assert bucket.protect and bucket.retain_on_delete


def test_the_transfer_job_copies_without_deleting_and_its_agent_is_granted_first(dev_plan):
    resources = backup_resources(dev_plan, "globex")
    job = only(resources, "gcp:storage/transferJob:TransferJob")
    spec = job.inputs["transferSpec"]
    source = named(tenant_resources(dev_plan, "globex"), "gcp:storage/bucket:Bucket", "globex-data").inputs["name"]
    assert spec["gcsDataSource"] == {"bucketName": source}
    assert spec["transferOptions"]["deleteObjectsUniqueInSink"] is False, "a deletion upstream never deletes the copy"
    assert job.inputs["schedule"]["repeatInterval"] == f"{4 * 3600}s", "globex copies every 4 hours"
    grants = of_kind(resources, "gcp:storage/bucketIAMMember:BucketIAMMember")
    assert {g.inputs["member"] for g in grants} == {
        "serviceAccount:project-482193756012@storage-transfer-service.iam.gserviceaccount.com"
    }
    assert {(g.inputs["bucket"] == source, g.inputs["role"]) for g in grants} == {
        (True, "roles/storage.objectViewer"),
        (True, "roles/storage.legacyBucketReader"),
        (False, "roles/storage.legacyBucketWriter"),
        (False, "roles/storage.objectViewer"),
    }
    assert all(g.urn in job.dependencies for g in grants)


def test_hipaa_tenants_get_a_vault_with_enforced_retention_and_cmek(dev_plan):
    resources = backup_resources(dev_plan, "globex")
    vault = only(resources, "gcp:backupdisasterrecovery/backupVault:BackupVault")
    assert vault.inputs["backupMinimumEnforcedRetentionDuration"] == f"{35 * 24 * 3600}s"
    assert vault.inputs["encryptionConfig"]["kmsKeyName"].endswith("/cryptoKeys/backup")
    agent = named(resources, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "globex-backup-vault-key-agent")
    assert agent.inputs["member"] == "serviceAccount:service-482193756012@gcp-sa-backupdr.iam.gserviceaccount.com"
    assert agent.urn in vault.dependencies
    assert vault.inputs["deletionPolicy"] == "PREVENT" and vault.protect


def test_listed_instances_are_associated_after_the_vault_account_may_operate_them():
    plan = run_platform(
        backup_stack(
            tenant(cloud="gcp", tier="standard"),
            backup={
                "tenants": {
                    "acme": {
                        "rpo": "6h",
                        "schedule": {
                            "gcp": {"recurrenceType": "HOURLY", "hourlyFrequency": 2},
                            "velero": "0 */4 * * *",
                        },
                        "immutability": {"mode": "compliance"},
                        "gcp": {
                            "protect": [
                                {
                                    "resourceType": "compute.googleapis.com/Instance",
                                    "resource": "projects/plinth-test-123/zones/europe-west4-a/instances/worker",
                                }
                            ]
                        },
                    }
                }
            },
        )
    )
    resources = backup_resources(plan, "acme")
    operator = only(resources, "gcp:projects/iAMMember:IAMMember")
    assert operator.inputs["role"] == "roles/backupdr.computeEngineOperator"
    association = only(resources, "gcp:backupdisasterrecovery/backupPlanAssociation:BackupPlanAssociation")
    assert operator.urn in association.dependencies
    rule = only(resources, "gcp:backupdisasterrecovery/backupPlan:BackupPlan").inputs["backupRules"][0]
    assert rule["standardSchedule"]["hourlyFrequency"] == 2 and rule["backupRetentionDays"] == 14
    lock = only(resources, "time:index/offset:Offset")
    assert lock.inputs["offsetDays"] == 3
    assert any("locks its minimum enforced retention" in d.message for d in plan.diagnostics)


@pytest.mark.parametrize("tier", list(TIER_DEFAULTS))
def test_gcp_recurrences_of_the_tier_defaults_parse(tier):
    policy = BackupPolicy.model_validate({**TIER_DEFAULTS[tier]})
    assert backup_gcp.rpo.gcp_recurrence(policy.schedule.gcp.rule()).schedule.times()
