"""``plinth fix``: config problems and policy findings with their remediation; the fixes Plinth owns
as one validated, comment-preserving patch of the stack file (golden diffs)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from components import stackfiles
from policies import meta
from scripts import cli

ROOT = Path(__file__).resolve().parents[2]
ROUTE_DIFF = """\
--- a/stacks/Pulumi.dev.yaml
+++ b/stacks/Pulumi.dev.yaml
@@ -157,6 +157,7 @@
       routes:
         P0: oncall
         P1: oncall
+        P2: platform-mail
         P3: platform-mail
     dashboards: true
   plinth:deployments:
"""
RETENTION_DIFF = """\
@@ -103,6 +103,9 @@
       initech:                      # standard: no copy required; this one keeps a geo-redundant copy anyway
         copyTo: {region: northeurope}
         drRpo: 48h
+      wayne:
+        retention:
+          daily: 35
     velero:
       mode: install
       provider: aws
"""
#: A free AWS tenant: its tier keeps daily backups 7 days, below the compliance pack's 35-day floor.
WAYNE = """\
    - id: wayne
      displayName: Wayne Test
      tier: free
      cloud: aws
      costCenter: cc-5005
      ownerGroups:
        admins: [wayne-admins]
  plinth:backup:"""


def _project(tmp_path: Path, text: str) -> Path:
    project = tmp_path / "project"
    (project / "stacks").mkdir(parents=True)
    shutil.copy(ROOT / "Pulumi.yaml", project)
    shutil.copy(ROOT / "__main__.py", project)
    (project / "stacks" / "Pulumi.dev.yaml").write_text(text)
    return project


def _fix(capsys, project: Path, *extra: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["fix", "--stack", "dev", "--project-dir", str(project), *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_missing_alert_route_is_routed_like_its_kind(capsys, tmp_path):
    dev = (ROOT / "stacks" / "Pulumi.dev.yaml").read_text()
    broken = dev.replace("        P2: platform-mail\n", "")
    assert broken != dev
    project = _project(tmp_path, broken)
    stack_file = project / "stacks" / "Pulumi.dev.yaml"
    code, out, err = _fix(capsys, project)
    assert code == 0, err
    assert 'plinth:monitoring.alerting.routes.P2 = "platform-mail"' in out, "P2 is a ticket, routed like P3"
    assert out.endswith(ROUTE_DIFF), out
    assert stack_file.read_text() == broken, "nothing written without --write"
    code, out, err = _fix(capsys, project, "--write")
    assert stack_file.read_text() == dev, "the patched file is the original one, byte for byte (comments, order)"
    stackfiles.load_stack_file(stack_file)


def test_config_problem_without_a_fixer_is_by_hand(capsys, tmp_path):
    dev = (ROOT / "stacks" / "Pulumi.dev.yaml").read_text()
    project = _project(tmp_path, dev.replace("tier: premium", "tier: platinum", 1))
    code, out, err = _fix(capsys, project, "--format", "json")
    doc = json.loads(out)
    (item,) = doc["items"]
    assert item["changes"] == [] and item["subject"] == "plinth:tenants[0].tier"
    assert item["byHand"].startswith("edit plinth:tenants[0].tier: ") and "platinum" in item["byHand"]
    assert code == 1, "a mandatory problem is left to do by hand"


@pytest.fixture(scope="module")
def gated(tmp_path_factory):
    """fix over the dev stack plus a free AWS tenant, through the real offline preview and packs."""
    tmp = tmp_path_factory.mktemp("fix")
    dev = (ROOT / "stacks" / "Pulumi.dev.yaml").read_text()
    project = _project(tmp, dev.replace("  plinth:backup:", WAYNE, 1))
    return project


def test_policy_findings_fixed_in_the_stack_or_by_hand(capsys, gated):
    stack_file = gated / "stacks" / "Pulumi.dev.yaml"
    before = stack_file.read_text()
    code, out, err = _fix(capsys, gated, "--format", "json", "--write")
    assert code == 0, err
    doc = json.loads(out)
    by_policy = {i["source"]: i for i in doc["items"]}
    retention = by_policy["aws-backup-plan-retention-minimum"]
    assert retention["changes"] == [
        {"target": "plinth:backup.tenants.wayne.retention.daily", "value": 35, "why": "keep daily points 35 days"}
    ], "the tier's 7 days are below the 35-day floor: the tenant keeps its points 35 days"
    manual = by_policy["azure-storage-account-publicnetwork-disabled"]
    assert manual["changes"] == [] and manual["byHand"] == meta.policy(manual["source"]).remediation
    assert err.index(RETENTION_DIFF) >= 0, err
    after = stack_file.read_text()
    assert [line for line in before.splitlines() if "#" in line] == [line for line in after.splitlines() if "#" in line]
    # The fix fixes: gate the patched stack again.
    code, out, err = _fix(capsys, gated, "--format", "json")
    assert "aws-backup-plan-retention-minimum" not in {i["source"] for i in json.loads(out)["items"]}
    assert "no stack-file change to propose" in err


def test_findings_from_a_report_file(capsys, tmp_path):
    project = _project(tmp_path, (ROOT / "stacks" / "Pulumi.dev.yaml").read_text())
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"findings": [
        {"policy": "aws-backup-vault-locked-hipaa", "message": "no vault lock", "status": "violation",
         "enforcementLevel": "mandatory", "urn": "urn:pulumi:dev::plinth::aws:backup/vault:Vault::globex-vault"},
        {"policy": "kubernetes-pod-privileged-forbidden", "message": "privileged", "status": "violation",
         "enforcementLevel": "mandatory", "urn": "urn:pulumi:dev::plinth::kubernetes:apps/v1:Deployment::x"},
        {"policy": "stack-resource-tags-required", "message": "x", "status": "suppressed"},
    ]}))  # fmt: skip
    code, out, err = _fix(capsys, project, "--findings", str(report))
    assert code == 1, "the privileged pod is mandatory and cannot be fixed in the stack config"
    assert "BY HAND kubernetes-pod-privileged-forbidden [mandatory] x" in out
    assert meta.policy("kubernetes-pod-privileged-forbidden").remediation in out, "the metadata's remediation"
    assert "stack-resource-tags-required" not in out, "suppressed findings need nothing"
    assert "BY HAND aws-backup-vault-locked-hipaa" in out, "without the resource's tags the tenant is unknown"
    findings = json.loads(report.read_text())["findings"]
    findings[0]["tenant"] = "globex"  # an audit finding names the tenant itself
    report.write_text(json.dumps({"findings": findings}))
    code, out, err = _fix(capsys, project, "--findings", str(report))
    assert "FIX     aws-backup-vault-locked-hipaa globex-vault: plinth:backup.tenants.globex.immutability.mode" in out
    assert "+        immutability:\n+          mode: governance\n" in out, "under globex's existing overrides"
    report.write_text('{"findings": {}}')
    code, out, err = _fix(capsys, project, "--findings", str(report))
    assert code == 2 and f"{report}: findings: expected the list" in err


def test_fix_needs_a_stack(capsys):
    capsys.readouterr()
    assert cli.main(["fix"]) == 2
    assert "fix needs --stack" in capsys.readouterr().err


def test_missing_tags_go_into_plinth_tags(capsys, tmp_path):
    project = _project(tmp_path, (ROOT / "stacks" / "Pulumi.dev.yaml").read_text())
    report = tmp_path / "report.json"
    urn = "urn:pulumi:dev::plinth::aws:s3/bucket:Bucket::"
    report.write_text(json.dumps({"findings": [
        {"policy": "stack-resource-tags-required", "message": "Missing required tag(s): managed-by, environment.",
         "status": "violation", "enforcementLevel": "advisory", "urn": urn + "shared"},
        {"policy": "stack-resource-tags-required", "message": "Missing required tag(s): tenant, cost-center.",
         "status": "violation", "enforcementLevel": "advisory", "urn": urn + "orphan"},
    ]}))  # fmt: skip
    code, out, err = _fix(capsys, project, "--findings", str(report), "--format", "json")
    items = json.loads(out)["items"]
    assert [(c["target"], c["value"]) for c in items[0]["changes"]] == [
        ("plinth:tags.managed-by", "plinth"),
        ("plinth:tags.environment", "dev"),
    ], "the values Plinth knows: its own name and the stack's environment"
    assert items[1]["changes"] == [] and "plinth:tags and the tenant spec" in items[1]["byHand"], (
        "whose resource it is cannot be guessed"
    )
    assert "+    managed-by: plinth\n" in err and "+    environment: dev\n" in err, err
