"""Adopting the guardrails on an existing app: what blocks, baselines, honest acknowledgments.

Three things decide whether a finding blocks (fails ``cdk synth`` or exits ``scan`` with 1):

* the **fail-on level** (:class:`FailOn`): ``"error"`` (the default) blocks on unacknowledged
  errors, ``"warning"`` on warnings too, ``"never"`` on nothing (report-only); a level per
  pillar may differ from the default (adopt one pillar at a time);
* the **baseline** (:class:`Baseline`): a file of the findings an app had when it adopted
  the guardrails. A finding that matches an entry is reported as *baselined* and does not
  block; only new findings do. Entries that match nothing any more are reported as stale,
  so ``secure-constructs baseline prune`` can shrink the file;
* **acknowledgments** (:func:`audit_acknowledgments`): those recorded by
  :func:`aspects.acknowledge` may expire (``until=``) or cover one property only
  (``property=``); one that matches no finding is reported as stale.

A finding's identity in a baseline is its rule id, stack, construct path (the logical id
when the template has no construct paths) and property path: never its message or a line
number, so rewording a message or moving a resource in a file keeps the baseline valid.

This module imports neither ``aws_cdk`` nor ``jsii`` (the command line uses it).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from aspects.assembly import InputError
from aspects.constants import (
    ACKNOWLEDGED_RULES_METADATA,
    MIN_REASON_LENGTH,
    PLUGIN_NAME,
    VERSION,
)
from aspects.coverage import in_scope
from aspects.engine import Evaluation
from aspects.errors import Issue
from aspects.index import StackTemplate, normalise_ack_id
from aspects.model import Finding, IgnoredAcknowledgment, Pillar, Severity

#: The fail-on levels, as ``secure-constructs scan --fail-on`` spells them.
FAIL_ON = ("error", "warning", "never")
#: The default baseline file name (``secure-constructs baseline create --output``).
BASELINE_FILE = ".secure-constructs-baseline.json"
#: The baseline file format this version writes and reads.
BASELINE_FORMAT = 1
#: Construct metadata in which :func:`aspects.acknowledge` records the terms of an
#: acknowledgment (its reason, ``until`` and ``property``) beside CDK's own record. Apps in
#: other languages may write it too: ``node.addMetadata("SecureConstructs::Acknowledgment",
#: {ruleId, reason, until?, property?})`` next to ``Validations.of(x).acknowledge(...)``.
ACKNOWLEDGMENT_METADATA = f"{PLUGIN_NAME}::Acknowledgment"
#: Findings about the checker itself (a transform nobody expanded, a type nobody judged, a
#: nested stack template nobody read): a baseline cannot accept them, just as an
#: acknowledgment cannot.
NOT_BASELINED = frozenset({"SC-CFN-1", "SC-CFN-3", "SC-COV-1"})

_RANK = {"never": 0, "error": 1, "warning": 2}


def stricter(first: str, second: str) -> str:
    """The stricter of two fail-on levels (``warning`` > ``error`` > ``never``)."""
    return first if _RANK[first] >= _RANK[second] else second


@dataclass(frozen=True)
class FailOn:
    """When an unacknowledged finding blocks: a default level and levels per pillar.

    Parameters
    ----------
    default:
        ``"error"``, ``"warning"`` or ``"never"`` (report-only).
    pillars:
        ``(pillar, level)`` pairs that replace *default* for the findings of that pillar.
    """

    default: str = "error"
    pillars: tuple[tuple[Pillar, str], ...] = ()

    def level(self, pillar: Pillar) -> str:
        """The level for findings of *pillar*."""
        return dict(self.pillars).get(pillar, self.default)

    def describe(self) -> str:
        """E.g. ``error (detection: never)``."""
        extra = ", ".join(f"{pillar}: {level}" for pillar, level in self.pillars)
        return f"{self.default} ({extra})" if extra else self.default

    def data(self) -> dict[str, Any]:
        """As plain data for the reports."""
        return {"default": self.default, "pillars": {str(p): lvl for p, lvl in self.pillars}}


def reaches(level: str, finding: Finding) -> bool:
    """Whether an unacknowledged *finding* is at or above fail-on *level*."""
    if level == "never":
        return False
    return level == "warning" or finding.severity is Severity.ERROR


def fail_on_policy(
    fail_on: object, fail_on_pillars: object, *, option: str = "fail_on"
) -> tuple[FailOn, list[Issue]]:
    """Check ``fail_on`` and ``fail_on_pillars``; returns the policy and every problem."""
    issues: list[Issue] = []
    default = "error"
    if isinstance(fail_on, str) and fail_on in FAIL_ON:
        default = fail_on
    else:
        issues.append(
            Issue(
                "SC-GUARD-6",
                option,
                f"{fail_on!r} is not a fail-on level.",
                f"pass one of {', '.join(map(repr, FAIL_ON))} (as `scan --fail-on`).",
            )
        )
    pairs: list[tuple[Pillar, str]] = []
    if fail_on_pillars is not None and not isinstance(fail_on_pillars, Mapping):
        issues.append(
            Issue(
                "SC-GUARD-6",
                f"{option}_pillars",
                f"{fail_on_pillars!r} is not a mapping of pillar to level.",
                "pass e.g. {Pillar.DETECTION: 'never'}.",
            )
        )
    for key, level in (
        (fail_on_pillars or {}).items() if isinstance(fail_on_pillars, Mapping) else ()
    ):
        try:
            pillar = Pillar(key)
        except ValueError:
            allowed = ", ".join(p.value for p in Pillar)
            issues.append(
                Issue(
                    "SC-GUARD-6",
                    f"{option}_pillars",
                    f"{key!r} is not a pillar.",
                    f"use one of {allowed} (or aspects.Pillar).",
                )
            )
            continue
        if not isinstance(level, str) or level not in FAIL_ON:
            issues.append(
                Issue(
                    "SC-GUARD-6",
                    f"{option}_pillars[{pillar.value!r}]",
                    f"{level!r} is not a fail-on level.",
                    f"pass one of {', '.join(map(repr, FAIL_ON))}.",
                )
            )
            continue
        pairs.append((pillar, level))
    ordered = tuple(sorted(dict(pairs).items(), key=lambda pair: list(Pillar).index(pair[0])))
    return FailOn(default, ordered), issues


# -- the baseline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaselineEntry:
    """One accepted finding: its identity, plus its severity and message for the reader.

    Only ``rule_id``, ``stack``, ``construct_path`` (else ``logical_id``) and
    ``property_path`` identify it; the message is never compared.
    """

    rule_id: str
    stack: str
    construct_path: str | None
    logical_id: str
    property_path: str
    severity: str = ""
    message: str = ""

    @classmethod
    def of(cls, finding: Finding) -> BaselineEntry:
        """The entry that accepts *finding*."""
        return cls(
            finding.rule.id,
            finding.stack_path,
            finding.construct_path,
            finding.logical_id,
            finding.property_path,
            str(finding.severity),
            finding.message,
        )

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """``(rule id, stack, construct path or logical id, property path)``."""
        return (
            self.rule_id,
            self.stack,
            self.construct_path or self.logical_id,
            self.property_path,
        )

    def matches(self, finding: Finding) -> bool:
        """Whether *finding* is the one this entry accepted (by identity, not message)."""
        if (finding.rule.id, finding.stack_path, finding.property_path) != (
            self.rule_id,
            self.stack,
            self.property_path,
        ):
            return False
        if self.construct_path and finding.construct_path:
            return self.construct_path == finding.construct_path
        return self.logical_id == finding.logical_id

    def data(self) -> dict[str, Any]:
        """As written in the baseline file."""
        return {
            "ruleId": self.rule_id,
            "stack": self.stack,
            "constructPath": self.construct_path,
            "logicalId": self.logical_id,
            "propertyPath": self.property_path,
            "severity": self.severity,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = self.construct_path or f"{self.stack}/{self.logical_id}"
        prop = f" {self.property_path}" if self.property_path else ""
        return f"{self.rule_id} {where}{prop}"


def baselinable(finding: Finding) -> bool:
    """Whether a baseline may accept *finding*: unacknowledged, about a resource."""
    return not finding.acknowledged and finding.rule.id not in NOT_BASELINED


@dataclass(frozen=True)
class Baseline:
    """The findings an app had when it adopted the guardrails (see the module docstring).

    Parameters
    ----------
    entries:
        The accepted findings, one entry per identity.
    source:
        The file it was read from ("" when built in memory).
    """

    entries: tuple[BaselineEntry, ...]
    source: str = ""

    @classmethod
    def of(cls, evaluation: Evaluation) -> Baseline:
        """Every unacknowledged finding of *evaluation* (errors and warnings), deduplicated."""
        entries: dict[tuple[str, str, str, str], BaselineEntry] = {}
        for finding in evaluation.findings:
            if baselinable(finding):
                entry = BaselineEntry.of(finding)
                entries.setdefault(entry.identity, entry)
        return cls(tuple(sorted(entries.values(), key=lambda e: e.identity)))

    @classmethod
    def load(cls, path: str | Path) -> Baseline:
        """Read a baseline file; :class:`aspects.assembly.InputError` names what is wrong."""
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(
                file, "no such baseline file (create it with `secure-constructs baseline create`)"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(file, f"cannot be read ({exc})") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(file, f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
        if not isinstance(data, dict) or data.get("format") != BASELINE_FORMAT:
            raise InputError(
                file,
                f"is not a secure-constructs baseline (expected an object with format "
                f"{BASELINE_FORMAT})",
            )
        rows = data.get("findings")
        if not isinstance(rows, list):
            raise InputError(file, "'findings' is not a list")
        entries: list[BaselineEntry] = []
        for number, row in enumerate(rows):
            entries.append(_entry(file, number, row))
        return cls(tuple(entries), str(file))

    def matching(self, finding: Finding) -> BaselineEntry | None:
        """The entry that accepts *finding*, if any."""
        if not baselinable(finding):
            return None
        return next(
            (e for e in self._by_rule().get(finding.rule.id, ()) if e.matches(finding)), None
        )

    def _by_rule(self) -> dict[str, list[BaselineEntry]]:
        cached: dict[str, list[BaselineEntry]] | None = self.__dict__.get("_index")
        if cached is None:
            cached = {}
            for entry in self.entries:
                cached.setdefault(entry.rule_id, []).append(entry)
            object.__setattr__(self, "_index", cached)
        return cached

    def without(self, removed: Iterable[BaselineEntry]) -> Baseline:
        """The baseline without *removed* (``baseline prune``)."""
        gone = set(removed)
        return Baseline(tuple(e for e in self.entries if e not in gone), self.source)

    def dumps(self) -> str:
        """The file's text: sorted, indented, one entry per identity (reviewable diffs)."""
        unique = {e.identity: e for e in self.entries}
        data = {
            "format": BASELINE_FORMAT,
            "tool": f"{PLUGIN_NAME} {VERSION}",
            "about": "Findings accepted when the guardrails were adopted: they are reported "
            "as baselined and do not block; new findings do. Identity: ruleId, stack, "
            "constructPath (else logicalId) and propertyPath; severity and message are "
            "for the reader. Shrink it with `secure-constructs baseline prune`.",
            "findings": [unique[key].data() for key in sorted(unique)],
        }
        return json.dumps(data, indent=2) + "\n"


