"""Run a CrossGuard policy pack the way the Pulumi engine does and talk the Analyzer protocol.

The pack is started as ``python -u -m pulumi.policy <engine> <packDir>`` with the stack's
``PULUMI_CONFIG``, ``PULUMI_PROJECT``, ``PULUMI_STACK`` and ``PULUMI_DRY_RUN``; it prints the
port of its Analyzer gRPC server on stdout. Calls: GetAnalyzerInfo, ConfigureStack, Configure,
Remediate, Analyze per resource, AnalyzeStack.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from scripts.gate.config import PolicyDescriptor, Resolved
from scripts.gate.resources import PROVIDER_PREFIX, Resource

LEVEL_NAMES = {analyzer_pb2.ADVISORY: "advisory", analyzer_pb2.MANDATORY: "mandatory", analyzer_pb2.DISABLED: "disabled", analyzer_pb2.REMEDIATE: "remediate"}
LEVEL_VALUES = {v: k for k, v in LEVEL_NAMES.items()}
SEVERITY_NAMES = {0: "", 1: "low", 2: "medium", 3: "high", 4: "critical"}
STARTUP_SECONDS = 60
#: Analyze requests kept in flight per pack; hides the round trip behind the pack's work.
WINDOW = 64
_GRPC_OPTIONS = [("grpc.max_receive_message_length", 256 * 1024 * 1024), ("grpc.max_send_message_length", 256 * 1024 * 1024)]


class PackError(Exception):
    """The pack could not be started or crashed; the message says which pack and why."""


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


@dataclass
class Diagnostic:
    policy: str
    message: str
    enforcement_level: str
    urn: str
    severity: str


def to_struct(value: dict[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(value)
    return s


def _options(r: Resource) -> analyzer_pb2.AnalyzerResourceOptions:
    return analyzer_pb2.AnalyzerResourceOptions(
        protect=r.protect, ignoreChanges=r.ignore_changes, additionalSecretOutputs=r.additional_secret_outputs, parent=r.parent
    )


class Pack:
    """One running policy pack process and its Analyzer client."""

    def __init__(self, directory: Path, *, project: str, stack: str, config: dict[str, Any], dry_run: bool):
        self.directory = Path(directory).resolve()
        if not (self.directory / "PulumiPolicy.yaml").is_file():
            raise PackError(f"{directory}: not a policy pack (no PulumiPolicy.yaml)")
        self.project, self.stack, self.config, self.dry_run = project, stack, config, dry_run
        self.process: subprocess.Popen | None = None
        self.channel: grpc.Channel | None = None
        self.stub: analyzer_pb2_grpc.AnalyzerStub | None = None
        self.stderr: deque[str] = deque(maxlen=40)
        self.info: PackInfo | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> "Pack":
        env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
        env.update(
            PULUMI_CONFIG=json.dumps(self.config),
            PULUMI_PROJECT=self.project,
            PULUMI_STACK=self.stack,
            PULUMI_DRY_RUN="true" if self.dry_run else "false",
            PYTHONUNBUFFERED="1",
        )
        # The engine passes its own address for logging; the offline gate has no engine, and
        # policy packs only log through it on failure, which surfaces here via stderr.
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", str(self.directory)],
            cwd=self.directory, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        port_line: list[str] = []
        reader = threading.Thread(target=lambda: port_line.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(STARTUP_SECONDS)
        line = port_line[0].strip() if port_line else ""
        if not line.isdigit():
            self.close()
            raise PackError(f"{self.directory.name}: the pack did not start: {self._last_error()}")
        self.channel = grpc.insecure_channel(f"127.0.0.1:{line}", options=_GRPC_OPTIONS)
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        return self

    def _drain_stderr(self) -> None:
        for line in self.process.stderr:
            self.stderr.append(line.rstrip())

    def _last_error(self) -> str:
        lines = [line for line in self.stderr if line.strip()]
        for line in reversed(lines):
            if "Error" in line or "error" in line:
                return line.strip()
        return lines[-1].strip() if lines else f"exit code {self.process.poll()}"

    def close(self) -> None:
        if self.channel is not None:
            self.channel.close()
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def _call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self.stub, method)(request)
        except grpc.RpcError as err:
            raise PackError(f"{self.directory.name}: {method} failed: {err.details() or err.code()} {self._last_error()}") from None

    # -- protocol --------------------------------------------------------------------------
    def get_info(self) -> PackInfo:
        info = self._call("GetAnalyzerInfo", empty_pb2.Empty())
        policies = {}
        for p in info.policies:
            schema = json_format.MessageToDict(p.configSchema.properties) if p.HasField("configSchema") else {}
            required = list(p.configSchema.required) if p.HasField("configSchema") else []
            policies[p.name] = PolicyInfo(
                name=p.name, description=p.description, enforcement_level=LEVEL_NAMES[p.enforcementLevel],
                severity=SEVERITY_NAMES.get(p.severity, ""), tags=list(p.tags), remediation=p.remediation_steps,
                policy_type="stack" if p.policy_type == analyzer_pb2.POLICY_TYPE_STACK else "resource",
                config_schema={"properties": schema, "required": required},
            )
        initial = {}
        for key, cfg in info.initialConfig.items():
            value = json_format.MessageToDict(cfg.properties)
            value["enforcementLevel"] = LEVEL_NAMES[cfg.enforcementLevel]
            initial[key] = value
        # The CLI takes a Python pack's version from PulumiPolicy.yaml (the SDK always says 0.0.1).
        self.info = PackInfo(name=info.name, version=self._declared_version() or info.version or "0.0.1", policies=policies, initial_config=initial)
        return self.info

    def _declared_version(self) -> str | None:
        import yaml

        try:
            doc = yaml.safe_load((self.directory / "PulumiPolicy.yaml").read_text()) or {}
        except (OSError, yaml.YAMLError):
            return None
        version = doc.get("version") if isinstance(doc, dict) else None
        return str(version) if version is not None else None

    def configure(self, resolved: dict[str, Resolved], stack_tags: dict[str, str] | None = None) -> None:
        self._call(
            "ConfigureStack",
            analyzer_pb2.AnalyzerStackConfigureRequest(
                stack=self.stack, project=self.project, organization="organization", dry_run=self.dry_run,
                config={k: str(v) for k, v in self.config.items()}, tags=stack_tags or {},
            ),
        )
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, value in resolved.items():
            request.policyConfig[name].CopyFrom(
                analyzer_pb2.PolicyConfig(enforcementLevel=LEVEL_VALUES[value.enforcement_level], properties=to_struct(value.properties))
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

    def analyze(self, requests: list[tuple[str, bytes]]) -> list[Diagnostic]:
        """Analyze each resource (pre-serialized requests), keeping up to WINDOW in flight."""
        out: list[Diagnostic] = []
        pending: deque[tuple[str, Any]] = deque()
        call = self.channel.unary_unary(
            "/pulumirpc.Analyzer/Analyze", request_serializer=None, response_deserializer=analyzer_pb2.AnalyzeResponse.FromString
        )

        def collect(urn: str, future: Any) -> None:
            try:
                response = future.result()
            except grpc.RpcError as err:
                raise PackError(f"{self.directory.name}: Analyze of {urn} failed: {err.details() or err.code()} {self._last_error()}") from None
            out.extend(self._diagnostics(response, urn))

        for urn, payload in requests:
            pending.append((urn, call.future(payload)))
            if len(pending) >= WINDOW:
                collect(*pending.popleft())
        while pending:
            collect(*pending.popleft())
        return out

    def analyze_stack(self, payload: bytes) -> list[Diagnostic]:
        """AnalyzeStack with a pre-serialized request (built once for every pack)."""
        call = self.channel.unary_unary(
            "/pulumirpc.Analyzer/AnalyzeStack", request_serializer=None, response_deserializer=analyzer_pb2.AnalyzeResponse.FromString
        )
        try:
            return self._diagnostics(call(payload), "")
        except grpc.RpcError as err:
            raise PackError(f"{self.directory.name}: AnalyzeStack failed: {err.details() or err.code()} {self._last_error()}") from None

    @staticmethod
    def _diagnostics(response: Any, urn: str) -> list[Diagnostic]:
        return [
            Diagnostic(
                policy=d.policyName, message=d.message, enforcement_level=LEVEL_NAMES[d.enforcementLevel],
                # A policy that could not run during preview reports no URN: it is the resource analysed.
                urn=d.urn or urn, severity=SEVERITY_NAMES.get(d.severity, ""),
            )
            for d in response.diagnostics
        ]


def _provider(r: Resource, providers: dict[str, Resource]) -> Any:
    """The resource's provider as the analyzer receives it, or None (default or unknown provider)."""
    provider = providers.get(r.provider.rsplit("::", 1)[0]) if r.provider else None
    if provider is None:
        return None
    return analyzer_pb2.AnalyzerProviderResource(type=provider.type, properties=to_struct(provider.properties), urn=provider.urn, name=provider.name)


def analyze_request(r: Resource, providers: dict[str, Resource]) -> Any:
    request = analyzer_pb2.AnalyzeRequest(type=r.type, properties=to_struct(r.properties), urn=r.urn, name=r.name, options=_options(r))
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
    return {r.urn: r for r in resources if r.type.startswith(PROVIDER_PREFIX)}
