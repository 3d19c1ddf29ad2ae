"""Your own rules beside the built-in ones: validated, run by the same engine, fail closed.

A custom rule is an :class:`aspects.Rule`, exactly like the built-in rules (see
``docs/custom-rules.md``). Pass them to ``SecurityGuardrails(extra_rules=[...])`` (which
gives them to :meth:`aspects.plugin.GuardrailsPlugin.add_scope` for its scope),
``secure-constructs scan --rules-module my_rules`` (a module exposing ``RULES``) or
:func:`aspects.testing.check_template`. Before they run they are checked
(:func:`prepare_rules`): a rule id the catalogue already has, given twice or starting with
the reserved ``SC-`` prefix, or a field of the wrong kind, raises one
:class:`~aspects.errors.SecureConstructsError` listing every problem, one line each, each
naming the rule. A check that raises (a bug in the rule) never stops the scan: the resource
gets a *cannot verify* finding of that rule that names the exception and where it was
raised, so an error rule still fails synthesis until the rule is fixed.

This module imports neither ``aws_cdk`` nor ``jsii``.
"""

from __future__ import annotations

import importlib
import re
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableSequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from aspects.coverage import in_scope
from aspects.engine import Selection
from aspects.errors import Issue, SecureConstructsError
from aspects.index import ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule
from aspects.rules import RULES_BY_ID

#: Ids of custom rules: a letter, then letters, digits, ``-``, ``_`` or ``.``.
RULE_ID = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,63}")
#: The prefix of the built-in rules, which a custom rule may not use (a later release may
#: add a rule of the same id).
RESERVED_PREFIX = "SC-"


@dataclass(frozen=True)
class RuleFailure:
    """A custom check that raised on one resource (kept by :func:`prepare_rules`)."""

    rule_id: str
    logical_id: str
    exception: BaseException

    def __str__(self) -> str:
        return f"rule {self.rule_id} raised on {self.logical_id}: {_describe(self.exception)}"


def is_reserved(rule_id: str) -> bool:
    """Whether *rule_id* starts with the built-in rules' prefix, in any case (``sc-x``)."""
    return rule_id[: len(RESERVED_PREFIX)].upper() == RESERVED_PREFIX


def is_builtin(rule: Rule) -> bool:
    """Whether *rule* is the catalogue's own rule of that id (not a custom one)."""
    return RULES_BY_ID.get(rule.id) is rule


def rule_issues(
    rules: Iterable[Any], *, pillars: Iterable[Pillar] = tuple(Pillar), where: str = ""
) -> list[Issue]:
    """Every problem with *rules* as custom rules, one :class:`Issue` per problem.

    Built-in rules (the catalogue's own objects) are accepted as they are. *pillars* are
    those the caller runs (``DetectionGuardrails`` runs only detection rules).
    """
    chosen = frozenset(pillars)
    issues: list[Issue] = []
    seen: dict[str, Rule] = {}
    for position, rule in enumerate(rules):
        if not isinstance(rule, Rule):
            issues.append(
                Issue(
                    "SC-RULE-1",
                    f"rules[{position}]",
                    f"{rule!r} is not an aspects.Rule.",
                    "build each rule with aspects.Rule(id=..., check=...) (docs/custom-rules.md).",
                )
            )
            continue
        name = f"rule {rule.id}"
        if rule.id in seen and seen[rule.id] is not rule:
            issues.append(
                Issue(
                    "SC-RULE-2",
                    f"{name}.id",
                    f"{rule.id!r} is the id of two different custom rules.",
                    "give every rule its own id.",
                )
            )
        seen.setdefault(rule.id, rule)
        if is_builtin(rule):
            continue
        if rule.id in RULES_BY_ID:
            issues.append(
                Issue(
                    "SC-RULE-2",
                    f"{name}.id",
                    f"{rule.id!r} is the id of a built-in rule ({RULES_BY_ID[rule.id].title}).",
                    "give your rule its own id, e.g. with your organisation's prefix (ACME-S3-1).",
                )
            )
        elif is_reserved(rule.id) or not RULE_ID.fullmatch(rule.id):
            issues.append(
                Issue(
                    "SC-RULE-3",
                    f"{name}.id",
                    f"{rule.id!r} is not a custom rule id.",
                    f"use a letter, then letters, digits, '-', '_' or '.' (at most 64), not "
                    f"starting with {RESERVED_PREFIX!r} in any case (reserved for the built-in "
                    "rules).",
                )
            )
        if not rule.resource_types:
            issues.append(
                Issue(
                    "SC-RULE-3",
                    f"{name}.resource_types",
                    "() names no resource type, so the rule would never run.",
                    "name the CloudFormation types it judges, e.g. ('AWS::S3::Bucket',).",
                )
            )
        if rule.pillar not in chosen:
            issues.append(
                Issue(
                    "SC-RULE-4",
                    f"{name}.pillar",
                    f"{rule.pillar} is not among the pillars these guardrails run "
                    f"({', '.join(sorted(p.value for p in chosen))}).",
                    "add the rule to SecurityGuardrails, or to the guardrails of its pillar.",
                )
            )
    return issues


