"""The ``plinth:monitoring`` section: SLOs, alert routing, dashboards and where they run."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from components import conventions
from components.base import DnsLabel, Secret, StrictModel, Text

Priority = Literal["P0", "P1", "P2", "P3"]
PRIORITIES: tuple[str, ...] = ("P0", "P1", "P2", "P3")
AlertName = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Za-z0-9]{2,63}$")]
Query = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
LabelName = Annotated[str, StringConstraints(pattern=r"^[a-zA-Z_][a-zA-Z0-9_]*$")]
TenantRef = Annotated[str, StringConstraints(max_length=conventions.TENANT_ID_MAX, pattern=conventions.TENANT_ID_PATTERN)]
#: Labels Plinth sets itself; an SLO may not override them.
RESERVED_LABELS = frozenset({"sloth_id", "sloth_service", "sloth_slo", "sloth_window", "severity", "priority", "sloth_severity"})


def not_reserved(labels: dict[str, str]) -> dict[str, str]:
    clash = sorted(RESERVED_LABELS & set(labels))
    if clash:
        raise ValueError(f"labels {', '.join(clash)} are set by Plinth")
    return labels


class RatioSli(StrictModel):
    """Errors over total, as PromQL with ``{{.window}}`` where the range goes (Sloth's syntax)."""

    error_query: Query
    total_query: Query

    @field_validator("error_query", "total_query")
    @classmethod
    def _window(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        if "{{.window}}" not in value:
            raise ValueError("must contain the {{.window}} placeholder, e.g. rate(http_requests_total{code=~\"5..\"}[{{.window}}])")
        return value


class LatencySli(StrictModel):
    """Requests slower than a histogram bucket count as errors."""

    bucket_metric: Annotated[str, StringConstraints(pattern=r"^[a-zA-Z_:][a-zA-Z0-9_:]*_bucket$")]
    threshold_seconds: Annotated[float, Field(gt=0)]
    """Must equal one of the histogram's ``le`` bounds (as the client library writes it)."""
    selector: Annotated[str, StringConstraints(max_length=1000)] = ""
    """Label matchers without braces, e.g. ``job="api",route!="/health"``."""

    @field_validator("selector")
    @classmethod
    def _selector(cls, value: str) -> str:
        if value and not re.fullmatch(r'\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"[^"]*"\s*(,\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"[^"]*"\s*)*', value):
            raise ValueError('must be label matchers like job="api",code!="404"')
        return value


class Sli(StrictModel):
    ratio: RatioSli | None = None
    latency: LatencySli | None = None

    @model_validator(mode="after")
    def _one(self) -> "Sli":
        if (self.ratio is None) == (self.latency is None):
            raise ValueError("set exactly one of ratio or latency")
        return self


class SloAlerting(StrictModel):
    name: AlertName
    """Alert name; the page and the ticket alert share it and differ by severity (as in Sloth)."""
    labels: dict[LabelName, Text] = Field(default_factory=dict)
    annotations: dict[LabelName, Text] = Field(default_factory=dict)
    page_priority: Literal["P0", "P1"] = "P1"
    ticket_priority: Literal["P2", "P3"] = "P3"

    _reserved = field_validator("labels")(classmethod(lambda cls, value: not_reserved(value)))


class SloSpec(StrictModel):
    name: DnsLabel
    service: DnsLabel
    tenant: TenantRef | None = None
    description: Text | None = None
    objective: Annotated[float, Field(gt=0, lt=100)]
    """Target percentage of good events, e.g. 99.9."""
    period: Literal["28d", "30d"] = "30d"
    sli: Sli
    alerting: SloAlerting
    labels: dict[LabelName, Text] = Field(default_factory=dict)

    _reserved = field_validator("labels")(classmethod(lambda cls, value: not_reserved(value)))

    @property
    def id(self) -> str:
        return f"{self.service}-{self.name}"

    @property
    def error_budget(self) -> float:
        return round(1 - self.objective / 100, 12)

    @property
    def period_days(self) -> int:
        return int(self.period.rstrip("d"))


class SlackReceiver(StrictModel):
    channel: Annotated[str, StringConstraints(pattern=r"^[#@]?[a-z0-9_.-]{1,80}$")]
    api_url: Secret


class EmailReceiver(StrictModel):
    to: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$")]
    from_: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$")] = Field(alias="from")
    smarthost: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9.-]+:\d{2,5}$")]
    auth_username: Text | None = None
    auth_password: Secret | None = None


class WebhookReceiver(StrictModel):
    url: Annotated[str, StringConstraints(pattern=r"^https://[^\s]+$")]
    """Where alerts are posted (HTTPS); put credentials in bearerToken, not in the URL."""
    bearer_token: Secret | None = None


class PagerDutyReceiver(StrictModel):
    routing_key: Secret


class Receiver(StrictModel):
    name: DnsLabel
    slack: SlackReceiver | None = None
    email: EmailReceiver | None = None
    webhook: WebhookReceiver | None = None
    pagerduty: PagerDutyReceiver | None = None

    @model_validator(mode="after")
    def _one(self) -> "Receiver":
        set_ = [k for k in ("slack", "email", "webhook", "pagerduty") if getattr(self, k) is not None]
        if len(set_) != 1:
            raise ValueError("set exactly one of slack, email, webhook or pagerduty")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in ("slack", "email", "webhook", "pagerduty") if getattr(self, k) is not None)


