"""Example-style apps fail synthesis naming each weakness; their fixed twins pass (issue 11).

Five apps written the way the public AWS CDK example apps write them (``tests/example_apps``):
API Gateway + Lambda + DynamoDB, CloudFront + S3, EC2 + Auto Scaling (+ ALB), ECS on Fargate
+ NLB + EFS, and OpenSearch; beside each, its fixed twin built the secure way. All ten
stacks are synthesized once, in one ``cdk.App`` carrying ``SecurityGuardrails``, the way a
user runs them: ``app.synth()`` must raise, CDK's validation report must name every error
finding, and the findings are read from the evaluation that failed the synthesis.

The error findings of each insecure app are written down below, each reviewed against the
synthesized template (what it says is what the template holds). Findings that are not true
weaknesses, and weaknesses no rule names, are kept apart as known gaps (``xfail``, strict)
so that fixing a rule shows up here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

from aspects import PLUGIN_NAME, SecurityGuardrails
from aspects.engine import Evaluation
from aspects.model import Finding, Status
from aspects.plugin import GATE_RULE, plugin_of

from .example_apps import (
    CONTEXT,
    apigw_lambda_ddb,
    cloudfront_s3,
    ec2_asg,
    ecs_nlb_efs,
    opensearch,
)

#: (module, insecure stack, fixed stack) of each app.
APPS = (
    (apigw_lambda_ddb, "ApiInsecure", "ApiFixed"),
    (cloudfront_s3, "CdnInsecure", "CdnFixed"),
    (ec2_asg, "AsgInsecure", "AsgFixed"),
    (ecs_nlb_efs, "EcsInsecure", "EcsFixed"),
    (opensearch, "SearchInsecure", "SearchFixed"),
)
INSECURE = tuple(insecure for _m, insecure, _f in APPS)
FIXED = tuple(fixed for _m, _i, fixed in APPS)

Pairs = frozenset[tuple[str, str]]


def _pairs(stack: str, by_rule: Mapping[str, tuple[str, ...]]) -> Pairs:
    """``(rule id, construct path)`` for each path (relative to *stack*) of each rule."""
    return frozenset((rule, f"{stack}/{path}") for rule, paths in by_rule.items() for path in paths)


_FUNCTIONS = tuple(f"{name}Function/Resource" for name in apigw_lambda_ddb.OPERATIONS)
_METHODS = tuple(
    f"ItemsApi/Default/{'items' if where == 'items' else 'items/{id}'}/{method}/Resource"
    for where, method in apigw_lambda_ddb.OPERATIONS.values()
)
_STAGE = "ItemsApi/DeploymentStage.prod/Resource"
#: CDK's AwsCustomResource provider that writes the OpenSearch access policy.
_CUSTOM_RESOURCE_PROVIDER = "AWS679f53fac002430cb0da5b7982bd2287/Resource"

#: Every error finding of each insecure app, as reviewed against its template.
EXPECTED_ERRORS: Mapping[str, Pairs] = {
    "ApiInsecure": _pairs(
        "ApiInsecure",
        {
            # Table: no SSESpecification (AWS owned key), no PointInTimeRecoverySpecification,
            # DeletionPolicy/UpdateReplacePolicy Delete.
            "SC-DDB-1": ("Items/Resource",),
            "SC-DDB-2": ("Items/Resource",),
            "SC-DDB-4": ("Items/Resource",),
            # Functions: Environment without KmsKeyArn, python3.9 (end of support
            # 2025-12-15), no LoggingConfig.LogGroup nor /aws/lambda/<name> group.
            "SC-LAMBDA-1": _FUNCTIONS,
            "SC-LAMBDA-5": _FUNCTIONS,
            "SC-LAMBDA-7": _FUNCTIONS,
            # The five methods have AuthorizationType NONE (OPTIONS preflights are not judged).
            "SC-APIGW-1": _METHODS,
            # Stage prod: no AccessLogSetting, no WebACLAssociation (EDGE endpoint).
            "SC-APIGW-2": (_STAGE,),
            "SC-APIGW-5": (_STAGE,),
        },
    ),
    "CdnInsecure": _pairs(
        "CdnInsecure",
        {
            # Bucket: no BucketEncryption (SSE-S3), no VersioningConfiguration, Delete
            # policies, a bucket policy with only the OAI grant (no TLS / TLS 1.2 denial),
            # no LoggingConfiguration, and no PublicAccessBlockConfiguration: S3's default
            # for new buckets is all four flags on, but the template does not keep it so
            # (deliberate: see SC-S3-6's message).
            "SC-S3-1": ("SiteBucket/Resource",),
            "SC-S3-6": ("SiteBucket/Resource",),
            "SC-S3-2": ("SiteBucket/Resource",),
            "SC-S3-3": ("SiteBucket/Resource",),
            "SC-S3-4": ("SiteBucket/Resource",),
            "SC-S3-5": ("SiteBucket/Resource",),
            "SC-S3-9": ("SiteBucket/Resource",),
            # Distribution: DefaultCacheBehavior.ViewerProtocolPolicy allow-all, no
            # WebACLId, no Logging and no standard logging v2 delivery.
            "SC-CF-1": ("SiteDistribution/Resource",),
            "SC-CF-8": ("SiteDistribution/Resource",),
            "SC-CF-9": ("SiteDistribution/Resource",),
        },
    ),
    "AsgInsecure": _pairs(
        "AsgInsecure",
        {
            # VPC without an AWS::EC2::FlowLog.
            "SC-EC2-2": ("VPC/Resource",),
            # Web server security group: 0.0.0.0/0 on TCP 22.
            "SC-EC2-1": ("WebServerSg/Resource",),
            # Launch template: no MetadataOptions.HttpTokens, BlockDeviceMappings[0].Ebs
            # without Encrypted.
            "SC-EC2-3": ("LaunchTemplate/Resource",),
            "SC-EC2-4": ("LaunchTemplate/Resource",),
            # The group launches that template (no NetworkInterfaces) into the public
            # subnets (MapPublicIpOnLaunch true): every instance gets a public address.
            "SC-EC2-5": ("ASG/ASG",),
            # Internet-facing ALB: no WebACLAssociation, drop_invalid_header_fields and
            # access_logs.s3.enabled not set; its HTTP:80 listener forwards.
            "SC-ELB-3": ("LB/Resource",),
            "SC-ELB-4": ("LB/Resource",),
            "SC-ELB-6": ("LB/Resource",),
            "SC-ELB-1": ("LB/Listener/Resource",),
        },
    ),
    "EcsInsecure": _pairs(
        "EcsInsecure",
        {
            "SC-EC2-2": ("Vpc/Resource",),
            # Task security group: 0.0.0.0/0 on TCP 8080 (the NLB keeps client addresses).
            "SC-EC2-1": ("Service/Service/SecurityGroup/Resource",),
            # File system: Encrypted true without KmsKeyId (aws/elasticfilesystem), no
            # BackupPolicy, a FileSystemPolicy without an aws:SecureTransport denial.
            "SC-EFS-1": ("MyEfsFileSystem/Resource",),
            "SC-EFS-2": ("MyEfsFileSystem/Resource",),
            "SC-EFS-4": ("MyEfsFileSystem/Resource",),
            # Container 'web': no LogConfiguration, no User.
            "SC-ECS-4": ("MyTaskDefinition/Resource",),
            "SC-ECS-7": ("MyTaskDefinition/Resource",),
            # EnableExecuteCommand true; the cluster has no ExecuteCommandConfiguration
            # (no KmsKeyId; DEFAULT logging while the container has no awslogs).
            "SC-ECS-9": ("Service/Service/Service",),
            # ECS Exec's task role statement: logs:CreateLogStream/PutLogEvents on '*'.
            "SC-IAM-3": ("MyTaskDefinition/TaskRole/DefaultPolicy/Resource",),
            # Internet-facing NLB listener: Protocol TCP on port 80.
            "SC-NLB-1": ("Service/LB/PublicListener/Resource",),
        },
    ),
    "SearchInsecure": _pairs(
        "SearchInsecure",
        {
            # Domain: EncryptionAtRestOptions.Enabled false, NodeToNodeEncryptionOptions
            # .Enabled false, EnforceHTTPS false, no VPCOptions and no fine-grained access
            # control, Custom::OpenSearchAccessPolicy allowing es:* to AWS '*' without a
            # condition, LogPublishingOptions empty.
            "SC-OS-1": ("Domain/Resource",),
            "SC-OS-2": ("Domain/Resource",),
            "SC-OS-3": ("Domain/Resource",),
            "SC-OS-4": ("Domain/Resource",),
            "SC-OS-5": ("Domain/Resource",),
            "SC-OS-6": ("Domain/Resource",),
            # The provider function CDK adds for access_policies logs to an undeclared
            # group (/aws/lambda/<name>: unencrypted, kept forever).
            "SC-LAMBDA-7": (_CUSTOM_RESOURCE_PROVIDER,),
        },
    ),
}

#: Error findings that are not weaknesses of the template, with why (reported as bugs).
KNOWN_FALSE_ALARMS: Mapping[tuple[str, str], str] = {}

#: The warnings each fixed twin keeps, and why they stay.
EXPECTED_FIXED_WARNINGS: Mapping[str, Pairs] = {
    "ApiFixed": frozenset(),
    "CdnFixed": frozenset(),
    # ``log_access_logs`` writes two statements for delivery.logs.amazonaws.com without
    # aws:SourceAccount (PutObject under alb|nlb/AWSLogs/<this account>/*, GetBucketAcl);
    # the L2 offers no way to add the condition, and the object key already pins this
    # account's prefix.
    "AsgFixed": _pairs("AsgFixed", {"SC-IAM-4": ("AccessLogBucket/Policy/Resource",)}),
    "EcsFixed": _pairs("EcsFixed", {"SC-IAM-4": ("AccessLogBucket/Policy/Resource",)}),
    "SearchFixed": frozenset(),
}


@dataclass(frozen=True)
class Synthesized:
    """The app synthesized once with the guardrails: what raised, what CDK reported."""

    raised: str  # the message of app.synth()'s exception ("" if it did not raise)
    evaluation: Evaluation  # what the guardrails plugin judged
    report: Mapping[str, Any]  # the guardrails' part of CDK's validation-report.json


@pytest.fixture(scope="module")
def synthesized() -> Synthesized:
    app = cdk.App(context=CONTEXT)
    for module, insecure, fixed in APPS:
        module.insecure(app, insecure)
        module.fixed(app, fixed)
    SecurityGuardrails.apply(app)
    raised = ""
    try:
        app.synth()
    except RuntimeError as exc:
        raised = str(exc)
    evaluation = plugin_of(app).last_evaluation
    assert evaluation is not None, "the guardrails plugin did not run"
    validation = json.loads((Path(app.outdir) / "validation-report.json").read_text())
    (report,) = (r for r in validation["pluginReports"] if r["pluginName"] == PLUGIN_NAME)
    return Synthesized(raised, evaluation, report)


def _in(finding: Finding, stack: str) -> bool:
    return finding.stack_path == stack


def _errors(s: Synthesized, stack: str) -> Pairs:
    return frozenset((f.rule.id, f.location) for f in s.evaluation.errors if _in(f, stack))


def _warnings(s: Synthesized, stack: str) -> Pairs:
    return frozenset((f.rule.id, f.location) for f in s.evaluation.warnings if _in(f, stack))


def _reported(s: Synthesized, severity: str) -> Pairs:
    """``(rule, construct path)`` of the violations of *severity* in CDK's report."""
    return frozenset(
        (v["ruleName"], c["constructPath"])
        for v in s.report["violations"]
        if v["severity"] == severity
        for c in v["violatingConstructs"]
        if "constructPath" in c
    )


