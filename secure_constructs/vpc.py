"""SecureVpc: a VPC that records its traffic, closes its default group and stays private."""

from __future__ import annotations

import re
from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from aspects.errors import Issue
from aspects.settings import DEFAULT as DEFAULT_THRESHOLDS
from secure_constructs._defaults import pin
from secure_constructs._defaults import vpc as defaults
from secure_constructs._defaults.iam import ManagedPolicyRole
from secure_constructs._defaults.kms import customer_managed_key
from secure_constructs._defaults.logs import DEFAULT_LOG_RETENTION, encrypted_log_group
from secure_constructs._dropin import DropIn, drop_in
from secure_constructs._scanners import COMPLIANCE_PACKS, accept_cdk_nag, accept_checkov
from secure_constructs._validation import (
    Checks,
    is_token,
    literal_int,
    provides,
    raise_if_any,
    where,
)
from secure_constructs.bucket import SecureBucket

#: Warning ids (acknowledge with ``Annotations.of(scope).acknowledge_warning(id)``).
WARN_VPC_DESTROY_ON_REMOVAL = "secure-constructs:SecureVpc:destroy-on-removal"
WARN_VPC_FLOW_LOG_DELIVERY_NOT_GRANTED = "secure-constructs:SecureVpc:flow-log-delivery-not-granted"

#: The gateway endpoints a SecureVpc creates unless told otherwise.
DEFAULT_GATEWAY_ENDPOINTS = (
    ec2.GatewayVpcEndpointAwsService.S3,
    ec2.GatewayVpcEndpointAwsService.DYNAMODB,
)
#: How many availability zones a SecureVpc spans unless told otherwise.
DEFAULT_MAX_AZS = 2
_MAX_AZS_LIMIT = 6  # the most any region has (us-east-1)

_CONCURRENCY_PACKS = ("NIST.800.53.R5", "HIPAA.Security")  # PCI has no LambdaConcurrency

_PUBLIC_ROUTE_REASON = (
    "Public subnets were asked for (public_subnets=True or NAT gateways): a public subnet "
    "is defined by its default route to the internet gateway. Nothing there gets a public "
    "IP on launch; load balancers and NAT gateways bring their own addresses."
)
_PROVIDER_REASON = (
    "CDK's own provider that empties the VPC's default security group "
    "(restrict_default_security_group): a deploy-time handler invoked only by "
    "CloudFormation, with no data, no network listener and no caller but the stack."
)
_SERVICE_ID = re.compile(r"[^0-9A-Za-z]+")


