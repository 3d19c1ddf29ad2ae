"""Amazon EC2 compute guardrails: IMDSv2, encrypted EBS, no public IP, no SSH keys, monitoring.

What EC2 does when a property is absent (CloudFormation, not the console):

* ``MetadataOptions.HttpTokens`` absent means ``optional``: the instance metadata service
  also answers IMDSv1, the token-less GET a server-side request forgery can make, and hands
  out the instance role's credentials. Only an AMI registered with ``ImdsSupport v2.0`` or
  the account's IMDS defaults (``ModifyInstanceMetadataDefaults``) change that, and neither
  is in the template, so absent counts as optional. ``HttpEndpoint: disabled`` turns the
  service off: nothing to steal, compliant.
* An instance may take its settings from a launch template (``LaunchTemplate``): what the
  instance sets itself wins, the template fills the rest. The rules follow the reference to
  a launch template of the app (by ``LaunchTemplateId`` reference or literal
  ``LaunchTemplateName``) and judge what the instance gets; a template outside the app, or
  one that differs under its ``Fn::If`` conditions, cannot be verified. A launch template
  that only instances of the app use (CDK's ``require_imdsv2=True`` makes one holding just
  ``MetadataOptions``) is judged through those instances, not on its own.
* EBS ``Encrypted`` absent means false, unless the account turns on EBS encryption by
  default (an account setting the template does not show). ``Encrypted`` without
  ``KmsKeyId`` uses the account's default EBS key: the AWS managed ``aws/ebs`` unless the
  account chose another. Launch configurations cannot name a key at all.
* An instance (or launch template, or launch configuration) that declares no
  ``BlockDeviceMappings`` gets the AMI's root volume as it is: whether that volume is
  encrypted, and under whose key, depends on the AMI's snapshot and on the account's EBS
  encryption by default, neither of which is in the template. The rules report that as
  *cannot verify* (error severity, fail closed) rather than guess either way: declaring the
  root volume with ``encrypted=True`` and a ``kms_key`` makes it verifiable. A mapping for a
  device that is not the AMI's root device leaves the root volume as the AMI has it; the
  template cannot tell which device name is the root, so declared mappings are trusted.
* A public IPv4 address comes from ``NetworkInterfaces[].AssociatePublicIpAddress`` on the
  primary interface or, when that is not set, from the subnet's ``MapPublicIpOnLaunch``
  (false for a subnet you create; true for the default subnets and for CDK's public
  subnets). An instance with neither ``SubnetId`` nor interfaces launches in a default
  subnet of the default VPC.
* Monitoring: instances and launch templates default to basic monitoring (5-minute
  metrics); launch configurations default to detailed (``InstanceMonitoring: true``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from aspects.index import AppIndex, ResourceKey, ResourceRef, ResourceView, TemplateIndex
from aspects.model import CannotVerify, Pillar, Problem, Rule, Severity
from aspects.rules._blocks import app_cache, setting
from aspects.rules._common import Deferred, kms_key_problems
from aspects.values import as_list, intrinsic_name, properties, variants

INSTANCE = "AWS::EC2::Instance"
LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"
LAUNCH_CONFIGURATION = "AWS::AutoScaling::LaunchConfiguration"
VOLUME = "AWS::EC2::Volume"
SUBNET = "AWS::EC2::Subnet"
#: What launches instances: each carries the metadata, volume, network and key settings.
LAUNCHERS = (INSTANCE, LAUNCH_TEMPLATE, LAUNCH_CONFIGURATION)

_DATA = {LAUNCH_TEMPLATE: "LaunchTemplateData."}
#: Launch configuration property names that differ from the instance's.
_CONFIGURATION_NAMES = {"Monitoring": "InstanceMonitoring"}

T = TypeVar("T")


# -- where an instance's settings come from ----------------------------------------------------


def _own(r: ResourceView, name: str) -> tuple[Any, str]:
    """The resource's own value of launch setting *name* and the path it is read from."""
    if r.type == LAUNCH_CONFIGURATION:
        name = _CONFIGURATION_NAMES.get(name, name)
    path = _DATA.get(r.type, "") + name
    return setting(r, path), path


@dataclass(frozen=True)
class _Template:
    """A launch template an instance refers to: one view per ``Fn::If`` variant."""

    logical_id: str
    views: tuple[ResourceView, ...]


