"""CIS Kubernetes 5.1.6: ServiceAccounts set ``automountServiceAccountToken: false`` (unset mounts the token
into every pod that runs as the account)."""

from policies.meta import resource_policy


def check(props, config):
    if props.get("automountServiceAccountToken") is not False:
        yield "The service account mounts its API token into every pod."


POLICY = resource_policy(
    name="kubernetes-serviceaccount-token-automount-disabled",
    description="Service accounts do not mount API tokens automatically.",
    types=["kubernetes:core/v1:ServiceAccount"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "cis:k8s-5.1.6"],
    remediation="Set automountServiceAccountToken: false; mount a projected token only in pods that call the API.",
)
