"""API Gateway guardrails: REST, HTTP and WebSocket APIs.

Methods and routes need an authorizer; stages write access logs (REST stages also execution
logs and X-Ray traces); public REST stages sit behind a WAF; stage caches are encrypted;
custom domain names refuse TLS below 1.2.

A REST *stage* is an ``AWS::ApiGateway::Stage`` or the stage an ``AWS::ApiGateway::Deployment``
creates when it names a ``StageName`` (its settings are then in ``StageDescription``; the
``Stage`` stage of SAM's OpenAPI 2.0 APIs is one). Methods defined in an OpenAPI ``Body``
(``SpecRestApi``, SAM's ``AWS::Serverless::Api`` and ``HttpApi``) are judged on the API.

``Fn::If``: the engine judges every combination of conditions; a setting secure in every
branch is compliant, one insecure in some branch is *cannot verify*. A WebACL association
under a condition does not count as protection.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
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
from aspects.rules._blocks import app_cache, must_be_set, must_be_true, setting
from aspects.values import as_list, dig, intrinsic_name, literal, properties, variants

METHOD = "AWS::ApiGateway::Method"
REST_API = "AWS::ApiGateway::RestApi"
STAGE = "AWS::ApiGateway::Stage"
DEPLOYMENT = "AWS::ApiGateway::Deployment"
DOMAIN_NAME = "AWS::ApiGateway::DomainName"
V2_API = "AWS::ApiGatewayV2::Api"
V2_ROUTE = "AWS::ApiGatewayV2::Route"
V2_STAGE = "AWS::ApiGatewayV2::Stage"
V2_DOMAIN_NAME = "AWS::ApiGatewayV2::DomainName"
WEB_ACL_ASSOCIATION = "AWS::WAFv2::WebACLAssociation"

#: Authorization types that make API Gateway authorize every call (REST methods).
REST_AUTHORIZATION = ("AWS_IAM", "COGNITO_USER_POOLS", "CUSTOM")
#: Authorization types that make API Gateway authorize every call (HTTP/WebSocket routes).
ROUTE_AUTHORIZATION = ("AWS_IAM", "JWT", "CUSTOM")
#: Execution logging levels that write logs (``OFF`` writes none).
LOGGING_LEVELS = ("INFO", "ERROR")

_REST_STAGES = (STAGE, DEPLOYMENT)
_OPENAPI_OPERATIONS = (
    "get",
    "put",
    "post",
    "delete",
    "patch",
    "head",
    "trace",
    "x-amazon-apigateway-any-method",
)
_AUTHORIZER_EXTENSIONS = ("x-amazon-apigateway-authtype", "x-amazon-apigateway-authorizer")
_STAGE_ARN = re.compile(r"/restapis/([^/]+)/stages/([^/]+)\Z")


# -- REST stages: an AWS::ApiGateway::Stage, or the one a Deployment's StageName creates ------


@dataclass(frozen=True)
class _RestStage:
    """Where a REST stage's settings are: ``""`` (a Stage) or ``"StageDescription."``."""

    prefix: str
    settings: Mapping[str, Any]

    @property
    def deployment(self) -> bool:
        return bool(self.prefix)


def _rest_stage(r: ResourceView) -> _RestStage | None:
    """The stage *r* is or creates; None for a Deployment that creates no stage."""
    if r.type == STAGE:
        return _RestStage("", r.props)
    if r.props.get("StageName") is None:
        return None
    raw = setting(r, "StageDescription")
    if raw is None:
        return _RestStage("StageDescription.", {})
    described = r.literal(raw, "StageDescription")
    if not isinstance(described, Mapping):
        raise CannotVerify(
            f"StageDescription is {described!r}, not an object", "Properties.StageDescription"
        )
    return _RestStage("StageDescription.", described)


@dataclass(frozen=True)
class _MethodSetting:
    index: int
    values: Mapping[str, Any]
    resource_path: str | None
    http_method: str | None

    @property
    def stage_wide(self) -> bool:
        return self.resource_path == "/*" and self.http_method == "*"

    @property
    def label(self) -> str:
        return f"{self.http_method} {self.resource_path}"


