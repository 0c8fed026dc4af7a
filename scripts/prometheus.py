"""A small client for the Prometheus and Alertmanager HTTP APIs (what ``plinth health`` and
``plinth rightsize`` read).

* Prometheus HTTP API v1 (https://prometheus.io/docs/prometheus/latest/querying/api/): instant
  ``query``, ``query_range``, ``alerts`` and ``targets``; every answer is the envelope
  ``{"status": "success" | "error", "data": ..., "errorType", "error"}``.
* Alertmanager API v2 (``/api/v2/alerts``, the OpenAPI spec in prometheus/alertmanager ``api/v2``).

Every failure is a :class:`~scripts.console.PlinthError` (exit 2) of one line naming the server
and what went wrong: not a URL, unreachable, timed out, HTTP status (401/403: the credentials;
404: not that API, check the URL), not JSON, or JSON of the wrong shape. Connection failures,
timeouts and 5xx answers (502/503/504 from a proxy) are retried a few times with a short backoff.

Credentials never come from the command line (it is visible in ``ps`` and shell history): a bearer
token or ``user:password`` from a file named by an option, or from the environment
(``PLINTH_PROMETHEUS_TOKEN``, ``PLINTH_PROMETHEUS_USERNAME``/``PLINTH_PROMETHEUS_PASSWORD``; the
same with ``ALERTMANAGER`` for Alertmanager).
"""

from __future__ import annotations

import base64
import json
import math
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from scripts.console import PlinthError, UsageError

DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 2
#: Seconds before the first retry; doubled for each further one.
BACKOFF = 0.5


@dataclass(frozen=True)
class Credentials:
    """How to authenticate: ``Authorization: Bearer <token>`` or ``Basic <user:password>``."""

    scheme: str = ""  # "", "Bearer" or "Basic"
    secret: str = field(default="", repr=False)
    origin: str = ""

    def header(self) -> dict[str, str]:
        if not self.scheme:
            return {}
        if self.scheme == "Basic":
            return {"Authorization": "Basic " + base64.b64encode(self.secret.encode()).decode()}
        return {"Authorization": f"Bearer {self.secret}"}


def _read_secret(path: Path, option: str) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as err:
        raise UsageError(f"{path}: cannot read {option}: {err.strerror or err}") from err
    except UnicodeDecodeError as err:
        raise UsageError(f"{path}: {option} is not UTF-8 text") from err
    if not text or "\n" in text:
        raise UsageError(f"{path}: {option} must hold exactly one non-empty line")
    return text


