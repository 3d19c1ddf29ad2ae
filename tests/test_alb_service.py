"""SecureAlbService: each secure default, each weakening, each bad input, and snapshots.

One app for the module, one stack per configuration, synthesized and checked once:

* ``Default``: a certificate by ARN, everything else default.
* ``OwnWebAcl``: a WebACL of the app (compliant, logged) brought by the user.
* ``EndToEnd``: HTTPS to the containers, a domain (created certificate and alias record).
* ``Debug``: ECS Exec, environment and secrets, scratch volumes, tuned WAF and alarms.
* ``Variants``: an internal load balancer, a WebACL by ARN, a shared log bucket, no alarms.
* ``Weakened``: every weakening keyword at once.

The VPC (public and private subnets, flow logs to an encrypted log group) belongs to the
tests, not to the construct.
"""

from __future__ import annotations

import itertools
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_ssm as ssm
from aws_cdk import aws_wafv2 as wafv2
from aws_cdk import cx_api
from constructs import IConstruct
from syrupy.assertion import SnapshotAssertion

from aspects.assembly import load_assembly
from aspects.errors import SecureConstructsError
from aspects.rules.elbv2 import TLS12_POLICY_PREFIXES
from aspects.testing import check
from secure_constructs._defaults.iam import ManagedPolicyRole
from secure_constructs._defaults.kms import customer_managed_key
from secure_constructs._defaults.logs import encrypted_log_group
from secure_constructs.alb_service import (
    _EXTERNAL_WEB_ACL_REASON,
    WARN_ALB_DELETION_PROTECTION_DISABLED,
    WARN_ALB_DESTROY_ON_REMOVAL,
    WARN_ALB_EXECUTE_COMMAND,
    WARN_ALB_IMAGE_USER,
    WARN_ALB_WITHOUT_WAF,
    WARN_ALB_WRITABLE_ROOT_FILESYSTEM,
    AlarmOptions,
    DomainOptions,
    SecureAlbService,
    WafOptions,
)
from secure_constructs.topic import SecureTopic
from tests.conftest import normalise
from tests.rules.test_elbv2 import PUBLISHED_POLICIES

ENV = cdk.Environment(account="111111111111", region="eu-west-1")
CERT_ARN = "arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000"
SHARED_ACL_ARN = (
    "arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/shared/"
    "00000000-0000-0000-0000-000000000000"
)
DOMAIN = DomainOptions(
    domain_name="app.example.com", hosted_zone_id="Z0123456789ABCDEFGHIJ", zone_name="example.com"
)
BASELINE_GROUPS = {
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
}
ALL_WARNINGS = {
    WARN_ALB_WITHOUT_WAF,
    WARN_ALB_WRITABLE_ROOT_FILESYSTEM,
    WARN_ALB_IMAGE_USER,
    WARN_ALB_EXECUTE_COMMAND,
    WARN_ALB_DELETION_PROTECTION_DISABLED,
    WARN_ALB_DESTROY_ON_REMOVAL,
}


