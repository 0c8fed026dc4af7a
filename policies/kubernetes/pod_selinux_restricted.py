"""Pod Security Standards, baseline: "SELinux": ``seLinuxOptions.type`` on the pod and every container is
unset or one of container_t, container_init_t, container_kvm_t, container_engine_t, and ``seLinuxOptions.user``
and ``.role`` are unset or empty."""

from policies.kubernetes._pss import SELINUX_TYPES
from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import get, pod_templates


def problems(options) -> list[str]:
    """What a seLinuxOptions object sets that the baseline profile forbids."""
    if options is None:
        return []
    found = []
    selinux_type = options.get("type")
    if selinux_type is not None and selinux_type not in SELINUX_TYPES:
        found.append(f"type {selinux_type}")
    for key in ("user", "role"):
        if options.get(key):
            found.append(f"{key} {options.get(key)}")
    return found


def check(props, config):
    for template in pod_templates(props):
        if template.spec is None:
            continue
        bad = problems(get(template.spec, "securityContext.seLinuxOptions"))
        if bad:
            yield f"{template.subject} sets the SELinux {' and '.join(bad)}."
        for c in template.containers():
            bad = problems(get(c.spec, "securityContext.seLinuxOptions"))
            if bad:
                yield f"{c.label} sets the SELinux {' and '.join(bad)}."


POLICY = resource_policy(
    name="kubernetes-pod-selinux-restricted",
    description="Pods never set a custom SELinux user or role, or a type outside the container types.",
    types=TYPES,
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "pss:baseline-selinux", "nist:SC-39"],
    remediation="Remove seLinuxOptions.user and .role, and set .type only to container_t or another container type.",
    # Baseline control; tenant namespaces enforce the restricted profile, so the API server would refuse it.
    enforcement="mandatory",
)