@drop_in(ec2.IVpc, attr="vpc")
class SecureVpc(Construct, DropIn):
    """A VPC with flow logs, a closed default security group, private subnets and endpoints.

    Defaults (each implements a guardrail rule or answers a scanner):

    * A flow log of ALL traffic (SC-EC2-2) to a CloudWatch Logs group encrypted with a
      customer-managed key with rotation (SC-LOGS-1, SC-KMS-1), kept one year, the audit
      minimum (SC-LOGS-2 with ``audit_log_retention_days``), written by a role that only
      VPC Flow Logs of this account may assume, whose permissions name that log group and
      live in one customer-managed policy. Or, with ``flow_log_bucket``, to S3, the
      bucket policy and the bucket's key policy letting log delivery of this account write
      and encrypt (SC-IAM-4); the bucket's lifecycle keeps them (SC-S3-12).
    * The default security group emptied (``restrict_default_security_group=True``), so a
      resource that gets no group of its own admits and sends nothing. CDK's provider
      function doing it gets an encrypted, expiring log group and tracing (SC-LAMBDA-7,
      SC-LAMBDA-6, SC-LOGS-1/2), once per stack.
    * No public subnets unless asked: an application tier (``Private``) and a data tier
      (``Isolated``) in each AZ; the application tier has egress through NAT gateways
      only when ``nat_gateways`` asks for them, and otherwise reaches AWS through the
      endpoints. No subnet maps public IPs on launch (SC-EC2-6, an error on these subnets).
      Select a tier by name (``select_subnets(subnet_group_name="Isolated")``): without
      NAT gateways both tiers are ``PRIVATE_ISOLATED`` and ``isolated_subnets`` lists both.
    * Gateway endpoints for S3 and DynamoDB whose policies reach only this account's
      buckets and tables (and ECR's image layers) (SC-VPCE-1; SC-VPCE-2 and SC-VPCE-3
      errors on them, so deleting a policy or widening a statement to every resource
      without the ``aws:ResourceAccount`` condition fails synthesis).
    * Interface endpoints for the services named, with private DNS, in the application
      tier, behind one security group that admits TCP 443 from the VPC's range only and
      lets nothing out (SC-NET-3, SC-NET-1).
    * The key and the log groups retained (SC-KMS-3, SC-LOGS-3); network ACLs left at the
      VPC's default (security groups are the control; stateless ACLs duplicate them and break
      ephemeral return traffic when they drift).

    A SecureVpc is an ``ec2.IVpc``: pass it wherever a VPC is expected
    (``ec2.SecurityGroup(stack, "Sg", vpc=secure_vpc)``, ``SecureDatabase(vpc=...)``) and
    call any ``ec2.Vpc`` member on it (``select_subnets``, ``add_flow_log``...).

    Parameters
    ----------
    scope, construct_id:
        As for any construct. The children are ``Key``, ``Vpc`` (with its subnets and
        endpoints), ``FlowLogs`` and ``FlowLogRole`` (CloudWatch destination),
        ``FlowLog``, and ``EndpointSecurityGroup`` (when there are interface endpoints).
    max_azs:
        How many availability zones to span. Default 2: enough for Multi-AZ databases and
        load balancers at half the NAT cost of 3; pass 3 to tolerate the loss of an AZ
        with a quorum. In an environment-agnostic stack CDK uses at most 2.
    ip_addresses:
        The address range, e.g. ``ec2.IpAddresses.cidr("10.20.0.0/16")``. Default CDK's
        ``10.0.0.0/16``. The subnet groups split it evenly.
    public_subnets:
        Add a ``Public`` subnet group (for internet-facing load balancers and NAT
        gateways). Default False; NAT gateways imply it.
    nat_gateways:
        How many NAT gateways (0, 1, or ``max_azs`` for one per AZ). Default 0. With any,
        the ``Private`` group becomes ``PRIVATE_WITH_EGRESS`` and public subnets are added.
    gateway_endpoints:
        Gateway endpoint services. Default S3 and DynamoDB; ``()`` for none. Extend their
        policies with ``secure_vpc.gateway_endpoints["S3"].add_to_policy(...)``.
    interface_endpoints:
        Interface endpoint services the application calls, e.g.
        ``(ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,)``. Default none; add more
        later with :meth:`add_interface_endpoint`.
    flow_log_bucket:
        Deliver the flow logs to this bucket (an ``s3.IBucket`` or a ``SecureBucket``)
        instead of CloudWatch Logs. Its bucket policy and its key policy get the
        log-delivery statements, pinned to this account (SC-IAM-4); for an imported bucket
        or key the warning ``WARN_VPC_FLOW_LOG_DELIVERY_NOT_GRANTED`` says to add them
        yourself. Its lifecycle decides retention (SC-S3-12 holds it to the audit minimum).
    flow_log_prefix:
        Key prefix of the flow logs in ``flow_log_bucket``. Default none.
    flow_log_retention:
        How long the flow log group keeps logs (CloudWatch destination). Default one
        year; less than the guardrails' ``audit_log_retention_days`` (365) or INFINITE is
        rejected.
    encryption_key:
        Bring your own key for the log groups; its policy must let CloudWatch Logs use it
        (a key created in the same app gets that statement). Default: a new key.
    vpc_name:
        The VPC's Name tag. Default the construct path.
    removal_policy:
        For the key and the log groups. Default RETAIN. ``DESTROY`` is a weakening
        (warning ``WARN_VPC_DESTROY_ON_REMOVAL``; SC-KMS-3 and SC-LOGS-3 report the key
        and the log groups).

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
        max_azs: int = DEFAULT_MAX_AZS,
        ip_addresses: ec2.IIpAddresses | None = None,
        public_subnets: bool = False,
        nat_gateways: int = 0,
        gateway_endpoints: Sequence[ec2.GatewayVpcEndpointAwsService] = DEFAULT_GATEWAY_ENDPOINTS,
        interface_endpoints: Sequence[ec2.IInterfaceVpcEndpointService] = (),
        flow_log_bucket: s3.IBucket | SecureBucket | None = None,
        flow_log_prefix: str | None = None,
        flow_log_retention: logs.RetentionDays = DEFAULT_LOG_RETENTION,
        encryption_key: kms.IKey | None = None,
        vpc_name: str | None = None,
        removal_policy: cdk.RemovalPolicy = cdk.RemovalPolicy.RETAIN,
    ) -> None:
        _validate(
            where("SecureVpc", scope, construct_id),
            scope=scope,
            construct_id=construct_id,
            max_azs=max_azs,
            ip_addresses=ip_addresses,
            public_subnets=public_subnets,
            nat_gateways=nat_gateways,
            gateway_endpoints=gateway_endpoints,
            interface_endpoints=interface_endpoints,
            flow_log_bucket=flow_log_bucket,
            flow_log_prefix=flow_log_prefix,
            flow_log_retention=flow_log_retention,
            encryption_key=encryption_key,
            vpc_name=vpc_name,
            removal_policy=removal_policy,
        )
        super().__init__(scope, construct_id)
        public = public_subnets or nat_gateways > 0
        self._cidr = defaults.literal_cidr(ip_addresses)

        self.encryption_key: kms.IKey = encryption_key or customer_managed_key(
            self,
            "Key",
            description=f"Encrypts the flow logs of {self.node.path}",
            removal_policy=removal_policy,
        )
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=max_azs,
            ip_addresses=ip_addresses,
            nat_gateways=nat_gateways,
            subnet_configuration=defaults.subnet_configuration(
                public=public, nat_gateways=nat_gateways
            ),
            restrict_default_security_group=True,
            enable_dns_hostnames=True,  # private DNS of interface endpoints needs both
            enable_dns_support=True,
            vpc_name=vpc_name,
        )
        defaults.declare_default_security_group_closed(self.vpc)
        defaults.declare_no_public_ips(
            [*self.vpc.public_subnets, *self.vpc.private_subnets, *self.vpc.isolated_subnets]
        )
        for subnet in self.vpc.public_subnets:
            accept_cdk_nag(
                subnet,
                [f"{pack}-VPCNoUnrestrictedRouteToIGW" for pack in COMPLIANCE_PACKS],
                _PUBLIC_ROUTE_REASON,
            )
        self._harden_default_sg_provider(removal_policy)

        self.flow_log_group: logs.LogGroup | None = None
        self.flow_log_role: ManagedPolicyRole | None = None
        self.flow_log_bucket: s3.IBucket | None = None
        self.flow_log = ec2.FlowLog(
            self,
            "FlowLog",
            resource_type=ec2.FlowLogResourceType.from_vpc(self.vpc),
            destination=self._flow_log_destination(
                flow_log_bucket, flow_log_prefix, flow_log_retention, removal_policy
            ),
            traffic_type=ec2.FlowLogTrafficType.ALL,
        )
        if self.flow_log_role is not None:
            # The role's permissions exist before the flow log starts delivering.
            self.flow_log.node.add_dependency(self.flow_log_role.policy)
        # All traffic, to the destination built here, and the default group's closing
        # stays in the template (guardrail SC-PIN-1).
        pin(
            self.flow_log,
            pinned={"TrafficType": "ALL"},
            present=("LogGroupName",) if self.flow_log_group is not None else ("LogDestination",),
        )
        restrict = self.vpc.node.try_find_child("RestrictDefaultSecurityGroupCustomResource")
        restrict_resource = restrict.node.default_child if restrict is not None else None
        if isinstance(restrict_resource, cdk.CfnResource):
            pin(self.vpc, companions={"RestrictDefaultSecurityGroup": restrict_resource})

        self.gateway_endpoints: dict[str, ec2.GatewayVpcEndpoint] = {}
        for service in gateway_endpoints:
            self._add_gateway_endpoint(service)
        self.endpoint_security_group: ec2.SecurityGroup | None = None
        self.interface_endpoints: dict[str, ec2.InterfaceVpcEndpoint] = {}
        for interface_service in interface_endpoints:
            self.add_interface_endpoint(_endpoint_id(interface_service), service=interface_service)

        if removal_policy == cdk.RemovalPolicy.DESTROY:
            cdk.Annotations.of(self).add_warning_v2(
                WARN_VPC_DESTROY_ON_REMOVAL,
                "removal_policy=DESTROY: removing the construct or the stack deletes the "
                "flow logs and their key (guardrails SC-KMS-3 and SC-LOGS-3 report them "
                "unless acknowledged with a reason).",
            )

    # -- flow logs -------------------------------------------------------------------------

    def _flow_log_destination(
        self,
        bucket: s3.IBucket | SecureBucket | None,
        prefix: str | None,
        retention: logs.RetentionDays,
        removal_policy: cdk.RemovalPolicy,
    ) -> ec2.FlowLogDestination:
        if bucket is None:
            self.flow_log_group = encrypted_log_group(
                self,
                "FlowLogs",
                encryption_key=self.encryption_key,
                retention=retention,
                removal_policy=removal_policy,
            )
            self.flow_log_role = defaults.flow_log_role(self, "FlowLogRole")
            # Only flow logs of this account may assume it: the condition stays (SC-PIN-1).
            pin(self.flow_log_role, present=("AssumeRolePolicyDocument.Statement.0.Condition",))
            return ec2.FlowLogDestination.to_cloud_watch_logs(
                self.flow_log_group, self.flow_log_role
            )
        target: s3.IBucket = bucket.bucket if isinstance(bucket, SecureBucket) else bucket
        self.flow_log_bucket = target
        key = bucket.encryption_key
        granted = defaults.allow_bucket_delivery(target, prefix)
        if key is not None:
            granted = defaults.allow_log_delivery(key) and granted
        if not granted:
            cdk.Annotations.of(self).add_warning_v2(
                WARN_VPC_FLOW_LOG_DELIVERY_NOT_GRANTED,
                "flow_log_bucket (or its key) is imported, so its policy is not this app's: "
                f"let {defaults.LOG_DELIVERY_SERVICE} of this account write to the bucket "
                "(s3:PutObject on AWSLogs/<account>/*, s3:GetBucketAcl) and use its key "
                "(kms:GenerateDataKey*, kms:Encrypt, kms:Decrypt), or delivery fails.",
            )
        return ec2.FlowLogDestination.to_s3(target, prefix)

    # -- default security group ------------------------------------------------------------

    def _harden_default_sg_provider(self, removal_policy: cdk.RemovalPolicy) -> None:
        stack = cdk.Stack.of(self)
        first = stack.node.try_find_child(defaults.RESTRICT_DEFAULT_SG_PROVIDER)
        already = first is not None and first.node.try_find_child("LogGroup") is not None
        provider = defaults.harden_default_sg_provider(
            stack, encryption_key=self.encryption_key, removal_policy=removal_policy
        )
        if provider is None or already:
            return
        handler = provider.node.find_child("Handler")
        assert isinstance(handler, cdk.CfnResource)  # noqa: S101 - CDK builds it so
        accept_checkov(handler, ["CKV_AWS_115", "CKV_AWS_116", "CKV_AWS_117"], _PROVIDER_REASON)

    # -- endpoints -------------------------------------------------------------------------

    def _add_gateway_endpoint(self, service: ec2.GatewayVpcEndpointAwsService) -> None:
        name = "S3" if defaults.is_s3(service) else "DynamoDb"
        endpoint = self.vpc.add_gateway_endpoint(name, service=service)
        defaults.restrict_gateway_endpoint(self, endpoint, service)
        self.gateway_endpoints[name] = endpoint

    def add_interface_endpoint(
        self,
        id: str,
        *,
        service: ec2.IInterfaceVpcEndpointService,
        dns_record_ip_type: ec2.VpcEndpointDnsRecordIpType | None = None,
        ip_address_type: ec2.VpcEndpointIpAddressType | None = None,
        lookup_supported_azs: bool | None = None,
        open: bool | None = None,
        private_dns_enabled: bool | None = None,
        private_dns_only_for_inbound_resolver_endpoint: (
            ec2.VpcEndpointPrivateDnsOnlyForInboundResolverEndpoint | None
        ) = None,
        security_groups: Sequence[ec2.ISecurityGroup] | None = None,
        service_region: str | None = None,
        subnets: ec2.SubnetSelection | None = None,
    ) -> ec2.InterfaceVpcEndpoint:
        """Add an interface endpoint, hardened unless told otherwise.

        Defaults: private DNS on, one subnet per AZ of the application tier, and the
        construct's ``EndpointSecurityGroup`` (TCP 443 from the VPC's range only, nothing
        out), without the extra rule ``open=True`` would add. The parameters are those of
        ``ec2.IVpc.add_interface_endpoint``, by name (CDK passes each of them when it calls
        the construct through the interface).
        """
        if security_groups is None:
            security_groups = [self._endpoint_security_group()]
        endpoint = self.vpc.add_interface_endpoint(
            id,
            service=service,
            security_groups=list(security_groups),
            private_dns_enabled=True if private_dns_enabled is None else private_dns_enabled,
            subnets=subnets
            or ec2.SubnetSelection(subnet_group_name=defaults.PRIVATE_GROUP, one_per_az=True),
            open=False if open is None else open,
            dns_record_ip_type=dns_record_ip_type,
            ip_address_type=ip_address_type,
            lookup_supported_azs=lookup_supported_azs,
            private_dns_only_for_inbound_resolver_endpoint=(
                private_dns_only_for_inbound_resolver_endpoint
            ),
            service_region=service_region,
        )
        # Its security groups stay (without them the endpoint falls back to the VPC's
        # default group), and private DNS stays on where it was turned on (SC-PIN-1).
        pin(
            endpoint,
            pinned={"PrivateDnsEnabled": True} if private_dns_enabled in (None, True) else None,
            present=("SecurityGroupIds",),
        )
        self.interface_endpoints[id] = endpoint
        return endpoint

    def _endpoint_security_group(self) -> ec2.SecurityGroup:
        if self.endpoint_security_group is None:
            self.endpoint_security_group = defaults.endpoint_security_group(
                self, "EndpointSecurityGroup", self.vpc, self._cidr or self.vpc.vpc_cidr_block
            )
        return self.endpoint_security_group

    # -- the familiar VPC API --------------------------------------------------------------

    @property
    def s3_endpoint(self) -> ec2.GatewayVpcEndpoint | None:
        """The S3 gateway endpoint, if created."""
        return self.gateway_endpoints.get("S3")

    @property
    def dynamodb_endpoint(self) -> ec2.GatewayVpcEndpoint | None:
        """The DynamoDB gateway endpoint, if created."""
        return self.gateway_endpoints.get("DynamoDb")


def _endpoint_id(service: ec2.IInterfaceVpcEndpointService) -> str:
    """``SecretsManager`` style construct id of an interface endpoint service."""
    short = getattr(service, "short_name", None) or service.name.rsplit(".", 1)[-1]
    return "".join(part[:1].upper() + part[1:] for part in _SERVICE_ID.split(short) if part)


def _validate(
    where: str,
    *,
    scope: object,
    construct_id: object,
    max_azs: object,
    ip_addresses: object,
    public_subnets: object,
    nat_gateways: object,
    gateway_endpoints: object,
    interface_endpoints: object,
    flow_log_bucket: object,
    flow_log_prefix: object,
    flow_log_retention: object,
    encryption_key: object,
    vpc_name: object,
    removal_policy: object,
) -> None:
    """Every input's type (SC-VPC-1), then the ranges and combinations."""
    checks = Checks("SC-VPC-1")
    checks.scope(scope, construct_id)
    checks.integer("max_azs", max_azs, fix="pass a number of availability zones, e.g. 2.")
    checks.interface(
        "ip_addresses",
        ip_addresses,
        ("allocate_vpc_cidr",),
        "an ec2.IIpAddresses",
        'pass ec2.IpAddresses.cidr("10.0.0.0/16"), or omit it.',
        optional=True,
    )
    checks.boolean("public_subnets", public_subnets)
    checks.integer("nat_gateways", nat_gateways, fix="pass 0, 1 or max_azs.")
    checks.items(
        "gateway_endpoints",
        gateway_endpoints,
        lambda s: isinstance(s, ec2.GatewayVpcEndpointAwsService),
        "ec2.GatewayVpcEndpointAwsService",
        "pass (ec2.GatewayVpcEndpointAwsService.S3, ec2.GatewayVpcEndpointAwsService.DYNAMODB), "
        "a subset, or ().",
    )
    checks.items(
        "interface_endpoints",
        interface_endpoints,
        lambda s: provides(s, "name", "port"),
        "ec2.IInterfaceVpcEndpointService",
        "pass e.g. (ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,).",
    )
    if not isinstance(flow_log_bucket, SecureBucket):
        checks.interface(
            "flow_log_bucket",
            flow_log_bucket,
            ("bucket_arn", "add_to_resource_policy"),
            "an s3.IBucket or a SecureBucket",
            "pass a SecureBucket (or an s3.Bucket), or omit it for CloudWatch Logs.",
            optional=True,
        )
    checks.string("flow_log_prefix", flow_log_prefix, optional=True)
    checks.log_retention(
        "flow_log_retention",
        flow_log_retention,
        DEFAULT_THRESHOLDS.audit_log_retention_days,
        "the flow logs (audit logs)",
    )
    checks.kms_key("encryption_key", encryption_key)
    checks.string("vpc_name", vpc_name, optional=True)
    checks.member("removal_policy", removal_policy, cdk.RemovalPolicy)
    raise_if_any(
        where,
        [
            *checks.issues,
            *_range_issues(
                checks,
                max_azs=max_azs,
                nat_gateways=nat_gateways,
                gateway_endpoints=gateway_endpoints,
                interface_endpoints=interface_endpoints,
                flow_log_bucket=flow_log_bucket,
                flow_log_prefix=flow_log_prefix,
                flow_log_retention=flow_log_retention,
                removal_policy=removal_policy,
            ),
        ],
    )