def _method_settings(r: ResourceView, stage: _RestStage) -> list[_MethodSetting]:
    where = f"{stage.prefix}MethodSettings"
    raw = stage.settings.get("MethodSettings")
    if raw is None:
        return []
    items = r.literal(raw, where)
    if not isinstance(items, list):
        raise CannotVerify(f"{where} is {items!r}, not a list", f"Properties.{where}")
    out: list[_MethodSetting] = []
    for i, item in enumerate(items):
        what = f"{where}[{i}]"
        if not isinstance(item, Mapping) or intrinsic_name(item) is not None:
            raise CannotVerify(f"{what} is {item!r}, not a method setting", f"Properties.{what}")
        path, method = item.get("ResourcePath"), item.get("HttpMethod")
        out.append(
            _MethodSetting(
                i,
                item,
                None if path is None else str(r.literal(path, f"{what}.ResourcePath")),
                None if method is None else str(r.literal(method, f"{what}.HttpMethod")),
            )
        )
    return out


def _stage_wide(r: ResourceView, stage: _RestStage, key: str) -> list[tuple[str, Any]]:
    """``(where, value)`` of a stage-wide setting: ``/*`` ``*`` entries, a Deployment's top."""
    found: list[tuple[str, Any]] = []
    if stage.deployment and key in stage.settings:
        found.append((f"{stage.prefix}{key}", stage.settings[key]))
    for entry in _method_settings(r, stage):
        if entry.stage_wide and key in entry.values:
            found.append((f"{stage.prefix}MethodSettings[{entry.index}].{key}", entry.values[key]))
    return found


# -- SC-APIGW-1: every method and route has an authorizer ------------------------------------


def _method_authorizer(r: ResourceView) -> Iterator[Problem]:
    raw = r.props.get("AuthorizationType", "NONE")  # CloudFormation's default
    if intrinsic_name(raw) is None and str(raw).upper() in REST_AUTHORIZATION:
        return
    method = str(r.literal(r.props.get("HttpMethod"), "HttpMethod")).upper()
    if method == "OPTIONS":
        return  # CORS preflight: browsers send it without credentials
    kind = str(r.literal(raw, "AuthorizationType"))
    if kind.upper() in REST_AUTHORIZATION:
        return
    api_key = r.props.get("ApiKeyRequired")
    key_note = (
        " (ApiKeyRequired only identifies a client for usage plans; it is not authorization)"
        if isinstance(api_key, bool | str) and str(api_key).lower() == "true"
        else ""
    )
    shown = f"{kind!r}" if "AuthorizationType" in r.props else "not set (AWS uses 'NONE')"
    yield Problem(
        f"AuthorizationType is {shown} on this {method} method: anyone who can reach the "
        f"API can call it{key_note}; use {', '.join(REST_AUTHORIZATION)}",
        "Properties.AuthorizationType",
    )


def _route_api(r: ResourceView) -> tuple[str | None, str]:
    """The protocol of the route's API (``HTTP``/``WEBSOCKET``, None if unknown) and why."""
    target = r.follow(r.props.get("ApiId"), "ApiId")
    if isinstance(target, ExternalRef):
        return None, f"its API is {target.description}"
    if target.type != V2_API:
        return None, f"ApiId names {target.logical_id}, a {target.type}"
    protocol = properties(target.resource).get("ProtocolType")
    value = literal(protocol, f"{target.logical_id}.ProtocolType")
    return str(value).upper(), ""


def _route_authorizer(r: ResourceView) -> Iterator[Problem]:
    raw = r.props.get("AuthorizationType", "NONE")
    if intrinsic_name(raw) is None and str(raw).upper() in ROUTE_AUTHORIZATION:
        return
    key = str(r.literal(r.props.get("RouteKey"), "RouteKey"))
    protocol, why = _route_api(r)
    if protocol is None:
        if key == "$disconnect" or key.upper().startswith("OPTIONS "):
            return
        if key != "$connect" and " " not in key:
            raise CannotVerify(
                f"the route {key!r} has no authorizer and {why}, so whether it is an HTTP "
                "route (which needs one) or a WebSocket route after $connect cannot be "
                "verified",
                "Properties.AuthorizationType",
            )
    elif protocol == "WEBSOCKET" and key != "$connect":
        return  # a WebSocket API authorizes the connection, on $connect only
    elif protocol != "WEBSOCKET" and key.upper().startswith("OPTIONS "):
        return  # CORS preflight
    kind = str(r.literal(raw, "AuthorizationType"))
    if kind.upper() in ROUTE_AUTHORIZATION:
        return
    shown = f"{kind!r}" if "AuthorizationType" in r.props else "not set (AWS uses 'NONE')"
    where = (
        "the $connect route, where a WebSocket API authorizes every connection"
        if key == "$connect"
        else f"the route {key!r}"
    )
    yield Problem(
        f"AuthorizationType is {shown} on {where}: anyone who can reach the API can call "
        f"it; use {', '.join(ROUTE_AUTHORIZATION)}",
        "Properties.AuthorizationType",
    )


