"""TenantDeployment: one tenant service or GPU model server - its workload (Deployment or Rollout), Services,
PodDisruptionBudget, analysis, autoscaler and secrets - and DeliveryController: the Argo Rollouts controller and
the flow that lets analyses and KEDA query Prometheus.

The arguments are plain types (what a YAML or TypeScript program passes); they are validated with the same
models and checks the stack config runs, the tenant's quota included, before anything is registered.
"""

from typing import Any, NotRequired, Optional, TypedDict

import pulumi

from components import conventions, k8s
from components.args import ArgsError, input_error, snake_case, unknown_keys, validate
from components.capability import BuildContext
from components.deployment import analysis, autoscaling, checks, quota, rollouts, strategies, workload
from components.deployment.spec import ArgoRolloutsSettings, DeploymentsSpec, DeploymentTenant, ServiceSpec
from components.monitoring.component import SloArgs
from components.monitoring.spec import SloSpec


# --- Arguments (plain types) -----------------------------------------------------------------------
class DeploymentPortArgs(TypedDict):
    """A port the container listens on; the Service exposes it under the same number and name."""

    name: str
    """IANA service name (at most 15 characters), e.g. ``http``."""
    port: int
    """1-65535."""
    protocol: NotRequired[str]
    """``TCP`` (default) or ``UDP``."""


class DeploymentHttpProbeArgs(TypedDict):
    """An HTTP GET probe on one of the container's ports."""

    path: str
    """e.g. ``/healthz``."""
    port: NotRequired[str]
    """The port's name (default: the first port)."""
    period_seconds: NotRequired[int]
    """Seconds between probes (default 10)."""
    failure_threshold: NotRequired[int]
    """Failures in a row before the probe fails (default 3)."""
    timeout_seconds: NotRequired[int]
    """Seconds one probe may take (default 1)."""
    initial_delay_seconds: NotRequired[int]
    """Seconds before the first probe (default 0)."""


class DeploymentProbesArgs(TypedDict):
    """Readiness decides when a pod gets requests; liveness restarts a stuck container; startup holds liveness
    back while the application or model loads."""

    readiness: DeploymentHttpProbeArgs
    """Required: a rollout step counts as done when the new pods are ready."""
    liveness: NotRequired[DeploymentHttpProbeArgs]
    """Restarts a container that stops answering."""
    startup: NotRequired[DeploymentHttpProbeArgs]
    """Default for models: the readiness probe, allowed ``model.load_timeout_seconds``."""


class DeploymentComputeArgs(TypedDict):
    """CPU and memory as Kubernetes quantities."""

    cpu: str
    """e.g. ``500m`` or ``2``."""
    memory: str
    """e.g. ``512Mi``."""


class DeploymentResourcesArgs(TypedDict):
    """What one pod's container requests and may use at most."""

    requests: DeploymentComputeArgs
    """Reserved for the pod by the scheduler."""
    limits: NotRequired[DeploymentComputeArgs]
    """At most (default: the requests); the tenant's quota counts them."""


class DeploymentSecretRefArgs(TypedDict):
    """A key of a Secret that already exists in the tenant's namespace."""

    name: str
    """The Secret's name."""
    key: str
    """The key in it."""


class DeploymentSecretArgs(TypedDict):
    """A secret the container reads from the file named by ``<name>_FILE`` (never from its environment)."""

    name: str
    """The variable's name, e.g. ``DATABASE_PASSWORD`` (``DATABASE_PASSWORD_FILE`` holds the file's path)."""
    secret_ref: NotRequired[DeploymentSecretRefArgs]
    """An existing Secret's key."""
    value: NotRequired[str]
    """A Pulumi secret; Plinth puts it into the deployment's Secret ``<name>-secrets``."""


class DeploymentStepArgs(TypedDict, total=False):
    """One canary step: exactly one of ``set_weight`` and ``pause``."""

    set_weight: int
    """Percent of the pods that run the new version (1-99, rising)."""
    pause: str
    """A duration (``5m``) or ``manual`` (wait for ``kubectl argo rollouts promote``)."""


class DeploymentSuccessRateArgs(TypedDict):
    """The analysis of a deployment without an SLO."""

    query: str
    """PromQL returning the share of good requests (0 to 1)."""
    minimum: float
    """The least share that passes, e.g. 0.99."""


