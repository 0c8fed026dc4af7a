"""HTTPS and TLS listeners negotiate TLS 1.2 or later.

Follows Checkov CKV_AWS_103 ("Ensure that load balancer is using at least TLS 1.2") and AWS Security
Hub ELB.17: an ``HTTPS`` or ``TLS`` listener's ``sslPolicy`` must be one of the TLS 1.2+ predefined
policies - ``ELBSecurityPolicy-TLS-1-2-*``, ``ELBSecurityPolicy-FS-1-2-*`` or
``ELBSecurityPolicy-TLS13-1-2-*`` / ``...-TLS13-1-3-*`` (the TLS 1.3 ones, which Checkov's prefix
test predates). An absent policy is the provider's default, ``ELBSecurityPolicy-2016-08``, which
accepts TLS 1.0. Plain listeners are ``aws-lb-listener-https-required``'s. Advisory.
"""

import re

from policies.meta import resource_policy

CURRENT = re.compile(r"^ELBSecurityPolicy-(TLS-1-2|FS-1-2|TLS13-1-2|TLS13-1-3)(-|$)")
PROVIDER_DEFAULT = "ELBSecurityPolicy-2016-08"


def check(props, config):
    if str(props.get("protocol") or "").upper() not in ("HTTPS", "TLS"):
        return
    policy = str(props.get("sslPolicy") or PROVIDER_DEFAULT)
    if not CURRENT.match(policy):
        yield f"The listener's TLS policy {policy} accepts TLS versions older than 1.2."


POLICY = resource_policy(
    name="aws-lb-listener-tls-current",
    description="HTTPS and TLS listeners use a security policy that requires TLS 1.2 or later.",
    types=["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.7", "hipaa:164.312(e)(2)(ii)", "gdpr:Art.32"],
    remediation="Set sslPolicy to ELBSecurityPolicy-TLS13-1-2-2021-06 (or another TLS 1.2+ policy).",
)
