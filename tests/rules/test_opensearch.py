"""SC-OS-1..8 on OpenSearch and Elasticsearch domains: L2s, raw L1s, escape hatches, tokens.

One app is synthesized for the module: stack ``Search`` holds one domain per case (construct
id = case name). Two hardened L2 shapes are the baselines: a domain in a VPC (access policy
for one role, no fine-grained access control) and a public domain with fine-grained access
control (open access policy, as AWS recommends with FGAC, and audit logs). Only the
``SC-OS-*`` findings are compared.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticsearch as elasticsearch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_opensearchservice as opensearch

from aspects.model import Finding, Status
from aspects.settings import Thresholds
from aspects.testing import check

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, findings_at

ROLE_ARN = "arn:aws:iam::123456789012:role/search"
OLD_TLS = "Policy-Min-TLS-1-0-2019-07"


def open_statement(**extra: Any) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "es:*",
        "Resource": "*",
        **extra,
    }


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _build(stack: cdk.Stack) -> None:
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        max_azs=1,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    other_key = kms.Key(stack, "OtherKey", enable_key_rotation=True)
    log_group = logs.LogGroup(stack, "DomainLogs", encryption_key=key)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)
    all_logs: dict[str, Any] = {
        "app_log_enabled": True,
        "app_log_group": log_group,
        "slow_search_log_enabled": True,
        "slow_search_log_group": log_group,
        "slow_index_log_enabled": True,
        "slow_index_log_group": log_group,
    }

    def domain(construct_id: str, **overrides: Any) -> opensearch.Domain:
        """A hardened domain in the VPC, without fine-grained access control."""
        props: dict[str, Any] = {
            "version": opensearch.EngineVersion.OPENSEARCH_2_11,
            "vpc": vpc,
            "vpc_subnets": [ec2.SubnetSelection(subnets=vpc.isolated_subnets[:1])],
            "encryption_at_rest": opensearch.EncryptionAtRestOptions(enabled=True, kms_key=key),
            "node_to_node_encryption": True,
            "enforce_https": True,
            "tls_security_policy": opensearch.TLSSecurityPolicy.TLS_1_2_PFS,
            "logging": opensearch.LoggingOptions(**all_logs),
            "access_policies": [
                iam.PolicyStatement(
                    principals=[iam.ArnPrincipal(ROLE_ARN)], actions=["es:ESHttp*"], resources=["*"]
                )
            ],
        }
        props.update(overrides)
        return opensearch.Domain(stack, construct_id, **props)

    def fine_grained(construct_id: str, **overrides: Any) -> opensearch.Domain:
        """A hardened public domain with fine-grained access control and audit logs."""
        props: dict[str, Any] = {
            "vpc": None,
            "vpc_subnets": None,
            "fine_grained_access_control": opensearch.AdvancedSecurityOptions(
                master_user_arn=ROLE_ARN
            ),
            "logging": opensearch.LoggingOptions(
                **all_logs, audit_log_enabled=True, audit_log_group=log_group
            ),
            "access_policies": [
                iam.PolicyStatement(
                    principals=[iam.AnyPrincipal()], actions=["es:ESHttp*"], resources=["*"]
                )
            ],
        }
        props.update(overrides)
        return domain(construct_id, **props)

    def l1(construct_id: str, **overrides: Any) -> opensearch.CfnDomain:
        props: dict[str, Any] = {
            "vpc_options": {"subnetIds": ["subnet-0123456789abcdef0"]},
            "encryption_at_rest_options": {"enabled": True, "kmsKeyId": key.key_id},
            "node_to_node_encryption_options": {"enabled": True},
            "domain_endpoint_options": {
                "enforceHttps": True,
                "tlsSecurityPolicy": "Policy-Min-TLS-1-2-2019-07",
            },
            "log_publishing_options": {
                kind: {"enabled": True, "cloudWatchLogsLogGroupArn": log_group.log_group_arn}
                for kind in ("ES_APPLICATION_LOGS", "SEARCH_SLOW_LOGS", "INDEX_SLOW_LOGS")
            },
        }
        props.update(overrides)
        return opensearch.CfnDomain(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    # Compliant references.
    domain("SecureVpc")
    fine_grained("SecureFineGrained")
    l1("L1Secure")
    elasticsearch.CfnDomain(
        stack,
        "EsSecure",
        vpc_options={"subnetIds": ["subnet-0123456789abcdef0"]},
        encryption_at_rest_options={"enabled": True, "kmsKeyId": key.key_arn},
        node_to_node_encryption_options={"enabled": True},
        domain_endpoint_options={
            "enforceHttps": True,
            "tlsSecurityPolicy": "Policy-Min-TLS-1-2-PFS-2023-10",
        },
        log_publishing_options={
            kind: {"enabled": True, "cloudWatchLogsLogGroupArn": log_group.log_group_arn}
            for kind in ("ES_APPLICATION_LOGS", "SEARCH_SLOW_LOGS", "INDEX_SLOW_LOGS")
        },
    )
    l1(
        "IpRestricted",
        access_policies=document(
            open_statement(Condition={"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}})
        ),
    )

    # SC-OS-1 encryption at rest.
    domain("DefaultKey", encryption_at_rest=opensearch.EncryptionAtRestOptions(enabled=True))
    domain("NoEncryption", encryption_at_rest=opensearch.EncryptionAtRestOptions(enabled=False))
    l1("L1NoEncryption", encryption_at_rest_options=None)
    cfn(domain("EscNoEncryption")).add_property_override("EncryptionAtRestOptions.Enabled", False)
    cfn(domain("ParamKey")).add_property_override("EncryptionAtRestOptions.KmsKeyId", setting)
    cfn(domain("IfKey")).add_property_override(
        "EncryptionAtRestOptions.KmsKeyId", switch.pick(key.key_id, cdk.Aws.NO_VALUE)
    )
    cfn(domain("IfTwoKeys")).add_property_override(
        "EncryptionAtRestOptions.KmsKeyId", switch.pick(key.key_id, other_key.key_id)
    )

    # SC-OS-2 node-to-node encryption.
    domain("NoNodeToNode", node_to_node_encryption=False)
    cfn(domain("EscNodeToNode")).add_property_deletion_override("NodeToNodeEncryptionOptions")
    cfn(domain("ParamNodeToNode")).add_property_override(
        "NodeToNodeEncryptionOptions.Enabled", setting
    )

    # SC-OS-3 HTTPS and TLS 1.2.
    domain("HttpAllowed", enforce_https=False)
    domain("OldTls", tls_security_policy=opensearch.TLSSecurityPolicy.TLS_1_0)
    l1("L1DefaultTls", domain_endpoint_options={"enforceHttps": True})
    cfn(domain("EscOldTls")).add_property_override(
        "DomainEndpointOptions.TLSSecurityPolicy", OLD_TLS
    )
    cfn(domain("ParamTls")).add_property_override(
        "DomainEndpointOptions.TLSSecurityPolicy", setting
    )
    cfn(domain("IfTlsBoth")).add_property_override(
        "DomainEndpointOptions.TLSSecurityPolicy",
        switch.pick("Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10"),
    )
    cfn(domain("IfTlsOld")).add_property_override(
        "DomainEndpointOptions.TLSSecurityPolicy",
        switch.pick("Policy-Min-TLS-1-2-2019-07", OLD_TLS),
    )

    # SC-OS-4 in a VPC or fine-grained access control.
    domain("Public", vpc=None, vpc_subnets=None)
    l1("L1Public", vpc_options=None)
    cfn(domain("EscPublic")).add_property_deletion_override("VPCOptions")
    l1(
        "ParamFineGrained",
        vpc_options=None,
        advanced_security_options={
            "enabled": True,
            "masterUserOptions": {"masterUserArn": ROLE_ARN},
        },
    ).add_property_override("AdvancedSecurityOptions.Enabled", setting)

    # SC-OS-5 access policy not open.
    domain(
        "OpenPolicy",
        access_policies=[
            iam.PolicyStatement(principals=[iam.AnyPrincipal()], actions=["es:*"], resources=["*"])
        ],
    )
    domain(
        "ParamPrincipal",
        access_policies=[
            iam.PolicyStatement(
                principals=[iam.ArnPrincipal(setting)], actions=["es:*"], resources=["*"]
            )
        ],
    )
    l1("L1Open", access_policies=document(open_statement()))
    l1(
        "WorldIp",
        access_policies=document(
            open_statement(Condition={"IpAddress": {"aws:SourceIp": ["0.0.0.0/0"]}})
        ),
    )
    l1("L1ParamPolicy", access_policies=setting)
    cfn(domain("EscOpen")).add_property_override("AccessPolicies", document(open_statement()))
    l1(
        "AnonymousAuth",
        vpc_options=None,
        advanced_security_options={
            "enabled": True,
            "anonymousAuthEnabled": True,
            "masterUserOptions": {"masterUserArn": ROLE_ARN},
        },
        access_policies=document(open_statement()),
        log_publishing_options={
            kind: {"enabled": True, "cloudWatchLogsLogGroupArn": log_group.log_group_arn}
            for kind in ("ES_APPLICATION_LOGS", "SEARCH_SLOW_LOGS", "INDEX_SLOW_LOGS", "AUDIT_LOGS")
        },
    )

    # SC-OS-6/7/8 logs.
    domain(
        "NoAppLogs",
        logging=opensearch.LoggingOptions(
            slow_search_log_enabled=True,
            slow_search_log_group=log_group,
            slow_index_log_enabled=True,
            slow_index_log_group=log_group,
        ),
    )
    l1("L1NoLogs", log_publishing_options=None)
    cfn(domain("EscAppLogsOff")).add_property_override(
        "LogPublishingOptions.ES_APPLICATION_LOGS.Enabled", False
    )
    cfn(domain("ParamAppLogs")).add_property_override(
        "LogPublishingOptions.ES_APPLICATION_LOGS.Enabled", setting
    )
    fine_grained("NoAuditLogs", logging=opensearch.LoggingOptions(**all_logs))
    cfn(fine_grained("EscAuditOff")).add_property_deletion_override(
        "LogPublishingOptions.AUDIT_LOGS"
    )
    domain(
        "NoSlowLogs",
        logging=opensearch.LoggingOptions(app_log_enabled=True, app_log_group=log_group),
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    # CDK's own CloudFormation schema validation is not under test and triples synthesis time.
    app = cdk.App(builtin_cloud_formation_validation=False)
    _build(cdk.Stack(app, "Search"))
    return check_app(app)


def at(name: str) -> str:
    return f"Search/{name}"


def mine(ev: Checked, name: str) -> list[Finding]:
    return [f for f in findings_at(ev, at(name)) if f.rule.id.startswith("SC-OS-")]


def outcomes(ev: Checked, name: str) -> set[tuple[str, Status]]:
    return {(f.rule.id, f.status) for f in mine(ev, name)}


# -- compliant references ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "SecureVpc",
        "SecureFineGrained",
        "L1Secure",
        "EsSecure",
        "IpRestricted",
        "IfTwoKeys",
        "IfTlsBoth",
    ],
)
def test_hardened_domain_has_no_finding(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == set()


def test_l2_access_policy_lives_in_a_custom_resource(ev: Checked) -> None:
    resources = ev.templates["Search"]["Resources"]
    (domain,) = (
        v
        for k, v in resources.items()
        if k.startswith("OpenPolicy") and v["Type"] == "AWS::OpenSearchService::Domain"
    )
    assert "AccessPolicies" not in domain["Properties"]
    assert any(
        k.startswith("OpenPolicy") and v["Type"] == "Custom::OpenSearchAccessPolicy"
        for k, v in resources.items()
    )


# -- SC-OS-1 encryption at rest ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["DefaultKey", "NoEncryption", "L1NoEncryption", "EscNoEncryption"]
)
def test_domain_without_customer_key_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-OS-1", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamKey", "IfKey"])
def test_key_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-OS-1", CANNOT_VERIFY)}


# -- SC-OS-2 node-to-node ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["NoNodeToNode", "EscNodeToNode"])
def test_domain_without_node_to_node_encryption_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-OS-2", NON_COMPLIANT)}


def test_node_to_node_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, "ParamNodeToNode") == {("SC-OS-2", CANNOT_VERIFY)}


# -- SC-OS-3 HTTPS and TLS -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["HttpAllowed", "OldTls", "L1DefaultTls", "EscOldTls"])
def test_domain_allowing_http_or_old_tls_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-OS-3", NON_COMPLIANT)}


def test_cloudformation_default_tls_policy_is_named(ev: Checked) -> None:
    (finding,) = mine(ev, "L1DefaultTls")
    assert finding.property_path == "Properties.DomainEndpointOptions.TLSSecurityPolicy"
    assert OLD_TLS in finding.message


@pytest.mark.parametrize("name", ["ParamTls", "IfTlsOld"])
def test_tls_policy_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-OS-3", CANNOT_VERIFY)}


# -- SC-OS-4 VPC or fine-grained access control --------------------------------------------------


@pytest.mark.parametrize("name", ["Public", "L1Public", "EscPublic"])
def test_public_domain_without_fine_grained_access_control_is_flagged(
    ev: Checked, name: str
) -> None:
    assert outcomes(ev, name) == {("SC-OS-4", NON_COMPLIANT)}


def test_fine_grained_flag_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, "ParamFineGrained") == {
        ("SC-OS-4", CANNOT_VERIFY),
        ("SC-OS-7", CANNOT_VERIFY),
    }


# -- SC-OS-5 access policy -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["OpenPolicy", "L1Open", "WorldIp", "EscOpen", "AnonymousAuth"])
def test_access_policy_open_to_everyone_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-OS-5", NON_COMPLIANT)}


def test_open_policy_of_the_custom_resource_names_it(ev: Checked) -> None:
    (finding,) = mine(ev, "OpenPolicy")
    assert finding.message.startswith("OpenPolicyAccessPolicy")
    assert finding.property_path == "AccessPolicies"


@pytest.mark.parametrize("name", ["ParamPrincipal", "L1ParamPolicy"])
def test_access_policy_known_only_at_deploy_time_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-OS-5", CANNOT_VERIFY)}


# -- SC-OS-6/7/8 logs ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["NoAppLogs", "EscAppLogsOff"])
def test_domain_without_application_logs_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-OS-6", NON_COMPLIANT)}


def test_domain_without_logs_is_flagged_for_errors_and_slow_logs(ev: Checked) -> None:
    assert {(f.rule.id, f.property_path) for f in mine(ev, "L1NoLogs")} == {
        ("SC-OS-6", "Properties.LogPublishingOptions.ES_APPLICATION_LOGS.Enabled"),
        ("SC-OS-8", "Properties.LogPublishingOptions.SEARCH_SLOW_LOGS.Enabled"),
        ("SC-OS-8", "Properties.LogPublishingOptions.INDEX_SLOW_LOGS.Enabled"),
    }


def test_application_logs_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, "ParamAppLogs") == {("SC-OS-6", CANNOT_VERIFY)}


@pytest.mark.parametrize("name", ["NoAuditLogs", "EscAuditOff"])
def test_fine_grained_domain_without_audit_logs_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, name) == {("SC-OS-7", NON_COMPLIANT)}


def test_missing_slow_logs_are_a_warning(ev: Checked) -> None:
    findings = mine(ev, "NoSlowLogs")
    assert {(f.rule.id, f.status) for f in findings} == {("SC-OS-8", NON_COMPLIANT)}
    assert not any(f.blocks_synthesis for f in findings)


def test_tighter_thresholds_narrow_the_tls_policies() -> None:
    app = cdk.App(builtin_cloud_formation_validation=False)
    stack = cdk.Stack(app, "Tight")
    for name, policy in (
        ("Tls12", "Policy-Min-TLS-1-2-2019-07"),
        ("Pfs", "Policy-Min-TLS-1-2-PFS-2023-10"),
    ):
        opensearch.CfnDomain(
            stack,
            name,
            domain_endpoint_options={"enforceHttps": True, "tlsSecurityPolicy": policy},
        )
    evaluation = check(
        app, settings=Thresholds(opensearch_tls_policies=("Policy-Min-TLS-1-2-PFS-2023-10",))
    )
    assert {
        (f.rule.id, f.construct_path) for f in evaluation.findings if f.rule.id == "SC-OS-3"
    } == {("SC-OS-3", "Tight/Tls12")}
