"""SecureDistribution: a CloudFront distribution that answers the four questions by default."""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping, Sequence
from typing import Any, cast

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from aspects.errors import Issue
from aspects.settings import DEFAULT as DEFAULT_THRESHOLDS
from secure_constructs._defaults import cfn_resource, enforce_rules, physical_name, pin
from secure_constructs._defaults import cloudfront as defaults
from secure_constructs._defaults import sns as sns_defaults
from secure_constructs._defaults import waf as waf_defaults
from secure_constructs._defaults.kms import customer_managed_key
from secure_constructs._defaults.logs import DEFAULT_LOG_RETENTION, encrypted_log_group
from secure_constructs._defaults.waf import DEFAULT_WAF, WafOptions
from secure_constructs._dropin import DropIn, drop_in
from secure_constructs._scanners import accept_cdk_nag, accept_checkov
from secure_constructs._validation import (
    Checks,
    is_token,
    provides,
    raise_if_any,
    where,
)
from secure_constructs.bucket import SecureBucket

__all__ = [
    "WARN_DISTRIBUTION_DEFAULT_CERTIFICATE",
    "WARN_DISTRIBUTION_DESTROY_ON_REMOVAL",
    "WARN_DISTRIBUTION_WITHOUT_ACCESS_LOGS",
    "OriginSource",
    "SecureDistribution",
]

#: Warning ids (acknowledge with ``Annotations.of(scope).acknowledge_warning(id)``).
WARN_DISTRIBUTION_DEFAULT_CERTIFICATE = "secure-constructs:SecureDistribution:default-certificate"
WARN_DISTRIBUTION_WITHOUT_ACCESS_LOGS = "secure-constructs:SecureDistribution:without-access-logs"
WARN_DISTRIBUTION_DESTROY_ON_REMOVAL = "secure-constructs:SecureDistribution:destroy-on-removal"

#: What a behaviour's origin may be given as: a bucket (reached through an origin access
#: control), a load balancer or a domain name (reached over HTTPS with TLS 1.2), or any
#: ``cloudfront.IOrigin`` you built yourself (the guardrails judge it).
OriginSource = SecureBucket | s3.IBucket | elbv2.ILoadBalancerV2 | cloudfront.IOrigin | str

#: CDK's warning that the SSE-KMS key statement of an origin access control names every
#: distribution of the account (see ``_OAC_KEY_REASON``).
_CDK_WILDCARD_KEY_WARNING = "@aws-cdk/aws-cloudfront-origins:wildcardKeyPolicyForOac"
_OAC_KEY_REASON = (
    "SecureDistribution: the key policy statement for cloudfront.amazonaws.com is pinned to "
    "distributions of this account (AWS:SourceArn distribution/*); naming the one "
    "distribution would make key, bucket and distribution depend on each other. Access "
    "stays limited to this distribution: S3 only asks KMS to decrypt for a request the "
    "bucket policy allowed, and that statement names this distribution's ARN."
)

_V2_LOGGING_REASON = (
    "Access logs are delivered by standard logging v2 (AWS::Logs::DeliverySource for this "
    "distribution, AWS::Logs::Delivery to a KMS-encrypted log group kept a year), which this "
    "check does not follow: it only reads the legacy DistributionConfig.Logging, whose S3 "
    "bucket must have ACLs enabled (against ACLs-disabled bucket ownership). Guardrail "
    "SC-CF-9 verifies the v2 delivery."
)
_NO_GEO_RESTRICTION_REASON = (
    "Who may reach the distribution by country is an audience decision, not a security "
    "default: pass geo_restriction=GeoRestriction.allowlist(...) to restrict it. The WAF "
    "already drops known-bad sources (Amazon IP reputation list) for every country."
)
_WEB_ACL_ARN = re.compile(
    r"^arn:aws(-[a-z]+)*:wafv2:us-east-1:\d{12}:global/webacl/[\w-]{1,128}/[0-9a-f-]{36}$"
)
_ACM_ARN_REGION = re.compile(r"^arn:aws(?:-[a-z]+)*:acm:([a-z0-9-]+):")
_BEHAVIOR_FIELDS = tuple(
    name
    for name in inspect.signature(cloudfront.BehaviorOptions.__init__).parameters
    if name != "self"
)
_BLOCKED_REQUESTS_ALARM_THRESHOLD = 500
_ALARM_PERIOD = cdk.Duration.minutes(5)


