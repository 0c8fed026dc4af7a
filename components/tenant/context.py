"""What every per-cloud module of a tenant receives: one place, so no module re-derives it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi

from components import conventions
from components.cluster import KubernetesSettings
from components.tenant.spec import TenantSpec


@dataclass
class CloudResult:
    """What a tenant's cloud module built, for the Tenant component to expose."""

    outputs: dict[str, Any]
    """The cloud's typed outputs (snake_case keys of its ``Tenant<Cloud>Outputs``); values may be Outputs."""
    workload_annotations: dict[str, Any] = field(default_factory=dict)
    """Annotations that bind the tenant's workload ServiceAccount to its cloud identity."""
    workload_files: dict[str, Any] = field(default_factory=dict)
    """Files workloads mount to use that identity (ConfigMap ``workload-identity`` in the namespace)."""


@dataclass(frozen=True)
class TenantContext:
    name: str
    """Pulumi name prefix of the tenant's children (``<tenant>-<role>``)."""
    spec: TenantSpec
    environment: str
    cluster: KubernetesSettings | None
    """The cluster the tenant's namespace lives on; None when the stack has none."""
    settings: Any
    """The validated settings of the tenant's cloud (components.clouds), None for ``cloud: none``."""
    region: str | None
    links: dict[str, Any]
    """Identity resources shared by the stack's tenants (components/tenant/identity.py), as values that
    wait for them: ``aws_oidc_provider_arn``, ``gcp_workload_identity_provider``."""
    tags: dict[str, str]
    """Cloud tags (AWS, Azure); GCP uses :attr:`labels`."""
    opts: pulumi.ResourceOptions
    """Options for ordinary children (parent, providers)."""
    data_opts: pulumi.ResourceOptions
    """Options for stateful children: keys, buckets, vaults, storage accounts."""

    @property
    def labels(self) -> dict[str, str]:
        return conventions.gcp_labels(self.tags)

    @property
    def namespace(self) -> str:
        return conventions.namespace_name(self.spec.id)

    @property
    def service_account(self) -> str:
        return conventions.workload_service_account(self.spec.id)

    @property
    def workload_subject(self) -> str:
        """The Kubernetes service account as OIDC token subject."""
        return f"system:serviceaccount:{self.namespace}:{self.service_account}"

    def after(self, *resources: pulumi.Resource, data: bool = False) -> pulumi.ResourceOptions:
        """Options for a child that refers to ``resources`` by their (known) names, not Outputs.

        Known names keep the preview readable and checkable (policies see the real bucket or
        key a child points at) and spare the SDK an Output per reference.
        """
        base = self.data_opts if data else self.opts
        return pulumi.ResourceOptions.merge(base, pulumi.ResourceOptions(depends_on=list(resources)))

    def physical(self, *parts: str, max_len: int, alnum_only: bool = False) -> str:
        """Provider name ``plinth-<env>-<tenant>-<parts>`` within ``max_len``."""
        return conventions.physical_name(
            "plinth", self.environment, self.spec.id, *parts, max_len=max_len, alnum_only=alnum_only
        )
