"""Names that appear in user code and reports; changing one breaks acknowledgments."""

from __future__ import annotations

#: The validation plugin's name. Acknowledgment ids are ``f"{PLUGIN_NAME}::{rule_id}"``.
PLUGIN_NAME = "SecureConstructs"

#: Findings report files written next to the templates in the cloud assembly.
REPORT_JSON = "secure-constructs-report.json"
REPORT_SARIF = "secure-constructs-report.sarif"

#: Metadata key under which CDK records ``Validations.of(scope).acknowledge(...)``.
ACKNOWLEDGED_RULES_METADATA = "aws:cdk:acknowledged-rules"

#: Resource metadata key under which a Secure* construct declares what it guarantees about
#: a resource beyond its properties (e.g. the only egress a security group allows). The
#: SC-NET rules enforce declared guarantees on any template, so an escape hatch that
#: undoes one fails synthesis. Value: a JSON object (see ``aspects.rules.network``).
GUARANTEES_METADATA = "SecureConstructs::Guarantees"
#: Construct metadata: the parts a construct did not build because the organization
#: provides them (``SecurityBaseline(cloudtrail=False)``): a list of part names. Reports
#: list them under coverage, so a switched-off control is said, never silent.
DISABLED_PARTS_METADATA = "secure-constructs:SecurityBaseline:disabled-parts"

#: An acknowledgment needs a written reason of at least this many characters (blanks not
#: counted): "ok", "n/a" and "TODO" explain nothing to an auditor. The same bar holds for
#: :func:`aspects.acknowledge`, CDK's native ``Validations.of(x).acknowledge`` and metadata
#: written into a template by hand.
MIN_REASON_LENGTH = 20


#: The package's version: the same as ``[project] version`` in ``pyproject.toml``
#: (``tests/test_packaging.py`` holds them equal). A constant rather than
#: ``importlib.metadata.version()``: that import alone took a tenth of the scanner's start,
#: and a source tree that is not installed has the right version too.
VERSION = "0.1.0"

#: The project's home: SARIF's ``informationUri``; rule documentation lives below it.
INFORMATION_URI = "https://github.com/secure-constructs/secure-constructs"
