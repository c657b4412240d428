"""The API reference pages, `/docs` (Swagger UI) and `/redoc` (ReDoc), from packaged assets.

FastAPI's default pages load Swagger UI and ReDoc from a CDN and start Swagger UI with an
inline script; the strict page CSP blocks both, and an offline machine cannot reach the CDN.
These pages follow FastAPI's self-hosted docs recipe instead: the assets come from the
`fastapi-offline` package, Swagger UI starts from `swagger-init.js` beside this module, and the
pages carry a CSP of their own that allows exactly those (`paybot_channels.csp`).
"""

from __future__ import annotations

import html
import importlib.util
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from paybot_channels.csp import api_docs_content_security_policy
from paybot_core import ConfigurationError

__all__ = ["mount_api_docs"]

_HERE = Path(__file__).resolve().parent
ASSETS = "/docs/assets"


def _vendor_dir() -> Path:
    """fastapi-offline's packaged Swagger UI and ReDoc, found without importing the package."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or not spec.submodule_search_locations:
        # A configuration fault, so the CLI prints this line rather than "unexpected error".
        raise ConfigurationError(
            "fastapi-offline is not installed: the API docs have no assets (run `make install`)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "static"


_SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - Swagger UI</title>
<link rel="icon" href="{root}/favicon.ico">
<link rel="stylesheet" href="{root}{assets}/vendor/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-openapi-url="{root}{openapi}"></div>
<script src="{root}{assets}/vendor/swagger-ui-bundle.js"></script>
<script src="{root}{assets}/swagger-init.js"></script>
</body>
</html>
"""

_REDOC_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - ReDoc</title>
<link rel="icon" href="{root}/favicon.ico">
</head>
<body>
<redoc spec-url="{root}{openapi}"></redoc>
<script src="{root}{assets}/vendor/redoc.standalone.js"></script>
</body>
</html>
"""


def mount_api_docs(app: FastAPI, *, docs_url: str = "/docs", redoc_url: str = "/redoc") -> None:
    """Serve Swagger UI at `docs_url` and ReDoc at `redoc_url`; the app must have its own turned off."""
    headers = {"Content-Security-Policy": api_docs_content_security_policy(), "Cache-Control": "no-cache"}
    openapi_url = app.openapi_url or "/openapi.json"

    def render(template: str, request: Request) -> HTMLResponse:
        fields = {
            "title": app.title,
            "root": request.scope.get("root_path", ""),
            "assets": ASSETS,
            "openapi": openapi_url,
        }
        page = template.format(**{name: html.escape(value, quote=True) for name, value in fields.items()})
        return HTMLResponse(page, headers=headers)

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        return render(_SWAGGER_PAGE, request)

    @app.get(redoc_url, include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        return render(_REDOC_PAGE, request)

    @app.get(f"{ASSETS}/swagger-init.js", include_in_schema=False)
    async def swagger_init() -> FileResponse:
        return FileResponse(_HERE / "swagger-init.js", media_type="text/javascript")

    app.mount(f"{ASSETS}/vendor", StaticFiles(directory=_vendor_dir()), name="api-docs-assets")