def _entry(file: Path, number: int, row: Any) -> BaselineEntry:
    where = f"findings[{number}]"
    if not isinstance(row, dict):
        raise InputError(file, f"{where} is not an object")
    values: dict[str, str] = {}
    for key in ("ruleId", "stack", "logicalId", "propertyPath"):
        value = row.get(key, "" if key == "propertyPath" else None)
        if not isinstance(value, str) or (key != "propertyPath" and not value):
            raise InputError(file, f"{where}.{key} is missing or not a string")
        values[key] = value
    construct = row.get("constructPath")
    if construct is not None and not isinstance(construct, str):
        raise InputError(file, f"{where}.constructPath is not a string")
    return BaselineEntry(
        values["ruleId"],
        values["stack"],
        construct or None,
        values["logicalId"],
        values["propertyPath"],
        str(row.get("severity") or ""),
        str(row.get("message") or ""),
    )


# -- acknowledgments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AcknowledgmentRecord:
    """One acknowledgment of one rule at one construct path, with its terms.

    Parameters
    ----------
    where:
        The construct path it is attached to (covers everything below).
    rule_id:
        The rule acknowledged (without the ``SecureConstructs::`` prefix).
    reason:
        The written reason.
    until:
        The last day it holds (ISO date), or None: it never expires.
    property_path:
        The property path it covers (``Properties.X`` and anything below it, items
        ``Properties.X[0]`` included), or None:
        every finding of the rule on the construct and below.
    """

    where: str
    rule_id: str
    reason: str
    until: str | None = None
    property_path: str | None = None

    def expired(self, today: dt.date) -> bool:
        """Whether *today* is after the last day it holds."""
        return self.until is not None and _date(self.until) < today

    def covers_property(self, property_path: str) -> bool:
        """Whether a finding at *property_path* is in its reach."""
        if self.property_path is None:
            return True
        return property_path == self.property_path or property_path.startswith(
            (self.property_path + ".", self.property_path + "[")
        )

    def covers(self, finding: Finding) -> bool:
        """Whether *finding* is in its reach (rule, construct path, property), expiry aside."""
        return (
            finding.rule.id == self.rule_id
            and finding.construct_path is not None
            and in_scope(finding.construct_path, self.where)
            and self.covers_property(finding.property_path)
        )

    @property
    def ack_id(self) -> str:
        """The id CDK records (``SecureConstructs::<rule id>``)."""
        return f"{PLUGIN_NAME}::{self.rule_id}"

    def data(self) -> dict[str, Any]:
        """As plain data for the reports."""
        return {
            "ruleId": self.rule_id,
            "at": self.where,
            "reason": self.reason,
            "until": self.until,
            "property": self.property_path,
        }

    def __str__(self) -> str:
        terms = "".join(
            [
                f" property {self.property_path}" if self.property_path else "",
                f" until {self.until}" if self.until else "",
            ]
        )
        return f"{self.ack_id} at {self.where or '<app>'}{terms}"


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def parse_until(value: object) -> tuple[str | None, str | None]:
    """``until`` as an ISO date string, and the problem if it is not one."""
    if value is None:
        return None, None
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), None
    if isinstance(value, dt.date):
        return value.isoformat(), None
    if isinstance(value, str):
        try:
            return _date(value.strip()).isoformat(), None
        except ValueError:
            pass
    return None, f"{value!r} is not a date (write it as YYYY-MM-DD, e.g. '2027-03-31')"


