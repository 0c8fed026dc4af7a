"""OpenSearch Service: domains (``opensearch.Domain``: encryption at rest, node-to-node, HTTPS and TLS policy)."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "opensearch"
GLOBAL = False
DOMAIN = "aws:opensearch/domain:Domain"
TYPES = (DOMAIN,)
CALLS = (
    Call("opensearch", "list_domain_names", "es:ListDomainNames"),
    Call("opensearch", "describe_domain", "es:DescribeDomain"),
)


def domain(d: dict[str, Any]) -> dict[str, Any]:
    rest = d.get("EncryptionAtRestOptions") or {}
    endpoint = d.get("DomainEndpointOptions") or {}
    return drop_none(
        {
            "domainName": d.get("DomainName"),
            "engineVersion": d.get("EngineVersion"),
            "encryptAtRest": drop_none({"enabled": bool(rest.get("Enabled")), "kmsKeyId": rest.get("KmsKeyId")}),
            "nodeToNodeEncryption": {"enabled": bool((d.get("NodeToNodeEncryptionOptions") or {}).get("Enabled"))},
            "domainEndpointOptions": drop_none(
                {"enforceHttps": endpoint.get("EnforceHTTPS"), "tlsSecurityPolicy": endpoint.get("TLSSecurityPolicy")}
            ),
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        names = ctx.pages("opensearch", "list_domain_names", "DomainNames")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    for entry in names:
        name = str(entry["DomainName"])
        arn = ctx.arn("es", f"domain/{name}")
        try:
            d = ctx.call("opensearch", "describe_domain", DomainName=name)["DomainStatus"]
        except CallFailed as failure:
            yield ctx.gap(failure, TYPES, arn=arn, name=name)
            continue
        yield ctx.subject(
            DOMAIN, domain(d), name=name, arn=str(d.get("ARN") or arn), calls=tuple(c.action for c in CALLS)
        )
