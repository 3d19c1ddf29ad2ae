"""SC-EC2-3..8 on instances, launch templates, launch configurations, volumes and subnets.

One app for the module: stack ``Compute`` (account and region set, so no lookup is needed)
holds one instance, launch template, Auto Scaling group, volume or subnet per case
(construct id = case name). The app has no feature flags, so an AutoScalingGroup without a
``launch_template`` synthesizes a launch configuration.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms

from aspects.model import Finding

from ._helpers import CANNOT_VERIFY, NON_COMPLIANT, Checked, Switch, cfn, check_app, ids, outcomes

ENV = cdk.Environment(account="123456789012", region="eu-west-1")
IMAGE = ec2.MachineImage.generic_linux({"eu-west-1": "ami-0123456789abcdef0"})
SMALL = ec2.InstanceType("t3.micro")
MY_RULES = ("SC-EC2-3", "SC-EC2-4", "SC-EC2-5", "SC-EC2-6", "SC-EC2-7", "SC-EC2-8")


def _build(stack: cdk.Stack) -> None:
    setting = cdk.CfnParameter(stack, "Setting", default="x").value_as_string
    switch = Switch(stack)
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=1)
    ec2.Vpc(
        stack,
        "QuietVpc",
        max_azs=1,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(
                name="Public", subnet_type=ec2.SubnetType.PUBLIC, map_public_ip_on_launch=False
            )
        ],
    )
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    private = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
    public = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC)
    subnet_id = vpc.private_subnets[0].subnet_id

    def root(**ebs: Any) -> list[ec2.BlockDevice]:
        options: dict[str, Any] = {"encrypted": True, "kms_key": key}
        options.update(ebs)
        return [
            ec2.BlockDevice(device_name="/dev/xvda", volume=ec2.BlockDeviceVolume.ebs(8, **options))
        ]

    def instance(name: str, **overrides: Any) -> ec2.Instance:
        props: dict[str, Any] = {
            "vpc": vpc,
            "vpc_subnets": private,
            "instance_type": SMALL,
            "machine_image": IMAGE,
            "require_imdsv2": True,
            "block_devices": root(),
            "detailed_monitoring": True,
        }
        props.update(overrides)
        return ec2.Instance(stack, name, **props)

    def template(name: str, **overrides: Any) -> ec2.LaunchTemplate:
        props: dict[str, Any] = {
            "machine_image": IMAGE,
            "require_imdsv2": True,
            "block_devices": root(),
            "detailed_monitoring": True,
        }
        props.update(overrides)
        return ec2.LaunchTemplate(stack, name, **props)

    def l1(name: str, **overrides: Any) -> ec2.CfnInstance:
        props: dict[str, Any] = {
            "image_id": "ami-0123456789abcdef0",
            "instance_type": "t3.micro",
            "subnet_id": subnet_id,
            "metadata_options": ec2.CfnInstance.MetadataOptionsProperty(http_tokens="required"),
            "block_device_mappings": [
                ec2.CfnInstance.BlockDeviceMappingProperty(
                    device_name="/dev/xvda",
                    ebs=ec2.CfnInstance.EbsProperty(encrypted=True, kms_key_id=key.key_arn),
                )
            ],
            "monitoring": True,
        }
        props.update({k: v for k, v in overrides.items() if v is not None})
        for k in [k for k, v in overrides.items() if v is None]:
            props.pop(k)
        return ec2.CfnInstance(stack, name, **props)

    def l1_template(name: str, **data: Any) -> ec2.CfnLaunchTemplate:
        return ec2.CfnLaunchTemplate(
            stack,
            name,
            launch_template_name=name,
            launch_template_data=ec2.CfnLaunchTemplate.LaunchTemplateDataProperty(**data),
        )

    def group(name: str, **overrides: Any) -> autoscaling.AutoScalingGroup:
        props: dict[str, Any] = {
            "vpc": vpc,
            "vpc_subnets": private,
            "instance_type": SMALL,
            "machine_image": IMAGE,
            "require_imdsv2": True,
        }
        props.update(overrides)
        return autoscaling.AutoScalingGroup(stack, name, **props)

    # Compliant references.
    instance("Secure")
    template("SecureTemplate")
    autoscaling.AutoScalingGroup(
        stack,
        "SecureTemplateGroup",
        vpc=vpc,
        vpc_subnets=private,
        launch_template=template("GroupTemplate", instance_type=SMALL),
    )
    ec2.Volume(
        stack,
        "SecureVolume",
        availability_zone="eu-west-1a",
        size=cdk.Size.gibibytes(8),
        encrypted=True,
        encryption_key=key,
    )
    l1("L1Secure")

    # SC-EC2-3 IMDSv2.
    instance("NoImdsv2", require_imdsv2=False)
    template("TemplateNoImdsv2", require_imdsv2=False)
    group("GroupNoImdsv2", require_imdsv2=False)
    l1(
        "L1Optional",
        metadata_options=ec2.CfnInstance.MetadataOptionsProperty(http_tokens="optional"),
    )
    l1("L1NoMetadataOptions", metadata_options=None)
    l1(
        "L1Disabled",
        metadata_options=ec2.CfnInstance.MetadataOptionsProperty(http_endpoint="disabled"),
    )
    cfn(instance("EscOptional")).add_property_override("MetadataOptions.HttpTokens", "optional")
    cfn(instance("ParamTokens")).add_property_override("MetadataOptions.HttpTokens", setting)
    cfn(instance("IfTokens")).add_property_override(
        "MetadataOptions.HttpTokens", switch.pick("required", "optional")
    )
    cfn(instance("IfTokensBoth")).add_property_override(
        "MetadataOptions.HttpTokens", switch.pick("required", "required")
    )
    optional = l1_template(
        "OptionalTemplate",
        metadata_options=ec2.CfnLaunchTemplate.MetadataOptionsProperty(http_tokens="optional"),
    )
    l1(
        "InheritsOptional",
        metadata_options=None,
        launch_template=ec2.CfnInstance.LaunchTemplateSpecificationProperty(
            launch_template_id=optional.ref, version=optional.attr_latest_version_number
        ),
    )
    shared = l1_template(
        "SharedTemplate",
        metadata_options=ec2.CfnLaunchTemplate.MetadataOptionsProperty(http_tokens="optional"),
        block_device_mappings=[
            ec2.CfnLaunchTemplate.BlockDeviceMappingProperty(
                device_name="/dev/xvda",
                ebs=ec2.CfnLaunchTemplate.EbsProperty(encrypted=True, kms_key_id=key.key_arn),
            )
        ],
        monitoring=ec2.CfnLaunchTemplate.MonitoringProperty(enabled=True),
    )
    cdk.CfnOutput(stack, "SharedTemplateId", value=shared.ref)
    l1(
        "UsesShared",
        metadata_options=None,
        launch_template=ec2.CfnInstance.LaunchTemplateSpecificationProperty(
            launch_template_id=shared.ref, version="1"
        ),
    )
    required = l1_template(
        "RequiredTemplate",
        metadata_options=ec2.CfnLaunchTemplate.MetadataOptionsProperty(http_tokens="required"),
    )
    l1(
        "InheritsRequired",
        metadata_options=None,
        launch_template=ec2.CfnInstance.LaunchTemplateSpecificationProperty(
            launch_template_name="RequiredTemplate", version=required.attr_latest_version_number
        ),
    )
    conditional = l1_template(
        "ConditionalTemplate",
        metadata_options=ec2.CfnLaunchTemplate.MetadataOptionsProperty(
            http_tokens=cdk.Token.as_string(switch.pick("required", "optional"))
        ),
    )
    l1(
        "InheritsConditional",
        metadata_options=None,
        launch_template=ec2.CfnInstance.LaunchTemplateSpecificationProperty(
            launch_template_id=conditional.ref, version="1"
        ),
    )
    l1(
        "ForeignTemplate",
        metadata_options=None,
        launch_template=ec2.CfnInstance.LaunchTemplateSpecificationProperty(
            launch_template_id="lt-0123456789abcdef0", version="1"
        ),
    )

    # SC-EC2-4 encrypted EBS with a customer-managed key.
    instance("UnencryptedRoot", block_devices=root(encrypted=False, kms_key=None))
    instance("DefaultEbsKey", block_devices=root(kms_key=None))
    instance("NoBlockDevices", block_devices=None)
    instance(
        "InstanceStore",
        block_devices=[
            *root(),
            ec2.BlockDevice(device_name="/dev/sdb", volume=ec2.BlockDeviceVolume.ephemeral(0)),
        ],
    )
    l1(
        "L1Unencrypted",
        block_device_mappings=[
            ec2.CfnInstance.BlockDeviceMappingProperty(
                device_name="/dev/xvda", ebs=ec2.CfnInstance.EbsProperty(encrypted=False)
            )
        ],
    )
    cfn(instance("EscUnencrypted")).add_property_override(
        "BlockDeviceMappings.0.Ebs.Encrypted", False
    )
    cfn(instance("ParamEbsKey")).add_property_override(
        "BlockDeviceMappings.0.Ebs.KmsKeyId", setting
    )
    cfn(instance("IfEncrypted")).add_property_override(
        "BlockDeviceMappings.0.Ebs.Encrypted", switch.pick(True, False)
    )
    volumes = l1_template(
        "VolumesTemplate",
        block_device_mappings=[
            ec2.CfnLaunchTemplate.BlockDeviceMappingProperty(
                device_name="/dev/xvda",
                ebs=ec2.CfnLaunchTemplate.EbsProperty(encrypted=True, kms_key_id=key.key_arn),
            )
        ],
    )
    l1(
        "InheritsVolumes",
        block_device_mappings=None,
        launch_template=ec2.CfnInstance.LaunchTemplateSpecificationProperty(
            launch_template_id=volumes.ref, version="1"
        ),
    )
    template("TemplateNoVolumes", block_devices=None)
    template("TemplateUnencrypted", block_devices=root(encrypted=False, kms_key=None))
    group(
        "GroupEncrypted",
        block_devices=[
            autoscaling.BlockDevice(
                device_name="/dev/xvda",
                volume=autoscaling.BlockDeviceVolume.ebs(8, encrypted=True),
            )
        ],
    )
    ec2.Volume(stack, "PlainVolume", availability_zone="eu-west-1a", size=cdk.Size.gibibytes(8))
    ec2.CfnVolume(
        stack, "L1DefaultKeyVolume", availability_zone="eu-west-1a", size=8, encrypted=True
    )
    ec2.CfnVolume(
        stack,
        "ParamKeyVolume",
        availability_zone="eu-west-1a",
        size=8,
        encrypted=True,
        kms_key_id=setting,
    )

    # SC-EC2-5 no public IPv4 address; SC-EC2-6 subnets.
    instance("PublicSubnet", vpc_subnets=public)
    instance("PublicAddressOff", vpc_subnets=public, associate_public_ip_address=False)
    instance("AskedForAddress", vpc_subnets=public, associate_public_ip_address=True)
    l1("L1DefaultVpc", subnet_id=None)
    l1("ForeignSubnet", subnet_id="subnet-0123456789abcdef0")
    cfn(instance("ParamSubnet")).add_property_override("SubnetId", setting)
    cfn(instance("EscPublicAddress", associate_public_ip_address=False)).add_property_override(
        "NetworkInterfaces.0.AssociatePublicIpAddress", True
    )
    l1(
        "IfPublicAddress",
        subnet_id=None,
        network_interfaces=[
            ec2.CfnInstance.NetworkInterfaceProperty(
                device_index="0",
                subnet_id=subnet_id,
                associate_public_ip_address=switch.pick(False, True),
            )
        ],
    )
    template("TemplatePublicAddress", associate_public_ip_address=True)
    group("GroupPublicAddress", vpc_subnets=public, associate_public_ip_address=True)
    ec2.CfnSubnet(
        stack,
        "L1PublicSubnet",
        vpc_id=vpc.vpc_id,
        cidr_block="10.0.250.0/24",
        map_public_ip_on_launch=True,
    )
    ec2.CfnSubnet(
        stack, "EscPublicSubnet", vpc_id=vpc.vpc_id, cidr_block="10.0.251.0/24"
    ).add_property_override("MapPublicIpOnLaunch", True)
    ec2.CfnSubnet(
        stack, "ParamPublicSubnet", vpc_id=vpc.vpc_id, cidr_block="10.0.252.0/24"
    ).add_property_override("MapPublicIpOnLaunch", setting)

    # SC-EC2-7 no SSH key pair.
    instance("WithKeyPair", key_pair=ec2.KeyPair(stack, "Pair"))
    l1("L1KeyName", key_name="ops")
    cfn(instance("ParamKeyName")).add_property_override("KeyName", setting)
    template("TemplateKeyPair", key_pair=ec2.KeyPair.from_key_pair_name(stack, "Named", "ops"))
    keyed = l1_template(
        "KeyedTemplate",
        key_name="ops",
        metadata_options=ec2.CfnLaunchTemplate.MetadataOptionsProperty(http_tokens="required"),
    )
    l1(
        "InheritsKeyName",
        launch_template=ec2.CfnInstance.LaunchTemplateSpecificationProperty(
            launch_template_id=keyed.ref, version="1"
        ),
    )

    # SC-EC2-8 detailed monitoring.
    instance("BasicMonitoring", detailed_monitoring=False)
    template("TemplateBasicMonitoring", detailed_monitoring=False)
    group("GroupBasicMonitoring", instance_monitoring=autoscaling.Monitoring.BASIC)
    cfn(instance("ParamMonitoring")).add_property_override("Monitoring", setting)


@pytest.fixture(scope="module")
def ev() -> Checked:
    app = cdk.App()
    _build(cdk.Stack(app, "Compute", env=ENV))
    return check_app(app)


def at(name: str) -> str:
    return f"Compute/{name}"


def mine(ev: Checked, name: str) -> set[tuple[str, Any]]:
    """Outcomes of this module's rules at *name* (other families judge roles and groups)."""
    return {o for o in outcomes(ev, at(name)) if o[0] in MY_RULES}


