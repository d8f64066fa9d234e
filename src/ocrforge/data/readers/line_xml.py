"""Line ground truth as handwriting transcription platforms (eScriptorium, Transkribus, Kraken) export it,
one XML file per page image, read as text-line crops:

- ALTO XML v2, v3 and v4 (or without a namespace): every TextLine; its text the CONTENT of its Strings
  joined by single spaces (a HYP's CONTENT appended), its region its Shape/Polygon, else its
  HPOS/VPOS/WIDTH/HEIGHT rectangle. Pixel coordinates only (MeasurementUnit `pixel`, or none given).
- PAGE XML 2013-07-15 and 2019-07-15 (or without a namespace): every TextLine with a TextEquiv/Unicode
  (the one with the lowest `index` where several), its region Coords/@points.

PATH is one .xml file or a folder searched recursively. The page image is the one the XML names, relative
to the XML's folder, else the image beside the XML with its stem. Lines come in document order; texts are
normalised to NFC.
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

import cv2
import numpy as np

from ocrforge.data.readers.sample import Sample, skip
from ocrforge.io.images import ImageError, load_image

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".tif", ".tiff")  # of a page image found by the XML's stem
MARGIN = 0.1  # around the polygon's bounding box, as a share of its height (at least MIN_MARGIN pixels)
MIN_MARGIN = 2
MIN_AREA = 1.0  # square pixels: a polygon smaller than one pixel holds no line


@dataclass(frozen=True)
class _Line:
    key: str  # the line's id, else its number in the file
    text: str
    polygon: np.ndarray | None  # (N, 2) x, y in page pixels; None when the XML gives none readable
    problem: str = ""  # why polygon is None


@dataclass(frozen=True)
class _PageLines:
    image_name: str  # as the XML gives it; "" when it names none
    lines: list[_Line]


class _Unsupported(ValueError):
    """A well-formed file this reader cannot use as a whole (wrong format, other units, several pages)."""


def read_alto(path: Path) -> Iterator[Sample]:
    """The text lines of ALTO files (one file, or a folder searched recursively), cut from their page images."""
    return _read(_xml_files(path), "alto", _alto_lines)


def read_page(path: Path) -> Iterator[Sample]:
    """The text lines of PAGE XML files (one file, or a folder searched recursively), cut from their page images."""
    return _read(_xml_files(path), "PcGts", _page_lines)


def _read(files: list[Path], root_name: str, parse: Callable[[ET.Element, str], _PageLines]) -> Iterator[Sample]:
    for xml_path in files:
        try:
            root = ET.parse(xml_path).getroot()
        except (ET.ParseError, OSError) as err:
            skip(str(xml_path), f"not well-formed XML ({err})")
            continue
        namespace, _, name = root.tag.rpartition("}")
        try:
            if name != root_name:
                raise _Unsupported(_other_format(name, root_name))
            page = parse(root, f"{namespace}}}" if namespace else "")
        except _Unsupported as err:
            skip(str(xml_path), str(err))
            continue
        lines = [line for line in page.lines if line.text]
        if not lines:
            continue  # nothing to cut, so no image needed
        image_path = _find_image(xml_path, page.image_name)
        if image_path is None:
            skip(str(xml_path), _missing_image(xml_path, page.image_name))
            continue
        try:
            image = load_image(image_path)
        except ImageError as err:
            skip(str(xml_path), str(err))
            continue
        for line in lines:
            source = f"{xml_path}#{line.key}"
            problem = line.problem or _polygon_problem(line.polygon)
            if problem:
                skip(source, problem)
                continue
            crop = _cut_line(image, line.polygon)
            if crop is None:
                skip(source, f"the line lies outside the {image.shape[1]}x{image.shape[0]} page image {image_path}")
                continue
            yield Sample(crop, line.text, source)


def _xml_files(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]
    files = [p for p in sorted(path.rglob("*")) if p.suffix.lower() == ".xml" and p.is_file()]
    if not files:
        raise FileNotFoundError(f"{path}: no .xml files here or below")
    return files


_FORMATS = {"alto": ("ALTO", "alto"), "PcGts": ("PAGE XML", "page")}  # root element -> (name, KIND)


def _other_format(root_name: str, wanted: str) -> str:
    if root_name in _FORMATS:
        label, kind = _FORMATS[root_name]
        return f"this is {label}, not {_FORMATS[wanted][0]}: read it as {kind}:PATH"
    return f"neither ALTO nor PAGE XML (its root element is <{root_name}>)"


# ---------------------------------------------------------------- ALTO


def _alto_lines(root: ET.Element, ns: str) -> _PageLines:
    unit = (root.findtext(f"{ns}Description/{ns}MeasurementUnit") or "pixel").strip()
    if unit != "pixel":
        raise _Unsupported(f"MeasurementUnit {unit!r}: only pixel coordinates are read")
    # A document of several pages names one image at most: its other pages' lines would be cut from the wrong one.
    pages = root.findall(f"{ns}Layout/{ns}Page")
    if len(pages) > 1:
        raise _Unsupported(f"{len(pages)} pages in one file: only files of one page image are read")
    image_name = (root.findtext(f"{ns}Description/{ns}sourceImageInformation/{ns}fileName") or "").strip()
    lines = []
    for number, element in enumerate(root.iter(f"{ns}TextLine")):
        key = element.get("ID") or str(number)
        text = _nfc(_alto_text(element, ns))
        shape = element.find(f"{ns}Shape/{ns}Polygon")
        points = shape.get("POINTS") if shape is not None else None
        lines.append(_alto_rectangle(element, key, text) if points is None else _outline(key, text, points, "POINTS"))
    return _PageLines(image_name, lines)


def _alto_text(line: ET.Element, ns: str) -> str:
    words: list[str] = []
    for child in line:
        if child.tag == f"{ns}String":
            words.append(child.get("CONTENT", ""))
        elif child.tag == f"{ns}HYP":
            if words:
                words[-1] += child.get("CONTENT", "")
            else:
                words.append(child.get("CONTENT", ""))
    # Strings are words whether or not an SP stands between them: some exporters leave the SPs out.
    return " ".join(w for w in words if w).strip()


def _alto_rectangle(line: ET.Element, key: str, text: str) -> _Line:
    try:
        x, y, w, h = (float(line.attrib[a]) for a in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
    except (KeyError, ValueError):
        return _Line(key, text, None, "TextLine with neither Shape/Polygon nor numeric HPOS, VPOS, WIDTH, HEIGHT")
    # Polygon points are pixels (inclusive), so the last column and row are HPOS + WIDTH - 1 and VPOS + HEIGHT - 1.
    right, bottom = x + w - 1, y + h - 1
    return _Line(key, text, np.array([[x, y], [right, y], [right, bottom], [x, bottom]]))


# ---------------------------------------------------------------- PAGE


def _page_lines(root: ET.Element, ns: str) -> _PageLines:
    page = root.find(f"{ns}Page")
    if page is None:
        raise _Unsupported("PcGts without a Page element")
    lines = []
    for number, element in enumerate(page.iter(f"{ns}TextLine")):
        key = element.get("id") or str(number)
        # The line's own TextEquiv, not those of its Words and Glyphs.
        equivs = element.findall(f"{ns}TextEquiv")
        indexed = [e for e in equivs if (e.get("index") or "").strip().lstrip("-").isdigit()]
        chosen = min(indexed, key=lambda e: int(e.get("index"))) if indexed else (equivs[0] if equivs else None)
        text = _nfc((chosen.findtext(f"{ns}Unicode") or "").strip()) if chosen is not None else ""
        coords = element.find(f"{ns}Coords")
        points = coords.get("points") if coords is not None else None
        if points is None:
            lines.append(_Line(key, text, None, "TextLine without Coords/@points"))
        else:
            lines.append(_outline(key, text, points, "points"))
    return _PageLines(page.get("imageFilename", "").strip(), lines)


# ---------------------------------------------------------------- shared


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _outline(key: str, text: str, points: str, attribute: str) -> _Line:
    polygon = _parse_points(points)
    return _Line(key, text, polygon, "" if polygon is not None else f"{attribute} {points!r} are not x,y pairs")


def _parse_points(text: str) -> np.ndarray | None:
    """`x1,y1 x2,y2 ...` or `x1 y1 x2 y2 ...` -> (N, 2) floats; None when they are not pairs of numbers."""
    try:
        values = [float(v) for v in text.replace(",", " ").split()]
    except ValueError:
        return None
    if len(values) % 2 or not np.isfinite(values).all():  # float() takes "nan" and "inf"
        return None
    return np.array(values, dtype=np.float64).reshape(-1, 2)


def _polygon_problem(polygon: np.ndarray) -> str:
    if len(polygon) < 3:
        return f"a polygon of {len(polygon)} point(s)"
    x, y = polygon[:, 0], polygon[:, 1]
    area = 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))  # shoelace
    if area < MIN_AREA:
        return f"a polygon of area {area:g} (under {MIN_AREA:g} square pixel)"
    return ""


def _image_candidates(xml_path: Path, image_name: str) -> list[Path]:
    folder, candidates = xml_path.parent, []
    if image_name:
        # The name as written; then its last part beside the XML (exporters write paths of the machine they ran
        # on, Windows ones too), and in the folder above (Transkribus puts page/ and alto/ beside the images).
        base = PureWindowsPath(image_name).name
        candidates += [folder / image_name, folder / base, folder.parent / base]
    candidates += [folder / (xml_path.stem + ext) for ext in IMAGE_EXTENSIONS]
    return candidates


def _find_image(xml_path: Path, image_name: str) -> Path | None:
    return next((p for p in _image_candidates(xml_path, image_name) if p.is_file()), None)


def _missing_image(xml_path: Path, image_name: str) -> str:
    beside = f"{xml_path.parent / xml_path.stem}{{{','.join(IMAGE_EXTENSIONS)}}}"
    if image_name:
        return f"page image {xml_path.parent / image_name} not found (nor {beside})"
    return f"no page image named in it, and none beside it ({beside})"


def _cut_line(image: np.ndarray, polygon: np.ndarray) -> np.ndarray | None:
    """The polygon's bounding box with a margin, clamped to the image, every pixel outside the polygon
    painted the median colour of those inside (the paper, as ink is the minority): the ascenders and
    descenders of the lines above and below stay out. None when nothing of it lies in the image.

    The points are pixels and the pixel under each belongs to the line, as PAGE tools write outlines."""
    height, width = image.shape[:2]
    x0, y0 = (int(v) for v in np.floor(polygon.min(axis=0)))
    x1, y1 = (int(v) + 1 for v in np.ceil(polygon.max(axis=0)))  # exclusive
    margin = max(MIN_MARGIN, round(MARGIN * (y1 - y0)))
    left, top = max(0, x0 - margin), max(0, y0 - margin)
    right, bottom = min(width, x1 + margin), min(height, y1 + margin)
    if right <= left or bottom <= top:
        return None
    crop = image[top:bottom, left:right].copy()
    mask = np.zeros(crop.shape[:2], np.uint8)
    # 4 fractional bits: fillPoly takes integer points; slanted edges of fractional ones keep their course.
    corners = np.round((polygon - (left, top)) * 16).astype(np.int32)
    cv2.fillPoly(mask, [corners], 1, lineType=cv2.LINE_8, shift=4)
    inside = mask.astype(bool)
    if not inside.any():
        return None
    crop[~inside] = np.median(crop[inside], axis=0).astype(np.uint8)
    return crop
