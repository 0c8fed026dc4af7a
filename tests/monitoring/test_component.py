"""MonitoringStack registered through the recording engine: what `pulumi up` would create."""

from __future__ import annotations

import json

import kubernetes_validate
import pytest

from components.config import ConfigError, parse
from tests.monitoring.test_routing_and_schemas import ALERTING, SECRETS
from tests.monitoring.test_slo_rules import AVAILABILITY
from tests.tenant.helpers import run_platform, stack, tenant


def monitoring(dev_plan):
    component = dev_plan.one("plinth:index:MonitoringStack")
    return dev_plan.children(component.urn, recursive=True)


def test_dev_stack_installs_a_pinned_chart_and_the_slo_rules(dev_plan):
    resources = monitoring(dev_plan)
    release = next(r for r in resources if r.type == "kubernetes:helm.sh/v3:Release")
    assert release.inputs["chart"] == "kube-prometheus-stack" and release.inputs["version"] == "75.15.1"
    assert release.inputs["repositoryOpts"]["repo"] == "https://prometheus-community.github.io/helm-charts"
    values = release.inputs["values"]
    assert values["grafana"]["sidecar"]["dashboards"]["label"] == "grafana_dashboard"
    assert values["alertmanager"]["config"]["route"]["routes"][1]["matchers"] == ['priority="P0"']
    rules = {
        r.inputs["metadata"]["name"]
        for r in resources
        if r.type == "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
    }
    assert rules == {"slo-audio-api-availability", "slo-inference-latency"}
    pods = {
        r.inputs["spec"]["namespaceSelector"]["matchNames"][0]
        for r in resources
        if r.type == "kubernetes:monitoring.coreos.com/v1:PodMonitor"
    }
    assert pods == {"tenant-acme", "tenant-globex", "tenant-initech", "tenant-hooli"}
    boards = [r for r in resources if r.type == "kubernetes:core/v1:ConfigMap"]
    assert {b.inputs["metadata"]["name"] for b in boards} == {
        "plinth-platform-slos",
        "plinth-tenant-acme-slos",
        "plinth-tenant-globex-slos",
    }
    for obj in [
        r.inputs for r in resources if r.type in ("kubernetes:core/v1:ConfigMap", "kubernetes:core/v1:Namespace")
    ]:
        kubernetes_validate.validate(obj, kubernetes_validate.latest_version(), strict=True)
    cr = next(r for r in resources if r.type == "kubernetes:monitoring.coreos.com/v1:PrometheusRule")
    assert release.urn in cr.dependencies, "custom resources wait for the chart's CRDs"


def test_receiver_credentials_are_pulumi_secrets_never_plaintext():
    doc = stack(tenant(), monitoring={"slos": [AVAILABILITY], "alerting": ALERTING})
    secure = {
        f"monitoring.alerting.receivers[{i}].{path}"
        for i, path in enumerate(["pagerduty.routingKey", "slack.apiUrl", "email.authPassword", "webhook.bearerToken"])
    }
    cfg = parse(doc, source="test", secure_paths=secure)
    from components.platform import Platform
    from scripts import engine

    plan = engine.run(lambda: Platform.from_config("plinth", cfg), stack="test", preview=False)
    text = json.dumps(plan.to_json())
    for secret in SECRETS:
        assert secret not in text
    secret = plan.one("kubernetes:core/v1:Secret", "plinth-monitoring-alertmanager-credentials")
    assert secret.inputs["stringData"] == "[secret]", "the whole map travels as a Pulumi secret"
    release = plan.one("kubernetes:helm.sh/v3:Release")
    assert release.inputs["values"]["alertmanager"]["alertmanagerSpec"]["secrets"] == [
        "plinth-alertmanager-credentials"
    ]
    assert secret.urn in release.dependencies


def test_plaintext_credentials_are_rejected_naming_the_key():
    with pytest.raises(
        ConfigError,
        match=(
            r"plinth:monitoring\.alerting\.receivers\[0\]\.pagerduty\.routingKey: "
            r"is a credential and must be encrypted"
        ),
    ):
        parse(
            stack(tenant(), monitoring={"slos": [AVAILABILITY], "alerting": ALERTING}),
            source="test",
            secure_paths=set(),
        )


def test_existing_operator_gets_an_alertmanager_config_resource_instead_of_a_chart():
    doc = stack(
        tenant(),
        monitoring={
            "prometheus": {"mode": "existing", "ruleSelectorLabels": {"release": "prom"}},
            "slos": [AVAILABILITY],
            "alerting": {
                **ALERTING,
                "receivers": [
                    {"name": r["name"], "webhook": {"url": "https://h.example.com/x"}} for r in ALERTING["receivers"]
                ],
            },
        },
    )
    plan = run_platform(doc)
    assert not plan.of_type("kubernetes:helm.sh/v3:Release")
    amc = plan.one("kubernetes:monitoring.coreos.com/v1alpha1:AlertmanagerConfig")
    assert amc.inputs["metadata"]["labels"]["release"] == "prom"
    rule = plan.one("kubernetes:monitoring.coreos.com/v1:PrometheusRule")
    assert rule.inputs["metadata"]["labels"]["release"] == "prom"


