"""CloudFront guardrails: HTTPS and TLS 1.2+ to viewers and origins, private S3, WAF, logs.

A distribution is judged on its synthesized ``DistributionConfig``; what it refers to (origin
access controls, VPC origins, WebACLs, standard logging v2 deliveries) is followed through
the app's index. Facts the rules rely on:

* ``ViewerProtocolPolicy`` is required on every behaviour; ``allow-all`` serves HTTP. CDK's
  default is ``allow-all`` unless the feature flag
  ``@aws-cdk/aws-cloudfront:defaultViewerProtocolPolicyRedirectToHttps`` is set.
* With the default ``*.cloudfront.net`` certificate (``CloudFrontDefaultCertificate: true``
  or no ``ViewerCertificate``) CloudFront uses the ``TLSv1`` security policy whatever
  ``MinimumProtocolVersion`` says; only a custom certificate (``AcmCertificateArn`` /
  ``IamCertificateId``) lets the distribution refuse TLS 1.0 and 1.1.
* ``CustomOriginConfig.OriginSSLProtocols`` defaults to ``["TLSv1", "SSLv3"]`` when absent
  (the CloudFormation resource schema), and so does ``AWS::CloudFront::VpcOrigin``, whose
  ``OriginProtocolPolicy`` defaults to ``match-viewer``. ``match-viewer`` reaches the
  origin over HTTP for every viewer that came over HTTP.
* CloudFront reaches an S3 REST origin with the viewer's protocol; without an origin access
  control (or a legacy origin access identity) it reads the bucket anonymously, so the
  bucket has to be public. An S3 *website* endpoint only serves public buckets, over HTTP.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from aspects.index import (
    AppIndex,
    ExternalRef,
    ResourceKey,
    ResourceRef,
    ResourceView,
    TemplateIndex,
)
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.resolve import Placeholder, Text, literal_text, render, unknown_sources
from aspects.rules._blocks import app_cache
from aspects.rules._common import Deferred, effect, has_restricting_condition, statements
from aspects.values import as_list, describe_intrinsic, intrinsic_name, literal, properties
from aspects.values import variants as resource_variants

DISTRIBUTION = "AWS::CloudFront::Distribution"
BUCKET_POLICY = "AWS::S3::BucketPolicy"
VPC_ORIGIN = "AWS::CloudFront::VpcOrigin"
ORIGIN_ACCESS_CONTROL = "AWS::CloudFront::OriginAccessControl"
DELIVERY_SOURCE = "AWS::Logs::DeliverySource"
DELIVERY = "AWS::Logs::Delivery"

_HTTPS_VIEWER = ("redirect-to-https", "https-only")
#: What CloudFormation (and a VPC origin) uses when ``OriginSSLProtocols`` is absent.
DEFAULT_ORIGIN_SSL_PROTOCOLS = ("TLSv1", "SSLv3")
#: Origin protocols below TLS 1.2.
WEAK_ORIGIN_PROTOCOLS = ("SSLv3", "TLSv1", "TLSv1.1")
_S3_WEBSITE = re.compile(r"\.s3-website[.-]", re.IGNORECASE)
_S3_REST = re.compile(
    r"\.s3(?:\.dualstack)?(?:[.-][a-z0-9-]+)?\.(?:amazonaws\.com|\$\{AWS::URLSuffix\})",
    re.IGNORECASE,
)
_BUCKET_REST_ATTRIBUTES = ("DomainName", "RegionalDomainName", "DualStackDomainName")
_CONFIG = "DistributionConfig"


# -- reading a distribution ----------------------------------------------------------------


def _value(r: ResourceView, value: Any, path: str) -> Any:
    """The deployed value at *path* (below ``Properties``), or :class:`CannotVerify`."""
    try:
        return r.literal(value, path)
    except CannotVerify as exc:
        raise CannotVerify(exc.message, f"Properties.{path}") from None


def _bool(r: ResourceView, value: Any, path: str) -> bool:
    try:
        return r.bool(value, path)
    except CannotVerify as exc:
        raise CannotVerify(exc.message, f"Properties.{path}") from None


def _follow(r: ResourceView, value: Any, path: str) -> ResourceRef | ExternalRef:
    try:
        return r.follow(value, path)
    except CannotVerify as exc:
        raise CannotVerify(exc.message, f"Properties.{path}") from None


def _their(ref: ResourceRef, value: Any, what: str, path: str) -> Any:
    """A literal setting of another resource *ref*; *cannot verify* reported at *path*."""
    try:
        return literal(value, f"{ref.logical_id}.{what}", parameters=ref.template.parameters)
    except CannotVerify as exc:
        raise CannotVerify(exc.message, f"Properties.{path}") from None


def _object(r: ResourceView, value: Any, path: str) -> Mapping[str, Any]:
    """A block that must be an object: ``{}`` if absent, *cannot verify* if an expression."""
    if value is None:
        return {}
    found = _value(r, value, path)
    if not isinstance(found, Mapping):
        raise CannotVerify(f"{path} is {found!r}, not an object", f"Properties.{path}")
    return found


def _items(r: ResourceView, value: Any, path: str) -> list[Any]:
    """A list property as a list (one item or an expression that gives a list)."""
    return as_list(_value(r, value, path)) if value is not None else []


def _blank(text: Text) -> bool:
    literal_value = literal_text(text)
    return literal_value is not None and not literal_value.strip()


def _is_set(r: ResourceView, value: Any, path: str) -> bool:
    """Whether a string property is present and not blank; *cannot verify* if it may be."""
    if value is None:
        return False
    texts = r.texts(value)
    blank = [_blank(t) for t in texts]
    if all(blank):
        return False
    if any(blank) or unknown_sources(texts):
        sources = unknown_sources(texts) or ["an expression with an empty value"]
        raise CannotVerify(
            f"{path} comes from {sources[0]}, which may be empty at deploy time",
            f"Properties.{path}",
        )
    return True


def _config(r: ResourceView) -> Mapping[str, Any]:
    return _object(r, r.props.get(_CONFIG), _CONFIG)


def _shown(value: Any) -> str:
    return repr(value) if isinstance(value, str) else describe_intrinsic(value)


@dataclass(frozen=True)
class _Behaviour:
    label: str  # "the default behaviour" / "the behaviour for '/api/*'"
    path: str  # below Properties
    block: Mapping[str, Any]


def _behaviours(r: ResourceView) -> list[_Behaviour]:
    config = _config(r)
    path = f"{_CONFIG}.DefaultCacheBehavior"
    default = _object(r, config.get("DefaultCacheBehavior"), path)
    out = [_Behaviour("the default behaviour", path, default)]
    listed = _items(r, config.get("CacheBehaviors"), f"{_CONFIG}.CacheBehaviors")
    for i, item in enumerate(listed):
        path = f"{_CONFIG}.CacheBehaviors[{i}]"
        block = _object(r, item, path)
        pattern = block.get("PathPattern")
        out.append(_Behaviour(f"the behaviour for {_shown(pattern)}", path, block))
    return out


def _viewer_policy(r: ResourceView, behaviour: _Behaviour) -> str | None:
    raw = behaviour.block.get("ViewerProtocolPolicy")
    path = f"{behaviour.path}.ViewerProtocolPolicy"
    return None if raw is None else str(_value(r, raw, path)).lower()


@dataclass(frozen=True)
class _Origin:
    label: str  # "origin 'Id'" / "the legacy S3Origin"
    path: str  # below Properties
    block: Mapping[str, Any]
    origin_id: str | None  # None: a legacy origin, which every behaviour may target
    custom_path: str | None = None  # where OriginProtocolPolicy/OriginSSLProtocols live


def _origins(r: ResourceView) -> list[_Origin]:
    config = _config(r)
    out: list[_Origin] = []
    for i, item in enumerate(_items(r, config.get("Origins"), f"{_CONFIG}.Origins")):
        path = f"{_CONFIG}.Origins[{i}]"
        block = _object(r, item, path)
        raw_id = block.get("Id")
        origin_id = "" if raw_id is None else str(_value(r, raw_id, f"{path}.Id"))
        custom = f"{path}.CustomOriginConfig" if "CustomOriginConfig" in block else None
        out.append(_Origin(f"origin {origin_id!r}", path, block, origin_id, custom))
    # The legacy single-origin forms (DistributionConfig.CustomOrigin / S3Origin).
    for key in ("CustomOrigin", "S3Origin"):
        if config.get(key) is not None:
            path = f"{_CONFIG}.{key}"
            block = _object(r, config.get(key), path)
            custom = path if key == "CustomOrigin" else None
            out.append(_Origin(f"the legacy {key}", path, block, None, custom))
    return out


def _targeting(r: ResourceView, origin: _Origin) -> list[_Behaviour]:
    """The behaviours that send requests to *origin* (directly or through an origin group)."""
    behaviours = _behaviours(r)
    if origin.origin_id is None:
        return behaviours
    groups: dict[str, set[str]] = {}
    config = _config(r)
    groups_block = _object(r, config.get("OriginGroups"), f"{_CONFIG}.OriginGroups")
    groups_path = f"{_CONFIG}.OriginGroups.Items"
    for i, item in enumerate(_items(r, groups_block.get("Items"), groups_path)):
        group = _object(r, item, f"{groups_path}[{i}]")
        members_path = f"{groups_path}[{i}].Members"
        members = _object(r, group.get("Members"), members_path)
        ids = {
            str(_value(r, _object(r, m, f"{members_path}.Items").get("OriginId"), members_path))
            for m in _items(r, members.get("Items"), f"{members_path}.Items")
        }
        groups[str(_value(r, group.get("Id"), f"{groups_path}[{i}].Id"))] = ids
    out = []
    for behaviour in behaviours:
        path = f"{behaviour.path}.TargetOriginId"
        target = str(_value(r, behaviour.block.get("TargetOriginId"), path))
        if origin.origin_id in groups.get(target, {target}):
            out.append(behaviour)
    return out


# -- SC-CF-1 viewers over HTTPS --------------------------------------------------------------


def _viewer_https(r: ResourceView) -> Iterator[Problem]:
    deferred = Deferred()
    for behaviour in _behaviours(r):
        with deferred:
            policy = _viewer_policy(r, behaviour)
            path = f"Properties.{behaviour.path}.ViewerProtocolPolicy"
            if policy is None:
                yield Problem(
                    f"{behaviour.path}.ViewerProtocolPolicy ({behaviour.label}) is not set; "
                    f"use {' or '.join(_HTTPS_VIEWER)}",
                    path,
                )
            elif policy not in _HTTPS_VIEWER:
                yield Problem(
                    f"{behaviour.path}.ViewerProtocolPolicy is {policy!r} for "
                    f"{behaviour.label}: viewers fetch it over plain HTTP, so pages, cookies "
                    f"and tokens cross the network in clear text; use "
                    f"{' or '.join(_HTTPS_VIEWER)}",
                    path,
                )
    deferred.raise_first()


# -- SC-CF-2 / SC-CF-3 viewer TLS ------------------------------------------------------------

_CERT = f"{_CONFIG}.ViewerCertificate"


def _uses_custom_certificate(r: ResourceView) -> tuple[bool, str]:
    """(custom certificate?, why not, in words)."""
    certificate = _object(r, _config(r).get("ViewerCertificate"), _CERT)
    default = certificate.get("CloudFrontDefaultCertificate")
    if default is not None and _bool(r, default, f"{_CERT}.CloudFrontDefaultCertificate"):
        return False, "CloudFrontDefaultCertificate is true"
    # A certificate from a parameter or an import counts: CloudFront refuses an empty one.
    custom = [
        value is not None and not all(_blank(t) for t in r.texts(value))
        for value in (certificate.get("AcmCertificateArn"), certificate.get("IamCertificateId"))
    ]
    if any(custom):
        return True, ""
    return False, "neither AcmCertificateArn nor IamCertificateId is set"


def _minimum_version(r: ResourceView) -> Any:
    certificate = _object(r, _config(r).get("ViewerCertificate"), _CERT)
    return certificate.get("MinimumProtocolVersion")


def _viewer_tls(r: ResourceView) -> Iterator[Problem]:
    custom, _why = _uses_custom_certificate(r)
    if not custom:
        return  # the default certificate: SC-CF-3
    allowed = r.settings.cloudfront_tls_protocols
    raw = _minimum_version(r)
    path = f"{_CERT}.MinimumProtocolVersion"
    if raw is None:
        yield Problem(
            f"{path} is not set, so the security policy of the custom certificate is not "
            f"pinned to TLS 1.2 or newer; use {' or '.join(allowed)}",
            f"Properties.{path}",
        )
        return
    version = str(_value(r, raw, path))
    if version not in allowed:
        yield Problem(
            f"{path} is {version!r}, which lets viewers connect with older TLS versions or "
            f"weak ciphers; use {' or '.join(allowed)}",
            f"Properties.{path}",
        )


def _default_certificate(r: ResourceView) -> Iterator[Problem]:
    custom, how = _uses_custom_certificate(r)
    if custom:
        return
    yield Problem(
        f"{_CERT}: {how}, so the distribution serves the default *.cloudfront.net "
        "certificate, with which CloudFront accepts TLS 1.0 and 1.1 whatever "
        "MinimumProtocolVersion says",
        f"Properties.{_CERT}",
    )


# -- SC-CF-4 origins over HTTPS --------------------------------------------------------------


def _vpc_origin_config(r: ResourceView, origin: _Origin) -> tuple[str, Mapping[str, Any]] | None:
    """(description, endpoint config) of the app's VPC origin an origin uses, if any."""
    vpc = origin.block.get("VpcOriginConfig")
    if vpc is None:
        return None
    path = f"{origin.path}.VpcOriginConfig"
    raw = _object(r, vpc, path).get("VpcOriginId")
    ref = _follow(r, raw, f"{path}.VpcOriginId")
    if not isinstance(ref, ResourceRef) or ref.type != VPC_ORIGIN:
        what = ref.description if isinstance(ref, ExternalRef) else f"{ref.logical_id} ({ref.type})"
        raise CannotVerify(
            f"{path}.VpcOriginId is {what}, no AWS::CloudFront::VpcOrigin of the app, so the "
            "protocol CloudFront uses to reach it cannot be verified",
            f"Properties.{path}.VpcOriginId",
        )
    if "Condition" in ref.resource:
        raise CannotVerify(
            f"the VPC origin {ref.logical_id} exists only under a condition",
            f"Properties.{path}.VpcOriginId",
        )
    endpoint = properties(ref.resource).get("VpcOriginEndpointConfig")
    if not isinstance(endpoint, Mapping):
        raise CannotVerify(
            f"the VPC origin {ref.logical_id} has no readable VpcOriginEndpointConfig",
            f"Properties.{path}.VpcOriginId",
        )
    return f"the VPC origin {ref.logical_id}", {
        key: _their(ref, value, f"VpcOriginEndpointConfig.{key}", f"{path}.VpcOriginId")
        for key, value in endpoint.items()
        if key in ("OriginProtocolPolicy", "OriginSSLProtocols")
    }


