"""The control catalogue: framework control ids that policies (and runtime audits) cite.

A policy names controls as ``"<framework>:<id>"`` (``"soc2:CC6.1"``); ``control()`` resolves a
reference and raises ``KeyError`` for an id that is not in the catalogue, so a typo in a
policy's metadata fails its import and the metadata tests.

Every entry states the document it comes from and that document's version (a :class:`Source`):
an id means something only in one version of a benchmark (CIS AWS 2.1.1 is "S3 encryption at
rest" in v1.5 and "deny HTTP requests" in v3.0). Entries are grouped by source with
``controls(SOURCE, {id: title})``; to add one, put its ``"id": "title"`` line in the block of its
source (or add a ``Source`` and a block for a new document). A bare ``"id": "title"`` string still
resolves, but ``tests/policies/test_frameworks.py`` fails until it states its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping


@dataclass(frozen=True)
class Source:
    """A published document that control ids come from, in one version."""

    title: str
    version: str
    url: str

    def __str__(self) -> str:
        return f"{self.title} {self.version}"


@dataclass(frozen=True)
class Entry:
    """One catalogue control: its title and the document (and version) it comes from."""

    title: str
    source: Source

    @property
    def version(self) -> str:
        return self.source.version


def controls(source: Source, titles: Mapping[str, str]) -> dict[str, Entry]:
    """``{id: Entry(title, source)}`` for ids that all come from ``source``."""
    return {cid: Entry(title, source) for cid, title in titles.items()}


SOC2 = Source(
    "AICPA Trust Services Criteria (TSP section 100)",
    "2017, revised points of focus 2022",
    "https://www.aicpa-cima.com/resources/download/2017-trust-services-criteria-with-revised-points-of-focus-2022",
)
HIPAA = Source(
    "HIPAA Security Rule, 45 CFR Part 164 Subpart C",
    "as amended 2013-01-25 (78 FR 5566)",
    "https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-164/subpart-C",
)
GDPR = Source(
    "Regulation (EU) 2016/679 (GDPR)",
    "OJ L 119, 4.5.2016",
    "https://eur-lex.europa.eu/eli/reg/2016/679/oj",
)
CIS_AWS = Source(
    "CIS Amazon Web Services Foundations Benchmark",
    "v3.0.0",
    "https://www.cisecurity.org/benchmark/amazon_web_services",
)
CIS_GCP = Source(
    "CIS Google Cloud Platform Foundation Benchmark",
    "v3.0.0",
    "https://www.cisecurity.org/benchmark/google_cloud_computing_platform",
)
CIS_AZURE = Source(
    "CIS Microsoft Azure Foundations Benchmark",
    "v2.1.0",
    "https://www.cisecurity.org/benchmark/azure",
)
CIS_K8S = Source(
    "CIS Kubernetes Benchmark",
    "v1.9.0",
    "https://www.cisecurity.org/benchmark/kubernetes",
)
PSS = Source(
    "Kubernetes Pod Security Standards",
    "Kubernetes v1.34",
    "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
)
NIST = Source(
    "NIST SP 800-53 Security and Privacy Controls",
    "Revision 5 (update 1, 2020-12-10)",
    "https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final",
)
ISO27001 = Source(
    "ISO/IEC 27001 Annex A",
    "2022",
    "https://www.iso.org/standard/27001",
)
PCI = Source(
    "PCI Data Security Standard",
    "v4.0",
    "https://docs-prv.pcisecuritystandards.org/PCI%20DSS/Standard/PCI-DSS-v4_0.pdf",
)

CATALOGUE: dict[str, dict[str, Entry | str]] = {
    "soc2": {
        **controls(
            SOC2,
            {
                "CC6.1": "Logical access security software, infrastructure and architectures over protected "
                "information assets",
                "CC6.3": "Role-based access, least privilege and segregation of duties",
                "CC6.6": "Logical access security measures against threats from sources outside system boundaries",
                "CC6.7": "Restriction of the transmission, movement and removal of information",
                "CC6.8": "Prevention or detection of unauthorised or malicious software",
                "CC7.1": "Detection and monitoring of configuration changes and newly discovered vulnerabilities",
                "CC7.2": "Monitoring of system components for anomalies indicative of malicious acts",
                "CC8.1": "Authorised, tested and approved changes to infrastructure and software",
                "A1.1": "Processing capacity is maintained, monitored and evaluated to manage capacity demand",
                "A1.2": "Environmental protections, software, data backup and recovery infrastructure",
                "A1.3": "Recovery plan procedures supporting system recovery are tested to meet recovery objectives",
                "C1.1": "Identification and maintenance of confidential information (protected from destruction)",
                "C1.2": "Disposal of confidential information",
            },
        ),
    },
    "hipaa": {
        **controls(
            HIPAA,
            {
                "164.308(a)(1)(ii)(D)": "Information system activity review",
                "164.308(a)(3)(i)": "Workforce security: access only for authorised members",
                "164.308(a)(4)(ii)(B)": "Access authorisation",
                "164.308(a)(5)(ii)(D)": "Password management",
                "164.308(a)(7)(i)": "Contingency plan",
                "164.308(a)(7)(ii)(A)": "Data backup plan",
                "164.308(a)(7)(ii)(B)": "Disaster recovery plan",
                "164.308(a)(7)(ii)(D)": "Testing and revision procedures",
                "164.310(d)(2)(iv)": "Data backup and storage before movement of equipment",
                "164.312(a)(1)": "Access control",
                "164.312(a)(2)(iv)": "Encryption and decryption",
                "164.312(b)": "Audit controls",
                "164.312(c)(1)": "Integrity",
                "164.312(d)": "Person or entity authentication",
                "164.312(e)(1)": "Transmission security",
                "164.312(e)(2)(ii)": "Encryption in transit",
            },
        ),
    },
    "gdpr": {
        **controls(
            GDPR,
            {
                "Art.5(1)(e)": "Storage limitation",
                "Art.5(1)(f)": "Integrity and confidentiality",
                "Art.25": "Data protection by design and by default",
                "Art.32": "Security of processing",
                "Art.32(1)(c)": "Ability to restore the availability of and access to personal data in a timely manner",
                "Art.32(1)(d)": "Regular testing, assessing and evaluating of the effectiveness of security measures",
                "Art.44": "General principle for transfers to third countries",
            },
        ),
    },
    "cis": {
        **controls(
            CIS_AWS,
            {
                "aws-1.4": "No 'root' user account access key exists",
                "aws-1.5": "MFA is enabled for the 'root' user account",
                "aws-1.8": "IAM password policy requires minimum length of 14 or greater",
                "aws-1.9": "IAM password policy prevents password reuse",
                "aws-1.14": "Access keys are rotated every 90 days or less",
                "aws-1.15": "IAM users receive permissions only through groups",
                "aws-1.16": 'IAM policies that allow full "*:*" administrative privileges are not attached',
                "aws-2.1.1": "S3 bucket policies deny HTTP requests",
                "aws-2.1.4": "S3 buckets are configured with Block Public Access (bucket settings)",
                "aws-2.2.1": "EBS volume encryption is enabled in all regions",
                "aws-2.3.1": "Encryption at rest is enabled for RDS instances",
                "aws-2.3.3": "RDS instances are not publicly accessible",
                "aws-2.4.1": "Encryption is enabled for EFS file systems",
                "aws-3.1": "CloudTrail is enabled in all regions",
                "aws-3.2": "CloudTrail log file validation is enabled",
                "aws-3.4": "S3 bucket access logging is enabled on the CloudTrail S3 bucket",
                "aws-3.5": "CloudTrail logs are encrypted at rest using KMS CMKs",
                "aws-3.6": "Rotation for customer-created symmetric CMKs is enabled",
                "aws-3.7": "VPC flow logging is enabled in all VPCs",
                "aws-5.1": "No Network ACLs allow ingress from 0.0.0.0/0 to remote server administration ports",
                "aws-5.2": "No security groups allow ingress from 0.0.0.0/0 to remote server administration ports",
                "aws-5.3": "No security groups allow ingress from ::/0 to remote server administration ports",
                "aws-5.4": "The default security group of every VPC restricts all traffic",
                "aws-5.6": "EC2 metadata service only allows IMDSv2",
            },
        ),
        **controls(
            CIS_GCP,
            {
                "gcp-7.3": "Ensure That a Default Customer-Managed Encryption Key (CMEK) Is Specified for All "
                "BigQuery Data Sets",
                "gcp-4.2": "Ensure That Instances Are Not Configured To Use the Default Service Account With Full "
                "Access to All Cloud APIs",
                "gcp-2.3": "Ensure That Retention Policies on Cloud Storage Buckets Used for Exporting Logs Are "
                "Configured Using Bucket Lock",
                "gcp-1.6": "Ensure That IAM Users Are Not Assigned the Service Account User or Service Account "
                "Token Creator Roles at Project Level",
                "gcp-7.2": "Ensure That All BigQuery Tables Are Encrypted With Customer-Managed Encryption Key (CMEK)",
                "gcp-7.1": "Ensure That BigQuery Datasets Are Not Anonymously or Publicly Accessible",
                "gcp-6.7": "Ensure That Cloud SQL Database Instances Are Configured With Automated Backups",
                "gcp-4.9": "Ensure That Compute Instances Do Not Have Public IP Addresses",
                "gcp-4.8": "Ensure Compute Instances Are Launched With Shielded VM Enabled",
                "gcp-4.7": "Ensure VM Disks for Critical VMs Are Encrypted With Customer-Supplied Encryption Keys "
                "(CSEK)",
                "gcp-4.6": "Ensure That IP Forwarding Is Not Enabled on Instances",
                "gcp-4.1": "Ensure That Instances Are Not Configured To Use the Default Service Account",
                "gcp-1.17": "Ensure Secrets are Not Stored in Cloud Functions Environment Variables by Using "
                "Secret Manager",
                "gcp-1.9": "Ensure That Cloud KMS Cryptokeys Are Not Anonymously or Publicly Accessible",
                "gcp-1.4": "Ensure That There Are Only GCP-Managed Service Account Keys for Each Service Account",
                "gcp-1.5": "Service accounts have no admin privileges",
                "gcp-1.10": "KMS encryption keys are rotated within 90 days",
                "gcp-3.6": "SSH access is restricted from the internet",
                "gcp-3.7": "RDP access is restricted from the internet",
                "gcp-5.1": "Cloud Storage buckets are not anonymously or publicly accessible",
                "gcp-5.2": "Cloud Storage buckets have uniform bucket-level access enabled",
                "gcp-6.4": "Cloud SQL instances require all incoming connections to use SSL",
                "gcp-6.5": "Cloud SQL instances do not implicitly whitelist all public IP addresses",
                "gcp-6.6": "Cloud SQL instances do not have public IPs",
            },
        ),
        **controls(
            CIS_AZURE,
            {
                "azure-3.7": "Public Network Access is Disabled for storage accounts",
                "azure-4.1.3": "Ensure SQL server's Transparent Data Encryption (TDE) protector is encrypted with "
                "Customer-managed key",
                "azure-3.9": "Ensure 'Allow Azure services on the trusted services list to access this storage "
                "account' is Enabled for Storage Account Access",
                "azure-9.10": "Ensure Azure Key Vaults are Used to Store Secrets",
                "azure-9.3": "Ensure Web App is using the latest version of TLS encryption",
                "azure-9.2": "Ensure Web App Redirects All HTTP traffic to HTTPS in Azure App Service",
                "azure-8.8": "Ensure Automatic Key Rotation is Enabled Within Azure Key Vault for the Supported "
                "Services",
                "azure-8.4": "Ensure that the Expiration Date is set for all Secrets in Non-RBAC Key Vaults",
                "azure-8.3": "Ensure that the Expiration Date is set for all Secrets in RBAC Key Vaults",
                "azure-8.2": "Ensure that the Expiration Date is set for all Keys in Non-RBAC Key Vaults",
                "azure-8.1": "Ensure that the Expiration Date is set for all Keys in RBAC Key Vaults",
                "azure-6.4": "Ensure that HTTP(S) access from the Internet is evaluated and restricted",
                "azure-6.3": "Ensure that UDP access from the Internet is evaluated and restricted",
                "azure-5.1.4": "Ensure that logging for Azure Key Vault is 'Enabled'",
                "azure-5.1.2": "Ensure Diagnostic Setting captures appropriate categories",
                "azure-4.5.1": "Ensure That 'Firewalls & Networks' Is Limited to Use Selected Networks Instead of "
                "All Networks",
                "azure-4.4.2": "Ensure 'TLS Version' is set to 'TLSV1.2' for MySQL flexible Database Server",
                "azure-4.4.1": "Ensure 'Enforce SSL connection' is set to 'Enabled' for Standard MySQL Database Server",
                "azure-4.3.7": "Ensure 'Allow access to Azure services' for PostgreSQL Database Server is disabled",
                "azure-4.3.1": "Ensure 'Enforce SSL connection' is set to 'ENABLED' for PostgreSQL Database Server",
                "azure-3.11": "Ensure Soft Delete is Enabled for Azure Containers and Blob Storage",
                "azure-3.8": "Ensure Default Network Access Rule for Storage Accounts is Set to Deny",
                "azure-1.22": "Ensure That No Custom Subscription Administrator Roles Exist",
                "azure-3.1": "Secure transfer required is enabled",
                "azure-3.2": "Infrastructure encryption is enabled for storage accounts",
                "azure-3.12": "Storage for critical data is encrypted with customer-managed keys",
                "azure-3.15": "Minimum TLS version for storage accounts is TLS 1.2",
                "azure-3.17": "Allow Blob Anonymous Access is disabled",
                "azure-4.1.2": "Azure SQL databases do not allow ingress from 0.0.0.0/0 (any IP)",
                "azure-4.1.5": "Data encryption (transparent data encryption) is set to On on SQL databases",
                "azure-6.1": "RDP access from the internet is evaluated and restricted",
                "azure-6.2": "SSH access from the internet is evaluated and restricted",
                "azure-7.3": "OS and data disks are encrypted with customer-managed keys",
                "azure-8.5": "Key Vault is recoverable (soft delete and purge protection)",
                "azure-8.6": "Role-based access control is enabled for Azure Key Vault",
            },
        ),
        **controls(
            CIS_K8S,
            {
                "k8s-5.1.1": "The cluster-admin role is only used where required",
                "k8s-5.1.2": "Access to secrets is minimized",
                "k8s-5.1.3": "Wildcard use in Roles and ClusterRoles is minimized",
                "k8s-5.1.5": "Default service accounts are not actively used",
                "k8s-5.1.6": "Service account tokens are only mounted where necessary",
                "k8s-5.1.8": "Use of the bind, impersonate and escalate permissions is limited",
                "k8s-5.1.10": "Access to the proxy sub-resource of nodes is minimized",
                "k8s-5.2.1": "The cluster has at least one active policy control mechanism in place",
                "k8s-5.2.2": "Admission of privileged containers is minimized",
                "k8s-5.2.3": "Admission of containers sharing the host process ID namespace is minimized",
                "k8s-5.2.4": "Admission of containers sharing the host IPC namespace is minimized",
                "k8s-5.2.5": "Admission of containers sharing the host network namespace is minimized",
                "k8s-5.2.6": "Admission of containers with allowPrivilegeEscalation is minimized",
                "k8s-5.2.7": "Admission of root containers is minimized",
                "k8s-5.2.8": "Admission of containers with the NET_RAW capability is minimized",
                "k8s-5.2.9": "Admission of containers with added capabilities is minimized",
                "k8s-5.2.10": "Admission of containers with capabilities assigned is minimized",
                "k8s-5.2.11": "Admission of Windows HostProcess containers is minimized",
                "k8s-5.2.12": "Admission of HostPath volumes is minimized",
                "k8s-5.2.13": "Admission of containers which use HostPorts is minimized",
                "k8s-5.3.2": "All namespaces have network policies defined",
                "k8s-5.4.1": "Secrets are used as files rather than as environment variables",
                "k8s-5.7.1": "Administrative boundaries between resources are created using namespaces",
                "k8s-5.7.2": "The seccomp profile is set to RuntimeDefault (docker/default) in pod definitions",
                "k8s-5.7.3": "A security context is applied to pods and containers",
                "k8s-5.7.4": "The default namespace is not used",
            },
        ),
    },
    # Pod Security Standards controls, by profile and control name.
    "pss": {
        **controls(
            PSS,
            {
                "baseline-hostprocess": "Baseline: HostProcess (Windows host access) is disallowed",
                "baseline-host-namespaces": "Baseline: sharing the host namespaces is disallowed",
                "baseline-privileged": "Baseline: privileged containers are disallowed",
                "baseline-capabilities": "Baseline: no capabilities are added beyond the default set",
                "baseline-hostpath": "Baseline: HostPath volumes are forbidden",
                "baseline-host-ports": "Baseline: host ports are disallowed",
                "baseline-host-probes": "Baseline: probes and lifecycle hooks do not target other hosts",
                "baseline-apparmor": "Baseline: the default AppArmor profile is not overridden or disabled",
                "baseline-selinux": "Baseline: custom SELinux user and role options and types are disallowed",
                "baseline-proc-mount": "Baseline: the default /proc masks are required",
                "baseline-seccomp": "Baseline: the seccomp profile is not set to Unconfined",
                "baseline-sysctls": "Baseline: only the safe sysctl subset is allowed",
                "restricted-volume-types": "Restricted: only core volume types are used",
                "restricted-privilege-escalation": "Restricted: privilege escalation is not allowed",
                "restricted-non-root": "Restricted: containers run as non-root users",
                "restricted-non-root-user": "Restricted: containers do not run with user ID 0",
                "restricted-seccomp": "Restricted: the seccomp profile is RuntimeDefault or Localhost",
                "restricted-capabilities": "Restricted: containers drop ALL and add only NET_BIND_SERVICE",
            },
        ),
    },
    "nist": {
        **controls(
            NIST,
            {
                "AC-3": "Access Enforcement",
                "AC-6": "Least Privilege",
                "CM-6": "Configuration Settings",
                "CM-7": "Least Functionality",
                "IA-5(7)": "Authenticator Management: No Embedded Unprotected Authenticators",
                "SC-7": "Boundary Protection",
                "SC-8": "Transmission Confidentiality and Integrity",
                "SC-39": "Process Isolation",
            },
        ),
    },
    "iso27001": {
        **controls(
            ISO27001,
            {
                "A.5.15": "Access control",
                "A.5.17": "Authentication information",
                "A.8.2": "Privileged access rights",
                "A.8.3": "Information access restriction",
                "A.8.9": "Configuration management",
                "A.8.22": "Segregation of networks",
                "A.8.24": "Use of cryptography",
            },
        ),
    },
    "pci": {
        **controls(
            PCI,
            {
                "2.2.1": "Configuration standards are developed, implemented and maintained",
                "4.2.1": "Strong cryptography protects cardholder data during transmission over open, public networks",
                "7.2.2": "Access is assigned based on job function with the least privileges necessary",
                "8.6.2": "Passwords for application and system accounts are not hard-coded in scripts, configuration "
                "files or source code",
            },
        ),
    },
}


def entry(ref: str) -> Entry | str:
    """The catalogue entry of ``"<framework>:<id>"``; KeyError when the framework or id is unknown."""
    framework, _, cid = ref.partition(":")
    if framework not in CATALOGUE or cid not in CATALOGUE[framework]:
        raise KeyError(f"unknown control {ref!r}: not in policies/frameworks.py")
    return CATALOGUE[framework][cid]


def control(ref: str) -> str:
    """Title of ``"<framework>:<id>"``; KeyError when the framework or id is unknown."""
    found = entry(ref)
    return found.title if isinstance(found, Entry) else str(found)


def source(ref: str) -> Source | None:
    """The document (and version) ``"<framework>:<id>"`` comes from; None for an entry that states none."""
    found = entry(ref)
    return found.source if isinstance(found, Entry) else None


def unversioned(catalogue: Mapping[str, Mapping[str, Entry | str]] | None = None) -> list[str]:
    """References of the entries that state no source and version (bare ``"id": "title"`` strings)."""
    entries = CATALOGUE if catalogue is None else catalogue
    return [f"{fw}:{cid}" for fw, ids in entries.items() for cid, value in ids.items() if not isinstance(value, Entry)]


def frameworks_of(refs: list[str]) -> list[str]:
    return sorted({r.split(":", 1)[0] for r in refs})