def _definition(r: ResourceView) -> Mapping[str, Any] | None:
    """The OpenAPI definition in ``Body``; None if the API has none (methods are resources)."""
    if r.props.get("BodyS3Location") is not None:
        raise CannotVerify(
            "the OpenAPI definition is read from S3 (BodyS3Location) at deploy time, so "
            "whether its operations have authorizers cannot be verified; inline it (Body, "
            "ApiDefinition.from_inline) or define the methods as resources",
            "Properties.BodyS3Location",
        )
    raw = setting(r, "Body")
    if raw is None:
        return None
    body = r.literal(raw, "Body")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            raise CannotVerify(
                "Body is a string that is not JSON, so its operations cannot be read",
                "Properties.Body",
            ) from None
    if not isinstance(body, Mapping):
        raise CannotVerify(f"Body is {body!r}, not an OpenAPI object", "Properties.Body")
    return body


def _authorizer_schemes(body: Mapping[str, Any]) -> set[str]:
    """Security schemes that are API Gateway authorizers (IAM, Cognito, Lambda, JWT)."""
    found: set[str] = set()
    for schemes in (body.get("securityDefinitions"), dig(body, "components", "securitySchemes")):
        if not isinstance(schemes, Mapping):
            continue
        for name, scheme in schemes.items():
            if isinstance(scheme, Mapping) and any(k in scheme for k in _AUTHORIZER_EXTENSIONS):
                found.add(str(name))
    return found


def _operation_authorized(
    operation: Mapping[str, Any], default: Any, schemes: set[str], what: str
) -> bool:
    auth = operation.get("x-amazon-apigateway-auth")
    if isinstance(auth, Mapping) and str(literal(auth.get("type"), f"{what}.type")) == "AWS_IAM":
        return True
    security = operation.get("security", default)
    if intrinsic_name(security) is not None:
        literal(security, f"{what}.security")  # raises: only known at deploy time
    if not isinstance(security, list) or not security:
        return False
    # API Gateway applies every scheme the requirements name (it has no "either of"): SAM
    # writes [{api_key: []}, {MyAuthorizer: []}] for an API key on top of an authorizer.
    return any(
        isinstance(requirement, Mapping) and any(str(n) in schemes for n in requirement)
        for requirement in security
    )


def _definition_authorizers(r: ResourceView) -> Iterator[Problem]:
    if r.type == V2_API:
        protocol = str(r.literal(r.props.get("ProtocolType", "HTTP"), "ProtocolType")).upper()
        if r.props.get("Target") is not None and protocol == "HTTP":
            yield Problem(
                "Target makes this a quick-create HTTP API whose catch-all route has no "
                "authorizer: anyone who can reach the API can call it; define the routes "
                "(HttpApi with default_authorizer) instead",
                "Properties.Target",
            )
        if protocol != "HTTP":
            return
    body = _definition(r)
    if body is None:
        return
    paths = body.get("paths")
    if paths is None:
        return
    if not isinstance(paths, Mapping) or intrinsic_name(paths) is not None:
        raise CannotVerify("Body.paths is not an object that can be read", "Properties.Body")
    schemes = _authorizer_schemes(body)
    default = body.get("security")
    open_ops: list[str] = []
    for path, item in paths.items():
        if not isinstance(item, Mapping) or intrinsic_name(item) is not None:
            raise CannotVerify(f"Body.paths[{path!r}] is not an object", "Properties.Body")
        for name in _OPENAPI_OPERATIONS:
            operation = item.get(name)
            if operation is None:
                continue
            what = f"Body.paths[{path!r}].{name}"
            if not isinstance(operation, Mapping):
                raise CannotVerify(f"{what} is not an object", "Properties.Body")
            if not _operation_authorized(operation, default, schemes, what):
                verb = "ANY" if name.startswith("x-") else name.upper()
                open_ops.append(f"{verb} {path}")
    if open_ops:
        shown = ", ".join(open_ops[:5]) + (f" and {len(open_ops) - 5} more" if open_ops[5:] else "")
        yield Problem(
            f"the OpenAPI definition (Body) has operations without an authorizer: {shown}; "
            "give each a security requirement naming a scheme with "
            "x-amazon-apigateway-authtype or x-amazon-apigateway-authorizer",
            "Properties.Body.paths",
        )


def _authorizer(r: ResourceView) -> Iterator[Problem]:
    if r.type == METHOD:
        yield from _method_authorizer(r)
    elif r.type == V2_ROUTE:
        yield from _route_authorizer(r)
    else:
        yield from _definition_authorizers(r)


# -- SC-APIGW-2: access logs ------------------------------------------------------------------


