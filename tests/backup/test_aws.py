"""AWS Backup as AWS enforces it: keys usable by the backup service and copy destinations, the role's managed
policies, the selection really covering the tenant's bucket, locks, copies on every rule, notifications."""

from __future__ import annotations

import json
import re

import pytest

from components import conventions
from components.backup import aws as backup_aws
from tests.backup.helpers import backup_resources, backup_stack, run_platform, tenant
from tests.tenant.helpers import named, of_kind, only, policy_document, tenant_resources


def statements(resource, key: str = "policy") -> dict[str, dict]:
    return {s["Sid"]: s for s in policy_document(resource.inputs[key])["Statement"]}


@pytest.fixture(scope="module")
def enterprise_plan():
    """An enterprise HIPAA tenant: compliance lock, a same-account DR region, a cross-account copy, DynamoDB too."""
    section = {
        "tenants": {
            "acme": {
                "copyTo": [
                    {"region": "eu-central-1", "schedule": "cron(0 0/12 ? * * *)"},
                    {"region": "eu-north-1", "account": "999988887777", "vault": "dr-acme"},
                ],
                "drRpo": "24h",
                "rpo": "16h",  # DynamoDB has no continuous backup in AWS Backup: 12h snapshots + 3h windows
                "immutability": {"mode": "compliance", "changeableForDays": 7},
                "aws": {"resourceTypes": ["S3", "DynamoDB"]},
                "notify": {"email": ["oncall@example.com"]},
            }
        }
    }
    return run_platform(backup_stack(tenant(cloud="aws", tier="enterprise", compliance=["hipaa"]), backup=section))


