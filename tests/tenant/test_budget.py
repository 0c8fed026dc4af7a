"""Per-tenant budgets: an AWS Budget, a GCP billing budget or an Azure consumption budget scoped to
the tenant's tag or label, notifications routed like P2/P3 alerts, provider limits checked."""

from __future__ import annotations

import datetime

import pytest

from components.config import ConfigError, parse
from components.tenant import azure as azure_part
from components.tenant import budget as budgets
from tests.tenant.helpers import only, run_platform, stack, tenant, tenant_resources

MONITORING = {
    "prometheus": {"mode": "install"},
    "alerting": {
        "receivers": [
            {"name": "oncall", "webhook": {"url": "https://alerts.example.com/hook"}},
            {"name": "tickets", "email": {"to": "tickets@example.com", "from": "am@example.com",
                                          "smarthost": "smtp.example.com:587"}},
            {"name": "finance", "email": {"to": "finance@example.com", "from": "am@example.com",
                                          "smarthost": "smtp.example.com:587"}},
        ],
        "routes": {"P0": "oncall", "P1": "oncall", "P2": "finance", "P3": "tickets"},
    },
}  # fmt: skip


def _budget_stack(cloud: str, budget: dict, **extra) -> dict:
    doc = stack(tenant(cloud=cloud, budget=budget), monitoring=MONITORING)
    doc["gcp"]["billingAccount"] = "01A2B3-C4D5E6-F7A8B9"
    doc.update(extra)
    return doc


@pytest.fixture(scope="module")
def dev_budgets(dev_plan):
    return {t: [r for r in tenant_resources(dev_plan, t) if "-budget" in r.name] for t in ("acme", "globex")}


def test_aws_budget_filters_on_the_tenant_tag_and_routes_like_p2_p3(dev_budgets):
    (budget,) = dev_budgets["acme"]
    b = budget.inputs
    assert (b["budgetType"], b["timeUnit"], b["limitAmount"], b["limitUnit"]) == ("COST", "MONTHLY", "2500.00", "USD")
    assert b["costFilters"] == [{"name": "TagKeyValue", "values": ["user:tenant$acme"]}], "the cost-allocation tag"
    assert b["accountId"] == "210987654321" and b["name"] == "plinth-dev-acme-budget"
    notes = [(n["notificationType"], n["threshold"], n["subscriberEmailAddresses"]) for n in b["notifications"]]
    # dev routes P2 and P3 to platform-mail (platform-alerts@example.com).
    assert notes == [
        ("ACTUAL", 80, ["platform-alerts@example.com"]),
        ("ACTUAL", 100, ["platform-alerts@example.com"]),
        ("FORECASTED", 100, ["platform-alerts@example.com"]),
    ]
    assert all(n["comparisonOperator"] == "GREATER_THAN" and n["thresholdType"] == "PERCENTAGE"
               for n in b["notifications"])  # fmt: skip


def test_gcp_budget_on_the_billing_account_and_tenant_label(dev_budgets):
    budget = only(dev_budgets["globex"], "gcp:billing/budget:Budget").inputs
    assert budget["billingAccount"] == "01A2B3-C4D5E6-F7A8B9"
    assert budget["budgetFilter"]["projects"] == ["projects/482193756012"]
    assert budget["budgetFilter"]["labels"] == {"tenant": "globex"}
    assert budget["amount"] == {"specifiedAmount": {"units": "12000", "nanos": 0}}
    assert [(r["thresholdPercent"], r["spendBasis"]) for r in budget["thresholdRules"]] == [
        (0.5, "CURRENT_SPEND"), (0.9, "CURRENT_SPEND"), (1.0, "CURRENT_SPEND"), (1.0, "FORECASTED_SPEND"),
    ]  # fmt: skip
    channels = [r for r in dev_budgets["globex"] if r.type.endswith("NotificationChannel")]
    assert sorted(c.inputs["labels"]["email_address"] for c in channels) == [
        "globex-finance@example.com", "platform-alerts@example.com"
    ], "warnings to the P3 route, the spent budget to notifyExceeded"  # fmt: skip


def test_azure_consumption_budget_on_the_subscription_with_a_tag_filter():
    plan = run_platform(_budget_stack("azure", {"monthly": 900.5, "thresholds": [50, 100, 120],
                                                "forecastThreshold": 0, "startMonth": "2026-12"}))  # fmt: skip
    b = only(tenant_resources(plan, "acme"), "azure-native:consumption:Budget")
    assert b.inputs["scope"] == "/subscriptions/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
    assert b.inputs["filter"] == {"tags": {"name": "tenant", "operator": "In", "values": ["acme"]}}
    assert (b.inputs["amount"], b.inputs["category"], b.inputs["timeGrain"]) == (900.5, "Cost", "Monthly")
    assert b.inputs["timePeriod"] == {"startDate": "2026-12-01T00:00:00Z"}
    notes = {k: (n["threshold"], n["thresholdType"], n["contactEmails"]) for k, n in b.inputs["notifications"].items()}
    assert notes == {
        "actual50": (50, "Actual", ["tickets@example.com"]),
        "actual100": (100, "Actual", ["finance@example.com"]),
        "actual120": (120, "Actual", ["finance@example.com"]),
    }, "below 100 % like P3 (tickets), from 100 % like P2 (finance)"


def test_azure_start_defaults_to_the_current_month():
    spec = budgets.Budget.model_validate({"monthly": 10})
    assert azure_part.budget_start(spec, datetime.date(2027, 3, 17)) == "2027-03-01T00:00:00Z"


def _problems(doc) -> str:
    with pytest.raises(ConfigError) as err:
        parse(doc, source="test")
    return str(err.value)


def test_budget_problems_name_the_key():
    no_route = stack(tenant(cloud="aws", budget={"monthly": 10}))
    assert "tenants[0].budget.notify: no email to notify at 80 %" in _problems(no_route)
    doc = _budget_stack("gcp", {"monthly": 10})
    del doc["gcp"]["billingAccount"]
    assert "tenants[0].budget: a GCP billing budget needs the billing account: set plinth:gcp.billingAccount" in (
        _problems(doc)
    )
    assert "cloud is none" in _problems(_budget_stack("none", {"monthly": 10}))
    too_many = _budget_stack("aws", {"monthly": 10, "thresholds": [10, 20, 30, 40, 50]})
    assert "6 notifications (thresholds + forecast); AWS and Azure budgets allow 5" in _problems(too_many)
    assert "lists a threshold twice" in _problems(_budget_stack("aws", {"monthly": 10, "thresholds": [80, 80]}))
    assert "monthly" in _problems(_budget_stack("aws", {"monthly": 0}))
    gcp_emails = _budget_stack("gcp", {"monthly": 10, "notify": [f"a{i}@example.com" for i in range(6)]})
    assert "GCP budgets notify at most 5 channels" in _problems(gcp_emails)


def test_a_webhook_route_needs_explicit_emails():
    monitoring = {**MONITORING, "alerting": {**MONITORING["alerting"], "routes": {
        "P0": "oncall", "P1": "oncall", "P2": "oncall", "P3": "tickets"}}}  # fmt: skip
    doc = stack(tenant(cloud="aws", budget={"monthly": 10}), monitoring=monitoring)
    assert "budget.notifyExceeded: no email to notify at 100 %" in _problems(doc), "P2 goes to a webhook"
    doc["tenants"][0]["budget"]["notifyExceeded"] = ["cfo@example.com"]
    parse(doc, source="test")