def _origin_protocol_problems(
    r: ResourceView,
    origin: _Origin,
    where: str,
    config: Mapping[str, Any],
    default_policy: str | None,
    path: str,
) -> Iterator[Problem]:
    own = path.endswith(("CustomOriginConfig", ".CustomOrigin"))  # else a VPC origin's
    policy_path = f"Properties.{path}.OriginProtocolPolicy" if own else f"Properties.{path}"
    protocols_path = f"Properties.{path}.OriginSSLProtocols" if own else f"Properties.{path}"
    raw_policy = config.get("OriginProtocolPolicy")
    policy = (
        default_policy
        if raw_policy is None
        else str(_value(r, raw_policy, f"{path}.OriginProtocolPolicy")).lower()
    )
    if policy == "http-only":
        yield Problem(
            f"{where} OriginProtocolPolicy is 'http-only': CloudFront forwards every request "
            "and response to the origin in clear text; use https-only",
            policy_path,
        )
        return
    if policy is None:
        yield Problem(
            f"{where} OriginProtocolPolicy is not set; use https-only", f"Properties.{path}"
        )
    elif policy == "match-viewer":
        plain = [b.label for b in _targeting(r, origin) if _viewer_policy(r, b) == "allow-all"]
        if plain:
            shown = "not set (match-viewer)" if raw_policy is None else "'match-viewer'"
            yield Problem(
                f"{where} OriginProtocolPolicy is {shown} and {', '.join(plain)} allows plain "
                "HTTP (allow-all), so CloudFront forwards those requests to the origin in "
                "clear text; use https-only",
                policy_path,
            )
    protocols_raw = config.get("OriginSSLProtocols")
    if protocols_raw is None:
        yield Problem(
            f"{where} OriginSSLProtocols is not set, so CloudFront uses "
            f"{list(DEFAULT_ORIGIN_SSL_PROTOCOLS)!r} and may reach the origin with SSLv3 or "
            "TLS 1.0; set ['TLSv1.2']",
            protocols_path,
        )
        return
    protocols = [
        str(_value(r, p, f"{path}.OriginSSLProtocols"))
        for p in _items(r, protocols_raw, f"{path}.OriginSSLProtocols")
    ]
    weak = [p for p in protocols if p in WEAK_ORIGIN_PROTOCOLS]
    if weak or not protocols:
        shown = ", ".join(weak) if weak else "nothing"
        yield Problem(
            f"{where} OriginSSLProtocols allows {shown}: protocols below TLS 1.2 are broken "
            "or deprecated; set ['TLSv1.2']",
            protocols_path,
        )


