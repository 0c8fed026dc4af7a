from collections.abc import Mapping

from components import conventions
from policies.meta import stack_policy
from policies.props import as_list, get, is_world

NAMESPACE = "kubernetes:core/v1:Namespace"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
QUOTA = "kubernetes:core/v1:ResourceQuota"


def _default_deny(spec) -> bool:
    selector = spec.get("podSelector")
    types = {str(t) for t in as_list(spec.get("policyTypes"))}
    empty_selector = (
        isinstance(selector, Mapping) and not get(selector, "matchLabels") and not get(selector, "matchExpressions")
    )
    return (
        empty_selector
        and types >= {"Ingress", "Egress"}
        and not as_list(spec.get("ingress"))
        and not as_list(spec.get("egress"))
    )


def _selects_everything(selector) -> bool:
    return isinstance(selector, Mapping) and not get(selector, "matchLabels") and not get(selector, "matchExpressions")


def _peer_is_everyone(peer) -> bool:
    """A peer that matches every pod of every namespace, or the whole internet."""
    block = peer.get("ipBlock")
    if block is not None:
        return is_world(block.get("cidr")) and not as_list(block.get("except"))
    ns_sel, pod_sel = peer.get("namespaceSelector"), peer.get("podSelector")
    return ns_sel is not None and _selects_everything(ns_sel) and (pod_sel is None or _selects_everything(pod_sel))


def allow_all_rules(spec) -> list[str]:
    """Directions ("ingress"/"egress") with a rule that allows all traffic: no port limit and every peer."""
    found = []
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for rule in as_list(spec.get(direction)):
            if as_list(rule.get("ports")):
                continue
            peers = as_list(rule.get(peers_key))
            if not peers or any(_peer_is_everyone(p) for p in peers):
                found.append(direction)
                break
    return found


def check(resources, config):
    tenants = {}
    for r in resources:
        if r.resource_type == NAMESPACE and conventions.LABEL_TENANT in (get(r.props, "metadata.labels", {}) or {}):
            tenants[get(r.props, "metadata.name")] = r
    denied, quotas = set(), set()
    for r in resources:
        ns = get(r.props, "metadata.namespace")
        if r.resource_type == NETWORK_POLICY:
            spec = r.props.get("spec") or {}
            if _default_deny(spec):
                denied.add(ns)
            elif ns in tenants:
                for direction in allow_all_rules(spec):
                    yield (
                        (
                            f"NetworkPolicy {get(r.props, 'metadata.name') or r.name} in tenant namespace {ns} "
                            f"allows all {direction} traffic, undoing the default deny."
                        ),
                        r,
                    )
        elif r.resource_type == QUOTA:
            quotas.add(ns)
    for name, ns in sorted(tenants.items()):
        if name not in denied:
            yield (
                f"Tenant namespace {name} has no default-deny NetworkPolicy "
                "(empty podSelector, Ingress and Egress, no rules).",
                ns,
            )
        if name not in quotas:
            yield f"Tenant namespace {name} has no ResourceQuota.", ns


POLICY = stack_policy(
    name="stack-tenant-namespace-isolated",
    description=(
        "Every tenant namespace has a default-deny NetworkPolicy, no NetworkPolicy that allows all traffic, "
        "and a ResourceQuota."
    ),
    check=check,
    reads=[NAMESPACE, NETWORK_POLICY, QUOTA],
    severity="critical",
    frameworks=[
        "soc2:CC6.1",
        "soc2:CC6.6",
        "hipaa:164.312(a)(1)",
        "gdpr:Art.25",
        "cis:k8s-5.3.2",
        "cis:k8s-5.7.1",
        "nist:SC-7",
        "iso27001:A.8.22",
    ],
    remediation=(
        "Create the namespace through Plinth's Tenant component, or add a NetworkPolicy {podSelector: {}, "
        "policyTypes: [Ingress, Egress]} and a ResourceQuota."
    ),
    enforcement="mandatory",
    never_waive=True,
)
