"""Pod Security Standards, restricted: "Capabilities" (every container drops ALL and adds back at most
NET_BIND_SERVICE), which includes baseline's "Capabilities" (nothing added beyond the runtime's default set);
Windows pods are exempt, as the admission controller exempts them. CIS Kubernetes 5.2.8 (NET_RAW, dropped
with ALL), 5.2.9 and 5.2.10; Checkov CKV_K8S_25, CKV_K8S_28, CKV_K8S_37, CKV_K8S_39."""

from policies.kubernetes._pss import BASELINE_CAPABILITIES, RESTRICTED_CAPABILITIES
from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import as_list, get, pod_templates


def check(props, config):
    for template in pod_templates(props):
        if template.windows:
            continue
        for c in template.containers():
            added = [str(x) for x in as_list(get(c.spec, "securityContext.capabilities.add"))]
            beyond = [x for x in added if x not in BASELINE_CAPABILITIES]
            extra = [x for x in added if x in BASELINE_CAPABILITIES and x not in RESTRICTED_CAPABILITIES]
            if beyond:
                yield f"{c.label} adds capabilities {', '.join(beyond)}, beyond the runtime's default set."
            if extra:
                yield f"{c.label} adds capabilities {', '.join(extra)}; only NET_BIND_SERVICE may be added back."
            if "ALL" not in [str(x) for x in as_list(get(c.spec, "securityContext.capabilities.drop"))]:
                yield f"{c.label} does not drop ALL capabilities."


POLICY = resource_policy(
    name="kubernetes-pod-capabilities-restricted",
    description="Containers drop all capabilities and add none beyond NET_BIND_SERVICE.",
    types=TYPES,
    check=check,
    severity="high",
    frameworks=[
        "soc2:CC6.1",
        "cis:k8s-5.2.8",
        "cis:k8s-5.2.9",
        "cis:k8s-5.2.10",
        "pss:baseline-capabilities",
        "pss:restricted-capabilities",
        "nist:AC-6",
    ],
    remediation="Set securityContext.capabilities: {drop: [ALL]} and add only NET_BIND_SERVICE when needed.",
    enforcement="mandatory",
)
