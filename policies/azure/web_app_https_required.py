"""App Service apps serve HTTPS only, with TLS 1.2 or newer.

Follows CIS Azure Foundations v2.1 9.2 (web app redirects all HTTP traffic to HTTPS) and 9.3 (web app uses the latest
version of TLS encryption), Checkov CKV_AZURE_14/CKV_AZURE_70 (HTTPS only, web and function apps) and CKV_AZURE_15
(latest TLS), Prowler app_ensure_http_is_redirected_to_https and app_minimum_tls_version_12. ``httpsOnly`` defaults to
false; ``siteConfig.minTlsVersion`` defaults to 1.2 (only 1.0/1.1 fail). Web apps, function apps (same resource) and
slots. Mandatory: sessions and credentials otherwise cross the network in the clear.
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if props.get("httpsOnly") is not True:
        yield "The app also serves plain HTTP (httpsOnly is not true)."
    tls = get(props, "siteConfig.minTlsVersion")
    if tls in ("1.0", "1.1"):
        yield f"The app accepts TLS {tls}; require 1.2 or newer."


POLICY = resource_policy(
    name="azure-web-app-https-required",
    description="App Service apps serve HTTPS only with TLS 1.2 or newer.",
    types=["azure-native:web:WebApp", "azure-native:web:WebAppSlot"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.7", "hipaa:164.312(e)(1)", "cis:azure-9.2", "cis:azure-9.3"],
    remediation='Set httpsOnly: true and siteConfig.minTlsVersion: "1.2".',
    enforcement="mandatory",
)