class DeploymentAnalysisArgs(TypedDict, total=False):
    """How a canary or blue-green switch is judged."""

    interval: str
    """How often the query is measured (default ``1m``)."""
    failure_limit: int
    """Failed measurements tolerated before the rollout aborts (default 0)."""
    success_rate: DeploymentSuccessRateArgs
    """Without an SLO: the query and minimum that judge the rollout."""
    duration: str
    """blueGreen: how long the new version is judged after the switch (default ``15m``)."""


class DeploymentStrategyArgs(TypedDict, total=False):
    """How a new version replaces the old one."""

    type: str
    """``rolling`` (default), ``canary`` or ``blueGreen``."""
    max_surge: str
    """Pods above the replica count during an update: a count (``1``) or a percentage (``25%``)."""
    max_unavailable: str
    """Pods below the replica count during an update: a count (``0``) or a percentage."""
    steps: list[DeploymentStepArgs]
    """canary: the steps (default 10 %, 5m, 25 %, 5m, 50 %, 10m)."""
    auto_promotion: bool
    """blueGreen: switch once ready and analysed (default: on, off in prod)."""
    analysis: DeploymentAnalysisArgs
    """How the rollout is judged."""


class DeploymentHpaArgs(TypedDict):
    """A HorizontalPodAutoscaler (autoscaling/v2) on CPU and/or memory."""

    min_replicas: int
    """Fewest pods."""
    max_replicas: int
    """Most pods (the quota check counts these)."""
    cpu_utilization: NotRequired[int]
    """Target average CPU use, percent of the request."""
    memory_utilization: NotRequired[int]
    """Target average memory use, percent of the request."""
    scale_down_stabilization_seconds: NotRequired[int]
    """How long a lower recommendation must hold before pods are removed (default 300)."""


class DeploymentKedaArgs(TypedDict):
    """A KEDA ScaledObject with a Prometheus trigger."""

    min_replicas: int
    """Fewest pods."""
    max_replicas: int
    """Most pods (the quota check counts these)."""
    query: str
    """PromQL whose value divided by ``threshold`` is the number of pods wanted."""
    threshold: float
    """The query's value one pod handles."""
    activation_threshold: NotRequired[float]
    """Below this value the workload scales to ``min_replicas`` (default 0)."""
    scale_down_stabilization_seconds: NotRequired[int]
    """How long a lower recommendation must hold before pods are removed (default 300)."""


class DeploymentAutoscalingArgs(TypedDict, total=False):
    """Exactly one autoscaler."""

    hpa: DeploymentHpaArgs
    """An HPA on CPU/memory."""
    keda: DeploymentKedaArgs
    """A KEDA ScaledObject on a Prometheus query."""


class DeploymentTolerationArgs(TypedDict):
    """A taint the model's pods tolerate."""

    key: str
    """The taint's key."""
    operator: NotRequired[str]
    """``Exists`` (default) or ``Equal``."""
    value: NotRequired[str]
    """With ``Equal``: the taint's value."""
    effect: NotRequired[str]
    """``NoSchedule`` (default), ``PreferNoSchedule`` or ``NoExecute``."""


class DeploymentModelCanaryArgs(TypedDict):
    """A candidate model version served next to the stable one."""

    version: str
    """The candidate version."""
    traffic_share: int
    """Percent of the pods (and so of the requests) serving the candidate while it is judged (1-99)."""
    duration: NotRequired[str]
    """How long the candidate is judged before it takes every pod (default ``30m``)."""


class DeploymentModelArgs(TypedDict):
    """An ML model served on GPUs, read from the tenant's bucket with the tenant's workload identity."""

    name: str
    """The model's name (``MODEL_NAME``)."""
    version: str
    """The stable version (``MODEL_VERSION`` unless a canary is declared)."""
    uri: str
    """Where the versions live in the tenant's bucket, with ``{version}``, e.g. ``s3://bucket/whisper/{version}/``."""
    gpus: NotRequired[int]
    """``nvidia.com/gpu`` per pod, requests = limits (default 1)."""
    gpu_type: NotRequired[str]
    """The node label ``nvidia.com/gpu.product``, e.g. ``NVIDIA-L4``."""
    node_selector: NotRequired[dict[str, str]]
    """More node labels the pods need."""
    tolerations: NotRequired[list[DeploymentTolerationArgs]]
    """Default: the ``nvidia.com/gpu`` taint."""
    load_timeout_seconds: NotRequired[int]
    """How long the model may take to load (default 900)."""
    cache_size: NotRequired[str]
    """Size of the ``/models`` scratch volume (default ``20Gi``)."""
    canary: NotRequired[DeploymentModelCanaryArgs]
    """A candidate version rolled out as a canary."""


