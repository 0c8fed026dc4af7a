"""Small pure readers shared by policies: nested props, IAM documents, ports, pod specs and containers, tags."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Iterable

from components import conventions

#: Remote administration and database ports that must never face the internet.
ADMIN_PORTS = (22, 3389, 1433, 1521, 3306, 5432, 5984, 6379, 9200, 11211, 27017)
WORLD = ("0.0.0.0/0", "::/0", "*", "Internet", "Any", "any", "0.0.0.0")


def get(props: Any, path: str, default: Any = None) -> Any:
    """``get(props, "a.b.c")``; a missing key gives ``default`` (an unknown one raises)."""
    value = props
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return default
        value = value.get(part)
    return default if value is None else value


def as_list(value: Any) -> list[Any]:
    """A list from a list (or the SDK's list proxy), a single value, or nothing."""
    if value is None:
        return []
    if isinstance(value, Sequence) and not isinstance(value, str):
        return list(value)
    return [value]


def as_bool(value: Any) -> bool | None:
    """A boolean from a bool or its string form (launch templates send ``"true"``); None when absent or neither."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def policy_document(value: Any) -> dict[str, Any]:
    """An IAM policy given as a JSON string or an object."""
    if isinstance(value, str):
        try:
            doc = json.loads(value)
        except json.JSONDecodeError:
            return {}
        return doc if isinstance(doc, dict) else {}
    return _plain(value) if isinstance(value, Mapping) else {}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(value[k]) for k in value}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(v) for v in value]
    return value


def statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    st = doc.get("Statement", [])
    return [st] if isinstance(st, dict) else list(st)


def port_ranges_overlap(low: float, high: float, ports: Iterable[int] = ADMIN_PORTS) -> list[int]:
    return [p for p in ports if low <= p <= high]


def parse_port_spec(spec: Any) -> tuple[int, int]:
    """ "22", "20-30", "*" -> (low, high)."""
    text = str(spec).strip()
    if text in ("*", ""):
        return (0, 65535)
    if "-" in text:
        a, b = text.split("-", 1)
        return (int(a), int(b))
    return (int(float(text)), int(float(text)))


#: Ports a public web service opens to the internet on purpose (HTTP, HTTPS): every other port that
#: faces the world is a finding of the firewall policies (CIS AWS 5.2, GCP 3.6/3.7, Azure 6.1-6.4).
WEB_PORTS = (80, 443)
#: The config key of the firewall policies that lists the ports allowed from anywhere.
ALLOWED_PORTS_SCHEMA = {
    "allowedPorts": {
        "type": "array",
        "items": {"type": "integer", "minimum": 0, "maximum": 65535},
        "default": list(WEB_PORTS),
        "description": "Ports that may be opened to the internet (default: HTTP and HTTPS).",
    }
}


def exposed_ranges(low: float, high: float, allowed: Iterable[int] = WEB_PORTS) -> list[tuple[int, int]]:
    """The parts of the port range ``low``-``high`` that are not ``allowed`` (ascending, merged)."""
    out: list[tuple[int, int]] = []
    start = int(low)
    for port in sorted({int(p) for p in allowed if low <= p <= high}):
        if port > start:
            out.append((start, port - 1))
        start = port + 1
    if start <= high:
        out.append((start, int(high)))
    return out


def format_ranges(ranges: Iterable[tuple[int, int]]) -> str:
    """``[(22, 22), (8000, 8079)]`` -> ``"22, 8000-8079"``; an admin or database port in a range is named."""
    parts = []
    for low, high in ranges:
        text = str(low) if low == high else f"{low}-{high}"
        admin = [p for p in ADMIN_PORTS if low <= p <= high]
        if admin and low != high:
            text += f" (incl. {', '.join(map(str, admin))})"
        parts.append(text)
    return ", ".join(parts)


def is_world(cidr: Any) -> bool:
    if cidr in WORLD:
        return True
    try:
        return ipaddress.ip_network(str(cidr), strict=False).prefixlen == 0
    except ValueError:
        return False


#: Where each workload kind keeps its pod template (``()``: the object is the pod itself). Matched
#: by ``kind``, so every API version of a kind reads the same (policies/kubernetes/_workloads.py
#: lists the type tokens). Argo Rollouts keep their template where a Deployment does.
POD_TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": (),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "Rollout": ("spec", "template"),
}
#: Custom resources that carry one or more PodTemplateSpecs, by kind: path patterns to each template
#: (``[*]`` steps through every item of a list, ``*`` through every value of a map). Read from the
#: upstream API types: KubeRay ``ray-operator/apis/ray/v1`` (RayCluster head and worker groups, a
#: RayJob's cluster and submitter pod, a RayService's cluster), the Kubeflow training operator
#: ``kubeflow.org/v1`` (``<framework>ReplicaSpecs``: a map of replica type to ReplicaSpec with a
#: ``template``) and the Kubeflow Notebook controller (``spec.template``).
CUSTOM_POD_TEMPLATES: dict[str, tuple[str, ...]] = {
    "RayCluster": ("spec.headGroupSpec.template", "spec.workerGroupSpecs[*].template"),
    "RayJob": (
        "spec.rayClusterSpec.headGroupSpec.template",
        "spec.rayClusterSpec.workerGroupSpecs[*].template",
        "spec.submitterPodTemplate",
    ),
    "RayService": (
        "spec.rayClusterConfig.headGroupSpec.template",
        "spec.rayClusterConfig.workerGroupSpecs[*].template",
    ),
    "PyTorchJob": ("spec.pytorchReplicaSpecs.*.template",),
    "TFJob": ("spec.tfReplicaSpecs.*.template",),
    "MPIJob": ("spec.mpiReplicaSpecs.*.template",),
    "XGBoostJob": ("spec.xgbReplicaSpecs.*.template",),
    "PaddleJob": ("spec.paddleReplicaSpecs.*.template",),
    "JAXJob": ("spec.jaxReplicaSpecs.*.template",),
    "Notebook": ("spec.template",),
}
#: Argo Workflows (``argoproj.io/v1alpha1``, ``pkg/apis/workflow/v1alpha1/workflow_types.go``): where each kind
#: keeps its WorkflowSpec. A workflow has no PodTemplateSpec: the controller builds one pod per template that
#: runs a ``container``, ``script`` or ``containerSet``, from the template (its ``metadata``, ``securityContext``,
#: ``volumes``, ``initContainers``, ``sidecars``, service account settings) over the workflow's pod-wide fields
#: (``podMetadata``, ``securityContext``, ``hostNetwork``, ``volumes``, service account settings).
WORKFLOW_SPECS: dict[str, str] = {
    "Workflow": "spec",
    "WorkflowTemplate": "spec",
    "ClusterWorkflowTemplate": "spec",
    "CronWorkflow": "spec.workflowSpec",
}


def json_type(value: Any) -> str:
    """The JSON name of a value's type, for messages (the SDK's list proxy is a list)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, Sequence):
        return "list"
    return type(value).__name__


