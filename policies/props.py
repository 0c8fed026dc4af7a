"""Small pure readers shared by policies: nested props, IAM documents, ports, pod specs, tags."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping, Sequence
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


def parse_port_spec(spec: Any) -> tuple[int, int] | None:
    """"22", "20-30", "*" -> (low, high)."""
    text = str(spec).strip()
    if text in ("*", ""):
        return (0, 65535)
    if "-" in text:
        a, b = text.split("-", 1)
        return (int(a), int(b))
    return (int(float(text)), int(float(text)))


def is_world(cidr: Any) -> bool:
    if cidr in WORLD:
        return True
    try:
        return ipaddress.ip_network(str(cidr), strict=False).prefixlen == 0
    except ValueError:
        return False


WORKLOAD_KINDS = {
    "kubernetes:core/v1:Pod": (),
    "kubernetes:apps/v1:Deployment": ("spec", "template"),
    "kubernetes:apps/v1:StatefulSet": ("spec", "template"),
    "kubernetes:apps/v1:DaemonSet": ("spec", "template"),
    "kubernetes:apps/v1:ReplicaSet": ("spec", "template"),
    "kubernetes:batch/v1:Job": ("spec", "template"),
    "kubernetes:batch/v1:CronJob": ("spec", "jobTemplate", "spec", "template"),
    "kubernetes:argoproj.io/v1alpha1:Rollout": ("spec", "template"),
}
_PATH_BY_KIND = {token.rsplit(":", 1)[1]: path for token, path in WORKLOAD_KINDS.items()}


def pod_template(props: Any) -> tuple[Any, Any]:
    """(pod metadata, pod spec) of any workload kind (by its ``kind``); spec is None when absent."""
    path = _PATH_BY_KIND.get(props.get("kind"))
    if path is None:
        return {}, None
    if not path:
        return (props.get("metadata") or {}), props.get("spec")
    value = props
    for part in path:
        value = value.get(part) if isinstance(value, Mapping) else None
    if not isinstance(value, Mapping):
        return {}, None
    return (value.get("metadata") or {}), value.get("spec")


def containers(spec: Any) -> list[Any]:
    if not isinstance(spec, Mapping):
        return []
    return as_list(spec.get("containers")) + as_list(spec.get("initContainers")) + as_list(spec.get("ephemeralContainers"))


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
