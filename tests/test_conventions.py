"""Naming and tagging conventions: pure functions, checked over many inputs."""

import re

from hypothesis import given
from hypothesis import strategies as st

from components import conventions as c

parts = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=40), min_size=1, max_size=4
)
limits = st.sampled_from(
    [c.S3_BUCKET_MAX, c.GCS_BUCKET_MAX, c.AZURE_KEYVAULT_MAX, c.K8S_NAME_MAX, c.GCP_SERVICE_ACCOUNT_MAX]
)


@given(parts, limits)
def test_physical_names_fit_the_limit_and_are_stable(p, limit):
    name = c.physical_name(*p, max_len=limit)
    assert len(name) <= limit
    assert name == c.physical_name(*p, max_len=limit), "the same parts always give the same name"
    assert re.fullmatch(r"[a-z0-9-]*", name)
    assert not name.startswith("-") and not name.endswith("-")


@given(parts, parts, limits)
def test_distinct_long_names_do_not_collide(a, b, limit):
    joined_a, joined_b = "-".join(a), "-".join(b)
    if joined_a.strip("-") != joined_b.strip("-") and "--" not in joined_a + joined_b:
        na, nb = c.physical_name(*a, max_len=limit), c.physical_name(*b, max_len=limit)
        if len(joined_a) > limit or len(joined_b) > limit:
            assert na != nb or joined_a.lower() == joined_b.lower()


@given(parts)
def test_azure_storage_names_are_lowercase_alphanumerics_within_24(p):
    name = c.physical_name("st", *p, max_len=c.AZURE_STORAGE_MAX, alnum_only=True)
    assert re.fullmatch(r"[a-z0-9]{1,24}", name)


def test_user_tags_win_and_none_is_dropped():
    assert c.tags({"managed-by": "plinth", "owner": "a"}, owner="b", cost_center="cc-1", extra=None) == {
        "managed-by": "plinth",
        "owner": "b",
        "cost-center": "cc-1",
    }


@given(st.dictionaries(st.text(min_size=1, max_size=80), st.text(max_size=80), max_size=5))
def test_gcp_labels_are_always_valid(source):
    for key, value in c.gcp_labels(source).items():
        assert re.fullmatch(r"[a-z][a-z0-9_-]{0,62}", key), key
        assert re.fullmatch(r"[a-z0-9_-]{0,63}", value), value


def test_eu_regions():
    assert c.is_eu_region("aws", "eu-central-1") and not c.is_eu_region("aws", "us-east-1")
    assert c.is_eu_region("gcp", "europe-west4") and not c.is_eu_region("gcp", "us-central1")
    assert c.is_eu_region("azure", "westeurope") and not c.is_eu_region("azure", "eastus")
    assert not c.is_eu_region("none", "eu-west-1")


TAG_KEYS = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_.:/=+@-]{0,20}\Z")


@given(st.dictionaries(TAG_KEYS, st.from_regex(r"\A[a-z0-9]([a-z0-9 _.-]{0,8}[a-z0-9])?\Z"), max_size=6))
def test_stack_tags_are_merged_once_and_win(user_tags):
    from components.config import parse
    from components.platform import base_tags

    cfg = parse({"environment": "dev", "tags": user_tags}, source="test")
    tags = base_tags(cfg, "dev")
    defaults = {"managed-by": "plinth", "environment": "dev", "plinth-stack": "dev"}
    assert set(tags) == set(defaults) | set(user_tags), (
        "no key appears that the user or Plinth did not set (team_name must not add team-name)"
    )
    for key, value in user_tags.items():
        assert tags[key] == value, "the stack's own tags win over Plinth's"
