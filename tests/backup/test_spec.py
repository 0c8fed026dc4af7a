"""plinth:backup in the stack config: tier defaults, overrides, every limit the services enforce, and recovery
point objectives the schedules cannot meet - each refused naming the key, as `plinth preview` shows it."""

from __future__ import annotations

import itertools

import pytest

from components.backup.spec import TIER_DEFAULTS, BackupSpec, resolve
from components.config import ConfigError, parse
from components.tenant.spec import TenantSpec
from scripts import cli
from tests.backup.helpers import COPY, VELERO, backup_stack, tenant, with_copy


def problems_of(doc) -> str:
    with pytest.raises(ConfigError) as err:
        parse(doc, source="stacks/Pulumi.t.yaml")
    return str(err.value)


@pytest.mark.parametrize(("tier", "cloud"), list(itertools.product(TIER_DEFAULTS, ("aws", "gcp", "azure", "none"))))
def test_every_tier_default_meets_its_own_objectives_on_every_cloud(tier, cloud):
    """Secure defaults that the schedules really meet: a default the checker refuses would be a broken promise."""
    t = tenant(tier=tier, cloud=cloud, **({"region": None} if cloud == "none" else {}))
    t = {k: v for k, v in t.items() if v is not None}
    cfg = parse(
        backup_stack(t, backup={"tenants": with_copy(t) if tier in ("premium", "enterprise") else {}}), source="t"
    )
    assert cfg.backup is not None


def test_tiers_get_stricter_defaults():
    acme = TenantSpec.model_validate({**tenant(), "tier": "free"})
    policies = {
        tier: resolve(
            BackupSpec.model_validate({"tenants": {"acme": {"copyTo": {"region": "x1"}}}}),
            acme.model_copy(update={"tier": tier}),
        )[0]
        for tier in TIER_DEFAULTS
    }
    free, enterprise = policies["free"].policy, policies["enterprise"].policy  # type: ignore[union-attr]
    assert free.retention_days() == {"daily": 7} and free.immutability.mode == "none"
    assert enterprise.point_in_time_recovery.enabled and enterprise.point_in_time_recovery.days == 35
    assert enterprise.immutability.mode == "governance", "enterprise vaults are locked (governance: not irreversible)"
    assert enterprise.drill.frequency == "weekly" and enterprise.retention_days()["daily"] >= 35


def test_hipaa_tenants_always_get_an_immutable_vault_and_six_years():
    hipaa = TenantSpec.model_validate({**tenant(), "tier": "standard", "compliance": ["hipaa"]})
    resolved, problems = resolve(BackupSpec(), hipaa)
    assert not problems and resolved is not None
    assert resolved.policy.immutability.mode == "governance", "standard is mutable by default, HIPAA never"
    assert resolved.policy.retention_days()["yearly"] == 6 * 366
    message = problems_of(
        backup_stack(
            tenant(cloud="aws", compliance=["hipaa"]), backup={"tenants": {"acme": {"immutability": {"mode": "none"}}}}
        )
    )
    assert "plinth:backup.tenants.acme.immutability.mode: tenant acme is a HIPAA tenant" in message


def test_tenant_overrides_win_over_tier_overrides_which_win_over_defaults():
    spec = BackupSpec.model_validate(
        {
            "tiers": {"standard": {"rpo": "20h", "retention": {"weekly": 10}}},
            "tenants": {"acme": {"retention": {"daily": 30}}},
        }
    )
    resolved, problems = resolve(spec, TenantSpec.model_validate(tenant()))
    assert not problems and resolved is not None
    assert resolved.policy.rpo == "20h"
    assert resolved.policy.retention_days() == {"daily": 30, "weekly": 70}, "nested keys merge"
    assert resolved.sources.path("retention", "daily") == "backup.tenants.acme.retention.daily"
    assert resolved.sources.path("rpo") == "backup.tiers.standard.rpo"


