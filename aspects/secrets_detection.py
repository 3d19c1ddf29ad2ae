"""Recognising secrets: in names, in values, and in values of a synthesized template.

One implementation for the guardrails (the Lambda and ECS environment rules, the SSM
parameter rule, the Secrets Manager rule) and for the constructs' input validation, so a
value a construct accepts is a value the guardrails accept. Every name/value pair of an
environment (Lambda ``Environment.Variables``, ECS ``ContainerDefinitions[].Environment``,
an SSM parameter's name and value) is judged by :func:`variable_problems` (in a template)
or :func:`variable_leak` (anywhere), which give identical results for identical pairs.

Names
-----
A name is split into words (on anything that is not a letter or digit and on camelCase)
and each word is read singular (``TOKENS`` -> ``TOKEN``, not ``PASS`` -> ``PAS``).

*Secret-looking* (:func:`is_secret_name`): a word is, or ends with, one of
:data:`SECRET_WORDS` (``PASSWORD``, ``PASSWD``, ``PWD``, ``SECRET``, ``TOKEN``,
``CREDENTIAL``, ``PASSPHRASE``, ``APIKEY``...: ``DB_PASSWORD``, ``MYSQL_PWD``,
``accessToken``); the *last* word is ``PASS``, ``PW`` or ``CREDS`` (``DB_PASS``, ``SMTP_PW``;
whole words only, so ``PASSTHROUGH``, ``BYPASS`` and ``COMPASS`` are not); or a word
``KEY`` follows one of :data:`KEY_QUALIFIERS` (``API_KEY``, ``PRIVATE_KEY``, ``APP_KEY``).

*A reference or a setting* (never secret-looking, whatever its other words): the last
word says it names something (:data:`REFERENCE_SUFFIXES`: ``DB_SECRET_ARN``,
``API_KEY_PARAMETER_NAME``, ``TOKEN_TABLE_NAME``) or holds a setting
(:data:`SETTING_SUFFIXES`: ``TOKEN_TTL``, ``TOKEN_LIMIT``, ``SECRET_ROTATION_DAYS``,
``TOKEN_CACHE``, ``API_KEY_REQUIRED``), or the first word says it is a setting
(:data:`SETTING_PREFIXES`: ``MAX_TOKENS``, ``DISABLE_TOKEN_CACHE``, ``ENABLE_*``).

Two more traits switch the entropy test off (never the known formats): a name whose last
word says it holds a digest or a version (:data:`DIGEST_SUFFIXES`: ``BUILD_VERSION``,
``GIT_SHA``, ``CODE_SHA256``, ``COMMIT``) may hold a git SHA or a base64 digest; a name
with the word ``PUBLIC`` or ``PUBLISHABLE`` may hold public key material.

Values
------
In this order (:func:`variable_leak`):

1. *A known credential format* is a secret whatever the name (:func:`secret_in_text`):
   the value-side plugins of ``detect-secrets`` (AWS access key ids, private keys, GitHub,
   Slack, Stripe, SendGrid, npm, Twilio, Mailchimp, Square, Discord, Artifactory tokens,
   JSON Web Tokens, ``scheme://user:password@`` URLs), and our own patterns where it has
   none: CloudFormation dynamic references to secrets (``{{resolve:secretsmanager:...}}``,
   ``{{resolve:ssm-secure:...}}``, which CloudFormation replaces with the plaintext),
   GitHub fine-grained and GitLab tokens, Google, OpenAI and Anthropic API keys, private
   keys it does not parse (encrypted PKCS#8, PGP blocks), ``scheme://:password@``,
   ``Password=``/``AccountKey=`` in a connection string, and ``Basic``/``Bearer``
   authorization values.
2. *A JSON object* (or base64 that decodes to text, e.g. a base64 JSON config) is judged
   by its members (each under its own key) or its decoded text.
3. *Not a secret whatever the name*: empty, ``none``/``null``, numbers (but an integer of
   six or more digits under a secret-looking name is a PIN-like secret), booleans
   (``true``, ``yes``, ``on``, ``enabled``...), durations (``30s``, ``5m``, ``PT1H``),
   sizes (``512Mi``, ``10MB``), well-formed ARNs (``arn:<partition>:<service>:<region>:
   <account>:<resource>``, checked by :data:`ARN`; ``arn:hunter2`` is not one), absolute
   paths (SSM parameter names, files), log levels, region names, PEM public keys and
   certificates.
4. *URLs*: a query parameter with a secret-looking name (``?api_key=...``) is a secret;
   otherwise a URL is judged only by its entropy.
5. *High entropy*: a run of at least 32 base64 characters that mixes upper case, lower
   case and digits (or 40 lower-case letters and digits), is not made of dictionary-like
   words, and whose Shannon entropy (``detect-secrets``' ``Base64HighEntropyString``)
   exceeds :data:`BASE64_ENTROPY_LIMIT`; or a run of at least 32 hex characters with
   letters and digits above :data:`HEX_ENTROPY_LIMIT` (``HexHighEntropyString``), unless
   it is marked as a digest (``sha256:<hex>``, an image tag ``repo/name:<git sha>``). UUIDs
   and shorter strings are not high-entropy: under a neutral name they pass.
6. *Anything else* (a word, a UUID, a host name...) is a secret only under a
   secret-looking name: ``DB_PASSWORD=hunter2`` is, ``TOKEN_CACHE_MODE=lru`` and
   ``TENANT_ID=<uuid>`` are not.

In a template (:func:`variable_problems`) a ``Fn::Join``/``Fn::Sub`` of literals only is
judged as its text; other expressions by the known formats of their text and the entropy
of their literal parts, plus ``Fn::GetAtt`` of a secret attribute
(:data:`SECRET_ATTRIBUTES`, e.g. an IAM access key's ``SecretAccessKey``); a
secret-looking name whose value comes from a parameter or a foreign import cannot be
verified.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from aspects.index import ExternalRef
from aspects.model import CannotVerify, Problem
from aspects.values import intrinsic_name

if TYPE_CHECKING:
    from detect_secrets.plugins.base import RegexBasedDetector
    from detect_secrets.plugins.high_entropy_strings import (
        Base64HighEntropyString,
        HexHighEntropyString,
    )

    from aspects.index import ResourceView

# -- names ------------------------------------------------------------------------------------

#: Words that make a name secret-looking when a word (singular) equals or ends with them.
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
#: Abbreviations that make a name secret-looking only as its whole last word (``DB_PASS``).
SECRET_LAST_WORDS = frozenset({"PASS", "PW", "CRED"})
#: ``<word>_KEY`` is secret-looking for these words (``API_KEY``, ``PRIVATE_KEY``...).
KEY_QUALIFIERS = frozenset(
    {"API", "PRIVATE", "SECRET", "ACCESS", "SIGNING", "ENCRYPTION", "MASTER", "HMAC", "SSH"}
    | {"WEBHOOK", "APP", "AUTH", "CLIENT", "LICENSE", "SERVICE", "SESSION", "COOKIE", "JWT"}
)
#: A last word that says the variable holds a reference (the secret's ARN or name).
REFERENCE_SUFFIXES = frozenset(
    {"ARN", "NAME", "ID", "PARAM", "PARAMETER", "PATH", "TABLE", "BUCKET", "QUEUE", "TOPIC"}
    | {"STREAM", "URL", "URI", "ENDPOINT", "HOST", "HOSTNAME", "PORT", "REGION", "ALIAS"}
    | {"HEADER", "FIELD", "FILE", "PREFIX", "ISSUER", "AUDIENCE", "SCOPE", "KEYID"}
)
#: A last word that says the variable holds a setting: a count, a limit, a flag, a mode.
SETTING_SUFFIXES = frozenset(
    {"TTL", "EXPIRY", "EXPIRATION", "LIFETIME", "TIMEOUT", "LENGTH", "LEN", "TYPE", "KIND"}
    | {"VERSION", "ENABLED", "DISABLED", "REQUIRED", "FLAG", "POLICY", "MODE", "FORMAT"}
    | {"ALGORITHM", "ALG", "COUNT", "NUMBER", "NUM", "MAX", "MIN", "LIMIT", "QUOTA", "SIZE"}
    | {"BYTES", "DAY", "HOUR", "MINUTE", "SECOND", "MS", "SEC", "MILLIS", "INTERVAL", "RATE"}
    | {"PERIOD", "DURATION", "AGE", "VALIDITY", "WINDOW", "DELAY", "RETRY", "RETRIES"}
    | {"THRESHOLD", "CACHE", "ROTATION", "STORE", "BACKEND", "PROVIDER", "STRATEGY"}
    | {"ENGINE", "DRIVER", "LOCATION", "DIR", "DIRECTORY", "LEVEL", "STYLE", "PERCENT"}
    | {"RATIO", "CAPACITY", "BUFFER", "SOURCE", "CHARSET", "ENCODING", "STATUS", "STATE"}
    | {"ENCODER", "HASHER", "HASHING", "SCHEME", "METHOD", "PATTERN", "REGEX", "STRENGTH"}
)
#: A first word that says the variable holds a setting (``MAX_TOKENS``, ``DISABLE_*``).
SETTING_PREFIXES = frozenset(
    {"MAX", "MIN", "NUM", "ENABLE", "DISABLE", "USE", "ALLOW", "SKIP", "IS", "HAS", "NO"}
)
#: A last word that says the variable holds a digest or a version: hex values are allowed.
DIGEST_SUFFIXES = frozenset(
    {"VERSION", "SHA", "COMMIT", "REVISION", "REV", "HASH", "DIGEST", "CHECKSUM", "ETAG"}
    | {"BUILD", "RELEASE", "FINGERPRINT", "THUMBPRINT"}
)
_PUBLIC_WORDS = frozenset({"PUBLIC", "PUBLISHABLE", "PUB"})

_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


@dataclass(frozen=True)
class NameTraits:
    """What a variable's name says about its value (see the module docs).

    Attributes
    ----------
    secret:
        The name looks like it holds a secret.
    digest:
        The last word says it holds a digest or version: entropy is not judged.
    public:
        The name says it holds public material: entropy is not judged.
    """

    secret: bool
    digest: bool = False
    public: bool = False


def words(name: str) -> list[str]:
    """The upper-case words of a name: ``dbPassword_v2`` -> ``["DB", "PASSWORD", "V", "2"]``."""
    return [w.upper() for w in _WORD.findall(name)]


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("S") and not word.endswith("SS") else word


@lru_cache(maxsize=4096)
def name_traits(name: str) -> NameTraits:
    """What *name* says about its value (cached: the same names recur in every stack)."""
    raw = words(name)
    if not raw:
        return NameTraits(secret=False)
    parts = [_singular(w) for w in raw]
    ends = {raw[-1], parts[-1]}  # ALIAS is not the plural of ALIA
    last = parts[-1]
    alphabetic = [w for w in parts if not w.isdigit()]  # CODE_SHA256 ends with SHA
    digest = bool(ends & DIGEST_SUFFIXES) or bool(alphabetic and alphabetic[-1] in DIGEST_SUFFIXES)
    public = any(p in _PUBLIC_WORDS for p in parts)
    if ends & (REFERENCE_SUFFIXES | SETTING_SUFFIXES) or parts[0] in SETTING_PREFIXES:
        return NameTraits(secret=False, digest=digest, public=public)
    secret = last in SECRET_LAST_WORDS or any(
        any(word.endswith(s) for s in SECRET_WORDS)
        or (word == "KEY" and i > 0 and parts[i - 1] in KEY_QUALIFIERS)
        for i, word in enumerate(parts)
    )
    return NameTraits(secret=secret and not public, digest=digest, public=public)


def is_secret_name(name: str) -> bool:
    """Whether *name* looks like it holds a secret (see the module docs)."""
    return name_traits(name).secret


# -- known credential formats ----------------------------------------------------------------


@dataclass(frozen=True)
class _Detectors:
    """The ``detect-secrets`` detectors this module uses, built once."""

    #: Plugins that recognise a credential by its format alone (no file context, no
    #: keyword), used through their pure ``analyze_string``; with what each finds.
    formats: tuple[tuple[str, RegexBasedDetector], ...]
    base64: Base64HighEntropyString
    hex: HexHighEntropyString


@lru_cache(maxsize=1)
def _detectors() -> _Detectors:
    """``detect-secrets``' detectors, imported on the first value there is to judge.

    Importing the library takes about 0.1 s of CPU (most of it ``requests``, which it
    imports for verifying secrets online, never done here): a scan or synthesis whose
    templates hold no literal to judge does not pay it.
    """
    from detect_secrets.plugins.artifactory import ArtifactoryDetector
    from detect_secrets.plugins.aws import AWSKeyDetector
    from detect_secrets.plugins.basic_auth import BasicAuthDetector
    from detect_secrets.plugins.discord import DiscordBotTokenDetector
    from detect_secrets.plugins.github_token import GitHubTokenDetector
    from detect_secrets.plugins.high_entropy_strings import (
        Base64HighEntropyString,
        HexHighEntropyString,
    )
    from detect_secrets.plugins.jwt import JwtTokenDetector
    from detect_secrets.plugins.mailchimp import MailchimpDetector
    from detect_secrets.plugins.npm import NpmDetector
    from detect_secrets.plugins.private_key import PrivateKeyDetector
    from detect_secrets.plugins.sendgrid import SendGridDetector
    from detect_secrets.plugins.slack import SlackDetector
    from detect_secrets.plugins.square_oauth import SquareOAuthDetector
    from detect_secrets.plugins.stripe import StripeDetector
    from detect_secrets.plugins.twilio import TwilioKeyDetector

    return _Detectors(
        formats=(
            ("an AWS access key id", AWSKeyDetector()),
            ("a private key", PrivateKeyDetector()),
            ("a GitHub token", GitHubTokenDetector()),
            ("a Slack token or webhook URL", SlackDetector()),
            ("a Stripe live key", StripeDetector()),
            ("a JSON Web Token", JwtTokenDetector()),
            ("a SendGrid API key", SendGridDetector()),
            ("an npm token", NpmDetector()),
            ("a Twilio key", TwilioKeyDetector()),
            ("a Mailchimp API key", MailchimpDetector()),
            ("a Square OAuth secret", SquareOAuthDetector()),
            ("a Discord bot token", DiscordBotTokenDetector()),
            ("an Artifactory token", ArtifactoryDetector()),
            ("credentials in a URL (scheme://user:password@host)", BasicAuthDetector()),
        ),
        base64=Base64HighEntropyString(limit=BASE64_ENTROPY_LIMIT),
        hex=HexHighEntropyString(limit=HEX_ENTROPY_LIMIT),
    )


_DYNAMIC_REFERENCE_KIND = (
    "a CloudFormation dynamic reference to a secret (CloudFormation writes the plaintext "
    "value there at deploy time)"
)
_DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:(?:secretsmanager|ssm-secure):", re.IGNORECASE)
#: Our own patterns, only for formats ``detect-secrets`` has no plugin for.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a GitHub token", re.compile(r"\bgithub_pat_[A-Za-z0-9_]{22,}")),
    ("a GitLab token", re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}")),
    ("a private key", re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----")),
    (
        "credentials in a URL (scheme://user:password@host)",
        re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@]*:[^\s@/]+@", re.IGNORECASE),
    ),
    (
        "a password in a connection string",
        re.compile(
            r"(?:^|[;\s])(?:password|pwd|accountkey|sharedaccesskey)\s*=\s*[^;\s]+",
            re.IGNORECASE,
        ),
    ),
    ("an OpenAI API key", re.compile(r"\bsk-[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,}")),
    ("an Anthropic API key", re.compile(r"\bsk-ant-[a-z]+\d{2}-[A-Za-z0-9_-]{32,}")),
    (
        "an HTTP authorization credential",
        re.compile(r"^\s*(?:Basic|Bearer|Token)\s+[A-Za-z0-9+/=._~-]{8,}\s*$", re.IGNORECASE),
    ),
)


@lru_cache(maxsize=8192)
def secret_in_text(text: str, *, dynamic_references: bool = True) -> str | None:
    """What known credential format *text* contains (e.g. ``"an AWS access key id"``), or None.

    With ``dynamic_references=False`` a ``{{resolve:secretsmanager:...}}`` reference does
    not count (where CloudFormation resolving it is the point, e.g. a secret's value).
    Entropy is not judged here (see :func:`variable_leak`).
    """
    if dynamic_references and _DYNAMIC_REFERENCE.search(text):
        return _DYNAMIC_REFERENCE_KIND
    for kind, plugin in _detectors().formats:
        if next(iter(plugin.analyze_string(text)), None) is not None:
            return kind
    for kind, regex in _PATTERNS:
        if regex.search(text):
            return kind
    return None


def secret_in_value(value: Any) -> str | None:
    """:func:`secret_in_text` of a synthesized value (a literal or an intrinsic function).

    ``Fn::Join``/``Fn::Sub`` are read as their text, with references as ``${Name}``. A
    value of references only (``{"Ref": "Table"}``) has no text to hold a credential: it is
    not read (a logical id that happens to look like a key is not one).
    """
    if isinstance(value, str):
        return secret_in_text(value)
    if not any(_literal_parts(value)):
        return None
    return secret_in_text(_flatten(value))


# -- values that are not secrets whatever the name ---------------------------------------------

#: A well-formed ARN: partition, service, region (may be empty), account (12 digits,
#: ``aws`` or empty, as in S3) and a resource.
ARN = re.compile(
    r"arn:aws(?:-[a-z]+)*:[a-z0-9][a-z0-9-]*:(?:[a-z]{2}(?:-[a-z]+)+-\d)?:(?:\d{12}|aws)?:\S+"
)
_NUMBER = re.compile(r"[-+]?(?:\d+(?:[.,_]\d+)*|\.\d+)(?:[eE][-+]?\d+)?%?")
_LONG_INTEGER = re.compile(r"\d{6,}")
_BOOLEANS = frozenset(
    {"true", "false", "yes", "no", "on", "off", "y", "n", "t", "f", "enabled", "disabled"}
    | {"enable", "disable", "none", "null", "nil", "undefined"}
)
_DURATION = re.compile(
    r"(?:\d+(?:\.\d+)?\s*(?:ns|us|µs|ms|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?"
    r"|d|days?|w|weeks?|y|years?)\s*)+",
    re.IGNORECASE,
)
_ISO_DURATION = re.compile(
    r"P(?=\d|T\d)(?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?(?:T(?=\d)(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?",
    re.IGNORECASE,
)
_SIZE = re.compile(r"\d+(?:\.\d+)?\s*(?:[kmgtpe]i?b?|b|bytes)", re.IGNORECASE)
_PATH = re.compile(r"/[\w.@~+-]*(?:/[\w.@~+-]*)*")
_LOG_LEVELS = frozenset(
    {"trace", "debug", "info", "notice", "warn", "warning", "error", "critical", "fatal"}
    | {"off", "all", "silent", "verbose", "emergency", "alert", "panic"}
)
_REGION = re.compile(
    r"(?:af|ap|ca|cn|eu|il|me|mx|sa|us)(?:-gov|-iso[a-z]?)?"
    r"-(?:north|south|east|west|central)(?:east|west)?-\d",
    re.IGNORECASE,
)
_PUBLIC_PEM = re.compile(
    r"\s*-----BEGIN (?:PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE|X509 CRL)-----[\sA-Za-z0-9+/=]+"
    r"-----END (?:PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE|X509 CRL)-----\s*"
)
_URL = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


def _harmless(text: str, traits: NameTraits) -> bool:
    """A value that is not a secret whatever the name (step 3 of the module docs)."""
    stripped = text.strip()
    lowered = stripped.lower()
    if not stripped or lowered in _BOOLEANS or lowered in _LOG_LEVELS:
        return True
    if _NUMBER.fullmatch(stripped):
        return not (traits.secret and _LONG_INTEGER.fullmatch(stripped))
    return bool(
        _DURATION.fullmatch(stripped)
        or _ISO_DURATION.fullmatch(stripped)
        or _SIZE.fullmatch(stripped)
        or ARN.fullmatch(stripped)
        or _PATH.fullmatch(stripped)
        or _REGION.fullmatch(stripped)
        or _PUBLIC_PEM.fullmatch(text)
    )


def is_reference_text(text: str) -> bool:
    """A literal that names something rather than being a secret: a well-formed ARN."""
    return ARN.fullmatch(text.strip()) is not None


# -- high entropy -------------------------------------------------------------------------------

#: Entropy limits for the ``detect-secrets`` plugins (bits per character). The base64
#: limit is below the plugin's default 4.5: a random 40-character key scores 4.45 to 5.1,
#: so 4.5 misses some; the shape tests of :func:`_random_looking` keep ordinary values out.
BASE64_ENTROPY_LIMIT = 4.2
HEX_ENTROPY_LIMIT = 3.0
#: Shorter runs are never judged by entropy (their entropy cannot tell keys from words).
MIN_ENTROPY_LENGTH = 32

_BASE64_RUN = re.compile(rf"[A-Za-z0-9+/=_-]{{{MIN_ENTROPY_LENGTH},}}")
_HEX_RUN = re.compile(r"[0-9a-fA-F]+")
_WORDISH = re.compile(r"[A-Z]?[a-z]{3,}")
#: A hex digest inside a longer value: ``sha256:<hex>``, an image tag ``repo/name:<sha>``.
_DIGEST_IN_TEXT = re.compile(
    r"(?:(?:sha\d*|md5)[:=]|/[\w.-]+:)([0-9a-fA-F]{32,128})(?![0-9a-zA-Z])", re.IGNORECASE
)
_HIGH_ENTROPY_KIND = "a high-entropy string (the shape of a generated key or token)"


def _random_looking(run: str) -> bool:
    """Whether a run of base64 characters looks generated rather than written."""
    has_upper = any(c.isupper() for c in run)
    has_lower = any(c.islower() for c in run)
    has_digit = any(c.isdigit() for c in run)
    separated = "-" in run.strip("-") or "_" in run.strip("_")
    mixed = has_upper and has_lower and has_digit
    # Or e.g. a Cognito client secret: 51 lower-case letters and digits, no separator.
    long_lower = has_lower and has_digit and not separated and len(run) >= 40
    if not (mixed or long_lower):
        return False
    wordish = sum(len(m) for m in _WORDISH.findall(run))
    return wordish < 0.5 * len(run)


def _high_entropy(text: str, traits: NameTraits) -> bool:
    if traits.public or traits.digest or len(text) < MIN_ENTROPY_LENGTH:
        return False
    digests = {m.group(1) for m in _DIGEST_IN_TEXT.finditer(text)}
    detectors = _detectors()
    for run in _BASE64_RUN.findall(text):
        if _HEX_RUN.fullmatch(run):
            if (
                run not in digests
                and any(c.isalpha() for c in run)
                and any(c.isdigit() for c in run)
                and detectors.hex.calculate_shannon_entropy(run) > detectors.hex.entropy_limit
            ):
                return True
        elif _random_looking(run) and detectors.base64.calculate_shannon_entropy(run) > (
            detectors.base64.entropy_limit
        ):
            return True
    return False


# -- judging one name/value pair --------------------------------------------------------------


@dataclass(frozen=True)
class Leak:
    """Why a value gives a secret away.

    Attributes
    ----------
    kind:
        What the value holds (``"an AWS access key id"``), or None when the value is a
        literal under a secret-looking name.
    literal_only:
        The value is a ``Fn::Join``/``Fn::Sub`` of literals only.
    """

    kind: str | None
    literal_only: bool = False

    @property
    def predicate(self) -> str:
        """The end of a sentence whose subject is the variable: ``"holds a private key"``."""
        if self.kind is not None:
            return f"holds {self.kind}"
        value = "a value built from literals only" if self.literal_only else "a literal value"
        return (
            f"has a secret-looking name and {value}, which anyone who can read the "
            "resource's configuration sees in plaintext"
        )


_MAX_DEPTH = 3


def _decoded_text(text: str) -> str | None:
    """The text a base64 value encodes (e.g. a base64 JSON config), or None."""
    stripped = text.strip()
    if (
        len(stripped) < 12
        or len(stripped) % 4
        or not re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", stripped)
    ):
        return None
    try:
        decoded = base64.b64decode(stripped, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded if decoded.isprintable() or decoded.strip().startswith(("{", "[")) else None


def _json_leak(text: str, traits: NameTraits, depth: int) -> tuple[bool, Leak | None]:
    """Whether *text* is a JSON object or array, and the leak in its members."""
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return False, None
    try:
        document = json.loads(stripped)
    except (ValueError, RecursionError):
        return False, None
    stack: list[tuple[str | None, Any]] = [(None, document)]
    while stack:
        key, item = stack.pop()
        if isinstance(item, Mapping):
            stack.extend((str(k), v) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((key, v) for v in item)
        elif isinstance(item, str):
            member = traits if key is None else name_traits(key)
            leak = _literal_leak(item, member, depth + 1)
            if leak is not None:
                if leak.kind is None:
                    return True, Leak(
                        f"a JSON document whose member {key!r} has a secret-looking name and "
                        "a literal value"
                    )
                return True, Leak(f"a JSON document with {leak.kind}")
    return True, None


def _secret_query(text: str) -> bool:
    """A URL whose query string has a parameter with a secret-looking name and a value."""
    try:
        query = urlsplit(text.strip()).query
    except ValueError:
        return False
    return any(value and is_secret_name(key) for key, value in parse_qsl(query))


@lru_cache(maxsize=8192)
def _literal_leak(text: str, traits: NameTraits, depth: int = 0) -> Leak | None:
    kind = secret_in_text(text)
    if kind is not None:
        return Leak(kind)
    if depth < _MAX_DEPTH:
        is_json, inner = _json_leak(text, traits, depth)
        if is_json:
            return inner
        decoded = _decoded_text(text)
        if decoded is not None:
            leak = _literal_leak(decoded, traits, depth + 1)
            return Leak(f"base64 of {leak.kind}") if leak and leak.kind else leak
    if _harmless(text, traits):
        return None
    is_url = _URL.fullmatch(text.strip()) is not None
    if is_url and _secret_query(text):
        return Leak("a credential in a URL's query string")
    if _high_entropy(text, traits):
        return Leak(_HIGH_ENTROPY_KIND)
    if is_url or not traits.secret:
        return None
    return Leak(None)


def variable_leak(name: str, value: Any) -> Leak | None:
    """Whether the pair *name* = *value* gives a secret away, and why (or None).

    *value* is a literal or a synthesized intrinsic function; nothing outside it is
    consulted, so the constructs (before synthesis) and the rules (on the template) judge
    a value alike. :func:`variable_problems` adds what only the template can tell.
    """
    return _value_leak(name_traits(name), value)


def _value_leak(traits: NameTraits, value: Any) -> Leak | None:
    if value is None:
        return None
    if intrinsic_name(value) is None and not isinstance(value, (Mapping, list)):
        return _literal_leak(str(value), traits)
    joined = _literal_text(value)
    if joined is not None:
        leak = _literal_leak(joined, traits)
        return Leak(None, literal_only=True) if leak is not None and leak.kind is None else leak
    kind = secret_in_value(value)
    if kind is not None:
        return Leak(kind)
    if any(_high_entropy(part, traits) for part in _literal_parts(value)):
        return Leak(_HIGH_ENTROPY_KIND)
    return None


# -- values of a synthesized template -------------------------------------------------------

#: (resource type, ``Fn::GetAtt`` attribute) pairs whose value is a secret.
SECRET_ATTRIBUTES: Mapping[tuple[str, str], str] = {
    ("AWS::IAM::AccessKey", "SecretAccessKey"): "an IAM user's secret access key",
    ("AWS::AppSync::ApiKey", "ApiKey"): "an AppSync API key",
    ("AWS::Cognito::UserPoolClient", "ClientSecret"): "a Cognito app client secret",
}


def _flatten(value: Any) -> str:
    # Imported on use: importing aspects.rules loads the rule modules, which import this one.
    from aspects.rules._common import flatten

    return flatten(value)


def _literal_text(value: Any) -> str | None:
    """The text of a ``Fn::Join``/``Fn::Sub`` without any reference: a literal in disguise."""
    name = intrinsic_name(value)
    if name == "Fn::Join":
        args = value["Fn::Join"]
        if (
            isinstance(args, list)
            and len(args) == 2
            and isinstance(args[0], str)
            and isinstance(args[1], list)
            and all(isinstance(p, str) for p in args[1])
        ):
            return args[0].join(args[1])
    if name == "Fn::Sub":
        args = value["Fn::Sub"]
        if isinstance(args, str) and "${" not in args.replace("${!", ""):
            return args.replace("${!", "${")
    return None


def _literal_parts(value: Any) -> Iterator[str]:
    """The literal strings inside an expression (``Fn::Sub`` text without its ``${...}``)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, Mapping):
            name = intrinsic_name(item)
            if name in ("Ref", "Fn::GetAtt", "Fn::ImportValue"):
                continue
            if name == "Fn::Sub":
                args = item["Fn::Sub"]
                text, names = (args, None) if isinstance(args, str) else (args[0], args[1])
                yield from re.split(r"\$\{[^!}][^}]*\}", str(text))
                if isinstance(names, Mapping):
                    stack.extend(names.values())
            else:
                stack.extend(item.values())


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