# -- synthesis fails, naming every weakness --------------------------------------------------


def test_synthesis_with_the_guardrails_fails(synthesized: Synthesized) -> None:
    assert synthesized.raised.startswith("ValidationFailed"), synthesized.raised
    assert synthesized.report["conclusion"] == "failure"
    assert {v["ruleName"] for v in synthesized.report["violations"]} >= {GATE_RULE}


def test_the_failed_synthesis_names_every_error_finding(synthesized: Synthesized) -> None:
    everything = Pairs().union(*EXPECTED_ERRORS.values()) | frozenset(KNOWN_FALSE_ALARMS)
    assert _reported(synthesized, "error") == everything
    assert frozenset((f.rule.id, f.location) for f in synthesized.evaluation.errors) == everything


@pytest.mark.parametrize("stack", INSECURE)
def test_insecure_app_has_exactly_the_reviewed_error_findings(
    synthesized: Synthesized, stack: str
) -> None:
    found = _errors(synthesized, stack) - frozenset(KNOWN_FALSE_ALARMS)
    assert found == EXPECTED_ERRORS[stack]


@pytest.mark.parametrize("stack", INSECURE)
def test_every_weakness_is_known_at_synthesis_time(synthesized: Synthesized, stack: str) -> None:
    statuses = {f.status for f in synthesized.evaluation.findings if _in(f, stack)}
    assert statuses == {Status.NON_COMPLIANT}


