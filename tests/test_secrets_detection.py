"""The shared secret detection: which names and which texts count as secrets."""

from __future__ import annotations

import pytest

from aspects.secrets_detection import is_reference_text, is_secret_name, secret_in_text, words

# Built from parts so that no scanner mistakes this file for a leak.
AWS_KEY_ID = "AKIA" + "ABCDEFGHIJKLMNOP"
PRIVATE_KEY = "-----BEGIN OPENSSH " + "PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA"
GITHUB = "ghp_" + "a" * 36
SLACK = "xoxb-" + "1234567890-abcdefghij"
STRIPE = "sk_live_" + "a1b2c3d4e5f6g7h8i9j0"
GOOGLE = "AIza" + "B" * 35
JWT = "eyJhbGciOiJIUzI1NiJ9." + "eyJzdWIiOiIxMjM0NTY3ODkwIn0." + "abcdefghijklmnop"


def test_words_split_on_separators_and_camel_case() -> None:
    assert words("dbPassword_v2") == ["DB", "PASSWORD", "V", "2"]
    assert words("API-KEY.name") == ["API", "KEY", "NAME"]
    assert words("HTTPServerToken") == ["HTTP", "SERVER", "TOKEN"]


@pytest.mark.parametrize(
    "name",
    [
        "PASSWORD",
        "DB_PASSWORD",
        "dbPassword",
        "DB_PASSWD",
        "MYSQL_PWD",
        "JWT_SECRET",
        "CLIENT_SECRET",
        "SECRET_KEY_BASE",
        "GITHUB_TOKEN",
        "accessToken",
        "API_KEY",
        "apiKey",
        "X_APIKEY",
        "PRIVATE_KEY",
        "SSH_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "SERVICE_CREDENTIALS",
        "GPG_PASSPHRASE",
        "/app/api-keys",
        "/prod/db/password",
    ],
)
def test_secret_looking_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "DB_SECRET_ARN",
        "API_KEY_PARAMETER_NAME",
        "TOKEN_TABLE_NAME",
        "DB_PASSWORD_SECRET_ARN",
        "API_TOKEN_PARAMETER_NAME",
        "TOKEN_TTL",
        "PASSWORD_MIN_LENGTH",
        "SECRETS_MANAGER_ENDPOINT",
        "TOKENIZER_MODEL",
        "PRIMARY_KEY",
        "CACHE_KEY",
        "API_KEY_ID",
        "STAGE",
        "",
    ],
)
def test_reference_and_setting_names_are_not_secret_looking(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (AWS_KEY_ID, "an AWS access key id"),
        (f"key={AWS_KEY_ID};", "an AWS access key id"),
        (PRIVATE_KEY, "a private key"),
        (GITHUB, "a GitHub token"),
        (SLACK, "a Slack token"),
        (STRIPE, "a Stripe live key"),
        (GOOGLE, "a Google API key"),
        (JWT, "a JSON Web Token"),
        ("postgres://app:s3cret@db:5432/app", "credentials in a URL (scheme://user:password@host)"),
        ("Server=db;Database=app;Password=s3cret;", "a password in a connection string"),
        ("{{resolve:secretsmanager:db:SecretString:password}}", "a CloudFormation dynamic"),
        ("{{resolve:ssm-secure:/app/token}}", "a CloudFormation dynamic"),
    ],
)
def test_secret_text_is_recognised(text: str, kind: str) -> None:
    found = secret_in_text(text)
    assert found is not None
    assert found.startswith(kind)


@pytest.mark.parametrize(
    "text",
    [
        "prod",
        "https://api.example.com/v1",
        "postgres://db.internal:5432/app",
        "{{resolve:ssm:/app/log-level}}",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
        "AKIA-not-a-key",
    ],
)
def test_plain_text_is_not_a_secret(text: str) -> None:
    assert secret_in_text(text) is None


def test_dynamic_references_can_be_excluded() -> None:
    reference = "{{resolve:secretsmanager:db}}"
    assert secret_in_text(reference, dynamic_references=False) is None
    assert secret_in_text(AWS_KEY_ID, dynamic_references=False) == "an AWS access key id"


def test_an_arn_is_a_reference() -> None:
    assert is_reference_text("arn:aws:ssm:eu-west-1:123456789012:parameter/x")
    assert not is_reference_text("hunter2")
