"""OutboxDispatcher: the managed engine that delivers merchant events (webhooks, receipts) on AWS.

    session table stream (NEW_IMAGE, only items whose save wrote an `outbox`)
      -> relay Lambda (paybot_channels.outbox_lambda.relay_handler): one FIFO message per event and
         consumer; a batch that keeps failing is bisected, and records past a day go to a failures queue
      -> FIFO queue (KMS-encrypted, 4 days' retention: past the 3-day retry window)
      -> delivery Lambda (deliver_handler, partial batch responses): signs and posts webhooks, sends
         receipts through SES; a failure comes back after an exponential, jittered visibility timeout
      -> dead-letter FIFO queue after the window (the handler moves it) or `max_receive_count` receives.

Nothing of this runs in a payer's request: the web Lambda only writes the outbox in its transaction.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra import iam
from infra.components.function import PaybotFunction, PaybotFunctionArgs

RELAY_HANDLER = "paybot_channels.outbox_lambda.relay_handler"
DELIVERY_HANDLER = "paybot_channels.outbox_lambda.deliver_handler"
# Only stream records of saves that wrote events wake the relay (every turn saves the session).
STREAM_FILTER = {"dynamodb": {"NewImage": {"outboxCount": {"N": [{"exists": True}]}}}}


@dataclass
class OutboxDispatcherArgs:
    """Inputs of an OutboxDispatcher. The two function args are completed here with the queues'
    URLs and the statements their work needs."""

    relay: PaybotFunctionArgs
    delivery: PaybotFunctionArgs
    table_arn: pulumi.Input[str]
    table_stream_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    email_from: str = "paybot@localhost"
    ses_identity_arn: pulumi.Input[str] = ""  # the SES identity receipts are sent from
    max_receive_count: int = 30  # the backstop; the handler itself gives up after the retry window
    retention_seconds: int = 4 * 86_400


def query_statement(table_arn: pulumi.Input[str]) -> iam.Statement:
    """List events and payments: queries of the table's two indexes, nothing else."""
    return {
        "Sid": "MerchantIndexes",
        "Effect": "Allow",
        "Action": ["dynamodb:Query"],
        "Resource": [pulumi.Output.concat(table_arn, "/index/*")],
    }


class OutboxDispatcher(pulumi.ComponentResource):
    def __init__(
        self, name: str, args: OutboxDispatcherArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("paybot:infra:OutboxDispatcher", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        fifo = {
            "fifo_queue": True,
            "content_based_deduplication": False,
            "kms_master_key_id": args.kms_key_arn,
        }
        self.dead_letters = aws.sqs.Queue(
            f"{name}-dead", name=f"{args.delivery.function_name}-dead.fifo",
            message_retention_seconds=14 * 86_400, **fifo, opts=child,
        )  # fmt: skip
        self.queue = aws.sqs.Queue(
            f"{name}-queue",
            name=f"{args.delivery.function_name}.fifo",
            message_retention_seconds=args.retention_seconds,
            # Lambda needs at least the function's timeout; six times is AWS's advice for SQS sources.
            visibility_timeout_seconds=6 * args.delivery.timeout_seconds,
            redrive_policy=self.dead_letters.arn.apply(
                lambda arn: json.dumps(
                    {"deadLetterTargetArn": arn, "maxReceiveCount": args.max_receive_count}
                )
            ),
            **fifo,
            opts=child,
        )
        self.relay_failures = aws.sqs.Queue(
            f"{name}-relay-failures",
            name=f"{args.relay.function_name}-failures",
            message_retention_seconds=14 * 86_400,
            kms_master_key_id=args.kms_key_arn,
            opts=child,
        )
        queues = {
            "PAYBOT_OUTBOX_QUEUE_URL": self.queue.url,
            "PAYBOT_OUTBOX_DEAD_LETTER_URL": self.dead_letters.url,
            "PAYBOT_MESSENGER": "aws",
            "PAYBOT_EMAIL_FROM": args.email_from,
        }
        kms = iam.kms_statement(args.kms_key_arn)
        self.relay = PaybotFunction(
            f"{name}-relay",
            dataclasses.replace(
                args.relay,
                handler=RELAY_HANDLER,
                environment={**args.relay.environment, **queues},
                statements=[
                    *args.relay.statements,
                    kms,
                    {
                        "Sid": "ReadTableStream",
                        "Effect": "Allow",
                        "Action": [
                            "dynamodb:DescribeStream",
                            "dynamodb:GetRecords",
                            "dynamodb:GetShardIterator",
                            "dynamodb:ListStreams",
                        ],
                        "Resource": [args.table_stream_arn],
                    },
                    {
                        "Sid": "FillOutboxQueue",
                        "Effect": "Allow",
                        "Action": ["sqs:SendMessage"],
                        "Resource": [self.queue.arn, self.relay_failures.arn],
                    },
                ],
            ),
            opts=child,
        )
        self.delivery = PaybotFunction(
            f"{name}-delivery",
            dataclasses.replace(
                args.delivery,
                handler=DELIVERY_HANDLER,
                environment={**args.delivery.environment, **queues},
                statements=[
                    *args.delivery.statements,
                    kms,
                    iam.dynamodb_statement(args.table_arn),
                    {
                        "Sid": "WorkOutboxQueue",
                        "Effect": "Allow",
                        "Action": [
                            "sqs:ReceiveMessage",
                            "sqs:DeleteMessage",
                            "sqs:ChangeMessageVisibility",
                            "sqs:GetQueueAttributes",
                        ],
                        "Resource": [self.queue.arn],
                    },
                    {
                        "Sid": "DeadLetters",
                        "Effect": "Allow",
                        "Action": ["sqs:SendMessage"],
                        "Resource": [self.dead_letters.arn],
                    },
                    {
                        "Sid": "Receipts",
                        "Effect": "Allow",
                        "Action": ["ses:SendEmail", "ses:SendRawEmail"],
                        "Resource": [args.ses_identity_arn],
                    },
                ],
            ),
            opts=child,
        )
        self.stream_mapping = aws.lambda_.EventSourceMapping(
            f"{name}-stream",
            event_source_arn=args.table_stream_arn,
            function_name=self.relay.arn,
            starting_position="TRIM_HORIZON",
            batch_size=100,
            maximum_batching_window_in_seconds=1,
            bisect_batch_on_function_error=True,
            maximum_record_age_in_seconds=86_400,
            maximum_retry_attempts=-1,
            filter_criteria=aws.lambda_.EventSourceMappingFilterCriteriaArgs(
                filters=[
                    aws.lambda_.EventSourceMappingFilterCriteriaFilterArgs(pattern=json.dumps(STREAM_FILTER))
                ]
            ),
            destination_config=aws.lambda_.EventSourceMappingDestinationConfigArgs(
                on_failure=aws.lambda_.EventSourceMappingDestinationConfigOnFailureArgs(
                    destination_arn=self.relay_failures.arn
                )
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.relay.policy]),
        )
        self.queue_mapping = aws.lambda_.EventSourceMapping(
            f"{name}-queue-source",
            event_source_arn=self.queue.arn,
            function_name=self.delivery.arn,
            batch_size=10,
            function_response_types=["ReportBatchItemFailures"],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.delivery.policy]),
        )
        self.register_outputs(
            {
                "queueUrl": self.queue.url,
                "deadLetterQueueUrl": self.dead_letters.url,
                "relayFunction": self.relay.name,
                "deliveryFunction": self.delivery.name,
            }
        )
