"""`plinth policy` as a user runs it: the three inputs, the formats and the exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts import cli
from tests.processes import descendants

SAMPLE = str(Path(__file__).parent / "sample_pack")
BUCKET = "urn:pulumi:prod::shop::test:index:Bucket::{}"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def export(tmp_path: Path, *buckets: tuple[str, bool, bool]) -> Path:
    """A `pulumi stack export` file with buckets (name, versioned, protect)."""
    resources = [
        {"urn": "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod", "type": "pulumi:pulumi:Stack", "custom": False}
    ]
    for name, versioned, protect in buckets:
        resources.append(
            {
                "urn": BUCKET.format(name),
                "type": "test:index:Bucket",
                "custom": True,
                "id": name,
                "inputs": {"versioned": versioned, "sizeGb": 1},
                "outputs": {
                    "versioned": versioned,
                    "sizeGb": 1,
                    "tags": {"owner": "me"},
                    "secretThing": {
                        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                        "ciphertext": "v1:abc",
                    },
                },
                "protect": protect,
                "parent": "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod",
            }
        )
    path = tmp_path / "state.json"
    path.write_text(json.dumps({"version": 3, "deployment": {"manifest": {}, "resources": resources}}))
    return path


def test_state_export_with_a_violation_exits_1_and_reports_json(capsys, tmp_path):
    state = export(tmp_path, ("logs", False, True))
    code, out, _ = run(capsys, "policy", "--state", str(state), "--pack", SAMPLE, "--format", "json")
    assert code == 1
    report = json.loads(out)
    [violation] = report["violations"]
    assert violation["policy"] == "test-bucket-versioning-required" and violation["urn"] == BUCKET.format("logs")
    assert violation["enforcementLevel"] == "mandatory" and violation["policyPack"] == "sample"
    assert set(violation) >= {
        "policyPack",
        "policyPackVersion",
        "policy",
        "description",
        "message",
        "urn",
        "resourceType",
        "enforcementLevel",
        "severity",
        "frameworks",
    }
    assert report["summary"]["mandatory"] == 1 and report["summary"]["passed"] is False
    assert "ciphertext" not in out


def test_clean_state_exits_0(capsys, tmp_path):
    code, out, _ = run(capsys, "policy", "--state", str(export(tmp_path, ("logs", True, True))), "--pack", SAMPLE)
    assert code == 0 and "Policy gate passed" in out


def test_preview_json_input_and_sarif_output(capsys, tmp_path):
    preview = {
        "steps": [
            {
                "op": "create",
                "urn": BUCKET.format("a"),
                "newState": {
                    "urn": BUCKET.format("a"),
                    "type": "test:index:Bucket",
                    "custom": True,
                    "inputs": {"versioned": False, "sizeGb": 1},
                },
            },
            {
                "op": "delete",
                "urn": BUCKET.format("gone"),
                "oldState": {"urn": BUCKET.format("gone"), "type": "test:index:Bucket", "custom": True, "inputs": {}},
            },
        ]
    }
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(preview))
    out_file = tmp_path / "report.sarif"
    # A preview of another project than this one's (shop, not plinth) is gated on request only.
    code, out, _ = run(
        capsys,
        "policy",
        "--preview-json",
        str(path),
        "--pack",
        SAMPLE,
        "--format",
        "sarif",
        "--out",
        str(out_file),
        "--allow-other-project",
    )
    assert code == 1 and out == ""
    sarif = json.loads(out_file.read_text())
    urns = [r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in sarif["runs"][0]["results"]]
    assert BUCKET.format("a") in urns and BUCKET.format("gone") not in urns


def test_config_file_and_bad_inputs_exit_2_with_one_line(capsys, tmp_path):
    state = export(tmp_path, ("logs", False, True))
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"test-bucket-versioning-required": "advisory"}))
    code, out, _ = run(
        capsys, "policy", "--state", str(state), "--pack", SAMPLE, "--config", str(config), "--format", "markdown"
    )
    assert code == 0 and "Policy gate ✅ passed" in out and "test-bucket-versioning-required" in out

    config.write_text(json.dumps({"test-bucket-size-limited": {"maxGb": "big"}}))
    code, _, err = run(capsys, "policy", "--state", str(state), "--pack", SAMPLE, "--config", str(config))
    assert code == 2 and f"{config}: test-bucket-size-limited.maxGb: 'big' is not of type 'integer'" in err
    assert "Traceback" not in err

    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    code, _, err = run(capsys, "policy", "--state", str(broken), "--pack", SAMPLE)
    assert code == 2 and f"{broken}: not JSON" in err
    code, _, err = run(capsys, "policy", "--preview-json", str(state), "--pack", SAMPLE)
    assert code == 2 and "no 'steps'" in err
    code, _, err = run(capsys, "policy", "--state", str(tmp_path / "missing.json"), "--pack", SAMPLE)
    assert code == 2 and "cannot read" in err


def test_preview_runs_the_packs_by_default_and_fills_the_policies_section(capsys):
    code, out, err = run(capsys, "preview", "--stack", "dev", "--format", "json")
    assert code == 0, err
    plan = json.loads(out)
    unknown = [f for f in plan["policies"] if f["status"] == "unknown"]
    assert unknown and all(f["policyPack"].startswith("plinth-") for f in plan["policies"])
    assert not [f for f in plan["policies"] if f["status"] == "violation" and f["enforcementLevel"] == "mandatory"]


def test_preview_exits_1_on_mandatory_violations(make_project, capsys):
    # Config validation checks the compliance list; a free-form tag that marks data as GDPR
    # while the tenant lives in the US is what the residency policy is for.
    doc = {
        "config": {
            "plinth:environment": "dev",
            "plinth:aws": {"region": "us-east-1", "accountId": "123456789012"},
            "plinth:tenants": [
                {
                    "id": "tmp",
                    "displayName": "Temp",
                    "tier": "standard",
                    "costCenter": "cc-9",
                    "cloud": "aws",
                    "dataResidency": "us",
                    "ownerGroups": {"admins": ["a"]},
                    "tags": {"compliance": "gdpr"},
                }
            ],
        }
    }
    project = make_project("us", doc)
    code, out, err = run(capsys, "preview", "--stack", "us", "--project-dir", str(project), "--format", "markdown")
    assert code == 1, err
    assert "Policy gate ❌ failed" in out and "stack-gdpr-data-resident" in out and "us-east-1" in out

    bad = project / "bad.json"
    bad.write_text(json.dumps({"stack-tenant-namespace-isolated": {"maxGb": 1}}))
    code, _, err = run(capsys, "preview", "--stack", "us", "--project-dir", str(project), "--policy-config", str(bad))
    assert code == 2 and "stack-tenant-namespace-isolated" in err and "Traceback" not in err


def test_a_real_pulumi_preview_json_is_gated(capsys, project_root):
    """The shape `pulumi preview --json` prints (same/update/create/delete steps, oldState)."""
    fixture = project_root / "tests" / "fixtures" / "pulumi-preview.json"
    code, out, _ = run(capsys, "policy", "--preview-json", str(fixture), "--format", "json")
    report = json.loads(out)
    assert report["summary"]["resources"] == 4, "the deleted topic is not analysed"
    assert ("stack-stateful-resource-protected", "acme-key") in {
        (v["policy"], v["urn"].rsplit("::", 1)[-1]) for v in report["violations"]
    }
    assert code == 1


# --------------------------------------------------------------------------------------------
# Failed, empty or foreign previews (issue 9 item 3)
# --------------------------------------------------------------------------------------------
PLINTH_BUCKET = "urn:pulumi:prod::plinth::test:index:Bucket::{}"


def preview_file(tmp_path: Path, steps: list, **extra) -> Path:
    path = tmp_path / "preview.json"
    path.write_text(json.dumps({"steps": steps, **extra}))
    return path


def bucket_step(urn: str) -> dict:
    return {
        "op": "create",
        "urn": urn,
        "newState": {
            "urn": urn,
            "type": "test:index:Bucket",
            "protect": True,
            "inputs": {"versioned": True, "sizeGb": 1},
        },
    }


def test_a_failed_or_empty_preview_cannot_pass(capsys, tmp_path):
    failed = preview_file(tmp_path, [], diagnostics=[{"severity": "error", "message": "aws: no credentials"}])
    code, out, err = run(capsys, "policy", "--preview-json", str(failed), "--pack", SAMPLE)
    assert code == 2 and out == "", "a preview that failed has nothing trustworthy to gate"
    assert f"{failed}: the preview failed: aws: no credentials" in err

    empty = preview_file(tmp_path, [])
    code, _, err = run(capsys, "policy", "--preview-json", str(empty), "--pack", SAMPLE)
    assert code == 2 and f"{empty}: no steps" in err


def test_a_preview_of_another_project_or_stack_is_refused_unless_asked(capsys, tmp_path):
    shop = preview_file(tmp_path, [bucket_step(BUCKET.format("a"))])
    code, _, err = run(capsys, "policy", "--preview-json", str(shop), "--pack", SAMPLE)
    assert (
        code == 2
        and "a preview of project 'shop', not of this project 'plinth'" in err
        and "--allow-other-project" in err
    )
    code, _, err = run(capsys, "policy", "--preview-json", str(shop), "--pack", SAMPLE, "--allow-other-project")
    assert code == 0 and "warning:" in err and "'shop'" in err

    prod = preview_file(tmp_path, [bucket_step(PLINTH_BUCKET.format("a"))])
    code, _, err = run(capsys, "policy", "--preview-json", str(prod), "--pack", SAMPLE, "-s", "dev")
    assert code == 2 and "the resources are of stack 'prod', not 'dev'" in err
    code, _, _ = run(capsys, "policy", "--preview-json", str(prod), "--pack", SAMPLE, "-s", "prod")
    assert code == 0

    mixed = preview_file(tmp_path, [bucket_step(PLINTH_BUCKET.format("a")), bucket_step(BUCKET.format("b"))])
    code, _, err = run(capsys, "policy", "--preview-json", str(mixed), "--pack", SAMPLE, "--allow-other-project")
    assert code == 2 and "resources of several stacks" in err


# --------------------------------------------------------------------------------------------
# Bad input names file and key, and leaves no pack behind (issue 9 items 10, 11)
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "mutate, key",
    [
        (
            lambda s: s["newState"].update(inputs="versioned"),
            "steps[0].newState.inputs: expected an object, found a string",
        ),
        (lambda s: s["newState"].update(urn=5), "steps[0].newState.urn: expected a string, found a number"),
        (lambda s: s.update(urn=7), "steps[0].urn: expected a string, found a number"),
        (lambda s: s["newState"].update(protect="yes"), "steps[0].newState.protect: expected true or false"),
        (lambda s: s["newState"].update(urn="acme-data"), "steps[0].newState.urn: not a Pulumi URN"),
    ],
)
def test_malformed_steps_exit_2_naming_file_and_key_with_no_pack_left(capsys, tmp_path, mutate, key):
    step = bucket_step(PLINTH_BUCKET.format("a"))
    mutate(step)
    path = preview_file(tmp_path, [step])
    code, out, err = run(capsys, "policy", "--preview-json", str(path))
    assert code == 2 and out == "" and "Traceback" not in err
    assert f"{path}: {key}" in err, err
    assert [c for c in descendants() if "pulumi.policy" in c] == [], "no pack server outlives plinth"


def test_unreadable_files_name_the_file(capsys, tmp_path):
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes('{"steps": [], "x": "caf\xe9"}'.encode("latin-1"))
    code, _, err = run(capsys, "policy", "--preview-json", str(latin1), "--pack", SAMPLE)
    assert code == 2 and f"{latin1}: not UTF-8 text: byte 0xe9" in err and "Traceback" not in err
    deep = tmp_path / "deep.json"
    deep.write_text('{"steps": ' + "[" * 100_000 + "]" * 100_000 + "}")
    code, _, err = run(capsys, "policy", "--preview-json", str(deep), "--pack", SAMPLE)
    assert code == 2 and f"{deep}: not readable: nested too deeply" in err and "Traceback" not in err
    nested = tmp_path / "nested.json"
    inputs: dict = {}
    cur = inputs
    for _ in range(200):
        cur["x"] = {}
        cur = cur["x"]
    step = bucket_step(PLINTH_BUCKET.format("a"))
    step["newState"]["inputs"] = inputs
    nested.write_text(json.dumps({"steps": [step]}))
    code, _, err = run(capsys, "policy", "--preview-json", str(nested), "--pack", SAMPLE)
    assert code == 2 and f"{nested}: steps[0].newState.inputs.x" in err and "nested deeper than" in err


def test_user_data_is_text_in_every_format(capsys, tmp_path):
    """A resource named like Rich markup must not change the exit code or vanish from the report."""
    urn = PLINTH_BUCKET.format("data[/bold] [beta]")
    step = bucket_step(urn)
    step["newState"]["inputs"]["versioned"] = False
    path = preview_file(tmp_path, [step])
    results = {}
    for fmt in ("text", "json", "markdown", "sarif"):
        code, out, err = run(capsys, "policy", "--preview-json", str(path), "--pack", SAMPLE, "--format", fmt)
        results[fmt] = code
        assert "Traceback" not in err and "MarkupError" not in err, err
        if fmt in ("text", "json"):
            assert "data[/bold] [beta]" in out, f"{fmt}: the name is printed as it is"
    assert set(results.values()) == {1}, f"the same exit code in every format: {results}"


# --------------------------------------------------------------------------------------------
# Options checked before the work; one option name; SARIF lines (issue 9 items 12, 14)
# --------------------------------------------------------------------------------------------
def test_options_are_checked_before_the_preview(capsys, tmp_path, monkeypatch):
    from scripts import engine

    def must_not_run(*args, **kwargs):
        raise AssertionError("the preview ran although the options could never work")

    monkeypatch.setattr(engine, "preview_plan", must_not_run)
    for argv, message in (
        (["--policy-config", str(tmp_path / "nope.json")], f"{tmp_path / 'nope.json'}: cannot read"),
        (["--out", str(tmp_path / "missing" / "report.sarif")], "cannot write: no such directory"),
        (["--out", str(tmp_path)], "is a directory"),
        (["--pack", str(tmp_path)], "not a policy pack"),
    ):
        for command in ("policy", "preview"):
            code, _, err = run(capsys, command, "-s", "dev", *argv)
            assert code == 2 and message in err, (command, argv, err)
    bad_level = tmp_path / "levels.json"
    bad_level.write_text(json.dumps({"all": "loud", "x": {"enforcementLevel": "strict"}}))
    code, _, err = run(capsys, "policy", "-s", "dev", "--policy-config", str(bad_level))
    assert code == 2 and "all.enforcementLevel: 'loud'" in err and "x.enforcementLevel: 'strict'" in err


def test_policy_config_has_one_name_in_both_commands(capsys, tmp_path):
    state = export(tmp_path, ("logs", False, True))
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"test-bucket-versioning-required": "advisory"}))
    for option in ("--policy-config", "--config"):
        code, _, _ = run(capsys, "policy", "--state", str(state), "--pack", SAMPLE, option, str(config))
        assert code == 0, option


def test_sarif_results_point_at_the_tenant_in_the_stack_file(make_project, capsys, tmp_path):
    text = "\n".join(
        [
            "config:",
            "  plinth:environment: dev",
            "  plinth:aws: {region: us-east-1, accountId: '123456789012'}",
            "  plinth:tenants:",
            "    - id: other",
            "      displayName: Other",
            "      tier: standard",
            "      costCenter: cc-1",
            "      cloud: none",
            "      ownerGroups: {admins: [a]}",
            "    - id: tmp",
            "      displayName: Temp",
            "      tier: standard",
            "      costCenter: cc-9",
            "      cloud: aws",
            "      dataResidency: us",
            "      ownerGroups: {admins: [a]}",
            "      tags: {compliance: gdpr}",
            "",
        ]
    )
    project = make_project("us", text)
    out_file = tmp_path / "policy.sarif"
    code, _, err = run(
        capsys, "policy", "-s", "us", "--project-dir", str(project), "--format", "sarif", "--out", str(out_file)
    )
    assert code == 1, err
    results = json.loads(out_file.read_text())["runs"][0]["results"]
    gdpr = [r for r in results if r["ruleId"] == "stack-gdpr-data-resident"]
    assert gdpr, "the US tenant tagged GDPR is reported"
    for result in gdpr:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "stacks/Pulumi.us.yaml"
        assert location["region"]["startLine"] == 11, "the `- id: tmp` line, not line 1"


# --------------------------------------------------------------------------------------------
# Ctrl-C and cancelled CI jobs stop every child at once (issue 9 item 10)
# --------------------------------------------------------------------------------------------
def _interrupt(
    project_root: Path, argv: list[str], wait_for: str, signum: int, group: bool
) -> tuple[int, str, float, list]:
    import os
    import subprocess
    import sys
    import time
    import uuid

    from tests.processes import with_environ

    marker = f"PLINTH_TEST_RUN={uuid.uuid4().hex}"
    env = dict(os.environ, PLINTH_TEST_RUN=marker.split("=", 1)[1])
    proc = subprocess.Popen(
        [sys.executable, "-m", "scripts.cli", *argv],
        cwd=project_root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not any(wait_for in c for c in descendants(proc.pid)):
        assert proc.poll() is None and time.monotonic() < deadline, f"never saw {wait_for}: {proc.communicate()}"
        time.sleep(0.05)
    time.sleep(0.5)
    sent = time.monotonic()
    if group:  # what a terminal's Ctrl-C does: the whole foreground process group
        os.killpg(proc.pid, signum)
    else:  # what a CI runner cancelling the job does: the command it started
        proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    took = time.monotonic() - sent
    time.sleep(0.5)
    return proc.returncode, err, took, with_environ(marker)


@pytest.mark.parametrize(
    "argv, wait_for, signum, group, code",
    [
        (["policy", "-s", "dev"], "scripts.engine", 2, True, 130),
        (["policy", "--preview-json", "tests/fixtures/pulumi-preview.json"], "pulumi.policy", 2, True, 130),
        (["policy", "--preview-json", "tests/fixtures/pulumi-preview.json"], "pulumi.policy", 15, False, 143),
    ],
    ids=["ctrl-c-in-preview", "ctrl-c-in-packs", "sigterm-in-packs"],
)
def test_an_interrupted_run_stops_at_once_and_leaves_no_child(project_root, argv, wait_for, signum, group, code):
    returncode, err, took, left = _interrupt(project_root, argv, wait_for, signum, group)
    assert returncode == code, err
    assert took < 10, f"stopping took {took:.1f} s"
    assert "Traceback" not in err and "coroutine" not in err, err
    assert left == [], f"processes outlived plinth: {left}"


def test_one_malformed_resource_leaves_the_rest_of_the_report_standing(capsys, tmp_path):
    """Issue 8 item 11: a pod spec that is a list could not be checked; the other workload still is."""

    def deployment(name: str, pod_spec) -> dict:
        return {
            "urn": f"urn:pulumi:prod::plinth::kubernetes:apps/v1:Deployment::{name}",
            "type": "kubernetes:apps/v1:Deployment",
            "custom": True,
            "protect": True,
            "outputs": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": name, "namespace": "ops"},
                "spec": {"template": {"spec": pod_spec}},
            },
        }

    privileged = {"containers": [{"name": "a", "image": "a:1.0", "securityContext": {"privileged": True}}]}
    resources = [
        {"urn": "urn:pulumi:prod::plinth::pulumi:pulumi:Stack::plinth-prod", "type": "pulumi:pulumi:Stack"},
        deployment("broken", [{"containers": []}]),
        deployment("agent", privileged),
    ]
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"version": 3, "deployment": {"resources": resources}}))
    code, out, err = run(capsys, "policy", "--state", str(state), "--format", "json")
    report = json.loads(out)
    assert code == 2, "something could not be checked"
    # Resource policies name the resource they could not check; a stack policy that could not read it
    # reports for the stack (no URN). Nothing about "agent" is lost.
    by_resource = {f["urn"].rsplit("::", 1)[-1] for f in report["errors"] if f["urn"]}
    assert by_resource == {"broken"}, report["errors"]
    assert all("spec.template.spec is a list" in f["message"] for f in report["errors"]), report["errors"]
    assert ("kubernetes-pod-privileged-forbidden", "agent") in {
        (f["policy"], f["urn"].rsplit("::", 1)[-1]) for f in report["violations"]
    }, "the rest of the report stands"
