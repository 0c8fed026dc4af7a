"""The pod every strategy runs, and the objects around it that do not depend on the strategy: the Service(s),
the PodDisruptionBudget and the Secret holding the spec's secret values.

Pure functions: a :class:`Target` in, manifests (camelCase dicts, exactly what the API server receives) out.
Pods are hardened to the Pod Security Standards' ``restricted`` profile
(https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted): non-root, no privilege
escalation, every capability dropped, seccomp ``RuntimeDefault``; plus a read-only root filesystem (CIS
Kubernetes 5.7.3), limits on every container, no API token, secrets read from files (CIS 5.4.1). They run as the
tenant's ``workload`` ServiceAccount, which carries the tenant's cloud identity.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from components import conventions
from components.deployment.spec import GPU_PRODUCT_LABEL, GPU_TAINT, HttpProbe, ServiceSpec

Manifest = dict[str, Any]

#: The container's name in every pod Plinth generates.
CONTAINER = "app"
#: Label selecting a deployment's pods (Services, PDB, topology spread, HPA).
NAME_LABEL = "app.kubernetes.io/name"
#: The UID and GID pods run as when the image says nothing (the "nonroot" user of distroless images).
RUN_AS = 65532
#: Where secrets are mounted: one file per secret, named like its variable; ``<NAME>_FILE`` holds the path.
SECRETS_DIR = "/var/run/secrets/plinth/app"
#: Writable scratch space (the root filesystem is read-only).
TMP_DIR = "/tmp"
TMP_SIZE = "1Gi"
#: Where a model server loads its model (a scratch volume of ``model.cacheSize``).
MODELS_DIR = "/models"
#: Label the Azure Workload Identity webhook acts on: it projects a token for the ServiceAccount's client id.
AZURE_WORKLOAD_IDENTITY_LABEL = "azure.workload.identity/use"
GPU_RESOURCE = "nvidia.com/gpu"
#: Kubernetes' time to wait for a pod's graceful shutdown.
TERMINATION_GRACE_SECONDS = 30


@dataclass(frozen=True)
class Target:
    """One deployment and what it needs from its tenant and stack."""

    spec: ServiceSpec
    environment: str
    tenant_labels: dict[str, str]
    """The tenant's labels (``components.tenant.kubernetes.labels``): tier, cost centre, residency..."""
    identity: dict[str, Any] = field(default_factory=dict)
    """What the pod needs to act as the tenant in its cloud (``components.tenant.<cloud>.workload_identity``):
    ``{}`` (AWS IRSA, GKE, no cloud), ``{"azure_workload_identity": True}`` or
    ``{"gcp_workload_identity_provider": "projects/.../providers/..."}``."""

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def namespace(self) -> str:
        return conventions.namespace_name(self.spec.tenant)

    @property
    def selector(self) -> dict[str, str]:
        return {NAME_LABEL: self.spec.name}

    @property
    def labels(self) -> dict[str, str]:
        """Labels of every object of the deployment (and of its pods)."""
        return {**self.tenant_labels, **self.selector}

    def metadata(self, name: str | None = None) -> dict[str, Any]:
        return {"name": name or self.name, "namespace": self.namespace, "labels": dict(self.labels)}

    @property
    def secret_name(self) -> str:
        """The Secret holding the spec's ``secure:`` values."""
        return f"{self.name}-secrets"

    @property
    def preview_service(self) -> str:
        return f"{self.name}-preview"


def _probe(probe: HttpProbe, default_port: str) -> dict[str, Any]:
    return {
        "httpGet": {"path": probe.path, "port": probe.port or default_port},
        "periodSeconds": probe.period_seconds,
        "failureThreshold": probe.failure_threshold,
        "timeoutSeconds": probe.timeout_seconds,
        "initialDelaySeconds": probe.initial_delay_seconds,
    }


