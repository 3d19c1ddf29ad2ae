"""Checks shared by several services: IAM policy documents, KMS key references, retention."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from aspects.index import ExternalRef, ResourceRef, ResourceView, TemplateIndex
from aspects.model import CannotVerify, Problem
from aspects.resolve import (
    Placeholder,
    Text,
    literal_text,
    may_be_exactly,
    render,
    unknown_sources,
)
from aspects.values import as_list, describe_intrinsic, intrinsic_name, properties

#: Condition keys that narrow who can use an ``Allow`` to ``*`` (compared lower-case).
RESTRICTING_CONDITION_KEYS = frozenset(
    {
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourceowner",
        "aws:sourceorgid",
        "aws:sourceorgpaths",
        "aws:sourcevpc",
        "aws:sourcevpce",
        "aws:sourceip",
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "kms:calleraccount",
    }
)


# -- policy documents ----------------------------------------------------------------------


def statements(document: Any) -> list[Mapping[str, Any]]:
    """The statements of a policy document (``Statement`` may be one or a list).

    Fails closed: a document, a ``Statement`` or a statement that is an intrinsic function
    (a parameter, an import, ``Fn::FindInMap``...) becomes a statement whose ``Effect`` is
    that expression, so every rule that asks :func:`effect` gets *cannot verify* for it
    instead of skipping what it might grant.
    """
    if document is None:
        return []
    if intrinsic_name(document) is not None or not isinstance(document, Mapping):
        return [{"Effect": _opaque(document)}]
    raw = document.get("Statement")
    if intrinsic_name(raw) is not None:
        return [{"Effect": raw}]
    return [
        item
        if isinstance(item, Mapping) and intrinsic_name(item) is None
        else {"Effect": _opaque(item)}
        for item in as_list(raw)
    ]


def _opaque(value: Any) -> Any:
    """An unreadable statement as an expression :func:`effect` cannot resolve."""
    return value if intrinsic_name(value) is not None else {"Fn::NotAStatement": [value]}


def _lower_keys(value: Any) -> Any:
    return {str(k).lower(): v for k, v in value.items()} if isinstance(value, Mapping) else {}


def principal_is_everyone(statement: Mapping[str, Any], view: ResourceView, what: str) -> bool:
    """Whether ``Principal`` is ``*`` / ``{AWS: "*"}`` (or ``NotPrincipal`` is used).

    Fails closed: a principal that may be ``*`` at deploy time (a parameter, an import, an
    ``Fn::Sub``/``Fn::Join``/``Fn::Select``/``Fn::FindInMap`` that may give ``*``) raises
    :class:`CannotVerify`; an ARN built around a parameter (``arn:aws:iam::${P}:root``)
    cannot be ``*`` and is not everyone.
    """
    if "NotPrincipal" in statement:
        return True
    stack = [statement.get("Principal")]
    deferred = Deferred()
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, Mapping) and intrinsic_name(item) is None:
            stack.extend(item.values())
        else:
            with deferred:
                if may_be_wildcard(view, item, f"{what}.Principal"):
                    return True
    deferred.raise_first()
    return False


def has_restricting_condition(
    statement: Mapping[str, Any], view: ResourceView | None = None, what: str = "Statement"
) -> bool:
    """A positive condition on a key that narrows the caller (account, org, source...).

    Negated operators (``StringNotEquals``...) and ``...IfExists`` do not count: they let
    a caller without the key through. With *view*, a condition value that may be ``*`` at
    deploy time (a parameter, an import...) raises :class:`CannotVerify`.
    """
    for operator, clauses in _lower_keys(statement.get("Condition")).items():
        # Negations, ...IfExists, Null and ForAllValues (true of a request without the key)
        # let a caller through that does not carry the key at all.
        if (
            "not" in operator
            or operator.endswith("ifexists")
            or operator == "null"
            or operator.startswith("forallvalues:")
        ):
            continue
        for key, value in _lower_keys(clauses).items():
            if key not in RESTRICTING_CONDITION_KEYS:
                continue
            items = as_list(value)
            if any(_matches_everyone(key, item) for item in items):
                continue
            if view is not None:
                where = f"{what}.Condition.{key}"
                if not any(may_be_wildcard(view, item, where) for item in items):
                    return True
            elif "*" not in items:
                return True
    return False


_ANY_ADDRESS = frozenset({"0.0.0.0/0", "::/0"})


def _wild(text: str) -> bool:
    return "*" in text or "?" in text


def matches_any_account(key: str, text: str) -> bool:
    """Whether a condition value (as text) names no one account, org or source.

    The one test behind every caller restriction (open policies, trust policies, the
    confused deputy). An ARN names an account in its fifth field, which must hold no
    wildcard; an ARN without one (S3) names a bucket any account may create, so it must hold
    no wildcard at all. An organization path must name its organization; any other value
    (an account id, an org id, a VPC endpoint, an encryption context) must be exact.
    """
    if key in ("aws:sourceorgpaths", "aws:principalorgpaths"):
        return _wild(text.split("/", 1)[0])
    parts = text.split(":", 5)
    if text.startswith("arn:") and len(parts) == 6 and parts[4]:
        return _wild(parts[4])
    return _wild(text)


def _matches_everyone(key: str, value: Any) -> bool:
    """A condition value that narrows nothing: any address, any account, org or source."""
    if not isinstance(value, str):
        return False
    if key == "aws:sourceip":
        return value.strip() in _ANY_ADDRESS
    return matches_any_account(key, value)


def flatten_text(value: Any, template: TemplateIndex) -> str:
    """A string built by ``Fn::Join``/``Fn::Sub`` of literals and resource references.

    References to resources and pseudo parameters become ``${Name}`` / ``${Name.Attr}`` (as
    they would read in ``Fn::Sub``); anything else (a parameter, an import, another
    function) raises :class:`CannotVerify`: it could put any principal into a policy.
    """
    if isinstance(value, str):
        return value
    name = intrinsic_name(value)
    if name == "Ref":
        target = str(value["Ref"])
        if target in template.resources or target.startswith("AWS::"):
            return "${" + target + "}"
    elif name == "Fn::GetAtt":
        args = value["Fn::GetAtt"]
        parts = args.split(".", 1) if isinstance(args, str) else [str(a) for a in args]
        if parts and parts[0] in template.resources:
            return "${" + ".".join(parts) + "}"
    elif name == "Fn::Join":
        args = value["Fn::Join"]
        if isinstance(args, list) and len(args) == 2 and isinstance(args[1], list):
            return str(args[0]).join(flatten_text(part, template) for part in args[1])
    elif name == "Fn::Sub":
        args = value["Fn::Sub"]
        text = args if isinstance(args, str) else args[0] if isinstance(args, list) else None
        variables = args[1] if isinstance(args, list) and len(args) > 1 else {}
        if isinstance(text, str) and not variables:
            for reference in re.findall(r"\$\{([^!}][^}]*)\}", text):
                base = reference.split(".", 1)[0]
                if base not in template.resources and not base.startswith("AWS::"):
                    break
            else:
                return text
    raise CannotVerify(f"it is built from {value!r}, which is only known at deploy time")


def json_document(r: ResourceView, value: Any, where: str, kind: str = "a policy string") -> Any:
    """A policy document as an object; CloudFormation also accepts it as a JSON string.

    The string may be built with ``Fn::Join``/``Fn::Sub`` around resource references (CDK
    renders ``logs.ResourcePolicy`` that way): references become ``${Name}`` placeholders
    inside the parsed document. A string that is not JSON, or one built from a parameter
    or an import, raises :class:`CannotVerify`: what it allows cannot be read. Any other
    value is returned unchanged (:func:`statements` fails closed on intrinsics).
    """
    text: str | None = None
    if isinstance(value, str):
        text = value
    elif intrinsic_name(value) in ("Fn::Join", "Fn::Sub"):
        try:
            text = flatten_text(value, r.template)
        except CannotVerify as exc:
            raise CannotVerify(f"{where} is {kind} {exc.message}", f"Properties.{where}") from None
    if text is None:
        return value
    try:
        return json.loads(text)
    except ValueError:
        raise CannotVerify(
            f"{where} is a string that is not JSON, so what it says cannot be read",
            f"Properties.{where}",
        ) from None


def policy_document(r: ResourceView, prop: str) -> Any:
    """A policy property as an object (see :func:`json_document`)."""
    return json_document(r, r.props.get(prop), prop)


def actions(statement: Mapping[str, Any], view: ResourceView, what: str) -> list[str]:
    """The ``Action`` list, lower-cased; raises if it is not literal."""
    return [
        str(view.literal(a, f"{what}.Action")).lower() for a in as_list(statement.get("Action"))
    ]


def flatten(value: Any) -> str:
    """An ARN-like expression as one comparable string.

    ``{"Fn::GetAtt": ["B", "Arn"]}`` -> ``${B.Arn}``, ``{"Ref": "B"}`` -> ``${B}``,
    ``Fn::Join`` is joined, ``Fn::Sub`` keeps its text; anything else -> ``${?}``.
    """
    if isinstance(value, str):
        return value
    name = intrinsic_name(value)
    if name == "Ref":
        return "${" + str(value["Ref"]) + "}"
    if name == "Fn::GetAtt":
        args = value["Fn::GetAtt"]
        return "${" + (args if isinstance(args, str) else ".".join(map(str, args))) + "}"
    if name == "Fn::Join":
        args = value["Fn::Join"]
        if isinstance(args, list) and len(args) == 2 and isinstance(args[1], list):
            return str(args[0]).join(flatten(part) for part in args[1])
    if name == "Fn::Sub":
        args = value["Fn::Sub"]
        return str(args if isinstance(args, str) else args[0])
    return "${?}"


# -- KMS key references --------------------------------------------------------------------


def may_be_wildcard(view: ResourceView, value: Any, what: str) -> bool:
    """Whether a policy value (a principal, a resource, an action) is ``*``.

    True if it is ``*`` whatever happens at deploy time, False if it cannot be; raises
    :class:`CannotVerify` if it may be (a parameter, an import, an ``Fn::Select`` or
    ``Fn::FindInMap`` with ``*`` among its values...).
    """
    if intrinsic_name(value) is None:
        return bool(value == "*")
    texts = view.texts(value)
    answers = [may_be_exactly(text, "*") for text in texts]
    if all(answer is True for answer in answers):
        return True
    if all(answer is False for answer in answers):
        return False
    sources = unknown_sources(texts) or [f"{describe_intrinsic(value)} that may give '*'"]
    raise CannotVerify(
        f"{what} comes from {sources[0]}, which may be '*' at deploy time", f"Properties.{what}"
    )


class Deferred:
    """Collects :class:`CannotVerify` raised inside ``with`` blocks, to raise it at the end.

    A rule that loops over statements (or other items) must not stop at the first one it
    cannot verify: the problems of the others are still real. ``with deferred:`` around
    each item's check, then ``deferred.raise_first()`` after the loop.
    """

    def __init__(self) -> None:
        self.first: CannotVerify | None = None

    def __enter__(self) -> Deferred:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, _tb: object) -> bool:
        if isinstance(exc, CannotVerify):
            self.first = self.first or exc
            return True
        return False

    def raise_first(self) -> None:
        """Raise the first deferred :class:`CannotVerify`, if any."""
        if self.first is not None:
            raise self.first


def open_allows(
    view: ResourceView, statements_: list[Mapping[str, Any]], where: str
) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """``(path, statement)`` of each ``Allow`` to everyone without a restricting condition.

    The one test of "open to the world" for key policies, trust policies and resource
    policies. A statement that cannot be verified does not hide the others: the first
    :class:`CannotVerify` is raised after the rest were yielded.
    """
    deferred = Deferred()
    for i, statement in enumerate(statements_):
        what = f"{where}.Statement[{i}]"
        with deferred:
            if (
                effect(statement, view, what) == "Allow"
                and principal_is_everyone(statement, view, what)
                and not has_restricting_condition(statement, view, what)
            ):
                yield what, statement
    deferred.raise_first()


def effect(statement: Mapping[str, Any], view: ResourceView, what: str) -> str | None:
    """The statement's ``Effect`` (``Allow``/``Deny``); :class:`CannotVerify` if not literal.

    An ``Effect`` from a parameter decides whether the statement grants or denies, so a
    rule cannot skip it as "not an Allow".
    """
    raw = statement.get("Effect")
    if raw is None:
        return None
    value = view.literal(raw, f"{what}.Effect")
    return str(value)


# -- KMS key references --------------------------------------------------------------------


_PARTITION = r"(?:aws[a-z-]*|\$\{AWS::Partition\})"
_REGION = r"(?:[a-z]{2}(?:-[a-z]+)+-\d|\$\{AWS::Region\})"
_ACCOUNT = r"(?:\d{12}|\$\{AWS::AccountId\})"
_KEY_ID = r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
_ALIAS = r"alias/[A-Za-z0-9/_-]+"
#: The customer-managed forms a literal key reference may take: a key id, a key ARN, an
#: alias name or an alias ARN (AWS managed aliases, ``alias/aws/...``, are refused first).
CUSTOMER_KEY = re.compile(
    rf"{_KEY_ID}|{_ALIAS}|arn:{_PARTITION}:kms:{_REGION}:{_ACCOUNT}:(?:key/{_KEY_ID}|{_ALIAS})"
)


def _aws_managed(text: str) -> bool:
    """``alias/aws/...`` in any spelling, and ``aws/...`` (what some services accept)."""
    lowered = text.strip().lower()
    return "alias/aws/" in lowered or lowered.startswith("aws/")


def kms_key_problems(view: ResourceView, value: Any, what: str) -> Iterator[Problem]:
    """Problems with a property that must name a customer-managed KMS key.

    The one place that decides what a customer-managed key is, for every at-rest rule:

    * a ``Ref``/``Fn::GetAtt`` to an ``AWS::KMS::Key`` of the app, or to an alias of the
      app that targets one (the key itself is judged by the KMS rules);
    * a literal key id, key ARN, alias or alias ARN of the customer-managed form
      (:data:`CUSTOMER_KEY`; pseudo parameters may stand for partition, region, account);
    * non-compliant: an AWS managed key (``alias/aws/...``, ``aws/...``, any case, as an
      alias ARN too), an empty or blank value, anything that is not a key reference;
    * cannot verify: a parameter, an import from outside the app, or an expression
      (``Fn::FindInMap``, ``Fn::Select``...) whose possible values are not all
      customer-managed keys.
    """
    path = f"Properties.{what}"
    if value is None:
        yield Problem(f"{what} is not set, so no customer-managed KMS key protects it", path)
        return
    ref = view.follow(value, what)
    if isinstance(ref, ResourceRef):
        yield from _app_key_problems(view, ref, what, path)
        return
    texts = view.texts(value)
    problems: list[str] = []
    unknown: list[str] = []
    for text in texts:
        shown = render(text, unknown="${?}")
        literal = literal_text(text)
        if _aws_managed(render(text, unknown="")):
            problems.append(
                f"{what} is the AWS managed key {shown!r}: its key policy and rotation are "
                "not yours to control; use a customer-managed key"
            )
        elif any(isinstance(p, Placeholder) and p.kind == "unknown" for p in text):
            unknown.extend(unknown_sources([text]))
        elif literal is not None and not literal.strip():
            problems.append(f"{what} is empty, so no customer-managed KMS key protects it")
        elif not CUSTOMER_KEY.fullmatch(render(text)):
            problems.append(
                f"{what} is {shown!r}, which is not a KMS key id, key ARN or alias of a "
                "customer-managed key"
            )
    if problems and len(problems) == len(texts):
        yield from (Problem(message, path) for message in dict.fromkeys(problems))
    elif problems:
        raise CannotVerify(f"{problems[0]} (for some of the values it may take)", path)
    elif unknown:
        raise CannotVerify(
            f"{what} comes from {unknown[0]}, so whether a customer-managed key protects it "
            "is only known at deploy time",
            path,
        )


def kms_encrypted(view: ResourceView, value: Any, what: str) -> bool:
    """Whether a KMS key property names *some* KMS key (AWS managed ones included).

    False when it is absent, empty or blank; :class:`CannotVerify` when it is only known at
    deploy time. Services such as SQS and SNS behave differently once any KMS key is set
    (they then require TLS), which is what this answers; :func:`kms_key_problems` judges
    whether the key is one you control.
    """
    if value is None:
        return False
    texts = view.texts(value)
    blank = [
        literal_text(text) is not None and not str(literal_text(text)).strip() for text in texts
    ]
    if all(blank):
        return False
    if any(blank) or unknown_sources(texts):
        raise CannotVerify(
            f"{what} may be empty at deploy time, so whether a KMS key encrypts the resource "
            "is not known",
            f"Properties.{what}",
        )
    return True


def _is_blank(text: Text) -> bool:
    literal = literal_text(text)
    return literal is not None and not literal.strip()


def split_by_encryption(
    view: ResourceView,
    value: Any,
    what: str,
    *,
    when_encrypted: bool,
    problems: Callable[[], Iterator[Problem]],
) -> Iterator[Problem]:
    """*problems* of a rule that applies only with (or only without) a KMS key.

    Fails closed where the key is unknown: the rule for unencrypted resources then reports
    its problems as *cannot verify*; the one for encrypted resources stays silent (its
    twin already says it).
    """
    try:
        encrypted: bool | None = kms_encrypted(view, value, what)
    except CannotVerify:
        encrypted = None
    if encrypted is when_encrypted:
        yield from problems()
    elif encrypted is None and not when_encrypted:
        found = list(problems())
        if found:
            raise CannotVerify(
                f"{found[0].message}, and {what} may be empty at deploy time", found[0].path
            )


def _app_key_problems(
    view: ResourceView, ref: ResourceRef, what: str, path: str
) -> Iterator[Problem]:
    if ref.type == "AWS::KMS::Key":
        return
    if ref.type == "AWS::KMS::Alias":
        alias_props = properties(ref.resource)
        name = alias_props.get("AliasName")
        if isinstance(name, str) and _aws_managed(name):
            yield Problem(
                f"{what} is the AWS managed key {name!r}; use a customer-managed key", path
            )
            return
        target = view.app.follow(alias_props.get("TargetKeyId"), ref.template, "TargetKeyId")
        if isinstance(target, ResourceRef) and target.type == "AWS::KMS::Key":
            return
        if (
            isinstance(target, ExternalRef)
            and target.literal is not None
            and CUSTOMER_KEY.fullmatch(target.literal)
        ):
            return
        raise CannotVerify(
            f"{what} is the alias {ref.logical_id}, whose target key "
            f"({target.logical_id if isinstance(target, ResourceRef) else target.description}) "
            "cannot be verified as a customer-managed key",
            path,
        )
    yield Problem(f"{what} refers to {ref.logical_id} ({ref.type}), which is not a KMS key", path)


# -- retention -------------------------------------------------------------------------------


def retention_problems(
    view: ResourceView, allowed: tuple[str, ...] = ("Retain", "RetainExceptOnCreate")
) -> Iterator[Problem]:
    """``DeletionPolicy`` and ``UpdateReplacePolicy`` must keep the data: one problem.

    Both attributes protect the same data from the same mistake, so what is wrong with
    either or both is one finding (and one acknowledgment), naming each attribute at
    fault; its path is the first of them. An attribute whose value is only known at
    deploy time is named in that finding, or, if nothing else is wrong, raises
    :class:`CannotVerify`.
    """
    wrong: list[tuple[str, str]] = []  # (attribute, what is wrong with it)
    unknown: list[tuple[str, CannotVerify]] = []
    for attribute in ("DeletionPolicy", "UpdateReplacePolicy"):
        raw = view.resource.get(attribute)
        if raw is None:
            wrong.append((attribute, "is not set"))
            continue
        try:
            value = view.literal(raw, attribute)
        except CannotVerify as exc:
            unknown.append((attribute, exc))
            continue
        if value not in allowed:
            wrong.append((attribute, f"is {value!r}"))
    choice = " or ".join(allowed)
    if not wrong:
        if unknown:
            attribute, why = unknown[0]
            raise CannotVerify(
                f"{why.message}; set {attribute} to {choice} so the data survives removal "
                "or replacement",
                attribute,
            )
        return
    if len(wrong) == 2 and wrong[0][1] == wrong[1][1]:
        said = f"DeletionPolicy and UpdateReplacePolicy {wrong[0][1].replace('is ', 'are ', 1)}"
    else:
        said = " and ".join(f"{attribute} {what}" for attribute, what in wrong)
    if unknown:
        said += f" ({unknown[0][0]} is only known at deploy time)"
    target = "both" if len(wrong) + len(unknown) == 2 else wrong[0][0]
    yield Problem(
        f"{said}, so CloudFormation deletes the {view.type} and its data when it is "
        f"{_when(wrong)}; set {target} to {choice}",
        wrong[0][0],
    )


def _when(wrong: list[tuple[str, str]]) -> str:
    attributes = {attribute for attribute, _what in wrong}
    if attributes == {"DeletionPolicy"}:
        return "removed from the stack (or the stack is deleted)"
    if attributes == {"UpdateReplacePolicy"}:
        return "replaced by an update"
    return "removed or replaced"


# -- resource policies that must deny something ----------------------------------------------

PolicyVariant = tuple[str, dict[str, bool], list[Mapping[str, Any]]]
"""(policy logical id, condition choice, statements) of one variant of an attached policy."""


def policy_variants(
    view: ResourceView,
    attached: Iterable[tuple[TemplateIndex, str]],
    target_properties: Mapping[str, str],
) -> list[PolicyVariant]:
    """Every ``Fn::If`` variant of the policies attached to *view*'s resource.

    *attached* comes from an :class:`~aspects.index.AppIndex` relation (e.g.
    ``queue_policies``); *target_properties* maps each policy type to its property that
    names the targets (``{"AWS::SQS::QueuePolicy": "Queues", ...}``). Fails closed: a
    variant in which the policy does not name this resource, and a policy with a
    resource-level ``Condition`` (as the variant where it is not deployed), count as a
    policy without statements.

    Computed once per resource and relation for a check of the app: every rule of a bucket
    reads the same attached policies. The list is shared; callers only read it.
    """
    attached = tuple(attached)
    memo: dict[Any, list[PolicyVariant]] = view.app.__dict__.setdefault("_policy_variants", {})
    key = (view.key, attached, tuple(target_properties.items()))
    found = memo.get(key)
    if found is not None:
        return found
    out: list[PolicyVariant] = []
    for template, logical_id in attached:
        resource = template.resources[logical_id]
        target_property = target_properties.get(str(resource.get("Type")), "")
        for choice, variant in view.app.variants_of(template, logical_id):
            props = properties(variant)
            targets = {
                ref.key
                for value in as_list(props.get(target_property))
                for ref in view.app.resources_mentioned(value, template)
            }
            document = props.get("PolicyDocument") if view.key in targets else None
            out.append((logical_id, choice, statements(document)))
        condition = resource.get("Condition")
        if isinstance(condition, str):
            out.append((logical_id, {condition: False}, []))
    memo[key] = out
    return out


def _any_statement(
    found: list[Mapping[str, Any]], matches: Callable[[Mapping[str, Any]], bool]
) -> bool | CannotVerify:
    """Whether a statement matches; if none does but one could not be judged, why not."""
    unknown: CannotVerify | None = None
    for statement in found:
        try:
            if matches(statement):
                return True
        except CannotVerify as exc:
            unknown = unknown or exc
    return unknown or False


def required_denial(
    found: list[PolicyVariant],
    matches: Callable[[Mapping[str, Any]], bool],
    missing: str,
    noun: str = "resource policy",
) -> Iterator[Problem]:
    """Some attached policy must hold a statement that *matches* in every variant.

    A statement that cannot be judged (an action or condition value from a parameter) does
    not hide another statement that matches; if none matches, the rule cannot verify.
    *missing* says what is not denied, *noun* names the policy (``queue policy``); the
    problems' path is the noun in CamelCase (``QueuePolicy``).
    """
    path = noun.title().replace(" ", "")
    by_policy: dict[str, list[tuple[dict[str, bool], bool | CannotVerify]]] = {}
    for logical_id, choice, stmts in found:
        by_policy.setdefault(logical_id, []).append((choice, _any_statement(stmts, matches)))
    if not by_policy:
        yield Problem(f"no {noun} is attached, so {missing}", path)
        return
    if any(all(ok is True for _, ok in results) for results in by_policy.values()):
        return
    for results in by_policy.values():
        for _choice, ok in results:
            if isinstance(ok, CannotVerify):
                raise ok
    for logical_id, results in by_policy.items():
        if any(ok is True for _, ok in results):
            choice = next(choice for choice, ok in results if ok is not True)
            when = ", ".join(f"{k} is {str(v).lower()}" for k, v in choice.items())
            raise CannotVerify(
                f"the {noun} {logical_id} has the required denial only under some conditions "
                f"(not when {when}), so {missing}",
                path,
            )
    yield Problem(f"the {noun} does not deny them: {missing}", path)


def condition_values(
    view: ResourceView, statement: Mapping[str, Any], operator: str, key: str
) -> list[Any]:
    """The literal values of ``Condition[operator][key]`` (case-insensitive names).

    A value from a parameter raises :class:`CannotVerify`.
    """
    clause = _lower_keys(_lower_keys(statement.get("Condition")).get(operator.lower()))
    what = f"PolicyDocument.Statement.Condition.{operator}.{key}"
    return [view.literal(v, what) for v in as_list(clause.get(key.lower()))]


def denies_plain_http(view: ResourceView, statement: Mapping[str, Any]) -> bool:
    """A ``Deny`` to everyone under ``Bool aws:SecureTransport false`` (actions not judged)."""
    if effect(statement, view, "PolicyDocument.Statement") != "Deny":
        return False
    if not principal_is_everyone(statement, view, "PolicyDocument.Statement"):
        return False
    values = condition_values(view, statement, "Bool", "aws:SecureTransport")
    return any(str(v).lower() == "false" for v in values)


def covers(patterns: Iterable[str], forms: Iterable[str]) -> bool:
    """Whether a ``Resource`` list (flattened) covers one of *forms* of a resource's ARN.

    ``*`` covers everything; ``prefix*`` covers forms that start with the prefix.
    """
    wanted = list(forms)
    for pattern in patterns:
        if pattern == "*" or pattern in wanted:
            return True
        if pattern.endswith("*") and any(f.startswith(pattern[:-1]) for f in wanted):
            return True
    return False


def action_covers(granted: Iterable[str], action: str) -> bool:
    """Whether lower-cased ``Action`` entries include *action* (wildcards ``*``/``?``)."""
    target = action.lower()
    for pattern in granted:
        regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
        if re.fullmatch(regex, target):
            return True
    return False
