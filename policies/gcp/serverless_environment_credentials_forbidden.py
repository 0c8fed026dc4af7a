"""Cloud Functions and Cloud Run keep no credentials in plaintext environment variables.

Follows CIS GCP Foundations v3.0 1.17 (secrets are not stored in Cloud Functions environment variables; use Secret
Manager), extended to Cloud Run services and jobs, whose environment is read the same way. Uses Plinth's credential
detector (policies/credentials.py): a value with the shape of a known credential, or a literal in a secret-named
variable. Values from Secret Manager (``secretEnvironmentVariables``, ``valueSource``/``valueFrom``) are never
literals. Findings name the variable and the kind, never the value. Advisory: the detector is heuristic.
"""

from collections.abc import Iterator
from typing import Any

from policies.credentials import credential_kinds
from policies.meta import resource_policy
from policies.props import as_list, get

#: Maps of name -> value, by where each resource keeps them.
ENV_MAPS = (
    "environmentVariables",
    "buildEnvironmentVariables",
    "serviceConfig.environmentVariables",
    "buildConfig.environmentVariables",
)
#: Container lists whose entries carry ``envs: [{name, value}]``.
CONTAINER_LISTS = ("template.spec.containers", "template.containers", "template.template.containers")


def environment(props: Any) -> Iterator[tuple[str, Any]]:
    """(variable name, literal value) of every environment variable the function or service sets."""
    for path in ENV_MAPS:
        values = get(props, path)
        if values is not None:
            for name in values:
                yield str(name), values[name]
    for path in CONTAINER_LISTS:
        for container in as_list(get(props, path)):
            for env in as_list(container.get("envs")):
                if env.get("value") is not None:
                    yield str(env.get("name")), env.get("value")


def check(props, config):
    for name, value in environment(props):
        kinds = credential_kinds(value, name) if isinstance(value, str) else []
        if kinds:
            yield f"Environment variable {name} holds a plaintext credential ({', '.join(kinds)}); use Secret Manager."


POLICY = resource_policy(
    name="gcp-serverless-environment-credentials-forbidden",
    description="Cloud Functions and Cloud Run keep no credentials in plaintext environment variables.",
    types=[
        "gcp:cloudfunctions/function:Function",
        "gcp:cloudfunctionsv2/function:Function",
        "gcp:cloudrun/service:Service",
        "gcp:cloudrunv2/service:Service",
        "gcp:cloudrunv2/job:Job",
    ],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(1)", "cis:gcp-1.17"],
    remediation=(
        "Store the value in Secret Manager and reference it (secretEnvironmentVariables, or env valueSource/valueFrom "
        "secretKeyRef) with the runtime service account granted roles/secretmanager.secretAccessor."
    ),
)
