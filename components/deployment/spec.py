"""The ``plinth:deployments`` section: tenants' services and ML models, how they roll out and scale.

Pure pydantic models (no Pulumi). Checks that need only one entry live here (a tag without a digest,
steps that never reach a weight, HPA and KEDA on one workload); checks against the rest of the stack
(the SLO named, the tenant's quota, the tenant's bucket, GPUs) live in :mod:`.checks`. Every message names the
key and says the fix.

Strategies (``strategy.type``):

- ``rolling``: a Deployment with ``maxSurge``/``maxUnavailable``;
- ``canary``: an Argo Rollouts Rollout whose steps shift the share of pods (and so of requests: Plinth
  configures no traffic router, a Service spreads requests over the pods) to the new version, judged by a
  background analysis;
- ``blueGreen``: an Argo Rollouts Rollout with an active and a preview Service, analysis before and after
  promotion, auto-promotion off in prod.

A ``model`` block makes the workload a GPU model server; ``model.canary`` rolls a candidate model version
out as a canary next to the stable one.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from components import conventions
from components.base import DnsLabel, Secret, StrictModel, Text
from components.monitoring.spec import Query, promql_problem

TenantRef = Annotated[
    str, StringConstraints(max_length=conventions.TENANT_ID_MAX, pattern=conventions.TENANT_ID_PATTERN)
]
#: Kubernetes quantities Plinth accepts for CPU and memory (``500m``, ``2``, ``512Mi``).
Quantity = Annotated[str, StringConstraints(pattern=r"^([0-9]+(\.[0-9]+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$")]
#: ``5m``, ``1h``, ``90s``: Argo Rollouts' pause and analysis durations.
Duration = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]*(s|m|h)$")]
#: An integer or a percentage, as Kubernetes' ``maxSurge``/``maxUnavailable`` take them.
IntOrPercent = int | Annotated[str, StringConstraints(pattern=r"^(100|[1-9]?[0-9])%$")]
#: An OCI image reference pinned by digest (``registry/repo[:tag]@sha256:<64 hex>``).
IMAGE_DIGEST = re.compile(
    r"^(?P<name>[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]{1,2}[a-z0-9]+)*)*)"
    r"(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?@sha256:[a-f0-9]{64}$"
)
#: Environment variable names (POSIX portable names).
EnvName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=128)]
#: A Kubernetes object name that is a DNS-1123 subdomain (Secrets).
SubdomainName = Annotated[
    str,
    StringConstraints(max_length=253, pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"),
]


#: IANA service names, which Kubernetes port names are (at most 15 characters, a letter among them).
def _has_letter(value: str) -> str:
    if not re.search(r"[a-z]", value):
        raise ValueError("a port name needs a letter (IANA service names are never all digits)")
    return value


PortName = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$"), AfterValidator(_has_letter)
]
#: Names of Deployments, Rollouts and Services: DNS labels short enough for ``<name>-preview`` and the
#: ReplicaSet hashes Kubernetes appends to pod names.
WorkloadName = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z]([a-z0-9-]*[a-z0-9])?$")]
#: Canary steps when the spec gives none: a tenth, a quarter, half of the pods, with time between for the
#: analysis (the page condition needs its 5-minute window, and a broken canary at 10 % of the requests
#: burns 100x the budget of a 99.9 % SLO).
DEFAULT_STEPS: tuple[dict[str, int | str], ...] = (
    {"setWeight": 10},
    {"pause": "5m"},
    {"setWeight": 25},
    {"pause": "5m"},
    {"setWeight": 50},
    {"pause": "10m"},
)
#: A pause that waits for someone to promote the rollout (``kubectl argo rollouts promote``).
MANUAL = "manual"
#: Argo Rollouts' Helm chart (argoproj/argo-helm): 2.40.2 ships controller v1.8.3.
ROLLOUTS_CHART_VERSION = "2.40.2"
STRATEGIES = ("rolling", "canary", "blueGreen")


class Port(StrictModel):
    """A port the container listens on; the Service exposes it under the same number and name."""

    name: PortName
    port: Annotated[int, Field(ge=1, le=65535)]
    protocol: Literal["TCP", "UDP"] = "TCP"


class HttpProbe(StrictModel):
    """An HTTP GET probe on one of the container's ports."""

    path: Annotated[str, StringConstraints(pattern=r"^/[^\s]*$", max_length=512)]
    port: PortName | None = None
    """The port's name (default: the first port)."""
    period_seconds: Annotated[int, Field(ge=1, le=300)] = 10
    failure_threshold: Annotated[int, Field(ge=1, le=1000)] = 3
    timeout_seconds: Annotated[int, Field(ge=1, le=60)] = 1
    initial_delay_seconds: Annotated[int, Field(ge=0, le=3600)] = 0


