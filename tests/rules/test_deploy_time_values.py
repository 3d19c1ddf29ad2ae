"""Issue 9, items 5 and 6: values known only at deploy time never pass as compliant.

Every case is a template as CloudFormation would receive it (what escape hatches and other
libraries produce), judged through the one value-resolution layer (``aspects.resolve``):
a policy ``Effect`` or ``Principal`` from a parameter, principals built with ``Fn::Sub`` /
``Fn::Join`` / ``Fn::Select`` / ``Fn::FindInMap``, KMS keys reached through mappings, and
what counts as a customer-managed key. Precision cases sit beside them: an expression that
cannot be ``*`` or that always gives a customer key is judged as such.
"""

from __future__ import annotations

from typing import Any

import pytest

from aspects import evaluate
from aspects.index import StackTemplate
from aspects.model import Status
from aspects.rules import RULES_BY_ID

NC = Status.NON_COMPLIANT
CV = Status.CANNOT_VERIFY
CMK_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

PARAMETERS = {
    "Param": {"Type": "String"},
    "Effect": {"Type": "String", "AllowedValues": ["Allow", "Deny"]},
}
MAPPINGS = {
    "Keys": {
        "eu-west-1": {"Managed": "alias/aws/s3", "Mixed": "alias/aws/s3", "Cmk": CMK_ARN},
        "us-east-1": {"Managed": "alias/aws/s3", "Mixed": CMK_ARN, "Cmk": CMK_ARN},
    },
    "Principals": {
        "eu-west-1": {"All": "*", "Some": "*"},
        "us-east-1": {"All": "*", "Some": "arn:aws:iam::111122223333:root"},
    },
}


def judge(rule_id: str, resource: dict[str, Any], **extra: Any) -> set[Status]:
    """The statuses *rule_id* reports on the resource ``R`` of a one-resource template."""
    template = {
        "Parameters": PARAMETERS,
        "Mappings": MAPPINGS,
        "Resources": {"R": resource, **extra},
    }
    rule = RULES_BY_ID[rule_id]
    evaluation = evaluate([StackTemplate("S", "s.json", template)], lambda _s: (rule,))
    return {f.status for f in evaluation.findings if f.logical_id == "R"}


REF = {"Ref": "Param"}
REGION = {"Ref": "AWS::Region"}


def _key(statement: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "AWS::KMS::Key",
        "Properties": {
            "EnableKeyRotation": True,
            "KeyPolicy": {"Version": "2012-10-17", "Statement": [statement]},
        },
    }


def _allow(principal: Any, effect: Any = "Allow") -> dict[str, Any]:
    return {"Effect": effect, "Principal": principal, "Action": "kms:*", "Resource": "*"}


# -- item 5: policy Effect and Principal -----------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        ({"AWS": {"Fn::Sub": "${Param}"}}, {CV}),
        ({"AWS": {"Fn::Join": ["", [REF]]}}, {CV}),
        ({"AWS": {"Fn::Select": [0, [REF, "arn:aws:iam::111122223333:root"]]}}, {CV}),
        ({"AWS": {"Fn::Select": [0, ["*", "arn:aws:iam::111122223333:root"]]}}, {NC}),
        ({"AWS": {"Fn::FindInMap": ["Principals", REGION, "All"]}}, {NC}),
        ({"AWS": {"Fn::FindInMap": ["Principals", REGION, "Some"]}}, {CV}),
        ({"AWS": {"Fn::ImportValue": "SharedPrincipal"}}, {CV}),
        ({"AWS": REF}, {CV}),
        (REF, {CV}),
        # Precision: an ARN built around a parameter is an account, never everyone.
        ({"AWS": {"Fn::Sub": "arn:aws:iam::${Param}:root"}}, set()),
        ({"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}, set()),
        ({"AWS": {"Fn::FindInMap": ["Principals", "us-east-1", "Some"]}}, set()),
    ],
)
def test_key_policy_principal_that_may_be_everyone(principal: Any, expected: set[Status]) -> None:
    assert judge("SC-KMS-2", _key(_allow(principal))) == expected


@pytest.mark.parametrize("effect", [REF, {"Ref": "Effect"}, {"Fn::ImportValue": "TheEffect"}])
def test_key_policy_effect_from_a_parameter_cannot_verify(effect: Any) -> None:
    assert judge("SC-KMS-2", _key(_allow("*", effect))) == {CV}


def test_key_policy_statement_list_from_a_parameter_cannot_verify() -> None:
    key = _key(_allow("*"))
    key["Properties"]["KeyPolicy"]["Statement"] = REF
    assert judge("SC-KMS-2", key) == {CV}
    key["Properties"]["KeyPolicy"] = {"Fn::ImportValue": "SharedKeyPolicy"}
    assert judge("SC-KMS-2", key) == {CV}


