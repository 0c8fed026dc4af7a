"""The backup policies over a whole stack: passing, failing per condition, unknown at preview - and the dev stack."""

from __future__ import annotations

from policies import meta
from tests.policies.harness import UNKNOWN, analyze_stack

P = {p.name: p for p in meta.all_policies()}
BACKUP_POLICIES = [
    "aws-backup-plan-crossregion-copied",
    "aws-backup-plan-retention-minimum",
    "aws-backup-vault-cmk-required",
    "aws-backup-vault-locked-hipaa",
    "azure-dataprotection-vault-cmk-required",
    "azure-dataprotection-vault-crossregion-enabled",
    "azure-dataprotection-vault-immutable-hipaa",
    "gcp-backupdisasterrecovery-vault-cmek-required",
    "gcp-storage-bucket-crossregion-copied",
    "kubernetes-velero-schedule-namespace-covered",
    "stack-backup-restoredrill-present",
]


def test_the_backup_policies_are_in_the_compliance_pack_and_cite_backup_controls():
    pack = {p.name for p in meta.pack_policies("compliance")}
    for name in BACKUP_POLICIES:
        assert name in pack, name
        assert set(P[name].frameworks) & {"soc2:A1.2", "soc2:A1.3", "soc2:CC6.1"}, name


def test_the_dev_stack_has_no_finding_of_the_backup_policies(dev_plan):
    resources = [
        meta.Resource(r.type, r.inputs, r.name, r.urn, meta.ResourceOptions(protect=r.protect))
        for r in dev_plan.resources
    ]
    findings = []
    for name in BACKUP_POLICIES:
        policy = P[name]
        for message, resource in meta.evaluate(policy, resources):
            unknown = resource is not None and any(v == UNKNOWN for v in resource.props.values())
            if not unknown:
                findings.append(f"{name}: {message}")
    assert findings == []


# --- AWS: copies out of the region ---------------------------------------------------------------------------
PLAN = {
    "type": "aws:backup/plan:Plan",
    "props": {
        "name": "p",
        "tags": {"tier": "premium"},
        "rules": [
            {
                "ruleName": "backups",
                "lifecycle": {"deleteAfter": 35.0},
                "copyActions": [{"destinationVaultArn": "arn:aws:backup:eu-central-1:1:backup-vault:v"}],
            }
        ],
    },
    "provider": {"region": "eu-west-1"},
}


def test_premium_plans_copy_out_of_their_region():
    policy = P["aws-backup-plan-crossregion-copied"]
    assert analyze_stack(policy, [PLAN]).passed
    same_region = {**PLAN, "provider": {"region": "eu-central-1"}}
    assert analyze_stack(policy, [same_region]).violations, "a copy in the same region is no disaster copy"
    no_copy = {**PLAN, "props": {**PLAN["props"], "rules": [{"ruleName": "backups"}]}}
    assert analyze_stack(policy, [no_copy]).violations
    standard = {**no_copy, "props": {**no_copy["props"], "tags": {"tier": "standard"}}}
    assert analyze_stack(policy, [standard]).passed, "only premium and enterprise must copy"
    unknown = {
        **PLAN,
        "props": {**PLAN["props"], "rules": [{"ruleName": "b", "copyActions": [{"destinationVaultArn": UNKNOWN}]}]},
    }
    assert analyze_stack(policy, [unknown]).unknown


def test_hipaa_vault_locks_are_matched_by_region():
    policy = P["aws-backup-vault-locked-hipaa"]
    vault = {"type": "aws:backup/vault:Vault", "props": {"name": "v", "tags": {"compliance": "hipaa"}}}
    copy = {**vault, "name": "copy", "props": {**vault["props"], "region": "eu-central-1"}}
    lock = {"type": "aws:backup/vaultLockConfiguration:VaultLockConfiguration", "props": {"backupVaultName": "v"}}
    copy_lock = {**lock, "name": "copy-lock", "props": {"backupVaultName": "v", "region": "eu-central-1"}}
    assert analyze_stack(policy, [vault, copy, lock, copy_lock]).passed
    out = analyze_stack(policy, [vault, copy, lock])
    assert out.violations == ["Backup vault v in eu-central-1 holds HIPAA recovery points but has no vault lock."]
    assert analyze_stack(policy, [vault, {**lock, "props": {"backupVaultName": UNKNOWN}}]).unknown


def test_the_retention_floor_applies_to_the_longest_kept_points_and_their_copies():
    from tests.policies.harness import analyze

    policy = P["aws-backup-plan-retention-minimum"]
    hipaa = {
        "tags": {"compliance": "hipaa"},
        "rules": [
            {"ruleName": "continuous", "lifecycle": {"deleteAfter": 35.0}},
            {
                "ruleName": "yearly",
                "lifecycle": {"deleteAfter": 2562.0},
                "copyActions": [
                    {
                        "destinationVaultArn": "arn:aws:backup:eu-central-1:1:backup-vault:v",
                        "lifecycle": {"deleteAfter": 2562.0},
                    }
                ],
            },
        ],
    }
    assert analyze(policy, "aws:backup/plan:Plan", hipaa).passed, "35-day continuous points beside a six-year rule"
    hipaa["rules"][1]["copyActions"][0]["lifecycle"]["deleteAfter"] = 35.0
    out = analyze(policy, "aws:backup/plan:Plan", hipaa)
    assert out.violations == ["Copies in other regions are kept at most 35 days; the floor is 2190."]


