"""plinth graph: components as groups, their resources and dependencies in Mermaid, DOT and GraphML."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest

from scripts import cli
from scripts.graph import from_preview, to_dot, to_graphml, to_mermaid
from tests.diff.plans import plan, state, tenant, tenant_component

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def acme_plan() -> dict:
    """Tenant acme: a key, a bucket encrypted with it (a dependency) and a namespace with an awkward name."""
    t = tenant("acme")
    key = state("aws:kms/key:Key", "acme-key", {"enableKeyRotation": True}, parent=t)
    bucket = state("aws:s3/bucket:Bucket", "acme-data", {"bucket": "acme-data"}, parent=t,
                   deps={"serverSideEncryptionConfiguration": [key["urn"]]})  # fmt: skip
    odd = state("kubernetes:core/v1:Namespace", 'acme "<ns>"', {}, parent=t)
    return plan(tenant_component("acme"), key, bucket, odd)


def test_the_graph_has_the_components_resources_and_dependencies():
    graph = from_preview(acme_plan())
    by_name = {n.name: n for n in graph.nodes}
    assert set(by_name) == {"plinth", "acme", "acme-key", "acme-data", 'acme "<ns>"'}, "the root stack is left out"
    assert by_name["acme-data"].parent == by_name["acme"].urn and by_name["acme"].parent == by_name["plinth"].urn
    assert graph.edges == [(by_name["acme-key"].urn, by_name["acme-data"].urn)], "the bucket uses the key"


def test_mermaid_nests_components_and_draws_the_dependency():
    graph = from_preview(acme_plan())
    ids = {n.name: n.id for n in graph.nodes}
    text = to_mermaid(graph)
    assert text.startswith("flowchart LR\n")
    assert text.count("subgraph") == 2 and text.count("\n    end") + text.count("\n  end") == 2, (
        "the Platform and the tenant are nested groups"
    )
    assert f"  {ids['acme-key']} --> {ids['acme-data']}" in text.splitlines()
    assert "#34;" in text and "#60;" in text and '"<ns>"' not in text, "quotes and angle brackets are escaped"


def test_dot_is_read_by_graphviz_when_it_is_installed(tmp_path):
    graph = from_preview(acme_plan())
    ids = {n.name: n.id for n in graph.nodes}
    text = to_dot(graph)
    assert re.search(r"subgraph cluster_n\d+ \{", text) and f"  {ids['acme-key']} -> {ids['acme-data']};" in text
    assert 'label="Namespace acme \\"<ns>\\""' in text, "quotes are escaped in DOT strings"
    dot = shutil.which("dot")
    if dot is None:
        pytest.skip("Graphviz is not installed: the DOT text was checked, not rendered")
    done = subprocess.run([dot, "-Tsvg"], input=text, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "<svg" in done.stdout, done.stderr


def test_graphml_is_xml_with_every_node_edge_and_attribute():
    graph = from_preview(acme_plan())
    root = ElementTree.fromstring(to_graphml(graph).encode())
    nodes = root.findall(f"{GRAPHML}graph/{GRAPHML}node")
    edges = root.findall(f"{GRAPHML}graph/{GRAPHML}edge")
    data = {n.get("id"): {d.get("key"): d.text for d in n.findall(f"{GRAPHML}data")} for n in nodes}
    assert len(nodes) == len(graph.nodes) and len(edges) == 1
    names = {v["name"]: v for v in data.values()}
    assert names['acme "<ns>"']["type"] == "kubernetes:core/v1:Namespace", "an awkward name survives the XML"
    assert names["acme-data"]["parent"] == next(k for k, v in data.items() if v["name"] == "acme")
    assert (edges[0].get("source"), edges[0].get("target")) == (
        next(k for k, v in data.items() if v["name"] == "acme-key"),
        next(k for k, v in data.items() if v["name"] == "acme-data"),
    )


def test_the_command_draws_a_preview_file_and_refuses_bad_input(tmp_path, capsys):
    preview = tmp_path / "plan.json"
    preview.write_text(json.dumps(acme_plan()))
    out = tmp_path / "g.graphml"
    assert cli.main(["graph", str(preview), "--format", "graphml", "--out", str(out)]) == 0
    assert ElementTree.parse(out).getroot().tag == f"{GRAPHML}graphml"
    assert cli.main(["graph", str(preview), "--format", "dot"]) == 0
    assert capsys.readouterr().out.startswith("digraph plinth {")

    def refused(args: list[str], *words: str) -> None:
        assert cli.main(args) == 2, args
        err = capsys.readouterr().err
        assert all(w in err for w in words) and "Traceback" not in err, err
        assert len(err.strip().splitlines()) == 1, f"one line: {err!r}"

    refused(["graph", str(tmp_path / "missing.json")], "missing.json", "cannot read")
    (tmp_path / "bad.json").write_text("{not json")
    refused(["graph", str(tmp_path / "bad.json")], "bad.json", "not JSON")
    (tmp_path / "empty.json").write_text(json.dumps({"steps": [], "diagnostics": []}))
    refused(["graph", str(tmp_path / "empty.json")], "empty.json")
    refused(["graph", str(preview), "--out", str(tmp_path / "no" / "g.mmd")], "no such directory")
    assert not Path(tmp_path / "no").exists()
