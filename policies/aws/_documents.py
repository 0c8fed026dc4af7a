"""Reading AWS policy documents: who a statement lets in, and whether its conditions pin the caller down.

One reading for every resource policy Plinth checks (S3 bucket policies, SQS queue, SNS topic, ECR
repository, KMS key and Secrets Manager policies, IAM trust policies), so "public" means the same
everywhere. It follows AWS's own definition of a public policy (Amazon S3 User Guide, "The meaning
of public"; IAM Access Analyzer uses the same): a statement that allows a wildcard principal is
public unless a condition fixes the caller to known values - an account, an organization, a source
ARN, a VPC or VPC endpoint, a fixed IP range. Checkov reads bucket policies the same way
(CKV_AWS_70 ``check_conditions``): negated operators, ``...IfExists`` operators and wildcard values
do not restrict anything.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from policies.props import as_list, is_world, policy_document, statements

#: Condition keys whose fixed value ties a request to a known account, organization, resource or network.
RESTRICTING_KEYS = frozenset(
    key.lower()
    for key in (
        "aws:SourceAccount",
        "aws:SourceOwner",
        "aws:SourceArn",
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:SourceIp",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgID",
        "aws:PrincipalOrgPaths",
        "aws:ResourceAccount",
        "aws:userid",
        "aws:VpceAccount",
        "aws:VpceOrgID",
        "aws:VpceOrgPaths",
        "aws:Ec2InstanceSourceVpc",
        "ec2:SourceInstanceARN",
        "lambda:SourceFunctionArn",
        "ssm:SourceInstanceArn",
        "kms:CallerAccount",
        "s3:DataAccessPointAccount",
        "s3:DataAccessPointArn",
    )
)
#: Operators that require the key to match the given values (negations and *IfExists never restrict).
POSITIVE_OPERATORS = frozenset(
    op.lower() for op in ("StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "IpAddress")
)
_SET_PREFIX = re.compile(r"^for(any|all)value:", re.IGNORECASE)


def _specific_arn(arn: str) -> bool:
    """An ARN that names one account's resources: its account field is not a wildcard, and an ARN
    without an account (S3 buckets, whose names are global) names its resource without a wildcard."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return False
    account, resource = parts[4], parts[5]
    if "*" in account or "?" in account:
        return False
    return bool(account) or (bool(resource) and "*" not in resource and "?" not in resource)


def _fixed(key: str, value: Any) -> bool:
    """Whether one condition value names a particular caller (no bare wildcard, no world CIDR)."""
    text = str(value).strip()
    if not text or set(text) <= {"*", "?"}:
        return False
    if key == "aws:sourceip":
        try:
            return not is_world(text) and ipaddress.ip_network(text, strict=False).prefixlen > 0
        except ValueError:
            return False
    if text.startswith("arn:"):
        return _specific_arn(text)
    return True


def restricts_caller(statement: Mapping[str, Any]) -> bool:
    """Whether the statement's Condition pins the caller to fixed accounts, organizations, ARNs or networks."""
    condition = statement.get("Condition")
    if not isinstance(condition, Mapping):
        return False
    for operator, clauses in condition.items():
        op = _SET_PREFIX.sub("", str(operator)).lower()
        if op not in POSITIVE_OPERATORS or not isinstance(clauses, Mapping):
            continue
        for key, values in clauses.items():
            key = str(key).lower()
            values = as_list(values)
            if key in RESTRICTING_KEYS and values and all(_fixed(key, v) for v in values):
                return True
    return False


def _is_wildcard(value: Any) -> bool:
    return any(str(v).strip() == "*" for v in as_list(value))


def wildcard_principal(statement: Mapping[str, Any]) -> bool:
    """``Principal: "*"``, ``{"AWS": "*"}`` (or ``*`` in its list), ``{"CanonicalUser": "*"}``, any ``NotPrincipal``."""
    if "NotPrincipal" in statement:
        return True  # "everyone except ..." is everyone
    principal = statement.get("Principal")
    if isinstance(principal, Mapping):
        return any(_is_wildcard(principal.get(key)) for key in ("AWS", "CanonicalUser", "Federated"))
    return _is_wildcard(principal)


def allows(statement: Mapping[str, Any]) -> bool:
    return str(statement.get("Effect", "")).lower() == "allow"


def public_statements(document: Any) -> list[dict[str, Any]]:
    """Allow statements of ``document`` (a JSON string or object) that let anyone in, whatever else the document holds.

    A Deny statement with ``Principal: "*"`` (the usual TLS-only statement) is not public and does
    not make an Allow beside it any less public.
    """
    return [
        st
        for st in statements(policy_document(document))
        if isinstance(st, Mapping) and allows(st) and wildcard_principal(st) and not restricts_caller(st)
    ]


def describe(statement: Mapping[str, Any]) -> str:
    """``statement 'Sid'`` or ``a statement``, and what it allows, for messages."""
    sid = statement.get("Sid")
    actions = [str(a) for a in as_list(statement.get("Action"))] or ["(NotAction)"]
    shown = ", ".join(actions[:3]) + (", ..." if len(actions) > 3 else "")
    return f"{f'statement {sid!r}' if sid else 'a statement'} allowing {shown}"


def public_findings(document: Any, what: str) -> list[str]:
    """One message per public statement of the resource policy of ``what`` (e.g. ``"The queue policy"``)."""
    return [
        f"{what} has {describe(st)} to any principal without a condition that fixes the caller's account, "
        "organization, source or network."
        for st in public_statements(document)
    ]
