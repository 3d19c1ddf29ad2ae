"""SecureAlbService: a container service on Fargate behind an HTTPS-only ALB and a WAF."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as route53_targets
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from aspects.acknowledge import acknowledge
from aspects.errors import Issue
from aspects.rules.elbv2 import TLS12_POLICY_PREFIXES
from aspects.settings import DEFAULT as DEFAULT_THRESHOLDS
from secure_constructs._defaults import alb as alb_defaults
from secure_constructs._defaults import (
    cfn_resource,
    declare_guarantee,
    enforce_rules,
    pin,
)
from secure_constructs._defaults import ecs as ecs_defaults
from secure_constructs._defaults import sns as sns_defaults
from secure_constructs._defaults import waf as waf_defaults
from secure_constructs._defaults.ec2 import (
    declare_ingress_ports,
    declare_restricted_egress,
    egress_only_security_group,
)
from secure_constructs._defaults.iam import ManagedPolicyRole
from secure_constructs._defaults.logs import (
    DEFAULT_LOG_RETENTION,
    encrypted_log_group,
    key_and_log_group,
)
from secure_constructs._defaults.s3 import access_log_bucket_props, declare_acls_disabled
from secure_constructs._defaults.waf import DEFAULT_WAF, WafOptions
from secure_constructs._scanners import COMPLIANCE_PACKS, accept_cdk_nag, accept_checkov
from secure_constructs._validation import (
    Checks,
    environment_leak,
    is_token,
    literal_int,
    missing_subnets,
    provides,
    raise_if_any,
    where,
)

__all__ = [
    "WARN_ALB_DELETION_PROTECTION_DISABLED",
    "WARN_ALB_DESTROY_ON_REMOVAL",
    "WARN_ALB_EXECUTE_COMMAND",
    "WARN_ALB_IMAGE_USER",
    "WARN_ALB_WITHOUT_WAF",
    "WARN_ALB_WRITABLE_ROOT_FILESYSTEM",
    "AlarmOptions",
    "DomainOptions",
    "SecureAlbService",
    "WafOptions",
]

#: Warning ids (acknowledge with ``Annotations.of(scope).acknowledge_warning(id)``).
WARN_ALB_WITHOUT_WAF = "secure-constructs:SecureAlbService:without-waf"
WARN_ALB_WRITABLE_ROOT_FILESYSTEM = "secure-constructs:SecureAlbService:writable-root-filesystem"
WARN_ALB_IMAGE_USER = "secure-constructs:SecureAlbService:image-user"
WARN_ALB_EXECUTE_COMMAND = "secure-constructs:SecureAlbService:execute-command"
WARN_ALB_DELETION_PROTECTION_DISABLED = (
    "secure-constructs:SecureAlbService:deletion-protection-disabled"
)
WARN_ALB_DESTROY_ON_REMOVAL = "secure-constructs:SecureAlbService:destroy-on-removal"

#: The cdk-nag 3 compliance packs whose rules the acknowledgments below answer.

_PUBLIC_INGRESS_REASON = (
    "An internet-facing load balancer must accept HTTPS (443) from any address; port 80 is "
    "open only so the listener can answer with a permanent redirect to HTTPS (guardrail "
    "SC-ELB-1). Every request passes the WAF WebACL first, and the load balancer reaches "
    "nothing but the service's tasks on the container port."
)
_PORT_80_REASON = (
    "Port 80 on the internet-facing load balancer only answers with a permanent redirect "
    "to HTTPS (guardrail SC-ELB-1); no request is forwarded to the service over HTTP."
)
_REDIRECT_LISTENER_REASON = (
    "This port-80 listener has no certificate because it serves nothing: its only action "
    "is a permanent redirect to the HTTPS listener on 443, which has the ACM certificate "
    "and a TLS 1.2+ policy (guardrails SC-ELB-1 and SC-ELB-2)."
)
_LOG_BUCKET_SSE_S3_REASON = (
    "Elastic Load Balancing access log delivery supports only SSE-S3 on the target bucket "
    "(a KMS key makes delivery fail), so the ALB log bucket cannot use a customer-managed "
    "key. It is versioned, TLS-only, blocks public access and expires logs."
)
_LOG_BUCKET_NOT_LOGGED_REASON = (
    "This bucket only receives the load balancer's access logs; logging its own S3 access "
    "to a further bucket would only move the question one bucket down; audit reads of the "
    "logs with CloudTrail S3 data events where that is required."
)
_LOG_BUCKET_REPLICATION_REASON = (
    "Replicating load balancer access logs to another region is a disaster-recovery "
    "decision that needs a bucket there; this bucket is versioned and retained, so logs "
    "stay recoverable."
)
_ECR_REGISTRY_LOGIN_REASON = (
    "ecr:GetAuthorizationToken supports no resource-level permissions, so the execution "
    "role can only get a registry token with Resource '*'; pulling is limited to the "
    "image's repository by the other statements."
)
_EXEC_WILDCARD_REASON = (
    "ECS Exec was enabled on purpose: ssmmessages:CreateControlChannel/CreateDataChannel/"
    "OpenControlChannel/OpenDataChannel and logs:DescribeLogGroups support no "
    "resource-level permissions, and the session log streams are named per session, so "
    "they are allowed as any stream of the one ExecuteCommandLogs group. Sessions are "
    "encrypted with the service's key and logged to that encrypted group."
)
_ENVIRONMENT_REASON = (
    "Every environment value was checked at synthesis for secrets (secret-looking names "
    "with literal values, keys, tokens, passwords in URLs: SecureAlbService SC-ALB-3/4 and "
    "guardrail SC-ECS-3); secrets are passed as ECS secrets from Secrets Manager or SSM. "
    "The remaining variables are plain configuration."
)

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_HOSTED_ZONE_ID = re.compile(r"^Z[A-Z0-9]{1,31}$")


_EXTERNAL_WEB_ACL_REASON = (
    "web_acl was given as an ARN: that WebACL is defined and judged outside this app "
    "(another stack or Firewall Manager), so its rules cannot be read here."
)


@dataclass(frozen=True)
class DomainOptions:
    """Where the service is reachable, by attributes only (no lookups at synthesis).

    With a domain, SecureAlbService creates a DNS-validated ACM certificate for it (unless
    a certificate is passed) and an alias ``A`` record to the load balancer.

    Parameters
    ----------
    domain_name:
        The service's name, e.g. ``"app.example.com"``.
    hosted_zone_id:
        The Route 53 hosted zone that holds it, e.g. ``"Z0123456789ABCDEFGHIJ"``.
    zone_name:
        That zone's name, e.g. ``"example.com"``; *domain_name* must be in it.
    """

    domain_name: str
    hosted_zone_id: str
    zone_name: str

    def issues(self) -> list[Issue]:
        """What is wrong with these attributes (empty when valid)."""
        checks = Checks("SC-ALB-10")
        for field_name in ("domain_name", "hosted_zone_id", "zone_name"):
            checks.string(f"domain.{field_name}", getattr(self, field_name))
        if checks.issues:
            return checks.issues
        issues: list[Issue] = []
        name = self.domain_name.lower().rstrip(".")
        zone = self.zone_name.lower().rstrip(".")
        if not _DOMAIN.match(name):
            issues.append(
                Issue(
                    "SC-ALB-10",
                    "domain.domain_name",
                    f"{self.domain_name!r} is not a DNS name.",
                    "pass a fully qualified name such as 'app.example.com'.",
                )
            )
        elif name != zone and not name.endswith(f".{zone}"):
            issues.append(
                Issue(
                    "SC-ALB-10",
                    "domain.zone_name",
                    f"{self.domain_name!r} is not inside the hosted zone {self.zone_name!r}.",
                    "pass the zone that holds the name (its id and name), or a name in it.",
                )
            )
        if not _HOSTED_ZONE_ID.match(self.hosted_zone_id):
            issues.append(
                Issue(
                    "SC-ALB-10",
                    "domain.hosted_zone_id",
                    f"{self.hosted_zone_id!r} is not a Route 53 hosted zone id.",
                    "copy the id from Route 53 (it starts with 'Z'), without '/hostedzone/'.",
                )
            )
        return issues


@dataclass(frozen=True)
class AlarmOptions:
    """The alarms SecureAlbService creates: only those worth waking up for.

    Each looks at 5-minute periods; the first two fire when 2 of the last 3 periods
    breach, the WAF alarm on one period. Missing data (no traffic) is not breaching. Alarm
    and recovery notifications go to the alarm topic.

    Parameters
    ----------
    server_error_rate_percent:
        Alarm when 5xx responses (from the load balancer and the targets) exceed this share
        of requests. Default 5 %.
    minimum_requests:
        Periods with fewer requests count as 0 % errors (a quiet night is not an
        incident). Default 20.
    waf_blocked_requests:
        Alarm when WAF blocks at least this many requests in one period: an attack, or a
        rule blocking real users. Default 500. Only for a WebACL whose metric name is known.
    notify_on_recovery:
        Also notify when an alarm returns to OK. Default True.
    """

    server_error_rate_percent: float = alb_defaults.SERVER_ERROR_RATE_PERCENT
    minimum_requests: int = alb_defaults.MINIMUM_REQUESTS
    waf_blocked_requests: int = alb_defaults.WAF_BLOCKED_REQUESTS
    notify_on_recovery: bool = True

    def issues(self) -> list[Issue]:
        """What is wrong with these thresholds (empty when valid)."""
        checks = Checks("SC-ALB-17")
        checks.number("alarms.server_error_rate_percent", self.server_error_rate_percent)
        checks.integer("alarms.minimum_requests", self.minimum_requests)
        checks.integer("alarms.waf_blocked_requests", self.waf_blocked_requests)
        checks.boolean("alarms.notify_on_recovery", self.notify_on_recovery)
        if checks.issues:
            return checks.issues
        issues: list[Issue] = []
        if not 0 < self.server_error_rate_percent < 100:
            issues.append(
                Issue(
                    "SC-ALB-17",
                    "alarms.server_error_rate_percent",
                    f"{self.server_error_rate_percent} is not a percentage between 0 and 100.",
                    f"use e.g. {alb_defaults.SERVER_ERROR_RATE_PERCENT} (the default).",
                )
            )
        for name, value in (
            ("minimum_requests", self.minimum_requests),
            ("waf_blocked_requests", self.waf_blocked_requests),
        ):
            if value < 1:
                issues.append(
                    Issue(
                        "SC-ALB-17",
                        f"alarms.{name}",
                        f"{value} is not a positive number of requests.",
                        "pass at least 1, or alarms=None to create no alarms.",
                    )
                )
        return issues


#: The alarms SecureAlbService creates unless told otherwise.
DEFAULT_ALARMS = AlarmOptions()


@jsii.implements(iam.IGrantable, ec2.IConnectable)
class SecureAlbService(Construct):
    """A container service on ECS Fargate behind an HTTPS-only Application Load Balancer.

    Defaults (each implements a guardrail rule or a control of the issue):

    * **In transit.** An HTTPS listener on 443 with the given (or created) ACM certificate
      and the TLS 1.3/1.2 post-quantum policy ``ELBSecurityPolicy-TLS13-1-2-PQ-2025-09``
      (SC-ELB-2); port 80 only redirects to HTTPS (SC-ELB-1). Targets are reached over
      HTTP inside the VPC unless ``end_to_end_tls``.
    * **Prevention.** A WAFv2 WebACL with the AWS managed groups IP reputation, Common,
      Known bad inputs and SQLi plus a per-IP rate limit, all with metrics (SC-ELB-3,
      SC-WAF-1, SC-WAF-2); invalid headers dropped, strictest desync mitigation, WAF fail
      closed, deletion protection (SC-ELB-4, SC-ELB-5). The ALB's security group admits
      443 and 80 and reaches only the tasks; the tasks' group admits only the ALB on the
      container port and allows HTTPS out.
    * **Containers.** Tasks in private subnets without public IPs (SC-ECS-2), latest
      platform version, not privileged (SC-ECS-1), read-only root filesystem (SC-ECS-6),
      a non-root user, secrets only as ECS secrets (SC-ECS-3), no ECS Exec.
    * **Detection.** Container logs to a KMS-encrypted log group kept one year (SC-ECS-4,
      SC-LOGS-1/2); Container Insights (SC-ECS-5); ALB access logs to a hardened SSE-S3
      bucket (SC-ELB-6); WAF logs, without credentials and cookies, to a KMS-encrypted
      ``aws-waf-logs-`` log group (SC-WAF-3); alarms on the 5xx rate, unhealthy targets and
      WAF blocks, sent to a KMS-encrypted, TLS-only SNS topic (SC-SNS-1/3).
    * One customer-managed key with rotation for logs, alarms and ECS Exec (SC-KMS-1);
      key, log groups, log bucket and topic retained on removal (SC-KMS-3, SC-S3-3).

    Parameters
    ----------
    scope, construct_id:
        As for any construct. Children include ``Key``, ``Cluster``, ``TaskDefinition``,
        ``Service``, ``LoadBalancer`` (with listeners ``Https`` and ``HttpRedirect``),
        ``TargetGroup``, ``WebAcl``, ``AccessLogs``, ``AlarmTopic``.
    vpc:
        The VPC: public subnets for an internet-facing load balancer, private subnets with
        egress (or isolated ones with VPC endpoints) for the tasks.
    image:
        The container image, e.g. ``ecs.ContainerImage.from_ecr_repository(repo, tag)``.
    certificate:
        The ACM certificate of the HTTPS listener. Default: created for ``domain`` (one of
        the two is required).
    domain:
        Create a DNS-validated certificate (unless ``certificate`` is given) and an alias
        record in this hosted zone. Default: none; the service is reached at the load
        balancer's DNS name.
    ssl_policy:
        The HTTPS listener's security policy. Default ``SslPolicy.TLS13_12_PQ``. Only
        policies that allow TLS 1.2 and newer are accepted
        (``aspects.rules.elbv2.TLS12_POLICY_PREFIXES``).
    end_to_end_tls:
        Default False (TLS ends at the load balancer). True makes the target group and its
        health check use HTTPS to the container, which must then serve TLS on
        ``container_port`` (any certificate: the ALB does not validate it).
    container_port:
        The port the container listens on. Default 8080.
    health_check_path:
        Path of the target group's health check. Default ``"/"`` (200-399 is healthy).
    environment:
        Plain settings for the container. Names that look like secrets with literal values
        and values that look like keys or tokens are rejected: use ``secrets``. cdk-nag's
        ``AwsSolutions-ECS2`` flags any environment variable; with values checked this
        way it is acknowledged on the task definition, with that reason. Default: none.
    secrets:
        ``{"DB_PASSWORD": ecs.Secret.from_secrets_manager(secret, "password")}``: injected
        by ECS at start, never stored in the task definition; the execution role may read
        exactly these. Default: none.
    cpu, memory_limit_mib:
        Task size, a pair Fargate supports. Default 512 (0.5 vCPU) and 1024 MiB.
    desired_count:
        Number of tasks. Default 2 (ECS spreads them over availability zones).
    architecture:
        ``ecs.CpuArchitecture.X86_64`` (default) or ``ARM64``.
    user:
        The user the container runs as. Default ``"1000:1000"`` (non-root). ``None`` keeps
        the image's own ``USER`` (warning ``WARN_ALB_IMAGE_USER``: many images run as
        root); ``"root"`` and uid 0 in any spelling (``"0"``, ``"00"``, ``"+0"``,
        ``"0000:1000"``) are rejected, as is an empty user.
    read_only_root_filesystem:
        Default True. False is a weakening: warning ``WARN_ALB_WRITABLE_ROOT_FILESYSTEM``
        and the guardrails report SC-ECS-6 unless acknowledged.
    scratch_paths:
        Absolute paths (e.g. ``("/tmp",)``) that get a writable, task-local volume while
        the root filesystem stays read-only. Fargate fills each volume from the image's
        directory at that path, ownership included: create it in the image, owned by the
        container's user. Default: none.
    privileged:
        Default False. True is rejected: Fargate does not run privileged containers and
        SC-ECS-1 forbids them.
    enable_execute_command:
        Default False. True allows ``aws ecs execute-command`` shells into the tasks
        (warning ``WARN_ALB_EXECUTE_COMMAND``); sessions are encrypted with the key and
        logged to an encrypted ``ExecuteCommandLogs`` group. With your own ``cluster``, its
        execute-command configuration must do both.
    cluster:
        Run in this cluster. Default: a new cluster with Container Insights.
    task_subnets:
        Subnets of the tasks. Default ``PRIVATE_WITH_EGRESS``; public subnets are rejected.
    internet_facing:
        Default True. False creates an internal load balancer in private subnets.
    allowed_clients:
        Who may connect (on 443, and on 80 to be redirected), e.g.
        ``[ec2.Peer.ipv4("203.0.113.0/24")]`` or a security group. Default: anyone
        (internet-facing) or the VPC's own address range (internal), written as a literal
        CIDR where the VPC's is known so scanners can evaluate it.
    load_balancer_subnets:
        Subnets of the load balancer. Default public subnets (private when internal).
    deletion_protection:
        Default True. False is a weakening (warning ``WARN_ALB_DELETION_PROTECTION_DISABLED``).
    waf:
        Settings of the created WebACL. Default ``WafOptions()``. ``None`` creates no WebACL
        and needs ``allow_without_waf=True``.
    web_acl:
        Attach this WebACL (a ``CfnWebACL`` of the app, or a WebACL ARN, e.g. one Firewall
        Manager manages) instead of creating one. Its rules and logging are its owner's:
        WAF allows one logging configuration per WebACL. A ``CfnWebACL`` of the app is
        judged like the created one: on an internet-facing service it must enforce the AWS
        common, known-bad-inputs, IP-reputation and SQLi groups and a blocking per-IP rate
        rule within the rate ceiling (SC-WAF-1, SC-WAF-2, SC-WAF-5). Default: create one.
    allow_without_waf:
        Default False. True with ``waf=None`` leaves the load balancer without a WAF
        (warning ``WARN_ALB_WITHOUT_WAF``; SC-ELB-3 reports it unless acknowledged).
    access_log_bucket:
        Write ALB access logs to this bucket (SSE-S3 only: log delivery cannot use KMS).
        Default: a new versioned, TLS-only, retained bucket.
    access_log_prefix:
        Key prefix of the access logs. Default: none.
    access_log_retention:
        How long the created log bucket keeps logs. Default 365 days.
    encryption_key:
        Bring your own customer-managed key for the log groups, the alarm topic and ECS
        Exec. Its policy must let CloudWatch Logs (and CloudWatch alarms) use it; a key of
        the same app gets those statements. Default: a new key with rotation.
    log_retention:
        How long the container, WAF and ECS Exec log groups keep logs. Default one year;
        ``INFINITE`` is rejected.
    alarms:
        Alarm thresholds. Default ``AlarmOptions()``; ``None`` creates no alarms.
    alarm_topic:
        Send alarm notifications to this topic; if it is KMS-encrypted, its key policy must
        let ``cloudwatch.amazonaws.com`` use the key. Default: a new topic encrypted with
        the construct's key (whose policy gets that statement, for this topic only) and
        TLS-only (subscribe your on-call to ``.alarm_topic``).
    removal_policy:
        For the key, log groups, log bucket and topic. Default RETAIN. ``DESTROY`` is a
        weakening (warning ``WARN_ALB_DESTROY_ON_REMOVAL``; SC-KMS-3 and SC-S3-3 report it
        unless acknowledged).

    Attributes
    ----------
    load_balancer, listener, redirect_listener, target_group:
        The ALB, its HTTPS listener, its port-80 redirect listener and the target group.
    service, task_definition, container, cluster:
        The Fargate service, its task definition and application container, the cluster.
    task_role, execution_role:
        What the application may call (grant to it, or to the service itself) and what
        ECS needs to start it.
    web_acl, web_acl_arn, web_acl_association, waf_log_group:
        The WebACL (None if given by ARN or removed), its ARN, its association and the
        created WAF log group.
    access_log_bucket:
        Where the ALB writes its access logs.
    load_balancer_security_group, service_security_group, security_groups:
        The two security groups, and both as a tuple.
    encryption_key, log_group, execute_command_log_group:
        The key, the container log group, and the ECS Exec log group (when enabled).
    alarm_topic, alarms:
        The topic alarms notify, and the alarms by name (``ServerErrorRate``,
        ``UnhealthyTargets``, ``WafBlockedRequests``).
    certificate, hosted_zone, alias_record:
        The listener's certificate; the hosted zone and alias record with a domain.
    domain_name, url:
        The domain (or the load balancer's DNS name) and ``https://<domain_name>``.

    Raises
    ------
    SecureConstructsError
        Listing every invalid input (codes ``SC-ALB-n``) with the property, the value and
        the fix.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        vpc: ec2.IVpc,
        image: ecs.ContainerImage,
        certificate: acm.ICertificate | None = None,
        domain: DomainOptions | None = None,
        ssl_policy: elbv2.SslPolicy = alb_defaults.DEFAULT_SSL_POLICY,
        end_to_end_tls: bool = False,
        container_port: int = ecs_defaults.CONTAINER_PORT,
        health_check_path: str = "/",
        environment: Mapping[str, str] | None = None,
        secrets: Mapping[str, ecs.Secret] | None = None,
        cpu: int = ecs_defaults.CPU,
        memory_limit_mib: int = ecs_defaults.MEMORY_LIMIT_MIB,
        desired_count: int = ecs_defaults.DESIRED_COUNT,
        architecture: ecs.CpuArchitecture = ecs.CpuArchitecture.X86_64,
        user: str | None = ecs_defaults.NON_ROOT_USER,
        read_only_root_filesystem: bool = True,
        scratch_paths: Sequence[str] = (),
        privileged: bool = False,
        enable_execute_command: bool = False,
        cluster: ecs.ICluster | None = None,
        task_subnets: ec2.SubnetSelection | None = None,
        internet_facing: bool = True,
        allowed_clients: Sequence[ec2.IPeer] = (),
        load_balancer_subnets: ec2.SubnetSelection | None = None,
        deletion_protection: bool = True,
        waf: WafOptions | None = DEFAULT_WAF,
        web_acl: wafv2.CfnWebACL | str | None = None,
        allow_without_waf: bool = False,
        access_log_bucket: s3.IBucket | None = None,
        access_log_prefix: str | None = None,
        access_log_retention: cdk.Duration = cdk.Duration.days(365),  # noqa: B008
        encryption_key: kms.IKey | None = None,
        log_retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
        alarms: AlarmOptions | None = DEFAULT_ALARMS,
        alarm_topic: sns.ITopic | None = None,
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
    ) -> None:
        checks = _input_checks(
            scope,
            construct_id,
            vpc=vpc,
            image=image,
            certificate=certificate,
            domain=domain,
            ssl_policy=ssl_policy,
            end_to_end_tls=end_to_end_tls,
            container_port=container_port,
            health_check_path=health_check_path,
            environment=environment,
            secrets=secrets,
            cpu=cpu,
            memory_limit_mib=memory_limit_mib,
            desired_count=desired_count,
            architecture=architecture,
            user=user,
            read_only_root_filesystem=read_only_root_filesystem,
            scratch_paths=scratch_paths,
            privileged=privileged,
            enable_execute_command=enable_execute_command,
            cluster=cluster,
            task_subnets=task_subnets,
            internet_facing=internet_facing,
            allowed_clients=allowed_clients,
            load_balancer_subnets=load_balancer_subnets,
            deletion_protection=deletion_protection,
            waf=waf,
            web_acl=web_acl,
            allow_without_waf=allow_without_waf,
            access_log_bucket=access_log_bucket,
            access_log_prefix=access_log_prefix,
            access_log_retention=access_log_retention,
            encryption_key=encryption_key,
            log_retention=log_retention,
            alarms=alarms,
            alarm_topic=alarm_topic,
            removal_policy=removal_policy,
        )
        environment = dict(environment or {}) if checks.ok("environment") else {}
        secrets = dict(secrets or {}) if checks.ok("secrets") else {}
        issues = [
            *(_transit_issues(checks, scope, certificate, domain, ssl_policy)),
            *_container_issues(
                checks,
                scope,
                environment=environment,
                secrets=secrets,
                user=user,
                read_only_root_filesystem=read_only_root_filesystem,
                scratch_paths=scratch_paths,
                privileged=privileged,
                container_port=container_port,
                health_check_path=health_check_path,
            ),
            *_waf_issues(checks, waf, web_acl, allow_without_waf),
            *_option_issues(
                checks,
                enable_execute_command=enable_execute_command,
                cluster=cluster,
                task_subnets=task_subnets,
                log_retention=log_retention,
                removal_policy=removal_policy,
                access_log_retention=access_log_retention,
                alarms=alarms,
                alarm_topic=alarm_topic,
            ),
        ]
        raise_if_any(where("SecureAlbService", scope, construct_id), [*checks.issues, *issues])
        super().__init__(scope, construct_id)

        # -- keys and logs ---------------------------------------------------------------
        self.encryption_key: kms.IKey
        self.log_group: logs.ILogGroup
        self.encryption_key, self.log_group = key_and_log_group(
            self,
            "ContainerLogs",
            encryption_key=encryption_key,
            key_description=f"Encrypts the logs, alarm notifications and ECS Exec sessions of "
            f"{self.node.path}",
            retention=log_retention,
            removal_policy=removal_policy,
        )

        # -- network ---------------------------------------------------------------------
        self.load_balancer_security_group = ec2.SecurityGroup(
            self,
            "LoadBalancerSecurityGroup",
            vpc=vpc,
            description=f"{self.node.path} load balancer: HTTPS (and HTTP to redirect) in, "
            "only the service tasks out",
            allow_all_outbound=False,
        )
        declare_restricted_egress(self.load_balancer_security_group, world_ports=())
        declare_ingress_ports(
            self.load_balancer_security_group, alb_defaults.HTTPS_PORT, alb_defaults.HTTP_PORT
        )
        peers, who = _clients(vpc, internet_facing, allowed_clients)
        for peer in peers:
            self.load_balancer_security_group.add_ingress_rule(
                peer, ec2.Port.tcp(alb_defaults.HTTPS_PORT), f"HTTPS from {who}"
            )
            self.load_balancer_security_group.add_ingress_rule(
                peer,
                ec2.Port.tcp(alb_defaults.HTTP_PORT),
                f"HTTP from {who}, answered only with a redirect to HTTPS",
            )
        self.service_security_group = egress_only_security_group(
            self,
            "ServiceSecurityGroup",
            vpc=vpc,
            description=f"{self.node.path} tasks: only the load balancer in, HTTPS out",
        )
        declare_ingress_ports(self.service_security_group, container_port)
        self.security_groups: tuple[ec2.SecurityGroup, ...] = (
            self.load_balancer_security_group,
            self.service_security_group,
        )

        # -- containers ------------------------------------------------------------------
        self.execute_command_log_group: logs.ILogGroup | None = None
        self.cluster: ecs.ICluster = cluster or self._create_cluster(
            vpc, enable_execute_command, log_retention, removal_policy
        )
        self.execution_role = ManagedPolicyRole(
            self,
            "ExecutionRole",
            assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
            description=f"ECS task execution role of {self.node.path}: pull the image, "
            "write its logs, read its secrets",
        )
        self.task_role = ecs_defaults.TaskRole(
            self, "TaskRole", description=f"Task role of {self.node.path}: what the app may call"
        )
        self.task_definition = ecs.FargateTaskDefinition(
            self,
            "TaskDefinition",
            cpu=cpu,
            memory_limit_mib=memory_limit_mib,
            execution_role=self.execution_role,
            task_role=self.task_role,
            runtime_platform=ecs.RuntimePlatform(
                cpu_architecture=architecture,
                operating_system_family=ecs.OperatingSystemFamily.LINUX,
            ),
        )
        self.container = self.task_definition.add_container(
            ecs_defaults.CONTAINER_NAME,
            image=image,
            essential=True,
            port_mappings=[
                ecs.PortMapping(container_port=container_port, protocol=ecs.Protocol.TCP)
            ],
            logging=ecs.LogDrivers.aws_logs(
                stream_prefix=ecs_defaults.CONTAINER_NAME, log_group=self.log_group
            ),
            environment=environment or None,
            secrets=secrets or None,
            user=user,
            privileged=False,
            readonly_root_filesystem=read_only_root_filesystem,
        )
        if read_only_root_filesystem:
            enforce_rules(self.task_definition, "SC-ECS-6")
        for i, path in enumerate(scratch_paths):
            volume = f"scratch-{i}"
            self.task_definition.add_volume(name=volume)
            self.container.add_mount_points(
                ecs.MountPoint(container_path=path, source_volume=volume, read_only=False)
            )
        self.service = ecs.FargateService(
            self,
            "Service",
            cluster=self.cluster,
            task_definition=self.task_definition,
            desired_count=desired_count,
            security_groups=[self.service_security_group],
            vpc_subnets=task_subnets
            or ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            enable_execute_command=enable_execute_command,
            **ecs_defaults.service_props(),
        )

        # -- load balancer ---------------------------------------------------------------
        self.hosted_zone: route53.IHostedZone | None = None
        if domain is not None:
            self.hosted_zone = route53.HostedZone.from_hosted_zone_attributes(
                self,
                "HostedZone",
                hosted_zone_id=domain.hosted_zone_id,
                zone_name=domain.zone_name,
            )
        self.certificate: acm.ICertificate = certificate or self._create_certificate(domain)
        self.load_balancer = elbv2.ApplicationLoadBalancer(
            self,
            "LoadBalancer",
            vpc=vpc,
            internet_facing=internet_facing,
            vpc_subnets=load_balancer_subnets
            or ec2.SubnetSelection(
                subnet_type=ec2.SubnetType.PUBLIC
                if internet_facing
                else ec2.SubnetType.PRIVATE_WITH_EGRESS
            ),
            security_group=self.load_balancer_security_group,
            deletion_protection=deletion_protection,
            **alb_defaults.load_balancer_props(),
        )
        for key, value in alb_defaults.EXPLICIT_ATTRIBUTES.items():
            self.load_balancer.set_attribute(key, value)
        enforce_rules(self.load_balancer, "SC-ELB-5")  # strictest desync mitigation
        pin(
            self.load_balancer,
            pinned=None if internet_facing else {"Scheme": "internal"},
            present=("SecurityGroups",),
        )
        if deletion_protection:
            declare_guarantee(self.load_balancer, "deletionProtection", True)  # SC-ELB-7
        target_protocol = (
            elbv2.ApplicationProtocol.HTTPS if end_to_end_tls else elbv2.ApplicationProtocol.HTTP
        )
        self.target_group = elbv2.ApplicationTargetGroup(
            self,
            "TargetGroup",
            vpc=vpc,
            port=container_port,
            protocol=target_protocol,
            target_type=elbv2.TargetType.IP,
            deregistration_delay=alb_defaults.DEREGISTRATION_DELAY,
            health_check=elbv2.HealthCheck(
                path=health_check_path,
                protocol=elbv2.Protocol.HTTPS if end_to_end_tls else elbv2.Protocol.HTTP,
                healthy_http_codes=alb_defaults.HEALTHY_HTTP_CODES,
                interval=alb_defaults.HEALTH_CHECK_INTERVAL,
            ),
        )
        if end_to_end_tls:  # guardrail SC-PIN-1: TLS stays on to the containers
            pin(self.target_group, pinned={"Protocol": "HTTPS", "HealthCheckProtocol": "HTTPS"})
        pin(self.service, present=("NetworkConfiguration.AwsvpcConfiguration.SecurityGroups",))
        # Registers the tasks and opens exactly the container port from the ALB's group to
        # the tasks' group (egress on one, ingress on the other).
        self.service.attach_to_application_target_group(self.target_group)
        self.listener = self.load_balancer.add_listener(
            "Https",
            port=alb_defaults.HTTPS_PORT,
            protocol=elbv2.ApplicationProtocol.HTTPS,
            certificates=[elbv2.ListenerCertificate.from_certificate_manager(self.certificate)],
            ssl_policy=ssl_policy,
            default_action=elbv2.ListenerAction.forward([self.target_group]),
            open=False,  # ingress is the security group's rules above, whatever the flags
        )
        self.redirect_listener = self.load_balancer.add_listener(
            "HttpRedirect",
            port=alb_defaults.HTTP_PORT,
            protocol=elbv2.ApplicationProtocol.HTTP,
            default_action=alb_defaults.redirect_to_https(),
            open=False,
        )

        self.access_log_bucket: s3.IBucket = access_log_bucket or self._create_log_bucket(
            access_log_retention, removal_policy
        )
        self.load_balancer.log_access_logs(self.access_log_bucket, access_log_prefix)
        self._deny_log_delivery_for_other_accounts(
            self.access_log_bucket, enforce=access_log_bucket is None
        )

        self.domain_name: str = (
            domain.domain_name if domain is not None else self.load_balancer.load_balancer_dns_name
        )
        self.url = f"https://{self.domain_name}"
        self.alias_record: route53.ARecord | None = None
        if domain is not None and self.hosted_zone is not None:
            self.alias_record = route53.ARecord(
                self,
                "AliasRecord",
                zone=self.hosted_zone,
                record_name=domain.domain_name,
                target=route53.RecordTarget.from_alias(
                    route53_targets.LoadBalancerTarget(self.load_balancer)
                ),
            )

        # -- WAF -------------------------------------------------------------------------
        self.web_acl: wafv2.CfnWebACL | None = None
        self.web_acl_arn: str | None = None
        self.waf_log_group: logs.ILogGroup | None = None
        self.web_acl_association: wafv2.CfnWebACLAssociation | None = None
        self._waf_metric_name: str | None = None
        if web_acl is not None:
            self._attach_web_acl(web_acl)
        elif waf is not None:
            self._create_web_acl(waf, log_retention, removal_policy)

        # -- alarms ----------------------------------------------------------------------
        self.alarm_topic: sns.ITopic | None = None
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        if alarms is not None:
            self.alarm_topic = alarm_topic or sns_defaults.alarm_topic(
                self, encryption_key=self.encryption_key, removal_policy=removal_policy
            )
            self._create_alarms(alarms, self.alarm_topic)

        self._accept_inherent_findings(
            open_to_the_internet=any(_is_world(peer) for peer in peers),
            created_log_bucket=access_log_bucket is None,
            has_environment=bool(environment),
            exec_enabled=enable_execute_command,
        )
        self._warn(
            waf_removed=waf is None and web_acl is None,
            read_only_root_filesystem=read_only_root_filesystem,
            user=user,
            enable_execute_command=enable_execute_command,
            deletion_protection=deletion_protection,
            removal_policy=removal_policy,
        )

    # -- wiring ---------------------------------------------------------------------------

    def _create_cluster(
        self,
        vpc: ec2.IVpc,
        enable_execute_command: bool,
        log_retention: logs.RetentionDays,
        removal_policy: cdk.RemovalPolicy,
    ) -> ecs.Cluster:
        """A cluster with Container Insights; ECS Exec encrypted and logged when enabled."""
        exec_configuration = None
        if enable_execute_command:
            self.execute_command_log_group = encrypted_log_group(
                self,
                "ExecuteCommandLogs",
                encryption_key=self.encryption_key,
                retention=log_retention,
                removal_policy=removal_policy,
            )
            exec_configuration = ecs.ExecuteCommandConfiguration(
                kms_key=self.encryption_key,
                logging=ecs.ExecuteCommandLogging.OVERRIDE,
                log_configuration=ecs.ExecuteCommandLogConfiguration(
                    cloud_watch_log_group=self.execute_command_log_group,
                    cloud_watch_encryption_enabled=True,
                ),
            )
        cluster = ecs.Cluster(
            self,
            "Cluster",
            vpc=vpc,
            container_insights_v2=ecs.ContainerInsights.ENABLED,
            execute_command_configuration=exec_configuration,
        )
        enforce_rules(cluster, "SC-ECS-5")  # Container Insights stays on
        return cluster

    def _create_certificate(self, domain: DomainOptions | None) -> acm.Certificate:
        """A certificate for the domain, validated through a record in its hosted zone."""
        if domain is None or self.hosted_zone is None:  # pragma: no cover - SC-ALB-1
            raise TypeError("a certificate or a domain is required")
        return acm.Certificate(
            self,
            "Certificate",
            domain_name=domain.domain_name,
            validation=acm.CertificateValidation.from_dns(self.hosted_zone),
        )

    def _create_log_bucket(
        self, retention: cdk.Duration, removal_policy: cdk.RemovalPolicy
    ) -> s3.Bucket:
        """The ALB access log bucket: the shared hardened log-bucket settings (SSE-S3)."""
        bucket = s3.Bucket(
            self,
            "AccessLogs",
            removal_policy=removal_policy,
            **access_log_bucket_props(retention),
        )
        declare_acls_disabled(bucket)
        return bucket

    def _deny_log_delivery_for_other_accounts(self, bucket: s3.IBucket, *, enforce: bool) -> None:
        """CDK's grant to the log delivery service names no source account: pin it.

        ``log_access_logs`` allows ``delivery.logs.amazonaws.com`` (the regions without an
        ELB account) to write without a condition, so any account's logs could be
        delivered into this bucket (the confused deputy, guardrail SC-IAM-4). The Deny
        refuses deliveries on behalf of other accounts; AWS's log delivery sends
        ``aws:SourceAccount``. A bucket imported by name keeps its own policy (a no-op); on
        a bucket the construct created, dropping the Deny is an error (*enforce*).
        """
        bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="DenyLogDeliveryForOtherAccounts",
                effect=iam.Effect.DENY,
                principals=[iam.ServicePrincipal("delivery.logs.amazonaws.com")],
                actions=["s3:PutObject", "s3:GetBucketAcl"],
                resources=[bucket.bucket_arn, bucket.arn_for_objects("*")],
                conditions={"StringNotEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID}},
            )
        )
        if enforce and bucket.policy is not None:
            enforce_rules(bucket.policy, "SC-IAM-4")

    def _create_web_acl(
        self, options: WafOptions, retention: logs.RetentionDays, removal_policy: cdk.RemovalPolicy
    ) -> None:
        """The WebACL, its association with the load balancer and its logging."""
        self.web_acl = waf_defaults.create_web_acl(
            self,
            options,
            waf_scope="REGIONAL",
            description=f"Protects the load balancer of {self.node.path}",
            # A rate limit in front of an internal service too: its absence is an error here.
            enforced=("SC-WAF-7", "SC-WAF-10"),
        )
        self._waf_metric_name = waf_defaults.web_acl_name(self)
        self.web_acl_arn = self.web_acl.attr_arn
        self._associate(self.web_acl_arn)
        self.waf_log_group = waf_defaults.log_web_acl(
            self,
            self.web_acl,
            encryption_key=self.encryption_key,
            retention=retention,
            removal_policy=removal_policy,
        )

    def _attach_web_acl(self, web_acl: wafv2.CfnWebACL | str) -> None:
        if isinstance(web_acl, str):
            self.web_acl_arn = web_acl
            # The guardrails cannot read a WebACL that only an ARN names (SC-ELB-3 is then
            # cannot-verify); passing one is the explicit choice that another stack or the
            # organisation (Firewall Manager) owns it, so the finding is accepted, visibly.
            acknowledge(self.load_balancer, "SC-ELB-3", _EXTERNAL_WEB_ACL_REASON)
        else:
            self.web_acl = web_acl
            self.web_acl_arn = web_acl.attr_arn
            config = web_acl.visibility_config
            metric = getattr(config, "metric_name", None)
            if isinstance(metric, str) and not cdk.Token.is_unresolved(metric):
                self._waf_metric_name = metric
        self._associate(self.web_acl_arn)

    def _associate(self, web_acl_arn: str) -> None:
        self.web_acl_association = wafv2.CfnWebACLAssociation(
            self,
            "WebAclAssociation",
            resource_arn=self.load_balancer.load_balancer_arn,
            web_acl_arn=web_acl_arn,
        )
        # Internal services too: detaching the WebACL is SC-ELB-3's (declared guarantee).
        declare_guarantee(self.load_balancer, "webAcl", True)

    def _create_alarms(self, options: AlarmOptions, topic: sns.ITopic) -> None:
        period = alb_defaults.ALARM_PERIOD
        metrics = self.load_balancer.metrics
        requests = metrics.request_count(period=period, statistic="Sum")
        errors = cloudwatch.MathExpression(
            expression=(
                f"IF(requests >= {options.minimum_requests}, "
                "100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)"
            ),
            using_metrics={
                "requests": requests,
                "elb5xx": metrics.http_code_elb(
                    elbv2.HttpCodeElb.ELB_5XX_COUNT, period=period, statistic="Sum"
                ),
                "target5xx": metrics.http_code_target(
                    elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=period, statistic="Sum"
                ),
            },
            period=period,
            label="5xx responses (% of requests)",
        )
        common: dict[str, Any] = {
            "evaluation_periods": alb_defaults.EVALUATION_PERIODS,
            "datapoints_to_alarm": alb_defaults.DATAPOINTS_TO_ALARM,
            "treat_missing_data": cloudwatch.TreatMissingData.NOT_BREACHING,
        }
        self.alarms["ServerErrorRate"] = errors.create_alarm(
            self,
            "ServerErrorRateAlarm",
            actions_enabled=True,
            threshold=options.server_error_rate_percent,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            alarm_description=f"{self.node.path}: more than "
            f"{options.server_error_rate_percent}% of requests fail with a 5xx",
            **common,
        )
        self.alarms["UnhealthyTargets"] = self.target_group.metrics.unhealthy_host_count(
            period=period, statistic="Minimum"
        ).create_alarm(
            self,
            "UnhealthyTargetsAlarm",
            actions_enabled=True,
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            alarm_description=f"{self.node.path}: a task failed its health checks for a "
            "whole period",
            **common,
        )
        if self._waf_metric_name is not None:
            self.alarms["WafBlockedRequests"] = waf_defaults.blocked_requests_alarm(
                self,
                self._waf_metric_name,
                threshold=options.waf_blocked_requests,
                period=period,
                regional=True,
            )
        action = cloudwatch_actions.SnsAction(topic)
        for alarm in self.alarms.values():
            alarm.add_alarm_action(action)
            if options.notify_on_recovery:
                alarm.add_ok_action(action)
            # The alarms page someone: actions stay on and set (guardrail SC-PIN-1).
            pin(alarm, pinned={"ActionsEnabled": True}, present=("AlarmActions",))
        # ...and stay in the template: deleting one is reported on what it watches.
        watched: dict[str, Construct] = {
            "ServerErrorRate": self.load_balancer,
            "UnhealthyTargets": self.target_group,
            "WafBlockedRequests": self.web_acl or self.load_balancer,
        }
        for name, alarm in self.alarms.items():
            pin(watched[name], companions={f"{name}Alarm": cfn_resource(alarm)})

    def _accept_inherent_findings(
        self,
        *,
        open_to_the_internet: bool,
        created_log_bucket: bool,
        has_environment: bool,
        exec_enabled: bool,
    ) -> None:
        """What the external scanners report on a default service, and why it stays.

        Each acknowledgment sits on the one resource the finding is about, and only when
        the configuration produces the finding.
        """
        accept_cdk_nag(
            cfn_resource(self.redirect_listener),
            [f"{pack}-ELBv2ACMCertificateRequired" for pack in COMPLIANCE_PACKS],
            _REDIRECT_LISTENER_REASON,
        )
        group = cfn_resource(self.load_balancer_security_group)
        if open_to_the_internet:
            accept_cdk_nag(group, ["AwsSolutions-EC23"], _PUBLIC_INGRESS_REASON)
            accept_checkov(group, ["CKV_AWS_260"], _PORT_80_REASON)
        if created_log_bucket:
            bucket = cfn_resource(self.access_log_bucket)
            accept_cdk_nag(
                bucket,
                [f"{pack}-S3DefaultEncryptionKMS" for pack in COMPLIANCE_PACKS],
                _LOG_BUCKET_SSE_S3_REASON,
            )
            accept_cdk_nag(
                bucket,
                [
                    "AwsSolutions-S1",
                    *(f"{pack}-S3BucketLoggingEnabled" for pack in COMPLIANCE_PACKS),
                ],
                _LOG_BUCKET_NOT_LOGGED_REASON,
            )
            accept_cdk_nag(
                bucket,
                [f"{pack}-S3BucketReplicationEnabled" for pack in COMPLIANCE_PACKS],
                _LOG_BUCKET_REPLICATION_REASON,
            )
            accept_checkov(bucket, ["CKV_AWS_18"], _LOG_BUCKET_NOT_LOGGED_REASON)
        accept_cdk_nag(
            cfn_resource(self.execution_role.policy),
            ["AwsSolutions-IAM5[Resource::*]"],
            _ECR_REGISTRY_LOGIN_REASON,
        )
        if exec_enabled and self.task_role.policy is not None:
            findings = ["AwsSolutions-IAM5[Resource::*]"]
            if isinstance(self.execute_command_log_group, logs.LogGroup):
                findings.append(self._log_stream_finding(self.execute_command_log_group))
            accept_cdk_nag(cfn_resource(self.task_role.policy), findings, _EXEC_WILDCARD_REASON)
        if has_environment:
            accept_cdk_nag(
                cfn_resource(self.task_definition), ["AwsSolutions-ECS2"], _ENVIRONMENT_REASON
            )

    def _log_stream_finding(self, group: logs.LogGroup) -> str:
        """The granular AwsSolutions-IAM5 finding for "any log stream of *group*".

        CDK grants ECS Exec ``logs:CreateLogStream``/``PutLogEvents`` on
        ``arn:...:log-group:<group>:*``: the streams are named per session, so they cannot
        be listed in advance. cdk-nag names the finding after the resolved ARN.
        """
        stack = cdk.Stack.of(self)

        def rendered(value: str, pseudo: str) -> str:
            return f"<AWS::{pseudo}>" if cdk.Token.is_unresolved(value) else value

        partition = rendered(stack.partition, "Partition")
        region = rendered(stack.region, "Region")
        account = rendered(stack.account, "AccountId")
        logical_id = stack.resolve(cfn_resource(group).logical_id)
        return (
            f"AwsSolutions-IAM5[Resource::arn:{partition}:logs:{region}:{account}:"
            f"log-group:<{logical_id}>:*]"
        )

    def _warn(
        self,
        *,
        waf_removed: bool,
        read_only_root_filesystem: bool,
        user: str | None,
        enable_execute_command: bool,
        deletion_protection: bool,
        removal_policy: cdk.RemovalPolicy,
    ) -> None:
        annotations = cdk.Annotations.of(self)
        if waf_removed:
            annotations.add_warning_v2(
                WARN_ALB_WITHOUT_WAF,
                "allow_without_waf=True: the load balancer has no WAF, so exploits, bad "
                "bots and floods reach the service (guardrail SC-ELB-3 reports it unless "
                "acknowledged with a reason).",
            )
        if not read_only_root_filesystem:
            annotations.add_warning_v2(
                WARN_ALB_WRITABLE_ROOT_FILESYSTEM,
                "read_only_root_filesystem=False: an attacker in the container can drop "
                "tools and change the application (guardrail SC-ECS-6 reports it unless "
                "acknowledged); prefer scratch_paths for the directories that must be "
                "writable.",
            )
        if user is None:
            annotations.add_warning_v2(
                WARN_ALB_IMAGE_USER,
                "user=None: the container runs as the image's USER, which is root unless "
                "the image sets another; prefer a non-root uid:gid.",
            )
        if enable_execute_command:
            annotations.add_warning_v2(
                WARN_ALB_EXECUTE_COMMAND,
                "enable_execute_command=True: whoever may call ecs:ExecuteCommand gets a "
                "shell in the running tasks; sessions are encrypted and logged. Turn it off "
                "again after debugging.",
            )
        if not deletion_protection:
            annotations.add_warning_v2(
                WARN_ALB_DELETION_PROTECTION_DISABLED,
                "deletion_protection=False: the load balancer (and the service's address) "
                "can be deleted by a stack update or a single API call.",
            )
        if removal_policy == cdk.RemovalPolicy.DESTROY:
            annotations.add_warning_v2(
                WARN_ALB_DESTROY_ON_REMOVAL,
                "removal_policy=DESTROY: removing the construct or the stack deletes its key, "
                "logs, access logs and alarm topic (guardrails SC-KMS-3 and SC-S3-3 report "
                "it unless acknowledged with a reason).",
            )

    # -- what users need -------------------------------------------------------------------

    @property
    def grant_principal(self) -> iam.IPrincipal:
        """The task role: pass the service to ``grant_*`` methods (``bucket.grant_read(svc)``)."""
        return self.task_role

    @property
    def connections(self) -> ec2.Connections:
        """The tasks' network connections, e.g. ``database.allow_from(service)``."""
        return self.service.connections


