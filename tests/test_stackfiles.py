"""Stack files are read strictly (duplicate keys, alias bombs, encodings) and credentials are checked per key
path under the real CLI exactly as offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from components import stackfiles
from components.config import ConfigError
from components.platform import Platform
from scripts import engine

SLACK = "https://hooks.slack.com/services/T0/B0/PLAINTEXTSECRET"
MONITORING = {
    "slos": [],
    "alerting": {
        "receivers": [
            {"name": "oncall", "pagerduty": {"routingKey": {"secure": "v1:AAAAencrypted=="}}},
            {"name": "team", "slack": {"channel": "#alerts", "apiUrl": SLACK}},
        ],
        "routes": {"P0": "oncall", "P1": "oncall", "P2": "team", "P3": "team"},
    },
}


def _project(tmp_path: Path, config: dict) -> Path:
    (tmp_path / "stacks").mkdir(parents=True, exist_ok=True)
    (tmp_path / "Pulumi.yaml").write_text("name: plinth\nruntime: python\nstackConfigDir: stacks\n")
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(yaml.safe_dump({"config": config}, sort_keys=False))
    return tmp_path


def _run_like_the_cli(project: Path, decrypted: dict, secret_keys: list[str]):
    """What `pulumi up` hands the program: PULUMI_CONFIG with secure values decrypted (objects as JSON)
    and PULUMI_CONFIG_SECRET_KEYS naming each top-level key that holds a secret."""

    def program() -> None:
        cfg = stackfiles.load_from_runtime(project)
        Platform.from_config("plinth", cfg)

    return engine.run(program, project="plinth", stack="dev", config=decrypted, secret_keys=secret_keys)


def test_a_plaintext_credential_beside_a_secret_one_is_refused_under_the_cli(tmp_path):
    project = _project(tmp_path, {"plinth:environment": "dev", "plinth:monitoring": MONITORING})
    decrypted = json.loads(json.dumps(MONITORING).replace('{"secure": "v1:AAAAencrypted=="}', '"pd-key-decrypted"'))
    with pytest.raises(ConfigError) as err:
        _run_like_the_cli(
            project, {"plinth:environment": "dev", "plinth:monitoring": json.dumps(decrypted)}, ["plinth:monitoring"]
        )
    assert "plinth:monitoring.alerting.receivers[1].slack.apiUrl: is a credential and must be encrypted" in str(
        err.value
    )
    assert "routingKey" not in str(err.value), "the value that was secure: in the stack file is accepted"


def test_the_same_config_is_refused_offline(tmp_path):
    project = _project(tmp_path, {"plinth:environment": "dev", "plinth:monitoring": MONITORING})
    with pytest.raises(ConfigError, match=r"receivers\[1\]\.slack\.apiUrl: is a credential"):
        stackfiles.load_stack_file(project / "stacks" / "Pulumi.dev.yaml")


def test_secrets_from_a_source_that_records_no_paths_are_accepted_by_key(tmp_path):
    # e.g. an ESC environment: the key is not in the stack file, the CLI still marks it secret
    project = _project(tmp_path, {"plinth:environment": "dev"})
    monitoring = json.loads(json.dumps(MONITORING).replace('{"secure": "v1:AAAAencrypted=="}', '"pd-key"'))
    plan = _run_like_the_cli(
        project, {"plinth:environment": "dev", "plinth:monitoring": json.dumps(monitoring)}, ["plinth:monitoring"]
    )
    assert SLACK not in json.dumps(plan.to_json())


BOMB = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9 if i else ['lol'] * 9)}]\n" for i in range(8))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "config:\n  plinth:environment: dev\n  plinth:tags: {a: 1}\n  plinth:environment: prod\n",
            "invalid YAML at line 4, column 3: duplicate key 'plinth:environment' (first on line 2)",
        ),
        (
            "config:\n  plinth:tags:\n    team: a\n    team: b\n",
            "line 4, column 5: duplicate key 'team' (first on line 3)",
        ),
        (BOMB, "YAML aliases expand to more than 100000 values"),
    ],
)
def test_duplicate_keys_and_alias_bombs_are_refused_naming_the_line(tmp_path, text, message):
    (tmp_path / "stacks").mkdir()
    path = tmp_path / "stacks" / "Pulumi.t.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        stackfiles.load_stack_file(path)
    assert str(err.value).startswith("stacks/Pulumi.t.yaml: ") and message in str(err.value), str(err.value)


def test_the_alias_bomb_is_refused_quickly(tmp_path):
    import time

    started = time.perf_counter()
    with pytest.raises(ConfigError):
        stackfiles.load_yaml(BOMB * 1, "s.yaml")
    assert time.perf_counter() - started < 2, "the expansion is counted, never built"


def test_ordinary_aliases_still_work():
    assert stackfiles.load_yaml("a: &x [1, 2]\nb: *x\n", "s.yaml") == {"a": [1, 2], "b": [1, 2]}


def test_non_utf8_and_directories_are_named(tmp_path):
    (tmp_path / "stacks").mkdir()
    path = tmp_path / "stacks" / "Pulumi.t.yaml"
    path.write_bytes(b"config:\n  plinth:environment: d\xe9v\n")
    with pytest.raises(ConfigError, match=r"stacks/Pulumi.t.yaml: not UTF-8 text \(byte 31 of the stack file"):
        stackfiles.load_stack_file(path)
    (tmp_path / "Pulumi.yaml").write_text("name: plinth\nruntime: python\nstackConfigDir: stacks\n")
    (tmp_path / "stacks" / "Pulumi.dir.yaml").mkdir()
    assert stackfiles.available_stacks(tmp_path) == ["t"], "a directory is not a stack"
