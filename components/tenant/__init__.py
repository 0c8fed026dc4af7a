"""Tenant: one validated spec -> Kubernetes isolation plus per-tenant keys, storage and identity.

Per-cloud work lives in one module per cloud (``aws``, ``gcp``, ``azure``) and the cluster part
in ``kubernetes``; this module only decides what to build and how stateful resources are kept.
"""

from __future__ import annotations

from typing import Any, Callable, TypedDict, TYPE_CHECKING

import pulumi

from components import conventions
from components.tenant import aws as aws_part
from components.tenant import azure as azure_part
from components.tenant import gcp as gcp_part
from components.tenant import kubernetes as kubernetes_part
from components.tenant.context import TenantContext
from components.tenant.spec import TenantSpec

if TYPE_CHECKING:  # config imports the tenant spec; import the other way only for types
    from components.config import StackConfig

_CLOUD_BUILDERS: dict[str, Callable[[TenantContext], dict[str, Any]]] = {
    "aws": aws_part.build,
    "gcp": gcp_part.build,
    "azure": azure_part.build,
}


class TenantArgs(TypedDict):
    spec: TenantSpec
    """The validated tenant spec (one entry of ``plinth:tenants``)."""
    stack: StackConfig
    """The whole stack config: environment, cluster and cloud settings."""
    tags: dict[str, str]
    """Stack-wide tags; the tenant's own tags are merged over them."""


def tenant_tags(spec: TenantSpec, base: dict[str, str]) -> dict[str, str]:
    """Stack tags, then the tenant's identity tags, then the tenant's own tags (user wins)."""
    merged = conventions.tags(
        base,
        tenant=spec.id,
        tier=spec.tier,
        cost_center=spec.cost_center,
        data_residency=spec.data_residency,
        compliance=".".join(sorted(spec.compliance)) or None,
        data_deletion="delete" if spec.data_deletion == "delete" else None,
    )
    return merged | dict(spec.tags)


def data_options(spec: TenantSpec) -> pulumi.ResourceOptions:
    """How keys, buckets, vaults and storage accounts are kept.

    Unless the spec says ``dataDeletion: delete`` they are both protected and retained on
    delete: removing the tenant (or ``pulumi destroy``) stops with an error naming them, and
    even after someone unprotects them on purpose (``pulumi state unprotect``) Pulumi only
    forgets them - the data stays in the cloud. ``protect`` is also what policy packs can see
    (the analyzer protocol does not carry ``retainOnDelete``).
    """
    keep = spec.data_deletion == "retain"
    return pulumi.ResourceOptions(retain_on_delete=keep, protect=keep)


def collect(values: dict[str, Any]) -> pulumi.Output[dict[str, Any]]:
    """One Output for a flat dict whose values may be Outputs.

    ``Output.from_input`` would make an Output per key; at a thousand tenants those extra
    Outputs are a measurable share of the preview, so only the real Outputs are awaited.
    """
    keys = [k for k, v in values.items() if isinstance(v, pulumi.Output)]
    return pulumi.Output.all(*(values[k] for k in keys)).apply(lambda resolved: {**values, **dict(zip(keys, resolved))})


class Tenant(pulumi.ComponentResource):
    """Everything one tenant needs, secure by default, on any of the three clouds."""

    namespace: str | None
    """The tenant's Kubernetes namespace (``None`` when the stack has no cluster)."""
    service_account: str | None
    """The workload ServiceAccount in that namespace, bound to the cloud identity."""
    cloud: pulumi.Output[dict[str, Any]]
    """Cloud identifiers: bucket, key, identity, region (empty for ``cloud: none``)."""
    summary: pulumi.Output[dict[str, Any]]
    """What monitoring, backup, deployment components and silo stacks consume."""

    def __init__(self, name: str, args: TenantArgs, opts: pulumi.ResourceOptions | None = None):
        spec, stack = args["spec"], args["stack"]
        super().__init__(conventions.type_token("Tenant"), name, None, opts)
        self.spec = spec
        tags = tenant_tags(spec, args["tags"])
        child = pulumi.ResourceOptions(parent=self)
        ctx = TenantContext(
            name=name,
            spec=spec,
            stack=stack,
            region=stack.tenant_region(spec),
            tags=tags,
            opts=child,
            data_opts=pulumi.ResourceOptions.merge(child, data_options(spec)),
        )

        cloud: dict[str, Any] = {}
        if spec.cloud != "none":
            cloud = _CLOUD_BUILDERS[spec.cloud](ctx)
        annotations = cloud.pop("serviceAccountAnnotations", None)

        self.namespace = None
        self.service_account = None
        if stack.kubernetes is not None:
            manifests = kubernetes_part.manifests(spec, stack.environment, stack.kubernetes, annotations)
            kubernetes_part.create(name, manifests, child, retain_namespace=spec.data_deletion == "retain")
            self.namespace = ctx.namespace
            self.service_account = ctx.service_account

        self.cloud = collect(cloud)
        self.summary = collect(
            {
                "id": spec.id,
                "tier": spec.tier,
                "compliance": list(spec.compliance),
                "cloud": spec.cloud,
                "namespace": self.namespace,
                "serviceAccount": self.service_account,
                **cloud,
            }
        )
        self.register_outputs({"summary": self.summary})


__all__ = ["Tenant", "TenantArgs", "TenantSpec", "tenant_tags", "data_options"]
