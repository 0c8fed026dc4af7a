"""SQS queue policies allow nothing to any principal without a condition that fixes the caller.

Follows Checkov CKV_AWS_168 ("Ensure SQS queue policy is not public by only allowing specific services
or principals to access it") and Prowler ``sqs_queues_not_publicly_accessible``: an Allow statement for
``*`` (or ``{"AWS": "*"}``) is public unless a condition fixes the source (``aws:SourceArn`` of the SNS
topic or S3 bucket that sends, ``aws:SourceAccount``, ``aws:PrincipalOrgID``...), read as in
policies/aws/_documents.py. Reads ``sqs.QueuePolicy`` and the inline ``policy`` of ``sqs.Queue``.
Mandatory: anyone could read, delete or inject messages.
"""

from policies.aws._documents import public_findings
from policies.meta import resource_policy


def check(props, config):
    if "policy" in props:
        yield from public_findings(props.get("policy"), "The queue policy")


POLICY = resource_policy(
    name="aws-sqs-queue-public-forbidden",
    description="SQS queue policies grant nothing to any principal unless a condition fixes the caller.",
    types=["aws:sqs/queuePolicy:QueuePolicy", "aws:sqs/queue:Queue"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.1", "soc2:CC6.6", "hipaa:164.312(a)(1)", "gdpr:Art.32"],
    remediation=(
        "Name the principals, or keep Principal * only with a condition on aws:SourceArn, aws:SourceAccount or "
        "aws:PrincipalOrgID (e.g. the SNS topic that publishes to the queue)."
    ),
    enforcement="mandatory",
)
