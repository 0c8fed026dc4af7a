"""The PR comment: within GitHub's limit for a huge change, one marker per stack, Mermaid that stays small."""

from __future__ import annotations

import json
from pathlib import Path

from scripts import cli
from scripts.diff import diff_plans
from scripts.diff.render import StackReport, marker, render_markdown, render_markdown_stack, split_sections
from scripts.findings import GITHUB_COMMENT_LIMIT
from scripts.graph import from_preview, to_mermaid
from tests.diff.plans import plan, state, tenant, tenant_component


def huge_pair(tenants: int = 300) -> tuple[dict, dict]:
    old, new = [], []
    for i in range(tenants):
        t = tenant(f"t{i:04d}")
        old.append(tenant_component(f"t{i:04d}"))
        new.append(tenant_component(f"t{i:04d}"))
        labels_old = {f"label-{k}": f"value-{k}-{'x' * 40}" for k in range(20)}
        labels_new = {f"label-{k}": f"value-{k}-{'y' * 40}" for k in range(20)}
        old.append(state("kubernetes:core/v1:Namespace", f"t{i}-ns", {"metadata": {"labels": labels_old}}, parent=t))
        new.append(state("kubernetes:core/v1:Namespace", f"t{i}-ns", {"metadata": {"labels": labels_new}}, parent=t))
        new.append(state("kubernetes:core/v1:ConfigMap", f"t{i}-cm", {"data": {"k": "v" * 200}}, parent=t))
        if i % 10 == 0:
            old.append(state("aws:s3/bucket:Bucket", f"t{i}-data", {"bucket": f"b{i}"}, parent=t, protect=True))
    return plan(*old), plan(*new)


def test_a_huge_diff_stays_under_githubs_limit_and_says_what_was_left_out():
    base, head = huge_pair()
    diff = diff_plans(base, head)
    report = StackReport(diff, edges=[])
    text = render_markdown_stack(report, full_report="plinth-diff.json")
    assert len(text) <= GITHUB_COMMENT_LIMIT, f"{len(text)} characters: over GitHub's comment limit"
    assert text.startswith(marker("dev")), "the marker is the first line"
    assert "Needs attention: 30 resource(s)" in text, "the protected deletions are never dropped"
    assert "Left out to stay within 65,536 characters" in text and "`plinth-diff.json`" in text
    assert text.index("Needs attention") < text.index("#### tenant"), "attention before details"
    # The least important details collapse first: creates keep no property table while a delete keeps its line.
    assert "t0-data" in text
    assert text.count("<details>") == text.count("</details>"), "every collapsible block is closed"


def test_small_limits_still_hold():
    base, head = huge_pair(40)
    report = StackReport(diff_plans(base, head), edges=[])
    for limit in (8_000, 20_000, 40_000):
        text = render_markdown_stack(report, limit=limit)
        assert len(text) <= limit, f"{len(text)} > {limit}"


def test_sections_split_at_the_markers():
    base, head = huge_pair(3)
    changed = StackReport(diff_plans(base, head), edges=[])
    other = json.loads(json.dumps(plan()).replace("urn:pulumi:dev::", "urn:pulumi:prod::"))
    unchanged = StackReport(diff_plans(other, other), edges=[])
    document = render_markdown([changed, unchanged])
    sections = split_sections(document)
    assert [s for s, _ in sections] == ["dev", "prod"]
    assert sections[1][1].count("\n") == 3 and "no changes" in sections[1][1]
    assert sections[0][1].startswith(marker("dev"))


def test_the_change_picture_groups_per_tenant_and_type():
    base, head = huge_pair(3)
    text = render_markdown_stack(StackReport(diff_plans(base, head), edges=[]))
    mermaid = text[text.index("```mermaid") : text.index("```", text.index("```mermaid") + 3)]
    assert mermaid.count("subgraph") == 3, "one group per tenant"
    assert "+ ConfigMap x1" in mermaid and "~ Namespace x1" in mermaid


def test_mermaid_escapes_labels():
    doc = plan(state("kubernetes:core/v1:ConfigMap", 'a"b]<c>|`', {"data": {}}))
    text = to_mermaid(from_preview(doc))
    assert '["ConfigMap a#34;b#93;#60;c#62;#124;#96;"]' in text, "quotes, brackets and markup are entity codes"


def write(tmp_path: Path, name: str, doc: dict) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return str(path)


def test_the_command_diffs_two_preview_files(tmp_path, capsys):
    base, head = huge_pair(2)
    old, new = write(tmp_path, "old.json", base), write(tmp_path, "new.json", head)
    assert cli.main(["diff", old, new, "--format", "json", "--out", str(tmp_path / "d.json")]) == 0
    doc = json.loads((tmp_path / "d.json").read_text())
    (stack,) = doc["stacks"]
    assert stack["summary"]["delete"] == 1 and stack["summary"]["create"] == 2
    assert stack["attention"][0]["urn"].endswith("::t0-data")


def test_the_command_refuses_bad_input_with_one_line(tmp_path, capsys):
    old = write(tmp_path, "old.json", {"no": "steps"})
    new = write(tmp_path, "new.json", plan())
    assert cli.main(["diff", old, new]) == 2
    err = capsys.readouterr().err
    assert "old.json: no 'steps' list" in err and "Traceback" not in err
    assert cli.main(["diff", old]) == 2
    assert "give two preview files" in capsys.readouterr().err
    assert cli.main(["diff", str(tmp_path / "missing.json"), new]) == 2
    assert "missing.json: cannot read" in capsys.readouterr().err
