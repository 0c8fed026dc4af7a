"""Pod Security Standards, baseline: "Sysctls" (``spec.securityContext.sysctls[*].name`` only from the safe,
namespaced set: kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start,
net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, net.ipv4.ip_local_reserved_ports and the TCP keepalive
and fin-timeout ones)."""

from policies.kubernetes._pss import SAFE_SYSCTLS
from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import as_list, get, pod_templates


def check(props, config):
    for template in pod_templates(props):
        if template.spec is None:
            continue
        unsafe = [
            str(s.get("name"))
            for s in as_list(get(template.spec, "securityContext.sysctls"))
            if s.get("name") not in SAFE_SYSCTLS
        ]
        if unsafe:
            yield f"{template.subject} sets the unsafe sysctls {', '.join(unsafe)}."


POLICY = resource_policy(
    name="kubernetes-pod-sysctls-restricted",
    description="Pods set only the sysctls that are namespaced and safe.",
    types=TYPES,
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "pss:baseline-sysctls", "nist:SC-39"],
    remediation="Remove the sysctls outside the safe set from spec.securityContext.sysctls; tune the node instead.",
    # Baseline control; tenant namespaces enforce the restricted profile, so the API server would refuse it.
    enforcement="mandatory",
)
