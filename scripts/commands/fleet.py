"""``plinth fleet``: preview and gate every stack in parallel; render the stacks for the Pulumi Kubernetes Operator."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from scripts import console
from scripts.commands import options


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser("fleet", help="every stack at once: preview and gate, or render for the operator")
    actions = p.add_subparsers(
        dest="action", required=True, metavar="ACTION", help="preview: every stack at once; render: for the operator"
    )

    pre = actions.add_parser(
        "preview",
        help="preview and gate every stack in parallel worker processes",
        description="Preview every stack of stacks/ offline and run the policy gate over each, in parallel worker "
        "processes that keep the provider SDKs imported and the policy packs running between stacks (each program "
        "in a clean module state). One summary; the exit code is the worst of all stacks (0 ok, 1 mandatory "
        "violations, 2 could not preview or gate).",
    )
    pre.add_argument("--jobs", "-j", type=int, default=2, metavar="N", help="worker processes (default: 2)")
    pre.add_argument("-s", "--stack", action="append", metavar="NAME", help="only these stacks (repeatable)")
    pre.add_argument("--base", metavar="GIT_REV", help="also count each stack's changes against this revision")
    pre.add_argument("--no-policy", action="store_true", help="preview only")
    pre.add_argument(
        "--write-plans", metavar="DIR", help="write each stack's plan (pulumi preview --json shape) to DIR/<stack>.json"
    )
    options.add_output(pre, ("text", "json"), "text")
    options.add_packs(pre)
    options.add_project_dir(pre)
    pre.set_defaults(run=run_preview)

    ren = actions.add_parser(
        "render",
        help="emit Pulumi Kubernetes Operator Stack resources (and their service accounts and RBAC) for every stack",
        description="Write, per stack, a Pulumi Kubernetes Operator v2 Stack custom resource with what it needs: a "
        "ServiceAccount with the RBAC the workspace needs, references to the Secrets that hold the backend token and "
        "the cloud credentials, refresh, a resync period, no destroy on finalize for stacks holding tenant data, "
        "roll-out waves through spec.prerequisites, and concurrency bounded per cloud account (a ResourceQuota on "
        "workspace pods per account). Secrets are referenced by name, never read.",
    )
    ren.add_argument("--repo", required=True, metavar="URL", help="the git repository the operator clones")
    ren.add_argument("--branch", required=True, metavar="B", help="the branch the first wave tracks")
    ren.add_argument("--commit", metavar="SHA", help="pin the later waves to this commit (promote by re-rendering)")
    ren.add_argument("--out", metavar="DIR", help="write one file per stack and a shared file to DIR (default: stdout)")
    ren.add_argument(
        "--namespace", default="pulumi-stacks", help="namespace of the Stack objects (default: pulumi-stacks)"
    )
    ren.add_argument(
        "--organization", default="", metavar="ORG", help="Pulumi Cloud organization (stack names become ORG/STACK)"
    )
    ren.add_argument(
        "--backend", metavar="URL", help="a self-managed backend (s3://, gs://, azblob://) instead of Pulumi Cloud"
    )
    ren.add_argument(
        "--token-secret", default="pulumi-api-secret", metavar="NAME", help="Secret holding accessToken (Pulumi Cloud)"
    )
    ren.add_argument(
        "--passphrase-secret",
        metavar="NAME",
        help="Secret holding passphrase, for stacks whose secrets provider is a passphrase",
    )
    ren.add_argument(
        "--canary-percent", type=int, default=10, metavar="P", help="share of tenant stacks in the canary wave"
    )
    ren.add_argument(
        "--per-account", type=int, default=2, metavar="N", help="stack operations running at once per cloud account"
    )
    ren.add_argument("--resync", default="1h", metavar="DURATION", help="how often the operator re-applies each stack")
    ren.add_argument("--image", default="", metavar="IMAGE", help="workspace image (default: the operator's)")
    ren.add_argument(
        "--freshness",
        default="24h",
        metavar="DURATION",
        help="how recently the previous wave must have succeeded (prerequisites' succeededWithinDuration)",
    )
    ren.add_argument("-s", "--stack", action="append", metavar="NAME", help="only these stacks (repeatable)")
    options.add_project_dir(ren)
    ren.set_defaults(run=run_render)
    return p


# --------------------------------------------------------------------------------------------
# preview
# --------------------------------------------------------------------------------------------
def run_preview(args: argparse.Namespace) -> int:
    from contextlib import ExitStack

    from components import stackfiles
    from scripts import fleet

    if args.jobs < 1:
        raise console.UsageError(f"--jobs {args.jobs}: at least one worker")
    console.check_output_path(args.out)
    project_dir = options.project_dir(args)
    config, source = (None, "") if args.no_policy else options.policy_config(args)
    packs = [] if args.no_policy else options.pack_dirs(args)
    available = stackfiles.available_stacks(project_dir)
    stacks = args.stack or available
    unknown = [s for s in stacks if s not in available]
    if unknown:
        raise console.InputError(f"--stack {unknown[0]}: no such stack; stacks: {', '.join(available) or 'none'}")
    plans = Path(args.write_plans) if args.write_plans else None
    if plans is not None and not plans.is_dir():
        raise console.UsageError(f"--write-plans {plans}: no such directory")
    with ExitStack() as scope:
        base_dir = None
        if args.base:
            from scripts.diff import revisions

            repo = revisions.Repo.of(project_dir)
            base_dir = scope.enter_context(revisions.checkout(repo, args.base))
        with console.progress(
            f"Previewing and gating {len(stacks)} stack(s) with {min(args.jobs, len(stacks))} worker(s)",
            unit="stacks",
            total=len(stacks),
        ) as bar:
            results = fleet.preview(
                stacks,
                project_dir,
                jobs=args.jobs,
                base_dir=base_dir,
                packs=packs,
                policy_config=config,
                config_source=source or "policy config",
                on_done=lambda _r: bar.advance(1),
                plans_dir=plans,
            )
    text = _json(results) if args.format == "json" else _text(results, with_changes=bool(args.base))
    console.write_output(text, args.out)
    return fleet.exit_code(results)


def _json(results) -> str:
    from scripts import fleet

    doc = {"stacks": [r.to_json() for r in results], "exitCode": fleet.exit_code(results)}
    return json.dumps(doc, indent=2) + "\n"


def _text(results, *, with_changes: bool) -> str:
    header = (
        f"{'STACK':<28} {'RESOURCES':>9}  {'CHANGES (+ ~ +- -)':<20} {'MANDATORY':>9} {'ADVISORY':>8} "
        f"{'SECONDS':>8}  STATUS"
    )
    lines = [header]
    for r in results:
        changes = "-"
        if with_changes and r.changes is not None:
            c = r.changes
            changes = f"{c['create']} {c['update']} {c['replace']} {c['delete']}" + (" !" if r.attention else "")
        policy = r.policy or {}
        status = (
            "error: " + r.error
            if r.error
            else ("FAILED" if r.exit_code == 1 else "ok" if r.exit_code == 0 else "INCOMPLETE")
        )
        lines.append(
            f"{r.stack:<28} {r.resources:>9}  {changes:<20} {policy.get('mandatory', '-'):>9} "
            f"{policy.get('advisory', '-'):>8} {r.seconds:>8.1f}  {status}"
        )
        lines += [f"    mandatory: {m}" for m in r.mandatory[:5]]
        lines += [f"    error diagnostic: {d}" for d in r.diagnostics[:3]]
    failed = sum(1 for r in results if r.exit_code == 1)
    errors = sum(1 for r in results if r.exit_code == 2)
    total = sum(r.resources for r in results)
    lines.append(
        f"{len(results)} stack(s), {total} resources: {len(results) - failed - errors} passed, {failed} failed the "
        f"policy gate, {errors} could not be previewed or gated"
    )
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# render
# --------------------------------------------------------------------------------------------
def run_render(args: argparse.Namespace) -> int:
    from scripts.fleet import operator

    project_dir = options.project_dir(args)
    operator.parse_duration(args.freshness, "--freshness")
    settings = operator.Settings(
        repo=args.repo,
        branch=args.branch,
        commit=args.commit or "",
        namespace=args.namespace,
        organization=args.organization,
        backend=args.backend or "",
        token_secret=args.token_secret,
        passphrase_secret=args.passphrase_secret or "",
        canary_percent=args.canary_percent,
        per_account=args.per_account,
        resync_seconds=operator.parse_duration(args.resync, "--resync"),
        image=args.image,
        repo_dir=_repo_dir(project_dir),
        freshness=args.freshness,
    )
    out = Path(args.out) if args.out else None
    if out is not None and not out.is_dir():
        raise console.UsageError(f"--out {out}: no such directory")
    rendered = operator.render_project(project_dir, settings, args.stack)
    operator.validate(rendered)
    if out is None:
        console.write_output(operator.to_yaml(rendered.all_objects()), None)
    else:
        for name, objects in rendered.files().items():
            console.write_output(operator.to_yaml(objects), out / name)
    console.info(operator.summary(rendered))
    return console.EXIT_OK


def _repo_dir(project_dir: Path) -> str:
    """Where Pulumi.yaml sits in the repository the operator clones ("." when it is at the top or not in git)."""
    from scripts.diff import revisions

    try:
        return str(revisions.Repo.of(project_dir).project)
    except revisions.GitError:
        return "."
