"""Who gets into `ocrforge serve`: an API key on every /v1/ request once one is set (bearer header, or the
web page's cookie), loopback-only unless a key or --insecure, no CORS unless asked, and /v1/asset serving
indexed files only, whatever the path says."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont

from ocrforge.server.access import KEY_COOKIE
from ocrforge.server.app import create_app

KEY = "k3y-for-the-tests-0123456789abcdef"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


@pytest.fixture(scope="module")
def library(tmp_path_factory, index_folder) -> tuple[Path, Path]:
    """An index of one sign, and a symlink to a file outside the library (indexed as a failure)."""
    root = tmp_path_factory.mktemp("library")
    sign = Image.new("RGB", (640, 240), (235, 235, 228))
    ImageDraw.Draw(sign).text((40, 80), "HARBOUR CAFE", font=ImageFont.truetype(FONT, 54), fill=(25, 25, 25))
    sign.save(root / "cafe.png")
    secret = tmp_path_factory.mktemp("outside") / "secret.png"
    secret.write_text("not for you")
    (root / "link.png").symlink_to(secret)
    return root, index_folder(root)


def test_every_api_call_needs_the_key_once_one_is_set(library):
    root, db = library
    cafe = str(root / "cafe.png")
    with TestClient(create_app(db, api_key=KEY)) as client:
        for request in (lambda **kw: client.get("/v1/search", params={"q": "harbour"}, **kw),
                        lambda **kw: client.get("/v1/asset", params={"path": cafe}, **kw),
                        lambda **kw: client.post("/v1/read", files={"file": ("a.png", b"x", "image/png")}, **kw)):
            refused = request()
            assert refused.status_code == 401 and "API key" in refused.json()["error"]
            assert refused.headers["www-authenticate"] == "Bearer"
            assert request(headers={"Authorization": "Bearer wrong-key"}).status_code == 401
            assert request(headers={"Authorization": f"Basic {KEY}"}).status_code == 401  # a bearer token, nothing else
            assert request(headers={"Authorization": f"Bearer {KEY}"}).status_code != 401
        client.cookies.set(KEY_COOKIE, KEY)  # the web page's way: its thumbnails cannot send headers
        hits = client.get("/v1/search", params={"q": "harbour"}).json()["hits"]
        assert [h["path"] for h in hits] == [cafe]
        assert client.get("/v1/asset", params={"path": cafe}).status_code == 200
        client.cookies.clear()
        assert client.get("/healthz").status_code == 200 and client.get("/").status_code == 200  # no data there


def test_no_cross_origin_calls_unless_an_origin_is_allowed(library):
    _, db = library
    origin = {"Origin": "https://evil.example"}
    with TestClient(create_app(db)) as client:
        assert "access-control-allow-origin" not in client.get("/v1/search", params={"q": "cafe"}, headers=origin).headers
    with TestClient(create_app(db, cors_origins=["https://app.example"])) as client:
        allowed = client.get("/v1/search", params={"q": "cafe"}, headers={"Origin": "https://app.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://app.example"
        assert "access-control-allow-origin" not in client.get("/v1/search", params={"q": "cafe"}, headers=origin).headers


@pytest.mark.parametrize("path", [
    "/etc/passwd",
    "{root}/../{name}/cafe.png",  # the same file by another spelling: only the indexed spelling is served
    "{root}/./cafe.png",
    "{root}/link.png",  # a symlink out of the library: indexed as unreadable, never served
    "{root}/cafe.png\x00.txt",
    quote("{root}/../../etc/passwd"),
])
def test_asset_serves_indexed_files_only(library, path):
    root, db = library
    with TestClient(create_app(db)) as client:
        response = client.get("/v1/asset", params={"path": path.format(root=root, name=root.name)})
        assert response.status_code == 404 and "not in the index" in response.json()["error"]
        assert client.get("/v1/asset", params={"path": str(root / "cafe.png")}).status_code == 200


def _serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ocrforge", "serve", *args], capture_output=True, text=True, timeout=60)


@pytest.mark.slow
def test_listening_beyond_loopback_needs_a_key_or_insecure(tmp_path):
    exposed = _serve("--host", "0.0.0.0")
    assert exposed.returncode == 2 and "--api-key-file" in exposed.stderr and "--insecure" in exposed.stderr
    (tmp_path / "short.key").write_text("abc\n")
    short = _serve("--host", "0.0.0.0", "--api-key-file", str(tmp_path / "short.key"))
    assert short.returncode == 2 and "at least 16 characters" in short.stderr
    missing = _serve("--api-key-file", str(tmp_path / "none.key"))
    assert missing.returncode == 2 and "none.key" in missing.stderr
    assert "Traceback" not in exposed.stderr + short.stderr + missing.stderr


@pytest.mark.slow
def test_the_web_page_asks_for_the_key_and_then_works(library, running_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    _, db = library
    (tmp_path / "api.key").write_text(KEY + "\n")
    with running_server("--db", str(db), "--api-key-file", str(tmp_path / "api.key")) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=["--no-sandbox"])
        page = browser.new_page()
        asked = []
        page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept(KEY)))
        page.goto(url)
        page.click("button[data-tab=search]")
        page.fill("#query", "harbour")
        page.click("#search-form button[type=submit]")
        expect(page.locator(".hit")).to_have_count(1, timeout=30_000)
        page.wait_for_function("document.querySelector('.hit img').naturalWidth > 0")  # the cookie came along
        assert len(asked) == 1 and "API key" in asked[0]
        browser.close()