class Probes(StrictModel):
    """Readiness decides when a pod receives requests (and when a rollout step counts as done); liveness
    restarts a stuck container; startup holds liveness back while the application (or model) loads."""

    readiness: HttpProbe
    liveness: HttpProbe | None = None
    startup: HttpProbe | None = None


class ComputeResources(StrictModel):
    cpu: Quantity
    memory: Quantity


class Resources(StrictModel):
    """What one pod's container requests and may use at most. Limits default to the requests, and the
    tenant's ResourceQuota counts both."""

    requests: ComputeResources
    limits: ComputeResources | None = None

    @property
    def effective_limits(self) -> ComputeResources:
        return self.limits or self.requests


class SecretKeyRef(StrictModel):
    """A key of a Secret that already exists in the tenant's namespace."""

    name: SubdomainName
    key: Annotated[str, StringConstraints(pattern=r"^[-._a-zA-Z0-9]+$", max_length=253)]


class SecretEnv(StrictModel):
    """A secret the container reads from a file (never from its environment: CIS Kubernetes 5.4.1). The
    variable ``<name>_FILE`` holds the file's path."""

    name: EnvName
    secret_ref: SecretKeyRef | None = None
    """An existing Secret's key."""
    value: Secret | None = None
    """A ``secure:`` config value (a Pulumi secret); Plinth puts it into a Secret of the deployment."""

    @model_validator(mode="after")
    def _one(self) -> "SecretEnv":
        if (self.secret_ref is None) == (self.value is None):
            raise ValueError(f"secret {self.name}: set exactly one of secretRef or value")
        return self


class Step(StrictModel):
    """One canary step: shift ``setWeight`` percent of the pods to the new version, or ``pause`` (a duration,
    or ``manual`` to wait for ``kubectl argo rollouts promote``)."""

    set_weight: Annotated[int, Field(ge=1, le=100)] | None = None
    pause: Duration | Literal["manual"] | None = None

    @model_validator(mode="after")
    def _one(self) -> "Step":
        if (self.set_weight is None) == (self.pause is None):
            raise ValueError("a step sets exactly one of setWeight or pause")
        return self


class SuccessRate(StrictModel):
    """The analysis of a deployment without an SLO: a PromQL query returning the share of good requests
    (0 to 1) and the least share that passes."""

    query: Query
    """e.g. ``sum(rate(http_requests_total{namespace="tenant-acme",job="api",code!~"5.."}[5m]))
    / sum(rate(http_requests_total{namespace="tenant-acme",job="api"}[5m]))``."""
    minimum: Annotated[float, Field(gt=0, lt=1)]
    """e.g. 0.99: the analysis fails when fewer requests succeed."""

    @field_validator("query")
    @classmethod
    def _promql(cls, value: str) -> str:
        problem = promql_problem(value)
        if problem:
            raise ValueError(f"is not PromQL: it {problem}")
        return value


