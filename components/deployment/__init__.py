"""Deployments: the ``plinth:deployments`` capability - tenants' services and GPU model servers, rolled out
rolling, canary or blue-green (Argo Rollouts), judged by their SLO's page condition, autoscaled, and checked
against their tenant's quota at preview.

Spec in ``spec``, stack checks in ``checks`` (quota arithmetic in ``quota``), pure builders in ``workload``
(the pod, Services, PDB), ``strategies`` (Deployment, Rollout), ``analysis`` (AnalysisTemplates),
``autoscaling`` (HPA, ScaledObject) and ``rollouts`` (the controller), components in ``component``.

This module stays light: the stack-config model imports it; the provider SDKs are only imported when the
Platform builds the deployments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from components.capability import BuildContext, Capability, Problem
from components.deployment.spec import DeploymentsSpec

if TYPE_CHECKING:
    from components.config import StackConfig


def _service_problems(cfg: StackConfig, spec: DeploymentsSpec) -> list[Problem]:
    from components.deployment import checks
    from components.tenant.kubernetes import quota

    tenants = {t.id: t for t in getattr(cfg, "tenants", []) or []}
    monitoring = getattr(cfg, "monitoring", None)
    slos = list(monitoring.slos) if monitoring is not None else []
    problems: list[Problem] = []
    for i, service in enumerate(spec.services):
        at = f"deployments.services[{i}]"
        tenant = tenants.get(service.tenant)
        if tenant is None:
            problems.append((f"{at}.tenant", f"no tenant {service.tenant!r} in plinth:tenants"))
            continue
        found = checks.service_problems(service)
        if service.slo is not None:
            slo, why = checks.find_slo(slos, service.slo, service.tenant)
            found += [("slo", why)] if why else checks.slo_problems(service, slo)
        # Where the bucket is comes from the tenant's cloud module (which imports its provider SDK): the
        # TenantDeployment checks it; here only that there is one.
        gpus = int(quota(tenant)["gpus"])
        found += checks.model_problems(service, gpus, None, tenant.tier, bucket_known=tenant.cloud == "none")
        found += checks.egress_problems(service, tenant)
        problems += [(f"{at}.{key}", message) for key, message in found]
    return problems


def check(cfg: StackConfig, spec: DeploymentsSpec | None) -> list[Problem]:
    """Every deployment against its tenant, the SLOs and the cluster; each tenant's deployments together
    against its ResourceQuota."""
    if spec is None or not spec.services:
        return []
    from components.deployment.checks import quota_problems
    from components.tenant.kubernetes import quota

    if cfg.kubernetes is None:
        return [("deployments", "deployments run on a cluster: set plinth:kubernetes or remove plinth:deployments")]
    problems = _service_problems(cfg, spec)
    tenants = {t.id: t for t in getattr(cfg, "tenants", []) or []}
    problems += quota_problems(spec, {tid: quota(t) for tid, t in tenants.items()})
    return problems


def build(ctx: BuildContext, spec: DeploymentsSpec | None) -> Any:
    """The Argo Rollouts controller (when a deployment is progressive) and one TenantDeployment per service."""
    if spec is None or not spec.services or ctx.config.kubernetes is None:
        return None
    from components.deployment.component import build_all

    return build_all(ctx, spec)


CAPABILITY: Capability[DeploymentsSpec | None] = Capability(
    key="deployments",
    annotation=DeploymentsSpec | None,
    default=None,
    check=check,
    build=build,
    after=("tenants", "monitoring"),
)
