from policies.meta import resource_policy


def check(props, config):
    if props.get("state") != "Enabled":
        yield f"Transparent data encryption is {props.get('state')!r}; the database files are stored unencrypted."


POLICY = resource_policy(
    name="azure-sql-database-tde-enabled",
    description="Azure SQL databases keep transparent data encryption enabled.",
    types=["azure-native:sql:TransparentDataEncryption"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32", "cis:azure-4.1.5"],
    remediation=(
        "Set state: Enabled on the database's TransparentDataEncryption (or remove the resource to keep the default)."
    ),
    enforcement="mandatory",
)
