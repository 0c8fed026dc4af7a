"""The deployment policies beyond their catalogue cases: blue-green analysis, KEDA's defaults, tiers that may scale
down, Rollout pod templates checked like Deployments - and the dev stack's deployments pass every policy."""

from __future__ import annotations

import copy

import pytest

from policies import meta
from tests.policies.cases import CASES
from tests.policies.harness import DELETE, analyze, mutate

P = {p.name: p for p in meta.all_policies()}
ANALYSIS = P["kubernetes-rollout-analysis-required"]
MIN_REPLICAS = P["kubernetes-autoscaler-minreplicas-production"]
ROLLOUT = "kubernetes:argoproj.io/v1alpha1:Rollout"
SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject"
BLUE_GREEN = {"activeService": "api", "previewService": "api-preview"}


def test_the_policies_are_in_the_compliance_pack_with_their_levels():
    pack = {p.name for p in meta.pack_policies("compliance")}
    assert {ANALYSIS.name, MIN_REPLICAS.name} <= pack
    assert ANALYSIS.enforcement == "advisory", "a manually promoted canary is a legitimate choice"
    assert MIN_REPLICAS.enforcement == "mandatory"


@pytest.mark.parametrize("key", ["prePromotionAnalysis", "postPromotionAnalysis"])
def test_blue_green_passes_with_either_analysis(key):
    props = {"spec": {"strategy": {"blueGreen": {**BLUE_GREEN, key: {"templates": [{"templateName": "a"}]}}}}}
    assert analyze(ANALYSIS, ROLLOUT, props).passed


def test_a_canary_with_an_analysis_step_passes():
    steps = [{"setWeight": 20}, {"analysis": {"templates": [{"templateName": "a"}]}}]
    assert analyze(ANALYSIS, ROLLOUT, {"spec": {"strategy": {"canary": {"steps": steps}}}}).passed


def scaled_object(tier: str, **spec) -> dict:
    return {
        "metadata": {"name": "q", "labels": {"plinth.dev/tier": tier}},
        "spec": {"scaleTargetRef": {"name": "q"}, "maxReplicaCount": 5, "triggers": [{"type": "prometheus"}], **spec},
    }


def test_keda_scaling_to_zero_by_default_is_refused_for_production_tiers_only():
    assert analyze(MIN_REPLICAS, SCALED_OBJECT, scaled_object("enterprise")).violations, "minReplicaCount defaults to 0"
    assert analyze(MIN_REPLICAS, SCALED_OBJECT, scaled_object("enterprise", minReplicaCount=2)).passed
    assert analyze(MIN_REPLICAS, SCALED_OBJECT, scaled_object("standard")).passed, "other tiers may scale to zero"


def test_a_free_tier_hpa_of_one_pod_passes():
    type_, good, _, _ = CASES[MIN_REPLICAS.name]
    props = mutate(mutate(good, "metadata.labels.plinth\\.dev/tier", "free"), "spec.minReplicas", 1)
    assert analyze(MIN_REPLICAS, type_, props).passed


def test_rollout_pod_templates_get_the_pod_checks():
    type_, deployment, _, _ = CASES["kubernetes-pod-privilegeescalation-forbidden"]
    rollout = copy.deepcopy(deployment)
    rollout["kind"] = "Rollout"
    bad = mutate(rollout, "spec.template.spec.containers.0.securityContext.allowPrivilegeEscalation", DELETE)
    for name in ("kubernetes-pod-privilegeescalation-forbidden", "kubernetes-pod-runasnonroot-required"):
        assert analyze(P[name], ROLLOUT, rollout).passed, name
    assert analyze(P["kubernetes-pod-privilegeescalation-forbidden"], ROLLOUT, bad).violations


def test_the_dev_stack_deployments_pass_every_policy(dev_plan):
    owners = {c.urn for c in dev_plan.of_type("plinth:index:TenantDeployment")}
    owners |= {c.urn for c in dev_plan.of_type("plinth:index:DeliveryController")}
    resources = []
    for urn in owners:
        for r in dev_plan.children(urn, recursive=True):
            resources.append(meta.Resource(r.type, r.inputs, r.name, r.urn, meta.ResourceOptions(protect=r.protect)))
    assert len(resources) >= 15
    findings = []
    for policy in meta.all_policies():
        if policy.kind != "resource":
            continue
        findings += [
            (policy.name, resource.name if resource else None, message)
            for message, resource in meta.evaluate(policy, resources)
        ]
    assert findings == [], findings