def network(stack: cdk.Stack) -> ec2.Vpc:
    """The test's VPC: public and private subnets, flow logs to an encrypted log group."""
    key = customer_managed_key(stack, "FlowLogKey", description="Encrypts the VPC flow logs")
    group = encrypted_log_group(stack, "FlowLogs", encryption_key=key)
    role = ManagedPolicyRole(
        stack,
        "FlowLogRole",
        assumed_by=iam.ServicePrincipal("vpc-flow-logs.amazonaws.com"),
        description="Writes the VPC flow logs",
    )
    return ec2.Vpc(
        stack,
        "Vpc",
        max_azs=2,
        nat_gateways=1,
        # Explicit, whatever the flags: closing the default group takes a CDK custom-resource
        # Lambda, which is not what these tests are about.
        restrict_default_security_group=False,
        subnet_configuration=[
            # Only the load balancer and the NAT gateway live there: nothing needs an
            # automatic public IP (guardrail SC-EC2-6).
            ec2.SubnetConfiguration(
                name="Public", subnet_type=ec2.SubnetType.PUBLIC, map_public_ip_on_launch=False
            ),
            ec2.SubnetConfiguration(name="Private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
        ],
        flow_logs={
            "All": ec2.FlowLogOptions(
                destination=ec2.FlowLogDestination.to_cloud_watch_logs(group, role)
            )
        },
    )


def image(stack: cdk.Stack) -> ecs.ContainerImage:
    repository = ecr.Repository.from_repository_name(stack, "Repository", "web")
    return ecs.ContainerImage.from_ecr_repository(repository, "1.4.2")


def certificate(stack: cdk.Stack) -> acm.ICertificate:
    return acm.Certificate.from_certificate_arn(stack, "Certificate", CERT_ARN)


def own_web_acl(stack: cdk.Stack) -> wafv2.CfnWebACL:
    """A compliant WebACL the user defines (raw L1), logged to its own aws-waf-logs- group."""

    def visibility(name: str) -> dict[str, Any]:
        return {
            "cloudWatchMetricsEnabled": True,
            "metricName": name,
            "sampledRequestsEnabled": True,
        }

    def managed(name: str, priority: int) -> dict[str, Any]:
        return {
            "name": name,
            "priority": priority,
            "overrideAction": {"none": {}},
            "statement": {"managedRuleGroupStatement": {"vendorName": "AWS", "name": name}},
            "visibilityConfig": visibility(name),
        }

    acl = wafv2.CfnWebACL(
        stack,
        "OwnAcl",
        scope="REGIONAL",
        default_action={"allow": {}},
        visibility_config=visibility("own-acl"),
        rules=[
            managed("AWSManagedRulesCommonRuleSet", 0),
            managed("AWSManagedRulesKnownBadInputsRuleSet", 1),
            managed("AWSManagedRulesAmazonIpReputationList", 3),
            managed("AWSManagedRulesSQLiRuleSet", 4),
            {
                "name": "Flood",
                "priority": 2,
                "action": {"block": {}},
                "statement": {"rateBasedStatement": {"limit": 500, "aggregateKeyType": "IP"}},
                "visibilityConfig": visibility("Flood"),
            },
        ],
    )
    key = customer_managed_key(stack, "OwnAclKey", description="Encrypts the WAF logs")
    group = encrypted_log_group(
        stack, "OwnAclLogs", encryption_key=key, log_group_name="aws-waf-logs-own-acl"
    )
    wafv2.CfnLoggingConfiguration(
        stack,
        "OwnAclLogging",
        resource_arn=acl.attr_arn,
        redacted_fields=[
            wafv2.CfnLoggingConfiguration.FieldToMatchProperty(
                single_header={"Name": "authorization"}
            ),
            wafv2.CfnLoggingConfiguration.FieldToMatchProperty(single_header={"Name": "cookie"}),
        ],
        log_destination_configs=[
            stack.format_arn(
                service="logs",
                resource="log-group",
                resource_name=group.log_group_name,
                arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
            )
        ],
    )
    return acl


class Built:
    """One app, one stack per configuration, synthesized and checked once for the module."""

    def __init__(self) -> None:
        self.app = cdk.App()
        self.stacks: dict[str, cdk.Stack] = {}

        stack = self._stack("Default")
        self.web = SecureAlbService(
            stack, "Web", vpc=network(stack), image=image(stack), certificate=certificate(stack)
        )

        stack = self._stack("OwnWebAcl")
        self.own_acl = own_web_acl(stack)
        self.own = SecureAlbService(
            stack,
            "Web",
            vpc=network(stack),
            image=image(stack),
            certificate=certificate(stack),
            web_acl=self.own_acl,
        )

        stack = self._stack("EndToEnd")
        self.end_to_end = SecureAlbService(
            stack, "Web", vpc=network(stack), image=image(stack), domain=DOMAIN, end_to_end_tls=True
        )

        stack = self._stack("Debug")
        self.api_secret = secretsmanager.Secret(
            stack, "ApiToken", encryption_key=kms.Key(stack, "SecretKey", enable_key_rotation=True)
        )
        self.debug = SecureAlbService(
            stack,
            "Web",
            vpc=network(stack),
            image=image(stack),
            certificate=certificate(stack),
            enable_execute_command=True,
            environment={"LOG_LEVEL": "info", "API_TOKEN_SECRET_ARN": self.api_secret.secret_arn},
            secrets={"API_TOKEN": ecs.Secret.from_secrets_manager(self.api_secret)},
            scratch_paths=("/run/app", "/var/cache/app"),
            waf=WafOptions(
                rate_limit=300,
                rate_window_seconds=60,
                additional_managed_rule_groups=("AWSManagedRulesLinuxRuleSet",),
                count_only_rules={"AWSManagedRulesCommonRuleSet": ("SizeRestrictions_BODY",)},
                additional_rules=(
                    wafv2.CfnWebACL.RuleProperty(
                        name="BlockAdminPaths",
                        priority=5,
                        action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                        statement=wafv2.CfnWebACL.StatementProperty(
                            byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
                                field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
                                positional_constraint="STARTS_WITH",
                                search_string="/admin",
                                text_transformations=[
                                    wafv2.CfnWebACL.TextTransformationProperty(
                                        priority=0, type="LOWERCASE"
                                    )
                                ],
                            )
                        ),
                        visibility_config=wafv2.CfnWebACL.VisibilityConfigProperty(
                            cloud_watch_metrics_enabled=True,
                            metric_name="BlockAdminPaths",
                            sampled_requests_enabled=True,
                        ),
                    ),
                ),
            ),
            alarms=AlarmOptions(
                server_error_rate_percent=1.5,
                minimum_requests=100,
                waf_blocked_requests=50,
                notify_on_recovery=False,
            ),
            desired_count=3,
            cpu=1024,
            memory_limit_mib=2048,
            architecture=ecs.CpuArchitecture.ARM64,
        )

        stack = self._stack("Variants")
        vpc = network(stack)
        self.shared_logs = s3.Bucket(
            stack,
            "SharedAlbLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            versioned=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=cdk.RemovalPolicy.RETAIN,
            server_access_logs_bucket=s3.Bucket.from_bucket_name(stack, "Audit", "audit-logs"),
        )
        # A SecureTopic is a drop-in sns.ITopic whose key lets CloudWatch alarms publish
        # (a plain topic's key does not: SC-WIRE-1).
        self.shared_topic = SecureTopic(stack, "OnCall")
        self.internal = SecureAlbService(
            stack,
            "Internal",
            vpc=vpc,
            image=image(stack),
            certificate=certificate(stack),
            internet_facing=False,
            access_log_bucket=self.shared_logs,
            access_log_prefix="internal",
            alarm_topic=self.shared_topic,
        )
        # The service is IGrantable (its task role) and IConnectable (its tasks' group).
        self.shared_logs.grant_read(self.internal, "internal/*")
        self.cache = ec2.SecurityGroup(
            stack, "Cache", vpc=vpc, description="A cache", allow_all_outbound=False
        )
        self.cache.connections.allow_from(self.internal, ec2.Port.tcp(6379), "Internal to cache")
        self.by_arn = SecureAlbService(
            stack,
            "ByArn",
            vpc=vpc,
            image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx-unprivileged:1.27"),
            certificate=acm.Certificate.from_certificate_arn(stack, "ByArnCertificate", CERT_ARN),
            web_acl=SHARED_ACL_ARN,
            allowed_clients=[ec2.Peer.ipv4("203.0.113.0/24")],
            access_log_bucket=self.shared_logs,
            access_log_prefix="by-arn",
            alarms=None,
        )

        stack = self._stack("Weakened")
        self.weakened = SecureAlbService(
            stack,
            "Web",
            vpc=network(stack),
            image=image(stack),
            certificate=certificate(stack),
            waf=None,
            allow_without_waf=True,
            read_only_root_filesystem=False,
            user=None,
            enable_execute_command=True,
            deletion_protection=False,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )

        self.evaluation = check(self.app)
        assembly = self.app.synth()
        self.templates = {s.stack_path: dict(s.template) for s in load_assembly(self.app.outdir)}
        self.warnings = {
            name: {
                str(message.entry.data)
                for message in assembly.get_stack_by_name(name).messages
                if message.level == cx_api.SynthesisMessageLevel.WARNING
            }
            for name in self.stacks
        }

    def _stack(self, name: str) -> cdk.Stack:
        self.stacks[name] = cdk.Stack(self.app, name, env=ENV)
        return self.stacks[name]

    # -- reading the templates -------------------------------------------------------------

    def template(self, stack: str) -> dict[str, Any]:
        return self.templates[stack]

    def resource(self, construct: IConstruct) -> dict[str, Any]:
        """The synthesized resource of an L1, or of an L2's default child."""
        cfn = construct if isinstance(construct, cdk.CfnElement) else construct.node.default_child
        assert isinstance(cfn, cdk.CfnElement)
        stack = cdk.Stack.of(cfn)
        return dict(self.templates[stack.stack_name]["Resources"][self.lid(cfn)])

    def props(self, construct: IConstruct) -> dict[str, Any]:
        return dict(self.resource(construct).get("Properties", {}))

    @staticmethod
    def lid(construct: IConstruct) -> str:
        cfn = construct if isinstance(construct, cdk.CfnElement) else construct.node.default_child
        assert isinstance(cfn, cdk.CfnElement)
        return str(cdk.Stack.of(cfn).resolve(cfn.logical_id))

    def of_type(self, stack: str, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            lid: r
            for lid, r in self.templates[stack]["Resources"].items()
            if r["Type"] == resource_type
        }

    def findings(self, stack: str) -> set[tuple[str, str]]:
        return {
            (f.rule.id, f.construct_path or f.logical_id)
            for f in self.evaluation.findings
            if f.stack_path == stack
        }

    def warning_ids(self, stack: str) -> set[str]:
        return {w for w in ALL_WARNINGS if any(w in text for text in self.warnings[stack])}


@pytest.fixture(scope="module")
def built() -> Built:
    return Built()


def _attributes(built: Built, service: SecureAlbService) -> dict[str, Any]:
    return {
        a["Key"]: a["Value"] for a in built.props(service.load_balancer)["LoadBalancerAttributes"]
    }


def _container(built: Built, service: SecureAlbService) -> dict[str, Any]:
    (container,) = built.props(service.task_definition)["ContainerDefinitions"]
    return dict(container)


def _rules(built: Built, acl: wafv2.CfnWebACL) -> dict[str, dict[str, Any]]:
    return {rule["Name"]: rule for rule in built.props(acl)["Rules"]}