@drop_in(cloudfront.IDistribution, attr="distribution")
class SecureDistribution(Construct, DropIn):
    """A CloudFront distribution: HTTPS only, TLS 1.2+, private origins, a WAF and access logs.

    Defaults (each implements a guardrail rule):

    * **In transit.** Viewers are redirected to HTTPS (SC-CF-1) and must speak TLS 1.2 with
      the ``TLSv1.2_2021`` security policy on your certificate (SC-CF-2, SC-CF-3); HTTP/2 and
      HTTP/3. Load balancer and domain-name origins are reached over HTTPS only with TLS
      1.2 (SC-CF-4). Responses carry HSTS (two years, subdomains, preload),
      ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
      ``Referrer-Policy: strict-origin-when-cross-origin`` and, if given, your
      Content-Security-Policy, overriding whatever the origin sends.
    * **Prevention.** A bucket origin is read through an origin access control: the bucket
      stays private and its policy lets only this distribution read (SC-CF-5, SC-CF-6,
      SC-CF-7). For an SSE-KMS bucket (a ``SecureBucket``) CDK adds a key policy statement
      letting ``cloudfront.amazonaws.com`` decrypt, pinned with ``AWS:SourceArn`` to
      distributions of this account (SC-IAM-4); see ``_OAC_KEY_REASON`` for why not to the
      one distribution. A WAFv2 WebACL with scope CLOUDFRONT (SC-CF-8) enforces the AWS
      managed groups Amazon IP reputation, Common, Known bad inputs and SQLi plus a per-IP
      rate limit, all with metrics (SC-WAF-1, SC-WAF-4, SC-WAF-7, SC-WAF-10); its logs, without
      the authorization and cookie headers, go to a KMS-encrypted ``aws-waf-logs-`` log group
      (SC-WAF-3, SC-WAF-9); an alarm with actions watches its blocked requests (SC-WAF-8).
    * **Detection.** Access logs by standard logging v2 (SC-CF-9) to a KMS-encrypted log
      group kept one year (SC-LOGS-1, SC-LOGS-2). Legacy logging to S3 is not used: its
      bucket must have ACLs enabled, which SC-S3-10 forbids.
    * Key and log groups are retained (SC-KMS-3, SC-LOGS-3).

    CloudFront accepts a CLOUDFRONT WebACL, a viewer certificate and a v2 log delivery source
    only in us-east-1. In a us-east-1 stack the construct creates the WebACL and the logs; in
    a stack without a Region (environment-agnostic) too, and the template then refuses to
    deploy anywhere else (a CloudFormation rule). In another Region pass ``web_acl_arn`` and
    ``allow_without_access_logs=True`` (and deliver the logs from us-east-1), or, simpler,
    deploy the distribution from a us-east-1 stack.

    Parameters
    ----------
    scope, construct_id:
        As for any construct. The children are ``Key``, ``WebAcl``, ``WafLogs``,
        ``WebAclLogging``, ``AlarmTopic``, ``WafBlockedRequestsAlarm``,
        ``ResponseHeadersPolicy``, ``Distribution``, ``AccessLogs``, ``AccessLogSource``,
        ``AccessLogDestination`` and ``AccessLogDelivery`` (those that apply).
    origin:
        The default behaviour's origin: a ``SecureBucket`` or ``s3.IBucket`` (origin access
        control), an ``elbv2.ILoadBalancerV2`` (``LoadBalancerV2Origin``) or a domain name
        (``HttpOrigin``), both HTTPS only with TLS 1.2, or a ``cloudfront.IOrigin`` of your
        own (the guardrails judge it). A load balancer origin is reached by its DNS name:
        its certificate must cover that name, so for a load balancer serving your domain
        pass that domain name instead.
    certificate, domain_names:
        An ACM certificate in us-east-1 and the names it covers. Required, unless
        ``allow_default_certificate=True``.
    allow_default_certificate:
        Default False. True (without certificate) serves ``*.cloudfront.net``, with which
        CloudFront accepts TLS 1.0 whatever the minimum says: a weakening (warning
        ``WARN_DISTRIBUTION_DEFAULT_CERTIFICATE``; SC-CF-3 reports it unless acknowledged).
    minimum_protocol_version:
        Default ``TLS_V1_2_2021``; ``TLS_V1_2_2025`` and ``TLS_V1_3_2025`` are accepted too.
    viewer_protocol_policy:
        ``REDIRECT_TO_HTTPS`` (default) or ``HTTPS_ONLY``; ``ALLOW_ALL`` is rejected.
    web_acl_arn:
        Use this CLOUDFRONT WebACL (``arn:aws:wafv2:us-east-1:...:global/webacl/...``)
        instead of creating one. Required outside us-east-1.
    waf:
        Settings of the created WebACL (the same ``WafOptions`` as SecureAlbService and
        SecureApi). Default ``WafOptions()``.
    alarm_topic:
        Where the blocked-requests alarm notifies. Default: a KMS-encrypted topic, created
        with the WebACL. Subscribe your on-call to it.
    waf_blocked_requests:
        Alarm when WAF blocks at least this many requests in 5 minutes. Default 500.
    content_security_policy:
        The Content-Security-Policy header value, e.g. ``"default-src 'self'"``. Default:
        none (it is specific to the application).
    geo_restriction:
        A ``cloudfront.GeoRestriction``. Default: none.
    default_root_object:
        What ``/`` serves. Default ``"index.html"``; pass None for an API origin.
    price_class, comment, error_responses, enable_ipv6:
        As for ``cloudfront.Distribution``. Defaults ``PRICE_CLASS_ALL``, none, none, True.
    cache_policy, origin_request_policy, allowed_methods:
        Of the default behaviour. Defaults ``CACHING_OPTIMIZED``, none, GET and HEAD.
    additional_behaviors:
        Path pattern -> an origin (as for ``origin``, given the same hardened behaviour) or
        ``cloudfront.BehaviorOptions``; their viewer protocol policy and response headers
        policy default to the construct's, and ``ALLOW_ALL`` is rejected.
    allow_without_access_logs:
        Default False. True creates no access logs: a weakening (warning
        ``WARN_DISTRIBUTION_WITHOUT_ACCESS_LOGS``; SC-CF-9 reports it unless acknowledged).
        Needed outside us-east-1, where the v2 delivery cannot be created.
    encryption_key:
        Bring your own customer-managed key for the log groups and the alarm topic. Its
        policy must let CloudWatch Logs use it (a key created in the app gets that).
    log_retention:
        How long the access and WAF logs are kept. Default one year (at least the audit
        log retention of the thresholds).
    removal_policy:
        For the key, the log groups and the topic. Default RETAIN. ``DESTROY`` is a
        weakening (warning ``WARN_DISTRIBUTION_DESTROY_ON_REMOVAL``; SC-KMS-3 and SC-LOGS-3
        report it unless acknowledged).

    Attributes
    ----------
    distribution, response_headers_policy, web_acl (None with ``web_acl_arn``),
    web_acl_arn, waf_log_group, encryption_key, alarm_topic, alarms, log_group,
    log_delivery_source, log_delivery_destination, log_delivery (None without logs).

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
        origin: OriginSource,
        certificate: acm.ICertificate | None = None,
        domain_names: Sequence[str] = (),
        allow_default_certificate: bool = False,
        minimum_protocol_version: cloudfront.SecurityPolicyProtocol = (
            defaults.DEFAULT_MINIMUM_PROTOCOL
        ),
        viewer_protocol_policy: cloudfront.ViewerProtocolPolicy = (
            cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS
        ),
        web_acl_arn: str | None = None,
        waf: WafOptions = DEFAULT_WAF,
        alarm_topic: sns.ITopic | None = None,
        waf_blocked_requests: int = _BLOCKED_REQUESTS_ALARM_THRESHOLD,
        content_security_policy: str | None = None,
        geo_restriction: cloudfront.GeoRestriction | None = None,
        default_root_object: str | None = defaults.DEFAULT_ROOT_OBJECT,
        price_class: cloudfront.PriceClass = cloudfront.PriceClass.PRICE_CLASS_ALL,
        comment: str | None = None,
        error_responses: Sequence[cloudfront.ErrorResponse] = (),
        enable_ipv6: bool = True,
        cache_policy: cloudfront.ICachePolicy | None = None,
        origin_request_policy: cloudfront.IOriginRequestPolicy | None = None,
        allowed_methods: cloudfront.AllowedMethods | None = None,
        additional_behaviors: Mapping[str, OriginSource | cloudfront.BehaviorOptions] | None = None,
        allow_without_access_logs: bool = False,
        encryption_key: kms.IKey | None = None,
        log_retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
    ) -> None:
        behaviors = dict(additional_behaviors or {})
        issues = _validate(
            scope,
            construct_id,
            origin=origin,
            certificate=certificate,
            domain_names=domain_names,
            allow_default_certificate=allow_default_certificate,
            minimum_protocol_version=minimum_protocol_version,
            viewer_protocol_policy=viewer_protocol_policy,
            web_acl_arn=web_acl_arn,
            waf=waf,
            alarm_topic=alarm_topic,
            waf_blocked_requests=waf_blocked_requests,
            content_security_policy=content_security_policy,
            geo_restriction=geo_restriction,
            default_root_object=default_root_object,
            price_class=price_class,
            comment=comment,
            error_responses=error_responses,
            enable_ipv6=enable_ipv6,
            cache_policy=cache_policy,
            origin_request_policy=origin_request_policy,
            allowed_methods=allowed_methods,
            additional_behaviors=additional_behaviors,
            allow_without_access_logs=allow_without_access_logs,
            encryption_key=encryption_key,
            log_retention=log_retention,
            removal_policy=removal_policy,
        )
        raise_if_any(where("SecureDistribution", scope, construct_id), issues)
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        with_logs = not allow_without_access_logs
        create_waf = web_acl_arn is None

        self.encryption_key: kms.IKey | None = None
        if create_waf or with_logs:
            self.encryption_key = encryption_key or customer_managed_key(
                self,
                "Key",
                description=f"Encrypts the access logs, WAF logs and alarms of {self.node.path}",
                removal_policy=removal_policy,
            )
        if is_token(stack.region) and (create_waf or with_logs):
            self._require_edge_region()

        # -- WAF -------------------------------------------------------------------------
        self.web_acl: wafv2.CfnWebACL | None = None
        self.waf_log_group: logs.ILogGroup | None = None
        self.alarm_topic: sns.ITopic | None = None
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        if web_acl_arn is not None:
            self.web_acl_arn = web_acl_arn
        else:
            assert self.encryption_key is not None  # noqa: S101 - created just above
            self.web_acl_arn = self._create_web_acl(
                waf, self.encryption_key, log_retention, removal_policy
            )

        # -- headers and behaviours ------------------------------------------------------
        self.response_headers_policy = cloudfront.ResponseHeadersPolicy(
            self,
            "ResponseHeadersPolicy",
            comment=f"Security headers of {self.node.path}"[:128],
            security_headers_behavior=defaults.security_headers(content_security_policy),
        )
        pin(
            self.response_headers_policy,
            pinned=defaults.pinned_security_headers(content_security_policy),
        )
        default_behavior = cloudfront.BehaviorOptions(
            origin=_as_origin(origin),
            viewer_protocol_policy=viewer_protocol_policy,
            response_headers_policy=self.response_headers_policy,
            cache_policy=cache_policy or cloudfront.CachePolicy.CACHING_OPTIMIZED,
            origin_request_policy=origin_request_policy,
            allowed_methods=allowed_methods or cloudfront.AllowedMethods.ALLOW_GET_HEAD,
            compress=True,
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            default_behavior=default_behavior,
            additional_behaviors={
                pattern: self._behavior(value, viewer_protocol_policy)
                for pattern, value in behaviors.items()
            }
            or None,
            certificate=certificate,
            domain_names=list(domain_names) or None,
            # Without a certificate CloudFront ignores it (TLSv1, SC-CF-3), and CDK warns.
            minimum_protocol_version=minimum_protocol_version if certificate else None,
            ssl_support_method=cloudfront.SSLMethod.SNI if certificate is not None else None,
            web_acl_id=self.web_acl_arn,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            enable_ipv6=enable_ipv6,
            default_root_object=default_root_object,
            price_class=price_class,
            geo_restriction=geo_restriction,
            comment=comment,
            error_responses=list(error_responses) or None,
        )
        self._accept_oac_key_statements([origin, *behaviors.values()])
        self._pin_distribution(certificate is not None, viewer_protocol_policy, len(behaviors))

        # -- access logs -----------------------------------------------------------------
        self.log_group: logs.ILogGroup | None = None
        self.log_delivery_source: logs.CfnDeliverySource | None = None
        self.log_delivery_destination: logs.CfnDeliveryDestination | None = None
        self.log_delivery: logs.CfnDelivery | None = None
        if with_logs:
            assert self.encryption_key is not None  # noqa: S101 - created above
            self._deliver_access_logs(self.encryption_key, log_retention, removal_policy)

        if self.web_acl is not None:
            self._create_blocked_requests_alarm(alarm_topic, waf_blocked_requests, removal_policy)
        self._warn(
            default_certificate=certificate is None,
            without_logs=not with_logs,
            destroy=removal_policy == cdk.RemovalPolicy.DESTROY,
        )
        self._accept_inherent_findings(
            with_logs=with_logs, geo_restricted=geo_restriction is not None
        )

    # -- the parts -------------------------------------------------------------------------

    def _require_edge_region(self) -> None:
        """In a stack without a Region: refuse to deploy outside us-east-1 (a template rule)."""
        cdk.CfnRule(
            self,
            "DeployInUsEast1",
            assertions=[
                cdk.CfnRuleAssertion(
                    assert_=cdk.Fn.condition_equals(cdk.Aws.REGION, defaults.EDGE_REGION),
                    assert_description=(
                        f"{self.node.path} creates a CLOUDFRONT WebACL and CloudFront access "
                        f"log delivery, which exist only in {defaults.EDGE_REGION}: deploy this "
                        f"stack in {defaults.EDGE_REGION}."
                    ),
                )
            ],
        )

    def _create_web_acl(
        self,
        options: WafOptions,
        key: kms.IKey,
        retention: logs.RetentionDays,
        removal_policy: cdk.RemovalPolicy,
    ) -> str:
        """A CLOUDFRONT WebACL with the baseline rules, and its logging; returns its ARN."""
        self.web_acl = waf_defaults.create_web_acl(
            self,
            options,
            waf_scope="CLOUDFRONT",
            description=f"Protects the CloudFront distribution of {self.node.path}",
            # The rate limit and the IP-reputation/SQLi groups are warnings in front of a
            # distribution; removing them from this WebACL is an error.
            enforced=("SC-WAF-7", "SC-WAF-8", "SC-WAF-10"),
        )
        self._waf_metric_name = waf_defaults.web_acl_name(self)
        self.waf_log_group = waf_defaults.log_web_acl(
            self,
            self.web_acl,
            encryption_key=key,
            retention=retention,
            removal_policy=removal_policy,
        )
        return self.web_acl.attr_arn

    def _arn_of(self, log_group: logs.ILogGroup) -> str:
        """The log group's ARN without the ``:*`` CloudFormation's ``Arn`` ends with."""
        return cdk.Stack.of(self).format_arn(
            service="logs",
            resource="log-group",
            resource_name=log_group.log_group_name,
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )

    def _behavior(
        self,
        value: OriginSource | cloudfront.BehaviorOptions,
        viewer_protocol_policy: cloudfront.ViewerProtocolPolicy,
    ) -> cloudfront.BehaviorOptions:
        """An additional behaviour with the construct's viewer policy and headers by default."""
        if not isinstance(value, cloudfront.BehaviorOptions):
            return cloudfront.BehaviorOptions(
                origin=_as_origin(value),
                viewer_protocol_policy=viewer_protocol_policy,
                response_headers_policy=self.response_headers_policy,
                compress=True,
            )
        fields = {name: getattr(value, name) for name in _BEHAVIOR_FIELDS}
        fields["viewer_protocol_policy"] = fields["viewer_protocol_policy"] or (
            viewer_protocol_policy
        )
        fields["response_headers_policy"] = (
            fields["response_headers_policy"] or self.response_headers_policy
        )
        return cloudfront.BehaviorOptions(**{k: v for k, v in fields.items() if v is not None})

    def _accept_oac_key_statements(self, sources: Sequence[object]) -> None:
        """CDK's warning about its account-wide OAC key statement, answered (see the reason).

        Only for keys of the app: for an imported key CDK warns that it cannot update the
        key policy, which stays visible (the owner of the key must add the statement).
        """
        for source in sources:
            bucket = _bucket_of(source)
            key = bucket.encryption_key if bucket is not None else None
            if isinstance(key, kms.Key) and key.node.scope is not None:
                cdk.Annotations.of(key.node.scope).acknowledge_warning(
                    _CDK_WILDCARD_KEY_WARNING, _OAC_KEY_REASON
                )

    def _pin_distribution(
        self,
        custom_certificate: bool,
        viewer_protocol_policy: cloudfront.ViewerProtocolPolicy,
        additional_behaviors: int,
    ) -> None:
        """What no general rule guards: the headers policy and the WAF stay attached."""
        config = "DistributionConfig"
        pinned: dict[str, Any] = {
            f"{config}.DefaultCacheBehavior.ViewerProtocolPolicy": (
                defaults.VIEWER_POLICY_VALUES[viewer_protocol_policy]
            ),
            f"{config}.HttpVersion": "http2and3",
        }
        if custom_certificate:
            pinned[f"{config}.ViewerCertificate.SslSupportMethod"] = "sni-only"
        pin(
            self.distribution,
            pinned=pinned,
            present=(
                f"{config}.DefaultCacheBehavior.ResponseHeadersPolicyId",
                # Every additional behaviour gets the headers too (see _behavior).
                *(
                    f"{config}.CacheBehaviors.{i}.ResponseHeadersPolicyId"
                    for i in range(additional_behaviors)
                ),
                f"{config}.WebACLId",
            ),
        )
        enforce_rules(self.distribution, "SC-CF-6")

    def _deliver_access_logs(
        self, key: kms.IKey, retention: logs.RetentionDays, removal_policy: cdk.RemovalPolicy
    ) -> None:
        """Standard logging v2: the distribution's access logs to an encrypted log group."""
        stack = cdk.Stack.of(self)
        log_group = encrypted_log_group(
            self,
            "AccessLogs",
            encryption_key=key,
            retention=retention,
            removal_policy=removal_policy,
        )
        self.log_group = log_group
        destination_arn = self._arn_of(log_group)
        policy = log_group.add_to_resource_policy(
            defaults.log_delivery_statement(destination_arn, stack)
        )
        self.log_delivery_source = logs.CfnDeliverySource(
            self,
            "AccessLogSource",
            name=physical_name(self, "", 60),
            resource_arn=self.distribution.distribution_arn,
            log_type="ACCESS_LOGS",
        )
        self.log_delivery_destination = logs.CfnDeliveryDestination(
            self,
            "AccessLogDestination",
            name=physical_name(self, "", 60),
            destination_resource_arn=destination_arn,
        )
        self.log_delivery = logs.CfnDelivery(
            self,
            "AccessLogDelivery",
            delivery_source_name=self.log_delivery_source.ref,
            delivery_destination_arn=self.log_delivery_destination.attr_arn,
        )
        companions: dict[str, cdk.CfnResource] = {
            "AccessLogs": cfn_resource(log_group),
            "AccessLogSource": self.log_delivery_source,
            "AccessLogDestination": self.log_delivery_destination,
            "AccessLogDelivery": self.log_delivery,
        }
        if policy.policy_dependable is not None:
            # CloudWatch Logs checks the resource policy when the delivery is created.
            self.log_delivery.node.add_dependency(policy.policy_dependable)
            if isinstance(policy.policy_dependable, Construct):
                companions["AccessLogsPolicy"] = cfn_resource(policy.policy_dependable)
        # The access logs stay delivered: deleting a part is reported on the distribution.
        pin(self.distribution, companions=companions)

    def _create_blocked_requests_alarm(
        self, topic: sns.ITopic | None, threshold: int, removal_policy: cdk.RemovalPolicy
    ) -> None:
        """An alarm with actions on the WebACL's blocked requests (SC-WAF-8)."""
        if topic is None:
            assert self.encryption_key is not None  # noqa: S101 - created with the WebACL
            topic = sns_defaults.alarm_topic(
                self, encryption_key=self.encryption_key, removal_policy=removal_policy
            )
        self.alarm_topic = topic
        alarm = waf_defaults.blocked_requests_alarm(
            self, self._waf_metric_name, threshold=threshold, period=_ALARM_PERIOD, regional=False
        )
        action = cloudwatch_actions.SnsAction(topic)
        alarm.add_alarm_action(action)
        alarm.add_ok_action(action)
        pin(alarm, pinned={"ActionsEnabled": True}, present=("AlarmActions",))
        if self.web_acl is not None:
            # Deleting the alarm is reported on the WebACL it watches.
            pin(self.web_acl, companions={"BlockedRequestsAlarm": cfn_resource(alarm)})
        self.alarms["WafBlockedRequests"] = alarm

    def _warn(self, *, default_certificate: bool, without_logs: bool, destroy: bool) -> None:
        annotations = cdk.Annotations.of(self)
        if default_certificate:
            annotations.add_warning_v2(
                WARN_DISTRIBUTION_DEFAULT_CERTIFICATE,
                "allow_default_certificate=True: the distribution serves *.cloudfront.net, with "
                "which CloudFront accepts TLS 1.0 and 1.1 whatever minimum_protocol_version "
                "says (guardrail SC-CF-3 reports it unless acknowledged with a reason).",
            )
        if without_logs:
            annotations.add_warning_v2(
                WARN_DISTRIBUTION_WITHOUT_ACCESS_LOGS,
                "allow_without_access_logs=True: viewer requests leave no access log unless "
                "you deliver them from us-east-1 (guardrail SC-CF-9 reports it unless "
                "acknowledged with a reason).",
            )
        if destroy:
            annotations.add_warning_v2(
                WARN_DISTRIBUTION_DESTROY_ON_REMOVAL,
                "removal_policy=DESTROY: removing the construct or the stack deletes its key, "
                "access logs and WAF logs (guardrails SC-KMS-3 and SC-LOGS-3 report it unless "
                "acknowledged with a reason).",
            )

    def _accept_inherent_findings(self, *, with_logs: bool, geo_restricted: bool) -> None:
        """What the external scanners report on a default distribution, and why it stays."""
        cfn = cfn_resource(self.distribution)
        if with_logs:
            accept_cdk_nag(cfn, ["AwsSolutions-CFR3"], _V2_LOGGING_REASON)
            accept_checkov(cfn, ["CKV_AWS_86"], _V2_LOGGING_REASON)
        if not geo_restricted:
            accept_cdk_nag(cfn, ["AwsSolutions-CFR1"], _NO_GEO_RESTRICTION_REASON)


