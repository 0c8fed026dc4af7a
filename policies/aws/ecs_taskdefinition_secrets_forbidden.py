"""ECS task definitions keep no credentials in plaintext container environment variables.

Follows Prowler ``ecs_task_definitions_no_environment_secrets`` and AWS Security Hub ECS.8 ("Secrets
should not be passed as container environment variables"), with the detector in
policies/credentials.py: every ``environment[]`` entry of every container in ``containerDefinitions``
(a JSON string, as the provider takes it). References through ``secrets[].valueFrom`` are the
remedy and are not read. Values are never echoed. Advisory: the name heuristic can misfire.
"""

import json
from collections.abc import Mapping

from policies.credentials import credential_kinds
from policies.meta import resource_policy
from policies.props import as_list


def containers(props) -> list:
    """The container definitions: the provider's JSON string (a list), or an already decoded list."""
    value = props.get("containerDefinitions")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise ValueError("containerDefinitions is not valid JSON") from None
    return [c for c in as_list(value) if isinstance(c, Mapping)]


def check(props, config):
    for container in containers(props):
        for variable in as_list(container.get("environment")):
            name, value = variable.get("name"), variable.get("value")
            for kind in credential_kinds(value, name) if isinstance(value, str) else ():
                where = f"Container {container.get('name') or '?'}"
                yield f"{where}: environment variable {name} holds a {kind} in plaintext."


POLICY = resource_policy(
    name="aws-ecs-taskdefinition-secrets-forbidden",
    description="ECS task definitions pass no plaintext credentials in container environment variables.",
    types=["aws:ecs/taskDefinition:TaskDefinition"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "hipaa:164.308(a)(5)(ii)(D)"],
    remediation="Move the value to Secrets Manager or SSM and reference it with secrets: [{name, valueFrom: <ARN>}].",
)
