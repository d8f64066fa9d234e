"""`ocrforge serve`: the HTTP API with the shipped models, its limits, and the web page in a real headless browser."""

from __future__ import annotations

import asyncio
import io
import json
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont

from ocrforge.data.synth.fonts import load_faces
from ocrforge.data.synth.scenes import photo
from ocrforge.server.app import create_app
from ocrforge.server.limits import Limits, QueueFull, WorkQueue

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _sign(text: str, size=(640, 240)) -> Image.Image:
    image = Image.new("RGB", size, (235, 235, 228))
    ImageDraw.Draw(image).text((40, 80), text, font=ImageFont.truetype(FONT, 54), fill=(25, 25, 25))
    return image


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def library(tmp_path_factory, index_folder) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("library")
    _sign("HARBOUR CAFE").save(root / "cafe.png")
    _sign("GARDEN CENTRE").save(root / "garden.png")
    return root, index_folder(root)


@pytest.fixture(scope="module")
def client(library):
    _, db = library
    with TestClient(create_app(db, Limits(max_upload_bytes=2 * 1024 * 1024, max_pixels=4_000_000))) as test_client:
        yield test_client


def test_health_and_api_docs(client):
    assert client.get("/healthz").json()["status"] == "ok"
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/read", "/v1/scan", "/v1/search", "/healthz"} <= set(paths)


def test_read_returns_the_json_of_ocrforge_read(client):
    response = client.post("/v1/read", files={"file": ("cafe.png", _png(_sign("HARBOUR CAFE")), "image/png")})
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["path"] == "cafe.png" and (page["width"], page["height"]) == (640, 240)
    assert page["text"] == "HARBOUR CAFE"
    assert [w["text"] for w in page["lines"][0]["words"]] == ["HARBOUR", "CAFE"]


def test_read_takes_the_built_in_word_list_and_refuses_others(client):
    upload = {"file": ("cafe.png", _png(_sign("HARBOUR CAFE")), "image/png")}
    response = client.post("/v1/read", params={"lexicon": "english"}, files=upload)
    assert response.status_code == 200, response.text
    assert response.json()["text"] == "HARBOUR CAFE"
    refused = client.post("/v1/read", params={"lexicon": "/etc/passwd"}, files=upload)  # no files named by clients
    assert refused.status_code == 422 and "lexicon" in refused.json()["error"]


def test_read_takes_a_handwritten_page_and_reads_it_by_lines(client):
    page = sorted((Path(__file__).resolve().parents[1] / "data" / "handwriting_pages").glob("*.jpg"))[0]
    truth = set(" ".join(line["text"] for line in json.loads(page.with_suffix(".json").read_text())["lines"]).split())
    upload = {"file": (page.name, page.read_bytes(), "image/jpeg")}
    by_lines = client.post("/v1/read", params={"handwriting": "true"}, files=upload)
    as_print = client.post("/v1/read", files=upload)
    assert by_lines.status_code == 200 and as_print.status_code == 200, by_lines.text
    found = [len(truth & set(reply.json()["text"].split())) for reply in (by_lines, as_print)]
    assert found[0] > 2 * found[1]


def test_a_word_list_the_server_lacks_is_named_not_a_crash(client, monkeypatch):
    def missing(name):
        raise ModuleNotFoundError("No module named 'wordfreq'", name="wordfreq")

    monkeypatch.setattr("ocrforge.server.app.built_in", missing)
    response = client.post("/v1/read", params={"lexicon": "english"},
                           files={"file": ("cafe.png", _png(_sign("CAFE")), "image/png")})
    assert response.status_code == 501 and "ocrforge[lexicon]" in response.json()["error"]
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("name, data, status, message", [
    ("notes.txt", b"not an image at all", 400, "notes.txt: not an image"),
    ("empty.png", b"", 400, "empty.png: empty upload"),
    ("big.bin", b"\0" * (2 * 1024 * 1024 + 1), 413, "upload limit"),
    ("huge.png", _png(Image.new("L", (2500, 2000))), 413, "more than 4,000,000 pixels"),
    ("cut.png", _png(_sign("CUT"))[:300], 400, "cut.png: unreadable image"),
])
def test_bad_uploads_get_json_errors_naming_the_file(client, name, data, status, message):
    response = client.post("/v1/read", files={"file": (name, data, "application/octet-stream")})
    assert response.status_code == status
    assert message in response.json()["error"]
    assert client.get("/healthz").status_code == 200  # and the server goes on


def test_scan_returns_a_pdf_and_refuses_photos_without_a_page(client):
    item = photo(np.random.default_rng([77, 0]), load_faces("holdout"))
    response = client.post("/v1/scan", files={"file": ("page.png", _png(Image.fromarray(item.image)), "image/png")})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf" and response.content.startswith(b"%PDF")
    flat = client.post("/v1/scan", files={"file": ("wall.png", _png(Image.new("RGB", (400, 300), (128, 128, 128))), "image/png")})
    assert flat.status_code == 422 and "no page found" in flat.json()["error"]


