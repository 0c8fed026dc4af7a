"""Decode a resource once per analyzer call, not once per policy.

The policy SDK's analyzer turns a resource's protobuf properties into a dict, deserializes it
and wraps it in its unknown-checking proxy separately for every policy of the pack (and, in
AnalyzeStack, for every resource once per stack policy). The result is the same each time, so
within one Analyze or AnalyzeStack call Plinth's packs reuse it. Policies only read props, so
sharing the decoded value between them changes nothing but the time spent. Remediate, whose
policies build new props, is left as the SDK does it.

``install()`` is idempotent and does nothing when the SDK's internals are not where expected,
so a newer policy SDK degrades to its own behaviour instead of breaking the packs.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

_local = threading.local()
_installed = False


def _cache() -> dict | None:
    return getattr(_local, "cache", None)


class _JsonFormat:
    """Stands in for ``google.protobuf.json_format`` inside the policy SDK's module."""

    def __init__(self, real: Any):
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def MessageToDict(self, message: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N802 - protobuf's name
        cache = _cache()
        if cache is None or args or kwargs:
            return self._real.MessageToDict(message, *args, **kwargs)
        key = ("dict", message.SerializeToString(deterministic=True))
        if key not in cache:
            cache[key] = self._real.MessageToDict(message)
        return cache[key]


def _memo_by_identity(kind: str, fn: Any) -> Any:
    @functools.wraps(fn)
    def wrapper(value: Any, *args: Any) -> Any:
        cache = _cache()
        if cache is None:
            return fn(value, *args)
        key = (kind, id(value), args)
        hit = cache.get(key)
        if hit is None or hit[0] is not value:
            hit = (value, fn(value, *args))  # keep ``value`` alive so its id stays unique
            cache[key] = hit
        return hit[1]

    return wrapper


def _per_call(method: Any) -> Any:
    @functools.wraps(method)
    def wrapper(self: Any, request: Any, context: Any) -> Any:
        _local.cache = {}
        try:
            return method(self, request, context)
        finally:
            _local.cache = None

    return wrapper


def install() -> bool:
    """Patch the policy SDK's analyzer in this process; returns whether it applied."""
    global _installed
    if _installed:
        return True
    try:
        from pulumi_policy import policy as sdk

        servicer = sdk._PolicyAnalyzerServicer
        sdk.json_format = _JsonFormat(sdk.json_format)
        sdk.deserialize_properties = _memo_by_identity("deserialized", sdk.deserialize_properties)
        sdk.unknown_checking_proxy = _memo_by_identity("proxy", sdk.unknown_checking_proxy)
        setattr(servicer, "Analyze", _per_call(servicer.Analyze))
        setattr(servicer, "AnalyzeStack", _per_call(servicer.AnalyzeStack))
    except (ImportError, AttributeError):
        return False
    _installed = True
    return True
