"""Backups: the ``plinth:backup`` capability (spec in ``spec``, checks in ``checks``, components in
``component`` and ``cluster``, one module per cloud plus ``velero``, schedule arithmetic in ``rpo``).

This module stays light: the stack-config model imports it; the provider SDKs are only imported when the
Platform builds the backups.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from components.backup.spec import BackupSpec, resolve, tier_problems
from components.capability import BuildContext, Capability, Problem

if TYPE_CHECKING:
    from components.config import StackConfig


def _tenants(cfg: StackConfig) -> list[Any]:
    return list(getattr(cfg, "tenants", []) or [])


def check(cfg: StackConfig, spec: BackupSpec | None) -> list[Problem]:
    """The section against the tenants and the cluster, and every tenant's policy - objectives included."""
    if spec is None:
        return []
    from components.backup.checks import tenant_problems
    from components.config import region_of_tenant

    tenants = _tenants(cfg)
    ids = {t.id for t in tenants}
    problems: list[Problem] = [
        (f"backup.tenants.{tid}", f"no tenant {tid!r} in plinth:tenants") for tid in sorted(set(spec.tenants) - ids)
    ]
    problems += tier_problems(spec)
    if spec.velero is not None and cfg.kubernetes is None:
        problems.append(("backup.velero", "Velero needs a cluster: set plinth:kubernetes or remove backup.velero"))
    if spec.velero is None and cfg.kubernetes is not None and tenants:
        problems.append(
            (
                "backup.velero",
                "tenant namespaces must be backed up too: add backup.velero (the bucket and provider Velero stores "
                "namespace backups in)",
            )
        )
    velero = spec.velero if cfg.kubernetes is not None else None
    if velero is not None:
        from components.backup.velero import residency_problems

        problems += residency_problems(velero, tenants)
    for tenant in tenants:
        resolved, found = resolve(spec, tenant)
        problems += found
        if resolved is None:
            continue
        settings = cfg.cloud_settings(tenant.cloud) if tenant.cloud != "none" else None
        _objectives, found = tenant_problems(
            resolved.policy,
            tenant,
            environment=cfg.environment,
            settings=settings,
            region=region_of_tenant(tenant, cfg),
            velero_spec=velero,
            at=resolved.sources.path,
        )
        problems += found
    return list(dict.fromkeys(problems))  # a tier override's mistake shows once, not once per tenant


def build(ctx: BuildContext, spec: BackupSpec | None) -> Any:
    """The cluster's Velero (when the stack has a cluster) and one TenantBackup per tenant."""
    if spec is None:
        return None
    from components.backup.cluster import build_cluster
    from components.backup.component import build_tenants

    cluster = build_cluster(ctx, spec)
    return {"cluster": cluster, "tenants": build_tenants(ctx, spec, cluster)}


CAPABILITY: Capability[BackupSpec | None] = Capability(
    key="backup", annotation=BackupSpec | None, default=None, check=check, build=build, after=("tenants",)
)
