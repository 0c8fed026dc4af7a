"""The SLO's multi-window burn-rate alerts as CloudWatch alarms (AWS stacks without Kubernetes).

Each (long, short) window pair is two metric-math alarms on errors/total joined by a composite
alarm; page and ticket composites notify a KMS-encrypted SNS topic. Window math is pure.
"""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pulumi_aws as aws

from components.monitoring.slo import burn_alerts
from components.monitoring.spec import CloudAlarmSli, SloSpec

SECONDS = {"m": 60, "h": 3600, "d": 86400}
MAX_PERIOD = 86400  # CloudWatch alarm periods stop at one day


def window_seconds(window: str) -> int:
    return int(window[:-1]) * SECONDS[window[-1]]


def alarm_shape(window: str) -> tuple[int, int]:
    """(period, evaluation periods) that cover ``window``: 3d -> one-day periods, three of them."""
    total = window_seconds(window)
    period = min(total, MAX_PERIOD)
    return period, total // period


def metric_queries(sli: CloudAlarmSli, period: int) -> list[Any]:
    """errors, total and their ratio, as the provider's ``MetricAlarmMetricQueryArgsDict`` dicts."""

    def metric(id_: str, name: str) -> dict[str, Any]:
        return {
            "id": id_,
            "return_data": False,
            "metric": {
                "namespace": sli.namespace,
                "metric_name": name,
                "dimensions": dict(sli.dimensions),
                "period": period,
                "stat": "Sum",
            },
        }

    return [
        metric("errors", sli.error_metric),
        metric("total", sli.total_metric),
        {"id": "ratio", "expression": "IF(total > 0, errors / total, 0)", "label": "error ratio", "return_data": True},
    ]


def topic_policy(account_id: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountAdministration",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "CloudWatchAlarmsPublish",
                "Effect": "Allow",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
            },
        ],
    }


def build(
    name: str,
    slos: list[tuple[SloSpec, CloudAlarmSli]],
    account_id: str,
    tags: dict[str, str],
    opts: pulumi.ResourceOptions,
) -> dict[str, Any]:
    key = aws.kms.Key(
        f"{name}-alarms-key",
        description="Encrypts Plinth SLO alarm notifications",
        enable_key_rotation=True,
        deletion_window_in_days=30,
        policy=json.dumps(topic_policy(account_id), sort_keys=True),
        tags=tags,
        opts=opts,
    )
    topic = aws.sns.Topic(f"{name}-slo-alarms", kms_master_key_id=key.arn, tags=tags, opts=opts)
    composites = []
    for slo, sli in slos:
        for severity in slo.alerting.severities:  # a disabled page or ticket alert has no alarm
            pairs, children = [], []
            for sev, factor, long, short in burn_alerts(slo):
                if sev != severity:
                    continue
                members = []
                for window in (long, short):
                    period, evaluations = alarm_shape(window)
                    alarm_name = f"{name}-{slo.id}-{window}-{_fmt(factor)}x"
                    alarm = aws.cloudwatch.MetricAlarm(
                        alarm_name,
                        name=alarm_name,
                        alarm_description=(
                            f"{slo.service}/{slo.name}: error ratio over {window} above {factor:g}x the budget"
                        ),
                        comparison_operator="GreaterThanThreshold",
                        threshold=factor * slo.error_budget,
                        evaluation_periods=evaluations,
                        datapoints_to_alarm=evaluations,
                        metric_queries=metric_queries(sli, period),
                        treat_missing_data="notBreaching",
                        tags=tags,
                        opts=opts,
                    )
                    members.append(alarm_name)
                    children.append(alarm)
                pairs.append(members)
            composites.append(
                aws.cloudwatch.CompositeAlarm(
                    f"{name}-{slo.id}-{severity}",
                    alarm_name=f"{slo.alerting.name}-{severity}",
                    alarm_description=(
                        f"{slo.service}/{slo.name} burns its {slo.objective:g}% error budget ({severity})"
                    ),
                    alarm_rule=composite_rule(pairs),
                    alarm_actions=[topic.arn],
                    ok_actions=[topic.arn],
                    tags=tags,
                    opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=children)),
                )
            )
    return {"topicArn": topic.arn, "alarms": len(composites)}


def _fmt(factor: float) -> str:
    return format(factor, "g").replace(".", "p")


def composite_rule(pairs: list[list[str]]) -> str:
    """``(ALARM("long") AND ALARM("short")) OR (...)`` over alarm names."""
    return " OR ".join("(" + " AND ".join(f'ALARM("{n}")' for n in pair) + ")" for pair in pairs)
