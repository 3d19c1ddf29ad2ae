"""Settings a construct pinned: what it built must stay as built, whatever overrides it later.

A Secure* construct declares, in the resource metadata ``SecureConstructs::Guarantees``:

* ``pinned``: ``{"Protocol": "HTTPS", "Scheme": "internal", "ActionsEnabled": true}``,
  dotted property paths and the value the construct set; a value that is an expression
  (``{"Fn::GetAtt": ...}``, a list of ARNs built with ``Fn::Join``) must stay the same
  expression (a WAF logging configuration keeps its destination);
* ``present``: ``["SecurityGroups", "AlarmActions"]``, properties that must stay set and
  not empty (without them AWS falls back to a default: the VPC's default security group,
  an alarm that notifies nobody);
* ``retained``: ``true``, the resource keeps ``DeletionPolicy``/``UpdateReplacePolicy``
  ``Retain`` (a queue the construct retains, where no retention rule applies to the type);
* ``companions``: ``{"ServerErrorRateAlarm": {"LogicalId": "...", "Type":
  "AWS::CloudWatch::Alarm"}}``, resources the construct made for this one (its alarms)
  that must stay in the same template: deleting one is reported on this resource (the
  one the alarm watches). A companion that is an ``AwsCustomResource`` (``Custom::AWS``)
  also records the SDK call it makes (``"Call": {"service", "action", "parameters"}``):
  rewriting its ``Create``/``Update`` to another call or other parameters is reported
  too (SecurityBaseline's account settings).

Each is a promise the construct's docstring makes (end-to-end TLS, an internal load
balancer, its own security groups, alarms that page); an escape hatch that changes one is a
weakening, reported as an error on that resource. Where the change is intended,
acknowledge SC-PIN-1 on the construct with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from aspects.constants import GUARANTEES_METADATA
from aspects.index import ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import declared, setting
from aspects.rules._common import Deferred, json_document, retention_problems
from aspects.values import as_list

#: The resource types the constructs pin settings on (the engine indexes rules by type).
PINNED_TYPES = (
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::TargetGroup",
    "AWS::ECS::Service",
    "AWS::RDS::DBCluster",
    "AWS::RDS::DBInstance",
    "AWS::CloudWatch::Alarm",
    "AWS::WAFv2::WebACL",
    "AWS::WAFv2::LoggingConfiguration",
    "AWS::SQS::Queue",
    "AWS::DynamoDB::Table",
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGateway::Stage",
    "AWS::GuardDuty::Detector",
    "AWS::EC2::VPC",
    "AWS::EC2::FlowLog",
    "AWS::EC2::VPCEndpoint",
    "AWS::CloudFront::Distribution",
    "AWS::CloudFront::ResponseHeadersPolicy",
    "AWS::ApiGateway::Method",
    "AWS::ApiGateway::RequestValidator",
    "AWS::CloudTrail::Trail",
    "AWS::Logs::MetricFilter",
    "AWS::SecurityHub::Hub",
    "AWS::Config::ConfigurationRecorder",
    "AWS::Config::DeliveryChannel",
    "AWS::Events::Rule",
    "AWS::SNS::Topic",
    "AWS::SNS::Subscription",
    "AWS::ApiGatewayV2::Api",
    "AWS::ApiGatewayV2::Stage",
    "AWS::IAM::Role",
    "AWS::Chatbot::SlackChannelConfiguration",
)


def _kept(r: ResourceView) -> Iterator[Problem]:
    pinned = declared(r, "pinned")
    present = declared(r, "present")
    deferred = Deferred()
    for path, expected in pinned.items() if isinstance(pinned, Mapping) else ():
        with deferred:
            value = setting(r, str(path))
            if value is None:
                yield Problem(
                    f"{path} is not set; the construct set it to {expected!r}",
                    f"Properties.{path}",
                )
                continue
            if isinstance(expected, (Mapping, list)):
                # A reference the construct wrote (a destination ARN, the WebACL logged): the
                # same expression, not a value known at synthesis.
                if value != expected:
                    yield Problem(
                        f"{path} is {json.dumps(value, sort_keys=True)}; the construct set it "
                        f"to {json.dumps(expected, sort_keys=True)}",
                        f"Properties.{path}",
                    )
                continue
            actual = (
                r.bool(value, str(path)) if isinstance(expected, bool) else r.literal(value, path)
            )
            if actual != expected:
                yield Problem(
                    f"{path} is {actual!r}; the construct set it to {expected!r}",
                    f"Properties.{path}",
                )
    for path in as_list(present):
        with deferred:
            value = setting(r, str(path))
            if value is None or value in ("", [], {}):
                yield Problem(
                    f"{path} is not set or empty; the construct set it, and without it AWS "
                    "falls back to a default (the VPC's default security group, no actions)",
                    f"Properties.{path}",
                )
    yield from _companions_kept(r)
    if declared(r, "retained") is True:
        with deferred:
            yield from retention_problems(r)
    deferred.raise_first()


def _companions_kept(r: ResourceView) -> Iterator[Problem]:
    companions = declared(r, "companions")
    deferred = Deferred()
    for name, entry in sorted(companions.items()) if isinstance(companions, Mapping) else ():
        if not isinstance(entry, Mapping):
            continue
        logical_id, kind = entry.get("LogicalId"), entry.get("Type")
        resource = r.template.resources.get(str(logical_id))
        where = f"Metadata.{GUARANTEES_METADATA}.companions.{name}"
        if not isinstance(resource, Mapping):
            yield Problem(
                f"the {name} ({kind} {logical_id}) the construct made with this resource is no "
                "longer in the template",
                where,
            )
        elif resource.get("Type") != kind:
            yield Problem(
                f"{logical_id}, the construct's {name}, is now of type {resource.get('Type')}, "
                f"not the {kind} it made",
                where,
            )
        elif isinstance(entry.get("Call"), Mapping):
            with deferred:
                yield from _call_kept(r, name, str(logical_id), resource, entry["Call"], where)
    deferred.raise_first()


def _call_kept(
    r: ResourceView,
    name: str,
    logical_id: str,
    resource: Mapping[str, Any],
    call: Mapping[str, Any],
    where: str,
) -> Iterator[Problem]:
    """A ``Custom::AWS`` companion still makes the SDK call the construct wrote.

    ``Create`` and ``Update`` are JSON strings (``Fn::Join`` around the account id in an
    environment-agnostic stack); each must name the same service and action and keep every
    literal parameter the construct set, or the account setting it applies is gone.
    """
    props = resource.get("Properties")
    props = props if isinstance(props, Mapping) else {}
    for phase in ("Create", "Update"):
        if props.get(phase) is None:
            yield Problem(
                f"{name} ({logical_id}) has no {phase}, so CloudFormation no longer applies "
                f"{call.get('service')}.{call.get('action')} when it "
                f"{'creates' if phase == 'Create' else 'updates'} it",
                f"{where}.Call",
            )
            continue
        try:
            made = json_document(r, props[phase], phase, kind="an SDK call")
        except CannotVerify as exc:
            raise CannotVerify(f"{name} ({logical_id}): {exc.message}", f"{where}.Call") from None
        made = made if isinstance(made, Mapping) else {}
        changed = [key for key in ("service", "action") if made.get(key) != call.get(key)]
        parameters = made.get("parameters")
        parameters = parameters if isinstance(parameters, Mapping) else {}
        expected = call.get("parameters")
        changed += [
            f"parameters.{key}"
            for key, value in (expected.items() if isinstance(expected, Mapping) else ())
            if parameters.get(key) != value
        ]
        if changed:
            yield Problem(
                f"{name} ({logical_id}) {phase} changed {', '.join(changed)}: the construct "
                f"made it call {call.get('service')}.{call.get('action')} with "
                f"{json.dumps(expected, sort_keys=True)}",
                f"{where}.Call",
            )


RULES = (
    Rule(
        id="SC-PIN-1",
        title="Resources keep the settings their construct pinned",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=PINNED_TYPES,
        rationale="End-to-end TLS to the targets, an internal scheme, the construct's own "
        "security groups and alarms that notify someone are promises of the Secure* "
        "constructs that no general rule can see: an HTTP target group or an alarm without "
        "actions is ordinary elsewhere. The constructs declare them on the resource "
        "(metadata SecureConstructs::Guarantees pinned/present/companions); an escape hatch "
        "that changes one, or deletes an alarm the construct made, fails synthesis.",
        fix="Set the property through the construct's own options (e.g. end_to_end_tls, "
        "internet_facing, alarm_topic) instead of an escape hatch; acknowledge SC-PIN-1 on "
        "the construct with the reason if the change is intended.",
        check=_kept,
        nist_800_53=("CM-2", "CM-3", "SC-8"),
    ),
)
