"""The offline engine: run a Pulumi program under the SDK's mock engine and record what it registers.

``plinth preview``, the policy gate and the test harness use this module. The program runs
exactly as the Pulumi language host would run it (``run_in_stack`` over ``__main__.py``), but the
resource monitor is a :class:`RecordingMonitor` (a subclass of the SDK's ``MockMonitor``) that
keeps every RegisterResource request. With ``preview=True`` computed outputs stay unknown, as in
a real ``pulumi preview``.

Two ways to run:

* :func:`run_stack` / :func:`preview_plan` (stacks of a project): the caller plays the CLI - it
  reads and validates the stack file and builds ``PULUMI_CONFIG`` - and the program runs in a
  process of its own, like the language host, with the project directory first on ``sys.path``.
  Nothing of one run stays behind for the next, so two checkouts of the project (two revisions)
  can be previewed one after the other by the same caller.
* :func:`run` (a program given as a function): in this process, for component tests.

The recorded plan renders to the same JSON shape as ``pulumi preview --json`` (see
:meth:`Plan.to_json`); every renderer and the policy gate consume that one shape.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import os
import runpy
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import pulumi
import pulumi.runtime
from google.protobuf import json_format
from pulumi.runtime import mocks as _mocks
from pulumi.runtime import resource as _resource
from pulumi.runtime import settings as _settings
from pulumi.runtime import stack as _stack
from pulumi.runtime.proto import engine_pb2, source_pb2
from pulumi.runtime.stack import run_in_stack

from scripts import pulumi_json as pj
from scripts.console import PlinthError

#: The engine's marker for a value that is unknown until apply (``pulumi preview --json`` shows it too).
UNKNOWN = pj.UNKNOWN
#: How a secret value appears in a plan (as in ``pulumi preview --json`` without ``--show-secrets``).
SECRET = pj.SECRET
#: Resource types the engine itself registers.
STACK_TYPE = pj.STACK_TYPE
PROVIDER_PREFIX = pj.PROVIDER_PREFIX

#: Python distributions of the provider packages, for default-provider names.
_PROVIDER_DISTRIBUTIONS = {
    "aws": "pulumi_aws",
    "gcp": "pulumi_gcp",
    "azure-native": "pulumi_azure_native",
    "kubernetes": "pulumi_kubernetes",
    "random": "pulumi_random",
    "tls": "pulumi_tls",
}


class EngineError(PlinthError):
    """Base of the errors the offline engine reports as one line (exit code 2)."""


class StackConfigError(EngineError):
    """The stack file is missing, unreadable or invalid."""


class ProgramError(EngineError):
    """The Pulumi program failed."""


# --------------------------------------------------------------------------------------------
# Plan: what the program registered
# --------------------------------------------------------------------------------------------
@dataclass
class Registration:
    """One RegisterResource request, as the engine received it."""

    urn: str
    type: str
    name: str
    custom: bool
    parent: str
    provider: str
    inputs: dict[str, Any]
    dependencies: list[str] = field(default_factory=list)
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    protect: bool = False
    retain_on_delete: bool = False
    additional_secret_outputs: list[str] = field(default_factory=list)
    ignore_changes: list[str] = field(default_factory=list)
    delete_before_replace: bool = False
    id: str = ""
    outputs: dict[str, Any] = field(default_factory=dict)

    def to_state(self) -> dict[str, Any]:
        """The ``newState`` object of a ``pulumi preview --json`` step."""
        state: dict[str, Any] = {
            "urn": self.urn,
            "custom": self.custom,
            "type": self.type,
            "inputs": self.inputs,
            "parent": self.parent,
            "provider": self.provider,
            "protect": self.protect,
            "retainOnDelete": self.retain_on_delete,
            "dependencies": self.dependencies,
            "propertyDependencies": self.property_dependencies,
        }
        if self.id:
            state["id"] = self.id
        if self.outputs:
            state["outputs"] = self.outputs
        if self.additional_secret_outputs:
            state["additionalSecretOutputs"] = self.additional_secret_outputs
        if self.ignore_changes:
            state["ignoreChanges"] = self.ignore_changes
        if self.delete_before_replace:
            state["deleteBeforeReplace"] = True
        return state


@dataclass
class Diagnostic:
    severity: str  # "info" | "warning" | "error" | "debug"
    message: str
    urn: str = ""

    def to_json(self) -> dict[str, Any]:
        out = {"severity": self.severity, "message": self.message, "prefix": f"{self.severity}: "}
        if self.urn:
            out["urn"] = self.urn
        return out


@dataclass
class Plan:
    """Everything one run of a program registered, in registration order."""

    project: str
    stack: str
    preview: bool
    resources: list[Registration]
    diagnostics: list[Diagnostic]
    #: ``register_outputs`` values of component resources (and the stack's exports), by URN.
    component_outputs: dict[str, dict[str, Any]]
    duration_seconds: float = 0.0

    # -- queries (used by tests and renderers) ------------------------------------------------
    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name: str | None = None) -> Registration:
        found = [r for r in self.of_type(type_) if name is None or r.name == name]
        if len(found) != 1:
            names = [r.name for r in self.of_type(type_)]
            raise LookupError(f"expected one {type_} named {name!r}, found {len(found)} among {names}")
        return found[0]

    def by_urn(self, urn: str) -> Registration:
        for r in self.resources:
            if r.urn == urn:
                return r
        raise LookupError(urn)

    def children(self, parent_urn: str, *, recursive: bool = False) -> list[Registration]:
        direct = [r for r in self.resources if r.parent == parent_urn]
        if not recursive:
            return direct
        out: list[Registration] = []
        for child in direct:
            out.append(child)
            out.extend(self.children(child.urn, recursive=True))
        return out

    def outputs_of(self, urn: str) -> dict[str, Any]:
        return self.component_outputs.get(urn, {})

    @property
    def stack_urn(self) -> str:
        return f"urn:pulumi:{self.stack}::{self.project}::{STACK_TYPE}::{self.project}-{self.stack}"

    # -- the `pulumi preview --json` shape ---------------------------------------------------
    def steps(self) -> list[dict[str, Any]]:
        op = "create" if self.preview else "same"
        return [{"op": op, "urn": r.urn, "provider": r.provider, "newState": r.to_state()} for r in self.resources]

    def change_summary(self) -> dict[str, int]:
        return {"create" if self.preview else "same": len(self.resources)}

    def to_json(self) -> dict[str, Any]:
        return {
            "steps": self.steps(),
            "changeSummary": self.change_summary(),
            "diagnostics": [d.to_json() for d in self.diagnostics],
            "outputs": self.component_outputs.get(self.stack_urn, {}),
            "policies": [],
            "duration": int(self.duration_seconds * 1e9),
        }

    # -- lossless form, for handing a plan from the program's process to the caller ----------
    def to_record(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "stack": self.stack,
            "preview": self.preview,
            "resources": [vars(r) for r in self.resources],
            "diagnostics": [vars(d) for d in self.diagnostics],
            "component_outputs": self.component_outputs,
            "duration_seconds": self.duration_seconds,
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "Plan":
        return cls(
            project=record["project"],
            stack=record["stack"],
            preview=record["preview"],
            resources=[Registration(**r) for r in record["resources"]],
            diagnostics=[Diagnostic(**d) for d in record["diagnostics"]],
            component_outputs=record["component_outputs"],
            duration_seconds=record["duration_seconds"],
        )


# --------------------------------------------------------------------------------------------
# Protobuf Struct -> the JSON the CLI prints (unknowns as the sentinel, secrets as "[secret]")
# --------------------------------------------------------------------------------------------
def plain(value: Any) -> Any:
    """Convert a decoded property value to the engine's JSON display form."""
    if isinstance(value, dict):
        sig = value.get(pj.SIG_KEY)
        if sig == pj.SECRET_SIG:
            return SECRET
        if sig == pj.RESOURCE_SIG:
            return value.get("urn", "")
        if sig == pj.OUTPUT_SIG:
            if value.get("secret"):
                return SECRET
            return plain(value["value"]) if "value" in value else UNKNOWN
        if sig in (pj.ASSET_SIG, pj.ARCHIVE_SIG):
            return {k: plain(v) for k, v in value.items() if k != pj.SIG_KEY}
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def struct_to_plain(struct: Any) -> dict[str, Any]:
    if struct is None:
        return {}
    return plain(json_format.MessageToDict(struct))