# -- origins ---------------------------------------------------------------------------------


def _bucket_of(source: object) -> s3.IBucket | None:
    """The L2 bucket of a bucket origin source, else None."""
    if isinstance(source, SecureBucket):
        return source.bucket
    if provides(source, "bucket_regional_domain_name", "add_to_resource_policy", "bucket_arn"):
        return cast(s3.IBucket, source)
    return None


def _as_origin(source: OriginSource) -> cloudfront.IOrigin:
    """A validated origin source as the hardened ``cloudfront.IOrigin``."""
    bucket = _bucket_of(source)
    if bucket is not None:
        return origins.S3BucketOrigin.with_origin_access_control(bucket)
    if isinstance(source, str):
        return origins.HttpOrigin(
            source,
            protocol_policy=defaults.ORIGIN_PROTOCOL_POLICY,
            origin_ssl_protocols=list(defaults.ORIGIN_SSL_PROTOCOLS),
        )
    if provides(source, "load_balancer_dns_name", "load_balancer_arn"):
        return origins.LoadBalancerV2Origin(
            cast(elbv2.ILoadBalancerV2, source),
            protocol_policy=defaults.ORIGIN_PROTOCOL_POLICY,
            origin_ssl_protocols=list(defaults.ORIGIN_SSL_PROTOCOLS),
        )
    return cast(cloudfront.IOrigin, source)  # validated: it has bind()


