"""Stack policies over split configurations: a resource that needs a companion resource naming it.

Since pulumi-aws 7 a bucket's logging, encryption, versioning, public access block and policy are
separate resources that name the bucket (``aws.s3.BucketLogging(bucket=...)``); an AWS Backup vault
lock names its vault. ``missing_companions`` finds the subjects that no companion names (and that
carry no inline equivalent), for any such pair. Pure: works on the policy SDK's resources and on
any object with ``resource_type``, ``props`` and ``name``.
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
    or by its Pulumi name when it has none. ``inline(props)`` says the subject configures the same thing inline
    (e.g. a legacy bucket's ``logging`` block); ``applies(resource)`` limits the subjects checked.
    A link that is unknown at preview raises the SDK's UnknownValueError: the policy cannot be
    checked, it does not pass.
    """
    subject_types = set(subjects)
    linked = named_by(resources, companions, link)
    for r in resources:
        if r.resource_type not in subject_types:
            continue
        if applies is not None and not applies(r):
            continue
        if inline is not None and inline(r.props):
            continue
        if not names_of(r, subject_names) & linked:
            yield r
