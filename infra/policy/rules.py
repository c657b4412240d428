"""paybot's mandatory infrastructure rules, as pulumi-policy validators.

Props are Pulumi's camelCase resource inputs. S3 bucket settings live on sibling resources
(aws-v7 style), so the bucket rules are stack validations that join them to their bucket by
the bucket's name, or by Pulumi's property dependencies when the name is not known yet.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

TABLE = "aws:dynamodb/table:Table"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
BUCKET_ACL = "aws:s3/bucketAcl:BucketAcl"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
FUNCTION = "aws:lambda/function:Function"

PUBLIC_ACLS = {"public-read", "public-read-write", "authenticated-read"}
PUBLIC_ACCESS_BLOCK_FLAGS = (
    "blockPublicAcls",
    "blockPublicPolicy",
    "ignorePublicAcls",
    "restrictPublicBuckets",
)
# Variable names that carry a reference to a secret or public material, not a secret itself.
REFERENCE_SUFFIXES = ("_ID", "_ARN", "_NAME", "_PUBLISHABLE_KEY", "_TABLE", "_BUCKET")
SECRET_NAME = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|API_KEY|(^|_)KEY$", re.IGNORECASE)
SECRET_VALUE = re.compile(
    r"^(sk|rk)_(live|test)_|^whsec_|-----BEGIN [A-Z ]*PRIVATE KEY-----|^AKIA[0-9A-Z]{16}$|^xox[bp]-"
)


def _table_encrypted(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != TABLE:
        return
    sse = args.props.get("serverSideEncryption") or {}
    if not sse.get("enabled"):
        report("DynamoDB tables must be encrypted with a customer-managed KMS key (serverSideEncryption)")
    elif not sse.get("kmsKeyArn"):
        report("DynamoDB table encryption must name the stack's KMS key (serverSideEncryption.kmsKeyArn)")


def _log_group_encrypted(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == LOG_GROUP and not args.props.get("kmsKeyId"):
        report("CloudWatch log groups must be encrypted with a KMS key (kmsKeyId)")


def _log_retention(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type == LOG_GROUP and not args.props.get("retentionInDays"):
        report("CloudWatch log groups must set retentionInDays (logs are never kept forever)")


def _no_secrets_in_environment(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if args.resource_type != FUNCTION:
        return
    variables = (args.props.get("environment") or {}).get("variables") or {}
    for name, value in variables.items():
        looks_secret = SECRET_VALUE.search(str(value)) is not None
        named_secret = SECRET_NAME.search(name) is not None and not name.upper().endswith(REFERENCE_SUFFIXES)
        if looks_secret or named_secret:
            report(
                f"Lambda environment variable {name} holds or names a secret value: keep the secret in "
                "Secrets Manager and pass only its id (e.g. PAYBOT_STRIPE_SECRET_ID)"
            )


def _bucket_names(bucket: PolicyResource) -> set[str]:
    return {str(v) for v in (bucket.props.get("bucket"), bucket.props.get("id")) if v}


def _attached(resources: Iterable[PolicyResource], typ: str, bucket: PolicyResource) -> list[PolicyResource]:
    """Resources of `typ` whose `bucket` property points at `bucket`."""
    names = _bucket_names(bucket)
    found = []
    for resource in resources:
        if resource.resource_type != typ:
            continue
        deps = resource.property_dependencies.get("bucket") or []
        if str(resource.props.get("bucket")) in names or any(dep.urn == bucket.urn for dep in deps):
            found.append(resource)
    return found


def _buckets_encrypted(args: StackValidationArgs, report: ReportViolation) -> None:
    for bucket in (r for r in args.resources if r.resource_type == BUCKET):
        inline = bucket.props.get("serverSideEncryptionConfiguration")
        if inline or _attached(args.resources, BUCKET_SSE, bucket):
            continue
        report(
            f"S3 bucket {bucket.name} needs default encryption (BucketServerSideEncryptionConfiguration)",
            bucket.urn,
        )


def _buckets_private(args: StackValidationArgs, report: ReportViolation) -> None:
    for bucket in (r for r in args.resources if r.resource_type == BUCKET):
        if str(bucket.props.get("acl")) in PUBLIC_ACLS:
            report(f"S3 bucket {bucket.name} has a public ACL", bucket.urn)
        blocks = _attached(args.resources, BUCKET_PAB, bucket)
        if not any(all(block.props.get(flag) for flag in PUBLIC_ACCESS_BLOCK_FLAGS) for block in blocks):
            report(
                f"S3 bucket {bucket.name} needs a BucketPublicAccessBlock with all four flags true",
                bucket.urn,
            )
        for acl in _attached(args.resources, BUCKET_ACL, bucket):
            if str(acl.props.get("acl")) in PUBLIC_ACLS:
                report(f"S3 bucket {bucket.name} is given a public ACL by {acl.name}", acl.urn)
        for policy in _attached(args.resources, BUCKET_POLICY, bucket):
            if _grants_public_access(policy.props.get("policy")):
                report(
                    f"S3 bucket {bucket.name} policy {policy.name} allows anyone (Principal *)", policy.urn
                )


def _grants_public_access(policy: Any) -> bool:
    """Whether a bucket policy allows an anonymous principal without a narrowing condition."""
    document = json.loads(policy) if isinstance(policy, str) else policy or {}
    statements = document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        if statement.get("Effect") != "Allow" or statement.get("Condition"):
            continue
        principal = statement.get("Principal")
        if principal == "*" or (isinstance(principal, Mapping) and "*" in _as_list(principal.get("AWS"))):
            return True
    return False


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _resource_policy(
    name: str, description: str, validate: Callable[[ResourceValidationArgs, ReportViolation], None]
) -> ResourceValidationPolicy:
    return ResourceValidationPolicy(
        name=name, description=description, validate=validate, enforcement_level=EnforcementLevel.MANDATORY
    )


def _stack_policy(
    name: str, description: str, validate: Callable[[StackValidationArgs, ReportViolation], None]
) -> StackValidationPolicy:
    return StackValidationPolicy(
        name=name, description=description, validate=validate, enforcement_level=EnforcementLevel.MANDATORY
    )


POLICIES: list[ResourceValidationPolicy | StackValidationPolicy] = [
    _resource_policy(
        "dynamodb-encrypted-with-kms", "DynamoDB tables are encrypted with a KMS key", _table_encrypted
    ),
    _resource_policy(
        "log-groups-encrypted", "CloudWatch log groups are encrypted with KMS", _log_group_encrypted
    ),
    _resource_policy("log-retention-set", "CloudWatch log groups expire their events", _log_retention),
    _resource_policy(
        "no-secrets-in-lambda-environment",
        "Lambda environment variables carry secret ids, never secret values",
        _no_secrets_in_environment,
    ),
    _stack_policy(
        "s3-buckets-encrypted", "S3 buckets encrypt objects at rest by default", _buckets_encrypted
    ),
    _stack_policy("s3-buckets-not-public", "S3 buckets are never public", _buckets_private),
]