# -- the guardrails --------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["Default", "OwnWebAcl", "EndToEnd", "Debug", "Variants"])
def test_every_configuration_passes_every_guardrail(built: Built, stack: str) -> None:
    unacknowledged = {
        (f.rule.id, f.construct_path)
        for f in built.evaluation.findings
        if f.stack_path == stack and not f.acknowledged
    }
    assert unacknowledged == set()
    acknowledged = {
        (f.rule.id, f.construct_path, f.acknowledged_reason)
        for f in built.evaluation.findings
        if f.stack_path == stack and f.acknowledged
    }
    # A WebACL given by ARN cannot be read here: the only accepted finding, with its reason.
    expected = (
        {("SC-ELB-3", "Variants/ByArn/LoadBalancer/Resource", _EXTERNAL_WEB_ACL_REASON)}
        if stack == "Variants"
        else set()
    )
    assert acknowledged == expected


def test_weakened_service_is_still_flagged_by_the_guardrails(built: Built) -> None:
    assert built.findings("Weakened") == {
        ("SC-ELB-3", "Weakened/Web/LoadBalancer/Resource"),
        ("SC-ECS-6", "Weakened/Web/TaskDefinition/Resource"),
        ("SC-ECS-7", "Weakened/Web/TaskDefinition/Resource"),
        ("SC-KMS-3", "Weakened/Web/Key/Resource"),
        ("SC-S3-3", "Weakened/Web/AccessLogs/Resource"),
        ("SC-LOGS-3", "Weakened/Web/ContainerLogs/Resource"),
        ("SC-LOGS-3", "Weakened/Web/ExecuteCommandLogs/Resource"),
    }


def test_each_weakening_keyword_emits_its_warning(built: Built) -> None:
    assert built.warning_ids("Weakened") == ALL_WARNINGS


@pytest.mark.parametrize("stack", ["Default", "OwnWebAcl", "EndToEnd", "Variants"])
def test_secure_configurations_emit_no_warning(built: Built, stack: str) -> None:
    assert built.warning_ids(stack) == set()


def test_execute_command_alone_only_warns_about_itself(built: Built) -> None:
    assert built.warning_ids("Debug") == {WARN_ALB_EXECUTE_COMMAND}


# -- in transit ------------------------------------------------------------------------------


