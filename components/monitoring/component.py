"""MonitoringStack: Prometheus (installed or existing), SLO rules, alert routing, dashboards.

Hard logic lives in pure modules: ``slo`` (SLO -> Sloth-compatible rules), ``alertmanager``
(routing), ``dashboards`` (grafana-foundation-sdk), ``monitors`` (scrape configs),
``cloudwatch`` (the same SLOs as CloudWatch alarms), ``grafana`` (the admin login) and
``isolation`` (namespaces, NetworkPolicies, quota, limits). This module validates the arguments
and registers resources.
"""


from typing import Any, NotRequired, Optional, TypedDict

import pulumi

from components import conventions, k8s
from components.args import ArgsError, input_error, unknown_keys, validate
from components.clouds import AwsAccountArgs, AwsSettings
from components.cluster import ClusterArgs, KubernetesSettings
from components.monitoring import alertmanager, cloudwatch, dashboards, grafana, isolation, monitors, slo
from components.monitoring.spec import MonitoringSpec, stack_problems

HELM_REPO = "https://prometheus-community.github.io/helm-charts"
CHART = "kube-prometheus-stack"


# --- Arguments (plain types) -------------------------------------------------------------------------
class PrometheusArgs(TypedDict, total=False):
    """Where the SLO rules run: a Prometheus that Plinth installs, or one that already runs."""

    mode: str
    """``install`` (a pinned kube-prometheus-stack Helm release, default) or ``existing`` (a running operator)."""
    chart_version: str
    """kube-prometheus-stack chart version (install mode)."""
    rule_selector_labels: dict[str, str]
    """existing mode: labels the operator's ruleSelector matches."""
    alertmanager_config_selector_labels: dict[str, str]
    """existing mode: labels the Alertmanager's alertmanagerConfigSelector matches."""


class RatioSliArgs(TypedDict):
    """An SLI as a ratio of two PromQL rates: bad events over all events."""

    error_query: str
    """PromQL rate of bad events with ``{{.window}}`` where the range goes."""
    total_query: str
    """PromQL rate of all events with ``{{.window}}``."""


class LatencySliArgs(TypedDict):
    """An SLI from a latency histogram: requests slower than a bucket bound are the bad events."""

    bucket_metric: str
    """A classic histogram's ``*_bucket`` series."""
    threshold_seconds: float
    """One of the histogram's ``le`` bounds; slower requests count as errors."""
    selector: NotRequired[str]
    """Label matchers without braces, e.g. ``job="api"``."""


class RawSliArgs(TypedDict):
    """An SLI given directly as its error ratio."""

    error_ratio_query: str
    """PromQL error ratio (0 to 1) with ``{{.window}}`` where the range goes (Sloth's ``raw.errorRatioQuery``)."""


class SliArgs(TypedDict, total=False):
    """How good and bad events are counted: exactly one of ``ratio``, ``latency`` or ``raw``."""

    ratio: RatioSliArgs
    """Errors over total (set exactly one of ratio, latency or raw)."""
    latency: LatencySliArgs
    """Requests slower than a histogram bound count as errors."""
    raw: RawSliArgs
    """A query that already is the error ratio."""


class AlertOptionsArgs(TypedDict, total=False):
    """Options of one of an SLO's two alerts (page or ticket)."""

    disable: bool
    """No rule for this alert (Sloth's ``pageAlert.disable`` / ``ticketAlert.disable``)."""
    labels: dict[str, str]
    """Labels of this alert only, on top of the SLO's alerting labels."""
    annotations: dict[str, str]
    """Annotations of this alert only (Prometheus templates such as ``{{ $labels.tenant }}`` work)."""


class SloAlertingArgs(TypedDict):
    """The multi-window burn-rate alerts of an SLO: a page for fast burns, a ticket for slow ones."""

    name: NotRequired[str]
    """CamelCase alert name shared by the page and the ticket alert (required unless both are disabled)."""
    page_priority: NotRequired[str]
    """Priority of the page alert: ``P0`` or ``P1`` (default ``P1``)."""
    ticket_priority: NotRequired[str]
    """Priority of the ticket alert: ``P2`` or ``P3`` (default ``P3``)."""
    labels: NotRequired[dict[str, str]]
    """Labels of every alert of the SLO (e.g. ``team``), used by Alertmanager routing."""
    annotations: NotRequired[dict[str, str]]
    """Annotations of every alert of the SLO (e.g. ``runbook``); they override the templated title and summary."""
    page_alert: NotRequired[AlertOptionsArgs]
    """Options of the page alert alone (Sloth's ``pageAlert``)."""
    ticket_alert: NotRequired[AlertOptionsArgs]
    """Options of the ticket alert alone (Sloth's ``ticketAlert``)."""