# --------------------------------------------------------------------------------------------
# Mocks: what the "provider" answers
# --------------------------------------------------------------------------------------------
FAKE_ACCOUNT = "123456789012"
FAKE_REGION = "us-east-1"


class PlinthMocks(pulumi.runtime.Mocks):
    """Provider answers for the mock engine.

    In preview mode a new resource's id and every computed output are unknown, as in a real
    ``pulumi preview``: state echoes the inputs only. Outside preview (component tests of
    ``pulumi up`` semantics) ids and the handful of computed identifiers components consume
    (ARNs, e-mails, Azure ids) are filled with realistic fakes.

    Invokes (data sources) are answered from their own arguments where scripts/invokes.py knows
    how the provider derives the answer, and refused otherwise (a real preview asks the cloud).
    """

    def __init__(self, preview: bool):
        self.preview = preview

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        state = dict(args.inputs)
        identity = state.get("identity")
        assigned = identity.get("userAssignedIdentities") if isinstance(identity, dict) else None
        if args.typ.startswith("azure-native:") and isinstance(identity, dict) and isinstance(assigned, list):
            # azure-native takes a list of identity ids and answers with a map id -> details.
            ids = identity["userAssignedIdentities"]
            state["identity"] = {k: v for k, v in identity.items() if k != "userAssignedIdentities"}
            if all(isinstance(i, str) and i != UNKNOWN for i in ids):
                state["identity"]["userAssignedIdentities"] = {i: {} for i in ids}
        if self.preview:
            return "", state
        rid = state.get("name") if isinstance(state.get("name"), str) else f"{args.name}-id"
        service = args.typ.split(":")[1].split("/")[0] if args.typ.count(":") >= 2 else ""
        if args.typ.startswith("aws:"):
            state.setdefault("arn", f"arn:aws:{service}:{FAKE_REGION}:{FAKE_ACCOUNT}:{args.name}")
            if args.typ == "aws:kms/key:Key":
                rid = f"{args.name}-key-id"
                state.setdefault("keyId", rid)
            if args.typ == "aws:s3/bucket:Bucket":
                rid = state.get("bucket") or args.name
                state["arn"] = f"arn:aws:s3:::{rid}"
        elif args.typ.startswith("gcp:"):
            if args.typ == "gcp:serviceaccount/account:Account":
                email = f"{state.get('accountId', args.name)}@{state.get('project', 'project')}.iam.gserviceaccount.com"
                state.setdefault("email", email)
                state.setdefault("member", f"serviceAccount:{email}")
            rid = f"projects/{state.get('project', 'project')}/{args.name}"
        elif args.typ.startswith("azure-native:"):
            rid = f"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/{args.name}"
            if "identity" in args.typ.lower():
                state.setdefault("principalId", "11111111-1111-1111-1111-111111111111")
                state.setdefault("clientId", "22222222-2222-2222-2222-222222222222")
        return rid, state

    def call(self, args: pulumi.runtime.MockCallArgs):
        from scripts import invokes

        try:
            return invokes.answer(args.token, args.args)
        except LookupError as err:
            raise ProgramError(str(err)) from None