def _is_origin_source(value: object) -> bool:
    return (
        isinstance(value, SecureBucket)
        or (isinstance(value, str) and bool(value.strip()))
        or _bucket_of(value) is not None
        or provides(value, "load_balancer_dns_name", "load_balancer_arn")
        or provides(value, "bind")
    )


# -- validation ------------------------------------------------------------------------------

_TYPE = "SC-DIST-1"
_ORIGIN_FIX = (
    "pass a SecureBucket, an s3.IBucket, an elbv2.ILoadBalancerV2, a domain name (str) or a "
    "cloudfront.IOrigin."
)


def _validate(scope: object, construct_id: object, **props: Any) -> list[Issue]:
    """Every input's type (SC-DIST-1), then the combinations (SC-DIST-2 to SC-DIST-7)."""
    checks = Checks(_TYPE)
    checks.scope(scope, construct_id)
    if not _is_origin_source(props["origin"]):
        checks.wrong("origin", props["origin"], "an origin", _ORIGIN_FIX)
    checks.interface(
        "certificate",
        props["certificate"],
        ("certificate_arn",),
        "an acm.ICertificate",
        "pass acm.Certificate(...) of a us-east-1 stack or acm.Certificate.from_certificate_arn.",
        optional=True,
    )
    checks.items(
        "domain_names",
        props["domain_names"],
        lambda name: isinstance(name, str) and bool(name.strip()),
        "non-empty str",
        "pass the names the certificate covers, e.g. ['www.example.com'].",
    )
    for flag in ("allow_default_certificate", "allow_without_access_logs", "enable_ipv6"):
        checks.boolean(flag, props[flag])
    checks.member(
        "minimum_protocol_version",
        props["minimum_protocol_version"],
        cloudfront.SecurityPolicyProtocol,
    )
    checks.member(
        "viewer_protocol_policy", props["viewer_protocol_policy"], cloudfront.ViewerProtocolPolicy
    )
    checks.string("web_acl_arn", props["web_acl_arn"], optional=True)
    checks.instance(
        "waf", props["waf"], WafOptions, "a WafOptions", "pass WafOptions(...) or omit it."
    )
    checks.interface(
        "alarm_topic",
        props["alarm_topic"],
        ("topic_arn",),
        "an sns.ITopic",
        "pass an sns.Topic, or omit it for a new encrypted topic.",
        optional=True,
    )
    checks.integer("waf_blocked_requests", props["waf_blocked_requests"])
    for name in ("content_security_policy", "default_root_object", "comment"):
        checks.string(name, props[name], optional=True)
    checks.instance(
        "geo_restriction",
        props["geo_restriction"],
        cloudfront.GeoRestriction,
        "a cloudfront.GeoRestriction",
        "pass GeoRestriction.allowlist('DE', 'FR') or GeoRestriction.denylist(...).",
        optional=True,
    )
    checks.member("price_class", props["price_class"], cloudfront.PriceClass)
    checks.items(
        "error_responses",
        props["error_responses"],
        lambda item: isinstance(item, cloudfront.ErrorResponse),
        "cloudfront.ErrorResponse",
        "pass a list of cloudfront.ErrorResponse(...), or omit it.",
    )
    for name, members, expected in (
        ("cache_policy", ("cache_policy_id",), "a cloudfront.ICachePolicy"),
        (
            "origin_request_policy",
            ("origin_request_policy_id",),
            "a cloudfront.IOriginRequestPolicy",
        ),
    ):
        checks.interface(
            name,
            props[name],
            members,
            expected,
            f"pass a {expected[2:]}, or omit it.",
            optional=True,
        )
    checks.instance(
        "allowed_methods",
        props["allowed_methods"],
        cloudfront.AllowedMethods,
        "a cloudfront.AllowedMethods",
        "pass e.g. cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS.",
        optional=True,
    )
    _check_behaviors(checks, props["additional_behaviors"])
    checks.kms_key("encryption_key", props["encryption_key"])
    checks.member("log_retention", props["log_retention"], logs.RetentionDays)
    checks.member("removal_policy", props["removal_policy"], cdk.RemovalPolicy)
    if checks.issues:
        return checks.issues
    return [
        *_certificate_issues(props),
        *_protocol_issues(props),
        *_region_issues(scope, props),
        *_option_issues(props),
    ]


