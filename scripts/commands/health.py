"""``plinth health``: per tenant and SLO, burn rates, error budget and SLA attainment; firing
alerts by priority; scrape targets down. Exit 1 when a P0/P1 alert fires or a budget is exhausted."""

from __future__ import annotations

import argparse

from scripts import console
from scripts.commands import options, servers


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "health",
        help="SLOs, error budgets, firing alerts and scrape targets per tenant, from Prometheus",
        description="Read Plinth's SLO recording rules, the firing alerts (Alertmanager or Prometheus) and the "
        "scrape targets from Prometheus and report per tenant. Exit code 1 when a P0/P1 alert fires or an SLO "
        "has exhausted its error budget (so it can gate a deploy or run from cron), 2 when it could not read.",
    )
    servers.add_prometheus(p, alertmanager=True)
    options.add_stack(p, "only this stack's SLOs and tenants; its SLO specs also check each SLI's source metric")
    options.add_output(p, ("text", "json", "markdown"), "text")
    options.add_project_dir(p)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    from scripts import health

    console.check_output_path(args.out)
    prom = servers.prometheus(args)
    am = servers.alertmanager(args)
    specs, tenants = None, None
    if args.stack:
        from components import monitoring, stackfiles, tenant

        project_dir = options.project_dir(args)
        cfg = stackfiles.load_stack_file(stackfiles.stack_file_path(project_dir, args.stack)).config
        section = cfg.section(monitoring.CAPABILITY)
        specs = list(section.slos) if section is not None else []
        tenants = [t.id for t in cfg.section(tenant.CAPABILITY)]
    with console.progress(f"reading {prom.url}"):
        report = health.collect(prom, am, specs=specs, tenants=tenants)
    style = console.output_style(args.out)
    console.write_output(health.render(report, args.format, width=style.width, color=style.color), args.out)
    return report.exit_code
