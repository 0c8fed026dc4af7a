"""The Velero restore drill: restore a tenant namespace's latest backup into a scratch namespace, check it, time it.

This file is shipped verbatim in a ConfigMap and run by the drill CronJob (``python3 drill.py``) in any
Python 3.11+ image: standard library only, no Kubernetes client. It talks to the API server with the
short-lived projected token its pod mounts (the pod mounts no automatic token).

One run:
1. delete a scratch namespace left by an earlier run, if any, and wait until it is gone;
2. create a Velero ``Restore`` from the tenant's schedule (Velero picks the newest successful backup of
   that schedule) with the tenant namespace mapped to the scratch namespace, workloads excluded unless
   asked (so no second copy of the tenant's pods starts);
3. wait for the restore to finish, at most ``DRILL_TIMEOUT_SECONDS``;
4. check that it completed without errors and that the objects every tenant namespace has came back;
5. record the result and the measured restore time on the Restore object (annotations
   ``plinth.dev/drill-*``), compare it with the declared RTO, print one JSON line, and
6. delete the scratch namespace, whatever happened.
Exit code 0 only when the restore passed within the RTO.
"""

from __future__ import annotations

import json
import os
import ssl
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Callable

API_GROUP = "velero.io/v1"
TOKEN_PATH = "/var/run/secrets/plinth/api/token"
CA_PATH = "/var/run/secrets/plinth/api/ca.crt"
DRILL_LABEL = "plinth.dev/restore-drill"
ANNOTATION_PREFIX = "plinth.dev/drill-"
#: Velero restore phases after which nothing changes any more.
TERMINAL = frozenset({"Completed", "PartiallyFailed", "Failed", "FailedValidation"})
#: Where each expected kind is read (core group or its API group path).
PATHS = {
    "serviceaccounts": "/api/v1/namespaces/{ns}/serviceaccounts/{name}",
    "resourcequotas": "/api/v1/namespaces/{ns}/resourcequotas/{name}",
    "limitranges": "/api/v1/namespaces/{ns}/limitranges/{name}",
    "networkpolicies": "/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies/{name}",
}


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


@dataclass
class Config:
    velero_namespace: str
    schedule: str
    tenant: str
    source_namespace: str
    scratch_namespace: str
    expected: list[tuple[str, str]]
    excluded_resources: list[str]
    rto_seconds: int
    timeout_seconds: int
    poll_seconds: float = 10.0

    @classmethod
    def from_env(cls, env: dict[str, str]) -> "Config":
        return cls(
            velero_namespace=env["VELERO_NAMESPACE"],
            schedule=env["DRILL_SCHEDULE"],
            tenant=env["DRILL_TENANT"],
            source_namespace=env["DRILL_SOURCE_NAMESPACE"],
            scratch_namespace=env["DRILL_SCRATCH_NAMESPACE"],
            expected=[(kind, name) for kind, name in json.loads(env.get("DRILL_EXPECTED", "[]"))],
            excluded_resources=list(json.loads(env.get("DRILL_EXCLUDED_RESOURCES", "[]"))),
            rto_seconds=int(env["DRILL_RTO_SECONDS"]),
            timeout_seconds=int(env["DRILL_TIMEOUT_SECONDS"]),
            poll_seconds=float(env.get("DRILL_POLL_SECONDS", "10")),
        )


@dataclass
class Api:
    """The few API calls the drill makes, over HTTPS with a bearer token (plain HTTP only for tests)."""

    base: str
    token: str
    context: ssl.SSLContext | None = None

    def call(self, method: str, path: str, body: Any = None, content_type: str = "application/json") -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, context=self.context, timeout=30) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as err:
            raise ApiError(err.code, err.read().decode(errors="replace")[:300]) from None
        return json.loads(text) if text else None

    @classmethod
    def in_cluster(cls, env: dict[str, str]) -> "Api":
        base = env.get("KUBERNETES_API") or f"https://{env['KUBERNETES_SERVICE_HOST']}:{env['KUBERNETES_SERVICE_PORT']}"
        with open(env.get("DRILL_TOKEN_PATH", TOKEN_PATH), encoding="utf-8") as handle:
            token = handle.read().strip()
        context = None
        if base.startswith("https://"):
            context = ssl.create_default_context(cafile=env.get("DRILL_CA_PATH", CA_PATH))
        return cls(base, token, context)


def restore_manifest(config: Config) -> dict[str, Any]:
    """The Velero Restore a drill creates (validated against the upstream CRD schema in the tests)."""
    spec: dict[str, Any] = {
        "scheduleName": config.schedule,
        "includedNamespaces": [config.source_namespace],
        "namespaceMapping": {config.source_namespace: config.scratch_namespace},
        "restorePVs": True,
        "existingResourcePolicy": "none",
    }
    if config.excluded_resources:
        spec["excludedResources"] = list(config.excluded_resources)
    return {
        "apiVersion": API_GROUP,
        "kind": "Restore",
        "metadata": {
            "generateName": f"drill-{config.tenant}-",
            "namespace": config.velero_namespace,
            "labels": {DRILL_LABEL: config.tenant},
        },
        "spec": spec,
    }


