"""Cloud Logging buckets encrypt stored logs with a customer-managed key.

Follows Google's Cloud Logging CMEK control (``cmekSettings.kmsKeyName`` on a log bucket; absent: Google-managed
keys), which the issue lists with the at-rest encryption controls the frameworks ask for (HIPAA 164.312(a)(2)(iv),
SOC 2 CC6.1); no CIS GCP v3.0 recommendation covers it. Applies to project, folder, organization and billing-account
log buckets. Advisory, as the other CMEK policies.
"""

from policies.gcp._logging import LOG_BUCKET_TYPES
from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if not get(props, "cmekSettings.kmsKeyName"):
        yield "The log bucket is encrypted with Google-managed keys; set cmekSettings.kmsKeyName."


POLICY = resource_policy(
    name="gcp-logging-bucket-cmek-required",
    description="Cloud Logging buckets encrypt logs with a customer-managed key.",
    types=list(LOG_BUCKET_TYPES),
    check=check,
    severity="low",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)"],
    remediation="Set cmekSettings.kmsKeyName and grant the Logging service account encrypt/decrypt on the key.",
)
