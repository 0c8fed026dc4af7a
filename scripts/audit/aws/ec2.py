"""EC2 and EBS: volumes, the account's default encryption, instances, launch templates, security
groups (the VPC's default group as ``ec2.DefaultSecurityGroup``), network ACLs, subnets, VPCs with
their flow logs, network interfaces and the create-volume permissions of the account's snapshots.

Shapes follow pulumi-aws 7's inputs: inline rules as ``{protocol, fromPort, toPort, cidrBlocks,
ipv6CidrBlocks}``, an instance's root volume as ``rootBlockDevice`` (with the volume's own
encryption), launch-template booleans as the strings the provider takes (``"true"``), user data
base64 as the API gives it (never shown in evidence).
"""

from __future__ import annotations

from typing import Any, Iterator

from scripts.audit.aws.api import Call, CallFailed
from scripts.audit.aws.base import Context, drop_none, flag, tags
from scripts.audit.evaluate import Gap
from scripts.audit.subject import Subject

SERVICE = "ec2"
GLOBAL = False
VOLUME = "aws:ebs/volume:Volume"
DEFAULT_ENCRYPTION = "aws:ebs/encryptionByDefault:EncryptionByDefault"
INSTANCE = "aws:ec2/instance:Instance"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
NETWORK_ACL = "aws:ec2/networkAcl:NetworkAcl"
SUBNET = "aws:ec2/subnet:Subnet"
VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
NETWORK_INTERFACE = "aws:ec2/networkInterface:NetworkInterface"
SNAPSHOT_PERMISSION = "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission"
AMI_PERMISSION = "aws:ec2/amiLaunchPermission:AmiLaunchPermission"
TYPES = (
    VOLUME,
    DEFAULT_ENCRYPTION,
    INSTANCE,
    LAUNCH_TEMPLATE,
    SECURITY_GROUP,
    DEFAULT_SECURITY_GROUP,
    NETWORK_ACL,
    SUBNET,
    VPC,
    FLOW_LOG,
    NETWORK_INTERFACE,
    SNAPSHOT_PERMISSION,
    AMI_PERMISSION,
)
CALLS = (
    Call("ec2", "describe_volumes", "ec2:DescribeVolumes"),
    Call("ec2", "get_ebs_encryption_by_default", "ec2:GetEbsEncryptionByDefault"),
    Call("ec2", "describe_instances", "ec2:DescribeInstances"),
    Call("ec2", "describe_instance_attribute", "ec2:DescribeInstanceAttribute"),
    Call("ec2", "describe_launch_templates", "ec2:DescribeLaunchTemplates"),
    Call("ec2", "describe_launch_template_versions", "ec2:DescribeLaunchTemplateVersions"),
    Call("ec2", "describe_security_groups", "ec2:DescribeSecurityGroups"),
    Call("ec2", "describe_network_acls", "ec2:DescribeNetworkAcls"),
    Call("ec2", "describe_subnets", "ec2:DescribeSubnets"),
    Call("ec2", "describe_vpcs", "ec2:DescribeVpcs"),
    Call("ec2", "describe_flow_logs", "ec2:DescribeFlowLogs"),
    Call("ec2", "describe_network_interfaces", "ec2:DescribeNetworkInterfaces"),
    Call("ec2", "describe_snapshots", "ec2:DescribeSnapshots"),
    Call("ec2", "describe_snapshot_attribute", "ec2:DescribeSnapshotAttribute"),
    Call("ec2", "describe_images", "ec2:DescribeImages"),
    Call("ec2", "describe_image_attribute", "ec2:DescribeImageAttribute"),
)


# --------------------------------------------------------------------------------------------
# Pure shapes
# --------------------------------------------------------------------------------------------
def volume(v: dict[str, Any]) -> dict[str, Any]:
    return drop_none(
        {
            "availabilityZone": v.get("AvailabilityZone"),
            "encrypted": bool(v.get("Encrypted")),
            "kmsKeyId": v.get("KmsKeyId"),
            "size": v.get("Size"),
            "type": v.get("VolumeType"),
            "iops": v.get("Iops"),
            "snapshotId": v.get("SnapshotId") or None,
            "tags": tags(v.get("Tags")),
        }
    )


