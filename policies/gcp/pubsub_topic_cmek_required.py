"""Pub/Sub topics encrypt their messages with a customer-managed key.

Follows Checkov CKV_GCP_83 (PubSub Topics are encrypted with customer-supplied/managed keys): ``kmsKeyName`` must be
set (absent: Google-managed keys). Advisory, as the other CMEK policies.
"""

from policies.meta import resource_policy


def check(props, config):
    if not props.get("kmsKeyName"):
        yield "The topic's messages are encrypted with Google-managed keys; set kmsKeyName."


POLICY = resource_policy(
    name="gcp-pubsub-topic-cmek-required",
    description="Pub/Sub topics encrypt messages with a customer-managed key.",
    types=["gcp:pubsub/topic:Topic"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "gdpr:Art.32"],
    remediation=(
        "Set kmsKeyName to a Cloud KMS key and grant the Pub/Sub service agent "
        "roles/cloudkms.cryptoKeyEncrypterDecrypter on it."
    ),
)
