"""AWS Transfer Family guardrails: no plain FTP, current algorithms, logs, a VPC endpoint.

The rules read ``AWS::Transfer::Server`` (``transfer.CfnServer``; aws-cdk-lib has no L2).
CloudFormation's defaults: ``Protocols`` is ``[SFTP]``, ``EndpointType`` is ``PUBLIC`` and
``SecurityPolicyName`` is ``TransferSecurityPolicy-2018-11`` (the console and API default to
a newer policy; CloudFormation keeps the oldest).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from aspects.index import ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import must_be_one_of
from aspects.values import as_list, intrinsic_name

SERVER = ("AWS::Transfer::Server",)

#: The oldest security policy date accepted: TransferSecurityPolicy-2024-01 and the
#: FIPS, Restricted and other families published since drop the SHA-1 key exchanges and
#: MACs, CBC ciphers and the ChaCha20/encrypt-then-MAC modes the Terrapin attack abuses.
MINIMUM_POLICY_DATE = (2024, 1)
_POLICY = re.compile(r"^Transfer[A-Za-z0-9]*SecurityPolicy-(?:[A-Za-z0-9-]*-)?(\d{4})-(\d{2})$")
_DEFAULT_POLICY = "TransferSecurityPolicy-2018-11"


def _no_ftp(r: ResourceView) -> Iterator[Problem]:
    raw = r.props.get("Protocols")
    if intrinsic_name(raw) is not None:
        r.literal(raw, "Protocols")  # raises CannotVerify
    protocols = [str(r.literal(p, "Protocols[]")).upper() for p in as_list(raw)]
    if "FTP" in protocols:
        yield Problem(
            f"Protocols is {protocols!r}: FTP sends user names, passwords and files in "
            "plaintext; use SFTP (or FTPS)",
            "Properties.Protocols",
        )


def _modern_policy(r: ResourceView) -> Iterator[Problem]:
    raw = r.props.get("SecurityPolicyName")
    name = _DEFAULT_POLICY if raw is None else str(r.literal(raw, "SecurityPolicyName"))
    shown = f"is not set (CloudFormation uses {name!r})" if raw is None else f"is {name!r}"
    match = _POLICY.match(name)
    if match is None:
        raise CannotVerify(
            f"SecurityPolicyName {shown}, which is not a Transfer Family policy name the "
            "guardrails can date",
            "Properties.SecurityPolicyName",
        )
    if (int(match.group(1)), int(match.group(2))) < MINIMUM_POLICY_DATE:
        year, month = MINIMUM_POLICY_DATE
        yield Problem(
            f"SecurityPolicyName {shown}, older than {year}-{month:02d}: it still offers "
            "SHA-1 key exchanges and MACs, CBC ciphers or modes open to the Terrapin attack; "
            "use TransferSecurityPolicy-2024-01 or newer (FIPS variants too)",
            "Properties.SecurityPolicyName",
        )


def _logged(r: ResourceView) -> Iterator[Problem]:
    destinations = r.props.get("StructuredLogDestinations")
    if r.props.get("LoggingRole") not in (None, "") or destinations not in (None, []):
        return
    yield Problem(
        "neither LoggingRole nor StructuredLogDestinations is set, so sign-ins, failed "
        "authentications and file operations are not logged to CloudWatch Logs",
        "Properties.StructuredLogDestinations",
    )


def _in_vpc(r: ResourceView) -> Iterator[Problem]:
    yield from must_be_one_of(
        r,
        "EndpointType",
        ("VPC", "VPC_ENDPOINT"),
        "a PUBLIC endpoint takes connections from the whole internet and cannot have "
        "security groups (a VPC endpoint can be internet-facing with Elastic IPs and still "
        "restrict sources)",
        default="PUBLIC",
        case_sensitive=True,
    )


RULES = (
    Rule(
        id="SC-TRANSFER-1",
        title="Transfer Family servers do not accept plain FTP",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=SERVER,
        rationale="FTP sends credentials and files unencrypted: anyone on the path reads and "
        "can alter them. SFTP and FTPS encrypt both.",
        fix="Set protocols=['SFTP'] (or 'FTPS') on transfer.CfnServer.",
        check=_no_ftp,
        fsbp=("Transfer.2",),
        nist_800_53=("SC-8", "SC-8(1)"),
    ),
    Rule(
        id="SC-TRANSFER-2",
        title="Transfer Family servers use a current security policy",
        pillar=Pillar.IN_TRANSIT,
        severity=Severity.ERROR,
        resource_types=SERVER,
        rationale="CloudFormation gives a server TransferSecurityPolicy-2018-11 unless told "
        "otherwise: it still negotiates SHA-1 key exchanges and MACs and CBC ciphers. "
        "Policies from 2024-01 on (TransferSecurityPolicy-2024-01, -FIPS-2024-01, "
        "-Restricted-2024-06, ...) offer only current algorithms.",
        fix="Set security_policy_name='TransferSecurityPolicy-2024-01' (or a newer or FIPS "
        "policy) on transfer.CfnServer.",
        check=_modern_policy,
        nist_800_53=("SC-8", "SC-13"),
    ),
    Rule(
        id="SC-TRANSFER-3",
        title="Transfer Family servers log to CloudWatch Logs",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=SERVER,
        rationale="Without a logging role or structured log destination the server keeps no "
        "record of who signed in, who failed to, and which files were read, written or "
        "deleted.",
        fix="Set structured_log_destinations=[<a logs.LogGroup>.log_group_arn] (or "
        "logging_role) on transfer.CfnServer.",
        check=_logged,
        nist_800_53=("AU-2", "AU-12"),
    ),
    Rule(
        id="SC-TRANSFER-4",
        title="Transfer Family servers use a VPC endpoint",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=SERVER,
        rationale="A PUBLIC endpoint accepts connections from every address on the internet "
        "and cannot be narrowed by security groups. A VPC endpoint can stay internal, or "
        "face the internet through Elastic IPs while security groups allow only partners' "
        "addresses. A warning: some partner integrations need the public endpoint.",
        fix="Set endpoint_type='VPC' with endpoint_details (vpc_id, subnet_ids, "
        "security_group_ids, address_allocation_ids for internet access) on "
        "transfer.CfnServer.",
        check=_in_vpc,
        nist_800_53=("SC-7", "AC-3"),
        checkov=("CKV_AWS_164",),
    ),
)
