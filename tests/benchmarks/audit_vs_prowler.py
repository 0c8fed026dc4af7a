"""`plinth audit aws` against Prowler on one seeded moto account, on the checks they share.

Seeds a moto server (server mode, 127.0.0.1, ``MOTO_EC2_LOAD_DEFAULT_AMIS=false``) with the test
suite's good and bad twins (tests/audit/seed.py) plus N extra resources (a quarter each: unencrypted
volumes, buckets with their public access block off, keys without rotation, security groups open to
SSH; every other one of each kind correctly configured), then runs both tools against it and prints
the wall time of each, their ratio, and per shared check the planted misconfigurations (the ground
truth) and how many of them each tool reports.

Prowler runs from its own virtualenv, created on first use outside the repository (default
``~/.cache/plinth-bench/prowler-<version>``, about 2.5 GB; ``--prowler-venv`` to choose) with pinned
versions. It is pointed at the same endpoint with ``AWS_ENDPOINT_URL`` and, because S3 Control calls
go to ``<account>.<endpoint host>`` (which does not resolve), with ``HTTP_PROXY``/``http_proxy`` set
to the moto server (which answers proxied requests) and ``NO_PROXY`` empty; it runs only the shared
checks, with ``--scan-unused-services`` (unused security groups are skipped otherwise) and no retries
(moto answers unimplemented calls with 500).

Plinth reads the same part of the account: the services its own versions of the shared checks read
(``--service``, one per Prowler check's service: ec2, s3, iam, kms, ...; ``--all-services`` reads every one),
and runs every check it has on them, not only the shared ones.

Ground truth is (resource id, misconfiguration) pairs the seed planted. Scores read Prowler's OCSF
``metadata.event_code``, ``status_code`` and ``resources[0].uid``, and Plinth's JSON findings' policy
and ARN. Things moto does differently from AWS (no default bucket encryption, an ``alias/aws/ebs`` key
that looks customer-managed) are not planted, so they are not in the ground truth.

    .venv/bin/python tests/benchmarks/audit_vs_prowler.py --extra 200
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.audit import seed as seeding  # noqa: E402
from tests.audit.conftest import start_moto  # noqa: E402

PROWLER = "prowler==5.46.0"
PROWLER_VENV = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "plinth-bench" / "prowler-5.46.0"

#: Shared checks: misconfiguration -> (Prowler check, Plinth policy or audit check, scope).
#: Scope ``resource``: scored per resource id; ``account``: one pair for the account or region.
SHARED: dict[str, tuple[str, str, str]] = {
    "unencrypted EBS volume": ("ec2_ebs_volume_encryption", "aws-ebs-volume-encryption-required", "resource"),
    "EBS encryption by default off": ("ec2_ebs_default_encryption", "aws-ebs-encryptionbydefault-enabled", "account"),
    "KMS key without rotation": ("kms_cmk_rotation_enabled", "aws-kms-key-rotation-enabled", "resource"),
    "SSH open to the internet": (
        "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
        "aws-ec2-securitygroup-admin-ports-restricted",
        "resource",
    ),
    "instance accepts IMDSv1": ("ec2_instance_imdsv2_enabled", "aws-ec2-instance-imdsv2-required", "resource"),
    "role with AdministratorAccess": (
        "iam_role_administratoraccess_policy",
        "aws-iam-role-admin-forbidden",
        "resource",
    ),
    "bucket public access block off": (
        "s3_bucket_level_public_access_block",
        "aws-s3-bucket-public-access-blocked",
        "resource",
    ),
    "account public access block off": (
        "s3_account_level_public_access_blocks",
        "aws-s3-bucket-public-access-blocked",
        "account",
    ),
    "root user without MFA": ("iam_root_mfa_enabled", "aws-account-root-mfa-enabled", "account"),
    "weak password policy": (
        "iam_password_policy_minimum_length_14",
        "aws-iam-passwordpolicy-strength-required",
        "account",
    ),
    "GuardDuty off": ("guardduty_is_enabled", "aws-guardduty-detector-enabled", "account"),
    "trail without log validation": (
        "cloudtrail_log_file_validation_enabled",
        "aws-cloudtrail-trail-validated",
        "resource",
    ),
    "log group without retention": (
        "cloudwatch_log_group_retention_policy_specific_days_enabled",
        "aws-cloudwatch-loggroup-retention-set",
        "resource",
    ),
    "table without PITR": ("dynamodb_tables_pitr_enabled", "aws-dynamodb-table-pitr-enabled", "resource"),
    "unencrypted EFS": ("efs_encryption_at_rest_enabled", "aws-efs-filesystem-encryption-required", "resource"),
    "unencrypted Kinesis stream": (
        "kinesis_stream_encrypted_at_rest",
        "aws-kinesis-stream-encryption-required",
        "resource",
    ),
    "public RDS instance": ("rds_instance_no_public_access", "aws-rds-instance-public-forbidden", "resource"),
    "unencrypted RDS instance": ("rds_instance_storage_encrypted", "aws-rds-instance-encryption-required", "resource"),
    "unencrypted SQS queue": (
        "sqs_queues_server_side_encryption_enabled",
        "aws-sqs-queue-encryption-required",
        "resource",
    ),
    "SNS topic without KMS": (
        "sns_topics_kms_encryption_at_rest_enabled",
        "aws-sns-topic-encryption-required",
        "resource",
    ),
    "public EKS endpoint": ("eks_cluster_not_publicly_accessible", "aws-eks-cluster-endpoint-restricted", "resource"),
    "unencrypted OpenSearch domain": (
        "opensearch_service_domains_encryption_at_rest_enabled",
        "aws-opensearch-domain-encryption-required",
        "resource",
    ),
    "public Redshift cluster": ("redshift_cluster_public_access", "aws-redshift-cluster-public-forbidden", "resource"),
    "notebook with direct internet": (
        "sagemaker_notebook_instance_without_direct_internet_access_configured",
        "aws-sagemaker-notebook-internet-disabled",
        "resource",
    ),
}


def shared_services() -> list[str]:
    """The services Plinth reads the shared checks from: those producing a type the shared Plinth checks judge.

    They are the services Prowler's shared checks are named after (``ec2_...`` -> ec2, ``cloudwatch_log_group_...``
    -> logs): both tools read the same part of the account, and every other check Plinth has on those services
    runs too.
    """
    from scripts import audit
    from scripts.audit import aws
    from scripts.audit.aws import account

    wanted = {policy for _, policy, _ in SHARED.values()}
    checks = [c for c in audit.checks_for(aws.read_types(), account.CHECKS) if c.name in wanted]
    missing = wanted - {c.name for c in checks}
    assert not missing, f"shared checks Plinth does not have: {sorted(missing)}"
    return [aws.service_name(m) for m in aws.SERVICES if any(c.applies_to(t) for c in checks for t in m.TYPES)]


def short_id(uid: str) -> str:
    """The last segment of an ARN (or a label): ``arn:aws:ec2:...:volume/vol-1`` -> ``vol-1``."""
    tail = str(uid).split(" ", 1)[0]
    tail = tail.rsplit(":", 1)[-1]
    return tail.rsplit("/", 1)[-1]


def seed_extra(endpoint: str, count: int) -> list[tuple[str, str]]:
    """N more resources, half of each kind misconfigured; the planted (misconfiguration, id) pairs."""
    c = seeding.clients(endpoint)
    planted: list[tuple[str, str]] = []
    vpc = c["ec2"].create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    for i in range(count):
        bad = i % 2 == 0
        kind = i % 8 // 2
        if kind == 0:
            v = c["ec2"].create_volume(AvailabilityZone=f"{seeding.REGION}a", Size=1, Encrypted=not bad)["VolumeId"]
            if bad:
                planted.append(("unencrypted EBS volume", v))
        elif kind == 1:
            name = f"extra-bucket-{i}"
            c["s3"].create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": seeding.REGION})
            flags = {
                k: not bad
                for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
            }
            c["s3"].put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=flags)
            if bad:
                planted.append(("bucket public access block off", name))
        elif kind == 2:
            key = c["kms"].create_key(Description=f"extra-{i}")["KeyMetadata"]["KeyId"]
            if not bad:
                c["kms"].enable_key_rotation(KeyId=key)
            else:
                planted.append(("KMS key without rotation", key))
        else:
            group = c["ec2"].create_security_group(GroupName=f"extra-{i}", Description="extra", VpcId=vpc)["GroupId"]
            cidr = "0.0.0.0/0" if bad else "10.0.0.0/8"
            c["ec2"].authorize_security_group_ingress(GroupId=group, IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": cidr}]}])  # fmt: skip
            if bad:
                planted.append(("SSH open to the internet", group))
    return planted


def ground_truth(expected: list[tuple[str, str, bool]], extra: list[tuple[str, str]]) -> set[tuple[str, str]]:
    by_policy: dict[str, list[str]] = {}
    for kind, (_, policy, scope) in SHARED.items():
        by_policy.setdefault(policy, []).append(kind)
    truth = set()
    for policy, label, fails in expected:
        if not fails:
            continue
        for kind in by_policy.get(policy, []):
            scope = SHARED[kind][2]
            is_account = label.startswith(("account ", "root user", "password policy", "region ", "EBS encryption"))
            if scope == "account" and is_account:
                truth.add((kind, "account"))
            elif scope == "resource" and not is_account and not label.endswith("-template"):
                # (launch templates are scored by neither: Prowler's IMDS check here is the instances')
                truth.add((kind, short_id(label.split("/")[0] if policy == "aws-iam-role-admin-forbidden" else label)))
    truth |= set(extra)
    return truth


def ensure_prowler(venv: Path) -> Path:
    exe = venv / "bin" / "prowler"
    if exe.exists():
        return exe
    print(f"installing {PROWLER} into {venv} (once; about 2.5 GB)...", file=sys.stderr)
    venv.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", PROWLER], check=True)
    return exe


def run_prowler(exe: Path, endpoint: str, out: Path) -> tuple[float, set[tuple[str, str]]]:
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": seeding.REGION,
        "AWS_ENDPOINT_URL": endpoint,
        "HTTP_PROXY": endpoint,
        "http_proxy": endpoint,
        "NO_PROXY": "",
        "no_proxy": "",
    }
    checks = sorted({prowler for prowler, _, _ in SHARED.values()})
    command = [str(exe), "aws", "--region", seeding.REGION, "--checks", *checks, "--scan-unused-services",
               "--aws-retries-max-attempts", "0", "--output-formats", "json-ocsf", "--no-banner",
               "--output-directory", str(out), "--output-filename", "prowler"]  # fmt: skip
    (out / "prowler.ocsf.json").unlink(missing_ok=True)  # Prowler appends to an existing report
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    seconds = time.perf_counter() - start
    results = json.loads((out / "prowler.ocsf.json").read_text() or "[]")
    kinds = {prowler: kind for kind, (prowler, _, _) in SHARED.items()}
    scopes = {kind: scope for kind, (_, _, scope) in SHARED.items()}
    found = set()
    for r in results:
        code = r.get("metadata", {}).get("event_code")
        if r.get("status_code") != "FAIL" or code not in kinds:
            continue
        kind = kinds[code]
        found.add((kind, "account" if scopes[kind] == "account" else short_id(r["resources"][0]["uid"])))
    return seconds, found


def run_plinth(endpoint: str, out: Path, services: list[str]) -> tuple[float, set[tuple[str, str]]]:
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    for name in ("HTTP_PROXY", "http_proxy", "AWS_ENDPOINT_URL"):
        env.pop(name, None)
    report = out / "plinth.json"
    command = [str(Path(sys.executable).with_name("plinth")), "audit", "aws", "--region", seeding.REGION,
               "--endpoint-url", endpoint, "--format", "json", "--out", str(report),
               *(a for s in services for a in ("--service", s))]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    seconds = time.perf_counter() - start
    data = json.loads(report.read_text())
    kinds: dict[str, list[str]] = {}
    for kind, (_, policy, _) in SHARED.items():
        kinds.setdefault(policy, []).append(kind)
    found = set()
    for f in data["violations"]:
        for kind in kinds.get(f["policy"], []):
            scope = SHARED[kind][2]
            account = f.get("resourceType", "").startswith("plinth:audit:") or f.get("resourceType") in (
                "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
                "aws:ebs/encryptionByDefault:EncryptionByDefault",
            )
            if scope == "account" and account:
                found.add((kind, "account"))
            elif scope == "resource" and not account:
                found.add((kind, short_id(f.get("arn") or f.get("name", ""))))
    return seconds, found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--extra", type=int, default=200, help="resources seeded beyond the twins (default 200)")
    parser.add_argument(
        "--all-services", action="store_true", help="let Plinth read every service, not only the shared checks' ones"
    )
    parser.add_argument("--prowler-venv", type=Path, default=PROWLER_VENV, help="Prowler's virtualenv (created once)")
    parser.add_argument("--out", type=Path, default=Path("/tmp") / "plinth-audit-bench", help="where reports go")
    args = parser.parse_args()
    exe = ensure_prowler(args.prowler_venv)
    services = shared_services() if not args.all_services else []
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.update({"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"})
    proc, endpoint = start_moto()
    try:
        expected = seeding.seed(endpoint)
        extra = seed_extra(endpoint, args.extra)
        truth = ground_truth(expected, extra)
        plinth_s, plinth = run_plinth(endpoint, args.out, services)
        prowler_s, prowler = run_prowler(exe, endpoint, args.out)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"seeded: {len(expected)} twin expectations + {args.extra} extra resources; ground truth {len(truth)} pairs")
    print(f"plinth reads: {', '.join(services) or 'every service'}")
    print(f"plinth audit aws: {plinth_s:6.2f} s wall")
    print(f"prowler {PROWLER.split('==')[1]}:     {prowler_s:6.2f} s wall")
    print(f"ratio (prowler / plinth): {prowler_s / plinth_s:.1f}x")
    print(f"{'shared check':34} {'planted':>7} {'plinth':>7} {'prowler':>8}")
    totals = [0, 0, 0]
    for kind in SHARED:
        planted = {p for p in truth if p[0] == kind}
        row = (len(planted), len(planted & plinth), len(planted & prowler))
        totals = [a + b for a, b in zip(totals, row)]
        print(f"{kind:34} {row[0]:7} {row[1]:7} {row[2]:8}")
    print(f"{'total true findings':34} {totals[0]:7} {totals[1]:7} {totals[2]:8}")
    missed = sorted(truth - plinth)
    if missed:
        print(f"plinth missed: {missed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
