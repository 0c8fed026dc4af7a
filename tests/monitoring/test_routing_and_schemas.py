"""Alertmanager config passes amtool; custom resources validate against the upstream CRD schemas."""

from __future__ import annotations

import json
import time
from pathlib import Path

import jsonschema
import pytest
import yaml

from components.monitoring import alertmanager, dashboards, monitors
from components.monitoring import slo as gen
from components.monitoring.spec import AlertingSpec, SloSpec
from tests.monitoring.test_slo_rules import AVAILABILITY, LATENCY
from tests.monitoring.tools import inhibited, post_alerts, running_alertmanager, tool, write_yaml

CRDS = Path(__file__).resolve().parents[1] / "schemas" / "crds"
ALERTING = {
    "receivers": [
        {"name": "oncall", "pagerduty": {"routingKey": "pd-routing-key-123"}},
        {
            "name": "team",
            "slack": {"channel": "#audio-alerts", "apiUrl": "https://hooks.slack.com/services/T0/B0/SECRETSLACK"},
        },
        {
            "name": "mail",
            "email": {
                "to": "ops@example.com",
                "from": "am@example.com",
                "smarthost": "smtp.example.com:587",
                "authUsername": "am",
                "authPassword": "mail-password-xyz",
            },
        },
        {"name": "hook", "webhook": {"url": "https://hooks.example.com/alerts", "bearerToken": "webhook-token-abc"}},
    ],
    "routes": {"P0": "oncall", "P1": "oncall", "P2": "team", "P3": "mail"},
}
SECRETS = ("pd-routing-key-123", "SECRETSLACK", "mail-password-xyz", "webhook-token-abc")


def schema(name: str) -> dict:
    return json.loads((CRDS / name).read_text())


def amtool_check(tmp_path: Path, config: dict) -> str:
    import subprocess

    path = write_yaml(tmp_path / "alertmanager.yml", config)
    done = subprocess.run([tool("amtool"), "check-config", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_amtool_accepts_the_generated_configuration(tmp_path):
    out = amtool_check(tmp_path, alertmanager.alertmanager_config(AlertingSpec.model_validate(ALERTING)))
    assert "5 receivers" in out and "5 inhibit rules" in out, (
        "the chart's four inhibitions and Plinth's page-over-ticket"
    )


def test_credentials_never_appear_in_the_configuration():
    spec = AlertingSpec.model_validate(ALERTING)
    text = yaml.safe_dump(alertmanager.alertmanager_config(spec)) + json.dumps(
        alertmanager.alertmanager_config_crd(spec, "r", "monitoring", {})
    )
    for secret in SECRETS:
        assert secret not in text
    assert sorted(alertmanager.secret_values(spec)) == [
        "hook-webhook-token",
        "mail-email-password",
        "oncall-pagerduty-routing-key",
        "team-slack-api-url",
    ]


def test_routes_priorities_group_and_inhibit():
    config = alertmanager.alertmanager_config(AlertingSpec.model_validate(ALERTING))
    routes = {tuple(r["matchers"]): r["receiver"] for r in config["route"]["routes"]}
    assert routes[('priority="P0"',)] == "oncall" and routes[('priority="P3"',)] == "mail"
    assert config["route"]["group_by"] == ["tenant", "sloth_slo", "alertname"]
    page_over_ticket = {
        "source_matchers": ['severity="page"'],
        "target_matchers": ['severity="ticket"'],
        "equal": ["tenant", "sloth_slo"],
    }
    assert config["inhibit_rules"][-1] == page_over_ticket
    # Helm replaces lists: the chart's own inhibitions survive only because they are repeated
    # (kube-prometheus-stack values.yaml, alertmanager.config.inhibit_rules).
    assert config["inhibit_rules"][:-1] == [
        {
            "source_matchers": ['severity="critical"'],
            "target_matchers": ['severity=~"warning|info"'],
            "equal": ["namespace", "alertname"],
        },
        {
            "source_matchers": ['severity="warning"'],
            "target_matchers": ['severity="info"'],
            "equal": ["namespace", "alertname"],
        },
        {
            "source_matchers": ['alertname="InfoInhibitor"'],
            "target_matchers": ['severity="info"'],
            "equal": ["namespace"],
        },
        {"target_matchers": ['alertname="InfoInhibitor"']},
    ]


def test_a_running_alertmanager_keeps_the_charts_inhibitions_next_to_plinths(tmp_path):
    """The generated configuration in a real Alertmanager: the chart's default inhibitions still
    work (they would vanish if Plinth's list replaced the chart's), and a page mutes its ticket."""
    spec = AlertingSpec.model_validate(ALERTING)
    secret_dir = tmp_path / "secrets" / alertmanager.SECRET_NAME
    secret_dir.mkdir(parents=True)
    for name in alertmanager.secret_files(spec):
        (secret_dir / name).write_text("mounted")
    config = alertmanager.alertmanager_config(spec, secrets_dir=str(tmp_path / "secrets"))
    firing = [
        {"alertname": "KubePodCrashLooping", "namespace": "tenant-acme", "severity": "critical"},
        {"alertname": "KubePodCrashLooping", "namespace": "tenant-acme", "severity": "warning"},
        {"alertname": "KubeQuotaAlmostFull", "namespace": "tenant-acme", "severity": "warning"},
        {"alertname": "KubeQuotaAlmostFull", "namespace": "tenant-acme", "severity": "info"},
        {"alertname": "InfoInhibitor", "namespace": "tenant-globex", "severity": "none"},
        {"alertname": "CPUThrottlingHigh", "namespace": "tenant-globex", "severity": "info"},
        {
            "alertname": "ApiAvailability",
            "tenant": "acme",
            "sloth_slo": "availability",
            "severity": "page",
            "priority": "P1",
        },
        {
            "alertname": "ApiAvailability",
            "tenant": "acme",
            "sloth_slo": "availability",
            "severity": "ticket",
            "priority": "P3",
        },
        {
            "alertname": "WebAvailability",
            "tenant": "globex",
            "sloth_slo": "availability",
            "severity": "ticket",
            "priority": "P3",
        },
    ]
    expected = {
        "KubePodCrashLooping/critical": False,
        "KubePodCrashLooping/warning": True,  # chart: critical mutes warning/info of the same alert and namespace
        "KubeQuotaAlmostFull/warning": False,
        "KubeQuotaAlmostFull/info": True,  # chart: warning mutes info
        "InfoInhibitor/none": True,  # chart: any other alert mutes InfoInhibitor itself
        "CPUThrottlingHigh/info": True,  # chart: InfoInhibitor mutes the info alerts of its namespace
        "ApiAvailability/page": False,
        "ApiAvailability/ticket": True,  # Plinth: a page mutes the ticket of the same tenant and SLO
        "WebAvailability/ticket": False,  # ... of the same tenant only
    }
    with running_alertmanager(config, tmp_path) as url:
        post_alerts(url, firing)
        deadline = time.monotonic() + 15
        while (state := inhibited(url)) != expected and time.monotonic() < deadline:
            time.sleep(0.3)
    assert state == expected


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"routes": {"P0": "oncall", "P1": "oncall", "P2": "team"}}, "route every priority; missing P3"),
        ({"routes": {"P0": "nobody", "P1": "oncall", "P2": "team", "P3": "mail"}}, "no receiver named nobody"),
    ],
)
def test_bad_routing_is_rejected(change, message):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=message):
        AlertingSpec.model_validate({**ALERTING, **change})


