"""Azure Machine Learning computes authenticate with Entra ID, not local (SSH key or password) accounts.

Follows Checkov CKV_AZURE_142 (Machine Learning Compute Cluster Local Authentication is disabled):
``properties.disableLocalAuth`` defaults to false and must be true. Advisory (high).
"""

from policies.meta import resource_policy
from policies.props import get


def check(props, config):
    if get(props, "properties.disableLocalAuth") is not True:
        yield "The compute allows local authentication (properties.disableLocalAuth is not true)."


POLICY = resource_policy(
    name="azure-machinelearningservices-compute-localauth-disabled",
    description="Azure Machine Learning computes disable local authentication.",
    types=["azure-native:machinelearningservices:Compute"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "hipaa:164.312(a)(1)"],
    remediation="Set properties.disableLocalAuth: true and grant users Azure ML roles through Entra ID.",
)
