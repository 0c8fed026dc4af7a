"""A fleet worker: one process that previews and gates many stacks in turn, each in a clean program state.

Why: a stack's offline preview spends most of its time importing the provider SDKs (``pulumi_aws``
and friends, hundreds of MB of generated modules) and its gate starting the policy packs. A worker
pays both once: the provider SDKs stay imported, and the pack processes stay up between stacks
(:class:`scripts.gate.Session`: Plinth's packs adopt the stack each ConfigureStack names).

What must not carry over from one program to the next is the program itself. Before a program runs
and after it, every module loaded from the project's directory (``components.*``, and the base
revision's checkout for ``--base``) is dropped from ``sys.modules``, so the next program imports
its modules afresh - module-level registries, caches and globals start empty - while modules from
elsewhere (the Pulumi SDK, the provider SDKs, pydantic) stay. The Pulumi runtime's own state
(settings, config, the event loop) is set anew by :func:`scripts.engine.run` for every program.
The tool's own package (``scripts``) is never dropped. ``tests/fleet/test_worker.py`` shows a
program's module state does not leak into the next stack's plan.

Protocol: one JSON job per line on stdin, one JSON result per line on the original stdout (the
worker points its own fd 1 at stderr, so nothing a program prints can corrupt the protocol; what a
program prints with ``print`` becomes info diagnostics, as under the Pulumi CLI).
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import resource
import sys
import time
import traceback
from pathlib import Path
from typing import Any

#: Top-level packages that are the tool itself (never dropped between programs).
TOOL_PACKAGES = frozenset({"scripts"})
#: The provider SDKs whose import a worker pays once (reported per stack as "warm").
PROVIDER_SDKS = ("pulumi_aws", "pulumi_gcp", "pulumi_azure_native", "pulumi_kubernetes")


def _module_paths(module: Any) -> list[str]:
    paths = [getattr(module, "__file__", None) or ""]
    paths += list(getattr(module, "__path__", []) or [])
    return [p for p in paths if p]


def _installed() -> tuple[str, ...]:
    """Where installed packages live (a virtualenv may sit inside the project: never the program's)."""
    import site
    import sysconfig

    places = {sys.prefix, sys.exec_prefix, sys.base_prefix, *site.getsitepackages(), sysconfig.get_paths()["purelib"]}
    return tuple(str(Path(p).resolve()) + os.sep for p in places if p)


#: Whether a module (by name and identity) is installed, i.e. never the program's: decided once per module.
_INSTALLED_CACHE: dict[tuple[str, int], bool] = {}


def _is_installed(name: str, module: Any, installed: tuple[str, ...]) -> bool:
    key = (name, id(module))
    if key not in _INSTALLED_CACHE:
        paths = _module_paths(module)
        _INSTALLED_CACHE[key] = bool(paths) and all(
            os.path.realpath(p).startswith(installed) or p.startswith(installed) for p in paths
        )
    return _INSTALLED_CACHE[key]


def program_modules(roots: list[Path], names: frozenset[str] | None = None) -> list[str]:
    """Loaded modules whose files lie under ``roots`` (the tool's package and installed ones excepted).

    ``names``: only modules of these top-level packages. Module paths are compared as written and as
    resolved (a module's ``__file__`` is absolute; a root may be reached through a symlink).
    """
    prefixes = tuple({str(r) + os.sep for r in roots} | {str(r.resolve()) + os.sep for r in roots})
    installed = _installed()
    out = []
    for name, module in list(sys.modules.items()):
        top = name.split(".")[0]
        if top in TOOL_PACKAGES or module is None or (names is not None and top not in names):
            continue
        if _is_installed(name, module, installed):
            continue
        paths = _module_paths(module)
        if any(p.startswith(prefixes) or os.path.realpath(p).startswith(prefixes) for p in paths):
            out.append(name)
    return out


def forget(roots: list[Path], names: frozenset[str] | None = None) -> list[str]:
    """Drop the modules of ``roots`` so the next import runs them afresh; returns their names."""
    dropped = program_modules(roots, names)
    for name in dropped:
        sys.modules.pop(name, None)
    importlib.invalidate_caches()
    return dropped


def shadowed(project_dir: Path) -> frozenset[str]:
    """Top-level modules the project has of its own (they win over the tool's on the program's sys.path)."""
    out = set()
    for entry in project_dir.iterdir():
        if entry.is_dir() and (entry / "__init__.py").is_file():
            out.add(entry.name)
        elif entry.suffix == ".py" and entry.stem != "__main__":
            out.add(entry.stem)
    return frozenset(out - TOOL_PACKAGES)


def preview(stack: str, project_dir: Path, tool_root: Path) -> Any:
    """The offline plan of ``stack`` of the project at ``project_dir``, run in this process, cleanly."""
    from scripts import engine

    project_dir = project_dir.resolve()
    roots = [tool_root, project_dir]
    # The stack file is read as the CLI reads it (the program validates it with its own model).
    job = engine.load_stack(stack, project_dir, validate=False)
    if project_dir != tool_root:
        # The reader imported the tool's modules; where the project has its own (another checkout's
        # components), its program must import those instead.
        forget([tool_root], shadowed(project_dir))
    sys.path.insert(0, str(project_dir))
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            plan = engine.run_job(job)
    finally:
        sys.path.remove(str(project_dir))
        forget(roots)
    plan.diagnostics += [
        engine.Diagnostic("info", line, plan.stack_urn) for line in printed.getvalue().splitlines() if line.strip()
    ]
    return plan, job


class Worker:
    def __init__(self, tool_root: Path):
        from scripts import gate

        self.tool_root = tool_root.resolve()
        self.session = gate.Session()

    def run(self, job: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        result: dict[str, Any] = {
            "id": job["id"],
            "stack": job["stack"],
            "pid": os.getpid(),
            # Provider SDKs already imported when the stack began: the import a worker saves.
            "warm": sorted(name for name in PROVIDER_SDKS if name in sys.modules),
        }
        try:
            result.update(self._run(job))
        except Exception as err:  # noqa: BLE001 - every failure is reported for its stack; the worker goes on
            from scripts.console import PlinthError

            message = err.message if isinstance(err, PlinthError) else f"{type(err).__name__}: {err}"
            result.update(error=message, exit_code=2, detail=getattr(err, "detail", "") or traceback.format_exc())
        result["seconds"] = round(time.perf_counter() - started, 3)
        result["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        return result

    def _run(self, job: dict[str, Any]) -> dict[str, Any]:
        from scripts.gate.resources import from_preview

        head, loaded = preview(job["stack"], Path(job["project_dir"]), self.tool_root)
        doc = head.to_json()
        out: dict[str, Any] = {"resources": len(head.resources), "exit_code": 0, "diagnostics": _errors(head)}
        if out["diagnostics"]:
            out["exit_code"] = 2
        if job.get("base_dir"):
            out.update(self._changes(job, doc))
        if job.get("packs"):
            report = self._gate(job, from_preview(doc, "plan"), loaded)
            out["policy"] = report.summary()
            out["mandatory"] = [f"{f.policy}: {f.resource or '(stack)'}: {f.message}" for f in report.mandatory]
            out["exit_code"] = max(out["exit_code"], report.exit_code)
        if job.get("write_plan"):
            Path(job["write_plan"]).write_text(json.dumps(doc))
        return out

    def _changes(self, job: dict[str, Any], head_doc: dict[str, Any]) -> dict[str, Any]:
        from scripts.diff import diff_plans

        base_dir = Path(job["base_dir"])
        try:
            base, _ = preview(job["stack"], base_dir, self.tool_root)
            base_doc = base.to_json()
        except Exception as err:  # noqa: BLE001 - a stack new in head has no base: all creates
            if "no such stack file" not in str(err):
                raise
            base_doc = {"steps": []}
        diff = diff_plans(base_doc, head_doc, base_source="base", head_source="head")
        return {"changes": diff.counts(), "attention": len(diff.attention())}

    def _gate(self, job: dict[str, Any], resources: list[Any], loaded: Any) -> Any:
        from scripts import gate

        return gate.evaluate(
            resources,
            [Path(p) for p in job["packs"]],
            job.get("policy_config"),
            project=loaded.project,
            stack=job["stack"],
            stack_config=dict(loaded.config),
            config_source=job.get("config_source") or "policy config",
            session=self.session,
        )

    def close(self) -> None:
        self.session.close()


def _errors(plan: Any) -> list[str]:
    return [d.message for d in plan.diagnostics if d.severity == "error"]


def main() -> None:
    """Serve jobs from stdin until it closes (see the module docstring)."""
    protocol = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)
    tool_root = Path(__file__).resolve().parents[2]
    worker = Worker(tool_root)
    try:
        for line in sys.stdin:
            if line.strip():
                protocol.write(json.dumps(worker.run(json.loads(line))) + "\n")
    finally:
        worker.close()
        protocol.close()
