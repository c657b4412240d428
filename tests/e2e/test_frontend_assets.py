"""The built chat page and how it is served, checked without a browser (fast)."""

from __future__ import annotations

import asyncio
import importlib.util
import re
import shutil
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from paybot_channels.web.frontend import STATIC_DIR, find_static_dir, mount_frontend
from paybot_core import Settings
from scripts import package_lambda

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "frontend" / "src"


def _load_script(name: str, folder: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / folder / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Client:
    """Requests straight into the ASGI app through httpx (starlette's TestClient warns here)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def get(self, path: str) -> httpx.Response:
        async def fetch() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
                return await client.get(path)

        # In a thread of its own: Playwright's sync API may hold this thread's event loop.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(lambda: asyncio.run(fetch())).result()


@pytest.fixture
def client() -> Client:
    app = FastAPI()

    @app.get("/v1/ping")
    def ping() -> dict[str, bool]:
        return {"ok": True}

    mount_frontend(app, Settings(frame_ancestors="https://shop.example"))
    return Client(app)


def _page_files(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in directory.rglob("*") if p.is_file()}


def test_the_page_exists_once_in_the_repository() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    page_files = {path.name for path in SOURCE.iterdir()}
    copies = [
        name for name in tracked if Path(name).name in page_files and not name.startswith("frontend/src/")
    ]
    assert copies == []
    assert not any(name.startswith("packages/channels/src/paybot_channels/web/static/") for name in tracked)
    assert not (ROOT / "scripts" / "build_frontend.py").exists()


def test_editable_install_serves_frontend_src_itself() -> None:
    assert STATIC_DIR == SOURCE


def test_a_packaged_copy_beside_the_module_wins(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    assert find_static_dir(tmp_path) == tmp_path / "static"


def _uv() -> str:
    found = shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    if not Path(found).exists():
        pytest.skip("uv not installed (make install puts it in .tools/)")
    return found


@pytest.mark.slow
def test_the_wheel_carries_frontend_src_as_package_data(tmp_path: Path) -> None:
    subprocess.run(
        [
            _uv(),
            "build",
            "--wheel",
            "--offline",
            "-q",
            "-o",
            str(tmp_path),
            str(ROOT / "packages" / "channels"),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("paybot_channels-*.whl")
    prefix = "paybot_channels/web/static/"
    with zipfile.ZipFile(wheel) as archive:
        shipped = {
            n.removeprefix(prefix): archive.read(n) for n in archive.namelist() if n.startswith(prefix)
        }
    assert shipped == _page_files(SOURCE)


def test_the_web_lambda_zip_carries_the_page_and_the_phone_zip_does_not(tmp_path: Path) -> None:
    for name in ("web", "connect"):
        for source in package_lambda.SPECS[name].sources:
            package_lambda.copy_source(source, tmp_path / name)
    assert _page_files(tmp_path / "web" / "paybot_channels" / "web" / "static") == _page_files(SOURCE)
    assert not (tmp_path / "connect" / "paybot_channels" / "web").exists()


@pytest.mark.parametrize("path", sorted(SOURCE.glob("*.js")), ids=lambda p: p.name)
def test_scripts_never_parse_text_as_markup(path: Path) -> None:
    source = path.read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in source, f"{path.name} uses {sink}"


def test_page_has_no_inline_script_or_style() -> None:
    html = (SOURCE / "index.html").read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_page_weight_is_within_budget() -> None:
    bench = _load_script("page_weight", "bench")
    total = sum(zipped for _, zipped in bench.page_weight().values())
    assert 0 < total <= bench.BUDGET_BYTES


def test_page_and_assets_are_served(client: Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.text == (STATIC_DIR / "index.html").read_text()
    script = client.get("/static/app.js")
    assert script.status_code == 200
    assert "javascript" in script.headers["content-type"]
    assert client.get("/static/styles.css").headers["content-type"].startswith("text/css")
    assert client.get("/static/missing.js").status_code == 404


@pytest.mark.parametrize("path", ["/", "/static/app.js", "/v1/ping", "/no-such-page"])
def test_every_response_carries_the_security_headers(client: Client, path: str) -> None:
    headers = client.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    csp = dict(part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";"))
    assert csp["default-src"] == "'self'"
    assert csp["script-src"].split() == ["'self'", "https://js.stripe.com", "https://*.js.stripe.com"]
    assert csp["connect-src"].split() == ["'self'", "https://api.stripe.com"]
    assert "js.stripe.com" in csp["frame-src"]
    assert csp["style-src"] == "'self'"
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert csp["frame-ancestors"] == "https://shop.example"
    assert "x-frame-options" not in headers  # framing is allowed for the configured origin


def test_frame_ancestors_default_denies_framing() -> None:
    app = FastAPI()
    mount_frontend(app, Settings())
    headers = Client(app).get("/").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
