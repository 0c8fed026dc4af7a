"""Elastic Load Balancing v2: listeners (``lb.Listener``: protocol, TLS policy, redirects to HTTPS)."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "elbv2"
GLOBAL = False
LISTENER = "aws:lb/listener:Listener"
TYPES = (LISTENER,)
CALLS = (
    Call("elbv2", "describe_load_balancers", "elasticloadbalancing:DescribeLoadBalancers"),
    Call("elbv2", "describe_listeners", "elasticloadbalancing:DescribeListeners"),
)


def listener(item: dict[str, Any]) -> dict[str, Any]:
    actions = []
    for a in item.get("DefaultActions") or []:
        redirect = a.get("RedirectConfig")
        actions.append(
            drop_none(
                {
                    "type": str(a.get("Type", "")).lower() or None,
                    "targetGroupArn": a.get("TargetGroupArn"),
                    "redirect": drop_none(
                        {
                            "protocol": redirect.get("Protocol"),
                            "port": redirect.get("Port"),
                            "statusCode": redirect.get("StatusCode"),
                        }
                    )
                    if redirect
                    else None,
                }
            )
        )
    return drop_none(
        {
            "loadBalancerArn": item.get("LoadBalancerArn"),
            "port": item.get("Port"),
            "protocol": item.get("Protocol"),
            "sslPolicy": item.get("SslPolicy"),
            "defaultActions": actions,
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        balancers = ctx.pages("elbv2", "describe_load_balancers", "LoadBalancers")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    for lb in balancers:
        lb_arn = str(lb["LoadBalancerArn"])
        try:
            listeners = ctx.pages("elbv2", "describe_listeners", "Listeners", LoadBalancerArn=lb_arn)
        except CallFailed as failure:
            yield ctx.gap(failure, TYPES, arn=lb_arn, name=str(lb.get("LoadBalancerName")))
            continue
        for item in listeners:
            name = f"{lb.get('LoadBalancerName')}:{item.get('Port')}"
            yield ctx.subject(
                LISTENER, listener(item), name=name, arn=str(item["ListenerArn"]), calls=tuple(c.action for c in CALLS)
            )
