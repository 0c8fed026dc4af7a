"""Lambda function URLs authenticate their callers.

Follows Checkov CKV_AWS_258 ("Ensure that Lambda function URLs AuthType is not None") and Prowler
``awslambda_function_url_public``: ``authorizationType`` ``NONE`` lets anyone on the internet invoke
the function; ``AWS_IAM`` requires signed requests. Advisory: an unauthenticated URL can be the
point (a webhook that checks its own signature); suppress it with that reason.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("authorizationType") != "AWS_IAM":
        yield f"The function URL's authorizationType is {props.get('authorizationType')!r}: anyone can invoke it."


POLICY = resource_policy(
    name="aws-lambda-functionurl-auth-required",
    description="Lambda function URLs require IAM authentication.",
    types=["aws:lambda/functionUrl:FunctionUrl"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "soc2:CC6.6", "hipaa:164.312(d)"],
    remediation="Set authorizationType: AWS_IAM, or front the function with API Gateway and an authorizer.",
)