def probes(spec: ServiceSpec) -> dict[str, Any]:
    """Readiness, liveness and startup probes. A model server without a startup probe gets one on its readiness
    path that allows ``model.loadTimeoutSeconds`` to load the model (liveness waits for it)."""
    port = spec.ports[0].name
    out = {"readinessProbe": _probe(spec.probes.readiness, port)}
    if spec.probes.liveness is not None:
        out["livenessProbe"] = _probe(spec.probes.liveness, port)
    startup = spec.probes.startup
    if startup is not None:
        out["startupProbe"] = _probe(startup, port)
    elif spec.model is not None:
        readiness = spec.probes.readiness
        period = readiness.period_seconds
        out["startupProbe"] = {
            **_probe(readiness, port),
            "failureThreshold": math.ceil(spec.model.load_timeout_seconds / period),
        }
    return out


def resources(spec: ServiceSpec) -> dict[str, Any]:
    """Requests and limits; GPUs with requests = limits (extended resources cannot be overcommitted)."""
    requests: dict[str, Any] = {"cpu": spec.resources.requests.cpu, "memory": spec.resources.requests.memory}
    limits = spec.resources.effective_limits
    out: dict[str, Any] = {"requests": requests, "limits": {"cpu": limits.cpu, "memory": limits.memory}}
    if spec.gpus:
        requests[GPU_RESOURCE] = str(spec.gpus)
        out["limits"][GPU_RESOURCE] = str(spec.gpus)
    return out


def _secret_sources(t: Target) -> list[dict[str, Any]]:
    """Projected-volume sources: one per Secret, each key as the file named like its variable."""
    by_secret: dict[str, list[dict[str, str]]] = {}
    for s in t.spec.secrets:
        secret, key = (s.secret_ref.name, s.secret_ref.key) if s.secret_ref is not None else (t.secret_name, s.name)
        by_secret.setdefault(secret, []).append({"key": key, "path": s.name})
    return [{"secret": {"name": name, "items": items}} for name, items in by_secret.items()]


def env(t: Target) -> list[dict[str, Any]]:
    """Plain settings, the files secrets are read from, the model's coordinates and cloud credentials."""
    spec = t.spec
    out = [{"name": k, "value": v} for k, v in spec.env.items()]
    out += [{"name": f"{s.name}_FILE", "value": f"{SECRETS_DIR}/{s.name}"} for s in spec.secrets]
    if spec.model is not None:
        out += [
            {"name": "MODEL_NAME", "value": spec.model.name},
            {"name": "MODEL_VERSION", "value": spec.model.served_version},
            {"name": "MODEL_URI", "value": spec.model.uri_of(spec.model.served_version)},
            {"name": "MODEL_DIR", "value": MODELS_DIR},
        ]
    if "gcp_workload_identity_provider" in t.identity:
        from components.tenant.gcp import CREDENTIALS_DIR, CREDENTIALS_FILE

        out.append({"name": "GOOGLE_APPLICATION_CREDENTIALS", "value": f"{CREDENTIALS_DIR}/{CREDENTIALS_FILE}"})
    return out