# --- what the preview refuses -----------------------------------------------------------------------------
RPO_CASES = [
    # (tenant, backup section, key, text in the message)
    (
        tenant(cloud="aws", tier="standard"),
        {"tenants": {"acme": {"rpo": "1h", "pointInTimeRecovery": {"enabled": False}}}},
        "plinth:backup.tenants.acme.schedule.aws",
        "worst-case recovery point age for restore in its region is 15h",
    ),
    (
        tenant(cloud="none", tier="free"),
        {"tenants": {"acme": {"rpo": "4h"}}},
        "plinth:backup.tenants.acme.schedule.velero",
        "is 1d30m (1d between runs of 0 3 * * * + 30m backup window), above the declared 4h (backup.tenants.acme.rpo); "
        'a schedule that meets it: schedule.velero: "0 */3 * * *"',
    ),
    (
        tenant(cloud="aws", tier="premium"),
        {"tenants": {"acme": {"copyTo": {"region": "eu-central-1"}, "drRpo": "12h"}}},
        "plinth:backup.tenants.acme.copyTo",
        "for restore after losing the region is 1d7h",
    ),
    (
        tenant(cloud="azure", tier="premium"),
        {"tenants": {"acme": {"copyTo": {"region": "northeurope"}, "drRpo": "24h"}}},
        "plinth:backup.tenants.acme.copyTo",
        "the best achievable is 1d14h with schedule.azure R/<start>/P1D; set drRpo to at least 1d14h",
    ),
    (
        tenant(cloud="gcp", tier="premium"),
        {"tenants": {"acme": {"copyTo": {"region": "europe-west1", "schedule": "rate(24 hours)"}, "drRpo": "12h"}}},
        "plinth:backup.tenants.acme.copyTo[0].schedule",
        "a schedule that meets it: copyTo.schedule: rate(8 hours)",
    ),
]


@pytest.mark.parametrize(("entry", "section", "key", "text"), RPO_CASES)
def test_an_rpo_the_schedule_cannot_meet_is_refused_naming_key_worst_case_and_fix(entry, section, key, text):
    message = problems_of(backup_stack(entry, backup=section))
    line = next((line for line in message.splitlines() if f"{key}:" in line), message)
    assert f"{key}: " in line and text in line, message


def test_a_daily_schedule_with_a_one_hour_rpo_is_refused():
    message = problems_of(
        backup_stack(
            tenant(cloud="aws"),
            backup={
                "tenants": {
                    "acme": {
                        "rpo": "1h",
                        "schedule": {"aws": "cron(0 5 ? * * *)"},
                        "pointInTimeRecovery": {"enabled": False},
                    }
                }
            },
        )
    )
    assert "plinth:backup.tenants.acme.schedule.aws: tenant acme AWS S3: the worst-case recovery point age" in message
    assert "above the declared 1h" in message


def test_hourly_backups_copied_every_12h_give_a_dr_rpo_of_12h_plus_windows():
    """Local restores from the hourly continuous backup, DR restores only from the 12-hourly copies."""
    ok = backup_stack(
        tenant(cloud="aws", tier="enterprise"),
        backup={
            "tenants": {
                "acme": {"copyTo": {"region": "eu-central-1", "schedule": "cron(0 0/12 ? * * *)"}, "drRpo": "19h"}
            }
        },
    )
    parse(ok, source="t")  # 12h + 3h windows + 4h copy window = 19h
    ok["backup"]["tenants"]["acme"]["drRpo"] = "18h"
    message = problems_of(ok)
    assert (
        "after losing the region is 19h (12h between runs of cron(0 0/12 ? * * *) + 3h backup window + 4h copy window)"
        in message
    )


