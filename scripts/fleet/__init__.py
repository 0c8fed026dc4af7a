"""The fleet: every stack of the project previewed and gated in parallel worker processes.

:func:`preview` starts ``jobs`` workers (:mod:`scripts.fleet.worker`, each a process group of its own
with its pack processes) and hands them the stacks one at a time from a shared queue, largest stack
files first, so the workers finish together. A worker that dies is reported for the stack it was on
and replaced for the rest. Every worker and pack process is stopped on every way out (Ctrl-C and a
cancelled CI job's SIGTERM included): each worker leads its own process group, which is killed whole.

The result per stack: resources, changes against ``base_dir`` (another checkout, e.g. the base of a
pull request), the gate's summary, an exit code; the fleet's exit code is the worst of them.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from scripts.console import PlinthError

_BOOTSTRAP = "import sys; sys.path[0] = sys.argv[1]; from scripts.fleet.worker import main; main()"
#: How long a worker may take for one stack before it is stopped (a program stuck in a loop).
STACK_TIMEOUT = 900.0


class FleetError(PlinthError):
    """The fleet could not run at all (no stacks, no worker could start)."""


@dataclass
class StackResult:
    stack: str
    resources: int = 0
    #: Resources per operation against the base, when a base was given.
    changes: dict[str, int] | None = None
    attention: int = 0
    policy: dict[str, Any] | None = None
    mandatory: list[str] = field(default_factory=list)
    exit_code: int = 0
    error: str = ""
    detail: str = ""
    diagnostics: list[str] = field(default_factory=list)
    seconds: float = 0.0
    pid: int = 0
    #: Provider SDKs the worker had imported already when the stack began.
    warm: list[str] = field(default_factory=list)
    #: The worker's peak resident memory so far (MiB).
    peak_mib: float = 0.0

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> "StackResult":
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in doc.items() if k in known})

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in vars(self).items() if k != "detail"}
        return out


class _Process:
    """One worker process (leader of its own process group) and its line protocol."""

    def __init__(self, tool_root: Path, log_dir: Path, number: int):
        self.log = open(log_dir / f"worker-{number}.log", "w+", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _BOOTSTRAP, str(tool_root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            env=env,
            start_new_session=True,
        )

    def ask(self, job: dict[str, Any], timeout: float) -> dict[str, Any] | None:
        """Send a job and wait for its result; None when the worker died or took too long."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            self.proc.stdin.write(json.dumps(job) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return None
        answer: list[str] = []
        reader = threading.Thread(target=lambda: answer.append(self.proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        reader.join(timeout)
        if reader.is_alive() or not answer or not answer[0].strip():
            return None
        result: dict[str, Any] = json.loads(answer[0])
        return result

    def last_words(self) -> str:
        self.log.flush()
        self.log.seek(0)
        lines = [line.rstrip() for line in self.log.read().splitlines() if line.strip()]
        return lines[-1] if lines else f"exit code {self.proc.poll()}"

    def stop(self, *, kill: bool = False) -> None:
        """Close its input (it stops its packs and exits); kill the whole group if it does not, or if asked."""
        if not kill and self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                kill = True
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the worker's group: it and its pack processes
        except (ProcessLookupError, PermissionError):
            pass
        if self.proc.poll() is None:
            self.proc.wait()
        self.log.close()


def _order(stacks: list[str], project_dir: Path) -> list[str]:
    """Largest stack files first: the long ones start early and the workers finish together."""
    from components import stackfiles

    def size(stack: str) -> int:
        try:
            return stackfiles.stack_file_path(project_dir, stack).stat().st_size
        except Exception:  # noqa: BLE001 - a stack that cannot be read is reported by its worker
            return 0

    return sorted(stacks, key=lambda s: (-size(s), s))


@dataclass
class _Options:
    project_dir: Path
    base_dir: Path | None
    packs: list[Path]
    policy_config: Mapping[str, Any] | None
    config_source: str
    timeout: float
    plans_dir: Path | None


class _Fleet:
    """The shared queue, the workers and the results of one fleet run."""

    def __init__(self, stacks: list[str], options: _Options, on_done: Callable[[StackResult], None] | None):
        self.options, self.on_done = options, on_done
        self.tool_root = Path(__file__).resolve().parents[2]
        self.todo: queue.Queue[tuple[int, str]] = queue.Queue()
        for i, stack in enumerate(_order(stacks, options.project_dir)):
            self.todo.put((i, stack))
        self.results: dict[str, StackResult] = {}
        self.live: list[_Process] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def job(self, i: int, stack: str) -> dict[str, Any]:
        o = self.options
        return {
            "id": i,
            "stack": stack,
            "project_dir": str(o.project_dir),
            "base_dir": str(o.base_dir) if o.base_dir else None,
            "packs": [str(p) for p in o.packs],
            "policy_config": dict(o.policy_config) if o.policy_config else None,
            "config_source": o.config_source,
            "write_plan": str(o.plans_dir / f"{stack}.json") if o.plans_dir else None,
        }

    def record(self, result: StackResult) -> None:
        with self.lock:
            self.results[result.stack] = result
        if self.on_done is not None:
            self.on_done(result)

    def spawn(self, number: int, log_dir: Path) -> _Process | None:
        """A new worker, or None once the fleet is stopping (none may start after the clean-up)."""
        with self.lock:
            if self.stopping.is_set():
                return None
            process = _Process(self.tool_root, log_dir, number)
            self.live.append(process)
        return process

    def drive(self, number: int, log_dir: Path) -> None:
        """One worker's loop: take the next stack until none is left (a dead worker is replaced)."""
        process = self.spawn(number, log_dir)
        while process is not None and not self.stopping.is_set():
            try:
                i, stack = self.todo.get_nowait()
            except queue.Empty:
                break
            answer = process.ask(self.job(i, stack), self.options.timeout)
            if answer is None:
                if self.stopping.is_set():
                    return
                self.record(StackResult(stack, exit_code=2, error=f"the worker stopped: {process.last_words()}"))
                process.stop(kill=True)
                process = self.spawn(number, log_dir)
                continue
            self.record(StackResult.from_json(answer))
        if process is not None:
            process.stop()

    def run(self, jobs: int) -> None:
        with tempfile.TemporaryDirectory(prefix="plinth-fleet-") as logs:
            threads = [threading.Thread(target=self.drive, args=(n, Path(logs)), daemon=True) for n in range(jobs)]
            try:
                for t in threads:
                    t.start()
                for t in threads:
                    while t.is_alive():
                        t.join(0.2)
            finally:  # Ctrl-C, SIGTERM or an error here: no worker or pack outlives the command
                with self.lock:
                    self.stopping.set()  # under the lock: no worker starts after this
                    remaining = list(self.live)
                for process in remaining:
                    if process.proc.poll() is None:
                        process.stop(kill=True)


def preview(
    stacks: list[str],
    project_dir: Path,
    *,
    jobs: int = 2,
    base_dir: Path | None = None,
    packs: list[Path] | None = None,
    policy_config: Mapping[str, Any] | None = None,
    config_source: str = "policy config",
    on_done: Callable[[StackResult], None] | None = None,
    timeout: float = STACK_TIMEOUT,
    plans_dir: Path | None = None,
) -> list[StackResult]:
    """Preview (and gate, with ``packs``) every stack; results in the order of ``stacks``."""
    if not stacks:
        raise FleetError(f"{project_dir}: no stacks to preview")
    options = _Options(project_dir, base_dir, list(packs or []), policy_config, config_source, timeout, plans_dir)
    run = _Fleet(stacks, options, on_done)
    run.run(max(1, min(jobs, len(stacks))))
    return [run.results[s] for s in stacks if s in run.results]


def exit_code(results: list[StackResult]) -> int:
    return max((r.exit_code for r in results), default=0)