class SloArgs(TypedDict):
    """A service level objective, turned into Sloth-compatible recording rules and alerts."""

    name: str
    """The SLO's name (a DNS label); with ``service`` it forms the SLO id ``<service>-<name>``."""
    service: str
    """The service the SLO measures (a DNS label)."""
    objective: float
    """Target percentage of good events, e.g. 99.9."""
    sli: SliArgs
    """How good and bad events are counted."""
    alerting: SloAlertingArgs
    """The burn-rate alerts of the SLO."""
    tenant: NotRequired[str]
    """The tenant the SLO belongs to (labels every rule, adds a tenant dashboard)."""
    description: NotRequired[str]
    """What the SLO promises, in words (shown on dashboards)."""
    period: NotRequired[str]
    """The SLO window: ``30d`` (default) or ``28d`` (its rules are named ``4w``, as Sloth names them)."""
    labels: NotRequired[dict[str, str]]
    """Extra labels on every rule of the SLO."""


class SlackReceiverArgs(TypedDict):
    """Alerts posted to a Slack channel through an incoming webhook."""

    channel: str
    """The channel, e.g. ``#oncall``."""
    api_url: pulumi.Input[str]
    """The incoming-webhook URL (a credential: passed on as a Pulumi secret)."""


class EmailReceiverArgs(TypedDict):
    """Alerts sent as e-mail through an SMTP server."""

    to: str
    """The recipient's address."""
    from_: str
    """The sender's address."""
    smarthost: str
    """``host:port`` of the SMTP server (TLS required)."""
    auth_username: NotRequired[str]
    """The SMTP user name (with ``authPassword``)."""
    auth_password: NotRequired[pulumi.Input[str]]
    """A credential: passed on as a Pulumi secret."""


class WebhookReceiverArgs(TypedDict):
    """Alerts posted as Alertmanager webhook JSON to an HTTPS endpoint."""

    url: str
    """HTTPS URL without credentials."""
    bearer_token: NotRequired[pulumi.Input[str]]
    """A credential: passed on as a Pulumi secret."""


class PagerDutyReceiverArgs(TypedDict):
    """Alerts sent to a PagerDuty service through the Events API v2."""

    routing_key: pulumi.Input[str]
    """The Events API v2 routing key (a credential: passed on as a Pulumi secret)."""


class ReceiverArgs(TypedDict):
    """A named alert destination: exactly one of ``slack``, ``email``, ``webhook`` or ``pagerduty``."""

    name: str
    """The receiver's name (a DNS label), used in ``routes``."""
    slack: NotRequired[SlackReceiverArgs]
    """Post to a Slack channel."""
    email: NotRequired[EmailReceiverArgs]
    """Send e-mail."""
    webhook: NotRequired[WebhookReceiverArgs]
    """Post to an HTTPS endpoint."""
    pagerduty: NotRequired[PagerDutyReceiverArgs]
    """Open PagerDuty incidents."""


class AlertingArgs(TypedDict):
    """Alertmanager routing: where the alerts of each priority go."""

    receivers: list[ReceiverArgs]
    """The destinations (at least one, unique names)."""
    routes: dict[str, str]
    """Receiver name per priority: ``P0``, ``P1``, ``P2`` and ``P3`` (all four)."""
    group_by: NotRequired[list[str]]
    """Labels Alertmanager groups alerts by (default ``tenant``, ``sloth_slo``, ``alertname``)."""
    repeat_interval: NotRequired[dict[str, str]]
    """Re-send interval of a firing alert per priority ``P0``, ``P1``, ``P2``, ``P3`` (default 30m, 1h, 4h, 24h)."""