# -- the fixed twins pass --------------------------------------------------------------------


@pytest.mark.parametrize("stack", FIXED)
def test_fixed_twin_has_no_error_finding(synthesized: Synthesized, stack: str) -> None:
    assert _errors(synthesized, stack) == frozenset()
    assert not any(path.startswith(f"{stack}/") for _rule, path in _reported(synthesized, "error"))


@pytest.mark.parametrize("stack", FIXED)
def test_fixed_twin_keeps_only_the_listed_warnings(synthesized: Synthesized, stack: str) -> None:
    assert _warnings(synthesized, stack) == EXPECTED_FIXED_WARNINGS[stack]


@pytest.mark.parametrize("stack", FIXED)
def test_fixed_twin_is_judged(synthesized: Synthesized, stack: str) -> None:
    """No pass by silence: the twin's stack was evaluated and its resources judged."""
    (mine,) = (c for c in synthesized.evaluation.coverage.stacks if c.stack_path == stack)
    assert mine.judged > 0


# -- known gaps of the rules, reported (strict: a fix makes these pass and must update) -------


def test_group_in_public_subnets_is_flagged_for_public_addresses(
    synthesized: Synthesized,
) -> None:
    assert any(
        rule == "SC-EC2-5" and path.startswith(("AsgInsecure/ASG/", "AsgInsecure/LaunchTemplate/"))
        for rule, path in _errors(synthesized, "AsgInsecure")
    )
