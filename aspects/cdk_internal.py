"""The Lambda functions aws-cdk-lib creates on its own, and one reasoned way to accept them.

Some L2 options make CDK add a function of its own to the stack: ``s3.Bucket(
auto_delete_objects=True)`` adds the ``Custom::S3AutoDeleteObjectsCustomResourceProvider``
handler, ``bucket.add_event_notification(...)`` adds ``BucketNotificationsHandler...``,
``log_retention=`` adds ``LogRetention...``. Most are *singletons* (one per stack, a direct
child of the stack, with a construct id CDK fixes) and CDK offers no option for their
tracing or logging, so SC-LAMBDA-1/6/7/8 report them with a hash-like name the user never
wrote.

:data:`CDK_INTERNAL_FUNCTIONS` lists them as data: the construct id, the L2 option that
creates the function, and what actually works against each finding (every remedy is
synthesized by ``tests/test_cdk_internal.py``). The Lambda rules add that to their message.
Where nothing works, :func:`acknowledge_cdk_internal` accepts exactly those rules on
exactly those functions, with a reason.

The data and :func:`recognise` are pure Python (the rules use them without jsii); only
:func:`acknowledge_cdk_internal` imports ``aws_cdk``, when it is called.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aspects.constants import MIN_REASON_LENGTH, PLUGIN_NAME
from aspects.errors import Issue, SecureConstructsError

if TYPE_CHECKING:
    from constructs import IConstruct

    from aspects.index import ResourceView

#: The rules :func:`acknowledge_cdk_internal` may accept: those about a function's own
#: environment, tracing, logging and failed invocations, which a CDK singleton's L2 does
#: not let you set (a rule about what the function may *do*, such as its role, is never
#: accepted this way).
CDK_INTERNAL_RULES: tuple[str, ...] = ("SC-LAMBDA-1", "SC-LAMBDA-6", "SC-LAMBDA-7", "SC-LAMBDA-8")

_ACCEPT = "accept it with aspects.acknowledge_cdk_internal(stack, reason)"


@dataclass(frozen=True)
class CdkInternalFunction:
    """A Lambda function aws-cdk-lib adds to a stack on its own.

    Parameters
    ----------
    name:
        What the function is, in words.
    construct_id:
        The id of its construct, a direct child of the stack (the function's own resource
        is ``<id>/Resource`` or, for ``cdk.CustomResourceProvider``, ``<id>/Handler``).
    created_by:
        The L2 option (or construct) that makes CDK add it.
    remedies:
        Rule id -> the L2 option that makes the function pass that rule (each is
        synthesized by the tests). A rule absent here has no remedy but accepting.
    without:
        How to do without the function at all, and what that costs ("" if there is no
        such way short of dropping the feature).
    prefix:
        True if *construct_id* is a prefix (CDK appends a suffix, e.g. the memory size of
        a BucketDeployment handler).
    """

    name: str
    construct_id: str
    created_by: str
    remedies: Mapping[str, str] = field(default_factory=dict, hash=False)
    without: str = ""
    prefix: bool = False

    def matches(self, construct_id: str) -> bool:
        """Whether *construct_id* (the child of the stack) is this function's."""
        if self.prefix:
            return construct_id.startswith(self.construct_id)
        return construct_id == self.construct_id

    def advice(self, rule_id: str) -> str:
        """What works against *rule_id*'s finding on this function, in one clause."""
        remedy = self.remedies.get(rule_id)
        if remedy:
            return remedy
        if self.without:
            return f"no CDK option configures it for this; {self.without}, or {_ACCEPT}"
        return f"no CDK option configures it for this: {_ACCEPT}"


_LOG_GROUP_FIRST = (
    "pass log_group=logs.LogGroup(..., encryption_key=key, retention=...) on the {what} "
    "created first in the stack (the function is shared: the first one's options are used)"
)

