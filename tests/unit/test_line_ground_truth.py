"""ALTO and PAGE XML line ground truth (the exports of eScriptorium, Transkribus, Kraken), read through the
`alto` and `page` kinds on pages drawn here: lines in order, exact NFC texts, crops that hold their own
line's ink and none of their neighbours', and skips for broken files."""

from __future__ import annotations

import re
import unicodedata
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrforge.data.readers import KINDS, SkippedSampleWarning, open_dataset
from ocrforge.data.readers.line_xml import read_alto, read_page
from ocrforge.pipeline.alto import to_alto
from ocrforge.results import Block, Line, Page, Word

ALTO_V2 = "http://www.loc.gov/standards/alto/ns-v2#"
ALTO_V3 = "http://www.loc.gov/standards/alto/ns-v3#"
ALTO_V4 = "http://www.loc.gov/standards/alto/ns-v4#"
PAGE_2013 = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15"
PAGE_2019 = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"

TEXTS = ["Größe über Maß", "café noir-", "señor naïve"]  # NFC, as the reader must give them back
LEFT, TOP, WIDTH = 12, 12, 320


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _draw_page(path: Path, texts: list[str]) -> list[tuple[int, int, int, int]]:
    """Each text drawn as one line, the rows of one line's ink touching the next's (close handwriting);
    writes the page and returns each line's ink box (x0, y0, x1, y1), ends exclusive."""
    font = ImageFont.load_default(size=28)
    strips, boxes = [], []
    for text in texts:
        strip = Image.new("L", (WIDTH, 80), 255)
        ImageDraw.Draw(strip).text((LEFT, 20), text, font=font, fill=0)
        ink = np.array(strip) < 255
        rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        strips.append(np.array(strip)[rows[0]:rows[-1] + 1])
        boxes.append((int(cols[0]), int(cols[-1]) + 1))
    page, placed, y = [np.full((TOP, WIDTH), 255, np.uint8)], [], TOP
    for strip, (x0, x1) in zip(strips, boxes):
        placed.append((x0, y, x1, y + len(strip)))
        page.append(strip)
        y += len(strip)
    page.append(np.full((TOP, WIDTH), 255, np.uint8))
    gray = np.vstack(page)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.repeat(gray[..., None], 3, axis=2)).save(path)
    return placed


def _check_crops(samples, page_path: Path, boxes) -> None:
    """Each crop is its box's pixels exactly, inside a margin of paper; where that margin overlaps the
    neighbouring lines' ink on the page, the crop shows none of it."""
    page = np.array(Image.open(page_path).convert("RGB"))
    assert len(samples) == len(boxes)
    for k, (sample, (x0, y0, x1, y1)) in enumerate(zip(samples, boxes)):
        crop = sample.image
        assert crop.dtype == np.uint8 and crop.ndim == 3 and crop.shape[2] == 3
        margin = (crop.shape[0] - (y1 - y0)) // 2
        assert margin >= 2 and crop.shape == (y1 - y0 + 2 * margin, x1 - x0 + 2 * margin, 3)
        assert np.array_equal(crop[margin:-margin, margin:-margin], page[y0:y1, x0:x1])  # the line's own ink
        assert crop[margin:-margin, margin:-margin].min() < 60
        paper = np.concatenate([crop[:margin].reshape(-1, 3), crop[-margin:].reshape(-1, 3),
                                crop[:, :margin].reshape(-1, 3), crop[:, -margin:].reshape(-1, 3)])
        assert (paper == 255).all()
        # The margins would hold the next lines' ink without the polygon mask: the test can tell.
        if k > 0:
            assert page[y0 - margin:y0, x0:x1].min() < 60
        if k < len(boxes) - 1:
            assert page[y1:y1 + margin, x0:x1].min() < 60


# ---------------------------------------------------------------- ALTO