def _check_behaviors(checks: Checks, value: object) -> None:
    if not checks.mapping("additional_behaviors", value):
        return
    assert value is None or isinstance(value, Mapping)  # noqa: S101 - checked above
    for pattern, behavior in (value or {}).items():
        if isinstance(behavior, cloudfront.BehaviorOptions):
            policy = behavior.viewer_protocol_policy
            if policy is not None and policy not in defaults.HTTPS_VIEWER_POLICIES:
                checks.add(
                    "SC-DIST-5",
                    "additional_behaviors",
                    f"{pattern!r} has viewer_protocol_policy={policy.name}, which serves "
                    "plain HTTP (guardrail SC-CF-1).",
                    "use REDIRECT_TO_HTTPS or HTTPS_ONLY, or leave it unset.",
                )
        elif not _is_origin_source(behavior):
            checks.wrong(
                "additional_behaviors",
                behavior,
                f"an origin or cloudfront.BehaviorOptions (for {pattern!r})",
                _ORIGIN_FIX,
            )


def _certificate_issues(props: Mapping[str, Any]) -> list[Issue]:
    certificate = props["certificate"]
    names = list(props["domain_names"])
    issues: list[Issue] = []
    if certificate is None and names:
        issues.append(
            Issue(
                "SC-DIST-2",
                "domain_names",
                f"{names!r} needs a certificate that covers them.",
                "pass certificate= (an ACM certificate in us-east-1).",
            )
        )
    if certificate is None and not names and not props["allow_default_certificate"]:
        issues.append(
            Issue(
                "SC-DIST-2",
                "certificate",
                "is required: without one CloudFront serves *.cloudfront.net with the TLSv1 "
                "security policy, whatever minimum_protocol_version says (guardrail SC-CF-3).",
                "pass certificate=acm.Certificate(...) in us-east-1 and domain_names=[...], or "
                "allow_default_certificate=True to accept TLS 1.0 on *.cloudfront.net.",
            )
        )
    if certificate is not None and not names:
        issues.append(
            Issue(
                "SC-DIST-2",
                "domain_names",
                "is empty, but CloudFront serves a custom certificate only for its aliases.",
                "pass the names the certificate covers, e.g. domain_names=['www.example.com'].",
            )
        )
    if certificate is not None and props["allow_default_certificate"]:
        issues.append(
            Issue(
                "SC-DIST-2",
                "allow_default_certificate",
                "is True, but a certificate was passed.",
                "drop allow_default_certificate.",
            )
        )
    region = _certificate_region(certificate)
    if region is not None and region != defaults.EDGE_REGION:
        issues.append(
            Issue(
                "SC-DIST-2",
                "certificate",
                f"is in {region}; CloudFront only uses ACM certificates in us-east-1.",
                "request the certificate in us-east-1 (a us-east-1 stack, or "
                "acm.Certificate.from_certificate_arn of one there).",
            )
        )
    return issues


