"""EFS: file systems (``efs.FileSystem``) with their encryption at rest and key."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none, tags
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "efs"
GLOBAL = False
FILE_SYSTEM = "aws:efs/fileSystem:FileSystem"
TYPES = (FILE_SYSTEM,)
CALLS = (Call("efs", "describe_file_systems", "elasticfilesystem:DescribeFileSystems"),)


def file_system(fs: dict[str, Any]) -> dict[str, Any]:
    return drop_none(
        {
            "creationToken": fs.get("CreationToken"),
            "encrypted": bool(fs.get("Encrypted")),
            "kmsKeyId": fs.get("KmsKeyId"),
            "performanceMode": fs.get("PerformanceMode"),
            "tags": tags(fs.get("Tags")),
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        systems = ctx.pages("efs", "describe_file_systems", "FileSystems")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    for fs in systems:
        fid = str(fs["FileSystemId"])
        arn = str(fs.get("FileSystemArn") or ctx.arn("elasticfilesystem", f"file-system/{fid}"))
        yield ctx.subject(FILE_SYSTEM, file_system(fs), name=fid, arn=arn, calls=(CALLS[0].action,))
