"""Pod Security Standards, baseline: "Privileged Containers" (``securityContext.privileged`` false or unset on
every container, init and ephemeral ones included) and "HostProcess" (Windows ``windowsOptions.hostProcess``
false or unset on the pod and every container); CIS Kubernetes 5.2.2 and 5.2.11, Checkov CKV_K8S_16."""

from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import get, pod_templates


def check(props, config):
    for template in pod_templates(props):
        if get(template.spec, "securityContext.windowsOptions.hostProcess") is True:
            yield f"{template.subject} runs as a Windows HostProcess pod (windowsOptions.hostProcess: true)."
        for c in template.containers():
            if get(c.spec, "securityContext.privileged") is True:
                yield f"{c.label} runs privileged."
            if get(c.spec, "securityContext.windowsOptions.hostProcess") is True:
                yield f"{c.label} runs as a Windows HostProcess container (windowsOptions.hostProcess: true)."


POLICY = resource_policy(
    name="kubernetes-pod-privileged-forbidden",
    description="Containers never run privileged or as Windows HostProcess containers.",
    types=TYPES,
    check=check,
    severity="critical",
    frameworks=[
        "soc2:CC6.1",
        "cis:k8s-5.2.2",
        "cis:k8s-5.2.11",
        "pss:baseline-privileged",
        "pss:baseline-hostprocess",
        "nist:AC-6",
        "iso27001:A.8.2",
    ],
    remediation=(
        "Remove securityContext.privileged (or set it to false) and windowsOptions.hostProcess from the pod "
        "and every container."
    ),
    enforcement="mandatory",
    never_waive=True,
)
