from policies.base import resource_policy
from policies.kubernetes._workloads import TYPES
from policies.props import containers, get, pod_template


def check(props, config):
    _meta, spec = pod_template(props)
    if spec is None:
        return
    pod_level = get(spec, "securityContext.runAsNonRoot")
    for c in containers(spec):
        own = get(c, "securityContext.runAsNonRoot")
        user = get(c, "securityContext.runAsUser", get(spec, "securityContext.runAsUser"))
        if (own if own is not None else pod_level) is not True or user == 0:
            yield f"Container {c.get('name')} may run as root."


POLICY = resource_policy(
    name="kubernetes-pod-runasnonroot-required",
    description="Containers run as a non-root user.",
    pack="security",
    types=TYPES,
    check=check,
    severity="high",
    frameworks=["soc2:CC6.8", "cis:k8s-5.2.7"],
    remediation="Set securityContext.runAsNonRoot: true (pod or container) and a non-zero runAsUser.",
    enforcement="mandatory",
)
