"""Encrypted destinations let the AWS services wired into them use their KMS key.

A topic, queue or bucket encrypted with a KMS key accepts a message or an object from an
AWS service only if the *key policy* lets that service principal use the key: S3 event
notifications, EventBridge targets, CloudWatch alarm actions and SNS subscriptions to a
queue all publish as ``<service>.amazonaws.com``, and without ``kms:GenerateDataKey`` and
``kms:Decrypt`` for it in the key policy every delivery fails. Nothing fails at deploy
time: notifications, events and alarms are dropped, silently (a CloudWatch alarm shows
the failed action only in its history). IAM permissions and the topic or queue policy do
not help: service principals are not identities of the account.

What is wired in is read from the template (one relation per app, see :func:`_wires`):

* ``AWS::S3::Bucket`` ``NotificationConfiguration`` (``TopicConfigurations[].Topic``,
  ``QueueConfigurations[].Queue``) and CDK's ``Custom::S3BucketNotifications``
  (``NotificationConfiguration`` with ``TopicArn``/``QueueArn``, ``BucketName``):
  ``s3.amazonaws.com``;
* ``AWS::Events::Rule`` ``Targets[].Arn`` and ``Targets[].DeadLetterConfig.Arn``:
  ``events.amazonaws.com``;
* ``AWS::CloudWatch::Alarm`` / ``CompositeAlarm`` ``AlarmActions``, ``OKActions``,
  ``InsufficientDataActions``: ``cloudwatch.amazonaws.com``;
* ``AWS::SNS::Subscription`` (``Protocol: sqs``) and a topic's inline ``Subscription`` to
  a queue, and a subscription's ``RedrivePolicy.deadLetterTargetArn``: ``sns.amazonaws.com``
  on the queue's key;
* ``AWS::S3::Bucket`` ``LoggingConfiguration.DestinationBucketName``:
  ``logging.s3.amazonaws.com`` on the target bucket's default key;
* a topic, queue or bucket policy that allows a service principal to publish
  (``sns:Publish``, ``sqs:SendMessage``) or to write or read objects (``s3:PutObject``,
  ``s3:GetObject``): the policy says that service is meant to deliver.

How a key policy is judged (the shared statement readers of :mod:`aspects.rules._common`):
an ``Allow`` whose principal is the service (``Principal.Service``) or everyone, whose
``Action`` (or ``NotAction``) covers each needed action (``kms:*`` and
``kms:GenerateDataKey*`` count) on ``Resource`` ``*`` or the key's own ARN; conditions
on the source (``aws:SourceArn``, ``aws:SourceAccount``, an encryption context...) are
fine and are not required to match, except an ``aws:SourceArn`` that names only other
resources of the app than the wired-in source, and a positive condition on a key that a
service principal's request does not carry (``aws:PrincipalOrgID``,
``aws:PrincipalAccount``, ``aws:PrincipalArn``, ``aws:PrincipalTag/...``). A ``Deny`` of
the same service and action negates the grant; a ``Deny`` whose conditions cannot be
decided for the service's request makes the rule *cannot verify*.

Only keys defined in the app are judged. An AWS managed key (``alias/aws/sns``,
``alias/aws/sqs``, SSE-KMS without a key id = ``aws/s3``) has a key policy that no one can
change and that allows only principals of the account through the service: a wired-in
service can never use it (a plain finding). A key imported by ARN, alias, parameter or
import from outside the app is *cannot verify* (its key policy is not in the template).
``Fn::If`` in the key policy is expanded: a grant under some conditions only is *cannot
verify*.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aspects.index import AppIndex, ExternalRef, ResourceKey, ResourceRef, ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.resolve import Placeholder, render
from aspects.rules._blocks import app_cache
from aspects.rules._common import (
    _aws_managed,
    action_covers,
    actions,
    covers,
    effect,
    flatten,
    kms_encrypted,
    may_be_wildcard,
    policy_document,
    principal_is_everyone,
    statements,
)
from aspects.values import as_list, dig, intrinsic_name, properties, variants

TOPIC = "AWS::SNS::Topic"
QUEUE = "AWS::SQS::Queue"
BUCKET = "AWS::S3::Bucket"
KEY = "AWS::KMS::Key"

#: What a service needs of the key to publish to an encrypted topic or queue (SNS and SQS
#: documentation, "Enable compatibility between event sources from AWS services and
#: encrypted topics/queues").
PUBLISH = ("kms:GenerateDataKey", "kms:Decrypt")
#: What a service needs of a bucket's default key to write an object (S3 asks KMS for a
#: data key for the caller) and to read one.
WRITE_OBJECTS = ("kms:GenerateDataKey",)
READ_OBJECTS = ("kms:Decrypt",)


@dataclass(frozen=True)
class Wire:
    """One AWS service that delivers into a destination of the app.

    Parameters
    ----------
    service:
        The service principal, e.g. ``s3.amazonaws.com``.
    how:
        The wiring in words, e.g. ``bucket Uploads notifies this topic``.
    needs:
        The KMS actions the service needs of the destination's key.
    source:
        The resource of the app on whose behalf the service delivers (for
        ``aws:SourceArn`` conditions), or None when the template does not say.
    certain:
        False where the wiring itself depends on a deploy-time value (a policy's
        ``Action`` from a parameter): a problem it would have is *cannot verify*.
    source_arn:
        The CDK expression of the source's ARN where the key policy may refer to it
        without a circular dependency (``bucket.bucket_arn`` behind CDK's notification
        custom resource); empty where it may not (an alarm or rule refers to the topic,
        which refers to the key).
    """

    service: str
    how: str
    needs: tuple[str, ...]
    source: ResourceKey | None = None
    source_arn: str = ""
    certain: bool = True


# -- what is wired into what (one relation per app) ------------------------------------------


def _branches(value: Any) -> Iterator[Any]:
    """*value*, or both branches of an ``Fn::If`` (recursively): wiring in any variant."""
    if intrinsic_name(value) == "Fn::If" and isinstance(value["Fn::If"], list):
        args = value["Fn::If"]
        if len(args) == 3:
            yield from _branches(args[1])
            yield from _branches(args[2])
            return
    if value is not None:
        yield value


def _items(value: Any) -> Iterator[Any]:
    """The items of a list property, through ``Fn::If`` branches."""
    for branch in _branches(value):
        if isinstance(branch, list):
            for item in branch:
                yield from _branches(item)
        else:
            yield branch


def _name(app: AppIndex, key: ResourceKey) -> str:
    """A resource as people named it: its construct path in the stack, else its logical id."""
    path, logical_id = key
    found = _template_at(app, path).construct_path(logical_id)
    if not found:
        return logical_id
    parts = found.split("/")[1:] or [logical_id]
    if len(parts) > 1 and parts[-1] in ("Resource", "Default"):
        parts = parts[:-1]
    return "/".join(parts)


def _template_at(app: AppIndex, path: str) -> Any:
    """The app's template at *path* (one dictionary per app, not a search per lookup)."""
    return app_cache(app, "wiring_templates_by_path", _templates_by_path)[path]


