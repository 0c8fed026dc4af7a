from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import as_list, get, pod_containers


def check(props, config):
    for c in pod_containers(props):
        added = [
            str(x) for x in as_list(get(c.spec, "securityContext.capabilities.add")) if str(x) != "NET_BIND_SERVICE"
        ]
        if added:
            yield f"{c.label} adds capabilities {', '.join(added)}."
        if "ALL" not in [str(x) for x in as_list(get(c.spec, "securityContext.capabilities.drop"))]:
            yield f"{c.label} does not drop ALL capabilities."


POLICY = resource_policy(
    name="kubernetes-pod-capabilities-restricted",
    description="Containers drop all capabilities and add none beyond NET_BIND_SERVICE.",
    types=TYPES,
    check=check,
    severity="high",
    frameworks=["soc2:CC6.8", "cis:k8s-5.2.9"],
    remediation="Set securityContext.capabilities: {drop: [ALL]} and add only NET_BIND_SERVICE when needed.",
    enforcement="mandatory",
)
