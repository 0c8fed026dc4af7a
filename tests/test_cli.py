"""The `plinth` command as a user runs it: exit codes, one-line errors, readable output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from scripts import cli

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = {"config": {"plinth:environment": "dev", "plinth:tenants": []}}


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_preview_json_of_a_minimal_stack(make_project, capsys):
    project = make_project("mini", MINIMAL)
    code, out, err = run_cli(
        capsys, "preview", "--stack", "mini", "--format", "json", "--no-policy", "--project-dir", str(project)
    )
    assert code == 0, err
    plan = json.loads(out)
    types = [s["newState"]["type"] for s in plan["steps"]]
    assert types == ["pulumi:pulumi:Stack", "plinth:index:Platform"], types
    assert plan["changeSummary"] == {"create": 2}
    assert plan["policies"] == []


def test_missing_stack_lists_the_stacks(make_project, capsys):
    project = make_project("mini", MINIMAL)
    code, out, err = run_cli(capsys, "preview", "--stack", "nope", "--no-policy", "--project-dir", str(project))
    assert code == 2 and out == ""
    assert "stacks/Pulumi.nope.yaml: no such stack file; stacks in this project: mini" in err


def test_program_error_is_one_line_and_debug_shows_the_traceback(make_project, capsys):
    project = make_project("mini", MINIMAL)
    (project / "__main__.py").write_text("raise RuntimeError('the program broke')\n")
    code, out, err = run_cli(capsys, "preview", "--stack", "mini", "--no-policy", "--project-dir", str(project))
    assert code == 2
    assert "the program failed: RuntimeError: the program broke" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) <= 2
    code, _, err = run_cli(
        capsys, "--debug", "preview", "--stack", "mini", "--no-policy", "--project-dir", str(project)
    )
    assert code == 2 and "Traceback" in err


def test_out_writes_a_file(make_project, capsys, tmp_path):
    project = make_project("mini", MINIMAL)
    target = tmp_path / "plan.md"
    code, out, err = run_cli(
        capsys,
        "preview",
        "--stack",
        "mini",
        "--format",
        "markdown",
        "--no-policy",
        "--out",
        str(target),
        "--project-dir",
        str(project),
    )
    assert code == 0 and out == ""
    assert target.read_text().startswith("### Plinth preview of `mini`")


def test_render_a_real_pulumi_preview_json(capsys):
    code, out, err = run_cli(capsys, "render", str(FIXTURES / "pulumi-preview.json"), "--format", "markdown")
    assert code == 0, err
    assert "**2 unchanged, 1 to update, 1 to create, 1 to delete**" in out
    assert "| aws | `aws:kms/key:Key` | 1 |" in out
    assert "<details><summary><code>plinth:index:Platform</code> <b>plinth</b>" in out
    assert "(known after apply)" in out, "unknown inputs are shown the way the CLI shows them"
    assert "_(protected)_" in out

    code, out, err = run_cli(capsys, "render", str(FIXTURES / "pulumi-preview.json"), "--format", "text")
    assert code == 0
    assert "~ aws:s3/bucket:Bucket acme-data (protected)" in out
    assert "- aws:sns/topic:Topic old-alerts" in out


def test_render_rejects_files_that_are_not_previews(tmp_path, capsys):
    bad = tmp_path / "x.json"
    bad.write_text("[1, 2]")
    code, _, err = run_cli(capsys, "render", str(bad))
    assert code == 2 and "expected a JSON object" in err
    bad.write_text("{not json")
    code, _, err = run_cli(capsys, "render", str(bad))
    assert code == 2 and "not JSON" in err


def test_stacks_validates_every_stack_file(make_project, capsys):
    make_project("mini", MINIMAL)
    project = make_project("broken", {"config": {"plinth:environment": "qa"}})
    code, out, _ = run_cli(capsys, "stacks", "--project-dir", str(project))
    assert code == 2
    assert "mini" in out and "broken" in out and "plinth:environment" in out


def test_preview_dev_as_json_with_an_empty_environment(project_root, tmp_path):
    """`plinth preview --stack dev --format json` needs no credentials and no pulumi binary."""
    env = {"PATH": str(Path(sys.executable).parent), "HOME": str(tmp_path)}
    assert not any(Path(p, "pulumi").exists() for p in env["PATH"].split(os.pathsep))
    done = subprocess.run(
        [sys.executable, "-m", "scripts.cli", "preview", "--stack", "dev", "--format", "json", "--no-policy"],
        cwd=tmp_path,
        env=env | {"PYTHONPATH": str(project_root)},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    types = {s["newState"]["type"] for s in plan["steps"]}
    assert "plinth:index:Platform" in types and "plinth:index:Tenant" in types
