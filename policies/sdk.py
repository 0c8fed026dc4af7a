"""The CrossGuard adapter: Plinth's pure policies (policies/meta.py) served through the policy SDK.

- ``build(policy)``: a ``ResourceValidationPolicy`` or ``StackValidationPolicy`` with the type
  filter, the config schema (the policy's own keys plus ``suppressions``), schema defaults, the
  suppressions applied (a waived violation is still reported, as ``[suppressed] ...``), the
  remediation, and a guard around the check: an exception other than the SDK's UnknownValueError
  (which keeps meaning "unknown at preview") becomes one ``[not checked] <Type>: <reason>``
  diagnostic for that resource and policy, at the policy's level (interfaces §3).
- ``install()``: the per-call decode cache (policies/analyzer_cache.py) and the suppressed-findings
  wrapper: the SDK's report-violation callback emits messages that start with ``[suppressed]`` at
  advisory level, so a waiver never blocks ``pulumi preview`` (interfaces §2). Where the SDK's
  internals are not as expected, both leave the SDK as it is (a suppressed finding then keeps the
  policy's own level: fail closed).
- ``serve(pack)``: what a pack's ``__main__.py`` calls. Writes the pack's self-description when
  ``PLINTH_POLICY_DESCRIBE`` names a file (interfaces §1; the Pulumi CLI never sets it), then builds
  the ``PolicyPack`` - the only place it is built - which serves until the engine stops it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyPack,
    ResourceValidationPolicy,
    Severity,
    StackValidationPolicy,
)
from pulumi_policy import policy as _sdk_policy
from pulumi_policy.proxy import UnknownValueError

from policies import analyzer_cache, diagnostics, meta, suppressions

#: Environment variable naming the file a pack describes itself in (interfaces §1).
DESCRIBE_ENV = "PLINTH_POLICY_DESCRIBE"
#: Set to "1" by Plinth's fleet gate only (the Pulumi CLI never sets it): the pack then serves one stack after
#: another, adopting the stack, project and config each ConfigureStack names (see install_stack_adoption).
RECONFIGURE_ENV = "PLINTH_POLICY_RECONFIGURE"
LEVELS = {
    "advisory": EnforcementLevel.ADVISORY,
    "mandatory": EnforcementLevel.MANDATORY,
    "remediate": EnforcementLevel.REMEDIATE,
    "disabled": EnforcementLevel.DISABLED,
}
SEVERITIES = {"low": Severity.LOW, "medium": Severity.MEDIUM, "high": Severity.HIGH, "critical": Severity.CRITICAL}
#: Exceptions that keep their meaning for the SDK: unknown at preview, and not applicable.
_PASS_THROUGH: tuple[type[BaseException], ...] = tuple(
    e for e in (UnknownValueError, getattr(_sdk_policy, "_NotApplicableError", None)) if isinstance(e, type)
)
Report = Callable[..., None]


def _schema(policy: meta.Policy) -> PolicyConfigSchema:
    return PolicyConfigSchema(properties={**policy.config_schema, "suppressions": suppressions.SCHEMA})


@contextmanager
def _guard(report_violation: Report, urn: str | None = None) -> Iterator[None]:
    """Report an exception of the check as ``[not checked]`` instead of failing the whole call."""
    try:
        yield
    except _PASS_THROUGH:
        raise
    except Exception as err:  # noqa: BLE001 - any failure of a check becomes a finding, never a crash
        report_violation(diagnostics.not_checked_message(err), urn)


def _reporter(policy: meta.Policy, config: dict[str, Any], report_violation: Report) -> Callable[[str, str, str], None]:
    """Report one message of the check, after the suppressions in ``config`` had their say.

    Resource policies report without a URN (the diagnostic is about the resource analysed, as the
    SDK expects); stack policies name the resource a message is about.
    """
    waivers = suppressions.parse(config.get("suppressions"))
    attach_urn = policy.kind == "stack"

    def report(message: str, urn: str, name: str) -> None:
        text, _waived = suppressions.outcome(str(message), urn, name, waivers, never_waive=policy.never_waive)
        report_violation(text, (urn or None) if attach_urn else None)

    return report


def build_resource_policy(policy: meta.Policy) -> ResourceValidationPolicy:
    types = frozenset(policy.types)
    fix = policy.remediate

    def validate(args: Any, report_violation: Report) -> None:
        if args.resource_type not in types:
            return
        config = policy.configured(args.get_config())
        report = _reporter(policy, config, report_violation)
        with _guard(report_violation):
            for message in policy.check_resource(args.props, config, args.resource_type):
                report(message, args.urn, args.name)

    def remediate(args: Any) -> Any:
        if args.resource_type not in types or fix is None:
            return None
        return fix(args.props, policy.configured(args.get_config()), args.resource_type)

    return ResourceValidationPolicy(
        name=policy.name,
        description=policy.description,
        validate=validate,
        enforcement_level=LEVELS[policy.enforcement],
        config_schema=_schema(policy),
        remediate=remediate if fix else None,
        severity=SEVERITIES[policy.severity],
        tags=list(policy.frameworks),
        remediation_steps=policy.remediation,
    )


def build_stack_policy(policy: meta.Policy) -> StackValidationPolicy:
    check, reads = policy.check, policy.types

    def validate(args: Any, report_violation: Report) -> None:
        config = policy.configured(args.get_config())
        report = _reporter(policy, config, report_violation)
        resources = [r for r in args.resources if meta.reads_type(reads, r.resource_type)]
        with _guard(report_violation):
            for message, resource in check(resources, config) or ():
                report(message, getattr(resource, "urn", "") or "", getattr(resource, "name", "") or "")

    return StackValidationPolicy(
        name=policy.name,
        description=policy.description,
        validate=validate,
        enforcement_level=LEVELS[policy.enforcement],
        config_schema=_schema(policy),
        severity=SEVERITIES[policy.severity],
        tags=list(policy.frameworks),
        remediation_steps=policy.remediation,
    )


def build(policy: meta.Policy) -> ResourceValidationPolicy | StackValidationPolicy:
    """The policy SDK's object for one of Plinth's policies."""
    return build_resource_policy(policy) if policy.kind == "resource" else build_stack_policy(policy)


def build_all(policies: Iterable[meta.Policy]) -> list[Policy]:
    """The SDK's objects for ``policies``, in order (the list a PolicyPack serves)."""
    return [build(p) for p in policies]


