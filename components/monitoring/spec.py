"""The ``plinth:monitoring`` section: SLOs, alert routing, dashboards and where they run.

Pure pydantic models (no Pulumi). Every error names its key path (pydantic ``loc``) and, where
there is one, the fix. The rules generated from these models live in :mod:`.slo`, routing in
:mod:`.alertmanager`, dashboards in :mod:`.dashboards`.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator
from pydantic.alias_generators import to_camel

from components import conventions
from components.base import DnsLabel, Secret, StrictModel, Text
from components.cluster import KubernetesSettings

Priority = Literal["P0", "P1", "P2", "P3"]
PRIORITIES: tuple[Priority, ...] = ("P0", "P1", "P2", "P3")
#: Alert names: CamelCase, as Prometheus alerting conventions and Sloth examples use.
AlertName = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Za-z0-9]{2,63}$")]
Query = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
#: Prometheus label names; names starting with ``__`` are reserved for Prometheus itself.
LabelName = Annotated[str, StringConstraints(pattern=r"^([a-zA-Z][a-zA-Z0-9_]*|_([a-zA-Z0-9][a-zA-Z0-9_]*)?)$")]
#: Alertmanager durations, e.g. ``30m``, ``1h30m``, ``4h``.
Duration = Annotated[str, StringConstraints(pattern=r"^([0-9]+(ms|s|m|h|d|w|y))+$")]
TenantRef = Annotated[
    str, StringConstraints(max_length=conventions.TENANT_ID_MAX, pattern=conventions.TENANT_ID_PATTERN)
]
#: Labels Plinth sets itself (Sloth's labels, routing labels); an SLO may not override them.
RESERVED_LABELS = frozenset(
    {
        "sloth_id",
        "sloth_service",
        "sloth_slo",
        "sloth_window",
        "sloth_severity",
        "sloth_mode",
        "sloth_version",
        "sloth_spec",
        "sloth_objective",
        "severity",
        "priority",
        "tenant",
        "namespace",
    }
)
#: Period -> days. Sloth ships window catalogues (Google SRE workbook) for these two only.
PERIOD_DAYS: dict[str, int] = {"28d": 28, "30d": 30}
#: Default Alertmanager repeat interval per priority.
DEFAULT_REPEAT: dict[Priority, str] = {"P0": "30m", "P1": "1h", "P2": "4h", "P3": "24h"}
WINDOW_PLACEHOLDER = "{{.window}}"
#: Highest objective: 99.9999 % leaves a budget of 1e-6; beyond it the budget rounds to nothing.
MAX_OBJECTIVE = 99.9999


def promql_problem(query: str) -> str | None:
    """Why ``query`` cannot be PromQL (unbalanced brackets or quotes), or None.

    A cheap early check so a typo fails at config load, not in the operator's admission webhook;
    promtool in the tests is the real parser.
    """
    closing = {")": "(", "]": "[", "}": "{"}
    opened: list[str] = []
    quote: str | None = None
    i = 0
    while i < len(query):
        c = query[i]
        if quote:
            if c == "\\" and quote != "`":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'`":
            quote = c
        elif c in "([{":
            opened.append(c)
        elif c in closing:
            if not opened or opened.pop() != closing[c]:
                return f"has an unmatched {c!r}"
        i += 1
    if quote:
        return f"has an unterminated {quote} string"
    if opened:
        return f"has an unclosed {opened[-1]!r}"
    return None


#: What a ``{{ ... }}`` action in an alert's labels, annotations or description may say: a label,
#: an external label or the value, optionally piped through Prometheus' formatting functions
#: (https://prometheus.io/docs/prometheus/latest/configuration/template_reference/). Prometheus
#: expands alert labels and annotations as Go templates, so anything else that opens ``{{`` fails
#: to load (the operator's admission webhook rejects the rule at ``pulumi up``).
_TEMPLATE_FIELD = r"(\$labels\.[a-zA-Z_][a-zA-Z0-9_]*|\$externalLabels\.[a-zA-Z_][a-zA-Z0-9_]*|\$value|\.Value)"
_TEMPLATE_FUNCTION = (
    r"(humanize|humanize1024|humanizeDuration|humanizePercentage|humanizeTimestamp|title|toUpper|toLower)"
)
_TEMPLATE_ACTION = re.compile(r"\{\{-?\s*" + _TEMPLATE_FIELD + r"(\s*\|\s*" + _TEMPLATE_FUNCTION + r")*\s*-?\}\}")


def template_problem(value: str) -> str | None:
    """Why ``value`` would not load as a Prometheus alert template, or None."""
    for match in re.finditer(r"\{\{", value):
        if not _TEMPLATE_ACTION.match(value, match.start()):
            end = value.find("}}", match.start())
            action = value[match.start() : end + 2] if end >= 0 else value[match.start() :]
            return (
                f"{action!r} is not a template Plinth accepts: use {{{{ $labels.<name> }}}}, "
                "{{ $externalLabels.<name> }} or {{ $value }}, optionally | humanize (and the like)"
            )
    return None


def _template(value: str) -> str:
    problem = template_problem(value)
    if problem:
        raise ValueError(problem)
    return value


#: Text Prometheus expands as a template: alert labels, annotations and the SLO's description.
TemplateText = Annotated[Text, AfterValidator(_template)]


def _reserved_labels(value: dict[str, str]) -> dict[str, str]:
    clash = sorted(RESERVED_LABELS & set(value))
    if clash:
        hint = " (set the SLO's tenant field instead)" if "tenant" in clash else ""
        raise ValueError(f"labels {', '.join(clash)} are set by Plinth{hint}")
    return value


def _windowed_query(value: str) -> str:
    """A PromQL query in Sloth's syntax: ``{{.window}}`` where the range goes, nothing else templated."""
    if not value.strip():
        raise ValueError("must not be empty")
    if WINDOW_PLACEHOLDER not in value:
        raise ValueError(
            'must contain the {{.window}} placeholder, e.g. rate(http_requests_total{code=~"5.."}[{{.window}}])'
        )
    if re.search(r"\{\{(?!\.window\}\})", value):
        raise ValueError("uses a template placeholder other than {{.window}}")
    problem = promql_problem(value.replace(WINDOW_PLACEHOLDER, "5m"))
    if problem:
        raise ValueError(f"is not PromQL: it {problem}")
    return value


