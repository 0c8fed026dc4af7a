"""The replacement table against its sources: the installed provider SDKs and the types Plinth creates."""

from __future__ import annotations

import importlib
import inspect
import json
import re
from functools import lru_cache

import pytest

from scripts.diff import replacements
from scripts.diff.replacements import RULES, SDK_DOC, forcing_rule, known
from tests.conftest import ROOT

SNAPSHOTS = [ROOT / "tests" / "snapshots" / f"plan-{s}.json" for s in ("dev", "tenant-acme")]
PROVIDER_CLASSES = {
    "pulumi:providers:aws": ("pulumi_aws", "Provider"),
    "pulumi:providers:kubernetes": ("pulumi_kubernetes", "Provider"),
}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@lru_cache(maxsize=1)
def sdk_classes() -> dict[str, type]:
    import pulumi_aws  # noqa: F401 - importing a provider SDK registers its resource modules
    import pulumi_azure_native  # noqa: F401
    import pulumi_gcp  # noqa: F401
    import pulumi_kubernetes  # noqa: F401
    import pulumi_random  # noqa: F401
    import pulumiverse_time  # noqa: F401
    from pulumi.runtime import rpc

    found: dict[str, tuple[str, str]] = {}
    for modules in rpc._RESOURCE_MODULES.values():
        for module in modules:
            info = getattr(module, "mod_info", None)
            if info:
                found.update({token: (info["fqn"], name) for token, name in info["classes"].items()})
    wanted = {r.type for r in RULES} | set(replacements.NO_EXTRA_RULES)
    out = {t: getattr(importlib.import_module(fqn), name) for t, (fqn, name) in found.items() if t in wanted}
    for token, (module, name) in PROVIDER_CLASSES.items():
        out[token] = getattr(importlib.import_module(module), name)
    return out


def inputs_of(cls: type) -> set[str]:
    return set(inspect.signature(cls._internal_init).parameters) - {"__self__", "resource_name", "opts"}


def nested_known(cls: type, keys: list[str]) -> bool:
    """Whether some input type of the class's package has a property for each nested key."""
    package = importlib.import_module(cls.__module__.rsplit(".", 1)[0])
    source = inspect.getsource(importlib.import_module(f"{package.__name__}._inputs"))
    return all(re.search(rf"def {snake(k)}\(self\)", source) for k in keys)


def plan_types() -> set[str]:
    types = set()
    for path in SNAPSHOTS:
        for step in json.loads(path.read_text())["steps"]:
            state = step["newState"]
            if state["custom"]:
                types.add(state["type"])
    return types


@pytest.mark.parametrize("type_", sorted(plan_types()))
def test_every_type_plinth_creates_is_in_the_table(type_):
    assert known(type_), f"{type_}: add its replace-on-change inputs to scripts/diff/replacements.py, with a source"


@pytest.mark.parametrize("rule", [r for r in RULES if r.type != "kubernetes:"], ids=lambda r: r.type)
def test_every_property_exists_in_the_installed_sdk(rule):
    classes = sdk_classes()
    if rule.type not in classes:
        pytest.skip(f"{rule.type} is a custom resource without an SDK class")  # (CRDs: generic rule only)
    cls = classes[rule.type]
    inputs = inputs_of(cls)
    for path in rule.paths:
        first, *rest = path.split(".")
        # The SDK renames an input that clashes with its own parameters (resourceName -> resource_name_).
        assert {snake(first), snake(first) + "_"} & inputs, (
            f"{rule.type}: {path!r} is not an input of {cls.__name__} ({sorted(inputs)})"
        )
        assert not rest or nested_known(cls, rest), f"{rule.type}: {path!r} has no nested input {rest}"


def test_the_kubernetes_metadata_rule_names_object_meta_fields():
    from pulumi_kubernetes.meta.v1 import ObjectMetaArgs

    fields = set(inspect.signature(ObjectMetaArgs.__init__).parameters)
    assert {"name", "namespace"} <= fields
    assert "metadata" in inputs_of(sdk_classes()["kubernetes:core/v1:Namespace"])


@pytest.mark.parametrize("rule", [r for r in RULES if r.evidence == SDK_DOC], ids=lambda r: r.source)
def test_rules_from_sdk_documentation_say_so_there(rule):
    cls = sdk_classes()[rule.type]
    source = inspect.getsource(inspect.getmodule(cls))
    for path in rule.paths:
        lines = [line for line in source.splitlines() if re.search(rf":param .*\b{snake(path)}:", line)]
        assert lines, f"{cls.__name__} documents no input {path}"
        assert any(re.search(r"immutable|cannot be changed", line, re.I) for line in lines), (
            f"{cls.__name__}.{snake(path)} is not documented as unchangeable: {lines[0][:160]}"
        )


def test_every_rule_cites_a_source():
    for rule in RULES:
        assert rule.source.startswith("https://") or rule.evidence == SDK_DOC, rule


@pytest.mark.parametrize(
    ("type_", "path", "replaces"),
    [
        ("kubernetes:core/v1:Namespace", ("metadata", "name"), True),
        ("kubernetes:core/v1:Namespace", ("metadata", "labels", "team"), False),
        ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", ("roleRef", "name"), True),
        ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", ("subjects",), False),
        ("kubernetes:helm.sh/v3:Release", ("values", "grafana"), False),
        ("kubernetes:helm.sh/v3:Release", ("name",), True),
        ("kubernetes:helm.sh/v3:Release", ("metadata", "name"), False),
        ("aws:s3/bucket:Bucket", ("tags", "tier"), False),
        ("gcp:kms/cryptoKey:CryptoKey", ("versionTemplate", "protectionLevel"), True),
        ("gcp:kms/cryptoKey:CryptoKey", ("rotationPeriod",), False),
        ("pulumi:providers:aws", ("region",), True),
    ],
)
def test_forcing_rule(type_, path, replaces):
    assert (forcing_rule(type_, path) is not None) == replaces


def test_a_whole_object_replaces_only_when_the_named_field_differs():
    rule_path = ("metadata",)
    assert forcing_rule("kubernetes:core/v1:ConfigMap", rule_path, {"name": "a"}, {"name": "a", "labels": {}}) is None
    assert forcing_rule("kubernetes:core/v1:ConfigMap", rule_path, {"name": "a"}, {"name": "b"}) is not None