def _templates_by_name(app: AppIndex) -> dict[str, list[tuple[TemplateIndex, str]]]:
    """Launch templates of the app with a literal ``LaunchTemplateName`` (no ``Condition``)."""
    out: dict[str, list[tuple[TemplateIndex, str]]] = {}
    for tpl in app.templates:
        for logical_id in tpl.by_type.get(LAUNCH_TEMPLATE, ()):
            resource = tpl.resources[logical_id]
            name = properties(resource).get("LaunchTemplateName")
            if isinstance(name, str) and "Condition" not in resource:
                out.setdefault(name, []).append((tpl, logical_id))
    return out


def _named(r: ResourceView, name: str) -> tuple[TemplateIndex, str] | None:
    """The launch template of the app called *name* (this template's first)."""
    found = app_cache(r.app, "ec2_launch_templates_by_name", _templates_by_name).get(name, [])
    here = [entry for entry in found if entry[0].path == r.template.path]
    if len(here) == 1 or (not here and len(found) == 1):
        return (here or found)[0]
    return None


def _launch_template(r: ResourceView) -> _Template | None:
    """The launch template an instance refers to, or None; fails closed when unresolvable.

    Computed once per instance variant for all the rules that ask.
    """
    memo: dict[Any, _Template | CannotVerify | None] = app_cache(
        r.app, "ec2_instance_launch_templates", lambda _app: {}
    )
    key = (r.key, tuple(sorted(r.conditions.items())))
    if key not in memo:
        try:
            memo[key] = _find_launch_template(r)
        except CannotVerify as exc:
            memo[key] = exc
    found = memo[key]
    if isinstance(found, CannotVerify):
        raise CannotVerify(found.message, found.path)
    return found


def _find_launch_template(r: ResourceView) -> _Template | None:
    spec = r.props.get("LaunchTemplate")
    if spec is None:
        return None
    if intrinsic_name(spec) is not None or not isinstance(spec, Mapping):
        r.literal(spec, "LaunchTemplate")  # raises CannotVerify for an expression
        raise CannotVerify(
            f"LaunchTemplate is {spec!r}, which is not a launch template specification",
            "Properties.LaunchTemplate",
        )
    for field in ("LaunchTemplateId", "LaunchTemplateName"):
        value = spec.get(field)
        if value is None:
            continue
        found: tuple[TemplateIndex, str] | None = None
        if isinstance(value, str) and field == "LaunchTemplateName":
            found = _named(r, value)
            shown = repr(value)
        else:
            ref = r.follow(value, f"LaunchTemplate.{field}")
            if isinstance(ref, ResourceRef) and ref.type == LAUNCH_TEMPLATE:
                found = (ref.template, ref.logical_id)
            shown = ref.logical_id if isinstance(ref, ResourceRef) else ref.description
        if found is None:
            raise CannotVerify(
                f"LaunchTemplate.{field} names {shown}, which is not a launch template of the "
                "app, so the settings the instance takes from it cannot be verified",
                "Properties.LaunchTemplate",
            )
        tpl, logical_id = found
        views = tuple(
            ResourceView(logical_id, variant, tpl, r.app, choice)
            for choice, variant in variants(tpl.resources[logical_id])
        )
        return _Template(logical_id, views)
    raise CannotVerify(
        "LaunchTemplate names neither LaunchTemplateId nor LaunchTemplateName",
        "Properties.LaunchTemplate",
    )


def _agreed(template: _Template, compute: Callable[[ResourceView], T]) -> T:
    """What *compute* gives for the template, the same under every ``Fn::If`` variant."""
    results = [compute(view) for view in template.views]
    if any(result != results[0] for result in results[1:]):
        names = sorted({name for view in template.views for name in view.conditions})
        raise CannotVerify(
            f"the launch template {template.logical_id} differs under its conditions "
            f"({', '.join(names)}), so what the instance takes from it is only known at "
            "deploy time",
            "Properties.LaunchTemplate",
        )
    return results[0]


def _through(template: _Template, problems: Iterable[Problem]) -> list[Problem]:
    """Problems of a launch template, as problems of the instance that uses it."""
    return [
        Problem(
            f"through its launch template {template.logical_id}: {p.message}",
            "Properties.LaunchTemplate",
        )
        for p in problems
    ]


Judge = Callable[[ResourceView, Any, str], list[Problem]]


