"""``plinth promote``: copy one config value from a stack to the next, once the source passes the policy gate."""

from __future__ import annotations

import argparse

from scripts import console
from scripts.commands import options


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "promote",
        help="copy a config value (an image digest, a model version) from one stack file to the next",
        description="Copy the value at KEY (a key path as for `pulumi config --path`: "
        "plinth:monitoring.prometheus.chartVersion, plinth:tenants[acme].tier) from the --from stack file to the --to "
        "stack file, keeping the target's comments and layout. Refused when the source stack does not pass the "
        "offline policy gate, when the value is a secret (secure:), or when the result is invalid. Shows the diff; "
        "writes only with --write. Exit codes: 0 ok, 1 the source stack fails the policy gate, 2 bad input.",
    )
    p.add_argument("key", metavar="KEY", help="the key path of the value")
    p.add_argument("--from", dest="source", required=True, metavar="STACK", help="the stack the value comes from")
    p.add_argument("--to", dest="target", required=True, metavar="STACK", help="the stack it goes to")
    p.add_argument("--write", action="store_true", help="write the target stack file (default: show the diff only)")
    options.add_packs(p)
    options.add_project_dir(p)
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    from components import stackfiles
    from components.config import ConfigError
    from scripts import stackedit

    if args.source == args.target:
        raise console.UsageError("--from and --to name the same stack")
    project_dir = options.project_dir(args)
    try:
        project = stackfiles.read_project(project_dir)
        files = {s: stackfiles.stack_file_path(project_dir, s) for s in (args.source, args.target)}
    except ConfigError as err:
        raise console.InputError(str(err)) from err
    path = stackedit.KeyPath.parse(args.key, project.name)
    relative = {s: str(p.relative_to(project_dir)) for s, p in files.items()}
    source = stackedit.StackText.read(files[args.source], relative[args.source])
    target = stackedit.StackText.read(files[args.target], relative[args.target])
    if target.layout_changes:
        console.warning(
            f"{relative[args.target]}: its indentation cannot be kept exactly; the diff shows the re-indented lines"
        )
    value = stackedit.get(source.config, path, relative[args.source])
    if stackedit.is_secure(value):
        raise stackedit.EditError(
            f"{relative[args.source]}: {path}: a secret (secure:) is encrypted with that stack's key; set it in "
            f"{args.target} with `pulumi config set --secret --path '{path}' ... -s {args.target}`"
        )
    try:
        current = stackedit.get(target.config, path, relative[args.target])
    except stackedit.EditError:
        current = None
    if current is not None and stackedit.plain(current) == stackedit.plain(value):
        console.info(f"{relative[args.target]}: {path} is already {stackedit.plain(value)!r}: nothing to promote")
        return console.EXIT_OK
    stackedit.put(target.config, path, value, relative[args.target])
    new = target.dump()
    stackedit.validate(new, relative[args.target], project.name)
    code = _gate(args, project_dir)
    if code != console.EXIT_OK:
        return code
    console.write_output(stackedit.unified_diff(target.text, new, relative[args.target]), None)
    if not args.write:
        console.info(f"not written: pass --write to update {relative[args.target]}")
        return console.EXIT_OK
    console.write_output(new, files[args.target])
    return console.EXIT_OK


def _gate(args: argparse.Namespace, project_dir) -> int:
    """The source stack's offline preview and policy gate; a failure refuses the promotion."""
    from scripts import engine
    from scripts.commands.policy import run_packs
    from scripts.gate.resources import from_preview, stack_of

    config, source = options.policy_config(args)
    packs = options.pack_dirs(args)
    job = engine.load_stack(args.source, project_dir)
    with console.progress(f"Previewing stack {args.source} offline", unit="resources registered") as bar:
        plan = engine.preview_plan(args.source, project_dir, on_progress=bar.update)
    resources = from_preview(plan, "plan")
    project = (stack_of(resources) or (job.project, args.source))[0]
    report = run_packs(resources, packs, config, project=project, stack=args.source, dry_run=True, config_source=source)
    if report.exit_code != console.EXIT_OK:
        console.error(
            f"refused: stack {args.source} does not pass the policy gate ({report.headline()}); "
            f"run `plinth policy -s {args.source}` for the findings"
        )
    return report.exit_code
