"""Isolation of the namespaces kube-prometheus-stack runs in (install mode). Pure functions.

- **Pod Security**: only node-exporter needs host access (host network, PID namespace and
  ``hostPath`` mounts), so it gets a namespace of its own, labelled ``privileged``, through the
  node-exporter subchart's ``namespaceOverride`` (prometheus-community/helm-charts,
  charts/prometheus-node-exporter: ``prometheus-node-exporter.namespace``). The monitoring
  namespace enforces ``baseline`` and warns/audits ``restricted``: every chart component runs
  under baseline, but restricted was not verified for each of them (Grafana's optional
  ``initChownData`` container runs as root, for one).
- **NetworkPolicies**: deny everything both ways, then allow exactly the flows the components
  need: DNS; the API server for the components that watch it (all but Alertmanager); Prometheus
  scraping every pod of every namespace, the kubelet (10250) and node-exporter (9100) on the
  nodes; Alertmanager reaching its receivers on the public internet (HTTPS and the configured SMTP
  / webhook ports; private ranges only as ``network.receiverCidrs``) and its peers (9094); Grafana
  reached from the ingress controller's namespace
  and reaching Prometheus and Alertmanager; the operator's admission webhook (10250, the chart's
  ``prometheusOperator.tls.internalPort``) called by the API server.
- **ResourceQuota and LimitRange**: pods without requests get default requests (so the quota's
  request totals can count them), but no default limits - a memory limit would OOM-kill
  Prometheus, whose memory grows with the series it holds. The quota caps requests only, never
  limits, and forbids LoadBalancer and NodePort Services (Grafana is reached through the ingress
  controller).

Pod selectors are the labels the chart and the operator put on the pods (kube-prometheus-stack
templates/prometheus/networkpolicy.yaml, templates/alertmanager/networkpolicy.yaml,
templates/prometheus-operator/deployment.yaml; the grafana chart's selector labels).
"""

from __future__ import annotations

import ipaddress
from typing import Any, Mapping, Sequence

from components import k8s
from components.monitoring.spec import NON_PUBLIC, MonitoringSpec

Manifest = dict[str, Any]

#: Pods of the chart's components (release ``kube-prometheus-stack``).
PROMETHEUS_PODS = {"app.kubernetes.io/name": "prometheus"}
ALERTMANAGER_PODS = {"app.kubernetes.io/name": "alertmanager"}
GRAFANA_PODS = {"app.kubernetes.io/name": "grafana"}
NODE_EXPORTER_PODS = {"app.kubernetes.io/name": "prometheus-node-exporter"}


def operator_pods(release: str) -> dict[str, str]:
    return {"app": f"{release}-operator", "release": release}


PROMETHEUS_PORT = 9090
ALERTMANAGER_PORT = 9093
ALERTMANAGER_CLUSTER_PORT = 9094
GRAFANA_PORT = 3000
#: The operator's webhook listens on the chart's ``prometheusOperator.tls.internalPort``.
OPERATOR_WEBHOOK_PORT = 10250
KUBELET_PORT = 10250
NODE_EXPORTER_PORT = 9100
#: Where API servers listen: 443 behind the ``kubernetes`` Service on managed clusters, 6443 on kubeadm.
API_SERVER_PORTS = (443, 6443)
#: The internet, both address families (Alertmanager's receivers), less what is not public.
INTERNET = {4: "0.0.0.0/0", 6: "::/0"}
#: Requests a container gets when it states none (the LimitRange's ``defaultRequest``).
DEFAULT_REQUEST = {"cpu": "100m", "memory": "128Mi"}
PSS_LABEL = "pod-security.kubernetes.io"


def _meta(name: str, namespace: str, labels: Mapping[str, str]) -> dict[str, Any]:
    return {"name": name, "namespace": namespace, "labels": dict(labels)}


def _pods(labels: Mapping[str, str]) -> dict[str, Any]:
    return {"podSelector": {"matchLabels": dict(labels)}}