def _templates_by_path(app: AppIndex) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for template in app.templates:
        found.setdefault(template.path, template)  # the first, as a search would find
    return found


class _Wiring:
    """Collects the wires of an app: destination -> the services that deliver to it."""

    def __init__(self, app: AppIndex) -> None:
        self.app = app
        self.out: dict[ResourceKey, list[Wire]] = defaultdict(list)
        self._seen: set[tuple[ResourceKey, Wire]] = set()

    def put(self, dest: ResourceKey, wire: Wire) -> None:
        """*wire* into *dest*, once (in the order found)."""
        if (dest, wire) not in self._seen:
            self._seen.add((dest, wire))
            self.out[dest].append(wire)

    def add(self, value: Any, tpl: Any, kinds: tuple[str, ...], make: Any) -> None:
        """A wire to each resource of *kinds* that *value* names (``make(ref) -> Wire``)."""
        for item in _branches(value):
            for ref in self.app.resources_mentioned(item, tpl):
                if ref.type in kinds:
                    self.put(ref.key, make(ref))

    def each(self, resource_type: str) -> Iterator[tuple[Any, str, Mapping[str, Any]]]:
        for tpl in self.app.templates:
            for logical_id in tpl.by_type.get(resource_type, ()):
                yield tpl, logical_id, properties(tpl.resources[logical_id])


def _notifications(w: _Wiring, tpl: Any, config: Any, bucket: ResourceKey | None, via: str) -> None:
    """S3 event notifications to topics and queues (CloudFormation's and S3's names)."""

    def shown() -> str:  # named only for a wire found: most buckets notify nothing
        return _name(w.app, bucket) if bucket else "(a bucket outside the app)"

    for section, field_names, kind, noun in (
        ("TopicConfigurations", ("Topic", "TopicArn"), TOPIC, "topic"),
        ("QueueConfigurations", ("Queue", "QueueArn"), QUEUE, "queue"),
    ):
        for item in _items(dig(config, section)):
            for field_name in field_names:
                w.add(
                    dig(item, field_name),
                    tpl,
                    (kind,),
                    lambda _ref, noun=noun: Wire(
                        "s3.amazonaws.com",
                        f"bucket {shown()} notifies this {noun}{via}",
                        PUBLISH,
                        bucket,
                        # The bucket itself refers to the topic when it holds the configuration.
                        "bucket.bucket_arn" if via else "",
                    ),
                )