@pytest.mark.parametrize(
    ("entry", "section", "expected"),
    [
        (
            tenant(cloud="aws", tier="premium"),
            {},
            "plinth:backup.tenants.acme.copyTo: tenant acme is on the premium tier",
        ),
        (
            tenant(cloud="aws"),
            {"tenants": {"acme": {"windows": {"start": "30m"}}}},
            "plinth:backup.tenants.acme.windows.start: 30m is too short: AWS Backup needs a start window of "
            "at least 1h",
        ),
        (
            tenant(cloud="aws"),
            {"tenants": {"acme": {"windows": {"start": "2h", "completion": "2h"}}}},
            "plinth:backup.tenants.acme.windows.completion: 2h is too short: the completion window must be at "
            "least the "
            "start window plus 1h (3h)",
        ),
        (
            tenant(cloud="aws"),
            {"tenants": {"acme": {"schedule": {"aws": "rate(30 minutes)"}}}},
            "plinth:backup.tenants.acme.schedule.aws: rate(30 minutes): AWS Backup rules take cron(); "
            "a rate must divide a day",
        ),
        (
            tenant(cloud="aws"),
            {"tenants": {"acme": {"schedule": {"aws": "cron(0/30 * ? * * *)"}}}},
            "runs every 30m; AWS Backup runs rules at most hourly",
        ),
        (
            tenant(cloud="aws"),
            {"tenants": {"acme": {"pointInTimeRecovery": {"enabled": True, "days": 40}}}},
            "plinth:backup.tenants.acme.pointInTimeRecovery.days: 40 days: AWS continuous backups keep 1 to 35 days",
        ),
        (
            tenant(cloud="aws", tier="premium"),
            {"tenants": {"acme": {"copyTo": {"region": "eu-central-1"}, "retention": {"coldStorageAfterDays": 30}}}},
            "retention.daily keeps points 35 days but cold storage after 30 days needs at least 120",
        ),
        (
            tenant(cloud="aws", tier="premium"),
            {"tenants": {"acme": {"copyTo": {"region": "eu-central-1"}, "immutability": {"minRetentionDays": 60}}}},
            "plinth:backup.tenants.acme.immutability.minRetentionDays: 60 days is above what pointInTimeRecovery keeps "
            "(35 days): a locked vault refuses recovery points kept shorter than its minimum",
        ),
        (
            tenant(cloud="aws"),
            {"tenants": {"acme": {"immutability": {"mode": "compliance", "changeableForDays": 1}}}},
            "plinth:backup.tenants.acme.immutability.changeableForDays: Input should be greater than or equal to 3",
        ),
        (
            tenant(cloud="aws"),
            {"tenants": {"acme": {"retention": {"daily": 40000}}}},
            "plinth:backup.tenants.acme.retention.daily",
        ),
        (
            tenant(cloud="aws", compliance=["gdpr"], dataResidency="eu", tier="premium"),
            {"tenants": {"acme": {"copyTo": {"region": "us-east-1"}}}},
            "plinth:backup.tenants.acme.copyTo[0].region: tenant acme keeps its data in the EU; us-east-1 is not",
        ),
        (
            tenant(cloud="aws", tier="premium"),
            {"tenants": {"acme": {"copyTo": {"region": "eu-west-1"}}}},
            "plinth:backup.tenants.acme.copyTo[0].region: eu-west-1 is the tenant's own region",
        ),
        (
            tenant(cloud="azure", tier="premium"),
            {"tenants": {"acme": {"copyTo": {"region": "francecentral"}}}},
            "Azure backup vaults in westeurope copy to its pair northeurope only (geo-redundant storage)",
        ),
        (
            tenant(cloud="azure"),
            {"tenants": {"acme": {"schedule": {"azure": "R/2024-01-01T00:00:00+00:00/PT4H"}}}},
            "plinth:backup.tenants.acme.schedule.azure: R/2024-01-01T00:00:00+00:00/PT4H: "
            "vaulted blob backups run daily",
        ),
        (
            tenant(cloud="gcp", tier="premium"),
            {"tenants": {"acme": {"copyTo": {"region": "europe-west1", "schedule": "cron(0 5 ? * * *)"}}}},
            "transfer jobs repeat at a fixed interval; write rate(<n> hours)",
        ),
        (
            tenant(cloud="none"),
            {"tenants": {"acme": {"schedule": {"velero": "0 5 * *"}}}},
            "plinth:backup.tenants.acme.schedule.velero: '0 5 * *' has 4 fields",
        ),
        (tenant(), {"tenants": {"nobody": {}}}, "plinth:backup.tenants.nobody: no tenant 'nobody' in plinth:tenants"),
        (
            tenant(),
            {"tiers": {"free": {"retention": {"dayly": 3}}}},
            "plinth:backup.tiers.free.retention.dayly: unknown key; allowed keys here: coldStorageAfterDays, daily",
        ),
        (
            tenant(),
            {"velero": {"provider": "azure", "bucket": "velero"}},
            "plinth:backup.velero: the azure plugin needs config.resourceGroup, config.storageAccount: "
            "add resourceGroup",
        ),
    ],
)
def test_limits_are_refused_naming_the_key_and_the_fix(entry, section, expected):
    assert expected in problems_of(backup_stack(entry, backup=section))


