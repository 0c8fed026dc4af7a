"""`plinth audit manifests` over kubectl exports (List kinds) and Helm template output."""

from __future__ import annotations

import json
from pathlib import Path

from scripts import audit, cli
from scripts.audit import manifests

HERE = Path(__file__).resolve().parent / "manifests"


def _by_object(report) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for f in report.of("violation"):
        out.setdefault(f.name, set()).add(f.policy)
    return out


def test_a_kubectl_list_export_and_a_chart_are_judged_by_the_kubernetes_policies():
    report = audit.audit_manifests(HERE)
    found = _by_object(report)
    assert "kubernetes-pod-privileged-forbidden" in found["Deployment/shop/web"]
    assert "kubernetes-pod-image-pinned" in found["Deployment/shop/web"]
    assert "kubernetes-pod-privileged-forbidden" not in found.get("Deployment/shop/api", set())
    assert "kubernetes-pod-image-pinned" not in found.get("Deployment/shop/api", set())
    assert "kubernetes-rbac-clusteradmin-binding-forbidden" in found["ClusterRoleBinding/shop-admin"]
    assert report.context["objects"] == 4, "two items of the List, two documents of the chart (the empty one skipped)"
    assert report.errors == [], [f.message for f in report.errors]
    assert report.exit_code == 1


def test_type_tokens_follow_the_provider():
    assert manifests.type_token("v1", "Service") == "kubernetes:core/v1:Service"
    assert manifests.type_token("apps/v1", "Deployment") == "kubernetes:apps/v1:Deployment"


def test_bad_manifests_are_one_line_naming_the_file_and_line(tmp_path, capsys):
    dup = tmp_path / "dup.yaml"
    dup.write_text("apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata: {name: x}\n")
    assert cli.main(["audit", "manifests", str(dup)]) == 2
    err = capsys.readouterr().err
    assert str(dup) in err and "line" in err and "Traceback" not in err
    bomb = tmp_path / "bomb.yaml"
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"] + [
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]"
        for i in range(6)
    ]
    bomb.write_text("\n".join(lines) + "\n")
    assert cli.main(["audit", "manifests", str(bomb)]) == 2
    assert "aliases" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli.main(["audit", "manifests", str(empty)]) == 2
    assert "no .yaml" in capsys.readouterr().err
    assert cli.main(["audit", "manifests", str(tmp_path / "missing")]) == 2


def test_the_json_report_lists_the_files_and_the_counts(tmp_path, capsys):
    out = tmp_path / "m.json"
    assert cli.main(["audit", "manifests", str(HERE / "chart.yaml"), "--format", "json", "--out", str(out)]) == 1
    data = json.loads(out.read_text())
    assert data["context"]["files"] == [str(HERE / "chart.yaml")]
    assert data["checks"]["kubernetes-rbac-clusteradmin-binding-forbidden"]["failed"] == 1


def test_the_sarif_report_names_each_finding_with_its_rule_and_level(tmp_path):
    out = tmp_path / "m.sarif"
    assert cli.main(["audit", "manifests", str(HERE), "--format", "sarif", "--out", str(out)]) == 1
    sarif = json.loads(out.read_text())
    assert sarif["version"] == "2.1.0"
    [run] = sarif["runs"]
    rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
    results = run["results"]
    assert results and all(r["ruleId"] in rules for r in results), "every result points at a declared rule"
    admin = [r for r in results if r["ruleId"] == "kubernetes-rbac-clusteradmin-binding-forbidden"]
    assert len(admin) == 1 and admin[0]["level"] == "error", "a failed mandatory control is an error"
    assert "shop-admin" in json.dumps(admin[0]), "the result names the object"


def test_exit_codes_0_when_nothing_fails_1_for_a_failed_mandatory_control_2_when_unreadable(tmp_path, capsys):
    clean = tmp_path / "clean.yaml"
    clean.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {colour: blue}\n"
    )
    assert cli.main(["audit", "manifests", str(clean)]) == 0, "a ConfigMap without credentials fails nothing"
    capsys.readouterr()
    (tmp_path / "chart.yaml").write_text((HERE / "chart.yaml").read_text())  # binds cluster-admin
    code = cli.main(["audit", "manifests", str(tmp_path), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["mandatory"] >= 1 and code == 1, "a cluster-admin binding is a failed mandatory control"
    (tmp_path / "broken.yaml").write_text("kind: [unclosed\n")
    assert cli.main(["audit", "manifests", str(tmp_path)]) == 2, "an unreadable file beats any verdict"