def _rule(permission: dict[str, Any]) -> dict[str, Any]:
    protocol = str(permission.get("IpProtocol", "-1"))
    return drop_none(
        {
            "protocol": protocol,
            "fromPort": permission.get("FromPort", 0 if protocol == "-1" else None),
            "toPort": permission.get("ToPort", 0 if protocol == "-1" else None),
            "cidrBlocks": [r["CidrIp"] for r in permission.get("IpRanges") or []] or None,
            "ipv6CidrBlocks": [r["CidrIpv6"] for r in permission.get("Ipv6Ranges") or []] or None,
            "securityGroups": [p["GroupId"] for p in permission.get("UserIdGroupPairs") or [] if p.get("GroupId")]
            or None,
            "prefixListIds": [p["PrefixListId"] for p in permission.get("PrefixListIds") or []] or None,
        }
    )


def security_group(g: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(type, props): the VPC's ``default`` group is an ``ec2.DefaultSecurityGroup``."""
    kind = DEFAULT_SECURITY_GROUP if g.get("GroupName") == "default" else SECURITY_GROUP
    props = {
        "name": g.get("GroupName"),
        "description": g.get("Description"),
        "vpcId": g.get("VpcId"),
        "ingress": [_rule(p) for p in g.get("IpPermissions") or []],
        "egress": [_rule(p) for p in g.get("IpPermissionsEgress") or []],
        "tags": tags(g.get("Tags")),
    }
    if kind == DEFAULT_SECURITY_GROUP:
        props.pop("name")
        props.pop("description")
    return kind, drop_none(props)


def network_acl(acl: dict[str, Any]) -> dict[str, Any]:
    def entry(e: dict[str, Any]) -> dict[str, Any]:
        ports = e.get("PortRange") or {}
        return drop_none(
            {
                "ruleNo": e.get("RuleNumber"),
                "action": e.get("RuleAction"),
                "protocol": str(e.get("Protocol", "-1")),
                "cidrBlock": e.get("CidrBlock"),
                "ipv6CidrBlock": e.get("Ipv6CidrBlock"),
                "fromPort": ports.get("From", 0),
                "toPort": ports.get("To", 0),
            }
        )

    entries = acl.get("Entries") or []
    return drop_none(
        {
            "vpcId": acl.get("VpcId"),
            "subnetIds": [a["SubnetId"] for a in acl.get("Associations") or [] if a.get("SubnetId")],
            "ingress": [entry(e) for e in entries if not e.get("Egress")],
            "egress": [entry(e) for e in entries if e.get("Egress")],
            "tags": tags(acl.get("Tags")),
        }
    )


def instance(i: dict[str, Any], volumes: dict[str, dict[str, Any]], user_data: str | None) -> dict[str, Any]:
    """An ``ec2.Instance``: root and EBS volumes carry their volume's encryption."""
    root_name = i.get("RootDeviceName")
    root, others = None, []
    for mapping in i.get("BlockDeviceMappings") or []:
        ebs = mapping.get("Ebs") or {}
        v = volumes.get(str(ebs.get("VolumeId")), {})
        device = drop_none(
            {
                "deviceName": mapping.get("DeviceName"),
                "volumeId": ebs.get("VolumeId"),
                "encrypted": bool(v.get("Encrypted")) if v else None,
                "kmsKeyId": v.get("KmsKeyId"),
                "volumeSize": v.get("Size"),
                "volumeType": v.get("VolumeType"),
                "snapshotId": v.get("SnapshotId") or None,
            }
        )
        if mapping.get("DeviceName") == root_name:
            root = device
        else:
            others.append(device)
    options = i.get("MetadataOptions") or {}
    return drop_none(
        {
            "ami": i.get("ImageId"),
            "instanceType": i.get("InstanceType"),
            "subnetId": i.get("SubnetId"),
            "vpcSecurityGroupIds": [g["GroupId"] for g in i.get("SecurityGroups") or []],
            "associatePublicIpAddress": bool(i.get("PublicIpAddress")),
            "sourceDestCheck": i.get("SourceDestCheck"),
            "metadataOptions": drop_none(
                {
                    "httpTokens": options.get("HttpTokens"),
                    "httpEndpoint": options.get("HttpEndpoint"),
                    "httpPutResponseHopLimit": options.get("HttpPutResponseHopLimit"),
                }
            ),
            "rootBlockDevice": root,
            "ebsBlockDevices": others or None,
            "userData": user_data,
            "iamInstanceProfile": (i.get("IamInstanceProfile") or {}).get("Arn"),
            "tags": tags(i.get("Tags")),
        }
    )


def launch_template(t: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """An ``ec2.LaunchTemplate`` from its default version's data (booleans as the provider's strings)."""
    options = data.get("MetadataOptions") or {}
    return drop_none(
        {
            "name": t.get("LaunchTemplateName"),
            "imageId": data.get("ImageId"),
            "instanceType": data.get("InstanceType"),
            "userData": data.get("UserData"),
            "metadataOptions": drop_none(
                {"httpTokens": options.get("HttpTokens"), "httpEndpoint": options.get("HttpEndpoint")}
            )
            or None,
            "networkInterfaces": [
                drop_none(
                    {
                        "associatePublicIpAddress": flag(n.get("AssociatePublicIpAddress")),
                        "deviceIndex": n.get("DeviceIndex"),
                        "subnetId": n.get("SubnetId"),
                    }
                )
                for n in data.get("NetworkInterfaces") or []
            ]
            or None,
            "blockDeviceMappings": [
                drop_none(
                    {
                        "deviceName": m.get("DeviceName"),
                        "ebs": drop_none(
                            {
                                "encrypted": flag((m.get("Ebs") or {}).get("Encrypted")),
                                "kmsKeyId": (m.get("Ebs") or {}).get("KmsKeyId"),
                                "snapshotId": (m.get("Ebs") or {}).get("SnapshotId"),
                                "volumeSize": (m.get("Ebs") or {}).get("VolumeSize"),
                            }
                        )
                        if m.get("Ebs") is not None
                        else None,
                    }
                )
                for m in data.get("BlockDeviceMappings") or []
            ]
            or None,
            "tags": tags(t.get("Tags")),
        }
    )


def snapshot_permissions(snapshot_id: str, attribute: dict[str, Any]) -> list[dict[str, Any]]:
    """One ``SnapshotCreateVolumePermission`` per grant; the public grant is the group ``all``."""
    out = []
    for grant in attribute.get("CreateVolumePermissions") or []:
        if grant.get("Group"):
            out.append({"snapshotId": snapshot_id, "group": grant["Group"]})
        elif grant.get("UserId"):
            out.append({"snapshotId": snapshot_id, "accountId": grant["UserId"]})
    return out


def launch_permissions(image_id: str, attribute: dict[str, Any]) -> list[dict[str, Any]]:
    """One ``AmiLaunchPermission`` per grant: an account, an organization or OU, or the public group ``all``."""
    keys = (("Group", "group"), ("UserId", "accountId"), ("OrganizationArn", "organizationArn"),
            ("OrganizationalUnitArn", "organizationalUnitArn"))  # fmt: skip
    return [
        {"imageId": image_id, **{prop: grant[api] for api, prop in keys if grant.get(api)}}
        for grant in attribute.get("LaunchPermissions") or []
    ]


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------
def collect(ctx: Context, regions: tuple[str, ...] = ()) -> Iterator[Subject | Gap]:
    volumes: dict[str, dict[str, Any]] = {}
    parts = (_volumes, _default_encryption, _instances, _templates, _groups, _acls, _network, _snapshots, _images)
    for part in parts:
        yield from part(ctx, volumes)


def _volumes(ctx: Context, volumes: dict[str, dict[str, Any]]) -> Iterator[Subject | Gap]:
    try:
        found = ctx.pages("ec2", "describe_volumes", "Volumes")
    except CallFailed as failure:
        yield ctx.gap(failure, (VOLUME, INSTANCE))
        return
    for v in found:
        volumes[v["VolumeId"]] = v
        arn = ctx.arn("ec2", f"volume/{v['VolumeId']}")
        yield ctx.subject(VOLUME, volume(v), name=v["VolumeId"], arn=arn, calls=("ec2:DescribeVolumes",))


def _default_encryption(ctx: Context, _: Any) -> Iterator[Subject | Gap]:
    arn = ctx.arn("ec2", "ebs-encryption-by-default")
    try:
        answer = ctx.call("ec2", "get_ebs_encryption_by_default")
    except CallFailed as failure:
        yield ctx.gap(failure, (DEFAULT_ENCRYPTION,), arn=arn)
        return
    yield ctx.subject(
        DEFAULT_ENCRYPTION,
        {"enabled": bool(answer.get("EbsEncryptionByDefault"))},
        name=f"EBS encryption by default ({ctx.region})",
        arn=arn,
        calls=("ec2:GetEbsEncryptionByDefault",),
    )


def _instances(ctx: Context, volumes: dict[str, dict[str, Any]]) -> Iterator[Subject | Gap]:
    try:
        reservations = ctx.pages("ec2", "describe_instances", "Reservations")
    except CallFailed as failure:
        yield ctx.gap(failure, (INSTANCE,))
        return
    for reservation in reservations:
        for i in reservation.get("Instances") or []:
            if (i.get("State") or {}).get("Name") == "terminated":
                continue
            iid = i["InstanceId"]
            arn = ctx.arn("ec2", f"instance/{iid}")
            try:
                answer = ctx.call("ec2", "describe_instance_attribute", InstanceId=iid, Attribute="userData")
            except CallFailed as failure:
                yield ctx.gap(failure, (INSTANCE,), arn=arn, name=iid)
                continue
            user_data = ((answer or {}).get("UserData") or {}).get("Value")
            yield ctx.subject(
                INSTANCE,
                instance(i, volumes, user_data),
                name=iid,
                arn=arn,
                calls=("ec2:DescribeInstances", "ec2:DescribeInstanceAttribute", "ec2:DescribeVolumes"),
                sensitive=("userData",),
            )


def _templates(ctx: Context, _: Any) -> Iterator[Subject | Gap]:
    try:
        templates = ctx.pages("ec2", "describe_launch_templates", "LaunchTemplates")
    except CallFailed as failure:
        yield ctx.gap(failure, (LAUNCH_TEMPLATE,))
        return
    for t in templates:
        tid = t["LaunchTemplateId"]
        arn = ctx.arn("ec2", f"launch-template/{tid}")
        try:
            versions = ctx.call(
                "ec2", "describe_launch_template_versions", LaunchTemplateId=tid, Versions=["$Default"]
            ).get("LaunchTemplateVersions")
        except CallFailed as failure:
            yield ctx.gap(failure, (LAUNCH_TEMPLATE,), arn=arn, name=t.get("LaunchTemplateName", tid))
            continue
        data = (versions or [{}])[0].get("LaunchTemplateData") or {}
        yield ctx.subject(
            LAUNCH_TEMPLATE,
            launch_template(t, data),
            name=t.get("LaunchTemplateName", tid),
            arn=arn,
            calls=("ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions"),
            ids=(tid,),
            sensitive=("userData",),
        )


def _groups(ctx: Context, _: Any) -> Iterator[Subject | Gap]:
    try:
        groups = ctx.pages("ec2", "describe_security_groups", "SecurityGroups")
    except CallFailed as failure:
        yield ctx.gap(failure, (SECURITY_GROUP, DEFAULT_SECURITY_GROUP))
        return
    for g in groups:
        kind, props = security_group(g)
        arn = ctx.arn("ec2", f"security-group/{g['GroupId']}")
        name = f"{g['GroupId']} ({g.get('GroupName')})"
        yield ctx.subject(kind, props, name=name, arn=arn, calls=("ec2:DescribeSecurityGroups",), ids=(g["GroupId"],))


def _acls(ctx: Context, _: Any) -> Iterator[Subject | Gap]:
    try:
        acls = ctx.pages("ec2", "describe_network_acls", "NetworkAcls")
    except CallFailed as failure:
        yield ctx.gap(failure, (NETWORK_ACL,))
        return
    for acl in acls:
        arn = ctx.arn("ec2", f"network-acl/{acl['NetworkAclId']}")
        yield ctx.subject(
            NETWORK_ACL,
            network_acl(acl),
            name=acl["NetworkAclId"],
            arn=arn,
            calls=("ec2:DescribeNetworkAcls",),
        )


def _network(ctx: Context, _: Any) -> Iterator[Subject | Gap]:
    try:
        subnets = ctx.pages("ec2", "describe_subnets", "Subnets")
        vpcs = ctx.pages("ec2", "describe_vpcs", "Vpcs")
        logs = ctx.pages("ec2", "describe_flow_logs", "FlowLogs")
        nics = ctx.pages("ec2", "describe_network_interfaces", "NetworkInterfaces")
    except CallFailed as failure:
        yield ctx.gap(failure, (SUBNET, VPC, FLOW_LOG, NETWORK_INTERFACE))
        return
    for s in subnets:
        props = drop_none(
            {
                "vpcId": s.get("VpcId"),
                "cidrBlock": s.get("CidrBlock"),
                "availabilityZone": s.get("AvailabilityZone"),
                "mapPublicIpOnLaunch": bool(s.get("MapPublicIpOnLaunch")),
                "tags": tags(s.get("Tags")),
            }
        )
        arn = s.get("SubnetArn") or ctx.arn("ec2", f"subnet/{s['SubnetId']}")
        yield ctx.subject(SUBNET, props, name=s["SubnetId"], arn=arn, calls=("ec2:DescribeSubnets",))
    for v in vpcs:
        props = {"id": v["VpcId"], "cidrBlock": v.get("CidrBlock"), "tags": tags(v.get("Tags"))}
        arn = ctx.arn("ec2", f"vpc/{v['VpcId']}")
        yield ctx.subject(VPC, props, name=v["VpcId"], arn=arn, calls=("ec2:DescribeVpcs", "ec2:DescribeFlowLogs"))
    for f in logs:
        props = drop_none(
            {
                "vpcId": f.get("ResourceId") if str(f.get("ResourceId", "")).startswith("vpc-") else None,
                "subnetId": f.get("ResourceId") if str(f.get("ResourceId", "")).startswith("subnet-") else None,
                "trafficType": f.get("TrafficType"),
                "logDestinationType": f.get("LogDestinationType"),
                "logDestination": f.get("LogDestination") or f.get("LogGroupName"),
                "tags": tags(f.get("Tags")),
            }
        )
        arn = ctx.arn("ec2", f"vpc-flow-log/{f['FlowLogId']}")
        yield ctx.subject(FLOW_LOG, props, name=f["FlowLogId"], arn=arn, calls=("ec2:DescribeFlowLogs",))
    for n in nics:
        props = drop_none(
            {"subnetId": n.get("SubnetId"), "sourceDestCheck": n.get("SourceDestCheck"), "tags": tags(n.get("TagSet"))}
        )
        arn = ctx.arn("ec2", f"network-interface/{n['NetworkInterfaceId']}")
        yield ctx.subject(
            NETWORK_INTERFACE, props, name=n["NetworkInterfaceId"], arn=arn, calls=("ec2:DescribeNetworkInterfaces",)
        )


def _snapshots(ctx: Context, _: Any) -> Iterator[Subject | Gap]:
    try:
        snapshots = ctx.pages("ec2", "describe_snapshots", "Snapshots", OwnerIds=["self"])
    except CallFailed as failure:
        yield ctx.gap(failure, (SNAPSHOT_PERMISSION,))
        return
    for snap in snapshots:
        sid = snap["SnapshotId"]
        arn = ctx.arn("ec2", f"snapshot/{sid}", account=True)
        try:
            attribute = ctx.call(
                "ec2", "describe_snapshot_attribute", SnapshotId=sid, Attribute="createVolumePermission"
            )
        except CallFailed as failure:
            yield ctx.gap(failure, (SNAPSHOT_PERMISSION,), arn=arn, name=sid)
            continue
        for props in snapshot_permissions(sid, attribute or {}):
            yield ctx.subject(
                SNAPSHOT_PERMISSION,
                props,
                name=sid,
                arn=arn,
                calls=("ec2:DescribeSnapshots", "ec2:DescribeSnapshotAttribute"),
            )


def _images(ctx: Context, _: Any) -> Iterator[Subject | Gap]:
    try:
        images = ctx.pages("ec2", "describe_images", "Images", Owners=["self"])
    except CallFailed as failure:
        yield ctx.gap(failure, (AMI_PERMISSION,))
        return
    for image in images:
        iid = image["ImageId"]
        arn = ctx.arn("ec2", f"image/{iid}", account=False)
        try:
            attribute = ctx.call("ec2", "describe_image_attribute", ImageId=iid, Attribute="launchPermission")
        except CallFailed as failure:
            yield ctx.gap(failure, (AMI_PERMISSION,), arn=arn, name=iid)
            continue
        for props in launch_permissions(iid, attribute or {}):
            yield ctx.subject(
                AMI_PERMISSION, props, name=iid, arn=arn, calls=("ec2:DescribeImages", "ec2:DescribeImageAttribute")
            )
