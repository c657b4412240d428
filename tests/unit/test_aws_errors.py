"""AWS failures as the adapters report them: the service and the code AWS answered, or the class of a
failure that got no answer; never what was sent."""

from __future__ import annotations

from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError

from paybot_core.adapters.aws_errors import aws_failure, error_code
from paybot_core.errors import MessengerError, SecretUnavailableError, StoreUnavailableError

SENT = "4242424242424242"  # what a request might carry; no message may repeat it


def refusal(code: str) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": f"rejected item {SENT}"}, "ResponseMetadata": {}}, "PutItem"
    )


def test_a_refusal_is_named_by_its_code_in_the_adapters_error() -> None:
    for error, code in [
        (StoreUnavailableError, "ThrottlingException"),
        (SecretUnavailableError, "AccessDeniedException"),
        (MessengerError, "MessageRejected"),
    ]:
        failure = aws_failure(refusal(code), error, "The service")
        assert type(failure) is error
        assert str(failure) == f"The service refused the request ({code})."
        assert SENT not in str(failure)
        assert error_code(refusal(code)) == code


def test_a_failure_without_an_answer_is_named_by_its_class() -> None:
    for err in [
        ConnectTimeoutError(endpoint_url=f"http://127.0.0.1:9/{SENT}"),
        EndpointConnectionError(endpoint_url=f"http://127.0.0.1:9/{SENT}"),
    ]:
        failure = aws_failure(err, StoreUnavailableError, "DynamoDB/KMS")
        assert isinstance(failure, StoreUnavailableError)
        assert str(failure) == f"DynamoDB/KMS could not be reached ({type(err).__name__})."
        assert error_code(err) is None


def test_anything_else_is_left_to_propagate() -> None:
    bug = KeyError("sessionId")
    assert aws_failure(bug, StoreUnavailableError, "DynamoDB/KMS") is bug
    assert error_code(bug) is None
    assert error_code(ClientError({"Error": {}}, "GetItem")) is None
