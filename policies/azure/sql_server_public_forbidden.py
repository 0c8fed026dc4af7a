from policies.meta import resource_policy


def check(props, config):
    if props.get("publicNetworkAccess") != "Disabled":
        yield "The SQL server accepts connections from public networks."
    if props.get("minimalTlsVersion") not in ("1.2", "1.3"):
        yield f"Minimal TLS version is {props.get('minimalTlsVersion')!r}; 1.2 or newer is required."


POLICY = resource_policy(
    name="azure-sql-server-public-forbidden",
    description="Azure SQL servers are reachable only privately and with TLS 1.2 or newer.",
    types=["azure-native:sql:Server"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "hipaa:164.312(e)(1)", "cis:azure-4.1.2"],
    remediation="Set publicNetworkAccess: Disabled with a private endpoint, and minimalTlsVersion: '1.2'.",
    enforcement="mandatory",
)