def finding(ev: Checked, rule_id: str, name: str) -> Finding:
    (found,) = [
        f
        for f in ev.evaluation.findings
        if f.rule.id == rule_id and f.construct_path and f.construct_path.startswith(at(name))
    ]
    return found


# -- compliant references ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Secure",
        "SecureTemplate",
        "SecureTemplateGroup",
        "GroupTemplate",
        "SecureVolume",
        "L1Secure",
    ],
)
def test_hardened_compute_has_no_finding(ev: Checked, name: str) -> None:
    assert ids(ev, at(name)) == set()


def test_the_template_cdk_makes_for_require_imdsv2_is_judged_through_its_instance(
    ev: Checked,
) -> None:
    resources = ev.templates["Compute"]["Resources"]
    (made,) = [v for k, v in resources.items() if k.startswith("SecureLaunchTemplate")]
    assert made["Type"] == "AWS::EC2::LaunchTemplate"
    assert set(made["Properties"]["LaunchTemplateData"]) == {"MetadataOptions"}
    assert ids(ev, at("Secure")) == set()


def test_quiet_public_subnets_have_no_finding(ev: Checked) -> None:
    assert mine(ev, "QuietVpc") == set()


# -- SC-EC2-3 IMDSv2 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["NoImdsv2", "TemplateNoImdsv2", "L1Optional", "L1NoMetadataOptions", "EscOptional"]
)
def test_metadata_service_answering_imdsv1_is_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EC2-3", NON_COMPLIANT)}


