"""Audit checks that only exist at run time: facts of a live account that no resource of a program
holds (the root user, the password policy, key age, whether any trail or detector exists).

They report like policies (name, severity, controls from policies/frameworks.py, remediation,
enforcement) with pack ``plinth-audit``; each follows the public rule named in its description.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Iterator

from scripts.audit.aws import cloudtrail, guardduty, iam
from scripts.audit.evaluate import AUDIT_PACK, Check


def _root_mfa(props: Any, config: dict[str, Any], resource_type: str) -> Iterator[str]:
    if props.get("mfaEnabled") is not True:
        yield "The root user has no MFA device."


def _root_keys(props: Any, config: dict[str, Any], resource_type: str) -> Iterator[str]:
    if props.get("accessKeysPresent") is True:
        yield "The root user has access keys."


def _password_policy(props: Any, config: dict[str, Any], resource_type: str) -> Iterator[str]:
    if props.get("present") is not True:
        yield "The account has no IAM password policy (AWS's default allows 8-character passwords and reuse)."
        return
    length = props.get("minimumPasswordLength") or 0
    if length < config["minimumLength"]:
        yield f"The password policy allows passwords of {length} characters; at least {config['minimumLength']}."
    reuse = props.get("passwordReusePrevention") or 0
    if reuse < config["reusePrevention"]:
        yield f"The password policy remembers {reuse} previous passwords; at least {config['reusePrevention']}."


def _key_age(props: Any, config: dict[str, Any], resource_type: str) -> Iterator[str]:
    if (props.get("status") or "Active") != "Active" or not props.get("createDate"):
        return
    created = dt.datetime.fromisoformat(str(props.get("createDate")).replace("Z", "+00:00"))
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.timezone.utc)
    age = (dt.datetime.now(dt.timezone.utc) - created).days
    if age > config["maximumDays"]:
        limit = config["maximumDays"]
        yield f"The active access key of user {props.get('user')} is {age} days old; rotate it every {limit}."


def _trail_everywhere(subjects: list[Any], config: dict[str, Any]) -> Iterable[tuple[str, Any]]:
    trails = [s for s in subjects if s.resource_type == cloudtrail.TRAIL]
    good = [
        t
        for t in trails
        if t.props.get("isMultiRegionTrail") is True
        and t.props.get("enableLogFileValidation") is True
        and t.props.get("enableLogging") is True
    ]
    if not good:
        for region in (s for s in subjects if s.resource_type == guardduty.REGION):
            yield (
                f"No trail that logs every region with log file validation is recording ({len(trails)} trail(s) seen).",
                region,
            )
            break


def _detector_everywhere(subjects: list[Any], config: dict[str, Any]) -> Iterable[tuple[str, Any]]:
    enabled = {s.region for s in subjects if s.resource_type == guardduty.DETECTOR and s.props.get("enable") is True}
    for region in (s for s in subjects if s.resource_type == guardduty.REGION):
        if region.region not in enabled:
            yield f"GuardDuty is not enabled in {region.region}.", region


def _check(name, description, severity, frameworks, remediation, types, kind, fn, config=None, enforcement="mandatory"):
    return Check(
        name=name,
        description=description,
        severity=severity,
        frameworks=tuple(frameworks),
        remediation=remediation,
        enforcement=enforcement,
        never_waive=False,
        pack=AUDIT_PACK,
        version="",
        types=tuple(types),
        kind=kind,
        config_schema=config or {},
        fn=fn,
    )


CHECKS: tuple[Check, ...] = (
    _check(
        "aws-account-root-mfa-enabled",
        "The root user has MFA (CIS AWS Foundations v3.0 1.5, Prowler iam_root_mfa_enabled).",
        "critical",
        ["cis:aws-1.5", "soc2:CC6.1", "hipaa:164.312(d)"],
        "Sign in as root and assign an MFA device (a hardware key for CIS 1.6).",
        [iam.ROOT],
        "resource",
        _root_mfa,
    ),
    _check(
        "aws-account-root-accesskeys-absent",
        "The root user has no access keys (CIS AWS Foundations v3.0 1.4, Prowler iam_no_root_access_key).",
        "critical",
        ["cis:aws-1.4", "soc2:CC6.1", "hipaa:164.308(a)(5)(ii)(D)"],
        "Delete the root user's access keys; use IAM roles for automation.",
        [iam.ROOT],
        "resource",
        _root_keys,
    ),
    _check(
        "aws-iam-passwordpolicy-strength-required",
        "The account password policy asks for 14 characters and forbids reusing the last 24 passwords "
        "(CIS AWS Foundations v3.0 1.8 and 1.9).",
        "medium",
        ["cis:aws-1.8", "cis:aws-1.9", "hipaa:164.308(a)(5)(ii)(D)", "soc2:CC6.1"],
        "aws iam update-account-password-policy --minimum-password-length 14 --password-reuse-prevention 24 "
        "(or aws.iam.AccountPasswordPolicy in the program).",
        [iam.PASSWORD_POLICY],
        "resource",
        _password_policy,
        {
            "minimumLength": {"type": "integer", "minimum": 6, "default": 14},
            "reusePrevention": {"type": "integer", "minimum": 1, "default": 24},
        },
        enforcement="advisory",
    ),
    _check(
        "aws-iam-accesskey-rotated",
        "Active IAM access keys are younger than 90 days (CIS AWS Foundations v3.0 1.14, Prowler "
        "iam_rotate_access_key_90_days).",
        "high",
        ["cis:aws-1.14", "soc2:CC6.1", "hipaa:164.308(a)(5)(ii)(D)"],
        "Create a new key, move its users to it, deactivate and delete the old one; better, replace the user "
        "with a role.",
        [iam.ACCESS_KEY],
        "resource",
        _key_age,
        {"maximumDays": {"type": "integer", "minimum": 1, "default": 90}},
        enforcement="advisory",
    ),
    _check(
        "aws-cloudtrail-multiregion-enabled",
        "At least one trail records every region, validates its log files and is logging (CIS AWS Foundations "
        "v3.0 3.1 and 3.2, Prowler cloudtrail_multi_region_enabled).",
        "high",
        ["cis:aws-3.1", "cis:aws-3.2", "soc2:CC7.2", "hipaa:164.312(b)"],
        "Create a multi-region trail with log file validation (aws.cloudtrail.Trail isMultiRegionTrail: true, "
        "enableLogFileValidation: true) and start logging.",
        [cloudtrail.TRAIL, guardduty.REGION],
        "stack",
        _trail_everywhere,
    ),
    _check(
        "aws-guardduty-detector-enabled",
        "GuardDuty is enabled in every audited region (AWS Security Hub GuardDuty.1, Prowler guardduty_is_enabled).",
        "high",
        ["soc2:CC7.2", "hipaa:164.308(a)(1)(ii)(D)", "hipaa:164.312(b)"],
        "Enable GuardDuty in each region (aws.guardduty.Detector, or delegated administration for the organization).",
        [guardduty.DETECTOR, guardduty.REGION],
        "stack",
        _detector_everywhere,
        enforcement="advisory",
    ),
)