class CloudAlarmSliArgs(TypedDict):
    """The same SLO measured from CloudWatch metrics (errors and total as metric sums)."""

    namespace: str
    """The CloudWatch namespace of both metrics, e.g. ``AWS/ApplicationELB``."""
    error_metric: str
    """The metric counting bad events."""
    total_metric: str
    """The metric counting all events."""
    dimensions: NotRequired[dict[str, str]]
    """Dimensions that select the metrics' series, e.g. ``LoadBalancer``."""


class GrafanaArgs(TypedDict, total=False):
    """Grafana's admin login: a generated password in a Secret, or a Secret you already have."""

    admin_secret: str
    """An existing Secret in the monitoring namespace with keys ``admin-user`` and ``admin-password``;
    unset, Plinth generates the password (a Pulumi secret) into ``plinth-grafana-admin``."""


class MonitoringNetworkArgs(TypedDict, total=False):
    """Addresses the monitoring namespace's NetworkPolicies allow besides pods (nodes, the API server)."""

    node_cidrs: list[str]
    """Node addresses (kubelet 10250, node-exporter 9100); default the RFC 1918 ranges."""
    api_server_cidrs: list[str]
    """API server endpoints (443/6443, and callers of the operator's webhook); default the RFC 1918 ranges."""
    receiver_cidrs: list[str]
    """Private destinations Alertmanager may reach on its receivers' ports (public ones always)."""


class MonitoringQuotaArgs(TypedDict, total=False):
    """The ResourceQuota of the monitoring namespace."""

    cpu: str
    """Sum of CPU requests in the monitoring namespace (default ``8``)."""
    memory: str
    """Sum of memory requests (default ``32Gi``)."""
    pods: int
    """Pods (default 50)."""
    pvcs: int
    """PersistentVolumeClaims (default 10)."""
    storage: str
    """Sum of PersistentVolumeClaim requests (default ``500Gi``)."""


class MonitoringStackArgs(TypedDict):
    environment: str
    """The stack's environment: ``dev``, ``staging`` or ``prod`` (a label on every rule)."""
    namespace: NotRequired[str]
    """Where Prometheus, rules and dashboards live (default ``monitoring``)."""
    prometheus: NotRequired[PrometheusArgs]
    """Where the rules run: an installed, pinned kube-prometheus-stack (default) or an existing operator."""
    slos: NotRequired[list[SloArgs]]
    """SLOs: Sloth-compatible recording rules, burn-rate alerts and dashboards for each."""
    alerting: NotRequired[AlertingArgs]
    """Alertmanager receivers and the route per priority."""
    dashboards: NotRequired[bool]
    """Grafana dashboards as sidecar ConfigMaps (default true)."""
    grafana: NotRequired[GrafanaArgs]
    """Grafana's admin login (install mode)."""
    node_exporter_namespace: NotRequired[str]
    """node-exporter's own privileged namespace (install mode; default ``<namespace>-node-exporter``)."""
    network: NotRequired[MonitoringNetworkArgs]
    """CIDRs the monitoring NetworkPolicies allow beyond the cluster's pods (install mode)."""
    quota: NotRequired[MonitoringQuotaArgs]
    """The monitoring namespace's ResourceQuota (install mode)."""
    cloudwatch: NotRequired[dict[str, CloudAlarmSliArgs]]
    """SLO name -> CloudWatch metrics: the SLO also becomes CloudWatch alarms."""
    tenant_namespaces: NotRequired[dict[str, str]]
    """Tenant id -> namespace: a PodMonitor and ServiceMonitor per tenant."""
    cluster: NotRequired[ClusterArgs]
    """The cluster; without it only CloudWatch alarms are created."""
    aws: NotRequired[AwsAccountArgs]
    """The AWS account (CloudWatch alarms)."""
    tags: NotRequired[dict[str, str]]
    """Tags of the cloud resources (CloudWatch alarms, SNS topic, key)."""


_SPEC_FIELDS = frozenset(MonitoringSpec.model_fields)


