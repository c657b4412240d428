"""InputEncryptionKey: the key pair Connect encrypts keypad input with, made and registered by the stack.

Amazon Connect's "Store customer input" block encrypts what a caller keys in under a
certificate the flow names, with the key id the instance gave its public half. The stack:

- makes an RSA key pair and a self-signed certificate (`pulumi_tls`);
- registers the public key with the instance: pulumi-aws has no resource for Connect's
  security keys (the `AssociateSecurityKey` API), so the gap is filled by pulumi-aws-native's
  `connect.SecurityKey` (CloudFormation's `AWS::Connect::SecurityKey` through Cloud Control),
  whose `associationId` is the key id the flow's `InputEncryption` names;
- puts the private key into the phone Lambda's Secrets Manager secret (a `SecretVersion`).

The private key therefore sits in the Pulumi state as a secret output (encrypted by the
state backend's secrets provider), the price of a deploy that needs no hand-fed key.
Replacing the `tls.PrivateKey` (`pulumi up --replace`) rotates all three together.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws
import pulumi_aws_native as aws_native
import pulumi_tls as tls

# What Connect documents for customer-provided keys: RSA, 4096 bits fits its 1024-character key limit.
RSA_BITS = 4096
CERTIFICATE_DAYS = 3650


@dataclass
class InputEncryptionKeyArgs:
    """Inputs of an InputEncryptionKey."""

    instance_arn: pulumi.Input[str]
    private_key_secret_id: pulumi.Input[str]
    region: str
    common_name: str = "paybot keypad input"


class InputEncryptionKey(pulumi.ComponentResource):
    """`key_id` and `certificate_pem` are what the flow's InputEncryption blocks name."""

    def __init__(
        self, name: str, args: InputEncryptionKeyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("paybot:infra:InputEncryptionKey", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.private_key = tls.PrivateKey(f"{name}-private", algorithm="RSA", rsa_bits=RSA_BITS, opts=child)
        self.certificate = tls.SelfSignedCert(
            f"{name}-certificate",
            private_key_pem=self.private_key.private_key_pem,
            subject=tls.SelfSignedCertSubjectArgs(common_name=args.common_name),
            validity_period_hours=CERTIFICATE_DAYS * 24,
            allowed_uses=["key_encipherment", "data_encipherment"],
            opts=child,
        )
        # aws-native needs its region set; an explicit provider keeps it the stack's.
        provider = aws_native.Provider(f"{name}-aws-native", region=args.region, opts=child)
        self.security_key = aws_native.connect.SecurityKey(
            f"{name}-security-key",
            instance_id=args.instance_arn,
            key=self.private_key.public_key_pem,
            opts=pulumi.ResourceOptions(parent=self, provider=provider),
        )
        self.secret_version = aws.secretsmanager.SecretVersion(
            f"{name}-secret-value",
            secret_id=args.private_key_secret_id,
            secret_string=self.private_key.private_key_pem,
            opts=child,
        )
        self.key_id: pulumi.Output[str] = self.security_key.association_id
        self.certificate_pem: pulumi.Output[str] = self.certificate.cert_pem
        self.register_outputs({"keyId": self.key_id, "certificatePem": self.certificate_pem})
