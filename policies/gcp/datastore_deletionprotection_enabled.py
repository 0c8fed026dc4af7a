"""GCP databases keep the provider's deletion protection on.

Follows Checkov CKV_GCP_121 (BigQuery tables have deletion protection enabled) and CKV_GCP_122 (Bigtable instances have
deletion protection enabled), and the same provider setting on Cloud SQL instances and Spanner databases (the
issue's "deletion protection" family). ``deletionProtection`` defaults to
true in the provider for all four, so only an explicit false is a finding; Cloud SQL's API-level
``settings.deletionProtectionEnabled: false`` is not required to be true. Advisory: Pulumi ``protect`` (required by
stack-stateful-resource-protected) already guards these resources in a Plinth stack.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("deletionProtection") is False:
        yield "Deletion protection is off: a replacement or a destroy deletes the data."


POLICY = resource_policy(
    name="gcp-datastore-deletionprotection-enabled",
    description="GCP databases keep deletion protection on.",
    types=[
        "gcp:sql/databaseInstance:DatabaseInstance",
        "gcp:bigquery/table:Table",
        "gcp:bigtable/instance:Instance",
        "gcp:spanner/database:Database",
    ],
    check=check,
    severity="medium",
    frameworks=["soc2:A1.2", "soc2:C1.1"],
    remediation=(
        "Remove deletionProtection: false (the provider's default is true); turn it off only for a planned removal."
    ),
)
