"""How the AWS adapters report a botocore failure: which service failed, and why, never the request.

By then botocore has retried (`aws_clients`: bounded standard retries), so the failure is final for
this call. A refusal is named by the code AWS answered with (ThrottlingException,
AccessDeniedException: what an operator searches for); a failure that got no answer by its class
(ConnectTimeoutError, EndpointConnectionError). Neither carries what was sent, which may be a
sealed card or a secret. botocore is imported only when a failure is translated.
"""

from __future__ import annotations

from collections.abc import Callable


def error_code(err: BaseException) -> str | None:
    """The code an AWS service answered with, or None for a failure that got no answer."""
    response = getattr(err, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code else None
    return None


def aws_failure(err: Exception, error: Callable[[str], Exception], service: str) -> Exception:
    """A botocore failure at `service` as `error` (the adapter's own error class), in one wording for
    every adapter; any other exception is returned as it is, to propagate."""
    from botocore.exceptions import BotoCoreError, ClientError

    if isinstance(err, ClientError):
        return error(f"{service} refused the request ({error_code(err) or 'error'}).")
    if isinstance(err, BotoCoreError):
        return error(f"{service} could not be reached ({type(err).__name__}).")
    return err
