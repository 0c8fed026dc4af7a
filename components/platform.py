"""Platform: the one component a stack builds; it composes what the stack config declares."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure_native
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

from components import conventions
from components.config import StackConfig
from components.monitoring import MonitoringStack, MonitoringStackArgs
from components.tenant import Tenant, TenantArgs


def base_tags(config: StackConfig, stack: str) -> dict[str, str]:
    """Tags every resource of the stack carries; the stack's own ``plinth:tags`` win."""
    return conventions.tags(
        {
            conventions.TAG_MANAGED_BY: conventions.MANAGED_BY_VALUE,
            conventions.TAG_ENVIRONMENT: config.environment,
            conventions.TAG_STACK: stack,
        },
        **{k.replace("-", "_"): v for k, v in config.tags.items()},
    ) | dict(config.tags)


class Platform(pulumi.ComponentResource):
    """Everything one stack declares: tenants (and, as they land, monitoring, backup, deployments)."""

    tenants: dict[str, Tenant]
    """The stack's tenants by id."""
    tenant_outputs: pulumi.Output[dict[str, Any]]
    """Per tenant: namespace, service account and the cloud identifiers other stacks consume."""

    def __init__(self, name: str, config: StackConfig, opts: pulumi.ResourceOptions | None = None):
        super().__init__(conventions.type_token("Platform"), name, None, opts)
        self.config = config
        tags = base_tags(config, pulumi.get_stack())
        child = pulumi.ResourceOptions(parent=self)
        if config.kubernetes is not None and config.kubernetes.context:
            provider = k8s.Provider(f"{name}-kubernetes", context=config.kubernetes.context, opts=child)
            child = pulumi.ResourceOptions(parent=self, providers={"kubernetes": provider})

        self._cloud_providers: dict[tuple[str, str], pulumi.ProviderResource] = {}
        self.tenants = {}
        for spec in config.tenants:
            opts = child
            if spec.cloud != "none":
                provider = self._cloud_provider(name, spec.cloud, config.tenant_region(spec))
                opts = pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(providers={provider.package: provider}))
            self.tenants[spec.id] = Tenant(spec.id, TenantArgs(spec=spec, stack=config, tags=tags), opts=opts)
        self.monitoring = None
        if config.monitoring is not None:
            namespaces = {tid: t.namespace for tid, t in self.tenants.items() if t.namespace}
            self.monitoring = MonitoringStack(
                f"{name}-monitoring",
                MonitoringStackArgs(spec=config.monitoring, stack=config, tenant_namespaces=namespaces, tags=tags),
                opts=child,
            )
        ids = list(self.tenants)
        self.tenant_outputs = pulumi.Output.all(*(self.tenants[t].summary for t in ids)).apply(lambda s: dict(zip(ids, s)))
        self.register_outputs({"tenants": self.tenant_outputs})

    def _cloud_provider(self, name: str, cloud: str, region: str) -> pulumi.ProviderResource:
        """One explicit provider per cloud and region, pinned to the stack's account/project."""
        key = (cloud, region)
        if key not in self._cloud_providers:
            opts = pulumi.ResourceOptions(parent=self)
            settings = getattr(self.config, cloud)
            if cloud == "aws":
                provider = aws.Provider(f"{name}-aws-{region}", region=region, allowed_account_ids=[settings.account_id], opts=opts)
            elif cloud == "gcp":
                provider = gcp.Provider(f"{name}-gcp-{region}", project=settings.project, region=region, opts=opts)
            else:
                provider = azure_native.Provider(
                    f"{name}-azure-{region}", location=region, subscription_id=settings.subscription_id,
                    tenant_id=settings.tenant_id, opts=opts,
                )
            self._cloud_providers[key] = provider
        return self._cloud_providers[key]