def _bucket_wires(w: _Wiring) -> None:
    for tpl, logical_id, props in w.each(BUCKET):
        me = (tpl.path, logical_id)
        _notifications(w, tpl, props.get("NotificationConfiguration"), me, "")
        target = dig(props, "LoggingConfiguration", "DestinationBucketName")
        w.add(
            target,
            tpl,
            (BUCKET,),
            lambda _ref, me=me: Wire(
                "logging.s3.amazonaws.com",
                f"bucket {_name(w.app, me)} delivers its server access logs here",
                WRITE_OBJECTS,
                me,
            ),
        )
    for tpl, logical_id, props in w.each("Custom::S3BucketNotifications"):
        buckets = [
            ref.key
            for ref in w.app.resources_mentioned(props.get("BucketName"), tpl)
            if ref.type == BUCKET
        ]
        bucket = buckets[0] if buckets else None
        via = f" (through {_name(w.app, (tpl.path, logical_id))})"
        _notifications(w, tpl, props.get("NotificationConfiguration"), bucket, via)


def _rule_wires(w: _Wiring) -> None:
    for tpl, logical_id, props in w.each("AWS::Events::Rule"):
        me = (tpl.path, logical_id)
        for target in _items(props.get("Targets")):
            w.add(
                dig(target, "Arn"),
                tpl,
                (TOPIC, QUEUE),
                lambda ref, me=me: Wire(
                    "events.amazonaws.com",
                    f"rule {_name(w.app, me)} targets this "
                    f"{'topic' if ref.type == TOPIC else 'queue'}",
                    PUBLISH,
                    me,
                ),
            )
            w.add(
                dig(target, "DeadLetterConfig", "Arn"),
                tpl,
                (QUEUE,),
                lambda _ref, me=me: Wire(
                    "events.amazonaws.com",
                    f"rule {_name(w.app, me)} sends undelivered events to this queue",
                    PUBLISH,
                    me,
                ),
            )


_ALARM_ACTIONS = ("AlarmActions", "OKActions", "InsufficientDataActions")


def _alarm_wires(w: _Wiring) -> None:
    for alarm_type in ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"):
        for tpl, logical_id, props in w.each(alarm_type):
            me = (tpl.path, logical_id)
            for prop in _ALARM_ACTIONS:
                for action in _items(props.get(prop)):
                    w.add(
                        action,
                        tpl,
                        (TOPIC,),
                        lambda _ref, me=me, prop=prop: Wire(
                            "cloudwatch.amazonaws.com",
                            f"alarm {_name(w.app, me)} notifies this topic ({prop})",
                            PUBLISH,
                            me,
                        ),
                    )


def _is_sqs(r_value: Any) -> bool:
    """A subscription protocol that may be ``sqs`` (one from a parameter may be)."""
    return not isinstance(r_value, str) or r_value.lower() == "sqs"


def _subscription_wires(w: _Wiring) -> None:
    for tpl, logical_id, props in w.each("AWS::SNS::Subscription"):
        topics = [
            ref.key
            for ref in w.app.resources_mentioned(props.get("TopicArn"), tpl)
            if ref.type == TOPIC
        ]
        topic = topics[0] if topics else None
        shown = _name(w.app, topic) if topic else "(a topic outside the app)"
        if _is_sqs(props.get("Protocol")):
            w.add(
                props.get("Endpoint"),
                tpl,
                (QUEUE,),
                lambda _ref, shown=shown, topic=topic, lid=logical_id: Wire(
                    "sns.amazonaws.com",
                    f"topic {shown} delivers to this queue (subscription {lid})",
                    PUBLISH,
                    topic,
                ),
            )
        redrive = props.get("RedrivePolicy")
        if isinstance(redrive, str):
            redrive = None  # a JSON string: CDK writes an object
        w.add(
            dig(redrive, "deadLetterTargetArn"),
            tpl,
            (QUEUE,),
            lambda _ref, shown=shown, topic=topic, lid=logical_id: Wire(
                "sns.amazonaws.com",
                f"subscription {lid} of topic {shown} sends undeliverable messages to this queue",
                PUBLISH,
                topic,
            ),
        )
    for tpl, logical_id, props in w.each(TOPIC):
        me = (tpl.path, logical_id)
        for item in _items(props.get("Subscription")):
            if _is_sqs(dig(item, "Protocol")):
                w.add(
                    dig(item, "Endpoint"),
                    tpl,
                    (QUEUE,),
                    lambda _ref, me=me: Wire(
                        "sns.amazonaws.com",
                        f"topic {_name(w.app, me)} delivers to this queue (its Subscription)",
                        PUBLISH,
                        me,
                    ),
                )


#: Destination type -> (its policies' relation, policy property naming it, what a service
#: granted one of these actions delivers, the KMS actions it then needs).
_POLICY_GRANTS: dict[str, tuple[str, tuple[tuple[str, str, tuple[str, ...]], ...]]] = {
    TOPIC: ("topic_policies", (("sns:Publish", "publish to this topic", PUBLISH),)),
    QUEUE: ("queue_policies", (("sqs:SendMessage", "send to this queue", PUBLISH),)),
    BUCKET: (
        "bucket_policies",
        (
            ("s3:PutObject", "write objects to this bucket", WRITE_OBJECTS),
            ("s3:GetObject", "read objects of this bucket", READ_OBJECTS),
        ),
    ),
}
_POLICY_NOUN = {TOPIC: "topic policy", QUEUE: "queue policy", BUCKET: "bucket policy"}


