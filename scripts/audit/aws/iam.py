"""IAM: roles, users, groups and their policies, customer-managed policies, access keys, and the
account facts the audit checks (root MFA and access keys, the password policy).

Attachments and inline policies become the split resources a program declares for them
(``RolePolicyAttachment``, ``RolePolicy``, ``UserPolicy``, ``UserPolicyAttachment``, ``GroupPolicy``,
``GroupPolicyAttachment``), a role keeps its trust policy (``assumeRolePolicy``), a managed policy its
default version's document. Documents are the JSON strings the provider takes.
"""

from __future__ import annotations

import functools
from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, document, drop_none, tags
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "iam"
GLOBAL = True
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
USER_POLICY = "aws:iam/userPolicy:UserPolicy"
USER_ATTACHMENT = "aws:iam/userPolicyAttachment:UserPolicyAttachment"
GROUP_POLICY = "aws:iam/groupPolicy:GroupPolicy"
GROUP_ATTACHMENT = "aws:iam/groupPolicyAttachment:GroupPolicyAttachment"
POLICY = "aws:iam/policy:Policy"
ACCESS_KEY = "aws:iam/accessKey:AccessKey"
#: Audit-only subjects (no Pulumi resource): the account's root user and its password policy.
ROOT = "plinth:audit:AwsRootAccount"
PASSWORD_POLICY = "plinth:audit:AwsPasswordPolicy"
TYPES = (
    ROLE,
    ROLE_POLICY,
    ROLE_ATTACHMENT,
    USER_POLICY,
    USER_ATTACHMENT,
    GROUP_POLICY,
    GROUP_ATTACHMENT,
    POLICY,
    ACCESS_KEY,
    ROOT,
    PASSWORD_POLICY,
)
CALLS = (
    Call("iam", "list_roles", "iam:ListRoles"),
    Call("iam", "list_role_policies", "iam:ListRolePolicies"),
    Call("iam", "get_role_policy", "iam:GetRolePolicy"),
    Call("iam", "list_attached_role_policies", "iam:ListAttachedRolePolicies"),
    Call("iam", "list_users", "iam:ListUsers"),
    Call("iam", "list_user_policies", "iam:ListUserPolicies"),
    Call("iam", "get_user_policy", "iam:GetUserPolicy"),
    Call("iam", "list_attached_user_policies", "iam:ListAttachedUserPolicies"),
    Call("iam", "list_access_keys", "iam:ListAccessKeys"),
    Call("iam", "list_groups", "iam:ListGroups"),
    Call("iam", "list_group_policies", "iam:ListGroupPolicies"),
    Call("iam", "get_group_policy", "iam:GetGroupPolicy"),
    Call("iam", "list_attached_group_policies", "iam:ListAttachedGroupPolicies"),
    Call("iam", "list_policies", "iam:ListPolicies"),
    Call("iam", "get_policy_version", "iam:GetPolicyVersion"),
    Call("iam", "get_account_summary", "iam:GetAccountSummary"),
    Call("iam", "get_account_password_policy", "iam:GetAccountPasswordPolicy"),
)

#: Per principal kind: the list call of inline names, the get call, the attached call, the types, the key.
PRINCIPALS = {
    "role": ("list_role_policies", "get_role_policy", "list_attached_role_policies", ROLE_POLICY, ROLE_ATTACHMENT),
    "user": ("list_user_policies", "get_user_policy", "list_attached_user_policies", USER_POLICY, USER_ATTACHMENT),
    "group": (
        "list_group_policies",
        "get_group_policy",
        "list_attached_group_policies",
        GROUP_POLICY,
        GROUP_ATTACHMENT,
    ),
}


def root_account(summary: dict[str, Any]) -> dict[str, Any]:
    """The root user's MFA and access keys from GetAccountSummary's ``SummaryMap``."""
    values = summary.get("SummaryMap") or {}
    return {
        "mfaEnabled": bool(values.get("AccountMFAEnabled")),
        "accessKeysPresent": bool(values.get("AccountAccessKeysPresent")),
    }


def password_policy(answer: dict[str, Any] | None) -> dict[str, Any]:
    """The account password policy (``present`` false when the account has none)."""
    policy = (answer or {}).get("PasswordPolicy")
    if not policy:
        return {"present": False}
    return drop_none(
        {
            "present": True,
            "minimumPasswordLength": policy.get("MinimumPasswordLength"),
            "passwordReusePrevention": policy.get("PasswordReusePrevention"),
            "requireSymbols": policy.get("RequireSymbols"),
            "requireNumbers": policy.get("RequireNumbers"),
            "requireUppercaseCharacters": policy.get("RequireUppercaseCharacters"),
            "requireLowercaseCharacters": policy.get("RequireLowercaseCharacters"),
            "maxPasswordAge": policy.get("MaxPasswordAge"),
        }
    )