# -- helpers -------------------------------------------------------------------------------------

_WORLD = frozenset({"0.0.0.0/0", "::/0"})


def _is_world(peer: ec2.IPeer) -> bool:
    return peer.unique_id in _WORLD


def _vpc_cidr(vpc: ec2.IVpc) -> str:
    """The VPC's IPv4 range, as a literal when the app defines it.

    A created ``ec2.Vpc`` exposes its range as ``Fn::GetAtt``, which cdk-nag cannot
    evaluate (its ingress rules then fail as "cannot verify"); its L1 holds the literal.
    """
    cidr = vpc.vpc_cidr_block
    if cdk.Token.is_unresolved(cidr):
        child = vpc.node.default_child
        literal = child.cidr_block if isinstance(child, ec2.CfnVPC) else None
        if isinstance(literal, str) and not cdk.Token.is_unresolved(literal):
            return literal
    return cidr


def _clients(
    vpc: ec2.IVpc, internet_facing: bool, allowed: Sequence[ec2.IPeer]
) -> tuple[list[ec2.IPeer], str]:
    """Who the load balancer admits, and how the rules describe them."""
    if allowed:
        return list(allowed), "the allowed clients"
    if internet_facing:
        return [ec2.Peer.any_ipv4()], "the internet"
    return [ec2.Peer.ipv4(_vpc_cidr(vpc))], "the VPC"


