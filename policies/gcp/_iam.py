"""GCP IAM grants as the three kinds of IAM resource state them, and the public principals.

Every GCP service that takes IAM offers the same trio of Pulumi resources: ``...IamMember`` (one ``member``
and a ``role``), ``...IamBinding`` (``members`` and a ``role``) and ``...IamPolicy`` (the whole policy as
``policyData``, a JSON document of ``bindings``). ``grants`` reads any of the three as (role, member) pairs,
so a policy about members or roles is written once for every kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from policies.props import as_list, policy_document

#: Principals that mean "anyone" (anonymous) and "anyone with a Google account".
PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
IAM_KINDS = ("Member", "Binding", "Policy")


def iam_types(module: str, *stems: str) -> list[str]:
    """The Member, Binding and Policy type tokens of ``module`` for each ``stem``.

    ``iam_types("kms", "cryptoKeyIAM")`` -> ``gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember``, ...; the stem is
    spelled as the provider spells it (``IAM`` or ``Iam``).
    """
    return [f"gcp:{module}/{stem}{kind}:{stem[0].upper()}{stem[1:]}{kind}" for stem in stems for kind in IAM_KINDS]


def grants(props: Any) -> list[tuple[str, str]]:
    """(role, member) for every member the resource grants a role to, whichever of the three kinds it is."""
    role = str(props.get("role") or "")
    out = [(role, str(m)) for m in as_list(props.get("member")) + as_list(props.get("members"))]
    data = props.get("policyData")
    if data is not None:
        for binding in as_list(policy_document(data).get("bindings")):
            out += [(str(binding.get("role") or ""), str(m)) for m in as_list(binding.get("members"))]
    return out


def public_grants(props: Any) -> list[tuple[str, str]]:
    """The grants to ``allUsers`` or ``allAuthenticatedUsers``."""
    return [(role, member) for role, member in grants(props) if member in PUBLIC_MEMBERS]


def describe(pairs: Iterable[tuple[str, str]]) -> str:
    """``roles/viewer to allUsers, roles/run.invoker to allAuthenticatedUsers``."""
    return ", ".join(f"{role or 'a role'} to {member}" for role, member in pairs)
