"""The shared secret detection: which names, texts and values count as secrets.

The parity cases run one table of (name, value expression) pairs through a Lambda
function and an ECS task definition and require the same status and message from
SC-LAMBDA-2 and SC-ECS-3: both rules judge environments with one function.
"""

from __future__ import annotations

from typing import Any

import pytest

from aspects.engine import evaluate
from aspects.index import StackTemplate
from aspects.model import Status
from aspects.rules import RULES_BY_ID, awslambda, ecs
from aspects.secrets_detection import (
    is_reference_text,
    is_secret_name,
    name_traits,
    secret_in_text,
    variable_leak,
    words,
)

# Built from parts so that no scanner mistakes this file for a leak.
AWS_KEY_ID = "AKIA" + "ABCDEFGHIJKLMNOP"
PRIVATE_KEY = "-----BEGIN OPENSSH " + "PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA"
GITHUB = "ghp_" + "a" * 36
SLACK = "xoxb-" + "1234567890-abcdefghij"
STRIPE = "sk_live_" + "a1b2c3d4e5f6g7h8i9j0k1l2"
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
        "DB_PASS",
        "RABBITMQ_DEFAULT_PASS",
        "SMTP_PW",
        "SERVICE_CREDS",
        "OLDPWD",
        "APP_KEY",
        "LICENSE_KEY",
        "DB_SECRET",
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
        "PASSTHROUGH",
        "PASSTHROUGH_HEADERS",
        "BYPASS",
        "BYPASS_CACHE",
        "COMPASS",
        "PASSPORT_STRATEGY",
        "MAX_TOKENS",
        "TOKEN_LIMIT",
        "TOKENS_PER_MINUTE",
        "SECRET_ROTATION_DAYS",
        "TOKEN_EXPIRY_SECONDS",
        "DISABLE_TOKEN_CACHE",
        "ENABLE_TOKEN_REFRESH",
        "TOKEN_CACHE",
        "TOKEN_CACHE_MODE",
        "API_KEY_REQUIRED",
        "ENCRYPTION_KEY_ALIAS",
        "JWT_PUBLIC_KEY",
        "STRIPE_PUBLISHABLE_KEY",
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


@pytest.mark.parametrize(
    "text",
    [
        "arn:aws:ssm:eu-west-1:123456789012:parameter/x",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
        "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:db",
        "arn:aws:s3:::bucket/key",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    ],
)
def test_a_well_formed_arn_is_a_reference(text: str) -> None:
    assert is_reference_text(text)


@pytest.mark.parametrize(
    "text", ["hunter2", "arn:hunter2", "arn:aws:hunter2", "arn:aws:s3:eu:1:x", "xarn:aws:s3:::b"]
)
def test_text_that_only_starts_like_an_arn_is_not_a_reference(text: str) -> None:
    assert not is_reference_text(text)


def test_plural_and_abbreviated_words_are_read_whole() -> None:
    assert name_traits("PASS").secret  # PASS is not the plural of PAS
    assert not name_traits("KEY_ALIAS").secret  # ALIAS is not the plural of ALIA
    assert name_traits("BUILD_VERSION").digest
    assert name_traits("JWT_PUBLIC_KEY").public


# -- values -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DB_PASSWORD", ""),
        ("DB_PASSWORD", "  "),
        ("DB_PASSWORD", "30"),
        ("API_TOKEN", "true"),
        ("API_TOKEN", "none"),
        ("DB_PASSWORD", "30s"),
        ("SESSION_SECRET", "PT1H"),
        ("DB_PASSWORD", "512Mi"),
        ("DB_PASSWORD", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"),
        ("DB_PASSWORD", "/prod/db/password"),
        ("API_TOKEN", "https://auth.example.com/token"),
        ("SECRET", "debug"),
        ("SECRET", "eu-west-1"),
        ("TOKEN_CACHE_MODE", "lru"),
        ("TENANT_ID", "3f6c2a8e-9b1d-4c7e-a2f5-6d8e0b1c4a97"),
        ("BUILD_VERSION", "9fceb02d0ae598e95dc970b74767f19372d61af8"),
    ],
)
def test_values_that_are_not_secrets(name: str, value: str) -> None:
    assert variable_leak(name, value) is None


