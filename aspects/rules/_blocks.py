r"""Building blocks for the recurring checks, so a rule is a few lines of data around them.

Each block reads one setting at a dotted path of ``Properties``, resolves it through
:class:`~aspects.index.ResourceView` (parameters, mappings, imports, ``Fn::If`` variants)
and yields :class:`~aspects.model.Problem`\\ s that name the property and the value, or
raises :class:`~aspects.model.CannotVerify` when the value is only known at deploy time.
The other shared checks live in :mod:`aspects.rules._common`: customer-managed keys
(:func:`~aspects.rules._common.kms_key_problems`), retention on delete
(:func:`~aspects.rules._common.retention_problems`) and open resource policies
(:func:`~aspects.rules._common.open_allows`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from aspects.constants import GUARANTEES_METADATA
from aspects.index import AppIndex, ResourceView
from aspects.model import CannotVerify, Problem
from aspects.values import dig, intrinsic_name


def setting(r: ResourceView, path: str) -> Any:
    """The raw value at a dotted path of ``Properties`` (``"A.B.C"``, ``"A.0.B"``), or None.

    A number step indexes a list (``MethodSettings.0.DataTraceEnabled``).

    A step that is itself an intrinsic (``{"Fn::If": ...}`` was expanded already, but a
    parameter may stand for a whole object) raises :class:`CannotVerify`.
    """
    current: Any = r.props
    walked: list[str] = []
    for step in path.split("."):
        if intrinsic_name(current) is not None:
            raise CannotVerify(
                f"{'.'.join(walked)} is set by an expression, so {path} is only known at "
                "deploy time",
                f"Properties.{'.'.join(walked)}",
            )
        walked.append(step)
        current = dig(current, int(step) if step.isdigit() and isinstance(current, list) else step)
        if current is None:
            return None
    return current


def must_be_true(
    r: ResourceView, path: str, why: str, *, default: bool = False
) -> Iterator[Problem]:
    """``path`` must be ``true``; *default* is what AWS does when it is not set."""
    value = setting(r, path)
    if value is None:
        if not default:
            yield Problem(f"{path} is not set (AWS defaults to false): {why}", f"Properties.{path}")
        return
    if not r.bool(value, path):
        yield Problem(f"{path} is false: {why}", f"Properties.{path}")


def must_be_false(
    r: ResourceView, path: str, why: str, *, default: bool = False
) -> Iterator[Problem]:
    """``path`` must be ``false``; *default* is what AWS does when it is not set."""
    value = setting(r, path)
    if value is None:
        if default:
            yield Problem(f"{path} is not set (AWS defaults to true): {why}", f"Properties.{path}")
        return
    if r.bool(value, path):
        yield Problem(f"{path} is true: {why}", f"Properties.{path}")


def must_be_one_of(
    r: ResourceView,
    path: str,
    allowed: Iterable[str],
    why: str,
    *,
    default: str | None = None,
    case_sensitive: bool = False,
) -> Iterator[Problem]:
    """``path`` must be one of *allowed*; *default* is what AWS uses when it is not set."""
    options = tuple(allowed)
    value = setting(r, path)
    if value is None:
        if default is None or not _member(default, options, case_sensitive):
            shown = f"AWS uses {default!r}" if default is not None else "nothing is chosen"
            yield Problem(
                f"{path} is not set ({shown}): {why}; use {' or '.join(options)}",
                f"Properties.{path}",
            )
        return
    chosen = str(r.literal(value, path))
    if not _member(chosen, options, case_sensitive):
        yield Problem(
            f"{path} is {chosen!r}: {why}; use {' or '.join(options)}", f"Properties.{path}"
        )


def must_start_with(
    r: ResourceView, path: str, prefixes: Iterable[str], why: str, *, default: str | None = None
) -> Iterator[Problem]:
    """``path`` must start with one of *prefixes* (policy families such as TLS policies)."""
    options = tuple(prefixes)
    value = setting(r, path)
    if value is None:
        if default is None or not default.startswith(options):
            shown = f"AWS uses {default!r}" if default is not None else "nothing is chosen"
            yield Problem(f"{path} is not set ({shown}): {why}", f"Properties.{path}")
        return
    chosen = str(r.literal(value, path))
    if not chosen.startswith(options):
        yield Problem(f"{path} is {chosen!r}: {why}", f"Properties.{path}")


def must_be_at_least(
    r: ResourceView, path: str, minimum: int, why: str, *, default: int | None = None
) -> Iterator[Problem]:
    """``path`` must be an integer ``>= minimum``; *default* is AWS's when not set."""
    value = setting(r, path)
    if value is None:
        if default is None or default < minimum:
            shown = f"AWS uses {default}" if default is not None else "no value"
            yield Problem(
                f"{path} is not set ({shown}): {why}; set at least {minimum}",
                f"Properties.{path}",
            )
        return
    number = r.int(value, path)
    if number < minimum:
        yield Problem(f"{path} is {number}: {why}; set at least {minimum}", f"Properties.{path}")


def must_be_set(r: ResourceView, path: str, why: str) -> Iterator[Problem]:
    """``path`` must be present and not empty (a destination, a configuration block)."""
    value = setting(r, path)
    if value is None or value in ("", [], {}):
        yield Problem(f"{path} is not set: {why}", f"Properties.{path}")


def declared(r: ResourceView, name: str) -> Any:
    """What the resource's construct declared under *name* in its metadata, or None.

    Secure* constructs record guarantees a template cannot show on its own (the egress a
    group allows, that a function stays in its VPC...) under
    :data:`~aspects.constants.GUARANTEES_METADATA`; rules hold the template to them.
    """
    metadata = r.resource.get("Metadata")
    guarantees = metadata.get(GUARANTEES_METADATA) if isinstance(metadata, Mapping) else None
    return guarantees.get(name) if isinstance(guarantees, Mapping) else None


T = TypeVar("T")


def app_cache(app: AppIndex, name: str, compute: Callable[[AppIndex], T]) -> T:
    """A relation across the app's resources, computed once per check of an app.

    For rule modules that need to know about other resources (which stages a WebACL
    protects, which file systems have a policy...): ``app_cache(r.app, "efs_policies",
    _efs_policies)`` calls ``_efs_policies(app)`` on first use and returns the same value
    for every other resource. *name* must be unique across rule modules (prefix it with
    the module's service).
    """
    store: dict[str, Any] = app.__dict__.setdefault("_rule_relations", {})
    if name not in store:
        store[name] = compute(app)
    found: T = store[name]
    return found


def _member(value: str, options: tuple[str, ...], case_sensitive: bool) -> bool:
    if case_sensitive:
        return value in options
    return value.lower() in {o.lower() for o in options}


__all__ = [
    "app_cache",
    "declared",
    "must_be_at_least",
    "must_be_false",
    "must_be_one_of",
    "must_be_set",
    "must_be_true",
    "must_start_with",
    "setting",
]