# --- GCP: buckets copied elsewhere ---------------------------------------------------------------------------
BUCKET = {
    "type": "gcp:storage/bucket:Bucket",
    "props": {"name": "data", "location": "EUROPE-WEST4", "labels": {"tier": "enterprise"}},
}
COPY = {
    "type": "gcp:storage/bucket:Bucket",
    "name": "copy",
    "props": {"name": "copy", "location": "EUROPE-WEST1", "labels": {"tier": "enterprise"}},
}
JOB = {
    "type": "gcp:storage/transferJob:TransferJob",
    "props": {"transferSpec": {"gcsDataSource": {"bucketName": "data"}, "gcsDataSink": {"bucketName": "copy"}}},
}


def test_premium_buckets_are_copied_to_another_location():
    policy = P["gcp-storage-bucket-crossregion-copied"]
    assert analyze_stack(policy, [BUCKET, COPY, JOB]).passed, "the copy bucket itself needs no copy"
    assert analyze_stack(policy, [BUCKET]).violations == [
        "Bucket data of a tenant on the enterprise tier has no copy outside europe-west4."
    ]
    same = {**COPY, "props": {**COPY["props"], "location": "EUROPE-WEST4"}}
    assert analyze_stack(policy, [BUCKET, same, JOB]).violations, "a copy in the same region is no disaster copy"
    dual = {**BUCKET, "props": {**BUCKET["props"], "location": "EUR4"}}
    assert analyze_stack(policy, [dual]).passed, "a dual-region bucket keeps its own geo copy"
    unknown = {
        **JOB,
        "props": {"transferSpec": {"gcsDataSource": {"bucketName": UNKNOWN}, "gcsDataSink": {"bucketName": "copy"}}},
    }
    assert analyze_stack(policy, [BUCKET, COPY, unknown]).unknown


# --- Kubernetes: every tenant namespace in a schedule -------------------------------------------------------
NS = {
    "type": "kubernetes:core/v1:Namespace",
    "props": {"metadata": {"name": "tenant-a", "labels": {"plinth.dev/tenant": "a", "plinth.dev/tier": "enterprise"}}},
}
SCHEDULE = {
    "type": "kubernetes:velero.io/v1:Schedule",
    "props": {
        "metadata": {"name": "s", "namespace": "velero"},
        "spec": {"schedule": "0 * * * *", "template": {"includedNamespaces": ["tenant-a"]}},
    },
}


def _schedule(**spec):
    return {**SCHEDULE, "props": {**SCHEDULE["props"], "spec": {**SCHEDULE["props"]["spec"], **spec}}}


def test_every_tenant_namespace_is_in_a_schedule():
    policy = P["kubernetes-velero-schedule-namespace-covered"]
    assert analyze_stack(policy, [NS, SCHEDULE]).passed
    assert analyze_stack(policy, [NS, _schedule(template={"includedNamespaces": ["*"]})]).passed
    assert analyze_stack(policy, [NS]).violations == [
        "Tenant namespace tenant-a is in no Velero schedule: nothing backs it up."
    ]
    assert analyze_stack(policy, [NS, _schedule(template={"includedNamespaces": ["tenant-b"]})]).violations
    assert analyze_stack(policy, [NS, _schedule(template={"excludedNamespaces": ["tenant-a"]})]).violations
    assert analyze_stack(policy, [NS, _schedule(paused=True)]).violations, "a paused schedule backs nothing up"
    assert analyze_stack(policy, [NS, _schedule(template={"includedNamespaces": UNKNOWN})]).unknown


# --- restore drills for enterprise tenants ------------------------------------------------------------------
CRON = {
    "type": "kubernetes:batch/v1:CronJob",
    "props": {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "d", "labels": {"plinth.dev/restore-drill": "a"}},
    },
}


def test_enterprise_tenants_have_a_restore_drill():
    policy = P["stack-backup-restoredrill-present"]
    assert analyze_stack(policy, [NS, CRON]).passed
    aws_drill = {"type": "aws:backup/restoreTestingPlan:RestoreTestingPlan", "props": {"tags": {"tenant": "a"}}}
    assert analyze_stack(policy, [NS, aws_drill]).passed
    assert analyze_stack(policy, [NS]).violations == ["Enterprise tenant a has backups but no restore drill."]
    vault = {
        "type": "azure-native:dataprotection:BackupVault",
        "props": {"tags": {"tenant": "b", "tier": "enterprise"}},
    }
    assert analyze_stack(policy, [NS, CRON, vault]).violations == [
        "Enterprise tenant b has backups but no restore drill."
    ]
    other = {**CRON, "props": {**CRON["props"], "metadata": {"name": "d", "labels": {"plinth.dev/restore-drill": "z"}}}}
    assert analyze_stack(policy, [NS, other]).violations, "another tenant's drill does not count"
    premium = {
        **NS,
        "props": {"metadata": {"name": "tenant-a", "labels": {"plinth.dev/tenant": "a", "plinth.dev/tier": "premium"}}},
    }
    assert analyze_stack(policy, [premium]).passed
    assert analyze_stack(policy, [{**NS, "props": {"metadata": {"name": "tenant-a", "labels": UNKNOWN}}}]).unknown


def test_the_drill_label_the_policy_reads_is_the_one_the_shipped_script_knows():
    from components import conventions
    from components.backup import drill

    assert drill.DRILL_LABEL == conventions.LABEL_RESTORE_DRILL
