"""Cold starts of both Lambda handlers from their zips, against bare floors measured in the same run.

Each sample is a fresh Python 3.12 interpreter (the Lambda runtime's), isolated from this machine's
site-packages (-I -S) and writing no bytecode (-B, as Lambda's read-only /var/task cannot take any),
with Lambda's sys.path: the function zip (/var/task), the layer's python/ (/opt/python), then the
runtime's boto3. The runtime stand-in is a copy of this environment's boto3/botocore with bytecode
compiled by that interpreter, as the Lambda runtime ships it. A sample is the wall time from the
process's spawn to its first answer (the init of the handler module, then the first invocation,
whose time is also shown apart): what a caller waits on a cold container, less Lambda's own start.

Configurations:
- embedded: SQLite store, sandbox gateway, file audit log, rules, in a fresh data dir per sample
  (a new container's /tmp is empty);
- aws: DynamoDB + KMS + S3 + Secrets Manager on a moto server, Stripe on localstripe, every secret
  read from Secrets Manager, as the Pulumi stack configures the functions. Each sample writes to
  session tables of its own, made empty before it starts (`fresh_tables`): moto's
  TransactWriteItems (a session with a payment link is created in one) deep-copies the whole
  table it writes to, so on one shared table the handlers' writes slowed round after round while
  the floors' PutItem did not; DynamoDB's own transactions cost the same on any table.

Handlers and their floors (same interpreter, same zips, same runtime stand-in):
- web: POST /v1/sessions through API Gateway's HTTP API event. Floor: a bare FastAPI app behind
  Mangum with one async route (`_bare_lambda_web.py`), plus, in the aws configuration, a boto3
  DynamoDB client created at import and one PutItem in the route;
- phone: Connect's `lookup` step (the call's first). Floor: a bare interpreter (embedded) and a
  boto3 DynamoDB client with one PutItem (`_bare_lambda_phone.py`, aws).

How a figure is made robust on a shared machine (two runs a minute apart used to disagree by
more than the targets' margins, the floors themselves moving 100+ ms):
- one warm-up round, not counted (the first processes read the trees from disk, moto answers its
  first requests on fresh code paths);
- every sample in a fresh data dir and fresh tables, deleted after it, so no sample inherits
  another's files or the emulator's growing state;
- a handler and its floor run back to back in each round, their order rotated round after round
  (neither always pays for what the other left behind), and the ratio is taken within each
  round: the figure is the median of the per-round ratios with their interquartile range, for
  the wall time to the first answer (the target's measure) and for the process's CPU time to it
  (which the machine's load moves less);
- a verdict per target: "holds" when the upper quartile of the per-round ratios is within the
  bound, "at the median only" when only the median is.
`--rounds` (default 11) rounds are counted. `--dist DIR` measures other zips; `--before DIR` adds
both handlers from another build (e.g. main's) to the same rounds.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from _common import ROOT

from scripts import package_lambda
from tests.support import moto_server as moto
from tests.support.localstripe_emulator import SECRET_KEY, localstripe_server

HERE = Path(__file__).resolve().parent
SOURCES = ("packages/core/src", "packages/channels/src")

# Run in the Python 3.12 interpreter: Lambda's sys.path, import the handler (init), invoke it once.
DRIVER = """
import json, sys, time
started = time.perf_counter()
task, layer, runtime, extra, module, kind, event = sys.argv[1:]
sys.path[:0] = [task, layer] + ([extra] if extra else [])
sys.path.append(runtime)
class Context:
    function_name = "paybot-bench"
    aws_request_id = "req-1"
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:paybot-bench"
    memory_limit_in_mb = 1024
    def get_remaining_time_in_millis(self):
        return 8000
if module:
    import importlib
    handler = importlib.import_module(module).handler
initialised = time.perf_counter()
answer = handler(json.loads(event), Context()) if module else {"result": "ok"}
answered, cpu = time.perf_counter(), time.process_time()
if kind == "web":
    assert answer["statusCode"] in (200, 201), answer