class RatioSli(StrictModel):
    """Errors over total, as PromQL with ``{{.window}}`` where the range goes (Sloth's syntax)."""

    error_query: Query
    """Rate of bad events, e.g. ``sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))``."""
    total_query: Query
    """Rate of all events, e.g. ``sum(rate(http_requests_total[{{.window}}]))``."""

    @field_validator("error_query", "total_query")
    @classmethod
    def _window(cls, value: str) -> str:
        return _windowed_query(value)


class RawSli(StrictModel):
    """Sloth's ``sli.raw``: one query that already is the error ratio (0 to 1) over ``{{.window}}``."""

    error_ratio_query: Query
    """e.g. ``sum(rate(errors_total[{{.window}}])) / sum(rate(requests_total[{{.window}}]))``. It must
    return 0, not nothing, while there are no errors (``(errors or on() vector(0)) / total``): an
    empty result reads as a missing SLI and fires the SLIAbsent alert."""

    @field_validator("error_ratio_query")
    @classmethod
    def _window(cls, value: str) -> str:
        return _windowed_query(value)


class LatencySli(StrictModel):
    """Requests slower than a histogram bucket count as errors."""

    bucket_metric: Annotated[str, StringConstraints(pattern=r"^[a-zA-Z_:][a-zA-Z0-9_:]*_bucket$")]
    """A classic histogram's ``*_bucket`` series; its ``*_count`` series is the total."""
    threshold_seconds: Annotated[float, Field(gt=0, lt=1e6, allow_inf_nan=False)]
    """Must equal one of the histogram's ``le`` bounds, e.g. 0.3 for ``le="0.3"``. Whole numbers
    match both spellings in use (``le="1"`` from Go clients, ``le="1.0"`` from Python clients and
    Prometheus 3's normalised labels)."""
    selector: Annotated[str, StringConstraints(max_length=1000)] = ""
    """Label matchers without braces, e.g. ``job="api",route!="/health"``."""

    @field_validator("selector")
    @classmethod
    def _selector(cls, value: str) -> str:
        matcher = r'\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"([^"\\]|\\.)*"\s*'
        if value and not re.fullmatch(f"{matcher}(,{matcher})*", value):
            raise ValueError('must be label matchers like job="api",code!="404"')
        if re.search(r"(^|,)\s*le\s*(=|!=|=~|!~)", value):
            raise ValueError("must not match on le: Plinth selects the bucket from thresholdSeconds")
        return value