def _origins_https(r: ResourceView) -> Iterator[Problem]:
    deferred = Deferred()
    for origin in _origins(r):
        with deferred:
            if origin.custom_path is not None:
                config = (
                    origin.block
                    if origin.custom_path == origin.path
                    else _object(r, origin.block.get("CustomOriginConfig"), origin.custom_path)
                )
                where = f"{origin.custom_path} ({origin.label}):"
                yield from _origin_protocol_problems(
                    r, origin, where, config, None, origin.custom_path
                )
            vpc = _vpc_origin_config(r, origin)
            if vpc is not None:
                name, config = vpc
                where = f"{origin.path}.VpcOriginConfig ({origin.label}, {name}):"
                yield from _origin_protocol_problems(
                    r, origin, where, config, "match-viewer", f"{origin.path}.VpcOriginConfig"
                )
    deferred.raise_first()


# -- SC-CF-5 / SC-CF-6 S3 origins ------------------------------------------------------------


def _attributes_named(r: ResourceView, value: Any) -> Iterator[tuple[Mapping[str, Any], str]]:
    """``(resource, attribute)`` of every ``Fn::GetAtt`` inside *value* (imports followed)."""
    stack: list[tuple[Any, Mapping[str, Any], int]] = [(value, r.template.resources, 0)]
    while stack:
        item, resources, depth = stack.pop()
        if isinstance(item, list):
            stack.extend((x, resources, depth) for x in item)
        elif isinstance(item, Mapping):
            name = intrinsic_name(item)
            if name == "Fn::GetAtt":
                args = item["Fn::GetAtt"]
                parts = args.split(".", 1) if isinstance(args, str) else list(args)
                if len(parts) == 2 and isinstance(resources.get(parts[0]), Mapping):
                    yield resources[parts[0]], str(parts[1])
            elif name == "Fn::ImportValue" and depth < 4:
                export = r.app.exports.get(str(item["Fn::ImportValue"]))
                if export is not None:
                    stack.append((export[1], export[0].resources, depth + 1))
            else:
                stack.extend((x, resources, depth) for x in item.values())