def _literal_services(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping) or intrinsic_name(principal) is not None:
        return []
    services = {str(k).lower(): v for k, v in principal.items()}.get("service")
    return [s.lower() for s in as_list(services) if isinstance(s, str)]


def _policy_wires(w: _Wiring) -> None:
    """Services a topic, queue or bucket policy allows to deliver (the policy's intent)."""
    for kind, (relation, grants) in _POLICY_GRANTS.items():
        attached: Mapping[ResourceKey, list[tuple[Any, str]]] = getattr(w.app, relation)
        for dest, policies in attached.items():
            if _type_of(w.app, dest) != kind:
                continue
            explicit = {(wire.service, wire.needs) for wire in w.out.get(dest, [])}
            for tpl, logical_id in policies:
                document = properties(tpl.resources[logical_id]).get("PolicyDocument")
                for statement in _readable(document):
                    if statement.get("Effect") != "Allow":
                        continue
                    # Actions in any Fn::If branch; one known only at deploy time may
                    # be the delivery: a wire that is not certain.
                    raw = list(_items(statement.get("Action")))
                    granted = [a.lower() for a in raw if isinstance(a, str)]
                    unknown = len(granted) < len(raw)
                    for service in _literal_services(statement):
                        for action, verb, needs in grants:
                            if (service, needs) in explicit:
                                continue
                            certain = action_covers(granted, action)
                            if not (certain or unknown):
                                continue
                            how = (
                                f"the {_POLICY_NOUN[kind]} {logical_id} allows {service} "
                                f"to {verb} ({action})"
                                if certain
                                else f"the {_POLICY_NOUN[kind]} {logical_id} allows {service} "
                                f"actions known only at deploy time, which may let it {verb}"
                            )
                            w.put(dest, Wire(service, how, needs, certain=certain))


def _readable(document: Any) -> list[Mapping[str, Any]]:
    """The literal statements of a policy (a statement from a parameter says nothing)."""
    if isinstance(document, str) or intrinsic_name(document) is not None:
        return []
    return [s for s in statements(document) if isinstance(s.get("Effect"), str)]


def _type_of(app: AppIndex, key: ResourceKey) -> str:
    return str(_template_at(app, key[0]).resources[key[1]].get("Type"))


def _wires(app: AppIndex) -> dict[ResourceKey, list[Wire]]:
    """Destination (topic, queue, bucket) -> the AWS services that deliver into it."""
    w = _Wiring(app)
    _bucket_wires(w)
    _rule_wires(w)
    _alarm_wires(w)
    _subscription_wires(w)
    _policy_wires(w)
    return dict(w.out)


def wires_of(r: ResourceView) -> list[Wire]:
    """The services wired into *r* (computed once per app)."""
    return app_cache(r.app, "wiring_wires", _wires).get(r.key, [])


# -- which key protects the destination ------------------------------------------------------


@dataclass(frozen=True)
class _Managed:
    """The destination uses an AWS managed key (named as written)."""

    name: str


def _key_of(r: ResourceView, value: Any, what: str) -> ResourceRef | _Managed:
    """The ``AWS::KMS::Key`` of the app behind *value*, or the AWS managed key it names.

    Raises :class:`CannotVerify` for a key whose policy is not in the app: a literal key
    ARN or alias, an import from outside the app, a parameter, an alias of the app whose
    target is not a key of the app.
    """
    ref = r.follow(value, what)
    if isinstance(ref, ResourceRef):
        if ref.type == KEY:
            return ref
        if ref.type == "AWS::KMS::Alias":
            alias = properties(ref.resource)
            name = alias.get("AliasName")
            if isinstance(name, str) and _aws_managed(name):
                return _Managed(name)
            target = r.app.follow(alias.get("TargetKeyId"), ref.template, "TargetKeyId")
            if isinstance(target, ResourceRef) and target.type == KEY:
                return target
        raise CannotVerify(
            f"{what} is {ref.logical_id} ({ref.type}), not a KMS key of the app, so whether "
            "its key policy lets the wired-in services use it cannot be verified",
            f"Properties.{what}",
        )
    texts = r.texts(value)
    if texts and all(_aws_managed(render(text, unknown="")) for text in texts):
        return _Managed(render(texts[0], unknown="${?}"))
    raise CannotVerify(
        f"{what} is {_external(ref)}: its key policy is not in the template, so whether it "
        "lets the wired-in services use the key cannot be verified",
        f"Properties.{what}",
    )


