"""TenantBackup used directly and through the stack: arguments checked like the stack config, backups kept on
destroy, outputs, and provider-known nested keys for every backup resource."""

from __future__ import annotations

import pytest

from components import conventions
from components.backup.component import TenantBackup, args_from
from components.backup.spec import BackupSpec, VeleroSpec, resolve
from components.clouds import AwsSettings
from components.tenant.spec import TenantSpec
from scripts import engine
from tests.backup.helpers import VELERO, backup_component, backup_resources, backup_stack, run_platform, tenant
from tests.tenant.helpers import BASE_STACK
from tests.tenant.test_provider_semantics import _snake_keys

CLOUD_PACKAGES = ("aws", "gcp", "azure-native")


def _args(tier: str = "standard", **policy_overrides):
    acme = TenantSpec.model_validate({**tenant(cloud="aws"), "tier": tier})
    resolved, problems = resolve(BackupSpec.model_validate({"tenants": {"acme": policy_overrides}}), acme)
    assert resolved is not None, problems
    return args_from(
        resolved.policy,
        acme,
        environment="dev",
        cloud_settings=AwsSettings.model_validate(BASE_STACK["aws"]),
        tags={"managed-by": "plinth", "environment": "dev", "tenant": "acme", "cost-center": "cc-1"},
        velero_spec=VeleroSpec.model_validate(VELERO),
    )


def test_the_component_runs_from_plain_arguments_and_reports_its_objectives():
    holder = {}

    def program():
        holder["backup"] = TenantBackup("acme-backup", _args())

    plan = engine.run(program, stack="test", preview=True)
    assert plan.of_type("aws:backup/plan:Plan") and plan.of_type("kubernetes:velero.io/v1:Schedule")
    objectives = holder["backup"].objective_summaries
    assert {"dataset": "tenant acme AWS S3", "local": "15m"} in objectives
    assert {"dataset": "namespace tenant-acme (Velero)", "local": "12h30m", "dr": "12h45m"} in objectives


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda a: a["policy"].update(rpo="1h", point_in_time_recovery={"enabled": False}),
            "args.policy.schedule.aws: tenant acme AWS S3",
        ),
        (lambda a: a["policy"]["retention"].update(daily="40000d"), "args.policy.retention.daily"),
        (lambda a: a.update(colour="blue"), "args.colour: unknown key"),
        (lambda a: a.pop("aws"), "args.aws: the tenant is on aws: pass the aws settings"),
        (lambda a: a["policy"]["windows"].update(start="10m"), "args.policy.windows.start: 10m is too short"),
    ],
)
def test_bad_arguments_are_refused_naming_each_argument(change, expected):
    args = _args()
    change(args)

    def program():
        TenantBackup("acme-backup", args)

    with pytest.raises(Exception) as err:
        engine.run(program, stack="test", preview=True)
    assert expected in str(err.value), str(err.value)


def test_backups_are_kept_when_the_stack_is_destroyed(dev_plan):
    for tenant_id in ("acme", "globex", "initech"):
        for r in backup_resources(dev_plan, tenant_id):
            if r.type in conventions.STATEFUL_CLOUD_TYPES:
                assert r.protect and r.retain_on_delete, f"{r.name} ({r.type}) holds or guards backups"
    locks = dev_plan.of_type("aws:backup/vaultLockConfiguration:VaultLockConfiguration")
    assert locks and all(lock.protect for lock in locks)


def test_data_deletion_reaches_backups_only_where_the_tenants_data_may_go():
    plan = run_platform(backup_stack(tenant(cloud="aws", tier="free", dataDeletion="delete")))
    vault = next(r for r in backup_resources(plan, "acme") if r.type == "aws:backup/vault:Vault")
    assert not vault.protect and not vault.retain_on_delete, "a free dev tenant that may be deleted takes its backups"
    prod = backup_stack(tenant(cloud="aws", tier="standard"), environment="prod")
    vault = next(r for r in backup_resources(run_platform(prod), "acme") if r.type == "aws:backup/vault:Vault")
    assert vault.protect and vault.retain_on_delete


def test_the_backup_of_a_tenant_waits_for_the_tenant(dev_plan):
    component = backup_component(dev_plan, "acme")
    tenant_component = next(r for r in dev_plan.of_type("plinth:index:Tenant") if r.name == "acme")
    assert tenant_component.urn in component.dependencies or component.dependencies


VARIANTS = {
    "aws-compliance-cross-account": backup_stack(
        tenant(cloud="aws", tier="enterprise", compliance=["hipaa"]),
        backup={
            "tenants": {
                "acme": {
                    "copyTo": [{"region": "eu-central-1"}, {"region": "eu-north-1", "account": "999988887777"}],
                    "immutability": {"mode": "compliance"},
                    "retention": {"coldStorageAfterDays": 100, "monthly": 12},
                    "notify": {"email": ["ops@example.com"]},
                }
            }
        },
    ),
    "gcp-instances": backup_stack(
        tenant(cloud="gcp", tier="premium"),
        backup={
            "tenants": {
                "acme": {
                    "copyTo": {"region": "europe-west1"},
                    "immutability": {"mode": "compliance"},
                    "notify": {"email": ["ops@example.com"]},
                    "gcp": {
                        "protect": [
                            {
                                "resourceType": "compute.googleapis.com/Instance",
                                "resource": "projects/p-12345/zones/europe-west4-a/instances/i",
                            }
                        ]
                    },
                }
            }
        },
    ),
    "azure-us-notified": backup_stack(
        tenant(cloud="azure", tier="premium", region="eastus"),
        backup={"tenants": {"acme": {"copyTo": {"region": "westus"}, "notify": {"email": ["ops@example.com"]}}}},
    ),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_nested_backup_input_key_is_one_the_provider_knows(variant):
    """Beyond the dev stack (tests/tenant/test_provider_semantics.py checks it): the resources only other
    settings create (compliance locks, cross-account copies, instance plans, action groups)."""
    plan = run_platform(VARIANTS[variant])
    resources = backup_resources(plan, "acme")
    assert len(resources) > 5
    for r in resources:
        if r.type.split(":")[0] in CLOUD_PACKAGES:
            assert not _snake_keys(r.inputs), f"{r.name}: keys the provider does not know: {_snake_keys(r.inputs)}"


def test_a_compliance_lock_warns_at_preview_through_the_engine():
    plan = run_platform(VARIANTS["gcp-instances"])
    assert any(d.severity == "warning" and "can never be shortened" in d.message for d in plan.diagnostics)
