"""RDS instances, Aurora cluster instances and Multi-AZ DB clusters are never reachable from the internet.

Follows CIS AWS Foundations v3.0 2.3.3, Checkov CKV_AWS_17 (``aws_db_instance`` and
``aws_rds_cluster_instance``: ``publiclyAccessible`` true fails; the provider's default is false)
and Prowler ``rds_instance_no_public_access``. A Multi-AZ DB cluster (``rds.Cluster`` with a
``dbClusterInstanceClass``, a non-Aurora engine) is public when ``publiclyAccessible`` is true, and
by the provider's documented default also when it is absent and no DB subnet group (or ``default``)
is given. Aurora clusters have no such setting: their instances do. Mandatory and never waived.
"""

from policies.meta import resource_policy


def _multi_az_cluster_public(props) -> bool:
    if str(props.get("engine") or "").startswith("aurora") or not props.get("dbClusterInstanceClass"):
        return False  # an Aurora cluster: publicity is its instances'
    public = props.get("publiclyAccessible")
    if public is None:
        return props.get("dbSubnetGroupName") in (None, "", "default")
    return public is True


def check(props, config):
    if "dbClusterInstanceClass" in props:
        if _multi_az_cluster_public(props):
            yield "The Multi-AZ DB cluster is publicly accessible (publiclyAccessible, or no DB subnet group)."
    elif props.get("publiclyAccessible") is True:
        yield "The database is publicly accessible."


POLICY = resource_policy(
    name="aws-rds-instance-public-forbidden",
    description="RDS instances, Aurora instances and Multi-AZ DB clusters are never reachable from the internet.",
    types=["aws:rds/instance:Instance", "aws:rds/clusterInstance:ClusterInstance", "aws:rds/cluster:Cluster"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "hipaa:164.312(e)(1)", "cis:aws-2.3.3"],
    remediation="Set publiclyAccessible: false and reach the database through private subnets.",
    enforcement="mandatory",
    never_waive=True,
)