def _external(ref: ExternalRef) -> str:
    return f"the key {ref.literal!r}" if ref.literal is not None else ref.description


# -- does a key policy let a service use the key ----------------------------------------------

#: Condition keys that a request from a service principal does not carry: a positive
#: condition on one never matches it.
_PRINCIPAL_KEYS = (
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalarn",
    "aws:principaltag/",
    "aws:userid",
    "aws:username",
)
_MATCHING = ("stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike")
_NEGATED = (
    "stringnotequals",
    "stringnotequalsignorecase",
    "stringnotlike",
    "arnnotequals",
    "arnnotlike",
)


@dataclass(frozen=True)
class _Request:
    """The KMS request a wired-in service makes."""

    service: str
    action: str
    source: ResourceKey | None


def _principal_key(key: str) -> bool:
    return any(key == k or (k.endswith("/") and key.startswith(k)) for k in _PRINCIPAL_KEYS)


def _names_only_others(view: ResourceView, values: list[Any], source: ResourceKey) -> bool:
    """Whether every value is a plain ``Ref``/``GetAtt`` of app resources other than *source*."""
    if not values:
        return False
    for value in values:
        if intrinsic_name(value) not in ("Ref", "Fn::GetAtt", "Fn::ImportValue"):
            return False
        refs = [ref.key for ref in view.app.resources_mentioned(value, view.template)]
        if not refs or source in refs:
            return False
    return True


def _names_source(view: ResourceView, values: list[Any], source: ResourceKey) -> bool:
    return any(
        source == ref.key
        for value in values
        for ref in view.app.resources_mentioned(value, view.template)
    )


def _is_own_account(view: ResourceView, values: list[Any]) -> bool:
    """Whether the values are the deploying account (``AWS::AccountId``)."""
    return bool(values) and all(
        text == (Placeholder("pseudo", "AWS::AccountId"),)
        for value in values
        for text in view.texts(value)
    )


def _clause(
    view: ResourceView, operator: str, key: str, values: list[Any], request: _Request
) -> bool | None:
    """Whether one condition clause holds for the service's request; None: cannot tell.

    Decided only where it is cheap and certain: TLS (services call over TLS), keys a
    service principal's request never carries, the service's own name, the deploying
    account as source account, and a source ARN that names resources of the app.
    """
    op = operator.lower().removeprefix("foranyvalue:")
    if_exists = op.endswith("ifexists")
    base = op.removesuffix("ifexists")
    texts = [str(v).lower() for v in values if isinstance(v, str | bool)]
    if key == "aws:securetransport" and base == "bool":
        return "true" in texts if texts else None
    if key == "aws:principalisawsservice" and base == "bool":
        return "true" in texts if texts else None
    if key == "aws:principalservicename" and base in _MATCHING + _NEGATED:
        named = request.service in texts
        return named if base in _MATCHING else not named
    if _principal_key(key):
        if base == "null":
            return "true" in texts if texts else None
        # Absent: a positive test fails (unless ...IfExists), a negated one holds.
        return if_exists or base not in _MATCHING
    if key in ("aws:sourceaccount", "aws:sourceowner") and _is_own_account(view, values):
        if base in _MATCHING:
            return True
        if base in _NEGATED:
            return False
    if key == "aws:sourcearn" and request.source is not None:
        if _names_source(view, values, request.source):
            return base in _MATCHING if base in _MATCHING + _NEGATED else None
        if _names_only_others(view, values, request.source):
            return base in _NEGATED if base in _MATCHING + _NEGATED else None
    return None


def _conditions(view: ResourceView, statement: Mapping[str, Any], request: _Request) -> bool | None:
    """Whether every clause of the statement's ``Condition`` holds (None: cannot tell)."""
    condition = statement.get("Condition")
    if condition is None:
        return True
    if not isinstance(condition, Mapping) or intrinsic_name(condition) is not None:
        return None
    answer: bool | None = True
    for operator, clauses in condition.items():
        if not isinstance(clauses, Mapping) or intrinsic_name(clauses) is not None:
            answer = None
            continue
        for key, value in clauses.items():
            held = _clause(view, str(operator), str(key).lower(), as_list(value), request)
            if held is False:
                return False
            if held is None:
                answer = None
    return answer


def _service_principal(
    view: ResourceView, statement: Mapping[str, Any], what: str, service: str
) -> bool | None:
    """Whether the statement's principal includes the service (None: a deploy-time value)."""
    if "NotPrincipal" in statement:
        excluded = _literal_services({"Principal": statement["NotPrincipal"]})
        return service not in excluded if statement.get("Effect") == "Deny" else False
    if principal_is_everyone(statement, view, what):
        return True
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping) or intrinsic_name(principal) is not None:
        return False
    names = {str(k).lower(): v for k, v in principal.items()}.get("service")
    maybe = False
    for value in as_list(names):
        for text in view.texts(value):
            if any(isinstance(p, Placeholder) and p.kind == "unknown" for p in text):
                maybe = True
                continue
            name = render(text).replace("${AWS::URLSuffix}", "amazonaws.com").lower()
            if name == service:
                return True
    return None if maybe else False


