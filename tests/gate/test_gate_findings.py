"""What the gate makes of what packs report: waivers, checks that could not run, routing, duplicates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scripts import gate
from scripts.gate import packs as packs_module
from scripts.gate.resources import Resource, from_preview
from tests.processes import descendants

HERE = Path(__file__).parent
SAMPLE = HERE / "sample_pack"
SPY = HERE / "spy_pack"
WAIVER = {
    "resource": "a",
    "owner": "storage-team",
    "reason": "Legacy bucket; migration in PLAT-9",
    "expires": "2999-01-31",
}


def resource(name: str, type_: str = "test:index:Bucket", *, protect: bool = True, **props) -> Resource:
    return Resource(
        urn=f"urn:pulumi:dev::p::{type_}::{name}", type=type_, name=name, custom=True, properties=props, protect=protect
    )


def no_pack_left() -> None:
    left = [c for c in descendants() if "pulumi.policy" in c]
    assert left == [], f"pack processes outlived the gate: {left}"


# --------------------------------------------------------------------------------------------
# Suppressed findings stay visible (issue 9 item 1, gate side)
# --------------------------------------------------------------------------------------------
def test_a_waived_violation_is_listed_with_owner_reason_and_expiry_and_never_counted():
    config = {"test-bucket-versioning-required": {"suppressions": [WAIVER]}}
    report = gate.evaluate([resource("a", versioned=False, sizeGb=1.0)], [SAMPLE], config)
    [waived] = report.of("suppressed")
    assert waived.policy == "test-bucket-versioning-required" and waived.message == "Buckets must be versioned."
    assert (waived.suppression.owner, waived.suppression.reason, waived.suppression.expires) == (
        "storage-team",
        "Legacy bucket; migration in PLAT-9",
        "2999-01-31",
    ), "who waived it, why and until when"
    assert waived.enforcementLevel == "advisory", "a waiver never blocks, even for a mandatory policy"
    assert report.mandatory == [] and report.exit_code == 0
    assert report.summary()["suppressed"] == 1 and report.summary()["violations"] == 0

    as_json = report.to_json()["suppressed"][0]["suppression"]
    assert as_json == {"owner": "storage-team", "reason": "Legacy bucket; migration in PLAT-9", "expires": "2999-01-31"}
    for text in (report.render_text(), report.render_markdown()):
        assert "storage-team" in text and "2999-01-31" in text and "PLAT-9" in text, text
    [result] = [r for r in report.to_sarif()["runs"][0]["results"] if r["ruleId"] == waived.policy]
    assert result["suppressions"][0]["kind"] == "external" and result["suppressions"][0]["status"] == "accepted"
    assert result["suppressions"][0]["justification"] == "Legacy bucket; migration in PLAT-9"


def test_an_expired_waiver_is_a_violation_again():
    config = {"test-bucket-versioning-required": {"suppressions": [dict(WAIVER, expires="2001-01-31")]}}
    report = gate.evaluate([resource("a", versioned=False, sizeGb=1.0)], [SAMPLE], config)
    assert [f.policy for f in report.mandatory] == ["test-bucket-versioning-required"] and report.of("suppressed") == []


# --------------------------------------------------------------------------------------------
# A policy that cannot evaluate one resource (issue 8 item 11, gate side)
# --------------------------------------------------------------------------------------------
def test_a_resource_a_policy_cannot_check_is_an_error_and_the_rest_of_the_report_stands():
    broken = resource("broken", versioned=True)  # no sizeGb: the size check raises KeyError
    report = gate.evaluate([broken, resource("b", versioned=False, sizeGb=1.0)], [SAMPLE])
    [error] = report.errors
    assert (error.policy, error.resource) == ("test-bucket-size-limited", "broken")
    assert error.message == "KeyError: 'sizeGb'"
    assert ("test-bucket-versioning-required", "b") in {(f.policy, f.resource) for f in report.mandatory}, (
        "the other resources are still analysed"
    )
    assert report.exit_code == 2, "something could not be checked: exit 2 wins over 1"
    assert "could not be checked" in report.render_text().lower()
    assert "broken" in report.render_markdown() and report.to_json()["errors"][0]["urn"] == broken.urn
    assert any(
        r["level"] == "error" and "could not be checked" in r["message"]["text"]
        for r in report.to_sarif()["runs"][0]["results"]
    )


def test_a_pack_that_raises_on_one_resource_without_a_guard_still_reports_the_others():
    report = gate.evaluate([resource("explode"), resource("fine")], [SPY])
    assert [(f.status, f.resource) for f in report.errors] == [("error", "explode")]
    assert "a pod spec that is a list" in report.errors[0].message
    assert "saw test:index:Bucket" in {f.message for f in report.of("violation") if f.resource == "fine"}
    assert report.exit_code == 2
    no_pack_left()


# --------------------------------------------------------------------------------------------
# Routing from the description the running pack writes (interfaces §1)
# --------------------------------------------------------------------------------------------
MIXED = [resource("bucket"), resource("other", "test:index:Other"), resource("s3", "aws:s3/bucket:Bucket")]


def spy(tmp_path: Path, types: dict | None) -> Path:
    pack = tmp_path / f"spy-{len(list(tmp_path.iterdir()))}"
    shutil.copytree(SPY, pack)
    if types is not None:
        (pack / "types.json").write_text(json.dumps(types))
    return pack


def seen(report) -> tuple[set[str], str]:
    resources = {f.resource for f in report.findings if f.policy == "spy-resource-seen"}
    [stack] = [f.message for f in report.findings if f.policy == "spy-stack-seen"]
    return resources, stack


@pytest.mark.parametrize(
    "types, resources, stack",
    [
        (
            {"resource": ["test:index:Bucket"], "stack": ["test:"]},
            {"bucket"},
            "stack saw test:index:Bucket,test:index:Other",
        ),
        (
            {"resource": ["test:index:Other", "aws:"], "stack": []},
            {"other", "s3"},
            "stack saw aws:s3/bucket:Bucket,test:index:Bucket,test:index:Other",
        ),
        (None, {"bucket", "other", "s3"}, "stack saw aws:s3/bucket:Bucket,test:index:Bucket,test:index:Other"),
    ],
    ids=["one-version", "another-version", "no-description"],
)
def test_each_pack_is_sent_the_resources_its_own_description_names(tmp_path, types, resources, stack):
    report = gate.evaluate(MIXED, [spy(tmp_path, types)])
    assert seen(report) == (resources, stack)


def test_a_description_that_misses_a_policy_routes_everything(tmp_path):
    pack = spy(tmp_path, {"resource": ["test:index:Bucket"], "stack": ["test:"]})
    main = (pack / "__main__.py").read_text().replace('"spy-stack-seen": {', '"spy-stack-renamed": {')
    (pack / "__main__.py").write_text(main)
    assert seen(gate.evaluate(MIXED, [pack]))[0] == {"bucket", "other", "s3"}


def test_the_version_comes_from_the_running_pack():
    report = gate.evaluate(MIXED, [SPY])
    assert report.packs == [{"name": "spy", "version": "2.0.0", "policies": 2}]
    assert "spy@2.0.0" in report.headline() and "spy@2.0.0" in report.render_markdown()
    assert report.to_sarif()["runs"][0]["tool"]["extensions"] == [{"name": "spy", "version": "2.0.0"}]


# --------------------------------------------------------------------------------------------
# Duplicates (issue 9 item 8)
# --------------------------------------------------------------------------------------------
def test_a_replaced_resource_and_a_repeated_pack_are_analysed_once():
    urn = "urn:pulumi:dev::p::test:index:Bucket::a"
    state = {
        "urn": urn,
        "type": "test:index:Bucket",
        "custom": True,
        "protect": True,
        "inputs": {"versioned": False, "sizeGb": 1},
    }
    preview = {
        "steps": [
            {"op": "create-replacement", "urn": urn, "newState": state},
            {"op": "replace", "urn": urn, "newState": state, "oldState": dict(state, inputs={})},
            {"op": "delete-replaced", "urn": urn, "oldState": dict(state, inputs={})},
        ]
    }
    resources = from_preview(preview, "preview.json")
    assert len(resources) == 1
    report = gate.evaluate(resources, [SAMPLE, SAMPLE, SAMPLE / ".." / "sample_pack"])
    assert len(report.packs) == 1, "the same pack directory runs once"
    assert [f.policy for f in report.of("violation")] == ["test-bucket-versioning-required"]


# --------------------------------------------------------------------------------------------
# Config errors at once, packs that never start (issue 9 item 14)
# --------------------------------------------------------------------------------------------
def test_every_policy_config_problem_is_reported_at_once():
    config = {
        "nope": "mandatory",
        "test-bucket-size-limited": {"maxGb": 0, "colour": "red"},
        "test-bucket-versioning-required": {"suppressions": [{"resource": "a"}]},
    }
    with pytest.raises(gate.PolicyConfigError) as caught:
        gate.evaluate([resource("a")], [SAMPLE], config, config_source="cfg.json")
    lines = str(caught.value).splitlines()
    assert "cfg.json: nope: no such policy in the packs (sample)" in lines
    assert any(
        line.startswith("cfg.json: test-bucket-size-limited.maxGb: 0 is less than the minimum of 1") for line in lines
    )
    assert any(line.startswith("cfg.json: test-bucket-size-limited: Additional properties") for line in lines), lines
    assert any(line.startswith("cfg.json: test-bucket-versioning-required.suppressions.0: 'reason'") for line in lines)
    no_pack_left()


def test_a_pack_that_never_starts_is_a_timeout_and_is_stopped(tmp_path, monkeypatch):
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (tmp_path / "__main__.py").write_text("import time\ntime.sleep(600)\n")
    monkeypatch.setattr(packs_module, "STARTUP_SECONDS", 2.0)
    with pytest.raises(gate.PackError, match=r"did not start within 2 s \(timeout\)"):
        gate.evaluate([resource("a")], [tmp_path, SAMPLE])
    no_pack_left()