def _access_logs(r: ResourceView) -> Iterator[Problem]:
    why = "requests to the API leave no record of who called what"
    if r.type == V2_API:
        if r.props.get("Target") is not None:
            yield Problem(
                "Target makes this a quick-create HTTP API whose $default stage has no "
                f"access log settings: {why}; create an HttpStage with access_log_settings",
                "Properties.Target",
            )
        return
    if r.type == V2_STAGE:
        block = "AccessLogSettings"
    else:
        stage = _rest_stage(r)
        if stage is None:
            return
        block = f"{stage.prefix}AccessLogSetting"
        if stage.deployment:
            why += (
                " (this is the stage the Deployment's StageName creates; SAM makes one named "
                "'Stage' unless OpenApiVersion is set)"
            )
    problems = list(must_be_set(r, f"{block}.DestinationArn", why))
    yield from problems
    if not problems:
        yield from must_be_set(
            r, f"{block}.Format", "API Gateway needs a format to write access log entries"
        )


# -- SC-APIGW-3: REST execution logging -------------------------------------------------------


def _execution_logging(r: ResourceView) -> Iterator[Problem]:
    stage = _rest_stage(r)
    if stage is None:
        return
    levels = _stage_wide(r, stage, "LoggingLevel")
    if not levels:
        yield Problem(
            f"{stage.prefix}MethodSettings has no LoggingLevel for ResourcePath '/*' and "
            "HttpMethod '*' (the default is OFF), so the stage writes no execution logs of "
            f"integration and authorizer errors; use {' or '.join(LOGGING_LEVELS)}",
            f"Properties.{stage.prefix}MethodSettings",
        )
    for where, value in levels:
        level = str(r.literal(value, where))
        if level.upper() not in LOGGING_LEVELS:
            yield Problem(
                f"{where} is {level!r}, so the stage writes no execution logs; use "
                f"{' or '.join(LOGGING_LEVELS)}",
                f"Properties.{where}",
            )
    for entry in _method_settings(r, stage):
        if entry.stage_wide or "LoggingLevel" not in entry.values:
            continue
        where = f"{stage.prefix}MethodSettings[{entry.index}].LoggingLevel"
        level = str(r.literal(entry.values["LoggingLevel"], where))
        if level.upper() not in LOGGING_LEVELS:
            yield Problem(
                f"{where} is {level!r}, which turns execution logging off for {entry.label}",
                f"Properties.{where}",
            )


# -- SC-APIGW-4: X-Ray ------------------------------------------------------------------------


def _tracing(r: ResourceView) -> Iterator[Problem]:
    stage = _rest_stage(r)
    if stage is not None:
        yield from must_be_true(
            r,
            f"{stage.prefix}TracingEnabled",
            "requests are not traced through API Gateway and its integrations",
        )


# -- SC-APIGW-5: WAF in front of public REST stages --------------------------------------------


@dataclass(frozen=True)
class _Ref:
    """A ``Ref``/``Fn::GetAtt`` inside an ARN expression, with the template it belongs to."""

    template: TemplateIndex
    logical_id: str
    attribute: str | None


_Piece = str | _Ref | None  # None: a part only known at deploy time


def _arn_pieces(app: AppIndex, tpl: TemplateIndex, value: Any, depth: int = 0) -> list[_Piece]:
    """An ARN expression as literal text and references, imports of the app followed."""
    if depth > 8:
        return [None]
    if isinstance(value, str):
        return [value]
    name = intrinsic_name(value)
    args = value[name] if name is not None else None
    if name == "Ref" and isinstance(args, str):
        if args in tpl.resources:
            return [_Ref(tpl, args, None)]
        return ["${" + args + "}"] if args.startswith("AWS::") else [None]
    if name == "Fn::GetAtt":
        parts = args.split(".", 1) if isinstance(args, str) else as_list(args)
        if len(parts) == 2 and isinstance(parts[0], str) and parts[0] in tpl.resources:
            return [_Ref(tpl, parts[0], str(parts[1]))]
        return [None]
    if name == "Fn::Join" and isinstance(args, list) and len(args) == 2:
        separator, items = args
        if isinstance(separator, str) and isinstance(items, list):
            out: list[_Piece] = []
            for i, item in enumerate(items):
                if i:
                    out.append(separator)
                out.extend(_arn_pieces(app, tpl, item, depth + 1))
            return out
    if name == "Fn::Sub":
        return _sub_pieces(app, tpl, args, depth)
    if name == "Fn::ImportValue" and isinstance(args, str) and args in app.exports:
        source, exported = app.exports[args]
        return _arn_pieces(app, source, exported, depth + 1)
    return [None]


