"""The PCI guard: card detection, redaction, masking, and the vault for typed card data."""

from .capture import CardCapture, Expecting, capture_card_material
from .cards import Brand, CardNumberCheck, CardNumberProblem, check_card_number, cvv_length, luhn_valid, mask
from .logging import CardDataFilter, configure_logging, install_card_data_filter, pin_library_loggers
from .model_guard import CardDataGuard, check_model_request, sanitise_for_model
from .recogniser import canonical, contains_card_number, find_card_numbers, redact_text
from .vault import CardVault, SealedCard

__all__ = [
    "Brand",
    "CardCapture",
    "CardDataFilter",
    "CardDataGuard",
    "CardNumberCheck",
    "CardNumberProblem",
    "CardVault",
    "Expecting",
    "SealedCard",
    "canonical",
    "capture_card_material",
    "check_card_number",
    "check_model_request",
    "configure_logging",
    "contains_card_number",
    "cvv_length",
    "find_card_numbers",
    "install_card_data_filter",
    "luhn_valid",
    "mask",
    "pin_library_loggers",
    "redact_text",
    "sanitise_for_model",
]