def _domain_kind(r: ResourceView, domain: Any) -> str | None:
    """``"website"`` or ``"rest"`` when an origin's domain is an S3 endpoint, else None."""
    for resource, attribute in _attributes_named(r, domain):
        if resource.get("Type") == "AWS::S3::Bucket":
            if attribute == "WebsiteURL":
                return "website"
            if attribute in _BUCKET_REST_ATTRIBUTES:
                return "rest"
    for text in r.texts(domain) if domain is not None else []:
        shown = render(text, unknown="${?}")
        if _S3_WEBSITE.search(shown):
            return "website"
        if _S3_REST.search(shown):
            return "rest"
    return None


def _access_control(r: ResourceView, origin: _Origin) -> Iterator[Problem]:
    """Problems with the origin access control an S3 origin names (it must sign requests)."""
    raw = origin.block.get("OriginAccessControlId")
    path = f"{origin.path}.OriginAccessControlId"
    ref = _follow(r, raw, path)
    if not isinstance(ref, ResourceRef) or ref.type != ORIGIN_ACCESS_CONTROL:
        return  # an OAC of another app: its signing behaviour is its owner's to check
    config = properties(ref.resource).get("OriginAccessControlConfig")
    raw_signing = config.get("SigningBehavior") if isinstance(config, Mapping) else None
    signing = _their(ref, raw_signing, "SigningBehavior", path)
    if isinstance(signing, str) and signing.lower() == "never":
        yield Problem(
            f"{path}: the origin access control {ref.logical_id} has SigningBehavior 'never', "
            f"so CloudFront sends unsigned requests to {origin.label} and the bucket must "
            "be public; use 'always'",
            f"Properties.{path}",
        )


