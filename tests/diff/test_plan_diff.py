"""plinth diff on hand-made plan pairs: operations, property paths, secrets, unknowns, protected data, policies."""

from __future__ import annotations

import json

import pytest

from scripts import pulumi_json as pj
from scripts.diff import diff_plans, policy_delta
from scripts.diff.properties import diff_values
from scripts.diff.render import StackReport, render_json, render_markdown_stack, render_text
from scripts.findings import Finding, Report
from tests.diff.plans import ROOT, plan, provider, state, tenant, tenant_component

AWS = provider("aws", "plinth-aws-eu-west-1")
T = tenant("acme")


def bucket(name: str = "acme-data", **inputs) -> dict:
    base = {"bucket": "plinth-dev-acme-data", "tags": {"tier": "premium"}}
    return state(
        "aws:s3/bucket:Bucket", name, {**base, **inputs}, parent=T, protect=True, retain=True, provider_urn=AWS
    )


def ops(diff) -> dict[str, str]:
    return {r.name: r.op for r in diff.resources if r.type != pj.STACK_TYPE}


def test_each_operation_is_found_by_urn():
    kept = state("kubernetes:core/v1:Namespace", "ns", {"metadata": {"name": "tenant-acme"}}, parent=T)
    gone = state("kubernetes:core/v1:ConfigMap", "old", {"metadata": {"name": "old"}}, parent=T)
    new = state("kubernetes:core/v1:ConfigMap", "new", {"metadata": {"name": "new"}}, parent=T)
    changed_old = state("kubernetes:core/v1:ResourceQuota", "quota", {"spec": {"hard": {"pods": "10"}}}, parent=T)
    changed_new = state("kubernetes:core/v1:ResourceQuota", "quota", {"spec": {"hard": {"pods": "20"}}}, parent=T)
    base = plan(tenant_component("acme"), kept, gone, changed_old, bucket())
    head = plan(tenant_component("acme"), kept, new, changed_new, bucket(bucket="plinth-dev-acme-data-2"))
    diff = diff_plans(base, head)
    assert ops(diff) == {
        "plinth": "same",
        "acme": "same",
        "ns": "same",
        "old": "delete",
        "new": "create",
        "quota": "update",
        "acme-data": "replace",
    }, "resources are matched by URN: one of each operation"
    assert diff.counts() == {"create": 1, "update": 1, "replace": 1, "delete": 1, "same": 3}
    assert {r.group for r in diff.changed} == {"tenant acme"}, "every change is grouped under its tenant"


def test_a_changed_physical_name_is_a_replace_with_its_source():
    diff = diff_plans(plan(bucket()), plan(bucket(bucket="renamed")))
    (r,) = diff.changed
    assert r.op == "replace"
    assert any("`bucket` forces a replacement" in reason and "terraform-provider-aws" in reason for reason in r.reasons)


def test_a_tag_change_is_an_update_not_a_replace():
    diff = diff_plans(plan(bucket()), plan(bucket(tags={"tier": "enterprise"})))
    (r,) = diff.changed
    assert r.op == "update" and not r.reasons
    assert [(c.path, c.old, c.new) for c in r.changes] == [("tags.tier", "premium", "enterprise")]


