"""SecureQueue: an SQS queue encrypted with a key its senders can use, with a dead-letter queue."""

from __future__ import annotations

import re

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from aspects.errors import Issue
from secure_constructs._defaults import enforce_rules, pin
from secure_constructs._defaults import sns as service_defaults
from secure_constructs._defaults.sqs import (
    DEFAULT_DEAD_LETTER_RETENTION,
    MAX_RETENTION,
    encrypted_queue,
)
from secure_constructs._dropin import DropIn, drop_in
from secure_constructs._validation import (
    Checks,
    is_token,
    literal_int,
    method_where,
    raise_if_any,
    where,
)

#: Warning ids (acknowledge with ``Annotations.of(scope).acknowledge_warning(id)``).
WARN_QUEUE_DESTROY_ON_REMOVAL = "secure-constructs:SecureQueue:destroy-on-removal"

_TYPE = "SC-QUEUE-1"
_RANGE = "SC-QUEUE-2"
_METHOD = "SC-QUEUE-6"
_QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
#: SQS limits: receives before a message moves to the dead-letter queue, the visibility
#: timeout, and how long messages are kept.
MAX_RECEIVE_COUNT_RANGE = (1, 1000)
MAX_VISIBILITY_TIMEOUT = cdk.Duration.hours(12)
MIN_RETENTION = cdk.Duration.minutes(1)
#: Receives before SQS gives up on a message and moves it to the dead-letter queue.
DEFAULT_MAX_RECEIVE_COUNT = 5


class _Queue(service_defaults.SharesKeyWithServices, sqs.Queue):
    """The L2 queue; every statement added to its policy also lets its services use the key."""

    def _shared_key(self) -> kms.IKey | None:
        return self.encryption_master_key