def _maybe_set(r: ResourceView, value: Any, path: str) -> tuple[set[bool], CannotVerify | None]:
    """Whether a property is set, as the answers it may give at deploy time, and why."""
    try:
        return {_is_set(r, value, path)}, None
    except CannotVerify as exc:
        return {True, False}, exc


@dataclass(frozen=True)
class _S3Access:
    """How CloudFront may read an S3 origin: ``oac``, ``oai``, ``anonymous``, ``website``."""

    kinds: frozenset[str]
    paths: Mapping[str, str]  # kind -> where it is set (below Properties)
    unknown: CannotVerify | None = None  # why more than one kind is possible

    def judge(self, kind: str) -> str | None:
        """The path if *kind* is certain; None if impossible; *cannot verify* if possible."""
        if kind not in self.kinds:
            return None
        if len(self.kinds) > 1 and self.unknown is not None:
            raise self.unknown
        return self.paths[kind]


def _s3_access(r: ResourceView, origin: _Origin) -> _S3Access | None:
    """How CloudFront reads an S3 origin; None if the origin is no S3 bucket."""
    legacy = origin.origin_id is None
    domain_key = "DNSName" if legacy else "DomainName"
    domain_path = f"{origin.path}.{domain_key}"
    kind = _domain_kind(r, origin.block.get(domain_key))
    if kind == "website":
        return _S3Access(frozenset({"website"}), {"website": domain_path})
    if legacy and not origin.path.endswith(".S3Origin"):
        return _S3Access(frozenset({"anonymous"}), {"anonymous": domain_path}) if kind else None
    s3_config = legacy or "S3OriginConfig" in origin.block
    if "VpcOriginConfig" in origin.block or not (s3_config or kind == "rest"):
        return None
    oac_path = f"{origin.path}.OriginAccessControlId"
    oac, oac_unknown = (
        ({False}, None)
        if legacy
        else _maybe_set(r, origin.block.get("OriginAccessControlId"), oac_path)
    )
    s3_path = origin.path if legacy else f"{origin.path}.S3OriginConfig"
    oai: set[bool] = {False}
    oai_unknown: CannotVerify | None = None
    if s3_config and False in oac:
        block = origin.block if legacy else _object(r, origin.block.get("S3OriginConfig"), s3_path)
        oai, oai_unknown = _maybe_set(
            r, block.get("OriginAccessIdentity"), f"{s3_path}.OriginAccessIdentity"
        )
    kinds = {"oac"} if True in oac else set()
    if False in oac:
        kinds |= {"oai"} if True in oai else set()
        kinds |= {"anonymous"} if False in oai else set()
    paths = {
        "oac": oac_path,
        "oai": f"{s3_path}.OriginAccessIdentity",
        "anonymous": s3_path if s3_config else domain_path,
    }
    return _S3Access(frozenset(kinds), paths, oac_unknown or oai_unknown)


def _s3_not_public(r: ResourceView) -> Iterator[Problem]:
    deferred = Deferred()
    for origin in _origins(r):
        with deferred:
            access = _s3_access(r, origin)
            if access is None:
                continue
            if (path := access.judge("website")) is not None:
                yield Problem(
                    f"{path} ({origin.label}) is an S3 website endpoint: website endpoints "
                    "serve only public buckets, over plain HTTP, so the content can be read "
                    "without CloudFront; use the bucket's REST endpoint with an origin access "
                    "control",
                    f"Properties.{path}",
                )
            if "oac" in access.kinds:
                yield from _access_control(r, origin)
            if (path := access.judge("anonymous")) is not None:
                yield Problem(
                    f"{path} ({origin.label}) reaches an S3 bucket without an origin access "
                    "control (OriginAccessControlId) or origin access identity, so CloudFront "
                    "reads it anonymously and the bucket must be public",
                    f"Properties.{path}",
                )
    deferred.raise_first()


def _no_legacy_identity(r: ResourceView) -> Iterator[Problem]:
    deferred = Deferred()
    for origin in _origins(r):
        with deferred:
            access = _s3_access(r, origin)
            path = access.judge("oai") if access is not None else None
            if path is not None:
                yield Problem(
                    f"{path} ({origin.label}) uses a legacy origin access identity, which "
                    "does not support SSE-KMS objects, dynamic requests (PUT, DELETE) or "
                    "Regions opened after December 2022; migrate to an origin access control",
                    f"Properties.{path}",
                )
    deferred.raise_first()


# -- SC-CF-7 bucket policies that let CloudFront read ----------------------------------------


_CLOUDFRONT_SERVICE = "cloudfront.amazonaws.com"


def _may_be_cloudfront(text: Text) -> bool | None:
    """Whether a principal text is CloudFront's service: True, False, or None (it may be)."""
    pattern = "".join(
        ".*"
        if isinstance(part, Placeholder) and part.kind == "unknown"
        else re.escape(part if isinstance(part, str) else part.render())
        for part in text
    )
    shown = render(text, unknown="")
    if shown.lower().startswith("cloudfront.") and not unknown_sources([text]):
        return True
    if re.fullmatch(pattern, _CLOUDFRONT_SERVICE, re.IGNORECASE | re.DOTALL):
        return None
    return False


def _grants_cloudfront(r: ResourceView, statement: Mapping[str, Any], what: str) -> bool:
    """Whether a statement's ``Principal`` names the CloudFront service principal."""
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping) or intrinsic_name(principal) is not None:
        return False
    services = {str(k).lower(): v for k, v in principal.items()}.get("service")
    for service in as_list(services):
        texts = r.texts(service)
        answers = [_may_be_cloudfront(text) for text in texts]
        if any(answer is True for answer in answers):
            return True
        if None in answers:
            source = (unknown_sources(texts) or [describe_intrinsic(service)])[0]
            raise CannotVerify(
                f"{what}.Principal.Service comes from {source}, which may be {_CLOUDFRONT_SERVICE}",
                f"Properties.{what}.Principal",
            )
    return False