# -- validation ----------------------------------------------------------------------------------


_TYPE = "SC-ALB-18"
_MAX_HEALTH_PATH = 1024
_MAX_LOG_PREFIX = 1024
_WEB_ACL_ARN = re.compile(
    r"^arn:aws(-[a-z]+)*:wafv2:[a-z]{2}(-[a-z]+)+-\d:\d{12}:regional/webacl/[\w-]{1,128}/"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
_USER_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,31}$")


def _input_checks(
    scope: object,
    construct_id: object,
    *,
    vpc: object,
    image: object,
    certificate: object,
    domain: object,
    ssl_policy: object,
    end_to_end_tls: object,
    container_port: object,
    health_check_path: object,
    environment: object,
    secrets: object,
    cpu: object,
    memory_limit_mib: object,
    desired_count: object,
    architecture: object,
    user: object,
    read_only_root_filesystem: object,
    scratch_paths: object,
    privileged: object,
    enable_execute_command: object,
    cluster: object,
    task_subnets: object,
    internet_facing: object,
    allowed_clients: object,
    load_balancer_subnets: object,
    deletion_protection: object,
    waf: object,
    web_acl: object,
    allow_without_waf: object,
    access_log_bucket: object,
    access_log_prefix: object,
    access_log_retention: object,
    encryption_key: object,
    log_retention: object,
    alarms: object,
    alarm_topic: object,
    removal_policy: object,
) -> Checks:
    """The type of every option (SC-ALB-18) and what only fails at deploy time.

    The stack's region (SC-ALB-19), the Fargate task size (SC-ALB-20), the task count
    (SC-ALB-21) and the access log settings (SC-ALB-12).
    """
    checks = Checks(_TYPE)
    if checks.scope(scope, construct_id) and isinstance(scope, Construct):
        region = cdk.Stack.of(scope).region
        if cdk.Token.is_unresolved(region):
            checks.add(
                "SC-ALB-19",
                "scope",
                "the stack has no region: load balancer access logging (always on) needs "
                "the region's ELB log-delivery account.",
                "give the stack an environment: cdk.Stack(app, 'Web', env=cdk.Environment("
                "account='123456789012', region='eu-west-1')) (or env=cdk.Environment("
                "region=os.environ['CDK_DEFAULT_REGION'])).",
            )
    checks.interface(
        "vpc",
        vpc,
        ("vpc_id", "select_subnets"),
        "an ec2.IVpc",
        "pass the ec2.Vpc (or ec2.Vpc.from_vpc_attributes(...)) to run the service in.",
    )
    checks.instance(
        "image",
        image,
        ecs.ContainerImage,
        "an ecs.ContainerImage",
        "pass e.g. ecs.ContainerImage.from_ecr_repository(repository, 'tag').",
    )
    checks.interface(
        "certificate",
        certificate,
        ("certificate_arn",),
        "an acm.ICertificate",
        "pass acm.Certificate.from_certificate_arn(self, 'Certificate', arn) instead of the "
        "ARN string, or domain=DomainOptions(...) to create one.",
        optional=True,
    )
    checks.instance(
        "domain",
        domain,
        DomainOptions,
        "a DomainOptions",
        "pass DomainOptions(domain_name=..., hosted_zone_id=..., zone_name=...), or omit it.",
        optional=True,
    )
    checks.member("ssl_policy", ssl_policy, elbv2.SslPolicy)
    for flag, value in (
        ("end_to_end_tls", end_to_end_tls),
        ("read_only_root_filesystem", read_only_root_filesystem),
        ("privileged", privileged),
        ("enable_execute_command", enable_execute_command),
        ("internet_facing", internet_facing),
        ("deletion_protection", deletion_protection),
        ("allow_without_waf", allow_without_waf),
    ):
        checks.boolean(flag, value)
    checks.integer("container_port", container_port)
    checks.string("health_check_path", health_check_path)
    checks.strings("environment", environment)
    checks.mapping("secrets", secrets)
    _task_size_checks(checks, cpu, memory_limit_mib)
    if checks.integer("desired_count", desired_count):
        count = literal_int(desired_count)
        if count is not None and not 0 <= count <= ecs_defaults.MAX_DESIRED_COUNT:
            checks.add(
                "SC-ALB-21",
                "desired_count",
                f"{count} is outside 0 to {ecs_defaults.MAX_DESIRED_COUNT:,} tasks.",
                f"run at least 2 tasks in production (default {ecs_defaults.DESIRED_COUNT}); "
                "0 stops the service.",
            )
    checks.instance(
        "architecture",
        architecture,
        ecs.CpuArchitecture,
        "an ecs.CpuArchitecture",
        "pass ecs.CpuArchitecture.X86_64 (default) or ARM64.",
    )
    checks.string("user", user, optional=True)
    checks.items(
        "scratch_paths",
        scratch_paths,
        lambda path: isinstance(path, str),
        "str",
        "pass a tuple of absolute paths, e.g. ('/tmp',), not a single string.",
    )
    checks.interface(
        "cluster",
        cluster,
        ("cluster_name", "cluster_arn"),
        "an ecs.ICluster",
        "pass an ecs.Cluster, or omit it for a new cluster.",
        optional=True,
    )
    for name, selection in (
        ("task_subnets", task_subnets),
        ("load_balancer_subnets", load_balancer_subnets),
    ):
        checks.instance(
            name,
            selection,
            ec2.SubnetSelection,
            "an ec2.SubnetSelection",
            "pass ec2.SubnetSelection(subnet_type=...), or omit it.",
            optional=True,
        )
    _subnet_checks(checks, vpc, internet_facing, task_subnets, load_balancer_subnets)
    checks.items(
        "allowed_clients",
        allowed_clients,
        lambda peer: provides(peer, "unique_id", "to_ingress_rule_config"),
        "ec2.IPeer",
        "pass a list such as [ec2.Peer.ipv4('203.0.113.0/24')] or security groups.",
    )
    checks.instance(
        "waf",
        waf,
        WafOptions,
        "a WafOptions",
        "pass WafOptions(...) (default WafOptions()), or None with allow_without_waf=True.",
        optional=True,
    )
    if not (web_acl is None or isinstance(web_acl, (str, wafv2.CfnWebACL))):
        checks.wrong(
            "web_acl",
            web_acl,
            "a wafv2.CfnWebACL or a WebACL ARN",
            "pass the CfnWebACL of this app, or the ARN "
            "arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>.",
        )
    checks.interface(
        "access_log_bucket",
        access_log_bucket,
        ("bucket_name", "add_to_resource_policy"),
        "an s3.IBucket",
        "pass an s3.Bucket (SSE-S3), or omit it for a new log bucket.",
        optional=True,
    )
    if (
        checks.string("access_log_prefix", access_log_prefix, optional=True)
        and isinstance(access_log_prefix, str)
        and not is_token(access_log_prefix)
        and (
            access_log_prefix.startswith("/")
            or "AWSLogs" in access_log_prefix
            or len(access_log_prefix) > _MAX_LOG_PREFIX
        )
    ):
        checks.add(
            "SC-ALB-12",
            "access_log_prefix",
            f"{access_log_prefix!r} is not a prefix ELB access logging accepts (no leading "
            f"'/', no 'AWSLogs', at most {_MAX_LOG_PREFIX} characters).",
            "pass a prefix such as 'web', or omit it.",
        )
    if checks.duration("access_log_retention", access_log_retention):
        assert isinstance(access_log_retention, cdk.Duration)  # noqa: S101 - checked
        days = access_log_retention.to_days(integral=False)
        least = DEFAULT_THRESHOLDS.audit_log_retention_days
        if 1 <= days < least:
            checks.add(
                "SC-ALB-12",
                "access_log_retention",
                f"{access_log_retention.to_human_string()} is shorter than the {least} days "
                "access logs are kept (guardrail SC-S3-12).",
                f"pass at least Duration.days({least}) (the default).",
            )
        elif days >= 1 and days != int(days):
            checks.add(
                "SC-ALB-12",
                "access_log_retention",
                f"{access_log_retention.to_human_string()} is not a whole number of days "
                "(S3 expires objects by days).",
                "pass e.g. Duration.days(365) (the default).",
            )
    checks.kms_key("encryption_key", encryption_key)
    checks.log_retention(
        "log_retention",
        log_retention,
        DEFAULT_THRESHOLDS.audit_log_retention_days,
        "the container and WAF logs",
    )
    checks.instance(
        "alarms",
        alarms,
        AlarmOptions,
        "an AlarmOptions",
        "pass AlarmOptions(...) (default AlarmOptions()), or None for no alarms.",
        optional=True,
    )
    checks.interface(
        "alarm_topic",
        alarm_topic,
        ("topic_arn",),
        "an sns.ITopic",
        "pass an sns.Topic (or sns.Topic.from_topic_arn(...)), or omit it.",
        optional=True,
    )
    checks.member("removal_policy", removal_policy, cdk.RemovalPolicy)
    return checks