def _object_at(value: Any, path: tuple[str, ...], where: str) -> Any:
    """The mapping at ``path`` (None when absent); TypeError naming the path when it is not an object."""
    for i, part in enumerate(path):
        value = value.get(part)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            at = ".".join((where, *path[: i + 1]) if where else path[: i + 1])
            raise TypeError(f"{at} is a {json_type(value)}, not an object")
    return value


@dataclass(frozen=True)
class PodTemplate:
    """One pod template of a workload: where it is, its pod metadata and its pod spec (None when absent)."""

    path: str  # dotted path of the template ("" for a Pod itself), e.g. spec.workerGroupSpecs[0].template
    metadata: Any
    spec: Any
    #: Whether messages name the template (workloads with several templates).
    named: bool = False
    #: The containers with their real paths, for pods a controller assembles (Argo Workflows); None: from ``spec``.
    layout: Callable[[], Iterator[PodContainer]] | None = field(default=None, compare=False)

    @property
    def spec_path(self) -> str:
        return f"{self.path}.spec" if self.path else "spec"

    @property
    def subject(self) -> str:
        """How a message names the pod: ``The pod`` or ``The pod template spec.headGroupSpec.template``."""
        return f"The pod template {self.path}" if self.named else "The pod"

    @property
    def annotations(self) -> Mapping[str, Any]:
        value = self.metadata.get("annotations") if isinstance(self.metadata, Mapping) else None
        return value if isinstance(value, Mapping) else {}

    @property
    def windows(self) -> bool:
        """``spec.os.name: windows``: the Pod Security Standards exempt such pods from Linux-only controls."""
        return self.spec is not None and get(self.spec, "os.name") == "windows"

    @property
    def user_namespace(self) -> bool:
        """``spec.hostUsers: false``: the pod runs in its own user namespace (root in it is not root on the node)."""
        return self.spec is not None and self.spec.get("hostUsers") is False

    def containers(self) -> Iterator[PodContainer]:
        """Every container of this template, init and ephemeral ones included."""
        if self.layout is not None:
            yield from self.layout()
            return
        yield from containers_of(self.spec, self.spec_path, self.path if self.named else "")


