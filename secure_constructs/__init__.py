"""Secure-by-default AWS CDK constructs.

Every construct answers the four questions (in transit, at rest, prevention, detection)
with hardened defaults, exposes what it creates, and passes the guardrails in
:mod:`aspects` without acknowledgments of its own making except inherent ones.
"""

from __future__ import annotations

from aspects.errors import Issue, SecureConstructsError
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
from secure_constructs.function import (
    WARN_FUNCTION_DESTROY_ON_REMOVAL,
    WARN_PUBLIC_FUNCTION_URL,
    SecretReference,
    SecureFunction,
)

__all__ = [
    "WARN_ALB_DELETION_PROTECTION_DISABLED",
    "WARN_ALB_DESTROY_ON_REMOVAL",
    "WARN_ALB_EXECUTE_COMMAND",
    "WARN_ALB_IMAGE_USER",
    "WARN_ALB_WITHOUT_WAF",
    "WARN_ALB_WRITABLE_ROOT_FILESYSTEM",
    "WARN_DESTROY_ON_REMOVAL",
    "WARN_FUNCTION_DESTROY_ON_REMOVAL",
    "WARN_PUBLIC_FUNCTION_URL",
    "WARN_SINGLE_AZ",
    "WARN_VERSIONING_DISABLED",
    "AlarmOptions",
    "DatabaseEngine",
    "DomainOptions",
    "EngineKind",
    "Issue",
    "SecretReference",
    "SecureAlbService",
    "SecureBucket",
    "SecureConstructsError",
    "SecureDatabase",
    "SecureFunction",
    "WafOptions",
]
