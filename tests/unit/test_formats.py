import json
import re
import xml.etree.ElementTree as ET

import numpy as np

from ocrforge.pipeline.formats import to_hocr, to_json, to_text
from ocrforge.results import Block, Line, Page, Word

XHTML = "{http://www.w3.org/1999/xhtml}"


def rect(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)


def rotated(cx: float, cy: float, w: float, h: float, degrees: float) -> np.ndarray:
    """A w x h box turned `degrees` counter-clockwise as seen on screen (y grows downwards)."""
    t = np.radians(degrees)
    along, across = np.array([np.cos(t), -np.sin(t)]), np.array([np.sin(t), np.cos(t)])
    corners = [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]
    return np.array([[cx, cy] + a * along + b * across for a, b in corners], dtype=np.float32)


def line(*words: tuple[str, float, np.ndarray]) -> Line:
    ws = [Word(text, conf, box) for text, conf, box in words]
    return Line(ws, rect(min(w.box[:, 0].min() for w in ws), min(w.box[:, 1].min() for w in ws),
                         max(w.box[:, 0].max() for w in ws), max(w.box[:, 1].max() for w in ws)))


def sample_page() -> Page:
    first = Block([line(("Total", 0.98, rect(10, 10, 60, 30)), ("12.50", 0.7, rect(70, 10, 120, 30))),
                   line(("Tom & <Jerry>", 0.4, rect(10, 40, 100, 60)))], rect(10, 10, 120, 60))
    # a word partly off the page: its bbox must be clamped
    second = Block([line(("edge", 0.9, rect(-5, 80, 40, 110)))], rect(-5, 80, 40, 110))
    return Page("scans/receipt.jpg", 200, 100, [first, second])


def test_text_lists_lines_in_order_and_ends_with_newline():
    assert to_text(sample_page()) == "Total 12.50\nTom & <Jerry>\n\nedge\n"
    assert to_text(Page(None, 10, 10)) == "\n"


def test_json_is_one_line_with_the_documented_keys():
    out = to_json(sample_page())
    assert "\n" not in out
    record = json.loads(out)
    assert set(record) == {"path", "width", "height", "text", "confidence", "lines"}
    assert (record["path"], record["width"], record["height"]) == ("scans/receipt.jpg", 200, 100)
    assert [ln["text"] for ln in record["lines"]] == ["Total 12.50", "Tom & <Jerry>", "edge"]
    for ln in record["lines"]:
        assert set(ln) == {"text", "confidence", "box", "words"}
        for w in ln["words"]:
            assert set(w) == {"text", "confidence", "box"}
        for box in [ln["box"]] + [w["box"] for w in ln["words"]]:
            assert len(box) == 4
            assert all(len(pt) == 2 and all(isinstance(v, (int, float)) for v in pt) for pt in box)
    assert record["lines"][0]["words"][1] == {"text": "12.50", "confidence": 0.7,
                                              "box": [[70.0, 10.0], [120.0, 10.0], [120.0, 30.0], [70.0, 30.0]]}


def test_json_round_trips_awkward_text():
    text = 'say "hi"\nÉté 東京 ✓ \\ tab\t'
    page = Page("ä.png", 50, 20, [Block([line((text, 0.5, rect(0, 0, 50, 20)))], rect(0, 0, 50, 20))])
    out = to_json(page)
    assert "Été 東京" in out  # written as is, not as \u escapes
    record = json.loads(out)
    assert record["path"] == "ä.png"
    assert record["text"] == text
    assert record["lines"][0]["words"][0]["text"] == text


def classes(root: ET.Element, name: str) -> list[ET.Element]:
    return [el for el in root.iter() if el.get("class") == name]


def bbox(el: ET.Element) -> list[int]:
    match = re.search(r"bbox (-?\d+) (-?\d+) (-?\d+) (-?\d+)", el.get("title"))
    assert match, el.get("title")
    return [int(v) for v in match.groups()]


