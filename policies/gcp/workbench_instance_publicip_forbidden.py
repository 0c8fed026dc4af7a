"""Vertex AI Workbench instances have no external IP address.

Follows Checkov CKV_GCP_89 (Vertex AI instances are private) as it applies to Workbench instances: the instance needs
``gceSetup.disablePublicIp: true`` (absent: false, the VM gets an external IP) and no ``accessConfigs`` on its network
interfaces. Mandatory: a notebook holds tenant data and credentials and runs arbitrary code; Workbench reaches its
users through the Google-managed proxy without an external IP.
"""

from policies.meta import resource_policy
from policies.props import as_list, get


def check(props, config):
    if get(props, "gceSetup.disablePublicIp") is not True:
        yield "The notebook VM gets an external IP address (gceSetup.disablePublicIp is not true)."
    for index, nic in enumerate(as_list(get(props, "gceSetup.networkInterfaces"))):
        if as_list(nic.get("accessConfigs")):
            yield f"Network interface {index} of the notebook VM has an external access config."


POLICY = resource_policy(
    name="gcp-workbench-instance-publicip-forbidden",
    description="Vertex AI Workbench instances have no external IP address.",
    types=["gcp:workbench/instance:Instance"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.6", "gdpr:Art.32"],
    remediation=(
        "Set gceSetup.disablePublicIp: true, remove accessConfigs, and give the subnet Private Google Access or "
        "Cloud NAT."
    ),
    enforcement="mandatory",
)
