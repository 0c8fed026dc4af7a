from policies.base import resource_policy
from policies.kubernetes._workloads import TYPES
from policies.props import as_list, containers, get, pod_template


def check(props, config):
    _meta, spec = pod_template(props)
    if spec is None:
        return
    for c in containers(spec):
        added = [str(x) for x in as_list(get(c, "securityContext.capabilities.add")) if str(x) != "NET_BIND_SERVICE"]
        if added:
            yield f"Container {c.get('name')} adds capabilities {', '.join(added)}."
        if "ALL" not in [str(x) for x in as_list(get(c, "securityContext.capabilities.drop"))]:
            yield f"Container {c.get('name')} does not drop ALL capabilities."


POLICY = resource_policy(
    name="kubernetes-pod-capabilities-restricted",
    description="Containers drop all capabilities and add none beyond NET_BIND_SERVICE.",
    pack="security",
    types=TYPES,
    check=check,
    severity="high",
    frameworks=["soc2:CC6.8", "cis:k8s-5.2.9"],
    remediation="Set securityContext.capabilities: {drop: [ALL]} and add only NET_BIND_SERVICE when needed.",
    enforcement="mandatory",
)
