"""Pod Security Standards, baseline: "/proc Mount Type" (``securityContext.procMount`` unset or Default on
every container, init and ephemeral ones included, so the kernel paths under /proc stay masked). Pods in
their own user namespace (``hostUsers: false``) may unmask /proc, as the admission controller allows since
Kubernetes 1.34."""

from policies.kubernetes._pss import PROC_MOUNT_DEFAULT
from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import get, pod_templates


def check(props, config):
    for template in pod_templates(props):
        if template.spec is None or template.user_namespace:
            continue
        for c in template.containers():
            mount = get(c.spec, "securityContext.procMount")
            if mount is not None and mount != PROC_MOUNT_DEFAULT:
                yield f"{c.label} sets procMount: {mount}, which unmasks /proc."


POLICY = resource_policy(
    name="kubernetes-pod-procmount-restricted",
    description="Containers keep the default masked /proc mount.",
    types=TYPES,
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "pss:baseline-proc-mount", "nist:SC-39"],
    remediation="Remove securityContext.procMount (or set it to Default), or run the pod with hostUsers: false.",
    # Baseline control; tenant namespaces enforce the restricted profile, so the API server would refuse it.
    enforcement="mandatory",
)
