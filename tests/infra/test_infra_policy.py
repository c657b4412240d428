"""The policy pack's validators, fed the resources the mocked program declares."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from infra_mocks import Declared, Recorder, settled, stack_config, use_mocks
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
)

from infra.config import load_config
from infra.policy.rules import POLICIES
from infra.program import build_stack

pytestmark = pytest.mark.infra


def _options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def _urn(declared: Declared) -> str:
    return f"urn:pulumi:test::paybot::{declared.type}::{declared.name}"


def _props(declared: Declared) -> dict[str, Any]:
    # The engine hands policies the inputs; a bucket's autonamed `bucket` is known after Check.
    props = dict(declared.inputs)
    if declared.type == "aws:s3/bucket:Bucket":
        props.setdefault("bucket", declared.outputs["bucket"])
    return props


def violations(declared: list[Declared]) -> list[tuple[str, str]]:
    """(policy, message) for every violation the pack reports over these resources."""
    found: list[tuple[str, str]] = []
    stack_resources = [
        PolicyResource(d.type, _props(d), _urn(d), d.name, _options(), None, None, [], {}) for d in declared
    ]
    for policy in POLICIES:

        def report(message: str, urn: str | None = None, name: str = policy.name) -> None:
            found.append((name, message))

        if isinstance(policy, ResourceValidationPolicy):
            for d in declared:
                policy.validate(
                    ResourceValidationArgs(d.type, _props(d), _urn(d), d.name, _options(), None), report
                )
        else:
            policy.validate(StackValidationArgs(stack_resources), report)
    return found


def _declared(typ: str, name: str, inputs: dict[str, Any]) -> Declared:
    return Declared(typ, name, inputs, dict(inputs))


@pulumi.runtime.test
@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_whole_program_passes_every_mandatory_rule(stack: str) -> None:
    mocks: Recorder = use_mocks(stack, stack_config(stack))

    def check() -> None:
        assert len(mocks.declared) > 50
        assert violations(list(mocks.declared.values())) == []

    done = settled(check)
    build_stack(load_config())
    return done


@pulumi.runtime.test
def test_unencrypted_table_and_log_group_without_key_or_retention_are_refused() -> None:
    found = violations(
        [
            _declared("aws:dynamodb/table:Table", "t", {"hashKey": "sessionId"}),
            _declared("aws:cloudwatch/logGroup:LogGroup", "lg", {"name": "/x"}),
        ]
    )
    assert sorted(name for name, _ in found) == [
        "dynamodb-encrypted-with-kms",
        "log-groups-encrypted",
        "log-retention-set",
    ]


@pulumi.runtime.test
@pytest.mark.parametrize(
    "variables",
    [
        {"PAYBOT_STRIPE_SECRET_KEY": "sk_live_123"},
        {"STRIPE": "sk_test_abc"},
        {"HOOK": "whsec_abc"},
        {"PAYBOT_VAULT_KEY": "c2VjcmV0"},
        {"PEM": "-----BEGIN RSA PRIVATE KEY-----\nabc"},
    ],
)
def test_secret_values_in_lambda_environment_are_refused(variables: dict[str, str]) -> None:
    found = violations(
        [_declared("aws:lambda/function:Function", "f", {"environment": {"variables": variables}})]
    )
    assert [name for name, _ in found] == ["no-secrets-in-lambda-environment"]


@pulumi.runtime.test
def test_secret_ids_and_the_publishable_key_are_allowed_in_lambda_environment() -> None:
    variables = {
        "PAYBOT_STRIPE_SECRET_ID": "arn:aws:secretsmanager:us-east-1:1:secret:x",
        "PAYBOT_AUDIT_KMS_KEY_ID": "arn:aws:kms:us-east-1:1:key/k",
        "PAYBOT_STRIPE_PUBLISHABLE_KEY": "pk_live_abc",
    }
    assert (
        violations(
            [_declared("aws:lambda/function:Function", "f", {"environment": {"variables": variables}})]
        )
        == []
    )


@pulumi.runtime.test
def test_bucket_without_encryption_or_public_access_block_is_refused() -> None:
    found = violations([_declared("aws:s3/bucket:Bucket", "b", {"bucket": "b"})])
    assert sorted(name for name, _ in found) == ["s3-buckets-encrypted", "s3-buckets-not-public"]


@pulumi.runtime.test
def test_public_acl_partial_block_and_anonymous_policy_are_refused() -> None:
    found = violations(
        [
            _declared("aws:s3/bucket:Bucket", "b", {"bucket": "b", "acl": "public-read"}),
            _declared(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "sse",
                {
                    "bucket": "b",
                    "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}],
                },
            ),
            _declared(
                "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                "pab",
                {"bucket": "b", "blockPublicAcls": True, "blockPublicPolicy": False},
            ),
            _declared(
                "aws:s3/bucketPolicy:BucketPolicy",
                "policy",
                {
                    "bucket": "b",
                    "policy": '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",'
                    ' "Resource": "arn:aws:s3:::b/*"}]}',
                },
            ),
        ]
    )
    messages = [message for name, message in found if name == "s3-buckets-not-public"]
    assert len(messages) == 3
    assert any("public ACL" in m for m in messages)
    assert any("all four flags" in m for m in messages)
    assert any("Principal *" in m for m in messages)
    assert [name for name, _ in found if name == "s3-buckets-encrypted"] == []
