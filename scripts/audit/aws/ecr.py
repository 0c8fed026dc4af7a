"""ECR: repositories (``ecr.Repository``: encryption) and their policies (``ecr.RepositoryPolicy``)."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, document, drop_none
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "ecr"
GLOBAL = False
REPOSITORY = "aws:ecr/repository:Repository"
POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy"
TYPES = (REPOSITORY, POLICY)
CALLS = (
    Call("ecr", "describe_repositories", "ecr:DescribeRepositories"),
    Call("ecr", "get_repository_policy", "ecr:GetRepositoryPolicy"),
)


def repository(r: dict[str, Any]) -> dict[str, Any]:
    encryption = r.get("encryptionConfiguration") or {}
    return drop_none(
        {
            "name": r.get("repositoryName"),
            "imageTagMutability": r.get("imageTagMutability"),
            "encryptionConfigurations": [
                drop_none(
                    {"encryptionType": encryption.get("encryptionType", "AES256"), "kmsKey": encryption.get("kmsKey")}
                )
            ],
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        repositories = ctx.pages("ecr", "describe_repositories", "repositories")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    for r in repositories:
        name, arn = str(r["repositoryName"]), str(r["repositoryArn"])
        yield ctx.subject(REPOSITORY, repository(r), name=name, arn=arn, calls=(CALLS[0].action,))
        try:
            policy = ctx.call(
                "ecr", "get_repository_policy", repositoryName=name, absent=("RepositoryPolicyNotFoundException",)
            )
        except CallFailed as failure:
            yield ctx.gap(failure, (POLICY,), arn=arn, name=name)
            continue
        if policy and policy.get("policyText"):
            props = {"repository": name, "policy": document(policy["policyText"])}
            yield ctx.subject(POLICY, props, name=name, arn=arn, calls=(CALLS[1].action,))
