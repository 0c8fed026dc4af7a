import json
import os
from collections.abc import Mapping

from components import conventions
from policies.meta import resource_policy
from policies.props import get

#: Taggable types and where their tags or labels live (components/conventions.py); the check applies to exactly these.
TAGGABLE = conventions.TAGGABLE_TYPES
#: Every place a catalogued type keeps its tags or labels. Each type is read at its own (a GCP resource may
#: also carry a ``tags`` map of Resource Manager tags, which are not labels; an EKS node group has Kubernetes
#: ``labels`` beside its ``tags``).
TAG_PATHS = tuple(dict.fromkeys(sorted(TAGGABLE.values(), key=lambda p: (p == "tags", p.count("."), p))))


def _required(tags):
    keys = list(conventions.REQUIRED_TAGS)
    if conventions.TAG_TENANT in tags:
        keys += list(conventions.REQUIRED_TENANT_TAGS)
    return keys


def tag_keys(props, resource_type: str) -> tuple[str, set[str]]:
    """(where the type keeps its tags, their keys); a tag whose value is unknown at preview still counts."""
    path = TAGGABLE[resource_type]
    value = get(props, path)
    return path, set(value) if isinstance(value, Mapping) else set()


def check(props, config, resource_type):
    path, tags = tag_keys(props, resource_type)
    # GCP labels (anything but AWS/Azure "tags") hold normalised keys: lower case, [a-z0-9_-].
    key_of = conventions.gcp_label_value if path not in (None, "tags") else (lambda k: k)
    missing = [k for k in _required(tags) if key_of(k) not in tags]
    if missing:
        yield f"Missing required tag(s): {', '.join(missing)}."


def stack_environment() -> str | None:
    """``plinth:environment`` of the stack being analysed.

    The Pulumi CLI starts a policy pack with the stack's config in ``PULUMI_CONFIG`` (and so does
    Plinth's offline gate), so the environment tag's value is known, never a guess.
    """
    try:
        value = json.loads(os.environ.get("PULUMI_CONFIG") or "{}").get(f"{conventions.PACKAGE}:environment")
    except (json.JSONDecodeError, AttributeError):
        return None
    return value if value in ("dev", "staging", "prod") else None


def remediate(props, config, resource_type):
    """Adds ``managed-by: plinth`` and, from the stack's config, ``environment`` when they are missing.

    Those two values are never a guess. The tenant and cost-center tags stay violations - reported
    as mandatory when the policy runs at remediate level - because only the tenant spec knows them.
    Advisory by default: remediation is opt-in (``{"stack-resource-tags-required": "remediate"}``).
    """
    path = TAGGABLE.get(resource_type, "tags")
    current = dict(get(props, path) or {})
    added = {conventions.TAG_MANAGED_BY: conventions.MANAGED_BY_VALUE}
    environment = stack_environment()
    if environment is not None:
        added[conventions.TAG_ENVIRONMENT] = environment
    added = {k: v for k, v in added.items() if k not in current}
    if not added:
        return None
    out = {k: props[k] for k in props}
    *parents, last = path.split(".")
    target = out
    for part in parents:  # copy each level on the way down, so the SDK's props stay untouched
        target[part] = dict(target.get(part) or {})
        target = target[part]
    target[last] = {**current, **added}
    return out


POLICY = resource_policy(
    name="stack-resource-tags-required",
    description=(
        "Taggable cloud resources carry the managed-by and environment tags, "
        "and tenant resources their tenant and cost center."
    ),
    types=sorted(TAGGABLE),
    check=check,
    severity="low",
    frameworks=["soc2:C1.1"],
    remediation=(
        "Add the tags (Plinth merges them from plinth:tags and the tenant spec); configure the policy at "
        "remediate level and the pack adds managed-by: plinth itself."
    ),
    remediate=remediate,
)
