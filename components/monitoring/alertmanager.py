"""Alertmanager routing from the alerting spec: P0-P3 routes, grouping, page-inhibits-ticket.

Credentials never enter the configuration: receivers read them from files (``*_file`` fields)
that Kubernetes mounts from a Secret, or, for the Prometheus Operator's AlertmanagerConfig,
from ``secretKeyRef``s. Pure functions.

File fields used and the Alertmanager release that introduced them: ``api_url_file`` (slack,
0.22), ``auth_password_file`` (email, 0.25), ``routing_key_file`` (pagerduty, 0.25),
``http_config.authorization.credentials_file`` (webhook, 0.22). Webhook URLs stay inline
(``url_file`` needs 0.26+), so a webhook's credential belongs in ``bearerToken``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlsplit

from pydantic.alias_generators import to_camel

from components.base import Secret
from components.monitoring.spec import PRIORITIES, AlertingSpec, Receiver

#: Where kube-prometheus-stack mounts ``alertmanagerSpec.secrets`` entries: /etc/alertmanager/secrets/<secret>/<key>.
SECRETS_DIR = "/etc/alertmanager/secrets"
SECRET_NAME = "plinth-alertmanager-credentials"
NULL_RECEIVER = "null"
#: Always-firing alerts of kube-prometheus-stack that exist to prove the pipeline; never notify.
SILENT_ALERTS = ("Watchdog", "InfoInhibitor")
PAGE_PRIORITIES = ("P0", "P1")
#: Plinth's own inhibition: a page mutes the ticket of the same tenant and SLO.
PAGE_INHIBITS_TICKET: dict[str, Any] = {
    "source_matchers": ['severity="page"'],
    "target_matchers": ['severity="ticket"'],
    "equal": ["tenant", "sloth_slo"],
}
#: The inhibitions kube-prometheus-stack configures by default (``alertmanager.config.inhibit_rules``
#: in charts/kube-prometheus-stack/values.yaml): three since prometheus-community/helm-charts#2115
#: (after kube-prometheus' alertmanager.libsonnet), the fourth since #3964 (chart 55.5.0), and the
#: same four in the chart's values today, so in the pinned 75.15.1.
#: Helm merges maps but replaces lists, so setting ``inhibit_rules`` drops them unless repeated:
#: a critical alert mutes the warning/info alert of the same name and namespace, a warning mutes
#: the info alert, the always-firing ``InfoInhibitor`` mutes the info alerts of its namespace, and
#: any other alert mutes ``InfoInhibitor`` itself.
CHART_INHIBIT_RULES: tuple[dict[str, Any], ...] = (
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
    {"source_matchers": ['alertname="InfoInhibitor"'], "target_matchers": ['severity="info"'], "equal": ["namespace"]},
    {"target_matchers": ['alertname="InfoInhibitor"']},
)


def _key(receiver: Receiver, field: str) -> str:
    return f"{receiver.name}-{field}"


def secret_files(spec: AlertingSpec) -> dict[str, Secret]:
    """File name (= key of the Kubernetes Secret) -> credential, for every credential a receiver reads."""
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


#: HTTPS: Slack, PagerDuty's Events API and webhooks without an explicit port.
HTTPS_PORT = 443


def receiver_ports(spec: AlertingSpec | None) -> list[int]:
    """TCP ports Alertmanager connects to on the internet for ``spec``'s receivers: 443 for Slack,
    PagerDuty and webhooks (or a webhook URL's own port), each e-mail smarthost's port."""
    ports: set[int] = set()
    for r in spec.receivers if spec is not None else []:
        if r.email:
            ports.add(int(r.email.smarthost.rsplit(":", 1)[1]))
        elif r.webhook:
            ports.add(urlsplit(r.webhook.url).port or HTTPS_PORT)
        else:
            ports.add(HTTPS_PORT)
    return sorted(ports)


#: Former name of :func:`secret_files` (the MonitoringStack component uses it).
secret_values = secret_files


@dataclass(frozen=True)
class Credential:
    """A credential field of a receiver: the key of the Kubernetes Secret (and file) that holds it."""

    key: str


def receiver_model(r: Receiver) -> tuple[str, dict[str, Any]]:
    """One receiver as ``(config list name, fields)`` in Alertmanager's own (snake_case) terms.

    Credentials are :class:`Credential` markers; the two serialisers below turn them into files
    (``alertmanager.yml``) or ``secretKeyRef``s (the operator's AlertmanagerConfig), so both modes
    send exactly the same notifications.
    """
    if r.slack:
        return "slack_configs", {
            "api_url": Credential(_key(r, "slack-api-url")),
            "channel": r.slack.channel,
            "send_resolved": True,
            "title": '{{ template "slack.default.title" . }}',
            "text": '{{ template "slack.default.text" . }}',
        }
    if r.email:
        cfg: dict[str, Any] = {
            "to": r.email.to,
            "from": r.email.from_,
            "smarthost": r.email.smarthost,
            "send_resolved": True,
            "require_tls": True,
        }
        if r.email.auth_username:
            cfg["auth_username"] = r.email.auth_username
        if r.email.auth_password is not None:
            cfg["auth_password"] = Credential(_key(r, "email-password"))
        return "email_configs", cfg
    if r.webhook:
        cfg = {"url": r.webhook.url, "send_resolved": True}
        if r.webhook.bearer_token is not None:
            cfg["http_config"] = {
                "authorization": {"type": "Bearer", "credentials": Credential(_key(r, "webhook-token"))}
            }
        return "webhook_configs", cfg
    assert r.pagerduty is not None
    return "pagerduty_configs", {
        "routing_key": Credential(_key(r, "pagerduty-routing-key")),
        "send_resolved": True,
        "severity": '{{ if eq .CommonLabels.severity "page" }}critical{{ else }}warning{{ end }}',
    }


def _as_files(value: Any, secrets_dir: str, plaintext: Mapping[str, str] | None, receiver: str) -> Any:
    """alertmanager.yml form: a credential ``x`` becomes ``x_file`` (or the plaintext, when given)."""
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, Credential):
            if plaintext is None:
                out[f"{key}_file"] = f"{secrets_dir.rstrip('/')}/{SECRET_NAME}/{item.key}"
            elif item.key not in plaintext:
                raise ValueError(
                    f"secret_values has no {item.key!r} (receiver {receiver!r}); pass every key of secret_files(spec)"
                )
            else:
                out[key] = plaintext[item.key]
        else:
            out[key] = _as_files(item, secrets_dir, plaintext, receiver)
    return out


#: Alertmanager field names whose AlertmanagerConfig (CRD) spelling is not plain camelCase.
_CRD_NAMES = {"api_url": "apiURL", "require_tls": "requireTLS"}


def _as_crd(value: Any, secret_name: str) -> Any:
    """AlertmanagerConfig form: camelCase keys, credentials as ``secretKeyRef`` objects."""
    if isinstance(value, Credential):
        return {"name": secret_name, "key": value.key}
    if not isinstance(value, dict):
        return value
    return {_CRD_NAMES.get(k) or to_camel(k): _as_crd(v, secret_name) for k, v in value.items()}


def _receiver(r: Receiver, secrets_dir: str, plaintext: Mapping[str, str] | None) -> dict[str, Any]:
    kind, fields = receiver_model(r)
    return {"name": r.name, kind: [_as_files(fields, secrets_dir, plaintext, r.name)]}


def alertmanager_config(
    spec: AlertingSpec, secret_values: Mapping[str, str] | None = None, *, secrets_dir: str = SECRETS_DIR
) -> dict[str, Any]:
    """A complete Alertmanager configuration (``alertmanager.yml``).

    Without ``secret_values`` (the default, what Plinth deploys) the configuration holds no
    credential: receivers read ``<secrets_dir>/<SECRET_NAME>/<file>`` for every file of
    :func:`secret_files`. With ``secret_values`` (file name -> plaintext) credentials are written
    inline, for a self-contained file that must itself be stored as a secret.

    Routing: a child route per priority (``priority="P0"`` ... ``"P3"``, ``continue: false``),
    pages wait 10s before the first notification and tickets 1m; unlabelled alerts (e.g. the
    chart's own rules) go to the P3 receiver; a page inhibits the ticket of the same tenant/SLO,
    next to the chart's default inhibitions (:data:`CHART_INHIBIT_RULES`), which this list would
    otherwise replace.
    """
    routes = [
        {
            "receiver": spec.routes[p],
            "matchers": [f'priority="{p}"'],
            "group_wait": "10s" if p in PAGE_PRIORITIES else "1m",
            "group_interval": "5m",
            "repeat_interval": spec.repeat_interval[p],
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
            "routes": [
                {"receiver": NULL_RECEIVER, "matchers": [f'alertname=~"{"|".join(SILENT_ALERTS)}"'], "continue": False},
                *routes,
            ],
        },
        "inhibit_rules": [copy.deepcopy(rule) for rule in CHART_INHIBIT_RULES] + [copy.deepcopy(PAGE_INHIBITS_TICKET)],
        "receivers": [{"name": NULL_RECEIVER}, *(_receiver(r, secrets_dir, secret_values) for r in spec.receivers)],
    }


def alertmanager_config_crd(
    spec: AlertingSpec,
    name: str,
    namespace: str,
    labels: Mapping[str, str] | None = None,
    *,
    secret_name: str = SECRET_NAME,
) -> dict[str, Any]:
    """The same routing as a ``monitoring.coreos.com/v1alpha1`` AlertmanagerConfig (existing operators).

    Credentials are ``secretKeyRef``s to ``secret_name`` (keys = :func:`secret_files`), which must
    live in ``namespace``. The operator adds ``namespace="<namespace>"`` to this config's top
    route, which is why :func:`components.monitoring.slo.prometheus_rule` labels alerts with it.
    """

    receivers = []
    for r in spec.receivers:
        kind, fields = receiver_model(r)
        receivers.append({"name": r.name, to_camel(kind): [_as_crd(fields, secret_name)]})
    return {
        "apiVersion": "monitoring.coreos.com/v1alpha1",
        "kind": "AlertmanagerConfig",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(labels or {})},
        "spec": {
            "route": {
                "receiver": spec.routes["P3"],
                "groupBy": list(spec.group_by),
                "groupWait": "30s",
                "groupInterval": "5m",
                "repeatInterval": "12h",
                "routes": [
                    {
                        "receiver": spec.routes[p],
                        "matchers": [{"name": "priority", "value": p, "matchType": "="}],
                        "groupWait": "10s" if p in PAGE_PRIORITIES else "1m",
                        "groupInterval": "5m",
                        "repeatInterval": spec.repeat_interval[p],
                        "continue": False,
                    }
                    for p in PRIORITIES
                ],
            },
            "inhibitRules": [
                {
                    "sourceMatch": [{"name": "severity", "value": "page", "matchType": "="}],
                    "targetMatch": [{"name": "severity", "value": "ticket", "matchType": "="}],
                    "equal": ["tenant", "sloth_slo"],
                }
            ],
            "receivers": receivers,
        },
    }
