"""Kubernetes workloads: every kind in every API version the SDK knows (issue 8 item 12), every container
of a pod (the container iterator), accurate runAsNonRoot messages (item 16), and pods that inherit a
token from a service account the stack does not define (item 13)."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import pytest

from policies import meta, props
from policies.kubernetes import _workloads
from tests.policies.cases import CASES, SECURE_CONTAINER
from tests.policies.harness import UNKNOWN, analyze, analyze_stack, mutate

P = {p.name: p for p in meta.all_policies()}
WORKLOAD_POLICIES = sorted(n for n, p in P.items() if p.kind == "resource" and p.types == _workloads.TYPES)
#: Tokens that matched nothing before: older API groups and kinds the v1-only list missed.
LEGACY = [
    "kubernetes:batch/v1beta1:CronJob",
    "kubernetes:extensions/v1beta1:Deployment",
    "kubernetes:extensions/v1beta1:DaemonSet",
    "kubernetes:extensions/v1beta1:ReplicaSet",
    "kubernetes:apps/v1beta1:Deployment",
    "kubernetes:apps/v1beta1:StatefulSet",
    "kubernetes:apps/v1beta2:Deployment",
    "kubernetes:apps/v1beta2:DaemonSet",
    "kubernetes:apps/v1beta2:ReplicaSet",
    "kubernetes:apps/v1beta2:StatefulSet",
    "kubernetes:core/v1:ReplicationController",
]


def _sdk_kinds_on_disk() -> set[str]:
    """Workload tokens found by walking the SDK's modules: <group>/<version>/<Kind>.py defining the token."""
    root = Path(importlib.util.find_spec("pulumi_kubernetes").origin).parent
    found = set()
    for kind in props.POD_TEMPLATE_PATHS:
        for module in root.glob(f"*/*/{kind}.py"):
            text = module.read_text(encoding="utf-8")
            found |= {t for t in _tokens(text) if t.rsplit(":", 1)[1] == kind}
    return found


def _tokens(text: str) -> set[str]:
    import re

    return set(re.findall(r"'(kubernetes:[a-z0-9.]+/[a-z0-9]+:[A-Za-z]+)'", text))


def test_workload_types_are_every_api_version_the_sdk_knows():
    types = set(_workloads.TYPES)
    assert set(LEGACY) <= types, sorted(set(LEGACY) - types)
    assert types - set(_workloads.CUSTOM_WORKLOAD_TYPES) == _sdk_kinds_on_disk(), (
        "derived from the SDK, nothing by hand"
    )
    assert "kubernetes:argoproj.io/v1alpha1:Rollout" in types
    assert not [t for t in types if t.endswith(("Patch", "List"))], "patches and lists carry no complete pod"
    assert _workloads.TYPES == tuple(sorted(types))


def _workload(token: str, pod_spec: dict) -> dict:
    """A workload of ``token``'s kind and API version with ``pod_spec`` where that kind keeps it."""
    group_version, kind = token.split(":", 1)[1].split(":")
    api_version = group_version.removeprefix("core/")
    obj: dict = {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": "w", "namespace": "tenant-acme", "labels": {"plinth.dev/tier": "premium"}},
    }
    path = props.POD_TEMPLATE_PATHS[kind]
    target = obj
    for part in path:
        target = target.setdefault(part, {})
    target["spec"] = copy.deepcopy(pod_spec)
    return obj


@pytest.mark.parametrize("token", LEGACY)
@pytest.mark.parametrize("name", WORKLOAD_POLICIES)
def test_every_workload_policy_checks_legacy_api_versions(name, token):
    type_, good, mutations, _ = CASES[name]
    pod_spec = (
        good["spec"]["template"]["spec"]
        if good["kind"] == "Deployment"
        else good["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    )
    base = _workload(token, pod_spec)
    assert analyze(P[name], token, base).passed, f"{name}: the good pod passes as {token}"
    path, value = mutations[0]
    template_path = props.pod_spec_path(base)
    case_prefix = "spec.template.spec" if good["kind"] == "Deployment" else "spec.jobTemplate.spec.template.spec"
    bad = mutate(base, template_path + path[len(case_prefix) :], value)
    assert analyze(P[name], token, bad).violations, f"{name} let {path}={value!r} through as {token}"


def test_the_container_iterator_sees_every_container_with_its_path():
    pod = {
        "kind": "CronJob",
        "spec": {
            "jobTemplate": {
                "spec": {
                    "template": {
                        "spec": {
                            "initContainers": [{"name": "migrate"}],
                            "containers": [{"name": "app"}, {"name": "sidecar"}],
                            "ephemeralContainers": [{"name": "debug"}],
                        }
                    }
                }
            }
        },
    }
    found = [(c.field, c.name, c.path, c.label) for c in props.pod_containers(pod)]
    prefix = "spec.jobTemplate.spec.template.spec"
    assert found == [
        ("containers", "app", f"{prefix}.containers[0]", "Container app"),
        ("containers", "sidecar", f"{prefix}.containers[1]", "Container sidecar"),
        ("initContainers", "migrate", f"{prefix}.initContainers[0]", "Init container migrate"),
        ("ephemeralContainers", "debug", f"{prefix}.ephemeralContainers[0]", "Ephemeral container debug"),
    ]
    assert list(props.pod_containers({"kind": "ConfigMap", "data": {}})) == [], "not a workload"
    assert list(props.pod_containers({"kind": "Deployment", "spec": {"replicas": 1}})) == [], "no template"
    with pytest.raises(TypeError, match=r"spec.containers\[0\] is a string, not an object"):
        list(props.pod_containers({"kind": "Pod", "spec": {"containers": ["nginx"]}}))


POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "p", "namespace": "tenant-acme"},
    "spec": {"automountServiceAccountToken": False, "containers": [SECURE_CONTAINER]},
}