def test_https_listener_uses_the_certificate_and_the_post_quantum_tls13_policy(
    built: Built,
) -> None:
    listener = built.props(built.web.listener)
    assert listener["Protocol"] == "HTTPS"
    assert listener["Port"] == 443
    assert listener["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09"
    assert listener["Certificates"] == [{"CertificateArn": CERT_ARN}]
    assert listener["DefaultActions"] == [
        {"TargetGroupArn": {"Ref": built.lid(built.web.target_group)}, "Type": "forward"}
    ]


def test_port_80_only_redirects_permanently_to_https(built: Built) -> None:
    redirect = built.props(built.web.redirect_listener)
    assert (redirect["Protocol"], redirect["Port"]) == ("HTTP", 80)
    assert redirect["DefaultActions"] == [
        {
            "Type": "redirect",
            "RedirectConfig": {"Port": "443", "Protocol": "HTTPS", "StatusCode": "HTTP_301"},
        }
    ]


def test_load_balancer_has_exactly_the_two_listeners(built: Built) -> None:
    listeners = built.of_type("Default", "AWS::ElasticLoadBalancingV2::Listener")
    assert set(listeners) == {built.lid(built.web.listener), built.lid(built.web.redirect_listener)}


def test_targets_are_reached_over_http_inside_the_vpc_by_default(built: Built) -> None:
    group = built.props(built.web.target_group)
    assert (group["Protocol"], group["HealthCheckProtocol"]) == ("HTTP", "HTTP")
    assert (group["Port"], group["TargetType"], group["HealthCheckPath"]) == (8080, "ip", "/")


def test_end_to_end_tls_makes_targets_and_health_checks_use_https(built: Built) -> None:
    group = built.props(built.end_to_end.target_group)
    assert (group["Protocol"], group["HealthCheckProtocol"]) == ("HTTPS", "HTTPS")


def test_domain_creates_a_dns_validated_certificate_and_an_alias_record(built: Built) -> None:
    created = built.end_to_end.certificate
    assert isinstance(created, acm.Certificate)
    certificate = built.props(created)
    assert certificate["DomainName"] == "app.example.com"
    assert certificate["ValidationMethod"] == "DNS"
    assert certificate["DomainValidationOptions"] == [
        {"DomainName": "app.example.com", "HostedZoneId": "Z0123456789ABCDEFGHIJ"}
    ]
    listener = built.props(built.end_to_end.listener)
    assert listener["Certificates"] == [{"CertificateArn": {"Ref": built.lid(created)}}]
    assert built.end_to_end.alias_record is not None
    record = built.props(built.end_to_end.alias_record)
    assert (record["Name"], record["Type"], record["HostedZoneId"]) == (
        "app.example.com.",
        "A",
        "Z0123456789ABCDEFGHIJ",
    )
    assert record["AliasTarget"]["HostedZoneId"] == {
        "Fn::GetAtt": [built.lid(built.end_to_end.load_balancer), "CanonicalHostedZoneID"]
    }
    assert built.end_to_end.url == "https://app.example.com"


def test_without_a_domain_the_url_is_the_load_balancer_https_address(built: Built) -> None:
    resolved = cdk.Stack.of(built.web).resolve(built.web.url)
    assert resolved == {
        "Fn::Join": [
            "",
            ["https://", {"Fn::GetAtt": [built.lid(built.web.load_balancer), "DNSName"]}],
        ]
    }
    assert built.web.alias_record is None
    assert built.web.hosted_zone is None


# -- prevention: load balancer, security groups, WAF ------------------------------------------


def test_load_balancer_drops_bad_headers_mitigates_desync_and_is_deletion_protected(
    built: Built,
) -> None:
    attributes = _attributes(built, built.web)
    assert {
        key: attributes[key]
        for key in (
            "routing.http.drop_invalid_header_fields.enabled",
            "routing.http.desync_mitigation_mode",
            "deletion_protection.enabled",
            "waf.fail_open.enabled",
        )
    } == {
        "routing.http.drop_invalid_header_fields.enabled": "true",
        "routing.http.desync_mitigation_mode": "strictest",
        "deletion_protection.enabled": "true",
        "waf.fail_open.enabled": "false",
    }
    load_balancer = built.props(built.web.load_balancer)
    assert load_balancer["Scheme"] == "internet-facing"
    assert load_balancer["SecurityGroups"] == [
        {"Fn::GetAtt": [built.lid(built.web.load_balancer_security_group), "GroupId"]}
    ]


def test_load_balancer_sits_in_the_public_subnets(built: Built) -> None:
    vpc = built.web.load_balancer.vpc
    assert vpc is not None
    public = {built.lid(subnet) for subnet in vpc.public_subnets}
    subnets = built.props(built.web.load_balancer)["Subnets"]
    assert {s["Ref"] for s in subnets} == public


def test_load_balancer_group_admits_only_443_and_80_and_reaches_only_the_tasks(
    built: Built,
) -> None:
    group = built.props(built.web.load_balancer_security_group)
    assert {
        (r["CidrIp"], r["IpProtocol"], r["FromPort"], r["ToPort"])
        for r in group["SecurityGroupIngress"]
    } == {("0.0.0.0/0", "tcp", 443, 443), ("0.0.0.0/0", "tcp", 80, 80)}
    assert all(r["Description"] for r in group["SecurityGroupIngress"])
    egress = built.of_type("Default", "AWS::EC2::SecurityGroupEgress")
    alb, tasks = (
        built.lid(built.web.load_balancer_security_group),
        built.lid(built.web.service_security_group),
    )
    assert [
        (
            e["Properties"]["GroupId"],
            e["Properties"]["DestinationSecurityGroupId"],
            e["Properties"]["FromPort"],
        )
        for e in egress.values()
    ] == [({"Fn::GetAtt": [alb, "GroupId"]}, {"Fn::GetAtt": [tasks, "GroupId"]}, 8080)]
    # No inline egress: the standalone rule above is the group's only one (CloudFormation
    # drops EC2's implicit allow-all rule once a group has an explicit egress rule).
    assert "SecurityGroupEgress" not in group


def test_tasks_admit_only_the_load_balancer_on_the_container_port(built: Built) -> None:
    tasks = built.props(built.web.service_security_group)
    assert "SecurityGroupIngress" not in tasks
    ingress = built.of_type("Default", "AWS::EC2::SecurityGroupIngress")
    assert [
        (
            i["Properties"]["GroupId"],
            i["Properties"]["SourceSecurityGroupId"],
            i["Properties"]["FromPort"],
            i["Properties"]["ToPort"],
        )
        for i in ingress.values()
    ] == [
        (
            {"Fn::GetAtt": [built.lid(built.web.service_security_group), "GroupId"]},
            {"Fn::GetAtt": [built.lid(built.web.load_balancer_security_group), "GroupId"]},
            8080,
            8080,
        )
    ]
    assert [(e["CidrIp"], e["FromPort"]) for e in tasks["SecurityGroupEgress"]] == [
        ("0.0.0.0/0", 443)
    ]
    assert built.web.security_groups == (
        built.web.load_balancer_security_group,
        built.web.service_security_group,
    )


def test_internal_load_balancer_admits_only_the_vpc_range_from_private_subnets(
    built: Built,
) -> None:
    service = built.internal
    assert built.props(service.load_balancer)["Scheme"] == "internal"
    ingress = built.props(service.load_balancer_security_group)["SecurityGroupIngress"]
    # The VPC's range as a literal (not Fn::GetAtt), so every scanner can evaluate it.
    assert {(r["CidrIp"], r["FromPort"]) for r in ingress} == {
        ("10.0.0.0/16", 443),
        ("10.0.0.0/16", 80),
    }
    vpc = service.load_balancer.vpc
    assert vpc is not None
    private = {built.lid(s) for s in vpc.private_subnets}
    assert {s["Ref"] for s in built.props(service.load_balancer)["Subnets"]} == private


def test_allowed_clients_replace_the_internet(built: Built) -> None:
    ingress = built.props(built.by_arn.load_balancer_security_group)["SecurityGroupIngress"]
    assert {(r["CidrIp"], r["FromPort"], r["Description"]) for r in ingress} == {
        ("203.0.113.0/24", 443, "HTTPS from the allowed clients"),
        (
            "203.0.113.0/24",
            80,
            "HTTP from the allowed clients, answered only with a redirect to HTTPS",
        ),
    }
    assert built.props(built.by_arn.load_balancer)["Scheme"] == "internet-facing"
    metadata = built.resource(built.by_arn.load_balancer_security_group)["Metadata"]
    assert set(metadata) == {"SecureConstructs::Guarantees"}  # no scanner skip for 0.0.0.0/0


def test_created_web_acl_enforces_the_managed_groups_and_a_rate_limit_with_metrics(
    built: Built,
) -> None:
    assert built.web.web_acl is not None
    acl = built.props(built.web.web_acl)
    assert acl["Scope"] == "REGIONAL"
    assert acl["DefaultAction"] == {"Allow": {}}
    assert acl["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True
    rules = _rules(built, built.web.web_acl)
    managed = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"]: r
        for r in rules.values()
        if "ManagedRuleGroupStatement" in r["Statement"]
    }
    assert set(managed) == BASELINE_GROUPS
    for rule in managed.values():
        assert rule["OverrideAction"] == {"None": {}}
        assert rule["Statement"]["ManagedRuleGroupStatement"]["VendorName"] == "AWS"
        assert "RuleActionOverrides" not in rule["Statement"]["ManagedRuleGroupStatement"]
    rate = rules["RateLimitPerClientIp"]
    assert rate["Action"] == {"Block": {}}
    assert rate["Statement"]["RateBasedStatement"] == {
        "AggregateKeyType": "IP",
        "EvaluationWindowSec": 300,
        "Limit": 2000,
    }
    assert set(rules) == {f"AWS-{g}" for g in BASELINE_GROUPS} | {"RateLimitPerClientIp"}
    for rule in rules.values():
        assert rule["VisibilityConfig"]["CloudWatchMetricsEnabled"] is True
        assert rule["VisibilityConfig"]["SampledRequestsEnabled"] is True
    # IP reputation first, the rate limit before the costlier inspections.
    order = sorted(rules.values(), key=lambda r: r["Priority"])
    assert [r["Name"] for r in order[:2]] == [
        "AWS-AWSManagedRulesAmazonIpReputationList",
        "RateLimitPerClientIp",
    ]


def test_created_web_acl_is_attached_to_the_load_balancer(built: Built) -> None:
    assert built.web.web_acl is not None
    (association,) = built.of_type("Default", "AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"] == {
        "ResourceArn": {"Ref": built.lid(built.web.load_balancer)},
        "WebACLArn": {"Fn::GetAtt": [built.lid(built.web.web_acl), "Arn"]},
    }


def test_waf_options_add_groups_count_only_rules_and_user_rules(built: Built) -> None:
    assert built.debug.web_acl is not None
    rules = _rules(built, built.debug.web_acl)
    assert set(rules) == {f"AWS-{g}" for g in BASELINE_GROUPS} | {
        "AWS-AWSManagedRulesLinuxRuleSet",
        "RateLimitPerClientIp",
        "BlockAdminPaths",
    }
    common = rules["AWS-AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"]
    assert common["RuleActionOverrides"] == [
        {"ActionToUse": {"Count": {}}, "Name": "SizeRestrictions_BODY"}
    ]
    assert rules["RateLimitPerClientIp"]["Statement"]["RateBasedStatement"]["Limit"] == 300
    assert rules["BlockAdminPaths"]["Priority"] == 5
    assert len({r["Priority"] for r in rules.values()}) == len(rules)


def test_own_web_acl_is_attached_and_nothing_else_is_created(built: Built) -> None:
    assert built.own.web_acl is built.own_acl
    (association,) = built.of_type("OwnWebAcl", "AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"]["WebACLArn"] == {
        "Fn::GetAtt": [built.lid(built.own_acl), "Arn"]
    }
    assert set(built.of_type("OwnWebAcl", "AWS::WAFv2::WebACL")) == {built.lid(built.own_acl)}
    (logging,) = built.of_type("OwnWebAcl", "AWS::WAFv2::LoggingConfiguration").values()
    assert logging["Properties"]["ResourceArn"] == {"Fn::GetAtt": [built.lid(built.own_acl), "Arn"]}
    assert built.own.waf_log_group is None
    assert "WafBlockedRequests" in built.own.alarms  # its metric name is a literal


def test_grants_to_the_service_go_to_the_task_role_managed_policy(built: Built) -> None:
    policy = built.internal.task_role.policy
    assert policy is not None
    (statement,) = built.props(policy)["PolicyDocument"]["Statement"]
    assert statement["Action"] == ["s3:GetObject*", "s3:GetBucket*", "s3:List*"]
    assert built.props(policy)["Roles"] == [{"Ref": built.lid(built.internal.task_role)}]
    assert not built.of_type("Variants", "AWS::IAM::Policy")  # no inline policy


def test_peers_can_admit_the_service_tasks_by_their_security_group(built: Built) -> None:
    ingress = [
        r["Properties"]
        for r in built.of_type("Variants", "AWS::EC2::SecurityGroupIngress").values()
        if r["Properties"]["GroupId"] == {"Fn::GetAtt": [built.lid(built.cache), "GroupId"]}
    ]
    assert [(i["SourceSecurityGroupId"], i["FromPort"]) for i in ingress] == [
        ({"Fn::GetAtt": [built.lid(built.internal.service_security_group), "GroupId"]}, 6379)
    ]


def test_web_acl_by_arn_is_attached_by_its_arn(built: Built) -> None:
    assert built.by_arn.web_acl is None
    assert built.by_arn.web_acl_association is not None
    assert built.props(built.by_arn.web_acl_association)["WebACLArn"] == SHARED_ACL_ARN


# -- containers -------------------------------------------------------------------------------


def test_container_is_unprivileged_read_only_non_root_and_logged(built: Built) -> None:
    container = _container(built, built.web)
    assert container["Privileged"] is False
    assert container["ReadonlyRootFilesystem"] is True
    assert container["User"] == "1000:1000"
    assert container["LogConfiguration"] == {
        "LogDriver": "awslogs",
        "Options": {
            "awslogs-group": {"Ref": built.lid(built.web.log_group)},
            "awslogs-stream-prefix": "app",
            "awslogs-region": "eu-west-1",
        },
    }
    assert container["PortMappings"] == [{"ContainerPort": 8080, "Protocol": "tcp"}]
    assert "Environment" not in container
    assert "Secrets" not in container
    assert "MountPoints" not in container


def test_tasks_run_in_private_subnets_without_public_ips_on_the_latest_platform(
    built: Built,
) -> None:
    service = built.props(built.web.service)
    assert service["LaunchType"] == "FARGATE"
    assert service["PlatformVersion"] == "LATEST"
    assert service["EnableExecuteCommand"] is False
    network = service["NetworkConfiguration"]["AwsvpcConfiguration"]
    assert network["AssignPublicIp"] == "DISABLED"
    assert network["SecurityGroups"] == [
        {"Fn::GetAtt": [built.lid(built.web.service_security_group), "GroupId"]}
    ]
    vpc = built.web.load_balancer.vpc
    assert vpc is not None
    private = {built.lid(s) for s in vpc.private_subnets}
    assert {s["Ref"] for s in network["Subnets"]} == private
    assert service["DeploymentConfiguration"]["DeploymentCircuitBreaker"] == {
        "Enable": True,
        "Rollback": True,
    }
    assert service["DesiredCount"] == 2


def test_cluster_has_container_insights_and_no_exec_configuration(built: Built) -> None:
    cluster = built.props(built.web.cluster)
    assert cluster["ClusterSettings"] == [{"Name": "containerInsights", "Value": "enabled"}]
    assert "Configuration" not in cluster
    assert built.web.execute_command_log_group is None


def test_task_role_has_no_permission_and_execution_role_only_its_own(built: Built) -> None:
    assert built.web.task_role.policy is None
    task_role = built.props(built.web.task_role)
    assert "Policies" not in task_role
    assert "ManagedPolicyArns" not in task_role
    execution = built.props(built.web.execution_role.policy)["PolicyDocument"]["Statement"]
    assert [s["Action"] for s in execution] == [
        ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
        "ecr:GetAuthorizationToken",
        ["logs:CreateLogStream", "logs:PutLogEvents"],
    ]
    assert execution[2]["Resource"] == {"Fn::GetAtt": [built.lid(built.web.log_group), "Arn"]}
    assert not built.of_type("Default", "AWS::IAM::Policy")  # no inline policy anywhere


def test_execute_command_is_encrypted_and_logged(built: Built) -> None:
    service = built.debug
    assert built.props(service.service)["EnableExecuteCommand"] is True
    assert isinstance(service.execute_command_log_group, logs.LogGroup)
    configuration = built.props(service.cluster)["Configuration"]
    assert configuration == {
        "ExecuteCommandConfiguration": {
            "KmsKeyId": {"Fn::GetAtt": [built.lid(service.encryption_key), "Arn"]},
            "LogConfiguration": {
                "CloudWatchEncryptionEnabled": True,
                "CloudWatchLogGroupName": {"Ref": built.lid(service.execute_command_log_group)},
            },
            "Logging": "OVERRIDE",
        }
    }
    group = built.props(service.execute_command_log_group)
    assert group["KmsKeyId"] == {"Fn::GetAtt": [built.lid(service.encryption_key), "Arn"]}
    assert group["RetentionInDays"] == 365


def test_secrets_are_injected_by_ecs_and_readable_only_by_the_execution_role(
    built: Built,
) -> None:
    container = _container(built, built.debug)
    secret_ref = {"Ref": built.lid(built.api_secret)}
    assert container["Secrets"] == [{"Name": "API_TOKEN", "ValueFrom": secret_ref}]
    assert container["Environment"] == [
        {"Name": "LOG_LEVEL", "Value": "info"},
        {"Name": "API_TOKEN_SECRET_ARN", "Value": secret_ref},
    ]
    statements = built.props(built.debug.execution_role.policy)["PolicyDocument"]["Statement"]
    reads = [s for s in statements if "secretsmanager:GetSecretValue" in s["Action"]]
    assert [s["Resource"] for s in reads] == [secret_ref]


def test_scratch_paths_get_writable_task_volumes_while_the_root_stays_read_only(
    built: Built,
) -> None:
    container = _container(built, built.debug)
    assert container["ReadonlyRootFilesystem"] is True
    assert container["MountPoints"] == [
        {"ContainerPath": "/run/app", "ReadOnly": False, "SourceVolume": "scratch-0"},
        {"ContainerPath": "/var/cache/app", "ReadOnly": False, "SourceVolume": "scratch-1"},
    ]
    assert built.props(built.debug.task_definition)["Volumes"] == [
        {"Name": "scratch-0"},
        {"Name": "scratch-1"},
    ]


def test_task_size_count_and_architecture_are_configurable(built: Built) -> None:
    task = built.props(built.debug.task_definition)
    assert (task["Cpu"], task["Memory"]) == ("1024", "2048")
    assert task["RuntimePlatform"] == {"CpuArchitecture": "ARM64", "OperatingSystemFamily": "LINUX"}
    assert built.props(built.debug.service)["DesiredCount"] == 3


def test_weakened_container_writes_its_root_and_keeps_the_image_user(built: Built) -> None:
    container = _container(built, built.weakened)
    assert container["ReadonlyRootFilesystem"] is False
    assert "User" not in container
    assert container["Privileged"] is False


# -- detection --------------------------------------------------------------------------------


def test_log_groups_are_encrypted_with_the_construct_key_and_kept_a_year(built: Built) -> None:
    key = {"Fn::GetAtt": [built.lid(built.web.encryption_key), "Arn"]}
    assert built.web.waf_log_group is not None
    for group in (built.web.log_group, built.web.waf_log_group):
        props = built.props(group)
        assert props["KmsKeyId"] == key
        assert props["RetentionInDays"] == 365


def test_key_rotates_and_lets_cloudwatch_logs_and_alarms_use_it(built: Built) -> None:
    key = built.props(built.web.encryption_key)
    assert key["EnableKeyRotation"] is True
    statements = {s.get("Sid"): s for s in key["KeyPolicy"]["Statement"]}
    assert statements["AllowCloudWatchLogsOfThisAccount"]["Principal"] == {
        "Service": "logs.eu-west-1.amazonaws.com"
    }
    alarms = statements["AllowCloudWatchAlarmsToNotifyTheTopic"]
    assert alarms["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert alarms["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert built.web.alarm_topic is not None
    topic_name = built.props(built.web.alarm_topic)["TopicName"]
    assert alarms["Condition"] == {
        "StringEquals": {
            "kms:EncryptionContext:aws:sns:topicArn": {
                "Fn::Join": [
                    "",
                    [
                        "arn:",
                        {"Ref": "AWS::Partition"},
                        f":sns:eu-west-1:111111111111:{topic_name}",
                    ],
                ]
            }
        }
    }


def test_waf_logs_go_to_an_aws_waf_logs_group_without_credentials(built: Built) -> None:
    assert built.web.waf_log_group is not None
    name = built.props(built.web.waf_log_group)["LogGroupName"]
    assert name.startswith("aws-waf-logs-Default-Web-")
    (logging,) = built.of_type("Default", "AWS::WAFv2::LoggingConfiguration").values()
    assert built.web.web_acl is not None
    assert logging["Properties"] == {
        "LogDestinationConfigs": [
            {
                "Fn::Join": [
                    "",
                    [
                        "arn:",
                        {"Ref": "AWS::Partition"},
                        ":logs:eu-west-1:111111111111:log-group:",
                        {"Ref": built.lid(built.web.waf_log_group)},
                    ],
                ]
            }
        ],
        "RedactedFields": [
            {"SingleHeader": {"Name": "authorization"}},
            {"SingleHeader": {"Name": "cookie"}},
        ],
        "ResourceArn": {"Fn::GetAtt": [built.lid(built.web.web_acl), "Arn"]},
    }


def test_access_logs_go_to_a_versioned_sse_s3_bucket_of_the_construct(built: Built) -> None:
    attributes = _attributes(built, built.web)
    assert attributes["access_logs.s3.enabled"] == "true"
    assert attributes["access_logs.s3.bucket"] == {"Ref": built.lid(built.web.access_log_bucket)}
    bucket = built.props(built.web.access_log_bucket)
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["PublicAccessBlockConfiguration"]["BlockPublicPolicy"] is True
    (expiry,) = bucket["LifecycleConfiguration"]["Rules"]
    assert expiry["ExpirationInDays"] == 365


def test_shared_log_bucket_and_prefix_are_used(built: Built) -> None:
    assert built.internal.access_log_bucket is built.shared_logs
    attributes = _attributes(built, built.internal)
    assert attributes["access_logs.s3.bucket"] == {"Ref": built.lid(built.shared_logs)}
    assert attributes["access_logs.s3.prefix"] == "internal"
    assert "AccessLogs" not in {c.node.id for c in built.internal.node.children}


def _alarm_props(built: Built, service: SecureAlbService) -> dict[str, dict[str, Any]]:
    return {name: built.props(alarm) for name, alarm in service.alarms.items()}


def test_three_alarms_page_the_encrypted_topic(built: Built) -> None:
    alarms = _alarm_props(built, built.web)
    assert set(alarms) == {"ServerErrorRate", "UnhealthyTargets", "WafBlockedRequests"}
    assert built.web.alarm_topic is not None
    topic = {"Ref": built.lid(built.web.alarm_topic)}
    for props in alarms.values():
        assert props["AlarmActions"] == [topic]
        assert props["OKActions"] == [topic]
        assert props["TreatMissingData"] == "notBreaching"
    errors = alarms["ServerErrorRate"]
    assert (errors["Threshold"], errors["EvaluationPeriods"], errors["DatapointsToAlarm"]) == (
        5,
        3,
        2,
    )
    (expression,) = [m for m in errors["Metrics"] if "Expression" in m]
    assert expression["Expression"] == (
        "IF(requests >= 20, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)"
    )
    assert {
        m["MetricStat"]["Metric"]["MetricName"] for m in errors["Metrics"] if "MetricStat" in m
    } == {
        "RequestCount",
        "HTTPCode_ELB_5XX_Count",
        "HTTPCode_Target_5XX_Count",
    }
    unhealthy = alarms["UnhealthyTargets"]
    assert (unhealthy["MetricName"], unhealthy["Statistic"], unhealthy["Threshold"]) == (
        "UnHealthyHostCount",
        "Minimum",
        1,
    )
    blocked = alarms["WafBlockedRequests"]
    assert built.web.web_acl is not None
    acl_metric = built.props(built.web.web_acl)["VisibilityConfig"]["MetricName"]
    assert (blocked["Namespace"], blocked["MetricName"], blocked["Threshold"]) == (
        "AWS/WAFV2",
        "BlockedRequests",
        500,
    )
    assert {d["Name"]: d["Value"] for d in blocked["Dimensions"]} == {
        "WebACL": acl_metric,
        "Rule": "ALL",
        "Region": "eu-west-1",
    }


def test_alarm_topic_is_encrypted_with_the_key_and_denies_plain_http(built: Built) -> None:
    assert built.web.alarm_topic is not None
    topic = built.props(built.web.alarm_topic)
    assert topic["KmsMasterKeyId"] == {"Fn::GetAtt": [built.lid(built.web.encryption_key), "Arn"]}
    (policy,) = built.of_type("Default", "AWS::SNS::TopicPolicy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Action"] == "sns:Publish"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_alarm_thresholds_are_configurable(built: Built) -> None:
    alarms = _alarm_props(built, built.debug)
    assert alarms["ServerErrorRate"]["Threshold"] == 1.5
    assert "requests >= 100" in next(
        m["Expression"] for m in alarms["ServerErrorRate"]["Metrics"] if "Expression" in m
    )
    assert alarms["WafBlockedRequests"]["Threshold"] == 50
    assert all("OKActions" not in props for props in alarms.values())


def test_given_topic_is_used_and_alarms_can_be_turned_off(built: Built) -> None:
    assert built.internal.alarm_topic is built.shared_topic
    for props in _alarm_props(built, built.internal).values():
        assert props["AlarmActions"] == [{"Ref": built.lid(built.shared_topic.topic)}]
    assert built.by_arn.alarm_topic is None
    assert built.by_arn.alarms == {}
    assert "AlarmTopic" not in {c.node.id for c in built.internal.node.children}


# -- stateful resources, exposure, snapshots ------------------------------------------------


@pytest.mark.parametrize(
    "resource_type",
    ["AWS::KMS::Key", "AWS::Logs::LogGroup", "AWS::S3::Bucket", "AWS::SNS::Topic"],
)
def test_stateful_resources_are_retained_by_default_and_destroyed_only_on_request(
    built: Built, resource_type: str
) -> None:
    for stack, policy in (("Default", "Retain"), ("Weakened", "Delete")):
        mine = {
            lid: r
            for lid, r in built.of_type(stack, resource_type).items()
            if lid.startswith("Web")
        }
        assert mine, (stack, resource_type)
        for resource in mine.values():
            assert (resource["DeletionPolicy"], resource["UpdateReplacePolicy"]) == (policy, policy)


def test_weakened_load_balancer_has_no_waf_and_no_deletion_protection(built: Built) -> None:
    assert built.weakened.web_acl is None
    assert built.weakened.web_acl_association is None
    assert not built.of_type("Weakened", "AWS::WAFv2::WebACL")
    assert _attributes(built, built.weakened)["deletion_protection.enabled"] == "false"
    assert "WafBlockedRequests" not in built.weakened.alarms


def test_construct_exposes_what_it_creates(built: Built) -> None:
    web = built.web
    assert isinstance(web.load_balancer, elbv2.ApplicationLoadBalancer)
    assert isinstance(web.listener, elbv2.ApplicationListener)
    assert isinstance(web.redirect_listener, elbv2.ApplicationListener)
    assert isinstance(web.target_group, elbv2.ApplicationTargetGroup)
    assert isinstance(web.service, ecs.FargateService)
    assert isinstance(web.task_definition, ecs.FargateTaskDefinition)
    assert isinstance(web.container, ecs.ContainerDefinition)
    assert isinstance(web.cluster, ecs.Cluster)
    assert isinstance(web.web_acl, wafv2.CfnWebACL)
    assert isinstance(web.access_log_bucket, s3.Bucket)
    assert isinstance(web.encryption_key, kms.Key)
    assert isinstance(web.alarm_topic, sns.Topic)
    assert all(isinstance(a, cloudwatch.Alarm) for a in web.alarms.values())
    assert web.grant_principal is web.task_role
    assert web.connections.security_groups == [web.service_security_group]
    assert [c.node.id for c in web.node.children] == [
        "Key",
        "ContainerLogs",
        "LoadBalancerSecurityGroup",
        "ServiceSecurityGroup",
        "Cluster",
        "ExecutionRole",
        "TaskRole",
        "TaskDefinition",
        "Service",
        "LoadBalancer",
        "TargetGroup",
        "AccessLogs",
        "WebAcl",
        "WebAclAssociation",
        "WafLogs",
        "WebAclLogging",
        "AlarmTopic",
        "ServerErrorRateAlarm",
        "UnhealthyTargetsAlarm",
        "WafBlockedRequestsAlarm",
    ]


@pytest.mark.parametrize("stack", ["Default", "OwnWebAcl", "EndToEnd"])
def test_template_snapshot(built: Built, stack: str, snapshot_json: SnapshotAssertion) -> None:
    assert normalise(built.template(stack)) == snapshot_json


# -- bad input: one error naming every problem ------------------------------------------------

_ids = itertools.count()


Scratch = tuple[cdk.Stack, ec2.IVpc]


@pytest.fixture(scope="module")
def scratch() -> Scratch:
    """A stack that is never synthesized: construction fails before anything is created."""
    stack = cdk.Stack(cdk.App(), "Scratch", env=ENV)
    vpc = ec2.Vpc.from_vpc_attributes(
        stack,
        "Vpc",
        vpc_id="vpc-12345678",
        availability_zones=["eu-west-1a", "eu-west-1b"],
        public_subnet_ids=["subnet-1", "subnet-2"],
        private_subnet_ids=["subnet-3", "subnet-4"],
    )
    return stack, vpc


def _build(scratch: Scratch, **kwargs: Any) -> SecureAlbService:
    stack, vpc = scratch
    options: dict[str, Any] = {"certificate": certificate_in(stack)}
    options.update(kwargs)
    return SecureAlbService(
        stack,
        f"Web{next(_ids)}",
        vpc=vpc,
        image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx-unprivileged:1.27"),
        **options,
    )


def certificate_in(stack: cdk.Stack) -> acm.ICertificate:
    return acm.Certificate.from_certificate_arn(stack, f"Certificate{next(_ids)}", CERT_ARN)


def _codes(scratch: Scratch, **kwargs: Any) -> tuple[str, ...]:
    with pytest.raises(SecureConstructsError) as raised:
        _build(scratch, **kwargs)
    return raised.value.codes


def test_http_only_service_without_certificate_or_domain_is_rejected(scratch: Scratch) -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-ALB-1\] certificate: no certificate"):
        _build(scratch, certificate=None)


@pytest.mark.parametrize(
    "policy",
    [
        p
        for p in elbv2.SslPolicy
        if not str(cdk.Stack().resolve(p)).startswith(TLS12_POLICY_PREFIXES)
    ],
)
def test_ssl_policy_allowing_tls_below_1_2_is_rejected(
    scratch: Scratch, policy: elbv2.SslPolicy
) -> None:
    with pytest.raises(SecureConstructsError, match=rf"SC-ALB-2\] ssl_policy: {policy.name} \("):
        _build(scratch, ssl_policy=policy)


def test_every_tls12_policy_cdk_knows_is_accepted(scratch: Scratch) -> None:
    stack, _ = scratch
    accepted = [
        p for p in elbv2.SslPolicy if str(stack.resolve(p)).startswith(TLS12_POLICY_PREFIXES)
    ]
    assert len(accepted) >= 20
    for policy in accepted:  # a second, unrelated problem shows validation got past the policy
        assert _codes(scratch, ssl_policy=policy, privileged=True) == ("SC-ALB-5",)
    names = {str(stack.resolve(p)) for p in elbv2.SslPolicy}
    for name, tls12_only in PUBLISHED_POLICIES.items():
        assert name in names
        assert name.startswith(TLS12_POLICY_PREFIXES) is tls12_only


@pytest.mark.parametrize(
    ("environment", "code"),
    [
        ({"DB_PASSWORD": "correct-horse-battery"}, "SC-ALB-4"),
        ({"UPSTREAM": "postgres://app:hunter2@db.internal:5432/app"}, "SC-ALB-3"),
        ({"AWS_KEY": "AKIA" + "Q3EGRIJ5EXAMPLE1"}, "SC-ALB-3"),
        ({"SESSION": "{{resolve:secretsmanager:prod/session}}"}, "SC-ALB-3"),
        ({"1BAD": "x"}, "SC-ALB-16"),
    ],
)
def test_secret_in_the_environment_is_rejected_without_repeating_it(
    scratch: Scratch, environment: dict[str, str], code: str
) -> None:
    with pytest.raises(SecureConstructsError) as raised:
        _build(scratch, environment=environment)
    assert raised.value.codes == (code,)
    for value in environment.values():
        if len(value) > 1:
            assert value not in str(raised.value)


def test_references_and_plain_settings_in_the_environment_are_accepted(scratch: Scratch) -> None:
    environment = {
        "DB_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:111111111111:secret:db-AbCdEf",
        "API_KEY_PARAMETER_NAME": "/app/api-key",
        "TOKEN_TTL": "3600",
        "LOG_LEVEL": "info",
    }
    assert _codes(scratch, environment=environment, privileged=True) == ("SC-ALB-5",)


def test_secrets_must_be_ecs_secrets_and_not_shadow_the_environment(scratch: Scratch) -> None:
    assert _codes(
        scratch,
        environment={"TOKEN_NAME": "x"},
        secrets={"TOKEN_NAME": ecs.Secret.from_ssm_parameter(_parameter(scratch)), "RAW": "v"},
    ) == ("SC-ALB-16", "SC-ALB-16")


def _parameter(scratch: Scratch) -> ssm.IStringParameter:
    stack, _ = scratch
    return ssm.StringParameter.from_secure_string_parameter_attributes(
        stack, f"Parameter{next(_ids)}", parameter_name="/app/token"
    )


def test_privileged_container_is_rejected(scratch: Scratch) -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-ALB-5\] privileged"):
        _build(scratch, privileged=True)


