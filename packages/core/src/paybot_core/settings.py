"""paybot's settings: environment variables with the PAYBOT_ prefix, read and validated once at start."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .conversation.state import CardEntry


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Every setting is optional; the defaults run a local server with no cloud account and no keys."""

    model_config = SettingsConfigDict(env_prefix="PAYBOT_", frozen=True, extra="ignore")

    data_dir: Path = Field(Path(".paybot"), description="Where the embedded stores keep their files.")
    allow_typed_card_entry: bool = Field(False, description="Allow sessions where card details are typed into the chat.")
    default_card_entry: CardEntry = Field(CardEntry.SECURE, description="Card entry of sessions that do not ask.")
    currency: str = Field("usd", pattern=r"^[a-z]{3}$", description="Default ISO 4217 currency, lower case.")
    max_amount: int = Field(1_000_000, gt=0, description="Largest amount in minor units (cents).")
    session_ttl_seconds: int = Field(900, gt=0, le=86_400, description="Idle time before a session expires.")
    max_field_attempts: int = Field(3, ge=1, le=10)
    max_payment_attempts: int = Field(3, ge=1, le=10)
    max_turns_per_session: int = Field(60, ge=5, le=1000)
    accepted_brands: Annotated[tuple[str, ...], NoDecode] = ("visa", "mastercard", "amex", "discover")

    payment_gateway: Literal["sandbox", "stripe"] = "sandbox"
    language_model: Literal["rules", "bedrock"] = "rules"
    session_store: Literal["sqlite", "dynamodb", "memory"] = "sqlite"
    audit_log: Literal["file", "s3", "memory"] = "file"

    vault_key: SecretStr | None = Field(None, description="Base64 32-byte AES key; generated into data_dir when unset.")
    merchant_api_keys: Annotated[tuple[SecretStr, ...], NoDecode] = ()
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    frame_ancestors: str = "'none'"
    stripe_publishable_key: str | None = None
    log_level: str = "INFO"

    @field_validator("accepted_brands", "merchant_api_keys", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("accepted_brands")
    @classmethod
    def _known_brands(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from .pci.cards import Brand

        unknown = [b for b in value if b not in Brand.__members__.values()]
        if unknown:
            raise ValueError(f"unknown card brands {unknown}; known: {[b.value for b in Brand]}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.default_card_entry is CardEntry.TYPED and not self.allow_typed_card_entry:
            raise ValueError("PAYBOT_DEFAULT_CARD_ENTRY=typed needs PAYBOT_ALLOW_TYPED_CARD_ENTRY=true")
        return self

    @property
    def vault_key_file(self) -> Path:
        return self.data_dir / "vault.key"