def test_tenant_namespaces_need_velero_and_velero_needs_a_cluster():
    doc = backup_stack(tenant())
    del doc["backup"]["velero"]
    assert "plinth:backup.velero: tenant namespaces must be backed up too" in problems_of(doc)
    no_cluster = backup_stack(tenant(cloud="aws"), kubernetes=None)
    no_cluster["backup"]["velero"] = VELERO
    assert "plinth:backup.velero: Velero needs a cluster" in problems_of(no_cluster)


def test_dr_objective_on_the_cluster_needs_the_buckets_copy():
    doc = backup_stack(
        tenant(cloud="aws", tier="premium"), backup={"tenants": {"acme": {"copyTo": {"region": "eu-central-1"}}}}
    )
    del doc["backup"]["velero"]["replication"]
    message = problems_of(doc)
    assert (
        "plinth:backup.velero.replication: namespace tenant-acme (Velero): the worst-case recovery point age "
        "for restore after losing the region is never available" in message
    )


def test_plinth_preview_exits_2_with_one_line_per_problem(make_project, capsys):
    doc = backup_stack(
        tenant(cloud="aws"), backup={"tenants": {"acme": {"rpo": "1h", "pointInTimeRecovery": {"enabled": False}}}}
    )
    project = make_project("bad", {"config": {f"plinth:{k}": v for k, v in doc.items()}})
    code = cli.main(["preview", "--stack", "bad", "--no-policy", "--project-dir", str(project)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert (
        "stacks/Pulumi.bad.yaml: plinth:backup.tenants.acme.schedule.aws: tenant acme AWS S3: the worst-case"
        in " ".join(err.split())
    )
    assert "Traceback" not in err


def test_copy_regions_per_cloud_are_valid_defaults_for_tests():
    for cloud, region in COPY.items():
        from components import clouds

        assert clouds.cloud(cloud).valid_region(region)


def test_namespace_backups_of_eu_tenants_stay_in_the_eu():
    doc = backup_stack(tenant(compliance=["gdpr"]))
    doc["backup"]["velero"]["replication"] = {"region": "us-east-1"}
    assert "plinth:backup.velero.replication.region: us-east-1 is outside the EU, but tenants acme keep their data" in (
        problems_of(doc)
    )
    doc = backup_stack(tenant())
    doc["backup"]["velero"]["replication"] = {"region": "us-east-1"}
    parse(doc, source="t")  # no EU tenant: any region


def test_checking_backups_imports_no_provider_sdk(project_root):
    """plinth stacks and the config checks stay fast: the per-cloud backup modules import their SDK lazily."""
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from components import stackfiles;"
        f"stackfiles.load_stack_file(Path({str(project_root / 'stacks' / 'Pulumi.dev.yaml')!r}));"
        "heavy = [m for m in ('pulumi_aws', 'pulumi_gcp', 'pulumi_azure_native', 'pulumi_kubernetes') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True, cwd=project_root
    )
    assert done.stdout.strip() == "", f"checking the backup section pulled in {done.stdout.strip()}"


def test_problems_name_the_override_the_value_came_from():
    spec = BackupSpec.model_validate(
        {
            "tiers": {"premium": {"drRpo": "12h", "copyTo": {"region": "eu-central-1"}}},
            "tenants": {"acme": {"rto": "2h"}},
        }
    )
    resolved, _ = resolve(spec, TenantSpec.model_validate({**tenant(), "tier": "premium"}))
    assert resolved is not None
    assert resolved.sources.path("dr_rpo") == "backup.tiers.premium.drRpo"
    assert resolved.sources.path("copy_to", 0, "region") == "backup.tiers.premium.copyTo[0].region"
    assert resolved.sources.path("rto") == "backup.tenants.acme.rto"
    assert resolved.sources.path("retention", "daily") == "backup.tenants.acme.retention.daily", (
        "a built-in value is fixed where the tenant's own overrides go"
    )
