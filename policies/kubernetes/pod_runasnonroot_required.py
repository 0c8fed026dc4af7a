"""Pod Security Standards, restricted: "Running as Non-root" (runAsNonRoot: true at pod level or on every
container, never false) and "Running as Non-root user" (runAsUser is never 0, at pod or container level);
CIS Kubernetes 5.2.7, Checkov CKV_K8S_23. Pods in their own user namespace (``hostUsers: false``) are
exempt, as the admission controller exempts them since Kubernetes 1.34: root in the pod is not root on the
node."""

from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import get, pod_templates


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


def _check_template(template):
    pod_non_root = get(template.spec, "securityContext.runAsNonRoot")
    pod_user = get(template.spec, "securityContext.runAsUser")
    inherits_non_root = inherits_user = False
    for c in template.containers():
        own_non_root = get(c.spec, "securityContext.runAsNonRoot")
        own_user = get(c.spec, "securityContext.runAsUser")
        inherits_non_root |= own_non_root is None
        inherits_user |= own_user is None
        problem = verdict(
            own_non_root if own_non_root is not None else pod_non_root, own_user if own_user is not None else pod_user
        )
        if problem:
            yield f"{c.label} {problem}."
    # A pod-level value every container overrides is still refused by the admission controller.
    if pod_non_root is False and not inherits_non_root:
        yield f"{template.subject} sets runAsNonRoot: false."
    if pod_user == 0 and not inherits_user:
        yield f"{template.subject} sets runAsUser: 0."


def check(props, config):
    for template in pod_templates(props):
        if template.spec is None or template.user_namespace:
            continue
        yield from _check_template(template)


POLICY = resource_policy(
    name="kubernetes-pod-runasnonroot-required",
    description="Containers run as a non-root user.",
    types=TYPES,
    check=check,
    severity="high",
    frameworks=[
        "soc2:CC6.1",
        "cis:k8s-5.2.7",
        "pss:restricted-non-root",
        "pss:restricted-non-root-user",
        "nist:AC-6",
    ],
    remediation="Set securityContext.runAsNonRoot: true (pod or container) and a non-zero runAsUser.",
    enforcement="mandatory",
)