class Analysis(StrictModel):
    """How a canary or a blue-green switch is judged. With ``slo`` set, the analysis is the SLO's page
    condition (the burn rate over its page threshold); without, ``successRate``."""

    interval: Duration = "1m"
    """How often the query is measured."""
    failure_limit: Annotated[int, Field(ge=0, le=10)] = 0
    """Failed measurements tolerated before the rollout aborts (0: the first one aborts)."""
    success_rate: SuccessRate | None = None
    duration: Duration = "15m"
    """blueGreen: how long the new version is watched after promotion (and the old one kept for a switch back)."""


class Strategy(StrictModel):
    type: Literal["rolling", "canary", "blueGreen"] = "rolling"
    max_surge: IntOrPercent = "25%"
    """Pods above the replica count during an update (rolling and canary)."""
    max_unavailable: IntOrPercent = 0
    """Pods below the replica count during an update (rolling and canary)."""
    steps: list[Step] | None = None
    """canary: the steps (default: 10 %, 5m, 25 %, 5m, 50 %, 10m, then all pods)."""
    auto_promotion: bool | None = None
    """blueGreen: switch to the new version once it is ready and its analysis passed (default: on, off in prod)."""
    analysis: Analysis = Field(default_factory=Analysis)

    @field_validator("steps")
    @classmethod
    def _steps(cls, value: list[Step] | None) -> list[Step] | None:
        if value is None:
            return value
        problem = steps_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @property
    def canary_steps(self) -> list[Step]:
        return list(self.steps) if self.steps is not None else [Step.model_validate(s) for s in DEFAULT_STEPS]


def steps_problem(steps: list[Step]) -> str | None:
    """Why canary steps cannot work, or None: weights must rise and stay below 100, and every weight must be
    followed by a pause (without one Argo Rollouts moves on at once and the analysis sees nothing)."""
    if not steps:
        return "list at least one setWeight step (or leave steps out for the defaults)"
    last = 0
    for i, step in enumerate(steps):
        if step.set_weight is None:
            continue
        if step.set_weight <= last:
            return f"steps[{i}].setWeight {step.set_weight} does not rise above the previous weight {last}"
        if step.set_weight == 100:
            return f"steps[{i}].setWeight 100 is the end of every canary: leave it out"
        if i + 1 >= len(steps) or steps[i + 1].pause is None:
            return f"steps[{i}].setWeight {step.set_weight} is not followed by a pause: the analysis needs time"
        last = step.set_weight
    if last == 0:
        return "no setWeight step: a canary shifts some of the pods before all of them"
    return None


class Hpa(StrictModel):
    """A HorizontalPodAutoscaler (autoscaling/v2) on CPU and/or memory utilisation of the requests."""

    min_replicas: Annotated[int, Field(ge=1, le=1000)]
    max_replicas: Annotated[int, Field(ge=1, le=1000)]
    cpu_utilization: Annotated[int, Field(ge=1, le=100)] | None = None
    """Target average CPU use, percent of the request."""
    memory_utilization: Annotated[int, Field(ge=1, le=100)] | None = None
    """Target average memory use, percent of the request."""
    scale_down_stabilization_seconds: Annotated[int, Field(ge=0, le=3600)] = 300

    @model_validator(mode="after")
    def _targets(self) -> "Hpa":
        if self.cpu_utilization is None and self.memory_utilization is None:
            raise ValueError("set cpuUtilization and/or memoryUtilization: the autoscaler needs a target")
        if self.min_replicas > self.max_replicas:
            raise ValueError(f"minReplicas {self.min_replicas} is above maxReplicas {self.max_replicas}")
        return self


class Keda(StrictModel):
    """A KEDA ScaledObject with a Prometheus trigger (queue depth, requests per second...)."""

    min_replicas: Annotated[int, Field(ge=1, le=1000)]
    max_replicas: Annotated[int, Field(ge=1, le=1000)]
    query: Query
    """PromQL whose value, divided by ``threshold``, is the number of pods wanted."""
    threshold: Annotated[float, Field(gt=0, allow_inf_nan=False)]
    """The query's value one pod handles (KEDA's ``threshold``), e.g. 100 requests per second."""
    activation_threshold: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 0
    scale_down_stabilization_seconds: Annotated[int, Field(ge=0, le=3600)] = 300

    @field_validator("query")
    @classmethod
    def _promql(cls, value: str) -> str:
        problem = promql_problem(value)
        if problem:
            raise ValueError(f"is not PromQL: it {problem}")
        return value

    @model_validator(mode="after")
    def _bounds(self) -> "Keda":
        if self.min_replicas > self.max_replicas:
            raise ValueError(f"minReplicas {self.min_replicas} is above maxReplicas {self.max_replicas}")
        return self


