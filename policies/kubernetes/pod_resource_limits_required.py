from policies.base import resource_policy
from policies.kubernetes._workloads import TYPES
from policies.props import containers, get, pod_template


def check(props, config):
    _meta, spec = pod_template(props)
    if spec is None:
        return
    for c in containers(spec):
        limits = get(c, "resources.limits", {})
        missing = [k for k in ("cpu", "memory") if k not in limits]
        if missing:
            yield f"Container {c.get('name')} has no {' or '.join(missing)} limit."


POLICY = resource_policy(
    name="kubernetes-pod-resourcelimits-required",
    description="Containers declare CPU and memory limits.",
    pack="security",
    types=TYPES,
    check=check,
    severity="medium",
    frameworks=["soc2:A1.2"],
    remediation="Set resources.limits.cpu and resources.limits.memory on every container.",
    enforcement="advisory",
)
