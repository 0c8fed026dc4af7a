"""EC2 user data carries no plaintext credentials.

Follows Checkov CKV_AWS_46 ("Ensure no hard-coded secrets exist in EC2 user data") and Prowler
``ec2_instance_secrets_user_data`` / ``ec2_launch_template_no_secrets``, with the detector in
policies/credentials.py (known credential shapes anywhere, and ``NAME=value`` lines whose name says
secret and whose value is a literal): ``userData`` of an ``ec2.Instance`` or
``ec2.LaunchConfiguration``, ``userDataBase64``, and the base64 ``userData`` of an
``ec2.LaunchTemplate``. User data is readable by anyone who can describe the instance and from the
instance metadata. Advisory: the name heuristic can misfire.
"""

import base64
import binascii

from policies.credentials import text_credential_kinds
from policies.meta import resource_policy


def _decoded(value: str) -> str:
    """Base64 user data decoded, or the text itself when it is not base64."""
    try:
        return base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return value


def check(props, config):
    for key in ("userData", "userDataBase64"):
        value = props.get(key)
        if isinstance(value, str) and value:
            for kind in text_credential_kinds(_decoded(value)):
                yield f"{key} holds a {kind} in plaintext."


POLICY = resource_policy(
    name="aws-ec2-instance-userdata-secrets-forbidden",
    description="EC2 instance, launch configuration and launch template user data holds no plaintext credentials.",
    types=[
        "aws:ec2/instance:Instance",
        "aws:ec2/launchConfiguration:LaunchConfiguration",
        "aws:ec2/launchTemplate:LaunchTemplate",
    ],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "hipaa:164.308(a)(5)(ii)(D)"],
    remediation=(
        "Fetch the credential at boot from Secrets Manager or SSM with the instance role "
        "(aws secretsmanager get-secret-value), instead of writing it into user data."
    ),
)