def test_the_vault_key_lets_only_aws_backup_and_copy_destinations_use_it(dev_plan):
    resources = backup_resources(dev_plan, "acme")
    key = named(resources, "aws:kms/key:Key", "acme-backup-key")
    st = statements(key)
    role = "arn:aws:iam::210987654321:role/plinth-dev-acme-backup"
    assert st["BackupRoleUseThroughBackup"]["Principal"] == {"AWS": role}
    assert st["BackupRoleUseThroughBackup"]["Condition"] == {
        "StringEquals": {"kms:ViaService": "backup.eu-west-1.amazonaws.com"}
    }
    assert st["BackupRoleGrantsForAwsResources"]["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}
    assert st["BackupNotificationsToEncryptedTopic"]["Principal"] == {"Service": "backup.amazonaws.com"}
    assert key.inputs["enableKeyRotation"] is True
    assert key.protect and key.retain_on_delete, "a vault key lost is every recovery point lost"
    role_resource = only(resources, "aws:iam/role:Role")
    assert role_resource.urn in key.dependencies, "KMS refuses a key policy naming a role that does not exist yet"


def test_every_region_that_holds_copies_has_its_own_vault_and_key(dev_plan):
    resources = backup_resources(dev_plan, "acme")
    vaults = {r.inputs.get("region", "home"): r for r in of_kind(resources, "aws:backup/vault:Vault")}
    assert set(vaults) == {"home", "eu-central-1"}
    dr_key = named(resources, "aws:kms/key:Key", "acme-backup-key-eu-central-1")
    assert dr_key.inputs["region"] == "eu-central-1", "KMS keys are regional: a copy is encrypted in its region"
    assert statements(dr_key)["BackupRoleUseThroughBackup"]["Condition"]["StringEquals"]["kms:ViaService"] == (
        "backup.eu-central-1.amazonaws.com"
    )
    for vault in vaults.values():
        assert vault.inputs["name"] == "plinth-dev-acme" and vault.inputs["forceDestroy"] is False
        assert vault.protect and vault.retain_on_delete


def test_the_role_has_exactly_the_managed_policies_of_the_selected_types(dev_plan, enterprise_plan):
    s3_only = {
        r.inputs["policyArn"]
        for r in of_kind(backup_resources(dev_plan, "acme"), "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    }
    assert s3_only == {
        "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
        "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
    }
    both = {
        r.inputs["policyArn"]
        for r in of_kind(backup_resources(enterprise_plan, "acme"), "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    }
    assert both == s3_only | {
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    }
    trust = policy_document(only(backup_resources(dev_plan, "acme"), "aws:iam/role:Role").inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "backup.amazonaws.com"}


def test_the_selection_really_covers_the_tenants_bucket(dev_plan):
    """A selection that silently covers nothing is the classic failure: the bucket must match every condition."""
    selection = only(backup_resources(dev_plan, "acme"), "aws:backup/selection:Selection").inputs
    bucket = named(tenant_resources(dev_plan, "acme"), "aws:s3/bucket:Bucket", "acme-data").inputs
    arn = f"arn:aws:s3:::{bucket['bucket']}"
    assert any(re.fullmatch(pattern.replace("*", ".*"), arn) for pattern in selection["resources"])
    for condition in selection["conditions"][0]["stringEquals"]:
        tag = condition["key"].removeprefix("aws:ResourceTag/")
        assert bucket["tags"].get(tag) == condition["value"], f"the bucket lacks tag {tag}={condition['value']}"
    versioning = named(
        tenant_resources(dev_plan, "acme"), "aws:s3/bucketVersioning:BucketVersioning", "acme-data-versioning"
    )
    assert versioning.inputs["versioningConfiguration"]["status"] == "Enabled", "AWS Backup for S3 needs versioning"
    tenant_bucket = named(tenant_resources(dev_plan, "acme"), "aws:s3/bucket:Bucket", "acme-data")
    assert tenant_bucket.urn in only(backup_resources(dev_plan, "acme"), "aws:backup/selection:Selection").dependencies


def test_plan_rules_copy_every_rule_with_known_destinations(dev_plan):
    plan = only(backup_resources(dev_plan, "acme"), "aws:backup/plan:Plan").inputs
    rules = {r["ruleName"]: r for r in plan["rules"]}
    assert set(rules) == {"continuous", "backups", "weekly", "monthly"}
    assert (
        rules["continuous"]["enableContinuousBackup"] is True and rules["continuous"]["lifecycle"]["deleteAfter"] == 35
    )
    for name in ("backups", "weekly", "monthly"):
        copies = rules[name]["copyActions"]
        assert copies == [
            {
                "destinationVaultArn": "arn:aws:backup:eu-central-1:210987654321:backup-vault:plinth-dev-acme",
                "lifecycle": rules[name]["lifecycle"],
            }
        ], f"{name}: every rule copies (not only the first), with a value known at preview"
        assert rules[name]["startWindow"] == 60 and rules[name]["completionWindow"] == 120
    assert rules["monthly"]["lifecycle"]["deleteAfter"] == 12 * 31


def test_separate_copy_schedules_get_their_own_rule_and_cross_account_copies_share_the_key(enterprise_plan):
    resources = backup_resources(enterprise_plan, "acme")
    rules = {r["ruleName"]: r for r in only(resources, "aws:backup/plan:Plan").inputs["rules"]}
    assert rules["copy-eu-central-1"]["schedule"] == "cron(0 0/12 ? * * *)"
    assert [c["destinationVaultArn"] for c in rules["copy-eu-central-1"]["copyActions"]] == [
        "arn:aws:backup:eu-central-1:123456789012:backup-vault:plinth-dev-acme"
    ]
    assert [c["destinationVaultArn"] for c in rules["backups"]["copyActions"]] == [
        "arn:aws:backup:eu-north-1:999988887777:backup-vault:dr-acme"
    ]
    assert rules["yearly"]["lifecycle"]["deleteAfter"] == 7 * 366, "HIPAA/enterprise: seven years of yearly points"
    key = named(resources, "aws:kms/key:Key", "acme-backup-key")
    assert statements(key)["CopyDestinationAccounts"]["Principal"] == {"AWS": ["arn:aws:iam::999988887777:root"]}
    assert not [r for r in of_kind(resources, "aws:backup/vault:Vault") if r.inputs.get("region") == "eu-north-1"], (
        "the other account's vault is that account's to create"
    )


def test_compliance_locks_are_irreversible_and_said_so_at_preview(enterprise_plan, dev_plan):
    locks = of_kind(
        backup_resources(enterprise_plan, "acme"), "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
    )
    assert len(locks) == 2, "the vault in every region of the account is locked"
    for lock in locks:
        assert lock.inputs["changeableForDays"] == 7, "compliance mode: set only when asked"
        assert lock.inputs["minRetentionDays"] == 35 and lock.inputs["maxRetentionDays"] == 7 * 366
    warnings = [d.message for d in enterprise_plan.diagnostics if d.severity == "warning"]
    assert any("compliance-mode vault lock" in w and "7 days after it is created" in w for w in warnings), warnings
    governance = of_kind(backup_resources(dev_plan, "acme"), "aws:backup/vaultLockConfiguration:VaultLockConfiguration")
    assert governance and all("changeableForDays" not in lock.inputs for lock in governance), (
        "governance mode leaves changeableForDays out"
    )
    plan = only(backup_resources(enterprise_plan, "acme"), "aws:backup/plan:Plan")
    assert all(lock.urn in plan.dependencies for lock in locks), "recovery points go to locked vaults only"


def test_notifications_go_to_an_encrypted_topic_the_service_may_publish_to(enterprise_plan):
    resources = backup_resources(enterprise_plan, "acme")
    topic = only(resources, "aws:sns/topic:Topic").inputs
    assert topic["kmsMasterKeyId"] == "alias/plinth/dev/acme/backup"
    publish = statements(only(resources, "aws:sns/topicPolicy:TopicPolicy"))["BackupPublishes"]
    assert publish["Principal"] == {"Service": "backup.amazonaws.com"}
    assert publish["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}
    events = only(resources, "aws:backup/vaultNotifications:VaultNotifications").inputs["backupVaultEvents"]
    assert "BACKUP_JOB_COMPLETED" in events and "COPY_JOB_FAILED" in events
    assert "BACKUP_JOB_FAILED" not in events, "a deprecated event AWS no longer emits"
    subscription = only(resources, "aws:sns/topicSubscription:TopicSubscription").inputs
    assert json.loads(subscription["filterPolicy"]) == {"State": [{"anything-but": "COMPLETED"}]}


def test_restore_testing_drills_the_tenants_bucket(dev_plan):
    resources = backup_resources(dev_plan, "acme")
    testing = only(resources, "aws:backup/restoreTestingPlan:RestoreTestingPlan").inputs
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,49}", testing["name"]), "restore testing names: letters, digits, _"
    assert testing["scheduleExpression"] == "cron(0 6 2 * ? *)", "premium drills monthly"
    assert testing["recoveryPointSelection"]["includeVaults"] == [
        "arn:aws:backup:eu-west-1:210987654321:backup-vault:plinth-dev-acme"
    ]
    selection = only(resources, "aws:backup/restoreTestingSelection:RestoreTestingSelection").inputs
    assert selection["protectedResourceArns"] == ["arn:aws:s3:::plinth-dev-acme-data-210987654321"]
    assert selection["protectedResourceType"] == "S3"


def test_generated_aws_names_follow_the_services_rules():
    for env in ("dev", "staging", "prod"):
        for tid in ("a", "acme", "a" * 20, "tenant-with-long-id"):
            assert re.fullmatch(r"[a-zA-Z0-9\-_]{2,50}", backup_aws.vault_name(env, tid))
            assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,49}", backup_aws.drill_name(env, tid))
            assert not conventions.name_problems("aws-iam-role", backup_aws.role_name(env, tid))
            assert not conventions.name_problems("aws-kms-alias", backup_aws.key_alias(env, tid))


def test_rate_schedules_become_the_cron_aws_backup_takes():
    assert backup_aws.plan_schedule("rate(6 hours)") == "cron(0 0/6 ? * * *)"
    assert backup_aws.plan_schedule("rate(1 day)") == "cron(0 5 ? * * *)"
    assert backup_aws.plan_schedule("rate(7 days)") == "cron(0 3 ? * SUN *)"
    with pytest.raises(ValueError, match="must divide a day"):
        backup_aws.plan_schedule("rate(5 hours)")