def test_launch_configuration_without_imdsv2_is_flagged(ev: Checked) -> None:
    assert ("SC-EC2-3", NON_COMPLIANT) in mine(ev, "GroupNoImdsv2")
    assert finding(ev, "SC-EC2-3", "GroupNoImdsv2").construct_path == at(
        "GroupNoImdsv2/LaunchConfig"
    )


def test_disabled_metadata_service_is_compliant(ev: Checked) -> None:
    assert mine(ev, "L1Disabled") == set()


def test_tokens_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert mine(ev, "ParamTokens") == {("SC-EC2-3", CANNOT_VERIFY)}


def test_tokens_optional_in_one_branch_cannot_be_verified(ev: Checked) -> None:
    assert mine(ev, "IfTokens") == {("SC-EC2-3", CANNOT_VERIFY)}


def test_tokens_required_in_both_branches_is_compliant(ev: Checked) -> None:
    assert mine(ev, "IfTokensBoth") == set()


def test_instance_inherits_imdsv1_from_its_launch_template(ev: Checked) -> None:
    assert mine(ev, "InheritsOptional") == {("SC-EC2-3", NON_COMPLIANT)}
    found = finding(ev, "SC-EC2-3", "InheritsOptional")
    assert found.message.startswith("through its launch template OptionalTemplate:")
    assert found.property_path == "Properties.LaunchTemplate"
    assert ids(ev, at("OptionalTemplate")) == set()  # judged through its instance


