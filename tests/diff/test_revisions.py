"""plinth diff over two real git revisions of a temporary repository: worktrees, schema changes, Ctrl-C."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from scripts.diff import revisions
from tests.conftest import ROOT

ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=ENV, check=True, capture_output=True, text=True).stdout


def sandbox_stack() -> dict:
    doc = yaml.safe_load((ROOT / "stacks" / "Pulumi.tenant-acme.yaml").read_text())
    config = doc["config"]
    config["plinth:environment"] = "dev"
    tenant = config["plinth:tenants"][0]
    tenant.update(id="acme", tier="standard", compliance=["soc2"])
    tenant.pop("quotas", None)
    return doc


def make_repo(tmp_path: Path, *, policies: bool = False) -> Path:
    repo = tmp_path / "repo"
    (repo / "stacks").mkdir(parents=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, repo / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "components", repo / "components", ignore=ignore)
    if policies:
        shutil.copytree(ROOT / "policies", repo / "policies", ignore=ignore)
    (repo / "stacks" / "Pulumi.sandbox.yaml").write_text(
        "# the sandbox silo stack\n" + yaml.safe_dump(sandbox_stack(), sort_keys=False)
    )
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    return repo


def plinth(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scripts.cli", *args],
        cwd=ROOT,
        env=env or ENV,
        capture_output=True,
        text=True,
        timeout=600,
    )


def edit_stack(repo: Path, change) -> None:
    path = repo / "stacks" / "Pulumi.sandbox.yaml"
    doc = yaml.safe_load(path.read_text())
    change(doc["config"])
    path.write_text(yaml.safe_dump(doc, sort_keys=False))


def test_two_commits_with_a_policy_change(tmp_path):
    repo = make_repo(tmp_path, policies=True)

    def delete_data(config: dict) -> None:
        config["plinth:tenants"][0]["dataDeletion"] = "delete"
        config["plinth:tenants"][0]["allowedEgress"][0]["cidr"] = "52.96.0.0/16"

    edit_stack(repo, delete_data)
    policy = repo / "policies" / "stack" / "stateful_resource_protected.py"
    text = policy.read_text()
    exemption = (
        '        if tags_of(r.props).get(conventions.TAG_DATA_DELETION) == "delete":\n'
        "            continue  # the tenant spec allows deleting this data on purpose\n"
    )
    assert exemption in text, "the policy still has its data-deletion exemption (test fixture)"
    policy.write_text(text.replace(exemption, ""))
    git(repo, "commit", "-q", "-am", "sandbox data may be deleted; the policy no longer exempts it")

    out, sarif = tmp_path / "diff.json", tmp_path / "policy.sarif"
    done = plinth(
        "diff",
        "--sarif",
        str(sarif),
        "--base",
        "HEAD~1",
        "--head",
        "HEAD",
        "--project-dir",
        str(repo),
        "--format",
        "json",
        "--out",
        str(out),
        cwd=repo,
    )
    assert done.returncode == 1, f"new mandatory violations make the exit code 1: {done.stderr}"
    (stack,) = json.loads(out.read_text())["stacks"]
    assert stack["stack"] == "sandbox", "the touched stack is found from the changed files"
    changed = {r["name"]: r for r in stack["resources"]}
    assert changed["acme-netpol-allow-egress"]["op"] == "update"
    assert any(c["path"] == "spec.egress[0].to[0].ipBlock.cidr" for c in changed["acme-netpol-allow-egress"]["changes"])
    bucket = changed["acme-data"]
    assert (
        bucket["op"] == "update"
        and {"path": "[protect]", "kind": "update", "old": True, "new": False, "note": "resource option"}
        in bucket["changes"]
    )
    assert any(a["urn"].endswith("::acme-data") and "loses its protection" in a["risks"][0] for a in stack["attention"])
    new = {(f["policy"], f["urn"].rsplit("::", 1)[-1]) for f in stack["policies"]["new"]}
    assert ("stack-stateful-resource-protected", "acme-data") in new, "the head's own policy change is applied"
    assert stack["policies"]["fixed"] == []
    assert git(repo, "worktree", "list").count("\n") == 1, "both temporary worktrees are removed"
    (run,) = json.loads(sarif.read_text())["runs"]
    assert run["automationDetails"]["id"] == "plinth-policy/sandbox/", "one run per stack, told apart by code scanning"
    located = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in run["results"]
        if r["ruleId"] == "stack-stateful-resource-protected"
    }
    assert located == {"stacks/Pulumi.sandbox.yaml"}, "findings point into the head's stack file"


def test_the_base_stack_file_is_read_by_the_base_program(tmp_path):
    """The base revision's schema accepts a key the head's model does not know: the diff still works."""
    repo = make_repo(tmp_path)
    config_py = repo / "components" / "config.py"
    text = config_py.read_text()
    anchor = "    kubernetes: KubernetesSettings | None = None\n"
    assert anchor in text
    config_py.write_text(text.replace(anchor, anchor + "    legacyOwner: str | None = None\n"))
    edit_stack(repo, lambda c: c.__setitem__("plinth:legacyOwner", "team-a"))
    git(repo, "commit", "-q", "-am", "base schema with legacyOwner")
    config_py.write_text(text)
    edit_stack(repo, lambda c: c.pop("plinth:legacyOwner"))
    edit_stack(repo, lambda c: c["plinth:tenants"][0].__setitem__("costCenter", "cc-2002"))
    git(repo, "commit", "-q", "-am", "head drops legacyOwner, moves the cost center")

    done = plinth(
        "diff",
        "--base",
        "HEAD~1",
        "--head",
        "HEAD",
        "--project-dir",
        str(repo),
        "--no-policy",
        "--format",
        "json",
        cwd=repo,
    )
    assert done.returncode == 0, done.stderr
    (stack,) = json.loads(done.stdout)["stacks"]
    paths = {c["path"] for r in stack["resources"] for c in r["changes"]}
    assert "tags.cost-center" in paths, "the cost-center tag change is seen on the tenant's resources"
    assert stack["summary"]["replace"] == 0 and stack["summary"]["delete"] == 0

    # The head's model does refuse the base file: the diff did not validate the base with it.
    git(repo, "checkout", "-q", "HEAD~1", "--", "stacks/Pulumi.sandbox.yaml")
    done = plinth("stacks", "--project-dir", str(repo), cwd=repo)
    assert "legacyOwner: unknown key" in done.stdout


def test_ctrl_c_removes_the_worktree(tmp_path):
    repo = make_repo(tmp_path)
    edit_stack(repo, lambda c: c["plinth:tenants"][0].__setitem__("costCenter", "cc-9"))
    git(repo, "commit", "-q", "-am", "change")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**ENV, "TMPDIR": str(tmp)}
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scripts.cli",
            "diff",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
            "--project-dir",
            str(repo),
            "--no-policy",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A shell's background job ignores SIGINT, and so would its children: give this one Ctrl-C back.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while not list(tmp.glob("plinth-rev-*/tree/__main__.py")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(tmp.glob("plinth-rev-*")), "a worktree was checked out"
    time.sleep(1.0)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=120)
    assert child.returncode == 130, err
    assert not list(tmp.glob("plinth-rev-*")), "the temporary checkouts are gone"
    assert git(repo, "worktree", "list").count("\n") == 1, "git no longer lists the worktrees"


def test_unknown_revision_and_not_a_repository(tmp_path):
    repo = make_repo(tmp_path)
    done = plinth("diff", "--base", "nope", "--project-dir", str(repo), "--no-policy", cwd=repo)
    assert done.returncode == 2 and "'nope': no such revision" in done.stderr and "Traceback" not in done.stderr
    plain = tmp_path / "plain"
    shutil.copytree(repo, plain, ignore=shutil.ignore_patterns(".git"))
    done = plinth("diff", "--project-dir", str(plain), "--no-policy", cwd=plain)
    assert done.returncode == 2 and "not in a git repository" in done.stderr


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        (["stacks/Pulumi.dev.yaml"], ["dev"]),
        (["README.md", "tests/test_x.py", ".github/workflows/review.yml"], []),
        (["components/tenant/aws.py"], ["dev", "gone", "prod"]),
        (["policies/security/pack.py"], ["dev", "gone", "prod"]),
        (["Pulumi.yaml"], ["dev", "gone", "prod"]),
        (["stacks/Pulumi.gone.yaml"], ["gone"]),
        (["stacks/README.md"], []),
    ],
)
def test_touched_stacks(changed, expected):
    assert revisions.touched_stacks(changed, ["dev", "gone", "prod"], "stacks") == expected