def _subnet_checks(
    checks: Checks,
    vpc: object,
    internet_facing: object,
    task_subnets: object,
    load_balancer_subnets: object,
) -> None:
    """The VPC has the subnets the tasks and the load balancer go to (SC-ALB-22)."""
    if not checks.ok("vpc", "internet_facing", "task_subnets", "load_balancer_subnets"):
        return
    private = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
    lb_default = (
        ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC) if internet_facing else private
    )
    for name, selection in (
        ("task_subnets", task_subnets or private),
        ("load_balancer_subnets", load_balancer_subnets or lb_default),
    ):
        assert isinstance(selection, ec2.SubnetSelection)  # noqa: S101 - checked above
        reason = missing_subnets(vpc, selection)
        if reason is not None:
            checks.add(
                "SC-ALB-22",
                name,
                f"the selection matches no subnets of the VPC ({reason}).",
                "give the VPC public subnets (internet-facing load balancer) and private "
                "subnets with egress (tasks), or select existing ones.",
            )


def _task_size_checks(checks: Checks, cpu: object, memory_limit_mib: object) -> None:
    """A CPU and memory pair Fargate runs (the documented table, SC-ALB-20)."""
    if not (checks.integer("cpu", cpu) & checks.integer("memory_limit_mib", memory_limit_mib)):
        return
    units, memory = literal_int(cpu), literal_int(memory_limit_mib)
    if units is None or memory is None:  # tokens: ECS judges them at deploy time
        return
    sizes = ecs_defaults.FARGATE_TASK_SIZES
    if units not in sizes:
        checks.add(
            "SC-ALB-20",
            "cpu",
            f"{units} is not a Fargate CPU size.",
            f"use one of {', '.join(map(str, sizes))} CPU units (default {ecs_defaults.CPU}).",
        )
    elif memory not in sizes[units]:
        allowed = sizes[units]
        checks.add(
            "SC-ALB-20",
            "memory_limit_mib",
            f"{memory} MiB is not a memory size Fargate runs with {units} CPU units.",
            f"with cpu={units} use {allowed[0]} to {allowed[-1]} MiB in steps of "
            f"{allowed[1] - allowed[0]} MiB, or pick another cpu.",
        )