@pytest.mark.parametrize("user", ["root", "0", "0:0", "root:root"])
def test_root_user_is_rejected(scratch: Scratch, user: str) -> None:
    with pytest.raises(SecureConstructsError, match=rf"SC-ALB-9\] user: '{user}' runs"):
        _build(scratch, user=user)


def test_removing_the_waf_needs_the_explicit_keyword(scratch: Scratch) -> None:
    with pytest.raises(SecureConstructsError, match=r"SC-ALB-6\] waf: waf=None"):
        _build(scratch, waf=None)


@pytest.mark.parametrize(
    "options",
    [
        {"allow_without_waf": True},
        {"web_acl": SHARED_ACL_ARN, "waf": WafOptions(rate_limit=100)},
        {"web_acl": SHARED_ACL_ARN, "waf": None},
        {"web_acl": "shared-acl"},
    ],
)
def test_contradictory_waf_options_are_rejected(scratch: Scratch, options: dict[str, Any]) -> None:
    assert set(_codes(scratch, **options)) == {"SC-ALB-7"}


@pytest.mark.parametrize(
    "waf",
    [
        WafOptions(rate_limit=5),
        WafOptions(rate_window_seconds=30),
        WafOptions(additional_managed_rule_groups=("AWSManagedRulesCommonRuleSet",)),
        WafOptions(additional_managed_rule_groups=("MyVendorRules",)),
        WafOptions(count_only_rules={"AWSManagedRulesBotControlRuleSet": ("X",)}),
        WafOptions(count_only_rules={"AWSManagedRulesKnownBadInputsRuleSet": ("Log4JRCE_BODY",)}),
        WafOptions(
            additional_rules=(
                wafv2.CfnWebACL.RuleProperty(
                    name="Mine",
                    priority=30,
                    statement=wafv2.CfnWebACL.StatementProperty(),
                    visibility_config=wafv2.CfnWebACL.VisibilityConfigProperty(
                        cloud_watch_metrics_enabled=True,
                        metric_name="Mine",
                        sampled_requests_enabled=True,
                    ),
                ),
            )
        ),
    ],
)
def test_invalid_waf_options_are_rejected(scratch: Scratch, waf: WafOptions) -> None:
    assert _codes(scratch, waf=waf) == ("SC-ALB-11",)