def _alto(namespace: str, lines: str, file_name: str | None = "page.png", unit: str = "pixel") -> str:
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    source = f"<sourceImageInformation><fileName>{file_name}</fileName></sourceImageInformation>" if file_name else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<alto{xmlns}><Description><MeasurementUnit>{unit}</MeasurementUnit>'
            f"{source}</Description><Layout><Page ID=\"p1\" WIDTH=\"{WIDTH}\" HEIGHT=\"200\"><PrintSpace>"
            f'<TextBlock ID="b1">{lines}</TextBlock></PrintSpace></Page></Layout></alto>\n')


def _alto_polygon_line(ident: str, box, words: list[str], commas: bool, hyphen: str = "") -> str:
    x0, y0, x1, y1 = box
    corners = [(x0, y0), (x1 - 1, y0), (x1 - 1, y1 - 1), (x0, y1 - 1)]  # the outline's pixels, inclusive
    points = " ".join(f"{x},{y}" if commas else f"{x} {y}" for x, y in corners)
    strings = "<SP/>".join(f'<String CONTENT="{_xml_text(_nfd(w))}"/>' for w in words)
    hyp = f'<HYP CONTENT="{hyphen}"/>' if hyphen else ""
    # The rectangle attributes lie (the whole page): the polygon must win.
    return (f'<TextLine ID="{ident}" HPOS="0" VPOS="0" WIDTH="{WIDTH}" HEIGHT="200" BASELINE="{x0},{y1} {x1},{y1}">'
            f'<Shape><Polygon POINTS="{points}"/></Shape>{strings}{hyp}</TextLine>')


def test_alto_v4_polygons_give_lines_in_order_nfc_texts_and_tight_crops(tmp_path):
    boxes = _draw_page(tmp_path / "page.png", TEXTS)
    lines = (_alto_polygon_line("l1", boxes[0], ["Größe", "über", "Maß"], commas=True)
             + _alto_polygon_line("l2", boxes[1], ["café", "noir"], commas=False, hyphen="-")
             + _alto_polygon_line("l3", boxes[2], ["señor", "naïve"], commas=True))
    xml = tmp_path / "page.xml"
    xml.write_text(_alto(ALTO_V4, lines), encoding="utf-8")
    assert _nfd("Größe") != "Größe" and _nfd("Größe") in xml.read_text(encoding="utf-8")  # decomposed on disk

    samples = list(open_dataset(f"alto:{tmp_path}"))

    assert [s.text for s in samples] == TEXTS
    assert [s.source for s in samples] == [f"{xml}#l1", f"{xml}#l2", f"{xml}#l3"]
    _check_crops(samples, tmp_path / "page.png", boxes)


def test_alto_polygon_masks_what_its_bounding_box_holds_of_other_lines(tmp_path):
    """An L-shaped polygon: a neighbour's ink inside the bounding box but outside the polygon is painted
    over with the median colour of the polygon's own pixels (tinted paper here, not white)."""
    paper, ink = (230, 215, 190), (20, 20, 20)
    page = np.full((100, 200, 3), paper, np.uint8)
    page[30:40, 20:60] = ink  # the line's own ink, inside the polygon
    page[25:45, 130:170] = ink  # a neighbour's ascender, in the box but outside the polygon
    Image.fromarray(page).save(tmp_path / "page.png")
    l_shape = "10,20 99,20 99,28 179,28 179,49 10,49"  # pixels x 10..179, y 20..49, but for x 100..179 above y 28
    line = f'<TextLine ID="t"><Shape><Polygon POINTS="{l_shape}"/></Shape><String CONTENT="ink"/></TextLine>'
    (tmp_path / "page.xml").write_text(_alto(ALTO_V4, line), encoding="utf-8")

    (crop,) = [s.image for s in read_alto(tmp_path / "page.xml")]

    margin = (crop.shape[0] - 30) // 2
    top, left = 20 - margin, 10 - margin
    assert crop.shape[:2] == (30 + 2 * margin, 170 + 2 * margin)
    assert np.array_equal(crop[30 - top:40 - top, 20 - left:60 - left], page[30:40, 20:60])  # own ink kept
    assert (crop[25 - top:28 - top, 130 - left:170 - left] == paper).all()  # above the notch: painted over
    assert (crop[28 - top:45 - top, 130 - left:170 - left] == ink).all()  # inside the polygon: the page's pixels
    assert (crop[:margin] == paper).all() and (crop[-margin:] == paper).all()