def _user_issues(user: str) -> list[Issue]:
    """Root in any spelling (container runtimes read the uid as a number), or nonsense.

    ``"0"``, ``"00"``, ``"+0"``, ``" 0"``, ``"0000:1000"`` and ``"root"`` all mean uid 0.
    Accepted: a positive uid or a user name, optionally with ``:`` and a gid or group.
    """
    name, separator, group = user.partition(":")
    uid = name.strip()
    numeric: int | None
    try:
        numeric = int(uid)
    except ValueError:
        numeric = None
    if (numeric is not None and numeric == 0) or uid == "root":
        return [
            Issue(
                "SC-ALB-9",
                "user",
                f"{user!r} runs the container as root (uid 0).",
                f"run as a non-root user (default {ecs_defaults.NON_ROOT_USER!r}); if the "
                "image really needs its own user, pass user=None (a warning is emitted).",
            )
        ]
    valid_uid = (numeric is not None and numeric > 0 and uid.isdigit()) or bool(
        _USER_NAME.match(uid)
    )
    valid_group = not separator or group.isdigit() or bool(_USER_NAME.match(group))
    if valid_uid and valid_group and uid == name:
        return []
    return [
        Issue(
            "SC-ALB-9",
            "user",
            f"{user!r} is not a user the container runtime accepts.",
            f"pass a positive uid, optionally with a gid (default "
            f"{ecs_defaults.NON_ROOT_USER!r}), or a user name such as 'app'.",
        )
    ]


