"""What starting the scanner does not load (each case in a fresh interpreter).

``detect-secrets`` (with the ``requests`` it imports for online verification, never used
here) cost about 0.1 s of CPU, ``importlib.metadata`` and the YAML parser a few hundredths
each at every start of ``secure-constructs scan``; each is loaded only when needed (the
detectors for the first literal to judge, the YAML parser for a YAML template or a SARIF
region). The figures are in
``docs/performance.md``; these tests pin the behaviour, never the time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.conftest import REPO_ROOT

HEAVY = ("detect_secrets", "requests", "importlib.metadata", "yaml")


def _loaded_after(code: str) -> dict[str, object]:
    """Run *code* in a fresh interpreter; which of HEAVY it loaded and what it printed."""
    script = textwrap.dedent(code) + textwrap.dedent(
        f"""
        import json as _json, sys as _sys
        print(_json.dumps({{"loaded": [m for m in {HEAVY!r} if m in _sys.modules],
                           "result": globals().get("RESULT")}}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
        timeout=120,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_importing_the_package_and_the_cli_loads_none_of_them() -> None:
    assert _loaded_after("import aspects, aspects.cli")["loaded"] == []


def test_a_scan_with_no_literal_to_judge_does_not_load_detect_secrets(tmp_path: Path) -> None:
    template = tmp_path / "t.json"
    template.write_text(
        json.dumps(
            {
                "Resources": {
                    "Fn": {
                        "Type": "AWS::Lambda::Function",
                        "Properties": {
                            "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                            "Code": {"ZipFile": "x"},
                            "Environment": {"Variables": {"TABLE": {"Ref": "Table"}}},
                        },
                    }
                }
            }
        )
    )
    out = _loaded_after(
        f"""
        from aspects.cli import main
        RESULT = main(["scan", "-f", "json", {str(template)!r}])
        """
    )
    assert out["loaded"] == []
    assert out["result"] in (0, 1)  # the scan ran: findings or none, not a usage error


def test_a_literal_value_loads_the_detectors_and_is_judged() -> None:
    out = _loaded_after(
        """
        from aspects.secrets_detection import variable_leak
        RESULT = variable_leak("ACCESS_KEY", "AKIAIOSFODNN7EXAMPLQ").kind
        """
    )
    assert "detect_secrets" in out["loaded"]
    assert out["result"] == "an AWS access key id"