def helm_values(spec: MonitoringSpec, has_secrets: bool) -> dict[str, Any]:
    """kube-prometheus-stack values: discover every rule/monitor, load labelled dashboards, route alerts."""
    values: dict[str, Any] = {
        "prometheus": {
            "prometheusSpec": {
                "ruleSelectorNilUsesHelmValues": False,
                "serviceMonitorSelectorNilUsesHelmValues": False,
                "podMonitorSelectorNilUsesHelmValues": False,
                "retention": "30d",
            }
        },
        "grafana": {
            "sidecar": {
                "dashboards": {
                    "enabled": True,
                    "label": dashboards.DASHBOARD_LABEL,
                    "labelValue": "1",
                    "searchNamespace": "ALL",
                }
            },
            # The admin login comes from a Secret, never from the chart's default password.
            **grafana.admin_values(spec.grafana.admin_secret or grafana.ADMIN_SECRET),
        },
        # node-exporter alone needs host access: it runs in its own, privileged namespace.
        "prometheus-node-exporter": {"namespaceOverride": spec.node_exporter_ns},
    }
    if spec.alerting is not None:
        am: dict[str, Any] = {"config": alertmanager.alertmanager_config(spec.alerting)}
        if has_secrets:
            am["alertmanagerSpec"] = {"secrets": [alertmanager.SECRET_NAME]}
        values["alertmanager"] = am
    return values


class Validated:
    def __init__(self, args: MonitoringStackArgs):
        if unknown := unknown_keys(args, MonitoringStackArgs):
            raise ArgsError(unknown)
        spec_input = {k: v for k, v in args.items() if k in _SPEC_FIELDS}
        self.spec = validate(MonitoringSpec, spec_input, "args")
        self.environment = str(args.get("environment", ""))
        cluster = args.get("cluster")
        self.cluster = validate(KubernetesSettings, dict(cluster), "args.cluster") if cluster is not None else None
        aws = args.get("aws")
        self.aws = validate(AwsSettings, dict(aws), "args.aws") if aws is not None else None
        problems = (
            [("args.environment", f"must be dev, staging or prod (found {self.environment!r})")]
            if self.environment not in ("dev", "staging", "prod")
            else []
        )
        for key, message in stack_problems(self.spec, cluster=self.cluster, has_aws=self.aws is not None):
            problems.append((f"args.{key}" if key else "args", message))
        if problems:
            raise ArgsError(problems)


