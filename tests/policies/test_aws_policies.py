"""AWS policies of issue 13: not-applicable cases, every shape a family accepts, and the readers they share
(policy documents, network rules, credential text, split configurations)."""

from __future__ import annotations

import base64
import json
import re

import pytest

from policies import props as P_props
from policies.aws import _documents, _network
from policies.credentials import text_credential_kinds
from policies.meta import all_policies, pack_of
from tests.policies.cases_aws import (
    ACCOUNT,
    IRSA_TRUST,
    KEY_ARN,
    NOT_APPLICABLE,
    PUBLIC_READ,
    READ_BY_ROLE,
    ROLE_ARN,
    TLS_DENY,
    doc,
)
from tests.policies.harness import UNKNOWN, analyze, analyze_stack

P = {p.name: p for p in all_policies()}
AWS = sorted(n for n in P if n.startswith("aws-"))
PEER = re.compile(
    r"Checkov CKV2?_(AWS|AZURE)_\d+|cdk-nag|Prowler|CIS AWS Foundations|AWS Security Hub|AWS Config|Plinth's own"
)


@pytest.mark.parametrize("name", AWS)
def test_every_aws_policy_names_the_public_rule_it_follows(name):
    import importlib

    module = importlib.import_module(P[name].module)
    assert module.__doc__ and PEER.search(module.__doc__), f"{name}: the docstring cites no peer rule"
    if pack_of(name) != "cost":
        assert any(word in module.__doc__ for word in ("Mandatory", "Advisory")), (
            f"{name}: the docstring says why it is mandatory or advisory"
        )


@pytest.mark.parametrize(
    ("name", "index"), [(n, i) for n, cases in sorted(NOT_APPLICABLE.items()) for i in range(len(cases))]
)
def test_resources_the_rule_leaves_alone_pass(name, index):
    type_, props = NOT_APPLICABLE[name][index]
    assert type_ in P[name].types, f"{type_} is not one of {name}'s types: the case tests nothing"
    outcome = analyze(P[name], type_, props)
    assert outcome.passed, outcome


