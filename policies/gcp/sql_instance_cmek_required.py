from policies.meta import resource_policy


def check(props, config):
    if not props.get("encryptionKeyName"):
        yield "The database is encrypted with Google-managed keys; set a customer-managed KMS key."


POLICY = resource_policy(
    name="gcp-sql-instance-cmek-required",
    description="Cloud SQL instances encrypt their data with a customer-managed key.",
    types=["gcp:sql/databaseInstance:DatabaseInstance"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32"],
    remediation=(
        "Set encryptionKeyName to a Cloud KMS key in the instance's region and grant the Cloud SQL service "
        "agent encrypt/decrypt on it (requires a new instance)."
    ),
)
