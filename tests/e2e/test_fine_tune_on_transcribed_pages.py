"""Fine-tuning the shipped handwriting recognizer on a collection's own transcribed pages, as a user does it
(docs/training.md): pages with ALTO and PAGE XML line ground truth, `train recognizer --init-from handwriting`
with no settings of its own, then `export` (a few steps, not real training)."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import torch
from PIL import Image, ImageDraw, ImageFont

from ocrforge.runtime.onnx import shipped_model

PAGES = [["Je lègue à ma sœur", "tous mes biens présents"], ["et à venir. Fait à Paris", "le 2 août 1914."],
         ["Ceci est mon testament", "écrit de ma main."]]
LINE_HEIGHT, WIDTH = 60, 560


def _draw(path: Path, lines: list[str]) -> list[tuple[int, int, int, int]]:
    """The page image, each line written in a band of its own; the bands (x, y, width, height)."""
    page = Image.new("L", (WIDTH, LINE_HEIGHT * len(lines) + 40), 255)
    font = ImageFont.load_default(size=30)
    for k, text in enumerate(lines):
        ImageDraw.Draw(page).text((16, 20 + k * LINE_HEIGHT + 12), text, font=font, fill=20)
    page.save(path)
    return [(8, 20 + k * LINE_HEIGHT, WIDTH - 16, LINE_HEIGHT) for k in range(len(lines))]


def _alto(image: str, lines: list[str], bands) -> str:
    text_lines = "".join(
        f'<TextLine ID="l{k}" HPOS="{x}" VPOS="{y}" WIDTH="{w}" HEIGHT="{h}">'
        + "<SP/>".join(f'<String CONTENT="{word}"/>' for word in text.split()) + "</TextLine>"
        for k, (text, (x, y, w, h)) in enumerate(zip(lines, bands)))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<alto xmlns="http://www.loc.gov/standards/alto/ns-v4#"><Description>'
            f"<MeasurementUnit>pixel</MeasurementUnit><sourceImageInformation><fileName>{image}</fileName>"
            f'</sourceImageInformation></Description><Layout><Page ID="p" WIDTH="{WIDTH}" HEIGHT="200"><PrintSpace>'
            f'<TextBlock ID="b">{text_lines}</TextBlock></PrintSpace></Page></Layout></alto>\n')


def _page_xml(image: str, lines: list[str], bands) -> str:
    text_lines = "".join(
        f'<TextLine id="l{k}"><Coords points="{x},{y} {x + w - 1},{y} {x + w - 1},{y + h - 1} {x},{y + h - 1}"/>'
        f"<TextEquiv><Unicode>{text}</Unicode></TextEquiv></TextLine>"
        for k, (text, (x, y, w, h)) in enumerate(zip(lines, bands)))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">'
            f'<Page imageFilename="{image}" imageWidth="{WIDTH}" imageHeight="200"><TextRegion id="r">{text_lines}'
            "</TextRegion></Page></PcGts>\n")


def _ocrforge(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ocrforge", *args], capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_the_shipped_handwriting_recognizer_fine_tuned_on_alto_and_page_xml_pages(tmp_path):
    train, val = tmp_path / "alto", tmp_path / "page"
    train.mkdir()
    val.mkdir()
    for k, lines in enumerate(PAGES[:2]):  # the transcribed pages, as eScriptorium or Transkribus export ALTO
        (train / f"page{k}.xml").write_text(_alto(f"page{k}.png", lines, _draw(train / f"page{k}.png", lines)), encoding="utf-8")
    (val / "page.xml").write_text(_page_xml("page.png", PAGES[2], _draw(val / "page.png", PAGES[2])), encoding="utf-8")

    run = tmp_path / "run"
    trained = _ocrforge("train", "recognizer", "--init-from", "handwriting", "--real-handwritten", f"alto:{train}",
                        "--real-val", f"page:{val}", "--validation", "lines", "--real-share", "1", "--steps", "2",
                        "--val-every", "2", "--batch-size", "4", "--chunk-size", "16", "--render-workers", "1",
                        "--threads", "1", "--lr", "1e-4", "--out", str(run))
    assert trained.returncode == 0, trained.stderr[-2000:]
    log = (run / "train.log").read_text()
    assert f"initialised from {shipped_model('handwriting.onnx')} (crnn)" in log
    assert "100% real: alto 4 (handwritten)" in log
    state = torch.load(run / "last.pt", weights_only=False)
    charset = state["model_args"]["charset"]  # the shipped model's settings, accents and ligatures included
    assert "œ" in charset and state["step"] == 2 and "page_cer" in state["history"][-1]

    exported = _ocrforge("export", str(run / "last.pt"), "--out", str(tmp_path / "mine.onnx"))
    assert exported.returncode == 0, exported.stderr[-2000:]
    card = (tmp_path / "mine.md").read_text()
    assert "htr_testaments" in card and f"--real-handwritten alto:{train}" in card  # the shipped history, then this run
    probs = ort.InferenceSession(str(tmp_path / "mine.onnx")).run(["probs"], {"images": np.full((1, 1, 32, 64), 255, np.float32)})[0]
    assert probs.shape[-1] == len(charset) + 1
