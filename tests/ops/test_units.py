"""The pure parts of rightsize and the stack-file editor, on cases the synthetic world does not have."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from components.config import ConfigError
from components.tenant.spec import TenantSpec
from scripts import console, rightsize, stackpatch

ROOT = Path(__file__).resolve().parents[2]
MI = 1024**2


def _usage(**overrides) -> rightsize.Usage:
    base = dict(tenant="acme", namespace="tenant-acme", workload="api", container="app", pods=2, cpu_p95=0.3,
                memory_peak=300 * MI, steps=4032, cpu_request=1.0, memory_request=1024 * MI, memory_limit=1024 * MI)
    base.update(overrides)
    return rightsize.Usage(**base)  # type: ignore[arg-type]


def test_no_data_no_recommendation():
    assert rightsize.recommend_cpu(_usage(cpu_p95=None)) is None
    assert rightsize.recommend_memory(_usage(memory_peak=None)) is None


def test_floors_and_rounding():
    assert rightsize.recommend_cpu(_usage(cpu_p95=0.0001))[0] == pytest.approx(0.010), "10m minimum"
    assert rightsize.recommend_cpu(_usage(cpu_p95=0.1234))[0] == pytest.approx(0.124), "up to whole millicores"
    assert rightsize.recommend_memory(_usage(memory_peak=10 * MI))[0] == 100 * MI, "100Mi minimum"
    assert rightsize.recommend_memory(_usage(memory_peak=100 * MI + 1))[0] == 116 * MI, "up to whole MiB"
    # Throttled under the threshold: the percentile stands.
    assert rightsize.recommend_cpu(_usage(throttled=0.2, cpu_limit=0.5))[0] == pytest.approx(0.3)


def test_quantities_round_trip():
    assert [rightsize.cpu_quantity(v) for v in (2.0, 0.625, 0.01)] == ["2", "625m", "10m"]
    assert [rightsize.memory_quantity(v) for v in (4 * 1024 * MI, 345 * MI)] == ["4Gi", "345Mi"]
    assert [rightsize.parse_quantity(q) for q in ("500m", "2", "4Gi", "1k")] == [0.5, 2.0, 4 * 1024**3, 1000.0]
    with pytest.raises(ValueError):
        rightsize.parse_quantity("lots")


def test_confidence_is_the_covered_share_of_the_window():
    assert rightsize.confidence(4032, "14d") == "high"  # 14 days of 5-minute steps
    assert rightsize.confidence(2100, "14d") == "medium"
    assert rightsize.confidence(288, "14d") == "low"


def _spec(**extra) -> TenantSpec:
    return TenantSpec.model_validate(
        {"id": "acme", "displayName": "A", "tier": "free", "costCenter": "cc-1", "ownerGroups": {"admins": ["a"]},
         **extra}
    )  # fmt: skip


def test_deployment_requests_target_the_deployment_entry():
    raw = {"plinth:deployments": {"services": [{"name": "web", "tenant": "acme"}, {"name": "api", "tenant": "acme"}]}}
    result = rightsize.recommend([_usage()], [(0, _spec())], "14d", cluster_cloud="aws",
                                 prices=rightsize.load_prices(), raw_config=raw)  # fmt: skip
    targets = {(r.kind, r.resource): r.target for r in result.recommendations}
    assert targets[("request", "cpu")] == "plinth:deployments.services[1].resources.requests.cpu"
    assert targets[("request", "memory")] == "plinth:deployments.services[1].resources.requests.memory"
    assert targets[("limit", "memory")] == "plinth:deployments.services[1].resources.limits.memory"
    sidecar = rightsize.recommend([_usage(), _usage(container="proxy")], [(0, _spec())], "14d", cluster_cloud="aws",
                                  prices=rightsize.load_prices(), raw_config=raw)  # fmt: skip
    assert all(r.target is None for r in sidecar.recommendations if r.workload), "two containers: one entry cannot say"


def test_prices_split_an_instance_between_vcpu_and_memory():
    prices = rightsize.load_prices()
    for cloud in ("aws", "gcp", "azure"):
        cpu, gib = rightsize.unit_prices(cloud, prices)
        table, instance = rightsize.REFERENCE_INSTANCE[cloud]
        assert 2 * cpu + 8 * gib == pytest.approx(prices[table][instance]), f"{cloud}: the instance's price"
        assert cpu / gib == pytest.approx(0.031611 / 0.004237)
    with pytest.raises(console.PlinthError, match="no price for aws_ec2_hourly.m6i.large"):
        rightsize.unit_prices("aws", {"aws_ec2_hourly": {}})


def _stack_copy(tmp_path: Path) -> Path:
    path = tmp_path / "stacks" / "Pulumi.dev.yaml"
    path.parent.mkdir()
    shutil.copy(ROOT / "stacks" / "Pulumi.dev.yaml", path)
    return path


def test_an_edit_that_breaks_the_config_writes_nothing(tmp_path):
    path = _stack_copy(tmp_path)
    before = path.read_text()
    with pytest.raises(ConfigError, match=r"plinth:tenants\[0\]\.quotas\.cpu"):
        stackpatch.propose(path, [stackpatch.Change("plinth:tenants[0].quotas.cpu", "lots")], source="stacks/x.yaml")
    assert path.read_text() == before


def test_key_paths(tmp_path):
    assert stackpatch.parse_path("plinth:tenants[2].quotas.cpu") == ("plinth:tenants", [2, "quotas", "cpu"])
    for bad in ("tenants[0]", "plinth:tenants[x]", "plinth:tenants..cpu"):
        with pytest.raises(ValueError):
            stackpatch.parse_path(bad)
    path = _stack_copy(tmp_path)
    with pytest.raises(console.PlinthError, match=r"index 9 does not exist"):
        stackpatch.propose(path, [stackpatch.Change("plinth:tenants[9].quotas.cpu", "2")], source="s")
    patch = stackpatch.propose(path, [stackpatch.Change("plinth:tenants[3].quotas.cpu", "3")], source="s")
    assert '+      quotas:\n+        cpu: "3"\n' in patch.diff, "a new mapping, the quantity quoted as a string"
    changed = [line for line in patch.diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == ["+      quotas:", '+        cpu: "3"'], "only the two new lines"


@pytest.mark.parametrize(
    "style, expected",
    [
        ("config:\n  plinth:tenants:\n    - id: a\n      tier: free\n", (2, 4, 2)),
        ("config:\n  plinth:tenants:\n  - id: a\n    tier: free\n", (2, 2, 0)),
        ("config:\n    plinth:tenants:\n        -   id: a\n", (4, 8, 4)),
    ],
)
def test_indentation_is_read_from_the_file(style, expected):
    assert stackpatch.indentation(style) == expected


def test_a_file_in_another_indentation_keeps_it(tmp_path):
    path = tmp_path / "stacks" / "Pulumi.x.yaml"
    path.parent.mkdir()
    # List items at their key's indentation (``key:\n- item``), as many YAML formatters write them.
    text = (
        "config:\n  plinth:environment: dev\n  plinth:tenants:\n  - id: acme   # the first tenant\n"
        "    displayName: Acme\n    tier: free\n    costCenter: cc-1\n    ownerGroups:\n      admins:\n"
        "      - acme-admins\n  - id: wayne\n    displayName: Wayne\n    tier: free\n    costCenter: cc-2\n"
        "    ownerGroups:\n      admins:\n      - wayne-admins\n"
    )
    path.write_text(text)
    patch = stackpatch.propose(path, [stackpatch.Change("plinth:tenants[0].quotas.cpu", "3")], source="s")
    changed = [line for line in patch.diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed == ["+    quotas:", '+      cpu: "3"'], patch.diff
    assert "\n  - id: wayne\n" in patch.after and "\n      - acme-admins\n" in patch.after, "items stay at the key"


def test_a_style_the_round_trip_cannot_keep_is_refused(tmp_path):
    path = tmp_path / "stacks" / "Pulumi.x.yaml"
    path.parent.mkdir()
    text = (ROOT / "stacks" / "Pulumi.dev.yaml").read_text().replace(
        "  plinth:tags:\n    owner: platform-team", "  plinth:tags: {owner: platform-team,   team:  core}"
    )
    path.write_text(text)
    with pytest.raises(console.PlinthError, match="would reformat 1 line"):
        stackpatch.propose(path, [stackpatch.Change("plinth:tenants[3].quotas.cpu", "3")], source="s")
    assert path.read_text() == text


def test_a_deployment_request_patch_of_the_dev_stack_changes_that_value_only(tmp_path):
    """The key path rightsize writes exists in the dev stack's deployments and the edit validates."""
    import yaml

    from scripts import stackpatch
    from tests.conftest import ROOT

    dev = ROOT / "stacks" / "Pulumi.dev.yaml"
    raw = yaml.safe_load(dev.read_text())["config"]
    index = rightsize.deployment_targets(raw)[("acme", "audio-api")]
    copy = tmp_path / "stacks" / "Pulumi.dev.yaml"
    copy.parent.mkdir()
    copy.write_text(dev.read_text())
    target = f"plinth:deployments.services[{index}].resources.requests.cpu"
    patch = stackpatch.propose(copy, [stackpatch.Change(target, "300m")], source="stacks/Pulumi.dev.yaml")
    removed = [line for line in patch.diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in patch.diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert removed == ["-          requests: {cpu: 500m, memory: 512Mi}"], patch.diff
    assert added == ["+          requests: {cpu: 300m, memory: 512Mi}"], "one value changes, the flow style stays"
