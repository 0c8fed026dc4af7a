"""DynamoDB tables encrypt data with a customer-managed KMS key.

Follows Checkov CKV_AWS_119 ("Ensure DynamoDB Tables are encrypted using a KMS Customer Managed
CMK"): ``serverSideEncryption.enabled`` true with a ``kmsKeyArn``. Without the block DynamoDB uses
an AWS-owned key; ``enabled`` without ``kmsKeyArn`` uses the AWS-managed ``aws/dynamodb`` key;
neither lets the account's key policy decide who reads the table. Advisory: the data is encrypted
either way.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if get(props, "serverSideEncryption.enabled") is not True:
        yield "The table uses the AWS-owned key; enable server-side encryption with a KMS key."
    elif not get(props, "serverSideEncryption.kmsKeyArn"):
        yield "The table uses the AWS-managed key aws/dynamodb; set serverSideEncryption.kmsKeyArn."


POLICY = resource_policy(
    name="aws-dynamodb-table-encryption-required",
    description="DynamoDB tables encrypt data with a KMS key the account controls.",
    types=["aws:dynamodb/table:Table"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32"],
    remediation="Set serverSideEncryption: {enabled: true, kmsKeyArn: <customer-managed key>}.",
)
