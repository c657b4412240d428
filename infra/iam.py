"""Least-privilege IAM statements for paybot's Lambdas.

Every statement names its resources; none uses `"Resource": "*"` (the tests hold the
program to that). Statements are plain dicts whose values may be Outputs; `policy_document`
turns a list of them into the JSON the Role policy takes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from infra.config import INFERENCE_PROFILE_PREFIXES

Statement = dict[str, Any]

LAMBDA_ASSUME_ROLE = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def policy_document(statements: Sequence[Statement]) -> pulumi.Output[str]:
    """The IAM policy JSON for these statements (Outputs inside are resolved)."""
    return pulumi.Output.json_dumps({"Version": "2012-10-17", "Statement": list(statements)})


def bedrock_model_arns(
    model_id: str, routed_regions: Sequence[str], home_region: str, account_id: str, partition: str = "aws"
) -> list[str]:
    """ARNs a Bedrock call with `model_id` is authorised against.

    A cross-region inference profile (`us.amazon.nova-micro-v1:0`) needs the profile's ARN
    in the calling region and the foundation model's ARN in every region it routes to,
    because Bedrock authorises the call again where it lands.
    """
    prefix, _, base = model_id.partition(".")
    if prefix in INFERENCE_PROFILE_PREFIXES and base:
        profile = f"arn:{partition}:bedrock:{home_region}:{account_id}:inference-profile/{model_id}"
        models = [f"arn:{partition}:bedrock:{region}::foundation-model/{base}" for region in routed_regions]
        arns = [profile, *models]
    else:
        arns = [f"arn:{partition}:bedrock:{region}::foundation-model/{model_id}" for region in routed_regions]
    return sorted(set(arns))


def bedrock_statement(resources: pulumi.Input[list[str]]) -> Statement:
    """Invoke only the configured model (Converse and InvokeModel share these actions)."""
    return {
        "Sid": "InvokeConfiguredModel",
        "Effect": "Allow",
        "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
        "Resource": resources,
    }


def dynamodb_statement(table_arn: pulumi.Input[str]) -> Statement:
    """Read and write session items of one table; no scans, no table administration."""
    return {
        "Sid": "SessionTable",
        "Effect": "Allow",
        "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
        "Resource": [table_arn],
    }


def session_keys_statement(table_arn: pulumi.Input[str]) -> Statement:
    """Put, read and delete (shred) the vault's data keys: the three calls the key store makes."""
    return {
        "Sid": "VaultSessionKeys",
        "Effect": "Allow",
        "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
        "Resource": [table_arn],
    }


AUDIT_PREFIX = "audit/"  # S3AuditLog's default prefix: the only place the functions may write
SESSION_CONTEXT_KEY = "paybot:session"  # the encryption context of every session data key
# Services that use the stack key on a function's behalf (table, audit objects, secrets).
KEY_USING_SERVICES = ("dynamodb", "s3", "secretsmanager")


def audit_write_statement(bucket_arn: pulumi.Input[str]) -> Statement:
    """Append audit events under the audit prefix: never read, list, delete or write elsewhere."""
    return {
        "Sid": "AppendAuditEvents",
        "Effect": "Allow",
        "Action": ["s3:PutObject"],
        "Resource": [pulumi.Output.concat(bucket_arn, "/", AUDIT_PREFIX, "*")],
    }


def kms_statements(key_arn: pulumi.Input[str], region: str) -> list[Statement]:
    """Two uses of the stack key, each as narrow as it can be.

    - The session store calls KMS itself for one data key per session holding typed card data:
      `GenerateDataKey` and `Decrypt` only, and only with an encryption context whose one key is
      `paybot:session` (the store binds the session id there).
    - DynamoDB, S3 and Secrets Manager use the key for the table, the audit objects and the
      secrets: allowed only when the request comes through one of them (`kms:ViaService`).
    `kms:Encrypt` is not granted: nothing encrypts with the key directly.
    """
    return [
        {
            "Sid": "SessionDataKeys",
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
            "Resource": [key_arn],
            "Condition": {
                "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": [SESSION_CONTEXT_KEY]},
                "Null": {f"kms:EncryptionContext:{SESSION_CONTEXT_KEY}": "false"},
            },
        },
        {
            "Sid": "DataKeyThroughServices",
            "Effect": "Allow",
            "Action": ["kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"],
            "Resource": [key_arn],
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": [f"{service}.{region}.amazonaws.com" for service in KEY_USING_SERVICES]
                }
            },
        },
    ]


def secrets_statement(secret_arns: Sequence[pulumi.Input[str]]) -> Statement:
    """Read exactly the secrets this function uses."""
    return {
        "Sid": "ReadOwnSecrets",
        "Effect": "Allow",
        "Action": ["secretsmanager:GetSecretValue"],
        "Resource": list(secret_arns),
    }


def messenger_statements(ses_identity_arn: pulumi.Input[str]) -> list[Statement]:
    """What the Messenger needs to reach payers (paybot_core.adapters.aws_messenger): email through
    the stack's SES identity, and SMS through SNS `Publish` to a phone number.

    SNS authorises a publish to a phone number against no resource of its own, so that one action
    takes `"Resource": "*"` (AWS documents no narrower form); the Deny beside it takes back every
    topic and endpoint ARN, so the role can text a phone number and publish nothing else.
    """
    return [
        {
            "Sid": "SendEmailToPayers",
            "Effect": "Allow",
            "Action": ["ses:SendEmail", "ses:SendRawEmail"],
            "Resource": [ses_identity_arn],
        },
        {"Sid": SMS_SID, "Effect": "Allow", "Action": ["sns:Publish"], "Resource": "*"},
        {
            "Sid": "NoTopicPublishing",
            "Effect": "Deny",
            "Action": ["sns:Publish"],
            "Resource": ["arn:aws:sns:*:*:*"],
        },
    ]


SMS_SID = "SmsToPhoneNumbers"  # the one statement with Resource "*" (see messenger_statements)


def logs_statement(log_group_arn: pulumi.Input[str]) -> Statement:
    """Write to the function's own log group (AWSLambdaBasicExecutionRole would allow all)."""
    return {
        "Sid": "OwnLogGroup",
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": [pulumi.Output.concat(log_group_arn, ":*")],
    }


def kms_statement(key_arn: pulumi.Input[str]) -> Statement:
    """The outbox dispatcher's use of the stack key (its encrypted queues and the table's stream)."""
    return {
        "Sid": "DataKey",
        "Effect": "Allow",
        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        "Resource": [key_arn],
    }
