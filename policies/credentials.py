"""A small detector of well-known credential shapes in plaintext values.

Used by the policies that look for credentials where they do not belong (container environment
variables, ConfigMaps, function environments) and by the runtime audit. Two kinds of evidence, as
detect-secrets and gitleaks use them: the value has the shape of a known credential (an AWS access
key id, a GitHub or Slack token, a private key block...), or the variable's name says it is a secret
and its value is a literal rather than a reference to a secret store. Values are never echoed: a
finding names the kind and the variable only.
"""

from __future__ import annotations

import math
import re

#: Credential shapes, by what they are (patterns follow the providers' documented formats).
SHAPES: dict[str, re.Pattern[str]] = {
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
    "AWS access key id": re.compile(r"\b(AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b"),
    # https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/
    "GitHub token": re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b"),
    # https://api.slack.com/authentication/token-types
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "Slack webhook URL": re.compile(r"https://hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+"),
    # https://cloud.google.com/docs/authentication/api-keys
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "Google service account key": re.compile(r'"type"\s*:\s*"service_account"'),
    "private key": re.compile(r"-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----"),
    # https://stripe.com/docs/keys
    "Stripe secret key": re.compile(r"\b[rs]k_live_[0-9a-zA-Z]{20,}\b"),
    # https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string
    "Azure storage account key": re.compile(r"AccountKey=[A-Za-z0-9+/]{80,}={0,2}"),
    "Azure SAS token": re.compile(r"[?&]sig=[A-Za-z0-9%+/]{40,}"),
    "JSON web token": re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    "password in a URL": re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s:@]{3,}@"),
}
#: Names that say a variable holds a secret (as detect-secrets' KeywordDetector reads them).
SECRET_NAME = re.compile(
    r"(?i)(^|[_.-])(pass(word|wd)?|pwd|secret|token|api[_-]?key|apikey|private[_-]?key|access[_-]?key|"
    r"client[_-]?secret|credentials?|auth)([_.-]|$)"
)
#: Of those, the words that also name settings around a secret (AUTH_PROVIDER, TOKEN_AUDIENCE): a literal
#: under them counts only when it looks random, as gitleaks' generic-api-key rule asks (Shannon entropy >= 3.5
#: bits per character). A password, secret or key name counts for any literal, weak passwords included.
WEAK_NAME = re.compile(r"(?i)(^|[_.-])(token|credentials?|auth)([_.-]|$)")
MIN_ENTROPY = 3.5
#: Values that point at a secret instead of being one (``$(VAR)`` is Kubernetes' reference to another variable).
REFERENCE = re.compile(
    r"^(\$\{.*\}|\$\(.*\)|\{\{.*\}\}|arn:aws[a-z-]*:(secretsmanager|ssm|kms):|projects/[^/]+/secrets/|"
    r"https://[a-z0-9-]+\.vault\.azure\.net/secrets/|vault:|ref\+|sm://|/run/secrets/|/var/run/secrets/|file:)"
)
#: Values that say where or what something is rather than being a secret: a URL without a password in it (one
#: with a password is a shape above), a URN, a file path, or a whole document (several lines).
DESCRIPTIVE = re.compile(r"^([a-z][a-z0-9+.-]*://[^@\s]*|urn:\S+|/\S*)$|\n", re.IGNORECASE)
MIN_SECRET_LENGTH = 8


def entropy(value: str) -> float:
    """Shannon entropy of ``value`` in bits per character."""
    counts = [value.count(c) for c in set(value)]
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts) if value else 0.0


def _named_secret(value: str, name: str) -> bool:
    """Whether ``name`` says it holds a secret and ``value`` is one written out (not a reference or a description)."""
    strong = SECRET_NAME.search(WEAK_NAME.sub("_", name))
    if not strong and not SECRET_NAME.search(name):
        return False
    if len(value) < MIN_SECRET_LENGTH or REFERENCE.match(value) or DESCRIPTIVE.search(value):
        return False
    return bool(strong) or entropy(value) >= MIN_ENTROPY


def credential_kinds(value: str, name: str | None = None) -> list[str]:
    """What kinds of credential ``value`` (of a variable called ``name``) looks like; empty when none."""
    if not isinstance(value, str) or not value:
        return []
    kinds = [kind for kind, pattern in SHAPES.items() if pattern.search(value)]
    if not kinds and name and _named_secret(value, name):
        kinds.append(f"literal value of a secret-named variable ({name})")
    return kinds


#: ``NAME=value``, ``export NAME="value"``, ``NAME: value`` lines of a script or an env file.
ASSIGNMENT = re.compile(
    r"""^\s*(?:export\s+|set\s+|\$env:)?(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*(?P<q>["']?)(?P<value>[^"'\s#]+)(?P=q)\s*(?:#.*)?$"""
)


def text_credential_kinds(text: str) -> list[str]:
    """What credentials a free text (user data, a script, an env file) holds: known shapes anywhere,
    and secret-named assignments (``DB_PASSWORD=...``) whose value is a literal."""
    if not isinstance(text, str) or not text:
        return []
    kinds = [kind for kind, pattern in SHAPES.items() if pattern.search(text)]
    for line in text.splitlines():
        match = ASSIGNMENT.match(line)
        if match:
            for kind in credential_kinds(match.group("value"), match.group("name")):
                if kind not in kinds:
                    kinds.append(kind)
    return kinds
