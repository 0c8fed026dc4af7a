"""plinth fleet render: operator Stack resources valid against the CRDs, waves, no destroy of tenant data, quotas."""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from scripts import cli
from scripts.fleet import operator
from tests.conftest import ROOT

CRDS = ROOT / "tests" / "schemas" / "crds"
STACK_SCHEMA = json.loads((CRDS / "pulumi.com_stack_v1.json").read_text())
WORKSPACE_SCHEMA = json.loads((CRDS / "auto.pulumi.com_workspace_v1alpha1.json").read_text())
SETTINGS = operator.Settings(repo="https://github.com/acme/platform", branch="main", organization="acme")


def fleet_project(tmp_path: Path, prod: int = 20) -> Path:
    """dev and tenant-acme from the repo, a staging stack and ``prod`` silo stacks over two AWS accounts."""
    project = tmp_path / "project"
    (project / "stacks").mkdir(parents=True)
    shutil.copy(ROOT / "Pulumi.yaml", project)
    for stack in ("dev", "tenant-acme"):
        shutil.copy(ROOT / "stacks" / f"Pulumi.{stack}.yaml", project / "stacks")
    acme = yaml.safe_load((ROOT / "stacks" / "Pulumi.tenant-acme.yaml").read_text())
    staging = json.loads(json.dumps(acme))
    staging["config"]["plinth:environment"] = "staging"
    (project / "stacks" / "Pulumi.staging.yaml").write_text(yaml.safe_dump(staging))
    for i in range(prod):
        doc = json.loads(json.dumps(acme))
        doc["config"]["plinth:tenants"][0]["id"] = f"t{i:03d}"
        doc["config"]["plinth:aws"]["accountId"] = "111111111111" if i % 2 else "222222222222"
        (project / "stacks" / f"Pulumi.tenant-t{i:03d}.yaml").write_text(yaml.safe_dump(doc))
    return project


def rendered_objects(project: Path, settings: operator.Settings = SETTINGS) -> operator.Rendered:
    rendered = operator.render_project(project, settings)
    operator.validate(rendered)
    return rendered


def test_every_stack_validates_against_the_operator_crds(tmp_path):
    rendered = rendered_objects(fleet_project(tmp_path))
    stacks = [o for o in rendered.all_objects() if o["kind"] == "Stack"]
    assert len(stacks) == 23
    for stack in stacks:
        jsonschema.validate(stack, STACK_SCHEMA, cls=jsonschema.Draft7Validator)
        workspace = {
            "apiVersion": "auto.pulumi.com/v1alpha1",
            "kind": "Workspace",
            "metadata": {"name": stack["metadata"]["name"], "namespace": stack["metadata"]["namespace"]},
            "spec": stack["spec"]["workspaceTemplate"]["spec"],
        }
        jsonschema.validate(workspace, WORKSPACE_SCHEMA, cls=jsonschema.Draft7Validator)
        assert len(stack["metadata"]["name"]) <= operator.STACK_NAME_MAX, "the CRD's CEL rule on names"


def test_the_other_objects_are_valid_kubernetes():
    rendered = rendered_objects(ROOT)
    version = kubernetes_validate.latest_version()
    kinds = set()
    for obj in rendered.all_objects():
        if obj["kind"] != "Stack":
            kubernetes_validate.validate(obj, version, strict=True)
            kinds.add(obj["kind"])
    assert kinds == {
        "Namespace",
        "ClusterRole",
        "PriorityClass",
        "ResourceQuota",
        "ServiceAccount",
        "ClusterRoleBinding",
    }


def test_a_bad_object_fails_the_schema():
    stack = next(o for o in rendered_objects(ROOT).all_objects() if o["kind"] == "Stack")
    stack["spec"]["workspaceReclaimPolicy"] = "Sometimes"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(stack, STACK_SCHEMA, cls=jsonschema.Draft7Validator)


def stacks_by_name(rendered: operator.Rendered) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in rendered.all_objects() if o["kind"] == "Stack"}


def test_stacks_with_tenant_data_are_never_destroyed_on_finalize_and_refresh_and_resync(tmp_path):
    for stack in stacks_by_name(rendered_objects(fleet_project(tmp_path, prod=2))).values():
        spec = stack["spec"]
        assert spec["destroyOnFinalize"] is False, "deleting a Stack object never deletes tenant data"
        assert spec["refresh"] is True and spec["continueResyncOnCommitMatch"] is True
        assert spec["resyncFrequencySeconds"] == 3600 and spec["workspaceReclaimPolicy"] == "Delete"
        assert spec["stack"].startswith("acme/")
        assert spec["envRefs"]["PULUMI_ACCESS_TOKEN"] == {
            "type": "Secret",
            "secret": {"name": "pulumi-api-secret", "key": "accessToken"},
        }, "the backend token is a reference to a Secret, never a value"
        assert spec["workspaceTemplate"]["spec"]["securityProfile"] == "restricted"


