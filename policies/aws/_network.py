"""Reading AWS network rules: which ingress rules face the whole internet, and on which ports.

Shared by the security-group and network-ACL policies so every shape reads the same: inline rules
of ``ec2.SecurityGroup`` / ``ec2.DefaultSecurityGroup``, standalone ``ec2.SecurityGroupRule``
(``type: ingress``), ``vpc.SecurityGroupIngressRule`` (one CIDR per rule, ``ipProtocol``), and
network ACLs with inline rules or standalone ``ec2.NetworkAclRule``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Iterable

from policies.props import as_list, is_world, port_ranges_overlap

ALL_PROTOCOLS = ("-1", "all")
#: ICMP has types and codes, not ports.
ICMP = ("icmp", "icmpv6", "1", "58")
FULL_RANGE = (0, 65535)
SG_CIDR_KEYS = ("cidrBlocks", "ipv6CidrBlocks", "cidrIpv4", "cidrIpv6")


def security_group_ingress(props: Any) -> list[Any]:
    """The ingress rules a security-group resource holds: a group's inline list, or the rule itself.

    A group (``ingress``/``egress`` lists) gives its ingress list; a ``SecurityGroupRule`` of type
    ingress or a ``vpc.SecurityGroupIngressRule`` (which has no ``type``) is one rule; an egress
    rule gives none.
    """
    if "ingress" in props or "egress" in props:
        return as_list(props.get("ingress"))
    if props.get("type", "ingress") == "ingress":
        return [props]
    return []


def port_range(
    rule: Mapping[str, Any], protocol_keys: Iterable[str] = ("protocol", "ipProtocol")
) -> tuple[int, int] | None:
    """The ports a rule opens (all of them for protocol -1), or None for ICMP."""
    protocol = next((str(rule.get(k)) for k in protocol_keys if rule.get(k) is not None), "tcp").lower()
    if protocol in ICMP:
        return None
    if protocol in ALL_PROTOCOLS:
        return FULL_RANGE
    low, high = rule.get("fromPort"), rule.get("toPort")
    return (0 if low is None else int(low), 65535 if high is None else int(high))


def world_range(rule: Mapping[str, Any], cidr_keys: Iterable[str] = SG_CIDR_KEYS) -> tuple[int, int] | None:
    """The port range a rule opens to 0.0.0.0/0 or ::/0, or None when its sources are narrower (or ICMP)."""
    if not any(is_world(c) for key in cidr_keys for c in as_list(rule.get(key))):
        return None
    return port_range(rule)


def world_ranges(props: Any) -> list[tuple[int, int]]:
    """Every port range a security-group resource opens to the whole internet."""
    return [r for rule in security_group_ingress(props) if (r := world_range(rule)) is not None]


def _nacl_rule_number(rule: Mapping[str, Any]) -> float:
    number = rule.get("ruleNo")
    return float(number) if number is not None else float("inf")


def nacl_exposed_ports(props: Any, ports: Iterable[int]) -> list[int]:
    """Ports of ``ports`` that a network ACL resource lets in from the whole internet.

    A ``NetworkAcl`` evaluates its inline ingress rules in rule-number order: a port is exposed when
    the first world-facing rule that matches it allows it. A standalone ``NetworkAclRule`` is judged
    on its own (its siblings are other resources).
    """
    ports = [int(p) for p in ports]  # config arrives as JSON numbers (floats)
    if "ruleAction" not in props and "ruleNumber" not in props:  # a NetworkAcl with inline rules
        rules = sorted(as_list(props.get("ingress")), key=_nacl_rule_number)
        exposed = []
        for port in ports:
            for rule in rules:
                span = world_range(rule, ("cidrBlock", "ipv6CidrBlock"))
                if span is not None and span[0] <= port <= span[1]:
                    if str(rule.get("action", "")).lower() == "allow":
                        exposed.append(port)
                    break
        return exposed
    if props.get("egress") is True or str(props.get("ruleAction", "")).lower() != "allow":
        return []
    span = world_range(props, ("cidrBlock", "ipv6CidrBlock"))
    return port_ranges_overlap(*span, ports) if span else []
