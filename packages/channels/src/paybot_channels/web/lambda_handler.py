"""AWS Lambda entry point: the same FastAPI app behind API Gateway, through Mangum.

Services are built once at import (module scope), so a warm container reuses its clients.
"""

from __future__ import annotations

from ..lambda_init import container_init

with container_init():
    from mangum import Mangum

    from paybot_core import build

    from .app import create_app

    # No background sweeper in Lambda: a frozen container cannot run one. DynamoDB's TTL and the
    # vault's own expiry remove card data of idle sessions instead.
    app = create_app(build(), sweep_expired=False)
    handler = Mangum(app, lifespan="off")
    # Copies restored from a SnapStart snapshot renew their audit stream, secrets and random.
    from paybot_core import snapstart

    snapstart.install()
