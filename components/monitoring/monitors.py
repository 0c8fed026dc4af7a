"""ServiceMonitor / PodMonitor manifests that scrape tenant workloads (pure)."""

from __future__ import annotations

from typing import Any

from components import conventions

#: Pods and Services opt in to scraping with this label and expose a port named "metrics".
SCRAPE_LABEL = "plinth.dev/scrape"
METRICS_PORT = "metrics"


def _labels(tenant: str, extra: dict[str, str]) -> dict[str, str]:
    return {conventions.LABEL_MANAGED_BY: conventions.MANAGED_BY_VALUE, conventions.LABEL_TENANT: tenant, **extra}


def pod_monitor(tenant: str, namespace: str, monitoring_namespace: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PodMonitor",
        "metadata": {"name": f"tenant-{tenant}-pods"[:63], "namespace": monitoring_namespace, "labels": _labels(tenant, labels or {})},
        "spec": {
            "namespaceSelector": {"matchNames": [namespace]},
            "selector": {"matchLabels": {SCRAPE_LABEL: "true"}},
            "podMetricsEndpoints": [{
                "port": METRICS_PORT, "interval": "30s",
                # Every series carries the tenant, whatever the workload exports.
                "relabelings": [{"targetLabel": "tenant", "replacement": tenant, "action": "replace"}],
            }],
        },
    }


def service_monitor(tenant: str, namespace: str, monitoring_namespace: str, labels: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": f"tenant-{tenant}-services"[:63], "namespace": monitoring_namespace, "labels": _labels(tenant, labels or {})},
        "spec": {
            "namespaceSelector": {"matchNames": [namespace]},
            "selector": {"matchLabels": {SCRAPE_LABEL: "true"}},
            "endpoints": [{
                "port": METRICS_PORT, "interval": "30s",
                "relabelings": [{"targetLabel": "tenant", "replacement": tenant, "action": "replace"}],
            }],
        },
    }
