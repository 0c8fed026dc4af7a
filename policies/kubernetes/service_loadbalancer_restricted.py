"""A LoadBalancer Service restricts ``spec.loadBalancerSourceRanges`` to known CIDRs (unset or 0.0.0.0/0 and
::/0 publish it to the internet)."""

from policies.meta import resource_policy
from policies.props import as_list, get, is_world


def check(props, config):
    if get(props, "spec.type") != "LoadBalancer":
        return
    ranges = as_list(get(props, "spec.loadBalancerSourceRanges"))
    if not ranges or any(is_world(r) for r in ranges):
        yield "The LoadBalancer Service accepts traffic from anywhere."


POLICY = resource_policy(
    name="kubernetes-service-loadbalancer-restricted",
    description="LoadBalancer Services restrict their source ranges.",
    types=["kubernetes:core/v1:Service"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6"],
    remediation="Set spec.loadBalancerSourceRanges to known CIDRs, or publish through the ingress controller.",
)
