"""Small pure readers shared by policies: nested props, IAM documents, ports, pod specs and containers, tags."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
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


def pod_spec_path(props: Any) -> str | None:
    """Dotted path of the pod spec in a workload's props (``spec.template.spec``), None for other kinds."""
    path = POD_TEMPLATE_PATHS.get(props.get("kind"))
    if path is None:
        return None
    return ".".join((*path, "spec"))


def pod_template(props: Any) -> tuple[Any, Any]:
    """(pod metadata, pod spec) of any workload kind (by its ``kind``); spec is None when absent.

    A template or spec that is present but not an object raises TypeError naming its path, so the
    pack reports the resource as not checked instead of passing it.
    """
    path = POD_TEMPLATE_PATHS.get(props.get("kind"))
    if path is None:
        return {}, None
    template = _object_at(props, path, "") if path else props
    if template is None:
        return {}, None
    metadata = template.get("metadata")
    spec = _object_at(template, ("spec",), ".".join(path))
    return (metadata if isinstance(metadata, Mapping) else {}), spec


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

    @property
    def name(self) -> str:
        return str(self.spec.get("name") or f"#{self.index}")

    @property
    def label(self) -> str:
        """``Container app``, ``Init container setup``, ``Ephemeral container debugger``."""
        return f"{dict(CONTAINER_FIELDS)[self.field]} {self.name}"

    @property
    def ephemeral(self) -> bool:
        """Ephemeral (debug) containers: the API forbids resources, ports and probes on them."""
        return self.field == "ephemeralContainers"


def containers_of(spec: Any, prefix: str = "spec") -> Iterator[PodContainer]:
    """Every container of the pod spec ``spec`` (found at dotted path ``prefix``), init and ephemeral ones included."""
    if spec is None:
        return
    for field_name, _ in CONTAINER_FIELDS:
        for index, container in enumerate(as_list(spec.get(field_name))):
            path = f"{prefix}.{field_name}[{index}]"
            if not isinstance(container, Mapping):
                raise TypeError(f"{path} is a {json_type(container)}, not an object")
            yield PodContainer(field_name, index, path, container)


def pod_containers(props: Any) -> Iterator[PodContainer]:
    """Every container of a workload's pod template (Pod, Deployment, CronJob, Rollout, ...)."""
    _meta, spec = pod_template(props)
    path = pod_spec_path(props)
    if spec is not None and path is not None:
        yield from containers_of(spec, path)


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