SLI_KINDS: tuple[str, ...] = ("ratio", "latency", "raw")


class Sli(StrictModel):
    ratio: RatioSli | None = None
    latency: LatencySli | None = None
    raw: RawSli | None = None

    @model_validator(mode="after")
    def _one(self) -> "Sli":
        if sum(getattr(self, kind) is not None for kind in SLI_KINDS) != 1:
            raise ValueError("set exactly one of ratio, latency or raw")
        return self


class AlertOptions(StrictModel):
    """Sloth's ``pageAlert`` / ``ticketAlert``: switch one burn-rate alert off, or add to it alone."""

    disable: bool = False
    """No rule for this alert (Sloth's ``disable``)."""
    labels: dict[LabelName, TemplateText] = Field(default_factory=dict)
    """Labels of this alert only, on top of ``alerting.labels``."""
    annotations: dict[LabelName, TemplateText] = Field(default_factory=dict)
    """Annotations of this alert only (Prometheus templates such as ``{{ $labels.tenant }}`` work)."""

    @field_validator("labels")
    @classmethod
    def _reserved(cls, value: dict[str, str]) -> dict[str, str]:
        return _reserved_labels(value)


class SloAlerting(StrictModel):
    name: AlertName | None = None
    """Alert name; the page and the ticket alert share it and differ by severity (as in Sloth).
    Required unless both alerts are disabled."""
    labels: dict[LabelName, TemplateText] = Field(default_factory=dict)
    annotations: dict[LabelName, TemplateText] = Field(default_factory=dict)
    """Annotations of every alert of the SLO; they override the templated ``title``/``summary``."""
    page_priority: Literal["P0", "P1"] = "P1"
    ticket_priority: Literal["P2", "P3"] = "P3"
    page_alert: AlertOptions = Field(default_factory=AlertOptions)
    """Sloth's ``pageAlert``: options of the page alert alone."""
    ticket_alert: AlertOptions = Field(default_factory=AlertOptions)
    """Sloth's ``ticketAlert``: options of the ticket alert alone."""

    @field_validator("labels")
    @classmethod
    def _reserved(cls, value: dict[str, str]) -> dict[str, str]:
        return _reserved_labels(value)

    @model_validator(mode="after")
    def _named(self) -> "SloAlerting":
        if self.name is None and self.severities:
            raise ValueError("name: required while the page or the ticket alert is enabled")
        return self

    @property
    def severities(self) -> tuple[str, ...]:
        """The burn-rate alerts that exist: ``page``, ``ticket``, both or none."""
        return tuple(
            sev for sev, opts in (("page", self.page_alert), ("ticket", self.ticket_alert)) if not opts.disable
        )

    def options(self, severity: str) -> AlertOptions:
        return self.page_alert if severity == "page" else self.ticket_alert


class SloSpec(StrictModel):
    name: DnsLabel
    service: DnsLabel
    tenant: TenantRef | None = None
    """The Plinth tenant the SLO belongs to; becomes the ``tenant`` label of every rule."""
    description: TemplateText | None = None
    objective: Annotated[float, Field(gt=0, lt=100, allow_inf_nan=False)]
    """Target percentage of good events, strictly between 0 and 100 (at most 99.9999), e.g. 99.9."""
    period: Literal["28d", "30d"] = "30d"
    sli: Sli
    alerting: SloAlerting
    labels: dict[LabelName, TemplateText] = Field(default_factory=dict)
    """Labels of every rule (the alerts' too, where Prometheus reads them as templates)."""

    @field_validator("labels")
    @classmethod
    def _reserved(cls, value: dict[str, str]) -> dict[str, str]:
        return _reserved_labels(value)

    @field_validator("objective")
    @classmethod
    def _budget(cls, value: float) -> float:
        if value > MAX_OBJECTIVE:
            raise ValueError(f"{value:g} leaves (almost) no error budget to alert on; use at most {MAX_OBJECTIVE:g}")
        return value

    @property
    def id(self) -> str:
        """Sloth's SLO id: ``<service>-<name>``."""
        return f"{self.service}-{self.name}"

    @property
    def error_budget(self) -> float:
        """Allowed error ratio, e.g. 0.001 for 99.9 (rounded so 99.9 gives 0.001, not 0.000999...)."""
        return round(1 - self.objective / 100, 12)

    @property
    def period_days(self) -> int:
        return PERIOD_DAYS[self.period]


