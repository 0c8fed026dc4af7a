"""SageMaker: notebook instances (``sagemaker.NotebookInstance``: internet access, root access, key)."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "sagemaker"
GLOBAL = False
NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance"
TYPES = (NOTEBOOK,)
CALLS = (
    Call("sagemaker", "list_notebook_instances", "sagemaker:ListNotebookInstances"),
    Call("sagemaker", "describe_notebook_instance", "sagemaker:DescribeNotebookInstance"),
)


def notebook(n: dict[str, Any]) -> dict[str, Any]:
    return drop_none(
        {
            "name": n.get("NotebookInstanceName"),
            "instanceType": n.get("InstanceType"),
            "roleArn": n.get("RoleArn"),
            "directInternetAccess": n.get("DirectInternetAccess"),
            "rootAccess": n.get("RootAccess"),
            "kmsKeyId": n.get("KmsKeyId"),
            "subnetId": n.get("SubnetId"),
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        notebooks = ctx.pages("sagemaker", "list_notebook_instances", "NotebookInstances")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    for entry in notebooks:
        name = str(entry["NotebookInstanceName"])
        arn = str(entry.get("NotebookInstanceArn") or ctx.arn("sagemaker", f"notebook-instance/{name}"))
        try:
            n = ctx.call("sagemaker", "describe_notebook_instance", NotebookInstanceName=name)
        except CallFailed as failure:
            yield ctx.gap(failure, TYPES, arn=arn, name=name)
            continue
        yield ctx.subject(NOTEBOOK, notebook(n), name=name, arn=arn, calls=tuple(c.action for c in CALLS))
