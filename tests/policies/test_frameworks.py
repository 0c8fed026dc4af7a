"""The control catalogue (policies/frameworks.py): every entry states the document and version it comes from,
the ids the policies cite mean in that version what the policies check, and control() behaves as before."""

from __future__ import annotations

import re

import pytest

from policies import frameworks, meta

P = {p.name: p for p in meta.all_policies()}


def test_every_catalogue_entry_states_its_source_and_version():
    missing = frameworks.unversioned()
    assert missing == [], (
        f"{missing} state no source: move each 'id: title' line into the controls(<Source>, {{...}}) block of the "
        "document it comes from in policies/frameworks.py"
    )
    for framework, entries in frameworks.CATALOGUE.items():
        for cid, entry in entries.items():
            assert isinstance(entry, frameworks.Entry)
            assert entry.title and entry.source.title and entry.source.url.startswith("https://"), f"{framework}:{cid}"
            assert re.search(r"\d", entry.version), f"{framework}:{cid}: {entry.version!r} is not a version"


def test_a_bare_title_still_resolves_but_is_reported_as_unversioned(monkeypatch):
    # What a branch that adds entries in the old format gets: its policies import, the version test names them.
    catalogue = {**frameworks.CATALOGUE, "cis": {**frameworks.CATALOGUE["cis"], "aws-2.4.1": "EFS is encrypted"}}
    monkeypatch.setattr(frameworks, "CATALOGUE", catalogue)
    assert frameworks.control("cis:aws-2.4.1") == "EFS is encrypted"
    assert frameworks.source("cis:aws-2.4.1") is None
    assert frameworks.unversioned() == ["cis:aws-2.4.1"]


def test_control_keeps_its_behaviour():
    assert frameworks.control("soc2:CC6.1").startswith("Logical access security")
    assert isinstance(frameworks.control("cis:k8s-5.2.2"), str)
    with pytest.raises(KeyError, match="unknown control 'cis:aws-9.9'"):
        frameworks.control("cis:aws-9.9")
    with pytest.raises(KeyError, match="unknown control"):
        frameworks.control("iso:A.1")
    assert frameworks.frameworks_of(["soc2:CC6.1", "cis:k8s-5.2.2", "soc2:CC6.3"]) == ["cis", "soc2"]


def test_the_cis_benchmarks_are_the_versions_the_catalogue_claims():
    versions = {
        prefix: {
            frameworks.source(f"cis:{cid}").version for cid in frameworks.CATALOGUE["cis"] if cid.startswith(prefix)
        }
        for prefix in ("aws-", "gcp-", "azure-", "k8s-")
    }
    assert versions == {"aws-": {"v3.0.0"}, "gcp-": {"v3.0.0"}, "azure-": {"v2.1.0"}, "k8s-": {"v1.9.0"}}


# (policy, control it must cite, control it must not cite, why) - the ids the issue found wrong.
CORRECTED = [
    (
        "aws-s3-bucketpolicy-tls-required",
        "cis:aws-2.1.1",
        "cis:aws-2.1.2",
        "in CIS AWS v3.0.0 deny-HTTP is 2.1.1; 2.1.2 is MFA Delete",
    ),
    ("aws-s3-bucket-encryption-required", None, "cis:aws-2.1.1", "S3 encryption at rest left CIS AWS in v2.0.0"),
    ("gcp-sql-instance-ssl-required", "cis:gcp-6.4", "cis:gcp-6.2.1", "6.2.1 is a PostgreSQL logging flag; SSL is 6.4"),
    ("azure-storage-account-public-blob-forbidden", "cis:azure-3.17", "cis:azure-3.7", "anonymous blob access is 3.17"),
    ("azure-authorization-roleassignment-owner-forbidden", None, "cis:azure-1.23", "1.23 is the resource-lock role"),
    ("stack-tenant-namespace-isolated", "cis:k8s-5.7.1", "cis:k8s-5.7.4", "boundaries are 5.7.1, default ns 5.7.4"),
    ("stack-stateful-resource-protected", "soc2:C1.1", "soc2:C1.2", "C1.1 protects from destruction; C1.2 disposes"),
    ("kubernetes-pod-resourcelimits-required", "soc2:A1.1", "soc2:A1.2", "limits manage capacity (A1.1)"),
]


@pytest.mark.parametrize(("name", "cited", "wrong", "why"), CORRECTED)
def test_corrected_control_ids(name, cited, wrong, why):
    refs = P[name].frameworks
    assert wrong not in refs, f"{name} cites {wrong}: {why}"
    if cited:
        assert cited in refs, f"{name} should cite {cited}: {why}"
    else:
        assert not [r for r in refs if r.startswith("cis:")], f"{name}: {why}, so no CIS id applies"


def test_pod_hardening_cites_access_security_not_malware():
    # CC6.8 is about unauthorised or malicious software (Prowler maps GuardDuty/Security Hub to it).
    hardening = [
        p for p in P.values() if p.name.startswith("kubernetes-pod-") and p.name != "kubernetes-pod-gpu-limited"
    ]
    assert hardening and not [p.name for p in hardening if "soc2:CC6.8" in p.frameworks]


def test_every_pod_security_standard_control_has_a_policy():
    cited = {ref for p in P.values() for ref in p.frameworks if ref.startswith("pss:")}
    assert cited == {f"pss:{cid}" for cid in frameworks.CATALOGUE["pss"]}, "each PSS control is checked by a policy"


def test_kubernetes_cis_ids_are_cited_where_a_policy_checks_them():
    cited = {ref for p in P.values() for ref in p.frameworks if ref.startswith("cis:k8s-")}
    uncited = {f"cis:{cid}" for cid in frameworks.CATALOGUE["cis"] if cid.startswith("k8s-")} - cited
    assert uncited == set(), f"catalogue ids no policy cites: {sorted(uncited)}"


def test_an_id_whose_meaning_changed_between_versions_is_cited_only_for_its_v3_meaning():
    # cis:aws-2.1.1 was "S3 encryption at rest" in v1.5 and is "deny HTTP requests" in v3.0.0: a citation left
    # over from v1.5 would still resolve, so the policies citing it must be about TLS.
    citing = [p for p in P.values() if "cis:aws-2.1.1" in p.frameworks]
    assert citing
    for policy in citing:
        text = f"{policy.name} {policy.description}".lower()
        assert any(word in text for word in ("tls", "https", "http", "securetransport")), (
            f"{policy.name} cites cis:aws-2.1.1 (deny HTTP in v3.0.0) but is not about TLS"
        )