def _inherited_setting(r: ResourceView, name: str, judge: Judge) -> Iterator[Problem]:
    """Judge launch setting *name*: the resource's own, else (instances) its template's.

    *judge* gets the view that holds the value, the raw value (None when set nowhere) and
    the path it is read from.
    """
    value, path = _own(r, name)
    if value is not None or r.type != INSTANCE:
        yield from judge(r, value, path)
        return
    template = _launch_template(r)
    if template is None:
        yield from judge(r, None, path)
        return
    yield from _agreed(template, lambda view: _through(template, judge(view, *_own(view, name))))


def _instance_only_templates(app: AppIndex) -> frozenset[ResourceKey]:
    """Launch templates that instances of the app mention and nothing else does.

    An instance counts when its ``LaunchTemplate`` names the template; anything else that
    mentions one (an Auto Scaling group, a node group, a fleet, an output that exports it,
    an instance's user data, even a string equal to its name) makes it a launch template
    judged on its own. Mentions are found in the JSON text of each resource's properties: a
    ``"Id"`` (``Ref``, ``Fn::GetAtt`` list), ``"Id.`` (``Fn::GetAtt`` string), ``${Id``
    (``Fn::Sub``) or ``"Name"``. Finding too many only judges more templates on their own.
    """
    names = {
        name: [(tpl.path, lid) for tpl, lid in found]
        for name, found in _templates_by_name(app).items()
    }
    by_name = [(json.dumps(name), key) for name, keys in names.items() for key in keys]
    by_instances: set[ResourceKey] = set()
    elsewhere: set[ResourceKey] = set()
    for tpl in app.templates:
        needles = list(by_name)
        for lid in tpl.by_type.get(LAUNCH_TEMPLATE, ()):
            needles += [(f"{q}{lid}{end}", (tpl.path, lid)) for q, end in _ID_FORMS]
        if not needles:
            continue
        for resource in tpl.resources.values():
            if not isinstance(resource, Mapping) or resource.get("Type") == LAUNCH_TEMPLATE:
                continue
            props = dict(properties(resource))
            if resource.get("Type") == INSTANCE:
                by_instances.update(_mentions(needles, props.pop("LaunchTemplate", None)))
            elsewhere.update(_mentions(needles, props))
        elsewhere.update(_mentions(needles, tpl.stack.template.get("Outputs")))
    return frozenset(by_instances - elsewhere)


def _mentions(needles: list[tuple[str, ResourceKey]], value: Any) -> set[ResourceKey]:
    text = json.dumps(value, default=str)
    return {key for needle, key in needles if needle in text}


#: How a logical id appears in JSON text when something refers to it.
_ID_FORMS = (('"', '"'), ('"', "."), ("${", "}"), ("${", "."))


def _judged_through_instances(r: ResourceView) -> bool:
    """A launch template only instances of the app use: its instances are judged instead."""
    if r.type != LAUNCH_TEMPLATE:
        return False
    return r.key in app_cache(r.app, "ec2_instance_only_launch_templates", _instance_only_templates)


def _entries(view: ResourceView, raw: Any, path: str) -> list[tuple[str, Mapping[str, Any]]]:
    """The items of a list setting with their paths; fails closed on expressions."""
    if raw is None:
        return []
    if intrinsic_name(raw) is not None:
        view.literal(raw, path)  # raises CannotVerify
    out: list[tuple[str, Mapping[str, Any]]] = []
    for i, item in enumerate(as_list(raw)):
        where = f"{path}[{i}]"
        if not isinstance(item, Mapping) or intrinsic_name(item) is not None:
            view.literal(item, where)  # raises CannotVerify for an expression
            raise CannotVerify(
                f"{where} is {item!r}, which is not an object", f"Properties.{where}"
            )
        out.append((where, item))
    return out


def _options(view: ResourceView, value: Any, path: str) -> Mapping[str, Any]:
    """An object-valued setting (``MetadataOptions``, ``Ebs``...), empty when not set."""
    if value is None:
        return {}
    if intrinsic_name(value) is not None or not isinstance(value, Mapping):
        view.literal(value, path)  # raises CannotVerify for an expression
        raise CannotVerify(f"{path} is {value!r}, which is not an object", f"Properties.{path}")
    return value


# -- SC-EC2-3 IMDSv2 ---------------------------------------------------------------------------


