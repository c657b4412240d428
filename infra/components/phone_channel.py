"""PhoneChannel: the contact flow on an Amazon Connect instance, calling the phone Lambda."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from infra.flow import LAMBDA_PLACEHOLDER, render_flow


@dataclass
class PhoneChannelArgs:
    """Inputs of a PhoneChannel. Give `instance_id` to use an existing instance, else `instance_alias`."""

    function_arn: pulumi.Input[str]
    function_name: pulumi.Input[str]
    flow_template: str
    flow_name: str
    instance_id: str | None = None
    instance_alias: str | None = None
    flow_parameters: Mapping[str, str] = field(default_factory=dict)
    claim_phone_number: bool = False
    phone_country_code: str = "US"
    phone_type: str = "DID"


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
                opts=child,
            )
            self.instance_id = instance.id
            self.instance_arn = instance.arn
        else:
            raise ValueError("PhoneChannel needs instance_id or instance_alias")

        self.permission = aws.lambda_.Permission(
            f"{name}-invoke",
            action="lambda:InvokeFunction",
            function=args.function_name,
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
        parameters = dict(args.flow_parameters)
        template = args.flow_template
        self.flow_content = pulumi.Output.from_input(args.function_arn).apply(
            lambda arn: render_flow(template, {**parameters, LAMBDA_PLACEHOLDER: arn})
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
            {"instanceId": self.instance_id, "flowId": self.flow_id, "phoneNumber": self.phone_number}
        )
