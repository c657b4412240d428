"""AuditBucket: private, KMS-encrypted, versioned S3 storage for masked audit events."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from infra.components.bucket import deny_insecure_transport, private_bucket_controls


@dataclass
class AuditBucketArgs:
    """Inputs of an AuditBucket."""

    kms_key_arn: pulumi.Input[str]
    retention_days: int = 365
    force_destroy: bool = False


class AuditBucket(pulumi.ComponentResource):
    """Audit events are kept `retention_days` (12 months by default), then expire."""

    def __init__(self, name: str, args: AuditBucketArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("paybot:infra:AuditBucket", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", force_destroy=args.force_destroy, opts=child)
        _, public_block = private_bucket_controls(name, self.bucket, self)
        self.policy = aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=self.bucket.bucket,
            policy=pulumi.Output.json_dumps(
                {"Version": "2012-10-17", "Statement": [deny_insecure_transport(self.bucket.arn)]}
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_block]),
        )
        self.encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-sse",
            bucket=self.bucket.bucket,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="aws:kms", kms_master_key_id=args.kms_key_arn
                    ),
                    # One KMS call per bucket key instead of per event keeps KMS costs flat.
                    bucket_key_enabled=True,
                )
            ],
            opts=child,
        )
        self.versioning = aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=self.bucket.bucket,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=child,
        )
        self.lifecycle = aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=self.bucket.bucket,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="keep-audit-events",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(
                        days=args.retention_days
                    ),
                    # An overwritten or deleted event stays recoverable for the same period.
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=args.retention_days
                    ),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=7
                    ),
                )
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.versioning]),
        )
        self.name = self.bucket.bucket
        self.arn = self.bucket.arn
        self.register_outputs({"name": self.name, "arn": self.arn})
