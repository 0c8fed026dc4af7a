"""The gate drives a real CrossGuard pack process over the Analyzer gRPC protocol."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts import gate
from scripts.engine import UNKNOWN
from scripts.gate.resources import Resource

SAMPLE = Path(__file__).parent / "sample_pack"


def bucket(name: str, **props) -> Resource:
    return Resource(
        urn=f"urn:pulumi:dev::p::test:index:Bucket::{name}",
        type="test:index:Bucket",
        name=name,
        custom=True,
        properties=props,
    )


def test_violations_levels_and_metadata_come_from_the_pack():
    report = gate.evaluate(
        [bucket("a", versioned=False, sizeGb=500.0), bucket("b", versioned=True, sizeGb=1.0)], [SAMPLE]
    )
    found = {(f.policy, f.urn.rsplit("::", 1)[-1], f.enforcementLevel) for f in report.of("violation")}
    assert found == {
        ("test-bucket-versioning-required", "a", "mandatory"),
        ("test-bucket-size-limited", "a", "advisory"),
        ("test-stack-bucket-protected", "", "mandatory"),
    }
    versioning = next(f for f in report.findings if f.policy == "test-bucket-versioning-required")
    assert (
        versioning.severity == "high"
        and versioning.frameworks == ["soc2:A1.2"]
        and versioning.remediation == "Set versioned: true."
    )
    assert report.exit_code == 1
    assert report.packs == [{"name": "sample", "version": "0.0.1", "policies": 4}]


def test_clean_resources_pass():
    protected = bucket("b", versioned=True, sizeGb=1.0, tags={"owner": "x"})
    protected.protect = True
    report = gate.evaluate([protected], [SAMPLE])
    assert report.of("violation") == [] and report.exit_code == 0


def test_config_is_reconciled_defaults_then_file():
    resources = [bucket("a", versioned=True, sizeGb=50.0)]
    assert [
        f.policy for f in gate.evaluate(resources, [SAMPLE]).of("violation") if f.policy == "test-bucket-size-limited"
    ] == []
    report = gate.evaluate(
        resources, [SAMPLE], {"test-bucket-size-limited": {"enforcementLevel": "mandatory", "maxGb": 10}}
    )
    size = [f for f in report.of("violation") if f.policy == "test-bucket-size-limited"]
    assert size and size[0].enforcementLevel == "mandatory" and "exceeds 10 GB" in size[0].message
    report = gate.evaluate(resources, [SAMPLE], {"all": "disabled"})
    assert report.findings == []


def test_bad_config_cannot_be_evaluated_and_names_the_key():
    with pytest.raises(
        gate.GateError, match=r"policy config: test-bucket-size-limited.maxGb: 0 is less than the minimum of 1"
    ):
        gate.evaluate([bucket("a")], [SAMPLE], {"test-bucket-size-limited": {"maxGb": 0}})
    with pytest.raises(gate.GateError, match=r"nope: no such policy"):
        gate.evaluate([bucket("a")], [SAMPLE], {"nope": "mandatory"})
    with pytest.raises(gate.GateError, match=r"enforcementLevel: 'loud' is not one of"):
        gate.evaluate([bucket("a")], [SAMPLE], {"all": "loud"})


def test_unknown_values_are_reported_as_not_checked_never_as_passed():
    report = gate.evaluate([bucket("a", versioned=True, sizeGb=UNKNOWN)], [SAMPLE])
    unknown = report.of("unknown")
    assert [(f.policy, f.urn.rsplit("::", 1)[-1]) for f in unknown] == [("test-bucket-size-limited", "a")]
    assert "during preview" in unknown[0].message
    assert not [f for f in report.of("violation") if f.policy == "test-bucket-size-limited"]


def test_remediation_rewrites_properties_before_analysis():
    report = gate.evaluate([bucket("a", versioned=True, sizeGb=1.0)], [SAMPLE])
    assert [(f.policy, f.status) for f in report.of("remediated")] == [("test-bucket-owner-tagged", "remediated")]


def test_a_pack_that_crashes_cannot_be_evaluated(tmp_path):
    (tmp_path / "PulumiPolicy.yaml").write_text("runtime: python\n")
    (tmp_path / "__main__.py").write_text("raise RuntimeError('boom in pack')\n")
    with pytest.raises(gate.GateError, match=r"did not start"):
        gate.evaluate([bucket("a")], [tmp_path])
    with pytest.raises(gate.GateError, match=r"not a policy pack"):
        gate.evaluate([bucket("a")], [tmp_path / "missing"])


def test_sarif_is_2_1_0_with_rules_and_results_located_by_urn():
    report = gate.evaluate([bucket("a", versioned=False, sizeGb=1.0)], [SAMPLE])
    sarif = report.to_sarif("stacks/Pulumi.dev.yaml")
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rules = (
        {r["id"]: r for r in run["rules"]} if "rules" in run else {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    )
    assert rules["test-bucket-versioning-required"]["properties"]["tags"] == ["security", "soc2:A1.2"]
    result = next(r for r in run["results"] if r["ruleId"] == "test-bucket-versioning-required")
    assert result["level"] == "error"
    assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].endswith("::a")
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "stacks/Pulumi.dev.yaml"
    json.dumps(sarif)
