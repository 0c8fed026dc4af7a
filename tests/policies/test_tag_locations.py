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
    mod = importlib.import_module(f"{root}.{module.split('/')[0]}")
    first, *rest = path.split(".")
    params = getattr(mod, class_name)._internal_init.__code__.co_varnames
    if _snake(first) not in params:
        return False
    owner, outputs = class_name, importlib.import_module(f"{mod.__name__}.outputs")
    for part in rest:
        owner = owner + first[0].upper() + first[1:]
        cls = getattr(outputs, owner, None)
        if cls is None or not hasattr(cls, _snake(part)):
            return False
        first = part
    return True


@pytest.mark.parametrize(("token", "path"), sorted(conventions.TAGGABLE_TYPES.items()))
def test_the_check_reads_each_types_own_tag_location_first(token, path):
    # The check sees props, not the type: no path it tries before the type's own may be an input of the type.
    earlier = TAG_PATHS[: TAG_PATHS.index(path)]
    clashes = [p for p in earlier if has_input(token, p)]
    assert not clashes, f"{token}: the tag check would read {clashes} before {path}"


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
