"""`plinth policy --list`: every policy of the packs, and the README's reference table generated from it."""

from __future__ import annotations

import json
from pathlib import Path

from policies import meta
from scripts import cli
from scripts.policy_list import README_END, README_START

ROOT = Path(__file__).resolve().parent.parent


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_list_names_every_policy_of_every_pack_with_its_metadata(capsys):
    code, out, _ = _run(capsys, "policy", "--list", "--format", "json")
    assert code == 0
    listed = {p["name"]: p for p in json.loads(out)["policies"]}
    in_packs = {p.name: pack for pack in meta.PACKS for p in meta.pack_policies(pack)}
    assert set(listed) == set(in_packs)
    one = listed["aws-s3-bucket-public-access-blocked"]
    assert one["pack"] == "security" and one["severity"] == "critical" and one["neverWaive"] is True
    assert "cis:aws-2.1.4" in one["frameworks"]
    assert "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock" in one["resourceTypes"]


def test_the_readme_reference_is_the_generated_table(capsys):
    _, out, _ = _run(capsys, "policy", "--list", "--format", "markdown")
    readme = (ROOT / "README.md").read_text()
    assert README_START in readme and README_END in readme
    section = readme.split(README_START, 1)[1].split(README_END, 1)[0].strip("\n")
    assert section == out.strip("\n"), (
        "the README's policy reference is stale: regenerate it with plinth policy --list --format markdown"
    )


def test_list_and_gate_options_do_not_mix(capsys):
    code, _, err = _run(capsys, "policy", "--list", "--format", "sarif")
    assert code == 2 and "--list prints text, json or markdown" in err
    import pytest

    with pytest.raises(SystemExit) as exit_:
        cli.main(["policy", "--list", "--state", "x.json"])
    assert exit_.value.code == 2 and "not allowed with argument" in capsys.readouterr().err