class DeploymentServiceArgs(TypedDict):
    """One workload of a tenant: a service or a served model (the ``plinth:deployments`` entry)."""

    name: str
    """The workload's name (a DNS label of at most 40 characters)."""
    tenant: str
    """The tenant's id."""
    image: str
    """Pinned by digest: ``registry/app@sha256:<64 hex>``."""
    ports: list[DeploymentPortArgs]
    """The container's ports (1-10)."""
    probes: DeploymentProbesArgs
    """Health probes."""
    resources: DeploymentResourcesArgs
    """Requests and limits of one pod."""
    replicas: NotRequired[int]
    """Pods without autoscaling (default 2)."""
    env: NotRequired[dict[str, str]]
    """Plain settings."""
    secrets: NotRequired[list[DeploymentSecretArgs]]
    """Secrets, read from files."""
    args: NotRequired[list[str]]
    """The container's arguments."""
    slo: NotRequired[str]
    """The SLO (``name`` or ``service/name``) whose page condition judges rollouts."""
    strategy: NotRequired[DeploymentStrategyArgs]
    """How new versions roll out."""
    autoscaling: NotRequired[DeploymentAutoscalingArgs]
    """The autoscaler."""
    model: NotRequired[DeploymentModelArgs]
    """A GPU model server."""


class DeploymentQuotaArgs(TypedDict):
    """The tenant's ResourceQuota."""

    cpu: str
    """``limits.cpu``, e.g. ``32``."""
    memory: str
    """``limits.memory``, e.g. ``128Gi``."""
    pods: int
    """``pods``."""
    gpus: NotRequired[int]
    """``requests.nvidia.com/gpu`` (default 0)."""


class DeploymentTenantArgs(TypedDict):
    """What the deployment needs of its tenant."""

    id: str
    """The tenant's id (its namespace is ``tenant-<id>``)."""
    tier: str
    """``free``, ``standard``, ``premium`` or ``enterprise``."""
    quota: DeploymentQuotaArgs
    """The tenant's quota: the deployment at its peak must fit."""
    labels: NotRequired[dict[str, str]]
    """The tenant's labels, put on every object and pod (tier, cost centre...)."""
    data_uri: NotRequired[str]
    """The tenant's bucket as a URI (``s3://...``): models must be read from it."""
    azure_workload_identity: NotRequired[bool]
    """Label pods for the Azure Workload Identity webhook."""
    gcp_workload_identity_provider: NotRequired[str]
    """GCP tenants off GKE: the Workload Identity Federation provider the pod's projected token is for."""


class TenantDeploymentArgs(TypedDict):
    """One deployment: the service, its tenant, the stack's environment, the SLO that judges it."""

    service: DeploymentServiceArgs
    """The deployment's spec."""
    environment: str
    """``dev``, ``staging`` or ``prod`` (blue-green auto-promotion is off in prod)."""
    tenant: DeploymentTenantArgs
    """The tenant it belongs to."""
    prometheus_url: NotRequired[str]
    """Where analyses and KEDA query Prometheus (default: ``prometheus-operated`` in ``monitoring``)."""
    slo: NotRequired[SloArgs]
    """The SLO named by ``service.slo`` (its page condition is the analysis)."""


class ArgoRolloutsArgs(TypedDict, total=False):
    """The Argo Rollouts controller."""

    mode: str
    """``install`` (a pinned Helm release, default) or ``existing``."""
    chart_version: str
    """argoproj/argo-helm ``argo-rollouts`` chart version (install mode)."""
    namespace: str
    """The controller's namespace (default ``argo-rollouts``)."""


class DeliveryControllerArgs(TypedDict):
    """What progressive delivery needs on the cluster."""

    environment: str
    """``dev``, ``staging`` or ``prod``."""
    argo_rollouts: NotRequired[ArgoRolloutsArgs]
    """The controller; leave out when no deployment is canary or blue-green."""
    monitoring_namespace: NotRequired[str]
    """An isolated monitoring namespace (Plinth's install mode): let the clients below query its Prometheus."""
    keda_namespace: NotRequired[str]
    """Where the KEDA operator runs, when a deployment scales with KEDA."""


# --- Validation ------------------------------------------------------------------------------------
def _environment(args: Any) -> str:
    environment = str(args.get("environment", ""))
    if environment not in ("dev", "staging", "prod"):
        raise ArgsError([("args.environment", f"must be dev, staging or prod (found {environment!r})")])
    return environment


