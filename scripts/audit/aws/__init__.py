"""Reading a live AWS account into subjects, one module per service, regions and services in parallel.

:func:`collect` starts one job per (service, region) - global services (IAM, S3's bucket list) once -
on a bounded thread pool; each job's calls go through :class:`~scripts.audit.aws.api.Api` (declared,
retried with backoff, classified). What could not be read becomes a :class:`~scripts.audit.evaluate.Gap`,
so the checks that needed it say "could not check". Every audited region also gets a subject of its
own (``plinth:audit:AwsRegion``) for the checks that ask "is there one in each region".
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Callable, Iterable

from scripts.audit.aws import (
    autoscaling,
    backup,
    cloudtrail,
    dynamodb,
    ec2,
    ecr,
    ecs,
    efs,
    eks,
    elasticache,
    elbv2,
    guardduty,
    iam,
    kafka,
    kinesis,
    kms,
    lambda_,
    logs,
    opensearch,
    rds,
    redshift,
    s3,
    sagemaker,
    secretsmanager,
    sns,
    sqs,
)
from scripts.audit.aws.api import Api, Call, CallFailed, now
from scripts.audit.aws.base import Context
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICES: tuple[ModuleType, ...] = (
    s3,
    ec2,
    iam,
    kms,
    cloudtrail,
    guardduty,
    backup,
    logs,
    rds,
    dynamodb,
    sqs,
    sns,
    secretsmanager,
    lambda_,
    efs,
    ecr,
    kinesis,
    eks,
    elasticache,
    elbv2,
    redshift,
    sagemaker,
    opensearch,
    kafka,
    ecs,
    autoscaling,
)
IDENTITY = Call("sts", "get_caller_identity", "sts:GetCallerIdentity")
REGION = guardduty.REGION


def all_calls() -> tuple[Call, ...]:
    """Every call the audit can make (the read-only IAM policy lists exactly their actions)."""
    return (IDENTITY, *(c for module in SERVICES for c in module.CALLS))


def read_types() -> frozenset[str]:
    """The resource types the audit reads from a live account."""
    return frozenset({REGION, *(t for module in SERVICES for t in module.TYPES)})


def service_name(module: ModuleType) -> str:
    """A service module's name as users write it (``lambda_`` is ``lambda``)."""
    return module.__name__.rsplit(".", 1)[-1].rstrip("_")


def service_names() -> tuple[str, ...]:
    return tuple(service_name(m) for m in SERVICES)


def unknown_services(names: Iterable[str]) -> list[str]:
    """The names in ``names`` that are not one of :func:`service_names`."""
    known = set(service_names())
    return [n for n in dict.fromkeys(names) if n not in known]


def types_of(services: Iterable[str]) -> frozenset[str]:
    """The resource types that reading ``services`` produces (every audited region's own subject included)."""
    chosen = set(services)
    return frozenset({REGION, *(t for m in SERVICES if service_name(m) in chosen for t in m.TYPES)})


@dataclass
class Collection:
    """What one read of an account found."""

    account: str
    regions: tuple[str, ...]
    subjects: list[Subject] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    started: str = ""
    finished: str = ""
    seconds: float = 0.0
    calls: int = 0
    #: Every call made: (IAM action, region).
    made: list[tuple[str, str]] = field(default_factory=list)


def session(profile: str | None = None, region: str | None = None) -> Any:
    import boto3

    return boto3.Session(profile_name=profile, region_name=region)


def collect(
    boto_session: Any,
    regions: Iterable[str],
    *,
    endpoint_url: str | None = None,
    services: Iterable[str] | None = None,
    concurrency: int = 8,
    max_attempts: int = 5,
    on_progress: Callable[[int, int], None] | None = None,
) -> Collection:
    """Read the account behind ``boto_session`` in ``regions``; raises CallFailed when the identity is unknown."""
    regions = tuple(dict.fromkeys(regions))
    calls = {(c.service, c.operation): c for c in all_calls()}
    api = Api(boto_session, calls, endpoint_url=endpoint_url, max_attempts=max_attempts)
    started, clock = now(), time.monotonic()
    account = str(api.call("sts", regions[0], "get_caller_identity")["Account"])
    wanted = None if services is None else set(services)
    chosen = [m for m in SERVICES if wanted is None or service_name(m) in wanted]
    jobs = [(m, r) for m in chosen for r in ((regions[0],) if m.GLOBAL else regions)]
    result = Collection(account, regions, started=started)
    for region in regions:
        arn = f"arn:aws:ec2:{region}:{account}:region/{region}"
        result.subjects.append(
            Subject(
                REGION,
                {"name": region, "region": region},
                name=f"region {region}",
                arn=arn,
                region=region,
                read_at=started,
            )
        )
    lock = threading.Lock()
    done = [0]

    def run(job: tuple[ModuleType, str]) -> list[Subject | Gap]:
        module, region = job
        ctx = Context(api, account, region, read_at=now(), workers=max(1, concurrency))
        try:
            found = list(module.collect(ctx, regions))
        except CallFailed as failure:  # a collector that let one through: its whole service is a gap
            found = [Gap(tuple(module.TYPES), str(failure), region="" if module.GLOBAL else region)]
        except Exception as err:  # noqa: BLE001 - a bug must not turn into a pass
            reason = f"reading {module.__name__.rsplit('.', 1)[-1]} failed: {type(err).__name__}: {err}"
            found = [Gap(tuple(module.TYPES), reason, region="" if module.GLOBAL else region)]
        with lock:
            done[0] += 1
            if on_progress is not None:
                on_progress(done[0], len(jobs))
        return found

    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="plinth-audit") as pool:
        for found in pool.map(run, jobs):
            for item in found:
                if isinstance(item, Gap):
                    result.gaps.append(item)
                else:
                    result.subjects.append(item)
    result.finished = now()
    result.seconds = time.monotonic() - clock
    result.calls = len(api.made)
    result.made = list(api.made)
    return result