@dataclass(frozen=True)
class AcknowledgmentAudit:
    """What the acknowledgments of an app did.

    Parameters
    ----------
    stale:
        ``(acknowledgment, why)`` for each that matches no finding: remove it.
    expired:
        ``(acknowledgment, findings it would cover)`` for each whose ``until`` has passed;
        the findings block again.
    unpaired:
        Terms recorded without CDK's acknowledgment beside them (not honoured).
    """

    stale: tuple[tuple[AcknowledgmentRecord, str], ...] = ()
    expired: tuple[tuple[AcknowledgmentRecord, int], ...] = ()
    unpaired: tuple[AcknowledgmentRecord, ...] = ()


def _records(
    stacks: Iterable[StackTemplate],
) -> tuple[list[AcknowledgmentRecord], list[AcknowledgmentRecord]]:
    """Every honoured acknowledgment of the guardrails in *stacks*, and unpaired terms.

    CDK's record (``aws:cdk:acknowledged-rules``, a reason of 20+ characters) is what CDK and
    the engine act on; the terms :func:`aspects.acknowledge` records beside it
    (:data:`ACKNOWLEDGMENT_METADATA`) narrow it (``until``, ``property``). Several records of
    one rule at one construct (``property=`` twice) are each kept.
    """
    native: dict[tuple[str, str], str] = {}
    terms: dict[tuple[str, str], list[AcknowledgmentRecord]] = {}
    for stack in stacks:
        for raw_path, entries in stack.metadata.items():
            path = raw_path.strip("/")
            for entry in entries or ():
                if not isinstance(entry, Mapping) or not isinstance(entry.get("data"), Mapping):
                    continue
                data = entry["data"]
                if entry.get("type") == ACKNOWLEDGED_RULES_METADATA:
                    for raw_id, reason in data.items():
                        ack_id = normalise_ack_id(str(raw_id))
                        if not ack_id.startswith(f"{PLUGIN_NAME}::"):
                            continue
                        if isinstance(reason, str) and len(reason.strip()) >= MIN_REASON_LENGTH:
                            rule_id = ack_id.removeprefix(f"{PLUGIN_NAME}::")
                            native.setdefault((path, rule_id), reason.strip())
                elif entry.get("type") == ACKNOWLEDGMENT_METADATA:
                    record = _terms(path, data)
                    if record is not None:
                        key = (path, record.rule_id)
                        known = terms.setdefault(key, [])
                        if record not in known:
                            known.append(record)
    records: list[AcknowledgmentRecord] = []
    for (path, rule_id), reason in native.items():
        records += terms.get((path, rule_id)) or [AcknowledgmentRecord(path, rule_id, reason)]
    unpaired = [r for key, rs in terms.items() if key not in native for r in rs]
    return records, unpaired


