"""SC-TRANSFER-1..4 on Transfer Family servers.

aws-cdk-lib has no Transfer Family L2: cases are ``transfer.CfnServer`` resources, escape
hatches and tokens. One app is synthesized for the module: stack ``Transfer`` holds one
server per case (construct id = case name). Only the ``SC-TRANSFER-*`` findings are
compared.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_logs as logs
from aws_cdk import aws_transfer as transfer

from aspects.model import Status

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, check_app, findings_at

ENDPOINT = {
    "vpcId": "vpc-0123456789abcdef0",
    "subnetIds": ["subnet-0aaaaaaaaaaaaaaa1"],
    "securityGroupIds": ["sg-0123456789abcdef0"],
}


def _build(stack: cdk.Stack) -> None:
    group = logs.LogGroup(stack, "TransferLogs", retention=logs.RetentionDays.ONE_YEAR)
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)

    def server(construct_id: str, **overrides: Any) -> transfer.CfnServer:
        props: dict[str, Any] = {
            "identity_provider_type": "SERVICE_MANAGED",
            "protocols": ["SFTP"],
            "security_policy_name": "TransferSecurityPolicy-2024-01",
            "structured_log_destinations": [group.log_group_arn],
            "endpoint_type": "VPC",
            "endpoint_details": ENDPOINT,
        }
        props.update(overrides)
        return transfer.CfnServer(
            stack, construct_id, **{k: v for k, v in props.items() if v is not None}
        )

    # Compliant references.
    server("Secure")
    server("SecureDefaultProtocol", protocols=None)
    server("SecureFtps", protocols=["FTPS"], certificate="arn:aws:acm:eu-west-1:1:certificate/x")
    server("SecureFips", security_policy_name="TransferSecurityPolicy-FIPS-2025-03")
    server("SecureRestricted", security_policy_name="TransferSecurityPolicy-Restricted-2024-06")
    server(
        "SecureLoggingRole",
        structured_log_destinations=None,
        logging_role="arn:aws:iam::123456789012:role/transfer-logging",
    )
    server("IfPolicyBoth").add_property_override(
        "SecurityPolicyName",
        switch.pick("TransferSecurityPolicy-2024-01", "TransferSecurityPolicy-2025-03"),
    )

    # SC-TRANSFER-1 plain FTP.
    server("Ftp", protocols=["SFTP", "FTP"])
    server("EscFtp").add_property_override("Protocols", ["FTP"])
    server("ParamProtocol", protocols=[setting])
    server("IfFtp").add_property_override("Protocols", switch.pick(["SFTP"], ["FTP"]))

    # SC-TRANSFER-2 security policy.
    server("DefaultPolicy", security_policy_name=None)
    server("OldPolicy", security_policy_name="TransferSecurityPolicy-2020-06")
    server("OldPqPolicy", security_policy_name="TransferSecurityPolicy-PQ-SSH-Experimental-2023-04")
    server("EscOldPolicy").add_property_override(
        "SecurityPolicyName", "TransferSecurityPolicy-2018-11"
    )
    server("ParamPolicy", security_policy_name=setting)
    server("IfPolicy").add_property_override(
        "SecurityPolicyName",
        switch.pick("TransferSecurityPolicy-2024-01", "TransferSecurityPolicy-2018-11"),
    )

    # SC-TRANSFER-3 logs.
    server("NoLogs", structured_log_destinations=None)
    server("EscNoLogs").add_property_deletion_override("StructuredLogDestinations")

    # SC-TRANSFER-4 endpoint.
    server("PublicEndpoint", endpoint_type="PUBLIC", endpoint_details=None)
    server("DefaultEndpoint", endpoint_type=None, endpoint_details=None)
    server("ParamEndpoint", endpoint_type=setting)


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Transfer"))
    return check_app(app)


def mine(ev: Checked, name: str) -> set[tuple[str, Status]]:
    return {
        (f.rule.id, f.status)
        for f in findings_at(ev, f"Transfer/{name}")
        if f.rule.id.startswith("SC-TRANSFER-")
    }


@pytest.mark.parametrize(
    "name",
    [
        "Secure",
        "SecureDefaultProtocol",
        "SecureFtps",
        "SecureFips",
        "SecureRestricted",
        "SecureLoggingRole",
        "IfPolicyBoth",
    ],
)
def test_hardened_server_has_no_finding(ev: Checked, name: str) -> None:
    assert mine(ev, name) == set()


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("Ftp", "SC-TRANSFER-1"),
        ("EscFtp", "SC-TRANSFER-1"),
        ("DefaultPolicy", "SC-TRANSFER-2"),
        ("OldPolicy", "SC-TRANSFER-2"),
        ("OldPqPolicy", "SC-TRANSFER-2"),
        ("EscOldPolicy", "SC-TRANSFER-2"),
        ("NoLogs", "SC-TRANSFER-3"),
        ("EscNoLogs", "SC-TRANSFER-3"),
        ("PublicEndpoint", "SC-TRANSFER-4"),
        ("DefaultEndpoint", "SC-TRANSFER-4"),
    ],
)
def test_weakened_server_is_flagged(ev: Checked, name: str, rule: str) -> None:
    assert mine(ev, name) == {(rule, NON_COMPLIANT)}


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("ParamProtocol", "SC-TRANSFER-1"),
        ("IfFtp", "SC-TRANSFER-1"),
        ("ParamPolicy", "SC-TRANSFER-2"),
        ("IfPolicy", "SC-TRANSFER-2"),
        ("ParamEndpoint", "SC-TRANSFER-4"),
    ],
)
def test_setting_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str, rule: str
) -> None:
    assert mine(ev, name) == {(rule, CANNOT_VERIFY)}


def test_default_policy_finding_names_what_cloudformation_uses(ev: Checked) -> None:
    (finding,) = [
        f for f in findings_at(ev, "Transfer/DefaultPolicy") if f.rule.id == "SC-TRANSFER-2"
    ]
    assert "TransferSecurityPolicy-2018-11" in finding.message
    assert finding.property_path == "Properties.SecurityPolicyName"
