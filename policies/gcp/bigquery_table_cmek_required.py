"""BigQuery tables are encrypted with a customer-managed key.

Follows CIS GCP Foundations v3.0 7.2 (all BigQuery tables are encrypted with a customer-managed encryption key),
Checkov CKV_GCP_80 and Prowler bigquery_table_cmk_encryption: ``encryptionConfiguration.kmsKeyName`` must be set on the
table (absent: Google-managed keys, as those peers read the table). Advisory: CIS level 2.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if not get(props, "encryptionConfiguration.kmsKeyName"):
        yield "The table is encrypted with Google-managed keys; set encryptionConfiguration.kmsKeyName."


POLICY = resource_policy(
    name="gcp-bigquery-table-cmek-required",
    description="BigQuery tables are encrypted with a customer-managed key.",
    types=["gcp:bigquery/table:Table"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32", "cis:gcp-7.2"],
    remediation="Set encryptionConfiguration.kmsKeyName to a Cloud KMS key in the table's location.",
)
