"""Alertmanager routing from the alerting spec: P0-P3 routes, grouping, page-inhibits-ticket.

Credentials never enter the configuration: receivers read them from files (``*_file`` fields)
that Kubernetes mounts from a Secret, or, for the Prometheus Operator's AlertmanagerConfig,
from ``secretKeyRef``s. Pure functions.
"""

from __future__ import annotations

from typing import Any

from components.base import Secret
from components.monitoring.spec import PRIORITIES, AlertingSpec, Receiver

#: Where kube-prometheus-stack mounts ``alertmanagerSpec.secrets`` entries.
SECRETS_DIR = "/etc/alertmanager/secrets"
SECRET_NAME = "plinth-alertmanager-credentials"
NULL_RECEIVER = "null"


def _key(receiver: Receiver, field: str) -> str:
    return f"{receiver.name}-{field}"


def secret_values(spec: AlertingSpec) -> dict[str, Secret]:
    """Secret key -> value: what goes into the Kubernetes Secret the receivers read."""
    out: dict[str, Secret] = {}
    for r in spec.receivers:
        if r.slack:
            out[_key(r, "slack-api-url")] = r.slack.api_url
        elif r.email and r.email.auth_password is not None:
            out[_key(r, "email-password")] = r.email.auth_password
        elif r.webhook and r.webhook.bearer_token is not None:
            out[_key(r, "webhook-token")] = r.webhook.bearer_token
        elif r.pagerduty:
            out[_key(r, "pagerduty-routing-key")] = r.pagerduty.routing_key
    return out


def _receiver(r: Receiver, secrets_dir: str) -> dict[str, Any]:
    path = lambda field: f"{secrets_dir}/{SECRET_NAME}/{_key(r, field)}"  # noqa: E731
    if r.slack:
        return {"name": r.name, "slack_configs": [{"api_url_file": path("slack-api-url"), "channel": r.slack.channel, "send_resolved": True,
                                                    "title": '{{ template "slack.default.title" . }}', "text": '{{ template "slack.default.text" . }}'}]}
    if r.email:
        cfg: dict[str, Any] = {"to": r.email.to, "from": r.email.from_, "smarthost": r.email.smarthost, "send_resolved": True, "require_tls": True}
        if r.email.auth_username:
            cfg["auth_username"] = r.email.auth_username
        if r.email.auth_password is not None:
            cfg["auth_password_file"] = path("email-password")
        return {"name": r.name, "email_configs": [cfg]}
    if r.webhook:
        cfg = {"url": r.webhook.url, "send_resolved": True}
        if r.webhook.bearer_token is not None:
            cfg["http_config"] = {"authorization": {"type": "Bearer", "credentials_file": path("webhook-token")}}
        return {"name": r.name, "webhook_configs": [cfg]}
    return {"name": r.name, "pagerduty_configs": [{"routing_key_file": path("pagerduty-routing-key"), "send_resolved": True,
                                                   "severity": '{{ if eq .CommonLabels.severity "page" }}critical{{ else }}warning{{ end }}'}]}


def alertmanager_config(spec: AlertingSpec, secrets_dir: str = SECRETS_DIR) -> dict[str, Any]:
    """A complete Alertmanager configuration (``alertmanager.yml``) without any credential in it."""
    routes = [
        {
            "receiver": spec.routes[p],
            "matchers": [f'priority="{p}"'],
            "group_wait": "10s" if p in ("P0", "P1") else "1m",
            "repeat_interval": spec.repeat_interval.get(p, "4h"),
            "continue": False,
        }
        for p in PRIORITIES
    ]
    return {
        "global": {"resolve_timeout": "5m"},
        "route": {
            "receiver": spec.routes["P3"],
            "group_by": list(spec.group_by),
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "12h",
            # Prometheus' always-firing Watchdog proves the pipeline works; never page on it.
            "routes": [{"receiver": NULL_RECEIVER, "matchers": ['alertname="Watchdog"']}, *routes],
        },
        "inhibit_rules": [
            {"source_matchers": ['severity="page"'], "target_matchers": ['severity="ticket"'], "equal": ["tenant", "sloth_slo"]},
        ],
        "receivers": [{"name": NULL_RECEIVER}, *(_receiver(r, secrets_dir) for r in spec.receivers)],
    }


def alertmanager_config_crd(spec: AlertingSpec, name: str, namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    """The same routing as a ``monitoring.coreos.com/v1alpha1`` AlertmanagerConfig (existing operators)."""

    def ref(r: Receiver, field: str) -> dict[str, Any]:
        return {"name": SECRET_NAME, "key": _key(r, field)}

    receivers = []
    for r in spec.receivers:
        if r.slack:
            receivers.append({"name": r.name, "slackConfigs": [{"apiURL": ref(r, "slack-api-url"), "channel": r.slack.channel, "sendResolved": True}]})
        elif r.email:
            cfg: dict[str, Any] = {"to": r.email.to, "from": r.email.from_, "smarthost": r.email.smarthost, "sendResolved": True, "requireTLS": True}
            if r.email.auth_username:
                cfg["authUsername"] = r.email.auth_username
            if r.email.auth_password is not None:
                cfg["authPassword"] = ref(r, "email-password")
            receivers.append({"name": r.name, "emailConfigs": [cfg]})
        elif r.webhook:
            cfg = {"url": r.webhook.url, "sendResolved": True}
            if r.webhook.bearer_token is not None:
                cfg["httpConfig"] = {"authorization": {"type": "Bearer", "credentials": ref(r, "webhook-token")}}
            receivers.append({"name": r.name, "webhookConfigs": [cfg]})
        else:
            receivers.append({"name": r.name, "pagerdutyConfigs": [{"routingKey": ref(r, "pagerduty-routing-key"), "sendResolved": True}]})
    return {
        "apiVersion": "monitoring.coreos.com/v1alpha1",
        "kind": "AlertmanagerConfig",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {
            "route": {
                "receiver": spec.routes["P3"],
                "groupBy": list(spec.group_by),
                "groupWait": "30s",
                "groupInterval": "5m",
                "repeatInterval": "12h",
                "routes": [
                    {"receiver": spec.routes[p], "matchers": [{"name": "priority", "value": p, "matchType": "="}],
                     "repeatInterval": spec.repeat_interval.get(p, "4h"), "continue": False}
                    for p in PRIORITIES
                ],
            },
            "inhibitRules": [
                {"sourceMatch": [{"name": "severity", "value": "page", "matchType": "="}],
                 "targetMatch": [{"name": "severity", "value": "ticket", "matchType": "="}], "equal": ["tenant", "sloth_slo"]}
            ],
            "receivers": receivers,
        },
    }