@drop_in(sqs.IQueue, attr="queue", own=("encryption_master_key",))
class SecureQueue(Construct, DropIn):
    """An SQS queue with a customer-managed key, TLS only, a dead-letter queue, retained.

    Defaults (each implements a guardrail rule):

    * SSE-KMS with a new customer-managed key with yearly rotation (SC-SQS-1, SC-KMS-1),
      retained with the queue (SC-KMS-3).
    * A queue policy that denies every action over plain HTTP (SC-SQS-3, enforced as an
      error here; cdk-nag ``AwsSolutions-SQS4``).
    * No public or cross-account access: the policy allows nothing but the services wired
      in, each pinned to this account (SC-IAM-4, an error on the queue policy and key).
    * Every AWS service the queue policy lets send can use the key, with the same
      ``aws:SourceArn``/``aws:SourceAccount`` conditions (see ``add_to_resource_policy``).
      Covered: ``s3n.SqsDestination`` (S3 event notifications),
      ``events_targets.SqsQueue``, ``sns_subscriptions.SqsSubscription``,
      ``grant_send_messages`` to a service principal, and any statement added with
      ``add_to_resource_policy`` or :meth:`allow_service`, through the construct or its
      ``.queue``.
    * A dead-letter queue (cdk-nag ``AwsSolutions-SQS3``) that receives a message after
      5 failed receives: encrypted with the same key, TLS only, retained (SC-SQS-4) and
      keeping messages 14 days, the SQS maximum (SC-SQS-5).
    * Retained on stack deletion or replacement (``removal_policy``).

    Parameters
    ----------
    scope, construct_id:
        As for any construct. The children are ``Key``, ``Queue`` and ``DeadLetterQueue``.
    queue_name:
        A physical name (for FIFO queues ending in ``.fifo``). Default: generated.
    encryption_master_key:
        Bring your own customer-managed key. Default: a new key with rotation, retained.
    dead_letter_queue:
        Send failed messages to this queue instead of a created one (it must be FIFO when
        the queue is, and should be encrypted, retained and keep messages 14 days: the
        guardrails judge it like any dead-letter queue).
    max_receive_count:
        Receives before a message moves to the dead-letter queue (1-1000). Default 5.
    visibility_timeout:
        How long a received message stays hidden (0 s-12 h). Default: SQS's 30 seconds.
        A Lambda consumer needs at least its function's timeout.
    retention_period:
        How long messages are kept (1 minute-14 days). Default: SQS's 4 days.
    fifo:
        A FIFO queue (and a FIFO dead-letter queue). Default False.
    content_based_deduplication:
        FIFO only: deduplicate by a hash of the message body. Default False.
    removal_policy:
        Default RETAIN. ``DESTROY`` is a weakening (warning
        ``WARN_QUEUE_DESTROY_ON_REMOVAL``; SC-SQS-4 and SC-KMS-3 report the dead-letter
        queue and the key unless acknowledged); it also applies to the created key and
        dead-letter queue. ``SNAPSHOT`` is rejected.

    Raises
    ------
    SecureConstructsError
        Listing every invalid input with the property, the value and the fix.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        queue_name: str | None = None,
        encryption_master_key: kms.IKey | None = None,
        dead_letter_queue: sqs.IQueue | None = None,
        max_receive_count: int = DEFAULT_MAX_RECEIVE_COUNT,
        visibility_timeout: cdk.Duration | None = None,
        retention_period: cdk.Duration | None = None,
        fifo: bool = False,
        content_based_deduplication: bool = False,
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
    ) -> None:
        _validate(
            where("SecureQueue", scope, construct_id),
            scope=scope,
            construct_id=construct_id,
            queue_name=queue_name,
            encryption_master_key=encryption_master_key,
            dead_letter_queue=dead_letter_queue,
            max_receive_count=max_receive_count,
            visibility_timeout=visibility_timeout,
            retention_period=retention_period,
            fifo=fifo,
            content_based_deduplication=content_based_deduplication,
            removal_policy=removal_policy,
        )
        super().__init__(scope, construct_id)
        self.encryption_key: kms.IKey = (
            encryption_master_key
            or service_defaults.service_publisher_key(
                self,
                "Key",
                description=f"Encrypts the messages of {self.node.path}",
                removal_policy=removal_policy,
            )
        )
        self.encryption_master_key = self.encryption_key
        self.dead_letter_queue: sqs.IQueue = dead_letter_queue or self._create_dead_letter_queue(
            fifo, removal_policy
        )
        self.queue: sqs.Queue = _Queue(
            self,
            "Queue",
            queue_name=queue_name,
            encryption=sqs.QueueEncryption.KMS,
            encryption_master_key=self.encryption_key,
            enforce_ssl=True,
            dead_letter_queue=sqs.DeadLetterQueue(
                max_receive_count=max_receive_count, queue=self.dead_letter_queue
            ),
            visibility_timeout=visibility_timeout,
            retention_period=retention_period,
            fifo=fifo or None,
            content_based_deduplication=content_based_deduplication or None,
            removal_policy=removal_policy,
        )
        # The TLS denial and the account pinning of every service grant stay, and so does
        # the dead-letter queue (without RedrivePolicy a poison message is retried until it
        # expires, and nobody sees it): guardrail SC-PIN-1.
        enforce_rules(self.queue, "SC-SQS-3", "SC-IAM-4")
        pin(
            self.queue,
            present=("RedrivePolicy",),
            retained=removal_policy != cdk.RemovalPolicy.DESTROY,
        )

        if removal_policy == cdk.RemovalPolicy.DESTROY:
            cdk.Annotations.of(self).add_warning_v2(
                WARN_QUEUE_DESTROY_ON_REMOVAL,
                "removal_policy=DESTROY: removing the construct or the stack deletes the "
                "queue, its dead-letter queue and its key with every message in them "
                "(guardrails SC-SQS-4 and SC-KMS-3 report it unless acknowledged with a "
                "reason).",
            )

    def _create_dead_letter_queue(self, fifo: bool, removal_policy: cdk.RemovalPolicy) -> sqs.Queue:
        """Encrypted with the queue's key, TLS only, retained, 14 days (SC-SQS-1/3/4/5)."""
        if not fifo:
            queue = encrypted_queue(
                self,
                "DeadLetterQueue",
                encryption_key=self.encryption_key,
                retention_period=DEFAULT_DEAD_LETTER_RETENTION,
                removal_policy=removal_policy,
            )
        else:
            # encrypted_queue's settings, as a FIFO queue: a FIFO queue's dead-letter queue
            # must be FIFO too.
            queue = sqs.Queue(
                self,
                "DeadLetterQueue",
                encryption=sqs.QueueEncryption.KMS,
                encryption_master_key=self.encryption_key,
                enforce_ssl=True,
                retention_period=DEFAULT_DEAD_LETTER_RETENTION,
                removal_policy=removal_policy,
                fifo=True,
            )
        enforce_rules(queue, "SC-SQS-3")
        return queue

    # -- the familiar queue API ------------------------------------------------------------

    @property
    def queue_arn(self) -> str:
        """The queue's ARN."""
        return self.queue.queue_arn

    @property
    def queue_name(self) -> str:
        """The queue's name."""
        return self.queue.queue_name

    @property
    def queue_url(self) -> str:
        """The queue's URL."""
        return self.queue.queue_url

    def add_to_resource_policy(
        self, statement: iam.PolicyStatement
    ) -> iam.AddToResourcePolicyResult:
        """Add a statement to the queue policy; the services it allows get the key too.

        CDK calls this for ``s3n.SqsDestination(secure_queue)`` and
        ``SqsSubscription(secure_queue)``. A statement that allows a service principal
        without ``aws:SourceArn``/``aws:SourceAccount`` (or another source key) gets
        ``aws:SourceAccount`` = this account; the key policy then gets an Allow of
        ``kms:GenerateDataKey*`` and ``kms:Decrypt`` for the same services with the same
        source conditions. The guardrails still judge the statement.

        Raises
        ------
        SecureConstructsError
            If *statement* is not an ``iam.PolicyStatement`` (SC-QUEUE-6).
        """
        checks = Checks(_METHOD)
        checks.statement("statement", statement)
        raise_if_any(method_where("SecureQueue", self, "add_to_resource_policy"), checks.issues)
        return self.queue.add_to_resource_policy(statement)

    def allow_service(
        self, service: str, *, source_arn: str | None = None, sid: str | None = None
    ) -> iam.AddToResourcePolicyResult:
        """Let an AWS service of this account send messages (one CDK has no integration for).

        Adds ``sqs:SendMessage`` for ``service`` with ``aws:SourceAccount`` = this account
        and, if given, ``aws:SourceArn`` like *source_arn*; the key policy gets the
        matching statement.

        Raises
        ------
        SecureConstructsError
            If *service* is not a service principal name or *source_arn* not a str
            (SC-QUEUE-6).
        """
        return self.add_to_resource_policy(
            service_defaults.service_statement(
                _METHOD,
                "SecureQueue",
                self,
                service,
                ["sqs:SendMessage"],
                self.queue.queue_arn,
                source_arn=source_arn,
                sid=sid,
            )
        )


