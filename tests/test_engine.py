"""The recording engine must report what a real `pulumi preview` would: unknowns stay unknown,
secrets never appear, resource options and dependencies are kept, output has the CLI's shape."""

import json

import pulumi
import pulumi_aws as aws
import pytest

from components.base import Secret
from scripts import engine
from scripts.engine import SECRET, UNKNOWN


class Box(pulumi.ComponentResource):
    def __init__(self, name, password: Secret | None = None, opts=None):
        super().__init__("plinth:index:Box", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.key = aws.kms.Key(
            f"{name}-key", enable_key_rotation=True, opts=child.merge(pulumi.ResourceOptions(protect=True))
        )
        self.bucket = aws.s3.Bucket(
            f"{name}-bucket",
            bucket=f"{name}-data",
            tags={"pw": password.output()} if password else None,
            opts=child.merge(pulumi.ResourceOptions(retain_on_delete=True)),
        )
        self.policy = aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=self.bucket.id,
            policy=self.key.arn.apply(lambda arn: json.dumps({"Resource": arn})),
            opts=child,
        )
        self.register_outputs({"keyArn": self.key.arn, "bucket": self.bucket.bucket})


def test_preview_leaves_computed_values_unknown_and_keeps_dependencies():
    plan = engine.run(lambda: Box("b"), preview=True)
    policy = plan.one("aws:s3/bucketPolicy:BucketPolicy")
    assert policy.inputs["policy"] == UNKNOWN, (
        "an ARN is not known before apply, so the policy built from it is unknown"
    )
    assert policy.inputs["bucket"] == UNKNOWN
    bucket, key = plan.one("aws:s3/bucket:Bucket"), plan.one("aws:kms/key:Key")
    assert set(policy.dependencies) == {bucket.urn, key.urn}
    assert policy.property_dependencies["policy"] == [key.urn]
    assert plan.outputs_of(plan.one("plinth:index:Box").urn)["keyArn"] == UNKNOWN


def test_outside_preview_computed_values_are_filled():
    plan = engine.run(lambda: Box("b"), preview=False)
    policy = plan.one("aws:s3/bucketPolicy:BucketPolicy")
    assert json.loads(policy.inputs["policy"])["Resource"].startswith("arn:aws:kms:")


def test_resource_options_are_recorded():
    plan = engine.run(lambda: Box("b"))
    assert plan.one("aws:kms/key:Key").protect is True
    assert plan.one("aws:s3/bucket:Bucket").retain_on_delete is True
    assert plan.one("aws:s3/bucketPolicy:BucketPolicy").protect is False


@pytest.mark.parametrize("value", ["hunter2", UNKNOWN])
def test_secrets_never_appear_in_the_plan(value):
    plan = engine.run(lambda: Box("b", password=Secret(value)))
    assert plan.one("aws:s3/bucket:Bucket").inputs["tags"] == {"pw": SECRET}
    assert "hunter2" not in json.dumps(plan.to_json())


def test_urns_and_parents_match_the_engine():
    plan = engine.run(lambda: Box("b"), project="plinth", stack="dev")
    box = plan.one("plinth:index:Box")
    assert box.urn == "urn:pulumi:dev::plinth::plinth:index:Box::b"
    assert box.parent == plan.stack_urn
    assert plan.one("aws:kms/key:Key").urn == "urn:pulumi:dev::plinth::plinth:index:Box$aws:kms/key:Key::b-key"
    assert [r.name for r in plan.children(box.urn)] == ["b-key", "b-bucket", "b-policy"], "siblings come in URN order"


def test_default_provider_is_a_step_and_referenced():
    plan = engine.run(lambda: Box("b"))
    providers = plan.of_type("pulumi:providers:aws")
    assert len(providers) == 1 and providers[0].name.startswith("default_7_")
    assert plan.one("aws:kms/key:Key").provider == f"{providers[0].urn}::{UNKNOWN}"


def test_json_has_the_pulumi_preview_shape():
    out = engine.run(lambda: Box("b")).to_json()
    assert {"steps", "changeSummary", "diagnostics", "policies"} <= set(out)
    step = next(s for s in out["steps"] if s["newState"]["type"] == "aws:kms/key:Key")
    assert step["op"] == "create"
    assert {
        "urn",
        "type",
        "custom",
        "parent",
        "provider",
        "inputs",
        "dependencies",
        "protect",
        "retainOnDelete",
    } <= set(step["newState"])
    assert out["changeSummary"] == {"create": len(out["steps"])}
    json.dumps(out)  # serialisable as-is


def test_runs_are_isolated_from_each_other():
    first = engine.run(lambda: Box("one"))
    second = engine.run(lambda: Box("two"))
    assert {r.name for r in second.resources} & {"one-key", "one-bucket"} == set()
    assert len(first.resources) == len(second.resources)


def test_program_errors_propagate_and_warnings_become_diagnostics():
    def program():
        pulumi.log.warn("careful")
        Box("b")

    plan = engine.run(program)
    assert any(d.severity == "warning" and d.message == "careful" for d in plan.diagnostics)

    def failing():
        raise pulumi.RunError("broken on purpose")

    with pytest.raises(pulumi.RunError, match="broken on purpose"):
        engine.run(failing)


def test_a_failing_output_fails_the_run_and_the_sdk_is_left_as_it_was():
    from pulumi.runtime import stack

    sdk_wait = stack.wait_for_rpcs

    def boom(_):
        raise ValueError("apply failed on purpose")

    def program():
        aws.kms.Key("k").arn.apply(boom)

    with pytest.raises(ValueError, match="apply failed on purpose"):
        engine.run(program, preview=False)
    assert stack.wait_for_rpcs is sdk_wait, "the engine's own wait must not outlive its run"