def access_key(user: str, key: dict[str, Any]) -> dict[str, Any]:
    created: Any = key.get("CreateDate")
    return drop_none(
        {
            "user": user,
            "status": key.get("Status"),
            "createDate": created.isoformat() if hasattr(created, "isoformat") else created,
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    yield from _account(ctx)
    for kind, list_call, key in (
        ("role", "list_roles", "Roles"),
        ("user", "list_users", "Users"),
        ("group", "list_groups", "Groups"),
    ):
        try:
            principals = ctx.pages("iam", list_call, key)
        except CallFailed as failure:
            yield Gap(_types_of(kind), str(failure))
            continue
        yield from ctx.each(principals, functools.partial(_principal, ctx, kind))
    yield from _policies(ctx)


def _types_of(kind: str) -> tuple[str, ...]:
    own = {"role": (ROLE,), "user": (ACCESS_KEY,), "group": ()}[kind]
    return (*own, *PRINCIPALS[kind][3:])


def _principal(ctx: Context, kind: str, p: dict[str, Any]) -> Iterator[Subject | Gap]:
    name_key = {"role": "RoleName", "user": "UserName", "group": "GroupName"}[kind]
    name = str(p[name_key])
    arn = str(p.get("Arn") or ctx.arn("iam", f"{kind}/{name}", region=False))
    list_inline, get_inline, list_attached, inline_type, attached_type = PRINCIPALS[kind]
    if kind == "role":
        props = {"name": name, "path": p.get("Path"), "assumeRolePolicy": document(p.get("AssumeRolePolicyDocument"))}
        yield _subject(ctx, ROLE, drop_none(props), name, arn, ("iam:ListRoles",))
    try:
        inline = ctx.pages("iam", list_inline, "PolicyNames", **{name_key: name})
        for policy_name in inline:
            answer = ctx.call("iam", get_inline, **{name_key: name, "PolicyName": policy_name})
            props = {kind: name, "name": policy_name, "policy": document(answer.get("PolicyDocument"))}
            yield _subject(ctx, inline_type, props, f"{name}/{policy_name}", arn, (f"iam:{_pascal(get_inline)}",))
        attached = ctx.pages("iam", list_attached, "AttachedPolicies", **{name_key: name})
        for a in attached:
            props = {kind: name, "policyArn": a.get("PolicyArn")}
            label = f"{name}/{a.get('PolicyName')}"
            yield _subject(ctx, attached_type, props, label, arn, (f"iam:{_pascal(list_attached)}",))
        if kind == "user":
            for key in ctx.pages("iam", "list_access_keys", "AccessKeyMetadata", UserName=name):
                yield _subject(
                    ctx, ACCESS_KEY, access_key(name, key), str(key.get("AccessKeyId")), arn, ("iam:ListAccessKeys",)
                )
    except CallFailed as failure:
        yield Gap(_types_of(kind), str(failure), arn=arn, name=name)


def _policies(ctx: Context) -> Iterator[Subject | Gap]:
    try:
        policies = ctx.pages("iam", "list_policies", "Policies", Scope="Local")
    except CallFailed as failure:
        yield Gap((POLICY,), str(failure))
        return
    for p in policies:
        arn = str(p["Arn"])
        try:
            version = ctx.call("iam", "get_policy_version", PolicyArn=arn, VersionId=p["DefaultVersionId"])
        except CallFailed as failure:
            yield Gap((POLICY,), str(failure), arn=arn, name=p.get("PolicyName", ""))
            continue
        props = drop_none(
            {
                "name": p.get("PolicyName"),
                "path": p.get("Path"),
                "description": p.get("Description"),
                "policy": document((version.get("PolicyVersion") or {}).get("Document")),
                "tags": tags(p.get("Tags")),
            }
        )
        yield _subject(ctx, POLICY, props, str(p.get("PolicyName")), arn, ("iam:ListPolicies", "iam:GetPolicyVersion"))


def _account(ctx: Context) -> Iterator[Subject | Gap]:
    arn = f"arn:{ctx.partition}:iam::{ctx.account}:root"
    try:
        summary = ctx.call("iam", "get_account_summary")
        yield _subject(ctx, ROOT, root_account(summary), f"root user of {ctx.account}", arn, ("iam:GetAccountSummary",))
    except CallFailed as failure:
        yield Gap((ROOT,), str(failure), arn=arn, name=f"root user of {ctx.account}")
    policy_arn = f"arn:{ctx.partition}:iam::{ctx.account}:account-password-policy"
    try:
        answer = ctx.call("iam", "get_account_password_policy", absent=("NoSuchEntity",))
        yield _subject(
            ctx, PASSWORD_POLICY, password_policy(answer), f"password policy of {ctx.account}", policy_arn,
            ("iam:GetAccountPasswordPolicy",),
        )  # fmt: skip
    except CallFailed as failure:
        yield Gap((PASSWORD_POLICY,), str(failure), arn=policy_arn, name=f"password policy of {ctx.account}")


def _subject(ctx: Context, kind: str, props: dict[str, Any], name: str, arn: str, calls: tuple[str, ...]) -> Subject:
    return ctx.subject(kind, props, name=name, arn=arn, calls=calls, region="")


def _pascal(operation: str) -> str:
    return "".join(part.title() for part in operation.split("_"))
