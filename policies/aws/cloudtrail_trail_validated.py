"""CloudTrail trails cover every region and validate their log files.

Follows CIS AWS Foundations v3.0 3.1 ("Ensure CloudTrail is enabled in all regions") and 3.2
("Ensure CloudTrail log file validation is enabled"), Checkov CKV_AWS_67 (``isMultiRegionTrail``)
and CKV_AWS_36 (``enableLogFileValidation``), both false by default in the provider. Mandatory.
"""

from policies.meta import resource_policy


def check(props, config):
    if props.get("isMultiRegionTrail") is not True:
        yield "The trail records one region only."
    if props.get("enableLogFileValidation") is not True:
        yield "Log file validation is off; tampering with audit logs would go unnoticed."


POLICY = resource_policy(
    name="aws-cloudtrail-trail-validated",
    description="CloudTrail trails cover every region and validate their log files.",
    types=["aws:cloudtrail/trail:Trail"],
    check=check,
    severity="high",
    frameworks=["soc2:CC7.2", "hipaa:164.312(b)", "hipaa:164.312(c)(1)", "cis:aws-3.1", "cis:aws-3.2"],
    remediation="Set isMultiRegionTrail: true and enableLogFileValidation: true.",
    enforcement="mandatory",
)
