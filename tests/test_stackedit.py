"""plinth tenant add and plinth promote: comments and layout kept, only the intended keys changed, validated first."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from scripts import cli, stackedit
from scripts.stackedit import KeyPath
from tests.conftest import ROOT


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "stacks").mkdir(parents=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(ROOT / name, project / name)
    for stack in ("dev", "tenant-acme"):
        shutil.copy(ROOT / "stacks" / f"Pulumi.{stack}.yaml", project / "stacks")
    return project


def changed_lines(diff: str) -> tuple[list[str], list[str]]:
    body = [line for line in diff.splitlines() if not line.startswith(("---", "+++", "@@"))]
    return [line[1:] for line in body if line.startswith("+")], [line[1:] for line in body if line.startswith("-")]


ADD = ["tenant", "add", "umbrella", "--tier", "standard", "--cloud", "gcp", "--cost-center", "cc-7", "--admin", "ua"]
ADD_AWS = [("aws" if arg == "gcp" else arg) for arg in ADD]


def test_tenant_add_appends_to_the_pooled_stack_and_touches_nothing_else(project, capsys):
    before = (project / "stacks" / "Pulumi.dev.yaml").read_text()
    assert cli.main([*ADD, "--compliance", "soc2", "--viewer", "ub", "--project-dir", str(project)]) == 0
    after = (project / "stacks" / "Pulumi.dev.yaml").read_text()
    added, removed = changed_lines(capsys.readouterr().out)
    assert removed == [], "no line of the file changes; the tenant is only added"
    assert added[0] == "    - id: umbrella" and "      compliance: [soc2]" in added
    # The key after plinth:tenants (whichever it is) is where the new entry goes.
    next_key = re.search(r"^  plinth:tenants:\n(?:(?:    |\s*#).*\n|\s*\n)*(  \S)", before, re.M)
    assert next_key, "the dev stack has a key after plinth:tenants"
    assert after.startswith(before[: next_key.start(1)]), "everything before the new entry is intact"
    assert after.endswith(before[next_key.start(1) :]), "and everything after it"
    assert "# An EKS cluster: AWS tenants use IRSA" in after, "comments are kept"
    tenants = yaml.safe_load(after)["config"]["plinth:tenants"]
    assert tenants[-1] == {
        "id": "umbrella",
        "displayName": "umbrella",
        "tier": "standard",
        "compliance": ["soc2"],
        "cloud": "gcp",
        "costCenter": "cc-7",
        "ownerGroups": {"admins": ["ua"], "viewers": ["ub"]},
    }
    assert cli.main(["stacks", "--project-dir", str(project)]) == 0, "the stack file still validates"


def test_an_invalid_tenant_writes_nothing(project, capsys):
    before = (project / "stacks" / "Pulumi.dev.yaml").read_bytes()
    code = cli.main(
        [
            "tenant",
            "add",
            "medic",
            "--tier",
            "free",
            "--cloud",
            "none",
            "--cost-center",
            "cc-8",
            "--admin",
            "m",
            "--compliance",
            "hipaa",
            "--project-dir",
            str(project),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "nothing written" in err
    assert "stacks/Pulumi.dev.yaml: plinth:tenants[4]" in err and "HIPAA tenants cannot be on the free tier" in err
    assert (project / "stacks" / "Pulumi.dev.yaml").read_bytes() == before
    assert cli.main([*ADD[:2], "acme", *ADD[3:], "--project-dir", str(project)]) == 2
    assert "tenant 'acme' is already in this stack" in capsys.readouterr().err
    assert cli.main([*ADD, "--stack", "nope", "--project-dir", str(project)]) == 2
    assert "stacks/Pulumi.nope.yaml: no such stack file" in capsys.readouterr().err


def test_a_premium_tenant_with_cloud_data_needs_a_second_region_for_its_backups(project, capsys):
    path = project / "stacks" / "Pulumi.dev.yaml"
    before = path.read_bytes()
    premium = ["tenant", "add", "newco", "--tier", "premium", "--cloud", "aws", "--cost-center", "cc-9", "--admin",
               "na", "--project-dir", str(project)]  # fmt: skip
    assert cli.main(premium) == 2
    err = capsys.readouterr().err
    assert "plinth:backup.tenants.newco.copyTo" in err and "nothing written" in err
    assert path.read_bytes() == before
    assert cli.main([*premium, "--copy-to", "eu-central-1"]) == 0
    added, removed = changed_lines(capsys.readouterr().out)
    assert removed == [] and "      newco:" in added and "        copyTo: {region: eu-central-1}" in added, added
    after = path.read_text()
    config = yaml.safe_load(after)["config"]
    assert config["plinth:backup"]["tenants"]["newco"] == {"copyTo": {"region": "eu-central-1"}}
    assert config["plinth:backup"]["tenants"]["acme"] == {"copyTo": {"region": "eu-central-1"}}, "others are kept"
    assert "# premium, GDPR: copies stay in the EU" in after, "comments are kept"
    assert cli.main(["stacks", "--project-dir", str(project)]) == 0, "the stack file still validates"
    assert cli.main([*premium[:2], "other", *premium[3:], "--copy-to", "eu-west-1"]) == 2
    assert "eu-west-1 is the tenant's own region" in capsys.readouterr().err, "the backup rules judge the region"


def test_another_layout_is_kept_too(project, capsys):
    path = project / "stacks" / "Pulumi.dev.yaml"
    doc = yaml.safe_load(path.read_text())
    path.write_text("# PyYAML's layout: dashes at the key's column\n" + yaml.safe_dump(doc, sort_keys=False))
    assert cli.main([*ADD, "--project-dir", str(project)]) == 0
    captured = capsys.readouterr()
    added, removed = changed_lines(captured.out)
    assert removed == [] and added[0] == "  - id: umbrella", "the file's own indentation is used"
    assert path.read_text().startswith("# PyYAML's layout") and "re-indented" not in captured.err


def test_a_layout_that_cannot_be_kept_is_said(project, capsys):
    path = project / "stacks" / "Pulumi.dev.yaml"
    doc = yaml.safe_load(path.read_text())
    path.write_text(yaml.safe_dump(doc, indent=4, sort_keys=False))  # mixes two sequence indentations
    assert cli.main([*ADD, "--dry-run", "--project-dir", str(project)]) == 0
    assert "re-indented" in capsys.readouterr().err


def test_a_silo_stack_file_is_created_from_another_stacks_settings(project, capsys):
    code = cli.main(
        [
            *ADD_AWS,
            "--silo",
            "--like",
            "tenant-acme",
            "--environment",
            "staging",
            "--project-dir",
            str(project),
        ]
    )
    assert code == 0, capsys.readouterr().err
    created = project / "stacks" / "Pulumi.tenant-umbrella.yaml"
    config = yaml.safe_load(created.read_text())["config"]
    assert config["plinth:environment"] == "staging"
    assert config["plinth:aws"]["accountId"] == "345678901234" and config["aws:region"] == "eu-central-1"
    assert [t["id"] for t in config["plinth:tenants"]] == ["umbrella"], "the template's tenants are not copied"
    assert cli.main(["stacks", "--project-dir", str(project)]) == 0
    assert cli.main([*ADD_AWS, "--silo", "--project-dir", str(project)]) == 2
    assert "exists already" in capsys.readouterr().err


def test_a_gcp_silo_without_gcp_settings_in_the_template_is_refused(project, capsys):
    code = cli.main([*ADD, "--silo", "--like", "tenant-acme", "--project-dir", str(project)])
    assert code == 2 and "nothing written" in capsys.readouterr().err
    assert not (project / "stacks" / "Pulumi.tenant-umbrella.yaml").exists()


def test_dry_run_writes_nothing(project, capsys):
    before = (project / "stacks" / "Pulumi.dev.yaml").read_bytes()
    assert cli.main([*ADD, "--dry-run", "--project-dir", str(project)]) == 0
    assert (project / "stacks" / "Pulumi.dev.yaml").read_bytes() == before
    assert "+    - id: umbrella" in capsys.readouterr().out


# --------------------------------------------------------------------------------------------
# promote
# --------------------------------------------------------------------------------------------
def staged(project: Path) -> None:
    """A staging stack with a newer chart than dev (dev gets a comment next to the value)."""
    dev = project / "stacks" / "Pulumi.dev.yaml"
    text = dev.read_text().replace(
        "      chartVersion: 75.15.1", "      chartVersion: 75.15.1  # pinned by the platform team"
    )
    dev.write_text(text)
    # Another environment has other bucket names: the model a deployment serves lives in the stack's own bucket.
    staging = (
        text.replace("chartVersion: 75.15.1", "chartVersion: 77.0.2")
        .replace("plinth:environment: dev", "plinth:environment: staging")
        .replace("gs://plinth-dev-globex-data-", "gs://plinth-staging-globex-data-")
    )
    (project / "stacks" / "Pulumi.staging.yaml").write_text(staging)


def test_promote_copies_one_value_and_keeps_comments(project, capsys):
    staged(project)
    dev = project / "stacks" / "Pulumi.dev.yaml"
    before = dev.read_text()
    key = "plinth:monitoring.prometheus.chartVersion"
    assert cli.main(["promote", key, "--from", "staging", "--to", "dev", "--project-dir", str(project)]) == 0
    out = capsys.readouterr().out
    assert dev.read_text() == before, "without --write nothing is written"
    added, removed = changed_lines(out)
    assert removed == ["      chartVersion: 75.15.1  # pinned by the platform team"]
    assert len(added) == 1 and re.fullmatch(r"      chartVersion: 77\.0\.2 +# pinned by the platform team", added[0]), (
        "exactly the one value changes; its comment stays in its column"
    )
    assert cli.main(["promote", key, "--from", "staging", "--to", "dev", "--write", "--project-dir", str(project)]) == 0
    assert dev.read_text() == before.replace(removed[0], added[0])
    assert cli.main(["promote", key, "--from", "staging", "--to", "dev", "--project-dir", str(project)]) == 0
    assert "nothing to promote" in capsys.readouterr().err


def test_promote_refuses_secrets_missing_keys_and_invalid_results(project, capsys):
    staged(project)
    staging = project / "stacks" / "Pulumi.staging.yaml"
    staging.write_text(staging.read_text().replace("owner: platform-team", "owner: {secure: v1:abc}"))
    run = ["--from", "staging", "--to", "dev", "--project-dir", str(project)]
    assert cli.main(["promote", "plinth:tags.owner", *run]) == 2
    assert "a secret (secure:)" in capsys.readouterr().err
    assert cli.main(["promote", "plinth:monitoring.prometheus.nope", *run]) == 2
    assert "stacks/Pulumi.staging.yaml: plinth:monitoring.prometheus.nope: not set" in capsys.readouterr().err
    assert (
        cli.main(
            [
                "promote",
                "plinth:tenants[globex].quotas.gpus",
                "--from",
                "dev",
                "--to",
                "tenant-acme",
                "--project-dir",
                str(project),
            ]
        )
        == 2
    )
    assert "plinth:tenants[globex]: no such item" in capsys.readouterr().err
    assert (
        cli.main(
            ["promote", "plinth:monitoring", "--from", "dev", "--to", "tenant-acme", "--project-dir", str(project)]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "nothing written: the result would be invalid" in err and "stacks/Pulumi.tenant-acme.yaml" in err


FAILING_PACK = """
from pulumi_policy import EnforcementLevel, PolicyPack, StackValidationPolicy