def prepare_rules(
    rules: Iterable[Any],
    where: str,
    *,
    pillars: Iterable[Pillar] = tuple(Pillar),
    failures: MutableSequence[RuleFailure] | None = None,
) -> tuple[Rule, ...]:
    """Check *rules* (see :func:`rule_issues`) and make each custom check fail closed.

    Returns the rules to run: built-in ones unchanged, custom ones with their check
    wrapped so an exception (or a check that returns something other than an iterable of
    :class:`~aspects.model.Problem`) becomes *cannot verify* naming the rule; each such
    failure is also appended to *failures* when given.

    Raises
    ------
    SecureConstructsError
        Every problem found, one line each, each naming the rule (codes ``SC-RULE-*``).
    """
    if isinstance(rules, Rule | str | bytes) or not isinstance(rules, Iterable):
        raise SecureConstructsError(
            where,
            [
                Issue(
                    "SC-RULE-1",
                    "rules",
                    f"{rules!r} is not a list of rules.",
                    "pass a list or tuple of aspects.Rule, e.g. extra_rules=[MY_RULE].",
                )
            ],
        )
    listed = list(rules)
    issues = rule_issues(listed, pillars=pillars)
    if issues:
        raise SecureConstructsError(where, issues)
    out: dict[str, Rule] = {}
    for rule in listed:
        out.setdefault(rule.id, rule if is_builtin(rule) else _fail_closed(rule, failures))
    return tuple(out.values())


def _fail_closed(rule: Rule, failures: MutableSequence[RuleFailure] | None) -> Rule:
    original = rule.check

    def check(view: ResourceView) -> Iterator[Problem]:
        try:
            found = original(view)
            if found is None or isinstance(found, str | bytes | Problem):
                raise TypeError(
                    f"the check returned {found!r}; it must yield Problem objects (or return "
                    "a list of them)"
                )
            for problem in found:
                if not isinstance(problem, Problem):
                    raise TypeError(f"the check yielded {problem!r}, not an aspects.Problem")
                yield problem
        except CannotVerify:
            raise
        except Exception as exc:  # a bug in the rule: fail closed, naming it
            if failures is not None:
                failures.append(RuleFailure(rule.id, view.logical_id, exc))
            raise CannotVerify(
                f"the check of custom rule {rule.id} raised {_describe(exc)}, so this resource "
                "is not verified until the rule is fixed"
            ) from exc

    check.__doc__ = original.__doc__
    check.__wrapped__ = original  # type: ignore[attr-defined]
    return replace(rule, check=check)


def _describe(exc: BaseException) -> str:
    """``KeyError: 'Foo' (my_rules.py:12)``: the exception and the rule's line, one line."""
    detail = " ".join(str(exc).split())[:200]
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if Path(f.filename) != Path(__file__)]
    where = f" ({Path(mine[-1].filename).name}:{mine[-1].lineno})" if mine else ""
    return f"{type(exc).__name__}: {detail}{where}" if detail else f"{type(exc).__name__}{where}"


# -- loading a module of rules (secure-constructs scan --rules-module) -------------------------


class RulesModuleError(Exception):
    """A ``--rules-module`` that cannot be used: one line naming the module and the problem."""


def load_rules_module(name: str) -> tuple[Rule, ...]:
    """Import *name* (a module on ``sys.path`` or in the current directory) and read RULES.

    Raises
    ------
    RulesModuleError
        The module cannot be imported, has no ``RULES``, or a rule in it is invalid.
    """
    added = str(Path.cwd())
    put_cwd = added not in sys.path
    if put_cwd:
        sys.path.insert(0, added)
    try:
        module = importlib.import_module(name)
    except Exception as exc:
        raise RulesModuleError(f"{name}: cannot be imported ({_describe(exc)})") from None
    finally:
        if put_cwd:
            sys.path.remove(added)
    rules = getattr(module, "RULES", None)
    if rules is None:
        raise RulesModuleError(f"{name}: has no RULES (a list or tuple of aspects.Rule)")
    try:
        return prepare_rules(rules, name)
    except SecureConstructsError as exc:
        raise RulesModuleError(f"{name}: {'; '.join(map(str, exc.issues))}") from None


# -- running them -----------------------------------------------------------------------------


def extend_selection(
    selection: Selection, stack_path: str, extra: Mapping[str, tuple[Rule, ...]]
) -> Selection:
    """*selection* plus the custom rules of the scopes (construct path -> rules) for a stack.

    A scope that holds the stack adds its rules to the whole stack; a scope inside it adds
    them to the resources at or below that construct (as the pillars of that scope do).
    """
    whole = {rule.id: rule for rule in selection.whole}
    subtrees = list(selection.subtrees)
    for scope, rules in extra.items():
        if in_scope(stack_path, scope):
            whole.update((rule.id, rule) for rule in rules)
        elif scope.startswith(stack_path + "/"):
            subtrees.append((scope, rules))
    return Selection(tuple(whole.values()), tuple(subtrees))


def same_rule(first: Rule, second: Rule) -> bool:
    """Whether two (prepared) rules are one rule: the same fields and the same check.

    ``Rule`` equality leaves the check out, and :func:`prepare_rules` wraps each check, so
    the check is compared through the wrapper to the function the user wrote.
    """
    return first == second and _origin(first.check) is _origin(second.check)


def _origin(check: Callable[..., Any]) -> Callable[..., Any]:
    return getattr(check, "__wrapped__", check)


__all__ = [
    "RESERVED_PREFIX",
    "RULE_ID",
    "RuleFailure",
    "RulesModuleError",
    "extend_selection",
    "is_builtin",
    "is_reserved",
    "load_rules_module",
    "prepare_rules",
    "rule_issues",
    "same_rule",
]
