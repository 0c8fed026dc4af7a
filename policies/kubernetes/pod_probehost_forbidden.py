"""Pod Security Standards, baseline: "Host Probes / Lifecycle Hooks" (Kubernetes 1.34): the ``host`` of every
httpGet and tcpSocket handler in a container's liveness, readiness and startup probes and its postStart and
preStop hooks is unset or empty, so the kubelet only ever connects to the pod itself. Ephemeral containers
are skipped: the API refuses probes and lifecycle hooks on them."""

from policies.kubernetes._pss import HOST_HANDLERS, LIFECYCLE_HOOKS, PROBES
from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import get, pod_containers


def check(props, config):
    for c in pod_containers(props):
        if c.ephemeral:
            continue
        places = [(probe, c.spec.get(probe)) for probe in PROBES]
        places += [(f"lifecycle.{hook}", get(c.spec, f"lifecycle.{hook}")) for hook in LIFECYCLE_HOOKS]
        for where, handler in places:
            if handler is None:
                continue
            for kind in HOST_HANDLERS:
                host = get(handler, f"{kind}.host")
                if host:
                    yield f"{c.label} points its {where} {kind} at host {host}."


POLICY = resource_policy(
    name="kubernetes-pod-probehost-forbidden",
    description="Probes and lifecycle hooks only ever connect to the pod itself.",
    types=TYPES,
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.6", "pss:baseline-host-probes", "nist:SC-7"],
    remediation="Remove host from the probes' and lifecycle hooks' httpGet and tcpSocket handlers.",
    # Baseline control; tenant namespaces enforce the restricted profile, so the API server would refuse it.
    enforcement="mandatory",
)
