"""The monitoring namespaces are isolated: Pod Security, NetworkPolicies, quota and limits.

The NetworkPolicies are checked by what they let through: a small model of Kubernetes'
NetworkPolicy semantics (a pod selected by a policy of a direction accepts only what one of those
policies' rules allows; both the sender's egress and the receiver's ingress must allow) is asked
about the flows the chart needs and about flows that must stay closed.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

import kubernetes_validate
import pytest

from components.config import ConfigError, parse
from components.monitoring import isolation
from components.monitoring.spec import MonitoringSpec
from tests.monitoring.test_routing_and_schemas import ALERTING
from tests.monitoring.test_slo_rules import AVAILABILITY
from tests.tenant.helpers import run_platform, stack, tenant

NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy"


def monitoring(plan):
    component = plan.one("plinth:index:MonitoringStack")
    return plan.children(component.urn, recursive=True)


def of_kind(resources, kind: str) -> list[Any]:
    return [r for r in resources if r.type.endswith(f":{kind}")]


# --- a model of NetworkPolicy semantics ---------------------------------------------------------
@dataclass(frozen=True)
class Pod:
    namespace: str
    labels: dict[str, str] = field(default_factory=dict, hash=False)


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values", [])
        present = key in labels
        ok = {
            "In": present and labels[key] in values,
            "NotIn": not present or labels[key] not in values,
            "Exists": present,
            "DoesNotExist": not present,
        }[op]
        if not ok:
            return False
    return True


def _peer_matches(peer: dict[str, Any], endpoint: Pod | str, policy_namespace: str) -> bool:
    if "ipBlock" in peer:
        if not isinstance(endpoint, str):
            return False
        address = ipaddress.ip_address(endpoint)
        block = peer["ipBlock"]
        inside = address.version == ipaddress.ip_network(block["cidr"]).version and address in ipaddress.ip_network(
            block["cidr"]
        )
        return inside and not any(address in ipaddress.ip_network(e) for e in block.get("except", []))
    if isinstance(endpoint, str):
        return False
    if "namespaceSelector" in peer:
        if not _selects(peer["namespaceSelector"], {"kubernetes.io/metadata.name": endpoint.namespace}):
            return False
    elif endpoint.namespace != policy_namespace:
        return False
    return _selects(peer.get("podSelector", {}), endpoint.labels)


def _port_matches(ports: list[dict[str, Any]] | None, port: int, protocol: str) -> bool:
    return not ports or any(p.get("protocol", "TCP") == protocol and p.get("port") in (None, port) for p in ports)


def _side_allows(policies, pod: Pod, direction: str, other: Pod | str, port: int, protocol: str) -> bool:
    kind, peers_key = ("Egress", "to") if direction == "egress" else ("Ingress", "from")
    selecting = [
        p for p in policies
        if p["metadata"]["namespace"] == pod.namespace and kind in p["spec"]["policyTypes"]
        and _selects(p["spec"]["podSelector"], pod.labels)
    ]  # fmt: skip
    if not selecting:
        return True  # not isolated in this direction
    return any(
        _port_matches(rule.get("ports"), port, protocol)
        and (
            peers_key not in rule
            or any(_peer_matches(peer, other, p["metadata"]["namespace"]) for peer in rule[peers_key])
        )
        for p in selecting
        for rule in p["spec"].get(direction, [])
    )


def allowed(policies, source: Pod | str, destination: Pod | str, port: int, protocol: str = "TCP") -> bool:
    """Whether ``policies`` let ``source`` reach ``destination`` on ``port`` (IPs outside the cluster are strings)."""
    out = not isinstance(source, Pod) or _side_allows(policies, source, "egress", destination, port, protocol)
    into = not isinstance(destination, Pod) or _side_allows(policies, destination, "ingress", source, port, protocol)
    return out and into


MON = "monitoring"
PROMETHEUS = Pod(MON, {"app.kubernetes.io/name": "prometheus", "prometheus": "kube-prometheus-stack-prometheus"})
ALERTMANAGER = Pod(
    MON, {"app.kubernetes.io/name": "alertmanager", "alertmanager": "kube-prometheus-stack-alertmanager"}
)
ALERTMANAGER_PEER = Pod(MON, {"app.kubernetes.io/name": "alertmanager", "statefulset.kubernetes.io/pod-name": "1"})
GRAFANA = Pod(MON, {"app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "kube-prometheus-stack"})
OPERATOR = Pod(MON, {"app": "kube-prometheus-stack-operator", "release": "kube-prometheus-stack"})
KSM = Pod(MON, {"app.kubernetes.io/name": "kube-state-metrics"})
WEBHOOK_JOB = Pod(MON, {"app": "kube-prometheus-stack-admission-create", "release": "kube-prometheus-stack"})
NODE_EXPORTER = Pod("monitoring-node-exporter", {"app.kubernetes.io/name": "prometheus-node-exporter"})
KUBE_DNS = Pod("kube-system", {"k8s-app": "kube-dns"})
INGRESS = Pod("ingress-nginx", {"app.kubernetes.io/name": "ingress-nginx"})
TENANT_POD = Pod("tenant-acme", {"app": "audio-api"})
NODE, API_SERVER, INTERNET = "10.0.12.7", "10.0.0.15", "52.94.1.20"


@pytest.fixture(scope="module")
def policies(dev_plan):
    return [r.inputs for r in of_kind(monitoring(dev_plan), "NetworkPolicy")]


@pytest.mark.parametrize(
    ("source", "destination", "port", "protocol", "why"),
    [
        (PROMETHEUS, TENANT_POD, 8080, "TCP", "Prometheus scrapes every namespace"),
        (PROMETHEUS, KSM, 8080, "TCP", "... and the monitoring namespace's own pods"),
        (PROMETHEUS, ALERTMANAGER, 9093, "TCP", "Prometheus sends alerts"),
        (PROMETHEUS, NODE, 10250, "TCP", "kubelet and cAdvisor"),
        (PROMETHEUS, NODE, 9100, "TCP", "node-exporter on the host network"),
        (PROMETHEUS, NODE_EXPORTER, 9100, "TCP", "node-exporter for CNIs that police the host network"),
        (PROMETHEUS, API_SERVER, 443, "TCP", "service discovery and the API server's metrics"),
        (PROMETHEUS, KUBE_DNS, 53, "UDP", "DNS"),
        (ALERTMANAGER, INTERNET, 443, "TCP", "Slack, PagerDuty and webhook receivers"),
        (ALERTMANAGER, "2600:1f18::10", 443, "TCP", "... over IPv6 too"),
        (ALERTMANAGER, INTERNET, 587, "TCP", "the dev stack's SMTP smarthost port"),
        (ALERTMANAGER, ALERTMANAGER_PEER, 9094, "UDP", "Alertmanager cluster gossip"),
        (ALERTMANAGER, KUBE_DNS, 53, "TCP", "DNS"),
        (INGRESS, GRAFANA, 3000, "TCP", "users reach Grafana through the ingress controller"),
        (GRAFANA, PROMETHEUS, 9090, "TCP", "Grafana's Prometheus data source"),
        (GRAFANA, ALERTMANAGER, 9093, "TCP", "Grafana's Alertmanager data source"),
        (GRAFANA, API_SERVER, 443, "TCP", "the dashboard sidecar lists ConfigMaps"),
        (API_SERVER, OPERATOR, 10250, "TCP", "the API server calls the operator's admission webhook"),
        (OPERATOR, API_SERVER, 443, "TCP", "the operator manages Prometheus and Alertmanager"),
        (KSM, API_SERVER, 6443, "TCP", "kube-state-metrics on a kubeadm API server"),
        (WEBHOOK_JOB, API_SERVER, 443, "TCP", "the chart's certificate jobs patch the webhooks"),
    ],
)
def test_the_flows_the_chart_needs_are_open(policies, source, destination, port, protocol, why):
    assert allowed(policies, source, destination, port, protocol), why


@pytest.mark.parametrize(
    ("source", "destination", "port", "why"),
    [
        (TENANT_POD, PROMETHEUS, 9090, "tenants cannot query all tenants' metrics"),
        (TENANT_POD, GRAFANA, 3000, "Grafana is reached through the ingress controller only"),
        (TENANT_POD, ALERTMANAGER, 9093, "tenants cannot silence or inject alerts"),
        (INTERNET, GRAFANA, 3000, "nothing from outside the cluster but the ingress controller"),
        (INGRESS, PROMETHEUS, 9090, "the ingress controller reaches Grafana, not Prometheus"),
        (ALERTMANAGER, TENANT_POD, 8080, "Alertmanager reaches its receivers only"),
        (ALERTMANAGER, API_SERVER, 443, "Alertmanager has no business with the API"),
        (ALERTMANAGER, INTERNET, 25, "only the configured SMTP port"),
        (GRAFANA, INTERNET, 443, "Grafana does not call out"),
        (GRAFANA, TENANT_POD, 8080, "Grafana reads Prometheus, not the workloads"),
        (KSM, INTERNET, 443, "kube-state-metrics talks to the API only"),
        (PROMETHEUS, NODE, 22, "only the kubelet and node-exporter ports on nodes"),
        (PROMETHEUS, INTERNET, 443, "no scraping of the internet"),
        (OPERATOR, INTERNET, 443, "the operator talks to the API only"),
        (TENANT_POD, OPERATOR, 10250, "only the API server calls the webhook"),
        (TENANT_POD, NODE_EXPORTER, 9100, "only Prometheus scrapes node-exporter"),
        (ALERTMANAGER, "10.1.2.3", 443, "receivers are public: no private address (pods, VPC services) by default"),
        (ALERTMANAGER, "100.64.8.9", 443, "... nor CGNAT space some CNIs give pods"),
        (ALERTMANAGER, "fd00::1", 443, "... nor unique-local IPv6"),
    ],
)
def test_everything_else_is_denied(policies, source, destination, port, why):
    assert not allowed(policies, source, destination, port), why


def test_both_namespaces_deny_by_default_and_the_denial_comes_after_the_allowances(dev_plan):
    resources = monitoring(dev_plan)
    netpols = of_kind(resources, "NetworkPolicy")
    denies = [r for r in netpols if r.inputs["metadata"]["name"] == "default-deny"]
    assert {r.inputs["metadata"]["namespace"] for r in denies} == {"monitoring", "monitoring-node-exporter"}
    for deny in denies:
        assert deny.inputs["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
        allows = [r.urn for r in netpols if r not in denies]
        assert set(allows) <= set(deny.dependencies), (
            "allowances exist before the deny, so an upgrade cuts no running flow"
        )


def test_only_node_exporters_namespace_is_privileged(dev_plan):
    resources = monitoring(dev_plan)
    namespaces = {r.inputs["metadata"]["name"]: r.inputs["metadata"]["labels"] for r in of_kind(resources, "Namespace")}
    assert set(namespaces) == {"monitoring", "monitoring-node-exporter"}
    pss = "pod-security.kubernetes.io"
    assert namespaces["monitoring"][f"{pss}/enforce"] == "baseline"
    assert namespaces["monitoring"][f"{pss}/warn"] == namespaces["monitoring"][f"{pss}/audit"] == "restricted"
    assert namespaces["monitoring-node-exporter"][f"{pss}/enforce"] == "privileged"
    release = next(r for r in resources if r.type == "kubernetes:helm.sh/v3:Release")
    assert release.inputs["values"]["prometheus-node-exporter"] == {"namespaceOverride": "monitoring-node-exporter"}


def test_the_chart_waits_for_every_namespace_guard(dev_plan):
    resources = monitoring(dev_plan)
    release = next(r for r in resources if r.type == "kubernetes:helm.sh/v3:Release")
    guards = [
        r for r in resources if r.type.split(":")[-1] in ("Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange")
    ]
    assert len(guards) == 2 + 10 + 1 + 2
    missing = [r.name for r in guards if r.urn not in release.dependencies]
    assert not missing, f"the chart's pods could start before {missing}"
    quota = next(r for r in guards if r.type.endswith(":ResourceQuota"))
    limits = [r.urn for r in guards if r.type.endswith(":LimitRange")]
    assert set(limits) <= set(quota.dependencies), "pods get default requests before the quota counts them"


def test_every_isolation_object_is_a_valid_kubernetes_object(dev_plan):
    kinds = ("Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange")
    objects = [r.inputs for r in monitoring(dev_plan) if r.type.split(":")[-1] in kinds]
    assert len(objects) == 15
    for obj in objects:
        kubernetes_validate.validate(obj, kubernetes_validate.latest_version(), strict=True)


def test_quota_and_limits_give_default_requests_but_never_limits(dev_plan):
    resources = monitoring(dev_plan)
    for limit_range in of_kind(resources, "LimitRange"):
        (item,) = limit_range.inputs["spec"]["limits"]
        assert item == {"type": "Container", "defaultRequest": {"cpu": "100m", "memory": "128Mi"}}, (
            "no default limits and no maximum: a memory limit would OOM-kill Prometheus"
        )
    (quota,) = of_kind(resources, "ResourceQuota")
    hard = quota.inputs["spec"]["hard"]
    assert quota.inputs["metadata"]["namespace"] == "monitoring"
    assert not [k for k in hard if k.startswith("limits.")], "a limits quota would reject every pod without limits"
    assert hard["requests.cpu"] == "8" and hard["requests.memory"] == "32Gi" and hard["pods"] == "50"
    assert hard["services.loadbalancers"] == hard["services.nodeports"] == "0"


# --- configuration ------------------------------------------------------------------------------
def _plan(**monitoring_section):
    return run_platform(stack(tenant(), monitoring={"slos": [AVAILABILITY], **monitoring_section}))


def test_cidrs_ports_and_namespaces_come_from_the_stack_config():
    alerting = {
        "receivers": [
            {
                "name": "mail",
                "email": {"to": "o@example.com", "from": "a@example.com", "smarthost": "smtp.example.com:2525"},
            },
            {"name": "hook", "webhook": {"url": "https://hooks.example.com:8443/alerts"}},
        ],
        "routes": {"P0": "hook", "P1": "hook", "P2": "mail", "P3": "mail"},
    }
    plan = _plan(
        alerting=alerting,
        nodeExporterNamespace="node-metrics",
        network={
            "nodeCidrs": ["100.64.0.0/16"],
            "apiServerCidrs": ["172.20.0.1/32"],
            "receiverCidrs": ["10.40.0.25/32"],
        },
        quota={"cpu": "16", "memory": "64Gi", "pods": 80},
    )
    policies = [r.inputs for r in plan.of_type(NETPOL)]
    node, api = "100.64.3.4", "172.20.0.1"
    node_exporter = Pod("node-metrics", NODE_EXPORTER.labels)
    assert allowed(policies, PROMETHEUS, node, 10250) and not allowed(policies, PROMETHEUS, NODE, 10250)
    assert allowed(policies, PROMETHEUS, api, 443) and not allowed(policies, PROMETHEUS, API_SERVER, 443)
    assert allowed(policies, api, OPERATOR, 10250) and not allowed(policies, API_SERVER, OPERATOR, 10250)
    assert allowed(policies, PROMETHEUS, node_exporter, 9100) and not allowed(policies, GRAFANA, node_exporter, 9100)
    assert [allowed(policies, ALERTMANAGER, INTERNET, p) for p in (2525, 8443, 443, 587)] == [True, True, False, False]
    assert allowed(policies, ALERTMANAGER, "10.40.0.25", 2525), "an internal relay listed in receiverCidrs"
    assert not allowed(policies, ALERTMANAGER, "10.40.0.26", 2525) and not allowed(policies, ALERTMANAGER, node, 2525)
    values = plan.one("kubernetes:helm.sh/v3:Release").inputs["values"]
    assert values["prometheus-node-exporter"]["namespaceOverride"] == "node-metrics"
    hard = plan.one("kubernetes:core/v1:ResourceQuota", "plinth-monitoring-quota").inputs["spec"]["hard"]
    assert (hard["requests.cpu"], hard["requests.memory"], hard["pods"]) == ("16", "64Gi", "80")


def test_without_receivers_alertmanager_reaches_nothing_outside():
    policies = [r.inputs for r in _plan().of_type(NETPOL)]
    assert not allowed(policies, ALERTMANAGER, INTERNET, 443)


def test_the_ingress_namespace_comes_from_the_cluster_settings():
    doc = stack(tenant(), monitoring={"slos": [AVAILABILITY]})
    doc["kubernetes"] = {**doc["kubernetes"], "ingressNamespace": "traefik"}
    policies = [r.inputs for r in run_platform(doc).of_type(NETPOL)]
    assert allowed(policies, Pod("traefik"), GRAFANA, 3000) and not allowed(policies, INGRESS, GRAFANA, 3000)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            {"network": {"nodeCidrs": ["10.0.0.0/33"]}},
            r"plinth:monitoring\.network\.nodeCidrs\[0\]: .*not a CIDR block",
        ),
        (
            {"network": {"apiServerCidrs": ["10.0.0.1/8"]}},
            r"plinth:monitoring\.network\.apiServerCidrs\[0\]: .*host bits set",
        ),
        ({"network": {"nodeCidrs": []}}, r"plinth:monitoring\.network\.nodeCidrs: .*at least 1"),
        (
            {"quota": {"memory": "512Mi"}},
            r"plinth:monitoring\.quota: memory: at least 2Gi, or the chart's own pods cannot start",
        ),
        ({"quota": {"cpu": "lots"}}, r"plinth:monitoring\.quota\.cpu: .*not a Kubernetes quantity"),
        (
            {"nodeExporterNamespace": "monitoring"},
            r"plinth:monitoring: nodeExporterNamespace: must differ from namespace",
        ),
        (
            {"nodeExporterNamespace": "tenant-acme"},
            r"plinth:monitoring\.nodeExporterNamespace: 'tenant-acme' is tenant acme's namespace",
        ),
        (
            {"prometheus": {"mode": "existing", "ruleSelectorLabels": {"release": "p"}}, "quota": {"pods": 60}},
            r"plinth:monitoring: quota: only apply to prometheus.mode install",
        ),
    ],
)
def test_bad_isolation_settings_are_rejected_naming_the_key(section, message):
    with pytest.raises(ConfigError, match=message):
        parse(stack(tenant(), monitoring={"slos": [AVAILABILITY], **section}), source="test")


def test_a_long_monitoring_namespace_needs_an_explicit_node_exporter_namespace():
    long = "m" * 60
    with pytest.raises(ValueError, match="longer than 63 characters; set one"):
        MonitoringSpec.model_validate({"namespace": long})
    spec = MonitoringSpec.model_validate({"namespace": long, "nodeExporterNamespace": "node-exporter"})
    assert isolation.namespaces(spec, {})[1]["metadata"]["name"] == "node-exporter"


def test_the_dev_stack_alerting_reaches_its_receivers():
    from components.monitoring import alertmanager
    from components.monitoring.spec import AlertingSpec

    assert alertmanager.receiver_ports(AlertingSpec.model_validate(ALERTING)) == [443, 587]
    assert alertmanager.receiver_ports(None) == []
