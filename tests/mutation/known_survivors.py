"""The mutants the guardrails let through today, each with the reason it may survive.

Reviewed like code. The suite fails when a mutant survives that is not listed here (a
construct or a rule regressed, or the model grew: add a rule or an entry with a reason)
and when a listed mutant is killed (a rule was added: delete the entry). Reasons start
with ``rule missing`` (the to-do list of issue 10), ``harmless:`` (AWS's default is
already secure, nothing to protect) or ``not deployable:``.

An entry is ``Survivor(construct, variants, mutant, reason key)``: ``variants`` is ``*``
for every configured variant of the construct or a comma-separated list; ``mutant`` is
the mutant id without the ``construct/variant`` prefix.
"""

# ruff: noqa: E501  (one entry per line reads best as data)

from __future__ import annotations

from dataclasses import dataclass

from tests.mutation.builds import CONFIGURATIONS


@dataclass(frozen=True)
class Survivor:
    construct: str
    variants: str
    mutant: str
    reason: str

    def ids(self) -> list[str]:
        """The full mutant ids this entry stands for."""
        every = [c.variant for c in CONFIGURATIONS if c.construct == self.construct]
        chosen = every if self.variants == "*" else self.variants.split(",")
        unknown = set(chosen) - set(every)
        if unknown:
            raise ValueError(f"{self}: no such variant {sorted(unknown)}")
        return [f"{self.construct}/{v} {self.mutant}" for v in chosen]


REASONS: dict[str, str] = {
    "alarm": "rule missing, not yet in issue 10: alarms the construct made stay, with their actions",
    "alarm-waf": "rule missing, issue 10: WAF - the WAF-blocked alarm present where the construct made one",
    "alb-deletion": "rule missing, not yet in issue 10: ALB deletion protection (the construct's default)",
    "bucket-resource": "harmless: in a bucket policy '*' can only mean this bucket and its objects (log delivery widened within the bucket)",
    "confused-deputy": "rule missing, issue 10: service principal without a confused-deputy condition",
    "default-sg": "rule missing, not yet in issue 10: resource falls back to the VPC's default security group",
    "desync-default": "harmless: without the attribute AWS uses desync mode defensive, which still mitigates (SC-ELB-5 flags only monitor)",
    "ecs-privileged-default": "harmless: AWS's default for Privileged is false",
    "egress": "rule missing, issue 10: network - construct security group whose egress restriction is removed",
    "key-via-service": "harmless: statement 0 already grants the account kms:* without a condition",
    "no-env": "harmless: the function has no environment variables for the key to encrypt",
    "ownership": "rule missing, issue 10: S3 - SC-S3-10 passes an absent OwnershipControls (new buckets default to BucketOwnerEnforced), but removing it from an existing bucket turns ACLs back on; decide whether to require it explicitly",
    "rds-backtrack": "harmless: backtracking is a recovery convenience; backups and snapshots still protect the data",
    "rds-ca": "rule missing, not yet in issue 10: RDS CA certificate pinned to a retired CA",
    "rds-log-groups": "rule missing, not yet in issue 10: RDS log exports go to a declared, encrypted, retained log group",
    "rds-minor": "harmless: without the property AWS upgrades minor versions automatically (default true)",
    "rds-username": "harmless: the master username is not a secret; the password stays generated and rotated",
    "resource-open": "rule missing, issue 10: resource policy open to everyone (condition is not a caller restriction)",
    "rotation-kms": "harmless: the hosted rotation function's environment holds no secret (it reads the secret at run time)",
    "scheme-default": "harmless: AWS's default Scheme is internet-facing, the value the construct set",
    "scheme-internal": "rule missing, not yet in issue 10: an internal load balancer made internet-facing (WAF still attached, subnets private)",
    "sg-ports": "rule missing, not yet in issue 10: ports widened between the construct's own groups / from the VPC range",
    "sqs-sse": "harmless: KmsMasterKeyId still encrypts the queue; SqsManagedSseEnabled only selects SSE-SQS",
    "tg-tls": "rule missing, not yet in issue 10: end-to-end TLS target group downgraded to HTTP",
    "waf-fail-open": "rule missing, issue 10: WAF - fail_open off",
    "waf-groups": "rule missing, issue 10: WAF - IP-reputation and SQLi groups on internet-facing ALBs, managed groups not overridden to Count",
    "waf-internal": "rule missing, not yet in issue 10: the WebACL the construct attached to an internal ALB can be detached (SC-ELB-3 covers internet-facing only)",
    "waf-log-group": "not deployable: the WAF logging configuration is left without a destination (rule missing if it were repointed)",
    "waf-logging": "rule missing, issue 10: logs - WAF logging redacts authorization and cookies, no drop-everything filter",
}