def fail(args, report_violation):
    report_violation("the release is frozen")

PolicyPack(name="freeze", enforcement_level=EnforcementLevel.MANDATORY,
           policies=[StackValidationPolicy(name="release-frozen", description="Releases are frozen.", validate=fail)])
"""


def test_promote_is_refused_when_the_source_fails_the_gate(project, tmp_path, capsys):
    staged(project)
    pack = tmp_path / "freeze"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n")
    (pack / "__main__.py").write_text(FAILING_PACK)
    dev = project / "stacks" / "Pulumi.dev.yaml"
    before = dev.read_bytes()
    code = cli.main(
        [
            "promote",
            "plinth:monitoring.prometheus.chartVersion",
            "--from",
            "staging",
            "--to",
            "dev",
            "--write",
            "--pack",
            str(pack),
            "--project-dir",
            str(project),
        ]
    )
    assert code == 1, "a mandatory violation in the source refuses the promotion"
    assert "refused: stack staging does not pass the policy gate" in capsys.readouterr().err
    assert dev.read_bytes() == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plinth:monitoring.prometheus.chartVersion", ("plinth:monitoring", ("prometheus", "chartVersion"))),
        ("monitoring.slos[0].objective", ("plinth:monitoring", ("slos", 0, "objective"))),
        ("plinth:tenants[acme].tier", ("plinth:tenants", ("[acme]", "tier"))),
        ("aws:region", ("aws:region", ())),
    ],
)
def test_key_paths(text, expected):
    path = KeyPath.parse(text, "plinth")
    assert (path.key, path.steps) == expected
    assert str(path) == (text if ":" in text.split(".")[0] else f"plinth:{text}")


@pytest.mark.parametrize("text", ["", ".x", "plinth:a..b", "plinth:a[", "plinth:a]b"])
def test_bad_key_paths(text):
    with pytest.raises(stackedit.EditError):
        KeyPath.parse(text, "plinth")
