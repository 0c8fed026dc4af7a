"""``plinth rightsize`` against the real Prometheus of :mod:`tests.ops.conftest`: every number is
derived here from the synthetic workloads (tests/ops/world.py) and the documented algorithm."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from components import stackfiles
from scripts import cli, rightsize
from tests.ops import world

MI = world.MI
GOLDEN = Path(__file__).parent / "golden" / "rightsize.diff"


def _run(capsys, ops_world, *extra: str, project: Path | None = None) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["rightsize", "--prometheus", ops_world.prometheus, "--stack", "ops", "--window", "1d",
                     "--project-dir", str(project or ops_world.project), *extra])  # fmt: skip
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def recommendations(ops_world):
    import io
    from contextlib import redirect_stdout

    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = cli.main(["rightsize", "--prometheus", ops_world.prometheus, "--stack", "ops", "--window", "1d",
                         "--project-dir", str(ops_world.project), "--format", "json"])  # fmt: skip
    assert code == 0
    return json.loads(buffer.getvalue())


def _find(doc, tenant, kind, resource, workload=None):
    found = [r for r in doc["recommendations"] if (r["tenant"], r["kind"], r["resource"], r["workload"])
             == (tenant, kind, resource, workload)]  # fmt: skip
    assert len(found) <= 1
    return found[0] if found else None


def test_cpu_request_is_the_95th_percentile(recommendations):
    # acme's pods use 0.1 core, and 0.3 for 3 of the day's 24 hours: more than 5 % of the 5m steps,
    # so the 95th percentile is the peak (the median would be 0.1).
    r = _find(recommendations, "acme", "request", "cpu", "audio-api")
    assert r["current"] == pytest.approx(2.0) and r["recommended"] == pytest.approx(0.3), r
    assert r["evidence"]["percentile"] == 0.95 and r["evidence"]["window"] == "1d"
    assert r["evidence"]["samples"] == 288, "one 5m step of a day each"
    assert r["evidence"]["pods"] == 2, "the two pods running now, not the two the rollout replaced"
    assert r["confidence"] == "high"
    assert r["target"] is None, "this stack has no plinth:deployments: reported, not written"


def test_memory_is_the_peak_plus_headroom_and_limit_equals_request(recommendations):
    peak = 300 * MI  # acme's working set peaks at 300Mi for an hour
    for kind in ("request", "limit"):
        r = _find(recommendations, "acme", kind, "memory", "audio-api")
        assert r["recommended"] == pytest.approx(345 * MI), f"{kind}: {peak / MI}Mi + 15 % = 345Mi"
        assert r["current"] == pytest.approx(2048 * MI)


def test_oom_killed_container_gets_more_than_its_limit(recommendations):
    r = _find(recommendations, "globex", "request", "memory", "inference")
    assert r["evidence"]["oomKilled"] is True
    assert r["recommended"] == pytest.approx(640 * MI), "1.25 x the 512Mi limit it was killed at, not 500Mi + 15 %"


def test_throttled_container_gets_more_than_its_limit(recommendations):
    request = _find(recommendations, "hooli", "request", "cpu", "web")
    limit = _find(recommendations, "hooli", "limit", "cpu", "web")
    assert request["evidence"]["throttled"] == pytest.approx(0.4)
    assert request["recommended"] == pytest.approx(0.625), "1.25 x the 0.5-core limit it was capped at"
    assert limit["recommended"] == pytest.approx(0.625), "a limit below the new request is raised to it"


def test_hpa_resource_is_skipped_with_the_reason(recommendations):
    skipped = _find(recommendations, "initech", "skipped", "cpu", "batch")
    assert skipped and "HPA" in skipped["reason"] and skipped["recommended"] is None
    assert not _find(recommendations, "initech", "request", "cpu", "batch")
    memory = _find(recommendations, "initech", "request", "memory", "batch")
    assert memory["recommended"] == pytest.approx(100 * MI), "64Mi + 15 % is below the 100Mi minimum"


def test_small_changes_are_not_recommended(recommendations):
    assert not _find(recommendations, "acme", "quota", "cpu"), "acme needs far less than its premium floor"
    globex_cpu = _find(recommendations, "globex", "request", "cpu", "inference")
    assert globex_cpu["recommended"] == pytest.approx(0.2), "0.25 -> 0.2 is a 20 % change"


def test_quotas_follow_the_workloads_never_below_the_tier(recommendations):
    hooli = _find(recommendations, "hooli", "quota", "cpu")
    # 4 pods x 0.625 cores x 1.25 surge = 3.125, rounded up to whole cores; the free tier gives 2.
    assert (hooli["current"], hooli["recommended"]) == (2.0, 4.0), hooli
    assert hooli["target"] == "plinth:tenants[2].quotas.cpu"
    initech = _find(recommendations, "initech", "quota", "cpu")
    # The HPA-scaled batch keeps its 1 core x 2 pods: 2.5 with surge, but the standard tier's floor is 8.
    assert (initech["current"], initech["recommended"]) == (64.0, 8.0), initech
    assert not _find(recommendations, "hooli", "quota", "memory"), "460Mi of requests fit the 4Gi floor"


def test_monthly_cost_from_the_price_table(recommendations):
    prices = json.loads(rightsize.PRICES.read_text())
    hourly = prices["aws_ec2_hourly"]["m6i.large"]  # 2 vCPU, 8 GiB
    ratio = 0.031611 / 0.004237
    gib = hourly / (2 * ratio + 8)
    cpu = gib * ratio
    acme = next(c for c in recommendations["costs"] if c["tenant"] == "acme")
    assert acme["monthly_now"] == pytest.approx(730 * 2 * (2.0 * cpu + 2.0 * gib), abs=0.01), "2 pods x 2 cores, 2Gi"
    assert acme["monthly_after"] == pytest.approx(730 * 2 * (0.3 * cpu + 345 / 1024 * gib), abs=0.01)
    assert acme["cloud"] == "aws", "distribution eks: the AWS prices"
    assert acme["budget"] is None and acme["overBudget"] is None
    hooli = next(c for c in recommendations["costs"] if c["tenant"] == "hooli")
    # 4 pods: 0.4 -> 0.625 cores, 128Mi -> 115Mi each.
    assert hooli["monthly_now"] == pytest.approx(730 * 4 * (0.4 * cpu + 128 / 1024 * gib), abs=0.01)
    assert hooli["monthly_after"] == pytest.approx(730 * 4 * (0.625 * cpu + 115 / 1024 * gib), abs=0.01)
    assert (hooli["budget"], hooli["overBudget"]) == (50.0, True), "its 50 USD budget against the cost after"


def test_write_is_a_comment_preserving_golden_patch(capsys, ops_world, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ops_world.project, project)
    stack_file = project / "stacks" / "Pulumi.ops.yaml"
    before = stack_file.read_text()
    code, out, err = _run(capsys, ops_world, project=project)
    assert code == 0 and stack_file.read_text() == before, "without --write nothing changes"
    assert "run again with --write" in err
    code, out, err = _run(capsys, ops_world, "--write", project=project)
    assert code == 0, err
    diff = out[out.index("--- a/stacks/Pulumi.ops.yaml") :]
    assert diff == GOLDEN.read_text(), f"the patch changed:\n{diff}"
    after = stack_file.read_text()
    assert [line for line in after.splitlines() if "#" in line] == [
        line.replace('"64"     #', '"8"      #') for line in before.splitlines() if "#" in line
    ], "every comment kept, in place"
    cfg = stackfiles.load_stack_file(stack_file).config
    assert cfg.tenants[2].quotas.cpu == "4" and cfg.tenants[3].quotas.cpu == "8" and cfg.tenants[3].quotas.pods == 50
    code, out, err = _run(capsys, ops_world, "--write", project=project)
    assert "no stack-file change to propose" in err, "a second run finds nothing more to change"


def test_bad_window_and_missing_stack(capsys, ops_world):
    capsys.readouterr()
    assert cli.main(["rightsize", "--prometheus", ops_world.prometheus, "--stack", "ops", "--window", "2 weeks",
                     "--project-dir", str(ops_world.project)]) == 2  # fmt: skip
    assert "--window" in capsys.readouterr().err
    assert cli.main(["rightsize", "--prometheus", ops_world.prometheus, "--project-dir", str(ops_world.project)]) == 2
    assert "needs --stack" in capsys.readouterr().err
    assert cli.main(["rightsize", "--prometheus", ops_world.prometheus, "--stack", "nope",
                     "--project-dir", str(ops_world.project)]) == 2  # fmt: skip
    assert "no such stack file" in capsys.readouterr().err


def test_no_usage_data_is_exit_2(capsys, ops_world, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ops_world.project, project)
    stack_file = project / "stacks" / "Pulumi.ops.yaml"
    text = stack_file.read_text()
    for old, new in (("acme", "umbrella"), ("globex", "soylent"), ("hooli", "wonka"), ("initech", "tyrell")):
        text = text.replace(f"id: {old}", f"id: {new}").replace(f"tenant: {old}", f"tenant: {new}")
    stack_file.write_text(text)
    code, out, err = _run(capsys, ops_world, project=project)
    assert code == 2 and "no container metrics for the stack's tenant namespaces" in err, err
