"""Monitoring: the ``plinth:monitoring`` capability (spec in ``spec``, component in ``component``).

This module stays light: the stack-config model imports it, and the provider SDKs and Grafana's
SDK are only imported when the Platform builds the monitoring stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from components import conventions
from components.capability import BuildContext, Capability, Problem
from components.monitoring.spec import MonitoringSpec, stack_problems

if TYPE_CHECKING:
    from components.config import StackConfig


def check(cfg: StackConfig, spec: MonitoringSpec | None) -> list[Problem]:
    if spec is None:
        return []
    problems: list[Problem] = []
    ids = {t.id for t in getattr(cfg, "tenants", [])}
    for i, s in enumerate(spec.slos):
        if s.tenant is not None and s.tenant not in ids:
            problems.append((f"monitoring.slos[{i}].tenant", f"no tenant {s.tenant!r} in plinth:tenants"))
    tenant_namespaces = {conventions.namespace_name(t): t for t in sorted(ids)}
    if spec.prometheus.mode == "install" and spec.node_exporter_ns in tenant_namespaces:
        problems.append((
            "monitoring.nodeExporterNamespace",
            f"{spec.node_exporter_ns!r} is tenant {tenant_namespaces[spec.node_exporter_ns]}'s namespace; "
            "node-exporter's privileged namespace must be its own",
        ))  # fmt: skip
    for key, message in stack_problems(spec, cluster=cfg.kubernetes, has_aws=cfg.cloud_settings("aws") is not None):
        problems.append((f"monitoring.{key}" if key else "monitoring", message))
    return problems


def build(ctx: BuildContext, spec: MonitoringSpec | None) -> Any:
    if spec is None:
        return None
    from components.monitoring.component import MonitoringStack, args_from_spec

    tenants = ctx.results.get("tenants") or {}
    namespaces = {tid: conventions.namespace_name(tid) for tid in tenants} if ctx.config.kubernetes is not None else {}
    args = args_from_spec(
        spec,
        environment=ctx.config.environment,
        cluster=ctx.config.kubernetes,
        aws=ctx.config.cloud_settings("aws"),
        tenant_namespaces=namespaces,
        tags=ctx.tags,
    )
    return MonitoringStack(f"{ctx.name}-monitoring", args, opts=ctx.opts)


CAPABILITY: Capability[MonitoringSpec | None] = Capability(
    key="monitoring", annotation=MonitoringSpec | None, default=None, check=check, build=build, after=("tenants",)
)
