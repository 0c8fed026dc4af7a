"""Encryption in transit for Kubernetes Ingress: every Ingress has a ``spec.tls`` entry, and every host its
rules serve is covered by one (a host a TLS entry does not list, or match with a ``*.`` wildcard, is served
over plain HTTP; a TLS entry without hosts covers the controller's default host)."""

from policies.kubernetes._workloads import sdk_types
from policies.meta import resource_policy
from policies.props import as_list, get


def _covered(host: str, tls_hosts: list[str]) -> bool:
    for pattern in tls_hosts:
        if pattern == host:
            return True
        if pattern.startswith("*.") and host.count(".") == pattern.count(".") and host.endswith(pattern[1:]):
            return True
    return False


def check(props, config):
    name = get(props, "metadata.name") or "(unnamed)"
    tls = as_list(get(props, "spec.tls"))
    if not tls:
        yield f"Ingress {name} has no tls section, so it serves plain HTTP."
        return
    if any(not as_list(entry.get("hosts")) for entry in tls):
        return  # an entry without hosts covers the default host, whatever it is
    tls_hosts = [str(h) for entry in tls for h in as_list(entry.get("hosts"))]
    for rule in as_list(get(props, "spec.rules")):
        host = rule.get("host")
        if host and not _covered(str(host), tls_hosts):
            yield f"Ingress {name} serves host {host} without TLS: no tls entry lists it."


POLICY = resource_policy(
    name="kubernetes-ingress-tls-required",
    description="Ingresses terminate TLS for every host they serve.",
    types=sdk_types("Ingress"),
    check=check,
    severity="high",
    frameworks=[
        "soc2:CC6.7",
        "hipaa:164.312(e)(1)",
        "hipaa:164.312(e)(2)(ii)",
        "gdpr:Art.32",
        "nist:SC-8",
        "iso27001:A.8.24",
        "pci:4.2.1",
    ],
    remediation="Add spec.tls with the Ingress's hosts and a certificate Secret (cert-manager can issue one).",
)