def _covers_action(
    view: ResourceView, statement: Mapping[str, Any], what: str, action: str
) -> bool:
    if "NotAction" in statement:
        excluded = [
            str(view.literal(a, f"{what}.NotAction")).lower()
            for a in as_list(statement.get("NotAction"))
        ]
        return not action_covers(excluded, action)
    return action_covers(actions(statement, view, what), action)


def _covers_key(view: ResourceView, statement: Mapping[str, Any], what: str) -> bool | None:
    if "NotResource" in statement:
        return None
    resources = as_list(statement.get("Resource"))
    if any(may_be_wildcard(view, item, f"{what}.Resource") for item in resources):
        return True
    forms = [f"${{{view.logical_id}.Arn}}", f"${{{view.logical_id}}}"]
    return covers([flatten(item) for item in resources], forms)


def _applies(
    view: ResourceView, statement: Mapping[str, Any], what: str, request: _Request
) -> bool | None:
    """Whether the statement speaks to the service's request (None: cannot tell)."""
    answers: list[bool | None] = []
    parts: tuple[Callable[[], bool | None], ...] = (
        lambda: _service_principal(view, statement, what, request.service),
        lambda: _covers_action(view, statement, what, request.action),
        lambda: _covers_key(view, statement, what),
        lambda: _conditions(view, statement, request),
    )
    for part in parts:
        try:
            answer = part()
        except CannotVerify:
            answer = None
        if answer is False:
            return False
        answers.append(answer)
    return True if all(a is True for a in answers) else None


def _allowed(view: ResourceView, request: _Request) -> tuple[bool | None, str]:
    """Whether the key policy lets the service make the request, and if not, why not.

    An ``Allow`` whose conditions cannot be decided counts (conditions on a grant are
    fine); a ``Deny`` that may apply makes the answer None.
    """
    document = statements(policy_document(view, "KeyPolicy"))
    allowed: bool | None = False
    denied: bool | None = False
    why = "no statement allows it"
    for i, statement in enumerate(document):
        what = f"KeyPolicy.Statement[{i}]"
        try:
            kind = effect(statement, view, what)
        except CannotVerify as exc:
            allowed = True if allowed is True else None
            denied = True if denied is True else None
            why = exc.message
            continue
        if kind == "Allow":
            applies = _applies(view, statement, what, request)
            if applies is None:
                # Conditions on a grant are fine: judge the rest of the statement alone.
                loose = {k: v for k, v in statement.items() if k != "Condition"}
                applies = _applies(view, loose, what, request)
            if applies is True:
                allowed = True
            elif applies is None and allowed is False:
                allowed = None
                why = f"{what} may allow it, depending on a value known only at deploy time"
        elif kind == "Deny":
            applies = _applies(view, statement, what, request)
            if applies is True:
                return False, f"{what} denies it"
            if applies is None and denied is False:
                denied = None
                why = f"{what} may deny it (its principal, actions or conditions are not known)"
    if allowed is True and denied is False:
        return True, ""
    if allowed is False:
        return False, why
    return None, why


def _reasons(missing: list[tuple[str, str]]) -> list[str]:
    """``[(action, why with 'it')]`` as sentences, one per reason: 'no statement allows A and B'."""
    by_why: dict[str, list[str]] = {}
    for action, why in missing:
        by_why.setdefault(why, []).append(action)
    return [re.sub(r"\bit\b", " and ".join(names), why, count=1) for why, names in by_why.items()]


def _verdict(ref: ResourceRef, r: ResourceView, wire: Wire) -> tuple[bool | None, str]:
    """Whether the key lets the wire's service do all it needs, across ``Fn::If`` variants."""
    per_variant: list[tuple[dict[str, bool], bool | None, list[str]]] = []
    for choice, variant in variants(ref.resource):
        view = ResourceView(ref.logical_id, variant, ref.template, r.app, choice)
        results = [
            (action, *_allowed(view, _Request(wire.service, action.lower(), wire.source)))
            for action in wire.needs
        ]
        reasons = _reasons([(action, why) for action, ok, why in results if ok is not True])
        oks = [ok for _action, ok, _why in results]
        verdict = True if all(oks) else False if False in oks else None
        per_variant.append((choice, verdict, reasons))
    verdicts = {verdict for _choice, verdict, _reasons in per_variant}
    if verdicts == {True}:
        return True, ""
    if verdicts == {False}:
        reasons = [why for _choice, _v, found in per_variant for why in found]
        return False, "; ".join(dict.fromkeys(reasons))
    for choice, verdict, reasons in per_variant:
        if verdict is not True:
            when = ", ".join(f"{k} is {str(v).lower()}" for k, v in choice.items())
            return None, "; ".join(reasons) + (f" (when {when})" if when else "")
    return None, ""  # pragma: no cover - some variant is not True


