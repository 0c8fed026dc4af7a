"""Exceptions as data: unexpired suppressions silence, expired ones are violations, some controls never waive."""

from __future__ import annotations

import datetime as dt

import pytest

from policies import suppressions
from policies.meta import all_policies
from tests.policies.harness import analyze

P = {p.name: p for p in all_policies()}
TODAY = dt.date(2026, 11, 23)
FUTURE = (dt.date.today() + dt.timedelta(days=30)).isoformat()
PAST = (dt.date.today() - dt.timedelta(days=1)).isoformat()


def entry(resource: str, expires: str) -> dict:
    return {
        "resource": resource,
        "reason": "Migration to KMS tracked in PLAT-123",
        "owner": "storage-team",
        "expires": expires,
    }


def test_decide_is_pure_and_dated():
    s = suppressions.parse([entry("legacy-*", "2026-12-01")])
    assert suppressions.decide("bad", "urn:x::legacy-logs", "legacy-logs", s, never_waive=False, today=TODAY) is None
    assert suppressions.decide("bad", "urn:x::other", "other", s, never_waive=False, today=TODAY) == "bad"
    expired = suppressions.decide("bad", "u", "legacy-logs", s, never_waive=False, today=dt.date(2027, 1, 1))
    assert expired.startswith("bad (suppression for legacy-* expired on 2026-12-01 (owner storage-team)")
    assert "cannot be suppressed" in suppressions.decide("bad", "u", "legacy-logs", s, never_waive=True, today=TODAY)


def test_matching_by_urn_or_glob_and_the_latest_expiry_wins():
    urn = "urn:pulumi:dev::p::aws:ebs/volume:Volume::data"
    s = suppressions.parse([entry(urn, "2026-01-01"), entry("da*", "2026-12-31")])
    assert suppressions.decide("bad", urn, "data", s, never_waive=False, today=TODAY) is None
    assert suppressions.decide("bad", "urn:x::other", "other", s, never_waive=False, today=TODAY) == "bad"
    late = suppressions.decide("bad", urn, "data", s, never_waive=False, today=dt.date(2027, 1, 1))
    assert "expired on 2026-12-31" in late


def test_an_unreadable_expiry_counts_as_expired():
    s = suppressions.parse([entry("x", "2026-02-30")])
    assert "unreadable date '2026-02-30'" in suppressions.decide("bad", "u", "x", s, never_waive=False, today=TODAY)


def test_policies_honour_suppressions_from_config():
    policy = P["aws-ebs-volume-encryption-required"]
    bad = {"size": 10.0, "encrypted": False}
    assert analyze(policy, "aws:ebs/volume:Volume", bad, name="legacy-data").violations
    assert analyze(
        policy, "aws:ebs/volume:Volume", bad, name="legacy-data", config={"suppressions": [entry("legacy-*", FUTURE)]}
    ).passed
    expired = analyze(
        policy, "aws:ebs/volume:Volume", bad, name="legacy-data", config={"suppressions": [entry("legacy-*", PAST)]}
    )
    assert (
        expired.violations
        and f"suppression for legacy-* expired on {PAST} (owner storage-team)" in expired.violations[0]
    )


def test_never_waive_controls_ignore_suppressions():
    policy = P["aws-s3-bucket-public-access-blocked"]
    out = analyze(
        policy,
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        {"blockPublicAcls": False},
        name="site",
        config={"suppressions": [entry("site", FUTURE)]},
    )
    assert out.violations and "cannot be suppressed" in out.violations[0]


def test_a_suppression_without_reason_owner_or_expiry_is_rejected():
    from scripts.gate.config import PolicyConfigError

    with pytest.raises(PolicyConfigError, match="suppressions"):
        analyze(
            P["aws-ebs-volume-encryption-required"],
            "aws:ebs/volume:Volume",
            {},
            config={"suppressions": [{"resource": "x"}]},
        )
