"""policies/sdk.py through the policy SDK's own servicer: suppressed findings stay visible at advisory
level (interfaces §2), a check that cannot evaluate a resource yields one not-checked finding (§3),
and serve() describes the pack before it builds the PolicyPack (§1)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from pulumi_policy.policy import _PolicyAnalyzerServicer

from policies import diagnostics, meta, sdk
from tests.policies.cases import DEPLOYMENT
from tests.policies.harness import UNKNOWN, analyze, analyze_stack, mutate

P = {p.name: p for p in meta.all_policies()}
FUTURE = (dt.date.today() + dt.timedelta(days=30)).isoformat()
PAST = (dt.date.today() - dt.timedelta(days=1)).isoformat()
#: The gate's parser, exactly as interfaces.md §2 states it.
GATE_PATTERN = re.compile(
    r"^\[suppressed\] (?P<message>.*) \(waived by (?P<owner>.+?) "
    r"until (?P<expires>\d{4}-\d{2}-\d{2}): (?P<reason>.*)\)$",
    re.DOTALL,
)
REASON = "Re-encryption scheduled in PLAT-123 (legacy snapshot)"


def waiver(resource: str, expires: str = FUTURE) -> dict:
    return {"resource": resource, "reason": REASON, "owner": "storage-team", "expires": expires}


def test_a_waived_violation_is_reported_as_suppressed_at_advisory_level():
    policy = P["aws-ebs-volume-encryption-required"]
    assert policy.enforcement == "mandatory"
    out = analyze(
        policy,
        "aws:ebs/volume:Volume",
        {"encrypted": False},
        name="legacy-data",
        config={"suppressions": [waiver("legacy-*")]},
    )
    assert out.passed, "a waived violation is not a violation"
    assert out.suppressed_levels == ["advisory"], "a waiver never blocks pulumi preview, even on a mandatory policy"
    match = GATE_PATTERN.match(out.suppressed[0])
    assert match, out.suppressed[0]
    assert match.groupdict() == {
        "message": "The EBS volume is not encrypted.",
        "owner": "storage-team",
        "expires": FUTURE,
        "reason": REASON,
    }
    assert diagnostics.parse_suppressed(out.suppressed[0]) == match.groupdict()


def test_stack_policy_waivers_are_reported_too_and_only_for_the_matching_resource():
    policy = P["stack-stateful-resource-protected"]
    buckets = [{"type": "aws:s3/bucket:Bucket", "name": n, "props": {"bucket": n}} for n in ("scratch", "data")]
    out = analyze_stack(policy, buckets, config={"suppressions": [waiver("scratch")]})
    assert len(out.violations) == 1 and "data" in out.violations[0] and out.levels == ["mandatory"]
    assert len(out.suppressed) == 1 and "Bucket scratch holds data" in out.suppressed[0]
    assert out.suppressed_levels == ["advisory"]


def test_expired_and_never_waive_stay_violations_at_the_policys_level():
    ebs = analyze(
        P["aws-ebs-volume-encryption-required"],
        "aws:ebs/volume:Volume",
        {"encrypted": False},
        name="legacy-data",
        config={"suppressions": [waiver("legacy-*", PAST)]},
    )
    assert ebs.levels == ["mandatory"] and not ebs.suppressed and "expired on" in ebs.violations[0]
    pab = analyze(
        P["aws-s3-bucket-public-access-blocked"],
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        {"blockPublicAcls": False},
        name="site",
        config={"suppressions": [waiver("site")]},
    )
    assert pab.levels == ["mandatory"] and not pab.suppressed and "cannot be suppressed" in pab.violations[0]


def test_without_the_wrapper_a_suppressed_finding_keeps_the_policys_level():
    # The fallback when the SDK's internals move: fail closed, never silently advisory or dropped.
    class Unpatched(_PolicyAnalyzerServicer):
        pass

    Unpatched._create_report_violation = _PolicyAnalyzerServicer._create_report_violation.__wrapped__
    assert sdk.install_suppressed_advisory(type("NoFactory", (), {})) is False
    from tests.policies import harness

    original = harness._PolicyAnalyzerServicer
    harness._PolicyAnalyzerServicer = Unpatched
    try:
        out = analyze(
            P["aws-ebs-volume-encryption-required"],
            "aws:ebs/volume:Volume",
            {"encrypted": False},
            name="legacy-data",
            config={"suppressions": [waiver("legacy-*")]},
        )
    finally:
        harness._PolicyAnalyzerServicer = original
    assert out.suppressed_levels == ["mandatory"]


def test_installing_twice_changes_nothing():
    assert sdk.install() == {"analyzer_cache": True, "suppressed_advisory": True}
    factory = _PolicyAnalyzerServicer._create_report_violation
    assert sdk.install_suppressed_advisory() and _PolicyAnalyzerServicer._create_report_violation is factory


def test_a_malformed_resource_is_not_checked_and_the_rest_still_is():
    # Issue 8 item 11: a pod spec that is a list used to crash the pack (and the whole gate).
    policy = P["kubernetes-pod-privileged-forbidden"]
    broken = mutate(DEPLOYMENT, "spec.template.spec", [{"name": "app"}])
    out = analyze(policy, "kubernetes:apps/v1:Deployment", broken)
    assert out.not_checked == ["[not checked] TypeError: spec.template.spec is a list, not an object"]
    assert out.not_checked_levels == ["mandatory"], "at the policy's level"
    assert not out.violations and not out.unknown
    privileged = mutate(DEPLOYMENT, "spec.template.spec.containers.0.securityContext.privileged", True)
    assert analyze(policy, "kubernetes:apps/v1:Deployment", privileged).violations, "the next resource is checked"


def test_violations_found_before_the_failure_are_kept():
    policy = P["kubernetes-pod-privileged-forbidden"]
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "spec": {
            "containers": [{"name": "a", "image": "a:1", "securityContext": {"privileged": True}}, "not-a-container"]
        },
    }
    out = analyze(policy, "kubernetes:core/v1:Pod", pod)
    assert out.violations == ["Container a runs privileged."]
    assert out.not_checked == ["[not checked] TypeError: spec.containers[1] is a string, not an object"]


def test_a_stack_policy_that_fails_reports_not_checked_for_the_stack():
    policy = P["kubernetes-pod-inherited-token-disabled"]
    pod = {
        "type": "kubernetes:core/v1:Pod",
        "name": "p",
        "props": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": "oops"},
    }
    out = analyze_stack(policy, [pod])
    assert out.not_checked == ["[not checked] TypeError: spec is a string, not an object"] and not out.violations


def test_unknown_at_preview_keeps_its_meaning_under_the_guard():
    out = analyze(P["aws-ebs-volume-encryption-required"], "aws:ebs/volume:Volume", {"encrypted": UNKNOWN})
    assert out.unknown and not out.not_checked and not out.violations


def test_not_checked_messages_are_one_short_line():
    message = diagnostics.not_checked_message(ValueError("first line\nsecond " + "x" * 500))
    assert message.startswith("[not checked] ValueError: first line second ") and "\n" not in message
    assert len(message) <= len("[not checked] ValueError: ") + diagnostics.REASON_MAX
    assert diagnostics.not_checked_message(KeyError()) == "[not checked] KeyError: no detail"


def test_the_adapter_keeps_metadata_for_the_cli():
    built = sdk.build(P["aws-rds-instance-backup-retained"])
    assert built.name == "aws-rds-instance-backup-retained" and built.remediation_steps.startswith("Raise")
    assert list(built.tags) == list(P["aws-rds-instance-backup-retained"].frameworks)
    assert set(built.config_schema.properties) == {"minimumDays", "hipaaMinimumDays", "suppressions"}


class _Recorder:
    def __init__(self, **kwargs):
        type(self).calls.append(kwargs)


def test_serve_describes_the_pack_before_building_it(tmp_path, monkeypatch):
    from policies.cost import pack

    target = tmp_path / "describe.json"
    monkeypatch.setenv(sdk.DESCRIBE_ENV, str(target))
    _Recorder.calls = []

    def recorder(**kwargs):
        assert target.exists(), "the description is written before PolicyPack starts serving"
        _Recorder(**kwargs)

    monkeypatch.setattr(sdk, "PolicyPack", recorder)
    sdk.serve(pack)
    assert json.loads(target.read_text()) == meta.describe("cost")
    assert [p.name for p in _Recorder.calls[0]["policies"]] == [p.name for p in pack.POLICIES]
    assert _Recorder.calls[0]["name"] == "plinth-cost"
    assert sorted(tmp_path.iterdir()) == [target], "no temp file left behind"


def test_serve_writes_nothing_when_nobody_asks(tmp_path, monkeypatch):
    from policies.cost import pack

    monkeypatch.delenv(sdk.DESCRIBE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    _Recorder.calls = []
    monkeypatch.setattr(sdk, "PolicyPack", _Recorder)
    sdk.serve(pack)
    assert len(_Recorder.calls) == 1 and list(tmp_path.iterdir()) == []


def test_a_failed_describe_write_leaves_no_temp_file(tmp_path):
    with pytest.raises(TypeError):
        sdk.write_describe(tmp_path / "d.json", {"bad": object()})
    assert list(tmp_path.iterdir()) == []
