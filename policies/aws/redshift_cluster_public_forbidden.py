"""Redshift clusters are never reachable from the internet.

Follows Checkov CKV_AWS_87 ("Redshift cluster should not be publicly accessible"), Prowler
``redshift_cluster_public_access`` and AWS Security Hub Redshift.1: ``publiclyAccessible`` true
fails (the provider's default is false). DocumentDB has no public endpoint to check. Mandatory and
never waived, as for RDS.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("publiclyAccessible") is True:
        yield "The Redshift cluster is publicly accessible."


POLICY = resource_policy(
    name="aws-redshift-cluster-public-forbidden",
    description="Redshift clusters are never reachable from the internet.",
    types=["aws:redshift/cluster:Cluster"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "hipaa:164.312(e)(1)", "gdpr:Art.32"],
    remediation="Set publiclyAccessible: false and reach the cluster through private subnets or a VPC endpoint.",
    enforcement="mandatory",
    never_waive=True,
)
