"""The checks of one tenant's backup policy, shared by the stack config (``plinth preview`` exits 2) and the
TenantBackup component (a program calling it directly gets the same refusal).

Pure. The per-cloud rules live in each cloud's backup module (chosen through :mod:`components.clouds`),
the cluster's in :mod:`components.backup.velero`; recovery point objectives are checked last, once the
schedules parse.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

from components import clouds
from components.backup import objectives, velero
from components.backup.spec import BackupPolicy, BackupTenant, VeleroSpec, policy_problems

Problem = tuple[str, str]


def mechanism(cloud: str) -> Any:
    """The backup module of ``cloud`` (``components.backup.<cloud>``), through its Cloud entry."""
    return importlib.import_module(clouds.cloud(cloud).backup_module)


def tenant_problems(
    policy: BackupPolicy,
    tenant: BackupTenant,
    *,
    environment: str,
    settings: Any,
    region: str | None,
    velero_spec: VeleroSpec | None,
    at: Callable[..., str],
) -> tuple[list[objectives.Objective], list[Problem]]:
    """Every problem of ``policy`` for ``tenant``, and the worst cases when the schedules are sound."""
    problems: list[Problem] = policy_problems(policy, tenant, at)
    module = mechanism(tenant.cloud) if tenant.cloud != "none" and settings is not None and region else None
    if module is not None:
        problems += module.problems(policy, tenant, settings, region, at)
    if velero_spec is not None:
        problems += velero.problems(policy, at)
    if problems:
        return [], problems
    datasets: list[objectives.Dataset] = []
    if module is not None:
        datasets += module.datasets(policy, tenant, environment, settings)
    if velero_spec is not None:
        datasets.append(velero.dataset(policy, tenant, velero_spec))
    results = objectives.evaluate(datasets, policy, at)
    return results, [p for result in results for p in result.problems]