def test_outputs_created_while_waiting_are_waited_for():
    """Each wave of outputs may create the next (an apply registering a resource): all of them finish."""

    def chain(depth):
        def register(_):
            if depth:
                chain(depth - 1)

        bucket = aws.s3.Bucket(f"b{depth}")
        bucket.id.apply(register)

    plan = engine.run(lambda: chain(30), preview=False)
    assert {r.name for r in plan.of_type("aws:s3/bucket:Bucket")} == {f"b{i}" for i in range(31)}, (
        "every bucket registered from an apply of the one before must be in the plan"
    )


def test_the_engines_stack_traces_are_the_sdks(monkeypatch):
    """The engine's cheaper stack trace must put the same frames and positions in every request."""
    from pulumi.runtime import resource

    engine_trace, sdk_trace, compared = engine._stack_trace, resource._get_stack_trace, []

    def both():
        ours, theirs = engine_trace(), sdk_trace()
        compared.append(len(theirs.frames))
        assert ours == theirs, "the engine's stack trace differs from the SDK's"
        return theirs

    monkeypatch.setattr(engine, "_stack_trace", both)
    engine.run(lambda: Box("b"))
    assert len(compared) == 5 and all(compared), "the stack and each of Box's 4 resources were compared, with frames"


def test_data_sources_are_refused_offline():
    def program():
        aws.get_caller_identity()

    with pytest.raises(Exception, match="data source aws:index/getCallerIdentity"):
        engine.run(program)


def test_urns_are_the_engines_for_every_resource_of_the_dev_plan(dev_plan):
    """Suppressions by URN, `pulumi state unprotect <urn>` and diffs against real previews need the
    engine's URNs: every ancestor's type, the root stack's excepted (pulumi.resource.create_urn)."""
    import asyncio

    from pulumi.resource import create_urn

    async def expected(reg):
        if reg.parent and reg.parent != dev_plan.stack_urn:
            return await create_urn(reg.name, reg.type, parent=reg.parent).future()
        return await create_urn(reg.name, reg.type, project=dev_plan.project, stack=dev_plan.stack).future()

    deep = [r for r in dev_plan.resources if r.urn.split("::")[2].count("$") >= 2]
    assert deep, "the dev plan has resources two levels below the stack (Platform > Tenant > bucket)"
    resources = [r for r in dev_plan.resources if r.type != engine.STACK_TYPE]
    wrong = [(r.urn, want) for r in resources if (want := asyncio.run(expected(r))) != r.urn]
    assert wrong == [], f"URNs differ from the engine's rule: {wrong[:3]}"
    bucket = next(r for r in dev_plan.resources if r.type == "aws:s3/bucket:Bucket" and r.name == "acme-data")
    qualified = "plinth:index:Platform$plinth:index:Tenant$aws:s3/bucket:Bucket"
    assert bucket.urn == f"urn:pulumi:dev::plinth::{qualified}::acme-data"


# --------------------------------------------------------------------------------------------
# Stacks run in a process of their own (a later `plinth diff` previews two revisions)
# --------------------------------------------------------------------------------------------
def checkout(tmp_path, project_root, label: str):
    """A copy of the project as another revision would be: its own components, program and stacks."""
    import shutil

    target = tmp_path / label
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(project_root / name, target / name if target.exists() else (target.mkdir() or target / name))
    shutil.copytree(project_root / "stacks", target / "stacks")
    shutil.copytree(project_root / "components", target / "components", ignore=shutil.ignore_patterns("__pycache__"))
    (target / "components" / "revision.py").write_text(f"NAME = {label!r}\n")
    main = (
        target / "__main__.py"
    ).read_text() + "\nfrom components import revision\npulumi.export('revision', revision.NAME)\n"
    (target / "__main__.py").write_text(main)
    return target


def test_two_revisions_of_the_project_preview_side_by_side(tmp_path, project_root):
    old, new = checkout(tmp_path, project_root, "old"), checkout(tmp_path, project_root, "new")
    revisions = [engine.run_stack("tenant-acme", p) for p in (old, new, old)]
    names = [plan.outputs_of(plan.stack_urn)["revision"] for plan in revisions]
    assert names == ["old", "new", "old"], "each run imports its own checkout's components, nothing stays cached"
    assert len({len(plan.resources) for plan in revisions}) == 1


def test_what_the_program_prints_becomes_info_diagnostics_and_progress_is_counted(tmp_path, project_root):
    project = checkout(tmp_path, project_root, "chatty")
    (project / "__main__.py").write_text((project / "__main__.py").read_text() + "\nprint('hello from the program')\n")
    counts: list[int] = []
    plan = engine.run_stack("tenant-acme", project, on_progress=counts.append)
    assert [(d.severity, d.message, d.urn) for d in plan.diagnostics] == [
        ("info", "hello from the program", plan.stack_urn)
    ]
    assert counts == sorted(counts) and counts[-1] == len(plan.resources), "counts grow to the size of the plan"


def test_a_failing_program_reports_its_own_traceback(tmp_path, project_root):
    project = checkout(tmp_path, project_root, "broken")
    (project / "__main__.py").write_text("def build():\n    raise KeyError('tenants')\n\nbuild()\n")
    with pytest.raises(engine.ProgramError, match=r"the program failed: KeyError: 'tenants'") as caught:
        engine.run_stack("tenant-acme", project)
    assert "in build" in caught.value.detail and "Traceback" in caught.value.detail, caught.value.detail