def _cloudfront_grants_scoped(r: ResourceView) -> Iterator[Problem]:
    deferred = Deferred()
    where = "PolicyDocument"
    for i, statement in enumerate(statements(r.props.get("PolicyDocument"))):
        what = f"{where}.Statement[{i}]"
        with deferred:
            if effect(statement, r, what) != "Allow" or not _grants_cloudfront(r, statement, what):
                continue
            if not has_restricting_condition(statement, r, what):
                yield Problem(
                    f"{what} allows the service principal cloudfront.amazonaws.com without an "
                    "AWS:SourceArn (or AWS:SourceAccount) condition, so any CloudFront "
                    "distribution, of any AWS account, can read the bucket through an origin "
                    "access control",
                    f"Properties.{what}",
                )
    deferred.raise_first()


# -- SC-CF-8 WAF -----------------------------------------------------------------------------

_WAF = f"{_CONFIG}.WebACLId"


def _literal_web_acl(value: str) -> str | None:
    """Why a literal WebACLId does not protect a distribution, or None if it does."""
    if not value.strip():
        return f"{_WAF} is empty, so no WebACL filters requests"
    if ":wafv2:" in value and ":global/" not in value:
        return (
            f"{_WAF} is {value!r}, a regional WAFv2 WebACL; CloudFront needs one with scope "
            "CLOUDFRONT (global, in us-east-1)"
        )
    return None


def _waf(r: ResourceView) -> Iterator[Problem]:
    raw = _config(r).get("WebACLId")
    if raw is None:
        yield Problem(
            f"{_WAF} is not set, so no WAF filters common exploits, bad bots or floods before "
            "they reach the cache and the origins",
            f"Properties.{_WAF}",
        )
        return
    ref = _follow(r, raw, _WAF)
    if isinstance(ref, ResourceRef):
        if ref.type == "AWS::WAFv2::WebACL":
            scope = _their(ref, properties(ref.resource).get("Scope"), "Scope", _WAF)
            if str(scope).upper() != "CLOUDFRONT":
                yield Problem(
                    f"{_WAF} refers to the WebACL {ref.logical_id} with Scope {scope!r}; "
                    "CloudFront needs scope CLOUDFRONT",
                    f"Properties.{_WAF}",
                )
            elif "Condition" in ref.resource:
                raise CannotVerify(
                    f"the WebACL {ref.logical_id} exists only under a condition",
                    f"Properties.{_WAF}",
                )
        elif ref.type != "AWS::WAF::WebACL":  # WAF Classic (global) is still a WAF
            yield Problem(
                f"{_WAF} refers to {ref.logical_id} ({ref.type}), which is not a WebACL",
                f"Properties.{_WAF}",
            )
        return
    texts = r.texts(raw)
    if ref.literal is None and unknown_sources(texts):
        raise CannotVerify(
            f"{_WAF} comes from {unknown_sources(texts)[0]}, so whether a WebACL protects "
            "the distribution is only known at deploy time",
            f"Properties.{_WAF}",
        )
    reasons = {_literal_web_acl(render(text)) for text in texts}
    for reason in sorted(x for x in reasons if x is not None):
        yield Problem(reason, f"Properties.{_WAF}")


# -- SC-CF-9 access logs ---------------------------------------------------------------------


def _always_and_maybe(
    resource: Mapping[str, Any], found: Callable[[Mapping[str, Any]], set[ResourceKey]]
) -> tuple[set[ResourceKey], set[ResourceKey]]:
    """What ``found(properties)`` gives in every variant of a resource, and in some."""
    try:
        expanded = [variant for _choice, variant in resource_variants(resource)]
    except CannotVerify:
        expanded = [resource]
        sure_possible = False
    else:
        sure_possible = "Condition" not in resource
    per_variant = [found(properties(variant)) for variant in expanded]
    maybe: set[ResourceKey] = set()
    for keys in per_variant:
        maybe |= keys
    always = set.intersection(*per_variant) if sure_possible and per_variant else set()
    return always, maybe


