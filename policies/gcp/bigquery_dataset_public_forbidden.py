"""BigQuery dataset ACLs never grant access to allUsers or allAuthenticatedUsers.

Follows CIS GCP Foundations v3.0 7.1 (BigQuery datasets are not anonymously or publicly accessible), Checkov
CKV_GCP_15 and Prowler bigquery_dataset_public_access, for the ACL a dataset states inline (``accesses``) and for
stand-alone DatasetAccess resources: a ``specialGroup`` or ``iamMember`` of allUsers/allAuthenticatedUsers is
public, and so is an entry that names a role but no principal (how the API records a grant to allUsers, as
Checkov reads it). Dataset IAM member/binding/policy resources are gcp-iam-grant-public-forbidden. Mandatory.
"""

from policies.gcp._iam import PUBLIC_MEMBERS
from policies.meta import resource_policy
from policies.props import as_list

#: Keys that name who an access entry is for.
PRINCIPALS = ("userByEmail", "groupByEmail", "domain", "iamMember", "specialGroup", "view", "dataset", "routine")


def _public(entry):
    for key in ("specialGroup", "iamMember"):
        if entry.get(key) in PUBLIC_MEMBERS:
            return str(entry.get(key))
    if entry.get("role") and not any(entry.get(key) for key in PRINCIPALS):
        return "everyone (a role with no principal)"
    return None


def check(props, config):
    entries = as_list(props.get("accesses")) if "accesses" in props else [props]
    for entry in entries:
        who = _public(entry)
        if who:
            yield f"The dataset grants {entry.get('role') or 'access'} to {who}."


POLICY = resource_policy(
    name="gcp-bigquery-dataset-public-forbidden",
    description="BigQuery dataset access lists never grant access to allUsers or allAuthenticatedUsers.",
    types=["gcp:bigquery/dataset:Dataset", "gcp:bigquery/datasetAccess:DatasetAccess"],
    check=check,
    severity="critical",
    frameworks=["soc2:CC6.6", "gdpr:Art.32", "cis:gcp-7.1"],
    remediation="Grant dataset roles to named principals (userByEmail, groupByEmail or a non-public iamMember).",
    enforcement="mandatory",
)