def _policy_name(scope: Construct, ssl_policy: elbv2.SslPolicy) -> str:
    """The ELB policy name behind a CDK ``SslPolicy`` member (they are names in Python)."""
    return str(cdk.Stack.of(scope).resolve(ssl_policy))


def _transit_issues(
    checks: Checks,
    scope: Construct,
    certificate: object,
    domain: object,
    ssl_policy: object,
) -> list[Issue]:
    issues: list[Issue] = []
    if certificate is None and domain is None:
        issues.append(
            Issue(
                "SC-ALB-1",
                "certificate",
                "no certificate and no domain: the service would have no HTTPS listener, "
                "and SecureAlbService never serves plain HTTP.",
                "pass certificate=acm.Certificate.from_certificate_arn(...), or "
                "domain=DomainOptions(domain_name, hosted_zone_id, zone_name) to create a "
                "DNS-validated certificate.",
            )
        )
    if isinstance(domain, DomainOptions):
        issues += domain.issues()
    if not isinstance(ssl_policy, elbv2.SslPolicy) or not checks.ok("scope"):
        return issues
    name = _policy_name(scope, ssl_policy)
    if not name.startswith(TLS12_POLICY_PREFIXES):
        issues.append(
            Issue(
                "SC-ALB-2",
                "ssl_policy",
                f"{ssl_policy.name} ({name}) accepts TLS versions below 1.2 (guardrail SC-ELB-2).",
                "use SslPolicy.TLS13_12_PQ (default), RECOMMENDED_TLS, TLS13_13 or another "
                f"policy whose name starts with one of {', '.join(TLS12_POLICY_PREFIXES)}.",
            )
        )
    return issues


