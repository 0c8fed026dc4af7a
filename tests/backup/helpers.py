"""Stacks with backups for the backup tests, and queries over their plans."""

from __future__ import annotations

import copy
from typing import Any

from scripts import engine
from tests.tenant.helpers import BASE_STACK, run_platform, stack, tenant

#: Velero on the test cluster: an S3 bucket in Ireland, replicated to Frankfurt.
VELERO: dict[str, Any] = {
    "provider": "aws",
    "bucket": "plinth-test-velero",
    "config": {"region": "eu-west-1"},
    "replication": {"region": "eu-central-1", "lag": "15m"},
}
#: A second region per cloud, for tiers that must copy.
COPY = {"aws": "eu-central-1", "gcp": "europe-west1", "azure": "northeurope"}


def backup_stack(*tenants: dict[str, Any], backup: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    """A stack with ``tenants`` and a backup section (Velero included unless the stack has no cluster)."""
    section = copy.deepcopy(backup) if backup is not None else {}
    if overrides.get("kubernetes", BASE_STACK["kubernetes"]) is not None:
        section.setdefault("velero", copy.deepcopy(VELERO))
    return stack(*tenants, backup=section, **overrides)


def with_copy(t: dict[str, Any]) -> dict[str, Any]:
    """Overrides giving tenant ``t`` the copy its tier may need."""
    return {t["id"]: {"copyTo": {"region": COPY[t["cloud"]]}}} if t.get("cloud", "none") != "none" else {}


def backup_component(plan: engine.Plan, tenant_id: str) -> engine.Registration:
    return next(r for r in plan.of_type("plinth:index:TenantBackup") if r.name == f"{tenant_id}-backup")


def backup_resources(plan: engine.Plan, tenant_id: str) -> list[engine.Registration]:
    return plan.children(backup_component(plan, tenant_id).urn, recursive=True)


__all__ = [
    "VELERO",
    "COPY",
    "backup_stack",
    "with_copy",
    "backup_component",
    "backup_resources",
    "run_platform",
    "tenant",
]