def _terms(path: str, data: Mapping[str, Any]) -> AcknowledgmentRecord | None:
    rule_id, reason = data.get("ruleId"), data.get("reason")
    if not isinstance(rule_id, str) or not isinstance(reason, str):
        return None
    until, problem = parse_until(data.get("until"))
    prop = data.get("property")
    # An unreadable date fails closed: the acknowledgment counts as expired long ago.
    return AcknowledgmentRecord(
        path,
        rule_id,
        reason.strip(),
        "0001-01-01" if problem else until,
        prop if isinstance(prop, str) and prop else None,
    )


def audit_acknowledgments(
    evaluation: Evaluation,
    stacks: Sequence[StackTemplate],
    *,
    today: dt.date | None = None,
) -> tuple[Evaluation, AcknowledgmentAudit]:
    """Apply the terms of acknowledgments to *evaluation* and find the stale ones.

    A finding the engine accepted through an acknowledgment stays accepted only if the
    nearest acknowledgment of its rule (walking up from its construct) that has not expired
    and covers its property accepts it. Otherwise the acknowledgment no longer holds: the
    finding is unacknowledged again (it blocks as any other) and names why
    (``ignoredAcknowledgment``). An acknowledgment that matches no finding of a rule that ran
    on a stack that was checked is stale.
    """
    today = today or dt.date.today()
    records, unpaired = _records(stacks)
    by_key: dict[tuple[str, str], list[AcknowledgmentRecord]] = {}
    for record in records:
        by_key.setdefault((record.where, record.rule_id), []).append(record)
    narrowed = any(r.until is not None or r.property_path is not None for r in records)
    findings = list(evaluation.findings)
    ignored = list(evaluation.ignored_acknowledgments)
    if narrowed:
        for number, finding in enumerate(findings):
            findings[number] = _reconsider(finding, by_key, today, ignored)
    ran = {rule.id for rule in evaluation.rules}
    stale: list[tuple[AcknowledgmentRecord, str]] = []
    expired: list[tuple[AcknowledgmentRecord, int]] = []
    for record in records:
        matched = sum(1 for f in findings if record.covers(f))
        if record.expired(today):
            expired.append((record, matched))
        if matched:
            continue
        if not any(in_scope(record.where, stack) for stack in evaluation.stacks):
            continue  # its stack was not checked
        why = _stale_because(record, evaluation, ran)
        if why is not None:
            stale.append((record, why))
    for record in unpaired:
        ignored.append(
            IgnoredAcknowledgment(
                record.where,
                record.ack_id,
                repr(record.reason),
                f"its terms ({ACKNOWLEDGMENT_METADATA}) have no CDK acknowledgment of the rule "
                "beside them; use aspects.acknowledge()",
            )
        )
    audit = AcknowledgmentAudit(tuple(stale), tuple(expired), tuple(unpaired))
    return (
        replace(
            evaluation,
            findings=tuple(findings),
            ignored_acknowledgments=tuple(dict.fromkeys(ignored)),
        ),
        audit,
    )