def test_template_used_beyond_instances_is_judged_on_its_own_too(ev: Checked) -> None:
    assert mine(ev, "SharedTemplate") == {("SC-EC2-3", NON_COMPLIANT)}
    assert mine(ev, "UsesShared") == {("SC-EC2-3", NON_COMPLIANT)}


def test_instance_inherits_imdsv2_through_a_template_name(ev: Checked) -> None:
    assert mine(ev, "InheritsRequired") == set()


def test_template_that_differs_under_a_condition_cannot_be_verified(ev: Checked) -> None:
    assert mine(ev, "InheritsConditional") == {("SC-EC2-3", CANNOT_VERIFY)}
    assert "differs under its conditions" in finding(ev, "SC-EC2-3", "InheritsConditional").message


def test_launch_template_outside_the_app_cannot_be_verified(ev: Checked) -> None:
    # The instance sets its monitoring itself; its metadata options, key pair, interfaces
    # and any further volumes would come from a template that cannot be read.
    assert mine(ev, "ForeignTemplate") == {
        ("SC-EC2-3", CANNOT_VERIFY),
        ("SC-EC2-4", CANNOT_VERIFY),
        ("SC-EC2-5", CANNOT_VERIFY),
        ("SC-EC2-7", CANNOT_VERIFY),
    }


