"""EKS clusters send every control-plane log type, audit included, to CloudWatch.

Follows Checkov CKV_AWS_37 ("Ensure Amazon EKS control plane logging is enabled for all log types"),
cdk-nag AwsSolutions-EKS2, CIS Amazon EKS Benchmark 2.1.1 and Prowler
``eks_control_plane_logging_all_types_enabled``: ``enabledClusterLogTypes`` holds api, audit,
authenticator, controllerManager and scheduler (none is on by default). Advisory: logging is
evidence after the fact; without the audit log there is no record of who did what in the cluster.
"""

from policies.meta import resource_policy
from policies.props import as_list

LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")


def check(props, config):
    enabled = {str(t) for t in as_list(props.get("enabledClusterLogTypes"))}
    missing = [t for t in LOG_TYPES if t not in enabled]
    if missing:
        yield f"Control-plane log types {', '.join(missing)} are not sent to CloudWatch."


POLICY = resource_policy(
    name="aws-eks-cluster-logging-enabled",
    description="EKS clusters log every control-plane log type, audit included.",
    types=["aws:eks/cluster:Cluster"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC7.2", "hipaa:164.312(b)", "hipaa:164.308(a)(1)(ii)(D)"],
    remediation="Set enabledClusterLogTypes: [api, audit, authenticator, controllerManager, scheduler].",
)
