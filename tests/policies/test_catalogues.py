"""The stateful and taggable type catalogues (components/conventions.py, interfaces §5): one source for the
policies and the tests, every type real in the installed SDKs, every tag location real in its schema."""

from __future__ import annotations

import importlib
import inspect
import keyword
import re

import pytest

from components import conventions
from policies import meta
from tests.policies.harness import analyze, analyze_stack, remediate
from tests.policies.test_policy_details import _sdk_dir

P = {p.name: p for p in meta.all_policies()}


def test_policies_and_tests_read_the_same_catalogues():
    from tests.tenant import helpers

    assert helpers.STATEFUL is conventions.STATEFUL_TYPES, "tenant tests classify data with the catalogue"
    assert set(P["stack-stateful-resource-protected"].reads) == conventions.STATEFUL_CLOUD_TYPES
    assert set(P["stack-resource-tags-required"].types) == set(conventions.TAGGABLE_TYPES)
    assert conventions.STATEFUL_TYPES == conventions.STATEFUL_CLOUD_TYPES | conventions.STATEFUL_KUBERNETES_TYPES
    assert all(t.startswith("kubernetes:") for t in conventions.STATEFUL_KUBERNETES_TYPES)
    assert not any(t.startswith("kubernetes:") for t in conventions.STATEFUL_CLOUD_TYPES)


def test_the_catalogues_are_a_superset_of_the_lists_they_replace():
    # The stateful policy's set, the tenant tests' set and the tag policy's types before the merge.
    policy_stateful = {
        "aws:kms/key:Key",
        "aws:s3/bucket:Bucket",
        "aws:rds/instance:Instance",
        "aws:rds/cluster:Cluster",
        "aws:dynamodb/table:Table",
        "aws:ebs/volume:Volume",
        "aws:backup/vault:Vault",
        "gcp:kms/keyRing:KeyRing",
        "gcp:kms/cryptoKey:CryptoKey",
        "gcp:storage/bucket:Bucket",
        "gcp:sql/databaseInstance:DatabaseInstance",
        "azure-native:keyvault:Vault",
        "azure-native:keyvault:Key",
        "azure-native:storage:StorageAccount",
        "azure-native:compute:Disk",
        "azure-native:sql:Server",
        "azure-native:resources:ResourceGroup",
    }
    tests_stateful = {
        "aws:kms/key:Key",
        "aws:s3/bucket:Bucket",
        "gcp:kms/keyRing:KeyRing",
        "gcp:kms/cryptoKey:CryptoKey",
        "gcp:storage/bucket:Bucket",
        "azure-native:keyvault:Vault",
        "azure-native:keyvault:Key",
        "azure-native:storage:StorageAccount",
        "azure-native:storage:BlobContainer",
        "azure-native:resources:ResourceGroup",
        "kubernetes:core/v1:Namespace",
    }
    tagged = {
        "aws:s3/bucket:Bucket",
        "aws:kms/key:Key",
        "aws:iam/role:Role",
        "aws:rds/instance:Instance",
        "aws:ec2/instance:Instance",
        "aws:ebs/volume:Volume",
        "aws:dynamodb/table:Table",
        "aws:backup/vault:Vault",
        "aws:backup/plan:Plan",
        "aws:ec2/vpc:Vpc",
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:cloudtrail/trail:Trail",
        "azure-native:resources:ResourceGroup",
        "azure-native:keyvault:Vault",
        "azure-native:storage:StorageAccount",
        "azure-native:managedidentity:UserAssignedIdentity",
        "azure-native:compute:Disk",
        "azure-native:sql:Server",
        "azure-native:compute:VirtualMachine",
        "azure-native:network:VirtualNetwork",
        "azure-native:network:NetworkSecurityGroup",
        "gcp:storage/bucket:Bucket",
        "gcp:kms/cryptoKey:CryptoKey",
        "gcp:sql/databaseInstance:DatabaseInstance",
        "gcp:compute/instance:Instance",
        "gcp:compute/disk:Disk",
    }
    assert policy_stateful | tests_stateful <= conventions.STATEFUL_TYPES
    assert policy_stateful <= conventions.STATEFUL_CLOUD_TYPES, "the stateful policy checks at least what it did"
    assert tagged <= set(conventions.TAGGABLE_TYPES)


def test_every_taggable_stateful_cloud_type_is_tag_checked():
    untaggable = {"gcp:kms/keyRing:KeyRing", "azure-native:storage:BlobContainer"}  # their APIs take no tags or labels
    assert conventions.STATEFUL_CLOUD_TYPES - set(conventions.TAGGABLE_TYPES) == untaggable


