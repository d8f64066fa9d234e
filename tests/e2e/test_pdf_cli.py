"""PDFs in and out with the shipped models: `read` gives each page's text (its own where it carries
text), `scan in.pdf --out out.pdf` copies the pages with an invisible text layer where the print is,
checked with a real PDF reader (pdfplumber); broken and encrypted PDFs are named and skipped."""

from __future__ import annotations

import json
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import numpy as np
import pdfplumber
import pypdf
import pypdfium2 as pdfium
import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw

from ocrforge.data.synth.fonts import load_faces
from ocrforge.data.synth.render import load_font
from ocrforge.eval.pages import page_text_score

FONT = "ClearSans-Regular.ttf"  # a holdout face: never trained on
SCAN_DPI = 150
LINES = ["QUARTERLY REPORT 2026", "Orders shipped on time", "Invoice total 4,812.50"]
BORN_DIGITAL = "Minutes of the meeting held on Tuesday"


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, Path | dict]:
    """A two-page PDF (a scanned page: one image, no text; and a born-digital page with its own text),
    the box of each scanned word in points, a broken PDF and an encrypted one."""
    folder = tmp_path_factory.mktemp("pdfs")
    face = next(f for f in load_faces("holdout") if Path(f.path).name == FONT)
    font = load_font(face.path, 36)
    sheet = Image.new("RGB", (1240, 600), (250, 250, 246))
    draw = ImageDraw.Draw(sheet)
    boxes = {}
    for i, line in enumerate(LINES):
        x, y = 90, 90 + 140 * i
        draw.text((x, y), line, font=font, fill=(20, 20, 25))
        for word in line.split():
            left, top, right, bottom = draw.textbbox((x, y), word, font=font)
            boxes[word] = np.array([left, top, right, bottom]) * 72 / SCAN_DPI  # in points
            x = right + draw.textlength(" ", font=font)
    scan_png = BytesIO()
    sheet.save(scan_png, format="PNG")
    pdf = FPDF(unit="pt")
    pdf.add_page(format=(1240 * 72 / SCAN_DPI, 600 * 72 / SCAN_DPI))
    pdf.image(scan_png, x=0, y=0, w=pdf.w, h=pdf.h)
    pdf.add_page(format=(400, 200))
    pdf.set_font("Helvetica", size=14)
    pdf.text(30, 60, BORN_DIGITAL)
    pdf.output(str(folder / "report.pdf"))

    (folder / "broken.pdf").write_bytes((folder / "report.pdf").read_bytes()[:400])
    locked = FPDF()
    locked.set_encryption(owner_password="owner", user_password="secret")
    locked.add_page()
    locked.output(str(folder / "locked.pdf"))
    return {"report": folder / "report.pdf", "broken": folder / "broken.pdf", "locked": folder / "locked.pdf", "boxes": boxes}


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ocrforge", *args], capture_output=True, text=True, timeout=300)


def test_read_gives_every_page_and_keeps_the_text_a_page_carries(documents):
    result = _cli("read", str(documents["report"]), str(documents["locked"]), "--format", "json")
    assert result.returncode == 1  # the encrypted PDF is named, the other one still read
    assert f"{documents['locked']}: encrypted PDF" in result.stderr and "Traceback" not in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["path"] for r in records] == [f"{documents['report']}#page={n}" for n in (1, 2)]
    assert page_text_score(records[0]["text"], "\n".join(LINES)).cer <= 0.05, records[0]["text"]
    assert records[1]["text"] == BORN_DIGITAL  # its own text, word for word

    forced = _cli("read", str(documents["report"]), "--format", "json", "--force-ocr")
    assert forced.returncode == 0, forced.stderr
    reread = json.loads(forced.stdout.splitlines()[1])["text"]
    assert reread != "" and page_text_score(reread, BORN_DIGITAL).cer <= 0.1, reread  # read from the rendering


def test_scan_lays_an_invisible_text_layer_on_the_original_pages(documents, tmp_path):
    out = tmp_path / "searchable.pdf"
    result = _cli("scan", str(documents["report"]), str(documents["broken"]), "--out", str(out))
    assert result.returncode == 1 and f"{documents['broken']}: not a readable PDF" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["searchable.pdf"]  # nothing half-written beside it

    original, written = pypdf.PdfReader(documents["report"]), pypdf.PdfReader(out)
    assert len(written.pages) == 2
    for before, after in zip(original.pages, written.pages):
        assert after.mediabox == before.mediabox  # the same page sizes
    image_before = next(iter(original.pages[0].images)).data
    assert next(iter(written.pages[0].images)).data == image_before  # the scan itself, not a re-rendering

    with pdfplumber.open(out) as pdf:
        scanned, digital = pdf.pages
        words = scanned.extract_words()
        assert page_text_score(" ".join(w["text"] for w in words), " ".join(LINES)).cer <= 0.05
        placed = 0
        for word in words:
            if word["text"] in documents["boxes"]:
                x0, top, x1, bottom = documents["boxes"][word["text"]]
                centre = ((word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2)
                assert x0 - 3 <= centre[0] <= x1 + 3 and top - 3 <= centre[1] <= bottom + 3, word
                placed += 1
        assert placed >= 8  # most words read right, each on its print
        assert digital.extract_text() == BORN_DIGITAL  # kept as it was: no second layer

    def rendered(path: Path) -> np.ndarray:
        document = pdfium.PdfDocument(str(path))
        try:
            return np.asarray(document[0].render(scale=1).to_pil().convert("RGB"))
        finally:
            document.close()

    assert np.array_equal(rendered(out), rendered(documents["report"]))  # the text layer is invisible


def test_index_makes_every_page_of_a_pdf_searchable(documents, tmp_path):
    from ocrforge.index.search import search
    from ocrforge.index.store import IndexStore

    db = tmp_path / "index.db"
    result = _cli("index", str(documents["report"]), str(documents["locked"]), "--db", str(db))
    assert result.returncode == 1 and "encrypted PDF" in result.stderr  # named; the other PDF still indexed
    store = IndexStore.open(db, readonly=True)
    try:
        (scanned,) = search(store, "quarterly")
        (digital,) = search(store, "meeting", media="pdf")
        assert scanned.path == digital.path == str(documents["report"].resolve())
        assert (scanned.page, digital.page) == (0, 1)  # pages from 0, as for multi-page TIFFs
        assert search(store, "meeting", media="image") == []
    finally:
        store.close()

    from fastapi.testclient import TestClient

    from ocrforge.server.app import create_app

    with TestClient(create_app(db)) as client:
        hits = client.get("/v1/search", params={"q": "meeting", "type": "pdf"}).json()["hits"]
        assert [(h["path"], h["page"]) for h in hits] == [(digital.path, 1)]
        shown = client.get("/v1/asset", params={"path": digital.path, "page": 1, "max_side": 400})
        assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
        assert Image.open(BytesIO(shown.content)).size == (400, 200)  # the 400 x 200 pt page, rendered
        assert client.get("/v1/asset", params={"path": digital.path, "page": 2}).status_code == 404
