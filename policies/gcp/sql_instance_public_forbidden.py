"""Cloud SQL instances have no public IP address and never authorize 0.0.0.0/0.

Follows CIS GCP Foundations v3.0 6.5 (Cloud SQL instances do not implicitly whitelist all public IP addresses) and
6.6 (Cloud SQL instances do not have public IPs), Checkov CKV_GCP_11 and CKV_GCP_60, Prowler
cloudsql_instance_public_access and cloudsql_instance_public_ip. ``settings.ipConfiguration.ipv4Enabled`` defaults
to true in the provider, so an instance that does not set it to false has a public address - with or without a
private network beside it. Mandatory: a database reachable from the internet is exposure.
"""

from policies.meta import resource_policy
from policies.props import as_list, get, is_world


def check(props, config):
    for network in as_list(get(props, "settings.ipConfiguration.authorizedNetworks")):
        if is_world(network.get("value")):
            label = network.get("name") or network.get("value")
            yield f"Authorized network {label} opens the database to the internet."
    if get(props, "settings.ipConfiguration.ipv4Enabled", True) is not False:
        yield "The instance has a public IPv4 address (ipv4Enabled is not false)."


POLICY = resource_policy(
    name="gcp-sql-instance-public-forbidden",
    description="Cloud SQL instances are reachable only through private networking.",
    types=["gcp:sql/databaseInstance:DatabaseInstance"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "hipaa:164.312(e)(1)", "cis:gcp-6.5", "cis:gcp-6.6"],
    remediation="Set ipv4Enabled: false with privateNetwork, and remove 0.0.0.0/0 from authorizedNetworks.",
    enforcement="mandatory",
)
