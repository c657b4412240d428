"""The web chat channel: FastAPI app, schemas, and the Lambda handler."""

from .app import create_app

__all__ = ["create_app"]