def variable_problems(
    view: ResourceView, name: str | None, value: Any, what: str, *, path: str | None = None
) -> tuple[list[Problem], CannotVerify | None]:
    """Whether the pair *name* = *value* of a template puts a secret in plaintext.

    The one judgement of environment-like values for every rule (Lambda environment
    variables, ECS container environments, SSM parameters): :func:`variable_leak`, plus
    ``Fn::GetAtt`` of a secret attribute, plus "cannot verify" for a secret-looking name
    whose value comes from a parameter or a foreign import.

    Parameters
    ----------
    view:
        The resource holding the value.
    name:
        The variable's name, e.g. ``"DB_PASSWORD"``, or None when it is only known at
        deploy time: then a value that would be a secret under a secret-looking name
        cannot be verified.
    value:
        The value as synthesized (a literal or an intrinsic function).
    what:
        Where it is, the subject of the messages, e.g. ``"Environment.Variables.DB_PASSWORD"``.
    path:
        The property path of the problems (default ``Properties.<what>``).

    Returns
    -------
    The problems, and a reason the value cannot be verified (to raise after reporting
    the problems of the other values of the resource), or None.
    """
    where = path if path is not None else f"Properties.{what}"
    if value is None:
        return [], None
    if name is None:
        found, _ = variable_problems(view, "", value, what, path=path)
        if found or _value_leak(NameTraits(secret=True), value) is None:
            return found, None
        return [], CannotVerify(
            f"{what} has a name only known at deploy time and a literal value, so whether "
            "it holds a secret cannot be verified",
            what,
        )
    leak = variable_leak(name, value)
    if leak is not None and leak.kind is not None:
        return [Problem(f"{what} {leak.predicate}", where)], None
    problems: list[Problem] = []
    if intrinsic_name(value) is not None or isinstance(value, (Mapping, list)):
        for logical_id, attribute in _get_atts(value):
            resource = view.template.resources.get(logical_id)
            label = SECRET_ATTRIBUTES.get((str((resource or {}).get("Type")), attribute))
            if label is not None:
                problems.append(
                    Problem(f"{what} reads {logical_id}.{attribute}, {label}, in plaintext", where)
                )
    if problems:
        return problems, None
    if leak is not None:
        return [Problem(f"{what} {leak.predicate}", where)], None
    if is_secret_name(name):
        return [], next(_unknown_sources(view, value, what), None)
    return [], None