def test_waves_dev_then_staging_and_canaries_then_the_rest(tmp_path):
    commit = "0123456789abcdef0123456789abcdef01234567"
    settings = operator.Settings(repo=SETTINGS.repo, branch="main", commit=commit, canary_percent=10)
    rendered = rendered_objects(fleet_project(tmp_path), settings)
    dev, second, rest = rendered.waves
    assert dev == ["dev"]
    prod_total = 21  # tenant-acme and the 20 silos
    canaries = [s for s in second if s != "staging"]
    assert "staging" in second and len(canaries) == math.ceil(prod_total * 0.1)
    assert len(rest) == prod_total - len(canaries)
    objects = stacks_by_name(rendered)
    assert objects["dev"]["spec"]["branch"] == "main" and "prerequisites" not in objects["dev"]["spec"]
    for name in second:
        spec = objects[operator.k8s_name(name, 42)]["spec"]
        assert spec["commit"] == commit and "branch" not in spec, "later waves are pinned to the promoted commit"
        assert [p["name"] for p in spec["prerequisites"]] == ["dev"]
    for name in rest:
        spec = objects[operator.k8s_name(name, 42)]["spec"]
        assert sorted(p["name"] for p in spec["prerequisites"]) == sorted(second)
        assert all(p["requirement"] == {"succeededWithinDuration": "24h"} for p in spec["prerequisites"])


def test_concurrency_is_bounded_per_cloud_account(tmp_path):
    settings = operator.Settings(repo=SETTINGS.repo, branch="main", per_account=3)
    rendered = rendered_objects(fleet_project(tmp_path), settings)
    quotas = {o["metadata"]["name"]: o for o in rendered.shared if o["kind"] == "ResourceQuota"}
    classes = {o["metadata"]["name"] for o in rendered.shared if o["kind"] == "PriorityClass"}
    assert quotas.keys() == classes, "one quota per account group, each on its own priority class"
    assert "plinth-stacks-aws-111111111111" in quotas and "plinth-stacks-aws-222222222222" in quotas
    for quota in quotas.values():
        assert quota["spec"]["hard"] == {"pods": "3"}
        (selector,) = quota["spec"]["scopeSelector"]["matchExpressions"]
        assert selector["values"] == [quota["metadata"]["name"]]
    for stack in stacks_by_name(rendered).values():
        pc = stack["spec"]["workspaceTemplate"]["spec"]["podTemplate"]["spec"]["priorityClassName"]
        assert pc in classes, "every workspace pod counts against its account's quota"
    t000 = stacks_by_name(rendered)["tenant-t000"]["spec"]["workspaceTemplate"]["spec"]
    assert t000["podTemplate"]["spec"]["priorityClassName"] == "plinth-stacks-aws-222222222222"
    assert t000["envFrom"] == [{"secretRef": {"name": "plinth-aws-222222222222"}}], "the account's credentials Secret"


KIND_PLURAL = {"ServiceAccountPatch": "serviceaccounts", "Namespace": "namespaces"}


def test_the_deployer_role_covers_every_kubernetes_kind_plinth_creates():
    role = operator.deployer_role()
    granted = {
        (g, r)
        for rule in role["rules"]
        for g in rule["apiGroups"]
        for r in rule["resources"]
        if "create" in rule["verbs"]
    }
    for snapshot in ("dev", "tenant-acme"):
        for step in json.loads((ROOT / "tests" / "snapshots" / f"plan-{snapshot}.json").read_text())["steps"]:
            type_ = step["newState"]["type"]
            if not type_.startswith("kubernetes:") or type_.startswith("kubernetes:helm.sh/"):
                continue
            group_version, kind = type_.split(":")[1:]
            group = "" if group_version.startswith("core/") else group_version.rsplit("/", 1)[0]
            plural = KIND_PLURAL.get(kind) or re.sub(r"y$", "ie", kind.lower()) + "s"
            assert (group, plural) in granted, f"{type_}: the deployer role cannot manage {group}/{plural}"


def test_a_stack_that_installs_the_monitoring_chart_is_bound_to_cluster_admin():
    rendered = rendered_objects(ROOT)
    bindings = {o["metadata"]["name"]: o for o in rendered.all_objects() if o["kind"] == "ClusterRoleBinding"}
    assert bindings["pulumi-dev-deployer"]["roleRef"]["name"] == "cluster-admin", "the Helm chart installs CRDs"
    assert bindings["pulumi-tenant-acme-deployer"]["roleRef"]["name"] == operator.DEPLOYER_ROLE
    assert bindings["pulumi-dev-auth-delegator"]["roleRef"]["name"] == "system:auth-delegator"