def _environment_issues(scope: Construct, environment: Mapping[str, str]) -> list[Issue]:
    """Names, and values that are (or look like) secrets. The value is never repeated."""
    issues: list[Issue] = []
    for name, value in environment.items():
        if not _ENV_NAME.match(name):
            issues.append(
                Issue(
                    "SC-ALB-16",
                    "environment",
                    f"{name!r} is not a valid environment variable name.",
                    "use letters, digits and underscores, not starting with a digit.",
                )
            )
        leak = environment_leak(scope, name, value)  # the judgement of guardrail SC-ECS-3
        if leak is None:
            continue
        if leak.kind is not None:
            issues.append(
                Issue(
                    "SC-ALB-3",
                    "environment",
                    f"the value of {name!r} holds {leak.kind} (guardrail SC-ECS-3).",
                    f"keep it in Secrets Manager or SSM and pass secrets={{{name!r}: "
                    "ecs.Secret.from_secrets_manager(secret)}.",
                )
            )
        else:
            issues.append(
                Issue(
                    "SC-ALB-4",
                    "environment",
                    f"{name!r} looks like a secret and has a literal value, which anyone "
                    "who can describe the task definition reads (guardrail SC-ECS-3).",
                    f"pass it with secrets={{{name!r}: ecs.Secret.from_secrets_manager(...)}} "
                    "(or from_ssm_parameter); a setting that is not a secret needs a name that "
                    "does not look like one.",
                )
            )
    return issues


