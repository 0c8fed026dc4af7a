"""Lambda functions and layers are not opened to every AWS account.

Follows Checkov CKV_AWS_301 ("Ensure that AWS Lambda function is not publicly accessible": a
``lambda.Permission`` whose ``principal`` is ``*``), Prowler ``awslambda_function_not_publicly_accessible``
and AWS Security Hub Lambda.1. A ``*`` principal is restricted - and passes - when the permission also
fixes ``sourceAccount``, ``sourceArn`` or ``principalOrgId`` (the same conditions AWS writes into the
function policy). A ``lambda.LayerVersionPermission`` for ``*`` without ``organizationId`` shares the
layer with every account. Advisory: a public function URL behind a permission for ``*`` may be
deliberate (a webhook); ``aws-lambda-functionurl-auth-required`` reports the URL itself.
"""

from policies.meta import resource_policy

RESTRICTING = ("sourceAccount", "sourceArn", "principalOrgId", "organizationId")


def check(props, config):
    if str(props.get("principal") or "").strip() != "*":
        return
    if any(props.get(key) for key in RESTRICTING):
        return
    what = "layer version" if "layerName" in props else "function"
    yield f"The {what} permission is granted to every AWS account and anonymous callers (principal '*')."


POLICY = resource_policy(
    name="aws-lambda-permission-public-forbidden",
    description="Lambda permissions are never granted to every principal without a source or organization condition.",
    types=["aws:lambda/permission:Permission", "aws:lambda/layerVersionPermission:LayerVersionPermission"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "soc2:CC6.6"],
    remediation=(
        "Grant the permission to the service or account that calls the function, with sourceArn or sourceAccount "
        "(or principalOrgId / organizationId for your organization)."
    ),
)