class MonitoringStack(pulumi.ComponentResource):
    """Platform and per-tenant monitoring: SLOs as Sloth-compatible Prometheus rules with multi-window
    burn-rate alerts, Alertmanager routing by priority, scrape configs per tenant and Grafana dashboards.
    In install mode the chart runs in isolated namespaces (:mod:`.isolation`) and Grafana's admin
    login comes from a Secret (:mod:`.grafana`)."""

    namespace: pulumi.Output[Optional[str]]
    """The monitoring namespace (none without a cluster)."""
    slos: pulumi.Output[list[str]]
    """Ids (``<service>-<name>``) of the SLOs with rules."""

    def __init__(self, name: str, args: MonitoringStackArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__(conventions.type_token("MonitoringStack"), name, None, opts)
        try:
            valid = Validated(args)
        except ArgsError as err:
            raise input_error(f"MonitoringStack {name}", err) from None
        spec = valid.spec
        tags = dict(args.get("tags") or {})
        tenant_namespaces = dict(args.get("tenant_namespaces") or {})
        child = pulumi.ResourceOptions(parent=self)
        ns = spec.namespace
        labels = {
            conventions.LABEL_MANAGED_BY: conventions.MANAGED_BY_VALUE,
            conventions.LABEL_ENVIRONMENT: valid.environment,
        }
        #: SLO id -> the PrometheusRule manifest registered for it (for tests and tools).
        self.rules: dict[str, dict[str, Any]] = {}
        #: The Alertmanager configuration (credentials referenced by file, never inline).
        self.alertmanager_config: dict[str, Any] | None = None
        outputs: dict[str, Any] = {"namespace": ns if valid.cluster else None, "slos": [s.id for s in spec.slos]}

        if valid.cluster is not None:
            crd_opts = self._platform(name, spec, labels, child, outputs, valid.cluster.ingress_namespace)
            for s in spec.slos:
                manifest = slo.prometheus_rule(s, ns, self._rule_labels(spec, labels))
                k8s.register(k8s.child_name(name, f"slo-{s.id}"), manifest, crd_opts)
                self.rules[s.id] = manifest
            rule_labels = self._rule_labels(spec, labels)
            for tenant, tenant_ns in sorted(tenant_namespaces.items()):
                k8s.register(
                    k8s.child_name(name, f"{tenant}-pods"),
                    monitors.pod_monitor(tenant, tenant_ns, ns, rule_labels),
                    crd_opts,
                )
                k8s.register(
                    k8s.child_name(name, f"{tenant}-services"),
                    monitors.service_monitor(tenant, tenant_ns, ns, rule_labels),
                    crd_opts,
                )
            if spec.dashboards:
                self._dashboards(name, spec, ns, sorted(tenant_namespaces), crd_opts)

        alarms = [
            (s, spec.cloudwatch[s.name]) for s in spec.slos if s.name in spec.cloudwatch and s.alerting.severities
        ]
        if alarms and valid.aws is not None:
            outputs["cloudwatch"] = cloudwatch.build(
                f"plinth-{valid.environment}", alarms, valid.aws.account_id, tags, child
            )
        self.namespace = pulumi.Output.from_input(outputs["namespace"])
        self.slos = pulumi.Output.from_input(outputs["slos"])
        self.summary = outputs
        self.register_outputs(outputs)

    @staticmethod
    def _rule_labels(spec: MonitoringSpec, labels: dict[str, str]) -> dict[str, str]:
        """Labels of rules and monitors: an existing operator selects them by its ruleSelector labels."""
        return labels if spec.prometheus.mode == "install" else {**labels, **spec.prometheus.rule_selector_labels}

    def _platform(
        self,
        name: str,
        spec: MonitoringSpec,
        labels: dict[str, str],
        child: pulumi.ResourceOptions,
        outputs: dict[str, Any],
        ingress_namespace: str,
    ) -> pulumi.ResourceOptions:
        """The chart (install mode) or the AlertmanagerConfig (existing mode); options for the custom resources."""
        ns = spec.namespace
        secrets = alertmanager.secret_files(spec.alerting) if spec.alerting else {}
        if spec.prometheus.mode != "install":
            rule_labels = self._rule_labels(spec, labels)
            secret = self._secret(name, ns, rule_labels, secrets, child)
            if spec.alerting is not None:
                am_labels = {**rule_labels, **spec.prometheus.alertmanager_config_selector_labels}
                manifest = alertmanager.alertmanager_config_crd(spec.alerting, "plinth-slo-routing", ns, am_labels)
                k8s.register(
                    k8s.child_name(name, "alertmanager-config"),
                    manifest,
                    k8s.after(child, *([secret] if secret else [])),
                )
                self.alertmanager_config = manifest
            return child
        import pulumi_kubernetes as kubernetes

        monitoring_ns, node_exporter_ns = isolation.namespaces(spec, labels)
        retained = pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(retain_on_delete=True))
        namespace = k8s.register(k8s.child_name(name, "namespace"), monitoring_ns, retained)
        node_exporter = k8s.register(k8s.child_name(name, "node-exporter-namespace"), node_exporter_ns, retained)
        after_ns = k8s.after(child, namespace, node_exporter)
        guards = self._isolation(name, spec, labels, ingress_namespace, after_ns)
        secret = self._secret(name, ns, labels, secrets, after_ns)
        grafana_secret = self._grafana_admin(name, spec, labels, after_ns)
        values = helm_values(spec, bool(secrets))
        release = kubernetes.helm.v3.Release(
            k8s.child_name(name, CHART),
            name=CHART,
            chart=CHART,
            version=spec.prometheus.chart_version,
            repository_opts={"repo": HELM_REPO},
            namespace=ns,
            values=values,
            atomic=True,
            opts=k8s.after(after_ns, *guards, *(r for r in (secret, grafana_secret) if r is not None)),
        )
        self.alertmanager_config = values.get("alertmanager", {}).get("config")
        outputs["release"] = {"chart": CHART, "version": spec.prometheus.chart_version}
        return k8s.after(child, release)

    def _isolation(
        self,
        name: str,
        spec: MonitoringSpec,
        labels: dict[str, str],
        ingress_namespace: str,
        opts: pulumi.ResourceOptions,
    ) -> list[pulumi.CustomResource]:
        """NetworkPolicies (the allowed flows first, then default deny), LimitRanges, then the quota
        that counts their default requests. The chart waits for all of them."""

        def register(manifest: dict[str, Any], role: str, options: pulumi.ResourceOptions) -> pulumi.CustomResource:
            prefix = "" if manifest["metadata"]["namespace"] == spec.namespace else "node-exporter-"
            return k8s.register(k8s.child_name(name, prefix + role), manifest, options)

        ports = alertmanager.receiver_ports(spec.alerting)
        policies = isolation.allow_policies(
            spec, labels, ingress_namespace=ingress_namespace, release=CHART, receiver_ports=ports
        )
        allowed = [register(m, f"netpol-{m['metadata']['name']}", opts) for m in policies]
        denied = [
            register(m, "netpol-default-deny", k8s.after(opts, *allowed)) for m in isolation.default_deny(spec, labels)
        ]
        limits = [register(m, "limits", opts) for m in isolation.limit_ranges(spec, labels)]
        quota = register(isolation.resource_quota(spec, labels), "quota", k8s.after(opts, *limits))
        return [*allowed, *denied, *limits, quota]

    def _grafana_admin(
        self, name: str, spec: MonitoringSpec, labels: dict[str, str], opts: pulumi.ResourceOptions
    ) -> pulumi.CustomResource | None:
        """The generated admin Secret, unless ``grafana.adminSecret`` names an existing one."""
        if spec.grafana.admin_secret is not None:
            return None
        import pulumi_random as random

        password = random.RandomPassword(
            k8s.child_name(name, "grafana-admin-password"), length=grafana.PASSWORD_LENGTH, special=False, opts=opts
        )
        return k8s.register(
            k8s.child_name(name, "grafana-admin"), grafana.admin_secret(spec.namespace, labels, password.result), opts
        )

    def _dashboards(
        self, name: str, spec: MonitoringSpec, ns: str, tenants: list[str], opts: pulumi.ResourceOptions
    ) -> None:
        platform = dashboards.dashboard_configmap("plinth-platform-slos", ns, dashboards.platform_overview(tenants))
        k8s.register(k8s.child_name(name, "dashboard-platform"), platform, opts)
        by_tenant: dict[str, list[Any]] = {}
        for s in spec.slos:
            if s.tenant:
                by_tenant.setdefault(s.tenant, []).append(s)
        for tenant, slos in sorted(by_tenant.items()):
            board = dashboards.tenant_slo_dashboard(tenant, slos)
            manifest = dashboards.dashboard_configmap(f"plinth-tenant-{tenant}-slos", ns, board, tenant)
            k8s.register(k8s.child_name(name, f"dashboard-{tenant}"), manifest, opts)

    def _secret(
        self, name: str, namespace: str, labels: dict[str, str], secrets: dict[str, Any], opts: pulumi.ResourceOptions
    ) -> pulumi.CustomResource | None:
        if not secrets:
            return None
        return k8s.register(
            k8s.child_name(name, "alertmanager-credentials"),
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "type": "Opaque",
                "metadata": {"name": alertmanager.SECRET_NAME, "namespace": namespace, "labels": labels},
                "stringData": {key: value.output() for key, value in secrets.items()},
            },
            opts,
        )


def args_from_spec(
    spec: MonitoringSpec,
    *,
    environment: str,
    cluster: KubernetesSettings | None,
    aws: AwsSettings | None,
    tenant_namespaces: dict[str, str],
    tags: dict[str, str],
) -> MonitoringStackArgs:
    """The component's arguments for a validated ``plinth:monitoring`` section."""
    # Only what the section sets: defaults come back on validation, and install-only keys stay unset.
    args: dict[str, Any] = spec.model_dump(exclude_none=True, exclude_unset=True, by_alias=False)
    args.update(environment=environment, tenant_namespaces=dict(tenant_namespaces), tags=dict(tags))
    if cluster is not None:
        args["cluster"] = cluster.model_dump(exclude_none=True, exclude={"context"})
    if aws is not None:
        args["aws"] = aws.model_dump()
    return args  # type: ignore[return-value]


__all__ = ["MonitoringStack", "MonitoringStackArgs", "MonitoringSpec", "helm_values", "args_from_spec"]