# -- SC-EC2-4 encrypted EBS --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "UnencryptedRoot",
        "DefaultEbsKey",
        "L1Unencrypted",
        "EscUnencrypted",
        "TemplateUnencrypted",
        "GroupEncrypted",
        "PlainVolume",
        "L1DefaultKeyVolume",
    ],
)
def test_volume_without_a_customer_key_is_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EC2-4", NON_COMPLIANT)}


def test_default_ebs_key_is_named_in_the_message(ev: Checked) -> None:
    found = finding(ev, "SC-EC2-4", "DefaultEbsKey")
    assert "aws/ebs" in found.message
    assert found.property_path == "Properties.BlockDeviceMappings[0].Ebs.KmsKeyId"


def test_launch_configuration_cannot_name_a_key(ev: Checked) -> None:
    assert "cannot name a KMS key" in finding(ev, "SC-EC2-4", "GroupEncrypted").message


@pytest.mark.parametrize("name", ["NoBlockDevices", "TemplateNoVolumes"])
def test_root_volume_of_the_ami_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EC2-4", CANNOT_VERIFY)}
    assert "AMI" in finding(ev, "SC-EC2-4", name).message


def test_launch_configuration_without_volumes_cannot_be_verified(ev: Checked) -> None:
    assert ("SC-EC2-4", CANNOT_VERIFY) in mine(ev, "GroupNoImdsv2")


def test_instance_store_devices_need_no_key(ev: Checked) -> None:
    assert mine(ev, "InstanceStore") == set()


def test_volumes_of_the_launch_template_count_for_the_instance(ev: Checked) -> None:
    assert mine(ev, "InheritsVolumes") == set()


@pytest.mark.parametrize("name", ["ParamEbsKey", "IfEncrypted", "ParamKeyVolume"])
def test_deploy_time_encryption_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EC2-4", CANNOT_VERIFY)}