def _validate(
    where: str,
    *,
    scope: object,
    construct_id: object,
    queue_name: object,
    encryption_master_key: object,
    dead_letter_queue: object,
    max_receive_count: object,
    visibility_timeout: object,
    retention_period: object,
    fifo: object,
    content_based_deduplication: object,
    removal_policy: object,
) -> None:
    """Every input's type (SC-QUEUE-1), then the ranges (SC-QUEUE-2) and combinations."""
    checks = Checks(_TYPE)
    checks.scope(scope, construct_id)
    checks.string("queue_name", queue_name, optional=True)
    checks.kms_key("encryption_master_key", encryption_master_key)
    checks.interface(
        "dead_letter_queue",
        dead_letter_queue,
        ("queue_arn", "fifo"),
        "an sqs.IQueue",
        "pass an sqs.Queue (or a SecureQueue's .queue), or omit it for a created one.",
        optional=True,
    )
    checks.integer("max_receive_count", max_receive_count)
    checks.duration("visibility_timeout", visibility_timeout, optional=True)
    checks.duration("retention_period", retention_period, optional=True)
    for flag, value in (
        ("fifo", fifo),
        ("content_based_deduplication", content_based_deduplication),
    ):
        checks.boolean(flag, value)
    checks.member("removal_policy", removal_policy, cdk.RemovalPolicy)
    issues: list[Issue] = list(checks.issues)

    count = literal_int(max_receive_count)
    low, high = MAX_RECEIVE_COUNT_RANGE
    if count is not None and not low <= count <= high:
        issues.append(
            Issue(
                _RANGE,
                "max_receive_count",
                f"{count} is outside SQS's {low}-{high}.",
                f"pass a count in that range (default {DEFAULT_MAX_RECEIVE_COUNT}).",
            )
        )
    if isinstance(visibility_timeout, cdk.Duration) and not (
        0 <= visibility_timeout.to_seconds(integral=False) <= MAX_VISIBILITY_TIMEOUT.to_seconds()
    ):
        issues.append(
            Issue(
                _RANGE,
                "visibility_timeout",
                f"{visibility_timeout.to_human_string()} is longer than SQS's 12 hours.",
                "pass at most Duration.hours(12), or None for 30 seconds.",
            )
        )
    if isinstance(retention_period, cdk.Duration) and not (
        MIN_RETENTION.to_seconds()
        <= retention_period.to_seconds(integral=False)
        <= MAX_RETENTION.to_seconds()
    ):
        issues.append(
            Issue(
                _RANGE,
                "retention_period",
                f"{retention_period.to_human_string()} is outside SQS's 1 minute to 14 days.",
                "pass a retention in that range, or None for 4 days.",
            )
        )
    if checks.ok("queue_name", "fifo") and isinstance(queue_name, str) and not is_token(queue_name):
        base = queue_name.removesuffix(".fifo") if fifo is True else queue_name
        if not _QUEUE_NAME.match(base) or len(queue_name) > 80:
            issues.append(
                Issue(
                    "SC-QUEUE-3",
                    "queue_name",
                    f"{queue_name!r} is not a valid SQS queue name.",
                    "use 1-80 letters, digits, hyphens and underscores"
                    + (" (with '.fifo' at the end)" if fifo is True else "")
                    + ", or omit queue_name.",
                )
            )
        elif fifo is True and not queue_name.endswith(".fifo"):
            issues.append(
                Issue(
                    "SC-QUEUE-3",
                    "queue_name",
                    f"{queue_name!r} does not end in '.fifo', which SQS requires of FIFO queues.",
                    f"use {queue_name + '.fifo'!r}, or omit queue_name.",
                )
            )
    if content_based_deduplication is True and fifo is False:
        issues.append(
            Issue(
                "SC-QUEUE-4",
                "content_based_deduplication",
                "content-based deduplication exists only for FIFO queues.",
                "also pass fifo=True, or drop content_based_deduplication.",
            )
        )
    if checks.ok("dead_letter_queue", "fifo") and dead_letter_queue is not None:
        dlq_fifo = getattr(dead_letter_queue, "fifo", None)
        if isinstance(dlq_fifo, bool) and isinstance(fifo, bool) and dlq_fifo != fifo:
            issues.append(
                Issue(
                    "SC-QUEUE-4",
                    "dead_letter_queue",
                    f"the dead-letter queue is {'a FIFO' if dlq_fifo else 'a standard'} queue "
                    f"but the queue is {'FIFO' if fifo else 'standard'}; SQS needs both alike.",
                    "pass a dead-letter queue of the same kind, or omit it for a created one.",
                )
            )
    if removal_policy == cdk.RemovalPolicy.SNAPSHOT:
        issues.append(
            Issue(
                "SC-QUEUE-5",
                "removal_policy",
                "SQS queues do not support RemovalPolicy.SNAPSHOT.",
                "use RemovalPolicy.RETAIN (default) or RETAIN_ON_UPDATE_OR_DELETE.",
            )
        )
    raise_if_any(where, issues)
