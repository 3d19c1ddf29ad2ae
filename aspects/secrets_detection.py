"""Recognising secrets: in names, in text, and in values of a synthesized template.

One implementation for the guardrails (the Lambda environment rule, the SSM parameter
rule, the Secrets Manager rule) and for the constructs' input validation, so a value the
construct accepts is a value the guardrails accept.

What counts
-----------
*A secret-looking name* (:func:`is_secret_name`): one of its words (singular) is, or ends
with, a secret word (``PASSWORD``, ``PASSWD``, ``PWD``, ``SECRET``, ``TOKEN``,
``CREDENTIAL``, ``PASSPHRASE``, ``APIKEY``, ``PRIVATEKEY``...) or it has a word ``KEY(S)`` after
``API``, ``PRIVATE``, ``SECRET``, ``ACCESS``, ``SIGNING``, ``ENCRYPTION``, ``MASTER``,
``HMAC``, ``SSH`` or ``WEBHOOK``. Words are split on anything that is not a letter or
digit and on camelCase. A name whose *last* word says it holds a reference or a setting
(``DB_SECRET_ARN``, ``API_KEY_PARAMETER_NAME``, ``TOKEN_TABLE_NAME``, ``TOKEN_TTL``...,
see :data:`REFERENCE_SUFFIXES`) is not secret-looking: users need those.

*Secret text* (:func:`secret_in_text`): an AWS access key id, a private key block, a
GitHub, GitLab, Slack, Stripe or Google API token, a JSON Web Token, credentials in a URL
(``scheme://user:password@``), a ``Password=`` in a connection string, or a CloudFormation
dynamic reference to a secret (``{{resolve:secretsmanager:...}}``,
``{{resolve:ssm-secure:...}}``), which CloudFormation replaces with the plaintext at deploy
time.

*Secret attributes* (:data:`SECRET_ATTRIBUTES`): ``Fn::GetAtt`` attributes whose value is
itself a secret, such as an IAM access key's ``SecretAccessKey``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aspects.index import ExternalRef
from aspects.model import CannotVerify, Problem
from aspects.values import intrinsic_name

if TYPE_CHECKING:
    from aspects.index import ResourceView

#: Words that make a name secret-looking when a word equals or ends with them.
SECRET_WORDS: tuple[str, ...] = (
    "PASSWORD",
    "PASSWD",
    "PWD",
    "SECRET",
    "TOKEN",
    "CREDENTIAL",
    "PASSPHRASE",
    "PASSCODE",
    "APIKEY",
    "PRIVATEKEY",
    "SECRETKEY",
    "ACCESSKEY",
)
#: ``<word>_KEY`` is secret-looking for these words (``API_KEY``, ``PRIVATE_KEY``...).
KEY_QUALIFIERS = frozenset(
    {"API", "PRIVATE", "SECRET", "ACCESS", "SIGNING", "ENCRYPTION", "MASTER", "HMAC", "SSH"}
    | {"WEBHOOK"}
)
#: A last word that says the variable holds a reference or a setting, not the secret.
REFERENCE_SUFFIXES = frozenset(
    {
        "ARN",
        "ARNS",
        "NAME",
        "NAMES",
        "ID",
        "IDS",
        "PARAM",
        "PARAMETER",
        "PATH",
        "TABLE",
        "BUCKET",
        "QUEUE",
        "TOPIC",
        "STREAM",
        "URL",
        "URI",
        "ENDPOINT",
        "HOST",
        "PORT",
        "REGION",
        "ALIAS",
        "HEADER",
        "FIELD",
        "FILE",
        "PREFIX",
        "TTL",
        "EXPIRY",
        "EXPIRATION",
        "LIFETIME",
        "TIMEOUT",
        "LENGTH",
        "TYPE",
        "VERSION",
        "ENABLED",
        "POLICY",
        "MODE",
        "FORMAT",
        "ALGORITHM",
        "ISSUER",
        "AUDIENCE",
        "SCOPE",
        "SCOPES",
    }
)

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")

#: (resource type, ``Fn::GetAtt`` attribute) pairs whose value is a secret.
SECRET_ATTRIBUTES: Mapping[tuple[str, str], str] = {
    ("AWS::IAM::AccessKey", "SecretAccessKey"): "an IAM user's secret access key",
    ("AWS::AppSync::ApiKey", "ApiKey"): "an AppSync API key",
    ("AWS::Cognito::UserPoolClient", "ClientSecret"): "a Cognito app client secret",
}


@dataclass(frozen=True)
class _Pattern:
    kind: str
    regex: re.Pattern[str]


_DYNAMIC_REFERENCE = _Pattern(
    "a CloudFormation dynamic reference to a secret (CloudFormation writes the plaintext "
    "value there at deploy time)",
    re.compile(r"\{\{resolve:(?:secretsmanager|ssm-secure):", re.IGNORECASE),
)
_PATTERNS: tuple[_Pattern, ...] = (
    _DYNAMIC_REFERENCE,
    _Pattern(
        "an AWS access key id",
        re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])"),
    ),
    _Pattern("a private key", re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----")),
    _Pattern(
        "a GitHub token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
    ),
    _Pattern("a GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}")),
    _Pattern("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    _Pattern(
        "a Slack webhook URL",
        re.compile(r"https://hooks\.slack\.com/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/\w+"),
    ),
    _Pattern("a Stripe live key", re.compile(r"\b[rs]k_live_[A-Za-z0-9]{16,}")),
    _Pattern("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    _Pattern(
        "a JSON Web Token",
        re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    ),
    _Pattern(
        "credentials in a URL (scheme://user:password@host)",
        re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@]+:[^\s@/]+@", re.IGNORECASE),
    ),
    _Pattern(
        "a password in a connection string",
        re.compile(r"(?:^|[;\s])(?:password|pwd)\s*=\s*[^;\s]+", re.IGNORECASE),
    ),
)


def words(name: str) -> list[str]:
    """The upper-case words of a name: ``dbPassword_v2`` -> ``["DB", "PASSWORD", "V", "2"]``."""
    return [w.upper() for w in _WORD.findall(name)]


def is_secret_name(name: str) -> bool:
    """Whether *name* looks like it holds a secret (see the module docs)."""
    parts = words(name)
    if not parts or parts[-1] in REFERENCE_SUFFIXES:
        return False
    for i, word in enumerate(parts):
        singular = word[:-1] if len(word) > 3 and word.endswith("S") else word
        if any(singular.endswith(secret) for secret in SECRET_WORDS):
            return True
        if singular == "KEY" and i > 0 and parts[i - 1] in KEY_QUALIFIERS:
            return True
    return False


def secret_in_text(text: str, *, dynamic_references: bool = True) -> str | None:
    """What kind of secret *text* contains (e.g. ``"an AWS access key id"``), or None.

    With ``dynamic_references=False`` a ``{{resolve:secretsmanager:...}}`` reference does
    not count (where CloudFormation resolving it is the point, e.g. a secret's value).
    """
    for pattern in _PATTERNS:
        if pattern is _DYNAMIC_REFERENCE and not dynamic_references:
            continue
        if pattern.regex.search(text):
            return pattern.kind
    return None


def secret_in_value(value: Any) -> str | None:
    """:func:`secret_in_text` of a synthesized value (a literal or an intrinsic function).

    ``Fn::Join``/``Fn::Sub`` are read as their text, with references as ``${Name}``.
    """
    return secret_in_text(value if isinstance(value, str) else _flatten(value))


def is_reference_text(text: str) -> bool:
    """A literal that names something rather than being a secret: an ARN."""
    return text.startswith("arn:")


# -- values of a synthesized template -------------------------------------------------------


def _flatten(value: Any) -> str:
    # Imported on use: importing aspects.rules loads the rule modules, which import this one.
    from aspects.rules._common import flatten

    return flatten(value)


def _get_atts(value: Any) -> Iterator[tuple[str, str]]:
    """Every ``(logical id, attribute)`` read by ``Fn::GetAtt`` (or ``${X.Y}``) in *value*."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, Mapping):
            name = intrinsic_name(item)
            if name == "Fn::GetAtt":
                args = item["Fn::GetAtt"]
                parts = args.split(".", 1) if isinstance(args, str) else list(args)
                if len(parts) == 2 and all(isinstance(p, str) for p in parts):
                    yield str(parts[0]), str(parts[1])
            elif name == "Fn::Sub":
                args = item["Fn::Sub"]
                text = args if isinstance(args, str) else args[0]
                for ref in re.findall(r"\$\{([^!}][^}]*)\}", str(text)):
                    if "." in ref:
                        logical_id, attribute = ref.split(".", 1)
                        yield logical_id, attribute
                if isinstance(args, list) and len(args) == 2:
                    stack.append(args[1])
            else:
                stack.extend(item.values())


def _unknown_sources(view: ResourceView, value: Any, what: str) -> Iterator[CannotVerify]:
    """Why parts of *value* are only known at deploy time (parameters, foreign imports)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, Mapping):
            continue
        name = intrinsic_name(item)
        if name == "Ref":
            target = str(item["Ref"])
            if target in view.template.parameters:
                try:
                    view.literal(item, what)
                except CannotVerify as exc:
                    yield exc
        elif name == "Fn::ImportValue":
            try:
                ref = view.follow(item, what)
            except CannotVerify as exc:
                yield exc
                continue
            if isinstance(ref, ExternalRef) and ref.literal is None:
                yield CannotVerify(
                    f"{what} is {ref.description}, so its value is only known at deploy time",
                    what,
                )
        elif name == "Fn::Sub":
            args = item["Fn::Sub"]
            text, names = (args, {}) if isinstance(args, str) else (args[0], args[1])
            for ref in re.findall(r"\$\{([^!}][^}.]*)\}", str(text)):
                if ref in view.template.parameters and ref not in names:
                    yield CannotVerify(
                        f"{what} uses the CloudFormation parameter '{ref}', so its value is "
                        "only known at deploy time",
                        what,
                    )
            stack.extend(names.values() if isinstance(names, Mapping) else [])
        else:
            stack.extend(item.values())


def value_problems(
    view: ResourceView, value: Any, what: str, *, secret_name: bool
) -> tuple[list[Problem], CannotVerify | None]:
    """Whether a template value puts a secret in plaintext where it is stored or shown.

    Parameters
    ----------
    view:
        The resource holding the value.
    value:
        The value as synthesized (a literal or an intrinsic function).
    what:
        Where it is, e.g. ``"Environment.Variables.DB_PASSWORD"``.
    secret_name:
        Whether the value sits under a secret-looking name: then any literal (other than
        an ARN) is a problem, and a value from a parameter or a foreign import cannot be
        verified. Under other names only secret-looking text and secret attributes count.

    Returns
    -------
    The problems, and a reason the value cannot be verified (to raise after reporting
    the problems of the other values of the resource), or None.
    """
    path = f"Properties.{what}"
    if value is None:
        return [], None
    if intrinsic_name(value) is None and not isinstance(value, (Mapping, list)):
        text = str(value)
        kind = secret_in_text(text)
        if kind is not None:
            return [Problem(f"{what} holds {kind}", path)], None
        if secret_name and text.strip() and not is_reference_text(text):
            return [
                Problem(
                    f"{what} has a secret-looking name and a literal value, which anyone "
                    "who can read the resource's configuration sees in plaintext",
                    path,
                )
            ], None
        return [], None
    problems: list[Problem] = []
    kind = secret_in_value(value)
    if kind is not None:
        problems.append(Problem(f"{what} holds {kind}", path))
    for logical_id, attribute in _get_atts(value):
        resource = view.template.resources.get(logical_id)
        label = SECRET_ATTRIBUTES.get((str((resource or {}).get("Type")), attribute))
        if label is not None:
            problems.append(
                Problem(f"{what} reads {logical_id}.{attribute}, {label}, in plaintext", path)
            )
    unknown = next(_unknown_sources(view, value, what), None) if secret_name else None
    if problems:
        return problems, None
    if unknown is None and secret_name and _literal_only(value):
        problems.append(
            Problem(
                f"{what} has a secret-looking name and a value built from literals only, "
                "which anyone who can read the resource's configuration sees in plaintext",
                path,
            )
        )
    return problems, unknown


def _literal_only(value: Any) -> bool:
    """A ``Fn::Join``/``Fn::Sub`` without any reference or parameter: a literal in disguise."""
    name = intrinsic_name(value)
    if name == "Fn::Join":
        args = value["Fn::Join"]
        return (
            isinstance(args, list)
            and len(args) == 2
            and isinstance(args[1], list)
            and all(isinstance(p, str) for p in args[1])
            and bool("".join(args[1]).strip())
        )
    if name == "Fn::Sub":
        args = value["Fn::Sub"]
        return isinstance(args, str) and "${" not in args.replace("${!", "") and bool(args)
    return False