# -- the rules ---------------------------------------------------------------------------------


def _fix(wire: Wire) -> str:
    """A CDK statement that lets the wire's service use the key, tied to its source."""
    granted = ", ".join(
        f'"{a}*"' if a == "kms:GenerateDataKey" else f'"{a}"'
        for a in ("kms:GenerateDataKey", "kms:Decrypt")
    )
    condition = (
        f'{{"ArnLike": {{"aws:SourceArn": {wire.source_arn}}}}}'
        if wire.source_arn
        else '{"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}}'
    )
    return (
        "key.add_to_resource_policy(iam.PolicyStatement(principals=[iam.ServicePrincipal("
        f'"{wire.service}")], actions=[{granted}], resources=["*"], conditions={condition}))'
    )


def _judge(r: ResourceView, value: Any, what: str, noun: str, unset: str = "") -> Iterator[Problem]:
    """Problems of a destination encrypted with *value*; *unset* says an implied key."""
    wires = wires_of(r)
    if not wires or value is None:
        return
    path = f"Properties.{what}"
    try:
        key = _key_of(r, value, what)
    except CannotVerify as exc:
        services = ", ".join(dict.fromkeys(w.service for w in wires))
        if "key policy" in exc.message:
            raise CannotVerify(f"{wires[0].how}; {exc.message} ({services})", path) from None
        raise CannotVerify(
            f"{wires[0].how}; {exc.message}, so whether its key policy lets {services} use "
            "the key cannot be verified",
            path,
        ) from None
    if isinstance(key, _Managed):
        services = ", ".join(dict.fromkeys(w.service for w in wires))
        uses = unset or f"{what} is the AWS managed key {key.name!r}"
        for wire in wires:
            if not wire.certain:
                raise CannotVerify(
                    f"{uses}, which no AWS service principal may use, and {wire.how}", path
                )
            yield Problem(
                f"{uses}, whose key policy no one can "
                f"change and which no AWS service principal may use, but {wire.how}: "
                f"{wire.service} can never deliver, and every delivery fails silently. Use a "
                f"customer-managed key whose policy allows {services}",
                path,
            )
        return
    first: CannotVerify | None = None
    failing: dict[tuple[str, str, str, str], list[str]] = {}
    for wire in wires:
        ok, why = _verdict(key, r, wire)
        if ok is True:
            continue
        key_name = _name(r.app, key.key)
        shown = " and ".join(wire.needs)
        if ok is False and not wire.certain:
            first = first or CannotVerify(
                f"{wire.how}, and the key policy of {key_name} does not let {wire.service} "
                f"use the key ({why})",
                path,
            )
            continue
        if ok is None:
            first = first or CannotVerify(
                f"{wire.how}, and whether the key policy of {key_name} lets "
                f"{wire.service} use {shown} cannot be verified ({why})",
                path,
            )
            continue
        failing.setdefault((key_name, wire.service, why, _fix(wire)), []).append(wire.how)
    for (key_name, service, why, fix), hows in failing.items():
        yield Problem(
            f"{what} is the key {key_name}, whose key policy does not let {service} use it "
            f"({why}), but {_listed(hows)}: every delivery to this {noun} fails silently. "
            f"Fix: {fix}",
            path,
        )
    if first is not None:
        raise first


def _listed(hows: list[str], most: int = 3) -> str:
    """Wirings in one sentence: 'a; b; c and 2 more'."""
    unique = list(dict.fromkeys(hows))
    shown = "; ".join(unique[:most])
    return f"{shown} and {len(unique) - most} more" if len(unique) > most else shown


def _encrypted_by(r: ResourceView, value: Any, what: str) -> bool:
    """Whether a KMS key property may name a key (then the key is judged)."""
    if not wires_of(r):
        return False
    try:
        return kms_encrypted(r, value, what)
    except CannotVerify:
        return True  # known only at deploy time: judging the key says where it comes from


def _topic(r: ResourceView) -> Iterator[Problem]:
    value = r.props.get("KmsMasterKeyId")
    if _encrypted_by(r, value, "KmsMasterKeyId"):
        yield from _judge(r, value, "KmsMasterKeyId", "topic")


def _queue(r: ResourceView) -> Iterator[Problem]:
    value = r.props.get("KmsMasterKeyId")
    if _encrypted_by(r, value, "KmsMasterKeyId"):
        yield from _judge(r, value, "KmsMasterKeyId", "queue")


_BY_DEFAULT = "BucketEncryption.ServerSideEncryptionConfiguration[{}].ServerSideEncryptionByDefault"