def test_scratch_paths_need_a_read_only_root_and_absolute_unique_paths(scratch: Scratch) -> None:
    assert _codes(scratch, scratch_paths=("/run/app",), read_only_root_filesystem=False) == (
        "SC-ALB-8",
    )
    assert _codes(scratch, scratch_paths=("tmp", "/", "/a", "/a/")) == ("SC-ALB-8",) * 3


@pytest.mark.parametrize(
    "domain",
    [
        DomainOptions("app.other.org", "Z0123456789ABCDEFGHIJ", "example.com"),
        DomainOptions("not a name", "Z0123456789ABCDEFGHIJ", "example.com"),
        DomainOptions("app.example.com", "/hostedzone/Z0123", "example.com"),
    ],
)
def test_invalid_domain_is_rejected(scratch: Scratch, domain: DomainOptions) -> None:
    assert _codes(scratch, certificate=None, domain=domain) == ("SC-ALB-10",)


def test_public_task_subnets_are_rejected(scratch: Scratch) -> None:
    public = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC)
    assert _codes(scratch, task_subnets=public) == ("SC-ALB-13",)


def test_retention_and_removal_options_that_lose_or_keep_forever_are_rejected(
    scratch: Scratch,
) -> None:
    assert (
        _codes(
            scratch,
            log_retention=logs.RetentionDays.INFINITE,
            removal_policy=cdk.RemovalPolicy.SNAPSHOT,
            access_log_retention=cdk.Duration.hours(2),
        )
        == ("SC-ALB-12",) * 3
    )