def test_aws_stack_without_kubernetes_gets_cloudwatch_burn_rate_alarms():
    doc = stack(
        tenant(cloud="aws"),
        kubernetes=None,
        monitoring={
            "slos": [AVAILABILITY],
            "cloudwatch": {
                "availability": {
                    "namespace": "Audio/API",
                    "errorMetric": "5xxCount",
                    "totalMetric": "RequestCount",
                    "dimensions": {"Service": "api"},
                }
            },
        },
    )
    plan = run_platform(doc)
    topic = plan.one("aws:sns/topic:Topic")
    assert topic.inputs["kmsMasterKeyId"]  # encrypted with a customer-managed key (known after apply)
    alarms = plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    assert len(alarms) == 8, "two windows for each of the four burn-rate conditions"
    one_hour = next(a for a in alarms if a.inputs["name"].endswith("-1h-14p4x"))
    assert one_hour.inputs["threshold"] == pytest.approx(14.4 * 0.001)
    assert [q["id"] for q in one_hour.inputs["metricQueries"]] == ["errors", "total", "ratio"]
    composites = {
        c.inputs["alarmName"]: c.inputs["alarmRule"]
        for c in plan.of_type("aws:cloudwatch/compositeAlarm:CompositeAlarm")
    }
    assert set(composites) == {"ApiAvailability-page", "ApiAvailability-ticket"}
    assert (
        'ALARM("plinth-dev-api-availability-1h-14p4x") AND ALARM("plinth-dev-api-availability-5m-14p4x")'
        in composites["ApiAvailability-page"]
    )