else:
    assert answer["result"] == "ok", answer
print(json.dumps({"init": initialised - started, "invoke": answered - initialised, "cpu": cpu}), flush=True)
"""


@dataclass(frozen=True)
class Variant:
    label: str
    config: str  # "embedded" or "aws"
    kind: str  # "web" or "phone": which event and which answer check
    module: str  # the handler's module, "" for a bare interpreter
    task: str  # which zip's tree is /var/task
    floor_of: str = ""  # the label of the handler this variant is the floor of
    build: str = "dist"  # "dist", or "before": the zips of --before


VARIANTS = (
    Variant("web handler", "embedded", "web", "paybot_channels.web.lambda_handler", "web"),
    Variant("bare FastAPI + Mangum", "embedded", "web", "_bare_lambda_web", "web", "web handler"),
    Variant("phone handler", "embedded", "phone", "paybot_channels.connect.handler", "connect"),
    Variant("bare interpreter", "embedded", "phone", "", "connect", "phone handler"),
    Variant("web handler", "aws", "web", "paybot_channels.web.lambda_handler", "web"),
    Variant("bare FastAPI + Mangum + boto3", "aws", "web", "_bare_lambda_web", "web", "web handler"),
    Variant("phone handler", "aws", "phone", "paybot_channels.connect.handler", "connect"),
    Variant("bare boto3 client", "aws", "phone", "_bare_lambda_phone", "connect", "phone handler"),
)


def web_event() -> dict[str, object]:
    body = json.dumps({"amount": 5000, "currency": "usd"})
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/v1/sessions",
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "host": "abc.execute-api.us-east-1.amazonaws.com"},
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "abc",
            "domainName": "abc.execute-api.us-east-1.amazonaws.com",
            "http": {
                "method": "POST",
                "path": "/v1/sessions",
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.1",
                "userAgent": "bench",
            },
            "requestId": "r1",
            "routeKey": "$default",
            "stage": "$default",
            "time": "01/Dec/2026:10:00:00 +0000",
            "timeEpoch": 0,
        },
        "body": body,
        "isBase64Encoded": False,
    }


def phone_event() -> dict[str, object]:
    return json.loads((ROOT / "tests" / "events" / "connect_lookup.json").read_text())


def ensure_zips(dist: Path) -> None:
    """Build the zips when they are missing or older than the sources (only for the default dist)."""
    zips = [dist / f"{name}.zip" for name in (*package_lambda.SPECS, package_lambda.LAYER.name)]
    newest = max(
        path.stat().st_mtime for tree in SOURCES for path in [ROOT / "uv.lock", *(ROOT / tree).rglob("*.py")]
    )
    if all(path.exists() for path in zips) and min(p.stat().st_mtime for p in zips) >= newest:
        return
    if dist != package_lambda.DEFAULT_OUT:
        raise SystemExit(f"{dist} lacks fresh zips")
    print("  building the zips (make package) first", flush=True)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "package_lambda.py"), "--no-check"], check=True)


def runtime_stand_in(target: Path, python: str) -> Path:
    """boto3 and its dependencies as the Lambda runtime ships them: sources with 3.12 bytecode."""
    links = package_lambda.runtime_dir(target / "links")
    tree = target / "runtime"
    tree.mkdir(parents=True)
    for link in sorted(links.iterdir()):
        source = link.resolve()
        if source.is_dir():
            shutil.copytree(source, tree / link.name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, tree / link.name)
    package_lambda.compile_bytecode(tree, python, "/var/runtime", own=[p.name for p in tree.iterdir()])
    return tree


def lay_out(dist: Path, work: Path) -> dict[str, Path]:
    """A build's function trees (/var/task) and layer (/opt/python), extracted under `work`."""
    paths = {}
    for name in package_lambda.SPECS:
        paths[name] = work / "var" / name / "task"
        with package_lambda.zipfile.ZipFile(dist / f"{name}.zip") as archive:
            archive.extractall(paths[name])
    with package_lambda.zipfile.ZipFile(dist / f"{package_lambda.LAYER.name}.zip") as archive:
        archive.extractall(work / "opt")
    paths["layer"] = work / "opt" / "python"
    return paths


