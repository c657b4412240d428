"""Frontend: the chat page on a private S3 bucket behind CloudFront, with security headers.

The CSP is `paybot_channels.csp`'s, the one `paybot serve` sends, so the deployed page runs
under the same policy as the local one. CloudFront also routes the chat API's paths to the
HTTP API, so the page and the API share one origin: the page's fetches stay `connect-src 'self'`
and need no CORS.

Requests to the API carry the viewer's address (`CloudFront-Viewer-Address`) and, as a custom
origin header, the stack's edge secret: the app believes the address only when the secret is
right (`paybot_channels.web.edge`), so a client calling the API directly cannot pick its own.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws

from infra.components.bucket import deny_insecure_transport, private_bucket_controls
from paybot_channels.csp import content_security_policy, frame_options
from paybot_channels.web.edge import EDGE_SECRET_HEADER, VIEWER_ADDRESS_HEADER

# AWS-managed policy ids (stable, documented in the CloudFront developer guide).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
# /pay/{token} is a payment link: the API serves the chat page there (and the page opens the
# session through /v1/pay/{token}), so links work at {PAYBOT_PUBLIC_URL}/pay/... on the distribution.
API_PATHS = ("/v1/*", "/chat", "/healthz", "/pay/*")
# What the API reads of a viewer's request, plus the viewer's address, which CloudFront adds. Named
# one by one (an allow-list): the viewer's Host must not reach API Gateway (it routes by its own),
# and a managed "all viewer headers" policy says nothing certain about CloudFront's own headers.
API_HEADERS = (
    "Accept",
    "Accept-Language",
    "Access-Control-Request-Headers",
    "Access-Control-Request-Method",
    "Authorization",
    "Content-Type",
    "Origin",
    "Stripe-Signature",
    VIEWER_ADDRESS_HEADER,
)


def static_files(static_dir: Path) -> list[tuple[str, Path]]:
    """The page's files to upload as (object key, path), sorted; empty when there are none.

    The keys mirror `paybot serve`: the page at the root, every asset under ``static/``, where
    index.html links them.
    """
    if not static_dir.is_dir():
        return []
    return sorted(
        (key if key == "index.html" else f"static/{key}", p)
        for p in static_dir.rglob("*")
        if p.is_file() and not p.name.startswith(".")
        for key in [p.relative_to(static_dir).as_posix()]
    )


@dataclass
class FrontendArgs:
    """Inputs of a Frontend."""

    static_dir: Path
    api_url: pulumi.Input[str]
    frame_ancestors: Sequence[str] = ("'self'",)
    price_class: str = "PriceClass_100"
    # Sent to the API on every request as X-Paybot-Edge-Secret (the app's PAYBOT_EDGE_SECRET_ID).
    edge_secret: pulumi.Input[str] | None = None


class Frontend(pulumi.ComponentResource):
    """Bucket readable only by this distribution (origin access control), never publicly."""

    def __init__(self, name: str, args: FrontendArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("paybot:infra:Frontend", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.bucket = aws.s3.Bucket(f"{name}-bucket", force_destroy=True, opts=child)
        _, public_block = private_bucket_controls(name, self.bucket, self)
        self.encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-sse",
            bucket=self.bucket.bucket,
            # SSE-S3: CloudFront's OAC can read it without a KMS grant; the assets are public pages.
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="AES256"
                    ),
                )
            ],
            opts=child,
        )
        self.oac = aws.cloudfront.OriginAccessControl(
            f"{name}-oac",
            description="paybot frontend bucket",
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
            opts=child,
        )
        self.headers = aws.cloudfront.ResponseHeadersPolicy(
            f"{name}-headers",
            comment="paybot security headers",
            security_headers_config=self._security_headers(args.frame_ancestors),
            opts=child,
        )
        self.api_requests = aws.cloudfront.OriginRequestPolicy(
            f"{name}-api-requests",
            comment="paybot API: the headers it reads and the viewer's address",
            headers_config=aws.cloudfront.OriginRequestPolicyHeadersConfigArgs(
                header_behavior="whitelist",
                headers=aws.cloudfront.OriginRequestPolicyHeadersConfigHeadersArgs(items=list(API_HEADERS)),
            ),
            query_strings_config=aws.cloudfront.OriginRequestPolicyQueryStringsConfigArgs(
                query_string_behavior="all"
            ),
            cookies_config=aws.cloudfront.OriginRequestPolicyCookiesConfigArgs(cookie_behavior="none"),
            opts=child,
        )
        edge_headers = (
            [
                aws.cloudfront.DistributionOriginCustomHeaderArgs(
                    name=EDGE_SECRET_HEADER, value=args.edge_secret
                )
            ]
            if args.edge_secret is not None
            else None
        )
        api_host = pulumi.Output.from_input(args.api_url).apply(
            lambda url: url.removeprefix("https://").removeprefix("http://").rstrip("/")
        )
        self.distribution = aws.cloudfront.Distribution(
            f"{name}-cdn",
            enabled=True,
            comment="paybot web chat",
            default_root_object="index.html",
            price_class=args.price_class,
            http_version="http2and3",
            is_ipv6_enabled=True,
            origins=[
                aws.cloudfront.DistributionOriginArgs(
                    origin_id="static",
                    domain_name=self.bucket.bucket_regional_domain_name,
                    origin_access_control_id=self.oac.id,
                ),
                aws.cloudfront.DistributionOriginArgs(
                    origin_id="api",
                    domain_name=api_host,
                    custom_headers=edge_headers,
                    custom_origin_config=aws.cloudfront.DistributionOriginCustomOriginConfigArgs(
                        http_port=80,
                        https_port=443,
                        origin_protocol_policy="https-only",
                        origin_ssl_protocols=["TLSv1.2"],
                    ),
                ),
            ],
            default_cache_behavior=aws.cloudfront.DistributionDefaultCacheBehaviorArgs(
                target_origin_id="static",
                viewer_protocol_policy="redirect-to-https",
                allowed_methods=["GET", "HEAD"],
                cached_methods=["GET", "HEAD"],
                compress=True,
                cache_policy_id=CACHING_OPTIMIZED,
                response_headers_policy_id=self.headers.id,
            ),
            ordered_cache_behaviors=[
                aws.cloudfront.DistributionOrderedCacheBehaviorArgs(
                    path_pattern=path,
                    target_origin_id="api",
                    viewer_protocol_policy="https-only",
                    allowed_methods=["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
                    cached_methods=["GET", "HEAD"],
                    compress=True,
                    # Conversation turns are never cached; the API sees the headers it reads.
                    cache_policy_id=CACHING_DISABLED,
                    origin_request_policy_id=self.api_requests.id,
                    response_headers_policy_id=self.headers.id,
                )
                for path in API_PATHS
            ],
            restrictions=aws.cloudfront.DistributionRestrictionsArgs(
                geo_restriction=aws.cloudfront.DistributionRestrictionsGeoRestrictionArgs(
                    restriction_type="none"
                )
            ),
            viewer_certificate=aws.cloudfront.DistributionViewerCertificateArgs(
                cloudfront_default_certificate=True
            ),
            opts=child,
        )
        self.policy = aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=self.bucket.bucket,
            policy=pulumi.Output.json_dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        deny_insecure_transport(self.bucket.arn),
                        {
                            "Sid": "ThisDistributionReads",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudfront.amazonaws.com"},
                            "Action": "s3:GetObject",
                            "Resource": pulumi.Output.concat(self.bucket.arn, "/*"),
                            "Condition": {"StringEquals": {"AWS:SourceArn": self.distribution.arn}},
                        },
                    ],
                }
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public_block]),
        )
        files = static_files(args.static_dir)
        if not files:
            pulumi.log.warn(f"no built frontend in {args.static_dir}: the distribution serves no page yet")
        self.objects = [
            aws.s3.BucketObjectv2(
                f"{name}-asset-{key}",
                bucket=self.bucket.bucket,
                key=key,
                source=pulumi.FileAsset(str(path)),
                content_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                # The page must pick up a new build at once; hashed assets may be cached a day.
                cache_control="no-cache" if key.endswith(".html") else "public, max-age=86400",
                opts=pulumi.ResourceOptions(parent=self, depends_on=[self.encryption]),
            )
            for key, path in files
        ]
        self.url = pulumi.Output.concat("https://", self.distribution.domain_name)
        self.register_outputs({"url": self.url, "bucket": self.bucket.bucket})

    @staticmethod
    def _security_headers(
        frame_ancestors: Sequence[str],
    ) -> aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigArgs:
        frame_option = frame_options(frame_ancestors)
        return aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigArgs(
            content_security_policy=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentSecurityPolicyArgs(
                content_security_policy=content_security_policy(frame_ancestors), override=True
            ),
            content_type_options=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentTypeOptionsArgs(
                override=True
            ),
            referrer_policy=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigReferrerPolicyArgs(
                referrer_policy="strict-origin-when-cross-origin", override=True
            ),
            strict_transport_security=aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurityArgs(
                access_control_max_age_sec=31_536_000, include_subdomains=True, override=True
            ),
            frame_options=(
                aws.cloudfront.ResponseHeadersPolicySecurityHeadersConfigFrameOptionsArgs(
                    frame_option=frame_option, override=True
                )
                if frame_option
                else None
            ),
        )