def _certificate_region(certificate: object) -> str | None:
    """The certificate's Region when synthesis knows it, else None."""
    if certificate is None:
        return None
    arn = getattr(certificate, "certificate_arn", None)
    if isinstance(arn, str) and not is_token(arn):
        match = _ACM_ARN_REGION.match(arn)
        return match.group(1) if match else None
    env = getattr(certificate, "env", None)
    region = getattr(env, "region", None)
    return region if isinstance(region, str) and not is_token(region) else None


def _protocol_issues(props: Mapping[str, Any]) -> list[Issue]:
    issues: list[Issue] = []
    version = props["minimum_protocol_version"]
    if version not in defaults.ALLOWED_MINIMUM_PROTOCOLS:
        allowed = sorted(m.name for m in defaults.ALLOWED_MINIMUM_PROTOCOLS)
        issues.append(
            Issue(
                "SC-DIST-5",
                "minimum_protocol_version",
                f"{version.name} lets viewers use TLS below 1.2 or weak ciphers (SC-CF-2).",
                f"use one of {', '.join(allowed)} (default TLS_V1_2_2021).",
            )
        )
    policy = props["viewer_protocol_policy"]
    if policy not in defaults.HTTPS_VIEWER_POLICIES:
        issues.append(
            Issue(
                "SC-DIST-5",
                "viewer_protocol_policy",
                f"{policy.name} serves plain HTTP (guardrail SC-CF-1).",
                "use REDIRECT_TO_HTTPS (default) or HTTPS_ONLY.",
            )
        )
    return issues


