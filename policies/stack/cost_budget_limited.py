import json
from pathlib import Path

from policies.meta import stack_policy
from policies.props import get

HOURS_PER_MONTH = 730
#: Shipped with the cost pack; prices are list prices (USD) used for estimates only.
PRICES = json.loads((Path(__file__).resolve().parents[1] / "cost" / "prices.json").read_text())
CONFIG = {
    "monthlyBudgetUsd": {
        "type": "number",
        "minimum": 0,
        "default": 20000,
        "description": "Estimated monthly spend the stack may reach.",
    }
}


PRICED = [
    "aws:ec2/instance:Instance",
    "aws:ebs/volume:Volume",
    "aws:rds/instance:Instance",
    "gcp:compute/instance:Instance",
    "azure-native:compute:VirtualMachine",
]


def monthly_cost(r) -> tuple[float | None, str]:
    """(USD per month or None when the type has no price, what was priced)."""
    t, p = r.resource_type, r.props
    if t == "aws:ec2/instance:Instance":
        kind = p.get("instanceType")
        hourly = PRICES["aws_ec2_hourly"].get(kind)
        return (hourly * HOURS_PER_MONTH if hourly is not None else None), f"EC2 {kind}"
    if t == "aws:ebs/volume:Volume":
        size = p.get("size") or 0
        return size * PRICES["aws_ebs_gb_month"].get(
            p.get("type") or "gp3", PRICES["aws_ebs_gb_month"]["gp3"]
        ), f"EBS {size:g} GB"
    if t == "aws:rds/instance:Instance":
        kind = p.get("instanceClass")
        hourly = PRICES["aws_rds_hourly"].get(kind)
        return (hourly * HOURS_PER_MONTH if hourly is not None else None), f"RDS {kind}"
    if t == "gcp:compute/instance:Instance":
        kind = p.get("machineType")
        hourly = PRICES["gcp_compute_hourly"].get(kind)
        return (hourly * HOURS_PER_MONTH if hourly is not None else None), f"GCE {kind}"
    if t == "azure-native:compute:VirtualMachine":
        kind = get(p, "hardwareProfile.vmSize")
        hourly = PRICES["azure_vm_hourly"].get(kind)
        return (hourly * HOURS_PER_MONTH if hourly is not None else None), f"Azure VM {kind}"
    return 0.0, ""


def check(resources, config):
    total, lines, unpriced = 0.0, [], []
    for r in resources:
        cost, what = monthly_cost(r)
        if cost is None:
            unpriced.append((what, r))
        elif cost:
            total += cost
            lines.append((cost, f"{r.name} ({what}) ${cost:,.0f}"))
    budget = config["monthlyBudgetUsd"]
    if total > budget:
        top = "; ".join(text for _, text in sorted(lines, reverse=True)[:3])
        yield f"Estimated monthly cost ${total:,.0f} exceeds the budget of ${budget:,.0f} (largest: {top}).", None
    for what, r in unpriced:
        yield f"{r.name}: {what} is not in the price table, so the budget check cannot count it.", r


POLICY = stack_policy(
    name="stack-cost-budget-limited",
    description=(
        "The estimated monthly cost of the stack's compute, databases and volumes stays within the configured budget."
    ),
    check=check,
    reads=PRICED,
    severity="medium",
    frameworks=[],
    remediation="Lower instance sizes or counts, or raise monthlyBudgetUsd in the cost pack's config after approval.",
    config=CONFIG,
)