class Autoscaling(StrictModel):
    """Exactly one autoscaler: an HPA or a KEDA ScaledObject (which drives an HPA of its own; two
    autoscalers on one workload fight over its replica count)."""

    hpa: Hpa | None = None
    keda: Keda | None = None

    @model_validator(mode="after")
    def _one(self) -> "Autoscaling":
        if (self.hpa is None) == (self.keda is None):
            raise ValueError("set exactly one of hpa or keda: two autoscalers on one workload fight over its replicas")
        return self

    @property
    def min_replicas(self) -> int:
        scaler = self.hpa or self.keda
        assert scaler is not None
        return scaler.min_replicas

    @property
    def max_replicas(self) -> int:
        scaler = self.hpa or self.keda
        assert scaler is not None
        return scaler.max_replicas


class Toleration(StrictModel):
    key: Annotated[str, StringConstraints(min_length=1, max_length=316)]
    operator: Literal["Exists", "Equal"] = "Exists"
    value: Annotated[str, StringConstraints(max_length=63)] | None = None
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] = "NoSchedule"


#: Node label GPU Feature Discovery (NVIDIA GPU Operator) puts on GPU nodes: the GPU's product name.
GPU_PRODUCT_LABEL = "nvidia.com/gpu.product"
#: The taint GPU node pools carry (EKS, GKE and AKS GPU node pools; the GPU Operator's convention).
GPU_TAINT = "nvidia.com/gpu"


class ModelCanary(StrictModel):
    """A candidate model version served next to the stable one."""

    version: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    traffic_share: Annotated[int, Field(ge=1, le=99)]
    """Percent of the pods (and so of the requests) that serve the candidate while it is judged."""
    duration: Duration = "30m"
    """How long the candidate is judged before it takes every pod."""


class Model(StrictModel):
    """An ML model served on GPUs: the image loads ``uri`` (in the tenant's bucket, with the tenant's
    workload identity) and reports ready once the model is loaded."""

    name: DnsLabel
    version: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    uri: Annotated[str, StringConstraints(pattern=r"^(s3://|gs://|https://)[^\s]+$", max_length=1024)]
    """Where the model's versions live in the tenant's bucket; ``{version}`` is replaced by the version served,
    e.g. ``s3://<tenant bucket>/models/whisper/{version}/``."""
    gpus: Annotated[int, Field(ge=0, le=16)] = 1
    """``nvidia.com/gpu`` per pod (requests = limits: GPUs are not shared)."""
    gpu_type: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")] | None = None
    """The GPU's product name as the node label ``nvidia.com/gpu.product`` says it, e.g. ``NVIDIA-L4``."""
    node_selector: dict[Annotated[str, StringConstraints(max_length=316)], Text] = Field(default_factory=dict)
    tolerations: list[Toleration] | None = None
    """Default: tolerate the ``nvidia.com/gpu`` taint of GPU nodes."""
    load_timeout_seconds: Annotated[int, Field(ge=10, le=7200)] = 900
    """How long the model may take to load before the pod counts as failed."""
    cache_size: Quantity = "20Gi"
    """Size of the scratch volume the model is loaded into (``/models``)."""
    canary: ModelCanary | None = None

    @field_validator("uri")
    @classmethod
    def _placeholder(cls, value: str) -> str:
        if "{version}" not in value:
            raise ValueError(
                "must contain {version}, where the served version goes (e.g. s3://bucket/model/{version}/)"
            )
        return value

    def uri_of(self, version: str) -> str:
        return self.uri.replace("{version}", version)

    @property
    def served_version(self) -> str:
        """The version the pod template serves: the candidate while a canary is declared."""
        return self.canary.version if self.canary is not None else self.version


