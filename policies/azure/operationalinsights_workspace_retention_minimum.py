"""Log Analytics workspaces keep logs for at least a year.

Log retention as the frameworks ask it: Checkov CKV_AZURE_37 (activity log retention is set 365 days or greater) for
the workspace that receives the activity and resource logs today (log profiles are retired), and PCI DSS v4.0 10.5.1
(audit log history retained for at least 12 months). ``retentionInDays`` defaults to 30, so a workspace that does not
set it keeps a month. The minimum is configurable (``minimumDays``). Advisory.
"""

from policies.meta import resource_policy
from policies.props import get

#: Log Analytics' retention when a workspace does not set one.
DEFAULT_RETENTION_DAYS = 30
CONFIG = {
    "minimumDays": {"type": "integer", "minimum": 1, "default": 365, "description": "Shortest allowed log retention."}
}


def check(props, config):
    days = get(props, "retentionInDays", DEFAULT_RETENTION_DAYS)
    if float(days) < config["minimumDays"]:
        yield f"The workspace keeps logs for {float(days):g} days; at least {config['minimumDays']} are required."


POLICY = resource_policy(
    name="azure-operationalinsights-workspace-retention-minimum",
    description="Log Analytics workspaces keep logs for at least the configured minimum (365 days).",
    types=["azure-native:operationalinsights:Workspace"],
    check=check,
    severity="medium",
    frameworks=["soc2:CC7.2", "hipaa:164.312(b)"],
    remediation="Set retentionInDays to 365 or more (or archive to a storage account with a retention policy).",
    config=CONFIG,
)
