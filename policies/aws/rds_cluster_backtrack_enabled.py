"""Aurora MySQL clusters can backtrack.

Follows cdk-nag AwsSolutions-RDS14 ("The RDS Aurora MySQL cluster does not have Backtrack enabled")
and AWS Security Hub RDS.14: an ``rds.Cluster`` whose engine is ``aurora-mysql`` (or the original
``aurora``) has ``backtrackWindow`` above 0 (the provider's default is 0). Backtracking exists only
for provisioned Aurora MySQL clusters outside global databases, so other engines, Serverless v1
(``engineMode: serverless``) and members of a global cluster are not applicable. Advisory, low:
backtracking rewinds a cluster in minutes after a bad write, but backups are the recovery of record.
"""

from policies.meta import resource_policy


def applies(props) -> bool:
    engine = str(props.get("engine") or "")
    if engine not in ("aurora-mysql", "aurora"):
        return False
    return props.get("engineMode") != "serverless" and not props.get("globalClusterIdentifier")


def check(props, config):
    if applies(props) and not (props.get("backtrackWindow") or 0) > 0:
        yield "Backtracking is off (backtrackWindow is 0): the cluster cannot be rewound after a bad write."


POLICY = resource_policy(
    name="aws-rds-cluster-backtrack-enabled",
    description="Aurora MySQL clusters have a backtrack window.",
    types=["aws:rds/cluster:Cluster"],
    check=check,
    severity="low",
    frameworks=["soc2:A1.2", "hipaa:164.312(c)(1)"],
    remediation="Set backtrackWindow (seconds, up to 259200), e.g. 86400 for one day.",
)