def _counts(strategy: Any) -> Any:
    """``max_surge: "1"`` (a count given as a string, as the schema types it) as the number 1."""
    if not isinstance(strategy, dict):
        return strategy
    out = dict(strategy)
    for key in ("max_surge", "max_unavailable"):
        if isinstance(out.get(key), str) and str(out[key]).isdigit():
            out[key] = int(out[key])
    return out


def _names(ref: str, slo: SloSpec) -> bool:
    """Whether ``ref`` (``name`` or ``service/name``) names ``slo``."""
    service, _, name = ref.rpartition("/")
    return name == slo.name and service in ("", slo.service)


class Validated:
    """The arguments after validation: the spec, its tenant, its SLO, and every check the stack runs."""

    def __init__(self, args: TenantDeploymentArgs):
        if unknown := unknown_keys(args, TenantDeploymentArgs):
            raise ArgsError(unknown)
        self.environment = _environment(args)
        raw = dict(args.get("service") or {})
        if "strategy" in raw:
            raw["strategy"] = _counts(raw["strategy"])
        self.service = validate(ServiceSpec, raw, "args.service")
        self.tenant = validate(DeploymentTenant, dict(args.get("tenant") or {}), "args.tenant")
        slo_args = args.get("slo")
        self.slo = validate(SloSpec, dict(slo_args), "args.slo") if slo_args is not None else None
        self.prometheus_url = str(args.get("prometheus_url") or "") or (
            f"http://prometheus-operated.{conventions.MONITORING_NAMESPACE}.svc:9090"
        )
        problems = self._problems()
        if problems:
            raise ArgsError(problems)

    def _problems(self) -> list[tuple[str, str]]:
        s, tenant = self.service, self.tenant
        own: list[tuple[str, str]] = []  # paths below args
        found: list[tuple[str, str]] = []  # paths below args.service, as the stack config names them
        if s.tenant != tenant.id:
            own.append(("service.tenant", f"is {s.tenant!r} but args.tenant.id is {tenant.id!r}"))
        found += checks.service_problems(s)
        if s.slo is not None:
            if self.slo is None:
                own.append(("slo", f"service.slo names {s.slo!r}: pass that SLO"))
            elif not _names(s.slo, self.slo) or self.slo.tenant not in (None, s.tenant):
                own.append(("slo", f"is {self.slo.service}/{self.slo.name}, not the SLO {s.slo!r} service.slo names"))
            else:
                found += checks.slo_problems(s, self.slo)
        found += checks.model_problems(s, tenant.quota.gpus, tenant.data_uri, tenant.tier)
        for excess in quota.excesses([checks.footprint(s)], tenant.quota.model_dump()):
            own.append(("tenant.quota", excess.message(tenant.id)))
        below = [(f"service.{'.'.join(snake_case(part) for part in key.split('.'))}", m) for key, m in found]
        return [(f"args.{key}", message) for key, message in [*own, *below]]

    @property
    def target(self) -> workload.Target:
        return workload.Target(
            spec=self.service,
            environment=self.environment,
            tenant_labels=dict(self.tenant.labels),
            identity=self.tenant.identity,
        )