def _stale_because(
    record: AcknowledgmentRecord, evaluation: Evaluation, ran: set[str]
) -> str | None:
    """Why an acknowledgment on a checked stack that matched nothing is stale, or None.

    A built-in rule that did not run is kept (its pillar was not selected). A custom rule
    is only known by the guardrails that were given it, and :func:`aspects.acknowledge`
    cannot check its id when it is called: an id that no rule run on the record's stack
    has is stale, naming the nearest id, so a typo is seen.
    """
    from aspects.custom_rules import is_reserved
    from aspects.rules import RULES_BY_ID

    rule_id = record.rule_id
    here = {
        ran_id
        for stack in evaluation.stacks
        if in_scope(record.where, stack) or in_scope(stack, record.where)
        for ran_id in evaluation.rules_ran_on(stack)
    }
    if rule_id in ran and (rule_id in RULES_BY_ID or rule_id in here):
        return "it matches no finding: the resource was fixed, removed or renamed"
    if rule_id in RULES_BY_ID:
        return None
    if rule_id in ran:
        return (
            f"rule {rule_id} does not run on this stack: the guardrails here were not given "
            "it (extra_rules=)"
        )
    near = difflib.get_close_matches(rule_id, sorted({*ran, *RULES_BY_ID}), n=1, cutoff=0.8)
    hint = f"; did you mean {near[0]}?" if near else ""
    if is_reserved(rule_id):
        return f"no guardrail rule has this id{hint}"
    return (
        "no rule of this id ran: it is not a built-in rule, and no custom rule of this id was "
        f"given to the guardrails (extra_rules=, scan --rules-module){hint}"
    )


