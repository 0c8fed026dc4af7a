"""`plinth policy` as a user runs it: the three inputs, the formats and the exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from scripts import cli

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