def _bucket(r: ResourceView) -> Iterator[Problem]:
    if not wires_of(r):
        return
    rules = dig(r.props, "BucketEncryption", "ServerSideEncryptionConfiguration")
    for i, rule in enumerate(as_list(rules)):
        default = dig(rule, "ServerSideEncryptionByDefault")
        if default is None:
            continue
        where = _BY_DEFAULT.format(i)
        algorithm = str(r.literal(dig(default, "SSEAlgorithm"), f"{where}.SSEAlgorithm"))
        if not algorithm.lower().startswith("aws:kms"):
            return
        key = dig(default, "KMSMasterKeyID")
        unset = ""
        if key is None:  # SSE-KMS without a key id: the AWS managed key aws/s3
            key = "alias/aws/s3"
            unset = f"{where}.KMSMasterKeyID is not set, so S3 uses the AWS managed key aws/s3"
        yield from _judge(r, key, f"{where}.KMSMasterKeyID", "bucket", unset)
        return


_WHY = (
    "The service publishes as its service principal, which is not an identity of your "
    "account: only the key policy can let it use the key, and IAM policies or the {noun} "
    "policy cannot. Without kms:GenerateDataKey and kms:Decrypt for it, {what} are dropped "
    "without any error at deploy time{extra}. AWS managed keys ({managed}) never allow "
    "another service: that is a plain finding. A key whose policy is not in the app (an "
    "ARN, an alias, a parameter, an import from outside the app) is cannot verify."
)
_FIX = (
    "Add to the key policy a grant for the service, tied to the source: for "
    "bucket.add_event_notification, key.add_to_resource_policy(iam.PolicyStatement("
    'principals=[iam.ServicePrincipal("s3.amazonaws.com")], actions=['
    '"kms:GenerateDataKey*", "kms:Decrypt"], resources=["*"], conditions={"ArnLike": '
    '{"aws:SourceArn": bucket.bucket_arn}})); for events.amazonaws.com, '
    "cloudwatch.amazonaws.com and sns.amazonaws.com the same statement with "
    'conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}} (a reference to '
    "the alarm or rule in the key policy is a circular dependency: alarm -> topic -> key "
    "-> alarm). Replace an AWS managed key with a customer-managed kms.Key."
)

RULES = (
    Rule(
        id="SC-WIRE-1",
        title="Encrypted SNS topics let the services that publish to them use the key",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=(TOPIC,),
        rationale="S3 event notifications, EventBridge rules and CloudWatch alarms publish "
        "to a topic as s3.amazonaws.com, events.amazonaws.com and cloudwatch.amazonaws.com. "
        + _WHY.format(
            noun="topic",
            what="alarm notifications, events and object notifications",
            extra=" (CDK's cw_actions.SnsAction and s3n.SnsDestination do not add the grant)",
            managed="alias/aws/sns",
        )
        + " Detection: the alarms and security events routed to the topic never reach "
        "anyone.",
        fix=_FIX,
        check=_topic,
        nist_800_53=("SI-4", "IR-6", "AU-5"),
    ),
    Rule(
        id="SC-WIRE-2",
        title="Encrypted SQS queues let the services that send to them use the key",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=(QUEUE,),
        rationale="S3 event notifications, EventBridge rules (targets and dead-letter "
        "queues) and SNS subscriptions send to a queue as s3.amazonaws.com, "
        "events.amazonaws.com and sns.amazonaws.com. "
        + _WHY.format(
            noun="queue",
            what="messages, events and notifications",
            extra="",
            managed="alias/aws/sqs",
        ),
        fix=_FIX,
        check=_queue,
        nist_800_53=("SI-4", "AU-5"),
    ),
    Rule(
        id="SC-WIRE-3",
        title="Buckets encrypted by default with KMS let the services that deliver to them "
        "use the key",
        pillar=Pillar.DETECTION,
        severity=Severity.WARNING,
        resource_types=(BUCKET,),
        rationale="A bucket policy that lets a service principal write objects (server "
        "access logs, VPC flow logs, CloudTrail, AWS Config) or read them (CloudFront "
        "origin access control), and server access logging into the bucket, need the "
        "bucket's default key to allow that service (kms:GenerateDataKey to write, "
        "kms:Decrypt to read): otherwise logs are not delivered and reads fail. The AWS "
        "managed key aws/s3 (SSE-KMS without a key id) allows no other service. A warning: "
        "a writer that encrypts with a key of its own (a trail's KMSKeyId, a Config "
        "delivery channel's S3KmsKeyArn) does not use the bucket's default key.",
        fix="Add to the bucket's key policy key.add_to_resource_policy(iam.PolicyStatement("
        'principals=[iam.ServicePrincipal("delivery.logs.amazonaws.com")], '
        'actions=["kms:GenerateDataKey*", "kms:Decrypt"], resources=["*"], conditions='
        '{"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}})), with the service the '
        "bucket policy names; or use SSE-S3 on log buckets.",
        check=_bucket,
        nist_800_53=("AU-9", "AU-5"),
    ),
)
