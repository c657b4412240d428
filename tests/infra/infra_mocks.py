"""Pulumi runtime mocks that answer like AWS would and remember every resource declared."""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import yaml

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
REGION = "us-east-1"


@dataclass
class Declared:
    """One resource as the program declared it (inputs) and as the mock answered (outputs)."""

    type: str
    name: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


@functools.cache
def _rsa_key(bits: int) -> tuple[str, str]:
    """One RSA key pair per size and test process, as PEM (private PKCS#1, public SPKI), like `tls`."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


def _self_signed(private_pem: str, common_name: str, hours: int) -> str:
    """The certificate `tls.SelfSignedCert` would make for this key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())  # type: ignore[arg-type]
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(hours=hours))
        .sign(key, hashes.SHA256())  # type: ignore[arg-type]
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def _outputs(typ: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    out = dict(inputs)
    physical = str(inputs.get("name") or name)
    service = typ.split(":")[1].split("/")[0]
    out.setdefault("arn", f"arn:aws:{service}:{REGION}:{ACCOUNT}:{physical}")
    out.setdefault("name", physical)
    resource_id = f"{name}-id"
    if typ == "aws:s3/bucket:Bucket":
        out["bucket"] = inputs.get("bucket") or name
        out["arn"] = f"arn:aws:s3:::{out['bucket']}"
        out["bucketRegionalDomainName"] = f"{out['bucket']}.s3.{REGION}.amazonaws.com"
        resource_id = out["bucket"]
    elif typ == "aws:lambda/function:Function":
        out["arn"] = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{physical}"
        out["version"] = "1" if inputs.get("publish") else "$LATEST"
    elif typ == "aws:lambda/alias:Alias":
        out["arn"] = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{inputs['functionName']}:{inputs['name']}"
    elif typ == "aws:lambda/layerVersion:LayerVersion":
        out["layerArn"] = f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:{inputs['layerName']}"
        out["version"] = "1"
        out["arn"] = f"{out['layerArn']}:1"
    elif typ == "aws:apigatewayv2/api:Api":
        out["apiEndpoint"] = f"https://{name}.execute-api.{REGION}.amazonaws.com"
        out["executionArn"] = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{name}"
    elif typ == "aws:cloudfront/distribution:Distribution":
        out["domainName"] = f"{name}.cloudfront.net"
    elif typ == "aws:kms/key:Key":
        out["keyId"] = f"{name}-key-id"
        out["arn"] = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{name}-key-id"
    elif typ == "aws:connect/instance:Instance":
        out["arn"] = f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/{name}-id"
    elif typ == "aws:connect/contactFlow:ContactFlow":
        out["contactFlowId"] = f"{name}-flow-id"
    elif typ == "aws:connect/phoneNumber:PhoneNumber":
        out["phoneNumber"] = "+15555550100"
    elif typ == "aws:cloudwatch/logGroup:LogGroup":
        out["arn"] = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{physical}"
    elif typ == "aws:sqs/queue:Queue":
        out["url"] = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{physical}"
        out["arn"] = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{physical}"
    elif typ == "aws:dynamodb/table:Table":
        out["streamArn"] = (
            f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{physical}/stream/2026-06-15T00:00:00.000"
        )
    elif typ == "aws:secretsmanager/secret:Secret":
        out["arn"] = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{physical}-AbCdEf"
    elif typ == "aws:connect/hoursOfOperation:HoursOfOperation":
        out["hoursOfOperationId"] = f"{name}-hours-id"
    elif typ == "aws:connect/queue:Queue":
        instance = inputs["instanceId"]
        out["queueId"] = f"{name}-queue-id"
        out["arn"] = f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/{instance}/queue/{name}-queue-id"
    elif typ == "tls:index/privateKey:PrivateKey":
        out["privateKeyPem"], out["publicKeyPem"] = _rsa_key(int(inputs.get("rsaBits", 2048)))
    elif typ == "tls:index/selfSignedCert:SelfSignedCert":
        subject = inputs.get("subject") or {}
        out["certPem"] = _self_signed(
            inputs["privateKeyPem"], subject.get("commonName", name), int(inputs["validityPeriodHours"])
        )
    elif typ == "random:index/randomBytes:RandomBytes":
        # Deterministic per name: a test can find the value the secret holds.
        raw = hashlib.sha256(name.encode()).digest()[: int(inputs["length"])]
        out["base64"], out["hex"] = base64.b64encode(raw).decode(), raw.hex()
    elif typ == "random:index/randomPassword:RandomPassword":
        # Deterministic per name, letters and digits as `special=False` asks.
        out["result"] = hashlib.sha256(name.encode()).hexdigest()[: int(inputs["length"])]
    elif typ == "aws-native:connect:SecurityKey":
        out["associationId"] = hashlib.sha256(inputs["key"].encode()).hexdigest()[:32]
    return resource_id, out


_SIGNATURE = "4dabf18193072939515e22adb298388d"  # pulumi.runtime.rpc's special signature key
_SECRET = "1b47061264138c4ac30d75fd1eb44270"


def _revealed(value: Any) -> Any:
    """Inputs with Pulumi's secret wrappers taken off: tests look at what the resource receives."""
    if isinstance(value, dict):
        if value.get(_SIGNATURE) == _SECRET:
            return _revealed(value["value"])
        return {key: _revealed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_revealed(item) for item in value]
    return value


class Recorder(pulumi.runtime.Mocks):
    """Mocks that keep every declared resource, keyed by its logical name."""

    def __init__(self) -> None:
        self.declared: dict[str, Declared] = {}
        self.calls: list[str] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        inputs = _revealed(dict(args.inputs))
        resource_id, outputs = _outputs(args.typ, args.name, inputs)
        self.declared[args.name] = Declared(args.typ, args.name, inputs, outputs)
        return resource_id, outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        self.calls.append(args.token)
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/test", "userId": "test"}
        if args.token == "aws:connect/getQueue:getQueue":
            instance_id, queue_name = args.args.get("instanceId"), args.args.get("name")
            return {
                "arn": f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/{instance_id}/queue/{queue_name}-id",
                "queueId": f"{queue_name}-id",
                "name": queue_name,
            }
        if args.token == "aws:connect/getInstance:getInstance":
            instance_id = args.args.get("instanceId")
            return {
                "arn": f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/{instance_id}",
                "instanceId": instance_id,
            }
        return {}

    def of_type(self, typ: str) -> list[Declared]:
        """Declared resources of one Pulumi type, sorted by name."""
        return sorted((d for d in self.declared.values() if d.type == typ), key=lambda d: d.name)

    def one(self, typ: str) -> Declared:
        """The single declared resource of a type."""
        found = self.of_type(typ)
        assert len(found) == 1, f"expected one {typ}, found {[d.name for d in found]}"
        return found[0]


def use_mocks(stack: str = "dev", config: dict[str, str] | None = None) -> Recorder:
    """Install fresh mocks (and stack config) for the test about to run."""
    recorder = Recorder()
    pulumi.runtime.set_mocks(recorder, project="paybot", stack=stack, preview=False)
    pulumi.runtime.set_all_config(config or {}, [])
    return recorder


def settled(check: Callable[[], None]) -> pulumi.Output[None]:
    """An Output that runs `check` once every resource declared from now on has registered.

    Call it before declaring resources; return its result from the @pulumi.runtime.test
    function, so a failing assertion inside fails the test.
    """
    seen: list[pulumi.Resource] = []

    def capture(args: pulumi.ResourceTransformationArgs) -> None:
        seen.append(args.resource)

    pulumi.runtime.register_stack_transformation(capture)

    def later() -> pulumi.Output[None]:
        return pulumi.Output.all(*[r.urn for r in seen]).apply(lambda _: check())

    return pulumi.Output.from_input(None).apply(lambda _: later())


def stack_config(stack: str, **overrides: Any) -> dict[str, str]:
    """The committed Pulumi.<stack>.yaml settings as Pulumi hands them to the program."""
    document = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())
    settings: dict[str, Any] = dict(document.get("config", {}))
    settings.update({f"paybot:{k}": v for k, v in overrides.items()})
    return {key: value if isinstance(value, str) else json.dumps(value) for key, value in settings.items()}