# --------------------------------------------------------------------------------------------
# Recording monitor and engine
# --------------------------------------------------------------------------------------------
class RecordingMonitor(_mocks.MockMonitor):
    """A MockMonitor that keeps every RegisterResource request and component outputs."""

    def __init__(self, mocks: PlinthMocks, on_register: Callable[[int], None] | None = None):
        super().__init__(mocks)
        self.preview = mocks.preview
        self.registrations: list[Registration] = []
        self.component_outputs: dict[str, dict[str, Any]] = {}
        self.on_register = on_register

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        # The SDK's mock keeps only the parent's last type; the engine keeps every ancestor's.
        return pj.make_urn(pulumi.get_stack(), pulumi.get_project(), type_, name, parent)

    def RegisterResource(self, request):  # noqa: N802 - gRPC method name
        response = super().RegisterResource(request)
        keep_outputs = response.object is not None and request.custom and not self.preview
        self.registrations.append(
            Registration(
                urn=response.urn,
                type=request.type,
                name=request.name,
                custom=bool(request.custom),
                parent=request.parent,
                provider=request.provider,
                inputs=struct_to_plain(request.object),
                # The SDK collects dependencies in sets: sorted, the same program gives the same plan.
                dependencies=sorted(request.dependencies),
                property_dependencies={k: sorted(v.urns) for k, v in sorted(request.propertyDependencies.items())},
                protect=bool(request.protect),
                retain_on_delete=bool(request.retainOnDelete),
                additional_secret_outputs=list(request.additionalSecretOutputs),
                ignore_changes=list(request.ignoreChanges),
                delete_before_replace=bool(request.deleteBeforeReplace),
                id=getattr(response, "id", "") or "",
                # In preview the mocks echo the inputs: keeping them twice would only cost memory.
                outputs=struct_to_plain(response.object) if keep_outputs else {},
            )
        )
        if self.on_register is not None:
            self.on_register(len(self.registrations))
        return response

    def RegisterResourceOutputs(self, request):  # noqa: N802
        self.component_outputs[request.urn] = struct_to_plain(request.outputs)
        return super().RegisterResourceOutputs(request)