@pytest.mark.parametrize("namespace", [ALTO_V2, ALTO_V3, ""], ids=["v2", "v3", "no-namespace"])
def test_alto_rectangles_without_polygons(tmp_path, namespace):
    boxes = _draw_page(tmp_path / "scans" / "p7.png", TEXTS)
    lines = "".join(
        f'<TextLine ID="line_{k}" HPOS="{x0}" VPOS="{y0}" WIDTH="{x1 - x0}" HEIGHT="{y1 - y0}">'
        f'<String CONTENT="{_xml_text(_nfd(text))}"/></TextLine>'
        for k, (text, (x0, y0, x1, y1)) in enumerate(zip(TEXTS, boxes)))
    xml = tmp_path / "p7.xml"
    xml.write_text(_alto(namespace, lines, file_name="scans/p7.png"), encoding="utf-8")

    samples = list(KINDS["alto"](xml))

    assert [s.text for s in samples] == TEXTS
    assert [s.source for s in samples] == [f"{xml}#line_{k}" for k in range(3)]
    _check_crops(samples, tmp_path / "scans" / "p7.png", boxes)


def test_alto_lines_without_id_are_numbered_and_ocrforge_own_alto_reads_back(tmp_path):
    boxes = _draw_page(tmp_path / "receipt.png", ["Total 12.50", "Tax 1.25"])

    def word(text, x0, y0, x1, y1):
        return Word(text, 0.9, np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32))

    lines = [Line([word(t, *box)], np.array([[box[0], box[1]], [box[2], box[1]], [box[2], box[3]], [box[0], box[3]]], np.float32))
             for t, box in zip(["Total 12.50", "Tax 1.25"], boxes)]
    (tmp_path / "receipt.xml").write_text(to_alto([Page("receipt.png", WIDTH, 200, [Block(lines, lines[0].box)])]), encoding="utf-8")
    plain = tmp_path / "plain.xml"
    plain.write_text(_alto(ALTO_V4, '<TextLine HPOS="0" VPOS="0" WIDTH="10" HEIGHT="10"><String CONTENT="x"/></TextLine>'
                                    '<TextLine HPOS="0" VPOS="0" WIDTH="10" HEIGHT="10"><String CONTENT="y"/></TextLine>',
                           file_name="receipt.png"), encoding="utf-8")

    own = list(read_alto(tmp_path / "receipt.xml"))
    assert [s.text for s in own] == ["Total 12.50", "Tax 1.25"]
    _check_crops(own, tmp_path / "receipt.png", boxes)
    assert [s.source for s in read_alto(plain)] == [f"{plain}#0", f"{plain}#1"]


def test_alto_in_other_units_or_of_several_pages_is_skipped(tmp_path):
    _draw_page(tmp_path / "page.png", TEXTS[:1])
    line = '<TextLine ID="a" HPOS="0" VPOS="0" WIDTH="10" HEIGHT="10"><String CONTENT="x"/></TextLine>'
    (tmp_path / "mm.xml").write_text(_alto(ALTO_V4, line, unit="mm10"), encoding="utf-8")
    two_pages = _alto(ALTO_V4, line).replace("</Layout>", '<Page ID="p2"/></Layout>')
    (tmp_path / "two.xml").write_text(two_pages, encoding="utf-8")

    with pytest.warns(SkippedSampleWarning) as caught:
        assert list(read_alto(tmp_path)) == []

    messages = sorted(str(w.message) for w in caught)
    assert len(messages) == 2
    assert messages[0].startswith(f"skipped {tmp_path / 'mm.xml'}") and "mm10" in messages[0]
    assert messages[1].startswith(f"skipped {tmp_path / 'two.xml'}") and "2 pages" in messages[1]


# ---------------------------------------------------------------- PAGE


def _page(namespace: str, regions: str, image: str = "page.png") -> str:
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<PcGts{xmlns}><Metadata><Creator>test</Creator></Metadata>'
            f'<Page imageFilename="{image}" imageWidth="{WIDTH}" imageHeight="200">{regions}</Page></PcGts>\n')


