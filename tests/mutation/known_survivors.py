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
    "bucket-resource": "harmless: in a bucket policy '*' can only mean this bucket and its objects (log delivery widened within the bucket)",
    "confused-deputy": "harmless: the dropped condition is s3:x-amz-acl (ownership of delivered objects, already forced by BucketOwnerEnforced), not a caller restriction; aws:SourceAccount stays",
    "desync-default": "harmless: without the attribute AWS uses desync mode defensive, which still mitigates (SC-ELB-5 flags only monitor)",
    "ecs-privileged-default": "harmless: AWS's default for Privileged is false",
    "egress": "harmless: the group keeps its separate egress rule to the database, which replaces AWS's allow-all default; without the inline HTTPS rule it allows less, not more",
    "key-via-service": "harmless: statement 0 already grants the account kms:* without a condition",
    "no-env": "harmless: the function has no environment variables for the key to encrypt",
    "rds-backtrack": "harmless: backtracking is a recovery convenience; backups and snapshots still protect the data",
    "rds-minor": "harmless: without the property AWS upgrades minor versions automatically (default true)",
    "rds-username": "harmless: the master username is not a secret; the password stays generated and rotated",
    "resource-open": "harmless: the widened statement still requires aws:SourceArn of the data bucket and aws:SourceAccount, which only the S3 logging service acting for that bucket carries",
    "rotation-kms": "harmless: the hosted rotation function's environment holds no secret (it reads the secret at run time)",
    "scheme-default": "harmless: AWS's default Scheme is internet-facing, the value the construct set",
    "sqs-sse": "harmless: KmsMasterKeyId still encrypts the queue; SqsManagedSseEnabled only selects SSE-SQS",
    "waf-fail-open": "harmless: without the attribute the load balancer fails closed (waf.fail_open.enabled defaults to false; SC-WAF-6 flags true)",
    "waf-log-group": "not deployable: the WAF logging configuration is left without a destination (rule missing if it were repointed)",
}

KNOWN_SURVIVORS: tuple[Survivor, ...] = (
    Survivor(
        "SecureAlbService",
        "*",
        "AccessLogs/Policy widen-resource PolicyDocument/Statement/2=*",
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
    Survivor("SecureDatabase", "aurora-mysql", "Cluster delete BacktrackWindow", "rds-backtrack"),
    Survivor(
        "SecureDatabase", "aurora-mysql", "Cluster downgrade BacktrackWindow=0", "rds-backtrack"
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
    Survivor(
        "SecureAlbService",
        "internet-facing,end-to-end-tls",
        "LoadBalancer delete Scheme",
        "scheme-default",
    ),
    Survivor(
        "SecureFunction", "*", "DeadLetterQueue downgrade SqsManagedSseEnabled=false", "sqs-sse"
    ),
    Survivor(
        "SecureAlbService",
        "*",
        "LoadBalancer delete LoadBalancerAttributes/[Key=waf.fail_open.enabled]",
        "waf-fail-open",
    ),
    Survivor("SecureAlbService", "*", "WafLogs remove-companion resource removed", "waf-log-group"),
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