def _metadata_problems(view: ResourceView, value: Any, path: str) -> list[Problem]:
    options = _options(view, value, path)
    endpoint = options.get("HttpEndpoint")
    disabled = endpoint is not None and view.literal(endpoint, f"{path}.HttpEndpoint")
    if str(disabled).lower() == "disabled":
        return []  # no metadata service at all
    tokens = options.get("HttpTokens")
    if tokens is None:
        return [
            Problem(
                f"{path}.HttpTokens is not set, so the instance metadata service also answers "
                "IMDSv1 (token-less GETs a server-side request forgery can make, handing out "
                "the role's credentials) unless the AMI or the account's IMDS defaults require "
                "tokens, which the template does not show",
                f"Properties.{path}.HttpTokens",
            )
        ]
    chosen = view.literal(tokens, f"{path}.HttpTokens")
    if str(chosen).lower() != "required":
        return [
            Problem(
                f"{path}.HttpTokens is {chosen!r}: the instance metadata service answers "
                "IMDSv1, so a server-side request forgery can read the role's credentials",
                f"Properties.{path}.HttpTokens",
            )
        ]
    return []


def _imdsv2(r: ResourceView) -> Iterator[Problem]:
    if not _judged_through_instances(r):
        yield from _inherited_setting(r, "MetadataOptions", _metadata_problems)


# -- SC-EC2-4 encrypted EBS with a customer-managed key ----------------------------------------


def _device_problems(view: ResourceView, where: str, mapping: Mapping[str, Any]) -> list[Problem]:
    """One block device mapping: an EBS volume must be encrypted under a customer key."""
    ebs = _options(view, mapping.get("Ebs"), f"{where}.Ebs")
    if not ebs:
        return []  # an instance store volume (VirtualName) or a suppressed device (NoDevice)
    encrypted = ebs.get("Encrypted")
    path = f"Properties.{where}.Ebs.Encrypted"
    if encrypted is None:
        return [
            Problem(
                f"{where}.Ebs.Encrypted is not set, so the volume is stored unencrypted unless "
                "its snapshot is encrypted or the account turns on EBS encryption by default "
                "(an account setting the template does not show)",
                path,
            )
        ]
    if not view.bool(encrypted, f"{where}.Ebs.Encrypted"):
        return [
            Problem(
                f"{where}.Ebs.Encrypted is false: the volume and its snapshots are stored "
                "unencrypted",
                path,
            )
        ]
    if view.type == LAUNCH_CONFIGURATION:
        return [
            Problem(
                f"{where}.Ebs is encrypted with the account's default EBS key: a launch "
                "configuration cannot name a KMS key, so no key policy of yours controls who "
                "reads the volume (aws/ebs unless the account chose another key)",
                f"Properties.{where}.Ebs",
            )
        ]
    return _key_problems(view, ebs.get("KmsKeyId"), f"{where}.Ebs.KmsKeyId")


def _key_problems(view: ResourceView, key: Any, what: str) -> list[Problem]:
    if key is None:
        return [
            Problem(
                f"{what} is not set, so the volume is encrypted with the account's default EBS "
                "key (the AWS managed aws/ebs unless the account chose another), whose key "
                "policy is not yours to control",
                f"Properties.{what}",
            )
        ]
    return list(kms_key_problems(view, key, what))


def _declared_volumes(
    view: ResourceView, skip: frozenset[Any] = frozenset()
) -> tuple[list[Problem], bool]:
    """Problems of the declared block devices (but *skip*'s names) and whether any exist."""
    raw, path = _own(view, "BlockDeviceMappings")
    entries = [(w, m) for w, m in _entries(view, raw, path) if m.get("DeviceName") not in skip]
    problems = [p for where, mapping in entries for p in _device_problems(view, where, mapping)]
    return problems, bool(entries)


def _root_volume_unknown(r: ResourceView) -> CannotVerify:
    _raw, path = _own(r, "BlockDeviceMappings")
    return CannotVerify(
        f"{path} is not set, so the root volume is the AMI's own: whether it is encrypted, "
        "and under whose key, depends on the AMI's snapshot and the account's EBS encryption "
        "by default, which the template does not show; declare the root device with "
        "Encrypted true and a customer-managed KmsKeyId",
        f"Properties.{path}",
    )


def _volume(r: ResourceView) -> Iterator[Problem]:
    encrypted = r.props.get("Encrypted")
    if encrypted is None or not r.bool(encrypted, "Encrypted"):
        shown = "not set" if encrypted is None else "false"
        yield Problem(
            f"Encrypted is {shown}, so the volume and its snapshots are stored unencrypted "
            "(unless the account turns on EBS encryption by default, which the template does "
            "not show, or its snapshot is encrypted)",
            "Properties.Encrypted",
        )
        return
    yield from _key_problems(r, r.props.get("KmsKeyId"), "KmsKeyId")