def _tcp(*ports: int) -> list[dict[str, Any]]:
    return [{"protocol": "TCP", "port": p} for p in ports]


def _cidrs(cidrs: Sequence[str]) -> list[dict[str, Any]]:
    return [{"ipBlock": {"cidr": c}} for c in cidrs]


def public_internet(also_excluded: Sequence[str] = ()) -> list[dict[str, Any]]:
    """ipBlocks of the public internet: everything but private, shared and unique-local ranges and
    ``also_excluded`` (the nodes and the API server). Pods and Services have such addresses, and
    ipBlocks match pod IPs in many CNIs, so this keeps Alertmanager off the cluster's own workloads."""
    blocks = []
    for family, everything in INTERNET.items():
        own = [
            c for c in also_excluded if ipaddress.ip_network(c).version == family and ipaddress.ip_network(c).prefixlen
        ]
        excluded = [*NON_PUBLIC[family], *own]
        kept = [c for c in dict.fromkeys(excluded) if not any(_inside(c, o) for o in excluded if o != c)]
        blocks.append({"ipBlock": {"cidr": everything, "except": kept}})
    return blocks


def _inside(inner: str, outer: str) -> bool:
    a, b = ipaddress.ip_network(inner), ipaddress.ip_network(outer)
    return a.version == b.version and a != b and a.subnet_of(b)  # type: ignore[arg-type]


def _policy(name: str, namespace: str, labels: Mapping[str, str], spec: dict[str, Any]) -> Manifest:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": _meta(name, namespace, labels),
        "spec": spec,
    }


def namespaces(spec: MonitoringSpec, labels: Mapping[str, str]) -> list[Manifest]:
    """The monitoring namespace (baseline enforced, restricted warned and audited) and
    node-exporter's own (privileged)."""
    monitoring = {
        **labels,
        f"{PSS_LABEL}/enforce": "baseline",
        f"{PSS_LABEL}/enforce-version": "latest",
        f"{PSS_LABEL}/warn": "restricted",
        f"{PSS_LABEL}/warn-version": "latest",
        f"{PSS_LABEL}/audit": "restricted",
        f"{PSS_LABEL}/audit-version": "latest",
    }
    node_exporter = {**labels, f"{PSS_LABEL}/enforce": "privileged", f"{PSS_LABEL}/enforce-version": "latest"}
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": spec.namespace, "labels": monitoring}},
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": spec.node_exporter_ns, "labels": node_exporter}},
    ]


