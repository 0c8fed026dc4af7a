"""Checks of ``plinth:deployments`` against the rest of the stack: the SLO each deployment names, what a
progressive rollout needs to be judged, the autoscaler combinations Argo Rollouts is known to get wrong,
GPUs, the model's bucket, and the sum of each tenant's deployments against its ResourceQuota.

Pure functions returning ``(key path, message)`` problems; the stack-config check (``__init__``) and the
component's argument validation share them.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, Iterable

from components.deployment import quota
from components.deployment.spec import DeploymentsSpec, ServiceSpec

Problem = tuple[str, str]
#: Upstream reports behind the autoscaling refusals (README: "Autoscaling and progressive delivery").
HPA_RATCHET = "argoproj/argo-rollouts#2857"
HPA_AVERAGE = "argoproj/argo-rollouts#4607"


def find_slo(slos: Iterable[Any], ref: str, tenant: str) -> tuple[Any | None, str | None]:
    """The SLO ``ref`` (``name`` or ``service/name``) of ``tenant``, or why there is none."""
    service, _, name = ref.rpartition("/")
    candidates = [s for s in slos if s.name == name and (not service or s.service == service)]
    mine = [s for s in candidates if s.tenant == tenant]
    if len(mine) == 1:
        return mine[0], None
    if len(mine) > 1:
        ids = ", ".join(f"{s.service}/{s.name}" for s in mine)
        return None, f"names several SLOs of tenant {tenant} ({ids}): write <service>/<name>"
    known = ", ".join(sorted(f"{s.service}/{s.name}" for s in slos if s.tenant == tenant)) or "none"
    other = " (an SLO of that name belongs to another tenant)" if candidates else ""
    return None, f"names no SLO of tenant {tenant} in plinth:monitoring.slos{other}; the tenant's SLOs: {known}"


def slo_problems(service: ServiceSpec, slo: Any) -> list[Problem]:
    """The analysis is the SLO's page condition: an SLO whose page alert is disabled cannot judge."""
    if slo is not None and "page" not in slo.alerting.severities:
        return [
            ("slo", f"SLO {slo.service}/{slo.name} has its page alert disabled; the analysis is its page condition")
        ]
    return []


def analysis_problems(service: ServiceSpec) -> list[Problem]:
    """What judges a canary or a blue-green switch: the SLO, or else an explicit success rate."""
    if not service.progressive:
        if service.strategy.analysis.success_rate is not None:
            return [("strategy.analysis.successRate", "only canary and blueGreen rollouts are analysed")]
        return []
    has_rate = service.strategy.analysis.success_rate is not None
    if service.slo is not None and has_rate:
        return [("strategy.analysis.successRate", "set slo or a successRate, not both: the SLO judges the rollout")]
    if service.slo is None and not has_rate:
        why = (
            f" (an autoscaled canary above all: the HPA averages canary and stable pods, so an overloaded canary "
            f"scales nothing, {HPA_AVERAGE})"
            if service.autoscaling is not None and service.strategy.type == "canary"
            else ""
        )
        return [
            (
                "slo",
                f"a {service.strategy.type} rollout needs something to judge it{why}: name the SLO (slo: <name>) whose "
                "page condition aborts it, or set strategy.analysis.successRate; Plinth refuses an unjudged rollout",
            )
        ]
    return []


def surge_problems(service: ServiceSpec) -> list[Problem]:
    """Rollouts that cannot progress, and autoscaled canaries Argo Rollouts scales up without end."""
    s = service.strategy
    if s.type == "blueGreen":
        return []
    replicas = service.max_replicas
    surge = quota.scaled(s.max_surge, replicas, round_up=True)
    unavailable = quota.scaled(s.max_unavailable, replicas, round_up=False)
    if service.autoscaling is not None and s.type == "canary":
        if surge != 0:
            return [
                (
                    "strategy.maxSurge",
                    "an autoscaled canary needs maxSurge: 0. With surge, Argo Rollouts' canary runs up to "
                    "replicas + 1 pods, the HPA reads that count back as the replicas wanted and the stable "
                    f"ReplicaSet grows step by step to maxReplicas ({HPA_RATCHET}); set maxSurge: 0 and "
                    "maxUnavailable: 1",
                )
            ]
        if service.min_replicas < 2:
            return [
                (
                    "autoscaling",
                    "an autoscaled canary replaces pods one at a time (maxSurge 0): minReplicas must be at least 2 "
                    "so one pod keeps serving",
                )
            ]
    if surge == 0 and unavailable == 0:
        return [("strategy.maxUnavailable", "maxSurge and maxUnavailable are both 0: the rollout could never start")]
    return []