# -- SC-EC2-5 no public IPv4 address -----------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "PublicSubnet",
        "AskedForAddress",
        "L1DefaultVpc",
        "EscPublicAddress",
        "TemplatePublicAddress",
    ],
)
def test_instance_with_a_public_address_is_flagged(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EC2-5", NON_COMPLIANT)}


def test_public_subnet_is_named(ev: Checked) -> None:
    found = finding(ev, "SC-EC2-5", "PublicSubnet")
    assert "MapPublicIpOnLaunch is true" in found.message
    assert found.property_path == "Properties.SubnetId"


def test_launch_configuration_asking_for_public_addresses_is_flagged(ev: Checked) -> None:
    assert mine(ev, "GroupPublicAddress") == {
        ("SC-EC2-4", CANNOT_VERIFY),
        ("SC-EC2-5", NON_COMPLIANT),
    }


def test_public_subnet_without_an_address_is_compliant(ev: Checked) -> None:
    assert mine(ev, "PublicAddressOff") == set()


@pytest.mark.parametrize("name", ["ForeignSubnet", "ParamSubnet", "IfPublicAddress"])
def test_deploy_time_public_address_cannot_be_verified(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EC2-5", CANNOT_VERIFY)}


# -- SC-EC2-6 subnets --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Vpc/PublicSubnet1", "Vpc/PublicSubnet2", "L1PublicSubnet", "EscPublicSubnet"],
)
def test_subnet_mapping_public_addresses_is_warned_about(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EC2-6", NON_COMPLIANT)}


def test_private_subnets_have_no_finding(ev: Checked) -> None:
    assert mine(ev, "Vpc/PrivateSubnet1") == set()


def test_subnet_mapping_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert mine(ev, "ParamPublicSubnet") == {("SC-EC2-6", CANNOT_VERIFY)}


# -- SC-EC2-7 no SSH key pair ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["WithKeyPair", "L1KeyName", "TemplateKeyPair", "InheritsKeyName"])
def test_ssh_key_pair_is_warned_about(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EC2-7", NON_COMPLIANT)}


def test_key_pair_of_the_app_is_named(ev: Checked) -> None:
    assert "the key pair Pair" in finding(ev, "SC-EC2-7", "WithKeyPair").message


def test_key_name_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert mine(ev, "ParamKeyName") == {("SC-EC2-7", CANNOT_VERIFY)}


# -- SC-EC2-8 detailed monitoring --------------------------------------------------------------


@pytest.mark.parametrize("name", ["BasicMonitoring", "TemplateBasicMonitoring"])
def test_basic_monitoring_is_warned_about(ev: Checked, name: str) -> None:
    assert mine(ev, name) == {("SC-EC2-8", NON_COMPLIANT)}


def test_launch_configuration_with_basic_monitoring_is_warned_about(ev: Checked) -> None:
    assert mine(ev, "GroupBasicMonitoring") == {
        ("SC-EC2-4", CANNOT_VERIFY),
        ("SC-EC2-8", NON_COMPLIANT),
    }


def test_monitoring_from_parameter_cannot_be_verified(ev: Checked) -> None:
    assert mine(ev, "ParamMonitoring") == {("SC-EC2-8", CANNOT_VERIFY)}


# -- SC-EC2-5 on Auto Scaling groups (templates as CloudFormation receives them) --------------


def _group_findings(template_data: dict[str, Any], subnet: Any) -> set[str]:
    from aspects import evaluate
    from aspects.index import StackTemplate
    from aspects.rules import RULES_BY_ID

    resources: dict[str, Any] = {
        "Public": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {
                "VpcId": "vpc-1",
                "CidrBlock": "10.0.0.0/24",
                "MapPublicIpOnLaunch": True,
            },
        },
        "Private": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {"VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"},
        },
        "Template": {
            "Type": "AWS::EC2::LaunchTemplate",
            "Properties": {"LaunchTemplateData": template_data},
        },
        "Group": {
            "Type": "AWS::AutoScaling::AutoScalingGroup",
            "Properties": {
                "MinSize": "1",
                "MaxSize": "2",
                "LaunchTemplate": {"LaunchTemplateId": {"Ref": "Template"}, "Version": "1"},
                "VPCZoneIdentifier": [subnet],
            },
        },
    }
    stack = StackTemplate("S", "s.json", {"Resources": resources})
    found = evaluate([stack], lambda _s: (RULES_BY_ID["SC-EC2-5"],)).findings
    return {f"{f.logical_id}:{f.status}" for f in found}


def test_group_launching_into_a_public_subnet_is_flagged() -> None:
    assert _group_findings({}, {"Ref": "Public"}) == {"Group:non-compliant"}


def test_group_in_private_subnets_or_with_no_public_address_passes() -> None:
    assert _group_findings({}, {"Ref": "Private"}) == set()
    no_address = {"NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": False}]}
    assert _group_findings(no_address, {"Ref": "Public"}) == set()


def test_group_in_a_subnet_outside_the_app_cannot_be_verified() -> None:
    assert _group_findings({}, "subnet-0123456789abcdef0") == {"Group:cannot-verify"}
