"""The shared WebACL of SecureAlbService, SecureApi and SecureDistribution deploys whatever
the construct path: WAF refuses descriptions longer than 256 characters."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway

from secure_constructs import SecureApi
from secure_constructs._defaults.waf import MAX_DESCRIPTION_LENGTH


def test_a_long_construct_path_gives_a_description_waf_accepts() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "Stack", env=cdk.Environment(account="111111111111", region="eu-west-1"))
    long_id = "Orders" + "x" * 300
    api = SecureApi(stack, long_id, authorizer=apigateway.AuthorizationType.IAM)
    api.root.add_method("GET", apigateway.MockIntegration())
    (acl,) = cdk.assertions.Template.from_stack(stack).find_resources("AWS::WAFv2::WebACL").values()
    description = acl["Properties"]["Description"]
    assert len(f"Protects the stage of {api.node.path}") > MAX_DESCRIPTION_LENGTH
    assert len(description) == MAX_DESCRIPTION_LENGTH == 256
    assert description == f"Protects the stage of {api.node.path}"[:MAX_DESCRIPTION_LENGTH]
