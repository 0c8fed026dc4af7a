"""The compliance report opened in headless Chromium: every framework section, counts equal to the JSON,
a screenshot, and no request beyond the file itself."""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from scripts import cli, compliance

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


class Totals(HTMLParser):
    """Framework sections, and the total cells (framework, source, count) -> value."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.totals: dict[tuple[str, str, str], int] = {}
        self._framework = ""
        self._in_total = False
        self._cell: tuple[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and a.get("data-framework"):
            self._framework = a["data-framework"]
            self.sections.append(self._framework)
        if tag == "tr":
            self._in_total = "data-total" in a
        if tag == "td" and self._in_total and "data-count" in a:
            self._cell = (a["data-source"], a["data-count"])

    def handle_data(self, data):
        if self._cell is not None and data.strip():
            self.totals[(self._framework, *self._cell)] = int(data)
            self._cell = None


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is required for the report test (.ci/run installs it)")
    profile = tmp_path / "profile"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=120)  # fmt: skip


@pytest.fixture(scope="module")
def reports(tmp_path_factory, seeded_server):
    url, _ = seeded_server
    out = tmp_path_factory.mktemp("report")
    audit_json = out / "audit.json"
    assert cli.main(["audit", "aws", "--region", "eu-west-1", "--endpoint-url", url, "--format", "json",
                     "--out", str(audit_json)]) == 1  # fmt: skip
    html, data = out / "report.html", out / "report.json"
    common = ["report", "compliance", "--stack", "dev", "--audit", str(audit_json)]
    assert cli.main([*common, "--out", str(html)]) == 0
    assert cli.main([*common, "--format", "json", "--out", str(data)]) == 0
    return html, json.loads(data.read_text()), out


def test_every_framework_section_shows_the_counts_of_the_json(reports, tmp_path):
    html, data, _ = reports
    dom = chromium(tmp_path, "--dump-dom", html.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    parsed = Totals()
    parsed.feed(dom.stdout)
    assert parsed.sections == [fw["id"] for fw in data["frameworks"]], "one section per framework, in order"
    assert {"soc2", "hipaa", "gdpr", "cis"} <= set(parsed.sections)
    expected = {(fw, source, name): value for fw, source, name, value in compliance.counts_of(data)}
    assert parsed.totals == expected, "the page shows exactly the JSON's numbers"
    assert expected[("cis", "audit", "failed")] > 0 and expected[("soc2", "preview", "passed")] > 0
    assert 'id="findings"' in dom.stdout and 'id="remediation"' in dom.stdout


def test_the_page_is_screenshotted_and_makes_no_request_beyond_itself(reports, tmp_path):
    html, _, out = reports
    shot, netlog = out / "report.png", tmp_path / "net.json"
    run = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2400", f"--log-net-log={netlog}",
                   html.as_uri())  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert shot.stat().st_size > 20_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = netlog.read_text().rstrip().rstrip(",")
    log = json.loads(text if text.endswith("}") else text + "]}")
    names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    # Requests a document starts carry its origin as initiator; the browser's own background services
    # (update and time checks, which the flags cannot all silence) carry "not an origin".
    external = sorted(
        str(e["params"]["url"])
        for e in log["events"]
        if names.get(e["type"]) == "URL_REQUEST_START_JOB"
        and "url" in e.get("params", {})
        and e.get("params", {}).get("initiator") != "not an origin"
        and not str(e["params"].get("url", "")).startswith(("file:", "data:"))
    )
    assert external == [], f"the report loads nothing from the network: {external}"
    text = html.read_text()
    assert "<script" not in text and "default-src 'none'" in text, "no script; the CSP forbids any load"


def test_the_report_command_names_the_file_that_cannot_be_used(tmp_path, capsys):
    not_audit = tmp_path / "gate.json"
    not_audit.write_text(json.dumps({"violations": [], "summary": {}}))
    state = tmp_path / "state.json"
    key = {"urn": "urn:pulumi:prod::plinth::aws:kms/key:Key::k", "type": "aws:kms/key:Key", "custom": True}
    state.write_text(json.dumps({"deployment": {"resources": [key]}}))
    assert cli.main(["report", "compliance", "--state", str(state), "--audit", str(not_audit)]) == 2
    err = capsys.readouterr().err
    assert str(not_audit) in err and "plinth audit" in err and "Traceback" not in err
    assert cli.main(["report", "compliance", "--state", str(tmp_path / "missing.json")]) == 2
    assert "missing.json" in capsys.readouterr().err
    assert cli.main(["report", "compliance", "--state", str(state), "--out", str(tmp_path / "no" / "r.html")]) == 2
    assert "no such directory" in capsys.readouterr().err
    for key, broken in (("checks.a", {"checks": {"a": 5}, "findings": []}),
                        ("rules.x", {"checks": {}, "findings": [], "rules": {"x": {"bogus": 1}}})):  # fmt: skip
        not_audit.write_text(json.dumps(broken))
        assert cli.main(["report", "compliance", "--state", str(state), "--audit", str(not_audit)]) == 2
        err = capsys.readouterr().err
        assert f"{not_audit}: {key}:" in err and "Traceback" not in err, f"one line naming the file and key: {err}"


def test_a_stack_export_alone_makes_a_report_with_every_framework(tmp_path):
    state = tmp_path / "state.json"
    key = {"urn": "urn:pulumi:prod::plinth::aws:kms/key:Key::k", "type": "aws:kms/key:Key", "custom": True,
           "inputs": {"enableKeyRotation": False}, "outputs": {"enableKeyRotation": False}}  # fmt: skip
    state.write_text(json.dumps({"deployment": {"resources": [key]}}))
    out = tmp_path / "r.json"
    assert cli.main(["report", "compliance", "--state", str(state), "--format", "json", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert [s["kind"] for s in data["sources"]] == ["state"]
    cis = next(fw for fw in data["frameworks"] if fw["id"] == "cis")
    control = next(c for c in cis["controls"] if c["ref"] == "cis:aws-3.6")
    assert control["counts"]["state"]["failed"] == 1 and control["status"] == "failed"
    assert data["remediation"][0]["policy"] in {p for c in cis["controls"] for p in c["policies"]}


def test_a_preview_file_gives_the_suppressions_with_owner_and_expiry_and_a_plan_most_severe_first(tmp_path):
    from tests.diff.plans import plan, state, tenant, tenant_component

    t = tenant("acme")
    open_ssh = {"ingress": [{"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}]}
    preview = tmp_path / "preview.json"
    preview.write_text(json.dumps(plan(
        tenant_component("acme"),
        state("aws:kms/key:Key", "acme-key", {"enableKeyRotation": False}, parent=t),
        state("aws:ec2/securityGroup:SecurityGroup", "acme-sg", open_ssh, parent=t),
        state("aws:cloudwatch/logGroup:LogGroup", "acme-logs", {"name": "acme"}, parent=t),
    )))  # fmt: skip
    waiver = {"resource": "acme-key", "reason": "rotation by the HSM, PLAT-7", "owner": "security",
              "expires": "2999-01-01"}  # fmt: skip
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"aws-kms-key-rotation-enabled": {"suppressions": [waiver]}}))
    common = ["report", "compliance", "--preview-json", str(preview), "--config", str(config)]
    assert cli.main([*common, "--format", "json", "--out", str(tmp_path / "r.json")]) == 0
    assert cli.main([*common, "--out", str(tmp_path / "r.html")]) == 0
    data = json.loads((tmp_path / "r.json").read_text())
    assert [s["kind"] for s in data["sources"]] == ["preview"]

    [waived] = data["suppressions"]
    assert waived["policy"] == "aws-kms-key-rotation-enabled" and waived["name"] == "acme-key"
    assert waived["suppression"]["owner"] == "security" and waived["suppression"]["expires"] == "2999-01-01"

    steps = data["remediation"]
    assert [s["step"] for s in steps] == list(range(1, len(steps) + 1))
    ranks = [["critical", "high", "medium", "low"].index(s["severity"]) for s in steps]
    assert ranks == sorted(ranks) and len(set(ranks)) >= 3, f"most severe first: {[s['severity'] for s in steps]}"
    assert steps[0]["policy"] == "aws-ec2-securitygroup-admin-ports-restricted" and steps[0]["resources"] == ["acme-sg"]
    assert "aws-kms-key-rotation-enabled" not in {s["policy"] for s in steps}, "a waived finding is not to fix"

    class Rows(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.table, self.rows = "", {"suppressions": [], "remediation": []}

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                self.table = dict(attrs).get("id") or ""
            if tag == "tr" and self.table in self.rows:
                self.rows[self.table].append("")

        def handle_endtag(self, tag):
            if tag == "table":
                self.table = ""

        def handle_data(self, data):
            if self.table in self.rows and self.rows[self.table]:
                self.rows[self.table][-1] += data.strip() + " "

    page = Rows()
    page.feed((tmp_path / "r.html").read_text())
    waived_rows = [r for r in page.rows["suppressions"] if "acme-key" in r]
    assert waived_rows and "security" in waived_rows[0] and "2999-01-01" in waived_rows[0], page.rows["suppressions"]
    shown = [next(p for p in (s["policy"] for s in steps) if p in row) for row in page.rows["remediation"][1:]]
    assert shown == [s["policy"] for s in steps], "the page lists the plan's steps in the JSON's order"