#: Every CDK-internal function the guardrails recognise, in the order they are matched.
CDK_INTERNAL_FUNCTIONS: tuple[CdkInternalFunction, ...] = (
    CdkInternalFunction(
        name="S3 auto-delete-objects provider",
        construct_id="Custom::S3AutoDeleteObjectsCustomResourceProvider",
        created_by="s3.Bucket(auto_delete_objects=True)",
        without="drop auto_delete_objects=True (a retained bucket needs no emptying; empty "
        "a bucket you delete by hand or with a lifecycle rule)",
    ),
    CdkInternalFunction(
        name="S3 bucket-notifications handler",
        construct_id="BucketNotificationsHandler050a0587b7544547bf325f094a3db834",
        created_by="s3.Bucket.add_event_notification(...) (and add_object_created_notification"
        "/add_object_removed_notification, or s3.Bucket(event_bridge_enabled=True))",
    ),
    CdkInternalFunction(
        name="log-retention provider",
        construct_id="LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a",
        created_by="log_retention= (lambda.Function and the constructs that pass it on, such "
        "as AwsCustomResource, BucketDeployment and custom_resources.Provider)",
        without="pass log_group=logs.LogGroup(..., retention=...) instead of log_retention= "
        "(deprecated in CDK): no retention function is then created",
    ),
    CdkInternalFunction(
        name="restrict-default-security-group provider",
        construct_id="Custom::VpcRestrictDefaultSGCustomResourceProvider",
        created_by="ec2.Vpc(restrict_default_security_group=True) (the default under "
        "@aws-cdk/aws-ec2:restrictDefaultSecurityGroup)",
    ),
    CdkInternalFunction(
        name="AwsCustomResource handler",
        construct_id="AWS679f53fac002430cb0da5b7982bd2287",
        created_by="custom_resources.AwsCustomResource",
        remedies={"SC-LAMBDA-7": _LOG_GROUP_FIRST.format(what="AwsCustomResource")},
    ),
    CdkInternalFunction(
        name="BucketDeployment handler",
        construct_id="Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C",
        created_by="s3_deployment.BucketDeployment",
        remedies={"SC-LAMBDA-7": _LOG_GROUP_FIRST.format(what="BucketDeployment")},
        prefix=True,
    ),
    CdkInternalFunction(
        name="ECR auto-delete-images provider",
        construct_id="Custom::ECRAutoDeleteImagesCustomResourceProvider",
        created_by="ecr.Repository(auto_delete_images=True) (deprecated in CDK)",
        without="pass empty_on_delete=True instead (CloudFormation's own EmptyOnDelete, no "
        "function)",
    ),
    CdkInternalFunction(
        name="IAM OpenID Connect provider handler",
        construct_id="Custom::AWSCDKOpenIdConnectProviderCustomResourceProvider",
        created_by="iam.OpenIdConnectProvider",
        without="use iam.OidcProviderNative (a native AWS::IAM::OIDCProvider, no function)",
    ),
    CdkInternalFunction(
        name="EventBridge AwsApi target handler",
        construct_id="AWSb4cf1abd4e4f4bc699441af7ccd9ec37",
        created_by="events_targets.AwsApi",
    ),
    CdkInternalFunction(
        name="SES drop-spam handler",
        construct_id="SingletonLambda224e77f9a32e4b4dac32983477abba16",
        created_by="ses.ReceiptRuleSet(drop_spam=True) (ses.DropSpamReceiptRule)",
    ),
    CdkInternalFunction(
        name="triggers provider",
        construct_id="AWSCDK.TriggerCustomResourceProviderCustomResourceProvider",
        created_by="triggers.Trigger / triggers.TriggerFunction",
    ),
    CdkInternalFunction(
        name="Route 53 delete-existing-record-set provider",
        construct_id="Custom::DeleteExistingRecordSetCustomResourceProvider",
        created_by="a route53 record with delete_existing=True",
        without="drop delete_existing=True (deprecated in CDK: it can delete records when a "
        "deployment fails)",
    ),
    CdkInternalFunction(
        name="Route 53 cross-account zone delegation provider",
        construct_id="Custom::CrossAccountZoneDelegationCustomResourceProvider",
        created_by="route53.CrossAccountZoneDelegationRecord",
    ),
    CdkInternalFunction(
        name="cross-region export writer",
        construct_id="Custom::CrossRegionExportWriterCustomResourceProvider",
        created_by="cdk.Stack(cross_region_references=True)",
    ),
    CdkInternalFunction(
        name="cross-region export reader",
        construct_id="Custom::CrossRegionExportReaderCustomResourceProvider",
        created_by="cdk.Stack(cross_region_references=True)",
    ),
    CdkInternalFunction(
        name="CloudFront cross-region parameter reader",
        construct_id="Custom::CrossRegionStringParameterReaderCustomResourceProvider",
        created_by="cloudfront.experimental.EdgeFunction",
    ),
    CdkInternalFunction(
        name="Synthetics auto-delete-underlying-resources provider",
        construct_id="Custom::SyntheticsAutoDeleteUnderlyingResourcesCustomResourceProvider",
        created_by="synthetics.Canary(cleanup=synthetics.Cleanup.LAMBDA)",
        without="pass provisioned_resource_cleanup=True instead of the deprecated cleanup= "
        "(CloudFormation then deletes the canary's function, with no provider)",
    ),
    CdkInternalFunction(
        name="CfnUtils provider",
        construct_id="AWSCDKCfnUtilsProviderCustomResourceProvider",
        created_by="cdk.CfnJson (used inside some L2s, e.g. EKS)",
    ),
)