def test_hocr_parses_with_one_element_per_page_block_line_and_word():
    pages = [sample_page(), Page("b.png", 30, 30, [Block([line(("x", 0.5, rect(1, 1, 9, 9)))], rect(1, 1, 9, 9))])]
    root = ET.fromstring(to_hocr(pages))
    metas = {m.get("name"): m.get("content") for m in root.iter(f"{XHTML}meta")}
    assert metas["ocr-system"].startswith("ocrforge ")
    assert metas["ocr-capabilities"] == "ocr_page ocr_carea ocr_line ocrx_word"
    assert len(classes(root, "ocr_page")) == 2
    assert len(classes(root, "ocr_carea")) == 3
    assert len(classes(root, "ocr_line")) == 4
    assert len(classes(root, "ocrx_word")) == 5
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)) == 14
    assert {"page_1", "page_2", "block_1_2", "line_1_3", "word_1_4", "word_2_1"} <= set(ids)
    first, second = classes(root, "ocr_page")
    assert first.get("title") == 'image "scans/receipt.jpg"; bbox 0 0 200 100; ppageno 0'
    assert second.get("title") == 'image "b.png"; bbox 0 0 30 30; ppageno 1'
    # each element sits inside the one above it
    assert len(classes(first, "ocrx_word")) == 4 and len(classes(second, "ocrx_word")) == 1


def test_hocr_boxes_are_ints_on_the_page_with_word_confidences():
    root = ET.fromstring(to_hocr([sample_page()]))
    for el in classes(root, "ocr_carea") + classes(root, "ocr_line") + classes(root, "ocrx_word"):
        x0, y0, x1, y1 = bbox(el)
        assert 0 <= x0 <= x1 <= 200 and 0 <= y0 <= y1 <= 100
    words = classes(root, "ocrx_word")
    assert bbox(words[0]) == [10, 10, 60, 30]
    assert bbox(words[3]) == [0, 80, 40, 100]  # clamped from (-5, 80, 40, 110)
    confs = [int(re.search(r"x_wconf (\d+)", w.get("title")).group(1)) for w in words]
    assert confs == [98, 70, 40, 90]


def test_hocr_escapes_text_and_path():
    page = sample_page()
    page.path = 'a&b "<c>".png'
    doc = to_hocr([page])
    assert "Tom &amp; &lt;Jerry&gt;" in doc
    root = ET.fromstring(doc)
    assert [w.text for w in classes(root, "ocrx_word")] == ["Total", "12.50", "Tom & <Jerry>", "edge"]
    assert classes(root, "ocr_page")[0].get("title").startswith('image "a&b "<c>".png"; ')
    lines = classes(root, "ocr_line")
    assert "".join(lines[0].itertext()) == "Total 12.50"


def test_hocr_gives_rotated_lines_a_counter_clockwise_textangle():
    up = Line([Word("up", 0.9, rotated(100, 100, 80, 20, 30))], rotated(100, 100, 80, 20, 30))
    down = Line([Word("down", 0.9, rotated(100, 150, 80, 20, -15))], rotated(100, 150, 80, 20, -15))
    flat = Line([Word("flat", 0.9, rect(10, 10, 50, 30))], rect(10, 10, 50, 30))
    page = Page(None, 200, 200, [Block([up, down, flat], rect(0, 0, 200, 200))])
    root = ET.fromstring(to_hocr([page]))
    titles = [el.get("title") for el in classes(root, "ocr_line")]
    assert titles[0].endswith("; textangle 30")
    assert titles[1].endswith("; textangle -15")
    assert "textangle" not in titles[2]
    assert classes(root, "ocr_page")[0].get("title") == "bbox 0 0 200 200; ppageno 0"  # no path, no image
    # the axis-aligned bounds of the turned box: centre +- (40 cos 30 + 10 sin 30, 40 sin 30 + 10 cos 30)
    assert bbox(classes(root, "ocr_line")[0]) == [60, 71, 140, 129]


def test_hocr_of_no_pages_or_empty_pages_still_parses():
    assert classes(ET.fromstring(to_hocr([])), "ocr_page") == []
    root = ET.fromstring(to_hocr([Page(None, 10, 10)]))
    assert len(classes(root, "ocr_page")) == 1 and classes(root, "ocr_line") == []
