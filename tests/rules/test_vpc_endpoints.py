"""SC-VPCE-1..3 on gateway and interface VPC endpoints: L2s, raw L1s, escape hatches, tokens.

One app for the module: stack ``Endpoints`` holds one endpoint per case (construct id =
case name).
"""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, ids, outcomes

ENV = cdk.Environment(account="123456789012", region="eu-west-1")
BUCKET_OBJECTS = "arn:aws:s3:::my-data-bucket/*"
TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders"
MY_RULES = ("SC-VPCE-1", "SC-VPCE-2", "SC-VPCE-3")


def _open(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    statement = {"Effect": "Allow", "Principal": "*", "Action": action, "Resource": resource}
    statement.update(extra)
    return {
        "Version": "2012-10-17",
        "Statement": [{k: v for k, v in statement.items() if v is not None}],
    }


def _build(stack: cdk.Stack) -> None:
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        max_azs=1,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="Data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )

    def gateway(
        name: str,
        service: ec2.GatewayVpcEndpointAwsService = ec2.GatewayVpcEndpointAwsService.S3,
        **statement: Any,
    ) -> ec2.GatewayVpcEndpoint:
        endpoint = ec2.GatewayVpcEndpoint(stack, name, vpc=vpc, service=service)
        if statement:
            props: dict[str, Any] = {"principals": [iam.AnyPrincipal()]}
            props.update(statement)
            endpoint.add_to_policy(iam.PolicyStatement(**props))
        return endpoint

    def secure(name: str) -> ec2.GatewayVpcEndpoint:
        return gateway(name, actions=["s3:GetObject", "s3:PutObject"], resources=[BUCKET_OBJECTS])

    def l1(name: str, **props: Any) -> ec2.CfnVPCEndpoint:
        return ec2.CfnVPCEndpoint(
            stack, name, vpc_id=vpc.vpc_id, service_name="com.amazonaws.eu-west-1.s3", **props
        )

    # Compliant references.
    secure("Secure")
    gateway(
        "OwnTables",
        ec2.GatewayVpcEndpointAwsService.DYNAMODB,
        actions=["dynamodb:*"],
        resources=[TABLE],
    )
    gateway(
        "NarrowedByAccount",
        actions=["s3:*"],
        resources=["*"],
        conditions={"StringEquals": {"aws:ResourceAccount": cdk.Aws.ACCOUNT_ID}},
    )
    gateway(
        "NamedPrincipal",
        principals=[iam.AccountPrincipal("123456789012")],
        actions=["*"],
        resources=["*"],
    )
    ec2.InterfaceVpcEndpoint(
        stack, "InterfaceNoPolicy", vpc=vpc, service=ec2.InterfaceVpcEndpointAwsService.SSM
    )
    l1(
        "L1Deny",
        policy_document={**_open(), "Statement": [{**_open()["Statement"][0], "Effect": "Deny"}]},
    )

    # SC-VPCE-1 open statements.
    gateway(
        "OpenTables",
        ec2.GatewayVpcEndpointAwsService.DYNAMODB,
        actions=["dynamodb:*"],
        resources=["*"],
    )
    gateway(
        "AnyAccountTables",
        ec2.GatewayVpcEndpointAwsService.DYNAMODB,
        actions=["dynamodb:*"],
        resources=["arn:aws:dynamodb:*:*:table/*"],
    )
    gateway("EveryBucket", actions=["s3:*"], resources=["arn:aws:s3:::*"])
    gateway(
        "SourceVpcOnly",
        actions=["*"],
        resources=["*"],
        conditions={"StringEquals": {"aws:SourceVpc": vpc.vpc_id}},
    )
    ec2.InterfaceVpcEndpoint(
        stack, "OpenInterface", vpc=vpc, service=ec2.InterfaceVpcEndpointAwsService.SSM
    ).add_to_policy(
        iam.PolicyStatement(principals=[iam.AnyPrincipal()], actions=["*"], resources=["*"])
    )
    l1("L1Open", policy_document=_open())
    # CloudFormation also takes the document as a JSON string (CDK's L1 refuses one).
    l1("EscOpenJson").add_property_override("PolicyDocument", json.dumps(_open("s3:*")))
    l1("L1NotAction", policy_document=_open(action=None, NotAction=["s3:DeleteBucket"]))
    cfn(secure("EscOpen")).add_property_override(
        "PolicyDocument.Statement.0", _open()["Statement"][0]
    )
    cfn(secure("ParamAction")).add_property_override("PolicyDocument.Statement.0.Action", setting)
    cfn(secure("ParamResource")).add_property_override(
        "PolicyDocument.Statement.0", _open(action="s3:*", resource=setting)["Statement"][0]
    )
    l1("ParamPrincipal", policy_document=_open(Principal={"AWS": setting}))
    l1("ParamDocument", policy_document=setting)
    cfn(secure("IfOpen")).add_property_override(
        "PolicyDocument.Statement.0",
        _open(action="s3:*", resource=switch.pick(BUCKET_OBJECTS, "*"))["Statement"][0],
    )
    cfn(secure("IfBothNarrow")).add_property_override(
        "PolicyDocument.Statement.0",
        _open(action="s3:*", resource=switch.pick(BUCKET_OBJECTS, "arn:aws:s3:::other/*"))[
            "Statement"
        ][0],
    )

    # SC-VPCE-3: a resource perimeter.
    gateway(
        "OwnOrgObjects",
        actions=["s3:GetObject"],
        resources=["*"],
        conditions={"StringEquals": {"aws:ResourceOrgID": "o-abcdefghij"}},
    )
    gateway("ReadAnyBucket", actions=["s3:GetObject"], resources=["*"])
    gateway("WriteAnyAccount", actions=["s3:PutObject"], resources=["arn:aws:s3:::*/*"])
    gateway(
        "CallerOrgOnly",
        actions=["s3:GetObject", "s3:PutObject"],
        resources=["*"],
        conditions={"StringEquals": {"aws:PrincipalOrgID": "o-abcdefghij"}},
    )
    gateway(
        "CallerEveryAction",
        actions=["s3:*"],
        resources=["*"],
        conditions={"StringEquals": {"aws:PrincipalAccount": "123456789012"}},
    )
    gateway(
        "IfExistsAccount",
        actions=["s3:GetObject"],
        resources=["*"],
        conditions={"StringEqualsIfExists": {"aws:ResourceAccount": "123456789012"}},
    )
    ec2.InterfaceVpcEndpoint(
        stack, "SendAnyQueue", vpc=vpc, service=ec2.InterfaceVpcEndpointAwsService.SQS
    ).add_to_policy(
        iam.PolicyStatement(
            principals=[iam.AnyPrincipal()], actions=["sqs:SendMessage"], resources=["*"]
        )
    )
    l1("L1NotResource", policy_document=_open("s3:GetObject", None, NotResource=BUCKET_OBJECTS))
    cfn(secure("EscWiden")).add_property_override("PolicyDocument.Statement.0.Resource", "*")
    dropped = cfn(secure("EscDropPerimeter"))
    dropped.add_property_override(
        "PolicyDocument.Statement.0",
        _open("s3:GetObject", Condition={"StringEquals": {"aws:ResourceAccount": "1"}})[
            "Statement"
        ][0],
    )
    dropped.add_property_deletion_override("PolicyDocument.Statement.0.Condition")
    cfn(secure("ParamReadResource")).add_property_override(
        "PolicyDocument.Statement.0.Resource", setting
    )
    l1(
        "ParamResourceAccount",
        policy_document=_open(
            "s3:GetObject", Condition={"StringEquals": {"aws:ResourceAccount": setting}}
        ),
    )
    cfn(secure("IfReadAnything")).add_property_override(
        "PolicyDocument.Statement.0.Resource", switch.pick(BUCKET_OBJECTS, "*")
    )

    # SC-VPCE-2 gateway endpoints without a policy.
    gateway("NoPolicyGateway")
    gateway("NoPolicyTables", ec2.GatewayVpcEndpointAwsService.DYNAMODB)
    l1("L1NoPolicy")
    cfn(secure("EscNoPolicy")).add_property_deletion_override("PolicyDocument")
    l1("ParamType", vpc_endpoint_type=setting)
    l1("L1InterfaceNoPolicy", vpc_endpoint_type="Interface")


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Endpoints", env=ENV))
    return check_app(app)


def at(name: str) -> str:
    return f"Endpoints/{name}"


def mine(ev: Checked, name: str) -> set[tuple[str, Any]]:
    return {o for o in outcomes(ev, at(name)) if o[0] in MY_RULES}


@pytest.mark.parametrize(
    "name",
    [
        "Secure",
        "OwnTables",
        "NarrowedByAccount",
        "NamedPrincipal",
        "InterfaceNoPolicy",
        "L1Deny",
        "OwnOrgObjects",
    ],
)
def test_restricted_endpoint_has_no_finding(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


# -- SC-VPCE-1 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "OpenTables",
        "AnyAccountTables",
        "EveryBucket",
        "SourceVpcOnly",
        "OpenInterface",
        "L1Open",
        "EscOpenJson",
        "L1NotAction",
        "EscOpen",
    ],
)
def test_endpoint_policy_open_to_everyone_is_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-VPCE-1", NON_COMPLIANT)}