def _log_deliveries(app: AppIndex) -> dict[ResourceKey, list[tuple[str, bool]]]:
    """Distribution -> the standard logging v2 deliveries of its access logs.

    An ``AWS::Logs::DeliverySource`` whose ``ResourceArn`` names the distribution (and whose
    ``LogType`` is ``ACCESS_LOGS`` or absent), delivered by an ``AWS::Logs::Delivery`` whose
    ``DeliverySourceName`` names that source (a ``Ref`` or its literal ``Name``). Entries
    are ``(description, always)``; ``always`` is False when either resource has a
    ``Condition`` or names its target only in some ``Fn::If`` branches.
    """
    sources: dict[ResourceKey, tuple[set[ResourceKey], set[ResourceKey]]] = {}
    names: dict[str, ResourceKey] = {}
    for tpl in app.templates:
        for lid in tpl.by_type.get(DELIVERY_SOURCE, ()):
            resource = tpl.resources[lid]
            name = properties(resource).get("Name")
            if isinstance(name, str):
                names.setdefault(name, (tpl.path, lid))

            def distributions(
                props: Mapping[str, Any], tpl: TemplateIndex = tpl
            ) -> set[ResourceKey]:
                kind = props.get("LogType")
                if kind is not None and not (isinstance(kind, str) and kind == "ACCESS_LOGS"):
                    return set()
                return {
                    ref.key
                    for ref in app.resources_mentioned(props.get("ResourceArn"), tpl)
                    if ref.type == DISTRIBUTION
                }

            sources[(tpl.path, lid)] = _always_and_maybe(resource, distributions)
    out: dict[ResourceKey, list[tuple[str, bool]]] = {}
    for tpl in app.templates:
        for lid in tpl.by_type.get(DELIVERY, ()):

            def named(props: Mapping[str, Any], tpl: TemplateIndex = tpl) -> set[ResourceKey]:
                if props.get("DeliveryDestinationArn") in (None, ""):
                    return set()
                value = props.get("DeliverySourceName")
                found = {
                    ref.key
                    for ref in app.resources_mentioned(value, tpl)
                    if ref.type == DELIVERY_SOURCE
                }
                if isinstance(value, str) and value in names:
                    found.add(names[value])
                return found

            always_sources, maybe_sources = _always_and_maybe(tpl.resources[lid], named)
            for source in maybe_sources:
                always_dists, maybe_dists = sources.get(source, (set(), set()))
                for dist in maybe_dists:
                    sure = source in always_sources and dist in always_dists
                    out.setdefault(dist, []).append((f"{source[1]} delivered by {lid}", sure))
    return out


def _access_logs(r: ResourceView) -> Iterator[Problem]:
    deliveries = app_cache(r.app, "cloudfront_log_deliveries", _log_deliveries).get(r.key, [])
    if any(always for _what, always in deliveries):
        return
    logging = _object(r, _config(r).get("Logging"), f"{_CONFIG}.Logging")
    if _is_set(r, logging.get("Bucket"), f"{_CONFIG}.Logging.Bucket"):
        return
    if deliveries:
        raise CannotVerify(
            f"{_CONFIG}.Logging.Bucket is not set and the standard logging v2 delivery "
            f"{deliveries[0][0]} covers the distribution only under some conditions",
            f"Properties.{_CONFIG}.Logging",
        )
    yield Problem(
        f"{_CONFIG}.Logging.Bucket is not set and no AWS::Logs::DeliverySource (standard "
        "logging v2) with an AWS::Logs::Delivery covers the distribution, so viewer "
        "requests leave no access log",
        f"Properties.{_CONFIG}.Logging",
    )