def test_a_statement_that_cannot_be_verified_does_not_hide_a_public_one() -> None:
    key = _key(_allow("*", REF))
    key["Properties"]["KeyPolicy"]["Statement"].append(_allow("*"))
    assert judge("SC-KMS-2", key) == {NC, CV}


def _policy(statement: dict[str, Any]) -> dict[str, Any]:
    return {
        "Type": "AWS::IAM::Policy",
        "Properties": {
            "PolicyName": "p",
            "Roles": ["r"],
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]},
        },
    }


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ({"Effect": REF, "Action": "*", "Resource": "*"}, {CV}),
        ({"Effect": "Allow", "Action": "*", "Resource": {"Fn::Select": [0, ["*"]]}}, {NC}),
        ({"Effect": "Allow", "Action": "*", "Resource": {"Fn::Sub": "${Param}"}}, {CV}),
        (
            {
                "Effect": "Allow",
                "Action": {"Fn::FindInMap": ["Principals", REGION, "All"]},
                "Resource": "*",
            },
            {NC},
        ),
        ({"Effect": {"Fn::Join": ["", ["Al", "low"]]}, "Action": "*", "Resource": "*"}, {NC}),
        # Precision: a bucket ARN around a parameter is never every resource.
        (
            {"Effect": "Allow", "Action": "*", "Resource": {"Fn::Sub": "arn:aws:s3:::${Param}/*"}},
            set(),
        ),
    ],
)
def test_identity_policy_admin_behind_expressions(
    statement: dict[str, Any], expected: set[Status]
) -> None:
    assert judge("SC-IAM-1", _policy(statement)) == expected


def test_inline_policies_from_a_parameter_cannot_verify() -> None:
    role = {
        "Type": "AWS::IAM::Role",
        "Properties": {"AssumeRolePolicyDocument": {}, "Policies": [REF]},
    }
    assert judge("SC-IAM-1", role) == {CV}


def _bucket_with_policy(statement: dict[str, Any]) -> dict[str, Any]:
    return {
        "Policy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "R"},
                "PolicyDocument": {"Version": "2012-10-17", "Statement": [statement]},
            },
        }
    }


@pytest.mark.parametrize(
    ("effect", "principal", "expected"),
    [
        (REF, "*", {CV}),
        ("Allow", {"AWS": {"Fn::Join": ["", [REF]]}}, {CV}),
        ("Allow", {"AWS": {"Fn::FindInMap": ["Principals", REGION, "All"]}}, {NC}),
        ("Allow", {"AWS": "arn:aws:iam::111122223333:root"}, set()),
    ],
)
def test_bucket_policy_open_behind_expressions(
    effect: Any, principal: Any, expected: set[Status]
) -> None:
    statement = {
        "Effect": effect,
        "Principal": principal,
        "Action": "s3:GetObject",
        "Resource": {"Fn::Sub": "${R.Arn}/*"},
    }
    bucket = {"Type": "AWS::S3::Bucket", "Properties": {}}
    assert judge("SC-S3-8", bucket, **_bucket_with_policy(statement)) == expected


def test_restricting_condition_from_a_parameter_cannot_verify() -> None:
    statement = _allow("*")
    statement["Condition"] = {"StringEquals": {"aws:SourceAccount": REF}}
    assert judge("SC-KMS-2", _key(statement)) == {CV}
    statement["Condition"] = {"StringEquals": {"aws:SourceAccount": "111122223333"}}
    assert judge("SC-KMS-2", _key(statement)) == set()


# -- item 6: what counts as a customer-managed key -------------------------------------------


def _bucket(key: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::S3::Bucket",
        "Properties": {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {
                        "ServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": key,
                        },
                        "BucketKeyEnabled": True,
                    }
                ]
            }
        },
    }


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ({"Fn::FindInMap": ["Keys", REGION, "Managed"]}, {NC}),
        ({"Fn::FindInMap": ["Keys", "eu-west-1", "Managed"]}, {NC}),
        ({"Fn::FindInMap": ["Keys", REGION, "Mixed"]}, {CV}),
        ({"Fn::FindInMap": ["Keys", REGION, "Cmk"]}, set()),
        ({"Fn::Select": [0, ["alias/aws/s3", CMK_ARN]]}, {NC}),
        ({"Fn::Select": [1, ["alias/aws/s3", CMK_ARN]]}, set()),
        ({"Fn::Select": [REF, ["alias/aws/s3", CMK_ARN]]}, {CV}),
        (
            {"Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:alias/aws/s3"},
            {NC},
        ),
        ({"Fn::Join": ["", ["alias/", "aws/s3"]]}, {NC}),
        ({"Fn::ImportValue": "SharedKeyArn"}, {CV}),
        (REF, {CV}),
        ({"Fn::Sub": "arn:aws:kms:eu-west-1:111122223333:key/${Param}"}, {CV}),
    ],
)
def test_bucket_key_through_expressions(key: Any, expected: set[Status]) -> None:
    assert judge("SC-S3-1", _bucket(key)) == expected


