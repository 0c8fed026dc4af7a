"""SNS topic policies allow nothing to any principal without a condition that fixes the caller.

Follows Checkov CKV_AWS_169 ("Ensure SNS topic policy is not public by only allowing specific services
or principals to access it") and Prowler ``sns_topics_not_publicly_accessible``: an Allow statement for
``*`` is public unless a condition fixes the caller (``aws:SourceOwner`` / ``aws:SourceAccount`` as in
AWS's default topic policy, ``aws:SourceArn``, ``aws:PrincipalOrgID``...), read as in
policies/aws/_documents.py. Reads ``sns.TopicPolicy`` and the inline ``policy`` of ``sns.Topic``.
Mandatory: anyone could publish to or subscribe to the topic.
"""

from policies.aws._documents import public_findings
from policies.meta import resource_policy


def check(props, config):
    if "policy" in props:
        yield from public_findings(props.get("policy"), "The topic policy")


POLICY = resource_policy(
    name="aws-sns-topic-public-forbidden",
    description="SNS topic policies grant nothing to any principal unless a condition fixes the caller.",
    types=["aws:sns/topicPolicy:TopicPolicy", "aws:sns/topic:Topic"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.1", "soc2:CC6.6", "hipaa:164.312(a)(1)", "gdpr:Art.32"],
    remediation=(
        "Name the principals, or keep Principal * only with a condition on aws:SourceOwner, aws:SourceArn or "
        "aws:PrincipalOrgID."
    ),
    enforcement="mandatory",
)
