"""DynamoDB tables keep point-in-time recovery on.

Follows Checkov CKV_AWS_28 ("Ensure DynamoDB point in time recovery (backup) is enabled"), cdk-nag
AwsSolutions-DDB3 and HIPAA.Security-DynamoDBPITREnabled, and Prowler
``dynamodb_tables_pitr_enabled``: ``pointInTimeRecovery.enabled`` true (off by default).
Advisory: a table can also be covered by AWS Backup plans.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if get(props, "pointInTimeRecovery.enabled") is not True:
        yield "Point-in-time recovery is off: the table cannot be restored to a moment before a bad write."


POLICY = resource_policy(
    name="aws-dynamodb-table-pitr-enabled",
    description="DynamoDB tables have point-in-time recovery enabled.",
    types=["aws:dynamodb/table:Table"],
    check=check,
    severity="medium",
    frameworks=["soc2:A1.2", "hipaa:164.308(a)(7)(ii)(A)", "hipaa:164.312(c)(1)"],
    remediation="Set pointInTimeRecovery: {enabled: true}.",
)
