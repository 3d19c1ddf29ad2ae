"""Catalogue examples of the cloudtrail and detection rules."""

from __future__ import annotations

from aspects.rules._example_base import _KEY, Example

_TRAIL_SETTINGS = {
    "IsLogging": "      IsLogging: true\n",
    "IsMultiRegionTrail": "      IsMultiRegionTrail: true\n",
    "EnableLogFileValidation": "      EnableLogFileValidation: true\n",
    "KMSKeyId": "      KMSKeyId: !GetAtt DataKey.Arn\n",
    "CloudWatchLogsLogGroupArn": "      CloudWatchLogsLogGroupArn: !GetAtt TrailLogs.Arn\n",
    "CloudWatchLogsRoleArn": (
        "      CloudWatchLogsRoleArn: arn:aws:iam::111111111111:role/trail-to-logs\n"
    ),
}


def _trail(**changed: str) -> str:
    """A trail with every setting secure except those in *changed* (name -> YAML line)."""
    settings = "".join(changed.get(name, line) for name, line in _TRAIL_SETTINGS.items())
    return f"""\
Resources:
{_KEY}  TrailLogs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 365
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: audit-bucket
{settings}"""


def _hub(hub: str = "", standards: str = "") -> str:
    return f"""\
Resources:
  Hub:
    Type: AWS::SecurityHub::Hub
{hub}{standards}"""


_FSBP_STANDARD = """\
  Fsbp:
    Type: AWS::SecurityHub::Standard
    DependsOn: Hub
    Properties:
      StandardsArn: !Sub "arn:${AWS::Partition}:securityhub:${AWS::Region}::\
standards/aws-foundational-security-best-practices/v/1.0.0"
"""

_CIS_STANDARD = """\
  Cis:
    Type: AWS::SecurityHub::Standard
    DependsOn: Hub
    Properties:
      StandardsArn: !Sub "arn:${AWS::Partition}:securityhub:::\
ruleset/cis-aws-foundations-benchmark/v/1.2.0"
"""

_NO_DEFAULTS = """\
    Properties:
      EnableDefaultStandards: false
"""


def _alarm(extra: str) -> str:
    return f"""\
Resources:
  Errors:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: App
      MetricName: Errors
      Statistic: Sum
      Period: 300
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
{extra}"""


def _recorder(group: str) -> str:
    return f"""\
Resources:
  Recorder:
    Type: AWS::Config::ConfigurationRecorder
    Properties:
      RoleARN: arn:aws:iam::111111111111:role/config-recorder
{group}"""


DETECTION_EXAMPLES: dict[str, Example] = {
    "SC-TRAIL-1": Example(
        compliant=_trail(),
        non_compliant=_trail(IsMultiRegionTrail="      IsMultiRegionTrail: false\n"),
    ),
    "SC-TRAIL-2": Example(
        compliant=_trail(),
        non_compliant=_trail(EnableLogFileValidation=""),
    ),
    "SC-TRAIL-3": Example(
        compliant=_trail(),
        non_compliant=_trail(KMSKeyId=""),
    ),
    "SC-TRAIL-4": Example(
        compliant=_trail(),
        non_compliant=_trail(CloudWatchLogsLogGroupArn="", CloudWatchLogsRoleArn=""),
    ),
    "SC-TRAIL-5": Example(
        compliant=_trail(),
        non_compliant=_trail(IsLogging="      IsLogging: false\n"),
    ),
    "SC-GUARDDUTY-1": Example(
        compliant="""\
Resources:
  Detector:
    Type: AWS::GuardDuty::Detector
    Properties:
      Enable: true
""",
        non_compliant="""\
Resources:
  Detector:
    Type: AWS::GuardDuty::Detector
    Properties:
      Enable: false
""",
    ),
    "SC-SECURITYHUB-1": Example(
        compliant=_hub(_NO_DEFAULTS, _FSBP_STANDARD + _CIS_STANDARD),
        non_compliant=_hub(_NO_DEFAULTS, _CIS_STANDARD),
    ),
    "SC-CW-1": Example(
        compliant=_alarm("      AlarmActions: [arn:aws:sns:eu-west-1:111111111111:on-call]\n"),
        non_compliant=_alarm(
            "      ActionsEnabled: false\n"
            "      AlarmActions: [arn:aws:sns:eu-west-1:111111111111:on-call]\n"
        ),
    ),
    "SC-CONFIG-1": Example(
        compliant=_recorder(
            "      RecordingGroup:\n"
            "        AllSupported: true\n"
            "        IncludeGlobalResourceTypes: true\n"
        ),
        non_compliant=_recorder(
            "      RecordingGroup:\n"
            "        AllSupported: false\n"
            "        ResourceTypes: [AWS::S3::Bucket]\n"
        ),
    ),
}