# --- Patches of the SDK's analyzer ------------------------------------------------------------

_suppressed_installed: set[type] = set()


def install_suppressed_advisory(servicer: type | None = None) -> bool:
    """Make the analyzer report ``[suppressed] ...`` violations at advisory level; whether it applied.

    Wraps ``_PolicyAnalyzerServicer._create_report_violation`` (the factory of the callback each
    policy reports through): the wrapped callback sends a suppressed message through a second
    callback built for the advisory level. Idempotent; without that factory nothing changes.
    """
    target = servicer if servicer is not None else getattr(_sdk_policy, "_PolicyAnalyzerServicer", None)
    original = getattr(target, "_create_report_violation", None)
    if target is None or not callable(original):
        return False
    if target in _suppressed_installed:
        return True

    def create_report_violation(self: Any, response: Any, name: str, description: str, level: Any, *rest: Any) -> Any:
        own = original(self, response, name, description, level, *rest)
        advisory = original(self, response, name, description, EnforcementLevel.ADVISORY, *rest)

        def report_violation(message: str, urn: str | None = None) -> None:
            waived = isinstance(message, str) and message.startswith(diagnostics.SUPPRESSED_PREFIX)
            (advisory if waived else own)(message, urn)

        return report_violation

    create_report_violation.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(target, "_create_report_violation", create_report_violation)
    _suppressed_installed.add(target)
    return True


def install_stack_adoption(servicer: type | None = None) -> bool:
    """Let ConfigureStack switch the pack to another stack; whether it applied.

    The engine starts a pack per stack with ``PULUMI_CONFIG``, ``PULUMI_PROJECT``, ``PULUMI_STACK`` and
    ``PULUMI_DRY_RUN`` and then sends the same stack in ConfigureStack. A fleet gate that keeps one pack
    process for many stacks sends each stack's values there instead; the wrapper puts them where the
    pack reads them - the environment and the Pulumi runtime's config and settings (the SDK's own
    ``_configure_runtime_settings``) - before the SDK's ConfigureStack runs. Only installed when
    ``PLINTH_POLICY_RECONFIGURE=1``; without the SDK internals it expects, nothing changes.
    """
    import pulumi.runtime

    target = servicer if servicer is not None else getattr(_sdk_policy, "_PolicyAnalyzerServicer", None)
    original = getattr(target, "ConfigureStack", None)
    if target is None or not callable(original) or not callable(getattr(target, "_configure_runtime_settings", None)):
        return False

    def configure_stack(self: Any, request: Any, context: Any) -> Any:
        config = dict(request.config)
        os.environ.update(
            PULUMI_CONFIG=json.dumps(config),
            PULUMI_PROJECT=request.project,
            PULUMI_STACK=request.stack,
            PULUMI_DRY_RUN="true" if request.dry_run else "false",
        )
        pulumi.runtime.set_all_config(config, [])
        self._configure_runtime_settings()
        return original(self, request, context)

    configure_stack.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(target, "ConfigureStack", configure_stack)
    return True


def install() -> dict[str, bool]:
    """Every patch of the SDK's analyzer a Plinth pack runs with; which ones applied."""
    return {"analyzer_cache": analyzer_cache.install(), "suppressed_advisory": install_suppressed_advisory()}


# --- Serving a pack ---------------------------------------------------------------------------


def write_describe(path: Path, document: dict[str, Any]) -> None:
    """Write ``document`` as JSON to ``path`` atomically (a temp file in the same directory, then rename)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def serve(pack: ModuleType) -> None:
    """Serve ``pack`` (a ``policies/<pack>/pack.py`` module) as the engine expects; returns only when stopped."""
    directory = Path(str(pack.__file__)).resolve().parent
    policies = list(pack.POLICIES)
    install()
    built = build_all(policies)
    adopts = os.environ.get(RECONFIGURE_ENV) == "1" and install_stack_adoption()
    target = os.environ.get(DESCRIBE_ENV)
    if target:
        document = meta.describe_policies(pack.NAME, meta.read_version(directory), policies)
        if adopts:
            document["reconfigurable"] = True
        write_describe(Path(target), document)
    PolicyPack(
        name=pack.NAME,
        policies=built,
        enforcement_level=EnforcementLevel.ADVISORY,
        initial_config=getattr(pack, "INITIAL_CONFIG", None),
    )
