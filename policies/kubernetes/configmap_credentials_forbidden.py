"""Credentials are not kept in ConfigMaps (PCI DSS 4.0 8.6.2, NIST 800-53 IA-5(7)), which are not encrypted
at rest, appear in ``kubectl describe`` and are readable by roles that may not read Secrets. Each ``data``
entry is judged by policies/credentials.py: the whole value for credential shapes (keys, tokens, private key
blocks, passwords in URLs); a one-line value by the entry's own name; a JSON or YAML document leaf by leaf;
a properties or .env file line by line (``name=value``, ``name: value``). A program's source (a script a Job
runs from the ConfigMap) is only searched for credential shapes: its ``name = expression`` lines are code, not
settings. Values are never echoed."""

import json
import re

import yaml

from policies.credentials import credential_kinds
from policies.meta import resource_policy
from policies.props import get

#: ``name = value`` / ``name: value`` lines of properties, .env and INI files (quotes stripped).
ASSIGNMENT = re.compile(r"""^\s*(?:export\s+)?["']?(?P<name>[\w.\-]+)["']?\s*[:=]\s*["']?(?P<value>[^"'\s#;]+)""")


def _document(text: str):
    """The parsed JSON or YAML document ``text`` holds, or None when it is neither (or a bare scalar)."""
    for load in (json.loads, yaml.safe_load):
        try:
            parsed = load(text)
        except (ValueError, yaml.YAMLError):
            continue
        if isinstance(parsed, (dict, list)):
            return parsed
    return None


def _leaves(value, name=""):
    """(name, string) for every string leaf of a parsed document, named by its nearest key."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, str(key))
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item, name)
    elif isinstance(value, str):
        yield name, value


#: Entries that are program source, by file extension.
SOURCE_FILES = (".py", ".sh", ".bash", ".js", ".mjs", ".ts", ".go", ".rb", ".java", ".lua", ".pl", ".php", ".ps1")


def kinds_in(key: str, value: str) -> list[str]:
    """The kinds of credential one ConfigMap entry holds."""
    kinds = list(credential_kinds(value))
    if key.lower().endswith(SOURCE_FILES):
        return kinds
    document = _document(value) if value.lstrip()[:1] in ("{", "[") or "\n" in value.strip() else None
    if document is not None:
        pairs = list(_leaves(document))
    elif "\n" in value.strip():
        pairs = [(m["name"], m["value"]) for m in map(ASSIGNMENT.match, value.splitlines()) if m]
    else:
        pairs = [(key, value)]
    for name, item in pairs:
        kinds += [k for k in credential_kinds(item, name) if k not in kinds]
    return kinds


def check(props, config):
    name = get(props, "metadata.name") or "(unnamed)"
    data = props.get("data") or {}
    for key in data:
        value = data[key]
        if not isinstance(value, str):
            continue
        for kind in kinds_in(str(key), value):
            yield f"ConfigMap {name} holds a plaintext credential in {key}: {kind}."


POLICY = resource_policy(
    name="kubernetes-configmap-credentials-forbidden",
    description="ConfigMaps never hold plaintext credentials.",
    types=["kubernetes:core/v1:ConfigMap"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "nist:IA-5(7)", "iso27001:A.5.17", "pci:8.6.2"],
    remediation=(
        "Move the credential into a Secret (or a secret store through the CSI driver or External Secrets) and "
        "mount it; rotate the exposed credential."
    ),
)
