"""Find and read licence plates: the plate detector (the text detector fine-tuned to box plates' rows
and pass over other text) finds the rows, the plate recognizer reads each, and boxes are grouped into
plates (pieces of a row, rows of a two-row plate) and scored by how plate-like they are. Works on
tight plate crops and on whole street or car photos alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from ocrforge.detect.boxes import BoxParams
from ocrforge.detect.geometry import crop_quad, expand_quad, order_quad, reading_quad
from ocrforge.detect.sizes import DEFAULT_MAX_SIDE
from ocrforge.io.images import ImageSource, load_image
from ocrforge.plates.formats import REGION_NAMES, fit_format
from ocrforge.plates.matching import normalise
from ocrforge.runtime.detector import Detector
from ocrforge.runtime.onnx import PLATE_DETECTOR, PLATE_RECOGNIZER, shipped_model
from ocrforge.runtime.recognizer import Recognizer
from ocrforge.text.charset import Charset
from ocrforge.text.ctc import Decoded

# The plate detector learned from plates laid out on 384 px training crops: a tight crop a few dozen
# pixels across, looked at alone, left it finding nothing (reader on 150 validation crops, holdout
# faces: 78.7% alone, 90.0% on a 256 px canvas; 86.0% on 192 px).
PLATE_MIN_SIDE = 256
# The plate detector's box settings, as it was measured with (the text detector's moved on with its retraining).
PLATE_BOX_PARAMS = BoxParams(unclip_ratio=1.6)
READ_MARGIN = 0.15  # as the plate recognizer was trained (data/synth/plates.py READ_MARGIN)
# A row under ZOOM_BELOW_PX high (a distant car) has its box drawn to within a few of the detector's
# 4-pixel output cells, a character's width: the box often loses the first or last character. Such a
# row is detected again in a window around it enlarged to put it near ZOOM_TEXT_PX, ZOOM_REACH row
# heights either side so a lost end is inside.
ZOOM_BELOW_PX = 24
ZOOM_TEXT_PX = 40
ZOOM_REACH = 2.0
MIN_CHARACTERS, MAX_CHARACTERS = 2, 10  # letters and digits on one plate
MIN_SCORE = 0.3
STACK_CONFIDENCE = 0.5  # a row read less surely is more often a caption, a frame or a bolt than a plate's row
TWO_ROW_ASPECT = 2.0  # a box narrower than this many heights may hold both rows of a two-row plate


@dataclass
class PlateRead:
    text: str  # as printed, separators kept; rows joined by a space
    confidence: float  # the recognizer's, averaged over the plate's pieces
    box: np.ndarray  # (4, 2): around the plate's characters, clockwise from top-left, image pixels
    score: float = 0.0  # how plate-like (0..1): confidence, character count, letters and digits

    def to_dict(self) -> dict:
        return {"plate": self.text, "confidence": round(self.confidence, 4),
                "box": [[round(float(x), 1), round(float(y), 1)] for x, y in self.box]}


@dataclass
class _Piece:
    quad: np.ndarray  # reading order
    text: str
    confidence: float
    char_probs: np.ndarray | None = None  # (len(text), C) each character's class probabilities (formats.fit_format)
    height: float = field(init=False)
    centre: np.ndarray = field(init=False)
    direction: np.ndarray = field(init=False)  # unit vector along the text

    def __post_init__(self) -> None:
        q = self.quad
        self.height = float((np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2)
        self.centre = q.mean(axis=0)
        along = (q[1] - q[0]) + (q[2] - q[3])
        self.direction = along / max(float(np.linalg.norm(along)), 1e-6)

    def along(self, point: np.ndarray) -> float:
        return float(np.dot(point - self.centre, self.direction))

    def across(self, point: np.ndarray) -> float:
        offset = point - self.centre
        return float(self.direction[0] * offset[1] - self.direction[1] * offset[0])  # the 2-D cross product

    @property
    def half_width(self) -> float:
        return float(np.linalg.norm(self.quad[1] - self.quad[0]) + np.linalg.norm(self.quad[2] - self.quad[3])) / 4


def _similar_height(a: _Piece, b: _Piece, ratio: float = 1.4) -> bool:
    return max(a.height, b.height) <= ratio * min(a.height, b.height)


def _rows(pieces: list[_Piece]) -> list[list[_Piece]]:
    """Pieces side by side on one line, close enough to be one plate row (on either side of it)."""
    rows: list[list[_Piece]] = []
    for piece in sorted(pieces, key=lambda p: p.centre[0]):
        for row in rows:
            def gap(member: _Piece) -> float:
                return abs(member.along(piece.centre)) - member.half_width - piece.half_width

            nearest = min(row, key=gap)
            # Heights differ along a plate seen at an angle: its near side is up to ~1.7x its far side.
            if (_similar_height(nearest, piece, 1.8) and abs(nearest.across(piece.centre)) < 0.4 * max(nearest.height, piece.height)
                    and -1.0 * nearest.height < gap(nearest) < 2.0 * nearest.height):  # wide gaps: German plates' seal
                row.append(piece)
                break
        else:
            rows.append([piece])
    return [sorted(row, key=lambda p: row[0].along(p.centre)) for row in rows]


def _stack(rows: list[list[_Piece]]) -> list[list[list[_Piece]]]:
    """Rows one above the other with the same height and overlapping extent: a two-row plate."""
    plates: list[list[list[_Piece]]] = []
    used = set()
    ordered = sorted(range(len(rows)), key=lambda i: np.mean([p.centre[1] for p in rows[i]]))
    for i in ordered:
        if i in used:
            continue
        plate = [rows[i]]
        used.add(i)
        top = rows[i][0]
        for j in ordered:
            if j in used:
                continue
            below = rows[j][0]
            centre_j = np.mean([p.centre for p in rows[j]], axis=0)
            centre_i = np.mean([p.centre for p in rows[i]], axis=0)
            # The wider row sets the tolerance: a short top row ("61" over "NB764") sits off the other's centre.
            width = max(sum(2 * p.half_width for p in rows[k]) for k in (i, j))
            down = top.across(centre_j) - top.across(centre_i)
            sure = min(p.confidence for p in rows[i] + rows[j]) >= STACK_CONFIDENCE
            if (sure and _similar_height(top, below, 1.6) and 0.6 * top.height < down < 2.6 * top.height
                    and abs(top.along(centre_j) - top.along(centre_i)) < 0.35 * width):
                plate.append(rows[j])
                used.add(j)
                break
        plates.append(plate)
    return plates


def _plate_score(text: str, confidence: float) -> float:
    key = normalise(text)
    if not MIN_CHARACTERS <= len(key) <= MAX_CHARACTERS:
        return 0.0
    digits = sum(c.isdigit() for c in key)
    shape = 1.0 if digits and len(key) >= 4 else 0.6 if digits or len(key) >= 5 else 0.3
    return confidence * shape


def _fit_format(pieces: list[_Piece], charset: Charset, region: str) -> list[str]:
    """The pieces' texts with the plate's letters and digits, all pieces together, fitted to a known
    format where that is likely enough (formats.fit_format); separators stay as they were read."""
    texts = [p.text for p in pieces]
    if region == "none" or any(p.char_probs is None for p in pieces):
        return texts
    read = [(c, row) for p in pieces for c, row in zip(p.text, p.char_probs) if c.isascii() and c.isalnum()]
    if not read:
        return texts
    fitted = iter(fit_format("".join(c for c, _ in read), np.stack([row for _, row in read]), charset, region))
    return ["".join(next(fitted) if c.isascii() and c.isalnum() else c for c in text) for text in texts]


def _plate(rows: list[list[_Piece]], charset: Charset, region: str) -> PlateRead:
    members = [p for row in rows for p in row]
    fitted = iter(_fit_format(members, charset, region))
    text = " ".join(" ".join(next(fitted) for _ in row) for row in rows)
    confidence = float(np.mean([p.confidence for p in members]))
    return PlateRead(text, confidence, _outline([p.quad for p in members]), _plate_score(text, confidence))


def _halves(quad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    left, right = (quad[0] + quad[3]) / 2, (quad[1] + quad[2]) / 2
    return np.stack([quad[0], quad[1], right, left]), np.stack([left, right, quad[2], quad[3]])


def _equalised(pixels: np.ndarray) -> np.ndarray:
    lab = cv2.cvtColor(pixels, cv2.COLOR_RGB2LAB)
    lab[..., 0] = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(lab[..., 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)


def _outline(quads: list[np.ndarray]) -> np.ndarray:
    points = np.concatenate(quads).astype(np.float32)
    return order_quad(cv2.boxPoints(cv2.minAreaRect(points)))


class PlateReader:
    """`PlateReader().read(image)` -> the plates in it, best first. Thread-safe like OCR."""

    def __init__(self, detector: Detector | str | Path | None = None, recognizer: str | Path | None = None,
                 threads: int | None = None) -> None:
        # A Detector instance is used as it is (tests give a stub), a path loads one.
        self.detector = detector if isinstance(detector, Detector) else Detector(detector or shipped_model(PLATE_DETECTOR), threads)
        self.recognizer = Recognizer(recognizer or shipped_model(PLATE_RECOGNIZER), threads)

    def read(self, image: ImageSource, *, max_side: int = DEFAULT_MAX_SIDE, min_score: float = MIN_SCORE,
             region: str = "auto") -> list[PlateRead]:
        """`region` (formats.REGION_NAMES): whose plate formats readings are fitted to where unsure;
        "auto" every region's, "none" no prior."""
        if region not in REGION_NAMES:
            raise ValueError(f"unknown plate region {region!r}: use one of {', '.join(REGION_NAMES)}")
        pixels = load_image(image)
        plates = self._find(pixels, pixels, max_side, min_score, region)
        if not plates:
            # Night and dirt leave a plate too faint for the detector: look again with local contrast
            # raised; the recognizer still reads the original pixels, as it was trained to.
            plates = self._find(pixels, _equalised(pixels), max_side, min_score, region)
        return sorted(plates, key=_rank(plates))

    def _find(self, pixels: np.ndarray, seen: np.ndarray, max_side: int, min_score: float, region: str) -> list[PlateRead]:
        charset = self.recognizer.info.charset
        # Small rows are looked at closer below (_zoom_in), not by enlarging the whole photo.
        quads = [reading_quad(d.quad) for d in self.detector.detect(
            seen, max_side, PLATE_BOX_PARAMS, min_side=PLATE_MIN_SIDE, enlarge_sparse=False)]
        if not quads:
            return []
        quads = self._zoom_in(seen, quads)
        pieces = self._split_two_rows(pixels, [p for p in self._read_pieces(pixels, quads) if normalise(p.text)])
        rows = _rows(pieces)
        # A row the detector cut into pieces is read again whole: the pieces' boxes overlap (a character
        # read twice) or leave a gap (one lost), and the recognizer learned whole rows.
        split = [i for i, row in enumerate(rows) if len(row) > 1]
        whole = self._read_pieces(pixels, [reading_quad(_outline([p.quad for p in rows[i]])) for i in split])
        for i, piece in zip(split, whole):
            if normalise(piece.text) and piece.confidence >= min(p.confidence for p in rows[i]):
                rows[i] = [piece]
        plates = []
        for plate_rows in _stack(rows):
            candidates = [_plate(plate_rows, charset, region)]
            if candidates[0].score == 0 and len(plate_rows) > 1:
                # Too many characters for one plate: rows stacked by chance (a state's name over the number).
                candidates = [_plate([row], charset, region) for row in plate_rows]
            plates += [plate for plate in candidates if plate.score >= min_score]
        return plates

    def _zoom_in(self, seen: np.ndarray, quads: list[np.ndarray]) -> list[np.ndarray]:
        """Each small row's box drawn again from a closer look (ZOOM_BELOW_PX); kept where that finds nothing."""
        out: list[np.ndarray] = []
        for quad in quads:
            piece = _Piece(quad, "", 0.0)
            if piece.height >= ZOOM_BELOW_PX:
                out.append(quad)
                continue
            reach = np.array([ZOOM_REACH, 1.0]) * piece.height
            (x0, y0), (x1, y1) = np.maximum(quad.min(axis=0) - reach, 0).astype(int), (quad.max(axis=0) + reach).astype(int)
            window = seen[y0:y1 + 1, x0:x1 + 1]
            zoom = ZOOM_TEXT_PX / max(piece.height, 1.0)
            closer = cv2.resize(window, None, fx=zoom, fy=zoom, interpolation=cv2.INTER_CUBIC)
            found = [reading_quad(d.quad / zoom + np.float32([x0, y0]))
                     for d in self.detector.detect(closer, DEFAULT_MAX_SIDE, PLATE_BOX_PARAMS, min_side=PLATE_MIN_SIDE,
                                                   enlarge_sparse=False)]
            # The same row: centred on its line, and reaching no further along it than the window.
            same_row = [q for q in found if abs(piece.across(q.mean(axis=0))) < piece.height / 2
                        and abs(piece.along(q.mean(axis=0))) < piece.half_width + reach[0]]
            if not same_row:
                out.append(quad)
                continue
            # Two small rows near each other see each other in their windows: each box is kept once.
            out += [q for q in same_row if not any(_holds(kept, q.mean(axis=0)) for kept in out)]
        return out

    def _split_two_rows(self, pixels: np.ndarray, pieces: list[_Piece]) -> list[_Piece]:
        """A box the detector drew around both rows of a two-row plate reads as one line, badly: its
        halves are read as rows, and kept when the recognizer is surer of each than of the whole."""
        tall = [i for i, p in enumerate(pieces) if 2 * p.half_width < TWO_ROW_ASPECT * p.height]
        halves = self._read_pieces(pixels, [half for i in tall for half in _halves(pieces[i].quad)])
        out = list(pieces)
        for k, i in reversed(list(enumerate(tall))):
            top, bottom = halves[2 * k], halves[2 * k + 1]
            if normalise(top.text) and normalise(bottom.text) and min(top.confidence, bottom.confidence) > pieces[i].confidence:
                out[i:i + 1] = [top, bottom]
        return out

    def _read_pieces(self, pixels: np.ndarray, quads: list[np.ndarray]) -> list[_Piece]:
        if not quads:
            return []
        crops = [self.recognizer.prepare(crop_quad(pixels, expand_quad(q, READ_MARGIN))) for q in quads]
        return [_Piece(q, *_stripped(r)) for q, r in zip(quads, self.recognizer.recognize_prepared(crops))]


def _holds(quad: np.ndarray, point: np.ndarray) -> bool:
    return cv2.pointPolygonTest(quad.astype(np.float32), (float(point[0]), float(point[1])), False) >= 0


def _stripped(reading: Decoded) -> tuple[str, float, np.ndarray | None]:
    """A piece's text without surrounding spaces, its confidence, and its characters' probabilities to match."""
    start = len(reading.text) - len(reading.text.lstrip())
    text = reading.text.strip()
    probs = None if reading.char_probs is None else reading.char_probs[start : start + len(text)]
    return text, reading.confidence, probs


def _rank(plates: list[PlateRead]):
    """Sort key, best first: plate-likeness, with small print (much lower than the tallest plate
    text, as a state name or a sticker) ranked down, so a tight crop's first plate is its number."""
    def height(plate: PlateRead) -> float:
        side = min(np.linalg.norm(plate.box[1] - plate.box[0]), np.linalg.norm(plate.box[3] - plate.box[0]))
        return float(side)

    tallest = max((height(p) for p in plates), default=1.0)
    return lambda plate: -plate.score * min(1.0, height(plate) / tallest + 0.5)