def _sub_pieces(app: AppIndex, tpl: TemplateIndex, args: Any, depth: int) -> list[_Piece]:
    if isinstance(args, str):
        text, names = args, {}
    elif isinstance(args, list) and len(args) == 2:
        text, names = args
    else:
        return [None]
    if not isinstance(text, str) or not isinstance(names, Mapping):
        return [None]
    out: list[_Piece] = []
    position = 0
    for match in re.finditer(r"\$\{([^}]*)\}", text):
        out.append(text[position : match.start()])
        position = match.end()
        var = match.group(1)
        if var.startswith("!"):
            out.append("${" + var[1:] + "}")
        elif var in names:
            out.extend(_arn_pieces(app, tpl, names[var], depth + 1))
        elif "." in var:
            out.extend(_arn_pieces(app, tpl, {"Fn::GetAtt": var.split(".", 1)}, depth + 1))
        else:
            out.extend(_arn_pieces(app, tpl, {"Ref": var}, depth + 1))
    out.append(text[position:])
    return out


def _stage_names(app: AppIndex) -> dict[tuple[ResourceKey, str], ResourceKey]:
    """``(RestApi, literal stage name)`` -> the Stage or Deployment that creates that stage."""
    out: dict[tuple[ResourceKey, str], ResourceKey] = {}
    for tpl in app.templates:
        for resource_type in _REST_STAGES:
            for logical_id in tpl.by_type.get(resource_type, ()):
                props = properties(tpl.resources[logical_id])
                name = props.get("StageName")
                if not isinstance(name, str):
                    continue
                try:
                    api = app.follow(props.get("RestApiId"), tpl, "RestApiId")
                except (CannotVerify, TypeError, ValueError, KeyError, IndexError):
                    continue  # a stage whose API is unknown cannot be named by name
                if isinstance(api, ResourceRef):
                    out.setdefault((api.key, name), (tpl.path, logical_id))
    return out


def _stages_named(
    app: AppIndex, names: Mapping[tuple[ResourceKey, str], ResourceKey], pieces: list[_Piece]
) -> set[ResourceKey]:
    """The REST stages of the app a stage ARN (as pieces) names."""
    refs: list[_Ref] = []
    text = ""
    for piece in pieces:
        if isinstance(piece, _Ref):
            text += f"\x00{len(refs)}\x00"
            refs.append(piece)
        else:
            text += "\x01" if piece is None else piece.replace("\x00", "").replace("\x01", "")
    match = _STAGE_ARN.search(text)
    if match is None:
        return set()
    api_part, stage_part = match.groups()
    api = _token(api_part, refs)
    if api is None or api.attribute not in (None, "RestApiId"):
        return set()
    api_key = (api.template.path, api.logical_id)
    stage = _token(stage_part, refs)
    if stage is not None:
        resource = stage.template.resources.get(stage.logical_id) or {}
        if stage.attribute is None and resource.get("Type") == STAGE:
            return {(stage.template.path, stage.logical_id)}
        return set()
    if "\x00" in stage_part or "\x01" in stage_part:
        return set()
    found = names.get((api_key, stage_part))
    return {found} if found is not None else set()


def _token(part: str, refs: list[_Ref]) -> _Ref | None:
    if len(part) > 2 and part[0] == part[-1] == "\x00" and part[1:-1].isdigit():
        return refs[int(part[1:-1])]
    return None


def _stage_web_acls(app: AppIndex) -> dict[ResourceKey, list[tuple[str, bool, bool]]]:
    """REST stage -> its WebACLAssociations ``(logical id, conditional?, WebACL of the app?)``.

    The stage ARN CDK writes (``Fn::Join`` of the RestApi's and the stage's ``Ref``) names
    two resources, which the app-wide relation does not follow; here the ARN is read as
    ``.../restapis/<api>/stages/<stage>`` with the stage given by ``Ref`` or by its name.
    An association with a ``Condition``, or naming the stage only in some ``Fn::If``
    branches, is conditional.
    """
    names = _stage_names(app)
    out: dict[ResourceKey, list[tuple[str, bool, bool]]] = defaultdict(list)
    for tpl in app.templates:
        for logical_id in tpl.by_type.get(WEB_ACL_ASSOCIATION, ()):
            resource = tpl.resources[logical_id]
            try:
                expanded = [props for _c, props in variants(resource)]
            except CannotVerify:
                expanded = [resource]
            per_variant = [
                _stages_named(app, names, _arn_pieces(app, tpl, properties(v).get("ResourceArn")))
                for v in expanded
            ]
            always = set.intersection(*per_variant) if "Condition" not in resource else set()
            acls = list(app.resources_mentioned(properties(resource).get("WebACLArn"), tpl))
            known = bool(acls) and all(acl.type == "AWS::WAFv2::WebACL" for acl in acls)
            for key in set.union(*per_variant):
                out[key].append((logical_id, key not in always, known))
    return out


