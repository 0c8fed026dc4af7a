"""Fleet workers preview many stacks in one process, each program in a clean module state, and leave nothing running."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from scripts import engine, fleet
from tests import processes
from tests.conftest import ROOT

MAIN = """
import pulumi
import mylib

cfg = pulumi.Config()
mylib.CALLS.append(cfg.require_int("count"))
# A program that leaks module state between runs would create more things each time.
for i in range(sum(mylib.CALLS)):
    pulumi.ComponentResource("mini:index:Thing", f"thing-{i}")
print(f"calls so far: {mylib.CALLS}")
pulumi.export("calls", list(mylib.CALLS))
pulumi.export("extra", cfg.get("extra"))
"""


def mini_project(tmp_path: Path) -> Path:
    project = tmp_path / "mini"
    (project / "stacks").mkdir(parents=True)
    (project / "mylib").mkdir()
    (project / "Pulumi.yaml").write_text("name: mini\nruntime: python\nstackConfigDir: stacks\n")
    (project / "__main__.py").write_text(MAIN)
    (project / "mylib" / "__init__.py").write_text("CALLS: list[int] = []  # module state\n")
    (project / "stacks" / "Pulumi.a.yaml").write_text("config:\n  mini:count: 3\n  mini:extra: from-a\n")
    (project / "stacks" / "Pulumi.b.yaml").write_text("config:\n  mini:count: 1\n")
    (project / "stacks" / "Pulumi.c.yaml").write_text("config:\n  mini:count: oops\n")
    return project


def comparable(plan: dict) -> dict:
    return {k: v for k, v in plan.items() if k != "duration"}


def test_each_stack_runs_in_a_clean_program_state(tmp_path):
    project = mini_project(tmp_path)
    plans = tmp_path / "plans"
    plans.mkdir()
    results = fleet.preview(["a", "c", "b"], project, jobs=1, plans_dir=plans)
    by_stack = {r.stack: r for r in results}
    assert len({r.pid for r in results}) == 1, "one worker ran every stack"
    a, b = (json.loads((plans / f"{s}.json").read_text()) for s in ("a", "b"))
    assert a["outputs"] == {"calls": [3], "extra": "from-a"}
    assert b["outputs"] == {"calls": [1]}, "b sees neither a's module state nor a's config (a None export is left out)"
    assert comparable(b) == comparable(engine.preview_plan("b", project, validate=False)), "as in a fresh process"
    assert by_stack["b"].resources == 2 and by_stack["a"].resources == 4, "stack + things (a: 3, b: 1)"
    assert by_stack["c"].exit_code == 2 and "count" in by_stack["c"].error, "a failing program fails its stack only"
    assert by_stack["b"].exit_code == 0, "and the worker goes on with the next stack"
    printed = [d["message"] for d in b["diagnostics"]]
    assert printed == ["calls so far: [1]"], "what a program prints becomes an info diagnostic of its stack"


def test_plinth_stacks_in_one_worker_match_fresh_previews(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    results = fleet.preview(["tenant-acme", "dev"], ROOT, jobs=1, plans_dir=plans)
    assert all(r.exit_code == 0 for r in results), [r.error for r in results]
    by_stack = {r.stack: r for r in results}
    # The larger stack file goes first; the second stack finds the provider SDKs imported already.
    assert by_stack["dev"].warm == [] and "pulumi_aws" in by_stack["tenant-acme"].warm
    for stack in ("dev", "tenant-acme"):
        fresh = engine.preview_plan(stack, ROOT)
        assert comparable(json.loads((plans / f"{stack}.json").read_text())) == comparable(fresh), stack


def test_ctrl_c_stops_every_worker_and_pack(tmp_path):
    marker = f"PLINTH_FLEET_TEST_{os.getpid()}"
    env = {**os.environ, marker: "1"}
    child = subprocess.Popen(
        [sys.executable, "-m", "scripts.cli", "fleet", "preview", "--jobs", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A shell's background job ignores SIGINT, and so would its children: give this one Ctrl-C back.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any("pulumi.policy" in c for c in processes.with_environ(marker)):
        time.sleep(0.2)
    assert any("pulumi.policy" in c for c in processes.with_environ(marker)), "the workers started their packs"
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=120)
    assert child.returncode == 130, err
    time.sleep(0.5)
    assert processes.with_environ(marker) == [], "no worker or pack process outlives the command"


def test_bad_input_is_one_line(tmp_path, capsys):
    from scripts import cli

    assert cli.main(["fleet", "preview", "--stack", "nope"]) == 2
    assert "--stack nope: no such stack" in capsys.readouterr().err
    assert cli.main(["fleet", "preview", "--jobs", "0"]) == 2
    empty = tmp_path / "empty"
    (empty / "stacks").mkdir(parents=True)
    (empty / "Pulumi.yaml").write_text("name: plinth\nruntime: python\nstackConfigDir: stacks\n")
    assert cli.main(["fleet", "preview", "--project-dir", str(empty)]) == 2
    assert "no stacks to preview" in capsys.readouterr().err


def test_changes_against_a_base_revision_in_the_same_worker(tmp_path):
    """Head and base are two checkouts with their own components: one worker runs both, each with its own."""
    from tests.diff.test_revisions import edit_stack, git, make_repo

    repo = make_repo(tmp_path)
    config_py = repo / "components" / "config.py"
    text = config_py.read_text()
    anchor = "    kubernetes: KubernetesSettings | None = None\n"
    config_py.write_text(text.replace(anchor, anchor + "    legacyOwner: str | None = None\n"))
    edit_stack(repo, lambda c: c.__setitem__("plinth:legacyOwner", "team-a"))
    git(repo, "commit", "-q", "-am", "base: a schema with legacyOwner")
    config_py.write_text(text)
    edit_stack(repo, lambda c: c.pop("plinth:legacyOwner"))
    edit_stack(repo, lambda c: c["plinth:tenants"][0]["allowedEgress"].append({"cidr": "10.9.0.0/16", "ports": [443]}))
    git(repo, "commit", "-q", "-am", "head: no legacyOwner, one more egress rule")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.cli",
            "fleet",
            "preview",
            "--base",
            "HEAD~1",
            "--jobs",
            "1",
            "--no-policy",
            "--project-dir",
            str(repo),
            "--format",
            "json",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    (stack,) = json.loads(done.stdout)["stacks"]
    assert stack["changes"]["update"] == 1 and stack["changes"]["create"] == 0, stack
    assert git(repo, "worktree", "list").count("\n") == 1, "the base checkout is removed"


def test_the_command_summarises_every_stack_and_exits_with_the_worst(tmp_path, capsys):
    from scripts import cli

    project = mini_project(tmp_path)
    out = tmp_path / "fleet.json"
    code = cli.main(["fleet", "preview", "--jobs", "2", "--project-dir", str(project), "--format", "json",
                     "--out", str(out)])  # fmt: skip
    doc = json.loads(out.read_text())
    by_stack = {s["stack"]: s for s in doc["stacks"]}
    assert set(by_stack) == {"a", "b", "c"}, "every stack in stacks/ when none is named"
    assert by_stack["c"]["exit_code"] == 2 and by_stack["a"]["exit_code"] in (0, 1)
    assert code == 2 and doc["exitCode"] == 2, "the fleet's exit code is the worst of its stacks"
    assert cli.main(["fleet", "preview", "--stack", "a", "--stack", "b", "--project-dir", str(project)]) in (0, 1)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[1:3]] == ["a", "b"], lines
    assert lines[-1].startswith("2 stack(s), 6 resources:") and "0 could not be previewed" in lines[-1], lines[-1]