def volumes(t: Target) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The pod's volumes and the container's mounts: scratch space, the model cache, secrets, GCP credentials."""
    vols: list[dict[str, Any]] = [{"name": "tmp", "emptyDir": {"sizeLimit": TMP_SIZE}}]
    mounts: list[dict[str, Any]] = [{"name": "tmp", "mountPath": TMP_DIR}]
    if t.spec.model is not None:
        vols.append({"name": "models", "emptyDir": {"sizeLimit": t.spec.model.cache_size}})
        mounts.append({"name": "models", "mountPath": MODELS_DIR})
    if t.spec.secrets:
        vols.append({"name": "secrets", "projected": {"sources": _secret_sources(t), "defaultMode": 0o440}})
        mounts.append({"name": "secrets", "mountPath": SECRETS_DIR, "readOnly": True})
    provider = t.identity.get("gcp_workload_identity_provider")
    if provider:
        from components.tenant.gcp import CREDENTIALS_DIR, federation_volume

        volume = federation_volume(str(provider))
        vols.append(volume)
        mounts.append({"name": volume["name"], "mountPath": CREDENTIALS_DIR, "readOnly": True})
    return vols, mounts


CONTAINER_SECURITY: dict[str, Any] = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": True,
    "capabilities": {"drop": ["ALL"]},
    "seccompProfile": {"type": "RuntimeDefault"},
}
POD_SECURITY: dict[str, Any] = {
    "runAsNonRoot": True,
    "runAsUser": RUN_AS,
    "runAsGroup": RUN_AS,
    "fsGroup": RUN_AS,
    "seccompProfile": {"type": "RuntimeDefault"},
}


def container(t: Target) -> dict[str, Any]:
    spec = t.spec
    _, mounts = volumes(t)
    out: dict[str, Any] = {
        "name": CONTAINER,
        "image": spec.image,
        "imagePullPolicy": "IfNotPresent",
        "ports": [{"name": p.name, "containerPort": p.port, "protocol": p.protocol} for p in spec.ports],
        **probes(spec),
        "resources": resources(spec),
        "securityContext": dict(CONTAINER_SECURITY),
        "volumeMounts": mounts,
    }
    if spec.args:
        out["args"] = list(spec.args)
    variables = env(t)
    if variables:
        out["env"] = variables
    return out


def topology_spread(t: Target) -> list[dict[str, Any]]:
    """Spread the pods over zones and nodes; best effort, so a small cluster still schedules them."""
    return [
        {
            "maxSkew": 1,
            "topologyKey": key,
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": dict(t.selector)},
        }
        for key in ("topology.kubernetes.io/zone", "kubernetes.io/hostname")
    ]


def _placement(t: Target) -> dict[str, Any]:
    """GPU models: the node selector (GPU product and the spec's labels) and the tolerations of GPU nodes."""
    model = t.spec.model
    if model is None:
        return {}
    selector = dict(model.node_selector)
    if model.gpu_type is not None:
        selector[GPU_PRODUCT_LABEL] = model.gpu_type
    if model.tolerations is not None:
        tolerations = [tol.model_dump(exclude_none=True) for tol in model.tolerations]
    elif model.gpus:
        tolerations = [{"key": GPU_TAINT, "operator": "Exists", "effect": "NoSchedule"}]
    else:
        tolerations = []
    out: dict[str, Any] = {}
    if selector:
        out["nodeSelector"] = selector
    if tolerations:
        out["tolerations"] = tolerations
    return out


def pod_template(t: Target) -> dict[str, Any]:
    """The pod template every strategy shares."""
    labels = dict(t.labels)
    if t.identity.get("azure_workload_identity"):
        labels[AZURE_WORKLOAD_IDENTITY_LABEL] = "true"
    vols, _ = volumes(t)
    spec: dict[str, Any] = {
        "serviceAccountName": conventions.workload_service_account(t.spec.tenant),
        "automountServiceAccountToken": False,
        "enableServiceLinks": False,
        "securityContext": dict(POD_SECURITY),
        "terminationGracePeriodSeconds": TERMINATION_GRACE_SECONDS,
        "containers": [container(t)],
        "volumes": vols,
        "topologySpreadConstraints": topology_spread(t),
        **_placement(t),
    }
    return {"metadata": {"labels": labels}, "spec": spec}


def service(t: Target, name: str | None = None) -> Manifest:
    """A ClusterIP Service over the deployment's pods (Argo Rollouts narrows the preview Service's selector)."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": t.metadata(name),
        "spec": {
            "type": "ClusterIP",
            "selector": dict(t.selector),
            "ports": [
                {"name": p.name, "port": p.port, "targetPort": p.name, "protocol": p.protocol} for p in t.spec.ports
            ],
        },
    }


def services(t: Target) -> list[Manifest]:
    """The Service clients use; blue-green adds the preview Service the new version is tested through."""
    out = [service(t)]
    if t.spec.strategy.type == "blueGreen":
        out.append(service(t, t.preview_service))
    return out


def disruption_budget(t: Target) -> Manifest:
    """At most one pod evicted at a time by node drains and upgrades (never blocks a drain for good)."""
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": t.metadata(),
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": dict(t.selector)}},
    }


def secret(t: Target, values: dict[str, Any]) -> Manifest | None:
    """The Secret of the spec's ``secure:`` values (``values``: variable -> secret Output), or None."""
    if not values:
        return None
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": t.metadata(t.secret_name),
        "type": "Opaque",
        "stringData": dict(values),
    }
