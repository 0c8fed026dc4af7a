"""Run a CrossGuard policy pack the way the Pulumi engine does and talk the Analyzer protocol.

The pack is started as ``python -u -m pulumi.policy <engine> <packDir>`` with the stack's
``PULUMI_CONFIG``, ``PULUMI_PROJECT``, ``PULUMI_STACK`` and ``PULUMI_DRY_RUN``; it prints the
port of its Analyzer gRPC server on stdout. Calls: GetAnalyzerInfo, ConfigureStack, Configure,
Remediate, Analyze per resource, AnalyzeStack. A Plinth pack also describes itself in the file
``PLINTH_POLICY_DESCRIBE`` names (see :mod:`scripts.gate.describe`).

Every process started here is stopped by :meth:`Pack.close`, and at the latest when the
Python process exits.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from scripts.gate import describe
from scripts.gate.config import PolicyDescriptor, Resolved
from scripts.gate.errors import PackError
from scripts.gate.messages import NOT_CHECKED_PREFIX
from scripts.gate.resources import Resource
from scripts.pulumi_json import LEVEL_NAMES, LEVEL_VALUES, SEVERITY_NAMES, is_provider_type, provider_urn

__all__ = [
    "LEVEL_NAMES",
    "LEVEL_VALUES",
    "SEVERITY_NAMES",
    "Pack",
    "PackError",
    "PackInfo",
    "PolicyInfo",
    "Diagnostic",
    "analyze_request",
    "analyze_stack_request",
    "providers_by_urn",
    "to_struct",
]

STARTUP_SECONDS = 60.0
#: Analyze requests kept in flight per pack; hides the round trip behind the pack's work.
WINDOW = 64
_GRPC_OPTIONS = [
    ("grpc.max_receive_message_length", 256 * 1024 * 1024),
    ("grpc.max_send_message_length", 256 * 1024 * 1024),
]
_LIVE: set["Pack"] = set()
_LIVE_LOCK = threading.Lock()


@dataclass
class PolicyInfo:
    name: str
    description: str
    enforcement_level: str
    severity: str
    tags: list[str]
    remediation: str
    policy_type: str  # "resource" | "stack"
    config_schema: dict[str, Any] = field(default_factory=dict)

    @property
    def frameworks(self) -> list[str]:
        return [t for t in self.tags if ":" in t]


@dataclass
class PackInfo:
    name: str
    version: str
    policies: dict[str, PolicyInfo]
    initial_config: dict[str, Any]

    def descriptors(self) -> list[PolicyDescriptor]:
        return [PolicyDescriptor(p.name, p.enforcement_level, p.config_schema) for p in self.policies.values()]

    def has(self, policy_type: str) -> bool:
        return any(p.policy_type == policy_type for p in self.policies.values())


@dataclass
class Diagnostic:
    policy: str
    message: str
    enforcement_level: str
    urn: str
    severity: str
    description: str = ""


def to_struct(value: dict[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(value)
    return s


def _options(r: Resource) -> analyzer_pb2.AnalyzerResourceOptions:
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=r.protect,
        ignoreChanges=r.ignore_changes,
        additionalSecretOutputs=r.additional_secret_outputs,
        parent=r.parent,
    )


class Pack:
    """One running policy pack process and its Analyzer client."""

    def __init__(
        self,
        directory: Path,
        *,
        project: str,
        stack: str,
        config: dict[str, Any],
        dry_run: bool,
        reconfigure: bool = False,
    ):
        self.directory = Path(directory).resolve()
        #: Ask a Plinth pack to adopt the stack of each ConfigureStack (one process for many stacks).
        self.reconfigure = reconfigure
        #: "main" (resource policies, or everything) or "stack" (the second process for stack policies).
        self.role = "main"
        if not (self.directory / "PulumiPolicy.yaml").is_file():
            raise PackError(f"{directory}: not a policy pack (no PulumiPolicy.yaml)")
        self.project, self.stack, self.config, self.dry_run = project, stack, config, dry_run
        self.process: subprocess.Popen[str] | None = None
        self.channel: grpc.Channel | None = None
        self.stderr: deque[str] = deque(maxlen=40)
        self.info: PackInfo | None = None
        self.description: describe.PackDescription | None = None
        self.routing = describe.Routing()
        self.resolved: dict[str, Resolved] = {}
        self._workdir: str | None = None
        self._lock = threading.Lock()
        self._closed = False

    @property
    def name(self) -> str:
        return self.directory.name

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None and self.channel is not None

    @property
    def reconfigurable(self) -> bool:
        """Whether this running pack serves one stack after another (it said so in its description)."""
        return self.reconfigure and self.description is not None and self.description.reconfigurable

    def retarget(self, *, project: str, stack: str, config: dict[str, Any], dry_run: bool) -> None:
        """The stack the next :meth:`configure` sends (a reconfigurable pack adopts it)."""
        self.project, self.stack, self.config, self.dry_run = project, stack, config, dry_run

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> "Pack":
        self._workdir = tempfile.mkdtemp(prefix="plinth-pack-")
        describe_file = Path(self._workdir) / "describe.json"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_") and k != describe.ENV}
        env.update(
            PULUMI_CONFIG=json.dumps(self.config),
            PULUMI_PROJECT=self.project,
            PULUMI_STACK=self.stack,
            PULUMI_DRY_RUN="true" if self.dry_run else "false",
            PYTHONUNBUFFERED="1",
        )
        env[describe.ENV] = str(describe_file)
        if self.reconfigure:
            env[describe.RECONFIGURE_ENV] = "1"
        with _LIVE_LOCK:
            _LIVE.add(self)
        with self._lock:  # a pack closed while starting never leaves a process behind
            if self._closed:
                raise PackError(f"{self.name}: stopped before it started")
            # The engine passes its own address for logging; the offline gate has no engine, and
            # policy packs only log through it on failure, which surfaces here via stderr.
            self.process = subprocess.Popen(
                [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(self.directory)],
                cwd=self.directory,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        port = self._wait_for_port()
        self.description = describe.read(describe_file)
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=_GRPC_OPTIONS)
        return self

    def _wait_for_port(self) -> str:
        assert self.process is not None and self.process.stdout is not None and self.process.stderr is not None
        stdout, stderr = self.process.stdout, self.process.stderr
        first: list[str] = []
        ready = threading.Event()

        def read_stdout() -> None:
            for line in stdout:
                if not first:
                    first.append(line.strip())
                    ready.set()
            ready.set()

        def read_stderr() -> None:
            for line in stderr:
                self.stderr.append(line.rstrip())

        threading.Thread(target=read_stdout, daemon=True).start()
        threading.Thread(target=read_stderr, daemon=True).start()
        started = ready.wait(STARTUP_SECONDS)
        port = first[0] if first else ""
        if port.isdigit():
            return port
        alive = self.process.poll() is None
        self.close()
        if not started and alive:
            raise PackError(f"{self.name}: the pack did not start within {STARTUP_SECONDS:g} s (timeout)")
        raise PackError(f"{self.name}: the pack did not start: {self._last_error()}")

    def _last_error(self) -> str:
        lines = [line for line in self.stderr if line.strip()]
        for line in reversed(lines):
            if "Error" in line or "error" in line:
                return line.strip()
        code = self.process.poll() if self.process is not None else None
        return lines[-1].strip() if lines else f"exit code {code}"

    def close(self) -> None:
        with self._lock:
            self._closed = True
        if self.channel is not None:
            self.channel.close()
            self.channel = None
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
        with _LIVE_LOCK:
            _LIVE.discard(self)

    def _stub(self) -> analyzer_pb2_grpc.AnalyzerStub:
        if self.channel is None:
            raise PackError(f"{self.name}: the pack is not running")
        return analyzer_pb2_grpc.AnalyzerStub(self.channel)

    def _failed(self, what: str, err: grpc.RpcError) -> PackError:
        return PackError(f"{self.name}: {what} failed: {err.details() or err.code()} {self._last_error()}".rstrip())

    def _call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self._stub(), method)(request)
        except grpc.RpcError as err:
            raise self._failed(method, err) from err

    def _died(self, err: grpc.RpcError) -> bool:
        if err.code() == grpc.StatusCode.UNAVAILABLE:
            return True
        try:
            assert self.process is not None
            self.process.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            return False
        return True

    # -- protocol --------------------------------------------------------------------------
    def get_info(self) -> PackInfo:
        info = self._call("GetAnalyzerInfo", empty_pb2.Empty())
        policies = {}
        for p in info.policies:
            schema = json_format.MessageToDict(p.configSchema.properties) if p.HasField("configSchema") else {}
            required = list(p.configSchema.required) if p.HasField("configSchema") else []
            policies[p.name] = PolicyInfo(
                name=p.name,
                description=p.description,
                enforcement_level=LEVEL_NAMES[p.enforcementLevel],
                severity=SEVERITY_NAMES.get(p.severity, ""),
                tags=list(p.tags),
                remediation=p.remediation_steps,
                policy_type="stack" if p.policy_type == analyzer_pb2.POLICY_TYPE_STACK else "resource",
                config_schema={"properties": schema, "required": required},
            )
        initial = {}
        for key, cfg in info.initialConfig.items():
            value = json_format.MessageToDict(cfg.properties)
            value["enforcementLevel"] = LEVEL_NAMES[cfg.enforcementLevel]
            initial[key] = value
        # The CLI takes a Python pack's version from PulumiPolicy.yaml (the SDK always says 0.0.1).
        version = (
            (self.description.version if self.description else "")
            or self._declared_version()
            or info.version
            or "0.0.1"
        )
        self.info = PackInfo(name=info.name, version=version, policies=policies, initial_config=initial)
        self.routing = describe.routing(self.description, {n: p.policy_type for n, p in policies.items()})
        return self.info

    def _declared_version(self) -> str | None:
        import yaml

        try:
            doc = yaml.safe_load((self.directory / "PulumiPolicy.yaml").read_text()) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            return None
        version = doc.get("version") if isinstance(doc, dict) else None
        return str(version) if version is not None else None

    def configure(self, resolved: dict[str, Resolved], stack_tags: dict[str, str] | None = None) -> None:
        self.resolved = resolved
        self._call(
            "ConfigureStack",
            analyzer_pb2.AnalyzerStackConfigureRequest(
                stack=self.stack,
                project=self.project,
                organization="organization",
                dry_run=self.dry_run,
                config={k: str(v) for k, v in self.config.items()},
                tags=stack_tags or {},
            ),
        )
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, value in resolved.items():
            request.policyConfig[name].CopyFrom(
                analyzer_pb2.PolicyConfig(
                    enforcementLevel=analyzer_pb2.EnforcementLevel.Value(value.enforcement_level.upper()),
                    properties=to_struct(value.properties),
                )
            )
        self._call("Configure", request)

    def remediate(self, resources: list[Resource], providers: dict[str, Resource]) -> dict[str, list[tuple[str, str]]]:
        """Run remediate-level policies; returns per URN the (policy, description) that changed it.

        Changed properties replace the resource's properties, as the engine does before Analyze.
        """
        changed: dict[str, list[tuple[str, str]]] = {}
        for r in resources:
            response = self._call("Remediate", analyze_request(r, providers))
            for rem in response.remediations:
                if rem.HasField("properties"):
                    r.properties = json_format.MessageToDict(rem.properties)
                    changed.setdefault(r.urn, []).append((rem.policyName, rem.description))
        return changed

    def analyze(
        self, requests: list[tuple[str, bytes]], on_done: Callable[[int], None] | None = None
    ) -> list[Diagnostic]:
        """Analyze each resource (pre-serialized requests), keeping up to WINDOW in flight.

        A resource the pack fails on (while the pack keeps running) becomes one "not checked"
        diagnostic for that resource; the rest of the resources are still analysed.
        """
        out: list[Diagnostic] = []
        pending: deque[tuple[str, Any]] = deque()
        if self.channel is None:
            raise PackError(f"{self.name}: the pack is not running")
        call = self.channel.unary_unary(
            "/pulumirpc.Analyzer/Analyze",
            request_serializer=None,
            response_deserializer=analyzer_pb2.AnalyzeResponse.FromString,
        )

        def collect(urn: str, future: Any) -> None:
            try:
                out.extend(self._diagnostics(future.result(), urn))
            except grpc.RpcError as err:
                if self._died(err):
                    raise self._failed(f"Analyze of {urn}", err) from err
                reason = " ".join(str(err.details() or err.code()).split())
                out.append(
                    Diagnostic("", f"{NOT_CHECKED_PREFIX} the pack failed on this resource: {reason}", "", urn, "")
                )
            if on_done is not None:
                on_done(1)

        for urn, payload in requests:
            pending.append((urn, call.future(payload)))
            if len(pending) >= WINDOW:
                collect(*pending.popleft())
        while pending:
            collect(*pending.popleft())
        return out

    def analyze_stack(self, payload: bytes) -> list[Diagnostic]:
        """AnalyzeStack with a pre-serialized request (built once for every pack that reads the same types)."""
        if self.channel is None:
            raise PackError(f"{self.name}: the pack is not running")
        call = self.channel.unary_unary(
            "/pulumirpc.Analyzer/AnalyzeStack",
            request_serializer=None,
            response_deserializer=analyzer_pb2.AnalyzeResponse.FromString,
        )
        try:
            return self._diagnostics(call(payload), "")
        except grpc.RpcError as err:
            raise self._failed("AnalyzeStack", err) from err

    @staticmethod
    def _diagnostics(response: Any, urn: str) -> list[Diagnostic]:
        return [
            Diagnostic(
                policy=d.policyName,
                message=d.message,
                enforcement_level=LEVEL_NAMES[d.enforcementLevel],
                # A policy that could not run during preview reports no URN: it is the resource analysed.
                urn=d.urn or urn,
                severity=SEVERITY_NAMES.get(d.severity, ""),
                description=d.description,
            )
            for d in response.diagnostics
        ]


@atexit.register
def close_all() -> None:
    """Stop every pack process still running (the last exit path: an exception nobody caught)."""
    with _LIVE_LOCK:
        live = list(_LIVE)
    for pack in live:
        pack.close()


def _provider(r: Resource, providers: dict[str, Resource]) -> Any:
    """The resource's provider as the analyzer receives it, or None (default or unknown provider)."""
    provider = providers.get(provider_urn(r.provider)) if r.provider else None
    if provider is None:
        return None
    return analyzer_pb2.AnalyzerProviderResource(
        type=provider.type, properties=to_struct(provider.properties), urn=provider.urn, name=provider.name
    )


def analyze_request(r: Resource, providers: dict[str, Resource]) -> Any:
    request = analyzer_pb2.AnalyzeRequest(
        type=r.type, properties=to_struct(r.properties), urn=r.urn, name=r.name, options=_options(r)
    )
    provider = _provider(r, providers)
    if provider is not None:
        request.provider.CopyFrom(provider)
    return request


def analyze_stack_request(resources: list[Resource], providers: dict[str, Resource]) -> Any:
    request = analyzer_pb2.AnalyzeStackRequest()
    for r in resources:
        item = request.resources.add()
        item.type, item.urn, item.name, item.parent = r.type, r.urn, r.name, r.parent
        item.properties.CopyFrom(to_struct(r.properties))
        item.options.CopyFrom(_options(r))
        item.dependencies.extend(r.dependencies)
        for key, urns in r.property_dependencies.items():
            item.propertyDependencies[key].urns.extend(urns)
        provider = _provider(r, providers)
        if provider is not None:
            item.provider.CopyFrom(provider)
    return request


def providers_by_urn(resources: list[Resource]) -> dict[str, Resource]:
    return {r.urn: r for r in resources if is_provider_type(r.type)}
