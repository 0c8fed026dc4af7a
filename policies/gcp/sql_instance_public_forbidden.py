from policies.meta import resource_policy
from policies.props import as_list, get, is_world


def check(props, config):
    for network in as_list(get(props, "settings.ipConfiguration.authorizedNetworks")):
        if is_world(network.get("value")):
            label = network.get("name") or network.get("value")
            yield f"Authorized network {label} opens the database to the internet."
    if (
        props.get("settings") is not None
        and get(props, "settings.ipConfiguration.ipv4Enabled", True)
        and not get(props, "settings.ipConfiguration.privateNetwork")
    ):
        yield "The instance has a public IPv4 address and no private network."


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