@pytest.mark.parametrize(
    ("name", "value", "kind"),
    [
        ("DB_PASS", "hunter2", None),
        ("DB_PASSWORD", "arn:hunter2", None),
        ("PASSCODE", "246810", None),
        ("API_KEY", "3f6c2a8e-9b1d-4c7e-a2f5-6d8e0b1c4a97", None),
        ("UPSTREAM", "9fceb02d0ae598e95dc970b74767f19372d61af8", "a high-entropy string"),
        ("MAX_TOKENS", AWS_KEY_ID, "an AWS access key id"),
        ("CACHE_MODE", "Zx8Qm2Lp9Rt4Vb7Nc1Kd5Hf3Gj6Ws0Ya2Eu8", "a high-entropy string"),
        ("FEED", "https://x.example.com/v1?api_key=abc123", "a credential in a URL"),
        ("REDIS_URL", "redis://:p4ss@cache:6379", "credentials in a URL"),
        ("UPSTREAM", "Basic b3JkZXJzOnMzY3JldA==", "an HTTP authorization credential"),
        ("CONFIG", '{"db": {"password": "hunter2"}}', "a JSON document whose member"),
        ("CONFIG", "eyJkYlBhc3N3b3JkIjoiaHVudGVyMiJ9", "base64 of a JSON document"),
    ],
)
def test_values_that_give_a_secret_away(name: str, value: str, kind: str | None) -> None:
    leak = variable_leak(name, value)
    assert leak is not None
    if kind is None:
        assert leak.kind is None  # judged by its name
    else:
        assert leak.kind is not None
        assert leak.kind.startswith(kind)
    assert value not in leak.predicate


@pytest.mark.parametrize(
    "value",
    [
        {"Ref": AWS_KEY_ID},
        {"Fn::GetAtt": [AWS_KEY_ID, "Arn"]},
        {"Fn::Join": ["", [{"Ref": AWS_KEY_ID}, {"Ref": "AWS::Region"}]]},
        {"Fn::Sub": "${" + AWS_KEY_ID + "}"},
    ],
)
def test_a_reference_is_not_read_as_text(value: Any) -> None:
    # Only references: no literal to hold a credential, whatever the logical id looks like.
    assert variable_leak("TABLE", value) is None


def test_literal_text_next_to_a_reference_is_still_read() -> None:
    value = {"Fn::Join": ["", [AWS_KEY_ID, {"Ref": "Table"}]]}
    leak = variable_leak("TABLE", value)
    assert leak is not None
    assert leak.kind == "an AWS access key id"


# -- one judgement for every environment ---------------------------------------------------------

_PARAMETERS = {
    "DbPassword": {"Type": "String", "NoEcho": True},
    "Stage": {"Type": "String", "Default": "prod"},
}
_OTHERS = {
    "User": {"Type": "AWS::IAM::User"},
    "Key": {"Type": "AWS::IAM::AccessKey", "Properties": {"UserName": {"Ref": "User"}}},
    "Table": {"Type": "AWS::DynamoDB::Table"},
}
NON, CANNOT, OK = Status.NON_COMPLIANT, Status.CANNOT_VERIFY, None

