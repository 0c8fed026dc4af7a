"""Platform: the one component a stack builds; it composes what the stack config declares."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from components import conventions
from components.config import StackConfig
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

        self.tenants = {
            spec.id: Tenant(spec.id, TenantArgs(spec=spec, stack=config, tags=tags), opts=child)
            for spec in config.tenants
        }
        self.tenant_outputs = pulumi.Output.from_input({tid: t.summary for tid, t in self.tenants.items()})
        self.register_outputs({"tenants": self.tenant_outputs})