def _endpoint_types(r: ResourceView) -> list[str] | None:
    """The endpoint types of the stage's RestApi (``EDGE`` when not set); None if unknown."""
    api = r.follow(r.props.get("RestApiId"), "RestApiId")
    if not isinstance(api, ResourceRef) or api.type != REST_API:
        return None
    props = properties(api.resource)
    types = dig(props, "EndpointConfiguration", "Types")
    what = f"{api.logical_id}.EndpointConfiguration.Types"
    if types is None and props.get("EndpointConfiguration") is None:
        imported = dig(props, "Parameters", "endpointConfigurationTypes")  # with a Body
        if imported is not None:
            where = f"{api.logical_id}.Parameters.endpointConfigurationTypes"
            return [str(literal(imported, where, parameters=api.template.parameters)).upper()]
        return ["EDGE"]  # CloudFormation's default
    parameters = api.template.parameters
    values = literal(types, what, parameters=parameters)
    chosen = [str(literal(v, what, parameters=parameters)).upper() for v in as_list(values)]
    return chosen or ["EDGE"]


def _waf(r: ResourceView) -> Iterator[Problem]:
    if _rest_stage(r) is None:
        return
    types = _endpoint_types(r)
    if types is not None and "PRIVATE" in types:
        return
    associations = app_cache(r.app, "apigateway_stage_web_acls", _stage_web_acls).get(r.key, [])
    if any(not conditional and known for _lid, conditional, known in associations):
        return
    if associations:
        lid, conditional, _known = associations[0]
        if conditional:
            raise CannotVerify(
                f"the WebACL association {lid} names this stage only under a condition",
                "WebACLAssociation",
            )
        raise CannotVerify(
            f"the WebACL association {lid} attaches a WebACL that is not part of the app (a "
            "parameter, an import or a literal ARN), so whether its rules stop common "
            "exploits cannot be verified",
            "WebACLAssociation",
        )
    if types is None:
        raise CannotVerify(
            "the stage's RestApi is not a resource of the app, so whether it is a PRIVATE "
            "API (which needs no WAF) cannot be verified, and no WebACL association names "
            "the stage",
            "Properties.RestApiId",
        )
    yield Problem(
        f"this stage of a REST API with endpoint type {'/'.join(types)} is reachable from the "
        "internet and no "
        "AWS::WAFv2::WebACLAssociation names it, so nothing filters common exploits, bad "
        "bots or floods before they reach the integrations",
        "WebACLAssociation",
    )


# -- SC-APIGW-6: cache encryption ---------------------------------------------------------------


def _true(r: ResourceView, value: Any, where: str) -> bool:
    return value is not None and r.bool(value, where)


def _cache_encrypted(r: ResourceView) -> Iterator[Problem]:
    stage = _rest_stage(r)
    if stage is None:
        return
    cluster = f"{stage.prefix}CacheClusterEnabled"
    if not _true(r, stage.settings.get("CacheClusterEnabled"), cluster):
        return  # no cache cluster: nothing is stored
    caching = _stage_wide(r, stage, "CachingEnabled")
    # With a cache cluster, API Gateway caches GET methods unless caching is turned off.
    cached = not caching or any(r.bool(value, where) for where, value in caching)
    encrypted = any(r.bool(v, w) for w, v in _stage_wide(r, stage, "CacheDataEncrypted"))
    if cached and not encrypted:
        yield Problem(
            f"{cluster} is true but CacheDataEncrypted is not true for ResourcePath '/*' and "
            "HttpMethod '*', so cached responses (GET methods by default) are stored "
            "unencrypted",
            f"Properties.{stage.prefix}MethodSettings",
        )
    for entry in _method_settings(r, stage):
        where = f"{stage.prefix}MethodSettings[{entry.index}]"
        if entry.stage_wide or not _true(r, entry.values.get("CachingEnabled"), where):
            continue
        if not _true(r, entry.values.get("CacheDataEncrypted"), f"{where}.CacheDataEncrypted"):
            yield Problem(
                f"{where} turns caching on for {entry.label} without CacheDataEncrypted true, "
                "so those responses are stored unencrypted",
                f"Properties.{where}.CacheDataEncrypted",
            )


# -- SC-APIGW-7: TLS 1.2+ on custom domain names --------------------------------------------------


