"""Catalogue examples of the ecr, codebuild, cognito, eks rules."""

from __future__ import annotations

from aspects.rules._example_base import _KEY, Example


def _repository(properties: str) -> str:
    return f"""\
Resources:
{_KEY}  Images:
    Type: AWS::ECR::Repository
    Properties:
{properties}"""


_REPOSITORY_POLICY = """\
      RepositoryPolicyText:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {principal}
            Action: [ecr:BatchGetImage, ecr:GetDownloadUrlForLayer]
"""


def _project(environment: str = "", extra: str = "") -> str:
    return f"""\
Resources:
{_KEY}  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      ServiceRole: arn:aws:iam::111111111111:role/build
      Artifacts: {{Type: NO_ARTIFACTS}}
      Source: {{Type: NO_SOURCE, BuildSpec: "version: 0.2"}}
      Environment:
        Type: LINUX_CONTAINER
        ComputeType: BUILD_GENERAL1_SMALL
        Image: aws/codebuild/standard:7.0
{environment}{extra}"""


_STRONG_PASSWORDS = """\
      Policies:
        PasswordPolicy:
          MinimumLength: 14
          RequireLowercase: true
          RequireUppercase: true
          RequireNumbers: true
          RequireSymbols: true
"""


def _pool(properties: str) -> str:
    return f"""\
Resources:
  Users:
    Type: AWS::Cognito::UserPool
    Properties:
{properties}"""


def _cluster(vpc: str, extra: str = "") -> str:
    return f"""\
Resources:
{_KEY}  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      RoleArn: arn:aws:iam::111111111111:role/eks-cluster
      ResourcesVpcConfig:
        SubnetIds: [subnet-0123456789abcdef0, subnet-0fedcba9876543210]
{vpc}{extra}"""


_PRIVATE_ENDPOINT = """\
        EndpointPublicAccess: false
        EndpointPrivateAccess: true
"""

PLATFORM_EXAMPLES: dict[str, Example] = {
    "SC-ECR-1": Example(
        compliant=_repository("      ImageScanningConfiguration: {ScanOnPush: true}\n"),
        non_compliant=_repository("      ImageScanningConfiguration: {ScanOnPush: false}\n"),
    ),
    "SC-ECR-2": Example(
        compliant=_repository("      ImageTagMutability: IMMUTABLE\n"),
        non_compliant=_repository("      ImageTagMutability: MUTABLE\n"),
    ),
    "SC-ECR-3": Example(
        compliant=_repository(
            "      EncryptionConfiguration:\n"
            "        EncryptionType: KMS\n"
            "        KmsKey: !GetAtt DataKey.Arn\n"
        ),
        non_compliant=_repository("      EncryptionConfiguration: {EncryptionType: KMS}\n"),
    ),
    "SC-ECR-4": Example(
        compliant=_repository(
            _REPOSITORY_POLICY.format(principal="{AWS: arn:aws:iam::222222222222:root}")
        ),
        non_compliant=_repository(_REPOSITORY_POLICY.format(principal='"*"')),
    ),
    "SC-CODEBUILD-1": Example(
        compliant=_project("        PrivilegedMode: false\n"),
        non_compliant=_project("        PrivilegedMode: true\n"),
    ),
    "SC-CODEBUILD-2": Example(
        compliant=_project(extra="      EncryptionKey: !GetAtt DataKey.Arn\n"),
        non_compliant=_project(extra="      EncryptionKey: alias/aws/s3\n"),
    ),
    "SC-CODEBUILD-3": Example(
        compliant=_project(
            "        EnvironmentVariables:\n"
            "          - {Name: DB_PASSWORD, Type: SECRETS_MANAGER, Value: app/db-password}\n"
        ),
        non_compliant=_project(
            "        EnvironmentVariables:\n"
            "          - {Name: DB_PASSWORD, Type: PLAINTEXT, Value: correct-horse-battery}\n"
        ),
    ),
    "SC-CODEBUILD-4": Example(
        compliant=_project(extra="      LogsConfig:\n        CloudWatchLogs: {Status: ENABLED}\n"),
        non_compliant=_project(
            extra="      LogsConfig:\n        CloudWatchLogs: {Status: DISABLED}\n"
        ),
    ),
    "SC-COGNITO-1": Example(
        compliant=_pool('      MfaConfiguration: "ON"\n      EnabledMfas: [SOFTWARE_TOKEN_MFA]\n'),
        non_compliant=_pool('      MfaConfiguration: "OFF"\n'),
    ),
    "SC-COGNITO-2": Example(
        compliant=_pool('      MfaConfiguration: "ON"\n      EnabledMfas: [SOFTWARE_TOKEN_MFA]\n'),
        non_compliant=_pool(
            "      MfaConfiguration: OPTIONAL\n      EnabledMfas: [SOFTWARE_TOKEN_MFA]\n"
        ),
    ),
    "SC-COGNITO-3": Example(
        compliant=_pool(
            "      UserPoolTier: PLUS\n      UserPoolAddOns: {AdvancedSecurityMode: ENFORCED}\n"
        ),
        non_compliant=_pool(
            "      UserPoolTier: PLUS\n      UserPoolAddOns: {AdvancedSecurityMode: AUDIT}\n"
        ),
    ),
    "SC-COGNITO-4": Example(
        compliant=_pool(_STRONG_PASSWORDS),
        non_compliant=_pool(_STRONG_PASSWORDS.replace("MinimumLength: 14", "MinimumLength: 8")),
    ),
    "SC-EKS-1": Example(
        compliant=_cluster(_PRIVATE_ENDPOINT),
        non_compliant=_cluster(
            "        EndpointPublicAccess: true\n        PublicAccessCidrs: [0.0.0.0/0]\n"
        ),
    ),
    "SC-EKS-2": Example(
        compliant=_cluster(
            _PRIVATE_ENDPOINT,
            "      EncryptionConfig:\n"
            "        - Resources: [secrets]\n"
            "          Provider: {KeyArn: !GetAtt DataKey.Arn}\n",
        ),
        non_compliant=_cluster(_PRIVATE_ENDPOINT),
    ),
    "SC-EKS-3": Example(
        compliant=_cluster(
            _PRIVATE_ENDPOINT,
            "      Logging:\n"
            "        ClusterLogging:\n"
            "          EnabledTypes: [{Type: api}, {Type: audit}, {Type: authenticator}]\n",
        ),
        non_compliant=_cluster(
            _PRIVATE_ENDPOINT,
            "      Logging:\n        ClusterLogging:\n          EnabledTypes: [{Type: api}]\n",
        ),
    ),
}
