"""The credential detector: well-known shapes and secret-named literals, never references to a secret store."""

import pytest

from policies.credentials import credential_kinds

FOUND = [
    ("AKIAIOSFODNN7EXAMPLE", None, "AWS access key id"),
    ("ghp_" + "a1B2" * 9, None, "GitHub token"),
    ("xoxb-123456789012-abcdefghijklmnop", None, "Slack token"),
    ("https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", None, "Slack webhook URL"),
    ("AIza" + "A" * 35, None, "Google API key"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIE...", None, "private key"),
    ("sk_live_" + "a" * 24, None, "Stripe secret key"),
    ("DefaultEndpointsProtocol=https;AccountName=x;AccountKey=" + "A" * 86 + "==", None, "Azure storage account key"),
    ("postgres://app:s3cretpw@db.example.com:5432/app", None, "password in a URL"),
    ("hunter2hunter2", "DB_PASSWORD", "literal value of a secret-named variable (DB_PASSWORD)"),
    ("abcdefgh12345678", "stripe.apiKey", "literal value of a secret-named variable (stripe.apiKey)"),
    ("tok_8f3a9c2b71d04e6a", "API_TOKEN", "literal value of a secret-named variable (API_TOKEN)"),
    ("Zx8#kq2!Lm4$Pw9@", "AUTH", "literal value of a secret-named variable (AUTH)"),
    ("changeme", "ADMIN_PASSWORD", "literal value of a secret-named variable (ADMIN_PASSWORD)"),
]


@pytest.mark.parametrize(("value", "name", "kind"), FOUND)
def test_credentials_are_found(value, name, kind):
    assert kind in credential_kinds(value, name)


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf", "DB_PASSWORD"),
        ("projects/p/secrets/db/versions/latest", "DB_PASSWORD"),
        ("${DB_PASSWORD}", "DB_PASSWORD"),
        ("/var/run/secrets/db/password", "PASSWORD_FILE"),
        ("short", "TOKEN"),
        ("eu-west-1", "AWS_REGION"),
        ("https://api.example.com/v1", "API_URL"),
        ("postgres://db.example.com:5432/app", "DATABASE_URL"),
        ("true", "AUTH_ENABLED_FLAG_X"),
        ("keycloak", "AUTH_PROVIDER"),
        ("my-service-api", "TOKEN_AUDIENCE"),
        ("https://sts.googleapis.com/v1/token", "token_url"),
        ("urn:ietf:params:oauth:token-type:jwt", "subject_token_type"),
        ("$(DB_PASSWORD)", "DATABASE_PASSWORD"),
        ("/etc/app/credentials.json", "GOOGLE_APPLICATION_CREDENTIALS"),
    ],
)
def test_references_and_ordinary_values_are_not_credentials(value, name):
    assert credential_kinds(value, name) == []
