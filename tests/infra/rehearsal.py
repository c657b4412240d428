"""The deploy rehearsal's machinery: a stack as declared, provisioned on moto, its Lambdas run from zips.

1. `record_stack` runs the Pulumi program under the project's mocks (`infra_mocks`) for a committed
   stack and keeps every resource's inputs (and the outputs the mocks answered).
2. `provision` creates those resources, as declared, on a moto server: KMS keys with their key
   policies, tables with their keys, TTL and encryption, buckets with encryption, versioning,
   lifecycle, public access block and policy, secrets (the stack's own values as declared, the
   operator's Stripe keys as test values), and one IAM role per function with the program's exact
   policy documents. Values the mocks invented (ARNs, key ids) are replaced by moto's real ones
   wherever the program passed them on, as `pulumi up` resolves outputs.
3. `LambdaProcess` starts a handler from its zip and layer in a fresh Python 3.12 interpreter
   (`lambda_runtime.py`) with exactly the declared environment, the credentials of its role, and
   the endpoints of the local servers (`AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`,
   `PAYBOT_STRIPE_API_BASE`): nothing else.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from infra_mocks import REGION, Recorder, settled, stack_config, use_mocks

from infra.config import load_config
from infra.program import build_stack
from scripts import package_lambda

RUNTIME_SCRIPT = Path(__file__).with_name("lambda_runtime.py")
# The operator's secrets (docs/deploy.md), filled with what the local servers accept.
WEBHOOK_SECRET = "whsec_paybot_rehearsal"


def record_stack(stack: str) -> Recorder:
    """Every resource the program declares for a committed stack, once all have registered."""
    mocks = use_mocks(stack, stack_config(stack))

    @pulumi.runtime.test
    def run() -> pulumi.Output[None]:
        done = settled(lambda: None)
        build_stack(load_config())
        return done

    run()
    return mocks


class Translation:
    """Mock-invented values (ARNs, ids) -> the real ones moto made, applied to every declared string."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def add(self, invented: Any, real: Any) -> None:
        if isinstance(invented, str) and invented and invented != real:
            self.values[invented] = str(real)

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            for invented in sorted(self.values, key=len, reverse=True):
                value = value.replace(invented, self.values[invented])
            return value
        if isinstance(value, list):
            return [self(v) for v in value]
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        return value


@dataclass
class Function:
    """One declared Lambda, ready to start: its code, layer, environment and role credentials."""

    name: str
    handler: str
    code: Path
    layer: Path
    environment: dict[str, str]
    role_name: str
    timeout: int
    memory: int
    credentials: dict[str, str] = field(default_factory=dict)


@dataclass
class Provisioned:
    functions: dict[str, Function]
    translate: Translation
    buckets: list[str]
    tables: list[str]
    flow_content: str | None
    certificate_pem: str | None
    secret_arns: dict[str, str] = field(default_factory=dict)  # by name, as moto made them


def _lifecycle_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ID": rule["id"],
        "Status": rule["status"],
        "Filter": {"Prefix": rule["filter"]["prefix"]},
    }
    if "expiration" in rule:
        out["Expiration"] = {"Days": int(rule["expiration"]["days"])}
    if "noncurrentVersionExpiration" in rule:
        out["NoncurrentVersionExpiration"] = {
            "NoncurrentDays": int(rule["noncurrentVersionExpiration"]["noncurrentDays"])
        }
    if "abortIncompleteMultipartUpload" in rule:
        days = int(rule["abortIncompleteMultipartUpload"]["daysAfterInitiation"])
        out["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": days}
    return out