def test_search_and_thumbnails_serve_only_what_is_indexed(client, library):
    root, _ = library
    hits = client.get("/v1/search", params={"q": "harbour"}).json()["hits"]
    assert [h["path"] for h in hits] == [str(root / "cafe.png")] and hits[0]["boxes"]
    thumbnail = client.get("/v1/asset", params={"path": hits[0]["path"]})
    assert thumbnail.status_code == 200 and thumbnail.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(thumbnail.content)).size == (480, 180)
    assert client.get("/v1/asset", params={"path": "/etc/passwd"}).status_code == 404
    assert client.get("/v1/search", params={"q": '""'}).status_code == 400


def test_plate_reads_and_checks_permits(tmp_path):
    from ocrforge.data.synth.plates import STYLES, draw_plate, plate_faces
    from ocrforge.plates.permits import PermitStore

    face = next(f for f in plate_faces("holdout") if "ClearSans-Bold" in f.path)
    plate = draw_plate(np.random.default_rng(0), next(s for s in STYLES if s.name == "uk"), face, "AB12 CDE", height=110)
    framed = np.full((plate.image.shape[0] + 60, plate.image.shape[1] + 60, 3), 90, np.uint8)
    framed[30:-30, 30:-30] = plate.image
    permits = PermitStore(tmp_path / "permits.db")
    permits.add("AB12CDE", "2026-01-01", "2026-12-31", "A")
    permits.close()
    with TestClient(create_app(None, permits=tmp_path / "permits.db")) as with_permits:
        files = {"file": ("car.png", _png(Image.fromarray(framed)), "image/png")}
        inside = with_permits.post("/v1/plate", files=files, params={"at": "2026-06-01T09:00", "zone": "A"}).json()
        outside = with_permits.post("/v1/plate", files=files, params={"at": "2027-01-02", "zone": "A"}).json()
        bad_time = with_permits.post("/v1/plate", files=files, params={"at": "soon"})
        as_uk = with_permits.post("/v1/plate", files=files, params={"region": "uk"}).json()
        bad_region = with_permits.post("/v1/plate", files=files, params={"region": "mars"})
    assert inside["plates"][0]["plate"] == "AB12 CDE" and inside["plates"][0]["permitted"] is True
    assert as_uk["plates"][0]["plate"] == "AB12 CDE" and bad_region.status_code == 422
    assert outside["plates"][0]["permitted"] is False and outside["plates"][0]["reason"] == "expired"
    assert bad_time.status_code == 400 and "not a date" in bad_time.json()["error"]


def test_without_an_index_search_says_so():
    with TestClient(create_app(None)) as no_index:
        response = no_index.get("/v1/search", params={"q": "cafe"})
    assert response.status_code == 404 and "no index" in response.json()["error"]


def test_the_work_queue_refuses_beyond_its_capacity_and_times_out():
    async def scenario():
        queue = WorkQueue(workers=1, queue=1)
        slow = [asyncio.create_task(queue.run(lambda: time.sleep(0.5) or "done", timeout=5)) for _ in range(2)]
        await asyncio.sleep(0.05)
        with pytest.raises(QueueFull):
            await queue.run(lambda: "one too many", timeout=5)
        assert await asyncio.gather(*slow) == ["done", "done"]
        with pytest.raises(TimeoutError):
            await queue.run(lambda: time.sleep(1.0), timeout=0.1)
        queue.shutdown()

    asyncio.run(scenario())


@pytest.fixture(scope="module")
def live_server(library, running_server):
    _, db = library
    with running_server("--db", str(db)) as url:
        yield url


@pytest.mark.slow
def test_the_web_page_reads_an_upload_and_finds_it_in_the_index(live_server, library, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed (scripts/setup.sh --dev installs it)"
    upload = tmp_path / "market.png"
    _sign("FLOWER MARKET").save(upload)
    root, _ = library
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(live_server)
        page.set_input_files("#file", str(upload))
        expect(page.locator("#text")).to_have_value("FLOWER MARKET", timeout=30_000)
        expect(page.locator("#read-status")).to_contain_text("2 words")
        assert page.evaluate("document.getElementById('canvas').width") == 640

        page.click("button[data-tab=search]")
        page.fill("#query", "garden")
        page.click("#search-form button[type=submit]")
        hit = page.locator(".hit")
        expect(hit).to_have_count(1, timeout=30_000)
        expect(hit.locator(".path")).to_have_text(str(root / "garden.png"))
        expect(hit.locator("mark")).to_have_text("GARDEN")
        assert hit.locator("polygon").count() == 1
        page.wait_for_function("document.querySelector('.hit img').naturalWidth > 0")
        browser.close()
