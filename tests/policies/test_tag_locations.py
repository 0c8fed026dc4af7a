"""The required-tags policy reads each type's labels where its API keeps them, including the GCP types whose
labels are not top-level (GKE clusters and node pools, Cloud Run v1), and never mistakes GCP Resource Manager tags
for labels."""

from __future__ import annotations

import importlib
import re

import pytest

from components import conventions
from policies.meta import all_policies
from policies.stack.resource_tags_required import TAG_PATHS
from tests.policies.harness import analyze

P = {p.name: p for p in all_policies()}
POLICY = P["stack-resource-tags-required"]
GOOD = {"managed-by": "plinth", "environment": "dev"}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def has_input(token: str, path: str) -> bool:
    """Whether resource type ``token`` takes an input at dotted ``path`` (nested through its output types)."""
    package, module, class_name = token.split(":")
    root = {"aws": "pulumi_aws", "gcp": "pulumi_gcp", "azure-native": "pulumi_azure_native"}[package]
    name = module.split("/")[0]
    mod = importlib.import_module(f"{root}.{name}_" if name in ("lambda",) else f"{root}.{name}")
    first, *rest = path.split(".")
    params = getattr(mod, class_name)._internal_init.__code__.co_varnames
    if _snake(first) not in params:
        return False
    if not rest:
        return True
    owner, outputs = class_name, importlib.import_module(f"{mod.__name__}.outputs")
    for part in rest:
        owner = owner + first[0].upper() + first[1:]
        cls = getattr(outputs, owner, None)
        if cls is None or not hasattr(cls, _snake(part)):
            return False
        first = part
    return True


def _at(path: str, value: dict) -> dict:
    out: dict = {}
    target = out
    *parents, last = path.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = value
    return out


@pytest.mark.parametrize(("token", "path"), sorted(conventions.TAGGABLE_TYPES.items()))
def test_the_check_reads_each_types_own_tag_location(token, path):
    assert has_input(token, path), f"{token} takes no input at {path}"
    assert analyze(POLICY, token, _at(path, GOOD)).passed
    # Tags anywhere else (a GCP resource's Resource Manager tags, an EKS node group's Kubernetes labels)
    # are not the type's tags: the check must not take them for it.
    elsewhere: dict = {}
    for other in TAG_PATHS:
        if other != path and not path.startswith(other + ".") and not other.startswith(path + "."):
            elsewhere.update(_at(other, GOOD))
    assert analyze(POLICY, token, elsewhere).violations, f"{token}: tags outside {path} were taken for its tags"


@pytest.mark.parametrize(
    ("token", "labelled", "bare"),
    [
        (
            "gcp:container/cluster:Cluster",
            {"resourceLabels": GOOD, "nodeConfig": {"labels": {"pool": "gpu"}}},
            {"nodeConfig": {"labels": GOOD}},
        ),
        (
            "gcp:container/nodePool:NodePool",
            {"cluster": "c", "nodeConfig": {"resourceLabels": GOOD, "labels": {"pool": "gpu"}}},
            {"cluster": "c", "nodeConfig": {"labels": GOOD}},
        ),
        (
            "gcp:cloudrun/service:Service",
            {"metadata": {"labels": GOOD}, "template": {"metadata": {"labels": {"a": "b"}}}},
            {"template": {"metadata": {"labels": GOOD}}},
        ),
    ],
)
def test_gcp_labels_that_are_not_top_level(token, labelled, bare):
    assert analyze(POLICY, token, labelled).passed, f"{token}: a well-labelled resource passes"
    assert analyze(POLICY, token, bare).violations == ["Missing required tag(s): managed-by, environment."], (
        f"{token}: Kubernetes node or revision labels are not the resource's labels"
    )


def test_resource_manager_tags_are_not_labels():
    # A secret with labels and a map of Resource Manager tags (tagKeys/... -> tagValues/...) is judged by its labels.
    secret = {"secretId": "db", "labels": GOOD, "tags": {"tagKeys/281478": "tagValues/123"}}
    assert analyze(POLICY, "gcp:secretmanager/secret:Secret", secret).passed