def _range_issues(
    checks: Checks,
    *,
    max_azs: object,
    nat_gateways: object,
    gateway_endpoints: object,
    interface_endpoints: object,
    flow_log_bucket: object,
    flow_log_prefix: object,
    flow_log_retention: object,
    removal_policy: object,
) -> list[Issue]:
    """The checks of values whose type is right (wrong types are already reported)."""
    issues: list[Issue] = []
    azs = literal_int(max_azs)
    if azs is not None and not 1 <= azs <= _MAX_AZS_LIMIT:
        issues.append(
            Issue(
                "SC-VPC-2",
                "max_azs",
                f"{azs} is outside 1 to {_MAX_AZS_LIMIT} availability zones.",
                "pass 2 (default) or 3.",
            )
        )
    nat = literal_int(nat_gateways)
    if nat is not None and (nat < 0 or (azs is not None and 1 <= azs < nat)):
        issues.append(
            Issue(
                "SC-VPC-3",
                "nat_gateways",
                f"{nat} NAT gateways for {azs} availability zones.",
                "pass 0 (default, no internet egress), 1, or max_azs for one per AZ.",
            )
        )
    if checks.ok("flow_log_retention") and flow_log_retention == logs.RetentionDays.INFINITE:
        issues.append(
            Issue(
                "SC-VPC-4",
                "flow_log_retention",
                "RetentionDays.INFINITE keeps flow logs forever (guardrail SC-LOGS-2).",
                "pick a finite RetentionDays of at least one year (default ONE_YEAR).",
            )
        )
    if flow_log_bucket is not None and flow_log_retention != DEFAULT_LOG_RETENTION:
        issues.append(
            Issue(
                "SC-VPC-5",
                "flow_log_retention",
                "flow_log_retention applies to the CloudWatch log group, but flow_log_bucket "
                "sends the flow logs to S3.",
                "set the retention with the bucket's lifecycle rules, and drop flow_log_retention.",
            )
        )
    if flow_log_bucket is None and flow_log_prefix is not None:
        issues.append(
            Issue(
                "SC-VPC-5",
                "flow_log_prefix",
                "flow_log_prefix needs flow_log_bucket (CloudWatch Logs has no prefix).",
                "also pass flow_log_bucket=..., or drop flow_log_prefix.",
            )
        )
    if (
        checks.ok("flow_log_prefix")
        and isinstance(flow_log_prefix, str)
        and not is_token(flow_log_prefix)
        and (flow_log_prefix.startswith("/") or flow_log_prefix.startswith("AWSLogs"))
    ):
        issues.append(
            Issue(
                "SC-VPC-6",
                "flow_log_prefix",
                f"{flow_log_prefix!r} starts with '/' or 'AWSLogs', which VPC Flow Logs rejects.",
                "pass a prefix such as 'vpc/'.",
            )
        )
    for prop, services, key in (
        ("gateway_endpoints", gateway_endpoints, lambda s: defaults.is_s3(s)),
        ("interface_endpoints", interface_endpoints, _endpoint_id),
    ):
        if not checks.ok(prop) or not isinstance(services, Sequence):
            continue
        names = [key(s) for s in services]
        if len(set(names)) != len(names):
            issues.append(
                Issue(
                    "SC-VPC-7",
                    prop,
                    "names a service more than once.",
                    "list each service once.",
                )
            )
    if removal_policy == cdk.RemovalPolicy.SNAPSHOT:
        issues.append(
            Issue(
                "SC-VPC-8",
                "removal_policy",
                "KMS keys and log groups do not support RemovalPolicy.SNAPSHOT.",
                "use RemovalPolicy.RETAIN (default) or RETAIN_ON_UPDATE_OR_DELETE.",
            )
        )
    return issues
