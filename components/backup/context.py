"""What every per-cloud backup module receives: one place, so no module re-derives it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components import conventions
from components.backup.spec import BackupPolicy, BackupTenant


@dataclass(frozen=True)
class BackupContext:
    name: str
    """Pulumi name prefix of the children (``<tenant>-backup-<role>``)."""
    tenant: BackupTenant
    policy: BackupPolicy
    environment: str
    settings: Any
    """The validated settings of the tenant's cloud (components.clouds)."""
    region: str
    tags: dict[str, str]
    """Cloud tags (AWS, Azure); GCP uses :attr:`labels`."""
    opts: pulumi.ResourceOptions
    """Options for ordinary children (parent, providers, waiting for the tenant's resources)."""
    data_opts: pulumi.ResourceOptions
    """Options for what holds or guards backups: vaults, their keys and locks, copy buckets."""

    @property
    def labels(self) -> dict[str, str]:
        return conventions.gcp_labels(self.tags)

    @property
    def keep(self) -> bool:
        """Backups are kept when the tenant is removed (always, unless its data may be deleted)."""
        return bool(self.data_opts.retain_on_delete)

    def after(self, *resources: pulumi.Resource, data: bool = False) -> pulumi.ResourceOptions:
        """Options for a child that must wait for ``resources`` (referred to by known names, not Outputs)."""
        base = self.data_opts if data else self.opts
        return pulumi.ResourceOptions.merge(base, pulumi.ResourceOptions(depends_on=list(resources)))

    def physical(self, *parts: str, max_len: int, alnum_only: bool = False, sep: str = "-") -> str:
        """Provider name ``plinth-<env>-<tenant>-<parts>`` within ``max_len``."""
        return conventions.physical_name(
            "plinth", self.environment, self.tenant.id, *parts, max_len=max_len, alnum_only=alnum_only, sep=sep
        )

    def tenant_context(self) -> Any:
        """The tenant's own context, to name its resources with the tenant module's functions."""
        from components.tenant.context import TenantContext
        from components.tenant.spec import TenantSpec

        spec = TenantSpec.model_construct(
            id=self.tenant.id,
            tier=self.tenant.tier,
            compliance=list(self.tenant.compliance),
            cloud=self.tenant.cloud,
            region=self.tenant.region,
            data_residency=self.tenant.data_residency,
            data_deletion=self.tenant.data_deletion,
        )
        return TenantContext(
            name=self.tenant.id,
            spec=spec,
            environment=self.environment,
            cluster=None,
            settings=self.settings,
            region=self.region,
            links={},
            tags=self.tags,
            opts=self.opts,
            data_opts=self.data_opts,
        )
