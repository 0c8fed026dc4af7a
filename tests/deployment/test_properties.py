"""Hypothesis: canary step generation and the quota arithmetic, against independent statements of the rules."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from components.deployment import quota
from components.deployment.spec import DEFAULT_STEPS, Step, steps_problem
from components.deployment.strategies import canary_steps, pods_at, weights

ROLLOUT_SCHEMA = json.loads(
    (Path(__file__).resolve().parents[1] / "schemas" / "crds" / "argoproj.io_rollout_v1alpha1.json").read_text()
)
STEPS_SCHEMA = ROLLOUT_SCHEMA["properties"]["spec"]["properties"]["strategy"]["properties"]["canary"]["properties"][
    "steps"
]

pauses = st.one_of(st.just("manual"), st.builds(lambda n, u: f"{n}{u}", st.integers(1, 120), st.sampled_from("smh")))
steps = st.lists(
    st.one_of(st.builds(lambda w: Step(set_weight=w), st.integers(1, 100)), st.builds(lambda p: Step(pause=p), pauses)),
    max_size=12,
)


def workable(seq: list[Step]) -> bool:
    """The rule on its own: some weight; weights rise strictly and stay below 100; each is followed by a pause."""
    ws = [s.set_weight for s in seq if s.set_weight is not None]
    if not ws or any(b <= a for a, b in zip(ws, ws[1:])) or ws[-1] >= 100:
        return False
    return all(i + 1 < len(seq) and seq[i + 1].pause is not None for i, s in enumerate(seq) if s.set_weight is not None)


@settings(max_examples=300, deadline=None)
@given(steps)
def test_steps_are_accepted_exactly_when_the_canary_can_progress_and_be_judged(seq):
    assert (steps_problem(seq) is None) == workable(seq), [s.model_dump(exclude_none=True) for s in seq]


def _rising(ws: list[int], ps: list[str], extra: list[str]) -> list[Step]:
    seq: list[Step] = [Step(pause=p) for p in extra]
    for w, p in zip(sorted(ws), ps):
        seq += [Step(set_weight=w), Step(pause=p)]
    return seq


workable_steps = st.builds(
    _rising,
    st.lists(st.integers(1, 99), min_size=1, max_size=6, unique=True),
    st.lists(pauses, min_size=6, max_size=6),
    st.lists(pauses, max_size=2),
)


@settings(max_examples=200, deadline=None)
@given(workable_steps)
def test_accepted_steps_become_argo_steps_the_crd_accepts_with_the_same_weights(seq):
    assert workable(seq) and steps_problem(seq) is None
    out = canary_steps(seq)
    assert not list(jsonschema.Draft7Validator(STEPS_SCHEMA).iter_errors(out))
    assert weights(out) == [s.set_weight for s in seq if s.set_weight is not None]
    for step, argo in zip(seq, out):
        if step.pause == "manual":
            assert argo == {"pause": {}}, "an empty pause waits for kubectl argo rollouts promote"
        elif step.pause is not None:
            assert argo == {"pause": {"duration": step.pause}}


def test_the_default_steps_are_workable():
    assert workable([Step.model_validate(s) for s in DEFAULT_STEPS])


@given(st.integers(1, 1000), st.integers(1, 99))
def test_canary_pods_round_up_and_never_reach_all_pods_early(replicas, weight):
    pods = pods_at(weight, replicas)
    assert pods * 100 >= replicas * weight and (pods - 1) * 100 < replicas * weight
    assert 1 <= pods <= replicas


UNITS = {"": 1, "m": Fraction(1, 1000), "k": 1000, "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "M": 10**6, "G": 10**9}


@given(st.integers(0, 10**6), st.sampled_from(sorted(UNITS)))
def test_quantities_are_exact(n, unit):
    assert quota.quantity(f"{n}{unit}") == n * Fraction(UNITS[unit])


@given(st.integers(1, 1000), st.one_of(st.integers(0, 50), st.integers(0, 100).map(lambda p: f"{p}%")))
def test_peak_pods_follow_kubernetes_and_argo_rollouts(replicas, surge):
    extra = surge if isinstance(surge, int) else math.ceil(replicas * int(surge[:-1]) / 100)
    assert quota.peak_pods("rolling", replicas, surge) == replicas + extra
    assert quota.peak_pods("canary", replicas, surge) == replicas + extra, "canary pods come out of the surge"
    assert quota.peak_pods("blueGreen", replicas, surge) == 2 * replicas, "the preview runs at full size"


footprints = st.lists(
    st.builds(
        lambda i, strategy, replicas, surge, cpu, mem, gpus: quota.footprint(
            f"d{i}",
            strategy=strategy,
            max_replicas=replicas,
            max_surge=surge,
            cpu=f"{cpu}m",
            memory=f"{mem}Mi",
            gpus=gpus,
        ),
        st.integers(0, 99),
        st.sampled_from(["rolling", "canary", "blueGreen"]),
        st.integers(1, 20),
        st.one_of(st.integers(0, 3), st.sampled_from(["0%", "25%", "50%", "100%"])),
        st.integers(1, 4000),
        st.integers(1, 8192),
        st.integers(0, 2),
    ),
    max_size=6,
)
hards = st.fixed_dictionaries(
    {
        "cpu": st.integers(0, 64).map(str),
        "memory": st.integers(0, 256).map(lambda g: f"{g}Gi"),
        "pods": st.integers(0, 300),
        "gpus": st.integers(0, 8),
    }
)


@settings(max_examples=300, deadline=None)
@given(footprints, hards)
def test_a_quota_is_exceeded_exactly_when_the_sum_of_the_peaks_is_above_it(prints, hard):
    found = {e.key: e for e in quota.excesses(prints, hard)}
    for key in quota.QUOTA_KEYS:
        total = sum((f.get(key) for f in prints), Fraction(0))
        allowed = quota.quantity(hard[key])
        assert (key in found) == (total > allowed), (key, total, allowed)
        if key in found:
            e = found[key]
            assert e.needed == total and e.allowed == allowed
            before = sum((f.get(key) for f in prints[: e.tipping]), Fraction(0))
            assert before <= allowed < before + prints[e.tipping].get(key), "the first deployment that tips it"
            assert prints[e.tipping].name in e.message("t") and quota.QUOTA_KEYS[key] in e.message("t")


@given(footprints, hards)
def test_which_resources_are_exceeded_does_not_depend_on_the_order(prints, hard):
    keys = {e.key for e in quota.excesses(prints, hard)}
    assert keys == {e.key for e in quota.excesses(list(reversed(prints)), hard)}
