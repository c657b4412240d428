"""A stand-in for the Lambda Python runtime, run by a bare Python 3.12: `python3.12 -I -S -B lambda_runtime.py
TASK OPT_PYTHON RUNTIME HANDLER`.

sys.path is what Lambda gives a function: its zip (/var/task), then its layer's `python/`
(/opt/python), then the runtime's own boto3. The handler module is imported once (its init, as
in a cold start); then each line on stdin is one event, answered by one JSON line on the
original stdout. Everything the function prints or logs goes to stderr, the "CloudWatch" the
test scans for card data.
"""

import json
import os
import sys
import time
import traceback

task, layer, runtime, handler_path = sys.argv[1:5]
sys.path[:0] = [task, layer, runtime]
answers = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)  # the function's own prints land with its logs
sys.stdout = sys.stderr


class Context:
    """The attributes of Lambda's context object that code commonly reads."""

    def __init__(self, name: str, request: int) -> None:
        self.function_name = name
        self.function_version = "$LATEST"
        self.aws_request_id = f"rehearsal-{request}"
        self.invoked_function_arn = (
            f"arn:aws:lambda:{os.environ.get('AWS_REGION')}:123456789012:function:{name}"
        )
        self.memory_limit_in_mb = int(os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024"))
        self._deadline = time.monotonic() + float(os.environ.get("PAYBOT_REHEARSAL_TIMEOUT", "15"))

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def main() -> None:
    module_name, _, attribute = handler_path.rpartition(".")
    started = time.monotonic()
    try:
        module = __import__(module_name, fromlist=[attribute])
        handler = getattr(module, attribute)
        init = {"ready": True, "initSeconds": round(time.monotonic() - started, 3)}
    except Exception as err:
        traceback.print_exc()
        init = {"ready": False, "errorType": type(err).__name__, "errorMessage": str(err)[:500]}
    answers.write(json.dumps(init) + "\n")
    if not init["ready"]:
        return
    for number, line in enumerate(sys.stdin):
        event = json.loads(line)
        try:
            result = handler(event, Context(os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "paybot"), number))
            answer = {"ok": True, "result": result}
        except Exception as err:
            traceback.print_exc()
            answer = {"ok": False, "errorType": type(err).__name__}
        answers.write(json.dumps(answer) + "\n")


main()