def test_init_and_ephemeral_containers_are_checked_where_the_api_allows():
    init = mutate(
        POD, "spec.initContainers", [{**SECURE_CONTAINER, "name": "setup", "securityContext": {"privileged": True}}]
    )
    out = analyze(P["kubernetes-pod-privileged-forbidden"], "kubernetes:core/v1:Pod", init)
    assert out.violations == ["Init container setup runs privileged."]
    debug = {"name": "debug", "image": "busybox:1.36", "securityContext": SECURE_CONTAINER["securityContext"]}
    ephemeral = mutate(POD, "spec.ephemeralContainers", [debug])
    assert analyze(P["kubernetes-pod-resourcelimits-required"], "kubernetes:core/v1:Pod", ephemeral).passed, (
        "ephemeral containers cannot have resources, so no limit is asked of them"
    )
    assert analyze(P["kubernetes-pod-readonlyrootfs-required"], "kubernetes:core/v1:Pod", ephemeral).passed
    root = mutate(ephemeral, "spec.ephemeralContainers.0.securityContext", {"runAsUser": 0.0})
    assert analyze(P["kubernetes-pod-runasnonroot-required"], "kubernetes:core/v1:Pod", root).violations == [
        "Ephemeral container debug runs as root (runAsUser: 0)."
    ]


SC = "spec.containers.0.securityContext"


@pytest.mark.parametrize(
    ("pod_level", "container_level", "message"),
    [
        (
            {},
            {"runAsUser": 1000.0, "runAsNonRoot": None},
            "Container app runs as UID 1000 but does not set runAsNonRoot: true, which the restricted Pod Security "
            "Standard requires so that the kubelet refuses a root user.",
        ),
        (
            {"runAsUser": 1000.0},
            {"runAsUser": None, "runAsNonRoot": False},
            "Container app runs as UID 1000 but sets runAsNonRoot: false, which the restricted Pod Security "
            "Standard requires so that the kubelet refuses a root user.",
        ),
        (
            {},
            {"runAsUser": None, "runAsNonRoot": None},
            "Container app may run as root: it does not set runAsNonRoot: true and sets no runAsUser, "
            "so the image's user decides.",
        ),
        ({}, {"runAsUser": 0.0, "runAsNonRoot": None}, "Container app runs as root (runAsUser: 0)."),
        (
            {"runAsNonRoot": True},
            {"runAsUser": 0.0, "runAsNonRoot": None},
            "Container app sets runAsNonRoot: true with runAsUser: 0, so the kubelet refuses to start it.",
        ),
    ],
)
def test_run_as_non_root_messages_say_what_is_wrong(pod_level, container_level, message):
    # Issue 8 item 16: a non-zero runAsUser without runAsNonRoot is not "may run as root".
    pod = mutate(POD, "spec.securityContext", pod_level)
    for key, value in container_level.items():
        pod = mutate(pod, f"{SC}.{key}", value) if value is not None else _drop(pod, f"{SC}.{key}")
    assert analyze(P["kubernetes-pod-runasnonroot-required"], "kubernetes:core/v1:Pod", pod).violations == [message]


def _drop(pod: dict, path: str) -> dict:
    from tests.policies.harness import DELETE

    return mutate(pod, path, DELETE)


def test_run_as_non_root_at_pod_level_covers_every_container():
    pod = mutate(_drop(POD, f"{SC}.runAsNonRoot"), "spec.securityContext", {"runAsNonRoot": True})
    assert analyze(P["kubernetes-pod-runasnonroot-required"], "kubernetes:core/v1:Pod", pod).passed


