"""SageMaker notebook instances give their users no root access.

Follows Checkov CKV_AWS_307 ("Ensure SageMaker Users should not have root access to SageMaker
notebook instances") and Prowler ``sagemaker_notebook_instance_root_access_disabled``:
``rootAccess`` must be ``Disabled`` (the provider's default is ``Enabled``). With root, a notebook
user can change the instance's software, read other users' files and the instance role's
credentials without limits. Advisory: lifecycle configurations can install what root would.
"""

from policies.meta import resource_policy


def check(props, config):
    root = props.get("rootAccess") or "Enabled"
    if root != "Disabled":
        yield f"Notebook users have root access (rootAccess {root!r})."


POLICY = resource_policy(
    name="aws-sagemaker-notebook-root-disabled",
    description="SageMaker notebook instances disable root access for their users.",
    types=["aws:sagemaker/notebookInstance:NotebookInstance"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.1", "soc2:CC6.3", "hipaa:164.308(a)(4)(ii)(B)"],
    remediation="Set rootAccess: Disabled and install packages through a lifecycle configuration.",
)