def _region_issues(scope: object, props: Mapping[str, Any]) -> list[Issue]:
    issues: list[Issue] = []
    arn = props["web_acl_arn"]
    if isinstance(arn, str) and not is_token(arn) and not _WEB_ACL_ARN.match(arn):
        issues.append(
            Issue(
                "SC-DIST-3",
                "web_acl_arn",
                f"{arn!r} is not the ARN of a CLOUDFRONT WebACL "
                "(arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>).",
                "pass the ARN of a WebACL with scope CLOUDFRONT (regional WebACLs cannot "
                "protect a distribution), or omit it in a us-east-1 stack.",
            )
        )
    assert isinstance(scope, Construct)  # noqa: S101 - checked first
    region = cdk.Stack.of(scope).region
    if is_token(region) or region == defaults.EDGE_REGION:
        return issues
    if arn is None:
        issues.append(
            Issue(
                "SC-DIST-3",
                "web_acl_arn",
                f"is required in {region}: WebACLs with scope CLOUDFRONT exist only in "
                "us-east-1, so this stack cannot create one.",
                "deploy the distribution from a us-east-1 stack, or create the WebACL there "
                "(e.g. a SecureDistribution-style CfnWebACL with scope CLOUDFRONT) and pass its "
                "ARN as web_acl_arn (cdk.Stack(..., cross_region_references=True)).",
            )
        )
    if not props["allow_without_access_logs"]:
        issues.append(
            Issue(
                "SC-DIST-4",
                "allow_without_access_logs",
                f"access logs need a standard logging v2 delivery in us-east-1, which a stack "
                f"in {region} cannot create.",
                "deploy the distribution from a us-east-1 stack, or pass "
                "allow_without_access_logs=True and deliver the logs from us-east-1.",
            )
        )
    return issues


