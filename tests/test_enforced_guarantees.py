"""Warnings a construct enforces: undoing a hardened default fails where the construct built it.

The metadata ``SecureConstructs::Guarantees`` ``enforce`` lists warning rules a resource was
built to pass; the engine reports them as errors on that resource only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aspects import evaluate
from aspects.constants import GUARANTEES_METADATA
from aspects.index import StackTemplate
from aspects.model import Severity
from aspects.report import to_json
from aspects.rules import RULES_BY_ID

RULE = RULES_BY_ID["SC-LAMBDA-6"]  # tracing: a warning in the catalogue
assert RULE.severity is Severity.WARNING


def _function(metadata: dict[str, Any] | None) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Role": "arn:aws:iam::111122223333:role/fn",
            "Code": {"ZipFile": "def handler(event, context): return event"},
            "Handler": "index.handler",
            "Runtime": "python3.13",
        },
    }
    if metadata is not None:
        resource["Metadata"] = metadata
    return resource


def _evaluate(**resources: dict[str, Any]) -> Any:
    stack = StackTemplate("S", "s.json", {"Resources": resources})
    return evaluate([stack], lambda _s: (RULE,))


def test_an_enforced_warning_blocks_on_that_resource_only() -> None:
    evaluation = _evaluate(
        Enforced=_function({GUARANTEES_METADATA: {"enforce": ["SC-LAMBDA-6"]}}),
        Plain=_function(None),
        Other=_function({GUARANTEES_METADATA: {"enforce": ["SC-S3-2"]}}),
    )
    by_id = {f.logical_id: f for f in evaluation.findings}
    assert by_id["Enforced"].severity is Severity.ERROR
    assert by_id["Enforced"].blocks_synthesis
    assert by_id["Plain"].severity is Severity.WARNING
    assert by_id["Other"].severity is Severity.WARNING
    assert [f.logical_id for f in evaluation.errors] == ["Enforced"]


def test_malformed_guarantees_enforce_nothing() -> None:
    for metadata in ({GUARANTEES_METADATA: "x"}, {GUARANTEES_METADATA: {"enforce": "SC-LAMBDA-6"}}):
        (finding,) = _evaluate(F=_function(metadata)).findings
        assert finding.severity is Severity.WARNING


def test_reports_show_the_enforced_severity() -> None:
    evaluation = _evaluate(F=_function({GUARANTEES_METADATA: {"enforce": ["SC-LAMBDA-6"]}}))
    (data,) = to_json(evaluation, Path("."))["findings"]
    assert (data["severity"], data["enforcedByConstruct"]) == ("error", True)
    json.dumps(data)


def _judge(rule_id: str, resource: dict[str, Any]) -> list[str]:
    stack = StackTemplate("S", "s.json", {"Resources": {"R": resource}})
    return [f.message for f in evaluate([stack], lambda _s: (RULES_BY_ID[rule_id],)).findings]


_ALB = {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {"Type": "application"}}


def test_declared_deletion_protection_must_stay_on() -> None:
    declared = {**_ALB, "Metadata": {GUARANTEES_METADATA: {"deletionProtection": True}}}
    (message,) = _judge("SC-ELB-7", declared)
    assert "deletion_protection.enabled is not true although the construct turned it on" in message
    kept = {
        **declared,
        "Properties": {
            "Type": "application",
            "LoadBalancerAttributes": [{"Key": "deletion_protection.enabled", "Value": "true"}],
        },
    }
    assert _judge("SC-ELB-7", kept) == []
    assert _judge("SC-ELB-7", _ALB) == []  # no declaration: short-lived stacks may go without


def test_declared_bucket_owner_enforced_must_stay_declared() -> None:
    bucket: dict[str, Any] = {"Type": "AWS::S3::Bucket"}
    assert _judge("SC-S3-10", bucket) == []  # new buckets default to ACLs off
    declared = {**bucket, "Metadata": {GUARANTEES_METADATA: {"ownership": "BucketOwnerEnforced"}}}
    (message,) = _judge("SC-S3-10", declared)
    assert "removing the setting from an existing bucket turns its ACLs back on" in message


def _pinned(properties: dict[str, Any], **guarantees: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
        "Metadata": {GUARANTEES_METADATA: guarantees},
        "Properties": properties,
    }


def test_pinned_settings_must_keep_their_value() -> None:
    pins = {"pinned": {"Protocol": "HTTPS", "HealthCheck.Enabled": True}}
    assert (
        _judge(
            "SC-PIN-1", _pinned({"Protocol": "HTTPS", "HealthCheck": {"Enabled": "true"}}, **pins)
        )
        == []
    )
    assert _judge(
        "SC-PIN-1", _pinned({"Protocol": "HTTP", "HealthCheck": {"Enabled": True}}, **pins)
    ) == ["Protocol is 'HTTP'; the construct set it to 'HTTPS'"]
    assert _judge("SC-PIN-1", _pinned({"HealthCheck": {"Enabled": False}}, **pins)) == [
        "Protocol is not set; the construct set it to 'HTTPS'",
        "HealthCheck.Enabled is False; the construct set it to True",
    ]


def test_present_settings_must_stay_set() -> None:
    (message,) = _judge("SC-PIN-1", _pinned({"SecurityGroups": []}, present=["SecurityGroups"]))
    assert message.startswith("SecurityGroups is not set or empty")
    assert (
        _judge("SC-PIN-1", _pinned({"SecurityGroups": ["sg-1"]}, present=["SecurityGroups"])) == []
    )
    assert _judge("SC-PIN-1", _pinned({"Protocol": "HTTP"})) == []  # nothing declared


def _with_companion(**extra: dict[str, Any]) -> list[str]:
    companions = {"ServerErrorRateAlarm": {"LogicalId": "Alarm", "Type": "AWS::CloudWatch::Alarm"}}
    resources = {"R": {**_ALB, "Metadata": {GUARANTEES_METADATA: {"companions": companions}}}}
    stack = StackTemplate("S", "s.json", {"Resources": {**resources, **extra}})
    rule = RULES_BY_ID["SC-PIN-1"]
    return [
        f.message for f in evaluate([stack], lambda _s: (rule,)).findings if f.logical_id == "R"
    ]


def test_companions_the_construct_made_must_stay_in_the_template() -> None:
    alarm = {"Type": "AWS::CloudWatch::Alarm", "Properties": {}}
    assert _with_companion(Alarm=alarm) == []
    assert _with_companion() == [
        "the ServerErrorRateAlarm (AWS::CloudWatch::Alarm Alarm) the construct made with this "
        "resource is no longer in the template"
    ]
    assert _with_companion(Alarm={"Type": "AWS::SNS::Topic"}) == [
        "Alarm, the construct's ServerErrorRateAlarm, is now of type AWS::SNS::Topic, not the "
        "AWS::CloudWatch::Alarm it made"
    ]


def test_a_pinned_expression_must_stay_the_same_expression() -> None:
    destination = [{"Fn::Join": ["", ["arn:aws:logs:eu-west-1:1:log-group:", {"Ref": "Logs"}]]}]
    pins = {"pinned": {"LogDestinationConfigs": destination, "ResourceArn": {"Ref": "Acl"}}}

    def judged(properties: dict[str, Any]) -> list[str]:
        resource = {
            "Type": "AWS::WAFv2::LoggingConfiguration",
            "Metadata": {GUARANTEES_METADATA: pins},
            "Properties": properties,
        }
        return _judge("SC-PIN-1", resource)

    assert judged({"LogDestinationConfigs": destination, "ResourceArn": {"Ref": "Acl"}}) == []
    elsewhere = ["arn:aws:logs:us-east-1:2:log-group:aws-waf-logs-x"]
    assert judged({"LogDestinationConfigs": elsewhere, "ResourceArn": {"Ref": "Acl"}}) == [
        'LogDestinationConfigs is ["arn:aws:logs:us-east-1:2:log-group:aws-waf-logs-x"]; the '
        'construct set it to [{"Fn::Join": ["", ["arn:aws:logs:eu-west-1:1:log-group:", '
        '{"Ref": "Logs"}]]}]'
    ]


_CALL = {
    "service": "EC2",
    "action": "enableEbsEncryptionByDefault",
    "parameters": {"DryRun": False},
}


def _with_call(**properties: Any) -> list[tuple[str, str]]:
    companions = {
        "Ebs": {"LogicalId": "Setting", "Type": "Custom::AWS", "Call": _CALL},
    }
    resources = {
        "R": {**_ALB, "Metadata": {GUARANTEES_METADATA: {"companions": companions}}},
        "Setting": {"Type": "Custom::AWS", "Properties": properties},
    }
    stack = StackTemplate(
        "S", "s.json", {"Parameters": {"P": {"Type": "String"}}, "Resources": resources}
    )
    rule = RULES_BY_ID["SC-PIN-1"]
    return [
        (str(f.status), f.message)
        for f in evaluate([stack], lambda _s: (rule,)).findings
        if f.logical_id == "R"
    ]


def test_an_account_setting_companion_must_keep_its_call() -> None:
    same = json.dumps({**_CALL, "physicalResourceId": {"id": "x"}})
    assert _with_call(Create=same, Update=same) == []
    # Built with Fn::Join around a reference, as CDK renders an account id it cannot know.
    joined = {
        "Fn::Join": [
            "",
            [
                '{"service":"EC2","action":"enableEbsEncryptionByDefault",',
                '"parameters":{"DryRun":false,"Owner":"',
                {"Ref": "AWS::AccountId"},
                '"}}',
            ],
        ]
    }
    assert _with_call(Create=joined, Update=same) == []
    other = json.dumps({"service": "STS", "action": "getCallerIdentity"})
    assert _with_call(Create=same, Update=other) == [
        (
            "non-compliant",
            "Ebs (Setting) Update changed service, action, parameters.DryRun: the construct made "
            'it call EC2.enableEbsEncryptionByDefault with {"DryRun": false}',
        )
    ]
    assert _with_call(Update=same) == [
        (
            "non-compliant",
            "Ebs (Setting) has no Create, so CloudFormation no longer applies "
            "EC2.enableEbsEncryptionByDefault when it creates it",
        )
    ]
    ((status, message),) = _with_call(Create="not json", Update=same)
    assert status == "cannot-verify"
    assert message.startswith("Ebs (Setting): Create is a string that is not JSON")
    from_parameter = {"Fn::Join": ["", ['{"service":"EC2","action":"', {"Ref": "P"}, '"}']]}
    ((status, message),) = _with_call(Create=from_parameter, Update=same)
    assert status == "cannot-verify"
    assert message.startswith("Ebs (Setting): Create is an SDK call")


def test_declared_web_acl_must_stay_attached_to_an_internal_load_balancer() -> None:
    internal = {
        "Type": "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "Properties": {"Type": "application", "Scheme": "internal"},
    }
    assert _judge("SC-ELB-3", internal) == []  # internal, nothing declared
    declared = {**internal, "Metadata": {GUARANTEES_METADATA: {"webAcl": True}}}
    (message,) = _judge("SC-ELB-3", declared)
    assert message.startswith(
        "this internal load balancer has no AWS::WAFv2::WebACLAssociation although its "
        "construct attached one"
    )


def test_declared_retention_must_stay() -> None:
    queue: dict[str, Any] = {
        "Type": "AWS::SQS::Queue",
        "Metadata": {GUARANTEES_METADATA: {"retained": True}},
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
    }
    assert _judge("SC-PIN-1", queue) == []
    (message,) = _judge("SC-PIN-1", {**queue, "DeletionPolicy": "Delete"})
    assert message.startswith("DeletionPolicy is 'Delete'")
    undeclared = {k: v for k, v in queue.items() if k != "Metadata"}
    assert _judge("SC-PIN-1", {**undeclared, "DeletionPolicy": "Delete"}) == []
