from policies.meta import resource_policy

TLS_OK = ("TLS1_2", "TLS1_3")


def check(props, config):
    if props.get("enableHttpsTrafficOnly") is False:
        yield "The storage account accepts plain HTTP."
    tls = props.get("minimumTlsVersion")
    if tls not in TLS_OK:
        yield f"Minimum TLS version is {tls!r}; TLS 1.2 or newer is required."


POLICY = resource_policy(
    name="azure-storage-account-transport-secured",
    description="Storage accounts accept HTTPS only, with TLS 1.2 or newer.",
    types=["azure-native:storage:StorageAccount"],
    check=check,
    severity="high",
    frameworks=["soc2:CC6.7", "hipaa:164.312(e)(1)", "cis:azure-3.1", "cis:azure-3.15"],
    remediation="Set enableHttpsTrafficOnly: true and minimumTlsVersion: TLS1_2.",
    enforcement="mandatory",
)