def _indexes_and_stream(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The table's global secondary indexes and stream, as declared."""
    extra: dict[str, Any] = {}
    indexes = inputs.get("globalSecondaryIndexes") or []
    if indexes:
        extra["GlobalSecondaryIndexes"] = [
            {
                "IndexName": index["name"],
                "KeySchema": [
                    {"AttributeName": k["attributeName"], "KeyType": k["keyType"]}
                    for k in index["keySchemas"]
                ],
                "Projection": {"ProjectionType": index.get("projectionType", "ALL")},
            }
            for index in indexes
        ]
    if inputs.get("streamEnabled"):
        extra["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": inputs["streamViewType"]}
    return extra


def provision(mocks: Recorder, clients: Mapping[str, Any], stripe_secret_key: str) -> Provisioned:
    """Create the declared resources on moto (IAM enforcement off: this is the operator deploying)."""
    translate = Translation()
    kms, dynamodb, s3, secrets, iam, sts = (
        clients[n] for n in ("kms", "dynamodb", "s3", "secretsmanager", "iam", "sts")
    )
    for key in mocks.of_type("aws:kms/key:Key"):
        made = kms.create_key(Description=key.inputs["description"], Policy=key.inputs["policy"])[
            "KeyMetadata"
        ]
        translate.add(key.outputs["arn"], made["Arn"])
        translate.add(key.outputs["keyId"], made["KeyId"])
    for alias in mocks.of_type("aws:kms/alias:Alias"):
        kms.create_alias(AliasName=alias.inputs["name"], TargetKeyId=translate(alias.inputs["targetKeyId"]))

    tables = []
    for table in mocks.of_type("aws:dynamodb/table:Table"):
        inputs, name = table.inputs, table.outputs["name"]
        sse = inputs["serverSideEncryption"]
        dynamodb.create_table(
            TableName=name,
            AttributeDefinitions=[
                {"AttributeName": a["name"], "AttributeType": a["type"]} for a in inputs["attributes"]
            ],
            KeySchema=[{"AttributeName": inputs["hashKey"], "KeyType": "HASH"}],
            BillingMode=inputs["billingMode"],
            SSESpecification={
                "Enabled": sse["enabled"],
                "SSEType": "KMS",
                "KMSMasterKeyId": translate(sse["kmsKeyArn"]),
            },
            DeletionProtectionEnabled=bool(inputs.get("deletionProtectionEnabled")),
            **_indexes_and_stream(inputs),
        )
        ttl = inputs.get("ttl")  # the accounts table has none: an account stays until an import replaces it
        if ttl:
            dynamodb.update_time_to_live(
                TableName=name,
                TimeToLiveSpecification={"Enabled": ttl["enabled"], "AttributeName": ttl["attributeName"]},
            )
        translate.add(table.outputs["arn"], dynamodb.describe_table(TableName=name)["Table"]["TableArn"])
        tables.append(name)

    buckets = [b.outputs["bucket"] for b in mocks.of_type("aws:s3/bucket:Bucket")]
    for bucket in buckets:
        s3.create_bucket(Bucket=bucket)
    for sse in mocks.of_type(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    ):
        rules = []
        for rule in sse.inputs["rules"]:
            default = rule["applyServerSideEncryptionByDefault"]
            by_default = {"SSEAlgorithm": default["sseAlgorithm"]}
            if default.get("kmsMasterKeyId"):
                by_default["KMSMasterKeyID"] = translate(default["kmsMasterKeyId"])
            rules.append(
                {
                    "ApplyServerSideEncryptionByDefault": by_default,
                    "BucketKeyEnabled": bool(rule.get("bucketKeyEnabled")),
                }
            )
        s3.put_bucket_encryption(
            Bucket=sse.inputs["bucket"], ServerSideEncryptionConfiguration={"Rules": rules}
        )
    for versioning in mocks.of_type("aws:s3/bucketVersioning:BucketVersioning"):
        status = versioning.inputs["versioningConfiguration"]["status"]
        s3.put_bucket_versioning(
            Bucket=versioning.inputs["bucket"], VersioningConfiguration={"Status": status}
        )
    for lifecycle in mocks.of_type("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"):
        s3.put_bucket_lifecycle_configuration(
            Bucket=lifecycle.inputs["bucket"],
            LifecycleConfiguration={"Rules": [_lifecycle_rule(r) for r in lifecycle.inputs["rules"]]},
        )
    for block in mocks.of_type("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"):
        i = block.inputs
        s3.put_public_access_block(
            Bucket=i["bucket"],
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": i["blockPublicAcls"],
                "IgnorePublicAcls": i["ignorePublicAcls"],
                "BlockPublicPolicy": i["blockPublicPolicy"],
                "RestrictPublicBuckets": i["restrictPublicBuckets"],
            },
        )

    secret_arns: dict[str, str] = {}
    for secret in mocks.of_type("aws:secretsmanager/secret:Secret"):
        made = secrets.create_secret(
            Name=secret.inputs["name"],
            Description=secret.inputs["description"],
            KmsKeyId=translate(secret.inputs["kmsKeyId"]),
        )
        translate.add(secret.outputs["arn"], made["ARN"])
        secret_arns[secret.inputs["name"]] = made["ARN"]
    for version in mocks.of_type("aws:secretsmanager/secretVersion:SecretVersion"):
        secrets.put_secret_value(
            SecretId=translate(version.inputs["secretId"]), SecretString=version.inputs["secretString"]
        )
    operator_values = {"stripe-secret-key": stripe_secret_key, "stripe-webhook-secret": WEBHOOK_SECRET}
    for secret in mocks.of_type("aws:secretsmanager/secret:Secret"):
        for suffix, value in operator_values.items():
            if secret.inputs["name"].endswith("/" + suffix):
                secrets.put_secret_value(SecretId=secret.inputs["name"], SecretString=value)

    roles: dict[str, str] = {}
    for role in mocks.of_type("aws:iam/role:Role"):
        made = iam.create_role(RoleName=role.name, AssumeRolePolicyDocument=role.inputs["assumeRolePolicy"])[
            "Role"
        ]
        translate.add(role.outputs["arn"], made["Arn"])
        roles[f"{role.name}-id"] = role.name  # the mocks' id of a role, which RolePolicy.role names
    for policy in mocks.of_type("aws:iam/rolePolicy:RolePolicy"):
        iam.put_role_policy(
            RoleName=roles[policy.inputs["role"]],
            PolicyName=policy.name,
            PolicyDocument=translate(policy.inputs["policy"]),
        )

    layers = {
        layer.outputs["arn"]: Path(layer.inputs["code"].path)
        for layer in mocks.of_type("aws:lambda/layerVersion:LayerVersion")
    }
    functions = {}
    for declared in mocks.of_type("aws:lambda/function:Function"):
        i = declared.inputs
        (layer_arn,) = i["layers"]
        role_arn = translate(i["role"])
        role_name = role_arn.rsplit("/", 1)[-1]
        assumed = sts.assume_role(RoleArn=role_arn, RoleSessionName=i["name"])["Credentials"]
        functions[i["name"]] = Function(
            name=i["name"],
            handler=i["handler"],
            code=Path(i["code"].path),
            layer=layers[layer_arn],
            environment=translate(dict(i["environment"]["variables"])),
            role_name=role_name,
            timeout=int(i["timeout"]),
            memory=int(i["memorySize"]),
            credentials={
                "AWS_ACCESS_KEY_ID": assumed["AccessKeyId"],
                "AWS_SECRET_ACCESS_KEY": assumed["SecretAccessKey"],
                "AWS_SESSION_TOKEN": assumed["SessionToken"],
            },
        )
    flows = mocks.of_type("aws:connect/contactFlow:ContactFlow")
    certificates = mocks.of_type("tls:index/selfSignedCert:SelfSignedCert")
    return Provisioned(
        functions=functions,
        translate=translate,
        buckets=buckets,
        tables=tables,
        flow_content=translate(flows[0].inputs["content"]) if flows else None,
        certificate_pem=certificates[0].outputs["certPem"] if certificates else None,
        secret_arns=secret_arns,
    )