class AlertingSpec(StrictModel):
    receivers: list[Receiver] = Field(min_length=1)
    routes: dict[Priority, DnsLabel]
    """Receiver per priority; every priority P0-P3 must be routed."""
    group_by: list[LabelName] = Field(default_factory=lambda: ["tenant", "sloth_slo", "alertname"])
    repeat_interval: dict[Priority, Annotated[str, StringConstraints(pattern=r"^\d+[smh]$")]] = Field(
        default_factory=lambda: {"P0": "30m", "P1": "1h", "P2": "4h", "P3": "24h"}
    )

    @model_validator(mode="after")
    def _routes(self) -> "AlertingSpec":
        names = [r.name for r in self.receivers]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"receiver names must be unique: {', '.join(dupes)}")
        missing = [p for p in PRIORITIES if p not in self.routes]
        if missing:
            raise ValueError(f"routes: route every priority; missing {', '.join(missing)}")
        unknown = sorted({r for r in self.routes.values() if r not in names})
        if unknown:
            raise ValueError(f"routes: no receiver named {', '.join(unknown)} (declared: {', '.join(names)})")
        return self


class PrometheusSettings(StrictModel):
    mode: Literal["install", "existing"] = "install"
    """install: a pinned kube-prometheus-stack Helm release; existing: attach to a running Prometheus Operator."""
    chart_version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")] = "75.15.1"
    rule_selector_labels: dict[LabelName, Text] = Field(default_factory=dict)
    """existing mode: labels the operator's ruleSelector matches (e.g. {release: prometheus})."""
    alertmanager_config_selector_labels: dict[LabelName, Text] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _existing(self) -> "PrometheusSettings":
        if self.mode == "existing" and not self.rule_selector_labels:
            raise ValueError("ruleSelectorLabels: required in existing mode (the labels your Prometheus' ruleSelector matches)")
        return self


class CloudAlarmSli(StrictModel):
    """The same SLO measured from CloudWatch metrics (errors and total as metric sums)."""

    namespace: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    error_metric: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    total_metric: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    dimensions: dict[str, Text] = Field(default_factory=dict)


class MonitoringSpec(StrictModel):
    namespace: DnsLabel = conventions.MONITORING_NAMESPACE
    prometheus: PrometheusSettings = Field(default_factory=PrometheusSettings)
    slos: list[SloSpec] = Field(default_factory=list)
    alerting: AlertingSpec | None = None
    dashboards: bool = True
    cloudwatch: dict[DnsLabel, CloudAlarmSli] = Field(default_factory=dict)
    """SLO name -> CloudWatch metrics: the SLO also becomes CloudWatch alarms (AWS stacks)."""

    @model_validator(mode="after")
    def _unique(self) -> "MonitoringSpec":
        ids = [s.id for s in self.slos]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"slos: duplicate SLO {', '.join(dupes)} (service and name must be unique together)")
        unknown = sorted(set(self.cloudwatch) - {s.name for s in self.slos})
        if unknown:
            raise ValueError(f"cloudwatch: no SLO named {', '.join(unknown)}")
        return self