class ServiceSpec(StrictModel):
    """One workload of a tenant: a service or a served model."""

    name: WorkloadName
    tenant: TenantRef
    image: Annotated[str, StringConstraints(min_length=1, max_length=512)]
    """Pinned by digest: ``registry.example.com/team/app@sha256:<64 hex>`` (a tag alone can move)."""
    replicas: Annotated[int, Field(ge=1, le=1000)] = 2
    """Pods without autoscaling."""
    ports: list[Port] = Field(min_length=1, max_length=10)
    probes: Probes
    resources: Resources
    env: dict[EnvName, Annotated[str, StringConstraints(max_length=4096)]] = Field(default_factory=dict)
    """Plain settings; anything secret goes into ``secrets``."""
    secrets: list[SecretEnv] = Field(default_factory=list)
    args: list[Annotated[str, StringConstraints(max_length=1024)]] = Field(default_factory=list)
    slo: Annotated[str, StringConstraints(pattern=r"^([a-z0-9-]+/)?[a-z0-9-]+$")] | None = None
    """The SLO of ``plinth:monitoring`` that judges rollouts: its ``name`` or ``<service>/<name>``."""
    strategy: Strategy = Field(default_factory=Strategy)
    autoscaling: Autoscaling | None = None
    model: Model | None = None

    @field_validator("image")
    @classmethod
    def _digest(cls, value: str) -> str:
        if not IMAGE_DIGEST.match(value):
            raise ValueError(
                "must be pinned by digest, e.g. registry.example.com/app@sha256:<64 hex digits> (a tag can be moved "
                "to other code): find it with `docker buildx imagetools inspect <image:tag>` or `crane digest`"
            )
        return value

    @model_validator(mode="after")
    def _rules(self) -> "ServiceSpec":
        names = [p.name for p in self.ports]
        if len(set(names)) != len(names):
            raise ValueError("ports: names must be unique")
        for which in ("readiness", "liveness", "startup"):
            probe = getattr(self.probes, which)
            if probe is not None and probe.port is not None and probe.port not in names:
                raise ValueError(f"probes.{which}.port: no port named {probe.port!r} (ports: {', '.join(names)})")
        secret_names = [s.name for s in self.secrets]
        clash = sorted({n for n in secret_names if secret_names.count(n) > 1} | (set(secret_names) & set(self.env)))
        if clash:
            raise ValueError(f"secrets: {', '.join(clash)} declared twice (or also in env)")
        if self.model is not None and self.model.canary is not None and self.strategy.type != "canary":
            raise ValueError("model.canary needs strategy.type canary (the candidate is rolled out as a canary)")
        if self.autoscaling is not None and "replicas" in self.model_fields_set:
            raise ValueError("replicas: remove it, autoscaling's minReplicas and maxReplicas decide the pod count")
        if self.model is not None and self.model.canary is not None and self.strategy.steps is not None:
            raise ValueError("strategy.steps: leave them out, model.canary's trafficShare and duration are the steps")
        if self.strategy.type != "canary" and self.strategy.steps is not None:
            raise ValueError("strategy.steps only apply to strategy.type canary")
        if self.strategy.type != "blueGreen" and self.strategy.auto_promotion is not None:
            raise ValueError("strategy.autoPromotion only applies to strategy.type blueGreen")
        return self

    @property
    def max_replicas(self) -> int:
        return self.autoscaling.max_replicas if self.autoscaling is not None else self.replicas

    @property
    def min_replicas(self) -> int:
        return self.autoscaling.min_replicas if self.autoscaling is not None else self.replicas

    @property
    def gpus(self) -> int:
        return self.model.gpus if self.model is not None else 0

    @property
    def progressive(self) -> bool:
        """Rolled out by Argo Rollouts (canary or blue-green)."""
        return self.strategy.type != "rolling"


