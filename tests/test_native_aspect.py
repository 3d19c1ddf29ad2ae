"""The native Aspect (issue 14): one Python callback per scope, CDK's semantics unchanged.

``ScopeOnceAspect`` (``native/lib/index.ts``, committed as ``aspects/_native``) answers
CDK's ``visit`` calls in Node and calls back into Python once per scope. Every test counts
the real Node -> Python callbacks (jsii's ``_handle_callback``), and the scope tests
compare the native Aspect with the Python ``visit`` it replaces (the first visit not below
an already registered scope), added to the same scopes of the same app, under both of
CDK's aspect algorithms.
"""

from __future__ import annotations

import fnmatch
import hashlib
import importlib
import io
import json
import re
import sys
import tarfile
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
import jsii._kernel
import pytest
from constructs import Construct, IConstruct

from aspects.coverage import in_scope
from aspects.native_aspect import (
    ASSEMBLY_FILE,
    NativeAspectUnavailable,
    ScopeOnceAspect,
    native_aspect,
)
from tests.conftest import REPO_ROOT

ALGORITHMS = pytest.mark.parametrize(
    "stabilization", [True, False], ids=["aspectStabilization", "legacy-invokeAspects"]
)


@pytest.fixture
def callbacks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every Node -> Python callback jsii makes while the test runs (method names)."""
    seen: list[str] = []
    original = jsii._kernel._handle_callback

    def counting(kernel: Any, callback: Any) -> Any:
        seen.append(str(callback.cookie))
        return original(kernel, callback)

    monkeypatch.setattr(jsii._kernel, "_handle_callback", counting)
    return seen


def new_app(tmp_path: Path, stabilization: bool = True) -> cdk.App:
    return cdk.App(
        outdir=str(tmp_path / "cdk.out"),
        context={"@aws-cdk/core:aspectStabilization": stabilization},
    )


def new_stack(scope: Construct, construct_id: str) -> cdk.Stack:
    stack = cdk.Stack(scope, construct_id)
    cdk.CfnWaitConditionHandle(stack, "Handle")  # no empty-template warning
    return stack


@jsii.implements(cdk.IAspect)
class PythonVisit:
    """The Python ``visit`` of SecurityGuardrails before issue 14, as the reference."""

    def __init__(self) -> None:
        self.scopes: list[str] = []
        self.visits = 0

    def visit(self, node: IConstruct) -> None:
        self.visits += 1
        path = node.node.path
        if not any(in_scope(path, scope) for scope in self.scopes):
            self.scopes.append(path)


class Pair:
    """The native Aspect and the Python reference, always added to the same scopes."""

    def __init__(self) -> None:
        self.reported: list[str] = []
        self.native = native_aspect(lambda scope: self.reported.append(scope.node.path))
        self.python = PythonVisit()

    def add(self, scope: IConstruct) -> None:
        cdk.Aspects.of(scope).add(self.native)
        cdk.Aspects.of(scope).add(self.python)

    def check(self, expected: list[str], python_revisits: int = 0) -> None:
        assert self.reported == expected
        assert self.python.scopes == expected
        assert self.native.scope_count == len(expected)
        assert self.native.visit_count == self.python.visits - python_revisits


# -- one callback per scope, whatever the size of the app -------------------------------


def synth_counting(
    tmp_path: Path,
    constructs: int,
    aspect: cdk.IAspect | None,
    callbacks: list[str],
) -> int:
    """Callbacks during build + synth of an app with *constructs* constructs in one stack."""
    app = new_app(tmp_path)
    stack = new_stack(app, "Big")
    for number in range(constructs):
        Construct(stack, f"C{number}")
    if aspect is not None:
        cdk.Aspects.of(app).add(aspect)
    before = len(callbacks)
    app.synth()
    return len(callbacks) - before


@pytest.mark.parametrize("constructs", [10, 1000])
def test_native_aspect_calls_python_once_per_app_of_any_size(
    tmp_path: Path, callbacks: list[str], constructs: int
) -> None:
    plain = synth_counting(tmp_path / "plain", constructs, None, callbacks)
    scopes: list[str] = []
    aspect = native_aspect(lambda scope: scopes.append(scope.node.path))
    native = synth_counting(tmp_path / "native", constructs, aspect, callbacks)
    python = PythonVisit()
    with_python = synth_counting(tmp_path / "python", constructs, python, callbacks)
    assert scopes == [""]
    assert native - plain == 1  # the one on_scope call
    # The native Aspect was visited as often as a Python one: every construct.
    assert aspect.visit_count == python.visits
    assert python.visits > constructs
    assert with_python - plain == python.visits


def test_a_subclass_overriding_on_scope_keeps_visit_native(
    tmp_path: Path, callbacks: list[str]
) -> None:
    class Registering(ScopeOnceAspect):  # how SecurityGuardrails uses it
        def __init__(self) -> None:
            super().__init__()
            self.scopes: list[str] = []

        def _on_scope(self, scope: IConstruct) -> None:
            self.scopes.append(scope.node.path)

    aspect = Registering()
    plain = synth_counting(tmp_path / "plain", 200, None, callbacks)
    extra = synth_counting(tmp_path / "sub", 200, aspect, callbacks) - plain
    assert aspect.scopes == [""]
    assert extra == 1
    assert aspect.visit_count > 200


def test_a_bare_native_aspect_is_a_no_op_without_callbacks(
    tmp_path: Path, callbacks: list[str]
) -> None:
    aspect = ScopeOnceAspect()
    plain = synth_counting(tmp_path / "plain", 200, None, callbacks)
    assert synth_counting(tmp_path / "noop", 200, aspect, callbacks) == plain
    assert aspect.scope_count == 1
    assert aspect.visit_count > 200


# -- the same scopes as the Python visit, under both algorithms ----------------------------


@ALGORITHMS
def test_app_scope_with_a_nested_stage_and_a_stack_added_after_add(
    tmp_path: Path, stabilization: bool
) -> None:
    app = new_app(tmp_path, stabilization)
    new_stack(app, "Early")
    pair = Pair()
    pair.add(app)
    new_stack(cdk.Stage(app, "Prod"), "Inner")  # CDK stops an Aspect at a Stage boundary
    late = new_stack(app, "Late")  # added after add(): visited, not a new scope
    app.synth()
    pair.check([""])
    assert late.node.path == "Late"


@ALGORITHMS
def test_nested_stage_scope(tmp_path: Path, stabilization: bool) -> None:
    app = new_app(tmp_path, stabilization)
    new_stack(app, "Outside")
    stage = cdk.Stage(app, "Prod")
    new_stack(stage, "Inner")
    pair = Pair()
    pair.add(stage)
    app.synth()
    pair.check(["Prod"])


@ALGORITHMS
def test_one_instance_on_the_app_and_a_nested_stage(tmp_path: Path, stabilization: bool) -> None:
    app = new_app(tmp_path, stabilization)
    stage = cdk.Stage(app, "Prod")
    new_stack(cdk.Stage(stage, "Deeper"), "Innermost")
    new_stack(stage, "Inner")
    new_stack(app, "Top")
    pair = Pair()
    pair.add(app)
    pair.add(stage)
    app.synth()
    # CDK synthesizes nested Stages first, each with its own Aspects.
    pair.check(["Prod", ""])


@ALGORITHMS
def test_one_instance_on_two_stacks_and_inside_one_of_them(
    tmp_path: Path, stabilization: bool
) -> None:
    app = new_app(tmp_path, stabilization)
    first, second = new_stack(app, "First"), new_stack(app, "Second")
    deep = Construct(Construct(second, "Outer"), "Inner")
    new_stack(app, "Unchecked")
    pair = Pair()
    pair.add(deep)  # added first, but CDK visits Second before anything below it
    pair.add(second)
    pair.add(first)
    app.synth()
    # jsii gives a plain Python object a new JavaScript proxy each time it is passed, so
    # CDK's "one visit per Aspect per construct" does not recognise the Python Aspect added
    # to Second and to Second/Outer/Inner as one: it visits Inner twice. The native Aspect
    # is one JavaScript object: CDK visits Inner once.
    pair.check(["First", "Second"], python_revisits=1)


@ALGORITHMS
def test_a_construct_scope_inside_a_stack(tmp_path: Path, stabilization: bool) -> None:
    app = new_app(tmp_path, stabilization)
    stack = new_stack(app, "Stack")
    part = Construct(stack, "Part")
    Construct(part, "Child")
    Construct(stack, "Sibling")
    pair = Pair()
    pair.add(part)
    Construct(part, "AddedLater")
    app.synth()
    pair.check(["Stack/Part"])
    assert pair.native.visit_count == 3  # Part, Child, AddedLater


@ALGORITHMS
def test_an_aspect_added_by_another_aspect(tmp_path: Path, stabilization: bool) -> None:
    """aspectStabilization applies it (a second pass); the legacy algorithm ignores it."""
    app = new_app(tmp_path, stabilization)
    target = new_stack(app, "Target")
    new_stack(app, "Other")
    pair = Pair()

    @jsii.implements(cdk.IAspect)
    class AddsThePair:
        def visit(self, node: IConstruct) -> None:
            if node.node.path == "Target":
                pair.add(node)

    cdk.Aspects.of(app).add(AddsThePair())
    app.synth()
    pair.check(["Target"] if stabilization else [])
    assert target.node.path == "Target"


@ALGORITHMS
def test_constructs_added_by_a_mutating_aspect_are_no_new_scope(
    tmp_path: Path, stabilization: bool
) -> None:
    app = new_app(tmp_path, stabilization)
    stack = new_stack(app, "Stack")
    pair = Pair()
    pair.add(stack)

    @jsii.implements(cdk.IAspect)
    class AddsAConstruct:
        def visit(self, node: IConstruct) -> None:
            if node.node.path == "Stack/Handle":
                cdk.CfnWaitConditionHandle(stack, "Added")

    cdk.Aspects.of(app).add(AddsAConstruct(), priority=cdk.AspectPriority.MUTATING)
    app.synth()
    pair.check(["Stack"])


def test_one_instance_on_two_apps_reports_both(tmp_path: Path) -> None:
    """Scopes are constructs, not paths: two Apps both have the path ''."""
    reported: list[IConstruct] = []
    aspect = native_aspect(reported.append)
    apps = [new_app(tmp_path / "one"), new_app(tmp_path / "two")]
    for app in apps:
        new_stack(app, "Stack")
        cdk.Aspects.of(app).add(aspect)
        app.synth()
    assert reported == apps


def test_an_error_in_the_callback_fails_synthesis_with_its_message(tmp_path: Path) -> None:
    def refuse(scope: IConstruct) -> None:
        raise ValueError(f"refused {scope.node.path!r}")

    app = new_app(tmp_path)
    new_stack(app, "Stack")
    aspect = native_aspect(refuse)
    cdk.Aspects.of(app).add(aspect)
    with pytest.raises(RuntimeError, match="refused ''"):
        app.synth()
    assert aspect.scope_count == 0  # not recorded as reported


def test_native_aspect_refuses_a_non_callable() -> None:
    with pytest.raises(TypeError, match="on_scope must be callable"):
        native_aspect("not a function")  # type: ignore[arg-type]


def test_unloadable_assembly_fails_the_import_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "aspects._native", None)  # import of it now fails
    monkeypatch.delitem(sys.modules, "aspects.native_aspect")
    with pytest.raises(ImportError, match=r"make native") as caught:
        importlib.import_module("aspects.native_aspect")
    assert type(caught.value).__name__ == NativeAspectUnavailable.__name__
    assert ASSEMBLY_FILE in str(caught.value)


# -- the committed artifact is what native/ builds ----------------------------------------

NATIVE = REPO_ROOT / "native"
GENERATED = REPO_ROOT / "aspects" / "_native"
MANIFEST = GENERATED / "SOURCES.sha256"


def manifest() -> dict[str, str]:
    entries = {}
    for line in MANIFEST.read_text().splitlines():
        digest, path = line.split("  ", 1)
        entries[path] = digest
    return entries


def test_manifest_hashes_match_sources_and_generated_package() -> None:
    """Fails when native/ changed without `make native` or aspects/_native was edited."""
    entries = manifest()
    stale = {
        path
        for path, digest in entries.items()
        if hashlib.sha256((REPO_ROOT / path).read_bytes()).hexdigest() != digest
    }
    assert stale == set(), f"run `make native`: {sorted(stale)} changed since it last ran"


def test_manifest_covers_every_source_and_generated_file() -> None:
    sources = {"native/package.json", "native/package-lock.json", "native/build.sh"}
    sources |= {str(p.relative_to(REPO_ROOT)) for p in (NATIVE / "lib").glob("*.ts")}
    sources.add("native/README.md")  # it is the generated module's docstring
    generated = {
        str(p.relative_to(REPO_ROOT))
        for p in GENERATED.rglob("*")
        if p.is_file() and p != MANIFEST and "__pycache__" not in p.parts
    }
    assert set(manifest()) == sources | generated


def assembly_member(name: str) -> bytes:
    with tarfile.open(GENERATED / "_jsii" / ASSEMBLY_FILE) as tar:
        member = tar.extractfile(f"package/{name}")
        assert member is not None
        return member.read()


def test_assembly_tarball_holds_the_sources_it_was_built_from() -> None:
    assert assembly_member("lib/index.ts") == (NATIVE / "lib" / "index.ts").read_bytes()
    assert assembly_member("package.json") == (NATIVE / "package.json").read_bytes()
    assembly = json.load(io.BytesIO(assembly_member(".jsii")))
    assert set(assembly["types"]) == {
        "@secure-constructs/native.IScopeListener",
        "@secure-constructs/native.ScopeOnceAspect",
    }


def test_native_library_builds_against_the_pinned_cdk_and_jsii() -> None:
    import tomllib

    package = json.loads((NATIVE / "package.json").read_text())
    lock = json.loads((NATIVE / "package-lock.json").read_text())["packages"]
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    floors = dict(re.findall(r"^([a-z0-9-]+)>=([0-9.]+)", "\n".join(project["dependencies"]), re.M))
    for name in ("aws-cdk-lib", "constructs"):
        # Compiled against the oldest version users may have (what jsii asks for: a newer
        # API cannot slip in), usable with every version pyproject.toml allows.
        assert package["devDependencies"][name] == floors[name]
        assert lock[f"node_modules/{name}"]["version"] == floors[name]
        assert package["peerDependencies"][name] == "^" + floors[name]
    # Every tool exactly pinned, and the lock agrees.
    for name, version in package["devDependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), name
        assert lock[f"node_modules/{name}"]["version"] == version
    # The generated package needs a jsii runtime no newer than the lowest one we allow.
    pacmak = tuple(int(p) for p in package["devDependencies"]["jsii-pacmak"].split("."))
    runtime = tuple(int(p) for p in floors["jsii"].split("."))
    assert pacmak[0] == runtime[0]
    assert pacmak <= runtime


def test_the_assembly_ships_as_package_data() -> None:
    """pyproject.toml's package-data must put the tarball and py.typed into the wheel."""
    import tomllib

    data = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    package_data: dict[str, list[str]] = data["tool"]["setuptools"]["package-data"]
    for path in GENERATED.rglob("*"):
        if not path.is_file() or path.suffix in (".py", ".pyc"):
            continue
        package = ".".join(path.parent.relative_to(REPO_ROOT).parts)
        patterns = package_data.get(package, []) + package_data.get("*", [])
        assert any(fnmatch.fnmatch(path.name, p) for p in patterns), (package, path.name)
