"""The engine's side of a plugin conversation, served in the test process over real gRPC.

The Pulumi engine starts a provider plugin as a process (``python <plugin dir> <engine address>``),
reads its port from stdout and calls the ResourceProvider service; during ``Construct`` the plugin
registers the component's children with the resource monitor whose address the request carries,
and logs through the engine service. Here both services are real gRPC servers: the monitor records
every request with :class:`scripts.engine.RecordingMonitor` (the same recorder the offline engine
uses for Python programs), so what the plugin registered is comparable with ``engine.run``.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import tempfile
import threading
import time
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import (
    engine_pb2,
    engine_pb2_grpc,
    provider_pb2_grpc,
    resource_pb2,
    resource_pb2_grpc,
)

from scripts import engine
from scripts import pulumi_json as pj

ROOT = Path(__file__).resolve().parent.parent.parent
STARTUP_SECONDS = 90.0


class _Monitor(engine.RecordingMonitor):
    """The offline engine's recorder, with URNs of a fixed project and stack (no ambient settings)."""

    def __init__(self, project: str, stack: str, preview: bool) -> None:
        super().__init__(engine.PlinthMocks(preview=preview))
        self.project, self.stack = project, stack

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        return pj.make_urn(self.stack, self.project, type_, name, parent)


class MonitorService(resource_pb2_grpc.ResourceMonitorServicer):
    """ResourceMonitor over gRPC, answering as the offline engine's monitor does."""

    def __init__(self, monitor: _Monitor) -> None:
        self.monitor = monitor
        self.lock = threading.Lock()
        self.calls: list[str] = []

    def _call(self, method: str, request: Any) -> Any:
        with self.lock:
            self.calls.append(method)
            return getattr(self.monitor, method)(request)

    def GetDeploymentInfo(self, request, context):  # noqa: N802 - gRPC method names
        return self._call("GetDeploymentInfo", request)

    def SupportsFeature(self, request, context):  # noqa: N802
        answer = self._call("SupportsFeature", request)
        return resource_pb2.SupportsFeatureResponse(hasSupport=bool(answer.hasSupport))

    def Invoke(self, request, context):  # noqa: N802
        return self._call("Invoke", request)

    def ReadResource(self, request, context):  # noqa: N802
        return self._call("ReadResource", request)

    def RegisterResource(self, request, context):  # noqa: N802
        return self._call("RegisterResource", request)

    def RegisterResourceOutputs(self, request, context):  # noqa: N802
        return self._call("RegisterResourceOutputs", request)

    def RegisterPackage(self, request, context):  # noqa: N802
        return self._call("RegisterPackage", request)

    def SignalAndWaitForShutdown(self, request, context):  # noqa: N802
        return empty_pb2.Empty()


class EngineService(engine_pb2_grpc.EngineServicer):
    """The engine's log and root-resource service: keeps what the plugin logs."""

    def __init__(self) -> None:
        self.logs: list[tuple[int, str]] = []
        self.root = ""

    def Log(self, request, context):  # noqa: N802
        self.logs.append((request.severity, request.message))
        return empty_pb2.Empty()

    def GetRootResource(self, request, context):  # noqa: N802
        return engine_pb2.GetRootResourceResponse(urn=self.root)

    def SetRootResource(self, request, context):  # noqa: N802
        self.root = request.urn
        return engine_pb2.SetRootResourceResponse()


class EngineSide:
    """A resource monitor and an engine service on one localhost port, as the engine offers them to a plugin.

    :meth:`fresh_monitor` starts a new recording (one per Construct); :meth:`plan` is what the
    plugin registered since, in the offline engine's terms.
    """

    def __init__(self, project: str = "plinth", stack: str = "test") -> None:
        self.project, self.stack = project, stack
        self.monitor_service = MonitorService(_Monitor(project, stack, preview=True))
        self.engine_service = EngineService()
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        resource_pb2_grpc.add_ResourceMonitorServicer_to_server(self.monitor_service, self._server)
        engine_pb2_grpc.add_EngineServicer_to_server(self.engine_service, self._server)
        port = self._server.add_insecure_port("127.0.0.1:0")
        self._server.start()
        self.address = f"127.0.0.1:{port}"

    @property
    def stack_urn(self) -> str:
        return pj.make_urn(self.stack, self.project, pj.STACK_TYPE, f"{self.project}-{self.stack}")

    def fresh_monitor(self, *, preview: bool) -> None:
        with self.monitor_service.lock:
            self.monitor_service.monitor = _Monitor(self.project, self.stack, preview=preview)

    def plan(self) -> engine.Plan:
        """What the plugin registered, as the offline engine reports a program's registrations."""
        monitor = self.monitor_service.monitor
        plan = engine.Plan(
            project=self.project,
            stack=self.stack,
            preview=monitor.preview,
            resources=list(monitor.registrations),
            diagnostics=[],
            component_outputs=dict(monitor.component_outputs),
        )
        engine._add_default_providers(plan)
        return plan

    def close(self) -> None:
        self._server.stop(grace=None)


class PluginProcess:
    """The plugin started the way the engine starts it; ``stub`` talks ResourceProvider to it."""

    def __init__(self, engine_address: str, cwd: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
        env["PYTHONUNBUFFERED"] = "1"
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT), engine_address, "--logtostderr"],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        self.port = self._read_port()
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    def _read_port(self) -> int:
        assert self.process.stdout is not None
        deadline = time.monotonic() + STARTUP_SECONDS
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.process.stdout], [], [], max(left, 0))
            if not ready:
                self.close()
                raise AssertionError(f"the plugin printed no port within {STARTUP_SECONDS:g} s")
            chunk = os.read(self.process.stdout.fileno(), 1)
            if not chunk:
                _, err = self.close()
                raise AssertionError(f"the plugin exited before printing its port:\n{err}")
            line += chunk
        return int(line.decode().strip())

    def close(self) -> tuple[int | None, str]:
        """Stop the plugin (the engine kills its plugins when the deployment ends); its stderr."""
        if hasattr(self, "channel"):
            self.channel.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._stderr.seek(0)
        err = self._stderr.read().decode(errors="replace")
        self._stderr.close()
        self.process.stdout.close()  # type: ignore[union-attr]
        return self.process.returncode, err
