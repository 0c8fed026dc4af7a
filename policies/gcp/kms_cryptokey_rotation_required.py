from policies.meta import resource_policy

CONFIG = {
    "maximumDays": {"type": "integer", "minimum": 1, "default": 90, "description": "Longest allowed rotation period."}
}


def check(props, config):
    if props.get("purpose", "ENCRYPT_DECRYPT") != "ENCRYPT_DECRYPT":
        return  # only symmetric keys rotate automatically
    period = props.get("rotationPeriod")
    if not period:
        yield "The key never rotates."
        return
    days = float(str(period).rstrip("s")) / 86400
    if days > config["maximumDays"]:
        yield f"The key rotates every {days:g} days; at most {config['maximumDays']} are allowed."


POLICY = resource_policy(
    name="gcp-kms-cryptokey-rotation-required",
    description="Cloud KMS symmetric keys rotate at least every 90 days.",
    types=["gcp:kms/cryptoKey:CryptoKey"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(2)(iv)", "cis:gcp-1.10"],
    remediation='Set rotationPeriod, e.g. "7776000s" (90 days).',
    enforcement="mandatory",
    config=CONFIG,
)