def test_prometheus_rules_validate_against_the_crd_schema():
    for doc in (AVAILABILITY, LATENCY):
        manifest = gen.prometheus_rule(SloSpec.model_validate(doc), "monitoring", {"release": "kube-prometheus-stack"})
        jsonschema.validate(manifest, schema("monitoring.coreos.com_prometheusrule_v1.json"))


def test_the_schema_check_catches_a_broken_rule():
    manifest = gen.prometheus_rule(SloSpec.model_validate(AVAILABILITY), "monitoring")
    manifest["spec"]["groups"][0]["rules"][0]["record"] = 42
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(manifest, schema("monitoring.coreos.com_prometheusrule_v1.json"))


def test_monitors_validate_against_the_crd_schemas():
    jsonschema.validate(
        monitors.pod_monitor("acme", "tenant-acme", "monitoring"), schema("monitoring.coreos.com_podmonitor_v1.json")
    )
    jsonschema.validate(
        monitors.service_monitor("acme", "tenant-acme", "monitoring"),
        schema("monitoring.coreos.com_servicemonitor_v1.json"),
    )


def test_alertmanager_config_resource_validates_against_the_crd_schema():
    manifest = alertmanager.alertmanager_config_crd(
        AlertingSpec.model_validate(ALERTING), "plinth-slo-routing", "monitoring", {"release": "prom"}
    )
    jsonschema.validate(manifest, schema("monitoring.coreos.com_alertmanagerconfig_v1alpha1.json"))


def test_dashboards_read_the_sloth_recording_rules():
    board = dashboards.tenant_slo_dashboard("acme", [SloSpec.model_validate(AVAILABILITY)])
    exprs = [t["expr"] for p in board["panels"] for t in p.get("targets", [])]
    for metric in (
        "slo:sli_error:ratio_rate5m",
        "slo:current_burn_rate:ratio",
        "slo:period_error_budget_remaining:ratio",
        "slo:error_budget:ratio",
    ):
        assert any(metric in e for e in exprs), metric
    configmap = dashboards.dashboard_configmap("plinth-tenant-acme-slos", "monitoring", board, "acme")
    assert configmap["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert json.loads(configmap["data"]["plinth-tenant-acme-slos.json"])["uid"] == "plinth-tenant-acme"


def test_both_alertmanager_modes_send_the_same_notification_fields():
    """One receiver model, two serialisers: the operator's AlertmanagerConfig keeps every field
    alertmanager.yml has (Slack title/text templates, PagerDuty severity), credentials by reference."""
    spec = AlertingSpec.model_validate(ALERTING)
    files = {r["name"]: r for r in alertmanager.alertmanager_config(spec)["receivers"]}
    crd = {r["name"]: r for r in alertmanager.alertmanager_config_crd(spec, "r", "monitoring", {})["spec"]["receivers"]}
    slack_file, slack_crd = files["team"]["slack_configs"][0], crd["team"]["slackConfigs"][0]
    assert slack_crd["title"] == slack_file["title"] and slack_crd["text"] == slack_file["text"]
    assert slack_crd["apiURL"] == {"name": alertmanager.SECRET_NAME, "key": "team-slack-api-url"}
    assert slack_file["api_url_file"].endswith("/plinth-alertmanager-credentials/team-slack-api-url")
    pd_file, pd_crd = files["oncall"]["pagerduty_configs"][0], crd["oncall"]["pagerdutyConfigs"][0]
    assert pd_crd["severity"] == pd_file["severity"] and "critical" in pd_crd["severity"]
    hook = crd["hook"]["webhookConfigs"][0]["httpConfig"]["authorization"]
    assert hook == {"type": "Bearer", "credentials": {"name": alertmanager.SECRET_NAME, "key": "hook-webhook-token"}}
    assert (
        crd["mail"]["emailConfigs"][0]["requireTLS"] is True
        and crd["mail"]["emailConfigs"][0]["from"] == "am@example.com"
    )
