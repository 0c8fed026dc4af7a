"""AWS Backup plans of premium and enterprise tenants copy recovery points to another region.

A vault is regional: without a copy action to a vault in another region, losing the region loses every
recovery point (https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html).

Plinth's own rule, by tier: the AWS Well-Architected Reliability Pillar (REL09-BP02, "secure and
encrypt backups", and REL13, "plan for disaster recovery") asks for backups in a second region for
workloads that must survive a region loss; premium and enterprise tenants are those workloads.
Advisory: a single-region plan still protects against deletion and corruption, only not a region loss.
"""

from policies.meta import stack_policy
from policies.props import as_list, get, tier_of

PLAN = "aws:backup/plan:Plan"
TIERS = ("premium", "enterprise")


def region_of(resource) -> str | None:
    region = resource.props.get("region")
    if not region and resource.provider is not None:
        region = resource.provider.props.get("region")
    return str(region) if region else None


def destination_regions(props) -> set[str]:
    """Regions of every copy destination (``arn:aws:backup:<region>:<account>:backup-vault:<name>``)."""
    out = set()
    for rule in as_list(props.get("rules")):
        for action in as_list(get(rule, "copyActions")):
            arn = str(get(action, "destinationVaultArn") or "")
            parts = arn.split(":")
            if len(parts) > 3 and parts[3]:
                out.add(parts[3])
    return out


def check(resources, config):
    for r in resources:
        if r.resource_type != PLAN or tier_of(r.props) not in TIERS:
            continue
        home = region_of(r)
        if not destination_regions(r.props) - {home}:
            yield (
                f"Backup plan {r.props.get('name') or r.name} of a tenant on the {tier_of(r.props)} tier copies no "
                f"recovery point out of {home or 'its region'}.",
                r,
            )


POLICY = stack_policy(
    name="aws-backup-plan-crossregion-copied",
    description="AWS Backup plans of premium and enterprise tenants copy recovery points to another region.",
    check=check,
    reads=[PLAN],
    severity="medium",
    frameworks=["soc2:A1.2", "hipaa:164.308(a)(7)(ii)(B)", "gdpr:Art.32(1)(c)"],
    remediation=(
        "Add a copy action to a vault in a second region to every rule (plinth: copyTo: {region: <another region>})."
    ),
)
