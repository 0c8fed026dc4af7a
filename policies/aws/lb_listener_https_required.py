"""Load balancer listeners serve HTTPS (or TLS), or redirect plain HTTP to HTTPS.

Follows Checkov CKV_AWS_2 ("Ensure ALB protocol is HTTPS") and AWS Security Hub ELB.1 ("Application
Load Balancer should be configured to redirect all HTTP requests to HTTPS"): a listener whose
``protocol`` is ``HTTP`` passes only when its default action is a redirect to ``HTTPS``; HTTPS, TLS,
TCP, UDP, TCP_UDP, QUIC and GENEVE pass. An absent protocol is the provider's default for
application load balancers, HTTP. Advisory: internal listeners behind TLS-terminating proxies
exist; suppress them with that reason.
"""

from policies.meta import resource_policy
from policies.props import as_list, get


def redirects_to_https(props) -> bool:
    return any(
        get(action, "type") == "redirect" and str(get(action, "redirect.protocol") or "").upper() == "HTTPS"
        for action in as_list(props.get("defaultActions"))
    )


def check(props, config):
    protocol = str(props.get("protocol") or "HTTP").upper()
    if protocol == "HTTP" and not redirects_to_https(props):
        yield "The listener serves plain HTTP and does not redirect to HTTPS."


POLICY = resource_policy(
    name="aws-lb-listener-https-required",
    description="Load balancer listeners use HTTPS or TLS, or redirect HTTP to HTTPS.",
    types=["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.7", "hipaa:164.312(e)(1)", "hipaa:164.312(e)(2)(ii)", "gdpr:Art.32"],
    remediation=(
        "Use protocol HTTPS with a certificate, and make the port-80 listener's default action "
        "{type: redirect, redirect: {protocol: HTTPS, port: '443', statusCode: HTTP_301}}."
    ),
)
