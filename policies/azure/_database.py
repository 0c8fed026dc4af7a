"""Azure database resources as the policies read them: where each kind keeps its network and TLS settings.

Flexible servers (PostgreSQL, MySQL: ``dbforpostgresql:Server``, ``dbformysql:Server``) keep network settings under
``network`` and transport settings in server parameters (Configuration resources); single servers and MariaDB keep
``publicNetworkAccess``, ``sslEnforcement`` and ``minimalTlsVersion`` under ``properties``; Cosmos DB and Redis keep
them at the top level. Firewall rules of every kind state ``startIpAddress``/``endIpAddress``.
"""

FLEXIBLE_SERVERS = ("azure-native:dbforpostgresql:Server", "azure-native:dbformysql:Server")
SINGLE_SERVERS = (
    "azure-native:dbforpostgresql:SingleServer",
    "azure-native:dbformysql:SingleServer",
    "azure-native:dbformariadb:Server",
)
FIREWALL_RULES = (
    "azure-native:sql:FirewallRule",
    "azure-native:dbforpostgresql:FirewallRule",
    "azure-native:dbforpostgresql:SingleServerFirewallRule",
    "azure-native:dbformysql:FirewallRule",
    "azure-native:dbformysql:SingleServerFirewallRule",
    "azure-native:dbformariadb:FirewallRule",
    "azure-native:redis:FirewallRule",
    "azure-native:redis:RedisFirewallRule",
    "azure-native:cosmosdb:MongoClusterFirewallRule",
    "azure-native:synapse:IpFirewallRule",
)
#: The range Azure reads as "allow access to Azure services" (every Azure-hosted address, of any tenant).
AZURE_SERVICES_RANGE = ("0.0.0.0", "0.0.0.0")
#: The range that admits every IPv4 address.
WORLD_RANGE = ("0.0.0.0", "255.255.255.255")


def ip_range(props) -> tuple[str, str]:
    """(start, end) of a firewall rule, whichever spelling its resource uses (Redis: ``startIP``/``endIP``)."""
    start = props.get("startIpAddress") if "startIpAddress" in props else props.get("startIP")
    end = props.get("endIpAddress") if "endIpAddress" in props else props.get("endIP")
    return str(start or "").strip(), str(end or "").strip()