KNOWN_SURVIVORS: tuple[Survivor, ...] = (
    Survivor("SecureAlbService", "*", "ServerErrorRateAlarm delete AlarmActions", "alarm"),
    Survivor(
        "SecureAlbService", "*", "ServerErrorRateAlarm downgrade ActionsEnabled=false", "alarm"
    ),
    Survivor(
        "SecureAlbService", "*", "ServerErrorRateAlarm remove-companion resource removed", "alarm"
    ),
    Survivor("SecureAlbService", "*", "UnhealthyTargetsAlarm delete AlarmActions", "alarm"),
    Survivor(
        "SecureAlbService", "*", "UnhealthyTargetsAlarm downgrade ActionsEnabled=false", "alarm"
    ),
    Survivor(
        "SecureAlbService", "*", "UnhealthyTargetsAlarm remove-companion resource removed", "alarm"
    ),
    Survivor("SecureAlbService", "*", "WafBlockedRequestsAlarm delete AlarmActions", "alarm-waf"),
    Survivor(
        "SecureAlbService",
        "*",
        "WafBlockedRequestsAlarm downgrade ActionsEnabled=false",
        "alarm-waf",
    ),
    Survivor(
        "SecureAlbService",
        "*",
        "WafBlockedRequestsAlarm remove-companion resource removed",
        "alarm-waf",
    ),
    Survivor(
        "SecureAlbService",
        "*",
        "LoadBalancer delete LoadBalancerAttributes/[Key=deletion_protection.enabled]",
        "alb-deletion",
    ),
    Survivor(
        "SecureAlbService",
        "*",
        'LoadBalancer downgrade LoadBalancerAttributes/[Key=deletion_protection.enabled]/Value="false"',
        "alb-deletion",
    ),
    Survivor(
        "SecureAlbService",
        "*",
        "AccessLogs/Policy widen-resource PolicyDocument/Statement/2=*",
        "bucket-resource",
    ),
    Survivor(
        "SecureAlbService",
        "*",
        "AccessLogs/Policy widen-resource PolicyDocument/Statement/3=*",
        "bucket-resource",
    ),
    Survivor(
        "SecureAlbService",
        "*",
        "AccessLogs/Policy widen-resource PolicyDocument/Statement/4=*",
        "bucket-resource",
    ),
    Survivor(
        "SecureBucket",
        "*",
        "AccessLogs/Policy widen-resource PolicyDocument/Statement/AllowS3ServerAccessLogDelivery=*",
        "bucket-resource",
    ),
    Survivor(
        "SecureAlbService",
        "*",
        "AccessLogs/Policy drop-condition PolicyDocument/Statement/3",
        "confused-deputy",
    ),
    Survivor(
        "SecureAlbService",
        "*",
        "Key drop-condition KeyPolicy/Statement/AllowCloudWatchAlarmsToNotifyTheTopic",
        "confused-deputy",
    ),
    Survivor(
        "SecureAlbService",
        "*",
        "Key drop-condition KeyPolicy/Statement/AllowCloudWatchLogsOfThisAccount",
        "confused-deputy",
    ),
    Survivor(
        "SecureBucket",
        "*",
        "AccessLogs/Policy drop-condition PolicyDocument/Statement/AllowS3ServerAccessLogDelivery",
        "confused-deputy",
    ),
    Survivor(
        "SecureDatabase",
        "*",
        "Key drop-condition KeyPolicy/Statement/AllowCloudWatchLogsOfThisAccount",
        "confused-deputy",
    ),
    Survivor(
        "SecureFunction",
        "*",
        "Key drop-condition KeyPolicy/Statement/AllowCloudWatchLogsOfThisAccount",
        "confused-deputy",
    ),
    Survivor("SecureAlbService", "*", "LoadBalancer delete SecurityGroups", "default-sg"),
    Survivor(
        "SecureAlbService",
        "*",
        "Service/Service delete NetworkConfiguration/AwsvpcConfiguration/SecurityGroups",
        "default-sg",
    ),
    Survivor(
        "SecureDatabase",
        "aurora-mysql,aurora-postgresql",
        "Cluster delete VpcSecurityGroupIds",
        "default-sg",
    ),
    Survivor("SecureDatabase", "postgres", "Instance delete VPCSecurityGroups", "default-sg"),
    Survivor(
        "SecureAlbService",
        "*",
        "LoadBalancer delete LoadBalancerAttributes/[Key=routing.http.desync_mitigation_mode]",
        "desync-default",
    ),
    Survivor(
        "SecureAlbService",
        "*",
        "TaskDefinition delete ContainerDefinitions/0/Privileged",
        "ecs-privileged-default",
    ),
    Survivor("SecureDatabase", "*", "RotationSecurityGroup delete SecurityGroupEgress", "egress"),
    Survivor("SecureDatabase", "*", "Key drop-condition KeyPolicy/Statement/2", "key-via-service"),
    Survivor("SecureDatabase", "*", "Key drop-condition KeyPolicy/Statement/3", "key-via-service"),
    Survivor("SecureFunction", "default", "Function delete KmsKeyArn", "no-env"),
    Survivor("SecureAlbService", "*", "AccessLogs delete OwnershipControls", "ownership"),
    Survivor("SecureBucket", "*", "AccessLogs delete OwnershipControls", "ownership"),
    Survivor("SecureBucket", "*", "Bucket delete OwnershipControls", "ownership"),
    Survivor("SecureDatabase", "aurora-mysql", "Cluster delete BacktrackWindow", "rds-backtrack"),
    Survivor(
        "SecureDatabase", "aurora-mysql", "Cluster downgrade BacktrackWindow=0", "rds-backtrack"
    ),
    Survivor(
        "SecureDatabase",
        "aurora-mysql,aurora-postgresql",
        'Cluster/Reader downgrade CACertificateIdentifier="rds-ca-2019"',
        "rds-ca",
    ),
    Survivor(
        "SecureDatabase",
        "aurora-mysql,aurora-postgresql",
        'Cluster/Writer downgrade CACertificateIdentifier="rds-ca-2019"',
        "rds-ca",
    ),
    Survivor(
        "SecureDatabase",
        "postgres",
        'Instance downgrade CACertificateIdentifier="rds-ca-2019"',
        "rds-ca",
    ),
    Survivor(
        "SecureDatabase",
        "aurora-mysql",
        "AuditLogs remove-companion resource removed",
        "rds-log-groups",
    ),
    Survivor(
        "SecureDatabase",
        "aurora-mysql",
        "ErrorLogs remove-companion resource removed",
        "rds-log-groups",
    ),
    Survivor(
        "SecureDatabase",
        "aurora-mysql",
        "GeneralLogs remove-companion resource removed",
        "rds-log-groups",
    ),
    Survivor(
        "SecureDatabase",
        "aurora-postgresql,postgres",
        "PostgresqlLogs remove-companion resource removed",
        "rds-log-groups",
    ),
    Survivor(
        "SecureDatabase",
        "aurora-mysql",
        "SlowqueryLogs remove-companion resource removed",
        "rds-log-groups",
    ),
    Survivor(
        "SecureDatabase",
        "postgres",
        "UpgradeLogs remove-companion resource removed",
        "rds-log-groups",
    ),
    Survivor(
        "SecureDatabase",
        "aurora-mysql,aurora-postgresql",
        "Cluster/Reader delete AutoMinorVersionUpgrade",
        "rds-minor",
    ),
    Survivor(
        "SecureDatabase",
        "aurora-mysql,aurora-postgresql",
        "Cluster/Writer delete AutoMinorVersionUpgrade",
        "rds-minor",
    ),
    Survivor("SecureDatabase", "postgres", "Instance delete AutoMinorVersionUpgrade", "rds-minor"),
    Survivor(
        "SecureDatabase",
        "aurora-mysql,aurora-postgresql",
        'Cluster downgrade MasterUsername="admin"',
        "rds-username",
    ),
    Survivor(
        "SecureDatabase", "postgres", 'Instance downgrade MasterUsername="admin"', "rds-username"
    ),
    Survivor(
        "SecureBucket",
        "*",
        "AccessLogs/Policy widen-principal PolicyDocument/Statement/AllowS3ServerAccessLogDelivery=*",
        "resource-open",
    ),
    Survivor(
        "SecureBucket",
        "*",
        'AccessLogs/Policy widen-principal PolicyDocument/Statement/AllowS3ServerAccessLogDelivery={"AWS":"*"}',
        "resource-open",
    ),
    Survivor(
        "SecureDatabase", "*", "Rotation delete HostedRotationLambda/KmsKeyArn", "rotation-kms"
    ),
    Survivor("SecureAlbService", "*", "LoadBalancer delete Scheme", "scheme-default"),
    Survivor(
        "SecureAlbService",
        "internal",
        'LoadBalancer downgrade Scheme="internet-facing"',
        "scheme-internal",
    ),
    Survivor(
        "SecureAlbService",
        "internal",
        "LoadBalancerSecurityGroup downgrade SecurityGroupIngress/0/FromPort=0",
        "sg-ports",
    ),
    Survivor(
        "SecureAlbService",
        "internal",
        "LoadBalancerSecurityGroup downgrade SecurityGroupIngress/1/FromPort=0",
        "sg-ports",
    ),
    Survivor(
        "SecureAlbService",
        "*",
        'LoadBalancerSecurityGroup/to SubjectServiceSecurityGroup:8080 downgrade IpProtocol="-1"',
        "sg-ports",
    ),
    Survivor(
        "SecureAlbService",
        "*",
        'ServiceSecurityGroup/from SubjectLoadBalancerSecurityGroup:8080 downgrade IpProtocol="-1"',
        "sg-ports",
    ),
    Survivor(
        "SecureDatabase",
        "aurora-mysql",
        'RotationSecurityGroup/to SubjectSecurityGroup:3307 downgrade IpProtocol="-1"',
        "sg-ports",
    ),
    Survivor(
        "SecureDatabase",
        "aurora-postgresql,postgres",
        'RotationSecurityGroup/to SubjectSecurityGroup:5433 downgrade IpProtocol="-1"',
        "sg-ports",
    ),
    Survivor(
        "SecureDatabase",
        "aurora-mysql",
        'SecurityGroup/from SubjectRotationSecurityGroup:3307 downgrade IpProtocol="-1"',
        "sg-ports",
    ),
    Survivor(
        "SecureDatabase",
        "aurora-postgresql,postgres",
        'SecurityGroup/from SubjectRotationSecurityGroup:5433 downgrade IpProtocol="-1"',
        "sg-ports",
    ),
    Survivor(
        "SecureFunction", "*", "DeadLetterQueue downgrade SqsManagedSseEnabled=false", "sqs-sse"
    ),
    Survivor(
        "SecureAlbService",
        "end-to-end-tls",
        'TargetGroup downgrade HealthCheckProtocol="HTTP"',
        "tg-tls",
    ),
    Survivor(
        "SecureAlbService", "end-to-end-tls", 'TargetGroup downgrade Protocol="HTTP"', "tg-tls"
    ),
    Survivor(
        "SecureAlbService",
        "*",
        "LoadBalancer delete LoadBalancerAttributes/[Key=waf.fail_open.enabled]",
        "waf-fail-open",
    ),
    Survivor("SecureAlbService", "internal", "WebAcl delete Rules/0", "waf-groups"),
    Survivor("SecureAlbService", "internal", "WebAcl delete Rules/4", "waf-groups"),
    Survivor(
        "SecureAlbService",
        "internal",
        'WebAcl downgrade Rules/0/OverrideAction={"Count": {}}',
        "waf-groups",
    ),
    Survivor(
        "SecureAlbService",
        "internal",
        'WebAcl downgrade Rules/4/OverrideAction={"Count": {}}',
        "waf-groups",
    ),
    Survivor(
        "SecureAlbService",
        "internal",
        "WebAclAssociation remove-companion resource removed",
        "waf-internal",
    ),
    Survivor("SecureAlbService", "*", "WafLogs remove-companion resource removed", "waf-log-group"),
    Survivor("SecureAlbService", "*", "WebAclLogging delete RedactedFields", "waf-logging"),
    Survivor(
        "SecureAlbService",
        "*",
        "WebAclLogging downgrade LoggingFilter=a filter that drops almost everything",
        "waf-logging",
    ),
)


def known_survivors() -> dict[str, str]:
    """Mutant id -> its reason, for every listed survivor."""
    out: dict[str, str] = {}
    for entry in KNOWN_SURVIVORS:
        for mutant_id in entry.ids():
            if mutant_id in out:
                raise ValueError(f"listed twice: {mutant_id}")
            out[mutant_id] = REASONS[entry.reason]
    return out
