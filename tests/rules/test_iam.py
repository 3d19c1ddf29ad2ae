"""SC-IAM-1..3 on roles, users, groups and policies from L2s, raw L1s, escape hatches, tokens.

One app is synthesized for the module: stack ``Iam`` holds one principal or policy per
case (construct id = case name).
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, ids, outcomes

ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ONLY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"
STAR = {"Effect": "Allow", "Action": "*", "Resource": "*"}


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _build(stack: cdk.Stack) -> None:
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)
    data_key = kms.Key(stack, "DataKey", enable_key_rotation=True)
    admin = iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess")
    read_only = iam.ManagedPolicy.from_aws_managed_policy_name("ReadOnlyAccess")

    def role(construct_id: str, **props: Any) -> iam.Role:
        return iam.Role(
            stack, construct_id, assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), **props
        )

    holder = role("Holder")

    def policy(construct_id: str, **statement: Any) -> iam.Policy:
        return iam.Policy(
            stack, construct_id, statements=[iam.PolicyStatement(**statement)], roles=[holder]
        )

    # Compliant references.
    data_key.grant_decrypt(role("GrantedRole"))
    role("ReadOnlyRole", managed_policies=[read_only])
    policy("StarActionsOnOneKey", actions=["*"], resources=[data_key.key_arn])
    policy("DenyEverything", effect=iam.Effect.DENY, actions=["*"], resources=["*"])
    policy("NotActionOnOneKey", not_actions=["iam:*"], resources=[data_key.key_arn])
    policy("ParamInBucketArn", actions=["s3:*"], resources=[f"arn:aws:s3:::{setting}/*"])

    # Non-compliant L2s.
    role("AdminRole", managed_policies=[admin])
    policy("StarPolicy", actions=["*"], resources=["*"])
    policy("IamStarPolicy", actions=["iam:*"], resources=["*"])
    policy("StarExceptOneBucket", actions=["*"], not_resources=["arn:aws:s3:::audit"])
    iam.ManagedPolicy(
        stack,
        "NotActionManagedPolicy",
        statements=[iam.PolicyStatement(not_actions=["iam:*"], resources=["*"])],
    )

    # Raw L1s.
    iam.CfnUser(stack, "L1AdminUser", managed_policy_arns=[ADMIN_ARN])
    iam.CfnRole(
        stack,
        "L1StarRole",
        assume_role_policy_document=document(
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ),
        policies=[iam.CfnRole.PolicyProperty(policy_name="all", policy_document=document(STAR))],
    )
    iam.CfnGroup(
        stack,
        "L1StarGroup",
        policies=[
            iam.CfnGroup.PolicyProperty(
                policy_name="all",
                policy_document=document(
                    {"Effect": "Allow", "Action": ["s3:GetObject", "*"], "Resource": ["*"]}
                ),
            )
        ],
    )

    # Escape hatches on compliant resources.
    cfn(role("EscAdmin", managed_policies=[read_only])).add_property_override(
        "ManagedPolicyArns.0", ADMIN_ARN
    )
    cfn(
        policy("EscStarAction", actions=["ec2:DescribeInstances"], resources=["*"])
    ).add_property_override("PolicyDocument.Statement.0.Action", "*")

    # Tokens.
    action = "PolicyDocument.Statement.0.Action"
    cfn(
        policy("ParamAction", actions=["ec2:DescribeInstances"], resources=["*"])
    ).add_property_override(action, setting)
    cfn(
        policy("ParamResource", actions=["*"], resources=["arn:aws:s3:::data"])
    ).add_property_override("PolicyDocument.Statement.0.Resource", setting)
    from_param = iam.ManagedPolicy.from_managed_policy_arn(stack, "FromParam", setting)
    role("ParamManagedPolicy", managed_policies=[from_param])
    cfn(
        policy("IfAction", actions=["ec2:DescribeInstances"], resources=["*"])
    ).add_property_override(action, switch.pick("ec2:DescribeInstances", "*"))
    cfn(
        policy("IfActionBoth", actions=["ec2:DescribeInstances"], resources=["*"])
    ).add_property_override(action, switch.pick("ec2:DescribeInstances", "ec2:DescribeVpcs"))

    # SC-IAM-3 sensitive actions on every resource.
    secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"  # noqa: S105
    policy("DecryptOneKey", actions=["kms:Decrypt"], resources=[data_key.key_arn])
    policy("DecryptEveryKey", actions=["kms:Decrypt", "kms:GenerateDataKey*"], resources=["*"])
    policy("GetEverySecret", actions=["secretsmanager:GetSecretValue"], resources=["*"])
    policy("GetOneSecret", actions=["secretsmanager:GetSecretValue"], resources=[secret_arn])
    policy("S3GetStarOnEveryBucket", actions=["s3:Get*"], resources=["arn:aws:s3:::*/*"])
    policy("SqsStar", actions=["sqs:*"], resources=["arn:aws:sqs:*:*:*"])
    policy("PassAnyRole", actions=["iam:PassRole"], resources=["*"])
    policy("PullAnyImage", actions=["ecr:BatchGetImage"], resources=["*"])
    policy("AuthTokenOnly", actions=["ecr:GetAuthorizationToken"], resources=["*"])
    policy("WriteAnyLogs", actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=["*"])
    policy(
        "SecretsByTag",
        actions=["secretsmanager:GetSecretValue"],
        resources=["*"],
        conditions={"StringEquals": {"aws:ResourceTag/team": "payments"}},
    )
    policy(
        "SecretsUnlessTag",
        actions=["secretsmanager:GetSecretValue"],
        resources=["*"],
        conditions={"StringNotEquals": {"aws:ResourceTag/team": "payments"}},
    )
    policy(
        "DecryptEverythingButOne",
        actions=["kms:Decrypt"],
        not_resources=[data_key.key_arn],
    )
    iam.CfnPolicy(
        stack,
        "L1EverySecret",
        policy_name="secrets",
        roles=[holder.role_name],
        policy_document=document(
            {"Effect": "Allow", "Action": "secretsmanager:getsecretvalue", "Resource": "*"}
        ),
    )
    cfn(
        policy("EscEveryKey", actions=["kms:Decrypt"], resources=[data_key.key_arn])
    ).add_property_override("PolicyDocument.Statement.0.Resource", "*")
    cfn(
        policy("ParamKeyResource", actions=["kms:Decrypt"], resources=[data_key.key_arn])
    ).add_property_override("PolicyDocument.Statement.0.Resource", setting)
    cfn(
        policy("IfKeyResource", actions=["kms:Decrypt"], resources=[data_key.key_arn])
    ).add_property_override(
        "PolicyDocument.Statement.0.Resource", switch.pick(data_key.key_arn, "*")
    )
    cfn(role("IfManagedPolicy", managed_policies=[read_only])).add_property_override(
        "ManagedPolicyArns.0", switch.pick(READ_ONLY_ARN, ADMIN_ARN)
    )

    # SC-IAM-2 trust policies.
    trust = "AssumeRolePolicyDocument.Statement.0.Principal"
    iam.Role(stack, "AnyPrincipalRole", assumed_by=iam.AnyPrincipal())
    iam.Role(
        stack,
        "OrgOnlyRole",
        assumed_by=iam.AnyPrincipal().with_conditions(
            {"StringEquals": {"aws:PrincipalOrgID": "o-exampleorgid"}}
        ),
    )
    iam.Role(stack, "AccountRole", assumed_by=iam.AccountPrincipal("111122223333"))
    iam.CfnRole(
        stack,
        "L1EveryoneRole",
        assume_role_policy_document=document(
            {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}
        ),
    )
    cfn(role("EscTrustEveryone")).add_property_override(trust, {"AWS": "*"})
    cfn(role("ParamTrust")).add_property_override(trust, {"AWS": setting})
    cfn(role("IfTrust")).add_property_override(
        trust, switch.pick({"Service": "lambda.amazonaws.com"}, {"AWS": "*"})
    )


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Iam"))
    return check_app(app)


def at(name: str) -> str:
    return f"Iam/{name}"


# -- compliant references ----------------------------------------------------------------


def test_role_granted_access_to_one_key_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("GrantedRole")) == set()


def test_role_with_read_only_managed_policy_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("ReadOnlyRole")) == set()


@pytest.mark.parametrize("name", ["StarActionsOnOneKey", "NotActionOnOneKey"])
def test_broad_actions_on_one_resource_are_not_administrator(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


def test_denying_everything_is_compliant(ev: Checked) -> None:
    assert ids(ev, at("DenyEverything")) == set()


def test_parameter_inside_a_resource_arn_is_not_a_wildcard(ev: Checked) -> None:
    assert ids(ev, at("ParamInBucketArn")) == set()


# -- SC-IAM-1 ----------------------------------------------------------------------------


def test_role_with_administrator_access_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("AdminRole")) == {"SC-IAM-1"}


def test_policy_allowing_every_action_on_every_resource_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("StarPolicy")) == {"SC-IAM-1"}


def test_iam_star_on_every_resource_is_flagged_as_self_escalation(ev: Checked) -> None:
    assert ids(ev, at("IamStarPolicy")) == {"SC-IAM-1"}


def test_every_action_on_all_but_one_resource_is_flagged(ev: Checked) -> None:
    assert ids(ev, at("StarExceptOneBucket")) == {"SC-IAM-1"}


def test_managed_policy_allowing_all_but_iam_on_every_resource_is_flagged(
    ev: Checked,
) -> None:
    assert ids(ev, at("NotActionManagedPolicy")) == {"SC-IAM-1"}


@pytest.mark.parametrize("name", ["L1AdminUser", "L1StarRole", "L1StarGroup"])
def test_l1_administrator_is_flagged(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == {"SC-IAM-1"}


@pytest.mark.parametrize("name", ["EscAdmin", "EscStarAction"])
def test_administrator_made_by_override_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-IAM-1", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamResource", "ParamManagedPolicy"])
def test_action_resource_or_managed_policy_from_parameter_cannot_be_verified(
    ev: Checked, name: str
) -> None:
    assert outcomes(ev, at(name)) == {("SC-IAM-1", CANNOT_VERIFY)}


def test_action_from_parameter_on_every_resource_may_be_admin_or_sensitive(ev: Checked) -> None:
    assert outcomes(ev, at("ParamAction")) == {
        ("SC-IAM-1", CANNOT_VERIFY),
        ("SC-IAM-3", CANNOT_VERIFY),
    }


@pytest.mark.parametrize("name", ["IfAction", "IfManagedPolicy"])
def test_administrator_under_a_condition_cannot_be_verified(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-IAM-1", CANNOT_VERIFY)}


def test_narrow_actions_in_both_branches_are_compliant(ev: Checked) -> None:
    assert ids(ev, at("IfActionBoth")) == set()


# -- SC-IAM-2 trust policies ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["OrgOnlyRole", "AccountRole", "Holder"])
def test_trust_in_named_principals_or_one_organization_is_compliant(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


@pytest.mark.parametrize("name", ["AnyPrincipalRole", "L1EveryoneRole", "EscTrustEveryone"])
def test_role_everyone_may_assume_is_flagged(ev: Checked, name: str) -> None:
    assert outcomes(ev, at(name)) == {("SC-IAM-2", NON_COMPLIANT)}


@pytest.mark.parametrize("name", ["ParamTrust", "IfTrust"])
def test_trust_principal_known_only_at_deploy_time_cannot_be_verified(
    ev: Checked, name: str
) -> None:
    assert outcomes(ev, at(name)) == {("SC-IAM-2", CANNOT_VERIFY)}


# -- SC-IAM-3 sensitive actions on every resource -------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "DecryptOneKey",
        "GetOneSecret",
        "AuthTokenOnly",
        "SecretsByTag",
        "GrantedRole",
        "ParamInBucketArn",
    ],
)
def test_scoped_or_harmless_grants_pass(ev: Checked, name: str) -> None:
    assert "SC-IAM-3" not in ids(ev, at(name))


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("DecryptEveryKey", "kms:Decrypt, kms:GenerateDataKey"),
        ("GetEverySecret", "secretsmanager:GetSecretValue on Resource '*'"),
        (
            "S3GetStarOnEveryBucket",
            "s3:GetObject, s3:GetObjectVersion on Resource 'arn:aws:s3:::*/*'",
        ),
        ("SqsStar", "sqs:SendMessage, sqs:ReceiveMessage, sqs:DeleteMessage, sqs:PurgeQueue"),
        ("PassAnyRole", "iam:PassRole on Resource '*': every roles"),
        ("PullAnyImage", "ecr:BatchGetImage"),
        ("WriteAnyLogs", "logs:CreateLogStream, logs:PutLogEvents"),
        ("SecretsUnlessTag", "secretsmanager:GetSecretValue"),
        ("DecryptEverythingButOne", "kms:Decrypt on every resource except"),
    ],
)
def test_sensitive_actions_on_every_resource_are_flagged(
    ev: Checked, name: str, shown: str
) -> None:
    assert outcomes(ev, at(name)) == {("SC-IAM-3", NON_COMPLIANT)}
    (finding,) = [f for f in ev.evaluation.findings if f.construct_path == at(f"{name}/Resource")]
    assert shown in finding.message
    assert finding.property_path == "Properties.PolicyDocument.Statement[0].Resource"


def test_l1_policy_with_lower_case_action_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("L1EverySecret")) == {("SC-IAM-3", NON_COMPLIANT)}


def test_resource_widened_by_override_is_flagged(ev: Checked) -> None:
    assert outcomes(ev, at("EscEveryKey")) == {("SC-IAM-3", NON_COMPLIANT)}


def test_resource_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("ParamKeyResource")) == {("SC-IAM-3", CANNOT_VERIFY)}


def test_resource_widened_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert outcomes(ev, at("IfKeyResource")) == {("SC-IAM-3", CANNOT_VERIFY)}