def model_problems(
    service: ServiceSpec, tenant_gpus: int, bucket_uri: str | None, tier: str, *, bucket_known: bool = True
) -> list[Problem]:
    """GPUs the tier has no quota for, an artefact outside the tenant's bucket, a share pods cannot split.

    ``bucket_known=False``: the caller cannot say where the bucket is (the stack-config check, which must not
    import the provider SDKs the tenant modules need); the component checks it when it is built."""
    model = service.model
    if model is None:
        return []
    problems: list[Problem] = []
    if model.gpus > 0 and tenant_gpus == 0:
        problems.append(
            (
                "model.gpus",
                f"tenant {service.tenant} ({tier} tier) has no GPU quota: give it quotas.gpus or a tier with GPUs "
                "(premium, enterprise), or serve the model on CPUs (gpus: 0)",
            )
        )
    if bucket_known and bucket_uri is None:
        problems.append(("model.uri", f"tenant {service.tenant} has no bucket (cloud: none) to read the model from"))
    elif bucket_known and bucket_uri is not None and not model.uri.startswith(bucket_uri):
        problems.append(
            (
                "model.uri",
                f"must be in tenant {service.tenant}'s bucket, which its workload identity reads: {bucket_uri}...",
            )
        )
    if model.canary is not None:
        replicas = service.min_replicas
        exact = Fraction(replicas * model.canary.traffic_share, 100)
        if exact.denominator != 1:
            step = Fraction(100, replicas)
            problems.append(
                (
                    "model.canary.trafficShare",
                    f"{model.canary.traffic_share} % cannot be split over {replicas} pods: requests follow pods (no "
                    f"traffic router), so use a multiple of {float(step):g} % or change the replica count",
                )
            )
    return problems


def egress_problems(service: ServiceSpec, tenant: Any) -> list[Problem]:
    """A model server reads its artefacts from the tenant's bucket: Plinth's NetworkPolicies deny a tenant's pods
    every destination outside the namespace but DNS and ``allowedEgress``, so without any the model never loads."""
    if service.model is None or tenant.cloud == "none" or tenant.allowed_egress:
        return []
    return [
        (
            "model.uri",
            f"tenant {tenant.id} allows no egress (plinth:tenants[].allowedEgress is empty), so the model server "
            "cannot reach its bucket or its cloud's token service: add their addresses (or a private endpoint's) "
            f"to tenant {tenant.id}'s allowedEgress",
        )
    ]


def service_problems(service: ServiceSpec) -> list[Problem]:
    """Every check of one entry that needs nothing but the entry."""
    return analysis_problems(service) + surge_problems(service)


def footprint(service: ServiceSpec) -> quota.Footprint:
    limits = service.resources.effective_limits
    return quota.footprint(
        service.name,
        strategy=service.strategy.type,
        max_replicas=service.max_replicas,
        max_surge=service.strategy.max_surge,
        cpu=limits.cpu,
        memory=limits.memory,
        gpus=service.gpus,
    )


def quota_problems(spec: DeploymentsSpec, quotas: dict[str, dict[str, str | int]]) -> list[Problem]:
    """Each tenant's deployments together, at their peak, against the tenant's quota (``quotas``: tenant id ->
    ``components.tenant.kubernetes.quota``)."""
    problems: list[Problem] = []
    for tenant, hard in quotas.items():
        mine = [(i, s) for i, s in enumerate(spec.services) if s.tenant == tenant]
        if not mine:
            continue
        for excess in quota.excesses((footprint(s) for _, s in mine), hard):
            index = mine[excess.tipping][0]
            problems.append((f"deployments.services[{index}]", excess.message(tenant)))
    return problems


def tenant_facts(tenant: Any, cfg: Any) -> tuple[dict[str, Any], str | None]:
    """What a tenant's deployments need from its cloud: the pod's workload identity (``workload_identity``) and
    where the tenant's bucket is (``data_uri``, None without a cloud), from the cloud's tenant module."""
    if tenant.cloud == "none":
        return {}, None
    settings = cfg.cloud_settings(tenant.cloud)
    if settings is None:
        return {}, None
    import pulumi

    from components import clouds
    from components.config import region_of_tenant
    from components.tenant.context import TenantContext

    ctx = TenantContext(
        name=tenant.id,
        spec=tenant,
        environment=cfg.environment,
        cluster=cfg.kubernetes,
        settings=settings,
        region=region_of_tenant(tenant, cfg),
        links={},
        tags={},
        opts=pulumi.ResourceOptions(),
        data_opts=pulumi.ResourceOptions(),
    )
    cloud = clouds.cloud(tenant.cloud)
    identity: dict[str, Any] = cloud.tenant_function("workload_identity")(ctx)
    uri: str = cloud.tenant_function("data_uri")(ctx)
    return identity, uri
