"""The mutation suite: every derived weakening is killed or a reviewed, listed survivor.

One synthesis of every configuration for the module; every mutant is applied to a copy
of the template JSON and judged in-process. A sample is re-made through real CDK escape
hatches in fresh apps to show that the JSON mutation is what CDK would synthesize.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import aws_cdk as cdk
import pytest
from constructs import Construct

from aspects.index import StackTemplate
from tests.mutation.builds import CONFIGURATIONS, Configuration, synthesize
from tests.mutation.harness import Outcome, mutants_of, mutate, run, unacknowledged
from tests.mutation.known_survivors import KNOWN_SURVIVORS, REASONS, known_survivors
from tests.mutation.operators import Mutant
from tests.mutation.report import DOC, render
from tests.mutation.security_model import MODEL


@dataclass(frozen=True)
class Suite:
    templates: dict[str, StackTemplate]
    outcomes: list[Outcome]


@pytest.fixture(scope="module")
def suite() -> Suite:
    templates = synthesize()
    return Suite(templates, run(templates))


def test_every_configuration_yields_mutants_of_every_modelled_type(suite: Suite) -> None:
    derived = {(o.mutant.construct, o.mutant.variant) for o in suite.outcomes}
    assert derived == {(c.construct, c.variant) for c in CONFIGURATIONS}
    types = {o.mutant.resource_type for o in suite.outcomes}
    # The constructs synthesize these; each must produce mutants (the model is not stale).
    assert (
        {
            "AWS::S3::Bucket",
            "AWS::S3::BucketPolicy",
            "AWS::KMS::Key",
            "AWS::Logs::LogGroup",
            "AWS::Lambda::Function",
            "AWS::Lambda::Url",
            "AWS::SQS::Queue",
            "AWS::SQS::QueuePolicy",
            "AWS::SNS::Topic",
            "AWS::SNS::TopicPolicy",
            "AWS::IAM::Role",
            "AWS::IAM::ManagedPolicy",
            "AWS::RDS::DBCluster",
            "AWS::RDS::DBInstance",
            "AWS::RDS::DBClusterParameterGroup",
            "AWS::RDS::DBParameterGroup",
            "AWS::SecretsManager::Secret",
            "AWS::SecretsManager::RotationSchedule",
            "AWS::SecretsManager::ResourcePolicy",
            "AWS::EC2::SecurityGroup",
            "AWS::EC2::SecurityGroupIngress",
            "AWS::EC2::SecurityGroupEgress",
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            "AWS::ElasticLoadBalancingV2::Listener",
            "AWS::ElasticLoadBalancingV2::TargetGroup",
            "AWS::WAFv2::WebACL",
            "AWS::WAFv2::WebACLAssociation",
            "AWS::WAFv2::LoggingConfiguration",
            "AWS::ECS::TaskDefinition",
            "AWS::ECS::Service",
            "AWS::ECS::Cluster",
            "AWS::CloudWatch::Alarm",
            "AWS::SNS::Subscription",
            "AWS::DynamoDB::Table",
            "AWS::EC2::FlowLog",
            "AWS::EC2::Subnet",
            "AWS::EC2::VPCEndpoint",
            "Custom::VpcRestrictDefaultSG",
            "AWS::ApiGateway::RestApi",
            "AWS::ApiGateway::Stage",
            "AWS::ApiGateway::Method",
            "AWS::ApiGateway::RequestValidator",
            "AWS::ApiGateway::DomainName",
            "AWS::ApiGateway::ClientCertificate",
            "AWS::CloudFront::Distribution",
            "AWS::CloudFront::ResponseHeadersPolicy",
            "AWS::CloudFront::OriginAccessControl",
            "AWS::Logs::ResourcePolicy",
            "AWS::Logs::DeliverySource",
            "AWS::Logs::DeliveryDestination",
            "AWS::Logs::Delivery",
            "AWS::Logs::MetricFilter",
            "AWS::CloudTrail::Trail",
            "AWS::GuardDuty::Detector",
            "AWS::SecurityHub::Hub",
            "AWS::SecurityHub::Standard",
            "AWS::AccessAnalyzer::Analyzer",
            "AWS::Config::ConfigurationRecorder",
            "AWS::Config::DeliveryChannel",
            "AWS::Events::Rule",
            "Custom::AWS",
        }
        <= types
        <= set(MODEL)
    )


def test_surviving_mutants_are_exactly_the_known_survivors(suite: Suite) -> None:
    survived = {o.mutant.id for o in suite.outcomes if not o.killed}
    known = known_survivors()
    new = sorted(survived - set(known))
    fixed = sorted(set(known) - survived)
    assert not new, "new survivors (add a rule, or list with a reason):\n" + "\n".join(new)
    assert not fixed, "killed now (remove from KNOWN_SURVIVORS):\n" + "\n".join(fixed)


def test_every_known_survivor_has_a_used_reason() -> None:
    used = {entry.reason for entry in KNOWN_SURVIVORS}
    assert used == set(REASONS)
    for reason in REASONS.values():
        assert reason.startswith(
            ("rule missing", "rule exists as a warning", "harmless:", "not deployable:")
        )


def test_docs_mutation_md_is_current(suite: Suite) -> None:
    assert DOC.read_text(encoding="utf-8") == render(suite.outcomes), (
        "docs/mutation.md is stale: run python -m tests.mutation.report"
    )


# -- equivalence with real escape hatches ----------------------------------------------------


def _l1(construct: Construct, where: str) -> cdk.CfnResource:
    node: Construct = construct
    for part in where.split("/"):
        node = node.node.find_child(part)
    child = node.node.default_child if not isinstance(node, cdk.CfnResource) else node
    assert isinstance(child, cdk.CfnResource), where
    return child


def _remove(construct: Construct, where: str) -> None:
    parent: Construct = construct
    *path, last = where.split("/")
    for part in path:
        parent = parent.node.find_child(part)
    assert parent.node.try_remove_child(last), where


Hatch = Callable[[Construct], None]
# (configuration, mutant ids applied together by JSON, the same through CDK)
SAMPLES: list[tuple[str, tuple[str, ...], Hatch]] = [
    (
        "SecureBucket-default",
        ("SecureBucket/default Bucket delete LoggingConfiguration",),
        lambda c: _l1(c, "Bucket").add_property_deletion_override("LoggingConfiguration"),
    ),
    (
        "SecureBucket-default",
        (
            "SecureBucket/default Bucket downgrade "
            "PublicAccessBlockConfiguration/BlockPublicAcls=false",
        ),
        lambda c: _l1(c, "Bucket").add_property_override(
            "PublicAccessBlockConfiguration.BlockPublicAcls", False
        ),
    ),
    (
        "SecureBucket-default",
        (
            "SecureBucket/default Key removal-policy DeletionPolicy=Delete",
            "SecureBucket/default Key removal-policy UpdateReplacePolicy=Delete",
        ),
        lambda c: _l1(c, "Key").apply_removal_policy(cdk.RemovalPolicy.DESTROY),
    ),
    (
        "SecureFunction-url-vpc-environment",
        ('SecureFunction/url-vpc-environment Function/FunctionUrl downgrade AuthType="NONE"',),
        lambda c: _l1(c, "Function/FunctionUrl").add_property_override("AuthType", "NONE"),
    ),
    (
        "SecureAlbService-internet-facing",
        ("SecureAlbService/internet-facing WebAclAssociation remove-companion resource removed",),
        lambda c: _remove(c, "WebAclAssociation"),
    ),
    (
        "SecureTable-default",
        ("SecureTable/default Table delete PointInTimeRecoverySpecification",),
        lambda c: _l1(c, "Table").add_property_deletion_override(
            "PointInTimeRecoverySpecification"
        ),
    ),
    (
        "SecureApi-domain-cache",
        ("SecureApi/domain-cache Api/Default/orders/GET delete RequestValidatorId",),
        lambda c: _l1(c, "Api/Default/orders/GET").add_property_deletion_override(
            "RequestValidatorId"
        ),
    ),
    (
        "SecureDistribution-s3-origin",
        ("SecureDistribution/s3-origin AccessLogDelivery remove-companion resource removed",),
        lambda c: _remove(c, "AccessLogDelivery"),
    ),
]


def _findings(stack: StackTemplate) -> set[tuple[str, str, str, str]]:
    return {(f.rule.id, f.logical_id, f.status.value, f.message) for f in unacknowledged(stack)}


@pytest.mark.parametrize(
    ("stack_name", "mutant_ids", "hatch"), SAMPLES, ids=[s[1][0] for s in SAMPLES]
)
def test_json_mutation_equals_the_escape_hatch(
    suite: Suite, stack_name: str, mutant_ids: tuple[str, ...], hatch: Hatch
) -> None:
    (configuration,) = [c for c in CONFIGURATIONS if c.stack_name == stack_name]
    by_id: dict[str, Mutant] = {
        m.id: m for m in mutants_of(suite.templates[stack_name], configuration)
    }
    mutated = suite.templates[stack_name]
    for mutant_id in mutant_ids:
        mutated = mutate(mutated, by_id[mutant_id])

    def customize(_c: Configuration, construct: Construct) -> None:
        hatch(construct)

    (through_cdk,) = synthesize((configuration,), customize).values()
    assert through_cdk.template["Resources"] == mutated.template["Resources"]
    # Same template, same findings: the JSON verdict is the escape hatch's verdict.
    assert _findings(through_cdk) == _findings(mutated)
    assert _findings(mutated), "each sample is a weakening the rules see"
