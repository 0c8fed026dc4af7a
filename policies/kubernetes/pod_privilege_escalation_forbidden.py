from policies.base import resource_policy
from policies.kubernetes._workloads import TYPES
from policies.props import containers, get, pod_template


def check(props, config):
    _meta, spec = pod_template(props)
    if spec is None:
        return
    for c in containers(spec):
        if get(c, "securityContext.allowPrivilegeEscalation") is not False:
            yield f"Container {c.get('name')} does not set allowPrivilegeEscalation: false."


POLICY = resource_policy(
    name="kubernetes-pod-privilegeescalation-forbidden",
    description="Containers cannot escalate privileges.",
    pack="security",
    types=TYPES,
    check=check,
    severity="high",
    frameworks=["soc2:CC6.8", "cis:k8s-5.2.6"],
    remediation="Set securityContext.allowPrivilegeEscalation: false on every container.",
    enforcement="mandatory",
)
