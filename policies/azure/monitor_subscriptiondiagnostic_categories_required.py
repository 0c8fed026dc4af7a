"""Subscription activity-log diagnostic settings capture the security-relevant categories.

Follows CIS Azure Foundations v2.1 5.1.2 (Diagnostic Setting captures appropriate categories) and Prowler
monitor_diagnostic_setting_with_appropriate_categories: a subscription diagnostic setting enables Administrative,
Alert, Policy and Security (or the ``allLogs`` category group). Advisory.
"""

from policies.meta import resource_policy
from policies.props import as_list

REQUIRED = ("Administrative", "Alert", "Policy", "Security")


def check(props, config):
    enabled = [log for log in as_list(props.get("logs")) if log.get("enabled") is True]
    if any(str(log.get("categoryGroup") or "").lower() == "alllogs" for log in enabled):
        return
    have = {str(log.get("category")) for log in enabled}
    missing = [c for c in REQUIRED if c not in have]
    if missing:
        yield f"The activity-log diagnostic setting does not capture {', '.join(missing)}."


POLICY = resource_policy(
    name="azure-monitor-subscriptiondiagnostic-categories-required",
    description="Subscription activity-log diagnostic settings capture the security-relevant categories.",
    types=["azure-native:monitor:SubscriptionDiagnosticSetting"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC7.2", "hipaa:164.312(b)", "cis:azure-5.1.2"],
    remediation="Enable the Administrative, Alert, Policy and Security categories (or the allLogs category group).",
)