def _domain_tls(r: ResourceView) -> Iterator[Problem]:
    why = "clients may connect with TLS 1.0 or 1.1 and their weak ciphers"
    if r.type == DOMAIN_NAME:
        yield from _policy(r, r.props.get("SecurityPolicy"), "SecurityPolicy", "TLS_1_0", why)
        return
    raw = setting(r, "DomainNameConfigurations")
    configurations = [] if raw is None else as_list(r.literal(raw, "DomainNameConfigurations"))
    for i, item in enumerate(configurations):
        what = f"DomainNameConfigurations[{i}]"
        if not isinstance(item, Mapping) or intrinsic_name(item) is not None:
            raise CannotVerify(f"{what} is {item!r}, not a configuration", f"Properties.{what}")
        # API Gateway v2 applies TLS_1_2 when no policy is named (HTTP and WebSocket APIs
        # support no other); the allow-list still decides whether that is enough.
        yield from _policy(r, item.get("SecurityPolicy"), f"{what}.SecurityPolicy", "TLS_1_2", why)


def _policy(r: ResourceView, value: Any, what: str, default: str, why: str) -> Iterator[Problem]:
    allowed = r.settings.apigateway_tls_policy_prefixes
    if value is None:
        if not default.startswith(allowed):
            yield Problem(
                f"{what} is not set, so API Gateway uses {default!r}: {why}; use a policy "
                f"starting with {' or '.join(allowed)}",
                f"Properties.{what}",
            )
        return
    chosen = str(r.literal(value, what))
    if not chosen.startswith(allowed):
        yield Problem(
            f"{what} is {chosen!r}: {why}; use a policy starting with {' or '.join(allowed)}",
            f"Properties.{what}",
        )


