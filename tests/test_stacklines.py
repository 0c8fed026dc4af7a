"""Stack-file lines that findings point at (SARIF locations)."""

from __future__ import annotations

from scripts import stacklines

TEXT = """\
# a comment
config:
  aws:region: eu-west-1
  plinth:environment: dev
  plinth:tenants:
    - id: acme
      displayName: Acme
    - displayName: Globex
      id: globex
  plinth:monitoring:
    slos: []
"""


def test_lines_of_tenants_and_keys():
    lines = stacklines.parse(TEXT)
    assert lines.config == 2
    assert lines.tenant("acme") == 6 and lines.tenant("globex") == 9, "the line of each tenant's id"
    assert lines.key("plinth:monitoring") == 10
    assert lines.tenant("unknown") == 5, "an unknown tenant points at plinth:tenants"
    assert lines.key("plinth:nothing") == 2


def test_ancestors_decide_the_line():
    lines = stacklines.parse(TEXT)
    tenant = [
        ("kubernetes:core/v1:Namespace", "acme-ns"),
        ("plinth:index:Tenant", "acme"),
        ("plinth:index:Platform", "p"),
    ]
    assert lines.for_ancestors(tenant) == 6
    assert lines.for_ancestors([("x:y:Z", "a"), ("plinth:index:MonitoringStack", "m")]) == 10
    assert lines.for_ancestors([("plinth:index:Platform", "p")]) == 2


def test_unreadable_or_hostile_files_give_line_one():
    assert stacklines.parse("config: [unclosed").config == 1
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    )
    assert stacklines.parse(bomb + "config: {plinth:tenants: []}\n").key("plinth:tenants") == 11, (
        "aliases are never expanded"
    )
