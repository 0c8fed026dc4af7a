"""Stack config validation: every malformed config ends in exit code 2 with a message naming the
stack file and the key, never a traceback and never silently accepted."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components import config as stack_config
from components import stackfiles
from components.base import UNKNOWN, Secret
from scripts import cli

VALID: dict[str, Any] = {
    "config": {
        "aws:region": "eu-west-1",
        "plinth:environment": "dev",
        "plinth:tags": {"owner": "platform"},
        "plinth:kubernetes": {"version": "1.33", "oidcIssuerUrl": "https://oidc.example.com/id/abc"},
        "plinth:aws": {"region": "eu-west-1", "accountId": "123456789012"},
        "plinth:tenants": [
            {
                "id": "alpha",
                "displayName": "Alpha",
                "tier": "standard",
                "costCenter": "cc-1",
                "ownerGroups": {"admins": ["a"]},
            },
            {
                "id": "beta",
                "displayName": "Beta",
                "tier": "premium",
                "compliance": ["gdpr"],
                "cloud": "aws",
                "costCenter": "cc-2",
                "ownerGroups": {"admins": ["b"], "viewers": ["v"]},
                "quotas": {"pods": 10},
            },
        ],
    }
}


def load(tmp_path: Path, document: Any) -> stack_config.LoadedStack:
    (tmp_path / "stacks").mkdir(exist_ok=True)
    path = tmp_path / "stacks" / "Pulumi.t.yaml"
    path.write_text(document if isinstance(document, str) else yaml.safe_dump(document))
    return stackfiles.load_stack_file(path)


def errors_of(tmp_path: Path, document: Any) -> str:
    with pytest.raises(stack_config.ConfigError) as info:
        load(tmp_path, document)
    return str(info.value)


def with_changes(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(VALID)
    doc["config"].update(changes)
    return doc


def test_valid_config_loads_with_defaults(tmp_path):
    loaded = load(tmp_path, VALID)
    cfg = loaded.config
    assert cfg.environment == "dev"
    assert cfg.tenants[1].compliance == ["gdpr"]
    assert cfg.tenant_region(cfg.tenants[1]) == "eu-west-1", "a tenant without region takes its cloud's stack region"
    assert cfg.kubernetes.monitoring_namespace == "monitoring"
    assert loaded.pulumi_config["plinth:environment"] == "dev"
    assert loaded.pulumi_config["aws:region"] == "eu-west-1"


def test_dev_stack_is_valid(project_root):
    cfg = stackfiles.load_stack_file(project_root / "stacks" / "Pulumi.dev.yaml").config
    assert {t.cloud for t in cfg.tenants} >= {"aws", "gcp", "azure"}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"plinth:environment": "production"},
            "plinth:environment: Input should be 'dev', 'staging' or 'prod' (found 'production')",
        ),
        ({"plinth:enviroment": "dev"}, "plinth:enviroment: unknown key; allowed keys here: aws, azure"),
        (
            {"plinth:kubernetes": {"verison": "1.33"}},
            "plinth:kubernetes.verison: unknown key; allowed keys here: awsOidcProviderArn, context, distribution",
        ),
        (
            {"plinth:aws": {"region": "eu-west-1", "accountId": "12"}},
            "plinth:aws.accountId: String should match pattern",
        ),
        (
            {"plinth:deployments": {"canary": []}},
            "plinth:deployments.canary: unknown key; allowed keys here: argoRollouts, kedaNamespace, prometheusUrl",
        ),
        (
            {"plinth:backup": {"vaults": []}},
            "plinth:backup.vaults: unknown key; allowed keys here: notify, tenants, tiers, velero",
        ),
    ],
)
def test_errors_name_file_key_found_and_allowed(tmp_path, change, expected):
    message = errors_of(tmp_path, with_changes(**change))
    assert message.startswith("stacks/Pulumi.t.yaml: "), message
    assert expected in message, message


def tenant(**overrides):
    base = {
        "id": "gamma",
        "displayName": "Gamma",
        "tier": "standard",
        "costCenter": "cc-3",
        "ownerGroups": {"admins": ["g"]},
    }
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (
            tenant(tier="gold"),
            "plinth:tenants[2].tier: Input should be 'free', 'standard', 'premium' or 'enterprise' (found 'gold')",
        ),
        (tenant(id="Gamma_1"), "plinth:tenants[2].id: String should match pattern"),
        (tenant(id="alpha"), "plinth:tenants[2].id: duplicate tenant id 'alpha' (also tenants[0])"),
        (tenant(tier="free", compliance=["hipaa"]), "plinth:tenants[2]: HIPAA tenants cannot be on the free tier"),
        (
            tenant(cloud="aws", region="us-east-1", compliance=["gdpr"]),
            "plinth:tenants[2].region: GDPR tenants must be in an EU region; 'us-east-1' is not",
        ),
        (tenant(cloud="gcp"), "plinth:tenants[2].cloud: tenant uses gcp but the stack has no plinth:gcp settings"),
        (tenant(quotas={"pods": 0}), "plinth:tenants[2].quotas.pods: Input should be greater than 0 (found 0)"),
        (tenant(quotas={"cpu": "lots"}), "plinth:tenants[2].quotas.cpu: String should match pattern"),
        (tenant(allowedEgress=[{"cidr": "10.0.0.1/8"}]), "plinth:tenants[2].allowedEgress[0].cidr: not a CIDR block"),
        (tenant(tier="premium", dataDeletion="delete"), "dataDeletion: delete is not allowed for the premium tier"),
        (tenant(ownerGroups={"admins": []}), "plinth:tenants[2].ownerGroups.admins: List should have at least 1 item"),
        (tenant(displayName=""), "plinth:tenants[2].displayName: String should have at least 1 character"),
    ],
)
def test_tenant_errors(tmp_path, entry, expected):
    doc = copy.deepcopy(VALID)
    doc["config"]["plinth:tenants"].append(entry)
    message = errors_of(tmp_path, doc)
    assert expected in message, message


def test_all_problems_of_a_file_are_reported_at_once(tmp_path):
    doc = with_changes(**{"plinth:environment": "nope", "plinth:typo": 1})
    lines = errors_of(tmp_path, doc).splitlines()
    assert len(lines) == 2 and all(line.startswith("stacks/Pulumi.t.yaml: plinth:") for line in lines)


def test_broken_yaml_names_the_line(tmp_path):
    message = errors_of(tmp_path, "config:\n  plinth:environment: dev\n  plinth:tags: [unclosed\n")
    assert message.startswith("stacks/Pulumi.t.yaml: invalid YAML at line"), message


def test_secure_values_become_unknown_secret_keys(tmp_path):
    doc = with_changes(**{"aws:secretKey": {"secure": "AAABAEncrypted=="}})
    loaded = load(tmp_path, doc)
    assert loaded.pulumi_config["aws:secretKey"] == UNKNOWN
    assert loaded.secret_keys == ["aws:secretKey"]
    assert "AAABAEncrypted" not in str(loaded.pulumi_config)


def test_credentials_must_come_from_encrypted_config():
    from pydantic import BaseModel

    class WithSecret(BaseModel):
        token: Secret

    assert repr(WithSecret(token="plaintext").token) == "Secret(********)"
    assert WithSecret(token=UNKNOWN).token.known is False
    # parse() finds credentials anywhere in the model; a plaintext one (not from a secure:
    # leaf offline, not in a secret key under the CLI) is rejected with the command to fix it.
    assert stack_config.find_secrets({"a": [Secret("x")]}) == [("a[0]", Secret("x"))]


# --------------------------------------------------------------------------------------------
# Hypothesis: malformed configs through the real `plinth preview` entry point
# --------------------------------------------------------------------------------------------
REQUIRED_TENANT_KEYS = ["id", "displayName", "tier", "costCenter", "ownerGroups"]
ENUMS = {
    "tier": ["free", "standard", "premium", "enterprise"],
    "cloud": ["aws", "gcp", "azure", "none"],
    "dataResidency": ["eu", "us", "any"],
    "dataDeletion": ["retain", "delete"],
}
BAD_TYPES = [{"nested": 1}, [1, 2], 3.5]


def leaf_paths(value: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in leaf_paths(v, path + (k,))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in leaf_paths(v, path + (i,))]
    return [path]


def dict_paths(value: Any, path: tuple = ()) -> list[tuple]:
    out = [path] if isinstance(value, dict) else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += dict_paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += dict_paths(v, path + (i,))
    return out


def key_of(path: tuple) -> str:
    """('plinth:tenants', 1, 'tier') -> 'plinth:tenants[1].tier'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def get(doc, path):
    for part in path:
        doc = doc[part]
    return doc


