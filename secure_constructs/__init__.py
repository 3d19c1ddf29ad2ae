"""Secure-by-default AWS CDK constructs.

Every construct answers the four questions (in transit, at rest, prevention, detection)
with hardened defaults, exposes what it creates, and passes the guardrails in
:mod:`aspects` without acknowledgments of its own making except inherent ones.
"""

from __future__ import annotations

from aspects.acknowledge import acknowledge
from aspects.errors import Issue, SecureConstructsError
from aspects.guardrails import SecurityGuardrails
from secure_constructs._defaults.sns import WARN_KEY_POLICY_NOT_UPDATED
from secure_constructs.alb_service import (
    WARN_ALB_DELETION_PROTECTION_DISABLED,
    WARN_ALB_DESTROY_ON_REMOVAL,
    WARN_ALB_EXECUTE_COMMAND,
    WARN_ALB_IMAGE_USER,
    WARN_ALB_WITHOUT_WAF,
    WARN_ALB_WRITABLE_ROOT_FILESYSTEM,
    AlarmOptions,
    DomainOptions,
    SecureAlbService,
    WafOptions,
)
from secure_constructs.api import (
    WARN_API_DESTROY_ON_REMOVAL,
    WARN_PUBLIC_METHOD,
    ApiDomain,
    CacheOptions,
    SecureApi,
    SecureApiResource,
    Throttle,
)
from secure_constructs.baseline import (
    DISABLED_PARTS_METADATA,
    WARN_BASELINE_DESTROY_ON_REMOVAL,
    ConfigOptions,
    GuardDutyOptions,
    PasswordPolicyOptions,
    SecurityBaseline,
    SecurityHubOptions,
    SlackChannel,
    TrailOptions,
)
from secure_constructs.bucket import (
    WARN_DESTROY_ON_REMOVAL,
    WARN_VERSIONING_DISABLED,
    SecureBucket,
)
from secure_constructs.database import (
    WARN_SINGLE_AZ,
    DatabaseEngine,
    EngineKind,
    SecureDatabase,
)
from secure_constructs.distribution import (
    WARN_DISTRIBUTION_DEFAULT_CERTIFICATE,
    WARN_DISTRIBUTION_DESTROY_ON_REMOVAL,
    WARN_DISTRIBUTION_WITHOUT_ACCESS_LOGS,
    OriginSource,
    SecureDistribution,
)
from secure_constructs.function import (
    WARN_FUNCTION_DESTROY_ON_REMOVAL,
    WARN_PUBLIC_FUNCTION_URL,
    SecretReference,
    SecureFunction,
)
from secure_constructs.http_api import (
    WARN_HTTP_API_DESTROY_ON_REMOVAL,
    WARN_HTTP_API_WITHOUT_WAF,
    WARN_PUBLIC_ROUTE,
    SecureHttpApi,
)
from secure_constructs.queue import WARN_QUEUE_DESTROY_ON_REMOVAL, SecureQueue
from secure_constructs.table import (
    WARN_TABLE_DELETION_PROTECTION_DISABLED,
    WARN_TABLE_DESTROY_ON_REMOVAL,
    SecureTable,
)
from secure_constructs.topic import WARN_TOPIC_DESTROY_ON_REMOVAL, SecureTopic
from secure_constructs.vpc import (
    WARN_VPC_DESTROY_ON_REMOVAL,
    WARN_VPC_FLOW_LOG_DELIVERY_NOT_GRANTED,
    SecureVpc,
)

__all__ = [
    "DISABLED_PARTS_METADATA",
    "WARN_ALB_DELETION_PROTECTION_DISABLED",
    "WARN_ALB_DESTROY_ON_REMOVAL",
    "WARN_ALB_EXECUTE_COMMAND",
    "WARN_ALB_IMAGE_USER",
    "WARN_ALB_WITHOUT_WAF",
    "WARN_ALB_WRITABLE_ROOT_FILESYSTEM",
    "WARN_API_DESTROY_ON_REMOVAL",
    "WARN_BASELINE_DESTROY_ON_REMOVAL",
    "WARN_DESTROY_ON_REMOVAL",
    "WARN_DISTRIBUTION_DEFAULT_CERTIFICATE",
    "WARN_DISTRIBUTION_DESTROY_ON_REMOVAL",
    "WARN_DISTRIBUTION_WITHOUT_ACCESS_LOGS",
    "WARN_FUNCTION_DESTROY_ON_REMOVAL",
    "WARN_HTTP_API_DESTROY_ON_REMOVAL",
    "WARN_HTTP_API_WITHOUT_WAF",
    "WARN_KEY_POLICY_NOT_UPDATED",
    "WARN_PUBLIC_FUNCTION_URL",
    "WARN_PUBLIC_METHOD",
    "WARN_PUBLIC_ROUTE",
    "WARN_QUEUE_DESTROY_ON_REMOVAL",
    "WARN_SINGLE_AZ",
    "WARN_TABLE_DELETION_PROTECTION_DISABLED",
    "WARN_TABLE_DESTROY_ON_REMOVAL",
    "WARN_TOPIC_DESTROY_ON_REMOVAL",
    "WARN_VERSIONING_DISABLED",
    "WARN_VPC_DESTROY_ON_REMOVAL",
    "WARN_VPC_FLOW_LOG_DELIVERY_NOT_GRANTED",
    "AlarmOptions",
    "ApiDomain",
    "CacheOptions",
    "ConfigOptions",
    "DatabaseEngine",
    "DomainOptions",
    "EngineKind",
    "GuardDutyOptions",
    "Issue",
    "OriginSource",
    "PasswordPolicyOptions",
    "SecretReference",
    "SecureAlbService",
    "SecureApi",
    "SecureApiResource",
    "SecureBucket",
    "SecureConstructsError",
    "SecureDatabase",
    "SecureDistribution",
    "SecureFunction",
    "SecureHttpApi",
    "SecureQueue",
    "SecureTable",
    "SecureTopic",
    "SecureVpc",
    "SecurityBaseline",
    "SecurityGuardrails",
    "SecurityHubOptions",
    "SlackChannel",
    "Throttle",
    "TrailOptions",
    "WafOptions",
    "acknowledge",
]
