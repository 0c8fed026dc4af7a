"""Every AWS API call the audit makes goes through :class:`Api`: declared, retried, classified.

* Declared: each service module lists its calls (:class:`Call`: the boto3 operation and the IAM
  action that allows it); the read-only IAM policy in ``docs/audit-readonly-policy.json`` lists
  exactly those actions (a test compares them), and a call that is not declared is a bug.
* Retried: botocore's ``standard`` retry mode backs off exponentially (with jitter) on throttling
  and transient errors, up to ``max_attempts``.
* Classified: a call that is still refused (denied, throttled, unreachable, failed) raises
  :class:`CallFailed`; collectors turn it into a gap ("could not check"), never into a pass.
  Errors that mean "not configured" (no bucket policy, no password policy...) are answers, given
  per call as ``absent`` error codes, and return None.
* S3 Control puts the account id in front of the host (``<account>.s3-control.<region>...``). With
  ``--endpoint-url`` (a test server, a private endpoint) that host usually does not exist, so the
  request is sent to the given endpoint itself, with the account in its ``x-amz-account-id`` header.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlsplit, urlunsplit

DENIED = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "AuthorizationErrorException",
        "NotAuthorized",
        "Forbidden",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "OptInRequired",
    }
)
THROTTLED = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
        "ProvisionedThroughputExceededException",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "PriorRequestNotComplete",
    }
)


@dataclass(frozen=True)
class Call:
    """One API call: the boto3 client and operation, and the IAM action that allows it."""

    service: str
    operation: str  # boto3 method name, e.g. get_bucket_encryption
    action: str  # IAM action, e.g. s3:GetEncryptionConfiguration

    @property
    def label(self) -> str:
        return self.action


class CallFailed(Exception):
    """A call that did not answer: ``kind`` is denied, throttled, unreachable or failed."""

    def __init__(self, call: Call, region: str, kind: str, detail: str):
        self.call, self.region, self.kind, self.detail = call, region, kind, detail
        where = f" in {region}" if region else ""
        super().__init__(f"{call.action}{where} was {_WORDS[kind]} ({detail})")


_WORDS = {"denied": "denied", "throttled": "throttled", "unreachable": "not reachable", "failed": "refused"}


@dataclass
class Api:
    """boto3 clients for every (service, region), and the one way to call them."""

    session: Any
    calls: dict[tuple[str, str], Call]
    endpoint_url: str | None = None
    max_attempts: int = 5
    timeout: float = 20.0
    #: Every call made: (IAM action, region), in order; for tests and the evidence.
    made: list[tuple[str, str]] = field(default_factory=list)
    #: Called once per call made (progress).
    on_call: Callable[[], None] | None = None
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        known = self._clients.get(key)  # a made client is used without waiting for others being made
        if known is not None:
            return known
        with self._lock:  # a boto3 session makes one client at a time
            if key not in self._clients:
                self._clients[key] = self._new_client(service, region)
            return self._clients[key]

    def _new_client(self, service: str, region: str) -> Any:
        from botocore.config import Config

        config = Config(
            retries={"mode": "standard", "max_attempts": self.max_attempts},
            connect_timeout=self.timeout,
            read_timeout=self.timeout,
            max_pool_connections=32,
            user_agent_extra="plinth-audit",
        )
        client = self.session.client(service, region_name=region or None, endpoint_url=self.endpoint_url, config=config)
        if service == "s3control" and self.endpoint_url:
            client.meta.events.register("before-sign.s3-control", _to_endpoint(self.endpoint_url))
        return client

    def declared(self, service: str, operation: str) -> Call:
        try:
            return self.calls[(service, operation)]
        except KeyError:
            raise KeyError(f"{service}.{operation} is not a declared audit call") from None

    def call(self, service: str, region: str, operation: str, *, absent: tuple[str, ...] = (), **kwargs: Any) -> Any:
        """The response of one call; None when the error code is one of ``absent``; CallFailed otherwise."""
        call = self.declared(service, operation)
        client = self.client(service, region)
        with self._lock:
            self.made.append((call.action, region))
        if self.on_call is not None:
            self.on_call()
        try:
            return getattr(client, operation)(**kwargs)
        except Exception as err:  # noqa: BLE001 - classified below; anything else is a failed call
            code = _code(err)
            if code in absent:
                return None
            raise CallFailed(call, region, _kind(err, code), code or type(err).__name__) from err

    def pages(self, service: str, region: str, operation: str, key: str, **kwargs: Any) -> list[Any]:
        """Every item of ``key`` across the pages of a list call."""
        call = self.declared(service, operation)
        client = self.client(service, region)
        items: list[Any] = []
        if not client.can_paginate(operation):
            response = self.call(service, region, operation, **kwargs)
            return list((response or {}).get(key) or [])
        try:
            for page in client.get_paginator(operation).paginate(**kwargs):
                with self._lock:
                    self.made.append((call.action, region))
                if self.on_call is not None:
                    self.on_call()
                items.extend(page.get(key) or [])
        except Exception as err:  # noqa: BLE001
            code = _code(err)
            raise CallFailed(call, region, _kind(err, code), code or type(err).__name__) from err
        return items


def _code(err: BaseException) -> str:
    response = getattr(err, "response", None)
    if isinstance(response, dict):
        return str((response.get("Error") or {}).get("Code") or "")
    return ""


def _kind(err: BaseException, code: str) -> str:
    from botocore import exceptions

    if code in DENIED:
        return "denied"
    if code in THROTTLED:
        return "throttled"
    if isinstance(err, (exceptions.EndpointConnectionError, exceptions.ConnectTimeoutError)):
        return "unreachable"
    if isinstance(err, (exceptions.ReadTimeoutError, exceptions.ConnectionClosedError)):
        return "unreachable"
    if isinstance(err, exceptions.NoCredentialsError):
        return "denied"
    return "failed"


def _to_endpoint(endpoint_url: str) -> Callable[..., None]:
    """A before-sign hook: S3 Control's ``<account>.<endpoint host>`` becomes the endpoint host itself."""
    host = urlsplit(endpoint_url).netloc

    def rewrite(request: Any, **_: Any) -> None:
        parts = urlsplit(request.url)
        if parts.netloc != host and parts.netloc.endswith("." + host):
            request.url = urlunsplit(parts._replace(netloc=host))

    return rewrite


def now() -> str:
    """The time evidence was read, UTC, to the second."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
