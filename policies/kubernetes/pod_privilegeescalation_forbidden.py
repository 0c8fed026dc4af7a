"""Pod Security Standards, restricted: "Privilege Escalation" (``allowPrivilegeEscalation: false`` on every
container, init and ephemeral ones included; unset allows it); Windows pods are exempt, as the admission
controller exempts them. CIS Kubernetes 5.2.6, Checkov CKV_K8S_20."""

from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import get, pod_templates


def check(props, config):
    for template in pod_templates(props):
        if template.windows:
            continue
        for c in template.containers():
            if get(c.spec, "securityContext.allowPrivilegeEscalation") is not False:
                yield f"{c.label} does not set allowPrivilegeEscalation: false."


POLICY = resource_policy(
    name="kubernetes-pod-privilegeescalation-forbidden",
    description="Containers cannot escalate privileges.",
    types=TYPES,
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "cis:k8s-5.2.6", "pss:restricted-privilege-escalation", "nist:AC-6"],
    remediation="Set securityContext.allowPrivilegeEscalation: false on every container.",
    enforcement="mandatory",
)