def _expand(value: Any, parts: list[str], where: str) -> Iterator[tuple[str, Any]]:
    """(concrete dotted path, mapping) for each match of a path pattern (see CUSTOM_POD_TEMPLATES)."""
    if not parts:
        if value is not None:
            if not isinstance(value, Mapping):
                raise TypeError(f"{where} is a {json_type(value)}, not an object")
            yield where, value
        return
    head, rest = parts[0], parts[1:]
    if value is None:
        return
    if not isinstance(value, Mapping):
        raise TypeError(f"{where} is a {json_type(value)}, not an object")
    if head == "*":
        for key in value:
            yield from _expand(value[key], rest, f"{where}.{key}")
        return
    listed = head.endswith("[*]")
    name = head.removesuffix("[*]")
    item = value.get(name)
    at = f"{where}.{name}" if where else name
    if not listed:
        yield from _expand(item, rest, at)
        return
    for index, element in enumerate(as_list(item)):
        yield from _expand(element, rest, f"{at}[{index}]")


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{where} is a {json_type(value)}, not an object")
    return value


class _Lazy(Mapping[str, Any]):
    """A mapping whose values are computed when read, so a value unknown at preview stops only the checks
    that read it."""

    def __init__(self, thunks: Mapping[str, Callable[[], Any]]) -> None:
        self._thunks = dict(thunks)

    def __getitem__(self, key: str) -> Any:
        return self._thunks[key]()

    def __iter__(self) -> Iterator[str]:
        return iter(self._thunks)

    def __len__(self) -> int:
        return len(self._thunks)


class _Named(Mapping[str, Any]):
    """A container spec whose name defaults to the one its controller gives it (Argo's main container: main)."""

    def __init__(self, spec: Mapping[str, Any], name: str) -> None:
        self._spec, self._name = spec, name

    def __getitem__(self, key: str) -> Any:
        if key == "name" and self._spec.get("name") is None:
            return self._name
        return self._spec[key]

    def __iter__(self) -> Iterator[str]:
        yield from self._spec
        if "name" not in self._spec:
            yield "name"

    def __len__(self) -> int:
        return len(self._spec) + (0 if "name" in self._spec else 1)


def _workflow_containers(template: Mapping[str, Any], where: str) -> Iterator[PodContainer]:
    """The containers of the pod Argo runs for a template, at their paths in the workflow."""
    for key in ("container", "script"):
        if template.get(key) is not None:
            yield PodContainer("containers", 0, f"{where}.{key}", _Named(_mapping(template[key], where), "main"), where)
    sources = (
        ("containers", "containerSet.containers"),
        ("containers", "sidecars"),
        ("initContainers", "initContainers"),
    )
    for kind, source in sources:
        for index, item in enumerate(as_list(get(template, source))):
            path = f"{where}.{source}[{index}]"
            yield PodContainer(kind, index, path, _mapping(item, path), where)


def _workflow_pod(workflow: Mapping[str, Any], template: Mapping[str, Any], where: str) -> PodTemplate | None:
    """The pod Argo runs for one workflow template, or None for templates that run no pod of their own."""
    if all(template.get(key) is None for key in ("container", "script", "containerSet")):
        return None  # steps, dag, suspend, resource, http and plugin templates

    def own_or_workflow(key: str) -> Callable[[], Any]:
        return lambda: template.get(key) if template.get(key) is not None else workflow.get(key)

    def containers(kind: str) -> Callable[[], Any]:
        return lambda: [c.spec for c in _workflow_containers(template, where) if c.field == kind]

    spec = _Lazy(
        {
            "securityContext": own_or_workflow("securityContext"),
            "automountServiceAccountToken": own_or_workflow("automountServiceAccountToken"),
            "serviceAccountName": own_or_workflow("serviceAccountName"),
            "hostNetwork": lambda: workflow.get("hostNetwork"),
            "volumes": lambda: [*as_list(workflow.get("volumes")), *as_list(template.get("volumes"))],
            "containers": containers("containers"),
            "initContainers": containers("initContainers"),
        }
    )
    metadata = _Lazy(
        {
            "annotations": lambda: {
                **_mapping(get(workflow, "podMetadata.annotations"), "podMetadata.annotations"),
                **_mapping(get(template, "metadata.annotations"), f"{where}.metadata.annotations"),
            }
        }
    )
    return PodTemplate(where, metadata, spec, named=True, layout=lambda: _workflow_containers(template, where))


def _workflow_pods(props: Any, path: str) -> list[PodTemplate]:
    workflow = _object_at(props, tuple(path.split(".")), "")
    if workflow is None:
        return []
    pods = []
    for index, template in enumerate(as_list(workflow.get("templates"))):
        where = f"{path}.templates[{index}]"
        pod = _workflow_pod(workflow, _mapping(template, where), where)
        if pod is not None:
            pods.append(pod)
    return pods


