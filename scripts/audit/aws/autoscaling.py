"""EC2 Auto Scaling: launch configurations (``ec2.LaunchConfiguration``: public IP, volumes, user data)."""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "autoscaling"
GLOBAL = False
LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration"
TYPES = (LAUNCH_CONFIGURATION,)
CALLS = (Call("autoscaling", "describe_launch_configurations", "autoscaling:DescribeLaunchConfigurations"),)


def launch_configuration(lc: dict[str, Any]) -> dict[str, Any]:
    """Root and EBS volumes as the provider declares them (``rootBlockDevice``, ``ebsBlockDevices``)."""
    root, others = None, []
    for mapping in lc.get("BlockDeviceMappings") or []:
        ebs = mapping.get("Ebs")
        if ebs is None:
            continue
        device = drop_none(
            {
                "deviceName": mapping.get("DeviceName"),
                "encrypted": ebs.get("Encrypted"),
                "snapshotId": ebs.get("SnapshotId"),
                "volumeSize": ebs.get("VolumeSize"),
            }
        )
        if mapping.get("DeviceName") in ("/dev/xvda", "/dev/sda1") and root is None:
            root = {k: v for k, v in device.items() if k not in ("deviceName", "snapshotId")}
        else:
            others.append(device)
    return drop_none(
        {
            "name": lc.get("LaunchConfigurationName"),
            "imageId": lc.get("ImageId"),
            "instanceType": lc.get("InstanceType"),
            "associatePublicIpAddress": lc.get("AssociatePublicIpAddress"),
            "userData": lc.get("UserData") or None,
            "rootBlockDevice": root,
            "ebsBlockDevices": others or None,
            "metadataOptions": drop_none({"httpTokens": (lc.get("MetadataOptions") or {}).get("HttpTokens")}) or None,
        }
    )


def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    try:
        configs = ctx.pages("autoscaling", "describe_launch_configurations", "LaunchConfigurations")
    except CallFailed as failure:
        yield ctx.gap(failure, TYPES)
        return
    for lc in configs:
        name = str(lc["LaunchConfigurationName"])
        arn = str(lc.get("LaunchConfigurationARN") or ctx.arn("autoscaling", f"launchConfiguration:{name}"))
        yield ctx.subject(
            LAUNCH_CONFIGURATION, launch_configuration(lc), name=name, arn=arn, calls=(CALLS[0].action,),
            sensitive=("userData",),
        )  # fmt: skip