RULES = (
    Rule(
        id="SC-APIGW-1",
        title="API methods and routes require an authorizer",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=(METHOD, V2_ROUTE, REST_API, V2_API),
        rationale="A method or route with AuthorizationType NONE lets anyone who can reach "
        "the endpoint invoke the integration behind it (a Lambda function, a table, a "
        "backend). IAM, Cognito user pools, Lambda (custom) and JWT authorizers make API "
        "Gateway check every call before it reaches the backend. OPTIONS methods (CORS "
        "preflight) are not judged; WebSocket APIs are judged on their $connect route; "
        "operations of an inline OpenAPI definition (SpecRestApi, SAM) need a security "
        "requirement naming an API Gateway authorizer.",
        fix="Set default_method_options=MethodOptions(authorization_type=AuthorizationType."
        "IAM) or an authorizer (CognitoUserPoolsAuthorizer, TokenAuthorizer, "
        "RequestAuthorizer) on RestApi/LambdaRestApi; default_authorizer=HttpIamAuthorizer()"
        " (or HttpJwtAuthorizer, HttpLambdaAuthorizer, HttpUserPoolAuthorizer) on HttpApi; "
        "authorizer=WebSocketIamAuthorizer() (or WebSocketLambdaAuthorizer) in the "
        "WebSocketApi connect_route_options. For an endpoint that is public on purpose, "
        "acknowledge it with a reason: acknowledge(method, 'SC-APIGW-1', '<why it is "
        "public>').",
        check=_authorizer,
        fsbp=("APIGateway.8",),
        nist_800_53=("AC-3", "IA-2"),
        cdk_nag=("AwsSolutions-APIG4",),
        checkov=("CKV_AWS_59", "CKV_AWS_309"),
    ),
    Rule(
        id="SC-APIGW-2",
        title="API stages write access logs",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=(STAGE, DEPLOYMENT, V2_STAGE, V2_API),
        rationale="Access logs record every request (caller, source IP, route, status, "
        "latency): the evidence an investigation of API abuse starts from. The log group "
        "they go to is judged by the SC-LOGS rules (encrypted, retained).",
        fix="Set deploy_options=StageOptions(access_log_destination=LogGroupLogDestination("
        "log_group), access_log_format=AccessLogFormat.json_with_standard_fields(...)) on "
        "RestApi; for HTTP and WebSocket APIs create the stage (HttpApi(create_default_stage="
        "False) plus HttpStage, or WebSocketStage) with access_log_settings whose "
        "destination is apigatewayv2.LogGroupLogDestination(log_group).",
        check=_access_logs,
        fsbp=("APIGateway.9",),
        nist_800_53=("AU-2", "AU-12"),
        cdk_nag=("AwsSolutions-APIG1",),
        checkov=("CKV_AWS_76",),
    ),
    Rule(
        id="SC-APIGW-3",
        title="REST API stages write execution logs for all methods",
        pillar=Pillar.DETECTION,
        severity=Severity.WARNING,
        resource_types=_REST_STAGES,
        rationale="Execution logs record what API Gateway did with a request (authorizer "
        "decisions, integration errors, throttling): what explains a failure or an attack "
        "the access log only shows. ERROR is enough; INFO adds more detail.",
        fix="Set logging_level=MethodLoggingLevel.ERROR (or INFO) in the StageOptions "
        "(deploy_options) of the RestApi, and do not turn it OFF in method_options. The "
        "account needs the API Gateway CloudWatch role (RestApi(cloud_watch_role=True) or "
        "an AWS::ApiGateway::Account).",
        check=_execution_logging,
        fsbp=("APIGateway.1",),
        nist_800_53=("AU-2", "AU-12"),
        cdk_nag=("AwsSolutions-APIG6", "NIST.800.53.R5-APIGWExecutionLoggingEnabled"),
        checkov=("CKV2_AWS_4",),
    ),
    Rule(
        id="SC-APIGW-4",
        title="REST API stages trace requests with X-Ray",
        pillar=Pillar.DETECTION,
        severity=Severity.WARNING,
        resource_types=_REST_STAGES,
        rationale="X-Ray traces follow a request through API Gateway into its integrations, "
        "showing where it went and what it called.",
        fix="Set tracing_enabled=True in the StageOptions (deploy_options) of the RestApi.",
        check=_tracing,
        fsbp=("APIGateway.3",),
        nist_800_53=("AU-12", "SI-4"),
        cdk_nag=("HIPAA.Security-APIGWXrayEnabled",),
        checkov=("CKV_AWS_73",),
    ),
    Rule(
        id="SC-APIGW-5",
        title="Public REST API stages are protected by a WAF",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=_REST_STAGES,
        rationale="A REGIONAL or EDGE REST API is reachable from the whole internet; a WAFv2 "
        "WebACL with managed rule groups stops common exploits, known bad inputs and floods "
        "before they reach the integrations. PRIVATE APIs (reachable only through VPC "
        "endpoints) are not judged.",
        fix="Associate a regional WAFv2 WebACL with the stage: CfnWebACLAssociation("
        "resource_arn=api.deployment_stage.stage_arn, web_acl_arn=web_acl.attr_arn). Where "
        "a CloudFront distribution with its own WebACL is the only way in, acknowledge "
        "SC-APIGW-5 on the stage with that reason.",
        check=_waf,
        fsbp=("APIGateway.4",),
        nist_800_53=("SC-7", "SI-4"),
        cdk_nag=("AwsSolutions-APIG3", "NIST.800.53.R5-APIGWAssociatedWithWAF"),
        checkov=("CKV2_AWS_29",),
    ),
    Rule(
        id="SC-APIGW-6",
        title="REST API stage caches are encrypted",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=_REST_STAGES,
        rationale="With a cache cluster, API Gateway stores responses (GET methods by "
        "default) on disk; they hold whatever the backend returned. Without "
        "CacheDataEncrypted they are stored in clear.",
        fix="With cache_cluster_enabled=True, set cache_data_encrypted=True in the "
        "StageOptions (deploy_options) and in every MethodDeploymentOptions of "
        "method_options that sets caching_enabled=True.",
        check=_cache_encrypted,
        fsbp=("APIGateway.5",),
        nist_800_53=("SC-28",),
        cdk_nag=("NIST.800.53.R5-APIGWCacheEnabledAndEncrypted",),
        checkov=("CKV_AWS_308",),
    ),
    Rule(
        id="SC-APIGW-7",
        title="API custom domain names allow only TLS 1.2 and newer",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=(DOMAIN_NAME, V2_DOMAIN_NAME),
        rationale="A REST API custom domain without a SecurityPolicy gets CloudFormation's "
        "TLS_1_0, which accepts TLS 1.0 and 1.1 and their weak ciphers. The accepted "
        "policies are Thresholds.apigateway_tls_policy_prefixes (TLS_1_2 and the enhanced "
        "SecurityPolicy_TLS13_* / SecurityPolicy_TLS12_* families).",
        fix="Set security_policy=SecurityPolicy.TLS_1_2 (or an enhanced TLS 1.3 policy such "
        "as SecurityPolicy.TLS13_1_3_2025_09) on apigateway.DomainName; do not choose "
        "SecurityPolicy.TLS_1_0 on apigatewayv2.DomainName.",
        check=_domain_tls,
        nist_800_53=("SC-8", "SC-13"),
        checkov=("CKV_AWS_206",),
    ),
)
