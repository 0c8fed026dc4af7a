"""BigQuery datasets encrypt new tables with a customer-managed key by default.

Follows CIS GCP Foundations v3.0 7.3 (a default customer-managed encryption key is specified for all BigQuery data
sets), Checkov CKV_GCP_81 and Prowler bigquery_dataset_cmk_encryption: ``defaultEncryptionConfiguration.kmsKeyName``
must be set (absent: Google-managed keys). Advisory, as the other CMEK policies: CIS level 2.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if not get(props, "defaultEncryptionConfiguration.kmsKeyName"):
        yield "The dataset has no default customer-managed key; its tables are encrypted with Google-managed keys."


POLICY = resource_policy(
    name="gcp-bigquery-dataset-cmek-required",
    description="BigQuery datasets set a default customer-managed encryption key.",
    types=["gcp:bigquery/dataset:Dataset"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32", "cis:gcp-7.3"],
    remediation=(
        "Set defaultEncryptionConfiguration.kmsKeyName to a Cloud KMS key in the dataset's location and grant the "
        "BigQuery service agent encrypt/decrypt on it."
    ),
)
