"""AWS Systems Manager Parameter Store guardrails: no secret in a plaintext parameter."""

from __future__ import annotations

import re
from collections.abc import Iterator

from aspects.index import ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._common import flatten
from aspects.secrets_detection import variable_problems, words
from aspects.values import intrinsic_name

PARAMETER = ("AWS::SSM::Parameter",)
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")


def _no_secret_value(r: ResourceView) -> Iterator[Problem]:
    name = r.props.get("Name")
    value = r.props.get("Value")
    if name is None or intrinsic_name(name) is None:
        name_text = "" if name is None else str(name)
    else:
        # /${AWS::StackName}/db-password: judge the literal words around the references.
        name_text = _PLACEHOLDER.sub("/", flatten(name))
        if not words(name_text) and intrinsic_name(value) is None and str(value).strip():
            raise CannotVerify(
                "Name is only known at deploy time and Value is a literal, so whether a "
                "secret is stored in plaintext cannot be verified",
                "Name",
            )
    problems, unknown = variable_problems(r, name_text, value, "Value")
    for problem in problems:
        yield Problem(
            f"{problem.message}; AWS::SSM::Parameter stores String and StringList values "
            "in plaintext (CloudFormation cannot create SecureString parameters)",
            problem.path,
        )
    if unknown is not None:
        raise unknown


RULES = (
    Rule(
        id="SC-SSM-1",
        title="SSM parameters in the template hold no secret",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=PARAMETER,
        rationale="CloudFormation can only create String and StringList parameters: a "
        "secret there is readable by anyone with ssm:GetParameter, unencrypted, and is "
        "also written in the template. A secret-looking name with a literal value, or a "
        "value that looks like a key or token, is reported.",
        fix="Keep the secret in Secrets Manager (generated, or set out of band) and store "
        "only its ARN or name in the parameter, or create a SecureString parameter outside "
        "the template and reference it by name.",
        check=_no_secret_value,
        nist_800_53=("IA-5(7)", "SC-28"),
        checkov=("CKV_AWS_384",),
    ),
)
