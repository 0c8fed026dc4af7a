"""Every policy: metadata, a passing case, failing cases and the unknown-at-preview case."""

from __future__ import annotations

import re

import pytest

from policies import frameworks
from policies.meta import NAME_PATTERN, PACKS, all_policies, pack_of, pack_policies
from policies.meta import policy as metadata
from tests.policies.cases import CASES
from tests.policies.harness import UNKNOWN, analyze, mutate

POLICIES = {p.name: p for p in all_policies()}
RESOURCE_POLICIES = sorted(n for n, p in POLICIES.items() if p.kind == "resource")


def test_there_are_at_least_40_policies_each_in_exactly_one_pack():
    assert len(POLICIES) >= 40
    packs = [p.name for pack in PACKS for p in pack_policies(pack)]
    assert sorted(packs) == sorted(POLICIES), "every policy belongs to exactly one pack"


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_metadata(name):
    meta = metadata(name)
    assert NAME_PATTERN.match(name), "name is <cloud>-<service>-<resource>-<verb>"
    assert re.fullmatch(r"[A-Z0-9](?:[^.]|\.\d)*[A-Za-z0-9)]\.", meta.description), "description is one sentence"
    assert meta.severity in ("low", "medium", "high", "critical")
    assert meta.remediation and meta.remediation[0].isupper()
    for ref in meta.frameworks:
        assert frameworks.control(ref)
    if pack_of(name) != "cost":
        assert meta.frameworks, "security and compliance policies cite controls"
    if meta.never_waive:
        assert meta.enforcement == "mandatory"


def test_the_catalogue_rejects_unknown_controls():
    with pytest.raises(KeyError, match="unknown control"):
        frameworks.control("soc2:CC99.9")


def test_every_resource_policy_has_cases():
    assert sorted(CASES) == RESOURCE_POLICIES


@pytest.mark.parametrize("name", RESOURCE_POLICIES)
def test_passing_case(name):
    type_, good, _, _ = CASES[name]
    outcome = analyze(POLICIES[name], type_, good)
    assert outcome.passed, outcome


@pytest.mark.parametrize(("name", "index"), [(n, i) for n in RESOURCE_POLICIES for i in range(len(CASES[n][2]))])
def test_failing_case(name, index):
    type_, good, mutations, _ = CASES[name]
    path, value = mutations[index]
    outcome = analyze(POLICIES[name], type_, mutate(good, path, value))
    assert outcome.violations, f"{name} accepted {path}={value!r}"
    assert set(outcome.levels) == {
        POLICIES[name].enforcement if POLICIES[name].enforcement != "remediate" else "mandatory"
    }


@pytest.mark.parametrize("name", RESOURCE_POLICIES)
def test_unknown_value_is_reported_as_not_checked(name):
    type_, good, _, unknown_path = CASES[name]
    outcome = analyze(POLICIES[name], type_, mutate(good, unknown_path, UNKNOWN))
    assert outcome.unknown and not outcome.violations, outcome


@pytest.mark.parametrize("name", RESOURCE_POLICIES)
def test_other_resource_types_are_not_applicable(name):
    assert analyze(POLICIES[name], "test:index:Other", {"anything": True}).passed