def _reconsider(
    finding: Finding,
    by_key: Mapping[tuple[str, str], list[AcknowledgmentRecord]],
    today: dt.date,
    ignored: list[IgnoredAcknowledgment],
) -> Finding:
    if finding.construct_path is None:
        return finding
    parts = finding.construct_path.split("/")
    miss: tuple[AcknowledgmentRecord, str] | None = None
    for end in range(len(parts), -1, -1):
        here = by_key.get(("/".join(parts[:end]), finding.rule.id), [])
        for record in here:
            if not record.covers_property(finding.property_path):
                miss = miss or (record, f"it covers only {record.property_path} of this construct")
            elif record.expired(today):
                miss = miss or (record, f"it expired after {record.until}")
            else:
                if finding.acknowledged:
                    return replace(finding, acknowledged_reason=record.reason)
                return finding
    if miss is None or not finding.acknowledged:
        return finding
    record, why = miss
    dropped = IgnoredAcknowledgment(record.where, record.ack_id, repr(record.reason), why)
    if record.expired(today):
        ignored.append(dropped)
    return replace(finding, acknowledged_reason=None, ignored_acknowledgment=dropped)


# -- the verdict -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Adoption:
    """Which findings block, which a baseline accepts, and what is stale.

    Parameters
    ----------
    policy:
        How the fail-on level was chosen (for the reports), e.g. ``error (detection: never)``.
    blocking:
        The findings that fail synthesis (or make ``scan`` exit 1).
    baselined:
        Findings that would block but match a baseline entry.
    not_blocking:
        Unacknowledged findings below the fail-on level (report-only, warnings...).
    baseline:
        The baseline used, if any.
    stale_baseline:
        Entries that match no finding of a rule that ran on a stack that was checked.
    unchecked_baseline:
        Entries whose stack was not checked or whose rule did not run (kept).
    acknowledgments:
        What the acknowledgments did (:func:`audit_acknowledgments`).
    """

    policy: str
    blocking: tuple[Finding, ...]
    baselined: tuple[Finding, ...] = ()
    not_blocking: tuple[Finding, ...] = ()
    baseline: Baseline | None = None
    stale_baseline: tuple[BaselineEntry, ...] = ()
    unchecked_baseline: tuple[BaselineEntry, ...] = ()
    acknowledgments: AcknowledgmentAudit = field(default_factory=AcknowledgmentAudit)
    policy_data: Mapping[str, Any] = field(default_factory=dict)

    @property
    def blocked(self) -> bool:
        """Whether anything blocks."""
        return bool(self.blocking)

    def lines(self) -> list[str]:
        """What the terminal summary adds: the mode, baselined counts, what is stale."""
        out: list[str] = []
        unacknowledged = len(self.blocking) + len(self.baselined) + len(self.not_blocking)
        if self.policy == "never" and unacknowledged:
            out.append(
                f"  report-only (fail_on never): {unacknowledged} unacknowledged finding(s) "
                "reported, none blocks"
            )
        # Under the default policy (errors block, no baseline) warnings below it are the
        # normal case and the summary above already counts them: nothing to add.
        adopting = self.policy != "error" or self.baseline is not None
        if self.policy != "never" and self.not_blocking and adopting:
            out.append(
                f"  not blocking: {len(self.not_blocking)} finding(s) below fail_on {self.policy}"
            )
        if unacknowledged and not self.blocking and self.policy != "never" and adopting:
            out.append(
                f"  did not block: no finding reaches fail_on {self.policy} outside a baseline"
            )
        if self.baseline is not None:
            out.append(
                f"  baseline {self.baseline.source or '(in memory)'}: {len(self.baselined)} "
                f"finding(s) baselined (not blocking), {len(self.stale_baseline)} stale "
                "entr(ies) to prune"
            )
            out += [f"    stale baseline entry: {entry}" for entry in self.stale_baseline[:25]]
        for record, why in self.acknowledgments.stale:
            out.append(f"  stale acknowledgment: {record}: {why}")
        for record, matched in self.acknowledgments.expired:
            out.append(
                f"  expired acknowledgment: {record}: {matched} finding(s) it covered block again"
            )
        return out


