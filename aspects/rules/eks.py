"""Amazon EKS guardrails: endpoint access, secrets encryption, control-plane logs.

The API server endpoint is not open to the internet, Kubernetes secrets are encrypted with
a customer-managed key and the api, audit and authenticator logs are kept.

The rules read ``AWS::EKS::Cluster``, what ``eks.CfnCluster`` and the ``aws_eks_v2``
``Cluster`` synthesize. The older ``aws_eks.Cluster`` creates the cluster through the custom
resource ``Custom::AWSCDK-EKS-Cluster`` whose ``Config`` holds the EKS API's request
(``resourcesVpcConfig.endpointPublicAccess``, ``encryptionConfig``, ``logging``, in camel
case and another shape): it is not judged here.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping

from aspects.index import ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import setting
from aspects.rules._common import Deferred, kms_key_problems
from aspects.values import as_list, intrinsic_name

CLUSTER = ("AWS::EKS::Cluster",)

#: Control-plane log types an investigation needs: API calls, the audit trail, sign-ins.
REQUIRED_LOG_TYPES = ("api", "audit", "authenticator")


# -- SC-EKS-1 endpoint -----------------------------------------------------------------------


def _open_to_all(cidr: str) -> bool:
    """A CIDR block that contains every address (``0.0.0.0/0``, ``::/0``)."""
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def _endpoint_restricted(r: ResourceView) -> Iterator[Problem]:
    public_path = "ResourcesVpcConfig.EndpointPublicAccess"
    public = setting(r, public_path)
    if public is not None and not r.bool(public, public_path):
        return
    state = "not set (AWS defaults to true)" if public is None else "true"
    cidrs_path = "ResourcesVpcConfig.PublicAccessCidrs"
    cidrs = setting(r, cidrs_path)
    if cidrs is None or cidrs == []:
        yield Problem(
            f"{public_path} is {state} and {cidrs_path} is not set (AWS allows 0.0.0.0/0): "
            "the Kubernetes API server is reachable from the whole internet",
            "Properties.ResourcesVpcConfig",
        )
        return
    if intrinsic_name(cidrs) is not None:
        raise CannotVerify(
            f"{cidrs_path} is set by an expression, so who can reach the public Kubernetes "
            "API endpoint is only known at deploy time",
            f"Properties.{cidrs_path}",
        )
    deferred = Deferred()
    for i, item in enumerate(as_list(cidrs)):
        with deferred:
            cidr = r.literal(item, f"{cidrs_path}[{i}]")
            if isinstance(cidr, str) and _open_to_all(cidr):
                yield Problem(
                    f"{public_path} is {state} and {cidrs_path} includes {cidr!r}: the "
                    "Kubernetes API server is reachable from the whole internet",
                    f"Properties.{cidrs_path}",
                )
    deferred.raise_first()


# -- SC-EKS-2 secrets encryption -------------------------------------------------------------


def _encrypts_secrets(r: ResourceView, i: int, config: Mapping[str, object]) -> bool:
    resources = config.get("Resources")
    if intrinsic_name(resources) is not None:
        r.literal(resources, f"EncryptionConfig[{i}].Resources")  # raises CannotVerify
    return any(
        r.literal(item, f"EncryptionConfig[{i}].Resources") == "secrets"
        for item in as_list(resources)
    )


def _secrets_encrypted(r: ResourceView) -> Iterator[Problem]:
    configs = r.props.get("EncryptionConfig")
    if intrinsic_name(configs) is not None:
        raise CannotVerify(
            "EncryptionConfig is set by an expression, so whether a key you control "
            "protects Kubernetes secrets is only known at deploy time",
            "Properties.EncryptionConfig",
        )
    deferred = Deferred()
    covered = False
    for i, config in enumerate(as_list(configs)):
        if not isinstance(config, Mapping) or intrinsic_name(config) is not None:
            continue
        with deferred:
            if not _encrypts_secrets(r, i, config):
                continue
            covered = True
            key = config.get("Provider")
            key_arn = key.get("KeyArn") if isinstance(key, Mapping) else None
            yield from kms_key_problems(r, key_arn, f"EncryptionConfig[{i}].Provider.KeyArn")
    if not covered:
        deferred.raise_first()
        yield Problem(
            "EncryptionConfig does not name the resource 'secrets': EKS envelope-encrypts "
            "Kubernetes secrets only with a key AWS owns, so no key policy of yours decides "
            "who can decrypt them and CloudTrail records no use of the key",
            "Properties.EncryptionConfig",
        )
        return
    deferred.raise_first()


# -- SC-EKS-3 control-plane logs -------------------------------------------------------------


def _logged(r: ResourceView) -> Iterator[Problem]:
    path = "Logging.ClusterLogging.EnabledTypes"
    raw = setting(r, path)
    if intrinsic_name(raw) is not None:
        raise CannotVerify(
            f"{path} is set by an expression, so which control-plane logs are kept is only "
            "known at deploy time",
            f"Properties.{path}",
        )
    enabled: set[str] = set()
    deferred = Deferred()
    for i, item in enumerate(as_list(raw)):
        with deferred:
            plain = isinstance(item, Mapping) and intrinsic_name(item) is None
            value = item.get("Type") if plain else item
            kind = r.literal(value, f"{path}[{i}].Type")
            if isinstance(kind, str):
                enabled.add(kind)
    missing = [kind for kind in REQUIRED_LOG_TYPES if kind not in enabled]
    if not missing:
        return
    deferred.raise_first()
    state = (
        "is not set, so EKS keeps no control-plane logs"
        if raw is None
        else f"is {sorted(enabled)!r}, without {', '.join(missing)}"
    )
    yield Problem(
        f"{path} {state}: calls to the Kubernetes API, who made them and how they signed in "
        "are not recorded",
        f"Properties.{path}",
    )


RULES = (
    Rule(
        id="SC-EKS-1",
        title="EKS API server endpoints are not open to the internet",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=CLUSTER,
        rationale="By default the Kubernetes API server of a cluster has a public endpoint "
        "open to 0.0.0.0/0: every scanner on the internet can reach it and try stolen "
        "credentials or an unpatched flaw. Keep the endpoint private, or restrict the public "
        "endpoint to the networks that administer the cluster.",
        fix="Set endpoint_access=eks.EndpointAccess.PRIVATE on the aws_eks_v2 Cluster, or "
        "EndpointAccess.PUBLIC_AND_PRIVATE.only_from('203.0.113.0/24', ...); on "
        "eks.CfnCluster set resources_vpc_config endpoint_public_access=False and "
        "endpoint_private_access=True, or public_access_cidrs.",
        check=_endpoint_restricted,
        fsbp=("EKS.1",),
        nist_800_53=("AC-3", "SC-7"),
        cdk_nag=("AwsSolutions-EKS1",),
        checkov=("CKV_AWS_38", "CKV_AWS_39"),
    ),
    Rule(
        id="SC-EKS-2",
        title="EKS clusters encrypt Kubernetes secrets with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=CLUSTER,
        rationale="Kubernetes secrets hold database passwords, tokens and keys. EKS "
        "envelope-encrypts them with a key AWS owns by default (Kubernetes 1.28+); a key you "
        "manage makes its key policy decide who can decrypt them, records every use in "
        "CloudTrail and lets you revoke access.",
        fix="Set secrets_encryption_key to a customer-managed kms.Key on the aws_eks_v2 "
        "Cluster (EncryptionConfig Resources ['secrets'] with Provider.KeyArn).",
        check=_secrets_encrypted,
        fsbp=("EKS.3",),
        nist_800_53=("SC-28", "SC-12"),
        checkov=("CKV_AWS_58",),
    ),
    Rule(
        id="SC-EKS-3",
        title="EKS clusters log API, audit and authenticator control-plane events",
        pillar=Pillar.DETECTION,
        severity=Severity.ERROR,
        resource_types=CLUSTER,
        rationale="Control-plane logging is off by default. The api, audit and authenticator "
        "logs record every call to the Kubernetes API, who made it and how they "
        "authenticated: what an investigation of a compromised workload or credential needs.",
        fix="Set cluster_logging=[eks.ClusterLoggingTypes.API, ClusterLoggingTypes.AUDIT, "
        "ClusterLoggingTypes.AUTHENTICATOR] (controller manager and scheduler as you need) "
        "on the aws_eks_v2 Cluster.",
        check=_logged,
        fsbp=("EKS.8",),
        nist_800_53=("AU-2", "AU-12"),
        cdk_nag=("AwsSolutions-EKS2",),
        checkov=("CKV_AWS_37",),
    ),
)
