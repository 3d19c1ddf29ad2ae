"""Mutation operators: weakenings derived from a template and the security model.

Each :class:`Mutant` names one resource and one weakening, and knows how to apply it to a
copy of the template's JSON. A finding counts against the mutant when it names the
mutated resource or a neighbour (:func:`neighbourhood`): a bucket policy's weakening is
reported on the bucket, a parameter group's on the cluster that uses it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from aspects.constants import GUARANTEES_METADATA
from aspects.index import StackTemplate, TemplateIndex
from aspects.model import Pillar
from tests.mutation.security_model import MODEL, WORLD_V4, ResourceModel, SecurityProperty

Segment = str | int
Path = tuple[Segment, ...]
Apply = Callable[[dict[str, Any]], None]

RETAINING = ("Retain", "RetainExceptOnCreate", "Snapshot")
_TLS_KEYS = ("aws:securetransport", "s3:tlsversion")


@dataclass(frozen=True)
class Mutant:
    """One weakening of one resource of one construct configuration."""

    construct: str
    variant: str
    logical_id: str
    where: str  # the resource's construct path below the construct, e.g. ``Bucket``
    resource_type: str
    operator: str
    target: str  # what was changed: a property path, a statement, a value
    pillar: Pillar
    apply: Apply = field(repr=False, compare=False)

    @property
    def id(self) -> str:
        """A stable name across runs (no logical-id hashes), used by KNOWN_SURVIVORS."""
        return f"{self.construct}/{self.variant} {self.where} {self.operator} {self.target}"


# -- paths -------------------------------------------------------------------------------


def _segments(path: str) -> list[str]:
    return path.split("/")


def expand(node: Any, path: str, *, absent_leaf: bool = False) -> Iterator[tuple[Path, bool]]:
    """Concrete paths matching *path* below *node*, with whether the leaf exists.

    ``*`` matches every element of a list, ``[K=v]`` the element whose ``K`` is ``v``.
    With *absent_leaf*, missing dictionaries on the way and a missing leaf are allowed
    (the downgrade creates them); list selectors must still match something.
    """
    yield from _expand(node, _segments(path), (), absent_leaf)


def _expand(node: Any, segs: list[str], done: Path, absent: bool) -> Iterator[tuple[Path, bool]]:
    if not segs:
        yield done, True
        return
    head, rest = segs[0], segs[1:]
    if head == "*" or head.startswith("["):
        if not isinstance(node, list):
            return
        for i, item in enumerate(node):
            if head == "*" or _selected(item, head):
                yield from _expand(item, rest, (*done, i), absent)
        return
    if node is None and absent:
        yield from _missing(rest, (*done, head))
        return
    if not isinstance(node, dict):
        return
    if head in node:
        yield from _expand(node[head], rest, (*done, head), absent)
    elif absent:
        yield from _missing(rest, (*done, head))


def _missing(rest: list[str], done: Path) -> Iterator[tuple[Path, bool]]:
    if any(s == "*" or s.startswith("[") for s in rest):
        return
    yield (*done, *rest), False


def _selected(item: Any, selector: str) -> bool:
    key, _, value = selector[1:-1].partition("=")
    return isinstance(item, dict) and item.get(key) == value


def get(node: Any, path: Path) -> Any:
    for seg in path:
        node = node[seg]
    return node


def put(node: Any, path: Path, value: Any) -> None:
    for seg in path[:-1]:
        if isinstance(seg, str) and seg not in node:
            node[seg] = {}
        node = node[seg]
    node[path[-1]] = copy.deepcopy(value)


def delete(node: Any, path: Path) -> None:
    parent = get(node, path[:-1])
    del parent[path[-1]]


def show(path: Path, model_path: str) -> str:
    """A concrete path for people: list selectors as in the model, indices where ``*``."""
    out: list[str] = []
    for seg, pattern in zip(path, _segments(model_path) + [""] * len(path), strict=False):
        out.append(pattern if isinstance(seg, int) and pattern.startswith("[") else str(seg))
    return "/".join(out)


# -- references --------------------------------------------------------------------------


def references(value: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    """``(path, logical id)`` of every ``Ref``, ``Fn::GetAtt`` and ``Fn::Sub`` reference."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref" and isinstance(arg, str):
                yield path, arg
                return
            if key == "Fn::GetAtt":
                target = arg[0] if isinstance(arg, list) and arg else arg
                if isinstance(target, str):
                    yield path, target.split(".")[0]
                return
            if key == "Fn::Sub":
                text = arg[0] if isinstance(arg, list) and arg else arg
                if isinstance(text, str):
                    for name in _sub_names(text):
                        yield path, name
        for key, item in value.items():
            yield from references(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from references(item, (*path, i))


def _sub_names(text: str) -> Iterator[str]:
    start = text.find("${")
    while start != -1:
        end = text.find("}", start)
        if end == -1:
            return
        name = text[start + 2 : end]
        if not name.startswith("!"):
            yield name.split(".")[0]
        start = text.find("${", end)


def _cut(path: Path, model: ResourceModel | None) -> Path:
    """Where to cut a reference out of a resource's properties so the rest stays valid."""
    first = next(
        (
            i
            for i, s in enumerate(path)
            if isinstance(s, str) and (s == "Ref" or s.startswith("Fn::"))
        ),
        len(path),
    )
    base = path[:first]
    if "Statement" in base:  # a policy statement naming the resource: drop the statement
        j = base.index("Statement")
        return (
            base[: j + 2] if len(base) > j + 1 and isinstance(base[j + 1], int) else base[: j + 1]
        )
    best: Path = ()
    for spec in model.properties if model else ():
        prefix = _matching_prefix(base, _segments(spec.path))
        if prefix is not None and len(prefix) > len(best):
            best = prefix
    return best or base or path[:1]


def _matching_prefix(path: Path, pattern: list[str]) -> Path | None:
    if len(pattern) > len(path):
        return None
    for seg, pat in zip(path, pattern, strict=False):
        if pat == "*" or pat.startswith("["):
            if not isinstance(seg, int):
                return None
        elif seg != pat:
            return None
    return path[: len(pattern)]


def _sort_key(path: Path) -> list[tuple[int, Any]]:
    return [(0, s) if isinstance(s, int) else (1, s) for s in path]


def remove_resource(template: dict[str, Any], logical_id: str) -> None:
    """Remove a resource and every reference to it (what escape hatches would also do).

    A reference inside a policy statement drops the statement; one inside a property the
    model knows drops that property (a function's ``LoggingConfig``); any other drops the
    smallest enclosing value that is not an intrinsic function.
    """
    resources = template["Resources"]
    del resources[logical_id]
    for other in resources.values():
        depends = other.get("DependsOn")
        if isinstance(depends, str) and depends == logical_id:
            del other["DependsOn"]
        elif isinstance(depends, list) and logical_id in depends:
            other["DependsOn"] = [d for d in depends if d != logical_id]
        props = other.get("Properties")
        if not isinstance(props, dict):
            continue
        cuts = {
            _cut(path, MODEL.get(str(other.get("Type"))))
            for path, lid in references(props)
            if lid == logical_id
        }
        kept = [c for c in cuts if not any(o != c and c[: len(o)] == o for o in cuts)]
        for cut in sorted(kept, key=_sort_key, reverse=True):
            delete(props, cut)
    for name, output in list(template.get("Outputs", {}).items()):
        if any(lid == logical_id for _p, lid in references(output)):
            del template["Outputs"][name]


#: Types that only stand for another resource: a neighbour of one is a neighbour of both.
ALIASES = frozenset({"AWS::SecretsManager::SecretTargetAttachment"})


def _depends_on(resource: Mapping[str, Any]) -> set[str]:
    depends = resource.get("DependsOn", [])
    return {depends} if isinstance(depends, str) else set(depends)


def _declaring_companion(resources: Mapping[str, Any], logical_id: str) -> set[str]:
    """The resources whose construct declared *logical_id* a companion (the alarm's watched)."""
    found = set()
    for other_id, other in resources.items():
        guarantees = (other.get("Metadata") or {}).get(GUARANTEES_METADATA) or {}
        companions = guarantees.get("companions") if isinstance(guarantees, Mapping) else None
        if isinstance(companions, Mapping) and any(
            isinstance(c, Mapping) and c.get("LogicalId") == logical_id for c in companions.values()
        ):
            found.add(other_id)
    return found


def neighbourhood(template: Mapping[str, Any], logical_id: str) -> set[str]:
    """*logical_id*, what it references and what references (or depends on) it.

    A resource that declares *logical_id* its companion (``pin(companions=...)``) is a
    neighbour too: a deleted alarm is reported on the resource it watched.

    Through an alias (a secret's target attachment), one hop further.
    """
    resources = template["Resources"]

    def adjacent(lid: str) -> set[str]:
        resource = resources.get(lid, {})
        out = {ref for _p, ref in references(resource.get("Properties", {}))}
        out |= _depends_on(resource)
        for other_id, other in resources.items():
            props = other.get("Properties", {})
            if lid in _depends_on(other) or any(ref == lid for _p, ref in references(props)):
                out.add(other_id)
        return {o for o in out if o in resources}

    near = adjacent(logical_id) | {logical_id} | _declaring_companion(resources, logical_id)
    for lid in list(near):
        if resources.get(lid, {}).get("Type") in ALIASES:
            near |= adjacent(lid)
    return near


# -- operators ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """The resource a mutant is derived from, and where it sits in the construct."""

    construct: str
    variant: str
    logical_id: str
    where: str
    resource_type: str
    model: ResourceModel

    def mutant(self, operator: str, target: str, pillar: Pillar, apply: Apply) -> Mutant:
        return Mutant(
            self.construct,
            self.variant,
            self.logical_id,
            self.where,
            self.resource_type,
            operator,
            target,
            pillar,
            apply,
        )


def property_mutants(subject: Subject, props: Mapping[str, Any]) -> Iterator[Mutant]:
    """Delete each security property, and downgrade it to each insecure value."""
    for spec in subject.model.properties:
        for path, exists in expand(props, spec.path, absent_leaf=spec.when_absent):
            shown = show(path, spec.path)
            if exists and spec.deletable:
                # In an attribute list ({Key, Value} items) deleting drops the whole item.
                segs = _segments(spec.path)
                element = len(segs) > 1 and segs[-2].startswith("[") and segs[-1] == "Value"
                cut = path[:-1] if element else path
                yield subject.mutant(
                    "delete", show(cut, spec.path), spec.pillar, _deleter(subject, cut)
                )
            current = get(props, path) if exists else None
            for downgrade in spec.downgrades:
                if exists and current == downgrade.value:
                    continue
                yield subject.mutant(
                    "downgrade",
                    f"{shown}={downgrade.describe()}",
                    spec.pillar,
                    _downgrader(subject, path, spec, downgrade.value, downgrade.also_delete),
                )


def _properties(template: dict[str, Any], logical_id: str) -> dict[str, Any]:
    resource = template["Resources"][logical_id]
    props: dict[str, Any] = resource.setdefault("Properties", {})
    return props


def _deleter(subject: Subject, path: Path) -> Apply:
    def apply(template: dict[str, Any]) -> None:
        delete(_properties(template, subject.logical_id), path)

    return apply


def _downgrader(
    subject: Subject, path: Path, spec: SecurityProperty, value: Any, also: tuple[str, ...]
) -> Apply:
    def apply(template: dict[str, Any]) -> None:
        props = _properties(template, subject.logical_id)
        parent = get(props, path[:-1]) if len(path) > 1 and _exists(props, path[:-1]) else props
        for sibling in also:
            if isinstance(parent, dict):
                parent.pop(sibling, None)
        if spec.path in ("SourceSecurityGroupId", "DestinationSecurityGroupId"):
            # Replacing a group peer by the whole internet: the peer key becomes CidrIp.
            delete(props, path)
            props["CidrIp"] = value
        else:
            put(props, path, value)

    return apply


def _exists(node: Any, path: Path) -> bool:
    try:
        get(node, path)
    except (KeyError, IndexError, TypeError):
        return False
    return True


def policy_mutants(subject: Subject, props: Mapping[str, Any]) -> Iterator[Mutant]:
    """Widen each Allow statement (Principal, Resource, Condition); drop each Deny."""
    for doc_path, pillar in subject.model.policies:
        for path, _ in expand(props, doc_path):
            document = get(props, path)
            statements = document.get("Statement") if isinstance(document, dict) else None
            if isinstance(statements, dict):
                statements = [statements]
            if not isinstance(statements, list):
                continue
            for i, statement in enumerate(statements):
                if not isinstance(statement, dict):
                    continue
                label = f"{show(path, doc_path)}/Statement/{statement.get('Sid') or i}"
                yield from _statement_mutants(subject, path, i, statement, label, pillar)


def _statement_mutants(
    subject: Subject,
    doc: Path,
    index: int,
    statement: Mapping[str, Any],
    label: str,
    pillar: Pillar,
) -> Iterator[Mutant]:
    def edit(change: Callable[[dict[str, Any]], None]) -> Apply:
        def apply(template: dict[str, Any]) -> None:
            document = get(_properties(template, subject.logical_id), doc)
            if isinstance(document["Statement"], dict):
                document["Statement"] = [document["Statement"]]
            change(document["Statement"][index])

        return apply

    if statement.get("Effect") == "Deny":

        def drop(template: dict[str, Any]) -> None:
            document = get(_properties(template, subject.logical_id), doc)
            if isinstance(document["Statement"], dict):
                document["Statement"] = []
            else:
                del document["Statement"][index]

        condition = str(statement.get("Condition", "")).lower()
        tls = any(key in condition for key in _TLS_KEYS)
        yield subject.mutant("drop-deny", label, Pillar.IN_TRANSIT if tls else pillar, drop)
        return
    if statement.get("Effect") != "Allow":
        return
    if "Principal" in statement:
        if statement["Principal"] != "*":
            yield subject.mutant(
                "widen-principal", f"{label}=*", pillar, edit(lambda s: s.update(Principal="*"))
            )
        if statement["Principal"] != {"AWS": "*"}:
            yield subject.mutant(
                "widen-principal",
                f'{label}={{"AWS":"*"}}',
                pillar,
                edit(lambda s: s.update(Principal={"AWS": "*"})),
            )
    if "Resource" in statement and statement["Resource"] != "*":
        yield subject.mutant(
            "widen-resource", f"{label}=*", pillar, edit(lambda s: s.update(Resource="*"))
        )
    if "Condition" in statement:
        yield subject.mutant(
            "drop-condition", label, pillar, edit(lambda s: s.pop("Condition", None))
        )


def removal_policy_mutants(subject: Subject, resource: Mapping[str, Any]) -> Iterator[Mutant]:
    """Set ``DeletionPolicy`` / ``UpdateReplacePolicy`` to Delete, or delete them."""
    for attribute in ("DeletionPolicy", "UpdateReplacePolicy"):
        if resource.get(attribute) not in RETAINING:
            continue

        def set_delete(template: dict[str, Any], attribute: str = attribute) -> None:
            template["Resources"][subject.logical_id][attribute] = "Delete"

        def remove(template: dict[str, Any], attribute: str = attribute) -> None:
            del template["Resources"][subject.logical_id][attribute]

        yield subject.mutant("removal-policy", f"{attribute}=Delete", Pillar.AT_REST, set_delete)
        yield subject.mutant("removal-policy", f"{attribute} deleted", Pillar.AT_REST, remove)


def companion_mutants(subject: Subject) -> Iterator[Mutant]:
    """Remove a companion resource and the references to it."""
    if subject.model.companion is None:
        return

    def apply(template: dict[str, Any]) -> None:
        remove_resource(template, subject.logical_id)

    yield subject.mutant("remove-companion", "resource removed", subject.model.companion, apply)


def ingress_mutants(subject: Subject) -> Iterator[Mutant]:
    """Add an ingress rule open to the whole internet on every port."""
    if not subject.model.world_open_ingress:
        return
    for label, rule in (
        ("IPv4 all traffic", {"IpProtocol": "-1", "CidrIp": WORLD_V4}),
        ("IPv6 all traffic", {"IpProtocol": "-1", "CidrIpv6": "::/0"}),
        ("IPv4 TCP 22", {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": WORLD_V4}),
    ):

        def apply(template: dict[str, Any], rule: dict[str, Any] = rule) -> None:
            props = _properties(template, subject.logical_id)
            props.setdefault("SecurityGroupIngress", []).append(dict(rule))

        yield subject.mutant("world-open-ingress", label, Pillar.PREVENTION, apply)


def _stable(where: str, stack_path: str) -> str:
    """A construct path without what differs per stack (its name, CDK's 8-hex hashes).

    Security-group rules are named after both groups, e.g.
    ``SecurityGroup/from SecureDatabasepostgresSubjectRotationSecurityGroupCB04A380:5433``.
    """
    where = where.replace(re.sub(r"[^A-Za-z0-9]", "", stack_path), "")
    return re.sub(r"(?<=[a-z])[0-9A-F]{8}(?=:|/|$| )", "", where)


def derive(stack: StackTemplate, construct: str, variant: str, scope: str) -> list[Mutant]:
    """Every mutant of the resources at or below the construct path *scope*."""
    index = TemplateIndex(stack)
    mutants: list[Mutant] = []
    for logical_id, resource in stack.template["Resources"].items():
        path = index.construct_path(logical_id) or ""
        model = MODEL.get(str(resource.get("Type")))
        if model is None or not path.startswith(scope + "/"):
            continue
        where = _stable(path[len(scope) + 1 :].removesuffix("/Resource"), stack.stack_path)
        subject = Subject(construct, variant, logical_id, where, resource["Type"], model)
        props = resource.get("Properties", {})
        mutants.extend(property_mutants(subject, props))
        mutants.extend(policy_mutants(subject, props))
        if model.stateful:
            mutants.extend(removal_policy_mutants(subject, resource))
        mutants.extend(companion_mutants(subject))
        mutants.extend(ingress_mutants(subject))
    ids = [m.id for m in mutants]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise AssertionError(f"mutant ids are not unique: {sorted(duplicates)}")
    return mutants
