"""The `plinth` command as a user runs it: exit codes, one-line errors, readable output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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


# --------------------------------------------------------------------------------------------
# Secrets, user data and errors (issue 9 items 5, 11)
# --------------------------------------------------------------------------------------------
SECRET_ENVELOPE = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "plaintext": '"hunter2"'}


def test_render_never_prints_what_a_secret_envelope_holds(tmp_path, capsys):
    preview = json.loads((FIXTURES / "pulumi-preview.json").read_text())
    preview["steps"][3]["newState"]["inputs"]["password"] = SECRET_ENVELOPE
    preview["steps"][3]["newState"]["inputs"]["nested"] = [{"token": dict(SECRET_ENVELOPE, ciphertext="v1:abc")}]
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(preview))
    for fmt in ("markdown", "text"):
        code, out, err = run_cli(capsys, "render", str(path), "--format", fmt, "--details")
        assert code == 0, err
        assert "hunter2" not in out and "v1:abc" not in out, f"{fmt}: plaintext of a secret was printed"
        assert "[secret]" in out, f"{fmt}: the secret is shown as [secret], as the gate shows it"


def tenant_named(display_name: str) -> dict:
    return {
        "config": {
            "plinth:environment": "dev",
            "plinth:kubernetes": {"version": "1.33"},
            "plinth:tenants": [
                {
                    "id": "acme",
                    "displayName": display_name,
                    "tier": "standard",
                    "costCenter": "cc-1",
                    "cloud": "none",
                    "ownerGroups": {"admins": ["a"]},
                }
            ],
        }
    }


def test_user_data_that_looks_like_markup_is_printed_as_it_is(make_project, capsys):
    project = make_project("markup", tenant_named("Acme [/bold] Audio [beta]"))
    for fmt in ("text", "markdown"):
        code, out, err = run_cli(
            capsys,
            "preview",
            "-s",
            "markup",
            "--details",
            "--no-policy",
            "--format",
            fmt,
            "--project-dir",
            str(project),
        )
        assert code == 0, err
        assert "Acme [/bold] Audio [beta]" in out, f"{fmt}: the display name must not be read as markup"


def test_config_errors_carry_no_class_name_and_a_directory_is_no_stack(make_project, capsys):
    project = make_project("mini", MINIMAL)
    (project / "stacks" / "Pulumi.dir.yaml").mkdir()
    code, out, err = run_cli(capsys, "stacks", "--project-dir", str(project))
    assert "Traceback" not in err and "mini" in out, "one odd entry does not abort the listing"
    assert code in (0, 2) and ("dir" not in out or "stacks/Pulumi.dir.yaml: is a directory" in out), out

    (project / "stacks" / "Pulumi.latin.yaml").write_bytes("config:\n  plinth:environment: d\xe9v\n".encode("latin-1"))
    code, _, err = run_cli(capsys, "preview", "-s", "latin", "--no-policy", "--project-dir", str(project))
    assert code == 2 and "stacks/Pulumi.latin.yaml: not UTF-8 text" in err and "Traceback" not in err, err

    (project / "Pulumi.yaml").write_text("name: [unclosed\n")
    code, _, err = run_cli(capsys, "stacks", "--project-dir", str(project))
    assert code == 2 and err.startswith("error: Pulumi.yaml: ") and "ConfigError" not in err, err


# --------------------------------------------------------------------------------------------
# Markdown for pull requests (issue 9 item 13)
# --------------------------------------------------------------------------------------------
GITHUB_COMMENT_LIMIT = 65_536


def test_the_dev_preview_fits_a_github_comment_summary_first(capsys):
    code, out, err = run_cli(capsys, "preview", "-s", "dev", "--format", "markdown")
    assert code == 0, err
    assert len(out) <= GITHUB_COMMENT_LIMIT, f"{len(out)} characters: GitHub refuses comments over 65,536"
    assert (
        out.index("| provider | type | count |") < out.index("### Policy gate") < out.index("<details><summary><code>")
    )
    assert "```json" not in out, "inputs only on request"

    code, out, err = run_cli(capsys, "preview", "-s", "dev", "--format", "markdown", "--details", "--no-policy")
    assert code == 0, err
    assert len(out) <= GITHUB_COMMENT_LIMIT
    assert out.count("```json") >= 10, "--details adds resources' inputs, as many as fit"
    assert "`plinth preview --format json` has everything" in out, "what did not fit is said"


# --------------------------------------------------------------------------------------------
# The command itself (issue 9 item 14)
# --------------------------------------------------------------------------------------------
def test_version_and_debug_after_the_command(make_project, capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.startswith("plinth ")
    project = make_project("mini", MINIMAL)
    (project / "__main__.py").write_text("raise RuntimeError('the program broke')\n")
    code, _, err = run_cli(capsys, "preview", "-s", "mini", "--no-policy", "--project-dir", str(project), "--debug")
    assert code == 2 and "Traceback" in err and "RuntimeError: the program broke" in err
    assert "in the child process" in err, "the program's own traceback, from the process it ran in"


def test_every_option_has_help():
    parser = cli.build_parser()
    subparsers = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    missing = []
    for name, sub in [("plinth", parser), *subparsers.choices.items()]:
        for action in sub._actions:
            if action.help is None:
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert missing == [], f"options without help text: {missing}"


def test_stacks_has_a_header_and_a_summary(make_project, capsys):
    make_project("mini", MINIMAL)
    project = make_project("broken", {"config": {"plinth:environment": "qa"}})
    code, out, _ = run_cli(capsys, "stacks", "--project-dir", str(project))
    lines = out.splitlines()
    assert lines[0].split() == ["STACK", "STATUS", "ENVIRONMENT", "TENANTS"]
    assert lines[-1] == "2 stack(s): 1 valid, 1 invalid" and code == 2


# --------------------------------------------------------------------------------------------
# One environment for the CLI and for plinth (issue 9 item 16)
# --------------------------------------------------------------------------------------------
def test_the_readme_names_one_virtualenv_and_the_install_cost(project_root):
    import yaml

    runtime = yaml.safe_load((project_root / "Pulumi.yaml").read_text())["runtime"]
    venv = runtime["options"]["virtualenv"]
    readme = (project_root / "README.md").read_text()
    assert f"python3 -m venv {venv} " in readme, "the README installs into the virtualenv the Pulumi CLI uses"
    assert "venv ./venv" not in readme and "into `./venv`" not in readme, "one environment, not two"
    assert "1.6 GB" in readme and "minutes" in readme, "the README says what the install costs"