def decide(
    evaluation: Evaluation,
    *,
    level_of: Callable[[Finding], str],
    policy: str,
    baseline: Baseline | None = None,
    acknowledgments: AcknowledgmentAudit | None = None,
    policy_data: Mapping[str, Any] | None = None,
) -> Adoption:
    """Sort the unacknowledged findings of *evaluation* into blocking and not.

    *level_of* gives the fail-on level of a finding (e.g. :meth:`FailOn.level` of its
    pillar). A finding blocks if it reaches its level and no baseline entry accepts it.
    """
    blocking: list[Finding] = []
    baselined: list[Finding] = []
    below: list[Finding] = []
    matched: set[BaselineEntry] = set()
    for finding in evaluation.findings:
        if finding.acknowledged:
            continue
        entry = baseline.matching(finding) if baseline is not None else None
        if entry is not None:
            matched.add(entry)
        if not reaches(level_of(finding), finding):
            below.append(finding)
        elif entry is not None:
            baselined.append(finding)
        else:
            blocking.append(finding)
    stale: list[BaselineEntry] = []
    unchecked: list[BaselineEntry] = []
    if baseline is not None:
        ran = {rule.id for rule in evaluation.rules}
        checked = set(evaluation.stacks)
        for entry in baseline.entries:
            if entry in matched:
                continue
            if entry.stack in checked and entry.rule_id in ran:
                stale.append(entry)
            else:
                unchecked.append(entry)
    return Adoption(
        policy,
        tuple(blocking),
        tuple(baselined),
        tuple(below),
        baseline,
        tuple(stale),
        tuple(unchecked),
        acknowledgments or AcknowledgmentAudit(),
        dict(policy_data or {}),
    )


def adoption_data(adoption: Adoption) -> dict[str, Any]:
    """The ``adoption`` section of the JSON report."""

    def ref(finding: Finding) -> dict[str, Any]:
        return {
            "ruleId": finding.rule.id,
            "severity": str(finding.severity),
            "stack": finding.stack_path,
            "constructPath": finding.construct_path,
            "logicalId": finding.logical_id,
            "propertyPath": finding.property_path,
            "message": finding.message,
        }

    baseline = adoption.baseline
    return {
        "failOn": {"summary": adoption.policy, **adoption.policy_data},
        "blocked": adoption.blocked,
        "blocking": len(adoption.blocking),
        "notBlocking": [ref(f) for f in adoption.not_blocking],
        "baseline": None
        if baseline is None
        else {
            "file": baseline.source or None,
            "entries": len(baseline.entries),
            "baselined": [ref(f) for f in adoption.baselined],
            "stale": [e.data() for e in adoption.stale_baseline],
            "notChecked": len(adoption.unchecked_baseline),
        },
        "acknowledgments": {
            "stale": [{**r.data(), "why": why} for r, why in adoption.acknowledgments.stale],
            "expired": [
                {**r.data(), "findingsBlockingAgain": n}
                for r, n in adoption.acknowledgments.expired
            ],
            "unpaired": [r.data() for r in adoption.acknowledgments.unpaired],
        },
    }


def finding_states(adoption: Adoption) -> dict[int, str]:
    """``id(finding)`` -> ``blocking`` / ``baselined`` / ``not-blocking`` (unacknowledged)."""
    states = {id(f): "blocking" for f in adoption.blocking}
    states.update((id(f), "baselined") for f in adoption.baselined)
    states.update((id(f), "not-blocking") for f in adoption.not_blocking)
    return states


def mark_sarif(sarif: dict[str, Any], findings: Sequence[Finding], adoption: Adoption) -> None:
    """Add SARIF's ``baselineState`` (with a baseline) and ``properties.blocking`` per result.

    Results are in the order of *findings* (as :func:`aspects.report.to_sarif` writes them).
    """
    states = finding_states(adoption)
    run = sarif["runs"][0]
    for result, finding in zip(run["results"], findings, strict=True):
        state = states.get(id(finding))
        result.setdefault("properties", {})["blocking"] = state == "blocking"
        if adoption.baseline is not None:
            result["baselineState"] = "unchanged" if state == "baselined" else "new"
    run.setdefault("properties", {})["adoption"] = {
        "failOn": adoption.policy,
        "blocked": adoption.blocked,
        "blocking": len(adoption.blocking),
        "baselined": len(adoption.baselined),
    }