def _encrypted_volumes(r: ResourceView) -> Iterator[Problem]:
    if r.type == VOLUME:
        yield from _volume(r)
        return
    if _judged_through_instances(r):
        return
    problems, declared = _declared_volumes(r)
    if r.type == INSTANCE:
        template = _launch_template(r)
        if template is not None:
            raw, path = _own(r, "BlockDeviceMappings")
            names = frozenset(m.get("DeviceName") for _w, m in _entries(r, raw, path))
            inherited, has = _agreed(template, lambda view: _declared_volumes(view, names))
            problems += _through(template, inherited)
            declared = declared or has
    if not declared:
        raise _root_volume_unknown(r)
    yield from problems


# -- SC-EC2-5 no public IPv4 address -----------------------------------------------------------


def _subnet_problems(view: ResourceView, subnet: Any, what: str) -> list[Problem]:
    """Whether launching into *subnet* gives the primary interface a public IPv4 address."""
    if subnet is None:
        return [
            Problem(
                "neither SubnetId nor NetworkInterfaces is set, so the instance launches in a "
                "default subnet of the default VPC, which assigns public IPv4 addresses",
                "Properties.SubnetId",
            )
        ]
    ref = view.follow(subnet, what)
    if isinstance(ref, ResourceRef) and ref.type == SUBNET:
        mapped = properties(ref.resource).get("MapPublicIpOnLaunch")
        if mapped is not None and view.bool(mapped, f"{ref.logical_id}.MapPublicIpOnLaunch"):
            return [
                Problem(
                    f"{what} is the subnet {ref.logical_id}, whose MapPublicIpOnLaunch is true: "
                    "the instance gets a public IPv4 address, reachable from the internet "
                    "wherever its security groups allow",
                    f"Properties.{what}",
                )
            ]
        return []
    shown = ref.logical_id if isinstance(ref, ResourceRef) else ref.description
    raise CannotVerify(
        f"{what} is {shown}, not a subnet of the app, so whether it gives the instance a "
        "public IPv4 address cannot be verified; set AssociatePublicIpAddress to false on "
        "the primary network interface",
        f"Properties.{what}",
    )


def _interface_problems(
    view: ResourceView, interfaces: list[tuple[str, Mapping[str, Any]]], subnet: Any
) -> list[Problem]:
    """Public addresses the network interfaces ask for or get from their subnet."""
    problems: list[Problem] = []
    for where, interface in interfaces:
        value = interface.get("AssociatePublicIpAddress")
        if value is not None:
            if view.bool(value, f"{where}.AssociatePublicIpAddress"):
                problems.append(
                    Problem(
                        f"{where}.AssociatePublicIpAddress is true: the instance gets a public "
                        "IPv4 address, reachable from the internet wherever its security "
                        "groups allow",
                        f"Properties.{where}.AssociatePublicIpAddress",
                    )
                )
            continue
        if interface.get("NetworkInterfaceId") is not None:
            continue  # an existing interface: no address is assigned at launch
        device = interface.get("DeviceIndex")
        if device is not None and str(view.literal(device, f"{where}.DeviceIndex")) != "0":
            continue  # only the primary interface gets an address from its subnet
        own = interface.get("SubnetId")
        if own is None:
            problems += _subnet_problems(view, subnet, "SubnetId")
        else:
            problems += _subnet_problems(view, own, f"{where}.SubnetId")
    return problems


#: Auto Scaling groups launch their template or configuration into their own subnets.
AUTO_SCALING_GROUP = "AWS::AutoScaling::AutoScalingGroup"


def _group_launch_spec(r: ResourceView) -> tuple[Any, str] | None:
    """The group's launch template or configuration reference and its property path."""
    for path in (
        "LaunchTemplate.LaunchTemplateId",
        "LaunchTemplate.LaunchTemplateName",
        "MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.LaunchTemplateId",
        "MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.LaunchTemplateName",
        "LaunchConfigurationName",
    ):
        value = setting(r, path)
        if value is not None:
            return value, path
    return None