def test_bad_port_and_health_check_path_are_rejected(scratch: Scratch) -> None:
    assert _codes(scratch, container_port=0, health_check_path="health") == ("SC-ALB-14",) * 2


def test_execute_command_on_a_cluster_without_encrypted_logging_is_rejected(
    scratch: Scratch,
) -> None:
    stack, vpc = scratch
    cluster = ecs.Cluster.from_cluster_attributes(
        stack, f"Cluster{next(_ids)}", cluster_name="shared", vpc=vpc
    )
    assert _codes(scratch, enable_execute_command=True, cluster=cluster) == ("SC-ALB-15",)


def test_execute_command_on_a_cluster_that_encrypts_and_logs_sessions_is_accepted(
    scratch: Scratch,
) -> None:
    stack, vpc = scratch
    key = kms.Key(stack, f"ExecKey{next(_ids)}", enable_key_rotation=True)
    cluster = ecs.Cluster(
        stack,
        f"Cluster{next(_ids)}",
        vpc=vpc,
        execute_command_configuration=ecs.ExecuteCommandConfiguration(
            kms_key=key,
            logging=ecs.ExecuteCommandLogging.OVERRIDE,
            log_configuration=ecs.ExecuteCommandLogConfiguration(
                cloud_watch_log_group=logs.LogGroup.from_log_group_name(
                    stack, f"ExecLogs{next(_ids)}", "exec-sessions"
                ),
                cloud_watch_encryption_enabled=True,
            ),
        ),
    )
    # Only the unrelated problem is reported: the cluster itself passes.
    assert _codes(scratch, enable_execute_command=True, cluster=cluster, privileged=True) == (
        "SC-ALB-5",
    )


