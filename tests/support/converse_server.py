"""A small Bedrock Converse-compatible HTTP server for tests, reached by the real boto3 client.

`POST /model/{modelId}/converse` answers as Bedrock does (restJson1): tool use when the request has a
toolConfig, text otherwise, and a `usage` block. It records every raw request body, so tests can assert
what left paybot. Modes: "ok", "slow" (answer after `delay` seconds), "throttle" (429
ThrottlingException), "error" (500 InternalServerException). `script([...])` queues tool inputs to
return next; otherwise a tiny deterministic "model" reads names after phrases such as "goes by" and
amounts written in words ("fifty dollars").

Tool use costs output tokens before the call itself, as Amazon Nova reasons in a <thinking> block
first (`REASONING_TOKENS`): a request whose `maxTokens` leaves no room for that and the tool input
gets `stopReason: max_tokens` and no tool use, as Nova answers it.

Token usage is computed the way a real model bills it, from the request's size: providers inject the
system prompt, the messages and the tool definitions (their JSON schema) into the prompt, and English
text with JSON averages about 4 characters per token for the tokenizers Bedrock's small models use, plus
a few framing tokens per message. So inputTokens = ceil(characters of system + messages + toolConfig
JSON / 4) + 4 per message; outputTokens = ceil(characters of the answer's JSON or text / 4) + 5.
"""

from __future__ import annotations

# ruff: noqa: E501  (word tables and regexes read better unbroken)
import json
import math
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_CAPITAL = "A-ZÁÉÍÓÚÑÜ"
_NAME_CUES = re.compile(
    r"(?:goes by|known as|under the name(?: of)?|put it under|put it in the name of|the name on (?:it|the account) is"
    r"|es la tarjeta de mi \w+|se llama|va a nombre de)"
    rf"\s+((?:[{_CAPITAL}][\w'\-]*\.?)(?:\s+[{_CAPITAL}][\w'\-]*\.?){{0,3}})"
)
# The question kinds the tool's schema offers, as a small model might spot them (English, Spanish).
_QUESTION_CUES = (
    (
        "other_method",
        re.compile(
            r"\b(wire|bank transfer|transferencia|paypal|venmo|zelle|western union|giro|cash|efectivo)\b",
            re.I,
        ),
    ),
    ("person", re.compile(r"\b(human|somebody real|supervisor|humano|alguien de verdad)\b", re.I)),
    ("security", re.compile(r"\b(safe|legit|scam|seguro|confiable|estafa)\b", re.I)),
)
_ONES = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
_TENS = {
    w: 10 * (i + 2)
    for i, w in enumerate(["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"])
}