def _page_line(ident: str, box, equivs: str, word_text: str = "WORD") -> str:
    x0, y0, x1, y1 = box[0], box[1], box[2] - 1, box[3] - 1  # the outline's pixels, inclusive
    points = f"{x0},{y0} {x1},{y0} {x1},{y1} {x0},{y1}"
    # A Word with its own TextEquiv first: the line's TextEquiv (after its Words) is the one to read.
    word = f'<Word id="{ident}w"><Coords points="{points}"/><TextEquiv><Unicode>{word_text}</Unicode></TextEquiv></Word>'
    return f'<TextLine id="{ident}"><Coords points="{points}"/><Baseline points="{x0},{y1} {x1},{y1}"/>{word}{equivs}</TextLine>'



def _equiv(text: str, index: int | None = None) -> str:
    attribute = f' index="{index}"' if index is not None else ""
    return f"<TextEquiv{attribute}><Unicode>{_xml_text(_nfd(text))}</Unicode></TextEquiv>"


@pytest.mark.parametrize("namespace", [PAGE_2019, PAGE_2013, ""], ids=["2019", "2013", "no-namespace"])
def test_page_lines_in_document_order_with_their_own_text(tmp_path, namespace):
    boxes = _draw_page(tmp_path / "page.png", TEXTS)
    regions = (f'<TextRegion id="r1"><Coords points="0,0 1,0 1,1"/>{_page_line("a", boxes[0], _equiv(TEXTS[0]))}'
               f'{_page_line("b", boxes[1], _equiv(TEXTS[1]))}</TextRegion>'
               f'<TextRegion id="r2"><Coords points="0,0 1,0 1,1"/>{_page_line("c", boxes[2], _equiv(TEXTS[2]))}</TextRegion>')
    xml = tmp_path / "page.xml"
    xml.write_text(_page(namespace, regions), encoding="utf-8")

    samples = list(open_dataset(f"page:{tmp_path}"))

    assert [s.text for s in samples] == TEXTS
    assert [s.source for s in samples] == [f"{xml}#a", f"{xml}#b", f"{xml}#c"]
    _check_crops(samples, tmp_path / "page.png", boxes)


def test_page_text_equiv_of_lowest_index_else_the_first(tmp_path):
    boxes = _draw_page(tmp_path / "page.png", ["one", "two", "three"])
    lines = (_page_line("by_index", boxes[0], _equiv("second guess", 2) + _equiv("best", 1) + _equiv("third", 3))
             + _page_line("no_index", boxes[1], _equiv("first") + _equiv("later"))
             + _page_line("word_only", boxes[2], "", word_text="only in the word"))
    (tmp_path / "page.xml").write_text(_page(PAGE_2019, f'<TextRegion id="r">{lines}</TextRegion>'), encoding="utf-8")

    samples = list(read_page(tmp_path / "page.xml"))

    # A line whose only text is its Words' is not a sample: its own TextEquiv is the ground truth.
    assert [(s.text, s.source.rpartition("#")[2]) for s in samples] == [("best", "by_index"), ("first", "no_index")]


def test_page_images_found_by_name_in_the_folder_above_or_by_stem(tmp_path):
    """Transkribus puts its page/ folder beside the images; a file naming no image finds its own stem."""
    boxes = _draw_page(tmp_path / "0001.png", ["first page"])
    nested = tmp_path / "page" / "0001.xml"
    nested.parent.mkdir()
    nested.write_text(_page(PAGE_2013, _page_line("l", boxes[0], _equiv("first page")), image="0001.png"), encoding="utf-8")
    beside = tmp_path / "more" / "0002.xml"
    boxes_2 = _draw_page(tmp_path / "more" / "0002.tif", ["second page"])
    beside.write_text(_page(PAGE_2013, _page_line("l", boxes_2[0], _equiv("second page")), image=""), encoding="utf-8")

    samples = list(read_page(tmp_path))

    assert [(s.text, s.source) for s in samples] == [("second page", f"{beside}#l"), ("first page", f"{nested}#l")]
    _check_crops(samples[1:], tmp_path / "0001.png", boxes)
    _check_crops(samples[:1], tmp_path / "more" / "0002.tif", boxes_2)