def allow_policies(
    spec: MonitoringSpec,
    labels: Mapping[str, str],
    *,
    ingress_namespace: str,
    release: str,
    receiver_ports: Sequence[int],
) -> list[Manifest]:
    """The flows the chart's components need in the monitoring namespace (see the module docstring)."""
    ns, net = spec.namespace, spec.network
    prometheus, alertmanager, grafana = _pods(PROMETHEUS_PODS), _pods(ALERTMANAGER_PODS), _pods(GRAFANA_PODS)
    not_alertmanager = {
        "matchExpressions": [{"key": "app.kubernetes.io/name", "operator": "NotIn", "values": ["alertmanager"]}]
    }
    from_ingress = {"namespaceSelector": k8s.namespace_selector(ingress_namespace)}
    monitoring_prometheus = {"namespaceSelector": k8s.namespace_selector(ns), **prometheus}
    cluster_ports = [{"protocol": p, "port": ALERTMANAGER_CLUSTER_PORT} for p in ("TCP", "UDP")]
    am_egress: list[dict[str, Any]] = [{"to": [alertmanager], "ports": cluster_ports}]
    if receiver_ports:
        internet = public_internet([*net.node_cidrs, *net.api_server_cidrs])
        am_egress.append({"to": [*internet, *_cidrs(net.receiver_cidrs)], "ports": _tcp(*receiver_ports)})
    return [
        _policy("allow-dns", ns, labels, {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [k8s.dns_egress()],
        }),
        _policy("allow-api-server", ns, labels, {
            # Prometheus (service discovery), the operator, kube-state-metrics, Grafana's sidecars and
            # the admission-webhook jobs watch or write the API; Alertmanager does not.
            "podSelector": not_alertmanager,
            "policyTypes": ["Egress"],
            "egress": [{"to": _cidrs(net.api_server_cidrs), "ports": _tcp(*API_SERVER_PORTS)}],
        }),
        _policy("allow-prometheus-scrape", ns, labels, {
            "podSelector": {},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [prometheus]}],
        }),
        _policy("prometheus", ns, labels, {
            "podSelector": {"matchLabels": dict(PROMETHEUS_PODS)},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [{"from": [grafana], "ports": _tcp(PROMETHEUS_PORT)}],
            "egress": [
                {"to": [{"namespaceSelector": {}}]},  # scrape every pod of every namespace
                {"to": _cidrs(net.node_cidrs), "ports": _tcp(KUBELET_PORT, NODE_EXPORTER_PORT)},
            ],
        }),
        _policy("alertmanager", ns, labels, {
            "podSelector": {"matchLabels": dict(ALERTMANAGER_PODS)},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [
                {"from": [grafana], "ports": _tcp(ALERTMANAGER_PORT)},
                {"from": [alertmanager], "ports": cluster_ports},
            ],
            "egress": am_egress,
        }),
        _policy("grafana", ns, labels, {
            "podSelector": {"matchLabels": dict(GRAFANA_PODS)},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [{"from": [from_ingress], "ports": _tcp(GRAFANA_PORT)}],
            "egress": [
                {"to": [prometheus], "ports": _tcp(PROMETHEUS_PORT)},
                {"to": [alertmanager], "ports": _tcp(ALERTMANAGER_PORT)},
            ],
        }),
        _policy("operator-webhook", ns, labels, {
            "podSelector": {"matchLabels": operator_pods(release)},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": _cidrs(net.api_server_cidrs), "ports": _tcp(OPERATOR_WEBHOOK_PORT)}],
        }),
        _policy("allow-prometheus", spec.node_exporter_ns, labels, {
            # node-exporter uses the host network, where most CNIs do not apply NetworkPolicies; this
            # states the one flow it serves for the CNIs that do.
            "podSelector": {"matchLabels": dict(NODE_EXPORTER_PODS)},
            "policyTypes": ["Ingress"],
            "ingress": [{
                "from": [monitoring_prometheus],
                "ports": _tcp(NODE_EXPORTER_PORT),
            }],
        }),
    ]  # fmt: skip


def default_deny(spec: MonitoringSpec, labels: Mapping[str, str]) -> list[Manifest]:
    """Deny all traffic both ways in both namespaces (register after :func:`allow_policies`)."""
    deny = {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    return [_policy("default-deny", n, labels, dict(deny)) for n in (spec.namespace, spec.node_exporter_ns)]


def limit_ranges(spec: MonitoringSpec, labels: Mapping[str, str]) -> list[Manifest]:
    """Default requests (never limits) for containers that state none, in both namespaces."""
    limits = {"limits": [{"type": "Container", "defaultRequest": dict(DEFAULT_REQUEST)}]}
    return [
        {"apiVersion": "v1", "kind": "LimitRange", "metadata": _meta("default-requests", n, labels), "spec": limits}
        for n in (spec.namespace, spec.node_exporter_ns)
    ]


def resource_quota(spec: MonitoringSpec, labels: Mapping[str, str]) -> Manifest:
    """The monitoring namespace's quota: requests, pods, storage; no limits; no public Services.
    node-exporter's namespace has none: a DaemonSet has one pod per node, however many there are."""
    q = spec.quota
    hard = {
        "requests.cpu": q.cpu,
        "requests.memory": q.memory,
        "pods": str(q.pods),
        "persistentvolumeclaims": str(q.pvcs),
        "requests.storage": q.storage,
        "services.loadbalancers": "0",
        "services.nodeports": "0",
    }
    return {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": _meta("monitoring-quota", spec.namespace, labels),
        "spec": {"hard": hard},
    }