def _explicit_address(r: ResourceView) -> bool | None:
    """What the group's template/configuration says about a public address, if anything.

    True or False when the primary interface (or the launch configuration) sets
    ``AssociatePublicIpAddress``; None when it leaves it to the subnet. Raises
    :class:`CannotVerify` when the template is not a resource of the app.
    """
    spec = _group_launch_spec(r)
    if spec is None:
        return None
    value, path = spec
    ref = r.follow(value, path)
    if not isinstance(ref, ResourceRef):
        raise CannotVerify(
            f"{path} names a launch template outside the app, so whether the group's "
            "instances get a public IPv4 address from its subnets cannot be verified",
            f"Properties.{path}",
        )
    props = properties(ref.resource)
    if ref.type == LAUNCH_CONFIGURATION:
        raw = props.get("AssociatePublicIpAddress")
        return None if raw is None else r.bool(raw, f"{ref.logical_id}.AssociatePublicIpAddress")
    data = props.get("LaunchTemplateData")
    interfaces = as_list(data.get("NetworkInterfaces")) if isinstance(data, Mapping) else []
    for interface in interfaces:
        if not isinstance(interface, Mapping):
            continue
        device = interface.get("DeviceIndex", 0)
        if str(r.literal(device, f"{ref.logical_id}.DeviceIndex")) != "0":
            continue
        raw = interface.get("AssociatePublicIpAddress")
        if raw is not None:
            return r.bool(raw, f"{ref.logical_id}.AssociatePublicIpAddress")
    return None


def _group_public_ip(r: ResourceView) -> Iterator[Problem]:
    """A group whose template leaves the address to public subnets gives every instance one."""
    if _explicit_address(r) is not None:
        return  # false: no address; true: SC-EC2-5 reports it on the template itself
    deferred = Deferred()
    for i, subnet in enumerate(
        as_list(r.literal(r.props.get("VPCZoneIdentifier"), "VPCZoneIdentifier"))
    ):
        with deferred:
            for problem in _subnet_problems(r, subnet, f"VPCZoneIdentifier[{i}]"):
                yield Problem(
                    problem.message.replace(
                        "the instance gets", "every instance of the group gets"
                    ),
                    problem.path,
                )
    deferred.raise_first()


def _public_ip(r: ResourceView) -> Iterator[Problem]:
    if r.type == AUTO_SCALING_GROUP:
        yield from _group_public_ip(r)
        return
    if r.type == LAUNCH_CONFIGURATION:
        value = r.props.get("AssociatePublicIpAddress")
        if value is not None and r.bool(value, "AssociatePublicIpAddress"):
            yield Problem(
                "AssociatePublicIpAddress is true: every instance of the group gets a public "
                "IPv4 address, reachable from the internet wherever its security groups allow",
                "Properties.AssociatePublicIpAddress",
            )
        return
    if _judged_through_instances(r):
        return
    raw, path = _own(r, "NetworkInterfaces")
    interfaces = _entries(r, raw, path)
    if r.type == LAUNCH_TEMPLATE:
        # Without an explicit address the subnet decides; the group that uses the template
        # picks the subnets, which SC-EC2-6 judges.
        explicit = [(w, i) for w, i in interfaces if i.get("AssociatePublicIpAddress") is not None]
        yield from _interface_problems(r, explicit, None)
        return
    subnet = r.props.get("SubnetId")
    if interfaces:
        yield from _interface_problems(r, interfaces, subnet)
        return
    template = _launch_template(r)
    if template is not None:

        def inherited(view: ResourceView) -> tuple[list[Problem], bool]:
            lt_interfaces = _entries(view, *_own(view, "NetworkInterfaces"))
            if not lt_interfaces:
                return [], False
            return _interface_problems(view, lt_interfaces, subnet), True

        problems, has = _agreed(template, inherited)
        if has:
            yield from _through(template, problems)
            return
    yield from _subnet_problems(r, subnet, "SubnetId")


def _subnet_maps_public_ips(r: ResourceView) -> Iterator[Problem]:
    value = r.props.get("MapPublicIpOnLaunch")
    if value is not None and r.bool(value, "MapPublicIpOnLaunch"):
        yield Problem(
            "MapPublicIpOnLaunch is true: every instance launched here without an explicit "
            "choice gets a public IPv4 address (load balancers and NAT gateways do not need "
            "it)",
            "Properties.MapPublicIpOnLaunch",
        )


# -- SC-EC2-7 no SSH key pair ------------------------------------------------------------------