class LambdaProcess:
    """One function's execution environment: its zip and layer, a Python 3.12, its environment only."""

    def __init__(self, function: Function, python: str, work: Path, endpoints: Mapping[str, str]) -> None:
        self.function = function
        root = work / function.name
        self.task, self.opt = root / "var" / "task", root / "opt"
        for archive, target in ((function.code, self.task), (function.layer, self.opt)):
            with zipfile.ZipFile(archive) as opened:
                opened.extractall(target)
        self.log_path = root / "cloudwatch.log"
        environment = {
            **function.environment,
            **function.credentials,
            **endpoints,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory),
            "LAMBDA_TASK_ROOT": str(self.task),
            "PAYBOT_REHEARSAL_TIMEOUT": str(function.timeout),
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
        }
        runtime = package_lambda.runtime_dir(work / "runtime")
        self._log = open(self.log_path, "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                python,
                "-I",
                "-S",
                "-B",
                str(RUNTIME_SCRIPT),
                str(self.task),
                str(self.opt / "python"),
                str(runtime),
                function.handler,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=environment,
            cwd=str(self.task),
            text=True,
        )
        assert self.process.stdout is not None
        self.init = json.loads(self.process.stdout.readline() or '{"ready": false, "errorType": "exited"}')

    def invoke(self, event: Mapping[str, Any]) -> Any:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(event) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.function.name} exited; its log:\n{self.logs()[-3000:]}")
        answer = json.loads(line)
        if not answer["ok"]:
            raise RuntimeError(
                f"{self.function.name} raised {answer['errorType']}; log:\n{self.logs()[-3000:]}"
            )
        return answer["result"]

    def logs(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log.close()


def lambda_python() -> str | None:
    """The Lambda runtime's Python (3.12) as the packager finds it."""
    return package_lambda.find_python(None, "3.12")
