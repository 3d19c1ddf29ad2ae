"""The thresholds the rules apply, in one documented object users can tighten.

The defaults are the values the Secure* constructs build with, so an app made of them
passes. A team can ask for more (longer log retention, a lower rate-limit ceiling...) with
``SecurityGuardrails(settings=Thresholds(log_retention_days=365))`` or
``secure-constructs scan --settings thresholds.json``; a value looser than the default is
refused with an error, because loosening a baseline is what an acknowledgment with a
written reason is for.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aspects.errors import Issue, SecureConstructsError

#: ELB security policy families that allow only TLS 1.2 and newer (AWS's published
#: policies: the TLS 1.3 family, the TLS-1-2 family and the forward-secrecy FS-1-2 family,
#: with their FIPS and post-quantum variants). Anything else, or no policy, allows TLS 1.0.
ELB_TLS12_POLICY_PREFIXES = (
    "ELBSecurityPolicy-TLS13-1-2-",
    "ELBSecurityPolicy-TLS13-1-3-",
    "ELBSecurityPolicy-TLS-1-2-",
    "ELBSecurityPolicy-FS-1-2-",
)

#: CloudFront viewer minimum protocol versions that refuse TLS 1.0 and 1.1 and weak
#: ciphers. ``TLSv1.2_2018`` and ``TLSv1.2_2019`` still offer CBC/SHA-1 suites.
CLOUDFRONT_TLS_PROTOCOLS = ("TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025")

#: API Gateway custom domain security policies that refuse TLS 1.0/1.1: the classic
#: ``TLS_1_2`` and the enhanced ``SecurityPolicy_TLS13_*`` / ``SecurityPolicy_TLS12_*``
#: families (matched by prefix).
APIGATEWAY_TLS_POLICY_PREFIXES = ("TLS_1_2", "SecurityPolicy_TLS13_", "SecurityPolicy_TLS12_")

#: OpenSearch / Elasticsearch domain endpoint TLS policies that require TLS 1.2+.
OPENSEARCH_TLS_POLICIES = (
    "Policy-Min-TLS-1-2-2019-07",
    "Policy-Min-TLS-1-2-PFS-2023-10",
)


@dataclass(frozen=True)
class Thresholds:
    """Every number and allow-list a rule compares against.

    Attributes
    ----------
    log_retention_days:
        Minimum retention of an application log group (SC-LOGS-2).
    audit_log_retention_days:
        Minimum retention of audit logs: CloudTrail, VPC flow logs, WAF logs and the
        access-log buckets of load balancers and distributions.
    backup_retention_days:
        Minimum automated backup retention of databases and caches (RDS, ElastiCache...).
    secret_rotation_days:
        Longest interval between automatic rotations of a database secret.
    min_generated_password_length:
        Shortest generated database master password (``GenerateSecretString``).
    user_pool_min_password_length:
        Shortest password a Cognito user pool may accept.
    waf_rate_limit_ceiling:
        Highest per-IP request limit (per 5 minutes) a WAF rate-based rule may allow.
    dead_letter_retention_days:
        Minimum message retention of a dead-letter queue, so failures can be replayed.
    noncurrent_version_expiration_days:
        Shortest expiration of noncurrent object versions in a versioned bucket: a
        deleted or overwritten object must stay recoverable at least this long.
    elb_tls_policy_prefixes, cloudfront_tls_protocols, apigateway_tls_policy_prefixes,
    opensearch_tls_policies:
        The TLS policies accepted per service; a tighter setting lists fewer.
    """

    log_retention_days: int = 90
    audit_log_retention_days: int = 365
    backup_retention_days: int = 7
    secret_rotation_days: int = 90
    min_generated_password_length: int = 30
    user_pool_min_password_length: int = 14
    waf_rate_limit_ceiling: int = 2000
    dead_letter_retention_days: int = 14
    noncurrent_version_expiration_days: int = 30
    elb_tls_policy_prefixes: tuple[str, ...] = ELB_TLS12_POLICY_PREFIXES
    cloudfront_tls_protocols: tuple[str, ...] = CLOUDFRONT_TLS_PROTOCOLS
    apigateway_tls_policy_prefixes: tuple[str, ...] = APIGATEWAY_TLS_POLICY_PREFIXES
    opensearch_tls_policies: tuple[str, ...] = OPENSEARCH_TLS_POLICIES

    def __post_init__(self) -> None:
        problems = _loosened(self)
        if problems:
            raise SecureConstructsError("Thresholds", problems)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "settings") -> Thresholds:
        """Thresholds from JSON-like data (unknown names and wrong types are errors)."""
        if not isinstance(data, Mapping):
            raise SecureConstructsError(
                source,
                [
                    Issue(
                        "SC-SETTINGS-3",
                        source,
                        f"is a {type(data).__name__}, not an object.",
                        'write a JSON object such as {"log_retention_days": 365}.',
                    )
                ],
            )
        fields = {f.name: f for f in dataclasses.fields(cls)}
        issues: list[Issue] = []
        values: dict[str, Any] = {}
        for name, value in data.items():
            spec = fields.get(str(name))
            if spec is None:
                issues.append(
                    Issue(
                        "SC-SETTINGS-2",
                        f"{source}.{name}",
                        "is not a threshold.",
                        f"use one of {', '.join(sorted(fields))}.",
                    )
                )
            elif isinstance(getattr(DEFAULT, spec.name), tuple):
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    issues.append(
                        Issue(
                            "SC-SETTINGS-3",
                            f"{source}.{name}",
                            f"is {value!r}, not a list of strings.",
                            "give the allowed policy names as a JSON list.",
                        )
                    )
                else:
                    values[spec.name] = tuple(value)
            elif isinstance(value, bool) or not isinstance(value, int):
                issues.append(
                    Issue(
                        "SC-SETTINGS-3",
                        f"{source}.{name}",
                        f"is {value!r}, not an integer.",
                        "give a whole number.",
                    )
                )
            else:
                values[spec.name] = value
        if issues:
            raise SecureConstructsError(source, issues)
        return cls(**values)

    @classmethod
    def load(cls, path: str | Path) -> Thresholds:
        """Thresholds from a JSON file (``scan --settings``)."""
        try:
            text = Path(path).read_text(encoding="utf-8")
            data = json.loads(text)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            detail = " ".join(str(exc).split())[:200]
            raise SecureConstructsError(
                str(path),
                [
                    Issue(
                        "SC-SETTINGS-4",
                        str(path),
                        f"cannot be read as JSON ({type(exc).__name__}: {detail}).",
                        "pass a UTF-8 JSON file of threshold names to values.",
                    )
                ],
            ) from None
        return cls.from_mapping(data, str(path))


#: Minimums (a value may only grow), maximums (may only shrink) and allow-lists (may only
#: lose members) — what "tighter" means for each field.
_AT_LEAST = (
    "log_retention_days",
    "audit_log_retention_days",
    "backup_retention_days",
    "min_generated_password_length",
    "user_pool_min_password_length",
    "dead_letter_retention_days",
    "noncurrent_version_expiration_days",
)
_AT_MOST = ("secret_rotation_days", "waf_rate_limit_ceiling")
_SUBSET = (
    "elb_tls_policy_prefixes",
    "cloudfront_tls_protocols",
    "apigateway_tls_policy_prefixes",
    "opensearch_tls_policies",
)


def _loosened(chosen: Thresholds) -> list[Issue]:
    defaults = Thresholds.__new__(Thresholds)  # the class defaults, without validation
    for spec in dataclasses.fields(Thresholds):
        object.__setattr__(defaults, spec.name, spec.default)
    issues: list[Issue] = []
    for name in _AT_LEAST:
        value, default = getattr(chosen, name), getattr(defaults, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < default:
            issues.append(
                Issue(
                    "SC-SETTINGS-1",
                    name,
                    f"{value!r} is looser than the baseline (at least {default}).",
                    f"use {default} or more; acknowledge a finding, with a reason, instead.",
                )
            )
    for name in _AT_MOST:
        value, default = getattr(chosen, name), getattr(defaults, name)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= default:
            issues.append(
                Issue(
                    "SC-SETTINGS-1",
                    name,
                    f"{value!r} is looser than the baseline (at most {default}).",
                    f"use 1 to {default}; acknowledge a finding, with a reason, instead.",
                )
            )
    for name in _SUBSET:
        value, default = getattr(chosen, name), getattr(defaults, name)
        extra = [v for v in value if v not in default] if isinstance(value, tuple) else [value]
        if extra or not value:
            issues.append(
                Issue(
                    "SC-SETTINGS-1",
                    name,
                    f"{extra!r} is not in the baseline {list(default)}."
                    if extra
                    else "allows no policy at all.",
                    "list some of the baseline's policies (fewer is tighter).",
                )
            )
    return issues


#: The thresholds the constructs build with and the rules apply unless told otherwise.
DEFAULT = Thresholds()

__all__ = [
    "APIGATEWAY_TLS_POLICY_PREFIXES",
    "CLOUDFRONT_TLS_PROTOCOLS",
    "DEFAULT",
    "ELB_TLS12_POLICY_PREFIXES",
    "OPENSEARCH_TLS_POLICIES",
    "Thresholds",
]
