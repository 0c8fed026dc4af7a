"""RDS instances, Aurora and RDS clusters and DocumentDB clusters have deletion protection on.

Follows Checkov CKV_AWS_293 ("Ensure that AWS database instances have deletion protection enabled")
and CKV_AWS_139 ("Ensure that RDS clusters have deletion protection enabled"), cdk-nag
AwsSolutions-RDS10 and Prowler ``rds_instance_deletion_protection`` /
``rds_cluster_deletion_protection`` / ``documentdb_cluster_deletion_protection``:
``deletionProtection`` true (the provider's default is false) on ``rds.Instance``, ``rds.Cluster``
and ``docdb.Cluster``. Aurora instances inherit it from their cluster. Advisory: Plinth's
``protect`` guards the stack; this guards against deletion from the console or API too.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("deletionProtection") is not True:
        yield "Deletion protection is off: one API call deletes the database."


POLICY = resource_policy(
    name="aws-rds-database-deletion-protected",
    description="RDS instances and RDS, Aurora and DocumentDB clusters have deletion protection enabled.",
    types=["aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "aws:docdb/cluster:Cluster"],
    check=check,
    severity="medium",
    frameworks=["soc2:A1.2", "soc2:C1.1", "hipaa:164.308(a)(7)(ii)(A)"],
    remediation="Set deletionProtection: true (turn it off deliberately, in a change of its own, before a deletion).",
)
