"""Stack policies over split configurations: a resource that needs a companion resource naming it.

Since pulumi-aws 7 a bucket's logging, encryption, versioning, public access block and policy are
separate resources that name the bucket (``aws.s3.BucketLogging(bucket=...)``); an AWS Backup vault
lock names its vault. ``missing_companions`` finds the subjects that no companion names (and that
carry no inline equivalent), for any such pair. Pure: works on the policy SDK's resources and on
any object with ``resource_type``, ``props`` and ``name``.

A companion names its subject either by value (a physical name the program wrote) or by reference:
``BucketVersioning(bucket=bucket.id)`` is unknown at preview, but the engine records that the
``bucket`` property depends on that bucket (``propertyDependencies``), and the policy SDK hands
that to stack policies as ``property_dependencies``. A link with such a dependency is resolved by
it, so the usual way of writing a companion can be checked at preview.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Callable

from policies.props import get


def names_of(resource: Any, keys: Iterable[str]) -> set[str]:
    """The names a companion may use for ``resource``: its physical name props, else its Pulumi name.

    A physical name given in the program is what the provider knows the resource by; without one
    (auto-naming) only the Pulumi name identifies it in a preview.
    """
    names = {value for key in keys if isinstance(value := resource.props.get(key), str) and value}
    if not names and getattr(resource, "name", None):
        names.add(str(resource.name))
    return names


def dependency_urns(resource: Any, link: str) -> set[str]:
    """URNs of the resources the ``link`` property (its top-level key) of ``resource`` was computed from."""
    dependencies = getattr(resource, "property_dependencies", None) or {}
    return {str(getattr(d, "urn", d)) for d in dependencies.get(link.split(".")[0], ()) or ()}


def linked(resources: Iterable[Any], companion_types: Iterable[str], link: str) -> tuple[set[str], set[str]]:
    """(names given by value, URNs referenced) in the ``link`` prop of the companions of ``companion_types``.

    A companion whose link depends on other resources is resolved by those dependencies and its
    value is not read (it is usually unknown at preview); otherwise its value is read, and an
    unknown one raises the SDK's UnknownValueError.
    """
    types = set(companion_types)
    names: set[str] = set()
    urns: set[str] = set()
    for r in resources:
        if r.resource_type not in types:
            continue
        referenced = dependency_urns(r, link)
        if referenced:
            urns |= referenced
            continue
        value = get(r.props, link)
        if value is not None:
            names.add(str(value))
    return names, urns


def named_by(resources: Iterable[Any], companion_types: Iterable[str], link: str) -> set[str]:
    """Every value that companions of ``companion_types`` give in their ``link`` prop (dotted path)."""
    types = set(companion_types)
    out = set()
    for r in resources:
        if r.resource_type in types:
            value = get(r.props, link)
            if value is not None:
                out.add(str(value))
    return out


def missing_companions(
    resources: list[Any],
    *,
    subjects: Iterable[str],
    companions: Iterable[str],
    link: str,
    subject_names: Iterable[str] = ("bucket", "name"),
    inline: Callable[[Any], bool] | None = None,
    applies: Callable[[Any], bool] | None = None,
) -> Iterator[Any]:
    """Resources of ``subjects`` types that no resource of ``companions`` names in its ``link`` prop.

    A companion names a subject by one of the subject's ``subject_names`` props (its physical name),
    or by its Pulumi name when it has none, or refers to it (its link depends on the subject).
    ``inline(props)`` says the subject configures the same thing inline (e.g. a legacy bucket's
    ``logging`` block); ``applies(resource)`` limits the subjects checked.
    A link that is unknown at preview and depends on no resource raises the SDK's UnknownValueError:
    the policy cannot be checked, it does not pass.
    """
    subject_types = set(subjects)
    names, urns = linked(resources, companions, link)
    for r in resources:
        if r.resource_type not in subject_types:
            continue
        if applies is not None and not applies(r):
            continue
        if inline is not None and inline(r.props):
            continue
        if getattr(r, "urn", None) in urns:
            continue
        if not names_of(r, subject_names) & names:
            yield r
