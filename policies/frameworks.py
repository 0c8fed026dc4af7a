"""The control catalogue: framework control ids that policies (and runtime audits) cite.

A policy names controls as ``"<framework>:<id>"`` (``"soc2:CC6.1"``); ``control()`` resolves a
reference and raises ``KeyError`` for an id that is not in the catalogue, so a typo in a
policy's metadata fails its import and the metadata tests.
"""

from __future__ import annotations

CATALOGUE: dict[str, dict[str, str]] = {
    # AICPA Trust Services Criteria (2017, revised points of focus 2022).
    "soc2": {
        "CC6.1": "Logical access security software, infrastructure and architectures over protected information assets",
        "CC6.3": "Role-based access, least privilege and segregation of duties",
        "CC6.6": "Logical access security measures against threats from sources outside system boundaries",
        "CC6.7": "Restriction of the transmission, movement and removal of information",
        "CC6.8": "Prevention or detection of unauthorised or malicious software",
        "CC7.2": "Monitoring of system components for anomalies indicative of malicious acts",
        "CC8.1": "Authorised, tested and approved changes to infrastructure and software",
        "A1.2": "Environmental protections, software, data backup and recovery infrastructure",
        "A1.3": "Recovery plan procedures supporting system recovery are tested to meet recovery objectives",
        "C1.1": "Identification and maintenance of confidential information",
        "C1.2": "Disposal of confidential information",
    },
    # HIPAA Security Rule, 45 CFR Part 164 Subpart C.
    "hipaa": {
        "164.308(a)(1)(ii)(D)": "Information system activity review",
        "164.308(a)(3)(i)": "Workforce security: access only for authorised members",
        "164.308(a)(4)(ii)(B)": "Access authorisation",
        "164.308(a)(7)(ii)(A)": "Data backup plan",
        "164.308(a)(7)(ii)(B)": "Disaster recovery plan",
        "164.308(a)(7)(ii)(D)": "Testing and revision procedures",
        "164.310(d)(2)(iv)": "Data backup and storage",
        "164.312(a)(1)": "Access control",
        "164.312(a)(2)(iv)": "Encryption and decryption",
        "164.312(b)": "Audit controls",
        "164.312(c)(1)": "Integrity",
        "164.312(e)(1)": "Transmission security",
        "164.312(e)(2)(ii)": "Encryption in transit",
    },
    # Regulation (EU) 2016/679.
    "gdpr": {
        "Art.5(1)(e)": "Storage limitation",
        "Art.5(1)(f)": "Integrity and confidentiality",
        "Art.25": "Data protection by design and by default",
        "Art.32": "Security of processing",
        "Art.32(1)(c)": "Ability to restore the availability of and access to personal data in a timely manner",
        "Art.32(1)(d)": "Regular testing, assessing and evaluating of the effectiveness of security measures",
        "Art.44": "General principle for transfers to third countries",
    },
    # CIS Benchmarks: AWS Foundations v3.0, GCP Foundations v3.0, Azure Foundations v2.1, Kubernetes v1.9.
    "cis": {
        "aws-1.16": "IAM policies that allow full administrative privileges are not attached",
        "aws-2.1.1": "S3 buckets employ encryption at rest",
        "aws-2.1.2": "S3 bucket policies deny HTTP requests",
        "aws-2.1.4": "S3 buckets are configured with Block Public Access",
        "aws-2.2.1": "EBS volume encryption is enabled",
        "aws-2.3.1": "Encryption is enabled for RDS instances",
        "aws-2.3.3": "RDS instances are not publicly accessible",
        "aws-3.1": "CloudTrail is enabled in all regions",
        "aws-3.2": "CloudTrail log file validation is enabled",
        "aws-3.4": "S3 bucket access logging is enabled on the CloudTrail S3 bucket",
        "aws-3.6": "Rotation for customer-created symmetric CMKs is enabled",
        "aws-5.2": "No security groups allow ingress from 0.0.0.0/0 to remote server administration ports",
        "aws-5.6": "EC2 metadata service only allows IMDSv2",
        "gcp-1.5": "Service accounts have no admin privileges",
        "gcp-1.10": "KMS encryption keys are rotated within 90 days",
        "gcp-3.6": "SSH access is restricted from the internet",
        "gcp-3.7": "RDP access is restricted from the internet",
        "gcp-5.1": "Cloud Storage buckets are not anonymously or publicly accessible",
        "gcp-5.2": "Cloud Storage buckets have uniform bucket-level access enabled",
        "gcp-6.2.1": "Cloud SQL requires all incoming connections to use SSL",
        "gcp-6.5": "Cloud SQL instances do not allow connections from 0.0.0.0/0",
        "azure-3.1": "Secure transfer required is enabled",
        "azure-3.2": "Infrastructure encryption is enabled for storage accounts",
        "azure-3.7": "Public access level is disabled for storage accounts with blob containers",
        "azure-3.15": "Minimum TLS version for storage accounts is TLS 1.2",
        "azure-4.1.2": "Azure SQL servers do not allow ingress from any IP",
        "azure-4.1.5": "Data encryption (transparent data encryption) is set to On on SQL databases",
        "azure-6.1": "RDP access from the internet is evaluated and restricted",
        "azure-6.2": "SSH access from the internet is evaluated and restricted",
        "azure-7.3": "Disks are encrypted with customer-managed keys",
        "azure-8.5": "Key Vault is recoverable (soft delete and purge protection)",
        "azure-1.23": "No custom subscription owner roles are created",
        "k8s-5.1.1": "The cluster-admin role is only used where required",
        "k8s-5.1.5": "Default service accounts are not actively used",
        "k8s-5.1.6": "Service account tokens are only mounted where necessary",
        "k8s-5.2.2": "Privileged containers are not admitted",
        "k8s-5.2.3": "Containers sharing the host process ID namespace are not admitted",
        "k8s-5.2.4": "Containers sharing the host IPC namespace are not admitted",
        "k8s-5.2.5": "Containers sharing the host network namespace are not admitted",
        "k8s-5.2.6": "Containers with allowPrivilegeEscalation are not admitted",
        "k8s-5.2.7": "Root containers are not admitted",
        "k8s-5.2.9": "Containers with added capabilities are not admitted",
        "k8s-5.2.12": "HostPath volumes are not admitted",
        "k8s-5.3.2": "All namespaces have network policies defined",
        "k8s-5.7.4": "The default namespace is not used; workloads are separated by namespaces",
    },
}


def control(ref: str) -> str:
    """Title of ``"<framework>:<id>"``; KeyError when the framework or id is unknown."""
    framework, _, cid = ref.partition(":")
    if framework not in CATALOGUE or cid not in CATALOGUE[framework]:
        raise KeyError(f"unknown control {ref!r}: not in policies/frameworks.py")
    return CATALOGUE[framework][cid]


def frameworks_of(refs: list[str]) -> list[str]:
    return sorted({r.split(":", 1)[0] for r in refs})
