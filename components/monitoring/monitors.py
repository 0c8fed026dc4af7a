"""ServiceMonitor / PodMonitor manifests that scrape tenant workloads (pure).

Both live in the monitoring namespace and select the tenant's namespace only, so a tenant can
never make Prometheus scrape another tenant. Every scraped series gets ``tenant=<id>``
(overwriting whatever the workload exports), which the SLO rules and routing rely on.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from components import conventions

#: Pods and Services opt in to scraping with this label and expose a port named "metrics".
SCRAPE_LABEL = "plinth.dev/scrape"
METRICS_PORT = "metrics"
DEFAULT_SELECTOR: dict[str, str] = {SCRAPE_LABEL: "true"}
_PORT_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$")  # IANA_SVC_NAME, 15 chars
_INTERVAL = re.compile(r"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$")


def _labels(tenant: str, extra: Mapping[str, str] | None) -> dict[str, str]:
    return {
        conventions.LABEL_MANAGED_BY: conventions.MANAGED_BY_VALUE,
        conventions.LABEL_TENANT: tenant,
        **(extra or {}),
    }


def _endpoint(tenant: str, port: str, path: str, interval: str) -> dict[str, Any]:
    if not _PORT_NAME.match(port):
        raise ValueError(f"port {port!r} is not a named container/service port (lowercase, at most 15 characters)")
    if not _INTERVAL.match(interval) or interval == "0":
        raise ValueError(f"interval {interval!r} is not a Prometheus duration such as 30s")
    if not path.startswith("/"):
        raise ValueError(f"path {path!r} must start with '/'")
    return {
        "port": port,
        "path": path,
        "interval": interval,
        # Every series carries the tenant, whatever the workload exports.
        "relabelings": [{"targetLabel": "tenant", "replacement": tenant, "action": "replace"}],
    }


def _spec(namespace: str, selector: Mapping[str, str] | None) -> dict[str, Any]:
    match = dict(selector) if selector else dict(DEFAULT_SELECTOR)
    return {"namespaceSelector": {"matchNames": [namespace]}, "selector": {"matchLabels": match}}


def _monitor(
    kind: str,
    endpoints_key: str,
    role: str,
    tenant: str,
    namespace: str,
    monitoring_namespace: str,
    labels: Mapping[str, str] | None,
    selector: Mapping[str, str] | None,
    port: str,
    path: str,
    interval: str,
) -> dict[str, Any]:
    spec = _spec(namespace, selector)
    spec[endpoints_key] = [_endpoint(tenant, port, path, interval)]
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": kind,
        "metadata": {
            "name": conventions.physical_name("tenant", tenant, role, max_len=conventions.K8S_NAME_MAX),
            "namespace": monitoring_namespace,
            "labels": _labels(tenant, labels),
        },
        "spec": spec,
    }


def pod_monitor(
    tenant: str,
    namespace: str,
    monitoring_namespace: str = conventions.MONITORING_NAMESPACE,
    labels: Mapping[str, str] | None = None,
    *,
    selector: Mapping[str, str] | None = None,
    port: str = METRICS_PORT,
    path: str = "/metrics",
    interval: str = "30s",
) -> dict[str, Any]:
    """A ``monitoring.coreos.com/v1`` PodMonitor for the tenant's pods in ``namespace``.

    ``selector``: pod labels to match (default ``plinth.dev/scrape: "true"``); ``port``: the
    container port *name* to scrape; ``labels``: metadata labels (e.g. a podMonitorSelector's).
    """
    return _monitor(
        "PodMonitor",
        "podMetricsEndpoints",
        "pods",
        tenant,
        namespace,
        monitoring_namespace,
        labels,
        selector,
        port,
        path,
        interval,
    )


def service_monitor(
    tenant: str,
    namespace: str,
    monitoring_namespace: str = conventions.MONITORING_NAMESPACE,
    labels: Mapping[str, str] | None = None,
    *,
    selector: Mapping[str, str] | None = None,
    port: str = METRICS_PORT,
    path: str = "/metrics",
    interval: str = "30s",
) -> dict[str, Any]:
    """A ``monitoring.coreos.com/v1`` ServiceMonitor for the tenant's Services in ``namespace``.

    ``selector``: Service labels to match (default ``plinth.dev/scrape: "true"``); ``port``: the
    Service port *name* to scrape; ``labels``: metadata labels (e.g. a serviceMonitorSelector's).
    """
    return _monitor(
        "ServiceMonitor",
        "endpoints",
        "services",
        tenant,
        namespace,
        monitoring_namespace,
        labels,
        selector,
        port,
        path,
        interval,
    )
