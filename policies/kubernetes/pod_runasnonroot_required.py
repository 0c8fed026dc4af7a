"""Pod Security Standards, restricted profile: "Running as Non-root" (runAsNonRoot: true at pod or
container level) and "Running as Non-root user" (runAsUser is never 0); CIS Kubernetes 5.2.7."""

from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import get, pod_containers, pod_template


def verdict(non_root, user) -> str | None:
    """What is wrong with a container's effective runAsNonRoot and runAsUser, or None."""
    if user == 0:
        if non_root is True:
            return "sets runAsNonRoot: true with runAsUser: 0, so the kubelet refuses to start it"
        return "runs as root (runAsUser: 0)"
    if non_root is True:
        return None
    stated = "sets runAsNonRoot: false" if non_root is False else "does not set runAsNonRoot: true"
    if user is None:
        return f"may run as root: it {stated} and sets no runAsUser, so the image's user decides"
    return (
        f"runs as UID {user:g} but {stated}, which the restricted Pod Security Standard requires "
        "so that the kubelet refuses a root user"
    )


def check(props, config):
    _meta, spec = pod_template(props)
    if spec is None:
        return
    pod_non_root = get(spec, "securityContext.runAsNonRoot")
    pod_user = get(spec, "securityContext.runAsUser")
    for c in pod_containers(props):
        own = get(c.spec, "securityContext.runAsNonRoot")
        user = get(c.spec, "securityContext.runAsUser", pod_user)
        problem = verdict(own if own is not None else pod_non_root, user)
        if problem:
            yield f"{c.label} {problem}."


POLICY = resource_policy(
    name="kubernetes-pod-runasnonroot-required",
    description="Containers run as a non-root user.",
    types=TYPES,
    check=check,
    severity="high",
    frameworks=["soc2:CC6.8", "cis:k8s-5.2.7"],
    remediation="Set securityContext.runAsNonRoot: true (pod or container) and a non-zero runAsUser.",
    enforcement="mandatory",
)
