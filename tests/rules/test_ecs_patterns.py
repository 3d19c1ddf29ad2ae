"""Issue 5's proof: CDK's own ALB + Fargate pattern fails, SecureAlbService passes.

One app under ``SecurityGuardrails``, synthesized once:

* ``Defaults``: ``ecs_patterns.ApplicationLoadBalancedFargateService`` with every default
  (plain HTTP, and the cluster and VPC the pattern creates).
* ``Https``: the same pattern as a careful user would write it: a certificate (so an
  HTTPS listener) and ``redirect_http=True``.
* ``Secure``: the same service built with SecureAlbService.

``app.synth()`` must fail with ``ValidationFailed``, and its message must name every
missing control with the construct that lacks it: exactly the findings below.
"""

from __future__ import annotations

import re

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_ecs_patterns as ecs_patterns

from aspects import SecurityGuardrails
from aspects.engine import Evaluation
from aspects.rules import RULES_BY_ID
from aspects.testing import check
from secure_constructs.alb_service import SecureAlbService
from tests.test_alb_service import CERT_ARN, ENV, network

IMAGE = ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx-unprivileged:1.27")

#: What each pattern service lacks: (rule id, construct path).
DEFAULTS_MISSING = {
    ("SC-ELB-1", "Defaults/Service/LB/PublicListener/Resource"),  # HTTP forwards
    ("SC-ELB-3", "Defaults/Service/LB/Resource"),  # no WAF
    ("SC-ELB-4", "Defaults/Service/LB/Resource"),  # invalid headers kept
    ("SC-ELB-6", "Defaults/Service/LB/Resource"),  # no access logs
    ("SC-ECS-6", "Defaults/Service/TaskDef/Resource"),  # writable root filesystem
    ("SC-ECS-7", "Defaults/Service/TaskDef/Resource"),  # runs as the image's user
    ("SC-LOGS-1", "Defaults/Service/TaskDef/web/LogGroup/Resource"),  # logs unencrypted
    ("SC-LOGS-2", "Defaults/Service/TaskDef/web/LogGroup/Resource"),  # logs kept forever
    ("SC-ECS-5", "Defaults/EcsDefaultClusterMnL3mNNYN/Resource"),  # no Container Insights
    ("SC-EC2-2", "Defaults/EcsDefaultClusterMnL3mNNYN/Vpc/Resource"),  # no flow logs
    # Public subnets that give every instance a public IP (warning).
    ("SC-EC2-6", "Defaults/EcsDefaultClusterMnL3mNNYN/Vpc/PublicSubnet1/Subnet"),
    ("SC-EC2-6", "Defaults/EcsDefaultClusterMnL3mNNYN/Vpc/PublicSubnet2/Subnet"),
}
HTTPS_MISSING = {
    ("SC-ELB-2", "Https/Service/LB/PublicListener/Resource"),  # TLS 1.0/1.1 accepted
    ("SC-ELB-3", "Https/Service/LB/Resource"),
    ("SC-ELB-4", "Https/Service/LB/Resource"),
    ("SC-ELB-6", "Https/Service/LB/Resource"),
    ("SC-ECS-6", "Https/Service/TaskDef/Resource"),
    ("SC-ECS-7", "Https/Service/TaskDef/Resource"),
    ("SC-LOGS-1", "Https/Service/TaskDef/web/LogGroup/Resource"),
    ("SC-LOGS-2", "Https/Service/TaskDef/web/LogGroup/Resource"),
    ("SC-ECS-5", "Https/EcsDefaultClusterMnL3mNNYN/Resource"),
    ("SC-EC2-2", "Https/EcsDefaultClusterMnL3mNNYN/Vpc/Resource"),
    ("SC-EC2-6", "Https/EcsDefaultClusterMnL3mNNYN/Vpc/PublicSubnet1/Subnet"),
    ("SC-EC2-6", "Https/EcsDefaultClusterMnL3mNNYN/Vpc/PublicSubnet2/Subnet"),
}

# "ERROR [SC-ELB-1] <title>: <message> (SecureConstructs)" then the construct path; the
# first entry follows "ValidationFailed: " on the same line.
_REPORTED = re.compile(
    r"(?:^|ValidationFailed: )(ERROR|WARNING) \[(SC-[A-Z0-9]+-\d+)\] [^\n]*\n\s+(\S+) \(", re.M
)


class Synthesized:
    """The app, the error ``app.synth()`` raised, and the guardrail findings."""

    def __init__(self) -> None:
        self.app = cdk.App()
        defaults = cdk.Stack(self.app, "Defaults", env=ENV)
        ecs_patterns.ApplicationLoadBalancedFargateService(
            defaults,
            "Service",
            task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(image=IMAGE),
        )
        https = cdk.Stack(self.app, "Https", env=ENV)
        ecs_patterns.ApplicationLoadBalancedFargateService(
            https,
            "Service",
            certificate=acm.Certificate.from_certificate_arn(https, "Certificate", CERT_ARN),
            redirect_http=True,
            task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(image=IMAGE),
        )
        secure = cdk.Stack(self.app, "Secure", env=ENV)
        SecureAlbService(
            secure,
            "Service",
            vpc=network(secure),
            image=IMAGE,
            certificate=acm.Certificate.from_certificate_arn(secure, "Certificate", CERT_ARN),
        )
        cdk.Aspects.of(self.app).add(SecurityGuardrails())
        self.error: str | None = None
        try:
            self.app.synth()
        except RuntimeError as exc:
            self.error = str(exc)
        self.evaluation: Evaluation = check(self.app)

    def findings(self, stack: str) -> set[tuple[str, str]]:
        return {
            (f.rule.id, f.construct_path or f.logical_id)
            for f in self.evaluation.findings
            if f.stack_path == stack
        }


@pytest.fixture(scope="module")
def synthesized() -> Synthesized:
    return Synthesized()


def test_synthesis_of_the_pattern_fails(synthesized: Synthesized) -> None:
    assert synthesized.error is not None
    assert "ValidationFailed" in synthesized.error


def test_pattern_with_defaults_misses_exactly_these_controls(synthesized: Synthesized) -> None:
    assert synthesized.findings("Defaults") == DEFAULTS_MISSING


def test_pattern_with_https_and_redirect_still_misses_these_controls(
    synthesized: Synthesized,
) -> None:
    assert synthesized.findings("Https") == HTTPS_MISSING


def test_secure_alb_service_of_the_same_app_has_no_finding(synthesized: Synthesized) -> None:
    assert synthesized.findings("Secure") == set()


def test_error_message_names_each_missing_control_and_where(synthesized: Synthesized) -> None:
    assert synthesized.error is not None
    reported = {(rule, path) for _level, rule, path in _REPORTED.findall(synthesized.error)}
    assert reported == DEFAULTS_MISSING | HTTPS_MISSING
    for rule_id, _path in reported:
        assert RULES_BY_ID[rule_id].title in synthesized.error


def test_errors_fail_and_warnings_only_warn(synthesized: Synthesized) -> None:
    assert synthesized.error is not None
    levels = {rule: level for level, rule, _path in _REPORTED.findall(synthesized.error)}
    assert {rule for rule, level in levels.items() if level == "WARNING"} == {
        "SC-EC2-6",
        "SC-ECS-5",
        "SC-ECS-6",
    }
    for rule, level in levels.items():
        assert level == RULES_BY_ID[rule].severity.name
