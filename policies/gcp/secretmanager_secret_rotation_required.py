"""Secret Manager secrets have a rotation schedule of at most 90 days.

Follows the rotation control of the secret stores the issue lists ("rotation on secret stores"), as Prowler
secretsmanager_automatic_rotation_enabled states it for AWS and CIS GCP Foundations v3.0 1.7/1.10 state the 90-day
period for service-account and KMS keys: ``rotation.rotationPeriod`` (with ``nextRotationTime``) must be set and
at most ``maximumDays``. Absent: the secret never signals rotation. Advisory: Secret Manager notifies a rotation
function on Pub/Sub; it does not rotate the value itself.
"""

from policies.meta import resource_policy
from policies.props import get

CONFIG = {
    "maximumDays": {"type": "integer", "minimum": 1, "default": 90, "description": "Longest allowed rotation period."}
}


def check(props, config):
    period = get(props, "rotation.rotationPeriod")
    if not period:
        yield "The secret has no rotation schedule (rotation.rotationPeriod)."
        return
    days = float(str(period).rstrip("s")) / 86400
    if days > config["maximumDays"]:
        yield f"The secret rotates every {days:g} days; at most {config['maximumDays']} are allowed."


POLICY = resource_policy(
    name="gcp-secretmanager-secret-rotation-required",
    description="Secret Manager secrets have a rotation schedule of at most 90 days.",
    types=["gcp:secretmanager/secret:Secret", "gcp:secretmanager/regionalSecret:RegionalSecret"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.308(a)(5)(ii)(D)"],
    remediation=(
        'Set rotation: {rotationPeriod: "7776000s", nextRotationTime: ...} and topics: a Pub/Sub topic whose '
        "subscriber rotates the value."
    ),
    config=CONFIG,
)
