"""SC-APPSYNC-1..6 on GraphQL APIs and API caches built from the L2, L1s, escape hatches.

One app is synthesized for the module: stack ``AppSync`` holds one API or cache per case
(construct id = case name) and one regional WebACL. Only the ``SC-APPSYNC-*`` findings are
compared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_appsync as appsync
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_wafv2 as wafv2

from aspects.model import Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, findings_at

LOGS_ROLE = "arn:aws:iam::123456789012:role/appsync-logs"
FOREIGN_ACL = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shared/1234"


def _build(stack: cdk.Stack, schema: Path) -> None:
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)
    acl = wafv2.CfnWebACL(
        stack,
        "Acl",
        scope="REGIONAL",
        default_action={"allow": {}},
        visibility_config={
            "cloudWatchMetricsEnabled": True,
            "metricName": "api",
            "sampledRequestsEnabled": True,
        },
        rules=[],
    )

    def protect(construct_id: str, arn: str, web_acl_arn: str | None = None) -> Any:
        return wafv2.CfnWebACLAssociation(
            stack, f"{construct_id}Waf", resource_arn=arn, web_acl_arn=web_acl_arn or acl.attr_arn
        )

    iam_auth = appsync.AuthorizationConfig(
        default_authorization=appsync.AuthorizationMode(
            authorization_type=appsync.AuthorizationType.IAM
        )
    )

    def api(construct_id: str, *, waf: bool = True, **overrides: Any) -> appsync.GraphqlApi:
        props: dict[str, Any] = {
            "name": construct_id,
            "definition": appsync.Definition.from_schema(appsync.SchemaFile(file_path=str(schema))),
            "authorization_config": iam_auth,
            "log_config": appsync.LogConfig(field_log_level=appsync.FieldLogLevel.ERROR),
            "xray_enabled": True,
        }
        props.update(overrides)
        made = appsync.GraphqlApi(stack, construct_id, **props)
        if waf:
            protect(construct_id, made.arn)
        return made

    def l1(construct_id: str, **overrides: Any) -> appsync.CfnGraphQLApi:
        props: dict[str, Any] = {
            "name": construct_id,
            "authentication_type": "AWS_IAM",
            "log_config": {"cloudWatchLogsRoleArn": LOGS_ROLE, "fieldLogLevel": "ALL"},
            "xray_enabled": True,
        }
        props.update(overrides)
        made = appsync.CfnGraphQLApi(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )
        protect(construct_id, made.attr_arn)
        return made

    def cache(construct_id: str, **overrides: Any) -> appsync.CfnApiCache:
        props: dict[str, Any] = {
            "api_id": "abcdefghijklmnopqrstuvwxyz",
            "api_caching_behavior": "FULL_REQUEST_CACHING",
            "ttl": 300,
            "type": "SMALL",
            "at_rest_encryption_enabled": True,
            "transit_encryption_enabled": True,
        }
        props.update(overrides)
        return appsync.CfnApiCache(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    pool = cognito.UserPool(stack, "Pool")

    # Compliant references.
    api("Secure")
    api("SecurePrivate", waf=False, visibility=appsync.Visibility.PRIVATE)
    api(
        "SecureUsersWithPublicFields",
        authorization_config=appsync.AuthorizationConfig(
            default_authorization=appsync.AuthorizationMode(
                authorization_type=appsync.AuthorizationType.USER_POOL,
                user_pool_config=appsync.UserPoolConfig(user_pool=pool),
            ),
            additional_authorization_modes=[
                appsync.AuthorizationMode(authorization_type=appsync.AuthorizationType.API_KEY)
            ],
        ),
    )
    l1("L1Secure")
    cache("SecureCache")

    # The L2's defaults: no logs, an API key, no tracing, nothing in front.
    appsync.GraphqlApi(
        stack,
        "DefaultL2",
        name="default",
        definition=appsync.Definition.from_schema(appsync.SchemaFile(file_path=str(schema))),
    )

    # SC-APPSYNC-1 logs.
    api("FieldLogsOff", log_config=appsync.LogConfig())
    cfn(api("EscNoLogs")).add_property_deletion_override("LogConfig")
    l1("L1NoLogs", log_config=None)
    cfn(api("ParamLogLevel")).add_property_override("LogConfig.FieldLogLevel", setting)
    cfn(api("IfLogLevel")).add_property_override(
        "LogConfig.FieldLogLevel", switch.pick("ERROR", "NONE")
    )

    # SC-APPSYNC-2 API key by default.
    l1("L1ApiKey", authentication_type="API_KEY")
    cfn(api("EscApiKey")).add_property_override("AuthenticationType", "API_KEY")
    l1("ParamAuth", authentication_type=setting)

    # SC-APPSYNC-3 WAF.
    api("NoWaf", waf=False)
    l1("EscPublic").add_property_override("Visibility", "GLOBAL")
    foreign = api("ForeignAcl", waf=False)
    protect("ForeignAcl", foreign.arn, FOREIGN_ACL)
    conditional = api("ConditionalWaf", waf=False)
    protect("ConditionalWaf", conditional.arn).cfn_options.condition = switch.condition
    cfn(api("ParamVisibility", waf=False)).add_property_override("Visibility", setting)

    # SC-APPSYNC-4 tracing.
    api("NoTracing", xray_enabled=False)
    l1("ParamTracing", xray_enabled=None).add_property_override("XrayEnabled", setting)

    # SC-APPSYNC-5 / 6 caches.
    cache("PlainCache", at_rest_encryption_enabled=None, transit_encryption_enabled=None)
    cache("EscPlainCache").add_property_override("TransitEncryptionEnabled", False)
    cache("ParamCache").add_property_override("AtRestEncryptionEnabled", setting)


@pytest.fixture(scope="module")
def ev(tmp_path_factory: pytest.TempPathFactory) -> Checked:
    schema = tmp_path_factory.mktemp("appsync") / "schema.graphql"
    schema.write_text("type Query { order(id: ID!): String }\n", encoding="utf-8")
    app = cdk.App()
    _build(cdk.Stack(app, "AppSync"), schema)
    return check_app(app)


def mine(ev: Checked, name: str) -> set[tuple[str, Status]]:
    return {
        (f.rule.id, f.status)
        for f in findings_at(ev, f"AppSync/{name}")
        if f.rule.id.startswith("SC-APPSYNC-")
    }


@pytest.mark.parametrize(
    "name", ["Secure", "SecurePrivate", "SecureUsersWithPublicFields", "L1Secure", "SecureCache"]
)
def test_hardened_api_or_cache_has_no_finding(ev: Checked, name: str) -> None:
    assert mine(ev, name) == set()


def test_l2_defaults_are_flagged(ev: Checked) -> None:
    assert mine(ev, "DefaultL2") == {
        ("SC-APPSYNC-1", NON_COMPLIANT),
        ("SC-APPSYNC-2", NON_COMPLIANT),
        ("SC-APPSYNC-3", NON_COMPLIANT),
        ("SC-APPSYNC-4", NON_COMPLIANT),
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("FieldLogsOff", {"SC-APPSYNC-1"}),
        ("EscNoLogs", {"SC-APPSYNC-1"}),
        ("L1NoLogs", {"SC-APPSYNC-1"}),
        ("L1ApiKey", {"SC-APPSYNC-2"}),
        ("EscApiKey", {"SC-APPSYNC-2"}),
        ("NoWaf", {"SC-APPSYNC-3"}),
        ("NoTracing", {"SC-APPSYNC-4"}),
        ("PlainCache", {"SC-APPSYNC-5", "SC-APPSYNC-6"}),
        ("EscPlainCache", {"SC-APPSYNC-6"}),
    ],
)
def test_weakened_api_or_cache_is_flagged(ev: Checked, name: str, expected: set[str]) -> None:
    assert mine(ev, name) == {(rule, NON_COMPLIANT) for rule in expected}


def test_public_l1_api_with_a_webacl_is_compliant(ev: Checked) -> None:
    assert mine(ev, "EscPublic") == set()


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("ParamLogLevel", "SC-APPSYNC-1"),
        ("IfLogLevel", "SC-APPSYNC-1"),
        ("ParamAuth", "SC-APPSYNC-2"),
        ("ForeignAcl", "SC-APPSYNC-3"),
        ("ConditionalWaf", "SC-APPSYNC-3"),
        ("ParamVisibility", "SC-APPSYNC-3"),
        ("ParamTracing", "SC-APPSYNC-4"),
        ("ParamCache", "SC-APPSYNC-5"),
    ],
)
def test_setting_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str, rule: str
) -> None:
    assert mine(ev, name) == {(rule, CANNOT_VERIFY)}
