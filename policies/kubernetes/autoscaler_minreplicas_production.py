"""An autoscaler of a premium or enterprise workload keeps at least two pods: with one, every node drain, upgrade or
eviction is an outage (Kubernetes, "Specifying a Disruption Budget for your Application": a single-replica
workload cannot stay available through voluntary disruptions), and a canary of one pod replaces the only one
serving. Covers ``autoscaling`` HorizontalPodAutoscalers (``minReplicas`` defaults to 1) and KEDA ScaledObjects
(``minReplicaCount`` defaults to 0: scale to zero).

Mandatory: the production tiers are sold with availability commitments (SOC 2 A1.1, capacity to meet them), and
nothing else in the stack makes up for a single pod. Other tiers may scale down to one (or zero) to save money.
"""

from components import conventions
from policies.meta import resource_policy
from policies.props import get, tier_of

HPA_TYPES = [f"kubernetes:autoscaling/{v}:HorizontalPodAutoscaler" for v in ("v1", "v2", "v2beta1", "v2beta2")]
SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject"
MIN_REPLICAS = 2


def check(props, config):
    tier = tier_of(props)
    if tier not in conventions.PRODUCTION_TIERS:
        return
    spec = get(props, "spec") or {}
    if "minReplicaCount" in spec or "triggers" in spec:
        minimum, key = get(spec, "minReplicaCount", 0), "minReplicaCount"
    else:
        minimum, key = get(spec, "minReplicas", 1), "minReplicas"
    if int(minimum) < MIN_REPLICAS:
        yield f"The {tier} tier's autoscaler may scale to {int(minimum)} pod(s) ({key}); production keeps at least 2."


POLICY = resource_policy(
    name="kubernetes-autoscaler-minreplicas-production",
    description="Autoscalers of premium and enterprise workloads keep at least two pods.",
    types=[*HPA_TYPES, SCALED_OBJECT],
    check=check,
    severity="medium",
    frameworks=["soc2:A1.1"],
    remediation="Set autoscaling.hpa.minReplicas (or keda.minReplicas) to 2 or more.",
    enforcement="mandatory",
)
