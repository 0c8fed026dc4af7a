"""``plinth tenant add``: scaffold a tenant into a pooled stack file, or a silo stack of its own."""

from __future__ import annotations

import argparse
from pathlib import Path

from scripts import console
from scripts.commands import options


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("tenant", help="scaffold tenants into stack files", description="Tenants in stack files.")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION", help="add: scaffold a tenant")
    add = actions.add_parser(
        "add",
        help="add a tenant to a pooled stack file, or create its silo stack file",
        description="Add a tenant to plinth:tenants of a pooled stack file (comments, order and layout kept), or "
        "create stacks/Pulumi.tenant-<id>.yaml with --silo (the cluster and cloud settings of --like). The result is "
        "validated with the stack-config model first: when it is invalid, nothing is written. Shows the diff.",
    )
    add.add_argument("id", help="the tenant id (a DNS label, at most 20 characters; never change it later)")
    add.add_argument(
        "--tier",
        required=True,
        choices=("free", "standard", "premium", "enterprise"),
        help="quotas, retention, protection",
    )
    add.add_argument(
        "--cloud",
        required=True,
        choices=("aws", "gcp", "azure", "none"),
        help="where its keys, storage and identity live",
    )
    add.add_argument("--cost-center", required=True, metavar="CC", help="the tenant's cost center (tags, labels)")
    add.add_argument(
        "--admin", action="append", required=True, metavar="GROUP", help="identity-provider group of admins (repeat)"
    )
    add.add_argument("--viewer", action="append", default=[], metavar="GROUP", help="group of viewers (repeatable)")
    add.add_argument("--display-name", metavar="TEXT", help="the tenant's name for people (default: the id)")
    add.add_argument(
        "--compliance", action="append", default=[], choices=("gdpr", "hipaa", "soc2"), help="a framework (repeatable)"
    )
    add.add_argument("--region", help="the tenant's region (default: the stack's region of its cloud)")
    add.add_argument("--data-residency", choices=("eu", "us", "any"), help="where the tenant's data must stay")
    add.add_argument(
        "--copy-to",
        metavar="REGION",
        help="backups also copied to this second region (plinth:backup.tenants.<id>.copyTo; premium and enterprise "
        "tenants with cloud data need one)",
    )
    where = add.add_mutually_exclusive_group()
    where.add_argument("-s", "--stack", default="dev", metavar="NAME", help="the pooled stack (default: dev)")
    where.add_argument("--silo", action="store_true", help="create stacks/Pulumi.tenant-<id>.yaml instead")
    add.add_argument(
        "--like", default="dev", metavar="NAME", help="--silo: the stack whose cluster and cloud settings to copy"
    )
    add.add_argument("--environment", choices=("dev", "staging", "prod"), help="--silo: the new stack's environment")
    add.add_argument("--dry-run", action="store_true", help="show the diff, write nothing")
    options.add_project_dir(add)
    add.set_defaults(run=run_add)
    return p


def _spec(args: argparse.Namespace) -> dict:
    spec: dict = {
        "id": args.id,
        "displayName": args.display_name or args.id,
        "tier": args.tier,
        "compliance": list(dict.fromkeys(args.compliance)),
        "cloud": args.cloud,
        "region": args.region,
        "dataResidency": args.data_residency,
        "costCenter": args.cost_center,
        "ownerGroups": {"admins": args.admin, "viewers": args.viewer},
    }
    return spec


def run_add(args: argparse.Namespace) -> int:
    from components import clouds, stackfiles
    from components.config import ConfigError
    from scripts import stackedit

    project_dir = options.project_dir(args)
    try:
        project = stackfiles.read_project(project_dir)
    except ConfigError as err:
        raise console.InputError(str(err)) from err
    folder = Path(project.stack_config_dir)
    spec = _spec(args)
    if args.silo:
        relative = str(folder / f"Pulumi.tenant-{args.id}.yaml")
        if (project_dir / relative).exists():
            raise console.InputError(f"{relative}: exists already; add the tenant there or choose another id")
        template_rel = str(folder / f"Pulumi.{args.like}.yaml")
        template = stackedit.StackText.read(project_dir / template_rel, template_rel)
        package = clouds.CLOUDS[args.cloud].package if args.cloud in clouds.CLOUDS else ""
        old, new = "", stackedit.silo_document(template, spec, environment=args.environment, cloud_package=package)
        if args.copy_to:
            silo = stackedit.StackText.parse(project_dir / relative, new, relative)
            stackedit.add_backup_copy(silo, args.id, args.copy_to, relative)
            new = silo.dump()
    else:
        relative = str(folder / f"Pulumi.{args.stack}.yaml")
        if not (project_dir / relative).is_file():
            known = ", ".join(stackfiles.available_stacks(project_dir)) or "none"
            raise console.InputError(f"{relative}: no such stack file; stacks: {known} (or --silo)")
        stack = stackedit.StackText.read(project_dir / relative, relative)
        _layout_warning(stack, relative)
        stackedit.add_tenant(stack, spec, relative)
        if args.copy_to:
            stackedit.add_backup_copy(stack, args.id, args.copy_to, relative)
        old, new = stack.text, stack.dump()
    stackedit.validate(new, relative, project.name)
    console.write_output(stackedit.unified_diff(old, new, relative), None)
    if args.dry_run:
        console.info(f"dry run: {relative} not written")
        return console.EXIT_OK
    console.write_output(new, project_dir / relative)
    return console.EXIT_OK


def _layout_warning(stack, relative: str) -> None:
    if stack.layout_changes:
        console.warning(f"{relative}: its indentation cannot be kept exactly; the diff shows the re-indented lines")
