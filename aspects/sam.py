"""Template transforms: expand SAM offline; say plainly what cannot be expanded.

A template with ``Transform: AWS::Serverless-2016-10-31`` is not what CloudFormation deploys:
``AWS::Serverless::Function`` becomes an ``AWS::Lambda::Function``, an ``AWS::IAM::Role``,
event sources, and so on, and the rules judge those. :func:`expand_transforms` runs the
AWS SAM translator (``aws-sam-translator``, the code CloudFormation runs) on the template
before it is judged, entirely offline:

* no AWS credentials and no network: the region is a fixed placeholder
  (:data:`SAM_REGION`, only used to name the partition in ARNs), AWS managed policy names
  come from the map bundled with the translator, and the one call the translator would
  make to AWS (the Serverless Application Repository, for an ``AWS::Serverless::Application``
  whose ``Location`` is an application id) is refused, so such a template is unverifiable;
* resource ``Metadata`` is passed through to the resources SAM generates, so
  acknowledgments and ``aws:cdk:path`` written on a SAM resource still apply.

Whatever cannot be expanded is never passed over in silence. A template whose SAM does not
translate, or that names any other transform (a macro, ``AWS::Include``,
``AWS::LanguageExtensions``, an embedded ``Fn::Transform``), keeps its resources as written
and gets one sentence per problem in :attr:`StackTemplate.unverifiable
<aspects.index.StackTemplate.unverifiable>`; :func:`unverifiable_findings` turns each into
an error-severity *cannot verify* finding of :data:`TRANSFORM_RULE`, so a scan of such a
template fails instead of passing with the generated resources unjudged.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from aspects.engine import Evaluation
from aspects.index import StackTemplate
from aspects.model import Finding, Pillar, Problem, Rule, Severity, Status

#: The transform the SAM translator expands.
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"

#: The region the translator is told it runs in. SAM only uses it for the partition of
#: ARNs (``aws``) and for ``AWS::Region`` in the few places it resolves parameters.
SAM_REGION = "us-east-1"


def _never(_view: Any) -> Iterable[Problem]:
    return ()


#: The rule of findings about templates that cannot be judged in full. It is not in the
#: catalogue (no resource is checked by it, and it cannot be acknowledged): it only names
#: a template whose deployed resources are unknown to the scan.
TRANSFORM_RULE = Rule(
    id="SC-CFN-1",
    title="Templates are judged after their transforms are expanded",
    pillar=Pillar.PREVENTION,
    severity=Severity.ERROR,
    resource_types=(),
    rationale="A transform (a macro, AWS::Include, SAM, AWS::LanguageExtensions) changes the "
    "template at deploy time; resources it produces are not in the file, so no rule has "
    "judged them.",
    fix="Scan the processed template (e.g. `aws cloudformation get-template --template-stage "
    "Processed`, or `sam validate` / `sam build` output), or fix the SAM error named.",
    check=_never,
)


#: The finding for transforms AWS publishes that only expand one property into resources
#: of AWS's own making: reported as a warning naming what was not judged.
PARTLY_JUDGED_RULE = Rule(
    id="SC-CFN-2",
    title="Resources an AWS-published transform adds are named as not judged",
    pillar=Pillar.PREVENTION,
    severity=Severity.WARNING,
    resource_types=(),
    rationale="The Secrets Manager transform expands a rotation schedule's "
    "HostedRotationLambda into AWS's own rotation function at deploy time. The schedule's "
    "settings are judged; the function AWS builds from them is not in the template.",
    fix="Nothing to fix: this says which resources no rule read. Use a rotation function "
    "of your own (RotationLambdaARN) if every resource must be judged.",
    check=_never,
)

#: AWS-published transforms whose output is AWS's own code, expanded from properties the
#: rules judge in the template (see :data:`PARTLY_JUDGED_RULE`).
AWS_ROTATION_TRANSFORMS = frozenset(
    {"AWS::SecretsManager-2020-07-23", "AWS::SecretsManager-2024-09-16"}
)


class _Offline(Exception):
    """Raised instead of calling the Serverless Application Repository."""


def _no_network() -> Any:
    raise _Offline(
        "an AWS::Serverless::Application from the Serverless Application Repository needs "
        "a call to AWS, which secure-constructs does not make"
    )


def transform_names(template: Mapping[str, Any], *, embedded: bool = True) -> list[str]:
    """The transforms a template names: its ``Transform`` section and embedded ones.

    ``embedded=False`` skips the search for ``Fn::Transform`` (a *plain* template, whose
    text does not name it).
    """
    raw = template.get("Transform")
    listed = raw if isinstance(raw, list) else [] if raw is None else [raw]
    names = []
    for item in listed:
        name = item.get("Name") if isinstance(item, Mapping) else item
        names.append(str(name))
    if embedded and any(True for _ in _embedded_transforms(template)):
        names.append("Fn::Transform")
    return names


def _embedded_transforms(template: Mapping[str, Any]) -> Iterator[Any]:
    """Every ``Fn::Transform`` value in the template (iterative: the depth is bounded)."""
    stack: list[Any] = [v for k, v in template.items() if k != "Transform"]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is str or kind is int or kind is bool or kind is float or node is None:
            continue  # the leaves of parsed JSON, tested without the ABC check of Mapping
        if kind is dict or isinstance(node, Mapping):
            if "Fn::Transform" in node:
                yield node["Fn::Transform"]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def expand_transforms(stack: StackTemplate) -> StackTemplate:
    """*stack* with SAM expanded, and a reason in ``unverifiable`` for anything else.

    A stack without transforms is returned as it is.
    """
    names = transform_names(stack.template, embedded=not stack.plain)
    if not names:
        return stack
    reasons: list[str] = []
    partly: list[str] = []
    template = stack.template
    for name in names:
        if name == SAM_TRANSFORM:
            continue
        if name in AWS_ROTATION_TRANSFORMS:
            hosted = sorted(
                str(lid)
                for lid, r in (template.get("Resources") or {}).items()
                if isinstance(r, Mapping)
                and r.get("Type") == "AWS::SecretsManager::RotationSchedule"
                and isinstance(r.get("Properties"), Mapping)
                and "HostedRotationLambda" in r["Properties"]
            )
            partly.append(
                f"the transform {name} turns the HostedRotationLambda of "
                f"{', '.join(hosted) or 'no rotation schedule'} into AWS's own rotation "
                "function at deploy time; the schedule's settings are judged, the function "
                "AWS builds from them is not"
            )
            continue
        if name == "Fn::Transform":
            reasons.append(
                "an embedded Fn::Transform (e.g. AWS::Include) is expanded only at deploy "
                "time, so what it inserts is not judged"
            )
        else:
            reasons.append(
                f"the template's Transform {name} is expanded only at deploy time, so the "
                "resources it produces or changes are not judged"
            )
    if SAM_TRANSFORM in names:
        try:
            translated = _translate(template)
        except Exception as exc:  # any failure of the translator: unverifiable, not clean
            serverless = sorted(
                str(lid)
                for lid, r in (template.get("Resources") or {}).items()
                if isinstance(r, Mapping) and str(r.get("Type", "")).startswith("AWS::Serverless::")
            )
            # samtranslator's errors: a summary, then one cause per invalid resource.
            causes = [getattr(c, "message", c) for c in getattr(exc, "causes", None) or ()]
            message = " ".join(str(m) for m in [getattr(exc, "message", None) or exc, *causes])
            detail = " ".join(message.split())[:400] or type(exc).__name__
            what = f" ({', '.join(serverless[:5])}{', ...' if len(serverless) > 5 else ''})"
            reasons.insert(
                0,
                f"the SAM transform {SAM_TRANSFORM} could not be expanded offline "
                f"({detail}), so the resources it produces{what if serverless else ''} are "
                "not judged",
            )
        else:
            others = [n for n in names if n not in (SAM_TRANSFORM, "Fn::Transform")]
            if others:
                translated["Transform"] = others
            template = translated
    return replace(
        stack,
        template=template,
        plain=False,  # what a transform made was never text
        unverifiable=(*stack.unverifiable, *reasons),
        partly_judged=(*stack.partly_judged, *partly),
    )


def _translate(template: Mapping[str, Any]) -> dict[str, Any]:
    """The SAM translator's output for *template*, offline (see the module docstring)."""
    from samtranslator.parser.parser import Parser  # type: ignore[import-untyped]
    from samtranslator.plugins.application.serverless_app_plugin import (  # type: ignore[import-untyped]
        ServerlessAppPlugin,
    )
    from samtranslator.translator.translator import Translator  # type: ignore[import-untyped]

    # Keep the translator's log lines off stderr when nothing is configured to show them.
    logging.getLogger("samtranslator").addHandler(logging.NullHandler())
    translator = Translator(
        managed_policy_map=None,
        sam_parser=Parser(),
        plugins=[ServerlessAppPlugin(parameters={}, sar_client_creator=_no_network)],
        boto_session=_Region(SAM_REGION),
    )
    result = translator.translate(
        copy.deepcopy(dict(template)),
        parameter_values={},
        passthrough_metadata=True,
        get_managed_policy_map=dict,
    )
    if not isinstance(result, dict):
        raise TypeError(f"the translator returned a {type(result).__name__}")
    return result


