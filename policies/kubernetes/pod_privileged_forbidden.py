from policies.base import resource_policy
from policies.kubernetes._workloads import TYPES
from policies.props import containers, get, pod_template


def check(props, config):
    _meta, spec = pod_template(props)
    if spec is None:
        return
    for c in containers(spec):
        if get(c, "securityContext.privileged") is True:
            yield f"Container {c.get('name')} runs privileged."


POLICY = resource_policy(
    name="kubernetes-pod-privileged-forbidden",
    description="Containers never run privileged.",
    pack="security",
    types=TYPES,
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.8", "cis:k8s-5.2.2"],
    remediation="Remove securityContext.privileged or set it to false.",
    enforcement="mandatory",
    never_waive=True,
)