class ArgoRolloutsSettings(StrictModel):
    """The Argo Rollouts controller canaries and blue-green deployments need."""

    mode: Literal["install", "existing"] = "install"
    """install: a pinned Helm release of argoproj/argo-helm's chart; existing: a controller that already runs."""
    chart_version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")] = ROLLOUTS_CHART_VERSION
    namespace: DnsLabel = "argo-rollouts"


class TenantQuota(StrictModel):
    """The tenant's ResourceQuota as the deployment checks it (``components.tenant.kubernetes.quota``)."""

    cpu: Quantity
    memory: Quantity
    pods: Annotated[int, Field(ge=0)]
    gpus: Annotated[int, Field(ge=0)] = 0


class DeploymentTenant(StrictModel):
    """What a deployment needs to know of its tenant (the component's ``tenant`` argument)."""

    id: TenantRef
    tier: Literal["free", "standard", "premium", "enterprise"]
    labels: dict[str, str] = Field(default_factory=dict)
    quota: TenantQuota
    data_uri: Annotated[str, StringConstraints(pattern=r"^(s3://|gs://|https://)[^\s]+$")] | None = None
    azure_workload_identity: bool = False
    gcp_workload_identity_provider: Annotated[str, StringConstraints(pattern=r"^projects/[^\s]+$")] | None = None

    @property
    def identity(self) -> dict[str, object]:
        out: dict[str, object] = {}
        if self.azure_workload_identity:
            out["azure_workload_identity"] = True
        if self.gcp_workload_identity_provider:
            out["gcp_workload_identity_provider"] = self.gcp_workload_identity_provider
        return out


class DeploymentsSpec(StrictModel):
    argo_rollouts: ArgoRolloutsSettings = Field(default_factory=ArgoRolloutsSettings)
    prometheus_url: Annotated[str, StringConstraints(pattern=r"^https?://[^\s/]+(:\d+)?(/[^\s]*)?$")] | None = None
    """Where analyses and KEDA triggers query Prometheus (default: the monitoring namespace's
    ``prometheus-operated`` Service, which the Prometheus Operator creates)."""
    keda_namespace: DnsLabel = "keda"
    """Where the (existing) KEDA operator runs: its pods may query Prometheus."""
    services: list[ServiceSpec] = Field(default_factory=list, max_length=2000)

    @model_validator(mode="after")
    def _unique(self) -> "DeploymentsSpec":
        seen: dict[str, int] = {}
        for i, s in enumerate(self.services):
            # The TenantDeployment's name is <tenant>-<name>: tenant a-b's c and tenant a's b-c would share it.
            key = f"{s.tenant}-{s.name}"
            if key in seen:
                other = self.services[seen[key]]
                raise ValueError(
                    f"services[{i}]: tenant {s.tenant}'s deployment {s.name} and tenant {other.tenant}'s "
                    f"{other.name} (services[{seen[key]}]) would both be named {key}: rename one"
                )
            seen[key] = i
        return self

    @property
    def progressive(self) -> bool:
        return any(s.progressive for s in self.services)

    @property
    def uses_keda(self) -> bool:
        return any(s.autoscaling is not None and s.autoscaling.keda is not None for s in self.services)


_SECONDS = {"s": 1, "m": 60, "h": 3600}


def duration_seconds(value: str) -> int:
    """A :data:`Duration` (``90s``, ``5m``, ``1h``) in seconds."""
    return int(value[:-1]) * _SECONDS[value[-1]]


def prometheus_url(spec: DeploymentsSpec, monitoring_namespace: str) -> str:
    """The Prometheus the analyses and KEDA triggers query."""
    return spec.prometheus_url or f"http://prometheus-operated.{monitoring_namespace}.svc:9090"


def image_name(image: str) -> str:
    """The repository part of a pinned image reference (for messages and labels)."""
    match = IMAGE_DIGEST.match(image)
    return match.group("name") if match else image