CATALOGUE_TOKENS = sorted(conventions.STATEFUL_TYPES | set(conventions.TAGGABLE_TYPES))


@pytest.mark.parametrize("token", CATALOGUE_TOKENS)
def test_catalogue_types_exist_in_the_installed_provider_sdks(token):
    directory = _sdk_dir(token)
    assert directory.is_dir(), f"{token}: no SDK module {directory.name}"
    assert any(f"'{token}'" in f.read_text() for f in directory.glob("*.py")), (
        f"{token} is not a resource type of the installed SDK"
    )


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _resource_class(token: str):
    package, module, class_name = token.split(":")
    root = {"aws": "pulumi_aws", "gcp": "pulumi_gcp", "azure-native": "pulumi_azure_native"}[package]
    directory = module.split("/")[0]
    if keyword.iskeyword(directory):  # aws:lambda/... lives in pulumi_aws.lambda_
        directory += "_"
    return importlib.import_module(f"{root}.{directory}"), class_name


@pytest.mark.parametrize(("token", "path"), sorted(conventions.TAGGABLE_TYPES.items()))
def test_tags_live_where_the_catalogue_says(token, path):
    module, class_name = _resource_class(token)
    cls = getattr(module, class_name)
    first, *rest = path.split(".")
    params = inspect.signature(cls._internal_init).parameters
    assert _snake(first) in params, f"{token} takes no {first} argument"
    owner = class_name
    for part in rest:  # nested: the output type of the parent field has the property
        outputs = importlib.import_module(f"{module.__name__}.outputs")
        owner = owner + first[0].upper() + first[1:]
        assert hasattr(getattr(outputs, owner), _snake(part)), f"{token}: {owner} has no {part}"


def test_cloud_sql_labels_are_read_from_settings():
    # Cloud SQL keeps user labels in settings.userLabels; a well-labelled instance passed as untagged before.
    policy = P["stack-resource-tags-required"]
    sql = "gcp:sql/databaseInstance:DatabaseInstance"
    labelled = {
        "databaseVersion": "POSTGRES_16",
        "settings": {"tier": "db-f1-micro", "userLabels": {"managed-by": "plinth", "environment": "dev"}},
    }
    assert analyze(policy, sql, labelled).passed
    bare = {"databaseVersion": "POSTGRES_16", "settings": {"tier": "db-f1-micro"}}
    assert analyze(policy, sql, bare).violations == ["Missing required tag(s): managed-by, environment."]
    fixed = remediate(policy, sql, bare, config={"enforcementLevel": "remediate"})
    assert fixed["settings"] == {"tier": "db-f1-micro", "userLabels": {"managed-by": "plinth"}}


def test_newly_catalogued_stateful_types_must_be_protected():
    policy = P["stack-stateful-resource-protected"]
    for token in (
        "aws:efs/fileSystem:FileSystem",
        "gcp:bigquery/dataset:Dataset",
        "azure-native:storage:BlobContainer",
    ):
        assert analyze_stack(policy, [{"type": token, "name": "d", "props": {}}]).violations, token
        assert analyze_stack(policy, [{"type": token, "name": "d", "props": {}, "protect": True}]).passed, token
    namespace = {
        "type": "kubernetes:core/v1:Namespace",
        "name": "tenant-a",
        "props": {"metadata": {"name": "tenant-a"}},
    }
    assert analyze_stack(policy, [namespace]).passed, (
        "Kubernetes data is retained, not protected (packs cannot see retain)"
    )


def test_remediation_adds_the_environment_from_the_stacks_config(monkeypatch):
    """The CLI (and the offline gate) start a pack with the stack's config in PULUMI_CONFIG, so the
    environment tag is known, never a guess; tenant and cost center stay violations."""
    policy = P["stack-resource-tags-required"]
    bucket = "aws:s3/bucket:Bucket"
    monkeypatch.setenv("PULUMI_CONFIG", '{"plinth:environment": "staging"}')
    on = {"enforcementLevel": "remediate"}
    fixed = remediate(policy, bucket, {"bucket": "b", "tags": {"tenant": "acme"}}, config=on)
    assert fixed["tags"] == {"tenant": "acme", "managed-by": "plinth", "environment": "staging"}
    assert analyze(policy, bucket, fixed).violations == ["Missing required tag(s): cost-center."]
    monkeypatch.setenv("PULUMI_CONFIG", "{}")
    fixed = remediate(policy, bucket, {"bucket": "b", "tags": {}}, config={"enforcementLevel": "remediate"})
    assert fixed["tags"] == {"managed-by": "plinth"}, "without the stack's environment nothing is guessed"