def test_bad_alarm_thresholds_are_rejected(scratch: Scratch) -> None:
    alarms = AlarmOptions(server_error_rate_percent=0, minimum_requests=0, waf_blocked_requests=0)
    assert _codes(scratch, alarms=alarms) == ("SC-ALB-17",) * 3


def test_alarm_topic_without_alarms_is_rejected(scratch: Scratch) -> None:
    stack, _ = scratch
    topic = sns.Topic.from_topic_arn(
        stack, f"Topic{next(_ids)}", "arn:aws:sns:eu-west-1:111111111111:on-call"
    )
    with pytest.raises(SecureConstructsError, match=r"SC-ALB-17\] alarm_topic"):
        _build(scratch, alarms=None, alarm_topic=topic)


def test_every_problem_is_reported_at_once_with_the_construct_path(scratch: Scratch) -> None:
    with pytest.raises(SecureConstructsError) as raised:
        _build(
            scratch,
            certificate=None,
            ssl_policy=elbv2.SslPolicy.RECOMMENDED,
            environment={"DB_PASSWORD": "correct-horse-battery"},
            privileged=True,
            waf=None,
            scratch_paths=("/run/app",),
            read_only_root_filesystem=False,
            user="root",
        )
    assert raised.value.codes == (
        "SC-ALB-1",
        "SC-ALB-2",
        "SC-ALB-4",
        "SC-ALB-5",
        "SC-ALB-8",
        "SC-ALB-9",
        "SC-ALB-6",
    )
    assert "Scratch/Web" in str(raised.value)
    assert "ELBSecurityPolicy-2016-08" in str(raised.value)