def pod_templates(props: Any) -> list[PodTemplate]:
    """Every pod template of a workload, by its ``kind`` (Pod, Deployment, CronJob, Rollout, RayCluster, ...).

    A template or spec that is present but not an object raises TypeError naming its path, so the
    pack reports the resource as not checked instead of passing it.
    """
    kind = props.get("kind")
    path = POD_TEMPLATE_PATHS.get(kind)
    if path is not None:
        template = _object_at(props, path, "") if path else props
        if template is None:
            return []
        metadata = template.get("metadata")
        spec = _object_at(template, ("spec",), ".".join(path))
        return [PodTemplate(".".join(path), metadata if isinstance(metadata, Mapping) else {}, spec)]
    if kind in WORKFLOW_SPECS:
        return _workflow_pods(props, WORKFLOW_SPECS[kind])
    found = []
    for pattern in CUSTOM_POD_TEMPLATES.get(kind, ()):
        for where, template in _expand(props, pattern.split("."), ""):
            metadata = template.get("metadata")
            spec = _object_at(template, ("spec",), where)
            found.append(PodTemplate(where, metadata if isinstance(metadata, Mapping) else {}, spec, named=True))
    return found


def pod_spec_path(props: Any) -> str | None:
    """Dotted path of the (first) pod spec in a workload's props (``spec.template.spec``), None for other kinds."""
    templates = pod_templates(props)
    if templates:
        return templates[0].spec_path
    path = POD_TEMPLATE_PATHS.get(props.get("kind"))
    return None if path is None else ".".join((*path, "spec"))


def pod_template(props: Any) -> tuple[Any, Any]:
    """(pod metadata, pod spec) of a workload's first pod template; spec is None when absent.

    Workloads with several templates (RayCluster, PyTorchJob, ...): use ``pod_templates``.
    """
    templates = pod_templates(props)
    if not templates:
        return {}, None
    return templates[0].metadata, templates[0].spec


#: The container lists of a pod spec, with the words a message uses for each.
CONTAINER_FIELDS = (
    ("containers", "Container"),
    ("initContainers", "Init container"),
    ("ephemeralContainers", "Ephemeral container"),
)


@dataclass(frozen=True)
class PodContainer:
    """One container of a pod spec: which list it is in, where, and its spec."""

    field: str  # containers | initContainers | ephemeralContainers
    index: int
    path: str  # e.g. spec.template.spec.initContainers[0]
    spec: Any
    #: The template it belongs to, named in messages when a workload has several ("" otherwise).
    template: str = ""

    @property
    def name(self) -> str:
        return str(self.spec.get("name") or f"#{self.index}")

    @property
    def label(self) -> str:
        """``Container app``, ``Init container setup``, ``Ephemeral container debugger`` (``... of <template>``)."""
        base = f"{dict(CONTAINER_FIELDS)[self.field]} {self.name}"
        return f"{base} of {self.template}" if self.template else base

    @property
    def ephemeral(self) -> bool:
        """Ephemeral (debug) containers: the API forbids resources, ports and probes on them."""
        return self.field == "ephemeralContainers"


def containers_of(spec: Any, prefix: str = "spec", template: str = "") -> Iterator[PodContainer]:
    """Every container of the pod spec ``spec`` (found at dotted path ``prefix``), init and ephemeral ones included."""
    if spec is None:
        return
    for field_name, _ in CONTAINER_FIELDS:
        for index, container in enumerate(as_list(spec.get(field_name))):
            path = f"{prefix}.{field_name}[{index}]"
            if not isinstance(container, Mapping):
                raise TypeError(f"{path} is a {json_type(container)}, not an object")
            yield PodContainer(field_name, index, path, container, template)


def pod_containers(props: Any) -> Iterator[PodContainer]:
    """Every container of every pod template of a workload (Pod, Deployment, CronJob, Rollout, RayCluster, ...)."""
    for template in pod_templates(props):
        yield from template.containers()


def tags_of(props: Any) -> dict[str, str]:
    """Tags (AWS, Azure) or labels (GCP, Kubernetes metadata) of a resource."""
    for key in ("tags", "labels"):
        value = props.get(key)
        if isinstance(value, Mapping) and len(value):
            return {k: value[k] for k in value}
    labels = get(props, "metadata.labels")
    if isinstance(labels, Mapping):
        return {k: labels[k] for k in labels}
    return {}


def tier_of(props: Any) -> str | None:
    tags = tags_of(props)
    return tags.get(conventions.TAG_TIER) or tags.get(conventions.LABEL_TIER)


def compliance_of(props: Any) -> set[str]:
    tags = tags_of(props)
    value = tags.get(conventions.TAG_COMPLIANCE) or tags.get(conventions.LABEL_COMPLIANCE) or ""
    return {part for part in value.replace("_", ".").split(".") if part}