# ---------------------------------------------------------------- skips and errors


def test_broken_and_foreign_files_skipped_while_the_good_one_is_read(tmp_path):
    boxes = _draw_page(tmp_path / "good.png", TEXTS)
    good = "".join(_alto_polygon_line(f"l{k}", box, [text], commas=True) for k, (text, box) in enumerate(zip(TEXTS, boxes)))
    (tmp_path / "a_broken.xml").write_text(_alto(ALTO_V4, good).replace("</TextBlock>", ""), encoding="utf-8")
    (tmp_path / "b_good.xml").write_text(_alto(ALTO_V4, good, file_name="good.png"), encoding="utf-8")
    (tmp_path / "c_mets.xml").write_text('<mets xmlns="http://www.loc.gov/METS/"/>', encoding="utf-8")
    (tmp_path / "d_page.xml").write_text(_page(PAGE_2019, _page_line("x", boxes[0], _equiv("x")), image="good.png"), encoding="utf-8")

    with pytest.warns(SkippedSampleWarning) as caught:
        samples = list(open_dataset(f"alto:{tmp_path}"))

    assert [s.text for s in samples] == TEXTS
    messages = [str(w.message) for w in caught]
    assert len(messages) == 3
    assert messages[0].startswith(f"skipped {tmp_path / 'a_broken.xml'}: not well-formed XML")
    assert messages[1].startswith(f"skipped {tmp_path / 'c_mets.xml'}: neither ALTO nor PAGE") and "<mets>" in messages[1]
    assert messages[2].startswith(f"skipped {tmp_path / 'd_page.xml'}") and "page:" in messages[2]


def test_missing_page_image_skips_the_file_naming_the_image(tmp_path):
    line = '<TextLine ID="a" HPOS="0" VPOS="0" WIDTH="10" HEIGHT="10"><String CONTENT="x"/></TextLine>'
    (tmp_path / "page.xml").write_text(_alto(ALTO_V4, line, file_name="gone.jpg"), encoding="utf-8")

    with pytest.warns(SkippedSampleWarning, match="gone.jpg") as caught:
        assert list(read_alto(tmp_path / "page.xml")) == []
    assert str(tmp_path / "gone.jpg") in str(caught[0].message)


def test_empty_lines_left_out_quietly_broken_polygons_skipped(tmp_path):
    boxes = _draw_page(tmp_path / "page.png", TEXTS)
    lines = (_page_line("empty", boxes[0], _equiv("  "))
             + _page_line("good", boxes[1], _equiv(TEXTS[1]))
             + '<TextLine id="flat"><Coords points="10,10 50,10 90,10"/><TextEquiv><Unicode>x</Unicode></TextEquiv></TextLine>'
             + '<TextLine id="two"><Coords points="10,10 50,50"/><TextEquiv><Unicode>x</Unicode></TextEquiv></TextLine>'
             + '<TextLine id="words"><Coords points="a,b c,d e,f"/><TextEquiv><Unicode>x</Unicode></TextEquiv></TextLine>'
             + '<TextLine id="no_text"><Coords points="10,10 50,10"/></TextLine>')
    xml = tmp_path / "page.xml"
    xml.write_text(_page(PAGE_2019, f'<TextRegion id="r">{lines}</TextRegion>'), encoding="utf-8")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        samples = list(read_page(xml))

    assert [s.source for s in samples] == [f"{xml}#good"]
    assert all(issubclass(w.category, SkippedSampleWarning) for w in caught)
    messages = [str(w.message) for w in caught]
    assert [m.partition(":")[0] for m in messages] == [f"skipped {xml}#{k}" for k in ("flat", "two", "words")]
    assert "area 0" in messages[0] and "2 point" in messages[1] and "a,b c,d e,f" in messages[2]


def test_a_folder_without_xml_is_an_error_naming_it(tmp_path):
    _draw_page(tmp_path / "page.png", TEXTS[:1])
    for kind in ("alto", "page"):
        with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path))):
            open_dataset(f"{kind}:{tmp_path}")