def words_to_number(text: str) -> int | None:
    total, current, seen = 0, 0, False
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _ONES:
            current += _ONES[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0
        elif (word in ("a", "and") and seen) or word == "a":
            continue
        else:
            if seen:
                break
            continue
        seen = True
    return total + current if seen else None


def default_understanding(user_text: str) -> dict[str, Any]:
    said = user_text.split("The payer wrote:", 1)[-1]
    name = _NAME_CUES.search(said)
    amount = None
    money = re.search(r"((?:[a-z]+[\s-]+){0,5}[a-z]+)\s+(?:dollars|bucks|euros|pounds)", said, re.IGNORECASE)
    if money:
        value = words_to_number(money.group(1))
        amount = str(value) if value else None
    answer: dict[str, Any] = {"name": name.group(1) if name else None, "amount": amount}
    for kind, cue in _QUESTION_CUES:
        asked = cue.search(said)
        if asked and not name and not amount:
            answer["question"] = kind
            if kind == "other_method":
                answer["question_detail"] = asked.group(1)
            break
    return answer


# Amazon Nova models write a <thinking> block before a tool call; this many output tokens, about
# what Nova Micro spends on a one-field extraction, come before the tool use is written.
REASONING_TOKENS = 120


def estimate_tokens(characters: int) -> int:
    return math.ceil(characters / 4)


@dataclass
class ConverseServer:
    mode: str = "ok"
    delay: float = 3.0
    bodies: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    _scripted: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _closing: threading.Event = field(default_factory=threading.Event)
    server: ThreadingHTTPServer | None = None

    def script(self, answers: list[dict[str, Any]]) -> None:
        with self._lock:
            self._scripted.extend(answers)

    def reset(self, mode: str = "ok") -> None:
        with self._lock:
            self.mode = mode
            self.bodies.clear()
            self.paths.clear()
            self._scripted.clear()

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        system = " ".join(block.get("text", "") for block in request.get("system", []))
        texts = [
            block.get("text", "") for message in request.get("messages", []) for block in message["content"]
        ]
        tool_config = request.get("toolConfig")
        prompt_chars = (
            len(system) + sum(len(t) for t in texts) + (len(json.dumps(tool_config)) if tool_config else 0)
        )
        input_tokens = estimate_tokens(prompt_chars) + 4 * len(request.get("messages", []))
        max_tokens = int(request.get("inferenceConfig", {}).get("maxTokens", 4096))
        if tool_config:
            with self._lock:
                scripted = self._scripted.pop(0) if self._scripted else None
            tool_input = (
                scripted if scripted is not None else default_understanding(texts[-1] if texts else "")
            )
            name = tool_config["tools"][0]["toolSpec"]["name"]
            output_tokens = REASONING_TOKENS + estimate_tokens(len(json.dumps(tool_input))) + 5
            if output_tokens > max_tokens:
                # As Nova does: the reasoning ran out of tokens before the tool call was written.
                content = [{"text": "<thinking>The payer wrote a message; I should look for the " + "..."}]
                output_tokens, stop_reason = max_tokens, "max_tokens"
            else:
                content = [
                    {
                        "toolUse": {
                            "toolUseId": f"tooluse_{len(self.bodies)}",
                            "name": name,
                            "input": tool_input,
                        }
                    }
                ]
                stop_reason = "tool_use"
        else:
            draft = json.loads(texts[-1]).get("reply", "") if texts and texts[-1].startswith("{") else ""
            reply = f"Sure. {draft}".strip()
            content = [{"text": reply}]
            output_tokens = estimate_tokens(len(reply)) + 5
            stop_reason = "end_turn"
        return {
            "output": {"message": {"role": "assistant", "content": content}},
            "stopReason": stop_reason,
            "usage": {
                "inputTokens": input_tokens,
                "outputTokens": output_tokens,
                "totalTokens": input_tokens + output_tokens,
            },
            "metrics": {"latencyMs": 5},
        }

    def start(self) -> ConverseServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                with fake._lock:
                    fake.bodies.append(raw)
                    fake.paths.append(self.path)
                    mode = fake.mode
                if not re.fullmatch(r"/model/[^/]+/converse", self.path):
                    self._send(404, {"message": "Unknown operation"}, "UnknownOperationException")
                    return
                if mode == "throttle":
                    self._send(
                        429,
                        {"message": "Too many requests, please wait before trying again."},
                        "ThrottlingException",
                    )
                    return
                if mode == "error":
                    self._send(
                        500,
                        {"message": "The server encountered an internal error."},
                        "InternalServerException",
                    )
                    return
                if mode == "slow":
                    fake._closing.wait(fake.delay)
                started = time.monotonic()
                answer = fake.answer(json.loads(raw))
                answer["metrics"]["latencyMs"] = round((time.monotonic() - started) * 1000) + 5
                self._send(200, answer)

            def _send(self, status: int, body: dict[str, Any], error_type: str | None = None) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    if error_type:
                        self.send_header(
                            "x-amzn-ErrorType", f"{error_type}:http://internal.amazon.com/coral/"
                        )
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout): that is the point of "slow"

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, name="converse-server", daemon=True).start()
        return self

    def stop(self) -> None:
        self._closing.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def bedrock_client(url: str, timeout: float = 2.5) -> Any:
    """The real boto3 bedrock-runtime client, as build_from_settings makes it, pointed at `url`."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "bedrock-runtime",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(
            connect_timeout=min(timeout, 1.0),
            read_timeout=timeout,
            retries={"mode": "standard", "total_max_attempts": 1},
        ),
    )
