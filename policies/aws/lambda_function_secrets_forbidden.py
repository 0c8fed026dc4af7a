"""Lambda functions keep no credentials in plaintext environment variables.

Follows Checkov CKV_AWS_45 ("Ensure no hard-coded secrets exist in lambda environment") and Prowler
``awslambda_function_no_secrets_in_variables``, with the detector in policies/credentials.py (known
credential shapes, and secret-named variables holding a literal rather than a reference to Secrets
Manager or SSM): every value of ``environment.variables``. Values are never echoed. Advisory: the
name heuristic can misfire; a real credential belongs in Secrets Manager.
"""

from policies.credentials import credential_kinds
from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    variables = get(props, "environment.variables") or {}
    for name in variables:
        value = variables[name]
        for kind in credential_kinds(value, name) if isinstance(value, str) else ():
            yield f"Environment variable {name} holds a {kind} in plaintext."


POLICY = resource_policy(
    name="aws-lambda-function-secrets-forbidden",
    description="Lambda function environment variables hold no plaintext credentials.",
    types=["aws:lambda/function:Function"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "hipaa:164.308(a)(5)(ii)(D)"],
    remediation=(
        "Store the credential in Secrets Manager (or SSM SecureString) and pass its ARN; read it at start-up "
        "with the function's role, or use the Parameters and Secrets Lambda extension."
    ),
)
