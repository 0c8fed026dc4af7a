"""SageMaker: notebook instances (``sagemaker.NotebookInstance``: internet access, root access, key) and
endpoint configurations (``sagemaker.EndpointConfiguration``: the key of their storage volumes)."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "sagemaker"
GLOBAL = False
NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance"
ENDPOINT_CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
TYPES = (NOTEBOOK, ENDPOINT_CONFIG)
CALLS = (
    Call("sagemaker", "list_notebook_instances", "sagemaker:ListNotebookInstances"),
    Call("sagemaker", "describe_notebook_instance", "sagemaker:DescribeNotebookInstance"),
    Call("sagemaker", "list_endpoint_configs", "sagemaker:ListEndpointConfigs"),
    Call("sagemaker", "describe_endpoint_config", "sagemaker:DescribeEndpointConfig"),
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
    yield from _endpoint_configs(ctx)
    try:
        notebooks = ctx.pages("sagemaker", "list_notebook_instances", "NotebookInstances")
    except CallFailed as failure:
        yield ctx.gap(failure, (NOTEBOOK,))
        return
    for entry in notebooks:
        name = str(entry["NotebookInstanceName"])
        arn = str(entry.get("NotebookInstanceArn") or ctx.arn("sagemaker", f"notebook-instance/{name}"))
        try:
            n = ctx.call("sagemaker", "describe_notebook_instance", NotebookInstanceName=name)
        except CallFailed as failure:
            yield ctx.gap(failure, (NOTEBOOK,), arn=arn, name=name)
            continue
        yield ctx.subject(NOTEBOOK, notebook(n), name=name, arn=arn, calls=tuple(c.action for c in CALLS[:2]))


def endpoint_config(e: dict[str, Any]) -> dict[str, Any]:
    return drop_none({"name": e.get("EndpointConfigName"), "kmsKeyArn": e.get("KmsKeyId")})


def _endpoint_configs(ctx: Context) -> Iterator[Subject | Gap]:
    try:
        configs = ctx.pages("sagemaker", "list_endpoint_configs", "EndpointConfigs")
    except CallFailed as failure:
        yield ctx.gap(failure, (ENDPOINT_CONFIG,))
        return
    for entry in configs:
        name = str(entry["EndpointConfigName"])
        arn = str(entry.get("EndpointConfigArn") or ctx.arn("sagemaker", f"endpoint-config/{name}"))
        try:
            e = ctx.call("sagemaker", "describe_endpoint_config", EndpointConfigName=name)
        except CallFailed as failure:
            yield ctx.gap(failure, (ENDPOINT_CONFIG,), arn=arn, name=name)
            continue
        yield ctx.subject(
            ENDPOINT_CONFIG, endpoint_config(e), name=name, arn=arn, calls=tuple(c.action for c in CALLS[2:])
        )