def _option_issues(props: Mapping[str, Any]) -> list[Issue]:
    issues: list[Issue] = props["waf"].issues(code="SC-DIST-6")
    if props["waf_blocked_requests"] < 1:
        issues.append(
            Issue(
                "SC-DIST-6",
                "waf_blocked_requests",
                f"{props['waf_blocked_requests']} is not a positive number of requests.",
                f"pass at least 1 (default {_BLOCKED_REQUESTS_ALARM_THRESHOLD}).",
            )
        )
    if props["web_acl_arn"] is not None and props["waf"] is not DEFAULT_WAF:
        issues.append(
            Issue(
                "SC-DIST-6",
                "waf",
                "configures a WebACL to create, but web_acl_arn names an existing one.",
                "drop one of them.",
            )
        )
    least = DEFAULT_THRESHOLDS.audit_log_retention_days
    retention = props["log_retention"]
    if retention == logs.RetentionDays.INFINITE:
        issues.append(
            Issue(
                "SC-LOGS-RETENTION",
                "log_retention",
                "RetentionDays.INFINITE keeps logs forever (guardrail SC-LOGS-2).",
                "pick a finite RetentionDays value, e.g. ONE_YEAR.",
            )
        )
    else:
        checks = Checks(_TYPE)
        checks.log_retention("log_retention", retention, least, "access and WAF logs")
        issues += checks.issues
    if props["removal_policy"] == cdk.RemovalPolicy.SNAPSHOT:
        issues.append(
            Issue(
                "SC-DIST-7",
                "removal_policy",
                "keys and log groups do not support RemovalPolicy.SNAPSHOT.",
                "use RemovalPolicy.RETAIN (default) or DESTROY.",
            )
        )
    return issues
