"""The finding model's renderers treat everything a finding carries as data."""

from __future__ import annotations

from scripts.findings import Finding, Report, Rule, Suppression, md_code, md_text


def finding(**kw) -> Finding:
    base = dict(
        policyPack="p",
        policyPackVersion="1.0.0",
        policy="aws-x-y-required",
        description="d",
        message="m",
        urn="urn:pulumi:dev::p::aws:s3/bucket:Bucket::b",
        resourceType="aws:s3/bucket:Bucket",
        enforcementLevel="mandatory",
        severity="high",
        frameworks=["soc2:CC6.1"],
    )
    return Finding(**{**base, **kw})


def report(*findings: Finding) -> Report:
    r = Report(resources=1, packs=[{"name": "p", "version": "1.0.0", "policies": 1}])
    r.rules["aws-x-y-required"] = Rule("p", "aws-x-y-required", "d", "high", ["soc2:CC6.1"], "fix it", "mandatory")
    for f in findings:
        r.add(f)
    return r


def test_markdown_cells_are_escaped():
    hostile = finding(message="a | b\n<script>alert(1)</script> `tick`", urn="urn:pulumi:dev::p::t:m:T::name|with`tick")
    text = report(hostile).render_markdown()
    row = next(line for line in text.splitlines() if "aws-x-y-required" in line and line.startswith("| mandatory"))
    assert row.count(" | ") == 4, f"the row keeps its five cells: {row}"
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "<code>name&#124;with`tick</code>" in row
    assert md_text("x|y") == "x\\|y" and md_code("plain") == "`plain`"


def test_markup_in_findings_is_printed_verbatim():
    text = report(
        finding(message="[bold]not bold[/bold] [/red]", urn="urn:pulumi:dev::p::t:m:T::data[/bold]")
    ).render_text()
    assert "[bold]not bold[/bold] [/red]" in text and "data[/bold]" in text


def test_a_finding_counts_once_and_errors_win():
    r = report(finding(), finding(), finding(status="error", message="KeyError: 'x'"))
    assert len(r.findings) == 2 and r.exit_code == 2
    assert r.summary()["errors"] == 1 and r.summary()["passed"] is False


def test_markdown_stays_within_the_limit():
    many = [finding(urn=f"urn:pulumi:dev::p::t:m:T::r{i}", message="x" * 200) for i in range(2000)]
    text = report(*many).render_markdown(limit=20_000)
    assert len(text) <= 20_000 and "not shown to stay within 20,000 characters" in text


def test_suppressions_in_sarif():
    waived = finding(
        status="suppressed",
        enforcementLevel="advisory",
        suppression=Suppression("team", "Reason long enough", "2999-01-01"),
    )
    [result] = report(waived).to_sarif()["runs"][0]["results"]
    assert result["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "Reason long enough",
            "properties": {"owner": "team", "expires": "2999-01-01"},
        }
    ]