class SlackReceiver(StrictModel):
    channel: Annotated[str, StringConstraints(pattern=r"^[#@]?[a-z0-9_.-]{1,80}$")]
    api_url: Secret
    """The incoming-webhook URL (it is the credential): a ``secure:`` value."""


class EmailReceiver(StrictModel):
    to: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$")]
    from_: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$")] = Field(alias="from")
    smarthost: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9.-]+:\d{2,5}$")]
    auth_username: Text | None = None
    auth_password: Secret | None = None

    @model_validator(mode="after")
    def _auth(self) -> "EmailReceiver":
        if self.auth_password is not None and self.auth_username is None:
            raise ValueError("authPassword is set without authUsername: set both or neither")
        return self


class WebhookReceiver(StrictModel):
    url: Annotated[str, StringConstraints(pattern=r"^https://[^\s@]+$")]
    """Where alerts are posted (HTTPS, no credentials in it); put the credential in bearerToken."""
    bearer_token: Secret | None = None


class PagerDutyReceiver(StrictModel):
    routing_key: Secret
    """The Events API v2 integration (routing) key: a ``secure:`` value."""


RECEIVER_TYPES: tuple[str, ...] = ("slack", "email", "webhook", "pagerduty")


class Receiver(StrictModel):
    """A named destination; its type is the one key set among slack, email, webhook, pagerduty."""

    name: DnsLabel
    slack: SlackReceiver | None = None
    email: EmailReceiver | None = None
    webhook: WebhookReceiver | None = None
    pagerduty: PagerDutyReceiver | None = None

    @model_validator(mode="after")
    def _one(self) -> "Receiver":
        set_ = [k for k in RECEIVER_TYPES if getattr(self, k) is not None]
        if len(set_) != 1:
            raise ValueError(
                f"receiver {self.name!r}: set exactly one of slack, email, webhook or pagerduty (found {len(set_)})"
            )
        return self

    @property
    def kind(self) -> str:
        return next(k for k in RECEIVER_TYPES if getattr(self, k) is not None)


class AlertingSpec(StrictModel):
    receivers: list[Receiver] = Field(min_length=1)
    routes: dict[Priority, DnsLabel]
    """Receiver per priority; every priority P0-P3 must be routed."""
    group_by: list[LabelName] = Field(default_factory=lambda: ["tenant", "sloth_slo", "alertname"], min_length=1)
    repeat_interval: dict[Priority, Duration] = Field(default_factory=lambda: dict(DEFAULT_REPEAT))
    """How often a still-firing alert is re-sent, per priority; priorities left out keep the
    default (P0 30m, P1 1h, P2 4h, P3 24h)."""

    @field_validator("repeat_interval")
    @classmethod
    def _repeat(cls, value: dict[Priority, str]) -> dict[Priority, str]:
        return {**DEFAULT_REPEAT, **value}

    @field_validator("group_by")
    @classmethod
    def _group_by(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("lists a label twice")
        return value

    @model_validator(mode="after")
    def _routes(self) -> "AlertingSpec":
        names = [r.name for r in self.receivers]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"receivers: names must be unique; {', '.join(dupes)} declared twice")
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
    """kube-prometheus-stack chart version (install mode); pinned, never 'latest'."""
    rule_selector_labels: dict[LabelName, Text] = Field(default_factory=dict)
    """existing mode: labels the operator's ruleSelector matches (e.g. {release: prometheus})."""
    alertmanager_config_selector_labels: dict[LabelName, Text] = Field(default_factory=dict)
    """existing mode: labels the Alertmanager's alertmanagerConfigSelector matches."""

    @model_validator(mode="after")
    def _existing(self) -> "PrometheusSettings":
        if self.mode == "existing" and not self.rule_selector_labels:
            raise ValueError(
                "ruleSelectorLabels: required in existing mode (the labels your Prometheus' ruleSelector matches)"
            )
        if self.mode == "install" and (self.rule_selector_labels or self.alertmanager_config_selector_labels):
            raise ValueError(
                "ruleSelectorLabels/alertmanagerConfigSelectorLabels only apply to mode: existing "
                "(the installed chart selects every rule)"
            )
        return self