def _key_pair_problems(view: ResourceView, value: Any, path: str) -> list[Problem]:
    if value is None:
        return []
    if intrinsic_name(value) is not None:
        ref = view.follow(value, path)  # a parameter cannot be verified
        shown = (
            f"the key pair {ref.logical_id}" if isinstance(ref, ResourceRef) else ref.description
        )
    elif not str(value).strip():
        return []
    else:
        shown = repr(value)
    return [
        Problem(
            f"{path} is {shown}: SSH with a long-lived private key bypasses IAM, MFA and "
            "session logging; Session Manager gives a shell without one",
            f"Properties.{path}",
        )
    ]


def _no_key_pair(r: ResourceView) -> Iterator[Problem]:
    if not _judged_through_instances(r):
        yield from _inherited_setting(r, "KeyName", _key_pair_problems)


# -- SC-EC2-8 detailed monitoring --------------------------------------------------------------


def _monitoring_problems(view: ResourceView, value: Any, path: str) -> list[Problem]:
    if view.type == LAUNCH_CONFIGURATION:
        if value is not None and not view.bool(value, path):
            return [
                Problem(
                    f"{path} is false, so CloudWatch gets the instances' metrics every 5 "
                    "minutes only (basic monitoring)",
                    f"Properties.{path}",
                )
            ]
        return []  # launch configurations default to detailed monitoring
    if view.type == LAUNCH_TEMPLATE:
        value = _options(view, value, path).get("Enabled")
        path = f"{path}.Enabled"
    if value is None or not view.bool(value, path):
        shown = "not set" if value is None else "false"
        return [
            Problem(
                f"{path} is {shown}, so CloudWatch gets the instance's metrics every 5 minutes "
                "only (basic monitoring): a short burst of abuse or a failing instance shows "
                "late or not at all",
                f"Properties.{path}",
            )
        ]
    return []


def _detailed_monitoring(r: ResourceView) -> Iterator[Problem]:
    if not _judged_through_instances(r):
        yield from _inherited_setting(r, "Monitoring", _monitoring_problems)


