"""The "requires a companion resource" helper, and the S3 access-logging policy built on it (issue 8 item 15:
the buckets it fires for and the frameworks it cites agree)."""

from __future__ import annotations

import pytest

from policies import companions, meta
from tests.policies.harness import UNKNOWN, analyze_stack

R = meta.Resource
BUCKET = "aws:s3/bucket:Bucket"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"


def _missing(resources, **kw):
    return [
        r.name
        for r in companions.missing_companions(
            resources, subjects=[BUCKET], companions=[ENCRYPTION], link="bucket", **kw
        )
    ]


def test_a_companion_names_its_subject_by_physical_name():
    data = R(BUCKET, {"bucket": "acme-data"}, "data")
    logs = R(BUCKET, {"bucket": "acme-logs"}, "logs")
    enc = R(ENCRYPTION, {"bucket": "acme-data", "rules": []}, "data-enc")
    assert _missing([data, logs, enc]) == ["logs"]
    assert _missing([data, R(ENCRYPTION, {"bucket": "data"}, "e")]) == ["data"], (
        "with a physical name, the Pulumi name is not what the provider knows it by"
    )
    assert _missing([R(BUCKET, {}, "auto"), R(ENCRYPTION, {"bucket": "auto"}, "e")]) == [], (
        "auto-named: the Pulumi name"
    )


def test_inline_configuration_and_scope():
    inline = R(BUCKET, {"bucket": "a", "serverSideEncryptionConfiguration": {"rule": {}}}, "a")
    plain = R(BUCKET, {"bucket": "b", "tags": {"tier": "free"}}, "b")
    assert _missing([inline, plain], inline=lambda p: "serverSideEncryptionConfiguration" in p) == ["b"]
    assert _missing([inline, plain], applies=lambda r: r.props.get("tags")) == ["b"]
    assert _missing([inline, plain], applies=lambda r: False) == []


LOGGING = "aws-s3-bucket-logging-enabled"


def bucket(name: str, compliance: str | None = None, **props) -> dict:
    tags = {"managed-by": "plinth"} | ({"compliance": compliance} if compliance else {})
    return {"type": BUCKET, "name": name, "props": {"bucket": name, "tags": tags, **props}}


def logs_for(name: str, target: str = "central-logs", type_: str = "aws:s3/bucketLogging:BucketLogging") -> dict:
    return {
        "type": type_,
        "name": f"{name}-logging",
        "props": {"bucket": name, "targetBucket": target, "targetPrefix": f"{name}/"},
    }


TRAIL = {
    "type": "aws:cloudtrail/trail:Trail",
    "name": "trail",
    "props": {"s3BucketName": "audit-trail", "isMultiRegionTrail": True},
}


@pytest.mark.parametrize("compliance", ["hipaa", "soc2", "gdpr.soc2", "hipaa_soc2"])
def test_buckets_of_hipaa_and_soc2_tenants_need_access_logs(compliance):
    policy = meta.policy(LOGGING)
    out = analyze_stack(policy, [bucket("phi", compliance)])
    assert len(out.violations) == 1 and out.violations[0].startswith("Bucket phi belongs to a ")
    assert out.levels == ["advisory"]
    assert analyze_stack(policy, [bucket("phi", compliance), logs_for("phi")]).passed


def test_the_frameworks_the_policy_cites_are_the_ones_it_fires_for():
    policy = meta.policy(LOGGING)
    cited = {ref.split(":", 1)[0] for ref in policy.frameworks}
    assert cited == {"hipaa", "soc2", "cis"}
    for framework in ("hipaa", "soc2"):
        assert analyze_stack(policy, [bucket("b", framework)]).violations, framework
    assert analyze_stack(policy, [TRAIL, bucket("audit-trail")]).violations, "cis: the CloudTrail bucket"
    for other in (None, "gdpr"):
        assert analyze_stack(policy, [bucket("b", other)]).passed, f"{other}: no framework of this policy asks it"


def test_every_way_of_configuring_logging_counts():
    policy = meta.policy(LOGGING)
    assert analyze_stack(
        policy, [bucket("a", "hipaa"), logs_for("a", type_="aws:s3/bucketLoggingV2:BucketLoggingV2")]
    ).passed
    assert analyze_stack(policy, [bucket("a", "hipaa", logging={"targetBucket": "central-logs"})]).passed
    legacy = {**bucket("a", "hipaa"), "type": "aws:s3/bucketV2:BucketV2"}
    legacy["props"]["loggings"] = [{"targetBucket": "central-logs"}]
    assert analyze_stack(policy, [legacy]).passed
    assert analyze_stack(policy, [{**bucket("a", "hipaa"), "type": "aws:s3/bucketV2:BucketV2"}]).violations


def test_cloudtrail_buckets_need_logs_whoever_owns_them():
    policy = meta.policy(LOGGING)
    out = analyze_stack(policy, [TRAIL, bucket("audit-trail")])
    assert out.violations == [
        "Bucket audit-trail receives CloudTrail logs (CIS AWS 3.4) but records no server access logs."
    ]
    assert analyze_stack(policy, [TRAIL, bucket("audit-trail"), logs_for("audit-trail")]).passed


def test_a_log_bucket_is_not_asked_to_log_itself_unless_a_trail_writes_to_it():
    policy = meta.policy(LOGGING)
    stack = [bucket("phi", "hipaa"), logs_for("phi", target="phi-logs"), bucket("phi-logs", "hipaa")]
    assert analyze_stack(policy, stack).passed
    trail_logs = [bucket("phi", "hipaa"), logs_for("phi", target="audit-trail"), bucket("audit-trail", "hipaa"), TRAIL]
    out = analyze_stack(policy, trail_logs)
    assert len(out.violations) == 1 and "audit-trail receives CloudTrail logs" in out.violations[0]


def test_unknown_at_preview_is_not_a_pass():
    policy = meta.policy(LOGGING)
    assert analyze_stack(policy, [bucket("phi", "hipaa"), {**logs_for("phi"), "props": {"bucket": UNKNOWN}}]).unknown
    assert analyze_stack(policy, [TRAIL, {**bucket("audit-trail"), "props": {"bucket": UNKNOWN}}]).unknown