def _secret_issues(secrets: Mapping[str, object], environment: Mapping[str, str]) -> list[Issue]:
    issues: list[Issue] = []
    for name, reference in secrets.items():
        if not _ENV_NAME.match(name):
            issues.append(
                Issue(
                    "SC-ALB-16",
                    "secrets",
                    f"{name!r} is not a valid environment variable name.",
                    "use letters, digits and underscores, not starting with a digit.",
                )
            )
        if not isinstance(reference, ecs.Secret):
            issues.append(
                Issue(
                    "SC-ALB-16",
                    "secrets",
                    f"{name!r} is a {type(reference).__name__}, not an ecs.Secret.",
                    "pass ecs.Secret.from_secrets_manager(secret[, field]) or "
                    "ecs.Secret.from_ssm_parameter(parameter).",
                )
            )
        if name in environment:
            issues.append(
                Issue(
                    "SC-ALB-16",
                    "secrets",
                    f"{name!r} is set by both environment and secrets.",
                    "keep it in secrets only.",
                )
            )
    return issues


def _container_issues(
    checks: Checks,
    scope: Construct,
    *,
    environment: Mapping[str, str],
    secrets: Mapping[str, object],
    user: object,
    read_only_root_filesystem: object,
    scratch_paths: object,
    privileged: object,
    container_port: object,
    health_check_path: object,
) -> list[Issue]:
    issues = [
        *(_environment_issues(scope, environment) if checks.ok("scope") else []),
        *_secret_issues(secrets, environment),
    ]
    if privileged is True:
        issues.append(
            Issue(
                "SC-ALB-5",
                "privileged",
                "a privileged container has nearly the host's powers (guardrail SC-ECS-1), "
                "and Fargate does not run privileged containers at all.",
                "drop privileged=True; a web service needs no host privileges.",
            )
        )
    if not checks.ok("scratch_paths") or not isinstance(scratch_paths, Sequence):
        scratch_paths = ()
    if scratch_paths and read_only_root_filesystem is False:
        issues.append(
            Issue(
                "SC-ALB-8",
                "scratch_paths",
                "scratch volumes exist to keep the root filesystem read-only, but "
                "read_only_root_filesystem is False.",
                "keep read_only_root_filesystem=True (default) with scratch_paths, or drop "
                "scratch_paths.",
            )
        )
    seen: set[str] = set()
    for path in scratch_paths:
        normalised = path.rstrip("/")
        if not path.startswith("/") or not normalised or normalised in seen:
            issues.append(
                Issue(
                    "SC-ALB-8",
                    "scratch_paths",
                    f"{path!r} is not an absolute directory other than '/', or is listed twice.",
                    "list each writable directory once, e.g. ('/tmp', '/var/cache/app').",
                )
            )
        seen.add(normalised)
    if isinstance(user, str) and checks.ok("user"):
        issues += _user_issues(user)
    port = literal_int(container_port)
    if port is not None and not 1 <= port <= 65535:
        issues.append(
            Issue(
                "SC-ALB-14",
                "container_port",
                f"{container_port} is not a TCP port.",
                f"use the port the container listens on (default {ecs_defaults.CONTAINER_PORT}).",
            )
        )
    if (
        isinstance(health_check_path, str)
        and not is_token(health_check_path)
        and (not health_check_path.startswith("/") or len(health_check_path) > _MAX_HEALTH_PATH)
    ):
        issues.append(
            Issue(
                "SC-ALB-14",
                "health_check_path",
                f"{health_check_path!r} is not an absolute path of at most "
                f"{_MAX_HEALTH_PATH} characters.",
                "pass a path such as '/health'.",
            )
        )
    return issues


def _waf_issues(
    checks: Checks, waf: object, web_acl: object, allow_without_waf: object
) -> list[Issue]:
    issues: list[Issue] = []
    if not checks.ok("waf"):
        waf = DEFAULT_WAF  # its type is reported; judge the rest as if it were the default
    allow_without_waf = allow_without_waf is True
    if web_acl is not None and checks.ok("web_acl"):
        if waf is None or waf != DEFAULT_WAF:
            issues.append(
                Issue(
                    "SC-ALB-7",
                    "waf",
                    "waf settings only apply to the WebACL the construct creates, but "
                    "web_acl was given.",
                    "configure your own WebACL where it is defined, and leave waf at its default.",
                )
            )
        if isinstance(web_acl, str) and not (is_token(web_acl) or _WEB_ACL_ARN.match(web_acl)):
            issues.append(
                Issue(
                    "SC-ALB-7",
                    "web_acl",
                    f"{web_acl!r} is not the ARN of a regional WAFv2 WebACL.",
                    "pass the ARN (arn:aws:wafv2:<region>:<account>:regional/webacl/...) or "
                    "the CfnWebACL.",
                )
            )
    elif waf is None and not allow_without_waf:
        issues.append(
            Issue(
                "SC-ALB-6",
                "waf",
                "waf=None leaves the internet-facing load balancer without a WAF (guardrail "
                "SC-ELB-3).",
                "keep the default WebACL (optionally tuned with WafOptions), attach your own "
                "with web_acl=..., or, if another layer filters traffic, also pass "
                "allow_without_waf=True and acknowledge SC-ELB-3 with a reason.",
            )
        )
    if allow_without_waf and (waf is not None or web_acl is not None):
        issues.append(
            Issue(
                "SC-ALB-7",
                "allow_without_waf",
                "allow_without_waf=True has no effect while a WebACL is created or attached.",
                "drop allow_without_waf (the secure default).",
            )
        )
    if isinstance(waf, WafOptions) and checks.ok("waf"):
        issues += waf.issues()
    return issues


def _option_issues(
    checks: Checks,
    *,
    enable_execute_command: object,
    cluster: object,
    task_subnets: object,
    log_retention: object,
    removal_policy: object,
    access_log_retention: object,
    alarms: object,
    alarm_topic: object,
) -> list[Issue]:
    issues: list[Issue] = []
    if (
        enable_execute_command is True
        and cluster is not None
        and checks.ok("cluster")
        and not _exec_is_protected(cluster)  # type: ignore[arg-type]
    ):
        issues.append(
            Issue(
                "SC-ALB-15",
                "cluster",
                "ECS Exec is enabled, but the given cluster does not both encrypt sessions "
                "with a KMS key and log them to an encrypted destination.",
                "give the cluster execute_command_configuration=ExecuteCommandConfiguration("
                "kms_key=..., logging=OVERRIDE, log_configuration=...(cloud_watch_log_group=..., "
                "cloud_watch_encryption_enabled=True)), or let the construct create the cluster.",
            )
        )
    if (
        isinstance(task_subnets, ec2.SubnetSelection)
        and task_subnets.subnet_type == ec2.SubnetType.PUBLIC
    ):
        issues.append(
            Issue(
                "SC-ALB-13",
                "task_subnets",
                "tasks in public subnets are one setting away from being reachable around "
                "the load balancer and its WAF.",
                "use PRIVATE_WITH_EGRESS (default) or PRIVATE_ISOLATED with VPC endpoints.",
            )
        )
    if log_retention == logs.RetentionDays.INFINITE:
        issues.append(
            Issue(
                "SC-ALB-12",
                "log_retention",
                "RetentionDays.INFINITE keeps logs forever (guardrail SC-LOGS-2).",
                "pick a finite RetentionDays value (default ONE_YEAR).",
            )
        )
    if removal_policy == cdk.RemovalPolicy.SNAPSHOT:
        issues.append(
            Issue(
                "SC-ALB-12",
                "removal_policy",
                "keys, log groups, buckets and topics do not support RemovalPolicy.SNAPSHOT.",
                "use RemovalPolicy.RETAIN (default) or RETAIN_ON_UPDATE_OR_DELETE.",
            )
        )
    if (
        isinstance(access_log_retention, cdk.Duration)
        and access_log_retention.to_days(integral=False) < 1
    ):
        issues.append(
            Issue(
                "SC-ALB-12",
                "access_log_retention",
                f"{access_log_retention.to_human_string()} keeps no access logs.",
                "keep them at least 90 days; 365 days is the default.",
            )
        )
    if isinstance(alarms, AlarmOptions):
        issues += alarms.issues()
    elif alarms is None and alarm_topic is not None:
        issues.append(
            Issue(
                "SC-ALB-17",
                "alarm_topic",
                "an alarm topic was given, but alarms=None creates no alarm to send to it.",
                "keep the default alarms (or pass AlarmOptions), or drop alarm_topic.",
            )
        )
    return issues


def _exec_is_protected(cluster: ecs.ICluster) -> bool:
    """Whether a cluster's ECS Exec configuration encrypts and logs sessions."""
    config = cluster.execute_command_configuration
    if config is None or config.kms_key is None:
        return False
    if config.logging != ecs.ExecuteCommandLogging.OVERRIDE or config.log_configuration is None:
        return False
    logging = config.log_configuration
    return bool(
        (logging.cloud_watch_log_group is not None and logging.cloud_watch_encryption_enabled)
        or (logging.s3_bucket is not None and logging.s3_encryption_enabled)
    )
