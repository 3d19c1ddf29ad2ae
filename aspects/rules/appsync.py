"""AWS AppSync guardrails: request and field logs, real authorization, WAF, tracing, caches.

The rules read ``AWS::AppSync::GraphQLApi`` (what ``appsync.GraphqlApi`` synthesizes; its
default authorization is an API key) and ``AWS::AppSync::ApiCache``. ``Visibility`` PRIVATE
APIs are reachable only through interface VPC endpoints, so the WAF rule skips them.
"""

from __future__ import annotations

from collections.abc import Iterator

from aspects.index import ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import must_be_set, must_be_true, setting

API = "AWS::AppSync::GraphQLApi"
CACHE = "AWS::AppSync::ApiCache"
#: Field log levels that record resolver errors (NONE records no field-level entries).
FIELD_LOG_LEVELS = ("ERROR", "INFO", "DEBUG", "ALL")


def _logged(r: ResourceView) -> Iterator[Problem]:
    why = "requests, callers and resolver errors are not recorded in CloudWatch Logs"
    problems = list(must_be_set(r, "LogConfig.CloudWatchLogsRoleArn", why))
    if problems:
        yield from problems
        return
    raw = setting(r, "LogConfig.FieldLogLevel")
    level = "NONE" if raw is None else str(r.literal(raw, "LogConfig.FieldLogLevel"))
    if level.upper() not in FIELD_LOG_LEVELS:
        yield Problem(
            f"LogConfig.FieldLogLevel is {level!r}: resolver errors and the fields that "
            "failed are not logged; use ERROR (or ALL)",
            "Properties.LogConfig.FieldLogLevel",
        )


def _not_api_key_default(r: ResourceView) -> Iterator[Problem]:
    kind = str(r.literal(r.props.get("AuthenticationType"), "AuthenticationType"))
    if kind.upper() == "API_KEY":
        yield Problem(
            "AuthenticationType is 'API_KEY': every field without an auth directive is "
            "open to whoever holds the key, a static secret shipped in clients that cannot "
            "tell users apart",
            "Properties.AuthenticationType",
        )


def _is_public(r: ResourceView) -> bool:
    visibility = r.props.get("Visibility", "GLOBAL")
    return str(r.literal(visibility, "Visibility")).upper() != "PRIVATE"


def _waf_attached(r: ResourceView) -> Iterator[Problem]:
    if not _is_public(r):
        return
    associations = r.app.web_acl_associations.get(r.key, [])
    if not associations:
        yield Problem(
            "this public GraphQL API has no AWS::WAFv2::WebACLAssociation, so nothing "
            "filters injection attempts, bad bots or request floods before the resolvers",
            "WebACLAssociation",
        )
        return
    if any(not conditional and known for _lid, conditional, known in associations):
        return
    lid, conditional, _known = associations[0]
    if conditional:
        raise CannotVerify(
            f"the WebACL association {lid} exists only under a condition", "WebACLAssociation"
        )
    raise CannotVerify(
        f"the WebACL association {lid} attaches a WebACL that is not part of the app (a "
        "parameter, an import or a literal ARN), so whether its rules protect the API "
        "cannot be verified",
        "WebACLAssociation",
    )


def _traced(r: ResourceView) -> Iterator[Problem]:
    yield from must_be_true(
        r, "XrayEnabled", "requests cannot be followed through resolvers and data sources"
    )


def _cache_at_rest(r: ResourceView) -> Iterator[Problem]:
    yield from must_be_true(
        r, "AtRestEncryptionEnabled", "cached resolver responses are stored unencrypted"
    )


def _cache_in_transit(r: ResourceView) -> Iterator[Problem]:
    yield from must_be_true(
        r,
        "TransitEncryptionEnabled",
        "responses travel between AppSync and the cache nodes in plaintext",
    )