@contextmanager
def aws_environment(work: Path) -> Iterator[dict[str, str]]:
    """moto and localstripe on loopback, provisioned as the stack provisions AWS; boto3's env."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    with ExitStack() as stack:
        moto_url = stack.enter_context(moto.moto_server(work / "moto.log"))
        stripe_url = stack.enter_context(localstripe_server(work / "localstripe.log"))
        dynamodb, kms = moto.client("dynamodb", moto_url), moto.client("kms", moto_url)
        s3, secretsmanager = moto.client("s3", moto_url), moto.client("secretsmanager", moto_url)
        s3.create_bucket(Bucket="paybot-audit")
        _accounts_table(dynamodb, "paybot-accounts", work)  # the phone's lookup reads it, as deployed
        pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        for name, value in (
            ("paybot/stripe", SECRET_KEY),
            ("paybot/vault", base64.b64encode(secrets.token_bytes(32)).decode()),
            ("paybot/audit-hmac", secrets.token_hex(32)),
            ("paybot/connect-key", pem.decode()),
        ):
            secretsmanager.create_secret(Name=name, SecretString=value)
        yield {
            **moto.aws_env(moto_url),
            "PAYBOT_SESSION_STORE": "dynamodb",
            "PAYBOT_SESSION_KMS_KEY_ID": moto.create_kms_key(kms),
            "PAYBOT_AUDIT_LOG": "s3",
            "PAYBOT_AUDIT_BUCKET": "paybot-audit",
            "PAYBOT_AUDIT_HMAC_SECRET_ID": "paybot/audit-hmac",
            "PAYBOT_VAULT_KEY_SECRET_ID": "paybot/vault",
            "PAYBOT_PAYMENT_GATEWAY": "stripe",
            "PAYBOT_STRIPE_SECRET_ID": "paybot/stripe",
            "PAYBOT_STRIPE_API_BASE": stripe_url,
            "PAYBOT_CONNECT_PRIVATE_KEY_SECRET_ID": "paybot/connect-key",
            "PAYBOT_ACCOUNTS_TABLE": "paybot-accounts",
        }


def fresh_tables(env: dict[str, str], sample_number: int) -> dict[str, str]:
    """Empty session tables for one sample, paybot's and the floor's, made before its process starts."""
    dynamodb = moto.client("dynamodb", env["AWS_ENDPOINT_URL"])
    names = {
        "PAYBOT_DYNAMODB_TABLE": f"paybot-sessions-{sample_number}",
        "BARE_TABLE": f"bare-sessions-{sample_number}",
    }
    for name in names.values():
        moto.create_session_table(dynamodb, name)
    return names


def _accounts_table(dynamodb: Any, name: str, work: Path) -> None:
    """The stack's accounts table, holding the caller of tests/events/connect_lookup.json."""
    from paybot_core import import_accounts, read_accounts

    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "lookup", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "lookup", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    table = work / "accounts.csv"
    table.write_text(
        "reference,customerName,amount,currency,phones\nBENCH-1001,Jane Doe,5000,usd,+15555550100\n"
    )
    import_accounts(read_accounts(table), name, client=dynamodb)


def drop_tables(env: dict[str, str], names: dict[str, str]) -> None:
    """Delete one sample's tables after it, so the emulator holds the same few tables all run long."""
    dynamodb = moto.client("dynamodb", env["AWS_ENDPOINT_URL"])
    for name in names.values():
        dynamodb.delete_table(TableName=name)


