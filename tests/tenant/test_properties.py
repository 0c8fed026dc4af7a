"""Property tests: any valid tenant set yields a consistent, isolated, policy-shaped resource set;
any invalid spec is rejected with a message naming the field."""

from __future__ import annotations

import re

import kubernetes_validate
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components import conventions
from components.config import ConfigError, parse
from tests.tenant.helpers import STATEFUL, kubernetes_objects, of_kind, run_platform, stack, tenant_resources

ids = st.from_regex(r"\A[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,8})?\Z")
US_REGIONS = {"aws": "us-east-1", "gcp": "us-central1", "azure": "eastus"}


@st.composite
def tenant_specs(draw, tenant_id: str):
    tier = draw(st.sampled_from(conventions.TIERS))
    compliance = draw(st.lists(st.sampled_from(["gdpr", "hipaa", "soc2"]), unique=True, max_size=3))
    if "hipaa" in compliance and tier == "free":
        tier = "standard"
    cloud = draw(st.sampled_from(["aws", "gcp", "azure", "none"]))
    spec = {
        "id": tenant_id,
        "displayName": f"Tenant {tenant_id}",
        "tier": tier,
        "compliance": compliance,
        "cloud": cloud,
        "costCenter": draw(st.from_regex(r"\Acc-[0-9]{2,6}\Z")),
        "ownerGroups": {
            "admins": [f"{tenant_id}-admins"],
            "viewers": draw(st.lists(st.from_regex(r"\A[a-z]{3,10}\Z"), max_size=2)),
        },
    }
    if cloud != "none" and "gdpr" not in compliance and draw(st.booleans()):
        spec["dataResidency"] = "us"
        spec["region"] = US_REGIONS[cloud]
    if tier not in conventions.PRODUCTION_TIERS and draw(st.booleans()):
        spec["dataDeletion"] = "delete"
    if draw(st.booleans()):
        spec["quotas"] = {"gpus": draw(st.integers(0, 16)), "cpu": draw(st.sampled_from(["500m", "4", "16"]))}
    if draw(st.booleans()):
        spec["allowedEgress"] = [
            {"cidr": draw(st.sampled_from(["10.0.0.0/8", "52.95.0.0/16", "192.168.1.0/24"])), "ports": [443]}
        ]
    return spec


@st.composite
def tenant_sets(draw):
    chosen = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    return [draw(tenant_specs(t)) for t in chosen]


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<![a-z0-9-]){re.escape(name)}(?![a-z0-9-])", text) is not None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tenant_sets())
def test_any_valid_tenant_set_yields_a_consistent_isolated_resource_set(tenants):
    plan = run_platform(stack(*tenants))
    version = kubernetes_validate.latest_version()
    for spec in tenants:
        mine = tenant_resources(plan, spec["id"])
        objects = kubernetes_objects(mine)
        for obj in objects:
            kubernetes_validate.validate(obj, version, strict=True)
        namespace = conventions.namespace_name(spec["id"])
        assert {o["metadata"].get("namespace", o["metadata"]["name"]) for o in objects} == {namespace}
        policies = {
            r.inputs["metadata"]["name"]: r.inputs["spec"]
            for r in of_kind(mine, "kubernetes:networking.k8s.io/v1:NetworkPolicy")
        }
        assert policies["default-deny"]["policyTypes"] == ["Ingress", "Egress"]
        assert of_kind(mine, "kubernetes:core/v1:ResourceQuota")
        deletable = spec.get("dataDeletion") == "delete"
        for r in mine:
            if r.type in STATEFUL:
                assert r.retain_on_delete != deletable, f"{r.name}: retain={r.retain_on_delete}"
                if not r.type.startswith("kubernetes:"):
                    assert r.protect != deletable, f"{r.name}: protect={r.protect}"
        # Provider name limits.
        for r in mine:
            i = r.inputs
            if r.type == "aws:s3/bucket:Bucket" or r.type == "gcp:storage/bucket:Bucket":
                name = i.get("bucket") or i.get("name")
                assert 3 <= len(name) <= 63 and re.fullmatch(r"[a-z0-9][a-z0-9-]*[a-z0-9]", name)
            if r.type == "azure-native:storage:StorageAccount":
                assert 3 <= len(i["accountName"]) <= 24 and i["accountName"].isalnum() and i["accountName"].islower()
            if r.type == "azure-native:keyvault:Vault":
                assert 3 <= len(i["vaultName"]) <= 24 and i["vaultName"][0].isalpha()
            if r.type == "aws:iam/role:Role":
                assert len(i["name"]) <= 64
            if r.type == "gcp:serviceaccount/account:Account":
                assert re.fullmatch(r"[a-z][a-z0-9-]{4,28}[a-z0-9]", i["accountId"])
        # Isolation: nothing of this tenant names another tenant's namespace, bucket or principal.
        text = "\n".join(str(r.inputs) for r in mine)
        for other in tenants:
            if other["id"] == spec["id"]:
                continue
            assert not _mentions(text, conventions.namespace_name(other["id"])), (
                f"{spec['id']} refers to {other['id']}'s namespace"
            )
            assert not _mentions(text, f"plinth-dev-{other['id']}-data-123456789012")
            assert not _mentions(text, f"plinth-dev-{other['id']}-workload")


VALID = {
    "id": "acme",
    "displayName": "Acme",
    "tier": "standard",
    "costCenter": "cc-1",
    "ownerGroups": {"admins": ["a"]},
}
INVALID = st.sampled_from(
    [
        ("id", "Acme_Corp"),
        ("id", "a" * 30),
        ("tier", "gold"),
        ("compliance", ["pci"]),
        ("cloud", "oracle"),
        ("dataResidency", "mars"),
        ("costCenter", ""),
        ("ownerGroups", {"admins": []}),
        ("quotas", {"pods": 0}),
        ("quotas", {"cpu": "-1"}),
        ("quotas", {"memory": "lots"}),
        ("allowedEgress", [{"cidr": "10.0.0.1/8"}]),
        ("allowedEgress", [{"cidr": "10.0.0.0/8", "ports": [70000]}]),
        ("dataDeletion", "shred"),
        ("tierr", "free"),
    ]
)


@settings(max_examples=40, deadline=None)
@given(INVALID, st.integers(0, 2))
def test_any_invalid_spec_is_rejected_naming_the_field(case, position):
    field, value = case
    tenants = [dict(VALID, id=f"ok{i}") for i in range(3)]
    tenants[position] = {**VALID, "id": f"ok{position}", field: value}
    with pytest.raises(ConfigError) as err:
        parse(stack(*tenants), source="stacks/Pulumi.t.yaml")
    assert f"stacks/Pulumi.t.yaml: plinth:tenants[{position}].{field}" in str(err.value)