# --- Item 13: pods that inherit a token from a service account the stack does not define ------------

INHERITED = "kubernetes-pod-inherited-token-disabled"
SA = {
    "type": "kubernetes:core/v1:ServiceAccount",
    "name": "workload-sa",
    "props": {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "automountServiceAccountToken": False,
        "metadata": {"name": "workload", "namespace": "tenant-acme"},
    },
}


def _pod_resource(
    spec_changes: dict, token: str = "kubernetes:apps/v1:Deployment", namespace: str | None = "tenant-acme"
):
    pod_spec = {"containers": [SECURE_CONTAINER], **spec_changes}
    obj = _workload(token, {k: v for k, v in pod_spec.items() if v is not None})
    if namespace is None:
        del obj["metadata"]["namespace"]
    else:
        obj["metadata"]["namespace"] = namespace
    return {"type": token, "name": "app", "props": obj}


def test_pods_of_defined_service_accounts_or_that_opt_out_pass():
    policy = P[INHERITED]
    assert analyze_stack(policy, [SA, _pod_resource({"serviceAccountName": "workload"})]).passed
    assert analyze_stack(policy, [_pod_resource({"automountServiceAccountToken": False})]).passed
    patch = {
        "type": "kubernetes:core/v1:ServiceAccountPatch",
        "name": "default-sa",
        "props": {"automountServiceAccountToken": False, "metadata": {"name": "default", "namespace": "tenant-acme"}},
    }
    assert analyze_stack(policy, [patch, _pod_resource({})]).passed, (
        "the stack turned the default account's automount off"
    )
    opted_in = _pod_resource({"automountServiceAccountToken": True})
    assert analyze_stack(policy, [opted_in]).passed, (
        "explicit true is kubernetes-pod-token-automount-disabled's finding"
    )


def test_pods_inheriting_a_token_from_an_account_outside_the_stack_are_flagged():
    policy = P[INHERITED]
    default = analyze_stack(policy, [SA, _pod_resource({})])
    assert default.violations == [
        "Deployment w runs its pods as the namespace's default service account in tenant-acme, which this stack "
        "does not define, and does not set automountServiceAccountToken: false, so Kubernetes mounts that account's "
        "API token."
    ]
    assert default.levels == ["advisory"] and default.urns == ["urn:pulumi:dev::p::kubernetes:apps/v1:Deployment::app"]
    foreign = analyze_stack(policy, [SA, _pod_resource({"serviceAccountName": "ci-bot"})])
    assert "service account ci-bot in tenant-acme" in foreign.violations[0]
    elsewhere = analyze_stack(
        policy, [SA, _pod_resource({"serviceAccountName": "workload"}, namespace="tenant-globex")]
    )
    assert elsewhere.violations, "a service account of the same name in another namespace is another account"
    no_ns = analyze_stack(policy, [_pod_resource({}, namespace=None)])
    assert "in default," in no_ns.violations[0]
    patch_on = {
        "type": "kubernetes:core/v1:ServiceAccountPatch",
        "name": "default-sa",
        "props": {"metadata": {"name": "default", "namespace": "tenant-acme"}, "imagePullSecrets": []},
    }
    assert analyze_stack(policy, [patch_on, _pod_resource({})]).violations, "a patch that leaves automount on"


@pytest.mark.parametrize(
    "token",
    [
        "kubernetes:core/v1:Pod",
        "kubernetes:batch/v1beta1:CronJob",
        "kubernetes:core/v1:ReplicationController",
        "kubernetes:argoproj.io/v1alpha1:Rollout",
    ],
)
def test_inherited_tokens_are_found_in_every_workload_kind(token):
    assert analyze_stack(P[INHERITED], [_pod_resource({}, token)]).violations


def test_inherited_token_unknown_at_preview_is_not_a_pass():
    out = analyze_stack(P[INHERITED], [SA, _pod_resource({"serviceAccountName": UNKNOWN})])
    assert out.unknown and not out.violations


def test_the_pod_token_policies_split_the_cases_without_double_reporting():
    # Explicit true: the resource policy. Unset on a foreign account: the stack policy. Never both.
    opted_in = _pod_resource({"automountServiceAccountToken": True})
    assert analyze(P["kubernetes-pod-token-automount-disabled"], opted_in["type"], opted_in["props"]).violations
    assert analyze_stack(P[INHERITED], [opted_in]).passed
    inherited = _pod_resource({})
    assert analyze(P["kubernetes-pod-token-automount-disabled"], inherited["type"], inherited["props"]).passed
    assert analyze_stack(P[INHERITED], [inherited]).violations