def sample(
    python: str, paths: dict[str, Path], runtime: Path, variant: Variant, env: dict[str, str]
) -> dict[str, float]:
    """One cold start: wall time from spawn to the first answer, and the process's CPU time to it."""
    event = web_event() if variant.kind == "web" else phone_event()
    cmd = [python, "-I", "-S", "-B", "-c", DRIVER, str(paths[variant.task]), str(paths["layer"])]
    cmd += [str(runtime), str(HERE), variant.module, variant.kind, json.dumps(event)]
    started = time.perf_counter()
    process = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    answered = time.perf_counter()
    _, err = process.communicate()
    if process.returncode != 0 or not line:
        raise RuntimeError(f"{variant.config} {variant.label} failed:\n{err.strip()}")
    return {"total": answered - started, **json.loads(line)}


def round_order(variants: list[Variant], round_number: int) -> list[Variant]:
    """Each configuration's variants side by side, their order rotated round after round.

    A handler and its floor run back to back (they share the minute's load, the emulator's
    state, the page cache), and each goes first as often as the other: a fixed order would give
    whichever runs second the wake-ups and writes the first one left behind (moto answering and
    collecting, the kernel writing back the first sample's files).
    """
    ordered = []
    for config in dict.fromkeys(v.config for v in variants):
        for kind in dict.fromkeys(v.kind for v in variants if v.config == config):
            group = [v for v in variants if (v.config, v.kind) == (config, kind)]
            shift = round_number % len(group)
            ordered += group[shift:] + group[:shift]
    return ordered


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=11, help="rounds counted (after one warm-up round)")
    parser.add_argument("--dist", type=Path, default=package_lambda.DEFAULT_OUT)
    parser.add_argument("--before", type=Path, help="another build's zips, measured in the same rounds")
    parser.add_argument("--only", choices=["embedded", "aws"], help="one configuration")
    args = parser.parse_args()
    python = package_lambda.find_python(None, "3.12")
    if python is None:
        print("  no Python 3.12 here (the Lambda runtime's): skipped")
        return 0
    dist = args.dist.resolve()
    ensure_zips(dist)
    variants = [v for v in VARIANTS if not args.only or v.config == args.only]
    if args.before:
        handlers = [
            replace(v, label=f"{v.label} (before)", build="before") for v in variants if not v.floor_of
        ]
        variants = [
            w
            for v in variants
            for w in [v, *[h for h in handlers if (h.config, h.label) == (v.config, f"{v.label} (before)")]]
        ]
    with tempfile.TemporaryDirectory(prefix="paybot-cold-") as tmp, ExitStack() as stack:
        work = Path(tmp)
        builds = {"dist": lay_out(dist, work / "dist")}
        if args.before:
            builds["before"] = lay_out(args.before.resolve(), work / "before")
        runtime = runtime_stand_in(work / "runtime", python)
        base = {
            "PATH": os.environ.get("PATH", ""),
            "AWS_LAMBDA_FUNCTION_NAME": "paybot-bench",  # as the Lambda runtime sets it
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_REGION": "us-east-1",
        }
        envs = {"embedded": base}
        if any(v.config == "aws" for v in variants):
            envs["aws"] = {**base, **stack.enter_context(aws_environment(work))}
        results: dict[tuple[str, str], list[dict[str, float]]] = {(v.config, v.label): [] for v in variants}
        load = [os.getloadavg()[0]]
        started = time.perf_counter()
        samples = 0
        for round_number in range(args.rounds + 1):  # round 0 warms the page cache and the emulator
            for variant in round_order(variants, round_number):
                samples += 1
                env = {**envs[variant.config], "PAYBOT_DATA_DIR": str(work / "tmp" / f"{samples}")}
                tables = fresh_tables(env, samples) if variant.config == "aws" else {}
                sampled = sample(python, builds[variant.build], runtime, variant, {**env, **tables})
                if tables:
                    drop_tables(env, tables)
                if round_number:
                    results[(variant.config, variant.label)].append(sampled)
            load.append(os.getloadavg()[0])
        took = time.perf_counter() - started
        report(variants, results, args.rounds, dist)
        print(
            f"  {args.rounds} rounds after a warm-up one, {samples} processes in {took:.0f} s; "
            f"load average (1 min) {min(load):.1f}-{max(load):.1f} during the run"
        )
        if args.before:
            print(f"  (before): the zips of {package_lambda.display(args.before.resolve())}")
    return 0


