from policies.meta import resource_policy
from policies.props import get

SECURE = ("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")


def check(props, config):
    mode = get(props, "settings.ipConfiguration.sslMode")
    if mode not in SECURE:
        yield f"Cloud SQL accepts unencrypted connections (sslMode {mode!r})."


POLICY = resource_policy(
    name="gcp-sql-instance-ssl-required",
    description="Cloud SQL instances only accept encrypted connections.",
    types=["gcp:sql/databaseInstance:DatabaseInstance"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.7", "hipaa:164.312(e)(1)", "cis:gcp-6.4"],
    remediation="Set settings.ipConfiguration.sslMode to ENCRYPTED_ONLY or TRUSTED_CLIENT_CERTIFICATE_REQUIRED.",
    enforcement="mandatory",
)