class RecordingEngine(_mocks.MockEngine):
    """Keeps the program's log messages as diagnostics (the `diagnostics` of the plan)."""

    _SEVERITY = {
        engine_pb2.DEBUG: "debug",
        engine_pb2.INFO: "info",
        engine_pb2.WARNING: "warning",
        engine_pb2.ERROR: "error",
    }

    def __init__(self) -> None:
        super().__init__(logging.getLogger("plinth.engine"))
        self.diagnostics: list[Diagnostic] = []

    def Log(self, request):  # noqa: N802
        severity = self._SEVERITY.get(request.severity, "info")
        if severity != "debug":
            self.diagnostics.append(Diagnostic(severity, request.message, request.urn))


# --------------------------------------------------------------------------------------------
# Running a program in this process
# --------------------------------------------------------------------------------------------
_PULUMI_ENV = ("PULUMI_PROJECT", "PULUMI_STACK", "PULUMI_DRY_RUN", "PULUMI_CONFIG", "PULUMI_CONFIG_SECRET_KEYS")


@contextmanager
def _scrubbed_env() -> Iterator[None]:
    """Keep PULUMI_* runtime variables unset in-process (the policy SDK rewrites settings from them)."""
    saved = {k: os.environ.pop(k) for k in _PULUMI_ENV if k in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


async def _wait_for_rpcs(await_all_outstanding_tasks: bool = True) -> None:
    """The SDK's ``wait_for_rpcs`` (``pulumi.runtime.stack``) with one wait per wave of outputs.

    The SDK waits for the first of all tracked outputs to finish and then starts over, so every
    completion re-subscribes to every output still pending (quadratic in the number of Outputs: at
    1,000 tenants that is most of the preview). Here each wave of outputs is awaited together; an
    output that fails still ends the wait at once (``FIRST_EXCEPTION``) and is raised as in the SDK;
    outputs created meanwhile are the next wave. What is registered, and in which order, is unchanged.
    """
    rpc_manager = _settings._get_rpc_manager()
    outputs = _settings.SETTINGS
    while True:
        while rpc_manager.rpcs:
            await asyncio.sleep(0)
            try:
                await rpc_manager.rpcs.pop()
            except Exception as exn:
                if rpc_manager.unhandled_exception is not None:
                    raise exn from rpc_manager.unhandled_exception.with_traceback(rpc_manager.exception_traceback)
                raise
        if rpc_manager.unhandled_exception is not None:
            raise rpc_manager.unhandled_exception.with_traceback(rpc_manager.exception_traceback)
        while await_all_outstanding_tasks:
            with outputs.lock:
                if not outputs.outputs:
                    break
                pending = list(outputs.outputs)
                outputs.outputs.clear()
            done, not_done = await asyncio.wait(pending, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                await task
            if not_done:
                with outputs.lock:
                    outputs.outputs.update(not_done)
        if not rpc_manager.rpcs:
            break


@functools.lru_cache(maxsize=None)
def _file_uri(filename: str) -> str | None:
    try:
        return Path(filename).as_uri()
    except ValueError:  # "<string>", "<frozen ...>": no position, as in the SDK
        return None


def _stack_trace() -> source_pb2.StackTrace:
    """The SDK's ``_get_stack_trace`` (``pulumi.runtime.resource``), the same frames, without its overheads.

    The SDK builds a ``traceback.StackSummary`` of the whole stack for every resource, which reads and
    stats each frame's source file (linecache), and converts every file name to a URI again. Only file
    names and line numbers end up in the request, so they are read from the frames, and each file's URI
    is computed once.
    """
    frames = []
    frame: Any = sys._getframe()
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    frames.reverse()  # outermost first, as traceback.extract_stack lists them
    # The concrete resource's constructor is the third __init__ from the top (Resource, Custom/Component).
    inits, i = 0, 0
    for i in range(len(frames) - 1, -1, -1):
        if frames[i].f_code.co_name == "__init__":
            inits += 1
            if inits == 3:
                break
    if i < 1:
        return source_pb2.StackTrace()
    out = []
    for frame in reversed(frames[:i]):
        uri = _file_uri(frame.f_code.co_filename) if frame.f_code.co_filename and frame.f_lineno is not None else None
        position = source_pb2.SourcePosition(uri=uri, line=frame.f_lineno) if uri is not None else None
        out.append(source_pb2.StackFrame(pc=position))
    return source_pb2.StackTrace(frames=out)


@contextmanager
def _driving_the_sdk() -> Iterator[None]:
    """How the offline engine drives the SDK differently from the language host (see each function)."""
    saved = _stack.wait_for_rpcs, _resource._get_stack_trace
    _stack.wait_for_rpcs, _resource._get_stack_trace = _wait_for_rpcs, _stack_trace
    try:
        yield
    finally:
        _stack.wait_for_rpcs, _resource._get_stack_trace = saved


def _default_provider_version(package: str) -> str:
    dist = _PROVIDER_DISTRIBUTIONS.get(package, f"pulumi_{package.replace('-', '_')}")
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "0.0.0"


def _add_default_providers(plan: Plan) -> None:
    """Custom resources without an explicit provider use the package's default provider.

    A real preview registers those providers as resources of their own and shows them as
    steps; the mock engine does not, so they are added here the same way.
    """
    added: dict[str, Registration] = {}
    out: list[Registration] = []
    for reg in plan.resources:
        if reg.custom and not reg.provider and not pj.is_provider_type(reg.type):
            package = reg.type.split(":")[0]
            if package not in added:
                name = "default_" + _default_provider_version(package).replace(".", "_")
                type_ = f"{PROVIDER_PREFIX}{package}"
                added[package] = Registration(
                    urn=pj.make_urn(plan.stack, plan.project, type_, name),
                    type=type_,
                    name=name,
                    custom=True,
                    parent="",
                    provider="",
                    inputs={},
                    id=UNKNOWN if plan.preview else f"{name}-id",
                )
                out.append(added[package])
            provider = added[package]
            reg.provider = pj.provider_reference(provider.urn, provider.id)
        out.append(reg)
    plan.resources = _stable_order(out)


def _stable_order(resources: list[Registration]) -> list[Registration]:
    """Parents before children, siblings by URN: the same program gives the same plan.

    Registration order depends on asyncio scheduling; a stable order keeps PR diffs of
    previews readable and runs comparable.
    """
    by_parent: dict[str, list[Registration]] = {}
    urns = {r.urn for r in resources}
    for r in resources:
        by_parent.setdefault(r.parent if r.parent in urns else "", []).append(r)
    ordered: list[Registration] = []

    def visit(parent: str) -> None:
        for child in sorted(by_parent.get(parent, []), key=lambda r: (r.type != STACK_TYPE, r.urn)):
            ordered.append(child)
            visit(child.urn)

    visit("")
    return ordered


def run(
    program: Callable[[], Any],
    *,
    project: str = "plinth",
    stack: str = "test",
    config: Mapping[str, Any] | None = None,
    secret_keys: Iterable[str] = (),
    preview: bool = True,
    on_register: Callable[[int], None] | None = None,
) -> Plan:
    """Run ``program`` as the body of a Pulumi stack under the recording mock engine, in this process.

    ``config`` is the flat ``{"namespace:key": value}`` map the CLI would pass in
    ``PULUMI_CONFIG`` (structured values as JSON strings or as Python objects).
    Raises whatever the program raised; the plan is only returned on success.
    ``on_register(count)`` is called after each registration (progress).
    """
    mocks = PlinthMocks(preview)
    monitor = RecordingMonitor(mocks, on_register)
    engine = RecordingEngine()
    started = time.perf_counter()
    with _scrubbed_env(), _driving_the_sdk():
        loop = asyncio.new_event_loop()
        # When the program fails, the SDK's outstanding registrations are abandoned and asyncio
        # would log each one ("Task was destroyed but it is pending"). The failure itself is
        # raised to the caller, so these follow-up messages are noise.
        loop.set_exception_handler(lambda _loop, _context: None)
        asyncio.set_event_loop(loop)
        try:
            _settings.ROOT.set(None)
            features = set(monitor.GetDeploymentInfo(None).supportedFeatures)
            _settings.configure(
                _mocks.MockSettings(
                    monitor=monitor,
                    monitor_features=features,
                    engine=engine,
                    project=project,
                    stack=stack,
                    dry_run=preview,
                    organization="organization",
                    callbacks=None,
                )
            )
            flat = {k: v if isinstance(v, str) else json.dumps(v) for k, v in (config or {}).items()}
            pulumi.runtime.set_all_config(flat, list(secret_keys))
            loop.run_until_complete(run_in_stack(program))
        finally:
            _settings.ROOT.set(None)
            asyncio.set_event_loop(None)
            loop.close()
    plan = Plan(
        project=project,
        stack=stack,
        preview=preview,
        resources=monitor.registrations,
        diagnostics=engine.diagnostics,
        component_outputs=monitor.component_outputs,
        duration_seconds=time.perf_counter() - started,
    )
    _add_default_providers(plan)
    return plan


# --------------------------------------------------------------------------------------------
# Stacks of a project: the caller reads the stack file, the program runs in its own process
# --------------------------------------------------------------------------------------------
def project_root() -> Path:
    """The project directory (holding Pulumi.yaml) this package belongs to."""
    return Path(__file__).resolve().parent.parent


@dataclass
class StackJob:
    """What the CLI hands the language host: project, stack and the stack's config."""

    project_dir: str
    project: str
    stack: str
    config: dict[str, str]
    secret_keys: list[str]
    preview: bool = True


def load_stack(
    stack: str, project_dir: Path | None = None, *, preview: bool = True, validate: bool = True
) -> StackJob:
    """Read ``<stackConfigDir>/Pulumi.<stack>.yaml`` as the CLI would; errors name file and key.

    With ``validate`` (the default) the config is also checked with this checkout's config model
    before the program runs, so errors come without starting a process. ``validate=False`` is for
    another revision of the project: its stack file may follow that revision's schema, which only
    its own program knows - the program validates it as it does under the Pulumi CLI.
    """
    from components import config as stack_config
    from components import stackfiles  # the one place YAML meets types

    project_dir = (project_dir or project_root()).resolve()
    where = "Pulumi.yaml"
    try:
        project = stackfiles.read_project(project_dir)
        stack_file = stackfiles.stack_file_path(project_dir, stack)
        where = str(stack_file.relative_to(project_dir))
        if validate:
            loaded = stackfiles.load_stack_file(stack_file, project=project.name)
            config, secret_keys = dict(loaded.pulumi_config), list(loaded.secret_keys)
        else:
            document = stackfiles.read_stack_document(stack_file, project=project.name)
            config, secret_keys = dict(document.pulumi_config), list(document.secret_keys)
    except stack_config.ConfigError as err:
        raise StackConfigError(str(err)) from err
    except UnicodeDecodeError as err:
        raise StackConfigError(
            f"{where}: not UTF-8 text: byte 0x{err.object[err.start]:02x} at offset {err.start}"
        ) from err
    if not (project_dir / "__main__.py").is_file():
        raise ProgramError(f"{project_dir.name}/__main__.py: the project has no Pulumi program")
    return StackJob(str(project_dir), project.name, stack, config, secret_keys, preview)


def _run_job(job: StackJob, on_register: Callable[[int], None] | None = None) -> Plan:
    """Run the project's ``__main__.py`` for ``job`` in this process (the language host's part)."""
    from components import config as stack_config

    project_dir = Path(job.project_dir)
    main = project_dir / "__main__.py"

    def program() -> None:
        if str(project_dir) not in sys.path:
            sys.path.insert(0, str(project_dir))
        runpy.run_path(str(main), run_name="__main__")

    try:
        return run(
            program,
            project=job.project,
            stack=job.stack,
            config=job.config,
            secret_keys=job.secret_keys,
            preview=job.preview,
            on_register=on_register,
        )
    except stack_config.ConfigError as err:
        raise StackConfigError(str(err)) from err
    except EngineError:
        raise
    except pulumi.RunError as err:
        raise ProgramError(str(err)) from err
    except SystemExit as err:
        raise ProgramError(f"the program exited with code {err.code}") from err
    except Exception as err:  # noqa: BLE001 - reported as one line, traceback on --debug
        raise ProgramError(f"the program failed: {type(err).__name__}: {err}") from err


def run_job(job: StackJob, on_register: Callable[[int], None] | None = None) -> Plan:
    """Run a loaded stack's program in this process (a process that runs programs one after another,
    such as a fleet worker, must give each a clean module state itself: scripts.fleet.worker)."""
    return _run_job(job, on_register)


def run_stack_in_process(stack: str, project_dir: Path | None = None, *, preview: bool = True) -> Plan:
    """Load the stack and run the program in this process (for a process that runs nothing else)."""
    return _run_job(load_stack(stack, project_dir, preview=preview))


def run_stack(
    stack: str,
    project_dir: Path | None = None,
    *,
    preview: bool = True,
    on_progress: Callable[[int], None] | None = None,
    timeout: float | None = None,
    validate: bool = True,
) -> Plan:
    """Preview (or, with ``preview=False``, simulate the update of) a stack of a project.

    ``project_dir`` may be any checkout of a Plinth project (another revision included): the
    program runs in a child process whose ``sys.path`` starts with that directory, so its own
    ``components`` are used and nothing is cached between runs. ``on_progress(count)`` reports
    the resources registered so far. Errors: :class:`StackConfigError`, :class:`ProgramError`
    (its ``detail`` holds the program's traceback).
    """
    job = load_stack(stack, project_dir, preview=preview, validate=validate)
    return _spawn(job, on_progress, timeout)


def preview_plan(
    stack: str,
    project_dir: Path | None = None,
    *,
    on_progress: Callable[[int], None] | None = None,
    validate: bool = True,
) -> dict[str, Any]:
    """The offline preview of a stack in the ``pulumi preview --json`` shape (``validate``: see load_stack)."""
    return run_stack(stack, project_dir, preview=True, on_progress=on_progress, validate=validate).to_json()


# --------------------------------------------------------------------------------------------
# The child process
# --------------------------------------------------------------------------------------------
#: The child replaces its script directory on sys.path with the directory holding this package,
#: so this engine is the one that runs; the project directory goes first afterwards.
_BOOTSTRAP = "import sys; sys.path[0] = sys.argv[1]; from scripts.engine import _child_main; _child_main()"
_PROGRESS_SECONDS = 0.1


def _spawn(job: StackJob, on_progress: Callable[[int], None] | None, timeout: float | None) -> Plan:
    tool_root = str(Path(__file__).resolve().parent.parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
    read_fd, write_fd = os.pipe()
    with tempfile.TemporaryDirectory(prefix="plinth-engine-") as tmp:
        result = Path(tmp) / "result.json"
        request = json.dumps({"job": vars(job), "result": str(result), "progress_fd": write_fd})
        try:
            child = subprocess.Popen(
                [sys.executable, "-c", _BOOTSTRAP, tool_root],
                cwd=job.project_dir,
                env=env,
                pass_fds=(write_fd,),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        finally:
            os.close(write_fd)
        reader = threading.Thread(target=_read_progress, args=(read_fd, on_progress), daemon=True)
        reader.start()
        try:
            stdout, stderr = child.communicate(request, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ProgramError(f"the program did not finish within {timeout:g} s") from None
        finally:  # every exit path, Ctrl-C included, leaves no child behind
            if child.poll() is None:
                child.kill()
                child.wait()
            reader.join(5)
        return _result(job, result, child.returncode, stdout, stderr)


def _read_progress(fd: int, on_progress: Callable[[int], None] | None) -> None:
    with os.fdopen(fd, "r") as pipe:
        for line in pipe:
            if on_progress is not None and line.strip().isdigit():
                on_progress(int(line))


def _result(job: StackJob, result: Path, code: int, stdout: str, stderr: str) -> Plan:
    if not result.is_file():
        last = next((line for line in reversed(stderr.splitlines()) if line.strip()), "")
        raise ProgramError(
            f"the program's process ended with exit code {code}" + (f": {last}" if last else ""), detail=stderr
        )
    outcome = json.loads(result.read_text())
    if "error" in outcome:
        kind = StackConfigError if outcome["error"]["kind"] == "config" else ProgramError
        raise kind(outcome["error"]["message"], detail=outcome["error"]["traceback"])
    plan = Plan.from_record(outcome["plan"])
    # What the program prints reaches the CLI as info diagnostics of the stack, as under Pulumi.
    plan.diagnostics += [Diagnostic("info", line, plan.stack_urn) for line in stdout.splitlines() if line.strip()]
    return plan


def _child_main() -> None:
    request = json.loads(sys.stdin.read())
    job = StackJob(**request["job"])
    sys.path.insert(0, job.project_dir)
    progress = os.fdopen(request["progress_fd"], "w", buffering=1)
    last = [0.0]

    def on_register(count: int) -> None:
        now = time.monotonic()
        if now - last[0] >= _PROGRESS_SECONDS:
            last[0] = now
            progress.write(f"{count}\n")

    try:
        plan = _run_job(job, on_register)
        outcome: dict[str, Any] = {"plan": plan.to_record()}
        progress.write(f"{len(plan.resources)}\n")
    except BaseException as err:  # noqa: BLE001 - every failure goes back to the caller
        kind = "config" if isinstance(err, StackConfigError) else "program"
        message = err.message if isinstance(err, EngineError) else f"the program failed: {type(err).__name__}: {err}"
        outcome = {"error": {"kind": kind, "message": message, "traceback": traceback.format_exc()}}
    progress.close()
    with open(request["result"], "w", encoding="utf-8") as out:
        json.dump(outcome, out)  # streamed: the plan is not held a second time as one string