class _Region:
    """What the translator reads of a boto3 session: the region name, nothing else.

    A real ``boto3.Session`` would read ``~/.aws`` and ``AWS_PROFILE`` (and fail on an
    unknown profile); the translator only asks for ``region_name``.
    """

    def __init__(self, region_name: str) -> None:
        self.region_name = region_name


def unverifiable_findings(stacks: Iterable[StackTemplate]) -> tuple[Finding, ...]:
    """An error-severity *cannot verify* finding of :data:`TRANSFORM_RULE` per reason.

    Each is placed on the template's ``Transform`` (logical id ``Transform``), as the
    section at fault.
    """
    return tuple(
        Finding(
            rule=rule,
            status=Status.CANNOT_VERIFY,
            message=reason,
            stack_path=stack.stack_path,
            template_path=stack.template_path,
            logical_id="Transform",
            resource_type="AWS::CloudFormation::Transform",
        )
        for stack in stacks
        for rule, reasons in (
            (TRANSFORM_RULE, stack.unverifiable),
            (PARTLY_JUDGED_RULE, stack.partly_judged),
        )
        for reason in reasons
    )


def with_unverifiable(evaluation: Evaluation, stacks: Iterable[StackTemplate]) -> Evaluation:
    """*evaluation* plus :func:`unverifiable_findings` (and their rule, when there are any)."""
    extra = unverifiable_findings(stacks)
    if not extra:
        return evaluation
    rules = evaluation.rules
    for rule in dict.fromkeys(f.rule for f in extra):
        if rule not in rules:
            rules = (*rules, rule)
    return replace(evaluation, findings=(*evaluation.findings, *extra), rules=rules)