def test_a_disabled_page_alert_has_no_cloudwatch_alarms_either():
    slo = {**AVAILABILITY, "alerting": {**AVAILABILITY["alerting"], "pageAlert": {"disable": True}}}
    cloudwatch = {"availability": {"namespace": "Audio/API", "errorMetric": "5xxCount", "totalMetric": "RequestCount"}}
    plan = run_platform(
        stack(tenant(cloud="aws"), kubernetes=None, monitoring={"slos": [slo], "cloudwatch": cloudwatch})
    )
    composites = [c.inputs["alarmName"] for c in plan.of_type("aws:cloudwatch/compositeAlarm:CompositeAlarm")]
    assert composites == ["ApiAvailability-ticket"], (
        "pageAlert.disable removes the page alarm, as it removes the page rule"
    )
    names = sorted(a.inputs["name"] for a in plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"))
    assert names == sorted(f"plinth-dev-api-availability-{w}" for w in ("1d-3x", "2h-3x", "3d-1x", "6h-1x"))


@pytest.mark.parametrize(
    ("monitoring", "message"),
    [
        ({"slos": [{**AVAILABILITY, "tenant": "nobody"}]}, r"plinth:monitoring\.slos\[0\]\.tenant: no tenant 'nobody'"),
        ({"namespace": "observability", "slos": [AVAILABILITY]}, r"plinth:monitoring\.namespace: is 'observability'"),
        ({"slos": [AVAILABILITY, AVAILABILITY]}, r"duplicate SLO api-availability"),
    ],
)
def test_monitoring_config_errors_name_the_key(monitoring, message):
    with pytest.raises(ConfigError, match=message):
        parse(stack(tenant(), monitoring=monitoring), source="test")


# --- Grafana admin login ------------------------------------------------------------------------
def test_grafanas_admin_password_is_a_generated_pulumi_secret_not_the_charts_default(dev_plan):
    """kube-prometheus-stack's values set grafana.adminPassword: prom-operator; the admin login must
    come from a Secret whose password Pulumi generated and keeps secret."""
    resources = monitoring(dev_plan)
    release = next(r for r in resources if r.type == "kubernetes:helm.sh/v3:Release")
    password = next(r for r in resources if r.type == "random:index/randomPassword:RandomPassword")
    assert password.inputs["length"] >= 32 and password.inputs["special"] is False
    secret = next(
        r
        for r in resources
        if r.type == "kubernetes:core/v1:Secret" and r.inputs["metadata"]["name"] == "plinth-grafana-admin"
    )
    assert secret.inputs["metadata"]["namespace"] == "monitoring"
    assert secret.inputs["stringData"] == "[secret]", "the generated password reaches the Secret as a Pulumi secret"
    assert password.urn in secret.dependencies
    grafana = release.inputs["values"]["grafana"]
    assert grafana["admin"] == {
        "existingSecret": "plinth-grafana-admin",
        "userKey": "admin-user",
        "passwordKey": "admin-password",
    }
    assert "adminPassword" not in grafana, "no password in the chart values at all"
    assert secret.urn in release.dependencies, "the Secret exists before Grafana starts"


def test_the_generated_admin_secret_is_a_valid_object_with_the_keys_the_chart_reads():
    from components.monitoring import grafana

    manifest = grafana.admin_secret("monitoring", {"app.kubernetes.io/managed-by": "plinth"}, "x" * 32)
    kubernetes_validate.validate(manifest, kubernetes_validate.latest_version(), strict=True)
    keys = grafana.admin_values(grafana.ADMIN_SECRET)["admin"]
    assert set(manifest["stringData"]) == {keys["userKey"], keys["passwordKey"]}


def test_an_existing_admin_secret_replaces_the_generated_one():
    plan = run_platform(
        stack(tenant(), monitoring={"slos": [AVAILABILITY], "grafana": {"adminSecret": "grafana-login"}})
    )
    assert not plan.of_type("random:index/randomPassword:RandomPassword")
    assert not [
        s for s in plan.of_type("kubernetes:core/v1:Secret") if s.inputs["metadata"]["name"] == "plinth-grafana-admin"
    ]
    admin = plan.one("kubernetes:helm.sh/v3:Release").inputs["values"]["grafana"]["admin"]
    assert admin["existingSecret"] == "grafana-login"


def test_a_bad_admin_secret_name_is_rejected_naming_the_key():
    with pytest.raises(ConfigError, match=r"plinth:monitoring\.grafana\.adminSecret: String should match pattern"):
        parse(stack(tenant(), monitoring={"grafana": {"adminSecret": "Grafana_Login"}}), source="test")


def test_the_kubernetes_provider_floor_keeps_null_helm_values():
    """pulumi-kubernetes below 4.30 dropped null Helm values, so a chart default could not be
    removed; the dependency floor must exclude those versions (and pulumi-random is needed for
    the generated password)."""
    import tomllib
    from importlib.metadata import version
    from pathlib import Path

    from packaging.requirements import Requirement

    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    deps = {r.name: r for r in map(Requirement, pyproject["project"]["dependencies"])}
    k8s = deps["pulumi-kubernetes"].specifier
    assert not k8s.contains("4.29.0") and k8s.contains("4.30.0") and k8s.contains(version("pulumi-kubernetes"))
    assert deps["pulumi-random"].specifier.contains(version("pulumi-random"))


def test_a_program_passes_the_new_settings_as_plain_args():
    """The TypedDict args (Python names) reach the same spec as the stack config's camelCase keys."""
    import pulumi

    from components.monitoring.component import MonitoringStack
    from scripts import engine

    slo = {
        "name": "availability",
        "service": "api",
        "objective": 99.9,
        "sli": {
            "raw": {
                "error_ratio_query": "sum(rate(errors_total[{{.window}}])) / sum(rate(requests_total[{{.window}}]))"
            }
        },
        "alerting": {
            "name": "ApiAvailability",
            "page_alert": {"disable": True},
            "ticket_alert": {"labels": {"queue": "api"}},
        },
    }
    args = {
        "environment": "dev",
        "cluster": {},
        "slos": [slo],
        "grafana": {"admin_secret": "grafana-login"},
        "node_exporter_namespace": "node-metrics",
        "network": {"node_cidrs": ["10.20.0.0/16"], "api_server_cidrs": ["10.0.0.1/32"]},
        "quota": {"cpu": "4", "memory": "8Gi"},
    }
    plan = engine.run(lambda: MonitoringStack("mon", args), stack="test")
    rule = plan.one("kubernetes:monitoring.coreos.com/v1:PrometheusRule").inputs["spec"]["groups"]
    alerts = [r for r in rule[-1]["rules"] if r["alert"] == "ApiAvailability"]
    assert [a["labels"]["severity"] for a in alerts] == ["ticket"] and alerts[0]["labels"]["queue"] == "api"
    values = plan.one("kubernetes:helm.sh/v3:Release").inputs["values"]
    assert values["grafana"]["admin"]["existingSecret"] == "grafana-login"
    assert values["prometheus-node-exporter"]["namespaceOverride"] == "node-metrics"
    assert plan.one("kubernetes:core/v1:ResourceQuota").inputs["spec"]["hard"]["requests.memory"] == "8Gi"
    bad = {**args, "network": {"node_cidr": ["10.0.0.0/8"]}}
    with pytest.raises(pulumi.InputPropertiesError, match=r"args\.network\.node_cidr: unknown key"):
        engine.run(lambda: MonitoringStack("mon", bad), stack="test")
