"""RDS and Aurora snapshots are never shared with everyone.

Follows Checkov CKV_AWS_302 ("Ensure DB Snapshots are not Public"), Prowler
``rds_snapshots_public_access`` and AWS Security Hub RDS.1: ``sharedAccounts`` of ``rds.Snapshot``
and ``rds.ClusterSnapshot`` must not contain ``all`` (the provider's word for public). Sharing with
named accounts is allowed. Mandatory and never waived: a public snapshot is a full copy of the
database that anyone can restore.
"""

from policies.meta import resource_policy
from policies.props import as_list


def check(props, config):
    if "all" in [str(a) for a in as_list(props.get("sharedAccounts"))]:
        yield "The snapshot is shared with all AWS accounts (sharedAccounts contains 'all')."


POLICY = resource_policy(
    name="aws-rds-snapshot-public-forbidden",
    description="RDS and Aurora snapshots are never shared publicly.",
    types=["aws:rds/snapshot:Snapshot", "aws:rds/clusterSnapshot:ClusterSnapshot"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.1", "soc2:CC6.6", "hipaa:164.312(a)(1)", "gdpr:Art.32"],
    remediation="Remove 'all' from sharedAccounts and share with the account ids that need the snapshot.",
    enforcement="mandatory",
    never_waive=True,
)