# --- Policy documents -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "public"),
    [
        ({"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}, False),
        ({"StringEquals": {"AWS:SourceAccount": ACCOUNT}}, False),  # keys are case-insensitive
        ({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-abc/r-1/ou-2/*"}}, False),
        ({"ArnLike": {"aws:SourceArn": f"arn:aws:sns:eu-west-1:{ACCOUNT}:*"}}, False),
        ({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.7/32"]}}, False),
        ({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}, True),
        ({"StringEqualsIfExists": {"aws:SourceAccount": ACCOUNT}}, True),  # absent key: no restriction
        ({"StringNotEquals": {"aws:SourceAccount": "999999999999"}}, True),
        ({"StringLike": {"aws:PrincipalArn": "*"}}, True),
        ({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}}, True),  # no account in an S3 ARN, and any bucket
        ({"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::acme-uploads"}}, False),  # bucket names are global
        ({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"}}, True),
        ({"Bool": {"aws:SecureTransport": "true"}}, True),
        ({"StringEquals": {"sts:ExternalId": "partner"}}, True),
    ],
)
def test_what_conditions_make_a_wildcard_principal_specific(condition, public):
    statement = {**PUBLIC_READ, "Condition": condition}
    assert bool(_documents.public_statements(doc(statement))) is public, condition


def test_the_tls_deny_statement_is_not_public_and_does_not_hide_a_public_allow():
    assert _documents.public_statements(doc(TLS_DENY, READ_BY_ROLE)) == []
    assert [st["Sid"] for st in _documents.public_statements(doc(TLS_DENY, PUBLIC_READ))] == ["PublicRead"]
    assert _documents.public_statements(json.loads(doc(TLS_DENY, PUBLIC_READ))), "an object works as a string does"
    assert _documents.public_statements("not json") == []


def test_bucket_policies_inline_on_every_bucket_class():
    policy = P["aws-s3-bucketpolicy-public-forbidden"]
    for type_ in ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"):
        out = analyze(policy, type_, {"bucket": "b", "policy": doc(TLS_DENY, PUBLIC_READ)})
        assert out.violations and "'PublicRead'" in out.violations[0] and out.levels == ["mandatory"]
    tls = P["aws-s3-bucketpolicy-tls-required"]
    assert analyze(tls, "aws:s3/bucket:Bucket", {"bucket": "b", "policy": doc(READ_BY_ROLE)}).violations
    assert analyze(tls, "aws:s3/bucketV2:BucketV2", {"bucket": "b", "policy": doc(TLS_DENY)}).passed


@pytest.mark.parametrize(
    ("name", "type_", "key"),
    [
        ("aws-sqs-queue-public-forbidden", "aws:sqs/queue:Queue", "policy"),
        ("aws-sns-topic-public-forbidden", "aws:sns/topic:Topic", "policy"),
        ("aws-kms-key-public-forbidden", "aws:kms/keyPolicy:KeyPolicy", "policy"),
        ("aws-secretsmanager-secret-public-forbidden", "aws:secretsmanager/secret:Secret", "policy"),
        ("aws-ecr-repository-public-forbidden", "aws:ecr/repositoryPolicy:RepositoryPolicy", "policy"),
    ],
)
def test_resource_policies_with_a_wildcard_principal_fail_on_every_type(name, type_, key):
    everyone = doc({"Effect": "Allow", "Principal": "*", "Action": "*"})
    out = analyze(P[name], type_, {key: everyone})
    assert out.violations and out.levels == ["mandatory"], out
    org_only = doc(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}},
        }
    )
    assert analyze(P[name], type_, {key: org_only}).passed


def test_lambda_permissions_and_layers():
    policy = P["aws-lambda-permission-public-forbidden"]
    permission = "aws:lambda/permission:Permission"
    assert analyze(policy, permission, {"principal": "*", "sourceAccount": ACCOUNT}).passed
    assert analyze(policy, permission, {"principal": "*", "sourceArn": "arn:aws:s3:::b"}).passed
    layer = "aws:lambda/layerVersionPermission:LayerVersionPermission"
    out = analyze(policy, layer, {"layerName": "l", "principal": "*", "action": "lambda:GetLayerVersion"})
    assert out.violations == [
        "The layer version permission is granted to every AWS account and anonymous callers (principal '*')."
    ]


def test_trust_policies():
    policy = P["aws-iam-role-trust-restricted"]
    role = "aws:iam/role:Role"
    assert analyze(policy, role, {"assumeRolePolicy": doc(IRSA_TRUST)}).passed
    service = doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
    assert analyze(policy, role, {"assumeRolePolicy": service}).passed
    assert analyze(policy, role, {"assumeRolePolicy": UNKNOWN}).unknown


# --- Network rules ----------------------------------------------------------------------------

SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"


def test_ports_beyond_the_web_ports_that_face_the_world():
    policy = P["aws-ec2-securitygroup-ingress-restricted"]
    everything = analyze(policy, INGRESS_RULE, {"securityGroupId": "sg", "ipProtocol": "-1", "cidrIpv4": "0.0.0.0/0"})
    assert everything.violations and everything.levels == ["advisory"]
    assert "0-21" in everything.violations[0] and "65535" in everything.violations[0]
    assert "80" not in everything.violations[0].split("port(s) ")[1].split(", ")
    rule = {"type": "ingress", "protocol": "tcp", "fromPort": 8443.0, "toPort": 8443.0, "cidrBlocks": ["0.0.0.0/0"]}
    assert "8443" in analyze(policy, SG_RULE, rule).violations[0]
    assert analyze(policy, SG_RULE, rule, config={"allowedPorts": [80, 443, 8443]}).passed
    default_group = {"vpcId": "v", "ingress": [{**rule, "type": None}], "egress": []}
    assert analyze(policy, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", default_group).violations


def test_admin_ports_on_the_default_group_and_ipv6():
    policy = P["aws-ec2-securitygroup-admin-ports-restricted"]
    group = {"ingress": [{"protocol": "tcp", "fromPort": 3389.0, "toPort": 3389.0, "ipv6CidrBlocks": ["::/0"]}]}
    assert analyze(policy, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", group).violations
    assert "cis:aws-5.3" in policy.frameworks, "CIS 5.3 is the ::/0 control this policy enforces"


def test_network_acl_rules_one_by_one_and_in_order():
    policy = P["aws-ec2-networkacl-admin-ports-restricted"]
    rule = "aws:ec2/networkAclRule:NetworkAclRule"
    allow_ssh = {"ruleNumber": 100.0, "egress": False, "ruleAction": "allow", "protocol": "6", "fromPort": 22.0,
                 "toPort": 22.0, "cidrBlock": "0.0.0.0/0"}  # fmt: skip
    assert analyze(policy, rule, allow_ssh).violations == [
        "The network ACL allows ingress from the internet to administration port(s) 22."
    ]
    assert analyze(policy, rule, {**allow_ssh, "ruleAction": "deny"}).passed
    assert analyze(policy, rule, {**allow_ssh, "cidrBlock": "10.0.0.0/8"}).passed
    after_allow = {
        "ingress": [
            {"ruleNo": 100.0, "action": "allow", "protocol": "-1", "fromPort": 0.0, "toPort": 0.0,
             "cidrBlock": "0.0.0.0/0"},
            {"ruleNo": 200.0, "action": "deny", "protocol": "tcp", "fromPort": 22.0, "toPort": 22.0,
             "cidrBlock": "0.0.0.0/0"},
        ]
    }  # fmt: skip
    out = analyze(policy, "aws:ec2/networkAcl:NetworkAcl", after_allow)
    assert out.violations and "22, 3389" in out.violations[0], "a deny numbered after the allow protects nothing"


def test_network_readers():
    assert _network.port_range({"protocol": "icmp", "fromPort": -1, "toPort": -1}) is None
    assert _network.port_range({"ipProtocol": "-1"}) == (0, 65535)
    assert _network.port_range({"protocol": "tcp"}) == (0, 65535), "a rule without ports opens them all"
    assert _network.security_group_ingress({"type": "egress", "protocol": "-1"}) == []
    assert P_props.exposed_ranges(0, 65535, [80, 443]) == [(0, 79), (81, 442), (444, 65535)]
    assert P_props.exposed_ranges(443, 443, [443]) == []
    assert P_props.format_ranges([(22, 22), (1024, 65535)]).startswith("22, 1024-65535 (incl. 3389, ")
    assert P_props.format_ranges([(8000, 8079)]) == "8000-8079"
    assert [P_props.as_bool(v) for v in (True, "true", "False", None, "yes")] == [True, True, False, None, None]


def test_public_addresses_on_launch_templates_and_configurations():
    policy = P["aws-ec2-instance-public-ip-forbidden"]
    template = {"networkInterfaces": [{"deviceIndex": 0.0, "associatePublicIpAddress": "true"}]}
    assert analyze(policy, "aws:ec2/launchTemplate:LaunchTemplate", template).violations
    template["networkInterfaces"][0]["associatePublicIpAddress"] = "false"
    assert analyze(policy, "aws:ec2/launchTemplate:LaunchTemplate", template).passed
    config = {"imageId": "ami", "instanceType": "t3.micro", "associatePublicIpAddress": True}
    assert analyze(policy, "aws:ec2/launchConfiguration:LaunchConfiguration", config).violations
    eni = {"subnetId": "s", "sourceDestCheck": False}
    assert analyze(
        P["aws-ec2-instance-sourcedestcheck-enabled"], "aws:ec2/networkInterface:NetworkInterface", eni
    ).violations


# --- Every place pulumi-aws 7 accepts a setting ---------------------------------------------


def test_public_acls_inline_and_on_every_acl_class():
    policy = P["aws-s3-bucket-public-acl-forbidden"]
    all_users = "http://acs.amazonaws.com/groups/global/AllUsers"
    assert analyze(policy, "aws:s3/bucketV2:BucketV2", {"grants": [{"type": "Group", "uri": all_users}]}).violations
    acl = {"bucket": "b", "accessControlPolicy": {"owner": {"id": "o"}, "grants": [
        {"grantee": {"type": "Group", "uri": all_users.replace("AllUsers", "AuthenticatedUsers")}, "permission": "READ"}
    ]}}  # fmt: skip
    assert analyze(policy, "aws:s3/bucketAclV2:BucketAclV2", acl).violations
    assert analyze(policy, "aws:s3/bucketAclV2:BucketAclV2", {"bucket": "b", "acl": "public-read-write"}).violations
    owner_only = {"grants": [{"type": "CanonicalUser", "id": "abc", "permissions": ["FULL_CONTROL"]}]}
    assert analyze(policy, "aws:s3/bucket:Bucket", owner_only).passed


def test_account_public_access_block():
    policy = P["aws-s3-bucket-public-access-blocked"]
    account = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"
    flags = dict.fromkeys(("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"), True)
    assert analyze(policy, account, flags).passed
    out = analyze(policy, account, {**flags, "restrictPublicBuckets": False})
    assert out.violations and out.levels == ["mandatory"]


def test_inline_encryption_and_versioning_of_both_bucket_classes():
    encryption = P["aws-s3-bucket-encryption-required"]
    sse = {"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}}
    assert analyze(encryption, "aws:s3/bucket:Bucket", {"serverSideEncryptionConfiguration": sse}).violations
    sse["rule"]["applyServerSideEncryptionByDefault"] = {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY_ARN}
    assert analyze(encryption, "aws:s3/bucket:Bucket", {"serverSideEncryptionConfiguration": sse}).passed
    v2 = {"serverSideEncryptionConfigurations": [{"rules": [{"applyServerSideEncryptionByDefaults": [
        {"sseAlgorithm": "AES256"}]}]}]}  # fmt: skip
    assert analyze(encryption, "aws:s3/bucketV2:BucketV2", v2).violations
    companion_v2 = {"bucket": "b", "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]}
    v2_type = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
    assert analyze(encryption, v2_type, companion_v2).passed
    versioning = P["aws-s3-bucket-versioning-enabled"]
    assert analyze(versioning, "aws:s3/bucket:Bucket", {"versioning": {"enabled": False}}).violations
    assert analyze(versioning, "aws:s3/bucketV2:BucketV2", {"versionings": [{"enabled": True}]}).passed
    suspended = {"bucket": "b", "versioningConfiguration": {"status": "Suspended"}}
    assert analyze(versioning, "aws:s3/bucketVersioningV2:BucketVersioningV2", suspended).violations


def test_databases_public_in_every_shape():
    policy = P["aws-rds-instance-public-forbidden"]
    assert analyze(policy, "aws:rds/clusterInstance:ClusterInstance", {"publiclyAccessible": True}).violations
    multi_az = {"engine": "mysql", "dbClusterInstanceClass": "db.m6gd.large"}
    out = analyze(policy, "aws:rds/cluster:Cluster", multi_az)
    assert out.violations and "no DB subnet group" in out.violations[0], "the provider's default is public here"
    assert analyze(policy, "aws:rds/cluster:Cluster", {**multi_az, "dbSubnetGroupName": "default"}).violations
    assert analyze(
        policy, "aws:rds/cluster:Cluster", {**multi_az, "dbSubnetGroupName": "p", "publiclyAccessible": True}
    ).violations
    cluster_snapshot = {"dbClusterIdentifier": "c", "dbClusterSnapshotIdentifier": "s", "sharedAccounts": ["all"]}
    out = analyze(P["aws-rds-snapshot-public-forbidden"], "aws:rds/clusterSnapshot:ClusterSnapshot", cluster_snapshot)
    assert out.violations and out.levels == ["mandatory"]


def test_shares_outside_the_allow_list_once_one_is_kept():
    policy = P["aws-ec2-snapshot-sharing-restricted"]
    snapshot = "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission"
    config = {"trustedAccountIds": [ACCOUNT], "trustedOrganizationArns": ["arn:aws:organizations::1:organization/o-1"]}
    assert analyze(policy, snapshot, {"snapshotId": "snap", "accountId": ACCOUNT}, config=config).passed
    assert analyze(policy, snapshot, {"snapshotId": "snap", "accountId": "999999999999"}, config=config).violations
    ami = "aws:ec2/amiLaunchPermission:AmiLaunchPermission"
    org = {"imageId": "ami", "organizationalUnitArn": "arn:aws:organizations::1:ou/o-1/ou-x"}
    assert analyze(policy, ami, org, config=config).violations
    assert analyze(policy, ami, org).passed, "without an allow-list, only public images fail"


def test_encryption_by_default_and_volumes():
    volumes = P["aws-ec2-instance-volumes-encrypted"]
    config = {"imageId": "ami", "instanceType": "t3.micro", "rootBlockDevice": {"volumeSize": 20.0}}
    assert analyze(volumes, "aws:ec2/launchConfiguration:LaunchConfiguration", config).violations


def test_customer_managed_keys_for_each_kind_of_store():
    policy = P["aws-kms-cmk-required"]
    assert analyze(
        policy, "aws:kinesis/stream:Stream", {"encryptionType": "KMS", "kmsKeyId": "alias/aws/kinesis"}
    ).violations
    assert analyze(policy, "aws:kinesis/stream:Stream", {"encryptionType": "KMS", "kmsKeyId": KEY_ARN}).passed
    repo = "aws:ecr/repository:Repository"
    assert analyze(policy, repo, {"name": "r"}).violations, "without a configuration ECR uses AES256"
    assert analyze(policy, repo, {"encryptionConfigurations": [{"encryptionType": "AES256"}]}).violations
    assert analyze(policy, "aws:msk/cluster:Cluster", {"clusterName": "k"}).violations
    endpoint = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
    assert analyze(policy, endpoint, {"productionVariants": [{"modelName": "m"}]}).violations
    assert analyze(policy, endpoint, {"productionVariants": [{"modelName": "m"}], "kmsKeyArn": KEY_ARN}).passed
    assert analyze(policy, "aws:cloudtrail/trail:Trail", {"s3BucketName": "t"}).violations
    assert analyze(policy, "aws:elasticsearch/domain:Domain", {"encryptAtRest": {"enabled": True}}).violations


def test_parameter_groups_of_every_engine_family():
    policy = P["aws-rds-parametergroup-ssl-required"]
    group = "aws:rds/parameterGroup:ParameterGroup"
    cluster_group = "aws:rds/clusterParameterGroup:ClusterParameterGroup"
    assert analyze(
        policy, group, {"family": "mysql8.0", "parameters": [{"name": "require_secure_transport", "value": "1"}]}
    ).passed
    assert analyze(policy, group, {"family": "mariadb10.11"}).violations
    assert analyze(policy, group, {"family": "sqlserver-se-15.0"}).violations
    assert analyze(
        policy, group, {"family": "postgres16", "parameters": [{"name": "rds.force_ssl", "value": "0"}]}
    ).violations
    assert analyze(policy, cluster_group, {"family": "aurora-postgresql16"}).violations, "Aurora's default is off"
    db2 = {"family": "db2-se-11.5", "parameters": [{"name": "db2comm", "value": "SSL"}]}
    assert analyze(policy, group, db2).passed


def test_listeners_and_search_domains_of_every_class():
    https = P["aws-lb-listener-https-required"]
    plain = {"protocol": "HTTP", "defaultActions": [{"type": "redirect", "redirect": {"protocol": "HTTP"}}]}
    assert analyze(https, "aws:alb/listener:Listener", plain).violations
    opensearch = P["aws-opensearch-domain-transit-encrypted"]
    legacy = {
        "nodeToNodeEncryption": {"enabled": True},
        "domainEndpointOptions": {"tlsSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"},
    }
    assert analyze(opensearch, "aws:elasticsearch/domain:Domain", legacy).passed, "enforceHttps defaults to true"


def test_identity_on_users_and_groups():
    admin = P["aws-iam-role-admin-forbidden"]
    for type_, key in (
        ("aws:iam/userPolicyAttachment:UserPolicyAttachment", "user"),
        ("aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "group"),
    ):
        out = analyze(admin, type_, {key: "x", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
        assert out.violations == [f"The {key} is given AdministratorAccess."]
    wildcard = P["aws-iam-policy-wildcard-forbidden"]
    inline = {"inlinePolicies": [{"name": "all", "policy": doc({"Effect": "Allow", "Action": "*", "Resource": "*"})}]}
    assert analyze(wildcard, "aws:iam/role:Role", inline).violations
    users = P["aws-iam-user-policy-forbidden"]
    assert analyze(users, "aws:iam/userPolicy:UserPolicy", {"user": "alice", "policy": doc(READ_BY_ROLE)}).violations


# --- Credentials ------------------------------------------------------------------------------


def test_credentials_in_text_and_in_every_carrier():
    script = "#!/bin/bash\nexport API_TOKEN='s3cr3t-t0ken-value'\nAPP_ENV=prod\n# PASSWORD=not-a-line\n"
    assert text_credential_kinds(script) == ["literal value of a secret-named variable (API_TOKEN)"]
    assert text_credential_kinds("DB_PASSWORD=${DB_PASSWORD}\nTOKEN_FILE=/run/secrets/token") == []
    assert "private key" in text_credential_kinds("cat > key <<EOF\n-----BEGIN RSA PRIVATE KEY-----\nMII\nEOF")
    userdata = P["aws-ec2-instance-userdata-secrets-forbidden"]
    encoded = base64.b64encode(script.encode()).decode()
    out = analyze(userdata, "aws:ec2/launchTemplate:LaunchTemplate", {"userData": encoded})
    assert out.violations and "API_TOKEN" in out.violations[0] and "s3cr3t" not in out.violations[0]
    ecs = P["aws-ecs-taskdefinition-secrets-forbidden"]
    broken = analyze(ecs, "aws:ecs/taskDefinition:TaskDefinition", {"containerDefinitions": "[{not json"})
    assert broken.not_checked and broken.not_checked[0].startswith("[not checked] ValueError"), broken
    function = P["aws-lambda-function-secrets-forbidden"]
    leak = {"environment": {"variables": {"STRIPE_KEY": "sk_live_" + "a" * 24}}}
    out = analyze(function, "aws:lambda/function:Function", leak)
    assert out.violations == ["Environment variable STRIPE_KEY holds a Stripe secret key in plaintext."]
    assert analyze(function, "aws:lambda/function:Function", {"role": ROLE_ARN}).passed


# --- Split configurations: stack policies --------------------------------------------------------

BUCKET = "aws:s3/bucket:Bucket"
COMPANIONS = {
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": {
        "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]
    },
    "aws:s3/bucketVersioning:BucketVersioning": {"versioningConfiguration": {"status": "Enabled"}},
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": dict.fromkeys(
        ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"), True
    ),
    "aws:s3/bucketPolicy:BucketPolicy": {"policy": doc(TLS_DENY)},
}


def _bucket_with(name: str, *, skip: str = "", by_reference: bool = False) -> list[dict]:
    out = [{"type": BUCKET, "name": name, "props": {"bucket": f"acme-{name}"}}]
    for i, (type_, props) in enumerate(COMPANIONS.items()):
        if skip and skip in type_:
            continue
        companion = {"type": type_, "name": f"{name}-c{i}", "props": {"bucket": f"acme-{name}", **props}}
        if by_reference:  # bucket=bucket.id: unknown at preview, with the engine's property dependency
            companion["props"]["bucket"] = UNKNOWN
            companion["propertyDependencies"] = {"bucket": [name]}
        out.append(companion)
    return out


def test_a_bucket_with_all_its_companions_passes_by_name_and_by_reference():
    policy = P["aws-s3-bucket-companions-required"]
    assert analyze_stack(policy, _bucket_with("data")).passed
    assert analyze_stack(policy, _bucket_with("data", by_reference=True)).passed


@pytest.mark.parametrize(
    ("skip", "what"),
    [
        ("ServerSideEncryption", "default encryption"),
        ("BucketVersioning", "versioning"),
        ("PublicAccessBlock", "public access block"),
        ("BucketPolicy", "bucket policy denying plain HTTP"),
    ],
)
def test_each_missing_companion_is_a_finding(skip, what):
    policy = P["aws-s3-bucket-companions-required"]
    out = analyze_stack(policy, _bucket_with("data", skip=skip))
    assert out.violations and out.violations[0].startswith(f"Bucket acme-data has no {what} ("), out
    assert out.levels == ["advisory"]


def test_inline_settings_and_the_account_block_count_as_companions():
    policy = P["aws-s3-bucket-companions-required"]
    inline = {
        "type": BUCKET,
        "name": "legacy",
        "props": {
            "bucket": "legacy",
            "serverSideEncryptionConfiguration": {
                "rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}
            },
            "versioning": {"enabled": True},
            "policy": doc(TLS_DENY),
        },
    }
    out = analyze_stack(policy, [inline])
    assert [v.split(" (")[0] for v in out.violations] == ["Bucket legacy has no public access block"]
    account = {
        "type": "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
        "props": COMPANIONS["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
    }
    assert analyze_stack(policy, [inline, account]).passed
    half = {**account, "props": {**account["props"], "ignorePublicAcls": False}}
    assert analyze_stack(policy, [inline, half]).violations, "an account block with a flag off covers nothing"


def test_a_companion_link_unknown_without_a_dependency_is_not_a_pass():
    policy = P["aws-s3-bucket-companions-required"]
    resources = _bucket_with("data")
    resources[1]["props"]["bucket"] = UNKNOWN
    assert analyze_stack(policy, resources).unknown


def test_secrets_rotate():
    policy = P["aws-secretsmanager-secret-rotation-enabled"]
    secret = {"type": "aws:secretsmanager/secret:Secret", "name": "db", "props": {"name": "acme/db"}}
    rotation = {
        "type": "aws:secretsmanager/secretRotation:SecretRotation",
        "name": "db-rotation",
        "props": {
            "secretId": UNKNOWN,
            "rotationLambdaArn": "arn:fn",
            "rotationRules": {"automaticallyAfterDays": 30.0},
        },
        "propertyDependencies": {"secretId": ["db"]},
    }
    assert analyze_stack(policy, [secret, rotation]).passed
    by_name = {**rotation, "props": {**rotation["props"], "secretId": "acme/db"}, "propertyDependencies": {}}
    assert analyze_stack(policy, [secret, by_name]).passed
    out = analyze_stack(policy, [secret])
    assert out.violations == ["Secret acme/db has no automatic rotation."] and out.levels == ["advisory"]
    slow = {**rotation, "props": {**rotation["props"], "rotationRules": {"automaticallyAfterDays": 180.0}}}
    assert "runs every 180 days" in analyze_stack(policy, [secret, slow]).violations[0]
    assert analyze_stack(policy, [secret, slow], config={"maximumDays": 365}).passed
    off = {**rotation, "props": {"secretId": UNKNOWN, "rotationEnabled": False}}
    assert analyze_stack(policy, [secret, off]).violations == ["Secret acme/db has no automatic rotation."]
    assert analyze_stack(policy, [secret, {**by_name, "props": {"secretId": UNKNOWN}}]).unknown


def test_vpcs_have_flow_logs():
    policy = P["aws-ec2-vpc-flowlogs-enabled"]
    vpc = {"type": "aws:ec2/vpc:Vpc", "name": "main", "props": {"cidrBlock": "10.0.0.0/16"}}
    flow = {
        "type": "aws:ec2/flowLog:FlowLog",
        "name": "main-flow",
        "props": {"vpcId": UNKNOWN, "trafficType": "ALL", "logDestination": "arn:aws:s3:::flow"},
        "propertyDependencies": {"vpcId": ["main"]},
    }
    assert analyze_stack(policy, [vpc, flow]).passed
    out = analyze_stack(policy, [vpc])
    assert out.violations == ["VPC main records no flow logs."] and out.levels == ["advisory"]
    other = {**vpc, "name": "other"}
    assert analyze_stack(policy, [vpc, other, flow]).violations == ["VPC other records no flow logs."]
    assert analyze_stack(policy, [vpc, {**flow, "propertyDependencies": {}}]).unknown
