"""Amazon ECR guardrails: scanning, immutable tags, a customer-managed key, no open policy.

Images are scanned on push, tags are immutable, repositories are encrypted with a
customer-managed key and no repository or registry policy is open to everyone.

Scanning has two places. A repository's own ``ImageScanningConfiguration.ScanOnPush``
(deprecated by AWS in favour of the registry level), and an
``AWS::ECR::RegistryScanningConfiguration`` of the app, whose rules apply to every repository
a ``WILDCARD`` filter matches: a rule that scans on push or continuously with the filter
``*`` covers every repository of the registry. The registry configuration is assumed to be
in the account and Region of the repositories (a template does not say where it deploys).

Not judged: retention on delete (images are rebuilt from source; ``ecr.Repository``
retains by default) and ``AWS::ECR::PublicRepository`` (public by design).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from aspects.index import AppIndex, ResourceView
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import app_cache, setting
from aspects.rules._common import kms_key_problems, open_allows, policy_document, statements
from aspects.values import as_list, intrinsic_name, variants

REPOSITORY = "AWS::ECR::Repository"
REGISTRY_POLICY = "AWS::ECR::RegistryPolicy"
REGISTRY_SCANNING = "AWS::ECR::RegistryScanningConfiguration"

#: Registry scanning frequencies that scan new images (``MANUAL`` does not).
SCANNING_FREQUENCIES = frozenset({"SCAN_ON_PUSH", "CONTINUOUS_SCAN"})
#: Encryption types that use a KMS key (``KMS_DSSE`` adds a second layer).
KMS_TYPES = ("KMS", "KMS_DSSE")


# -- SC-ECR-1 scanning -----------------------------------------------------------------------


@dataclass
class RegistryScanning:
    """What the app's registry scanning configurations cover.

    ``sure``: ``WILDCARD`` filters of rules that scan new images in every variant of a
    configuration that always exists. ``maybe``: filters that do only in some variants (or
    whose configuration has a ``Condition``), with why. ``unknown``: why a configuration
    could not be read (a parameter for a filter or a frequency...).
    """

    sure: set[str] = field(default_factory=set)
    maybe: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)


def _registry_scanning(app: AppIndex) -> RegistryScanning:
    found = RegistryScanning()
    for tpl in app.templates:
        for logical_id in tpl.by_type.get(REGISTRY_SCANNING, ()):
            resource = tpl.resources[logical_id]
            try:
                per_variant = [
                    _scanned_filters(ResourceView(logical_id, variant, tpl, app, choice))
                    for choice, variant in variants(resource)
                ]
            except CannotVerify as exc:
                found.unknown.append(
                    f"the registry scanning configuration {logical_id} cannot be read "
                    f"({exc.message})"
                )
                continue
            always = set.intersection(*per_variant)
            if "Condition" not in resource:
                found.sure |= always
            why = (
                f"the registry scanning configuration {logical_id} scans them only under "
                "some conditions"
            )
            for pattern in set.union(*per_variant):
                if pattern not in found.sure:
                    found.maybe.setdefault(pattern, why)
    return found


def _scanned_filters(config: ResourceView) -> set[str]:
    """The ``WILDCARD`` filters of the rules of one configuration that scan new images."""
    out: set[str] = set()
    for i, rule in enumerate(as_list(config.props.get("Rules"))):
        where = f"Rules[{i}]"
        if not isinstance(rule, Mapping) or intrinsic_name(rule) is not None:
            raise CannotVerify(f"{where} is not a scanning rule", where)
        frequency = config.literal(rule.get("ScanFrequency"), f"{where}.ScanFrequency")
        if frequency not in SCANNING_FREQUENCIES:
            continue
        for j, item in enumerate(as_list(rule.get("RepositoryFilters"))):
            at = f"{where}.RepositoryFilters[{j}]"
            if not isinstance(item, Mapping) or intrinsic_name(item) is not None:
                raise CannotVerify(f"{at} is not a repository filter", at)
            kind = config.literal(item.get("FilterType"), f"{at}.FilterType")
            pattern = config.literal(item.get("Filter"), f"{at}.Filter")
            if kind == "WILDCARD" and isinstance(pattern, str):
                out.add(pattern)
    return out


def _matches(pattern: str, name: str) -> bool:
    """An ECR ``WILDCARD`` filter: ``*`` matches any characters, the rest literally."""
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(regex, name) is not None


def _registry_covers(r: ResourceView) -> tuple[bool, str | None]:
    """Whether registry scanning covers the repository for sure, and why it only may."""
    scanning = app_cache(r.app, "ecr_registry_scanning", _registry_scanning)
    raw = r.props.get("RepositoryName")
    name = raw if isinstance(raw, str) else None
    if "*" in scanning.sure or (name and any(_matches(p, name) for p in scanning.sure)):
        return True, None
    if name is None and scanning.sure:
        return False, (
            "the registry scanning configuration covers only repositories whose names match "
            f"{sorted(scanning.sure)}, and this repository's name is not known at synthesis"
        )
    for pattern, why in scanning.maybe.items():
        if pattern == "*" or name is None or _matches(pattern, name):
            return False, why
    return False, (scanning.unknown[0] if scanning.unknown else None)


def _scanned(r: ResourceView) -> Iterator[Problem]:
    covered, maybe = _registry_covers(r)
    if covered:
        return
    path = "ImageScanningConfiguration.ScanOnPush"
    value = setting(r, path)
    if value is not None and r.bool(value, path):
        return
    if maybe is not None:
        raise CannotVerify(
            f"{path} is {'not set' if value is None else 'false'} and {maybe}, so whether new "
            "images are scanned is only known at deploy time",
            f"Properties.{path}",
        )
    shown = "not set (AWS defaults to false)" if value is None else "false"
    yield Problem(
        f"{path} is {shown} and no registry scanning configuration of the app covers the "
        "repository: pushed images are never checked for known vulnerabilities",
        f"Properties.{path}",
    )


# -- SC-ECR-2 immutable tags -----------------------------------------------------------------


def _immutable(r: ResourceView) -> Iterator[Problem]:
    raw = r.props.get("ImageTagMutability")
    path = "Properties.ImageTagMutability"
    if raw is None:
        yield Problem(
            "ImageTagMutability is not set (AWS uses MUTABLE): a push can move an existing tag "
            "to a different image, so what runs under a tag is not what was tested",
            path,
        )
        return
    mode = r.literal(raw, "ImageTagMutability")
    if mode == "IMMUTABLE":
        return
    if mode == "IMMUTABLE_WITH_EXCLUSION":
        yield from _exclusions(r)
        return
    yield Problem(
        f"ImageTagMutability is {mode!r}: a push can move an existing tag to a different "
        "image; use IMMUTABLE (or IMMUTABLE_WITH_EXCLUSION for named moving tags)",
        path,
    )


def _exclusions(r: ResourceView) -> Iterator[Problem]:
    """An exclusion filter that is only ``*`` makes every tag mutable again."""
    filters = r.props.get("ImageTagMutabilityExclusionFilters")
    for i, item in enumerate(as_list(filters)):
        where = f"ImageTagMutabilityExclusionFilters[{i}]"
        if not isinstance(item, Mapping) or intrinsic_name(item) is not None:
            raise CannotVerify(f"{where} is set by an expression", f"Properties.{where}")
        value = r.literal(
            item.get("ImageTagMutabilityExclusionFilterValue"),
            f"{where}.ImageTagMutabilityExclusionFilterValue",
        )
        if isinstance(value, str) and value and set(value) == {"*"}:
            yield Problem(
                f"{where} excludes the tags matching {value!r}, which is every tag: "
                "IMMUTABLE_WITH_EXCLUSION then lets any tag move; exclude named tags only",
                f"Properties.{where}",
            )


# -- SC-ECR-3 customer-managed key -----------------------------------------------------------


def _encrypted(r: ResourceView) -> Iterator[Problem]:
    kind_path = "EncryptionConfiguration.EncryptionType"
    kind = setting(r, kind_path)
    if kind is None:
        yield Problem(
            f"{kind_path} is not set, so ECR encrypts images with AES256 under keys AWS "
            "owns: no key policy of yours decides who can pull and CloudTrail records no use "
            "of the key",
            "Properties.EncryptionConfiguration",
        )
        return
    chosen = r.literal(kind, kind_path)
    if chosen not in KMS_TYPES:
        yield Problem(
            f"{kind_path} is {chosen!r}: images are encrypted under keys AWS owns; use KMS "
            "with a customer-managed key",
            f"Properties.{kind_path}",
        )
        return
    key_path = "EncryptionConfiguration.KmsKey"
    key = setting(r, key_path)
    if key is None:
        yield Problem(
            f"{key_path} is not set, so ECR uses the AWS managed key aws/ecr, whose policy "
            "and rotation are not yours to control",
            f"Properties.{key_path}",
        )
        return
    yield from kms_key_problems(r, key, key_path)


# -- SC-ECR-4 not open to everyone -----------------------------------------------------------


def _not_public(r: ResourceView) -> Iterator[Problem]:
    prop = "PolicyText" if r.type == REGISTRY_POLICY else "RepositoryPolicyText"
    for what, statement in open_allows(r, statements(policy_document(r, prop)), prop):
        yield Problem(
            f"{what} allows {statement.get('Action')!r} to every principal without a "
            "restricting condition: any AWS account can use it",
            f"Properties.{what}",
        )


RULES = (
    Rule(
        id="SC-ECR-1",
        title="ECR repositories scan images on push",
        pillar=Pillar.DETECTION,
        severity=Severity.WARNING,
        resource_types=(REPOSITORY,),
        rationale="Scanning finds known vulnerabilities in the packages an image ships before "
        "it runs. A warning: registry-level scanning (Amazon Inspector enhanced scanning) is "
        "often configured for the whole account outside the app, which a template cannot "
        "show; a registry scanning configuration in the app is taken into account.",
        fix="Set image_scan_on_push=True on ecr.Repository, or declare "
        "ecr.CfnRegistryScanningConfiguration with a rule whose scan_frequency is "
        "SCAN_ON_PUSH or CONTINUOUS_SCAN and whose repository filter is WILDCARD '*'.",
        check=_scanned,
        fsbp=("ECR.1",),
        nist_800_53=("RA-5",),
        checkov=("CKV_AWS_163",),
    ),
    Rule(
        id="SC-ECR-2",
        title="ECR repositories keep image tags immutable",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=(REPOSITORY,),
        rationale="With mutable tags anyone allowed to push can replace the image behind a tag "
        "that services deploy (app:1.4.2), without any change to the services. Immutable "
        "tags make a tag name one image; IMMUTABLE_WITH_EXCLUSION keeps named moving tags "
        "(latest) mutable and is accepted unless an exclusion filter is '*'.",
        fix="Set image_tag_mutability=ecr.TagMutability.IMMUTABLE on ecr.Repository (or "
        "IMMUTABLE_WITH_EXCLUSION with image_tag_mutability_exclusion_filters naming only "
        "the moving tags).",
        check=_immutable,
        fsbp=("ECR.2",),
        nist_800_53=("CM-2", "SI-7"),
        checkov=("CKV_AWS_51",),
    ),
    Rule(
        id="SC-ECR-3",
        title="ECR repositories are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=(REPOSITORY,),
        rationale="Images carry the application's code and often its configuration. With "
        "AES256 (the default) or the AWS managed key aws/ecr nobody but ECR's permissions "
        "decides who can read them; a key you manage adds its key policy and a CloudTrail "
        "record of every use. The encryption of a repository is fixed when it is created.",
        fix="Set encryption=ecr.RepositoryEncryption.KMS and encryption_key to a "
        "customer-managed kms.Key on ecr.Repository (EncryptionType KMS or KMS_DSSE with "
        "KmsKey).",
        check=_encrypted,
        nist_800_53=("SC-28", "SC-12"),
        checkov=("CKV_AWS_136",),
    ),
    Rule(
        id="SC-ECR-4",
        title="ECR repository and registry policies do not allow everyone",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=(REPOSITORY, REGISTRY_POLICY),
        rationale="A repository policy Allow to Principal '*' without a caller condition lets "
        "any AWS account pull (or push) images; a registry policy open to everyone lets any "
        "account replicate into the registry.",
        fix="Grant to named principals (repository.grant_pull(role), an account root), or add "
        "a condition such as aws:PrincipalOrgID to statements for Principal '*'.",
        check=_not_public,
        nist_800_53=("AC-3", "AC-6"),
        cdk_nag=("AwsSolutions-ECR1",),
        checkov=("CKV_AWS_32",),
    ),
)
