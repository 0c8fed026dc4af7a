"""What every AWS service module shares: the context of one region's read, and tag/shape helpers.

A service module (``scripts/audit/aws/<service>.py``) declares ``CALLS`` (the API calls it makes and
their IAM actions), ``TYPES`` (the Pulumi resource types it produces), ``GLOBAL`` (read once, not
per region) and ``collect(ctx) -> Iterator[Subject | Gap]``. The mapping from an API answer to the
pulumi-aws 7 input shape (camelCase, split S3 companions, strings where the provider takes strings)
is in pure functions of that module, tested on recorded answers.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping

from scripts.audit.aws.api import Api, CallFailed
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject


@dataclass
class Context:
    """One region's read: the API, the account, the region and when it started."""

    api: Api
    account: str
    region: str
    partition: str = "aws"
    read_at: str = ""
    #: How many resources of one service are read at once (their detail calls in parallel).
    workers: int = 1

    def each(self, items: Iterable[Any], read: Callable[[Any], Iterable[Any]]) -> Iterator[Any]:
        """``read(item)`` for every item, up to ``workers`` at a time; results in the items' order."""
        items = list(items)
        if self.workers <= 1 or len(items) < 2:
            for item in items:
                yield from read(item)
            return
        with ThreadPoolExecutor(max_workers=min(self.workers, len(items)), thread_name_prefix="plinth-read") as pool:
            for found in pool.map(lambda item: list(read(item)), items):
                yield from found

    def call(self, service: str, operation: str, **kwargs: Any) -> Any:
        return self.api.call(service, self.region, operation, **kwargs)

    def pages(self, service: str, operation: str, key: str, **kwargs: Any) -> list[Any]:
        return self.api.pages(service, self.region, operation, key, **kwargs)

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        where, owner = (self.region if region else ""), (self.account if account else "")
        return f"arn:{self.partition}:{service}:{where}:{owner}:{resource}"

    def subject(
        self,
        resource_type: str,
        props: dict[str, Any],
        *,
        name: str,
        arn: str,
        calls: Iterable[str],
        ids: Iterable[str] = (),
        sensitive: Iterable[str] = (),
        region: str | None = None,
    ) -> Subject:
        where = self.region if region is None else region
        if where and "region" not in props:
            props = {**props, "region": where}  # pulumi-aws 7: every regional resource takes `region`
        return Subject(
            resource_type,
            props,
            name=name,
            arn=arn,
            region=where,
            read_at=self.read_at,
            calls=tuple(calls),
            ids=tuple(i for i in ids if i),
            sensitive=tuple(sensitive),
        )

    def gap(self, failure: CallFailed, types: Iterable[str], *, arn: str = "", name: str = "") -> Gap:
        return Gap(tuple(types), str(failure), region=self.region, arn=arn, name=name)


def tags(items: Any, key: str = "Key", value: str = "Value") -> dict[str, str]:
    """``[{"Key": k, "Value": v}]`` (or a plain map) as the ``tags`` map the provider takes."""
    if isinstance(items, Mapping):
        return {str(k): str(v) for k, v in items.items()}
    return {str(t.get(key)): str(t.get(value, "")) for t in items or [] if isinstance(t, Mapping) and t.get(key)}


def document(value: Any) -> str | None:
    """An IAM-style policy document as the JSON string the provider takes (boto3 may decode it)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        from urllib.parse import unquote

        text = value if value.lstrip().startswith("{") else unquote(value)
        return text
    return json.dumps(value, sort_keys=True)


def flag(value: Any) -> str | None:
    """A boolean as the string the provider takes for launch-template fields (``"true"``/``"false"``)."""
    if value is None:
        return None
    return "true" if value is True or str(value).lower() == "true" else "false"


def drop_none(props: Mapping[str, Any]) -> dict[str, Any]:
    """Props without the keys whose value is None (absent, as the engine sends them)."""
    return {k: v for k, v in props.items() if v is not None}