@dataclass
class Outcome:
    restore: str = ""
    backup: str = ""
    phase: str = ""
    seconds: float = 0.0
    missing: list[str] = field(default_factory=list)
    errors: int = 0
    reason: str = ""

    def result(self, rto_seconds: int) -> str:
        if self.reason or self.phase != "Completed" or self.errors or self.missing:
            return "failed"
        return "rto-exceeded" if self.seconds > rto_seconds else "passed"


def _restores(config: Config) -> str:
    return f"/apis/{API_GROUP}/namespaces/{config.velero_namespace}/restores"


def _delete_scratch(api: Api, config: Config, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
    """Delete the scratch namespace and wait (bounded) until the API no longer has it."""
    path = f"/api/v1/namespaces/{config.scratch_namespace}"
    try:
        api.call("DELETE", path)
    except ApiError as err:
        if err.status == 404:
            return
        raise
    deadline = clock() + config.timeout_seconds
    while clock() < deadline:
        try:
            api.call("GET", path)
        except ApiError as err:
            if err.status == 404:
                return
            raise
        sleep(config.poll_seconds)
    raise TimeoutError(f"namespace {config.scratch_namespace} was still terminating after {config.timeout_seconds}s")


def run(
    api: Api,
    config: Config,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[Outcome, str]:
    """One drill; returns what happened and the verdict (``passed``, ``rto-exceeded`` or ``failed``)."""
    outcome = Outcome()
    try:
        _delete_scratch(api, config, clock, sleep)
        start = clock()
        created = api.call("POST", _restores(config), restore_manifest(config))
        outcome.restore = created["metadata"]["name"]
        status: dict[str, Any] = {}
        while clock() - start < config.timeout_seconds:
            current = api.call("GET", f"{_restores(config)}/{outcome.restore}")
            status = current.get("status") or {}
            outcome.backup = (current.get("spec") or {}).get("backupName", "")
            if status.get("phase") in TERMINAL:
                break
            sleep(config.poll_seconds)
        outcome.seconds = round(clock() - start, 1)
        outcome.phase = str(status.get("phase") or "Timeout")
        outcome.errors = int(status.get("errors") or 0)
        if outcome.phase == "Completed":
            outcome.missing = _missing(api, config)
    except (ApiError, TimeoutError, KeyError, OSError) as err:
        outcome.reason = f"{type(err).__name__}: {err}"
    verdict = outcome.result(config.rto_seconds)
    if outcome.restore:
        try:
            _record(api, config, outcome, verdict)
        except (ApiError, OSError) as err:
            outcome.reason = outcome.reason or f"recording the result: {type(err).__name__}: {err}"
            verdict = "failed"
    try:
        _delete_scratch(api, config, clock, sleep)
    except (ApiError, TimeoutError, OSError) as err:
        outcome.reason = outcome.reason or f"cleanup: {type(err).__name__}: {err}"
        verdict = "failed"
    return outcome, verdict


def _missing(api: Api, config: Config) -> list[str]:
    missing = []
    for kind, name in config.expected:
        try:
            api.call("GET", PATHS[kind].format(ns=config.scratch_namespace, name=name))
        except ApiError as err:
            if err.status != 404:
                raise
            missing.append(f"{kind}/{name}")
    return missing


def _record(api: Api, config: Config, outcome: Outcome, verdict: str) -> None:
    """The drill's evidence, on the Restore object itself (kept until Velero collects its backup)."""
    annotations = {
        f"{ANNOTATION_PREFIX}result": verdict,
        f"{ANNOTATION_PREFIX}duration-seconds": str(outcome.seconds),
        f"{ANNOTATION_PREFIX}rto-seconds": str(config.rto_seconds),
        f"{ANNOTATION_PREFIX}missing": ",".join(outcome.missing),
    }
    api.call(
        "PATCH",
        f"{_restores(config)}/{outcome.restore}",
        {"metadata": {"annotations": annotations}},
        content_type="application/merge-patch+json",
    )


def main() -> int:
    env = dict(os.environ)
    config = Config.from_env(env)
    outcome, verdict = run(Api.in_cluster(env), config)
    print(
        json.dumps(
            {
                "tenant": config.tenant,
                "result": verdict,
                "restore": outcome.restore,
                "backup": outcome.backup,
                "phase": outcome.phase,
                "durationSeconds": outcome.seconds,
                "rtoSeconds": config.rto_seconds,
                "errors": outcome.errors,
                "missing": outcome.missing,
                "reason": outcome.reason,
            },
            sort_keys=True,
        ),
        flush=True,
    )
    return 0 if verdict == "passed" else 1


if __name__ == "__main__":
    sys.exit(main())
