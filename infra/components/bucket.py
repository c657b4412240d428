"""Controls every paybot bucket shares: no ACLs, no public access, TLS only."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws


def private_bucket_controls(
    name: str, bucket: aws.s3.Bucket, parent: pulumi.Resource
) -> tuple[aws.s3.BucketOwnershipControls, aws.s3.BucketPublicAccessBlock]:
    """Attach ownership enforcement (no ACLs at all) and a full public access block to `bucket`.

    The bucket policy is left to the caller: a bucket has only one, and each caller adds its
    own statements to `deny_insecure_transport`.
    """
    child = pulumi.ResourceOptions(parent=parent)
    ownership = aws.s3.BucketOwnershipControls(
        f"{name}-ownership",
        bucket=bucket.bucket,
        rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
        opts=child,
    )
    public_block = aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access-block",
        bucket=bucket.bucket,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=child,
    )
    return ownership, public_block


def deny_insecure_transport(bucket_arn: pulumi.Input[str]) -> dict[str, object]:
    """Bucket policy statement refusing any request not made over TLS."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
