"""Credentials are not written in plaintext into a container's environment (PCI DSS 4.0 8.6.2, NIST 800-53
IA-5(7)): an ``env[*].value`` literal that has the shape of a known credential, or that a secret-named
variable holds literally, is in the manifest, the stack's state and every ``kubectl get`` of the workload
(policies/credentials.py decides; values are never echoed). References (``valueFrom``) are fine here; the
CIS advice to prefer Secret files over Secret environment variables is kubernetes-pod-secretenvvars-avoided's."""

from policies.credentials import credential_kinds
from policies.kubernetes._workloads import TYPES
from policies.meta import resource_policy
from policies.props import as_list, pod_containers


def check(props, config):
    for c in pod_containers(props):
        for var in as_list(c.spec.get("env")):
            value = var.get("value")
            if not isinstance(value, str):
                continue
            for kind in credential_kinds(value, str(var.get("name") or "")):
                yield f"{c.label} sets environment variable {var.get('name')} to a plaintext credential: {kind}."


POLICY = resource_policy(
    name="kubernetes-pod-envcredentials-forbidden",
    description="Containers never carry plaintext credentials in their environment variables.",
    types=TYPES,
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "nist:IA-5(7)", "iso27001:A.5.17", "pci:8.6.2"],
    remediation=(
        "Move the value into a Secret (or a secret store through the CSI driver or External Secrets) and reference "
        "it with valueFrom.secretKeyRef, or better mount it as a file; rotate the exposed credential."
    ),
)