#: A Kubernetes object name that is a DNS-1123 subdomain (Secrets, ConfigMaps).
SubdomainName = Annotated[
    str,
    StringConstraints(max_length=253, pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"),
]


class GrafanaSettings(StrictModel):
    """Grafana's admin login (install mode): never a chart default."""

    admin_secret: SubdomainName | None = None
    """An existing Secret in the monitoring namespace with keys ``admin-user`` and ``admin-password``.
    Unset: Plinth generates a password (a Pulumi secret) into the Secret ``plinth-grafana-admin``."""


def _cidr(value: str) -> str:
    try:
        return str(ipaddress.ip_network(value, strict=True))
    except ValueError as err:
        raise ValueError(f"not a CIDR block ({err}); write e.g. 10.0.0.0/16") from None


Cidr = Annotated[str, AfterValidator(_cidr)]
#: RFC 1918 private ranges: where nodes and (on most managed clusters) API server endpoints live.
PRIVATE_RANGES: tuple[str, ...] = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
#: Addresses that are not the public internet, per family: RFC 1918 and RFC 6598 shared space
#: (100.64/10, used for pods by some CNIs), RFC 4193 unique-local IPv6.
NON_PUBLIC: dict[int, tuple[str, ...]] = {4: (*PRIVATE_RANGES, "100.64.0.0/10"), 6: ("fc00::/7",)}


class NetworkSettings(StrictModel):
    """Where the monitoring namespace's pods may connect outside the cluster network (install mode)."""

    node_cidrs: list[Cidr] = Field(default_factory=lambda: list(PRIVATE_RANGES), min_length=1)
    """Node addresses: Prometheus scrapes the kubelet (10250) and node-exporter (9100) there."""
    api_server_cidrs: list[Cidr] = Field(default_factory=lambda: list(PRIVATE_RANGES), min_length=1)
    """API server endpoints (``kubectl get endpoints kubernetes``): reached on 443/6443, and calling
    the operator's admission webhook. Public endpoints (GKE/AKS public clusters) must be listed."""
    receiver_cidrs: list[Cidr] = Field(default_factory=list)
    """Private destinations Alertmanager may reach on its receivers' ports (an internal SMTP relay or
    webhook). Public addresses are always allowed; private ranges are not unless listed here."""


_QUANTITY = re.compile(r"^(\d+(\.\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")
_QUANTITY_FACTOR = {
    None: 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
}  # fmt: skip


def quantity(value: str) -> float:
    """A Kubernetes quantity (``500m``, ``2``, ``32Gi``) as a number; ValueError if it is not one."""
    match = _QUANTITY.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a Kubernetes quantity such as 500m, 4 or 16Gi")
    return float(match.group(1)) * _QUANTITY_FACTOR[match.group(3)]


def _quantity(value: str) -> str:
    quantity(value)
    return value


Quantity = Annotated[str, AfterValidator(_quantity)]
#: What the chart's pods request together with the LimitRange's defaults (about 0.8 CPU and 1.1 GiB:
#: operator, Prometheus, Alertmanager, Grafana and its sidecars, kube-state-metrics, a webhook job).
CHART_MINIMUM = {"cpu": 1.0, "memory": 2 * 2**30, "pods": 10}


class QuotaSettings(StrictModel):
    """The monitoring namespace's ResourceQuota: totals of requests (never limits)."""

    cpu: Quantity = "8"
    """Sum of CPU requests."""
    memory: Quantity = "32Gi"
    """Sum of memory requests."""
    pods: Annotated[int, Field(ge=1, le=10000)] = 50
    """Pods in the monitoring namespace."""
    pvcs: Annotated[int, Field(ge=0, le=1000)] = 10
    """PersistentVolumeClaims (the chart keeps data in emptyDir unless configured otherwise)."""
    storage: Quantity = "500Gi"
    """Sum of PersistentVolumeClaim requests."""

    @model_validator(mode="after")
    def _room_for_the_chart(self) -> "QuotaSettings":
        for key, minimum in CHART_MINIMUM.items():
            value = getattr(self, key)
            if (quantity(value) if isinstance(value, str) else value) < minimum:
                shown = f"{minimum / 2**30:g}Gi" if key == "memory" else f"{minimum:g}"
                raise ValueError(f"{key}: at least {shown}, or the chart's own pods cannot start")
        return self


class CloudAlarmSli(StrictModel):
    """The same SLO measured from CloudWatch metrics (errors and total as metric sums)."""

    namespace: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    error_metric: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    total_metric: Annotated[str, StringConstraints(min_length=1, max_length=255)]
    dimensions: dict[str, Text] = Field(default_factory=dict)


#: Settings of the chart Plinth installs; an error in existing mode.
INSTALL_ONLY = frozenset({"grafana", "node_exporter_namespace", "network", "quota"})


class MonitoringSpec(StrictModel):
    namespace: DnsLabel = conventions.MONITORING_NAMESPACE
    prometheus: PrometheusSettings = Field(default_factory=PrometheusSettings)
    slos: list[SloSpec] = Field(default_factory=list)
    alerting: AlertingSpec | None = None
    dashboards: bool = True
    grafana: GrafanaSettings = Field(default_factory=GrafanaSettings)
    node_exporter_namespace: DnsLabel | None = None
    """node-exporter's own namespace, the only privileged one (default ``<namespace>-node-exporter``)."""
    network: NetworkSettings = Field(default_factory=NetworkSettings)
    quota: QuotaSettings = Field(default_factory=QuotaSettings)
    cloudwatch: dict[DnsLabel, CloudAlarmSli] = Field(default_factory=dict)
    """SLO name -> CloudWatch metrics: the SLO also becomes CloudWatch alarms (AWS stacks)."""

    @model_validator(mode="after")
    def _unique(self) -> "MonitoringSpec":
        ids = [s.id for s in self.slos]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"slos: duplicate SLO {', '.join(dupes)} (service and name must be unique together)")
        names = [s.name for s in self.slos]
        unknown = sorted(set(self.cloudwatch) - set(names))
        if unknown:
            raise ValueError(f"cloudwatch: no SLO named {', '.join(unknown)}")
        ambiguous = sorted(n for n in self.cloudwatch if names.count(n) > 1)
        if ambiguous:
            raise ValueError(f"cloudwatch: SLO name {', '.join(ambiguous)} is used by several services; rename one")
        return self

    @model_validator(mode="after")
    def _install_only(self) -> "MonitoringSpec":
        install_only = sorted(to_camel(k) for k in self.model_fields_set & INSTALL_ONLY)
        if self.prometheus.mode == "existing" and install_only:
            raise ValueError(
                f"{', '.join(install_only)}: only apply to prometheus.mode install (Plinth does not manage "
                "an existing operator's namespaces)"
            )
        if self.node_exporter_ns == self.namespace:
            raise ValueError("nodeExporterNamespace: must differ from namespace (node-exporter alone is privileged)")
        if len(self.node_exporter_ns) > 63:
            raise ValueError(f"nodeExporterNamespace: {self.node_exporter_ns!r} is longer than 63 characters; set one")
        return self

    @property
    def node_exporter_ns(self) -> str:
        """node-exporter's namespace: ``nodeExporterNamespace`` or ``<namespace>-node-exporter``."""
        return self.node_exporter_namespace or f"{self.namespace}-node-exporter"


def stack_problems(spec: MonitoringSpec, *, cluster: KubernetesSettings | None, has_aws: bool) -> list[tuple[str, str]]:
    """Checks of the monitoring section against where it runs: ``(key below the section, message)``."""
    problems: list[tuple[str, str]] = []
    if cluster is not None and spec.namespace != cluster.monitoring_namespace:
        problems.append(
            (
                "namespace",
                f"is {spec.namespace!r} but tenants admit scrapes from kubernetes.monitoringNamespace "
                f"{cluster.monitoring_namespace!r}; use the same namespace",
            )
        )
    if spec.cloudwatch and not has_aws:
        problems.append(("cloudwatch", "CloudWatch alarms need plinth:aws settings"))
    if cluster is None and not spec.cloudwatch and spec.slos:
        problems.append(
            ("", "SLOs need a cluster (plinth:kubernetes) or CloudWatch alarms (monitoring.cloudwatch) to run on")
        )
    return problems
