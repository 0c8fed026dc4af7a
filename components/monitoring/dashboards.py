"""Grafana dashboards built with grafana-foundation-sdk, shipped as sidecar-discovered ConfigMaps."""

from __future__ import annotations

import json
from typing import Any

from grafana_foundation_sdk.builders import dashboard, prometheus, stat, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.dashboard import DataSourceRef

from components import conventions
from components.monitoring.spec import SloSpec

#: kube-prometheus-stack's Grafana sidecar loads ConfigMaps with this label.
DASHBOARD_LABEL = "grafana_dashboard"
#: Every query reads the Prometheus picked in the dashboard's ``datasource`` variable (as Sloth's dashboards do).
DATASOURCE = DataSourceRef(type_val="prometheus", uid="${datasource}")


def _datasource_variable() -> dashboard.DatasourceVariable:
    return dashboard.DatasourceVariable("datasource").label("Data source").type("prometheus")


def _encode(builder: Any) -> dict[str, Any]:
    """The dashboard JSON model; every panel reads ``${datasource}``, has a unique id, and its
    queries get refIds A, B, ..."""
    board = json.loads(JSONEncoder(sort_keys=True).encode(builder.build()))
    for number, panel in enumerate(board.get("panels", []), start=1):
        panel["id"] = number  # unique ids: Grafana links and "view panel" use them
        if panel.get("options") is None:
            panel.pop("options", None)
        if panel.get("type") == "row":
            continue
        panel["datasource"] = {"type": DATASOURCE.type_val, "uid": DATASOURCE.uid}
        for i, target in enumerate(panel.get("targets", [])):
            target["refId"] = target.get("refId") or chr(ord("A") + i)
    return board


def _query(expr: str, legend: str) -> prometheus.Dataquery:
    return prometheus.Dataquery().expr(expr).legend_format(legend).datasource(DATASOURCE)


def platform_overview(tenants: list[str]) -> dict[str, Any]:
    """Every SLO of the platform at a glance: budget left, burn rates, firing alerts."""
    board = (
        dashboard.Dashboard("Plinth / Platform SLOs")
        .uid("plinth-platform-slos")
        .tags(["plinth", "slo"])
        .refresh("1m")
        .time("now-7d", "now")
        .with_variable(_datasource_variable())
        .with_variable(
            dashboard.QueryVariable("tenant")
            .label("Tenant")
            .datasource(DATASOURCE)
            .query("label_values(sloth_slo_info, tenant)")
            .multi(True)
            .include_all(True)
        )
        .with_panel(
            stat.Panel().title("Tenants").with_target(_query(f"vector({len(tenants)})", "tenants")).span(4).height(4)
        )
        .with_panel(
            stat.Panel()
            .title("SLOs")
            .with_target(_query('count(sloth_slo_info{tenant=~"$tenant"}) or vector(0)', "slos"))
            .span(4)
            .height(4)
        )
        .with_panel(
            stat.Panel()
            .title("SLOs burning now (>1x)")
            .with_target(_query("count(slo:current_burn_rate:ratio > 1) or vector(0)", "burning"))
            .span(8)
            .height(4)
        )
        .with_panel(
            stat.Panel()
            .title("Budgets exhausted")
            .with_target(_query("count(slo:period_error_budget_remaining:ratio <= 0) or vector(0)", "exhausted"))
            .span(8)
            .height(4)
        )
        .with_panel(
            timeseries.Panel()
            .title("Error budget remaining by SLO")
            .unit("percentunit")
            .with_target(
                _query(
                    'slo:period_error_budget_remaining:ratio{tenant=~"$tenant"}',
                    "{{tenant}} {{sloth_service}}/{{sloth_slo}}",
                )
            )
            .span(24)
            .height(9)
        )
        .with_panel(
            timeseries.Panel()
            .title("Current burn rate by SLO")
            .with_target(
                _query('slo:current_burn_rate:ratio{tenant=~"$tenant"}', "{{tenant}} {{sloth_service}}/{{sloth_slo}}")
            )
            .span(24)
            .height(9)
        )
    )
    return _encode(board)


def tenant_slo_dashboard(tenant: str, slos: list[SloSpec]) -> dict[str, Any]:
    """One tenant's SLOs: SLI error ratio against objective, burn rates, remaining budget."""
    board = (
        dashboard.Dashboard(f"Plinth / Tenant {tenant} SLOs")
        .uid(f"plinth-tenant-{tenant}"[:40])
        .tags(["plinth", "slo", f"tenant:{tenant}"])
        .refresh("1m")
        .time("now-24h", "now")
        .with_variable(_datasource_variable())
    )
    for slo in slos:
        sel = f'sloth_id="{slo.id}"'
        board = (
            board.with_row(dashboard.Row(f"{slo.service} / {slo.name} ({slo.objective:g}% over {slo.period})"))
            .with_panel(
                timeseries.Panel()
                .title("SLI error ratio")
                .unit("percentunit")
                .with_target(_query(f"slo:sli_error:ratio_rate5m{{{sel}}}", "5m"))
                .with_target(_query(f"slo:sli_error:ratio_rate1h{{{sel}}}", "1h"))
                .with_target(_query(f"slo:error_budget:ratio{{{sel}}}", "error budget"))
                .span(12)
                .height(8)
            )
            .with_panel(
                timeseries.Panel()
                .title("Burn rate")
                .with_target(_query(f"slo:current_burn_rate:ratio{{{sel}}}", "current"))
                .with_target(_query(f"slo:period_burn_rate:ratio{{{sel}}}", "period"))
                .span(4)
                .height(8)
            )
            .with_panel(
                stat.Panel()
                .title("Error budget remaining")
                .unit("percentunit")
                .with_target(_query(f"slo:period_error_budget_remaining:ratio{{{sel}}}", "remaining"))
                .span(4)
                .height(8)
            )
            .with_panel(
                stat.Panel()
                .title("Objective")
                .unit("percentunit")
                .decimals(3)
                .with_target(_query(f"slo:objective:ratio{{{sel}}}", "objective"))
                .span(4)
                .height(8)
            )
        )
    return _encode(board)


def dashboard_configmap(name: str, namespace: str, board: dict[str, Any], tenant: str | None = None) -> dict[str, Any]:
    labels = {DASHBOARD_LABEL: "1", conventions.LABEL_MANAGED_BY: conventions.MANAGED_BY_VALUE}
    if tenant:
        labels[conventions.LABEL_TENANT] = tenant
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "data": {f"{name}.json": json.dumps(board, sort_keys=True)},
    }
