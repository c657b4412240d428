"""The web chat channel: FastAPI app, schemas, and the Lambda handler."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use, not with the package: the Lambda handler (`.lambda_handler`) turns
    # the garbage collector off before FastAPI and the app are imported (see `lambda_init`).
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