def test_a_stack_that_installs_velero_without_the_monitoring_chart_is_bound_to_cluster_admin(tmp_path):
    project = fleet_project(tmp_path, prod=0)
    dev = yaml.safe_load((project / "stacks" / "Pulumi.dev.yaml").read_text())
    assert dev["config"]["plinth:backup"]["velero"]["mode"] == "install", "the dev stack installs Velero"
    del dev["config"]["plinth:monitoring"]
    del dev["config"]["plinth:deployments"]
    (project / "stacks" / "Pulumi.dev.yaml").write_text(yaml.safe_dump(dev))
    bindings = {o["metadata"]["name"]: o for o in rendered_objects(project).all_objects()
                if o["kind"] == "ClusterRoleBinding"}  # fmt: skip
    assert bindings["pulumi-dev-deployer"]["roleRef"]["name"] == "cluster-admin", "the Velero chart installs CRDs"
    assert bindings["pulumi-tenant-acme-deployer"]["roleRef"]["name"] == operator.DEPLOYER_ROLE


@pytest.mark.parametrize(("mode", "role"), [("install", "cluster-admin"), ("existing", operator.DEPLOYER_ROLE)])
def test_a_stack_with_canaries_that_installs_argo_rollouts_is_bound_to_cluster_admin(tmp_path, mode, role):
    project = fleet_project(tmp_path, prod=0)
    dev = yaml.safe_load((project / "stacks" / "Pulumi.dev.yaml").read_text())
    deployments = dev["config"]["plinth:deployments"]
    assert any(s.get("strategy", {}).get("type") == "canary" for s in deployments["services"]), "dev has a canary"
    del dev["config"]["plinth:monitoring"]
    del dev["config"]["plinth:backup"]["velero"]
    deployments["argoRollouts"] = {**deployments.get("argoRollouts", {}), "mode": mode}
    (project / "stacks" / "Pulumi.dev.yaml").write_text(yaml.safe_dump(dev))
    bindings = {o["metadata"]["name"]: o for o in rendered_objects(project).all_objects()
                if o["kind"] == "ClusterRoleBinding"}  # fmt: skip
    assert bindings["pulumi-dev-deployer"]["roleRef"]["name"] == role, f"Argo Rollouts mode {mode}"


def test_secrets_provider_and_backend(tmp_path):
    project = fleet_project(tmp_path, prod=0)
    path = project / "stacks" / "Pulumi.staging.yaml"
    path.write_text("secretsprovider: awskms://alias/plinth?region=eu-west-1\n" + path.read_text())
    settings = operator.Settings(repo=SETTINGS.repo, branch="main", backend="s3://plinth-state", passphrase_secret="pp")
    objects = stacks_by_name(rendered_objects(project, settings))
    staging, dev = objects["staging"]["spec"], objects["dev"]["spec"]
    assert staging["secretsProvider"] == "awskms://alias/plinth?region=eu-west-1"
    assert staging["backend"] == "s3://plinth-state" and "PULUMI_ACCESS_TOKEN" not in staging["envRefs"]
    assert "PULUMI_CONFIG_PASSPHRASE" not in staging["envRefs"], "a KMS secrets provider needs no passphrase"
    assert dev["envRefs"]["PULUMI_CONFIG_PASSPHRASE"]["secret"] == {"name": "pp", "key": "passphrase"}


def test_long_names_keep_the_crds_limit():
    assert len(operator.k8s_name("tenant-" + "x" * 60, 42)) == 42
    assert operator.k8s_name("tenant-a" * 8, 42) != operator.k8s_name("tenant-b" * 8, 42)


def test_the_command_writes_files_and_refuses_bad_input(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    args = ["fleet", "render", "--repo", SETTINGS.repo, "--branch", "main"]
    assert cli.main([*args, "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["00-shared.yaml", "stack-dev.yaml", "stack-tenant-acme.yaml"]
    assert [d["kind"] for d in yaml.safe_load_all((out / "stack-dev.yaml").read_text())][-1] == "Stack"
    assert cli.main([*args, "--per-account", "0"]) == 2
    assert "--per-account 0" in capsys.readouterr().err
    assert cli.main([*args, "--resync", "soon"]) == 2
    project = fleet_project(tmp_path, prod=0)
    broken = yaml.safe_load((project / "stacks" / "Pulumi.staging.yaml").read_text())
    del broken["config"]["plinth:aws"]["accountId"]
    (project / "stacks" / "Pulumi.staging.yaml").write_text(yaml.safe_dump(broken))
    assert cli.main([*args, "--project-dir", str(project)]) == 2
    assert "stacks/Pulumi.staging.yaml: plinth:aws.accountId: not set" in capsys.readouterr().err