def test_open_statement_is_named(ev: Checked) -> None:
    (found,) = [f for f in ev.evaluation.findings if f.construct_path == at("OpenTables/Resource")]
    assert found.property_path == "Properties.PolicyDocument.Statement[0]"
    assert "'dynamodb:*' on '*'" in found.message
    assert "dynamodb endpoint" in found.message


@pytest.mark.parametrize("name", ["ParamAction", "ParamResource", "ParamPrincipal", "IfOpen"])
def test_deploy_time_policy_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-VPCE-1", CANNOT_VERIFY)}


def test_deploy_time_document_cannot_be_verified_by_either_policy_rule(ev: Checked) -> None:
    assert mine(ev, "ParamDocument") == {("SC-VPCE-1", CANNOT_VERIFY), ("SC-VPCE-3", CANNOT_VERIFY)}


def test_restricted_resource_in_both_branches_is_compliant(ev: Checked) -> None:
    assert mine(ev, "IfBothNarrow") == set()


# -- SC-VPCE-3 ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "ReadAnyBucket",
        "WriteAnyAccount",
        "CallerOrgOnly",
        "CallerEveryAction",
        "IfExistsAccount",
        "SendAnyQueue",
        "L1NotResource",
        "EscWiden",
        "EscDropPerimeter",
    ],
)
def test_statement_outside_the_resource_perimeter_is_warned_about(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-VPCE-3", NON_COMPLIANT)}


def test_perimeter_finding_names_the_statement_and_its_actions(ev: Checked) -> None:
    (found,) = [
        f for f in ev.evaluation.findings if f.construct_path == at("SendAnyQueue/Resource")
    ]
    assert found.property_path == "Properties.PolicyDocument.Statement[0]"
    assert found.message.startswith(
        "PolicyDocument.Statement[0] allows every principal 'sqs:sendmessage' on '*' without a "
        "condition on aws:ResourceAccount or aws:ResourceOrgID: through this sqs endpoint"
    )
    assert str(found.severity) == "warning"


@pytest.mark.parametrize("name", ["ParamReadResource", "ParamResourceAccount", "IfReadAnything"])
def test_deploy_time_perimeter_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-VPCE-3", CANNOT_VERIFY)}


# -- SC-VPCE-2 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["NoPolicyGateway", "NoPolicyTables", "L1NoPolicy", "EscNoPolicy"])
def test_gateway_endpoint_without_policy_is_warned_about(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-VPCE-2", NON_COMPLIANT)}


def test_interface_endpoint_without_policy_is_not_warned_about(ev: Checked) -> None:
    assert mine(ev, "L1InterfaceNoPolicy") == set()


def test_endpoint_type_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert mine(ev, "ParamType") == {("SC-VPCE-2", CANNOT_VERIFY)}