RULES = (
    Rule(
        id="SC-APPSYNC-1",
        title="AppSync APIs log requests and field-level errors",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=(API,),
        rationale="Without LogConfig (a role AppSync uses to write CloudWatch Logs) nothing "
        "records who called the API and how; with FieldLogLevel NONE, resolver errors and "
        "the fields that failed are missing. ERROR level is enough for investigations; ALL "
        "also logs resolver arguments and results (mind personal data).",
        fix="Set log_config=appsync.LogConfig(field_log_level=appsync.FieldLogLevel.ERROR, "
        "retention=logs.RetentionDays.ONE_YEAR) on appsync.GraphqlApi.",
        check=_logged,
        fsbp=("AppSync.2",),
        nist_800_53=("AU-2", "AU-12"),
        cdk_nag=("AwsSolutions-ASC3",),
        checkov=("CKV_AWS_193", "CKV_AWS_194"),
    ),
    Rule(
        id="SC-APPSYNC-2",
        title="AppSync APIs do not authorize by API key by default",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=(API,),
        rationale="An API key is a static secret shipped in every client: whoever copies it "
        "can call every field the default mode covers, and it cannot tell users apart. "
        "Cognito user pools, IAM, OIDC or a Lambda authorizer identify callers. A warning: "
        "a public read-only API may use a key on purpose (as an additional mode on "
        "@aws_api_key fields it is not flagged).",
        fix="Set authorization_config=appsync.AuthorizationConfig(default_authorization="
        "appsync.AuthorizationMode(authorization_type=appsync.AuthorizationType.USER_POOL "
        "(or IAM, OIDC, LAMBDA), ...)) on appsync.GraphqlApi.",
        check=_not_api_key_default,
        fsbp=("AppSync.5",),
        nist_800_53=("IA-2", "AC-3"),
    ),
    Rule(
        id="SC-APPSYNC-3",
        title="Public AppSync APIs are protected by a WAF",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=(API,),
        rationale="A GLOBAL GraphQL endpoint is reachable from the whole internet; a WAFv2 "
        "WebACL with managed rule groups and a rate-based rule stops injection attempts, "
        "known bad inputs and floods (GraphQL makes expensive queries cheap to send). "
        "PRIVATE APIs are not judged.",
        fix="Associate a regional WAFv2 WebACL: wafv2.CfnWebACLAssociation(resource_arn="
        "api.arn, web_acl_arn=web_acl.attr_arn), or create the API with "
        "visibility=appsync.Visibility.PRIVATE.",
        check=_waf_attached,
        nist_800_53=("SC-7", "SI-4"),
        checkov=("CKV2_AWS_33",),
    ),
    Rule(
        id="SC-APPSYNC-4",
        title="AppSync APIs trace requests with X-Ray",
        pillar=Pillar.DETECTION,
        severity=Severity.WARNING,
        resource_types=(API,),
        rationale="X-Ray traces follow a request through resolvers and data sources: they "
        "show which caller reached which backend. A warning: logs are the record, traces "
        "help the investigation.",
        fix="Set xray_enabled=True on appsync.GraphqlApi.",
        check=_traced,
        nist_800_53=("AU-12", "SI-4"),
        cdk_nag=("Serverless-AppSyncTracing",),
    ),
    Rule(
        id="SC-APPSYNC-5",
        title="AppSync API caches are encrypted at rest",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=(CACHE,),
        rationale="An API cache keeps resolver responses (often personal data) on cache "
        "nodes; AtRestEncryptionEnabled defaults to false and can only be set when the "
        "cache is created.",
        fix="Set at_rest_encryption_enabled=True on appsync.CfnApiCache.",
        check=_cache_at_rest,
        fsbp=("AppSync.1",),
        nist_800_53=("SC-28",),
    ),
    Rule(
        id="SC-APPSYNC-6",
        title="AppSync API caches are encrypted in transit",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=(CACHE,),
        rationale="TransitEncryptionEnabled defaults to false: responses then travel "
        "between AppSync and the cache in plaintext.",
        fix="Set transit_encryption_enabled=True on appsync.CfnApiCache.",
        check=_cache_in_transit,
        fsbp=("AppSync.6",),
        nist_800_53=("SC-8",),
    ),
)