@st.composite
def malformed(draw):
    """(stack file text, key that the error must name or None for YAML errors)."""
    doc = copy.deepcopy(VALID)
    cfg = doc["config"]
    plinth_keys = {k: v for k, v in cfg.items() if k.startswith("plinth:")}
    kind = draw(st.sampled_from(["type", "unknown", "missing", "enum", "string", "duplicate", "yaml"]))
    if kind == "type":
        path = draw(st.sampled_from(leaf_paths(plinth_keys)))
        value = draw(st.sampled_from(BAD_TYPES))
        get(cfg, path[:-1])[path[-1]] = value
        return yaml.safe_dump(doc), key_of(path)
    if kind == "unknown":
        path = draw(st.sampled_from([p for p in dict_paths(plinth_keys) if p]))
        name = draw(st.from_regex(r"\A[a-z][a-zA-Z]{2,12}\Z", fullmatch=True))
        target = get(cfg, path)
        if name in target or (len(path) == 3 and path[0] == "plinth:tags"):
            name = f"zz{name}"
        if path == ("plinth:tags",):  # tags take any key: use a non-string value instead
            target[name] = {"not": "a string"}
        else:
            target[name] = "x"
        return yaml.safe_dump(doc), key_of(path + (name,))
    if kind == "missing":
        index = draw(st.integers(0, 1))
        key = draw(st.sampled_from(REQUIRED_TENANT_KEYS))
        del cfg["plinth:tenants"][index][key]
        return yaml.safe_dump(doc), key_of(("plinth:tenants", index, key))
    if kind == "enum":
        index = draw(st.integers(0, 1))
        key = draw(st.sampled_from(sorted(ENUMS)))
        value = draw(
            st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12).filter(
                lambda v: v not in ENUMS[key]
            )
        )
        cfg["plinth:tenants"][index][key] = value
        return yaml.safe_dump(doc), key_of(("plinth:tenants", index, key))
    if kind == "string":
        index = draw(st.integers(0, 1))
        key = draw(st.sampled_from(["id", "displayName", "costCenter"]))
        value = draw(st.sampled_from(["", "x" * 300]))
        cfg["plinth:tenants"][index][key] = value
        return yaml.safe_dump(doc), key_of(("plinth:tenants", index, key))
    if kind == "duplicate":
        cfg["plinth:tenants"][1]["id"] = cfg["plinth:tenants"][0]["id"]
        return yaml.safe_dump(doc), "plinth:tenants[1].id"
    text = yaml.safe_dump(doc)
    lines = text.splitlines()
    at = draw(st.integers(1, len(lines) - 1))
    breakage = draw(st.sampled_from(["  - [unclosed", "\tplinth:tab: 1", "plinth:x: {a: 1", ": nokey"]))
    lines.insert(at, breakage)
    return "\n".join(lines) + "\n", None


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(case=malformed())
def test_malformed_configs_exit_2_naming_file_and_key(make_project, capsys, case):
    text, key = case
    project = make_project("bad", text)
    code = cli.main(["preview", "--stack", "bad", "--format", "json", "--no-policy", "--project-dir", str(project)])
    out, err = capsys.readouterr()
    assert code == 2, f"expected exit 2, got {code}; stderr: {err}"
    assert out == "", "nothing may be printed as a preview for an invalid config"
    assert "Traceback" not in err
    assert "stacks/Pulumi.bad.yaml" in err, err
    if key is not None:
        assert f"{key}:" in err or f"{key}." in err or f"{key}[" in err, f"error must name {key}: {err}"
    else:
        assert "invalid YAML" in err, err