def test_nested_paths_and_list_items():
    old = {"spec": {"egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}], "ports": [{"port": 443}]}]}}
    new = {
        "spec": {"egress": [{"to": [{"ipBlock": {"cidr": "10.1.0.0/16"}}], "ports": [{"port": 443}, {"port": 8443}]}]}
    }
    changes = {c.path: (c.kind, c.old, c.new) for c in diff_values(old, new)}
    assert changes == {
        "spec.egress[0].to[0].ipBlock.cidr": ("update", "10.0.0.0/8", "10.1.0.0/16"),
        "spec.egress[0].ports[1]": ("add", changes["spec.egress[0].ports[1]"][1], {"port": 8443}),
    }


def test_an_item_inserted_at_the_front_of_a_list_is_one_addition():
    old = {"rules": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}
    new = {"rules": [{"id": "z"}, {"id": "a"}, {"id": "b"}, {"id": "c"}]}
    changes = diff_values(old, new)
    assert [(c.path, c.kind) for c in changes] == [("rules[0]", "add")], "equal items are aligned, not shifted"


def test_keys_that_are_not_identifiers_are_quoted_in_paths():
    changes = diff_values({"data": {"dash.json": "a"}}, {"data": {"dash.json": "b"}})
    assert changes[0].path == 'data["dash.json"]'
    assert changes[0].segments == ("data", "dash.json")


def test_secrets_are_never_shown_and_never_compared():
    envelope = {pj.SIG_KEY: pj.SECRET_SIG, "plaintext": '"hunter2"'}
    old = state("kubernetes:core/v1:Secret", "creds", {"stringData": {"token": envelope}, "k": 1}, parent=T)
    new = state("kubernetes:core/v1:Secret", "creds", {"stringData": {"token": envelope}, "k": 2}, parent=T)
    plain_to_secret_old = state("aws:iam/role:Role", "role", {"description": "plain"}, parent=T)
    plain_to_secret_new = state("aws:iam/role:Role", "role", {"description": envelope}, parent=T)
    diff = diff_plans(plan(old, plain_to_secret_old), plan(new, plain_to_secret_new))
    by_name = {r.name: r for r in diff.changed}
    assert [c.path for c in by_name["creds"].changes] == ["k"], "a secret on both sides is not reported as changed"
    (change,) = by_name["role"].changes
    assert (change.old, change.new) == ("plain", pj.SECRET)
    report = StackReport(diff)
    for text in (render_text([report]), render_json([report]), render_markdown_stack(report)):
        assert "hunter2" not in text, "a secret's plaintext never reaches any rendering"
    assert "[secret]" in render_markdown_stack(report)


def test_unknowns_read_known_after_apply_and_equal_unknowns_are_unchanged():
    old = state("aws:kms/alias:Alias", "alias", {"name": "alias/a", "targetKeyId": pj.UNKNOWN}, parent=T)
    same = state("aws:kms/alias:Alias", "alias", {"name": "alias/a", "targetKeyId": pj.UNKNOWN}, parent=T)
    diff = diff_plans(plan(old), plan(same))
    assert not diff.changed, "the same unknown on both sides comes from the same place: no change"
    known = state("aws:iam/role:Role", "role", {"description": "x"}, parent=T)
    unknown = state("aws:iam/role:Role", "role", {"description": pj.UNKNOWN}, parent=T)
    diff = diff_plans(plan(known), plan(unknown))
    text = render_text([StackReport(diff)])
    assert '~ description: "x" => (known after apply)' in text


def test_an_unknown_input_from_a_replaced_resource_changes_too():
    b_old, b_new = bucket(), bucket(bucket="renamed")
    policy = state(
        "aws:s3/bucketPolicy:BucketPolicy",
        "acme-policy",
        {"bucket": pj.UNKNOWN, "policy": "{}"},
        parent=T,
        provider_urn=AWS,
        deps={"bucket": [b_old["urn"]]},
    )
    logging = state(
        "aws:s3/bucketLogging:BucketLogging",
        "acme-logs",
        {"bucket": "fixed", "targetBucket": pj.UNKNOWN},
        parent=T,
        provider_urn=AWS,
        deps={"targetBucket": [b_old["urn"]]},
    )
    diff = diff_plans(plan(b_old, policy, logging), plan(b_new, policy, logging))
    assert ops(diff)["acme-policy"] == "replace", "the policy's bucket name comes from the replaced bucket"
    assert ops(diff)["acme-logs"] == "update", "targetBucket changes in place (not a replace-on-change input)"
    (change,) = [r for r in diff.changed if r.name == "acme-logs"][0].changes
    assert change.path == "targetBucket" and "replaced acme-data" in change.note


def test_a_replaced_provider_replaces_what_it_manages_and_a_default_provider_upgrade_does_not():
    p_old = state("pulumi:providers:aws", "plinth-aws-eu-west-1", {"region": "eu-west-1"})
    p_new = state("pulumi:providers:aws", "plinth-aws-eu-west-1", {"region": "eu-central-1"})
    diff = diff_plans(plan(p_old, bucket()), plan(p_new, bucket()))
    assert ops(diff)["plinth-aws-eu-west-1"] == "replace"
    assert ops(diff)["acme-data"] == "replace", "a provider moved to another region replaces its resources"

    def managed(version: str) -> dict:
        return state(
            "kubernetes:core/v1:Namespace",
            "ns",
            {"metadata": {"name": "tenant-acme"}},
            provider_urn=provider("kubernetes", f"default_{version}"),
        )

    diff = diff_plans(plan(managed("4_18_0")), plan(managed("4_34_2")))
    assert not [r for r in diff.changed if r.name == "ns"], "a default provider's new version is not a replace"
    renamed = dict(bucket(), provider=pj.provider_reference(provider("aws", "other"), pj.UNKNOWN))
    diff = diff_plans(plan(bucket()), plan(renamed))
    assert ops(diff)["acme-data"] == "replace" and "provider changes" in diff.changed[0].reasons[0]


def test_protected_and_retained_deletions_are_called_out_first():
    vault = state("azure-native:keyvault:Vault", "kv", {"vaultName": "kv"}, parent=T, protect=True)
    ns = state("kubernetes:core/v1:Namespace", "ns", {"metadata": {"name": "tenant-acme"}}, parent=T, retain=True)
    cm = state("kubernetes:core/v1:ConfigMap", "cm", {"metadata": {"name": "cm"}, "data": {"a": "1"}}, parent=T)
    cm2 = state("kubernetes:core/v1:ConfigMap", "cm", {"metadata": {"name": "cm"}, "data": {"a": "2"}}, parent=T)
    diff = diff_plans(plan(tenant_component("acme"), bucket(), vault, ns, cm), plan(tenant_component("acme"), cm2))
    attention = diff.attention()
    assert [r.name for r in attention][:2] == ["acme-data", "kv"], "protected data first"
    assert all(r.op == "delete" for r in attention)
    assert "ns" in [r.name for r in attention], "a retained namespace left behind is called out"
    assert "cm" not in [r.name for r in attention], "a ConfigMap replaced (data change) holds nothing at risk"
    markdown = render_markdown_stack(StackReport(diff))
    assert markdown.index("Needs attention") < markdown.index("| | create |"), "the callout comes before the table"
    assert "pulumi state unprotect" in markdown


def test_an_unprotected_stateful_resource_that_is_deleted_is_data_loss():
    plain = state("aws:s3/bucket:Bucket", "scratch", {"bucket": "scratch"}, parent=T)
    diff = diff_plans(plan(plain), plan())
    (r,) = diff.attention()
    assert "the data is deleted" in r.risks()[0]


def test_plans_of_two_stacks_are_refused():
    other = json.loads(json.dumps(plan(bucket())).replace("urn:pulumi:dev::", "urn:pulumi:prod::"))
    with pytest.raises(Exception, match="different stacks"):
        diff_plans(plan(bucket()), other)


def _finding(policy: str, urn: str, level: str = "mandatory") -> Finding:
    return Finding("plinth-security", "0.1.0", policy, "d", f"{policy} fails", urn, "t", level, "high", [])


def test_policy_delta_lists_new_and_fixed_findings():
    base, head = Report(resources=1, packs=[]), Report(resources=1, packs=[])
    base.add(_finding("aws-a", "u1"))
    base.add(_finding("aws-b", "u1", "advisory"))
    head.add(_finding("aws-b", "u1", "advisory"))
    head.add(_finding("aws-c", "u2"))
    delta = policy_delta(base, head)
    assert [f.policy for f in delta.new] == ["aws-c"] and [f.policy for f in delta.fixed] == ["aws-a"]
    assert delta.unchanged == 1 and [f.policy for f in delta.new_mandatory] == ["aws-c"]
    diff = diff_plans(plan(bucket()), plan(bucket()))
    markdown = render_markdown_stack(StackReport(diff, delta))
    assert "New in head (1)" in markdown and "Fixed in head (1)" in markdown
    assert "1 new finding(s) (1 mandatory), 1 fixed" in markdown


def test_a_stack_without_changes_is_one_line():
    diff = diff_plans(plan(bucket()), plan(bucket()))
    text = render_markdown_stack(StackReport(diff))
    assert text.count("\n") == 3 and "no changes" in text and text.startswith("<!-- plinth:diff stack=dev -->")


def test_root_is_never_counted():
    diff = diff_plans(plan(), plan())
    assert diff.counts()["same"] == 1 and ROOT in {r.urn for r in diff.resources}