#: Any other ``cdk.CustomResourceProvider``: CDK names its construct ``<type>
#: CustomResourceProvider`` and its function ``Handler``, and offers no tracing or logging
#: option for it (a library's or your own: the Provider framework, ``custom_resources.
#: Provider``, takes a log group).
GENERIC_PROVIDER = CdkInternalFunction(
    name="cdk.CustomResourceProvider handler",
    construct_id="",
    created_by="a construct that uses cdk.CustomResourceProvider",
    prefix=True,
)

_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")
_HASH_SUFFIX = re.compile(r"[0-9A-F]{8}")


def recognise_path(stack_path: str, construct_path: str) -> CdkInternalFunction | None:
    """The CDK-internal function whose resource is at *construct_path*, if it is one."""
    prefix = f"{stack_path}/" if stack_path else ""
    if not construct_path.startswith(prefix):
        return None
    parts = construct_path[len(prefix) :].split("/")
    if len(parts) != 2 or parts[1] not in ("Resource", "Handler"):
        return None
    for known in CDK_INTERNAL_FUNCTIONS:
        if known.matches(parts[0]):
            return known
    if parts[1] == "Handler" and parts[0].endswith("CustomResourceProvider"):
        return GENERIC_PROVIDER
    return None


def recognise_logical_id(logical_id: str) -> CdkInternalFunction | None:
    """The same from a logical id alone (a template without CDK's metadata).

    CDK's logical id of ``Stack/<id>/Resource`` is ``<id>`` without its non-alphanumeric
    characters plus an 8-hex-digit hash (``Handler`` kept for providers).
    """
    if len(logical_id) <= 8 or not _HASH_SUFFIX.fullmatch(logical_id[-8:]):
        return None
    stem = logical_id[:-8]
    for known in CDK_INTERNAL_FUNCTIONS:
        base = _NOT_ALNUM.sub("", known.construct_id)
        for candidate in (base, base + "Handler"):
            if stem == candidate or (known.prefix and stem.startswith(base)):
                return known
    if stem.endswith("CustomResourceProviderHandler"):
        return GENERIC_PROVIDER
    return None


def recognise(r: ResourceView) -> CdkInternalFunction | None:
    """The CDK-internal function *r* is, or None (a function of the user's own)."""
    if r.type != "AWS::Lambda::Function":
        return None
    path = r.template.construct_path(r.logical_id)
    if path is not None:
        return recognise_path(r.template.stack.stack_path, path)
    return recognise_logical_id(r.logical_id)


def note(r: ResourceView, rule_id: str) -> str:
    """The text a Lambda rule appends to its finding on a CDK-internal function ("" if not)."""
    known = recognise(r)
    if known is None:
        return ""
    return f"; this is CDK's own {known.name}, added by {known.created_by}: {known.advice(rule_id)}"