PARITY: list[tuple[str, Any, Status | None]] = [
    ("DB_PASSWORD", "hunter2", NON),
    ("DB_PASS", "hunter2", NON),
    ("DB_PASSWORD", "arn:hunter2", NON),
    ("DB_PASSWORD", {"Ref": "DbPassword"}, CANNOT),
    ("DB_PASSWORD", {"Fn::ImportValue": "shared-db-password"}, CANNOT),
    ("DB_PASSWORD", {"Fn::Sub": "${DbPassword}"}, CANNOT),
    ("DB_PASSWORD", {"Fn::Join": ["", ["hunter", "2-longer"]]}, NON),
    ("DB_PASSWORD", {"Fn::Join": ["", ["3", "0"]]}, OK),
    ("DB_PASSWORD", {"Fn::Sub": "hunter2"}, NON),
    ("UPSTREAM", {"Fn::GetAtt": ["Key", "SecretAccessKey"]}, NON),
    ("UPSTREAM", {"Fn::Sub": "${Key.SecretAccessKey}"}, NON),
    ("DB", "{{resolve:secretsmanager:prod/db:SecretString:password}}", NON),
    ("DB", {"Fn::Sub": "{{resolve:secretsmanager:${Stage}/db}}"}, NON),
    ("UPSTREAM", AWS_KEY_ID, NON),
    ("URL", {"Fn::Sub": "postgres://app:s3cret@${Table}:5432/app"}, NON),
    ("DB_PASSWORD", {"Ref": "Table"}, OK),
    ("DB_PASSWORD", {"Fn::GetAtt": ["Table", "Arn"]}, OK),
    ("LOG_LEVEL", {"Ref": "Stage"}, OK),
    ("MAX_TOKENS", "1024", OK),
    ("DISABLE_TOKEN_CACHE", "true", OK),
    ("SECRET_ROTATION_DAYS", "30", OK),
    ("DB_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf", OK),
    ("TABLE_NAME", {"Ref": "Table"}, OK),
]


def _outcomes(rule_id: str, resource: dict[str, Any], what: str, fix: str) -> list[tuple[Any, str]]:
    template = {"Parameters": _PARAMETERS, "Resources": {"Subject": resource, **_OTHERS}}
    stack = StackTemplate("Parity", "parity.json", template)
    findings = evaluate([stack], lambda _: (RULES_BY_ID[rule_id],)).findings
    return [
        (f.status, f.message.replace(what, "<variable>").removesuffix(f"; {fix}")) for f in findings
    ]


@pytest.mark.parametrize(("name", "value", "status"), PARITY)
def test_lambda_and_ecs_judge_an_environment_alike(
    name: str, value: Any, status: Status | None
) -> None:
    function = {
        "Type": "AWS::Lambda::Function",
        "Properties": {"Environment": {"Variables": {name: value}}},
    }
    task = {
        "Type": "AWS::ECS::TaskDefinition",
        "Properties": {
            "ContainerDefinitions": [
                {"Name": "app", "Environment": [{"Name": name, "Value": value}]}
            ]
        },
    }
    lambda_outcomes = _outcomes(
        "SC-LAMBDA-2", function, f"Environment.Variables.{name}", awslambda.ENVIRONMENT_FIX
    )
    ecs_outcomes = _outcomes(
        "SC-ECS-3", task, f"container 'app' environment variable {name}", ecs.ENVIRONMENT_FIX
    )
    assert lambda_outcomes == ecs_outcomes
    assert [s for s, _ in lambda_outcomes] == ([] if status is None else [status])
    assert all("<variable>" in message for _, message in lambda_outcomes)


@pytest.mark.parametrize(
    ("value", "status"),
    [("hunter2-longer", Status.CANNOT_VERIFY), ("30", None), (AWS_KEY_ID, Status.NON_COMPLIANT)],
)
def test_container_variable_named_at_deploy_time(value: str, status: Status | None) -> None:
    task = {
        "Type": "AWS::ECS::TaskDefinition",
        "Properties": {
            "ContainerDefinitions": [
                {"Name": "app", "Environment": [{"Name": {"Ref": "Stage"}, "Value": value}]}
            ]
        },
    }
    outcomes = _outcomes("SC-ECS-3", task, "container 'app' environment variable [0]", "")
    assert [s for s, _ in outcomes] == ([] if status is None else [status])
