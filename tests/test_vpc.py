"""SecureVpc: each secure default, each destination, the weakenings, bad input, call sites."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import assertions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_s3 as s3
from syrupy.assertion import SnapshotAssertion

from aspects.errors import SecureConstructsError
from aspects.testing import check
from secure_constructs.alb_service import SecureAlbService
from secure_constructs.bucket import SecureBucket
from secure_constructs.database import SecureDatabase
from secure_constructs.function import SecureFunction
from secure_constructs.vpc import (
    WARN_VPC_DESTROY_ON_REMOVAL,
    WARN_VPC_FLOW_LOG_DELIVERY_NOT_GRANTED,
    SecureVpc,
)
from tests.conftest import normalise
from tests.test_alb_service import certificate, image

ENV = cdk.Environment(account="111111111111", region="eu-west-1")
AZS = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
PROVIDER = "Custom::VpcRestrictDefaultSGCustomResourceProvider"
CODE = lambda_.Code.from_inline("def handler(event, context):\n    return None\n")
SECRETS = ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER


class Built:
    """One app, one stack per configuration, synthesized and checked once for the module."""

    def __init__(self) -> None:
        self.app = cdk.App(
            context={"availability-zones:account=111111111111:region=eu-west-1": AZS}
        )
        self.stacks: dict[str, cdk.Stack] = {}
        self.default = SecureVpc(self._stack("Default"), "Net")
        self.full = SecureVpc(
            self._stack("Full"),
            "Net",
            max_azs=3,
            ip_addresses=ec2.IpAddresses.cidr("10.20.0.0/16"),
            nat_gateways=1,
            interface_endpoints=(SECRETS, ec2.InterfaceVpcEndpointAwsService.SSM),
            vpc_name="orders",
        )
        stack = self._stack("S3Destination")
        self.log_bucket = SecureBucket(stack, "FlowLogBucket")
        self.s3 = SecureVpc(stack, "Net", flow_log_bucket=self.log_bucket, flow_log_prefix="vpc/")
        stack = self._stack("Imported")
        self.imported = SecureVpc(
            stack,
            "Net",
            gateway_endpoints=(),
            flow_log_bucket=s3.Bucket.from_bucket_name(stack, "Shared", "shared-flow-logs"),
        )
        stack = self._stack("TwoVpcs")
        self.first = SecureVpc(stack, "First", public_subnets=True)
        self.second = SecureVpc(stack, "Second", encryption_key=self.first.encryption_key)
        self.destroy = SecureVpc(
            self._stack("Destroy"), "Net", removal_policy=cdk.RemovalPolicy.DESTROY
        )
        self._call_sites()
        self._weakened()
        self.templates = {
            name: assertions.Template.from_stack(stack) for name, stack in self.stacks.items()
        }
        self.evaluation = check(self.app)

    def _stack(self, name: str) -> cdk.Stack:
        self.stacks[name] = cdk.Stack(self.app, name, env=ENV)
        return self.stacks[name]

    def _call_sites(self) -> None:
        """The plain L2s and the Secure* constructs, each given the SecureVpc itself."""
        stack = self._stack("CallSites")
        vpc = SecureVpc(stack, "Net", nat_gateways=1, interface_endpoints=(SECRETS,))
        self.call_vpc = vpc
        self.group = ec2.SecurityGroup(stack, "Sg", vpc=vpc, allow_all_outbound=False)
        self.plain_function = lambda_.Function(
            stack,
            "PlainFunction",
            code=CODE,
            handler="index.handler",
            runtime=lambda_.Runtime.PYTHON_3_14,
            vpc=vpc,
        )
        self.cluster = rds.DatabaseCluster(
            stack,
            "PlainCluster",
            engine=rds.DatabaseClusterEngine.aurora_postgres(
                version=rds.AuroraPostgresEngineVersion.VER_16_4
            ),
            writer=rds.ClusterInstance.serverless_v2("Writer"),
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnet_group_name="Isolated"),
        )
        self.database = SecureDatabase(stack, "Db", vpc=vpc)
        self.function = SecureFunction(
            stack,
            "Worker",
            code=CODE,
            handler="index.handler",
            runtime=lambda_.Runtime.PYTHON_3_14,
            vpc=vpc,
        )
        self.database.allow_from(self.function)
        self.web = SecureAlbService(
            stack, "Web", vpc=vpc, image=image(stack), certificate=certificate(stack)
        )
        self.ssm = vpc.add_interface_endpoint("Ssm", service=ec2.InterfaceVpcEndpointAwsService.SSM)
        self.isolated = vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        self.private = vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)

    def _weakened(self) -> None:
        """Escape hatches that undo a default: each must be caught by a guardrail."""
        stack = self._stack("Weakened")
        vpc = SecureVpc(stack, "Net", interface_endpoints=(SECRETS,))
        subnet = vpc.isolated_subnets[0].node.default_child
        assert isinstance(subnet, ec2.CfnSubnet)
        subnet.add_property_override("MapPublicIpOnLaunch", True)
        s3_endpoint = vpc.gateway_endpoints["S3"].node.default_child
        assert isinstance(s3_endpoint, ec2.CfnVPCEndpoint)
        s3_endpoint.add_deletion_override("Properties.PolicyDocument")
        tables_endpoint = vpc.gateway_endpoints["DynamoDb"].node.default_child
        assert isinstance(tables_endpoint, ec2.CfnVPCEndpoint)
        tables_endpoint.add_property_override("PolicyDocument.Statement.0.Action", "dynamodb:Query")
        tables_endpoint.add_deletion_override("Properties.PolicyDocument.Statement.0.Condition")
        group = vpc.endpoint_security_group
        assert group is not None
        group.add_ingress_rule(ec2.Peer.ipv4("10.0.0.0/16"), ec2.Port.all_tcp(), "widened")
        group.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "widened")
        assert vpc.flow_log_group is not None
        log_group = vpc.flow_log_group.node.default_child
        assert isinstance(log_group, logs.CfnLogGroup)
        log_group.add_deletion_override("Properties.KmsKeyId")
        log_group.add_property_override("RetentionInDays", 30)
        stack = self._stack("NoFlowLog")
        vpc = SecureVpc(stack, "Net")
        vpc.node.try_remove_child("FlowLog")

    # -- lookups --------------------------------------------------------------------------

    def resources(self, stack: str, resource_type: str) -> dict[str, Any]:
        return self.templates[stack].find_resources(resource_type)

    def findings(self, stack: str) -> set[tuple[str, str]]:
        return {
            (f.rule.id, f.construct_path or f.logical_id)
            for f in self.evaluation.findings
            if f.stack_path == stack
        }

    def severity(self, stack: str, rule_id: str) -> set[str]:
        return {
            str(f.severity.value if hasattr(f.severity, "value") else f.severity)
            for f in self.evaluation.findings
            if f.stack_path == stack and f.rule.id == rule_id
        }

    def lid(self, construct: Any) -> str:
        cfn = construct if isinstance(construct, cdk.CfnElement) else construct.node.default_child
        return str(cdk.Stack.of(cfn).resolve(cfn.logical_id))


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def _one(resources: dict[str, Any]) -> dict[str, Any]:
    (only,) = resources.values()
    return only


def _warnings(stack: cdk.Stack) -> set[str]:
    annotations = assertions.Annotations.from_stack(stack)
    return {
        json.dumps(w.entry.data)
        for w in annotations.find_warning("*", assertions.Match.any_value())
    }


# -- the defaults ----------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["Default", "Full", "S3Destination", "TwoVpcs", "Imported"])
def test_every_configuration_passes_every_guardrail(built: Built, stack: str) -> None:
    assert built.findings(stack) == set()


def test_default_has_no_public_subnet_nat_or_internet_gateway(built: Built) -> None:
    assert built.resources("Default", "AWS::EC2::InternetGateway") == {}
    assert built.resources("Default", "AWS::EC2::NatGateway") == {}
    assert built.resources("Default", "AWS::EC2::Route") == {}
    subnets = built.resources("Default", "AWS::EC2::Subnet")
    tags = sorted(
        {t["Key"]: t["Value"] for t in s["Properties"]["Tags"]}["aws-cdk:subnet-name"]
        for s in subnets.values()
    )
    assert tags == ["Isolated", "Isolated", "Private", "Private"]
    for subnet in subnets.values():
        assert subnet["Properties"]["MapPublicIpOnLaunch"] is False
    assert built.default.public_subnets == []
    assert len(built.default.isolated_subnets) == 4


def test_flow_log_records_all_traffic_to_an_encrypted_log_group_kept_a_year(
    built: Built,
) -> None:
    flow_log = _one(built.resources("Default", "AWS::EC2::FlowLog"))["Properties"]
    assert flow_log["TrafficType"] == "ALL"
    assert flow_log["ResourceType"] == "VPC"
    assert flow_log["ResourceId"] == {"Ref": built.lid(built.default.vpc)}
    assert flow_log["LogDestinationType"] == "cloud-watch-logs"
    assert built.default.flow_log_group is not None
    group_id = built.lid(built.default.flow_log_group)
    assert flow_log["LogGroupName"] == {"Ref": group_id}
    group = built.resources("Default", "AWS::Logs::LogGroup")[group_id]
    assert group["Properties"]["RetentionInDays"] == 365
    key_id = built.lid(built.default.encryption_key)
    assert group["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert group["DeletionPolicy"] == group["UpdateReplacePolicy"] == "Retain"
    key = built.resources("Default", "AWS::KMS::Key")[key_id]
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["DeletionPolicy"] == "Retain"


def test_flow_log_role_is_for_this_accounts_flow_logs_and_writes_only_its_group(
    built: Built,
) -> None:
    role = built.default.flow_log_role
    assert role is not None
    (statement,) = built.resources("Default", "AWS::IAM::Role")[built.lid(role)]["Properties"][
        "AssumeRolePolicyDocument"
    ]["Statement"]
    assert statement["Principal"] == {"Service": "vpc-flow-logs.amazonaws.com"}
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": "111111111111"}
    assert statement["Condition"]["ArnLike"]["aws:SourceArn"] == {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, ":ec2:eu-west-1:111111111111:vpc-flow-log/*"],
        ]
    }
    policy = built.resources("Default", "AWS::IAM::ManagedPolicy")[built.lid(role.policy)]
    (grant,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert grant["Resource"] == {"Fn::GetAtt": [built.lid(built.default.flow_log_group), "Arn"]}
    assert set(grant["Action"]) == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "logs:DescribeLogStreams",
    }
    assert built.resources("Default", "AWS::IAM::Policy") == {}
    flow_log = _one(built.resources("Default", "AWS::EC2::FlowLog"))
    assert flow_log["DependsOn"] == [built.lid(role.policy)]


def test_default_security_group_is_emptied_and_the_promise_is_declared(built: Built) -> None:
    ((restrict_id, restrict),) = built.resources("Default", "Custom::VpcRestrictDefaultSG").items()
    vpc_id = built.lid(built.default.vpc)
    assert restrict["Properties"]["DefaultSecurityGroupId"] == {
        "Fn::GetAtt": [vpc_id, "DefaultSecurityGroup"]
    }
    vpc = built.resources("Default", "AWS::EC2::VPC")[vpc_id]
    assert vpc["Metadata"]["SecureConstructs::Guarantees"] == {
        "defaultSecurityGroupClosed": True,
        # Deleting the custom resource that empties the group fails SC-PIN-1.
        "companions": {
            "RestrictDefaultSecurityGroup": {
                "LogicalId": restrict_id,
                "Type": "Custom::VpcRestrictDefaultSG",
            }
        },
    }
    assert vpc["Properties"]["EnableDnsHostnames"] is True
    assert vpc["Properties"]["EnableDnsSupport"] is True


def test_cdk_default_group_handler_logs_encrypted_and_traces(built: Built) -> None:
    functions = built.resources("Default", "AWS::Lambda::Function")
    (handler,) = functions.values()
    props = handler["Properties"]
    (group_id,) = [
        lid for lid in built.resources("Default", "AWS::Logs::LogGroup") if "Provider" in lid
    ]
    assert props["LoggingConfig"] == {"LogGroup": {"Ref": group_id}}
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert "DependsOn" not in handler  # the GetAtt of the role already orders it (W3005)
    group = built.resources("Default", "AWS::Logs::LogGroup")[group_id]["Properties"]
    assert group["KmsKeyId"] == {"Fn::GetAtt": [built.lid(built.default.encryption_key), "Arn"]}
    assert group["RetentionInDays"] == 365
    (role,) = [
        r for lid, r in built.resources("Default", "AWS::IAM::Role").items() if "Provider" in lid
    ]
    statements = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    assert {
        "Effect": "Allow",
        "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
        "Resource": "*",
    } in statements


def test_the_handler_is_hardened_once_per_stack(built: Built) -> None:
    groups = built.resources("TwoVpcs", "AWS::Logs::LogGroup")
    assert len([lid for lid in groups if "Provider" in lid]) == 1
    assert len(built.resources("TwoVpcs", "Custom::VpcRestrictDefaultSG")) == 2
    assert len(built.resources("TwoVpcs", "AWS::Lambda::Function")) == 1
    role = _one(
        {k: v for k, v in built.resources("TwoVpcs", "AWS::IAM::Role").items() if "Provider" in k}
    )
    xray = [
        s
        for s in role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        if "xray:PutTraceSegments" in s["Action"]
    ]
    assert len(xray) == 1
    assert built.second.encryption_key is built.first.encryption_key
    assert len(built.resources("TwoVpcs", "AWS::KMS::Key")) == 1


def test_gateway_endpoints_reach_only_this_accounts_buckets_and_tables(built: Built) -> None:
    endpoints = built.resources("Default", "AWS::EC2::VPCEndpoint")
    assert set(built.default.gateway_endpoints) == {"S3", "DynamoDb"}
    s3_endpoint = endpoints[built.lid(built.default.gateway_endpoints["S3"])]["Properties"]
    assert s3_endpoint["VpcEndpointType"] == "Gateway"
    own, ecr = s3_endpoint["PolicyDocument"]["Statement"]
    assert own == {
        "Action": "s3:*",
        "Condition": {"StringEquals": {"aws:ResourceAccount": "111111111111"}},
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Resource": "*",
        "Sid": "OwnAccountResourcesOnly",
    }
    assert ecr["Action"] == "s3:GetObject"
    assert ecr["Resource"] == {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, ":s3:::prod-eu-west-1-starport-layer-bucket/*"],
        ]
    }
    assert built.default.dynamodb_endpoint is not None
    dynamodb = endpoints[built.lid(built.default.dynamodb_endpoint)]["Properties"]
    (statement,) = dynamodb["PolicyDocument"]["Statement"]
    assert statement["Action"] == "dynamodb:*"
    assert statement["Condition"] == {"StringEquals": {"aws:ResourceAccount": "111111111111"}}
    # Every route table of the VPC routes S3 and DynamoDB through the endpoints.
    tables = set(built.resources("Default", "AWS::EC2::RouteTable"))
    assert {t["Ref"] for t in s3_endpoint["RouteTableIds"]} == tables
    for endpoint in endpoints.values():
        assert endpoint["Metadata"]["SecureConstructs::Guarantees"] == {
            "enforce": ["SC-VPCE-2", "SC-VPCE-3"]
        }


def test_no_interface_endpoint_or_endpoint_group_unless_asked(built: Built) -> None:
    assert built.default.interface_endpoints == {}
    assert built.default.endpoint_security_group is None
    assert built.resources("Default", "AWS::EC2::SecurityGroup") == {}


def test_interface_endpoints_use_private_dns_and_the_app_tier(built: Built) -> None:
    assert set(built.full.interface_endpoints) == {"Secretsmanager", "Ssm"}
    group = built.full.endpoint_security_group
    assert group is not None
    app_tier = {
        built.lid(s) for s in built.full.select_subnets(subnet_group_name="Private").subnets
    }
    assert len(app_tier) == 3
    for endpoint in built.full.interface_endpoints.values():
        props = built.resources("Full", "AWS::EC2::VPCEndpoint")[built.lid(endpoint)]["Properties"]
        assert props["VpcEndpointType"] == "Interface"
        assert props["PrivateDnsEnabled"] is True
        assert props["SecurityGroupIds"] == [{"Fn::GetAtt": [built.lid(group), "GroupId"]}]
        assert {s["Ref"] for s in props["SubnetIds"]} == app_tier


def test_endpoint_group_admits_https_from_the_vpc_range_only_and_sends_nothing(
    built: Built,
) -> None:
    group = built.full.endpoint_security_group
    assert group is not None
    (resource,) = built.resources("Full", "AWS::EC2::SecurityGroup").values()
    props = resource["Properties"]
    assert props["SecurityGroupIngress"] == [
        {
            "CidrIp": "10.20.0.0/16",
            "Description": "HTTPS to the AWS APIs from inside the VPC",
            "FromPort": 443,
            "IpProtocol": "tcp",
            "ToPort": 443,
        }
    ]
    (egress,) = props["SecurityGroupEgress"]
    assert egress["CidrIp"] == "255.255.255.255/32"  # CDK's "no egress" placeholder
    assert resource["Metadata"]["SecureConstructs::Guarantees"] == {
        "ingress": {"ports": [443]},
        "egress": {"worldPorts": []},
    }
    assert built.resources("Full", "AWS::EC2::SecurityGroupIngress") == {}


def test_nat_gateways_add_public_subnets_without_public_ips_and_egress_for_the_app_tier(
    built: Built,
) -> None:
    assert len(built.resources("Full", "AWS::EC2::NatGateway")) == 1
    assert len(built.full.public_subnets) == 3
    assert len(built.full.private_subnets) == 3
    assert len(built.full.isolated_subnets) == 3
    for subnet in built.resources("Full", "AWS::EC2::Subnet").values():
        assert subnet["Properties"]["MapPublicIpOnLaunch"] is False
        assert subnet["Metadata"]["SecureConstructs::Guarantees"] == {"enforce": ["SC-EC2-6"]}
    vpc = _one(built.resources("Full", "AWS::EC2::VPC"))["Properties"]
    assert vpc["CidrBlock"] == "10.20.0.0/16"
    assert {"Key": "Name", "Value": "orders"} in vpc["Tags"]
    assert built.full.availability_zones == AZS


def test_public_subnets_without_nat_give_the_app_tier_no_egress(built: Built) -> None:
    assert len(built.first.public_subnets) == 2
    assert built.first.private_subnets == []
    assert built.resources("TwoVpcs", "AWS::EC2::NatGateway") == {}


def test_construct_exposes_what_it_creates(built: Built) -> None:
    vpc = built.default
    assert isinstance(vpc.vpc, ec2.Vpc)
    assert isinstance(vpc.flow_log, ec2.FlowLog)
    assert isinstance(vpc.flow_log_group, logs.LogGroup)
    assert isinstance(vpc.encryption_key, kms.Key)
    assert isinstance(vpc.s3_endpoint, ec2.GatewayVpcEndpoint)
    assert vpc.flow_log_bucket is None
    assert [c.node.id for c in vpc.node.children] == [
        "Key",
        "Vpc",
        "FlowLogs",
        "FlowLogRole",
        "FlowLog",
    ]


@pytest.mark.parametrize("stack", ["Default", "Full", "S3Destination"])
def test_template_snapshot(built: Built, stack: str, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.templates[stack].to_json()) == snapshot_json


# -- S3 destination --------------------------------------------------------------------------


def test_s3_flow_logs_go_to_the_secure_bucket_under_the_prefix(built: Built) -> None:
    flow_log = _one(built.resources("S3Destination", "AWS::EC2::FlowLog"))["Properties"]
    bucket_id = built.lid(built.log_bucket.bucket)
    assert flow_log["LogDestinationType"] == "s3"
    assert flow_log["LogDestination"] == {
        "Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, "/vpc/"]]
    }
    assert flow_log["TrafficType"] == "ALL"
    assert built.s3.flow_log_bucket is built.log_bucket.bucket
    assert built.s3.flow_log_group is None
    assert built.s3.flow_log_role is None
    groups = built.resources("S3Destination", "AWS::Logs::LogGroup")
    assert [lid for lid in groups if "Provider" not in lid] == []


def test_log_delivery_may_use_the_bucket_key_for_this_account_only(built: Built) -> None:
    key_id = built.lid(built.log_bucket.encryption_key)
    key = built.resources("S3Destination", "AWS::KMS::Key")[key_id]
    (statement,) = [
        s
        for s in key["Properties"]["KeyPolicy"]["Statement"]
        if s.get("Sid") == "AllowVpcFlowLogDeliveryOfThisAccount"
    ]
    assert statement["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert "kms:GenerateDataKey*" in statement["Action"]
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": "111111111111"}
    assert "aws:SourceArn" in statement["Condition"]["ArnLike"]


def test_log_delivery_may_write_the_bucket_for_this_account_only(built: Built) -> None:
    bucket_id = built.lid(built.log_bucket.bucket)
    (policy,) = [
        p
        for p in built.resources("S3Destination", "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket_id}
    ]
    by_sid = {s.get("Sid"): s for s in policy["Properties"]["PolicyDocument"]["Statement"]}
    write = by_sid["AWSLogDeliveryWrite"]
    assert write["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert write["Resource"] == {
        "Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, "/vpc/AWSLogs/111111111111/*"]]
    }
    assert write["Condition"]["StringEquals"] == {
        "aws:SourceAccount": "111111111111",
        "s3:x-amz-acl": "bucket-owner-full-control",
    }
    acl = by_sid["AWSLogDeliveryAclCheck"]
    assert acl["Resource"] == {"Fn::GetAtt": [bucket_id, "Arn"]}
    assert acl["Condition"]["StringEquals"] == {"aws:SourceAccount": "111111111111"}


def test_imported_bucket_warns_that_delivery_must_be_granted_by_its_owner(built: Built) -> None:
    assert any(
        WARN_VPC_FLOW_LOG_DELIVERY_NOT_GRANTED in w for w in _warnings(built.stacks["Imported"])
    )
    assert not any(
        WARN_VPC_FLOW_LOG_DELIVERY_NOT_GRANTED in w
        for w in _warnings(built.stacks["S3Destination"])
    )
    assert built.imported.gateway_endpoints == {}
    assert built.resources("Imported", "AWS::EC2::VPCEndpoint") == {}


# -- weakening is explicit, warned about, and still reported -----------------------------------


def test_destroy_policy_warns_and_the_guardrails_flag_key_and_log_groups(built: Built) -> None:
    assert any(WARN_VPC_DESTROY_ON_REMOVAL in w for w in _warnings(built.stacks["Destroy"]))
    assert not any(WARN_VPC_DESTROY_ON_REMOVAL in w for w in _warnings(built.stacks["Default"]))
    assert built.findings("Destroy") == {
        ("SC-KMS-3", "Destroy/Net/Key/Resource"),
        ("SC-LOGS-3", "Destroy/Net/FlowLogs/Resource"),
        ("SC-LOGS-3", f"Destroy/{PROVIDER}/LogGroup/Resource"),
    }
    for group in built.resources("Destroy", "AWS::Logs::LogGroup").values():
        assert group["DeletionPolicy"] == "Delete"


def test_escape_hatches_that_undo_a_default_are_errors(built: Built) -> None:
    assert built.findings("Weakened") == {
        ("SC-EC2-6", "Weakened/Net/Vpc/PrivateSubnet1/Subnet"),
        ("SC-VPCE-2", "Weakened/Net/Vpc/S3/Resource"),
        ("SC-VPCE-3", "Weakened/Net/Vpc/DynamoDb/Resource"),
        ("SC-NET-3", "Weakened/Net/EndpointSecurityGroup/Resource"),
        ("SC-NET-1", "Weakened/Net/EndpointSecurityGroup/Resource"),
        ("SC-LOGS-1", "Weakened/Net/FlowLogs/Resource"),
        ("SC-LOGS-2", "Weakened/Net/FlowLogs/Resource"),
    }
    # Warning rules the construct enforces are errors on its resources.
    assert built.severity("Weakened", "SC-EC2-6") == {"error"}
    assert built.severity("Weakened", "SC-VPCE-2") == {"error"}
    assert built.severity("Weakened", "SC-VPCE-3") == {"error"}


def test_removing_the_flow_log_is_an_error(built: Built) -> None:
    assert built.findings("NoFlowLog") == {("SC-EC2-2", "NoFlowLog/Net/Vpc/Resource")}


# -- the construct where a VPC is expected ---------------------------------------------------


def test_a_secure_vpc_is_an_ivpc_and_forwards_the_vpc_api(built: Built) -> None:
    vpc = built.call_vpc
    assert vpc.vpc_id == vpc.vpc.vpc_id
    assert vpc.vpc_cidr_block == vpc.vpc.vpc_cidr_block
    assert vpc.availability_zones == vpc.vpc.availability_zones
    assert [s.subnet_id for s in vpc.public_subnets] == [
        s.subnet_id for s in vpc.vpc.public_subnets
    ]
    assert vpc.node is not vpc.vpc.node
    # Not in the interface: found on the L2 by DropIn.
    assert vpc.vpc_default_security_group == vpc.vpc.vpc_default_security_group


def test_security_group_lambda_and_cluster_accept_the_construct(built: Built) -> None:
    vpc_ref = {"Ref": built.lid(built.call_vpc.vpc)}
    group = built.resources("CallSites", "AWS::EC2::SecurityGroup")[built.lid(built.group)]
    assert group["Properties"]["VpcId"] == vpc_ref
    function = built.resources("CallSites", "AWS::Lambda::Function")[
        built.lid(built.plain_function)
    ]
    private = [{"Ref": built.lid(s)} for s in built.call_vpc.private_subnets]
    assert function["Properties"]["VpcConfig"]["SubnetIds"] == private
    (subnet_group,) = [
        g
        for lid, g in built.resources("CallSites", "AWS::RDS::DBSubnetGroup").items()
        if "PlainCluster" in lid
    ]
    data_tier = built.call_vpc.select_subnets(subnet_group_name="Isolated").subnets
    assert sorted(s["Ref"] for s in subnet_group["Properties"]["SubnetIds"]) == sorted(
        built.lid(s) for s in data_tier
    )


def test_secure_constructs_accept_the_construct_and_pass_the_guardrails(built: Built) -> None:
    ours = {
        (rule, path)
        for rule, path in built.findings("CallSites")
        if not path.startswith(("CallSites/PlainFunction", "CallSites/PlainCluster"))
    }
    assert ours == set()
    # The plain L2s are judged like any other (so the check did run on this stack).
    assert ("SC-LAMBDA-7", "CallSites/PlainFunction/Resource") in built.findings("CallSites")
    database = built.database.cluster
    assert database is not None
    (subnet_group,) = [
        g
        for lid, g in built.resources("CallSites", "AWS::RDS::DBSubnetGroup").items()
        if lid.startswith("Db")
    ]
    assert sorted(s["Ref"] for s in subnet_group["Properties"]["SubnetIds"]) == sorted(
        built.lid(s) for s in built.isolated.subnets
    )
    load_balancer = built.resources("CallSites", "AWS::ElasticLoadBalancingV2::LoadBalancer")[
        built.lid(built.web.load_balancer)
    ]
    assert sorted(s["Ref"] for s in load_balancer["Properties"]["Subnets"]) == sorted(
        built.lid(s) for s in built.call_vpc.public_subnets
    )
    worker = built.resources("CallSites", "AWS::Lambda::Function")[
        built.lid(built.function.function)
    ]
    assert worker["Properties"]["VpcConfig"]["SubnetIds"] == [
        {"Ref": built.lid(s)} for s in built.private.subnets
    ]


def test_select_subnets_and_add_interface_endpoint_on_the_construct(built: Built) -> None:
    assert {s.subnet_id for s in built.isolated.subnets} == {
        s.subnet_id for s in built.call_vpc.isolated_subnets
    }
    assert len(built.private.subnets) == 2
    assert isinstance(built.ssm, ec2.InterfaceVpcEndpoint)
    assert built.call_vpc.interface_endpoints["Ssm"] is built.ssm
    props = built.resources("CallSites", "AWS::EC2::VPCEndpoint")[built.lid(built.ssm)][
        "Properties"
    ]
    group = built.call_vpc.endpoint_security_group
    assert group is not None
    assert props["PrivateDnsEnabled"] is True
    assert props["SecurityGroupIds"] == [{"Fn::GetAtt": [built.lid(group), "GroupId"]}]


# -- bad input: one clear Python error naming the property and the fix ------------------------


def _build(**kwargs: Any) -> None:
    SecureVpc(cdk.Stack(cdk.App(), "S"), "Net", **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"max_azs": "2"}, r"SC-VPC-1\] max_azs: '2'"),
        ({"max_azs": 0}, r"SC-VPC-2\] max_azs: 0 is outside"),
        ({"max_azs": 7}, r"SC-VPC-2\] max_azs"),
        ({"nat_gateways": 3}, r"SC-VPC-3\] nat_gateways: 3 NAT gateways for 2"),
        ({"nat_gateways": -1}, r"SC-VPC-3\] nat_gateways"),
        ({"public_subnets": 1}, r"SC-VPC-1\] public_subnets: 1"),
        ({"gateway_endpoints": ["s3"]}, r"SC-VPC-1\] gateway_endpoints"),
        ({"interface_endpoints": [SECRETS, SECRETS]}, r"SC-VPC-7\] interface_endpoints"),
        ({"interface_endpoints": "secretsmanager"}, r"SC-VPC-1\] interface_endpoints"),
        ({"flow_log_bucket": "my-bucket"}, r"SC-VPC-1\] flow_log_bucket: 'my-bucket'"),
        ({"flow_log_prefix": "vpc/"}, r"SC-VPC-5\] flow_log_prefix.*needs flow_log_bucket"),
        (
            {"flow_log_retention": logs.RetentionDays.THREE_MONTHS},
            r"SC-LOGS-RETENTION\] flow_log_retention: RetentionDays.THREE_MONTHS",
        ),
        ({"flow_log_retention": logs.RetentionDays.INFINITE}, r"SC-VPC-4\] flow_log_retention"),
        ({"encryption_key": "alias/logs"}, r"SC-VPC-1\] encryption_key"),
        ({"removal_policy": cdk.RemovalPolicy.SNAPSHOT}, r"SC-VPC-8\] removal_policy"),
        ({"ip_addresses": "10.0.0.0/16"}, r"SC-VPC-1\] ip_addresses"),
    ],
)
def test_bad_input_is_rejected_naming_the_property(kwargs: dict[str, Any], pattern: str) -> None:
    with pytest.raises(SecureConstructsError, match=pattern):
        _build(**kwargs)


def test_bucket_options_are_checked_against_the_destination() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    bucket = s3.Bucket.from_bucket_name(stack, "B", "flow-logs")
    with pytest.raises(SecureConstructsError) as raised:
        SecureVpc(
            stack,
            "Net",
            flow_log_bucket=bucket,
            flow_log_prefix="/vpc",
            flow_log_retention=logs.RetentionDays.TWO_YEARS,
        )
    assert raised.value.codes == ("SC-VPC-5", "SC-VPC-6")


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(SecureConstructsError) as raised:
        _build(max_azs=9, public_subnets="yes", removal_policy=cdk.RemovalPolicy.SNAPSHOT)
    assert raised.value.codes == ("SC-VPC-1", "SC-VPC-2", "SC-VPC-8")
    assert "S/Net" in str(raised.value)
