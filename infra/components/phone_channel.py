"""PhoneChannel: the contact flow on an Amazon Connect instance, calling the phone Lambda.

Everything the flow names is made here, so no Connect value is fed by hand: the input
encryption key (`InputEncryptionKey`), the agent queue (found by name, or created with its
hours of operation) and the Lambda ARN fill flow.json's placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from infra.components.input_key import InputEncryptionKey, InputEncryptionKeyArgs
from infra.flow import (
    CERTIFICATE_PLACEHOLDER,
    ENCRYPTION_KEY_PLACEHOLDER,
    LAMBDA_PLACEHOLDER,
    QUEUE_PLACEHOLDER,
    render_flow,
)

DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


@dataclass
class PhoneChannelArgs:
    """Inputs of a PhoneChannel. Give `instance_id` to use an existing instance, else `instance_alias`."""

    function_arn: pulumi.Input[str]  # what Connect invokes: the alias's (qualified) ARN
    function_name: pulumi.Input[str]
    flow_template: str
    flow_name: str
    region: str
    # The phone Lambda's secret for the input key's private half (the stack fills it).
    private_key_secret_id: pulumi.Input[str]
    instance_id: str | None = None
    instance_alias: str | None = None
    flow_parameters: Mapping[str, str] = field(default_factory=dict)
    claim_phone_number: bool = False
    phone_country_code: str = "US"
    phone_type: str = "DID"
    # An existing queue for callers who need an agent, by name; None: the stack creates one.
    function_qualifier: pulumi.Input[str] | None = None
    # A new instance's call recordings: this bucket (prefix connect/recordings/), SSE-KMS with this key.
    recordings_bucket: pulumi.Input[str] | None = None
    kms_key_arn: pulumi.Input[str] | None = None
    queue_name: str | None = None
    queue_time_zone: str = "UTC"


class PhoneChannel(pulumi.ComponentResource):
    """What Pulumi can do for a business's Connect set-up; docs/deploy.md lists the rest."""

    def __init__(self, name: str, args: PhoneChannelArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("paybot:infra:PhoneChannel", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        if args.instance_id:
            existing = aws.connect.get_instance_output(
                instance_id=args.instance_id, opts=pulumi.InvokeOptions(parent=self)
            )
            self.instance_id: pulumi.Output[str] = pulumi.Output.from_input(args.instance_id)
            self.instance_arn: pulumi.Output[str] = existing.arn
        elif args.instance_alias:
            instance = aws.connect.Instance(
                f"{name}-instance",
                instance_alias=args.instance_alias,
                identity_management_type="CONNECT_MANAGED",
                inbound_calls_enabled=True,
                outbound_calls_enabled=False,
                # The flow itself switches logging off around the card segment.
                contact_flow_logs_enabled=True,
                # Set, not left to the default (on): Contact Lens would transcribe and analyse calls,
                # and nothing in paybot reads its output; recordings are the only call audio kept.
                contact_lens_enabled=False,
                opts=child,
            )
            self.instance_id = instance.id
            self.instance_arn = instance.arn
            if args.recordings_bucket is not None:
                # Where recordings go, set explicitly: the stack's own bucket, encrypted with its key.
                # The flow suspends recording for every keyed entry, so no card digits are in them.
                self.recording_storage = aws.connect.InstanceStorageConfig(
                    f"{name}-recordings",
                    instance_id=self.instance_id,
                    resource_type="CALL_RECORDINGS",
                    storage_config=aws.connect.InstanceStorageConfigStorageConfigArgs(
                        storage_type="S3",
                        s3_config=aws.connect.InstanceStorageConfigStorageConfigS3ConfigArgs(
                            bucket_name=args.recordings_bucket,
                            bucket_prefix="connect/recordings",
                            encryption_config=aws.connect.InstanceStorageConfigStorageConfigS3ConfigEncryptionConfigArgs(
                                encryption_type="KMS", key_id=args.kms_key_arn
                            ),
                        ),
                    ),
                    opts=child,
                )
        else:
            raise ValueError("PhoneChannel needs instance_id or instance_alias")

        self.permission = aws.lambda_.Permission(
            f"{name}-invoke",
            action="lambda:InvokeFunction",
            function=args.function_name,
            qualifier=args.function_qualifier,
            principal="connect.amazonaws.com",
            source_arn=self.instance_arn,
            opts=child,
        )
        self.association = aws.connect.LambdaFunctionAssociation(
            f"{name}-lambda",
            instance_id=self.instance_id,
            function_arn=args.function_arn,
            opts=child,
        )
        self.input_key = InputEncryptionKey(
            f"{name}-input-key",
            InputEncryptionKeyArgs(
                instance_arn=self.instance_arn,
                private_key_secret_id=args.private_key_secret_id,
                region=args.region,
            ),
            opts=child,
        )
        self.queue_arn = self._agent_queue(name, args)
        parameters = dict(args.flow_parameters)
        template = args.flow_template
        made = pulumi.Output.all(
            args.function_arn, self.input_key.key_id, self.input_key.certificate_pem, self.queue_arn
        )
        self.flow_content = made.apply(
            lambda values: render_flow(
                template,
                {
                    **parameters,
                    LAMBDA_PLACEHOLDER: values[0],
                    ENCRYPTION_KEY_PLACEHOLDER: values[1],
                    CERTIFICATE_PLACEHOLDER: values[2],
                    QUEUE_PLACEHOLDER: values[3],
                },
            )
        )
        self.flow = aws.connect.ContactFlow(
            f"{name}-flow",
            instance_id=self.instance_id,
            name=args.flow_name,
            description="paybot: pay a bill with the keypad",
            type="CONTACT_FLOW",
            content=self.flow_content,
            # Connect refuses a flow that invokes a Lambda the instance does not know yet.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.association, self.permission]),
        )
        self.phone_number: pulumi.Output[str] | None = None
        if args.claim_phone_number:
            number = aws.connect.PhoneNumber(
                f"{name}-number",
                target_arn=self.instance_arn,
                country_code=args.phone_country_code,
                type=args.phone_type,
                description="paybot payments line",
                opts=child,
            )
            aws.connect.PhoneNumberContactFlowAssociation(
                f"{name}-number-flow",
                instance_id=self.instance_id,
                phone_number_id=number.id,
                contact_flow_id=self.flow.contact_flow_id,
                opts=child,
            )
            self.phone_number = number.phone_number
        self.flow_id = self.flow.contact_flow_id
        self.register_outputs(
            {
                "instanceId": self.instance_id,
                "flowId": self.flow_id,
                "phoneNumber": self.phone_number,
                "queueArn": self.queue_arn,
                "inputKeyId": self.input_key.key_id,
            }
        )

    def _agent_queue(self, name: str, args: PhoneChannelArgs) -> pulumi.Output[str]:
        """The queue the flow transfers to: an existing one by name, or one made for paybot.

        A queue made here is open around the clock; agents reach it through a routing profile,
        which staffing decides (docs/phone.md).
        """
        if args.queue_name:
            found = aws.connect.get_queue_output(
                instance_id=self.instance_id, name=args.queue_name, opts=pulumi.InvokeOptions(parent=self)
            )
            return found.arn
        child = pulumi.ResourceOptions(parent=self)
        midnight = aws.connect.HoursOfOperationConfigStartTimeArgs(hours=0, minutes=0)
        last_minute = aws.connect.HoursOfOperationConfigEndTimeArgs(hours=23, minutes=59)
        self.hours = aws.connect.HoursOfOperation(
            f"{name}-hours",
            instance_id=self.instance_id,
            name=f"{args.flow_name} hours",
            description="paybot: agents may take payment callers at any time",
            time_zone=args.queue_time_zone,
            configs=[
                aws.connect.HoursOfOperationConfigArgs(day=day, start_time=midnight, end_time=last_minute)
                for day in DAYS
            ],
            opts=child,
        )
        self.queue = aws.connect.Queue(
            f"{name}-queue",
            instance_id=self.instance_id,
            name=f"{args.flow_name} agents",
            description="paybot: callers the keypad flow hands to an agent",
            hours_of_operation_id=self.hours.hours_of_operation_id,
            opts=child,
        )
        return self.queue.arn
