"""Azure Cache for Redis accepts only TLS 1.2 connections.

Follows Checkov CKV_AZURE_91 (only SSL are enabled for Cache for Redis) and CKV_AZURE_148 (Redis Cache is using the
latest version of TLS encryption): ``enableNonSslPort`` defaults to false (true opens plaintext port 6379);
``minimumTlsVersion`` defaults to 1.2 for caches created today (only 1.0 or 1.1 fails). Mandatory: cache contents and
access keys cross the network.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("enableNonSslPort") is True:
        yield "The cache accepts plaintext connections on port 6379 (enableNonSslPort: true)."
    if props.get("minimumTlsVersion") in ("1.0", "1.1"):
        yield f"The cache accepts TLS {props.get('minimumTlsVersion')}; require 1.2."


POLICY = resource_policy(
    name="azure-redis-cache-tls-required",
    description="Azure Cache for Redis accepts only TLS 1.2 connections.",
    types=["azure-native:redis:Redis"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.7", "hipaa:164.312(e)(1)"],
    remediation='Set enableNonSslPort: false and minimumTlsVersion: "1.2".',
    enforcement="mandatory",
)