@pytest.mark.parametrize(
    "key",
    [
        "",
        "   ",
        "aws/secretsmanager",
        "alias/aws/secretsmanager",
        "ALIAS/AWS/S3",
        "arn:aws:kms:eu-west-1:111122223333:alias/aws/secretsmanager",
        "not-a-key",
        "arn:aws:s3:::a-bucket",
    ],
)
def test_literal_keys_that_are_not_customer_managed(key: str) -> None:
    secret = {"Type": "AWS::SecretsManager::Secret", "Properties": {"KmsKeyId": key}}
    assert judge("SC-SECRETS-1", secret) == {NC}


@pytest.mark.parametrize(
    "key",
    [
        CMK_ARN,
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "mrk-1234abcd12ab34cd56ef1234567890ab",
        "alias/orders-data",
        "arn:aws:kms:eu-west-1:111122223333:alias/orders-data",
        "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ],
)
def test_literal_customer_managed_keys_pass(key: str) -> None:
    secret = {"Type": "AWS::SecretsManager::Secret", "Properties": {"KmsKeyId": key}}
    assert judge("SC-SECRETS-1", secret) == set()


def _queue(key: Any) -> dict[str, Any]:
    return {"Type": "AWS::SQS::Queue", "Properties": {"KmsMasterKeyId": key}}


def test_empty_queue_key_is_unencrypted_not_a_downgrade_to_the_warning() -> None:
    assert judge("SC-SQS-1", _queue("")) == {NC}
    assert judge("SC-SQS-2", _queue("")) == {NC}
    assert judge("SC-SQS-3", _queue("")) == set()


def test_queue_key_from_a_parameter_fails_closed_on_the_tls_error() -> None:
    assert judge("SC-SQS-1", _queue(REF)) == {CV}
    assert judge("SC-SQS-2", _queue(REF)) == {CV}
    assert judge("SC-SQS-3", _queue(REF)) == set()


def test_aws_managed_queue_key_still_requires_tls_only_as_the_warning() -> None:
    assert judge("SC-SQS-1", _queue("alias/aws/sqs")) == {NC}
    assert judge("SC-SQS-2", _queue("alias/aws/sqs")) == set()
    assert judge("SC-SQS-3", _queue("alias/aws/sqs")) == {NC}


def test_empty_topic_key_is_unencrypted() -> None:
    topic = {"Type": "AWS::SNS::Topic", "Properties": {"KmsMasterKeyId": ""}}
    assert judge("SC-SNS-1", topic) == {NC}
    assert judge("SC-SNS-2", topic) == {NC}
    assert judge("SC-SNS-3", topic) == set()


def test_alias_of_the_app_to_an_unknown_target_cannot_verify() -> None:
    secret = {"Type": "AWS::SecretsManager::Secret", "Properties": {"KmsKeyId": {"Ref": "A"}}}
    alias = {"Type": "AWS::KMS::Alias", "Properties": {"AliasName": "alias/x", "TargetKeyId": REF}}
    assert judge("SC-SECRETS-1", secret, A=alias) == {CV}


# -- the same hole in other rules: principals, narrowing conditions, rule lists -------------


def _permission(**props: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Permission",
        "Properties": {"Action": "lambda:InvokeFunction", "FunctionName": "f", **props},
    }


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"Principal": {"Fn::Sub": "${Param}"}}, {CV}),
        ({"Principal": {"Fn::Select": [0, ["*"]]}}, {NC}),
        ({"Principal": {"Fn::Join": ["", ["s3.", "amazonaws.com"]]}}, {NC}),
        ({"Principal": "*", "SourceAccount": REF}, {CV}),
        ({"Principal": "*", "SourceAccount": ""}, {NC}),
        ({"Principal": "*", "SourceAccount": "111122223333"}, set()),
        ({"Principal": "s3.amazonaws.com", "SourceArn": {"Fn::GetAtt": ["B", "Arn"]}}, set()),
        ({"Principal": "111122223333"}, set()),
    ],
)
def test_lambda_permission_principal_and_narrowing(
    props: dict[str, Any], expected: set[Status]
) -> None:
    bucket = {"Type": "AWS::S3::Bucket", "Properties": {}}
    assert judge("SC-LAMBDA-4", _permission(**props), B=bucket) == expected


@pytest.mark.parametrize("rules", [REF, [REF], [{"Fn::ImportValue": "SharedIngressRule"}]])
def test_security_group_rules_from_expressions_cannot_verify(rules: Any) -> None:
    group = {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {"GroupDescription": "g", "SecurityGroupIngress": rules},
    }
    assert judge("SC-EC2-1", group) == {CV}


def test_security_group_cidr_from_a_mapping_is_evaluated() -> None:
    mappings_cidr = {"Fn::Select": [0, ["0.0.0.0/0"]]}
    group = {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {
            "GroupDescription": "g",
            "SecurityGroupIngress": [
                {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": mappings_cidr}
            ],
        },
    }
    assert judge("SC-EC2-1", group) == {NC}
