"""A gate Session keeps Plinth's pack processes across stacks, and each stack is the one the packs see."""

from __future__ import annotations

from scripts import gate
from scripts import pulumi_json as pj
from scripts.gate.resources import Resource
from tests import processes
from tests.conftest import ROOT

COMPLIANCE = ROOT / "policies" / "compliance"
REMEDIATE = {"stack-resource-tags-required": "remediate"}


def bucket(stack: str) -> Resource:
    urn = pj.make_urn(stack, "plinth", "aws:s3/bucket:Bucket", "data")
    return Resource(
        urn=urn, type="aws:s3/bucket:Bucket", name="data", custom=True, properties={"bucket": "b", "tags": {}}
    )


def gate_stack(stack: str, environment: str, session: gate.Session | None) -> tuple[gate.Report, Resource]:
    resource = bucket(stack)
    report = gate.evaluate(
        [resource],
        [COMPLIANCE],
        REMEDIATE,
        project="plinth",
        stack=stack,
        stack_config={"plinth:environment": environment},
        session=session,
    )
    return report, resource


def pack_pids() -> set[str]:
    return {cmd for cmd in processes.descendants() if "pulumi.policy" in cmd}


def test_kept_packs_adopt_each_stack_and_agree_with_fresh_ones():
    with gate.Session() as session:
        _, first = gate_stack("alpha", "dev", session)
        assert first.properties["tags"]["environment"] == "dev", "the pack read alpha's config"
        kept = session.processes
        assert kept >= 1, "Plinth's packs say they can serve another stack and are kept"
        running = pack_pids()
        report_b, second = gate_stack("beta", "prod", session)
        assert second.properties["tags"]["environment"] == "prod", "the same process now reads beta's config"
        assert session.processes == kept and pack_pids() == running, "no pack process was started for beta"
    assert not pack_pids(), "closing the session stops every kept pack"
    fresh, _ = gate_stack("beta", "prod", None)
    assert sorted(f.key() for f in report_b.findings) == sorted(f.key() for f in fresh.findings), (
        "a kept pack reports exactly what a pack started for the stack reports"
    )
    assert {pj.parse_urn(f.urn).stack for f in report_b.findings if f.urn} == {"beta"}


def test_a_pack_that_does_not_adopt_stacks_is_started_per_stack():
    sample = ROOT / "tests" / "gate" / "sample_pack"
    with gate.Session() as session:
        gate.evaluate([bucket("alpha")], [sample], None, project="plinth", stack="alpha", session=session)
        assert session.processes == 0, "a pack that does not say it adopts stacks is not kept"
        assert not pack_pids(), "and it was stopped after the stack"
