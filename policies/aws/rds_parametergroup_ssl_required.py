"""RDS and Aurora parameter groups force TLS on client connections where the engine has a switch for it.

Follows Checkov CKV2_AWS_69 ("Ensure AWS RDS database instance configured with encryption in
transit") and Prowler ``rds_instance_transport_encrypted``: the engine's own switch in an
``rds.ParameterGroup`` / ``rds.ClusterParameterGroup``, by family:

- PostgreSQL, Aurora PostgreSQL, SQL Server: ``rds.force_ssl`` = 1;
- MySQL, MariaDB, Aurora MySQL: ``require_secure_transport`` = 1 / ON;
- Db2: ``db2comm`` = SSL.

An absent parameter takes the engine's default, which is off except for RDS for PostgreSQL 15 and
later (``rds.force_ssl`` defaults to 1 there), so those pass without it. Oracle enforces TLS through an
option group, and Aurora MySQL 1 (``aurora5.6``) has no such parameter: not applicable. Advisory.
"""

import re

from policies.meta import resource_policy
from policies.props import as_list

FORCE_SSL = ("rds.force_ssl", ("1", "true", "on"))
SECURE_TRANSPORT = ("require_secure_transport", ("1", "on", "true"))
DB2COMM = ("db2comm", ("ssl",))
#: (family pattern, the switch and the values that turn it on, whether the engine's default is on)
SWITCHES = (
    (re.compile(r"^postgres(\d+)"), FORCE_SSL, lambda major: major >= 15),
    (re.compile(r"^aurora-postgresql"), FORCE_SSL, None),
    (re.compile(r"^sqlserver-"), FORCE_SSL, None),
    (re.compile(r"^(mysql|mariadb|aurora-mysql)"), SECURE_TRANSPORT, None),
    (re.compile(r"^db2-"), DB2COMM, None),
)


def switch_for(family: str):
    """``(parameter, values that turn it on, on by default)`` for a parameter-group family, or None."""
    for pattern, (name, values), default_on in SWITCHES:
        match = pattern.match(family)
        if match:
            on = bool(default_on and default_on(int(match.group(1))))
            return name, values, on
    return None


def check(props, config):
    switch = switch_for(str(props.get("family") or "").lower())
    if switch is None:
        return
    name, values, on_by_default = switch
    given = {str(p.get("name")): str(p.get("value")).lower() for p in as_list(props.get("parameters"))}
    if name not in given:
        if not on_by_default:
            yield f"The parameter group does not set {name}; the engine accepts unencrypted connections by default."
    elif given[name] not in values:
        yield f"{name} is {given[name]!r}: the database accepts unencrypted connections."


POLICY = resource_policy(
    name="aws-rds-parametergroup-ssl-required",
    description="RDS and Aurora parameter groups require TLS for client connections.",
    types=["aws:rds/parameterGroup:ParameterGroup", "aws:rds/clusterParameterGroup:ClusterParameterGroup"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.7", "hipaa:164.312(e)(1)", "hipaa:164.312(e)(2)(ii)", "gdpr:Art.32"],
    remediation=(
        "Add the engine's parameter: rds.force_ssl = 1 (PostgreSQL, SQL Server), require_secure_transport = 1 "
        "(MySQL, MariaDB, Aurora MySQL) or db2comm = SSL (Db2)."
    ),
)
