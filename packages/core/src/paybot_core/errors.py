"""Errors raised by paybot's core. Messages are written for people and never carry card data."""

from __future__ import annotations


class PaybotError(Exception):
    """Base class of every error paybot raises on purpose."""


class ConfigurationError(PaybotError):
    """A setting is missing or inconsistent; raised at start-up."""


class SessionNotFoundError(PaybotError):
    """No session with that id (it never existed, or it was purged)."""

    def __init__(self, session_id: str) -> None:
        super().__init__("No payment session with that id.")
        self.session_id = session_id


class VersionConflictError(PaybotError):
    """Someone else saved the session first; re-read it and apply the turn again."""


class SessionExistsError(PaybotError):
    """A session with that id already exists."""


class StoreUnavailableError(PaybotError):
    """The session store could not be reached or answered with an error."""


class PaymentUnconfirmedError(PaybotError):
    """A charge was sent to the gateway, and then the turn failed before its outcome was saved.

    The payer may have been charged: nobody may say otherwise. Repeating the confirmation is safe
    (the same idempotency key reaches the gateway, which answers with the first outcome).
    `said` is the payer's sentence in the session's language.
    """

    def __init__(self, said: str) -> None:
        super().__init__("A payment was sent to the gateway but its outcome could not be saved.")
        self.said = said


class TooManyConflictsError(PaybotError):
    """A turn kept losing the race to save; the caller may retry it."""


class GatewayError(PaybotError):
    """The payment gateway failed in a way that is not a decline (network, 5xx, bad config).

    `retryable` says whether repeating the same request with the same idempotency key is safe.
    """

    def __init__(self, message: str, *, code: str = "processing_error", retryable: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.retryable = retryable


class PaymentIntentMissingError(GatewayError):
    """The gateway has no payment intent with that id: what every gateway adapter raises for it, with
    Stripe's code, so callers need not know which gateway answered."""

    def __init__(self) -> None:
        super().__init__("No such payment intent.", code="resource_missing")


class PaymentMethodError(PaybotError):
    """A payment method id is unknown to the gateway or cannot be used."""

    def __init__(self, message: str, *, code: str = "invalid_payment_method") -> None:
        super().__init__(message)
        self.code = code


class VaultError(PaybotError):
    """Sealed card data could not be opened (wrong key, wrong session, tampered or expired)."""


class CardDataLeakError(PaybotError):
    """Card data was about to cross a boundary it must never cross (e.g. a model request)."""


class ModelUnavailableError(PaybotError):
    """A language model could not answer this turn (timed out, throttled, failing, or its breaker is
    open); the rules answer instead. The message names the cause, never the request."""


class CardValidationError(PaybotError):
    """The gateway refused the card details as malformed (Stripe's 402 card_error on tokenization)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class WebhookSignatureError(PaybotError):
    """A webhook's signature did not verify against its raw body (forged, altered, stale or wrong secret)."""


class SecretUnavailableError(ConfigurationError):
    """A named secret could not be read from the secret store."""


class InputDecryptionError(PaybotError):
    """Keypad input that should be Connect-encrypted could not be opened (wrong key or plain text)."""


class SettingsError(ConfigurationError, ValueError):
    """Settings that cannot start paybot: one line per variable, naming it and what it expects.

    Also a ValueError, as pydantic's own validation error is, for callers that catch that.
    """

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid settings:\n" + "\n".join(f"  {line}" for line in problems))
        self.problems = problems


class LinkNotFoundError(PaybotError):
    """No payment link with that token."""

    def __init__(self) -> None:
        super().__init__("No payment link with that token.")


class StaysOnPhoneError(PaybotError):
    """The engine did not move the call's session to the web (its account is still to come, or a
    payment is under way), so no link was sent; `said` is what the caller is told instead."""

    def __init__(self, said: str) -> None:
        self.said = said  # the engine's own reply: catalogue text and masked facts, never input
        super().__init__("The session cannot continue on the web yet; no link was sent.")


class SessionClosedError(PaybotError):
    """The session has ended; nothing more can be sent or paid for it."""

    def __init__(self) -> None:
        super().__init__("The payment session has ended.")


class MessengerError(PaybotError):
    """A message to a payer could not be sent (the provider refused or could not be reached)."""


class AccountsFileError(PaybotError):
    """An accounts table with bad rows: every problem, one line each."""

    def __init__(self, where: str, problems: list[str]) -> None:
        self.where = where
        self.problems = problems
        shown = problems[:20]
        more = f"\n... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        super().__init__(f"{where}: " + f"\n{where}: ".join(shown) + more)