RULES = (
    Rule(
        id="SC-CF-1",
        title="CloudFront behaviours serve viewers over HTTPS only",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=(DISTRIBUTION,),
        rationale="ViewerProtocolPolicy allow-all serves the behaviour over plain HTTP: "
        "anyone on the path reads and changes pages, cookies and tokens. It also makes S3 "
        "origins and match-viewer origins plaintext, since CloudFront then forwards over "
        "HTTP too. CDK defaults to allow-all unless a feature flag says otherwise.",
        fix="Set viewer_protocol_policy=ViewerProtocolPolicy.REDIRECT_TO_HTTPS (or HTTPS_ONLY) "
        "in default_behavior and in every additional_behaviors entry of cloudfront.Distribution.",
        check=_viewer_https,
        fsbp=("CloudFront.3",),
        nist_800_53=("SC-8", "SC-23"),
        checkov=("CKV_AWS_34",),
    ),
    Rule(
        id="SC-CF-2",
        title="CloudFront custom certificates use a TLS 1.2+ security policy",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=(DISTRIBUTION,),
        rationale="The security policy decides the oldest TLS version and the ciphers viewers "
        "may use; only TLSv1.2_2021 and the 2025 policies refuse TLS 1.0/1.1 and CBC/SHA-1 "
        "suites; TLSv1.2_2018/2019 still offer the weak suites.",
        fix="Pass minimum_protocol_version=SecurityPolicyProtocol.TLS_V1_2_2021 (or "
        "TLS_V1_2_2025 / TLS_V1_3_2025) with certificate= and domain_names= to "
        "cloudfront.Distribution.",
        check=_viewer_tls,
        fsbp=("CloudFront.15",),
        nist_800_53=("SC-8", "SC-13"),
        cdk_nag=("AwsSolutions-CFR4",),
        checkov=("CKV_AWS_174",),
    ),
    Rule(
        id="SC-CF-3",
        title="CloudFront distributions serve a custom certificate, not *.cloudfront.net",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.WARNING,
        resource_types=(DISTRIBUTION,),
        rationale="With the default *.cloudfront.net certificate CloudFront applies the "
        "TLSv1 security policy whatever MinimumProtocolVersion says, so legacy clients "
        "negotiate TLS 1.0. A warning, not an error: the only fix is a domain of your own "
        "and a certificate for it, which a distribution without aliases cannot have; modern "
        "clients still negotiate TLS 1.2/1.3 and are protected against downgrade. With a "
        "custom certificate SC-CF-2 applies as an error.",
        fix="Serve the distribution on your domain: domain_names=['www.example.com'] and "
        "certificate=acm.Certificate(...) in us-east-1, with "
        "minimum_protocol_version=SecurityPolicyProtocol.TLS_V1_2_2021; or acknowledge the "
        "rule with a reason where the distribution has no custom domain.",
        check=_default_certificate,
        fsbp=("CloudFront.7",),
        nist_800_53=("SC-8", "SC-13"),
        cdk_nag=("AwsSolutions-CFR4",),
        checkov=("CKV_AWS_174",),
    ),
    Rule(
        id="SC-CF-4",
        title="CloudFront reaches custom and VPC origins over HTTPS with TLS 1.2",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=(DISTRIBUTION,),
        rationale="http-only, or match-viewer behind a behaviour that allows HTTP, carries "
        "requests and responses between the edge and the origin in clear text. "
        "OriginSSLProtocols defaults to TLSv1 and SSLv3 when absent (also on VPC origins, "
        "whose protocol policy defaults to match-viewer).",
        fix="Use origins.HttpOrigin / LoadBalancerV2Origin with "
        "protocol_policy=OriginProtocolPolicy.HTTPS_ONLY and "
        "origin_ssl_protocols=[OriginSslPolicy.TLS_V1_2] (the L2 defaults); for "
        "cloudfront.VpcOrigin set protocol_policy=OriginProtocolPolicy.HTTPS_ONLY.",
        check=_origins_https,
        fsbp=("CloudFront.9", "CloudFront.10"),
        nist_800_53=("SC-8", "SC-13"),
        cdk_nag=("AwsSolutions-CFR5",),
        checkov=("CKV2_AWS_72",),
    ),
    Rule(
        id="SC-CF-5",
        title="CloudFront S3 origins are private buckets behind origin access control",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=(DISTRIBUTION,),
        rationale="Without an origin access control (or identity) CloudFront reads the bucket "
        "anonymously, so the bucket must be public and anyone can bypass the distribution "
        "(its WAF, geo restrictions, signed URLs). An S3 website endpoint only serves public "
        "buckets, over HTTP; an origin access control that never signs is no control.",
        fix="Use origins.S3BucketOrigin.with_origin_access_control(bucket) on a bucket that "
        "blocks all public access; replace website-endpoint features (index documents, "
        "redirects) with default_root_object, error_responses or a CloudFront Function.",
        check=_s3_not_public,
        fsbp=("CloudFront.13",),
        nist_800_53=("AC-3", "AC-6"),
        cdk_nag=("AwsSolutions-CFR7",),
    ),
    Rule(
        id="SC-CF-6",
        title="CloudFront S3 origins use origin access control, not a legacy identity",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=(DISTRIBUTION,),
        rationale="An origin access identity keeps the bucket private, but it cannot read "
        "SSE-KMS objects, sign PUT/POST or work in Regions opened after 2022; AWS "
        "recommends migrating to origin access control.",
        fix="Replace S3BucketOrigin.with_origin_access_identity(bucket) (or the deprecated "
        "S3Origin) with S3BucketOrigin.with_origin_access_control(bucket).",
        check=_no_legacy_identity,
        fsbp=("CloudFront.13",),
        cdk_nag=("AwsSolutions-CFR7",),
    ),
    Rule(
        id="SC-CF-7",
        title="Bucket policies grant CloudFront only for named distributions",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=(BUCKET_POLICY,),
        rationale="An Allow for the service principal cloudfront.amazonaws.com without an "
        "AWS:SourceArn or AWS:SourceAccount condition lets any distribution of any AWS "
        "account read the bucket through its own origin access control: a confused deputy "
        "that makes the bucket public in effect.",
        fix="Let S3BucketOrigin.with_origin_access_control(bucket) write the policy (it "
        "conditions on AWS:SourceArn = the distribution ARN), or add conditions="
        "{'StringEquals': {'AWS:SourceArn': distribution.distribution_arn}} to each "
        "statement for ServicePrincipal('cloudfront.amazonaws.com').",
        check=_cloudfront_grants_scoped,
        nist_800_53=("AC-3", "AC-6"),
    ),
    Rule(
        id="SC-CF-8",
        title="CloudFront distributions are protected by a WAF",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=(DISTRIBUTION,),
        rationale="A WAFv2 WebACL with scope CLOUDFRONT stops common exploits, known bad "
        "inputs and floods at the edge, before they reach the cache or the origins.",
        fix="Pass web_acl_id=web_acl.attr_arn of a wafv2.CfnWebACL with scope='CLOUDFRONT' "
        "(deployed in us-east-1) to cloudfront.Distribution.",
        check=_waf,
        fsbp=("CloudFront.6",),
        nist_800_53=("SC-7", "SI-4"),
        cdk_nag=("AwsSolutions-CFR2",),
        checkov=("CKV_AWS_68",),
    ),
    Rule(
        id="SC-CF-9",
        title="CloudFront distributions write access logs",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=(DISTRIBUTION,),
        rationale="Access logs record every viewer request (client, path, status, TLS "
        "details, edge result): the evidence an investigation starts from. Standard logging "
        "to a bucket (Logging.Bucket) and standard logging v2 (an AWS::Logs::DeliverySource "
        "for the distribution with an AWS::Logs::Delivery) both count.",
        fix="Set enable_logging=True and log_bucket= on cloudfront.Distribution, or deliver "
        "v2 logs with logs.CfnDeliverySource(resource_arn=distribution.distribution_arn, "
        "log_type='ACCESS_LOGS') and a logs.CfnDelivery to a bucket or log group.",
        check=_access_logs,
        fsbp=("CloudFront.5",),
        nist_800_53=("AU-2", "AU-12"),
        cdk_nag=("AwsSolutions-CFR3",),
        checkov=("CKV_AWS_86",),
    ),
)
