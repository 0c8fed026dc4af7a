"""``plinth rightsize``: requests per workload and quota per tenant from Prometheus, with the cost
now and after; ``--write`` applies them to the stack file as a comment-preserving patch."""

from __future__ import annotations

import argparse

from scripts import console
from scripts.commands import options, servers


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "rightsize",
        help="recommend workload requests and tenant quotas from Prometheus; --write patches the stack file",
        description="Read each tenant's container CPU and memory usage (cAdvisor, kube-state-metrics) over a "
        "window, recommend requests/limits per workload and quotas per tenant with the monthly cost now and "
        "after, and with --write apply them to stacks/Pulumi.<stack>.yaml (comments and order kept, the "
        "result validated, the diff printed).",
    )
    servers.add_prometheus(p)
    options.add_stack(p, "the stack whose tenants to size (required)")
    p.add_argument("--window", default="14d", help="how far back to look, a Prometheus duration (default: 14d)")
    p.add_argument("--write", action="store_true", help="apply the recommendations to the stack file")
    options.add_output(p, ("text", "json", "markdown"), "text")
    options.add_project_dir(p)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    from components import tenant
    from components.monitoring.slo import window_minutes
    from scripts import rightsize, stackpatch

    if not args.stack:
        raise console.UsageError("rightsize needs --stack NAME: the stack file it reads and patches")
    try:
        window_minutes(args.window)
    except ValueError as err:
        raise console.UsageError(f"--window: {err}") from None
    console.check_output_path(args.out)
    prom = servers.prometheus(args)
    stack = stackpatch.open_stack(options.project_dir(args), args.stack)
    tenants = list(enumerate(stack.config.section(tenant.CAPABILITY)))
    if not tenants:
        raise console.UsageError(f"{stack.source}: plinth:tenants: the stack has no tenants to size")
    with console.progress(f"reading {args.window} of usage from {prom.url}"):
        usage = rightsize.read_usage(prom, [t for _, t in tenants], args.window)
    result = rightsize.recommend(
        usage, tenants, args.window, cluster_cloud=stack.cluster_cloud, prices=rightsize.load_prices(),
        raw_config=stack.raw_config,
    )  # fmt: skip
    style = console.output_style(args.out)
    text = rightsize.render(result, args.format, width=style.width, color=style.color)
    changes = [
        stackpatch.Change(r.target, rightsize.quantity(r.resource, r.recommended), r.reason)
        for r in result.recommendations
        if r.target and r.recommended is not None
    ]
    patch = stackpatch.propose(stack.path, changes, source=stack.source) if changes else None
    console.write_output(text, args.out)
    stackpatch.show_patch(patch, write=args.write, fmt=args.format)
    return console.EXIT_OK