# Issue 17's bounds: a handler's cold first answer over its floor's, same run (aws configuration).
BOUNDS = {("aws", "web handler"): 1.2, ("aws", "phone handler"): 1.5}
FIRST_STEP_BOUND = ("aws", "phone handler", 0.6)  # seconds: the phone's first step, init done


def spread(values: list[float]) -> tuple[float, float, float]:
    """Median and interquartile range (first and third quartiles, inclusive method)."""
    if len(values) < 2:
        return values[0], values[0], values[0]
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return median, q1, q3


def verdict(median: float, q3: float, bound: float) -> str:
    if q3 <= bound:
        return f"holds (upper quartile within {bound}x)"
    if median <= bound:
        return f"holds at the median only (upper quartile over {bound}x)"
    return f"MISSED (median over {bound}x)"


def report(
    variants: list[Variant], results: dict[tuple[str, str], list[dict[str, float]]], rounds: int, dist: Path
) -> None:
    def median(variant: Variant, key: str) -> float:
        return statistics.median(s[key] for s in results[(variant.config, variant.label)])

    def per_round(numerator: Variant, denominator: Variant, key: str) -> tuple[float, float, float]:
        tops = results[(numerator.config, numerator.label)]
        bottoms = results[(denominator.config, denominator.label)]
        return spread([top[key] / bottom[key] for top, bottom in zip(tops, bottoms, strict=True)])

    print(f"  zips: {package_lambda.display(dist)}; medians of {rounds} fresh Python 3.12 processes each")
    print(
        f"  {'configuration':<10} {'variant':<32} {'first answer':>13} {'CPU':>8} {'init':>9}"
        f" {'1st invoke':>11}"
    )
    for v in variants:
        total, cpu = median(v, "total") * 1000, median(v, "cpu") * 1000
        init, invoke = median(v, "init") * 1000, median(v, "invoke") * 1000
        print(
            f"  {v.config:<10} {v.label:<32} {total:>10.0f} ms {cpu:>5.0f} ms {init:>6.0f} ms"
            f" {invoke:>8.0f} ms"
        )
    print("  ratios taken within each round (handler and floor back to back): median [interquartile range]")
    by_label = {(v.config, v.label): v for v in variants}
    for v in variants:
        if v.floor_of:
            handler = by_label[(v.config, v.floor_of)]
            against = v
        elif v.build == "before":
            handler, against = v, by_label[(v.config, v.label.removesuffix(" (before)"))]
        else:
            continue
        wall, cpu = per_round(handler, against, "total"), per_round(handler, against, "cpu")
        line = (
            f"  {v.config:<10} {handler.label} / {against.label}: first answer {wall[0]:.2f}x "
            f"[{wall[1]:.2f}-{wall[2]:.2f}], CPU {cpu[0]:.2f}x [{cpu[1]:.2f}-{cpu[2]:.2f}]"
        )
        bound = BOUNDS.get((handler.config, handler.label)) if v.floor_of else None
        if bound:
            line += (
                f"\n  {'':<10}   target {bound}x: first answer {verdict(wall[0], wall[2], bound)}; "
                f"CPU {verdict(cpu[0], cpu[2], bound)}"
            )
        print(line)
    config, label, limit = FIRST_STEP_BOUND
    if (config, label) in results:
        step = spread([s["invoke"] for s in results[(config, label)]])
        holds = "holds" if step[2] < limit else ("holds at the median only" if step[0] < limit else "MISSED")
        print(
            f"  {config:<10} {label} first step (init done): {step[0] * 1000:.0f} ms "
            f"[{step[1] * 1000:.0f}-{step[2] * 1000:.0f}], target under {limit} s: {holds}"
        )


if __name__ == "__main__":
    sys.exit(main())