def acknowledge_cdk_internal(
    scope: IConstruct, reason: str, *, rules: Iterable[str] = CDK_INTERNAL_RULES
) -> None:
    """Accept the findings CDK's own functions get, for every stack at or below *scope*.

    Each function of :data:`CDK_INTERNAL_FUNCTIONS` (and any ``cdk.CustomResourceProvider``
    handler) in those stacks gets an acknowledgment of each of *rules* with *reason*, on
    that function only: your own functions, and every other rule on CDK's (its role's
    policy, say), are still judged. Functions added after this call are covered too (an
    Aspect attaches the acknowledgments at synthesis). The findings stay in the reports,
    with the reason, as acknowledged.

    Parameters
    ----------
    scope:
        An App, a Stage, a stack, or a construct inside a stack (then the stacks that hold
        it: CDK puts its singletons at the top of the stack, never below your construct).
    reason:
        Why these functions' tracing, logging and environment need no fix (at least
        20 characters), e.g. "CDK deploy-time helpers; they handle no user data".
    rules:
        A subset of :data:`CDK_INTERNAL_RULES` (default: all of them).

    Raises
    ------
    SecureConstructsError
        ``SC-ACK-5`` *scope* is not a construct; ``SC-ACK-6`` the reason is missing or
        too short; ``SC-ACK-7`` a rule is not one of :data:`CDK_INTERNAL_RULES`.
    """
    import aws_cdk as cdk  # imported here: the data above serves the rules without jsii

    chosen = [rules] if isinstance(rules, str) else list(rules)
    issues: list[Issue] = []
    where = getattr(getattr(scope, "node", None), "path", None)
    if not isinstance(where, str):
        issues.append(
            Issue(
                "SC-ACK-5",
                "scope",
                f"{scope!r} is not a construct.",
                "pass the App, a Stage or the stack whose CDK functions you accept.",
            )
        )
    if not isinstance(reason, str) or len(reason.strip()) < MIN_REASON_LENGTH:
        issues.append(
            Issue(
                "SC-ACK-6",
                "reason",
                f"{reason!r} is too short to explain an accepted risk.",
                f"write why CDK's functions need no fix (at least {MIN_REASON_LENGTH} characters).",
            )
        )
    unknown = [rule for rule in chosen if rule not in CDK_INTERNAL_RULES]
    if unknown or not chosen:
        issues.append(
            Issue(
                "SC-ACK-7",
                "rules",
                f"{unknown[0] if unknown else chosen!r} is not a rule this accepts.",
                f"choose among {', '.join(CDK_INTERNAL_RULES)}; acknowledge any other rule "
                "with aspects.acknowledge(construct, rule_id, reason).",
            )
        )
    if issues:
        raise SecureConstructsError(f"acknowledge_cdk_internal({where or '<app>'!r})", issues)
    assert isinstance(where, str)  # noqa: S101 - checked above
    assert isinstance(reason, str)  # noqa: S101 - checked above
    target = scope if isinstance(scope, cdk.Stage | cdk.Stack) else cdk.Stack.of(scope)
    cdk.Aspects.of(target).add(_acknowledger()(tuple(dict.fromkeys(chosen)), reason.strip()))


@functools.cache
def _acknowledger() -> Any:
    """The Aspect class (defined on first use: it needs jsii, the rules above do not)."""
    import aws_cdk as cdk
    import jsii

    @jsii.implements(cdk.IAspect)
    class Acknowledger:
        """Acknowledges the rules on each CDK-internal function it visits."""

        def __init__(self, rules: tuple[str, ...], reason: str) -> None:
            self._rules = rules
            self._reason = reason

        def visit(self, node: IConstruct) -> None:
            if not isinstance(node, cdk.CfnResource):
                return
            if node.cfn_resource_type != "AWS::Lambda::Function":
                return
            stack = cdk.Stack.of(node)
            if recognise_path(stack.node.path, node.node.path) is None:
                return
            owner = node.node.scope
            assert owner is not None  # noqa: S101 - a resource two levels below a stack
            for rule in self._rules:
                cdk.Validations.of(owner).acknowledge(
                    cdk.Acknowledgment(id=_ack_id(rule), reason=self._reason)
                )

    return Acknowledger


def _ack_id(rule_id: str) -> str:
    return f"{PLUGIN_NAME}::{rule_id}"


__all__ = [
    "CDK_INTERNAL_FUNCTIONS",
    "CDK_INTERNAL_RULES",
    "GENERIC_PROVIDER",
    "CdkInternalFunction",
    "acknowledge_cdk_internal",
    "note",
    "recognise",
    "recognise_logical_id",
    "recognise_path",
]