# --- Components ------------------------------------------------------------------------------------
class TenantDeployment(pulumi.ComponentResource):
    """One tenant service or GPU model server: a Deployment (rolling) or an Argo Rollouts Rollout (canary,
    blue-green) with hardened pods running as the tenant's workload identity, its Services, a
    PodDisruptionBudget, the analysis that aborts a bad rollout (the SLO's page condition), and an HPA or KEDA
    ScaledObject - refused before anything is created when it cannot fit the tenant's quota."""

    kind: pulumi.Output[str]
    """``Deployment`` or ``Rollout``."""
    namespace: pulumi.Output[str]
    """The tenant's namespace."""
    service_name: pulumi.Output[str]
    """The Service clients use (``<name>.<namespace>.svc``)."""
    analysis_query: pulumi.Output[Optional[str]]
    """The PromQL the rollout analysis measures (none for rolling deployments)."""
    peak_pods: pulumi.Output[int]
    """Pods at the peak of a rollout at the most replicas: what the quota check counted."""

    def __init__(self, name: str, args: TenantDeploymentArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(conventions.type_token("TenantDeployment"), name, None, opts)
        try:
            valid = Validated(args)
        except ArgsError as err:
            raise input_error(f"TenantDeployment {name}", err) from None
        waits = list(opts.depends_on) if opts is not None and isinstance(opts.depends_on, (list, tuple)) else []
        child = pulumi.ResourceOptions(parent=self, depends_on=waits)
        t = valid.target
        #: The manifests registered, by role (plain dicts known at preview), for tests and tools.
        self.manifests: dict[str, dict[str, Any]] = {}
        before: list[pulumi.Resource] = []
        values = {s.name: s.value.output() for s in t.spec.secrets if s.value is not None}
        secret = workload.secret(t, values)
        if secret is not None:
            before.append(self._add(name, "secret", secret, child))
        templates = analysis.templates(t, valid.slo, valid.prometheus_url)
        for manifest in templates:
            role = "analysis" if manifest["metadata"]["name"] == analysis.template_name(t) else "pre-promotion"
            before.append(self._add(name, role, manifest, child))
        services = workload.services(t)
        for manifest in services:
            role = "preview-service" if manifest["metadata"]["name"] == t.preview_service else "service"
            before.append(self._add(name, role, manifest, child))
        main = strategies.workload(t)
        created = self._add(name, "workload", main, k8s.after(child, *before))
        self._add(name, "pdb", workload.disruption_budget(t), child)
        scaler = autoscaling.autoscaler(t, valid.prometheus_url)
        if scaler is not None:
            self._add(name, "autoscaler", scaler, k8s.after(child, created))
        peak = checks.footprint(t.spec).pods
        self.kind = pulumi.Output.from_input(str(main["kind"]))
        self.namespace = pulumi.Output.from_input(t.namespace)
        self.service_name = pulumi.Output.from_input(t.name)
        query = templates[-1]["spec"]["metrics"][0]["provider"]["prometheus"]["query"] if templates else None
        self.analysis_query = pulumi.Output.from_input(query)
        self.peak_pods = pulumi.Output.from_input(peak)
        self.register_outputs(
            {"kind": self.kind, "namespace": self.namespace, "serviceName": self.service_name, "peakPods": peak}
        )

    def _add(self, name: str, role: str, manifest: dict[str, Any], opts: pulumi.ResourceOptions) -> pulumi.Resource:
        self.manifests[role] = manifest
        return k8s.register(k8s.child_name(name, role), manifest, opts)


class DeliveryController(pulumi.ComponentResource):
    """Progressive delivery on the cluster: the Argo Rollouts controller (a pinned Helm release, or an existing
    install) and, in an isolated monitoring namespace, the flow that lets it and KEDA query Prometheus."""

    namespace: pulumi.Output[Optional[str]]
    """The Argo Rollouts controller's namespace (none without canary or blue-green deployments)."""

    def __init__(self, name: str, args: DeliveryControllerArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(conventions.type_token("DeliveryController"), name, None, opts)
        try:
            if unknown := unknown_keys(args, DeliveryControllerArgs):
                raise ArgsError(unknown)
            environment = _environment(args)
            raw = args.get("argo_rollouts")
            settings = validate(ArgoRolloutsSettings, dict(raw), "args.argo_rollouts") if raw is not None else None
        except ArgsError as err:
            raise input_error(f"DeliveryController {name}", err) from None
        child = pulumi.ResourceOptions(parent=self)
        #: What deployments wait for: the controller's release (its CRDs).
        self.waits: list[pulumi.Resource] = []
        clients: dict[str, dict[str, str]] = {}
        if settings is not None:
            clients[settings.namespace] = dict(rollouts.CONTROLLER_PODS)
            if settings.mode == "install":
                self._install(name, settings, environment, child)
        keda = args.get("keda_namespace")
        if keda:
            clients[str(keda)] = {}
        monitoring = args.get("monitoring_namespace")
        if monitoring and clients:
            policy = rollouts.prometheus_access(str(monitoring), clients, environment)
            k8s.register(k8s.child_name(name, "prometheus-access"), policy, child)
        self.namespace = pulumi.Output.from_input(settings.namespace if settings is not None else None)
        self.register_outputs({"namespace": self.namespace})

    def _install(
        self, name: str, settings: ArgoRolloutsSettings, environment: str, child: pulumi.ResourceOptions
    ) -> None:
        import pulumi_kubernetes as kubernetes

        ns = k8s.register(
            k8s.child_name(name, "namespace"),
            rollouts.namespace(settings, environment),
            pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(retain_on_delete=True)),
        )
        release = kubernetes.helm.v3.Release(
            k8s.child_name(name, rollouts.CHART),
            name=rollouts.CHART,
            chart=rollouts.CHART,
            version=settings.chart_version,
            repository_opts={"repo": rollouts.HELM_REPO},
            namespace=settings.namespace,
            values=rollouts.helm_values(environment),
            atomic=True,
            opts=k8s.after(child, ns),
        )
        self.waits.append(release)


# --- From the stack config -------------------------------------------------------------------------
def service_args(service: ServiceSpec) -> DeploymentServiceArgs:
    """The component's plain-typed spec: what the section set (defaults come back on validation), secret
    values as Pulumi secrets."""
    args: dict[str, Any] = service.model_dump(exclude_none=True, exclude_unset=True, by_alias=False)
    if service.secrets:
        args["secrets"] = [
            {
                "name": s.name,
                **({"secret_ref": s.secret_ref.model_dump()} if s.secret_ref is not None else {}),
                **({"value": s.value.output()} if s.value is not None else {}),
            }
            for s in service.secrets
        ]
    return args  # type: ignore[return-value]


def tenant_args(tenant: Any, cfg: Any) -> DeploymentTenantArgs:
    from components.tenant.kubernetes import labels, quota

    hard = quota(tenant)
    identity, uri = checks.tenant_facts(tenant, cfg)
    args: dict[str, Any] = {
        "id": tenant.id,
        "tier": tenant.tier,
        "labels": labels(tenant, cfg.environment),
        "quota": {
            "cpu": str(hard["cpu"]),
            "memory": str(hard["memory"]),
            "pods": int(hard["pods"]),
            "gpus": int(hard["gpus"]),
        },
        **identity,
    }
    if uri is not None:
        args["data_uri"] = uri
    return args  # type: ignore[return-value]


def _controller(ctx: BuildContext, spec: DeploymentsSpec, monitoring: Any) -> DeliveryController | None:
    if not (spec.progressive or spec.uses_keda):
        return None
    args: dict[str, Any] = {"environment": ctx.config.environment}
    if spec.progressive:
        args["argo_rollouts"] = spec.argo_rollouts.model_dump()
    if spec.uses_keda:
        args["keda_namespace"] = spec.keda_namespace
    if monitoring is not None and monitoring.prometheus.mode == "install" and spec.prometheus_url is None:
        args["monitoring_namespace"] = monitoring.namespace
    return DeliveryController(f"{ctx.name}-delivery", args, opts=ctx.opts)  # type: ignore[arg-type]


def build_all(ctx: BuildContext, spec: DeploymentsSpec) -> dict[str, Any]:
    """The delivery controller and one TenantDeployment per service (``<tenant>-<name>``), each after its
    tenant (namespace, ServiceAccount, quota), the controller (CRDs) and the monitoring stack (its rules)."""
    from components.deployment.checks import find_slo
    from components.deployment.spec import prometheus_url

    cfg = ctx.config
    monitoring = getattr(cfg, "monitoring", None)
    namespace = monitoring.namespace if monitoring is not None else conventions.MONITORING_NAMESPACE
    address = prometheus_url(spec, namespace)
    controller = _controller(ctx, spec, monitoring)
    tenants = {t.id: t for t in getattr(cfg, "tenants", [])}
    components = ctx.results.get("tenants") or {}
    out: dict[str, TenantDeployment] = {}
    for service in spec.services:
        tenant = tenants[service.tenant]
        args: dict[str, Any] = {
            "service": service_args(service),
            "environment": cfg.environment,
            "tenant": tenant_args(tenant, cfg),
            "prometheus_url": address,
        }
        if service.slo is not None and monitoring is not None:
            slo, _ = find_slo(monitoring.slos, service.slo, service.tenant)
            if slo is not None:
                args["slo"] = slo.model_dump(exclude_none=True, exclude_unset=True, by_alias=False)
        waits = [
            r
            for r in (
                components.get(tenant.id),
                *(controller.waits if controller else ()),
                ctx.results.get("monitoring"),
            )
            if r is not None
        ]
        opts = pulumi.ResourceOptions.merge(ctx.opts, pulumi.ResourceOptions(depends_on=waits))
        out[f"{tenant.id}/{service.name}"] = TenantDeployment(f"{tenant.id}-{service.name}", args, opts=opts)  # type: ignore[arg-type]
    return {"controller": controller, "deployments": out}


__all__ = ["TenantDeployment", "TenantDeploymentArgs", "DeliveryController", "DeliveryControllerArgs", "build_all"]
