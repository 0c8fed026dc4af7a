"""Platform: the one component a stack builds; it composes what the stack config declares.

Each capability (:mod:`components.capabilities`) turns its section of the config into component
arguments and components, in dependency order; the Platform only supplies what they share: the
stack's tags, one explicit provider per cloud and region, and the Kubernetes provider.
"""


from typing import Any, Mapping, Optional, TypedDict

import pulumi

from components import capabilities, clouds, conventions
from components.capability import BuildContext
from components.config import ConfigError, StackConfig, parse


class PlatformArgs(TypedDict):
    config: dict[str, Any]
    """Everything a stack file holds under ``plinth:`` (keys without the namespace, as in the YAML),
    validated exactly as ``plinth preview`` and ``pulumi up`` validate a stack file."""


def base_tags(config: StackConfig, stack: str) -> dict[str, str]:
    """Tags every resource of the stack carries; the stack's own ``plinth:tags`` win."""
    return conventions.tags(
        {
            conventions.TAG_MANAGED_BY: conventions.MANAGED_BY_VALUE,
            conventions.TAG_ENVIRONMENT: config.environment,
            conventions.TAG_STACK: stack,
        }
    ) | dict(config.tags)


class Platform(pulumi.ComponentResource):
    """Everything one stack declares: tenants, monitoring and the capabilities that build on them."""

    tenant_outputs: pulumi.Output[dict[str, Any]]
    """Per tenant: namespace, service account and the cloud identifiers other stacks consume."""

    def __init__(
        self,
        name: str,
        args: PlatformArgs,
        opts: Optional[pulumi.ResourceOptions] = None,
        *,
        config: StackConfig | None = None,
    ):
        """``config``: an already validated stack config (the Pulumi program passes the one it loaded)."""
        super().__init__(conventions.type_token("Platform"), name, None, opts)
        if config is None:
            try:
                config = parse(args["config"], source="args.config")
            except ConfigError as err:
                raise pulumi.InputPropertiesError(f"Platform {name}: {err}") from None
        self.config = config
        child = pulumi.ResourceOptions(parent=self)
        if config.kubernetes is not None and config.kubernetes.context:
            import pulumi_kubernetes as kubernetes

            provider = kubernetes.Provider(f"{name}-kubernetes", context=config.kubernetes.context, opts=child)
            child = pulumi.ResourceOptions(parent=self, providers={"kubernetes": provider})

        self._cloud_providers: dict[tuple[str, str], pulumi.ProviderResource] = {}
        ctx = BuildContext(
            name=name,
            config=config,
            tags=base_tags(config, pulumi.get_stack()),
            opts=child,
            provider=lambda cloud, region: self._cloud_provider(name, cloud, region),
        )
        for capability in capabilities.CAPABILITIES:
            if capability.build is not None:
                ctx.results[capability.key] = capability.build(ctx, capability.section(config))
        #: What each capability built, by capability key (``tenants``: id -> Tenant, ``monitoring``: ...).
        self.built: Mapping[str, Any] = dict(ctx.results)
        self.tenants: Mapping[str, Any] = self.built.get("tenants") or {}
        ids = list(self.tenants)
        self.tenant_outputs = pulumi.Output.all(*(self.tenants[t].summary for t in ids)).apply(
            lambda s: dict(zip(ids, s))
        )
        self.register_outputs({"tenants": self.tenant_outputs})

    def _cloud_provider(self, name: str, cloud: str, region: str) -> pulumi.ProviderResource:
        """One explicit provider per cloud and region, pinned to the stack's account/project."""
        key = (cloud, region)
        if key not in self._cloud_providers:
            entry = clouds.cloud(cloud)
            self._cloud_providers[key] = entry.make_provider(
                f"{name}-{cloud}-{region}",
                self.config.cloud_settings(cloud),
                region,
                pulumi.ResourceOptions(parent=self),
            )
        return self._cloud_providers[key]

    @classmethod
    def from_config(cls, name: str, config: StackConfig, opts: Optional[pulumi.ResourceOptions] = None) -> "Platform":
        """The Platform of an already validated stack config (what the Pulumi program does)."""
        return cls(name, PlatformArgs(config={}), opts, config=config)

    @property
    def monitoring(self) -> Any:
        return self.built.get("monitoring")
