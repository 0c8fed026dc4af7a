"""Cloud Logging buckets keep logs for at least a year.

Log retention as the frameworks ask it: PCI DSS v4.0 10.5.1 (audit log history is retained for at least 12 months)
and the 365-day activity-log retention of Checkov CKV_AZURE_37, applied to GCP log buckets. ``retentionDays`` defaults
to 30 in Cloud Logging, so a bucket that does not set it keeps a month. The minimum is configurable
(``minimumDays``). Advisory: how long to keep logs is the owner's decision within the framework's floor.
"""

from policies.gcp._logging import LOG_BUCKET_TYPES
from policies.meta import resource_policy
from policies.props import get

#: Cloud Logging's retention when a bucket does not set one.
DEFAULT_RETENTION_DAYS = 30
CONFIG = {
    "minimumDays": {"type": "integer", "minimum": 1, "default": 365, "description": "Shortest allowed log retention."}
}


def check(props, config):
    days = get(props, "retentionDays", DEFAULT_RETENTION_DAYS)
    if float(days) < config["minimumDays"]:
        yield f"The log bucket keeps logs for {float(days):g} days; at least {config['minimumDays']} are required."


POLICY = resource_policy(
    name="gcp-logging-bucket-retention-minimum",
    description="Cloud Logging buckets keep logs for at least the configured minimum (365 days).",
    types=list(LOG_BUCKET_TYPES),
    check=check,
    severity="medium",
    frameworks=["soc2:CC7.2", "hipaa:164.312(b)"],
    remediation="Set retentionDays to 365 or more (and locked: true once the value is final).",
    config=CONFIG,
)