def credentials(
    server: str, *, token_file: Path | None = None, basic_auth_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Credentials:  # fmt: skip
    """Credentials for ``server`` (``prometheus`` or ``alertmanager``): a file option wins over the
    environment; a basic-auth file holds ``user:password`` on one line."""
    env = os.environ if environ is None else environ
    prefix = f"PLINTH_{server.upper()}_"
    if token_file is not None and basic_auth_file is not None:
        raise UsageError(f"--{server}-token-file and --{server}-basic-auth-file exclude each other: use one")
    if token_file is not None:
        return Credentials("Bearer", _read_secret(token_file, f"--{server}-token-file"), str(token_file))
    if basic_auth_file is not None:
        secret = _read_secret(basic_auth_file, f"--{server}-basic-auth-file")
        if ":" not in secret:
            raise UsageError(f"{basic_auth_file}: --{server}-basic-auth-file must hold user:password")
        return Credentials("Basic", secret, str(basic_auth_file))
    if env.get(prefix + "TOKEN"):
        return Credentials("Bearer", env[prefix + "TOKEN"], prefix + "TOKEN")
    user, password = env.get(prefix + "USERNAME"), env.get(prefix + "PASSWORD")
    if user or password:
        if not (user and password):
            raise UsageError(f"set both {prefix}USERNAME and {prefix}PASSWORD, or neither")
        return Credentials("Basic", f"{user}:{password}", prefix + "USERNAME")
    return Credentials()


def check_url(url: str, option: str) -> str:
    """``url`` without a trailing slash, or a UsageError naming the option."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise UsageError(f"{option} {url!r}: not an http(s) URL such as http://prometheus.monitoring:9090")
    return url.rstrip("/")


@dataclass(frozen=True)
class Sample:
    """One series of an instant vector: its labels and value (NaN and +-Inf as Prometheus sends them)."""

    labels: dict[str, str]
    value: float


class Server:
    """One HTTP API server: GET JSON with timeouts, retries and one-line errors."""

    kind = "server"

    def __init__(
        self, url: str, *, creds: Credentials | None = None, timeout: float = DEFAULT_TIMEOUT,
        retries: int = DEFAULT_RETRIES, option: str = "--url",
    ) -> None:  # fmt: skip
        self.url = check_url(url, option)
        self.creds = creds or Credentials()
        self.timeout = timeout
        self.retries = retries

    def fail(self, what: str, path: str = "") -> PlinthError:
        return PlinthError(f"{self.kind} at {self.url}{path}: {what}")

    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        request = urllib.request.Request(
            self.url + path + query, headers={"Accept": "application/json", **self.creds.header()}
        )
        for attempt in range(self.retries + 1):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body = response.read()
                break
            except urllib.error.HTTPError as err:
                if err.code >= 500 and attempt < self.retries:
                    time.sleep(BACKOFF * 2**attempt)
                    continue
                raise self._http_error(err, path) from err
            except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError) as err:
                if attempt < self.retries:
                    time.sleep(BACKOFF * 2**attempt)
                    continue
                reason = getattr(err, "reason", err)
                if isinstance(reason, (socket.timeout, TimeoutError)):
                    raise self.fail(f"timed out after {self.timeout:g}s") from err
                raise self.fail(f"unreachable: {getattr(reason, 'strerror', None) or reason}") from err
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError) as err:
            raise self.fail(f"malformed response: not JSON (is this the {self.kind} URL?)", path) from err

    def _http_error(self, err: urllib.error.HTTPError, path: str) -> PlinthError:
        detail = ""
        try:
            doc = json.loads(err.read() or b"{}")
            detail = f": {doc.get('error') or doc.get('message') or ''}".rstrip(": ") if isinstance(doc, dict) else ""
        except (ValueError, OSError):
            pass
        if err.code in (401, 403):
            how = f"the credentials from {self.creds.origin}" if self.creds.origin else "no credentials"
            return self.fail(f"HTTP {err.code}: access refused with {how}", path)
        if err.code == 404:
            return self.fail(f"HTTP 404: no {self.kind} API here; check the URL (and any path prefix)", path)
        return self.fail(f"HTTP {err.code}{detail}", path)


def _number(value: Any) -> float:
    """A sample value: Prometheus sends numbers as strings (``"NaN"``, ``"+Inf"`` included)."""
    return float(value)


class Prometheus(Server):
    kind = "Prometheus"

    def __init__(self, url: str, **options: Any) -> None:
        super().__init__(url, option="--prometheus", **options)

    def api(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """``data`` of an API v1 answer; ``status: error`` (a bad query) is an error naming the query."""
        doc = self.get_json(path, params)
        if not isinstance(doc, dict) or doc.get("status") not in ("success", "error"):
            raise self.fail("malformed response: not a Prometheus API answer (no status)", path)
        if doc["status"] == "error":
            what = f" for {params['query']!r}" if params and "query" in params else ""
            raise self.fail(f"{doc.get('errorType', 'error')}{what}: {doc.get('error', '')}", path)
        if "data" not in doc:
            raise self.fail("malformed response: no data", path)
        return doc["data"]

    def query(self, expr: str, at: float | None = None) -> list[Sample]:
        """An instant query that must return a vector (every series with its labels and value)."""
        params = {"query": expr, **({"time": f"{at:.3f}"} if at is not None else {})}
        data = self.api("/api/v1/query", params)
        try:
            if data["resultType"] != "vector":
                raise TypeError(f"a {data['resultType']}, not a vector")
            return [Sample(dict(item["metric"]), _number(item["value"][1])) for item in data["result"]]
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as err:
            raise self.fail(f"malformed response to {expr!r}: {err}", "/api/v1/query") from err

    def value(self, expr: str, at: float | None = None) -> float | None:
        """The single value of a query that returns one series (None when it returns nothing)."""
        samples = self.query(expr, at)
        return samples[0].value if samples else None

    def query_range(self, expr: str, start: float, end: float, step: float) -> list[tuple[dict[str, str], list[float]]]:
        data = self.api(
            "/api/v1/query_range", {"query": expr, "start": f"{start:.3f}", "end": f"{end:.3f}", "step": f"{step:g}"}
        )
        try:
            return [(dict(s["metric"]), [_number(v[1]) for v in s["values"]]) for s in data["result"]]
        except (KeyError, IndexError, TypeError, ValueError) as err:
            raise self.fail(f"malformed response to {expr!r}: {err}", "/api/v1/query_range") from err

    def alerts(self) -> list[dict[str, Any]]:
        """Alerts of the alerting rules (``state``: pending or firing), each with labels and annotations."""
        data = self.api("/api/v1/alerts")
        alerts = data.get("alerts") if isinstance(data, dict) else None
        if not isinstance(alerts, list) or not all(isinstance(a, dict) and "labels" in a for a in alerts):
            raise self.fail("malformed response: no list of alerts", "/api/v1/alerts")
        return alerts

    def targets(self) -> list[dict[str, Any]]:
        """Active scrape targets, each with ``labels``, ``discoveredLabels``, ``health``, ``lastError``."""
        data = self.api("/api/v1/targets", {"state": "active"})
        targets = data.get("activeTargets") if isinstance(data, dict) else None
        if not isinstance(targets, list) or not all(isinstance(t, dict) and "health" in t for t in targets):
            raise self.fail("malformed response: no list of active targets", "/api/v1/targets")
        return targets


class Alertmanager(Server):
    kind = "Alertmanager"

    def __init__(self, url: str, **options: Any) -> None:
        super().__init__(url, option="--alertmanager", **options)

    def alerts(self) -> list[dict[str, Any]]:
        """Active alerts that are neither silenced nor inhibited (what would notify someone now)."""
        path = "/api/v2/alerts"
        doc = self.get_json(path, {"active": "true", "silenced": "false", "inhibited": "false"})
        if not isinstance(doc, list) or not all(isinstance(a, dict) and isinstance(a.get("labels"), dict) for a in doc):
            raise self.fail("malformed response: not a list of alerts", path)
        return doc


def finite(value: float | None) -> float | None:
    """``value`` unless it is NaN or infinite (a ratio over no traffic), as None."""
    return value if value is not None and math.isfinite(value) else None
