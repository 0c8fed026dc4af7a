"""Tenants: the ``plinth:tenants`` capability (spec in ``spec``, component in ``component``).

This module stays light: the stack-config model imports it, and the provider SDKs are only
imported when the Platform builds the tenants.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from components.capability import BuildContext, Capability, Problem
from components.tenant.spec import TenantSpec, placement_problems, region_of

if TYPE_CHECKING:
    from components.config import StackConfig
    from components.tenant.component import Tenant


def check(cfg: StackConfig, tenants: list[TenantSpec]) -> list[Problem]:
    """Tenants against each other and the rest of the stack."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for i, tenant in enumerate(tenants):
        at = f"tenants[{i}]"
        if tenant.id in seen:
            problems.append((f"{at}.id", f"duplicate tenant id {tenant.id!r} (also tenants[{seen[tenant.id]}])"))
        seen.setdefault(tenant.id, i)
        settings = cfg.cloud_settings(tenant.cloud) if tenant.cloud != "none" else None
        region = region_of(tenant, settings)
        for scope, key, message in placement_problems(
            tenant, environment=cfg.environment, cluster=cfg.kubernetes, settings=settings, region=region,
            monitoring=_monitoring(cfg),
        ):  # fmt: skip
            problems.append((f"{at}.{key}" if scope == "tenant" else key, message))
    return problems


def _monitoring(cfg: StackConfig) -> Any:
    """The stack's monitoring section (its alert routes address budget notifications), if any."""
    from components import monitoring

    return cfg.section(monitoring.CAPABILITY)


def build(ctx: BuildContext, tenants: list[TenantSpec]) -> dict[str, Tenant]:
    """One Tenant component per spec, each with the explicit provider of its cloud and region."""
    import pulumi

    from components.tenant.component import Tenant, args_from_spec
    from components.tenant.identity import ClusterIdentity, needed

    cluster = ctx.config.kubernetes
    links: dict[str, Any] = {}
    used: set[str] = {t.cloud for t in tenants if t.cloud != "none" and ctx.config.cloud_settings(t.cloud) is not None}
    if cluster is not None and needed(cluster, used):
        identity_args: dict[str, Any] = {
            "environment": ctx.config.environment,
            "cluster": cluster.model_dump(exclude_none=True, exclude={"context"}),
            **{c: ctx.config.cloud_settings(c).model_dump() for c in sorted(used) if c in ("aws", "gcp")},
        }
        identity = ClusterIdentity(
            f"{ctx.name}-cluster-identity", cast(Any, identity_args), opts=_with_provider(ctx, used)
        )
        links = identity.links
    out: dict[str, Tenant] = {}
    for spec in tenants:
        opts = ctx.opts
        settings: Any = None
        if spec.cloud != "none":
            settings = ctx.config.cloud_settings(spec.cloud)
            provider = ctx.provider(spec.cloud, str(region_of(spec, settings)))
            opts = pulumi.ResourceOptions.merge(
                ctx.opts, pulumi.ResourceOptions(providers={provider.package: provider})
            )
        args = args_from_spec(
            spec,
            environment=ctx.config.environment,
            cluster=cluster,
            cloud_settings=settings,
            stack_tags=ctx.tags,
            links={k: v for k, v in links.items() if k.startswith(spec.cloud)},
            monitoring=_monitoring(ctx.config),
        )
        out[spec.id] = Tenant(spec.id, args, opts=opts)
    return out


def _with_provider(ctx: BuildContext, used: set[str]) -> Any:
    """The ClusterIdentity's options: the stack's providers for its account-wide clouds (default regions)."""
    import pulumi

    providers = []
    for cloud in sorted(used & {"aws", "gcp"}):
        settings = ctx.config.cloud_settings(cloud)
        from components import clouds

        providers.append(ctx.provider(cloud, clouds.cloud(cloud).default_region(settings)))
    return pulumi.ResourceOptions.merge(ctx.opts, pulumi.ResourceOptions(providers=providers))


CAPABILITY: Capability[list[TenantSpec]] = Capability(
    key="tenants",
    annotation=list[TenantSpec],
    default_factory=list,
    field_options={"max_length": 5000},
    check=check,
    build=build,
)