RULES = (
    Rule(
        id="SC-EC2-3",
        title="EC2 instances, launch templates and launch configurations require IMDSv2",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=LAUNCHERS,
        rationale="IMDSv1 answers any GET to 169.254.169.254 with the instance role's "
        "credentials, so one server-side request forgery in the application gives them "
        "away. IMDSv2 needs a session token from a PUT that such requests cannot make. "
        "HttpTokens absent means optional (unless the AMI or account defaults say "
        "otherwise, which the template does not show). An instance that takes its metadata "
        "options from a launch template is judged by that template.",
        fix="Set require_imdsv2=True on ec2.Instance, ec2.LaunchTemplate or "
        "autoscaling.AutoScalingGroup (MetadataOptions.HttpTokens 'required'), or "
        "http_tokens=LaunchTemplateHttpTokens.REQUIRED on the LaunchTemplate.",
        check=_imdsv2,
        fsbp=("EC2.8", "EC2.170", "AutoScaling.3"),
        nist_800_53=("AC-3", "AC-6", "SC-23"),
        cdk_nag=("NIST.800.53.R5-EC2IMDSv2Enabled", "HIPAA.Security-EC2IMDSv2Enabled"),
        checkov=("CKV_AWS_79",),
    ),
    Rule(
        id="SC-EC2-4",
        title="EBS volumes are encrypted with a customer-managed KMS key",
        pillar=Pillar.AT_REST,
        severity=Severity.ERROR,
        resource_types=(*LAUNCHERS, VOLUME),
        rationale="An unencrypted volume and every snapshot of it can be read by anyone who "
        "can copy or share the snapshot. Encrypted without a key of yours, the account's "
        "default EBS key (aws/ebs) lets every principal with EC2 permissions use it. An "
        "instance that declares no block devices gets the AMI's root volume, whose "
        "encryption depends on the AMI and on account settings the template does not show: "
        "that cannot be verified (declare the root volume). Launch configurations cannot "
        "name a key at all.",
        fix="Declare every volume, the root device included, with block_devices=[ec2."
        "BlockDevice(device_name=..., volume=ec2.BlockDeviceVolume.ebs(size, encrypted=True, "
        "kms_key=key))] on ec2.Instance or ec2.LaunchTemplate; use ec2.Volume(encrypted=True, "
        "encryption_key=key); give an AutoScalingGroup a launch_template instead of a launch "
        "configuration.",
        check=_encrypted_volumes,
        fsbp=("EC2.3", "EC2.181"),
        nist_800_53=("SC-28", "SC-13"),
        cdk_nag=("AwsSolutions-EC26",),
        checkov=("CKV_AWS_3", "CKV_AWS_8"),
    ),
    Rule(
        id="SC-EC2-5",
        title="EC2 instances do not get a public IPv4 address",
        pillar=Pillar.PREVENTION,
        severity=Severity.ERROR,
        resource_types=(*LAUNCHERS, AUTO_SCALING_GROUP),
        rationale="An instance with a public address can be reached from the whole internet "
        "wherever a security group rule slips; keep instances in private subnets behind a "
        "load balancer, and reach them through Session Manager. An instance gets an address "
        "when its primary interface asks for one (AssociatePublicIpAddress) or, when that is "
        "not set, when its subnet maps public IPs on launch, as CDK's public subnets and the "
        "default VPC's subnets do.",
        fix="Place ec2.Instance in private subnets (vpc_subnets=SubnetSelection(subnet_type="
        "SubnetType.PRIVATE_WITH_EGRESS)) or set associate_public_ip_address=False; set "
        "associate_public_ip_address=False on autoscaling.AutoScalingGroup and leave "
        "associate_public_ip_address unset on ec2.LaunchTemplate.",
        check=_public_ip,
        fsbp=("EC2.9", "EC2.25", "Autoscaling.5"),
        nist_800_53=("AC-4", "SC-7"),
        cdk_nag=(
            "NIST.800.53.R5-EC2InstanceNoPublicIp",
            "NIST.800.53.R5-AutoScalingLaunchConfigPublicIpDisabled",
        ),
        checkov=("CKV_AWS_88",),
    ),
    Rule(
        id="SC-EC2-6",
        title="Subnets do not assign public IPv4 addresses on launch",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=(SUBNET,),
        rationale="MapPublicIpOnLaunch gives a public address to every instance launched in "
        "the subnet that does not say otherwise, e.g. from an Auto Scaling group. Public "
        "subnets need it for nothing else: load balancers and NAT gateways get their "
        "addresses regardless. CDK's public subnets set it, hence a warning.",
        fix="Set map_public_ip_on_launch=False on the public ec2.SubnetConfiguration of the "
        "Vpc (or on ec2.PublicSubnet); an instance that must be public asks for its address "
        "explicitly.",
        check=_subnet_maps_public_ips,
        fsbp=("EC2.15",),
        nist_800_53=("AC-4", "SC-7"),
        cdk_nag=("NIST.800.53.R5-VPCSubnetAutoAssignPublicIpDisabled",),
    ),
    Rule(
        id="SC-EC2-7",
        title="EC2 instances have no SSH key pair",
        pillar=Pillar.PREVENTION,
        severity=Severity.WARNING,
        resource_types=LAUNCHERS,
        rationale="A key pair is a long-lived credential outside IAM: whoever holds the "
        "private key logs in, without MFA and without a session log. Session Manager gives a "
        "shell through IAM with CloudTrail and session logging and no inbound port. Some "
        "workloads still need SSH, hence a warning.",
        fix="Leave key_pair (key_name) unset on ec2.Instance, ec2.LaunchTemplate and "
        "autoscaling.AutoScalingGroup, give the instance role AmazonSSMManagedInstanceCore "
        "and connect with Session Manager; acknowledge the rule with a reason where SSH is "
        "required.",
        check=_no_key_pair,
        nist_800_53=("AC-17", "IA-2", "IA-5"),
    ),
    Rule(
        id="SC-EC2-8",
        title="EC2 instances have detailed monitoring",
        pillar=Pillar.DETECTION,
        severity=Severity.WARNING,
        resource_types=LAUNCHERS,
        rationale="Detailed monitoring sends the instance's metrics every minute instead of "
        "every five, so alarms on CPU, network or status checks see bursts and failures in "
        "time. It costs money per instance, hence a warning.",
        fix="Set detailed_monitoring=True on ec2.Instance or ec2.LaunchTemplate "
        "(Monitoring.Enabled), or instance_monitoring=Monitoring.DETAILED on "
        "autoscaling.AutoScalingGroup.",
        check=_detailed_monitoring,
        cdk_nag=("AwsSolutions-EC28", "HIPAA.Security-EC2InstanceDetailedMonitoringEnabled"),
    ),
)
