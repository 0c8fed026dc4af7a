"""Secrets Manager secrets rotate automatically, at least every 90 days.

Follows cdk-nag AwsSolutions-SMG4 and HIPAA.Security-SecretsManagerRotationEnabled, Checkov
CKV2_AWS_57 ("Ensure Secrets Manager secrets should have automatic rotation enabled") and CKV_AWS_304
("Ensure Secrets Manager secrets should be rotated within 90 days"), and Prowler
``secretsmanager_automatic_rotation_enabled``. Rotation is a separate resource in pulumi-aws
(``secretsmanager.SecretRotation``, naming the secret in ``secretId`` by name, ARN or reference), so
this is a stack policy built on policies/companions.py: a ``secretsmanager.Secret`` that no rotation
names fails, and so does a rotation with ``rotationEnabled: false`` (it counts as no rotation) or
``rotationRules.automaticallyAfterDays`` above ``maximumDays`` (90). A ``scheduleExpression`` is
accepted as written. Advisory: some secrets (third-party API keys) cannot be rotated by a Lambda.
"""

from policies.companions import missing_companions
from policies.meta import stack_policy
from policies.props import get

SECRET = "aws:secretsmanager/secret:Secret"
ROTATION = "aws:secretsmanager/secretRotation:SecretRotation"
CONFIG = {
    "maximumDays": {
        "type": "integer",
        "minimum": 1,
        "default": 90,
        "description": "Longest allowed interval between rotations (CKV_AWS_304).",
    }
}


def _enabled(rotation) -> bool:
    return rotation.props.get("rotationEnabled") is not False


def check(resources, config):
    rotations = [r for r in resources if r.resource_type == ROTATION]
    for rotation in rotations:
        days = get(rotation.props, "rotationRules.automaticallyAfterDays")
        if _enabled(rotation) and days is not None and days > config["maximumDays"]:
            yield (
                f"Secret rotation {rotation.name} runs every {days:g} days; the limit is {config['maximumDays']}.",
                rotation,
            )
    enabled = [r for r in resources if r.resource_type != ROTATION or _enabled(r)]
    for secret in missing_companions(
        enabled, subjects=[SECRET], companions=[ROTATION], link="secretId", subject_names=("name", "arn")
    ):
        yield f"Secret {secret.props.get('name') or secret.name} has no automatic rotation.", secret


POLICY = stack_policy(
    name="aws-secretsmanager-secret-rotation-enabled",
    description="Secrets Manager secrets have automatic rotation at least every 90 days.",
    check=check,
    reads=[SECRET, ROTATION],
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.308(a)(5)(ii)(D)"],
    remediation=(
        "Add an aws.secretsmanager.SecretRotation naming the secret, with a rotation Lambda and "
        "rotationRules.automaticallyAfterDays of 90 or less (RDS rotates its own: manageMasterUserPassword)."
    ),
    config=CONFIG,
)
